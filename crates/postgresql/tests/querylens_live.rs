//! pg_querylens read by the postgresql receiver (built through its factory, scraping every second)
//! against throwaway PostgreSQL servers.
//!
//! Also: plan changes made while the collector was down are reported after a restart, once, with
//! `querylens.storage`; and the reads obey the circuit breaker (nothing while it sheds top queries,
//! the plan change follows once the stress ends).
//!
//! The plan-change tests need the real extension installed into the server's directories (`.ci/querylens`
//! builds and installs it before `cargo test`); without it the test FAILS (a server that cannot
//! preload the library does not start), it is never skipped.

mod query_common;

use std::time::Duration;

use dbintel_core::pdata::{LogRecord, MetricData, NumberValue, SignalData, Value};
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, CreateContext, Factory, ReceiverContext};
use dbintel_postgresql::PostgresqlFactory;
use dbintel_sql::{Dialect, analyze_plan};
use dbintel_test_support::{PgServer, shared_postgres};
use query_common::{app_client, counter};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

struct Run {
    rx: mpsc::Receiver<SignalData>,
    shutdown: CancellationToken,
    handle: tokio::task::JoinHandle<()>,
    telemetry: Registry,
}

/// The receiver with metrics and logs on one channel, in the order it sends them.
fn start(config: serde_json::Value) -> Run {
    start_on(config, None, dbintel_core::Host::new())
}

fn rid() -> dbintel_core::ComponentId {
    "postgresql/querylens".parse().unwrap()
}

/// Like [`start`], on `host` (breakers, admission), with a `file_storage/ql` extension on `storage`.
fn start_on(config: serde_json::Value, storage: Option<&std::path::Path>, host: dbintel_core::Host) -> Run {
    let id = rid();
    let telemetry = Registry::new();
    let mut cctx = CreateContext::new(id.clone(), telemetry.clone());
    cctx.host = host.clone();
    if let Some(dir) = storage {
        let fs: dbintel_extensions::file_storage::FileStorageConfig =
            dbintel_core::parse_component_config(&json!({"directory": dir, "fsync": true})).unwrap();
        cctx.host.add_extension(
            "file_storage/ql".parse().unwrap(),
            std::sync::Arc::new(dbintel_extensions::file_storage::Storage::from(&fs)),
        );
    }
    let Ok(Built::Receiver(receiver)) = PostgresqlFactory.create(&cctx, &config) else {
        panic!("create failed: {:?}", PostgresqlFactory.validate(&config));
    };
    let (tx, rx) = mpsc::channel(256);
    let health = dbintel_core::health::HealthRegistry::new();
    let shutdown = CancellationToken::new();
    let ctx = ReceiverContext {
        id: id.clone(),
        output: ReceiverOutput::from_channels(Some(tx.clone()), Some(tx)).with_admission(
            &id,
            host.admission().handle(&id),
            &telemetry,
        ),
        shutdown: shutdown.clone(),
        health: health.register(dbintel_core::ComponentKind::Receiver, id),
        telemetry: telemetry.clone(),
    };
    let handle = tokio::spawn(async move {
        receiver.run(ctx).await.unwrap();
    });
    Run { rx, shutdown, handle, telemetry }
}

impl Run {
    async fn next(&mut self) -> SignalData {
        match tokio::time::timeout(Duration::from_secs(30), self.rx.recv()).await {
            Ok(Some(s)) => s,
            other => panic!("nothing from the receiver: {other:?}"),
        }
    }

    async fn stop(self) {
        self.shutdown.cancel();
        let _ = self.handle.await;
    }
}

