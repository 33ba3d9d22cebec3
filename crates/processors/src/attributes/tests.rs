use std::sync::Arc;

use dbintel_core::component::ConfigProblem;
use dbintel_core::ids::PipelineId;
use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint,
    NumberValue, Resource, ResourceLogs, ResourceMetrics, Scope, ScopeLogs, ScopeMetrics, SeverityNumber,
    SignalData, SummaryDataPoint, Temporality, Value,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, CreateContext, Factory, Signal, parse_component_config};
use proptest::prelude::*;

use super::actions::{ConvertTo, as_string, convert, sha1_hex};
use super::*;

/// The Collector's documented examples (contrib `processor/attributesprocessor/testdata/config.yaml`
/// and README), the ones that apply to logs and metrics, as YAML.
const CONTRIB_EXAMPLES: &str = r#"
attributes/insert:
  actions:
    - key: "attribute1"
      value: 123
      action: insert
    - key: "string key"
      from_attribute: "anotherkey"
      action: insert
attributes/regex_insert:
  actions:
    - key: "http.url"
      pattern: ^(?P<http_protocol>.*):\/\/(?P<http_domain>.*)\/(?P<http_path>.*)(?:\?|\&)(?P<http_query_params>.*)
      action: extract
attributes/update:
  actions:
    - key: "boo"
      from_attribute: "foo"
      action: update
    - key: db.secret
      value: redacted
      action: update
attributes/upsert:
  actions:
    - key: region
      value: "planet-earth"
      action: upsert
    - key: new_user_key
      from_attribute: user_key
      action: upsert
attributes/delete:
  actions:
    - key: credit_card
      action: delete
    - key: duplicate_key
      action: delete
attributes/hash:
  actions:
    - key: user.email
      action: hash
attributes/convert:
  actions:
    - key: http.status_code
      action: convert
      converted_type: int
attributes/excluderesources:
  exclude:
    match_type: strict
    resources:
      - {key: host.type, value: "n1-standard-1"}
  actions:
    - key: credit_card
      action: delete
    - key: duplicate_key
      action: delete
attributes/excludelibrary:
  exclude:
    match_type: strict
    libraries:
      - {name: "mongo-java-driver", version: "3.8.0"}
  actions:
    - key: credit_card
      action: delete
    - key: duplicate_key
      action: delete
attributes/selectiveprocessing_logs:
  exclude:
    match_type: strict
    attributes:
      - { key: redact_trace, value: false}
  actions:
    - key: credit_card
      action: delete
    - key: duplicate_key
      action: delete
attributes/complex:
  actions:
    - key: operation
      value: default
      action: insert
    - key: svc.operation
      from_attribute: operation
      action: upsert
    - key: operation
      action: delete
attributes/example:
  actions:
    - key: db.table
      action: delete
    - key: redacted_span
      value: true
      action: upsert
    - key: copy_key
      from_attribute: key_original
      action: update
    - key: account_id
      value: 2245
      action: insert
    - key: account_password
      action: delete
    - key: account_email
      action: hash
    - key: http.status_code
      action: convert
      converted_type: int
    - key: region
      from_attribute: cloud.region
      default_value: "us-east-1"
      action: insert
attributes/regexp2:
  include:
    match_type: regexp
    attributes:
      - {key: env, value: 'SELECT \* FROM USERS.*'}
  actions:
    - key: db.statement
      action: update
      value: "SELECT * FROM USERS [obfuscated]"
attributes/log_body_regexp:
  include:
    match_type: regexp
    log_bodies: ["AUTH.*"]
  actions:
    - key: password
      action: update
      value: "obfuscated"
    - key: token
      action: delete
attributes/log_severity_regexp:
  include:
    match_type: regexp
    log_severity_texts: [ "debug.*" ]
  actions:
    - key: password
      action: update
      value: "obfuscated"
    - key: token
      action: delete
"#;

fn examples() -> serde_json::Value {
    serde_saphyr::from_str(CONTRIB_EXAMPLES).expect("yaml")
}

