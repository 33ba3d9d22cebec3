use super::*;
use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint,
    NumberValue, Resource, ResourceLogs, ResourceMetrics, ScopeLogs, ScopeMetrics, Temporality, Value,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, Factory, Host, parse_component_config};
use proptest::prelude::*;

const TOP: &str = "db.server.top_query";
const SAMPLE: &str = "db.server.query_sample";

fn correlator(cfg: QueryCorrelatorConfig) -> (Correlator, Registry) {
    let reg = Registry::new();
    (Correlator::new(cfg, Counters::new(&reg, "querycorrelator")), reg)
}

fn rec(event: &str, attrs: &[(&'static str, Value)]) -> LogRecord {
    LogRecord { event_name: event.into(), attributes: attrs.iter().cloned().collect(), ..Default::default() }
}

fn logs(resource: &[(&'static str, &str)], records: Vec<LogRecord>) -> Arc<SignalData> {
    Arc::new(SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            resource: Resource { attributes: resource.iter().map(|(k, v)| (*k, *v)).collect() },
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    }))
}

fn sum(name: &str, points: Vec<(Vec<(&'static str, Value)>, f64)>) -> Metric {
    Metric {
        name: name.into(),
        description: String::new(),
        unit: "1".into(),
        data: MetricData::Sum {
            points: points
                .into_iter()
                .map(|(a, v)| NumberDataPoint {
                    attributes: a.into_iter().collect(),
                    start_time_unix_nano: 0,
                    time_unix_nano: 1_700_000_000_000_000_000,
                    value: NumberValue::Double(v),
                    flags: 0,
                })
                .collect(),
            temporality: Temporality::Cumulative,
            monotonic: false,
        },
    }
}

fn metrics(resource: &[(&'static str, &str)], ms: Vec<Metric>) -> Arc<SignalData> {
    Arc::new(SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: resource.iter().map(|(k, v)| (*k, *v)).collect() },
            scope_metrics: vec![ScopeMetrics { metrics: ms, ..Default::default() }],
            ..Default::default()
        }],
    }))
}

fn s(v: &str) -> Value {
    Value::Str(v.into())
}

fn records(data: &SignalData) -> Vec<&Attributes> {
    match data {
        SignalData::Logs(l) => l
            .resource_logs
            .iter()
            .flat_map(|r| &r.scope_logs)
            .flat_map(|s| &s.log_records)
            .map(|r| &r.attributes)
            .collect(),
        SignalData::Metrics(m) => {
            let mut v = Vec::new();
            for m in m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
                match &m.data {
                    MetricData::Sum { points, .. } | MetricData::Gauge(points) => {
                        v.extend(points.iter().map(|p| &p.attributes))
                    }
                    MetricData::Histogram { points, .. } => v.extend(points.iter().map(|p| &p.attributes)),
                    MetricData::Summary(points) => v.extend(points.iter().map(|p| &p.attributes)),
                }
            }
            v
        }
        SignalData::Traces(_) => Vec::new(),
    }
}

fn get<'a>(a: &'a Attributes, k: &str) -> Option<&'a Value> {
    a.get(k)
}

fn pg_top(queryid: &str, text: &str, total_s: f64, calls: i64) -> LogRecord {
    rec(
        TOP,
        &[
            ("db.system.name", s("postgresql")),
            ("db.namespace", s("shop")),
            ("db.query.text", s(text)),
            ("postgresql.queryid", s(queryid)),
            ("postgresql.calls", Value::Int(calls)),
            ("postgresql.total_exec_time", Value::Double(total_s)),
            ("dbintel.query.fingerprint", s(&format!("fp{queryid}"))),
        ],
    )
}

/// Table metrics as the postgresql receiver emits them in the semconv resource model.
fn pg_table_metrics_semconv() -> Arc<SignalData> {
    let t = |extra: Option<(&'static str, &'static str)>| {
        let mut a = vec![("db.namespace", s("shop|public")), ("db.collection.name", s("orders"))];
        if let Some((k, v)) = extra {
            a.push((k, s(v)));
        }
        a
    };
    metrics(
        &[("db.system.name", "postgresql")],
        vec![
            sum("postgresql.table.size", vec![(t(None), 8192.0)]),
            sum(
                "postgresql.rows",
                vec![(t(Some(("state", "dead"))), 5000.0), (t(Some(("state", "live"))), 100.0)],
            ),
            sum("postgresql.sequential_scans", vec![(t(None), 42.0)]),
            sum("postgresql.table.vacuum.count", vec![(t(None), 3.0)]),
            sum(
                "postgresql.operations",
                vec![
                    (t(Some(("operation", "ins"))), 10.0),
                    (t(Some(("operation", "upd"))), 5.0),
                    (t(Some(("operation", "del"))), 1.0),
                ],
            ),
        ],
    )
}

