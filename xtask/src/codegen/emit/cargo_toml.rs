//! `Cargo.toml` of a service crate (plain text).

use crate::codegen::ir::Service;

/// Dependencies are the same for every crate: `Bytes` (`send_bytes`) comes from core.
pub fn emit(s: &Service) -> String {
    let deps = "huaweicloud-sdk-core = { path = \"../core\", version = \"=0.1.0\" }\n\
                serde = { version = \"1\", features = [\"derive\"] }\n\
                serde_json = \"1\"\n";
    let description = format!("Huawei Cloud SDK for Rust: {} (generated).", s.title);
    format!(
        r#"# {header}
[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
rust-version = "1.85"
license = "Apache-2.0"
description = {description:?}
repository = "https://github.com/example/huaweicloud-sdk-rust"
keywords = ["huaweicloud", "sdk", "cloud", {dir:?}]
categories = ["api-bindings"]

[package.metadata.docs.rs]
all-features = true

[package.metadata.codegen]
spec = {spec:?}
spec-sha256 = "{sha}"
generator = "xtask {version}"

[dependencies]
{deps}
[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt"] }}
"#,
        header = super::header(s),
        name = s.crate_name,
        dir = s.dir,
        spec = s.spec_path,
        sha = s.spec_sha256,
        version = env!("CARGO_PKG_VERSION"),
    )
}
