//! The generated service crates end to end: the four reset-password operations, against a local server
//! on 127.0.0.1. The request must be byte-identical to the official Python SDK's (vectors with
//! fixed date and User-Agent; the expected Authorization was computed by the official SDK,
//! independently of our signer). Documented success bodies decode; documented error statuses
//! become `Error`s with code, message and request id.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use huaweicloud_sdk_core::retry::FixedClock;
use huaweicloud_sdk_core::test_util::LoopbackRedirect;
use huaweicloud_sdk_core::{ClientBuilder, Credentials, ErrorKind};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const VECTORS: &str = include_str!("../../core/tests/data/sign_vectors.json");
const PYTHON_UA: &str = "huaweicloud-usdk-python/3.0; os/Linux#6.1.0-peer#x86_64 python/3.11.7 impl/CPython; app/00000000-0000-4000-8000-000000000000";

fn vector(id: &str) -> Value {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
        .clone()
}

/// A client builder configured like the official SDK was when it recorded `case`.
fn configured<C: huaweicloud_sdk_core::ServiceClient>(
    case: &Value,
    server: &MockServer,
) -> ClientBuilder<C> {
    let i = &case["inputs"];
    let creds = Credentials::new(i["ak"].as_str().unwrap(), i["sk"].as_str().unwrap())
        .unwrap()
        .with_project_id(i["project_id"].as_str().unwrap());
    // 2026-11-22T10:10:10Z, the vectors' X-Sdk-Date.
    let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_342_210);
    ClientBuilder::<C>::new()
        .endpoint(case["client_call"]["endpoint"].as_str().unwrap())
        .credentials(creds)
        .transport(LoopbackRedirect::new(&server.uri()).unwrap())
        .clock(Arc::new(FixedClock(date)))
        .user_agent(PYTHON_UA)
}

async fn server_answering(status: u16, body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_string(body)
                .insert_header("Content-Type", "application/json")
                .insert_header("X-Request-Id", "req-0001"),
        )
        .mount(&server)
        .await;
    server
}

/// Asserts the server received exactly the request of the official SDK.
async fn assert_identical_to_official(server: &MockServer, case: &Value) {
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let req = &received[0];
    let out = &case["outputs"];
    let id = case["id"].as_str().unwrap();
    assert_eq!(req.method.as_str(), out["method"].as_str().unwrap(), "{id}");
    let pq = match req.url.query() {
        Some(q) => format!("{}?{q}", req.url.path()),
        None => req.url.path().to_owned(),
    };
    assert_eq!(pq, out["wire_path_and_query"].as_str().unwrap(), "{id}");
    for h in out["headers"].as_array().unwrap() {
        let (name, value) = (h[0].as_str().unwrap(), h[1].as_str().unwrap());
        assert_eq!(
            req.headers.get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{id}: header {name}"
        );
    }
    let body = out["body_sent"]["body"].as_str().unwrap_or("");
    assert_eq!(String::from_utf8_lossy(&req.body), body, "{id}: body");
}

