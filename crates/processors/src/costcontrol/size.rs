//! The exact size in bytes of the OTLP protobuf export request (`ExportLogsServiceRequest`,
//! `ExportMetricsServiceRequest`, `ExportTraceServiceRequest`) that `dbintel-otlp`'s conversion builds from our data, computed
//! from the data model without building the messages (no copies, no allocation). It follows
//! protobuf's proto3 rules as prost applies them: a scalar field at its default value is not
//! written, a `oneof` member and a present message are always written, repeated numbers are packed.
//! A test holds it equal to `prost::Message::encoded_len` of the converted request for every kind
//! of value and metric; a change in the conversion fails that test.

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint,
    NumberValue, Resource, Scope, Span, SummaryDataPoint, Traces, Value,
};

/// Bytes of a varint holding `v` (1 to 10).
#[inline]
pub fn varint_len(v: u64) -> usize {
    // As prost: (index of the highest set bit * 9 + 73) / 64.
    (((63 - (v | 1).leading_zeros()) * 9 + 73) / 64) as usize
}

/// A length-delimited field (tag of field < 16 is one byte): tag + length varint + body.
#[inline]
fn delimited(body: usize) -> usize {
    1 + varint_len(body as u64) + body
}

/// A string/bytes field that is skipped when empty.
#[inline]
fn opt_bytes(len: usize) -> usize {
    if len == 0 { 0 } else { delimited(len) }
}

/// A `fixed64`/`double` field skipped at 0.
#[inline]
fn opt_fixed64(v: u64) -> usize {
    if v == 0 { 0 } else { 9 }
}

#[inline]
fn opt_double(v: f64) -> usize {
    if v == 0.0 { 0 } else { 9 }
}

/// A `uint32`/`int32`/enum varint field skipped at 0 (negative int32 takes 10 bytes, as in protobuf).
#[inline]
fn opt_varint_i32(v: i32) -> usize {
    if v == 0 { 0 } else { 1 + varint_len(i64::from(v) as u64) }
}

/// A `uint32` varint field skipped at 0.
#[inline]
fn opt_varint_u32(v: u32) -> usize {
    if v == 0 { 0 } else { 1 + varint_len(u64::from(v)) }
}

/// Body of an `AnyValue` message.
pub fn any_value_body(v: &Value) -> usize {
    match v {
        Value::Str(s) => delimited(s.len()),
        Value::Bool(_) => 2,
        Value::Int(i) => 1 + varint_len(*i as u64),
        Value::Double(_) => 9,
        Value::Bytes(b) => delimited(b.len()),
        Value::Array(a) => delimited(a.iter().map(|v| delimited(any_value_body(v))).sum()),
        Value::Map(m) => delimited(attributes_len(m)),
    }
}

/// Body of one `KeyValue` message.
#[inline]
pub fn key_value_body(k: &str, v: &Value) -> usize {
    opt_bytes(k.len()) + delimited(any_value_body(v))
}

/// The repeated `KeyValue` field (tag < 16) of attributes: what they add to their message.
pub fn attributes_len(a: &Attributes) -> usize {
    a.iter().map(|(k, v)| delimited(key_value_body(k, v))).sum()
}

fn resource_body(r: &Resource) -> usize {
    attributes_len(&r.attributes)
}

fn scope_body(s: &Scope) -> usize {
    opt_bytes(s.name.len()) + opt_bytes(s.version.len()) + attributes_len(&s.attributes)
}

/// Body of one `LogRecord` message.
pub fn log_record_body(r: &LogRecord) -> usize {
    opt_fixed64(r.time_unix_nano)
        + opt_varint_i32(r.severity_number.0)
        + opt_bytes(r.severity_text.len())
        + r.body.as_ref().map_or(0, |b| delimited(any_value_body(b)))
        + attributes_len(&r.attributes)
        + if r.flags == 0 { 0 } else { 5 }
        + r.trace_id.map_or(0, |t| opt_bytes(t.len()))
        + r.span_id.map_or(0, |s| opt_bytes(s.len()))
        + opt_fixed64(r.observed_time_unix_nano)
        + opt_bytes(r.event_name.len())
}

