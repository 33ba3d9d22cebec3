//! OTLP protobuf messages (prost types from `opentelemetry-proto`) to the data model: what the `otlp`
//! receiver does with a request after decoding its body (protobuf or OTLP-JSON).
//!
//! Nothing is dropped silently. An item the data model cannot hold is refused one by one and counted
//! in [`Decoded::rejected`] with a reason in [`Decoded::message`], which the receiver returns as
//! OTLP partial success (`rejected_data_points` / `rejected_log_records` and `error_message`):
//! - metric points of a kind the data model lacks (exponential histograms);
//! - number points with no value (neither `as_int` nor `as_double`), metrics with an unknown
//!   aggregation temporality;
//! - log records whose `trace_id` is not 16 bytes or `span_id` not 8 (empty means absent).
//!
//! Exemplars and `dropped_attributes_count` fields are not kept (the data model has no place for
//! them); the points and records they belong to are.
//!
//! The JSON side is `opentelemetry-proto`'s serde (the protobuf JSON mapping with OTLP's hex
//! trace/span ids, 64-bit integers as strings or numbers), through
//! [`json_doubles::request_from_json`](crate::json_doubles::request_from_json), which also reads the
//! protobuf JSON names of special doubles (`"NaN"`, `"Infinity"`, `"-Infinity"`) wherever a double
//! is: [`metrics_request_from_json`], [`logs_request_from_json`] and [`traces_request_from_json`].

use std::collections::BTreeMap;

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint,
    NumberValue, QuantileValue, Resource, ResourceLogs, ResourceMetrics, Scope, ScopeLogs, ScopeMetrics,
    SeverityNumber, SummaryDataPoint, Temporality, Value,
};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1 as pc;
use opentelemetry_proto::tonic::logs::v1 as pl;
use opentelemetry_proto::tonic::metrics::v1 as pm;
use opentelemetry_proto::tonic::resource::v1 as pr;

/// A request converted to the data model, with what was refused.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decoded<T> {
    pub data: T,
    /// Items refused (metric data points or log records).
    pub rejected: u64,
    /// Why, one clause per reason with its count (`""` when nothing was refused).
    pub message: String,
}

/// Counts refusals per reason, rendered once into [`Decoded::message`].
#[derive(Default)]
struct Rejections {
    total: u64,
    reasons: BTreeMap<&'static str, u64>,
}

