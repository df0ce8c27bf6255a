//! `crates/parity-driver/Cargo.toml`: the request-parity driver depends on every generated
//! service crate, so its manifest is generated from the specs like the dispatch it compiles
//! (a new service needs no hand edit).

use std::collections::BTreeMap;

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
    let deps: String = crates
        .iter()
        .map(|(name, dir)| format!("{name} = {{ path = \"../{dir}\" }}\n"))
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

[dependencies]
huaweicloud-sdk-core.workspace = true
{deps}serde.workspace = true
serde_json.workspace = true
tokio.workspace = true
"#,
        specs = specs.join(", ")
    )
}
