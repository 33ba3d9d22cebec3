use std::sync::Arc;

use dbintel_core::Factory;
use dbintel_core::component::CreateContext;
use dbintel_core::ids::ComponentId;
use dbintel_core::pdata::{Attributes, LogRecord, SignalData, Value};
use dbintel_core::telemetry::Registry;
use proptest::prelude::*;

use super::*;
use crate::test_util::logs;
use dbintel_core::Processor;

const PG_INDEX: &str = r#"[{"Plan": {"Node Type": "Sort", "Startup Cost": 8.31, "Total Cost": 8.32, "Plan Rows": 1, "Plan Width": 40, "Sort Key": ["created_at"],
  "Plans": [{"Node Type": "Index Scan", "Index Name": "orders_pkey", "Relation Name": "orders", "Alias": "orders", "Startup Cost": 0.29, "Total Cost": 8.3, "Plan Rows": 1, "Plan Width": 40, "Index Cond": "(id = 42)"}]}}]"#;
const PG_SEQ: &str = r#"[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders", "Alias": "orders", "Startup Cost": 0.0, "Total Cost": 4310.0, "Plan Rows": 200000, "Plan Width": 40, "Filter": "(id = 42)"}}]"#;
const PG_NL: &str = r#"[{"Plan": {"Node Type": "Nested Loop", "Startup Cost": 0.5, "Total Cost": 20.0, "Plan Rows": 10, "Plan Width": 8, "Plans": [
  {"Node Type": "Index Scan", "Index Name": "a_pkey", "Relation Name": "a", "Alias": "a", "Total Cost": 8.0, "Plan Rows": 1},
  {"Node Type": "Index Scan", "Index Name": "b_pkey", "Relation Name": "b", "Alias": "b", "Total Cost": 8.0, "Plan Rows": 10}]}}]"#;
const PG_HASH: &str = r#"[{"Plan": {"Node Type": "Hash Join", "Startup Cost": 0.5, "Total Cost": 40.0, "Plan Rows": 10, "Plan Width": 8, "Plans": [
  {"Node Type": "Index Scan", "Index Name": "a_pkey", "Relation Name": "a", "Alias": "a", "Total Cost": 8.0, "Plan Rows": 1},
  {"Node Type": "Hash", "Plans": [{"Node Type": "Index Scan", "Index Name": "b_pkey", "Relation Name": "b", "Alias": "b", "Total Cost": 8.0, "Plan Rows": 10}]}]}}]"#;
const MY_PLAN: &str = r#"{"query_block": {"select_id": 1, "cost_info": {"query_cost": "1.20"}, "table": {"table_name": "users", "access_type": "ALL", "rows_examined_per_scan": 5000, "attached_condition": "(`users`.`id` = 5)"}}}"#;

fn rec(attrs: &[(&'static str, Value)]) -> LogRecord {
    LogRecord {
        event_name: "db.server.top_query".into(),
        attributes: attrs.iter().cloned().collect::<Attributes>(),
        ..Default::default()
    }
}

fn run(p: &mut PlanAttributeExtractor, records: Vec<LogRecord>) -> Result<Vec<LogRecord>, String> {
    let mut out = Vec::new();
    p.process(logs(records), &mut out).map_err(|e| e.0)?;
    let Some(d) = out.pop() else { return Ok(Vec::new()) };
    match Arc::unwrap_or_clone(d) {
        SignalData::Logs(l) => {
            Ok(l.resource_logs.into_iter().flat_map(|r| r.scope_logs).flat_map(|s| s.log_records).collect())
        }
        SignalData::Metrics(_) => Err("metrics".into()),
        SignalData::Traces(_) => Err("traces".into()),
    }
}

fn one(p: &mut PlanAttributeExtractor, r: LogRecord) -> LogRecord {
    run(p, vec![r]).expect("ok").pop().expect("one record")
}

fn get<'a>(r: &'a LogRecord, k: &str) -> Option<&'a Value> {
    r.attributes.get(k)
}

