//! `cargo xtask catalogue`: how far the generator reaches over the whole official SDK.
//! Developer-run, never in CI (documented in `xtask/catalogue/README.md`).
//!
//! For every `huaweicloudsdk*` service package of `xtask/catalogue/requirements.in`
//! (installed hash-locked into `target/catalogue-venv`), every service version is imported
//! into a scratch tree (`target/catalogue/tree`), checked with the structural lint rules,
//! generated, compiled (the parity driver and the service crate, one shared target dir
//! `target/catalogue/cargo-target`) and run through request parity with the official Python
//! SDK. Each service's result is cached in `target/catalogue/results/<service>.json`, so an
//! interrupted run resumes; `specs/CATALOGUE.md` is written from every cached result.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::import::{self, python};
use crate::spec::lint::{self, Rule, Severity};

const REQUIREMENTS_IN: &str = "xtask/catalogue/requirements.in";
const REQUIREMENTS: &str = "xtask/catalogue/requirements.txt";
const VENV: &str = "target/catalogue-venv";
const WORK: &str = "target/catalogue";
const REPORT: &str = "specs/CATALOGUE.md";

/// The lint rules a machine import must pass; the summary, English and description rules
/// need a human and are not applied.
pub const STRUCTURAL_RULES: [Rule; 6] = [
    Rule::Parse,
    Rule::OperationId,
    Rule::Refs,
    Rule::PathParams,
    Rule::RustNames,
    Rule::ExtensionKeys,
];

/// Where a service version stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Install,
    Introspect,
    Import,
    Lint,
    Generate,
    Compile,
    Parity,
    Passed,
}

/// The result of one service version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VersionResult {
    pub version: String,
    /// Operations of the official SDK (0 when introspection failed).
    pub operations: usize,
    /// Operations that pass every stage, parity included.
    pub passed_operations: usize,
    pub stage: Stage,
    /// The first failure, one line.
    pub failure: Option<String>,
}

/// The result of one service package.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceResult {
    pub service: String,
    pub package_version: String,
    pub versions: Vec<VersionResult>,
    pub seconds: f64,
    /// Seconds per step (`introspect`, `import`, `generate`, `compile`, `parity`, `prune`);
    /// absent in results of older runs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub timings: BTreeMap<String, f64>,
}

/// Wall-clock seconds per step of one service, summed over its versions.
#[derive(Debug, Default)]
pub struct Timings(BTreeMap<String, f64>);

impl Timings {
    /// Runs `f`, adding its wall-clock time to `step`.
    pub fn time<T>(&mut self, step: &str, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = f();
        *self.0.entry(step.to_owned()).or_default() += started.elapsed().as_secs_f64();
        out
    }

    /// The steps, rounded to tenths of a second.
    pub fn into_map(self) -> BTreeMap<String, f64> {
        self.0
            .into_iter()
            .map(|(k, v)| (k, round_tenths(v)))
            .collect()
    }
}

fn round_tenths(seconds: f64) -> f64 {
    (seconds * 10.0).round() / 10.0
}

/// `name==version` lines of requirements.in -> (service, version).
pub fn packages(requirements_in: &str) -> Vec<(String, String)> {
    requirements_in
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split_once("=="))
        .filter_map(|(name, v)| {
            let svc = name.strip_prefix("huaweicloudsdk")?;
            (svc != "core" && svc != "all").then(|| (svc.to_owned(), v.trim().to_owned()))
        })
        .collect()
}

/// The first error of the structural rules in `yaml`, if any.
pub fn structural_error(file: &str, yaml: &str) -> Option<String> {
    lint::lint_bytes(file, yaml.as_bytes())
        .into_iter()
        .find(|f| f.severity == Severity::Error && STRUCTURAL_RULES.contains(&f.rule))
        .map(|f| f.to_string())
}

/// The totals line: service versions and operations that pass every stage, of all.
pub fn totals_line(results: &[ServiceResult]) -> String {
    let versions: Vec<&VersionResult> = results.iter().flat_map(|s| &s.versions).collect();
    let passed = versions.iter().filter(|v| v.stage == Stage::Passed).count();
    let ops: usize = versions.iter().map(|v| v.operations).sum();
    let ops_passed: usize = versions.iter().map(|v| v.passed_operations).sum();
    format!(
        "{passed} of {} service-versions, {ops_passed} of {ops} operations",
        versions.len()
    )
}

