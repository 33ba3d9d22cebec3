//! Conversion of the data model to OTLP protobuf messages (prost types from `opentelemetry-proto`).

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint,
    NumberValue, Resource, Scope, SummaryDataPoint, Temporality, Value,
};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1 as pc;
use opentelemetry_proto::tonic::logs::v1 as pl;
use opentelemetry_proto::tonic::metrics::v1 as pm;
use opentelemetry_proto::tonic::resource::v1 as pr;

/// `AggregationTemporality` enum number: 1 = delta, 2 = cumulative.
pub fn temporality_number(t: Temporality) -> i32 {
    match t {
        Temporality::Delta => pm::AggregationTemporality::Delta as i32,
        Temporality::Cumulative => pm::AggregationTemporality::Cumulative as i32,
    }
}

/// Converts a metrics batch to the OTLP export request (the body of OTLP/gRPC and OTLP/HTTP).
pub fn to_proto_metrics(metrics: &Metrics) -> ExportMetricsServiceRequest {
    ExportMetricsServiceRequest {
        resource_metrics: metrics
            .resource_metrics
            .iter()
            .map(|rm| pm::ResourceMetrics {
                resource: Some(resource(&rm.resource)),
                scope_metrics: rm
                    .scope_metrics
                    .iter()
                    .map(|sm| pm::ScopeMetrics {
                        scope: Some(scope(&sm.scope)),
                        metrics: sm.metrics.iter().map(metric).collect(),
                        schema_url: sm.schema_url.clone(),
                    })
                    .collect(),
                schema_url: rm.schema_url.clone(),
            })
            .collect(),
    }
}

/// Converts a logs batch to the OTLP export request.
pub fn to_proto_logs(logs: &Logs) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: logs
            .resource_logs
            .iter()
            .map(|rl| pl::ResourceLogs {
                resource: Some(resource(&rl.resource)),
                scope_logs: rl
                    .scope_logs
                    .iter()
                    .map(|sl| pl::ScopeLogs {
                        scope: Some(scope(&sl.scope)),
                        log_records: sl.log_records.iter().map(log_record).collect(),
                        schema_url: sl.schema_url.clone(),
                    })
                    .collect(),
                schema_url: rl.schema_url.clone(),
            })
            .collect(),
    }
}

/// Converts a value to an OTLP `AnyValue`.
pub fn any_value(v: &Value) -> pc::AnyValue {
    use pc::any_value::Value as V;
    let value = match v {
        Value::Str(s) => V::StringValue(s.to_string()),
        Value::Bool(b) => V::BoolValue(*b),
        Value::Int(i) => V::IntValue(*i),
        Value::Double(d) => V::DoubleValue(*d),
        Value::Bytes(b) => V::BytesValue(b.clone()),
        Value::Array(a) => V::ArrayValue(pc::ArrayValue { values: a.iter().map(any_value).collect() }),
        Value::Map(m) => V::KvlistValue(pc::KeyValueList { values: key_values(m) }),
    };
    pc::AnyValue { value: Some(value) }
}

/// Converts attributes to OTLP key/value pairs.
pub fn key_values(attrs: &Attributes) -> Vec<pc::KeyValue> {
    attrs
        .iter()
        .map(|(k, v)| pc::KeyValue { key: k.to_string(), value: Some(any_value(v)), ..Default::default() })
        .collect()
}

fn resource(r: &Resource) -> pr::Resource {
    pr::Resource { attributes: key_values(&r.attributes), ..Default::default() }
}

fn scope(s: &Scope) -> pc::InstrumentationScope {
    pc::InstrumentationScope {
        name: s.name.clone(),
        version: s.version.clone(),
        attributes: key_values(&s.attributes),
        dropped_attributes_count: 0,
    }
}

fn metric(m: &Metric) -> pm::Metric {
    use pm::metric::Data;
    let data = match &m.data {
        MetricData::Gauge(points) => {
            Data::Gauge(pm::Gauge { data_points: points.iter().map(number).collect() })
        }
        MetricData::Sum { points, temporality, monotonic } => Data::Sum(pm::Sum {
            data_points: points.iter().map(number).collect(),
            aggregation_temporality: temporality_number(*temporality),
            is_monotonic: *monotonic,
        }),
        MetricData::Histogram { points, temporality } => Data::Histogram(pm::Histogram {
            data_points: points.iter().map(histogram).collect(),
            aggregation_temporality: temporality_number(*temporality),
        }),
        MetricData::Summary(points) => {
            Data::Summary(pm::Summary { data_points: points.iter().map(summary).collect() })
        }
    };
    pm::Metric {
        name: m.name.clone(),
        description: m.description.clone(),
        unit: m.unit.clone(),
        data: Some(data),
        ..Default::default()
    }
}

fn number(p: &NumberDataPoint) -> pm::NumberDataPoint {
    use pm::number_data_point::Value as V;
    pm::NumberDataPoint {
        attributes: key_values(&p.attributes),
        start_time_unix_nano: p.start_time_unix_nano,
        time_unix_nano: p.time_unix_nano,
        exemplars: Vec::new(),
        flags: p.flags,
        value: Some(match p.value {
            NumberValue::Int(i) => V::AsInt(i),
            NumberValue::Double(d) => V::AsDouble(d),
        }),
    }
}

fn histogram(p: &HistogramDataPoint) -> pm::HistogramDataPoint {
    pm::HistogramDataPoint {
        attributes: key_values(&p.attributes),
        start_time_unix_nano: p.start_time_unix_nano,
        time_unix_nano: p.time_unix_nano,
        count: p.count,
        sum: p.sum,
        bucket_counts: p.bucket_counts.clone(),
        explicit_bounds: p.explicit_bounds.clone(),
        exemplars: Vec::new(),
        flags: p.flags,
        min: p.min,
        max: p.max,
    }
}

