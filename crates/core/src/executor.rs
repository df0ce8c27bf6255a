//! The one outbound path. Every request the SDK sends, service calls, the IAM project lookup
//! and the metadata service alike, goes through [`exchange`] or [`call`] here: the same
//! deadline handling (headers and body), the same mapping of transport failures to
//! [`Error`] ([`transport_error`]), and the same redaction of what a response may echo.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use crate::deadline::Deadline;
use crate::error::{
    Error, ErrorFormat, ErrorKind, MAX_ERROR_BODY, Result, Scrubber, parse_service_error,
};
use crate::retry::parse_retry_after;
use crate::transport::{
    BodyStream, HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
};

/// Where the secrets to scrub from what a response echoes come from: a [`Scrubber`] known
/// at once, or one built only when first needed (a service call's, which looks for the
/// request's own secrets only then).
pub(crate) trait Secrets: Sync {
    fn scrubber(&self) -> &Scrubber;
}

impl Secrets for Scrubber {
    fn scrubber(&self) -> &Scrubber {
        self
    }
}

/// How much of an error body is read: a huge error page (a proxy's HTML) is cut rather than
/// failing the call, since its status decides retries and must reach the caller.
const ERROR_BODY_READ_LIMIT: usize = MAX_ERROR_BODY * 16;

/// How a successful response body is delivered.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BodyMode {
    /// Read into memory before returning, failing beyond this many bytes.
    Buffered(usize),
    /// Handed over as a stream that still obeys the deadline.
    Streamed,
}

/// A response read in full, whatever its status.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub(crate) status: u16,
    pub(crate) body: Bytes,
}

/// Sends `request` and reads at most `limit` body bytes, all before `deadline`. Any status
/// is returned as it is: for callers with rules of their own (the metadata service).
pub(crate) async fn exchange(
    transport: &dyn Transport,
    request: HttpRequest,
    deadline: Deadline,
    limit: usize,
    scrub: &Scrubber,
) -> Result<Exchange> {
    let timed_out = || {
        Error::new(
            ErrorKind::Timeout,
            "no complete response before the deadline",
        )
    };
    let fut = async {
        let resp = transport
            .send(request)
            .await
            .map_err(|e| transport_error(e, scrub))?;
        let (status, _, body) = resp
            .collect(limit)
            .await
            .map_err(|e| transport_error(e, scrub))?;
        Ok(Exchange { status, body })
    };
    deadline.bound(fut, timed_out).await
}

/// Sends a service request before `deadline`. A 2xx is success (its body buffered or
/// streamed under the same deadline); a 3xx is a [`ErrorKind::Redirect`] error, never
/// followed; anything else is a [`ErrorKind::Service`] error with the parsed body and the
/// server's `Retry-After` (read relative to `now`). When the deadline passes first, the
/// error is `timed_out()`.
///
/// A plain function returning the future, so the request is held once (inside it) rather
/// than also as an `async fn` argument.
pub(crate) fn call(
    transport: &dyn Transport,
    request: HttpRequest,
    (deadline, timed_out): (Deadline, impl FnOnce() -> Error),
    mode: BodyMode,
    errors: ErrorFormat,
    secrets: &impl Secrets,
    now: SystemTime,
) -> impl Future<Output = Result<HttpResponse>> {
    let fut = async move {
        let resp = transport
            .send(request)
            .await
            .map_err(|e| transport_error(e, secrets.scrubber()))?;
        match resp.status {
            200..=299 => {}
            300..=399 => return Err(redirect_error(resp, secrets.scrubber()).await),
            _ => return Err(service_error(resp, errors, secrets.scrubber(), now).await),
        }
        match mode {
            BodyMode::Streamed => Ok(HttpResponse {
                status: resp.status,
                headers: resp.headers,
                body: with_deadline(resp.body, deadline),
            }),
            BodyMode::Buffered(limit) => {
                let (status, headers, body) = resp
                    .collect(limit)
                    .await
                    .map_err(|e| transport_error(e, secrets.scrubber()))?;
                Ok(HttpResponse::from_bytes(status, headers, body))
            }
        }
    };
    deadline.bound(fut, timed_out)
}

async fn service_error(
    resp: HttpResponse,
    format: ErrorFormat,
    scrub: &Scrubber,
    now: SystemTime,
) -> Error {
    let retry_after = resp
        .headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now));
    let rid = request_id(&resp.headers, scrub);
    match read_capped(resp.body, ERROR_BODY_READ_LIMIT).await {
        Ok(body) => Error::service(format.parse(resp.status, rid, &body, scrub))
            .with_retry_after(retry_after),
        Err(e) => transport_error(e, scrub),
    }
}

async fn redirect_error(resp: HttpResponse, scrub: &Scrubber) -> Error {
    let location = resp
        .headers
        .get(http::header::LOCATION)
        .map(|v| scrub.scrub(&String::from_utf8_lossy(v.as_bytes())));
    let rid = request_id(&resp.headers, scrub);
    let body = read_capped(resp.body, MAX_ERROR_BODY)
        .await
        .unwrap_or_default();
    let mut parsed = parse_service_error(resp.status, rid, &body, scrub);
    if body.is_empty() {
        parsed.error_msg = "redirect not followed".to_owned();
    }
    Error::redirect(parsed, location)
}

/// Reads at most `limit` bytes of a body and drops the rest.
async fn read_capped(mut body: BodyStream, limit: usize) -> Result<Bytes, TransportError> {
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
    Ok(Bytes::from(buf))
}

/// The `X-Request-Id` header, scrubbed (a server may echo anything into it).
pub(crate) fn request_id(headers: &http::HeaderMap, scrub: &Scrubber) -> Option<String> {
    let raw = headers.get("x-request-id")?;
    let text = String::from_utf8_lossy(raw.as_bytes());
    Some(if scrub.is_empty() {
        text.into_owned()
    } else {
        scrub.scrub(&text)
    })
}

/// The one mapping of transport failures to errors.
pub(crate) fn transport_error(e: TransportError, scrub: &Scrubber) -> Error {
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

/// `body` that fails with a timeout once `deadline` passes, then ends.
fn with_deadline(body: BodyStream, deadline: Deadline) -> BodyStream {
    match deadline.instant() {
        None => body,
        Some(at) => Box::pin(DeadlineBody {
            body,
            timer: Box::pin(tokio::time::sleep_until(at)),
            done: false,
        }),
    }
}

struct DeadlineBody {
    body: BodyStream,
    timer: Pin<Box<tokio::time::Sleep>>,
    done: bool,
}

impl Stream for DeadlineBody {
    type Item = std::result::Result<Bytes, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = self.body.as_mut().poll_next(cx) {
            if item.is_none() {
                self.done = true;
            }
            return Poll::Ready(item);
        }
        if self.timer.as_mut().poll(cx).is_ready() {
            self.done = true;
            return Poll::Ready(Some(Err(TransportError::new(
                TransportErrorKind::Timeout,
                "the response body did not arrive in full before the deadline",
            ))));
        }
        Poll::Pending
    }
}
