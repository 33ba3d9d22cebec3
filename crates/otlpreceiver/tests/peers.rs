//! The `otlp` receiver against real senders: dbintel's own `otlp` (gRPC) and `otlphttp` exporters,
//! the official Python `opentelemetry-proto` messages over grpcio and HTTP (gzip, zstd, JSON,
//! partial success, oversize, wrong content type), rotel forwarding over gRPC and HTTP, TLS and
//! mutual TLS, and backpressure: a full pipeline answers "retry later" and the sender's retries
//! deliver every point in the end.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{Logs, Metrics, SignalData};
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{AdmissionRegistry, Admit, Scope};
use dbintel_core::{Built, ComponentId, ComponentKind, CreateContext, Exporter, Factory, ReceiverContext};
use dbintel_otlp::fixtures;
use dbintel_otlpreceiver::OtlpReceiverFactory;
use dbintel_test_support::{TestCertificates, free_port};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// A running receiver whose pipelines are two channels, and what arrived through them.
struct Running {
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<()>,
    metrics_rx: mpsc::Receiver<SignalData>,
    logs_rx: mpsc::Receiver<SignalData>,
    traces_rx: mpsc::Receiver<SignalData>,
    telemetry: Registry,
    grpc: u16,
    http: u16,
}

async fn start(config: Value, capacity: usize) -> Running {
    start_with(config, capacity, None).await
}

async fn start_with(mut config: Value, capacity: usize, admission: Option<&AdmissionRegistry>) -> Running {
    let (grpc, http) = (free_port().unwrap(), free_port().unwrap());
    if let Some(g) = config["protocols"].get_mut("grpc") {
        g["endpoint"] = json!(format!("127.0.0.1:{grpc}"));
    }
    if let Some(h) = config["protocols"].get_mut("http") {
        h["endpoint"] = json!(format!("127.0.0.1:{http}"));
    }
    let telemetry = Registry::new();
    let id = ComponentId::new("otlp", None);
    let ctx = CreateContext::new(id.clone(), telemetry.clone());
    let Ok(Built::Receiver(receiver)) = Factory::create(&OtlpReceiverFactory, &ctx, &config) else {
        panic!("the receiver builds from {config}")
    };
    let (mtx, metrics_rx) = mpsc::channel(capacity);
    let (ltx, logs_rx) = mpsc::channel(capacity);
    let (ttx, traces_rx) = mpsc::channel(capacity);
    let shutdown = CancellationToken::new();
    let mut output =
        ReceiverOutput::from_channels_with_traces(Some(mtx), Some(ltx), ttx).with_counters(&id, &telemetry);
    if let Some(a) = admission {
        output = output.with_admission(&id, a.handle(&id), &telemetry);
    }
    let rctx = ReceiverContext {
        id: id.clone(),
        output,
        shutdown: shutdown.clone(),
        health: HealthRegistry::new().register(ComponentKind::Receiver, id.clone()),
        telemetry: telemetry.clone(),
    };
    let task = tokio::spawn(async move {
        receiver.run(rctx).await.expect("the receiver runs");
    });
    for port in [grpc, http] {
        if config["protocols"].get(if port == grpc { "grpc" } else { "http" }).is_some() {
            wait_listening(port).await;
        }
    }
    Running { shutdown, task, metrics_rx, logs_rx, traces_rx, telemetry, grpc, http }
}

async fn wait_listening(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("nothing listens on {port}");
}

impl Running {
    /// Receives until `points` metric points and `records` log records arrived (bounded wait).
    async fn collect(&mut self, points: usize, records: usize) -> (Vec<Metrics>, Vec<Logs>) {
        let (mut metrics, mut logs) = (Vec::new(), Vec::new());
        let (mut got_points, mut got_records) = (0, 0);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while got_points < points || got_records < records {
            tokio::select! {
                Some(SignalData::Metrics(m)) = self.metrics_rx.recv() => { got_points += m.data_point_count(); metrics.push(m); }
                Some(SignalData::Logs(l)) = self.logs_rx.recv() => { got_records += l.log_record_count(); logs.push(l); }
                _ = tokio::time::sleep_until(deadline) => panic!("only {got_points}/{points} points and {got_records}/{records} records arrived"),
            }
        }
        // Nothing more than expected.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            self.metrics_rx.try_recv().is_err() && self.logs_rx.try_recv().is_err(),
            "more data than sent"
        );
        (metrics, logs)
    }

    fn counter(&self, name: &str) -> u64 {
        self.telemetry.counter_total(name, &[])
    }

    async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(5), self.task).await.expect("stops in time").unwrap();
    }
}

