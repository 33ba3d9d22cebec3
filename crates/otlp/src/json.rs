//! OTLP-JSON: the protobuf JSON mapping of `MetricsData` / `LogsData`, as the OpenTelemetry Collector's
//! file exporter writes it.
//!
//! Rules (protojson plus the OTLP deviations):
//! - lowerCamelCase keys; fields holding their default value are omitted, except oneof members and
//!   `optional` fields (histogram `sum`/`min`/`max`), which are written when present;
//! - 64-bit integers (`timeUnixNano`, `asInt`, `count`, `bucketCounts`, `intValue`) are strings;
//! - enums (`aggregationTemporality`, `severityNumber`) are integers;
//! - `traceId`/`spanId` are lowercase hex (OTLP), other bytes are base64 (protojson);
//! - NaN and infinities are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`; other doubles use the
//!   shortest round-trip form, in exponent form below 1e-6 and from 1e21 up (as Go does).
//!
//! The encoder writes straight into a byte buffer, without building a JSON tree.

use std::io::Write as _;

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint,
    NumberValue, Resource, Scope, SummaryDataPoint, Value,
};

use crate::proto::temporality_number;

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

fn into_string(buf: Vec<u8>) -> String {
    // The encoder writes only UTF-8 (keys and escaped strings come from `str`), so this never copies.
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends the OTLP-JSON object of a metrics batch to `out` (no trailing newline).
pub fn write_metrics_json(metrics: &Metrics, out: &mut Vec<u8>) {
    let mut e = Enc { out };
    e.raw("{");
    if !metrics.resource_metrics.is_empty() {
        e.key_first("resourceMetrics");
        e.array(&metrics.resource_metrics, |e, rm| {
            e.raw("{");
            let mut first = true;
            e.field(&mut first, "resource");
            e.resource(&rm.resource);
            if !rm.scope_metrics.is_empty() {
                e.field(&mut first, "scopeMetrics");
                e.array(&rm.scope_metrics, |e, sm| {
                    e.raw("{");
                    let mut first = true;
                    e.field(&mut first, "scope");
                    e.scope(&sm.scope);
                    if !sm.metrics.is_empty() {
                        e.field(&mut first, "metrics");
                        e.array(&sm.metrics, Enc::metric);
                    }
                    e.str_field(&mut first, "schemaUrl", &sm.schema_url);
                    e.raw("}");
                });
            }
            e.str_field(&mut first, "schemaUrl", &rm.schema_url);
            e.raw("}");
        });
    }
    e.raw("}");
}

/// Appends the OTLP-JSON object of a logs batch to `out` (no trailing newline).
pub fn write_logs_json(logs: &Logs, out: &mut Vec<u8>) {
    let mut e = Enc { out };
    e.raw("{");
    if !logs.resource_logs.is_empty() {
        e.key_first("resourceLogs");
        e.array(&logs.resource_logs, |e, rl| {
            e.raw("{");
            let mut first = true;
            e.field(&mut first, "resource");
            e.resource(&rl.resource);
            if !rl.scope_logs.is_empty() {
                e.field(&mut first, "scopeLogs");
                e.array(&rl.scope_logs, |e, sl| {
                    e.raw("{");
                    let mut first = true;
                    e.field(&mut first, "scope");
                    e.scope(&sl.scope);
                    if !sl.log_records.is_empty() {
                        e.field(&mut first, "logRecords");
                        e.array(&sl.log_records, Enc::log_record);
                    }
                    e.str_field(&mut first, "schemaUrl", &sl.schema_url);
                    e.raw("}");
                });
            }
            e.str_field(&mut first, "schemaUrl", &rl.schema_url);
            e.raw("}");
        });
    }
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

    fn key_first(&mut self, key: &str) {
        self.out.push(b'"');
        self.raw(key);
        self.raw("\":");
    }

    /// Writes `"key":`, preceded by a comma unless it is the object's first field.
    fn field(&mut self, first: &mut bool, key: &str) {
        if !*first {
            self.out.push(b',');
        }
        *first = false;
        self.key_first(key);
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

    /// A 32-bit integer (fixed32, uint32 or enum) as a JSON number, omitted when zero.
    fn u32_field(&mut self, first: &mut bool, key: &str, v: u32) {
        if v != 0 {
            self.field(first, key);
            let _ = write!(self.out, "{v}");
        }
    }

    fn i32_field(&mut self, first: &mut bool, key: &str, v: i32) {
        if v != 0 {
            self.field(first, key);
            let _ = write!(self.out, "{v}");
        }
    }

    /// A plain (implicit-presence) double, omitted when it is +0.0 (protojson compares bits).
    fn f64_field(&mut self, first: &mut bool, key: &str, v: f64) {
        if v.to_bits() != 0 {
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

    fn hex(&mut self, bytes: &[u8]) {
        self.out.push(b'"');
        self.out.extend_from_slice(hex::encode(bytes).as_bytes());
        self.out.push(b'"');
    }

    fn base64(&mut self, bytes: &[u8]) {
        use base64::Engine;
        self.out.push(b'"');
        self.out.extend_from_slice(base64::engine::general_purpose::STANDARD.encode(bytes).as_bytes());
        self.out.push(b'"');
    }

    fn attributes_field(&mut self, first: &mut bool, key: &str, attrs: &Attributes) {
        if !attrs.is_empty() {
            self.field(first, key);
            self.key_values(attrs);
        }
    }

    fn key_values(&mut self, attrs: &Attributes) {
        self.out.push(b'[');
        for (i, (k, v)) in attrs.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.raw("{");
            let mut first = true;
            self.str_field(&mut first, "key", k);
            self.field(&mut first, "value");
            self.any_value(v);
            self.raw("}");
        }
        self.out.push(b']');
    }

    fn any_value(&mut self, v: &Value) {
        match v {
            Value::Str(s) => {
                self.raw("{\"stringValue\":");
                self.string(s);
            }
            Value::Bool(b) => self.raw(if *b { "{\"boolValue\":true" } else { "{\"boolValue\":false" }),
            Value::Int(i) => {
                let _ = write!(self.out, "{{\"intValue\":\"{i}\"");
            }
            Value::Double(d) => {
                self.raw("{\"doubleValue\":");
                self.double(*d);
            }
            Value::Bytes(b) => {
                self.raw("{\"bytesValue\":");
                self.base64(b);
            }
            Value::Array(items) => {
                self.raw("{\"arrayValue\":{");
                if !items.is_empty() {
                    self.raw("\"values\":");
                    self.array(items, Enc::any_value);
                }
                self.raw("}");
            }
            Value::Map(m) => {
                self.raw("{\"kvlistValue\":{");
                if !m.is_empty() {
                    self.raw("\"values\":");
                    self.key_values(m);
                }
                self.raw("}");
            }
        }
        self.raw("}");
    }

    fn resource(&mut self, r: &Resource) {
        self.raw("{");
        let mut first = true;
        self.attributes_field(&mut first, "attributes", &r.attributes);
        self.raw("}");
    }

    fn scope(&mut self, s: &Scope) {
        self.raw("{");
        let mut first = true;
        self.str_field(&mut first, "name", &s.name);
        self.str_field(&mut first, "version", &s.version);
        self.attributes_field(&mut first, "attributes", &s.attributes);
        self.raw("}");
    }

    fn metric(&mut self, m: &Metric) {
        self.raw("{");
        let mut first = true;
        self.str_field(&mut first, "name", &m.name);
        self.str_field(&mut first, "description", &m.description);
        self.str_field(&mut first, "unit", &m.unit);
        match &m.data {
            MetricData::Gauge(points) => {
                self.field(&mut first, "gauge");
                self.raw("{");
                let mut f = true;
                self.points(&mut f, points, Enc::number_point);
                self.raw("}");
            }
            MetricData::Sum { points, temporality, monotonic } => {
                self.field(&mut first, "sum");
                self.raw("{");
                let mut f = true;
                self.points(&mut f, points, Enc::number_point);
                self.i32_field(&mut f, "aggregationTemporality", temporality_number(*temporality));
                if *monotonic {
                    self.field(&mut f, "isMonotonic");
                    self.raw("true");
                }
                self.raw("}");
            }
            MetricData::Histogram { points, temporality } => {
                self.field(&mut first, "histogram");
                self.raw("{");
                let mut f = true;
                self.points(&mut f, points, Enc::histogram_point);
                self.i32_field(&mut f, "aggregationTemporality", temporality_number(*temporality));
                self.raw("}");
            }
            MetricData::Summary(points) => {
                self.field(&mut first, "summary");
                self.raw("{");
                let mut f = true;
                self.points(&mut f, points, Enc::summary_point);
                self.raw("}");
            }
        }
        self.raw("}");
    }

    fn points<T>(&mut self, first: &mut bool, points: &[T], each: impl FnMut(&mut Self, &T)) {
        if !points.is_empty() {
            self.field(first, "dataPoints");
            self.array(points, each);
        }
    }

    fn number_point(&mut self, p: &NumberDataPoint) {
        self.raw("{");
        let mut first = true;
        self.attributes_field(&mut first, "attributes", &p.attributes);
        self.u64_field(&mut first, "startTimeUnixNano", p.start_time_unix_nano);
        self.u64_field(&mut first, "timeUnixNano", p.time_unix_nano);
        match p.value {
            NumberValue::Int(i) => {
                self.field(&mut first, "asInt");
                let _ = write!(self.out, "\"{i}\"");
            }
            NumberValue::Double(d) => {
                self.field(&mut first, "asDouble");
                self.double(d);
            }
        }
        self.u32_field(&mut first, "flags", p.flags);
        self.raw("}");
    }

    fn histogram_point(&mut self, p: &HistogramDataPoint) {
        self.raw("{");
        let mut first = true;
        self.attributes_field(&mut first, "attributes", &p.attributes);
        self.u64_field(&mut first, "startTimeUnixNano", p.start_time_unix_nano);
        self.u64_field(&mut first, "timeUnixNano", p.time_unix_nano);
        self.u64_field(&mut first, "count", p.count);
        if let Some(sum) = p.sum {
            self.field(&mut first, "sum");
            self.double(sum);
        }
        if !p.bucket_counts.is_empty() {
            self.field(&mut first, "bucketCounts");
            self.array(&p.bucket_counts, |e, c| e.quoted_u64(*c));
        }
        if !p.explicit_bounds.is_empty() {
            self.field(&mut first, "explicitBounds");
            self.array(&p.explicit_bounds, |e, b| e.double(*b));
        }
        self.u32_field(&mut first, "flags", p.flags);
        if let Some(min) = p.min {
            self.field(&mut first, "min");
            self.double(min);
        }
        if let Some(max) = p.max {
            self.field(&mut first, "max");
            self.double(max);
        }
        self.raw("}");
    }

    fn summary_point(&mut self, p: &SummaryDataPoint) {
        self.raw("{");
        let mut first = true;
        self.attributes_field(&mut first, "attributes", &p.attributes);
        self.u64_field(&mut first, "startTimeUnixNano", p.start_time_unix_nano);
        self.u64_field(&mut first, "timeUnixNano", p.time_unix_nano);
        self.u64_field(&mut first, "count", p.count);
        self.f64_field(&mut first, "sum", p.sum);
        if !p.quantile_values.is_empty() {
            self.field(&mut first, "quantileValues");
            self.array(&p.quantile_values, |e, q| {
                e.raw("{");
                let mut f = true;
                e.f64_field(&mut f, "quantile", q.quantile);
                e.f64_field(&mut f, "value", q.value);
                e.raw("}");
            });
        }
        self.u32_field(&mut first, "flags", p.flags);
        self.raw("}");
    }

    fn log_record(&mut self, r: &LogRecord) {
        self.raw("{");
        let mut first = true;
        self.u64_field(&mut first, "timeUnixNano", r.time_unix_nano);
        self.u64_field(&mut first, "observedTimeUnixNano", r.observed_time_unix_nano);
        self.i32_field(&mut first, "severityNumber", r.severity_number.0);
        self.str_field(&mut first, "severityText", &r.severity_text);
        if let Some(body) = &r.body {
            self.field(&mut first, "body");
            self.any_value(body);
        }
        self.attributes_field(&mut first, "attributes", &r.attributes);
        self.u32_field(&mut first, "flags", r.flags);
        if let Some(t) = &r.trace_id {
            self.field(&mut first, "traceId");
            self.hex(t);
        }
        if let Some(s) = &r.span_id {
            self.field(&mut first, "spanId");
            self.hex(s);
        }
        self.str_field(&mut first, "eventName", &r.event_name);
        self.raw("}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let logs = Logs { resource_logs: vec![dbintel_core::pdata::ResourceLogs {
                resource: Resource { attributes: attrs }, ..Default::default() }] };
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&logs_to_json(&logs));
            proptest::prop_assert!(parsed.is_ok());
        }
    }
}
