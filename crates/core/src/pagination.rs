//! Paging through list operations.
//!
//! Operations marked `x-huaweicloud-pagination` in the spec get two extra methods on their
//! request builder: `by_page()`, a stream of whole responses, and `by_item()`, a stream of the
//! listed items across all pages. Both start where the builder's own offset/page/marker says
//! (the first page when unset), keep every other parameter, and stop when
//!
//! - a page has no items,
//! - a page has fewer items than the page size the caller set (`limit`, `page_size`, ...),
//! - the position reaches the total the response reports (where the API reports one),
//! - (marker style) the response carries no next marker.
//!
//! A service that answers two consecutive requests with the same non-empty page (it ignores
//! the position parameter) ends the stream with an error instead of looping forever. Any
//! error (service, network, decode) is yielded once and ends the stream.
//!
//! ```no_run
//! # async fn example(request: impl huaweicloud_sdk_core::pagination::Paged<Item = String>) -> huaweicloud_sdk_core::Result<()> {
//! use huaweicloud_sdk_core::pagination::StreamExt;
//! let mut items = huaweicloud_sdk_core::pagination::by_item(request);
//! while let Some(item) = items.next().await {
//!     println!("{:?}", item?);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Generated code implements [`Paged`] per operation; the stepping rules live here once.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream;
pub use futures_util::stream::{Stream, StreamExt};

use crate::error::{Error, ErrorKind, Result};
use crate::response::Response;

/// A boxed stream of results, as returned by `by_page()` and `by_item()`.
pub type PageStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

/// What the position parameter of a paged operation means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// An item offset (`offset`): the next page starts at the offset plus the number of
    /// items just received; the first page is offset 0.
    ItemOffset,
    /// A page number (`page_no`): the next page is the number plus one; `first` is the number
    /// of the first page (1 for every Huawei Cloud API marked so far).
    PageNumber {
        /// Number of the first page.
        first: i64,
    },
    /// An opaque marker: the next page is asked for with the marker the response returned.
    Marker,
}

/// A position sent in the request's position parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// An item offset or a page number.
    Number(i64),
    /// A marker from the previous response.
    Marker(String),
}

impl Cursor {
    /// The position as an `i32` parameter value; `name` is the parameter, for the error.
    pub fn to_i32(&self, name: &str) -> Result<i32> {
        let n = self.to_i64(name)?;
        i32::try_from(n).map_err(|_| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("paging: position {n} does not fit query parameter `{name}` (i32)"),
            )
        })
    }

    /// The position as an `i64` parameter value; `name` is the parameter, for the error.
    pub fn to_i64(&self, name: &str) -> Result<i64> {
        match self {
            Cursor::Number(n) => Ok(*n),
            Cursor::Marker(_) => Err(Error::new(
                ErrorKind::InvalidRequest,
                format!("paging: query parameter `{name}` takes a number, not a marker"),
            )),
        }
    }

    /// The position as a marker parameter value; `name` is the parameter, for the error.
    pub fn to_marker(&self, name: &str) -> Result<String> {
        match self {
            Cursor::Marker(m) => Ok(m.clone()),
            Cursor::Number(_) => Err(Error::new(
                ErrorKind::InvalidRequest,
                format!("paging: query parameter `{name}` takes a marker, not a number"),
            )),
        }
    }
}

