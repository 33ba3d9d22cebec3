use std::sync::Arc;

use dbintel_core::component::{Built, CreateContext, ProcessorContext};
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint,
    NumberValue, QuantileValue, Resource, ResourceLogs, ResourceMetrics, Scope, ScopeLogs, ScopeMetrics,
    SeverityNumber, SignalData, SummaryDataPoint, Temporality, Value,
};
use dbintel_core::telemetry::{Registry, SampleValue};
use dbintel_core::{ComponentKind, Factory, Host, PipelineId, Processor, Signal};
use prost::Message;

use super::*;
use crate::test_util::logs;

const NS: u64 = 1_000_000_000;
const DAY: u64 = 86_400;
/// 2026-11-01T00:00:00Z.
const NOV_1: u64 = 1_793_491_200;

fn attrs(pairs: &[(&str, Value)]) -> Attributes {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn point(a: Attributes, v: NumberValue) -> NumberDataPoint {
    NumberDataPoint { attributes: a, start_time_unix_nano: 0, time_unix_nano: 5, value: v, flags: 0 }
}

fn metrics(list: Vec<Metric>) -> Arc<SignalData> {
    Arc::new(SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: attrs(&[("service.name", "db".into())]) },
            scope_metrics: vec![ScopeMetrics { metrics: list, ..Default::default() }],
            ..Default::default()
        }],
    }))
}

fn gauge(name: &str, points: Vec<NumberDataPoint>) -> Metric {
    Metric {
        name: name.into(),
        description: String::new(),
        unit: String::new(),
        data: MetricData::Gauge(points),
    }
}

#[test]
fn varint_lengths_match_protobuf() {
    for (v, n) in [(0u64, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3), (u64::MAX, 10), (1 << 63, 10)] {
        assert_eq!(size::varint_len(v), n, "{v}");
    }
}

#[test]
fn size_is_the_encoded_length_of_the_otlp_request() {
    let every_value = attrs(&[
        ("s", "text".into()),
        ("empty", "".into()),
        ("b", true.into()),
        ("f", false.into()),
        ("i", Value::Int(-7)),
        ("zero", Value::Int(0)),
        ("big", Value::Int(i64::MAX)),
        ("d", Value::Double(0.0)),
        ("bytes", Value::Bytes(vec![1, 2, 3])),
        ("arr", Value::Array(vec![Value::Int(1), "x".into(), Value::Array(vec![])])),
        ("map", Value::Map(attrs(&[("k", "v".into()), ("n", Value::Double(1.5))]))),
        ("", "empty key".into()),
        ("long", "x".repeat(300).into()),
    ]);
    let records = vec![
        LogRecord::default(),
        LogRecord {
            time_unix_nano: 1,
            observed_time_unix_nano: u64::MAX,
            severity_number: SeverityNumber::WARN,
            severity_text: "WARN".into(),
            body: Some("body".into()),
            attributes: every_value.clone(),
            event_name: "db.server.top_query".into(),
            trace_id: Some([7; 16]),
            span_id: Some([8; 8]),
            flags: 1,
        },
        LogRecord {
            severity_number: SeverityNumber(-3),
            body: Some(Value::Map(every_value.clone())),
            ..Default::default()
        },
        LogRecord { body: Some(Value::Str(Default::default())), ..Default::default() },
    ];
    let l = Logs {
        resource_logs: vec![
            ResourceLogs {
                resource: Resource { attributes: every_value.clone() },
                scope_logs: vec![
                    ScopeLogs {
                        scope: Scope {
                            name: "n".into(),
                            version: "1".into(),
                            attributes: every_value.clone(),
                        },
                        log_records: records,
                        schema_url: "https://x".into(),
                    },
                    ScopeLogs::default(),
                ],
                schema_url: "u".into(),
            },
            ResourceLogs::default(),
        ],
    };
    assert_eq!(size::logs_request_len(&l), dbintel_otlp::proto::to_proto_logs(&l).encoded_len());
    let empty = Logs::default();
    assert_eq!(size::logs_request_len(&empty), dbintel_otlp::proto::to_proto_logs(&empty).encoded_len());

    let pts = vec![
        point(every_value.clone(), NumberValue::Int(0)),
        NumberDataPoint {
            attributes: Attributes::new(),
            start_time_unix_nano: 3,
            time_unix_nano: 0,
            value: NumberValue::Double(-1.0),
            flags: 300,
        },
    ];
    let m = Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: every_value.clone() },
            scope_metrics: vec![ScopeMetrics {
                scope: Scope { name: "s".into(), ..Default::default() },
                metrics: vec![
                    gauge("g", pts.clone()),
                    gauge("", vec![]),
                    Metric {
                        name: "sum".into(),
                        description: "d".into(),
                        unit: "By".into(),
                        data: MetricData::Sum {
                            points: pts.clone(),
                            temporality: Temporality::Delta,
                            monotonic: true,
                        },
                    },
                    Metric {
                        name: "sum2".into(),
                        description: String::new(),
                        unit: String::new(),
                        data: MetricData::Sum {
                            points: pts,
                            temporality: Temporality::Cumulative,
                            monotonic: false,
                        },
                    },
                    Metric {
                        name: "h".into(),
                        description: String::new(),
                        unit: "s".into(),
                        data: MetricData::Histogram {
                            points: vec![
                                HistogramDataPoint::default(),
                                HistogramDataPoint {
                                    attributes: every_value.clone(),
                                    start_time_unix_nano: 1,
                                    time_unix_nano: 2,
                                    count: 3,
                                    sum: Some(0.0),
                                    bucket_counts: vec![1, 0, 2],
                                    explicit_bounds: vec![0.5, 1.0],
                                    min: Some(0.1),
                                    max: None,
                                    flags: 1,
                                },
                            ],
                            temporality: Temporality::Cumulative,
                        },
                    },
                    Metric {
                        name: "sm".into(),
                        description: String::new(),
                        unit: String::new(),
                        data: MetricData::Summary(vec![
                            SummaryDataPoint::default(),
                            SummaryDataPoint {
                                attributes: every_value,
                                count: 4,
                                sum: 2.5,
                                quantile_values: vec![
                                    QuantileValue { quantile: 0.0, value: 1.0 },
                                    QuantileValue { quantile: 0.5, value: 0.0 },
                                ],
                                flags: 0,
                                ..Default::default()
                            },
                        ]),
                    },
                ],
                schema_url: "x".into(),
            }],
            schema_url: String::new(),
        }],
    };
    assert_eq!(size::metrics_request_len(&m), dbintel_otlp::proto::to_proto_metrics(&m).encoded_len());
}

