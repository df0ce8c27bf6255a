//! Proxy and custom root certificates of the built-in transport, against stand-ins on
//! 127.0.0.1: a forward proxy that records what it receives, and a TLS server whose
//! certificate is issued at test time by a throwaway CA.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use huaweicloud_sdk_core::__codegen::{Method, OperationInput};
use huaweicloud_sdk_core::transport::{HyperTransport, Proxy, TransportOptions};
use huaweicloud_sdk_core::{Client, Credentials, ErrorKind, RetryPolicy};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use support::{TEST_SERVICE, expect_err, op};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SK: &str = "proxySecretKey0000000000000000000000000SK";
const PROXY_PASSWORD: &str = "p@ss:w0rd!";
/// base64("proxyuser:p@ss:w0rd!")
const PROXY_BASIC: &str = "Basic cHJveHl1c2VyOnBAc3M6dzByZCE=";

fn credentials() -> Credentials {
    Credentials::new("AKPROXY0000000000001", SK)
        .unwrap()
        .with_project_id("proj")
}

fn get_things() -> OperationInput {
    OperationInput::new(op(Method::Get, "/v2/{project_id}/things", None, true))
}

/// Reads one request head (up to the blank line).
async fn read_head<S: AsyncReadExt + Unpin>(stream: &mut S) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// A forward proxy stand-in: records each request head; answers plain requests with
/// `200 {}` and refuses `CONNECT` tunnels with 403.
#[derive(Clone, Default)]
struct ProxyStandIn {
    heads: Arc<Mutex<Vec<String>>>,
}

