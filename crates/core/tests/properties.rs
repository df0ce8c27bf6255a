//! Property tests of everything in core that reads outside input: the percent-encoder and
//! the signer (canonical query and request), request preparation, the service error parser,
//! the credentials profile (INI), the regions file (YAML) and environment loading.
//!
//! Fixed case counts and a fixed ChaCha seed: CI runs the same cases every time, and a
//! failure prints its minimal input. No regression files are written.

mod support;

use std::collections::BTreeMap;

use huaweicloud_sdk_core::__codegen::{Method, OperationInput};
use huaweicloud_sdk_core::credentials::{EnvProvider, ProfileProvider, parse_profile};
use huaweicloud_sdk_core::error::{Scrubber, parse_service_error};
use huaweicloud_sdk_core::region::{Region, parse_regions_file};
use huaweicloud_sdk_core::sign::{
    SignableRequest, SigningKey, canonical_query_string, percent_encode, sign,
};
use huaweicloud_sdk_core::test_util::StaticTransport;
use huaweicloud_sdk_core::{Client, Credentials, Error, ErrorKind};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, RngSeed};
use support::{TEST_SERVICE, TempDir, env, op};

/// The seed of every property here.
const SEED: u64 = 0x4857_4353_444b_5253; // "HWCSDKRS"

// Case counts: the whole file runs in well under a minute in the debug profile.
const ENCODER_CASES: u32 = 2048;
const QUERY_CASES: u32 = 1024;
const SIGNER_CASES: u32 = 1024;
const PREPARE_CASES: u32 = 512;
const ERROR_BODY_CASES: u32 = 1024;
const ERROR_SECRET_CASES: u32 = 1024;
const PROFILE_CASES: u32 = 512;
const REGIONS_CASES: u32 = 512;
const ENV_CASES: u32 = 256;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Arbitrary Unicode, or short strings dense in the characters the encoders care about.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9%/=&?#+~._ \\-]{0,16}",
        "(%[0-9a-fA-F]{0,2}|[a-z/])*",
        "[\\x00-\\x1f\\x7f é一🦀]{0,6}",
    ]
}

fn decode(s: &str) -> String {
    percent_decode_str(s)
        .decode_utf8()
        .expect("the encoder only emits UTF-8 escapes")
        .into_owned()
}

/// A secret as credentials carry them: long enough for the scrubber, base64-ish.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9+/=\\-]{8,40}"
}

proptest! {
    #![proptest_config(config(ENCODER_CASES))]

    #[test]
    fn percent_encoding_is_strict_and_round_trips(s in text()) {
        let encoded = percent_encode(&s).to_string();
        let mut bytes = encoded.bytes();
        while let Some(b) = bytes.next() {
            if b == b'%' {
                let hex: Vec<u8> = bytes.by_ref().take(2).collect();
                prop_assert!(hex.len() == 2 && hex.iter().all(|h| h.is_ascii_hexdigit() && !h.is_ascii_lowercase()), "bad escape in {encoded}");
            } else {
                prop_assert!(b.is_ascii_alphanumeric() || b"-_.~".contains(&b), "unescaped {:?} in {encoded}", b as char);
            }
        }
        prop_assert_eq!(decode(&encoded), s);
    }
}

proptest! {
    #![proptest_config(config(QUERY_CASES))]

    #[test]
    fn canonical_query_is_sorted_and_decodes_back_to_the_input_pairs(
        pairs in prop::collection::vec((text(), text()), 0..8),
    ) {
        let query = canonical_query_string(&pairs);
        let decoded: Vec<(String, String)> = if query.is_empty() {
            Vec::new()
        } else {
            query
                .split('&')
                .map(|pair| {
                    // `=` and `&` inside keys and values are always escaped.
                    let (k, v) = pair.split_once('=').expect("every pair has '='");
                    (decode(k), decode(v))
                })
                .collect()
        };
        prop_assert!(decoded.windows(2).all(|w| w[0] <= w[1]), "not sorted: {query}");
        let mut expected = pairs.clone();
        expected.sort();
        prop_assert_eq!(decoded, expected);
    }
}