#[tokio::test]
async fn dcs_reset_acl_account_pass_word() {
    use huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody;
    let case = vector("op-dcs-reset-acl-account-password");
    let documented = r#"{"code":"1","lock_time":"0","lock_time_left":"0","message":"Reset DCSInstance password success.","retry_times_left":"5"}"#;
    let server = server_answering(200, documented).await;
    let client = configured::<huaweicloud_sdk_dcs::Client>(&case, &server)
        .build()
        .unwrap();
    let out = client
        .reset_acl_account_pass_word()
        .instance_id("3c1f1c6e-5b2a-4d7e-9f00-0123456789ab")
        .account_id("acct-0001")
        .body(
            AclAccountResetPasswordBody::builder()
                .old_password("Old@Pass#2025")
                .new_password("New@Pass#2026")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_identical_to_official(&server, &case).await;
    assert_eq!(out.status(), 200);
    assert_eq!(out.request_id(), Some("req-0001"));
    assert_eq!(out.code.as_deref(), Some("1"));
    assert_eq!(
        out.message.as_deref(),
        Some("Reset DCSInstance password success.")
    );
    assert_eq!(out.retry_times_left.as_deref(), Some("5"));
    assert_eq!(out.lock_time.as_deref(), Some("0"));
    assert_eq!(out.lock_time_left.as_deref(), Some("0"));
}

#[tokio::test]
async fn dcs_reset_decodes_every_documented_error_status_and_never_retries() {
    use huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody;
    let case = vector("op-dcs-reset-acl-account-password");
    for status in [400u16, 401, 403, 404, 500] {
        let body = format!(
            r#"{{"error_code":"DCS.{status}1","error_msg":"failure {status}","error_ext_msg":null}}"#
        );
        let server = server_answering(status, &body).await;
        let client = configured::<huaweicloud_sdk_dcs::Client>(&case, &server)
            .build()
            .unwrap();
        let err = client
            .reset_acl_account_pass_word()
            .instance_id("i")
            .account_id("a")
            .body(
                AclAccountResetPasswordBody::builder()
                    .old_password("o")
                    .new_password("n")
                    .build(),
            )
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Service);
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.error_code(), Some(format!("DCS.{status}1").as_str()));
        assert_eq!(err.error_msg(), Some(format!("failure {status}").as_str()));
        assert_eq!(err.request_id(), Some("req-0001"));
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }
    // 503 would be retried for an idempotent PUT; the spec marks this one non-idempotent.
    let server = server_answering(503, "").await;
    let client = configured::<huaweicloud_sdk_dcs::Client>(&case, &server)
        .build()
        .unwrap();
    let err = client
        .reset_acl_account_pass_word()
        .instance_id("i")
        .account_id("a")
        .body(
            AclAccountResetPasswordBody::builder()
                .old_password("o")
                .new_password("n")
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.error_code()), (Some(503), Some("503")));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "not retried"
    );
    // And the error says so to a caller's own retry loop.
    assert!(!err.is_retryable());
    assert_eq!(err.operation_idempotent(), Some(false));
}

