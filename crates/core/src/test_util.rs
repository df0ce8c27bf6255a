//! Helpers for testing code that uses the SDK without a network (feature `test-util`).
//!
//! - [`MockTransport`] answers requests with canned responses chosen by method and path
//!   (and query), records what it was sent, and fails clearly on a request it does not expect.
//! - [`RecordingSleeper`] records the backoff delays the client asks for instead of sleeping.
//! - [`LoopbackRedirect`] sends every request to a local server while keeping the signed
//!   `Host`, like a DNS override: requests signed for real hostnames reach 127.0.0.1.
//! - [`StaticTransport`] answers every request with a canned response and records requests.
//!
//! A client takes any of the transports with `.transport(...)`; everything else (signing,
//! retries, decoding, errors) runs as in production:
//!
//! ```
//! use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport};
//! use huaweicloud_sdk_core::{Client, Credentials, ErrorKind, Method, ServiceSpec};
//!
//! static SERVICE: ServiceSpec = ServiceSpec { name: "DCS", regions: &[] };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), huaweicloud_sdk_core::Error> {
//! let mock = MockTransport::new();
//! mock.on(Method::Get, "/v2/{project_id}/instances")
//!     .query("limit", "10")
//!     .respond(MockResponse::json(200, serde_json::json!({ "instance_num": 0 })));
//!
//! let client = Client::builder(&SERVICE)
//!     .endpoint("https://dcs.cn-north-4.myhuaweicloud.com")
//!     .credentials(Credentials::new("AK", "SK")?.with_project_id("p1"))
//!     .transport(mock.clone())
//!     .build_core()?;
//! let out = client
//!     .raw_request(Method::Get, "/v2/{project_id}/instances")
//!     .query("limit", "10")
//!     .send()
//!     .await?;
//! assert_eq!(out.status(), 200);
//!
//! let seen = mock.requests();
//! assert_eq!(seen[0].path, "/v2/p1/instances");
//! assert!(seen[0].header("Authorization").is_some_and(|a| a.starts_with("SDK-HMAC-SHA256")));
//! assert!(!format!("{:?}", seen[0]).contains("Signature="), "Debug redacts it");
//!
//! // A request no route matches fails with an error that lists the routes.
//! let err = client.raw_request(Method::Delete, "/v2/{project_id}/instances/x").send().await;
//! let err = err.expect_err("no route");
//! assert_eq!(err.kind(), ErrorKind::InvalidRequest);
//! assert!(err.to_string().contains("no route for DELETE /v2/p1/instances/x"), "{err}");
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;

use crate::Method;
use crate::retry::Sleep;
use crate::transport::{
    BoxFuture, HttpRequest, HttpResponse, HyperTransport, Transport, TransportError,
    TransportErrorKind,
};

/// A canned response of a [`MockTransport`] route.
#[derive(Debug, Clone)]
pub struct MockResponse {
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
}

impl MockResponse {
    /// A response with `status`, an `X-Request-Id` of `mock-request-id` and no body.
    pub fn new(status: u16) -> Self {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "x-request-id",
            http::HeaderValue::from_static("mock-request-id"),
        );
        Self {
            status,
            headers,
            body: Bytes::new(),
        }
    }

    /// A JSON response (`Content-Type: application/json`).
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        // A `serde_json::Value` always serializes.
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        Self::new(status)
            .header("Content-Type", "application/json")
            .body(bytes)
    }

    /// A service error in the usual shape: `{"error_code": ..., "error_msg": ...}`.
    pub fn error(status: u16, error_code: &str, error_msg: &str) -> Self {
        Self::json(
            status,
            serde_json::json!({ "error_code": error_code, "error_msg": error_msg }),
        )
    }

    /// Sets the body bytes.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Adds a header; an invalid name or value is skipped (and shows in `Debug` as absent).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            self.headers.insert(n, v);
        }
        self
    }

    /// Sets the `X-Request-Id` header.
    pub fn request_id(self, id: &str) -> Self {
        self.header("X-Request-Id", id)
    }
}

/// A request a [`MockTransport`] received. `Debug` hides `Authorization` and
/// `X-Security-Token` values and prints only the body's length (bodies may hold passwords).
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    pub method: http::Method,
    /// The endpoint's host (and port, when the URL has one): which endpoint was called.
    pub host: String,
    /// The path as sent (percent-encoded), without the query.
    pub path: String,
    /// Query pairs, percent-decoded, in sending order (the signed, sorted order).
    pub query: Vec<(String, String)>,
    /// Headers in sending order, `Authorization` included.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl RecordedRequest {
    /// The value of header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`, if sent.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, or `None` when it is not JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = crate::transport::redacted_headers(&self.headers, false);
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// One route: what it matches and the responses it serves, in order (the last repeats).
#[derive(Debug)]
struct Route {
    method: Method,
    /// Path segments; `{name}` or `*` matches any one segment.
    segments: Vec<String>,
    query: Vec<(String, String)>,
    responses: Vec<MockResponse>,
    served: usize,
}

