use std::sync::Arc;

use dbintel_core::pdata::{Attributes, LogRecord, Value};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Factory, Processor, parse_component_config};
use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::test_util::{kept, logs};

const MINUTE_NANOS: u64 = 60_000_000_000;

fn rec(fp: &str, attrs: &[(&'static str, Value)], time: u64) -> LogRecord {
    let mut a = Attributes::from_iter([("dbintel.query.fingerprint", Value::from(fp))]);
    for (k, v) in attrs {
        a.insert(*k, v.clone());
    }
    LogRecord {
        time_unix_nano: time,
        event_name: "db.server.top_query".into(),
        attributes: a,
        ..Default::default()
    }
}

fn sampler(cfg: AdaptiveSamplerConfig) -> (AdaptiveSampler, Registry) {
    let reg = Registry::new();
    (AdaptiveSampler::new(cfg, &reg, "adaptivesampler").unwrap(), reg)
}

/// No dedup, no rules, a large budget: only the rate decides.
fn plain(rate: f64) -> AdaptiveSamplerConfig {
    AdaptiveSamplerConfig {
        default_sample_rate: rate,
        max_records_per_second: 10_000_000,
        deduplication: DedupConfig { enabled: false, ..Default::default() },
        rules: Vec::new(),
        ..Default::default()
    }
}

fn run(p: &mut AdaptiveSampler, records: Vec<LogRecord>) -> Vec<LogRecord> {
    let mut out = Vec::new();
    p.process(logs(records), &mut out).unwrap();
    kept(&out)
}

fn dropped(reg: &Registry, reason: &str) -> u64 {
    reg.counter_total("dbintel_adaptivesampler_records_dropped_total", &[("reason", reason)])
}

#[test]
fn defaults_load_from_an_empty_section_and_from_the_prototype_config() {
    let f = AdaptiveSamplerFactory;
    assert!(f.validate(&serde_json::Value::Null).is_ok());
    let proto = json!({
        "in_memory_only": true,
        "default_sample_rate": 0.1,
        "max_records_per_second": 1000,
        "enable_debug_logging": false,
        "deduplication": {"enabled": true, "cache_size": 10000, "window_seconds": 300,
            "hash_attribute": "db.query.plan.hash", "cleanup_interval": "60s"},
        "rules": [
            {"name": "critical_queries", "priority": 100, "sample_rate": 1.0,
             "conditions": [{"attribute": "avg_duration_ms", "operator": "gt", "value": 1000}]},
            {"name": "missing", "priority": 90, "sample_rate": 1.0,
             "conditions": [{"attribute": "db.query.plan.has_seq_scan", "operator": "eq", "value": true},
                            {"attribute": "x", "operator": "exists"}]}
        ]
    });
    assert!(f.validate(&proto).is_ok(), "{:?}", f.validate(&proto));
    assert_eq!(f.ignored_keys(&proto).len(), 2);
    assert!(
        f.create(
            &dbintel_core::CreateContext::new("adaptivesampler".parse().unwrap(), Registry::new()),
            &proto
        )
        .is_ok()
    );
    assert!(f.validate(&json!({"bogus": 1})).is_err());
}

#[test]
fn bad_values_are_reported_with_their_path() {
    let f = AdaptiveSamplerFactory;
    let bad = json!({
        "default_sample_rate": 1.5,
        "max_records_per_second": 0,
        "rules": [
            {"name": "a", "sample_rate": -1, "conditions": [{"attribute": "x", "operator": "gt", "value": "abc"}]},
            {"name": "a", "sample_rate": 0.5, "conditions": [{"attribute": "x", "operator": "eq"}]}
        ]
    });
    let problems = f.validate(&bad).unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    for want in [
        "default_sample_rate",
        "max_records_per_second",
        "rules[0].sample_rate",
        "rules[0].conditions[0]",
        "rules[1].name",
        "rules[1].conditions[0]",
    ] {
        assert!(paths.contains(&want), "{want} missing in {paths:?}");
    }
}

fn one_rule(op: &str, value: serde_json::Value) -> rules::Condition {
    let c: ConditionConfig =
        parse_component_config(&json!({"attribute": "a", "operator": op, "value": value})).unwrap();
    rules::Condition::compile(&c).unwrap()
}

#[test]
fn operators_follow_the_prototype() {
    let with = |v: Value| Attributes::from_iter([("a", v)]);
    let none = Attributes::new();
    assert!(one_rule("gt", json!(1000)).holds(&with(Value::Double(1500.0))));
    assert!(one_rule("gt", json!(1000)).holds(&with(Value::from("1500"))));
    assert!(!one_rule("gt", json!(1000)).holds(&with(Value::from("slow"))));
    assert!(!one_rule("gt", json!(1000)).holds(&none));
    assert!(one_rule("gte", json!(5)).holds(&with(Value::Int(5))));
    assert!(one_rule("lt", json!(5)).holds(&with(Value::Int(4))));
    assert!(!one_rule("lte", json!(5)).holds(&with(Value::Int(6))));
    assert!(one_rule("eq", json!(true)).holds(&with(Value::from("true"))));
    assert!(one_rule("eq", json!(true)).holds(&with(Value::Bool(true))));
    assert!(!one_rule("eq", json!(true)).holds(&with(Value::from("yes"))));
    assert!(one_rule("eq", json!(3)).holds(&with(Value::from("3.0"))));
    assert!(one_rule("eq", json!("orders")).holds(&with(Value::from("orders"))));
    assert!(one_rule("ne", json!("orders")).holds(&with(Value::from("users"))));
    assert!(!one_rule("ne", json!("orders")).holds(&none));
    assert!(one_rule("contains", json!("JOIN")).holds(&with(Value::from("SELECT a JOIN b"))));
    assert!(one_rule("exists", json!(true)).holds(&with(Value::Int(0))));
    assert!(one_rule("exists", json!(false)).holds(&none));
    assert!(!one_rule("exists", json!(false)).holds(&with(Value::Int(0))));
}

#[test]
fn the_highest_priority_matching_rule_decides_and_kept_records_carry_the_rate() {
    let mut cfg = plain(0.0);
    cfg.rules = vec![
        RuleConfig {
            name: "low".into(),
            priority: 1,
            sample_rate: 0.0,
            max_per_minute: 0,
            conditions: vec![],
            expression: None,
        },
        RuleConfig {
            name: "slow".into(),
            priority: 100,
            sample_rate: 1.0,
            max_per_minute: 0,
            conditions: vec![ConditionConfig {
                attribute: "avg_duration_ms".into(),
                operator: Operator::Gt,
                value: Some(json!(1000)),
            }],
            expression: None,
        },
    ];
    let (mut p, reg) = sampler(cfg);
    let out = run(
        &mut p,
        vec![
            rec("0000000000000001", &[("avg_duration_ms", Value::Double(2000.0))], 1),
            rec("0000000000000002", &[("avg_duration_ms", Value::Double(10.0))], 1),
        ],
    );
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].attributes.get(SAMPLING_RATE), Some(&Value::Double(1.0)));
    assert_eq!(reg.counter_total("dbintel_adaptivesampler_records_sampled_total", &[]), 1);
    assert_eq!(dropped(&reg, "sampled_out"), 1);
}