fn config(pg: &PgServer, db: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut c = json!({
        "endpoint": format!("{}:{}", pg.host, pg.port),
        "username": "postgres",
        "databases": [db],
        "tls": {"insecure": true},
        "collection_interval": "1s",
        "initial_delay": "0s",
    });
    if let (Some(c), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    c
}

fn metric_names(s: &SignalData) -> Vec<String> {
    match s {
        SignalData::Metrics(m) => m
            .resource_metrics
            .iter()
            .flat_map(|r| &r.scope_metrics)
            .flat_map(|s| &s.metrics)
            .map(|m| m.name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

fn records(s: &SignalData) -> Vec<LogRecord> {
    match s {
        SignalData::Logs(l) => l
            .resource_logs
            .iter()
            .flat_map(|r| &r.scope_logs)
            .flat_map(|s| s.log_records.iter().cloned())
            .collect(),
        _ => Vec::new(),
    }
}

/// `(queryid, plan hash) -> calls` of the `db.server.plan.calls` points of `db` in a batch.
fn plan_calls(s: &SignalData, db: &str, out: &mut std::collections::BTreeMap<(String, String), i64>) {
    let SignalData::Metrics(m) = s else { return };
    for metric in m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        if metric.name != "db.server.plan.calls" {
            continue;
        }
        let MetricData::Sum { points, .. } = &metric.data else { panic!("calls is a sum") };
        for p in points {
            let a = |k: &str| p.attributes.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            if a("db.namespace") != db {
                continue;
            }
            let NumberValue::Int(n) = p.value else { panic!("calls are integers") };
            assert!(n > 0, "a delta is positive: {p:?}");
            *out.entry((a("postgresql.queryid"), a("db.query.plan.hash"))).or_default() += n;
        }
    }
}

/// `extension=<name>` / `capability=<name>` -> value of the `db.feature.*` gauges in a batch.
fn feature_points(s: &SignalData, out: &mut std::collections::BTreeMap<String, i64>) {
    let SignalData::Metrics(m) = s else { return };
    for metric in m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        let key = match metric.name.as_str() {
            "db.feature.extension.available" => "extension",
            "db.feature.capability.available" => "capability",
            _ => continue,
        };
        let MetricData::Gauge(points) = &metric.data else { continue };
        for p in points {
            let name = p.attributes.get(key).and_then(Value::as_str).unwrap_or("");
            if let NumberValue::Int(v) = p.value {
                out.insert(format!("{key}={name}"), v);
            }
        }
    }
}

fn s<'a>(r: &'a LogRecord, k: &str) -> &'a str {
    r.attributes.get(k).and_then(Value::as_str).unwrap_or("")
}

const QUERY: &str = "SELECT pad FROM orders WHERE customer_id = 42";
const RUNS: i64 = 20;

