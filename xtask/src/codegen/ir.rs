//! The intermediate representation between the OpenAPI document and the emitters.
//!
//! Everything is sorted (operations and models by Rust name, regions by id) except model
//! fields, which keep declaration order because that is the JSON wire order.

use serde_json::Value;

/// One service crate.
/// Which credentials a service's official client takes (core's `CredentialScope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// `BasicCredentials`: the project id in `X-Project-Id` (the default).
    Regional,
    /// `GlobalCredentials`: the domain id in `X-Domain-Id`, no project id.
    Global,
    /// Signed with the access key, neither id sent (`SMSApiCredentials`).
    Unscoped,
    /// Neither signed nor scoped (IAM Identity Center's OIDC, portal and SCIM APIs).
    Anonymous,
}

#[derive(Debug, Clone)]
pub struct Service {
    /// Upper-case service key, e.g. `DCS`.
    pub name: String,
    /// Crate name, e.g. `huaweicloud-sdk-dcs`.
    pub crate_name: String,
    /// Human-readable name, e.g. `Distributed Cache Service`.
    pub title: String,
    /// `x-huaweicloud-service.credentials`: which credentials the official client takes.
    pub credentials: CredentialKind,
    /// `x-huaweicloud-service.errors: cce`: error bodies in CCE's layout (core's
    /// `ErrorFormat::Cce`).
    pub cce_errors: bool,
    /// `info.title`.
    pub api_title: String,
    /// `info.description`.
    pub description: String,
    /// Spec path relative to the workspace root, `/`-separated.
    pub spec_path: String,
    /// Hex sha256 of the spec file bytes.
    pub spec_sha256: String,
    /// Folder name under `specs/`, also the crate folder under `crates/`.
    pub dir: String,
    /// API version: the spec's file stem (`v2` for `specs/dcs/v2.yaml`).
    pub version: String,
    /// `Some(version)` when the crate has several versions: this one lives in the module
    /// `<crate>::<version>` (`huaweicloud_sdk_vpc::v3`); `None` for a single-version crate,
    /// whose API is at the crate root.
    pub module: Option<String>,
    pub regions: Vec<Region>,
    pub operations: Vec<Operation>,
    pub models: Vec<Model>,
}

impl Service {
    /// Whether `name` is one of the service's open string enums (not a struct).
    pub fn is_enum(&self, name: &str) -> bool {
        self.models
            .iter()
            .any(|m| m.name == name && matches!(m.kind, ModelKind::Enum(_)))
    }

    /// The crate's library name (`huaweicloud_sdk_dcs`).
    pub fn lib_name(&self) -> String {
        self.crate_name.replace('-', "_")
    }

    /// Path of this version's API from outside the crate: `huaweicloud_sdk_dcs`, or
    /// `huaweicloud_sdk_vpc::v3` in a multi-version crate.
    pub fn rust_path(&self) -> String {
        match &self.module {
            Some(m) => format!("{}::{m}", self.lib_name()),
            None => self.lib_name(),
        }
    }

    /// The same path from inside the crate, for intra-doc links: `crate` or `crate::v3`.
    pub fn crate_path(&self) -> String {
        match &self.module {
            Some(m) => format!("crate::{m}"),
            None => "crate".to_owned(),
        }
    }

    /// Models whose values can lack a required field: a struct with a required field (not
    /// one filled from a response header), or with a field whose type names such a model.
    /// These implement core's `RequiredFields`, and `send()` checks a body of their type.
    pub fn models_with_required_fields(&self) -> std::collections::BTreeSet<&str> {
        let mut found = std::collections::BTreeSet::new();
        // A fixpoint: each pass adds the models that name one found before.
        loop {
            let before = found.len();
            for m in &self.models {
                let ModelKind::Struct(fields) = &m.kind else {
                    continue;
                };
                if !found.contains(m.name.as_str())
                    && fields.iter().any(|f| f.checked_before_sending(&found))
                {
                    found.insert(m.name.as_str());
                }
            }
            if found.len() == before {
                return found;
            }
        }
    }

    /// Models a request can carry: the request bodies' models and every model their fields
    /// name, at any depth.
    pub fn request_models(&self) -> std::collections::BTreeSet<&str> {
        self.reachable(
            self.operations
                .iter()
                .filter_map(|op| op.body.as_ref()?.ty.model())
                .collect(),
        )
    }

    /// Models a success response can carry, at any depth.
    pub fn response_models(&self) -> std::collections::BTreeSet<&str> {
        self.reachable(
            self.operations
                .iter()
                .filter_map(|op| match &op.response {
                    ResponseKind::Json(t) => t.model(),
                    ResponseKind::Headers(m) => Some(m.as_str()),
                    ResponseKind::JsonWithHeaders { model, .. }
                    | ResponseKind::TextWithHeaders { model } => Some(model.as_str()),
                    _ => None,
                })
                .collect(),
        )
    }