/// Golden case: two top queries of one database in one collection, with the orders table's metrics
/// seen before. Every added attribute is listed.
#[test]
fn golden_top_queries_get_tables_category_and_load() {
    let (mut c, reg) = correlator(QueryCorrelatorConfig::default());
    let mut m = pg_table_metrics_semconv();
    let before = m.clone();
    c.process(&mut m);
    assert!(Arc::ptr_eq(&m, &before), "table metrics are indexed, not changed (no copy)");

    let mut data = logs(
        &[("service.instance.id", "db1:5432")],
        vec![
            pg_top(
                "11",
                "SELECT * FROM orders o JOIN public.users u ON o.uid = u.id WHERE o.id = $1",
                3.0,
                2,
            ),
            pg_top("22", "UPDATE users SET name = $1 WHERE id = $2", 1.0, 100),
        ],
    );
    c.process(&mut data);
    let r = records(&data);
    let added: Vec<(&str, String)> = r[0]
        .iter()
        .filter(|(k, _)| !k.starts_with("db.") && !k.starts_with("postgresql.") && !k.starts_with("dbintel."))
        .map(|(k, v)| (k, v.to_display_string()))
        .collect();
    assert_eq!(
        added,
        vec![
            ("correlation.query_id", "11".to_string()),
            ("correlation.database", "shop".into()),
            ("correlation.statement_type", "SELECT".into()),
            ("correlation.id", "shop/11".into()),
            ("performance.category", "slow".into()),
            ("correlation.table", "orders".into()),
            ("correlation.tables", "orders,public.users".into()),
            ("table.modifications", "16".into()),
            ("table.dead_tuples", "5000".into()),
            ("table.live_tuples", "100".into()),
            ("table.size_bytes", "8192".into()),
            ("table.seq_scans", "42".into()),
            ("table.vacuum_count", "3".into()),
            ("table.needs_vacuum", "true".into()),
            ("correlation.tables_needing_vacuum", "orders".into()),
            ("query.load_contribution_pct", "75".into()),
            ("database.total_time_ms", "4000".into()),
        ]
    );
    // 1000 ms / 100 calls = 10 ms: fast; 25% of the database's time.
    assert_eq!(get(r[1], "performance.category"), Some(&s("fast")));
    assert_eq!(get(r[1], "correlation.statement_type"), Some(&s("UPDATE")));
    assert_eq!(get(r[1], "query.load_contribution_pct"), Some(&Value::Double(25.0)));
    assert_eq!(get(r[1], "correlation.table"), Some(&s("users")));
    assert_eq!(get(r[1], "table.dead_tuples"), None, "users has no metrics");
    assert_eq!(reg.counter_total("dbintel_querycorrelator_correlated_total", &[("signal", "logs")]), 2);
    assert_eq!(reg.counter_total("dbintel_querycorrelator_table_matches_total", &[]), 1);
}

#[test]
fn legacy_resource_model_tables_match_too_and_a_vacuum_is_seen() {
    let (mut c, _) = correlator(QueryCorrelatorConfig::default());
    let res = [("postgresql.database.name", "shop"), ("postgresql.table.name", "public.orders")];
    let mut m = metrics(&res, vec![sum("postgresql.table.vacuum.count", vec![(vec![], 1.0)])]);
    c.process(&mut m);
    let mut m = metrics(&res, vec![sum("postgresql.table.vacuum.count", vec![(vec![], 2.0)])]);
    c.process(&mut m);
    let mut data = logs(&[], vec![pg_top("1", "SELECT 1 FROM public.orders", 0.5, 1)]);
    c.process(&mut data);
    let r = records(&data);
    assert_eq!(get(r[0], "table.vacuum_count"), Some(&Value::Int(2)));
    assert_eq!(get(r[0], "table.last_vacuum_seen"), Some(&s("2023-11-14T22:13:20.000Z")));
    assert_eq!(get(r[0], "table.needs_vacuum"), None);
}

