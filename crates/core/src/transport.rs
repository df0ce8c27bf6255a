//! The seam between the request pipeline and the network.
//!
//! [`Transport`] sends one signed [`HttpRequest`] and returns the status, headers and a body
//! stream. The default is [`HyperTransport`] (hyper's HTTP/1.1 client, rustls with the `ring`
//! provider: builds with rustc and a C compiler only). Tests and users can supply their own.

mod connect;
mod hyper_transport;

#[allow(deprecated)]
pub use hyper_transport::{HyperTransport, ReqwestTransport};

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

/// A boxed future, as returned by transports.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A response body arriving in chunks.
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, TransportError>> + Send>>;

/// A signed request, ready to send.
#[derive(Clone)]
pub struct HttpRequest {
    pub method: http::Method,
    /// Full URL; its query is the canonical query string that was signed.
    pub url: String,
    /// Header names and values in sending order, `Authorization` included.
    pub headers: Vec<(String, String)>,
    /// How the header values are written as bytes.
    pub header_text: HeaderText,
    pub body: Bytes,
}

/// How a request's header values (text) are written as bytes on the wire. The official Python
/// SDK's signer rewrites every value of a request it signs as UTF-8; a request it does not
/// sign (the caller supplied `Authorization`) goes out as Python's `http.client` writes
/// text, in Latin-1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderText {
    /// UTF-8 bytes (signed requests).
    #[default]
    Utf8,
    /// One byte per character where every character is at most U+00FF, else UTF-8 (Python
    /// cannot send such a value at all).
    Latin1,
}

/// Header names whose values are never printed.
const SECRET_HEADERS: [&str; 9] = [
    "authorization",
    "proxy-authorization",
    "x-security-token",
    "x-auth-token",
    "x-subject-token",
    "x-client-token",
    "x-metadata-token",
    "cookie",
    "set-cookie",
];

/// Header names whose values are printed even by callers that hide all others: they
/// describe the request, and the SDK sets them itself.
const PLAIN_HEADERS: [&str; 5] = [
    "content-type",
    "user-agent",
    "x-sdk-date",
    "x-project-id",
    "x-sdk-content-sha256",
];

/// Whether `name` is a header whose value is a credential or token.
pub(crate) fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// `headers` for a `Debug` impl: names and values, secret values replaced by the redaction
/// marker. With `hide_unknown`, every value not known to be harmless is hidden too (headers
/// a caller added may hold tokens of any name).
pub(crate) fn redacted_headers(
    headers: &[(String, String)],
    hide_unknown: bool,
) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(k, v)| {
            let named = |list: &[&str]| list.iter().any(|s| k.eq_ignore_ascii_case(s));
            let secret = named(&SECRET_HEADERS) || (hide_unknown && !named(&PLAIN_HEADERS));
            let shown = if secret {
                crate::error::REDACTED
            } else {
                v.as_str()
            };
            (k.as_str(), shown)
        })
        .collect()
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = redacted_headers(&self.headers, false);
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A response as received: the body is still a stream.
pub struct HttpResponse {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: BodyStream,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl HttpResponse {
    /// A response with a body already in memory (for custom transports and tests).
    pub fn from_bytes(status: u16, headers: http::HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body: Box::pin(futures_util::stream::once(async move { Ok(body) })),
        }
    }

    /// Reads the whole body, failing when it exceeds `limit` bytes. A body that arrives in
    /// one chunk (the usual small JSON answer) is returned as it is, without a copy.
    pub async fn collect(
        mut self,
        limit: usize,
    ) -> Result<(u16, http::HeaderMap, Bytes), TransportError> {
        let too_large = || {
            TransportError::new(
                TransportErrorKind::BodyTooLarge,
                format!("response body exceeds the limit of {limit} bytes"),
            )
        };
        let first = match self.body.next().await {
            None => Bytes::new(),
            Some(chunk) => chunk?,
        };
        if first.len() > limit {
            return Err(too_large());
        }
        let Some(second) = self.body.next().await else {
            return Ok((self.status, self.headers, first));
        };
        let mut buf = first.to_vec();
        let mut next = Some(second);
        while let Some(chunk) = next {
            let chunk = chunk?;
            if buf.len() + chunk.len() > limit {
                return Err(too_large());
            }
            buf.extend_from_slice(&chunk);
            next = self.body.next().await;
        }
        Ok((self.status, self.headers, Bytes::from(buf)))
    }
}

