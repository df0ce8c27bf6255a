//! Global services (AAD, BSS, CDN, ...) take the official SDKs' `GlobalCredentials`: the domain id
//! goes into the signed `X-Domain-Id` header and no `X-Project-Id` is sent; regional services
//! send `X-Project-Id` only.

use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport, RecordedRequest};
use huaweicloud_sdk_core::{
    Client, ClientBuilder, CredentialScope, Credentials, Method, ServiceClient, ServiceSpec,
};

static GLOBAL: ServiceSpec = ServiceSpec {
    name: "AAD",
    regions: &[],
};

/// A generated-style client of a global service.
struct GlobalClient(Client);

impl ServiceClient for GlobalClient {
    const SERVICE: &'static ServiceSpec = &GLOBAL;
    const CREDENTIAL_SCOPE: CredentialScope = CredentialScope::Global;
    fn from_core(client: Client) -> Self {
        Self(client)
    }
}

fn credentials() -> Credentials {
    Credentials::new("AK", "SK")
        .unwrap()
        .with_project_id("p1")
        .with_domain_id("d1")
}

async fn one_request(client: &Client, mock: &MockTransport) -> RecordedRequest {
    mock.on(Method::Get, "/v1/{domain_id}/packages")
        .respond(MockResponse::json(200, serde_json::json!({})));
    client
        .raw_request(Method::Get, "/v1/{domain_id}/packages")
        .send()
        .await
        .expect("mocked call succeeds");
    mock.requests().pop().expect("one request")
}

fn signed_headers(req: &RecordedRequest) -> String {
    let auth = req.header("Authorization").expect("signed");
    auth.split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_generated_global_client_sends_the_domain_id_and_no_project_id() {
    let mock = MockTransport::new();
    let client = ClientBuilder::<GlobalClient>::new()
        .endpoint("https://aad.myhuaweicloud.com")
        .credentials(credentials())
        .transport(mock.clone())
        .build()
        .unwrap();
    let req = one_request(&client.0, &mock).await;
    assert_eq!(req.path, "/v1/d1/packages");
    assert_eq!(req.header("X-Domain-Id"), Some("d1"));
    assert_eq!(req.header("X-Project-Id"), None);
    assert!(
        signed_headers(&req).split(';').any(|h| h == "x-domain-id"),
        "{}",
        signed_headers(&req)
    );
}

#[tokio::test]
async fn a_raw_client_can_be_made_global() {
    let mock = MockTransport::new();
    let client = Client::builder(&GLOBAL)
        .endpoint("https://aad.myhuaweicloud.com")
        .credential_scope(CredentialScope::Global)
        .credentials(credentials())
        .transport(mock.clone())
        .build_core()
        .unwrap();
    let req = one_request(&client, &mock).await;
    assert_eq!(req.header("X-Domain-Id"), Some("d1"));
    assert_eq!(req.header("X-Project-Id"), None);
}

#[tokio::test]
async fn a_global_client_without_a_domain_id_sends_neither_header() {
    let mock = MockTransport::new();
    let client = ClientBuilder::<GlobalClient>::new()
        .endpoint("https://aad.myhuaweicloud.com")
        .credentials(Credentials::new("AK", "SK").unwrap().with_project_id("p1"))
        .transport(mock.clone())
        .build()
        .unwrap();
    mock.on(Method::Get, "/v1/packages")
        .respond(MockResponse::json(200, serde_json::json!({})));
    client
        .0
        .raw_request(Method::Get, "/v1/packages")
        .send()
        .await
        .unwrap();
    let req = mock.requests().pop().unwrap();
    assert_eq!(req.header("X-Domain-Id"), None);
    assert_eq!(req.header("X-Project-Id"), None);
}

#[tokio::test]
async fn a_regional_client_sends_the_project_id_and_no_domain_id() {
    let mock = MockTransport::new();
    let client = Client::builder(&GLOBAL)
        .endpoint("https://aad.myhuaweicloud.com")
        .credentials(credentials())
        .transport(mock.clone())
        .build_core()
        .unwrap();
    let req = one_request(&client, &mock).await;
    assert_eq!(req.header("X-Project-Id"), Some("p1"));
    assert_eq!(req.header("X-Domain-Id"), None);
}

/// Some operations declare `X-Project-Id` (or `X-Domain-Id`) as a header parameter. The
/// official credentials set their own value in a case-sensitive header dict: under the same
/// name it replaces the declared one; under another spelling (`X-Project-ID`) both are sent
/// and signed.
#[tokio::test]
async fn the_credentials_scope_header_replaces_a_declared_one_of_the_same_spelling() {
    for (scope, name, want) in [
        (CredentialScope::Regional, "X-Project-Id", &["p1"][..]),
        (CredentialScope::Global, "X-Domain-Id", &["d1"][..]),
        (
            CredentialScope::Regional,
            "X-Project-ID",
            &["from-the-caller", "p1"][..],
        ),
    ] {
        let mock = MockTransport::new();
        let client = Client::builder(&GLOBAL)
            .endpoint("https://aad.myhuaweicloud.com")
            .credential_scope(scope)
            .credentials(credentials())
            .transport(mock.clone())
            .build_core()
            .unwrap();
        mock.on(Method::Get, "/v1/things")
            .respond(MockResponse::json(200, serde_json::json!({})));
        client
            .raw_request(Method::Get, "/v1/things")
            .header(name, "from-the-caller")
            .send()
            .await
            .expect("mocked call succeeds");
        let req = mock.requests().pop().expect("one request");
        let sent: Vec<_> = req
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(sent, want, "{scope:?} {name}");
        let signed = signed_headers(&req);
        assert_eq!(
            signed.matches(&name.to_ascii_lowercase()).count(),
            want.len(),
            "{signed}"
        );
    }
}

/// A provider that fails the test if it is ever asked: an anonymous service needs none.
#[derive(Debug)]
struct NeverAsked;

impl huaweicloud_sdk_core::ProvideCredentials for NeverAsked {
    fn provide_credentials(&self) -> huaweicloud_sdk_core::credentials::CredentialsFuture<'_> {
        panic!("an anonymous service asked for credentials")
    }
}

