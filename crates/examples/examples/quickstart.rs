//! The README's first program: list the DCS (Redis) instances of a region, then change the
//! password of an ACL account and handle each kind of failure.
//!
//! It talks to the real service: credentials come from `HUAWEICLOUD_SDK_AK`,
//! `HUAWEICLOUD_SDK_SK` and `HUAWEICLOUD_SDK_PROJECT_ID`, `~/.huaweicloud/credentials`, or the
//! ECS metadata service. Run it with
//! `cargo run -p huaweicloud-sdk-examples --example quickstart -- <instance id> <account id>`
//! and the passwords in `DCS_OLD_PASSWORD` and `DCS_NEW_PASSWORD`.

// README-BEGIN: quickstart
use std::time::Duration;

use huaweicloud_sdk_core::{Config, ErrorKind};
use huaweicloud_sdk_dcs::StreamExt;
use huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Loaded once; every client built from it shares its credentials and connections.
    let config = Config::builder()
        .region("cn-north-4")
        .operation_timeout(Duration::from_secs(60))
        .build()?;
    let dcs: huaweicloud_sdk_dcs::Client = config.client()?;

    // Every instance, 50 per request: the stream asks for the next page when needed.
    let mut instances = dcs.list_instances().limit(50).by_item();
    while let Some(instance) = instances.next().await {
        let instance = instance?;
        println!(
            "{} {} {}",
            instance.instance_id.as_deref().unwrap_or("?"),
            instance.name.as_deref().unwrap_or("?"),
            instance.status.as_deref().unwrap_or("?"),
        );
    }

    // An argument left out is an empty id: `send` reports it before sending anything.
    let mut args = std::env::args().skip(1);
    let instance_id = args.next().unwrap_or_default();
    let account_id = args.next().unwrap_or_default();
    let body = AclAccountResetPasswordBody::builder()
        .old_password(std::env::var("DCS_OLD_PASSWORD")?)
        .new_password(std::env::var("DCS_NEW_PASSWORD")?)
        .build();
    let request = dcs
        .reset_acl_account_pass_word()
        .instance_id(instance_id)
        .account_id(account_id)
        .body(body);
    match request.send().await {
        Ok(out) => println!(
            "password changed; {} attempts left (request id {:?})",
            out.retry_times_left.as_deref().unwrap_or("?"),
            out.request_id()
        ),
        // Not sent: the call itself is wrong. Every missing input is named at once, also in
        // `e.missing_fields()` (["path.instance_id", "path.account_id"]).
        Err(e) if e.kind() == ErrorKind::InvalidRequest => eprintln!("not sent: {e}"),
        // Answers for this call: never true for a 503 here, since a repeated reset could
        // burn a lockout attempt (429 and refused connections are safe to repeat).
        Err(e) if e.is_retryable() => eprintln!("try again later: {e}"),
        Err(e) => eprintln!(
            "failed: {} {} (request id {:?})",
            e.error_code().unwrap_or("-"),
            e.error_msg().unwrap_or(""),
            e.request_id()
        ),
    }
    Ok(())
}
// README-END: quickstart
