//! Transport faults are retryable for `otlp` (gRPC) and `otlphttp` alike; only a verdict the peer
//! really sent (a `grpc-status`, an HTTP status of an HTTP server) can be permanent.
//!
//! A fault-injecting TCP peer on 127.0.0.1 applies one scripted fault per connection (garbage and
//! close, an HTTP/1.1 500, headers only after the exporter's timeout, a reset, a success cut short)
//! and then forwards connections to a real OTLP receiver: tonic's gRPC server with the generated
//! `MetricsService`, or an axum OTLP/HTTP endpoint that decodes the protobuf request. Every value
//! must arrive and nothing may be dropped. Real time with short intervals.

mod common;
use common::{batch, counter};
use std::collections::{BTreeSet, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, CreateContext, Exporter, Factory};
use dbintel_exporters::{OtlpGrpcExporterFactory, OtlpHttpExporterFactory};
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::metric::Data;
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::number_data_point::Value as ProtoValue;
use prost::Message;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The exporters' per-attempt timeout in these tests.
const TIMEOUT: Duration = Duration::from_millis(400);

// ---------------------------------------------------------------------------------------------
// Real receivers.

#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<i64>>>);

impl Received {
    fn values(&self) -> Vec<i64> {
        self.0.lock().unwrap().clone()
    }
    fn add(&self, body: &[u8]) {
        if let Ok(req) = ExportMetricsServiceRequest::decode(body) {
            self.0.lock().unwrap().extend(values_of(&req));
        }
    }
}

fn values_of(req: &ExportMetricsServiceRequest) -> Vec<i64> {
    let mut out = Vec::new();
    for m in req.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        if let Some(Data::Gauge(g)) = &m.data {
            out.extend(g.data_points.iter().filter_map(|p| match p.value {
                Some(ProtoValue::AsInt(v)) => Some(v),
                _ => None,
            }));
        }
    }
    out
}

/// tonic's gRPC server with the generated OTLP metrics service; `reject` answers INVALID_ARGUMENT.
#[derive(Clone, Default)]
struct GrpcReceiver {
    received: Received,
    calls: Arc<Mutex<u32>>,
    reject: bool,
}

#[tonic::async_trait]
impl MetricsService for GrpcReceiver {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        *self.calls.lock().unwrap() += 1;
        if self.reject {
            return Err(tonic::Status::invalid_argument("this receiver refuses every request"));
        }
        self.received.0.lock().unwrap().extend(values_of(request.get_ref()));
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

async fn wait_listening(addr: SocketAddr) {
    for _ in 0..250 {
        if TcpStream::connect(addr).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{addr} is not listening");
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).unwrap()
}

async fn start_grpc(receiver: GrpcReceiver) -> SocketAddr {
    let addr = free_addr();
    tokio::spawn(
        tonic::transport::Server::builder().add_service(MetricsServiceServer::new(receiver)).serve(addr),
    );
    wait_listening(addr).await;
    addr
}

/// A raw gRPC endpoint on tonic's (h2) server answering every call with a fixed HTTP response.
#[derive(Clone)]
struct RawGrpc(fn() -> http::Response<tonic::body::Body>);

impl tonic::server::NamedService for RawGrpc {
    const NAME: &'static str = "opentelemetry.proto.collector.metrics.v1.MetricsService";
}

impl tower_service::Service<http::Request<tonic::body::Body>> for RawGrpc {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;
    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn call(&mut self, _: http::Request<tonic::body::Body>) -> Self::Future {
        std::future::ready(Ok((self.0)()))
    }
}

async fn start_raw_grpc(respond: fn() -> http::Response<tonic::body::Body>) -> SocketAddr {
    let addr = free_addr();
    tokio::spawn(tonic::transport::Server::builder().add_service(RawGrpc(respond)).serve(addr));
    wait_listening(addr).await;
    addr
}

/// An OTLP/HTTP receiver (axum) decoding protobuf requests on /v1/metrics.
async fn start_http(received: Received) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/v1/metrics",
        axum::routing::post(move |body: axum::body::Bytes| {
            let received = received.clone();
            async move {
                received.add(&body);
                ([(http::header::CONTENT_TYPE, "application/x-protobuf")], Vec::<u8>::new())
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

// ---------------------------------------------------------------------------------------------
// The fault-injecting peer.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// Writes bytes that are neither HTTP/1.1 nor HTTP/2, then closes.
    Garbage,
    /// Speaks HTTP/1.1 and answers 500.
    Http500,
    /// Sends response headers only after the exporter's timeout.
    SlowHeaders,
    /// Reads the request, then resets the connection.
    Reset,
    /// An HTTP/1.1 200 with an OTLP content type whose body is cut by a reset.
    TruncatedOk,
    /// Completes the HTTP/2 handshake (SETTINGS both ways), then reads and never answers: not a
    /// request, not a PING. The connection stays open (a wedged proxy or load balancer).
    WedgedH2,
}

const TRANSPORT_FAULTS: [Fault; 5] =
    [Fault::Garbage, Fault::Http500, Fault::SlowHeaders, Fault::Reset, Fault::TruncatedOk];

/// Applies one scripted fault per connection, then forwards connections to `upstream`.
#[derive(Clone)]
struct FaultPeer {
    addr: SocketAddr,
    script: Arc<Mutex<VecDeque<Fault>>>,
    faulted: Arc<Mutex<u32>>,
}

impl FaultPeer {
    async fn start(script: Vec<Fault>, upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let peer = Self {
            addr: listener.local_addr().unwrap(),
            script: Arc::new(Mutex::new(script.into())),
            faulted: Arc::default(),
        };
        let p = peer.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let fault = p.script.lock().unwrap().pop_front();
                if fault.is_some() {
                    *p.faulted.lock().unwrap() += 1;
                }
                tokio::spawn(handle(stream, fault, upstream));
            }
        });
        peer
    }
    fn faulted(&self) -> u32 {
        *self.faulted.lock().unwrap()
    }
}