impl ProxyStandIn {
    async fn start() -> (Self, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let me = Self::default();
        let heads = me.heads.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let heads = heads.clone();
                tokio::spawn(async move {
                    let head = read_head(&mut sock).await;
                    let connect = head.starts_with("CONNECT ");
                    heads.lock().unwrap().push(head);
                    let reply: &[u8] = if connect {
                        b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n"
                    } else {
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}"
                    };
                    let _ = sock.write_all(reply).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        (me, port)
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[tokio::test]
async fn http_requests_go_through_the_proxy_with_its_credentials() {
    let (proxy, port) = ProxyStandIn::start().await;
    // The endpoint is never resolved: the proxy receives the absolute-form request.
    let c = Client::builder(&TEST_SERVICE)
        .endpoint("http://service.test")
        .proxy(format!("http://127.0.0.1:{port}"))
        .proxy_credentials("proxyuser", PROXY_PASSWORD)
        .credentials(credentials())
        .retry(RetryPolicy::disabled())
        .build_core()
        .unwrap();
    c.send_empty(get_things()).await.unwrap();
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    assert!(
        heads[0].starts_with("GET http://service.test/v2/proj/things HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
    assert_eq!(header(&heads[0], "proxy-authorization"), Some(PROXY_BASIC));
    assert_eq!(header(&heads[0], "host"), Some("service.test"));
    assert!(header(&heads[0], "authorization").is_some());
}

#[tokio::test]
async fn credentials_in_the_proxy_url_are_percent_decoded() {
    let (proxy, port) = ProxyStandIn::start().await;
    let c = Client::builder(&TEST_SERVICE)
        .endpoint("http://service.test")
        .proxy(format!(
            "http://proxyuser:p%40ss%3Aw0rd%21@127.0.0.1:{port}"
        ))
        .credentials(credentials())
        .retry(RetryPolicy::disabled())
        .build_core()
        .unwrap();
    c.send_empty(get_things()).await.unwrap();
    assert_eq!(
        header(&proxy.heads()[0], "proxy-authorization"),
        Some(PROXY_BASIC)
    );
}

#[tokio::test]
async fn a_proxy_without_credentials_sends_no_proxy_authorization() {
    let (proxy, port) = ProxyStandIn::start().await;
    let c = Client::builder(&TEST_SERVICE)
        .endpoint("http://service.test")
        .proxy(format!("http://127.0.0.1:{port}"))
        .credentials(credentials())
        .build_core()
        .unwrap();
    c.send_empty(get_things()).await.unwrap();
    let heads = proxy.heads();
    assert!(
        heads[0].starts_with("GET http://service.test/"),
        "{}",
        heads[0]
    );
    assert_eq!(header(&heads[0], "proxy-authorization"), None);
}

#[tokio::test]
async fn https_endpoints_are_tunnelled_through_the_proxy() {
    let (proxy, port) = ProxyStandIn::start().await;
    let c = Client::builder(&TEST_SERVICE)
        .endpoint("https://service.test")
        .proxy(format!("http://127.0.0.1:{port}"))
        .proxy_credentials("proxyuser", PROXY_PASSWORD)
        .credentials(credentials())
        .retry(RetryPolicy::disabled())
        .build_core()
        .unwrap();
    // The stand-in refuses the tunnel: the call fails before anything reached the service.
    let e = expect_err(c.send_empty(get_things()).await);
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    let heads = proxy.heads();
    assert!(
        heads[0].starts_with("CONNECT service.test:443 HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
    assert_eq!(header(&heads[0], "proxy-authorization"), Some(PROXY_BASIC));
    for text in [e.to_string(), format!("{e:?}")] {
        assert!(!text.contains(PROXY_PASSWORD), "{text}");
    }
}

#[tokio::test]
async fn an_unreachable_proxy_is_a_connect_error_without_the_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = Client::builder(&TEST_SERVICE)
        .endpoint("http://service.test")
        .proxy(format!(
            "http://proxyuser:p%40ss%3Aw0rd%21@127.0.0.1:{port}"
        ))
        .credentials(credentials())
        .retry(RetryPolicy::disabled())
        .build_core()
        .unwrap();
    let e = expect_err(c.send_empty(get_things()).await);
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    for text in [e.to_string(), format!("{e:?}"), format!("{c:?}")] {
        assert!(!text.contains(PROXY_PASSWORD), "{text}");
        assert!(!text.contains("p%40ss"), "{text}");
    }
}

#[test]
fn proxy_settings_print_without_the_password() {
    let builder = Client::builder(&TEST_SERVICE)
        .endpoint("http://service.test")
        .proxy("http://proxyuser:p%40ss%3Aw0rd%21@127.0.0.1:3128");
    assert_eq!(
        format!("{builder:?}"),
        "ClientBuilder { service: \"DCS\", region: None, endpoints: [\"http://service.test\"], credentials: None, proxy: \"http://proxyuser:** redacted **@127.0.0.1:3128\", .. }"
    );
    let builder = Client::builder(&TEST_SERVICE)
        .endpoint("http://service.test")
        .proxy("http://127.0.0.1:3128")
        .proxy_credentials("proxyuser", PROXY_PASSWORD);
    assert_eq!(
        format!("{builder:?}"),
        "ClientBuilder { service: \"DCS\", region: None, endpoints: [\"http://service.test\"], credentials: None, proxy: \"http://127.0.0.1:3128\", proxy_credentials: (\"proxyuser\", \"** redacted **\"), .. }"
    );
    assert!(!format!("{builder:#?}").contains(PROXY_PASSWORD));

    let proxy = Proxy::parse("http://proxyuser:p%40ss%3Aw0rd%21@127.0.0.1:3128").unwrap();
    assert_eq!(
        format!("{proxy:?}"),
        "Proxy { url: \"http://127.0.0.1:3128\", username: Some(\"proxyuser\"), password: Some(\"** redacted **\") }"
    );
    assert_eq!(proxy.to_string(), "http://127.0.0.1:3128");
    let transport = HyperTransport::with_options(
        &TransportOptions::new(Duration::from_secs(1)).proxy(proxy.clone()),
    )
    .unwrap();
    assert_eq!(
        format!("{transport:?}"),
        "HyperTransport { proxy: Some(Proxy { url: \"http://127.0.0.1:3128\", username: Some(\"proxyuser\"), password: Some(\"** redacted **\") }), extra_root_certificates: 0, root_certificates_only: false }"
    );
    let options = TransportOptions::new(Duration::from_secs(1)).proxy(proxy);
    assert!(!format!("{options:?}").contains(PROXY_PASSWORD));
}

#[test]
fn bad_proxy_settings_are_config_errors_that_hide_the_password() {
    let build = |b: huaweicloud_sdk_core::ClientBuilder| b.credentials(credentials()).build_core();
    let base = || Client::builder(&TEST_SERVICE).endpoint("http://service.test");
    for (builder, expected) in [
        (
            base().proxy("socks5://u:hunter2hunter2@127.0.0.1:1080"),
            "configuration error: proxy 'socks5://u:** redacted **@127.0.0.1:1080': scheme must be http or https",
        ),
        (
            base().proxy("http://u:hunter2hunter2@127.0.0.1:3128/some/path"),
            "configuration error: proxy 'http://u:** redacted **@127.0.0.1:3128/some/path' must not have a path or query",
        ),
        (
            base().proxy_credentials("u", "hunter2hunter2"),
            "configuration error: proxy_credentials were given without a proxy URL (ClientBuilder::proxy)",
        ),
        (
            base()
                .proxy("http://127.0.0.1:3128")
                .transport(support::LocalRedirect::new("http://127.0.0.1:1").unwrap()),
            "configuration error: proxy and root certificate options apply to the built-in transport; configure them on the custom transport instead",
        ),
    ] {
        let e = build(builder).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert_eq!(e.to_string(), expected);
    }
    let e = build(base().proxy("not a url at all")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("configuration error: proxy 'not a url at all' is not a valid URL"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// Custom root certificates

struct TestPki {
    ca_pem: String,
    server_config: Arc<rustls::ServerConfig>,
}

fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    (params.self_signed(&key).unwrap(), key)
}

/// A CA and a certificate for 127.0.0.1 issued by it.
fn test_pki() -> TestPki {
    let (ca_cert, ca_key) = ca("huaweicloud-sdk test CA");
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "test gateway");
    let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf_cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    TestPki {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(server_config),
    }
}

/// An HTTPS server on 127.0.0.1 answering every request with `200 {}`; returns its port.
async fn tls_server(config: Arc<rustls::ServerConfig>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that rejects the certificate ends the handshake: nothing to serve.
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return;
                };
                read_head(&mut tls).await;
                let _ = tls
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

fn tls_client(
    port: u16,
    configure: impl FnOnce(huaweicloud_sdk_core::ClientBuilder) -> huaweicloud_sdk_core::ClientBuilder,
) -> Client {
    let builder = Client::builder(&TEST_SERVICE)
        .endpoint(format!("https://127.0.0.1:{port}"))
        .credentials(credentials())
        .retry(RetryPolicy::disabled());
    configure(builder).build_core().unwrap()
}

#[tokio::test]
async fn an_added_root_certificate_is_trusted() {
    let pki = test_pki();
    let port = tls_server(pki.server_config.clone()).await;
    let ca_pem = pki.ca_pem.clone();
    let c = tls_client(port, |b| b.add_root_certificate(ca_pem));
    let resp = c.send_bytes(get_things()).await.unwrap();
    assert_eq!(resp.status(), 200);

    let ca_pem = pki.ca_pem.clone();
    let c = tls_client(port, |b| {
        b.add_root_certificate(ca_pem)
            .tls_root_certificates_only(true)
    });
    assert_eq!(c.send_bytes(get_things()).await.unwrap().status(), 200);
}

#[tokio::test]
async fn without_the_root_certificate_the_handshake_fails_as_a_connect_error() {
    let pki = test_pki();
    let port = tls_server(pki.server_config.clone()).await;
    // Platform roots only.
    let e = expect_err(tls_client(port, |b| b).send_empty(get_things()).await);
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(e.to_string().contains("certificate"), "{e}");
    // Only another CA trusted.
    let (other_ca, _) = ca("some other CA");
    let e = expect_err(
        tls_client(port, |b| {
            b.add_root_certificate(other_ca.pem())
                .tls_root_certificates_only(true)
        })
        .send_empty(get_things())
        .await,
    );
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(e.to_string().contains("certificate"), "{e}");
}

#[test]
fn bad_root_certificate_settings_are_config_errors() {
    let build = |b: huaweicloud_sdk_core::ClientBuilder| {
        b.endpoint("https://127.0.0.1:1")
            .credentials(credentials())
            .build_core()
            .unwrap_err()
    };
    let e = build(Client::builder(&TEST_SERVICE).add_root_certificate("not a pem"));
    assert_eq!(
        e.to_string(),
        "configuration error: root certificate bundle #1 holds no PEM certificate"
    );
    let e = build(Client::builder(&TEST_SERVICE).tls_root_certificates_only(true));
    assert_eq!(
        e.to_string(),
        "configuration error: root_certificates_only is set but no root certificate was added"
    );
    let e = build(
        Client::builder(&TEST_SERVICE)
            .add_root_certificate("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"),
    );
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(
        e.to_string()
            .starts_with("configuration error: root certificate bundle #1: not valid PEM"),
        "{e}"
    );
}

/// A proxy that grants `CONNECT` and pipes the tunnel to the requested 127.0.0.1 port;
/// records each `CONNECT` head. With `tls`, clients reach the proxy itself over TLS.
async fn tunnelling_proxy(tls: Option<Arc<rustls::ServerConfig>>) -> (ProxyStandIn, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let me = ProxyStandIn::default();
    let heads = me.heads.clone();
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let heads = heads.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let mut sock: Box<dyn Stream> = match acceptor {
                    Some(a) => Box::new(a.accept(sock).await.unwrap()),
                    None => Box::new(sock),
                };
                let head = read_head(&mut sock).await;
                heads.lock().unwrap().push(head.clone());
                let target = head
                    .strip_prefix("CONNECT ")
                    .and_then(|rest| rest.split_whitespace().next())
                    .and_then(|authority| authority.strip_prefix("127.0.0.1:"))
                    .and_then(|port| port.parse::<u16>().ok());
                let Some(target) = target else {
                    let _ = sock.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
                    return;
                };
                let mut upstream = tokio::net::TcpStream::connect(("127.0.0.1", target))
                    .await
                    .unwrap();
                sock.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .unwrap();
                let _ = tokio::io::copy_bidirectional(&mut sock, &mut upstream).await;
            });
        }
    });
    (me, port)
}

trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Stream for T {}

#[tokio::test]
async fn https_endpoints_reach_the_server_through_a_granted_tunnel() {
    for proxy_over_tls in [false, true] {
        granted_tunnel(proxy_over_tls).await;
    }
}

/// A call to an HTTPS server through a tunnelling proxy reached over plain TCP or over TLS
/// (TLS inside TLS).
async fn granted_tunnel(proxy_over_tls: bool) {
    let pki = test_pki();
    let server = tls_server(pki.server_config.clone()).await;
    let (proxy, proxy_port) =
        tunnelling_proxy(proxy_over_tls.then(|| pki.server_config.clone())).await;
    let scheme = if proxy_over_tls { "https" } else { "http" };
    let ca_pem = pki.ca_pem.clone();
    let c = tls_client(server, |b| {
        b.add_root_certificate(ca_pem)
            .proxy(format!("{scheme}://127.0.0.1:{proxy_port}"))
            .proxy_credentials("proxyuser", PROXY_PASSWORD)
    });
    let resp = c.send_bytes(get_things()).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.output().as_ref(), b"{}");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    let head = &heads[0];
    assert!(
        head.starts_with(&format!("CONNECT 127.0.0.1:{server} HTTP/1.1\r\n")),
        "{head}"
    );
    assert_eq!(header(head, "proxy-authorization"), Some(PROXY_BASIC));
    // The service's own headers travel inside the tunnel only.
    assert_eq!(header(head, "authorization"), None);
}

/// A proxy that answers every connection with `reply` (then holds it open), or with nothing.
async fn misbehaving_proxy(reply: Option<Vec<u8>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                read_head(&mut sock).await;
                if let Some(reply) = reply {
                    let _ = sock.write_all(&reply).await;
                }
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    port
}

#[tokio::test]
async fn hostile_answers_to_connect_are_bounded_connect_errors() {
    let cases: [(&str, Option<Vec<u8>>, &str); 5] = [
        (
            "refused",
            Some(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n".to_vec()),
            "407",
        ),
        (
            "not http",
            Some(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec()),
            "not HTTP",
        ),
        ("endless head", Some(vec![b'a'; 64 * 1024]), "too long"),
        ("closed", Some(Vec::new()), ""),
        ("silent", None, "no connection within"),
    ];
    for (name, reply, expected) in cases {
        let closes = reply.as_ref().is_some_and(Vec::is_empty);
        let port = if closes {
            // Accepts, reads the CONNECT, and hangs up.
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            tokio::spawn(async move {
                while let Ok((mut sock, _)) = listener.accept().await {
                    read_head(&mut sock).await;
                    drop(sock);
                }
            });
            port
        } else {
            misbehaving_proxy(reply).await
        };
        let c = Client::builder(&TEST_SERVICE)
            .endpoint("https://service.test")
            .proxy(format!(
                "http://proxyuser:p%40ss%3Aw0rd%21@127.0.0.1:{port}"
            ))
            .connect_timeout(Duration::from_millis(300))
            .credentials(credentials())
            .retry(RetryPolicy::disabled())
            .build_core()
            .unwrap();
        let started = std::time::Instant::now();
        let e = expect_err(c.send_empty(get_things()).await);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name}: not bounded"
        );
        assert_eq!(e.kind(), ErrorKind::Connect, "{name}: {e}");
        assert!(e.to_string().contains(expected), "{name}: {e}");
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(!text.contains(PROXY_PASSWORD), "{name}: {text}");
            assert!(!text.contains("p%40ss"), "{name}: {text}");
        }
    }
}
