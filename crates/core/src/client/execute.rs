//! Execution: the retry loop, endpoint failover and single attempts.

use std::time::Duration;

use bytes::Bytes;
use tracing::Instrument;

use super::Client;
use crate::codegen::OperationInput;
use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind, Result, parse_service_error};
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::transport::{HttpRequest, HttpResponse, TransportError, TransportErrorKind};

impl Client {
    pub(super) async fn send_buffered(
        &self,
        input: OperationInput,
    ) -> Result<(u16, http::HeaderMap, Bytes, crate::error::Scrubber)> {
        let (resp, scrub) = self.execute(input, false).await?;
        // The body was read inside the attempt (so its errors could be retried).
        let (status, headers, body) = resp
            .collect(usize::MAX)
            .await
            .map_err(|e| transport_error(e, &scrub))?;
        Ok((status, headers, body, scrub))
    }

    /// The retry loop. For buffered calls the body is read inside each attempt, so a broken
    /// body counts as a failed attempt; streamed bodies are handed over as they come.
    pub(super) async fn execute(
        &self,
        input: OperationInput,
        stream: bool,
    ) -> Result<(HttpResponse, crate::error::Scrubber)> {
        let inner = &*self.inner;
        let op = input.op;
        let policy = input
            .options
            .retry
            .clone()
            .unwrap_or_else(|| inner.retry.clone());
        let attempt_timeout = input
            .options
            .attempt_timeout
            .unwrap_or(inner.attempt_timeout);
        let operation_timeout = input.options.operation_timeout.or(inner.operation_timeout);
        let span = tracing::info_span!(
            "huaweicloud.operation",
            service = op.service,
            operation = op.name,
            method = op.method.as_str(),
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let deadline = operation_timeout.map(|d| tokio::time::Instant::now() + d);
        let run = async {
            let mut attempt: u32 = 0;
            loop {
                attempt += 1;
                let creds = self.credentials().await?;
                let creds = self.with_project_id(&input, creds, attempt_timeout).await?;
                let scrub = creds.scrubber().clone();
                let attempt_span = tracing::debug_span!(
                    "attempt",
                    attempt,
                    status = tracing::field::Empty,
                    request_id = tracing::field::Empty
                );
                let result = self
                    .attempt_with_failover(&input, &creds, attempt_timeout, stream, &scrub)
                    .instrument(attempt_span.clone())
                    .await;
                let err = match result {
                    Ok(resp) => {
                        attempt_span.record("status", resp.status);
                        tracing::Span::current().record("status", resp.status);
                        tracing::Span::current().record("attempts", attempt);
                        if let Some(id) = request_id(&resp.headers) {
                            attempt_span.record("request_id", id);
                            tracing::Span::current().record("request_id", id);
                        }
                        return Ok((resp, scrub));
                    }
                    Err(e) => e,
                };
                if let Some(s) = err.status() {
                    attempt_span.record("status", s);
                }
                if let Some(id) = err.request_id() {
                    attempt_span.record("request_id", id);
                }
                let retryable = RetryPolicy::is_retryable(&err, op.idempotent);
                if !retryable || attempt >= policy.max_attempts() {
                    tracing::Span::current().record("attempts", attempt);
                    tracing::debug!(error = %err, retryable, "attempt failed; giving up");
                    return Err(err);
                }
                let delay = policy.delay(attempt, &err);
                if let Some(deadline) = deadline {
                    if tokio::time::Instant::now() + delay >= deadline {
                        tracing::Span::current().record("attempts", attempt);
                        return Err(err);
                    }
                }
                tracing::debug!(error = %err, delay_ms = delay.as_millis() as u64, "retrying");
                inner.sleeper.sleep(delay).await;
            }
        };
        let result = match (operation_timeout, deadline) {
            (Some(d), Some(deadline)) => match tokio::time::timeout_at(deadline, run).await {
                Ok(r) => r,
                Err(_) => Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "{} {}: operation timed out after {d:?}",
                        op.service, op.name
                    ),
                )),
            },
            _ => run.await,
        };
        result.instrument_err(&span)
    }

    /// `creds` with a project id when the operation needs one and neither the client nor the
    /// credentials carry it: looked up in IAM (once per IAM endpoint, AK and region).
    async fn with_project_id(
        &self,
        input: &OperationInput,
        creds: Credentials,
        timeout: Duration,
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
        let id = crate::credentials::Discovery {
            transport: &*inner.transport,
            iam,
            region,
            user_agent: &inner.user_agent,
            clock: &*inner.clock,
            timeout,
        }
        .project_id(&creds)
        .await?;
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
        timeout: Duration,
        stream: bool,
        scrub: &crate::error::Scrubber,
    ) -> Result<HttpResponse> {
        use std::sync::atomic::Ordering;
        let inner = &*self.inner;
        let n = inner.endpoints.len().max(1);
        let start = inner.current_endpoint.load(Ordering::Relaxed) % n;
        let mut failures = Vec::new();
        for k in 0..n {
            let idx = (start + k) % n;
            let prepared = self.prepare_for(input, creds, idx)?;
            match self.attempt(prepared.request, timeout, stream, scrub).await {
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

    async fn attempt(
        &self,
        request: HttpRequest,
        timeout: Duration,
        stream: bool,
        scrub: &crate::error::Scrubber,
    ) -> Result<HttpResponse> {
        let inner = &*self.inner;
        let max_body = inner.max_body;
        let now = inner.clock.now();
        let fut = async {
            let resp = inner
                .transport
                .send(request)
                .await
                .map_err(|e| transport_error(e, scrub))?;
            if resp.status >= 400 {
                let retry_after = resp
                    .headers
                    .get(http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, now));
                let rid = request_id(&resp.headers).map(str::to_owned);
                let (status, body) = read_error_body(resp, crate::error::MAX_ERROR_BODY * 16)
                    .await
                    .map_err(|e| transport_error(e, scrub))?;
                let parsed = parse_service_error(status, rid, &body, scrub);
                return Err(Error::service(parsed).with_retry_after(retry_after));
            }
            if stream {
                return Ok(resp);
            }
            let (status, headers, body) = resp
                .collect(max_body)
                .await
                .map_err(|e| transport_error(e, scrub))?;
            Ok(HttpResponse::from_bytes(status, headers, body))
        };
        match tokio::time::timeout(timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(Error::new(
                ErrorKind::Timeout,
                format!("attempt timed out after {timeout:?}"),
            )),
        }
    }
}

trait InstrumentErr {
    fn instrument_err(self, span: &tracing::Span) -> Self;
}
impl<T> InstrumentErr for Result<T> {
    fn instrument_err(self, span: &tracing::Span) -> Self {
        if let Err(e) = &self {
            let _g = span.enter();
            tracing::debug!(kind = %e.kind(), status = e.status(), request_id = e.request_id(), "operation failed");
        }
        self
    }
}

/// Reads at most `limit` bytes of an error body. A huge error page (a proxy's HTML) is cut
/// rather than failing the call: its status decides retries and must reach the caller.
async fn read_error_body(
    resp: HttpResponse,
    limit: usize,
) -> std::result::Result<(u16, Bytes), TransportError> {
    use futures_util::StreamExt;
    let HttpResponse {
        status, mut body, ..
    } = resp;
    let mut buf = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        let room = limit.saturating_sub(buf.len());
        if chunk.len() >= room {
            buf.extend_from_slice(&chunk[..room]);
            break;
        }
        buf.extend_from_slice(&chunk);
    }
    Ok((status, Bytes::from(buf)))
}

pub(super) fn request_id(headers: &http::HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

pub(super) fn transport_error(e: TransportError, scrub: &crate::error::Scrubber) -> Error {
    let kind = match e.kind() {
        TransportErrorKind::Connect => ErrorKind::Connect,
        TransportErrorKind::Timeout => ErrorKind::Timeout,
        TransportErrorKind::Io => ErrorKind::Transport,
        TransportErrorKind::BodyTooLarge => ErrorKind::Decode,
        TransportErrorKind::Request => ErrorKind::InvalidRequest,
    };
    let msg = scrub.scrub(&e.to_string());
    Error::new(kind, msg).with_source(e)
}
