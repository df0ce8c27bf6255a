//! ECS/BMS metadata credentials against a local stand-in of the metadata service.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use huaweicloud_sdk_core::ErrorKind;
use huaweicloud_sdk_core::credentials::{DefaultChain, MetadataProvider, ProvideCredentials};
use huaweicloud_sdk_core::retry::Clock;
use support::{TempDir, env, expect_err};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const META_AK: &str = "METAAKEXAMPLE0000001";
const META_SK: &str = "metaSecretKey0000000000000000000000000SK";
const META_TOKEN: &str = "metaSecurityToken+/==FAKE";
const SESSION_TOKEN: &str = "session-token-0001";
/// 2020-01-08T03:50:07.574Z, the expiry of the official Python test fixture.
const EXPIRES: &str = "2020-01-08T03:50:07.574000Z";

fn expires_at() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(1_578_455_407_574)
}

fn security_key_body() -> String {
    format!(
        r#"{{"credential":{{"access":"{META_AK}","expires_at":"{EXPIRES}","secret":"{META_SK}","securitytoken":"{META_TOKEN}"}}}}"#
    )
}

/// A clock the test moves by hand.
#[derive(Debug, Clone)]
struct ManualClock(Arc<Mutex<SystemTime>>);

impl ManualClock {
    fn at(t: SystemTime) -> Self {
        Self(Arc::new(Mutex::new(t)))
    }
    fn set(&self, t: SystemTime) {
        *self.0.lock().unwrap() = t;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// Two hours before expiry: fresh credentials.
fn early_clock() -> ManualClock {
    ManualClock::at(expires_at() - Duration::from_secs(2 * 3600))
}

fn provider(server: &MockServer, clock: &ManualClock) -> MetadataProvider {
    MetadataProvider::new()
        .with_endpoint(server.uri())
        .with_clock(Arc::new(clock.clone()))
}

async fn mount_token(server: &MockServer, status: u16, body: &str) {
    Mock::given(method("PUT"))
        .and(path("/meta-data/latest/api/token"))
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(server)
        .await;
}

async fn mount_security_key(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/openstack/latest/securitykey"))
        .respond_with(ResponseTemplate::new(200).set_body_string(security_key_body()))
        .mount(server)
        .await;
}

async fn requests_to(server: &MockServer, p: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

#[tokio::test]
async fn token_then_security_key_gives_temporary_credentials() {
    let server = MockServer::start().await;
    mount_token(&server, 200, SESSION_TOKEN).await;
    mount_security_key(&server).await;
    let clock = early_clock();
    let c = provider(&server, &clock)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key(), META_AK);
    assert_eq!(c.security_token(), Some(META_TOKEN));
    assert_eq!(c.expires_at(), Some(expires_at()));
    assert_eq!(c.source(), "ECS metadata");
    assert_eq!(c.project_id(), None);

    let puts = requests_to(&server, "/meta-data/latest/api/token").await;
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].method.as_str(), "PUT");
    assert_eq!(
        puts[0].headers.get("x-metadata-token-ttl-seconds").unwrap(),
        "21600"
    );
    let gets = requests_to(&server, "/openstack/latest/securitykey").await;
    assert_eq!(gets.len(), 1);
    assert_eq!(
        gets[0].headers.get("x-metadata-token").unwrap(),
        SESSION_TOKEN
    );
}

#[tokio::test]
async fn v1_fallback_when_the_token_api_answers_404_405_or_503() {
    for status in [404, 405, 503] {
        let server = MockServer::start().await;
        mount_token(&server, status, "no token api").await;
        mount_security_key(&server).await;
        let clock = early_clock();
        let p = provider(&server, &clock);
        let c = p.provide_credentials().await.unwrap();
        assert_eq!(c.access_key(), META_AK, "status {status}");
        let gets = requests_to(&server, "/openstack/latest/securitykey").await;
        assert_eq!(gets.len(), 1);
        assert!(
            gets[0].headers.get("x-metadata-token").is_none(),
            "v1 access sends no token (status {status})"
        );
        // Refresh later: no new token request within 24 h of the last attempt.
        clock.set(expires_at() - Duration::from_secs(60));
        p.provide_credentials().await.unwrap();
        assert_eq!(
            requests_to(&server, "/meta-data/latest/api/token")
                .await
                .len(),
            1,
            "status {status}"
        );
        assert_eq!(
            requests_to(&server, "/openstack/latest/securitykey")
                .await
                .len(),
            2
        );
    }
}

