//! pg_querylens read by the postgresql receiver (built through its factory, scraping every second)
//! against throwaway PostgreSQL servers.
//!
//! The plan-change test needs the real extension installed into the server's directories (`.ci/querylens`
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
    let id: dbintel_core::ComponentId = "postgresql/querylens".parse().unwrap();
    let telemetry = Registry::new();
    let cctx = CreateContext::new(id.clone(), telemetry.clone());
    let Ok(Built::Receiver(receiver)) = PostgresqlFactory.create(&cctx, &config) else {
        panic!("create failed: {:?}", PostgresqlFactory.validate(&config));
    };
    let (tx, rx) = mpsc::channel(256);
    let health = dbintel_core::health::HealthRegistry::new();
    let shutdown = CancellationToken::new();
    let ctx = ReceiverContext {
        id: id.clone(),
        output: ReceiverOutput::from_channels(Some(tx.clone()), Some(tx)),
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
