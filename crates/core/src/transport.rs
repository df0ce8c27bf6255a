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
    pub body: Bytes,
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

    /// Reads the whole body, failing when it exceeds `limit` bytes.
    pub async fn collect(
        mut self,
        limit: usize,
    ) -> Result<(u16, http::HeaderMap, Bytes), TransportError> {
        let mut buf = Vec::new();
        while let Some(chunk) = self.body.next().await {
            let chunk = chunk?;
            if buf.len() + chunk.len() > limit {
                return Err(TransportError::new(
                    TransportErrorKind::BodyTooLarge,
                    format!("response body exceeds the limit of {limit} bytes"),
                ));
            }
            buf.extend_from_slice(&chunk);
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
        let mut builder = self.client.request(request.method.clone(), &request.url);
        for (k, v) in &request.headers {
            // Header values go out as their UTF-8 bytes, as the Python SDK's latin-1 transcoding does.
            let value = match http::HeaderValue::from_bytes(v.as_bytes()) {
                Ok(v) => v,
                Err(_) => {
                    let msg =
                        format!("header {k} has a value that cannot be sent (control characters)");
                    return Box::pin(async move {
                        Err(TransportError::new(TransportErrorKind::Request, msg))
                    });
                }
            };
            let name = match http::HeaderName::from_bytes(k.as_bytes()) {
                Ok(n) => n,
                Err(_) => {
                    let msg = format!("'{k}' is not a valid header name");
                    return Box::pin(async move {
                        Err(TransportError::new(TransportErrorKind::Request, msg))
                    });
                }
            };
            builder = builder.header(name, value);
        }
        // hyper leaves an empty body without Content-Length; like Python's `requests`, send
        // `Content-Length: 0` for every method but GET and HEAD (RFC 9110 8.6; some gateways
        // answer 411 without it). Not signed, as in the official SDK.
        if request.body.is_empty()
            && request.method != http::Method::GET
            && request.method != http::Method::HEAD
        {
            builder = builder.header(http::header::CONTENT_LENGTH, 0);
        }
        let fut = builder.body(request.body).send();
        let scrub = self.scrub.clone();
        Box::pin(async move {
            let resp = fut.await.map_err(|e| {
                let msg = scrub.scrub(&format!("request failed: {}", without_url(&e)));
                TransportError::new(classify(&e), msg).with_source(e)
            })?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
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
