//! Raw requests: any API path of a service, signed and sent like a generated operation.

use bytes::Bytes;

use super::Client;
use crate::codegen::{OperationInput, OperationSpec};
use crate::error::{Error, Result};
use crate::method::Method;
use crate::options::RequestOptions;
use crate::response::Response;

/// A request to an arbitrary API path, signed and sent like a generated operation.
#[derive(Debug)]
#[must_use]
pub struct RawRequest {
    client: Client,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Bytes,
    content_type: Option<String>,
    idempotent: Option<bool>,
    options: RequestOptions,
}

impl RawRequest {
    pub(super) fn new(client: Client, method: Method, path: String) -> Self {
        Self {
            client,
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Bytes::new(),
            content_type: Some("application/json".into()),
            idempotent: None,
            options: RequestOptions::default(),
        }
    }
    /// Adds a query pair.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }
    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Sets the body bytes and their content type.
    pub fn body(mut self, content_type: impl Into<String>, body: impl Into<Bytes>) -> Self {
        self.content_type = Some(content_type.into());
        self.body = body.into();
        self
    }
    /// Serializes a JSON body (Python SDK byte layout).
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        self.body = crate::json::to_python_json(body).map_err(|e| {
            Error::invalid_request(format!("raw request body cannot be serialized: {e}"))
        })?;
        self.content_type = Some("application/json".into());
        Ok(self)
    }
    /// Overrides idempotency (default from the method).
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = Some(yes);
        self
    }
    /// Per-call options.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }
    /// Sends and returns the raw body.
    pub async fn send(self) -> Result<Response<Bytes>> {
        let idempotent = self.idempotent.unwrap_or(self.method.is_idempotent());
        let mut input = OperationInput::new(raw_spec(self.method, idempotent));
        // Path and content type are the caller's: carried beside the static operation facts.
        input.raw = Some(crate::codegen::RawParts {
            path: self.path,
            content_type: self.content_type,
        });
        input.query = self.query;
        input.headers = self.headers;
        input.body = self.body;
        input.options = self.options;
        self.client.send_bytes(input).await
    }
}

/// Static operation facts for raw requests, one per method and idempotency.
fn raw_spec(method: Method, idempotent: bool) -> &'static OperationSpec {
    macro_rules! spec {
        ($m:expr, $i:expr) => {{
            static SPEC: OperationSpec = OperationSpec {
                service: "raw",
                name: "RawRequest",
                method: $m,
                path: "",
                content_type: None,
                idempotent: $i,
                secrets: &[],
            };
            &SPEC
        }};
    }
    match (method, idempotent) {
        (Method::Get, true) => spec!(Method::Get, true),
        (Method::Get, false) => spec!(Method::Get, false),
        (Method::Post, true) => spec!(Method::Post, true),
        (Method::Post, false) => spec!(Method::Post, false),
        (Method::Put, true) => spec!(Method::Put, true),
        (Method::Put, false) => spec!(Method::Put, false),
        (Method::Delete, true) => spec!(Method::Delete, true),
        (Method::Delete, false) => spec!(Method::Delete, false),
        (Method::Patch, true) => spec!(Method::Patch, true),
        (Method::Patch, false) => spec!(Method::Patch, false),
        (Method::Head, true) => spec!(Method::Head, true),
        (Method::Head, false) => spec!(Method::Head, false),
    }
}
