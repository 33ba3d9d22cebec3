//! gRPC with zstd. Neither independent receiver available here (the grpcio one built on the official
//! opentelemetry-proto package, rotel) accepts zstd over gRPC, so this test checks our exporter against
//! tonic's server-side decompression: every point arrives intact and the request says `zstd`.

use std::sync::{Arc, Mutex};

use dbintel_core::component::{Built, CreateContext, Factory};
use dbintel_core::pdata::SignalData;
use dbintel_core::telemetry::Registry;
use dbintel_exporters::OtlpGrpcExporterFactory;
use dbintel_otlp::fixtures::sample_metrics;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use dbintel_otlp::to_proto_metrics;
use prost::Message;
use serde_json::json;
use tonic::codec::CompressionEncoding;

/// A received request with its `grpc-encoding` header.
type Received = (Option<String>, ExportMetricsServiceRequest);

#[derive(Clone, Default)]
struct Recorder {
    requests: Arc<Mutex<Vec<Received>>>,
}

#[tonic::async_trait]
impl MetricsService for Recorder {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        let encoding =
            request.metadata().get("grpc-encoding").and_then(|v| v.to_str().ok()).map(str::to_string);
        self.requests.lock().unwrap().push((encoding, request.into_inner()));
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_zstd_arrives_intact() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).unwrap();
    let recorder = Recorder::default();
    let svc = MetricsServiceServer::new(recorder.clone()).accept_compressed(CompressionEncoding::Zstd);
    let server = tokio::spawn(tonic::transport::Server::builder().add_service(svc).serve(addr));
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let config = json!({
        "endpoint": addr.to_string(),
        "tls": {"insecure": true},
        "compression": "zstd",
        "sending_queue": {"enabled": false},
    });
    let ctx = CreateContext::new("otlp/zstd".parse().unwrap(), Registry::new());
    let Ok(Built::Exporter(mut exporter)) = OtlpGrpcExporterFactory.create(&ctx, &config) else {
        panic!("cannot build the exporter")
    };
    exporter.start().await.unwrap();
    let metrics = sample_metrics();
    exporter.export(SignalData::Metrics(metrics.clone()).into()).await.unwrap();
    exporter.shutdown().await.unwrap();
    let got = recorder.requests.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0.as_deref(), Some("zstd"));
    // Compare encodings: the fixture holds NaN, which is never equal to itself.
    assert_eq!(got[0].1.encode_to_vec(), to_proto_metrics(&metrics).encode_to_vec());
    server.abort();
}