#[test]
fn default_rules_work_on_our_events_and_legacy_names() {
    let mut cfg = AdaptiveSamplerConfig::default();
    cfg.deduplication.enabled = false;
    let (mut p, _) = sampler(cfg);
    let out = run(
        &mut p,
        vec![
            rec("00000000000000a1", &[("dbintel.exec_time.mean", Value::Double(2.5))], 1),
            rec("00000000000000a2", &[("avg_duration_ms", Value::Double(1500.0))], 1),
            rec(
                "00000000000000a3",
                &[
                    ("db.query.plan.has_seq_scan", Value::Bool(true)),
                    ("db.query.plan.rows", Value::Int(50_000)),
                ],
                1,
            ),
        ],
    );
    assert_eq!(out.len(), 3);
}

#[test]
fn dedup_uses_the_fingerprint_when_the_hash_attribute_is_absent() {
    let mut cfg = plain(1.0);
    cfg.deduplication.enabled = true;
    let (mut p, reg) = sampler(cfg);
    // Same statement, different literals, no fingerprint and no plan hash: the processor computes it.
    let text = |t: &str| LogRecord {
        attributes: Attributes::from_iter([("db.query.text", Value::from(t))]),
        ..Default::default()
    };
    let out = run(&mut p, vec![text("SELECT * FROM t WHERE id = 1"), text("select * from t where id = 42")]);
    assert_eq!(out.len(), 1);
    assert_eq!(dropped(&reg, "duplicate"), 1);
    // With the plan hash present, it is the key: another plan of the same query is no duplicate.
    let with_plan = |h: &str| rec("00000000000000ff", &[("db.query.plan.hash", Value::from(h))], 1);
    let out = run(&mut p, vec![with_plan("p1"), with_plan("p2"), with_plan("p1")]);
    assert_eq!(out.len(), 2);
    // Another query with the same plan shape is no duplicate (the prototype's plan-hash-only key
    // merged them).
    assert_eq!(
        run(&mut p, vec![rec("00000000000000fe", &[("db.query.plan.hash", Value::from("p1"))], 1)]).len(),
        1
    );
    // Before the plan extractor ran, our receivers' plan hash gives the same key as its attribute.
    let h = "00000000000000aa";
    let before = rec("0000000000000abc", &[("dbintel.plan.hash", Value::from(h))], 1);
    let after = rec("0000000000000abc", &[("db.query.plan.hash", Value::from(h))], 1);
    assert_eq!(run(&mut p, vec![before, after]).len(), 1);
    // A record with neither is never a duplicate.
    let bare = LogRecord { body: Some(Value::from("x")), ..Default::default() };
    assert_eq!(run(&mut p, vec![bare.clone(), bare]).len(), 2);
}