fn registry_gauge(t: &Registry, name: &str) -> f64 {
    t.snapshot()
        .into_iter()
        .filter(|f| f.name == name)
        .flat_map(|f| f.samples)
        .map(|s| match s.value {
            SampleValue::Gauge(g) => g,
            _ => f64::NAN,
        })
        .next()
        .unwrap_or(f64::NAN)
}

fn start(p: &mut dyn Processor, host: &Host, t: &Registry) {
    let id: dbintel_core::ComponentId = "costcontrol".parse().unwrap();
    let ctx = ProcessorContext {
        id: id.clone(),
        pipeline: PipelineId::new(Signal::Logs, None),
        host: host.clone(),
        health: HealthRegistry::new().register(ComponentKind::Processor, id),
        telemetry: t.clone(),
    };
    p.start(&ctx).unwrap();
}

fn run(p: &mut dyn Processor, d: Arc<SignalData>) -> Option<Arc<SignalData>> {
    let mut out = Vec::new();
    p.process(d, &mut out).unwrap();
    assert!(out.len() <= 1);
    out.pop()
}

fn ctx(host: &Host, t: &Registry) -> CreateContext {
    let mut c = CreateContext::new("costcontrol".parse().unwrap(), t.clone());
    c.host = host.clone();
    c
}

fn record(sev: SeverityNumber, body: &str) -> LogRecord {
    LogRecord {
        severity_number: sev,
        body: Some(body.into()),
        attributes: attrs(&[("db.namespace", "shop".into()), ("user.id", "42".into())]),
        ..Default::default()
    }
}

#[test]
fn bytes_counted_are_the_encoded_size_of_what_passes() {
    let t = Registry::new();
    let host = Host::new();
    let clock = ManualClock::new((NOV_1 + 10 * DAY) * NS);
    let mut p = CostControl::new(CostControlConfig::default(), &ctx(&host, &t), None, Arc::new(clock));
    start(&mut p, &host, &t);
    let input = logs(vec![record(SeverityNumber::INFO, "a"), record(SeverityNumber::UNSPECIFIED, "b")]);
    let out = run(&mut p, input.clone()).unwrap();
    assert!(Arc::ptr_eq(&out, &input), "under budget and within limits nothing is copied");
    let SignalData::Logs(l) = out.as_ref() else { panic!() };
    let want = dbintel_otlp::proto::to_proto_logs(l).encoded_len() as u64;
    assert_eq!(t.counter_total("dbintel_costcontrol_bytes_total", &[("signal", "logs")]), want);
    assert_eq!(p.projection().bytes, want);
    assert_eq!(registry_gauge(&t, "dbintel_costcontrol_month_bytes"), want as f64);
}

fn counter(t: &Registry, kind: &str) -> u64 {
    t.counter_total("dbintel_costcontrol_reductions_total", &[("kind", kind)])
}

