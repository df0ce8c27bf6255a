//! The request pipeline against a local server on 127.0.0.1: retries per idempotency and
//! status (attempts counted at the server), Retry-After through the injected sleeper,
//! deadlines, error classification, empty bodies, decode failures and secret hygiene.

mod support;

use std::sync::Arc;
use std::time::Duration;

use huaweicloud_sdk_core::__codegen::{Method, OperationInput, OperationSpec};
use huaweicloud_sdk_core::{Backoff, Client, Credentials, ErrorKind, RequestOptions, RetryPolicy};
use support::{RecordingSleeper, TEST_SERVICE, op};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SK: &str = "pipelineSecretKey000000000000000000000SK";
const TOKEN: &str = "gQpjbi1ub3J0aC00FAKE-SECURITY-TOKEN+/==";

fn exact_backoff() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Backoff::Exponential {
        base: Duration::from_millis(100),
        cap: Duration::from_secs(5),
    })
}

fn client(server: &MockServer, sleeper: &RecordingSleeper) -> Client {
    Client::builder(&TEST_SERVICE)
        .endpoint(server.uri())
        .credentials(
            Credentials::new("AKTEST", SK)
                .unwrap()
                .with_project_id("0123456789abcdef0123456789abcdef")
                .with_security_token(TOKEN),
        )
        .retry(exact_backoff())
        .sleeper(Arc::new(sleeper.clone()))
        .build_core()
        .unwrap()
}

fn input(spec: &'static OperationSpec) -> OperationInput {
    let mut i = OperationInput::new(spec);
    i.path("instance_id", Some("i-1"));
    i
}

fn put_op(idempotent: bool) -> &'static OperationSpec {
    op(
        Method::Put,
        "/v2/{project_id}/instances/{instance_id}",
        Some("application/json"),
        idempotent,
    )
}

async fn server_answering(status: u16, body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_string(body)
                .insert_header("X-Request-Id", "req-1"),
        )
        .mount(&server)
        .await;
    server
}

async fn attempts(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn retries_follow_idempotency_and_status() {
    // (status, idempotent, expected attempts)
    let table = [
        (503, true, 3),
        (503, false, 1),
        (502, true, 3),
        (504, false, 1),
        (429, false, 3),
        (429, true, 3),
        (500, true, 1),
        (400, true, 1),
        (404, false, 1),
    ];
    for (status, idempotent, expected) in table {
        let server = server_answering(status, r#"{"error_code":"X.1","error_msg":"m"}"#).await;
        let sleeper = RecordingSleeper::default();
        let err = client(&server, &sleeper)
            .send_empty(input(put_op(idempotent)))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(
            attempts(&server).await,
            expected,
            "status {status}, idempotent {idempotent}"
        );
        let want: Vec<Duration> = [100, 200]
            .iter()
            .take(expected - 1)
            .map(|ms| Duration::from_millis(*ms))
            .collect();
        assert_eq!(sleeper.delays(), want, "status {status}");
    }
}

#[tokio::test]
async fn a_transient_failure_then_success_returns_the_success() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"a":1}"#))
        .mount(&server)
        .await;
    let sleeper = RecordingSleeper::default();
    let out = client(&server, &sleeper)
        .send_json::<serde_json::Value>(input(put_op(true)))
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    assert_eq!(out.output()["a"], 1);
    assert_eq!(attempts(&server).await, 2);
}

#[tokio::test]
async fn every_attempt_is_signed_afresh() {
    let server = server_answering(503, "").await;
    let sleeper = RecordingSleeper::default();
    let _ = client(&server, &sleeper)
        .send_empty(input(put_op(true)))
        .await;
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        assert!(
            r.headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("SDK-HMAC-SHA256 Access=AKTEST, ")
        );
        assert!(r.headers.get("x-sdk-date").is_some());
    }
}

#[tokio::test]
async fn retry_after_seconds_and_http_date_are_honoured() {
    for header in ["7", "Wed, 21 Oct 2015 07:28:00 GMT"] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", header))
            .mount(&server)
            .await;
        let sleeper = RecordingSleeper::default();
        let err = client(&server, &sleeper)
            .send_empty(input(put_op(false)))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(429));
        assert_eq!(attempts(&server).await, 3);
        let delays = sleeper.delays();
        if header == "7" {
            assert_eq!(delays, [Duration::from_secs(7), Duration::from_secs(7)]);
        } else {
            // A date in the past means "now": the backoff applies.
            assert_eq!(
                delays,
                [Duration::from_millis(100), Duration::from_millis(200)]
            );
        }
    }
}

#[tokio::test]
async fn connection_refused_is_retried_even_when_not_idempotent() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sleeper = RecordingSleeper::default();
    let client = Client::builder(&TEST_SERVICE)
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::new("AKTEST", SK).unwrap().with_project_id("p"))
        .retry(exact_backoff())
        .sleeper(Arc::new(sleeper.clone()))
        .build_core()
        .unwrap();
    let err = client.send_empty(input(put_op(false))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect, "{err:?}");
    assert_eq!(sleeper.delays().len(), 2, "3 attempts");
}

