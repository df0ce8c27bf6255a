//! Service error parsing, the `Error` type's text and accessors, and the scrubbing of secrets.
//! Reference: huawei-sdk-core.md §5 (error model and error-parsing vectors).
//!
//! Pure: no I/O, no environment, no network.

use huaweicloud_sdk_core::error::{
    MAX_ERROR_BODY, REDACTED, Scrubber, ServiceErrorDetail, parse_service_error,
};
use huaweicloud_sdk_core::{Error, ErrorKind, ServiceError};
use serde_json::Value;

/// The error-parsing vectors of the reference §5 (from Go `errors_test.go`, Java
/// `ExceptionHandlerTest.java`, Python `test_extract_error_message.py`), verbatim.
const VECTORS: &str = include_str!("data/errors_vectors.jsonl");

/// The `X-Request-Id` of every vector.
const VECTOR_REQUEST_ID: &str = "97e2***11df";

fn parse(status: u16, request_id: Option<&str>, body: &str) -> ServiceError {
    parse_service_error(
        status,
        request_id.map(str::to_owned),
        body.as_bytes(),
        &Scrubber::default(),
    )
}

fn opt_str(v: &Value, key: &str) -> Option<String> {
    match v.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => panic!("{key}: unexpected {other}"),
    }
}

/// The truncation marker `truncate` appends: `… ({total} bytes in all)`.
fn marker(total: usize) -> String {
    format!("… ({total} bytes in all)")
}

// ---------------------------------------------------------------------------------------------
// the reference vectors