#[test]
fn body_truncation_is_always_on_and_keeps_the_limit() {
    let t = Registry::new();
    let host = Host::new();
    let cfg =
        CostControlConfig { max_log_body_size: 40, over_budget_log_body_size: 20, ..Default::default() };
    let clock = ManualClock::new((NOV_1 + DAY) * NS);
    let mut p = CostControl::new(cfg, &ctx(&host, &t), None, Arc::new(clock));
    start(&mut p, &host, &t);
    let out = run(&mut p, logs(vec![record(SeverityNumber::WARN, &"é".repeat(30))])).unwrap();
    let SignalData::Logs(l) = out.as_ref() else { panic!() };
    let Some(Value::Str(b)) = &l.resource_logs[0].scope_logs[0].log_records[0].body else { panic!() };
    assert!(b.len() <= 40 && b.ends_with(TRUNCATED_MARKER), "{b}");
    assert_eq!(b.len(), 24 + TRUNCATED_MARKER.len(), "cut at a char boundary: {b}");
    assert_eq!(counter(&t, "truncate_body"), 1);
}

#[test]
fn reductions_start_in_order_of_least_value_lost() {
    let t = Registry::new();
    let host = Host::new();
    // Price 1 USD/GB, budget 15 USD; counting since Nov 16, one day later 14 days remain, so the
    // projection is 15x the spend: 1 GB spent = utilisation 1.0.
    let cfg = CostControlConfig {
        monthly_budget_usd: 15.0,
        price_per_gb: 1.0,
        max_log_body_size: 100,
        over_budget_log_body_size: 20,
        ..Default::default()
    };
    let clock = ManualClock::new((NOV_1 + 15 * DAY) * NS);
    let mut p = CostControl::new(cfg, &ctx(&host, &t), None, Arc::new(clock.clone()));
    start(&mut p, &host, &t);
    clock.advance_secs(DAY);
    let batch = || {
        logs(vec![
            record(SeverityNumber::DEBUG, "debug"),
            record(SeverityNumber::INFO, "info"),
            record(SeverityNumber::WARN, &"w".repeat(50)),
            record(SeverityNumber::UNSPECIFIED, "event"),
        ])
    };
    let mbatch = || {
        metrics(vec![
            gauge("runtime.uptime", vec![point(Attributes::new(), NumberValue::Int(1))]),
            gauge(
                "db.sessions",
                vec![point(
                    attrs(&[("db", "a".into()), ("client.address", "10.0.0.1".into())]),
                    NumberValue::Int(1),
                )],
            ),
        ])
    };
    let records = |d: &SignalData| -> Vec<LogRecord> {
        let SignalData::Logs(l) = d else { panic!() };
        l.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| s.log_records.clone()).collect()
    };
    let names = |d: &SignalData| -> Vec<String> {
        let SignalData::Metrics(m) = d else { panic!() };
        m.resource_metrics
            .iter()
            .flat_map(|r| &r.scope_metrics)
            .flat_map(|s| &s.metrics)
            .map(|m| m.name.clone())
            .collect()
    };

    // Under budget: nothing changes.
    set_bytes(&p, 900_000_000);
    assert_eq!(records(&run(&mut p, batch()).unwrap()).len(), 4);
    assert_eq!(p.projection().level, 0);

    // 1.05: debug and info go; unspecified (our events) and warn stay.
    set_bytes(&p, 1_050_000_000);
    let r = records(&run(&mut p, batch()).unwrap());
    assert_eq!(r.len(), 2);
    assert!(
        r.iter()
            .all(|r| r.severity_number != SeverityNumber::DEBUG && r.severity_number != SeverityNumber::INFO)
    );
    assert_eq!(names(&run(&mut p, mbatch()).unwrap()), ["runtime.uptime", "db.sessions"]);
    assert_eq!(counter(&t, "drop_log_severity"), 2);

    // 1.2: the listed metrics go too.
    set_bytes(&p, 1_200_000_000);
    assert_eq!(names(&run(&mut p, mbatch()).unwrap()), ["db.sessions"]);
    assert_eq!(counter(&t, "drop_metric"), 1);
    assert!(records(&run(&mut p, batch()).unwrap()).iter().all(|r| r.attributes.get("user.id").is_some()));

    // 1.3: high-cardinality attributes are stripped from records and points.
    set_bytes(&p, 1_300_000_000);
    assert!(records(&run(&mut p, batch()).unwrap()).iter().all(|r| r.attributes.get("user.id").is_none()));
    let out = run(&mut p, mbatch()).unwrap();
    let SignalData::Metrics(m) = out.as_ref() else { panic!() };
    let MetricData::Gauge(pts) = &m.resource_metrics[0].scope_metrics[0].metrics[0].data else { panic!() };
    assert_eq!(pts[0].attributes, attrs(&[("db", "a".into())]));
    assert!(counter(&t, "strip_attributes") >= 3);

    // 2.0: bodies are cut to over_budget_log_body_size.
    set_bytes(&p, 2_000_000_000);
    let r = records(&run(&mut p, batch()).unwrap());
    let Some(Value::Str(b)) = &r[0].body else { panic!() };
    assert!(b.len() <= 20 && b.ends_with(TRUNCATED_MARKER));
    assert_eq!(p.projection().level, 4);
    assert!((registry_gauge(&t, "dbintel_costcontrol_budget_utilization_ratio") - 2.0).abs() < 0.01);
    assert!((registry_gauge(&t, "dbintel_costcontrol_projected_cost_usd") - 30.0).abs() < 0.1);
}