/// IAM Identity Center's OIDC, portal and SCIM APIs take no credentials in the official
/// SDKs: nothing is signed or scoped, the caller's own tokens travel as parameters, and no
/// credentials provider is asked.
#[tokio::test]
async fn an_anonymous_service_sends_the_request_unsigned_and_asks_for_no_credentials() {
    let mock = MockTransport::new();
    let client = Client::builder(&GLOBAL)
        .credential_scope(CredentialScope::Anonymous)
        .endpoint("https://portal.sso.example.com")
        .credentials_provider(std::sync::Arc::new(NeverAsked))
        .transport(mock.clone())
        .build_core()
        .unwrap();
    mock.on(Method::Get, "/v1/{domain_id}/packages")
        .respond(MockResponse::json(200, serde_json::json!({})));
    client
        .raw_request(Method::Get, "/v1/d1/packages")
        .header("x-amz-sso_bearer_token", "caller-token")
        .send()
        .await
        .expect("mocked call succeeds");
    let req = mock.requests().pop().expect("one request");
    for absent in ["Authorization", "X-Sdk-Date", "X-Project-Id", "X-Domain-Id"] {
        assert_eq!(req.header(absent), None, "{absent}");
    }
    assert_eq!(req.header("x-amz-sso_bearer_token"), Some("caller-token"));
}

/// The official `SMSApiCredentials` sign with the access key but send neither id.
#[tokio::test]
async fn an_unscoped_service_signs_but_sends_no_project_or_domain_id() {
    let mock = MockTransport::new();
    let client = Client::builder(&GLOBAL)
        .credential_scope(CredentialScope::Unscoped)
        .endpoint("https://smsapi.example.com")
        .credentials(credentials())
        .transport(mock.clone())
        .build_core()
        .unwrap();
    let req = one_request(&client, &mock).await;
    assert_eq!(
        signed_headers(&req),
        "content-type;host;user-agent;x-sdk-date"
    );
    assert_eq!(req.header("X-Project-Id"), None);
    assert_eq!(req.header("X-Domain-Id"), None);
}
