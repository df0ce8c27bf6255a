//! The futures that generated `send()` methods return.
//!
//! A generated `send()` only fills an [`OperationInput`] (synchronously) and hands it to one
//! of these functions. Everything asynchronous — credentials, signing, retries, reading the
//! body — is one non-generic future compiled once in this crate; per output type only a
//! small decoding function and [`JsonCall::poll`] are instantiated. An `async fn send` per
//! operation, awaiting a generic `send_json::<T>`, instead compiled a state machine per
//! operation and another per output type, the larger part of a service crate's
//! per-operation build time.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::Client;
use super::decode::{DecodeErased, Erased, decode_json_erased, deserialize_erased};
use crate::codegen::OperationInput;
use crate::error::Result;
use crate::response::{ByteStream, Response};

/// A boxed, sendable future: what the non-JSON `send_*` functions return.
pub type BoxCall<T> = Pin<Box<dyn Future<Output = Result<Response<T>>> + Send + 'static>>;

/// Sends `input` (or fails with its error, before anything is sent) and decodes the JSON
/// body into `T`.
pub fn send_json<T: DeserializeOwned + Send + 'static>(
    client: Client,
    input: Result<OperationInput>,
) -> JsonCall<T> {
    JsonCall {
        inner: Box::pin(client.send_decoded(
            input,
            std::any::type_name::<T>(),
            deserialize_erased::<T>,
        )),
        output: PhantomData,
    }
}

/// Sends `input` and ignores the body (operations documented without one, e.g. 204).
pub fn send_empty(client: Client, input: Result<OperationInput>) -> BoxCall<()> {
    Box::pin(async move { client.send_empty(input?).await })
}

/// Sends `input` and returns the raw body bytes.
pub fn send_bytes(client: Client, input: Result<OperationInput>) -> BoxCall<Bytes> {
    Box::pin(async move { client.send_bytes(input?).await })
}

/// Sends `input` and returns the body as a stream.
pub fn send_stream(client: Client, input: Result<OperationInput>) -> BoxCall<ByteStream> {
    Box::pin(async move { client.send_stream(input?).await })
}

impl Client {
    async fn send_decoded(
        self,
        input: Result<OperationInput>,
        type_name: &'static str,
        decode: DecodeErased,
    ) -> Result<Response<Erased>> {
        let input = input?;
        let idempotent = input.op.idempotent;
        let (status, headers, body, scrub) = self.send_buffered(&input).await?;
        decode_json_erased(status, headers, body, &scrub, type_name, decode)
            .map_err(|e| e.for_operation(idempotent))
    }
}

/// The future of a generated `send()` with a JSON output.
#[must_use = "futures do nothing unless awaited"]
pub struct JsonCall<T> {
    inner: Pin<Box<dyn Future<Output = Result<Response<Erased>>> + Send + 'static>>,
    output: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for JsonCall<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonCall")
            .field("output", &std::any::type_name::<T>())
            .finish_non_exhaustive()
    }
}

impl<T: 'static> Future for JsonCall<T> {
    type Output = Result<Response<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner
            .as_mut()
            .poll(cx)
            .map(|result| result?.downcast::<T>())
    }
}
