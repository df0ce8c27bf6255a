//! README.md shows only code that is compiled: every ```rust block is preceded by a marker
//! `<!-- snippet: <file>#<region> -->` naming an example or test of this crate (both are built
//! by `cargo test`), and equals, byte for byte, the part of that file between
//! `// README-BEGIN: <region>` and `// README-END: <region>` (the whole file without
//! `#<region>`). The ```toml dependency blocks name workspace crates at the workspace's version
//! and declare every crate, feature and tokio feature the snippets use. The commands the README
//! promises exist: the examples it runs, and the test command `.ci/run` runs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> Result<String, String> {
    std::fs::read_to_string(root().join(rel)).map_err(|e| format!("{rel}: {e}"))
}

/// A fenced block of the README.
#[derive(Debug)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    lang: String,
    text: String,
    /// The `<!-- snippet: ... -->` target on the last non-blank line before the fence.
    snippet: Option<String>,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = markdown.split_inclusive('\n').enumerate();
    let mut previous = "";
    while let Some((i, line)) = lines.next() {
        let Some(lang) = line.trim_end().strip_prefix("```") else {
            if !line.trim().is_empty() {
                previous = line.trim();
            }
            continue;
        };
        let mut text = String::new();
        for (_, inner) in lines.by_ref() {
            if inner.trim_end() == "```" {
                break;
            }
            text.push_str(inner);
        }
        let snippet = previous
            .strip_prefix("<!-- snippet:")
            .and_then(|s| s.strip_suffix("-->"))
            .map(|s| s.trim().to_owned());
        out.push(Block {
            line: i + 1,
            lang: lang.trim().to_owned(),
            text,
            snippet,
        });
        previous = "```";
    }
    out
}

/// The text a snippet marker points at.
fn snippet_source(target: &str) -> Result<String, String> {
    let (path, region) = match target.split_once('#') {
        Some((p, r)) => (p, Some(r)),
        None => (target, None),
    };
    if !["crates/examples/examples/", "crates/examples/tests/"]
        .iter()
        .any(|dir| path.starts_with(dir))
    {
        return Err(format!(
            "{path} is not an example or test of crates/examples, so `cargo test` does not compile it"
        ));
    }
    let file = read(path)?;
    let Some(region) = region else {
        return Ok(file);
    };
    let begin = format!("// README-BEGIN: {region}\n");
    let end = format!("// README-END: {region}\n");
    let from = file
        .find(&begin)
        .map(|i| i + begin.len())
        .ok_or_else(|| format!("{path}: no `{}`", begin.trim_end()))?;
    let len = file[from..]
        .find(&end)
        .ok_or_else(|| format!("{path}: no `{}`", end.trim_end()))?;
    Ok(file[from..from + len].to_owned())
}

/// `(name, rest of the line)` of the dependency lines of the toml blocks.
fn declared_dependencies(blocks: &[Block]) -> Vec<(String, String)> {
    blocks
        .iter()
        .filter(|b| b.lang == "toml")
        .flat_map(|b| b.text.lines())
        .filter(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(name, rest)| (name.trim().to_owned(), rest.trim().to_owned()))
        .collect()
}

/// The crates this crate's code can use (its dev-dependencies), as Rust names.
fn usable_crates() -> Result<Vec<String>, String> {
    let manifest = read("crates/examples/Cargo.toml")?;
    let deps = manifest
        .split("[dev-dependencies]")
        .nth(1)
        .ok_or("crates/examples/Cargo.toml has no [dev-dependencies]")?;
    Ok(deps
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        // `tokio.workspace = true` names `tokio`.
        .map(|(n, _)| n.split('.').next().unwrap_or(n).trim().replace('-', "_"))
        .filter(|n| !n.is_empty() && !n.starts_with('#'))
        .collect())
}

/// Whether `code` names `krate` as a path root (`tokio::`, `use serde_json::...`).
fn uses(code: &str, krate: &str) -> bool {
    let needle = format!("{krate}::");
    code.match_indices(&needle).any(|(i, _)| {
        code[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
    })
}

fn workspace_version() -> Result<String, String> {
    let manifest = read("Cargo.toml")?;
    let package = manifest
        .split("[workspace.package]")
        .nth(1)
        .ok_or("Cargo.toml has no [workspace.package]")?;
    package
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .ok_or_else(|| "no workspace version".to_owned())
}

/// The names of the workspace's crates.
fn workspace_crates() -> Result<BTreeSet<String>, String> {
    let mut names = BTreeSet::new();
    let dir = root().join("crates");
    for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())? {
        let manifest = entry.map_err(|e| e.to_string())?.path().join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            if let Some(name) = text
                .lines()
                .find_map(|l| l.strip_prefix("name = "))
                .map(|n| n.trim_matches('"').to_owned())
            {
                names.insert(name);
            }
        }
    }
    Ok(names)
}

