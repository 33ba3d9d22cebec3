use super::*;

const S: u64 = 1_000_000_000;

fn row(id: i64, state: &str, wait: (&str, &str), query: &str) -> SessionRow {
    SessionRow {
        session_id: id,
        database: "shop".into(),
        user: "app".into(),
        state: state.into(),
        active: state == "active",
        wait_event_type: wait.0.into(),
        wait_event: wait.1.into(),
        query: query.into(),
        query_id: format!("{}", 100 + id),
        running_ms: Some(500.0),
        backend_type: "client backend".into(),
        ..Default::default()
    }
}

fn load() -> Vec<SessionRow> {
    let mut blocked = row(2, "active", ("Lock", "transactionid"), "UPDATE t SET v = 2 WHERE id = 1");
    blocked.blocked_by = vec![1];
    blocked.lock_type = "transactionid".into();
    vec![
        row(1, "idle in transaction", ("Client", "ClientRead"), "UPDATE t SET v = 1 WHERE id = 1"),
        blocked,
        row(3, "active", ("Timeout", "PgSleep"), "SELECT pg_sleep(30)"),
        row(4, "active", ("Timeout", "PgSleep"), "SELECT pg_sleep(30)"),
        row(5, "active", ("", ""), "SELECT count(*) FROM big"),
    ]
}

fn metric<'a>(out: &'a AshOutput, name: &str) -> &'a Metric {
    out.metrics.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("{name} missing"))
}

fn points(m: &Metric) -> &[NumberDataPoint] {
    match &m.data {
        MetricData::Gauge(p) => p,
        MetricData::Sum { points, .. } => points,
        _ => panic!("unexpected kind"),
    }
}

fn find<'a>(m: &'a Metric, attrs: &[(&str, &str)]) -> Option<&'a NumberDataPoint> {
    points(m)
        .iter()
        .find(|p| attrs.iter().all(|(k, v)| p.attributes.get(k).and_then(Value::as_str) == Some(*v)))
}

#[test]
fn adaptive_rate_follows_the_prototype() {
    let r = AdaptiveRate::new(AshSamplingConfig { base_rate: 0.8, ..Default::default() });
    assert_eq!(r.target(10), 1.0, "full below the low threshold");
    assert_eq!(r.target(100), 0.8, "base rate between the thresholds");
    assert!((r.target(750) - 0.4).abs() < 1e-9, "0.8 * (1 - 250/500)");
    assert!((r.target(5000) - 0.1).abs() < 1e-9, "floor of 0.1 of base, clamped to min_rate");
    let mut r = AdaptiveRate::new(AshSamplingConfig::default());
    assert_eq!(r.update(10), 1.0);
    let next = r.update(1000);
    assert!(next < 1.0 && next > 0.1, "smoothed towards the target: {next}");
    for _ in 0..60 {
        r.update(1000);
    }
    assert!((r.current() - 0.1).abs() < 0.01, "{}", r.current());
}

#[test]
fn a_tick_profile_becomes_the_interval_metrics_and_events() {
    let mut ash = Ash::new(AshConfig { enabled: true, ..Default::default() }, POSTGRESQL, 0);
    for t in 1..=5 {
        ash.record_tick(t * S, load());
    }
    let out = ash.drain(6 * S);
    let waits = metric(&out, "db.ash.wait_events");
    let secs = |t, e| find(waits, &[("wait_event_type", t), ("wait_event", e)]).map(|p| p.value.as_f64());
    assert_eq!(secs("Timeout", "PgSleep"), Some(10.0), "two sleepers, five 1s ticks");
    assert_eq!(secs("Lock", "transactionid"), Some(5.0));
    assert_eq!(secs("CPU", "CPU"), Some(5.0), "an active session without a wait is on CPU");
    assert_eq!(secs("Client", "ClientRead"), None, "idle in transaction is not in the profile");
    assert!(matches!(waits.data, MetricData::Sum { temporality: Temporality::Delta, monotonic: true, .. }));
    assert_eq!(points(waits)[0].start_time_unix_nano, 0);
    let active = metric(&out, "db.ash.active_sessions");
    assert_eq!(
        find(active, &[("state", "active"), ("db.namespace", "shop")]).map(|p| p.value.as_f64()),
        Some(4.0)
    );
    assert_eq!(find(active, &[("state", "idle in transaction")]).map(|p| p.value.as_f64()), Some(1.0));
    assert_eq!(points(metric(&out, "db.ash.blocked_sessions"))[0].value, NumberValue::Int(1));
    assert_eq!(points(metric(&out, "db.ash.blocking_chain_depth"))[0].value, NumberValue::Int(1));
    assert_eq!(points(metric(&out, "db.ash.long_running_queries"))[0].value, NumberValue::Int(0));

    // Events: the blocked group first, with the query's identity for querycorrelator.
    assert!(!out.records.is_empty());
    let first = &out.records[0];
    assert_eq!(first.event_name, EVENT_NAME);
    assert_eq!(str_attr(first, "postgresql.wait_event"), "transactionid");
    assert_eq!(str_attr(first, "postgresql.blocking.pids"), "{1}");
    assert_eq!(str_attr(first, "postgresql.query_id"), "102");
    assert_eq!(str_attr(first, "db.query.text"), "UPDATE t SET v = ? WHERE id = ?");
    assert_eq!(str_attr(first, "dbintel.query.fingerprint").len(), 16);
    assert_eq!(first.attributes.get("dbintel.ash.samples"), Some(&Value::Int(5)));
    assert_eq!(str_attr(first, "dbintel.ash.reason"), "blocked");
    // The two sleepers run the same statement: one group of ten samples.
    let sleep = out.records.iter().find(|r| str_attr(r, "postgresql.wait_event") == "PgSleep").unwrap();
    assert!(out.records.iter().filter(|r| str_attr(r, "postgresql.wait_event") == "PgSleep").count() <= 2);
    assert!(matches!(sleep.attributes.get("dbintel.ash.wait_time"), Some(Value::Double(d)) if *d >= 5.0));
    for r in &out.records {
        assert!(
            !str_attr(r, "db.query.text").contains('1') || str_attr(r, "db.query.text").contains("count")
        );
    }
    // The next interval starts empty.
    let next = ash.drain(7 * S);
    assert!(next.metrics.is_empty() && next.records.is_empty());
}