fn set_bytes(p: &CostControl, bytes: u64) {
    p.set_month_bytes(bytes);
}

#[test]
fn the_month_rolls_over_at_utc_midnight_with_the_injected_clock() {
    let t = Registry::new();
    let host = Host::new();
    let cfg = CostControlConfig { monthly_budget_usd: 1.0, price_per_gb: 1.0, ..Default::default() };
    let clock = ManualClock::new((NOV_1 + 29 * DAY) * NS);
    let mut p = CostControl::new(cfg, &ctx(&host, &t), None, Arc::new(clock.clone()));
    start(&mut p, &host, &t);
    clock.advance_secs(DAY - 10); // 2026-11-30T23:59:50Z
    set_bytes(&p, 2_000_000_000); // 2 USD spent: over budget whatever the projection
    run(&mut p, logs(vec![record(SeverityNumber::INFO, "x")]));
    let before = p.projection();
    assert_eq!(before.month, Month { year: 2026, month: 11 });
    assert_eq!(before.level, 4);
    clock.advance_secs(10); // 2026-12-01T00:00:00Z
    let out = run(&mut p, logs(vec![record(SeverityNumber::INFO, "y")])).unwrap();
    assert_eq!(out.item_count(), 1, "the new month starts under budget: info logs pass");
    let after = p.projection();
    assert_eq!(after.month, Month { year: 2026, month: 12 });
    assert_eq!(after.bytes, size::request_len(&out) as u64, "only December's bytes");
    assert_eq!(after.level, 0);
    assert_eq!(t.counter_total("dbintel_costcontrol_month_rollovers_total", &[]), 1);
    // A second pipeline's instance of the same ID shares the month.
    let q = CostControl::new(CostControlConfig::default(), &ctx(&host, &t), None, Arc::new(clock));
    assert_eq!(q.projection().bytes, after.bytes);
}

#[test]
fn cardinality_is_limited_across_batches() {
    let t = Registry::new();
    let host = Host::new();
    let cfg = CostControlConfig { metric_cardinality_limit: 3, ..Default::default() };
    let clock = ManualClock::new((NOV_1 + DAY) * NS);
    let mut p = CostControl::new(cfg, &ctx(&host, &t), None, Arc::new(clock.clone()));
    start(&mut p, &host, &t);
    let pt = |pairs: &[(&str, Value)]| point(attrs(pairs), NumberValue::Int(1));
    // Batch 1: two series.
    let out =
        run(&mut p, metrics(vec![gauge("m", vec![pt(&[("db", "a".into())]), pt(&[("db", "b".into())])])]));
    assert_eq!(out.unwrap().item_count(), 2);
    // Batch 2: a third series fits; a fourth with a user.id collapses into db=a; db=c is new: dropped.
    let out = run(
        &mut p,
        metrics(vec![gauge(
            "m",
            vec![
                pt(&[("db", "a".into()), ("user.id", "1".into())]),
                pt(&[("db", "a".into()), ("user.id", "2".into())]),
                pt(&[("db", "c".into())]),
                pt(&[("db", "b".into())]),
            ],
        )]),
    )
    .unwrap();
    let SignalData::Metrics(m) = out.as_ref() else { panic!() };
    let MetricData::Gauge(pts) = &m.resource_metrics[0].scope_metrics[0].metrics[0].data else { panic!() };
    let got: Vec<&Attributes> = pts.iter().map(|p| &p.attributes).collect();
    assert_eq!(
        got,
        [
            &attrs(&[("db", "a".into()), ("user.id", "1".into())]),
            &attrs(&[("db", "a".into())]),
            &attrs(&[("db", "b".into())]),
        ]
    );
    assert_eq!(counter(&t, "cardinality_strip"), 1);
    assert_eq!(counter(&t, "cardinality_drop"), 1);
    // Another metric has its own budget of series; batch 3 still knows batch 1's series.
    let out = run(
        &mut p,
        metrics(vec![
            gauge("n", vec![pt(&[("db", "c".into())])]),
            gauge("m", vec![pt(&[("db", "b".into())])]),
        ]),
    );
    assert_eq!(out.unwrap().item_count(), 2);
    // The next month starts a new window.
    clock.set((NOV_1 + 31 * DAY) * NS);
    let out =
        run(&mut p, metrics(vec![gauge("m", vec![pt(&[("db", "x".into())]), pt(&[("db", "y".into())])])]));
    assert_eq!(out.unwrap().item_count(), 2);
}

