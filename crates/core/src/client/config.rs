//! [`Config`]: settings loaded once and shared by several service clients, as aws-config's
//! `SdkConfig` is.

use std::fmt;
use std::sync::Arc;

use super::builder::{Settings, shared_setters};
use super::{ClientBuilder, ServiceClient};
use crate::credentials::ProvideCredentials;
use crate::error::{Error, Result};
use crate::region::Endpoint;

/// Settings shared by the clients of several services: credentials, region, per-service
/// endpoints, timeouts, retry policy, transport (proxy, root certificates), user agent, and
/// the clock and sleeper of tests. Built once; cheap to clone.
///
/// Clients built from one `Config` share one transport (one connection pool) and one
/// credentials provider (one cache of temporary credentials), and each can still change any
/// setting for itself ([`ClientBuilder::from_config`]).
///
/// ```
/// use huaweicloud_sdk_core::{Client, Config, Credentials, ServiceSpec};
///
/// static DCS: ServiceSpec = ServiceSpec { name: "DCS", regions: &[] };
/// static KAFKA: ServiceSpec = ServiceSpec { name: "KAFKA", regions: &[] };
///
/// # fn main() -> huaweicloud_sdk_core::Result<()> {
/// let config = Config::builder()
///     .region("cn-north-4")
///     .credentials(Credentials::new("AK", "SK")?.with_project_id("p1"))
///     .service_endpoint("DCS", "https://dcs.example.test")
///     .service_endpoint("KAFKA", "https://dms.example.test")
///     .operation_timeout(std::time::Duration::from_secs(30))
///     .build()?;
/// // Generated clients: `config.client::<huaweicloud_sdk_dcs::Client>()?`.
/// let dcs = Client::builder(&DCS).with_config(&config).build_core()?;
/// let kafka = Client::builder(&KAFKA).with_config(&config).build_core()?;
/// assert_eq!(dcs.region_id(), Some("cn-north-4"));
/// assert_eq!(kafka.region_id(), Some("cn-north-4"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Config {
    inner: Arc<ConfigInner>,
}

struct ConfigInner {
    settings: Settings,
    /// Endpoints by service key (`DCS`, `KAFKA`), in the order given.
    service_endpoints: Vec<(String, Vec<String>)>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Config");
        d.field("region", &self.inner.settings.region)
            .field("service_endpoints", &self.inner.service_endpoints);
        self.inner.settings.debug_fields(&mut d);
        d.finish_non_exhaustive()
    }
}

impl Config {
    /// A builder with the defaults of a client builder.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder {
            settings: Settings::default(),
            service_endpoints: Vec::new(),
        }
    }

    /// A client of the generated type `C` with these settings, e.g.
    /// `let dcs: huaweicloud_sdk_dcs::Client = config.client()?;` (for per-client changes, use
    /// [`ClientBuilder::from_config`]).
    pub fn client<C: ServiceClient>(&self) -> Result<C> {
        ClientBuilder::<C>::from_config(self).build()
    }

    /// The region id, if one was set.
    pub fn region(&self) -> Option<&str> {
        self.inner.settings.region.as_deref()
    }

    /// The credentials provider every client of this config uses.
    pub fn credentials_provider(&self) -> Arc<dyn ProvideCredentials> {
        self.inner.settings.credentials()
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The endpoints set for the service `key` (case-insensitive), or none.
    pub(crate) fn endpoints_of(&self, key: &str) -> &[String] {
        self.inner
            .service_endpoints
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map_or(&[], |(_, e)| e.as_slice())
    }
}

/// Builds a [`Config`]: the setters of [`ClientBuilder`] (but per-service endpoints), then
/// [`build`](Self::build).
#[must_use]
pub struct ConfigBuilder {
    settings: Settings,
    service_endpoints: Vec<(String, Vec<String>)>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ConfigBuilder");
        d.field("region", &self.settings.region)
            .field("service_endpoints", &self.service_endpoints);
        self.settings.debug_fields(&mut d);
        d.finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    shared_setters!();

