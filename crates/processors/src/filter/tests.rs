use std::sync::Arc;

use dbintel_core::component::{Built, CreateContext};
use dbintel_core::pdata::{
    Attributes, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, Resource,
    ResourceLogs, ResourceMetrics, ScopeLogs, ScopeMetrics, SeverityNumber, SignalData, Value,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, Factory, Processor};
use serde_json::json;

use super::*;

fn build(cfg: serde_json::Value) -> (Box<dyn Processor>, Registry) {
    let reg = Registry::new();
    let ctx = CreateContext::new(ComponentId::new("filter", None), reg.clone());
    match FilterFactory.create(&ctx, &cfg) {
        Ok(Built::Processor(p)) => (p, reg),
        Ok(_) => panic!("not a processor"),
        Err(p) => panic!("{p:?}"),
    }
}

fn rec(sev: i32, text: &str, body: &str, attrs: &[(&'static str, Value)]) -> LogRecord {
    LogRecord {
        severity_number: SeverityNumber(sev),
        severity_text: text.into(),
        body: Some(Value::from(body)),
        attributes: attrs.iter().cloned().collect(),
        ..Default::default()
    }
}

/// Two resources (host.name h1 and banned_host_2), each with the given records.
fn logs(records: Vec<LogRecord>) -> Arc<SignalData> {
    let rl = |host: &str| ResourceLogs {
        resource: Resource { attributes: Attributes::from_iter([("host.name", host)]) },
        scope_logs: vec![ScopeLogs { log_records: records.clone(), ..Default::default() }],
        ..Default::default()
    };
    Arc::new(SignalData::Logs(Logs {
        resource_logs: vec![rl("just_this_one_hostname"), rl("banned_host_2")],
    }))
}

/// (host, body) of every record left.
fn left(out: &[Arc<SignalData>]) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for d in out {
        let SignalData::Logs(l) = &**d else { panic!() };
        for rl in &l.resource_logs {
            assert!(!rl.scope_logs.is_empty(), "empty resources are removed");
            let host =
                rl.resource.attributes.get("host.name").map(Value::to_display_string).unwrap_or_default();
            for sl in &rl.scope_logs {
                assert!(!sl.log_records.is_empty(), "empty scopes are removed");
                for r in &sl.log_records {
                    v.push((host.clone(), r.body.as_ref().map(Value::to_display_string).unwrap_or_default()));
                }
            }
        }
    }
    v
}

fn sample() -> Vec<LogRecord> {
    vec![
        rec(5, "DEBUG", "debug line", &[]),
        rec(13, "WARN", "my password is x", &[("http.target", Value::from("/health"))]),
        rec(17, "ERROR", "boom", &[("db.name", Value::from("template0"))]),
        rec(0, "", "no severity", &[]),
    ]
}

/// The Collector filter README's OTTL log example.
#[test]
fn golden_readme_ottl_logs() {
    let (mut p, reg) = build(json!({
        "error_mode": "ignore",
        "logs": {"log_record": [
            "IsMatch(body, \".*password.*\")",
            "severity_number < SEVERITY_NUMBER_WARN"
        ]}
    }));
    let mut out = Vec::new();
    p.process(logs(sample()), &mut out).unwrap_or_else(|e| panic!("{e}"));
    let bodies: Vec<String> = left(&out).into_iter().map(|(_, b)| b).collect();
    // `no severity` has number 0 < WARN: dropped too, as in the Collector.
    assert_eq!(bodies, ["boom", "boom"]);
    assert_eq!(reg.counter_total("dbintel_filter_dropped_total", &[("signal", "logs")]), 6);
}

/// The README's legacy logs example: include a host strictly, exclude banned hosts by regexp.
#[test]
fn golden_readme_legacy_logs() {
    let (mut p, _) = build(json!({"logs": {
        "include": {"match_type": "strict", "resource_attributes": [{"key": "host.name", "value": "just_this_one_hostname"}]},
        "exclude": {"match_type": "regexp", "resource_attributes": [{"key": "host.name", "value": "banned_host_.*"}]}
    }}));
    let mut out = Vec::new();
    p.process(logs(sample()), &mut out).unwrap_or_else(|e| panic!("{e}"));
    let hosts: Vec<String> = left(&out).into_iter().map(|(h, _)| h).collect();
    assert_eq!(hosts, vec!["just_this_one_hostname".to_string(); 4]);
}

/// The README's severity example and the other legacy log properties.
#[test]
fn legacy_severity_bodies_texts_and_record_attributes() {
    let run = |cfg: serde_json::Value| {
        let (mut p, _) = build(json!({ "logs": cfg }));
        let mut out = Vec::new();
        p.process(logs(sample()), &mut out).unwrap_or_else(|e| panic!("{e}"));
        // The first resource's records (both resources hold the same).
        left(&out)
            .into_iter()
            .filter(|(h, _)| h == "just_this_one_hostname")
            .map(|(_, b)| b)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        run(
            json!({"exclude": {"match_type": "strict", "severity_number": {"min": "INFO", "match_undefined": true}}})
        ),
        ["debug line"]
    );
    assert_eq!(
        run(json!({"exclude": {"match_type": "strict", "severity_number": {"min": "warn"}}})),
        ["debug line", "no severity"]
    );
    assert_eq!(
        run(json!({"include": {"match_type": "regexp", "severity_texts": ["^WA", "ERR"]}})),
        ["my password is x", "boom"]
    );
    assert_eq!(
        run(json!({"exclude": {"match_type": "regexp", "bodies": ["pass"]}})),
        ["debug line", "boom", "no severity"]
    );
    assert_eq!(
        run(
            json!({"exclude": {"match_type": "strict", "record_attributes": [{"key": "db.name", "value": "template0"}]}})
        ),
        ["debug line", "my password is x", "no severity"]
    );
    // Every property given must match.
    assert_eq!(
        run(
            json!({"exclude": {"match_type": "strict", "severity_texts": ["ERROR"], "bodies": ["not boom"]}})
        )
        .len(),
        4
    );
    // A key without a value matches on presence.
    assert_eq!(run(json!({"exclude": {"record_attributes": [{"key": "http.target"}]}})).len(), 3);
}

fn metric(name: &str, points: &[(i64, &str)]) -> Metric {
    Metric {
        name: name.into(),
        description: String::new(),
        unit: String::new(),
        data: MetricData::Gauge(
            points
                .iter()
                .map(|(v, db)| NumberDataPoint {
                    attributes: Attributes::from_iter([("db", *db)]),
                    start_time_unix_nano: 0,
                    time_unix_nano: 1,
                    value: NumberValue::Int(*v),
                    flags: 0,
                })
                .collect(),
        ),
    }
}

fn metrics(service: &str, ms: Vec<Metric>) -> Arc<SignalData> {
    Arc::new(SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource {
                attributes: Attributes::from_iter([
                    ("service.name", service),
                    ("container.name", "app_container_1"),
                ]),
            },
            scope_metrics: vec![ScopeMetrics { metrics: ms, ..Default::default() }],
            ..Default::default()
        }],
    }))
}

