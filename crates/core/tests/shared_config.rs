//! One `Config` for several service clients: region, credentials, per-service endpoints,
//! timeouts, retry policy, transport and sleeper are set once; every client built from it uses
//! them (one transport, one credentials provider), and each can still change its own.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use huaweicloud_sdk_core::__codegen::{RegionSpec, ServiceSpec};
use huaweicloud_sdk_core::credentials::CredentialsFuture;
use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport, RecordingSleeper};
use huaweicloud_sdk_core::{
    Backoff, Client, Config, Credentials, ErrorKind, Method, ProvideCredentials, RetryPolicy,
};

static DCS: ServiceSpec = ServiceSpec {
    name: "DCS",
    regions: &[RegionSpec {
        id: "cn-north-4",
        endpoints: &["https://dcs.cn-north-4.myhuaweicloud.com"],
    }],
};
static KAFKA: ServiceSpec = ServiceSpec {
    name: "KAFKA",
    regions: &[RegionSpec {
        id: "cn-north-4",
        endpoints: &["https://dms.cn-north-4.myhuaweicloud.com"],
    }],
};

/// Static credentials that count how often they were asked for.
#[derive(Debug, Default)]
struct Counting(AtomicUsize);

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Credentials::new("AK", "SK").map(|c| c.with_project_id("p1")) })
    }
}

fn mock() -> Arc<MockTransport> {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v2/{project_id}/instances")
        .respond(MockResponse::json(200, serde_json::json!({})));
    mock
}

async fn list(client: &Client) -> huaweicloud_sdk_core::Result<u16> {
    client
        .raw_request(Method::Get, "/v2/{project_id}/instances")
        .send()
        .await
        .map(|r| r.status())
}

#[tokio::test]
async fn clients_of_one_config_use_its_region_credentials_and_transport() {
    let mock = mock();
    let credentials = Arc::new(Counting::default());
    let config = Config::builder()
        .region("cn-north-4")
        .credentials_provider(credentials.clone())
        .transport(mock.clone())
        .user_agent_suffix("inventory-job")
        .build()
        .unwrap();
    assert_eq!(config.region(), Some("cn-north-4"));
    let dcs = Client::builder(&DCS)
        .with_config(&config)
        .build_core()
        .unwrap();
    let kafka = Client::builder(&KAFKA)
        .with_config(&config)
        .build_core()
        .unwrap();

    assert_eq!(list(&dcs).await.unwrap(), 200);
    assert_eq!(list(&kafka).await.unwrap(), 200);

    let sent = mock.requests();
    let hosts: Vec<_> = sent.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(
        hosts,
        [
            "dcs.cn-north-4.myhuaweicloud.com",
            "dms.cn-north-4.myhuaweicloud.com"
        ]
    );
    for r in &sent {
        assert!(r.header("User-Agent").unwrap().ends_with("; inventory-job"));
    }
    assert_eq!(
        credentials.0.load(Ordering::SeqCst),
        2,
        "one provider for both"
    );
}

#[tokio::test]
async fn endpoints_are_set_per_service() {
    let mock = mock();
    let config = Config::builder()
        .region("cn-north-4")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .service_endpoint("dcs", "https://dcs.internal.example.test")
        .transport(mock.clone())
        .build()
        .unwrap();
    let dcs = Client::builder(&DCS)
        .with_config(&config)
        .build_core()
        .unwrap();
    let kafka = Client::builder(&KAFKA)
        .with_config(&config)
        .build_core()
        .unwrap();
    list(&dcs).await.unwrap();
    list(&kafka).await.unwrap();
    let hosts: Vec<_> = mock.requests().iter().map(|r| r.host.clone()).collect();
    assert_eq!(
        hosts,
        [
            "dcs.internal.example.test",
            "dms.cn-north-4.myhuaweicloud.com"
        ]
    );
}

#[tokio::test]
async fn retry_policy_and_sleeper_are_shared_and_can_be_changed_per_client() {
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v2/{project_id}/instances")
        .respond(MockResponse::error(503, "SYS.0503", "busy"));
    let sleeper = RecordingSleeper::new();
    let config = Config::builder()
        .region("cn-north-4")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .transport(mock.clone())
        .sleeper(Arc::new(sleeper.clone()))
        .retry(
            RetryPolicy::default()
                .with_max_attempts(2)
                .with_backoff(Backoff::Exponential {
                    base: Duration::from_millis(50),
                    cap: Duration::from_secs(1),
                }),
        )
        .build()
        .unwrap();
    let dcs = Client::builder(&DCS)
        .with_config(&config)
        .build_core()
        .unwrap();
    let kafka = Client::builder(&KAFKA)
        .with_config(&config)
        .retry(RetryPolicy::disabled())
        .build_core()
        .unwrap();

    assert_eq!(list(&dcs).await.unwrap_err().status(), Some(503));
    assert_eq!(mock.requests().len(), 2, "the config's two attempts");
    assert_eq!(sleeper.delays(), [Duration::from_millis(50)]);

    assert_eq!(list(&kafka).await.unwrap_err().status(), Some(503));
    assert_eq!(
        mock.requests().len(),
        3,
        "one attempt: this client's own policy"
    );
}

#[test]
fn mistakes_fail_when_the_config_is_built() {
    let err = Config::builder()
        .service_endpoint("DCS", "ftp://dcs.example.test")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string().contains("Config::service_endpoint(DCS)"),
        "{err}"
    );

    let err = Config::builder()
        .transport(MockTransport::new())
        .proxy("http://proxy.example.test:3128")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);

    // A client without a region or endpoint says so, naming its service.
    let config = Config::builder().build().unwrap();
    let err = Client::builder(&KAFKA)
        .with_config(&config)
        .build_core()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("KAFKA: neither a region nor an endpoint"),
        "{err}"
    );
}

#[test]
fn debug_shows_no_secret() {
    let config = Config::builder()
        .credentials(Credentials::new("AKVISIBLE", "SK-NEVER-SHOWN-0000").unwrap())
        .proxy("http://user:proxy-password-0000@proxy.example.test:3128")
        .build()
        .unwrap();
    let text = format!("{config:?}");
    assert!(text.contains("AKVISIBLE"), "{text}");
    assert!(!text.contains("SK-NEVER-SHOWN"), "{text}");
    assert!(!text.contains("proxy-password"), "{text}");
}
