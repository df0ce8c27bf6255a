//! `RawRequest::send_json` decodes into the caller's type with the SDK's errors: a body that
//! does not match names the field, service errors are parsed, and everything else (signing,
//! retries) is as for `send`.

mod support;

use std::sync::Arc;

use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport};
use huaweicloud_sdk_core::{Client, Credentials, ErrorKind, Method};
use support::TEST_SERVICE;

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Quotas {
    quotas: Vec<Quota>,
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Quota {
    name: String,
    used: i64,
}

fn client(mock: &Arc<MockTransport>) -> Client {
    Client::builder(&TEST_SERVICE)
        .endpoint("https://dcs.cn-north-4.myhuaweicloud.com")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .transport(mock.clone())
        .build_core()
        .unwrap()
}

fn answering(response: MockResponse) -> Arc<MockTransport> {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v2/{project_id}/quotas")
        .respond(response);
    mock
}

#[tokio::test]
async fn decodes_the_body_into_the_callers_type() {
    let mock = answering(MockResponse::json(
        200,
        serde_json::json!({ "quotas": [{ "name": "instance", "used": 3, "extra": true }] }),
    ));
    let out = client(&mock)
        .raw_request(Method::Get, "/v2/{project_id}/quotas")
        .query("type", "all")
        .send_json::<Quotas>()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    assert_eq!(out.request_id(), Some("mock-request-id"));
    assert_eq!(
        out.quotas,
        [Quota {
            name: "instance".into(),
            used: 3
        }]
    );
    let sent = mock.requests();
    assert_eq!(sent[0].path, "/v2/p1/quotas");
    assert!(sent[0].header("Authorization").is_some());
}

#[tokio::test]
async fn a_body_that_does_not_match_is_a_decode_error_naming_the_field() {
    let mock = answering(MockResponse::json(
        200,
        serde_json::json!({ "quotas": [{ "name": "a", "used": 1 }, { "name": "b", "used": "many" }] }),
    ));
    let err = client(&mock)
        .raw_request(Method::Get, "/v2/{project_id}/quotas")
        .send_json::<Quotas>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let text = err.to_string();
    assert!(text.contains("at `quotas[1].used`"), "{text}");
    assert!(err.raw_body().is_some_and(|b| b.contains("many")));
    assert_eq!(err.operation_idempotent(), Some(true));
}

#[tokio::test]
async fn service_errors_are_parsed_as_for_any_call() {
    let mock = answering(MockResponse::error(404, "DCS.4404", "no such quota").request_id("r-1"));
    let err = client(&mock)
        .raw_request(Method::Get, "/v2/{project_id}/quotas")
        .send_json::<Quotas>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(
        (err.status(), err.error_code(), err.request_id()),
        (Some(404), Some("DCS.4404"), Some("r-1"))
    );
}
