//! Secret hygiene under TRACE logging. Its own test binary: a scoped tracing subscriber can
//! miss events when other tests in the same process race to cache callsite interest.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use huaweicloud_sdk_core::__codegen::{Method, OperationInput};
use huaweicloud_sdk_core::{Client, Credentials};
use support::{RecordingSleeper, TEST_SERVICE, op};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SK: &str = "pipelineSecretKey000000000000000000000SK";
const TOKEN: &str = "gQpjbi1ub3J0aC00FAKE-SECURITY-TOKEN+/==";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);
impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_failing_request_with_a_security_token_leaks_no_secret_into_logs_or_errors() {
    // The gateway echoes the canonical request, security token included (APIGW.0301).
    let echo = format!(
        r#"{{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest:PUT|/v2/x/|x-security-token:{TOKEN}|sk={SK}","request_id":"r"}}"#
    );
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401).set_body_string(echo))
        .mount(&server)
        .await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let c = Client::builder(&TEST_SERVICE)
        .endpoint(server.uri())
        .credentials(
            Credentials::new("AKTEST", SK)
                .unwrap()
                .with_project_id("p")
                .with_security_token(TOKEN),
        )
        .sleeper(Arc::new(RecordingSleeper::default()))
        .build_core()
        .unwrap();
    let mut input = OperationInput::new(op(
        Method::Put,
        "/v2/{project_id}/x",
        Some("application/json"),
        true,
    ));
    input.path("unused", None);
    let err = c.send_empty(input).await.unwrap_err();
    let texts = [
        err.to_string(),
        format!("{err:?}"),
        err.raw_body().unwrap_or("").to_owned(),
        format!("{c:?}"),
    ];
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("huaweicloud.operation"),
        "spans are logged: {logs}"
    );
    for text in texts.iter().chain(std::iter::once(&logs)) {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains(SK), "SK leaked: {text}");
    }
    assert!(err.error_msg().unwrap().contains("** redacted **"));
    // The request itself did carry the token.
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs[0].headers.get("x-security-token").unwrap(), TOKEN);
}