fn summary(p: &SummaryDataPoint) -> pm::SummaryDataPoint {
    pm::SummaryDataPoint {
        attributes: key_values(&p.attributes),
        start_time_unix_nano: p.start_time_unix_nano,
        time_unix_nano: p.time_unix_nano,
        count: p.count,
        sum: p.sum,
        quantile_values: p
            .quantile_values
            .iter()
            .map(|q| pm::summary_data_point::ValueAtQuantile { quantile: q.quantile, value: q.value })
            .collect(),
        flags: p.flags,
    }
}

fn log_record(r: &LogRecord) -> pl::LogRecord {
    pl::LogRecord {
        time_unix_nano: r.time_unix_nano,
        observed_time_unix_nano: r.observed_time_unix_nano,
        severity_number: r.severity_number.0,
        severity_text: r.severity_text.to_string(),
        body: r.body.as_ref().map(any_value),
        attributes: key_values(&r.attributes),
        dropped_attributes_count: 0,
        flags: r.flags,
        trace_id: r.trace_id.map(|t| t.to_vec()).unwrap_or_default(),
        span_id: r.span_id.map(|s| s.to_vec()).unwrap_or_default(),
        event_name: r.event_name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use prost::Message;

    #[test]
    fn metrics_keep_kind_temporality_and_monotonicity() {
        let req = to_proto_metrics(&fixtures::sample_metrics());
        let rm = &req.resource_metrics[0];
        let attrs = &rm.resource.as_ref().map(|r| r.attributes.clone()).unwrap_or_default();
        assert_eq!(attrs[0].key, "service.name");
        let sm = &rm.scope_metrics[0];
        assert_eq!(sm.scope.as_ref().map(|s| s.name.as_str()), Some("dbintel/postgresql"));
        let by_name = |n: &str| sm.metrics.iter().find(|m| m.name == n).and_then(|m| m.data.clone());
        match by_name("postgresql.backends") {
            Some(pm::metric::Data::Gauge(g)) => {
                assert_eq!(g.data_points[0].value, Some(pm::number_data_point::Value::AsInt(7)))
            }
            other => panic!("expected a gauge, got {other:?}"),
        }
        match by_name("postgresql.commits") {
            Some(pm::metric::Data::Sum(s)) => {
                assert!(s.is_monotonic);
                assert_eq!(s.aggregation_temporality, 2);
            }
            other => panic!("expected a sum, got {other:?}"),
        }
        match by_name("postgresql.temp.delta") {
            Some(pm::metric::Data::Sum(s)) => {
                assert!(!s.is_monotonic);
                assert_eq!(s.aggregation_temporality, 1);
                assert_eq!(s.data_points[0].value, Some(pm::number_data_point::Value::AsDouble(-2.5)));
            }
            other => panic!("expected a sum, got {other:?}"),
        }
        match by_name("db.query.duration") {
            Some(pm::metric::Data::Histogram(h)) => {
                let p = &h.data_points[0];
                assert_eq!(h.aggregation_temporality, 1);
                assert_eq!(p.bucket_counts, vec![1, 2, 3]);
                assert_eq!(p.explicit_bounds, vec![0.5, 1.0]);
                assert_eq!((p.sum, p.min, p.max), (Some(4.25), Some(0.1), Some(2.0)));
            }
            other => panic!("expected a histogram, got {other:?}"),
        }
        match by_name("db.query.latency") {
            Some(pm::metric::Data::Summary(s)) => {
                assert_eq!(s.data_points[0].quantile_values.len(), 2);
                assert_eq!(s.data_points[0].quantile_values[1].value, 9.5);
            }
            other => panic!("expected a summary, got {other:?}"),
        }
        // The message encodes and decodes (compared as bytes: NaN != NaN).
        let bytes = req.encode_to_vec();
        let back = ExportMetricsServiceRequest::decode(bytes.as_slice()).map(|m| m.encode_to_vec()).ok();
        assert_eq!(back, Some(bytes));
    }

    #[test]
    fn logs_keep_event_name_severity_ids_and_values() {
        let req = to_proto_logs(&fixtures::sample_logs());
        let r = &req.resource_logs[0].scope_logs[0].log_records[0];
        assert_eq!(r.event_name, "db.server.top_query");
        assert_eq!(r.severity_number, 9);
        assert_eq!(r.severity_text, "INFO");
        assert_eq!(r.trace_id, (1..=16).collect::<Vec<u8>>());
        assert_eq!(r.span_id, vec![0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18]);
        let kinds: Vec<_> = r.attributes.iter().filter_map(|kv| kv.value.as_ref()?.value.clone()).collect();
        use pc::any_value::Value as V;
        assert!(kinds.iter().any(|v| matches!(v, V::StringValue(_))));
        assert!(kinds.iter().any(|v| matches!(v, V::BoolValue(true))));
        assert!(kinds.iter().any(|v| matches!(v, V::IntValue(-42))));
        assert!(kinds.iter().any(|v| matches!(v, V::DoubleValue(_))));
        assert!(kinds.iter().any(|v| matches!(v, V::BytesValue(b) if b == &[0, 255, 16])));
        assert!(kinds.iter().any(|v| matches!(v, V::ArrayValue(a) if a.values.len() == 2)));
        assert!(kinds.iter().any(|v| matches!(v, V::KvlistValue(m) if m.values[0].key == "inner")));
        let second = &req.resource_logs[0].scope_logs[0].log_records[1];
        assert!(second.trace_id.is_empty() && second.span_id.is_empty() && second.event_name.is_empty());
        let bytes = req.encode_to_vec();
        assert_eq!(ExportLogsServiceRequest::decode(bytes.as_slice()).ok().as_ref(), Some(&req));
    }
}
