use dbintel_core::pdata::{
    Attributes, LogRecord, Metric, MetricData, NumberDataPoint, NumberValue, Resource, Scope, SeverityNumber,
    Value,
};
use proptest::prelude::*;

use super::*;

fn log() -> (Resource, Scope, LogRecord) {
    let resource = Resource { attributes: Attributes::from_iter([("service.name", "db")]) };
    let scope = Scope { name: "dbintel".into(), version: "1".into(), attributes: Attributes::new() };
    let record = LogRecord {
        severity_number: SeverityNumber::WARN,
        severity_text: "WARN".into(),
        body: Some(Value::Str("SELECT * FROM t WHERE id = 12345 AND name = 'bob'".into())),
        attributes: Attributes::from_iter([
            ("db.query.text", Value::from("select 1")),
            ("calls", Value::Int(1500)),
            ("mean_ms", Value::Double(12.5)),
            ("calls_str", Value::from("42")),
            ("password", Value::from("hunter2")),
            ("http.password", Value::from("x")),
        ]),
        event_name: "db.server.top_query".into(),
        ..Default::default()
    };
    (resource, scope, record)
}

/// Runs `stmt` in the log context on the test record; returns the record after.
fn run_log(stmt: &str) -> (Result<bool, EvalError>, Resource, LogRecord) {
    let (mut resource, mut scope, mut record) = log();
    let s = Statement::compile(stmt, Ctx::Log).unwrap_or_else(|e| panic!("{stmt}: {e}"));
    let mut cache = Attributes::new();
    let r = {
        let mut rec = Record {
            resource: &mut resource,
            scope: Some(&mut scope),
            log: Some(&mut record),
            metric: None,
            point: None,
            cache: Some(&mut cache),
        };
        s.execute(&mut rec)
    };
    (r, resource, record)
}

fn cond_log(c: &str) -> bool {
    let (mut resource, mut scope, mut record) = log();
    let c = Condition::compile(c, Ctx::Log).unwrap_or_else(|e| panic!("{c}: {e}"));
    let rec = Record {
        resource: &mut resource,
        scope: Some(&mut scope),
        log: Some(&mut record),
        metric: None,
        point: None,
        cache: None,
    };
    c.eval(&rec).unwrap_or_else(|e| panic!("{}: {e}", c.text))
}

