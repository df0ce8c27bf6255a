//! `Waiter::wait_until`: polls until done, a failure state, the time or poll limit, or an
//! error that is not transient; the error says what was awaited, the last state, polls and
//! time. Runs on tokio's paused clock (time advances only when every task sleeps), with
//! closures and with a client on a `MockTransport`.

mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use huaweicloud_sdk_core::__codegen::OperationInput;
use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport, RecordingSleeper};
use huaweicloud_sdk_core::waiter::{PollOutcome, WaitError, WaitFailure, Waiter};
use huaweicloud_sdk_core::{
    Backoff, Client, Credentials, Error, ErrorKind, Method, Result, RetryPolicy,
};
use support::{TEST_SERVICE, op};
use tokio::time::Instant;

const SECOND: Duration = Duration::from_secs(1);

fn service_error(status: u16) -> Error {
    let body = format!(r#"{{"error_code":"SYS.{status}","error_msg":"busy"}}"#);
    Error::service(huaweicloud_sdk_core::error::parse_service_error(
        status,
        None,
        body.as_bytes(),
        &huaweicloud_sdk_core::error::Scrubber::default(),
    ))
}

/// A poll that answers `answers` in turn (the last repeats), counting its calls.
fn scripted(
    answers: Vec<Result<&'static str>>,
) -> (
    impl FnMut() -> std::future::Ready<Result<String>>,
    Rc<Cell<usize>>,
) {
    let calls = Rc::new(Cell::new(0usize));
    let counter = calls.clone();
    let poll = move || {
        let n = counter.get();
        counter.set(n + 1);
        let answer = answers.get(n).or(answers.last()).expect("an answer");
        std::future::ready(answer.clone().map(str::to_owned))
    };
    (poll, calls)
}

fn running(status: &str) -> PollOutcome {
    PollOutcome::from_state(Some(status), &["RUNNING"], &["ERROR", "CREATEFAILED"])
}

fn waiter() -> Waiter {
    Waiter::new(Duration::from_secs(60))
        .describe("instance i-1 to be RUNNING")
        .delay(Backoff::Fixed(10 * SECOND))
}

async fn wait(
    waiter: &Waiter,
    answers: Vec<Result<&'static str>>,
) -> (std::result::Result<String, WaitError>, usize, Duration) {
    let (poll, calls) = scripted(answers);
    let start = Instant::now();
    let out = waiter.wait_until(poll, |s: &String| running(s)).await;
    let n = calls.get();
    (out, n, start.elapsed())
}

#[tokio::test(start_paused = true)]
async fn polls_until_the_awaited_state() {
    let (out, calls, took) = wait(
        &waiter(),
        vec![Ok("CREATING"), Ok("CREATING"), Ok("RUNNING")],
    )
    .await;
    assert_eq!(out.unwrap(), "RUNNING");
    assert_eq!((calls, took), (3, 20 * SECOND));
}

#[tokio::test(start_paused = true)]
async fn a_failure_state_ends_the_wait_at_once() {
    let (out, calls, took) = wait(&waiter(), vec![Ok("CREATING"), Ok("CREATEFAILED")]).await;
    let err = out.unwrap_err();
    assert_eq!(err.reason(), WaitFailure::FailureState);
    assert_eq!(err.last_state(), Some("CREATEFAILED"));
    assert_eq!((err.polls(), calls, took), (2, 2, 10 * SECOND));
    assert_eq!(
        err.to_string(),
        "waiting for instance i-1 to be RUNNING: reached a failure state after 2 polls in \
         10.0s; last state CREATEFAILED"
    );
    let err = Error::from(err);
    assert_eq!(err.kind(), ErrorKind::Wait);
    assert!(!err.is_retryable());
    assert!(
        err.to_string()
            .starts_with("wait failed: waiting for instance i-1"),
        "{err}"
    );
    let source = std::error::Error::source(&err).expect("the WaitError");
    assert!(source.downcast_ref::<WaitError>().is_some());
}

#[tokio::test(start_paused = true)]
async fn gives_up_at_the_time_limit_with_a_last_poll_at_the_limit() {
    let w = Waiter::new(Duration::from_secs(25))
        .describe("instance i-1 to be RUNNING")
        .delay(Backoff::Fixed(10 * SECOND));
    let (out, calls, took) = wait(&w, vec![Ok("CREATING")]).await;
    let err = out.unwrap_err();
    assert_eq!(err.reason(), WaitFailure::TimedOut);
    // Polls at 0, 10, 20 and (the remaining 5 s) 25 s.
    assert_eq!((err.polls(), calls, took), (4, 4, 25 * SECOND));
    assert_eq!(err.elapsed(), 25 * SECOND);
    assert_eq!(
        err.to_string(),
        "waiting for instance i-1 to be RUNNING: gave up (limit 25s) after 4 polls in 25.0s; \
         last state CREATING"
    );
}

#[tokio::test(start_paused = true)]
async fn a_poll_still_running_at_the_limit_is_abandoned() {
    let w = Waiter::new(Duration::from_secs(30)).delay(Backoff::Fixed(10 * SECOND));
    let start = Instant::now();
    let mut polls = 0;
    let err = w
        .wait_until(
            || {
                polls += 1;
                let hang = polls == 2;
                async move {
                    if hang {
                        std::future::pending::<()>().await;
                    }
                    Ok::<_, Error>("CREATING".to_owned())
                }
            },
            |s: &String| running(s),
        )
        .await
        .unwrap_err();
    assert_eq!(err.reason(), WaitFailure::TimedOut);
    assert_eq!((err.polls(), start.elapsed()), (2, 30 * SECOND));
}

#[tokio::test(start_paused = true)]
async fn the_poll_limit_ends_the_wait_too() {
    let w = waiter().max_polls(2);
    let (out, calls, took) = wait(&w, vec![Ok("CREATING")]).await;
    assert_eq!(out.unwrap_err().reason(), WaitFailure::TimedOut);
    assert_eq!((calls, took), (2, 10 * SECOND));
}

#[tokio::test(start_paused = true)]
async fn transient_errors_are_tolerated_up_to_the_limit() {
    let answers = vec![
        Ok("CREATING"),
        Err(service_error(503)),
        Err(service_error(429)),
        Ok("RUNNING"),
    ];
    let (out, calls, _) = wait(&waiter().max_transient_errors(2), answers.clone()).await;
    assert_eq!((out.unwrap(), calls), ("RUNNING".to_owned(), 4));

    let (out, calls, _) = wait(&waiter().max_transient_errors(1), answers).await;
    let err = out.unwrap_err();
    assert_eq!(err.reason(), WaitFailure::PollFailed);
    assert_eq!(err.last_state(), Some("CREATING"));
    assert_eq!((err.polls(), calls), (3, 3));
    assert_eq!(err.poll_error().and_then(Error::status), Some(429));
    // Converted, it is the poll's own error.
    assert_eq!(Error::from(err).status(), Some(429));
}

#[tokio::test(start_paused = true)]
async fn an_error_that_is_not_transient_ends_the_wait() {
    let (out, calls, took) = wait(&waiter(), vec![Ok("CREATING"), Err(service_error(404))]).await;
    let err = out.unwrap_err();
    assert_eq!(err.reason(), WaitFailure::PollFailed);
    assert_eq!((calls, took), (2, 10 * SECOND));
    let err = Error::from(err);
    assert_eq!((err.kind(), err.status()), (ErrorKind::Service, Some(404)));
}

#[tokio::test(start_paused = true)]
async fn listed_statuses_count_as_pending() {
    let answers = vec![
        Err(service_error(404)),
        Err(service_error(404)),
        Ok("CREATING"),
        Ok("RUNNING"),
    ];
    let (out, calls, took) = wait(&waiter().pending_on_status([404]), answers).await;
    assert_eq!(
        (out.unwrap(), calls, took),
        ("RUNNING".to_owned(), 4, 30 * SECOND)
    );

    let w = waiter().pending_on_status([404]).max_polls(2);
    let (out, _, _) = wait(&w, vec![Err(service_error(404))]).await;
    let err = out.unwrap_err();
    assert_eq!(err.reason(), WaitFailure::TimedOut);
    assert_eq!(err.last_state(), Some("HTTP 404"));
    assert!(err.poll_error().is_none());
}

#[tokio::test(start_paused = true)]
async fn a_timeout_after_transient_errors_names_the_last_one() {
    let w = Waiter::new(Duration::from_secs(20))
        .delay(Backoff::Fixed(10 * SECOND))
        .max_transient_errors(10);
    let (out, _, _) = wait(&w, vec![Ok("CREATING"), Err(service_error(503))]).await;
    let err = out.unwrap_err();
    assert_eq!(err.reason(), WaitFailure::TimedOut);
    assert!(err.to_string().ends_with("last state CREATING; last error: service error: HTTP 503, code SYS.503, message busy, no request id"), "{err}");
    assert_eq!(Error::from(err).kind(), ErrorKind::Wait);
}

#[tokio::test]
async fn a_sleeper_that_returns_at_once_still_ends_the_wait() {
    let sleeper = RecordingSleeper::new();
    let w = waiter().sleeper(Arc::new(sleeper.clone()));
    let (out, calls, _) = wait(&w, vec![Ok("CREATING")]).await;
    assert_eq!(out.unwrap_err().reason(), WaitFailure::TimedOut);
    assert_eq!(calls, 7);
    assert_eq!(sleeper.delays(), [10 * SECOND; 6]);
}

#[tokio::test(start_paused = true)]
async fn the_default_delay_starts_at_five_seconds_and_stays_within_thirty() {
    let sleeper = RecordingSleeper::new();
    let w = Waiter::new(Duration::from_secs(3600))
        .sleeper(Arc::new(sleeper.clone()))
        .max_polls(12);
    let (out, _, _) = wait(&w, vec![Ok("CREATING")]).await;
    assert_eq!(out.unwrap_err().reason(), WaitFailure::TimedOut);
    let delays = sleeper.delays();
    assert_eq!(delays.len(), 11);
    assert_eq!(delays[0], 5 * SECOND);
    assert!(
        delays
            .iter()
            .all(|d| (5 * SECOND..=30 * SECOND).contains(d)),
        "{delays:?}"
    );
}

/// The same through a client: the operation's own retries are off, the mock answers a
/// transient 503, then the states, and the waiter sleeps with the client's sleeper.
#[tokio::test]
async fn waits_through_a_client_with_its_sleeper() {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v2/{project_id}/instances/{instance_id}")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "status": "CREATING" }),
        ))
        .respond(MockResponse::error(503, "SYS.0503", "busy"))
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "status": "CREATING" }),
        ))
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "status": "RUNNING" }),
        ));
    let sleeper = RecordingSleeper::new();
    let client = Client::builder(&TEST_SERVICE)
        .endpoint("https://dcs.cn-north-4.myhuaweicloud.com")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .transport(mock.clone())
        .retry(RetryPolicy::disabled())
        .sleeper(Arc::new(sleeper.clone()))
        .build_core()
        .unwrap();

    #[derive(serde::Deserialize)]
    struct Instance {
        status: Option<String>,
    }
    let show = op(
        Method::Get,
        "/v2/{project_id}/instances/{instance_id}",
        None,
        true,
    );
    let poll = || {
        let mut input = OperationInput::new(show);
        input.path("instance_id", Some("i-1"));
        client.send_json::<Instance>(input)
    };
    let out = client
        .waiter(Duration::from_secs(600))
        .delay(Backoff::Fixed(15 * SECOND))
        .wait_until(poll, |r| {
            PollOutcome::from_state(r.status.as_deref(), &["RUNNING"], &["ERROR"])
        })
        .await
        .unwrap();
    assert_eq!(out.status.as_deref(), Some("RUNNING"));
    assert_eq!(mock.requests().len(), 4);
    assert_eq!(sleeper.delays(), [15 * SECOND; 3]);
}