/// A request builder of a paged operation: the per-operation facts the paginator needs.
/// Implemented by generated code.
pub trait Paged: Clone + Send + 'static {
    /// The decoded response of one page.
    type Output: Send + 'static;
    /// One listed item.
    type Item: PartialEq + Clone + Send + 'static;

    /// `"<SERVICE> <OperationId>"`, for errors.
    fn operation(&self) -> &'static str;
    /// What the position parameter means.
    fn style(&self) -> PageStyle;
    /// The position the caller set, if any (`None`: start at the first page).
    fn start(&self) -> Option<Cursor>;
    /// The page size the caller set, if any (`None`: the service's default, unknown here).
    fn page_size(&self) -> Option<i64>;
    /// The same request at another position.
    fn with_cursor(self, cursor: &Cursor) -> Result<Self>;
    /// Sends one page request.
    fn send_page(self) -> impl Future<Output = Result<Response<Self::Output>>> + Send + 'static;
    /// The items of a page.
    fn items(output: &Self::Output) -> &[Self::Item];
    /// The items of a page, taken.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
    /// The total number of items the response reports, where the API has one.
    fn total(_output: &Self::Output) -> Option<i64> {
        None
    }
    /// The marker of the next page (marker style).
    fn next_marker(_output: &Self::Output) -> Option<&str> {
        None
    }
}

/// A page whose output type only the caller knows.
type ErasedPage = Response<Erased>;
type Erased = Box<dyn Any + Send>;
type PageFuture = Pin<Box<dyn Future<Output = Result<ErasedPage>> + Send>>;

/// [`Paged`] with its types erased: the stepping below is compiled once here, and per
/// operation only these small methods (a generic stream per operation was most of what a
/// paged operation cost to compile).
trait ErasedPaged: Send {
    fn operation(&self) -> &'static str;
    fn style(&self) -> PageStyle;
    fn start(&self) -> Option<Cursor>;
    fn page_size(&self) -> Option<i64>;
    /// Sends the request at `cursor`, or as the caller built it for `None`.
    fn send_at(&self, cursor: Option<&Cursor>) -> Result<PageFuture>;
    /// The number of items, the reported total and the next marker of a page.
    fn facts(&self, output: &Erased) -> PageFacts;
    /// A copy of the items of a page, for the repeat guard.
    fn snapshot(&self, output: &Erased) -> Erased;
    /// Whether the page has the same items as `snapshot`.
    fn repeats(&self, output: &Erased, snapshot: &Erased) -> bool;
}

struct PageFacts {
    count: i64,
    total: Option<i64>,
    next_marker: Option<String>,
}

struct Typed<P>(P);

impl<P: Paged> Typed<P> {
    fn items(output: &Erased) -> &[P::Item] {
        output
            .downcast_ref::<P::Output>()
            .map(P::items)
            .unwrap_or_default()
    }
}

impl<P: Paged> ErasedPaged for Typed<P> {
    fn operation(&self) -> &'static str {
        self.0.operation()
    }
    fn style(&self) -> PageStyle {
        self.0.style()
    }
    fn start(&self) -> Option<Cursor> {
        self.0.start()
    }
    fn page_size(&self) -> Option<i64> {
        self.0.page_size()
    }
    fn send_at(&self, cursor: Option<&Cursor>) -> Result<PageFuture> {
        let request = match cursor {
            Some(cursor) => self.0.clone().with_cursor(cursor)?,
            None => self.0.clone(),
        };
        let page = request.send_page();
        Ok(Box::pin(async move {
            page.await?.try_map(|output| Ok(Box::new(output) as Erased))
        }))
    }
    fn facts(&self, output: &Erased) -> PageFacts {
        let output = output.downcast_ref::<P::Output>();
        PageFacts {
            count: output.map_or(0, |o| P::items(o).len() as i64),
            total: output.and_then(P::total),
            next_marker: output.and_then(P::next_marker).map(str::to_owned),
        }
    }
    fn snapshot(&self, output: &Erased) -> Erased {
        Box::new(Self::items(output).to_vec())
    }
    fn repeats(&self, output: &Erased, snapshot: &Erased) -> bool {
        snapshot
            .downcast_ref::<Vec<P::Item>>()
            .is_some_and(|previous| previous.as_slice() == Self::items(output))
    }
}

/// Where the stream stands between pages.
struct State {
    request: Box<dyn ErasedPaged>,
    /// Position of the next request; `None` before the first one (sent as the caller built it).
    next: Option<Cursor>,
    done: bool,
    /// Items of the previous page (repeat guard).
    previous: Option<Erased>,
    /// Items received so far in this stream.
    received: i64,
}

