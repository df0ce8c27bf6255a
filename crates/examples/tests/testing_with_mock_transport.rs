//! Testing code that uses the SDK, without a network: `MockTransport` (feature `test-util` of
//! `huaweicloud-sdk-core`) answers the generated client's requests with canned responses and
//! records what was sent. The part between the README markers is shown verbatim in README.md
//! ("Testing code that uses the SDK"); `tests/readme.rs` keeps the two equal.

// README-BEGIN: testing
use std::sync::Arc;

use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport};
use huaweicloud_sdk_core::{Credentials, ErrorKind, Method};
use huaweicloud_sdk_dcs::Client;

/// The code under test: names of the DCS instances whose name contains `pattern`.
async fn instance_names(
    client: &Client,
    pattern: &str,
) -> Result<Vec<String>, huaweicloud_sdk_core::Error> {
    let out = client.list_instances().name(pattern).send().await?;
    Ok(out
        .instances
        .iter()
        .flatten()
        .filter_map(|i| i.name.clone())
        .collect())
}

/// A real client (signing, retries, decoding, errors) whose transport is the mock.
fn mocked_client(mock: &Arc<MockTransport>) -> Client {
    Client::builder()
        .region("cn-north-4")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .transport(mock.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn lists_instance_names() {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v2/{project_id}/instances")
        .query("name", "redis")
        .respond(MockResponse::json(
            200,
            serde_json::json!({
                "instance_num": 2,
                "instances": [{ "name": "redis-a" }, { "name": "redis-b" }]
            }),
        ));

    let names = instance_names(&mocked_client(&mock), "redis")
        .await
        .unwrap();

    assert_eq!(names, ["redis-a", "redis-b"]);
    let sent = mock.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/v2/p1/instances");
    assert_eq!(sent[0].query_value("name"), Some("redis"));
}

#[tokio::test]
async fn service_errors_reach_the_caller() {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v2/{project_id}/instances")
        .respond(MockResponse::error(403, "DCS.4001", "no permission").request_id("req-42"));

    let err = instance_names(&mocked_client(&mock), "redis")
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.error_code(), Some("DCS.4001"));
    assert_eq!(err.request_id(), Some("req-42"));
}
// README-END: testing

use std::time::Duration;

use huaweicloud_sdk_core::test_util::RecordingSleeper;

#[tokio::test]
async fn a_throttled_call_is_retried_after_the_delay_the_service_asks_for() {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v2/{project_id}/instances")
        .respond(MockResponse::error(429, "APIGW.0308", "throttled").header("Retry-After", "2"))
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "instances": [] }),
        ));
    let sleeper = RecordingSleeper::new();
    let client = Client::builder()
        .region("cn-north-4")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .transport(mock.clone())
        .sleeper(Arc::new(sleeper.clone()))
        .build()
        .unwrap();

    let names = instance_names(&client, "redis").await.unwrap();

    assert!(names.is_empty());
    assert_eq!(mock.requests().len(), 2);
    assert_eq!(sleeper.delays(), [Duration::from_secs(2)]);
    assert_eq!(
        mock.hits(),
        [("GET /v2/{project_id}/instances".to_owned(), 2)]
    );
}

#[tokio::test]
async fn an_unexpected_request_fails_clearly() {
    let mock = MockTransport::new();
    mock.on(Method::Delete, "/v2/{project_id}/instances/{instance_id}");

    let err = instance_names(&mocked_client(&mock), "redis")
        .await
        .unwrap_err();

    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let text = err.to_string();
    assert!(
        text.contains("no route for GET /v2/p1/instances?name=redis"),
        "{text}"
    );
    assert!(
        text.contains("DELETE /v2/{project_id}/instances/{instance_id}"),
        "{text}"
    );
}
