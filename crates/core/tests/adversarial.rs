//! The request pipeline against hostile servers, careless callers and broken machines.
//!
//! Every server is a raw tokio socket or an in-process transport on 127.0.0.1; every loop is
//! bounded in count and every wait in time (`tokio::time::timeout` guards, or a paused clock).
//! Each test names the class of problem it covers; secrets are checked in `Display`,
//! `Debug`, `raw_body()` and TRACE output with exact strings.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use huaweicloud_sdk_core::__codegen::{Method, OperationInput};
use huaweicloud_sdk_core::credentials::MetadataProvider;
use huaweicloud_sdk_core::retry::{Backoff, FixedClock};
use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport};
use huaweicloud_sdk_core::transport::{
    BoxFuture, HttpRequest, HttpResponse, Transport, TransportError,
};
use huaweicloud_sdk_core::{Client, Credentials, Error, RequestOptions, RetryPolicy};
use support::{RecordingSleeper, TEST_SERVICE, op, read_request};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

const SK: &str = "ADVERSARIAL-SECRET-KEY-0123456789abcdef";
/// A token with the characters JSON and URLs escape (`/`, `+`, `=`).
const TOKEN: &str = "gQpTOKEN/with+slash=and+plus/xyz0123456789";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// Bound on any one test's wait: far above what a passing run needs.
const GUARD: Duration = Duration::from_secs(20);

