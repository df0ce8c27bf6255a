//! Spec-declared waiters (`x-huaweicloud-waiters`) of generated clients, end to end on a
//! `MockTransport`: a waiter polls until a success state, stops at a failure state with an
//! error naming it, and gives up at its deadline; DCS and RabbitMQ. Delays are recorded by a
//! `RecordingSleeper` instead of slept, and count towards the waiter's time limit.

use std::sync::Arc;
use std::time::Duration;

use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport, RecordingSleeper};
use huaweicloud_sdk_core::waiter::WaitFailure;
use huaweicloud_sdk_core::{ClientBuilder, Credentials, Method, ServiceClient};
use serde_json::json;

const DCS_INSTANCE: &str = "/v2/{project_id}/instances/{instance_id}";
const DCS_JOB: &str = "/v2/{project_id}/jobs/{job_id}";
const RABBITMQ_INSTANCE: &str = "/v2/{project_id}/instances/{instance_id}";

fn client<C: ServiceClient>(mock: &Arc<MockTransport>, sleeper: &RecordingSleeper) -> C {
    ClientBuilder::<C>::new()
        .region("cn-north-4")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .transport(mock.clone())
        .sleeper(Arc::new(sleeper.clone()))
        .build()
        .unwrap()
}

fn status(s: &str) -> MockResponse {
    MockResponse::json(200, json!({ "instance_id": "i-1", "status": s }))
}

#[tokio::test]
async fn dcs_instance_running_polls_until_running() {
    let mock = MockTransport::new();
    mock.on(Method::Get, DCS_INSTANCE)
        // Not visible yet right after the create call: tolerated (`tolerate: [404]`).
        .respond(MockResponse::error(404, "DCS.4133", "instance not found"))
        .respond(status("CREATING"))
        .respond(status("CREATING"))
        .respond(status("RUNNING"));
    let sleeper = RecordingSleeper::new();
    let dcs: huaweicloud_sdk_dcs::Client = client(&mock, &sleeper);

    let instance = dcs.wait_until_instance_running("i-1").await.unwrap();

    assert_eq!(instance.status.as_deref(), Some("RUNNING"));
    let seen = mock.requests();
    assert_eq!(seen.len(), 4);
    assert!(
        seen.iter().all(|r| r.path == "/v2/p1/instances/i-1"),
        "{seen:?}"
    );
    // The spec's delay, {min: 10, max: 30}, between polls.
    let delays = sleeper.delays();
    assert_eq!(delays.len(), 3);
    assert!(
        delays
            .iter()
            .all(|d| (Duration::from_secs(10)..=Duration::from_secs(30)).contains(d)),
        "{delays:?}"
    );
}

#[tokio::test]
async fn dcs_instance_running_stops_at_a_failure_state_and_names_it() {
    let mock = MockTransport::new();
    mock.on(Method::Get, DCS_INSTANCE)
        .respond(status("CREATING"))
        .respond(status("CREATEFAILED"))
        .respond(status("RUNNING"));
    let sleeper = RecordingSleeper::new();
    let dcs: huaweicloud_sdk_dcs::Client = client(&mock, &sleeper);

    let err = dcs.wait_until_instance_running("i-1").await.unwrap_err();

    assert_eq!(err.reason(), WaitFailure::FailureState);
    assert_eq!(err.last_state(), Some("CREATEFAILED"));
    assert_eq!(err.polls(), 2);
    assert_eq!(mock.requests().len(), 2, "no poll after the failure state");
    let text = err.to_string();
    assert!(
        text.contains("DCS ShowInstance (instance_id=i-1)"),
        "{text}"
    );
    assert!(text.contains("last state CREATEFAILED"), "{text}");
    // `?` into the crate's error keeps the message, as kind `Wait`.
    let err = huaweicloud_sdk_dcs::Error::from(err);
    assert_eq!(err.kind(), huaweicloud_sdk_core::ErrorKind::Wait);
}

#[tokio::test]
async fn dcs_instance_running_gives_up_at_the_spec_timeout() {
    let mock = MockTransport::new();
    mock.on(Method::Get, DCS_INSTANCE)
        .respond(status("EXTENDING"));
    let sleeper = RecordingSleeper::new();
    let dcs: huaweicloud_sdk_dcs::Client = client(&mock, &sleeper);

    let err = dcs.wait_until_instance_running("i-1").await.unwrap_err();

    assert_eq!(err.reason(), WaitFailure::TimedOut);
    assert_eq!(err.last_state(), Some("EXTENDING"));
    // The spec's `timeout: 1800`: the delays add up to exactly the limit, the last poll
    // happens at it.
    let delays = sleeper.delays();
    assert_eq!(delays.iter().sum::<Duration>(), Duration::from_secs(1800));
    assert_eq!(mock.requests().len(), delays.len() + 1);
    assert_eq!(err.polls() as usize, delays.len() + 1);
}

