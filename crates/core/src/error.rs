//! The one error type of the SDK.
//!
//! Every failure is an [`Error`] with an [`ErrorKind`]. Service errors carry the HTTP status,
//! the parsed `error_code`/`error_msg` (parsed the way the official SDKs do), the request id
//! and the raw body. No credential secret ever reaches the text of an error: messages are
//! scrubbed of the SK and security token before they are stored (see [`Scrubber`]).

use std::fmt;
use std::sync::Arc;

/// Result alias used throughout the SDK.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, broadly. Decides retries and lets callers branch without string matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The service answered with HTTP status 400 or above.
    Service,
    /// The connection could not be established (DNS, refused, TLS): the request never left.
    Connect,
    /// The connection failed after the request may have been sent (reset, truncated body).
    Transport,
    /// A connect, attempt or operation deadline passed.
    Timeout,
    /// Credentials were missing, empty or could not be loaded.
    Credentials,
    /// The request could not be built from the caller's input (missing path parameter, ...).
    InvalidRequest,
    /// A response body could not be decoded into the expected type.
    Decode,
    /// Client configuration is invalid (region, endpoint, profile or regions file).
    Config,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Service => "service error",
            ErrorKind::Connect => "connect error",
            ErrorKind::Transport => "transport error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Credentials => "credentials error",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Decode => "decode error",
            ErrorKind::Config => "configuration error",
        })
    }
}

/// A service error body, parsed as the official SDKs parse it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status code.
    pub status: u16,
    /// `X-Request-Id` response header.
    pub request_id: Option<String>,
    /// `error_code` / `errorCode` / `code`; the status as text when the body has none (as the
    /// official Python SDK does, e.g. `"502"`).
    pub error_code: String,
    /// `error_msg` / `errorMsg` / `message`; else the body itself (truncated).
    pub error_msg: String,
    /// `encoded_authorization_message` of IAM policy denials.
    pub encoded_authorization_message: Option<String>,
    /// Nested `details` entries.
    pub details: Vec<ServiceErrorDetail>,
    /// The raw body (scrubbed of secrets, truncated to [`MAX_ERROR_BODY`] bytes).
    pub raw_body: String,
}

/// One entry of a service error's `details` array.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ServiceErrorDetail {
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
    pub encoded_authorization_message: Option<String>,
}

/// Bytes of an error body kept in [`ServiceError::raw_body`] and the message.
pub const MAX_ERROR_BODY: usize = 4096;

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The SDK's error.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    service: Option<ServiceError>,
    /// Raw body of a response that failed to decode (scrubbed, truncated).
    body: Option<String>,
    retry_after: Option<std::time::Duration>,
    source: Option<Source>,
}

impl Error {
    /// A new error of `kind` with a message (the message must hold no secret).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                service: None,
                body: None,
                retry_after: None,
                source: None,
            }),
        }
    }

    pub(crate) fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    pub(crate) fn with_body(mut self, body: String) -> Self {
        self.inner.body = Some(body);
        self
    }

    pub(crate) fn with_retry_after(mut self, d: Option<std::time::Duration>) -> Self {
        self.inner.retry_after = d;
        self
    }

    /// Builds a service error from a parsed body.
    pub fn service(err: ServiceError) -> Self {
        let mut e = Self::new(ErrorKind::Service, String::new());
        e.inner.service = Some(err);
        e
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }
    pub(crate) fn credentials(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Credentials, message)
    }
    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest, message)
    }

    /// The broad kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    /// HTTP status of a service error.
    pub fn status(&self) -> Option<u16> {
        self.inner.service.as_ref().map(|s| s.status)
    }
    /// The service's error code (`"DCS.4961"`, `"APIGW.0301"`, or the status as text).
    pub fn error_code(&self) -> Option<&str> {
        self.inner.service.as_ref().map(|s| s.error_code.as_str())
    }
    /// The service's error message.
    pub fn error_msg(&self) -> Option<&str> {
        self.inner.service.as_ref().map(|s| s.error_msg.as_str())
    }
    /// The `X-Request-Id` of the failed response, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.inner
            .service
            .as_ref()
            .and_then(|s| s.request_id.as_deref())
    }
    /// The full parsed service error.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.inner.service.as_ref()
    }
    /// The raw body of a response that could not be decoded (scrubbed of secrets).
    pub fn raw_body(&self) -> Option<&str> {
        match &self.inner.service {
            Some(s) => Some(s.raw_body.as_str()),
            None => self.inner.body.as_deref(),
        }
    }
    /// The delay the server asked for with `Retry-After`, if any.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.inner.retry_after
    }
    /// Whether retrying could help for an idempotent operation: connection failures,
    /// timeouts, 429 and 502/503/504.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Connect | ErrorKind::Transport | ErrorKind::Timeout => true,
            ErrorKind::Service => matches!(self.status(), Some(429 | 502 | 503 | 504)),
            _ => false,
        }
    }
    /// True for a timeout.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.service {
            Some(s) => {
                write!(
                    f,
                    "service error: HTTP {}, code {}, message {}",
                    s.status,
                    s.error_code,
                    one_line(&s.error_msg)
                )?;
                match &s.request_id {
                    Some(id) => write!(f, ", request id {id}"),
                    None => f.write_str(", no request id"),
                }
            }
            None => write!(f, "{}: {}", self.inner.kind, one_line(&self.inner.message)),
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind);
        if let Some(s) = &self.inner.service {
            d.field("service", s);
        } else {
            d.field("message", &self.inner.message);
        }
        if let Some(b) = &self.inner.body {
            d.field("body", b);
        }
        if let Some(s) = &self.inner.source {
            d.field("source", &s.to_string());
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}

