//! One accept loop for both protocols: TCP, optional TLS (handshake in the connection's own task, so
//! a slow client cannot hold up the others), then hyper's HTTP/1.1 + HTTP/2 connection (HTTP/2 only
//! for gRPC), with graceful shutdown and the optional maximum connection age.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tracing::debug;

/// How long a client gets for its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open connections get to finish their requests at shutdown.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

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
    listener: TcpListener,
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
        let (tcp, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                debug!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let (tls, builder, service, shutdown, max_age) =
            (tls.clone(), builder.clone(), service.clone(), shutdown.clone(), options.max_age);
        conns.spawn(async move {
            match tls {
                Some(acceptor) => match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                    Ok(Ok(stream)) => drive(&builder, TokioIo::new(stream), service, shutdown, max_age).await,
                    Ok(Err(e)) => debug!(%peer, error = %e, "TLS handshake failed"),
                    Err(_) => debug!(%peer, "TLS handshake timed out"),
                },
                None => drive(&builder, TokioIo::new(tcp), service, shutdown, max_age).await,
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
