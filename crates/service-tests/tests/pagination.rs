//! `by_page()` / `by_item()` of generated clients end to end, one test per paging style the
//! specs use, against a local catalogue server on 127.0.0.1 that slices a fixed list by the
//! request's position and page size. The tests assert the request sequence the server saw
//! and the items the stream yields. (No operation of the four services pages by marker; the
//! marker style is covered by core's unit tests and the golden fixture.)

use huaweicloud_sdk_core::Credentials;
use huaweicloud_sdk_core::pagination::StreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// How the server reads the position and wraps a page.
#[derive(Clone, Copy)]
enum Shape {
    /// `offset`/`limit`, items in `field`, the total in `instance_num` (DCS `ListInstances`).
    Offset { field: &'static str },
    /// `offset`/`limit` (as strings), items in `topics` with `total` (Kafka `ListInstanceTopics`).
    OffsetWithTotal,
    /// `page_no`/`page_size` from 1, items in `result.data`, `result.total_records`
    /// (CodeArts Artifact `ListMavenUser`).
    Page,
}

struct Catalogue {
    items: usize,
    shape: Shape,
}

impl Respond for Catalogue {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let q = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let (start, size) = match self.shape {
            Shape::Page => {
                let size = q("page_size").unwrap_or(10);
                (q("page_no").unwrap_or(1).saturating_sub(1) * size, size)
            }
            _ => (q("offset").unwrap_or(0), q("limit").unwrap_or(10)),
        };
        let end = (start + size).min(self.items);
        let ids: Vec<String> = (start.min(end)..end)
            .map(|i| format!("id-{i:03}"))
            .collect();
        let body = match self.shape {
            Shape::Offset { field } => {
                let items: Vec<Value> = ids.iter().map(|id| json!({ field: id })).collect();
                json!({ "instance_num": self.items, "instances": items })
            }
            Shape::OffsetWithTotal => {
                let items: Vec<Value> = ids.iter().map(|id| json!({ "name": id })).collect();
                json!({ "total": self.items, "size": items.len(), "topics": items })
            }
            Shape::Page => {
                let items: Vec<Value> = ids.iter().map(|id| json!({ "domain_id": id })).collect();
                json!({
                    "status": "success",
                    "result": { "total_records": self.items, "data": items }
                })
            }
        };
        ResponseTemplate::new(200)
            .set_body_json(body)
            .insert_header("X-Request-Id", "req-page")
    }
}

async fn catalogue(route: &str, items: usize, shape: Shape) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(Catalogue { items, shape })
        .mount(&server)
        .await;
    server
}

fn builder<C: huaweicloud_sdk_core::ServiceClient>(
    server: &MockServer,
) -> huaweicloud_sdk_core::ClientBuilder<C> {
    huaweicloud_sdk_core::ClientBuilder::<C>::new()
        .endpoint(server.uri())
        .credentials(
            Credentials::new("AKTEST", "SKTEST")
                .unwrap()
                .with_project_id("proj"),
        )
}

/// The paging parameters of every request the server saw, in order (`name=value` pairs,
/// sorted, other parameters left out).
async fn paging_queries(server: &MockServer, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for r in server.received_requests().await.unwrap() {
        let mut pairs: Vec<String> = r
            .url
            .query_pairs()
            .filter(|(k, _)| names.contains(&k.as_ref()))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.sort();
        out.push(pairs.join("&"));
    }
    out
}

fn expected_ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("id-{i:03}")).collect()
}

#[tokio::test]
async fn dcs_list_instances_pages_by_item_offset_until_a_short_page() {
    let server = catalogue(
        "/v2/proj/instances",
        25,
        Shape::Offset {
            field: "instance_id",
        },
    )
    .await;
    let client: huaweicloud_sdk_dcs::Client = builder(&server).build().unwrap();
    let ids: Vec<String> = client
        .list_instances()
        .status("RUNNING")
        .limit(10)
        .by_item()
        .map(|item| item.unwrap().instance_id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, expected_ids(0..25));
    assert_eq!(
        paging_queries(&server, &["offset", "limit", "status"]).await,
        [
            "limit=10&status=RUNNING",
            "limit=10&offset=10&status=RUNNING",
            "limit=10&offset=20&status=RUNNING",
        ]
    );
}

#[tokio::test]
async fn dcs_list_instances_stops_at_instance_num_without_asking_for_an_empty_page() {
    let server = catalogue(
        "/v2/proj/instances",
        4,
        Shape::Offset {
            field: "instance_id",
        },
    )
    .await;
    let client: huaweicloud_sdk_dcs::Client = builder(&server).build().unwrap();
    let ids: Vec<String> = client
        .list_instances()
        .limit(2)
        .by_item()
        .map(|item| item.unwrap().instance_id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, expected_ids(0..4));
    // Two full pages reach `instance_num` (4): no third request for an empty page.
    assert_eq!(
        paging_queries(&server, &["offset", "limit"]).await,
        ["limit=2", "limit=2&offset=2"]
    );
}

#[tokio::test]
async fn kafka_topics_page_by_string_offsets_and_stop_at_the_total() {
    let server = catalogue(
        "/v2/proj/instances/inst-1/topics",
        20,
        Shape::OffsetWithTotal,
    )
    .await;
    let client: huaweicloud_sdk_kafka::Client = builder(&server).build().unwrap();
    let pages: Vec<_> = client
        .list_instance_topics()
        .instance_id("inst-1")
        .offset("5")
        .limit("5")
        .by_page()
        .collect()
        .await;
    // Offsets 5, 10, 15: the third page reaches the total (20), so no fourth request.
    assert_eq!(pages.len(), 3);
    let names: Vec<String> = pages
        .into_iter()
        .flat_map(|page| page.unwrap().into_output().topics.unwrap())
        .map(|t| t.name.unwrap())
        .collect();
    assert_eq!(names, expected_ids(5..20));
    assert_eq!(
        paging_queries(&server, &["offset", "limit"]).await,
        ["limit=5&offset=5", "limit=5&offset=10", "limit=5&offset=15"]
    );
}

#[tokio::test]
async fn codeartsartifact_maven_users_page_by_page_number_inside_result() {
    let server = catalogue("/cloudartifact/v5/repositories/users", 7, Shape::Page).await;
    let client: huaweicloud_sdk_codeartsartifact::Client = builder(&server).build().unwrap();
    let ids: Vec<String> = client
        .list_maven_user()
        .page_size(3)
        .by_item()
        .map(|user| user.unwrap().domain_id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, expected_ids(0..7));
    // Pages 1, 2, 3 (1 item: short), numbered from the first page.
    assert_eq!(
        paging_queries(&server, &["page_no", "page_size"]).await,
        [
            "page_size=3",
            "page_no=2&page_size=3",
            "page_no=3&page_size=3"
        ]
    );
}

#[tokio::test]
async fn a_service_error_mid_stream_ends_it_after_the_pages_before() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/proj/instances"))
        .respond_with(move |request: &Request| {
            if request.url.query().unwrap_or("").contains("offset=2") {
                ResponseTemplate::new(403)
                    .set_body_json(json!({"error_code": "DCS.4030", "error_msg": "no permission"}))
            } else {
                ResponseTemplate::new(200).set_body_json(
                    json!({"instances": [{"instance_id": "a"}, {"instance_id": "b"}]}),
                )
            }
        })
        .mount(&server)
        .await;
    let client: huaweicloud_sdk_dcs::Client = builder(&server).build().unwrap();
    let results: Vec<_> = client.list_instances().limit(2).by_item().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[..2].iter().all(Result::is_ok));
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.error_code(), Some("DCS.4030"));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
