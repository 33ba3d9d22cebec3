//! The per-signal table and the one ingest path both protocols share.
//!
//! Each OTLP signal the receiver serves is one [`OtlpSignal`] implementation: its request and
//! response messages, its conversion to the data model and its partial-success answer. The gRPC
//! services (`grpc.rs`) and the HTTP routes (`http.rs`) are generic over it: a signal is one impl,
//! one `add_service` in `grpc::routes` and one path in `http::Routes`.

use std::sync::Arc;
use std::time::Duration;

use dbintel_core::pdata::SignalData;
use dbintel_core::pipeline::{ReceiverOutput, TrySendError};
use dbintel_core::{Admit, Signal};
use dbintel_otlp::decode;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsPartialSuccess, ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};

/// One OTLP signal: what a request and its answer are, and how a request becomes pipeline data.
pub trait OtlpSignal: Send + Sync + 'static {
    type Request: prost::Message + Default + dbintel_otlp::json_doubles::JsonRequest + Send + 'static;
    type Response: prost::Message + serde::Serialize + Default + Send + 'static;
    const SIGNAL: Signal;
    /// The request's data in the data model, with what it refused.
    fn convert(req: Self::Request) -> decode::Decoded<SignalData>;
    /// The answer, with OTLP partial success when items were refused.
    fn response(rejected: u64, message: String) -> Self::Response;
}

pub struct Metrics;
pub struct Logs;
pub struct Traces;

impl OtlpSignal for Metrics {
    type Request = ExportMetricsServiceRequest;
    type Response = ExportMetricsServiceResponse;
    const SIGNAL: Signal = Signal::Metrics;
    fn convert(req: Self::Request) -> decode::Decoded<SignalData> {
        let d = decode::from_proto_metrics(req);
        decode::Decoded { data: SignalData::Metrics(d.data), rejected: d.rejected, message: d.message }
    }
    fn response(rejected: u64, message: String) -> Self::Response {
        ExportMetricsServiceResponse {
            partial_success: (rejected > 0 || !message.is_empty()).then(|| ExportMetricsPartialSuccess {
                rejected_data_points: i64::try_from(rejected).unwrap_or(i64::MAX),
                error_message: message,
            }),
        }
    }
}

impl OtlpSignal for Logs {
    type Request = ExportLogsServiceRequest;
    type Response = ExportLogsServiceResponse;
    const SIGNAL: Signal = Signal::Logs;
    fn convert(req: Self::Request) -> decode::Decoded<SignalData> {
        let d = decode::from_proto_logs(req);
        decode::Decoded { data: SignalData::Logs(d.data), rejected: d.rejected, message: d.message }
    }
    fn response(rejected: u64, message: String) -> Self::Response {
        ExportLogsServiceResponse {
            partial_success: (rejected > 0 || !message.is_empty()).then(|| ExportLogsPartialSuccess {
                rejected_log_records: i64::try_from(rejected).unwrap_or(i64::MAX),
                error_message: message,
            }),
        }
    }
}

impl OtlpSignal for Traces {
    type Request = ExportTraceServiceRequest;
    type Response = ExportTraceServiceResponse;
    const SIGNAL: Signal = Signal::Traces;
    /// Spans pass through as received (ids byte for byte), so nothing is refused per item.
    fn convert(req: Self::Request) -> decode::Decoded<SignalData> {
        decode::Decoded {
            data: SignalData::Traces(dbintel_otlp::from_proto_traces(req)),
            rejected: 0,
            message: String::new(),
        }
    }
    fn response(rejected: u64, message: String) -> Self::Response {
        ExportTraceServiceResponse {
            partial_success: (rejected > 0 || !message.is_empty()).then(|| ExportTracePartialSuccess {
                rejected_spans: i64::try_from(rejected).unwrap_or(i64::MAX),
                error_message: message,
            }),
        }
    }
}

/// Why a request was not taken; every kind is retryable and answered with a retry hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Admission said skip (memory limiter, an overloaded pipeline, a breaker): gRPC
    /// `RESOURCE_EXHAUSTED`, HTTP 429.
    Throttled(String),
    /// The pipeline queue had no room within the bound: gRPC `UNAVAILABLE`, HTTP 503.
    Busy,
    /// The service is stopping: gRPC `UNAVAILABLE`, HTTP 503.
    ShuttingDown,
    /// No pipeline takes this signal from the receiver: gRPC `UNIMPLEMENTED`, HTTP 404.
    NotWired,
}

impl Refusal {
    pub fn message(&self, signal: Signal) -> String {
        match self {
            Refusal::Throttled(reason) => format!("data refused: {reason}; retry later"),
            Refusal::Busy => "data refused: the pipeline is full; retry later".into(),
            Refusal::ShuttingDown => "data refused: the collector is shutting down; retry later".into(),
            Refusal::NotWired => format!("no pipeline takes {signal} from this receiver"),
        }
    }
}

/// What both protocols hand requests to: admission, conversion, the bounded send.
pub struct Ingest {
    pub output: Arc<ReceiverOutput>,
    /// How long a request may wait for room in the pipeline queue before it is refused.
    pub send_bound: Duration,
    /// The retry hint sent with refusals (`RetryInfo`, `Retry-After`).
    pub retry_after: Duration,
}

impl Ingest {
    /// Takes one request: `Ok` with the answer (partial success when items were refused), or the
    /// refusal of the whole request, in which case nothing reached any pipeline.
    pub async fn consume<S: OtlpSignal>(&self, req: S::Request) -> Result<S::Response, Refusal> {
        if !self.output.wants(S::SIGNAL) {
            return Err(Refusal::NotWired);
        }
        let decoded = S::convert(req);
        if decoded.rejected > 0 {
            self.output.count_refused(S::SIGNAL, decoded.rejected);
        }
        let items = decoded.data.item_count() as u64;
        if items > 0 {
            if let Admit::Skip { reason } = self.output.admit(None) {
                self.output.count_refused(S::SIGNAL, items);
                return Err(Refusal::Throttled(reason));
            }
            match self.output.try_send_within(decoded.data, self.send_bound).await {
                Ok(()) => {}
                Err(TrySendError::Full) => return Err(Refusal::Busy),
                Err(TrySendError::ShuttingDown) => return Err(Refusal::ShuttingDown),
            }
        }
        Ok(S::response(decoded.rejected, decoded.message))
    }
}
