//! The introspection document written by `xtask/import/introspect.py` (see
//! `xtask/import/README.md`), and the Go SDK facts of `specs/facts/<service>.json`. Only the
//! keys the importer uses are read.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `format_version` this importer understands.
pub const FORMAT_VERSION: u32 = 3;

#[derive(Debug, Deserialize)]
pub struct Dump {
    pub format_version: u32,
    pub services: BTreeMap<String, ServiceDump>,
}

#[derive(Debug, Deserialize)]
pub struct ServiceDump {
    /// The service folder under `specs/` (`vpc`).
    pub service: String,
    /// The API version, the spec's file stem (`v3`).
    pub version: String,
    /// e.g. `huaweicloudsdkkafka.v2`.
    pub module: String,
    /// `global` when the client class takes only `GlobalCredentials` (AAD, BSS, CDN, ...);
    /// `unscoped` or `anonymous` for the credential classes of their own that sign without
    /// an id or not at all; `regional` or absent (older documents): `BasicCredentials`; any
    /// other value names credential classes that have no equivalent.
    #[serde(default)]
    pub credentials: Option<String>,
    /// The class name of the official client's own exception handler, when it has one
    /// (`CceExceptionHandler`).
    #[serde(default)]
    pub exception_handler: Option<String>,
    pub regions: Vec<RegionDump>,
    pub operations: Vec<OpDump>,
    pub models: BTreeMap<String, ModelDump>,
}

#[derive(Debug, Deserialize)]
pub struct RegionDump {
    pub id: String,
    pub endpoints: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct OpDump {
    pub python_name: String,
    pub method: String,
    pub resource_path: String,
    pub request_type: String,
    pub response_type: String,
    pub content_type: Option<String>,
    pub request_is_stream: bool,
    pub response_is_stream: bool,
    pub path_params: Vec<ParamDump>,
    pub query_params: Vec<ParamDump>,
    pub header_params: Vec<ParamDump>,
    pub post_params: Vec<ParamDump>,
    pub body: Option<ParamDump>,
    /// Response header names whose values fill fields of the response model.
    #[serde(default)]
    pub response_headers: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct ParamDump {
    pub wire_name: String,
    pub type_info: TypeInfo,
    /// In the request class's `sensitive_list`.
    #[serde(default)]
    pub sensitive: bool,
    /// `csv`, `multi`, ... when `collection_formats` names the parameter.
    #[serde(default)]
    pub collection_format: Option<String>,
    /// The SDK's docstring of a paging query parameter (facts only: it is often Chinese and
    /// is never copied into a spec).
    #[serde(default)]
    pub doc: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TypeInfo {
    Primitive {
        name: String,
    },
    List {
        items: Box<TypeInfo>,
    },
    Map {
        key: Box<TypeInfo>,
        values: Box<TypeInfo>,
    },
    Model {
        name: String,
    },
}

#[derive(Debug, Deserialize)]
pub struct ModelDump {
    /// `model`, `response` or `stream_response`.
    pub kind: String,
    pub fields: Vec<FieldDump>,
    pub body_attribute: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct FieldDump {
    pub python_name: String,
    pub wire_name: String,
    pub type_info: TypeInfo,
    pub response_header: bool,
    /// In the model's `sensitive_list`.
    #[serde(default)]
    pub sensitive: bool,
}

/// `specs/facts/<service>.json`.
#[derive(Debug, Default, Deserialize)]
pub struct Facts {
    pub models: BTreeMap<String, FactModel>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FactModel {
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub enums: BTreeMap<String, EnumFact>,
}

#[derive(Debug, Deserialize)]
pub struct EnumFact {
    #[serde(rename = "type")]
    pub ty: String,
    pub values: Vec<serde_json::Value>,
    #[serde(default)]
    pub array: bool,
}
