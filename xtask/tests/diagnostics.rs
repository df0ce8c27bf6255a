//! Each `tests/diagnostics/<name>.yaml` must fail with exactly the lines of `<name>.txt`
//! (`UPDATE_EXPECT=1` rewrites them). The generator must report, never panic.

use std::path::PathBuf;

#[test]
fn diagnostics_match() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    let mut failures = Vec::new();
    for name in names {
        let spec = format!("tests/diagnostics/{name}.yaml");
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let result = std::panic::catch_unwind(|| xtask::codegen::generate(&root, &spec));
        let diags = match result {
            Err(_) => {
                failures.push(format!("{name}: generator panicked"));
                continue;
            }
            Ok(Ok(_)) => {
                failures.push(format!("{name}: no diagnostics"));
                continue;
            }
            Ok(Err(d)) => d,
        };
        let mut text: String = diags.iter().map(|d| format!("{d}\n")).collect();
        if text.is_empty() {
            text.push('\n');
        }
        let expected_path = dir.join(format!("{name}.txt"));
        if update {
            std::fs::write(&expected_path, &text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected.replace("\r\n", "\n") != text {
            failures.push(format!(
                "{name}:\n--- expected\n{expected}--- actual\n{text}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