fn config(name: &str) -> AttributesConfig {
    let all = examples();
    parse_component_config(&all[name]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn proc_for(c: &AttributesConfig, signal: Signal) -> AttributesProcessor {
    AttributesProcessor::new(c, Some(signal), &Registry::new(), "attributes").expect("valid config")
}

fn attrs(pairs: &[(&'static str, Value)]) -> Attributes {
    pairs.iter().map(|(k, v)| (*k, v.clone())).collect()
}

fn sorted(a: &Attributes) -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = a.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Runs `name` over one log record with `input` and returns its attributes.
fn on_record(name: &str, input: &[(&'static str, Value)]) -> Vec<(String, Value)> {
    on_log(
        name,
        LogRecord { attributes: attrs(input), ..Default::default() },
        Resource::default(),
        Scope::default(),
    )
}

fn on_log(name: &str, r: LogRecord, resource: Resource, scope: Scope) -> Vec<(String, Value)> {
    let p = proc_for(&config(name), Signal::Logs);
    let mut data = SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            resource,
            scope_logs: vec![ScopeLogs { scope, log_records: vec![r], ..Default::default() }],
            ..Default::default()
        }],
    });
    p.apply(&mut data);
    let SignalData::Logs(l) = data else { unreachable!() };
    sorted(&l.resource_logs[0].scope_logs[0].log_records[0].attributes)
}

fn exp(pairs: &[(&'static str, Value)]) -> Vec<(String, Value)> {
    sorted(&attrs(pairs))
}

#[test]
fn golden_insert() {
    assert_eq!(
        on_record("attributes/insert", &[("anotherkey", "bob".into())]),
        exp(&[("anotherkey", "bob".into()), ("attribute1", Value::Int(123)), ("string key", "bob".into())])
    );
    // Existing keys are not touched; a missing source inserts nothing.
    assert_eq!(
        on_record("attributes/insert", &[("attribute1", "x".into())]),
        exp(&[("attribute1", "x".into())])
    );
}

#[test]
fn golden_regex_insert() {
    // The example as contrib documents it has an unnamed group `(\?|\&)`, which contrib's own
    // NewAttrProc refuses ("contains at least one unnamed matcher group"); so do we, naming the key.
    let documented: AttributesConfig = parse_component_config(&serde_json::json!({"actions": [{
        "key": "http.url",
        "pattern": "^(?P<http_protocol>.*):\\/\\/(?P<http_domain>.*)\\/(?P<http_path>.*)(\\?|\\&)(?P<http_query_params>.*)",
        "action": "extract"}]}))
    .expect("parses");
    let p = documented.problems();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].path, "actions[0].pattern");
    assert!(p[0].message.contains("unnamed group"), "{}", p[0].message);
    // With the group made non-capturing it gives the documented attributes.
    let url = "http://example.com/path?queryParam1=value1,queryParam2=value2";
    assert_eq!(
        on_record("attributes/regex_insert", &[("http.url", url.into())]),
        exp(&[
            ("http.url", url.into()),
            ("http_protocol", "http".into()),
            ("http_domain", "example.com".into()),
            ("http_path", "path".into()),
            ("http_query_params", "queryParam1=value1,queryParam2=value2".into()),
        ])
    );
    // Not a string, or no match: nothing.
    assert_eq!(
        on_record("attributes/regex_insert", &[("http.url", Value::Int(1))]),
        exp(&[("http.url", Value::Int(1))])
    );
    assert_eq!(
        on_record("attributes/regex_insert", &[("http.url", "nope".into())]),
        exp(&[("http.url", "nope".into())])
    );
}

#[test]
fn golden_update_upsert_delete() {
    assert_eq!(
        on_record(
            "attributes/update",
            &[("boo", "old".into()), ("foo", Value::Int(5)), ("db.secret", "pw".into())]
        ),
        exp(&[("boo", Value::Int(5)), ("foo", Value::Int(5)), ("db.secret", "redacted".into())])
    );
    assert_eq!(on_record("attributes/update", &[("foo", Value::Int(5))]), exp(&[("foo", Value::Int(5))]));
    assert_eq!(
        on_record("attributes/upsert", &[("region", "mars".into()), ("user_key", Value::Bool(true))]),
        exp(&[
            ("region", "planet-earth".into()),
            ("user_key", Value::Bool(true)),
            ("new_user_key", Value::Bool(true))
        ])
    );
    assert_eq!(on_record("attributes/upsert", &[]), exp(&[("region", "planet-earth".into())]));
    assert_eq!(
        on_record(
            "attributes/delete",
            &[("credit_card", "1234".into()), ("duplicate_key", "x".into()), ("k", "v".into())]
        ),
        exp(&[("k", "v".into())])
    );
}

#[test]
fn golden_hash_is_sha1_of_the_value_bytes() {
    assert_eq!(
        on_record("attributes/hash", &[("user.email", "user@example.com".into())]),
        exp(&[("user.email", "63a710569261a24b3766275b7000ce8d7b32e2f7".into())])
    );
    // Expected values from Python's hashlib over the same bytes contrib hashes.
    assert_eq!(sha1_hex(&Value::Int(2245)), "bde71600456e1dc1b1eb9bdd87de20b7550e8392");
    assert_eq!(sha1_hex(&Value::Bool(true)), "bf8b4530d8d246dd74ac53a13471bba17941dff7");
    assert_eq!(sha1_hex(&Value::Double(1.5)), "dd58a0f3fcf1993ddf7bacbaaa2507c430793478");
    assert_eq!(sha1_hex(&Value::Str(Default::default())), "");
    assert_eq!(sha1_hex(&Value::Array(vec![Value::Int(1)])), "");
}

#[test]
fn golden_convert() {
    assert_eq!(
        on_record("attributes/convert", &[("http.status_code", "404".into())]),
        exp(&[("http.status_code", Value::Int(404))])
    );
    assert_eq!(
        on_record("attributes/convert", &[("http.status_code", "n/a".into())]),
        exp(&[("http.status_code", "n/a".into())]),
        "not convertible: left as it is"
    );
    assert_eq!(convert(&Value::Double(3.9), ConvertTo::Int), Some(Value::Int(3)));
    assert_eq!(convert(&Value::Bool(true), ConvertTo::Int), Some(Value::Int(1)));
    assert_eq!(convert(&Value::Int(2), ConvertTo::Double), Some(Value::Double(2.0)));
    assert_eq!(convert(&Value::Str("2.5".into()), ConvertTo::Double), Some(Value::Double(2.5)));
    assert_eq!(convert(&Value::Bool(false), ConvertTo::Double), Some(Value::Double(0.0)));
    assert_eq!(convert(&Value::Int(7), ConvertTo::Str), Some(Value::Str("7".into())));
    assert_eq!(convert(&Value::Double(0.1), ConvertTo::Str), Some(Value::Str("0.1".into())));
    assert_eq!(convert(&Value::Double(1e21), ConvertTo::Str), Some(Value::Str("1e+21".into())));
    assert_eq!(convert(&Value::Double(1e-7), ConvertTo::Str), Some(Value::Str("1e-7".into())));
    assert_eq!(convert(&Value::Str("x".into()), ConvertTo::Str), None);
    assert_eq!(convert(&Value::Array(vec![]), ConvertTo::Int), None);
    assert_eq!(as_string(&Value::Bytes(vec![1, 2, 3])), "AQID");
    assert_eq!(as_string(&Value::Array(vec![Value::Int(1), Value::from("a")])), r#"[1,"a"]"#);
}

#[test]
fn golden_complex_four_spans_as_records() {
    // The example's comments give the attributes before and after, span by span.
    type Pairs = Vec<(&'static str, Value)>;
    let cases: Vec<(Pairs, Pairs)> = vec![
        (
            vec![
                ("timeout", Value::Int(10)),
                ("svc.operation", "addition".into()),
                ("operation", "addition".into()),
            ],
            vec![("timeout", Value::Int(10)), ("svc.operation", "addition".into())],
        ),
        (
            vec![("operation", "subtract".into()), ("math_value", Value::Int(123))],
            vec![("svc.operation", "subtract".into()), ("math_value", Value::Int(123))],
        ),
        (
            vec![("timeout", Value::Int(10)), ("math_value", Value::Int(4))],
            vec![
                ("svc.operation", "default".into()),
                ("timeout", Value::Int(10)),
                ("math_value", Value::Int(4)),
            ],
        ),
        (
            vec![("svc.operation", "division".into()), ("timeout", Value::Int(3))],
            vec![("svc.operation", "default".into()), ("timeout", Value::Int(3))],
        ),
    ];
    for (input, want) in cases {
        assert_eq!(on_record("attributes/complex", &input), exp(&want));
    }
}

#[test]
fn golden_example_with_default_value() {
    assert_eq!(
        on_record(
            "attributes/example",
            &[
                ("db.table", "t".into()),
                ("key_original", "k2".into()),
                ("copy_key", "k1".into()),
                ("account_password", "pw".into()),
                ("account_email", "user@example.com".into()),
                ("http.status_code", "200".into()),
            ]
        ),
        exp(&[
            ("redacted_span", Value::Bool(true)),
            ("key_original", "k2".into()),
            ("copy_key", "k2".into()),
            ("account_id", Value::Int(2245)),
            ("account_email", "63a710569261a24b3766275b7000ce8d7b32e2f7".into()),
            ("http.status_code", Value::Int(200)),
            ("region", "us-east-1".into()),
        ])
    );
    let got = on_record("attributes/example", &[("cloud.region", "eu-west-3".into())]);
    assert!(got.contains(&("region".into(), "eu-west-3".into())));
}

#[test]
fn golden_include_exclude_for_logs() {
    let card = || vec![("credit_card", Value::from("1234")), ("k", Value::from("v"))];
    let rec = || LogRecord { attributes: attrs(&card()), ..Default::default() };
    let res = |t: &str| Resource { attributes: attrs(&[("host.type", t.into())]) };
    // excluderesources
    assert_eq!(
        on_log("attributes/excluderesources", rec(), res("n1-standard-1"), Scope::default()),
        exp(&card())
    );
    assert_eq!(
        on_log("attributes/excluderesources", rec(), res("n2"), Scope::default()),
        exp(&[("k", "v".into())])
    );
    // excludelibrary: name and version must both match.
    let scope = |n: &str, v: &str| Scope { name: n.into(), version: v.into(), ..Default::default() };
    assert_eq!(
        on_log("attributes/excludelibrary", rec(), Resource::default(), scope("mongo-java-driver", "3.8.0")),
        exp(&card())
    );
    assert_eq!(
        on_log("attributes/excludelibrary", rec(), Resource::default(), scope("mongo-java-driver", "3.9.0")),
        exp(&[("k", "v".into())])
    );
    // selectiveprocessing's exclude: typed values, "false" (string) is not false (bool).
    let with = |v: Value| LogRecord {
        attributes: attrs(&[("credit_card", "1234".into()), ("redact_trace", v)]),
        ..Default::default()
    };
    assert_eq!(
        on_log(
            "attributes/selectiveprocessing_logs",
            with(Value::Bool(false)),
            Resource::default(),
            Scope::default()
        ),
        exp(&[("credit_card", "1234".into()), ("redact_trace", Value::Bool(false))])
    );
    assert_eq!(
        on_log(
            "attributes/selectiveprocessing_logs",
            with("false".into()),
            Resource::default(),
            Scope::default()
        ),
        exp(&[("redact_trace", "false".into())])
    );
    // regexp2: an attribute value matched by a regular expression.
    let stmt = |env: &str| LogRecord {
        attributes: attrs(&[
            ("env", env.into()),
            ("db.statement", "SELECT * FROM USERS WHERE id = 1".into()),
        ]),
        ..Default::default()
    };
    assert_eq!(
        on_log(
            "attributes/regexp2",
            stmt("SELECT * FROM USERS WHERE id = 1"),
            Resource::default(),
            Scope::default()
        )[0],
        ("db.statement".into(), "SELECT * FROM USERS [obfuscated]".into())
    );
    assert_eq!(
        on_log("attributes/regexp2", stmt("prod"), Resource::default(), Scope::default())[0],
        ("db.statement".into(), "SELECT * FROM USERS WHERE id = 1".into())
    );
    // log bodies and severity texts.
    let secret = |body: &str, sev: &str| LogRecord {
        body: Some(body.into()),
        severity_text: sev.into(),
        attributes: attrs(&[("password", "pw".into()), ("token", "t".into())]),
        ..Default::default()
    };
    let scrubbed = exp(&[("password", "obfuscated".into())]);
    let untouched = exp(&[("password", "pw".into()), ("token", "t".into())]);
    assert_eq!(
        on_log("attributes/log_body_regexp", secret("AUTH ok", ""), Resource::default(), Scope::default()),
        scrubbed
    );
    assert_eq!(
        on_log("attributes/log_body_regexp", secret("login", ""), Resource::default(), Scope::default()),
        untouched
    );
    assert_eq!(
        on_log("attributes/log_severity_regexp", secret("", "debug2"), Resource::default(), Scope::default()),
        scrubbed
    );
    assert_eq!(
        on_log("attributes/log_severity_regexp", secret("", "info"), Resource::default(), Scope::default()),
        untouched
    );
}

#[test]
fn severity_number_matching() {
    let c: AttributesConfig = parse_component_config(&serde_json::json!({
        "include": {"match_type": "strict", "log_severity_number": {"min": "WARN", "match_undefined": true}},
        "actions": [{"key": "flag", "value": 1, "action": "insert"}]
    }))
    .expect("config");
    let p = proc_for(&c, Signal::Logs);
    let flagged = |sev: SeverityNumber| {
        let mut d = SignalData::Logs(Logs {
            resource_logs: vec![ResourceLogs {
                scope_logs: vec![ScopeLogs {
                    log_records: vec![LogRecord { severity_number: sev, ..Default::default() }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        });
        p.apply(&mut d);
        let SignalData::Logs(l) = d else { unreachable!() };
        l.resource_logs[0].scope_logs[0].log_records[0].attributes.get("flag").is_some()
    };
    assert!(!flagged(SeverityNumber::INFO));
    assert!(flagged(SeverityNumber::WARN));
    assert!(flagged(SeverityNumber::FATAL));
    assert!(flagged(SeverityNumber::UNSPECIFIED), "match_undefined");
    let c2: AttributesConfig = parse_component_config(&serde_json::json!({
        "include": {"match_type": "strict", "log_severity_number": {"min": 13}},
        "actions": [{"key": "flag", "value": 1, "action": "insert"}]
    }))
    .expect("config");
    assert!(AttributesProcessor::new(&c2, Some(Signal::Logs), &Registry::new(), "a").is_ok());
}

fn metrics_batch() -> SignalData {
    let np = |k: &'static str| NumberDataPoint {
        attributes: attrs(&[(k, "x".into()), ("password", "pw".into())]),
        start_time_unix_nano: 0,
        time_unix_nano: 1,
        value: NumberValue::Int(1),
        flags: 0,
    };
    let metric = |name: &str, data: MetricData| Metric {
        name: name.into(),
        description: String::new(),
        unit: String::new(),
        data,
    };
    SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: attrs(&[("db.system.name", "postgresql".into())]) },
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![
                    metric("postgresql.backends", MetricData::Gauge(vec![np("a"), np("b")])),
                    metric(
                        "postgresql.commits",
                        MetricData::Sum {
                            points: vec![np("a")],
                            temporality: Temporality::Cumulative,
                            monotonic: true,
                        },
                    ),
                    metric(
                        "postgresql.latency",
                        MetricData::Histogram {
                            points: vec![HistogramDataPoint {
                                attributes: attrs(&[("password", "pw".into())]),
                                ..Default::default()
                            }],
                            temporality: Temporality::Delta,
                        },
                    ),
                    metric(
                        "mysql.latency",
                        MetricData::Summary(vec![SummaryDataPoint {
                            attributes: attrs(&[("password", "pw".into())]),
                            ..Default::default()
                        }]),
                    ),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

fn point_attrs(d: &SignalData) -> Vec<(String, Attributes)> {
    let SignalData::Metrics(m) = d else { return Vec::new() };
    let mut out = Vec::new();
    for m in m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        match &m.data {
            MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => {
                out.extend(p.iter().map(|p| (m.name.clone(), p.attributes.clone())))
            }
            MetricData::Histogram { points, .. } => {
                out.extend(points.iter().map(|p| (m.name.clone(), p.attributes.clone())))
            }
            MetricData::Summary(p) => out.extend(p.iter().map(|p| (m.name.clone(), p.attributes.clone()))),
        }
    }
    out
}

#[test]
fn metrics_every_point_kind_and_metric_name_matching() {
    let c: AttributesConfig = parse_component_config(&serde_json::json!({
        "include": {"match_type": "regexp", "metric_names": ["^postgresql\\."],
                    "resources": [{"key": "db.system.name", "value": "postgres.*"}]},
        "actions": [{"key": "password", "action": "delete"}]
    }))
    .expect("config");
    let reg = Registry::new();
    let p = AttributesProcessor::new(&c, Some(Signal::Metrics), &reg, "attributes").expect("valid");
    let mut d = metrics_batch();
    p.apply(&mut d);
    for (name, a) in point_attrs(&d) {
        assert_eq!(a.get("password").is_some(), name.starts_with("mysql."), "{name}");
    }
    assert_eq!(reg.counter_total("dbintel_attributes_items_processed_total", &[]), 4);
    assert_eq!(reg.counter_total("dbintel_attributes_items_skipped_total", &[]), 1);
}

#[test]
fn matchers_follow_the_collectors_signal_rules() {
    let problems = |v: serde_json::Value, signal: Signal| -> Vec<ConfigProblem> {
        let c: AttributesConfig = parse_component_config(&v).expect("parses");
        AttributesProcessor::new(&c, Some(signal), &Registry::new(), "a").err().unwrap_or_default()
    };
    let act = serde_json::json!([{"key": "x", "action": "delete"}]);
    // attributes matching: logs yes, metrics no.
    let v = serde_json::json!({"include": {"match_type": "strict", "attributes": [{"key": "env"}]}, "actions": act});
    assert!(problems(v.clone(), Signal::Logs).is_empty());
    let p = problems(v, Signal::Metrics);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].path, "include.attributes");
    assert!(p[0].message.contains("metrics pipeline"), "{}", p[0].message);
    // metric_names: metrics yes, logs no.
    let v = serde_json::json!({"exclude": {"match_type": "strict", "metric_names": ["m"]}, "actions": act});
    assert!(problems(v.clone(), Signal::Metrics).is_empty());
    assert!(problems(v, Signal::Logs).iter().any(|p| p.path == "exclude.metric_names"));
    // services (spans only): a traces pipeline takes them, logs and metrics pipelines refuse them.
    let v = serde_json::json!({"exclude": {"match_type": "strict", "services": ["svcA"],
        "attributes": [{"key": "env", "value": "dev"}]}, "actions": act});
    let c: AttributesConfig = parse_component_config(&v).expect("parses");
    assert!(AttributesFactory.check(&c).is_empty(), "valid for traces");
    assert!(problems(v.clone(), Signal::Traces).is_empty());
    assert!(
        problems(v.clone(), Signal::Logs)
            .iter()
            .any(|p| p.path == "exclude.services" && p.message.contains("spans only"))
    );
    // log and metric keys are refused for spans.
    let v = serde_json::json!({"include": {"match_type": "strict", "log_bodies": ["x"], "metric_names": ["m"]}, "actions": act});
    let p = problems(v, Signal::Traces);
    let keys: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
    assert!(keys.contains(&"include.log_bodies") && keys.contains(&"include.metric_names"), "{p:?}");
    assert!(p.iter().any(|p| p.message.contains("traces pipeline")), "{p:?}");
    // match_type is required; regexp values must be strings.
    let v = serde_json::json!({"include": {"attributes": [{"key": "env"}]}, "actions": act});
    assert!(problems(v, Signal::Logs).iter().any(|p| p.path == "include.match_type"));
    let v = serde_json::json!({"include": {"match_type": "regexp", "attributes": [{"key": "env", "value": 3}]}, "actions": act});
    assert!(problems(v, Signal::Logs).iter().any(|p| p.path == "include.attributes[0].value"));
    // Empty include.
    let v = serde_json::json!({"include": {"match_type": "strict"}, "actions": act});
    assert!(problems(v, Signal::Logs).iter().any(|p| p.path == "include"));
}

#[test]
fn bad_actions_name_the_key() {
    let keys = |v: serde_json::Value| -> Vec<String> {
        let c: AttributesConfig = parse_component_config(&serde_json::json!({"actions": v})).expect("parses");
        AttributesFactory.check(&c).into_iter().map(|p| p.path).collect()
    };
    assert_eq!(keys(serde_json::json!([{"key": "a", "action": "rename"}])), ["actions[0].action"]);
    assert_eq!(keys(serde_json::json!([{"key": "a", "action": "insert"}])), ["actions[0].value"]);
    assert_eq!(
        keys(serde_json::json!([{"key": "a", "value": 1, "from_attribute": "b", "action": "upsert"}])),
        ["actions[0].value"]
    );
    assert_eq!(keys(serde_json::json!([{"action": "delete"}])), ["actions[0].key"]);
    assert_eq!(
        keys(serde_json::json!([{"key": "a", "pattern": "(", "action": "hash"}])),
        ["actions[0].pattern"]
    );
    assert_eq!(keys(serde_json::json!([{"key": "a", "action": "extract"}])), ["actions[0].pattern"]);
    assert_eq!(
        keys(serde_json::json!([{"key": "a", "pattern": "(\\d+)", "action": "extract"}])),
        ["actions[0].pattern"]
    );
    assert_eq!(
        keys(serde_json::json!([{"key": "a", "pattern": "x", "action": "extract"}])),
        ["actions[0].pattern"]
    );
    assert_eq!(keys(serde_json::json!([{"key": "a", "action": "convert"}])), ["actions[0].converted_type"]);
    assert_eq!(
        keys(serde_json::json!([{"key": "a", "converted_type": "bool", "action": "convert"}])),
        ["actions[0].converted_type"]
    );
    assert_eq!(
        keys(serde_json::json!([{"key": "a", "value": 1, "converted_type": "int", "action": "insert"}])),
        ["actions[0].converted_type"]
    );
    // `from_context` loads (with a warning: it never finds a value in dbintel).
    assert!(
        keys(serde_json::json!([{"key": "origin", "from_context": "metadata.origin", "action": "insert"}]))
            .is_empty()
    );
    assert_eq!(keys(serde_json::json!([])), ["actions"]);
    // Upper case actions are accepted, as the Collector's.
    assert!(keys(serde_json::json!([{"key": "a", "action": "DELETE"}])).is_empty());
    // An unknown key is refused by the typed parse, naming it.
    let e = parse_component_config::<AttributesConfig>(
        &serde_json::json!({"actions": [{"key": "a", "action": "delete", "vaule": 1}]}),
    )
    .expect_err("unknown key");
    assert!(e.to_string().contains("vaule"), "{e}");
}

#[test]
fn delete_and_hash_by_pattern() {
    let c: AttributesConfig = parse_component_config(&serde_json::json!({"actions": [
        {"pattern": "^secret\\.", "action": "delete"},
        {"key": "user", "pattern": "^pii\\.", "action": "hash"},
    ]}))
    .expect("config");
    let p = proc_for(&c, Signal::Logs);
    let mut a = attrs(&[
        ("secret.a", "1".into()),
        ("secret.b", "2".into()),
        ("keep", "k".into()),
        ("user", "user@example.com".into()),
        ("pii.email", "user@example.com".into()),
    ]);
    p.actions.apply(&mut a);
    assert_eq!(
        sorted(&a),
        exp(&[
            ("keep", "k".into()),
            ("user", "63a710569261a24b3766275b7000ce8d7b32e2f7".into()),
            ("pii.email", "63a710569261a24b3766275b7000ce8d7b32e2f7".into()),
        ])
    );
}

#[test]
fn factory_builds_per_pipeline_signal_and_copies_shared_batches() {
    let f: &dyn Factory = &AttributesFactory;
    let mut ctx = CreateContext::new(ComponentId::new("attributes", Some("x".into())), Registry::new());
    ctx.pipeline = Some(PipelineId::new(Signal::Metrics, None));
    let v = serde_json::json!({"include": {"match_type": "strict", "log_bodies": ["x"]}, "actions": [{"key": "a", "action": "delete"}]});
    assert!(f.create(&ctx, &v).is_err(), "log_bodies in a metrics pipeline");
    // `dbintel validate` finds the same through the per-signal hook, naming the key.
    assert!(f.validate(&v).is_ok(), "valid for logs, so not an error whatever the pipeline");
    let p = f.validate_for_signal(&v, Signal::Metrics);
    assert_eq!(p.first().map(|p| p.path.as_str()), Some("include.log_bodies"), "{p:?}");
    assert!(p[0].message.contains("metrics pipeline"), "{p:?}");
    assert!(f.validate_for_signal(&v, Signal::Logs).is_empty());
    ctx.pipeline = Some(PipelineId::new(Signal::Logs, None));
    let built = f.create(&ctx, &v);
    let Ok(dbintel_core::component::Built::Processor(mut p)) = built else { panic!("built") };
    let input = Arc::new(SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    body: Some("x".into()),
                    attributes: attrs(&[("a", "1".into())]),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }));
    let keep = Arc::clone(&input);
    let mut out = Vec::new();
    p.process(input, &mut out).expect("process");
    let SignalData::Logs(before) = &*keep else { panic!("logs") };
    assert!(before.resource_logs[0].scope_logs[0].log_records[0].attributes.get("a").is_some());
    let SignalData::Logs(after) = &*out[0] else { panic!("logs") };
    assert!(after.resource_logs[0].scope_logs[0].log_records[0].attributes.get("a").is_none());
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        ".{0,12}".prop_map(Value::from),
        "[0-9.eE+-]{0,8}".prop_map(Value::from),
        any::<i64>().prop_map(Value::Int),
        any::<f64>().prop_map(Value::Double),
        any::<bool>().prop_map(Value::Bool),
        proptest::collection::vec(any::<u8>(), 0..8).prop_map(Value::Bytes),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::vec(("[a-z]{1,3}", inner), 0..3)
                .prop_map(|kv| Value::Map(kv.into_iter().collect::<Attributes>())),
        ]
    })
}

proptest! {
    /// Every documented example over arbitrary attributes, bodies and severities: nothing panics,
    /// and delete actions leave no deleted key behind.
    #[test]
    fn no_input_panics(
        kv in proptest::collection::vec((prop_oneof![
            Just("http.url".to_string()), Just("http.status_code".to_string()), Just("user.email".to_string()),
            Just("operation".to_string()), Just("credit_card".to_string()), Just("env".to_string()),
            Just("foo".to_string()), "[a-z.]{1,6}"], any_value()), 0..8),
        body in proptest::option::of(any_value()),
        sev in -5i32..30,
        text in ".{0,6}",
    ) {
        let all = examples();
        let names: Vec<String> = all.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        for name in names {
            let c = config(&name);
            let p = proc_for(&c, Signal::Logs);
            let r = LogRecord {
                body: body.clone(),
                severity_number: SeverityNumber(sev),
                severity_text: text.as_str().into(),
                attributes: kv.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                ..Default::default()
            };
            let mut d = SignalData::Logs(Logs { resource_logs: vec![ResourceLogs {
                scope_logs: vec![ScopeLogs { log_records: vec![r], ..Default::default() }], ..Default::default() }] });
            p.apply(&mut d);
            let SignalData::Logs(l) = &d else { unreachable!() };
            let out = &l.resource_logs[0].scope_logs[0].log_records[0].attributes;
            if name == "attributes/delete" {
                prop_assert!(out.get("credit_card").is_none());
            }
        }
    }
}

fn any_json() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        (-1e30f64..1e30).prop_map(serde_json::Value::from),
        ".{0,8}".prop_map(serde_json::Value::from),
        proptest::collection::vec(any::<i8>(), 0..3).prop_map(|v| serde_json::json!(v)),
        Just(serde_json::json!({"a": 1, "b": [null]})),
    ]
}

