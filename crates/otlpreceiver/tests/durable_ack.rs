//! The `otlp` receiver answers a request only once every exporter its data reaches has it in its
//! sending queue (delivery tokens, `dbintel_core::delivery`), through the real runtime
//! (`pipeline::start_with_host`):
//! - an exporter stalled inside `export` (a slow disk): the gRPC and HTTP answers wait for it;
//! - an exporter that refuses (sending queue full): `UNAVAILABLE` with `RetryInfo` / 503 with
//!   `Retry-After`, so the sender keeps the data;
//! - dbintel's real `otlp` exporter with a persistent queue (`file_storage`) to a backend that is
//!   down: when the answer arrives, the request is already a file in the queue directory.
//!
//! No assertion depends on time: "not answered yet" is checked while the exporter is held closed.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::SignalData;
use dbintel_core::pipeline::{
    ExporterNode, PipelineNode, ReceiverNode, RunningService, RuntimeSettings, ServiceGraph, start_with_host,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, CreateContext, ExportError, Exporter, Factory, Host};
use dbintel_otlp::fixtures;
use dbintel_otlpreceiver::OtlpReceiverFactory;
use dbintel_test_support::free_port;
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
use prost::Message;
use serde_json::json;

struct Service {
    svc: RunningService,
    grpc: u16,
    http: u16,
    telemetry: Registry,
}

/// The receiver -> one metrics pipeline (no processors) -> `exporter`, all on `host`.
async fn service(exporter: Box<dyn Exporter>, host: Host) -> Service {
    let (grpc, http) = (free_port().unwrap(), free_port().unwrap());
    let config = json!({"protocols": {
        "grpc": {"endpoint": format!("127.0.0.1:{grpc}")},
        "http": {"endpoint": format!("127.0.0.1:{http}")},
    }});
    let telemetry = Registry::new();
    let id: ComponentId = "otlp".parse().unwrap();
    let ctx = CreateContext { host: host.clone(), ..CreateContext::new(id.clone(), telemetry.clone()) };
    let Ok(Built::Receiver(receiver)) = Factory::create(&OtlpReceiverFactory, &ctx, &config) else {
        panic!("the receiver builds")
    };
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode { id, receiver, pipelines: vec!["metrics".parse().unwrap()] }],
        pipelines: vec![PipelineNode {
            id: "metrics".parse().unwrap(),
            processors: vec![],
            exporters: vec!["sink".parse().unwrap()],
        }],
        exporters: vec![ExporterNode { id: "sink".parse().unwrap(), exporter }],
        extensions: vec![],
    };
    let svc =
        start_with_host(graph, RuntimeSettings::default(), telemetry.clone(), HealthRegistry::new(), host)
            .await
            .expect("starts");
    for port in [grpc, http] {
        let mut up = false;
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(up, "nothing listens on {port}");
    }
    Service { svc, grpc, http, telemetry }
}

/// Holds every `export` until the test adds a permit; refuses instead when `refuse` is set.
struct Stalled {
    entered: Arc<AtomicUsize>,
    gate: Arc<tokio::sync::Semaphore>,
    refuse: bool,
}

#[async_trait]
impl Exporter for Stalled {
    async fn export(&mut self, _data: Arc<SignalData>) -> Result<(), ExportError> {
        self.entered.fetch_add(1, Ordering::SeqCst);
        if self.refuse {
            return Err(ExportError::Failed("the sending queue is full".into()));
        }
        if let Ok(p) = self.gate.acquire().await {
            p.forget();
        }
        Ok(())
    }
}

/// The receiver in front of a [`Stalled`] exporter that holds every export until a permit is
/// added to the returned gate; the counter says how many exports it has entered.
async fn stalled_service() -> (Service, Arc<AtomicUsize>, Arc<tokio::sync::Semaphore>) {
    let entered = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let exporter = Stalled { entered: entered.clone(), gate: gate.clone(), refuse: false };
    (service(Box::new(exporter), Host::new()).await, entered, gate)
}

async fn wait_until(mut cond: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached");
}

/// A raw OTLP/HTTP protobuf POST: (status, Retry-After).
async fn post_protobuf(port: u16, body: Vec<u8>) -> (u16, Option<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf);
    let code = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let retry_after = text
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("retry-after:").map(|v| v.trim().to_string()));
    (code, retry_after)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_and_http_answers_wait_for_a_stalled_exporter() {
    let (s, entered, gate) = stalled_service().await;
    let request = dbintel_otlp::to_proto_metrics(&fixtures::sample_metrics());

    let mut client = MetricsServiceClient::connect(format!("http://127.0.0.1:{}", s.grpc)).await.unwrap();
    let grpc = tokio::spawn(async move { client.export(request).await.map(|_| ()) });
    wait_until(|| entered.load(Ordering::SeqCst) == 1).await;
    assert!(!grpc.is_finished(), "answered while the exporter had not taken the data");
    gate.add_permits(1);
    grpc.await.unwrap().expect("answered OK once the exporter took it");

    let body = dbintel_otlp::to_proto_metrics(&fixtures::sample_metrics()).encode_to_vec();
    let http_port = s.http;
    let http = tokio::spawn(post_protobuf(http_port, body));
    wait_until(|| entered.load(Ordering::SeqCst) == 2).await;
    assert!(!http.is_finished(), "answered while the exporter had not taken the data");
    gate.add_permits(1);
    assert_eq!(http.await.unwrap().0, 200);
    assert_eq!(s.telemetry.counter_total("dbintel_receiver_unsettled_answers_total", &[]), 0);
    s.svc.shutdown().await;
}

