//! `cargo xtask <task>`: workspace automation.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check]

  codegen          regenerate crates/<service>/ from specs/<service>/v*.yaml
  codegen --check  write nothing; fail if any generated file is stale or missing";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut check = false;
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut task = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => check = true,
            // Hidden: generate into another tree (used by the determinism test).
            "--root" => match it.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => return usage_error("--root needs a directory"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other if task.is_none() && !other.starts_with('-') => task = Some(other.to_owned()),
            other => return usage_error(&format!("unexpected argument `{other}`")),
        }
    }
    match task.as_deref() {
        Some("codegen") => match xtask::codegen::run(&root, check) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("codegen failed: {e}");
                ExitCode::FAILURE
            }
        },
        Some(other) => usage_error(&format!("unknown task `{other}`")),
        None => usage_error("no task given"),
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}