/// Samples (one round, one batch) with a blocking chain, then the top query of the blocked query.
#[test]
fn samples_give_sessions_waits_and_blocking_chains() {
    let (mut c, _) = correlator(QueryCorrelatorConfig::default());
    let sample = |pid: i64, qid: i64, text: &str, wait: &str, blockers: &str| {
        let mut a = vec![
            ("db.namespace", s("shop")),
            ("db.query.text", s(text)),
            ("postgresql.pid", Value::Int(pid)),
            ("postgresql.query_id", Value::Int(qid)),
            ("postgresql.wait_event", s(wait)),
        ];
        if !blockers.is_empty() {
            a.push(("postgresql.blocking.pids", s(blockers)));
        }
        rec(SAMPLE, &a)
    };
    let mut round = logs(
        &[("service.instance.id", "db1:5432")],
        vec![
            sample(10, 11, "UPDATE orders SET x = ? WHERE id = ?", "transactionid", "{20}"),
            sample(11, 11, "UPDATE orders SET x = ? WHERE id = ?", "transactionid", "{20,30}"),
            sample(20, 22, "DELETE FROM orders WHERE id = ?", "ClientRead", ""),
        ],
    );
    c.process(&mut round);
    let r = records(&round);
    assert_eq!(get(r[0], "correlation.blocked_by.queries"), Some(&s("22")));
    assert_eq!(get(r[0], "correlation.table"), Some(&s("orders")));
    assert_eq!(get(r[2], "correlation.blocked_by.queries"), None);

    let mut top =
        logs(&[("service.instance.id", "db1:5432")], vec![pg_top("11", "UPDATE orders SET x = $1", 2.0, 4)]);
    c.process(&mut top);
    let r = records(&top);
    assert_eq!(get(r[0], "correlation.sessions.sampled"), Some(&Value::Int(2)));
    assert_eq!(get(r[0], "correlation.sessions.waiting"), Some(&Value::Int(2)));
    assert_eq!(get(r[0], "correlation.wait_event"), Some(&s("transactionid")));
    assert_eq!(get(r[0], "correlation.blocked_by.pids"), Some(&s("20,30")));
    assert_eq!(get(r[0], "correlation.blocked_by.queries"), Some(&s("22")));
    assert_eq!(get(r[0], "performance.category"), Some(&s("moderate")));
    // Taken by the top query: the next interval starts empty.
    let mut top =
        logs(&[("service.instance.id", "db1:5432")], vec![pg_top("11", "UPDATE orders SET x = $1", 2.0, 4)]);
    c.process(&mut top);
    assert_eq!(get(records(&top)[0], "correlation.sessions.sampled"), None);
}

#[test]
fn mysql_digest_events_match_mysql_table_metrics() {
    let (mut c, _) = correlator(QueryCorrelatorConfig::default());
    let t = |k: &'static str| vec![("schema", s("shop")), ("table", s("orders")), ("kind", s(k))];
    let mut m = metrics(
        &[("db.system.name", "mysql")],
        vec![
            sum("mysql.table.size", vec![(t("data"), 1000.0), (t("index"), 24.0)]),
            sum("mysql.table.rows", vec![(vec![("schema", s("shop")), ("table", s("orders"))], 7.0)]),
        ],
    );
    c.process(&mut m);
    let mut data = logs(
        &[],
        vec![rec(
            TOP,
            &[
                ("db.system.name", s("mysql")),
                ("db.namespace", s("shop")),
                ("db.query.text", s("SELECT * FROM `orders` WHERE id = ?")),
                ("mysql.events_statements_summary_by_digest.digest", s("abc")),
                ("mysql.events_statements_summary_by_digest.count_star", Value::Int(2)),
                ("mysql.events_statements_summary_by_digest.sum_timer_wait", Value::Double(3.0)),
            ],
        )],
    );
    c.process(&mut data);
    let r = records(&data);
    assert_eq!(get(r[0], "correlation.query_id"), Some(&s("abc")));
    assert_eq!(get(r[0], "table.size_bytes"), Some(&Value::Int(1024)));
    assert_eq!(get(r[0], "table.live_tuples"), Some(&Value::Int(7)));
    assert_eq!(get(r[0], "performance.category"), Some(&s("slow")), "1500 ms mean");
    assert_eq!(get(r[0], "query.load_contribution_pct"), Some(&Value::Double(100.0)));
}

