//! Runs one fixture N times, for instruction counts under callgrind:
//!
//! ```text
//! valgrind --tool=callgrind probe <sign|floor|prepare|call|bare> <iterations>
//! ```
//!
//! `cargo xtask bench` runs it with 1 and 1 + N iterations and divides the difference by N,
//! so set-up (fixture checks, TLS configuration of the client, the first connection) is not
//! counted. `call` is one whole call of our DCS client against the loopback server (a child
//! process, not traced), `bare` the floor sending the same bytes with plain reqwest; both
//! run one caller on a current-thread runtime, so the counts are the client's own work.

use std::hint::black_box;

use huaweicloud_sdk_benches::loopback::{Bare, BoxError, Ours, SERVE_ARG, Server, serve};
use huaweicloud_sdk_benches::{BODY, Floor, PrepareFixture, SignFixture};

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
        "call" | "bare" => {
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
        } else {
            let bare = Bare::new(&server.endpoint())?;
            for _ in 0..n {
                black_box(&bare).call().await?;
            }
        }
        Ok::<_, BoxError>(())
    })
}

fn usage() -> ! {
    eprintln!("usage: probe <sign|floor|prepare|call|bare> <iterations>");
    std::process::exit(2)
}
