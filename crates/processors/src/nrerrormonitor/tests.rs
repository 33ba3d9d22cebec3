//! A golden payload per New Relic limit: the input that breaks it, the check it must report, and
//! (with `enable_proactive_validation`) the exact output after the safe fix.

use std::sync::Arc;

use dbintel_core::component::CreateContext;
use dbintel_core::pdata::{
    Attributes, Key, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint, NumberValue,
    QuantileValue, Resource, ResourceLogs, ResourceMetrics, ScopeLogs, ScopeMetrics, SignalData,
    SummaryDataPoint, Temporality, Value,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Factory, Host, Processor};

use super::*;
use crate::costcontrol::ManualClock;
use crate::costcontrol::size;

/// 2026-11-30T09:39:02Z.
const NOW: u64 = 1_796_031_542_000_000_000;
const HOUR: u64 = 3_600_000_000_000;

fn attrs(pairs: &[(&str, Value)]) -> Attributes {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn resource() -> Resource {
    Resource {
        attributes: attrs(&[
            ("service.name", "orders-db".into()),
            ("server.address", "db1".into()),
            ("server.port", Value::Int(5432)),
        ]),
    }
}

fn logs_with(resource: Resource, record: LogRecord) -> Arc<SignalData> {
    Arc::new(SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            resource,
            scope_logs: vec![ScopeLogs { log_records: vec![record], ..Default::default() }],
            ..Default::default()
        }],
    }))
}

fn record(a: Attributes) -> LogRecord {
    LogRecord {
        time_unix_nano: NOW,
        event_name: "db.server.top_query".into(),
        attributes: a,
        ..Default::default()
    }
}

fn point(a: Attributes, time: u64, value: NumberValue) -> NumberDataPoint {
    NumberDataPoint { attributes: a, start_time_unix_nano: 0, time_unix_nano: time, value, flags: 0 }
}

fn metric(name: &str, data: MetricData) -> Metric {
    Metric { name: name.into(), description: String::new(), unit: "1".into(), data }
}

fn gauge(name: &str, a: Attributes) -> Metric {
    metric(name, MetricData::Gauge(vec![point(a, NOW, NumberValue::Int(1))]))
}

fn metrics_with(resource: Resource, list: Vec<Metric>) -> Arc<SignalData> {
    Arc::new(SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource,
            scope_metrics: vec![ScopeMetrics { metrics: list, ..Default::default() }],
            ..Default::default()
        }],
    }))
}

struct Run {
    t: Registry,
    p: NrErrorMonitor,
    clock: ManualClock,
}

