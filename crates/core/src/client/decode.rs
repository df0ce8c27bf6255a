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
    // The server did the work: an empty body decodes like `null` (so `()` and `Option`
    // accept it), and else like `{}` (so all-optional models do; a model with a required
    // field reports that field as missing).
    let decoded = if body.iter().all(u8::is_ascii_whitespace) {
        deserialize_with_path::<T>(b"null").or_else(|_| deserialize_with_path::<T>(b"{}"))
    } else {
        deserialize_with_path::<T>(&body)
    };
    match decoded {
        Ok(v) => Ok(Response::new(status, headers, v)),
        Err(e) => {
            let scrub = secrets.scrubber();
            let rid = request_id(&headers, scrub)
                .map(|s| format!(", request id {s}"))
                .unwrap_or_default();
            let text = scrub.scrub(&String::from_utf8_lossy(&body));
            let detail = e.to_string();
            let shown = scrub.scrub(&detail);
            let err = Error::new(
                ErrorKind::Decode,
                format!(
                    "HTTP {status} response body does not match the expected type {}: {shown}{rid}",
                    std::any::type_name::<T>(),
                ),
            )
            .with_body(truncate(&text, crate::error::MAX_ERROR_BODY));
            // The source repeats the detail unscrubbed (it may quote the body): attached only
            // when it holds no secret; the message has the scrubbed detail either way.
            Err(if shown == detail {
                err.with_source(e)
            } else {
                err
            })
        }
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
struct DecodeError {
    path: String,
    #[source]
    inner: serde_json::Error,
}