/// Replaces known secret values (SK, security token) in text before it is stored in an error.
#[derive(Clone, Default)]
pub struct Scrubber {
    secrets: Arc<[String]>,
}

impl fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scrubber({} secrets)", self.secrets.len())
    }
}

/// What a scrubbed secret is replaced with.
pub const REDACTED: &str = "** redacted **";

impl Scrubber {
    /// A scrubber for the given secrets. Very short values are ignored (they would mangle
    /// ordinary text and cannot be meaningful secrets).
    pub fn new<I, S>(secrets: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut v: Vec<String> = secrets
            .into_iter()
            .map(|s| s.as_ref().to_owned())
            .filter(|s| s.len() >= 4)
            .collect();
        // Longest first, so a secret containing another is replaced whole.
        v.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Self { secrets: v.into() }
    }

    /// Returns `text` with every secret (and its percent-encoded form) replaced.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for s in self.secrets.iter() {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), REDACTED);
            }
            let encoded = crate::sign::percent_encode(s).to_string();
            if encoded != *s && out.contains(encoded.as_str()) {
                out = out.replace(encoded.as_str(), REDACTED);
            }
        }
        out
    }
}

/// Truncates to at most `max` bytes on a char boundary, marking the cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &s[..end], s.len())
}

/// Parses an error response the way the official SDKs do (Go `processServiceResponseError`,
/// Python `_process_sdk_error`): `error_code`+`error_msg`, then `errorCode`+`errorMsg`, then
/// `code`+`message`, else recurse into nested objects (`{"error": {...}}`); numeric codes are
/// accepted. Without a code the status is used; without a message, the body.
pub fn parse_service_error(
    status: u16,
    request_id: Option<String>,
    body: &[u8],
    scrubber: &Scrubber,
) -> ServiceError {
    let text = scrubber.scrub(&String::from_utf8_lossy(body));
    let raw_body = truncate(&text, MAX_ERROR_BODY);
    let mut out = ServiceError {
        status,
        request_id,
        raw_body: raw_body.clone(),
        ..ServiceError::default()
    };
    let parsed: Option<serde_json::Value> = serde_json::from_str(&text).ok();
    let found = parsed
        .as_ref()
        .and_then(|v| v.as_object())
        .and_then(find_code_msg)
        .map(|f| f.scrubbed(scrubber));
    match found {
        Some(f) => {
            out.error_code = f.code.unwrap_or_else(|| status.to_string());
            out.error_msg = f.msg.unwrap_or(raw_body);
            out.encoded_authorization_message = f.encoded;
            out.details = f.details;
        }
        None => {
            out.error_code = status.to_string();
            out.error_msg = raw_body;
        }
    }
    out
}

struct Found {
    code: Option<String>,
    msg: Option<String>,
    encoded: Option<String>,
    details: Vec<ServiceErrorDetail>,
}

impl Found {
    /// JSON escapes (`\u002b`, `\/`) hide secrets from the raw-text pass; scrub the decoded
    /// strings too.
    fn scrubbed(mut self, s: &Scrubber) -> Self {
        let opt = |v: &mut Option<String>| {
            if let Some(x) = v {
                *x = s.scrub(x);
            }
        };
        opt(&mut self.code);
        opt(&mut self.msg);
        opt(&mut self.encoded);
        for d in &mut self.details {
            opt(&mut d.error_code);
            opt(&mut d.error_msg);
            opt(&mut d.encoded_authorization_message);
        }
        self
    }
}

fn scalar(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

const CODE_MSG_KEYS: [(&str, &str); 3] = [
    ("error_code", "error_msg"),
    ("errorCode", "errorMsg"),
    ("code", "message"),
];

fn find_code_msg(obj: &serde_json::Map<String, serde_json::Value>) -> Option<Found> {
    let encoded = obj
        .get("encoded_authorization_message")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let details = obj
        .get("details")
        .and_then(|d| d.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_object())
                .map(|o| {
                    let f = find_code_msg(o);
                    ServiceErrorDetail {
                        error_code: f.as_ref().and_then(|f| f.code.clone()),
                        error_msg: f.as_ref().and_then(|f| f.msg.clone()),
                        encoded_authorization_message: f.and_then(|f| f.encoded),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    for (ck, mk) in CODE_MSG_KEYS {
        if let (Some(code), Some(msg)) = (scalar(obj.get(ck)), scalar(obj.get(mk))) {
            return Some(Found {
                code: Some(code),
                msg: Some(msg),
                encoded,
                details,
            });
        }
    }
    for v in obj.values() {
        if let Some(nested) = v.as_object().and_then(find_code_msg) {
            return Some(nested);
        }
    }
    if encoded.is_some() || !details.is_empty() {
        return Some(Found {
            code: None,
            msg: None,
            encoded,
            details,
        });
    }
    None
}