impl Run {
    fn new(cfg: NrErrorMonitorConfig) -> Self {
        let t = Registry::new();
        let ctx = CreateContext::new("nrerrormonitor".parse().unwrap(), t.clone());
        let clock = ManualClock::new(NOW);
        let p = NrErrorMonitor::new(cfg, &ctx, Arc::new(clock.clone()));
        Run { t, p, clock }
    }
    fn process(&mut self, d: Arc<SignalData>) -> Arc<SignalData> {
        let mut out = Vec::new();
        self.p.process(d, &mut out).unwrap();
        assert_eq!(out.len(), 1, "nrerrormonitor passes every batch on");
        out.pop().unwrap()
    }
    /// Every check's count, as (label, count) for those above 0.
    fn checks(&self) -> Vec<(&'static str, u64)> {
        Check::ALL
            .iter()
            .map(|c| {
                (
                    c.as_str(),
                    self.t.counter_total("otelcol_nrerror_potential_total", &[("check", c.as_str())]),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }
    fn fixes(&self) -> Vec<(&'static str, u64)> {
        [Fix::Truncate, Fix::TruncateArray, Fix::DropAttribute]
            .iter()
            .map(|f| {
                (
                    f.as_str(),
                    self.t.counter_total("dbintel_nrerrormonitor_fixes_total", &[("fix", f.as_str())]),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// One golden case: input, the checks it must report, the output after fixing (None: unchanged).
struct Golden {
    input: Arc<SignalData>,
    checks: Vec<(&'static str, u64)>,
    output: Option<Arc<SignalData>>,
    fixes: Vec<(&'static str, u64)>,
}

fn many(prefix: &str, n: usize) -> Vec<(String, Value)> {
    (0..n).map(|i| (format!("{prefix}{i:03}"), Value::Int(i as i64))).collect()
}

fn goldens() -> Vec<(&'static str, Golden)> {
    let long = "x".repeat(5000);
    let cut = format!("{}{TRUNCATION_MARKER}", "x".repeat(4095 - TRUNCATION_MARKER.len()));
    let long_wide = "é".repeat(4096);
    let cut_wide = format!("{}{TRUNCATION_MARKER}", "é".repeat(4095 - TRUNCATION_MARKER.len()));
    let ok = attrs(&[("db.namespace", "shop".into())]);
    let with = |extra: (Key, Value)| {
        let mut a = ok.clone();
        a.insert(extra.0, extra.1);
        a
    };
    let log_attrs_253: Attributes = many("a", 253).into_iter().collect();
    let log_attrs_252: Attributes = many("a", 252).into_iter().collect();
    let point_attrs_148: Attributes = many("p", 148).into_iter().collect();
    let point_attrs_147: Attributes = many("p", 147).into_iter().collect();
    let mut no_service = resource();
    no_service.attributes.remove("service.name");
    let mut no_port = resource();
    no_port.attributes.remove("server.port");
    no_port.attributes.insert("db.system.name", "postgresql");
    vec![
        (
            "value over 4095 characters is truncated with the marker",
            Golden {
                input: logs_with(
                    resource(),
                    record(with((Key::from_static("db.query.text"), long.clone().into()))),
                ),
                checks: vec![("attribute_too_long", 1)],
                output: Some(logs_with(
                    resource(),
                    record(with((Key::from_static("db.query.text"), cut.clone().into()))),
                )),
                fixes: vec![("truncate", 1)],
            },
        ),
        (
            "the limit counts characters, not bytes",
            Golden {
                input: logs_with(
                    resource(),
                    record(with((Key::from_static("db.query.text"), long_wide.into()))),
                ),
                checks: vec![("attribute_too_long", 1)],
                output: Some(logs_with(
                    resource(),
                    record(with((Key::from_static("db.query.text"), cut_wide.into()))),
                )),
                fixes: vec![("truncate", 1)],
            },
        ),
        (
            "4095 characters pass",
            Golden {
                input: logs_with(
                    resource(),
                    record(with((Key::from_static("db.query.text"), "y".repeat(4095).into()))),
                ),
                checks: vec![],
                output: None,
                fixes: vec![],
            },
        ),
        (
            "a resource value over the limit is fixed too",
            Golden {
                input: logs_with(
                    Resource {
                        attributes: {
                            let mut a = resource().attributes;
                            a.insert("host.description", long.clone());
                            a
                        },
                    },
                    record(ok.clone()),
                ),
                checks: vec![("attribute_too_long", 1)],
                output: Some(logs_with(
                    Resource {
                        attributes: {
                            let mut a = resource().attributes;
                            a.insert("host.description", cut.clone());
                            a
                        },
                    },
                    record(ok.clone()),
                )),
                fixes: vec![("truncate", 1)],
            },
        ),
        (
            "attribute name over 255 characters is dropped",
            Golden {
                input: logs_with(resource(), record(with(("k".repeat(256).into(), "v".into())))),
                checks: vec![("attribute_name_too_long", 1)],
                output: Some(logs_with(resource(), record(ok.clone()))),
                fixes: vec![("drop_attribute", 1)],
            },
        ),
        (
            "array over 64 entries is cut to 64",
            Golden {
                input: logs_with(
                    resource(),
                    record(with((Key::from_static("tags"), Value::Array((0..65).map(Value::Int).collect())))),
                ),
                checks: vec![("array_too_long", 1)],
                output: Some(logs_with(
                    resource(),
                    record(with((Key::from_static("tags"), Value::Array((0..64).map(Value::Int).collect())))),
                )),
                fixes: vec![("truncate_array", 1)],
            },
        ),
        (
            "log record over 255 attributes with its resource loses the last ones",
            Golden {
                input: logs_with(resource(), record(log_attrs_253)),
                checks: vec![("too_many_attributes", 1)],
                output: Some(logs_with(resource(), record(log_attrs_252))),
                fixes: vec![("drop_attribute", 1)],
            },
        ),
        (
            "metric point over 150 attributes with its resource loses the last ones",
            Golden {
                input: metrics_with(resource(), vec![gauge("db.sessions", point_attrs_148)]),
                checks: vec![("too_many_attributes", 1)],
                output: Some(metrics_with(resource(), vec![gauge("db.sessions", point_attrs_147)])),
                fixes: vec![("drop_attribute", 1)],
            },
        ),
        (
            "resource and scope alone over the count: the record keeps its attributes",
            Golden {
                input: logs_with(
                    Resource { attributes: many("r", 256).into_iter().collect() },
                    record(with((Key::from_static("db.query.text"), long.clone().into()))),
                ),
                checks: vec![("missing_attribute", 1), ("attribute_too_long", 1), ("too_many_attributes", 1)],
                output: Some(logs_with(
                    Resource { attributes: many("r", 256).into_iter().collect() },
                    record(with((Key::from_static("db.query.text"), cut.clone().into()))),
                )),
                fixes: vec![("truncate", 1)],
            },
        ),
        (
            "metric name over 255 characters is reported",
            Golden {
                input: metrics_with(resource(), vec![gauge(&"m".repeat(256), ok.clone())]),
                checks: vec![("metric_name_too_long", 1)],
                output: None,
                fixes: vec![],
            },
        ),
        (
            "empty metric name is reported",
            Golden {
                input: metrics_with(resource(), vec![gauge("", ok.clone())]),
                checks: vec![("invalid_metric_name", 1)],
                output: None,
                fixes: vec![],
            },
        ),
        (
            "delta non-monotonic sum is reported",
            Golden {
                input: metrics_with(
                    resource(),
                    vec![metric(
                        "db.delta",
                        MetricData::Sum {
                            points: vec![point(ok.clone(), NOW, NumberValue::Int(-2))],
                            temporality: Temporality::Delta,
                            monotonic: false,
                        },
                    )],
                ),
                checks: vec![("invalid_sum_metric", 1)],
                output: None,
                fixes: vec![],
            },
        ),
        (
            "summary with quantiles is reported",
            Golden {
                input: metrics_with(
                    resource(),
                    vec![metric(
                        "db.latency",
                        MetricData::Summary(vec![SummaryDataPoint {
                            attributes: ok.clone(),
                            time_unix_nano: NOW,
                            count: 3,
                            sum: 1.5,
                            quantile_values: vec![QuantileValue { quantile: 0.99, value: 0.9 }],
                            ..Default::default()
                        }]),
                    )],
                ),
                checks: vec![("summary_quantiles", 1)],
                output: None,
                fixes: vec![],
            },
        ),
        (
            "NaN value is reported",
            Golden {
                input: metrics_with(
                    resource(),
                    vec![metric(
                        "db.ratio",
                        MetricData::Gauge(vec![point(ok.clone(), NOW, NumberValue::Double(f64::NAN))]),
                    )],
                ),
                checks: vec![("invalid_number", 1)],
                output: None,
                fixes: vec![],
            },
        ),
        (
            "points older than 48h or more than 24h ahead are reported",
            Golden {
                input: metrics_with(
                    resource(),
                    vec![metric(
                        "db.old",
                        MetricData::Gauge(vec![
                            point(ok.clone(), NOW - 49 * HOUR, NumberValue::Int(1)),
                            point(
                                with((Key::from_static("x"), "1".into())),
                                NOW + 25 * HOUR,
                                NumberValue::Int(1),
                            ),
                            point(
                                with((Key::from_static("x"), "2".into())),
                                NOW - 47 * HOUR,
                                NumberValue::Int(1),
                            ),
                        ]),
                    )],
                ),
                checks: vec![("timestamp_out_of_range", 2)],
                output: None,
                fixes: vec![],
            },
        ),
        (
            "resource without service.name is reported",
            Golden {
                input: logs_with(no_service, record(ok.clone())),
                checks: vec![("missing_attribute", 1)],
                output: None,
                fixes: vec![],
            },
        ),
        (
            "resource without server.port (entity synthesis) is reported",
            Golden {
                input: metrics_with(no_port, vec![gauge("db.sessions", ok.clone())]),
                checks: vec![("missing_entity_attributes", 1)],
                output: None,
                fixes: vec![],
            },
        ),
    ]
}

#[test]
fn golden_payload_per_new_relic_limit() {
    for (name, g) in goldens() {
        let mut run = Run::new(NrErrorMonitorConfig::default());
        let out = run.process(g.input.clone());
        assert_eq!(run.checks(), g.checks, "{name}: checks");
        assert_eq!(run.fixes(), g.fixes, "{name}: fixes");
        match &g.output {
            None => assert!(Arc::ptr_eq(&out, &g.input), "{name}: passed untouched, not copied"),
            Some(want) => assert!(out.as_ref() == want.as_ref(), "{name}: fixed output differs"),
        }
        // Report-only mode: the same checks, the data untouched.
        let mut run =
            Run::new(NrErrorMonitorConfig { enable_proactive_validation: false, ..Default::default() });
        let out = run.process(g.input.clone());
        assert_eq!(run.checks(), g.checks, "{name}: checks without fixes");
        assert!(run.fixes().is_empty() && Arc::ptr_eq(&out, &g.input), "{name}: report only");
        assert!(!run.p.mutates_data());
    }
}

/// How often `check` fires on `data` with the default config (New Relic's documented limits).
fn fired(data: Arc<SignalData>, check: Check) -> u64 {
    let mut run = Run::new(NrErrorMonitorConfig::default());
    run.process(data);
    run.t.counter_total("otelcol_nrerror_potential_total", &[("check", check.as_str())])
}

fn log_body(body: String) -> Arc<SignalData> {
    logs_with(resource(), LogRecord { body: Some(Value::Str(body.into())), ..record(Attributes::new()) })
}

/// Each default limit at its exact boundary: n passes, n + 1 is reported (README cites the pages).
#[test]
fn each_limit_holds_at_its_exact_boundary() {
    let value = |n: usize| logs_with(resource(), record(attrs(&[("db.query.text", "q".repeat(n).into())])));
    let name = |n: usize| logs_with(resource(), record(attrs(&[("k".repeat(n).as_str(), "v".into())])));
    let array = |n: usize| {
        logs_with(
            resource(),
            record(attrs(&[("tags", Value::Array((0..n as i64).map(Value::Int).collect()))])),
        )
    };
    // The resource has 3 attributes; New Relic counts them with the record's.
    let log_attrs = |n: usize| logs_with(resource(), record(many("a", n - 3).into_iter().collect()));
    let event_attrs = |n: usize| {
        let mut a: Attributes = many("a", n - 4).into_iter().collect();
        a.insert(Key::from_static(EVENT_TYPE_ATTRIBUTE), Value::from("DbQuery"));
        logs_with(resource(), record(a))
    };
    let point_attrs = |n: usize| {
        metrics_with(resource(), vec![gauge("db.sessions", many("p", n - 3).into_iter().collect())])
    };
    let metric_name = |n: usize| metrics_with(resource(), vec![gauge(&"m".repeat(n), Attributes::new())]);
    let at_time = |t: u64| {
        metrics_with(
            resource(),
            vec![metric("db.t", MetricData::Gauge(vec![point(Attributes::new(), t, NumberValue::Int(1))]))],
        )
    };
    let series = |n: usize| {
        let points = (0..n).map(|i| point(attrs(&[("i", Value::Int(i as i64))]), NOW, NumberValue::Int(1)));
        metrics_with(resource(), vec![metric("db.wide", MetricData::Gauge(points.collect()))])
    };
    let cases: Vec<(&str, Check, Arc<SignalData>, Arc<SignalData>)> = vec![
        ("attribute value 4095 characters", Check::AttributeTooLong, value(4095), value(4096)),
        ("attribute name 255 characters", Check::AttributeNameTooLong, name(255), name(256)),
        ("array 64 entries", Check::ArrayTooLong, array(64), array(65)),
        ("log record 255 attributes", Check::TooManyAttributes, log_attrs(255), log_attrs(256)),
        ("custom event 254 attributes", Check::TooManyAttributes, event_attrs(254), event_attrs(255)),
        ("metric point 150 attributes", Check::TooManyAttributes, point_attrs(150), point_attrs(151)),
        ("metric name 255 characters", Check::MetricNameTooLong, metric_name(255), metric_name(256)),
        (
            "log message 128000 bytes",
            Check::LogMessageTooLong,
            log_body("m".repeat(128_000)),
            log_body("m".repeat(128_001)),
        ),
        (
            "point 48 hours old",
            Check::TimestampOutOfRange,
            at_time(NOW - 48 * HOUR),
            at_time(NOW - 48 * HOUR - 1),
        ),
        (
            "point 24 hours ahead",
            Check::TimestampOutOfRange,
            at_time(NOW + 24 * HOUR),
            at_time(NOW + 24 * HOUR + 1),
        ),
        ("10000 series of a metric today", Check::HighCardinality, series(10_000), series(10_001)),
    ];
    for (what, check, at, over) in cases {
        assert_eq!(fired(at, check), 0, "{what}: at the limit passes");
        assert_eq!(fired(over, check), 1, "{what}: one over is reported");
    }
    // A plain log record may have 255 attributes where a custom event may have 254.
    assert_eq!(fired(log_attrs(255), Check::TooManyAttributes), 0);

    // Payload: an encoded request of exactly 10^6 bytes passes, 10^6 + 1 is reported.
    let size = |n: usize| size::request_len(&log_body("b".repeat(n)));
    // Lengths near 10^6 all take 3-byte varints, so a byte more of body is a byte more of request.
    let n = 990_000 + (1_000_000 - size(990_000));
    assert_eq!((size(n), size(n + 1)), (1_000_000, 1_000_001));
    assert_eq!(fired(log_body("b".repeat(n)), Check::PayloadTooLarge), 0);
    assert_eq!(fired(log_body("b".repeat(n + 1)), Check::PayloadTooLarge), 1);
}

#[test]
fn a_log_message_over_the_limit_is_truncated_with_the_marker() {
    let mut run = Run::new(NrErrorMonitorConfig::default());
    let body = format!("{}é", "m".repeat(127_999)); // 128001 bytes, the cut falls inside é
    let out = run.process(log_body(body));
    let SignalData::Logs(l) = out.as_ref() else { panic!() };
    let Some(Value::Str(b)) = &l.resource_logs[0].scope_logs[0].log_records[0].body else { panic!() };
    assert!(b.len() <= 128_000 && b.ends_with(TRUNCATION_MARKER), "{}", b.len());
    assert_eq!(b.len(), 128_000);
    assert_eq!(run.fixes(), [("truncate", 1)]);
}

/// Entity synthesis attributes are asked of resources that describe a database, not of the
/// collector's own records (verification feedback: `service.name` only, `database_name` on records);
/// a database entity needs no `service.name`.
#[test]
fn entity_attributes_are_checked_on_database_resources_only() {
    let feedback_resource = Resource {
        attributes: attrs(&[
            ("service.name", "database-intelligence-verification".into()),
            ("feedback.category", "pii_detection".into()),
        ]),
    };
    let feedback = record(attrs(&[("feedback.level", "warning".into()), ("database_name", "shop".into())]));
    assert_eq!(fired(logs_with(feedback_resource.clone(), feedback), Check::MissingEntityAttributes), 0);
    // A record naming its database system under a resource without server.*: reported.
    let event = record(attrs(&[("db.system.name", "postgresql".into())]));
    assert_eq!(fired(logs_with(feedback_resource.clone(), event.clone()), Check::MissingEntityAttributes), 1);
    // The mysql receiver's resource (contrib's mysql.instance.endpoint, no server.*): reported.
    let mysql = Resource {
        attributes: attrs(&[("service.name", "db".into()), ("mysql.instance.endpoint", "db1:3306".into())]),
    };
    assert_eq!(
        fired(
            metrics_with(mysql, vec![gauge("mysql.uptime", Attributes::new())]),
            Check::MissingEntityAttributes
        ),
        1
    );
    // The postgresql receiver's resource (db.system.name, server.address, server.port, no
    // service.name: its service.name is off by default) is a database entity: nothing to report.
    let pg = Resource {
        attributes: attrs(&[
            ("db.system.name", "postgresql".into()),
            ("server.address", "127.0.0.1".into()),
            ("server.port", Value::Int(5432)),
            ("service.instance.id", "127.0.0.1:5432".into()),
        ]),
    };
    let mut run = Run::new(NrErrorMonitorConfig::default());
    run.process(metrics_with(pg.clone(), vec![gauge("postgresql.backends", Attributes::new())]));
    run.process(logs_with(pg.clone(), event.clone()));
    assert_eq!(run.checks(), []);
    // Without server.port it is not, and service.name is asked for too.
    let mut no_port = pg;
    no_port.attributes.remove("server.port");
    let mut run = Run::new(NrErrorMonitorConfig::default());
    run.process(logs_with(no_port, event));
    assert_eq!(run.checks(), [("missing_attribute", 1), ("missing_entity_attributes", 1)]);
    // An empty identity list checks every resource (the earlier behaviour).
    let mut run = Run::new(NrErrorMonitorConfig { entity_identity_attributes: vec![], ..Default::default() });
    run.process(logs_with(feedback_resource, record(Attributes::new())));
    assert_eq!(run.checks(), [("missing_entity_attributes", 1)]);
}

#[test]
fn payload_over_the_limit_is_reported_on_its_encoded_size() {
    let mut run = Run::new(NrErrorMonitorConfig { max_payload_bytes: 1000, ..Default::default() });
    let small = logs_with(resource(), record(attrs(&[("a", "b".into())])));
    run.process(small);
    assert!(run.checks().is_empty());
    let big = logs_with(resource(), record(attrs(&[("a", "b".repeat(1000).into())])));
    run.process(big);
    assert_eq!(run.checks(), [("payload_too_large", 1)]);
}

#[test]
fn series_per_metric_are_counted_across_batches_and_days() {
    let mut run = Run::new(NrErrorMonitorConfig { cardinality_warning_threshold: 2, ..Default::default() });
    let batch = |dbs: &[&str]| {
        metrics_with(
            resource(),
            vec![metric(
                "db.sessions",
                MetricData::Gauge(
                    dbs.iter()
                        .map(|d| point(attrs(&[("db", (*d).into())]), NOW, NumberValue::Int(1)))
                        .collect(),
                ),
            )],
        )
    };
    run.process(batch(&["a", "b"]));
    run.process(batch(&["a", "b"]));
    assert!(run.checks().is_empty(), "known series are not new");
    run.process(batch(&["c"]));
    assert_eq!(run.checks(), [("high_cardinality", 1)]);
    // Another resource makes other series.
    run.process(metrics_with(
        Resource {
            attributes: {
                let mut a = resource().attributes;
                a.insert("server.address", "db2");
                a
            },
        },
        vec![gauge("db.sessions", attrs(&[("db", "a".into())]))],
    ));
    assert_eq!(run.checks(), [("high_cardinality", 2)]);
    // A new UTC day starts a new window (New Relic's limit is per day).
    run.clock.advance_secs(86_400);
    let batch_at = |dbs: &[&str]| {
        metrics_with(
            resource(),
            vec![metric(
                "db.sessions",
                MetricData::Gauge(
                    dbs.iter()
                        .map(|d| {
                            point(
                                attrs(&[("db", (*d).into())]),
                                NOW + 86_400_000_000_000,
                                NumberValue::Int(1),
                            )
                        })
                        .collect(),
                ),
            )],
        )
    };
    run.process(batch_at(&["x", "y"]));
    assert_eq!(run.checks(), [("high_cardinality", 2)]);
    run.process(batch_at(&["z"]));
    assert_eq!(run.checks(), [("high_cardinality", 3)]);
}

#[test]
fn tracked_metrics_are_bounded_and_evictions_counted() {
    let mut run = Run::new(NrErrorMonitorConfig { cardinality_max_metrics: 2, ..Default::default() });
    for name in ["a", "b", "c"] {
        run.process(metrics_with(resource(), vec![gauge(name, Attributes::new())]));
    }
    assert_eq!(run.t.counter_total("dbintel_nrerrormonitor_cardinality_evictions_total", &[]), 1);
}

#[test]
fn bad_configs_name_the_key() {
    let f: &dyn Factory = &NrErrorMonitorFactory;
    let t = Registry::new();
    let ctx = CreateContext::new("nrerrormonitor".parse().unwrap(), t);
    for (section, key) in [
        (serde_json::json!({"max_attribute_length": 5}), "max_attribute_length"),
        (serde_json::json!({"max_metric_attributes": 0}), "max_metric_attributes"),
        (serde_json::json!({"cardinality_warning_threshold": 0}), "cardinality_warning_threshold"),
        (serde_json::json!({"error_suppression_duration": "0s"}), "error_suppression_duration"),
        (serde_json::json!({"entity_attributes": [""]}), "entity_attributes"),
    ] {
        let err = f.create(&ctx, &section).err().expect("must fail");
        assert!(format!("{err:?}").contains(key), "{section}: {err:?}");
    }
    let mut ctx2 = CreateContext::new("nrerrormonitor".parse().unwrap(), Registry::new());
    ctx2.host = Host::new();
    assert!(
        f.create(&ctx2, &serde_json::json!({"reporting_interval": "60s", "max_attribute_length": 4096}))
            .is_ok()
    );
}

#[test]
fn log_lines_are_rate_limited_per_check_and_alert_once() {
    let mut run = Run::new(NrErrorMonitorConfig { alert_threshold: 3, ..Default::default() });
    let bad = || logs_with(resource(), record(attrs(&[(&"k".repeat(300), "v".into())])));
    run.process(bad());
    assert_eq!(run.p.lines_logged(), (1, 0), "the first occurrence is logged at once");
    run.clock.advance_secs(60);
    run.process(bad());
    run.process(bad());
    assert_eq!(run.p.lines_logged(), (1, 1), "suppressed for 5m; the third reaches alert_threshold");
    run.clock.advance_secs(240);
    run.process(bad());
    assert_eq!(run.p.lines_logged(), (2, 1), "after error_suppression_duration, one more line");
    // Another check has its own window.
    run.process(logs_with(resource(), record(attrs(&[("tags", Value::Array(vec![Value::Int(0); 65]))]))));
    assert_eq!(run.p.lines_logged(), (3, 1));
    assert_eq!(run.checks(), [("attribute_name_too_long", 4), ("array_too_long", 1)]);
}
