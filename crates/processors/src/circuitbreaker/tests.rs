use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dbintel_core::breaker::{BreakerRegistry, BreakerState, FailureKind, Outcome};
use dbintel_core::pdata::{LogRecord, SignalData};
use dbintel_core::telemetry::Registry;
use dbintel_core::{AdmissionRegistry, Admit, Built, ComponentId, CreateContext, Factory, Host, Processor};
use serde_json::json;

use super::*;
use crate::test_util::logs;

fn id(s: &str) -> ComponentId {
    s.parse().unwrap()
}

fn record(db: &str) -> LogRecord {
    let mut r = LogRecord { event_name: "db.server.top_query".into(), ..Default::default() };
    r.attributes.insert("db.namespace", db);
    r.attributes.insert("db.query.text", "SELECT ?");
    r
}

fn states(out: &[Arc<SignalData>]) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for d in out {
        if let SignalData::Logs(l) = &**d {
            for r in l.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records) {
                let get = |k: &str| r.attributes.get(k).and_then(|v| v.as_str()).unwrap_or("-").to_string();
                v.push((get("db.namespace"), get(STATE_ATTRIBUTE)));
            }
        }
    }
    v
}

fn quiet() -> Readings {
    Box::new(|| (Some(1 << 20), Some(0.0)))
}

fn configured(config: &CircuitBreakerConfig) -> (BreakerRegistry, AdmissionRegistry, Registry) {
    let admission = AdmissionRegistry::new();
    let reg = BreakerRegistry::new(admission.clone());
    let telemetry = Registry::new();
    reg.configure(config.settings(), &telemetry);
    (reg, admission, telemetry)
}

#[test]
fn defaults_aliases_and_bad_keys_named() {
    let f = CircuitBreakerFactory;
    assert_eq!(f.info().type_name, "circuit_breaker");
    assert_eq!(f.info().aliases, &["circuitbreaker"]);
    let c: CircuitBreakerConfig = serde_json::from_value(json!({})).unwrap();
    assert_eq!(c, CircuitBreakerConfig::default());
    assert_eq!(c.failure_threshold, 5);
    assert_eq!(c.open_state_timeout.get(), Duration::from_secs(30));
    // The prototype's `timeout` loads as base_timeout; its unwired keys are accepted and warned about.
    let c: CircuitBreakerConfig = serde_json::from_value(json!({"timeout": "2s"})).unwrap();
    assert_eq!(c.base_timeout.get(), Duration::from_secs(2));
    assert!(f.validate(&json!({"max_concurrent_requests": 100, "error_patterns": []})).is_ok());
    let bad = f
        .validate(&json!({"base_timeout": "40s", "failure_threshold": 0, "cpu_threshold_percent": 150}))
        .unwrap_err();
    let keys: Vec<&str> = bad.iter().map(|p| p.path.as_str()).collect();
    for k in ["base_timeout", "failure_threshold", "cpu_threshold_percent"] {
        assert!(keys.contains(&k), "{k} named in {bad:?}");
    }
    assert!(f.validate(&json!({"bogus": 1})).is_err(), "unknown keys are refused");
    // The stress thresholds: documented defaults, `0s` turns one off, nonsense is named.
    assert_eq!(c.lock_wait_threshold.get(), Duration::from_secs(30));
    assert_eq!(c.replication_lag_threshold.get(), Duration::from_secs(60));
    let c: CircuitBreakerConfig =
        serde_json::from_value(json!({"lock_wait_threshold": "5s", "replication_lag_threshold": "0s"}))
            .unwrap();
    assert!(c.problems().is_empty());
    let s = c.settings();
    assert_eq!(
        (s.lock_wait_threshold, s.replication_lag_threshold),
        (Duration::from_secs(5), Duration::ZERO)
    );
    let bad =
        f.validate(&json!({"lock_wait_threshold": "10ms", "replication_lag_threshold": "48h"})).unwrap_err();
    let keys: Vec<&str> = bad.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(keys, ["lock_wait_threshold", "replication_lag_threshold"]);
}

#[test]
fn a_record_already_stamped_is_updated_in_place_and_other_values_are_replaced() {
    let config = CircuitBreakerConfig { failure_threshold: 1, ..Default::default() };
    let (reg, _, telemetry) = configured(&config);
    let mut p = CircuitBreaker::with_readings(config, reg.clone(), &telemetry, "circuit_breaker", quiet());
    let mut stale = record("a");
    stale.attributes.insert(STATE_ATTRIBUTE, "open");
    let mut odd = record("b");
    odd.attributes.insert(STATE_ATTRIBUTE, 7i64);
    let mut out = Vec::new();
    p.process(logs(vec![stale, odd, record("c")]), &mut out).unwrap();
    assert_eq!(
        states(&out),
        [("a".into(), "closed".into()), ("b".into(), "closed".into()), ("c".into(), "closed".into())]
    );
    // One attribute each, not a second `cb.state`.
    if let SignalData::Logs(l) = &*out[0] {
        for r in l.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records) {
            assert_eq!(r.attributes.iter().filter(|(k, _)| *k == STATE_ATTRIBUTE).count(), 1);
        }
    }
    // Runs of records of one database and records of several, with one database open.
    reg.record_at(&id("postgresql"), "b", Outcome::Failure(FailureKind::Timeout), Instant::now());
    let mut out = Vec::new();
    p.process(logs(vec![record("b"), record("b"), record("a"), record("b"), record("c")]), &mut out).unwrap();
    let got: Vec<String> = states(&out).into_iter().map(|(_, s)| s).collect();
    assert_eq!(got, ["open", "open", "closed", "open", "closed"]);
}