/// Everything wrong with `readme`, one line each.
fn problems(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let blocks = blocks(readme);
    let rust: Vec<&Block> = blocks.iter().filter(|b| b.lang == "rust").collect();
    if rust.len() < 3 {
        out.push(format!("only {} ```rust blocks found", rust.len()));
    }
    for b in &rust {
        let Some(target) = &b.snippet else {
            out.push(format!(
                "README.md:{}: a ```rust block without a `<!-- snippet: <file>#<region> -->` line before it is not compiled",
                b.line
            ));
            continue;
        };
        match snippet_source(target) {
            Ok(source) if source == b.text => {}
            Ok(source) => out.push(format!(
                "README.md:{}: the block differs from {target}; copy it again:\n{source}",
                b.line
            )),
            Err(e) => out.push(format!("README.md:{}: {e}", b.line)),
        }
    }

    let declared = declared_dependencies(&blocks);
    let declared_names: BTreeSet<String> =
        declared.iter().map(|(n, _)| n.replace('-', "_")).collect();
    let code: String = rust.iter().map(|b| b.text.as_str()).collect();
    match usable_crates() {
        Ok(usable) => {
            for krate in usable {
                if uses(&code, &krate) && !declared_names.contains(&krate) {
                    out.push(format!(
                        "the README's code uses `{krate}`, but no ```toml block declares it"
                    ));
                }
            }
        }
        Err(e) => out.push(e),
    }
    let features_of = |name: &str| {
        declared
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, rest)| rest.as_str())
            .collect::<String>()
    };
    if uses(&code, "huaweicloud_sdk_core::test_util")
        && !features_of("huaweicloud-sdk-core").contains("\"test-util\"")
    {
        out.push("the code uses `test_util`; declare huaweicloud-sdk-core with features = [\"test-util\"]".into());
    }
    let tokio = features_of("tokio");
    let mut tokio_needs = Vec::new();
    if code.contains("#[tokio::main") || code.contains("#[tokio::test") {
        tokio_needs.push("macros");
    }
    if code.contains("#[tokio::main]\n") {
        tokio_needs.push("rt-multi-thread");
    }
    if code.contains("#[tokio::test") || code.contains("current_thread") {
        tokio_needs.push("rt");
    }
    for feature in tokio_needs {
        let covered = tokio.contains(&format!("\"{feature}\""))
            || (feature == "rt" && tokio.contains("\"rt-multi-thread\""));
        if !covered {
            out.push(format!(
                "the code needs tokio feature `{feature}`; the ```toml blocks do not enable it"
            ));
        }
    }
    match (workspace_version(), workspace_crates()) {
        (Ok(version), Ok(crates)) => {
            for (name, rest) in &declared {
                if !name.starts_with("huaweicloud-sdk-") {
                    continue;
                }
                if !crates.contains(name) {
                    out.push(format!("`{name}` is not a crate of this workspace"));
                }
                if !rest.contains(&format!("\"{version}\"")) {
                    out.push(format!(
                        "`{name} = {rest}`: the workspace version is {version}"
                    ));
                }
            }
        }
        (Err(e), _) | (_, Err(e)) => out.push(e),
    }

    // The commands the README promises.
    for (i, line) in readme.lines().enumerate() {
        if let Some(rest) = line.split("--example ").nth(1) {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !root()
                .join(format!("crates/examples/examples/{name}.rs"))
                .is_file()
            {
                out.push(format!("README.md:{}: no example `{name}`", i + 1));
            }
        }
    }
    let sh: Vec<&str> = blocks
        .iter()
        .filter(|b| b.lang == "sh")
        .map(|b| b.text.trim())
        .collect();
    if !sh.contains(&"cargo test --workspace") {
        out.push("no ```sh block with the test command `cargo test --workspace`".into());
    }
    match read(".ci/run") {
        Ok(ci) if ci.lines().any(|l| l.trim() == "cargo test --workspace") => {}
        Ok(_) => out.push(".ci/run does not run `cargo test --workspace`".into()),
        Err(e) => out.push(e),
    }
    out
}

#[test]
fn the_readme_shows_compiled_code_and_complete_dependencies() {
    let readme = read("README.md").unwrap();
    let found = problems(&readme);
    assert!(found.is_empty(), "README.md:\n{}", found.join("\n"));
}

/// The checks find each kind of drift the README once had.
#[test]
fn drift_is_found() {
    let readme = read("README.md").unwrap();
    let first_rust = readme.find("```rust\n").unwrap() + "```rust\n".len();

    // A line missing from a block (the test example without `use std::sync::Arc;`).
    let mut edited = readme.clone();
    let line_end = first_rust + edited[first_rust..].find('\n').unwrap() + 1;
    edited.replace_range(first_rust..line_end, "");
    assert!(
        problems(&edited)
            .iter()
            .any(|p| p.contains("the block differs from")),
        "a changed block"
    );

    // A block that nothing compiles.
    let edited = readme.replacen("<!-- snippet:", "<!-- shown:", 1);
    assert!(
        problems(&edited)
            .iter()
            .any(|p| p.contains("without a `<!-- snippet")),
        "an unmarked block"
    );

    // A dependency list without tokio and serde_json.
    let edited: String = readme
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("tokio =") && !l.starts_with("serde_json ="))
        .collect();
    let found = problems(&edited);
    for krate in ["tokio", "serde_json"] {
        assert!(
            found.iter().any(|p| p.contains(&format!("uses `{krate}`"))),
            "{krate}: {found:?}"
        );
    }

    // A crate version that is not the workspace's, an example that does not exist.
    let edited = readme
        .replacen("huaweicloud-sdk-dcs = \"", "huaweicloud-sdk-dcs = \"9", 1)
        .replacen(
            "--example dcs_reset_password",
            "--example no_such_example",
            1,
        );
    let found = problems(&edited);
    assert!(
        found.iter().any(|p| p.contains("the workspace version is")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("no example `no_such_example`")),
        "{found:?}"
    );
}