/// How a transport failed; decides whether a retry is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection was never established (DNS, refused, TLS handshake): nothing was sent.
    Connect,
    /// No answer in time after sending.
    Timeout,
    /// The connection broke after the request may have been sent.
    Io,
    /// The response body is larger than allowed.
    BodyTooLarge,
    /// The request could not be built (invalid header value, ...).
    Request,
}

/// A transport failure.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A new error.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }
    /// Attaches the underlying error.
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }
    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

/// Sends requests. Must be cheap to call concurrently.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends one request and returns as soon as the status and headers arrived.
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>>;
}

/// An HTTP or HTTPS proxy for the built-in transport, optionally with basic-auth
/// credentials. `Debug` and `Display` never show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    /// `scheme://host:port`, without credentials.
    url: String,
    username: Option<String>,
    password: Option<String>,
}

impl Proxy {
    /// Parses `http://host:port` or `https://host:port`; `user:password@` in the URL
    /// (percent-encoded) become the proxy credentials.
    pub fn parse(url: &str) -> Result<Self, crate::Error> {
        let raw = url.trim();
        // Messages show the URL without any password.
        let shown = redact_userinfo(raw);
        let parsed = url::Url::parse(raw).map_err(|e| {
            crate::Error::config(format!("proxy '{shown}' is not a valid URL: {e}"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(crate::Error::config(format!(
                "proxy '{shown}': scheme must be http or https"
            )));
        }
        let Some(host) = parsed.host_str() else {
            return Err(crate::Error::config(format!("proxy '{shown}' has no host")));
        };
        if !matches!(parsed.path(), "" | "/") || parsed.query().is_some() {
            return Err(crate::Error::config(format!(
                "proxy '{shown}' must not have a path or query"
            )));
        }
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let username = Some(decode(parsed.username())).filter(|u| !u.is_empty());
        let password = parsed.password().map(decode);
        let port = parsed
            .port_or_known_default()
            .map(|p| format!(":{p}"))
            .unwrap_or_default();
        Ok(Self {
            url: format!("{}://{host}{port}", parsed.scheme()),
            username,
            password,
        })
    }
    /// Sets the basic-auth credentials (replacing any from the URL).
    pub fn with_credentials(
        mut self,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.username = Some(username.into());
        self.password = Some(password.into());
        self
    }
    /// `scheme://host:port`, without credentials.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The proxy user, if any.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("url", &self.url)
            .field("username", &self.username)
            .field(
                "password",
                &self.password.as_ref().map(|_| crate::error::REDACTED),
            )
            .finish()
    }
}

impl fmt::Display for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// `scheme://user:pass@host` → `scheme://user:** redacted **@host`.
pub(crate) fn redact_userinfo(raw: &str) -> String {
    let (scheme, rest) = match raw.find("://") {
        Some(i) => (&raw[..i + 3], &raw[i + 3..]),
        None => ("", raw),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return raw.to_owned();
    };
    let user = rest[..at].split(':').next().unwrap_or("");
    format!("{scheme}{user}:{}{}", crate::error::REDACTED, &rest[at..])
}

/// How the built-in transport connects: timeout, proxy and trusted root certificates.
#[derive(Clone)]
pub struct TransportOptions {
    connect_timeout: Duration,
    proxy: Option<Proxy>,
    root_certificates_pem: Vec<Vec<u8>>,
    root_certificates_only: bool,
}

impl fmt::Debug for TransportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy)
            .field("root_certificates", &self.root_certificates_pem.len())
            .field("root_certificates_only", &self.root_certificates_only)
            .finish()
    }
}

