//! `cargo xtask import` on a small fixture: introspection JSON + facts + overrides +
//! summaries -> expected spec. Update the golden with `UPDATE_EXPECT=1 cargo test -p xtask
//! --test import` and review the diff.

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import_fixtures")
}

fn generate(root: &Path) -> Result<std::collections::BTreeMap<String, String>, Vec<String>> {
    xtask::import::generate(root, &fixtures().join("introspect.json"), false)
}

#[test]
fn golden() {
    let files =
        generate(&fixtures()).unwrap_or_else(|e| panic!("import failed:\n{}", e.join("\n")));
    assert_eq!(files.keys().collect::<Vec<_>>(), ["specs/demo/v2.yaml"]);
    let got = &files["specs/demo/v2.yaml"];
    let expected_path = fixtures().join("expected/demo.yaml");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, got).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert!(
        *got == expected,
        "import output differs from {}; rerun with UPDATE_EXPECT=1 and review the diff\n{got}",
        expected_path.display()
    );
    // Deterministic: a second run gives the same bytes.
    assert_eq!(generate(&fixtures()).unwrap()["specs/demo/v2.yaml"], *got);
}

#[test]
fn golden_is_a_valid_openapi_document() {
    let files = generate(&fixtures()).unwrap();
    let doc: openapiv3::OpenAPI = serde_yaml_ng::from_str(&files["specs/demo/v2.yaml"]).unwrap();
    assert_eq!(doc.paths.paths.len(), 4);
}

/// Copies the fixture tree into a fresh temp dir, applying `edit` to one file.
fn fixture_copy(name: &str, rel: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for f in [
        "specs/demo/overrides.yaml",
        "specs/demo/summaries.yaml",
        "specs/demo/descriptions.yaml",
        "specs/facts/demo.json",
    ] {
        let text = std::fs::read_to_string(fixtures().join(f)).unwrap();
        let text = if f == rel { edit(&text) } else { text };
        std::fs::create_dir_all(dir.join(f).parent().unwrap()).unwrap();
        std::fs::write(dir.join(f), text).unwrap();
    }
    dir
}

