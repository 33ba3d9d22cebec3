//! OTLP/gRPC: the collector services of `opentelemetry-proto` (tonic), gzip and zstd requests,
//! `max_recv_msg_size_mib`, refusals as `RESOURCE_EXHAUSTED`/`UNAVAILABLE` with `RetryInfo`.

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{LogsService, LogsServiceServer};
use opentelemetry_proto::tonic::collector::logs::v1::{ExportLogsServiceRequest, ExportLogsServiceResponse};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use prost::Message;
use tonic::codec::CompressionEncoding;
use tonic::service::Routes;
use tonic::{Code, Request, Response, Status};

use crate::rpc;
use crate::signal::{Ingest, Logs, Metrics, OtlpSignal, Refusal};

/// The gRPC service of every signal, sharing one [`Ingest`]. A request larger than
/// `max_recv_msg_size` bytes (after decompression) gets `RESOURCE_EXHAUSTED` from tonic.
pub fn routes(ingest: Arc<Ingest>, max_recv_msg_size: usize) -> Routes {
    let svc = Service(ingest);
    let metrics = MetricsServiceServer::new(svc.clone())
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .max_decoding_message_size(max_recv_msg_size);
    let logs = LogsServiceServer::new(svc)
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .max_decoding_message_size(max_recv_msg_size);
    // Traces: add the TraceService here once the data model carries spans (see `signal.rs`).
    Routes::new(metrics).add_service(logs).prepare()
}

#[derive(Clone)]
struct Service(Arc<Ingest>);

impl Service {
    async fn export<S: OtlpSignal>(&self, req: S::Request) -> Result<Response<S::Response>, Status> {
        self.0.consume::<S>(req).await.map(Response::new).map_err(|r| status(&r, S::SIGNAL, &self.0))
    }
}

/// The gRPC status of a refusal; retryable ones carry `google.rpc.RetryInfo`.
fn status(refusal: &Refusal, signal: dbintel_core::Signal, ingest: &Ingest) -> Status {
    let message = refusal.message(signal);
    let code = match refusal {
        Refusal::Throttled(_) => Code::ResourceExhausted,
        Refusal::Busy | Refusal::ShuttingDown => Code::Unavailable,
        Refusal::NotWired => return Status::unimplemented(message),
    };
    let details = rpc::status_with_retry(code as i32, &message, ingest.retry_after).encode_to_vec();
    Status::with_details(code, message, details.into())
}

#[tonic::async_trait]
impl MetricsService for Service {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        Service::export::<Metrics>(self, request.into_inner()).await
    }
}

#[tonic::async_trait]
impl LogsService for Service {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        Service::export::<Logs>(self, request.into_inner()).await
    }
}
