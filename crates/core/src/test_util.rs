//! Helpers for testing code that uses the SDK without a network (feature `test-util`).
//!
//! - [`RecordingSleeper`] records the backoff delays the client asks for instead of sleeping.
//! - [`LoopbackRedirect`] sends every request to a local server while keeping the signed
//!   `Host`, like a DNS override: requests signed for real hostnames reach 127.0.0.1.
//! - [`StaticTransport`] answers every request with a canned response and records requests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;

use crate::retry::Sleep;
use crate::transport::{
    BoxFuture, HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError,
};

/// Records requested delays and returns at once.
#[derive(Debug, Default, Clone)]
pub struct RecordingSleeper(Arc<Mutex<Vec<Duration>>>);

impl RecordingSleeper {
    /// A new, empty recorder.
    pub fn new() -> Self {
        Self::default()
    }
    /// The delays asked for so far.
    pub fn delays(&self) -> Vec<Duration> {
        self.0.lock().map(|d| d.clone()).unwrap_or_default()
    }
}

impl Sleep for RecordingSleeper {
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        if let Ok(mut v) = self.0.lock() {
            v.push(d);
        }
        Box::pin(async {})
    }
}

/// Forwards requests to `http://127.0.0.1:<port>` (or another loopback origin), adding the
/// original authority as the `Host` header so the signature still matches.
#[derive(Debug)]
pub struct LoopbackRedirect {
    origin: String,
    inner: ReqwestTransport,
}

impl LoopbackRedirect {
    /// Redirects to `origin`, which must be a loopback `http://` origin.
    pub fn new(origin: &str) -> crate::Result<Arc<Self>> {
        let origin = origin.trim_end_matches('/');
        let loopback = ["http://127.", "http://localhost:", "http://[::1]:"];
        if !loopback.iter().any(|p| origin.starts_with(p)) {
            return Err(crate::Error::config(format!(
                "LoopbackRedirect only targets loopback origins, not {origin}"
            )));
        }
        Ok(Arc::new(Self {
            origin: origin.to_owned(),
            inner: ReqwestTransport::new(Duration::from_secs(5))?,
        }))
    }
}

impl Transport for LoopbackRedirect {
    fn send(
        &self,
        mut req: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        let after_scheme = req.url.split_once("://").map(|(_, r)| r).unwrap_or("");
        let (authority, rest) = match after_scheme.find('/') {
            Some(i) => (&after_scheme[..i], &after_scheme[i..]),
            None => (after_scheme, ""),
        };
        req.headers.push(("Host".into(), authority.to_owned()));
        req.url = format!("{}{}", self.origin, rest);
        self.inner.send(req)
    }
}

/// Answers every request with the same status, headers and body; records the requests.
#[derive(Debug, Clone)]
pub struct StaticTransport {
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
    seen: Arc<Mutex<Vec<HttpRequest>>>,
}

impl StaticTransport {
    /// A transport answering `status` with `body` (JSON content type).
    pub fn new(status: u16, body: impl Into<Bytes>) -> Arc<Self> {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        headers.insert(
            "x-request-id",
            http::HeaderValue::from_static("test-request-id"),
        );
        Arc::new(Self {
            status,
            headers,
            body: body.into(),
            seen: Arc::default(),
        })
    }
    /// The requests received so far (secrets in them are real: do not print them in logs).
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.seen.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl Transport for StaticTransport {
    fn send(&self, req: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        if let Ok(mut v) = self.seen.lock() {
            v.push(req);
        }
        let resp = HttpResponse::from_bytes(self.status, self.headers.clone(), self.body.clone());
        Box::pin(async move { Ok(resp) })
    }
}
