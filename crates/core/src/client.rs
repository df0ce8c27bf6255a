//! The client and its request pipeline: `prepare` (pure: template, headers, signature),
//! transport (I/O), classification and retries.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::codegen::{Method, OperationInput, OperationSpec, ServiceClient, ServiceSpec};
use crate::credentials::{Credentials, DefaultChain, ProvideCredentials};
use crate::env::Env;
use crate::error::{Error, ErrorKind, Result, parse_service_error, truncate};
use crate::region::{Endpoint, Region};
use crate::response::{ByteStream, Response};
use crate::retry::{Clock, RetryPolicy, Sleep, SystemClock, TokioSleep, parse_retry_after};
use crate::sign::{self, SignableRequest};
use crate::transport::{
    HttpRequest, HttpResponse, Proxy, ReqwestTransport, Transport, TransportError,
    TransportErrorKind, TransportOptions,
};

/// The `User-Agent` product token of this SDK.
pub const USER_AGENT: &str = concat!("huaweicloud-usdk-rust/", env!("CARGO_PKG_VERSION"));

/// Default connect timeout (the official SDKs use 60 s).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time for one attempt, from sending to the end of the body (official read timeout: 120 s).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default cap on a buffered response body; streaming downloads are not capped.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

/// Per-call options: extra headers, timeouts and a retry policy override.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a header to this call (signed unless its name contains `_`). A `User-Agent` is
    /// appended to the SDK's own, as in the official SDKs.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Time limit for each attempt.
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = Some(d);
        self
    }
    /// Time limit for the whole call, retries and backoff included.
    pub fn operation_timeout(mut self, d: Duration) -> Self {
        self.operation_timeout = Some(d);
        self
    }
    /// Retry policy for this call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}

/// Builds a client for a service `C` (a generated client type, or [`Client`] for the raw one).
#[must_use]
pub struct ClientBuilder<C = Client> {
    service: &'static ServiceSpec,
    region: Option<String>,
    endpoints: Vec<String>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    project_id: Option<String>,
    iam_endpoint: Option<String>,
    transport: Option<Arc<dyn Transport>>,
    proxy: Option<String>,
    proxy_credentials: Option<(String, String)>,
    root_certificates: Vec<Vec<u8>>,
    root_certificates_only: bool,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    operation_timeout: Option<Duration>,
    max_body: usize,
    retry: RetryPolicy,
    user_agent: Option<String>,
    user_agent_suffix: Option<String>,
    headers: Vec<(String, String)>,
    ignore_content_type_for_get: bool,
    clock: Arc<dyn Clock>,
    sleeper: Arc<dyn Sleep>,
    env: Env,
    _client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ClientBuilder");
        d.field("service", &self.service.name)
            .field("region", &self.region)
            .field("endpoints", &self.endpoints)
            .field("credentials", &self.credentials);
        // Shown only when set; the password never is.
        if let Some(p) = &self.proxy {
            d.field("proxy", &crate::transport::redact_userinfo(p));
        }
        if let Some((user, _)) = &self.proxy_credentials {
            d.field(
                "proxy_credentials",
                &(user.as_str(), crate::error::REDACTED),
            );
        }
        if !self.root_certificates.is_empty() {
            d.field("root_certificates", &self.root_certificates.len());
        }
        d.finish_non_exhaustive()
    }
}

impl<C: ServiceClient> ClientBuilder<C> {
    /// A builder for the generated client `C`.
    pub fn new() -> Self {
        Self::for_service(C::SERVICE)
    }

    /// Builds the client. Resolves the region's endpoints now; credentials are asked for at
    /// the first call.
    pub fn build(self) -> Result<C> {
        self.build_core().map(C::from_core)
    }
}

