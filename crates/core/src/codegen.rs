//! The contract between core and the generated service crates.
//!
//! Generated code uses only the items of this module (re-exported as
//! `huaweicloud_sdk_core::__codegen`) plus the public client, error and response types. Per
//! operation it emits a `static` [`OperationSpec`] and a builder that fills an
//! [`OperationInput`] and calls one of the non-generic `Client::send_*` paths, so the per
//! operation code stays a few lines and compiles fast. Changing anything here is a breaking
//! change for generated crates; they pin this crate's exact version.
//!
//! Required inputs are checked by `send()`, not by the builders: a generated `send()` records
//! every missing value in the [`OperationInput`] ([`OperationInput::path`],
//! [`required_query`](OperationInput::required_query),
//! [`required_header`](OperationInput::required_header),
//! [`required_json_body`](OperationInput::required_json_body), and the body's own required
//! fields through [`validate_body`](OperationInput::validate_body) and [`RequiredFields`]),
//! and the client fails the call with one `InvalidRequest` error naming all of them
//! ([`Error::missing_fields`]: `path.instance_id`, `query.limit`, `body.storage_spec_code`)
//! before it asks for credentials or sends anything.

use bytes::Bytes;
use serde::Serialize;

pub use crate::body::{FormFields, FormParts, FormValue};
use crate::error::{Error, Result};
use crate::method::Method;
use crate::options::RequestOptions;
use crate::response::Response;

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
    /// Wire names of the request's secret values (marked `format: password` in the spec:
    /// header and query parameters, and properties of the JSON body at any depth): their
    /// values are scrubbed from errors and logs and never shown.
    pub secrets: &'static [&'static str],
}

/// One request being built by a generated builder. `Debug` shows names and sizes, never
/// values: bodies and headers may hold passwords and tokens.
pub struct OperationInput {
    pub(crate) op: &'static OperationSpec,
    pub(crate) path_params: Vec<(&'static str, Option<String>)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
    pub(crate) options: RequestOptions,
    /// Path template and content type decided at run time: raw requests
    /// (`Client::raw_request`), and multipart bodies, whose content type carries the boundary.
    pub(crate) raw: Option<RawParts>,
    /// Where each missing required value goes (`path.instance_id`, `body.name`), in the
    /// order recorded; reported all at once before anything is sent.
    missing: Vec<String>,
}

/// What a raw request (or a multipart body) decides at run time.
#[derive(Debug)]
pub(crate) struct RawParts {
    pub(crate) path: String,
    pub(crate) content_type: Option<String>,
}

impl std::fmt::Debug for OperationInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names =
            |pairs: &[(String, String)]| pairs.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        f.debug_struct("OperationInput")
            .field("service", &self.op.service)
            .field("operation", &self.op.name)
            .field(
                "path_params",
                &self.path_params.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field("query", &names(&self.query))
            .field("headers", &names(&self.headers))
            .field("body_len", &self.body.len())
            .field("options", &self.options)
            .field("missing", &self.missing)
            .finish_non_exhaustive()
    }
}

impl OperationInput {
    /// The values of this request's secrets ([`OperationSpec::secrets`]): string values of
    /// those names anywhere in a JSON body, and header and query values of those names.
    pub(crate) fn secret_values(&self) -> Vec<String> {
        let names = self.op.secrets;
        if names.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (k, v) in self.headers.iter().chain(&self.query) {
            if names.iter().any(|n| n.eq_ignore_ascii_case(k)) {
                out.push(v.clone());
            }
        }
        if let Ok(body) = serde_json::from_slice::<serde_json::Value>(&self.body) {
            collect_named_strings(&body, names, &mut out);
        }
        out
    }

    /// Starts a request for `op`.
    pub fn new(op: &'static OperationSpec) -> Self {
        Self {
            op,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Bytes::new(),
            options: RequestOptions::default(),
            raw: None,
            missing: Vec::new(),
        }
    }

