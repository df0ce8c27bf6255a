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
const SECRET_HEADERS: [&str; 2] = ["authorization", "x-security-token"];

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let secret = SECRET_HEADERS.iter().any(|s| k.eq_ignore_ascii_case(s));
                (
                    k.as_str(),
                    if secret {
                        crate::error::REDACTED
                    } else {
                        v.as_str()
                    },
                )
            })
            .collect();
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

/// The default transport: reqwest with rustls (`ring`) and the platform's certificate verifier.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with the given connect timeout. Redirects are not followed (as in the
    /// official SDKs) and no proxy is read from the environment implicitly.
    pub fn new(connect_timeout: Duration) -> Result<Self, crate::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| crate::Error::config(format!("TLS setup failed: {e}")))?;
        let tls = rustls_platform_verifier::BuilderVerifierExt::with_platform_verifier(tls)
            .map_err(|e| {
                crate::Error::config(format!("TLS certificate verifier setup failed: {e}"))
            })?
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|e| crate::Error::config(format!("HTTP client setup failed: {e}")))?;
        Ok(Self { client })
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
        let mut builder = self.client.request(request.method, &request.url);
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
        let fut = builder.body(request.body).send();
        Box::pin(async move {
            let resp = fut.await.map_err(|e| {
                TransportError::new(classify(&e), format!("request failed: {}", without_url(&e)))
                    .with_source(e)
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
