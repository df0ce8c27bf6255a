//! `cargo xtask spec lint`: one mutation fixture per rule (tests/spec_fixtures/lint/, written
//! by generate.py from base.yaml), each caught with exactly the expected finding and pointer.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use xtask::spec::keys::{EXTENSION_KEYS, KeyLocation};
use xtask::spec::lint::{
    Rule, Severity, has_cjk, is_placeholder, lint_bytes, lint_files, looks_secret, restates_name,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec_fixtures")
}

fn lint(rel: &str) -> Vec<xtask::spec::lint::Finding> {
    let bytes = std::fs::read(fixtures().join(rel)).expect("fixture");
    lint_bytes(rel, &bytes)
}

const COLL: &str = "/paths/~1v2~1{project_id}~1instances";
const ITEM: &str = "/paths/~1v2~1{project_id}~1instances~1{instance_id}";
const INSTANCE: &str = "/components/schemas/Instance";

/// Lint case -> the one finding it must produce.
fn expected() -> Vec<(&'static str, Rule, Severity, String)> {
    use Rule::*;
    use Severity::*;
    vec![
        ("operation-id", OperationId, Error, format!("{ITEM}/delete")),
        ("summary-missing", Summary, Error, format!("{COLL}/get")),
        (
            "summary-restated",
            Summary,
            Error,
            format!("{COLL}/get/summary"),
        ),
        ("summary-cjk", Summary, Error, format!("{COLL}/get/summary")),
        ("english", English, Error, format!("{INSTANCE}/description")),
        (
            "success-response",
            SuccessResponse,
            Error,
            format!("{ITEM}/delete/responses"),
        ),
        (
            "path-params-undeclared",
            PathParams,
            Error,
            format!("{ITEM}/delete"),
        ),
        (
            "path-params-not-in-path",
            PathParams,
            Error,
            format!("{ITEM}/delete/parameters/1/name"),
        ),
        (
            "refs-dangling",
            Refs,
            Error,
            format!("{INSTANCE}/properties/state/$ref"),
        ),
        (
            "refs-unused",
            Refs,
            Warning,
            "/components/schemas/Orphan".to_owned(),
        ),
        (
            "rust-names",
            RustNames,
            Error,
            format!("{INSTANCE}/properties/instance_name"),
        ),
        (
            "secrets",
            Secrets,
            Error,
            format!("{INSTANCE}/properties/auth_token"),
        ),
        (
            "secrets-opt-out-unneeded",
            Secrets,
            Warning,
            format!("{INSTANCE}/properties/name/x-huaweicloud-not-secret"),
        ),
        (
            "idempotency-default",
            Idempotency,
            Warning,
            format!("{ITEM}/delete/x-huaweicloud-idempotent"),
        ),
        (
            "idempotency-unexplained",
            Idempotency,
            Warning,
            format!("{COLL}/post/x-huaweicloud-idempotent"),
        ),
        (
            "idempotency-read-as-post",
            Idempotency,
            Warning,
            format!("{COLL}~1search/post"),
        ),
        (
            "extension-keys-unknown",
            ExtensionKeys,
            Error,
            format!("{COLL}/get/x-huaweicloud-timeout"),
        ),
        (
            "extension-keys-misplaced",
            ExtensionKeys,
            Error,
            format!("{INSTANCE}/properties/name/x-rust-aliases"),
        ),
        (
            "descriptions-missing",
            Descriptions,
            Error,
            format!("{INSTANCE}/properties/port"),
        ),
        (
            "descriptions-placeholder",
            Descriptions,
            Error,
            format!("{COLL}/get/parameters/0/description"),
        ),
        (
            "descriptions-unreviewed",
            Descriptions,
            Warning,
            "/components/schemas/CreateInstanceBody/properties/port".to_owned(),
        ),
        (
            "descriptions-marker",
            Descriptions,
            Error,
            "/x-huaweicloud-service/docs".to_owned(),
        ),
        (
            "restated-descriptions",
            RestatedDescriptions,
            Error,
            format!("{ITEM}/delete/parameters/0/description"),
        ),
        (
            "enum-markup",
            EnumMarkup,
            Error,
            "/components/schemas/Status/enum/2".to_owned(),
        ),
        (
            "summary-todo",
            Summary,
            Error,
            format!("{COLL}/get/summary"),
        ),
        (
            "secrets-parameter",
            Secrets,
            Error,
            format!("{COLL}/get/parameters/1"),
        ),
        (
            "rust-names-doc-aliases",
            RustNames,
            Error,
            format!("{COLL}/get/x-rust-doc-aliases/1"),
        ),
        (
            "rust-names-unknown",
            RustNames,
            Error,
            "/components/schemas/Status/enum/3".to_owned(),
        ),
        ("shared-paths", SharedPaths, Error, format!("{COLL}/post")),
        (
            "parameter-style",
            ParameterStyle,
            Error,
            format!("{COLL}/get/parameters/0/explode"),
        ),
        (
            "response-headers",
            ResponseHeaders,
            Error,
            format!("{ITEM}/delete/responses/204/headers/X-Tags/schema"),
        ),
        (
            "request-bodies",
            RequestBodies,
            Error,
            format!("{COLL}/post/requestBody/content/application~1bson"),
        ),
        (
            "pagination",
            Pagination,
            Warning,
            format!("{COLL}/get/x-huaweicloud-pagination"),
        ),
        (
            "waiters-not-read",
            Waiters,
            Error,
            format!("{ITEM}/delete/x-huaweicloud-waiters"),
        ),
        (
            "waiters-state",
            Waiters,
            Error,
            format!("{ITEM}/get/x-huaweicloud-waiters/0/state"),
        ),
        (
            "waiters-success-empty",
            Waiters,
            Error,
            format!("{ITEM}/get/x-huaweicloud-waiters/0/success"),
        ),
        (
            "waiters-overlap",
            Waiters,
            Error,
            format!("{ITEM}/get/x-huaweicloud-waiters/0/failure/0"),
        ),
        (
            "waiters-enum",
            Waiters,
            Error,
            format!("{ITEM}/get/x-huaweicloud-waiters/0/failure/0"),
        ),
        ("versions", Versions, Error, "/info/version".to_owned()),
    ]
}

