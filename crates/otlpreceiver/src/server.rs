//! One accept loop for both protocols: TCP or a Unix domain socket ([`Listener`]), optional TLS
//! (handshake in the connection's own task, so a slow client cannot hold up the others), then
//! hyper's HTTP/1.1 + HTTP/2 connection (HTTP/2 only for gRPC), with graceful shutdown and the
//! optional maximum connection age.

use std::convert::Infallible;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tracing::debug;

use crate::config::Transport;

/// How long a client gets for its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open connections get to finish their requests at shutdown.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Where a protocol listens: a TCP port, or a Unix domain socket (`transport: unix`), which is
/// removed again when the listener is dropped, as Go's `net.UnixListener` does on close.
pub enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener, PathBuf),
}

impl Listener {
    /// Binds `endpoint` on `transport`; the error names the endpoint and why.
    pub async fn bind(transport: Transport, endpoint: &str) -> Result<Listener, String> {
        match transport {
            Transport::Unix => bind_unix(Path::new(endpoint)).map(|l| Listener::Unix(l, endpoint.into())),
            Transport::Tcp => TcpListener::bind(endpoint).await.map(Listener::Tcp).map_err(|e| e.to_string()),
            Transport::Tcp4 | Transport::Tcp6 => {
                let want_v4 = transport == Transport::Tcp4;
                let addrs = tokio::net::lookup_host(endpoint).await.map_err(|e| e.to_string())?;
                let mut last = format!("no {} address", if want_v4 { "IPv4" } else { "IPv6" });
                for addr in addrs.filter(|a| a.is_ipv4() == want_v4) {
                    match TcpListener::bind(addr).await {
                        Ok(l) => return Ok(Listener::Tcp(l)),
                        Err(e) => last = format!("{addr}: {e}"),
                    }
                }
                Err(last)
            }
        }
    }

    /// The bound address (`127.0.0.1:4317`) or socket path, for the log.
    pub fn local_addr(&self) -> String {
        match self {
            Listener::Tcp(l) => l.local_addr().map(|a| a.to_string()).unwrap_or_default(),
            Listener::Unix(_, path) => format!("unix:{}", path.display()),
        }
    }

    async fn accept(&self) -> io::Result<(Conn, String)> {
        match self {
            Listener::Tcp(l) => {
                let (tcp, peer) = l.accept().await?;
                Ok((Conn::Tcp(tcp), peer.to_string()))
            }
            Listener::Unix(l, path) => {
                let (unix, _) = l.accept().await?;
                Ok((Conn::Unix(unix), format!("unix:{}", path.display())))
            }
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Listener::Unix(_, path) = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Binds a Unix socket at `path`. A socket file left behind by a process that died is replaced
/// (nothing answers on it); a live socket or any other kind of file is an error, never removed.
fn bind_unix(path: &Path) -> Result<UnixListener, String> {
    use std::os::unix::fs::FileTypeExt;
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            return Err("the path exists and is not a socket".into());
        }
        match std::os::unix::net::UnixStream::connect(path) {
            Ok(_) => return Err("another process listens on this socket".into()),
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                std::fs::remove_file(path).map_err(|e| format!("removing the stale socket: {e}"))?;
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    UnixListener::bind(path).map_err(|e| e.to_string())
}

/// An accepted connection of either kind.
enum Conn {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl AsyncRead for Conn {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Unix(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Unix(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Tcp(s) => Pin::new(s).poll_flush(cx),
            Conn::Unix(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Unix(s) => Pin::new(s).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Tcp(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Conn::Unix(s) => Pin::new(s).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Conn::Tcp(s) => s.is_write_vectored(),
            Conn::Unix(s) => s.is_write_vectored(),
        }
    }
}

/// Connection settings beyond the service.
#[derive(Clone, Default)]
pub struct ConnOptions {
    pub http2_only: bool,
    pub max_concurrent_streams: Option<u32>,
    pub keepalive_time: Option<Duration>,
    pub keepalive_timeout: Option<Duration>,
    pub write_buffer_size: Option<usize>,
    /// `(max_connection_age, grace)`.
    pub max_age: Option<(Duration, Duration)>,
}

impl ConnOptions {
    fn builder(&self) -> auto::Builder<TokioExecutor> {
        let mut b = auto::Builder::new(TokioExecutor::new());
        if self.http2_only {
            b = b.http2_only();
        }
        {
            let mut h2 = b.http2();
            h2.timer(TokioTimer::new());
            h2.max_concurrent_streams(self.max_concurrent_streams);
            if let Some(t) = self.keepalive_time {
                h2.keep_alive_interval(t);
                h2.keep_alive_timeout(self.keepalive_timeout.unwrap_or(Duration::from_secs(20)));
            }
            if let Some(n) = self.write_buffer_size {
                h2.max_send_buf_size(n);
            }
        }
        b.http1().timer(TokioTimer::new());
        b
    }
}

/// Serves `service` on `listener` until `shutdown`; then stops accepting, asks open connections to
/// finish (bounded by [`DRAIN_TIMEOUT`]) and aborts the rest.
pub async fn serve<S, B>(
    listener: Listener,
    tls: Option<TlsAcceptor>,
    options: ConnOptions,
    service: S,
    shutdown: CancellationToken,
) where
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let builder = Arc::new(options.builder());
    let mut conns = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => break,
            a = listener.accept() => a,
            // Reap finished connections so the set does not grow.
            Some(_) = conns.join_next(), if !conns.is_empty() => continue,
        };
        let (conn, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                debug!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let (tls, builder, service, shutdown, max_age) =
            (tls.clone(), builder.clone(), service.clone(), shutdown.clone(), options.max_age);
        conns.spawn(async move {
            match tls {
                Some(acceptor) => {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(conn)).await {
                        Ok(Ok(stream)) => {
                            drive(&builder, TokioIo::new(stream), service, shutdown, max_age).await
                        }
                        Ok(Err(e)) => debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => debug!(%peer, "TLS handshake timed out"),
                    }
                }
                None => drive(&builder, TokioIo::new(conn), service, shutdown, max_age).await,
            }
        });
    }
    drop(listener);
    let drained =
        tokio::time::timeout(DRAIN_TIMEOUT, async { while conns.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        conns.abort_all();
    }
}

async fn drive<I, S, B>(
    builder: &auto::Builder<TokioExecutor>,
    io: I,
    service: S,
    shutdown: CancellationToken,
    max_age: Option<(Duration, Duration)>,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>, Error = Infallible>
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let age = async {
        match max_age {
            Some((age, _)) => tokio::time::sleep(age).await,
            None => std::future::pending().await,
        }
    };
    let grace = max_age.map(|(_, g)| g).unwrap_or(DRAIN_TIMEOUT);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                debug!(error = %e, "connection ended with an error");
            }
            return;
        }
        _ = shutdown.cancelled() => {}
        _ = age => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(grace, conn).await;
}
