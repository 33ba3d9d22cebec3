use std::sync::Arc;

use dbintel_core::pdata::{
    Attributes, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, Resource,
    ResourceLogs, ResourceMetrics, ScopeLogs, ScopeMetrics, SignalData, Value,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, Factory, Processor};
use serde_json::json;

use super::*;

/// What loading one statement of the prototype's configs gives: `ok` or the error's message.
pub fn outcome(processor: &str, signal: &str, context: &str, text: &str) -> String {
    let cfg = match processor {
        "transform" => {
            let key = if signal == "log" { "log_statements" } else { "metric_statements" };
            let entry = if context.is_empty() {
                json!(text)
            } else {
                json!({"context": context, "statements": [text]})
            };
            let v = json!({ key: [entry] });
            match TransformFactory.validate(&v) {
                Ok(()) => return "ok".into(),
                Err(p) => return p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "),
            }
        }
        _ => json!({ signal: { context: [text] } }),
    };
    match crate::filter::FilterFactory.validate(&cfg) {
        Ok(()) => "ok".into(),
        Err(p) => p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "),
    }
}

#[test]
#[ignore = "prints the outcomes, to review the golden table"]
fn print_prototype_outcomes() {
    for line in include_str!("testdata/prototype.tsv").lines() {
        let f: Vec<&str> = line.split('\t').collect();
        println!("{}\t{}", f[..4].join("\t"), outcome(f[0], f[1], f[2], f[3]));
    }
}

/// Every transform and filter statement of the prototype's configs (`testdata/prototype.tsv`,
/// extracted from its YAML): it loads, or fails with the expected error (an unsupported function by
/// name, a syntax error where OTTL has no such syntax, a path or context OTTL does not have). The
/// ones that load also run on a record without error-mode failures turning into panics.
#[test]
fn the_prototypes_statements_load_or_fail_by_name() {
    let mut ok = 0;
    for (n, line) in include_str!("testdata/prototype.tsv").lines().enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "line {n}");
        let got = outcome(f[0], f[1], f[2], f[3]);
        if f[4] == "ok" {
            assert_eq!(got, "ok", "line {n}: {}", f[3]);
            ok += 1;
        } else {
            assert!(got.contains(f[4]), "line {n}: {}\n  want {}\n  got {got}", f[3], f[4]);
            // The error names the statement by index and text.
            assert!(got.contains(f[3]) || f[4].contains("not a context"), "line {n}: {got}");
        }
    }
    assert_eq!(ok, 177);
}

fn factory_build(cfg: serde_json::Value) -> (Box<dyn Processor>, Registry) {
    let reg = Registry::new();
    let ctx = dbintel_core::component::CreateContext::new(ComponentId::new("transform", None), reg.clone());
    match TransformFactory.create(&ctx, &cfg) {
        Ok(dbintel_core::component::Built::Processor(p)) => (p, reg),
        Ok(_) => panic!("not a processor"),
        Err(p) => panic!("{p:?}"),
    }
}