#[test]
fn building_configures_the_services_breakers() {
    let host = Host::new();
    let mut ctx = CreateContext::new(id("circuit_breaker"), Registry::new());
    ctx.host = host.clone();
    assert!(!host.breakers().is_configured());
    let built = CircuitBreakerFactory.create(&ctx, &json!({"failure_threshold": 2}));
    assert!(matches!(built, Ok(Built::Processor(_))));
    assert!(host.breakers().is_configured());
    // A receiver's report now moves the breaker, and its vote reaches admission.
    let h = host.breakers().handle(&id("postgresql"));
    h.report("orders", Outcome::Failure(FailureKind::Timeout));
    h.report("orders", Outcome::Failure(FailureKind::Timeout));
    assert!(matches!(host.admission().handle(&id("postgresql")).check(Some("orders")), Admit::Skip { .. }));
}

#[test]
fn records_carry_cb_state_and_open_databases_pass_or_drop() {
    for mode in [OpenRecords::Pass, OpenRecords::Drop] {
        let config = CircuitBreakerConfig { failure_threshold: 1, open_records: mode, ..Default::default() };
        let (reg, _, telemetry) = configured(&config);
        let mut p =
            CircuitBreaker::with_readings(config, reg.clone(), &telemetry, "circuit_breaker", quiet());
        let mut out = Vec::new();
        p.process(logs(vec![record("a"), record("b")]), &mut out).unwrap();
        assert_eq!(states(&out), [("a".into(), "closed".into()), ("b".into(), "closed".into())]);
        reg.record_at(
            &id("postgresql"),
            "b",
            Outcome::Failure(FailureKind::TooManyConnections),
            Instant::now(),
        );
        let mut out = Vec::new();
        let input = logs(vec![record("a"), record("b"), record("b")]);
        let shared = input.clone();
        p.process(input, &mut out).unwrap();
        let want: Vec<(String, String)> = match mode {
            OpenRecords::Pass => {
                vec![("a".into(), "closed".into()), ("b".into(), "open".into()), ("b".into(), "open".into())]
            }
            OpenRecords::Drop => vec![("a".into(), "closed".into())],
        };
        assert_eq!(states(&out), want, "{mode:?}");
        assert_eq!(
            states(&[shared]),
            [("a".into(), "-".into()), ("b".into(), "-".into()), ("b".into(), "-".into())],
            "a shared batch is copied, not changed"
        );
        let dropped = telemetry.counter_total("dbintel_circuit_breaker_records_dropped_total", &[]);
        assert_eq!(dropped, if mode == OpenRecords::Drop { 2 } else { 0 });
        // A mysql receiver's breaker is keyed by its endpoint, found on the resource.
        reg.record_at(&id("mysql"), "db:3306", Outcome::Failure(FailureKind::Timeout), Instant::now());
        let mut batch = logs(vec![record("shop")]);
        if let SignalData::Logs(l) = Arc::make_mut(&mut batch) {
            l.resource_logs[0].resource.attributes.insert("mysql.instance.endpoint", "db:3306");
        }
        let mut out = Vec::new();
        p.process(batch, &mut out).unwrap();
        let want: Vec<(String, String)> = match mode {
            OpenRecords::Pass => vec![("shop".into(), "open".into())],
            OpenRecords::Drop => vec![],
        };
        assert_eq!(states(&out), want);
        // Only open databases drop: a batch of only them leaves nothing to forward.
        if mode == OpenRecords::Drop {
            let mut out = Vec::new();
            p.process(logs(vec![record("b")]), &mut out).unwrap();
            assert!(out.is_empty());
        }
    }
}