/// Every page, starting at the request's position, as a stream of responses.
pub fn by_page<P: Paged>(request: P) -> PageStream<Response<P::Output>> {
    Box::pin(pages(Box::new(Typed(request))).map(typed_page::<P::Output>))
}

/// Every item of every page, starting at the request's position.
pub fn by_item<P: Paged>(request: P) -> PageStream<P::Item> {
    Box::pin(Items::<P> {
        pages: pages(Box::new(Typed(request))),
        buffer: Vec::new().into_iter(),
    })
}

fn typed_page<T: 'static>(page: Result<ErasedPage>) -> Result<Response<T>> {
    page?.downcast::<T>()
}

/// The items of the pages, one by one; a page's error is yielded once and ends the stream.
struct Items<P: Paged> {
    pages: PageStream<ErasedPage>,
    buffer: std::vec::IntoIter<P::Item>,
}

// Nothing here is pinned structurally: `pages` is boxed and the buffer moves freely.
impl<P: Paged> Unpin for Items<P> {}

impl<P: Paged> Stream for Items<P> {
    type Item = Result<P::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::task::ready!(self.pages.as_mut().poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(page) => match typed_page::<P::Output>(page) {
                    Ok(response) => {
                        self.buffer = P::into_items(response.into_output()).into_iter();
                    }
                    Err(e) => return Poll::Ready(Some(Err(e))),
                },
            }
        }
    }
}

/// The pages of `request`, untyped.
fn pages(request: Box<dyn ErasedPaged>) -> PageStream<ErasedPage> {
    let state = State {
        request,
        next: None,
        done: false,
        previous: None,
        received: 0,
    };
    Box::pin(stream::unfold(state, |mut state| async move {
        if state.done {
            return None;
        }
        let result = next_page(&mut state).await;
        if result.is_err() {
            state.done = true;
        }
        Some((result, state))
    }))
}

/// Sends the next request, decides whether another follows, and returns the page.
async fn next_page(state: &mut State) -> Result<ErasedPage> {
    // No borrow of the request lives across the await: the future stays `Send` without
    // requiring `Sync` of generated builders.
    let (send, current, operation, page_size) = {
        let request = &state.request;
        // The first request goes out as the caller built it; later ones at the new position.
        let send = request.send_at(state.next.as_ref())?;
        let current = state.next.take().or_else(|| request.start());
        (send, current, request.operation(), request.page_size())
    };
    let response = send.await?;
    let request = &state.request;
    let style = request.style();
    let PageFacts {
        count,
        total,
        next_marker,
    } = request.facts(response.output());
    if count > 0
        && state
            .previous
            .as_ref()
            .is_some_and(|previous| request.repeats(response.output(), previous))
    {
        return Err(Error::new(
            ErrorKind::Decode,
            format!(
                "{operation}: the service returned the same page again{}; stopping instead of \
                 looping (it may ignore the position parameter)",
                describe(current.as_ref())
            ),
        ));
    }
    state.received += count;
    let short_page = page_size.is_some_and(|size| count < size);
    let next = match style {
        PageStyle::ItemOffset => {
            let offset = number(current.as_ref()).unwrap_or(0);
            let next = offset.saturating_add(count);
            total
                .is_none_or(|t| next < t)
                .then_some(Cursor::Number(next))
        }
        PageStyle::PageNumber { first } => {
            let page = number(current.as_ref()).unwrap_or(first);
            // Items up to and including this page: exact when the caller fixed the page size.
            let through = match page_size {
                Some(size) => page
                    .saturating_sub(first)
                    .saturating_add(1)
                    .saturating_mul(size),
                None if current.is_none() || page == first => state.received,
                None => i64::MIN,
            };
            total
                .is_none_or(|t| through < t)
                .then_some(Cursor::Number(page + 1))
        }
        PageStyle::Marker => next_marker
            .filter(|m| !m.is_empty())
            .map(Cursor::Marker)
            .filter(|m| Some(m) != current.as_ref()),
    };
    match next {
        Some(next) if count > 0 && !short_page => {
            state.previous = Some(request.snapshot(response.output()));
            state.next = Some(next);
        }
        _ => state.done = true,
    }
    Ok(response)
}

