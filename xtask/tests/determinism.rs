//! Same specs -> same bytes: generate into two trees with different absolute paths, in two
//! processes, and compare every output file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn read_tree(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_tree(root, &p, out);
        } else {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(&p).unwrap());
        }
    }
}

fn generate_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let _ = std::fs::remove_dir_all(dir);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    copy_dir(&repo.join("specs"), &dir.join("specs"));
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--root"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files = BTreeMap::new();
    read_tree(dir, &dir.join("crates"), &mut files);
    std::fs::remove_dir_all(dir).unwrap();
    files
}

#[test]
fn generation_is_deterministic() {
    let base = std::env::temp_dir();
    let pid = std::process::id();
    let a = generate_in(&base.join(format!("xtask-det-{pid}-a")));
    let b = generate_in(
        &base
            .join(format!("xtask-det-{pid}-second-tree"))
            .join("nested"),
    );
    assert!(!a.is_empty());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (rel, bytes) in &a {
        assert!(bytes == &b[rel], "{rel} differs between runs");
        assert!(
            bytes.ends_with(b"\n") && !bytes.ends_with(b"\n\n"),
            "{rel}: must end with one newline"
        );
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("/tmp") && !text.contains(env!("CARGO_MANIFEST_DIR")),
            "{rel}: absolute path"
        );
    }
    // The committed crates are what the generator produces.
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    for (rel, bytes) in &a {
        let committed = std::fs::read(repo.join(rel)).unwrap_or_default();
        assert!(
            &committed == bytes,
            "{rel} is stale: run `cargo xtask codegen`"
        );
    }
}
