//! The real `otlphttp` exporter against a fault-injecting OTLP/HTTP server on 127.0.0.1: 503, 429 with
//! Retry-After, connection resets, slow responses (past the exporter's timeout), partial success,
//! a permanent 400, and a persistent queue replayed after a simulated crash. Real time with short
//! intervals: sockets do not mix with paused time.

mod common;
use common::{batch, counter};
use std::collections::{BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, CreateContext, Exporter, Factory};
use dbintel_exporters::OtlpHttpExporterFactory;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::metric::Data;
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::number_data_point::Value as ProtoValue;
use prost::Message;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------------------
// The fault-injecting server.

/// What the server does with the next request.
#[derive(Debug, Clone)]
enum Fault {
    Accept,
    Status(u16),
    /// 429 with `Retry-After: <secs>`.
    TooManyRequests(u64),
    /// Read the request, then reset the connection (RST) without answering.
    Reset,
    /// Accept, but answer only after this long.
    Slow(Duration),
    /// Accept and report this many points rejected.
    Partial(i64),
}

#[derive(Default)]
struct ServerState {
    script: VecDeque<Fault>,
    /// Values of accepted requests, in arrival order (duplicates kept).
    accepted: Vec<i64>,
    /// When each request arrived, with the fault applied.
    requests: Vec<(Instant, String)>,
}

#[derive(Clone)]
struct FaultServer {
    url: String,
    state: Arc<Mutex<ServerState>>,
}

impl FaultServer {
    async fn start(script: Vec<Fault>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(ServerState { script: script.into(), ..Default::default() }));
        let st = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, st.clone()));
            }
        });
        Self { url, state }
    }
    fn accepted(&self) -> Vec<i64> {
        self.state.lock().unwrap().accepted.clone()
    }
    fn requests(&self) -> Vec<(Instant, String)> {
        self.state.lock().unwrap().requests.clone()
    }
}