fn one_log(
    resource: &[(&'static str, Value)],
    attrs: &[(&'static str, Value)],
    body: Option<Value>,
) -> Arc<SignalData> {
    Arc::new(SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            resource: Resource { attributes: resource.iter().cloned().collect() },
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    attributes: attrs.iter().cloned().collect(),
                    body,
                    severity_text: "INFO".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }))
}

fn first_log(out: &[Arc<SignalData>]) -> (Resource, LogRecord) {
    let SignalData::Logs(l) = &*out[0] else { panic!("not logs") };
    (l.resource_logs[0].resource.clone(), l.resource_logs[0].scope_logs[0].log_records[0].clone())
}

/// The Collector transform README's log example (group form).
#[test]
fn golden_readme_log_example() {
    let (mut p, reg) = factory_build(json!({
        "error_mode": "ignore",
        "log_statements": [
            {"context": "resource", "statements": [
                "keep_keys(attributes, [\"service.name\", \"service.namespace\", \"cloud.region\"])"]},
            {"context": "log", "statements": [
                "set(severity_text, \"FAIL\") where body == \"request failed\"",
                "replace_all_matches(attributes, \"/user/*/list/*\", \"/user/{userId}/list/{listId}\")",
                "replace_all_patterns(attributes, \"value\", \"/account/\\\\d{4}\", \"/account/{accountId}\")",
                "set(body, attributes[\"http.route\"])"]}
        ]
    }));
    let data = one_log(
        &[("service.name", "svc".into()), ("host.name", "h1".into())],
        &[
            ("http.route", Value::from("/user/12/list/34")),
            ("http.url", Value::from("/account/1234/balance")),
        ],
        Some(Value::from("request failed")),
    );
    let mut out = Vec::new();
    p.process(data, &mut out).unwrap_or_else(|e| panic!("{e}"));
    let (res, rec) = first_log(&out);
    assert_eq!(res.attributes, Attributes::from_iter([("service.name", "svc")]));
    assert_eq!(rec.severity_text, "FAIL");
    assert_eq!(rec.attributes.get("http.route"), Some(&Value::from("/user/{userId}/list/{listId}")));
    assert_eq!(rec.attributes.get("http.url"), Some(&Value::from("/account/{accountId}/balance")));
    assert_eq!(rec.body, Some(Value::from("/user/{userId}/list/{listId}")));
    assert_eq!(reg.counter_total("dbintel_transform_statements_applied_total", &[]), 5);
}

/// The Collector transform README's "Parsing JSON logs" example (ParseJSON into `log.cache`), and
/// its `replace_pattern` with a hash function from the ottlfuncs README, named arguments included.
#[test]
fn golden_readme_parse_json_and_hash_function() {
    let (mut p, _) = factory_build(json!({
        "log_statements": [{"statements": [
            "merge_maps(log.cache, ParseJSON(log.body), \"upsert\") where IsMatch(log.body, \"^\\\\{\")",
            "set(log.attributes[\"attr1\"], log.cache[\"attr1\"])",
            "set(log.attributes[\"attr2\"], log.cache[\"attr2\"])",
            "set(log.attributes[\"nested.attr3\"], log.cache[\"nested\"][\"attr3\"])",
            "replace_pattern(log.attributes[\"cmd\"], \"password\\\\=[^\\\\s]*(\\\\s?)\", \"password=***\")",
            "replace_pattern(log.attributes[\"user\"], \"^(.*)$\", \"$1\", function = SHA256, replacement_format = \"user-%s\")"
        ]}]
    }));
    let body = r#"{"name": "log", "attr1": "foo", "attr2": "bar", "nested": {"attr3": "example"}}"#;
    let data = one_log(
        &[],
        &[("cmd", Value::from("run password=secret1 --fast")), ("user", Value::from("ID"))],
        Some(Value::from(body)),
    );
    let mut out = Vec::new();
    p.process(data, &mut out).unwrap_or_else(|e| panic!("{e}"));
    let (_, rec) = first_log(&out);
    assert_eq!(rec.attributes.get("attr1"), Some(&Value::from("foo")));
    assert_eq!(rec.attributes.get("attr2"), Some(&Value::from("bar")));
    assert_eq!(rec.attributes.get("nested.attr3"), Some(&Value::from("example")));
    assert_eq!(rec.attributes.get("cmd"), Some(&Value::from("run password=***--fast")));
    // sha256("ID"), from `printf ID | sha256sum`.
    assert_eq!(
        rec.attributes.get("user"),
        Some(&Value::from("user-3843971dcfdee5083e6289e1bbdbb003e538b5a8a668fc43ae4f19d415ac18a2"))
    );
    // A body that is not JSON is left alone by the `where`.
    let mut out = Vec::new();
    p.process(one_log(&[], &[], Some(Value::from("plain text"))), &mut out).unwrap_or_else(|e| panic!("{e}"));
    assert!(first_log(&out).1.attributes.get("attr1").is_none());
}

/// The same README example in the flat form (context from the path prefixes).
#[test]
fn golden_readme_flat_form() {
    let (mut p, _) = factory_build(json!({
        "log_statements": [
            "keep_keys(resource.attributes, [\"service.name\"])",
            "set(log.severity_text, \"FAIL\") where log.body == \"request failed\"",
            "set(log.attributes[\"svc\"], resource.attributes[\"service.name\"])"
        ]
    }));
    let mut out = Vec::new();
    let data = one_log(
        &[("service.name", "svc".into()), ("x", 1i64.into())],
        &[],
        Some(Value::from("request failed")),
    );
    p.process(data, &mut out).unwrap_or_else(|e| panic!("{e}"));
    let (res, rec) = first_log(&out);
    assert_eq!(res.attributes.len(), 1);
    assert_eq!(rec.severity_text, "FAIL");
    assert_eq!(rec.attributes.get("svc"), Some(&Value::from("svc")));
}

/// The README's metric example: the functions this subset lacks are named, with the statement.
#[test]
fn golden_readme_metric_example_names_what_is_missing() {
    let cfg = json!({
        "error_mode": "ignore",
        "metric_statements": [
            {"context": "resource", "statements": ["keep_keys(attributes, [\"host.name\"])", "truncate_all(attributes, 4096)"]},
            {"context": "metric", "statements": [
                "set(description, \"Sum\") where type == METRIC_DATA_TYPE_SUM",
                "convert_sum_to_gauge() where name == \"system.processes.count\"",
                "aggregate_on_attributes(\"sum\") where name == \"system.memory.usage\""]},
            {"context": "datapoint", "statements": ["limit(attributes, 100, [\"host.name\"])", "truncate_all(attributes, 4096)"]}
        ]
    });
    let Err(p) = TransformFactory.validate(&cfg) else { panic!("must fail") };
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].path, "metric_statements[1].statements[1]");
    assert!(
        p[0].message
            .contains("statement 1 `convert_sum_to_gauge() where name == \"system.processes.count\"`")
    );
    assert!(p[0].message.contains("unsupported function `convert_sum_to_gauge`"));
    assert!(p[1].message.contains("unsupported function `aggregate_on_attributes`"));
}

