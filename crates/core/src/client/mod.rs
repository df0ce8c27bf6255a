//! The client: a service's configured [`Client`], its builder and the request pipeline.
//!
//! - [`builder`]: configuration, endpoint resolution and transport assembly.
//! - [`config`]: settings shared by several service clients.
//! - `prepare`: pure request preparation (path template, headers, signature).
//! - `execute`: the retry loop, failover and attempts.
//! - `decode`: JSON decoding of buffered bodies.
//! - [`raw`]: requests to APIs that are not generated yet.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::codegen::OperationInput;
use crate::credentials::{Credentials, ProvideCredentials};
use crate::error::ErrorFormat;
use crate::error::Result;
use crate::method::Method;
use crate::region::Endpoint;
use crate::response::{ByteStream, Response};
use crate::retry::{Clock, RetryPolicy, Sleep};
use crate::service::{CredentialScope, ServiceSpec};
use crate::transport::Transport;

pub mod builder;
pub(crate) mod call;
pub mod config;
mod decode;
mod execute;
mod prepare;
pub mod raw;

pub use builder::ClientBuilder;
pub use config::{Config, ConfigBuilder};
#[doc(hidden)]
pub use prepare::PreparedRequest;
pub use raw::RawRequest;

/// The `User-Agent` product token of this SDK.
pub const USER_AGENT: &str = concat!("huaweicloud-usdk-rust/", env!("CARGO_PKG_VERSION"));

/// Default connect timeout (the official SDKs use 60 s).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time for one attempt, from sending to the end of the body (official read timeout: 120 s).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default cap on a buffered response body; streaming downloads are not capped.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

/// A configured client for one service. Cheap to clone (one `Arc`), `Send` and `Sync`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    service: &'static ServiceSpec,
    credential_scope: CredentialScope,
    error_format: ErrorFormat,
    region_id: Option<String>,
    endpoints: Vec<Endpoint>,
    credentials: Arc<dyn ProvideCredentials>,
    project_id: Option<String>,
    /// Where the project id is looked up when needed; `None` without a region.
    iam_endpoint: Option<Endpoint>,
    transport: Arc<dyn Transport>,
    attempt_timeout: Duration,
    operation_timeout: Option<Duration>,
    max_body: usize,
    retry: RetryPolicy,
    user_agent: String,
    headers: Vec<(String, String)>,
    ignore_content_type_for_get: bool,
    clock: Arc<dyn Clock>,
    sleeper: Arc<dyn Sleep>,
    /// Index of the endpoint that last answered: failover is sticky across calls.
    current_endpoint: std::sync::atomic::AtomicUsize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("service", &self.inner.service.name)
            .field("credential_scope", &self.inner.credential_scope)
            .field("region", &self.inner.region_id)
            .field("endpoints", &self.inner.endpoints)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a raw client of `service` (the escape hatch for APIs not generated yet).
    pub fn builder(service: &'static ServiceSpec) -> ClientBuilder<Client> {
        ClientBuilder::for_service(service)
    }

    /// The region id, when the client was built from a region.
    pub fn region_id(&self) -> Option<&str> {
        self.inner.region_id.as_deref()
    }

    /// Asks the credentials provider for the credentials of the next request.
    pub async fn credentials(&self) -> Result<Credentials> {
        let provider = &self.inner.credentials;
        match provider.credentials_now() {
            Some(creds) => Ok(creds),
            None => provider.provide_credentials().await,
        }
    }

    /// Builds the signed request for `input` against the first endpoint, with no I/O.
    /// Sends `input` and decodes a JSON body into `T`.
    #[doc(hidden)]
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        input: OperationInput,
    ) -> Result<Response<T>> {
        let idempotent = input.op.idempotent;
        let (status, headers, body, scrub) = self.send_buffered(&input).await?;
        decode::decode_json(status, headers, body, &scrub).map_err(|e| e.for_operation(idempotent))
    }

    /// Sends `input` and ignores the body (operations documented without one, e.g. 204).
    #[doc(hidden)]
    pub async fn send_empty(&self, input: OperationInput) -> Result<Response<()>> {
        let (status, headers, _body, _) = self.send_buffered(&input).await?;
        Ok(Response::new(status, headers, ()))
    }

    /// Sends `input` and returns the raw body bytes.
    #[doc(hidden)]
    pub async fn send_bytes(&self, input: OperationInput) -> Result<Response<Bytes>> {
        let (status, headers, body, _) = self.send_buffered(&input).await?;
        Ok(Response::new(status, headers, body))
    }

    /// Sends `input` and returns the body as a stream (binary downloads; not size-capped).
    #[doc(hidden)]
    pub async fn send_stream(&self, input: OperationInput) -> Result<Response<ByteStream>> {
        let (resp, _scrub) = self.execute(&input, true).await?;
        let status = resp.status;
        let headers = resp.headers;
        Ok(Response::new(status, headers, ByteStream::new(resp.body)))
    }

    /// The sleeper of retries and waits (a test's `RecordingSleeper`, or tokio's timer).
    pub(crate) fn sleeper(&self) -> Arc<dyn Sleep> {
        self.inner.sleeper.clone()
    }

    /// Starts a request to any API of this service's endpoint, signed with the client's
    /// credentials and subject to its retries, timeouts and error handling.
    pub fn raw_request(&self, method: Method, path: impl Into<String>) -> RawRequest {
        RawRequest::new(self.clone(), method, path.into())
    }
}

/// Implemented by generated service clients so [`ClientBuilder`] can build them.
pub trait ServiceClient: Sized {
    /// The service this client talks to.
    const SERVICE: &'static ServiceSpec;
    /// The credentials the service takes (global services: [`CredentialScope::Global`]).
    const CREDENTIAL_SCOPE: CredentialScope = CredentialScope::Regional;
    /// How the service lays out error bodies (CCE: [`ErrorFormat::Cce`]).
    const ERROR_FORMAT: ErrorFormat = ErrorFormat::Standard;
    /// Wraps a configured core client.
    fn from_core(client: Client) -> Self;

    /// A client with the settings of `config` (shared transport and credentials), like
    /// [`Config::client`]: `huaweicloud_sdk_dcs::Client::from_config(&config)?` with this
    /// trait in scope.
    fn from_config(config: &Config) -> Result<Self> {
        ClientBuilder::<Self>::from_config(config).build()
    }
}