    /// Binds path parameter `name`; `None` or an empty value for a `{name}` of the path
    /// template is recorded as missing (`path.<name>`).
    pub fn path(&mut self, name: &'static str, value: Option<&str>) -> &mut Self {
        if value.is_none_or(str::is_empty) && self.op.path.contains(&format!("{{{name}}}")) {
            self.missing(format!("path.{name}"));
        }
        self.path_params.push((name, value.map(str::to_owned)));
        self
    }

    /// Records a missing required value by where it goes: `path.<name>`, `query.<name>`,
    /// `header.<name>`, `body`, or a body field `body.<field>` (`body.tags[0].key`). The call
    /// then fails before anything is sent, with one error naming every missing value.
    pub fn missing(&mut self, path: impl Into<String>) -> &mut Self {
        self.missing.push(path.into());
        self
    }

    /// Records the required fields that `body` lacks, at any depth, as `body.<path>`
    /// (nothing for `None`: a missing required body is recorded by
    /// [`required_json_body`](Self::required_json_body)).
    pub fn validate_body<T: RequiredFields + ?Sized>(&mut self, body: Option<&T>) -> &mut Self {
        if let Some(body) = body {
            let mut at = MissingFields {
                path: String::from("body"),
                missing: &mut self.missing,
            };
            body.missing_fields(&mut at);
        }
        self
    }

    /// The paths of the missing required values recorded so far.
    pub fn missing_values(&self) -> &[String] {
        &self.missing
    }

    /// Fails with one `InvalidRequest` error naming every missing required value, if any.
    pub(crate) fn ensure_complete(&self) -> Result<()> {
        if self.missing.is_empty() {
            return Ok(());
        }
        let items: Vec<String> = self.missing.iter().map(|p| describe_missing(p)).collect();
        Err(Error::invalid_request(format!(
            "{} {}: missing required {}",
            self.op.service,
            self.op.name,
            items.join(", ")
        ))
        .with_missing_fields(self.missing.clone())
        .for_operation(self.op.idempotent))
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

    /// Serializes a required body; `None` is recorded as missing (`body`). The `Result` is an
    /// error only when the body cannot be serialized.
    pub fn required_json_body<T: Serialize + ?Sized>(
        &mut self,
        body: Option<&T>,
    ) -> Result<&mut Self> {
        match body {
            Some(b) => self.json_body(b),
            None => Ok(self.missing("body")),
        }
    }

    /// Adds a required query parameter; `None` is recorded as missing (`query.<name>`).
    /// Never an error (the `Result` keeps generated code unchanged).
    pub fn required_query<V: QueryValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: Option<&V>,
    ) -> Result<&mut Self> {
        Ok(match value {
            Some(v) => self.query(name, v),
            None => self.missing(format!("query.{name}")),
        })
    }