#[test]
fn tracked_metrics_are_bounded_and_evictions_counted() {
    let t = Registry::new();
    let host = Host::new();
    let cfg = CostControlConfig { cardinality_max_metrics: 2, ..Default::default() };
    let mut p = CostControl::new(cfg, &ctx(&host, &t), None, Arc::new(ManualClock::new(NOV_1 * NS)));
    start(&mut p, &host, &t);
    for name in ["a", "b", "c", "d"] {
        run(&mut p, metrics(vec![gauge(name, vec![point(Attributes::new(), NumberValue::Int(1))])]));
    }
    assert_eq!(t.counter_total("dbintel_costcontrol_cardinality_evictions_total", &[]), 2);
}

fn storage_host(dir: &std::path::Path) -> Host {
    let host = Host::new();
    let fs = dbintel_extensions::file_storage::FileStorageConfig {
        directory: dir.to_string_lossy().into_owned(),
        ..Default::default()
    };
    host.add_extension(
        "file_storage/cost".parse().unwrap(),
        Arc::new(dbintel_extensions::file_storage::Storage::from(&fs)),
    );
    host
}

fn build(host: &Host, t: &Registry, cfg: CostControlConfig) -> Box<dyn Processor> {
    let section = serde_json::json!({"storage": cfg.storage, "monthly_budget_usd": cfg.monthly_budget_usd});
    let f: &dyn Factory = &CostControlFactory;
    match f.create(&ctx(host, t), &section) {
        Ok(Built::Processor(p)) => p,
        Ok(_) => panic!("not a processor"),
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn the_month_survives_a_restart_through_file_storage() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = CostControlConfig { storage: Some("file_storage/cost".into()), ..Default::default() };
    let clock = ManualClock::new((NOV_1 + 3 * DAY) * NS);
    let file = StateFile::new(dir.path().join(state_dir_name(&"costcontrol".parse().unwrap())), false);

    // First life: count a batch, shut down (saves).
    let t = Registry::new();
    let host = storage_host(dir.path());
    let mut p = CostControl::new(cfg.clone(), &ctx(&host, &t), Some(file.clone()), Arc::new(clock.clone()));
    start(&mut p, &host, &t);
    let out = run(&mut p, logs(vec![record(SeverityNumber::WARN, "first life")])).unwrap();
    let first = size::request_len(&out) as u64;
    p.shutdown();
    let stored = file.load().unwrap().unwrap();
    assert_eq!((stored.month, stored.bytes), (Month { year: 2026, month: 11 }, first));

    // Second life, an hour later, new host and registry: the month continues.
    clock.advance_secs(3600);
    let t = Registry::new();
    let host = storage_host(dir.path());
    let mut p = CostControl::new(cfg.clone(), &ctx(&host, &t), Some(file.clone()), Arc::new(clock.clone()));
    start(&mut p, &host, &t);
    assert_eq!(p.projection().bytes, first);
    let out = run(&mut p, logs(vec![record(SeverityNumber::WARN, "second")])).unwrap();
    let total = first + size::request_len(&out) as u64;
    let mut sink = Vec::new();
    p.flush(&mut sink);
    assert_eq!(file.load().unwrap().unwrap().bytes, total);
    assert_eq!(file.load().unwrap().unwrap().since_unix_nanos, (NOV_1 + 3 * DAY) * NS);

    // Third life in December: the stored November does not count.
    clock.set((NOV_1 + 35 * DAY) * NS);
    let t = Registry::new();
    let host = storage_host(dir.path());
    let mut p = CostControl::new(cfg.clone(), &ctx(&host, &t), Some(file.clone()), Arc::new(clock.clone()));
    start(&mut p, &host, &t);
    assert_eq!(p.projection().bytes, 0);
    assert_eq!(p.projection().month, Month { year: 2026, month: 12 });

    // A corrupt file is reported, counted, and the month starts from zero.
    std::fs::write(file.path(), b"{not json").unwrap();
    let t = Registry::new();
    let host = storage_host(dir.path());
    let mut p = CostControl::new(cfg, &ctx(&host, &t), Some(file.clone()), Arc::new(clock));
    start(&mut p, &host, &t);
    assert_eq!(p.projection().bytes, 0);
    assert_eq!(t.counter_total("dbintel_costcontrol_state_errors_total", &[("op", "load")]), 1);
    p.shutdown();
    assert!(file.load().is_ok(), "the next save replaces the corrupt file");
}

#[test]
fn the_cardinality_limit_holds_across_a_restart_and_a_new_month_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = CostControlConfig {
        storage: Some("file_storage/cost".into()),
        metric_cardinality_limit: 2,
        ..Default::default()
    };
    let clock = ManualClock::new((NOV_1 + 3 * DAY) * NS);
    let file = StateFile::new(dir.path().join(state_dir_name(&"costcontrol".parse().unwrap())), false);
    let pt = |db: &str| point(attrs(&[("db", db.into())]), NumberValue::Int(1));
    let life = |clock: &ManualClock| {
        let t = Registry::new();
        let host = storage_host(dir.path());
        let mut p =
            CostControl::new(cfg.clone(), &ctx(&host, &t), Some(file.clone()), Arc::new(clock.clone()));
        start(&mut p, &host, &t);
        (p, t)
    };

    // First life: metric m fills its two series (a, b); n has one (a).
    let (mut p, _) = life(&clock);
    let out = run(&mut p, metrics(vec![gauge("m", vec![pt("a"), pt("b")]), gauge("n", vec![pt("a")])]));
    assert_eq!(out.unwrap().item_count(), 3);
    p.shutdown();
    assert!(file.series_path().is_file());

    // Second life, same month: m is full (c is dropped, a and b pass), n still has room for one.
    clock.advance_secs(3600);
    let (mut p, t) = life(&clock);
    let out = run(
        &mut p,
        metrics(vec![gauge("m", vec![pt("c"), pt("a"), pt("b")]), gauge("n", vec![pt("b"), pt("c")])]),
    )
    .unwrap();
    assert_eq!(out.item_count(), 3, "m: a, b; n: b (its second series); m=c and n=c over the limit");
    assert_eq!(counter(&t, "cardinality_drop"), 2);
    // A new series saved at the interval (flush) is known to the next life too.
    let mut sink = Vec::new();
    p.flush(&mut sink);
    drop(p);
    let (mut p, t) = life(&clock);
    let out = run(&mut p, metrics(vec![gauge("n", vec![pt("a"), pt("b"), pt("d")])])).unwrap();
    assert_eq!(out.item_count(), 2);
    assert_eq!(counter(&t, "cardinality_drop"), 1);
    p.shutdown();

    // December: the stored November series do not count; m takes two new series.
    clock.set((NOV_1 + 31 * DAY) * NS);
    let (mut p, t) = life(&clock);
    let out = run(&mut p, metrics(vec![gauge("m", vec![pt("x"), pt("y")])])).unwrap();
    assert_eq!(out.item_count(), 2);
    assert_eq!(counter(&t, "cardinality_drop"), 0);
    p.shutdown();

    // A rollover while running clears them too, and the file follows.
    clock.set((NOV_1 + 61 * DAY) * NS); // 2027-01-01 (31 + 30 days after Nov 1)
    let out = run(&mut p, metrics(vec![gauge("m", vec![pt("p"), pt("q")])])).unwrap();
    assert_eq!(out.item_count(), 2, "January starts with no series");
    p.shutdown();
    drop(p);
    let (mut p, t) = life(&clock);
    let out = run(&mut p, metrics(vec![gauge("m", vec![pt("p"), pt("q"), pt("x")])])).unwrap();
    assert_eq!(out.item_count(), 2, "January's p and q were kept, x is the third");
    assert_eq!(counter(&t, "cardinality_drop"), 1);
    p.shutdown();

    // A corrupt series file is reported, counted and ignored; the bytes state still loads.
    let bytes_before = file.load().unwrap().unwrap().bytes;
    let mut damaged = std::fs::read(file.series_path()).unwrap();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    std::fs::write(file.series_path(), &damaged).unwrap();
    let (mut p, t) = life(&clock);
    assert_eq!(t.counter_total("dbintel_costcontrol_state_errors_total", &[("op", "load")]), 1);
    assert_eq!(p.projection().bytes, bytes_before);
    let out = run(&mut p, metrics(vec![gauge("m", vec![pt("x"), pt("y")])])).unwrap();
    assert_eq!(out.item_count(), 2, "the month's series start empty");
    p.shutdown();
    assert!(file.load_series(1000, 2).unwrap().is_some(), "the next save replaces the corrupt file");

    // A file written with larger limits than the config's is reported and ignored, not half-read.
    let t = Registry::new();
    let host = storage_host(dir.path());
    let small = CostControlConfig { metric_cardinality_limit: 1, ..cfg.clone() };
    let mut p = CostControl::new(small, &ctx(&host, &t), Some(file.clone()), Arc::new(clock.clone()));
    start(&mut p, &host, &t);
    assert_eq!(t.counter_total("dbintel_costcontrol_state_errors_total", &[("op", "load")]), 1);
}

