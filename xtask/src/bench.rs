//! `cargo xtask bench [--smoke]`: runs the benchmark set and renders `BENCHMARKS.md`.
//!
//! - criterion benches of `crates/benches` (`sign`: our signer and the floor; `prepare`: the
//!   whole client-side preparation of one call), read back from
//!   `<target>/criterion/<group>/<name>/new/estimates.json` (median, ns);
//! - instruction counts under `valgrind --tool=callgrind` (`probe` binary, 1 and 1 + N
//!   iterations, difference / N): the signer and its floor, preparation, and one whole call
//!   of ours and of the bare-reqwest floor against the loopback server, with the top
//!   functions of the signer and of our call;
//! - the official Python SDK on the same request (`xtask/bench/python_bench.py`, venv of
//!   `cargo xtask import`);
//! - end-to-end load against a local hyper server (`e2e` binary): ours and the bare-reqwest
//!   floor in interleaved rounds, ours/bare per caller level;
//! - without `--smoke`: codegen time, generated lines per operation, per-crate build time
//!   (`CARGO_TARGET_DIR=target/bench-build`, `cargo clean -p` then `cargo build -p`), the
//!   AWS SDK for Rust peers' build time per operation (`xtask/bench/aws-compile`, a workspace
//!   of its own so nothing else builds it; `CARGO_TARGET_DIR=target/bench-aws`) and the size
//!   of the release example binary.
//!
//! The memory soak is run by hand, not here: `e2e soak --minutes 10 --callers 64` prints the
//! client's RSS each minute.
//!
//! Raw results go to `target/bench/results.json`; without `--smoke` they are also rendered to
//! `BENCHMARKS.md` at the root. `--smoke` builds in the dev profile (reusing the test build),
//! runs few iterations and checks that every part works; its figures mean nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

const PACKAGE: &str = "huaweicloud-sdk-benches";
const SERVICES: [&str; 4] = ["codeartsartifact", "dcs", "kafka", "rabbitmq"];
/// Each service's peer in the AWS SDK for Rust, for compile cost per operation.
const AWS_PEERS: [(&str, &str); 4] = [
    ("codeartsartifact", "aws-sdk-codeartifact"),
    ("dcs", "aws-sdk-elasticache"),
    ("kafka", "aws-sdk-kafka"),
    ("rabbitmq", "aws-sdk-mq"),
];
/// The manifest (a workspace of its own) that pulls in the AWS crates.
const AWS_MANIFEST: &str = "xtask/bench/aws-compile/Cargo.toml";
const AWS_TARGET_DIR: &str = "target/bench-aws";

/// Options of `cargo xtask bench`.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub smoke: bool,
}

/// Runs everything; writes `target/bench/results.json` (and `BENCHMARKS.md` unless smoke).
pub fn run(root: &Path, opts: &Options) -> Result<(), String> {
    let started = Instant::now();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        root.join(target)
    };
    let (profile, profile_dir) = if opts.smoke {
        ("dev", "debug")
    } else {
        ("release", "release")
    };
    let mut results = json!({
        "smoke": opts.smoke,
        "profile": profile,
        "machine": machine(root),
    });

    step("building the bench binaries");
    cargo(
        root,
        &["build", "--profile", profile, "-p", PACKAGE, "--bins"],
        &[],
    )?;
    let bin_dir = target.join(profile_dir);

    step("criterion: sign (ours, floor) and prepare");
    let crit_args: &[&str] = if opts.smoke {
        &[
            "--warm-up-time",
            "0.2",
            "--measurement-time",
            "0.5",
            "--sample-size",
            "10",
            "--noplot",
        ]
    } else {
        &["--warm-up-time", "1", "--measurement-time", "3", "--noplot"]
    };
    let mut bench_cmd = vec![
        "bench",
        "--profile",
        profile,
        "-p",
        PACKAGE,
        "--bench",
        "sign",
        "--bench",
        "prepare",
        "--",
    ];
    bench_cmd.extend_from_slice(crit_args);
    cargo(root, &bench_cmd, &[])?;
    let crit = target.join("criterion");
    results["criterion"] = json!({
        "command": format!("cargo {}", bench_cmd.join(" ")),
        "sign_ours_ns": criterion_median(&crit, "sign/ours")?,
        "sign_floor_ns": criterion_median(&crit, "sign/floor")?,
        "prepare_ours_ns": criterion_median(&crit, "prepare/ours")?,
    });

    step("callgrind instruction counts");
    results["callgrind"] = callgrind(&bin_dir.join("probe"), if opts.smoke { 20 } else { 1000 })?;

    step("official Python SDK");
    let python = crate::import::python::ensure_venv(root)?;
    let script = root.join("xtask/bench/python_bench.py");
    let mut py = Command::new(&python);
    py.arg(&script).current_dir(root);
    if opts.smoke {
        py.arg("--smoke");
    }
    let out = output(&mut py, "python_bench.py")?;
    results["python"] = serde_json::from_str(out.trim())
        .map_err(|e| format!("python_bench.py printed no JSON ({e}): {out}"))?;
    results["python"]["command"] = json!(format!(
        "target/import-venv/bin/python xtask/bench/python_bench.py{}",
        if opts.smoke { " --smoke" } else { "" }
    ));

    step("end-to-end against 127.0.0.1");
    let e2e_args: &[&str] = if opts.smoke {
        &["--secs", "0.3", "--warmup-ms", "50"]
    } else {
        // Nine rounds: each side goes first three times, and load that drifts during a level
        // reaches every side alike.
        &["--secs", "3", "--warmup-ms", "300", "--rounds", "9"]
    };
    let out = output(
        Command::new(bin_dir.join("e2e")).args(e2e_args),
        "e2e benchmark",
    )?;
    results["e2e"] = serde_json::from_str(out.trim())
        .map_err(|e| format!("e2e printed no JSON ({e}): {out}"))?;
    results["e2e"]["command"] = json!(format!(
        "cargo run --profile {profile} -p {PACKAGE} --bin e2e -- {}",
        e2e_args.join(" ")
    ));

    step("client CPU per call against 127.0.0.1 (ours, bare reqwest, bare hyper)");
    let cpu_args: &[&str] = if opts.smoke {
        &["cpu", "--rounds", "2", "--calls", "50"]
    } else {
        &["cpu", "--rounds", "21", "--calls", "2000"]
    };
    let out = output(Command::new(bin_dir.join("e2e")).args(cpu_args), "e2e cpu")?;
    results["e2e_cpu"] = serde_json::from_str(out.trim())
        .map_err(|e| format!("e2e cpu printed no JSON ({e}): {out}"))?;
    results["e2e_cpu"]["command"] = json!(format!(
        "cargo run --profile {profile} -p {PACKAGE} --bin e2e -- {}",
        cpu_args.join(" ")
    ));

    results["generated"] = generated_lines(root)?;
    if !opts.smoke {
        step("codegen time");
        results["codegen"] = codegen_time(root)?;
        step("dependencies of ours (CARGO_TARGET_DIR=target/bench-build), core's build time");
        let mut build = build_times(root)?;
        step("dependencies of the AWS SDK for Rust peers (CARGO_TARGET_DIR=target/bench-aws)");
        let mut aws = aws_build_times(root)?;
        step("service crates and their AWS peers, built in turn");
        paired_build_times(root, &mut build, &mut aws)?;
        results["build"] = build;
        results["aws_build"] = aws;
        step("release size of the dcs_reset_password example");
        results["release_size"] = release_size(root)?;
    }
    results["duration_s"] = json!(started.elapsed().as_secs_f64());

    let dir = target.join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join("results.json");
    let text = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    let md = render(&results);
    if opts.smoke {
        eprintln!("\n{md}");
    } else {
        let out = root.join("BENCHMARKS.md");
        std::fs::write(&out, md).map_err(|e| format!("{}: {e}", out.display()))?;
        eprintln!("bench: wrote BENCHMARKS.md");
    }
    eprintln!(
        "bench: wrote {} in {:.1} s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn step(what: &str) {
    eprintln!("bench: {what}");
}

