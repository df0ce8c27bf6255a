//! A service error that quotes the request's own secret fields (`format: password` in the
//! spec) shows them nowhere: not in `Display`, `Debug`, `raw_body()`, `error_msg()` nor in
//! JSON-escaped or percent-encoded form.

use huaweicloud_sdk_core::Credentials;
use huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const NEW_PASSWORD: &str = "N3w/Pass+word#2026";
const OLD_PASSWORD: &str = "0ld/Pass+word#2025";

#[tokio::test]
async fn an_error_echoing_the_new_password_does_not_show_it() {
    let escaped_new = NEW_PASSWORD.replace('/', "\\/").replace('+', "\\u002b");
    let body = format!(
        r#"{{"error_code":"DCS.4961","error_msg":"password {NEW_PASSWORD} is too weak; old {OLD_PASSWORD}","echo":"{escaped_new}","url":"?p={}"}}"#,
        NEW_PASSWORD
            .replace('/', "%2F")
            .replace('+', "%2B")
            .replace('#', "%23")
    );
    let err = reset_password_against(ResponseTemplate::new(400).set_body_string(body)).await;
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.error_code(), Some("DCS.4961"));
    let shown = shown(&err);
    assert_no_password(&shown);
    assert!(shown[0].contains("is too weak"), "{}", shown[0]);
}

/// The request's secrets are looked for only when an error needs them: a 200 whose body
/// cannot be decoded, quoting the password in the offending field, is such an error.
#[tokio::test]
async fn a_decode_error_quoting_the_new_password_does_not_show_it() {
    let body = format!(r#"{{"code": {{"e": "{NEW_PASSWORD}"}}, "message": "{OLD_PASSWORD}"}}"#);
    let err = reset_password_against(ResponseTemplate::new(200).set_body_string(body)).await;
    assert_eq!(err.kind(), huaweicloud_sdk_core::ErrorKind::Decode);
    let shown = shown(&err);
    assert_no_password(&shown);
    assert!(shown[0].contains("expected a string"), "{}", shown[0]);
}

/// Calls DCS `ResetAclAccountPassWord` with the two passwords against a server answering
/// `response`, and returns the error.
async fn reset_password_against(response: ResponseTemplate) -> huaweicloud_sdk_core::Error {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response.insert_header("X-Request-Id", "req-secret"))
        .mount(&server)
        .await;
    let client = huaweicloud_sdk_dcs::Client::builder()
        .endpoint(server.uri())
        .credentials(
            Credentials::new("AKSECRETS", "SK-SECRETS-0123456789")
                .unwrap()
                .with_project_id("0123456789abcdef0123456789abcdef"),
        )
        .build()
        .unwrap();
    client
        .reset_acl_account_pass_word()
        .instance_id("i-1")
        .account_id("a-1")
        .body(
            AclAccountResetPasswordBody::builder()
                .old_password(OLD_PASSWORD)
                .new_password(NEW_PASSWORD)
                .build(),
        )
        .send()
        .await
        .unwrap_err()
}

/// Everything an error shows: `Display`, `Debug`, `raw_body()` and `error_msg()`.
fn shown(err: &huaweicloud_sdk_core::Error) -> [String; 4] {
    [
        err.to_string(),
        format!("{err:?}"),
        err.raw_body().unwrap_or_default().to_owned(),
        err.error_msg().unwrap_or_default().to_owned(),
    ]
}

/// Neither password, raw, JSON-escaped, percent-encoded or in part, is in any of `shown`.
fn assert_no_password(shown: &[String]) {
    for text in shown {
        for secret in [NEW_PASSWORD, OLD_PASSWORD] {
            for form in [
                secret.to_owned(),
                secret.replace('/', "\\/").replace('+', "\\u002b"),
                secret
                    .replace('/', "%2F")
                    .replace('+', "%2B")
                    .replace('#', "%23"),
                secret[..8].to_owned(),
            ] {
                assert!(!text.contains(&form), "leaks {form}: {text}");
            }
        }
    }
}