#[tokio::test]
async fn other_token_statuses_are_errors() {
    let server = MockServer::start().await;
    mount_token(&server, 403, "forbidden here").await;
    mount_security_key(&server).await;
    let e = expect_err(
        provider(&server, &early_clock())
            .provide_credentials()
            .await,
    );
    assert_eq!(e.kind(), ErrorKind::Credentials);
    assert_eq!(
        e.to_string(),
        format!(
            "credentials error: ECS metadata: PUT {}/meta-data/latest/api/token answered HTTP 403: forbidden here",
            server.uri()
        )
    );
    assert!(
        requests_to(&server, "/openstack/latest/securitykey")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn refreshes_only_when_less_than_40_minutes_are_left() {
    let server = MockServer::start().await;
    mount_token(&server, 200, SESSION_TOKEN).await;
    mount_security_key(&server).await;
    let clock = early_clock();
    let p = provider(&server, &clock);
    let gets = || requests_to(&server, "/openstack/latest/securitykey");

    p.provide_credentials().await.unwrap();
    assert_eq!(gets().await.len(), 1);
    // 41 minutes left: the cached credentials are used.
    clock.set(expires_at() - Duration::from_secs(41 * 60));
    p.provide_credentials().await.unwrap();
    assert_eq!(gets().await.len(), 1);
    // 39 minutes left: refreshed.
    clock.set(expires_at() - Duration::from_secs(39 * 60));
    p.provide_credentials().await.unwrap();
    assert_eq!(gets().await.len(), 2);
    // The token is reused for the refresh.
    assert_eq!(
        requests_to(&server, "/meta-data/latest/api/token")
            .await
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_refresh() {
    let server = MockServer::start().await;
    mount_token(&server, 200, SESSION_TOKEN).await;
    // Slow enough that every caller arrives while the first fetch is in flight.
    Mock::given(method("GET"))
        .and(path("/openstack/latest/securitykey"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(security_key_body())
                .set_delay(Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let p = Arc::new(provider(&server, &early_clock()));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.provide_credentials().await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().access_key(), META_AK);
    }
    assert_eq!(
        requests_to(&server, "/openstack/latest/securitykey")
            .await
            .len(),
        1
    );
    assert_eq!(
        requests_to(&server, "/meta-data/latest/api/token")
            .await
            .len(),
        1
    );
    server.verify().await;
}

#[tokio::test]
async fn a_stale_token_is_renewed_once_on_401() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/meta-data/latest/api/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string("old-token"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_token(&server, 200, "new-token").await;
    Mock::given(method("GET"))
        .and(path("/openstack/latest/securitykey"))
        .and(header("x-metadata-token", "old-token"))
        .respond_with(ResponseTemplate::new(401).set_body_string("token expired"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/openstack/latest/securitykey"))
        .and(header("x-metadata-token", "new-token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(security_key_body()))
        .mount(&server)
        .await;
    let c = provider(&server, &early_clock())
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key(), META_AK);
    assert_eq!(
        requests_to(&server, "/meta-data/latest/api/token")
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn no_agency_is_reported_without_renewing_the_token() {
    let server = MockServer::start().await;
    mount_token(&server, 200, SESSION_TOKEN).await;
    Mock::given(method("GET"))
        .and(path("/openstack/latest/securitykey"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_string("Please configure Cloud Service Agency first"),
        )
        .mount(&server)
        .await;
    let e = expect_err(
        provider(&server, &early_clock())
            .provide_credentials()
            .await,
    );
    let msg = e.to_string();
    assert!(msg.contains("answered HTTP 401"), "{msg}");
    assert!(msg.contains("configure one for this ECS/BMS"), "{msg}");
    assert_eq!(
        requests_to(&server, "/meta-data/latest/api/token")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn no_metadata_service_fails_fast_with_a_clear_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let e = expect_err(
        MetadataProvider::new()
            .with_endpoint(&endpoint)
            .provide_credentials()
            .await,
    );
    assert_eq!(e.kind(), ErrorKind::Credentials);
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!(
            "credentials error: ECS metadata: no ECS metadata service at {endpoint} (PUT {endpoint}/meta-data/latest/api/token: "
        )),
        "{msg}"
    );
    assert!(
        msg.ends_with("outside an ECS/BMS with an agency, set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or ak and sk in ~/.huaweicloud/credentials"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_silent_metadata_service_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let e = expect_err(
        provider(&server, &early_clock())
            .with_timeouts(Duration::from_millis(200), Duration::from_millis(100))
            .provide_credentials()
            .await,
    );
    let msg = e.to_string();
    assert!(msg.contains("no ECS metadata service at"), "{msg}");
    assert!(msg.contains("timed out after 100ms"), "{msg}");
}

#[tokio::test]
async fn malformed_security_key_bodies_are_errors_that_quote_no_secret() {
    let cases = [
        ("not json {", "is not valid JSON"),
        (
            &*format!(r#"{{"credential":{{"access":"{META_AK}","secret":"{META_SK}"}}}}"#),
            "has no credential.securitytoken",
        ),
        (
            &*format!(
                r#"{{"credential":{{"access":"{META_AK}","secret":"{META_SK}","securitytoken":"{META_TOKEN}"}}}}"#
            ),
            "has no credential.expires_at",
        ),
        (
            &*format!(
                r#"{{"credential":{{"access":"{META_AK}","secret":"{META_SK}","securitytoken":"{META_TOKEN}","expires_at":"tomorrow"}}}}"#
            ),
            "has credential.expires_at 'tomorrow', not a UTC timestamp",
        ),
        (
            r#"{"credential":{"access":""}}"#,
            "has no credential.secret",
        ),
    ];
    for (body, expected) in cases {
        let server = MockServer::start().await;
        mount_token(&server, 200, SESSION_TOKEN).await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
        let e = expect_err(
            provider(&server, &early_clock())
                .provide_credentials()
                .await,
        );
        let msg = e.to_string();
        assert!(msg.contains(expected), "{body}: {msg}");
        assert!(!msg.contains(META_SK) && !msg.contains(META_TOKEN), "{msg}");
    }
}

#[tokio::test]
async fn the_official_alternative_key_spellings_are_accepted() {
    let server = MockServer::start().await;
    mount_token(&server, 200, SESSION_TOKEN).await;
    let body = format!(
        r#"{{"credentials":{{"accessKeyId":"{META_AK}","secretAccessKey":"{META_SK}","securityToken":"{META_TOKEN}","expiration":"{EXPIRES}"}}}}"#
    );
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(&server)
        .await;
    let c = provider(&server, &early_clock())
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(
        (c.access_key(), c.security_token(), c.expires_at()),
        (META_AK, Some(META_TOKEN), Some(expires_at()))
    );
}

#[tokio::test]
async fn debug_shows_no_token_or_secret_after_loading() {
    let server = MockServer::start().await;
    mount_token(&server, 200, SESSION_TOKEN).await;
    mount_security_key(&server).await;
    let p = provider(&server, &early_clock());
    p.provide_credentials().await.unwrap();
    assert_eq!(
        format!("{p:?}"),
        format!(
            "MetadataProvider {{ endpoint: \"{}\", connect_timeout: 1s, request_timeout: 2s, .. }}",
            server.uri()
        )
    );
    let pretty = format!("{p:#?}");
    for secret in [SESSION_TOKEN, META_SK, META_TOKEN] {
        assert!(!pretty.contains(secret), "{pretty}");
    }
}

#[tokio::test]
async fn default_chain_uses_metadata_after_env_and_profile() {
    let server = MockServer::start().await;
    mount_token(&server, 200, SESSION_TOKEN).await;
    mount_security_key(&server).await;
    let home = TempDir::new("meta-chain");
    let clock = early_clock();
    let chain = DefaultChain::with_env_and_metadata(
        env(&[("HOME", &home.str())]),
        Some(provider(&server, &clock)),
    );
    let c = chain.provide_credentials().await.unwrap();
    assert_eq!(c.source(), "ECS metadata");
    // Expiring credentials are not frozen by the chain: the metadata provider refreshes them.
    clock.set(expires_at() - Duration::from_secs(60));
    chain.provide_credentials().await.unwrap();
    assert_eq!(
        requests_to(&server, "/openstack/latest/securitykey")
            .await
            .len(),
        2
    );

    // Env credentials still win over metadata.
    let chain = DefaultChain::with_env_and_metadata(
        env(&[
            ("HUAWEICLOUD_SDK_AK", "ENVAK0000000000000001"),
            ("HUAWEICLOUD_SDK_SK", "envsk"),
            ("HOME", &home.str()),
        ]),
        Some(provider(&server, &clock)),
    );
    assert_eq!(
        chain.provide_credentials().await.unwrap().source(),
        "environment"
    );
}

#[tokio::test]
async fn default_chain_lists_the_metadata_failure_last() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let home = TempDir::new("meta-chain-none");
    let chain = DefaultChain::with_env_and_metadata(
        env(&[("HOME", &home.str())]),
        Some(MetadataProvider::new().with_endpoint(format!("http://127.0.0.1:{port}"))),
    );
    let msg = expect_err(chain.provide_credentials().await).to_string();
    let env_at = msg.find("environment: HUAWEICLOUD_SDK_AK").unwrap();
    let profile_at = msg.find("profile: ").unwrap();
    let meta_at = msg
        .find("ECS metadata: no ECS metadata service at")
        .unwrap();
    assert!(env_at < profile_at && profile_at < meta_at, "{msg}");
}