fn default() -> PlanAttributeExtractor {
    PlanAttributeExtractor::new(PlanAttrConfig::default(), None)
}

#[test]
fn defaults_and_prototype_config_load() {
    let f = PlanAttributeExtractorFactory;
    f.validate(&serde_json::Value::Null).unwrap();
    // The prototype's documented keys, with their defaults.
    let proto = serde_json::json!({
        "timeout_ms": 100, "error_mode": "ignore", "safe_mode": true, "unsafe_plan_collection": false,
        "enable_debug_logging": false,
        "postgresql_rules": {"detection_jsonpath": "0.Plan", "extractions": {"db.query.plan.cost": "Total Cost"},
                              "derived": {"db.query.plan.has_seq_scan": "has_seq_scan", "x": "unknown_formula"}},
        "mysql_rules": {"detection_jsonpath": "system", "extractions": {"db.query.digest": "digest"}},
        "hash_config": {"include": ["query_text"], "output": "db.query.plan.hash", "algorithm": "sha256"},
        "query_anonymization": {"enabled": true, "attributes_to_anonymize": ["query_text"], "generate_fingerprint": true,
                                "fingerprint_attribute": "db.query.fingerprint"},
        "querylens": {"enabled": false, "plan_history_hours": 24, "regression_threshold": 1.5,
                      "regression_detection": {"enabled": true, "time_increase": 1.5, "io_increase": 2.0, "cost_increase": 2.0},
                      "alert_on_regression": false}
    });
    f.validate(&proto).unwrap();
    let warned: Vec<String> = f.ignored_keys(&proto).into_iter().map(|p| p.path).collect();
    assert!(warned.contains(&"safe_mode".to_string()), "{warned:?}");
    assert!(warned.contains(&"hash_config.algorithm".to_string()), "{warned:?}");
    assert!(f.validate(&serde_json::json!({"timeout_ms": 0})).is_err());
    assert!(f.validate(&serde_json::json!({"timeout_ms": 10001})).is_err());
    assert!(f.validate(&serde_json::json!({"error_mode": "panic"})).is_err());
    assert!(f.validate(&serde_json::json!({"no_such_key": 1})).is_err());
    assert!(f.validate(&serde_json::json!({"max_plan_bytes": 0})).is_err());
}

