//! The Python unit tests of the importer (`xtask/import/test_introspect.py`: enum classes,
//! clients of older releases, sample files) and of the parity runner
//! (`xtask/parity/test_run.py`: the official decoder's defects): the parts that need no SDK
//! package.

use std::path::Path;
use std::process::Command;

fn python_unit_tests_pass(dir: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let out = Command::new("python3")
        .args(["-m", "unittest", "discover", "-s"])
        .arg(&dir)
        .args(["-p", "test_*.py"])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("Ran ") && !text.contains("Ran 0 tests"),
        "no test ran: {text}"
    );
}

#[test]
fn introspect_py_unit_tests_pass() {
    python_unit_tests_pass("import");
}

#[test]
fn parity_run_py_unit_tests_pass() {
    python_unit_tests_pass("parity");
}