fn any_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("(".to_string()),
        Just("^(?P<a>[a-z]+)(?P<b>\\d*)$".to_string()),
        Just("(x)(?P<n>y)".to_string()),
        Just("a{1000}{1000}".to_string()),
        Just("^pii\\.".to_string()),
        ".{0,6}",
    ]
}

proptest! {
    /// Arbitrary action and match configs: compiling never panics, and what compiles runs on
    /// arbitrary attributes without panicking.
    #[test]
    fn no_config_panics(
        actions in proptest::collection::vec((
            prop_oneof![Just("insert"), Just("UPDATE"), Just("upsert"), Just("delete"), Just("hash"),
                        Just("extract"), Just("convert"), Just("bogus"), Just("")],
            prop_oneof![Just(""), Just("a"), Just("b"), Just("pii.x")],
            proptest::option::of(any_json()),
            any_pattern(),
            prop_oneof![Just(""), Just("b"), Just("missing")],
            prop_oneof![Just(""), Just("int"), Just("double"), Just("string"), Just("bool")],
            proptest::option::of(any_json()),
        ), 0..5),
        include in proptest::option::of((
            prop_oneof![Just(None), Just(Some("strict")), Just(Some("regexp")), Just(Some("glob"))],
            proptest::collection::vec(any_pattern(), 0..2),
            proptest::collection::vec((prop_oneof![Just(""), Just("a")], proptest::option::of(any_json())), 0..2),
            proptest::option::of(prop_oneof![any::<i64>().prop_map(serde_json::Value::from), ".{0,6}".prop_map(serde_json::Value::from)]),
        )),
        kv in proptest::collection::vec((prop_oneof![Just("a"), Just("b"), Just("pii.x"), Just("c")], any_value()), 0..6),
    ) {
        let acts: Vec<serde_json::Value> = actions.into_iter().map(|(action, key, value, pattern, from, conv, default)| {
            let mut m = serde_json::Map::new();
            m.insert("action".into(), action.into());
            if !key.is_empty() { m.insert("key".into(), key.into()); }
            if let Some(v) = value { m.insert("value".into(), v); }
            if !pattern.is_empty() { m.insert("pattern".into(), pattern.into()); }
            if !from.is_empty() { m.insert("from_attribute".into(), from.into()); }
            if !conv.is_empty() { m.insert("converted_type".into(), conv.into()); }
            if let Some(v) = default { m.insert("default_value".into(), v); }
            serde_json::Value::Object(m)
        }).collect();
        let mut section = serde_json::json!({"actions": acts});
        if let Some((mt, bodies, attributes, sev)) = include {
            let mut inc = serde_json::Map::new();
            if let Some(mt) = mt { inc.insert("match_type".into(), mt.into()); }
            if !bodies.is_empty() { inc.insert("log_bodies".into(), serde_json::json!(bodies)); }
            if !attributes.is_empty() {
                inc.insert("attributes".into(), serde_json::Value::Array(attributes.into_iter().map(|(k, v)| {
                    let mut a = serde_json::Map::new();
                    a.insert("key".into(), k.into());
                    if let Some(v) = v { a.insert("value".into(), v); }
                    serde_json::Value::Object(a)
                }).collect()));
            }
            if let Some(min) = sev { inc.insert("log_severity_number".into(), serde_json::json!({"min": min})); }
            section["include"] = serde_json::Value::Object(inc);
        }
        let Ok(c) = parse_component_config::<AttributesConfig>(&section) else { return Ok(()) };
        let _ = AttributesFactory.check(&c);
        for signal in [Signal::Logs, Signal::Metrics] {
            if let Ok(p) = AttributesProcessor::new(&c, Some(signal), &Registry::new(), "a") {
                let mut d = SignalData::Logs(Logs { resource_logs: vec![ResourceLogs {
                    scope_logs: vec![ScopeLogs { log_records: vec![LogRecord {
                        attributes: kv.iter().map(|(k, v)| (*k, v.clone())).collect(),
                        body: Some(Value::from("AUTH")),
                        ..Default::default()
                    }], ..Default::default() }], ..Default::default() }] });
                p.apply(&mut d);
                let mut m = metrics_batch();
                p.apply(&mut m);
            }
        }
    }
}

