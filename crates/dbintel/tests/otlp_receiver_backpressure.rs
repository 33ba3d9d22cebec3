//! Backpressure through the `otlp` receiver, end to end: the dbintel binary receives OTLP/gRPC and
//! exports with `otlphttp` to a backend (Python, official opentelemetry-proto messages) that stalls
//! until the test releases it. While it stalls the exporter's queue, the pipeline queue and then the
//! receiver fill; the receiver answers "retry later" and the sender (dbintel's `otlp` exporter,
//! in-process) backs off and retries. Once the backend is released every point arrives, exactly once.

mod support;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use dbintel_core::pdata::SignalData;
use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, CreateContext};
use serde_json::json;
use support::{Running, free_port};

const BACKEND: &str = r#"
import os, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2

port, release, counts = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()

class H(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        while not os.path.exists(release):
            threading.Event().wait(0.05)
        req = metrics_service_pb2.ExportMetricsServiceRequest()
        req.ParseFromString(body)
        points = 0
        for rm in req.resource_metrics:
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    kind = m.WhichOneof("data")
                    points += len(getattr(m, kind).data_points)
        with lock, open(counts, "a") as f:
            f.write(f"{points}\n")
        out = metrics_service_pb2.ExportMetricsServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
"#;

struct Backend(Child);
impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn received(counts: &std::path::Path) -> u64 {
    std::fs::read_to_string(counts)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .sum()
}

async fn wait_until(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !cond() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The rotel-agent binary shipped in the `rotel` PyPI package.
fn rotel_agent() -> Option<std::path::PathBuf> {
    let out = Command::new("python3")
        .args(["-c", "import rotel, os; print(os.path.join(os.path.dirname(rotel.__file__), 'rotel-agent'))"])
        .output()
        .ok()?;
    let path = std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    path.is_file().then_some(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_exporter_makes_a_dbintel_sender_back_off_and_nothing_is_lost() {
    stalled_exporter(None).await;
}

/// rotel (an independent collector) between the test's exporter and the receiver, over gRPC and
/// over HTTP: its exporter is the sender that must back off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_exporter_makes_rotel_back_off_and_nothing_is_lost() {
    let Some(agent) = rotel_agent() else {
        assert!(std::env::var("CI").is_err(), "rotel is missing: pip install rotel (.ci/test installs it)");
        eprintln!("skipping: rotel is not installed");
        return;
    };
    for protocol in ["grpc", "http"] {
        stalled_exporter(Some((&agent, protocol))).await;
    }
}

async fn stalled_exporter(rotel: Option<(&std::path::Path, &str)>) {
    if Command::new("python3")
        .args(["-c", "import opentelemetry.proto"])
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
    {
        assert!(std::env::var("CI").is_err(), "pip install opentelemetry-proto (.ci/test installs it)");
        eprintln!("skipping: the opentelemetry-proto Python package is missing");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (backend_port, grpc_port, http_port) = (free_port(), free_port(), free_port());
    let release = dir.path().join("release");
    let counts = dir.path().join("counts");
    let _backend = Backend(
        Command::new("python3")
            .args(["-c", BACKEND, &backend_port.to_string()])
            .arg(&release)
            .arg(&counts)
            .stdin(Stdio::null())
            .spawn()
            .expect("start the backend"),
    );
    let config = format!(
        r#"
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{grpc_port}
      http:
        endpoint: 127.0.0.1:{http_port}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:{backend_port}
    compression: none
    timeout: 120s
    sending_queue:
      num_consumers: 1
      queue_size: 2
      block_on_overflow: true
service:
  telemetry:
    metrics:
      address: 127.0.0.1:0
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [otlphttp]
"#
    );
    let config_path = dir.path().join("config.yaml");
    std::fs::write(&config_path, config).unwrap();
    let mut collector = Running::start(&["run", "--config", config_path.to_str().unwrap()], &[], dir.path());
    wait_until("the receiver to listen", Duration::from_secs(30), || {
        std::net::TcpStream::connect(("127.0.0.1", grpc_port)).is_ok()
    })
    .await;
    wait_until("the backend to listen", Duration::from_secs(30), || {
        std::net::TcpStream::connect(("127.0.0.1", backend_port)).is_ok()
    })
    .await;

    // With rotel, the test's exporter sends to rotel, which forwards to the receiver.
    let mut _rotel = None;
    let mut target = grpc_port;
    if let Some((agent, protocol)) = rotel {
        let (rotel_grpc, rotel_http) = (free_port(), free_port());
        let endpoint = match protocol {
            "grpc" => format!("http://127.0.0.1:{grpc_port}"),
            _ => format!("http://127.0.0.1:{http_port}"),
        };
        _rotel = Some(Backend(
            Command::new(agent)
                .args(["start", "--otlp-grpc-endpoint", &format!("127.0.0.1:{rotel_grpc}")])
                .args(["--otlp-http-endpoint", &format!("127.0.0.1:{rotel_http}")])
                .args(["--exporter", "otlp", "--otlp-exporter-endpoint", &endpoint])
                .args(["--otlp-exporter-protocol", protocol])
                // One metric per request, so rotel sends many requests, as our own sender does.
                .args(["--batch-max-size", "1"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start rotel-agent"),
        ));
        wait_until("rotel to listen", Duration::from_secs(30), || {
            std::net::TcpStream::connect(("127.0.0.1", rotel_grpc)).is_ok()
        })
        .await;
        target = rotel_grpc;
    }

    // The sender: dbintel's otlp exporter, with a queue that holds everything and patient retries.
    let telemetry = Registry::new();
    let ctx = CreateContext::new(ComponentId::new("otlp", Some("sender".into())), telemetry.clone());
    let factory = dbintel_exporters::factories()
        .into_iter()
        .find(|f| f.info().type_name == "otlp")
        .expect("otlp exporter");
    // The receiver answers a request it took only once the exporter has it, or after its 4 s
    // bound: with the exporter stalled, each request is held that long, so enough of them are
    // sent at once to fill the pipeline soon, with a timeout that outlasts the bound (a sender
    // that gave up first would resend, and the test counts duplicates).
    let sender_config = json!({
        "endpoint": format!("http://127.0.0.1:{target}"),
        "timeout": "30s",
        "retry_on_failure": {"initial_interval": "100ms", "max_interval": "1s", "max_elapsed_time": "300s"},
        "sending_queue": {"num_consumers": 32, "queue_size": 1000},
    });
    let Ok(Built::Exporter(mut sender)) = factory.create(&ctx, &sender_config) else {
        panic!("sender builds")
    };
    sender.start().await.unwrap();
    let (batches, per_batch) = (300u64, 10usize);
    for _ in 0..batches {
        let batch = dbintel_otlp::fixtures::large_metrics(per_batch);
        assert_eq!(batch.data_point_count(), per_batch);
        sender.export(Arc::new(SignalData::Metrics(batch))).await.unwrap();
    }
    let total = batches * per_batch as u64;

    // While the backend stalls, the pipeline fills, the receiver refuses and the sender (ours, or
    // rotel) backs off and retries.
    let retries = || telemetry.counter_total("dbintel_exporter_retries_total", &[]);
    if rotel.is_none() {
        wait_until("the sender to be refused and retry", Duration::from_secs(60), || retries() > 0).await;
    } else {
        // rotel takes everything at once; the refusals reach its exporter (the collector's log
        // shows the pipeline throttling its receiver).
        wait_until("the pipeline to fill", Duration::from_secs(60), || {
            collector.stderr().contains("Pipeline queue nearly full")
                || collector.stdout().contains("Pipeline queue nearly full")
        })
        .await;
    }
    assert_eq!(received(&counts), 0, "the backend answered nothing yet");

    // Released, everything drains: every point arrives exactly once.
    std::fs::write(&release, b"go").unwrap();
    wait_until("every point at the backend", Duration::from_secs(240), || received(&counts) >= total).await;
    sender.shutdown().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(received(&counts), total, "no point lost, none duplicated");
    assert_eq!(telemetry.counter_total("otelcol_exporter_sent_metric_points", &[]), total);
    assert_eq!(telemetry.counter_total("dbintel_exporter_dropped_metric_points_total", &[]), 0);
    eprintln!("sender retries while the pipeline was full: {}", retries());

    collector.signal("TERM");
    assert!(collector.wait_exit(Duration::from_secs(15)).success(), "{}", collector.stderr());
    let log = collector.stderr() + &collector.stdout();
    assert!(!log.contains("dropped"), "the collector dropped data:\n{log}");
}