/// `specs/CATALOGUE.md` from the results (sorted by service) of the `run` of `planned`
/// service packages.
pub fn render(results: &[ServiceResult], planned: usize, seconds: f64) -> String {
    let mut out = String::new();
    out.push_str(&totals_line(results));
    out.push_str("\n\n# Catalogue check\n\n");
    out.push_str(&format!(
        "Written by `cargo xtask catalogue` (xtask/catalogue/README.md). The line above counts the \
         service versions and operations that import, pass the structural lint rules, generate, \
         compile and pass request parity with the official Python SDK. This run covers {} of \
         {planned} service packages ({} service versions); packages not run yet are not counted. \
         Run time of the results below: {:.0} s (sum of the per-service times, on 2 shared \
         cores; per package median {:.0} s, max {:.0} s).\n\n",
        results.len(),
        results.iter().map(|s| s.versions.len()).sum::<usize>(),
        seconds,
        median_seconds(results),
        results.iter().map(|r| r.seconds).fold(0.0, f64::max),
    ));
    let mut by_stage: BTreeMap<Stage, usize> = BTreeMap::new();
    for v in results.iter().flat_map(|s| &s.versions) {
        *by_stage.entry(v.stage).or_default() += 1;
    }
    out.push_str("| stopped at | service versions |\n|---|---:|\n");
    for (stage, n) in &by_stage {
        out.push_str(&format!("| {} | {n} |\n", stage_name(*stage)));
    }
    out.push_str(
        "\n| service | version | package | operations | passed | first failure |\n\
         |---|---|---|---:|---:|---|\n",
    );
    for s in results {
        for v in &s.versions {
            let failure = v
                .failure
                .as_deref()
                .map(|f| format!("{}: {}", stage_name(v.stage), one_cell(f)))
                .unwrap_or_default();
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                s.service, v.version, s.package_version, v.operations, v.passed_operations, failure
            ));
        }
    }
    out
}

/// The median of the per-service run times (0 without results).
pub fn median_seconds(results: &[ServiceResult]) -> f64 {
    let mut times: Vec<f64> = results.iter().map(|r| r.seconds).collect();
    times.sort_by(f64::total_cmp);
    match times.len() {
        0 => 0.0,
        n if n % 2 == 1 => times[n / 2],
        n => (times[n / 2 - 1] + times[n / 2]) / 2.0,
    }
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Install => "install",
        Stage::Introspect => "introspect",
        Stage::Import => "import",
        Stage::Lint => "lint",
        Stage::Generate => "generate",
        Stage::Compile => "compile",
        Stage::Parity => "parity",
        Stage::Passed => "passed",
    }
}

/// One Markdown table cell: one line, no pipes, at most 200 characters.
fn one_cell(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().replace('|', "\\|");
    if line.chars().count() > 200 {
        format!("{}...", line.chars().take(200).collect::<String>())
    } else {
        line
    }
}

/// Options of `cargo xtask catalogue`.
#[derive(Debug, Default)]
pub struct Options {
    /// Only these services (default: every package of requirements.in).
    pub only: Vec<String>,
    /// A Go SDK checkout or git dir to extract facts from (else only committed facts).
    pub go_sdk: Option<PathBuf>,
    pub commit: Option<String>,
    /// Write specs/CATALOGUE.md from the cache without running anything.
    pub report_only: bool,
}

/// The `catalogue` task.
pub fn run(root: &Path, opts: &Options) -> Result<(), String> {
    let req_in = std::fs::read_to_string(root.join(REQUIREMENTS_IN))
        .map_err(|e| format!("{REQUIREMENTS_IN}: {e}"))?;
    let all = packages(&req_in);
    let work = root.join(WORK);
    let results_dir = work.join("results");
    std::fs::create_dir_all(&results_dir).map_err(|e| format!("{}: {e}", results_dir.display()))?;
    if !opts.report_only {
        let python = python::ensure_venv_at(root, &root.join(VENV), REQUIREMENTS)?;
        for (svc, version) in &all {
            if !opts.only.is_empty() && !opts.only.contains(svc) {
                continue;
            }
            let cached = results_dir.join(format!("{svc}.json"));
            if cached.exists() {
                continue;
            }
            let started = Instant::now();
            let mut timings = Timings::default();
            let mut result = check_service(root, &python, svc, version, opts, &mut timings);
            let target = root.join(WORK).join("cargo-target");
            if let Err(e) = timings.time("prune", || prune_service_artifacts(&target)) {
                eprintln!("catalogue: {svc}: pruning {}: {e}", target.display());
            }
            result.seconds = round_tenths(started.elapsed().as_secs_f64());
            result.timings = timings.into_map();
            let text = serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?;
            std::fs::write(&cached, text).map_err(|e| format!("{}: {e}", cached.display()))?;
            let passed = result
                .versions
                .iter()
                .filter(|v| v.stage == Stage::Passed)
                .count();
            eprintln!(
                "catalogue: {svc}: {passed}/{} versions passed ({:.0} s)",
                result.versions.len(),
                result.seconds
            );
        }
    }
    let mut results = Vec::new();
    for (svc, _) in &all {
        let cached = results_dir.join(format!("{svc}.json"));
        if let Ok(text) = std::fs::read_to_string(&cached) {
            let r: ServiceResult =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", cached.display()))?;
            results.push(r);
        }
    }
    // `+ 0.0`: an empty f64 sum is -0.0.
    let seconds = results.iter().map(|r| r.seconds).sum::<f64>() + 0.0;
    let report = render(&results, all.len(), seconds);
    std::fs::write(root.join(REPORT), &report).map_err(|e| format!("{REPORT}: {e}"))?;
    println!("{}", totals_line(&results));
    Ok(())
}