/// A header as a caller or the generator could set it (names may be odd: the signer must cope).
fn header() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            "[A-Za-z][A-Za-z0-9_\\-]{0,12}",
            Just("Host".to_owned()),
            Just("X-Sdk-Date".to_owned()),
            Just("Content-Type".to_owned()),
            Just("X-Sdk-Content-Sha256".to_owned()),
            any::<String>(),
        ],
        text(),
    )
}

proptest! {
    #![proptest_config(config(SIGNER_CASES))]

    #[test]
    fn the_signer_never_panics_and_is_consistent(
        method in prop_oneof![Just("GET".to_owned()), Just("post".to_owned()), text()],
        path in text(),
        query in prop::collection::vec((text(), text()), 0..5),
        headers in prop::collection::vec(header(), 0..6),
        host in text(),
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let key = SigningKey::new("AKPROP", "property-secret-key").expect("key");
        let req = SignableRequest {
            method: &method,
            path: &path,
            query: &query,
            headers: &headers,
            host: &host,
            body: &body,
        };
        let out = sign(&req, &key, "20261124T010203Z");
        prop_assert_eq!(&out, &sign(&req, &key, "20261124T010203Z"), "deterministic");
        prop_assert_eq!(out.signature.len(), 64);
        prop_assert!(out.signature.bytes().all(|b| b.is_ascii_hexdigit()));
        prop_assert_eq!(&out.canonical_query, &canonical_query_string(&query));
        let method_line = format!("{}\n", method.to_ascii_uppercase());
        prop_assert!(out.canonical_request.starts_with(&method_line), "{}", out.canonical_request);
        let names: Vec<&str> = out.signed_headers.split(';').filter(|n| !n.is_empty()).collect();
        // Names are lower-cased as ASCII (non-ASCII names cannot be sent anyway).
        prop_assert!(names.iter().all(|n| !n.contains('_') && !n.bytes().any(|b| b.is_ascii_uppercase())), "{}", out.signed_headers);
        // Sorted (checked when every name is a valid HTTP token, so none holds a ';').
        if headers.iter().all(|(k, _)| http::HeaderName::from_bytes(k.as_bytes()).is_ok()) {
            prop_assert!(names.windows(2).all(|w| w[0] <= w[1]), "signed headers sorted: {}", out.signed_headers);
        }
        prop_assert!(out.authorization().starts_with("SDK-HMAC-SHA256 Access=AKPROP, SignedHeaders="));
        let shown = format!("{out:?}{key:?}");
        prop_assert!(!shown.contains("property-secret-key"), "{}", shown);
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

proptest! {
    #![proptest_config(config(PREPARE_CASES))]

    /// Preparing a request from arbitrary caller input either signs it or says what is wrong;
    /// the URL's query is the canonical query that was signed.
    #[test]
    fn request_preparation_never_panics(
        instance_id in text(),
        query in prop::collection::vec(("[a-z_]{1,8}", text()), 0..4),
        headers in prop::collection::vec(("[A-Za-z][A-Za-z0-9\\-]{0,10}", text()), 0..4),
        body in prop::collection::vec(any::<u8>(), 0..32),
        token in prop::option::of(secret()),
    ) {
        let mut creds = Credentials::new("AKPROP", "property-secret-key")
            .expect("credentials")
            .with_project_id("0123456789abcdef0123456789abcdef");
        if let Some(t) = &token {
            creds = creds.with_security_token(t.clone());
        }
        let client = Client::builder(&TEST_SERVICE)
            .endpoint("http://127.0.0.1:9/base")
            .credentials(creds.clone())
            .transport(StaticTransport::new(200, ""))
            .build_core()
            .expect("client");
        let mut input = OperationInput::new(op(
            Method::Post,
            "/v2/{project_id}/instances/{instance_id}",
            Some("application/json"),
            false,
        ));
        input.path("instance_id", Some(&instance_id));
        for (k, v) in &query {
            input.query(leak(k.clone()), v.as_str());
        }
        for (k, v) in &headers {
            input.header(leak(k.clone()), Some(v));
        }
        input.raw_body(body.into());
        match client.prepare(&input, &creds) {
            Ok(prepared) => {
                let url = &prepared.request.url;
                prop_assert!(url.starts_with("http://127.0.0.1:9/base/v2/0123456789abcdef0123456789abcdef/instances/"), "{url}");
                let pairs: Vec<(String, String)> = query.clone();
                let sent_query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
                prop_assert_eq!(sent_query, canonical_query_string(&pairs));
                if let Some(t) = &token {
                    let shown = format!("{:?}", prepared.request);
                    prop_assert!(!shown.contains(t.as_str()), "{}", shown);
                }
            }
            Err(e) => {
                prop_assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{}", e);
                prop_assert!(e.to_string().contains("TestOperation"), "names the operation: {}", e);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(ERROR_BODY_CASES))]

    #[test]
    fn the_error_body_parser_never_panics(
        status in 100u16..=599,
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..256),
            any::<String>().prop_map(String::into_bytes),
            // Deep nesting: the recursive key search must stay within the JSON depth limit.
            (1usize..300).prop_map(|n| format!("{}{{\"code\":\"X\",\"message\":\"m\"}}{}", "{\"e\":".repeat(n), "}".repeat(n)).into_bytes()),
            "\\{\"(error_code|errorCode|code|error_msg|message|details)\":(1|\"x\"|null|\\[\\]|\\{\\}|\\[\\{\"code\":2\\}\\])\\}".prop_map(String::into_bytes),
        ],
    ) {
        let scrubber = Scrubber::new(["property-secret-key"]);
        let parsed = parse_service_error(status, Some("rid".into()), &body, &scrubber);
        prop_assert_eq!(parsed.status, status);
        prop_assert!(!parsed.error_code.is_empty());
        prop_assert!(parsed.raw_body.len() <= 4096 + 64, "raw body is truncated");
        let err = Error::service(parsed);
        prop_assert_eq!(err.kind(), ErrorKind::Service);
        let _ = (err.to_string(), format!("{err:?}"));
    }
}

/// A JSON error body in one of the shapes services use, with `secret` inside its strings.
fn error_body_with(secret: String) -> impl Strategy<Value = String> {
    let place = prop_oneof![
        Just(secret.clone()),
        Just(format!("verify signature fail: sk={secret}")),
        Just(format!("x-security-token:{secret}|canonicalRequest")),
        Just("no secret here".to_owned()),
    ];
    (
        prop::sample::select(vec![
            ("error_code", "error_msg"),
            ("errorCode", "errorMsg"),
            ("code", "message"),
        ]),
        place.clone(),
        place.clone(),
        place,
        0usize..3,
        any::<bool>(),
    )
        .prop_map(|((ck, mk), code, msg, other, shape, escape)| {
            let inner =
                serde_json::json!({ ck: code, mk: msg, "encoded_authorization_message": other });
            let value = match shape {
                0 => inner,
                1 => serde_json::json!({ "error": inner, "request_id": "r" }),
                _ => serde_json::json!({ "details": [inner.clone(), inner] }),
            };
            let text = value.to_string();
            // JSON escapes hide a secret from a plain text search of the body.
            if escape {
                text.replace('/', "\\/").replace('+', "\\u002b")
            } else {
                text
            }
        })
}

proptest! {
    #![proptest_config(config(ERROR_SECRET_CASES))]

    #[test]
    fn the_error_body_parser_never_returns_a_secret(
        (sk, token, body) in (secret(), secret()).prop_flat_map(|(sk, token)| {
            let planted = prop_oneof![Just(sk.clone()), Just(token.clone())];
            (Just(sk), Just(token), planted.prop_flat_map(error_body_with))
        }),
        status in prop::sample::select(vec![400u16, 401, 403, 429, 500, 502]),
    ) {
        let scrubber = Scrubber::new([sk.as_str(), token.as_str()]);
        let parsed = parse_service_error(status, None, body.as_bytes(), &scrubber);
        let mut outputs = vec![
            parsed.error_code.clone(),
            parsed.error_msg.clone(),
            parsed.raw_body.clone(),
            parsed.encoded_authorization_message.clone().unwrap_or_default(),
        ];
        for d in &parsed.details {
            outputs.extend(d.error_code.clone());
            outputs.extend(d.error_msg.clone());
            outputs.extend(d.encoded_authorization_message.clone());
        }
        let err = Error::service(parsed);
        outputs.push(err.to_string());
        outputs.push(format!("{err:?}"));
        for out in &outputs {
            prop_assert!(!out.contains(&sk), "SK in {out}");
            prop_assert!(!out.contains(&token), "token in {out}");
        }
    }
}

/// INI text: real-looking lines (the SK among them) mixed with garbage.
fn profile_text(sk: String) -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("[basic]".to_owned()),
        Just("[global]".to_owned()),
        Just("ak = AKPROFILE".to_owned()),
        Just(format!("sk = {sk}")),
        Just(format!("sk={sk}\\")),
        Just(format!("security_token = \"{sk}")),
        Just("project_id = p1".to_owned()),
        Just("domain_id =".to_owned()),
        Just("idp_id = x".to_owned()),
        Just(format!("[{sk}")),
        Just(format!("{sk} with no equals sign")),
        "[a-z_]{1,8} ?[=:] ?[^\\n]{0,12}",
        "[^\\n]{0,20}",
    ];
    prop::collection::vec(line, 0..10).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(config(PROFILE_CASES))]

    #[test]
    fn the_profile_parser_never_panics_nor_leaks_the_sk(
        (sk, text) in secret().prop_flat_map(|sk| (Just(sk.clone()), profile_text(sk))),
        raw in any::<String>(),
    ) {
        let _ = parse_profile(&raw, "raw");
        match parse_profile(&text, "/home/u/.huaweicloud/credentials") {
            Ok(creds) => {
                prop_assert!(!format!("{creds:?}").contains(&sk), "{creds:?}");
            }
            Err(e) => {
                prop_assert_eq!(e.kind(), ErrorKind::Credentials);
                let shown = format!("{e}\n{e:?}");
                prop_assert!(shown.contains("/home/u/.huaweicloud/credentials"), "names the file: {}", shown);
                prop_assert!(!shown.contains(&sk), "SK in the error: {}", shown);
            }
        }
    }
}

