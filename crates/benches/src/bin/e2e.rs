//! End-to-end load against a minimal hyper server on 127.0.0.1 that answers DCS's 200 body:
//! the generated DCS client (`reset_acl_account_pass_word`, real signing, our hyper-based
//! transport, keep-alive) interleaved with two floors sending the same signed bytes: plain
//! reqwest, and hyper's client under it (see `huaweicloud_sdk_benches::loopback`).
//!
//! ```text
//! e2e [--secs 3] [--warmup-ms 200] [--levels 1,16,64] [--rounds 3]   # one JSON document
//! e2e soak [--minutes 10] [--callers 64]                            # RSS each minute, JSON
//! e2e cpu [--rounds 20] [--calls 2000]                              # client CPU per call, JSON
//! e2e serve                                                         # the server (child)
//! ```
//!
//! The server runs in a child process (one thread, tokio current-thread runtime); client
//! (2 tokio workers) and server share the machine's cores. Each level runs `level` callers in a
//! closed loop, ours and the floors in turn: a warm-up of each, then `rounds` rounds of
//! `secs / rounds` seconds per side, the side going first rotating, so all see the same
//! machine load. requests/s = completed calls / measured time; latency percentiles over all
//! calls completed in the measured windows.
//!
//! `cpu` measures what throughput on a busy machine only hints at: the client's own CPU time
//! per call (user and system, from `/proc/thread-self/schedstat`), one caller on a
//! current-thread runtime, ours and the floors in rotating rounds; the lowest and the median
//! round of each side are reported.

use std::time::{Duration, Instant};

use huaweicloud_sdk_benches::loopback::{
    Bare, BareHyper, BoxError, Ours, SERVE_ARG, Server, serve,
};
use huaweicloud_sdk_benches::peak_rss_kib;
use serde_json::{Value, json};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some(SERVE_ARG) => serve(),
        Some("soak") => soak(&args[1..]),
        Some("cpu") => cpu(&args[1..]),
        _ => run(&args),
    };
    if let Err(e) = result {
        eprintln!("e2e: {e}");
        std::process::exit(1);
    }
}

fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// The client side of one measurement.
#[derive(Clone)]
enum Side {
    Ours(Ours),
    Bare(Box<Bare>),
    BareHyper(Box<BareHyper>),
}

impl Side {
    fn name(&self) -> &'static str {
        match self {
            Side::Ours(_) => "ours",
            Side::Bare(_) => "bare",
            Side::BareHyper(_) => "bare_hyper",
        }
    }

    async fn call(&self) -> Result<(), String> {
        match self {
            Side::Ours(o) => o.call().await,
            Side::Bare(b) => b.call().await,
            Side::BareHyper(b) => b.call().await,
        }
    }
}

fn client_runtime() -> Result<tokio::runtime::Runtime, BoxError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

fn run(args: &[String]) -> Result<(), BoxError> {
    let secs: f64 = arg(args, "--secs").unwrap_or("3").parse()?;
    let warmup_ms: u64 = arg(args, "--warmup-ms").unwrap_or("200").parse()?;
    let rounds: u32 = arg(args, "--rounds").unwrap_or("3").parse::<u32>()?.max(1);
    let levels: Vec<usize> = arg(args, "--levels")
        .unwrap_or("1,16,64")
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;

    let server = Server::spawn()?;
    let rss_before = peak_rss_kib();
    let rt = client_runtime()?;
    let levels = rt.block_on(async {
        let sides = [
            Side::Ours(Ours::new(&server.endpoint())?),
            Side::Bare(Box::new(Bare::new(&server.endpoint())?)),
            Side::BareHyper(Box::new(BareHyper::new(&server.endpoint())?)),
        ];
        let mut out = Vec::new();
        for &level in &levels {
            out.push(run_level(&sides, level, warmup_ms, secs, rounds).await?);
        }
        Ok::<_, BoxError>(out)
    })?;
    drop(server);
    let doc = json!({
        "secs_per_level": secs,
        "rounds": rounds,
        "warmup_ms": warmup_ms,
        "client_worker_threads": 2,
        "server": "hyper 1 http/1.1 keep-alive, one tokio current-thread runtime, child process",
        "floor": "plain reqwest 0.13 sending the same signed URL, headers and body, prepared once, reading the whole body",
        "floor_hyper": "hyper-util's pooled client (the HTTP client under reqwest and under our transport) sending the same request, prepared once, reading the whole body",
        "levels": levels,
        "client_peak_rss_kib_at_start": rss_before,
        "client_peak_rss_kib": peak_rss_kib(),
        "load_average_at_end": load_average(),
    });
    println!("{doc}");
    Ok(())
}

