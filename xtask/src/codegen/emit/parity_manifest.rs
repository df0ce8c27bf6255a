//! `crates/parity-driver/Cargo.toml`: the request-parity driver depends on every generated
//! service crate, so its manifest is generated from the specs like the dispatch it compiles
//! (a new service needs no hand edit).

use std::collections::{BTreeMap, BTreeSet};

use super::cargo_toml::FULL_SERDE;
use crate::codegen::GENERATED_MARKER;
use crate::codegen::ir::Service;

/// Workspace-relative path of the generated file.
pub const PATH: &str = "crates/parity-driver/Cargo.toml";

pub fn emit(services: &[Service]) -> String {
    // One dependency per crate (a crate of several versions is one dependency).
    let crates: BTreeMap<&str, &str> = services
        .iter()
        .map(|s| (s.crate_name.as_str(), s.dir.as_str()))
        .collect();
    let specs: Vec<&str> = services.iter().map(|s| s.spec_path.as_str()).collect();
    // A crate of several versions is built with only the versions whose features are on.
    let versioned: BTreeSet<&str> = services
        .iter()
        .filter(|s| s.module.is_some())
        .map(|s| s.crate_name.as_str())
        .collect();
    let deps: String = crates
        .iter()
        .map(|(name, dir)| {
            let defaults = if versioned.contains(name) {
                ", default-features = false"
            } else {
                ""
            };
            // `full-serde`: outputs re-encoded as JSON for the comparison need `Serialize`.
            format!(
                "{name} = {{ path = \"../{dir}\", optional = true{defaults}, features = [\"{FULL_SERDE}\"] }}\n"
            )
        })
        .collect();
    // One feature per service version (the dispatch's modules), enabling its crate and, in a
    // crate of several versions, that version's feature.
    let mut features: Vec<(String, String)> = services
        .iter()
        .map(|s| {
            let dep = match &s.module {
                Some(m) => format!("\"{}/{m}\"", s.crate_name),
                None => format!("\"dep:{}\"", s.crate_name),
            };
            (super::parity::feature_name(s), dep)
        })
        .collect();
    features.sort();
    let default: Vec<String> = features.iter().map(|(f, _)| format!("\"{f}\"")).collect();
    let feature_lines: String = features
        .iter()
        .map(|(f, dep)| format!("{f} = [{dep}]\n"))
        .collect();
    format!(
        r#"# {GENERATED_MARKER} from {specs}. Do not edit.
[package]
name = "huaweicloud-sdk-parity-driver"
description = "Request-parity driver: runs every generated operation against a local recording server (`cargo xtask parity`; not published)."
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
publish = false

[[bin]]
name = "parity-driver"
path = "src/main.rs"
# Run by `cargo xtask parity` only: no test harness or docs under `cargo test/doc --workspace`.
test = false
doc = false

# One feature per service version; `cargo xtask parity --self-test` builds only the services
# it mutates.
[features]
default = [{default}]
{feature_lines}
[dependencies]
huaweicloud-sdk-core.workspace = true
{deps}serde.workspace = true
serde_json.workspace = true
tokio.workspace = true
"#,
        specs = specs.join(", "),
        default = default.join(", "),
    )
}
