//! `cargo xtask facts`: the extraction rules on a tiny Go model directory
//! (`tests/facts_fixtures/services/demo/v1/model/`), and the git reader on a throw-away
//! repository holding it.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::facts;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/facts_fixtures")
}

fn model_sources() -> Vec<(String, String)> {
    let dir = fixtures().join("services/demo/v1/model");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn extraction_follows_the_readme_rules() {
    let models = facts::extract(&model_sources()).unwrap();
    let text = facts::render(
        &models,
        "0123456789abcdef0123456789abcdef01234567",
        "services/demo/v1/model/*.go",
    );
    let expected = std::fs::read_to_string(fixtures().join("expected/demo.json")).unwrap();
    assert_eq!(text, expected);
}

#[test]
fn a_later_struct_without_facts_keeps_the_earlier_entry() {
    let mut sources = model_sources();
    sources.push((
        "zz.go".to_owned(),
        "package model\n\ntype WidgetOwner struct {\n\tId *string `json:\"id,omitempty\"`\n}\n"
            .to_owned(),
    ));
    let models = facts::extract(&sources).unwrap();
    assert_eq!(models["WidgetOwner"].required, ["id"]);
}

#[test]
fn a_bad_enum_literal_is_an_error_naming_the_file() {
    let src = "package model\n\ntype K struct {\n\tvalue string\n}\n\nfunc GetKEnum() KEnum {\n\
               \treturn KEnum{\n\t\tA: K{\n\t\t\tvalue: \"\\x41\",\n\t\t},\n\t}\n}\n";
    let err = facts::extract(&[("model_k.go".to_owned(), src.to_owned())]).unwrap_err();
    assert!(err.starts_with("model_k.go: K: enum value"), "{err}");
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn reads_a_commit_and_names_files_by_version_count() {
    let repo = std::env::temp_dir().join(format!("xtask-facts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    let model = fixtures().join("services/demo/v1/model");
    for dir in ["services/demo/v1", "services/multi/v1", "services/multi/v2"] {
        let target = repo.join(dir).join("model");
        std::fs::create_dir_all(&target).unwrap();
        for (name, text) in model_sources() {
            std::fs::write(target.join(name), text).unwrap();
        }
    }
    // Not a model directory: ignored.
    std::fs::write(repo.join("services/demo/v1/demo_client.go"), "package v1\n").unwrap();
    assert!(model.is_dir());
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "fixture"]);

    let all = facts::generate(&repo, None, &[]).unwrap();
    let names: Vec<&str> = all.keys().map(String::as_str).collect();
    assert_eq!(names, ["demo.json", "multi.v1.json", "multi.v2.json"]);
    let doc: serde_json::Value = serde_json::from_str(&all["multi.v2.json"]).unwrap();
    assert_eq!(doc["source"]["paths"], "services/multi/v2/model/*.go");
    assert_eq!(doc["source"]["commit"].as_str().unwrap().len(), 40);
    assert_eq!(
        doc["models"]["CreateWidgetReq"]["required"],
        serde_json::json!(["kind", "name", "owner"])
    );

    let one = facts::generate(&repo, Some("HEAD"), &["demo".to_owned()]).unwrap();
    assert_eq!(one.keys().collect::<Vec<_>>(), ["demo.json"]);
    let missing = facts::generate(&repo, None, &["nosuch".to_owned()]).unwrap_err();
    assert!(missing.contains("services/nosuch"), "{missing}");
    let bad_commit = facts::generate(&repo, Some("deadbeef"), &[]).unwrap_err();
    assert!(bad_commit.contains("rev-parse"), "{bad_commit}");
    std::fs::remove_dir_all(&repo).unwrap();
}
