//! End-to-end load: the generated DCS client (`reset_acl_account_pass_word`, real signing,
//! reqwest, keep-alive) against a minimal hyper server on 127.0.0.1 that answers DCS's 200 body.
//!
//! ```text
//! e2e [--secs 3] [--warmup-ms 200] [--levels 1,16,64]   # prints one JSON document
//! e2e serve                                           # the server (started by the above)
//! ```
//!
//! The server runs in a child process (one thread, tokio current-thread runtime), so the
//! client's peak RSS (`VmHWM`) is the client's alone; client (2 tokio workers) and server share
//! the machine's cores. Each level runs `level` callers in a closed loop: a warm-up, then a
//! measured window; requests/s = completed calls / window, latency percentiles over all calls
//! completed in the window.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use huaweicloud_sdk_benches::{
    ACCOUNT_ID, AK, INSTANCE_ID, NEW_PASSWORD, OLD_PASSWORD, PROJECT_ID, RESPONSE_BODY, SK,
    peak_rss_kib,
};
use huaweicloud_sdk_core::Credentials;
use huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::json;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("serve") {
        serve()
    } else {
        run(&args)
    };
    if let Err(e) = result {
        eprintln!("e2e: {e}");
        std::process::exit(1);
    }
}

fn serve() -> Result<(), BoxError> {
    // Exit when the parent closes our stdin (or dies).
    std::thread::spawn(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
        std::process::exit(0);
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("PORT {}", listener.local_addr()?.port());
        let body = Bytes::from_static(RESPONSE_BODY.as_bytes());
        loop {
            let (stream, _) = listener.accept().await?;
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |_req| {
                    let body = body.clone();
                    async move {
                        hyper::Response::builder()
                            .status(200)
                            .header("Content-Type", "application/json")
                            .header("X-Request-Id", "bench-request-0001")
                            .body(Full::new(body))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    })
}

fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn run(args: &[String]) -> Result<(), BoxError> {
    let secs: f64 = arg(args, "--secs").unwrap_or("3").parse()?;
    let warmup_ms: u64 = arg(args, "--warmup-ms").unwrap_or("200").parse()?;
    let levels: Vec<usize> = arg(args, "--levels")
        .unwrap_or("1,16,64")
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;

    let mut server = Command::new(std::env::current_exe()?)
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let port = {
        let out = server.stdout.take().ok_or("server stdout")?;
        let mut line = String::new();
        BufReader::new(out).read_line(&mut line)?;
        line.trim()
            .strip_prefix("PORT ")
            .ok_or_else(|| format!("server said {line:?}"))?
            .parse::<u16>()?
    };
    let rss_before = peak_rss_kib();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = rt.block_on(async {
        let creds = Credentials::new(AK, SK)?.with_project_id(PROJECT_ID);
        let client = huaweicloud_sdk_dcs::Client::builder()
            .endpoint(format!("http://127.0.0.1:{port}"))
            .credentials(creds)
            .build()?;
        let mut out = Vec::new();
        for &level in &levels {
            out.push(run_level(&client, level, warmup_ms, secs).await?);
        }
        Ok::<_, BoxError>(out)
    });
    drop(server.stdin.take());
    let _ = server.wait();
    let levels = result?;
    let doc = json!({
        "secs_per_level": secs,
        "warmup_ms": warmup_ms,
        "client_worker_threads": 2,
        "server": "hyper 1 http/1.1 keep-alive, one tokio current-thread runtime, child process",
        "levels": levels,
        "client_peak_rss_kib_at_start": rss_before,
        "client_peak_rss_kib": peak_rss_kib(),
    });
    println!("{doc}");
    Ok(())
}

async fn run_level(
    client: &huaweicloud_sdk_dcs::Client,
    level: usize,
    warmup_ms: u64,
    secs: f64,
) -> Result<serde_json::Value, BoxError> {
    let start = Instant::now();
    let measure_from = start + Duration::from_millis(warmup_ms);
    let end = measure_from + Duration::from_secs_f64(secs);
    let body = Arc::new(
        AclAccountResetPasswordBody::builder()
            .old_password(OLD_PASSWORD)
            .new_password(NEW_PASSWORD)
            .build(),
    );
    let mut tasks = Vec::with_capacity(level);
    for _ in 0..level {
        let client = client.clone();
        let body = Arc::clone(&body);
        tasks.push(tokio::spawn(async move {
            let mut lat_ns: Vec<u64> = Vec::with_capacity(1 << 16);
            let mut errors = 0u64;
            let mut first_error = None;
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                let r = client
                    .reset_acl_account_pass_word()
                    .instance_id(INSTANCE_ID)
                    .account_id(ACCOUNT_ID)
                    .body((*body).clone())
                    .send()
                    .await;
                let t1 = Instant::now();
                if t0 < measure_from || t1 > end {
                    continue;
                }
                match r {
                    Ok(_) => lat_ns.push((t1 - t0).as_nanos() as u64),
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            (lat_ns, errors, first_error)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for t in tasks {
        let (l, e, f) = t.await?;
        all.extend(l);
        errors += e;
        if first_error.is_none() {
            first_error = f;
        }
    }
    all.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
        all[i] as f64 / 1000.0
    };
    Ok(json!({
        "concurrency": level,
        "requests": all.len(),
        "errors": errors,
        "first_error": first_error,
        "rps": all.len() as f64 / secs,
        "p50_us": pct(0.50),
        "p99_us": pct(0.99),
        "max_us": pct(1.0),
        "client_peak_rss_kib_after": peak_rss_kib(),
    }))
}