#[test]
fn postgresql_plan_golden() {
    let mut p = default();
    let r = one(&mut p, rec(&[("postgresql.query_plan", PG_INDEX.into())]));
    assert_eq!(get(&r, "db.query.plan.cost"), Some(&Value::Double(8.32)));
    assert_eq!(get(&r, "db.query.plan.rows"), Some(&Value::Int(1)));
    assert_eq!(get(&r, "db.query.plan.width"), Some(&Value::Int(40)));
    assert_eq!(get(&r, "db.query.plan.operation"), Some(&Value::from("Sort")));
    assert_eq!(get(&r, "db.query.plan.startup_cost"), Some(&Value::Double(8.31)));
    assert_eq!(get(&r, "db.query.plan.has_sort"), Some(&Value::Bool(true)));
    assert_eq!(get(&r, "db.query.plan.has_seq_scan"), Some(&Value::Bool(false)));
    assert_eq!(get(&r, "db.query.plan.has_nested_loop"), Some(&Value::Bool(false)));
    assert_eq!(get(&r, "db.query.plan.has_index_scan"), Some(&Value::Bool(true)));
    assert_eq!(get(&r, "db.query.plan.node_count"), Some(&Value::Int(2)));
    assert_eq!(get(&r, "db.query.plan.depth"), Some(&Value::Int(2)));
    assert_eq!(get(&r, "db.query.plan.efficiency"), Some(&Value::Double(1.0 / 8.32)));
    assert!(get(&r, "db.query.plan.actual_rows").is_none(), "absent in the plan, absent on the record");
    let Some(Value::Str(h)) = get(&r, "db.query.plan.hash") else { panic!("no hash") };
    assert_eq!(h.len(), 16);
    // The same value the receivers put in `dbintel.plan.hash`, so a sampler deduplicating on either
    // attribute keys the same plan the same way, whichever runs first.
    let receivers = dbintel_sql::plan::analyze_plan(dbintel_sql::Dialect::Postgresql, PG_INDEX).unwrap();
    assert_eq!(h, &receivers.summary.plan_hash);
    // The hash is structural: other costs and literals, same hash; other shape, other hash.
    let other = PG_INDEX.replace("8.32", "99.5").replace("42", "7");
    let r2 = one(&mut p, rec(&[("postgresql.query_plan", other.into())]));
    assert_eq!(get(&r2, "db.query.plan.hash"), Some(&Value::Str(h.clone())));
    let r3 = one(&mut p, rec(&[("postgresql.query_plan", PG_SEQ.into())]));
    assert_ne!(get(&r3, "db.query.plan.hash"), Some(&Value::Str(h.clone())));
    assert_eq!(get(&r3, "db.query.plan.has_seq_scan"), Some(&Value::Bool(true)));
    // "Sort Key" is not a sort: the Seq Scan plan has none.
    assert_eq!(get(&r3, "db.query.plan.has_sort"), Some(&Value::Bool(false)));
    let r4 = one(&mut p, rec(&[("plan_json", PG_NL.into())]));
    assert_eq!(get(&r4, "db.query.plan.has_nested_loop"), Some(&Value::Bool(true)));
    assert_eq!(get(&r4, "db.query.plan.has_hash_join"), Some(&Value::Bool(false)));
}

#[test]
fn mysql_plan_legacy_metadata_and_body() {
    let mut p = default();
    let r = one(&mut p, rec(&[("db.system.name", "mysql".into()), ("mysql.query_plan", MY_PLAN.into())]));
    assert_eq!(get(&r, "db.query.plan.has_seq_scan"), Some(&Value::Bool(true)));
    assert_eq!(get(&r, "db.query.plan.cost"), Some(&Value::from("1.20")));
    assert!(matches!(get(&r, "db.query.plan.hash"), Some(Value::Str(_))));
    // The prototype's MySQL metadata document: extractions only, no plan tree, no hash.
    let meta = r#"{"system": "mysql", "avg_rows": 12.5, "digest": "abc", "execution_count": 40}"#;
    let r = one(&mut p, rec(&[("plan_json", meta.into())]));
    assert_eq!(get(&r, "db.query.plan.avg_rows"), Some(&Value::Double(12.5)));
    assert_eq!(get(&r, "db.query.digest"), Some(&Value::from("abc")));
    assert_eq!(get(&r, "db.query.plan.execution_count"), Some(&Value::Int(40)));
    assert!(get(&r, "db.query.plan.hash").is_none());
    // A JSON string body holding a plan.
    let mut b = rec(&[]);
    b.body = Some(Value::from(PG_SEQ));
    let r = one(&mut p, b);
    assert_eq!(get(&r, "db.query.plan.operation"), Some(&Value::from("Seq Scan")));
}