    /// `todo` and every model their fields name, at any depth.
    fn reachable<'a>(&'a self, mut todo: Vec<&'a str>) -> std::collections::BTreeSet<&'a str> {
        let by_name: std::collections::BTreeMap<&str, &Model> =
            self.models.iter().map(|m| (m.name.as_str(), m)).collect();
        let mut found = std::collections::BTreeSet::new();
        while let Some(name) = todo.pop() {
            if !found.insert(name) {
                continue;
            }
            if let Some(Model {
                kind: ModelKind::Struct(fields),
                ..
            }) = by_name.get(name)
            {
                todo.extend(fields.iter().filter_map(|f| f.ty.model()));
            }
        }
        found
    }

    /// Prefix of operation ids in the parity driver: `dcs`, or `vpc.v3`.
    pub fn parity_key(&self) -> String {
        match &self.module {
            Some(m) => format!("{}.{m}", self.dir),
            None => self.dir.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Region {
    pub id: String,
    pub endpoints: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
    Patch,
    Head,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Head => "HEAD",
        }
    }
    pub fn variant(self) -> &'static str {
        match self {
            Method::Get => "Get",
            Method::Post => "Post",
            Method::Put => "Put",
            Method::Delete => "Delete",
            Method::Patch => "Patch",
            Method::Head => "Head",
        }
    }
    pub fn default_idempotent(self) -> bool {
        matches!(
            self,
            Method::Get | Method::Head | Method::Put | Method::Delete
        )
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// Official operation id, e.g. `ResetAclAccountPassWord`.
    pub op_id: String,
    /// Client method name, e.g. `reset_acl_account_pass_word`.
    pub rust_name: String,
    /// Builder type name, e.g. `ResetAclAccountPassWord`.
    pub type_name: String,
    /// Name of the `static OperationSpec`.
    pub static_name: String,
    /// Extra client method names (`x-rust-aliases`).
    pub aliases: Vec<String>,
    /// Search words for rustdoc only (`x-rust-doc-aliases`): `#[doc(alias)]`, no method.
    pub doc_aliases: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub method: Method,
    /// The path template sent (the spec's path key without a `#...` fragment).
    pub path: String,
    pub path_params: Vec<Param>,
    pub query_params: Vec<Param>,
    pub header_params: Vec<Param>,
    pub body: Option<Body>,
    pub response: ResponseKind,
    /// Success status code and its description.
    pub success: (String, String),
    /// Documented error statuses: code, description, error model.
    pub errors: Vec<ErrorStatus>,
    /// `Content-Type` sent with every request.
    pub content_type: Option<String>,
    pub idempotent: bool,
    /// `x-huaweicloud-pagination`: how to step through pages.
    pub pagination: Option<Pagination>,
    /// `x-huaweicloud-waiters`: waits that poll this operation.
    pub waiters: Vec<Waiter>,
    /// Output fields filled from success-response headers (`responses.<2xx>.headers`).
    pub response_headers: Vec<ResponseHeader>,
    /// Wire names of secret header parameters and of secret properties reachable from the
    /// request body (core's `OperationSpec::secrets`).
    pub secrets: Vec<String>,
}

/// A success-response header copied into an output field.
#[derive(Debug, Clone)]
pub struct ResponseHeader {
    /// Header name as declared (`X-Subject-Token`).
    pub name: String,
    /// The output field (and model builder setter) it fills.
    pub rust_name: String,
    /// `String`, or a scalar parsed from the header text.
    pub ty: TypeRef,
}

/// A wait declared on the polled operation (`x-huaweicloud-waiters`).
#[derive(Debug, Clone)]
pub struct Waiter {
    /// The spec's `name`, e.g. `instance_running`.
    pub name: String,
    /// `wait_until_<name>`: the builder method and the client shortcut.
    pub method: String,
    /// Name of the `static WaiterSpec`.
    pub static_name: String,
    pub description: String,
    /// Fields from the response model down to the state.
    pub state: Vec<FieldStep>,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    pub timeout_secs: u64,
    pub delay: WaiterDelay,
    /// Statuses counted as pending.
    pub tolerate: Vec<u16>,
    /// Statuses that end the wait successfully (the resource is gone).
    pub gone: Vec<u16>,
}

/// Seconds between polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiterDelay {
    Fixed(u64),
    Range { min: u64, max: u64 },
}

/// A paged list operation (`x-huaweicloud-pagination`).
#[derive(Debug, Clone)]
pub struct Pagination {
    pub style: PageStyle,
    /// The query parameter carrying the offset, page number or marker.
    pub position: Param,
    /// The query parameter carrying the page size, if any.
    pub limit: Option<Param>,
    /// Fields from the response model down to the item array.
    pub items: Vec<FieldStep>,
    /// The item model (Rust name).
    pub item_model: String,
    /// Fields down to the reported total, if any.
    pub total: Option<(Vec<FieldStep>, TypeRef)>,
    /// Fields down to the next marker (marker style).
    pub next_marker: Option<Vec<FieldStep>>,
    /// Marker style without a next-marker field: the next page starts after the last item,
    /// whose field of this name is the marker (Neutron-style `marker` = last id).
    pub item_marker: Option<FieldStep>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// `offset` counts items.
    ItemOffset,
    /// A page number; `first` is the first page's number.
    PageNumber {
        first: i64,
    },
    Marker,
}

