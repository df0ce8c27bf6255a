//! Compiles every golden under `tests/fixtures/*/expected/` against the real core crate,
//! with warnings denied, and exercises a few behaviours (redaction, enums, builders).
//!
//! Cheapest robust option: one test crate, one inline module per fixture, each mirroring the
//! generated `lib.rs` (the generated code only uses `super::` paths, so it compiles wherever
//! it is mounted). No extra workspace member, no nested `cargo` invocation, no second build
//! of core's dependency tree.

#![deny(warnings)]
#![allow(dead_code)]

macro_rules! golden {
    ($name:ident, $dir:literal $(, $extra:ident)*) => {
        #[allow(unused_imports)]
        pub mod $name {
            pub mod client {
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/", $dir, "/expected/client.rs"));
            }
            pub mod models {
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/", $dir, "/expected/models.rs"));
            }
            pub mod operations {
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/", $dir, "/expected/operations.rs"));
            }
            mod regions {
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/", $dir, "/expected/regions.rs"));
            }
            pub use client::Client;
            pub use huaweicloud_sdk_core::{Credentials, Error, ErrorKind, RequestOptions, Response, Result, RetryPolicy $(, $extra)*};
        }
    };
}

golden!(bodies, "bodies");
golden!(collections, "collections");
golden!(enums, "enums");
golden!(keywords, "keywords");
golden!(no_content_aliases, "no_content_aliases");

/// The generated secret-`Debug` tests of the keywords fixture, run here as they run in a crate.
pub mod keywords_secret_debug {
    pub use super::keywords::models;
    mod secret_debug_tests {
        include!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/keywords/expected/secret_debug_tests.rs"
        ));
    }
}
golden!(pagination, "pagination");
golden!(params, "params");
golden!(stream, "stream", ByteStream, Bytes);
golden!(types, "types");
golden!(shared_paths, "shared_paths");
golden!(list_styles, "list_styles");
golden!(response_headers, "response_headers");
golden!(secrets, "secrets");
golden!(form_bodies, "form_bodies", FormFile);
golden!(enum_clash, "enum_clash");
golden!(waiters, "waiters");

/// The generated secret-`Debug` tests of the secrets and response-headers fixtures (the
/// first has a secret enum, whose test sets no value: no unused variable under
/// `#![deny(warnings)]`).
pub mod secrets_secret_debug {
    pub use super::secrets::models;
    mod secret_debug_tests {
        include!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/secrets/expected/secret_debug_tests.rs"
        ));
    }
}
pub mod response_headers_secret_debug {
    pub use super::response_headers::models;
    mod secret_debug_tests {
        include!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/response_headers/expected/secret_debug_tests.rs"
        ));
    }
}

use std::sync::{Arc, Mutex};

use huaweicloud_sdk_core::transport::{
    BoxFuture, HttpRequest, HttpResponse, Transport, TransportError,
};

/// Records every request and answers each with the same status, headers and body.
#[derive(Debug)]
struct Recorder {
    requests: Mutex<Vec<HttpRequest>>,
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static str,
}

impl Transport for Recorder {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        self.requests.lock().unwrap().push(request);
        let mut headers = http::HeaderMap::new();
        for (k, v) in &self.headers {
            headers.insert(*k, http::HeaderValue::from_static(v));
        }
        let response = HttpResponse::from_bytes(
            self.status,
            headers,
            huaweicloud_sdk_core::Bytes::from_static(self.body.as_bytes()),
        );
        Box::pin(async move { Ok(response) })
    }
}

/// A client whose requests are recorded instead of sent.
fn recording<C: huaweicloud_sdk_core::ServiceClient>(
    status: u16,
    body: &'static str,
) -> (C, Arc<Recorder>) {
    recording_with_headers(status, &[], body)
}

/// [`recording`] with response headers.
fn recording_with_headers<C: huaweicloud_sdk_core::ServiceClient>(
    status: u16,
    headers: &[(&'static str, &'static str)],
    body: &'static str,
) -> (C, Arc<Recorder>) {
    let recorder = Arc::new(Recorder {
        requests: Mutex::new(Vec::new()),
        status,
        headers: headers.to_vec(),
        body,
    });
    let client = huaweicloud_sdk_core::ClientBuilder::<C>::new()
        .endpoint("https://golden.example.com")
        .credentials(
            huaweicloud_sdk_core::Credentials::new("ak", "sk")
                .unwrap()
                .with_project_id("p")
                .with_domain_id("d"),
        )
        .transport(recorder.clone())
        .build()
        .unwrap();
    (client, recorder)
}