/// The waiter fixtures differ from a clean declaration in one value only: with failure
/// states from the field's enum, none of `success` in `failure`, the spec is clean.
#[test]
fn a_sound_waiter_is_clean() {
    let bytes = std::fs::read(fixtures().join("lint/waiters-enum.yaml")).expect("fixture");
    let mut doc: serde_json::Value = serde_yaml_ng::from_slice(&bytes).expect("yaml");
    let waiter = doc
        .pointer_mut(
            "/paths/~1v2~1{project_id}~1instances~1{instance_id}/get/x-huaweicloud-waiters/0",
        )
        .expect("waiter");
    waiter["failure"] = serde_json::json!(["FROZEN"]);
    let findings = lint_bytes("waiter.yaml", &serde_json::to_vec(&doc).expect("json"));
    assert!(findings.is_empty(), "{findings:#?}");
    // And the state message names what is missing.
    let findings = lint("lint/waiters-state.yaml");
    assert!(
        findings[0].message.contains("no property `instance`"),
        "{findings:#?}"
    );
}

#[test]
fn base_spec_is_clean() {
    let findings = lint("base.yaml");
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn each_mutation_is_caught_with_its_pointer() {
    for (case, rule, severity, pointer) in expected() {
        let rel = format!("lint/{case}.yaml");
        let findings = lint(&rel);
        let got: Vec<(Rule, Severity, &str)> = findings
            .iter()
            .map(|f| (f.rule, f.severity, f.pointer.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![(rule, severity, pointer.as_str())],
            "{case}: {findings:#?}"
        );
        let line = findings[0].to_string();
        assert!(
            line.starts_with(&format!(
                "{}[{}]: {rel}#{pointer}: ",
                severity.as_str(),
                rule.as_str()
            )),
            "{line}"
        );
        assert!(line.contains("(fix: "), "{line}");
    }
}

#[test]
fn every_rule_has_a_case_and_every_fixture_is_expected() {
    let cases: BTreeSet<String> = expected().iter().map(|c| format!("{}.yaml", c.0)).collect();
    let files: BTreeSet<String> = std::fs::read_dir(fixtures().join("lint"))
        .expect("lint fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(cases, files);
    let covered: BTreeSet<Rule> = expected().iter().map(|c| c.1).collect();
    for rule in Rule::ALL.iter().filter(|r| **r != Rule::Parse) {
        assert!(
            covered.contains(rule),
            "no fixture for rule {}",
            rule.as_str()
        );
    }
}

#[test]
fn broken_input_is_a_finding_not_a_panic() {
    let base = std::fs::read(fixtures().join("base.yaml")).expect("base");
    let findings = lint_bytes("x.yaml", b"openapi: [unclosed");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, Rule::Parse);
    assert!(
        findings[0].to_string().starts_with("error[parse]: x.yaml#"),
        "{}",
        findings[0]
    );
    let findings = lint_bytes("x.yaml", &[0xff, 0xfe, 0x00]);
    assert_eq!(findings[0].rule, Rule::Parse);
    // Every prefix of a valid spec: findings or nothing, never a panic.
    for end in (0..base.len()).step_by(37) {
        let _ = lint_bytes("x.yaml", &base[..end]);
    }
    // Every copy with one line deleted (keys, list items, whole mappings go missing): each
    // finding still names the file and a pointer that starts at the root.
    let text = String::from_utf8(base).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    let mut with_findings = 0;
    for skip in 0..lines.len() {
        let mutated: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, l)| *l)
            .collect();
        let findings = lint_bytes("x.yaml", mutated.join("\n").as_bytes());
        for f in &findings {
            assert_eq!(f.file, "x.yaml");
            assert!(f.pointer.is_empty() || f.pointer.starts_with('/'), "{f}");
        }
        with_findings += usize::from(!findings.is_empty());
    }
    assert!(
        with_findings > 10,
        "only {with_findings} mutations were noticed"
    );
}