#[test]
fn the_fingerprint_attribute_and_the_text_give_the_same_identity() {
    let text = "SELECT * FROM orders WHERE id = 7";
    let fp = dbintel_sql::fingerprint(dbintel_sql::Dialect::Postgresql, text).unwrap().to_hex();
    let mut cfg = plain(1.0);
    cfg.deduplication.enabled = true;
    let (mut p, _) = sampler(cfg);
    let a = LogRecord { attributes: Attributes::from_iter([("db.query.text", text)]), ..Default::default() };
    let b = rec(&fp, &[], 0);
    assert_eq!(run(&mut p, vec![a, b]).len(), 1);
}

#[test]
fn per_rule_cap_counts_only_kept_records() {
    let mut cfg = plain(0.0);
    cfg.rules = vec![RuleConfig {
        name: "hf".into(),
        priority: 50,
        sample_rate: 0.5,
        max_per_minute: 10,
        conditions: vec![],
        expression: None,
    }];
    let (mut p, reg) = sampler(cfg);
    let records: Vec<_> = (0..1000).map(|i| rec(&format!("q{i}"), &[], 1)).collect();
    let out = run(&mut p, records);
    assert_eq!(out.len(), 10);
    // Records the draw dropped did not use the cap (the prototype's did).
    assert!(dropped(&reg, "rule_cap") > 0);
    assert!(dropped(&reg, "sampled_out") > 300);
}

#[test]
fn the_budget_drops_ordinary_records_but_never_critical_ones() {
    let mut cfg = plain(1.0);
    cfg.max_records_per_second = 5;
    cfg.rules = vec![RuleConfig {
        name: "critical".into(),
        priority: 100,
        sample_rate: 1.0,
        max_per_minute: 0,
        conditions: vec![ConditionConfig {
            attribute: "critical".into(),
            operator: Operator::Exists,
            value: None,
        }],
        expression: None,
    }];
    let (mut p, reg) = sampler(cfg);
    let mut records: Vec<_> = (0..20).map(|i| rec(&format!("o{i}"), &[], 1)).collect();
    records.extend((0..20).map(|i| rec(&format!("c{i}"), &[("critical", Value::Bool(true))], 1)));
    let out = run(&mut p, records);
    let critical = out.iter().filter(|r| r.attributes.get("critical").is_some()).count();
    assert_eq!(critical, 20);
    assert_eq!(out.len() - critical, 5);
    assert_eq!(dropped(&reg, "rate_limit"), 15);
}

