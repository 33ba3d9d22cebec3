//! Health of a queued exporter, end to end (issue 8, finding 13): the runtime with the real
//! `health_check` extension and the real `otlphttp` exporter pointed at a port that refuses
//! connections. The health endpoint must show the exporter as `recoverable_error` with the last error
//! (URL credentials redacted) while every export fails, and `ok` again once the backend accepts.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{
    Metric, MetricData, Metrics, NumberDataPoint, NumberValue, ResourceMetrics, ScopeMetrics,
};
use dbintel_core::pipeline::{
    ExporterNode, ExtensionNode, PipelineNode, ReceiverNode, RuntimeSettings, ServiceGraph,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{
    Built, ComponentError, ComponentId, CreateContext, Factory, PipelineId, Receiver, ReceiverContext,
    SignalData,
};
use dbintel_exporters::OtlpHttpExporterFactory;
use dbintel_extensions::health_check::HealthCheckFactory;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Sends one small metrics batch every 50ms until shutdown.
struct Ticker;

#[async_trait]
impl Receiver for Ticker {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        ctx.health.ok();
        let mut n = 0i64;
        loop {
            tokio::select! {
                _ = ctx.shutdown.cancelled() => return Ok(()),
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
            }
            n += 1;
            let _ = ctx.output.send(batch(n)).await;
        }
    }
}

fn batch(v: i64) -> SignalData {
    let point = NumberDataPoint {
        attributes: Default::default(),
        start_time_unix_nano: 0,
        time_unix_nano: 1,
        value: NumberValue::Int(v),
        flags: 0,
    };
    SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Default::default(),
            scope_metrics: vec![ScopeMetrics {
                scope: Default::default(),
                metrics: vec![Metric {
                    name: "tick".into(),
                    description: String::new(),
                    unit: "1".into(),
                    data: MetricData::Gauge(vec![point]),
                }],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    })
}

async fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port()
}

/// GET the health endpoint; the parsed JSON document.
async fn health(port: u16) -> Option<serde_json::Value> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    s.write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n").await.ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.ok()?;
    let text = String::from_utf8_lossy(&buf);
    let body = text.split_once("\r\n\r\n")?.1;
    serde_json::from_str(body).ok()
}

async fn exporter_status(port: u16) -> Option<(String, Option<String>)> {
    let doc = health(port).await?;
    let c = doc["components"].as_array()?.iter().find(|c| c["kind"] == "exporter")?.clone();
    Some((c["status"].as_str()?.to_string(), c["error"].as_str().map(str::to_string)))
}

async fn until_status(port: u16, want: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some((status, error)) = exporter_status(port).await
            && status == want
        {
            return error;
        }
        assert!(Instant::now() < deadline, "exporter never became {want}: {:?}", exporter_status(port).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Answers every HTTP request on the listener with 200 and an empty body.
async fn accepting_backend(listener: TcpListener) {
    while let Ok((mut stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buf = vec![0u8; 64 * 1024];
            let mut seen = Vec::new();
            loop {
                let Ok(n) = stream.read(&mut buf).await else { return };
                if n == 0 {
                    return;
                }
                seen.extend_from_slice(&buf[..n]);
                // One request at a time: headers, then Content-Length bytes.
                while let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().to_string()))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    if seen.len() < end + 4 + len {
                        break;
                    }
                    seen.drain(..end + 4 + len);
                    let ok = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
                    if stream.write_all(ok).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_shows_a_refused_exporter_failing_then_ok_after_a_delivery() {
    let health_port = free_port().await;
    // Nothing listens here yet: every connection is refused.
    let backend_port = free_port().await;
    let tel = Registry::new();

    let ext_id: ComponentId = "health_check".parse().unwrap();
    let Ok(Built::Extension(ext)) = HealthCheckFactory.create(
        &CreateContext::new(ext_id.clone(), tel.clone()),
        &json!({"endpoint": format!("127.0.0.1:{health_port}")}),
    ) else {
        panic!("health_check");
    };
    let exp_id: ComponentId = "otlphttp".parse().unwrap();
    let config = json!({
        "endpoint": format!("http://ingest:s3cr3t-pw@127.0.0.1:{backend_port}"),
        "compression": "none",
        "timeout": "1s",
        "retry_on_failure": {"initial_interval": "50ms", "max_interval": "100ms", "max_elapsed_time": "0s"},
        "sending_queue": {"num_consumers": 2, "queue_size": 1000},
    });
    let exporter =
        match OtlpHttpExporterFactory.create(&CreateContext::new(exp_id.clone(), tel.clone()), &config) {
            Ok(Built::Exporter(e)) => e,
            Ok(_) => panic!("not an exporter"),
            Err(p) => panic!("config problems: {p:?}"),
        };
    let pipeline: PipelineId = "metrics".parse().unwrap();
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: "ticker".parse().unwrap(),
            receiver: Box::new(Ticker),
            pipelines: vec![pipeline.clone()],
        }],
        pipelines: vec![PipelineNode { id: pipeline, processors: Vec::new(), exporters: vec![exp_id] }],
        exporters: vec![ExporterNode { id: "otlphttp".parse().unwrap(), exporter }],
        extensions: vec![ExtensionNode { id: ext_id, extension: ext }],
    };
    let service =
        dbintel_core::pipeline::start(graph, RuntimeSettings::default(), tel, HealthRegistry::new())
            .await
            .unwrap();

    let error = until_status(health_port, "recoverable_error").await.unwrap_or_default();
    assert!(!error.is_empty(), "the last error is shown");
    assert!(!error.contains("s3cr3t-pw"), "credentials must not reach health: {error}");
    // It stays failing while the backend refuses (the queue accepting new data is not delivery).
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(exporter_status(health_port).await.map(|s| s.0).as_deref(), Some("recoverable_error"));

    let listener = TcpListener::bind(("127.0.0.1", backend_port)).await.unwrap();
    tokio::spawn(accepting_backend(listener));
    until_status(health_port, "ok").await;
    let _ = service.shutdown().await;
}
