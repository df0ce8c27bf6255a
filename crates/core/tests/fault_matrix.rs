//! Fault matrix: the client against a misbehaving server on 127.0.0.1 that has byte-level
//! control of the connection (refused, reset, slow, truncated, invalid, oversized, throttled).
//!
//! Every scenario runs for an idempotent GET and a non-idempotent POST. Each row asserts the
//! requests the server saw, the outcome (error kind and status), a message naming the cause,
//! the delays asked of the injected sleeper (never the wall clock), that no secret reached the
//! error or the TRACE logs, and that a non-idempotent call was repeated only where nothing
//! was processed.
//! `cargo test -p huaweicloud-sdk-core --test fault_matrix -- --nocapture` prints the table.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use huaweicloud_sdk_core::__codegen::{Method, OperationInput};
use huaweicloud_sdk_core::retry::FixedClock;
use huaweicloud_sdk_core::{
    Backoff, Bytes, Client, Credentials, Error, ErrorKind, RequestOptions, RetryPolicy,
};
use support::{RecordingSleeper, TEST_SERVICE, op, read_request, vector_time};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

const SK: &str = "faultMatrixSecretKey0000000000000000000SK";
const TOKEN: &str = "gQpjbi1ub3J0aC00FAULT-MATRIX-TOKEN+/==";
/// Cap on buffered bodies in these tests; the oversized bodies are 16 times larger.
const BODY_CAP: usize = 64 * 1024;
const HUGE: usize = 16 * BODY_CAP;
/// The attempt timeout of the slow scenarios; the server stalls far longer.
const SHORT_ATTEMPT: Duration = Duration::from_millis(300);
const STALL: Duration = Duration::from_secs(30);

/// What the server does with each request it has read in full.
#[derive(Clone, Debug)]
enum Fault {
    /// Nothing listens on the port: the connection is refused.
    Refused,
    /// A complete response; the connection stays open for the next request.
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Status line, headers and part of the body, then a TCP reset.
    ResetMidResponse,
    /// Closes the connection without sending a byte.
    CloseWithoutResponse,
    /// Waits before the status line.
    SlowHeaders,
    /// Sends the headers and part of the body, then waits.
    SlowBody,
    /// Announces 100 bytes, sends 10, closes cleanly.
    TruncatedBody,
}