/// (metric, point count) left.
fn metric_names(out: &[Arc<SignalData>]) -> Vec<(String, usize)> {
    out.iter()
        .flat_map(|d| match &**d {
            SignalData::Metrics(m) => m
                .resource_metrics
                .iter()
                .flat_map(|r| &r.scope_metrics)
                .flat_map(|s| &s.metrics)
                .map(|m| (m.name.clone(), m.data.point_count()))
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .collect()
}

/// The README's OTTL metrics example.
#[test]
fn golden_readme_ottl_metrics() {
    let (mut p, reg) = build(json!({"metrics": {
        "metric": ["name == \"my.metric\" and resource.attributes[\"my_label\"] == \"abc123\"", "type == METRIC_DATA_TYPE_HISTOGRAM"],
        "datapoint": ["metric.type == METRIC_DATA_TYPE_SUMMARY", "resource.attributes[\"service.name\"] == \"my_service_name\"",
                      "attributes[\"db\"] == \"template0\""]
    }}));
    let mut out = Vec::new();
    let data = metrics(
        "svc",
        vec![metric("my.metric", &[(1, "a")]), metric("db.size", &[(1, "postgres"), (2, "template0")])],
    );
    p.process(data, &mut out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(metric_names(&out), [("my.metric".to_string(), 1), ("db.size".to_string(), 1)]);
    assert_eq!(reg.counter_total("dbintel_filter_dropped_total", &[("signal", "metrics")]), 1);
    // Everything dropped: nothing is sent on.
    let mut out = Vec::new();
    p.process(metrics("my_service_name", vec![metric("x", &[(1, "a")])]), &mut out)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.is_empty());
}

/// The README's legacy metrics example.
#[test]
fn golden_readme_legacy_metrics() {
    let (mut p, _) = build(json!({"metrics": {
        "include": {"match_type": "regexp", "metric_names": ["prefix/.*", "prefix_.*"],
                    "resource_attributes": [{"key": "container.name", "value": "app_container_1"}]},
        "exclude": {"match_type": "strict", "metric_names": ["prefix_hello_world", "hello/world"]}
    }}));
    let mut out = Vec::new();
    let data = metrics(
        "svc",
        vec![
            metric("prefix/a", &[(1, "a")]),
            metric("prefix_hello_world", &[(1, "a")]),
            metric("other", &[(1, "a")]),
        ],
    );
    p.process(data, &mut out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(metric_names(&out), [("prefix/a".to_string(), 1)]);
}

#[test]
fn metric_context_helpers_and_whole_metric_drops() {
    let (mut p, _) = build(json!({"metrics": {"metric": ["HasAttrOnDatapoint(\"db\", \"template1\")"]}}));
    let mut out = Vec::new();
    p.process(
        metrics("s", vec![metric("a", &[(1, "x"), (2, "template1")]), metric("b", &[(1, "x")])]),
        &mut out,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(metric_names(&out), [("b".to_string(), 1)]);
}

#[test]
fn error_mode_ignore_keeps_the_record_propagate_fails_the_batch() {
    let cond = json!({"log_record": ["attributes[\"n\"] / 0 == 1"]});
    let (mut p, reg) = build(json!({"error_mode": "ignore", "logs": cond}));
    let mut out = Vec::new();
    p.process(logs(vec![rec(9, "INFO", "b", &[("n", Value::Int(1))])]), &mut out)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(left(&out).len(), 2);
    assert_eq!(reg.counter_total("dbintel_filter_errors_total", &[]), 2);
    let (mut p, _) = build(json!({"logs": cond}));
    assert!(p.process(logs(vec![rec(9, "INFO", "b", &[("n", Value::Int(1))])]), &mut Vec::new()).is_err());
}

#[test]
fn bad_configs_name_the_key() {
    let cases = [
        (
            json!({"logs": {"log_record": ["true", "Nope(body)"]}}),
            "logs.log_record[1]",
            "unsupported function `Nope`",
        ),
        (json!({"metrics": {"datapoint": ["name == \"x\""]}}), "metrics.datapoint[0]", "write metric.name"),
        (json!({"logs": {"log_record": ["true"], "exclude": {"bodies": ["x"]}}}), "logs", "not both"),
        (
            json!({"metrics": {"exclude": {"match_type": "expr", "expressions": ["x"]}}}),
            "metrics.exclude.expressions",
            "not supported",
        ),
        (
            json!({"metrics": {"exclude": {"match_type": "regexp", "metric_names": ["("]}}}),
            "metrics.exclude.metric_names[0]",
            "invalid regexp",
        ),
        (
            json!({"logs": {"include": {"severity_number": {"min": "LOUD"}}}}),
            "logs.include.severity_number.min",
            "severity name",
        ),
    ];
    for (cfg, key, msg) in cases {
        let Err(p) = FilterFactory.validate(&cfg) else { panic!("{cfg} must fail") };
        assert_eq!(p[0].path, key, "{cfg}: {p:?}");
        assert!(p[0].message.contains(msg), "{cfg}: {p:?}");
    }
    assert!(
        FilterFactory
            .validate(&json!({"metrics": {"exclude": {"metric_names": ["a"], "attributes": []}}}))
            .is_err()
    );
    assert!(FilterFactory.validate(&json!({"traces": {"span": ["true"]}})).is_ok());
    assert!(FilterFactory.validate(&serde_json::Value::Null).is_ok());
}

#[test]
fn an_idle_filter_passes_the_batch_untouched() {
    let (mut p, _) = build(json!({}));
    let data = logs(sample());
    let mut out = Vec::new();
    p.process(Arc::clone(&data), &mut out).unwrap_or_else(|e| panic!("{e}"));
    assert!(Arc::ptr_eq(&data, &out[0]));
}

/// A batch shared with another pipeline: nothing dropped passes the same allocation on (no copy);
/// something dropped gives a new batch of the kept records only, and the other holder's batch is
/// unchanged. The outcome is the same as for an owned batch.
#[test]
fn a_shared_batch_is_copied_only_when_something_is_dropped_and_only_what_stays() {
    let cfg = json!({"logs": {"log_record": ["IsMatch(body, \"password\")"]},
                     "metrics": {"metric": ["name == \"gone\""], "datapoint": ["attributes[\"db\"] == \"template0\""]}});
    let (mut p, reg) = build(cfg.clone());
    // Logs, nothing matches: the very same batch goes on.
    let data = logs(vec![rec(9, "INFO", "fine", &[])]);
    let mut out = Vec::new();
    p.process(Arc::clone(&data), &mut out).unwrap_or_else(|e| panic!("{e}"));
    assert!(Arc::ptr_eq(&data, &out[0]));
    // Logs, one of four per resource dropped: a new batch, the shared one untouched.
    let data = logs(sample());
    let mut out = Vec::new();
    p.process(Arc::clone(&data), &mut out).unwrap_or_else(|e| panic!("{e}"));
    assert!(!Arc::ptr_eq(&data, &out[0]));
    assert_eq!(left(&out).len(), 6);
    assert!(left(&out).iter().all(|(_, body)| !body.contains("password")));
    assert_eq!(left(&[Arc::clone(&data)]).len(), 8);
    assert_eq!(reg.counter_total("dbintel_filter_dropped_total", &[("signal", "logs")]), 2);
    // The same batch owned gives the same records.
    let (mut owned, _) = build(cfg.clone());
    let mut owned_out = Vec::new();
    owned.process(logs(sample()), &mut owned_out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(left(&owned_out), left(&out));
    // Everything dropped: nothing sent on.
    let data = logs(vec![rec(9, "INFO", "password", &[])]);
    let mut out = Vec::new();
    p.process(Arc::clone(&data), &mut out).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.is_empty());

    // Metrics: nothing matches, the same batch; a whole metric and one point dropped, a copy.
    let keep_all = metrics("s", vec![metric("a", &[(1, "x")])]);
    let mut out = Vec::new();
    p.process(Arc::clone(&keep_all), &mut out).unwrap_or_else(|e| panic!("{e}"));
    assert!(Arc::ptr_eq(&keep_all, &out[0]));
    let mixed = || {
        metrics(
            "s",
            vec![
                metric("gone", &[(1, "x")]),
                metric("db.size", &[(1, "postgres"), (2, "template0"), (3, "app")]),
                metric("only.template", &[(1, "template0")]),
                metric("empty", &[]),
            ],
        )
    };
    let data = mixed();
    let mut out = Vec::new();
    p.process(Arc::clone(&data), &mut out).unwrap_or_else(|e| panic!("{e}"));
    let want = [("db.size".to_string(), 2), ("empty".to_string(), 0)];
    assert_eq!(metric_names(&out), want);
    assert_eq!(metric_names(&[Arc::clone(&data)]).len(), 4, "the shared batch is unchanged");
    let SignalData::Metrics(m) = &*out[0] else { panic!() };
    let MetricData::Gauge(points) = &m.resource_metrics[0].scope_metrics[0].metrics[0].data else { panic!() };
    assert_eq!(
        points.iter().map(|p| p.value).collect::<Vec<_>>(),
        [NumberValue::Int(1), NumberValue::Int(3)]
    );
    let (mut owned, _) = build(cfg);
    let mut owned_out = Vec::new();
    owned.process(mixed(), &mut owned_out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(metric_names(&owned_out), want);
}

/// `traces.span` drops spans, `traces.spanevent` drops events (spans stay); ids read as hex
/// strings, status and kind by their enums, `span.*` from an event; a shared batch is not changed.
#[test]
fn spans_and_span_events_are_dropped_by_ottl_conditions() {
    use dbintel_core::pdata::{SpanEvent, SpanKind, SpanStatus, StatusCode};
    let (mut p, reg) = build(json!({"traces": {
        "span": [
            "name == \"healthcheck\"",
            "status.code == STATUS_CODE_ERROR and kind == SPAN_KIND_INTERNAL",
            "trace_id.string == \"ffffffffffffffffffffffffffffffff\"",
            "resource.attributes[\"service.name\"] == \"noise\"",
        ],
        "spanevent": ["name == \"debug\" and span.attributes[\"db.system.name\"] == \"postgresql\""],
    }}));
    let mut internal_error = crate::test_util::span("work", 2, &[]);
    internal_error.kind = SpanKind::INTERNAL;
    internal_error.status = Some(SpanStatus { code: StatusCode::ERROR, message: String::new() });
    let mut client_error = internal_error.clone();
    client_error.kind = SpanKind::CLIENT;
    let mut with_events =
        crate::test_util::span("SELECT", 3, &[("db.system.name", Value::from("postgresql"))]);
    with_events.events = ["debug", "exception", "debug"]
        .iter()
        .map(|n| SpanEvent { name: (*n).into(), ..Default::default() })
        .collect();
    let mut all_f = crate::test_util::span("x", 4, &[]);
    all_f.trace_id = vec![0xff; 16];
    let batch = crate::test_util::traces(vec![
        crate::test_util::span("healthcheck", 1, &[]),
        internal_error,
        client_error,
        with_events,
        all_f,
    ]);
    let other_pipeline = batch.clone();
    let mut out = Vec::new();
    p.process(batch, &mut out).expect("process");
    let kept = crate::test_util::kept_spans(&out);
    let names: Vec<&str> = kept.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["work", "SELECT"]);
    assert_eq!(kept[0].kind, SpanKind::CLIENT);
    let events: Vec<&str> = kept[1].events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(events, ["exception"]);
    assert_eq!(crate::test_util::kept_spans(&[other_pipeline]).len(), 5, "the shared batch is unchanged");
    assert_eq!(reg.counter_total("dbintel_filter_dropped_total", &[("signal", "traces")]), 3);
    // A batch left empty is not sent on.
    let mut out = Vec::new();
    p.process(crate::test_util::traces(vec![crate::test_util::span("healthcheck", 1, &[])]), &mut out)
        .unwrap();
    assert!(out.is_empty());
}

#[test]
fn span_paths_outside_the_subset_and_legacy_spans_mixed_with_ottl_are_config_errors() {
    let problems = |v: serde_json::Value| {
        let c: FilterConfig = dbintel_core::parse_component_config(&v).expect("parses");
        FilterFactory.check(&c)
    };
    // `events` and `links` read as lists; `start_time` (a time value) is outside the subset.
    assert!(
        problems(json!({"traces": {"span": ["Len(links) > 0", "events[0][\"name\"] == \"x\""]}})).is_empty()
    );
    let p = problems(json!({"traces": {"span": ["start_time == nil"]}}));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "traces.span[0]");
    assert!(p[0].message.contains("not a path of the `span` context"), "{}", p[0].message);
    let p = problems(json!({"traces": {"spanevent": ["severity_text == \"x\""]}}));
    assert!(p[0].message.contains("`spanevent` context"), "{}", p[0].message);
    // Legacy spans load; mixed with OTTL for spans they are refused, as in the Collector
    // (contrib's config_ottl.yaml `filter/spans_mix_config`).
    assert!(
        problems(json!({"spans": {"include": {"match_type": "strict", "span_names": ["a"]}}})).is_empty()
    );
    let p = problems(json!({"spans": {"include": {"match_type": "strict", "services": ["test"]}},
                            "traces": {"span": ["attributes[\"test\"] == \"pass\""]}}));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "spans");
    assert!(p[0].message.contains("not both"), "{}", p[0].message);
    let p = problems(json!({"spans": {"exclude": {"span_names": ["a"]}}}));
    assert_eq!(p[0].path, "spans.exclude.match_type", "{p:?}");
    assert!(problems(json!({"traces": {"span": ["attributes[\"http.route\"] == \"/health\"", "IsMatch(name, \"^GET\")"]}})).is_empty());
}

/// The legacy `spans` block (contrib's filterprocessor testdata `config_traces.yaml` and README):
/// include keeps only matching spans, then exclude drops matching ones; services read the
/// resource's `service.name`, attributes match by regexp.
#[test]
fn legacy_spans_include_then_exclude() {
    let (mut p, reg) = build(json!({"spans": {
        "include": {"match_type": "regexp", "services": ["check.*"],
                    "attributes": [{"key": "should_include", "value": "(true|probably_true)"}]},
        "exclude": {"match_type": "strict", "span_names": ["drop me"]},
    }}));
    let yes = || Value::from("probably_true");
    let batch = crate::test_util::traces(vec![
        crate::test_util::span("kept", 1, &[("should_include", yes())]),
        crate::test_util::span("no attribute", 2, &[]),
        crate::test_util::span("drop me", 3, &[("should_include", yes())]),
        crate::test_util::span("wrong value", 4, &[("should_include", Value::from("false"))]),
    ]);
    let mut out = Vec::new();
    p.process(batch, &mut out).expect("process");
    let names: Vec<String> = crate::test_util::kept_spans(&out).into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["kept"]);
    assert_eq!(reg.counter_total("dbintel_filter_dropped_total", &[("signal", "traces")]), 3);
    // A service that include does not name: everything goes (the test batch is `checkout`).
    let (mut p, _) = build(json!({"spans": {"include": {"match_type": "strict", "services": ["test"]}}}));
    let mut out = Vec::new();
    p.process(crate::test_util::traces(vec![crate::test_util::span("a", 1, &[])]), &mut out).unwrap();
    assert!(out.is_empty());
}

/// contrib's filterprocessor testdata `filter/empty` blocks (config_strict, config_expr,
/// config_logs_*): they load. An empty metrics block filters nothing; an empty logs `include`
/// keeps every record and an empty `exclude` drops every record, as contrib's filterlog; the
/// empty exclude and the empty metrics blocks are named by warnings.
#[test]
fn empty_legacy_blocks_behave_as_the_collectors() {
    for cfg in [
        json!({"metrics": {"include": {"match_type": "strict"}}}),
        json!({"metrics": {"include": {"match_type": "expr"}}}),
        json!({"logs": {"include": {"match_type": "regexp"}}}),
    ] {
        let (mut p, _) = build(cfg.clone());
        let mut out = Vec::new();
        let data = logs(sample());
        p.process(Arc::clone(&data), &mut out).unwrap();
        assert!(Arc::ptr_eq(&data, &out[0]), "{cfg}: nothing dropped");
    }
    let metrics_noop = json!({"metrics": {"include": {"match_type": "strict"}}});
    let w: Vec<String> = FilterFactory.warnings(&metrics_noop).into_iter().map(|w| w.path).collect();
    assert_eq!(w, ["metrics.include"]);
    let exclude_all = json!({"logs": {"exclude": {"match_type": "strict"}}});
    let (mut p, _) = build(exclude_all.clone());
    let mut out = Vec::new();
    p.process(logs(sample()), &mut out).unwrap();
    assert!(out.is_empty(), "an empty exclude drops every record");
    let w: Vec<String> = FilterFactory.warnings(&exclude_all).into_iter().map(|w| w.message).collect();
    assert!(w[0].contains("all logs are dropped"), "{w:?}");
}
