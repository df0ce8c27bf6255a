//! [`ClientBuilder`]: configuration, endpoint resolution and transport assembly.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use super::{
    Client, ClientInner, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY,
    ServiceClient, USER_AGENT,
};
use crate::credentials::{DefaultChain, ProvideCredentials};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::region::{Endpoint, Region};
use crate::retry::{Clock, RetryPolicy, Sleep, SystemClock, TokioSleep};
use crate::service::ServiceSpec;
use crate::transport::{Proxy, ReqwestTransport, Transport, TransportOptions};

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
    /// Time limit for each attempt, from sending to the last byte of the body, streamed
    /// bodies included (default 120 s). A limit too large to represent is no limit.
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = d;
        self
    }
    /// Time limit for a whole call: every attempt, backoff and a streamed body (default: none
    /// beyond the attempts'). A limit too large to represent is no limit.
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
