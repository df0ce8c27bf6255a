//! `cargo xtask import [--check] [--introspection <file.json>]`: the official Python SDK
//! (via `xtask/import/introspect.py`), `specs/facts/<svc>.json`, `specs/<svc>/overrides.yaml`,
//! `specs/<svc>/summaries.yaml` and `specs/<svc>/descriptions.yaml` (optional) make
//! `specs/<svc>/v2.yaml`.
//!
//! Mapping rules: `xtask/import/README.md`; override format: `specs/README.md`, "Import".

pub mod add_service;
pub mod build;
pub mod descriptions;
pub mod dump;
pub mod overrides;
pub mod pagination;
pub mod python;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::codegen::ensure_file_contents;

/// Options of one run.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub check: bool,
    /// Use this introspection document instead of running Python.
    pub introspection: Option<PathBuf>,
    /// Fill missing summaries with `TODO` (local testing only, never for committed specs).
    pub allow_missing_summaries: bool,
    /// `--service <name>[:<version>]`: introspect and import only these official packages
    /// (`huaweicloudsdk<name>`, every version or the one given) instead of the committed list.
    pub services: Vec<String>,
    /// `--python <interpreter>`: a Python with the SDK packages installed, instead of the
    /// hash-locked venv in `target/import-venv` (e.g. a scratch venv with more services).
    pub python: Option<PathBuf>,
}

fn read(root: &Path, rel: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| format!("{rel}: {e}"))
}

/// `specs/<dir>/<stem>.<version>.<ext>` when it exists (a service of several versions), else
/// `specs/<dir>/<stem>.<ext>`.
pub fn input_file(root: &Path, dir: &str, stem: &str, version: &str, ext: &str) -> String {
    let versioned = format!("specs/{dir}/{stem}.{version}.{ext}");
    if root.join(&versioned).exists() {
        versioned
    } else {
        format!("specs/{dir}/{stem}.{ext}")
    }
}

/// `specs/facts/<dir>.<version>.json` when it exists, else `specs/facts/<dir>.json`.
pub fn facts_file(root: &Path, dir: &str, version: &str) -> String {
    let versioned = format!("specs/facts/{dir}.{version}.json");
    if root.join(&versioned).exists() {
        versioned
    } else {
        format!("specs/facts/{dir}.json")
    }
}

