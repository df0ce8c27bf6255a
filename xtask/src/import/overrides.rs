//! Hand-written parts of a spec: `specs/<service>/overrides.yaml` (format in specs/README.md,
//! "Import") and `specs/<service>/summaries.yaml` (python name -> summary).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};

/// `specs/<service>/overrides.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    pub info: Info,
    #[serde(rename = "x-huaweicloud-service")]
    pub service: ServiceMeta,
    /// Copied verbatim.
    pub servers: Value,
    /// Copied verbatim (document-level tag list).
    #[serde(default)]
    pub tags: Option<Value>,
    /// Keyed by python method name.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationOverride>,
    /// Keyed by model (schema) name; the model must exist in the SDK.
    #[serde(default)]
    pub schemas: BTreeMap<String, SchemaOverride>,
    /// Schemas the SDK does not have (error bodies), copied verbatim into
    /// `components.schemas`.
    #[serde(default)]
    pub extra_schemas: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Info {
    pub title: String,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceMeta {
    pub name: String,
    #[serde(rename = "crate")]
    pub krate: String,
    pub title: String,
    /// `reviewed` once every property and parameter has a reviewed description: spec lint
    /// then treats a missing or placeholder description as an error.
    #[serde(default)]
    pub docs: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationOverride {
    pub summary: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "x-huaweicloud-idempotent")]
    pub idempotent: Option<bool>,
    #[serde(rename = "x-rust-aliases")]
    pub aliases: Option<Vec<String>>,
    /// Search words for rustdoc (`#[doc(alias)]` only), copied to the spec.
    #[serde(rename = "x-rust-doc-aliases")]
    pub doc_aliases: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    /// `false` removes the automatic mark; a mapping sets it (format: specs/README.md).
    #[serde(rename = "x-huaweicloud-pagination")]
    pub pagination: Option<Value>,
    /// Waits that poll this operation, copied to the spec (format: specs/README.md); checked
    /// by the generator and `cargo xtask spec lint`.
    #[serde(rename = "x-huaweicloud-waiters")]
    pub waiters: Option<Value>,
    /// Keyed by wire name.
    #[serde(default)]
    pub parameters: BTreeMap<String, ParamOverride>,
    #[serde(rename = "requestBody")]
    pub request_body: Option<BodyOverride>,
    /// Keyed by status code. The success code refines the imported response; other codes
    /// (4xx/5xx) add documented error responses.
    #[serde(default)]
    pub responses: BTreeMap<String, ResponseOverride>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamOverride {
    pub description: Option<String>,
    pub example: Option<Value>,
    /// A reviewed decision that a secret-looking parameter holds no secret.
    #[serde(rename = "x-huaweicloud-not-secret")]
    pub not_secret: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyOverride {
    pub required: Option<bool>,
    pub description: Option<String>,
    pub example: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseOverride {
    pub description: Option<String>,
    /// Error responses only: schema name of the `application/json` body.
    pub schema: Option<String>,
    pub example: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaOverride {
    pub description: Option<String>,
    /// Wire names that are required in addition to the facts' `required` list (the Go SDK
    /// leaves some mandatory fields optional).
    #[serde(default)]
    pub required: Vec<String>,
    /// Keyed by wire name; each value is merged into the property schema (allowed keys:
    /// [`PROPERTY_KEYS`]).
    #[serde(default)]
    pub properties: BTreeMap<String, Mapping>,
}

/// Keys a property override may set or replace.
pub const PROPERTY_KEYS: &[&str] = &[
    "description",
    "example",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "nullable",
    "x-rust-name",
    "x-huaweicloud-not-secret",
];

pub fn parse_overrides(text: &str) -> Result<Overrides, String> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        format!("{path}: {}", e.into_inner())
    })
}

pub fn parse_summaries(text: &str) -> Result<BTreeMap<String, String>, String> {
    serde_yaml_ng::from_str(text).map_err(|e| e.to_string())
}
