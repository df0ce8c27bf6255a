//! The signer and canonical query on arbitrary request parts: never panics, deterministic.
#![no_main]

use huaweicloud_sdk_core::sign::{SignableRequest, SigningKey, canonical_query_string, sign};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Parts separated by 0xff bytes: method, path, host, body, then query and header pairs.
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{fffd}');
    let mut next = || parts.next().unwrap_or_default().to_owned();
    let (method, path, host, body) = (next(), next(), next(), next());
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for i in 0..8 {
        let pair = (next(), next());
        if i % 2 == 0 {
            query.push(pair)
        } else {
            headers.push(pair)
        }
    }
    let key = SigningKey::new("AKFUZZ", "fuzz-secret").expect("non-empty key");
    let req = SignableRequest {
        method: &method,
        path: &path,
        query: &query,
        headers: &headers,
        host: &host,
        body: body.as_bytes(),
    };
    let out = sign(&req, &key, "20261124T000000Z");
    assert_eq!(out, sign(&req, &key, "20261124T000000Z"));
    assert_eq!(out.canonical_query, canonical_query_string(&query));
    assert_eq!(out.signature.len(), 64);
});
