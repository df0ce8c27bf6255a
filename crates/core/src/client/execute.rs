//! Execution of a service call: the retry loop ([`crate::retry::retry_loop`]) over attempts,
//! each on the current endpoint with failover, through the one outbound path
//! ([`crate::executor`]).
//!
//! Deadlines: `attempt_timeout` bounds one attempt from sending to the last byte of the body,
//! streamed bodies included (a stream handed to the caller fails with a timeout once it
//! passes); `operation_timeout` bounds the whole call, every attempt and backoff included,
//! and the streamed body too.

use std::sync::OnceLock;

use bytes::Bytes;
use tracing::Instrument;

use super::Client;
use crate::codegen::OperationInput;
use crate::credentials::Credentials;
use crate::deadline::Deadline;
use crate::error::Scrubber;
use crate::error::{Error, ErrorKind, Result};
use crate::executor::{self, BodyMode, Secrets};
use crate::retry::retry_loop;
use crate::service::CredentialScope;
use crate::transport::HttpResponse;

impl Client {
    pub(super) async fn send_buffered<'i>(
        &self,
        input: &'i OperationInput,
    ) -> Result<(u16, http::HeaderMap, Bytes, CallScrubber<'i>)> {
        let idempotent = input.op.idempotent;
        let (resp, scrub) = self.execute(input, false).await?;
        // The body was read inside the attempt (so its errors could be retried).
        let (status, headers, body) = resp.collect(usize::MAX).await.map_err(|e| {
            executor::transport_error(e, scrub.scrubber()).for_operation(idempotent)
        })?;
        Ok((status, headers, body, scrub))
    }

    /// Runs the call under its retry policy and deadlines. For buffered calls the body is
    /// read inside each attempt, so a broken body counts as a failed attempt; streamed
    /// bodies are handed over as they come, still under the deadlines.
    pub(super) async fn execute<'i>(
        &self,
        input: &'i OperationInput,
        stream: bool,
    ) -> Result<(HttpResponse, CallScrubber<'i>)> {
        // Every missing required input in one error, before credentials or any I/O.
        input.ensure_complete()?;
        let inner = &*self.inner;
        let op = input.op;
        let policy = input.options.retry.as_ref().unwrap_or(&inner.retry);
        let attempt_timeout = input
            .options
            .attempt_timeout
            .unwrap_or(inner.attempt_timeout);
        let op_deadline =
            Deadline::after_opt(input.options.operation_timeout.or(inner.operation_timeout));
        let span = tracing::info_span!(
            "huaweicloud.operation",
            service = op.service,
            operation = op.name,
            method = op.method.as_str(),
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let attempts = retry_loop(
            policy,
            op.idempotent,
            op_deadline,
            &*inner.sleeper,
            |attempt| async move {
                let creds = if inner.credential_scope == CredentialScope::Anonymous {
                    Credentials::anonymous()
                } else {
                    let creds = self.credentials().await?;
                    self.with_project_id(input, creds, attempt_timeout).await?
                };
                // The request's own secrets (password fields, secret headers) are looked for
                // only if an error or a trace needs them.
                let scrub = CallScrubber::new(creds.scrubber(), input);
                let deadline = Deadline::after(attempt_timeout).earliest(op_deadline);
                let attempt_span = tracing::debug_span!(
                    "attempt",
                    attempt,
                    status = tracing::field::Empty,
                    request_id = tracing::field::Empty
                );
                let result = self
                    .attempt_with_failover(input, &creds, deadline, stream, &scrub)
                    .instrument(attempt_span.clone())
                    .await;
                let operation_span = tracing::Span::current();
                if attempt_span.is_disabled() && operation_span.is_disabled() {
                    return result.map(|resp| (resp, scrub));
                }
                let (status, rid) = match &result {
                    Ok(resp) => (
                        Some(resp.status),
                        executor::request_id(&resp.headers, scrub.scrubber()),
                    ),
                    Err(e) => (e.status(), e.request_id().map(str::to_owned)),
                };
                for span in [&attempt_span, &operation_span] {
                    if let Some(s) = status {
                        span.record("status", s);
                    }
                    if let Some(id) = &rid {
                        span.record("request_id", id.as_str());
                    }
                    span.record("attempts", attempt);
                }
                result.map(|resp| (resp, scrub))
            },
        );
        let timeout = || {
            Error::new(
                ErrorKind::Timeout,
                format!(
                    "{} {}: operation timed out after {:?}",
                    op.service,
                    op.name,
                    input
                        .options
                        .operation_timeout
                        .or(inner.operation_timeout)
                        .unwrap_or_default()
                ),
            )
        };
        let result = op_deadline
            .bound(attempts, timeout)
            .instrument(span.clone())
            .await
            .map_err(|e| e.for_operation(op.idempotent));
        if let Err(e) = &result {
            let _g = span.enter();
            tracing::debug!(kind = %e.kind(), status = e.status(), request_id = e.request_id(), "operation failed");
        }
        result
    }

    /// The error of an attempt whose deadline passed: the attempt's own limit, or the
    /// operation's when that came first.
    fn attempt_timed_out(&self, input: &OperationInput) -> Error {
        let inner = &*self.inner;
        let attempt = input
            .options
            .attempt_timeout
            .unwrap_or(inner.attempt_timeout);
        let message = match input.options.operation_timeout.or(inner.operation_timeout) {
            Some(op) if op < attempt => format!("operation timed out after {op:?}"),
            _ => format!("attempt timed out after {attempt:?}"),
        };
        Error::new(ErrorKind::Timeout, message)
    }

    /// `creds` with a project id when the operation needs one and neither the client nor the
    /// credentials carry it: looked up in IAM (once per IAM endpoint, AK and region).
    async fn with_project_id(
        &self,
        input: &OperationInput,
        creds: Credentials,
        timeout: std::time::Duration,
    ) -> Result<Credentials> {
        let inner = &*self.inner;
        if inner.project_id.is_some() || creds.project_id().is_some() {
            return Ok(creds);
        }
        let (Some(region), Some(iam)) = (&inner.region_id, &inner.iam_endpoint) else {
            return Ok(creds);
        };
        let template = input
            .raw
            .as_ref()
            .map_or(input.op.path, |r| r.path.as_str());
        if !template.contains("{project_id}")
            || input.path_params.iter().any(|(n, _)| *n == "project_id")
        {
            return Ok(creds);
        }
        let discovery = crate::credentials::Discovery {
            transport: inner.transport.clone(),
            iam: iam.clone(),
            region: region.clone(),
            user_agent: inner.user_agent.clone(),
            clock: inner.clock.clone(),
            timeout,
        };
        // Boxed: the lookup's state is large and rarely needed, and would otherwise make the
        // future of every call larger (and every move of it slower).
        let id = Box::pin(discovery.project_id(&creds)).await?;
        Ok(creds.with_project_id(id))
    }

    /// One attempt: the current endpoint first; when the connection cannot be established
    /// (DNS, refused, TLS — the request never left) the next endpoints in turn, re-signed for
    /// each. The endpoint that answers becomes the current one for later calls. If none
    /// connects, one `Connect` error lists every endpoint's failure.
    async fn attempt_with_failover(
        &self,
        input: &OperationInput,
        creds: &Credentials,
        deadline: Deadline,
        stream: bool,
        scrub: &CallScrubber<'_>,
    ) -> Result<HttpResponse> {
        use std::sync::atomic::Ordering;
        let inner = &*self.inner;
        let n = inner.endpoints.len().max(1);
        let start = inner.current_endpoint.load(Ordering::Relaxed) % n;
        let mode = if stream {
            BodyMode::Streamed
        } else {
            BodyMode::Buffered(inner.max_body)
        };
        let mut failures = Vec::new();
        for k in 0..n {
            let idx = (start + k) % n;
            let request = self.prepare_for(input, creds, idx, false)?.request;
            let result = executor::call(
                &*inner.transport,
                request,
                (deadline, || self.attempt_timed_out(input)),
                mode,
                inner.error_format,
                scrub,
                inner.clock.now(),
            )
            .await;
            match result {
                Err(e) if e.kind() == ErrorKind::Connect && n > 1 => {
                    tracing::debug!(endpoint = %inner.endpoints[idx].as_str(), error = %e, "endpoint unreachable; failing over");
                    failures.push(format!("{}: {e}", inner.endpoints[idx].as_str()));
                }
                other => {
                    if k > 0 {
                        inner.current_endpoint.store(idx, Ordering::Relaxed);
                    }
                    return other;
                }
            }
        }
        Err(Error::new(
            ErrorKind::Connect,
            format!(
                "none of the {n} endpoints could be reached: {}",
                failures.join("; ")
            ),
        ))
    }
}

/// The scrubber of one service call: the credentials' secrets, plus the request's own
/// ([`OperationInput::secret_values`], which parses a JSON body) found only when an error or
/// a trace needs them, so a successful call never looks for them.
pub(super) struct CallScrubber<'a> {
    credentials: Scrubber,
    input: &'a OperationInput,
    full: OnceLock<Scrubber>,
}

impl<'a> CallScrubber<'a> {
    fn new(credentials: &Scrubber, input: &'a OperationInput) -> Self {
        Self {
            credentials: credentials.clone(),
            input,
            full: OnceLock::new(),
        }
    }
}

impl Secrets for CallScrubber<'_> {
    fn scrubber(&self) -> &Scrubber {
        self.full
            .get_or_init(|| self.credentials.with_more(&self.input.secret_values()))
    }
}