/// Contrib's span matching: services (the resource's service.name, `<nil-service-name>` when
/// absent), span names, kinds as `SPAN_KIND_*`, span attributes, libraries; exclude after include.
#[test]
fn spans_are_selected_by_services_names_kinds_and_attributes() {
    use dbintel_core::pdata::SpanKind;
    let c: AttributesConfig = parse_component_config(&serde_json::json!({
        "include": {"match_type": "regexp", "services": ["^check"], "span_names": ["^SELECT"],
                    "span_kinds": ["SPAN_KIND_CLIENT"], "libraries": [{"name": "jdbc"}]},
        "exclude": {"match_type": "strict", "attributes": [{"key": "db.namespace", "value": "audit"}]},
        "actions": [{"key": "db.query.text", "action": "delete"}, {"key": "gateway", "value": "dbintel", "action": "insert"}],
    }))
    .expect("parses");
    let reg = Registry::new();
    let p = AttributesProcessor::new(&c, Some(Signal::Traces), &reg, "attributes").expect("valid");
    let client = |name: &str, ns: &str| {
        let mut s = crate::test_util::span(
            name,
            1,
            &[("db.query.text", Value::from("SELECT 1")), ("db.namespace", Value::from(ns))],
        );
        s.kind = SpanKind::CLIENT;
        s
    };
    let mut server = client("SELECT orders", "orders");
    server.kind = SpanKind::SERVER;
    let spans = vec![
        client("SELECT orders", "orders"),
        client("UPDATE orders", "orders"),
        server,
        client("SELECT log", "audit"),
    ];
    let mut data = crate::test_util::traces(spans);
    p.apply(Arc::make_mut(&mut data));
    let out = crate::test_util::kept_spans(&[data]);
    let touched: Vec<bool> = out.iter().map(|s| s.attributes.get("gateway").is_some()).collect();
    assert_eq!(touched, [true, false, false, false]);
    assert!(out[0].attributes.get("db.query.text").is_none());
    assert!(out[1].attributes.get("db.query.text").is_some());
    assert_eq!(reg.counter_total("dbintel_attributes_items_processed_total", &[]), 1);
    assert_eq!(reg.counter_total("dbintel_attributes_items_skipped_total", &[]), 3);
    // No service.name: compared as `<nil-service-name>`.
    let c: AttributesConfig = parse_component_config(&serde_json::json!({
        "include": {"match_type": "strict", "services": ["<nil-service-name>"]},
        "actions": [{"key": "x", "value": 1, "action": "insert"}],
    }))
    .expect("parses");
    let p = AttributesProcessor::new(&c, Some(Signal::Traces), &Registry::new(), "a").expect("valid");
    let mut data = crate::test_util::traces(vec![crate::test_util::span("a", 1, &[])]);
    p.apply(Arc::make_mut(&mut data));
    assert!(
        crate::test_util::kept_spans(&[data.clone()])[0].attributes.get("x").is_none(),
        "service.name is set"
    );
    if let SignalData::Traces(t) = Arc::make_mut(&mut data) {
        t.resource_spans[0].resource.attributes.remove("service.name");
    }
    p.apply(Arc::make_mut(&mut data));
    assert!(crate::test_util::kept_spans(&[data])[0].attributes.get("x").is_some());
}