impl TransportOptions {
    /// Direct connections, the platform's trusted roots.
    pub fn new(connect_timeout: Duration) -> Self {
        Self {
            connect_timeout,
            proxy: None,
            root_certificates_pem: Vec::new(),
            root_certificates_only: false,
        }
    }
    /// Sends every request (http and https endpoints) through `proxy`.
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }
    /// Also trusts the certificates of a PEM bundle (e.g. a test gateway's CA).
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates_pem.push(pem.into());
        self
    }
    /// Trusts only the added certificates, not the platform's.
    pub fn root_certificates_only(mut self, yes: bool) -> Self {
        self.root_certificates_only = yes;
        self
    }
}

/// The request's headers as an `http::HeaderMap`, in order, their values written as
/// `text` says. They are copied once into one shared buffer that every value points into
/// (not one allocation per value).
fn header_map(
    headers: &[(String, String)],
    text: HeaderText,
) -> Result<http::HeaderMap, TransportError> {
    let mut values = bytes::BytesMut::with_capacity(headers.iter().map(|(_, v)| v.len()).sum());
    let mut ends = Vec::with_capacity(headers.len());
    for (_, v) in headers {
        push_header_value(&mut values, v, text);
        ends.push(values.len());
    }
    let values = values.freeze();
    let mut map = http::HeaderMap::with_capacity(headers.len());
    let mut at = 0;
    for ((k, _), end) in headers.iter().zip(ends) {
        let value = http::HeaderValue::from_maybe_shared(values.slice(at..end)).map_err(|_| {
            TransportError::new(
                TransportErrorKind::Request,
                format!("header {k} has a value that cannot be sent (control characters)"),
            )
        })?;
        at = end;
        let name = header_name(k).ok_or_else(|| {
            TransportError::new(
                TransportErrorKind::Request,
                format!("'{k}' is not a valid header name"),
            )
        })?;
        map.append(name, value);
    }
    Ok(map)
}

/// Appends a header value's wire bytes (see [`HeaderText`]).
fn push_header_value(out: &mut bytes::BytesMut, value: &str, text: HeaderText) {
    let latin1 = text == HeaderText::Latin1
        && !value.is_ascii()
        && value.chars().all(|c| u32::from(c) <= 0xFF);
    if latin1 {
        // Every char is at most U+00FF here, so the cast keeps it whole.
        out.extend(value.chars().map(|c| c as u8));
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

/// The SDK's own header names, so they need no allocation per request; `http` knows the
/// standard ones.
const SDK_HEADER_NAMES: [&str; 5] = [
    "x-sdk-date",
    "x-project-id",
    "x-security-token",
    "x-sdk-content-sha256",
    "x-domain-id",
];

fn header_name(name: &str) -> Option<http::HeaderName> {
    match SDK_HEADER_NAMES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(name))
    {
        Some(known) => Some(http::HeaderName::from_static(known)),
        None => http::HeaderName::from_bytes(name.as_bytes()).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_go_out_as_utf8_when_signed_and_as_latin1_when_not() {
        let headers = [
            ("X-Plain".to_owned(), "en us".to_owned()),
            ("X-Latin".to_owned(), "en us, \u{fc}".to_owned()),
            ("X-Wide".to_owned(), "text \u{fc} \u{4e2d}".to_owned()),
            ("X-After".to_owned(), "\u{e9}t\u{e9}".to_owned()),
        ];
        let map = header_map(&headers, HeaderText::Latin1).unwrap();
        let bytes = |name: &str| map.get(name).unwrap().as_bytes().to_vec();
        assert_eq!(bytes("x-plain"), b"en us");
        assert_eq!(bytes("x-latin"), b"en us, \xfc");
        // Beyond Latin-1 (the Python SDK fails on it): UTF-8.
        assert_eq!(bytes("x-wide"), "text \u{fc} \u{4e2d}".as_bytes());
        assert_eq!(bytes("x-after"), b"\xe9t\xe9");
        // Signed requests: UTF-8, as the official signer rewrites them.
        let map = header_map(&headers, HeaderText::Utf8).unwrap();
        assert_eq!(
            map.get("x-latin").unwrap().as_bytes(),
            "en us, \u{fc}".as_bytes()
        );
    }
}
