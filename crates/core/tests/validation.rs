//! Required inputs are checked before anything is sent: a request missing several required
//! values (path and query parameters, headers, the body) fails with one `InvalidRequest`
//! error that names every one of them, and nothing reaches the transport (not even the IAM
//! project-id lookup).

mod support;

use std::sync::Arc;

use huaweicloud_sdk_core::__codegen::{Method, OperationInput, OperationSpec};
use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport};
use huaweicloud_sdk_core::{Client, Credentials, ErrorKind, Result};
use support::{TEST_SERVICE, op};

fn create_topic() -> &'static OperationSpec {
    op(
        Method::Post,
        "/v2/{project_id}/instances/{instance_id}/topics",
        Some("application/json"),
        false,
    )
}

/// A client that would ask IAM for the project id before its first call. The answer is
/// cached per access key (process-wide), so each test uses its own.
fn client(mock: &Arc<MockTransport>, access_key: &str) -> Client {
    Client::builder(&TEST_SERVICE)
        .region("cn-north-4")
        .iam_endpoint("https://iam.cn-north-4.myhuaweicloud.com")
        .credentials(Credentials::new(access_key, "SK").unwrap())
        .transport(mock.clone())
        .build_core()
        .unwrap()
}

fn mock() -> Arc<MockTransport> {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v3/projects")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "projects": [{ "id": "p1", "name": "cn-north-4" }] }),
        ));
    mock.on(
        Method::Post,
        "/v2/{project_id}/instances/{instance_id}/topics",
    )
    .respond(MockResponse::json(200, serde_json::json!({})));
    mock
}

/// What a generated `send()` does with the builder's values.
async fn send(
    client: &Client,
    instance_id: Option<&str>,
    limit: Option<i32>,
    token: Option<&str>,
    body: Option<&serde_json::Value>,
) -> Result<()> {
    let mut input = OperationInput::new(create_topic());
    input.path("instance_id", instance_id);
    input.required_query("limit", limit.as_ref())?;
    input.required_header("X-Request-Token", token)?;
    input.required_json_body(body)?;
    client.send_empty(input).await.map(|_| ())
}

#[tokio::test]
async fn every_missing_value_is_reported_at_once() {
    let mock = mock();
    let err = send(&client(&mock, "AK-ALL"), None, None, None, None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        err.to_string(),
        "invalid request: DCS TestOperation: missing required path parameter `instance_id`, \
         query parameter `limit`, header `X-Request-Token`, request body"
    );
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

#[tokio::test]
async fn a_missing_path_parameter_fails_before_the_project_id_lookup() {
    let mock = mock();
    let body = serde_json::json!({ "name": "t" });
    let err = send(
        &client(&mock, "AK-PATH"),
        None,
        Some(10),
        Some("tok"),
        Some(&body),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request: DCS TestOperation: missing required path parameter `instance_id`"
    );
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

#[tokio::test]
async fn a_complete_request_is_sent() {
    let mock = mock();
    let body = serde_json::json!({ "name": "t" });
    send(
        &client(&mock, "AK-COMPLETE"),
        Some("i-1"),
        Some(10),
        Some("tok"),
        Some(&body),
    )
    .await
    .unwrap();
    let sent = mock.requests();
    assert_eq!(sent.len(), 2, "the IAM lookup, then the call: {sent:?}");
    assert_eq!(sent[1].path, "/v2/p1/instances/i-1/topics");
}
