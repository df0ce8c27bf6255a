//! [`ClientBuilder`]: configuration, endpoint resolution and transport assembly. The
//! settings a client shares with a [`Config`] live in `Settings`, and their setters are
//! written once (`shared_setters!`) for both builders.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use super::{
    Client, ClientInner, Config, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_BODY, ServiceClient, USER_AGENT,
};
use crate::credentials::{DefaultChain, ProvideCredentials};
use crate::env::Env;
use crate::error::ErrorFormat;
use crate::error::{Error, Result};
use crate::region::{Endpoint, Region};
use crate::retry::{Clock, RetryPolicy, Sleep, SystemClock, TokioSleep};
use crate::service::{CredentialScope, ServiceSpec};
use crate::transport::{HyperTransport, Proxy, Transport, TransportOptions};

/// Everything but the service and its endpoints: what a [`Config`] holds for all its clients.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<Arc<dyn ProvideCredentials>>,
    pub(crate) project_id: Option<String>,
    pub(crate) iam_endpoint: Option<String>,
    /// A transport the caller supplied.
    pub(crate) transport: Option<Arc<dyn Transport>>,
    /// The built-in transport of a [`Config`], shared by its clients (one connection pool)
    /// unless a client changes a network setting.
    pub(crate) shared_transport: Option<Arc<dyn Transport>>,
    /// A network setting was changed after the shared transport was built.
    pub(crate) network_changed: bool,
    pub(crate) proxy: Option<String>,
    pub(crate) proxy_credentials: Option<(String, String)>,
    pub(crate) root_certificates: Vec<Vec<u8>>,
    pub(crate) root_certificates_only: bool,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) max_body: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: Option<String>,
    pub(crate) user_agent_suffix: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) ignore_content_type_for_get: bool,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sleeper: Arc<dyn Sleep>,
    pub(crate) env: Env,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            region: None,
            credentials: None,
            project_id: None,
            iam_endpoint: None,
            transport: None,
            shared_transport: None,
            network_changed: false,
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
        }
    }
}

impl Settings {
    /// `Debug` fields after the region and endpoints, for both builders and the config:
    /// never a secret.
    pub(crate) fn debug_fields(&self, d: &mut fmt::DebugStruct<'_, '_>) {
        d.field("credentials", &self.credentials);
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
    }

    fn network_options(&self) -> bool {
        self.proxy.is_some()
            || self.proxy_credentials.is_some()
            || !self.root_certificates.is_empty()
            || self.root_certificates_only
    }

    /// The transport to use: the caller's, a config's shared one, or a new built-in one.
    pub(crate) fn transport(&self) -> Result<Arc<dyn Transport>> {
        match (&self.transport, &self.shared_transport) {
            (Some(_), _) if self.network_options() => Err(Error::config(
                "proxy and root certificate options apply to the built-in transport; configure them on the custom transport instead",
            )),
            (Some(t), _) => Ok(t.clone()),
            (None, Some(shared)) if !self.network_changed => Ok(shared.clone()),
            (None, _) => self.build_transport(),
        }
    }

