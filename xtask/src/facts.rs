//! `cargo xtask facts <Go SDK checkout or git dir> [--commit <sha>] [--service <name>...]`:
//! required fields and enums from the official Go SDK's `services/<svc>/<version>/model/*.go`
//! into `specs/facts/<svc>.json` (one version) or `specs/facts/<svc>.<version>.json`.
//!
//! The rules and the file format are in `specs/facts/README.md`. The model files are read
//! with git (`ls-tree`, `cat-file --batch`) at one commit, so a bare mirror works as well as
//! a checkout, and the recorded commit is always the one read.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// `source.repository` of every facts file.
pub const REPOSITORY: &str = "huaweicloud/huaweicloud-sdk-go-v3";
/// `source.extracted`: the rules, in one line.
pub const EXTRACTED: &str = "required = field whose json tag has no omitempty (non-pointer in \
practice, plus a few pointer-typed object fields); json:\"-\" skipped; enums = generated *Enum \
types, values in Get<Type>Enum() order; array=true when the field is a list of the enum";

/// One enum fact: `"type"` is `string` or `integer`, `values` in Go declaration order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumFact {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub array: bool,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub values: Vec<serde_json::Value>,
}

/// The facts of one Go struct; a struct with neither is not listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModelFacts {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub enums: BTreeMap<String, EnumFact>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
}

#[derive(Serialize)]
struct Source<'a> {
    commit: &'a str,
    extracted: &'a str,
    paths: String,
    repository: &'a str,
}

#[derive(Serialize)]
struct FactsFile<'a> {
    models: &'a BTreeMap<String, ModelFacts>,
    source: Source<'a>,
}