async fn handle(mut stream: TcpStream, fault: Option<Fault>, upstream: SocketAddr) {
    let Some(fault) = fault else {
        if let Ok(mut up) = TcpStream::connect(upstream).await {
            let _ = tokio::io::copy_bidirectional(&mut stream, &mut up).await;
        }
        return;
    };
    let mut buf = [0u8; 4096];
    // Wait for the client to speak first (HTTP/1.1 request or HTTP/2 preface), except for garbage.
    if fault != Fault::Garbage {
        let _ = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await;
    }
    match fault {
        Fault::Garbage => {
            let _ = stream.write_all(b"\x17\x03\x03\x00\x05garbage\xff\x00\r\n\r\nnot a protocol").await;
            let _ = stream.shutdown().await;
        }
        Fault::Http500 => {
            let body = "<html>Internal Server Error</html>";
            let head = format!(
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Fault::SlowHeaders => {
            tokio::time::sleep(TIMEOUT * 3).await;
            let _ = stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n",
                )
                .await;
            let _ = stream.shutdown().await;
        }
        Fault::Reset => {
            let _ = stream.set_zero_linger();
        }
        Fault::WedgedH2 => {
            // An empty SETTINGS frame and the ACK of the client's SETTINGS.
            let _ = stream.write_all(b"\0\0\0\x04\0\0\0\0\0\0\0\0\x04\x01\0\0\0\0").await;
            let _ = tokio::time::timeout(Duration::from_secs(120), async {
                while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
            })
            .await;
        }
        Fault::TruncatedOk => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 100\r\n\r\n\x08")
                .await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            let _ = stream.set_zero_linger();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Proto {
    Grpc,
    Http,
}

fn exporter(proto: Proto, addr: SocketAddr, tel: &Registry, retry: bool) -> Box<dyn Exporter> {
    exporter_with_scheme(proto, "http", addr, tel, retry)
}

fn exporter_with_scheme(
    proto: Proto,
    scheme: &str,
    addr: SocketAddr,
    tel: &Registry,
    retry: bool,
) -> Box<dyn Exporter> {
    let id: ComponentId = "otlp/faults".parse().unwrap();
    let ctx = CreateContext::new(id, tel.clone());
    let retry = if retry {
        json!({"initial_interval": "50ms", "max_interval": "200ms", "max_elapsed_time": "60s",
               "randomization_factor": 0.0})
    } else {
        json!({"enabled": false})
    };
    let config = json!({
        "endpoint": format!("{scheme}://{addr}"),
        "compression": "none",
        "timeout": format!("{}ms", TIMEOUT.as_millis()),
        "retry_on_failure": retry,
        "sending_queue": {"num_consumers": 1, "queue_size": 100},
    });
    let factory: &dyn Factory = match proto {
        Proto::Grpc => &OtlpGrpcExporterFactory,
        Proto::Http => &OtlpHttpExporterFactory,
    };
    match factory.create(&ctx, &config) {
        Ok(Built::Exporter(e)) => e,
        Ok(_) => panic!("not an exporter"),
        Err(p) => panic!("config problems: {p:?}"),
    }
}

fn dropped(tel: &Registry, reason: &str) -> u64 {
    counter(tel, "dbintel_exporter_dropped_metric_points_total", Some(reason))
}

async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How an exporter without retries classified one failed attempt against `fault`: "permanent" or
/// "retries_exhausted" (retryable).
async fn classification(proto: Proto, fault: Fault, upstream: SocketAddr) -> &'static str {
    let peer = FaultPeer::start(vec![fault], upstream).await;
    let tel = Registry::new();
    let mut e = exporter(proto, peer.addr, &tel, false);
    e.start().await.unwrap();
    e.export(batch(&[1]).into()).await.unwrap();
    until(&format!("{proto:?} {fault:?}: a verdict"), || {
        dropped(&tel, "permanent") + dropped(&tel, "retries_exhausted") == 1
    })
    .await;
    e.shutdown().await.unwrap();
    if dropped(&tel, "permanent") == 1 { "permanent" } else { "retries_exhausted" }
}

/// Exports 1..=5 through a peer that applies `fault` to its first two connections and then forwards
/// to the real receiver: everything arrives, nothing is dropped.
async fn delivered_through(proto: Proto, fault: Fault, upstream: SocketAddr, received: &Received) {
    received.0.lock().unwrap().clear();
    let peer = FaultPeer::start(vec![fault, fault], upstream).await;
    let tel = Registry::new();
    let mut e = exporter(proto, peer.addr, &tel, true);
    e.start().await.unwrap();
    for v in 1..=5 {
        e.export(batch(&[v]).into()).await.unwrap();
    }
    let what = format!("{proto:?} {fault:?}: all five values");
    until(&what, || received.values().iter().collect::<BTreeSet<_>>().len() == 5).await;
    let got: BTreeSet<i64> = received.values().into_iter().collect();
    assert_eq!(got, (1..=5).collect(), "{proto:?} {fault:?}");
    until(&what, || counter(&tel, "otelcol_exporter_sent_metric_points", None) == 5).await;
    assert!(peer.faulted() >= 1, "{proto:?} {fault:?}: the fault was not applied");
    assert!(counter(&tel, "dbintel_exporter_retries_total", None) >= 1, "{proto:?} {fault:?}: no retry");
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", None), 0, "{proto:?} {fault:?}");
    assert_eq!(counter(&tel, "otelcol_exporter_send_failed_metric_points", None), 0, "{proto:?} {fault:?}");
    e.shutdown().await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_transport_faults_are_retried_and_nothing_is_lost() {
    let receiver = GrpcReceiver::default();
    let upstream = start_grpc(receiver.clone()).await;
    for fault in TRANSPORT_FAULTS {
        assert_eq!(classification(Proto::Grpc, fault, upstream).await, "retries_exhausted", "{fault:?}");
        delivered_through(Proto::Grpc, fault, upstream, &receiver.received).await;
    }
}

/// A peer that keeps an HTTP/2 connection open and never answers on it: the attempt times out, and
/// the next attempt must not queue on the same wedged connection (HTTP/2 keepalive would only drop
/// it after 40 s): a new connection is opened and everything arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_a_wedged_http2_connection_is_replaced_after_a_timeout() {
    let receiver = GrpcReceiver::default();
    let upstream = start_grpc(receiver.clone()).await;
    assert_eq!(classification(Proto::Grpc, Fault::WedgedH2, upstream).await, "retries_exhausted");
    delivered_through(Proto::Grpc, Fault::WedgedH2, upstream, &receiver.received).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_transport_faults_are_retried_and_nothing_is_lost() {
    let received = Received::default();
    let upstream = start_http(received.clone()).await;
    for fault in TRANSPORT_FAULTS {
        if fault == Fault::Http500 {
            // For OTLP/HTTP a 500 is the HTTP server's verdict: permanent, as in the Collector.
            assert_eq!(classification(Proto::Http, fault, upstream).await, "permanent");
            continue;
        }
        assert_eq!(classification(Proto::Http, fault, upstream).await, "retries_exhausted", "{fault:?}");
        delivered_through(Proto::Http, fault, upstream, &received).await;
    }
}

/// Refused connections and failed TLS handshakes (a peer that is not TLS) are retryable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connections_and_tls_handshake_failures_are_retryable() {
    let refused = free_addr();
    let plain = start_http(Received::default()).await;
    for proto in [Proto::Grpc, Proto::Http] {
        for fault in [Fault::Garbage, Fault::Http500] {
            let peer = FaultPeer::start(vec![fault], plain).await;
            for (scheme, addr) in [("https", peer.addr), ("https", plain), ("http", refused)] {
                let tel = Registry::new();
                let mut e = exporter_with_scheme(proto, scheme, addr, &tel, false);
                e.start().await.unwrap();
                e.export(batch(&[1]).into()).await.unwrap();
                let what = format!("{proto:?} {scheme}://{addr}: a verdict");
                until(&what, || dropped(&tel, "permanent") + dropped(&tel, "retries_exhausted") == 1).await;
                assert_eq!(dropped(&tel, "retries_exhausted"), 1, "{what}");
                e.shutdown().await.unwrap();
            }
        }
    }
}

/// An HTTP/2 server that answers gRPC calls with HTTP statuses and no `grpc-status` (a proxy, a
/// load balancer): tonic maps them to gRPC codes (401 -> UNAUTHENTICATED, 500 -> UNKNOWN, ...), but
/// they are not the receiver's verdict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_http_statuses_without_grpc_status_are_retryable() {
    fn status(code: u16) -> http::Response<tonic::body::Body> {
        http::Response::builder().status(code).body(tonic::body::Body::empty()).unwrap()
    }
    let responders: [fn() -> http::Response<tonic::body::Body>; 5] = [
        || status(500),
        || status(401),
        || status(400),
        || status(404),
        || {
            // 200 with a gRPC content type but no grpc-status at all.
            http::Response::builder()
                .header("content-type", "application/grpc")
                .body(tonic::body::Body::empty())
                .unwrap()
        },
    ];
    for (i, respond) in responders.into_iter().enumerate() {
        let upstream = start_raw_grpc(respond).await;
        let tel = Registry::new();
        let mut e = exporter(Proto::Grpc, upstream, &tel, false);
        e.start().await.unwrap();
        e.export(batch(&[1]).into()).await.unwrap();
        until("a verdict", || dropped(&tel, "permanent") + dropped(&tel, "retries_exhausted") == 1).await;
        assert_eq!(dropped(&tel, "retries_exhausted"), 1, "responder {i}");
        e.shutdown().await.unwrap();
    }
}

/// A response body tonic cannot decode (and a gRPC frame cut short), though the trailers say OK: the
/// request is not known to be delivered, so it is retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_undecodable_responses_are_retryable() {
    struct Frames(VecDeque<http_body::Frame<bytes::Bytes>>);
    impl http_body::Body for Frames {
        type Data = bytes::Bytes;
        type Error = tonic::Status;
        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, tonic::Status>>> {
            std::task::Poll::Ready(self.0.pop_front().map(Ok))
        }
    }
    fn with_body(message: &'static [u8]) -> http::Response<tonic::body::Body> {
        let mut trailers = http::HeaderMap::new();
        trailers.insert("grpc-status", http::HeaderValue::from_static("0"));
        let frames = VecDeque::from([
            http_body::Frame::data(bytes::Bytes::from_static(message)),
            http_body::Frame::trailers(trailers),
        ]);
        http::Response::builder()
            .header("content-type", "application/grpc")
            .body(tonic::body::Body::new(Frames(frames)))
            .unwrap()
    }
    let responders: [fn() -> http::Response<tonic::body::Body>; 2] = [
        // One uncompressed message of 3 bytes that are not protobuf.
        || with_body(b"\x00\x00\x00\x00\x03\xff\xff\xff"),
        // A frame header announcing 100 bytes, then the stream ends.
        || with_body(b"\x00\x00\x00\x00\x64\x08"),
    ];
    for (i, respond) in responders.into_iter().enumerate() {
        let upstream = start_raw_grpc(respond).await;
        let tel = Registry::new();
        let mut e = exporter(Proto::Grpc, upstream, &tel, false);
        e.start().await.unwrap();
        e.export(batch(&[1]).into()).await.unwrap();
        until("a verdict", || dropped(&tel, "permanent") + dropped(&tel, "retries_exhausted") == 1).await;
        assert_eq!(dropped(&tel, "retries_exhausted"), 1, "responder {i}");
        e.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_invalid_argument_is_still_permanent() {
    let receiver = GrpcReceiver { reject: true, ..Default::default() };
    let upstream = start_grpc(receiver.clone()).await;
    let tel = Registry::new();
    let mut e = exporter(Proto::Grpc, upstream, &tel, true);
    e.start().await.unwrap();
    e.export(batch(&[1, 2, 3]).into()).await.unwrap();
    until("dropped as permanent", || dropped(&tel, "permanent") == 3).await;
    e.shutdown().await.unwrap();
    assert_eq!(*receiver.calls.lock().unwrap(), 1, "a permanent error must not be retried");
    assert_eq!(counter(&tel, "dbintel_exporter_retries_total", None), 0);
}

/// A peer's status with undecodable `grpc-status-details-bin`: tonic would panic decoding it; the
/// exporter drops the details and keeps the verdict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undecodable_status_details_do_not_panic() {
    let upstream = start_raw_grpc(|| {
        http::Response::builder()
            .header("content-type", "application/grpc")
            .header("grpc-status", "3")
            .header("grpc-message", "bad%20data")
            .header("grpc-status-details-bin", "!!! not base64 !!!")
            .body(tonic::body::Body::empty())
            .unwrap()
    })
    .await;
    let tel = Registry::new();
    let mut e = exporter(Proto::Grpc, upstream, &tel, true);
    e.start().await.unwrap();
    e.export(batch(&[1]).into()).await.unwrap();
    until("dropped as permanent", || dropped(&tel, "permanent") == 1).await;
    e.shutdown().await.unwrap();
}
