//! `Error::is_retryable()` answers for the call that failed: an error knows whether its
//! operation is idempotent, so a caller's own retry loop that follows it never repeats a call
//! the SDK itself would not (a 503 on a non-idempotent password reset may have been acted on).
//! `RetryPolicy::is_retryable(err, idempotent)` is the same rule for a given idempotency.

mod support;

use std::sync::Arc;

use huaweicloud_sdk_core::__codegen::{Method, OperationInput, OperationSpec};
use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport};
use huaweicloud_sdk_core::transport::{
    BoxFuture, HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
};
use huaweicloud_sdk_core::{Client, Credentials, Error, ErrorKind, RetryPolicy};
use support::{TEST_SERVICE, op};

/// A password reset: a repeat after the request arrived burns a lockout attempt.
fn reset_password() -> &'static OperationSpec {
    op(
        Method::Put,
        "/v2/{project_id}/instances/{instance_id}/password/reset",
        Some("application/json"),
        false,
    )
}

/// Reading an instance: safe to repeat.
fn show_instance() -> &'static OperationSpec {
    op(
        Method::Get,
        "/v2/{project_id}/instances/{instance_id}",
        None,
        true,
    )
}

fn client(transport: Arc<dyn Transport>) -> Client {
    Client::builder(&TEST_SERVICE)
        .endpoint("https://dcs.cn-north-4.myhuaweicloud.com")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .transport(transport)
        .retry(RetryPolicy::disabled())
        .build_core()
        .unwrap()
}

/// The error of one call of `spec` answered by `transport`.
async fn failure(transport: Arc<dyn Transport>, spec: &'static OperationSpec) -> Error {
    let mut input = OperationInput::new(spec);
    input.path("instance_id", Some("i-1"));
    client(transport).send_empty(input).await.unwrap_err()
}

fn answering(status: u16) -> Arc<MockTransport> {
    let mock = MockTransport::new();
    for spec in [reset_password(), show_instance()] {
        mock.on(spec.method, spec.path)
            .respond(MockResponse::error(status, "SYS.0001", "busy"));
    }
    mock
}

/// A transport whose connections are always refused: the request never leaves.
#[derive(Debug)]
struct Refusing;

impl Transport for Refusing {
    fn send(&self, _: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        Box::pin(async {
            Err(TransportError::new(
                TransportErrorKind::Connect,
                "connection refused",
            ))
        })
    }
}

#[tokio::test]
async fn a_503_is_retryable_only_for_an_idempotent_operation() {
    let err = failure(answering(503), reset_password()).await;
    assert_eq!(err.status(), Some(503));
    assert!(!err.is_retryable(), "non-idempotent: {err:?}");

    let err = failure(answering(503), show_instance()).await;
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable(), "idempotent: {err:?}");
}

#[tokio::test]
async fn a_refused_connection_and_a_429_are_retryable_for_every_operation() {
    for spec in [reset_password(), show_instance()] {
        let err = failure(Arc::new(Refusing), spec).await;
        assert_eq!(err.kind(), ErrorKind::Connect);
        assert!(err.is_retryable(), "{}: {err:?}", spec.idempotent);

        let err = failure(answering(429), spec).await;
        assert_eq!(err.status(), Some(429));
        assert!(err.is_retryable(), "{}: {err:?}", spec.idempotent);
    }
}

#[tokio::test]
async fn the_policy_and_the_error_apply_one_rule() {
    for status in [400, 403, 404, 429, 500, 502, 503, 504] {
        for spec in [reset_password(), show_instance()] {
            let err = failure(answering(status), spec).await;
            assert_eq!(
                err.is_retryable(),
                RetryPolicy::is_retryable(&err, spec.idempotent),
                "HTTP {status}, idempotent {}",
                spec.idempotent
            );
        }
    }
}

#[tokio::test]
async fn every_error_of_a_call_names_its_idempotency() {
    let err = failure(answering(503), reset_password()).await;
    assert_eq!(err.operation_idempotent(), Some(false));
    let err = failure(Arc::new(Refusing), show_instance()).await;
    assert_eq!(err.operation_idempotent(), Some(true));
}

#[test]
fn an_error_from_outside_an_operation_answers_for_an_idempotent_call() {
    // Built by hand (or by a credentials provider outside a call): no operation to ask.
    let err = Error::new(ErrorKind::Transport, "reset");
    assert_eq!(err.operation_idempotent(), None);
    assert!(err.is_retryable());
    assert!(err.is_retryable_for(true));
    assert!(!err.is_retryable_for(false));
}
