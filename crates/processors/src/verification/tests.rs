use std::sync::Arc;

use dbintel_core::component::{Built, CreateContext};
use dbintel_core::pdata::{Attributes, LogRecord, SignalData, Value};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Factory, Processor};
use proptest::prelude::*;

use super::pii::{Detectors, Finding, PiiKind, Sensitivity, luhn, redact, sensitive_name};
use super::*;
use crate::test_util::logs;

fn kinds(level: Sensitivity, s: &str) -> Vec<(PiiKind, String)> {
    let mut out = Vec::new();
    Detectors::new(level, Vec::new()).scan(s, &mut out);
    out.iter().map(|f| (f.kind, s[f.start..f.end].to_string())).collect()
}

fn high(s: &str) -> Vec<(PiiKind, String)> {
    kinds(Sensitivity::High, s)
}

fn one(kind: PiiKind, s: &str) -> (PiiKind, String) {
    (kind, s.to_string())
}

#[test]
fn email_addresses_and_what_only_looks_like_one() {
    assert_eq!(
        high("contact jane.doe+x@example.co.uk now"),
        vec![one(PiiKind::Email, "jane.doe+x@example.co.uk")]
    );
    assert_eq!(high("WHERE email = 'bob@shop.io'"), vec![one(PiiKind::Email, "bob@shop.io")]);
    for fp in ["user@localhost", "@mention", "a@b", "x@1.2", "GRANT ALL TO 'app'@'%'", "name@host."] {
        assert!(high(fp).is_empty(), "{fp}: {:?}", high(fp));
    }
}