#[test]
fn placeholder_descriptions() {
    for (description, name) in [
        ("", "port"),
        ("  ", "port"),
        ("The `port` field.", "port"),
        ("The port field", "port"),
        ("Optional. Query parameter `limit`.", "limit"),
        ("**Required.** Path parameter `instance_id`.", "instance_id"),
        ("Header parameter `X-Language`.", "X-Language"),
        ("Allowed values: 1, 2.", "level"),
        ("TODO", "name"),
    ] {
        assert!(is_placeholder(description, name), "{description:?}");
    }
    for (description, name) in [
        ("TCP port clients connect to.", "port"),
        ("The `port` field of the listener, default 5672.", "port"),
        ("Query parameter `limit` of the first page.", "limit"),
    ] {
        assert!(!is_placeholder(description, name), "{description:?}");
    }
}

#[test]
fn descriptions_that_restate_the_name() {
    for (description, name) in [
        ("Instance ID.", "instance_id"),
        ("The ID of the instance.", "instance_id"),
        ("Instance identifier", "instanceId"),
        ("Number of instances.", "instance_num"),
        ("The status.", "status"),
        ("Instance IDs.", "instance_ids"),
        ("Language.", "X-Language"),
    ] {
        assert!(restates_name(description, name), "{description:?}");
    }
    for (description, name) in [
        (
            "Instance ID, a UUID returned by ListInstances.",
            "instance_id",
        ),
        ("Instance status: RUNNING or FROZEN.", "status"),
        ("Capacity in GB.", "capacity"),
        ("", "name"),
        ("The.", "name"),
    ] {
        assert!(!restates_name(description, name), "{description:?}");
    }
}

