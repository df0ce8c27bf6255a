//! Project-id discovery against a local IAM stand-in.

mod support;

use std::sync::Arc;

use huaweicloud_sdk_core::__codegen::{Method, OperationInput};
use huaweicloud_sdk_core::client::USER_AGENT;
use huaweicloud_sdk_core::region::{DEFAULT_IAM_ENDPOINT, iam_endpoint};
use huaweicloud_sdk_core::retry::FixedClock;
use huaweicloud_sdk_core::sign::{self, SignableRequest, SigningKey};
use huaweicloud_sdk_core::{Client, Credentials, ErrorKind, RetryPolicy};
use support::{LocalRedirect, TEST_SERVICE, env, expect_err, op, vector_time};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SK: &str = "projectSecretKey00000000000000000000000SK";
const TOKEN: &str = "projectSecurityToken+/==FAKE";
const REGION: &str = "cn-north-4";

fn projects(ids: &[&str]) -> String {
    let items: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"id":"{id}","name":"{REGION}","domain_id":"d"}}"#))
        .collect();
    format!(r#"{{"projects":[{}],"links":{{}}}}"#, items.join(","))
}

async fn iam_answering(body: String, expected_calls: u64) -> MockServer {
    let iam = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/projects"))
        .and(query_param("name", REGION))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-IAM-Trace-Id", "trace-123")
                .set_body_string(body),
        )
        .expect(expected_calls)
        .mount(&iam)
        .await;
    iam
}

async fn service_ok() -> MockServer {
    let service = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&service)
        .await;
    service
}