/// dbintel-sql's structural hash of the server's own EXPLAIN of [`QUERY`].
fn explain_hash(pg: &PgServer, db: &str) -> String {
    let doc = pg.psql(db, &format!("EXPLAIN (FORMAT JSON, COSTS OFF) {QUERY}")).expect("explain");
    analyze_plan(Dialect::Postgresql, doc.trim()).expect("plan").summary.plan_hash
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_change_mid_run_gives_one_plan_change_event_with_its_cause_and_hashes() {
    let pg = PgServer::builder()
        .setting("shared_preload_libraries", "pg_stat_statements,auto_explain,pg_querylens")
        .try_start()
        .unwrap_or_else(|e| {
            panic!(
                "a PostgreSQL that preloads pg_querylens did not start: the extension must be installed into \
                 this PostgreSQL (`.ci/querylens` builds and installs it): {e}"
            )
        });
    let db = pg.create_database("ql_change");
    pg.psql(
        &db,
        "CREATE EXTENSION pg_querylens; \
         CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, pad text NOT NULL); \
         INSERT INTO orders SELECT g, g % 5000, repeat('x', 50) FROM generate_series(1, 50000) g; \
         CREATE INDEX orders_customer_idx ON orders (customer_id); ANALYZE orders;",
    )
    .expect("fixture");
    let index_hash = explain_hash(&pg, &db);

    let mut run = start(config(
        &pg,
        &db,
        json!({"querylens": {"enabled": true}, "feature_detection": {"enabled": true}}),
    ));
    // The first read of pg_querylens (its own health metrics come with every read) takes the
    // baselines and the plan-change mark.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut features = std::collections::BTreeMap::new();
    loop {
        assert!(tokio::time::Instant::now() < deadline, "no pg_querylens read within 60 s");
        let sig = run.next().await;
        feature_points(&sig, &mut features);
        if metric_names(&sig).iter().any(|n| n == "postgresql.querylens.entries") {
            break;
        }
    }
    let app = app_client(&pg.url(&db), "shop").await;
    for _ in 0..RUNS {
        app.query(QUERY, &[]).await.expect("query with the index");
    }
    let queryid = pg
        .psql(
            &db,
            &format!(
                "SELECT queryid FROM pg_stat_statements WHERE query = 'SELECT pad FROM orders WHERE customer_id = $1' \
                 AND dbid = (SELECT oid FROM pg_database WHERE datname = '{db}')"
            ),
        )
        .expect("queryid")
        .trim()
        .to_string();
    assert!(!queryid.is_empty(), "pg_stat_statements has the query");
    pg.psql(&db, "DROP INDEX orders_customer_idx").expect("drop index");
    let seq_hash = explain_hash(&pg, &db);
    assert_ne!(index_hash, seq_hash);
    for _ in 0..RUNS {
        app.query(QUERY, &[]).await.expect("query without the index");
    }

    // Read until the change was reported and three more reads of pg_querylens went by.
    let mut changes: Vec<LogRecord> = Vec::new();
    let mut calls = std::collections::BTreeMap::new();
    let mut reads_after = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    while reads_after < 3 {
        assert!(tokio::time::Instant::now() < deadline, "no plan change within 90 s: {changes:?}");
        let sig = run.next().await;
        plan_calls(&sig, &db, &mut calls);
        feature_points(&sig, &mut features);
        changes.extend(
            records(&sig)
                .into_iter()
                .filter(|r| r.event_name == "db.server.plan_change" && s(r, "db.namespace") == db),
        );
        if !changes.is_empty() && metric_names(&sig).iter().any(|n| n == "postgresql.querylens.entries") {
            reads_after += 1;
        }
    }
    let ours: Vec<&LogRecord> = changes.iter().filter(|r| s(r, "postgresql.queryid") == queryid).collect();
    assert_eq!(ours.len(), 1, "exactly one plan change for the query: {changes:#?}");
    let e = ours[0];
    assert_eq!(s(e, "db.plan.previous_hash"), index_hash, "{e:#?}");
    assert_eq!(s(e, "db.query.plan.hash"), seq_hash, "{e:#?}");
    let cause = s(e, "db.plan.change_cause");
    assert!(cause.split(',').any(|c| c == "new_seq_scan"), "cause {cause:?}: {e:#?}");
    assert!(["low", "medium", "high", "critical"].contains(&s(e, "db.plan.change_severity")), "{e:#?}");
    let text = s(e, "db.query.text");
    assert!(text.contains("orders") && !text.contains("42"), "obfuscated query text: {text:?}");
    let plan = s(e, "postgresql.query_plan");
    assert!(plan.contains("Seq Scan") && !plan.contains("42"), "obfuscated new plan: {plan}");
    assert!(
        matches!(e.attributes.get("db.plan.time_change_ratio"), Some(Value::Double(r)) if r.is_finite() && *r > 0.0),
        "{e:#?}"
    );
    // Per-plan deltas: every execution counted once, under the plan that ran it.
    assert_eq!(calls.get(&(queryid.clone(), index_hash.clone())), Some(&RUNS), "{calls:?}");
    assert_eq!(calls.get(&(queryid.clone(), seq_hash.clone())), Some(&RUNS), "{calls:?}");
    assert_eq!(counter(&run.telemetry, "dbintel_postgresql_querylens_errors_total", &[]), 0);
    assert!(counter(&run.telemetry, "dbintel_postgresql_querylens_plan_changes_total", &[]) >= 1);
    // The shared feature detection sees it too.
    for key in
        ["extension=pg_querylens", "capability=preload.pg_querylens", "capability=pg_querylens.readable"]
    {
        assert_eq!(features.get(key), Some(&1), "{key}: {features:?}");
    }
    run.stop().await;
    // For the record (`--nocapture`): the event, and the server time of the receiver's pg_querylens
    // statements as pg_stat_statements saw them.
    let mut attrs: Vec<String> =
        e.attributes.iter().map(|(k, v)| format!("{k}={}", v.to_display_string())).collect();
    attrs.retain(|a| !a.starts_with("postgresql.query_plan") && !a.starts_with("dbintel.plan.previous"));
    eprintln!("plan change event: {}", attrs.join(" | "));
    let cost = pg
        .psql(
            "postgres",
            "SELECT calls, round(total_exec_time::numeric, 3), round(mean_exec_time::numeric, 3), left(query, 90) \
             FROM pg_stat_statements WHERE query LIKE '/* dbintel */%querylens%' ORDER BY total_exec_time DESC",
        )
        .unwrap_or_default();
    eprintln!("receiver's pg_querylens statements (calls, total ms, mean ms, statement):\n{cost}");
}

/// Without the extension (the shared server does not preload it) the receiver emits exactly what it
/// emitted before: no per-plan metrics, no plan-change events, no errors, whether `querylens` is
/// left to its default or switched off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_pg_querylens_nothing_changes() {
    let pg = shared_postgres();
    let db = pg.create_database("ql_absent");
    for extra in
        [json!({}), json!({"querylens": {"enabled": false}}), json!({"querylens": {"enabled": true}})]
    {
        let mut run = start(config(pg, &db, extra.clone()));
        let mut scrapes = 0;
        let mut names = Vec::new();
        while scrapes < 3 {
            let sig = run.next().await;
            let n = metric_names(&sig);
            if n.iter().any(|n| n == "postgresql.up") {
                scrapes += 1;
            }
            assert!(
                !records(&sig).iter().any(|r| r.event_name == "db.server.plan_change"),
                "{extra}: a plan change without the extension"
            );
            names.extend(n);
        }
        assert!(names.iter().any(|n| n == "postgresql.backends"), "{extra}: the usual metrics: {names:?}");
        assert!(
            !names.iter().any(|n| n.starts_with("db.server.plan.") || n.starts_with("postgresql.querylens.")),
            "{extra}: {names:?}"
        );
        assert_eq!(counter(&run.telemetry, "dbintel_postgresql_querylens_errors_total", &[]), 0, "{extra}");
        run.stop().await;
    }
}

