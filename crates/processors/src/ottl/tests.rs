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
            span: None,
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
        span: None,
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
            span: None,
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
        span: None,
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
    let e = err(r#"replace_all_patterns(attributes["q"], "'x'", "y")"#, Ctx::Log);
    assert!(e.contains("takes 4 to 6 arguments") && e.contains("`replacement` is missing"), "{e}");
    assert!(e.contains("for one value write replace_pattern(target, regex_pattern, replacement)"), "{e}");
    assert!(err(r#"replace_pattern(body, "(?!x)", "y")"#, Ctx::Log).contains("invalid regex"));
    assert!(err(r#"set(type, 1)"#, Ctx::Metric).contains("read-only"));
    assert!(err(r#"IsMatch(body, "x")"#, Ctx::Log).contains("is a converter"));
    assert!(err(r#"limit(attributes, 1, ["a", "b"])"#, Ctx::Log).contains("less than"));
    assert!(err(r#"set(attributes["x"], BOGUS_ENUM)"#, Ctx::Log).contains("unknown enum"));
}

/// Runs `stmt` in the log context on a record whose body is `body`; returns the body after.
fn body_after(body: &str, stmt: &str) -> Value {
    let (mut resource, mut scope, mut record) = log();
    record.body = Some(Value::from(body));
    let s = Statement::compile(stmt, Ctx::Log).unwrap_or_else(|e| panic!("{stmt}: {e}"));
    let mut rec = Record {
        resource: &mut resource,
        scope: Some(&mut scope),
        log: Some(&mut record),
        metric: None,
        point: None,
        cache: None,
        span: None,
    };
    assert_eq!(s.execute(&mut rec), Ok(true), "{stmt}");
    record.body.unwrap_or(Value::Str("<none>".into()))
}

/// Hex digests computed outside this code (`printf '%s' ... | sha256sum`, `sha1sum`, `md5sum`).
const SHA256_POD: &str = "6d84a506bd7fb1f256ed60c44bd7cd7fb1c12b2f531231e13db610d418021420"; // "pod_."
const SHA256_ID: &str = "3843971dcfdee5083e6289e1bbdbb003e538b5a8a668fc43ae4f19d415ac18a2"; // "ID"
const SHA256_PASSWD: &str = "148b08b1ec2b1e41bca4c63ec80de7ea13d594a1b2583f0cb6833449f40c5cee"; // "sensitivedtata"
const SHA256_42: &str = "73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049";
const SHA256_423: &str = "814bb6b8dc12188a44b71e378dc20a4292e01979aa9ab95b09b8a681391dfc9d";
const SHA256_ROUTE: &str = "00f19e6d892e0ac5c63f8b6d8371f94035603103e1aef666e22cdc5f17ee35c2"; // "/user/{userId}/list/{listId}"

#[test]
fn named_arguments_bind_by_the_collectors_parameter_names() {
    // Any order after the positional ones; snake_case or camelCase (the Collector's strcase.ToCamel).
    for stmt in [
        r#"set(attributes["c"], Concat(vals = ["a", "b"], delimiter = "-"))"#,
        r#"set(attributes["c"], Concat(delimiter = "-", vals = ["a", "b"]))"#,
        r#"set(attributes["c"], Concat(["a", "b"], delimiter = "-"))"#,
        r#"set(target = attributes["c"], value = "a-b")"#,
    ] {
        let (r, _, rec) = run_log(stmt);
        assert_eq!((r, rec.attributes.get("c")), (Ok(true), Some(&Value::from("a-b"))), "{stmt}");
    }
    for stmt in [
        r#"limit(attributes, 2, priority_keys = ["password"])"#,
        r#"limit(attributes, 2, priorityKeys = ["password"])"#,
        r#"limit(attributes, limit = 2, priority_keys = ["password"])"#,
    ] {
        let (_, _, rec) = run_log(stmt);
        let keys: Vec<&str> = rec.attributes.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["db.query.text", "password"], "{stmt}");
    }
    // A named optional argument may skip the ones before it; replacement_format without a
    // function is accepted and, as in the Collector, does nothing on its own.
    assert_eq!(
        body_after("id=1", r#"replace_pattern(body, "id", "ID", replacement_format = "x-%s")"#),
        Value::from("ID=1")
    );
    assert_eq!(
        body_after(
            "id=1",
            r#"replace_pattern(body, "id", "ID", function = SHA256, replacement_format = "<%s>")"#
        ),
        Value::from(format!("<{SHA256_ID}>=1"))
    );
}

#[test]
fn bad_arguments_name_the_function_and_the_parameter() {
    let err = |s: &str| Statement::compile(s, Ctx::Log).err().map(|e| e.to_string()).unwrap_or_default();
    for (stmt, want) in [
        (r#"limit(attributes, 2, keys = ["a"])"#, "`limit` has no parameter `keys`"),
        (r#"limit(attributes, 2)"#, "`priority_keys` is missing"),
        (
            r#"set(attributes["c"], Concat(vals = ["a"], "-"))"#,
            "`Concat`: argument 2 has no name but follows a named argument",
        ),
        (
            r#"set(attributes["c"], Concat(["a"], vals = ["b"], delimiter = ""))"#,
            "`Concat`: parameter `vals` is given twice",
        ),
        (
            r#"set(attributes["c"], Concat(["a"]))"#,
            "`Concat` takes 2 arguments (vals, delimiter); it has 1: `delimiter` is missing",
        ),
        (r#"set(attributes["c"], "x", "y")"#, "`set` takes at most 2 arguments"),
        (r#"replace_pattern(body, "a", "b", Nope)"#, "function `Nope` is not a converter"),
        (r#"replace_pattern(body, "a", "b", "SHA256")"#, "the bare name of a converter"),
        (r#"replace_pattern(body, "a", "b", SHA256, "no directive")"#, "exactly one %s"),
        (r#"replace_pattern(body, "a", "b", SHA256, "%s and %d")"#, "exactly one %s"),
        (r#"replace_match(body, "a", "b", format = "%s")"#, "`replace_match` has no parameter `format`"),
    ] {
        assert!(err(stmt).contains(want), "{stmt}\n  want {want}\n  got {}", err(stmt));
    }
}

/// The Collector's documented examples and its own tests of `function` and `replacement_format`
/// (pkg/ottl/ottlfuncs/README.md, func_replace_pattern_test.go), with SHA256 for the function.
#[test]
fn replace_editors_with_function_and_format_golden() {
    // replace_pattern(metric.name, "^kube_([0-9A-Za-z]+_)", "$$1.", SHA256, "k8s.%s") (the `$$`
    // there is the config file's escape of `$`).
    let mut metric = Metric {
        name: "kube_pod_status".into(),
        description: String::new(),
        unit: String::new(),
        data: MetricData::Gauge(Vec::new()),
    };
    let s = Statement::compile(
        r#"replace_pattern(metric.name, "^kube_([0-9A-Za-z]+_)", "$1.", SHA256, "k8s.%s")"#,
        Ctx::Metric,
    );
    let Ok(s) = s else { panic!("{s:?}") };
    let (mut resource, mut scope) = (Resource::default(), Scope::default());
    let mut rec = Record {
        resource: &mut resource,
        scope: Some(&mut scope),
        log: None,
        metric: Some(MetricView::whole(&mut metric)),
        point: None,
        cache: None,
        span: None,
    };
    assert_eq!(s.execute(&mut rec), Ok(true));
    assert_eq!(metric.name, format!("k8s.{SHA256_POD}status"));

    let line = "application passwd=sensitivedtata otherarg=notsensitive key1 key2";
    assert_eq!(
        body_after(line, r#"replace_pattern(body, "passwd\\=([^\\s]*)\\s?", "$1", SHA256, "passwd=%s")"#),
        Value::from(format!("application passwd={SHA256_PASSWD}otherarg=notsensitive key1 key2"))
    );
    // Replaced at each match's position, not by text (42 is also inside 423).
    assert_eq!(
        body_after(
            "user_id=42 parent_user_id=423",
            r#"replace_pattern(body, "\\d+", "$0", function = SHA256)"#
        ),
        Value::from(format!("user_id={SHA256_42} parent_user_id={SHA256_423}"))
    );
    // Without a function: the plain regex replacement, `$$` a literal `$`.
    assert_eq!(
        body_after(line, r#"replace_pattern(body, "passwd\\=[^\\s]*(\\s?)", "passwd=$$$$$$ ")"#),
        Value::from("application passwd=$$$ otherarg=notsensitive key1 key2")
    );

    // replace_match / replace_all_matches(..., "/user/*/list/*", "/user/{userId}/list/{listId}", SHA256, "/user/%s")
    let want = Value::from(format!("/user/{SHA256_ROUTE}"));
    let (_, mut res, mut scope, mut record) = {
        let (r, s, l) = log();
        ((), r, s, l)
    };
    record.attributes.insert("http.target", "/user/123/list/456");
    res.attributes.insert("http.target", "/user/123/list/456");
    for stmt in [
        r#"replace_match(attributes["http.target"], "/user/*/list/*", "/user/{userId}/list/{listId}", SHA256, "/user/%s")"#,
        r#"replace_all_matches(resource.attributes, "/user/*/list/*", "/user/{userId}/list/{listId}", SHA256, "/user/%s")"#,
    ] {
        let s = Statement::compile(stmt, Ctx::Log).unwrap_or_else(|e| panic!("{stmt}: {e}"));
        let mut rec = Record {
            resource: &mut res,
            scope: Some(&mut scope),
            log: Some(&mut record),
            metric: None,
            point: None,
            cache: None,
            span: None,
        };
        assert_eq!(s.execute(&mut rec), Ok(true));
    }
    assert_eq!(record.attributes.get("http.target"), Some(&want));
    assert_eq!(res.attributes.get("http.target"), Some(&want));

    // replace_all_patterns(resource.attributes, "key", "^kube_([0-9A-Za-z]+_)", "$$1.", SHA256, "k8s.%s"):
    // the key is renamed, its value kept.
    let (mut resource, mut scope, mut record) = log();
    resource.attributes.insert("kube_pod_name", "web-1");
    let s = Statement::compile(
        r#"replace_all_patterns(resource.attributes, "key", "^kube_([0-9A-Za-z]+_)", "$1.", SHA256, "k8s.%s")"#,
        Ctx::Log,
    );
    let Ok(s) = s else { panic!("{s:?}") };
    let mut rec = Record {
        resource: &mut resource,
        scope: Some(&mut scope),
        log: Some(&mut record),
        metric: None,
        point: None,
        cache: None,
        span: None,
    };
    assert_eq!(s.execute(&mut rec), Ok(true));
    assert_eq!(resource.attributes.get(&format!("k8s.{SHA256_POD}name")), Some(&Value::from("web-1")));
    assert!(resource.attributes.get("kube_pod_name").is_none());

    // value mode with the other documented hashes.
    let (_, _, rec) = run_log(r#"replace_all_patterns(attributes, "value", "^hunter2$", "value", SHA1)"#);
    assert_eq!(
        rec.attributes.get("password"),
        Some(&Value::from("f32b67c7e26342af42efabc674d441dca0a281c5"))
    );
    let (_, _, rec) =
        run_log(r#"replace_all_patterns(attributes, "value", "^hunter2$", "value", MD5, "md5:%s")"#);
    assert_eq!(rec.attributes.get("password"), Some(&Value::from("md5:2063c1608d6e0baf80249c42e2be5804")));
}

#[test]
fn added_converters_follow_their_docs() {
    let (_, _, rec) = run_log(r#"set(attributes["s"], Substring("123456789", 0, 3))"#);
    assert_eq!(rec.attributes.get("s"), Some(&Value::from("123")));
    let (_, _, rec) =
        run_log(r#"set(attributes["s"], Substring(target = "123456789", start = 3, length = 2))"#);
    assert_eq!(rec.attributes.get("s"), Some(&Value::from("45")));
    for bad in [
        r#"Substring("123", 2, 5)"#,
        r#"Substring("123", -1, 1)"#,
        r#"Substring("123", 0, 0)"#,
        r#"Substring("é", 0, 1)"#,
    ] {
        let (r, _, _) = run_log(&format!(r#"set(attributes["s"], {bad})"#));
        assert!(r.is_err(), "{bad}");
    }
    for (conv, want) in [
        ("SHA1(\"abc\")", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("MD5(\"abc\")", "900150983cd24fb0d6963f7d28e17f72"),
        (
            "SHA512(\"abc\")",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ),
    ] {
        let (_, _, rec) = run_log(&format!(r#"set(attributes["h"], {conv})"#));
        assert_eq!(rec.attributes.get("h"), Some(&Value::from(want)), "{conv}");
    }
    // ParseJSON("{\"attr\":true}") and a nested document: numbers become doubles, null is left out.
    let (_, _, rec) = run_log(
        r#"set(attributes["j"], ParseJSON("{\"attr\":true,\"n\":1,\"nested\":{\"a\":[\"x\",null]},\"z\":null}"))"#,
    );
    let want = Attributes::from_iter([
        ("attr", Value::Bool(true)),
        ("n", Value::Double(1.0)),
        ("nested", Value::Map(Attributes::from_iter([("a", Value::Array(vec![Value::from("x")]))]))),
    ]);
    assert_eq!(rec.attributes.get("j"), Some(&Value::Map(want)));
    let (_, _, rec) = run_log(r#"set(attributes["j"], ParseJSON("[\"attr1\",\"attr2\"]"))"#);
    assert_eq!(
        rec.attributes.get("j"),
        Some(&Value::Array(vec![Value::from("attr1"), Value::from("attr2")]))
    );
    for bad in [r#"ParseJSON("not json")"#, r#"ParseJSON("1")"#, r#"ParseJSON(attributes["calls"])"#] {
        let (r, _, _) = run_log(&format!(r#"set(attributes["j"], {bad})"#));
        assert!(r.is_err(), "{bad}");
    }
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
            let mut rec = Record { resource: &mut resource, scope: Some(&mut scope), log: Some(&mut record), metric: None, point: None, cache: None, span: None };
            let _ = st.execute(&mut rec);
        }
        if let Ok(c) = Condition::compile(&s, Ctx::Log) {
            let rec = Record { resource: &mut resource, scope: Some(&mut scope), log: Some(&mut record), metric: None, point: None, cache: None, span: None };
            let _ = c.eval(&rec);
        }
    }
}
