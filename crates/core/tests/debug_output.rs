//! The exact `Debug` (and, for errors, `Display`) of every type that can hold a secret:
//! what each shows and what it hides is part of the contract, so a change to either shows
//! up here as a diff.

mod support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use huaweicloud_sdk_core::__codegen::{Method, OperationInput};
use huaweicloud_sdk_core::credentials::MetadataProvider;
use huaweicloud_sdk_core::error::Scrubber;
use huaweicloud_sdk_core::retry::FixedClock;
use huaweicloud_sdk_core::transport::Proxy;
use huaweicloud_sdk_core::{Client, Credentials, RequestOptions};
use support::{TEST_SERVICE, op, vector_time};

const SK: &str = "DEBUG-SECRET-KEY-0123456789";
const TOKEN: &str = "DEBUG-SECURITY-TOKEN-0123456789";

fn credentials() -> Credentials {
    Credentials::new("AKDEBUG", SK)
        .unwrap()
        .with_project_id("p-1")
        .with_security_token(TOKEN)
}

fn input() -> OperationInput {
    let mut i = OperationInput::new(op(
        Method::Put,
        "/v2/{project_id}/instances/{instance_id}/password",
        Some("application/json"),
        false,
    ));
    i.path("instance_id", Some("i-1"));
    i.query("verbose", &true);
    i.header("X-Client-Token", Some("CLIENT-TOKEN-VALUE"));
    i.raw_body(Bytes::from_static(br#"{"new_password":"N3w-Passw0rd!"}"#));
    i.options(RequestOptions::new().header("X-Auth-Token", "CALLER-AUTH-TOKEN-VALUE"));
    i
}

fn client() -> Client {
    Client::builder(&TEST_SERVICE)
        .endpoint("https://dcs.example.test")
        .credentials(credentials())
        .clock(Arc::new(FixedClock(vector_time())))
        .user_agent("ua-test")
        .build_core()
        .unwrap()
}

#[test]
fn operation_input_shows_names_and_sizes() {
    assert_eq!(
        format!("{:?}", input()),
        r#"OperationInput { service: "DCS", operation: "TestOperation", path_params: ["instance_id"], query: ["verbose"], headers: ["X-Client-Token"], body_len: 32, options: RequestOptions { headers: [("X-Auth-Token", "** redacted **")], attempt_timeout: None, operation_timeout: None, retry: None }, missing: [], .. }"#
    );
}

#[test]
fn prepared_request_hides_tokens_signature_and_canonical_request() {
    let prepared = client().prepare(&input(), &credentials()).unwrap();
    assert_eq!(
        format!("{prepared:?}"),
        concat!(
            r#"PreparedRequest { method: PUT, url: "https://dcs.example.test/v2/p-1/instances/i-1/password?verbose=true", "#,
            r#"headers: [("Content-Type", "application/json"), ("X-Auth-Token", "** redacted **"), ("X-Client-Token", "** redacted **"), ("User-Agent", "ua-test"), ("X-Project-Id", "p-1"), ("X-Security-Token", "** redacted **"), ("X-Sdk-Date", "20261122T101010Z"), ("Authorization", "** redacted **")], "#,
            r#"body_len: 32, signing: Some(SigningOutput { signed_headers: "content-type;host;user-agent;x-auth-token;x-client-token;x-project-id;x-sdk-date;x-security-token", canonical_query: "verbose=true", "#,
            r#"string_to_sign: "SDK-HMAC-SHA256\n20261122T101010Z\n7e8c0e88de37cf469bcbeed8e84c316932a8dcb08391c0527987947a04f359b4", canonical_request: <448 bytes, not shown>, signature: "** redacted **", .. }) }"#
        )
    );
}

#[test]
fn request_options_hide_header_values() {
    let options = RequestOptions::new()
        .header("X-Auth-Token", "CALLER-AUTH-TOKEN-VALUE")
        .header("Content-Type", "application/json")
        .attempt_timeout(Duration::from_secs(5));
    assert_eq!(
        format!("{options:?}"),
        r#"RequestOptions { headers: [("X-Auth-Token", "** redacted **"), ("Content-Type", "application/json")], attempt_timeout: Some(5s), operation_timeout: None, retry: None }"#
    );
}

#[test]
fn raw_request_shows_no_header_value_or_body() {
    let raw = client()
        .raw_request(Method::Post, "/v2/{project_id}/x")
        .query("q", "v")
        .header("X-Auth-Token", "CALLER-AUTH-TOKEN-VALUE")
        .body("application/json", r#"{"password":"RAW-BODY-PASSWORD"}"#);
    assert_eq!(
        format!("{raw:?}"),
        r#"RawRequest { method: Post, path: "/v2/{project_id}/x", query: ["q"], headers: [("X-Auth-Token", "** redacted **")], content_type: Some("application/json"), body_len: 32, idempotent: None, options: RequestOptions { headers: [], attempt_timeout: None, operation_timeout: None, retry: None }, .. }"#
    );
}

#[test]
fn credentials_client_scrubber_metadata_and_proxy() {
    let creds = r#"Credentials { access_key: "AKDEBUG", secret_key: "** redacted **", security_token: Some("** redacted **"), project_id: Some("p-1"), domain_id: None, expires_at: None, source: "static credentials" }"#;
    assert_eq!(format!("{:?}", credentials()), creds);
    assert_eq!(
        format!("{:?}", client()),
        format!(
            r#"Client {{ service: "DCS", credential_scope: Regional, region: None, endpoints: [Endpoint(https://dcs.example.test)], credentials: {creds}, .. }}"#
        )
    );
    assert_eq!(
        format!("{:?}", Scrubber::new([SK, TOKEN])),
        "Scrubber(2 secrets)"
    );
    assert_eq!(
        format!("{:?}", MetadataProvider::new()),
        r#"MetadataProvider { endpoint: "http://169.254.169.254", connect_timeout: 1s, request_timeout: 2s, .. }"#
    );
    assert_eq!(
        format!(
            "{:?}",
            Proxy::parse("http://user:PROXY-PASSWORD@proxy.example:3128").unwrap()
        ),
        r#"Proxy { url: "http://proxy.example:3128", username: Some("user"), password: Some("** redacted **") }"#
    );
}

#[test]
fn service_errors_scrub_every_form_of_a_secret() {
    let scrub = Scrubber::new([SK, TOKEN]);
    let escaped = TOKEN.replace('-', "\\u002d");
    let body = format!(r#"{{"error_code":"E.1","error_msg":"bad {escaped}","sk":"{SK}"}}"#);
    let parsed = huaweicloud_sdk_core::error::parse_service_error(
        400,
        Some("rid-1".into()),
        body.as_bytes(),
        &scrub,
    );
    let err = huaweicloud_sdk_core::Error::service(parsed);
    assert_eq!(
        err.to_string(),
        "service error: HTTP 400, code E.1, message bad ** redacted **, request id rid-1"
    );
    assert_eq!(
        err.raw_body(),
        Some(r#"{"error_code":"E.1","error_msg":"bad ** redacted **","sk":"** redacted **"}"#)
    );
}

#[tokio::test]
async fn a_response_hides_token_headers() {
    use huaweicloud_sdk_core::test_util::{MockResponse, MockTransport};
    let mock = MockTransport::new();
    mock.on(Method::Get, "/v3/auth/tokens").respond(
        MockResponse::new(201)
            .header("X-Subject-Token", "SUBJECT-TOKEN-VALUE")
            .request_id("rid-1"),
    );
    let client = Client::builder(&TEST_SERVICE)
        .endpoint("https://iam.example.test")
        .credentials(credentials())
        .transport(mock)
        .build_core()
        .unwrap();
    let input = OperationInput::new(op(Method::Get, "/v3/auth/tokens", None, true));
    let resp = client.send_empty(input).await.unwrap();
    assert_eq!(
        format!("{resp:?}"),
        r#"Response { status: 201, headers: [("x-request-id", "rid-1"), ("x-subject-token", "** redacted **")], output: () }"#
    );
}
