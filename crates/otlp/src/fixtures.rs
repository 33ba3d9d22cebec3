//! Sample batches with every metric kind and every value kind, shared by tests and benchmarks of this
//! crate and of the exporters. Not part of the stable API.

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint,
    NumberValue, QuantileValue, Resource, ResourceLogs, ResourceMetrics, ResourceSpans, Scope, ScopeLogs,
    ScopeMetrics, ScopeSpans, SeverityNumber, Span, SpanEvent, SpanKind, SpanLink, SpanStatus, StatusCode,
    SummaryDataPoint, Temporality, Traces, Value,
};

/// 2026-11-26T20:00:00Z in nanoseconds.
pub const T0: u64 = 1_795_723_200_000_000_000;
/// Ten seconds after [`T0`].
pub const T1: u64 = T0 + 10_000_000_000;

fn attrs(pairs: &[(&'static str, Value)]) -> Attributes {
    pairs.iter().map(|(k, v)| (*k, v.clone())).collect()
}

fn resource() -> Resource {
    Resource {
        attributes: attrs(&[
            ("service.name", Value::from("dbintel")),
            ("server.address", Value::from("db1.example.com")),
            ("server.port", Value::Int(5432)),
        ]),
    }
}

fn number(attributes: Attributes, value: NumberValue) -> NumberDataPoint {
    NumberDataPoint { attributes, start_time_unix_nano: T0, time_unix_nano: T1, value, flags: 0 }
}

/// A metrics batch with gauges, sums (both temporalities, monotonic or not), histograms and summaries,
/// special doubles (NaN, infinities, tiny and huge values) and a second resource with defaults only.
pub fn sample_metrics() -> Metrics {
    let db = |name: &str| attrs(&[("db.namespace", Value::from(name))]);
    let metrics = vec![
        Metric {
            name: "postgresql.backends".into(),
            description: "Number of backends.".into(),
            unit: "1".into(),
            data: MetricData::Gauge(vec![number(db("orders"), NumberValue::Int(7))]),
        },
        Metric {
            name: "postgresql.commits".into(),
            description: "Committed transactions.".into(),
            unit: "1".into(),
            data: MetricData::Sum {
                points: vec![
                    number(db("orders"), NumberValue::Int(i64::MAX)),
                    number(db("billing"), NumberValue::Int(0)),
                ],
                temporality: Temporality::Cumulative,
                monotonic: true,
            },
        },
        Metric {
            name: "postgresql.temp.delta".into(),
            description: String::new(),
            unit: "By".into(),
            data: MetricData::Sum {
                points: vec![number(Attributes::new(), NumberValue::Double(-2.5))],
                temporality: Temporality::Delta,
                monotonic: false,
            },
        },
        Metric {
            name: "special.doubles".into(),
            description: String::new(),
            unit: String::new(),
            data: MetricData::Gauge(
                [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e21, 1e-7, 0.0, 1.0, 0.1]
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let mut p = number(attrs(&[("i", Value::Int(i as i64))]), NumberValue::Double(*d));
                        if i == 0 {
                            p.flags = 1;
                        }
                        p
                    })
                    .collect(),
            ),
        },
        Metric {
            name: "db.query.duration".into(),
            description: "Query duration.".into(),
            unit: "s".into(),
            data: MetricData::Histogram {
                points: vec![
                    HistogramDataPoint {
                        attributes: attrs(&[("db.operation.name", Value::from("SELECT"))]),
                        start_time_unix_nano: T0,
                        time_unix_nano: T1,
                        count: 6,
                        sum: Some(4.25),
                        bucket_counts: vec![1, 2, 3],
                        explicit_bounds: vec![0.5, 1.0],
                        min: Some(0.1),
                        max: Some(2.0),
                        flags: 0,
                    },
                    HistogramDataPoint { time_unix_nano: T1, ..Default::default() },
                ],
                temporality: Temporality::Delta,
            },
        },
        Metric {
            name: "db.query.latency".into(),
            description: String::new(),
            unit: "ms".into(),
            data: MetricData::Summary(vec![SummaryDataPoint {
                attributes: db("orders"),
                start_time_unix_nano: T0,
                time_unix_nano: T1,
                count: 10,
                sum: 42.0,
                quantile_values: vec![
                    QuantileValue { quantile: 0.5, value: 3.0 },
                    QuantileValue { quantile: 0.99, value: 9.5 },
                ],
                flags: 0,
            }]),
        },
    ];
    Metrics {
        resource_metrics: vec![
            ResourceMetrics {
                resource: resource(),
                scope_metrics: vec![ScopeMetrics {
                    scope: Scope {
                        name: "dbintel/postgresql".into(),
                        version: "0.1.0".into(),
                        ..Default::default()
                    },
                    metrics,
                    schema_url: "https://opentelemetry.io/schemas/1.37.0".into(),
                }],
                schema_url: String::new(),
            },
            ResourceMetrics {
                resource: Resource::default(),
                scope_metrics: vec![ScopeMetrics {
                    scope: Scope::default(),
                    metrics: vec![Metric {
                        name: "up".into(),
                        description: String::new(),
                        unit: String::new(),
                        data: MetricData::Gauge(vec![NumberDataPoint {
                            attributes: Attributes::new(),
                            start_time_unix_nano: 0,
                            time_unix_nano: T1,
                            value: NumberValue::Int(1),
                            flags: 0,
                        }]),
                    }],
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            },
        ],
    }
}

/// A logs batch: an event with every attribute value kind and trace context, a plain log with a map
/// body, and a record with only defaults.
pub fn sample_logs() -> Logs {
    let every_kind = attrs(&[
        ("db.query.text", Value::from("SELECT * FROM t WHERE id = ?")),
        ("db.query.plan_changed", Value::Bool(true)),
        ("delta", Value::Int(-42)),
        ("avg_ms", Value::Double(1.5)),
        ("fingerprint", Value::Bytes(vec![0, 255, 16])),
        ("tags", Value::Array(vec![Value::from("a"), Value::Int(2)])),
        ("nested", Value::Map(attrs(&[("inner", Value::Double(f64::INFINITY))]))),
        ("text\"with\\quotes\n", Value::from("ünïcødé \u{1F600} \u{0001}")),
    ]);
    Logs {
        resource_logs: vec![ResourceLogs {
            resource: resource(),
            scope_logs: vec![ScopeLogs {
                scope: Scope {
                    name: "dbintel/postgresql".into(),
                    version: "0.1.0".into(),
                    attributes: attrs(&[("scope.attr", Value::Bool(false))]),
                },
                log_records: vec![
                    LogRecord {
                        time_unix_nano: T1,
                        observed_time_unix_nano: T1 + 5,
                        severity_number: SeverityNumber::INFO,
                        severity_text: "INFO".into(),
                        body: Some(Value::from("top query")),
                        attributes: every_kind,
                        event_name: "db.server.top_query".into(),
                        trace_id: Some([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
                        span_id: Some([0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18]),
                        flags: 1,
                    },
                    LogRecord {
                        time_unix_nano: T1,
                        observed_time_unix_nano: 0,
                        severity_number: SeverityNumber::ERROR,
                        severity_text: Default::default(),
                        body: Some(Value::Map(attrs(&[
                            ("message", Value::from("deadlock detected")),
                            ("pid", Value::Int(4242)),
                        ]))),
                        attributes: Attributes::new(),
                        event_name: Default::default(),
                        trace_id: None,
                        span_id: None,
                        flags: 0,
                    },
                    LogRecord::default(),
                ],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}

/// A metrics batch of `n` gauge and sum points across `n / 10` metrics, for benchmarks.
pub fn large_metrics(n: usize) -> Metrics {
    let per_metric = 10;
    let metrics = (0..n.div_ceil(per_metric))
        .map(|m| {
            let points = (0..per_metric.min(n - m * per_metric))
                .map(|i| {
                    let a = attrs(&[
                        ("db.namespace", Value::from(format!("db{}", i % 3))),
                        ("db.query.summary", Value::from(format!("SELECT orders {m}/{i}"))),
                        ("queryid", Value::Int((m * 1000 + i) as i64)),
                    ]);
                    number(
                        a,
                        if i % 2 == 0 {
                            NumberValue::Int(i as i64 * 17)
                        } else {
                            NumberValue::Double(i as f64 * 0.25)
                        },
                    )
                })
                .collect();
            Metric {
                name: format!("db.server.metric_{m}"),
                description: "A benchmark metric.".into(),
                unit: "1".into(),
                data: if m % 2 == 0 {
                    MetricData::Gauge(points)
                } else {
                    MetricData::Sum { points, temporality: Temporality::Cumulative, monotonic: true }
                },
            }
        })
        .collect();
    Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: resource(),
            scope_metrics: vec![ScopeMetrics {
                scope: Scope { name: "dbintel/bench".into(), ..Default::default() },
                metrics,
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}

/// The trace of [`sample_traces`] (the W3C trace-context example id).
pub const TRACE_ID: [u8; 16] =
    [0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36];
/// The span id of the root span of [`sample_traces`].
pub const ROOT_SPAN_ID: [u8; 8] = [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7];
/// The span id of the child (database client) span of [`sample_traces`].
pub const CHILD_SPAN_ID: [u8; 8] = [0xff, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60];
/// The trace a link of [`sample_traces`] points at (bytes that are not valid UTF-8, zeros inside).
pub const OTHER_TRACE_ID: [u8; 16] = [0xff, 0xfe, 0, 1, 0x80, 0x7f, 0, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// A traces batch: a server span and its database client child (events, a link, an error status,
/// dropped counts, flags with the W3C and "remote" bits), every value kind, and a second resource
/// with a span holding defaults only.
pub fn sample_traces() -> Traces {
    let root = Span {
        trace_id: TRACE_ID.to_vec(),
        span_id: ROOT_SPAN_ID.to_vec(),
        trace_state: "congo=t61rcWkgMzE".into(),
        parent_span_id: Vec::new(),
        flags: 0x101,
        name: "GET /orders".into(),
        kind: SpanKind::SERVER,
        start_time_unix_nano: T0,
        end_time_unix_nano: T1,
        attributes: attrs(&[
            ("http.request.method", Value::from("GET")),
            ("http.response.status_code", Value::Int(200)),
        ]),
        ..Default::default()
    };
    let child = Span {
        trace_id: TRACE_ID.to_vec(),
        span_id: CHILD_SPAN_ID.to_vec(),
        trace_state: String::new(),
        parent_span_id: ROOT_SPAN_ID.to_vec(),
        flags: 0x301,
        name: "SELECT orders".into(),
        kind: SpanKind::CLIENT,
        start_time_unix_nano: T0 + 1_000,
        end_time_unix_nano: T0 + 2_000_000,
        attributes: attrs(&[
            ("db.system.name", Value::from("postgresql")),
            ("db.namespace", Value::from("orders")),
            ("db.query.text", Value::from("SELECT * FROM orders WHERE id = $1")),
            ("server.port", Value::Int(5432)),
            ("retry", Value::Bool(false)),
            ("ratio", Value::Double(0.25)),
            ("raw", Value::Bytes(vec![0, 255, 16])),
            ("list", Value::Array(vec![Value::Int(1), Value::from("two")])),
            ("map", Value::Map(attrs(&[("inner", Value::from("x"))]))),
        ]),
        dropped_attributes_count: 2,
        events: vec![SpanEvent {
            time_unix_nano: T0 + 1_500_000,
            name: "exception".into(),
            attributes: attrs(&[("exception.type", Value::from("QueryCanceled"))]),
            dropped_attributes_count: 1,
        }],
        dropped_events_count: 3,
        links: vec![SpanLink {
            trace_id: OTHER_TRACE_ID.to_vec(),
            span_id: vec![1, 2, 3, 4, 5, 6, 7, 8],
            trace_state: "vendor=1".into(),
            attributes: attrs(&[("link.kind", Value::from("follows"))]),
            dropped_attributes_count: 5,
            flags: 0x301,
        }],
        dropped_links_count: 4,
        status: Some(SpanStatus {
            message: "canceling statement due to user request".into(),
            code: StatusCode::ERROR,
        }),
    };
    Traces {
        resource_spans: vec![
            ResourceSpans {
                resource: Resource {
                    attributes: attrs(&[
                        ("service.name", Value::from("checkout")),
                        ("deployment.environment.name", Value::from("prod")),
                    ]),
                },
                scope_spans: vec![ScopeSpans {
                    scope: Scope {
                        name: "io.opentelemetry.jdbc".into(),
                        version: "2.9.0".into(),
                        attributes: Attributes::new(),
                    },
                    spans: vec![root, child],
                    schema_url: "https://opentelemetry.io/schemas/1.26.0".into(),
                }],
                schema_url: "https://opentelemetry.io/schemas/1.26.0".into(),
            },
            ResourceSpans {
                resource: Resource::default(),
                scope_spans: vec![ScopeSpans { spans: vec![Span::default()], ..Default::default() }],
                schema_url: String::new(),
            },
        ],
    }
}