#[test]
fn blocked_long_running_and_maintenance_are_sampled_at_rate_zero() {
    let sampling = AshSamplingConfig { min_rate: 0.0, max_rate: 0.0, base_rate: 0.0, ..Default::default() };
    let mut ash = Ash::new(AshConfig { enabled: true, sampling, ..Default::default() }, POSTGRESQL, 0);
    let mut rows = load();
    let mut long = row(6, "active", ("IO", "DataFileRead"), "SELECT * FROM big");
    long.running_ms = Some(600_000.0);
    let mut vacuum = row(7, "active", ("", ""), "autovacuum: VACUUM public.t");
    vacuum.backend_type = "autovacuum worker".into();
    rows.push(long);
    rows.push(vacuum);
    rows.push(row(8, "active", ("", ""), "/* app */ create index concurrently i on t (v)"));
    ash.record_tick(S, rows);
    let mut kept: Vec<(i64, Reason)> = ash.ring().iter().map(|s| (s.session_id, s.reason)).collect();
    kept.sort();
    assert_eq!(
        kept,
        vec![
            (1, Reason::Blocked),
            (2, Reason::Blocked),
            (6, Reason::LongRunning),
            (7, Reason::Maintenance),
            (8, Reason::Maintenance)
        ],
        "the sleepers are left out at rate 0, the blocker and the blocked are not"
    );
    // Counts are still over every session read.
    let out = ash.drain(2 * S);
    let active = metric(&out, "db.ash.active_sessions");
    assert_eq!(find(active, &[("state", "active")]).map(|p| p.value.as_f64()), Some(7.0));
    assert_eq!(points(metric(&out, "db.ash.long_running_queries"))[0].value, NumberValue::Int(1));
}

#[test]
fn the_ring_is_bounded_by_size_and_age() {
    let cfg = AshConfig {
        enabled: true,
        buffer_size: 8,
        retention_duration: GoDuration::from_secs(3),
        ..Default::default()
    };
    let mut ash = Ash::new(cfg, POSTGRESQL, 0);
    ash.record_tick(S, load());
    ash.record_tick(2 * S, load());
    assert_eq!(ash.ring().len(), 8);
    assert_eq!(ash.take_stats().ring_evictions, 2);
    ash.record_tick(10 * S, vec![row(9, "active", ("", ""), "SELECT 1")]);
    assert_eq!(ash.ring().len(), 1, "older than the retention");
    assert!(ash.ring_bytes() > 0);
}

#[test]
fn series_are_bounded() {
    let mut ash = Ash::new(AshConfig { enabled: true, ..Default::default() }, POSTGRESQL, 0);
    let rows: Vec<SessionRow> = (0..(MAX_SERIES as i64 + 50))
        .map(|i| {
            let mut r = row(i, "active", ("Extension", "x"), "SELECT 1");
            r.database = format!("db{i}");
            r.wait_event = format!("w{i}");
            r
        })
        .collect();
    ash.record_tick(S, rows);
    assert_eq!(ash.take_stats().dropped_series, 100);
    let out = ash.drain(2 * S);
    assert_eq!(points(metric(&out, "db.ash.wait_events")).len(), MAX_SERIES);
    assert_eq!(out.records.len(), 10, "max_events");
}

#[test]
fn an_external_profile_replaces_the_readings() {
    let mut ash = Ash::new(AshConfig { enabled: true, ..Default::default() }, POSTGRESQL, 0);
    ash.set_external_profile(true);
    ash.record_tick(S, load());
    ash.add_wait_profile("pg_wait_sampling", &[("Timeout".into(), "PgSleep".into(), 1.98)]);
    let out = ash.drain(2 * S);
    let waits = metric(&out, "db.ash.wait_events");
    assert_eq!(points(waits).len(), 1);
    assert_eq!(str_attr_point(&points(waits)[0], "dbintel.ash.source"), "pg_wait_sampling");
    assert_eq!(points(waits)[0].value.as_f64(), 1.98);
}

