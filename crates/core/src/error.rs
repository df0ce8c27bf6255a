//! The one error type of the SDK.
//!
//! Every failure is an [`Error`] with an [`ErrorKind`]. Service errors carry the HTTP status,
//! the parsed `error_code`/`error_msg` (parsed the way the official SDKs do), the request id
//! and the raw body. No credential secret ever reaches the text of an error: messages are
//! scrubbed of the SK and security token before they are stored (see [`Scrubber`]).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

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
    /// The server answered with a redirect (3xx). Redirects are never followed and never
    /// success: the status and `Location` are in the error.
    Redirect,
    /// A waiter gave up: the resource reached a failure state, or the wait's time or poll
    /// limit passed first (see [`crate::waiter::WaitError`], the source of this error).
    Wait,
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
            ErrorKind::Redirect => "redirect not followed",
            ErrorKind::Wait => "wait failed",
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

type Source = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// The SDK's error. Cheap to clone: one failed credentials refresh or project lookup is
/// handed to every caller that waited for it.
#[derive(Clone)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    message: String,
    service: Option<ServiceError>,
    /// Raw body of a response that failed to decode (scrubbed, truncated).
    body: Option<String>,
    retry_after: Option<Duration>,
    /// `Location` of a redirect (scrubbed).
    location: Option<String>,
    /// Whether the operation that failed is idempotent; `None` outside an operation.
    idempotent: Option<bool>,
    /// Paths of the missing required inputs of an `InvalidRequest` (`path.instance_id`).
    missing_fields: Vec<String>,
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
                location: None,
                idempotent: None,
                missing_fields: Vec::new(),
                source: None,
            }),
        }
    }

    pub(crate) fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        let boxed: Box<dyn std::error::Error + Send + Sync> = source.into();
        self.inner.source = Some(Arc::from(boxed));
        self
    }

    pub(crate) fn with_body(mut self, body: String) -> Self {
        self.inner.body = Some(body);
        self
    }

    pub(crate) fn with_retry_after(mut self, d: Option<Duration>) -> Self {
        self.inner.retry_after = d;
        self
    }

    /// Records whether the operation that failed is idempotent (the client does this for
    /// every error of a call), so [`is_retryable`](Self::is_retryable) answers for that call.
    pub(crate) fn for_operation(mut self, idempotent: bool) -> Self {
        self.inner.idempotent = Some(idempotent);
        self
    }

    /// Records the paths of the missing required inputs (an `InvalidRequest`).
    pub(crate) fn with_missing_fields(mut self, paths: Vec<String>) -> Self {
        self.inner.missing_fields = paths;
        self
    }

    /// A redirect (3xx) that was not followed; `location` must be scrubbed already.
    pub(crate) fn redirect(err: ServiceError, location: Option<String>) -> Self {
        let mut e = Self::new(ErrorKind::Redirect, String::new());
        e.inner.service = Some(err);
        e.inner.location = location;
        e
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
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }
    /// The `Location` of a redirect the SDK did not follow (secrets removed).
    pub fn location(&self) -> Option<&str> {
        self.inner.location.as_deref()
    }
    /// The required inputs a call lacked, by where they go: `path.instance_id`,
    /// `query.limit`, `header.X-Request-Token`, `body` (the whole body), `body.storage_spec_code`
    /// or `body.tags[0].key` (a body field). All of them, in one `InvalidRequest` error that
    /// `send()` returns before anything is sent; empty for every other error.
    pub fn missing_fields(&self) -> &[String] {
        &self.inner.missing_fields
    }
    /// Whether the operation that failed may be repeated safely (its spec's idempotency),
    /// when the error came from an operation; `None` for an error built elsewhere.
    pub fn operation_idempotent(&self) -> Option<bool> {
        self.inner.idempotent
    }
    /// Whether repeating the call that failed could help and is safe, by the rule the SDK's
    /// own retries follow ([`is_retryable_for`](Self::is_retryable_for) with the operation's
    /// idempotency). A 503 on a non-idempotent operation (a password reset) is not: the
    /// service may have acted on it. An error not from an operation (built by hand) is
    /// answered as for an idempotent one.
    pub fn is_retryable(&self) -> bool {
        self.is_retryable_for(self.inner.idempotent.unwrap_or(true))
    }
    /// The retry rule, for an operation of the given idempotency: a connection that was never
    /// established and a 429 (throttled, not processed) may be repeated for any operation;
    /// 502, 503, 504, timeouts and broken connections only for idempotent ones.
    /// [`RetryPolicy::is_retryable`](crate::RetryPolicy::is_retryable) is this rule.
    pub fn is_retryable_for(&self, idempotent: bool) -> bool {
        match self.inner.kind {
            ErrorKind::Connect => true,
            ErrorKind::Timeout | ErrorKind::Transport => idempotent,
            ErrorKind::Service => match self.status() {
                Some(429) => true,
                Some(502..=504) => idempotent,
                _ => false,
            },
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
            Some(s) if self.inner.kind == ErrorKind::Redirect => {
                write!(f, "redirect not followed: HTTP {}", s.status)?;
                match &self.inner.location {
                    Some(l) => write!(f, " to {}", one_line(l))?,
                    None => f.write_str(" without a Location")?,
                }
                match &s.request_id {
                    Some(id) => write!(f, ", request id {id}"),
                    None => f.write_str(", no request id"),
                }
            }
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
        if let Some(l) = &self.inner.location {
            d.field("location", l);
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
            .map(|s| &**s as &(dyn std::error::Error + 'static))
    }
}

/// Replaces known secret values (SK, security token, proxy password, the request's own secret
/// fields and headers) in text before it is stored in an error or logged. A secret is found
/// whatever mix of forms it takes in the text: raw, percent-encoded (`%2F`, any case) or
/// JSON-escaped (`\/`, `\u002b`).
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

/// Secrets shorter than this are not scrubbed: they would mangle ordinary text and cannot
/// be meaningful secrets.
const MIN_SECRET_LEN: usize = 4;

impl Scrubber {
    /// A scrubber for the given secrets.
    pub fn new<I, S>(secrets: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut v: Vec<String> = secrets
            .into_iter()
            .map(|s| s.as_ref().to_owned())
            .filter(|s| s.len() >= MIN_SECRET_LEN)
            .collect();
        // Longest first, so a secret containing another is replaced whole.
        v.sort_by_key(|s| std::cmp::Reverse(s.len()));
        v.dedup();
        Self { secrets: v.into() }
    }

    /// This scrubber plus `more` secrets (itself, shared, when there are none).
    pub(crate) fn with_more(&self, more: &[String]) -> Self {
        if more.iter().all(|m| m.len() < MIN_SECRET_LEN) {
            return self.clone();
        }
        Self::new(self.secrets.iter().chain(more))
    }

    /// Whether there is anything to scrub.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// Returns `text` with every occurrence of every secret, in any of its forms, replaced.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secrets.iter() {
            out = replace_encoded(&out, secret);
        }
        out
    }
}

/// `text` with each occurrence of `secret` (raw, percent-encoded or JSON-escaped, mixed
/// freely char by char) replaced by [`REDACTED`].
fn replace_encoded(text: &str, secret: &str) -> String {
    let bytes = text.as_bytes();
    let first = secret.as_bytes()[0];
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == first || b == b'%' || b == b'\\' {
            if let Some(end) = match_encoded(bytes, i, secret) {
                out.push_str(&text[copied..i]);
                out.push_str(REDACTED);
                copied = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if copied == 0 {
        return text.to_owned();
    }
    out.push_str(&text[copied..]);
    out
}

/// The end of a match of `secret` at `start`, each char of it written raw, as `%XX` per
/// UTF-8 byte, as `\uXXXX`, or as `\/` `\\` `\"`.
fn match_encoded(text: &[u8], start: usize, secret: &str) -> Option<usize> {
    let mut i = start;
    for c in secret.chars() {
        let mut buf = [0u8; 4];
        let raw = c.encode_utf8(&mut buf).as_bytes();
        if text.get(i..i + raw.len()) == Some(raw) {
            i += raw.len();
            continue;
        }
        if let Some(n) = match_percent(text, i, raw) {
            i += n;
            continue;
        }
        if let Some(n) = match_json_escape(text, i, c) {
            i += n;
            continue;
        }
        return None;
    }
    // The match must end on a char boundary of the original text (it always starts on one).
    std::str::from_utf8(&text[..i]).ok().map(|_| i)
}

fn hex_value(h: &[u8]) -> Option<u32> {
    std::str::from_utf8(h)
        .ok()
        .and_then(|s| u32::from_str_radix(s, 16).ok())
}

/// `%XX` for every byte of `raw`, at `i`: the length matched.
fn match_percent(text: &[u8], i: usize, raw: &[u8]) -> Option<usize> {
    let mut j = i;
    for &byte in raw {
        if text.get(j) != Some(&b'%') {
            return None;
        }
        let v = hex_value(text.get(j + 1..j + 3)?)?;
        if v != u32::from(byte) {
            return None;
        }
        j += 3;
    }
    Some(j - i)
}

/// A JSON escape of `c` at `i`: the length matched.
fn match_json_escape(text: &[u8], i: usize, c: char) -> Option<usize> {
    if text.get(i) != Some(&b'\\') {
        return None;
    }
    match text.get(i + 1)? {
        b'/' if c == '/' => Some(2),
        b'\\' if c == '\\' => Some(2),
        b'"' if c == '"' => Some(2),
        b'u' => {
            let v = hex_value(text.get(i + 2..i + 6)?)?;
            (char::from_u32(v) == Some(c)).then_some(6)
        }
        _ => None,
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

/// How a service lays out its error bodies. Most services use the layouts the official SDKs'
/// default handler knows ([`parse_service_error`]); CCE has a handler of its own in every
/// official SDK (Go `CceErrorHandler`, Python `CceExceptionHandler`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorFormat {
    /// `error_code`/`error_msg`, `errorCode`/`errorMsg` or `code`/`message`, at the top or
    /// nested; the status and the body text when none is found.
    #[default]
    Standard,
    /// CCE: `error_code` (else `errorCode`) and `error_msg` (else `errorMessage`) at the top
    /// level only, with `message` appended to the message (`"<msg>, <message>"`) when it
    /// differs. What is absent stays empty, as in the official SDKs. A body that is not a
    /// JSON object, which the official handlers fail on, is reported as
    /// [`ErrorFormat::Standard`] reports it (the status and the body text).
    Cce,
}

impl ErrorFormat {
    /// Parses an error response (status `status`, `X-Request-Id` `request_id`) in this format.
    pub fn parse(
        self,
        status: u16,
        request_id: Option<String>,
        body: &[u8],
        scrubber: &Scrubber,
    ) -> ServiceError {
        match self {
            ErrorFormat::Standard => parse_service_error(status, request_id, body, scrubber),
            ErrorFormat::Cce => parse_cce_error(status, request_id, body, scrubber),
        }
    }
}

fn parse_cce_error(
    status: u16,
    request_id: Option<String>,
    body: &[u8],
    scrubber: &Scrubber,
) -> ServiceError {
    let text = scrubber.scrub(&String::from_utf8_lossy(body));
    let Some(obj) = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| match v {
            serde_json::Value::Object(o) => Some(o),
            _ => None,
        })
    else {
        return parse_service_error(status, request_id, body, scrubber);
    };
    // Empty strings count as absent, as in the Go handler.
    let field = |key: &str| scalar(obj.get(key)).filter(|v| !v.is_empty());
    let error_code = field("error_code").or_else(|| field("errorCode"));
    let mut error_msg = field("error_msg").or_else(|| field("errorMessage"));
    if let Some(message) = field("message") {
        error_msg = match error_msg {
            None => Some(message),
            Some(m) if m == message => Some(m),
            Some(m) => Some(format!("{m}, {message}")),
        };
    }
    ServiceError {
        status,
        request_id,
        error_code: scrubber.scrub(&error_code.unwrap_or_default()),
        error_msg: scrubber.scrub(&error_msg.unwrap_or_default()),
        encoded_authorization_message: field("encoded_authorization_message")
            .map(|e| scrubber.scrub(&e)),
        raw_body: truncate(&text, MAX_ERROR_BODY),
        ..ServiceError::default()
    }
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
