//! The loopback set-up shared by the end-to-end benchmark (`e2e`) and the instruction probe
//! (`probe call|bare`): a minimal hyper server in a child process on 127.0.0.1, our generated
//! DCS client, and the bare floor of the same HTTP stack.
//!
//! The floor is a plain `reqwest::Client` sending the bytes our client sends (URL, headers
//! with the signature, body), prepared once: no building, no signing, no decoding, no retry
//! wrapper, only what every request over reqwest and hyper costs. Ours / floor is therefore
//! what the SDK adds on top of its HTTP stack.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use huaweicloud_sdk_core::Credentials;
use huaweicloud_sdk_core::transport::HttpRequest;
use huaweicloud_sdk_dcs::models::AclAccountResetPasswordBody;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

use crate::{
    ACCOUNT_ID, AK, INSTANCE_ID, NEW_PASSWORD, OLD_PASSWORD, PROJECT_ID,
    RESET_ACL_ACCOUNT_PASS_WORD, RESPONSE_BODY, SK,
};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The argument that makes a bench binary run [`serve`] instead of its own work.
pub const SERVE_ARG: &str = "serve";

/// Serves DCS's 200 answer on an ephemeral 127.0.0.1 port (printed as `PORT <n>` on stdout)
/// from one current-thread tokio runtime, until stdin closes.
pub fn serve() -> Result<(), BoxError> {
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

/// The server child process; stopped (stdin closed, waited for) on drop.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    /// Starts `current_exe serve` and reads its port.
    pub fn spawn() -> Result<Self, BoxError> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg(SERVE_ARG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let out = child.stdout.take().ok_or("server stdout")?;
        let mut line = String::new();
        BufReader::new(out).read_line(&mut line)?;
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .ok_or_else(|| format!("server said {line:?}"))?
            .parse::<u16>()?;
        Ok(Self { child, port })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Our side: the generated DCS client as an application builds it, and the request body.
#[derive(Clone)]
pub struct Ours {
    client: huaweicloud_sdk_dcs::Client,
    body: Arc<AclAccountResetPasswordBody>,
}

impl Ours {
    pub fn new(endpoint: &str) -> huaweicloud_sdk_core::Result<Self> {
        Self::from_builder(huaweicloud_sdk_dcs::Client::builder().endpoint(endpoint))
    }

    /// Ours over `transport` instead of the network (`probe pipeline`).
    pub fn with_transport(
        transport: Arc<dyn huaweicloud_sdk_core::transport::Transport>,
    ) -> huaweicloud_sdk_core::Result<Self> {
        Self::from_builder(
            huaweicloud_sdk_dcs::Client::builder()
                .endpoint("http://127.0.0.1:9")
                .transport(transport),
        )
    }

    fn from_builder(
        builder: huaweicloud_sdk_core::ClientBuilder<huaweicloud_sdk_dcs::Client>,
    ) -> huaweicloud_sdk_core::Result<Self> {
        let creds = Credentials::new(AK, SK)?.with_project_id(PROJECT_ID);
        let client = builder.credentials(creds).build()?;
        let body = Arc::new(
            AclAccountResetPasswordBody::builder()
                .old_password(OLD_PASSWORD)
                .new_password(NEW_PASSWORD)
                .build(),
        );
        Ok(Self { client, body })
    }

    /// One whole call: build, sign, send, decode.
    pub async fn call(&self) -> Result<(), String> {
        self.client
            .reset_acl_account_pass_word()
            .instance_id(INSTANCE_ID)
            .account_id(ACCOUNT_ID)
            .body((*self.body).clone())
            .send()
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// The floor: bare reqwest with the request our client sends, prepared once.
#[derive(Clone)]
pub struct Bare {
    client: reqwest::Client,
    method: reqwest::Method,
    url: reqwest::Url,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
}

/// The request our client sends to `endpoint` (signed; the signature stays valid for a run:
/// the server does not check it), with its headers as a `HeaderMap`.
fn prepared_request(endpoint: &str) -> Result<(HttpRequest, http::HeaderMap), BoxError> {
    let creds = Credentials::new(AK, SK)?.with_project_id(PROJECT_ID);
    let core = huaweicloud_sdk_dcs::Client::builder()
        .endpoint(endpoint)
        .credentials(creds.clone())
        .build()?
        .core()
        .clone();
    let mut input =
        huaweicloud_sdk_core::__codegen::OperationInput::new(&RESET_ACL_ACCOUNT_PASS_WORD);
    input.path("instance_id", Some(INSTANCE_ID));
    input.path("account_id", Some(ACCOUNT_ID));
    input.required_json_body(Some(
        &AclAccountResetPasswordBody::builder()
            .old_password(OLD_PASSWORD)
            .new_password(NEW_PASSWORD)
            .build(),
    ))?;
    let request = core.prepare(&input, &creds)?.request;
    let mut headers = http::HeaderMap::new();
    for (k, v) in &request.headers {
        headers.append(
            http::HeaderName::from_bytes(k.as_bytes())?,
            http::HeaderValue::from_str(v)?,
        );
    }
    Ok((request, headers))
}

impl Bare {
    /// Prepares our client's request for `endpoint` once and a reqwest client configured like
    /// ours (rustls with ring, no redirects, no proxy).
    pub fn new(endpoint: &str) -> Result<Self, BoxError> {
        let (request, headers) = prepared_request(endpoint)?;
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()?;
        Ok(Self {
            client,
            method: request.method,
            url: reqwest::Url::parse(&request.url)?,
            headers,
            body: request.body,
        })
    }

    /// One request: send the prepared bytes, read the whole body, check the status.
    pub async fn call(&self) -> Result<(), String> {
        let resp = self
            .client
            .request(self.method.clone(), self.url.clone())
            .headers(self.headers.clone())
            .body(self.body.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(|e| e.to_string())?;
        if status.is_success() && !body.is_empty() {
            Ok(())
        } else {
            Err(format!("HTTP {status}, {} body bytes", body.len()))
        }
    }
}

/// A second floor, below reqwest: hyper's pooled client (the one our transport is built on,
/// and reqwest too) sending the same prepared request. Ours / this is what the SDK adds on
/// top of hyper itself.
#[derive(Clone)]
pub struct BareHyper {
    client: hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        Full<Bytes>,
    >,
    request: HttpRequest,
    uri: http::Uri,
    headers: http::HeaderMap,
}

impl BareHyper {
    pub fn new(endpoint: &str) -> Result<Self, BoxError> {
        let (request, mut headers) = prepared_request(endpoint)?;
        // reqwest and our transport add it; so the bytes sent are the same.
        headers.append(http::header::ACCEPT, http::HeaderValue::from_static("*/*"));
        let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
        connector.set_nodelay(true);
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(connector);
        Ok(Self {
            client,
            uri: request.url.parse()?,
            request,
            headers,
        })
    }

    /// One request: send the prepared bytes, read the whole body, check the status.
    pub async fn call(&self) -> Result<(), String> {
        use http_body_util::BodyExt;
        let mut req = http::Request::new(Full::new(self.request.body.clone()));
        *req.method_mut() = self.request.method.clone();
        *req.uri_mut() = self.uri.clone();
        *req.headers_mut() = self.headers.clone();
        let resp = self.client.request(req).await.map_err(|e| e.to_string())?;
        let status = resp.status();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        if status.is_success() && !body.is_empty() {
            Ok(())
        } else {
            Err(format!("HTTP {status}, {} body bytes", body.len()))
        }
    }
}