#[test]
fn every_reference_vector() {
    let vectors: Vec<Value> = VECTORS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("vector line is JSON"))
        .collect();
    assert_eq!(vectors.len(), 8, "all eight vectors of §5");

    for (i, v) in vectors.iter().enumerate() {
        let body = v["body"].as_str().expect("body");
        let got = parse(400, Some(VECTOR_REQUEST_ID), body);
        let ctx = format!("vector {i}: {body}");

        // Two vectors have no code: Go/Java give an empty code, Python "400"; we follow
        // Python, and the message is the body itself.
        let expected_code = v["error_code"].as_str().expect("error_code");
        let expected_code = if expected_code.starts_with('(') {
            assert!(expected_code.contains("Python: \"400\""), "{ctx}");
            "400"
        } else {
            expected_code
        };
        assert_eq!(got.status, 400, "{ctx}");
        assert_eq!(got.request_id.as_deref(), Some(VECTOR_REQUEST_ID), "{ctx}");
        assert_eq!(got.error_code, expected_code, "{ctx}");
        assert_eq!(got.error_msg, v["error_msg"].as_str().unwrap(), "{ctx}");
        assert_eq!(
            got.encoded_authorization_message,
            opt_str(v, "encoded_authorization_message"),
            "{ctx}"
        );
        let expected_details: Vec<(Option<String>, Option<String>, Option<String>)> = v
            .get("details")
            .and_then(Value::as_array)
            .map(|ds| {
                ds.iter()
                    .map(|d| {
                        (
                            opt_str(d, "error_code"),
                            opt_str(d, "error_msg"),
                            opt_str(d, "encoded_authorization_message"),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let got_details: Vec<(Option<String>, Option<String>, Option<String>)> = got
            .details
            .iter()
            .map(|d: &ServiceErrorDetail| {
                (
                    d.error_code.clone(),
                    d.error_msg.clone(),
                    d.encoded_authorization_message.clone(),
                )
            })
            .collect();
        assert_eq!(got_details, expected_details, "{ctx}");
        assert_eq!(got.raw_body, body, "{ctx}");
    }
}

#[test]
fn top_level_code_wins_over_nested() {
    // Vector 3 spelled out: the nested XXX.0002 must not be taken.
    let e = parse(
        400,
        None,
        r#"{"error":{"code":"XXX.0002","message":"Some errors occurred..."},"error_code":"XXX.0001","error_msg":"Some errors occurred."}"#,
    );
    assert_eq!(e.error_code, "XXX.0001");
    assert_eq!(e.error_msg, "Some errors occurred.");
}

// ---------------------------------------------------------------------------------------------
// other body shapes

#[test]
fn camel_case_error_code_and_msg() {
    let e = parse(400, None, r#"{"errorCode":"E.0001","errorMsg":"camel"}"#);
    assert_eq!(e.error_code, "E.0001");
    assert_eq!(e.error_msg, "camel");
}

#[test]
fn key_pairs_are_tried_in_the_official_order() {
    let e = parse(
        400,
        None,
        r#"{"code":"C","message":"cm","errorCode":"EC","errorMsg":"ecm","error_code":"E","error_msg":"em"}"#,
    );
    assert_eq!((e.error_code.as_str(), e.error_msg.as_str()), ("E", "em"));
    let e = parse(
        400,
        None,
        r#"{"code":"C","message":"cm","errorCode":"EC","errorMsg":"ecm"}"#,
    );
    assert_eq!((e.error_code.as_str(), e.error_msg.as_str()), ("EC", "ecm"));
    // A pair needs both halves: a lone error_code does not hide code+message.
    let e = parse(
        400,
        None,
        r#"{"error_code":"LONE","code":"C","message":"cm"}"#,
    );
    assert_eq!((e.error_code.as_str(), e.error_msg.as_str()), ("C", "cm"));
}

#[test]
fn numeric_code_is_accepted() {
    let e = parse(400, None, r#"{"code": 1234, "message": "x"}"#);
    assert_eq!(e.error_code, "1234");
    assert_eq!(e.error_msg, "x");
    let e = parse(400, None, r#"{"error":{"code": 403, "message": "denied"}}"#);
    assert_eq!(e.error_code, "403");
    assert_eq!(e.error_msg, "denied");
}

#[test]
fn non_scalar_code_is_not_a_code() {
    let body = r#"{"code": true, "message": "x"}"#;
    let e = parse(400, None, body);
    assert_eq!(e.error_code, "400");
    assert_eq!(e.error_msg, body);
    let body = r#"{"error_code": null, "error_msg": "x"}"#;
    let e = parse(409, None, body);
    assert_eq!(e.error_code, "409");
    assert_eq!(e.error_msg, body);
}

#[test]
fn nested_objects_are_searched_in_document_order() {
    // Python's `_process_sdk_error` walks the dict in document (insertion) order.
    // NOTE: this passes under `cargo test` only because core's dev-dependency on serde_json
    // enables `preserve_order`; a normal build of core iterates a BTreeMap (sorted keys) and
    // would pick "A.1". See the report on src/error.rs.
    let e = parse(
        400,
        None,
        r#"{"zeta":{"code":"Z.1","message":"z"},"alpha":{"code":"A.1","message":"a"}}"#,
    );
    assert_eq!(e.error_code, "Z.1");
    assert_eq!(e.error_msg, "z");
}

#[test]
fn dcs_body() {
    let body = r#"{"error_code":"DCS.4961","error_msg":"The instance does not support this operation.","error_ext_msg":null}"#;
    let e = parse(400, Some(VECTOR_REQUEST_ID), body);
    assert_eq!(e.error_code, "DCS.4961");
    assert_eq!(e.error_msg, "The instance does not support this operation.");
    assert_eq!(e.encoded_authorization_message, None);
    assert!(e.details.is_empty());
    assert_eq!(e.raw_body, body);
}

#[test]
fn codearts_artifact_body() {
    let body = r#"{"status":"error","trace_id":"t","error_code":"CA.1","error_msg":"m"}"#;
    let e = parse(404, None, body);
    assert_eq!(e.status, 404);
    assert_eq!(e.error_code, "CA.1");
    assert_eq!(e.error_msg, "m");
}

#[test]
fn apigw_body() {
    let body = r#"{"error_msg":"Incorrect IAM authentication information: verify aksk signature fail","error_code":"APIGW.0301","request_id":"abc"}"#;
    let e = parse(401, Some("abc"), body);
    assert_eq!(e.error_code, "APIGW.0301");
    assert_eq!(
        e.error_msg,
        "Incorrect IAM authentication information: verify aksk signature fail"
    );
    assert_eq!(e.request_id.as_deref(), Some("abc"));
}

#[test]
fn encoded_authorization_message_alone_keeps_status_and_body() {
    let body = r#"{"encoded_authorization_message":"ENC=="}"#;
    let e = parse(403, None, body);
    assert_eq!(e.error_code, "403");
    assert_eq!(e.error_msg, body);
    assert_eq!(e.encoded_authorization_message.as_deref(), Some("ENC=="));
}

#[test]
fn non_object_json_bodies_fall_back_to_the_body() {
    for body in [
        "[]",
        r#"[{"code":"C","message":"m"}]"#,
        "\"text\"",
        "42",
        "null",
        "true",
    ] {
        let e = parse(400, None, body);
        assert_eq!(e.error_code, "400", "{body}");
        assert_eq!(e.error_msg, body, "{body}");
        assert!(e.details.is_empty(), "{body}");
    }
}

#[test]
fn empty_body_on_502() {
    let e = parse(502, None, "");
    assert_eq!(e.status, 502);
    assert_eq!(e.error_code, "502");
    assert_eq!(e.error_msg, "");
    assert_eq!(e.raw_body, "");
    assert_eq!(e.request_id, None);
}

#[test]
fn html_body_on_502() {
    let body = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
    let e = parse(502, Some("rid-1"), body);
    assert_eq!(e.error_code, "502");
    assert_eq!(e.error_msg, body);
    assert_eq!(e.raw_body, body);
    // Display folds it onto one line.
    assert_eq!(
        Error::service(e).to_string(),
        "service error: HTTP 502, code 502, message <html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> </body> </html>, request id rid-1"
    );
}

#[test]
fn huge_body_is_truncated_with_a_marker() {
    let body = format!("<html>{}</html>", "x".repeat(10_000));
    assert!(body.len() > MAX_ERROR_BODY);
    let e = parse(502, None, &body);
    let expected = format!("{}{}", &body[..MAX_ERROR_BODY], marker(body.len()));
    assert_eq!(e.error_code, "502");
    assert_eq!(e.error_msg, expected);
    assert_eq!(e.raw_body, expected);
}

#[test]
fn body_of_exactly_max_bytes_is_not_truncated() {
    let body = "y".repeat(MAX_ERROR_BODY);
    let e = parse(503, None, &body);
    assert_eq!(e.error_msg, body);
    let body = "y".repeat(MAX_ERROR_BODY + 1);
    let e = parse(503, None, &body);
    assert_eq!(
        e.error_msg,
        format!("{}{}", &body[..MAX_ERROR_BODY], marker(MAX_ERROR_BODY + 1))
    );
}

#[test]
fn truncation_never_splits_a_multi_byte_char() {
    // 'a' then two-byte 'é's: every é starts at an odd offset, so the cut at the even
    // MAX_ERROR_BODY falls inside one and must move back a byte.
    let body = format!("a{}", "é".repeat(3_000));
    assert!(!body.is_char_boundary(MAX_ERROR_BODY));
    let e = parse(502, None, &body);
    let expected = format!("{}{}", &body[..MAX_ERROR_BODY - 1], marker(body.len()));
    assert_eq!(e.raw_body, expected);
    assert_eq!(e.error_msg, expected);

    // Four-byte chars with every possible misalignment.
    for pad in 0..4 {
        let body = format!("{}{}", "b".repeat(pad), "😀".repeat(2_000));
        let e = parse(502, None, &body);
        let kept = e
            .raw_body
            .strip_suffix(&marker(body.len()))
            .expect("marker");
        assert!(kept.len() <= MAX_ERROR_BODY && kept.len() > MAX_ERROR_BODY - 4);
        assert!(body.starts_with(kept));
    }
}

#[test]
fn invalid_utf8_body_is_replaced_not_panicking() {
    let e = parse_service_error(500, None, b"\xff\xfe oops \xc3", &Scrubber::default());
    assert_eq!(e.error_code, "500");
    assert_eq!(e.error_msg, "\u{fffd}\u{fffd} oops \u{fffd}");
}

// ---------------------------------------------------------------------------------------------
// Error: Display, Debug, accessors

fn service_error(status: u16, request_id: Option<&str>, body: &str) -> Error {
    Error::service(parse(status, request_id, body))
}

const DCS_BODY: &str = r#"{"error_code":"DCS.4961","error_msg":"The instance does not support this operation.","error_ext_msg":null}"#;

#[test]
fn display_with_request_id() {
    let e = service_error(400, Some(VECTOR_REQUEST_ID), DCS_BODY);
    assert_eq!(
        e.to_string(),
        "service error: HTTP 400, code DCS.4961, message The instance does not support this operation., request id 97e2***11df"
    );
}

#[test]
fn display_without_request_id() {
    let e = service_error(400, None, DCS_BODY);
    assert_eq!(
        e.to_string(),
        "service error: HTTP 400, code DCS.4961, message The instance does not support this operation., no request id"
    );
}

#[test]
fn display_is_one_line() {
    let e = service_error(
        500,
        Some("r"),
        r#"{"error_code":"X.1","error_msg":"line one\n  line two\r\n\tline three"}"#,
    );
    assert_eq!(
        e.to_string(),
        "service error: HTTP 500, code X.1, message line one line two line three, request id r"
    );
    assert!(!e.to_string().contains('\n'));
}

#[test]
fn debug_is_exact() {
    let e = service_error(400, Some("r"), r#"{"error_code":"X.1","error_msg":"m"}"#);
    assert_eq!(
        format!("{e:?}"),
        r#"Error { kind: Service, service: ServiceError { status: 400, request_id: Some("r"), error_code: "X.1", error_msg: "m", encoded_authorization_message: None, details: [], raw_body: "{\"error_code\":\"X.1\",\"error_msg\":\"m\"}" } }"#
    );
}

#[test]
fn accessors() {
    let e = service_error(400, Some(VECTOR_REQUEST_ID), DCS_BODY);
    assert_eq!(e.kind(), ErrorKind::Service);
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.error_code(), Some("DCS.4961"));
    assert_eq!(
        e.error_msg(),
        Some("The instance does not support this operation.")
    );
    assert_eq!(e.request_id(), Some(VECTOR_REQUEST_ID));
    assert_eq!(e.raw_body(), Some(DCS_BODY));
    assert_eq!(e.service_error().map(|s| s.status), Some(400));
    assert!(!e.is_retryable());
    assert!(!e.is_timeout());
    assert_eq!(e.retry_after(), None);

    let e = service_error(400, None, DCS_BODY);
    assert_eq!(e.request_id(), None);
}

#[test]
fn non_service_errors_have_no_service_fields() {
    let e = Error::new(ErrorKind::Config, "bad\n config");
    assert_eq!(e.to_string(), "configuration error: bad config");
    assert_eq!(e.status(), None);
    assert_eq!(e.error_code(), None);
    assert_eq!(e.error_msg(), None);
    assert_eq!(e.request_id(), None);
    assert_eq!(e.raw_body(), None);
    assert!(!e.is_retryable());
    assert_eq!(
        format!("{e:?}"),
        "Error { kind: Config, message: \"bad\\n config\" }"
    );
}

#[test]
fn retryable_statuses() {
    for (status, retryable) in [
        (429, true),
        (502, true),
        (503, true),
        (504, true),
        (400, false),
        (401, false),
        (403, false),
        (404, false),
        (409, false),
        (500, false),
        (501, false),
    ] {
        let e = service_error(status, None, "");
        assert_eq!(e.is_retryable(), retryable, "status {status}");
        assert_eq!(e.status(), Some(status));
    }
    for (kind, retryable) in [
        (ErrorKind::Connect, true),
        (ErrorKind::Transport, true),
        (ErrorKind::Timeout, true),
        (ErrorKind::Credentials, false),
        (ErrorKind::InvalidRequest, false),
        (ErrorKind::Decode, false),
        (ErrorKind::Config, false),
    ] {
        assert_eq!(Error::new(kind, "x").is_retryable(), retryable, "{kind:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// scrubbing

const SK: &str = "SKsecretSKsecretSKsecret0123456789abcdef";
/// A security token with the characters base64 tokens have (`+`, `/`, `=`).
const TOKEN: &str = "gQpjbi1ub3J0aC00TOKEN+secret/part==";

fn scrubber() -> Scrubber {
    Scrubber::new([SK, TOKEN])
}

/// Asserts that no form of the secrets is visible anywhere in the error.
fn assert_no_secret(e: &Error) {
    let s = e.service_error().expect("service error");
    let texts = [
        ("error_msg", s.error_msg.clone()),
        ("raw_body", s.raw_body.clone()),
        ("error_code", s.error_code.clone()),
        ("Display", e.to_string()),
        ("Debug", format!("{e:?}")),
        ("Debug alt", format!("{e:#?}")),
    ];
    for (what, text) in texts {
        for needle in [SK, TOKEN, "SKsecret", "TOKEN+secret", "TOKEN%2Bsecret"] {
            assert!(!text.contains(needle), "{what} shows {needle:?}: {text}");
        }
    }
}

/// The body APIGW returns for APIGW.0301 when it echoes the canonical request it computed.
fn apigw_echo_body() -> String {
    let canonical = format!(
        "GET\n/v2/proj/instances/\n\ncontent-type:application/json\nhost:dcs.cn-north-4.myhuaweicloud.com\nx-sdk-date:20261122T101010Z\nx-security-token:{TOKEN}\n\ncontent-type;host;x-sdk-date;x-security-token\ne3b0c442"
    );
    serde_json::json!({
        "error_msg": format!(
            "Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: {canonical}, key: {SK}"
        ),
        "error_code": "APIGW.0301",
        "request_id": "abc",
    })
    .to_string()
}

#[test]
fn apigw_echo_of_token_and_sk_is_scrubbed_everywhere() {
    let body = apigw_echo_body();
    assert!(
        body.contains(TOKEN) && body.contains(SK),
        "the fixture holds both"
    );
    let parsed = parse_service_error(401, Some("abc".into()), body.as_bytes(), &scrubber());
    assert_eq!(parsed.error_code, "APIGW.0301");
    assert!(
        parsed
            .error_msg
            .contains(&format!("x-security-token:{REDACTED}\n")),
        "{}",
        parsed.error_msg
    );
    assert!(parsed.error_msg.ends_with(&format!("key: {REDACTED}")));
    let e = Error::service(parsed);
    assert_no_secret(&e);
    assert!(e.to_string().contains("x-security-token:** redacted **"));
}

#[test]
fn percent_encoded_token_is_scrubbed() {
    // The token as it would appear in a canonical query string or URL.
    let encoded = "gQpjbi1ub3J0aC00TOKEN%2Bsecret%2Fpart%3D%3D";
    let body = format!(
        r#"{{"error_code":"APIGW.0301","error_msg":"canonical query: X-Security-Token={encoded}&a=b"}}"#
    );
    let e = Error::service(parse_service_error(401, None, body.as_bytes(), &scrubber()));
    assert_eq!(
        e.error_msg(),
        Some("canonical query: X-Security-Token=** redacted **&a=b")
    );
    assert_no_secret(&e);
}

#[test]
fn json_escaped_token_is_scrubbed_from_the_parsed_message() {
    // JSON encoders may escape `/` as `\/` and, HTML-safe ones (Gson's default), `=` as
    // `\u003d` and `+` as `\u002b`. The raw text then does not contain the token, but the
    // parsed error_msg does.
    let escaped = r"gQpjbi1ub3J0aC00TOKEN\u002bsecret\/part\u003d\u003d";
    let body = format!(r#"{{"error_code":"APIGW.0301","error_msg":"x-security-token:{escaped}"}}"#);
    let parsed = parse_service_error(401, None, body.as_bytes(), &scrubber());
    let e = Error::service(parsed);
    assert_no_secret(&e);
}

#[test]
fn token_in_details_and_nested_objects_is_scrubbed() {
    let body = format!(
        r#"{{"error":{{"code":"C.1","message":"outer {TOKEN}","details":[{{"error_code":"D.1","error_msg":"inner {SK}"}}]}}}}"#
    );
    let e = parse_service_error(400, None, body.as_bytes(), &scrubber());
    assert_eq!(e.error_msg, format!("outer {REDACTED}"));
    assert_eq!(e.details[0].error_msg, Some(format!("inner {REDACTED}")));
    assert_no_secret(&Error::service(e));
}

#[test]
fn secret_in_a_huge_body_is_scrubbed_before_truncation() {
    // The token straddles the MAX_ERROR_BODY cut: scrubbing first means no prefix of it
    // survives in the kept part.
    let pad = "p".repeat(MAX_ERROR_BODY - 10);
    let body = format!("{pad}{TOKEN}{}", "q".repeat(5_000));
    let e = parse_service_error(502, None, body.as_bytes(), &scrubber());
    assert!(
        !e.raw_body.contains("gQpjbi1ub3"),
        "{}",
        &e.raw_body[MAX_ERROR_BODY - 20..]
    );
    // The cut is made in the scrubbed text (so it may fall inside the redaction marker), and
    // the total reported is the scrubbed length.
    let scrubbed = format!("{pad}{REDACTED}{}", "q".repeat(5_000));
    assert_eq!(
        e.raw_body,
        format!("{}{}", &scrubbed[..MAX_ERROR_BODY], marker(scrubbed.len()))
    );
}

#[test]
fn longest_secret_is_replaced_whole() {
    // The SK is a prefix of the token: the token must not be left as `** redacted **tail`.
    let s = Scrubber::new(["abcd1234", "abcd1234TAIL"]);
    assert_eq!(
        s.scrub("t=abcd1234TAIL k=abcd1234"),
        format!("t={REDACTED} k={REDACTED}")
    );
}

#[test]
fn secrets_shorter_than_four_bytes_are_ignored() {
    // Why: a 1–3 character "secret" matches ordinary text everywhere (status codes, words,
    // JSON punctuation), so replacing it would mangle every error message while protecting
    // nothing — real SKs are 40 characters and security tokens hundreds. Such a value can only
    // be a mistake, and Credentials::new accepts it, so the scrubber must stay harmless.
    let s = Scrubber::new(["abc", "40", "x"]);
    assert_eq!(format!("{s:?}"), "Scrubber(0 secrets)");
    let text = "HTTP 400: abc failed, x=1";
    assert_eq!(s.scrub(text), text);
    // Four bytes is enough.
    let s = Scrubber::new(["abcd"]);
    assert_eq!(format!("{s:?}"), "Scrubber(1 secrets)");
    assert_eq!(s.scrub("k=abcd;"), format!("k={REDACTED};"));
    // Short secrets do not affect parsing either.
    let e = parse_service_error(
        400,
        None,
        br#"{"error_code":"abc","error_msg":"abc"}"#,
        &Scrubber::new(["abc"]),
    );
    assert_eq!(
        (e.error_code.as_str(), e.error_msg.as_str()),
        ("abc", "abc")
    );
}

#[test]
fn scrubber_debug_never_prints_secrets() {
    let s = scrubber();
    assert_eq!(format!("{s:?}"), "Scrubber(2 secrets)");
    assert_eq!(format!("{:?}", Scrubber::default()), "Scrubber(0 secrets)");
}

// ---------------------------------------------------------------------------------------------
// robustness

/// A deterministic pseudo-random generator (64-bit LCG, Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next_u8(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u8
    }
}

fn check_never_panics(status: u16, body: &[u8], scrubber: &Scrubber) {
    let e = parse_service_error(status, Some("r".into()), body, scrubber);
    assert_eq!(e.status, status);
    assert_eq!(e.request_id.as_deref(), Some("r"));
    assert!(!e.error_code.is_empty(), "{body:?}");
    let max_kept = MAX_ERROR_BODY + marker(usize::MAX).len();
    assert!(e.raw_body.len() <= max_kept, "{}", e.raw_body.len());
    let err = Error::service(e);
    let _ = err.to_string();
    let _ = format!("{err:?}");
}

#[test]
fn never_panics_on_pseudo_random_bytes() {
    let mut rng = Lcg(0x0bad_5eed);
    let pieces: [&[u8]; 12] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"error_code\":",
        b"\"error_msg\":",
        b"\"code\":",
        b"\"details\":[",
        b"\"",
        b",",
        b"\\u00",
        b"\xe2\x82",
    ];
    let scrubber = Scrubber::new(["\u{fffd}\u{fffd}\u{fffd}\u{fffd}", "{\"er"]);
    for i in 0..400 {
        let len = (rng.next_u8() as usize) * 2;
        let body: Vec<u8> = if i % 2 == 0 {
            (0..len).map(|_| rng.next_u8()).collect()
        } else {
            // JSON-ish soup.
            (0..len / 4)
                .flat_map(|_| {
                    pieces[(rng.next_u8() as usize) % pieces.len()]
                        .iter()
                        .copied()
                })
                .collect()
        };
        let status = [400, 401, 403, 404, 429, 500, 502, 503][i % 8];
        check_never_panics(status, &body, &Scrubber::default());
        check_never_panics(status, &body, &scrubber);
    }
    // A large random body goes through truncation too.
    let big: Vec<u8> = (0..50_000).map(|_| rng.next_u8()).collect();
    check_never_panics(502, &big, &scrubber);
}

/// `{"error":{"error":…{"code":"DEEP","message":"deep"}…}}` with `depth` wrappers.
fn nested(depth: usize) -> String {
    format!(
        "{}{{\"code\":\"DEEP\",\"message\":\"deep\"}}{}",
        "{\"error\":".repeat(depth),
        "}".repeat(depth)
    )
}

#[test]
fn moderately_nested_error_is_found() {
    let e = parse(400, None, &nested(100));
    assert_eq!(e.error_code, "DEEP");
    assert_eq!(e.error_msg, "deep");
}

#[test]
fn deeply_nested_json_does_not_overflow_the_stack() {
    // serde_json refuses documents nested deeper than 128 levels ("recursion limit exceeded"),
    // so a 10_000-level body never reaches the recursive search: it is treated like a
    // non-JSON body (status as code, truncated body as message). If this test aborts with a
    // stack overflow, the parser recursed without a bound.
    let body = nested(10_000);
    let e = parse(400, Some("r"), &body);
    assert_eq!(e.error_code, "400");
    assert_eq!(
        e.error_msg,
        format!("{}{}", &body[..MAX_ERROR_BODY], marker(body.len()))
    );

    // Arrays and details nested as deep.
    let arrays = format!(
        "{{\"details\":{}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = parse(400, None, &arrays);
    assert_eq!(e.error_code, "400");
    let details = format!("{}{}", "{\"details\":[".repeat(10_000), "]}".repeat(10_000));
    let e = parse(400, None, &details);
    assert_eq!(e.error_code, "400");
}

#[test]
fn nesting_just_under_the_json_limit_is_searched_without_overflow() {
    // The deepest object serde_json accepts, with the code at the bottom: the recursive
    // search handles the full depth.
    // serde_json accepts 127 nested objects (126 wrappers + the innermost) and refuses 128.
    for (depth, code) in [(120, "DEEP"), (126, "DEEP"), (127, "400"), (128, "400")] {
        let e = parse(400, None, &nested(depth));
        assert_eq!(e.error_code, code, "depth {depth}");
    }

    // Same for details chains, which recurse through a second path.
    let mut body = String::from("{\"code\":\"D\",\"message\":\"m\"}");
    for _ in 0..60 {
        body = format!("{{\"code\":\"C\",\"message\":\"c\",\"details\":[{body}]}}");
    }
    let e = parse(400, None, &body);
    assert_eq!(e.error_code, "C");
    assert_eq!(e.details.len(), 1);
}

/// CCE's error layout, as both official handlers read it (Go `CceErrorHandler`, Python
/// `CceExceptionHandler`): top-level fields only, `errorMessage`, and `message` appended.
#[test]
fn cce_errors_read_top_level_fields_and_append_message() {
    use huaweicloud_sdk_core::ErrorFormat;
    let cce = |status: u16, body: &str| {
        ErrorFormat::Cce.parse(
            status,
            Some("rid".into()),
            body.as_bytes(),
            &Scrubber::new(["s3cr3t"]),
        )
    };
    let e = cce(
        400,
        r#"{"errorCode":"CCE.01400001","errorMessage":"Invalid request.","message":"cluster x"}"#,
    );
    assert_eq!(
        (e.error_code.as_str(), e.error_msg.as_str()),
        ("CCE.01400001", "Invalid request., cluster x")
    );
    assert_eq!(e.request_id.as_deref(), Some("rid"));
    // `error_code`/`error_msg` first; a `message` equal to the message is not repeated.
    let e = cce(
        404,
        r#"{"error_code":"A","errorCode":"B","error_msg":"gone","message":"gone"}"#,
    );
    assert_eq!((e.error_code.as_str(), e.error_msg.as_str()), ("A", "gone"));
    // `message` alone is the message; numeric codes are text.
    let e = cce(409, r#"{"error_code":409,"message":"conflict"}"#);
    assert_eq!(
        (e.error_code.as_str(), e.error_msg.as_str()),
        ("409", "conflict")
    );
    // Nested errors and the standard pairs are not CCE's: nothing found stays empty, as in
    // the official handlers; the body is kept.
    let nested = r#"{"error":{"error_code":"X.0001","error_msg":"nested"}}"#;
    let e = cce(400, nested);
    assert_eq!((e.error_code.as_str(), e.error_msg.as_str()), ("", ""));
    assert_eq!(e.raw_body, nested);
    let e = cce(400, r#"{"errorCode":"X","errorMsg":"camel"}"#);
    assert_eq!((e.error_code.as_str(), e.error_msg.as_str()), ("X", ""));
    // Not a JSON object (the official handlers fail on it): the status and the text.
    let e = cce(502, "<html>bad gateway</html>");
    assert_eq!(
        (e.error_code.as_str(), e.error_msg.as_str()),
        ("502", "<html>bad gateway</html>")
    );
    let e = cce(500, "[1,2]");
    assert_eq!(e.error_code, "500");
    // Secrets are scrubbed from every field, escaped in JSON or not.
    let e = cce(
        403,
        r#"{"error_code":"s3cr3t","error_msg":"key \u0073\u0033cr3t","message":"s3cr3t"}"#,
    );
    for text in [&e.error_code, &e.error_msg, &e.raw_body] {
        assert!(!text.contains("s3cr3t"), "{text}");
    }
}
