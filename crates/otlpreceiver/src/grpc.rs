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
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;
use tonic::codec::CompressionEncoding;
use tonic::service::Routes;
use tonic::{Code, Request, Response, Status};

use crate::rpc;
use crate::signal::{Ingest, Logs, Metrics, OtlpSignal, Refusal, Traces};

/// The gRPC service of every signal, sharing one [`Ingest`]. A request larger than
/// `max_recv_msg_size` bytes (after decompression) gets `RESOURCE_EXHAUSTED` from tonic.
pub fn routes(ingest: Arc<Ingest>, max_recv_msg_size: usize) -> Routes {
    let svc = Service(ingest);
    let metrics = MetricsServiceServer::new(svc.clone())
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .max_decoding_message_size(max_recv_msg_size);
    let logs = LogsServiceServer::new(svc.clone())
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .max_decoding_message_size(max_recv_msg_size);
    let traces = TraceServiceServer::new(svc)
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .max_decoding_message_size(max_recv_msg_size);
    Routes::new(metrics).add_service(logs).add_service(traces).prepare()
}

#[derive(Clone)]
struct Service(Arc<Ingest>);

impl Service {
    async fn export<S: OtlpSignal>(&self, req: Request<S::Request>) -> Result<Response<S::Response>, Status> {
        let sender_timeout = req
            .metadata()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(crate::signal::parse_grpc_timeout);
        self.0
            .consume_within::<S>(req.into_inner(), sender_timeout)
            .await
            .map(Response::new)
            .map_err(|r| status(&r, S::SIGNAL, &self.0))
    }
}

/// The gRPC status of a refusal; retryable ones carry `google.rpc.RetryInfo`.
fn status(refusal: &Refusal, signal: dbintel_core::Signal, ingest: &Ingest) -> Status {
    let message = refusal.message(signal);
    let code = match refusal {
        Refusal::Throttled(_) => Code::ResourceExhausted,
        Refusal::Busy | Refusal::ShuttingDown | Refusal::NotDelivered => Code::Unavailable,
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
        Service::export::<Metrics>(self, request).await
    }
}

#[tonic::async_trait]
impl LogsService for Service {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        Service::export::<Logs>(self, request).await
    }
}

#[tonic::async_trait]
impl TraceService for Service {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        Service::export::<Traces>(self, request).await
    }
}

/// tonic refuses a request over `max_decoding_message_size` with `OUT_OF_RANGE`, which OTLP senders
/// retry; grpc-go (the Collector) answers `RESOURCE_EXHAUSTED`, which without `RetryInfo` they drop
/// as permanent. This body rewrites that one status in the trailers (and `fix_status` in the
/// headers, for a trailers-only answer), so senders do not resend a request that can never fit.
pub struct OversizeAsResourceExhausted<B>(pub B);

/// Rewrites tonic's "message too large" `OUT_OF_RANGE` to `RESOURCE_EXHAUSTED` in a header map.
pub fn fix_status(h: &mut http::HeaderMap) {
    let too_large = h.get("grpc-status").is_some_and(|v| v == "11")
        && h.get("grpc-message")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|m| m.contains("too%20large") || m.contains("too large"));
    if too_large {
        h.insert("grpc-status", http::HeaderValue::from_static("8"));
    }
}

impl<B: http_body::Body + Unpin> http_body::Body for OversizeAsResourceExhausted<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.0).poll_frame(cx).map(|frame| {
            frame.map(|r| {
                r.map(|frame| match frame.into_trailers() {
                    Ok(mut trailers) => {
                        fix_status(&mut trailers);
                        http_body::Frame::trailers(trailers)
                    }
                    Err(frame) => frame,
                })
            })
        })
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.0.size_hint()
    }
}
