//! Runs one fixture N times, for instruction counts under callgrind:
//!
//! ```text
//! valgrind --tool=callgrind probe <sign|floor|prepare> <iterations>
//! ```
//!
//! `cargo xtask bench` runs it with 1 and 1 + N iterations and divides the difference by N,
//! so set-up (fixture checks, TLS configuration of the client) is not counted.

use std::hint::black_box;

use huaweicloud_sdk_benches::{BODY, Floor, PrepareFixture, SignFixture};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!("usage: probe <sign|floor|prepare> <iterations>");
    std::process::exit(2)
}