fn str_attr_point<'a>(p: &'a NumberDataPoint, k: &str) -> &'a str {
    p.attributes.get(k).and_then(Value::as_str).unwrap_or("")
}

#[test]
fn profile_deltas_handle_first_reading_new_keys_and_resets() {
    let mut d = ProfileDeltas::default();
    let period = Duration::from_millis(10);
    let k = |t: &str, e: &str, c: i64| (t.to_string(), e.to_string(), c);
    assert!(d.update(vec![k("Lock", "tuple", 100)], period).is_empty(), "baseline");
    let out = d.update(vec![k("Lock", "tuple", 150), k("IO", "DataFileRead", 20)], period);
    assert_eq!(out, vec![("Lock".into(), "tuple".into(), 0.5), ("IO".into(), "DataFileRead".into(), 0.2)]);
    let out = d.update(vec![k("Lock", "tuple", 30), k("IO", "DataFileRead", 20)], period);
    assert_eq!(out, vec![("Lock".into(), "tuple".into(), 0.3)], "a reset counts from zero");
}

#[test]
fn maintenance_statements() {
    assert!(is_maintenance("vacuum analyze t", ""));
    assert!(is_maintenance("  /* x */ CREATE   INDEX i ON t (a)", ""));
    assert!(is_maintenance("SELECT 1", "autovacuum worker"));
    assert!(!is_maintenance("SELECT 'VACUUM'", ""));
    assert!(!is_maintenance("/* unterminated", ""));
}

#[test]
fn config_problems_name_their_keys() {
    let cfg = AshConfig {
        sampling_interval: GoDuration::from_millis(10),
        buffer_size: 0,
        max_events: MAX_EVENTS + 1,
        sampling: AshSamplingConfig {
            base_rate: 1.5,
            min_rate: 0.9,
            max_rate: 0.5,
            low_session_threshold: 600,
            ..Default::default()
        },
        ..Default::default()
    };
    let paths: Vec<String> = cfg.problems().into_iter().map(|p| p.path).collect();
    for want in [
        "sampling_interval",
        "buffer_size",
        "max_events",
        "sampling.base_rate",
        "sampling.min_rate",
        "sampling.high_session_threshold",
    ] {
        assert!(paths.iter().any(|p| p == want), "{want} missing in {paths:?}");
    }
    assert!(AshConfig::default().problems().is_empty());
}

#[test]
fn the_breaker_pauses_an_open_database_and_slows_a_shedding_one() {
    use dbintel_core::breaker::Shed;
    assert_eq!(breaker_stride(true, Shed::Nothing), Some(1));
    assert_eq!(breaker_stride(true, Shed::Plans), Some(2));
    assert_eq!(breaker_stride(true, Shed::Samples), Some(4));
    assert_eq!(breaker_stride(true, Shed::TopQueries), None);
    assert_eq!(breaker_stride(false, Shed::Nothing), None);

    let ash = std::sync::Mutex::new(Ash::new(AshConfig::default(), POSTGRESQL, 0));
    let telemetry = AshTelemetry::new(&dbintel_core::telemetry::Registry::new(), "r");
    let mut gate = BreakerGate::default();
    let mut pattern = |allows: bool, shed: Shed, n: usize| -> Vec<bool> {
        (0..n).map(|_| gate.admit(allows, shed, &ash, &telemetry, "r")).collect()
    };
    assert_eq!(pattern(true, Shed::Nothing, 3), [true, true, true]);
    // Samples shed: the first tick of the new pace reads, then one in four.
    assert_eq!(pattern(true, Shed::Samples, 8), [true, false, false, false, true, false, false, false]);
    assert_eq!(pattern(true, Shed::Plans, 4), [true, false, true, false]);
    assert_eq!(pattern(false, Shed::Nothing, 3), [false, false, false]);
    assert_eq!(telemetry.shed_ticks.get(), 6 + 2 + 3);
    // A pause: the next reading weighs one interval, not the time since the last one.
    lock(&ash).record_tick(1_000_000_000, Vec::new());
    lock(&ash).pause();
    let row = SessionRow { session_id: 1, active: true, state: "active".into(), ..Default::default() };
    lock(&ash).record_tick(100_000_000_000, vec![row]);
    let out = lock(&ash).drain(100_000_000_001);
    let waits: f64 = out
        .metrics
        .iter()
        .filter(|m| m.name == "db.ash.wait_events")
        .flat_map(|m| match &m.data {
            MetricData::Sum { points, .. } => points.clone(),
            _ => Vec::new(),
        })
        .map(|p| p.value.as_f64())
        .sum();
    assert!(
        (waits - 1.0).abs() < 1e-9,
        "one interval (1 s) of CPU, not the paused time (capped at 5 s): {waits}"
    );
    assert_eq!(pattern(true, Shed::Nothing, 2), [true, true]);
}
