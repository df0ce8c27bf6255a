//! `cargo xtask spec lint` and `cargo xtask spec diff`: tools for reviewing a change to
//! `specs/` (specs/README.md, "Reviewing a spec change").

pub mod diff;
pub mod keys;
pub mod lint;

use std::path::Path;
use std::process::ExitCode;

pub const USAGE: &str = "usage: cargo xtask spec lint [<spec.yaml>...]
       cargo xtask spec diff <old> [<new>]

  spec lint        review rules over specs/*/v*.yaml (or the given files): one line per
                   finding with file, JSON pointer and a fix hint; exit code 1 on errors
  spec diff        Markdown report of the changes between two specs and what they do to
                   the generated Rust API (breaking or compatible). <old> and <new> are
                   files, `<rev>:<path>`, or git revisions (then every specs/*/v2.yaml is
                   compared); <new> defaults to the working tree";

/// Runs `cargo xtask spec <args>` in the repository at `root`.
pub fn cli(root: &Path, args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("lint") => lint_cli(root, &args[1..]),
        Some("diff") => match diff::cli(root, &args[1..]) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("spec diff failed: {e}");
                ExitCode::FAILURE
            }
        },
        Some("-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown spec command `{other}`")),
        None => usage_error("spec needs a command: lint or diff"),
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}

fn lint_cli(root: &Path, args: &[String]) -> ExitCode {
    if let Some(flag) = args.iter().find(|a| a.starts_with('-')) {
        return usage_error(&format!("spec lint takes no option `{flag}`"));
    }
    let files = if args.is_empty() {
        match crate::codegen::find_specs(root) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("spec lint failed: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        args.to_vec()
    };
    let report = lint::lint_files(root, &files);
    for f in &report.findings {
        println!("{f}");
    }
    let by_rule: Vec<String> = report
        .by_rule()
        .iter()
        .map(|(rule, (e, w))| format!("{} {e}/{w}", rule.as_str()))
        .collect();
    println!(
        "spec lint: {} file(s), {} error(s), {} warning(s){}",
        report.files,
        report.errors(),
        report.warnings(),
        if by_rule.is_empty() {
            String::new()
        } else {
            format!(" (errors/warnings by rule: {})", by_rule.join(", "))
        }
    );
    if report.errors() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