static ENUM_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"type (\w+) struct \{\s*value (string|int32)\s*\}").expect("valid regex")
});
static ENUM_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"value:\s*("(?:[^"\\]|\\.)*"|-?\d+),"#).expect("valid regex"));
static STRUCT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\ntype (\w+) struct \{\n(.*?)\n\}\n").expect("valid regex"));
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^\s*(\w+)\s+([\*\[\]\w\.]+)\s+`json:"([^"]*)""#).expect("valid regex")
});

/// The enum types of the sources (`type T struct { value string }` with a `GetTEnum()`
/// listing the values): type name -> (`string` | `integer`, values). `file` names the
/// source in errors.
fn enum_types(
    sources: &[(String, String)],
) -> Result<BTreeMap<String, (&'static str, Vec<serde_json::Value>)>, String> {
    let mut out = BTreeMap::new();
    for (file, src) in sources {
        for m in ENUM_TYPE.captures_iter(src) {
            let (name, value_type) = (&m[1], &m[2]);
            let getter = format!(
                r"(?s)func Get{name}Enum\(\) {name}Enum \{{\s*return {name}Enum\{{(.*?)\n\t\}}\n\}}"
            );
            let getter = Regex::new(&getter).map_err(|e| format!("{file}: {name}: {e}"))?;
            let Some(body) = getter.captures(src) else {
                continue;
            };
            let mut values = Vec::new();
            for v in ENUM_VALUE.captures_iter(&body[1]) {
                let literal = &v[1];
                // A Go string literal of these files is also a JSON one; an integer is plain.
                let value = serde_json::from_str(literal)
                    .map_err(|e| format!("{file}: {name}: enum value {literal}: {e}"))?;
                values.push(value);
            }
            let kind = if value_type == "string" {
                "string"
            } else {
                "integer"
            };
            out.insert(name.to_owned(), (kind, values));
        }
    }
    Ok(out)
}

/// Extracts the facts of one model directory: `sources` are `(file name, Go source)` in file
/// name order (a later file's struct of the same name wins, as with the original script).
pub fn extract(sources: &[(String, String)]) -> Result<BTreeMap<String, ModelFacts>, String> {
    let enums = enum_types(sources)?;
    let mut models = BTreeMap::new();
    for (_, src) in sources {
        for m in STRUCT.captures_iter(src) {
            let (name, body) = (&m[1], &m[2]);
            if enums.contains_key(name) || name.ends_with("Enum") {
                continue;
            }
            let mut facts = ModelFacts::default();
            for f in FIELD.captures_iter(body) {
                let (go_type, tag) = (&f[2], &f[3]);
                let mut parts = tag.split(',');
                let wire = parts.next().unwrap_or_default();
                if wire == "-" {
                    continue;
                }
                if !parts.any(|p| p == "omitempty") {
                    facts.required.push(wire.to_owned());
                }
                let base = go_type.replace(['*', '[', ']'], "");
                if let Some((kind, values)) = enums.get(&base) {
                    let fact = EnumFact {
                        array: go_type.contains("[]"),
                        kind,
                        values: values.clone(),
                    };
                    facts.enums.insert(wire.to_owned(), fact);
                }
            }
            facts.required.sort();
            if !facts.required.is_empty() || !facts.enums.is_empty() {
                models.insert(name.to_owned(), facts);
            }
        }
    }
    Ok(models)
}

/// The text of a facts file: sorted keys, one-space indent, trailing newline (Python's
/// `json.dumps(sort_keys=True, indent=1, ensure_ascii=False)`).
pub fn render(models: &BTreeMap<String, ModelFacts>, commit: &str, paths: &str) -> String {
    let doc = FactsFile {
        models,
        source: Source {
            commit,
            extracted: EXTRACTED,
            paths: paths.to_owned(),
            repository: REPOSITORY,
        },
    };
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut buf,
        serde_json::ser::PrettyFormatter::with_indent(b" "),
    );
    doc.serialize(&mut ser)
        .expect("facts serialise: plain strings, numbers and maps");
    let mut text = String::from_utf8(buf).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// `git -C <repo> <args>`, its stdout.
fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| format!("cannot start git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git -C {} {}: {}",
            repo.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("git {}: {e}", args.join(" ")))
}

/// Reads `paths` at `commit` in one `git cat-file --batch`.
fn read_blobs(repo: &Path, commit: &str, paths: &[String]) -> Result<Vec<String>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start git cat-file: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("git cat-file: no stdin")?;
    let request: String = paths.iter().map(|p| format!("{commit}:{p}\n")).collect();
    // Written from a thread: git answers while it reads, and both pipes would fill up.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .ok_or("git cat-file: no stdout")?
        .read_to_end(&mut out)
        .map_err(|e| format!("git cat-file: {e}"))?;
    let _ = child.wait();
    writer
        .join()
        .map_err(|_| "git cat-file: writer panicked".to_owned())?
        .map_err(|e| format!("git cat-file: {e}"))?;
    let mut blobs = Vec::with_capacity(paths.len());
    let mut rest = &out[..];
    for path in paths {
        let newline = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| format!("git cat-file: truncated output at {path}"))?;
        let header = String::from_utf8_lossy(&rest[..newline]).into_owned();
        let size: usize = match header.split(' ').collect::<Vec<_>>()[..] {
            [_, "blob", size] => size
                .parse()
                .map_err(|_| format!("git cat-file: bad header `{header}`"))?,
            _ => return Err(format!("{commit}:{path}: {header}")),
        };
        let start = newline + 1;
        let content = rest
            .get(start..start + size)
            .ok_or_else(|| format!("git cat-file: truncated blob {path}"))?;
        blobs.push(
            String::from_utf8(content.to_vec()).map_err(|e| format!("{path}: not UTF-8: {e}"))?,
        );
        rest = rest.get(start + size + 1..).unwrap_or_default();
    }
    Ok(blobs)
}

/// The model directories of the Go SDK at one commit: service -> version -> model file paths
/// (sorted, as `git ls-tree` lists them).
pub fn model_dirs(
    repo: &Path,
    commit: &str,
) -> Result<BTreeMap<String, BTreeMap<String, Vec<String>>>, String> {
    let listing = git(repo, &["ls-tree", "-r", "--name-only", commit, "services/"])?;
    let mut out: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for path in listing.lines() {
        let parts: Vec<&str> = path.split('/').collect();
        if let ["services", svc, version, "model", file] = parts[..] {
            if file.ends_with(".go") {
                out.entry(svc.to_owned())
                    .or_default()
                    .entry(version.to_owned())
                    .or_default()
                    .push(path.to_owned());
            }
        }
    }
    Ok(out)
}

/// The facts file name of a service version: `<svc>.json` when the service has one version.
pub fn file_name(service: &str, version: &str, versions: usize) -> String {
    if versions == 1 {
        format!("{service}.json")
    } else {
        format!("{service}.{version}.json")
    }
}

/// Extracts `services` (all when empty) of the Go SDK at `repo` (`commit`, else HEAD) and
/// returns facts file name -> contents.
pub fn generate(
    repo: &Path,
    commit: Option<&str>,
    services: &[String],
) -> Result<BTreeMap<String, String>, String> {
    let rev = format!("{}^{{commit}}", commit.unwrap_or("HEAD"));
    let commit = git(repo, &["rev-parse", "--verify", &rev])?
        .trim()
        .to_owned();
    let dirs = model_dirs(repo, &commit)?;
    for s in services {
        if !dirs.contains_key(s) {
            return Err(format!(
                "services/{s}: no model files in the Go SDK at {commit}"
            ));
        }
    }
    let mut out = BTreeMap::new();
    for (svc, versions) in &dirs {
        if !services.is_empty() && !services.contains(svc) {
            continue;
        }
        for (version, files) in versions {
            let blobs = read_blobs(repo, &commit, files)?;
            let sources: Vec<(String, String)> = files.iter().cloned().zip(blobs).collect();
            let models = extract(&sources)?;
            let paths = format!("services/{svc}/{version}/model/*.go");
            out.insert(
                file_name(svc, version, versions.len()),
                render(&models, &commit, &paths),
            );
        }
    }
    Ok(out)
}

/// The `facts` task: writes the files into `<root>/specs/facts/`.
pub fn run(
    root: &Path,
    repo: &Path,
    commit: Option<&str>,
    services: &[String],
) -> Result<(), String> {
    let files = generate(repo, commit, services)?;
    let dir = root.join("specs/facts");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, text) in &files {
        let path = dir.join(name);
        let same = crate::codegen::ensure_file_contents(&path, text, false)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        println!(
            "{} specs/facts/{name}",
            if same { "unchanged:" } else { "updated:" }
        );
    }
    Ok(())
}

/// `cargo xtask facts <path> [--commit <sha>] [--service <name>...]`.
pub fn cli(root: &Path, args: &[String]) -> std::process::ExitCode {
    let mut repo = None;
    let mut commit = None;
    let mut services = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = match arg.as_str() {
            "--commit" | "--service" => match it.next() {
                Some(v) => v.clone(),
                None => return usage(&format!("{arg} needs a value")),
            },
            a if !a.starts_with('-') && repo.is_none() => {
                repo = Some(a.to_owned());
                continue;
            }
            a => return usage(&format!("unexpected argument `{a}`")),
        };
        if arg == "--commit" {
            commit = Some(value);
        } else {
            services.push(value);
        }
    }
    let Some(repo) = repo else {
        return usage("give the path of a Go SDK checkout or git dir");
    };
    match run(root, Path::new(&repo), commit.as_deref(), &services) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("facts failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn usage(msg: &str) -> std::process::ExitCode {
    eprintln!(
        "error: {msg}\n\nusage: cargo xtask facts <Go SDK checkout or git dir> [--commit <sha>] \
         [--service <name>...]"
    );
    std::process::ExitCode::from(2)
}