#[test]
fn card_numbers_only_with_issuer_and_luhn() {
    assert!(luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    for card in [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "5555555555554444",
        "378282246310005",
    ] {
        assert_eq!(high(&format!("paid with {card}.")), vec![one(PiiKind::CreditCard, card)], "{card}");
    }
    // Luhn fails, no issuer, order numbers, epoch milliseconds, mixed grouping, glued to a word.
    for fp in [
        "4111111111111112",
        "1234567812345670",
        "order 9000000000000008",
        "ts 1700000000123",
        "4111 1111-1111 1111",
        "ORD-4111111111111111",
        "id4111111111111111",
        "41111 11111 11111 1",
    ] {
        assert!(high(fp).iter().all(|(k, _)| *k != PiiKind::CreditCard), "{fp}: {:?}", high(fp));
    }
}

#[test]
fn ssn_with_valid_area_group_serial() {
    assert_eq!(high("ssn 123-45-6789"), vec![one(PiiKind::Ssn, "123-45-6789")]);
    for fp in
        ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000", "123456789", "2024-01-15"]
    {
        assert!(high(fp).is_empty(), "{fp}: {:?}", high(fp));
    }
}

#[test]
fn phone_numbers_in_recognised_formats() {
    for p in ["555-234-5678", "555.234.5678", "(555) 234-5678", "+1 555 234 5678", "+44 20 7946 0958"] {
        assert_eq!(
            kinds(Sensitivity::Medium, &format!("call {p} today")),
            vec![one(PiiKind::Phone, p)],
            "{p}"
        );
    }
    // Exchange starting 1, timestamps, dates, versions, plain numbers, durations.
    for fp in [
        "555-134-5678",
        "2024-01-15 10:30:00",
        "2024-01-15T10:30:00.123Z",
        "version 8.0.36",
        "PostgreSQL 16.4 (Debian 16.4-1.pgdg120+2)",
        "took 1234567 ms",
        "rows 5552345678",
        "+0 123",
    ] {
        assert!(kinds(Sensitivity::Medium, fp).is_empty(), "{fp}: {:?}", kinds(Sensitivity::Medium, fp));
    }
    assert!(kinds(Sensitivity::Low, "call 555-234-5678").is_empty(), "phones are medium");
}

#[test]
fn iban_with_checksum() {
    assert_eq!(high("IBAN DE89370400440532013000 ok"), vec![one(PiiKind::Iban, "DE89370400440532013000")]);
    assert_eq!(high("GB82 WEST 1234 5698 7654 32"), vec![one(PiiKind::Iban, "GB82 WEST 1234 5698 7654 32")]);
    for fp in ["DE89370400440532013001", "XX89370400440532013000", "DE8937040044053201300", "ID12345678"] {
        assert!(high(fp).is_empty(), "{fp}: {:?}", high(fp));
    }
}

#[test]
fn ip_addresses_only_at_high() {
    assert_eq!(high("from 192.168.1.20 port"), vec![one(PiiKind::Ipv4, "192.168.1.20")]);
    assert_eq!(high("peer 2001:db8::8a2e:370:7334"), vec![one(PiiKind::Ipv6, "2001:db8::8a2e:370:7334")]);
    assert_eq!(high("peer fe80::1"), vec![one(PiiKind::Ipv6, "fe80::1")]);
    assert!(kinds(Sensitivity::Medium, "from 192.168.1.20").is_empty());
    assert_eq!(high("host:10.0.0.1"), vec![one(PiiKind::Ipv4, "10.0.0.1")]);
    assert_eq!(high("10.0.0.1:5432"), vec![one(PiiKind::Ipv4, "10.0.0.1")]);
    assert_eq!(high("tel:555-234-5678"), vec![one(PiiKind::Phone, "555-234-5678")]);
    assert!(high("ts:1700000000123 at 12:34:56").is_empty());
    for fp in [
        "1.2.3",
        "999.1.1.1",
        "v1.2.3.4",
        "SELECT id::bigint, x::text",
        "10:30:00",
        "a::b",
        "1.2.3.4.5",
        "ts 12:00::",
    ] {
        assert!(high(fp).is_empty(), "{fp}: {:?}", high(fp));
    }
}

#[test]
fn secrets_value_only_and_placeholders_are_not_secrets() {
    assert_eq!(high("host=db password=hunter22 user=x"), vec![one(PiiKind::Secret, "hunter22")]);
    assert_eq!(high(r#"{"api_key": "abc123xyz"}"#), vec![one(PiiKind::Secret, "abc123xyz")]);
    assert_eq!(
        high("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def"),
        vec![one(PiiKind::Secret, "eyJhbGciOiJIUzI1NiJ9.abc.def")]
    );
    assert_eq!(high("key AKIAIOSFODNN7EXAMPLE used"), vec![one(PiiKind::Secret, "AKIAIOSFODNN7EXAMPLE")]);
    for fp in [
        "UPDATE users SET password = ? WHERE id = $1",
        "password=$1",
        "password = :pwd",
        "password=[REDACTED]",
        "tokens_used=42",
        "x::token",
        "bearer short",
        "AKIAIOSFODNN7EXAMPL",
        "SELECT a == b",
    ] {
        assert!(high(fp).is_empty(), "{fp}: {:?}", high(fp));
    }
}

#[test]
fn names_that_suggest_pii() {
    for n in [
        "email",
        "user.email",
        "customer_phone",
        "ssn",
        "credit_card",
        "card_number",
        "password",
        "auth-token",
    ] {
        assert!(sensitive_name(n), "{n}");
    }
    for n in ["session_id", "db.query.text", "tokens_used", "postgresql.calls", "phones_count", "emailed_at"]
    {
        assert!(!sensitive_name(n), "{n}");
    }
}

#[test]
fn obfuscated_top_query_text_is_clean() {
    for q in [
        "SELECT o.id, o.total FROM orders o WHERE o.customer_id = $1 AND o.created_at > $2",
        "UPDATE accounts SET balance = balance - ? WHERE id = ?",
        "SELECT * FROM users WHERE email = ? AND password_hash = ?",
        r#"[{"Plan": {"Node Type": "Seq Scan", "Total Cost": 1234.56, "Plan Rows": 1000000, "Filter": "(id = $1)"}}]"#,
    ] {
        assert!(high(q).is_empty(), "{q}: {:?}", high(q));
    }
}

#[test]
fn custom_patterns_and_their_limits() {
    let re = compile_pattern(r"EMP-\d{6}").expect("compiles");
    let d = Detectors::new(Sensitivity::Low, vec![re]);
    let mut out = Vec::new();
    d.scan("employee EMP-123456 left", &mut out);
    assert_eq!(out, vec![Finding { kind: PiiKind::Custom, start: 9, end: 19 }]);
    assert!(compile_pattern("(").is_err());
    assert!(compile_pattern("a*").is_err(), "matches everything");
    assert!(compile_pattern(&"a".repeat(MAX_PATTERN_LEN + 1)).is_err());
    assert!(compile_pattern(r"\w{1000}\w{1000}\w{1000}").is_err(), "over the size limit");
}

#[test]
fn redact_replaces_only_the_match() {
    let s = "mail jane@example.com or 4111111111111111";
    let mut f = Vec::new();
    Detectors::new(Sensitivity::Medium, Vec::new()).scan(s, &mut f);
    assert_eq!(redact(s, &f), "mail [REDACTED] or [REDACTED]");
}

// ---- the processor ----

fn record(attrs: &[(&'static str, Value)], body: Option<&str>) -> LogRecord {
    LogRecord {
        event_name: "db.server.top_query".into(),
        body: body.map(|b| Value::Str(b.into())),
        attributes: attrs.iter().cloned().collect(),
        ..Default::default()
    }
}

fn records(data: &SignalData) -> Vec<&LogRecord> {
    let SignalData::Logs(l) = data else { panic!("logs") };
    l.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records).collect()
}

fn build(config: serde_json::Value) -> (Box<dyn Processor>, Registry) {
    let telemetry = Registry::new();
    let ctx = CreateContext::new("verification".parse().expect("id"), telemetry.clone());
    match VerificationFactory.create(&ctx, &config) {
        Ok(Built::Processor(p)) => (p, telemetry),
        Ok(_) => panic!("not a processor"),
        Err(e) => panic!("{e:?}"),
    }
}

fn top_query(db: &str, text: &str) -> LogRecord {
    record(
        &[
            ("db.system.name", "postgresql".into()),
            ("db.namespace", db.into()),
            ("db.query.text", text.into()),
            ("postgresql.queryid", "-4567891234567891234".into()),
            ("postgresql.total_exec_time", Value::Double(0.5)),
        ],
        None,
    )
}

#[test]
fn clean_data_passes_through_without_a_copy() {
    let (mut p, _) = build(serde_json::json!({}));
    let data = logs(vec![top_query("shop", "SELECT * FROM t WHERE id = $1")]);
    let mut out = Vec::new();
    p.process(data.clone(), &mut out).expect("ok");
    assert_eq!(out.len(), 1);
    assert!(Arc::ptr_eq(&out[0], &data), "no PII, no copy");
    assert!(p.next_deadline().is_none(), "nothing to report");
}

#[test]
fn auto_sanitize_redacts_the_match_marks_the_record_and_feedback_is_aggregated() {
    let (mut p, telemetry) = build(serde_json::json!({
        "verification_interval": "10s",
        "pii_detection": {"auto_sanitize": true, "sensitivity_level": "high"}
    }));
    let mut batch: Vec<LogRecord> = (0..50)
        .map(|i| {
            top_query(
                "shop",
                &format!("SELECT * FROM u WHERE email = 'u{i}@example.com' AND ssn = '123-45-6789'"),
            )
        })
        .collect();
    batch.push(record(
        &[("db.namespace", "crm".into()), ("customer_email", "x".into())],
        Some("card 4111 1111 1111 1111"),
    ));
    batch.push(top_query("shop", "SELECT 1"));
    let mut out = Vec::new();
    p.process(logs(batch), &mut out).expect("ok");
    let recs = records(&out[0]);
    assert_eq!(
        recs[0].attributes.get("db.query.text"),
        Some(&Value::from("SELECT * FROM u WHERE email = '[REDACTED]' AND ssn = '[REDACTED]'"))
    );
    assert_eq!(recs[0].attributes.get(ATTR_DETECTED), Some(&Value::Bool(true)));
    assert_eq!(recs[0].attributes.get(ATTR_REDACTED), Some(&Value::Bool(true)));
    assert_eq!(recs[0].attributes.get(ATTR_TYPES), Some(&Value::from("email,ssn")));
    assert_eq!(recs[0].attributes.get("postgresql.queryid"), Some(&Value::from("-4567891234567891234")));
    assert_eq!(recs[50].attributes.get("customer_email"), Some(&Value::from(REDACTED)));
    assert_eq!(recs[50].body, Some(Value::from("card [REDACTED]")));
    assert_eq!(recs[51].attributes.get(ATTR_DETECTED), None, "clean records are not marked");

    // One feedback record per (category, level, database), not one per finding.
    assert!(p.next_deadline().is_some());
    let mut fb = Vec::new();
    p.on_timer(&mut fb);
    assert_eq!(fb.len(), 1);
    let fr = records(&fb[0]);
    let pii: Vec<_> = fr
        .iter()
        .filter(|r| r.attributes.get("feedback.category") == Some(&Value::from("pii_detection")))
        .collect();
    assert_eq!(pii.len(), 2, "{pii:#?}");
    let shop =
        pii.iter().find(|r| r.attributes.get("database_name") == Some(&Value::from("shop"))).expect("shop");
    assert_eq!(shop.severity_text, "CRITICAL");
    assert_eq!(shop.attributes.get("feedback.metrics.records"), Some(&Value::Int(50)));
    assert_eq!(shop.attributes.get("feedback.metrics.findings"), Some(&Value::Int(100)));
    assert_eq!(shop.attributes.get("feedback.metrics.email"), Some(&Value::Int(50)));
    let SignalData::Logs(l) = &*fb[0] else { panic!() };
    assert!(l.resource_logs.iter().all(|rl| rl.resource.attributes.get("service.name")
        == Some(&Value::from("database-intelligence-verification"))));
    assert_eq!(l.resource_logs[0].scope_logs[0].scope.name, "verification_processor");
    assert!(p.next_deadline().is_none(), "drained");
    let mut again = Vec::new();
    p.on_timer(&mut again);
    assert!(again.is_empty());
    // Feedback through a second instance is passed on unchecked: no feedback about feedback.
    let mut through = Vec::new();
    p.process(fb[0].clone(), &mut through).expect("ok");
    assert!(Arc::ptr_eq(&through[0], &fb[0]));
    assert!(p.next_deadline().is_none());
    assert_eq!(telemetry.counter_total("dbintel_verification_pii_findings_total", &[("type", "email")]), 50);
    assert_eq!(telemetry.counter_total("dbintel_verification_records_redacted_total", &[]), 51);
}

#[test]
fn without_auto_sanitize_the_record_is_marked_not_changed() {
    let (mut p, _) = build(serde_json::json!({}));
    let mut out = Vec::new();
    p.process(logs(vec![top_query("shop", "WHERE email = 'a@b.com'")]), &mut out).expect("ok");
    let r = records(&out[0])[0];
    assert_eq!(r.attributes.get("db.query.text"), Some(&Value::from("WHERE email = 'a@b.com'")));
    assert_eq!(r.attributes.get(ATTR_TYPES), Some(&Value::from("email")));
    assert_eq!(r.attributes.get(ATTR_REDACTED), None);
}

#[test]
fn exclude_fields_and_disabled_detection() {
    let (mut p, _) = build(serde_json::json!({"pii_detection": {"exclude_fields": ["db.query.text"]}}));
    let data = logs(vec![top_query("shop", "WHERE email = 'a@b.com'")]);
    let mut out = Vec::new();
    p.process(data.clone(), &mut out).expect("ok");
    assert!(Arc::ptr_eq(&out[0], &data));
    let (mut p, _) = build(serde_json::json!({"pii_detection": {"enabled": false}}));
    let mut out = Vec::new();
    p.process(data.clone(), &mut out).expect("ok");
    assert!(Arc::ptr_eq(&out[0], &data));
}

#[test]
fn quality_rules_hold_on_our_names_and_on_legacy_names() {
    let (mut p, telemetry) = build(serde_json::json!({
        "quality_rules": {"cardinality_limits": {"query_id": 2}}
    }));
    let legacy = record(
        &[
            ("database_name", "shop".into()),
            ("query_id", "q1".into()),
            ("duration_ms", Value::Int(5)), // wrong type: double expected
        ],
        None,
    );
    let missing = record(&[("db.namespace", "crm".into())], None);
    let batch = vec![
        top_query("shop", "SELECT 1"),
        legacy,
        missing,
        record(
            &[
                ("db.namespace", "shop".into()),
                ("query_id", "q2".into()),
                ("duration_ms", Value::Double(1.0)),
            ],
            None,
        ),
        record(
            &[
                ("db.namespace", "shop".into()),
                ("query_id", "q3".into()),
                ("duration_ms", Value::Double(1.0)),
            ],
            None,
        ),
    ];
    let mut out = Vec::new();
    p.process(logs(batch), &mut out).expect("ok");
    let total =
        |rule| telemetry.counter_total("dbintel_verification_quality_issues_total", &[("rule", rule)]);
    assert_eq!(total("quality_validation"), 2, "crm lacks query_id and duration_ms");
    assert_eq!(total("schema_validation"), 1);
    // The top query's queryid and q1 fill the limit of 2; q2 and q3 are over it.
    assert_eq!(total("cardinality_limit"), 2);
    let mut fb = Vec::new();
    p.flush(&mut fb);
    let fr = records(&fb[0]);
    assert_eq!(fr.len(), 3, "one record per category and database: {fr:#?}");
    assert!(fr.iter().any(|r| r.severity_text == "ERROR"
        && r.attributes.get("feedback.category") == Some(&Value::from("schema_validation"))));
}

#[test]
fn feedback_is_rate_limited_and_groups_are_bounded() {
    let (mut p, telemetry) =
        build(serde_json::json!({"max_feedback_records": 5, "quality_rules": {"cardinality_limits": {}}}));
    let batch: Vec<LogRecord> =
        (0..MAX_GROUPS + 50).map(|i| top_query(&format!("db{i}"), "password=hunter22")).collect();
    let mut out = Vec::new();
    p.process(logs(batch), &mut out).expect("ok");
    let mut fb = Vec::new();
    p.on_timer(&mut fb);
    assert_eq!(records(&fb[0]).len(), 5);
    assert_eq!(
        telemetry.counter_total("dbintel_verification_feedback_dropped_total", &[]),
        MAX_GROUPS as u64 + 1 - 5
    );
}

#[test]
fn config_of_the_prototype_loads_and_bad_values_are_rejected() {
    let proto = serde_json::json!({
        "enable_periodic_verification": true,
        "verification_interval": "5m",
        "data_freshness_threshold": "10m",
        "min_entity_correlation_rate": 0.8,
        "min_normalization_rate": 0.9,
        "require_entity_synthesis": true,
        "export_feedback_as_logs": true,
        "enable_continuous_health_checks": true,
        "health_check_interval": "30s",
        "health_thresholds": {"memory_percent": 85, "cpu_percent": 80},
        "quality_rules": {
            "required_fields": ["database_name", "query_id", "duration_ms"],
            "enable_schema_validation": true,
            "cardinality_limits": {"query_id": 10000},
            "data_type_validation": {"duration_ms": "double", "error_count": "int"}
        },
        "pii_detection": {"enabled": true, "auto_sanitize": true, "sensitivity_level": "high",
                          "exclude_fields": ["query_hash"], "custom_patterns": ["EMP-\\d+"]},
        "enable_auto_tuning": true,
        "auto_tuning_config": {"enable_auto_apply": false},
        "enable_self_healing": true,
        "self_healing_config": {"max_retries": 3},
        "verification_queries": [{"name": "x", "query": "SELECT 1"}]
    });
    VerificationFactory.validate(&proto).expect("the prototype's config loads");
    assert!(VerificationFactory.ignored_keys(&proto).len() >= 10, "warned about");
    for bad in [
        serde_json::json!({"verification_interval": "0s"}),
        serde_json::json!({"max_feedback_records": 0}),
        serde_json::json!({"pii_detection": {"custom_patterns": ["("]}}),
        serde_json::json!({"pii_detection": {"sensitivity_level": "extreme"}}),
        serde_json::json!({"quality_rules": {"cardinality_limits": {"x": 0}}}),
        serde_json::json!({"no_such_key": 1}),
    ] {
        assert!(VerificationFactory.validate(&bad).is_err(), "{bad}");
    }
}

// ---- properties ----

fn pii_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z ]{0,8}",
        "[0-9 .:@=-]{0,12}",
        Just("jane@example.com".to_string()),
        Just("4111 1111 1111 1111".to_string()),
        Just("123-45-6789".to_string()),
        Just("(555) 234-5678".to_string()),
        Just("DE89370400440532013000".to_string()),
        Just("10.1.2.3".to_string()),
        Just("fe80::1".to_string()),
        Just("password=".to_string()),
        Just("Bearer abcdefghijklmnopqrstuvwxyz".to_string()),
        Just("AKIAIOSFODNN7EXAMPLE".to_string()),
        "\\PC{0,6}",
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_input_panics(s in "\\PC{0,200}") {
        let mut out = Vec::new();
        Detectors::new(Sensitivity::High, Vec::new()).scan(&s, &mut out);
        for f in &out {
            prop_assert!(f.start < f.end && f.end <= s.len());
            prop_assert!(s.is_char_boundary(f.start) && s.is_char_boundary(f.end));
        }
        let _ = redact(&s, &out);
        let _ = sensitive_name(&s);
    }

    #[test]
    fn after_redaction_no_detected_pii_remains(s in pii_text()) {
        let (mut p, _) = build(serde_json::json!({"pii_detection": {"auto_sanitize": true, "sensitivity_level": "high"}}));
        let mut out = Vec::new();
        p.process(logs(vec![record(&[("db.query.text", s.clone().into())], Some(&s))]), &mut out).expect("ok");
        let r = records(&out[0])[0];
        let d = Detectors::new(Sensitivity::High, Vec::new());
        for v in [r.attributes.get("db.query.text"), r.body.as_ref()].into_iter().flatten() {
            let mut f = Vec::new();
            d.scan(v.as_str().unwrap_or_default(), &mut f);
            prop_assert!(f.is_empty(), "{s:?} -> {v:?}: {f:?}");
        }
    }
}

// ---- golden: a batch shaped like the prototype's PII test input ----

#[test]
fn golden_prototype_cases() {
    let cases = [
        (
            "SELECT * FROM users WHERE email='john.doe@company.com'",
            "SELECT * FROM users WHERE email='[REDACTED]'",
        ),
        ("INSERT INTO people VALUES ('123-45-6789')", "INSERT INTO people VALUES ('[REDACTED]')"),
        ("card 4532-0151-1283-0366 charged", "card [REDACTED] charged"),
        ("call 555-867-5309", "call [REDACTED]"),
        // The prototype flagged these.
        ("order 1234-5678-9012-3456 shipped", "order 1234-5678-9012-3456 shipped"),
        ("uuid 550e8400-e29b-41d4-a716-446655440000", "uuid 550e8400-e29b-41d4-a716-446655440000"),
        ("at 2024-01-15 10:30:00.123", "at 2024-01-15 10:30:00.123"),
        ("ref 123-456-7890", "ref 123-456-7890"),
    ];
    let (mut p, _) = build(serde_json::json!({"pii_detection": {"auto_sanitize": true}}));
    for (input, want) in cases {
        let mut out = Vec::new();
        p.process(logs(vec![record(&[("query_text", input.into())], None)]), &mut out).expect("ok");
        assert_eq!(records(&out[0])[0].attributes.get("query_text"), Some(&Value::from(want)), "{input}");
    }
    let _ = Attributes::new();
}

/// The types marked on each record of one batch through `p`.
fn marked(p: &mut Box<dyn Processor>, batch: Vec<LogRecord>) -> Vec<Option<String>> {
    let mut out = Vec::new();
    p.process(logs(batch), &mut out).expect("ok");
    let data = out.pop().expect("the batch");
    records(&data)
        .iter()
        .map(|r| r.attributes.get(ATTR_TYPES).and_then(Value::as_str).map(String::from))
        .collect()
}

#[test]
fn the_clean_value_remembered_per_position_is_only_for_that_value_and_name() {
    let (mut p, _) = build(serde_json::json!({}));
    let rec =
        |k: &'static str, v: &str| record(&[("db.system.name", "postgresql".into()), (k, v.into())], None);
    // "hello" at position 1 is scanned and remembered clean; a different short value there is still
    // scanned (a phone number), the clean one again is clean, in one batch and across batches.
    let got = marked(&mut p, vec![rec("note", "hello"), rec("note", "555-234-5678"), rec("note", "hello")]);
    assert_eq!(got, vec![None, Some("phone".into()), None]);
    assert_eq!(marked(&mut p, vec![rec("note", "hello")]), vec![None]);
    // Another name at that position with the remembered value: its own class (a PII name) counts.
    assert_eq!(marked(&mut p, vec![rec("password", "hello")]), vec![Some("sensitive_name".into())]);
    // Names alternating at one position (records with and without a plan) keep their classes.
    let got = marked(
        &mut p,
        vec![rec("note", "hello"), rec("password", "hello"), rec("note", "hello"), rec("password", "")],
    );
    assert_eq!(got, vec![None, Some("sensitive_name".into()), None, None]);
    // The same name as a shared string (not the literal): recognised by content.
    let mut shared = rec("note", "x");
    shared.attributes = Attributes::new();
    shared.attributes.insert("db.system.name", "postgresql");
    shared.attributes.insert(String::from("note"), "555-234-5678");
    assert_eq!(marked(&mut p, vec![shared]), vec![Some("phone".into())]);
}

#[test]
fn attributes_past_the_cached_positions_are_still_checked() {
    let (mut p, _) = build(serde_json::json!({"quality_rules": {"required_fields": ["far_field"]}}));
    let wide = |v: &str| {
        let mut a = Attributes::new();
        for i in 0..100 {
            a.insert(format!("k{i}"), i as i64);
        }
        a.insert("far_field", v);
        LogRecord { attributes: a, ..Default::default() }
    };
    for _ in 0..2 {
        let got = marked(&mut p, vec![wide("clean"), wide("555-234-5678"), wide("clean")]);
        assert_eq!(got, vec![None, Some("phone".into()), None]);
    }
    // The required field is found at position 100 (no quality finding for it).
    assert!(p.next_deadline().is_some(), "the PII finding is reported");
    let mut out = Vec::new();
    p.flush(&mut out);
    let feedback: Vec<String> = out
        .iter()
        .flat_map(|d| {
            records(d)
                .into_iter()
                .map(|r| {
                    r.attributes.get("feedback.category").map(|v| v.to_display_string()).unwrap_or_default()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(feedback, vec!["pii_detection".to_string()], "{feedback:?}");
}

proptest! {
    #[test]
    fn the_chunk_prefilter_never_misses_a_start_byte(bytes in proptest::array::uniform8(any::<u8>())) {
        let want = bytes.iter().any(|b| b.is_ascii_digit() || matches!(b, b'@' | b'=' | b':' | b'A'));
        if want {
            prop_assert!(super::pii::interesting(u64::from_le_bytes(bytes)), "{bytes:?}");
        }
    }

    #[test]
    fn matches_are_found_wherever_they_sit_in_a_long_value(pad in 0usize..24, filler in "[a-z ]{0,40}") {
        let d = Detectors::new(Sensitivity::High, Vec::new());
        for item in ["GB82 WEST 1234 5698 7654 32", "AKIAIOSFODNN7EXAMPLE", "4111 1111 1111 1111", "jane@example.com",
                     "123-45-6789", "(555) 234-5678", "10.1.2.3", "fe80::1", "password=hunter22", "Bearer abcdefghijklmnopqrstuvwxyz"] {
            let s = format!("{}{filler} {item} {filler}", "x".repeat(pad));
            let mut out = Vec::new();
            d.scan(&s, &mut out);
            prop_assert_eq!(out.len(), 1, "{:?}: {:?}", s, out);
        }
    }
}

// ---- in the real pipeline runtime: the timer sends the feedback ----

mod runtime {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use dbintel_core::component::{ComponentError, ExportError, Exporter, Receiver, ReceiverContext};
    use dbintel_core::health::HealthRegistry;
    use dbintel_core::pipeline::{
        ExporterNode, PipelineNode, ReceiverNode, RuntimeSettings, ServiceGraph, start,
    };

    use super::*;

    struct Once(Arc<SignalData>);

    #[async_trait]
    impl Receiver for Once {
        async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
            let _ = ctx.output.send_shared(self.0.clone()).await;
            ctx.shutdown.cancelled().await;
            Ok(())
        }
    }

    struct Collect(Arc<Mutex<Vec<LogRecord>>>);

    #[async_trait]
    impl Exporter for Collect {
        async fn export(&mut self, data: Arc<SignalData>) -> Result<(), ExportError> {
            let recs: Vec<LogRecord> = records(&data).into_iter().cloned().collect();
            self.0.lock().expect("lock").extend(recs);
            Ok(())
        }
    }

    #[tokio::test]
    async fn feedback_arrives_after_the_interval_and_pii_never_leaves() {
        let (p, _) = build(serde_json::json!({
            "verification_interval": "1s",
            "pii_detection": {"auto_sanitize": true}
        }));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let data =
            logs((0..20).map(|i| top_query("shop", &format!("WHERE email = 'u{i}@example.com'"))).collect());
        let graph = ServiceGraph {
            receivers: vec![ReceiverNode {
                id: "gen".parse().expect("id"),
                receiver: Box::new(Once(data)),
                pipelines: vec!["logs".parse().expect("id")],
            }],
            pipelines: vec![PipelineNode {
                id: "logs".parse().expect("id"),
                processors: vec![("verification".parse().expect("id"), p.into())],
                exporters: vec!["collect".parse().expect("id")],
            }],
            exporters: vec![ExporterNode {
                id: "collect".parse().expect("id"),
                exporter: Box::new(Collect(seen.clone())),
            }],
            extensions: vec![],
        };
        let svc = start(graph, RuntimeSettings::default(), Registry::new(), HealthRegistry::new())
            .await
            .expect("start");
        let feedback = |v: &Vec<LogRecord>| v.iter().any(|r| r.event_name == "dbintel.verification.feedback");
        // Bounded wait for the timer (the interval is 1s); not a timing assertion.
        let mut by_timer = false;
        for _ in 0..200 {
            if feedback(&seen.lock().expect("lock")) {
                by_timer = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        svc.shutdown().await;
        assert!(by_timer, "feedback sent by the timer before shutdown");
        let got = seen.lock().expect("lock");
        let fb: Vec<_> = got.iter().filter(|r| r.event_name == "dbintel.verification.feedback").collect();
        assert_eq!(fb.len(), 1, "one aggregated record for 20 findings");
        assert_eq!(fb[0].attributes.get("feedback.metrics.records"), Some(&Value::Int(20)));
        assert!(
            got.iter().all(|r| r
                .attributes
                .get("db.query.text")
                .is_none_or(|t| !t.to_display_string().contains('@')))
        );
    }
}

#[test]
fn texts_remembered_clean_do_not_hide_pii_in_other_texts() {
    let (mut p, _) = build(serde_json::json!({}));
    let clean = "SELECT o.id, o.total FROM orders o WHERE o.status = $1 AND o.created_at > $2";
    let dirty = "SELECT o.id, o.total FROM orders o WHERE o.email = 'jane.doe@example.com' AND 1=1";
    assert!(clean.len() >= CLEAN_CACHE_MIN_LEN && dirty.len() >= CLEAN_CACHE_MIN_LEN);
    for round in 0..3 {
        // The clean text is scanned once and then remembered; the dirty one is found every time,
        // in the same batch as the remembered one and alone.
        let mut out = Vec::new();
        p.process(logs(vec![top_query("shop", clean), top_query("shop", dirty)]), &mut out).expect("ok");
        let r = records(&out[0]);
        assert_eq!(r[0].attributes.get(ATTR_TYPES), None, "round {round}");
        assert_eq!(r[1].attributes.get(ATTR_TYPES), Some(&Value::from("email")), "round {round}");
    }
}

#[test]
fn the_clean_text_cache_is_bounded_and_counts_what_it_drops() {
    let (mut p, reg) = build(serde_json::json!({}));
    let batch: Vec<LogRecord> = (0..CLEAN_CACHE_SIZE + 10)
        .map(|i| top_query("shop", &format!("SELECT a, b, c FROM table_number_{i} WHERE x = $1 AND y = $2")))
        .collect();
    let mut out = Vec::new();
    p.process(logs(batch), &mut out).expect("ok");
    let evicted =
        reg.counter_total("dbintel_verification_cache_evictions_total", &[("processor", "verification")]);
    assert_eq!(evicted, CLEAN_CACHE_SIZE as u64);
}

/// A metrics batch: one gauge and one histogram, each with one point of `attrs`.
fn metric_batch(attrs: &[(&'static str, Value)]) -> Arc<SignalData> {
    use dbintel_core::pdata::{
        HistogramDataPoint, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, ResourceMetrics,
        ScopeMetrics, Temporality,
    };
    let a: Attributes = attrs.iter().map(|(k, v)| (*k, v.clone())).collect();
    let gauge = Metric {
        name: "db.query.duration".into(),
        description: String::new(),
        unit: "ms".into(),
        data: MetricData::Gauge(vec![NumberDataPoint {
            attributes: a.clone(),
            start_time_unix_nano: 0,
            time_unix_nano: 5,
            value: NumberValue::Double(2.5),
            flags: 0,
        }]),
    };
    let hist = Metric {
        name: "db.query.latency".into(),
        description: String::new(),
        unit: "ms".into(),
        data: MetricData::Histogram {
            points: vec![HistogramDataPoint { attributes: a, count: 1, ..Default::default() }],
            temporality: Temporality::Cumulative,
        },
    };
    Arc::new(SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics { metrics: vec![gauge, hist], ..Default::default() }],
            ..Default::default()
        }],
    }))
}

fn point_attributes(data: &SignalData) -> Vec<Attributes> {
    use dbintel_core::pdata::MetricData;
    let SignalData::Metrics(m) = data else { panic!("metrics") };
    let mut out = Vec::new();
    for metric in m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        match &metric.data {
            MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => {
                out.extend(p.iter().map(|p| p.attributes.clone()))
            }
            MetricData::Histogram { points, .. } => out.extend(points.iter().map(|p| p.attributes.clone())),
            MetricData::Summary(p) => out.extend(p.iter().map(|p| p.attributes.clone())),
        }
    }
    out
}

/// The prototype's configs list `verification` in metrics pipelines: PII in a data point's
/// attributes (a query text label, a user label) is redacted; nothing is added to the point (a mark
/// would be a new series) and no feedback log is sent into the metrics pipeline.
#[test]
fn in_a_metrics_pipeline_pii_in_point_attributes_is_redacted() {
    let (mut p, telemetry) = build(serde_json::json!({"pii_detection": {"auto_sanitize": true}}));
    let input = metric_batch(&[
        ("db.query.text", "SELECT * FROM users WHERE email = 'jane@shop.io'".into()),
        ("user.email", "bob@shop.io".into()),
        ("db.namespace", "shop".into()),
    ]);
    let mut out = Vec::new();
    p.process(input, &mut out).expect("ok");
    assert_eq!(out.len(), 1);
    let points = point_attributes(&out[0]);
    assert_eq!(points.len(), 2);
    for a in &points {
        assert_eq!(
            a.get("db.query.text"),
            Some(&Value::from("SELECT * FROM users WHERE email = '[REDACTED]'"))
        );
        assert_eq!(a.get("user.email"), Some(&Value::from("[REDACTED]")));
        assert_eq!(a.get("db.namespace"), Some(&Value::from("shop")));
        assert_eq!(a.len(), 3, "no marks on metric points: {a:?}");
    }
    assert_eq!(telemetry.counter_total("dbintel_verification_records_redacted_total", &[]), 2);
    assert_eq!(telemetry.counter_total("dbintel_verification_pii_findings_total", &[("type", "email")]), 2);
    // No feedback: the pipeline carries metrics.
    assert!(p.next_deadline().is_none());
    let mut fb = Vec::new();
    p.flush(&mut fb);
    assert!(fb.is_empty(), "{fb:?}");
    // A clean batch passes without a copy; without auto_sanitize a dirty one is counted, unchanged.
    let clean = metric_batch(&[("db.namespace", "shop".into())]);
    let mut out = Vec::new();
    p.process(clean.clone(), &mut out).expect("ok");
    assert!(Arc::ptr_eq(&out[0], &clean));
    let (mut q, telemetry) = build(serde_json::json!({}));
    let dirty = metric_batch(&[("user.email", "bob@shop.io".into())]);
    let mut out = Vec::new();
    q.process(dirty.clone(), &mut out).expect("ok");
    assert!(Arc::ptr_eq(&out[0], &dirty));
    assert_eq!(telemetry.counter_total("dbintel_verification_records_with_pii_total", &[]), 2);
    assert_eq!(telemetry.counter_total("dbintel_verification_records_redacted_total", &[]), 0);
}

#[test]
fn in_a_traces_pipeline_pii_in_span_and_event_attributes_is_redacted() {
    use crate::test_util::{kept_spans, span, traces};
    use dbintel_core::pdata::SpanEvent;
    let (mut p, telemetry) = build(serde_json::json!({"pii_detection": {"auto_sanitize": true}}));
    let mut s = span("SELECT users", 1, &[("db.query.text", "SELECT 1 WHERE ssn = '123-45-6789'".into())]);
    s.events.push(SpanEvent {
        name: "exception".into(),
        attributes: [("exception.message", Value::from("no user jane@shop.io"))].into_iter().collect(),
        ..Default::default()
    });
    let clean = span("GET /", 2, &[("http.route", "/".into())]);
    let mut out = Vec::new();
    p.process(traces(vec![s, clean.clone()]), &mut out).expect("ok");
    let spans = kept_spans(&out);
    assert_eq!(spans.len(), 2);
    assert_eq!(
        spans[0].attributes.get("db.query.text"),
        Some(&Value::from("SELECT 1 WHERE ssn = '[REDACTED]'"))
    );
    assert_eq!(
        spans[0].events[0].attributes.get("exception.message"),
        Some(&Value::from("no user [REDACTED]"))
    );
    assert_eq!(spans[0].name, "SELECT users", "names and ids are kept");
    assert_eq!(spans[1], clean);
    assert_eq!(telemetry.counter_total("dbintel_verification_records_redacted_total", &[]), 2);
}