/// `text` with JSON string escapes (`\/`, `\u002b`) and percent-encoding (`%2F`) undone, so
/// a secret hidden by either form shows as itself.
fn unescaped(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let hex = |s: &[u8]| {
            std::str::from_utf8(s)
                .ok()
                .and_then(|h| u32::from_str_radix(h, 16).ok())
        };
        match b[i] {
            b'\\' if i + 1 < b.len() && b[i + 1] == b'/' => {
                out.push(b'/');
                i += 2;
            }
            b'\\' if i + 5 < b.len() && b[i + 1] == b'u' => {
                match hex(&b[i + 2..i + 6]).and_then(char::from_u32) {
                    Some(c) => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += 6;
                    }
                    None => {
                        out.push(b[i]);
                        i += 1;
                    }
                }
            }
            b'%' if i + 2 < b.len() => match hex(&b[i + 1..i + 3]) {
                Some(v) => {
                    out.push(v as u8);
                    i += 3;
                }
                None => {
                    out.push(b[i]);
                    i += 1;
                }
            },
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Fails when `text` holds any secret, raw, percent-encoded or JSON-escaped, whole or by a
/// distinctive 12-character prefix.
fn assert_no_secret(what: &str, text: &str, secrets: &[&str]) {
    let plain = unescaped(text);
    for s in secrets {
        let prefix = &s[..s.len().min(12)];
        for (form, haystack) in [
            (s, text),
            (s, plain.as_str()),
            (&prefix, text),
            (&prefix, plain.as_str()),
        ] {
            assert!(
                !haystack.contains(*form),
                "{what} leaks a secret ({form}): {text}"
            );
        }
    }
}

#[test]
fn the_leak_check_sees_every_form() {
    let leaks =
        |text: &str| std::panic::catch_unwind(|| assert_no_secret("t", text, &[TOKEN])).is_err();
    assert!(leaks(TOKEN));
    assert!(leaks(&TOKEN.replace('/', "\\/").replace('+', "\\u002b")));
    assert!(leaks(&TOKEN.replace('/', "%2F").replace('+', "%2b")));
    assert!(!leaks("nothing to see"));
}

/// A server on 127.0.0.1 that answers every request with `response` (raw bytes) and then,
/// if `stall`, keeps the connection open without writing more. Counts requests.
struct ScriptServer {
    origin: String,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptServer {
    async fn start(response: Vec<u8>, stall: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let task = tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            while let Ok((mut socket, _)) = listener.accept().await {
                let response = response.clone();
                let counter = counter.clone();
                conns.spawn(async move {
                    loop {
                        if !read_request(&mut socket).await {
                            return;
                        }
                        counter.fetch_add(1, Ordering::SeqCst);
                        if socket.write_all(&response).await.is_err() {
                            return;
                        }
                        if stall {
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                            return;
                        }
                    }
                });
            }
        });
        Self {
            origin,
            requests,
            task,
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for ScriptServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn http_response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn credentials() -> Credentials {
    Credentials::new("AKADVERSARIAL", SK)
        .unwrap()
        .with_project_id(PROJECT)
        .with_security_token(TOKEN)
}

fn client_for(origin: &str, sleeper: &RecordingSleeper) -> huaweicloud_sdk_core::ClientBuilder {
    Client::builder(&TEST_SERVICE)
        .endpoint(origin)
        .credentials(credentials())
        .sleeper(Arc::new(sleeper.clone()))
}

fn get_input() -> OperationInput {
    OperationInput::new(op(Method::Get, "/v2/{project_id}/instances", None, true))
}

/// A non-idempotent PUT, like DCS `ResetAclAccountPassWord`.
fn put_input() -> OperationInput {
    let mut i = OperationInput::new(op(
        Method::Put,
        "/v2/{project_id}/instances/i-1/accounts/a-1/password/reset",
        Some("application/json"),
        false,
    ));
    i.raw_body(Bytes::from_static(br#"{"new_password":"N3w-Passw0rd!"}"#));
    i
}

async fn guarded<T>(fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(GUARD, fut)
        .await
        .expect("the call did not finish within the guard")
}

// ---------------------------------------------------------------------------------------
// Class 1: a server header or a caller's duration must not panic the process.

#[tokio::test]
async fn huge_retry_after_with_an_operation_timeout_does_not_panic() {
    for value in ["18446744073709551615", "9223372036854775807", "99999999999"] {
        let server =
            ScriptServer::start(http_response(429, &[("Retry-After", value)], b"{}"), false).await;
        let sleeper = RecordingSleeper::new();
        let client = client_for(&server.origin, &sleeper)
            .operation_timeout(Duration::from_secs(30))
            .build_core()
            .unwrap();
        let err = guarded(client.send_json::<serde_json::Value>(get_input()))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(429), "{value}: {err}");
        // No wait beyond the time left in the operation was even asked for.
        assert!(
            sleeper
                .delays()
                .iter()
                .all(|d| *d <= Duration::from_secs(30)),
            "{value}: {:?}",
            sleeper.delays()
        );
    }
}

#[tokio::test]
async fn duration_max_timeouts_do_not_panic() {
    let server = ScriptServer::start(http_response(200, &[], b"{}"), false).await;
    let sleeper = RecordingSleeper::new();
    let client = client_for(&server.origin, &sleeper)
        .operation_timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .build_core()
        .unwrap();
    let out = guarded(client.send_json::<serde_json::Value>(get_input())).await;
    assert!(out.is_ok(), "{out:?}");
    let mut input = get_input();
    input.options(
        RequestOptions::new()
            .operation_timeout(Duration::MAX)
            .attempt_timeout(Duration::MAX),
    );
    let out = guarded(client.send_json::<serde_json::Value>(input)).await;
    assert!(out.is_ok(), "{out:?}");
}

// ---------------------------------------------------------------------------------------
// Class 2: a server cannot make a call wait for days.

#[tokio::test]
async fn server_given_delays_are_capped() {
    let server = ScriptServer::start(
        http_response(429, &[("Retry-After", "100000")], b"{}"),
        false,
    )
    .await;
    let sleeper = RecordingSleeper::new();
    let client = client_for(&server.origin, &sleeper).build_core().unwrap();
    let err = guarded(client.send_json::<serde_json::Value>(get_input()))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    let delays = sleeper.delays();
    assert_eq!(delays.len(), 2, "{delays:?}");
    // The default cap on a server-given delay is 20 s.
    assert!(
        delays.iter().all(|d| *d <= Duration::from_secs(20)),
        "{delays:?}"
    );
}

#[tokio::test]
async fn server_given_delays_never_exceed_the_time_left() {
    let server =
        ScriptServer::start(http_response(429, &[("Retry-After", "15")], b"{}"), false).await;
    let sleeper = RecordingSleeper::new();
    let client = client_for(&server.origin, &sleeper)
        .operation_timeout(Duration::from_secs(10))
        .build_core()
        .unwrap();
    let err = guarded(client.send_json::<serde_json::Value>(get_input()))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    // 15 s is more than the 10 s left: the call gives up at once instead of sleeping.
    assert!(sleeper.delays().is_empty(), "{:?}", sleeper.delays());
    assert_eq!(server.requests(), 1);
}

// ---------------------------------------------------------------------------------------
// Class 3: streamed bodies have a deadline.

#[tokio::test]
async fn a_stalled_streamed_body_times_out_under_either_timeout() {
    let mut response = b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n".to_vec();
    response.extend_from_slice(&[b'x'; 10]);
    let server = ScriptServer::start(response, true).await;
    let limit = Duration::from_millis(300);
    for (which, builder) in [
        (
            "attempt",
            client_for(&server.origin, &RecordingSleeper::new()).attempt_timeout(limit),
        ),
        (
            "operation",
            client_for(&server.origin, &RecordingSleeper::new()).operation_timeout(limit),
        ),
    ] {
        let client = builder.build_core().unwrap();
        let resp = guarded(client.send_stream(get_input())).await.unwrap();
        let err = guarded(resp.into_output().collect()).await.unwrap_err();
        assert!(err.is_timeout(), "{which}: {err}");
    }
}

// ---------------------------------------------------------------------------------------
// Class 4: a 3xx is never success.

#[tokio::test]
async fn redirects_are_errors_with_status_and_location() {
    for status in [300u16, 301, 302, 303, 307, 308] {
        let location = format!("https://elsewhere.example/reset?token={TOKEN}");
        let server = ScriptServer::start(
            http_response(
                status,
                &[("Location", location.as_str()), ("X-Request-Id", "rid-3xx")],
                b"",
            ),
            false,
        )
        .await;
        let sleeper = RecordingSleeper::new();
        let client = client_for(&server.origin, &sleeper).build_core().unwrap();
        let err = guarded(client.send_json::<serde_json::Value>(put_input()))
            .await
            .unwrap_err();
        assert_eq!(format!("{:?}", err.kind()), "Redirect", "{status}: {err}");
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.request_id(), Some("rid-3xx"));
        let shown = err.to_string();
        assert!(shown.contains("elsewhere.example/reset"), "{shown}");
        assert_no_secret("redirect Display", &shown, &[TOKEN]);
        assert_no_secret("redirect Debug", &format!("{err:?}"), &[TOKEN]);
        // Sent once, never followed, never retried.
        assert_eq!(server.requests(), 1, "{status}");
        assert!(!err.is_retryable());
    }
}

// ---------------------------------------------------------------------------------------
// Class 5: an empty 2xx body decodes for all-optional models and `()`.

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
#[allow(dead_code)]
struct AllOptional {
    job_id: Option<String>,
    count: Option<i64>,
}

#[tokio::test]
async fn empty_success_bodies_decode_for_all_optional_models() {
    for status in [200u16, 202, 204] {
        let server = ScriptServer::start(http_response(status, &[], b""), false).await;
        let sleeper = RecordingSleeper::new();
        let client = client_for(&server.origin, &sleeper).build_core().unwrap();
        let out = guarded(client.send_json::<AllOptional>(get_input())).await;
        let out = out.unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(out.status(), status);
        assert!(out.job_id.is_none());
        let unit = guarded(client.send_json::<()>(get_input())).await;
        assert!(unit.is_ok(), "{status}: {unit:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Class 6: one credentials refresh and one project lookup at a time, failures included.

/// A transport that never answers and counts what it was asked.
#[derive(Debug, Default)]
struct SilentTransport {
    calls: AtomicUsize,
}

impl Transport for SilentTransport {
    fn send(&self, _: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::pending())
    }
}

fn security_key_body(expires: SystemTime) -> serde_json::Value {
    let secs = expires
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let at = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    serde_json::json!({"credential": {"access": "AKTEMP", "secret": SK, "securitytoken": TOKEN, "expires_at": at}})
}

/// A clock that can be moved forward.
#[derive(Debug, Clone)]
struct SteppingClock(Arc<Mutex<SystemTime>>);

impl SteppingClock {
    fn new(at: SystemTime) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }
    fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
}

impl huaweicloud_sdk_core::retry::Clock for SteppingClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_window_callers_share_one_metadata_refresh() {
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let clock = SteppingClock::new(start);
    let mock = MockTransport::new();
    mock.on(Method::Put, "/meta-data/latest/api/token")
        .respond(MockResponse::new(200).body("session-token-1"));
    // The refresh brings credentials valid for longer.
    mock.on(Method::Get, "/openstack/latest/securitykey")
        .respond(MockResponse::json(
            200,
            security_key_body(start + Duration::from_secs(3600)),
        ))
        .respond(MockResponse::json(
            200,
            security_key_body(start + Duration::from_secs(7200)),
        ));
    let provider = Arc::new(
        MetadataProvider::new()
            .with_endpoint("http://127.0.0.1:9")
            .with_transport(mock.clone())
            .with_clock(Arc::new(clock.clone())),
    );
    provider.load().await.unwrap();
    // 30 minutes later the credentials are in the refresh window but still valid.
    clock.advance(Duration::from_secs(30 * 60));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let p = provider.clone();
        tasks.spawn(async move { p.load().await.map(|c| c.access_key().to_owned()) });
    }
    while let Some(r) = guarded(tasks.join_next()).await {
        assert_eq!(r.unwrap().unwrap(), "AKTEMP");
    }
    let gets = mock
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("securitykey"))
        .count();
    // The first load and one refresh.
    assert_eq!(gets, 2, "{:?}", mock.hits());
}

#[tokio::test(start_paused = true)]
async fn a_silent_metadata_service_fails_all_waiting_callers_at_once() {
    let transport = Arc::new(SilentTransport::default());
    let provider = Arc::new(
        MetadataProvider::new()
            .with_endpoint("http://127.0.0.1:9")
            .with_transport(transport.clone())
            .with_timeouts(Duration::from_secs(1), Duration::from_secs(2)),
    );
    let begun = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let p = provider.clone();
        tasks.spawn(async move { p.load().await });
    }
    while let Some(r) = tasks.join_next().await {
        assert!(r.unwrap().is_err());
    }
    // One token request for all of them, and one timeout's wait (not twenty).
    assert_eq!(transport.calls.load(Ordering::SeqCst), 1);
    assert!(
        begun.elapsed() < Duration::from_secs(10),
        "{:?}",
        begun.elapsed()
    );
    // A failure is not cached: the next call asks again.
    let _ = provider.load().await;
    assert_eq!(transport.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_calls_share_one_project_lookup() {
    let transport = Arc::new(SlowIam::default());
    let client = Client::builder(&TEST_SERVICE)
        .region("cn-north-4")
        // A unique IAM endpoint keeps the process-wide cache of other tests out.
        .iam_endpoint("https://iam.single-flight.example")
        .credentials(Credentials::new("AKSINGLEFLIGHT", SK).unwrap())
        .transport(transport.clone())
        .build_core()
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let c = client.clone();
        tasks.spawn(async move { c.send_json::<serde_json::Value>(get_input()).await });
    }
    while let Some(r) = guarded(tasks.join_next()).await {
        r.unwrap().unwrap();
    }
    assert_eq!(transport.lookups.load(Ordering::SeqCst), 1);
    assert_eq!(transport.calls.load(Ordering::SeqCst), 200);
}

/// IAM that takes 50 ms to answer the project lookup; the service answers `{}` at once.
#[derive(Debug, Default)]
struct SlowIam {
    lookups: AtomicUsize,
    calls: AtomicUsize,
}

impl Transport for SlowIam {
    fn send(&self, r: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        let lookup = r.url.contains("/v3/projects");
        if lookup {
            self.lookups.fetch_add(1, Ordering::SeqCst);
        } else {
            self.calls.fetch_add(1, Ordering::SeqCst);
        }
        Box::pin(async move {
            let body: &'static [u8] = if lookup {
                tokio::time::sleep(Duration::from_millis(50)).await;
                br#"{"projects":[{"id":"p-single-flight","name":"cn-north-4"}]}"#
            } else {
                b"{}"
            };
            Ok(HttpResponse::from_bytes(
                200,
                http::HeaderMap::new(),
                Bytes::from_static(body),
            ))
        })
    }
}

// ---------------------------------------------------------------------------------------
// Class 7: no secret anywhere.

#[tokio::test]
async fn json_escaped_tokens_in_error_bodies_are_scrubbed() {
    let escaped = TOKEN.replace('/', "\\/").replace('+', "\\u002b");
    let body = format!(
        r#"{{"error_code":"APIGW.0301","error_msg":"bad token {escaped}","echo":"{escaped}"}}"#
    );
    let server = ScriptServer::start(http_response(400, &[], body.as_bytes()), false).await;
    let sleeper = RecordingSleeper::new();
    let client = client_for(&server.origin, &sleeper).build_core().unwrap();
    let err = guarded(client.send_json::<serde_json::Value>(get_input()))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_no_secret("raw_body", err.raw_body().unwrap_or_default(), &[TOKEN, SK]);
    assert_no_secret("Debug", &format!("{err:?}"), &[TOKEN, SK]);
    assert_no_secret("Display", &err.to_string(), &[TOKEN, SK]);
}

#[tokio::test]
async fn a_secret_in_the_request_id_header_is_scrubbed() {
    let rid = format!("rid-{TOKEN}");
    let server = ScriptServer::start(
        http_response(
            500,
            &[("X-Request-Id", rid.as_str())],
            br#"{"error_code":"E","error_msg":"m"}"#,
        ),
        false,
    )
    .await;
    let sleeper = RecordingSleeper::new();
    let client = client_for(&server.origin, &sleeper).build_core().unwrap();
    let err = guarded(client.send_json::<serde_json::Value>(get_input()))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.request_id().is_some_and(|r| r.starts_with("rid-")));
    assert_no_secret("Display", &err.to_string(), &[TOKEN]);
    assert_no_secret("Debug", &format!("{err:?}"), &[TOKEN]);
    assert_no_secret("request_id()", err.request_id().unwrap(), &[TOKEN]);
    // The TRACE output of the same call is checked in tests/request_id_logs.rs, a binary of
    // its own: a thread-local subscriber misses events whose callsites other tests' threads
    // registered first.
}