#[tokio::test]
async fn attempt_timeout_is_retried_only_when_idempotent_and_the_deadline_fires() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(800)))
        .mount(&server)
        .await;
    let sleeper = RecordingSleeper::default();
    let c = client(&server, &sleeper);
    let opts = RequestOptions::new().attempt_timeout(Duration::from_millis(100));
    let mut i = input(put_op(false));
    i.options(opts.clone());
    let err = c.send_empty(i).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(
        attempts(&server).await,
        1,
        "not idempotent: no retry after a read timeout"
    );

    let mut i = input(put_op(true));
    i.options(opts);
    let err = c.send_empty(i).await.unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(attempts(&server).await, 1 + 3);

    // The whole-operation deadline cuts an attempt that would otherwise wait 800 ms.
    let mut i = input(put_op(true));
    i.options(RequestOptions::new().operation_timeout(Duration::from_millis(150)));
    let err = c.send_empty(i).await.unwrap_err();
    assert!(err.is_timeout());
    assert!(err.to_string().contains("operation timed out"), "{err}");
}

#[tokio::test]
async fn service_errors_carry_status_code_message_and_request_id() {
    let server = server_answering(
        400,
        r#"{"error_code":"DCS.4961","error_msg":"Invalid password.","error_ext_msg":null}"#,
    )
    .await;
    let err = client(&server, &RecordingSleeper::default())
        .send_empty(input(put_op(true)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.error_code(), Some("DCS.4961"));
    assert_eq!(err.error_msg(), Some("Invalid password."));
    assert_eq!(err.request_id(), Some("req-1"));
    assert_eq!(
        err.to_string(),
        "service error: HTTP 400, code DCS.4961, message Invalid password., request id req-1"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn empty_bodies_and_decode_failures() {
    let server = server_answering(204, "").await;
    let c = client(&server, &RecordingSleeper::default());
    let out = c.send_empty(input(put_op(true))).await.unwrap();
    assert_eq!((out.status(), out.request_id()), (204, Some("req-1")));
    // An empty body decodes into a model whose fields are all optional.
    #[derive(serde::Deserialize, Debug, Default)]
    #[allow(dead_code)]
    struct AllOptional {
        code: Option<String>,
    }
    let out = c
        .send_json::<Option<AllOptional>>(input(put_op(true)))
        .await
        .unwrap();
    assert!(out.output().is_none());

    let server = server_answering(200, "<html>gateway</html>").await;
    let c = client(&server, &RecordingSleeper::default());
    let err = c
        .send_json::<serde_json::Value>(input(put_op(true)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.raw_body(), Some("<html>gateway</html>"));
    assert!(err.to_string().contains("request id req-1"), "{err}");
}

#[tokio::test]
async fn invalid_path_parameters_fail_before_any_io() {
    let server = server_answering(200, "{}").await;
    let c = client(&server, &RecordingSleeper::default());
    for bad in [None, Some(""), Some("a/b"), Some(".."), Some(".")] {
        let mut i = OperationInput::new(put_op(true));
        i.path("instance_id", bad);
        let err = c.send_empty(i).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        assert!(err.to_string().contains("`instance_id`"), "{err}");
    }
    assert_eq!(attempts(&server).await, 0);
}

#[tokio::test]
async fn raw_requests_are_signed_and_classified_like_operations() {
    let server = server_answering(200, r#"{"ok":true}"#).await;
    let c = client(&server, &RecordingSleeper::default());
    let out = c
        .raw_request(Method::Get, "/v2/{project_id}/quotas")
        .query("b", "2")
        .query("a", "x y")
        .send()
        .await
        .unwrap();
    assert_eq!(&out.output()[..], br#"{"ok":true}"#);
    let req = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        req.url.path(),
        "/v2/0123456789abcdef0123456789abcdef/quotas"
    );
    assert_eq!(req.url.query(), Some("a=x%20y&b=2"));
    assert!(req.headers.get("authorization").is_some());
}

#[tokio::test]
async fn user_agent_and_headers() {
    let server = server_answering(200, "{}").await;
    let c = Client::builder(&TEST_SERVICE)
        .endpoint(server.uri())
        .credentials(Credentials::new("AKTEST", SK).unwrap().with_project_id("p"))
        .user_agent_suffix("my-app/1.0")
        .default_header("X-Custom", "  v  ")
        .build_core()
        .unwrap();
    c.send_empty(input(put_op(true))).await.unwrap();
    let req = &server.received_requests().await.unwrap()[0];
    let ua = req.headers.get("user-agent").unwrap().to_str().unwrap();
    assert_eq!(
        ua,
        format!(
            "huaweicloud-usdk-rust/{}; my-app/1.0",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert_eq!(req.headers.get("x-custom").unwrap(), "v");
    assert_eq!(req.headers.get("x-project-id").unwrap(), "p");
    assert_eq!(req.headers.get("content-type").unwrap(), "application/json");
    let auth = req.headers.get("authorization").unwrap().to_str().unwrap();
    assert!(
        auth.contains(
            "SignedHeaders=content-type;host;user-agent;x-custom;x-project-id;x-sdk-date,"
        ),
        "{auth}"
    );
}

/// Refuses connections to `down.example` (as DNS or a closed port would) and forwards the rest
/// to a local server; counts the attempts per host.
#[derive(Debug)]
struct FlakyHosts {
    forward: Arc<huaweicloud_sdk_core::test_util::LoopbackRedirect>,
    seen: std::sync::Mutex<Vec<String>>,
}

impl huaweicloud_sdk_core::transport::Transport for FlakyHosts {
    fn send(
        &self,
        req: huaweicloud_sdk_core::transport::HttpRequest,
    ) -> huaweicloud_sdk_core::transport::BoxFuture<
        'static,
        Result<
            huaweicloud_sdk_core::transport::HttpResponse,
            huaweicloud_sdk_core::transport::TransportError,
        >,
    > {
        let host = req.url.split('/').nth(2).unwrap_or("").to_owned();
        self.seen.lock().unwrap().push(host.clone());
        if host.starts_with("down.example") {
            return Box::pin(async {
                Err(huaweicloud_sdk_core::transport::TransportError::new(
                    huaweicloud_sdk_core::transport::TransportErrorKind::Connect,
                    "connection refused",
                ))
            });
        }
        self.forward.send(req)
    }
}

#[tokio::test]
async fn unreachable_endpoints_fail_over_stickily_even_when_not_idempotent() {
    let server = server_answering(200, "{}").await;
    let flaky = Arc::new(FlakyHosts {
        forward: huaweicloud_sdk_core::test_util::LoopbackRedirect::new(&server.uri()).unwrap(),
        seen: Default::default(),
    });
    let sleeper = RecordingSleeper::default();
    let c = Client::builder(&TEST_SERVICE)
        .endpoints(["https://down.example", "https://up.example"])
        .credentials(Credentials::new("AKTEST", SK).unwrap().with_project_id("p"))
        .transport(flaky.clone())
        .sleeper(Arc::new(sleeper.clone()))
        .build_core()
        .unwrap();
    c.send_empty(input(put_op(false))).await.unwrap();
    c.send_empty(input(put_op(false))).await.unwrap();
    assert_eq!(
        *flaky.seen.lock().unwrap(),
        ["down.example", "up.example", "up.example"],
        "failover, then the answering endpoint stays current"
    );
    assert!(sleeper.delays().is_empty(), "failover is not a retry");
    // The request that reached the server was signed for the endpoint it went to.
    let req = &server.received_requests().await.unwrap()[0];
    assert_eq!(req.headers.get("host").unwrap(), "up.example");

    // No endpoint reachable: one Connect error naming each, then the usual retries.
    let c = Client::builder(&TEST_SERVICE)
        .endpoints(["https://down.example", "https://down.example:8443"])
        .credentials(Credentials::new("AKTEST", SK).unwrap().with_project_id("p"))
        .transport(flaky.clone())
        .retry(exact_backoff())
        .sleeper(Arc::new(sleeper.clone()))
        .build_core()
        .unwrap();
    let err = c.send_empty(input(put_op(false))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    let text = err.to_string();
    assert!(
        text.contains("none of the 2 endpoints could be reached")
            && text.contains("https://down.example: ")
            && text.contains("https://down.example:8443: "),
        "{text}"
    );
    assert_eq!(sleeper.delays().len(), 2, "3 attempts of 2 endpoints each");
}

/// A client built for a service with its own error layout (CCE) reads errors in that layout;
/// other clients read the standard one.
#[tokio::test]
async fn the_client_error_format_decides_how_error_bodies_are_read() {
    use huaweicloud_sdk_core::ErrorFormat;
    use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport};
    let body = r#"{"errorCode":"CCE.01404001","errorMessage":"Not found","message":"cluster c"}"#;
    let mut seen = Vec::new();
    for format in [ErrorFormat::Standard, ErrorFormat::Cce] {
        let mock = MockTransport::new();
        mock.on(Method::Get, "/v3/p/clusters")
            .respond(MockResponse::new(404).body(body));
        let client = Client::builder(&TEST_SERVICE)
            .endpoint("https://cce.example.test")
            .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p"))
            .error_format(format)
            .retry(RetryPolicy::disabled())
            .transport(mock)
            .build_core()
            .unwrap();
        let input = OperationInput::new(op(Method::Get, "/v3/{project_id}/clusters", None, true));
        let err = client.send_empty(input).await.unwrap_err();
        let service = err.service_error().unwrap();
        seen.push((service.error_code.clone(), service.error_msg.clone()));
    }
    assert_eq!(seen[0], ("404".to_owned(), body.to_owned()));
    assert_eq!(
        seen[1],
        ("CCE.01404001".to_owned(), "Not found, cluster c".to_owned())
    );
}