/// What one side did at one level, over all its rounds.
#[derive(Default)]
struct Tally {
    lat_ns: Vec<u64>,
    secs: f64,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn add(&mut self, (lat, errors, first): (Vec<u64>, u64, Option<String>), secs: f64) {
        self.lat_ns.extend(lat);
        self.secs += secs;
        self.errors += errors;
        if self.first_error.is_none() {
            self.first_error = first;
        }
    }

    fn rps(&self) -> f64 {
        if self.secs > 0.0 {
            self.lat_ns.len() as f64 / self.secs
        } else {
            0.0
        }
    }

    fn summary(&mut self) -> Value {
        self.lat_ns.sort_unstable();
        let all = &self.lat_ns;
        let pct = |p: f64| -> f64 {
            if all.is_empty() {
                return 0.0;
            }
            let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
            all[i] as f64 / 1000.0
        };
        json!({
            "requests": all.len(),
            "errors": self.errors,
            "first_error": self.first_error,
            "rps": self.rps(),
            "p50_us": pct(0.50),
            "p99_us": pct(0.99),
            "max_us": pct(1.0),
        })
    }
}

async fn run_level(
    sides: &[Side; 3],
    level: usize,
    warmup_ms: u64,
    secs: f64,
    rounds: u32,
) -> Result<Value, BoxError> {
    let warmup = Duration::from_millis(warmup_ms);
    for side in sides {
        closed_loop(side, level, warmup, Duration::ZERO).await?;
    }
    let window = Duration::from_secs_f64(secs / f64::from(rounds));
    let mut tallies = [Tally::default(), Tally::default(), Tally::default()];
    for round in 0..rounds {
        for i in rotation(round as usize) {
            let r = closed_loop(&sides[i], level, Duration::ZERO, window).await?;
            tallies[i].add(r, window.as_secs_f64());
        }
    }
    let ratio = |floor: &Tally| {
        if floor.rps() > 0.0 {
            tallies[0].rps() / floor.rps()
        } else {
            0.0
        }
    };
    let (over_bare, over_hyper) = (ratio(&tallies[1]), ratio(&tallies[2]));
    let [mut ours, mut bare, mut bare_hyper] = tallies;
    Ok(json!({
        "concurrency": level,
        sides[0].name(): ours.summary(),
        sides[1].name(): bare.summary(),
        sides[2].name(): bare_hyper.summary(),
        "ours_over_bare": over_bare,
        "ours_over_bare_hyper": over_hyper,
        "client_peak_rss_kib_after": peak_rss_kib(),
    }))
}

/// The order of the three sides in round `round`: each goes first in turn.
fn rotation(round: usize) -> [usize; 3] {
    [round % 3, (round + 1) % 3, (round + 2) % 3]
}

/// `level` callers of `side` in a closed loop: calls that start after `skip` and end within
/// `window` after it are measured. Returns latencies, errors and the first error.
async fn closed_loop(
    side: &Side,
    level: usize,
    skip: Duration,
    window: Duration,
) -> Result<(Vec<u64>, u64, Option<String>), BoxError> {
    let (lat, _, errors, first) = closed_loop_with(side, level, skip, window, true).await?;
    Ok((lat, errors, first))
}

/// [`closed_loop`], keeping latencies only when `keep_latencies` (a soak only counts, so
/// its own memory stays flat). Returns latencies, successful calls, errors, first error.
async fn closed_loop_with(
    side: &Side,
    level: usize,
    skip: Duration,
    window: Duration,
    keep_latencies: bool,
) -> Result<(Vec<u64>, u64, u64, Option<String>), BoxError> {
    let start = Instant::now();
    let measure_from = start + skip;
    let end = measure_from + window;
    let mut tasks = Vec::with_capacity(level);
    for _ in 0..level {
        let side = side.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat_ns: Vec<u64> = Vec::with_capacity(if keep_latencies { 1 << 14 } else { 0 });
            let mut ok = 0u64;
            let mut errors = 0u64;
            let mut first_error = None;
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                let r = side.call().await;
                let t1 = Instant::now();
                if t0 < measure_from || t1 > end {
                    continue;
                }
                match r {
                    Ok(()) => {
                        ok += 1;
                        if keep_latencies {
                            lat_ns.push((t1 - t0).as_nanos() as u64);
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
            }
            (lat_ns, ok, errors, first_error)
        }));
    }
    let mut all = Vec::new();
    let mut ok = 0;
    let mut errors = 0;
    let mut first_error = None;
    for t in tasks {
        let (l, o, e, f) = t.await?;
        all.extend(l);
        ok += o;
        errors += e;
        if first_error.is_none() {
            first_error = f;
        }
    }
    Ok((all, ok, errors, first_error))
}