/// The prototype's pipeline: `db.query.*` metrics keyed by `queryid`, `db.table.*` by
/// `schemaname.tablename`, one threshold set for both paths.
#[test]
fn prototype_query_metrics_are_correlated() {
    let (mut c, reg) = correlator(QueryCorrelatorConfig::default());
    let q = |id: &str| {
        vec![
            ("queryid", s(id)),
            ("database_name", s("shop")),
            ("query_text", s("SELECT * FROM public.orders WHERE id = $1")),
        ]
    };
    let mut m = metrics(
        &[],
        vec![
            sum(
                "db.table.dead_tuples",
                vec![(vec![("schemaname", s("public")), ("tablename", s("orders"))], 2000.0)],
            ),
            sum("postgresql.backends", vec![(vec![("db.namespace", s("shop"))], 4.0)]),
            sum("db.query.execution_count", vec![(q("7"), 10.0), (q("8"), 1.0)]),
            sum("db.query.total_time", vec![(q("7"), 600.0), (q("8"), 200.0)]),
            Metric {
                name: "db.query.duration".into(),
                description: String::new(),
                unit: "ms".into(),
                data: MetricData::Histogram {
                    points: vec![HistogramDataPoint {
                        attributes: q("8").into_iter().collect(),
                        count: 4,
                        sum: Some(8.0),
                        ..Default::default()
                    }],
                    temporality: Temporality::Delta,
                },
            },
        ],
    );
    c.process(&mut m);
    let r = records(&m);
    // Points: dead tuples, backends, 2 counts, 2 times, 1 histogram.
    let count7 = r[2];
    assert_eq!(get(count7, "correlation.query_id"), Some(&s("7")));
    assert_eq!(get(count7, "performance.category"), Some(&s("fast")), "60 ms");
    assert_eq!(get(count7, "query.load_contribution_pct"), Some(&Value::Double(75.0)));
    assert_eq!(get(count7, "database.active_backends"), Some(&Value::Int(4)));
    assert_eq!(get(count7, "table.needs_vacuum"), Some(&Value::Bool(true)), "no database on db.table.*");
    assert_eq!(get(r[3], "performance.category"), Some(&s("moderate")), "200 ms");
    assert_eq!(get(r[6], "_avg_duration_ms"), Some(&Value::Double(2.0)));
    assert_eq!(get(r[6], "performance.category"), Some(&s("fast")), "the histogram's own mean");
    assert_eq!(get(r[0], "correlation.query_id"), None, "table metrics are not query records");
    assert_eq!(reg.counter_total("dbintel_querycorrelator_correlated_total", &[("signal", "metrics")]), 5);
}

#[test]
fn text_only_records_get_a_fingerprint_and_maintenance_flag() {
    let (mut c, _) = correlator(QueryCorrelatorConfig::default());
    let mut data = logs(
        &[],
        vec![
            rec("", &[("query_text", s("VACUUM ANALYZE orders")), ("avg_duration_ms", Value::Double(60.0))]),
            rec("", &[("query_text", s("SELECT * FROM t WHERE a = 1")), ("avg_duration_ms", s("150"))]),
            rec("", &[("query_text", s("SELECT * FROM t WHERE a = 2"))]),
            rec("", &[("other", s("x"))]),
        ],
    );
    c.process(&mut data);
    let r = records(&data);
    assert_eq!(get(r[0], "query.is_maintenance"), Some(&Value::Bool(true)));
    assert_eq!(
        get(r[0], "performance.category"),
        Some(&s("fast")),
        "60 ms is fast with the one threshold set"
    );
    assert_eq!(get(r[1], "performance.category"), Some(&s("moderate")));
    assert_eq!(get(r[1], "query.is_maintenance"), None);
    let fp = get(r[1], "correlation.query_id").and_then(Value::as_str).expect("fingerprint");
    assert_eq!(fp.len(), 16, "a dbintel-sql fingerprint, not md5");
    assert_eq!(get(r[2], "correlation.query_id").and_then(Value::as_str), Some(fp), "same statement shape");
    assert_eq!(get(r[2], "performance.category"), Some(&s("moderate")), "the query's last known mean");
    assert_eq!(r[3].len(), 1, "nothing to correlate, nothing added");
}

