//! Active session history against throwaway PostgreSQL servers under a load of lock waits (a held
//! row lock and a blocked UPDATE) and sleeps (pg_sleep): the wait profile matches what
//! pg_stat_activity showed the test itself, blocked sessions are always sampled, and with
//! pg_wait_sampling preloaded the profile comes from the extension.

mod query_common;
mod receiver_harness;

use std::collections::HashMap;
use std::time::Duration;

use dbintel_core::admission::Admission;
use dbintel_core::breaker::BreakerHandle;
use dbintel_core::pdata::{LogRecord, Metric, MetricData, NumberDataPoint, NumberValue, Value};
use dbintel_core::telemetry::Registry;
use dbintel_dbclient::ash::{AshConfig, AshOutput, AshSamplingConfig, EVENT_NAME, Reason};
use dbintel_dbclient::features::{FeatureDetectionConfig, Features};
use dbintel_postgresql::ash::{AshCollector, Guards};
use dbintel_postgresql::conn::{ConnOwner, PgConn};
use dbintel_postgresql::{Plan, PostgresqlConfig};
use dbintel_test_support::{PgServer, postgres_available};
use query_common::app_client;
use tokio_util::sync::CancellationToken;

fn plan(pg: &PgServer, db: &str) -> Plan {
    PostgresqlConfig::parse(&serde_json::json!({
        "endpoint": format!("127.0.0.1:{}", pg.port),
        "username": "postgres",
        "databases": [db],
        "tls": {"insecure": true},
    }))
    .and_then(PostgresqlConfig::resolve)
    .expect("plan")
}

/// What the sampling task obeys in these tests: nothing holds it back, its connection is not counted.
fn guards() -> Guards {
    Guards {
        admission: Admission::default(),
        breaker: BreakerHandle::disabled(&"postgresql/ash".parse().unwrap()),
        live: None,
    }
}

/// The receiver's feature detection on `conn` (what the receiver hands ASH each interval).
async fn detect(conn: &mut PgConn) -> Features {
    dbintel_postgresql::features::detect(conn, &FeatureDetectionConfig::default()).await.expect("detection")
}

async fn conn(plan: &Plan, db: &str) -> PgConn {
    dbintel_postgresql::conn::connect(&plan.connect, db, None, &ConnOwner::default()).await.expect("connect")
}

fn points<'a>(out: &'a AshOutput, name: &str) -> &'a [NumberDataPoint] {
    let m: &Metric = out.metrics.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("{name} missing"));
    match &m.data {
        MetricData::Gauge(p) => p,
        MetricData::Sum { points, .. } => points,
        _ => panic!("kind"),
    }
}

fn s<'a>(attrs: &'a dbintel_core::pdata::Attributes, k: &str) -> &'a str {
    attrs.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Seconds per `(type, event)` of the interval's profile, and its source.
fn profile(out: &AshOutput) -> (HashMap<(String, String), f64>, String) {
    let mut m = HashMap::new();
    let mut source = String::new();
    for p in points(out, "db.ash.wait_events") {
        m.insert(
            (s(&p.attributes, "wait_event_type").into(), s(&p.attributes, "wait_event").into()),
            p.value.as_f64(),
        );
        source = s(&p.attributes, "dbintel.ash.source").into();
    }
    (m, source)
}

fn int(out: &AshOutput, name: &str) -> i64 {
    match points(out, name)[0].value {
        NumberValue::Int(i) => i,
        NumberValue::Double(d) => d as i64,
    }
}

struct Load {
    holder_pid: i32,
    blocked_pid: i32,
    _clients: Vec<tokio_postgres::Client>,
}