#[test]
fn poll_outcomes_from_state_values() {
    let ok = ["RUNNING"];
    let bad = ["ERROR"];
    assert_eq!(
        PollOutcome::from_state(Some("RUNNING"), &ok, &bad),
        PollOutcome::Done
    );
    assert_eq!(
        PollOutcome::from_state(Some("ERROR"), &ok, &bad),
        PollOutcome::Failed("ERROR".into())
    );
    assert_eq!(
        PollOutcome::from_state(Some("running"), &ok, &bad),
        PollOutcome::Pending("running".into()),
        "values match exactly"
    );
    assert_eq!(
        PollOutcome::from_state(None, &ok, &bad),
        PollOutcome::Pending("(none)".into())
    );
}

/// A declared waiter's facts, as the generator emits them (`x-huaweicloud-waiters`).
static SERVER_DELETED: huaweicloud_sdk_core::__codegen::WaiterSpec =
    huaweicloud_sdk_core::__codegen::WaiterSpec {
        service: "ECS",
        operation: "ShowServer",
        description: "the server to be gone",
        params: &["server_id"],
        success: &["DELETED"],
        failure: &["ERROR"],
        timeout: Duration::from_secs(120),
        delay: Backoff::Fixed(Duration::from_secs(10)),
        tolerate: &[],
        gone: &[404],
    };

