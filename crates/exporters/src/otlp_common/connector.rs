//! The connector both transports use: TCP (optionally TLS through rustls), counting every byte written
//! to the socket, so `dbintel_exporter_bytes_sent_total` is what really went on the wire (after
//! compression and TLS). TLS is decided by configuration, not by the URL scheme, so tonic (given
//! `http://` URIs) and hyper's client behave the same way.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use dbintel_core::telemetry::Counter;
use http::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tower_service::Service;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// TLS settings of a connector.
#[derive(Clone)]
pub struct TlsSetup {
    pub connector: TlsConnector,
    /// `server_name_override`; else the URI host.
    pub server_name: Option<ServerName<'static>>,
}

/// A `tower::Service<Uri>` giving counted (and maybe TLS) connections.
#[derive(Clone)]
pub struct WireConnector {
    http: HttpConnector,
    tls: Option<TlsSetup>,
    bytes: Counter,
    /// Connect to this Unix domain socket instead of the URI's host (`unix://` endpoints).
    unix: Option<std::path::PathBuf>,
    connect_timeout: Duration,
}

impl WireConnector {
    pub fn new(tls: Option<TlsSetup>, bytes: Counter, connect_timeout: Duration) -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(connect_timeout));
        http.set_keepalive(Some(Duration::from_secs(60)));
        Self { http, tls, bytes, unix: None, connect_timeout }
    }

    /// Connects to the Unix domain socket at `path` whatever the URI says.
    pub fn with_unix_socket(mut self, path: std::path::PathBuf) -> Self {
        self.unix = Some(path);
        self
    }

    pub fn tls_enabled(&self) -> bool {
        self.tls.is_some()
    }
}

impl Service<Uri> for WireConnector {
    type Response = WireStream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<WireStream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let host = uri.host().map(|h| h.trim_start_matches('[').trim_end_matches(']').to_string());
        let tls = self.tls.clone();
        let bytes = self.bytes.clone();
        let socket: Pin<Box<dyn Future<Output = Result<Socket, BoxError>> + Send>> = match self.unix.clone() {
            Some(path) => {
                let limit = self.connect_timeout;
                Box::pin(async move {
                    let stream = tokio::time::timeout(limit, tokio::net::UnixStream::connect(&path))
                        .await
                        .map_err(|_| format!("connecting to unix socket {} timed out", path.display()))?
                        .map_err(|e| format!("unix socket {}: {e}", path.display()))?;
                    Ok(Socket::Unix(stream))
                })
            }
            None => {
                let connect = self.http.call(uri);
                Box::pin(async move { Ok(Socket::Tcp(connect.await?.into_inner())) })
            }
        };
        Box::pin(async move {
            let tcp = CountingTcp { inner: socket.await?, bytes };
            let Some(tls) = tls else {
                return Ok(WireStream::Plain(TokioIo::new(tcp)));
            };
            let name = match tls.server_name {
                Some(n) => n,
                None => {
                    let host = host.ok_or("the endpoint has no host name")?;
                    ServerName::try_from(host).map_err(|e| format!("invalid TLS server name: {e}"))?
                }
            };
            let stream = tls.connector.connect(name, tcp).await?;
            Ok(WireStream::Tls(Box::new(TokioIo::new(stream))))
        })
    }
}

/// A TCP or Unix domain socket stream.
pub enum Socket {
    Tcp(TcpStream),
    Unix(tokio::net::UnixStream),
}

impl AsyncRead for Socket {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Socket::Unix(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Socket {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Socket::Unix(s) => Pin::new(s).poll_write(cx, buf),
        }
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Socket::Unix(s) => Pin::new(s).poll_write_vectored(cx, bufs),
        }
    }
    fn is_write_vectored(&self) -> bool {
        match self {
            Socket::Tcp(s) => s.is_write_vectored(),
            Socket::Unix(s) => s.is_write_vectored(),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_flush(cx),
            Socket::Unix(s) => Pin::new(s).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Socket::Unix(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// A socket stream (TCP or Unix) that counts the bytes written to it.
pub struct CountingTcp {
    inner: Socket,
    bytes: Counter,
}

impl AsyncRead for CountingTcp {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountingTcp {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &r {
            self.bytes.add(*n as u64);
        }
        r
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = &r {
            self.bytes.add(*n as u64);
        }
        r
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A connection, plain or TLS.
pub enum WireStream {
    Plain(TokioIo<CountingTcp>),
    Tls(Box<TokioIo<TlsStream<CountingTcp>>>),
}

impl hyper::rt::Read for WireStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            WireStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            WireStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl hyper::rt::Write for WireStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            WireStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            WireStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            WireStream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            WireStream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }
    fn is_write_vectored(&self) -> bool {
        match self {
            WireStream::Plain(s) => hyper::rt::Write::is_write_vectored(s),
            WireStream::Tls(s) => hyper::rt::Write::is_write_vectored(s.as_ref()),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            WireStream::Plain(s) => Pin::new(s).poll_flush(cx),
            WireStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            WireStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            WireStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

impl Connection for WireStream {
    fn connected(&self) -> Connected {
        match self {
            WireStream::Plain(_) => Connected::new(),
            WireStream::Tls(s) => {
                let (_, session) = s.inner().get_ref();
                if session.alpn_protocol() == Some(b"h2") {
                    Connected::new().negotiated_h2()
                } else {
                    Connected::new()
                }
            }
        }
    }
}

/// Builds the TLS part of a connector from the config, or `None` for plaintext.
pub fn tls_setup(
    tls: &super::tls::TlsConfig,
    enabled: bool,
    alpn: &[&[u8]],
) -> Result<Option<TlsSetup>, super::tls::TlsError> {
    if !enabled {
        return Ok(None);
    }
    let config = super::tls::client_config(tls, alpn)?;
    Ok(Some(TlsSetup { connector: TlsConnector::from(Arc::new(config)), server_name: tls.server_name()? }))
}
