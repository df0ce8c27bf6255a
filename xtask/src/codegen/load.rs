//! Reading a spec: YAML -> `serde_json::Value` (kept for JSON pointers and extension keys)
//! -> `openapiv3::OpenAPI`.

use std::path::Path;

use openapiv3::OpenAPI;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Diagnostic;

/// A loaded spec.
#[derive(Debug)]
pub struct Loaded {
    /// Path relative to the root, `/`-separated (as shown in diagnostics and headers).
    pub file: String,
    pub raw: Value,
    pub api: OpenAPI,
    pub sha256: String,
}

/// Loads `root/rel`. Every failure is a diagnostic, never a panic.
pub fn load(root: &Path, rel: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let bytes = std::fs::read(root.join(rel))
        .map_err(|e| vec![Diagnostic::new(rel, "", format!("cannot read file: {e}"))])?;
    parse(rel, &bytes)
}

/// Parses spec bytes that are shown as `file` in diagnostics (e.g. a file at a git revision).
pub fn parse(file: &str, bytes: &[u8]) -> Result<Loaded, Vec<Diagnostic>> {
    let file = file.to_owned();
    let sha256 = hex::encode(Sha256::digest(bytes));
    let text = std::str::from_utf8(bytes)
        .map_err(|e| vec![Diagnostic::new(&file, "", format!("not UTF-8: {e}"))])?;
    // The YAML value keeps key order (property order is wire order); serde_json's map does
    // not (its `preserve_order` feature would leak into core through feature unification),
    // so openapiv3 is read from the YAML value and the JSON value serves pointer look-ups.
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
            .unwrap_or_default();
        vec![Diagnostic::new(&file, "", format!("invalid YAML{at}: {e}"))]
    })?;
    let raw: Value = serde_yaml_ng::from_value(yaml.clone()).map_err(|e| {
        vec![Diagnostic::new(
            &file,
            "",
            format!("unsupported YAML (keys must be strings): {e}"),
        )]
    })?;
    let api: OpenAPI = serde_path_to_error::deserialize(yaml).map_err(|e| {
        let pointer = pointer_of(e.path());
        let msg = e.into_inner().to_string();
        vec![Diagnostic::new(
            &file,
            &pointer,
            format!("not a valid OpenAPI 3.0 document: {msg}"),
        )]
    })?;
    Ok(Loaded {
        file,
        raw,
        api,
        sha256,
    })
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape_pointer(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// Escapes one JSON pointer token (RFC 6901).
pub fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
