//! Shared fixtures of the benchmarks (`cargo xtask bench`): the official DCS
//! `ResetAclAccountPassWord` vector (`crates/core/tests/data/sign_vectors.json`, case
//! `op-dcs-reset-acl-account-password`), our signer on it, the hand-written floor, and the whole
//! client-side preparation of the call.
//!
//! Every fixture checks once, at construction, that it produces the official signature, so a
//! benchmark can never time something cheaper than the real work.

pub mod loopback;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hmac::{Hmac, Mac};
use huaweicloud_sdk_core::__codegen::{Method, OperationInput, OperationSpec};
use huaweicloud_sdk_core::retry::FixedClock;
use huaweicloud_sdk_core::sign::{self, SignableRequest, SigningKey, SigningOutput};
use huaweicloud_sdk_core::{Client, Credentials, PreparedRequest, RequestOptions};
use huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody;
use sha2::{Digest, Sha256};

pub const AK: &str = "HPUAPEERTEST0000AKID";
pub const SK: &str = "peerTestSecretKey0000000000000000000000SK";
pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
pub const HOST: &str = "dcs.cn-north-4.myhuaweicloud.com";
pub const ENDPOINT: &str = "https://dcs.cn-north-4.myhuaweicloud.com";
pub const INSTANCE_ID: &str = "3c1f1c6e-5b2a-4d7e-9f00-0123456789ab";
pub const ACCOUNT_ID: &str = "acct-0001";
pub const PATH: &str = "/v2/0123456789abcdef0123456789abcdef/instances/3c1f1c6e-5b2a-4d7e-9f00-0123456789ab/accounts/acct-0001/password/reset";
pub const CONTENT_TYPE: &str = "application/json;charset=utf-8";
pub const SDK_DATE: &str = "20261122T101010Z";
/// 2026-11-22T10:10:10Z, the vector's `X-Sdk-Date`.
pub const SDK_DATE_UNIX: u64 = 1_795_342_210;
/// The User-Agent the official SDK sent when the vector was recorded.
pub const PYTHON_UA: &str = "huaweicloud-usdk-python/3.0; os/Linux#6.1.0-peer#x86_64 python/3.11.7 impl/CPython; app/00000000-0000-4000-8000-000000000000";
pub const OLD_PASSWORD: &str = "Old@Pass#2025";
pub const NEW_PASSWORD: &str = "New@Pass#2026";
/// The request body, in the official SDK's JSON layout.
pub const BODY: &str = r#"{"old_password": "Old@Pass#2025", "new_password": "New@Pass#2026"}"#;
/// The signature the official Python SDK computed for this request.
pub const OFFICIAL_SIGNATURE: &str =
    "3f94436a5ece49b10564e5a2cec4b3c94a250e8387afef31df18016e294c7e00";
pub const OFFICIAL_AUTHORIZATION: &str = "SDK-HMAC-SHA256 Access=HPUAPEERTEST0000AKID, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=3f94436a5ece49b10564e5a2cec4b3c94a250e8387afef31df18016e294c7e00";
/// The 200 body DCS answers (the example's mock body).
pub const RESPONSE_BODY: &str = r#"{"code": "1", "message": "Reset DCSInstance password success.", "lock_time": "0", "lock_time_left": "0", "retry_times_left": "5"}"#;

/// The request as handed to the signer: 4 headers present, `Host` added by the signer, so 5
/// signed headers.
pub struct SignFixture {
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    key: SigningKey,
}

impl Default for SignFixture {
    fn default() -> Self {
        Self::new()
    }
}

impl SignFixture {
    /// Builds the fixture and checks our signature against the official one.
    pub fn new() -> Self {
        let headers = [
            ("Content-Type", CONTENT_TYPE),
            ("X-Sdk-Date", SDK_DATE),
            ("User-Agent", PYTHON_UA),
            ("X-Project-Id", PROJECT_ID),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let key = match SigningKey::new(AK, SK) {
            Ok(k) => k,
            Err(e) => panic!("fixture key: {e}"),
        };
        let f = Self {
            headers,
            query: Vec::new(),
            key,
        };
        let out = f.sign();
        assert_eq!(out.signature, OFFICIAL_SIGNATURE, "our signer");
        assert_eq!(out.authorization(), OFFICIAL_AUTHORIZATION, "our signer");
        f
    }

    /// `huaweicloud_sdk_core::sign::sign` on the request.
    pub fn sign(&self) -> SigningOutput {
        sign::sign(
            &SignableRequest {
                method: "PUT",
                path: PATH,
                query: &self.query,
                headers: &self.headers,
                host: HOST,
                body: BODY.as_bytes(),
            },
            &self.key,
            SDK_DATE,
        )
    }
}

/// The floor: one SHA-256 of the body, one SHA-256 of the canonical request, one HMAC-SHA256
/// (from the same pre-keyed state our `SigningKey` keeps) and hex, with the same crates. The
/// canonical request is laid out directly from the request's values, with header names
/// already lower-case and sorted: no parsing, sorting or searching at all.
pub struct Floor {
    keyed: Hmac<Sha256>,
}

impl Default for Floor {
    fn default() -> Self {
        Self::new()
    }
}

impl Floor {
    /// Builds the floor and checks it produces the official signature.
    pub fn new() -> Self {
        let keyed = match <Hmac<Sha256> as Mac>::new_from_slice(SK.as_bytes()) {
            Ok(k) => k,
            Err(e) => panic!("floor key: {e}"),
        };
        let f = Self { keyed };
        assert_eq!(f.sign(BODY.as_bytes()), OFFICIAL_SIGNATURE, "floor");
        f
    }