#[test]
fn anonymization_and_fingerprint() {
    let mut p = default();
    let a = one(
        &mut p,
        rec(&[("query_text", "SELECT * FROM users WHERE id = 123 AND name = 'O''Brien'".into())]),
    );
    assert_eq!(get(&a, "query_text"), Some(&Value::from("SELECT * FROM users WHERE id = ? AND name = ?")));
    let b = one(&mut p, rec(&[("query_text", "select * from users where id = 7 and name = 'x'".into())]));
    let c = one(
        &mut p,
        rec(&[("db.query.text", "SELECT * FROM users WHERE id IN (1,2,3) AND name = 'x'".into())]),
    );
    let d = one(&mut p, rec(&[("db.statement", "SELECT * FROM orders WHERE id = 1 AND name = 'x'".into())]));
    let fp = |r: &LogRecord| get(r, "db.query.fingerprint").cloned().expect("fingerprint");
    assert_eq!(fp(&a), fp(&b));
    assert_ne!(fp(&a), fp(&c), "= and IN differ");
    assert_ne!(fp(&a), fp(&d), "tables differ");
    let e = one(
        &mut p,
        rec(&[(
            "query_text",
            "UPDATE t SET enabled = true, x = 0xDEADBEEF, y = -100.50, z = 1.23e-4".into(),
        )]),
    );
    assert_eq!(get(&e, "query_text"), Some(&Value::from("UPDATE t SET enabled = ?, x = ?, y = ?, z = ?")));
    // Off: the text is left as it is.
    let mut cfg = PlanAttrConfig::default();
    cfg.query_anonymization.enabled = false;
    cfg.query_anonymization.generate_fingerprint = false;
    let mut p = PlanAttributeExtractor::new(cfg, None);
    let r = one(&mut p, rec(&[("query_text", "SELECT 1".into())]));
    assert_eq!(get(&r, "query_text"), Some(&Value::from("SELECT 1")));
    assert!(get(&r, "db.query.fingerprint").is_none());
}

fn with_telemetry(cfg: PlanAttrConfig) -> (PlanAttributeExtractor, Registry) {
    let reg = Registry::new();
    let ctx = CreateContext::new(ComponentId::new("planattributeextractor", None), reg.clone());
    (PlanAttributeExtractor::new(cfg, Some(&ctx)), reg)
}

fn plans(reg: &Registry, outcome: &str) -> u64 {
    reg.counter_total(
        "dbintel_planattributeextractor_plans_total",
        &[("processor", "planattributeextractor"), ("outcome", outcome)],
    )
}