fn exporter(type_name: &str, config: Value) -> Box<dyn Exporter> {
    let id: ComponentId = format!("{type_name}/peer").parse().unwrap();
    let ctx = CreateContext::new(id, Registry::new());
    let factory =
        dbintel_exporters::factories().into_iter().find(|f| f.info().type_name == type_name).unwrap();
    match factory.create(&ctx, &config) {
        Ok(Built::Exporter(e)) => e,
        _ => panic!("exporter {type_name} builds from {config}"),
    }
}

fn proto_metrics(m: &Metrics) -> Vec<u8> {
    use prost::Message;
    dbintel_otlp::to_proto_metrics(m).encode_to_vec()
}

fn both() -> Value {
    json!({"protocols": {"grpc": {}, "http": {}}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dbintel_exporters_deliver_over_grpc_zstd_and_http_protobuf_and_json() {
    let mut r = start(both(), 64).await;
    let sample = fixtures::sample_metrics();
    let logs = fixtures::sample_logs();
    let senders = [
        ("otlp", json!({"endpoint": format!("http://127.0.0.1:{}", r.grpc), "compression": "zstd"})),
        ("otlphttp", json!({"endpoint": format!("http://127.0.0.1:{}", r.http), "compression": "gzip"})),
        (
            "otlphttp",
            json!({"endpoint": format!("http://127.0.0.1:{}", r.http), "encoding": "json", "compression": "none"}),
        ),
    ];
    for (i, (type_name, mut config)) in senders.into_iter().enumerate() {
        config["sending_queue"] = json!({"enabled": false});
        let mut e = exporter(type_name, config);
        e.start().await.unwrap();
        e.export(Arc::new(SignalData::Metrics(sample.clone()))).await.expect("metrics delivered");
        // The JSON sender too: "NaN"/"Infinity" doubles (the nested one in a log attribute) arrive.
        let sent_logs = logs.clone();
        e.export(Arc::new(SignalData::Logs(sent_logs.clone()))).await.expect("logs delivered");
        e.shutdown().await.unwrap();
        let (m, l) = r.collect(sample.data_point_count(), logs.log_record_count()).await;
        assert_eq!(proto_metrics(&m[0]), proto_metrics(&sample), "{type_name} {i}: metrics unchanged");
        assert_eq!(l, vec![sent_logs], "{type_name}: logs unchanged");
    }
    let accepted = r.counter("otelcol_receiver_accepted_metric_points");
    assert_eq!(accepted, 3 * sample.data_point_count() as u64);
    assert_eq!(r.counter("otelcol_receiver_refused_metric_points"), 0, "JSON special doubles are read");
    r.stop().await;
}

/// Spans from dbintel's own exporters (gRPC with gzip, HTTP protobuf, HTTP JSON) arrive as sent:
/// ids, parents, links, events and status byte for byte (the gateway tier's traces path).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_from_dbintel_exporters_arrive_byte_exact_over_grpc_and_http() {
    let mut r = start(both(), 64).await;
    let sample = fixtures::sample_traces();
    let spans = sample.span_count();
    let senders = [
        ("otlp", json!({"endpoint": format!("http://127.0.0.1:{}", r.grpc), "compression": "gzip"})),
        ("otlphttp", json!({"endpoint": format!("http://127.0.0.1:{}", r.http), "compression": "zstd"})),
        (
            "otlphttp",
            json!({"endpoint": format!("http://127.0.0.1:{}", r.http), "encoding": "json", "compression": "none"}),
        ),
    ];
    for (type_name, mut config) in senders {
        config["sending_queue"] = json!({"enabled": false});
        let mut e = exporter(type_name, config);
        e.start().await.unwrap();
        e.export(Arc::new(SignalData::Traces(sample.clone()))).await.expect("spans delivered");
        e.shutdown().await.unwrap();
        let got = tokio::time::timeout(Duration::from_secs(30), r.traces_rx.recv())
            .await
            .expect("spans arrive in time")
            .expect("the channel is open");
        assert_eq!(got, SignalData::Traces(sample.clone()), "{type_name}: spans unchanged");
    }
    assert_eq!(r.counter("otelcol_receiver_accepted_spans"), 3 * spans as u64);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_and_mutual_tls() {
    let dir = tempfile::tempdir().unwrap();
    let certs = TestCertificates::for_server(&dir.path().join("pki"), &["127.0.0.1", "localhost"]).unwrap();
    let p = |p: &PathBuf| p.display().to_string();
    let tls = json!({"cert_file": p(&certs.server_cert), "key_file": p(&certs.server_key), "client_ca_file": p(&certs.ca_file)});
    let mut r = start(json!({"protocols": {"grpc": {"tls": tls}, "http": {"tls": tls}}}), 64).await;
    let sample = fixtures::sample_metrics();
    let client_tls = json!({"ca_file": p(&certs.ca_file), "cert_file": p(&certs.client_cert), "key_file": p(&certs.client_key)});
    for (type_name, port) in [("otlp", r.grpc), ("otlphttp", r.http)] {
        let config = json!({"endpoint": format!("https://127.0.0.1:{port}"), "tls": client_tls, "sending_queue": {"enabled": false}});
        let mut e = exporter(type_name, config);
        e.start().await.unwrap();
        e.export(Arc::new(SignalData::Metrics(sample.clone()))).await.expect("delivered over mutual TLS");
        e.shutdown().await.unwrap();
        let (m, _) = r.collect(sample.data_point_count(), 0).await;
        assert_eq!(proto_metrics(&m[0]), proto_metrics(&sample));
        // Without a client certificate the handshake is refused: nothing arrives.
        let config = json!({
            "endpoint": format!("https://127.0.0.1:{port}"), "tls": {"ca_file": p(&certs.ca_file)}, "timeout": "2s",
            "retry_on_failure": {"enabled": false}, "sending_queue": {"enabled": false},
        });
        let mut e = exporter(type_name, config);
        e.start().await.unwrap();
        let err = e.export(Arc::new(SignalData::Metrics(sample.clone()))).await;
        assert!(err.is_err(), "{type_name}: a client without a certificate was served");
        e.shutdown().await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(r.metrics_rx.try_recv().is_err());
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_pipeline_is_answered_retry_later_and_every_point_arrives() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    // One batch of room per signal and nobody reading: the pipeline is full after the first.
    let mut r = start(both(), 1).await;
    let batch = fixtures::sample_metrics();
    let per = batch.data_point_count();
    let batches = 6;
    let mut senders = Vec::new();
    for (type_name, port) in [("otlp", r.grpc), ("otlphttp", r.http)] {
        let config = json!({
            "endpoint": format!("http://127.0.0.1:{port}"),
            "retry_on_failure": {"initial_interval": "100ms", "max_interval": "1s", "max_elapsed_time": "60s"},
            "sending_queue": {"num_consumers": 2, "queue_size": 100},
        });
        let mut e = exporter(type_name, config);
        e.start().await.unwrap();
        for _ in 0..batches {
            e.export(Arc::new(SignalData::Metrics(batch.clone()))).await.unwrap();
        }
        senders.push(e);
    }
    // The senders are refused while nothing drains.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while r.counter("otelcol_receiver_refused_metric_points") == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no request was refused");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Now drain slowly: the senders' retries bring every point.
    let (m, _) = r.collect(2 * batches * per, 0).await;
    assert_eq!(m.iter().map(Metrics::data_point_count).sum::<usize>(), 2 * batches * per);
    for mut e in senders {
        e.shutdown().await.unwrap();
    }
    let refused = r.counter("otelcol_receiver_refused_metric_points");
    assert!(refused >= per as u64, "refused {refused}");
    assert_eq!(r.counter("otelcol_receiver_accepted_metric_points"), (2 * batches * per) as u64);
    r.stop().await;
}

/// The Python peer: official opentelemetry-proto messages over grpcio and urllib.
const PY_PEER: &str = include_str!("python_sender.py");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sender_gzip_zstd_json_partial_success_and_limits() {
    if Command::new("python3")
        .args(["-c", "import grpc, zstandard, opentelemetry.proto"])
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
    {
        assert!(std::env::var("CI").is_err(), "pip install grpcio zstandard opentelemetry-proto");
        eprintln!("skipping: python peer packages missing");
        return;
    }
    let mut cfg = both();
    cfg["protocols"]["http"]["max_request_body_size"] = json!(200_000);
    cfg["protocols"]["grpc"]["max_recv_msg_size_mib"] = json!(1);
    cfg["protocols"]["http"]["cors"] = json!({"allowed_origins": ["https://*.example.com"], "max_age": 600});
    let mut r = start(cfg, 64).await;
    let (grpc, http) = (r.grpc, r.http);
    let out = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .args(["-c", PY_PEER, &format!("127.0.0.1:{grpc}"), &format!("http://127.0.0.1:{http}")])
            .stderr(Stdio::inherit())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "python peer failed:\n{stdout}");
    let results: Value = serde_json::from_str(stdout.trim()).expect("peer prints JSON");
    eprintln!("{results:#}");
    // Each case: what the peer saw.
    assert_eq!(results["http_gzip_protobuf"]["status"], 200);
    assert_eq!(results["http_gzip_protobuf"]["rejected"], 0);
    assert_eq!(results["http_zstd_json"]["status"], 200);
    assert_eq!(results["http_deflate_logs"]["status"], 200);
    assert_eq!(results["http_partial"]["status"], 200);
    assert_eq!(results["http_partial"]["rejected"], 2);
    assert!(results["http_partial"]["message"].as_str().unwrap().contains("exponential histograms"));
    assert_eq!(results["http_oversize"]["status"], 413);
    assert_eq!(results["http_zip_bomb"]["status"], 413);
    assert_eq!(results["http_bad_type"]["status"], 415);
    assert_eq!(results["http_garbage"]["status"], 400);
    assert_eq!(results["http_wrong_path"]["status"], 404);
    assert_eq!(results["http_get"]["status"], 405);
    assert_eq!(results["cors_preflight"]["status"], 204);
    assert_eq!(results["cors_preflight"]["allow_origin"], "https://app.example.com");
    assert_eq!(results["cors_preflight"]["max_age"], "600");
    assert_eq!(results["cors_other_origin"]["allow_origin"], Value::Null);
    assert_eq!(results["grpc_gzip"]["code"], "OK");
    assert_eq!(results["grpc_partial"]["rejected"], 2);
    // As grpc-go (the Collector) answers; tonic's own OUT_OF_RANGE would make senders retry it.
    assert_eq!(results["grpc_oversize"]["code"], "RESOURCE_EXHAUSTED");
    // What arrived: gzip protobuf (1 point), zstd JSON (1 point), grpc gzip (1 point), the partial
    // requests' good points (1 + 1), and 1 log record; nothing of the refused requests.
    let (m, l) = r.collect(5, 1).await;
    let names: Vec<&str> = m
        .iter()
        .flat_map(|m| &m.resource_metrics)
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names.iter().filter(|n| **n == "py.gauge").count(), 5, "{names:?}");
    let record = &l[0].resource_logs[0].scope_logs[0].log_records[0];
    assert_eq!(
        record.trace_id,
        Some([
            0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c
        ])
    );
    assert_eq!(record.attributes.get("n"), Some(&dbintel_core::pdata::Value::Int(1 << 40)));
    assert_eq!(
        r.counter("otelcol_receiver_refused_metric_points"),
        4,
        "the two exponential histograms per partial request"
    );
    r.stop().await;
}

/// The rotel-agent binary shipped in the `rotel` PyPI package.
fn rotel_agent() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args(["-c", "import rotel, os; print(os.path.join(os.path.dirname(rotel.__file__), 'rotel-agent'))"])
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    path.is_file().then_some(path)
}

struct Child(std::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotel_forwards_to_the_receiver_over_grpc_and_http() {
    let Some(agent) = rotel_agent() else {
        assert!(std::env::var("CI").is_err(), "rotel is missing: pip install rotel (.ci/test installs it)");
        eprintln!("skipping: rotel is not installed");
        return;
    };
    let mut r = start(both(), 64).await;
    let sample = fixtures::sample_metrics();
    let logs = fixtures::sample_logs();
    for (protocol, endpoint) in
        [("grpc", format!("http://127.0.0.1:{}", r.grpc)), ("http", format!("http://127.0.0.1:{}", r.http))]
    {
        let rotel_in = free_port().unwrap();
        let rotel_http = free_port().unwrap();
        let _rotel = Child(
            Command::new(&agent)
                .args(["start", "--otlp-grpc-endpoint", &format!("127.0.0.1:{rotel_in}")])
                .args(["--otlp-http-endpoint", &format!("127.0.0.1:{rotel_http}")])
                .args(["--exporter", "otlp", "--otlp-exporter-endpoint", &endpoint])
                .args(["--otlp-exporter-protocol", protocol])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start rotel-agent"),
        );
        wait_listening(rotel_in).await;
        let mut e = exporter(
            "otlp",
            json!({"endpoint": format!("http://127.0.0.1:{rotel_in}"), "compression": "gzip", "sending_queue": {"enabled": false}}),
        );
        e.start().await.unwrap();
        e.export(Arc::new(SignalData::Metrics(sample.clone()))).await.expect("rotel takes metrics");
        e.export(Arc::new(SignalData::Logs(logs.clone()))).await.expect("rotel takes logs");
        e.shutdown().await.unwrap();
        let (m, l) = r.collect(sample.data_point_count(), logs.log_record_count()).await;
        let points: usize = m.iter().map(Metrics::data_point_count).sum();
        assert_eq!(points, sample.data_point_count(), "rotel over {protocol}");
        let records: usize = l.iter().map(Logs::log_record_count).sum();
        assert_eq!(records, logs.log_record_count(), "rotel over {protocol}");
        let names = |m: &[Metrics]| {
            let mut v: Vec<String> = m
                .iter()
                .flat_map(|m| &m.resource_metrics)
                .flat_map(|rm| &rm.scope_metrics)
                .flat_map(|sm| &sm.metrics)
                .map(|m| m.name.clone())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names(&m), names(std::slice::from_ref(&sample)), "rotel over {protocol}");
    }
    r.stop().await;
}

/// A raw OTLP/HTTP protobuf POST of `body`: (status, Retry-After).
async fn post_protobuf(port: u16, path: &str, body: Vec<u8>) -> (u16, Option<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
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
async fn admission_skip_is_resource_exhausted_and_429_with_a_retry_hint() {
    use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
    let admission = AdmissionRegistry::new();
    let mut r = start_with(both(), 64, Some(&admission)).await;
    let sample = fixtures::sample_metrics();
    let request = dbintel_otlp::to_proto_metrics(&sample);
    let body = proto_metrics(&sample);
    admission.set(
        "memory_limiter",
        Scope::AllReceivers,
        Admit::Skip { reason: "memory above the soft limit".into() },
    );

    let mut client = MetricsServiceClient::connect(format!("http://127.0.0.1:{}", r.grpc)).await.unwrap();
    let status = client.export(request.clone()).await.expect_err("refused while admission says skip");
    assert_eq!(status.code(), tonic::Code::ResourceExhausted);
    assert!(status.message().contains("memory above the soft limit"), "{}", status.message());
    let details = status.details();
    assert!(
        details.windows(b"google.rpc.RetryInfo".len()).any(|w| w == b"google.rpc.RetryInfo"),
        "RetryInfo in the status details"
    );
    let (code, retry_after) = post_protobuf(r.http, "/v1/metrics", body.clone()).await;
    assert_eq!((code, retry_after.as_deref()), (429, Some("1")));
    assert_eq!(r.counter("otelcol_receiver_refused_metric_points"), 2 * sample.data_point_count() as u64);

    // Withdrawn: both are taken.
    admission.set("memory_limiter", Scope::AllReceivers, Admit::Full);
    client.export(request).await.expect("taken once admission is full");
    assert_eq!(post_protobuf(r.http, "/v1/metrics", body).await.0, 200);
    r.collect(2 * sample.data_point_count(), 0).await;
    r.stop().await;
}
