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
use dbintel_core::{Admit, Outcome, Signal};
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
    /// The pipelines took the data but an exporter refused its copy (sending queue full, storage
    /// error, shutting down) or a processor refused it for load: gRPC `UNAVAILABLE`, HTTP 503. The
    /// sender resends the whole request; copies other exporters accepted arrive twice.
    NotDelivered,
    /// No pipeline takes this signal from the receiver: gRPC `UNIMPLEMENTED`, HTTP 404.
    NotWired,
}

impl Refusal {
    pub fn message(&self, signal: Signal) -> String {
        match self {
            Refusal::Throttled(reason) => format!("data refused: {reason}; retry later"),
            Refusal::Busy => "data refused: the pipeline is full; retry later".into(),
            Refusal::ShuttingDown => "data refused: the collector is shutting down; retry later".into(),
            Refusal::NotDelivered => {
                "data refused: an exporter could not take it into its sending queue; retry later".into()
            }
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
    /// How long a request that the pipelines took waits for its delivery (every exporter's sending
    /// queue has it, see `dbintel_core::delivery`) before it is answered anyway; `None` answers as
    /// soon as the pipelines took it.
    pub ack_bound: Option<Duration>,
    /// Requests answered at `ack_bound` before their data was settled.
    pub early_acks: EarlyAcks,
}

/// Counts and logs (once per streak) requests answered at the delivery bound, before every
/// exporter had their data: `dbintel_receiver_unsettled_answers_total{receiver}`.
#[derive(Default)]
pub struct EarlyAcks {
    counter: dbintel_core::telemetry::Counter,
    streak: std::sync::atomic::AtomicBool,
}

impl EarlyAcks {
    pub fn new(receiver: &str, telemetry: &dbintel_core::telemetry::Registry) -> Self {
        EarlyAcks {
            counter: telemetry.counter(
                "dbintel_receiver_unsettled_answers_total",
                "Requests answered OK at the delivery bound, before every exporter had taken their data.",
                &[("receiver", receiver)],
            ),
            streak: Default::default(),
        }
    }

    fn note(&self, settled: bool) {
        use std::sync::atomic::Ordering;
        if settled {
            self.streak.store(false, Ordering::Relaxed);
            return;
        }
        self.counter.add(1);
        if !self.streak.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "A request was answered before every exporter had its data: the delivery wait reached its bound \
                 (a slow exporter or storage, or a processor holding data longer than the bound). A kill now could \
                 lose it; counted in dbintel_receiver_unsettled_answers_total, reported once per streak."
            );
        }
    }
}

impl Ingest {
    /// Takes one request: `Ok` with the answer (partial success when items were refused), or the
    /// refusal of the whole request, in which case nothing reached any pipeline.
    pub async fn consume<S: OtlpSignal>(&self, req: S::Request) -> Result<S::Response, Refusal> {
        self.consume_within::<S>(req, None).await
    }

    /// [`Ingest::consume`] for a sender that gave its own deadline (gRPC's `grpc-timeout`): the
    /// delivery wait ends at the shorter of `ack_bound` and [`answer_within`] of it, so the answer
    /// reaches the sender before it gives up and resends.
    pub async fn consume_within<S: OtlpSignal>(
        &self,
        req: S::Request,
        sender_timeout: Option<Duration>,
    ) -> Result<S::Response, Refusal> {
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
            let Some(ack_bound) = self.ack_bound else {
                return match self.output.try_send_within(decoded.data, self.send_bound).await {
                    Ok(()) => Ok(S::response(decoded.rejected, decoded.message)),
                    Err(TrySendError::Full) => Err(Refusal::Busy),
                    Err(TrySendError::ShuttingDown) => Err(Refusal::ShuttingDown),
                };
            };
            let wait = match self.output.try_send_acked(decoded.data, self.send_bound).await {
                Ok(wait) => wait,
                Err(TrySendError::Full) => return Err(Refusal::Busy),
                Err(TrySendError::ShuttingDown) => return Err(Refusal::ShuttingDown),
            };
            let bound = sender_timeout.map_or(ack_bound, |t| ack_bound.min(answer_within(t)));
            match wait.within(bound).await {
                Outcome::Delivered => self.early_acks.note(true),
                Outcome::Refused => return Err(Refusal::NotDelivered),
                // At the bound the data is still in the pipeline and on its way: answering OK is
                // what the receiver did before tokens (at most what the process holds is at risk);
                // refusing would make the sender resend data that is probably about to land, and
                // with a processor that holds longer than the bound, resend it forever.
                Outcome::Pending => self.early_acks.note(false),
            }
        }
        Ok(S::response(decoded.rejected, decoded.message))
    }
}

/// How long of a sender's own timeout the receiver may spend waiting for delivery: three quarters,
/// leaving the rest for the admission wait and the answer's way back.
pub fn answer_within(sender_timeout: Duration) -> Duration {
    sender_timeout.mul_f64(0.75)
}

/// A gRPC `grpc-timeout` header value (1-8 digits and a unit: `H`, `M`, `S`, `m`, `u`, `n`), as the
/// gRPC over HTTP/2 spec defines it; `None` when malformed.
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.checked_mul(3600)?),
        "M" => Duration::from_secs(n.checked_mul(60)?),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_parse_as_the_spec_writes_them() {
        assert_eq!(parse_grpc_timeout("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse_grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_grpc_timeout("2M"), Some(Duration::from_secs(120)));
        assert_eq!(parse_grpc_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_grpc_timeout("99999999u"), Some(Duration::from_micros(99_999_999)));
        assert_eq!(parse_grpc_timeout("7n"), Some(Duration::from_nanos(7)));
        for bad in ["", "S", "5", "5s", "123456789S", "-1S", "1.5S", "5 S", "５S"] {
            assert_eq!(parse_grpc_timeout(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_wait_leaves_a_quarter_of_the_senders_timeout() {
        assert_eq!(answer_within(Duration::from_secs(2)), Duration::from_millis(1500));
        assert_eq!(answer_within(Duration::ZERO), Duration::ZERO);
    }
}
