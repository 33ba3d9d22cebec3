//! Export throughput over loopback: the real `otlp` (gRPC) and `otlphttp` exporters send 1,000-point
//! batches to in-process blackhole servers, for each compression. Criterion reports points/s; a
//! first pass prints the bytes on the wire per point (socket bytes, after compression, from the
//! exporter's own `dbintel_exporter_bytes_sent_total`).

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::component::{Built, CreateContext, Exporter, Factory};
use dbintel_core::pdata::SignalData;
use dbintel_core::telemetry::{Registry, SampleValue};
use dbintel_exporters::{OtlpGrpcExporterFactory, OtlpHttpExporterFactory};
use dbintel_otlp::fixtures::large_metrics;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use serde_json::{Value, json};
use tonic::codec::CompressionEncoding;

const POINTS: usize = 1000;

struct Blackhole;

#[tonic::async_trait]
impl MetricsService for Blackhole {
    async fn export(
        &self,
        _request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

async fn start_servers() -> (SocketAddr, SocketAddr) {
    // tonic binds the address itself; take a free port first.
    let grpc_addr = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).unwrap();
    let svc = MetricsServiceServer::new(Blackhole)
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .max_decoding_message_size(64 << 20);
    tokio::spawn(tonic::transport::Server::builder().add_service(svc).serve(grpc_addr));
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(grpc_addr).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http_addr = http.local_addr().unwrap();
    let app = Router::new().route(
        "/v1/metrics",
        post(|body: Bytes| async move {
            std::hint::black_box(body.len());
            ([("content-type", "application/x-protobuf")], Vec::<u8>::new())
        }),
    );
    tokio::spawn(async move { axum::serve(http, app).await });
    (grpc_addr, http_addr)
}

async fn exporter(factory: &dyn Factory, config: Value, registry: &Registry) -> Box<dyn Exporter> {
    let ctx = CreateContext::new("otlp/bench".parse().unwrap(), registry.clone());
    let Ok(Built::Exporter(mut e)) = factory.create(&ctx, &config) else { panic!("cannot build {config}") };
    e.start().await.unwrap();
    e
}

fn counter(registry: &Registry, name: &str) -> u64 {
    registry
        .snapshot()
        .into_iter()
        .filter(|f| f.name == name)
        .flat_map(|f| f.samples)
        .map(|s| match s.value {
            SampleValue::Counter(c) => c,
            _ => 0,
        })
        .sum()
}

struct Case {
    name: String,
    factory: &'static dyn Factory,
    config: Value,
}

fn cases(grpc: SocketAddr, http: SocketAddr) -> Vec<Case> {
    let fixed = json!({"sending_queue": {"enabled": false}, "retry_on_failure": {"enabled": false}});
    let mut out = Vec::new();
    for comp in ["none", "gzip", "zstd"] {
        let mut c = fixed.clone();
        c["endpoint"] = json!(format!("{grpc}"));
        c["tls"] = json!({"insecure": true});
        c["compression"] = json!(comp);
        out.push(Case { name: format!("grpc/{comp}"), factory: &OtlpGrpcExporterFactory, config: c });
        let mut c = fixed.clone();
        c["endpoint"] = json!(format!("http://{http}"));
        c["compression"] = json!(comp);
        out.push(Case { name: format!("http_proto/{comp}"), factory: &OtlpHttpExporterFactory, config: c });
    }
    let mut c = fixed;
    c["endpoint"] = json!(format!("http://{http}"));
    c["compression"] = json!("none");
    c["encoding"] = json!("json");
    out.push(Case { name: "http_json/none".into(), factory: &OtlpHttpExporterFactory, config: c });
    out
}

fn export_bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (grpc, http) = rt.block_on(start_servers());
    let batch = SignalData::Metrics(large_metrics(POINTS));

    eprintln!("\nbytes on the wire per point ({POINTS}-point batches, 20 requests):");
    for case in cases(grpc, http) {
        let registry = Registry::new();
        let mut e = rt.block_on(exporter(case.factory, case.config.clone(), &registry));
        for _ in 0..20 {
            rt.block_on(e.export(batch.clone().into())).unwrap();
        }
        let bytes = counter(&registry, "dbintel_exporter_bytes_sent_total");
        eprintln!("  {:<16} {:>8.1} B/point", case.name, bytes as f64 / (20 * POINTS) as f64);
        rt.block_on(e.shutdown()).unwrap();
    }

    let mut group = c.benchmark_group("otlp_export");
    group.throughput(Throughput::Elements(POINTS as u64));
    group.sample_size(30);
    for case in cases(grpc, http) {
        let registry = Registry::new();
        let mut e = rt.block_on(exporter(case.factory, case.config.clone(), &registry));
        group.bench_function(&case.name, |b| b.iter(|| rt.block_on(e.export(batch.clone().into())).unwrap()));
        rt.block_on(e.shutdown()).unwrap();
    }
    group.finish();
}

criterion_group!(benches, export_bench);
criterion_main!(benches);