/// A sender's `grpc-timeout` shortens the delivery wait to three quarters of it: a sender that
/// gives up after 2 s gets its OK (counted as unsettled) instead of DEADLINE_EXCEEDED and a resend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpc_senders_timeout_bounds_the_delivery_wait() {
    let (s, entered, gate) = stalled_service().await;
    let mut client = MetricsServiceClient::connect(format!("http://127.0.0.1:{}", s.grpc)).await.unwrap();
    let mut request = tonic::Request::new(dbintel_otlp::to_proto_metrics(&fixtures::sample_metrics()));
    request.set_timeout(Duration::from_secs(2));
    client.export(request).await.expect("answered before the sender's own deadline");
    assert_eq!(entered.load(Ordering::SeqCst), 1, "the exporter still holds the data");
    assert_eq!(s.telemetry.counter_total("dbintel_receiver_unsettled_answers_total", &[]), 1);
    gate.add_permits(1);
    s.svc.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exporter_refusing_the_data_is_unavailable_and_503_with_a_retry_hint() {
    let entered = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let s = service(Box::new(Stalled { entered, gate, refuse: true }), Host::new()).await;
    let request = dbintel_otlp::to_proto_metrics(&fixtures::sample_metrics());
    let mut client = MetricsServiceClient::connect(format!("http://127.0.0.1:{}", s.grpc)).await.unwrap();
    let status = client.export(request.clone()).await.expect_err("refused");
    assert_eq!(status.code(), tonic::Code::Unavailable);
    assert!(status.message().contains("sending queue"), "{}", status.message());
    assert!(
        status.details().windows(b"google.rpc.RetryInfo".len()).any(|w| w == b"google.rpc.RetryInfo"),
        "RetryInfo in the status details"
    );
    let (code, retry_after) = post_protobuf(s.http, request.encode_to_vec()).await;
    assert_eq!((code, retry_after.as_deref()), (503, Some("1")));
    s.svc.shutdown().await;
}

fn queue_files(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "req") {
                n += 1;
            }
        }
    }
    n
}

/// The real `otlp` exporter with a persistent queue, its backend down: each answer finds its
/// request already written in the queue directory (before tokens, the answer came when the
/// pipeline took the data, and the write could still be ahead).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_means_the_persistent_queue_has_written_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::new();
    let fs: dbintel_extensions::file_storage::FileStorageConfig =
        dbintel_core::parse_component_config(&json!({"directory": dir.path().display().to_string()}))
            .unwrap();
    host.add_extension(
        "file_storage/queue".parse().unwrap(),
        Arc::new(dbintel_extensions::file_storage::Storage::from(&fs)),
    );
    let down = free_port().unwrap();
    let config = json!({
        "endpoint": format!("http://127.0.0.1:{down}"),
        "retry_on_failure": {"initial_interval": "10s", "max_elapsed_time": "0s"},
        "sending_queue": {"storage": "file_storage/queue", "num_consumers": 1},
    });
    let id: ComponentId = "otlp/down".parse().unwrap();
    let ctx = CreateContext { host: host.clone(), ..CreateContext::new(id, Registry::new()) };
    let factory = dbintel_exporters::factories().into_iter().find(|f| f.info().type_name == "otlp").unwrap();
    let Ok(Built::Exporter(exporter)) = factory.create(&ctx, &config) else { panic!("the exporter builds") };
    let s = service(exporter, host).await;
    let request = dbintel_otlp::to_proto_metrics(&fixtures::sample_metrics());
    let mut client = MetricsServiceClient::connect(format!("http://127.0.0.1:{}", s.grpc)).await.unwrap();
    for i in 1..=3 {
        client.export(request.clone()).await.expect("answered OK");
        // The one consumer holds one request in its retry; every request stays a file until sent.
        assert_eq!(queue_files(dir.path()), i, "request {i} answered before it was written");
    }
    assert_eq!(post_protobuf(s.http, request.encode_to_vec()).await.0, 200);
    assert_eq!(queue_files(dir.path()), 4);
    assert_eq!(s.telemetry.counter_total("dbintel_receiver_unsettled_answers_total", &[]), 0);
    s.svc.shutdown().await;
}