#[test]
fn uncorrelated_batches_are_not_copied() {
    let (mut c, _) = correlator(QueryCorrelatorConfig::default());
    let mut data = logs(&[], vec![rec("x", &[("a", s("b"))])]);
    let keep = data.clone();
    c.process(&mut data);
    assert!(Arc::ptr_eq(&data, &keep));
}

#[test]
fn maps_are_bounded_and_evictions_counted() {
    let cfg = QueryCorrelatorConfig { max_query_count: 3, max_table_count: 2, ..Default::default() };
    let (mut c, reg) = correlator(cfg);
    for i in 0..10 {
        let mut d = logs(&[], vec![pg_top(&i.to_string(), "SELECT 1", 1.0, 1)]);
        c.process(&mut d);
        let name = format!("t{i}");
        let mut m = metrics(
            &[],
            vec![sum(
                "postgresql.table.size",
                vec![(vec![("db.namespace", s("shop|public")), ("db.collection.name", s(&name))], 1.0)],
            )],
        );
        c.process(&mut m);
    }
    // Queries: two keys each (id, fingerprint), 6 slots; tables: two keys each, 4 slots.
    assert_eq!(reg.counter_total("dbintel_querycorrelator_evictions_total", &[("cache", "queries")]), 14);
    assert_eq!(reg.counter_total("dbintel_querycorrelator_evictions_total", &[("cache", "tables")]), 16);
}

#[test]
fn categories_use_one_configurable_threshold_set() {
    let cfg = QueryCorrelatorConfig {
        query_categorization: QueryCategorization {
            slow_query_threshold_ms: 50.0,
            moderate_query_threshold_ms: 10.0,
        },
        ..Default::default()
    };
    let (mut c, _) = correlator(cfg);
    let mut d = logs(
        &[],
        vec![
            rec("", &[("query_id", s("a")), ("mean_time_ms", Value::Double(51.0))]),
            rec("", &[("query_id", s("b")), ("mean_time_ms", Value::Double(50.0))]),
            rec("", &[("query_id", s("c")), ("mean_time_ms", Value::Double(10.0))]),
        ],
    );
    c.process(&mut d);
    let cats: Vec<_> = records(&d).iter().map(|a| get(a, "performance.category").cloned()).collect();
    assert_eq!(cats, vec![Some(s("slow")), Some(s("moderate")), Some(s("fast"))]);
}

#[test]
fn the_prototype_config_loads_and_bad_values_are_named() {
    let f = QueryCorrelatorFactory;
    let proto = serde_json::json!({
        "retention_period": "24h", "cleanup_interval": "1h", "enable_table_correlation": true,
        "enable_database_correlation": true, "max_queries_tracked": 10000,
        "correlation_attributes": {"add_query_category": true, "add_table_stats": true,
            "add_load_contribution": true, "add_maintenance_indicators": true},
        "max_query_count": 10000, "max_table_count": 1000, "max_database_count": 100,
        "query_categorization": {"slow_query_threshold_ms": 1000, "moderate_query_threshold_ms": 100}
    });
    f.validate(&proto).expect("the prototype's config is valid");
    f.validate(&serde_json::Value::Null).expect("defaults are valid");
    let cfg: QueryCorrelatorConfig = parse_component_config(&proto).unwrap();
    assert_eq!(cfg.query_bound(), 10000);
    let bad = serde_json::json!({"retention_period": "1h", "cleanup_interval": "2h"});
    let problems = f.validate(&bad).unwrap_err();
    assert_eq!(problems[0].path, "cleanup_interval");
    let bad = serde_json::json!({"query_categorization": {"slow_query_threshold_ms": 10, "moderate_query_threshold_ms": 100}});
    assert_eq!(f.validate(&bad).unwrap_err()[0].path, "query_categorization.moderate_query_threshold_ms");
    assert!(f.validate(&serde_json::json!({"max_table_count": 0})).is_err());
    assert!(f.validate(&serde_json::json!({"no_such_key": 1})).is_err());
}