#[test]
fn size_cap_cache_and_error_modes() {
    let cfg = PlanAttrConfig { max_plan_bytes: 300, ..Default::default() };
    let (mut p, reg) = with_telemetry(cfg.clone());
    let r = one(&mut p, rec(&[("postgresql.query_plan", PG_INDEX.into())]));
    assert!(get(&r, "db.query.plan.hash").is_none(), "over the cap: skipped");
    assert_eq!(plans(&reg, "too_large"), 1);
    let rs = run(&mut p, vec![rec(&[("postgresql.query_plan", PG_SEQ.into())]); 3]).unwrap();
    assert!(rs.iter().all(|r| get(r, "db.query.plan.hash").is_some()));
    assert_eq!(plans(&reg, "parsed"), 3);
    assert_eq!(plans(&reg, "cached"), 2, "one parse, two lookups");
    // Invalid plan: ignore keeps the record, propagate fails the batch.
    let bad = rec(&[("postgresql.query_plan", "{not json".into()), ("query_text", "SELECT 1".into())]);
    let r = one(&mut p, bad.clone());
    assert!(get(&r, "db.query.fingerprint").is_some());
    assert_eq!(plans(&reg, "invalid"), 1);
    let mut p = PlanAttributeExtractor::new(PlanAttrConfig { error_mode: ErrorMode::Propagate, ..cfg }, None);
    assert!(run(&mut p, vec![bad]).is_err());
    assert!(run(&mut p, vec![rec(&[("postgresql.query_plan", PG_SEQ.into())])]).is_ok());
    // A JSON body that is no plan is not an error.
    let mut b = rec(&[]);
    b.body = Some(Value::from(r#"{"msg": "hello"}"#));
    assert!(run(&mut p, vec![b]).is_ok());
    // Metrics pass through.
    let mut out = Vec::new();
    p.process(Arc::new(SignalData::Metrics(Default::default())), &mut out).unwrap();
    assert_eq!(out.len(), 1);
}

fn top(plan: Option<&str>, mean: f64) -> LogRecord {
    let mut r = rec(&[
        ("db.namespace", "shop".into()),
        ("postgresql.queryid", "42".into()),
        ("dbintel.exec_time.mean", Value::Double(mean)),
    ]);
    if let Some(p) = plan {
        r.attributes.insert("postgresql.query_plan", p);
    }
    r
}

#[test]
fn plan_change_regression_with_cause() {
    let (mut p, reg) = with_telemetry(PlanAttrConfig::default());
    let first = one(&mut p, top(Some(PG_INDEX), 0.010));
    assert!(get(&first, "db.plan.changed").is_none());
    // Timings without a plan count for the current plan.
    one(&mut p, top(None, 0.010));
    let same = one(&mut p, top(Some(PG_INDEX), 0.010));
    assert!(get(&same, "db.plan.changed").is_none());
    // The index is gone: a seq scan of 200k rows, 3x slower.
    let r = one(&mut p, top(Some(PG_SEQ), 0.030));
    assert_eq!(get(&r, "db.plan.changed"), Some(&Value::Bool(true)));
    let Some(Value::Double(ratio)) = get(&r, "db.plan.time_change_ratio") else { panic!("no ratio") };
    assert!((ratio - 3.0).abs() < 1e-9, "{ratio}");
    assert_eq!(get(&r, "db.plan.change_severity"), Some(&Value::from("critical")));
    assert_eq!(get(&r, "db.plan.regression"), Some(&Value::Bool(true)));
    let Some(Value::Str(cause)) = get(&r, "db.plan.change_cause") else { panic!("no cause") };
    assert!(cause.contains("new_seq_scan"), "{cause}");
    assert!(cause.contains("index_no_longer_used"), "{cause}");
    assert!(cause.contains("cost_increase"), "8.32 -> 4310: {cause}");
    assert_eq!(
        reg.counter_total(
            "dbintel_planattributeextractor_plan_changes_total",
            &[("processor", "planattributeextractor"), ("severity", "critical")]
        ),
        1
    );
    // Another database, same queryid: its own history.
    let mut other = top(Some(PG_SEQ), 0.030);
    other.attributes.insert("db.namespace", "other");
    assert!(get(&one(&mut p, other), "db.plan.changed").is_none());
    // Join strategy change, small slowdown: low severity, cause named.
    let mut q = |plan: &str, mean: f64| {
        let mut r = top(Some(plan), mean);
        r.attributes.insert("postgresql.queryid", "7");
        one(&mut p, r)
    };
    q(PG_NL, 1.0);
    let r = q(PG_HASH, 1.1);
    assert_eq!(get(&r, "db.plan.change_severity"), Some(&Value::from("low")));
    assert_eq!(get(&r, "db.plan.regression"), Some(&Value::Bool(false)));
    let Some(Value::Str(cause)) = get(&r, "db.plan.change_cause") else { panic!("no cause") };
    assert!(cause.contains("join_strategy_change"), "{cause}");
    assert!(cause.contains("cost_increase"), "20 -> 40 reaches 2.0: {cause}");
    // Severity thresholds (the prototype's): > 2.0, > 1.5, > 1.2.
    for (prev, now, sev) in
        [(1.0, 2.1, "critical"), (1.0, 1.6, "high"), (1.0, 1.3, "medium"), (1.0, 1.2, "low")]
    {
        let mut p = default();
        one(&mut p, top(Some(PG_NL), prev));
        let r = one(&mut p, top(Some(PG_HASH), now));
        assert_eq!(get(&r, "db.plan.change_severity"), Some(&Value::from(sev)), "{now}");
    }
}

#[test]
fn history_is_bounded() {
    let cfg = PlanAttrConfig {
        querylens: QueryLens { max_queries: 2, plans_per_query: 2, ..Default::default() },
        ..Default::default()
    };
    let mut h = history::History::new(2, 2, std::time::Duration::from_secs(3600));
    let sum =
        |s: &str| Arc::new(dbintel_sql::analyze_plan(dbintel_sql::Dialect::Postgresql, s).unwrap().summary);
    for pl in [PG_INDEX, PG_SEQ, PG_NL, PG_HASH] {
        h.observe_plan(1, &sum(pl), Some(1.0), None);
    }
    assert_eq!(h.plans_of(1), 2);
    h.observe_plan(2, &sum(PG_SEQ), None, None);
    h.observe_plan(3, &sum(PG_SEQ), None, None);
    assert_eq!(h.plans_of(1), 0, "least recently used query evicted");
    assert_eq!(h.take_evictions(), 1);
    // Aged out: a query silent for longer than the TTL starts again (no change reported).
    let mut h = history::History::new(8, 2, std::time::Duration::from_millis(1));
    h.observe_plan(1, &sum(PG_INDEX), Some(1.0), None);
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(h.observe_plan(1, &sum(PG_SEQ), Some(1.0), None).is_none());
    assert_eq!(h.take_evictions(), 1);
    let mut p = PlanAttributeExtractor::new(cfg, None);
    for i in 0..10 {
        let mut r = top(Some(PG_SEQ), 1.0);
        r.attributes.insert("postgresql.queryid", format!("{i}"));
        one(&mut p, r);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn no_input_panics(plan in ".{0,300}", text in ".{0,200}", body in prop::option::of(".{0,100}"), n in any::<f64>()) {
        let mut p = default();
        let mut r = top(Some(&plan), n);
        r.attributes.insert("query_text", text);
        r.body = body.map(Value::from);
        let _ = run(&mut p, vec![r.clone(), r]);
    }

    #[test]
    fn mutated_plans_do_not_panic(cut in 0usize..400, pick in 0usize..5) {
        let src = [PG_INDEX, PG_SEQ, PG_NL, PG_HASH, MY_PLAN][pick];
        let cut = cut.min(src.len());
        let s: String = src.chars().take(cut).collect();
        let mut p = default();
        let _ = run(&mut p, vec![rec(&[("postgresql.query_plan", s.clone().into()), ("mysql.query_plan", s.into())])]);
    }
}

#[test]
fn timeout_follows_error_mode() {
    let (mut p, reg) = with_telemetry(PlanAttrConfig::default());
    p.timeout = std::time::Duration::ZERO;
    let r = one(&mut p, rec(&[("query_text", "SELECT 1".into()), ("postgresql.query_plan", PG_SEQ.into())]));
    // Stopped after the first step: anonymized, no plan attributes.
    assert!(get(&r, "db.query.fingerprint").is_some());
    assert!(get(&r, "db.query.plan.hash").is_none());
    assert_eq!(
        reg.counter_total(
            "dbintel_planattributeextractor_timeouts_total",
            &[("processor", "planattributeextractor")]
        ),
        1
    );
    let mut p = PlanAttributeExtractor::new(
        PlanAttrConfig { error_mode: ErrorMode::Propagate, ..Default::default() },
        None,
    );
    p.timeout = std::time::Duration::ZERO;
    let e = run(&mut p, vec![rec(&[("query_text", "SELECT 1".into())])]).unwrap_err();
    assert!(e.contains("timeout"), "{e}");
}

#[test]
fn disk_sort_and_estimate_error_causes() {
    let mem = r#"[{"Plan": {"Node Type": "Sort", "Total Cost": 10.0, "Plan Rows": 100, "Actual Rows": 100, "Actual Loops": 1, "Sort Method": "quicksort", "Sort Space Type": "Memory",
      "Plans": [{"Node Type": "Index Scan", "Index Name": "t_pkey", "Relation Name": "t", "Alias": "t", "Total Cost": 8.0, "Plan Rows": 100, "Actual Rows": 100, "Actual Loops": 1}]}}]"#;
    let disk = r#"[{"Plan": {"Node Type": "Sort", "Total Cost": 10.0, "Plan Rows": 100, "Actual Rows": 500000, "Actual Loops": 1, "Sort Method": "external merge", "Sort Space Type": "Disk",
      "Plans": [{"Node Type": "Bitmap Heap Scan", "Relation Name": "t", "Alias": "t", "Total Cost": 8.0, "Plan Rows": 100, "Actual Rows": 500000, "Actual Loops": 1}]}}]"#;
    let mut p = default();
    one(&mut p, top(Some(mem), 1.0));
    let r = one(&mut p, top(Some(disk), 1.0));
    assert_eq!(get(&r, "db.query.plan.has_disk_sort"), Some(&Value::Bool(true)));
    let Some(Value::Str(cause)) = get(&r, "db.plan.change_cause") else { panic!("no cause") };
    assert!(cause.contains("disk_sort"), "{cause}");
    assert!(cause.contains("estimate_error"), "{cause}");
}

