//! introspect.py's unit tests (`xtask/import/test_introspect.py`): the parts that need no
//! SDK package (enum classes, clients of older releases, sample files).

use std::path::Path;
use std::process::Command;

#[test]
fn introspect_py_unit_tests_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("import");
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