#[test]
fn decisions_are_deterministic_across_replicas_and_replays() {
    let records: Vec<_> = (0..5000)
        .map(|i| rec(&format!("query-{}", i % 700), &[], (i as u64 / 700) * MINUTE_NANOS + 1))
        .collect();
    let (mut a, _) = sampler(plain(0.3));
    let (mut b, _) = sampler(plain(0.3));
    let ka = run(&mut a, records.clone());
    // The replica sees the same records in other batches and order.
    let mut rev = records.clone();
    rev.reverse();
    let mut kb: Vec<LogRecord> = rev.chunks(333).flat_map(|c| run(&mut b, c.to_vec())).collect();
    kb.reverse();
    assert_eq!(ka, kb);
    // The same query in the same interval is decided once: all its records kept or all dropped.
    let (mut c, _) = sampler(plain(0.5));
    let same: Vec<_> = (0..50).map(|_| rec("one-query", &[], 7)).collect();
    let n = run(&mut c, same).len();
    assert!(n == 0 || n == 50);
}

#[test]
fn upstream_rates_multiply() {
    let (mut p, _) = sampler(plain(1.0));
    let out = run(&mut p, vec![rec("x", &[(SAMPLING_RATE, Value::Double(0.25))], 1)]);
    assert_eq!(out[0].attributes.get(SAMPLING_RATE), Some(&Value::Double(0.25)));
}

#[test]
fn a_shared_batch_is_not_changed() {
    let (mut p, _) = sampler(plain(0.5));
    let data = logs((0..100).map(|i| rec(&format!("s{i}"), &[], 1)).collect());
    let keep = Arc::clone(&data);
    let mut out = Vec::new();
    p.process(data, &mut out).unwrap();
    assert_eq!(keep.item_count(), 100);
    let k = kept(&out);
    assert!(!k.is_empty() && k.len() < 100);
    assert!(k.iter().all(|r| r.attributes.get(SAMPLING_RATE).is_some()));
}

fn adaptive(budget: u64) -> AdaptiveSamplerConfig {
    let mut cfg = plain(0.1);
    cfg.adaptive.enabled = true;
    cfg.max_records_per_second = budget;
    cfg
}