    /// Adds a required header parameter; `None` is recorded as missing (`header.<name>`).
    /// Never an error (the `Result` keeps generated code unchanged).
    pub fn required_header(
        &mut self,
        name: &'static str,
        value: Option<&str>,
    ) -> Result<&mut Self> {
        Ok(match value {
            Some(v) => self.header(name, Some(v)),
            None => self.missing(format!("header.{name}")),
        })
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

    /// The body, or an `InvalidRequest` error naming the operation when the required body is
    /// missing.
    pub fn require_body<'b, T: ?Sized>(&self, body: Option<&'b T>) -> Result<&'b T> {
        body.ok_or_else(|| {
            Error::invalid_request(format!(
                "{} {}: missing required request body",
                self.op.service, self.op.name
            ))
        })
    }

    /// Encodes `body` as `application/x-www-form-urlencoded`, in the Python SDK's byte layout.
    pub fn form_urlencoded_body<T: FormFields + ?Sized>(&mut self, body: &T) -> Result<&mut Self> {
        match crate::body::urlencoded(&FormParts::of(body)) {
            Ok(bytes) => {
                self.body = bytes;
                Ok(self)
            }
            Err(files) => Err(Error::invalid_request(format!(
                "{} {}: file fields ({}) cannot be sent as application/x-www-form-urlencoded",
                self.op.service,
                self.op.name,
                files.join(", ")
            ))),
        }
    }

    /// Encodes `body` as `multipart/form-data` with a fresh boundary, in the Python SDK's byte
    /// layout; the `Content-Type` sent names the boundary.
    pub fn multipart_body<T: FormFields + ?Sized>(&mut self, body: &T) -> &mut Self {
        let boundary = crate::body::new_boundary();
        self.body = crate::body::multipart(&FormParts::of(body), &boundary);
        let base = self.op.content_type.unwrap_or("multipart/form-data");
        self.raw = Some(RawParts {
            path: self.op.path.to_owned(),
            content_type: Some(format!("{base}; boundary={boundary}")),
        });
        self
    }

    /// A `multipart/form-data` body without parts (an optional form body left out): the
    /// official SDKs still send the closing delimiter and name the boundary.
    pub fn empty_multipart_body(&mut self) -> &mut Self {
        struct NoFields;
        impl FormFields for NoFields {
            fn form_fields<'a>(&'a self, _form: &mut FormParts<'a>) {}
        }
        self.multipart_body(&NoFields)
    }

    /// A JSON body whose schema is a string: the string is the document, sent as it is (the
    /// official SDKs pass a string body through unquoted, so callers hand over JSON text).
    pub fn text_body(&mut self, body: &str) -> &mut Self {
        self.body = Bytes::copy_from_slice(body.as_bytes());
        self
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

/// How a missing value reads in an error: `path parameter `instance_id``, `field
/// `body.storage_spec_code``.
fn describe_missing(path: &str) -> String {
    let (place, name) = path.split_once('.').unwrap_or((path, ""));
    match (place, name) {
        ("body", "") => "request body".to_owned(),
        ("path", n) if !n.is_empty() => format!("path parameter `{n}`"),
        ("query", n) if !n.is_empty() => format!("query parameter `{n}`"),
        ("header", n) if !n.is_empty() => format!("header `{n}`"),
        _ => format!("field `{path}`"),
    }
}

/// A model that knows its required fields. Generated models implement it; a generated
/// `send()` checks its body with [`OperationInput::validate_body`].
///
/// ```
/// use huaweicloud_sdk_core::__codegen::{MissingFields, RequiredFields};
///
/// struct Tag { key: Option<String>, value: Option<String> }
/// struct CreateBody { name: Option<String>, tags: Option<Vec<Tag>> }
///
/// impl RequiredFields for Tag {
///     fn missing_fields(&self, at: &mut MissingFields<'_>) {
///         at.required("key", self.key.as_ref()).optional("value", self.value.as_ref());
///     }
/// }
/// impl RequiredFields for CreateBody {
///     fn missing_fields(&self, at: &mut MissingFields<'_>) {
///         at.required("name", self.name.as_ref()).optional("tags", self.tags.as_ref());
///     }
/// }
///
/// let body = CreateBody { name: None, tags: Some(vec![Tag { key: None, value: None }]) };
/// assert_eq!(MissingFields::of(&body, "body"), ["body.name", "body.tags[0].key"]);
/// ```
pub trait RequiredFields {
    /// Records in `at` every required field of `self` that is absent, and those of nested
    /// models. Scalars, enums and free-form values have none (the default).
    fn missing_fields(&self, at: &mut MissingFields<'_>) {
        let _ = at;
    }
}

/// Collects the paths of absent required fields while [`RequiredFields`] walks a model.
#[derive(Debug)]
pub struct MissingFields<'a> {
    /// The path of the value being walked (`body.tags[0]`).
    path: String,
    missing: &'a mut Vec<String>,
}