/// (metric name, value, point attributes).
type PointSpec<'a> = (&'a str, i64, &'a [(&'static str, &'a str)]);

fn metrics(points: &[PointSpec<'_>]) -> Arc<SignalData> {
    Arc::new(SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: Attributes::from_iter([("host.name", "h"), ("drop.me", "x")]) },
            scope_metrics: vec![ScopeMetrics {
                metrics: points
                    .iter()
                    .map(|(name, v, attrs)| Metric {
                        name: name.to_string(),
                        description: String::new(),
                        unit: String::new(),
                        data: MetricData::Sum {
                            points: vec![NumberDataPoint {
                                attributes: attrs.iter().map(|(k, v)| (*k, *v)).collect(),
                                start_time_unix_nano: 0,
                                time_unix_nano: 1,
                                value: NumberValue::Int(*v),
                                flags: 0,
                            }],
                            temporality: dbintel_core::pdata::Temporality::Cumulative,
                            monotonic: true,
                        },
                    })
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    }))
}

#[test]
fn metric_contexts_run_in_group_order() {
    let (mut p, _) = factory_build(json!({
        "metric_statements": [
            {"context": "resource", "statements": ["keep_keys(attributes, [\"host.name\"])"]},
            {"context": "metric", "statements": [
                "set(name, \"postgresql.blocks.hit\") where name == \"postgresql.blks_hit\"",
                "set(description, \"Sum\") where type == METRIC_DATA_TYPE_SUM and is_monotonic"]},
            {"context": "datapoint",
             "conditions": ["metric.name == \"postgresql.blocks.hit\""],
             "statements": [
                "set(attributes[\"bucket\"], \"high\") where value > 1000",
                "set(attributes[\"bucket\"], \"low\") where value <= 1000",
                "limit(attributes, 1, [\"bucket\"])"]}
        ]
    }));
    let mut out = Vec::new();
    p.process(
        metrics(&[("postgresql.blks_hit", 2000, &[("db", "a")]), ("other", 5, &[("db", "b")])]),
        &mut out,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let SignalData::Metrics(m) = &*out[0] else { panic!() };
    let rm = &m.resource_metrics[0];
    assert_eq!(rm.resource.attributes.len(), 1);
    let ms = &rm.scope_metrics[0].metrics;
    assert_eq!((ms[0].name.as_str(), ms[0].description.as_str()), ("postgresql.blocks.hit", "Sum"));
    let MetricData::Sum { points, .. } = &ms[0].data else { panic!() };
    assert_eq!(points[0].attributes, Attributes::from_iter([("bucket", "high")]));
    let MetricData::Sum { points, .. } = &ms[1].data else { panic!() };
    assert_eq!(points[0].attributes, Attributes::from_iter([("db", "b")]), "the group's condition gates it");
}

#[test]
fn error_mode_decides_what_a_failing_statement_does() {
    let stmts = json!([{"context": "log", "statements": [
        "set(attributes[\"x\"], attributes[\"a\"] / 0)",
        "set(attributes[\"after\"], true)"]}]);
    for (mode, passes, after) in [("ignore", true, true), ("silent", true, true), ("propagate", false, false)]
    {
        let (mut p, reg) = factory_build(json!({"error_mode": mode, "log_statements": stmts}));
        let mut out = Vec::new();
        let r = p.process(one_log(&[], &[("a", 1i64.into())], None), &mut out);
        assert_eq!(r.is_ok(), passes, "{mode}");
        if after {
            assert_eq!(first_log(&out).1.attributes.get("after"), Some(&Value::Bool(true)), "{mode}");
        }
        assert_eq!(reg.counter_total("dbintel_transform_errors_total", &[]), 1, "{mode}");
    }
    // A group's own error_mode wins over the processor's.
    let (mut p, _) = factory_build(json!({"error_mode": "propagate", "log_statements": [
        {"context": "log", "error_mode": "silent", "statements": ["set(attributes[\"x\"], attributes[\"a\"] / 0)"]}]}));
    assert!(p.process(one_log(&[], &[("a", 1i64.into())], None), &mut Vec::new()).is_ok());
}

#[test]
fn bad_configs_name_the_key() {
    let cases = [
        (
            json!({"log_statements": [{"context": "metric", "statements": ["set(name, \"x\")"]}]}),
            "log_statements[0].context",
        ),
        (json!({"log_statements": ["set(attributes[\"a\"], 1)"]}), "log_statements[0]"),
        (
            json!({"metric_statements": [{"context": "datapoint", "statements": ["set(attributes[\"a\"], 1)", "set(x, 1"]}]}),
            "metric_statements[0].statements[1]",
        ),
        (
            json!({"log_statements": [{"context": "log", "conditions": ["Bogus(body)"], "statements": []}]}),
            "log_statements[0].conditions[0]",
        ),
    ];
    for (cfg, key) in cases {
        let Err(p) = TransformFactory.validate(&cfg) else { panic!("{cfg} must fail") };
        assert_eq!(p[0].path, key, "{cfg}: {p:?}");
    }
    assert!(TransformFactory.validate(&json!({"error_mode": "loud"})).is_err());
    assert!(TransformFactory.validate(&json!({"log_statment": []})).is_err());
    // Span statements compile in the span contexts and nowhere else.
    assert!(
        TransformFactory
            .validate(&json!({"trace_statements": [{"context": "span", "statements": ["set(name, \"x\")"]}]}))
            .is_ok()
    );
    let Err(p) =
        TransformFactory.validate(&json!({"trace_statements": [{"context": "log", "statements": []}]}))
    else {
        panic!("log is not a trace context")
    };
    assert_eq!(p[0].path, "trace_statements[0].context");
    let Err(p) = TransformFactory.validate(
        &json!({"trace_statements": [{"context": "span", "statements": ["set(trace_id.string, \"x\")"]}]}),
    ) else {
        panic!("ids are read-only")
    };
    assert!(p[0].message.contains("read-only"), "{p:?}");
    assert!(TransformFactory.validate(&serde_json::Value::Null).is_ok());
}

#[test]
fn a_shared_batch_is_copied_not_changed() {
    let (mut p, _) = factory_build(json!({"log_statements": ["set(log.attributes[\"x\"], 1)"]}));
    let data = one_log(&[], &[], None);
    let keep = Arc::clone(&data);
    let mut out = Vec::new();
    p.process(data, &mut out).unwrap_or_else(|e| panic!("{e}"));
    assert!(first_log(&out).1.attributes.get("x").is_some());
    let SignalData::Logs(l) = &*keep else { panic!() };
    assert!(l.resource_logs[0].scope_logs[0].log_records[0].attributes.is_empty());
}

#[test]
fn runtime_errors_name_the_key_path_not_the_text() {
    // A literal may come from `${env:...}`: it must not reach the error (nor the ignore-mode log).
    let (mut p, _) = factory_build(json!({"log_statements": [
        {"context": "log", "statements": ["set(attributes[\"ok\"], 1)", "set(attributes[\"x\"], \"s3cr3t\" + 1)"]}]}));
    let Err(e) = p.process(one_log(&[], &[], None), &mut Vec::new()) else { panic!("must fail") };
    let msg = e.to_string();
    assert!(msg.contains("log_statements[0].statements[1]"), "{msg}");
    assert!(!msg.contains("s3cr3t"), "{msg}");
}

/// The prototype's shapes (collector-e2e-test.yaml, collector-feature-aware.yaml,
/// collector-gateway-enterprise.yaml): groups with `context` and `statements`, the processor's
/// `error_mode`, comments and blank lines between statements; and the flat list.
#[test]
fn the_prototypes_statement_groups_load() {
    let yaml = r#"
error_mode: ignore
metric_statements:
  - context: datapoint
    statements:
      # Ensure db.system attribute exists
      - set(attributes["db.system"], "postgresql") where metric.name == "postgresql.backends" or metric.name == "postgresql.commits"

      # Add instrumentation library
      - set(attributes["instrumentation.provider"], "database-intelligence-collector")
  - context: datapoint
    conditions: ['metric.name == "x"']
    error_mode: silent
    statements:
      - delete_key(attributes, "user.id")
  - set(metric.unit, "1") where metric.name == "pg_stat_statements.available"
log_statements:
  - context: log
    statements:
      - replace_pattern(attributes["query_text"], "'[^']*'", "'?'")
      - delete_key(attributes, "password") where attributes["password"] != nil
"#;
    let v: serde_json::Value = serde_saphyr::from_str(yaml).expect("yaml");
    let problems = TransformFactory.validate(&v).err().unwrap_or_default();
    assert!(problems.is_empty(), "{problems:?}");
    let cfg: TransformConfig = dbintel_core::config_value::from_value(&v).expect("parses");
    assert_eq!(cfg.metric_statements.len(), 3);
    assert!(matches!(&cfg.metric_statements[2], StatementsEntry::Flat(_)));
    match &cfg.metric_statements[1] {
        StatementsEntry::Group(g) => {
            assert_eq!(g.context, Some(Ctx::Datapoint));
            assert_eq!(g.conditions.len(), 1);
            assert_eq!(g.error_mode, Some(ErrorMode::Silent));
        }
        other => panic!("not a group: {other:?}"),
    }
}

/// A malformed entry names what is wrong, not serde's "did not match any variant".
#[test]
fn a_bad_statement_entry_names_its_fault() {
    let cases = [
        (json!({"log_statements": [{"context": "log", "statement": ["x"]}]}), "unknown field `statement`"),
        (json!({"log_statements": [{"context": "log", "statements": "set(x, 1)"}]}), "statements"),
        (json!({"log_statements": [{"context": "logs", "statements": []}]}), "context"),
        (json!({"metric_statements": [42]}), "a statement (a string) or a group"),
        (json!({"metric_statements": [null]}), "a statement (a string) or a group"),
    ];
    for (cfg, want) in cases {
        let problems = TransformFactory.validate(&cfg).expect_err("must fail");
        let text = problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; ");
        assert!(text.contains(want), "{cfg}: {text}");
        assert!(!text.contains("did not match any variant"), "{text}");
    }
}

fn spans() -> Arc<SignalData> {
    use dbintel_core::pdata::{ResourceSpans, Scope, ScopeSpans, Span, SpanEvent, SpanKind, Traces};
    let mut a = Attributes::new();
    a.insert("http.path", "/animal");
    a.insert("http.method", "GET");
    a.insert("http.secret", "s3cr3t");
    let event = |name: &str| SpanEvent { name: name.into(), time_unix_nano: 5, ..Default::default() };
    let span = Span {
        trace_id: vec![1; 16],
        span_id: vec![2; 8],
        name: "GET /animal".into(),
        kind: SpanKind::SERVER,
        attributes: a,
        events: vec![event("exception"), event("retry")],
        ..Default::default()
    };
    let other =
        Span { trace_id: vec![3; 16], span_id: vec![4; 8], name: "other".into(), ..Default::default() };
    Arc::new(SignalData::Traces(Traces {
        resource_spans: vec![ResourceSpans {
            resource: Resource::default(),
            scope_spans: vec![ScopeSpans {
                scope: Scope::default(),
                spans: vec![span, other],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }))
}

fn traces_of(out: &[Arc<SignalData>]) -> &dbintel_core::pdata::Traces {
    match &*out[0] {
        SignalData::Traces(t) => t,
        other => panic!("{other:?}"),
    }
}

/// contrib's own `transform` example for spans (its testdata config), on real spans.
#[test]
fn trace_statements_change_spans_events_and_resources() {
    let (mut p, reg) = factory_build(json!({
        "trace_statements": [
            {"context": "span", "statements": [
                "set(name, \"bear\") where attributes[\"http.path\"] == \"/animal\"",
                "keep_keys(attributes, [\"http.method\", \"http.path\"])",
                "set(status.code, STATUS_CODE_ERROR) where Len(events) == 2",
                "set(status.message, \"two events\") where Len(events) == 2",
                "set(attributes[\"kind\"], kind.string)",
                "set(kind.string, \"Client\") where name == \"other\"",
            ]},
            {"context": "spanevent", "statements": [
                "set(attributes[\"span\"], span.name)",
                "set(name, \"error\") where name == \"exception\"",
            ]},
            {"context": "resource", "statements": ["set(attributes[\"name\"], \"bear\")"]},
            "set(span.attributes[\"flat\"], true) where span.kind == SPAN_KIND_CLIENT",
        ]
    }));
    let mut out = Vec::new();
    p.process(spans(), &mut out).unwrap_or_else(|e| panic!("{e}"));
    let t = traces_of(&out);
    let rs = &t.resource_spans[0];
    assert_eq!(rs.resource.attributes.get("name"), Some(&Value::Str("bear".into())));
    let s = &rs.scope_spans[0].spans[0];
    assert_eq!(s.name, "bear");
    assert_eq!(s.attributes.get("http.secret"), None, "keep_keys");
    assert_eq!(s.attributes.get("kind"), Some(&Value::Str("Server".into())));
    let status = s.status.as_ref().expect("status set");
    assert_eq!((status.code.0, status.message.as_str()), (2, "two events"));
    // The events stay in place, changed, and read their span.
    assert_eq!(s.events.len(), 2);
    assert_eq!(s.events[0].name, "error");
    assert_eq!(s.events[1].name, "retry");
    assert_eq!(s.events[1].attributes.get("span"), Some(&Value::Str("bear".into())));
    assert_eq!(s.trace_id, vec![1; 16], "ids untouched");
    let other = &rs.scope_spans[0].spans[1];
    assert_eq!(other.kind.0, 3, "kind.string set");
    assert_eq!(other.attributes.get("flat"), Some(&Value::Bool(true)), "flat form inferred the span context");
    assert!(other.status.is_none());
    assert!(reg.snapshot().iter().any(|f| f.name == "dbintel_transform_statements_applied_total"), "counted");
}

#[test]
fn span_statement_errors_follow_error_mode() {
    let cfg = |mode: &str| {
        json!({"error_mode": mode, "trace_statements": [
            {"context": "span", "statements": ["set(kind, 9)", "set(attributes[\"after\"], 1)"]}]})
    };
    let (mut p, _) = factory_build(cfg("propagate"));
    let mut out = Vec::new();
    assert!(p.process(spans(), &mut out).is_err(), "an out-of-range kind stops the batch");
    let (mut p, _) = factory_build(cfg("ignore"));
    let mut out = Vec::new();
    p.process(spans(), &mut out).unwrap_or_else(|e| panic!("{e}"));
    let s = &traces_of(&out).resource_spans[0].scope_spans[0].spans[0];
    assert_eq!(s.kind.0, 2, "kind left alone");
    assert_eq!(s.attributes.get("after"), Some(&Value::Int(1)));
}