/// Builds every service of the introspection document at `introspection`: spec path
/// relative to `root` -> YAML text. All problems are collected.
pub fn generate(
    root: &Path,
    introspection: &Path,
    allow_missing_summaries: bool,
) -> Result<BTreeMap<String, String>, Vec<String>> {
    let text = std::fs::read_to_string(introspection)
        .map_err(|e| vec![format!("{}: {e}", introspection.display())])?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    let dump: dump::Dump = serde_path_to_error::deserialize(de)
        .map_err(|e| vec![format!("{}: {e}", introspection.display())])?;
    if dump.format_version != dump::FORMAT_VERSION {
        return Err(vec![format!(
            "{}: format_version {} (expected {}); re-run introspect.py",
            introspection.display(),
            dump.format_version,
            dump::FORMAT_VERSION
        )]);
    }
    let mut errors = Vec::new();
    let mut out = BTreeMap::new();
    for service in dump.services.values() {
        let (dir, version) = (service.service.as_str(), service.version.as_str());
        let facts_rel = facts_file(root, dir, version);
        // A service the Go SDK lacks has no facts file: no required fields, no enums.
        let facts: dump::Facts = match read(root, &facts_rel)
            .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("{facts_rel}: {e}")))
        {
            Err(_) if !root.join(&facts_rel).exists() => dump::Facts::default(),
            Ok(f) => f,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let ov_rel = input_file(root, dir, "overrides", version, "yaml");
        let overrides = match read(root, &ov_rel)
            .and_then(|t| overrides::parse_overrides(&t).map_err(|e| format!("{ov_rel}: {e}")))
        {
            Ok(o) => o,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let sum_rel = input_file(root, dir, "summaries", version, "yaml");
        let summaries = if root.join(&sum_rel).exists() || !allow_missing_summaries {
            match read(root, &sum_rel)
                .and_then(|t| overrides::parse_summaries(&t).map_err(|e| format!("{sum_rel}: {e}")))
            {
                Ok(s) => s,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        } else {
            BTreeMap::new()
        };
        let desc_rel = input_file(root, dir, "descriptions", version, "yaml");
        let descriptions = if root.join(&desc_rel).exists() {
            match read(root, &desc_rel)
                .and_then(|t| descriptions::parse(&t).map_err(|e| format!("{desc_rel}: {e}")))
            {
                Ok(d) => d,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        } else {
            descriptions::Descriptions::default()
        };
        let inputs = build::Inputs {
            key: dir,
            overrides_file: &ov_rel,
            summaries_file: &sum_rel,
            service,
            facts: &facts,
            overrides: &overrides,
            summaries: &summaries,
            descriptions: &descriptions,
            allow_missing_summaries,
        };
        match build::Builder::new(&inputs).build() {
            Ok(doc) => match serde_yaml_ng::to_string(&doc) {
                Ok(yaml) => {
                    out.insert(format!("specs/{dir}/{version}.yaml"), yaml);
                }
                Err(e) => errors.push(format!("specs/{dir}: cannot serialize: {e}")),
            },
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The `import` task.
pub fn run(root: &Path, opts: &Options) -> Result<(), String> {
    let adding = !opts.services.is_empty();
    let introspection = match &opts.introspection {
        Some(p) => p.clone(),
        None => {
            let mut newest_only = false;
            let python = match &opts.python {
                Some(p) => p.clone(),
                None => {
                    if adding && !opts.check {
                        newest_only = lock_services(root, &opts.services)?;
                    }
                    python::ensure_venv(root)?
                }
            };
            if newest_only {
                let out = root.join("target/import/introspect-selected.json");
                python::introspect_to(&python, &opts.services, &out, true)?;
                out
            } else {
                python::introspect_services(root, &python, &opts.services)?
            }
        }
    };
    // Adding a service: starter overrides where there are none, and what has facts.
    let mut added: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    if adding && !opts.check {
        for (dir, version, count) in dump_versions(&introspection)? {
            let starter = add_service::write_starter_overrides(root, &dir, &version, count)?;
            let has_facts = root.join(facts_file(root, &dir, &version)).exists();
            added.insert(format!("specs/{dir}/{version}.yaml"), (has_facts, starter));
        }
    }
    // A new service has no summaries yet: TODO placeholders, listed in the checklist.
    let allow_missing = opts.allow_missing_summaries || adding;
    let files = match generate(root, &introspection, allow_missing) {
        Ok(f) => f,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            return Err(format!("{} error(s)", errors.len()));
        }
    };
    let mut stale = Vec::new();
    for (rel, contents) in &files {
        let same = ensure_file_contents(&root.join(rel), contents, opts.check)
            .map_err(|e| format!("{rel}: {e}"))?;
        if !same {
            if opts.check {
                println!("stale: {rel}");
            } else {
                println!("updated: {rel}");
            }
            stale.push(rel.clone());
        }
    }
    if !added.is_empty() && !opts.check {
        println!("checklist (needs a human):");
        for (rel, (has_facts, starter)) in &added {
            let Some(yaml) = files.get(rel) else { continue };
            let doc: serde_json::Value =
                serde_yaml_ng::from_str(yaml).map_err(|e| format!("{rel}: {e}"))?;
            let items = add_service::checklist(rel, &doc, *has_facts, *starter);
            println!("{rel}: {} item(s)", items.len());
            for item in items {
                println!("- [ ] {item}");
            }
        }
    }
    if opts.check && !stale.is_empty() {
        println!("run `cargo xtask import` to update");
        return Err(format!("{} spec(s) out of date", stale.len()));
    }
    Ok(())
}

/// Pins the `--service` packages into `xtask/import/requirements.txt` from the catalogue lock
/// (hash-locked; 3.1.219 or the newest release). Returns whether one is not at 3.1.219.
fn lock_services(root: &Path, services: &[String]) -> Result<bool, String> {
    let import_rel = "xtask/import/requirements.txt";
    let mut lock = read(root, import_rel)?;
    let catalogue = read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").as_path(),
        "xtask/catalogue/requirements.txt",
    )?;
    let mut newest_only = false;
    for s in services {
        let name = s.split(':').next().unwrap_or(s);
        let package = format!("huaweicloudsdk{name}");
        match add_service::add_to_lock(&lock, &catalogue, name)? {
            Some((text, version)) => {
                println!("pinned: {package}=={version} in {import_rel}");
                newest_only |= version != "3.1.219";
                lock = text;
            }
            None => {
                let block = add_service::locked_block(&lock, &package).unwrap_or_default();
                newest_only |= !block.starts_with(&format!("{package}==3.1.219 "));
            }
        }
    }
    std::fs::write(root.join(import_rel), lock).map_err(|e| format!("{import_rel}: {e}"))?;
    Ok(newest_only)
}

/// (folder, version, versions of that folder) of every service of an introspection document.
fn dump_versions(introspection: &Path) -> Result<Vec<(String, String, usize)>, String> {
    let text = std::fs::read_to_string(introspection)
        .map_err(|e| format!("{}: {e}", introspection.display()))?;
    let dump: dump::Dump =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", introspection.display()))?;
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for s in dump.services.values() {
        *count.entry(s.service.clone()).or_default() += 1;
    }
    Ok(dump
        .services
        .values()
        .map(|s| (s.service.clone(), s.version.clone(), count[&s.service]))
        .collect())
}