/// The `v<N>` module directories of an installed package.
fn installed_versions(python: &Path, svc: &str) -> Result<Vec<String>, String> {
    let site = python
        .parent()
        .and_then(Path::parent)
        .map(|venv| venv.join("lib"))
        .ok_or("venv layout")?;
    let mut found = Vec::new();
    for lib in std::fs::read_dir(&site).map_err(|e| format!("{}: {e}", site.display()))? {
        let pkg = lib
            .map_err(|e| e.to_string())?
            .path()
            .join("site-packages")
            .join(format!("huaweicloudsdk{svc}"));
        let Ok(entries) = std::fs::read_dir(&pkg) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('v')
                && name.len() > 1
                && name[1..].chars().all(|c| c.is_ascii_digit())
                && e.path().is_dir()
            {
                found.push(name);
            }
        }
    }
    found.sort_by_key(|v| v[1..].parse::<u32>().unwrap_or(0));
    if found.is_empty() {
        Err(format!(
            "huaweicloudsdk{svc} is not installed or has no v<N> module"
        ))
    } else {
        Ok(found)
    }
}

fn failed(version: &str, operations: usize, stage: Stage, why: String) -> VersionResult {
    VersionResult {
        version: version.to_owned(),
        operations,
        passed_operations: 0,
        stage,
        failure: Some(why),
    }
}

/// Imports, lints, generates, compiles and runs parity for one service package.
fn check_service(
    root: &Path,
    python: &Path,
    svc: &str,
    package_version: &str,
    opts: &Options,
    timings: &mut Timings,
) -> ServiceResult {
    let mut result = ServiceResult {
        service: svc.to_owned(),
        package_version: package_version.to_owned(),
        versions: Vec::new(),
        seconds: 0.0,
        timings: BTreeMap::new(),
    };
    let versions = match installed_versions(python, svc) {
        Ok(v) => v,
        Err(e) => {
            result.versions.push(failed("?", 0, Stage::Install, e));
            return result;
        }
    };
    let work = root.join(WORK);
    let tree = work.join("tree");
    if let Err(e) = prepare_tree(root, &tree) {
        result.versions.push(failed("?", 0, Stage::Install, e));
        return result;
    }
    // Facts: committed ones, else extracted from the Go SDK when one is given.
    let facts = import::add_service::facts_for(
        root,
        &tree,
        svc,
        &versions,
        opts.go_sdk.as_deref(),
        opts.commit.as_deref(),
    );
    let mut docs: BTreeMap<String, (PathBuf, usize)> = BTreeMap::new();
    let mut skips: BTreeMap<String, String> = BTreeMap::new();
    let mut pending: Vec<VersionResult> = Vec::new();
    for version in &versions {
        let intro = work.join(format!("introspect/{svc}.{version}.json"));
        let spec_rel = format!("specs/{svc}/{version}.yaml");
        let step = (|| -> Result<usize, (Stage, usize, String)> {
            timings
                .time("introspect", || {
                    python::introspect_to(python, &[format!("{svc}:{version}")], &intro, true)
                })
                .map_err(|e| {
                    // Counted from the client's source, so the totals still cover the
                    // operations of a version that does not introspect at all.
                    let ops = official_operation_count(python, svc, version).unwrap_or(0);
                    (Stage::Introspect, ops, last_line(&e))
                })?;
            let count = operation_count(&intro).map_err(|e| (Stage::Introspect, 0, e))?;
            let ops = count.described + count.skipped;
            if ops == 0 {
                let official = official_operation_count(python, svc, version).unwrap_or(0);
                return Err((
                    Stage::Introspect,
                    official,
                    "introspection found no operations in the client".to_owned(),
                ));
            }
            if let Some(first) = count.first_skip {
                let more = count.skipped - 1;
                skips.insert(
                    version.clone(),
                    if more > 0 {
                        format!("{first} (and {more} more)")
                    } else {
                        first
                    },
                );
            }
            import::add_service::write_starter_overrides(&tree, svc, version, versions.len())
                .map_err(|e| (Stage::Import, ops, e))?;
            let files = timings
                .time("import", || import::generate(&tree, &intro, true))
                .map_err(|e| (Stage::Import, ops, e.into_iter().next().unwrap_or_default()))?;
            let yaml = files
                .get(&spec_rel)
                .ok_or_else(|| (Stage::Import, ops, format!("{spec_rel} not written")))?;
            if let Some(e) = structural_error(&spec_rel, yaml) {
                return Err((Stage::Lint, ops, e));
            }
            std::fs::write(tree.join(&spec_rel), yaml)
                .map_err(|e| (Stage::Import, ops, format!("{spec_rel}: {e}")))?;
            Ok(ops)
        })();
        match step {
            Ok(ops) => {
                docs.insert(version.clone(), (intro, ops));
            }
            Err((stage, ops, why)) => pending.push(failed(version, ops, stage, why)),
        }
    }
    if let Err(e) = facts {
        // Not a failure: a service the Go SDK lacks imports without facts.
        eprintln!("catalogue: {svc}: no facts ({e})");
    }
    if !docs.is_empty() {
        let outcome = generate_compile_parity(root, &tree, svc, &docs, timings);
        for (version, (_, ops)) in &docs {
            pending.push(match &outcome {
                Err((stage, why)) => failed(version, *ops, *stage, why.clone()),
                Ok(per_version) => {
                    let (passed_ops, first) =
                        per_version.get(version).cloned().unwrap_or((0, None));
                    if let Some(skip) = skips.get(version) {
                        // Some operations did not introspect: the version stopped there,
                        // with the operations that did and passed counted.
                        VersionResult {
                            version: version.clone(),
                            operations: *ops,
                            passed_operations: passed_ops,
                            stage: Stage::Introspect,
                            failure: Some(skip.clone()),
                        }
                    } else {
                        VersionResult {
                            version: version.clone(),
                            operations: *ops,
                            passed_operations: passed_ops,
                            stage: if first.is_none() && passed_ops == *ops {
                                Stage::Passed
                            } else {
                                Stage::Parity
                            },
                            failure: first.or_else(|| {
                                (passed_ops != *ops)
                                    .then(|| "operations without samples".to_owned())
                            }),
                        }
                    }
                }
            });
        }
    }
    pending.sort_by(|a, b| a.version.cmp(&b.version));
    result.versions = pending;
    result
}