    /// An endpoint for the service with key `service` (`DCS`, `KAFKA`, `RABBITMQ`,
    /// `CODEARTSARTIFACT`: the key of its region environment variables), bypassing its region
    /// table. Called again for the same service, adds a failover endpoint.
    pub fn service_endpoint(
        mut self,
        service: impl Into<String>,
        endpoint: impl Into<String>,
    ) -> Self {
        let service = service.into();
        let endpoint = endpoint.into();
        match self
            .service_endpoints
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(&service))
        {
            Some((_, list)) => list.push(endpoint),
            None => self.service_endpoints.push((service, vec![endpoint])),
        }
        self
    }

    /// Builds the config: checks the endpoints, creates the transport and the default
    /// credentials chain once, for every client built from it.
    pub fn build(self) -> Result<Config> {
        let mut settings = self.settings;
        for (service, endpoints) in &self.service_endpoints {
            for e in endpoints {
                Endpoint::parse(e).map_err(|err| {
                    Error::config(format!("Config::service_endpoint({service}): {err}"))
                })?;
            }
        }
        if settings.transport.is_none() {
            settings.shared_transport = Some(settings.transport()?);
        } else {
            // A custom transport is checked against the network options now, not per client.
            settings.transport()?;
        }
        settings.network_changed = false;
        settings.credentials = Some(settings.credentials());
        Ok(Config {
            inner: Arc::new(ConfigInner {
                settings,
                service_endpoints: self.service_endpoints,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Client;
    use crate::credentials::Credentials;
    use crate::service::ServiceSpec;

    static DCS: ServiceSpec = ServiceSpec {
        name: "DCS",
        regions: &[],
    };
    static KAFKA: ServiceSpec = ServiceSpec {
        name: "KAFKA",
        regions: &[],
    };

    fn client(service: &'static ServiceSpec, config: &Config) -> Client {
        Client::builder(service)
            .with_config(config)
            .build_core()
            .unwrap()
    }

    fn config() -> ConfigBuilder {
        Config::builder()
            .service_endpoint("dcs", "https://dcs.example.test")
            .service_endpoint("KAFKA", "https://dms.example.test")
    }

    #[test]
    fn clients_of_one_config_share_the_built_in_transport_and_the_default_credentials() {
        let config = config().build().unwrap();
        let (dcs, kafka) = (client(&DCS, &config), client(&KAFKA, &config));
        assert!(Arc::ptr_eq(&dcs.inner.transport, &kafka.inner.transport));
        assert!(Arc::ptr_eq(
            &dcs.inner.credentials,
            &kafka.inner.credentials
        ));
        assert!(Arc::ptr_eq(
            &dcs.inner.credentials,
            &config.credentials_provider()
        ));
        // Two clients built on their own have a transport each.
        let alone = |s| {
            Client::builder(s)
                .endpoint("https://x.example.test")
                .build_core()
                .unwrap()
        };
        assert!(!Arc::ptr_eq(
            &alone(&DCS).inner.transport,
            &alone(&KAFKA).inner.transport
        ));
    }

    #[test]
    fn a_client_that_changes_a_network_setting_gets_its_own_transport() {
        let config = config()
            .credentials(Credentials::new("AK", "SK").unwrap())
            .build()
            .unwrap();
        let shared = client(&DCS, &config);
        let own = Client::builder(&KAFKA)
            .with_config(&config)
            .connect_timeout(std::time::Duration::from_secs(5))
            .build_core()
            .unwrap();
        assert!(!Arc::ptr_eq(&shared.inner.transport, &own.inner.transport));
        assert!(Arc::ptr_eq(
            &shared.inner.credentials,
            &own.inner.credentials
        ));
        // Other per-client settings keep the shared transport.
        let retuned = Client::builder(&KAFKA)
            .with_config(&config)
            .attempt_timeout(std::time::Duration::from_secs(5))
            .build_core()
            .unwrap();
        assert!(Arc::ptr_eq(
            &shared.inner.transport,
            &retuned.inner.transport
        ));
        assert_eq!(retuned.inner.attempt_timeout.as_secs(), 5);
        assert_eq!(
            shared.inner.attempt_timeout,
            super::super::DEFAULT_ATTEMPT_TIMEOUT
        );
    }
}