fn respond(status: u16, headers: &[(&'static str, &str)], body: impl Into<Vec<u8>>) -> Fault {
    Fault::Respond {
        status,
        headers: headers.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
        body: body.into(),
    }
}

fn head(status: u16, content_length: usize, headers: &[(&'static str, String)]) -> Vec<u8> {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {content_length}\r\nX-Request-Id: fault-req-1\r\n"
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// A one-scenario HTTP/1.1 server on 127.0.0.1 counting the requests it read in full.
struct FaultServer {
    origin: String,
    requests: Arc<AtomicUsize>,
    accept_loop: Option<JoinHandle<()>>,
}

impl FaultServer {
    async fn start(fault: Fault) -> Self {
        let requests = Arc::new(AtomicUsize::new(0));
        if let Fault::Refused = fault {
            // Bind, note the port, close: nothing listens there any more.
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("bind a probe port")
                .port();
            return Self {
                origin: format!("http://127.0.0.1:{port}"),
                requests,
                accept_loop: None,
            };
        }
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let origin = format!("http://{}", listener.local_addr().expect("local addr"));
        let counter = requests.clone();
        let accept_loop = tokio::spawn(async move {
            // Dropping the set (when this task is aborted) aborts every connection task.
            let mut connections = JoinSet::new();
            while let Ok((socket, _)) = listener.accept().await {
                connections.spawn(serve(socket, fault.clone(), counter.clone()));
            }
        });
        Self {
            origin,
            requests,
            accept_loop: Some(accept_loop),
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        if let Some(t) = &self.accept_loop {
            t.abort();
        }
    }
}

async fn serve(mut socket: TcpStream, fault: Fault, requests: Arc<AtomicUsize>) {
    while read_request(&mut socket).await {
        requests.fetch_add(1, Ordering::SeqCst);
        // Write errors mean the client has gone (e.g. after its timeout): nothing to do.
        match &fault {
            Fault::Refused => return,
            Fault::Respond {
                status,
                headers,
                body,
            } => {
                let mut out = head(*status, body.len(), headers);
                out.extend_from_slice(body);
                if socket.write_all(&out).await.is_err() {
                    return;
                }
            }
            Fault::ResetMidResponse => {
                let mut out = head(200, 1000, &[]);
                out.extend_from_slice(&[b'x'; 100]);
                let _ = socket.write_all(&out).await;
                let _ = socket.flush().await;
                // SO_LINGER 0: closing sends RST instead of FIN.
                let _ = socket.set_zero_linger();
                return;
            }
            Fault::CloseWithoutResponse => return,
            Fault::SlowHeaders => {
                tokio::time::sleep(STALL).await;
                let _ = socket.write_all(&head(200, 2, &[])).await;
                let _ = socket.write_all(b"{}").await;
                return;
            }
            Fault::SlowBody => {
                let _ = socket.write_all(&head(200, 20, &[])).await;
                let _ = socket.write_all(br#"{"name":"#).await;
                tokio::time::sleep(STALL).await;
                return;
            }
            Fault::TruncatedBody => {
                let _ = socket.write_all(&head(200, 100, &[])).await;
                let _ = socket.write_all(br#"{"name":"a"#).await;
                let _ = socket.shutdown().await;
                return;
            }
        }
    }
}

/// The typed output the JSON calls decode into.
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Instance {
    name: String,
    capacity: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    /// `send_json::<Instance>`: the body is buffered under the cap and decoded.
    Json,
    /// `send_stream`, then the stream read to its end: not capped.
    Stream,
}

/// What a row expects.
#[derive(Debug)]
struct Expect {
    /// Requests read in full by the server.
    server_attempts: usize,
    /// `Ok(summary of the output)` or the error kind.
    outcome: Result<String, ErrorKind>,
    status: Option<u16>,
    /// Delays asked of the sleeper, in milliseconds.
    sleeps_ms: Vec<u64>,
    /// Substrings the error's Display must contain.
    mentions: Vec<String>,
}

struct Row {
    scenario: &'static str,
    fault: Fault,
    method: Method,
    call: Call,
    attempt_timeout: Option<Duration>,
    clock: Option<SystemTime>,
    expect: Expect,
}

/// Backoff sleeps of the exact policy below before retries 1..n.
fn backoff_ms(retries: usize) -> Vec<u64> {
    [100, 200].into_iter().take(retries).collect()
}

/// The same scenario for GET (idempotent) and POST (not idempotent).
#[allow(clippy::too_many_arguments)]
fn both(
    scenario: &'static str,
    fault: Fault,
    get_attempts: usize,
    post_attempts: usize,
    outcome: Result<&str, ErrorKind>,
    status: Option<u16>,
    mentions: &[&str],
) -> [Row; 2] {
    let row = |method, attempts: usize| Row {
        scenario,
        fault: fault.clone(),
        method,
        call: Call::Json,
        attempt_timeout: None,
        clock: None,
        expect: Expect {
            server_attempts: attempts,
            outcome: outcome.map(str::to_owned),
            status,
            sleeps_ms: backoff_ms(attempts.saturating_sub(1)),
            mentions: mentions.iter().map(|m| (*m).to_owned()).collect(),
        },
    };
    [
        row(Method::Get, get_attempts),
        row(Method::Post, post_attempts),
    ]
}

fn html_page(status_line: &str, filler: usize) -> String {
    // A proxy's debug page echoing the request's security token must not leak it.
    format!(
        "<html><head><title>{status_line}</title></head><body><h1>{status_line}</h1>\
         <pre>x-security-token: {TOKEN}</pre>{}<hr><center>nginx</center></body></html>",
        "<p>upstream unavailable</p>".repeat(filler)
    )
}

fn rows() -> Vec<Row> {
    let ok_json = r#"{"name":"a","capacity":2}"#;
    let json_503 = r#"{"error_code":"DCS.5003","error_msg":"busy"}"#;
    let json_500 = r#"{"error_code":"DCS.5000","error_msg":"internal"}"#;
    let throttled = r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#;
    let ct_html = [("Content-Type", "text/html")];
    let ct_json = [("Content-Type", "application/json")];
    let at = vector_time();
    let five_s_later = httpdate::fmt_http_date(at + Duration::from_secs(5));
    let mut rows = Vec::new();
    rows.extend(both(
        "well-formed 200 (control)",
        respond(200, &ct_json, ok_json),
        1,
        1,
        Ok("a, capacity 2"),
        None,
        &[],
    ));
    // The request never left: retried for every operation; the server saw nothing.
    for mut row in both(
        "connection refused",
        Fault::Refused,
        0,
        0,
        Err(ErrorKind::Connect),
        None,
        &["request failed"],
    ) {
        row.expect.sleeps_ms = backoff_ms(2);
        rows.push(row);
    }
    rows.extend(both(
        "reset mid-response (RST)",
        Fault::ResetMidResponse,
        3,
        1,
        Err(ErrorKind::Transport),
        None,
        &[],
    ));
    rows.extend(both(
        "closed without a response",
        Fault::CloseWithoutResponse,
        3,
        1,
        Err(ErrorKind::Transport),
        None,
        &[],
    ));
    for fault in [Fault::SlowHeaders, Fault::SlowBody] {
        let name = match fault {
            Fault::SlowHeaders => "slow headers (stall > attempt timeout)",
            _ => "slow body (stall > attempt timeout)",
        };
        for mut row in both(
            name,
            fault.clone(),
            3,
            1,
            Err(ErrorKind::Timeout),
            None,
            &["timed out after 300ms"],
        ) {
            row.attempt_timeout = Some(SHORT_ATTEMPT);
            rows.push(row);
        }
    }
    rows.extend(both(
        "truncated body (100 announced, 10 sent)",
        Fault::TruncatedBody,
        3,
        1,
        Err(ErrorKind::Transport),
        None,
        &["reading the response body failed"],
    ));
    rows.extend(both(
        "invalid JSON on 200",
        respond(200, &ct_json, r#"{"name":"a","capacity":"#),
        1,
        1,
        Err(ErrorKind::Decode),
        None,
        &[
            "HTTP 200",
            "fault_matrix::Instance",
            "capacity",
            "EOF",
            "fault-req-1",
        ],
    ));
    rows.extend(both(
        "wrong field type on 200",
        respond(200, &ct_json, r#"{"name":"a","capacity":"big"}"#),
        1,
        1,
        Err(ErrorKind::Decode),
        None,
        &["fault_matrix::Instance: at `capacity`", "expected u32"],
    ));
    rows.extend(both(
        "HTML error page 502",
        respond(502, &ct_html, html_page("502 Bad Gateway", 1)),
        3,
        1,
        Err(ErrorKind::Service),
        Some(502),
        &["HTTP 502", "code 502", "502 Bad Gateway", "fault-req-1"],
    ));
    rows.extend(both(
        "HTML error page 500",
        respond(500, &ct_html, html_page("500 Internal Server Error", 1)),
        1,
        1,
        Err(ErrorKind::Service),
        Some(500),
        &["HTTP 500", "500 Internal Server Error"],
    ));
    rows.extend(both(
        "huge HTML error page 503 (1 MiB)",
        respond(
            503,
            &ct_html,
            html_page("503 Service Unavailable", HUGE / 20),
        ),
        3,
        1,
        Err(ErrorKind::Service),
        Some(503),
        &["HTTP 503", "503 Service Unavailable", "bytes in all"],
    ));
    let huge_json = format!(r#"{{"name":"{}","capacity":1}}"#, "n".repeat(HUGE));
    rows.extend(both(
        "huge body 1 MiB, buffered (cap 64 KiB)",
        respond(200, &ct_json, huge_json.clone()),
        1,
        1,
        Err(ErrorKind::Decode),
        None,
        &["exceeds the limit of 65536 bytes"],
    ));
    let streamed = format!("{} bytes", huge_json.len());
    for mut row in both(
        "huge body 1 MiB, streamed (not capped)",
        respond(200, &ct_json, huge_json.clone()),
        1,
        1,
        Ok(&streamed),
        None,
        &[],
    ) {
        row.call = Call::Stream;
        rows.push(row);
    }
    // Throttled requests were not processed: retried for every operation, as long as asked.
    for mut row in both(
        "429 Retry-After: 3",
        respond(429, &[("Retry-After", "3")], throttled),
        3,
        3,
        Err(ErrorKind::Service),
        Some(429),
        &["HTTP 429", "APIGW.0308"],
    ) {
        row.expect.sleeps_ms = vec![3000, 3000];
        rows.push(row);
    }
    for mut row in both(
        "429 Retry-After: HTTP date (now + 5 s)",
        respond(429, &[("Retry-After", &five_s_later)], throttled),
        3,
        3,
        Err(ErrorKind::Service),
        Some(429),
        &["HTTP 429"],
    ) {
        row.clock = Some(at);
        row.expect.sleeps_ms = vec![5000, 5000];
        rows.push(row);
    }
    rows.extend(both(
        "503 JSON error",
        respond(503, &ct_json, json_503),
        3,
        1,
        Err(ErrorKind::Service),
        Some(503),
        &["HTTP 503", "DCS.5003", "busy"],
    ));
    rows.extend(both(
        "500 JSON error",
        respond(500, &ct_json, json_500),
        1,
        1,
        Err(ErrorKind::Service),
        Some(500),
        &["HTTP 500", "DCS.5000"],
    ));
    rows
}

fn client(origin: &str, sleeper: &RecordingSleeper, clock: Option<SystemTime>) -> Client {
    let mut builder = Client::builder(&TEST_SERVICE)
        .endpoint(origin)
        .credentials(
            Credentials::new("AKFAULT", SK)
                .expect("credentials")
                .with_project_id("0123456789abcdef0123456789abcdef")
                .with_security_token(TOKEN),
        )
        .retry(RetryPolicy::default().with_backoff(Backoff::Exponential {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(5),
        }))
        .max_response_body(BODY_CAP)
        .sleeper(Arc::new(sleeper.clone()));
    if let Some(at) = clock {
        builder = builder.clock(Arc::new(FixedClock(at)));
    }
    builder.build_core().expect("client")
}

fn input(row: &Row) -> OperationInput {
    let mut input = match row.method {
        Method::Get => {
            OperationInput::new(op(Method::Get, "/v2/{project_id}/instances", None, true))
        }
        _ => {
            let mut i = OperationInput::new(op(
                Method::Post,
                "/v2/{project_id}/instances",
                Some("application/json"),
                false,
            ));
            i.raw_body(Bytes::from_static(br#"{"name":"a","capacity":2}"#));
            i
        }
    };
    if let Some(t) = row.attempt_timeout {
        input.options(RequestOptions::new().attempt_timeout(t));
    }
    input
}

async fn call(client: &Client, row: &Row) -> Result<String, Error> {
    match row.call {
        Call::Json => {
            let out = client.send_json::<Instance>(input(row)).await?;
            Ok(format!("{}, capacity {}", out.name, out.capacity))
        }
        Call::Stream => {
            let out = client.send_stream(input(row)).await?;
            Ok(format!(
                "{} bytes",
                out.into_output().collect().await?.len()
            ))
        }
    }
}

struct Seen {
    server_attempts: usize,
    outcome: Result<String, ErrorKind>,
    status: Option<u16>,
    sleeps_ms: Vec<u64>,
    text: String,
}

fn describe(r: &Result<String, ErrorKind>, status: Option<u16>) -> String {
    match (r, status) {
        (Ok(summary), _) => format!("Ok ({summary})"),
        (Err(k), Some(s)) => format!("{k:?} {s}"),
        (Err(k), None) => format!("{k:?}"),
    }
}

/// Everything a row got wrong (empty when it holds).
fn check(row: &Row, seen: &Seen) -> Vec<String> {
    let e = &row.expect;
    let mut wrong = Vec::new();
    if seen.server_attempts != e.server_attempts {
        wrong.push(format!(
            "server saw {} requests, expected {}",
            seen.server_attempts, e.server_attempts
        ));
    }
    if seen.outcome != e.outcome || seen.status != e.status {
        wrong.push(format!(
            "outcome {}, expected {}",
            describe(&seen.outcome, seen.status),
            describe(&e.outcome, e.status)
        ));
    }
    if seen.sleeps_ms != e.sleeps_ms {
        wrong.push(format!(
            "sleeps {:?} ms, expected {:?}",
            seen.sleeps_ms, e.sleeps_ms
        ));
    }
    for m in &e.mentions {
        if !seen.text.contains(m.as_str()) {
            wrong.push(format!("error does not mention {m:?}"));
        }
    }
    if seen.text.contains(SK) || seen.text.contains(TOKEN) {
        wrong.push("a secret reached the error".into());
    }
    // A non-idempotent call is repeated only when the server cannot have acted on it.
    if row.method == Method::Post && seen.server_attempts > 1 && seen.status != Some(429) {
        wrong.push("a non-idempotent request was retried after it was processed".into());
    }
    wrong
}

/// Everything logged, at TRACE, by every thread of this test binary.
#[derive(Clone, Default)]
struct CapturedLogs(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CapturedLogs {
    /// Installs the capture as the global subscriber (this binary has a single test).
    fn install() -> Self {
        let logs = Self::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            // Span openings and closings too, with every recorded field.
            .with_span_events(
                tracing_subscriber::fmt::format::FmtSpan::NEW
                    | tracing_subscriber::fmt::format::FmtSpan::CLOSE,
            )
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        logs
    }

    fn since(&self, offset: usize) -> String {
        let bytes = self.0.lock().map(|v| v.clone()).unwrap_or_default();
        String::from_utf8_lossy(bytes.get(offset..).unwrap_or_default()).into_owned()
    }

    fn len(&self) -> usize {
        self.0.lock().map(|v| v.len()).unwrap_or_default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix() {
    // The HTML pages echo the security token: it must reach neither errors nor logs.
    let logs = CapturedLogs::install();
    let mut table = vec![
        "| scenario | method | server saw | outcome | sleeps requested |".to_owned(),
        "|---|---|---|---|---|".to_owned(),
    ];
    let mut failures = Vec::new();
    for row in rows() {
        let server = FaultServer::start(row.fault.clone()).await;
        let sleeper = RecordingSleeper::new();
        let client = client(&server.origin, &sleeper, row.clock);
        let logged_before = logs.len();
        let result = call(&client, &row).await;
        let logged = logs.since(logged_before);
        let seen = Seen {
            server_attempts: server.requests(),
            status: result.as_ref().err().and_then(Error::status),
            text: match &result {
                Ok(_) => String::new(),
                Err(e) => format!("{e}\n{e:?}\n{}", e.raw_body().unwrap_or_default()),
            },
            outcome: result.clone().map_err(|e| e.kind()),
            sleeps_ms: sleeper
                .delays()
                .iter()
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                .collect(),
        };
        let method = format!(
            "{:?}{}",
            row.method,
            if row.call == Call::Stream {
                " (stream)"
            } else {
                ""
            }
        );
        let sleeps = if seen.sleeps_ms.is_empty() {
            "-".to_owned()
        } else {
            seen.sleeps_ms
                .iter()
                .map(|ms| format!("{ms} ms"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        table.push(format!(
            "| {} | {method} | {} | {} | {sleeps} |",
            row.scenario,
            seen.server_attempts,
            describe(&seen.outcome, seen.status)
        ));
        let mut wrong = check(&row, &seen);
        if logged.contains(SK) || logged.contains(TOKEN) {
            wrong.push("a secret reached the logs".into());
        }
        if !logged.contains("huaweicloud.operation") {
            wrong.push("the call logged nothing: is the capture working?".into());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{} / {method}: {}\n  error: {}",
                row.scenario,
                wrong.join("; "),
                seen.text.lines().next().unwrap_or("")
            ));
        }
    }
    println!("{}", table.join("\n"));
    assert!(
        failures.is_empty(),
        "{} row(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
