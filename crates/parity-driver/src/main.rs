//! Request-parity driver (`cargo xtask parity`, see `xtask/parity/README.md`).
//!
//! `parity-driver <samples.json> <server url> <results.json>`: for every sample, in order,
//! tells the recording server which sample comes next (`POST /__parity/next?side=rust&op=<id>`,
//! never signed or recorded), calls the operation through the generated crates' public API
//! (builders and setters with typed values, see `dispatch.rs` and [`conv`]), and records the
//! outcome: status, headers and the response re-encoded as JSON (`serde_json::to_value` of the
//! decoded output), or the error (with the parsed service error fields), or why the sample
//! could not be expressed. Plain http against 127.0.0.1 only; retries are disabled so that
//! each sample sends exactly one request.

// The generated dispatch uses the helpers the specs' types need, not necessarily all.
#[allow(dead_code)]
mod conv;
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

use conv::{R, SampleError};

/// Fixed test credentials, shared with `xtask/parity/run.py`.
pub const AK: &str = "PARITYAK0000000000000";
pub const SK: &str = "paritysk0000000000000000000000000000000";
pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
/// The domain (account) id of global services' requests.
pub const DOMAIN_ID: &str = "fedcba9876543210fedcba9876543210";

/// Why a sample produced no response.
pub enum DriverError {
    /// The sample cannot be expressed through the generated API (see [`conv`]).
    Sample(SampleError),
    /// The SDK returned an error.
    Sdk(huaweicloud_sdk_core::Error),
}

impl From<SampleError> for DriverError {
    fn from(e: SampleError) -> Self {
        Self::Sample(e)
    }
}

/// The outcome of one sample: status, headers and re-encoded output, or the error.
pub type Outcome = Result<Value, DriverError>;

/// One sample request, as written by `xtask/parity/samples.py`.
#[derive(Debug, Deserialize)]
pub struct Sample {
    /// `<service>.<python name>@<variant>`.
    pub id: String,
    /// `<service>.<python name>`.
    pub op: String,
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
    fn location(&self, loc: &str) -> &Map<String, Value> {
        match loc {
            "path" => &self.path,
            "query" => &self.query,
            _ => &self.header,
        }
    }

    /// Parameter `name` (wire name) in `loc` (`path`, `query`, `header`) and its pointer.
    pub fn param(&self, loc: &str, name: &str) -> Option<(&Value, String)> {
        self.location(loc)
            .get(name)
            .map(|v| (v, format!("/{loc}/{name}")))
    }

    /// The request body and its pointer.
    pub fn body(&self) -> Option<(&Value, String)> {
        self.body.as_ref().map(|v| (v, "/body".to_owned()))
    }

