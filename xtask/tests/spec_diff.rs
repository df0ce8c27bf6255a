//! `cargo xtask spec diff`: one fixture pair per kind of change
//! (tests/spec_fixtures/diff/<kind>/{old,new}.yaml, written by generate.py), each classified
//! and described as expected.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::spec::diff::{ChangeKind, Compared, cli, diff, lower_bytes, render};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec_fixtures/diff")
}

fn changes(kind: &str) -> Vec<xtask::spec::diff::Change> {
    let side = |s: &str| {
        let rel = format!("{kind}/{s}.yaml");
        let bytes = std::fs::read(fixtures().join(&rel)).expect("fixture");
        lower_bytes(&rel, &bytes).unwrap_or_else(|e| panic!("{e}"))
    };
    diff(&side("old"), &side("new"))
}

const BREAKING: bool = true;
const COMPATIBLE: bool = false;

/// One expected change: kind, classification, a phrase of the Rust API text.
type Expected = (ChangeKind, bool, &'static str);

/// Fixture -> the changes it must produce.
fn expected() -> Vec<(&'static str, Vec<Expected>)> {
    use ChangeKind::*;
    vec![
        (
            "operation-added",
            vec![(
                OperationAdded,
                COMPATIBLE,
                "new method `Client::show_instance`",
            )],
        ),
        (
            "operation-removed",
            vec![(
                OperationRemoved,
                BREAKING,
                "`Client::delete_instance` and the builder `operations::DeleteInstance` removed",
            )],
        ),
        (
            "operation-renamed",
            vec![(
                OperationRenamed,
                BREAKING,
                "`Client::delete_instance` → `Client::remove_instance`",
            )],
        ),
        (
            "operation-renamed-with-alias",
            vec![(
                OperationRenamed,
                COMPATIBLE,
                "the old name stays as an alias",
            )],
        ),
        (
            "method-changed",
            vec![
                (
                    MethodChanged,
                    BREAKING,
                    "now sends `POST` instead of `DELETE`",
                ),
                (IdempotencyChanged, COMPATIBLE, "no longer retried"),
            ],
        ),
        (
            "path-changed",
            vec![(PathChanged, BREAKING, "now calls another URL")],
        ),
        (
            "idempotency-changed",
            vec![(
                IdempotencyChanged,
                COMPATIBLE,
                "now also retried after 502/503/504",
            )],
        ),
        (
            "param-added-optional",
            vec![(
                ParamAdded,
                COMPATIBLE,
                "new setter `ListInstances::offset()`",
            )],
        ),
        (
            "param-added-required",
            vec![(
                ParamAdded,
                BREAKING,
                "required: `send` returns an invalid-request error",
            )],
        ),
        (
            "param-removed",
            vec![(
                ParamRemoved,
                BREAKING,
                "setter `ListInstances::limit()` removed",
            )],
        ),
        (
            "param-type-changed",
            vec![(
                ParamTypeChanged,
                BREAKING,
                "takes `String` instead of `i32`",
            )],
        ),
        (
            "param-made-required",
            vec![(
                ParamMadeRequired,
                BREAKING,
                "`ListInstances::limit()` is now required",
            )],
        ),
        (
            "body-made-optional",
            vec![(
                BodyMadeOptional,
                COMPATIBLE,
                "`CreateInstance::body()` is now optional",
            )],
        ),
        (
            "response-changed",
            vec![(
                ResponseChanged,
                BREAKING,
                "now returns `Response<ListInstancesResponse>` instead of `Response<Instance>`",
            )],
        ),
        (
            "pagination-added",
            vec![
                (
                    ParamAdded,
                    COMPATIBLE,
                    "new setter `ListInstances::offset()` (`i32`)",
                ),
                (
                    PaginationAdded,
                    COMPATIBLE,
                    "new `ListInstances::by_page()` and `ListInstances::by_item()` streams (items: `models::Instance`)",
                ),
            ],
        ),
        (
            "field-added",
            vec![(
                FieldAdded,
                COMPATIBLE,
                "new field `Instance::created_at` (`Option<String>`)",
            )],
        ),
        (
            "field-removed",
            vec![(
                FieldRemoved,
                BREAKING,
                "field `Instance::port` and its builder setter removed",
            )],
        ),
        (
            "field-type-changed",
            vec![(
                FieldTypeChanged,
                BREAKING,
                "type `Option<i32>` → `Option<String>`",
            )],
        ),
        (
            "field-made-required",
            vec![(
                FieldMadeRequired,
                BREAKING,
                "now fails with an invalid-request error, before sending, while `CreateInstanceBody::port` is not set",
            )],
        ),
        (
            "field-secret-changed",
            vec![(
                FieldSecretChanged,
                COMPATIBLE,
                "now printed in `Debug` output",
            )],
        ),
        (
            "enum-value-removed",
            vec![(
                EnumValueRemoved,
                BREAKING,
                "variant `Status::Frozen` removed",
            )],
        ),
        (
            "enum-value-added",
            vec![(EnumValueAdded, COMPATIBLE, "new variant `Status::Deleted`")],
        ),
        (
            "model-removed",
            vec![
                (ModelRemoved, BREAKING, "type `models::Status` removed"),
                (FieldRemoved, BREAKING, "field `Instance::status`"),
            ],
        ),
    ]
}

#[test]
fn each_kind_of_change_is_classified() {
    for (kind, want) in expected() {
        let got = changes(kind);
        let got_kinds: Vec<(ChangeKind, bool)> = got.iter().map(|c| (c.kind, c.breaking)).collect();
        let want_kinds: Vec<(ChangeKind, bool)> = want.iter().map(|w| (w.0, w.1)).collect();
        assert_eq!(got_kinds, want_kinds, "{kind}: {got:#?}");
        for (c, w) in got.iter().zip(&want) {
            assert!(c.rust.contains(w.2), "{kind}: `{}` lacks `{}`", c.rust, w.2);
        }
    }
}

#[test]
fn every_fixture_is_expected() {
    let want: BTreeSet<String> = expected().iter().map(|e| e.0.to_owned()).collect();
    let dirs: BTreeSet<String> = std::fs::read_dir(fixtures())
        .expect("diff fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(want, dirs);
}

#[test]
fn identical_specs_have_no_changes() {
    assert!(changes("operation-added").len() == 1);
    let bytes = std::fs::read(fixtures().join("field-added/old.yaml")).expect("fixture");
    let a = lower_bytes("a", &bytes).expect("lowers");
    let b = lower_bytes("b", &bytes).expect("lowers");
    assert!(diff(&a, &b).is_empty());
}

#[test]
fn report_is_a_markdown_table() {
    let report = render(&[Compared {
        title: "`old.yaml` → `new.yaml`".to_owned(),
        crate_name: Some("huaweicloud-sdk-demo".to_owned()),
        changes: changes("enum-value-removed"),
        note: None,
    }]);
    let expected = "# Spec changes\n\n\
1 change(s): **1 breaking**, 0 compatible, for users of the generated crates. Breaking: code that compiled and worked may stop compiling or start failing.\n\n\
## `old.yaml` → `new.yaml` (`huaweicloud-sdk-demo`)\n\n\
| | change | Rust API |\n|---|---|---|\n\
| **breaking** | enum `Status`: value `FROZEN` removed | variant `Status::Frozen` removed: code that names it no longer compiles; the value itself still decodes, as `Status::Unknown(\"FROZEN\")` |\n";
    assert_eq!(report, expected);
}

#[test]
fn a_spec_the_generator_rejects_is_an_error() {
    let err = lower_bytes("bad.yaml", b"openapi: 3.0.3\npaths: {}\n").expect_err("rejected");
    assert!(
        err.starts_with("bad.yaml is not a spec the generator accepts"),
        "{err}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        st.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
}

/// `spec diff HEAD~1 HEAD` compares every specs/*/v2.yaml of two commits (git show).
#[test]
fn revisions_compare_every_spec() {
    let dir = std::env::temp_dir().join(format!("xtask-spec-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs/demo")).expect("mkdir");
    git(&dir, &["init", "-q"]);
    let put = |kind: &str, side: &str| {
        let text =
            std::fs::read(fixtures().join(kind).join(format!("{side}.yaml"))).expect("fixture");
        std::fs::write(dir.join("specs/demo/v2.yaml"), text).expect("write");
    };
    put("param-removed", "old");
    git(&dir, &["add", "specs"]);
    git(&dir, &["commit", "-q", "-m", "old"]);
    put("param-removed", "new");
    git(&dir, &["commit", "-q", "-a", "-m", "new"]);

    let report = cli(&dir, &["HEAD~1".to_owned(), "HEAD".to_owned()]).expect("report");
    assert!(
        report.contains("## `specs/demo/v2.yaml` (HEAD~1 → HEAD) (`huaweicloud-sdk-demo`)"),
        "{report}"
    );
    assert!(
        report.contains("| **breaking** | `ListInstances`: query parameter `limit` removed |"),
        "{report}"
    );
    // A bare revision compares with the working tree (unchanged since HEAD here).
    let report = cli(&dir, &["HEAD".to_owned()]).expect("report");
    assert!(report.contains("No spec changed."), "{report}");
    // `<rev>:<path>` against a file.
    let report = cli(
        &dir,
        &[
            "HEAD~1:specs/demo/v2.yaml".to_owned(),
            "specs/demo/v2.yaml".to_owned(),
        ],
    )
    .expect("report");
    assert!(
        report.contains("## `HEAD~1:specs/demo/v2.yaml` → `specs/demo/v2.yaml`"),
        "{report}"
    );
    assert!(report.contains("`limit` removed"), "{report}");
    let err = cli(&dir, &["no-such-rev".to_owned(), "HEAD".to_owned()]).expect_err("bad revision");
    assert!(
        err.contains("`no-such-rev` is neither a file nor a git revision"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
