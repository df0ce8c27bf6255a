//! The seam between the request pipeline and the network.
//!
//! [`Transport`] sends one signed [`HttpRequest`] and returns the status, headers and a body
//! stream. The default is [`ReqwestTransport`] (rustls with the `ring` provider: builds with
//! rustc and a C compiler only). Tests and users can supply their own.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
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
        let parsed = reqwest::Url::parse(raw).map_err(|e| {
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

    fn to_reqwest(&self) -> Result<reqwest::Proxy, crate::Error> {
        let p = reqwest::Proxy::all(self.url.as_str()).map_err(|e| {
            crate::Error::config(format!("proxy '{}' cannot be used: {e}", self.url))
        })?;
        Ok(match (&self.username, &self.password) {
            (Some(u), p_word) => p.basic_auth(u, p_word.as_deref().unwrap_or("")),
            (None, _) => p,
        })
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

/// The default transport: reqwest with rustls (`ring`) and the platform's certificate verifier.
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    proxy: Option<Proxy>,
    extra_roots: usize,
    roots_only: bool,
    /// Removes the proxy password from error texts.
    scrub: crate::error::Scrubber,
    origin: OriginCache,
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("proxy", &self.proxy)
            .field("extra_root_certificates", &self.extra_roots)
            .field("root_certificates_only", &self.roots_only)
            .finish()
    }
}

impl ReqwestTransport {
    /// A transport with the given connect timeout. Redirects are not followed (as in the
    /// official SDKs) and no proxy is read from the environment implicitly.
    pub fn new(connect_timeout: Duration) -> Result<Self, crate::Error> {
        Self::with_options(&TransportOptions::new(connect_timeout))
    }

    /// A transport with a proxy and/or extra trusted root certificates. `HTTP_PROXY` /
    /// `HTTPS_PROXY` are not read: a proxy is used only when configured, as in the Go SDK.
    pub fn with_options(options: &TransportOptions) -> Result<Self, crate::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = Vec::new();
        for (i, pem) in options.root_certificates_pem.iter().enumerate() {
            let before = roots.len();
            use rustls::pki_types::pem::PemObject;
            for cert in rustls::pki_types::CertificateDer::pem_slice_iter(pem) {
                roots.push(cert.map_err(|e| {
                    crate::Error::config(format!(
                        "root certificate bundle #{}: not valid PEM: {e}",
                        i + 1
                    ))
                })?);
            }
            if roots.len() == before {
                return Err(crate::Error::config(format!(
                    "root certificate bundle #{} holds no PEM certificate",
                    i + 1
                )));
            }
        }
        let extra_roots = roots.len();
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| crate::Error::config(format!("TLS setup failed: {e}")))?;
        let verifier_err = |e: rustls::Error| {
            crate::Error::config(format!("TLS certificate verifier setup failed: {e}"))
        };
        let tls = if options.root_certificates_only {
            let mut store = rustls::RootCertStore::empty();
            for (i, cert) in roots.into_iter().enumerate() {
                store.add(cert).map_err(|e| {
                    crate::Error::config(format!("root certificate #{} is not usable: {e}", i + 1))
                })?;
            }
            if store.is_empty() {
                return Err(crate::Error::config(
                    "root_certificates_only is set but no root certificate was added",
                ));
            }
            builder.with_root_certificates(store).with_no_client_auth()
        } else if roots.is_empty() {
            rustls_platform_verifier::BuilderVerifierExt::with_platform_verifier(builder)
                .map_err(verifier_err)?
                .with_no_client_auth()
        } else {
            let verifier =
                rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider)
                    .map_err(verifier_err)?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth()
        };
        let mut client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(options.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();
        if let Some(p) = &options.proxy {
            client = client.proxy(p.to_reqwest()?);
        }
        let client = client
            .build()
            .map_err(|e| crate::Error::config(format!("HTTP client setup failed: {e}")))?;
        let scrub =
            crate::error::Scrubber::new(options.proxy.iter().filter_map(|p| p.password.as_deref()));
        Ok(Self {
            client,
            proxy: options.proxy.clone(),
            extra_roots,
            roots_only: options.root_certificates_only,
            scrub,
            origin: OriginCache::default(),
        })
    }
}