impl Route {
    fn matches(
        &self,
        method: &http::Method,
        segments: &[String],
        query: &[(String, String)],
    ) -> bool {
        self.method.as_str() == method.as_str()
            && self.segments.len() == segments.len()
            && self.segments.iter().zip(segments).all(|(want, got)| {
                want == "*" || (want.starts_with('{') && want.ends_with('}')) || want == got
            })
            && self.query.iter().all(|pair| query.contains(pair))
    }

    fn describe(&self) -> String {
        let mut s = format!("{} /{}", self.method.as_str(), self.segments.join("/"));
        for (i, (k, v)) in self.query.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(&format!("{k}={v}"));
        }
        s
    }
}

#[derive(Debug, Default)]
struct MockState {
    routes: Vec<Route>,
    requests: Vec<RecordedRequest>,
}

/// A transport that never touches the network: requests are matched against routes (method,
/// path template, required query pairs) in the order the routes were added, and answered
/// with the route's canned responses. A route serves its responses in order and repeats the
/// last (so `503` then `200` tests a retry); a route without responses answers `200` with no
/// body. A request no route matches fails with an `InvalidRequest` error listing the routes.
///
/// Every request is recorded ([`MockTransport::requests`]) after signing, as it would be sent.
pub struct MockTransport {
    state: Mutex<MockState>,
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let routes: Vec<String> = state.routes.iter().map(Route::describe).collect();
        f.debug_struct("MockTransport")
            .field("routes", &routes)
            .field("requests", &state.requests.len())
            .finish()
    }
}

/// Adds matchers and responses to a route of a [`MockTransport`].
pub struct MockRoute<'m> {
    mock: &'m MockTransport,
    index: usize,
}

impl MockRoute<'_> {
    /// Also require the query pair `name=value` (decoded; other pairs may be present too).
    pub fn query(self, name: &str, value: &str) -> Self {
        if let Some(r) = self.mock.lock().routes.get_mut(self.index) {
            r.query.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// Adds a response; responses are served in order and the last one repeats.
    pub fn respond(self, response: MockResponse) -> Self {
        if let Some(r) = self.mock.lock().routes.get_mut(self.index) {
            r.responses.push(response);
        }
        self
    }
}

impl MockTransport {
    /// A mock without routes, ready for `.transport(...)` on a client builder.
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(MockState::default()),
        })
    }

    /// Adds a route for `method` and `path`. The path is the operation's path without the
    /// endpoint, e.g. `/v2/{project_id}/instances/{instance_id}`: a `{name}` or `*` segment
    /// matches any one segment, other segments must be equal (compared percent-decoded).
    pub fn on(&self, method: Method, path: &str) -> MockRoute<'_> {
        let mut state = self.lock();
        state.routes.push(Route {
            method,
            segments: split_path(path),
            query: Vec::new(),
            responses: Vec::new(),
            served: 0,
        });
        MockRoute {
            mock: self,
            index: state.routes.len() - 1,
        }
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// How many requests each route answered, in the order the routes were added.
    pub fn hits(&self) -> Vec<(String, usize)> {
        self.lock()
            .routes
            .iter()
            .map(|r| (r.describe(), r.served))
            .collect()
    }

    // A panic while holding the lock cannot leave the state half-updated; keep using it.
    fn lock(&self) -> MutexGuard<'_, MockState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn answer(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let (path, query) = split_url(&req.url);
        let recorded = RecordedRequest {
            method: req.method.clone(),
            host: url_authority(&req.url).to_owned(),
            path: path.to_owned(),
            query: decode_query(query),
            headers: req.headers,
            body: req.body,
        };
        let segments = split_path(path);
        let mut state = self.lock();
        state.requests.push(recorded.clone());
        let route = state
            .routes
            .iter_mut()
            .find(|r| r.matches(&recorded.method, &segments, &recorded.query));
        let Some(route) = route else {
            let routes: Vec<String> = state.routes.iter().map(Route::describe).collect();
            let query = if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            };
            return Err(TransportError::new(
                TransportErrorKind::Request,
                format!(
                    "MockTransport: no route for {} {path}{query}; routes: [{}]",
                    recorded.method,
                    routes.join(", ")
                ),
            ));
        };
        let response = match route.responses.get(route.served) {
            Some(r) => Some(r.clone()),
            None => route.responses.last().cloned(),
        }
        .unwrap_or_else(|| MockResponse::new(200));
        route.served += 1;
        Ok(HttpResponse::from_bytes(
            response.status,
            response.headers,
            response.body,
        ))
    }
}