/// What one record adds to its `ScopeLogs` (tag, length, body).
#[inline]
pub fn log_record_len(r: &LogRecord) -> usize {
    delimited(log_record_body(r))
}

/// Encoded size of the OTLP logs export request for `logs`.
pub fn logs_request_len(logs: &Logs) -> usize {
    logs.resource_logs
        .iter()
        .map(|rl| {
            let scopes: usize = rl
                .scope_logs
                .iter()
                .map(|sl| {
                    let records: usize = sl.log_records.iter().map(log_record_len).sum();
                    delimited(delimited(scope_body(&sl.scope)) + records + opt_bytes(sl.schema_url.len()))
                })
                .sum();
            delimited(delimited(resource_body(&rl.resource)) + scopes + opt_bytes(rl.schema_url.len()))
        })
        .sum()
}

fn number_point_body(p: &NumberDataPoint) -> usize {
    attributes_len(&p.attributes)
        + opt_fixed64(p.start_time_unix_nano)
        + opt_fixed64(p.time_unix_nano)
        + match p.value {
            NumberValue::Int(_) | NumberValue::Double(_) => 9,
        }
        + opt_varint_u32(p.flags)
}

fn packed_fixed64(n: usize) -> usize {
    if n == 0 { 0 } else { delimited(8 * n) }
}

fn histogram_point_body(p: &HistogramDataPoint) -> usize {
    attributes_len(&p.attributes)
        + opt_fixed64(p.start_time_unix_nano)
        + opt_fixed64(p.time_unix_nano)
        + opt_fixed64(p.count)
        + p.sum.map_or(0, |_| 9)
        + packed_fixed64(p.bucket_counts.len())
        + packed_fixed64(p.explicit_bounds.len())
        + opt_varint_u32(p.flags)
        + p.min.map_or(0, |_| 9)
        + p.max.map_or(0, |_| 9)
}

fn summary_point_body(p: &SummaryDataPoint) -> usize {
    attributes_len(&p.attributes)
        + opt_fixed64(p.start_time_unix_nano)
        + opt_fixed64(p.time_unix_nano)
        + opt_fixed64(p.count)
        + opt_double(p.sum)
        + p.quantile_values
            .iter()
            .map(|q| delimited(opt_double(q.quantile) + opt_double(q.value)))
            .sum::<usize>()
        + opt_varint_u32(p.flags)
}

/// What one number point adds to its metric's data message.
#[inline]
pub fn number_point_len(p: &NumberDataPoint) -> usize {
    delimited(number_point_body(p))
}

/// Body of one `Metric` message.
pub fn metric_body(m: &Metric) -> usize {
    let temporality = |t| 1 + varint_len(dbintel_temporality(t));
    let data = match &m.data {
        MetricData::Gauge(points) => points.iter().map(number_point_len).sum::<usize>(),
        MetricData::Sum { points, temporality: t, monotonic } => {
            points.iter().map(number_point_len).sum::<usize>()
                + temporality(*t)
                + if *monotonic { 2 } else { 0 }
        }
        MetricData::Histogram { points, temporality: t } => {
            points.iter().map(|p| delimited(histogram_point_body(p))).sum::<usize>() + temporality(*t)
        }
        MetricData::Summary(points) => points.iter().map(|p| delimited(summary_point_body(p))).sum(),
    };
    opt_bytes(m.name.len()) + opt_bytes(m.description.len()) + opt_bytes(m.unit.len()) + delimited(data)
}

/// `AggregationTemporality` numbers (1 delta, 2 cumulative), as the conversion writes them.
fn dbintel_temporality(t: dbintel_core::pdata::Temporality) -> u64 {
    match t {
        dbintel_core::pdata::Temporality::Delta => 1,
        dbintel_core::pdata::Temporality::Cumulative => 2,
    }
}