#[tokio::test]
async fn a_503_is_retryable_for_an_idempotent_dcs_operation() {
    let case = vector("op-dcs-reset-acl-account-password");
    let server = server_answering(503, "").await;
    let client = configured::<huaweicloud_sdk_dcs::Client>(&case, &server)
        .retry(huaweicloud_sdk_core::RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.list_instances().send().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.operation_idempotent(), Some(true));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn kafka_reset_user_passwrod_and_its_alias() {
    use huaweicloud_sdk_kafka::models::ResetUserPasswordReq;
    let case = vector("op-kafka-reset-user-passwrod");
    for use_alias in [false, true] {
        let server = server_answering(204, "").await;
        let client = configured::<huaweicloud_sdk_kafka::Client>(&case, &server)
            .build()
            .unwrap();
        let builder = if use_alias {
            client.reset_user_password()
        } else {
            client.reset_user_passwrod()
        };
        let out = builder
            .instance_id("3c1f1c6e-5b2a-4d7e-9f00-0123456789ab")
            .user_name("peer-user")
            .body(
                ResetUserPasswordReq::builder()
                    .new_password("New@Pass#2026")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        assert_identical_to_official(&server, &case).await;
        assert_eq!((out.status(), out.request_id()), (204, Some("req-0001")));
    }
    let server = server_answering(
        400,
        r#"{"error_code":"DMS.10240017","error_msg":"Invalid password."}"#,
    )
    .await;
    let client = configured::<huaweicloud_sdk_kafka::Client>(&case, &server)
        .build()
        .unwrap();
    let err = client
        .reset_user_passwrod()
        .instance_id("i")
        .user_name("u")
        .body(ResetUserPasswordReq::builder().new_password("x").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (err.error_code(), err.request_id()),
        (Some("DMS.10240017"), Some("req-0001"))
    );
}

#[tokio::test]
async fn rabbitmq_reset_password() {
    use huaweicloud_sdk_rabbitmq::models::ResetPasswordReq;
    let case = vector("op-rabbitmq-reset-password");
    let server = server_answering(204, "").await;
    let client = configured::<huaweicloud_sdk_rabbitmq::Client>(&case, &server)
        .build()
        .unwrap();
    let out = client
        .reset_password()
        .instance_id("3c1f1c6e-5b2a-4d7e-9f00-0123456789ab")
        .body(
            ResetPasswordReq::builder()
                .new_password("New@Pass#2026")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_identical_to_official(&server, &case).await;
    assert_eq!(out.status(), 204);
    // POST is not idempotent: a 503 is not retried.
    let server = server_answering(503, "Service Unavailable").await;
    let client = configured::<huaweicloud_sdk_rabbitmq::Client>(&case, &server)
        .build()
        .unwrap();
    let err = client
        .reset_password()
        .instance_id("i")
        .body(ResetPasswordReq::builder().new_password("x").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.error_msg()),
        (Some(503), Some("Service Unavailable"))
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn codeartsartifact_reset_user_password() {
    let case = vector("op-codeartsartifact-reset-user-password");
    let documented = r#"{"result":{"password":"generated-secret-value"},"status":"success","trace_id":"143006-1700618253925-55"}"#;
    let server = server_answering(200, documented).await;
    let client = configured::<huaweicloud_sdk_codeartsartifact::Client>(&case, &server)
        .build()
        .unwrap();
    let out = client.reset_user_password().send().await.unwrap();
    assert_identical_to_official(&server, &case).await;
    assert_eq!(out.status.as_deref(), Some("success"));
    assert_eq!(out.trace_id.as_deref(), Some("143006-1700618253925-55"));
    assert_eq!(
        out.result.as_ref().unwrap()["password"],
        "generated-secret-value"
    );
    for status in [400u16, 401, 403, 500] {
        let body = format!(
            r#"{{"status":"error","trace_id":"t-{status}","error_code":"CA.{status}","error_msg":"no {status}"}}"#
        );
        let server = server_answering(status, &body).await;
        let client = configured::<huaweicloud_sdk_codeartsartifact::Client>(&case, &server)
            .build()
            .unwrap();
        let err = client.reset_user_password().send().await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.error_code(), Some(format!("CA.{status}").as_str()));
        assert_eq!(err.error_msg(), Some(format!("no {status}").as_str()));
        assert_eq!(err.request_id(), Some("req-0001"));
    }
}

#[tokio::test]
async fn missing_path_parameters_and_bodies_fail_before_any_io() {
    let case = vector("op-dcs-reset-acl-account-password");
    let server = server_answering(200, "{}").await;
    let client = configured::<huaweicloud_sdk_dcs::Client>(&case, &server)
        .build()
        .unwrap();
    let err = client
        .reset_acl_account_pass_word()
        .instance_id("i")
        .account_id("a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        err.to_string(),
        "invalid request: DCS ResetAclAccountPassWord: missing required request body"
    );
    let err = client
        .reset_acl_account_pass_word()
        .instance_id("i")
        .body(
            huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody::builder()
                .old_password("old")
                .new_password("new")
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request: DCS ResetAclAccountPassWord: missing required path parameter `account_id`"
    );
    // Everything missing: one error naming all of it.
    let err = client
        .reset_acl_account_pass_word()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.missing_fields(),
        ["path.instance_id", "path.account_id", "body"]
    );
    assert_eq!(
        err.to_string(),
        "invalid request: DCS ResetAclAccountPassWord: missing required path parameter \
         `instance_id`, path parameter `account_id`, request body"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn password_models_redact_secrets_in_debug() {
    let dcs = huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody::builder()
        .old_password("Old@Pass#2025")
        .new_password("New@Pass#2026")
        .build();
    assert_eq!(
        format!("{dcs:?}"),
        "AclAccountResetPasswordBody { old_password: ** redacted **, new_password: ** redacted ** }"
    );
    let kafka = huaweicloud_sdk_kafka::models::ResetUserPasswordReq::builder()
        .new_password("New@Pass#2026")
        .build();
    assert_eq!(
        format!("{kafka:?}"),
        "ResetUserPasswordReq { new_password: ** redacted ** }"
    );
    let rabbit = huaweicloud_sdk_rabbitmq::models::ResetPasswordReq::builder()
        .new_password("New@Pass#2026")
        .build();
    assert_eq!(
        format!("{rabbit:?}"),
        "ResetPasswordReq { new_password: ** redacted ** }"
    );
}

#[test]
fn clients_builders_and_futures_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let client = huaweicloud_sdk_dcs::Client::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(Credentials::new("ak", "sk").unwrap())
        .build()
        .unwrap();
    send_sync(&client);
    let builder = client.reset_acl_account_pass_word();
    send(&builder);
    let fut = builder.send();
    send(&fut);
    let kafka = huaweicloud_sdk_kafka::Client::builder()
        .region("cn-north-4")
        .build();
    assert!(kafka.is_ok(), "the static region table resolves");
}

#[tokio::test]
async fn sloppy_scalar_types_in_responses_decode_leniently() {
    // Numbers as strings, strings as numbers, booleans as text, "" for "no value": each is
    // documented in core's `lenient` module and decodes instead of failing the whole call.
    let body = r#"{"instance_num":"2","instances":[
        {"name":"a","capacity":"8","port":6379,"enable_publicip":"false","max_memory":""},
        {"name":"b","capacity":4.0,"port":"6380","enable_publicip":1,"unknown_new_field":{"x":1}}]}"#;
    let server = server_answering(200, body).await;
    let client = huaweicloud_sdk_dcs::Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::new("ak", "sk").unwrap().with_project_id("p"))
        .build()
        .unwrap();
    let out = client.list_instances().send().await.unwrap();
    assert_eq!(out.instance_num, Some(2));
    let instances = out.instances.as_deref().unwrap();
    assert_eq!(instances[0].capacity, Some(8));
    assert_eq!(instances[0].port, Some(6379));
    assert_eq!(instances[0].enable_publicip, Some(false));
    assert_eq!(instances[0].max_memory, None);
    assert_eq!(instances[1].capacity, Some(4));
    assert_eq!(instances[1].port, Some(6380));
    assert_eq!(instances[1].enable_publicip, Some(true));

    // What cannot be meant is still an error, with the raw body attached.
    let server = server_answering(200, r#"{"instance_num":"many"}"#).await;
    let client = huaweicloud_sdk_dcs::Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::new("ak", "sk").unwrap().with_project_id("p"))
        .build()
        .unwrap();
    let err = client.list_instances().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string()
            .contains("at `instance_num`: expected an integer"),
        "{err}"
    );
    assert_eq!(err.raw_body(), Some(r#"{"instance_num":"many"}"#));
}

#[tokio::test]
async fn dcs_download_hot_key_streams_past_the_buffered_body_cap() {
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_bytes(payload.clone())
                .insert_header("Content-Type", "application/octet-stream"),
        )
        .mount(&server)
        .await;
    let client = huaweicloud_sdk_dcs::Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::new("ak", "sk").unwrap().with_project_id("p"))
        .max_response_body(1024)
        .build()
        .unwrap();
    let resp = client
        .download_hot_key()
        .instance_id("i-1")
        .task_id("t-1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let bytes = resp.into_output().collect().await.unwrap();
    assert_eq!(bytes.len(), payload.len());
    assert_eq!(&bytes[..], &payload[..]);
    let req = &server.received_requests().await.unwrap()[0];
    assert_eq!(req.url.path(), "/v2/p/instances/i-1/hotkey/t-1/export");

    // A buffered call over the same cap fails with a clear error instead of growing without bound.
    let err = client.list_instances().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string().contains("exceeds the limit of 1024 bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn generated_clients_share_one_config() {
    use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport};
    use huaweicloud_sdk_core::{Config, Method, ServiceClient};
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v2/{project_id}/instances")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "instances": [] }),
        ));
    let config = Config::builder()
        .region("cn-north-4")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .service_endpoint("RABBITMQ", "https://rabbitmq.internal.example.test")
        .transport(mock.clone())
        .build()
        .unwrap();

    let dcs: huaweicloud_sdk_dcs::Client = config.client().unwrap();
    let kafka = huaweicloud_sdk_kafka::Client::from_config(&config).unwrap();
    let rabbitmq = ClientBuilder::<huaweicloud_sdk_rabbitmq::Client>::from_config(&config)
        .user_agent_suffix("rabbitmq-only")
        .build()
        .unwrap();
    dcs.list_instances().send().await.unwrap();
    kafka.list_instances().engine("kafka").send().await.unwrap();
    rabbitmq
        .list_instances_details()
        .engine("rabbitmq")
        .send()
        .await
        .unwrap();

    let sent = mock.requests();
    let hosts: Vec<&str> = sent.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(
        hosts,
        [
            "dcs.cn-north-4.myhuaweicloud.com",
            "dms.cn-north-4.myhuaweicloud.com",
            "rabbitmq.internal.example.test"
        ]
    );
    assert!(sent.iter().all(|r| r.path == "/v2/p1/instances"));
    let agents: Vec<bool> = sent
        .iter()
        .map(|r| r.header("User-Agent").unwrap().ends_with("rabbitmq-only"))
        .collect();
    assert_eq!(agents, [false, false, true]);
}

