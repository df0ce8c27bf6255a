//! Secret hygiene under TRACE logging. Its own test binary: a scoped tracing subscriber can
//! miss events when other tests in the same process race to cache callsite interest.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use huaweicloud_sdk_core::__codegen::{Method, OperationInput};
use huaweicloud_sdk_core::credentials::MetadataProvider;
use huaweicloud_sdk_core::{Client, Credentials};
use support::{RecordingSleeper, TEST_SERVICE, op};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SK: &str = "pipelineSecretKey000000000000000000000SK";
const TOKEN: &str = "gQpjbi1ub3J0aC00FAKE-SECURITY-TOKEN+/==";
const META_SK: &str = "metadataSecretKey00000000000000000000META";
const META_TOKEN: &str = "gQpjbi1ub3J0aC00METADATA-TEMP-TOKEN+/==";
const SESSION_TOKEN: &str = "metadata-session-token-0123456789";

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

    // Same subscriber (one test per binary, see above): temporary credentials from the
    // metadata service, with the project id looked up in IAM on the way.
    captured.0.lock().unwrap().clear();
    metadata_credentials_and_project_lookup_leak_nothing(&captured).await;
}

async fn metadata_credentials_and_project_lookup_leak_nothing(captured: &Captured) {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/meta-data/latest/api/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(SESSION_TOKEN))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/openstack/latest/securitykey"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"credential":{{"access":"METAAK00000000000001","expires_at":"2099-01-01T00:00:00.000000Z","secret":"{META_SK}","securitytoken":"{META_TOKEN}"}}}}"#
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/projects"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"projects":[{"id":"proj-meta","name":"cn-north-4"}]}"#),
        )
        .mount(&server)
        .await;
    // The service echoes the signed request, token and secret included (it never sees the
    // metadata session token, which must stay out of the logs all the same).
    Mock::given(any())
        .respond_with(ResponseTemplate::new(403).set_body_string(format!(
            r#"{{"error_code":"APIGW.0301","error_msg":"canonicalRequest:PUT|x-security-token:{META_TOKEN}|sk={META_SK}","request_id":"r2"}}"#
        )))
        .mount(&server)
        .await;
    let c = Client::builder(&TEST_SERVICE)
        .region("cn-north-4")
        .endpoint(server.uri())
        .iam_endpoint(server.uri())
        .credentials(MetadataProvider::new().with_endpoint(server.uri()))
        .sleeper(Arc::new(RecordingSleeper::default()))
        .build_core()
        .unwrap();
    let input = OperationInput::new(op(
        Method::Put,
        "/v2/{project_id}/x",
        Some("application/json"),
        true,
    ));
    let err = c.send_empty(input).await.unwrap_err();
    let creds = c.credentials().await.unwrap();
    let texts = [
        err.to_string(),
        format!("{err:?}"),
        err.raw_body().unwrap_or("").to_owned(),
        format!("{c:?}"),
        format!("{creds:?}"),
    ];
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("asking IAM"), "the lookup is logged: {logs}");
    assert!(logs.contains("huaweicloud.operation"), "{logs}");
    for text in texts.iter().chain(std::iter::once(&logs)) {
        for secret in [META_SK, META_TOKEN, SESSION_TOKEN] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }
    assert_eq!(err.status(), Some(403));
    // The temporary token did sign both the IAM lookup and the service request.
    let reqs = server.received_requests().await.unwrap();
    let signed: Vec<&str> = reqs
        .iter()
        .filter(|r| r.headers.contains_key("authorization"))
        .map(|r| r.url.path())
        .collect();
    assert_eq!(signed, ["/v3/projects", "/v2/proj-meta/x"]);
    for r in reqs
        .iter()
        .filter(|r| r.headers.contains_key("authorization"))
    {
        assert_eq!(r.headers.get("x-security-token").unwrap(), META_TOKEN);
    }
}