#[tokio::test]
async fn dcs_job_succeeded_through_the_builder_keeps_its_settings() {
    let mock = MockTransport::new();
    mock.on(Method::Get, DCS_JOB)
        .respond(MockResponse::json(
            200,
            json!({ "job_id": "j-1", "status": "INIT" }),
        ))
        .respond(MockResponse::json(
            200,
            json!({ "job_id": "j-1", "status": "RUNNING" }),
        ))
        .respond(MockResponse::json(
            200,
            json!({ "job_id": "j-1", "status": "SUCCESS" }),
        ));
    let sleeper = RecordingSleeper::new();
    let dcs: huaweicloud_sdk_dcs::Client = client(&mock, &sleeper);

    let job = dcs
        .show_job_info()
        .job_id("j-1")
        .wait_until_job_succeeded()
        .delay(huaweicloud_sdk_core::Backoff::Fixed(Duration::from_secs(2)))
        .await
        .unwrap();

    assert_eq!(job.status.as_ref().map(|s| s.as_str()), Some("SUCCESS"));
    assert_eq!(mock.requests().len(), 3);
    assert_eq!(sleeper.delays(), [Duration::from_secs(2); 2]);
}

#[tokio::test]
async fn a_wait_for_an_unset_id_fails_before_sending() {
    let mock = MockTransport::new();
    mock.on(Method::Get, DCS_JOB)
        .respond(MockResponse::json(200, json!({})));
    let sleeper = RecordingSleeper::new();
    let dcs: huaweicloud_sdk_dcs::Client = client(&mock, &sleeper);

    let err = dcs
        .show_job_info()
        .wait_until_job_succeeded()
        .await
        .unwrap_err();

    assert_eq!(err.reason(), WaitFailure::PollFailed);
    assert!(err.to_string().contains("job_id=(unset)"), "{err}");
    let poll_error = err.poll_error().expect("the poll's error");
    assert_eq!(poll_error.missing_fields(), ["path.job_id"]);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn rabbitmq_instance_running_after_a_resize() {
    let mock = MockTransport::new();
    mock.on(Method::Get, RABBITMQ_INSTANCE)
        .respond(status("EXTENDING"))
        .respond(status("RUNNING"));
    let sleeper = RecordingSleeper::new();
    let rabbitmq: huaweicloud_sdk_rabbitmq::Client = client(&mock, &sleeper);

    let instance = rabbitmq.wait_until_instance_running("i-1").await.unwrap();

    assert_eq!(instance.status.as_deref(), Some("RUNNING"));
    assert_eq!(mock.requests().len(), 2);
    assert_eq!(sleeper.delays().len(), 1);
}

#[tokio::test]
async fn rabbitmq_failed_resize_is_a_failure_state() {
    let mock = MockTransport::new();
    mock.on(Method::Get, RABBITMQ_INSTANCE)
        .respond(status("EXTENDING"))
        .respond(status("EXTENDEDFAILED"));
    let sleeper = RecordingSleeper::new();
    let rabbitmq: huaweicloud_sdk_rabbitmq::Client = client(&mock, &sleeper);

    let err = rabbitmq
        .wait_until_instance_running("i-1")
        .await
        .unwrap_err();

    assert_eq!(err.reason(), WaitFailure::FailureState);
    assert_eq!(err.last_state(), Some("EXTENDEDFAILED"));
    assert!(
        err.to_string()
            .contains("RABBITMQ ShowInstance (instance_id=i-1)"),
        "{err}"
    );
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn rabbitmq_wait_stops_at_a_timeout_set_per_call() {
    let mock = MockTransport::new();
    // A wrong id: the tolerated 404 keeps the wait pending until its deadline.
    mock.on(Method::Get, RABBITMQ_INSTANCE)
        .respond(MockResponse::error(
            404,
            "DMS.00404022",
            "instance not found",
        ));
    let sleeper = RecordingSleeper::new();
    let rabbitmq: huaweicloud_sdk_rabbitmq::Client = client(&mock, &sleeper);

    let err = rabbitmq
        .wait_until_instance_running("nope")
        .timeout(Duration::from_secs(45))
        .await
        .unwrap_err();

    assert_eq!(err.reason(), WaitFailure::TimedOut);
    assert_eq!(err.last_state(), Some("HTTP 404"));
    let delays = sleeper.delays();
    assert_eq!(delays.iter().sum::<Duration>(), Duration::from_secs(45));
    assert_eq!(mock.requests().len(), delays.len() + 1);
}