fn classify(e: &reqwest::Error) -> TransportErrorKind {
    if e.is_connect() {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_builder() {
        TransportErrorKind::Request
    } else {
        TransportErrorKind::Io
    }
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        let scrub = self.scrub.clone();
        let failed = move |e: reqwest::Error| {
            let msg = scrub.scrub(&format!("request failed: {}", without_url(&e)));
            TransportError::new(classify(&e), msg).with_source(e)
        };
        let mut headers = match header_map(&request.headers, request.header_text) {
            Ok(h) => h,
            Err(e) => return Box::pin(async move { Err(e) }),
        };
        // hyper leaves an empty body without Content-Length; like Python's `requests`, send
        // `Content-Length: 0` for every method but GET and HEAD (RFC 9110 8.6; some gateways
        // answer 411 without it). Not signed, as in the official SDK.
        if request.body.is_empty()
            && request.method != http::Method::GET
            && request.method != http::Method::HEAD
        {
            headers.append(
                http::header::CONTENT_LENGTH,
                http::HeaderValue::from_static("0"),
            );
        }
        let builder = match self.origin.parse(&request.url) {
            Some(url) => self.client.request(request.method, url),
            None => self.client.request(request.method, &request.url),
        };
        let mut req = match builder.build() {
            Ok(r) => r,
            Err(e) => {
                let e = failed(e);
                return Box::pin(async move { Err(e) });
            }
        };
        *req.headers_mut() = headers;
        *req.body_mut() = Some(request.body.into());
        let fut = self.client.execute(req);
        Box::pin(async move {
            let mut resp = fut.await.map_err(failed)?;
            let status = resp.status().as_u16();
            let headers = std::mem::take(resp.headers_mut());
            let body = resp.bytes_stream().map(|r| {
                r.map_err(|e| {
                    TransportError::new(
                        classify(&e),
                        format!("reading the response body failed: {}", without_url(&e)),
                    )
                    .with_source(e)
                })
            });
            Ok(HttpResponse {
                status,
                headers,
                body: Box::pin(body),
            })
        })
    }
}

/// The parsed `scheme://authority` of the last URL sent, so that a request's URL costs the
/// parsing of its path and query only: the authority (with IDNA processing of the host)
/// costs as much again, and is the same request after request.
#[derive(Clone, Default)]
struct OriginCache(Arc<std::sync::Mutex<Option<(String, reqwest::Url)>>>);

impl OriginCache {
    /// `url` parsed, exactly as `Url::parse` would, when it is `http(s)://authority` followed
    /// by a path and query made only of characters both read literally; `None` for anything
    /// else, which the caller parses in full.
    fn parse(&self, url: &str) -> Option<reqwest::Url> {
        let authority_at = if url.starts_with("https://") {
            8
        } else if url.starts_with("http://") {
            7
        } else {
            return None;
        };
        let rest_at = authority_at + url[authority_at..].find('/')?;
        let (origin, rest) = url.split_at(rest_at);
        let plain_authority = origin[authority_at..].bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'.' | b'_' | b'~' | b':' | b'[' | b']' | b'@' | b'%'
                )
        });
        if !plain_authority || !rest.bytes().all(is_literal_in_url) {
            return None;
        }
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rest, None),
        };
        let mut parsed = {
            let mut cached = self.0.lock().ok()?;
            match &*cached {
                Some((key, base)) if key == origin => base.clone(),
                _ => {
                    let base = reqwest::Url::parse(origin).ok()?;
                    *cached = Some((origin.to_owned(), base.clone()));
                    base
                }
            }
        };
        parsed.set_path(path);
        parsed.set_query(query);
        Some(parsed)
    }
}

