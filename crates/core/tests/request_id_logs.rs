//! A secret echoed in the `X-Request-Id` header of an error response stays out of the TRACE
//! logs (spans and events). One test in this binary, with a global subscriber, so every
//! callsite's events reach it.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use huaweicloud_sdk_core::__codegen::{Method, OperationInput};
use huaweicloud_sdk_core::{Client, Credentials};
use support::{RecordingSleeper, TEST_SERVICE, op, read_request};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

const SK: &str = "LOGS-SECRET-KEY-0123456789abcdef";
const TOKEN: &str = "gQpTOKEN/with+slash=and+plus/xyz0123456789";

#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_secret_in_the_request_id_header_stays_out_of_trace_logs() {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(
            tracing_subscriber::fmt::format::FmtSpan::NEW
                | tracing_subscriber::fmt::format::FmtSpan::CLOSE,
        )
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let body = br#"{"error_code":"E","error_msg":"m"}"#;
    let response = format!(
        "HTTP/1.1 500 X\r\ncontent-length: {}\r\nX-Request-Id: rid-{TOKEN}\r\n\r\n{}",
        body.len(),
        String::from_utf8_lossy(body)
    );
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        while read_request(&mut socket).await {
            if socket.write_all(response.as_bytes()).await.is_err() {
                return;
            }
        }
    });
    let client = Client::builder(&TEST_SERVICE)
        .endpoint(&origin)
        .credentials(
            Credentials::new("AKLOGS", SK)
                .unwrap()
                .with_project_id("0123456789abcdef0123456789abcdef")
                .with_security_token(TOKEN),
        )
        .sleeper(Arc::new(RecordingSleeper::new()))
        .build_core()
        .unwrap();
    let input = OperationInput::new(op(Method::Get, "/v2/{project_id}/instances", None, true));
    let err = tokio::time::timeout(
        Duration::from_secs(20),
        client.send_json::<serde_json::Value>(input),
    )
    .await
    .unwrap()
    .unwrap_err();
    server.abort();
    assert_eq!(err.status(), Some(500));
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(text.contains("rid-"), "the logs were not captured: {text}");
    for secret in [TOKEN, SK, "gQpTOKEN/wit", "gQpTOKEN%2F", "gQpTOKEN\\/"] {
        assert!(!text.contains(secret), "TRACE logs leak {secret}: {text}");
    }
}
