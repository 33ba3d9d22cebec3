//! User info in an OTLP endpoint (`http://user:secret@host:port`): sent as HTTP Basic authentication
//! (as the Collector's Go HTTP client does; an explicit `authorization` header wins) and never
//! printed: not in logs (captured here through a tracing subscriber), not in self-telemetry, not in
//! `validate` problems. The peers: a closed port (refused), a raw HTTP/1.1 peer answering 503,
//! tonic's gRPC server and an axum OTLP/HTTP endpoint recording the `authorization` they get.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use dbintel_core::pdata::{
    Metric, MetricData, Metrics, NumberDataPoint, NumberValue, ResourceMetrics, ScopeMetrics,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, CreateContext, Exporter, Factory, SignalData};
use dbintel_exporters::{OtlpGrpcExporterFactory, OtlpHttpExporterFactory};
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "s3cretPw";
/// `base64("user:s3cretPw")`.
const BASIC: &str = "Basic dXNlcjpzM2NyZXRQdw==";

// ---------------------------------------------------------------------------------------------
// Captured logs (one subscriber for the whole test binary).

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

fn logs() -> &'static Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(logs.clone())
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        logs
    })
}

fn log_text() -> String {
    String::from_utf8_lossy(&logs().0.lock().unwrap()).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Peers.

#[derive(Clone, Default)]
struct GrpcAuth(Arc<Mutex<Vec<String>>>);

#[tonic::async_trait]
impl MetricsService for GrpcAuth {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        let auth = request.metadata().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
        self.0.lock().unwrap().push(auth.to_string());
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).unwrap()
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

async fn start_grpc(auth: GrpcAuth) -> SocketAddr {
    let addr = free_addr();
    tokio::spawn(
        tonic::transport::Server::builder().add_service(MetricsServiceServer::new(auth)).serve(addr),
    );
    wait_listening(addr).await;
    addr
}

async fn start_http(seen: Arc<Mutex<Vec<String>>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/v1/metrics",
        axum::routing::post(move |headers: http::HeaderMap| {
            let seen = seen.clone();
            async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
                seen.lock().unwrap().push(auth.to_string());
                http::StatusCode::OK
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// An HTTP/1.1 peer answering 503 to everything (h2 clients get it too, and fail to parse it).
async fn start_503() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                let _ = s.read(&mut buf).await;
                let _ = s
                    .write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\nconnection: close\r\n\r\nbusy")
                    .await;
                let _ = s.shutdown().await;
            });
        }
    });
    addr
}

// ---------------------------------------------------------------------------------------------
// Helpers.

