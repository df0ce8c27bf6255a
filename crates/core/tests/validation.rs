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

#[tokio::test]
async fn the_error_lists_the_paths_of_the_missing_values() {
    let mock = mock();
    let err = send(
        &client(&mock, "AK-PATHS"),
        Some(""),
        None,
        Some("tok"),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.missing_fields(),
        ["path.instance_id", "query.limit", "body"]
    );
    assert!(!err.is_retryable());
    assert_eq!(err.operation_idempotent(), Some(false));
    // Other errors have none.
    assert!(
        huaweicloud_sdk_core::Error::new(ErrorKind::InvalidRequest, "x")
            .missing_fields()
            .is_empty()
    );
}

mod body_fields {
    use super::*;
    use huaweicloud_sdk_core::__codegen::{MissingFields, RequiredFields};

    /// What generated models implement.
    #[derive(serde::Serialize)]
    struct Tag {
        key: Option<String>,
        value: Option<String>,
    }
    #[derive(serde::Serialize)]
    struct CreateTopicBody {
        name: Option<String>,
        partition: Option<i32>,
        tags: Option<Vec<Tag>>,
        labels: Option<std::collections::BTreeMap<String, Tag>>,
    }
    impl RequiredFields for Tag {
        fn missing_fields(&self, at: &mut MissingFields<'_>) {
            at.required("key", self.key.as_ref())
                .optional("value", self.value.as_ref());
        }
    }
    impl RequiredFields for CreateTopicBody {
        fn missing_fields(&self, at: &mut MissingFields<'_>) {
            at.required("name", self.name.as_ref())
                .required("partition", self.partition.as_ref())
                .optional("tags", self.tags.as_ref())
                .optional("labels", self.labels.as_ref());
        }
    }

    fn tag(key: Option<&str>) -> Tag {
        Tag {
            key: key.map(str::to_owned),
            value: None,
        }
    }

    /// A generated `send()` with the body check.
    async fn send_body(client: &Client, body: Option<&CreateTopicBody>) -> Result<()> {
        let mut input = OperationInput::new(create_topic());
        input.path("instance_id", None);
        input.required_query("limit", Some(&1))?;
        input.required_header("X-Request-Token", Some("tok"))?;
        input.validate_body(body);
        input.required_json_body(body)?;
        client.send_empty(input).await.map(|_| ())
    }

    #[tokio::test]
    async fn missing_body_fields_are_named_by_their_path_with_the_rest() {
        let mock = mock();
        let body = CreateTopicBody {
            name: None,
            partition: Some(3),
            tags: Some(vec![tag(Some("a")), tag(None)]),
            labels: Some([("env".to_owned(), tag(None))].into()),
        };
        let err = send_body(&client(&mock, "AK-BODY"), Some(&body))
            .await
            .unwrap_err();
        assert_eq!(
            err.missing_fields(),
            [
                "path.instance_id",
                "body.name",
                "body.tags[1].key",
                "body.labels.env.key"
            ]
        );
        assert_eq!(
            err.to_string(),
            "invalid request: DCS TestOperation: missing required path parameter `instance_id`, \
             field `body.name`, field `body.tags[1].key`, field `body.labels.env.key`"
        );
        assert!(mock.requests().is_empty());
    }

    #[tokio::test]
    async fn an_absent_optional_body_is_not_checked() {
        let mock = mock();
        let err = send_body(&client(&mock, "AK-NOBODY"), None)
            .await
            .unwrap_err();
        assert_eq!(err.missing_fields(), ["path.instance_id", "body"]);
    }

    #[test]
    fn a_complete_body_has_nothing_missing() {
        let body = CreateTopicBody {
            name: Some("t".into()),
            partition: Some(1),
            tags: Some(vec![tag(Some("a"))]),
            labels: None,
        };
        assert!(MissingFields::of(&body, "body").is_empty());
        assert_eq!(
            MissingFields::of(&vec![tag(None)], ""),
            ["[0].key"],
            "a list body"
        );
    }
}

#[test]
fn prepare_reports_missing_values_too() {
    let mock = mock();
    let mut input = OperationInput::new(create_topic());
    input.path("instance_id", None);
    let creds = Credentials::new("AK", "SK").unwrap().with_project_id("p1");
    let err = client(&mock, "AK-PREPARE")
        .prepare(&input, &creds)
        .unwrap_err();
    assert_eq!(err.missing_fields(), ["path.instance_id"]);
}
