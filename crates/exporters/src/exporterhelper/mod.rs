//! `exporterhelper`: what every network exporter (`otlp`, `otlphttp`) shares, shaped like the
//! Collector's exporterhelper: `retry_on_failure` (exponential backoff with jitter, Retry-After and
//! RetryInfo honoured), `sending_queue` (bounded, in memory or persistent through the `file_storage`
//! extension) and the exporter self-telemetry.
//!
//! A transport implements [`Transport`] (one attempt to deliver one [`Payload`]); [`QueuedExporter`]
//! turns it into a [`dbintel_core::Exporter`]: `export` converts the data to OTLP protobuf, runs the
//! optional `prepare` hook (splitting, temporality conversion), and enqueues; `num_consumers` tasks
//! send with retry. See `README` section in ARCHITECTURE.md and the module docs of [`persistent`].

mod config;
pub(crate) mod exporter;
pub mod persistent;
mod queue;
mod retry;
mod streak;
#[cfg(test)]
mod tests;

use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::{ComponentId, ComponentKind, Signal};
use dbintel_otlp::opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::metric::Data;
use dbintel_otlp::trace_proto::ExportTraceServiceRequest;

pub use config::{QueueBatchConfig, QueueConfig, QueueSizer, RetryConfig};
pub use exporter::{PrepareFn, QueuedExporter, helper_problems, resolve_storage};
pub use persistent::StorageSettings;
pub use retry::Backoff;

/// One request, as it goes on the wire: an OTLP protobuf export request.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Metrics(ExportMetricsServiceRequest),
    Logs(ExportLogsServiceRequest),
    Traces(ExportTraceServiceRequest),
}

impl Payload {
    pub fn signal(&self) -> Signal {
        match self {
            Payload::Metrics(_) => Signal::Metrics,
            Payload::Logs(_) => Signal::Logs,
            Payload::Traces(_) => Signal::Traces,
        }
    }

    /// Data points (metrics), log records (logs) or spans (traces) in the request.
    pub fn items(&self) -> u64 {
        match self {
            Payload::Metrics(req) => req
                .resource_metrics
                .iter()
                .flat_map(|rm| &rm.scope_metrics)
                .flat_map(|sm| &sm.metrics)
                .map(|m| match &m.data {
                    Some(Data::Gauge(g)) => g.data_points.len(),
                    Some(Data::Sum(s)) => s.data_points.len(),
                    Some(Data::Histogram(h)) => h.data_points.len(),
                    Some(Data::ExponentialHistogram(h)) => h.data_points.len(),
                    Some(Data::Summary(s)) => s.data_points.len(),
                    None => 0,
                } as u64)
                .sum(),
            Payload::Logs(req) => req
                .resource_logs
                .iter()
                .flat_map(|rl| &rl.scope_logs)
                .map(|sl| sl.log_records.len() as u64)
                .sum(),
            Payload::Traces(req) => {
                req.resource_spans.iter().flat_map(|rs| &rs.scope_spans).map(|ss| ss.spans.len() as u64).sum()
            }
        }
    }

    /// Size of the protobuf encoding, in bytes (before compression).
    pub fn encoded_len(&self) -> usize {
        use prost::Message;
        match self {
            Payload::Metrics(req) => req.encoded_len(),
            Payload::Logs(req) => req.encoded_len(),
            Payload::Traces(req) => req.encoded_len(),
        }
    }

    /// The protobuf encoding of the request.
    pub fn encode_to_vec(&self) -> Vec<u8> {
        use prost::Message;
        match self {
            Payload::Metrics(req) => req.encode_to_vec(),
            Payload::Logs(req) => req.encode_to_vec(),
            Payload::Traces(req) => req.encode_to_vec(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items() == 0
    }
}

/// A request as the sending queue holds it: its protobuf encoding, plus what the accounting needs.
/// The queue's byte count is the allocation of `body`, so what the cap counts is what is held; a
/// consumer decodes it for each attempt and frees the decoded form between attempts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Encoded {
    pub(crate) signal: Signal,
    pub(crate) items: u64,
    pub(crate) body: Vec<u8>,
}

impl Encoded {
    pub(crate) fn new(payload: &Payload) -> Self {
        let mut body = payload.encode_to_vec();
        body.shrink_to_fit();
        Self { signal: payload.signal(), items: payload.items(), body }
    }

    /// Bytes held (the allocation, not just the length).
    pub(crate) fn held_bytes(&self) -> u64 {
        self.body.capacity() as u64
    }

    pub(crate) fn decode(&self) -> Result<Payload, prost::DecodeError> {
        use prost::Message;
        match self.signal {
            Signal::Metrics => {
                ExportMetricsServiceRequest::decode(self.body.as_slice()).map(Payload::Metrics)
            }
            Signal::Logs => ExportLogsServiceRequest::decode(self.body.as_slice()).map(Payload::Logs),
            Signal::Traces => ExportTraceServiceRequest::decode(self.body.as_slice()).map(Payload::Traces),
        }
    }
}

/// What one successful attempt reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Items the backend refused in an OTLP partial success (`rejected_data_points` /
    /// `rejected_log_records` / `rejected_spans`). They are not retried; they are counted as dropped (`rejected`).
    pub rejected_items: u64,
    /// The partial-success message, if any (logged once per streak).
    pub message: Option<String>,
    /// Bytes written to the wire for this attempt (after compression), for `dbintel_exporter_sent_request_bytes_total`.
    pub bytes_on_wire: u64,
}

/// Why one attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth another attempt: connection refused or reset, timeout, HTTP 429/502/503/504, gRPC
    /// UNAVAILABLE, RESOURCE_EXHAUSTED with RetryInfo, ... `retry_after` is the server's hint
    /// (Retry-After header, gRPC RetryInfo); the helper waits at least that long.
    #[error("{message}")]
    Retryable { message: String, retry_after: Option<Duration> },
    /// Never worth retrying (HTTP 400/401/403/404/413, gRPC INVALID_ARGUMENT, an unencodable
    /// request, ...). The data is dropped and counted (`permanent`).
    #[error("{message}")]
    Permanent { message: String },
}

impl SendError {
    pub fn retryable(message: impl Into<String>) -> Self {
        SendError::Retryable { message: message.into(), retry_after: None }
    }
    pub fn permanent(message: impl Into<String>) -> Self {
        SendError::Permanent { message: message.into() }
    }
}

/// One attempt to deliver a request. The transport applies its own per-attempt timeout (a timeout is
/// `Retryable`) and never retries itself: the helper owns retries, backoff and the queue.
/// `send` may be called concurrently by `num_consumers` tasks; the future may be dropped (cancelled)
/// at shutdown.
#[async_trait]
pub trait Transport: Send + Sync + 'static {
    async fn send(&self, payload: &Payload) -> Result<SendReport, SendError>;
}

/// The `file_storage` extension a `sending_queue` names, for `TypedFactory::config_references`.
pub fn storage_references(queue: &QueueConfig) -> Vec<(ComponentKind, ComponentId, String)> {
    let Some(storage) = queue.storage.as_deref() else {
        return Vec::new();
    };
    match storage.parse::<ComponentId>() {
        Ok(id) => vec![(ComponentKind::Extension, id, "sending_queue.storage".to_string())],
        // An unparsable id is reported by the exporter's own validation.
        Err(_) => Vec::new(),
    }
}