/// One session holds a row lock (idle in transaction), one UPDATE waits for it, `sleepers` sessions
/// sleep in pg_sleep.
async fn start_load(url: &str, sleepers: usize) -> Load {
    let holder = app_client(url, "holder").await;
    holder
        .batch_execute("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0) ON CONFLICT DO NOTHING")
        .await
        .unwrap();
    holder.batch_execute("BEGIN; UPDATE t SET v = 1 WHERE id = 1").await.unwrap();
    let holder_pid: i32 = holder.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    let blocked = app_client(url, "blocked").await;
    let blocked_pid: i32 = blocked.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    let b = blocked;
    let bg = tokio::spawn(async move {
        let _ = b.batch_execute("UPDATE t SET v = 2 WHERE id = 1").await;
        b
    });
    let clients = vec![holder];
    for i in 0..sleepers {
        let c = app_client(url, &format!("sleeper{i}")).await;
        tokio::spawn(async move {
            let _ = c.batch_execute("SELECT pg_sleep(60)").await;
            drop(c);
        });
    }
    // Wait until the server shows the load.
    let watch = app_client(url, "watch").await;
    for _ in 0..100 {
        let n: i64 = watch
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE (wait_event = 'PgSleep') OR (wait_event_type = 'Lock')",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if n as usize > sleepers {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    std::mem::forget(bg); // the blocked UPDATE ends with the server
    Load { holder_pid, blocked_pid, _clients: clients }
}

/// What pg_stat_activity shows the test itself, polled every 100ms while `f` runs: mean active
/// sessions per `(type, event)`.
async fn observe(url: &str, for_how_long: Duration) -> HashMap<(String, String), f64> {
    let c = app_client(url, "observer").await;
    let mut sums: HashMap<(String, String), f64> = HashMap::new();
    let mut n = 0.0;
    let end = tokio::time::Instant::now() + for_how_long;
    while tokio::time::Instant::now() < end {
        for r in c
            .query(
                "SELECT COALESCE(wait_event_type, 'CPU'), COALESCE(wait_event, 'CPU') FROM pg_stat_activity \
                 WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid() \
                 AND application_name NOT IN ('dbintel', 'observer')",
                &[],
            )
            .await
            .unwrap()
        {
            *sums.entry((r.get(0), r.get(1))).or_default() += 1.0;
        }
        n += 1.0;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sums.values_mut().for_each(|v| *v /= n);
    sums
}

fn ash_config(sampling: AshSamplingConfig) -> AshConfig {
    serde_json::from_value::<AshConfig>(serde_json::json!({"enabled": true, "sampling_interval": "200ms"}))
        .map(|c| AshConfig { sampling, ..c })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ash_wait_profile_matches_pg_stat_activity_and_blocked_sessions_are_sampled() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let pg = PgServer::start();
    let db = pg.create_database("ash");
    let url = pg.url(&db);
    let plan = plan(&pg, &db);
    let load = start_load(&url, 3).await;

    let registry = Registry::new();
    let mut ash = AshCollector::new(&ash_config(AshSamplingConfig::default()), &registry, "postgresql/ash");
    let stop = CancellationToken::new();
    ash.start(plan.connect.clone(), db.clone(), None, guards(), stop.clone());
    let mut primary = conn(&plan, &db).await;
    let features = detect(&mut primary).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _warm_up = ash.collect(&mut primary, Some(&features)).await;
    assert!(!ash.profile_from_extension(), "pg_wait_sampling is not preloaded here");
    let started = tokio::time::Instant::now();
    let seen = observe(&url, Duration::from_secs(3)).await;
    let out = ash.collect(&mut primary, Some(&features)).await;
    let elapsed = started.elapsed().as_secs_f64();

    // The profile: seconds of wait per second of the interval = mean sessions in that wait, as the
    // test's own polling of pg_stat_activity saw them.
    let (waits, source) = profile(&out);
    assert_eq!(source, "sampling");
    let key = |t: &str, e: &str| (t.to_string(), e.to_string());
    let sleep = waits.get(&key("Timeout", "PgSleep")).copied().unwrap_or(0.0) / elapsed;
    let lock = waits.get(&key("Lock", "transactionid")).copied().unwrap_or(0.0) / elapsed;
    let seen_sleep = seen.get(&key("Timeout", "PgSleep")).copied().unwrap_or(0.0);
    let seen_lock = seen.get(&key("Lock", "transactionid")).copied().unwrap_or(0.0);
    assert!(
        (seen_sleep - 3.0).abs() < 0.01 && (seen_lock - 1.0).abs() < 0.01,
        "the load as the server shows it: {seen:?}"
    );
    assert!((sleep - seen_sleep).abs() < 0.6, "PgSleep {sleep:.2} vs {seen_sleep:.2} ({waits:?})");
    assert!((lock - seen_lock).abs() < 0.35, "Lock {lock:.2} vs {seen_lock:.2} ({waits:?})");
    assert!(!waits.contains_key(&key("Client", "ClientRead")), "idle in transaction is not a wait of work");

    // Sessions, blocking and long running.
    let active: f64 = points(&out, "db.ash.active_sessions")
        .iter()
        .filter(|p| s(&p.attributes, "state") == "active" && s(&p.attributes, "db.namespace") == db)
        .map(|p| p.value.as_f64())
        .sum();
    assert!((active - 4.0).abs() < 0.5, "three sleepers and the blocked UPDATE: {active}");
    assert_eq!(int(&out, "db.ash.blocked_sessions"), 1);
    assert_eq!(int(&out, "db.ash.blocking_chain_depth"), 1);
    assert!(int(&out, "db.ash.long_running_queries") >= 4, "all four run longer than 1s");

    // Events: the blocked UPDATE first, linked to its query and its blocker.
    let first: &LogRecord = out.records.first().expect("events");
    assert_eq!(first.event_name, EVENT_NAME);
    assert_eq!(first.attributes.get("postgresql.pid"), Some(&Value::Int(i64::from(load.blocked_pid))));
    assert_eq!(s(&first.attributes, "postgresql.blocking.pids"), format!("{{{}}}", load.holder_pid));
    assert_eq!(s(&first.attributes, "db.query.text"), "UPDATE t SET v = ? WHERE id = ?");
    assert!(!s(&first.attributes, "postgresql.query_id").is_empty(), "compute_query_id is on");
    assert_eq!(s(&first.attributes, "dbintel.query.fingerprint").len(), 16);
    let sleepers = out
        .records
        .iter()
        .find(|r| s(&r.attributes, "postgresql.wait_event") == "PgSleep")
        .expect("sleep event");
    assert_eq!(s(&sleepers.attributes, "db.query.text"), "SELECT pg_sleep(?)");
    for r in &out.records {
        assert_ne!(s(&r.attributes, "postgresql.application_name"), "dbintel", "own sessions never sampled");
    }
    assert!(registry.counter_total("dbintel_ash_ticks_total", &[("receiver", "postgresql/ash")]) >= 10);
    stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ash_keeps_blocked_sessions_when_the_rate_samples_nothing() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let pg = PgServer::start();
    let db = pg.create_database("ash_rate");
    let url = pg.url(&db);
    let plan = plan(&pg, &db);
    let load = start_load(&url, 3).await;
    let sampling = AshSamplingConfig { base_rate: 0.0, min_rate: 0.0, max_rate: 0.0, ..Default::default() };
    let mut ash = AshCollector::new(&ash_config(sampling), &Registry::new(), "postgresql/ash");
    let stop = CancellationToken::new();
    ash.start(plan.connect.clone(), db.clone(), None, guards(), stop.clone());
    let mut primary = conn(&plan, &db).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let out = ash.collect(&mut primary, None).await;
    let shared = ash.shared();
    let ring = shared.lock().unwrap();
    assert!(!ring.ring().is_empty());
    let mut kept: Vec<(i64, Reason)> = ring.ring().iter().map(|s| (s.session_id, s.reason)).collect();
    kept.sort();
    kept.dedup();
    assert_eq!(
        kept,
        {
            let mut v = vec![
                (i64::from(load.holder_pid), Reason::Blocked),
                (i64::from(load.blocked_pid), Reason::Blocked),
            ];
            v.sort();
            v
        },
        "only the blocker and the blocked are kept at rate 0"
    );
    drop(ring);
    // The counts still cover every session.
    let active: f64 = points(&out, "db.ash.active_sessions")
        .iter()
        .filter(|p| s(&p.attributes, "state") == "active")
        .map(|p| p.value.as_f64())
        .sum();
    assert!(active > 3.0, "{active}");
    assert!(out.records.iter().all(|r| s(&r.attributes, "dbintel.ash.reason") == "blocked"));
    stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ash_takes_the_wait_profile_from_pg_wait_sampling() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let pg = match PgServer::builder()
        .setting("shared_preload_libraries", "pg_stat_statements,auto_explain,pg_wait_sampling")
        .try_start()
    {
        Ok(pg) => pg,
        Err(e) => panic!(
            "pg_wait_sampling must be installed (Debian postgresql-15-pg-wait-sampling, see .ci/test): {e}"
        ),
    };
    let db = pg.create_database("ash_pgws");
    pg.psql(&db, "CREATE EXTENSION pg_wait_sampling").expect("pg_wait_sampling");
    let url = pg.url(&db);
    let plan = plan(&pg, &db);
    let _load = start_load(&url, 2).await;
    let mut ash =
        AshCollector::new(&ash_config(AshSamplingConfig::default()), &Registry::new(), "postgresql/ash");
    let stop = CancellationToken::new();
    ash.start(plan.connect.clone(), db.clone(), None, guards(), stop.clone());
    let mut primary = conn(&plan, &db).await;
    // The shared detection (one path for every receiver) finds the extension, its library loaded
    // and its profile_period.
    let features = detect(&mut primary).await;
    assert!(features.has("preload.pg_wait_sampling") && features.has("pg_wait_sampling.readable"));
    assert_eq!(dbintel_postgresql::ash::profile_period(&features), Some(Duration::from_millis(10)));
    let _baseline = ash.collect(&mut primary, Some(&features)).await;
    assert!(ash.profile_from_extension(), "pg_wait_sampling detected");
    let started = tokio::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let out = ash.collect(&mut primary, Some(&features)).await;
    let elapsed = started.elapsed().as_secs_f64();
    let (waits, source) = profile(&out);
    assert_eq!(source, "pg_wait_sampling");
    let key = |t: &str, e: &str| (t.to_string(), e.to_string());
    let sleep = waits.get(&key("Timeout", "PgSleep")).copied().unwrap_or(0.0) / elapsed;
    let lock = waits.get(&key("Lock", "transactionid")).copied().unwrap_or(0.0) / elapsed;
    assert!((sleep - 2.0).abs() < 0.4, "two sleepers: {sleep:.2} ({waits:?})");
    assert!((lock - 1.0).abs() < 0.25, "one blocked UPDATE: {lock:.2} ({waits:?})");
    assert!(!waits.contains_key(&key("Client", "ClientRead")));
    assert!(!waits.keys().any(|(t, _)| t == "Activity"));
    // Blocking and events still come from the readings.
    assert_eq!(int(&out, "db.ash.blocked_sessions"), 1);
    assert!(out.records.iter().any(|r| s(&r.attributes, "dbintel.ash.reason") == "blocked"));
    stop.cancel();
}

/// Waits (bounded) until `cond` holds; panics with `what` when it does not within 60 s.
async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = tokio::time::Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ash_pauses_while_its_databases_breaker_is_open_and_slows_while_it_sheds() {
    use dbintel_core::breaker::{BreakerSettings, FailureKind, Outcome, Shed, Stress};
    let pg = dbintel_test_support::shared_postgres();
    let db = pg.create_database("ash_breaker");
    let plan = plan(pg, &db);
    let telemetry = Registry::new();
    let host = dbintel_core::Host::new();
    let settings = BreakerSettings {
        failure_threshold: 2,
        success_threshold: 1,
        open_state_timeout: Duration::from_secs(3600),
        lock_wait_threshold: Duration::from_secs(10),
        ..BreakerSettings::default()
    };
    host.breakers().configure(settings, &telemetry);
    let id: dbintel_core::ComponentId = "postgresql/ash".parse().unwrap();
    let breaker = host.breakers().handle(&id);
    let live = dbintel_core::telemetry::Gauge::default();
    let mut ash = AshCollector::new(&ash_config(AshSamplingConfig::default()), &telemetry, "postgresql/ash");
    let stop = CancellationToken::new();
    let guards =
        Guards { admission: Admission::default(), breaker: breaker.clone(), live: Some(live.clone()) };
    ash.start(plan.connect.clone(), db.clone(), None, guards, stop.clone());
    let l = [("receiver", "postgresql/ash")];
    let ticks = || telemetry.counter_total("dbintel_ash_ticks_total", &l);
    let shed = || telemetry.counter_total("dbintel_ash_shed_ticks_total", &l);

    wait_until("readings at full pace", || ticks() >= 3).await;
    assert_eq!(shed(), 0);
    // The sampling connection is counted while it is open, and the server sees exactly it.
    assert_eq!(live.get(), 1);
    let own = pg
        .psql(
            "postgres",
            &format!("SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' AND application_name = 'dbintel'"),
        )
        .unwrap();
    assert_eq!(own.trim(), "1", "one server-side session of the sampler");

    // A lock wait as long as the threshold: the database sheds samples; ASH reads every 4th tick.
    assert_eq!(
        breaker.stress(&db, Stress { lock_wait: Some(Duration::from_secs(10)), ..Stress::default() }),
        Shed::Samples
    );
    let (t0, s0) = (ticks(), shed());
    wait_until("twelve slowed ticks", || shed() >= s0 + 12).await;
    let (reads, skipped) = (ticks() - t0, shed() - s0);
    assert!(
        reads >= 3 && skipped.abs_diff(3 * reads) <= 4,
        "one reading per four ticks: {reads} read, {skipped} left out"
    );

    // Twice the threshold: only metrics are left; ASH pauses.
    assert_eq!(
        breaker.stress(&db, Stress { lock_wait: Some(Duration::from_secs(25)), ..Stress::default() }),
        Shed::TopQueries
    );
    let t1 = ticks();
    let s1 = shed();
    wait_until("paused ticks", || shed() >= s1 + 6).await;
    assert!(ticks() <= t1 + 1, "no readings while shedding top queries ({} after {t1})", ticks());

    // The stress ends, the statements fail: the breaker opens and ASH stays paused.
    assert_eq!(breaker.stress(&db, Stress::default()), Shed::Nothing);
    breaker.report(&db, Outcome::Failure(FailureKind::Timeout));
    breaker.report(&db, Outcome::Failure(FailureKind::Timeout));
    assert!(!breaker.allows(&db), "open");
    let t2 = ticks();
    let s2 = shed();
    wait_until("ticks while open", || shed() >= s2 + 6).await;
    assert!(ticks() <= t2 + 1, "no readings while the breaker is open ({} after {t2})", ticks());

    // Half-open, then a success closes it: full pace again.
    host.breakers().poll_at(std::time::Instant::now() + Duration::from_secs(7200));
    breaker.report(&db, Outcome::Success { elapsed: Duration::from_millis(1) });
    assert!(breaker.allows(&db));
    let t3 = ticks();
    let s3 = shed();
    wait_until("readings again", || ticks() >= t3 + 5).await;
    assert!(shed() <= s3 + 1, "full pace: nothing left out");

    stop.cancel();
    wait_until("the sampling connection closed", || live.get() == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receivers_connections_open_counts_the_ash_connection() {
    let pg = dbintel_test_support::shared_postgres();
    let db = pg.create_database("ash_conns");
    let r = receiver_harness::start(serde_json::json!({
        "endpoint": format!("127.0.0.1:{}", pg.port),
        "username": "postgres",
        "databases": [db],
        "tls": {"insecure": true},
        "collection_interval": "1s",
        "initial_delay": "0s",
        "active_session_history": {"enabled": true, "sampling_interval": "200ms"},
    }));
    let gauge = || {
        r.telemetry
            .snapshot()
            .iter()
            .filter(|f| f.name == "dbintel_postgresql_connections_open")
            .flat_map(|f| &f.samples)
            .map(|s| match s.value {
                dbintel_core::telemetry::SampleValue::Gauge(g) => g,
                _ => 0.0,
            })
            .sum::<f64>()
    };
    let server = || {
        pg.psql(
            "postgres",
            &format!("SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' AND application_name = 'dbintel'"),
        )
        .unwrap_or_default()
        .trim()
        .parse::<f64>()
        .unwrap_or(-1.0)
    };
    let ticks = || r.telemetry.counter_total("dbintel_ash_ticks_total", &[]);
    wait_until("ASH sampling", || ticks() >= 3).await;
    // The pooled primary connection and the sampler's: both open, both counted, as the server sees.
    wait_until("two live connections", || gauge() == 2.0).await;
    assert_eq!(server(), 2.0, "the server sees the two sessions the gauge counts");
    r.shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(5), r.handle).await.expect("prompt shutdown").unwrap();
}
