//! Bytes on the wire that `cargo xtask parity` found to differ from the official Python SDK:
//! the JSON layout of floats in exponent form, and `Content-Length: 0` on requests without a
//! body. Everything talks to 127.0.0.1 only.

mod support;

use std::sync::{Arc, Mutex};

use huaweicloud_sdk_core::__codegen::{Method, OperationInput};
use huaweicloud_sdk_core::{Client, Credentials, RetryPolicy, to_python_json};
use support::{TEST_SERVICE, op};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// `json.dumps` (Python's `repr` of a float): exponent form below 1e-4 and from 1e16 on, with
/// a sign and at least two exponent digits.
#[test]
fn floats_are_laid_out_like_python_json_dumps() {
    // python3 -c 'import json; print(json.dumps([1e-07, 1e-05, 2.5e-08, 0.0001, 1.5e+300,
    //   1e+16, 1e15, 0.1, -2.5, 0.0, 1.2345678901234568e+17, 5e-324, -1e-05, 123.456]))'
    let values = [
        1e-07,
        1e-05,
        2.5e-08,
        0.0001,
        1.5e+300,
        1e+16,
        1e15,
        0.1,
        -2.5,
        0.0,
        1.2345678901234568e+17,
        5e-324,
        -1e-05,
        123.456,
    ];
    let expected = "[1e-07, 1e-05, 2.5e-08, 0.0001, 1.5e+300, 1e+16, 1000000000000000.0, 0.1, \
                    -2.5, 0.0, 1.2345678901234568e+17, 5e-324, -1e-05, 123.456]";
    let got = to_python_json(&values).unwrap();
    assert_eq!(std::str::from_utf8(&got).unwrap(), expected);
}

/// Reads request heads on 127.0.0.1 (the bytes received) and answers each with `204`.
async fn raw_heads_server() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut byte = [0u8; 1];
                while !buf.ends_with(b"\r\n\r\n") {
                    match sock.read(&mut byte).await {
                        Ok(1) => buf.push(byte[0]),
                        _ => return,
                    }
                }
                seen.lock().unwrap().push(buf);
                let _ = sock
                    .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                    .await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (origin, heads)
}

/// A client of the test service at `origin`, without retries.
fn client_of(origin: String) -> Client {
    Client::builder(&TEST_SERVICE)
        .endpoint(origin)
        .credentials(
            Credentials::new("AKWIRE00000000000001", "SKWIRE")
                .unwrap()
                .with_project_id("p"),
        )
        .retry(RetryPolicy::disabled())
        .build_core()
        .unwrap()
}

/// The head of the last request `heads` received, lower-cased text.
fn last_head(heads: &Mutex<Vec<Vec<u8>>>) -> String {
    let head = heads.lock().unwrap().pop().unwrap();
    String::from_utf8_lossy(&head).to_ascii_lowercase()
}

/// The value bytes of header `name` (lower case) in the last request `heads` received.
fn last_header_bytes(heads: &Mutex<Vec<Vec<u8>>>, name: &str) -> Option<Vec<u8>> {
    let head = heads.lock().unwrap().last().cloned().unwrap();
    head.split(|b| *b == b'\n').find_map(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let colon = line.iter().position(|b| *b == b':')?;
        let (k, v) = line.split_at(colon);
        k.eq_ignore_ascii_case(name.as_bytes())
            .then(|| v[1..].trim_ascii().to_vec())
    })
}

/// A header value with characters beyond ASCII goes out as the official Python SDK sends it:
/// UTF-8 when the request is signed (its signer rewrites every value so), Latin-1 when the
/// caller supplied `Authorization` and nothing is signed (`http.client` writes text so).
#[tokio::test]
async fn non_ascii_header_values_are_utf8_when_signed_and_latin1_when_not() {
    let (origin, heads) = raw_heads_server().await;
    let client = client_of(origin);
    let get = || OperationInput::new(op(Method::Get, "/v2/{project_id}/things", None, true));

    let mut input = get();
    input.header("X-Note", Some("en us, \u{fc}"));
    client.send_empty(input).await.unwrap();
    assert_eq!(
        last_header_bytes(&heads, "x-note").unwrap(),
        "en us, \u{fc}".as_bytes()
    );

    let mut input = get();
    input.header("X-Note", Some("en us, \u{fc}"));
    input.header("Authorization", Some("Bearer \u{e9}t\u{e9}"));
    client.send_empty(input).await.unwrap();
    assert_eq!(last_header_bytes(&heads, "x-note").unwrap(), b"en us, \xfc");
    assert_eq!(
        last_header_bytes(&heads, "authorization").unwrap(),
        b"Bearer \xe9t\xe9"
    );
}

/// Python's `requests` sends `Content-Length: 0` for every request without a body except GET
/// and HEAD (RFC 9110 8.6: a user agent should send it when the method gives content a
/// meaning, "even when the value is 0"); some gateways answer 411 without it.
#[tokio::test]
async fn requests_without_a_body_send_content_length_zero_except_get_and_head() {
    let (origin, heads) = raw_heads_server().await;
    let client = client_of(origin);
    let methods = [
        (Method::Get, None),
        (Method::Head, None),
        (Method::Post, Some("0")),
        (Method::Put, Some("0")),
        (Method::Delete, Some("0")),
        (Method::Patch, Some("0")),
    ];
    for (method, want) in methods {
        let input = OperationInput::new(op(
            method,
            "/v2/{project_id}/things",
            Some("application/json"),
            true,
        ));
        client.send_empty(input).await.unwrap();
        let head = last_head(&heads);
        let lengths: Vec<&str> = head
            .lines()
            .filter_map(|l| l.strip_prefix("content-length:").map(str::trim))
            .collect();
        // Exactly one, or none: hyper must not add its own beside ours.
        assert_eq!(
            lengths,
            want.into_iter().collect::<Vec<_>>(),
            "{} request:\n{head}",
            method.as_str()
        );
    }
}

/// The headers Python's `requests` adds to every request of the official SDK besides the
/// signed ones: `Accept: */*` (unless the operation sets its own) and `Host`, once each.
#[tokio::test]
async fn every_request_carries_accept_and_host_once() {
    let (origin, heads) = raw_heads_server().await;
    let authority = origin.trim_start_matches("http://").to_owned();
    let client = client_of(origin);
    let get = || OperationInput::new(op(Method::Get, "/v2/{project_id}/things", None, true));

    client.send_empty(get()).await.unwrap();
    let head = last_head(&heads);
    let values = |name: &str| -> Vec<String> {
        head.lines()
            .filter_map(|l| {
                l.strip_prefix(&format!("{name}:"))
                    .map(|v| v.trim().to_owned())
            })
            .collect()
    };
    assert_eq!(values("accept"), ["*/*"], "{head}");
    assert_eq!(values("host"), [authority.as_str()], "{head}");

    let mut input = get();
    input.header("Accept", Some("application/octet-stream"));
    client.send_empty(input).await.unwrap();
    let head = last_head(&heads);
    let accepts: Vec<&str> = head.lines().filter(|l| l.starts_with("accept:")).collect();
    assert_eq!(accepts, ["accept: application/octet-stream"], "{head}");
}