/// A server preloading pg_querylens with `orders` and its index in a new database.
fn preloaded_with_orders(name: &str) -> (PgServer, String) {
    let pg = PgServer::builder()
        .setting("shared_preload_libraries", "pg_stat_statements,pg_querylens")
        .try_start()
        .unwrap_or_else(|e| {
            panic!("a PostgreSQL that preloads pg_querylens did not start (`.ci/querylens` installs it): {e}")
        });
    let db = pg.create_database(name);
    pg.psql(
        &db,
        "CREATE EXTENSION pg_querylens; \
         CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, pad text NOT NULL); \
         INSERT INTO orders SELECT g, g % 5000, repeat('x', 50) FROM generate_series(1, 50000) g; \
         CREATE INDEX orders_customer_idx ON orders (customer_id); ANALYZE orders;",
    )
    .expect("fixture");
    (pg, db)
}

fn queryid_of(pg: &PgServer, db: &str) -> String {
    let q = pg
        .psql(
            db,
            &format!(
                "SELECT queryid FROM pg_stat_statements WHERE query = 'SELECT pad FROM orders WHERE customer_id = $1' \
                 AND dbid = (SELECT oid FROM pg_database WHERE datname = '{db}')"
            ),
        )
        .expect("queryid")
        .trim()
        .to_string();
    assert!(!q.is_empty(), "pg_stat_statements has the query");
    q
}

async fn run_query(pg: &PgServer, db: &str, times: i64) {
    let app = app_client(&pg.url(db), "shop").await;
    for _ in 0..times {
        app.query(QUERY, &[]).await.expect("query");
    }
}

/// The `db.server.plan_change` events of `db` until `reads` reads of pg_querylens went by (each
/// read sends the extension's health metrics), within 60 s.
async fn plan_changes_over(run: &mut Run, db: &str, reads: usize) -> Vec<LogRecord> {
    let mut out = Vec::new();
    let mut seen = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while seen < reads {
        assert!(tokio::time::Instant::now() < deadline, "only {seen} pg_querylens reads within 60 s");
        let sig = run.next().await;
        out.extend(
            records(&sig)
                .into_iter()
                .filter(|r| r.event_name == "db.server.plan_change" && s(r, "db.namespace") == db),
        );
        if metric_names(&sig).iter().any(|n| n == "postgresql.querylens.entries") {
            seen += 1;
        }
    }
    out
}

