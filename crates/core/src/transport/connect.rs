//! How the built-in transport opens connections: TCP, TLS (rustls), and an HTTP or HTTPS
//! proxy (absolute-form requests for `http://` endpoints, a `CONNECT` tunnel for
//! `https://` ones). Connections are then kept alive and reused by hyper's pool, so none of
//! this runs per request.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// A byte stream to a server or a proxy: TCP, or TLS over TCP, or TLS over a tunnel.
pub(super) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The most a proxy's answer to `CONNECT` may take before its blank line.
const MAX_CONNECT_RESPONSE_HEAD: usize = 16 * 1024;

/// The proxy every connection goes through, ready to use.
pub(super) struct ProxyRoute {
    /// `scheme://host:port` of the proxy.
    pub(super) uri: Uri,
    /// `Basic …`, marked sensitive; sent on `CONNECT` and on plain-HTTP requests.
    pub(super) authorization: Option<http::HeaderValue>,
}

/// Opens connections for hyper's client. Cheap to clone (hyper clones it per connection).
#[derive(Clone)]
pub(super) struct Connector {
    pub(super) tcp: HttpConnector,
    pub(super) tls: tokio_rustls::TlsConnector,
    pub(super) proxy: Option<Arc<ProxyRoute>>,
    /// Bounds the whole opening: TCP, proxy tunnel and TLS handshake.
    pub(super) timeout: Duration,
}

type ConnectFuture = Pin<Box<dyn Future<Output = Result<Conn, io::Error>> + Send>>;

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = io::Error;
    type Future = ConnectFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), io::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> ConnectFuture {
        let this = self.clone();
        Box::pin(async move {
            let timeout = this.timeout;
            tokio::time::timeout(timeout, this.open(dst))
                .await
                .unwrap_or_else(|_| {
                    Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("no connection within {timeout:?}"),
                    ))
                })
        })
    }
}

impl Connector {
    async fn open(self, dst: Uri) -> io::Result<Conn> {
        let https = dst.scheme() == Some(&http::uri::Scheme::HTTPS);
        let host = dst
            .host()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the URL has no host"))?
            .to_owned();
        let Some(proxy) = self.proxy.clone() else {
            let tcp = self.tcp(dst).await?;
            return Ok(if https {
                Conn::new(self.tls(&host, tcp).await?, false)
            } else {
                Conn::new(tcp, false)
            });
        };
        let to_proxy: Box<dyn Io> = {
            let proxy_host = proxy.uri.host().unwrap_or_default().to_owned();
            let tcp = self.tcp(proxy.uri.clone()).await?;
            if proxy.uri.scheme() == Some(&http::uri::Scheme::HTTPS) {
                Box::new(self.tls(&proxy_host, tcp).await?)
            } else {
                Box::new(tcp)
            }
        };
        if !https {
            // hyper sends absolute-form requests on a connection marked as proxied.
            return Ok(Conn::new(to_proxy, true));
        }
        let authority = format!("{host}:{}", dst.port_u16().unwrap_or(443));
        let tunnel = tunnel(to_proxy, &authority, proxy.authorization.as_ref()).await?;
        Ok(Conn::new(self.tls(&host, tunnel).await?, false))
    }

    async fn tcp(&self, uri: Uri) -> io::Result<tokio::net::TcpStream> {
        use tower_service::Service;
        let mut tcp = self.tcp.clone();
        let io = tcp.call(uri).await.map_err(io::Error::other)?;
        Ok(io.into_inner())
    }

    async fn tls<S: Io + 'static>(
        &self,
        host: &str,
        stream: S,
    ) -> io::Result<tokio_rustls::client::TlsStream<S>> {
        // IPv6 literals come bracketed in URLs, bare in certificates.
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(bare.to_owned()).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("'{bare}' is not a valid TLS server name: {e}"),
            )
        })?;
        self.tls.connect(name, stream).await
    }
}

/// Asks the proxy for a tunnel to `authority` (`host:port`); the stream afterwards reaches
/// the server itself.
async fn tunnel(
    mut io: Box<dyn Io>,
    authority: &str,
    authorization: Option<&http::HeaderValue>,
) -> io::Result<Box<dyn Io>> {
    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n").into_bytes();
    if let Some(auth) = authorization {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(auth.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    io.write_all(&head).await?;
    io.flush().await?;

    // Read byte-wise up to the blank line: nothing after it belongs to the proxy.
    let mut answer = Vec::with_capacity(128);
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        if io.read(&mut byte).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the proxy closed the connection instead of answering CONNECT",
            ));
        }
        if answer.len() >= MAX_CONNECT_RESPONSE_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the proxy's answer to CONNECT is too long",
            ));
        }
        answer.push(byte[0]);
    }
    match connect_status(&answer) {
        Some(200..=299) => Ok(io),
        Some(407) => Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the proxy refused the tunnel: proxy authentication required (407)",
        )),
        Some(status) => Err(io::Error::other(format!(
            "the proxy refused the tunnel with status {status}"
        ))),
        None => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the proxy's answer to CONNECT is not HTTP",
        )),
    }
}

/// The status code of `HTTP/1.x NNN …`, if `head` starts so.
fn connect_status(head: &[u8]) -> Option<u16> {
    let rest = head.strip_prefix(b"HTTP/1.")?;
    let code = rest.get(2..5)?;
    if rest.get(1) != Some(&b' ') || !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(code.iter().fold(0, |n, d| n * 10 + u16::from(d - b'0')))
}

/// An open connection as hyper's client sees it.
pub(super) struct Conn {
    io: TokioIo<Box<dyn Io>>,
    /// A plain-HTTP connection to a proxy: requests on it go in absolute form.
    proxied: bool,
}

impl Conn {
    fn new(io: impl Io + 'static, proxied: bool) -> Self {
        Self {
            io: TokioIo::new(Box::new(io)),
            proxied,
        }
    }
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new().proxy(self.proxied)
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }
}

#[cfg(test)]
mod tests {
    use super::connect_status;

    #[test]
    fn connect_answers_are_read_strictly() {
        assert_eq!(
            connect_status(b"HTTP/1.1 200 Connection established\r\n\r\n"),
            Some(200)
        );
        assert_eq!(connect_status(b"HTTP/1.0 407 Auth\r\n\r\n"), Some(407));
        for bad in [
            &b""[..],
            b"HTTP/1.1",
            b"HTTP/1.1 2x0 OK\r\n\r\n",
            b"HTTP/2 200\r\n\r\n",
            b"SSH-2.0-OpenSSH\r\n\r\n",
            b"HTTP/1.1200 OK\r\n\r\n",
        ] {
            assert_eq!(connect_status(bad), None, "{bad:?}");
        }
    }
}
