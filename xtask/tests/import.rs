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