/// Operations of one introspection document: described, and skipped by a `--no-strict` run
/// (`skipped_operations`), with the first skip's reason.
#[derive(Debug, Default, PartialEq)]
pub struct OperationCount {
    pub described: usize,
    pub skipped: usize,
    pub first_skip: Option<String>,
}

fn operation_count(intro: &Path) -> Result<OperationCount, String> {
    let text = std::fs::read_to_string(intro).map_err(|e| format!("{}: {e}", intro.display()))?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    Ok(count_operations(&doc))
}

pub fn count_operations(doc: &serde_json::Value) -> OperationCount {
    let mut count = OperationCount::default();
    for svc in doc["services"]
        .as_object()
        .into_iter()
        .flat_map(|s| s.values())
    {
        count.described += svc["operations"].as_array().map_or(0, Vec::len);
        let skipped = svc["skipped_operations"].as_array();
        count.skipped += skipped.map_or(0, Vec::len);
        if count.first_skip.is_none() {
            count.first_skip = skipped
                .and_then(|s| s.first())
                .map(|s| s["error"].as_str().unwrap_or("skipped").to_owned());
        }
    }
    count
}

/// The last non-empty line of a tool's output: where a Python script says what went wrong.
pub fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("failed without output")
        .to_owned()
}

/// The operations of the official client of `svc` `version`, counted in its source (each
/// has one `_<name>_http_info` class method; packages of older releases name the method
/// `<name>_with_http_info`), for versions whose introspection fails.
fn official_operation_count(python: &Path, svc: &str, version: &str) -> Option<usize> {
    let venv = python.parent()?.parent()?;
    for lib in std::fs::read_dir(venv.join("lib")).ok()?.flatten() {
        let dir = lib
            .path()
            .join("site-packages")
            .join(format!("huaweicloudsdk{svc}"))
            .join(version);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with("_client.py") && !name.ends_with("_async_client.py") {
                let source = std::fs::read_to_string(e.path()).ok()?;
                return Some(count_client_operations(&source));
            }
        }
    }
    None
}

/// `def _<name>_http_info(` (current releases) or `def <name>_with_http_info(` (older ones).
pub fn count_client_operations(source: &str) -> usize {
    let current = source
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with("def _") && l.contains("_http_info(")
        })
        .count();
    if current > 0 {
        return current;
    }
    source
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with("def ") && l.contains("_with_http_info(")
        })
        .count()
}

