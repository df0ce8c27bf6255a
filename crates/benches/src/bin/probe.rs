//! Runs one fixture N times, for instruction counts under callgrind:
//!
//! ```text
//! valgrind --tool=callgrind probe <sign|floor|prepare|pipeline|call|bare|bare-hyper> <iterations>
//! ```
//!
//! `cargo xtask bench` runs it with 1 and 1 + N iterations and divides the difference by N,
//! so set-up (fixture checks, TLS configuration of the client, the first connection) is not
//! counted. `call` is one whole call of our DCS client against the loopback server (a child
//! process, not traced), `bare` the floor sending the same bytes with plain reqwest,
//! `bare-hyper` the same with hyper's client (under reqwest and our transport); all run one
//! caller on a current-thread runtime, so the counts are the client's own work. `pipeline` is
//! our call over a transport that answers at once: the SDK's own work, no socket.

use std::hint::black_box;

use huaweicloud_sdk_benches::loopback::{
    Bare, BareHyper, BoxError, Ours, SERVE_ARG, Server, serve,
};
use huaweicloud_sdk_benches::{BODY, Floor, PrepareFixture, RESPONSE_BODY, SignFixture};
use huaweicloud_sdk_core::transport::{
    BoxFuture, HttpRequest, HttpResponse, Transport, TransportError,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(SERVE_ARG) {
        if let Err(e) = serve() {
            eprintln!("serve: {e}");
            std::process::exit(1);
        }
        return;
    }
    let (what, n) = match args.as_slice() {
        [w, n] => match n.parse::<u64>() {
            Ok(n) => (w.as_str(), n),
            Err(_) => usage(),
        },
        _ => usage(),
    };
    match what {
        "sign" => {
            let f = SignFixture::new();
            for _ in 0..n {
                black_box(black_box(&f).sign());
            }
        }
        "floor" => {
            let f = Floor::new();
            for _ in 0..n {
                black_box(black_box(&f).sign(black_box(BODY.as_bytes())));
            }
        }
        "prepare" => {
            let f = match PrepareFixture::new() {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("fixture: {e}");
                    std::process::exit(1)
                }
            };
            for _ in 0..n {
                let _ = black_box(black_box(&f).prepare());
            }
        }
        "pipeline" => {
            if let Err(e) = pipeline(n) {
                eprintln!("pipeline: {e}");
                std::process::exit(1)
            }
        }
        "call" | "bare" | "bare-hyper" => {
            if let Err(e) = loopback(what, n) {
                eprintln!("{what}: {e}");
                std::process::exit(1)
            }
        }
        _ => usage(),
    }
}

/// `n` sequential calls of ours (`call`) or the floor (`bare`) against the loopback server.
fn loopback(what: &str, n: u64) -> Result<(), BoxError> {
    let server = Server::spawn()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        if what == "call" {
            let ours = Ours::new(&server.endpoint())?;
            for _ in 0..n {
                black_box(&ours).call().await?;
            }
        } else if what == "bare-hyper" {
            let bare = BareHyper::new(&server.endpoint())?;
            for _ in 0..n {
                black_box(&bare).call().await?;
            }
        } else {
            let bare = Bare::new(&server.endpoint())?;
            for _ in 0..n {
                black_box(&bare).call().await?;
            }
        }
        Ok::<_, BoxError>(())
    })
}

/// `n` calls of our DCS client over a transport that answers at once with DCS's 200: the
/// SDK's own work per call (building, signing, retry wrapper, decoding) without a socket.
fn pipeline(n: u64) -> Result<(), BoxError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let ours = Ours::with_transport(std::sync::Arc::new(Canned))?;
        for _ in 0..n {
            black_box(&ours).call().await?;
        }
        Ok::<_, BoxError>(())
    })
}

/// Answers every request with DCS's 200 at once.
#[derive(Debug)]
struct Canned;

impl Transport for Canned {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        black_box(request);
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        headers.insert(
            "x-request-id",
            http::HeaderValue::from_static("bench-request-0001"),
        );
        let body = bytes::Bytes::from_static(RESPONSE_BODY.as_bytes());
        Box::pin(async move { Ok(HttpResponse::from_bytes(200, headers, body)) })
    }
}

fn usage() -> ! {
    eprintln!("usage: probe <sign|floor|prepare|pipeline|call|bare|bare-hyper> <iterations>");
    std::process::exit(2)
}