impl Recorder {
    fn last(&self) -> HttpRequest {
        self.requests
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a request was sent")
    }
    fn header(&self, name: &str) -> Option<String> {
        self.last()
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

fn client<C: huaweicloud_sdk_core::ServiceClient>() -> C {
    huaweicloud_sdk_core::ClientBuilder::<C>::new()
        .endpoint("https://127.0.0.1:9")
        .credentials(
            huaweicloud_sdk_core::Credentials::new("ak", "sk")
                .unwrap()
                .with_project_id("p"),
        )
        .build()
        .unwrap()
}

#[test]
fn secrets_are_redacted_and_clash_rules_hold() {
    let config = keywords::models::Config::builder()
        .r#type("t")
        .default_value(true)
        .self_value("s")
        .build_value("b")
        .time_to_live(5)
        .secret_key("hunter2")
        .build();
    let debug = format!("{config:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("redacted"), "{debug}");
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(
        json,
        r#"{"type":"t","default":true,"self":"s","build":"b","ttl":5,"secret_key":"hunter2"}"#
    );
    // `Default::default` is still the trait's, not a setter.
    let _empty: keywords::models::ConfigBuilder = Default::default();
    let c: keywords::Client = client();
    let builder = c
        .update_configuration()
        .r#type("x")
        .options_value("o")
        .body_value("b")
        .body(config);
    assert!(!format!("{builder:?}").contains("hunter2"));
}

#[test]
fn open_enums_round_trip() {
    use enums::models::{Engine, FlavorMode};
    assert_eq!(serde_json::to_string(&Engine::Redis).unwrap(), r#""redis""#);
    assert_eq!(
        serde_json::from_str::<Engine>(r#""6.0-compat""#).unwrap(),
        Engine::V60Compat
    );
    assert_eq!(
        serde_json::from_str::<Engine>(r#""valkey""#).unwrap(),
        Engine::Unknown("valkey".into())
    );
    assert_eq!(FlavorMode::from("ha").as_str(), "ha");
    assert_eq!(Engine::from(String::from("redis")).to_string(), "redis");
    // Lenient: numbers and booleans are read as their text.
    assert_eq!(
        serde_json::from_str::<Engine>("1").unwrap(),
        Engine::Unknown("1".into())
    );
    let f: enums::models::Flavor =
        serde_json::from_str(r#"{"engine":"x","mode":"cluster","new_field":1}"#).unwrap();
    assert_eq!(f.mode, Some(FlavorMode::Cluster));
}

#[test]
fn collections_decode_and_keep_wire_order() {
    let json = r#"{"id":"i","capacity":1.5,"port":6379,"enable_ssl":true,"network":{"vpc_id":"v","subnet_ids":["a"]},"tags":[{"key":"k","value":"v"}],"labels":{"a":"b"},"quotas":{"q":1},"metadata":[1,"x"],"options":{"z":null}}"#;
    let inst: collections::models::Instance = serde_json::from_str(json).unwrap();
    // A response-only model serializes with `full-serde` only (`--features full-serde`).
    #[cfg(feature = "full-serde")]
    assert_eq!(serde_json::to_string(&inst).unwrap(), json);
    assert_eq!(
        inst.network.unwrap().subnet_ids.unwrap(),
        vec!["a".to_owned()]
    );
}

#[tokio::test]
async fn missing_required_inputs_are_errors_not_panics() {
    let c: params::Client = client();
    let err = c.list_topics().instance_id("i").send().await.unwrap_err();
    assert_eq!(err.kind(), huaweicloud_sdk_core::ErrorKind::InvalidRequest);
    assert!(
        err.to_string()
            .contains("PARAMS ListTopics: missing required query parameter `limit`"),
        "{err}"
    );
    let err = c.list_topics().limit(1).send().await.unwrap_err();
    assert!(
        err.to_string().contains("query parameter `engine`"),
        "{err}"
    );
    let err = c
        .list_topics()
        .limit(1)
        .engine("redis")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("header `X-Request-Token`"),
        "{err}"
    );
    let c: enums::Client = client();
    let err = c.create_flavor().send().await.unwrap_err();
    assert_eq!(err.kind(), huaweicloud_sdk_core::ErrorKind::InvalidRequest);
    assert!(
        err.to_string()
            .contains("ENUMS CreateFlavor: missing required request body"),
        "{err}"
    );
    let c: bodies::Client = client();
    let err = c.batch_create_tags().send().await.unwrap_err();
    assert!(
        err.to_string().contains("missing required request body"),
        "{err}"
    );
    let c: keywords::Client = client();
    let _ = c.update_configuration(); // optional body: no error at build time
    let c: no_content_aliases::Client = client();
    let _ = (c.delete_usre(), c.delete_user(), c.remove_user());
    let c: stream::Client = client();
    let _ = (c.download_file(), c.show_checksum(), c.refresh_files());
}

#[tokio::test]
async fn typed_query_header_and_path_parameters_reach_the_wire() {
    use params::models::{Engine, ListTopicsStatus};
    let (c, rec) = recording::<params::Client>(200, r#"{"topics":["t"],"total":1}"#);
    let out = c
        .list_topics()
        .instance_id("i-1")
        .limit(10)
        .engine(Engine::Redis)
        .status(ListTopicsStatus::Running)
        .engines(vec![Engine::Memcached, Engine::from("valkey")])
        .ids(vec![1, 2])
        .weights(vec![0.5])
        .flags(vec![true, false])
        .level(2)
        .x_language("en-us")
        .x_request_token("tok")
        .send()
        .await
        .unwrap();
    assert_eq!(out.output().topics, Some(vec!["t".to_owned()]));
    let url = rec.last().url;
    assert!(
        url.starts_with("https://golden.example.com/v1/p/instances/i-1/topics?"),
        "{url}"
    );
    for pair in [
        "limit=10",
        "engine=redis",
        "status=RUNNING",
        "engines=memcached",
        "engines=valkey",
        "ids=1",
        "ids=2",
        "weights=0.5",
        "flags=true",
        "flags=false",
        "level=2",
    ] {
        assert!(
            url.split(['?', '&']).any(|p| p == pair),
            "{pair} missing in {url}"
        );
    }
    assert_eq!(rec.header("X-Language").as_deref(), Some("en-us"));
    assert_eq!(rec.header("X-Request-Token").as_deref(), Some("tok"));

    // A declared `project_id` wins over the credentials'; scalar path and header values.
    let (c, rec) = recording::<params::Client>(204, "");
    c.show_partition()
        .project_id("codearts-project")
        .topic("t")
        .partition(3)
        .x_page_size(50)
        .x_dry_run(true)
        .x_weight(1.0)
        .send()
        .await
        .unwrap();
    assert_eq!(
        rec.last().url,
        "https://golden.example.com/v1/codearts-project/topics/t/partitions/3"
    );
    assert_eq!(rec.header("X-Page-Size").as_deref(), Some("50"));
    // As the official Python SDK writes them (`str(True)`, `str(1.0)`).
    assert_eq!(rec.header("X-Dry-Run").as_deref(), Some("True"));
    assert_eq!(rec.header("X-Weight").as_deref(), Some("1.0"));
    let err = c
        .show_partition()
        .topic("t")
        .partition(3)
        .x_page_size(1)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("missing required path parameter `project_id`"),
        "{err}"
    );

    // No placeholder, no parameters, no body.
    let (c, rec) = recording::<params::Client>(200, r#"{"total":3}"#);
    let out = c.list_versions().send().await.unwrap();
    assert_eq!(out.output().total, Some(3));
    assert_eq!(rec.last().url, "https://golden.example.com/v1/versions");
    assert!(rec.last().body.is_empty());
}

#[tokio::test]
async fn a_string_body_is_sent_as_the_document_itself() {
    let (c, rec) = recording::<bodies::Client>(204, "");
    c.create_plan()
        .body(r#"{"name": "p1"}"#.to_owned())
        .send()
        .await
        .unwrap();
    // Not JSON-quoted: the official SDKs send a string body as it is.
    assert_eq!(&rec.last().body[..], br#"{"name": "p1"}"#);
    assert_eq!(
        rec.header("Content-Type").as_deref(),
        Some("application/json")
    );
    let err = c.create_plan().send().await.unwrap_err();
    assert!(err.to_string().contains("body"), "{err}");
}

#[tokio::test]
async fn list_map_and_free_form_bodies_round_trip() {
    use bodies::models::Tag;
    let (c, rec) = recording::<bodies::Client>(200, r#"[{"key":"a","value":"1"},{"key":"b"}]"#);
    let tags = c
        .batch_create_tags()
        .body(vec![Tag::builder().key("env").value("prod").build()])
        .send()
        .await
        .unwrap()
        .into_output();
    assert_eq!(tags.len(), 2);
    assert_eq!(tags[1].key.as_deref(), Some("b"));
    let sent = rec.last();
    assert_eq!(&sent.body[..], br#"[{"key": "env", "value": "prod"}]"#);
    assert_eq!(
        rec.header("Content-Type").as_deref(),
        Some("application/json")
    );

    let (c, rec) = recording::<bodies::Client>(200, r#"{"r1":{"key":"k"}}"#);
    let labels = std::collections::BTreeMap::from([("a".to_owned(), "b".to_owned())]);
    let out = c
        .update_labels()
        .body(labels)
        .send()
        .await
        .unwrap()
        .into_output();
    assert_eq!(out["r1"].key.as_deref(), Some("k"));
    assert_eq!(&rec.last().body[..], br#"{"a": "b"}"#);
    // Optional body left out: nothing is sent.
    let _ = c.update_labels().send().await.unwrap();
    assert!(rec.last().body.is_empty());

    let (c, rec) = recording::<bodies::Client>(200, r#"{"any":[1,"x",null]}"#);
    let out = c
        .put_metadata()
        .body(serde_json::json!({"k": [1, 2]}))
        .send()
        .await
        .unwrap()
        .into_output();
    assert_eq!(out["any"][1], "x");
    assert_eq!(
        rec.header("Content-Type").as_deref(),
        Some("application/json;charset=UTF-8")
    );
}

#[tokio::test]
async fn text_responses_are_bytes() {
    let (c, rec) = recording::<stream::Client>(200, "abc123\n");
    let out = c.show_checksum().file_id("f").send().await.unwrap();
    let bytes: &stream::Bytes = out.output();
    assert_eq!(&bytes[..], b"abc123\n");
    assert_eq!(
        rec.last().url,
        "https://golden.example.com/v1/d/files/f/checksum"
    );
}

#[tokio::test]
async fn a_streamed_body_comes_with_its_typed_response_headers() {
    let (c, rec) = recording_with_headers::<stream::Client>(
        200,
        &[
            ("x-file-size", "6"),
            ("content-disposition", "attachment; filename=a.zip"),
        ],
        "zipped",
    );
    let out = c
        .download_archive()
        .file_id("f")
        .send()
        .await
        .unwrap()
        .into_output();
    assert_eq!(out.header_values.x_file_size, Some(6));
    assert_eq!(
        out.header_values.content_disposition.as_deref(),
        Some("attachment; filename=a.zip")
    );
    assert_eq!(&out.body.collect().await.unwrap()[..], b"zipped");
    assert!(rec.last().url.ends_with("/files/f/archive"));
    // A header value of the wrong type is a decode error naming the header.
    let (c, _) = recording_with_headers::<stream::Client>(200, &[("x-file-size", "big")], "");
    let err = c.download_archive().file_id("f").send().await.unwrap_err();
    assert!(
        err.to_string().contains("x-file-size") || err.to_string().contains("X-File-Size"),
        "{err}"
    );
}

#[test]
fn types_decode() {
    let json = r#"{"count32":1,"count64":9007199254740993,"count":3,"ratio_float":0.1,"ratio_double":2.5,"level":2,"priority":20,"factor":0.5,"matrix":[[1,2],[3]],"tag_groups":[[{"key":"k"}],[]],"tags_by_key":{"a":{"value":"v"}},"values_by_key":{"x":[1.5]},"anything":[1],"empty_schema":"s","untyped_object":{"a":1},"open_object":{"b":true}}"#;
    let s: types::models::Sample = serde_json::from_str(json).unwrap();
    assert_eq!(s.count64, Some(9_007_199_254_740_993));
    assert_eq!(s.matrix, Some(vec![vec![1, 2], vec![3]]));
    assert_eq!(
        s.tag_groups.as_ref().unwrap()[0][0].key.as_deref(),
        Some("k")
    );
    #[cfg(feature = "full-serde")]
    assert_eq!(serde_json::to_string(&s).unwrap(), json);
}

/// The generated paging glue reaches the wire: the position and page-size parameters of each
/// style are set, the nested item path is read, and a service that ignores the position is
/// stopped by the repeat guard instead of looping (the recorder answers every request alike).
#[tokio::test]
async fn generated_paging_sets_positions_and_stops_on_a_repeated_page() {
    use huaweicloud_sdk_core::pagination::StreamExt;

    let query = |r: &Recorder| -> Vec<String> {
        r.requests
            .lock()
            .unwrap()
            .iter()
            .map(|q| {
                q.url
                    .split_once('?')
                    .map(|(_, q)| q.to_owned())
                    .unwrap_or_default()
            })
            .collect()
    };

    let (c, rec) = recording::<pagination::Client>(200, r#"{"things":[{"id":"a"},{"id":"b"}]}"#);
    let got: Vec<_> = c
        .list_things()
        .r#type("x")
        .limit(2)
        .by_item()
        .collect()
        .await;
    assert_eq!(got.len(), 3, "two items, then the repeat error: {got:?}");
    assert_eq!(got[0].as_ref().unwrap().id.as_deref(), Some("a"));
    let err = got[2].as_ref().unwrap_err();
    assert!(
        err.to_string()
            .contains("PAGES ListThings: the service returned the same page again at position 2"),
        "{err}"
    );
    let q = query(&rec);
    assert_eq!(q.len(), 2, "{q:?}");
    assert!(
        !q[0].contains("offset") && q[0].contains("limit=2") && q[0].contains("type=x"),
        "{q:?}"
    );
    assert!(
        q[1].contains("offset=2") && q[1].contains("limit=2") && q[1].contains("type=x"),
        "{q:?}"
    );

    let (c, rec) = recording::<pagination::Client>(
        200,
        r#"{"status":"success","result":{"total_records":3,"data":[{"id":"a"},{"id":"b"}]}}"#,
    );
    let pages: Vec<_> = c
        .list_paged_things()
        .page_size("2")
        .by_page()
        .collect()
        .await;
    // Page 1 (2 of 3 items), then page 2 repeats page 1: the guard stops it.
    assert_eq!(pages.len(), 2);
    assert!(pages[1].is_err());
    let q = query(&rec);
    assert_eq!(q.len(), 2);
    assert!(!q[0].contains("page_no"), "{q:?}");
    assert!(
        q[1].contains("page_no=2") && q[1].contains("page_size=2"),
        "{q:?}"
    );

    let (c, rec) = recording::<pagination::Client>(200, r#"{"things":[{"id":"a"}]}"#);
    let items: Vec<_> = c.list_marked_things().limit(5).by_item().collect().await;
    // Short page and no next marker: one request.
    assert_eq!(items.len(), 1);
    assert_eq!(query(&rec), ["limit=5"]);
}

#[tokio::test]
async fn shared_path_operations_send_the_path_without_the_fragment() {
    let (c, rec) = recording::<shared_paths::Client>(200, r#"{"job_id":"j"}"#);
    let start = shared_paths::models::StartBody::builder()
        .os_start(serde_json::json!({"servers": [{"id": "s1"}]}))
        .build();
    let out = c.batch_start_servers().body(start).send().await.unwrap();
    assert_eq!(out.job_id.as_deref(), Some("j"));
    let req = rec.last();
    assert_eq!(req.url, "https://golden.example.com/v1/p/servers/action");
    assert_eq!(
        &req.body[..],
        br#"{"os-start": {"servers": [{"id": "s1"}]}}"#
    );
    let stop = shared_paths::models::StopBody::builder()
        .os_stop(serde_json::json!({}))
        .build();
    c.batch_stop_servers().body(stop).send().await.unwrap();
    assert_eq!(
        rec.last().url,
        "https://golden.example.com/v1/p/servers/action"
    );
    assert_eq!(&rec.last().body[..], br#"{"os-stop": {}}"#);
}

#[tokio::test]
async fn list_query_parameters_are_repeated_or_comma_separated_as_declared() {
    let (c, rec) = recording::<list_styles::Client>(204, "");
    c.list_ports()
        .id(vec!["a".to_owned(), "b".to_owned()])
        .device_owner(vec!["compute:nova".to_owned(), "network:dhcp".to_owned()])
        .priority(vec![1, 2])
        .send()
        .await
        .unwrap();
    let url = rec.last().url;
    assert_eq!(
        url,
        "https://golden.example.com/v3/p/ports?device_owner=compute%3Anova%2Cnetwork%3Adhcp&id=a&id=b&priority=1%2C2"
    );
    // A required comma-separated list is still required.
    let err = c.list_ports().send().await.unwrap_err();
    assert_eq!(err.kind(), huaweicloud_sdk_core::ErrorKind::InvalidRequest);
    assert!(err.to_string().contains("priority"), "{err}");
}

/// Models that contain each other directly are boxed where the cycle closes (`Host.group ->
/// HostGroup.leader -> Host`, `Host.parent -> Host`); lists are not (`Host.tags`).
#[tokio::test]
async fn models_that_contain_each_other_are_boxed_and_decode() {
    let (c, _rec) = recording::<bodies::Client>(
        200,
        r#"{"name":"a","parent":{"name":"p"},"group":{"leader":{"name":"l","group":{}}}}"#,
    );
    let out = c.show_host().host_id("h").send().await.unwrap();
    let host: &bodies::models::Host = out.output();
    let parent: Option<&bodies::models::Host> = host.parent.as_deref();
    assert_eq!(parent.and_then(|p| p.name.as_deref()), Some("p"));
    let leader = host.group.as_deref().and_then(|g| g.leader.as_deref());
    assert_eq!(leader.and_then(|l| l.name.as_deref()), Some("l"));
    // The setters take the model itself.
    let built = bodies::models::Host::builder()
        .parent(bodies::models::Host::builder().name("p").build())
        .build();
    assert_eq!(
        built.parent.as_deref().and_then(|p| p.name.as_deref()),
        Some("p")
    );
}

#[tokio::test]
async fn response_headers_fill_output_fields() {
    let (c, _rec) = recording_with_headers::<response_headers::Client>(
        201,
        &[("x-subject-token", "tok-123"), ("x-token-ttl", "3600")],
        r#"{"expires_at":"2030-01-01T00:00:00Z","X-Subject-Token":"not-from-the-body"}"#,
    );
    let out = c.create_token().send().await.unwrap();
    assert_eq!(out.x_subject_token.as_deref(), Some("tok-123"));
    assert_eq!(out.ttl_seconds, Some(3600));
    assert_eq!(out.expires_at.as_deref(), Some("2030-01-01T00:00:00Z"));
    // Header fields are not part of the JSON body, either way.
    #[cfg(feature = "full-serde")]
    assert_eq!(
        serde_json::to_value(out.output()).unwrap(),
        serde_json::json!({"expires_at": "2030-01-01T00:00:00Z"})
    );
    let debug = format!("{:?}", out.output());
    assert!(!debug.contains("tok-123"), "{debug}");

    let (c, _rec) =
        recording_with_headers::<response_headers::Client>(204, &[("x-request-id", "req-9")], "");
    let out = c.reboot_server().server_id("s1").send().await.unwrap();
    assert_eq!(out.x_request_id.as_deref(), Some("req-9"));
    assert_eq!(out.status(), 204);

    // A JSON array beside a header: the output holds both.
    let (c, _rec) = recording_with_headers::<response_headers::Client>(
        200,
        &[("x-total", "2")],
        r#"[{"name":"main"},{"name":"dev"}]"#,
    );
    let out = c.list_branches().send().await.unwrap();
    assert_eq!(out.x_total, Some(2));
    let names: Vec<_> = out.body().iter().map(|b| b.name.as_deref()).collect();
    assert_eq!(names, [Some("main"), Some("dev")]);

    // A text body beside a header.
    let (c, _rec) = recording_with_headers::<response_headers::Client>(
        200,
        &[("location", "https://obs.example.com/t1")],
        "resources: {}\n",
    );
    let out = c
        .show_template_content()
        .template_id("t1")
        .send()
        .await
        .unwrap();
    assert_eq!(out.body.as_deref(), Some("resources: {}\n"));
    assert_eq!(out.location.as_deref(), Some("https://obs.example.com/t1"));

    // A header that does not parse as the declared type is a decode error naming it.
    let (c, _rec) =
        recording_with_headers::<response_headers::Client>(201, &[("x-token-ttl", "soon")], "{}");
    let err = c.create_token().send().await.unwrap_err();
    assert_eq!(err.kind(), huaweicloud_sdk_core::ErrorKind::Decode);
    assert!(err.to_string().contains("X-Token-Ttl"), "{err}");
}

#[tokio::test]
async fn secret_parameters_are_sent_but_never_shown() {
    let (c, rec) = recording::<secrets::Client>(200, "{}");
    let body = secrets::models::ValidateBody::builder()
        .auth(
            secrets::models::Auth::builder()
                .password("pw-secret")
                .signing_key("key-secret")
                .build(),
        )
        .build();
    let builder = c
        .validate_token()
        .x_subject_token("token-secret")
        .x_client_token("client-secret")
        .body(body);
    let debug = format!("{builder:?}");
    for secret in ["token-secret", "client-secret", "pw-secret", "key-secret"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    assert!(debug.contains("redacted"), "{debug}");
    builder.send().await.unwrap();
    assert_eq!(
        rec.header("X-Subject-Token").as_deref(),
        Some("token-secret")
    );
}

#[tokio::test]
async fn form_bodies_are_encoded_like_the_python_sdk() {
    use form_bodies::models::{AddFacesForm, SamlForm, SamlFormMode};
    let (c, rec) = recording::<form_bodies::Client>(204, "");
    let form = SamlForm::builder()
        .saml_response("PHNhbWw+ a+b")
        .ttl(60)
        .remember(true)
        .mode(SamlFormMode::Safe)
        .scopes(vec!["a".to_owned(), "b c".to_owned()])
        .build();
    c.create_token_by_saml().body(form).send().await.unwrap();
    let req = rec.last();
    assert_eq!(
        &req.body[..],
        b"SAMLResponse=PHNhbWw%2B+a%2Bb&ttl=60&remember=true&mode=safe&scopes=a&scopes=b+c"
    );
    assert_eq!(
        rec.header("Content-Type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        rec.header("X-Sdk-Content-Sha256").as_deref(),
        Some("UNSIGNED-PAYLOAD")
    );
    // The required body is required.
    let err = c.create_token_by_saml().send().await.unwrap_err();
    assert!(
        err.to_string().contains("missing required request body"),
        "{err}"
    );

    let (c, rec) = recording::<form_bodies::Client>(200, r#"{"face_set_id":"f"}"#);
    let form = AddFacesForm::builder()
        .image_file(
            form_bodies::FormFile::new("face.jpg", &b"\xff\xd8jpeg"[..])
                .with_content_type("image/jpeg"),
        )
        .external_image_id("e1")
        .single(false)
        .ratio(0.5)
        .build();
    let out = c
        .add_faces_by_file()
        .face_set_name("set")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(out.face_set_id.as_deref(), Some("f"));
    let ct = rec.header("Content-Type").unwrap();
    let boundary = ct
        .strip_prefix("multipart/form-data; boundary=")
        .expect("the boundary is in the content type");
    let expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"external_image_id\"\r\n\r\ne1\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"single\"\r\n\r\nfalse\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"ratio\"\r\n\r\n0.5\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"face.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n",
        b = boundary
    );
    let body = rec.last().body;
    assert!(
        body.starts_with(expected.as_bytes()),
        "{:?}",
        String::from_utf8_lossy(&body)
    );
    let end = [&b"\xff\xd8jpeg\r\n--"[..], boundary.as_bytes(), b"--\r\n"].concat();
    assert!(body.ends_with(&end), "{:?}", String::from_utf8_lossy(&body));
}

#[test]
fn enum_values_that_clash_with_generated_names_are_renamed() {
    use enum_clash::models::{ServerStatus, ShowServerState};
    assert_eq!(ServerStatus::from("UNKNOWN"), ServerStatus::UnknownValue);
    assert_eq!(ServerStatus::UnknownValue.as_str(), "UNKNOWN");
    assert_eq!(ServerStatus::from("Self"), ServerStatus::SelfValue);
    assert_eq!(
        ServerStatus::from("DELETED"),
        ServerStatus::Unknown("DELETED".into())
    );
    assert_eq!(
        ShowServerState::from("unknown"),
        ShowServerState::UnknownValue
    );
    let s: enum_clash::models::Server = serde_json::from_str(r#"{"status":"UNKNOWN"}"#).unwrap();
    assert_eq!(s.status, Some(ServerStatus::UnknownValue));
}

#[tokio::test]
async fn inline_enums_named_like_a_models_enum_get_their_own_name_or_share_an_equal_one() {
    use enum_clash::models::{
        ListTemplate, ListTemplateFileType, ListTemplateFileType2, ListTemplateFormat,
    };
    // The model's `file_type` (yaml, json, zip) came first; the query parameter's (yaml,
    // json) differs, so it is numbered. Both `format` enums are equal: one type.
    assert_eq!(ListTemplateFileType::from("zip").as_str(), "zip");
    assert_eq!(
        ListTemplateFileType2::from("zip"),
        ListTemplateFileType2::Unknown("zip".into())
    );
    let (c, rec) = recording::<enum_clash::Client>(200, r#"{"file_type":"zip","format":"long"}"#);
    let out: ListTemplate = c
        .list_template()
        .file_type(ListTemplateFileType2::Json)
        .format(ListTemplateFormat::Short)
        .send()
        .await
        .unwrap()
        .into_output();
    assert_eq!(out.file_type, Some(ListTemplateFileType::Zip));
    assert_eq!(out.format, Some(ListTemplateFormat::Long));
    assert!(
        rec.last()
            .url
            .ends_with("/templates?file_type=json&format=short"),
        "{}",
        rec.last().url
    );
}

#[tokio::test]
async fn marker_paging_follows_the_last_item_or_page_info() {
    use huaweicloud_sdk_core::pagination::StreamExt;
    // A full page, then a short one that ends the list: the second request's marker is the
    // first page's last id.
    let pages = Arc::new(Mutex::new(vec![
        r#"{"ports":[{"id":"c"}]}"#,
        r#"{"ports":[{"id":"a"},{"id":"b"}]}"#,
    ]));
    let (c, rec) = sequence::<pagination::Client>(pages);
    let mut ids = Vec::new();
    let mut items = c.list_ports_after_last_id().limit(2).by_item();
    while let Some(item) = items.next().await {
        ids.push(item.unwrap().id.unwrap());
    }
    assert_eq!(ids, ["a", "b", "c"]);
    let urls: Vec<String> = rec
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.url.clone())
        .collect();
    assert_eq!(
        urls,
        [
            "https://golden.example.com/v2/p/ports?limit=2",
            "https://golden.example.com/v2/p/ports?limit=2&marker=b",
        ]
    );
    // Without a page size, an empty page ends it.
    let pages = Arc::new(Mutex::new(vec![
        r#"{"ports":[]}"#,
        r#"{"ports":[{"id":"a"}]}"#,
    ]));
    let (c, rec) = sequence::<pagination::Client>(pages);
    let mut items = c.list_ports_after_last_id().by_item();
    while let Some(item) = items.next().await {
        item.unwrap();
    }
    assert_eq!(
        rec.last().url,
        "https://golden.example.com/v2/p/ports?marker=a"
    );

    let pages = Arc::new(Mutex::new(vec![
        r#"{"vpcs":[{"id":"y"}],"page_info":{"previous_marker":"y"}}"#,
        r#"{"vpcs":[{"id":"x"}],"page_info":{"next_marker":"m2"}}"#,
    ]));
    let (c, rec) = sequence::<pagination::Client>(pages);
    let mut ids = Vec::new();
    let mut items = c.list_vpcs_by_page_info().by_item();
    while let Some(item) = items.next().await {
        ids.push(item.unwrap().id.unwrap());
    }
    assert_eq!(ids, ["x", "y"]);
    let last = rec.last().url;
    assert_eq!(last, "https://golden.example.com/v3/p/vpcs?marker=m2");
}

/// Answers each request with the next body of `pages` (popped from the end).
#[derive(Debug)]
struct Sequence {
    requests: Mutex<Vec<HttpRequest>>,
    pages: Arc<Mutex<Vec<&'static str>>>,
}

impl Transport for Sequence {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        self.requests.lock().unwrap().push(request);
        let body = self.pages.lock().unwrap().pop().unwrap_or("{}");
        let response = HttpResponse::from_bytes(
            200,
            Default::default(),
            huaweicloud_sdk_core::Bytes::from_static(body.as_bytes()),
        );
        Box::pin(async move { Ok(response) })
    }
}

impl Sequence {
    fn last(&self) -> HttpRequest {
        self.requests
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a request")
    }
}

fn sequence<C: huaweicloud_sdk_core::ServiceClient>(
    pages: Arc<Mutex<Vec<&'static str>>>,
) -> (C, Arc<Sequence>) {
    let seq = Arc::new(Sequence {
        requests: Mutex::new(Vec::new()),
        pages,
    });
    let client = huaweicloud_sdk_core::ClientBuilder::<C>::new()
        .endpoint("https://golden.example.com")
        .credentials(
            huaweicloud_sdk_core::Credentials::new("ak", "sk")
                .unwrap()
                .with_project_id("p"),
        )
        .transport(seq.clone())
        .build()
        .unwrap();
    (client, seq)
}

/// Spec-declared waiters: the client shortcut takes the required parameters (an integer path
/// parameter, a required query parameter), polls until the nested enum state is a success
/// state; a POST read with an integer state compares its decimal text.
#[tokio::test]
async fn waiters_poll_until_the_declared_state() {
    use huaweicloud_sdk_core::Backoff;
    // Served from the end.
    let pages = Arc::new(Mutex::new(vec![
        r#"{"thing":{"state":"READY"}}"#,
        r#"{"thing":{"state":"CREATING"}}"#,
        r#"{}"#,
    ]));
    let (c, rec) = sequence::<waiters::Client>(pages);
    let out = c
        .wait_until_thing_ready(42, "az1")
        .delay(Backoff::None)
        .await
        .unwrap();
    let state = out.thing.as_ref().and_then(|t| t.state.as_ref());
    assert_eq!(state.map(|s| s.as_str()), Some("READY"));
    let urls: Vec<String> = rec
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.url.clone())
        .collect();
    assert_eq!(
        urls,
        ["https://golden.example.com/v1/p/things/42?zone=az1"; 3]
    );

    let pages = Arc::new(Mutex::new(vec![
        r#"{"progress":100}"#,
        r#"{"progress":50}"#,
    ]));
    let (c, rec) = sequence::<waiters::Client>(pages);
    let out = c
        .wait_until_job_done("j-1")
        .delay(Backoff::None)
        .await
        .unwrap();
    assert_eq!(out.progress, Some(100));
    assert_eq!(rec.requests.lock().unwrap().len(), 2);
    assert_eq!(rec.last().method.to_string(), "POST");

    // A failure state ends the wait at once and is named.
    let pages = Arc::new(Mutex::new(vec![r#"{"thing":{"state":"BROKEN"}}"#]));
    let (c, _) = sequence::<waiters::Client>(pages);
    let err = c
        .show_thing()
        .thing_id(7)
        .zone("az1")
        .wait_until_thing_ready()
        .await
        .unwrap_err();
    assert_eq!(err.last_state(), Some("BROKEN"));
    assert!(
        err.to_string().contains("WAITS ShowThing (thing_id=7)"),
        "{err}"
    );
}