#[test]
fn debug_of_prepared_requests_options_and_inputs_hides_secrets() {
    let client = Client::builder(&TEST_SERVICE)
        .endpoint("https://127.0.0.1:1")
        .credentials(credentials())
        .clock(Arc::new(FixedClock(support::vector_time())))
        .build_core()
        .unwrap();
    let mut input = put_input();
    input.options(RequestOptions::new().header("X-Auth-Token", "CALLER-AUTH-TOKEN-VALUE"));
    let shown = format!("{input:?}");
    assert_no_secret(
        "OperationInput",
        &shown,
        &["N3w-Passw0rd!", "CALLER-AUTH-TOKEN-VALUE"],
    );
    let prepared = client.prepare(&input, &credentials()).unwrap();
    let shown = format!("{prepared:?}");
    assert_no_secret(
        "PreparedRequest",
        &shown,
        &[TOKEN, SK, "CALLER-AUTH-TOKEN-VALUE"],
    );
    assert!(
        !shown.contains(prepared.signing.as_ref().unwrap().signature.as_str()),
        "{shown}"
    );
    let options = RequestOptions::new().header("X-Auth-Token", "CALLER-AUTH-TOKEN-VALUE");
    assert_no_secret(
        "RequestOptions",
        &format!("{options:?}"),
        &["CALLER-AUTH-TOKEN-VALUE"],
    );
    let raw = client
        .raw_request(Method::Post, "/v2/{project_id}/x")
        .header("X-Auth-Token", "CALLER-AUTH-TOKEN-VALUE")
        .body("application/json", r#"{"password":"RAW-BODY-PASSWORD"}"#);
    assert_no_secret(
        "RawRequest",
        &format!("{raw:?}"),
        &["CALLER-AUTH-TOKEN-VALUE", "RAW-BODY-PASSWORD"],
    );
}

#[tokio::test]
async fn recorded_metadata_requests_hide_the_metadata_token() {
    let mock = MockTransport::new();
    mock.on(Method::Put, "/meta-data/latest/api/token")
        .respond(MockResponse::new(200).body("METADATA-SESSION-TOKEN-123"));
    mock.on(Method::Get, "/openstack/latest/securitykey")
        .respond(MockResponse::json(
            200,
            security_key_body(SystemTime::now() + Duration::from_secs(7200)),
        ));
    let provider = MetadataProvider::new()
        .with_endpoint("http://127.0.0.1:9")
        .with_transport(mock.clone());
    provider.load().await.unwrap();
    let recorded = format!("{:?}", mock.requests());
    assert!(recorded.contains("securitykey"), "{recorded}");
    assert_no_secret(
        "recorded metadata requests",
        &recorded,
        &["METADATA-SESSION-TOKEN-123"],
    );
}

// ---------------------------------------------------------------------------------------
// Class 8: config files cannot exhaust memory or block the runtime.

#[cfg(unix)]
#[tokio::test]
async fn a_credentials_file_that_is_a_device_or_a_fifo_is_refused_quickly() {
    use huaweicloud_sdk_core::ProvideCredentials;
    use huaweicloud_sdk_core::credentials::ProfileProvider;
    let dir = support::TempDir::new("special");
    let fifo = dir.path().join("fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    for path in [std::path::PathBuf::from("/dev/zero"), fifo] {
        let provider = ProfileProvider::with_path(&path);
        let err = guarded(provider.provide_credentials()).await.unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("not a regular file"),
            "{}: {msg}",
            path.display()
        );
    }
}