fn cargo(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(args).current_dir(root);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cargo {}: {e}", args.join(" ")))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {} failed ({status})", args.join(" ")))
    }
}

fn output(cmd: &mut Command, what: &str) -> Result<String, String> {
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{what} failed ({})", out.status));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("{what}: {e}"))
}

fn sh(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn machine(root: &Path) -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_owned());
    let sha_ni = cpuinfo
        .lines()
        .find(|l| l.starts_with("flags"))
        .map(|l| l.split_whitespace().any(|f| f == "sha_ni"));
    json!({
        "nproc": sh("nproc", &[]),
        "cpu": cpu,
        "sha_ni": sha_ni,
        "date_utc": sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        "rustc": sh("rustc", &["--version"]),
        "commit": Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()),
        "load_average_at_start": std::fs::read_to_string("/proc/loadavg")
            .ok()
            .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")),
    })
}

fn criterion_median(dir: &Path, id: &str) -> Result<f64, String> {
    let path = dir.join(id).join("new/estimates.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    v["median"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| format!("{}: no median.point_estimate", path.display()))
}

/// Instruction counts per iteration of `probe <what>`: (Ir(1 + n) - Ir(1)) / n.
fn callgrind(probe: &Path, n: u64) -> Result<Value, String> {
    if sh("valgrind", &["--version"]).is_none() {
        eprintln!("bench: valgrind not found, no instruction counts");
        return Ok(Value::Null);
    }
    let dir = std::env::temp_dir().join(format!("xtask-bench-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = json!({
        "iterations": n,
        "command": format!(
            "valgrind --tool=callgrind <target>/<profile>/probe <sign|floor|prepare|pipeline|call|bare|bare-hyper> <1 | {}>, difference / {n}",
            n + 1
        ),
    });
    for what in [
        "sign",
        "floor",
        "prepare",
        "pipeline",
        "call",
        "bare",
        "bare-hyper",
    ] {
        let mut totals = [0u64; 2];
        for (i, iters) in [1, n + 1].into_iter().enumerate() {
            let file = dir.join(format!("{what}.{iters}.out"));
            let status = Command::new("valgrind")
                .arg("--tool=callgrind")
                .arg(format!("--callgrind-out-file={}", file.display()))
                .arg(probe)
                .arg(what)
                .arg(iters.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("valgrind: {e}"))?;
            if !status.success() {
                return Err(format!("valgrind probe {what} {iters} failed ({status})"));
            }
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            totals[i] = text
                .lines()
                .find_map(|l| l.strip_prefix("summary:").or(l.strip_prefix("totals:")))
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| format!("{}: no summary line", file.display()))?;
        }
        out[what.replace('-', "_")] = json!(totals[1].saturating_sub(totals[0]) as f64 / n as f64);
        if matches!(what, "sign" | "call") {
            let profile = |iters: u64| dir.join(format!("{what}.{iters}.out"));
            let rows = if what == "call" { 15 } else { 10 };
            out[format!("{what}_top_self")] = top_functions(&profile(1), &profile(n + 1), n, rows);
        }
    }
    let profile = |what: &str, iters: u64| dir.join(format!("{what}.{iters}.out"));
    out["call_extra_top_self"] = top_extra_functions(
        [&profile("call", 1), &profile("call", n + 1)],
        [&profile("bare-hyper", 1), &profile("bare-hyper", n + 1)],
        n,
        15,
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(out)
}

/// The top `max_rows` functions by self cost per iteration: the profile of 1 + `n`
/// iterations less the profile of one, divided by `n`, so set-up is not counted.
fn top_functions(one: &Path, more: &Path, n: u64, max_rows: usize) -> Value {
    match per_iteration(one, more, n) {
        Some(costs) => top_rows(costs.into_iter().collect(), max_rows),
        None => Value::Null,
    }
}

/// Where ours costs more than the floor: per-iteration self costs of ours less those of the
/// floor, function by function (each from its 1 and 1 + `n` profiles).
fn top_extra_functions(ours: [&Path; 2], floor: [&Path; 2], n: u64, max_rows: usize) -> Value {
    let (Some(ours), Some(floor)) = (
        per_iteration(ours[0], ours[1], n),
        per_iteration(floor[0], floor[1], n),
    ) else {
        return Value::Null;
    };
    let rows = ours
        .into_iter()
        .map(|(func, v)| {
            let extra = v - floor.get(&func).copied().unwrap_or(0.0);
            (func, extra)
        })
        .filter(|(_, extra)| *extra > 0.0)
        .collect();
    top_rows(rows, max_rows)
}

/// Self cost per iteration of every function: (profile of 1 + `n`) less (profile of 1), / n.
fn per_iteration(
    one: &Path,
    more: &Path,
    n: u64,
) -> Option<std::collections::BTreeMap<String, f64>> {
    let one = self_costs(one)?;
    Some(
        self_costs(more)?
            .into_iter()
            .map(|(func, count)| {
                let base = one.get(&func).copied().unwrap_or(0);
                (func, count.saturating_sub(base) as f64 / n as f64)
            })
            .collect(),
    )
}

/// The `max_rows` largest of `rows`, each with its share of the sum of all.
fn top_rows(mut rows: Vec<(String, f64)>, max_rows: usize) -> Value {
    let total: f64 = rows.iter().map(|(_, v)| v).sum();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows.truncate(max_rows);
    Value::Array(
        rows.into_iter()
            .map(|(func, per)| {
                json!({
                    "function": func,
                    "share": format!("{:.2}%", if total > 0.0 { per * 100.0 / total } else { 0.0 }),
                    "per_iteration": per,
                })
            })
            .collect(),
    )
}

/// Self cost (instructions) of every function of a callgrind profile, by name.
fn self_costs(file: &Path) -> Option<std::collections::BTreeMap<String, u64>> {
    let text = sh(
        "callgrind_annotate",
        &[
            "--inclusive=no",
            "--threshold=100",
            // The function table only, no annotated sources (whose call lines look alike).
            "--auto=no",
            &file.display().to_string(),
        ],
    )?;
    let mut out = std::collections::BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        let Some((count, rest)) = line.split_once(' ') else {
            continue;
        };
        let Ok(count) = count.replace(',', "").parse::<u64>() else {
            continue;
        };
        if rest.contains("PROGRAM TOTALS") {
            continue;
        }
        // "(64.21%)  ???:sha2::sha256::compress256 [/path/probe]"
        let Some((_, func)) = rest.trim().split_once(')') else {
            continue;
        };
        let func = func.trim();
        let func = func.rsplit_once(" [").map_or(func, |(f, _)| f);
        // "???:name" (no debug info) or "./path/file.c:name".
        let func = match func.strip_prefix("???:") {
            Some(f) => f,
            None => match func.split_once(':') {
                Some((file, f)) if file.contains('/') => f,
                _ => func,
            },
        };
        *out.entry(func.to_owned()).or_insert(0) += count;
    }
    Some(out)
}