impl Rejections {
    fn add(&mut self, reason: &'static str, n: u64) {
        if n == 0 {
            return;
        }
        self.total += n;
        *self.reasons.entry(reason).or_default() += n;
    }
    fn message(&self, unit: &str) -> String {
        self.reasons
            .iter()
            .map(|(why, n)| format!("{n} {unit} refused: {why}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// An OTLP/JSON metrics request (`application/json` body of `/v1/metrics`).
pub fn metrics_request_from_json(body: &[u8]) -> Result<ExportMetricsServiceRequest, serde_json::Error> {
    crate::json_doubles::request_from_json(body)
}

/// An OTLP/JSON logs request (`application/json` body of `/v1/logs`).
pub fn logs_request_from_json(body: &[u8]) -> Result<ExportLogsServiceRequest, serde_json::Error> {
    crate::json_doubles::request_from_json(body)
}

/// An OTLP/JSON traces request (`application/json` body of `/v1/traces`).
pub fn traces_request_from_json(
    body: &[u8],
) -> Result<crate::trace_proto::ExportTraceServiceRequest, serde_json::Error> {
    crate::json_doubles::request_from_json(body)
}

/// Converts a metrics export request to the data model; scopes and resources left with no metric
/// are left out.
pub fn from_proto_metrics(req: ExportMetricsServiceRequest) -> Decoded<Metrics> {
    let mut rej = Rejections::default();
    let mut out = Metrics { resource_metrics: Vec::with_capacity(req.resource_metrics.len()) };
    for rm in req.resource_metrics {
        let mut scope_metrics = Vec::with_capacity(rm.scope_metrics.len());
        for sm in rm.scope_metrics {
            let metrics: Vec<Metric> = sm.metrics.into_iter().filter_map(|m| metric(m, &mut rej)).collect();
            if !metrics.is_empty() {
                scope_metrics.push(ScopeMetrics {
                    scope: scope(sm.scope),
                    metrics,
                    schema_url: sm.schema_url,
                });
            }
        }
        if !scope_metrics.is_empty() {
            out.resource_metrics.push(ResourceMetrics {
                resource: resource(rm.resource),
                scope_metrics,
                schema_url: rm.schema_url,
            });
        }
    }
    Decoded { data: out, rejected: rej.total, message: rej.message("data points") }
}

/// Converts a logs export request to the data model.
pub fn from_proto_logs(req: ExportLogsServiceRequest) -> Decoded<Logs> {
    let mut rej = Rejections::default();
    let mut out = Logs { resource_logs: Vec::with_capacity(req.resource_logs.len()) };
    for rl in req.resource_logs {
        let mut scope_logs = Vec::with_capacity(rl.scope_logs.len());
        for sl in rl.scope_logs {
            let log_records: Vec<LogRecord> =
                sl.log_records.into_iter().filter_map(|r| log_record(r, &mut rej)).collect();
            if !log_records.is_empty() {
                scope_logs.push(ScopeLogs { scope: scope(sl.scope), log_records, schema_url: sl.schema_url });
            }
        }
        if !scope_logs.is_empty() {
            out.resource_logs.push(ResourceLogs {
                resource: resource(rl.resource),
                scope_logs,
                schema_url: rl.schema_url,
            });
        }
    }
    Decoded { data: out, rejected: rej.total, message: rej.message("log records") }
}

/// The data points a metrics request holds, in OTel's unit (what `otelcol_receiver_*_metric_points`
/// count), every kind included.
pub fn request_data_points(req: &ExportMetricsServiceRequest) -> u64 {
    use pm::metric::Data;
    req.resource_metrics
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
        .sum()
}

/// The log records a logs request holds.
pub fn request_log_records(req: &ExportLogsServiceRequest) -> u64 {
    req.resource_logs.iter().flat_map(|rl| &rl.scope_logs).map(|sl| sl.log_records.len() as u64).sum()
}

/// An OTLP `AnyValue` as a data-model value; an empty `AnyValue` is `None`.
pub fn value(v: pc::AnyValue) -> Option<Value> {
    use pc::any_value::Value as V;
    Some(match v.value? {
        V::StringValue(s) => Value::Str(s.into()),
        V::BoolValue(b) => Value::Bool(b),
        V::IntValue(i) => Value::Int(i),
        V::DoubleValue(d) => Value::Double(d),
        V::BytesValue(b) => Value::Bytes(b),
        // An empty element keeps its place (as an empty string) so indexes stay meaningful.
        V::ArrayValue(a) => {
            Value::Array(a.values.into_iter().map(|v| value(v).unwrap_or(Value::Str("".into()))).collect())
        }
        V::KvlistValue(kv) => Value::Map(attributes(kv.values)),
        // An index into a profile's string table: meaningless outside profiles, read as empty.
        V::StringValueStrindex(_) => return None,
    })
}

/// OTLP key/value pairs as attributes (a repeated key keeps the last value, as pdata's `PutX` does;
/// a pair with an empty value keeps its key with an empty string).
pub fn attributes(kvs: Vec<pc::KeyValue>) -> Attributes {
    let mut a = Attributes::with_capacity(kvs.len());
    for kv in kvs {
        let v = kv.value.and_then(value).unwrap_or(Value::Str("".into()));
        a.insert(kv.key, v);
    }
    a
}

fn resource(r: Option<pr::Resource>) -> Resource {
    Resource { attributes: r.map(|r| attributes(r.attributes)).unwrap_or_default() }
}

fn scope(s: Option<pc::InstrumentationScope>) -> Scope {
    match s {
        Some(s) => Scope { name: s.name, version: s.version, attributes: attributes(s.attributes) },
        None => Scope::default(),
    }
}

fn temporality(n: i32) -> Option<Temporality> {
    match pm::AggregationTemporality::try_from(n) {
        Ok(pm::AggregationTemporality::Delta) => Some(Temporality::Delta),
        Ok(pm::AggregationTemporality::Cumulative) => Some(Temporality::Cumulative),
        _ => None,
    }
}

const NO_TEMPORALITY: &str = "aggregation temporality unspecified or unknown";

fn metric(m: pm::Metric, rej: &mut Rejections) -> Option<Metric> {
    use pm::metric::Data;
    let data = match m.data? {
        Data::Gauge(g) => MetricData::Gauge(numbers(g.data_points, rej)),
        Data::Sum(s) => {
            let Some(temporality) = temporality(s.aggregation_temporality) else {
                rej.add(NO_TEMPORALITY, s.data_points.len() as u64);
                return None;
            };
            MetricData::Sum { points: numbers(s.data_points, rej), temporality, monotonic: s.is_monotonic }
        }
        Data::Histogram(h) => {
            let Some(temporality) = temporality(h.aggregation_temporality) else {
                rej.add(NO_TEMPORALITY, h.data_points.len() as u64);
                return None;
            };
            MetricData::Histogram { points: h.data_points.into_iter().map(histogram).collect(), temporality }
        }
        Data::ExponentialHistogram(h) => {
            rej.add("exponential histograms are not supported", h.data_points.len() as u64);
            return None;
        }
        Data::Summary(s) => MetricData::Summary(s.data_points.into_iter().map(summary).collect()),
    };
    if data.point_count() == 0 {
        return None;
    }
    Some(Metric { name: m.name, description: m.description, unit: m.unit, data })
}

fn numbers(points: Vec<pm::NumberDataPoint>, rej: &mut Rejections) -> Vec<NumberDataPoint> {
    use pm::number_data_point::Value as V;
    let mut out = Vec::with_capacity(points.len());
    for p in points {
        let value = match p.value {
            Some(V::AsInt(i)) => NumberValue::Int(i),
            Some(V::AsDouble(d)) => NumberValue::Double(d),
            None => {
                rej.add("number data point without a value", 1);
                continue;
            }
        };
        out.push(NumberDataPoint {
            attributes: attributes(p.attributes),
            start_time_unix_nano: p.start_time_unix_nano,
            time_unix_nano: p.time_unix_nano,
            value,
            flags: p.flags,
        });
    }
    out
}

fn histogram(p: pm::HistogramDataPoint) -> HistogramDataPoint {
    HistogramDataPoint {
        attributes: attributes(p.attributes),
        start_time_unix_nano: p.start_time_unix_nano,
        time_unix_nano: p.time_unix_nano,
        count: p.count,
        sum: p.sum,
        bucket_counts: p.bucket_counts,
        explicit_bounds: p.explicit_bounds,
        min: p.min,
        max: p.max,
        flags: p.flags,
    }
}

fn summary(p: pm::SummaryDataPoint) -> SummaryDataPoint {
    SummaryDataPoint {
        attributes: attributes(p.attributes),
        start_time_unix_nano: p.start_time_unix_nano,
        time_unix_nano: p.time_unix_nano,
        count: p.count,
        sum: p.sum,
        quantile_values: p
            .quantile_values
            .into_iter()
            .map(|q| QuantileValue { quantile: q.quantile, value: q.value })
            .collect(),
        flags: p.flags,
    }
}

fn log_record(r: pl::LogRecord, rej: &mut Rejections) -> Option<LogRecord> {
    let trace_id = match r.trace_id.len() {
        0 => None,
        16 => r.trace_id.as_slice().try_into().ok(),
        _ => {
            rej.add("trace_id is not 16 bytes", 1);
            return None;
        }
    };
    let span_id = match r.span_id.len() {
        0 => None,
        8 => r.span_id.as_slice().try_into().ok(),
        _ => {
            rej.add("span_id is not 8 bytes", 1);
            return None;
        }
    };
    Some(LogRecord {
        time_unix_nano: r.time_unix_nano,
        observed_time_unix_nano: r.observed_time_unix_nano,
        severity_number: SeverityNumber(r.severity_number),
        severity_text: r.severity_text.into(),
        body: r.body.and_then(value),
        attributes: attributes(r.attributes),
        event_name: r.event_name.into(),
        trace_id,
        span_id,
        flags: r.flags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use crate::proto::{to_proto_logs, to_proto_metrics};
    use prost::Message;

    #[test]
    fn metrics_round_trip_through_protobuf() {
        let original = fixtures::sample_metrics();
        let bytes = to_proto_metrics(&original).encode_to_vec();
        let req = ExportMetricsServiceRequest::decode(bytes.as_slice()).expect("our own encoding decodes");
        let points = request_data_points(&req);
        let d = from_proto_metrics(req);
        assert_eq!(d.rejected, 0, "{}", d.message);
        // Compared as encoded bytes: the sample holds NaN, which is not equal to itself.
        assert_eq!(to_proto_metrics(&d.data).encode_to_vec(), bytes);
        assert_eq!(points, original.data_point_count() as u64);
    }

    #[test]
    fn logs_round_trip_through_protobuf_and_json() {
        let original = fixtures::sample_logs();
        let req = to_proto_logs(&original);
        let d = from_proto_logs(ExportLogsServiceRequest::decode(req.encode_to_vec().as_slice()).unwrap());
        assert_eq!(d.rejected, 0, "{}", d.message);
        assert_eq!(d.data, original);
        // Our own OTLP-JSON encoder's output is read back, the nested infinity included.
        let json = crate::logs_to_json(&original);
        let back = from_proto_logs(logs_request_from_json(json.as_bytes()).expect("our JSON decodes"));
        assert_eq!(back.data, original);
    }

    #[test]
    fn metrics_json_round_trip() {
        let original = fixtures::sample_metrics();
        let json = crate::metrics_to_json(&original);
        let back = from_proto_metrics(metrics_request_from_json(json.as_bytes()).expect("our JSON decodes"));
        // Every point arrives, `"NaN"`/`"Infinity"` number values included (compared as encoded
        // bytes: NaN is not equal to itself).
        assert!(json.contains("\"NaN\"") || json.contains("Infinity"), "the sample has special values");
        assert_eq!(back.rejected, 0, "{}", back.message);
        assert_eq!(to_proto_metrics(&back.data).encode_to_vec(), to_proto_metrics(&original).encode_to_vec());
    }

    #[test]
    fn json_accepts_int64_as_number_or_string_and_hex_ids() {
        let body = br#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[
            {"timeUnixNano":"1700000000000000001","severityNumber":9,
             "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
             "body":{"intValue":"42"},
             "attributes":[{"key":"n","value":{"intValue":7}}]}]}]}]}"#;
        let d = from_proto_logs(logs_request_from_json(body).unwrap());
        let r = &d.data.resource_logs[0].scope_logs[0].log_records[0];
        assert_eq!(r.time_unix_nano, 1_700_000_000_000_000_001);
        assert_eq!(r.body, Some(Value::Int(42)));
        assert_eq!(r.attributes.get("n"), Some(&Value::Int(7)));
        assert_eq!(r.trace_id.map(hex::encode).as_deref(), Some("5b8efff798038103d269b633813fc60c"));
        assert_eq!(r.span_id.map(hex::encode).as_deref(), Some("eee19b7ec3c1b174"));
        assert!(
            logs_request_from_json(
                br#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"zz"}]}]}]}"#
            )
            .is_err()
        );
    }

