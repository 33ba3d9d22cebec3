//! OTLP-JSON: the protobuf JSON mapping of `MetricsData` / `LogsData` (and of the export requests,
//! which have the same JSON shape), as the OpenTelemetry Collector's file exporter writes it and as
//! OTLP/HTTP `http/json` carries it. This is the one OTLP-JSON encoder of dbintel: the file exporter
//! and the otlphttp exporter both use it.
//!
//! It encodes the prost messages of `opentelemetry-proto` (every field of the metrics and logs
//! protos, so whatever an exporter's request holds after splitting or delta conversion), following
//! protojson plus the OTLP deviations:
//! - lowerCamelCase keys, in the proto's declaration order; fields holding their default value are
//!   omitted, except oneof members and `optional` fields (histogram `sum`/`min`/`max`), which are
//!   written when present; an unset message field is omitted, a set but empty one is `{}`;
//! - 64-bit integers (`timeUnixNano`, `asInt`, `count`, `bucketCounts`, `intValue`, ...) are strings;
//! - enums (`aggregationTemporality`, `severityNumber`) are integers;
//! - `traceId`/`spanId` are lowercase hex (OTLP), other bytes are base64 (protojson);
//! - NaN and infinities are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`; other doubles use the
//!   shortest round-trip form, in exponent form below 1e-6 and from 1e21 up (as Go does).
//!
//! The encoder writes straight into a byte buffer, without building a JSON tree.

use std::io::Write as _;

use dbintel_core::pdata::{Logs, Metrics, Traces};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1 as pc;
use opentelemetry_proto::tonic::logs::v1 as pl;
use opentelemetry_proto::tonic::metrics::v1 as pm;
use opentelemetry_proto::tonic::resource::v1 as pr;

use crate::proto::{to_proto_logs, to_proto_metrics};
use crate::trace_proto::{self as pt, ExportTraceServiceRequest};
use crate::traces::to_proto_traces;

/// Encodes a metrics batch as one OTLP-JSON object `{"resourceMetrics":[...]}` (no trailing newline).
pub fn metrics_to_json(metrics: &Metrics) -> String {
    let mut buf = Vec::with_capacity(256 + metrics.data_point_count() * 160);
    write_metrics_json(metrics, &mut buf);
    into_string(buf)
}

/// Encodes a logs batch as one OTLP-JSON object `{"resourceLogs":[...]}` (no trailing newline).
pub fn logs_to_json(logs: &Logs) -> String {
    let mut buf = Vec::with_capacity(256 + logs.log_record_count() * 320);
    write_logs_json(logs, &mut buf);
    into_string(buf)
}

/// Encodes a traces batch as one OTLP-JSON object `{"resourceSpans":[...]}` (no trailing newline).
pub fn traces_to_json(traces: &Traces) -> String {
    let mut buf = Vec::with_capacity(256 + traces.span_count() * 400);
    write_traces_json(traces, &mut buf);
    into_string(buf)
}

fn into_string(buf: Vec<u8>) -> String {
    // The encoder writes only UTF-8 (keys and escaped strings come from `str`), so this never copies.
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends the OTLP-JSON object of a metrics batch to `out` (no trailing newline): the batch is
/// converted to its OTLP request, then encoded by [`write_metrics_request_json`].
pub fn write_metrics_json(metrics: &Metrics, out: &mut Vec<u8>) {
    write_metrics_request_json(&to_proto_metrics(metrics), out);
}

/// Appends the OTLP-JSON object of a logs batch to `out` (no trailing newline); see
/// [`write_metrics_json`].
pub fn write_logs_json(logs: &Logs, out: &mut Vec<u8>) {
    write_logs_request_json(&to_proto_logs(logs), out);
}

/// Appends the OTLP-JSON object of a traces batch to `out` (no trailing newline); see
/// [`write_metrics_json`].
pub fn write_traces_json(traces: &Traces, out: &mut Vec<u8>) {
    write_traces_request_json(&to_proto_traces(traces), out);
}

/// Appends the OTLP-JSON object of a traces export request (the same JSON as `TracesData`) to
/// `out`, without a trailing newline.
pub fn write_traces_request_json(request: &ExportTraceServiceRequest, out: &mut Vec<u8>) {
    let mut e = Enc { out };
    e.raw("{");
    let mut first = true;
    e.array_field(&mut first, "resourceSpans", &request.resource_spans, Enc::resource_spans);
    e.raw("}");
}

/// Appends the OTLP-JSON object of a metrics export request (the same JSON as `MetricsData`) to
/// `out`, without a trailing newline.
pub fn write_metrics_request_json(request: &ExportMetricsServiceRequest, out: &mut Vec<u8>) {
    let mut e = Enc { out };
    e.raw("{");
    let mut first = true;
    e.array_field(&mut first, "resourceMetrics", &request.resource_metrics, Enc::resource_metrics);
    e.raw("}");
}

/// Appends the OTLP-JSON object of a logs export request (the same JSON as `LogsData`) to `out`,
/// without a trailing newline.
pub fn write_logs_request_json(request: &ExportLogsServiceRequest, out: &mut Vec<u8>) {
    let mut e = Enc { out };
    e.raw("{");
    let mut first = true;
    e.array_field(&mut first, "resourceLogs", &request.resource_logs, Enc::resource_logs);
    e.raw("}");
}

struct Enc<'a> {
    out: &'a mut Vec<u8>,
}