/// Our client alone at `callers` for `minutes`, the client's resident set size (`VmRSS`)
/// printed each minute: memory must stay flat under sustained load.
fn soak(args: &[String]) -> Result<(), BoxError> {
    let minutes: u64 = arg(args, "--minutes").unwrap_or("10").parse()?;
    let callers: usize = arg(args, "--callers").unwrap_or("64").parse()?;
    let server = Server::spawn()?;
    let rt = client_runtime()?;
    let points = rt.block_on(async {
        let side = Side::Ours(Ours::new(&server.endpoint())?);
        let mut points = vec![json!({"minute": 0, "rss_kib": rss_kib(), "requests": 0})];
        for minute in 1..=minutes {
            let (_, requests, errors, first_error) = closed_loop_with(
                &side,
                callers,
                Duration::ZERO,
                Duration::from_secs(60),
                false,
            )
            .await?;
            let point = json!({
                "minute": minute,
                "rss_kib": rss_kib(),
                "requests": requests,
                "errors": errors,
                "first_error": first_error,
                "load_average": load_average(),
            });
            eprintln!("soak: {point}");
            points.push(point);
        }
        Ok::<_, BoxError>(points)
    })?;
    drop(server);
    println!(
        "{}",
        json!({"callers": callers, "minutes": minutes, "points": points, "client_peak_rss_kib": peak_rss_kib()})
    );
    Ok(())
}

/// CPU time per call of each side, one caller on this thread, in alternating rounds.
fn cpu(args: &[String]) -> Result<(), BoxError> {
    let rounds: usize = arg(args, "--rounds").unwrap_or("20").parse()?;
    let calls: u32 = arg(args, "--calls").unwrap_or("2000").parse()?;
    let server = Server::spawn()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let per_call_ns = rt.block_on(async {
        let sides = [
            Side::Ours(Ours::new(&server.endpoint())?),
            Side::Bare(Box::new(Bare::new(&server.endpoint())?)),
            Side::BareHyper(Box::new(BareHyper::new(&server.endpoint())?)),
        ];
        // Warm-up: connections, allocator, caches.
        for side in &sides {
            for _ in 0..calls.min(500) {
                side.call().await?;
            }
        }
        let mut per_call_ns = [Vec::new(), Vec::new(), Vec::new()];
        for round in 0..rounds {
            for i in rotation(round) {
                let before = thread_cpu_ns().ok_or("no /proc/thread-self/schedstat")?;
                for _ in 0..calls {
                    sides[i].call().await?;
                }
                let after = thread_cpu_ns().ok_or("no /proc/thread-self/schedstat")?;
                per_call_ns[i].push(after.saturating_sub(before) as f64 / f64::from(calls));
            }
        }
        Ok::<_, BoxError>(per_call_ns)
    })?;
    drop(server);
    let summary = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        json!({"min_ns": v.first(), "median_ns": v.get(v.len() / 2)})
    };
    let [ours, bare, bare_hyper] = per_call_ns;
    let ours = summary(ours);
    let bare = summary(bare);
    let bare_hyper = summary(bare_hyper);
    let ratio = |floor: &Value, key: &str| match (ours[key].as_f64(), floor[key].as_f64()) {
        (Some(o), Some(b)) if b > 0.0 => Some(o / b),
        _ => None,
    };
    println!(
        "{}",
        json!({
            "rounds": rounds,
            "calls_per_round": calls,
            "ours": ours,
            "bare": bare,
            "bare_hyper": bare_hyper,
            "ours_over_bare_min": ratio(&bare, "min_ns"),
            "ours_over_bare_median": ratio(&bare, "median_ns"),
            "ours_over_bare_hyper_min": ratio(&bare_hyper, "min_ns"),
            "ours_over_bare_hyper_median": ratio(&bare_hyper, "median_ns"),
            "load_average_at_end": load_average(),
        })
    );
    Ok(())
}

/// CPU time of this thread so far (user and system), in ns.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Current resident set size (`VmRSS`), in KiB.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn load_average() -> Option<String> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}
