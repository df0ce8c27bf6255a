//! Reset the password of a DCS (Redis) ACL account.
//!
//! By default this talks to an embedded mock endpoint on 127.0.0.1 that answers like DCS
//! does, so it runs anywhere without credentials or network:
//!
//! ```text
//! cargo run -p huaweicloud-sdk-examples --example dcs_reset_password
//! ```
//!
//! Against the real service (credentials from `HUAWEICLOUD_SDK_AK` / `HUAWEICLOUD_SDK_SK` /
//! `HUAWEICLOUD_SDK_PROJECT_ID` or `~/.huaweicloud/credentials`), pass a region explicitly:
//!
//! ```text
//! cargo run -p huaweicloud-sdk-examples --example dcs_reset_password -- \
//!     --region cn-north-4 --instance <instance id> --account <account id>
//! ```
//! The old and new passwords are then read from `DCS_OLD_PASSWORD` and `DCS_NEW_PASSWORD`.

use huaweicloud_sdk_core::Credentials;
use huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let instance =
        arg("--instance").unwrap_or_else(|| "8d1a4c3e-6f2b-4e5a-9c7d-0b1e2f3a4d5c".into());
    let account = arg("--account").unwrap_or_else(|| "acct-0001".into());

    let (client, mock) = match arg("--region") {
        Some(region) => {
            // Real service: default credential chain, endpoint from the region table.
            let client = huaweicloud_sdk_dcs::Client::builder()
                .region(region)
                .build()?;
            (client, None)
        }
        None => {
            let mock = MockServer::start().await;
            Mock::given(method("PUT"))
                .and(path_regex(
                    r"^/v2/[^/]+/instances/[^/]+/accounts/[^/]+/password/reset$",
                ))
                .respond_with(
                    ResponseTemplate::new(200)
                        .insert_header("X-Request-Id", "mock-request-0001")
                        .set_body_json(serde_json::json!({
                            "code": "1",
                            "message": "Reset DCSInstance password success.",
                            "lock_time": "0",
                            "lock_time_left": "0",
                            "retry_times_left": "5"
                        })),
                )
                .mount(&mock)
                .await;
            let client = huaweicloud_sdk_dcs::Client::builder()
                .endpoint(mock.uri())
                .credentials(
                    Credentials::new("EXAMPLEACCESSKEY0000", "example-secret-key")?
                        .with_project_id("0123456789abcdef0123456789abcdef"),
                )
                .build()?;
            println!("using the embedded mock endpoint {}", mock.uri());
            (client, Some(mock))
        }
    };

    let old = std::env::var("DCS_OLD_PASSWORD").unwrap_or_else(|_| "Old-Example-Passw0rd".into());
    let new = std::env::var("DCS_NEW_PASSWORD").unwrap_or_else(|_| "New-Example-Passw0rd".into());
    let body = AclAccountResetPasswordBody::builder()
        .old_password(old)
        .new_password(new)
        .build();
    println!("request body (passwords redacted): {body:?}");

    match client
        .reset_acl_account_pass_word()
        .instance_id(instance)
        .account_id(account)
        .body(body)
        .send()
        .await
    {
        Ok(resp) => {
            println!(
                "HTTP {} (request id {})",
                resp.status(),
                resp.request_id().unwrap_or("-")
            );
            println!("message: {}", resp.message.as_deref().unwrap_or(""));
            println!(
                "attempts left before lockout: {}",
                resp.retry_times_left.as_deref().unwrap_or("?")
            );
        }
        Err(err) => {
            eprintln!("reset failed: {err}");
            return Err(err.into());
        }
    }

    if let Some(mock) = mock {
        for req in mock.received_requests().await.unwrap_or_default() {
            let auth = req
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            // Print the signed header list, not the signature.
            let signed = auth
                .split(", ")
                .find(|p| p.starts_with("SignedHeaders="))
                .unwrap_or("");
            println!(
                "the mock received {} {} ({signed})",
                req.method,
                req.url.path()
            );
        }
    }
    Ok(())
}