#[test]
fn the_factory_resolves_storage_and_writes_under_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let t = Registry::new();
    let host = storage_host(dir.path());
    let cfg = CostControlConfig { storage: Some("file_storage/cost".into()), ..Default::default() };
    let mut p = build(&host, &t, cfg);
    start(p.as_mut(), &host, &t);
    run(p.as_mut(), logs(vec![record(SeverityNumber::WARN, "x")]));
    p.shutdown();
    assert!(dir.path().join("processor_costcontrol").join("state.json").is_file());

    // A storage that is not defined is a config problem on the `storage` key.
    let f: &dyn Factory = &CostControlFactory;
    let err = f
        .create(&ctx(&Host::new(), &t), &serde_json::json!({"storage": "file_storage/nope"}))
        .err()
        .expect("must fail");
    assert!(format!("{err:?}").contains("storage"), "{err:?}");
}

#[test]
fn bad_configs_name_the_key() {
    let f: &dyn Factory = &CostControlFactory;
    let t = Registry::new();
    for (section, key) in [
        (serde_json::json!({"monthly_budget_usd": 0}), "monthly_budget_usd"),
        (serde_json::json!({"price_per_gb": -1}), "price_per_gb"),
        (serde_json::json!({"metric_cardinality_limit": 0}), "metric_cardinality_limit"),
        (serde_json::json!({"reduction_thresholds": [1.0, 0.5, 2, 3]}), "reduction_thresholds"),
        (serde_json::json!({"storage": "health_check"}), "storage"),
        (serde_json::json!({"max_log_body_size": 4}), "max_log_body_size"),
        (serde_json::json!({"reporting_interval": "0s"}), "reporting_interval"),
    ] {
        let err = f.create(&ctx(&Host::new(), &t), &section).err().expect("must fail");
        assert!(format!("{err:?}").contains(key), "{section}: {err:?}");
    }
    // The prototype's names load.
    let ok = serde_json::json!({"cardinality_limit": 5, "high_cardinality_dimensions": ["a"], "aggressive_mode": true});
    assert!(f.create(&ctx(&Host::new(), &t), &ok).is_ok());
}