fn generated_lines(root: &Path) -> Result<Value, String> {
    let mut out = serde_json::Map::new();
    for svc in SERVICES {
        let src = root.join("crates").join(svc).join("src");
        let mut total = 0usize;
        let mut ops_lines = 0usize;
        let mut operations = 0usize;
        for p in rust_files(&src)? {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let lines = text.lines().count();
            total += lines;
            let specs = text
                .lines()
                .filter(|l| {
                    l.starts_with("static ") && l.ends_with(": OperationSpec = OperationSpec {")
                })
                .count();
            operations += specs;
            if specs > 0 {
                ops_lines += lines;
            }
        }
        let per = |n: usize| {
            if operations == 0 {
                0.0
            } else {
                n as f64 / operations as f64
            }
        };
        out.insert(
            svc.to_owned(),
            json!({
                "operations": operations,
                "lines": total,
                "operations_rs_lines": ops_lines,
                "lines_per_operation": per(total),
                "operations_rs_lines_per_operation": per(ops_lines),
            }),
        );
    }
    Ok(Value::Object(out))
}

/// The `.rs` files under `dir`, recursively (generated crates split big files into
/// directories, e.g. `models/a.rs`), sorted.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let p = entry.map_err(|e| format!("{}: {e}", d.display()))?.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Lines of all `.rs` files under `dir`.
fn rust_lines(dir: &Path) -> Result<usize, String> {
    let mut total = 0;
    for p in rust_files(dir)? {
        let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        total += text.lines().count();
    }
    Ok(total)
}

fn codegen_time(root: &Path) -> Result<Value, String> {
    // The running xtask binary, so cargo's own start-up is not timed. `--check` generates
    // everything and compares instead of writing, so other work in the tree is never touched.
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut runs = Vec::new();
    let mut up_to_date = true;
    for _ in 0..3 {
        let t = Instant::now();
        let status = Command::new(&exe)
            .args(["codegen", "--check"])
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("codegen: {e}"))?;
        runs.push(t.elapsed().as_secs_f64());
        up_to_date &= status.success();
    }
    runs.sort_by(f64::total_cmp);
    Ok(json!({
        "command": "xtask codegen --check",
        "best_s": runs[0],
        "runs_s": runs,
        "up_to_date": up_to_date,
    }))
}

/// Ours' dependencies built (timed as one warm-up), then core's clean build timed.
fn build_times(root: &Path) -> Result<Value, String> {
    let env = [("CARGO_TARGET_DIR", "target/bench-build")];
    let mut crates = vec!["huaweicloud-sdk-core".to_owned()];
    crates.extend(SERVICES.iter().map(|s| format!("huaweicloud-sdk-{s}")));
    // Dependencies first (not timed per crate).
    let t = Instant::now();
    let mut warm = vec!["build"];
    for c in &crates {
        warm.push("-p");
        warm.push(c);
    }
    cargo(root, &warm, &env)?;
    let warm_s = t.elapsed().as_secs_f64();
    // The services are timed in turn with their AWS peers (`paired_build_times`).
    let core = "huaweicloud-sdk-core";
    let mut best = f64::INFINITY;
    for _ in 0..BUILD_RUNS {
        best = best.min(clean_build(
            root,
            &["clean", "-p", core],
            &["build", "-p", core],
            &env,
        )?);
    }
    let mut out = serde_json::Map::new();
    out.insert(core.to_owned(), json!(best));
    Ok(json!({
        "command": format!("CARGO_TARGET_DIR=target/bench-build cargo clean -p <crate> && cargo build -p <crate>, best of {BUILD_RUNS}, in turn with the AWS peer"),
        "crate_s": out,
        "warm_up_build_s": warm_s,
    }))
}