#[test]
fn the_memory_guard_opens_the_global_breaker_from_real_style_readings_and_recovers() {
    let config = CircuitBreakerConfig {
        failure_threshold: 3,
        success_threshold: 2,
        memory_threshold_mb: 100,
        cpu_threshold_percent: 0.0,
        ..Default::default()
    };
    let (reg, admission, telemetry) = configured(&config);
    let rss = Arc::new(Mutex::new(50u64 << 20));
    let r = rss.clone();
    let readings: Readings = Box::new(move || (Some(*r.lock().unwrap()), None));
    let mut p = CircuitBreaker::with_readings(config, reg.clone(), &telemetry, "cb", readings);
    let t0 = Instant::now();
    p.health_check(t0);
    assert_eq!(reg.global_state(), BreakerState::Closed);
    // 81 MiB is over 80% of 100 MiB.
    *rss.lock().unwrap() = 81 << 20;
    for i in 0..3 {
        p.health_check(t0 + Duration::from_secs(i));
    }
    assert_eq!(reg.global_state(), BreakerState::Open);
    assert!(
        matches!(admission.handle(&id("mysql")).check(None), Admit::Skip { .. }),
        "every receiver pauses"
    );
    assert_eq!(
        telemetry.counter_total("dbintel_circuit_breaker_guard_trips_total", &[("guard", "memory")]),
        3
    );
    let mut out = Vec::new();
    p.process(logs(vec![record("a")]), &mut out).unwrap();
    assert_eq!(states(&out), [("a".into(), "open".into())], "records say the global state");
    *rss.lock().unwrap() = 10 << 20;
    let t1 = t0 + Duration::from_secs(40);
    p.health_check(t1); // half-opens (30s passed) and counts a success
    p.health_check(t1);
    assert_eq!(reg.global_state(), BreakerState::Closed);
    assert_eq!(admission.handle(&id("mysql")).check(None), Admit::Full);
}

#[test]
fn the_cpu_guard_reads_cpu_seconds_over_wall_time() {
    let config = CircuitBreakerConfig {
        failure_threshold: 2,
        memory_threshold_mb: 0,
        cpu_threshold_percent: 50.0,
        ..Default::default()
    };
    let (reg, _, telemetry) = configured(&config);
    let cpus = std::thread::available_parallelism().map(|n| n.get() as f64).unwrap_or(1.0);
    let cpu = Arc::new(Mutex::new(0.0f64));
    let c = cpu.clone();
    let readings: Readings = Box::new(move || (None, Some(*c.lock().unwrap())));
    let mut p = CircuitBreaker::with_readings(config, reg.clone(), &telemetry, "cb", readings);
    let t0 = Instant::now();
    p.health_check(t0);
    // 10s of wall time, 2s of CPU per machine CPU: 20%.
    *cpu.lock().unwrap() = 2.0 * cpus;
    p.health_check(t0 + Duration::from_secs(10));
    assert_eq!(telemetry.counter_total("dbintel_circuit_breaker_guard_trips_total", &[("guard", "cpu")]), 0);
    // Then 9s of CPU per machine CPU in 10s: 90%.
    *cpu.lock().unwrap() = 11.0 * cpus;
    p.health_check(t0 + Duration::from_secs(20));
    *cpu.lock().unwrap() = 20.0 * cpus;
    p.health_check(t0 + Duration::from_secs(30));
    assert_eq!(telemetry.counter_total("dbintel_circuit_breaker_guard_trips_total", &[("guard", "cpu")]), 2);
    assert_eq!(reg.global_state(), BreakerState::Open);
}

#[test]
fn the_throughput_guard_counts_each_second_over_the_limit_once() {
    let config =
        CircuitBreakerConfig { max_batches_per_second: 3, failure_threshold: 1, ..Default::default() };
    let (reg, _, telemetry) = configured(&config);
    let mut p = CircuitBreaker::with_readings(config, reg.clone(), &telemetry, "cb", quiet());
    let mut out = Vec::new();
    for _ in 0..3 {
        p.process(logs(vec![record("a")]), &mut out).unwrap();
    }
    assert_eq!(reg.global_state(), BreakerState::Closed);
    for _ in 0..5 {
        p.process(logs(vec![record("a")]), &mut out).unwrap();
    }
    assert_eq!(
        telemetry.counter_total("dbintel_circuit_breaker_guard_trips_total", &[("guard", "throughput")]),
        1
    );
    assert_eq!(reg.global_state(), BreakerState::Open);
}

#[test]
fn real_proc_readings_are_available() {
    let mut r = super::processor::proc_readings_for_test();
    let (rss, cpu) = r();
    assert!(rss.is_some_and(|b| b > 0));
    assert!(cpu.is_some());
}

#[test]
fn metrics_pass_through_unchanged_while_a_database_is_open() {
    // A metrics-only deployment hosts the breaker in its metrics pipeline: the receivers obey it,
    // the data points are not touched (no copy, even with `open_records: drop`).
    let config =
        CircuitBreakerConfig { failure_threshold: 1, open_records: OpenRecords::Drop, ..Default::default() };
    let (reg, _, telemetry) = configured(&config);
    let mut p = CircuitBreaker::with_readings(config, reg.clone(), &telemetry, "circuit_breaker", quiet());
    reg.record_at(&id("postgresql"), "b", Outcome::Failure(FailureKind::TooManyConnections), Instant::now());
    let metrics = Arc::new(SignalData::Metrics(dbintel_core::pdata::Metrics::default()));
    let mut out = Vec::new();
    p.process(metrics.clone(), &mut out).unwrap();
    assert_eq!(out.len(), 1);
    assert!(Arc::ptr_eq(&out[0], &metrics));
    assert!(CircuitBreakerFactory.info().signals.contains(&dbintel_core::Signal::Metrics));
}