fn regions_yaml() -> impl Strategy<Value = String> {
    let entry = prop_oneof![
        "  - id: [a-z0-9\\-]{0,12}\n    endpoint: [a-z:/.0-9]{0,20}\n",
        "  - id: cn-north-4\n    endpoints: \\[[a-z:/.,0-9 ]{0,30}\\]\n",
        "  - \\{id: [a-z\\-]{1,8}, extra: 1\\}\n",
        "  - [^\\n]{0,16}\n",
    ];
    let section = (
        prop_oneof![
            Just("DCS".to_owned()),
            Just("dcs".to_owned()),
            "[A-Za-z]{1,6}"
        ],
        prop::collection::vec(entry, 0..3),
    )
        .prop_map(|(name, entries)| format!("{name}:\n{}", entries.concat()));
    prop_oneof![
        prop::collection::vec(section, 0..3).prop_map(|s| s.concat()),
        any::<String>(),
        (1usize..200).prop_map(|n| format!("DCS: {}{}", "[".repeat(n), "]".repeat(n))),
        (1usize..100).prop_map(|n| "- ".repeat(n)),
    ]
}

proptest! {
    #![proptest_config(config(REGIONS_CASES))]

    #[test]
    fn the_regions_file_parser_never_panics(
        text in regions_yaml(),
        region in prop_oneof![Just("cn-north-4".to_owned()), "[a-z0-9\\-]{0,12}"],
    ) {
        match parse_regions_file(&text, "/etc/regions.yaml", "DCS", &region) {
            Ok(Some(r)) => {
                prop_assert_eq!(r.id, region);
                prop_assert!(!r.endpoints.is_empty());
            }
            Ok(None) => {}
            Err(e) => {
                prop_assert_eq!(e.kind(), ErrorKind::Config);
                prop_assert!(e.to_string().contains("/etc/regions.yaml"), "names the file: {}", e);
            }
        }
    }
}