impl MissingFields<'_> {
    /// The missing required fields of `value`, as paths under `root`.
    pub fn of<T: RequiredFields + ?Sized>(value: &T, root: &str) -> Vec<String> {
        let mut missing = Vec::new();
        value.missing_fields(&mut MissingFields {
            path: root.to_owned(),
            missing: &mut missing,
        });
        missing
    }

    /// A required field: recorded when absent, checked inside when present.
    pub fn required<T: RequiredFields + ?Sized>(
        &mut self,
        name: &str,
        value: Option<&T>,
    ) -> &mut Self {
        self.at_field(name, |at| match value {
            Some(v) => v.missing_fields(at),
            None => at.missing.push(at.path.clone()),
        })
    }

    /// An optional field: checked inside when present.
    pub fn optional<T: RequiredFields + ?Sized>(
        &mut self,
        name: &str,
        value: Option<&T>,
    ) -> &mut Self {
        if let Some(v) = value {
            self.at_field(name, |at| v.missing_fields(at));
        }
        self
    }

    /// Runs `f` with the path extended by `segment`, then restores it.
    fn at_segment(&mut self, segment: std::fmt::Arguments<'_>, f: impl FnOnce(&mut Self)) {
        use std::fmt::Write;
        let len = self.path.len();
        let _ = self.path.write_fmt(segment);
        f(self);
        self.path.truncate(len);
    }

    fn at_field(&mut self, name: &str, f: impl FnOnce(&mut Self)) -> &mut Self {
        if self.path.is_empty() {
            self.at_segment(format_args!("{name}"), f);
        } else {
            self.at_segment(format_args!(".{name}"), f);
        }
        self
    }
}

macro_rules! no_required_fields {
    ($($t:ty),*) => {$( impl RequiredFields for $t {} )*};
}
no_required_fields!(
    str,
    String,
    bool,
    i32,
    i64,
    u32,
    u64,
    f32,
    f64,
    serde_json::Value,
    Bytes,
    crate::body::FormFile
);

impl<T: RequiredFields> RequiredFields for [T] {
    fn missing_fields(&self, at: &mut MissingFields<'_>) {
        for (i, item) in self.iter().enumerate() {
            at.at_segment(format_args!("[{i}]"), |at| item.missing_fields(at));
        }
    }
}

impl<T: RequiredFields> RequiredFields for Vec<T> {
    fn missing_fields(&self, at: &mut MissingFields<'_>) {
        self.as_slice().missing_fields(at);
    }
}

impl<T: RequiredFields> RequiredFields for std::collections::BTreeMap<String, T> {
    fn missing_fields(&self, at: &mut MissingFields<'_>) {
        for (key, item) in self {
            at.at_field(key, |at| item.missing_fields(at));
        }
    }
}

impl<T: RequiredFields + ?Sized> RequiredFields for Box<T> {
    fn missing_fields(&self, at: &mut MissingFields<'_>) {
        (**self).missing_fields(at);
    }
}

impl<T: RequiredFields + ?Sized> RequiredFields for &T {
    fn missing_fields(&self, at: &mut MissingFields<'_>) {
        (**self).missing_fields(at);
    }
}

/// Appends the string values of keys named in `names`, at any depth of `v`.
fn collect_named_strings(v: &serde_json::Value, names: &[&str], out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s) if names.contains(&k.as_str()) => {
                        out.push(s.clone());
                    }
                    _ => collect_named_strings(v, names, out),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                collect_named_strings(item, names, out);
            }
        }
        _ => {}
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
display_query_value!(str, String, bool, i32, i64, u32, u64);

/// Python's `str(float)`, as the official SDKs put a number into the query (`0.0`, `1e-07`).
impl QueryValue for f64 {
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        out.push((name.to_owned(), crate::body::python_float(*self)));
    }
}

impl QueryValue for f32 {
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        f64::from(*self).push_pairs(name, out);
    }
}

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

/// A list query parameter sent as one comma-separated pair (`ids=a,b`; OpenAPI
/// `style: form, explode: false`) instead of one pair per element (`ids=a&ids=b`). An empty
/// list sends nothing.
#[derive(Debug, Clone, Copy)]
pub struct Csv<'a, T>(pub &'a [T]);

impl<T: QueryValue> QueryValue for Csv<'_, T> {
    fn push_pairs(&self, name: &str, out: &mut Vec<(String, String)>) {
        let mut items = Vec::new();
        for v in self.0 {
            v.push_pairs(name, &mut items);
        }
        if !items.is_empty() {
            let joined: Vec<String> = items.into_iter().map(|(_, v)| v).collect();
            out.push((name.to_owned(), joined.join(",")));
        }
    }
}