    #[test]
    fn unsupported_items_are_refused_and_counted_not_dropped_silently() {
        use pm::metric::Data;
        let gauge_point =
            |v: Option<pm::number_data_point::Value>| pm::NumberDataPoint { value: v, ..Default::default() };
        let req = ExportMetricsServiceRequest {
            resource_metrics: vec![pm::ResourceMetrics {
                scope_metrics: vec![pm::ScopeMetrics {
                    metrics: vec![
                        pm::Metric {
                            name: "exp".into(),
                            data: Some(Data::ExponentialHistogram(pm::ExponentialHistogram {
                                data_points: vec![Default::default(), Default::default()],
                                aggregation_temporality: 2,
                            })),
                            ..Default::default()
                        },
                        pm::Metric {
                            name: "g".into(),
                            data: Some(Data::Gauge(pm::Gauge {
                                data_points: vec![
                                    gauge_point(Some(pm::number_data_point::Value::AsInt(3))),
                                    gauge_point(None),
                                ],
                            })),
                            ..Default::default()
                        },
                        pm::Metric {
                            name: "s".into(),
                            data: Some(Data::Sum(pm::Sum {
                                data_points: vec![gauge_point(Some(pm::number_data_point::Value::AsDouble(
                                    1.0,
                                )))],
                                aggregation_temporality: 0,
                                is_monotonic: true,
                            })),
                            ..Default::default()
                        },
                    ],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        assert_eq!(request_data_points(&req), 5);
        let d = from_proto_metrics(req);
        assert_eq!(d.rejected, 4);
        assert_eq!(d.data.data_point_count(), 1);
        assert!(
            d.message.contains("2 data points refused: exponential histograms are not supported"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("1 data points refused: number data point without a value"),
            "{}",
            d.message
        );
        assert!(d.message.contains(NO_TEMPORALITY), "{}", d.message);

        let logs = ExportLogsServiceRequest {
            resource_logs: vec![pl::ResourceLogs {
                scope_logs: vec![pl::ScopeLogs {
                    log_records: vec![
                        pl::LogRecord { trace_id: vec![1; 5], ..Default::default() },
                        pl::LogRecord { span_id: vec![1; 8], ..Default::default() },
                    ],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        let d = from_proto_logs(logs);
        assert_eq!((d.rejected, d.data.log_record_count()), (1, 1));
        assert_eq!(d.message, "1 log records refused: trace_id is not 16 bytes");
    }
}