#[test]
fn adaptive_rates_rise_for_slow_erroring_and_variable_queries() {
    let (mut p, _) = sampler(adaptive(1_000_000));
    let now = tokio::time::Instant::now();
    let r = |fp: &str, attrs: &[(&'static str, Value)]| rec(fp, attrs, 1);
    let fast = p.adaptive_rate(&r("fast", &[("avg_duration_ms", Value::Double(5.0))]), 1, now).unwrap();
    let slow = p.adaptive_rate(&r("slow", &[("avg_duration_ms", Value::Double(5000.0))]), 2, now).unwrap();
    let erring = p.adaptive_rate(&r("err", &[("error_count", Value::Int(2))]), 3, now).unwrap();
    let variable = p
        .adaptive_rate(
            &r(
                "var",
                &[
                    ("dbintel.exec_time.mean", Value::Double(0.2)),
                    ("dbintel.exec_time.stddev", Value::Double(0.5)),
                ],
            ),
            4,
            now,
        )
        .unwrap();
    assert!(fast <= 0.02, "{fast}");
    assert!(slow > 0.5, "{slow}");
    assert_eq!(erring, 1.0);
    assert!(variable > fast, "{variable}");
}

#[test]
fn adaptive_volume_guard_lowers_rates_near_the_budget_but_not_critical_ones() {
    let mut cfg = adaptive(100);
    cfg.rules = vec![RuleConfig {
        name: "critical".into(),
        priority: 100,
        sample_rate: 1.0,
        max_per_minute: 0,
        conditions: vec![ConditionConfig {
            attribute: "critical".into(),
            operator: Operator::Exists,
            value: None,
        }],
        expression: None,
    }];
    let (mut p, reg) = sampler(cfg);
    let mid: Vec<_> =
        (0..2000).map(|i| rec(&format!("m{i}"), &[("avg_duration_ms", Value::Double(600.0))], 1)).collect();
    let crit: Vec<_> =
        (0..300).map(|i| rec(&format!("c{i}"), &[("critical", Value::Bool(true))], 1)).collect();
    let out = run(&mut p, [crit, mid].concat());
    let c = out.iter().filter(|r| r.attributes.get("critical").is_some()).count();
    assert_eq!(c, 300);
    assert_eq!(out.len(), 300, "the critical records took the whole budget");
    assert!(dropped(&reg, "rate_limit") + dropped(&reg, "sampled_out") == 2000);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_input_panics(
        attrs in proptest::collection::vec(
            (prop_oneof![Just("db.query.text".to_string()), Just("avg_duration_ms".to_string()),
                Just("dbintel.query.fingerprint".to_string()), Just("db.query.plan.hash".to_string()),
                Just("error_count".to_string()), "[a-z.]{1,12}"],
             prop_oneof![any::<String>().prop_map(Value::from), any::<i64>().prop_map(Value::Int),
                any::<f64>().prop_map(Value::Double), any::<bool>().prop_map(Value::Bool)]), 0..12),
        time in any::<u64>(),
        adaptive_on in any::<bool>(),
    ) {
        let mut cfg = AdaptiveSamplerConfig::default();
        cfg.adaptive.enabled = adaptive_on;
        let (mut p, _) = sampler(cfg);
        let r = LogRecord { time_unix_nano: time, attributes: attrs.into_iter().collect(), ..Default::default() };
        let out = run(&mut p, vec![r.clone(), r]);
        for k in out {
            let rate = k.attributes.get(SAMPLING_RATE).and_then(|v| match v { Value::Double(d) => Some(*d), _ => None });
            prop_assert!(rate.is_some_and(|r| r > 0.0 && r <= 1.0));
        }
    }

    #[test]
    fn kept_fraction_is_within_statistical_bounds_of_the_rate(rate in 0.01f64..0.99, seed in any::<u32>()) {
        let n = 4000usize;
        let (mut p, _) = sampler(plain(rate));
        let records: Vec<_> = (0..n).map(|i| rec(&format!("{seed}-{i}"), &[], 1)).collect();
        let k = run(&mut p, records).len() as f64;
        let mean = rate * n as f64;
        let sd = (n as f64 * rate * (1.0 - rate)).sqrt();
        // 5 standard deviations: a failure means a biased draw, not bad luck (p < 1e-6).
        prop_assert!((k - mean).abs() <= 5.0 * sd + 1.0, "kept {k}, expected {mean} ± {sd}");
    }
}

#[test]
fn default_sample_rate_decides_records_no_default_rule_matches() {
    // With the default rules, an ordinary record (no critical, index or frequency condition) gets
    // `default_sample_rate`: 1 keeps all of them, 0 none.
    for (rate, want) in [(1.0, 50), (0.0, 0)] {
        let cfg = AdaptiveSamplerConfig {
            default_sample_rate: rate,
            deduplication: DedupConfig { enabled: false, ..DedupConfig::default() },
            max_records_per_second: 1_000_000,
            ..AdaptiveSamplerConfig::default()
        };
        let (mut p, _) = sampler(cfg);
        let records =
            (0..50).map(|i| rec(&format!("{i:016x}"), &[("postgresql.calls", Value::Int(3))], 1)).collect();
        assert_eq!(run(&mut p, records).len(), want, "rate {rate}");
    }
}

#[test]
fn the_dedup_window_is_measured_in_record_time() {
    // A replay processes an hour of records in an instant: what the window says in record time
    // decides, as it did live. 300 s window: 100 s apart is a duplicate, 400 s apart is not.
    let mut cfg = plain(1.0);
    cfg.deduplication.enabled = true;
    let (mut p, reg) = sampler(cfg);
    let s = 1_000_000_000u64;
    let t0 = 1_796_000_000 * s;
    let out = run(&mut p, vec![rec("00000000000000a1", &[], t0), rec("00000000000000a1", &[], t0 + 100 * s)]);
    assert_eq!(out.len(), 1);
    assert_eq!(dropped(&reg, "duplicate"), 1);
    let out = run(&mut p, vec![rec("00000000000000a1", &[], t0 + 400 * s)]);
    assert_eq!(out.len(), 1, "400 s after the kept one: outside the window");
    // Records without a time fall back to the cache's process-time window: a repeat is a duplicate.
    let out = run(&mut p, vec![rec("00000000000000b2", &[], 0), rec("00000000000000b2", &[], 0)]);
    assert_eq!(out.len(), 1);
}

/// The prototype's configs write rules as free text (`expression`, or `condition`); its Go had no
/// such field. The comparison subset compiles to conditions, and `validate` says what each reads as.
#[test]
fn rule_expressions_compile_to_conditions() {
    use rules::parse_expression;
    let c = |a: &str, op: Operator, v: serde_json::Value| ConditionConfig {
        attribute: a.into(),
        operator: op,
        value: Some(v),
    };
    // From database-intelligence-mvp/config/collector-feature-aware.yaml and collector-querylens.yaml.
    assert_eq!(
        parse_expression(r#"attributes["duration_ms"] > 1000"#).unwrap(),
        vec![c("duration_ms", Operator::Gt, json!(1000.0))]
    );
    assert_eq!(
        parse_expression(r#"attributes["db.plan.changed"] == true"#).unwrap(),
        vec![c("db.plan.changed", Operator::Eq, json!(true))]
    );
    // From collector-simplified.yaml and tests/e2e/.../custom-processors-e2e.yaml.
    assert_eq!(
        parse_expression("mean_exec_time <= 1000").unwrap(),
        vec![c("mean_exec_time", Operator::Lte, json!(1000.0))]
    );
    assert_eq!(
        parse_expression(r#"double(attributes["mean_exec_time"]) > 100 and int(attributes['calls']) >= 5"#)
            .unwrap(),
        vec![c("mean_exec_time", Operator::Gt, json!(100.0)), c("calls", Operator::Gte, json!(5.0))]
    );
    assert_eq!(
        parse_expression(r#"attributes["query_text"] != "" && attributes["x"] != nil"#).unwrap(),
        vec![c("query_text", Operator::Ne, json!("")), c("x", Operator::Exists, json!(true))]
    );
    // What the subset does not have is refused, saying what.
    for (text, why) in [
        ("severity == 'ERROR' or severity == 'FATAL'", "`or` is not supported"),
        (r#"IsMatch(attributes["query"], "pg_.*")"#, "the function `IsMatch` is not supported"),
        (r#"attributes["query"] matches "pg_*""#, "`matches` is not an operator"),
        (r#"metrics["db.querylens.query.blocks_read"] > 10000"#, "`metrics[...]` is not supported"),
        (r#"attributes["x"] > "a""#, "needs a number"),
        ("", "the expression is empty"),
        ("> 3", "expected an attribute"),
        ("x > 1 and", "empty comparison"),
        (r#"attributes["x] > 1"#, "unterminated string"),
    ] {
        let e = parse_expression(text).unwrap_err();
        assert!(e.contains(why), "{text}: {e}");
    }
}

#[test]
fn a_rule_with_an_expression_matches_what_it_says() {
    let f = AdaptiveSamplerFactory;
    // An excerpt of database-intelligence-mvp/config/collector-feature-aware.yaml (processors.adaptivesampler).
    let section = json!({
        "rules": [
            {"name": "slow_queries", "expression": "attributes[\"duration_ms\"] > 1000", "sampling_rate": 1.0},
            {"name": "normal_queries", "expression": "attributes[\"duration_ms\"] <= 1000", "sampling_rate": 0.0}
        ],
        "default_sampling_rate": 0.05
    });
    assert!(f.validate(&section).is_ok(), "{:?}", f.validate(&section));
    let notes = f.warnings(&section);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].path, "rules[0].expression");
    assert!(notes[0].message.contains("`duration_ms` > 1000.0"), "{}", notes[0].message);
    let mut cfg: AdaptiveSamplerConfig = parse_component_config(&section).unwrap();
    cfg.deduplication.enabled = false;
    let (mut p, _) = sampler(cfg);
    let kept = run(
        &mut p,
        vec![
            rec("a", &[("duration_ms", Value::Double(1500.0))], 0),
            rec("b", &[("duration_ms", Value::Int(20))], 0),
            rec("c", &[], 0),
        ],
    );
    // slow kept (rate 1), normal dropped (rate 0), no attribute: neither rule, default 0.05.
    let fps: Vec<_> = kept.iter().map(|r| r.attributes.get("dbintel.query.fingerprint").cloned()).collect();
    assert!(fps.contains(&Some(Value::from("a"))), "{fps:?}");
    assert!(!fps.contains(&Some(Value::from("b"))), "{fps:?}");
    // A refused expression is a problem at its key; `sampling_rate: 100` (a percentage) is out of range.
    let bad = json!({"rules": [{"name": "r", "condition": "severity == 'ERROR' or severity == 'FATAL'", "sampling_rate": 100}]});
    let problems = f.validate(&bad).unwrap_err();
    let paths: Vec<_> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["rules[0].sample_rate", "rules[0].expression"], "{problems:?}");
}
