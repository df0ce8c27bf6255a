//! The Python side: a venv at `target/import-venv` with the hash-locked SDK packages, and
//! `xtask/import/introspect.py`.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const REQUIREMENTS: &str = "xtask/import/requirements.txt";
const SCRIPT: &str = "xtask/import/introspect.py";
/// Written into the venv after a successful install: sha256 of requirements.txt.
const STAMP: &str = ".requirements.sha256";

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: cannot start {:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Creates the venv if needed and installs the requirements when they changed since the
/// last install. Returns the venv's python.
pub fn ensure_venv(root: &Path) -> Result<PathBuf, String> {
    ensure_venv_at(root, &root.join("target/import-venv"), REQUIREMENTS)
}

/// [`ensure_venv`] for another venv and lock file (`cargo xtask catalogue`).
pub fn ensure_venv_at(root: &Path, venv: &Path, requirements: &str) -> Result<PathBuf, String> {
    let venv = venv.to_path_buf();
    let python = venv.join("bin/python");
    if !python.exists() {
        eprintln!("import: creating {}", venv.display());
        run(
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
            "python3 -m venv",
        )?;
    }
    let req_path = root.join(requirements);
    let req = std::fs::read(&req_path).map_err(|e| format!("{}: {e}", req_path.display()))?;
    let want = hex::encode(Sha256::digest(&req));
    let stamp = venv.join(STAMP);
    if std::fs::read_to_string(&stamp)
        .ok()
        .as_deref()
        .map(str::trim)
        != Some(want.as_str())
    {
        eprintln!("import: pip install --require-hashes -r {requirements}");
        run(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    "--require-hashes",
                    "-r",
                ])
                .arg(&req_path),
            "pip install",
        )?;
        std::fs::write(&stamp, format!("{want}\n"))
            .map_err(|e| format!("{}: {e}", stamp.display()))?;
    }
    Ok(python)
}

/// Runs introspect.py into `target/import/introspect.json` and returns that path.
pub fn introspect(root: &Path, python: &Path) -> Result<PathBuf, String> {
    introspect_services(root, python, &[])
}

/// Runs introspect.py for `services` (`--service` arguments; none: the committed list) into
/// `target/import/introspect.json` (`introspect-selected.json` for a selection, so the
/// committed run's document that `cargo xtask parity` reads stays as it is).
pub fn introspect_services(
    root: &Path,
    python: &Path,
    services: &[String],
) -> Result<PathBuf, String> {
    let out_dir = root.join("target/import");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let out = out_dir.join(if services.is_empty() {
        "introspect.json"
    } else {
        "introspect-selected.json"
    });
    introspect_to(python, services, &out, false)?;
    Ok(out)
}

/// Runs introspect.py for `services` into `out`; `no_strict`: a package version other than
/// 3.1.219 and unexpected operation counts are warnings.
pub fn introspect_to(
    python: &Path,
    services: &[String],
    out: &Path,
    no_strict: bool,
) -> Result<(), String> {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    // The script of this xtask, wherever `root` is (a scratch tree has no xtask/).
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(SCRIPT);
    let mut cmd = Command::new(python);
    cmd.arg(script)
        .arg("--out")
        .arg(out)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    for s in services {
        cmd.arg("--service").arg(s);
    }
    if no_strict {
        cmd.arg("--no-strict");
    }
    run(&mut cmd, "introspect.py")
}
