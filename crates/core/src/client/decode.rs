//! Decoding of buffered JSON response bodies, with the failing field's path in errors.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::execute::CallScrubber;
use crate::error::{Error, ErrorKind, Result, truncate};
use crate::executor::{Secrets, request_id};
use crate::response::Response;

pub(super) fn decode_json<T: DeserializeOwned>(
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
    secrets: &CallScrubber<'_>,
) -> Result<Response<T>> {
    match decode_body(&body, deserialize_with_path::<T>) {
        Ok(v) => Ok(Response::new(status, headers, v)),
        Err(e) => Err(decode_failure(
            status,
            &headers,
            &body,
            secrets,
            std::any::type_name::<T>(),
            e,
        )),
    }
}

/// A decoded output whose type only the caller knows (see `call.rs`).
pub(super) type Erased = Box<dyn std::any::Any + Send>;

/// Decodes a body into a boxed `T`: what generated operations decode with.
pub(super) type DecodeErased = fn(&[u8]) -> std::result::Result<Erased, DecodeError>;

/// [`decode_json`] for generated operations: not generic, the type's decoding is `decode`
/// (`deserialize_erased::<T>`), its name `type_name`.
pub(super) fn decode_json_erased(
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
    secrets: &CallScrubber<'_>,
    type_name: &'static str,
    decode: DecodeErased,
) -> Result<Response<Erased>> {
    match decode_body(&body, decode) {
        Ok(v) => Ok(Response::new(status, headers, v)),
        Err(e) => Err(decode_failure(
            status, &headers, &body, secrets, type_name, e,
        )),
    }
}

/// Decodes a generated output type: generated models track the failing field's path
/// themselves (`crate::model`), so serde_path_to_error and its second decoding pass are not
/// needed. The top level reads serde_json directly: an erased deserializer here would put
/// every field of the output behind two erasure layers instead of one (`crate::model`).
pub(super) fn deserialize_erased<T: DeserializeOwned + Send + 'static>(
    bytes: &[u8],
) -> std::result::Result<Erased, DecodeError> {
    let path = crate::model::ErrorPath::start();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match T::deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
        Ok(v) => Ok(Box::new(v)),
        Err(inner) => Err(DecodeError {
            path: path.finish(),
            inner,
        }),
    }
}

/// The server did the work: an empty body decodes like `null` (so `()` and `Option` accept
/// it), and else like `{}` (so all-optional models do; a model with a required field reports
/// that field as missing).
fn decode_body<V>(
    body: &[u8],
    decode: impl Fn(&[u8]) -> std::result::Result<V, DecodeError>,
) -> std::result::Result<V, DecodeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        decode(b"null").or_else(|_| decode(b"{}"))
    } else {
        decode(body)
    }
}

fn decode_failure(
    status: u16,
    headers: &http::HeaderMap,
    body: &[u8],
    secrets: &CallScrubber<'_>,
    type_name: &str,
    e: DecodeError,
) -> Error {
    let scrub = secrets.scrubber();
    let rid = request_id(headers, scrub)
        .map(|s| format!(", request id {s}"))
        .unwrap_or_default();
    let text = scrub.scrub(&String::from_utf8_lossy(body));
    let detail = e.to_string();
    let shown = scrub.scrub(&detail);
    let err = Error::new(
        ErrorKind::Decode,
        format!(
            "HTTP {status} response body does not match the expected type {type_name}: {shown}{rid}"
        ),
    )
    .with_body(truncate(&text, crate::error::MAX_ERROR_BODY));
    // The source repeats the detail unscrubbed (it may quote the body): attached only
    // when it holds no secret; the message has the scrubbed detail either way.
    if shown == detail {
        err.with_source(e)
    } else {
        err
    }
}

/// Decodes `bytes`; an error names the field where it happened (`instances[0].capacity`).
/// Paths are tracked only to explain a failure: the bytes are decoded without first, and
/// again with tracking only when that fails (decoding is deterministic, so the error is the
/// same).
fn deserialize_with_path<T: DeserializeOwned>(bytes: &[u8]) -> std::result::Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    if let Ok(v) = T::deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
        return Ok(v);
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let v = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        DecodeError {
            path,
            inner: e.into_inner(),
        }
    })?;
    de.end().map_err(|inner| DecodeError {
        path: ".".into(),
        inner,
    })?;
    Ok(v)
}

#[derive(Debug, thiserror::Error)]
#[error("at `{path}`: {inner}")]
pub(super) struct DecodeError {
    path: String,
    #[source]
    inner: serde_json::Error,
}