    fn build_transport(&self) -> Result<Arc<dyn Transport>> {
        if !self.network_options() {
            return Ok(Arc::new(HyperTransport::new(self.connect_timeout)?));
        }
        let mut options = TransportOptions::new(self.connect_timeout)
            .root_certificates_only(self.root_certificates_only);
        for pem in &self.root_certificates {
            options = options.add_root_certificates_pem(pem.clone());
        }
        let proxy = match (&self.proxy, &self.proxy_credentials) {
            (Some(url), creds) => {
                let p = Proxy::parse(url)?;
                Some(match creds {
                    Some((user, password)) => p.with_credentials(user.clone(), password.clone()),
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
        Ok(Arc::new(HyperTransport::with_options(&options)?))
    }

    /// The credentials provider: the one given, else the default chain.
    pub(crate) fn credentials(&self) -> Arc<dyn ProvideCredentials> {
        self.credentials
            .clone()
            .unwrap_or_else(|| Arc::new(DefaultChain::with_env(self.env.clone())))
    }

    pub(crate) fn user_agent(&self) -> String {
        match (&self.user_agent, &self.user_agent_suffix) {
            (Some(ua), _) => ua.clone(),
            (None, Some(s)) => format!("{USER_AGENT}; {s}"),
            (None, None) => USER_AGENT.to_owned(),
        }
    }
}

/// The setters of [`Settings`], for [`ClientBuilder`] and [`ConfigBuilder`](super::ConfigBuilder)
/// alike (one definition, so the two cannot drift).
macro_rules! shared_setters {
    () => {
        /// The region, e.g. `cn-north-4`; endpoints come from env, regions file or the static table.
        pub fn region(mut self, region_id: impl Into<String>) -> Self {
            self.settings.region = Some(region_id.into());
            self
        }
        /// Static or custom credentials (default: env, then `~/.huaweicloud/credentials`,
        /// then the ECS metadata service).
        pub fn credentials(
            mut self,
            provider: impl $crate::credentials::ProvideCredentials + 'static,
        ) -> Self {
            self.settings.credentials = Some(::std::sync::Arc::new(provider));
            self
        }
        /// Shared credentials provider.
        pub fn credentials_provider(
            mut self,
            provider: ::std::sync::Arc<dyn $crate::credentials::ProvideCredentials>,
        ) -> Self {
            self.settings.credentials = Some(provider);
            self
        }
        /// Project id, overriding the one from credentials.
        pub fn project_id(mut self, id: impl Into<String>) -> Self {
            self.settings.project_id = Some(id.into());
            self
        }
        /// The IAM endpoint asked for the project id when a region is set and no project id is
        /// known (default: `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the official per-region table,
        /// else `https://iam.myhuaweicloud.com`).
        pub fn iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
            self.settings.iam_endpoint = Some(endpoint.into());
            self
        }
        /// A custom transport (tests, instrumentation).
        pub fn transport(
            mut self,
            transport: ::std::sync::Arc<dyn $crate::transport::Transport>,
        ) -> Self {
            self.settings.transport = Some(transport);
            self
        }
        /// Sends requests (to http and https endpoints, and to IAM) through an HTTP or HTTPS
        /// proxy, e.g. `http://proxy.example:3128`; `http://user:password@host:port` carries
        /// basic-auth credentials (percent-encoded). `HTTP_PROXY`/`HTTPS_PROXY` are not read.
        /// The password never appears in `Debug`, logs or errors.
        pub fn proxy(mut self, url: impl Into<String>) -> Self {
            self.settings.proxy = Some(url.into());
            self.settings.network_changed = true;
            self
        }
        /// Basic-auth credentials for the proxy (instead of putting them in its URL).
        pub fn proxy_credentials(
            mut self,
            username: impl Into<String>,
            password: impl Into<String>,
        ) -> Self {
            self.settings.proxy_credentials = Some((username.into(), password.into()));
            self.settings.network_changed = true;
            self
        }
        /// Also trusts the CA certificates of a PEM bundle (a test gateway, a corporate CA).
        pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
            self.settings.root_certificates.push(pem.into());
            self.settings.network_changed = true;
            self
        }
        /// Trusts only the certificates given to
        /// [`add_root_certificate`](Self::add_root_certificate), not the platform's store.
        pub fn tls_root_certificates_only(mut self, yes: bool) -> Self {
            self.settings.root_certificates_only = yes;
            self.settings.network_changed = true;
            self
        }
        /// Connect timeout (default 60 s).
        pub fn connect_timeout(mut self, d: ::std::time::Duration) -> Self {
            self.settings.connect_timeout = d;
            self.settings.network_changed = true;
            self
        }
        /// Time limit for each attempt, from sending to the last byte of the body, streamed
        /// bodies included (default 120 s). A limit too large to represent is no limit.
        pub fn attempt_timeout(mut self, d: ::std::time::Duration) -> Self {
            self.settings.attempt_timeout = d;
            self
        }
        /// Time limit for a whole call: every attempt, backoff and a streamed body (default:
        /// none beyond the attempts'). A limit too large to represent is no limit.
        pub fn operation_timeout(mut self, d: ::std::time::Duration) -> Self {
            self.settings.operation_timeout = Some(d);
            self
        }
        /// Largest response body read into memory (default 64 MiB).
        pub fn max_response_body(mut self, bytes: usize) -> Self {
            self.settings.max_body = bytes;
            self
        }
        /// Retry policy (default: 3 attempts under the idempotency rules).
        pub fn retry(mut self, policy: $crate::retry::RetryPolicy) -> Self {
            self.settings.retry = policy;
            self
        }
        /// Appends `; suffix` to the SDK's `User-Agent`.
        pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
            self.settings.user_agent_suffix = Some(suffix.into());
            self
        }
        /// Replaces the `User-Agent` entirely (to reproduce another client's exact request).
        pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
            self.settings.user_agent = Some(ua.into());
            self
        }
        /// A header sent (and signed) with every request.
        pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.settings.headers.push((name.into(), value.into()));
            self
        }
        /// Do not send `Content-Type` on GET requests (official `ignore_content_type_for_get_request`).
        pub fn ignore_content_type_for_get(mut self, yes: bool) -> Self {
            self.settings.ignore_content_type_for_get = yes;
            self
        }
        /// Clock for `X-Sdk-Date` (tests).
        pub fn clock(mut self, clock: ::std::sync::Arc<dyn $crate::retry::Clock>) -> Self {
            self.settings.clock = clock;
            self
        }
        /// Sleeper for backoff delays and waiters (tests record them instead of waiting).
        pub fn sleeper(mut self, sleeper: ::std::sync::Arc<dyn $crate::retry::Sleep>) -> Self {
            self.settings.sleeper = sleeper;
            self
        }
        /// Where env overrides and files are looked up (tests).
        pub fn env(mut self, env: $crate::env::Env) -> Self {
            self.settings.env = env;
            self
        }
    };
}
pub(crate) use shared_setters;