/// Encoded size of the OTLP metrics export request for `metrics`.
pub fn metrics_request_len(metrics: &Metrics) -> usize {
    metrics
        .resource_metrics
        .iter()
        .map(|rm| {
            let scopes: usize = rm
                .scope_metrics
                .iter()
                .map(|sm| {
                    let body: usize = sm.metrics.iter().map(|m| delimited(metric_body(m))).sum();
                    delimited(delimited(scope_body(&sm.scope)) + body + opt_bytes(sm.schema_url.len()))
                })
                .sum();
            delimited(delimited(resource_body(&rm.resource)) + scopes + opt_bytes(rm.schema_url.len()))
        })
        .sum()
}

/// A `fixed32` field skipped at 0; `wide_tag` for a field number of 16 or more (two-byte tag).
#[inline]
fn opt_fixed32(v: u32, wide_tag: bool) -> usize {
    if v == 0 { 0 } else { 4 + if wide_tag { 2 } else { 1 } }
}

/// Body of one `Span` message (`flags` is field 16: a two-byte tag).
pub fn span_body(s: &Span) -> usize {
    let events: usize = s
        .events
        .iter()
        .map(|e| {
            delimited(
                opt_fixed64(e.time_unix_nano)
                    + opt_bytes(e.name.len())
                    + attributes_len(&e.attributes)
                    + opt_varint_u32(e.dropped_attributes_count),
            )
        })
        .sum();
    let links: usize = s
        .links
        .iter()
        .map(|l| {
            delimited(
                opt_bytes(l.trace_id.len())
                    + opt_bytes(l.span_id.len())
                    + opt_bytes(l.trace_state.len())
                    + attributes_len(&l.attributes)
                    + opt_varint_u32(l.dropped_attributes_count)
                    + opt_fixed32(l.flags, false),
            )
        })
        .sum();
    let status =
        s.status.as_ref().map_or(0, |st| delimited(opt_bytes(st.message.len()) + opt_varint_i32(st.code.0)));
    opt_bytes(s.trace_id.len())
        + opt_bytes(s.span_id.len())
        + opt_bytes(s.trace_state.len())
        + opt_bytes(s.parent_span_id.len())
        + opt_bytes(s.name.len())
        + opt_varint_i32(s.kind.0)
        + opt_fixed64(s.start_time_unix_nano)
        + opt_fixed64(s.end_time_unix_nano)
        + attributes_len(&s.attributes)
        + opt_varint_u32(s.dropped_attributes_count)
        + events
        + opt_varint_u32(s.dropped_events_count)
        + links
        + opt_varint_u32(s.dropped_links_count)
        + status
        + opt_fixed32(s.flags, true)
}

/// Encoded size of the OTLP traces export request for `traces`.
pub fn traces_request_len(traces: &Traces) -> usize {
    traces
        .resource_spans
        .iter()
        .map(|rs| {
            let scopes: usize = rs
                .scope_spans
                .iter()
                .map(|ss| {
                    let spans: usize = ss.spans.iter().map(|s| delimited(span_body(s))).sum();
                    delimited(delimited(scope_body(&ss.scope)) + spans + opt_bytes(ss.schema_url.len()))
                })
                .sum();
            delimited(delimited(resource_body(&rs.resource)) + scopes + opt_bytes(rs.schema_url.len()))
        })
        .sum()
}

/// Encoded size of the OTLP export request of any signal.
pub fn request_len(data: &dbintel_core::pdata::SignalData) -> usize {
    match data {
        dbintel_core::pdata::SignalData::Metrics(m) => metrics_request_len(m),
        dbintel_core::pdata::SignalData::Logs(l) => logs_request_len(l),
        dbintel_core::pdata::SignalData::Traces(t) => traces_request_len(t),
    }
}