/// A variable's value; `secret` only where a secret belongs (SK, security token).
fn env_value(secret: Option<String>) -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        Just(secret.unwrap_or_else(|| "AKPLAIN".to_owned())),
        Just(String::new()),
        Just("  ".to_owned()),
        text(),
        "https?://[a-z0-9.:\\-]{0,20}(,[a-z:/.0-9@]{0,20}){0,2}",
    ])
}

proptest! {
    #![proptest_config(config(ENV_CASES))]

    /// Loading credentials and regions from arbitrary variables (and files they name) fails
    /// with a clear error or succeeds; it never panics and never shows the SK.
    #[test]
    fn environment_loading_never_panics_nor_leaks(
        (sk, values) in secret().prop_flat_map(|sk| {
            let values: Vec<_> = (0..8)
                .map(|i| env_value((i == 1 || i == 2).then(|| sk.clone())))
                .collect();
            (Just(sk), values)
        }),
        profile in any::<String>(),
        regions in regions_yaml(),
        region in prop_oneof![Just("cn-north-4".to_owned()), "[a-zA-Z0-9_\\-]{0,10}", text()],
    ) {
        let dir = TempDir::new("prop-env");
        let profile_path = dir.write("credentials", &profile);
        let regions_path = dir.write("regions.yaml", &regions);
        let names = [
            "HUAWEICLOUD_SDK_AK",
            "HUAWEICLOUD_SDK_SK",
            "HUAWEICLOUD_SDK_SECURITY_TOKEN",
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "HUAWEICLOUD_SDK_DOMAIN_ID",
            "HUAWEICLOUD_SDK_IDP_ID",
            "HUAWEICLOUD_SDK_REGION_DCS_CN_NORTH_4",
            "HUAWEICLOUD_SDK_REGION_DCS_AP_SOUTHEAST_1",
        ];
        let mut vars: BTreeMap<&str, String> = names
            .iter()
            .zip(&values)
            .filter_map(|(n, v)| v.clone().map(|v| (*n, v)))
            .collect();
        vars.insert("HUAWEICLOUD_SDK_CREDENTIALS_FILE", profile_path.display().to_string());
        vars.insert("HUAWEICLOUD_SDK_REGIONS_FILE", regions_path.display().to_string());
        let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let environment = env(&pairs);

        let mut shown = Vec::new();
        for loaded in [
            EnvProvider::with_env(environment.clone()).load(),
            ProfileProvider::with_env(environment.clone()).load(),
        ] {
            match loaded {
                Ok(c) => shown.push(format!("{c:?}")),
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::Credentials, "{}", e);
                    shown.push(format!("{e}\n{e:?}"));
                }
            }
        }
        match Region::resolve(&TEST_SERVICE, &region, &environment) {
            Ok(r) => prop_assert!(!r.endpoints.is_empty()),
            Err(e) => {
                prop_assert_eq!(e.kind(), ErrorKind::Config, "{}", e);
                shown.push(e.to_string());
            }
        }
        let built = Client::builder(&TEST_SERVICE)
            .region(region.clone())
            .env(environment.clone())
            .transport(StaticTransport::new(200, ""))
            .credentials(Credentials::new("AKPROP", "property-secret-key").expect("credentials"))
            .build_core();
        if let Err(e) = built {
            prop_assert_eq!(e.kind(), ErrorKind::Config, "{}", e);
            shown.push(e.to_string());
        }
        shown.push(format!("{environment:?}"));
        for s in &shown {
            prop_assert!(!s.contains(&sk), "SK shown: {}", s);
        }
    }
}
