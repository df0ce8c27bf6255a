//! Request-parity driver (`cargo xtask parity`, see `xtask/parity/README.md`).
//!
//! `parity-driver <samples.json> <server url> <results.json>`: for every sample, in order,
//! tells the recording server which operation comes next (`POST /__parity/next?side=rust&op=<id>`,
//! never signed or recorded), calls the operation through the generated crates with every
//! parameter and the body of the sample, and records `ok` plus the response re-encoded as JSON
//! (`serde_json::to_value` of the decoded output), or the error text. Plain http against
//! 127.0.0.1 only; retries are disabled so that each operation sends exactly one request.

#[rustfmt::skip]
mod dispatch;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

use huaweicloud_sdk_core::{
    ByteStream, Bytes, ClientBuilder, Credentials, Response, RetryPolicy, ServiceClient,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Fixed test credentials, shared with `xtask/parity/run.py`.
pub const AK: &str = "PARITYAK0000000000000";
pub const SK: &str = "paritysk0000000000000000000000000000000";
pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

/// The outcome of one operation: the re-encoded output.
pub type DriverResult = Result<Value, Box<dyn std::error::Error + Send + Sync>>;

/// One sample request, as written by `xtask/parity/samples.py`.
#[derive(Debug, Deserialize)]
pub struct Sample {
    pub id: String,
    #[serde(default)]
    path: Map<String, Value>,
    #[serde(default)]
    query: Map<String, Value>,
    #[serde(default)]
    header: Map<String, Value>,
    #[serde(default)]
    body: Option<Value>,
}

impl Sample {
    /// Sample value of path parameter `name` (wire name).
    pub fn path(&self, name: &str) -> Option<&Value> {
        self.path.get(name)
    }
    /// Sample value of query parameter `name` (wire name).
    pub fn query(&self, name: &str) -> Option<&Value> {
        self.query.get(name)
    }
    /// Sample value of header parameter `name` (wire name).
    pub fn header(&self, name: &str) -> Option<&Value> {
        self.header.get(name)
    }
    /// Sample request body.
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }
}

/// What every client is built with.
pub struct ClientConfig {
    pub endpoint: String,
}

/// A client of service `C` against the recording server, fixed credentials, no retries.
pub fn make_client<C: ServiceClient>(cfg: &ClientConfig) -> huaweicloud_sdk_core::Result<C> {
    ClientBuilder::<C>::new()
        .endpoint(cfg.endpoint.clone())
        .credentials(Credentials::new(AK, SK)?.with_project_id(PROJECT_ID))
        .retry(RetryPolicy::disabled())
        .build()
}

/// Output of an operation without a response body.
pub fn reencode_unit(_out: Response<()>) -> DriverResult {
    Ok(Value::Null)
}

/// A decoded JSON output, encoded again.
pub fn reencode_json<T: serde::Serialize>(out: Response<T>) -> DriverResult {
    Ok(serde_json::to_value(out.output())?)
}

/// A text body, as a JSON string.
pub fn reencode_bytes(out: Response<Bytes>) -> DriverResult {
    Ok(Value::String(
        String::from_utf8_lossy(out.output()).into_owned(),
    ))
}

/// A streamed body, collected, as a JSON string.
pub async fn reencode_stream(out: Response<ByteStream>) -> DriverResult {
    let bytes = out.into_output().collect().await?;
    Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

/// `POST /__parity/next?side=rust&op=<id>` to the recording server (plain HTTP/1.1).
fn announce(addr: &str, id: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(addr)?;
    write!(
        stream,
        "POST /__parity/next?side=rust&op={id} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    if reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200") {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "control endpoint refused {id}: {}",
            reply.lines().next().unwrap_or_default()
        )))
    }
}

fn run(args: &[String]) -> Result<usize, String> {
    let [samples_path, url, out_path] = args else {
        return Err(
            "usage: parity-driver <samples.json> <http://127.0.0.1:port> <results.json>".into(),
        );
    };
    let addr = url
        .strip_prefix("http://")
        .ok_or("the server URL must be http://127.0.0.1:<port>")?
        .trim_end_matches('/')
        .to_owned();
    if !addr.starts_with("127.0.0.1:") {
        return Err(format!("refusing non-loopback server {url}"));
    }
    let text = std::fs::read_to_string(samples_path).map_err(|e| format!("{samples_path}: {e}"))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{samples_path}: {e}"))?;
    let samples: Vec<Sample> = serde_json::from_value(doc["requests"].clone())
        .map_err(|e| format!("{samples_path}: requests: {e}"))?;
    let clients = dispatch::Clients::new(&ClientConfig {
        endpoint: url.trim_end_matches('/').to_owned(),
    })
    .map_err(|e| format!("building clients: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio: {e}"))?;
    let mut results = Map::new();
    let mut unknown = 0;
    for s in &samples {
        announce(&addr, &s.id).map_err(|e| format!("{}: {e}", s.id))?;
        let entry = match runtime.block_on(dispatch::dispatch(&clients, &s.id, s)) {
            None => {
                unknown += 1;
                json!({"ok": false, "error": "operation not generated"})
            }
            Some(Ok(v)) => json!({"ok": true, "response": v}),
            Some(Err(e)) => json!({"ok": false, "error": error_text(&*e)}),
        };
        results.insert(s.id.clone(), entry);
    }
    let out = json!({"operations": dispatch::OPERATIONS.len(), "results": results});
    let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
    std::fs::write(out_path, text + "\n").map_err(|e| format!("{out_path}: {e}"))?;
    Ok(unknown)
}

/// The error and its sources, one line.
fn error_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(n) => {
            eprintln!("parity-driver: {n} sample(s) name operations the crates do not have");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("parity-driver: {e}");
            ExitCode::FAILURE
        }
    }
}