/// Reads one HTTP/1.1 request (headers + Content-Length body); `None` when the peer closed.
async fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let len: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[header_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

fn values_of(body: &[u8]) -> Vec<i64> {
    let Ok(req) = ExportMetricsServiceRequest::decode(body) else { return Vec::new() };
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

async fn respond(stream: &mut TcpStream, status: u16, extra: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/x-protobuf\r\ncontent-length: {}\r\n{extra}\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<ServerState>>) {
    while let Some((head, body)) = read_request(&mut stream).await {
        if !head.starts_with("POST /v1/metrics ") {
            let _ = respond(&mut stream, 404, "", b"").await;
            continue;
        }
        let fault = {
            let mut s = state.lock().unwrap();
            let f = s.script.pop_front().unwrap_or(Fault::Accept);
            s.requests.push((Instant::now(), format!("{f:?}")));
            f
        };
        let accept = |s: &Arc<Mutex<ServerState>>| s.lock().unwrap().accepted.extend(values_of(&body));
        let r = match fault {
            Fault::Accept => {
                accept(&state);
                respond(&mut stream, 200, "", b"").await
            }
            Fault::Status(code) => respond(&mut stream, code, "", b"").await,
            Fault::TooManyRequests(secs) => {
                respond(&mut stream, 429, &format!("retry-after: {secs}\r\n"), b"").await
            }
            Fault::Reset => {
                let _ = stream.set_zero_linger();
                return;
            }
            Fault::Slow(d) => {
                tokio::time::sleep(d).await;
                accept(&state);
                respond(&mut stream, 200, "", b"").await
            }
            Fault::Partial(n) => {
                accept(&state);
                let resp = ExportMetricsServiceResponse {
                    partial_success: Some(ExportMetricsPartialSuccess {
                        rejected_data_points: n,
                        error_message: "point too old".into(),
                    }),
                };
                respond(&mut stream, 200, "", &resp.encode_to_vec()).await
            }
        };
        if r.is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

fn otlphttp(url: &str, tel: &Registry, storage: Option<&std::path::Path>) -> Box<dyn Exporter> {
    let id: ComponentId = "otlphttp/faults".parse().unwrap();
    let ctx = CreateContext::new(id, tel.clone());
    let mut queue = json!({"num_consumers": 1, "queue_size": 100});
    if let Some(dir) = storage {
        queue["storage"] = json!("file_storage/q");
        let fs: dbintel_extensions::file_storage::FileStorageConfig =
            dbintel_core::parse_component_config(&json!({"directory": dir.display().to_string()})).unwrap();
        ctx.host.add_extension(
            "file_storage/q".parse().unwrap(),
            std::sync::Arc::new(dbintel_extensions::file_storage::Storage::from(&fs)),
        );
    }
    let config = json!({
        "endpoint": url,
        "compression": "none",
        "timeout": "300ms",
        "retry_on_failure": {
            "initial_interval": "50ms", "max_interval": "200ms", "max_elapsed_time": "30s",
            "randomization_factor": 0.0
        },
        "sending_queue": queue,
    });
    match OtlpHttpExporterFactory.create(&ctx, &config) {
        Ok(Built::Exporter(e)) => e,
        Ok(_) => panic!("not an exporter"),
        Err(p) => panic!("config problems: {p:?}"),
    }
}

async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn every_point_arrives_through_503_429_resets_and_slow_responses() {
    let server = FaultServer::start(vec![
        Fault::Status(503),
        Fault::TooManyRequests(1),
        Fault::Reset,
        Fault::Slow(Duration::from_millis(700)),
        Fault::Status(502),
        Fault::Status(504),
    ])
    .await;
    let tel = Registry::new();
    let mut e = otlphttp(&server.url, &tel, None);
    e.start().await.unwrap();
    for v in 1..=5 {
        e.export(batch(&[v]).into()).await.unwrap();
    }
    until("all five values", || server.accepted().iter().collect::<BTreeSet<_>>().len() == 5).await;
    let got: BTreeSet<i64> = server.accepted().into_iter().collect();
    assert_eq!(got, (1..=5).collect());
    until("sent counter", || counter(&tel, "otelcol_exporter_sent_metric_points", None) == 5).await;
    assert_eq!(counter(&tel, "dbintel_exporter_retries_total", None), 6);
    assert_eq!(counter(&tel, "otelcol_exporter_send_failed_metric_points", None), 0);
    assert!(counter(&tel, "dbintel_exporter_sent_request_bytes_total", None) > 0);
    // The attempt after the 429 waited for Retry-After (1s), not the 50-200ms backoff.
    let reqs = server.requests();
    let gap = reqs[2].0 - reqs[1].0;
    assert!(gap >= Duration::from_millis(950), "Retry-After ignored: {gap:?} ({reqs:?})");
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn partial_success_is_counted_and_not_retried() {
    let server = FaultServer::start(vec![Fault::Partial(1)]).await;
    let tel = Registry::new();
    let mut e = otlphttp(&server.url, &tel, None);
    e.start().await.unwrap();
    e.export(batch(&[1, 2]).into()).await.unwrap();
    until("rejected counted", || {
        counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("rejected")) == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.requests().len(), 1);
    assert_eq!(counter(&tel, "otelcol_exporter_sent_metric_points", None), 1);
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_permanent_error_is_dropped_once_and_counted() {
    let server = FaultServer::start(vec![Fault::Status(400)]).await;
    let tel = Registry::new();
    let mut e = otlphttp(&server.url, &tel, None);
    e.start().await.unwrap();
    e.export(batch(&[1]).into()).await.unwrap();
    e.export(batch(&[2]).into()).await.unwrap();
    until("second batch", || server.accepted() == [2]).await;
    assert_eq!(server.requests().len(), 2);
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("permanent")), 1);
    assert_eq!(counter(&tel, "otelcol_exporter_send_failed_metric_points", None), 1);
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_persistent_queue_replays_through_otlphttp_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    // A backend that answers 503 to everything during the first run.
    let down = FaultServer::start(vec![Fault::Status(503); 10_000]).await;
    let tel = Registry::new();
    let mut e = otlphttp(&down.url, &tel, Some(dir.path()));
    e.start().await.unwrap();
    for v in 0..20 {
        e.export(batch(&[v]).into()).await.unwrap();
    }
    until("retrying", || down.requests().len() >= 3).await;
    drop(e); // a crash: no shutdown
    let up = FaultServer::start(Vec::new()).await;
    let tel = Registry::new();
    let mut e = otlphttp(&up.url, &tel, Some(dir.path()));
    e.start().await.unwrap();
    until("replay", || up.accepted().len() >= 20).await;
    assert_eq!(up.accepted(), (0..20).collect::<Vec<_>>(), "in order, once each");
    e.shutdown().await.unwrap();
    let left = std::fs::read_dir(dir.path().join("exporter_otlphttp_faults")).unwrap().count();
    assert_eq!(left, 0);
}