/// A fresh scratch workspace: the repository's manifest and lock, core (linked), the
/// parity driver's hand-written sources; no specs.
fn prepare_tree(root: &Path, tree: &Path) -> Result<(), String> {
    let io = |e: std::io::Error, what: &Path| format!("{}: {e}", what.display());
    if tree.exists() {
        // `target/parity`: a report left by the previous service must never be read as this
        // one's when run.py stops before writing its own.
        for sub in ["specs", "crates", "target/parity"] {
            let dir = tree.join(sub);
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(|e| io(e, &dir))?;
            }
        }
    }
    let driver = tree.join("crates/parity-driver/src");
    std::fs::create_dir_all(&driver).map_err(|e| io(e, &driver))?;
    std::fs::create_dir_all(tree.join("specs/facts")).map_err(|e| io(e, tree))?;
    for f in ["main.rs", "conv.rs"] {
        let from = root.join("crates/parity-driver/src").join(f);
        std::fs::copy(&from, driver.join(f)).map_err(|e| io(e, &from))?;
    }
    let core = root
        .join("crates/core")
        .canonicalize()
        .map_err(|e| io(e, root))?;
    std::os::unix::fs::symlink(&core, tree.join("crates/core")).map_err(|e| io(e, tree))?;
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| io(e, root))?;
    std::fs::write(tree.join("Cargo.toml"), scratch_manifest(&manifest))
        .map_err(|e| io(e, tree))?;
    let lock = root.join("Cargo.lock");
    if !tree.join("Cargo.lock").exists() {
        std::fs::copy(&lock, tree.join("Cargo.lock")).map_err(|e| io(e, &lock))?;
    }
    Ok(())
}

