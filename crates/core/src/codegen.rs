//! The contract between core and the generated service crates.
//!
//! Generated code uses only the items of this module (re-exported as
//! `huaweicloud_sdk_core::__codegen`) plus the public client, error and response types. Per
//! operation it emits a `static` [`OperationSpec`] and a builder that fills an
//! [`OperationInput`] and calls one of the non-generic `Client::send_*` paths, so the per
//! operation code stays a few lines and compiles fast. Changing anything here is a breaking
//! change for generated crates; they pin this crate's exact version.

use bytes::Bytes;
use serde::Serialize;

use crate::client::RequestOptions;
use crate::error::{Error, Result};

/// A service: its env/regions-file key and its static region table.
#[derive(Debug)]
pub struct ServiceSpec {
    /// Upper-case key: `HUAWEICLOUD_SDK_REGION_{name}_{REGION}` and the regions.yaml key.
    pub name: &'static str,
    /// Region id → endpoints, sorted by id.
    pub regions: &'static [RegionSpec],
}

/// One row of a service's static region table.
#[derive(Debug)]
pub struct RegionSpec {
    pub id: &'static str,
    pub endpoints: &'static [&'static str],
}

/// HTTP methods used by Huawei Cloud APIs.
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
    /// The method as sent.
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

    /// Default idempotency: GET, HEAD, PUT and DELETE are idempotent; POST and PATCH are not.
    pub fn is_idempotent(self) -> bool {
        matches!(
            self,
            Method::Get | Method::Head | Method::Put | Method::Delete
        )
    }

    pub(crate) fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Delete => http::Method::DELETE,
            Method::Patch => http::Method::PATCH,
            Method::Head => http::Method::HEAD,
        }
    }
}

/// Static facts of one operation, emitted once per operation by the generator.
#[derive(Debug)]
pub struct OperationSpec {
    /// The service's display key, e.g. `"DCS"` (used in traces and errors).
    pub service: &'static str,
    /// The official operation id, e.g. `"ResetAclAccountPassWord"`.
    pub name: &'static str,
    pub method: Method,
    /// Path template, e.g. `/v2/{project_id}/instances/{instance_id}`.
    pub path: &'static str,
    /// `Content-Type` sent with every request of this operation, if any.
    pub content_type: Option<&'static str>,
    /// Whether a repeat after the request may have reached the server is safe.
    pub idempotent: bool,
}

/// One request being built by a generated builder.
#[derive(Debug)]
pub struct OperationInput {
    pub(crate) op: &'static OperationSpec,
    pub(crate) path_params: Vec<(&'static str, Option<String>)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
    pub(crate) options: RequestOptions,
}

impl OperationInput {
    /// Starts a request for `op`.
    pub fn new(op: &'static OperationSpec) -> Self {
        Self {
            op,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Bytes::new(),
            options: RequestOptions::default(),
        }
    }

    /// Binds path parameter `name`; `None` is reported as missing when the request is prepared.
    pub fn path(&mut self, name: &'static str, value: Option<&str>) -> &mut Self {
        self.path_params.push((name, value.map(str::to_owned)));
        self
    }

    /// Adds query parameter `name` (nothing for `None`, one pair per element for a list).
    pub fn query<V: QueryValue + ?Sized>(&mut self, name: &'static str, value: &V) -> &mut Self {
        value.push_pairs(name, &mut self.query);
        self
    }

    /// Adds a header parameter when present.
    pub fn header(&mut self, name: &'static str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.headers.push((name.to_owned(), v.to_owned()));
        }
        self
    }

    /// Serializes `body` as the JSON request body, in the official SDKs' byte layout.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<&mut Self> {
        self.body = crate::json::to_python_json(body).map_err(|e| {
            Error::invalid_request(format!(
                "{} {}: request body cannot be serialized: {e}",
                self.op.service, self.op.name
            ))
        })?;
        Ok(self)
    }

    /// Uses raw bytes as the body (binary uploads).
    pub fn raw_body(&mut self, body: Bytes) -> &mut Self {
        self.body = body;
        self
    }

    /// Per-call options chosen by the caller.
    pub fn options(&mut self, options: RequestOptions) -> &mut Self {
        self.options = options;
        self
    }
}

/// A value that can be a query parameter.
pub trait QueryValue {
    /// Appends `(name, value)` pairs.
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>);
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
                out.push((name.to_owned(), self.to_string()));
            }
        }
    )*};
}
display_query_value!(str, String, bool, i32, i64, u32, u64, f32, f64);

impl<T: QueryValue> QueryValue for Option<T> {
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        if let Some(v) = self {
            v.push_pairs(name, out);
        }
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        for v in self {
            v.push_pairs(name, out);
        }
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        (**self).push_pairs(name, out);
    }
}

/// Implemented by generated service clients so [`crate::ClientBuilder`] can build them.
pub trait ServiceClient: Sized {
    /// The service this client talks to.
    const SERVICE: &'static ServiceSpec;
    /// Wraps a configured core client.
    fn from_core(client: crate::Client) -> Self;
}

/// Implements `Debug` for a model, printing `** redacted **` for the listed fields.
/// Generated models use it for fields marked `format: password`.
pub fn debug_redacted(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    fields: &[(&str, &dyn std::fmt::Debug, bool)],
) -> std::fmt::Result {
    let mut d = f.debug_struct(name);
    for (field, value, secret) in fields {
        if *secret {
            d.field(field, &Redacted);
        } else {
            d.field(field, value);
        }
    }
    d.finish()
}

struct Redacted;
impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::error::REDACTED)
    }
}