/// The component listed in a metrics and a logs pipeline: two instances, one state.
#[test]
fn metrics_and_logs_pipeline_instances_share_one_state() {
    let host = Host::new();
    let reg = Registry::new();
    let id: ComponentId = "querycorrelator/q".parse().unwrap();
    let mut ctx = CreateContext::new(id.clone(), reg.clone());
    ctx.host = host.clone();
    let build = |pipeline: &str| {
        let mut ctx = ctx.clone();
        ctx.pipeline = Some(pipeline.parse().unwrap());
        match QueryCorrelatorFactory.create(&ctx, &serde_json::Value::Null) {
            Ok(Built::Processor(p)) => p,
            _ => panic!("a processor"),
        }
    };
    let mut for_metrics = build("metrics");
    let mut for_logs = build("logs");
    let mut out = Vec::new();
    for_metrics.process(pg_table_metrics_semconv(), &mut out).unwrap();
    for_logs.process(logs(&[], vec![pg_top("5", "SELECT * FROM orders", 1.0, 1)]), &mut out).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(get(records(&out[1])[0], "table.dead_tuples"), Some(&Value::Int(5000)));
    // Another component ID has its own state.
    let mut ctx2 = CreateContext::new("querycorrelator/other".parse().unwrap(), reg);
    ctx2.host = host;
    let Ok(Built::Processor(mut other)) = QueryCorrelatorFactory.create(&ctx2, &serde_json::Value::Null)
    else {
        panic!("a processor")
    };
    let mut out = Vec::new();
    other.process(logs(&[], vec![pg_top("5", "SELECT * FROM orders", 1.0, 1)]), &mut out).unwrap();
    assert_eq!(get(records(&out[0])[0], "table.dead_tuples"), None);
}

fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        ".{0,40}".prop_map(Value::from),
        any::<i64>().prop_map(Value::Int),
        any::<f64>().prop_map(Value::Double),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Str("{1,,2,}".into())),
        Just(Value::Str("SELECT * FROM a JOIN b ON a.x = b.y".into())),
    ]
}

const KEYS: &[&str] = &[
    "db.namespace",
    "db.query.text",
    "postgresql.queryid",
    "postgresql.query_id",
    "postgresql.pid",
    "postgresql.blocking.pids",
    "postgresql.wait_event",
    "postgresql.calls",
    "postgresql.total_exec_time",
    "dbintel.exec_time.mean",
    "dbintel.query.fingerprint",
    "query_text",
    "queryid",
    "avg_duration_ms",
    "db.collection.name",
    "schema",
    "table",
    "state",
    "operation",
    "kind",
];

const NAMES: &[&str] = &[
    "postgresql.table.size",
    "postgresql.rows",
    "postgresql.operations",
    "postgresql.table.vacuum.count",
    "mysql.table.size",
    "db.table.dead_tuples",
    "postgresql.backends",
    "db.query.execution_count",
    "db.query.total_time",
    "db.query.mean_time",
];

proptest! {
    #[test]
    fn no_input_panics(
        recs in proptest::collection::vec(
            (prop_oneof![Just(TOP), Just(SAMPLE), Just("")],
             proptest::collection::vec((0..KEYS.len(), arb_value()), 0..8)), 0..12),
        points in proptest::collection::vec(
            (0..NAMES.len(), any::<f64>(), proptest::collection::vec((0..KEYS.len(), arb_value()), 0..6)), 0..12),
    ) {
        let cfg = QueryCorrelatorConfig { max_query_count: 4, max_table_count: 3, max_session_count: 2, ..Default::default() };
        let (mut c, _) = correlator(cfg);
        let records: Vec<LogRecord> = recs
            .iter()
            .map(|(e, kv)| rec(e, &kv.iter().map(|(k, v)| (KEYS[*k], v.clone())).collect::<Vec<_>>()))
            .collect();
        let ms: Vec<Metric> = points
            .iter()
            .map(|(n, v, kv)| sum(NAMES[*n], vec![(kv.iter().map(|(k, v)| (KEYS[*k], v.clone())).collect(), *v)]))
            .collect();
        for _ in 0..2 {
            let mut m = metrics(&[], ms.clone());
            c.process(&mut m);
            let mut l = logs(&[], records.clone());
            c.process(&mut l);
            for a in self::records(&l) {
                if let Some(Value::Double(p)) = a.get("query.load_contribution_pct") {
                    prop_assert!((0.0..=100.0).contains(p));
                }
            }
        }
    }
}

#[test]
fn times_that_overflow_in_milliseconds_give_no_load_share() {
    // 1e308 s is finite, 1e311 ms is not: inf / inf must not become a NaN share.
    let (mut c, _) = correlator(QueryCorrelatorConfig::default());
    let mut l = logs(
        &[],
        vec![rec(
            TOP,
            &[
                ("db.query.text", Value::from("SELECT 1")),
                ("postgresql.total_exec_time", Value::Double(1e308)),
            ],
        )],
    );
    c.process(&mut l);
    for a in records(&l) {
        assert_eq!(a.get("query.load_contribution_pct"), None);
    }
}