/// Waits (bounded) until `path` exists.
async fn wait_for_file(path: &std::path::Path) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !path.exists() {
        assert!(tokio::time::Instant::now() < deadline, "{} was not written", path.display());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_changes_made_while_the_collector_was_down_are_reported_once_after_a_restart_with_storage() {
    let (pg, db) = preloaded_with_orders("ql_restart");
    let dir = tempfile::tempdir().unwrap();
    let with_storage =
        || config(&pg, &db, json!({"querylens": {"enabled": true, "storage": "file_storage/ql"}}));
    let mark_file = dir.path().join("receiver_postgresql_querylens").join("querylens.json");
    run_query(&pg, &db, 3).await;
    let queryid = queryid_of(&pg, &db);
    let index_hash = explain_hash(&pg, &db);

    // First run: no stored mark, so the first read takes the newest change as the mark and stores it.
    let mut run = start_on(with_storage(), Some(dir.path()), dbintel_core::Host::new());
    assert!(plan_changes_over(&mut run, &db, 2).await.is_empty(), "nothing changed yet");
    wait_for_file(&mark_file).await;
    run.stop().await;

    // While it is down the index goes: the query's plan changes.
    pg.psql(&db, "DROP INDEX orders_customer_idx").expect("drop index");
    run_query(&pg, &db, 5).await;
    let seq_hash = explain_hash(&pg, &db);
    assert_ne!(index_hash, seq_hash);

    // Restarted on the same storage: the change is reported, once.
    let mut run = start_on(with_storage(), Some(dir.path()), dbintel_core::Host::new());
    let got = plan_changes_over(&mut run, &db, 4).await;
    let ours: Vec<&LogRecord> = got.iter().filter(|r| s(r, "postgresql.queryid") == queryid).collect();
    assert_eq!(ours.len(), 1, "the change made while down, exactly once: {got:#?}");
    assert_eq!(s(ours[0], "db.plan.previous_hash"), index_hash);
    assert_eq!(s(ours[0], "db.query.plan.hash"), seq_hash);
    assert!(s(ours[0], "db.plan.change_cause").split(',').any(|c| c == "new_seq_scan"), "{:#?}", ours[0]);
    assert_eq!(counter(&run.telemetry, "dbintel_postgresql_querylens_store_errors_total", &[]), 0);
    run.stop().await;

    // Restarted again: it was delivered and stored, so it is not reported a second time.
    let mut run = start_on(with_storage(), Some(dir.path()), dbintel_core::Host::new());
    let again = plan_changes_over(&mut run, &db, 3).await;
    assert!(again.is_empty(), "a delivered change is not reported again: {again:#?}");
    run.stop().await;

    // The control: without storage, a change made while down is not news to a new start.
    pg.psql(&db, "CREATE INDEX orders_customer_idx ON orders (customer_id)").expect("index again");
    run_query(&pg, &db, 5).await;
    let mut run = start(config(&pg, &db, json!({"querylens": {"enabled": true}})));
    let lost = plan_changes_over(&mut run, &db, 3).await;
    assert!(lost.is_empty(), "without storage a start reports only later changes: {lost:#?}");
    run.stop().await;
    // ... while the stored mark still has it.
    let mut run = start_on(with_storage(), Some(dir.path()), dbintel_core::Host::new());
    let back = plan_changes_over(&mut run, &db, 3).await;
    let ours: Vec<&LogRecord> = back.iter().filter(|r| s(r, "postgresql.queryid") == queryid).collect();
    assert_eq!(ours.len(), 1, "{back:#?}");
    assert_eq!(s(ours[0], "db.plan.previous_hash"), seq_hash);
    assert_eq!(s(ours[0], "db.query.plan.hash"), index_hash);
    run.stop().await;
    let stored = std::fs::read_to_string(&mark_file).unwrap();
    assert!(stored.contains(&format!("{}:{}/{db}", pg.host, pg.port)), "the mark names its server: {stored}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn querylens_reads_stop_while_the_breaker_sheds_top_queries_and_the_change_follows_after() {
    use dbintel_core::breaker::{BreakerSettings, Shed};
    // Its own server: lock waits are server-wide.
    let (pg, db) = preloaded_with_orders("ql_breaker");
    let host = dbintel_core::Host::new();
    let telemetry = Registry::new();
    host.breakers().configure(
        BreakerSettings {
            failure_threshold: 5,
            success_threshold: 1,
            open_state_timeout: Duration::from_secs(3600),
            lock_wait_threshold: Duration::from_secs(1),
            ..BreakerSettings::default()
        },
        &telemetry,
    );
    // The lock is taken on a table of its own: DROP INDEX on `orders` must not queue behind it.
    pg.psql(&db, "CREATE TABLE lockme (id int PRIMARY KEY, v int); INSERT INTO lockme VALUES (1, 0)")
        .unwrap();
    run_query(&pg, &db, 3).await;
    let queryid = queryid_of(&pg, &db);
    let mut run = start_on(config(&pg, &db, json!({"querylens": {"enabled": true}})), None, host.clone());
    assert!(plan_changes_over(&mut run, &db, 2).await.is_empty());
    let shed_all =
        |r: &Run| counter(&r.telemetry, "dbintel_postgresql_querylens_shed_reads_total", &[("part", "all")]);
    assert_eq!(shed_all(&run), 0);

    // A session waits on a row lock another holds: twice the threshold sheds everything but metrics.
    let holder = app_client(&pg.url(&db), "holder").await;
    holder.batch_execute("BEGIN; SELECT * FROM lockme WHERE id = 1 FOR UPDATE").await.unwrap();
    let waiter = app_client(&pg.url(&db), "waiter").await;
    let wait =
        tokio::spawn(async move { waiter.batch_execute("UPDATE lockme SET v = 1 WHERE id = 1").await });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while host.breakers().shed_of(&rid(), &db) != Shed::TopQueries {
        assert!(tokio::time::Instant::now() < deadline, "no shedding within 30 s");
        let _ = tokio::time::timeout(Duration::from_millis(200), run.rx.recv()).await;
    }
    // While it sheds: the plan changes, and nothing of pg_querylens is read or reported.
    let shed_before = shed_all(&run);
    pg.psql(&db, "DROP INDEX orders_customer_idx").expect("drop index");
    run_query(&pg, &db, 5).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while shed_all(&run) < shed_before + 3 {
        assert!(tokio::time::Instant::now() < deadline, "no shed reads counted within 30 s");
        let sig = match tokio::time::timeout(Duration::from_millis(200), run.rx.recv()).await {
            Ok(Some(sig)) => sig,
            _ => continue,
        };
        assert_eq!(host.breakers().shed_of(&rid(), &db), Shed::TopQueries, "still shedding");
        let names = metric_names(&sig);
        assert!(
            !names.iter().any(|n| n.starts_with("postgresql.querylens.") || n.starts_with("db.server.plan.")),
            "pg_querylens read while shedding top queries: {names:?}"
        );
        assert!(
            !records(&sig).iter().any(|r| r.event_name == "db.server.plan_change"),
            "an event while shedding"
        );
    }

    // The stress ends: reads resume and the change made meanwhile is reported once.
    holder.batch_execute("COMMIT").await.unwrap();
    wait.await.unwrap().expect("the waiter got its row");
    let got = plan_changes_over(&mut run, &db, 4).await;
    let ours: Vec<&LogRecord> = got.iter().filter(|r| s(r, "postgresql.queryid") == queryid).collect();
    assert_eq!(ours.len(), 1, "the change made while shedding, once: {got:#?}");
    assert_eq!(host.breakers().shed_of(&rid(), &db), Shed::Nothing);
    assert_eq!(counter(&run.telemetry, "dbintel_postgresql_querylens_errors_total", &[]), 0);
    eprintln!("pg_querylens reads left out while shedding: {}", shed_all(&run));
    run.stop().await;
}