#[derive(Debug, serde::Deserialize)]
struct Server {
    status: Option<String>,
}

/// One poll of `ShowServer`.
type ServerPoll = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<huaweicloud_sdk_core::Response<Server>>> + Send>,
>;

/// A client on `mock` with a recording sleeper, and a `'static` poll of `ShowServer`.
fn server_poll(
    mock: &Arc<MockTransport>,
    sleeper: &RecordingSleeper,
) -> (Client, impl FnMut() -> ServerPoll + Send + 'static) {
    let client = Client::builder(&TEST_SERVICE)
        .endpoint("https://dcs.cn-north-4.myhuaweicloud.com")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .transport(mock.clone())
        .sleeper(Arc::new(sleeper.clone()))
        .build_core()
        .unwrap();
    let show = op(
        Method::Get,
        "/v1/{project_id}/servers/{server_id}",
        None,
        true,
    );
    let c = client.clone();
    let poll = move || {
        let c = c.clone();
        Box::pin(async move {
            let mut input = OperationInput::new(show);
            input.path("server_id", Some("s-1"));
            c.send_json::<Server>(input).await
        }) as ServerPoll
    };
    (client, poll)
}

/// `gone`: a 404 ends the wait successfully with `None`; the states before it are pending.
#[tokio::test]
async fn a_declared_wait_ends_when_the_resource_is_gone() {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v1/{project_id}/servers/{server_id}")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "status": "ACTIVE" }),
        ))
        .respond(MockResponse::error(404, "Ecs.0114", "server not found"));
    let sleeper = RecordingSleeper::new();
    let (client, poll) = server_poll(&mock, &sleeper);

    let out = huaweicloud_sdk_core::waiter::Wait::or_gone(
        &client,
        &SERVER_DELETED,
        vec![Some("s-1".to_owned())],
        poll,
        |s: &Server| s.status.clone(),
    )
    .await
    .unwrap();

    assert!(out.is_none(), "gone");
    assert_eq!(mock.requests().len(), 2);
    assert_eq!(sleeper.delays(), [10 * SECOND]);
}