mod size_properties {
    use dbintel_core::pdata::{
        Attributes, HistogramDataPoint, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint,
        NumberValue, QuantileValue, ResourceLogs, ResourceMetrics, ScopeLogs, ScopeMetrics, SeverityNumber,
        SummaryDataPoint, Temporality, Value,
    };
    use proptest::prelude::*;
    use prost::Message;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            ".{0,200}".prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            any::<f64>().prop_map(Value::Double),
            proptest::collection::vec(any::<u8>(), 0..300).prop_map(Value::Bytes),
        ];
        leaf.prop_recursive(3, 40, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((".{0,12}", inner), 0..6)
                    .prop_map(|kv| Value::Map(kv.into_iter().collect::<Attributes>())),
            ]
        })
    }

    fn record() -> impl Strategy<Value = LogRecord> {
        (
            any::<u64>(),
            any::<i32>(),
            proptest::option::of(value()),
            proptest::collection::vec((".{0,20}", value()), 0..8),
            any::<u32>(),
            proptest::option::of(any::<[u8; 16]>()),
            ".{0,30}",
        )
            .prop_map(|(t, sev, body, attrs, flags, trace, event)| LogRecord {
                time_unix_nano: t,
                observed_time_unix_nano: t / 3,
                severity_number: SeverityNumber(sev),
                severity_text: Default::default(),
                body,
                attributes: attrs.into_iter().collect(),
                event_name: event.into(),
                trace_id: trace,
                span_id: None,
                flags,
            })
    }

    fn number_point() -> impl Strategy<Value = NumberDataPoint> {
        (
            proptest::collection::vec((".{0,12}", value()), 0..5),
            any::<u64>(),
            any::<u64>(),
            any::<bool>(),
            any::<i64>(),
            any::<u32>(),
        )
            .prop_map(|(a, s, t, int, v, flags)| NumberDataPoint {
                attributes: a.into_iter().collect(),
                start_time_unix_nano: s,
                time_unix_nano: t,
                value: if int { NumberValue::Int(v) } else { NumberValue::Double(v as f64 / 7.0) },
                flags,
            })
    }

    fn metric() -> impl Strategy<Value = Metric> {
        let data = prop_oneof![
            proptest::collection::vec(number_point(), 0..4).prop_map(MetricData::Gauge),
            (proptest::collection::vec(number_point(), 0..4), any::<bool>(), any::<bool>()).prop_map(
                |(points, d, monotonic)| {
                    MetricData::Sum {
                        points,
                        temporality: if d { Temporality::Delta } else { Temporality::Cumulative },
                        monotonic,
                    }
                }
            ),
            (
                proptest::collection::vec(
                    (
                        any::<u64>(),
                        proptest::option::of(any::<f64>()),
                        proptest::collection::vec(any::<u64>(), 0..5),
                        any::<u32>(),
                        proptest::option::of(any::<f64>())
                    ),
                    0..3
                ),
                any::<bool>(),
            )
                .prop_map(|(ps, d)| MetricData::Histogram {
                    points: ps
                        .into_iter()
                        .map(|(count, sum, buckets, flags, min)| HistogramDataPoint {
                            count,
                            sum,
                            explicit_bounds: buckets.iter().skip(1).map(|b| *b as f64).collect(),
                            bucket_counts: buckets,
                            flags,
                            min,
                            ..Default::default()
                        })
                        .collect(),
                    temporality: if d { Temporality::Delta } else { Temporality::Cumulative },
                }),
            proptest::collection::vec(
                (any::<u64>(), any::<f64>(), proptest::collection::vec((any::<f64>(), any::<f64>()), 0..3)),
                0..3
            )
            .prop_map(|ps| MetricData::Summary(
                ps.into_iter()
                    .map(|(count, sum, q)| SummaryDataPoint {
                        count,
                        sum,
                        quantile_values: q
                            .into_iter()
                            .map(|(quantile, value)| QuantileValue { quantile, value })
                            .collect(),
                        ..Default::default()
                    })
                    .collect()
            )),
        ];
        (".{0,40}", ".{0,10}", data).prop_map(|(name, unit, data)| Metric {
            name,
            description: String::new(),
            unit,
            data,
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn metrics_size_equals_prost(list in proptest::collection::vec(metric(), 0..8)) {
            let m = Metrics { resource_metrics: vec![ResourceMetrics {
                scope_metrics: vec![ScopeMetrics { metrics: list, ..Default::default() }],
                ..Default::default()
            }] };
            prop_assert_eq!(super::size::metrics_request_len(&m), dbintel_otlp::proto::to_proto_metrics(&m).encoded_len());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn logs_size_equals_prost(records in proptest::collection::vec(record(), 0..20)) {
            let l = Logs { resource_logs: vec![ResourceLogs {
                scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
                ..Default::default()
            }] };
            prop_assert_eq!(super::size::logs_request_len(&l), dbintel_otlp::proto::to_proto_logs(&l).encoded_len());
        }
    }
}

/// Spans (the prototype's costcontrol took traces too) are billed bytes: the size function holds
/// equal to the encoded `ExportTraceServiceRequest`, with every span field set and with none.
#[test]
fn traces_size_is_the_encoded_length_of_the_otlp_request() {
    use dbintel_core::pdata::{Span, SpanStatus, StatusCode, Traces};
    let mut t = dbintel_otlp::fixtures::sample_traces();
    assert_eq!(size::traces_request_len(&t), dbintel_otlp::to_proto_traces(&t).encoded_len());
    // Defaults everywhere (no status message, no flags), large values, a status with only a code.
    if let Some(ss) = t.resource_spans.first_mut().and_then(|rs| rs.scope_spans.first_mut()) {
        ss.spans.push(Span::default());
        ss.spans.push(Span {
            name: "x".repeat(300),
            flags: u32::MAX,
            kind: dbintel_core::pdata::SpanKind(-1),
            dropped_attributes_count: u32::MAX,
            status: Some(SpanStatus { message: String::new(), code: StatusCode::OK }),
            ..Span::default()
        });
        ss.schema_url = "https://opentelemetry.io/schemas/1.26.0".into();
    }
    t.resource_spans.push(Default::default());
    assert_eq!(size::traces_request_len(&t), dbintel_otlp::to_proto_traces(&t).encoded_len());
    let empty = Traces::default();
    assert_eq!(size::traces_request_len(&empty), dbintel_otlp::to_proto_traces(&empty).encoded_len());
}

#[test]
fn spans_are_counted_against_the_budget_and_pass_whole() {
    let t = Registry::new();
    let host = Host::new();
    let clock = ManualClock::new((NOV_1 + 10 * DAY) * NS);
    let mut p = CostControl::new(CostControlConfig::default(), &ctx(&host, &t), None, Arc::new(clock));
    start(&mut p, &host, &t);
    let input = Arc::new(SignalData::Traces(dbintel_otlp::fixtures::sample_traces()));
    let out = run(&mut p, input.clone()).unwrap();
    assert!(Arc::ptr_eq(&out, &input), "spans pass untouched");
    let SignalData::Traces(tr) = out.as_ref() else { panic!("not traces") };
    let want = dbintel_otlp::to_proto_traces(tr).encoded_len() as u64;
    assert!(want > 0);
    assert_eq!(t.counter_total("dbintel_costcontrol_bytes_total", &[("signal", "traces")]), want);
    assert_eq!(p.projection().bytes, want, "spans spend the month's budget");
}