    /// The signature (lower-case hex) of the fixture request with `body`.
    pub fn sign(&self, body: &[u8]) -> String {
        let mut payload_hex = [0u8; 64];
        let _ = hex::encode_to_slice(Sha256::digest(body), &mut payload_hex);
        let mut cr = String::with_capacity(512);
        cr.push_str("PUT\n");
        cr.push_str(PATH);
        cr.push_str("/\n\ncontent-type:");
        cr.push_str(CONTENT_TYPE);
        cr.push_str("\nhost:");
        cr.push_str(HOST);
        cr.push_str("\nuser-agent:");
        cr.push_str(PYTHON_UA);
        cr.push_str("\nx-project-id:");
        cr.push_str(PROJECT_ID);
        cr.push_str("\nx-sdk-date:");
        cr.push_str(SDK_DATE);
        cr.push_str("\n\ncontent-type;host;user-agent;x-project-id;x-sdk-date\n");
        // Hex digits are ASCII.
        cr.push_str(std::str::from_utf8(&payload_hex).unwrap_or_default());

        // "SDK-HMAC-SHA256\n" + date + '\n' + hex digest.
        let mut sts = [0u8; 16 + 16 + 1 + 64];
        sts[..16].copy_from_slice(b"SDK-HMAC-SHA256\n");
        sts[16..32].copy_from_slice(SDK_DATE.as_bytes());
        sts[32] = b'\n';
        let _ = hex::encode_to_slice(Sha256::digest(cr.as_bytes()), &mut sts[33..]);
        let mut mac = self.keyed.clone();
        mac.update(&sts);
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The operation as the generated `huaweicloud-sdk-dcs` crate declares it (its static is
/// private; this is a copy of `RESET_ACL_ACCOUNT_PASS_WORD` in `crates/dcs/src/operations.rs`).
pub static RESET_ACL_ACCOUNT_PASS_WORD: OperationSpec = OperationSpec {
    service: "DCS",
    name: "ResetAclAccountPassWord",
    method: Method::Put,
    path: "/v2/{project_id}/instances/{instance_id}/accounts/{account_id}/password/reset",
    content_type: Some("application/json;charset=utf-8"),
    idempotent: false,
    secrets: &["new_password", "old_password"],
};

/// The whole client-side preparation of one call: what the generated builder and its `send()`
/// do before the transport (model builder, `OperationInput`, JSON body, path template,
/// headers, date, signature, URL), through `Client::prepare`.
pub struct PrepareFixture {
    client: Client,
    creds: Credentials,
}

impl PrepareFixture {
    /// A DCS client as an application builds it (system clock), after checking that a client
    /// with the vector's fixed clock and User-Agent produces the official request.
    pub fn new() -> huaweicloud_sdk_core::Result<Self> {
        let creds = Credentials::new(AK, SK)?.with_project_id(PROJECT_ID);
        let fixed = huaweicloud_sdk_dcs::Client::builder()
            .endpoint(ENDPOINT)
            .credentials(creds.clone())
            .user_agent(PYTHON_UA)
            .clock(Arc::new(FixedClock(
                SystemTime::UNIX_EPOCH + Duration::from_secs(SDK_DATE_UNIX),
            )))
            .build()?;
        let checked = Self {
            client: fixed.core().clone(),
            creds: creds.clone(),
        };
        let req = checked.prepare()?.request;
        let auth = req
            .headers
            .iter()
            .find(|(k, _)| k == "Authorization")
            .map(|(_, v)| v.as_str());
        assert_eq!(auth, Some(OFFICIAL_AUTHORIZATION), "prepare");
        assert_eq!(&req.body[..], BODY.as_bytes(), "prepare body");
        assert_eq!(req.url, format!("{ENDPOINT}{PATH}"), "prepare url");

        let client = huaweicloud_sdk_dcs::Client::builder()
            .endpoint(ENDPOINT)
            .credentials(creds.clone())
            .build()?;
        Ok(Self {
            client: client.core().clone(),
            creds,
        })
    }

    /// Builder → signed request, exactly the steps of the generated `send()` before I/O.
    pub fn prepare(&self) -> huaweicloud_sdk_core::Result<PreparedRequest> {
        // What the generated builder holds after `.instance_id(..).account_id(..).body(..)`.
        let instance_id: Option<String> = Some(INSTANCE_ID.into());
        let account_id: Option<String> = Some(ACCOUNT_ID.into());
        let body = Some(
            AclAccountResetPasswordBody::builder()
                .old_password(OLD_PASSWORD)
                .new_password(NEW_PASSWORD)
                .build(),
        );
        // What its `send()` does before `send_json`.
        let mut input = OperationInput::new(&RESET_ACL_ACCOUNT_PASS_WORD);
        input.path("instance_id", instance_id.as_deref());
        input.path("account_id", account_id.as_deref());
        input.required_json_body(body.as_ref())?;
        input.options(RequestOptions::default());
        self.client.prepare(&input, &self.creds)
    }
}

/// Peak resident set size of this process (`VmHWM` of `/proc/self/status`), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_produce_the_official_signature() {
        let s = SignFixture::new();
        let f = Floor::new();
        assert_eq!(s.sign().signature, f.sign(BODY.as_bytes()));
        let p = PrepareFixture::new().unwrap();
        assert!(p.prepare().is_ok());
    }
}