/// How many times each crate's clean build is timed; the fastest counts, so a build that
/// shared the cores with something else does not decide a ratio.
const BUILD_RUNS: usize = 3;

/// `clean`, then `build` timed, in seconds.
fn clean_build(
    root: &Path,
    clean: &[&str],
    build: &[&str],
    env: &[(&str, &str)],
) -> Result<f64, String> {
    cargo(root, clean, env)?;
    let t = Instant::now();
    cargo(root, build, env)?;
    Ok(t.elapsed().as_secs_f64())
}

/// Times each service crate and its AWS peer in alternation, [`BUILD_RUNS`] times each, so
/// both sides of a ratio see the same machine; the fastest run of each counts. Fills
/// `build.crate_s` and each peer's `build_s`.
fn paired_build_times(root: &Path, build: &mut Value, aws: &mut Value) -> Result<(), String> {
    let ours_env = [("CARGO_TARGET_DIR", "target/bench-build")];
    let aws_env = [("CARGO_TARGET_DIR", AWS_TARGET_DIR)];
    let manifest = root.join(AWS_MANIFEST);
    let manifest = manifest.to_str().ok_or("non-UTF-8 path")?;
    for (svc, krate) in AWS_PEERS {
        let ours_crate = format!("huaweicloud-sdk-{svc}");
        let (mut ours_best, mut aws_best) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..BUILD_RUNS {
            ours_best = ours_best.min(clean_build(
                root,
                &["clean", "-p", &ours_crate],
                &["build", "-p", &ours_crate],
                &ours_env,
            )?);
            aws_best = aws_best.min(clean_build(
                root,
                &["clean", "--manifest-path", manifest, "-p", krate],
                &["build", "--manifest-path", manifest, "-p", krate],
                &aws_env,
            )?);
        }
        build["crate_s"][&ours_crate] = json!(ours_best);
        aws["crates"][krate]["build_s"] = json!(aws_best);
    }
    Ok(())
}

/// The AWS peers' dependencies built, and each peer's version, lines and operation count
/// (directories under its `src/operation/`); their build times come from
/// [`paired_build_times`].
fn aws_build_times(root: &Path) -> Result<Value, String> {
    let manifest = root.join(AWS_MANIFEST);
    let manifest = manifest.to_str().ok_or("non-UTF-8 path")?;
    let env = [("CARGO_TARGET_DIR", AWS_TARGET_DIR)];
    let t = Instant::now();
    cargo(root, &["build", "--manifest-path", manifest], &env)?;
    let warm_s = t.elapsed().as_secs_f64();
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let meta = output(
        Command::new(cargo_bin).args([
            "metadata",
            "--format-version",
            "1",
            "--manifest-path",
            manifest,
        ]),
        "cargo metadata (aws-compile)",
    )?;
    let meta: Value = serde_json::from_str(&meta).map_err(|e| format!("cargo metadata: {e}"))?;
    let mut out = serde_json::Map::new();
    for (_, krate) in AWS_PEERS {
        let pkg = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == krate)
            .ok_or_else(|| format!("{krate} is not in {AWS_MANIFEST}"))?;
        let crate_src =
            Path::new(pkg["manifest_path"].as_str().unwrap_or_default()).with_file_name("src");
        let lines = rust_lines(&crate_src)?;
        let src = crate_src.join("operation");
        let operations = std::fs::read_dir(&src)
            .map_err(|e| format!("{}: {e}", src.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .count();
        // Timed by `paired_build_times`, in turn with ours.
        out.insert(
            krate.to_owned(),
            json!({
                "version": pkg["version"],
                "operations": operations,
                "lines": lines,
            }),
        );
    }
    Ok(json!({
        "command": format!(
            "CARGO_TARGET_DIR={AWS_TARGET_DIR} cargo clean -p <crate> --manifest-path {AWS_MANIFEST} && cargo build -p <crate> --manifest-path {AWS_MANIFEST}, best of {BUILD_RUNS}, in turn with ours"
        ),
        "crates": out,
        "warm_up_build_s": warm_s,
    }))
}

/// Build milliseconds per operation of each service and of its AWS peer: (service, ours, aws).
fn per_operation_build_ms(
    r: &Value,
) -> Vec<(&'static str, &'static str, Option<f64>, Option<f64>)> {
    AWS_PEERS
        .iter()
        .map(|&(svc, krate)| {
            let ops = f(&r["generated"][svc]["operations"]);
            let ours = f(&r["build"]["crate_s"][format!("huaweicloud-sdk-{svc}")]);
            let aws = &r["aws_build"]["crates"][krate];
            let per = |s: Option<f64>, n: Option<f64>| ratio(s.map(|s| s * 1e3), n);
            (
                svc,
                krate,
                per(ours, ops),
                per(f(&aws["build_s"]), f(&aws["operations"])),
            )
        })
        .collect()
}

fn release_size(root: &Path) -> Result<Value, String> {
    let env = [("CARGO_TARGET_DIR", "target/bench-build")];
    let t = Instant::now();
    cargo(
        root,
        &[
            "build",
            "--release",
            "-p",
            "huaweicloud-sdk-examples",
            "--example",
            "dcs_reset_password",
        ],
        &env,
    )?;
    let build_s = t.elapsed().as_secs_f64();
    let bin = root.join("target/bench-build/release/examples/dcs_reset_password");
    let size = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.len())
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    let unstripped = size(&bin)?;
    let stripped_path = root.join("target/bench-build/dcs_reset_password.stripped");
    let stripped = match Command::new("strip")
        .arg("-o")
        .arg(&stripped_path)
        .arg(&bin)
        .status()
    {
        Ok(s) if s.success() => Some(size(&stripped_path)?),
        _ => None,
    };
    Ok(json!({
        "command": "CARGO_TARGET_DIR=target/bench-build cargo build --release -p huaweicloud-sdk-examples --example dcs_reset_password; strip -o <copy>",
        "bytes": unstripped,
        "stripped_bytes": stripped,
        "build_s": build_s,
    }))
}