impl Enc<'_> {
    fn raw(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    /// A JSON string with escapes (serde_json's escaping; writing to a Vec cannot fail).
    fn string(&mut self, s: &str) {
        let _ = serde_json::to_writer(&mut *self.out, s);
    }

    /// Writes `"key":`, preceded by a comma unless it is the object's first field.
    fn field(&mut self, first: &mut bool, key: &str) {
        if !*first {
            self.out.push(b',');
        }
        *first = false;
        self.out.push(b'"');
        self.raw(key);
        self.raw("\":");
    }

    fn array<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        self.out.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            each(self, item);
        }
        self.out.push(b']');
    }

    /// A repeated field, omitted when empty.
    fn array_field<T>(&mut self, first: &mut bool, key: &str, items: &[T], each: impl FnMut(&mut Self, &T)) {
        if !items.is_empty() {
            self.field(first, key);
            self.array(items, each);
        }
    }

    /// A message field, omitted when unset.
    fn message_field<T>(
        &mut self,
        first: &mut bool,
        key: &str,
        v: Option<&T>,
        each: impl FnOnce(&mut Self, &T),
    ) {
        if let Some(v) = v {
            self.field(first, key);
            each(self, v);
        }
    }

    fn str_field(&mut self, first: &mut bool, key: &str, v: &str) {
        if !v.is_empty() {
            self.field(first, key);
            self.string(v);
        }
    }

    /// A 64-bit integer as a JSON string (protojson), omitted when zero.
    fn u64_field(&mut self, first: &mut bool, key: &str, v: u64) {
        if v != 0 {
            self.field(first, key);
            self.quoted_u64(v);
        }
    }

    fn quoted_u64(&mut self, v: u64) {
        let _ = write!(self.out, "\"{v}\"");
    }

    fn quoted_i64(&mut self, v: i64) {
        let _ = write!(self.out, "\"{v}\"");
    }

    /// A 32-bit unsigned integer (fixed32, uint32) as a JSON number, omitted when zero.
    fn u32_field(&mut self, first: &mut bool, key: &str, v: u32) {
        if v != 0 {
            self.field(first, key);
            let _ = write!(self.out, "{v}");
        }
    }

    /// A 32-bit signed integer or an enum (as its number), omitted when zero.
    fn i32_field(&mut self, first: &mut bool, key: &str, v: i32) {
        if v != 0 {
            self.field(first, key);
            let _ = write!(self.out, "{v}");
        }
    }

    fn bool_field(&mut self, first: &mut bool, key: &str, v: bool) {
        if v {
            self.field(first, key);
            self.raw("true");
        }
    }

    /// A plain (implicit-presence) double, omitted when it is +0.0 (protojson compares bits).
    fn f64_field(&mut self, first: &mut bool, key: &str, v: f64) {
        if v.to_bits() != 0 {
            self.field(first, key);
            self.double(v);
        }
    }

    /// An `optional` double: written whenever it is set, zero included.
    fn opt_f64_field(&mut self, first: &mut bool, key: &str, v: Option<f64>) {
        if let Some(v) = v {
            self.field(first, key);
            self.double(v);
        }
    }

    fn double(&mut self, v: f64) {
        if v.is_nan() {
            self.raw("\"NaN\"");
        } else if v == f64::INFINITY {
            self.raw("\"Infinity\"");
        } else if v == f64::NEG_INFINITY {
            self.raw("\"-Infinity\"");
        } else {
            let abs = v.abs();
            if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
                // Rust prints `1e21` / `1.5e-7`; Go (and so the collector) prints `1e+21` / `1.5e-7`.
                let start = self.out.len();
                let _ = write!(self.out, "{v:e}");
                if let Some(pos) = self.out[start..].iter().position(|&b| b == b'e')
                    && self.out.get(start + pos + 1) != Some(&b'-')
                {
                    self.out.insert(start + pos + 1, b'+');
                }
            } else {
                let _ = write!(self.out, "{v}");
            }
        }
    }

    /// A trace or span id: lowercase hex (OTLP's deviation from protojson), omitted when empty.
    fn id_field(&mut self, first: &mut bool, key: &str, bytes: &[u8]) {
        if !bytes.is_empty() {
            self.field(first, key);
            self.out.push(b'"');
            self.out.extend_from_slice(hex::encode(bytes).as_bytes());
            self.out.push(b'"');
        }
    }

    fn base64(&mut self, bytes: &[u8]) {
        use base64::Engine;
        self.out.push(b'"');
        self.out.extend_from_slice(base64::engine::general_purpose::STANDARD.encode(bytes).as_bytes());
        self.out.push(b'"');
    }

    fn key_value(&mut self, kv: &pc::KeyValue) {
        self.raw("{");
        let mut first = true;
        self.str_field(&mut first, "key", &kv.key);
        self.message_field(&mut first, "value", kv.value.as_ref(), Enc::any_value);
        self.i32_field(&mut first, "keyStrindex", kv.key_strindex);
        self.raw("}");
    }

    fn any_value(&mut self, v: &pc::AnyValue) {
        use pc::any_value::Value as V;
        self.raw("{");
        match &v.value {
            None => {}
            Some(V::StringValue(s)) => {
                self.raw("\"stringValue\":");
                self.string(s);
            }
            Some(V::BoolValue(b)) => self.raw(if *b { "\"boolValue\":true" } else { "\"boolValue\":false" }),
            Some(V::IntValue(i)) => {
                self.raw("\"intValue\":");
                self.quoted_i64(*i);
            }
            Some(V::DoubleValue(d)) => {
                self.raw("\"doubleValue\":");
                self.double(*d);
            }
            Some(V::BytesValue(b)) => {
                self.raw("\"bytesValue\":");
                self.base64(b);
            }
            Some(V::ArrayValue(a)) => {
                self.raw("\"arrayValue\":{");
                let mut first = true;
                self.array_field(&mut first, "values", &a.values, Enc::any_value);
                self.raw("}");
            }
            Some(V::KvlistValue(m)) => {
                self.raw("\"kvlistValue\":{");
                let mut first = true;
                self.array_field(&mut first, "values", &m.values, Enc::key_value);
                self.raw("}");
            }
            Some(V::StringValueStrindex(i)) => {
                let _ = write!(self.out, "\"stringValueStrindex\":{i}");
            }
        }
        self.raw("}");
    }

    fn resource(&mut self, r: &pr::Resource) {
        self.raw("{");
        let mut first = true;
        self.array_field(&mut first, "attributes", &r.attributes, Enc::key_value);
        self.u32_field(&mut first, "droppedAttributesCount", r.dropped_attributes_count);
        self.array_field(&mut first, "entityRefs", &r.entity_refs, Enc::entity_ref);
        self.raw("}");
    }

    fn entity_ref(&mut self, r: &pc::EntityRef) {
        self.raw("{");
        let mut first = true;
        self.str_field(&mut first, "schemaUrl", &r.schema_url);
        self.str_field(&mut first, "type", &r.r#type);
        self.array_field(&mut first, "idKeys", &r.id_keys, |e, k| e.string(k));
        self.array_field(&mut first, "descriptionKeys", &r.description_keys, |e, k| e.string(k));
        self.raw("}");
    }

    fn scope(&mut self, s: &pc::InstrumentationScope) {
        self.raw("{");
        let mut first = true;
        self.str_field(&mut first, "name", &s.name);
        self.str_field(&mut first, "version", &s.version);
        self.array_field(&mut first, "attributes", &s.attributes, Enc::key_value);
        self.u32_field(&mut first, "droppedAttributesCount", s.dropped_attributes_count);
        self.raw("}");
    }

    fn resource_metrics(&mut self, rm: &pm::ResourceMetrics) {
        self.raw("{");
        let mut first = true;
        self.message_field(&mut first, "resource", rm.resource.as_ref(), Enc::resource);
        self.array_field(&mut first, "scopeMetrics", &rm.scope_metrics, |e, sm| {
            e.raw("{");
            let mut first = true;
            e.message_field(&mut first, "scope", sm.scope.as_ref(), Enc::scope);
            e.array_field(&mut first, "metrics", &sm.metrics, Enc::metric);
            e.str_field(&mut first, "schemaUrl", &sm.schema_url);
            e.raw("}");
        });
        self.str_field(&mut first, "schemaUrl", &rm.schema_url);
        self.raw("}");
    }

    fn resource_logs(&mut self, rl: &pl::ResourceLogs) {
        self.raw("{");
        let mut first = true;
        self.message_field(&mut first, "resource", rl.resource.as_ref(), Enc::resource);
        self.array_field(&mut first, "scopeLogs", &rl.scope_logs, |e, sl| {
            e.raw("{");
            let mut first = true;
            e.message_field(&mut first, "scope", sl.scope.as_ref(), Enc::scope);
            e.array_field(&mut first, "logRecords", &sl.log_records, Enc::log_record);
            e.str_field(&mut first, "schemaUrl", &sl.schema_url);
            e.raw("}");
        });
        self.str_field(&mut first, "schemaUrl", &rl.schema_url);
        self.raw("}");
    }

    fn resource_spans(&mut self, rs: &pt::ResourceSpans) {
        self.raw("{");
        let mut first = true;
        self.message_field(&mut first, "resource", rs.resource.as_ref(), Enc::resource);
        self.array_field(&mut first, "scopeSpans", &rs.scope_spans, |e, ss| {
            e.raw("{");
            let mut first = true;
            e.message_field(&mut first, "scope", ss.scope.as_ref(), Enc::scope);
            e.array_field(&mut first, "spans", &ss.spans, Enc::span);
            e.str_field(&mut first, "schemaUrl", &ss.schema_url);
            e.raw("}");
        });
        self.str_field(&mut first, "schemaUrl", &rs.schema_url);
        self.raw("}");
    }

    /// A span, its fields in the proto's declaration order (`flags`, field 16, follows
    /// `parentSpanId` there).
    fn span(&mut self, s: &pt::Span) {
        self.raw("{");
        let mut first = true;
        self.id_field(&mut first, "traceId", &s.trace_id);
        self.id_field(&mut first, "spanId", &s.span_id);
        self.str_field(&mut first, "traceState", &s.trace_state);
        self.id_field(&mut first, "parentSpanId", &s.parent_span_id);
        self.u32_field(&mut first, "flags", s.flags);
        self.str_field(&mut first, "name", &s.name);
        self.i32_field(&mut first, "kind", s.kind);
        self.u64_field(&mut first, "startTimeUnixNano", s.start_time_unix_nano);
        self.u64_field(&mut first, "endTimeUnixNano", s.end_time_unix_nano);
        self.array_field(&mut first, "attributes", &s.attributes, Enc::key_value);
        self.u32_field(&mut first, "droppedAttributesCount", s.dropped_attributes_count);
        self.array_field(&mut first, "events", &s.events, |e, ev| {
            e.raw("{");
            let mut f = true;
            e.u64_field(&mut f, "timeUnixNano", ev.time_unix_nano);
            e.str_field(&mut f, "name", &ev.name);
            e.array_field(&mut f, "attributes", &ev.attributes, Enc::key_value);
            e.u32_field(&mut f, "droppedAttributesCount", ev.dropped_attributes_count);
            e.raw("}");
        });
        self.u32_field(&mut first, "droppedEventsCount", s.dropped_events_count);
        self.array_field(&mut first, "links", &s.links, |e, l| {
            e.raw("{");
            let mut f = true;
            e.id_field(&mut f, "traceId", &l.trace_id);
            e.id_field(&mut f, "spanId", &l.span_id);
            e.str_field(&mut f, "traceState", &l.trace_state);
            e.array_field(&mut f, "attributes", &l.attributes, Enc::key_value);
            e.u32_field(&mut f, "droppedAttributesCount", l.dropped_attributes_count);
            e.u32_field(&mut f, "flags", l.flags);
            e.raw("}");
        });
        self.u32_field(&mut first, "droppedLinksCount", s.dropped_links_count);
        self.message_field(&mut first, "status", s.status.as_ref(), |e, st| {
            e.raw("{");
            let mut f = true;
            e.str_field(&mut f, "message", &st.message);
            e.i32_field(&mut f, "code", st.code);
            e.raw("}");
        });
        self.raw("}");
    }

    fn metric(&mut self, m: &pm::Metric) {
        use pm::metric::Data;
        self.raw("{");
        let mut first = true;
        self.str_field(&mut first, "name", &m.name);
        self.str_field(&mut first, "description", &m.description);
        self.str_field(&mut first, "unit", &m.unit);
        match &m.data {
            None => {}
            Some(Data::Gauge(g)) => {
                self.field(&mut first, "gauge");
                self.raw("{");
                let mut f = true;
                self.array_field(&mut f, "dataPoints", &g.data_points, Enc::number_point);
                self.raw("}");
            }
            Some(Data::Sum(s)) => {
                self.field(&mut first, "sum");
                self.raw("{");
                let mut f = true;
                self.array_field(&mut f, "dataPoints", &s.data_points, Enc::number_point);
                self.i32_field(&mut f, "aggregationTemporality", s.aggregation_temporality);
                self.bool_field(&mut f, "isMonotonic", s.is_monotonic);
                self.raw("}");
            }
            Some(Data::Histogram(h)) => {
                self.field(&mut first, "histogram");
                self.raw("{");
                let mut f = true;
                self.array_field(&mut f, "dataPoints", &h.data_points, Enc::histogram_point);
                self.i32_field(&mut f, "aggregationTemporality", h.aggregation_temporality);
                self.raw("}");
            }
            Some(Data::ExponentialHistogram(h)) => {
                self.field(&mut first, "exponentialHistogram");
                self.raw("{");
                let mut f = true;
                self.array_field(&mut f, "dataPoints", &h.data_points, Enc::exponential_histogram_point);
                self.i32_field(&mut f, "aggregationTemporality", h.aggregation_temporality);
                self.raw("}");
            }
            Some(Data::Summary(s)) => {
                self.field(&mut first, "summary");
                self.raw("{");
                let mut f = true;
                self.array_field(&mut f, "dataPoints", &s.data_points, Enc::summary_point);
                self.raw("}");
            }
        }
        self.array_field(&mut first, "metadata", &m.metadata, Enc::key_value);
        self.raw("}");
    }

    fn number_point(&mut self, p: &pm::NumberDataPoint) {
        use pm::number_data_point::Value as V;
        self.raw("{");
        let mut first = true;
        self.array_field(&mut first, "attributes", &p.attributes, Enc::key_value);
        self.u64_field(&mut first, "startTimeUnixNano", p.start_time_unix_nano);
        self.u64_field(&mut first, "timeUnixNano", p.time_unix_nano);
        match p.value {
            None => {}
            Some(V::AsDouble(d)) => {
                self.field(&mut first, "asDouble");
                self.double(d);
            }
            Some(V::AsInt(i)) => {
                self.field(&mut first, "asInt");
                self.quoted_i64(i);
            }
        }
        self.array_field(&mut first, "exemplars", &p.exemplars, Enc::exemplar);
        self.u32_field(&mut first, "flags", p.flags);
        self.raw("}");
    }

    fn histogram_point(&mut self, p: &pm::HistogramDataPoint) {
        self.raw("{");
        let mut first = true;
        self.array_field(&mut first, "attributes", &p.attributes, Enc::key_value);
        self.u64_field(&mut first, "startTimeUnixNano", p.start_time_unix_nano);
        self.u64_field(&mut first, "timeUnixNano", p.time_unix_nano);
        self.u64_field(&mut first, "count", p.count);
        self.opt_f64_field(&mut first, "sum", p.sum);
        self.array_field(&mut first, "bucketCounts", &p.bucket_counts, |e, c| e.quoted_u64(*c));
        self.array_field(&mut first, "explicitBounds", &p.explicit_bounds, |e, b| e.double(*b));
        self.array_field(&mut first, "exemplars", &p.exemplars, Enc::exemplar);
        self.u32_field(&mut first, "flags", p.flags);
        self.opt_f64_field(&mut first, "min", p.min);
        self.opt_f64_field(&mut first, "max", p.max);
        self.raw("}");
    }

    fn exponential_histogram_point(&mut self, p: &pm::ExponentialHistogramDataPoint) {
        let buckets = |e: &mut Self, b: &pm::exponential_histogram_data_point::Buckets| {
            e.raw("{");
            let mut f = true;
            e.i32_field(&mut f, "offset", b.offset);
            e.array_field(&mut f, "bucketCounts", &b.bucket_counts, |e, c| e.quoted_u64(*c));
            e.raw("}");
        };
        self.raw("{");
        let mut first = true;
        self.array_field(&mut first, "attributes", &p.attributes, Enc::key_value);
        self.u64_field(&mut first, "startTimeUnixNano", p.start_time_unix_nano);
        self.u64_field(&mut first, "timeUnixNano", p.time_unix_nano);
        self.u64_field(&mut first, "count", p.count);
        self.opt_f64_field(&mut first, "sum", p.sum);
        self.i32_field(&mut first, "scale", p.scale);
        self.u64_field(&mut first, "zeroCount", p.zero_count);
        self.message_field(&mut first, "positive", p.positive.as_ref(), buckets);
        self.message_field(&mut first, "negative", p.negative.as_ref(), buckets);
        self.u32_field(&mut first, "flags", p.flags);
        self.array_field(&mut first, "exemplars", &p.exemplars, Enc::exemplar);
        self.opt_f64_field(&mut first, "min", p.min);
        self.opt_f64_field(&mut first, "max", p.max);
        self.f64_field(&mut first, "zeroThreshold", p.zero_threshold);
        self.raw("}");
    }

    fn summary_point(&mut self, p: &pm::SummaryDataPoint) {
        self.raw("{");
        let mut first = true;
        self.array_field(&mut first, "attributes", &p.attributes, Enc::key_value);
        self.u64_field(&mut first, "startTimeUnixNano", p.start_time_unix_nano);
        self.u64_field(&mut first, "timeUnixNano", p.time_unix_nano);
        self.u64_field(&mut first, "count", p.count);
        self.f64_field(&mut first, "sum", p.sum);
        self.array_field(&mut first, "quantileValues", &p.quantile_values, |e, q| {
            e.raw("{");
            let mut f = true;
            e.f64_field(&mut f, "quantile", q.quantile);
            e.f64_field(&mut f, "value", q.value);
            e.raw("}");
        });
        self.u32_field(&mut first, "flags", p.flags);
        self.raw("}");
    }

    fn exemplar(&mut self, x: &pm::Exemplar) {
        use pm::exemplar::Value as V;
        self.raw("{");
        let mut first = true;
        self.array_field(&mut first, "filteredAttributes", &x.filtered_attributes, Enc::key_value);
        self.u64_field(&mut first, "timeUnixNano", x.time_unix_nano);
        match x.value {
            None => {}
            Some(V::AsDouble(d)) => {
                self.field(&mut first, "asDouble");
                self.double(d);
            }
            Some(V::AsInt(i)) => {
                self.field(&mut first, "asInt");
                self.quoted_i64(i);
            }
        }
        self.id_field(&mut first, "spanId", &x.span_id);
        self.id_field(&mut first, "traceId", &x.trace_id);
        self.raw("}");
    }

    fn log_record(&mut self, r: &pl::LogRecord) {
        self.raw("{");
        let mut first = true;
        self.u64_field(&mut first, "timeUnixNano", r.time_unix_nano);
        self.u64_field(&mut first, "observedTimeUnixNano", r.observed_time_unix_nano);
        self.i32_field(&mut first, "severityNumber", r.severity_number);
        self.str_field(&mut first, "severityText", &r.severity_text);
        self.message_field(&mut first, "body", r.body.as_ref(), Enc::any_value);
        self.array_field(&mut first, "attributes", &r.attributes, Enc::key_value);
        self.u32_field(&mut first, "droppedAttributesCount", r.dropped_attributes_count);
        self.u32_field(&mut first, "flags", r.flags);
        self.id_field(&mut first, "traceId", &r.trace_id);
        self.id_field(&mut first, "spanId", &r.span_id);
        self.str_field(&mut first, "eventName", &r.event_name);
        self.raw("}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dbintel_core::pdata::{Attributes, Resource, ResourceLogs, Value};

    fn double(v: f64) -> String {
        let mut out = Vec::new();
        Enc { out: &mut out }.double(v);
        into_string(out)
    }

    fn b64(v: &[u8]) -> String {
        let mut out = Vec::new();
        Enc { out: &mut out }.base64(v);
        into_string(out)
    }

    #[test]
    fn doubles_follow_go_formatting() {
        let cases = [
            (f64::NAN, "\"NaN\""),
            (f64::INFINITY, "\"Infinity\""),
            (f64::NEG_INFINITY, "\"-Infinity\""),
            (0.0, "0"),
            (1.0, "1"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (-1.25e-10, "-1.25e-10"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
        ];
        for (v, want) in cases {
            assert_eq!(double(v), want, "{v}");
        }
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(b64(b""), "\"\"");
        assert_eq!(b64(b"f"), "\"Zg==\"");
        assert_eq!(b64(b"fo"), "\"Zm8=\"");
        assert_eq!(b64(b"foo"), "\"Zm9v\"");
        assert_eq!(b64(b"foobar"), "\"Zm9vYmFy\"");
        assert_eq!(b64(&[0, 255, 16]), "\"AP8Q\"");
    }

    #[test]
    fn empty_batches_are_empty_objects() {
        assert_eq!(metrics_to_json(&Metrics::default()), "{}");
        assert_eq!(logs_to_json(&Logs::default()), "{}");
        assert_eq!(traces_to_json(&Traces::default()), "{}");
    }

    #[test]
    fn spans_use_hex_ids_string_times_and_integer_enums() {
        let json: serde_json::Value =
            serde_json::from_str(&traces_to_json(&crate::fixtures::sample_traces())).unwrap();
        let rs = &json["resourceSpans"][0];
        assert_eq!(rs["schemaUrl"], "https://opentelemetry.io/schemas/1.26.0");
        let spans = &rs["scopeSpans"][0]["spans"];
        let (root, child) = (&spans[0], &spans[1]);
        assert_eq!(root["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(root["spanId"], "00f067aa0ba902b7");
        assert!(root.get("parentSpanId").is_none(), "a root span has no parent");
        assert!(root.get("status").is_none());
        assert_eq!(root["traceState"], "congo=t61rcWkgMzE");
        assert_eq!(root["kind"], 2);
        assert_eq!(child["parentSpanId"], "00f067aa0ba902b7");
        assert_eq!(child["flags"], 0x301);
        assert_eq!(child["startTimeUnixNano"], (crate::fixtures::T0 + 1_000).to_string());
        assert_eq!(
            child["status"],
            serde_json::json!({"message": "canceling statement due to user request", "code": 2})
        );
        assert_eq!(child["events"][0]["name"], "exception");
        assert_eq!(child["links"][0]["traceId"], "fffe0001807f00000908070605040302");
        assert_eq!(child["links"][0]["flags"], 0x301);
        assert_eq!(child["droppedLinksCount"], 4);
        // The span with only defaults is an empty object.
        assert_eq!(json["resourceSpans"][1]["scopeSpans"][0]["spans"][0], serde_json::json!({}));
    }

    proptest::proptest! {
        #[test]
        fn any_double_gives_valid_json(bits in proptest::num::u64::ANY) {
            let s = double(f64::from_bits(bits));
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&s);
            proptest::prop_assert!(parsed.is_ok(), "{}", s);
        }

        #[test]
        fn any_string_gives_valid_json(s in "\\PC*", key in "\\PC*", bytes in proptest::collection::vec(0u8.., 0..40)) {
            let mut attrs = Attributes::new();
            attrs.insert(key, s);
            attrs.insert("b", Value::Bytes(bytes));
            let logs = Logs { resource_logs: vec![ResourceLogs {
                resource: Resource { attributes: attrs }, ..Default::default() }] };
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&logs_to_json(&logs));
            proptest::prop_assert!(parsed.is_ok());
        }
    }
}