/// A client for `REGION` whose service endpoint and IAM endpoint (through the environment
/// variable of the official SDKs) are the local stand-ins.
fn client(service: &MockServer, iam: &MockServer, creds: Credentials) -> Client {
    Client::builder(&TEST_SERVICE)
        .region(REGION)
        .endpoint(service.uri())
        .env(env(&[("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam.uri())]))
        .credentials(creds)
        .clock(Arc::new(FixedClock(vector_time())))
        .retry(RetryPolicy::disabled())
        .build_core()
        .unwrap()
}

fn list_instances() -> OperationInput {
    OperationInput::new(op(Method::Get, "/v2/{project_id}/instances", None, true))
}

async fn service_requests(service: &MockServer) -> Vec<Request> {
    service.received_requests().await.unwrap()
}

#[tokio::test]
async fn the_project_of_the_region_is_looked_up_signed_and_used() {
    let (service, iam) = (
        service_ok().await,
        iam_answering(projects(&["proj-abc"]), 1).await,
    );
    let creds = Credentials::new("AKPROJECT00000000001", SK)
        .unwrap()
        .with_security_token(TOKEN);
    let c = client(&service, &iam, creds);
    c.send_empty(list_instances()).await.unwrap();

    let sent = service_requests(&service).await;
    assert_eq!(sent[0].url.path(), "/v2/proj-abc/instances");
    assert_eq!(sent[0].headers.get("x-project-id").unwrap(), "proj-abc");

    // The IAM request is signed with the same credentials and carries the security token.
    let iam_req = &iam.received_requests().await.unwrap()[0];
    assert_eq!(iam_req.url.query(), Some("name=cn-north-4"));
    assert_eq!(iam_req.headers.get("x-security-token").unwrap(), TOKEN);
    let host = iam_req
        .headers
        .get("host")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let key = SigningKey::new("AKPROJECT00000000001", SK).unwrap();
    let expected = sign::sign(
        &SignableRequest {
            method: "GET",
            path: "/v3/projects",
            query: &[("name".into(), REGION.into())],
            headers: &[
                ("User-Agent".into(), USER_AGENT.into()),
                ("X-Security-Token".into(), TOKEN.into()),
            ],
            host: &host,
            body: b"",
        },
        &key,
        &sign::format_sdk_date(vector_time()),
    );
    let authorization = expected
        .headers_to_add
        .iter()
        .find(|(k, _)| *k == "Authorization")
        .map(|(_, v)| v.clone())
        .unwrap();
    assert_eq!(
        iam_req.headers.get("authorization").unwrap(),
        authorization.as_str()
    );
    assert!(authorization.contains("SignedHeaders=host;user-agent;x-sdk-date;x-security-token"));
    iam.verify().await;
}

#[tokio::test]
async fn the_answer_is_cached_per_ak_and_region_across_clones_and_clients() {
    let (service, iam) = (
        service_ok().await,
        iam_answering(projects(&["proj-cached"]), 1).await,
    );
    let creds = Credentials::new("AKPROJECTCACHE000001", SK).unwrap();
    let c = client(&service, &iam, creds.clone());
    c.send_empty(list_instances()).await.unwrap();
    c.clone().send_empty(list_instances()).await.unwrap();
    // A second client with the same AK, region and IAM endpoint reuses it too.
    client(&service, &iam, creds)
        .send_empty(list_instances())
        .await
        .unwrap();
    for r in service_requests(&service).await {
        assert_eq!(r.url.path(), "/v2/proj-cached/instances");
    }
    iam.verify().await;

    // Another AK asks IAM again.
    let c = client(
        &service,
        &iam,
        Credentials::new("AKPROJECTCACHE000002", SK).unwrap(),
    );
    c.send_empty(list_instances()).await.unwrap();
    assert_eq!(iam.received_requests().await.unwrap().len(), 2);
    // The expectation of one call was checked above; drop it before the server is dropped.
    iam.reset().await;
}

#[tokio::test]
async fn no_project_says_what_to_set() {
    let (service, iam) = (service_ok().await, iam_answering(projects(&[]), 1).await);
    let c = client(
        &service,
        &iam,
        Credentials::new("AKPROJECTNONE0000001", SK).unwrap(),
    );
    let e = expect_err(c.send_empty(list_instances()).await);
    assert_eq!(e.kind(), ErrorKind::Config);
    assert_eq!(
        e.to_string(),
        format!(
            "configuration error: project id lookup for region 'cn-north-4' (GET {}/v3/projects?name=cn-north-4): IAM has no project named 'cn-north-4' for this account (X-IAM-Trace-Id trace-123); confirm the project exists, or set the project id with ClientBuilder::project_id(...), Credentials::with_project_id(...), HUAWEICLOUD_SDK_PROJECT_ID or project_id in the credentials profile",
            iam.uri()
        )
    );
    assert!(service_requests(&service).await.is_empty());
}

#[tokio::test]
async fn several_projects_are_listed_with_what_to_set() {
    let (service, iam) = (
        service_ok().await,
        iam_answering(projects(&["p-one", "p-two"]), 1).await,
    );
    let c = client(
        &service,
        &iam,
        Credentials::new("AKPROJECTMANY0000001", SK).unwrap(),
    );
    let e = expect_err(c.send_empty(list_instances()).await);
    assert_eq!(e.kind(), ErrorKind::Config);
    let msg = e.to_string();
    assert!(
        msg.contains("IAM returned 2 projects named 'cn-north-4': [p-one, p-two] (X-IAM-Trace-Id trace-123); choose one: set the project id with ClientBuilder::project_id(...)"),
        "{msg}"
    );
    assert!(msg.contains("HUAWEICLOUD_SDK_PROJECT_ID"), "{msg}");
    assert!(service_requests(&service).await.is_empty());
}

#[tokio::test]
async fn an_iam_rejection_is_a_credentials_error_without_secrets() {
    let service = service_ok().await;
    let iam = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string(format!(
            r#"{{"error":{{"code":401,"message":"The request you have made requires authentication. token {TOKEN}"}}}}"#
        )))
        .mount(&iam)
        .await;
    let creds = Credentials::new("AKPROJECTDENY0000001", SK)
        .unwrap()
        .with_security_token(TOKEN);
    let e = expect_err(
        client(&service, &iam, creds)
            .send_empty(list_instances())
            .await,
    );
    assert_eq!(e.kind(), ErrorKind::Credentials);
    let msg = e.to_string();
    assert!(
        msg.contains("IAM answered service error: HTTP 401"),
        "{msg}"
    );
    assert!(!msg.contains(TOKEN) && !msg.contains(SK), "{msg}");
    assert!(!format!("{e:?}").contains(TOKEN));
}

#[tokio::test]
async fn no_lookup_when_the_project_is_known_or_not_needed_or_there_is_no_region() {
    let (service, iam) = (service_ok().await, iam_answering(projects(&["x"]), 0).await);
    let creds = || Credentials::new("AKPROJECTKNOWN000001", SK).unwrap();
    // Project id on the builder.
    Client::builder(&TEST_SERVICE)
        .region(REGION)
        .endpoint(service.uri())
        .env(env(&[("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam.uri())]))
        .project_id("from-builder")
        .credentials(creds())
        .build_core()
        .unwrap()
        .send_empty(list_instances())
        .await
        .unwrap();
    // Project id in the credentials.
    client(&service, &iam, creds().with_project_id("from-creds"))
        .send_empty(list_instances())
        .await
        .unwrap();
    // The operation has no {project_id}.
    client(&service, &iam, creds())
        .send_empty(OperationInput::new(op(
            Method::Get,
            "/v2/things",
            None,
            true,
        )))
        .await
        .unwrap();
    // Only an endpoint, no region: the official SDKs do not look up either; the error says
    // what to set.
    let c = Client::builder(&TEST_SERVICE)
        .endpoint(service.uri())
        .env(env(&[("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam.uri())]))
        .credentials(creds())
        .build_core()
        .unwrap();
    let e = expect_err(c.send_empty(list_instances()).await);
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(e.to_string().contains("needs a project id"), "{e}");

    let paths: Vec<String> = service_requests(&service)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/v2/from-builder/instances",
            "/v2/from-creds/instances",
            "/v2/things"
        ]
    );
    iam.verify().await;
}

#[tokio::test]
async fn the_region_table_names_the_iam_host() {
    // Both the service and IAM go to one local server; the signed Host tells them apart.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/projects"))
        .respond_with(ResponseTemplate::new(200).set_body_string(projects(&["proj-table"])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/proj-table/instances"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let c = Client::builder(&TEST_SERVICE)
        .region(REGION)
        .env(env(&[]))
        .transport(LocalRedirect::new(&server.uri()).unwrap())
        .credentials(Credentials::new("AKPROJECTTABLE000001", SK).unwrap())
        .build_core()
        .unwrap();
    c.send_empty(list_instances()).await.unwrap();
    let hosts: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers.get("host").unwrap().to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        hosts,
        [
            "iam.cn-north-4.myhuaweicloud.com",
            "dcs.cn-north-4.myhuaweicloud.com"
        ]
    );
}

#[tokio::test]
async fn a_builder_iam_endpoint_wins_over_the_environment() {
    let (service, iam) = (
        service_ok().await,
        iam_answering(projects(&["proj-b"]), 1).await,
    );
    let c = Client::builder(&TEST_SERVICE)
        .region(REGION)
        .endpoint(service.uri())
        .env(env(&[(
            "HUAWEICLOUD_SDK_IAM_ENDPOINT",
            "http://127.0.0.1:9/never-used",
        )]))
        .iam_endpoint(iam.uri())
        .credentials(Credentials::new("AKPROJECTBUILDER0001", SK).unwrap())
        .build_core()
        .unwrap();
    c.send_empty(list_instances()).await.unwrap();
    iam.verify().await;
}

#[test]
fn iam_endpoint_choice_follows_the_official_order() {
    assert_eq!(
        iam_endpoint("cn-north-4", &env(&[])),
        "https://iam.cn-north-4.myhuaweicloud.com"
    );
    assert_eq!(
        iam_endpoint("ap-southeast-3", &env(&[])),
        "https://iam.ap-southeast-3.myhuaweicloud.com"
    );
    // Not in the official IAM table: the global endpoint.
    assert_eq!(iam_endpoint("eu-west-101", &env(&[])), DEFAULT_IAM_ENDPOINT);
    assert_eq!(DEFAULT_IAM_ENDPOINT, "https://iam.myhuaweicloud.com");
    assert_eq!(
        iam_endpoint(
            "cn-north-4",
            &env(&[("HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam.example.test")])
        ),
        "https://iam.example.test"
    );
}

#[test]
fn an_invalid_iam_endpoint_fails_at_build_naming_its_origin() {
    let e = Client::builder(&TEST_SERVICE)
        .region(REGION)
        .env(env(&[("HUAWEICLOUD_SDK_IAM_ENDPOINT", "ftp://iam")]))
        .credentials(Credentials::new("AK", "SK").unwrap())
        .build_core()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(
        e.to_string()
            .starts_with("configuration error: HUAWEICLOUD_SDK_IAM_ENDPOINT: "),
        "{e}"
    );
}