/// Builds a client for a service `C` (a generated client type, or [`Client`] for the raw one).
///
/// Start from [`new`](Self::new) (or the generated `Client::builder()`), or from a [`Config`]
/// shared with other clients ([`from_config`](Self::from_config)); either way every setting
/// can be changed per client.
#[must_use]
pub struct ClientBuilder<C = Client> {
    service: &'static ServiceSpec,
    credential_scope: CredentialScope,
    error_format: ErrorFormat,
    endpoints: Vec<String>,
    settings: Settings,
    _client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ClientBuilder");
        d.field("service", &self.service.name)
            .field("region", &self.settings.region)
            .field("endpoints", &self.endpoints);
        self.settings.debug_fields(&mut d);
        d.finish_non_exhaustive()
    }
}

impl<C: ServiceClient> ClientBuilder<C> {
    /// A builder for the generated client `C`.
    pub fn new() -> Self {
        Self::for_service(C::SERVICE)
            .credential_scope(C::CREDENTIAL_SCOPE)
            .error_format(C::ERROR_FORMAT)
    }

    /// A builder for the generated client `C` with the settings of `config`: its region,
    /// credentials provider and transport (shared: one connection pool, one credentials
    /// cache), timeouts, retry policy and the endpoints it sets for this service. Settings
    /// changed on the builder apply to this client only; changing a network setting (proxy,
    /// certificates, connect timeout) gives it a transport of its own.
    pub fn from_config(config: &Config) -> Self {
        Self::for_service(C::SERVICE)
            .credential_scope(C::CREDENTIAL_SCOPE)
            .error_format(C::ERROR_FORMAT)
            .with_config(config)
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
            credential_scope: CredentialScope::Regional,
            error_format: ErrorFormat::Standard,
            endpoints: Vec::new(),
            settings: Settings::default(),
            _client: PhantomData,
        }
    }

    /// This builder with every setting of `config` (see [`from_config`](ClientBuilder::from_config)),
    /// replacing the settings made on it so far: call it first, then change what differs.
    pub fn with_config(mut self, config: &Config) -> Self {
        self.settings = config.settings().clone();
        self.endpoints = config.endpoints_of(self.service.name).to_vec();
        self
    }

    shared_setters!();

    /// The credentials the service takes (default [`CredentialScope::Regional`]; a generated
    /// client sets its service's): a global service sends the domain id in `X-Domain-Id`
    /// instead of the project id in `X-Project-Id`.
    pub fn credential_scope(mut self, scope: CredentialScope) -> Self {
        self.credential_scope = scope;
        self
    }

    /// How the service lays out error bodies (default [`ErrorFormat::Standard`]; a generated
    /// client sets its service's).
    pub fn error_format(mut self, format: ErrorFormat) -> Self {
        self.error_format = format;
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

    /// Builds the service-agnostic core client.
    pub fn build_core(self) -> Result<Client> {
        let settings = self.settings;
        let (region_id, raw_endpoints) = if !self.endpoints.is_empty() {
            (settings.region.clone(), self.endpoints)
        } else if let Some(region) = &settings.region {
            let r = Region::resolve(self.service, region, &settings.env)?;
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
                let (raw, origin) = match &settings.iam_endpoint {
                    Some(e) => (e.clone(), "ClientBuilder::iam_endpoint"),
                    None => (
                        crate::region::iam_endpoint(region, &settings.env),
                        crate::region::IAM_ENDPOINT_ENV,
                    ),
                };
                Some(Endpoint::parse(&raw).map_err(|e| Error::config(format!("{origin}: {e}")))?)
            }
            None => None,
        };
        let transport = settings.transport()?;
        let credentials = settings.credentials();
        let user_agent = settings.user_agent();
        Ok(Client {
            inner: Arc::new(ClientInner {
                service: self.service,
                credential_scope: self.credential_scope,
                error_format: self.error_format,
                region_id,
                endpoints,
                credentials,
                project_id: settings.project_id.filter(|p| !p.trim().is_empty()),
                iam_endpoint,
                transport,
                attempt_timeout: settings.attempt_timeout,
                operation_timeout: settings.operation_timeout,
                max_body: settings.max_body,
                retry: settings.retry,
                user_agent,
                headers: settings.headers,
                ignore_content_type_for_get: settings.ignore_content_type_for_get,
                clock: settings.clock,
                sleeper: settings.sleeper,
                current_endpoint: std::sync::atomic::AtomicUsize::new(0),
            }),
        })
    }
}