#[test]
fn names_read_by_position_follow_records_whose_names_move() {
    // The position cache must not carry a role over to another name at the same position: the
    // same query id and database in three name orders (ours, the legacy names, shuffled).
    let (mut c, _) = correlator(QueryCorrelatorConfig::default());
    let a = rec(
        TOP,
        &[("db.namespace", s("shop")), ("postgresql.queryid", s("42")), ("db.query.text", s("SELECT 1"))],
    );
    let b = rec(TOP, &[("database_name", s("shop")), ("query_id", s("42")), ("query_text", s("SELECT 1"))]);
    let d = rec(
        TOP,
        &[("db.query.text", s("SELECT 1")), ("db.namespace", s("shop")), ("postgresql.queryid", s("42"))],
    );
    let mut l = logs(&[], vec![a, b, d]);
    c.process(&mut l);
    for r in records(&l) {
        assert_eq!(get(r, "correlation.query_id"), Some(&s("42")), "{r:?}");
        assert_eq!(get(r, "correlation.database"), Some(&s("shop")), "{r:?}");
    }
}

#[test]
fn a_top_query_text_corrects_facts_first_learnt_from_a_sample() {
    // Seen in a trial: the session sent `SET ...; SELECT pg_sleep(12)`; its sample came first and
    // the query's statement type was SET. The top query's normalized text wins.
    let (mut c, _) = correlator(QueryCorrelatorConfig::default());
    let sample = rec(
        SAMPLE,
        &[
            ("db.namespace", s("shop")),
            ("postgresql.query_id", Value::Int(77)),
            ("db.query.text", s("set application_name = ?; select pg_sleep(?)")),
            ("postgresql.pid", Value::Int(4242)),
        ],
    );
    let top = rec(
        TOP,
        &[
            ("db.namespace", s("shop")),
            ("postgresql.queryid", s("77")),
            ("db.query.text", s("select pg_sleep(?)")),
        ],
    );
    let mut l = logs(&[], vec![sample]);
    c.process(&mut l);
    let mut l = logs(&[], vec![top]);
    c.process(&mut l);
    let r = records(&l);
    assert_eq!(get(r[0], "correlation.statement_type"), Some(&s("SELECT")));
}

/// Active-session-history events (`db.ash.sample`) are joined like query samples: their waits and
/// blockers reach the top query with the same id, and they are not counted as top queries.
#[test]
fn ash_samples_join_like_query_samples() {
    let (mut c, _) = correlator(QueryCorrelatorConfig::default());
    let mut round = logs(
        &[("service.instance.id", "db1:5432")],
        vec![
            rec(
                "db.ash.sample",
                &[
                    ("db.namespace", s("shop")),
                    ("db.query.text", s("UPDATE orders SET x = ? WHERE id = ?")),
                    ("postgresql.pid", Value::Int(10)),
                    ("postgresql.query_id", s("11")),
                    ("postgresql.wait_event", s("transactionid")),
                    ("postgresql.blocking.pids", s("{20}")),
                ],
            ),
            rec(
                "db.ash.sample",
                &[
                    ("db.namespace", s("shop")),
                    ("db.query.text", s("DELETE FROM orders WHERE id = ?")),
                    ("postgresql.pid", Value::Int(20)),
                    ("postgresql.query_id", s("22")),
                    ("postgresql.wait_event", s("ClientRead")),
                    ("postgresql.blocking.pids", s("{}")),
                ],
            ),
        ],
    );
    c.process(&mut round);
    assert_eq!(get(records(&round)[0], "correlation.blocked_by.queries"), Some(&s("22")));
    let mut top =
        logs(&[("service.instance.id", "db1:5432")], vec![pg_top("11", "UPDATE orders SET x = $1", 2.0, 4)]);
    c.process(&mut top);
    let r = records(&top);
    assert_eq!(get(r[0], "correlation.sessions.sampled"), Some(&Value::Int(1)));
    assert_eq!(get(r[0], "correlation.wait_event"), Some(&s("transactionid")));
    assert_eq!(get(r[0], "correlation.blocked_by.pids"), Some(&s("20")));
}