/// The repository's root manifest for the scratch tree: members are its crates only, no
/// default-members list.
fn scratch_manifest(manifest: &str) -> String {
    let mut out = String::from("# Scratch tree of cargo xtask catalogue (target/catalogue).\n");
    let mut skipping = false;
    for line in manifest.lines() {
        if skipping {
            if line.trim_end().ends_with(']') {
                skipping = false;
            }
            continue;
        }
        if line.starts_with("default-members") {
            skipping = !line.trim_end().ends_with(']');
            continue;
        }
        if line.starts_with("members") {
            out.push_str("members = [\"crates/*\"]\n");
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

type Outcome = Result<BTreeMap<String, (usize, Option<String>)>, (Stage, String)>;

/// Generates the tree, builds the parity driver (and with it the service crate), runs
/// parity; per version: passed operations and the first failing sample.
fn generate_compile_parity(
    root: &Path,
    tree: &Path,
    svc: &str,
    docs: &BTreeMap<String, (PathBuf, usize)>,
    timings: &mut Timings,
) -> Outcome {
    let files = match timings.time("generate", || crate::codegen::generate_workspace(tree)) {
        Ok((files, _)) => files,
        Err(crate::codegen::Failure::Diagnostics(d)) => {
            return Err((
                Stage::Generate,
                d.first().map(ToString::to_string).unwrap_or_default(),
            ));
        }
        Err(crate::codegen::Failure::Stale(_)) => {
            return Err((Stage::Generate, "stale".to_owned()));
        }
        Err(crate::codegen::Failure::Other(e)) => return Err((Stage::Generate, e)),
    };
    for (rel, contents) in &files {
        let path = tree.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| (Stage::Generate, e.to_string()))?;
        }
        std::fs::write(&path, contents).map_err(|e| (Stage::Generate, format!("{rel}: {e}")))?;
    }
    let target = root.join(WORK).join("cargo-target");
    let mut build = crate::parity::cargo(tree);
    build
        .args([
            "build",
            "--quiet",
            "--message-format",
            "short",
            "-p",
            "huaweicloud-sdk-parity-driver",
            "--bin",
            "parity-driver",
        ])
        .env("CARGO_TARGET_DIR", &target)
        // Each service crate is compiled once: no debug info and no incremental state
        // (both only cost time and disk here).
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env("CARGO_INCREMENTAL", "0");
    let out = timings
        .time("compile", || build.output())
        .map_err(|e| (Stage::Compile, format!("cannot start cargo: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("cargo build failed")
            .to_owned();
        return Err((Stage::Compile, first));
    }
    let driver = target.join("debug/parity-driver");
    // One introspection document of every version that imported.
    let mut per_version = Vec::new();
    for (version, (intro, _)) in docs {
        let text = std::fs::read_to_string(intro).map_err(|e| (Stage::Parity, e.to_string()))?;
        let doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| (Stage::Parity, e.to_string()))?;
        per_version.push((version.clone(), doc));
    }
    let merged = merge_introspections(svc, per_version);
    // Several versions: keys `svc.vN`; one version: `svc`.
    let parity_dir = tree.join("target/parity");
    std::fs::create_dir_all(&parity_dir).map_err(|e| (Stage::Parity, e.to_string()))?;
    let merged_path = parity_dir.join("introspect.json");
    std::fs::write(&merged_path, merged.to_string()).map_err(|e| (Stage::Parity, e.to_string()))?;
    let ir = parity_dir.join("ir.json");
    crate::parity::schema::write(tree, &ir).map_err(|e| (Stage::Parity, e))?;
    let python = root.join(VENV).join("bin/python");
    let mut parity = Command::new(&python);
    parity
        .arg(root.join("xtask/parity/run.py"))
        .arg("--driver")
        .arg(&driver)
        .arg("--root")
        .arg(tree)
        .arg("--introspection")
        .arg(&merged_path)
        .arg("--ir")
        .arg(&ir)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let out = timings
        .time("parity", || parity.output())
        .map_err(|e| (Stage::Parity, format!("cannot start python: {e}")))?;
    let report_path = parity_dir.join("report.json");
    let report: serde_json::Value = match std::fs::read_to_string(&report_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
    {
        Some(r) => r,
        None => {
            let text = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            let last = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("run.py wrote no report")
                .to_owned();
            return Err((Stage::Parity, last));
        }
    };
    Ok(parity_per_version(svc, docs, &report))
}

/// Whether a file of the shared cargo target belongs to a generated crate (a service crate or
/// the parity driver) rather than to core or a dependency: `libhuaweicloud_sdk_vpc-<hash>.rlib`,
/// `huaweicloud_sdk_vpc-<hash>.d`, `.fingerprint/huaweicloud-sdk-vpc-<hash>`,
/// `parity_driver-<hash>`.
pub fn is_generated_artifact(file_name: &str) -> bool {
    let name = file_name.strip_prefix("lib").unwrap_or(file_name);
    if name.starts_with("parity_driver-") {
        return true;
    }
    let Some(rest) = name
        .strip_prefix("huaweicloud_sdk_")
        .or_else(|| name.strip_prefix("huaweicloud-sdk-"))
    else {
        return false;
    };
    // Core is shared by every service: kept.
    !(rest.starts_with("core-") || rest.starts_with("core."))
}

/// Removes the artifacts of generated crates from the shared target: every service is
/// compiled once, so they would only fill the disk (dependencies and core stay).
fn prune_service_artifacts(target: &Path) -> Result<(), String> {
    for sub in ["deps", ".fingerprint", "build", "incremental"] {
        let dir = target.join("debug").join(sub);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if !is_generated_artifact(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let path = entry.path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// One introspection document of the versions of `svc`, each introspected on its own (so
/// each keyed `svc`). Several versions are keyed `svc.vN`, as the parity driver and run.py
/// key the versions of one crate; one version stays `svc`.
pub fn merge_introspections(
    svc: &str,
    docs: Vec<(String, serde_json::Value)>,
) -> serde_json::Value {
    let several = docs.len() > 1;
    let mut merged = serde_json::Value::Null;
    let mut services = serde_json::Map::new();
    for (version, mut doc) in docs {
        let entries = doc["services"].as_object_mut().map(std::mem::take);
        for (key, entry) in entries.into_iter().flatten() {
            let key = if several && key == svc {
                format!("{svc}.{version}")
            } else {
                key
            };
            services.insert(key, entry);
        }
        if merged.is_null() {
            merged = doc;
        }
    }
    merged["services"] = serde_json::Value::Object(services);
    merged
}

/// From run.py's `samples_detail` (`<key>.<python name>@<variant>`): per version, the
/// operations whose every sample passed, and the first failing sample.
pub fn parity_per_version(
    svc: &str,
    docs: &BTreeMap<String, (PathBuf, usize)>,
    report: &serde_json::Value,
) -> BTreeMap<String, (usize, Option<String>)> {
    let several = docs.len() > 1;
    let mut out = BTreeMap::new();
    let detail = report["samples_detail"].as_object();
    for version in docs.keys() {
        let key = if several {
            format!("{svc}.{version}")
        } else {
            svc.to_owned()
        };
        let prefix = format!("{key}.");
        let mut ops: BTreeMap<String, bool> = BTreeMap::new();
        let mut first = None;
        for (id, d) in detail.into_iter().flatten() {
            let Some(rest) = id.strip_prefix(&prefix) else {
                continue;
            };
            let op = rest.split('@').next().unwrap_or(rest).to_owned();
            let ok =
                d["excepted"].is_string() || d["differences"].as_array().is_none_or(Vec::is_empty);
            if !ok && first.is_none() {
                let diff = d["differences"][0].as_str().unwrap_or("differs");
                first = Some(format!("{id}: {diff}"));
            }
            *ops.entry(op).or_insert(true) &= ok;
        }
        let passed = ops.values().filter(|ok| **ok).count();
        out.insert(version.clone(), (passed, first));
    }
    out
}

/// `cargo xtask catalogue [--only <name>...] [--go-sdk <path> [--commit <sha>]] [--report-only]`.
pub fn cli(root: &Path, args: &[String]) -> std::process::ExitCode {
    let mut opts = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--report-only" => opts.report_only = true,
            "--only" | "--go-sdk" | "--commit" => {
                let Some(value) = it.next() else {
                    return usage(&format!("{arg} needs a value"));
                };
                match arg.as_str() {
                    "--only" => opts.only.push(value.clone()),
                    "--go-sdk" => opts.go_sdk = Some(PathBuf::from(value)),
                    _ => opts.commit = Some(value.clone()),
                }
            }
            other => return usage(&format!("unexpected argument `{other}`")),
        }
    }
    match run(root, &opts) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("catalogue failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn usage(msg: &str) -> std::process::ExitCode {
    eprintln!(
        "error: {msg}\n\nusage: cargo xtask catalogue [--only <name>...] [--go-sdk <path> \
         [--commit <sha>]] [--report-only]"
    );
    std::process::ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn version(v: &str, ops: usize, passed: usize, stage: Stage) -> VersionResult {
        VersionResult {
            version: v.to_owned(),
            operations: ops,
            passed_operations: passed,
            stage,
            failure: (stage != Stage::Passed).then(|| format!("{v} | broke\nsecond line")),
        }
    }

    #[test]
    fn packages_skip_core_all_and_comments() {
        let text = "# header\nhuaweicloudsdkcore==3.1.219\nhuaweicloudsdkvpc==3.1.219\n\
                    huaweicloudsdkall==3.1.219\nhuaweicloudsdkfgs==3.0.8b0\n\n";
        assert_eq!(
            packages(text),
            [
                ("vpc".to_owned(), "3.1.219".to_owned()),
                ("fgs".to_owned(), "3.0.8b0".to_owned())
            ]
        );
    }

    #[test]
    fn totals_count_only_passing_versions_and_operations() {
        let results = [
            ServiceResult {
                service: "vpc".into(),
                package_version: "3.1.219".into(),
                versions: vec![
                    version("v2", 10, 10, Stage::Passed),
                    version("v3", 5, 3, Stage::Parity),
                ],
                seconds: 1.0,
                timings: BTreeMap::new(),
            },
            ServiceResult {
                service: "fgs".into(),
                package_version: "3.0.8b0".into(),
                versions: vec![version("v2", 4, 0, Stage::Compile)],
                seconds: 2.0,
                timings: BTreeMap::new(),
            },
        ];
        assert_eq!(
            totals_line(&results),
            "1 of 3 service-versions, 13 of 19 operations"
        );
        let md = render(&results, 203, 3.0);
        assert!(md.starts_with("1 of 3 service-versions, 13 of 19 operations\n"));
        assert!(md.contains("covers 2 of 203 service packages (3 service versions)"));
        assert!(md.contains("per package median 2 s, max 2 s"), "{md}");
        assert_eq!(median_seconds(&results[..1]), 1.0);
        assert_eq!(median_seconds(&[]), 0.0);
        // The first failure is one table cell: one line, pipes escaped.
        assert!(
            md.contains("| fgs | v2 | 3.0.8b0 | 4 | 0 | compile: v2 \\| broke |\n"),
            "{md}"
        );
    }

    #[test]
    fn only_structural_rules_fail_a_machine_import() {
        // A TODO summary and no descriptions: review rules, not structural ones.
        let ok = r#"openapi: 3.0.3
info: {title: T, version: v1, description: d}
x-huaweicloud-service: {name: W, crate: huaweicloud-sdk-w, title: W}
x-huaweicloud-regions: [{id: r1, endpoints: ['https://w.r1.example.com']}]
paths:
  /v1/w:
    get:
      operationId: ListW
      summary: TODO
      responses:
        '204': {description: none}
"#;
        assert_eq!(structural_error("specs/w/v1.yaml", ok), None);
        let broken = ok.replace("      operationId: ListW\n", "");
        let err = structural_error("specs/w/v1.yaml", &broken).expect("missing operationId");
        assert!(err.contains("operation-id"), "{err}");
        assert!(structural_error("specs/w/v1.yaml", "a: [").is_some());
    }

    #[test]
    fn parity_counts_an_operation_only_when_every_sample_passes() {
        let report = json!({"samples_detail": {
            "vpc.v2.list_a@full": {"differences": [], "excepted": null},
            "vpc.v2.list_a@text": {"differences": [], "excepted": null},
            "vpc.v2.show_b@full": {"differences": ["body differs"], "excepted": null},
            "vpc.v2.show_c@full": {"differences": ["x"], "excepted": "known"},
            "vpc.v3.list_d@full": {"differences": [], "excepted": null}
        }});
        let mut docs = BTreeMap::new();
        docs.insert("v2".to_owned(), (PathBuf::new(), 3));
        docs.insert("v3".to_owned(), (PathBuf::new(), 1));
        let per = parity_per_version("vpc", &docs, &report);
        assert_eq!(
            per["v2"],
            (2, Some("vpc.v2.show_b@full: body differs".to_owned()))
        );
        assert_eq!(per["v3"], (1, None));
    }

    #[test]
    fn pruning_removes_generated_crates_and_keeps_core_and_dependencies() {
        for generated in [
            "libhuaweicloud_sdk_vpc-0123abcd.rlib",
            "libhuaweicloud_sdk_vpc-0123abcd.rmeta",
            "huaweicloud_sdk_vpc-0123abcd.d",
            "huaweicloud-sdk-vpc-0123abcd",
            "huaweicloud-sdk-coc-0123abcd",
            "huaweicloud-sdk-parity-driver-0123abcd",
            "parity_driver-0123abcd",
            "parity_driver-0123abcd.d",
        ] {
            assert!(is_generated_artifact(generated), "{generated}");
        }
        for kept in [
            "libhuaweicloud_sdk_core-0123abcd.rlib",
            "huaweicloud_sdk_core-0123abcd.d",
            "huaweicloud-sdk-core-0123abcd",
            "libserde-0123abcd.rlib",
            "tokio-0123abcd",
        ] {
            assert!(!is_generated_artifact(kept), "{kept}");
        }
    }

    #[test]
    fn timings_add_up_per_step() {
        let mut t = Timings::default();
        assert_eq!(t.time("compile", || 7), 7);
        t.time("compile", || ());
        t.time("parity", || ());
        let map = t.into_map();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["compile", "parity"]);
        assert!(map.values().all(|s| *s >= 0.0 && *s < 5.0), "{map:?}");
    }

    #[test]
    fn several_versions_are_keyed_by_version_when_merged() {
        let doc = |ops: usize| json!({"format_version": 3, "services": {"aad": {"operations": vec![0; ops]}}});
        let merged =
            merge_introspections("aad", vec![("v1".into(), doc(2)), ("v2".into(), doc(3))]);
        assert_eq!(merged["format_version"], 3);
        let keys: Vec<&String> = merged["services"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["aad.v1", "aad.v2"]);
        assert_eq!(
            merged["services"]["aad.v2"]["operations"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        let single = merge_introspections("aad", vec![("v1".into(), doc(2))]);
        let keys: Vec<&String> = single["services"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["aad"]);
    }

    #[test]
    fn the_scratch_manifest_has_no_default_members() {
        let manifest = "[workspace]\nmembers = [\"crates/*\", \"xtask\"]\n\
                        default-members = [\n    \"crates/core\",\n    \"xtask\",\n]\n\n\
                        [workspace.package]\nversion = \"0.1.0\"\n";
        let out = scratch_manifest(manifest);
        assert!(out.contains("members = [\"crates/*\"]\n"), "{out}");
        assert!(
            !out.contains("default-members") && !out.contains("xtask\""),
            "{out}"
        );
        assert!(out.contains("[workspace.package]\nversion = \"0.1.0\"\n"));
    }

    #[test]
    fn client_operations_are_counted_in_either_release_style() {
        let current = "class C:\n    def list_a(self, request):\n        pass\n\n    @classmethod\n    def _list_a_http_info(cls, request):\n        pass\n    def _list_b_http_info(cls, request):\n        pass\n    def _call_api(self, **kwargs):\n";
        assert_eq!(count_client_operations(current), 2);
        let older = "    def show_a(self, request):\n    def show_a_with_http_info(self, request):\n    def show_b_with_http_info(self, request):\n    def call_api(self, resource_path):\n";
        assert_eq!(count_client_operations(older), 2);
        assert_eq!(count_client_operations("def __init__(self):\n"), 0);
    }

    #[test]
    fn skipped_operations_count_and_the_first_reason_is_kept() {
        let doc = serde_json::json!({"services": {
            "x.v1": {"operations": [{}, {}], "skipped_operations": [
                {"python_name": "a", "error": "a: request attributes not sent anywhere"},
                {"python_name": "b", "error": "b: other"}]},
            "x.v2": {"operations": [{}]}
        }});
        assert_eq!(
            count_operations(&doc),
            OperationCount {
                described: 3,
                skipped: 2,
                first_skip: Some("a: request attributes not sent anywhere".into()),
            }
        );
        let none = serde_json::json!({"services": {"x": {"operations": [{}]}}});
        assert_eq!(count_operations(&none).first_skip, None);
    }

    #[test]
    fn a_tool_failure_is_reported_by_its_last_line() {
        let e =
            "introspect.py failed (exit status: 1):\nwarning: x\nintrospect.py: error: boom\n\n";
        assert_eq!(last_line(e), "introspect.py: error: boom");
        assert_eq!(last_line("\n \n"), "failed without output");
    }
}