fn batch() -> SignalData {
    let point = NumberDataPoint {
        attributes: Default::default(),
        start_time_unix_nano: 0,
        time_unix_nano: 1,
        value: NumberValue::Int(1),
        flags: 0,
    };
    SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Default::default(),
            scope_metrics: vec![ScopeMetrics {
                scope: Default::default(),
                metrics: vec![Metric {
                    name: "m".into(),
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

fn factory(grpc: bool) -> &'static dyn Factory {
    if grpc { &OtlpGrpcExporterFactory } else { &OtlpHttpExporterFactory }
}

fn exporter(grpc: bool, id: &str, config: &Value, tel: &Registry) -> Box<dyn Exporter> {
    let ctx = CreateContext::new(id.parse::<ComponentId>().unwrap(), tel.clone());
    factory(grpc).validate(config).unwrap_or_else(|p| panic!("{config}: {p:?}"));
    match factory(grpc).create(&ctx, config) {
        Ok(Built::Exporter(e)) => e,
        Ok(_) => panic!("not an exporter"),
        Err(p) => panic!("config problems: {p:?}"),
    }
}

fn config(addr: SocketAddr, extra: Value) -> Value {
    let mut c = json!({
        "endpoint": format!("http://user:{SECRET}@{addr}"),
        "compression": "none",
        "timeout": "500ms",
        "retry_on_failure": {"initial_interval": "20ms", "max_interval": "50ms", "max_elapsed_time": "1s"},
        "sending_queue": {"enabled": false},
    });
    if let (Some(c), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
        c.extend(extra.clone());
    }
    c
}

fn no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "the password leaked into {what}:\n{text}");
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_user_info_is_never_printed_against_failing_peers() {
    logs();
    let refused = free_addr();
    let busy = start_503().await;
    let tel = Registry::new();
    for grpc in [false, true] {
        for (n, addr) in [refused, busy].into_iter().enumerate() {
            let id = format!("{}/creds{n}", if grpc { "otlp" } else { "otlphttp" });
            let mut e = exporter(grpc, &id, &config(addr, json!({})), &tel);
            e.start().await.unwrap();
            // Retries, then drops: the error reaches the logs (retry warning and the final drop).
            let _ = e.export(batch().into()).await;
            let _ = e.shutdown().await;
            let deadline = Instant::now() + Duration::from_secs(10);
            while !log_text().contains(&id) {
                assert!(Instant::now() < deadline, "no log line from {id}:\n{}", log_text());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    let text = log_text();
    assert!(text.contains("Exporting failed"), "{text}");
    no_secret("logs", &text);
    no_secret("self-telemetry", &format!("{:?}", tel.snapshot()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_user_info_is_sent_as_basic_auth_unless_a_header_says_otherwise() {
    let grpc_seen = GrpcAuth::default();
    let grpc_addr = start_grpc(grpc_seen.clone()).await;
    let http_seen = Arc::new(Mutex::new(Vec::new()));
    let http_addr = start_http(http_seen.clone()).await;
    for (grpc, addr) in [(true, grpc_addr), (false, http_addr)] {
        for headers in [json!({}), json!({"Authorization": "Bearer explicit"})] {
            let cfg = config(addr, json!({"headers": headers}));
            let mut e = exporter(grpc, "otlp/auth", &cfg, &Registry::new());
            e.start().await.unwrap();
            e.export(batch().into()).await.unwrap_or_else(|err| panic!("{cfg}: {err}"));
            e.shutdown().await.unwrap();
        }
    }
    assert_eq!(*grpc_seen.0.lock().unwrap(), [BASIC, "Bearer explicit"]);
    assert_eq!(*http_seen.lock().unwrap(), [BASIC, "Bearer explicit"]);
}

#[test]
fn validate_never_echoes_user_info() {
    let bad_http = [
        format!("ftp://user:{SECRET}@host:4318"),
        format!("http://user:{SECRET}@"),
        format!("http://user:{SECRET}@host:notaport"),
        format!("user:{SECRET}@host:4318"),
        // An unescaped `/` or `?` in the password ends the URL's authority early.
        format!("http://user:pa/{SECRET}@host:4318"),
        format!("https://user:pa?{SECRET}@host"),
    ];
    for url in &bad_http {
        for key in ["endpoint", "metrics_endpoint", "logs_endpoint"] {
            let mut cfg = json!({"endpoint": "http://ok:4318"});
            cfg[key] = json!(url);
            let problems = OtlpHttpExporterFactory.validate(&cfg).expect_err(url);
            let text = problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
            assert!(text.contains(key), "{text}");
            no_secret("otlphttp validate", &text);
        }
    }
    let bad_grpc = [
        format!("ftp://user:{SECRET}@host:4317"),
        format!("http://user:{SECRET}@host:4317/path"),
        format!("user:{SECRET}@host:notaport"),
        format!("http://user:{SECRET}@"),
        format!("http://user:pa?{SECRET}@host:notaport"),
    ];
    for url in &bad_grpc {
        let problems = OtlpGrpcExporterFactory.validate(&json!({"endpoint": url})).expect_err(url);
        let text = problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        assert!(text.contains("endpoint"), "{text}");
        no_secret("otlp validate", &text);
    }
    // The prometheus exporter's endpoint is host:port; a URL with credentials is refused unechoed.
    let problems = dbintel_exporters::prometheus::PrometheusExporterFactory
        .validate(&json!({"endpoint": format!("http://user:{SECRET}@0.0.0.0:8889")}))
        .expect_err("prometheus");
    no_secret("prometheus validate", &format!("{problems:?}"));
}