impl Transport for MockTransport {
    fn send(&self, req: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        let result = self.answer(req);
        Box::pin(async move { result })
    }
}

/// The authority of a URL (`scheme://authority/path?query`).
fn url_authority(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    after_scheme
        .find(['/', '?'])
        .map_or(after_scheme, |i| &after_scheme[..i])
}

/// The path and query of a URL (`scheme://authority/path?query`).
fn split_url(url: &str) -> (&str, &str) {
    let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    let path_and_query = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    (if path.is_empty() { "/" } else { path }, query)
}

fn split_path(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

fn decode_query(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

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
    inner: HyperTransport,
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
            inner: HyperTransport::new(Duration::from_secs(5))?,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: http::Method, url: &str) -> HttpRequest {
        HttpRequest {
            method,
            url: url.to_owned(),
            headers: vec![
                (
                    "Authorization".into(),
                    "SDK-HMAC-SHA256 Access=AK, Signature=abc".into(),
                ),
                ("X-Security-Token".into(), "token-value".into()),
                ("X-Project-Id".into(), "p1".into()),
            ],
            header_text: crate::transport::HeaderText::Utf8,
            body: Bytes::from_static(br#"{"new_password":"Secret-1"}"#),
        }
    }

    #[test]
    fn routes_match_method_path_templates_and_query() {
        let mock = MockTransport::new();
        mock.on(Method::Get, "/v2/{project_id}/instances")
            .query("limit", "10")
            .respond(MockResponse::new(200));
        mock.on(Method::Get, "/v2/{project_id}/instances")
            .respond(MockResponse::new(204));
        mock.on(Method::Put, "/v2/*/instances/a%20b")
            .respond(MockResponse::error(503, "DCS.1", "busy"))
            .respond(MockResponse::new(200));

        let status = |m: http::Method, url: String| {
            mock.answer(request(m, &url))
                .map(|r| r.status)
                .map_err(|e| e.to_string())
        };
        let base = "https://dcs.cn-north-4.myhuaweicloud.com";
        assert_eq!(
            status(
                http::Method::GET,
                format!("{base}/v2/p1/instances?limit=10&offset=0")
            ),
            Ok(200)
        );
        assert_eq!(
            status(http::Method::GET, format!("{base}/v2/p1/instances?limit=5")),
            Ok(204)
        );
        assert_eq!(
            status(http::Method::PUT, format!("{base}/v2/p1/instances/a%20b")),
            Ok(503)
        );
        assert_eq!(
            status(http::Method::PUT, format!("{base}/v2/p1/instances/a%20b")),
            Ok(200)
        );
        assert_eq!(
            status(http::Method::PUT, format!("{base}/v2/p1/instances/a%20b")),
            Ok(200),
            "the last response repeats"
        );
        assert_eq!(
            status(http::Method::POST, format!("{base}/v2/p1/instances")),
            Err("MockTransport: no route for POST /v2/p1/instances; routes: [GET /v2/{project_id}/instances?limit=10, GET /v2/{project_id}/instances, PUT /v2/*/instances/a b]".to_owned())
        );
        assert_eq!(
            mock.hits(),
            [
                ("GET /v2/{project_id}/instances?limit=10".to_owned(), 1),
                ("GET /v2/{project_id}/instances".to_owned(), 1),
                ("PUT /v2/*/instances/a b".to_owned(), 3),
            ]
        );
        let seen = mock.requests();
        assert_eq!(seen.len(), 6, "unmatched requests are recorded too");
        assert_eq!(
            seen[0].query,
            [
                ("limit".to_owned(), "10".to_owned()),
                ("offset".to_owned(), "0".to_owned())
            ]
        );
        assert_eq!(seen[0].query_value("offset"), Some("0"));
        assert_eq!(seen[0].host, "dcs.cn-north-4.myhuaweicloud.com");
        assert_eq!(seen[2].path, "/v2/p1/instances/a%20b");
        assert_eq!(seen[0].header("x-project-id"), Some("p1"));
        assert_eq!(seen[0].json().unwrap()["new_password"], "Secret-1");
    }

    #[test]
    fn debug_hides_credentials_and_bodies() {
        let mock = MockTransport::new();
        let _ = mock.answer(request(http::Method::GET, "http://127.0.0.1:1/x?a=1"));
        let seen = mock.requests();
        assert_eq!(
            format!("{:?}", seen[0]),
            r#"RecordedRequest { method: GET, path: "/x", query: [("a", "1")], headers: [("Authorization", "** redacted **"), ("X-Security-Token", "** redacted **"), ("X-Project-Id", "p1")], body_len: 27 }"#
        );
        assert_eq!(
            format!("{mock:?}"),
            r#"MockTransport { routes: [], requests: 1 }"#
        );
    }
}