impl<C: ServiceClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> ClientBuilder<C> {
    /// A builder for `service`.
    pub fn for_service(service: &'static ServiceSpec) -> Self {
        Self {
            service,
            region: None,
            endpoints: Vec::new(),
            credentials: None,
            project_id: None,
            iam_endpoint: None,
            transport: None,
            proxy: None,
            proxy_credentials: None,
            root_certificates: Vec::new(),
            root_certificates_only: false,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            operation_timeout: None,
            max_body: DEFAULT_MAX_BODY,
            retry: RetryPolicy::default(),
            user_agent: None,
            user_agent_suffix: None,
            headers: Vec::new(),
            ignore_content_type_for_get: false,
            clock: Arc::new(SystemClock),
            sleeper: Arc::new(TokioSleep),
            env: Env::default(),
            _client: PhantomData,
        }
    }

    /// The region, e.g. `cn-north-4`; endpoints come from env, regions file or the static table.
    pub fn region(mut self, region_id: impl Into<String>) -> Self {
        self.region = Some(region_id.into());
        self
    }
    /// A custom endpoint, bypassing the region table (`https://` is assumed without a scheme).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoints = vec![endpoint.into()];
        self
    }
    /// Several custom endpoints, tried in order.
    pub fn endpoints<I: IntoIterator<Item = S>, S: Into<String>>(mut self, endpoints: I) -> Self {
        self.endpoints = endpoints.into_iter().map(Into::into).collect();
        self
    }
    /// Static or custom credentials (default: env, then `~/.huaweicloud/credentials`).
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }
    /// Shared credentials provider.
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials = Some(provider);
        self
    }
    /// Project id, overriding the one from credentials.
    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }
    /// The IAM endpoint asked for the project id when a region is set and no project id is
    /// known (default: `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the official per-region table,
    /// else `https://iam.myhuaweicloud.com`).
    pub fn iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.iam_endpoint = Some(endpoint.into());
        self
    }
    /// A custom transport (tests, instrumentation).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }
    /// Sends requests (to http and https endpoints, and to IAM) through an HTTP or HTTPS
    /// proxy, e.g. `http://proxy.example:3128`; `http://user:password@host:port` carries
    /// basic-auth credentials (percent-encoded). `HTTP_PROXY`/`HTTPS_PROXY` are not read.
    /// The password never appears in `Debug`, logs or errors.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }
    /// Basic-auth credentials for the proxy (instead of putting them in its URL).
    pub fn proxy_credentials(
        mut self,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.proxy_credentials = Some((username.into(), password.into()));
        self
    }
    /// Also trusts the CA certificates of a PEM bundle (a test gateway, a corporate CA).
    pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }
    /// Trusts only the certificates given to [`add_root_certificate`](Self::add_root_certificate),
    /// not the platform's store.
    pub fn tls_root_certificates_only(mut self, yes: bool) -> Self {
        self.root_certificates_only = yes;
        self
    }
    /// Connect timeout (default 60 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// Time limit for each attempt (default 120 s).
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = d;
        self
    }
    /// Time limit for a whole call including retries (default: none beyond the attempts').
    pub fn operation_timeout(mut self, d: Duration) -> Self {
        self.operation_timeout = Some(d);
        self
    }
    /// Largest response body read into memory (default 64 MiB).
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }
    /// Retry policy (default: 3 attempts under the idempotency rules).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// Appends `; suffix` to the SDK's `User-Agent`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }
    /// Replaces the `User-Agent` entirely (to reproduce another client's exact request).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }
    /// A header sent (and signed) with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Do not send `Content-Type` on GET requests (official `ignore_content_type_for_get_request`).
    pub fn ignore_content_type_for_get(mut self, yes: bool) -> Self {
        self.ignore_content_type_for_get = yes;
        self
    }
    /// Clock for `X-Sdk-Date` (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
    /// Sleeper for backoff delays (tests record them instead of waiting).
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleep>) -> Self {
        self.sleeper = sleeper;
        self
    }
    /// Where env overrides and files are looked up (tests).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Builds the service-agnostic core client.
    pub fn build_core(self) -> Result<Client> {
        let (region_id, raw_endpoints) = if !self.endpoints.is_empty() {
            (self.region.clone(), self.endpoints.clone())
        } else if let Some(region) = &self.region {
            let r = Region::resolve(self.service, region, &self.env)?;
            (Some(r.id), r.endpoints)
        } else {
            return Err(Error::config(format!(
                "{}: neither a region nor an endpoint was given",
                self.service.name
            )));
        };
        let endpoints = raw_endpoints
            .iter()
            .map(|e| Endpoint::parse(e))
            .collect::<Result<Vec<_>>>()?;
        // Only a region (not a bare endpoint) allows project-id discovery, as in the official SDKs.
        let iam_endpoint = match &region_id {
            Some(region) => {
                let (raw, origin) = match self.iam_endpoint {
                    Some(e) => (e, "ClientBuilder::iam_endpoint"),
                    None => (
                        crate::region::iam_endpoint(region, &self.env),
                        crate::region::IAM_ENDPOINT_ENV,
                    ),
                };
                Some(Endpoint::parse(&raw).map_err(|e| Error::config(format!("{origin}: {e}")))?)
            }
            None => None,
        };
        let network_options = self.proxy.is_some()
            || self.proxy_credentials.is_some()
            || !self.root_certificates.is_empty()
            || self.root_certificates_only;
        let transport: Arc<dyn Transport> = match self.transport {
            Some(_) if network_options => {
                return Err(Error::config(
                    "proxy and root certificate options apply to the built-in transport; configure them on the custom transport instead",
                ));
            }
            Some(t) => t,
            None if network_options => {
                let mut options = TransportOptions::new(self.connect_timeout)
                    .root_certificates_only(self.root_certificates_only);
                for pem in self.root_certificates {
                    options = options.add_root_certificates_pem(pem);
                }
                let proxy = match (self.proxy, self.proxy_credentials) {
                    (Some(url), creds) => {
                        let p = Proxy::parse(&url)?;
                        Some(match creds {
                            Some((user, password)) => p.with_credentials(user, password),
                            None => p,
                        })
                    }
                    (None, Some(_)) => {
                        return Err(Error::config(
                            "proxy_credentials were given without a proxy URL (ClientBuilder::proxy)",
                        ));
                    }
                    (None, None) => None,
                };
                if let Some(p) = proxy {
                    options = options.proxy(p);
                }
                Arc::new(ReqwestTransport::with_options(&options)?)
            }
            None => Arc::new(ReqwestTransport::new(self.connect_timeout)?),
        };
        let credentials = self
            .credentials
            .unwrap_or_else(|| Arc::new(DefaultChain::with_env(self.env.clone())));
        let user_agent = match (self.user_agent, self.user_agent_suffix) {
            (Some(ua), _) => ua,
            (None, Some(s)) => format!("{USER_AGENT}; {s}"),
            (None, None) => USER_AGENT.to_owned(),
        };
        Ok(Client {
            inner: Arc::new(ClientInner {
                service: self.service,
                region_id,
                endpoints,
                credentials,
                project_id: self.project_id.filter(|p| !p.trim().is_empty()),
                iam_endpoint,
                transport,
                attempt_timeout: self.attempt_timeout,
                operation_timeout: self.operation_timeout,
                max_body: self.max_body,
                retry: self.retry,
                user_agent,
                headers: self.headers,
                ignore_content_type_for_get: self.ignore_content_type_for_get,
                clock: self.clock,
                sleeper: self.sleeper,
                current_endpoint: std::sync::atomic::AtomicUsize::new(0),
            }),
        })
    }
}