#[test]
fn secret_names_and_cjk() {
    use xtask::spec::lint::{SecretLook, secret_look};
    for name in [
        "password",
        "old_password",
        "secret_key",
        "auth_token",
        "passwd",
        "X-Subject-Token",
        "X-Client-Token",
        "securitytoken",
        "auth_key",
        "signing_key",
        "private_key",
        "secret_access_key",
        "Authorization",
    ] {
        assert_eq!(secret_look(name), SecretLook::Secret, "{name}");
        assert!(looks_secret(name), "{name}");
    }
    // Needs a reviewer's decision (the committed opt-outs of RabbitMQ).
    for name in [
        "x-dead-letter-routing-key",
        "routing_key",
        "properties_key",
        "kms_key",
        "access_key",
    ] {
        assert_eq!(secret_look(name), SecretLook::Undecided, "{name}");
    }
    // Not secrets: no over-redaction.
    for name in [
        "name",
        "key",
        "keyword",
        "port",
        "token_count_x",
        "http_tokens",
        "tag_key",
        "public_key",
        "password_expires_at",
        "no_password_access",
        "token_id",
    ] {
        assert_eq!(secret_look(name), SecretLook::Plain, "{name}");
        assert!(!looks_secret(name), "{name}");
    }
    assert!(has_cjk("列出实例"));
    assert!(has_cjk("ｆｕｌｌ"));
    assert!(!has_cjk("List the instances (naïve café)."));
}

/// The real specs are clean: `.ci/run` runs `cargo xtask spec lint` too, this keeps
/// `cargo test` honest on its own.
#[test]
fn real_specs_have_no_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let specs = xtask::codegen::find_specs(&root).expect("specs");
    assert!(specs.len() >= 4, "{specs:?}");
    let report = lint_files(&root, &specs);
    let errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// The four services' descriptions are reviewed, so `real_specs_have_no_errors` fails on any
/// missing, placeholder or restated description (not just a warning).
#[test]
fn real_specs_are_marked_reviewed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for svc in ["codeartsartifact", "dcs", "kafka", "rabbitmq"] {
        let text = std::fs::read_to_string(root.join(format!("specs/{svc}/v2.yaml"))).unwrap();
        let doc: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(
            doc.pointer("/x-huaweicloud-service/docs"),
            Some(&serde_json::Value::from(xtask::spec::keys::DOCS_REVIEWED)),
            "{svc}"
        );
    }
}

/// The key list in xtask/src/spec/keys.rs (used by codegen and lint) equals the table
/// "Every `x-` key the generator understands" in specs/README.md, locations included.
#[test]
fn extension_keys_match_the_readme_table() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/README.md"))
            .expect("specs/README.md");
    let section = readme
        .split("\n## Extension keys")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("an \"Extension keys\" section");
    let mut documented: Vec<(String, Vec<KeyLocation>)> = Vec::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.split(" | ").collect();
        let Some(key) = cells
            .first()
            .and_then(|c| c.strip_prefix("| `"))
            .and_then(|c| c.strip_suffix('`'))
        else {
            continue;
        };
        let wher = cells.get(1).copied().unwrap_or_default();
        let mut locations = Vec::new();
        if wher.contains("document root") {
            locations.push(KeyLocation::Root);
        }
        if wher.starts_with("operation") || wher.contains(" operation") {
            locations.push(KeyLocation::Operation);
        }
        if wher.contains("property") {
            locations.push(KeyLocation::Property);
        }
        if wher.contains("parameter") {
            locations.push(KeyLocation::Parameter);
        }
        if wher.contains("response header") {
            locations.push(KeyLocation::ResponseHeader);
        }
        documented.push((key.to_owned(), locations));
    }
    documented.sort();
    let mut code: Vec<(String, Vec<KeyLocation>)> = EXTENSION_KEYS
        .iter()
        .map(|k| (k.name.to_owned(), k.locations.to_vec()))
        .collect();
    code.sort();
    assert_eq!(code, documented);
}