/// A boolean path or header parameter as the official Python SDK writes it (`str(True)`):
/// `True` or `False`. Query and form values are lower case (`QueryValue`).
pub fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

/// A float path or header parameter as the official Python SDK writes it (`str(1.0)` is
/// `1.0`, where Rust's `Display` writes `1`).
pub fn python_float(value: f64) -> String {
    crate::body::python_float(value)
}

/// The text of response header `name`, for a generated output field filled from a header
/// (`None` when absent or not valid UTF-8).
pub fn header_text(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A response header parsed into a scalar output field; a value that does not parse is a
/// `Decode` error naming the header.
pub fn header_value<T: std::str::FromStr>(
    headers: &http::HeaderMap,
    name: &str,
) -> Result<Option<T>> {
    match header_text(headers, name) {
        None => Ok(None),
        Some(text) => text.trim().parse().map(Some).map_err(|_| {
            Error::new(
                crate::error::ErrorKind::Decode,
                format!(
                    "response header {name} is not a valid {}",
                    std::any::type_name::<T>()
                ),
            )
        }),
    }
}

/// Replaces the output of `response` by `f(output, headers)` (operations whose output is
/// filled from response headers).
pub fn map_output<T, U>(
    response: Response<T>,
    f: impl FnOnce(T, &http::HeaderMap) -> Result<U>,
) -> Result<Response<U>> {
    let status = response.status();
    let headers = response.headers().clone();
    let output = f(response.into_output(), &headers)?;
    Ok(Response::new(status, headers, output))
}

/// Defines an open string enum: known variants plus `Unknown(String)`, so values added by the
/// service later never fail decoding. Generates `as_str`, `From<&str>`, `From<String>`,
/// `Display`, string (de)serialization and [`QueryValue`].
///
/// ```
/// huaweicloud_sdk_core::__codegen::open_enum! {
///     /// Cache engine.
///     pub enum Engine {
///         /// `redis`
///         Redis = "redis",
///         /// `memcached`
///         Memcached = "memcached",
///     }
/// }
/// assert_eq!(Engine::from("redis"), Engine::Redis);
/// assert_eq!(Engine::from("etcd").as_str(), "etcd");
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! __open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this SDK version does not know.
            Unknown(::std::string::String),
        }
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(value) => value,
                }
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $crate::__codegen::serde::Serialize for $name {
            fn serialize<S: $crate::__codegen::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> $crate::__codegen::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__codegen::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::__codegen::deserialize_open_enum(d).map(Self::from)
            }
        }
        impl $crate::__codegen::RequiredFields for $name {}
        impl $crate::__codegen::QueryValue for $name {
            fn push_pairs(&self, name: &str, out: &mut ::std::vec::Vec<(::std::string::String, ::std::string::String)>) {
                out.push((name.to_owned(), self.as_str().to_owned()));
            }
        }
        impl $crate::__codegen::FormValue for $name {
            fn push_form(&self, name: &'static str, out: &mut ::std::vec::Vec<(&'static str, ::std::string::String)>) {
                out.push((name, self.as_str().to_owned()));
            }
        }
    };
}

