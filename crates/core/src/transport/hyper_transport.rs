//! The built-in transport: hyper's pooled HTTP/1.1 client over [`super::connect`].
//!
//! Built on hyper directly rather than on reqwest: per request reqwest parses the URL twice
//! more and runs redirect and retry layers the SDK does not use (it follows no redirects and
//! retries by its own policy), about as much work again as hyper's own per request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyDataStream, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::connect::{Connector, ProxyRoute};
use super::{
    BoxFuture, HttpRequest, HttpResponse, Proxy, Transport, TransportError, TransportErrorKind,
    TransportOptions, header_map,
};

/// How long an idle pooled connection is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The default transport: hyper (HTTP/1.1, keep-alive) with rustls (`ring`) and the platform's
/// certificate verifier.
#[derive(Clone)]
pub struct HyperTransport {
    client: HyperClient<Connector, Full<Bytes>>,
    proxy: Option<Proxy>,
    /// `Proxy-Authorization` for plain-HTTP requests through the proxy (sensitive).
    proxy_authorization: Option<http::HeaderValue>,
    extra_roots: usize,
    roots_only: bool,
    /// Removes the proxy password from error texts.
    scrub: crate::error::Scrubber,
}

/// The transport's former name, from when it was built on reqwest.
#[deprecated(note = "renamed `HyperTransport`")]
pub type ReqwestTransport = HyperTransport;

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("proxy", &self.proxy)
            .field("extra_root_certificates", &self.extra_roots)
            .field("root_certificates_only", &self.roots_only)
            .finish()
    }
}

impl HyperTransport {
    /// A transport with the given connect timeout. Redirects are not followed (as in the
    /// official SDKs) and no proxy is read from the environment implicitly.
    pub fn new(connect_timeout: Duration) -> Result<Self, crate::Error> {
        Self::with_options(&TransportOptions::new(connect_timeout))
    }

    /// A transport with a proxy and/or extra trusted root certificates. `HTTP_PROXY` /
    /// `HTTPS_PROXY` are not read: a proxy is used only when configured, as in the Go SDK.
    pub fn with_options(options: &TransportOptions) -> Result<Self, crate::Error> {
        let (tls, extra_roots) = tls_config(options)?;
        let mut tcp = HttpConnector::new();
        // The scheme is the connector's business (TLS for https), not the TCP layer's.
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        let route = match &options.proxy {
            Some(p) => Some(Arc::new(proxy_route(p)?)),
            None => None,
        };
        let proxy_authorization = route.as_ref().and_then(|r| r.authorization.clone());
        let connector = Connector {
            tcp,
            tls: tokio_rustls::TlsConnector::from(Arc::new(tls)),
            proxy: route,
            timeout: options.connect_timeout,
        };
        let client = HyperClient::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_timer(TokioTimer::new())
            .build(connector);
        let scrub =
            crate::error::Scrubber::new(options.proxy.iter().filter_map(|p| p.password.as_deref()));
        Ok(Self {
            client,
            proxy: options.proxy.clone(),
            proxy_authorization,
            extra_roots,
            roots_only: options.root_certificates_only,
            scrub,
        })
    }
}

/// The proxy's address and `Basic` credentials.
fn proxy_route(proxy: &Proxy) -> Result<ProxyRoute, crate::Error> {
    let uri = proxy
        .url
        .parse::<http::Uri>()
        .map_err(|e| crate::Error::config(format!("proxy '{}' cannot be used: {e}", proxy.url)))?;
    let authorization = match &proxy.username {
        None => None,
        Some(user) => {
            use base64::Engine;
            let pair = format!("{user}:{}", proxy.password.as_deref().unwrap_or(""));
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            let mut value = http::HeaderValue::try_from(format!("Basic {encoded}"))
                .map_err(|_| crate::Error::config("proxy credentials cannot be sent"))?;
            value.set_sensitive(true);
            Some(value)
        }
    };
    Ok(ProxyRoute { uri, authorization })
}

/// The rustls configuration: the platform's verifier, optionally with extra roots, or only
/// the given roots. No ALPN is offered, so every connection speaks HTTP/1.1, as the official
/// SDKs do. Returns the configuration and the number of extra roots.
fn tls_config(options: &TransportOptions) -> Result<(rustls::ClientConfig, usize), crate::Error> {
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
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider)
            .map_err(verifier_err)?;
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth()
    };
    Ok((tls, extra_roots))
}

impl Transport for HyperTransport {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        let scrub = self.scrub.clone();
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
        // As Python's `requests` sends it on every request of the official SDK (unsigned).
        if !headers.contains_key(http::header::ACCEPT) {
            headers.append(http::header::ACCEPT, http::HeaderValue::from_static("*/*"));
        }
        // The URL is not repeated in the message: it may carry a query, and the operation's
        // span names the request already.
        let uri = match http::Uri::from_maybe_shared(Bytes::from(request.url)) {
            Ok(uri) if uri.scheme().is_some() && uri.host().is_some() => uri,
            Ok(_) => return Box::pin(async { Err(invalid_url("it is not absolute")) }),
            Err(e) => return Box::pin(async move { Err(invalid_url(e)) }),
        };
        if let Some(auth) = &self.proxy_authorization {
            // Through the proxy as an absolute-form request (https goes through a tunnel,
            // whose `CONNECT` carries the credentials instead).
            if uri.scheme() == Some(&http::uri::Scheme::HTTP) {
                headers.insert(http::header::PROXY_AUTHORIZATION, auth.clone());
            }
        }
        let mut req = http::Request::new(Full::new(request.body));
        *req.method_mut() = request.method;
        *req.uri_mut() = uri;
        *req.headers_mut() = headers;
        let fut = self.client.request(req);
        Box::pin(async move {
            let resp = fut.await.map_err(|e| {
                let kind = if e.is_connect() {
                    TransportErrorKind::Connect
                } else {
                    TransportErrorKind::Io
                };
                let msg = scrub.scrub(&format!("request failed: {}", describe(&e)));
                TransportError::new(kind, msg).with_source(e)
            })?;
            let (parts, body) = resp.into_parts();
            let body = BodyDataStream::new(body).map(|r| {
                r.map_err(|e| {
                    TransportError::new(
                        TransportErrorKind::Io,
                        format!("reading the response body failed: {}", describe(&e)),
                    )
                    .with_source(e)
                })
            });
            Ok(HttpResponse {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body: Box::pin(body),
            })
        })
    }
}

fn invalid_url(why: impl fmt::Display) -> TransportError {
    TransportError::new(
        TransportErrorKind::Request,
        format!("the request URL cannot be sent: {why}"),
    )
}

/// An error and its causes in one line (`a: b: c`), so the root cause (refused, timed out,
/// certificate) reaches the caller.
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        // hyper repeats a cause's text in its own at times.
        if !msg.ends_with(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        cur = s.source();
    }
    msg
}
