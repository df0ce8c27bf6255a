//! The signer against the official Python SDK's signing vectors (huaweicloudsdkcore 3.1.219).
//!
//! `tests/data/sign_vectors.json` is a verbatim copy of the shared vectors, pinned by sha256.
//! Every SDK-HMAC-SHA256 case runs through the pure signer; any mismatch fails unless the case
//! is listed, with its reason, in `tests/data/sign_vector_exceptions.txt`.

use std::collections::BTreeMap;

use huaweicloud_sdk_core::sign::{self, SignableRequest, SigningKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

const VECTORS: &str = include_str!("data/sign_vectors.json");
const VECTORS_SHA256: &str = "e7b082eb00fd4a5b8237d54172a800b675e7df9ddcf807ed3db8b764d597ad6f";
const EXCEPTIONS: &str = include_str!("data/sign_vector_exceptions.txt");

fn exceptions() -> BTreeMap<&'static str, &'static str> {
    EXCEPTIONS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, reason) = l
                .split_once(": ")
                .expect("exception lines are `id: reason`");
            assert!(reason.len() > 20, "exception {id} needs a real reason");
            (id.trim(), reason.trim())
        })
        .collect()
}

/// Python's `str(v)` for the native values the official client hands to its signer.
fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// The official signer's query expansion: lists become repeated keys; a top-level bool is
/// lower-cased; everything else is `str(v)`.
fn query_pairs(query: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for pair in query.as_array().unwrap() {
        let k = pair[0].as_str().unwrap().to_owned();
        match &pair[1] {
            Value::Array(items) => out.extend(items.iter().map(|i| (k.clone(), py_str(i)))),
            Value::Bool(b) => out.push((k, b.to_string())),
            v => out.push((k, py_str(v))),
        }
    }
    out
}

fn body_bytes(inputs: &Value) -> Vec<u8> {
    match inputs["body_type"].as_str().unwrap() {
        "none" => Vec::new(),
        "bytes" => hex::decode(inputs["body_hex"].as_str().unwrap()).unwrap(),
        "str" => inputs["body"].as_str().unwrap().as_bytes().to_vec(),
        // A dict body is form-encoded by `requests`; its hash is UNSIGNED-PAYLOAD, so only
        // non-emptiness matters to the signature.
        "dict" => b"a=1&b=true".to_vec(),
        other => panic!("unknown body_type {other}"),
    }
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), py_str(&p[1])))
        .collect()
}

/// Compares one case; returns the first difference.
fn check_case(case: &Value) -> Result<(), String> {
    let i = &case["inputs"];
    let o = &case["outputs"];
    let headers = pairs(&i["headers"]);
    if !o["error"].is_null() {
        return Err(format!("official signer failed: {}", o["error"]));
    }
    if o["canonical_request"].is_null() {
        // Pre-signed: the official SDK sends the request unsigned.
        return if sign::is_presigned(&headers) {
            Ok(())
        } else {
            Err("official SDK skipped signing, we would sign".into())
        };
    }
    let query = query_pairs(&i["query"]);
    let body = body_bytes(i);
    let key = SigningKey::new(i["ak"].as_str().unwrap(), i["sk"].as_str().unwrap()).unwrap();
    let date = i["sdk_date"].as_str().unwrap_or("19700101T000000Z");
    let out = sign::sign(
        &SignableRequest {
            method: i["method"].as_str().unwrap(),
            path: i["resource_path"].as_str().unwrap(),
            query: &query,
            headers: &headers,
            host: i["host"].as_str().unwrap(),
            body: &body,
        },
        &key,
        date,
    );
    let expect = |field: &str, ours: &str| -> Result<(), String> {
        let theirs = o[field].as_str().unwrap_or_default();
        if theirs == ours {
            Ok(())
        } else {
            Err(format!(
                "{field}:\n  official: {theirs:?}\n  ours:     {ours:?}"
            ))
        }
    };
    expect("canonical_request", &out.canonical_request)?;
    expect("canonical_query_string", &out.canonical_query)?;
    expect("signed_headers", &out.signed_headers)?;
    expect("string_to_sign", &out.string_to_sign)?;
    expect("signature", &out.signature)?;
    expect("authorization", out.authorization())?;
    let added: Vec<(String, String)> = out
        .headers_to_add
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    let official_added = pairs(&o["headers_added_by_signer"]);
    if added != official_added {
        return Err(format!(
            "headers added:\n  official: {official_added:?}\n  ours:     {added:?}"
        ));
    }
    // The wire URI is the path plus the canonical query, exactly as signed.
    let path = i["resource_path"].as_str().unwrap();
    let uri = if out.canonical_query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", out.canonical_query)
    };
    expect("uri", &uri)
}

#[test]
fn vectors_file_is_the_pinned_copy() {
    assert_eq!(
        hex::encode(Sha256::digest(VECTORS.as_bytes())),
        VECTORS_SHA256
    );
}

#[test]
fn every_sdk_hmac_sha256_vector_matches_or_is_an_explained_exception() {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    let cases: Vec<&Value> = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["inputs"]["algorithm"] == "SDK-HMAC-SHA256")
        .collect();
    assert_eq!(cases.len(), 44, "the vectors hold 44 SDK-HMAC-SHA256 cases");
    let exceptions = exceptions();
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut excepted = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        match (check_case(case), exceptions.get(id)) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => failures.push(format!(
                "{id}: listed as an exception but now matches; remove it from the list"
            )),
            (Err(_), Some(_)) => excepted.push(id),
            (Err(diff), None) => failures.push(format!("{id}: {diff}")),
        }
    }
    for id in exceptions.keys() {
        assert!(
            cases.iter().any(|c| c["id"] == *id),
            "exception {id} names no SDK-HMAC-SHA256 case"
        );
    }
    println!(
        "sign vectors: {passed} passed, {} excepted ({})",
        excepted.len(),
        excepted.join(", ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(passed + excepted.len(), 44);
}