/// Reads an open enum's wire value. Lenient: numbers and booleans are taken as their text,
/// since Huawei APIs sometimes send `1` where the documents say `"1"`.
pub fn deserialize_open_enum<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<String, D::Error> {
    crate::lenient::open_enum_text(<serde_json::Value as serde::Deserialize>::deserialize(d)?)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::FormFile;

    static OP: OperationSpec = OperationSpec {
        service: "SVC",
        name: "Upload",
        method: Method::Post,
        path: "/v1/{project_id}/things",
        content_type: Some("multipart/form-data"),
        idempotent: false,
        secrets: &[],
    };

    struct Thing {
        name: Option<String>,
        file: Option<FormFile>,
    }

    impl FormFields for Thing {
        fn form_fields<'a>(&'a self, form: &mut FormParts<'a>) {
            form.text("name", self.name.as_ref());
            form.file("file", self.file.as_ref());
        }
    }

    #[test]
    fn csv_joins_a_list_into_one_pair() {
        let mut input = OperationInput::new(&OP);
        let ids = vec!["a".to_owned(), "b c".to_owned()];
        input.query("ids", &Some(Csv(&ids[..])));
        input.query("none", &Some(Csv::<String>(&[])));
        input.query("each", &ids);
        assert_eq!(
            input.query,
            [
                ("ids".to_owned(), "a,b c".to_owned()),
                ("each".to_owned(), "a".to_owned()),
                ("each".to_owned(), "b c".to_owned()),
            ]
        );
    }

    #[test]
    fn multipart_body_sends_its_boundary_in_the_content_type() {
        let mut input = OperationInput::new(&OP);
        let thing = Thing {
            name: Some("n".into()),
            file: Some(FormFile::new("f.bin", "x")),
        };
        input.multipart_body(&thing);
        let ct = input
            .raw
            .as_ref()
            .and_then(|r| r.content_type.clone())
            .unwrap();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert_eq!(boundary.len(), 32);
        let body = String::from_utf8(input.body.to_vec()).unwrap();
        assert!(body.starts_with(&format!("--{boundary}\r\n")), "{body}");
        assert!(body.ends_with(&format!("--{boundary}--\r\n")), "{body}");
        assert_eq!(input.raw.as_ref().unwrap().path, OP.path);
    }

    #[test]
    fn an_empty_multipart_body_is_the_closing_line_with_its_boundary() {
        let mut input = OperationInput::new(&OP);
        input.empty_multipart_body();
        let ct = input
            .raw
            .as_ref()
            .and_then(|r| r.content_type.clone())
            .unwrap();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert_eq!(&input.body[..], format!("--{boundary}--\r\n").as_bytes());
    }

    #[test]
    fn urlencoded_body_refuses_files_naming_the_operation() {
        let mut input = OperationInput::new(&OP);
        let thing = Thing {
            name: Some("a b".into()),
            file: None,
        };
        input.form_urlencoded_body(&thing).unwrap();
        assert_eq!(&input.body[..], b"name=a+b");
        let with_file = Thing {
            name: None,
            file: Some(FormFile::new("f", "x")),
        };
        let err = input.form_urlencoded_body(&with_file).unwrap_err();
        assert!(err.to_string().contains("SVC Upload"), "{err}");
        assert!(err.to_string().contains("file"), "{err}");
    }

    #[test]
    fn a_missing_required_body_names_the_operation() {
        let input = OperationInput::new(&OP);
        let err = input.require_body::<Thing>(None).err().expect("an error");
        assert!(
            err.to_string()
                .contains("SVC Upload: missing required request body")
        );
    }

    #[test]
    fn float_query_values_are_written_as_python_writes_them() {
        let mut out = Vec::new();
        for v in [0.0, -2.5, 1.5e300, 1e-7, 3.0] {
            v.push_pairs("x", &mut out);
        }
        let values: Vec<&str> = out.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(values, ["0.0", "-2.5", "1.5e+300", "1e-07", "3.0"]);
    }

    #[test]
    fn header_values_parse_or_fail_naming_the_header() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-count", http::HeaderValue::from_static(" 42 "));
        headers.insert("x-token", http::HeaderValue::from_static("abc"));
        assert_eq!(header_value::<i64>(&headers, "X-Count").unwrap(), Some(42));
        assert_eq!(header_value::<i64>(&headers, "X-Absent").unwrap(), None);
        assert_eq!(header_text(&headers, "X-Token").as_deref(), Some("abc"));
        let err = header_value::<i64>(&headers, "X-Token").unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::Decode);
        assert!(err.to_string().contains("X-Token"), "{err}");
    }

    #[test]
    fn map_output_keeps_status_and_headers() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-subject-token", http::HeaderValue::from_static("t"));
        let r = Response::new(201, headers, ());
        let mapped = map_output(r, |(), h| Ok(header_text(h, "X-Subject-Token"))).unwrap();
        assert_eq!(mapped.status(), 201);
        assert_eq!(mapped.output().as_deref(), Some("t"));
        assert!(mapped.headers().contains_key("x-subject-token"));
    }
}