#[test]
fn factory_builds_and_receiver_text_stays() {
    let f = PlanAttributeExtractorFactory;
    let ctx = CreateContext::new(ComponentId::new("planattributeextractor", None), Registry::new());
    assert!(f.create(&ctx, &serde_json::json!({"error_mode": "propagate"})).is_ok());
    // Text the receivers already obfuscated is left as it is (no copy per record).
    for (sys, text) in [
        ("postgresql", "SELECT o.id FROM orders o WHERE o.status = ? AND o.total > ? ORDER BY o.id LIMIT ?"),
        ("mysql", "SELECT `o`.`id` FROM `orders` `o` WHERE `o`.`status` = ? LIMIT ?"),
    ] {
        let d = if sys == "mysql" { dbintel_sql::Dialect::Mysql } else { dbintel_sql::Dialect::Postgresql };
        assert_eq!(dbintel_sql::obfuscate(d, text).as_deref(), Ok(text), "{sys}");
    }
}

#[test]
fn legacy_attribute_names_work() {
    // The prototype's record: query_text, database_name, avg_duration_ms, plan_json, integer query id.
    let legacy = |plan: &str, ms: f64| {
        rec(&[
            ("query_text", "SELECT * FROM orders WHERE id = 42".into()),
            ("database_name", "shop".into()),
            ("query_id", Value::Int(99)),
            ("avg_duration_ms", Value::Double(ms)),
            ("plan_json", plan.into()),
        ])
    };
    let mut p = default();
    let a = one(&mut p, legacy(PG_INDEX, 2.0));
    assert_eq!(get(&a, "query_text"), Some(&Value::from("SELECT * FROM orders WHERE id = ?")));
    assert_eq!(get(&a, "db.query.plan.operation"), Some(&Value::from("Sort")));
    let b = one(&mut p, legacy(PG_SEQ, 5.0));
    assert_eq!(get(&b, "db.plan.changed"), Some(&Value::Bool(true)));
    assert_eq!(get(&b, "db.plan.time_change_ratio"), Some(&Value::Double(2.5)));
    assert_eq!(get(&b, "db.plan.change_severity"), Some(&Value::from("critical")));
}

#[test]
fn bare_plan_object_and_mariadb() {
    let mut p = default();
    let bare = PG_SEQ.trim_start_matches('[').trim_end_matches(']');
    let r = one(&mut p, rec(&[("postgresql.query_plan", bare.into())]));
    assert_eq!(get(&r, "db.query.plan.has_seq_scan"), Some(&Value::Bool(true)));
    let maria = r#"{"query_block": {"select_id": 1, "table": {"table_name": "t", "access_type": "ref", "key": "idx_a", "rows": 3, "filtered": 100}}}"#;
    let r = one(&mut p, rec(&[("db.system.name", "mariadb".into()), ("mysql.query_plan", maria.into())]));
    assert_eq!(get(&r, "db.query.plan.has_seq_scan"), Some(&Value::Bool(false)));
    assert_eq!(get(&r, "db.query.plan.has_index_scan"), Some(&Value::Bool(true)));
}