#[tokio::test]
async fn a_rabbitmq_instance_is_polled_until_it_runs() {
    use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport, RecordingSleeper};
    use huaweicloud_sdk_core::waiter::{PollOutcome, WaitFailure};
    use huaweicloud_sdk_core::{Backoff, Method};
    let states = |list: &[&str]| {
        let mock = MockTransport::new();
        let mut route = mock.on(Method::Get, "/v2/{project_id}/instances/{instance_id}");
        for s in list {
            route = route.respond(MockResponse::json(
                200,
                serde_json::json!({ "instance_id": "i-1", "status": s }),
            ));
        }
        mock
    };
    let client = |mock: &std::sync::Arc<MockTransport>, sleeper: &RecordingSleeper| {
        huaweicloud_sdk_rabbitmq::Client::builder()
            .region("cn-north-4")
            .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
            .transport(mock.clone())
            .sleeper(Arc::new(sleeper.clone()))
            .build()
            .unwrap()
    };
    let running = |r: &huaweicloud_sdk_core::Response<
        huaweicloud_sdk_rabbitmq::models::ShowInstanceResponse,
    >| {
        PollOutcome::from_state(
            r.status.as_deref(),
            &["RUNNING"],
            &["ERROR", "CREATEFAILED"],
        )
    };

    let mock = states(&["CREATING", "CREATING", "RUNNING"]);
    let sleeper = RecordingSleeper::new();
    let rabbitmq = client(&mock, &sleeper);
    let out = rabbitmq
        .core()
        .waiter(Duration::from_secs(1800))
        .delay(Backoff::Fixed(Duration::from_secs(20)))
        .wait_until(
            || rabbitmq.show_instance().instance_id("i-1").send(),
            running,
        )
        .await
        .unwrap();
    assert_eq!(out.status.as_deref(), Some("RUNNING"));
    assert_eq!(mock.requests().len(), 3);
    assert_eq!(sleeper.delays(), [Duration::from_secs(20); 2]);

    let mock = states(&["CREATING", "CREATEFAILED"]);
    let rabbitmq = client(&mock, &RecordingSleeper::new());
    let err = rabbitmq
        .core()
        .waiter(Duration::from_secs(1800))
        .describe("RabbitMQ instance i-1 to be RUNNING")
        .wait_until(
            || rabbitmq.show_instance().instance_id("i-1").send(),
            running,
        )
        .await
        .unwrap_err();
    assert_eq!(err.reason(), WaitFailure::FailureState);
    assert_eq!((err.last_state(), err.polls()), (Some("CREATEFAILED"), 2));
    let err = huaweicloud_sdk_core::Error::from(err);
    assert_eq!(err.kind(), ErrorKind::Wait);
    assert!(
        err.to_string()
            .contains("RabbitMQ instance i-1 to be RUNNING: reached a failure state after 2 polls"),
        "{err}"
    );
}
