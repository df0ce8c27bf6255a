//! Golden tests: each `tests/fixtures/<name>/v1.yaml` generates the files checked in under
//! `tests/fixtures/<name>/expected/`. `UPDATE_EXPECT=1 cargo test -p xtask --test goldens`
//! rewrites them. The goldens are compiled by `tests/golden_compile.rs`.

use std::path::{Path, PathBuf};

fn xtask_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(xtask_dir().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn expected_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap()
}

#[test]
fn goldens_match() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for name in fixtures() {
        let spec = format!("tests/fixtures/{name}/v1.yaml");
        let files = match xtask::codegen::generate(&xtask_dir(), &spec) {
            Ok(f) => f,
            Err(diags) => {
                let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
                panic!("fixture {name} has diagnostics:\n{}", text.join("\n"));
            }
        };
        let dir = xtask_dir()
            .join("tests/fixtures")
            .join(&name)
            .join("expected");
        for (rel, contents) in &files {
            let path = dir.join(expected_name(rel));
            let up_to_date =
                xtask::codegen::ensure_file_contents(&path, contents, !update).unwrap();
            if !up_to_date && !update {
                failures.push(display(&path));
            }
        }
        // No leftovers from constructs that are no longer generated.
        for entry in std::fs::read_dir(&dir).unwrap() {
            let file = entry.unwrap().file_name().to_string_lossy().into_owned();
            if !files.keys().any(|rel| expected_name(rel) == file) {
                failures.push(format!(
                    "{} (not generated any more)",
                    display(&dir.join(file))
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "goldens differ:\n  {}\nrun `UPDATE_EXPECT=1 cargo test -p xtask --test goldens` and review the diff",
        failures.join("\n  ")
    );
}

fn display(p: &Path) -> String {
    p.strip_prefix(xtask_dir())
        .unwrap_or(p)
        .display()
        .to_string()
}

/// The keyword fixture proves the clash rules: raw identifiers for keywords, `_value` for
/// names that would shadow builder or trait methods.
#[test]
fn keyword_fixture_uses_clash_rules() {
    let models =
        std::fs::read_to_string(xtask_dir().join("tests/fixtures/keywords/expected/models.rs"))
            .unwrap();
    assert!(models.contains("pub r#type: Option<String>"));
    assert!(models.contains("pub default: Option<bool>"));
    assert!(models.contains("pub fn default_value(mut self, value: bool) -> Self"));
    assert!(models.contains("pub self_value: Option<String>"));
    assert!(models.contains("pub fn build_value("));
    assert!(models.contains("pub time_to_live: Option<i64>"));
    let ops =
        std::fs::read_to_string(xtask_dir().join("tests/fixtures/keywords/expected/operations.rs"))
            .unwrap();
    assert!(ops.contains("pub fn options_value("));
    assert!(ops.contains("pub fn body_value("));
    assert!(ops.contains("pub fn r#type("));
}