/// Bytes a URL path or query holds as they are (no escaping, no special meaning besides the
/// one `/`, `?` and `%` have in both a full parse and the setters): RFC 3986 unreserved and
/// sub-delims, `:`, `@`, `/`, `%` and `?`.
fn is_literal_in_url(b: u8) -> bool {
    LITERAL_IN_URL[usize::from(b)]
}

/// [`is_literal_in_url`] as a table: every request's URL is checked byte by byte.
const LITERAL_IN_URL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'_'
                    | b'.'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
                    | b'%'
                    | b'?'
            );
        b += 1;
    }
    table
};

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

/// reqwest's Display includes the URL; ours is in the span already and may carry a query, so
/// keep the message short and URL-free.
fn without_url(e: &reqwest::Error) -> String {
    let mut msg = String::new();
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = cur {
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&s.to_string());
        cur = s.source();
    }
    if msg.is_empty() {
        if e.is_timeout() {
            "timed out".into()
        } else {
            "connection error".into()
        }
    } else {
        msg
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

    #[test]
    fn cached_origin_parses_like_a_full_parse() {
        let cache = OriginCache::default();
        for url in [
            "https://dcs.cn-north-4.myhuaweicloud.com/v2/p/instances/i-1/accounts/a/password/reset",
            "https://dcs.cn-north-4.myhuaweicloud.com/v2/p/instances?limit=10&offset=0&name=a%20b",
            "https://dcs.cn-north-4.myhuaweicloud.com/",
            "http://127.0.0.1:8080/v1/./x/../y/%2e%2E/z?a=1?b",
            "https://Example.COM:443/A/B/?",
            "https://user:pw@example.com/x",
            "https://xn--nxasmq6b.example/%7e/~/;p=1/a:b@c",
            "http://[::1]:9/x",
            "http://example.com/x'y(z)*+,!$",
        ] {
            let full = reqwest::Url::parse(url).unwrap();
            // Twice: parsed the first time, from the cache the second.
            for _ in 0..2 {
                let fast = cache.parse(url).expect(url);
                assert_eq!(fast.as_str(), full.as_str(), "{url}");
                assert_eq!(fast, full, "{url}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn cached_origin_matches_a_full_parse_on_literal_paths(
            rest in "/[A-Za-z0-9._~!$&'()*+,;=:@/%?-]{0,48}",
            origin in "https?://(h\\.example|127\\.0\\.0\\.1|[A-Z]{1,8})(:[0-9]{1,4})?",
        ) {
            let url = format!("{origin}{rest}");
            let cache = OriginCache::default();
            let full = reqwest::Url::parse(&url);
            for _ in 0..2 {
                match (&full, cache.parse(&url)) {
                    (Ok(full), Some(fast)) => proptest::prop_assert_eq!(fast.as_str(), full.as_str()),
                    // A URL the cache cannot take is parsed in full by the caller.
                    (_, None) => {}
                    (Err(e), Some(fast)) => proptest::prop_assert!(false, "{url}: {e}, yet {fast}"),
                }
            }
        }
    }

    #[test]
    fn unusual_urls_are_left_to_a_full_parse() {
        let cache = OriginCache::default();
        for url in [
            "https://example.com/a#frag",
            "https://example.com/a b",
            "https://example.com/a\\b",
            "https://example.com/a\tb",
            "https://example.com/\u{e9}",
            "https://example.com",
            "https://example.com?q=1",
            "example.com/a",
            "https://example.com/a|b",
            "https://example.com/a\"b",
            "https://example.com\\a/b",
            " https://example.com/a",
            "HTTPS://example.com/a",
            "ftp://example.com/a",
            "https://exa mple.com/a",
        ] {
            assert!(cache.parse(url).is_none(), "{url}");
        }
    }
}