// ---------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn us(ns: Option<f64>) -> String {
    match ns {
        Some(ns) if ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
        Some(ns) => format!("{:.2} µs", ns / 1e3),
        None => "n/a".into(),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

fn x(r: Option<f64>) -> String {
    r.map_or("n/a".into(), |r| format!("{r:.2}×"))
}

fn met(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "met",
        Some(false) => "**not met**",
        None => "n/a",
    }
}

fn mib(b: Option<f64>) -> String {
    b.map_or("n/a".into(), |b| format!("{:.2} MiB", b / 1024.0 / 1024.0))
}

/// A table of `top_functions` rows.
fn top_table(o: &mut String, top: &[Value]) {
    let _ = writeln!(o, "| function | instructions / call | share |");
    let _ = writeln!(o, "|---|---|---|");
    for t in top {
        let _ = writeln!(
            o,
            "| `{}` | {:.0} | {} |",
            t["function"].as_str().unwrap_or("?").replace('|', "\\|"),
            f(&t["per_iteration"]).unwrap_or(0.0),
            t["share"].as_str().unwrap_or("?")
        );
    }
    let _ = writeln!(o);
}

/// Renders the results as Markdown (ratios first).
pub fn render(r: &Value) -> String {
    let c = &r["criterion"];
    let (sign, floor, prep) = (
        f(&c["sign_ours_ns"]),
        f(&c["sign_floor_ns"]),
        f(&c["prepare_ours_ns"]),
    );
    let py = &r["python"];
    let (py_sign, py_prep, py_call) = (
        f(&py["sign_ns"]),
        f(&py["prepare_ns"]),
        f(&py["call_canned_ns"]),
    );
    let cg = &r["callgrind"];
    let (cg_sign, cg_floor, cg_prep) = (f(&cg["sign"]), f(&cg["floor"]), f(&cg["prepare"]));
    let (cg_call, cg_bare) = (f(&cg["call"]), f(&cg["bare"]));
    let (cg_hyper, cg_pipeline) = (f(&cg["bare_hyper"]), f(&cg["pipeline"]));
    let e = &r["e2e"];
    let m = &r["machine"];
    let s = |v: &Value| v.as_str().unwrap_or("?").to_owned();

    let mut o = String::new();
    let _ = writeln!(o, "# Benchmarks\n");
    let _ = writeln!(
        o,
        "Generated by `cargo xtask bench` (raw figures: `target/bench/results.json`). Do not edit \
         by hand; rerun the command.\n"
    );
    let _ = writeln!(
        o,
        "Machine: {} × {} (SHA-NI: {}), {}; {}; commit {}; load average at start {}. {} profile.\n",
        s(&m["nproc"]),
        s(&m["cpu"]),
        m["sha_ni"]
            .as_bool()
            .map_or("?", |b| if b { "yes" } else { "no" }),
        s(&m["rustc"]),
        s(&m["date_utc"]),
        s(&m["commit"]),
        s(&m["load_average_at_start"]),
        s(&r["profile"]),
    );
    if r["smoke"] == true {
        let _ = writeln!(
            o,
            "**Smoke run** (`--smoke`): dev profile, few iterations; the figures below only show that every part runs.\n"
        );
    }

    let _ = writeln!(o, "## Ratios and goals\n");
    let _ = writeln!(o, "| comparison | ratio | goal | |");
    let _ = writeln!(o, "|---|---|---|---|");
    for l in e["levels"].as_array().into_iter().flatten() {
        let r = f(&l["ours_over_bare"]);
        let _ = writeln!(
            o,
            "| ours / bare reqwest, requests/s at {} callers (end to end) | {} | ≥ 0.93 | {} |",
            l["concurrency"],
            r.map_or("n/a".into(), |r| format!("{r:.2}")),
            met(r.map(|r| r >= 0.93))
        );
    }
    let cpu = &r["e2e_cpu"];
    let _ = writeln!(
        o,
        "| ours / bare reqwest, client CPU time per call (1 caller, lowest round) | {} | | |",
        x(f(&cpu["ours_over_bare_min"]))
    );
    let _ = writeln!(
        o,
        "| ours / bare reqwest, instructions per call (callgrind, 1 caller) | {} | | |",
        x(ratio(cg_call, cg_bare))
    );
    let levels = e["levels"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let joined = |key: &str| {
        levels
            .iter()
            .map(|l| f(&l[key]).map_or("n/a".into(), |r| format!("{r:.2}")))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let _ = writeln!(
        o,
        "| ours / bare hyper (the client under our transport), requests/s at {} callers | {} | | |",
        levels
            .iter()
            .map(|l| l["concurrency"].to_string())
            .collect::<Vec<_>>()
            .join(" / "),
        joined("ours_over_bare_hyper")
    );
    let _ = writeln!(
        o,
        "| ours / bare hyper, client CPU time per call (1 caller, lowest round) | {} | | |",
        x(f(&cpu["ours_over_bare_hyper_min"]))
    );
    let _ = writeln!(
        o,
        "| ours / bare hyper, instructions per call (callgrind, 1 caller) | {} | | |",
        x(ratio(cg_call, cg_hyper))
    );
    for (svc, krate, ours, aws) in per_operation_build_ms(r) {
        if aws.is_some() {
            let _ = writeln!(
                o,
                "| `{krate}` / `huaweicloud-sdk-{svc}`, build time per operation | {} | ≥ 5× | {} |",
                x(ratio(aws, ours)),
                met(ratio(aws, ours).map(|r| r >= 5.0))
            );
        }
    }
    let sf = ratio(sign, floor);
    let _ = writeln!(
        o,
        "| our signer / floor, time | {} | ≤ 1.3× | {} |",
        x(sf),
        met(sf.map(|r| r <= 1.3))
    );
    let sfi = ratio(cg_sign, cg_floor);
    let _ = writeln!(
        o,
        "| our signer / floor, instructions (callgrind) | {} | (≤ 1.3×) | {} |",
        x(sfi),
        met(sfi.map(|r| r <= 1.3))
    );
    let _ = writeln!(
        o,
        "| Python `Signer.sign` / our signer, time | {} | | |",
        x(ratio(py_sign, sign))
    );
    let pr = ratio(py_prep, prep);
    let _ = writeln!(
        o,
        "| Python request preparation / ours, time | {} | ≥ 50× | {} |",
        x(pr),
        met(pr.map(|r| r >= 50.0))
    );
    let _ = writeln!(
        o,
        "| our preparation of one call | {} | ~5 µs | {} |",
        us(prep),
        met(prep.map(|p| p <= 5_500.0))
    );
    let _ = writeln!(
        o,
        "| Python whole call with a canned response (no socket) / our preparation | {} | | |\n",
        x(ratio(py_call, prep))
    );

    let _ = writeln!(o, "## Signing the DCS reset request\n");
    let _ = writeln!(
        o,
        "The official vector `op-dcs-reset-acl-account-password`: PUT, 4 headers + `Host` = 5 \
         signed headers, 67-byte JSON body, fixed `X-Sdk-Date`. Every side checks the official \
         signature before timing. The floor is one SHA-256 of the body, one SHA-256 of a \
         canonical request laid out directly (names pre-sorted, no parsing), one HMAC-SHA256 \
         from the pre-keyed state and hex, with sha2 0.10 / hmac 0.12 / hex.\n"
    );
    let _ = writeln!(o, "| | median time | instructions / call |");
    let _ = writeln!(o, "|---|---|---|");
    let ins = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.0}"));
    let _ = writeln!(
        o,
        "| ours (`sign::sign`, `SigningKey`) | {} | {} |",
        us(sign),
        ins(cg_sign)
    );
    let _ = writeln!(o, "| floor | {} | {} |", us(floor), ins(cg_floor));
    let _ = writeln!(
        o,
        "| Python `Signer.sign` (3.1.219) | {} | |\n",
        us(py_sign)
    );
    if let Some(top) = cg["sign_top_self"].as_array() {
        let _ = writeln!(
            o,
            "Where our signer's instructions go (callgrind, self cost per call). Valgrind hides \
             SHA-NI from the program, so sha2 takes its software path there: instruction \
             ratios understate the time ratio on a CPU with SHA-NI, where hashing is cheap and \
             the rest dominates.\n"
        );
        top_table(&mut o, top);
    }

    let _ = writeln!(o, "## Client-side preparation of one call\n");
    let _ = writeln!(
        o,
        "Ours: model builder, `OperationInput` (path parameters, JSON body in the official \
         layout), `Client::prepare` (path template, headers, date from the system clock, \
         signature, URL) — the generated `send()` up to the transport. Python: model objects, \
         `_reset_acl_account_pass_word_http_info` and `build_future_request(...).result()` — \
         what `reset_acl_account_pass_word` runs before `_do_http_request_sync` (header/path \
         parsing, body serialisation, X-Project-Id, X-Sdk-Date, signing on the client's \
         executor thread).\n"
    );
    let _ = writeln!(o, "| | median time | instructions / call |");
    let _ = writeln!(o, "|---|---|---|");
    let _ = writeln!(o, "| ours | {} | {} |", us(prep), ins(cg_prep));
    let _ = writeln!(o, "| Python preparation | {} | |", us(py_prep));
    let _ = writeln!(
        o,
        "| Python whole call, session returns a canned 200 (incl. response decoding) | {} | |\n",
        us(py_call)
    );

    let _ = writeln!(o, "## End to end against 127.0.0.1\n");
    let _ = writeln!(
        o,
        "The generated DCS client (`reset_acl_account_pass_word().send()`: building, signing, \
         our transport on hyper's pooled client, HTTP/1.1 keep-alive, decoding) against two \
         floors: bare reqwest, {}; and bare hyper, {}. Our transport uses hyper directly, \
         without reqwest's per-request layers, so ours / bare reqwest can exceed 1; ours / bare \
         hyper is what the SDK adds to its own HTTP client. Client: 2 tokio workers; server: {} \
         — sharing the machine's cores. Closed loop; per level a warm-up of each side, then {} \
         rounds rotating which side goes first, {} s per side in all. Load average at the end: \
         {}. Reported, not gated.\n",
        s(&e["floor"]),
        s(&e["floor_hyper"]),
        s(&e["server"]),
        e["rounds"],
        f(&e["secs_per_level"]).unwrap_or(0.0),
        s(&e["load_average_at_end"]),
    );
    let _ = writeln!(
        o,
        "| concurrent callers | ours requests/s | bare reqwest requests/s | ours / bare reqwest | bare hyper requests/s | ours / bare hyper | ours p50 | ours p99 | bare reqwest p50 | bare reqwest p99 | errors (ours, reqwest, hyper) | client peak RSS after |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    for l in e["levels"].as_array().into_iter().flatten() {
        let (ours, bare, hyper) = (&l["ours"], &l["bare"], &l["bare_hyper"]);
        let lat = |v: &Value| us(f(v).map(|v| v * 1e3));
        let two = |v: &Value| f(v).map_or("n/a".into(), |r| format!("{r:.2}"));
        let _ = writeln!(
            o,
            "| {} | {:.0} | {:.0} | {} | {:.0} | {} | {} | {} | {} | {} | {}, {}, {} | {} |",
            l["concurrency"],
            f(&ours["rps"]).unwrap_or(0.0),
            f(&bare["rps"]).unwrap_or(0.0),
            two(&l["ours_over_bare"]),
            f(&hyper["rps"]).unwrap_or(0.0),
            two(&l["ours_over_bare_hyper"]),
            lat(&ours["p50_us"]),
            lat(&ours["p99_us"]),
            lat(&bare["p50_us"]),
            lat(&bare["p99_us"]),
            ours["errors"],
            bare["errors"],
            hyper["errors"],
            mib(f(&l["client_peak_rss_kib_after"]).map(|k| k * 1024.0)),
        );
    }
    let _ = writeln!(
        o,
        "\nClient peak RSS (`VmHWM`, both clients in one process) over the whole run: {}.\n",
        mib(f(&e["client_peak_rss_kib"]).map(|k| k * 1024.0))
    );
    let _ = writeln!(
        o,
        "Client CPU time per call (user + system, one caller on a current-thread runtime, {} \
         rounds of {} calls per side, rotating): ours {} (median round {}), bare reqwest {} \
         (median round {}), bare hyper {} (median round {}); ours / bare reqwest {} in the \
         lowest rounds, {} in the median ones; ours / bare hyper {} and {}. CPU time, unlike \
         requests/s, hardly depends on what else the machine runs.\n",
        cpu["rounds"],
        cpu["calls_per_round"],
        us(f(&cpu["ours"]["min_ns"])),
        us(f(&cpu["ours"]["median_ns"])),
        us(f(&cpu["bare"]["min_ns"])),
        us(f(&cpu["bare"]["median_ns"])),
        us(f(&cpu["bare_hyper"]["min_ns"])),
        us(f(&cpu["bare_hyper"]["median_ns"])),
        x(f(&cpu["ours_over_bare_min"])),
        x(f(&cpu["ours_over_bare_median"])),
        x(f(&cpu["ours_over_bare_hyper_min"])),
        x(f(&cpu["ours_over_bare_hyper_median"])),
    );
    let ins = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.0}"));
    let _ = writeln!(
        o,
        "Instructions per call (callgrind, one caller, current-thread runtime, the server in an \
         untraced child process): ours {}, bare reqwest {}, bare hyper {}; ours less bare \
         hyper {}. The SDK's own work per call, over a transport that answers at once (no \
         socket: building, signing, retry wrapper, decoding): {}.\n",
        ins(cg_call),
        ins(cg_bare),
        ins(cg_hyper),
        ins(cg_call.zip(cg_hyper).map(|(a, b)| a - b)),
        ins(cg_pipeline),
    );
    if let Some(top) = cg["call_extra_top_self"].as_array() {
        let _ = writeln!(
            o,
            "Where our call's instructions exceed bare hyper's (callgrind, self cost per call, \
             ours less bare hyper, function by function; share of the whole excess). Under valgrind \
             sha2 runs without SHA-NI, so hashing weighs far more here than on the CPU:\n"
        );
        top_table(&mut o, top);
    }
    if let Some(top) = cg["call_top_self"].as_array() {
        let _ = writeln!(
            o,
            "Where our call's instructions go (callgrind, self cost per call; share of the \
             whole call):\n"
        );
        top_table(&mut o, top);
    }

    let _ = writeln!(o, "## Compile and generation cost\n");
    let g = &r["generated"];
    let b = &r["build"]["crate_s"];
    let _ = writeln!(
        o,
        "| crate | operations | generated lines | lines / operation | `operations.rs` lines / operation | `cargo build -p` (own code) |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|");
    let secs = |v: &Value| f(v).map_or("n/a".into(), |v| format!("{v:.1} s"));
    let _ = writeln!(
        o,
        "| huaweicloud-sdk-core | | | | | {} |",
        secs(&b["huaweicloud-sdk-core"])
    );
    for svc in SERVICES {
        let v = &g[svc];
        let _ = writeln!(
            o,
            "| huaweicloud-sdk-{svc} | {} | {} | {:.0} | {:.0} | {} |",
            v["operations"],
            v["lines"],
            f(&v["lines_per_operation"]).unwrap_or(0.0),
            f(&v["operations_rs_lines_per_operation"]).unwrap_or(0.0),
            secs(&b[format!("huaweicloud-sdk-{svc}")]),
        );
    }
    if r["aws_build"].is_object() {
        let _ = writeln!(
            o,
            "\nAgainst the AWS SDK for Rust (the peers built from `{AWS_MANIFEST}`, a workspace of \
             its own, `default-features = false`; clean `cargo build -p` in the dev profile with \
             dependencies prebuilt, like ours). Our per-operation code and the decoding of \
             output models are `#[inline]` (the stable counterpart of Cargo's \
             `hints.mostly-unused`), so they are compiled in the crate that calls an operation; \
             the times are the service crate's own build, what every user pays, while a \
             program pays the rest for the operations it calls:\n"
        );
        let _ = writeln!(
            o,
            "| ours | ops | lines/op | ms/op | aws | ops | lines/op | ms/op | aws/ours |"
        );
        let _ = writeln!(o, "|---|---|---|---|---|---|---|---|---|");
        let whole = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.0}"));
        for (svc, krate, ours, aws) in per_operation_build_ms(r) {
            let g = &g[svc];
            let a = &r["aws_build"]["crates"][krate];
            let _ = writeln!(
                o,
                "| {svc} | {} | {} | {} | {krate} {} | {} | {} | {} | {} |",
                g["operations"],
                whole(f(&g["lines_per_operation"])),
                whole(ours),
                s(&a["version"]),
                a["operations"],
                whole(ratio(f(&a["lines"]), f(&a["operations"]))),
                whole(aws),
                x(ratio(aws, ours)),
            );
        }
    }
    let cgt = &r["codegen"];
    let rs = &r["release_size"];
    let _ = writeln!(
        o,
        "\n- `cargo xtask codegen` (all four specs, generation + formatting, compared instead of \
         written): {} (best of 3; specs up to date: {}).",
        secs(&cgt["best_s"]),
        cgt["up_to_date"]
    );
    let _ = writeln!(
        o,
        "- Release binary of `dcs_reset_password` (one operation; the example also embeds \
         wiremock for its mock endpoint): {} unstripped, {} stripped (release build in \
         target/bench-build, reusing what earlier runs left there: {}).",
        mib(f(&rs["bytes"])),
        mib(f(&rs["stripped_bytes"])),
        secs(&rs["build_s"])
    );
    let _ = writeln!(
        o,
        "- Dev-profile warm-up build of core + the four service crates with their dependencies \
         (target/bench-build, incremental state as left by earlier runs): {}.\n",
        secs(&r["build"]["warm_up_build_s"])
    );

    let _ = writeln!(o, "## Commands behind each figure\n");
    let cmds = [
        ("signer, floor, preparation (ours)", &c["command"]),
        ("instruction counts", &cg["command"]),
        ("Python", &py["command"]),
        ("end to end", &e["command"]),
        ("client CPU per call", &r["e2e_cpu"]["command"]),
        (
            "codegen time (the built xtask binary, best of 3)",
            &cgt["command"],
        ),
        (
            "per-crate build time (dev profile, dependencies already built)",
            &r["build"]["command"],
        ),
        ("release size", &rs["command"]),
        (
            "AWS peers' build time (dev profile, dependencies already built)",
            &r["aws_build"]["command"],
        ),
    ];
    for (what, cmd) in cmds {
        if let Some(cmd) = cmd.as_str() {
            let _ = writeln!(o, "- {what}: `{cmd}`");
        }
    }
    let _ = writeln!(
        o,
        "- generated lines: lines of every `.rs` file under `crates/<service>/src/`, operations = `static … : OperationSpec` items; an AWS peer's lines: every `.rs` file under its `src/`, operations = directories under `src/operation/`"
    );
    let _ = writeln!(
        o,
        "\nAll of it: `cargo xtask bench` ({:.0} s for this run). `cargo xtask bench --smoke` runs every part briefly without rewriting this file (CI).",
        f(&r["duration_s"]).unwrap_or(0.0)
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results as `run` collects them, with made-up figures that make each ratio easy to
    /// check.
    fn results() -> Value {
        json!({
            "smoke": false,
            "profile": "release",
            "machine": {},
            "criterion": {"sign_ours_ns": 1200.0, "sign_floor_ns": 1000.0, "prepare_ours_ns": 4000.0},
            "callgrind": {"sign": 55000.0, "floor": 50000.0, "prepare": 60000.0, "call": 150000.0, "bare": 75000.0, "bare_hyper": 50000.0, "pipeline": 40000.0},
            "e2e": {
                "secs_per_level": 3.0,
                "rounds": 3,
                "levels": [
                    {"concurrency": 1, "ours": {"rps": 950.0}, "bare": {"rps": 1000.0}, "bare_hyper": {"rps": 1250.0}, "ours_over_bare": 0.95, "ours_over_bare_hyper": 0.76},
                    {"concurrency": 16, "ours": {"rps": 800.0}, "bare": {"rps": 1000.0}, "bare_hyper": {"rps": 1000.0}, "ours_over_bare": 0.8, "ours_over_bare_hyper": 0.8},
                ],
            },
            "e2e_cpu": {"ours": {"min_ns": 21000.0}, "bare": {"min_ns": 15000.0}, "ours_over_bare_min": 1.4, "ours_over_bare_hyper_min": 1.75},
            "generated": {
                "codeartsartifact": {"operations": 59},
                "dcs": {"operations": 100, "lines_per_operation": 250.0},
                "kafka": {"operations": 123},
                "rabbitmq": {"operations": 52},
            },
            "build": {"crate_s": {"huaweicloud-sdk-dcs": 20.0}},
            "aws_build": {"crates": {"aws-sdk-elasticache": {"version": "1.0.0", "operations": 50, "lines": 90000, "build_s": 20.0}}},
        })
    }

    #[test]
    fn ratios_come_first_with_their_goals() {
        let md = render(&results());
        let ratios = &md[md.find("## Ratios and goals").unwrap()..md.find("## Signing").unwrap()];
        for row in [
            "| ours / bare reqwest, requests/s at 1 callers (end to end) | 0.95 | ≥ 0.93 | met |",
            "| ours / bare reqwest, requests/s at 16 callers (end to end) | 0.80 | ≥ 0.93 | **not met** |",
            "| ours / bare reqwest, client CPU time per call (1 caller, lowest round) | 1.40× | | |",
            "| ours / bare reqwest, instructions per call (callgrind, 1 caller) | 2.00× | | |",
            "| ours / bare hyper (the client under our transport), requests/s at 1 / 16 callers | 0.76 / 0.80 | | |",
            "| ours / bare hyper, client CPU time per call (1 caller, lowest round) | 1.75× | | |",
            "| ours / bare hyper, instructions per call (callgrind, 1 caller) | 3.00× | | |",
            "| our signer / floor, time | 1.20× | ≤ 1.3× | met |",
            // DCS: 20 s / 100 operations = 200 ms; ElastiCache: 20 s / 50 = 400 ms.
            "| `aws-sdk-elasticache` / `huaweicloud-sdk-dcs`, build time per operation | 2.00× | ≥ 5× | **not met** |",
        ] {
            assert!(ratios.contains(row), "missing {row:?} in:\n{ratios}");
        }
        // A peer without figures gets no ratio row.
        assert!(!ratios.contains("aws-sdk-kafka"), "{ratios}");
        let e2e = &md[md.find("## End to end").unwrap()..];
        assert!(
            e2e.contains("| 1 | 950 | 1000 | 0.95 | 1250 | 0.76 |"),
            "{e2e}"
        );
        assert!(
            e2e.contains(
                "ours 150000, bare reqwest 75000, bare hyper 50000; ours less bare hyper 100000"
            ),
            "{e2e}"
        );
        assert!(e2e.contains("decoding): 40000."), "{e2e}");
    }

    #[test]
    fn rust_files_descend_into_directories() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let files = rust_files(&src).unwrap();
        assert!(files.contains(&src.join("bench.rs")), "{files:?}");
        assert!(
            files.iter().any(|p| p.parent() != Some(src.as_path())),
            "no file below a subdirectory of {}: {files:?}",
            src.display()
        );
    }

    #[test]
    fn the_aws_table_shows_milliseconds_per_operation() {
        let md = render(&results());
        assert!(
            md.contains(
                "| dcs | 100 | 250 | 200 | aws-sdk-elasticache 1.0.0 | 50 | 1800 | 400 | 2.00× |"
            ),
            "{md}"
        );
        let mut smoke = results();
        smoke["aws_build"] = Value::Null;
        assert!(!render(&smoke).contains("Against the AWS SDK for Rust"));
    }
}
