//! Helpers shared by the processors' tests.

use std::sync::Arc;

use dbintel_core::pdata::{LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData};

/// One logs batch holding `records` (one resource, one scope).
pub fn logs(records: Vec<LogRecord>) -> Arc<SignalData> {
    Arc::new(SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    }))
}

/// Copies of the log records in `out`, in order (what a processor emitted).
pub fn kept(out: &[Arc<SignalData>]) -> Vec<dbintel_core::pdata::LogRecord> {
    out.iter()
        .flat_map(|d| match &**d {
            SignalData::Logs(l) => l
                .resource_logs
                .iter()
                .flat_map(|r| &r.scope_logs)
                .flat_map(|s| s.log_records.clone())
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .collect()
}

/// One traces batch holding `spans` (resource `service.name=checkout`, scope `io.opentelemetry.jdbc`).
pub fn traces(spans: Vec<dbintel_core::pdata::Span>) -> Arc<SignalData> {
    use dbintel_core::pdata::{Resource, ResourceSpans, Scope, ScopeSpans, Traces, Value};
    let mut resource = Resource::default();
    resource.attributes.insert("service.name", Value::from("checkout"));
    Arc::new(SignalData::Traces(Traces {
        resource_spans: vec![ResourceSpans {
            resource,
            scope_spans: vec![ScopeSpans {
                scope: Scope { name: "io.opentelemetry.jdbc".into(), ..Default::default() },
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }))
}

/// A span named `name` of trace `trace` (16 bytes from the byte), with `attrs`.
pub fn span(
    name: &str,
    trace: u8,
    attrs: &[(&'static str, dbintel_core::pdata::Value)],
) -> dbintel_core::pdata::Span {
    dbintel_core::pdata::Span {
        trace_id: (0..16).map(|i| trace.wrapping_mul(31).wrapping_add(i * 17)).collect(),
        span_id: vec![trace, 1, 2, 3, 4, 5, 6, 7],
        name: name.into(),
        attributes: attrs.iter().map(|(k, v)| (*k, v.clone())).collect(),
        ..Default::default()
    }
}

/// Copies of the spans in `out`, in order.
pub fn kept_spans(out: &[Arc<SignalData>]) -> Vec<dbintel_core::pdata::Span> {
    out.iter()
        .flat_map(|d| match &**d {
            SignalData::Traces(t) => t
                .resource_spans
                .iter()
                .flat_map(|r| &r.scope_spans)
                .flat_map(|s| s.spans.clone())
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .collect()
}
