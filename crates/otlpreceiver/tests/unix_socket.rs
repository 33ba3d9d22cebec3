//! `transport: unix` (the Collector's `receiver/otlpreceiver/testdata/uds.yaml`): both protocols
//! on Unix domain sockets. Senders: dbintel's `otlp` exporter over `unix:///path` (gRPC) and curl
//! (`--unix-socket`, OTLP/HTTP JSON), an HTTP client nobody here wrote. Also: a socket file left by
//! a dead process is replaced, a live one is not taken over, and the file is gone after shutdown.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::SignalData;
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, ComponentKind, CreateContext, Factory, ReceiverContext};
use dbintel_otlp::fixtures;
use dbintel_otlpreceiver::OtlpReceiverFactory;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

struct Running {
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<Result<(), dbintel_core::ComponentError>>,
    metrics_rx: mpsc::Receiver<SignalData>,
    logs_rx: mpsc::Receiver<SignalData>,
}

fn start(config: &Value) -> Running {
    let telemetry = Registry::new();
    let id = ComponentId::new("otlp", None);
    let ctx = CreateContext::new(id.clone(), telemetry.clone());
    let Ok(Built::Receiver(receiver)) = Factory::create(&OtlpReceiverFactory, &ctx, config) else {
        panic!("the receiver builds from {config}")
    };
    let (mtx, metrics_rx) = mpsc::channel(16);
    let (ltx, logs_rx) = mpsc::channel(16);
    let (ttx, _traces_rx) = mpsc::channel(16);
    let shutdown = CancellationToken::new();
    let rctx = ReceiverContext {
        id: id.clone(),
        output: ReceiverOutput::from_channels_with_traces(Some(mtx), Some(ltx), ttx)
            .with_counters(&id, &telemetry),
        shutdown: shutdown.clone(),
        health: HealthRegistry::new().register(ComponentKind::Receiver, id),
        telemetry,
    };
    let task = tokio::spawn(receiver.run(rctx));
    Running { shutdown, task, metrics_rx, logs_rx }
}