#[test]
fn conditions_follow_ottl_comparison_rules() {
    for (c, want) in [
        (r#"attributes["calls"] > 1000"#, true),
        (r#"attributes["calls"] > 1000.5"#, true),
        (r#"attributes["mean_ms"] >= 12.5"#, true),
        (r#"attributes["calls_str"] > 1"#, false), // a string is never ordered against an int
        (r#"attributes["calls_str"] == "42""#, true),
        (r#"attributes["missing"] == nil"#, true),
        (r#"attributes["missing"] != nil"#, false),
        (r#"attributes["missing"] > 1"#, false),
        (r#"attributes["calls"] != "1500""#, true),
        (r#"severity_number >= SEVERITY_NUMBER_WARN and severity_number < SEVERITY_NUMBER_ERROR"#, true),
        (r#"severity_number < SEVERITY_NUMBER_INFO"#, false),
        (r#"severity_text == "WARN" or false"#, true),
        (r#"not (severity_text == "WARN")"#, false),
        (r#"IsMatch(body, "id = \\d+")"#, true),
        (r#"IsMatch(body, "(?i)^select")"#, true),
        (r#"IsMatch(attributes["missing"], ".*")"#, false),
        (r#"event_name == "db.server.top_query""#, true),
        (r#"resource.attributes["service.name"] == "db""#, true),
        (r#"instrumentation_scope.name == "dbintel""#, true),
        (r#"Len(attributes["password"]) == 7"#, true),
        (r#"attributes["calls"] * 2 + 1 == 3001"#, true),
        (r#"(attributes["calls"] + 500) / 2 == 1000"#, true),
        (r#"Int(attributes["calls_str"]) == 42"#, true),
        (r#"Double(attributes["calls"]) == 1500.0"#, true),
        (r#"IsString(attributes["calls"]) == false"#, true),
        (r#"ToUpperCase(severity_text) == "WARN""#, true),
    ] {
        assert_eq!(cond_log(c), want, "{c}");
    }
}

#[test]
fn set_and_converters() {
    let (r, _, rec) =
        run_log(r#"set(attributes["x"], Concat([attributes["calls"], "-", attributes["nope"]], ""))"#);
    assert_eq!(r, Ok(true));
    assert_eq!(rec.attributes.get("x"), Some(&Value::from("1500-<nil>")));
    let (_, _, rec) = run_log(r#"set(attributes["h"], SHA256("abc"))"#);
    assert_eq!(
        rec.attributes.get("h"),
        Some(&Value::from("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    );
    let (_, _, rec) = run_log(r#"set(attributes["p"], Split("a.b.c", ".")[1])"#);
    assert_eq!(rec.attributes.get("p"), Some(&Value::from("b")));
    let (_, _, rec) = run_log(r#"set(severity_text, "ERROR") where attributes["calls"] > 1000"#);
    assert_eq!(rec.severity_text, "ERROR");
    let (r, _, rec) = run_log(r#"set(severity_text, "ERROR") where attributes["calls"] < 1000"#);
    assert_eq!((r, rec.severity_text.as_str()), (Ok(false), "WARN"));
    let (_, _, rec) = run_log("set(severity_number, SEVERITY_NUMBER_ERROR2)");
    assert_eq!(rec.severity_number, SeverityNumber(18));
    // nil does nothing; nested keys create maps.
    let (_, _, rec) = run_log(r#"set(attributes["calls"], attributes["nope"])"#);
    assert_eq!(rec.attributes.get("calls"), Some(&Value::Int(1500)));
    let (_, _, rec) = run_log(r#"set(attributes["a"]["b"], 1)"#);
    assert_eq!(rec.attributes.get("a"), Some(&Value::Map(Attributes::from_iter([("b", 1i64)]))));
    let (_, res, _) = run_log(r#"set(resource.attributes["env"], "prod")"#);
    assert_eq!(res.attributes.get("env"), Some(&Value::from("prod")));
}

#[test]
fn map_editors() {
    let (_, _, rec) = run_log(r#"delete_key(attributes, "password")"#);
    assert!(rec.attributes.get("password").is_none());
    let (_, _, rec) = run_log(r#"delete_matching_keys(attributes, ".*password")"#);
    assert_eq!(rec.attributes.len(), 4);
    let (_, _, rec) = run_log(r#"keep_keys(attributes, ["calls", "mean_ms"])"#);
    assert_eq!(rec.attributes.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["calls", "mean_ms"]);
    let (_, _, rec) = run_log(r#"truncate_all(attributes, 3)"#);
    assert_eq!(rec.attributes.get("db.query.text"), Some(&Value::from("sel")));
    assert_eq!(rec.attributes.get("calls"), Some(&Value::Int(1500)));
    let (_, _, rec) = run_log(r#"limit(attributes, 2, ["password"])"#);
    assert_eq!(rec.attributes.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["db.query.text", "password"]);
    let (_, _, rec) = run_log(r#"replace_all_patterns(attributes, "value", "^hunter\\d$", "***")"#);
    assert_eq!(rec.attributes.get("password"), Some(&Value::from("***")));
    let (_, _, rec) = run_log(r#"replace_all_patterns(attributes, "key", "^http\\.", "h.")"#);
    assert!(rec.attributes.get("h.password").is_some() && rec.attributes.get("http.password").is_none());
    let (_, _, rec) = run_log(r#"replace_all_matches(attributes, "hunt*", "***")"#);
    assert_eq!(rec.attributes.get("password"), Some(&Value::from("***")));
    let (_, _, rec) = run_log(r#"merge_maps(attributes, {"calls": 1, "new": "n"}, "insert")"#);
    assert_eq!(
        (rec.attributes.get("calls"), rec.attributes.get("new")),
        (Some(&Value::Int(1500)), Some(&Value::from("n")))
    );
    let (_, _, rec) = run_log(r#"merge_maps(attributes, {"calls": 1, "new": "n"}, "update")"#);
    assert_eq!((rec.attributes.get("calls"), rec.attributes.get("new")), (Some(&Value::Int(1)), None));
}

#[test]
fn string_editors() {
    let (_, _, rec) = run_log(r#"replace_pattern(body, "= *(\\d{3,})", "= ?")"#);
    assert_eq!(rec.body, Some(Value::from("SELECT * FROM t WHERE id = ? AND name = 'bob'")));
    let (_, _, rec) = run_log(r#"replace_pattern(body, "'([^']*)'", "<$1>")"#);
    assert_eq!(rec.body, Some(Value::from("SELECT * FROM t WHERE id = 12345 AND name = <bob>")));
    let (_, _, rec) = run_log(r#"replace_match(attributes["db.query.text"], "select *", "redacted")"#);
    assert_eq!(rec.attributes.get("db.query.text"), Some(&Value::from("redacted")));
    let (_, _, rec) = run_log(r#"replace_match(attributes["db.query.text"], "insert*", "redacted")"#);
    assert_eq!(rec.attributes.get("db.query.text"), Some(&Value::from("select 1")));
    // A non-string target is left alone.
    let (r, _, rec) = run_log(r#"replace_pattern(attributes["calls"], "1", "2")"#);
    assert_eq!((r, rec.attributes.get("calls")), (Ok(true), Some(&Value::Int(1500))));
}

#[test]
fn runtime_errors_are_errors_not_panics() {
    let (r, _, _) = run_log(r#"set(attributes["x"], attributes["calls"] / 0)"#);
    assert!(r.is_err());
    let (r, _, _) = run_log(r#"set(attributes["x"], attributes["password"] + 1)"#);
    let Err(e) = r else { panic!() };
    assert!(!e.0.contains("hunter2"), "values stay out of errors: {e}");
    let (r, _, _) = run_log(r#"set(attributes["x"], SHA256(attributes["calls"]))"#);
    assert!(r.is_err());
}

#[test]
fn metric_and_datapoint_contexts() {
    let mut resource = Resource::default();
    let mut scope = Scope::default();
    let mut metric = Metric {
        name: "postgresql.blks_hit".into(),
        description: String::new(),
        unit: String::new(),
        data: MetricData::Gauge(vec![NumberDataPoint {
            attributes: Attributes::from_iter([("db", "x")]),
            start_time_unix_nano: 0,
            time_unix_nano: 1,
            value: NumberValue::Int(2000),
            flags: 0,
        }]),
    };
    let s = Statement::compile(
        r#"set(name, "postgresql.blocks.hit") where name == "postgresql.blks_hit""#,
        Ctx::Metric,
    );
    let Ok(s) = s else { panic!("{s:?}") };
    let c =
        Condition::compile(r#"HasAttrKeyOnDatapoint("db") and type == METRIC_DATA_TYPE_GAUGE"#, Ctx::Metric);
    let Ok(c) = c else { panic!("{c:?}") };
    {
        let mut rec = Record {
            resource: &mut resource,
            scope: Some(&mut scope),
            log: None,
            metric: Some(MetricView::whole(&mut metric)),
            point: None,
            cache: None,
        };
        assert_eq!(c.eval(&rec), Ok(true));
        assert_eq!(s.execute(&mut rec), Ok(true));
    }
    assert_eq!(metric.name, "postgresql.blocks.hit");
    let s = Statement::compile(
        r#"set(attributes["bucket"], "high") where metric.name == "postgresql.blocks.hit" and value > 1000"#,
        Ctx::Datapoint,
    );
    let Ok(s) = s else { panic!("{s:?}") };
    let (view, data) = MetricView::split(&mut metric);
    let MetricData::Gauge(points) = data else { panic!() };
    let mut rec = Record {
        resource: &mut resource,
        scope: Some(&mut scope),
        log: None,
        metric: Some(view),
        point: Some(Point::Number(&mut points[0])),
        cache: None,
    };
    assert_eq!(s.execute(&mut rec), Ok(true));
    assert_eq!(points[0].attributes.get("bucket"), Some(&Value::from("high")));
}

#[test]
fn compile_errors_name_what_is_wrong() {
    let err = |s: &str, ctx| Statement::compile(s, ctx).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err(r#"set(attributes["x"], Now())"#, Ctx::Log).contains("unsupported function `Now`"));
    assert!(err(r#"flatten(attributes)"#, Ctx::Log).contains("unsupported function `flatten`"));
    assert!(
        err(r#"set(attributes["x"], 1) where name == "a""#, Ctx::Datapoint).contains("write metric.name")
    );
    assert!(err(r#"set(severity_text, "x")"#, Ctx::Metric).contains("not a path of the `metric` context"));
    assert!(err(r#"truncate_all(attributes["q"], 500)"#, Ctx::Log).is_empty()); // a nested map target is fine
    assert!(err(r#"truncate_all(body, -1)"#, Ctx::Log).contains("non-negative"));
    assert!(
        err(r#"replace_all_patterns(attributes["q"], "'x'", "y")"#, Ctx::Log).contains("takes 4 arguments")
    );
    assert!(err(r#"replace_pattern(body, "(?!x)", "y")"#, Ctx::Log).contains("invalid regex"));
    assert!(err(r#"set(type, 1)"#, Ctx::Metric).contains("read-only"));
    assert!(err(r#"IsMatch(body, "x")"#, Ctx::Log).contains("is a converter"));
    assert!(err(r#"limit(attributes, 1, ["a", "b"])"#, Ctx::Log).contains("less than"));
    assert!(err(r#"set(attributes["x"], BOGUS_ENUM)"#, Ctx::Log).contains("unknown enum"));
}

#[test]
fn flat_form_contexts_come_from_prefixes() {
    assert_eq!(
        prefixed_contexts(r#"set(log.attributes["a"], resource.attributes["b"])"#),
        Ok(vec![Ctx::Log, Ctx::Resource])
    );
    assert_eq!(prefixed_contexts(r#"set(attributes["log.x"], 1)"#), Ok(vec![]));
    assert_eq!(
        prefixed_contexts("set(datapoint.attributes[\"a\"], 1) where metric.name == \"m\""),
        Ok(vec![Ctx::Datapoint, Ctx::Metric])
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parser_never_panics_on_any_input(s in "\\PC{0,80}") {
        let _ = Statement::compile(&s, Ctx::Log);
        let _ = Condition::compile(&s, Ctx::Datapoint);
    }

    #[test]
    fn parser_never_panics_on_ottl_like_input(
        parts in proptest::collection::vec(prop_oneof![
            Just("set("), Just("attributes[\"k\"]"), Just(","), Just(")"), Just("("), Just(" where "),
            Just(" and "), Just(" or "), Just("not "), Just("=="), Just("<"), Just("1"), Just("-"), Just("2.5"),
            Just("\"s\\\""), Just("["), Just("]"), Just("{"), Just("}"), Just(":"), Just("Concat("), Just("nil"),
            Just("SEVERITY_NUMBER_INFO"), Just("body"), Just("."), Just("*"), Just("/"), Just("0x1"),
            Just("IsMatch(body, \"(\")"), Just("x = "),
        ], 0..30)
    ) {
        let s: String = parts.concat();
        let (mut resource, mut scope, mut record) = log();
        if let Ok(st) = Statement::compile(&s, Ctx::Log) {
            let mut rec = Record { resource: &mut resource, scope: Some(&mut scope), log: Some(&mut record), metric: None, point: None, cache: None };
            let _ = st.execute(&mut rec);
        }
        if let Ok(c) = Condition::compile(&s, Ctx::Log) {
            let rec = Record { resource: &mut resource, scope: Some(&mut scope), log: Some(&mut record), metric: None, point: None, cache: None };
            let _ = c.eval(&rec);
        }
    }
}