    /// Every parameter the sample sets is one the operation has (`path`, `query`,
    /// `header`: wire names), and a body only if it takes one.
    pub fn check(&self, path: &[&str], query: &[&str], header: &[&str], body: bool) -> R<()> {
        for (loc, known) in [("path", path), ("query", query), ("header", header)] {
            if let Some(k) = self
                .location(loc)
                .keys()
                .find(|k| !known.contains(&k.as_str()))
            {
                return Err(SampleError(format!(
                    "/{loc}/{k}: the official SDK sends a parameter the generated operation does not have"
                )));
            }
        }
        if self.body.is_some() && !body {
            return Err(SampleError(
                "/body: the official SDK sends a body the generated operation does not take".into(),
            ));
        }
        Ok(())
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
        // Both ids: the client's credential scope picks the header (X-Project-Id or X-Domain-Id).
        .credentials(
            Credentials::new(AK, SK)?
                .with_project_id(PROJECT_ID)
                .with_domain_id(DOMAIN_ID),
        )
        .retry(RetryPolicy::disabled())
        .build()
}

/// Status, request id and headers of a response, with `output` as `response`.
fn success<T>(out: &Response<T>, output: Value) -> Value {
    let mut headers = Map::new();
    for (name, value) in out.headers() {
        headers.insert(
            name.as_str().to_owned(),
            Value::String(String::from_utf8_lossy(value.as_bytes()).into_owned()),
        );
    }
    json!({
        "status": out.status(),
        "request_id": out.request_id(),
        "headers": headers,
        "response": output,
    })
}

/// Outcome of an operation without a response body (`null`).
pub fn unit_outcome(r: huaweicloud_sdk_core::Result<Response<()>>) -> Outcome {
    let out = r.map_err(DriverError::Sdk)?;
    Ok(success(&out, Value::Null))
}

/// Outcome of an operation whose output holds only response-header fields (no body: `null`).
pub fn headers_outcome<T>(r: huaweicloud_sdk_core::Result<Response<T>>) -> Outcome {
    let out = r.map_err(DriverError::Sdk)?;
    Ok(success(&out, Value::Null))
}

/// Adds the output fields filled from response headers (`{<header>: <text>}`), compared with
/// the headers served.
pub fn with_header_fields(outcome: Outcome, fields: Option<Value>) -> Outcome {
    let mut result = outcome?;
    result["header_fields"] = fields.unwrap_or(Value::Null);
    Ok(result)
}

/// A decoded JSON output, encoded again, and how many enum values it decoded as `Unknown`:
/// re-encoding alone would hide an enum variant with a wrong wire literal (the value decodes
/// as `Unknown("value")` and is written back unchanged).
pub fn json_outcome<T: serde::Serialize + std::fmt::Debug>(
    r: huaweicloud_sdk_core::Result<Response<T>>,
) -> Outcome {
    json_body_outcome(r, |output| output)
}

/// [`json_outcome`] of the part of the output that holds the decoded body (`body` of an
/// output that wraps a non-object body beside response headers).
pub fn json_body_outcome<T, B: serde::Serialize + std::fmt::Debug>(
    r: huaweicloud_sdk_core::Result<Response<T>>,
    body: impl FnOnce(&T) -> &B,
) -> Outcome {
    let out = r.map_err(DriverError::Sdk)?;
    let part = body(out.output());
    let value = serde_json::to_value(part)
        .map_err(|e| DriverError::Sample(SampleError(format!("re-encoding the output: {e}"))))?;
    let unknown = format!("{part:?}").matches("Unknown(\"").count();
    let mut result = success(&out, value);
    result["unknown_enum_values"] = json!(unknown);
    Ok(result)
}

/// A text body, as a JSON string.
pub fn bytes_outcome(r: huaweicloud_sdk_core::Result<Response<Bytes>>) -> Outcome {
    let out = r.map_err(DriverError::Sdk)?;
    let text = String::from_utf8_lossy(out.output()).into_owned();
    Ok(success(&out, Value::String(text)))
}

/// A streamed body (`body` takes it from the output), collected, as a JSON string.
pub async fn stream_outcome<T>(
    r: huaweicloud_sdk_core::Result<Response<T>>,
    body: impl FnOnce(T) -> ByteStream,
) -> Outcome {
    let out = r.map_err(DriverError::Sdk)?;
    let head = success(&out, Value::Null);
    let bytes = body(out.into_output())
        .collect()
        .await
        .map_err(DriverError::Sdk)?;
    let mut head = head;
    head["response"] = Value::String(String::from_utf8_lossy(&bytes).into_owned());
    Ok(head)
}

/// The result entry of one sample in `results.json`.
fn entry(outcome: Option<Outcome>) -> Value {
    match outcome {
        None => json!({"ok": false, "kind": "driver", "error": "operation not generated"}),
        Some(Ok(mut v)) => {
            v["ok"] = Value::Bool(true);
            v
        }
        Some(Err(DriverError::Sample(e))) => json!({"ok": false, "kind": "sample", "error": e.0}),
        Some(Err(DriverError::Sdk(e))) => {
            let service = e.service_error().map(|s| {
                json!({
                    "status": s.status,
                    "request_id": s.request_id,
                    "error_code": s.error_code,
                    "error_msg": s.error_msg,
                    "encoded_authorization_message": s.encoded_authorization_message,
                })
            });
            json!({
                "ok": false,
                "kind": e.kind().to_string(),
                "error": error_text(&e),
                "service_error": service,
            })
        }
    }
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
        let outcome = runtime.block_on(dispatch::dispatch(&clients, s));
        unknown += usize::from(outcome.is_none());
        results.insert(s.id.clone(), entry(outcome));
    }
    let out = json!({"operations": dispatch::operations(), "results": results});
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
