//! `cargo xtask parity --self-test`: proves that parity catches each kind of mistake it claims
//! to catch, by making the mistake and watching it fail.
//!
//! In a scratch copy of the workspace (`target/parity-selftest/ws`: the files git knows,
//! written only where their content changes, so rebuilds stay incremental) it applies the
//! `MUTATIONS` (one per hole of issue 13, each on its own operation of RabbitMQ or CodeArts
//! Artifact): to a spec (then regenerated in memory), to a generated file, or to the responses
//! the Rust side is served. It builds the driver for those two services only (binary renamed
//! `parity-driver-selftest`, crate versions suffixed so that its artifacts never mix with the
//! real ones; the shared `target/` keeps every dependency built once), runs
//! `xtask/parity/run.py` on them and checks that every mutated sample fails with the
//! expected difference. Exit code 0 iff every mutation is caught.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::schema;
use crate::import::python;

const SERVICES: &str = "rabbitmq,codeartsartifact";
const DRIVER_MANIFEST: &str = "crates/parity-driver/Cargo.toml";
const DRIVER_BIN: &str = "parity-driver-selftest";

/// Where a mutation applies.
enum Target {
    /// A spec, before the crates and the dispatch are generated from it.
    Spec(&'static str),
    /// A generated file.
    Generated(&'static str),
    /// The responses served to the Rust side only (`run.py --rust-responses`): sample-id
    /// pattern and the fields that replace the sample response's.
    RustResponse(&'static str, &'static str),
}

/// One deliberate mistake and how parity must report it.
struct Mutation {
    /// The hole of issue 13 it proves closed.
    hole: &'static str,
    what: &'static str,
    target: Target,
    /// Edits are applied within the item that starts with this line (up to the next `}` at
    /// column 0), or to the whole file when empty.
    within: &'static str,
    /// `(old, new)`: every occurrence of `old` within the item is replaced; there must be one.
    edits: &'static [(&'static str, &'static str)],
    /// Appended to the file.
    append: &'static str,
    /// A sample (id or shell pattern) that must fail, and a text its differences must contain.
    sample: &'static str,
    expect: &'static str,
}

const MUTATIONS: &[Mutation] = &[
    Mutation {
        hole: "1 JSON scalar types (request)",
        what: "spec declares an integer field as number (Rust f64, official int)",
        target: Target::Spec("specs/rabbitmq/v2.yaml"),
        within: "    ResizeEngineInstanceReq:",
        edits: &[(
            "new_storage_space:\n          type: integer\n          format: int64",
            "new_storage_space:\n          type: number",
        )],
        append: "",
        sample: "rabbitmq.resize_engine_instance@full",
        expect: "wants a float",
    },
    Mutation {
        hole: "1 JSON scalar types (response)",
        what: "response field decoded as f64 where the service sends an integer",
        target: Target::Generated("crates/rabbitmq/src/models.rs"),
        within: "pub struct ListVhostsResponse {",
        // The lenient decoder follows the field's type (`lenient_field` infers it).
        edits: &[("pub size: Option<i64>,", "pub size: Option<f64>,")],
        append: "",
        sample: "rabbitmq.list_vhosts@full",
        expect: "rust decoded /size",
    },
    Mutation {
        hole: "1 JSON scalar types (response)",
        what: "(its builder setters, so that the crate compiles)",
        target: Target::Generated("crates/rabbitmq/src/models.rs"),
        within: "impl ListVhostsResponseBuilder {",
        edits: &[
            (
                "self.inner.size = Some(value);",
                "self.inner.size = Some(value as f64);",
            ),
            (
                "self.inner.size = value;",
                "self.inner.size = value.map(|v| v as f64);",
            ),
        ],
        append: "",
        sample: "rabbitmq.list_vhosts@full",
        expect: "rust decoded /size",
    },
    Mutation {
        hole: "2 absent vs null",
        what: "unset optional fields sent as null",
        target: Target::Generated("crates/rabbitmq/src/models.rs"),
        within: "pub struct CreateExchangeBody {",
        edits: &[(
            "skip_serializing_if = \"Option::is_none\"",
            "skip_serializing_if = \"parity_selftest_never\"",
        )],
        append: "fn parity_selftest_never<T>(_: &T) -> bool {\n    false\n}\n",
        sample: "rabbitmq.create_exchange@required-body",
        expect: "vs null",
    },
    Mutation {
        hole: "2 false dropped",
        what: "a boolean field left out when false",
        target: Target::Generated("crates/rabbitmq/src/models.rs"),
        within: "pub struct UpdatePluginsReq {",
        edits: &[(
            "skip_serializing_if = \"Option::is_none\")]\n    pub enable: Option<bool>,",
            "skip_serializing_if = \"parity_selftest_skip_false\")]\n    pub enable: Option<bool>,",
        )],
        append: "fn parity_selftest_skip_false(v: &Option<bool>) -> bool {\n    v != &Some(true)\n}\n",
        sample: "rabbitmq.update_plugins@edge-a",
        expect: "body /enable",
    },
    Mutation {
        hole: "3 enum values beyond the first",
        what: "second variant of an enum maps to a wrong wire string",
        target: Target::Generated("crates/rabbitmq/src/models.rs"),
        within: "    pub enum BatchCreateOrDeleteTagReqAction {",
        edits: &[("Delete = \"delete\",", "Delete = \"delet\",")],
        append: "",
        sample: "rabbitmq.batch_create_or_delete_rabbit_mq_tag@edge-a",
        expect: "body /action",
    },
    Mutation {
        hole: "4 header values",
        what: "header parameter sent upper-cased (still validly signed)",
        target: Target::Generated("crates/codeartsartifact/src/operations.rs"),
        within: "impl ShowRepositoryRolesPrivilege {",
        edits: &[(
            "input.header(\"x-language\", self.x_language.as_deref());",
            "input.header(\"x-language\", self.x_language.as_deref().map(str::to_uppercase).as_deref());",
        )],
        append: "",
        sample: "codeartsartifact.show_repository_roles_privilege@full",
        expect: "header x-language",
    },
    Mutation {
        hole: "5 text in path, query, header, body",
        what: "path parameter with spaces sent as '+'",
        target: Target::Generated("crates/rabbitmq/src/operations.rs"),
        within: "impl ListQueues {",
        edits: &[(
            "input.path(\"vhost\", self.vhost.as_deref());",
            "input.path(\"vhost\", self.vhost.as_deref().map(|v| v.replace(' ', \"+\")).as_deref());",
        )],
        append: "",
        sample: "rabbitmq.list_queues@text",
        expect: "path ",
    },
    Mutation {
        hole: "6 public API (model setter)",
        what: "a model builder setter fills the wrong field",
        target: Target::Generated("crates/rabbitmq/src/models.rs"),
        within: "impl AmqpUserPermBuilder {",
        edits: &[(
            "self.inner.conf = Some(value.into());",
            "self.inner.write = Some(value.into());",
        )],
        append: "",
        sample: "rabbitmq.create_user@full",
        expect: "body /vhosts/0/",
    },
    Mutation {
        hole: "6 public API (operation setter)",
        what: "an operation setter fills the wrong query parameter",
        target: Target::Generated("crates/rabbitmq/src/operations.rs"),
        within: "impl ListExchanges {",
        edits: &[("self.offset = Some(value);", "self.limit = Some(value);")],
        append: "",
        sample: "rabbitmq.list_exchanges@full",
        expect: "query ",
    },
    Mutation {
        hole: "3/7 enum values in responses",
        what: "a response enum variant maps to a wrong wire string (decodes as Unknown)",
        target: Target::Generated("crates/rabbitmq/src/models.rs"),
        within: "    pub enum ShowInstanceResponseType {",
        edits: &[("Cluster = \"cluster\",", "Cluster = \"clustr\",")],
        append: "",
        sample: "rabbitmq.show_instance@edge-a",
        expect: "as Unknown",
    },
    Mutation {
        hole: "7 responses: unknown fields",
        what: "a response model refuses unknown fields",
        target: Target::Generated("crates/rabbitmq/src/models.rs"),
        within: "impl<'de> serde::Deserialize<'de> for ListBindingsResponse {",
        edits: &[(
            "        huaweicloud_sdk_core::__codegen::deserialize_model(d)\n",
            "        use huaweicloud_sdk_core::__codegen::DecodeModel;\n        \
             let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;\n        \
             if let Some(k) = v.as_object().and_then(|o| o.keys().find(|k| !Self::FIELDS.contains(&k.as_str()))) {\n            \
             return Err(serde::de::Error::custom(format!(\"unknown field `{k}`\")));\n        \
             }\n        \
             huaweicloud_sdk_core::__codegen::deserialize_model(v).map_err(serde::de::Error::custom)\n",
        )],
        append: "",
        sample: "rabbitmq.list_bindings@full",
        expect: "rust failed",
    },
    Mutation {
        hole: "7 responses: error bodies",
        what: "the Rust side decodes a different error message and request id",
        target: Target::RustResponse(
            "rabbitmq.create_vhost@error-*",
            r#"{"body": "{\"error_code\": \"DMS.00400\", \"error_msg\": \"tampered\"}", "request_id": "tampered"}"#,
        ),
        within: "",
        edits: &[],
        append: "",
        sample: "rabbitmq.create_vhost@error-*",
        expect: "error error_msg",
    },
];

/// Runs the self-test; `Ok(code)` is 0 iff every mutation was caught.
pub fn run(root: &Path) -> Result<i32, String> {
    let python = python::ensure_venv(root)?;
    let introspection = python::introspect(root, &python)?;
    let ws = root.join("target/parity-selftest/ws");
    let target_dir = super::target_dir(root);

    let (files, version) = mutated_sources(root)?;
    write_changed(&ws, &files)?;
    let generated = mutated_generated(&ws, &version)?;
    write_changed(&ws, &generated)?;

    let out = ws.join("target/parity");
    let ir = out.join("ir.json");
    schema::write(&ws, &ir)?;
    let rust_responses = out.join("rust-responses.json");
    let mut overrides = serde_json::Map::new();
    for m in MUTATIONS {
        if let Target::RustResponse(pattern, fields) = m.target {
            let v: Value = serde_json::from_str(fields).map_err(|e| format!("{}: {e}", m.what))?;
            overrides.insert(pattern.to_owned(), v);
        }
    }
    std::fs::write(&rust_responses, Value::Object(overrides).to_string())
        .map_err(|e| format!("{}: {e}", rust_responses.display()))?;

    eprintln!(
        "parity self-test: building the mutated driver ({SERVICES}) in {}",
        ws.display()
    );
    let status = super::cargo(&ws)
        .env("CARGO_TARGET_DIR", &target_dir)
        .args(["build", "--quiet", "-p", "huaweicloud-sdk-parity-driver"])
        .args([
            "--no-default-features",
            "--features",
            SERVICES,
            "--bin",
            DRIVER_BIN,
        ])
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building the mutated driver failed ({status})"));
    }
    let driver = target_dir
        .join("debug")
        .join(format!("{DRIVER_BIN}{}", std::env::consts::EXE_SUFFIX));

    let output = Command::new(&python)
        .arg(root.join(super::SCRIPT))
        .arg("--driver")
        .arg(&driver)
        .arg("--root")
        .arg(&ws)
        .arg("--introspection")
        .arg(&introspection)
        .arg("--ir")
        .arg(&ir)
        .arg("--services")
        .arg(SERVICES)
        .arg("--rust-responses")
        .arg(&rust_responses)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .map_err(|e| format!("cannot start {}: {e}", python.display()))?;
    let report_path = out.join("report.json");
    let report: Value = std::fs::read_to_string(&report_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(|| {
            format!(
                "run.py wrote no report ({}):\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    Ok(check(&report, output.status.code()))
}

/// The workspace's files with the spec mutations applied, the driver binary renamed and the
/// versions separated; and the workspace version.
fn mutated_sources(root: &Path) -> Result<(BTreeMap<String, String>, String), String> {
    let mut files = workspace_files(root)?;
    let version = separate_versions(&mut files)?;
    apply(&mut files, |t| matches!(t, Target::Spec(_)))?;
    Ok((files, version))
}

/// The generated files of the (mutated) specs in `ws`, with the generated-file mutations.
fn mutated_generated(ws: &Path, version: &str) -> Result<BTreeMap<String, String>, String> {
    let mut generated = generate(ws)?;
    suffix_versions(&mut generated, version);
    // The driver's manifest is generated too: its binary gets a name of its own so that the
    // mutated driver never replaces the real one in the shared target directory.
    edit_file(
        &mut generated,
        DRIVER_MANIFEST,
        "",
        &[(
            "name = \"parity-driver\"",
            "name = \"parity-driver-selftest\"",
        )],
        "",
    )?;
    apply(&mut generated, |t| matches!(t, Target::Generated(_)))?;
    Ok(generated)
}

/// Applies the mutations whose target `which` selects.
fn apply(
    files: &mut BTreeMap<String, String>,
    which: impl Fn(&Target) -> bool,
) -> Result<(), String> {
    for m in MUTATIONS.iter().filter(|m| which(&m.target)) {
        if let Target::Spec(file) | Target::Generated(file) = m.target {
            edit_file(files, file, m.within, m.edits, m.append)
                .map_err(|e| format!("mutation `{}`: {e}", m.what))?;
        }
    }
    Ok(())
}

/// Prints one line per mutation; 0 iff each mutated sample failed as expected and run.py
/// exited with 1.
fn check(report: &Value, exit_code: Option<i32>) -> i32 {
    let samples = report["samples_detail"].as_object();
    let mut missed = 0;
    let mut targeted = Vec::new();
    for m in MUTATIONS {
        let hit = samples.into_iter().flatten().find(|(id, d)| {
            sample_matches(m.sample, id)
                && d["excepted"].is_null()
                && d["differences"].as_array().is_some_and(|ds| {
                    ds.iter()
                        .any(|x| x.as_str().is_some_and(|s| s.contains(m.expect)))
                })
        });
        match hit {
            Some((id, d)) => {
                let diff = d["differences"]
                    .as_array()
                    .and_then(|ds| {
                        ds.iter()
                            .filter_map(Value::as_str)
                            .find(|s| s.contains(m.expect))
                    })
                    .unwrap_or_default();
                let mut shown: String = diff.chars().take(110).collect();
                if shown.len() < diff.len() {
                    shown.push('…');
                }
                println!("caught  [{}] {}: {id}: {shown}", m.hole, m.what);
                targeted.push(id.clone());
            }
            None => {
                println!(
                    "MISSED  [{}] {}: no failure of {} mentioning {:?}",
                    m.hole, m.what, m.sample, m.expect
                );
                missed += 1;
            }
        }
    }
    let collateral = samples
        .into_iter()
        .flatten()
        .filter(|(id, d)| {
            d["excepted"].is_null()
                && d["differences"].as_array().is_some_and(|x| !x.is_empty())
                && !MUTATIONS
                    .iter()
                    .any(|m| operation(m.sample) == operation(id))
        })
        .count();
    println!(
        "{} of {} mutations caught; {collateral} sample(s) of other operations failed too (sharing a mutated model)",
        MUTATIONS.len() - missed,
        MUTATIONS.len()
    );
    if exit_code != Some(1) {
        println!("MISSED  run.py exited with {exit_code:?}, expected 1 (failures)");
        return 1;
    }
    i32::from(missed > 0)
}

/// The operation of a sample id (`svc.op@variant` -> `svc.op`).
fn operation(id: &str) -> &str {
    id.split('@').next().unwrap_or(id)
}

/// `pattern` is a sample id or ends with `*` (a prefix).
fn sample_matches(pattern: &str, id: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => id == pattern,
    }
}

/// The files git knows in `root` (tracked and untracked, not ignored) that exist, by
/// `/`-separated relative path.
fn workspace_files(root: &Path) -> Result<BTreeMap<String, String>, String> {
    let out = Command::new("git")
        .current_dir(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .map_err(|e| format!("cannot start git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut files = BTreeMap::new();
    for rel in out.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let rel = String::from_utf8_lossy(rel).into_owned();
        // Binary files are not needed to build the driver.
        if let Ok(text) = std::fs::read_to_string(root.join(&rel)) {
            files.insert(rel, text);
        }
    }
    Ok(files)
}

/// Gives every workspace crate of the copy the version `<workspace version>-parity-selftest`
/// (returns the workspace version). Cargo names the artifacts of a path crate by its name,
/// version and path *relative to the workspace*, so without this the mutated crates and the
/// real ones would share artifacts in the shared `target/`, and each build could link the
/// other's.
fn separate_versions(files: &mut BTreeMap<String, String>) -> Result<String, String> {
    let root_manifest = files.get("Cargo.toml").ok_or("Cargo.toml: not tracked")?;
    let version = root_manifest
        .split("[workspace.package]")
        .nth(1)
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_owned())
        .ok_or("Cargo.toml: no [workspace.package] version")?;
    suffix_versions(files, &version);
    Ok(version)
}

/// In every `Cargo.toml`: a package's `version = "<v>"` line and path dependencies pinned to
/// `=<v>` get the suffix `-parity-selftest`.
fn suffix_versions(files: &mut BTreeMap<String, String>, version: &str) {
    let line = format!("version = \"{version}\"");
    let pinned = format!("version = \"={version}\"");
    for (rel, text) in files.iter_mut() {
        if !(rel == "Cargo.toml" || rel.ends_with("/Cargo.toml")) {
            continue;
        }
        let mut out = String::with_capacity(text.len() + 64);
        for l in text.split_inclusive('\n') {
            if l.trim_end() == line {
                out.push_str(&l.replacen(version, &format!("{version}-parity-selftest"), 1));
            } else if l.contains("path = ") && l.contains(&pinned) {
                out.push_str(&l.replacen(
                    &pinned,
                    &format!("version = \"={version}-parity-selftest\""),
                    1,
                ));
            } else {
                out.push_str(l);
            }
        }
        *text = out;
    }
}

/// Writes each file under `dir` unless it already holds that content (keeps mtimes, so cargo
/// rebuilds only what a mutation changed).
fn write_changed(dir: &Path, files: &BTreeMap<String, String>) -> Result<(), String> {
    for (rel, text) in files {
        let path = dir.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Every generated file of the specs under `ws`, as `cargo xtask codegen` would write it.
fn generate(ws: &Path) -> Result<BTreeMap<String, String>, String> {
    crate::codegen::generate_workspace(ws)
        .map(|(files, _)| files)
        .map_err(|e| format!("mutated specs: {e}"))
}

/// Applies `edits` to `file` in `files` (every occurrence; at least one each), within the
/// item that starts with the line `within` and ends before the next line indented no deeper
/// (a Rust item's closing brace, the next YAML key), then appends `append`.
fn edit_file(
    files: &mut BTreeMap<String, String>,
    file: &str,
    within: &str,
    edits: &[(&str, &str)],
    append: &str,
) -> Result<(), String> {
    let text = files
        .get_mut(file)
        .ok_or_else(|| format!("{file}: no such file"))?;
    let (start, end) = if within.is_empty() {
        (0, text.len())
    } else {
        let line = format!("{within}\n");
        let start = if text.starts_with(&line) {
            Some(0)
        } else {
            text.find(&format!("\n{line}")).map(|i| i + 1)
        }
        .ok_or_else(|| format!("{file}: line `{within}` not found"))?;
        let indent = within.len() - within.trim_start().len();
        let first_line_end = start + within.len() + 1;
        let mut end = text.len();
        let mut at = first_line_end;
        for line in text[first_line_end..].split_inclusive('\n') {
            let depth = line.len() - line.trim_start().len();
            if !line.trim().is_empty() && depth <= indent {
                end = at;
                break;
            }
            at += line.len();
        }
        (start, end)
    };
    let mut item = text[start..end].to_owned();
    for (old, new) in edits {
        if !item.contains(old) {
            return Err(format!("{file}: `{old}` not found in `{within}`"));
        }
        item = item.replace(old, new);
    }
    text.replace_range(start..end, &item);
    text.push_str(append);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(rel: &str, text: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(rel.to_owned(), text.to_owned())])
    }

    #[test]
    fn edits_stay_within_their_item() {
        let yaml =
            "    A:\n      x:\n        type: integer\n    B:\n      x:\n        type: integer\n";
        let mut files = one("s.yaml", yaml);
        edit_file(
            &mut files,
            "s.yaml",
            "    B:",
            &[("type: integer", "type: number")],
            "",
        )
        .unwrap();
        assert_eq!(
            files["s.yaml"],
            "    A:\n      x:\n        type: integer\n    B:\n      x:\n        type: number\n"
        );
        let rust = "impl A {\n    fn f() { a(); }\n}\nimpl B {\n    fn f() { a(); }\n}\n";
        let mut files = one("m.rs", rust);
        edit_file(
            &mut files,
            "m.rs",
            "impl A {",
            &[("a();", "b();")],
            "// end\n",
        )
        .unwrap();
        assert_eq!(
            files["m.rs"],
            "impl A {\n    fn f() { b(); }\n}\nimpl B {\n    fn f() { a(); }\n}\n// end\n"
        );
        let err = edit_file(&mut files, "m.rs", "impl B {", &[("c();", "d();")], "").unwrap_err();
        assert!(err.contains("`c();` not found in `impl B {`"), "{err}");
        assert!(edit_file(&mut files, "m.rs", "impl C {", &[], "").is_err());
    }

    #[test]
    fn versions_are_suffixed_for_workspace_crates_only() {
        let manifest = "[package]\nversion = \"0.1.0\"\n[dependencies]\n\
                        core = { path = \"../core\", version = \"=0.1.0\" }\n\
                        other = { version = \"=0.1.0\" }\nthird = \"0.1.0\"\n";
        let mut files = one("crates/x/Cargo.toml", manifest);
        files.insert("README.md".into(), "version = \"0.1.0\"\n".into());
        suffix_versions(&mut files, "0.1.0");
        assert_eq!(
            files["crates/x/Cargo.toml"],
            "[package]\nversion = \"0.1.0-parity-selftest\"\n[dependencies]\n\
             core = { path = \"../core\", version = \"=0.1.0-parity-selftest\" }\n\
             other = { version = \"=0.1.0\" }\nthird = \"0.1.0\"\n"
        );
        assert_eq!(files["README.md"], "version = \"0.1.0\"\n");
    }

    /// Every mutation still finds its text in the current specs and generated code, so a
    /// generator change that moves it fails here (in `cargo test`), not only in CI's
    /// `--self-test`.
    #[test]
    fn every_mutation_applies_to_the_current_code() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let (files, version) = mutated_sources(&root).unwrap();
        let dir = std::env::temp_dir().join(format!("parity-selftest-{}", std::process::id()));
        let specs: BTreeMap<String, String> = files
            .into_iter()
            .filter(|(rel, _)| rel.starts_with("specs/"))
            .collect();
        write_changed(&dir, &specs).unwrap();
        let generated = mutated_generated(&dir, &version);
        let _ = std::fs::remove_dir_all(&dir);
        let generated = generated.unwrap();
        assert!(generated["crates/rabbitmq/src/models.rs"].contains("Delete = \"delet\","));
    }
}