/// A configured client for one service. Cheap to clone (one `Arc`), `Send` and `Sync`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    service: &'static ServiceSpec,
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
            .field("region", &self.inner.region_id)
            .field("endpoints", &self.inner.endpoints)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

/// A signed request and what went into its signature (for tests, benchmarks and debugging).
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    pub request: HttpRequest,
    /// `None` when the caller supplied its own `Authorization`.
    pub signing: Option<sign::SigningOutput>,
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
        self.inner.credentials.provide_credentials().await
    }

    /// Builds the signed request for `input` against the first endpoint, with no I/O.
    pub fn prepare(
        &self,
        input: &OperationInput,
        credentials: &Credentials,
    ) -> Result<PreparedRequest> {
        self.prepare_for(input, credentials, 0)
    }

    fn prepare_for(
        &self,
        input: &OperationInput,
        creds: &Credentials,
        endpoint: usize,
    ) -> Result<PreparedRequest> {
        let inner = &*self.inner;
        let op = input.op;
        let endpoint = inner
            .endpoints
            .get(endpoint)
            .ok_or_else(|| Error::config("no endpoint configured"))?;
        let project_id = inner.project_id.as_deref().or(creds.project_id());
        let template = input.raw.as_ref().map_or(op.path, |r| r.path.as_str());
        let path = fill_path(
            op,
            template,
            &input.path_params,
            project_id,
            creds.domain_id(),
        )?;
        let full_path = format!("{}{}", endpoint.base_path, path);

        let mut headers: Vec<(String, String)> = Vec::with_capacity(8 + input.headers.len());
        let content_type = match &input.raw {
            Some(raw) => raw.content_type.as_deref(),
            None => op.content_type,
        };
        if let Some(ct) = content_type {
            if !(inner.ignore_content_type_for_get && op.method == Method::Get) {
                headers.push(("Content-Type".into(), ct.into()));
            }
        }
        let mut user_agent = inner.user_agent.clone();
        for (k, v) in inner
            .headers
            .iter()
            .chain(&input.options.headers)
            .chain(&input.headers)
        {
            if k.eq_ignore_ascii_case("user-agent") {
                user_agent.push_str("; ");
                user_agent.push_str(v);
            } else if let Some(existing) = headers
                .iter_mut()
                .find(|(ek, _)| ek.eq_ignore_ascii_case(k))
            {
                existing.1.clone_from(v);
            } else {
                headers.push((k.clone(), v.clone()));
            }
        }
        headers.push(("User-Agent".into(), user_agent));
        if let Some(p) = project_id {
            headers.push(("X-Project-Id".into(), p.into()));
        }
        if let Some(t) = creds.security_token() {
            headers.push(("X-Security-Token".into(), t.into()));
        }
        for (k, v) in &mut headers {
            if v.bytes().any(|b| b < 0x20 && b != b'\t' || b == 0x7f) {
                return Err(Error::invalid_request(format!(
                    "{} {}: header {k} contains control characters",
                    op.service, op.name
                )));
            }
            // Values are sent as signed: trimmed.
            let trimmed = v.trim();
            if trimmed.len() != v.len() {
                *v = trimmed.to_owned();
            }
        }

        let (signing, query) = if sign::is_presigned(&headers) {
            (None, sign::canonical_query_string(&input.query))
        } else {
            let date = sign::format_sdk_date(inner.clock.now());
            let out = sign::sign(
                &SignableRequest {
                    method: op.method.as_str(),
                    path: &full_path,
                    query: &input.query,
                    headers: &headers,
                    host: &endpoint.host,
                    body: &input.body,
                },
                creds.signing_key(),
                &date,
            );
            // Host is set by the HTTP stack from the URL (same value); the rest is sent.
            headers.extend(
                out.headers_to_add
                    .iter()
                    .filter(|(k, _)| *k != "Host")
                    .map(|(k, v)| ((*k).to_owned(), v.clone())),
            );
            let q = out.canonical_query.clone();
            (Some(out), q)
        };
        let mut url = String::with_capacity(endpoint.prefix.len() + path.len() + query.len() + 1);
        url.push_str(&endpoint.prefix);
        url.push_str(&path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        Ok(PreparedRequest {
            request: HttpRequest {
                method: op.method.to_http(),
                url,
                headers,
                body: input.body.clone(),
            },
            signing,
        })
    }

    /// Sends `input` and decodes a JSON body into `T`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        input: OperationInput,
    ) -> Result<Response<T>> {
        let (status, headers, body, scrub) = self.send_buffered(input).await?;
        decode_json(status, headers, body, &scrub)
    }

    /// Sends `input` and ignores the body (operations documented without one, e.g. 204).
    pub async fn send_empty(&self, input: OperationInput) -> Result<Response<()>> {
        let (status, headers, _body, _) = self.send_buffered(input).await?;
        Ok(Response::new(status, headers, ()))
    }

    /// Sends `input` and returns the raw body bytes.
    pub async fn send_bytes(&self, input: OperationInput) -> Result<Response<Bytes>> {
        let (status, headers, body, _) = self.send_buffered(input).await?;
        Ok(Response::new(status, headers, body))
    }

    /// Sends `input` and returns the body as a stream (binary downloads; not size-capped).
    pub async fn send_stream(&self, input: OperationInput) -> Result<Response<ByteStream>> {
        let (resp, _scrub) = self.execute(input, true).await?;
        let status = resp.status;
        let headers = resp.headers;
        Ok(Response::new(status, headers, ByteStream::new(resp.body)))
    }

    /// Starts a request to any API of this service's endpoint, signed with the client's
    /// credentials and subject to its retries, timeouts and error handling.
    pub fn raw_request(&self, method: Method, path: impl Into<String>) -> RawRequest {
        RawRequest::new(self.clone(), method, path.into())
    }

    async fn send_buffered(
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
    async fn execute(
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

fn request_id(headers: &http::HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

fn transport_error(e: TransportError, scrub: &crate::error::Scrubber) -> Error {
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

fn decode_json<T: DeserializeOwned>(
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
    scrub: &crate::error::Scrubber,
) -> Result<Response<T>> {
    // An empty body decodes like `null`, so all-optional models and `()` accept 204s.
    let bytes: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &body
    };
    match deserialize_with_path::<T>(bytes) {
        Ok(v) => Ok(Response::new(status, headers, v)),
        Err(e) => {
            let rid = request_id(&headers)
                .map(|s| format!(", request id {s}"))
                .unwrap_or_default();
            let text = scrub.scrub(&String::from_utf8_lossy(&body));
            Err(Error::new(
                ErrorKind::Decode,
                format!(
                    "HTTP {status} response body does not match the expected type {}: {}{rid}",
                    std::any::type_name::<T>(),
                    scrub.scrub(&e.to_string())
                ),
            )
            .with_body(truncate(&text, crate::error::MAX_ERROR_BODY))
            .with_source(e))
        }
    }
}

/// Decodes `bytes`; an error names the field where it happened (`instances[0].capacity`).
fn deserialize_with_path<T: DeserializeOwned>(bytes: &[u8]) -> std::result::Result<T, DecodeError> {
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

/// Fills the path template: `{project_id}` / `{domain_id}` from credentials, the rest from
/// the bound parameters, each strictly percent-encoded once.
fn fill_path(
    op: &OperationSpec,
    template: &str,
    params: &[(&'static str, Option<String>)],
    project_id: Option<&str>,
    domain_id: Option<&str>,
) -> Result<String> {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(Error::invalid_request(format!(
                "{} {}: unclosed '{{' in path template",
                op.service, op.name
            )));
        };
        let name = &after[..close];
        let value = match name {
            "project_id" if !params.iter().any(|(n, _)| *n == name) => project_id.ok_or_else(|| {
                Error::invalid_request(format!(
                    "{} {} needs a project id: set HUAWEICLOUD_SDK_PROJECT_ID, project_id in the credentials profile, or ClientBuilder::project_id",
                    op.service, op.name
                ))
            })?,
            "domain_id" if !params.iter().any(|(n, _)| *n == name) => domain_id.ok_or_else(|| {
                Error::invalid_request(format!(
                    "{} {} needs a domain id: set HUAWEICLOUD_SDK_DOMAIN_ID or domain_id in the credentials profile",
                    op.service, op.name
                ))
            })?,
            _ => match params.iter().find(|(n, _)| *n == name) {
                Some((_, Some(v))) if !v.is_empty() => v.as_str(),
                _ => {
                    return Err(Error::invalid_request(format!(
                        "{} {}: missing required path parameter `{name}`",
                        op.service, op.name
                    )));
                }
            },
        };
        if value.contains('/') || value == "." || value == ".." || value.contains('{') {
            return Err(Error::invalid_request(format!(
                "{} {}: path parameter `{name}` must not contain '/' or '{{' or be '.' or '..'",
                op.service, op.name
            )));
        }
        use std::fmt::Write;
        let _ = write!(out, "{}", sign::percent_encode(value));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A request to an arbitrary API path, signed and sent like a generated operation.
#[derive(Debug)]
#[must_use]
pub struct RawRequest {
    client: Client,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Bytes,
    content_type: Option<String>,
    idempotent: Option<bool>,
    options: RequestOptions,
}

impl RawRequest {
    fn new(client: Client, method: Method, path: String) -> Self {
        Self {
            client,
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Bytes::new(),
            content_type: Some("application/json".into()),
            idempotent: None,
            options: RequestOptions::default(),
        }
    }
    /// Adds a query pair.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }
    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Sets the body bytes and their content type.
    pub fn body(mut self, content_type: impl Into<String>, body: impl Into<Bytes>) -> Self {
        self.content_type = Some(content_type.into());
        self.body = body.into();
        self
    }
    /// Serializes a JSON body (Python SDK byte layout).
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        self.body = crate::json::to_python_json(body).map_err(|e| {
            Error::invalid_request(format!("raw request body cannot be serialized: {e}"))
        })?;
        self.content_type = Some("application/json".into());
        Ok(self)
    }
    /// Overrides idempotency (default from the method).
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = Some(yes);
        self
    }
    /// Per-call options.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }
    /// Sends and returns the raw body.
    pub async fn send(self) -> Result<Response<Bytes>> {
        let idempotent = self.idempotent.unwrap_or(self.method.is_idempotent());
        let mut input = OperationInput::new(raw_spec(self.method, idempotent));
        // Path and content type are the caller's: carried beside the static operation facts.
        input.raw = Some(crate::codegen::RawParts {
            path: self.path,
            content_type: self.content_type,
        });
        input.query = self.query;
        input.headers = self.headers;
        input.body = self.body;
        input.options = self.options;
        self.client.send_bytes(input).await
    }
}

/// Static operation facts for raw requests, one per method and idempotency.
fn raw_spec(method: Method, idempotent: bool) -> &'static OperationSpec {
    macro_rules! spec {
        ($m:expr, $i:expr) => {{
            static SPEC: OperationSpec = OperationSpec {
                service: "raw",
                name: "RawRequest",
                method: $m,
                path: "",
                content_type: None,
                idempotent: $i,
            };
            &SPEC
        }};
    }
    match (method, idempotent) {
        (Method::Get, true) => spec!(Method::Get, true),
        (Method::Get, false) => spec!(Method::Get, false),
        (Method::Post, true) => spec!(Method::Post, true),
        (Method::Post, false) => spec!(Method::Post, false),
        (Method::Put, true) => spec!(Method::Put, true),
        (Method::Put, false) => spec!(Method::Put, false),
        (Method::Delete, true) => spec!(Method::Delete, true),
        (Method::Delete, false) => spec!(Method::Delete, false),
        (Method::Patch, true) => spec!(Method::Patch, true),
        (Method::Patch, false) => spec!(Method::Patch, false),
        (Method::Head, true) => spec!(Method::Head, true),
        (Method::Head, false) => spec!(Method::Head, false),
    }
}