#[tokio::test]
async fn an_oversized_credentials_file_is_refused() {
    use huaweicloud_sdk_core::ProvideCredentials;
    use huaweicloud_sdk_core::credentials::ProfileProvider;
    let dir = support::TempDir::new("big");
    let mut text = String::from("[basic]\nak = AK\nsk = SK\n");
    text.push_str(&"# padding\n".repeat(200_000));
    let path = dir.write("credentials", &text);
    let err = guarded(ProfileProvider::with_path(&path).provide_credentials())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
}

#[test]
fn a_deeply_nested_regions_file_is_rejected_by_its_depth() {
    let deep = format!("DCS: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let err = huaweicloud_sdk_core::region::parse_regions_file(&deep, "regions.yaml", "DCS", "x")
        .unwrap_err();
    assert!(err.to_string().contains("nested"), "{err}");
    let deep_block: String = (0..5_000)
        .map(|i| format!("{}- \n", " ".repeat(i * 2)))
        .collect();
    let err = huaweicloud_sdk_core::region::parse_regions_file(
        &format!("DCS:\n{deep_block}"),
        "regions.yaml",
        "DCS",
        "x",
    )
    .unwrap_err();
    assert!(err.to_string().contains("nested"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Class 9: out-of-range integers are decode errors, not clamped values.

#[derive(Debug, serde::Deserialize)]
struct Count {
    #[serde(default, deserialize_with = "huaweicloud_sdk_core::lenient::opt_i64")]
    count: Option<i64>,
}

#[test]
fn out_of_range_integers_are_errors() {
    for text in [
        r#"{"count": 9223372036854775808}"#,
        r#"{"count": 18446744073709551615}"#,
        r#"{"count": 9.3e18}"#,
        r#"{"count": -9.3e18}"#,
        r#"{"count": "9223372036854775808"}"#,
    ] {
        let r = serde_json::from_str::<Count>(text);
        assert!(r.is_err(), "{text} decoded as {r:?}");
    }
    let ok: Count = serde_json::from_str(r#"{"count": 9223372036854775807}"#).unwrap();
    assert_eq!(ok.count, Some(i64::MAX));
    let ok: Count = serde_json::from_str(r#"{"count": -9.223372036854775808e18}"#).unwrap();
    assert_eq!(ok.count, Some(i64::MIN));
}

// ---------------------------------------------------------------------------------------
// Classes that already held, kept under test: gzip bombs and endless bodies are capped,
// 1xx floods and header injection are handled.

#[tokio::test]
async fn an_endless_body_is_cut_at_the_cap() {
    let response = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    let mut chunked = response;
    for _ in 0..64 {
        chunked.extend_from_slice(b"4000\r\n");
        chunked.extend_from_slice(&[b' '; 0x4000]);
        chunked.extend_from_slice(b"\r\n");
    }
    let server = ScriptServer::start(chunked, true).await;
    let sleeper = RecordingSleeper::new();
    let client = client_for(&server.origin, &sleeper)
        .max_response_body(64 * 1024)
        .build_core()
        .unwrap();
    let err = guarded(client.send_json::<serde_json::Value>(get_input()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("exceeds the limit"), "{err}");
}

#[tokio::test]
async fn a_gzip_body_is_not_inflated() {
    // Content-Encoding is not negotiated, so a gzip body stays opaque bytes and cannot
    // expand beyond what was sent.
    let server = ScriptServer::start(
        http_response(200, &[("Content-Encoding", "gzip")], &[0x1f, 0x8b, 8, 0]),
        false,
    )
    .await;
    let sleeper = RecordingSleeper::new();
    let client = client_for(&server.origin, &sleeper).build_core().unwrap();
    let out = guarded(client.send_bytes(get_input())).await.unwrap();
    assert_eq!(out.output().len(), 4);
}

#[tokio::test]
async fn a_flood_of_informational_responses_is_bounded() {
    let mut response = Vec::new();
    for _ in 0..1000 {
        response.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    response.extend_from_slice(&http_response(200, &[], b"{}"));
    let server = ScriptServer::start(response, false).await;
    let sleeper = RecordingSleeper::new();
    let client = client_for(&server.origin, &sleeper)
        .attempt_timeout(Duration::from_secs(5))
        .build_core()
        .unwrap();
    // Either outcome is fine as long as it is bounded and not a panic.
    let _ = guarded(client.send_json::<serde_json::Value>(get_input())).await;
}

#[test]
fn header_injection_is_refused_before_sending() {
    let client = Client::builder(&TEST_SERVICE)
        .endpoint("https://127.0.0.1:1")
        .credentials(credentials())
        .build_core()
        .unwrap();
    let mut input = get_input();
    input.options(RequestOptions::new().header("X-Custom", "a\r\nX-Injected: yes"));
    let err: Error = client.prepare(&input, &credentials()).unwrap_err();
    assert!(err.to_string().contains("control characters"), "{err}");
}

/// A caller's `X-Sdk-Date` is the signing time (IMS `ListImages` declares it as a header
/// parameter). The official SDK refuses one it cannot parse before sending; so do we, with
/// the header named, instead of sending a request the gateway can only reject.
#[test]
fn a_caller_sdk_date_that_is_not_a_signing_time_is_refused_before_sending() {
    let client = Client::builder(&TEST_SERVICE)
        .endpoint("https://127.0.0.1:1")
        .credentials(credentials())
        .build_core()
        .unwrap();
    for bad in [
        "yesterday",
        "2024-01-02T03:04:05Z",
        "20240102T030405",
        "20241302T030405Z",
        "2024010２T030405Z",
    ] {
        let mut input = get_input();
        input.options(RequestOptions::new().header("X-Sdk-Date", bad));
        let err: Error = client.prepare(&input, &credentials()).unwrap_err();
        assert_eq!(
            err.kind(),
            huaweicloud_sdk_core::ErrorKind::InvalidRequest,
            "{bad}: {err}"
        );
        assert!(err.to_string().contains("X-Sdk-Date"), "{bad}: {err}");
    }
    let mut input = get_input();
    input.options(RequestOptions::new().header("x-sdk-date", "20240102T030405Z"));
    let prepared = client.prepare(&input, &credentials()).unwrap();
    let auth = prepared
        .request
        .headers
        .iter()
        .find(|(k, _)| k == "Authorization")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(auth.starts_with("SDK-HMAC-SHA256 Access="), "{auth}");
}

#[tokio::test]
async fn a_retry_signs_again_with_the_new_date() {
    let server = ScriptServer::start(http_response(503, &[], b"{}"), false).await;
    let clock = SteppingClock::new(support::vector_time());
    let stepping = clock.clone();
    // Each backoff moves the clock by a minute, so a re-signed attempt must differ.
    #[derive(Debug)]
    struct AdvancingSleeper(SteppingClock);
    impl huaweicloud_sdk_core::retry::Sleep for AdvancingSleeper {
        fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
            self.0.advance(Duration::from_secs(60));
            Box::pin(async {})
        }
    }
    let recorder = Arc::new(RecordingTransport::default());
    let client = Client::builder(&TEST_SERVICE)
        .endpoint(&server.origin)
        .credentials(credentials())
        .clock(Arc::new(clock))
        .sleeper(Arc::new(AdvancingSleeper(stepping)))
        .retry(RetryPolicy::default().with_backoff(Backoff::None))
        .transport(recorder.clone())
        .build_core()
        .unwrap();
    let _ = guarded(client.send_json::<serde_json::Value>(get_input())).await;
    let seen = recorder.requests.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    let header = |r: &HttpRequest, n: &str| {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_ne!(
        header(&seen[0], "X-Sdk-Date"),
        header(&seen[1], "X-Sdk-Date")
    );
    assert_ne!(
        header(&seen[0], "Authorization"),
        header(&seen[1], "Authorization")
    );
}

/// Records requests and answers 503.
#[derive(Debug, Default)]
struct RecordingTransport {
    requests: Mutex<Vec<HttpRequest>>,
}

impl Transport for RecordingTransport {
    fn send(&self, r: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        self.requests.lock().unwrap().push(r);
        Box::pin(async {
            Ok(HttpResponse::from_bytes(
                503,
                http::HeaderMap::new(),
                Bytes::from_static(b"{}"),
            ))
        })
    }
}
