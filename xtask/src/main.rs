//! `cargo xtask <task>`: workspace automation.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check]
       cargo xtask import [--check] [--introspection <file.json>] [--service <name>...]
       cargo xtask parity [--self-test]
       cargo xtask bench [--smoke]
       cargo xtask catalogue [--only <name>...] [--go-sdk <path> [--commit <sha>]] [--report-only]
       cargo xtask facts <Go SDK checkout or git dir> [--commit <sha>] [--service <name>...]
       cargo xtask spec lint [<spec.yaml>...]
       cargo xtask spec diff <old> [<new>]

  codegen          regenerate crates/<service>/ from specs/<service>/v*.yaml
  codegen --check  write nothing; fail if any generated file is stale or missing
  import           write specs/<service>/v2.yaml from the official Python SDK
                   (venv in target/import-venv), specs/facts/ and the override files
  import --check   write no spec; fail naming every spec that would change
  import --introspection <file.json>
                   use this introspect.py output instead of running Python
  import --service <name>[:<version>] [--python <interpreter>]
                   import only huaweicloudsdk<name> (repeatable), e.g. into a scratch tree
                   with --root; --python: an interpreter that has the packages
  parity           request parity with the official Python SDK: every operation
                   through both clients against a recording server on 127.0.0.1
                   (xtask/parity/README.md); exit code 1 on any unexpected difference
  parity --self-test
                   make each kind of mistake parity must catch (in a scratch copy under
                   target/parity-selftest) and check that it is caught; exit code 1 if not
  bench            benchmarks (signer, request preparation, end to end, compile cost) and
                   the official Python SDK; writes target/bench/results.json and BENCHMARKS.md
  bench --smoke    every part briefly (dev profile), no compile cost, BENCHMARKS.md untouched
  catalogue        every huaweicloudsdk* package: import, structural lint, generate, compile,
                   parity, in a scratch tree under target/catalogue (resumable; developer-run)
                   -> specs/CATALOGUE.md
  facts            required fields and enums from the Go SDK's services/<svc>/<v>/model/*.go
                   into specs/facts/<svc>[.<v>].json (every service, or those given)
  spec lint        review rules over specs/*/v*.yaml; exit code 1 on errors
  spec diff        Markdown report of a spec change and its effect on the Rust API
                   (`cargo xtask spec --help`)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("spec") {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        return xtask::spec::cli(&root, &args[1..]);
    }
    if args.first().map(String::as_str) == Some("catalogue") {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        return xtask::catalogue::cli(&root, &args[1..]);
    }
    if args.first().map(String::as_str) == Some("facts") {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        return xtask::facts::cli(&root, &args[1..]);
    }
    let mut check = false;
    let mut smoke = false;
    let mut self_test = false;
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut task = None;
    let mut import_opts = xtask::import::Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--smoke" => smoke = true,
            "--self-test" => self_test = true,
            // Hidden: generate into another tree (used by the determinism test).
            "--root" => match it.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => return usage_error("--root needs a directory"),
            },
            "--introspection" => match it.next() {
                Some(file) => import_opts.introspection = Some(PathBuf::from(file)),
                None => return usage_error("--introspection needs a file"),
            },
            "--service" => match it.next() {
                Some(name) => import_opts.services.push(name.clone()),
                None => return usage_error("--service needs a name, e.g. vpc or vpc:v3"),
            },
            "--python" => match it.next() {
                Some(p) => import_opts.python = Some(PathBuf::from(p)),
                None => return usage_error("--python needs an interpreter path"),
            },
            // Hidden, for local testing only: fill missing summaries with "TODO".
            "--allow-missing-summaries" => import_opts.allow_missing_summaries = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other if task.is_none() && !other.starts_with('-') => task = Some(other.to_owned()),
            other => return usage_error(&format!("unexpected argument `{other}`")),
        }
    }
    if smoke && task.as_deref() != Some("bench") {
        return usage_error("--smoke is an option of `bench` only");
    }
    if self_test && task.as_deref() != Some("parity") {
        return usage_error("--self-test is an option of `parity` only");
    }
    match task.as_deref() {
        Some("codegen") => match xtask::codegen::run(&root, check) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("codegen failed: {e}");
                ExitCode::FAILURE
            }
        },
        Some("import") => {
            import_opts.check = check;
            match xtask::import::run(&root, &import_opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("import failed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("parity") => {
            if check
                || import_opts.introspection.is_some()
                || !import_opts.services.is_empty()
                || import_opts.python.is_some()
            {
                return usage_error("parity takes only --self-test");
            }
            let result = if self_test {
                xtask::parity::selftest::run(&root)
            } else {
                xtask::parity::run(&root)
            };
            match result {
                Ok(0) => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("parity failed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("bench") => {
            if check || import_opts.introspection.is_some() {
                return usage_error("bench takes only --smoke");
            }
            match xtask::bench::run(&root, &xtask::bench::Options { smoke }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("bench failed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(other) => usage_error(&format!("unknown task `{other}`")),
        None => usage_error("no task given"),
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}