/// One field on the way from a response model to a nested value (model fields are all
/// `Option`).
#[derive(Debug, Clone)]
pub struct FieldStep {
    pub wire_name: String,
    pub rust_name: String,
}

impl Operation {
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        self.path_params
            .iter()
            .chain(&self.query_params)
            .chain(&self.header_params)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

impl ParamLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    /// Name on the wire.
    pub name: String,
    /// Setter and builder field name (clash rule applied).
    pub rust_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    pub example: Option<Value>,
    /// Human-readable constraints (`one of 1, 2`), shown in the docs.
    pub constraints: Vec<String>,
    /// A list query parameter sent as one comma-separated pair (`style: form, explode: false`).
    pub csv: bool,
    /// `format: password`: the value is secret.
    pub secret: bool,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON in the official SDK's byte layout.
    Json,
    /// `application/x-www-form-urlencoded` from a form model.
    FormUrlencoded,
    /// `multipart/form-data` from a form model (files allowed).
    Multipart,
}

#[derive(Debug, Clone)]
pub struct Body {
    /// Type of the body: usually a model, also a list or map of models (JSON only).
    pub ty: TypeRef,
    pub encoding: BodyEncoding,
    pub required: bool,
    pub description: Option<String>,
    pub example: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseKind {
    /// No body (`send_empty`).
    None,
    /// JSON body decoded into a model, list or map (`send_json`).
    Json(TypeRef),
    /// No body; the output is a model filled from response headers (`send_empty`, then
    /// `map_output`).
    Headers(String),
    /// A JSON body that is not an object (a list, map or free-form value) next to response
    /// headers: the output `model` holds the decoded body in its `body` field and the header
    /// values in the others (`send_json`, then `map_output`).
    JsonWithHeaders { model: String, body: TypeRef },
    /// A text body next to response headers: the output `model` holds the text (UTF-8,
    /// invalid bytes replaced) in its `body` field and the header values in the others
    /// (`send_bytes`, then `map_output`).
    TextWithHeaders { model: String },
    /// Binary download (`send_stream`).
    Stream,
    /// A binary download next to response headers: the output is core's `Streamed`, the
    /// header values in `model` beside the body stream (`send_stream`, then `map_output`).
    StreamWithHeaders { model: String },
    /// Small non-JSON body kept as bytes (`send_bytes`).
    Bytes,
}

#[derive(Debug, Clone)]
pub struct ErrorStatus {
    pub status: String,
    pub description: String,
    pub model: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Model {
    /// Rust type name.
    pub name: String,
    pub description: Option<String>,
    pub kind: ModelKind,
    /// Sent as a form body: implements core's `FormFields`.
    pub form: bool,
}

impl Model {
    /// A struct with a file field: a multipart body only, so no serde derives.
    pub fn has_file(&self) -> bool {
        matches!(&self.kind, ModelKind::Struct(fields) if fields.iter().any(|f| f.ty.contains_file()))
    }
}

#[derive(Debug, Clone)]
pub enum ModelKind {
    Struct(Vec<Field>),
    /// Open string enum.
    Enum(Vec<Variant>),
}

#[derive(Debug, Clone)]
pub struct Field {
    /// JSON name.
    pub wire_name: String,
    /// Rust field name (unescaped; emit with `naming::ident`).
    pub rust_name: String,
    /// Builder setter name.
    pub setter: String,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    pub example: Option<Value>,
    pub secret: bool,
    /// Human-readable constraints (`length 8 to 64`).
    pub constraints: Vec<String>,
    /// Filled from this success-response header, not from the JSON body (`#[serde(skip)]`).
    pub header: Option<String>,
    /// Held as `Option<Box<T>>`: the field closes a cycle of models that contain each other
    /// directly (not through a list or map), which would otherwise have infinite size.
    pub boxed: bool,
}

impl Field {
    /// Whether `RequiredFields` looks at this field: it is required, or its type names a
    /// model in `checked` (one that can lack a required field). Response-header fields are
    /// never sent.
    pub fn checked_before_sending(&self, checked: &std::collections::BTreeSet<&str>) -> bool {
        self.header.is_none()
            && (self.required || self.ty.model().is_some_and(|m| checked.contains(m)))
    }
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub value: String,
    pub rust_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    String,
    Bool,
    I32,
    I64,
    F64,
    Vec(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// A model (struct or enum) by Rust name.
    Named(String),
    /// Free-form JSON.
    Value,
    /// A file part of a multipart body (`format: binary`; core's `FormFile`).
    File,
}

impl TypeRef {
    /// Whether the type is or contains a file.
    pub fn contains_file(&self) -> bool {
        match self {
            TypeRef::File => true,
            TypeRef::Vec(i) | TypeRef::Map(i) => i.contains_file(),
            _ => false,
        }
    }

    /// The model this type names, directly or as list items or map values.
    pub fn model(&self) -> Option<&str> {
        match self {
            TypeRef::Named(n) => Some(n),
            TypeRef::Vec(i) | TypeRef::Map(i) => i.model(),
            _ => None,
        }
    }

    /// `String`, `bool` or a number: what a path or header parameter can be.
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64
        )
    }
}
