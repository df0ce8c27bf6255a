//! `Cargo.toml` of a service crate (plain text).

use crate::codegen::ir::Service;

/// The feature that gives every model both `Serialize` and `Deserialize`; without it a model
/// only a response carries has only `Deserialize`, one only a request carries only
/// `Serialize` (compile cost, issue 15).
pub const FULL_SERDE: &str = "full-serde";

/// Dependencies are the same for every crate: `Bytes` (`send_bytes`) comes from core. A crate
/// of several API versions has one feature per version, all on by default.
pub fn emit(versions: &[Service]) -> String {
    let Some(s) = versions.first() else {
        return String::new();
    };
    let deps = "huaweicloud-sdk-core = { path = \"../core\", version = \"=0.1.0\" }\n\
                serde = { version = \"1\", features = [\"derive\"] }\n\
                serde_json = \"1\"\n";
    let description = format!("Huawei Cloud SDK for Rust: {} (generated).", s.title);
    let full_serde = format!(
        "# Both serde traits on every model (by default a response-only model has only\n\
         # `Deserialize`, a request-only one only `Serialize`); used by the parity driver.\n\
         {FULL_SERDE} = []\n"
    );
    let (header, provenance, features) = if versions.len() == 1 {
        (
            super::header(s),
            format!(
                "spec = {:?}\nspec-sha256 = \"{}\"\n",
                s.spec_path, s.spec_sha256
            ),
            format!("\n[features]\n{full_serde}"),
        )
    } else {
        let specs: Vec<String> = versions
            .iter()
            .map(|v| format!("{:?}", v.spec_path))
            .collect();
        let shas: Vec<String> = versions
            .iter()
            .map(|v| format!("\"{}\"", v.spec_sha256))
            .collect();
        let names: Vec<String> = versions
            .iter()
            .map(|v| format!("{:?}", v.version))
            .collect();
        let mut features = format!("\n[features]\ndefault = [{}]\n", names.join(", "));
        for v in versions {
            features.push_str(&format!("{} = []\n", v.version));
        }
        features.push_str(&full_serde);
        (
            super::header_of(versions),
            format!(
                "spec = [{}]\nspec-sha256 = [{}]\n",
                specs.join(", "),
                shas.join(", ")
            ),
            features,
        )
    };
    format!(
        r#"# {header}
[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
rust-version = "1.85"
license = "Apache-2.0"
description = {description:?}
repository = "https://github.com/huaweicloud-sdk-rust/huaweicloud-sdk-rust"
keywords = ["huaweicloud", "sdk", "cloud", {dir:?}]
categories = ["api-bindings"]

[package.metadata.docs.rs]
all-features = true

[package.metadata.codegen]
{provenance}generator = "xtask {version}"
{features}
[dependencies]
{deps}
[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt"] }}
"#,
        name = s.crate_name,
        dir = s.dir,
        version = env!("CARGO_PKG_VERSION"),
    )
}