#[test]
fn missing_summary_is_an_error() {
    let root = fixture_copy("missing-summary", "specs/demo/summaries.yaml", |t| {
        t.lines()
            .filter(|l| !l.starts_with("list_things:"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let errors = generate(&root).unwrap_err();
    assert_eq!(
        errors,
        ["specs/demo/summaries.yaml: missing summary for operation `list_things`"]
    );
    // --allow-missing-summaries fills TODO instead.
    let files = xtask::import::generate(&root, &fixtures().join("introspect.json"), true).unwrap();
    assert!(files["specs/demo/v2.yaml"].contains("summary: TODO"));
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn stale_overrides_are_errors() {
    let root = fixture_copy("stale-overrides", "specs/demo/overrides.yaml", |t| {
        t.replacen(
            "\nschemas:\n",
            "\nschemas:\n  NoSuchModel:\n    description: x\n",
            1,
        )
        .replacen(
            "operations:\n",
            "operations:\n  no_such_op:\n    description: x\n",
            1,
        )
        .replacen(
            "      thing_id:\n",
            "      no_such_param:\n        example: x\n      thing_id:\n",
            1,
        )
    });
    let errors = generate(&root).unwrap_err();
    assert_eq!(
        errors,
        [
            "specs/demo/overrides.yaml: operations.update_thing_passwrod.parameters.no_such_param: no such parameter",
            "specs/demo/overrides.yaml: operations.no_such_op: no such operation",
            "specs/demo/overrides.yaml: schemas.NoSuchModel: no such model (or not emitted)",
        ]
    );
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn stale_descriptions_are_errors() {
    let root = fixture_copy("stale-descriptions", "specs/demo/descriptions.yaml", |t| {
        t.replacen("glossary:\n", "glossary:\n  no_such_name: x\n", 1)
            .replacen(
                "schemas:\n",
                "schemas:\n  NoSuchModel:\n    x: x\n  UpdateThingBody:\n    no_such_property: x\n",
                1,
            )
            .replacen(
                "parameters:\n",
                "parameters:\n  no_such_op:\n    x: x\n  download_thing:\n    body: x\n",
                1,
            )
    });
    let errors = generate(&root).unwrap_err();
    assert_eq!(
        errors,
        [
            "specs/demo/descriptions.yaml: glossary.no_such_name: no model property or parameter has this name",
            "specs/demo/descriptions.yaml: schemas.NoSuchModel: no such model (or not emitted)",
            "specs/demo/descriptions.yaml: schemas.UpdateThingBody.no_such_property: no such property",
            "specs/demo/descriptions.yaml: parameters.download_thing.body: no such parameter",
            "specs/demo/descriptions.yaml: parameters.no_such_op: no such operation",
        ]
    );
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn descriptions_file_is_optional_and_checked() {
    let root = fixture_copy("no-descriptions", "specs/demo/descriptions.yaml", |_| {
        String::new()
    });
    std::fs::remove_file(root.join("specs/demo/descriptions.yaml")).unwrap();
    let files = generate(&root).unwrap();
    let spec = &files["specs/demo/v2.yaml"];
    assert!(!spec.contains("as returned by `list_things`"), "{spec}");
    // Override descriptions stay without the file.
    assert!(spec.contains("Identifier of the thing."), "{spec}");
    std::fs::write(
        root.join("specs/demo/descriptions.yaml"),
        "glossary:\n  name: ''\n",
    )
    .unwrap();
    assert_eq!(
        generate(&root).unwrap_err(),
        ["specs/demo/descriptions.yaml: empty description: glossary.name"]
    );
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn docs_marker_is_copied_and_checked() {
    let marked = |value: &'static str| {
        move |t: &str| {
            t.replacen(
                "  title: Demo Service\n",
                &format!("  title: Demo Service\n  docs: {value}\n"),
                1,
            )
        }
    };
    let root = fixture_copy(
        "docs-reviewed",
        "specs/demo/overrides.yaml",
        marked("reviewed"),
    );
    let files = generate(&root).unwrap();
    assert!(
        files["specs/demo/v2.yaml"].contains("  title: Demo Service\n  docs: reviewed\n"),
        "{}",
        files["specs/demo/v2.yaml"]
    );
    let _ = std::fs::remove_dir_all(root);
    let root = fixture_copy("docs-bad", "specs/demo/overrides.yaml", marked("done"));
    assert_eq!(
        generate(&root).unwrap_err(),
        [
            "specs/demo/overrides.yaml: x-huaweicloud-service.docs: `done` (the only value is `reviewed`)"
        ]
    );
    let _ = std::fs::remove_dir_all(root);
}

/// The markup some Go SDK enum values carry is stripped (the API takes the bare value), and
/// none is left in the committed specs.
#[test]
fn enum_values_without_markup() {
    let root = fixture_copy("enum-markup", "specs/facts/demo.json", |t| {
        t.replacen("\"beta\"", "\"[beta](tag:hws,hws_hk)\"", 1)
    });
    let files = generate(&root).unwrap();
    let spec = &files["specs/demo/v2.yaml"];
    assert!(spec.contains("- beta\n"), "{spec}");
    assert!(!spec.contains("tag:hws"), "{spec}");
    let _ = std::fs::remove_dir_all(root);
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    for svc in ["codeartsartifact", "dcs", "kafka", "rabbitmq"] {
        let text = std::fs::read_to_string(specs.join(format!("{svc}/v2.yaml"))).unwrap();
        assert!(!text.contains("](tag:"), "{svc}");
    }
}

/// The paged operations the importer marks in the committed specs, per service and style
/// (measured; a change here is a change in what `by_page()` / `by_item()` cover), and every
/// mark's parameters and response fields exist.
#[test]
fn pagination_marks_in_committed_specs() {
    use std::collections::BTreeMap;

    use serde_yaml_ng::Value;

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for svc in ["codeartsartifact", "dcs", "kafka", "rabbitmq"] {
        let text = std::fs::read_to_string(root.join(format!("specs/{svc}/v2.yaml"))).unwrap();
        let doc: Value = serde_yaml_ng::from_str(&text).unwrap();
        let schemas = &doc["components"]["schemas"];
        let model = |r: &Value| {
            r["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .map(|n| &schemas[n])
        };
        for (path, item) in doc["paths"].as_mapping().unwrap() {
            for (method, op) in item.as_mapping().unwrap() {
                let mark = &op["x-huaweicloud-pagination"];
                if mark.is_null() {
                    continue;
                }
                let id = format!("{svc} {}", op["operationId"].as_str().unwrap());
                let style = mark["style"].as_str().unwrap_or("?").to_owned();
                *counts.entry((svc.to_owned(), style.clone())).or_default() += 1;
                if method.as_str() != Some("get") {
                    problems.push(format!("{id}: not a GET ({path:?})"));
                }
                let query: Vec<&str> = op["parameters"]
                    .as_sequence()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "query")
                            .filter_map(|p| p["name"].as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                let position_key = match style.as_str() {
                    "offset" => "offset",
                    "page" => "page",
                    _ => "marker",
                };
                for key in [position_key, "limit"] {
                    if let Some(name) = mark["request"][key].as_str() {
                        if !query.contains(&name) {
                            problems.push(format!(
                                "{id}: request.{key} `{name}` is no query parameter"
                            ));
                        }
                    } else if key == position_key {
                        problems.push(format!("{id}: request.{key} missing"));
                    }
                }
                let success = op["responses"]
                    .as_mapping()
                    .and_then(|r| {
                        r.iter()
                            .find(|(k, _)| k.as_str().is_some_and(|k| k.starts_with('2')))
                    })
                    .map(|(_, v)| v)
                    .unwrap();
                let body = model(&success["content"]["application/json"]["schema"]);
                for key in ["items", "total", "next_marker"] {
                    let Some(field_path) = mark["response"][key].as_str() else {
                        if key == "items" {
                            problems.push(format!("{id}: response.items missing"));
                        }
                        continue;
                    };
                    let mut at = body;
                    let mut leaf = None;
                    for seg in field_path.split('.') {
                        let prop = at.map(|m| &m["properties"][seg]);
                        match prop {
                            Some(p) if !p.is_null() => {
                                leaf = Some(p);
                                at = model(p);
                            }
                            _ => {
                                problems.push(format!(
                                    "{id}: response.{key} `{field_path}` does not exist"
                                ));
                                leaf = None;
                                break;
                            }
                        }
                    }
                    let expected = match key {
                        "items" => "array",
                        "total" => "integer",
                        _ => "string",
                    };
                    if let Some(l) = leaf {
                        if l["type"].as_str() != Some(expected) {
                            problems.push(format!(
                                "{id}: response.{key} `{field_path}` is not {expected}"
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let got: Vec<(&str, &str, usize)> = counts
        .iter()
        .map(|((svc, style), n)| (svc.as_str(), style.as_str(), *n))
        .collect();
    assert_eq!(
        got,
        [
            ("codeartsartifact", "offset", 5),
            ("codeartsartifact", "page", 8),
            ("dcs", "offset", 19),
            ("kafka", "offset", 12),
            ("rabbitmq", "offset", 5),
        ]
    );
}

/// The constructs fixture (`import_fixtures/constructs/`): two versions of one service
/// (per-version overrides, summaries and facts), two operations on one method and path, a
/// `csv` query list, secret headers and fields (and names that are not secrets), response
/// headers, form and multipart bodies, and the paging facts of docstrings (an `offset` that
/// is a page number, a marker that is the last id, `page_info.next_marker`).
#[test]
fn constructs_golden() {
    let dir = fixtures().join("constructs");
    let files = xtask::import::generate(&dir, &dir.join("introspect.json"), false)
        .unwrap_or_else(|e| panic!("import failed:\n{}", e.join("\n")));
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["specs/shapes/v1.yaml", "specs/shapes/v2.yaml"]
    );
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    for (rel, got) in &files {
        let name = rel.rsplit('/').next().unwrap();
        let expected_path = dir.join("expected").join(name);
        if update {
            std::fs::write(&expected_path, got).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert!(
            *got == expected,
            "{rel} differs from {}; rerun with UPDATE_EXPECT=1 and review the diff\n{got}",
            expected_path.display()
        );
    }
    let v1 = &files["specs/shapes/v1.yaml"];
    // The importer's output is what the generator accepts, and lint finds no error in it.
    let tmp = std::env::temp_dir().join(format!("xtask-constructs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    for (rel, text) in &files {
        std::fs::create_dir_all(tmp.join(rel).parent().unwrap()).unwrap();
        std::fs::write(tmp.join(rel), text).unwrap();
    }
    for rel in files.keys() {
        if let Err(d) = xtask::codegen::generate(&tmp, rel) {
            panic!("{rel} does not generate: {d:?}");
        }
        let findings = xtask::spec::lint::lint_files(&tmp, std::slice::from_ref(rel));
        let errors: Vec<String> = findings
            .findings
            .iter()
            .filter(|f| f.severity == xtask::spec::lint::Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
    let _ = std::fs::remove_dir_all(&tmp);
    for needle in [
        "/v1/{project_id}/shapes/action#BatchStartShapes:",
        "/v1/{project_id}/shapes/action#BatchStopShapes:",
        "application/x-www-form-urlencoded:",
        "multipart/form-data:",
        "format: binary",
        "item_marker: id",
        "next_marker: page_info.next_marker",
        "X-Subject-Token:",
    ] {
        assert!(v1.contains(needle), "{needle} missing from\n{v1}");
    }
}

/// A field the official SDK lists as sensitive but that is not a secret (ECS
/// `TemplateOsProfile.key_name`, a key-pair name) can be opted out in the overrides: the
/// opt-out wins over the SDK's flag instead of producing both marks (a lint error).
#[test]
fn not_secret_override_wins_over_the_sdk_sensitive_flag() {
    let src = fixtures().join("constructs");
    let dir = std::env::temp_dir().join(format!("xtask-import-not-secret-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for rel in [
        "specs/shapes/overrides.v1.yaml",
        "specs/shapes/overrides.v2.yaml",
        "specs/shapes/summaries.v1.yaml",
        "specs/shapes/summaries.v2.yaml",
        "specs/facts/shapes.json",
        "specs/facts/shapes.v1.json",
    ] {
        let mut text = std::fs::read_to_string(src.join(rel)).unwrap();
        if rel == "specs/shapes/overrides.v1.yaml" {
            text = text.replace(
                "      region_key:\n        x-huaweicloud-not-secret: true\n",
                "      region_key:\n        x-huaweicloud-not-secret: true\n      note:\n        x-huaweicloud-not-secret: true\n",
            );
            assert!(text.contains("      note:\n"), "fixture changed: {text}");
        }
        std::fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
        std::fs::write(dir.join(rel), text).unwrap();
    }
    let files = xtask::import::generate(&dir, &src.join("introspect.json"), false)
        .unwrap_or_else(|e| panic!("import failed:\n{}", e.join("\n")));
    let v1 = &files["specs/shapes/v1.yaml"];
    assert!(
        v1.contains(
            "        note:\n          type: string\n          x-huaweicloud-not-secret: true\n"
        ),
        "note should be opted out, not `format: password`:\n{v1}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A client that accepts only `GlobalCredentials` (introspection `credentials: global`)
/// becomes `x-huaweicloud-service.credentials: global`; a regional one gets no key.
#[test]
fn global_credentials_are_copied_from_the_introspection() {
    let root = fixture_copy("global-credentials", "", |t| t.to_owned());
    let text = std::fs::read_to_string(fixtures().join("introspect.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for svc in doc["services"].as_object_mut().unwrap().values_mut() {
        svc["credentials"] = "global".into();
    }
    let intro = root.join("introspect-global.json");
    std::fs::write(&intro, doc.to_string()).unwrap();
    let files = xtask::import::generate(&root, &intro, false).unwrap();
    assert!(
        files["specs/demo/v2.yaml"].contains("  title: Demo Service\n  credentials: global\n"),
        "{}",
        files["specs/demo/v2.yaml"]
    );
    let regional = generate(&root).unwrap();
    assert!(
        !regional["specs/demo/v2.yaml"].contains("credentials:"),
        "{}",
        regional["specs/demo/v2.yaml"]
    );
    let _ = std::fs::remove_dir_all(root);
}

/// The fixture imported with `field` of every introspected service set to `value`.
fn import_with_service_field(
    name: &str,
    field: &str,
    value: &str,
) -> Result<std::collections::BTreeMap<String, String>, Vec<String>> {
    let root = fixture_copy(name, "", |t| t.to_owned());
    let text = std::fs::read_to_string(fixtures().join("introspect.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for svc in doc["services"].as_object_mut().unwrap().values_mut() {
        svc[field] = value.into();
    }
    let intro = root.join("introspect-edited.json");
    std::fs::write(&intro, doc.to_string()).unwrap();
    let out = xtask::import::generate(&root, &intro, false);
    let _ = std::fs::remove_dir_all(root);
    out
}

/// An official client with CCE's own exception handler gets `errors: cce`; a handler of
/// another kind has no error format here and is an error naming it.
#[test]
fn the_cce_exception_handler_becomes_the_cce_error_format() {
    let files = import_with_service_field("cce-errors", "exception_handler", "CceExceptionHandler")
        .unwrap();
    assert!(
        files["specs/demo/v2.yaml"].contains("  title: Demo Service\n  errors: cce\n"),
        "{}",
        files["specs/demo/v2.yaml"]
    );
    let errs =
        import_with_service_field("other-errors", "exception_handler", "KvsExceptionHandler")
            .unwrap_err();
    assert!(
        errs.iter().any(|e| e.contains("KvsExceptionHandler")),
        "{errs:?}"
    );
    assert!(!generate(&fixtures()).unwrap()["specs/demo/v2.yaml"].contains("errors:"));
}

/// Credential classes of a package's own: the known kinds are written, others are an error.
#[test]
fn own_credential_kinds_are_copied_and_unknown_classes_refused() {
    for kind in ["unscoped", "anonymous"] {
        let files =
            import_with_service_field(&format!("creds-{kind}"), "credentials", kind).unwrap();
        assert!(
            files["specs/demo/v2.yaml"].contains(&format!("  credentials: {kind}\n")),
            "{}",
            files["specs/demo/v2.yaml"]
        );
    }
    let errs = import_with_service_field("creds-meeting", "credentials", "MeetingCredentials")
        .unwrap_err();
    assert!(
        errs.iter().any(|e| e.contains("MeetingCredentials")),
        "{errs:?}"
    );
}
