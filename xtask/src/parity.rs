//! `cargo xtask parity`: request parity of the generated crates with the official Python SDK
//! (documented in `xtask/parity/README.md`).
//!
//! Ensures the hash-locked venv of `cargo xtask import` (`target/import-venv`), refreshes
//! `target/import/introspect.json`, writes `target/parity/ir.json` ([`schema`]), builds the
//! Rust driver (`crates/parity-driver`, not a default member), then runs
//! `xtask/parity/run.py` with the venv's python. The exit code is run.py's. `--self-test`
//! runs [`selftest`] instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::import::python;

pub mod schema;
pub mod selftest;

const SCRIPT: &str = "xtask/parity/run.py";
const DRIVER_PACKAGE: &str = "huaweicloud-sdk-parity-driver";
const DRIVER_BIN: &str = "parity-driver";
/// The IR facts the samples need (`schema`), written before every run.
const IR_JSON: &str = "target/parity/ir.json";

/// Runs the parity check; `Ok(code)` is run.py's exit code.
pub fn run(root: &Path) -> Result<i32, String> {
    let python = python::ensure_venv(root)?;
    let introspection = python::introspect(root, &python)?;
    let ir = root.join(IR_JSON);
    schema::write(root, &ir)?;
    let driver = build_driver(root)?;
    let status = Command::new(&python)
        .arg(root.join(SCRIPT))
        .arg("--driver")
        .arg(&driver)
        .arg("--root")
        .arg(root)
        .arg("--introspection")
        .arg(&introspection)
        .arg("--ir")
        .arg(&ir)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .status()
        .map_err(|e| format!("cannot start {}: {e}", python.display()))?;
    Ok(status.code().unwrap_or(1))
}

/// `cargo build -p huaweicloud-sdk-parity-driver`; returns the binary's path.
fn build_driver(root: &Path) -> Result<PathBuf, String> {
    let status = cargo(root)
        .args([
            "build",
            "--quiet",
            "-p",
            DRIVER_PACKAGE,
            "--bin",
            DRIVER_BIN,
        ])
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build -p {DRIVER_PACKAGE} failed ({status})"));
    }
    let bin = target_dir(root)
        .join("debug")
        .join(format!("{DRIVER_BIN}{}", std::env::consts::EXE_SUFFIX));
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!("driver not found at {}", bin.display()))
    }
}

/// A `cargo` command in `dir` with the environment of a plain shell: `cargo xtask` runs us
/// with `CARGO_MANIFEST_DIR`, `CARGO_PKG_*` and the like set, and build scripts that watch
/// them (ring's watches `CARGO_MANIFEST_DIR`) would be rebuilt, with everything above them,
/// whenever `cargo build` and `cargo xtask parity` alternate.
pub(crate) fn cargo(dir: &Path) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(dir);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_MANIFEST_")
            || matches!(
                &*key,
                "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
            )
        {
            cmd.env_remove(&*key);
        }
    }
    cmd
}

/// `$CARGO_TARGET_DIR` (relative to `root`) or `root/target`.
fn target_dir(root: &Path) -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    if dir.is_relative() {
        root.join(dir)
    } else {
        dir
    }
}
