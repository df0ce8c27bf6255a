//! What every operation returns: the decoded output plus status, headers and request id.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use crate::error::{Error, ErrorKind, Result};
use crate::transport::BodyStream;

/// A successful response: the typed output (`()` for operations without a body) with the
/// HTTP status, headers and `X-Request-Id`. Derefs to the output. `Debug` hides the values of
/// token headers (`X-Subject-Token`, `Set-Cookie`, ...).
#[derive(Clone)]
pub struct Response<T> {
    status: u16,
    headers: http::HeaderMap,
    output: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: u16, headers: http::HeaderMap, output: T) -> Self {
        Self {
            status,
            headers,
            output,
        }
    }

    /// The same response with its output converted by `f`.
    pub(crate) fn try_map<U, E>(
        self,
        f: impl FnOnce(T) -> std::result::Result<U, E>,
    ) -> std::result::Result<Response<U>, E> {
        Ok(Response {
            status: self.status,
            headers: self.headers,
            output: f(self.output)?,
        })
    }
    /// HTTP status code (200, 204, ...).
    pub fn status(&self) -> u16 {
        self.status
    }
    /// Response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }
    /// The `X-Request-Id` header, quoted in support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
    }
    /// The decoded output.
    pub fn output(&self) -> &T {
        &self.output
    }
    /// Takes the decoded output.
    pub fn into_output(self) -> T {
        self.output
    }
}

impl Response<Box<dyn std::any::Any + Send>> {
    /// The output taken back as the `T` it was boxed from (type-erased send and paging paths).
    /// Those paths box a `T`, so this never fails; an error all the same, not a panic.
    pub(crate) fn downcast<T: 'static>(self) -> Result<Response<T>> {
        self.try_map(|output| match output.downcast::<T>() {
            Ok(output) => Ok(*output),
            Err(_) => Err(Error::new(
                ErrorKind::Decode,
                format!("decoded output is not a {}", std::any::type_name::<T>()),
            )),
        })
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, String)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let shown = if crate::transport::is_secret_header(k.as_str()) {
                    crate::error::REDACTED.to_owned()
                } else {
                    String::from_utf8_lossy(v.as_bytes()).into_owned()
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &headers)
            .field("output", &self.output)
            .finish()
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.output
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.output
    }
}

/// The output of an operation whose streamed body comes with response headers its spec
/// declares: their typed values (`header_values`) beside the body.
#[derive(Debug)]
#[non_exhaustive]
pub struct Streamed<H> {
    /// Values of the declared response headers.
    pub header_values: H,
    /// The response body.
    pub body: ByteStream,
}

impl<H> Streamed<H> {
    /// Pairs header values with the body (generated code builds it).
    pub fn new(header_values: H, body: ByteStream) -> Self {
        Self {
            header_values,
            body,
        }
    }
}

/// A response body delivered in chunks (binary downloads). Not size-capped.
pub struct ByteStream {
    inner: BodyStream,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

impl ByteStream {
    pub(crate) fn new(inner: BodyStream) -> Self {
        Self { inner }
    }

    /// The next chunk, or `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes>> {
        self.inner.next().await.map(|r| r.map_err(stream_error))
    }

    /// Reads everything into memory.
    pub async fn collect(mut self) -> Result<Bytes> {
        let mut buf = Vec::new();
        while let Some(chunk) = self.next_chunk().await {
            buf.extend_from_slice(&chunk?);
        }
        Ok(Bytes::from(buf))
    }
}

fn stream_error(e: crate::transport::TransportError) -> Error {
    crate::executor::transport_error(e, &crate::error::Scrubber::default())
}

impl Stream for ByteStream {
    type Item = Result<Bytes>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner
            .as_mut()
            .poll_next(cx)
            .map(|o| o.map(|r| r.map_err(stream_error)))
    }
}