async fn wait_socket(path: &Path) {
    for _ in 0..200 {
        if tokio::net::UnixStream::connect(path).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("nothing listens on {}", path.display());
}

fn uds_config(grpc: &Path, http: &Path) -> Value {
    json!({"protocols": {
        "grpc": {"transport": "unix", "endpoint": grpc},
        "http": {"transport": "unix", "endpoint": http},
    }})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_and_http_are_served_on_unix_sockets() {
    let dir = tempfile::tempdir().unwrap();
    let (grpc, http) = (dir.path().join("grpc_otlp.sock"), dir.path().join("http_otlp.sock"));
    let mut r = start(&uds_config(&grpc, &http));
    wait_socket(&grpc).await;
    wait_socket(&http).await;

    // gRPC: dbintel's otlp exporter dialing unix:///path.
    let sample = fixtures::sample_metrics();
    let id: ComponentId = "otlp/uds".parse().unwrap();
    let factory = dbintel_exporters::factories().into_iter().find(|f| f.info().type_name == "otlp").unwrap();
    let config = json!({"endpoint": format!("unix://{}", grpc.display()), "sending_queue": {"enabled": false},
                        "tls": {"insecure": true}});
    let Ok(Built::Exporter(mut e)) = factory.create(&CreateContext::new(id, Registry::new()), &config) else {
        panic!("the otlp exporter builds from {config}")
    };
    e.start().await.unwrap();
    e.export(Arc::new(SignalData::Metrics(sample.clone()))).await.expect("delivered over the unix socket");
    e.shutdown().await.unwrap();
    let got = tokio::time::timeout(Duration::from_secs(10), r.metrics_rx.recv()).await.expect("in time");
    let Some(SignalData::Metrics(m)) = got else { panic!("metrics expected, got {got:?}") };
    assert_eq!(m.data_point_count(), sample.data_point_count());

    // HTTP: curl speaking OTLP/HTTP JSON over the socket.
    let body = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"curl"}}]},
        "scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","body":{"stringValue":"over a unix socket"}}]}]}]}"#;
    let socket = http.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("curl")
            .args(["-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket"])
            .arg(&socket)
            .args(["-H", "Content-Type: application/json", "--data-binary", body, "http://localhost/v1/logs"])
            .output()
    })
    .await
    .unwrap()
    .expect("curl runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "200", "curl: {}", String::from_utf8_lossy(&out.stderr));
    let got = tokio::time::timeout(Duration::from_secs(10), r.logs_rx.recv()).await.expect("in time");
    let Some(SignalData::Logs(l)) = got else { panic!("logs expected, got {got:?}") };
    assert_eq!(l.log_record_count(), 1);

    r.shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(5), r.task).await.expect("stops").unwrap().unwrap();
    assert!(!grpc.exists() && !http.exists(), "the socket files are removed at shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_socket_is_replaced_and_a_live_one_or_a_plain_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (grpc, http) = (dir.path().join("g.sock"), dir.path().join("h.sock"));
    // A socket file nobody listens on, as a killed process leaves it.
    drop(std::os::unix::net::UnixListener::bind(&grpc).unwrap());
    assert!(grpc.exists());
    let r = start(&json!({"protocols": {"grpc": {"transport": "unix", "endpoint": grpc}}}));
    wait_socket(&grpc).await;

    // A second receiver on the same live socket fails and names the endpoint.
    let second = start(&json!({"protocols": {"grpc": {"transport": "unix", "endpoint": grpc}}}));
    let err =
        tokio::time::timeout(Duration::from_secs(5), second.task).await.expect("ends").unwrap().unwrap_err();
    assert!(err.to_string().contains("another process listens"), "{err}");
    assert!(grpc.exists(), "the live socket stays");

    // A plain file at the path is never removed.
    std::fs::write(&http, b"not a socket").unwrap();
    let third = start(&json!({"protocols": {"http": {"transport": "unix", "endpoint": http}}}));
    let err =
        tokio::time::timeout(Duration::from_secs(5), third.task).await.expect("ends").unwrap().unwrap_err();
    assert!(err.to_string().contains("not a socket"), "{err}");
    assert_eq!(std::fs::read(&http).unwrap(), b"not a socket");

    r.shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(5), r.task).await.expect("stops").unwrap().unwrap();
}

#[test]
fn the_collectors_uds_testdata_validates_and_datagram_transports_are_refused_with_the_reason() {
    // Excerpt of opentelemetry-collector receiver/otlpreceiver/testdata/uds.yaml.
    let uds = json!({"protocols": {
        "grpc": {"transport": "unix", "endpoint": "/tmp/grpc_otlp.sock"},
        "http": {"transport": "unix", "endpoint": "/tmp/http_otlp.sock"},
    }});
    Factory::validate(&OtlpReceiverFactory, &uds).expect("uds.yaml validates");
    assert!(
        Factory::ignored_keys(&OtlpReceiverFactory, &uds).is_empty(),
        "transport is honoured, not ignored"
    );
    for (transport, needle) in [("udp", "not a stream transport"), ("quic", "unknown transport")] {
        let c = json!({"protocols": {"grpc": {"transport": transport}}});
        let p = Factory::validate(&OtlpReceiverFactory, &c).expect_err(transport);
        assert!(p.iter().any(|p| p.message.contains(needle)), "{transport}: {p:?}");
    }
    let c = json!({"protocols": {"http": {"transport": "unix", "endpoint": ""}}});
    let p = Factory::validate(&OtlpReceiverFactory, &c).expect_err("empty path");
    assert!(p.iter().any(|p| p.path == "protocols.http.endpoint"), "{p:?}");
    let c = json!({"protocols": {"grpc": {"transport": "tcp6", "endpoint": "[::1]:4317"}}});
    Factory::validate(&OtlpReceiverFactory, &c).expect("tcp6");
}