fn number(cursor: Option<&Cursor>) -> Option<i64> {
    match cursor {
        Some(Cursor::Number(n)) => Some(*n),
        _ => None,
    }
}

fn describe(cursor: Option<&Cursor>) -> String {
    match cursor {
        Some(Cursor::Number(n)) => format!(" at position {n}"),
        // Markers are opaque service data; not echoed into errors.
        Some(Cursor::Marker(_)) => " for the next marker".to_owned(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde::Deserialize;
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

    use super::*;
    use crate::__codegen::{Method, OperationInput, OperationSpec, RegionSpec, ServiceSpec};
    use crate::credentials::Credentials;
    use crate::test_util::RecordingSleeper;

    static SERVICE: ServiceSpec = ServiceSpec {
        name: "TEST",
        regions: &[RegionSpec {
            id: "cn-north-4",
            endpoints: &["https://test.cn-north-4.myhuaweicloud.com"],
        }],
    };
    static LIST_THINGS: OperationSpec = OperationSpec {
        service: "TEST",
        name: "ListThings",
        method: Method::Get,
        path: "/v1/{project_id}/things",
        content_type: None,
        idempotent: true,
        secrets: &[],
    };

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    struct Thing {
        id: i64,
    }

    #[derive(Debug, Clone, Deserialize)]
    struct ThingsPage {
        things: Option<Vec<Thing>>,
        total: Option<i64>,
        next_marker: Option<String>,
    }

    /// A hand-written stand-in for a generated builder; the query names follow `style`.
    #[derive(Clone)]
    struct ListThings {
        client: crate::Client,
        style: PageStyle,
        position: Option<Cursor>,
        limit: Option<i64>,
    }

    impl ListThings {
        fn position_param(&self) -> &'static str {
            match self.style {
                PageStyle::ItemOffset => "offset",
                PageStyle::PageNumber { .. } => "page_no",
                PageStyle::Marker => "marker",
            }
        }
    }

    impl Paged for ListThings {
        type Output = ThingsPage;
        type Item = Thing;
        fn operation(&self) -> &'static str {
            "TEST ListThings"
        }
        fn style(&self) -> PageStyle {
            self.style
        }
        fn start(&self) -> Option<Cursor> {
            self.position.clone()
        }
        fn page_size(&self) -> Option<i64> {
            self.limit
        }
        fn with_cursor(mut self, cursor: &Cursor) -> Result<Self> {
            self.position = Some(cursor.clone());
            Ok(self)
        }
        async fn send_page(self) -> Result<Response<ThingsPage>> {
            let mut input = OperationInput::new(&LIST_THINGS);
            let name = self.position_param();
            match &self.position {
                Some(Cursor::Number(n)) => input.query(name, n),
                Some(Cursor::Marker(m)) => input.query(name, m),
                None => &mut input,
            };
            input.query("limit", &self.limit);
            self.client.send_json(input).await
        }
        fn items(output: &ThingsPage) -> &[Thing] {
            output.things.as_deref().unwrap_or_default()
        }
        fn into_items(output: ThingsPage) -> Vec<Thing> {
            output.things.unwrap_or_default()
        }
        fn total(output: &ThingsPage) -> Option<i64> {
            output.total
        }
        fn next_marker(output: &ThingsPage) -> Option<&str> {
            output.next_marker.as_deref()
        }
    }

    /// Serves `items` ids 0..items in slices, like the real APIs, and can misbehave.
    struct Catalogue {
        items: i64,
        /// Page size when the request has no `limit`.
        default_limit: i64,
        with_total: bool,
        /// Ignore the position parameter (always the first page).
        ignore_position: bool,
        /// Answer this request number (1-based) with a 400 error.
        fail_on: Option<usize>,
        seen: Arc<std::sync::atomic::AtomicUsize>,
    }

    fn catalogue(items: i64) -> Catalogue {
        Catalogue {
            items,
            default_limit: 10,
            with_total: false,
            ignore_position: false,
            fail_on: None,
            seen: Arc::default(),
        }
    }

    impl Respond for Catalogue {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let n = self.seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            if self.fail_on == Some(n) {
                return ResponseTemplate::new(400)
                    .set_body_json(json!({"error_code": "TEST.0400", "error_msg": "bad page"}));
            }
            let q = |name: &str| {
                request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.into_owned())
            };
            let limit = q("limit")
                .and_then(|v| v.parse().ok())
                .unwrap_or(self.default_limit);
            let start = if self.ignore_position {
                0
            } else if let Some(o) = q("offset") {
                o.parse().unwrap_or(0)
            } else if let Some(p) = q("page_no") {
                (p.parse::<i64>().unwrap_or(1) - 1) * limit
            } else if let Some(m) = q("marker") {
                m.trim_start_matches("m-").parse().unwrap_or(0)
            } else {
                0
            };
            let end = (start + limit).min(self.items);
            let things: Vec<_> = (start..end.max(start))
                .map(|id| json!({"id": id}))
                .collect();
            let mut body = json!({ "things": things });
            if self.with_total {
                body["total"] = json!(self.items);
            }
            if end < self.items {
                body["next_marker"] = json!(format!("m-{end}"));
            }
            ResponseTemplate::new(200).set_body_json(body)
        }
    }

    async fn serve(catalogue: Catalogue) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/p/things"))
            .respond_with(catalogue)
            .mount(&server)
            .await;
        server
    }

    fn request(server: &MockServer, style: PageStyle, limit: Option<i64>) -> ListThings {
        let client = crate::Client::builder(&SERVICE)
            .endpoint(server.uri())
            .credentials(
                Credentials::new("AKTEST", "SKTEST")
                    .expect("credentials")
                    .with_project_id("p"),
            )
            .sleeper(Arc::new(RecordingSleeper::new()))
            .build_core()
            .expect("client");
        ListThings {
            client,
            style,
            position: None,
            limit,
        }
    }

    /// The query strings the server saw, in order (only the paging parameters).
    async fn queries(server: &MockServer) -> Vec<String> {
        let mut out = Vec::new();
        for r in server.received_requests().await.unwrap_or_default() {
            let mut pairs: Vec<String> = r
                .url
                .query_pairs()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            pairs.sort();
            out.push(pairs.join("&"));
        }
        out
    }

    async fn ids(stream: PageStream<Thing>) -> Vec<i64> {
        stream
            .map(|r| r.expect("item").id)
            .collect::<Vec<_>>()
            .await
    }

    #[tokio::test]
    async fn item_offsets_advance_by_items_and_stop_on_a_short_page() {
        let server = serve(catalogue(25)).await;
        let got = ids(by_item(request(&server, PageStyle::ItemOffset, Some(10)))).await;
        assert_eq!(got, (0..25).collect::<Vec<_>>());
        assert_eq!(
            queries(&server).await,
            ["limit=10", "limit=10&offset=10", "limit=10&offset=20"]
        );
    }

    #[tokio::test]
    async fn without_a_limit_an_empty_page_ends_the_stream() {
        let server = serve(catalogue(20)).await;
        let got = ids(by_item(request(&server, PageStyle::ItemOffset, None))).await;
        assert_eq!(got.len(), 20);
        // Page size unknown: 10 and 10 are not short, the empty third page ends it.
        assert_eq!(queries(&server).await, ["", "offset=10", "offset=20"]);
    }

    #[tokio::test]
    async fn a_reported_total_saves_the_final_empty_request() {
        let server = serve(Catalogue {
            with_total: true,
            ..catalogue(20)
        })
        .await;
        let pages: Vec<_> = by_page(request(&server, PageStyle::ItemOffset, None))
            .collect()
            .await;
        assert_eq!(pages.len(), 2);
        assert!(pages.iter().all(Result::is_ok));
        assert_eq!(queries(&server).await, ["", "offset=10"]);
    }

    #[tokio::test]
    async fn a_caller_offset_is_the_start() {
        let server = serve(catalogue(25)).await;
        let mut req = request(&server, PageStyle::ItemOffset, Some(10));
        req.position = Some(Cursor::Number(15));
        let got = ids(by_item(req)).await;
        assert_eq!(got, (15..25).collect::<Vec<_>>());
        assert_eq!(
            queries(&server).await,
            ["limit=10&offset=15", "limit=10&offset=25"]
        );
    }

    #[tokio::test]
    async fn page_numbers_advance_by_one_from_the_first_page() {
        let server = serve(Catalogue {
            with_total: true,
            ..catalogue(30)
        })
        .await;
        let got = ids(by_item(request(
            &server,
            PageStyle::PageNumber { first: 1 },
            Some(10),
        )))
        .await;
        assert_eq!(got, (0..30).collect::<Vec<_>>());
        // The total (30) is reached on page 3: no fourth request.
        assert_eq!(
            queries(&server).await,
            ["limit=10", "limit=10&page_no=2", "limit=10&page_no=3"]
        );
    }

    #[tokio::test]
    async fn markers_are_followed_until_the_response_has_none() {
        let server = serve(catalogue(7)).await;
        let got = ids(by_item(request(&server, PageStyle::Marker, Some(3)))).await;
        assert_eq!(got, (0..7).collect::<Vec<_>>());
        assert_eq!(
            queries(&server).await,
            ["limit=3", "limit=3&marker=m-3", "limit=3&marker=m-6"]
        );
    }

    #[tokio::test]
    async fn a_repeated_page_ends_the_stream_with_an_error() {
        let server = serve(Catalogue {
            ignore_position: true,
            ..catalogue(100)
        })
        .await;
        let results: Vec<_> = by_page(request(&server, PageStyle::ItemOffset, Some(10)))
            .collect()
            .await;
        assert_eq!(results.len(), 2, "one page, then the error");
        assert!(results[0].is_ok());
        let err = results[1].as_ref().expect_err("repeat detected");
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(
            err.to_string().contains(
                "TEST ListThings: the service returned the same page again at position 10"
            ),
            "{err}"
        );
        assert_eq!(server.received_requests().await.map(|r| r.len()), Some(2));
    }

    #[tokio::test]
    async fn an_error_mid_stream_is_yielded_once_and_ends_it() {
        let server = serve(Catalogue {
            fail_on: Some(2),
            ..catalogue(100)
        })
        .await;
        let results: Vec<_> = by_item(request(&server, PageStyle::ItemOffset, Some(10)))
            .collect()
            .await;
        assert_eq!(results.len(), 11, "ten items, then the error");
        assert!(results[..10].iter().all(Result::is_ok));
        let err = results[10].as_ref().expect_err("service error");
        assert_eq!(err.kind(), ErrorKind::Service);
        assert_eq!(err.status(), Some(400));
        assert_eq!(server.received_requests().await.map(|r| r.len()), Some(2));
    }

    #[test]
    fn cursors_convert_or_say_which_parameter_is_wrong() {
        assert_eq!(Cursor::Number(7).to_i32("offset").ok(), Some(7));
        let too_big = Cursor::Number(i64::from(i32::MAX) + 1)
            .to_i32("offset")
            .expect_err("overflow");
        assert_eq!(too_big.kind(), ErrorKind::InvalidRequest);
        assert!(too_big.to_string().contains("`offset`"), "{too_big}");
        assert!(Cursor::Marker("m".into()).to_i64("offset").is_err());
        assert!(Cursor::Number(1).to_marker("marker").is_err());
        assert_eq!(
            Cursor::Marker("m".into())
                .to_marker("marker")
                .ok()
                .as_deref(),
            Some("m")
        );
    }
}