/// A success state ends it with the response; a failure state with an error naming it; a
/// per-call timeout replaces the spec's.
#[tokio::test]
async fn a_declared_wait_reads_states_and_takes_a_timeout() {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v1/{project_id}/servers/{server_id}")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "status": "DELETED" }),
        ));
    let sleeper = RecordingSleeper::new();
    let (client, poll) = server_poll(&mock, &sleeper);
    let out = huaweicloud_sdk_core::waiter::Wait::or_gone(
        &client,
        &SERVER_DELETED,
        vec![Some("s-1".to_owned())],
        poll,
        |s: &Server| s.status.clone(),
    )
    .await
    .unwrap();
    assert_eq!(
        out.and_then(|r| r.into_output().status).as_deref(),
        Some("DELETED")
    );

    let mock = MockTransport::new();
    mock.on(Method::Get, "/v1/{project_id}/servers/{server_id}")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "status": "ERROR" }),
        ));
    let (client, poll) = server_poll(&mock, &sleeper);
    let err = huaweicloud_sdk_core::waiter::Wait::new(
        &client,
        &SERVER_DELETED,
        vec![Some("s-1".to_owned())],
        poll,
        |s: &Server| s.status.clone(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.reason(), WaitFailure::FailureState);
    assert_eq!(
        err.to_string(),
        format!(
            "waiting for ECS ShowServer (server_id=s-1): the server to be gone: reached a failure state after 1 poll in {:.1?}; last state ERROR",
            err.elapsed()
        )
    );

    let mock = MockTransport::new();
    mock.on(Method::Get, "/v1/{project_id}/servers/{server_id}")
        .respond(MockResponse::json(
            200,
            serde_json::json!({ "status": "ACTIVE" }),
        ));
    let sleeper = RecordingSleeper::new();
    let (client, poll) = server_poll(&mock, &sleeper);
    let err = huaweicloud_sdk_core::waiter::Wait::new(
        &client,
        &SERVER_DELETED,
        vec![Some("s-1".to_owned())],
        poll,
        |s: &Server| s.status.clone(),
    )
    .timeout(Duration::from_secs(30))
    .await
    .unwrap_err();
    assert_eq!(err.reason(), WaitFailure::TimedOut);
    assert_eq!(err.last_state(), Some("ACTIVE"));
    assert_eq!(sleeper.delays(), [10 * SECOND; 3]);
    assert_eq!(mock.requests().len(), 4);
}
