//! Query intelligence against a throwaway PostgreSQL (one server for this binary, one database per
//! test): pgbench top queries, blocking chains, generic plans, a pg_monitor-only role, a database
//! without the extension.

mod query_common;

use std::process::Command;
use std::time::Duration;

use dbintel_core::pdata::Value;
use dbintel_core::telemetry::Registry;
use dbintel_postgresql::query::{CollectError, TopQueryCollectionConfig};
use dbintel_test_support::{postgres_available, shared_postgres};
use query_common::*;

const TOP: &str = "db.server.top_query";
const SAMPLE: &str = "db.server.query_sample";

fn pgbench(pg: &dbintel_test_support::PgServer, db: &str, args: &[&str]) -> std::process::Child {
    let bin = pg.bin_dir().join("pgbench");
    let bin = if bin.exists() { bin } else { "pgbench".into() };
    Command::new(bin)
        .args(["-h", "127.0.0.1", "-p", &pg.port.to_string(), "-U", "postgres"])
        .args(args)
        .arg(db)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("pgbench")
}

fn wait_ok(child: std::process::Child, what: &str) {
    let out = child.wait_with_output().expect("pgbench wait");
    assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_pgbench_top_queries_and_samples() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let pg = shared_postgres();
    let db = pg.create_database("query_pgbench");
    wait_ok(pgbench(pg, &db, &["-i", "-s", "1", "-q"]), "pgbench -i");
    let client = collector_client(&pg.url(&db)).await;
    let server = server_info(&client, &db, pg.port).await;
    let registry = Registry::new();
    let mut qi = intelligence(&registry, TopQueryCollectionConfig::default());

    // First run: baselines only; samples run too.
    let first = qi.collect(&client, &server).await;
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert!(of_event(&first.records, TOP).is_empty(), "first run only takes baselines");

    let load = pgbench(pg, &db, &["-c", "2", "-T", "3", "-n"]);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    qi.due_now();
    let during = qi.collect(&client, &server).await;
    wait_ok(load, "pgbench run");
    qi.due_now();
    let after = qi.collect(&client, &server).await;

    let mut tops = of_event(&during.records, TOP);
    tops.extend(of_event(&after.records, TOP));
    // pg_stat_statements is server-wide and other tests share the server: judge this database only.
    tops.retain(|r| str_attr(r, "db.namespace") == db);
    assert!(!tops.is_empty(), "top-query events under load");
    for r in &tops {
        assert!(int_attr(r, "postgresql.calls") > 0, "{r:?}");
        let text = str_attr(r, "db.query.text");
        assert!(!text.contains("dbintel"), "own statement reported: {text}");
        assert!(!text.contains('$'), "not obfuscated: {text}");
        assert!(
            !text.chars().any(|c| c.is_ascii_digit()) || text.contains("pgbench_"),
            "literal left: {text}"
        );
        assert_eq!(str_attr(r, "db.system.name"), "postgresql");
        assert!(!str_attr(r, "postgresql.queryid").is_empty());
        assert!(matches!(attr(r, "postgresql.total_exec_time"), Some(Value::Double(d)) if *d >= 0.0));
        assert!(
            matches!(attr(r, "dbintel.exec_time.stddev"), Some(Value::Double(d)) if d.is_finite() && *d >= 0.0)
        );
    }
    let update = tops
        .iter()
        .find(|r| {
            str_attr(r, "db.query.text").starts_with("UPDATE pgbench_accounts SET abalance = abalance + ?")
        })
        .expect("pgbench's account update is a top query");
    assert!(int_attr(update, "postgresql.calls") >= 2);
    assert_eq!(str_attr(update, "db.namespace"), db);
    // Generic plan of a parameterized write statement, obfuscated, with its hash and summary.
    let plan = str_attr(update, "postgresql.query_plan");
    assert!(plan.contains("pgbench_accounts"), "{plan}");
    assert_eq!(str_attr(update, "dbintel.plan.hash").len(), 16);
    assert!(str_attr(update, "dbintel.plan.summary").contains("node_types"));

    // Samples of the pgbench sessions, never of our own.
    let samples = of_event(&during.records, SAMPLE);
    assert!(
        samples
            .iter()
            .any(|r| str_attr(r, "db.namespace") == db
                && str_attr(r, "postgresql.application_name") == "pgbench"),
        "pgbench sessions sampled: {samples:?}"
    );
    for s in of_event(&during.records, SAMPLE).iter().chain(of_event(&after.records, SAMPLE).iter()) {
        assert!(!str_attr(s, "db.query.text").contains("dbintel"));
        assert_ne!(str_attr(s, "postgresql.application_name"), "dbintel");
    }

    // The collector's prepared statements are gone and nothing was left open.
    let left = client
        .query_one(
            "/* dbintel */ SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'dbintel_plan_%'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(left.get::<_, i64>(0), 0);
    assert_eq!(counter(&registry, "dbintel_postgresql_query_collection_errors_total", &[]), 0);
    assert!(counter(&registry, "dbintel_postgresql_query_explains_total", &[("outcome", "ok")]) >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_blocking_chain_from_two_sessions() {
    if !postgres_available() {
        return;
    }
    let pg = shared_postgres();
    let db = pg.create_database("query_blocking");
    pg.psql(&db, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a');").unwrap();
    let url = pg.url(&db);
    let holder = app_client(&url, "holder").await;
    holder.batch_execute("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let holder_pid: i32 = holder.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let waiter = app_client(&url, traceparent).await;
    let waiter_pid: i32 = waiter.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    let blocked =
        tokio::spawn(async move { waiter.query("SELECT v FROM t WHERE id = 1", &[]).await.map(|r| r.len()) });

    let client = collector_client(&url).await;
    let server = server_info(&client, &db, pg.port).await;
    let registry = Registry::new();
    let mut qi = intelligence(&registry, TopQueryCollectionConfig::default());
    let mut found = None;
    for _ in 0..50 {
        qi.due_now();
        let ev = qi.collect(&client, &server).await;
        let samples: Vec<_> = of_event(&ev.records, SAMPLE).into_iter().cloned().collect();
        if samples.iter().any(|r| {
            int_attr(r, "postgresql.pid") == i64::from(waiter_pid)
                && str_attr(r, "postgresql.blocking.pids") != "{}"
        }) {
            found = Some(samples);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let samples = found.expect("the waiting session is sampled with its blocker");
    let w = samples.iter().find(|r| int_attr(r, "postgresql.pid") == i64::from(waiter_pid)).unwrap();
    assert_eq!(str_attr(w, "postgresql.blocking.pids"), format!("{{{holder_pid}}}"));
    assert_eq!(str_attr(w, "postgresql.blocking.lock.mode"), "AccessShareLock");
    assert_eq!(str_attr(w, "postgresql.blocking.lock.type"), "relation");
    assert_eq!(str_attr(w, "postgresql.blocking.lock.relation"), "t");
    assert_eq!(str_attr(w, "postgresql.wait_event_type"), "Lock");
    assert_eq!(str_attr(w, "postgresql.state"), "active");
    assert!(str_attr(w, "postgresql.blocking.start_time").ends_with('Z'));
    assert!(int_attr(w, "postgresql.blocking.wait_duration") >= 0);
    assert_eq!(
        attr(w, "dbintel.blocking.root_pids"),
        Some(&Value::Array(vec![Value::Int(i64::from(holder_pid))]))
    );
    assert_eq!(int_attr(w, "dbintel.blocking.depth"), 1);
    assert_eq!(str_attr(w, "db.query.text"), "SELECT v FROM t WHERE id = ?");
    // No query_id here: the relation lock is taken during parse analysis, before the id exists.
    // W3C traceparent in application_name links the sample to the trace.
    assert_eq!(w.trace_id.map(|t| t[0]), Some(0x4b));
    assert_eq!(w.span_id.map(|s| s[7]), Some(0xb7));
    let h = samples
        .iter()
        .find(|r| int_attr(r, "postgresql.pid") == i64::from(holder_pid))
        .expect("holder sampled");
    assert_eq!(str_attr(h, "postgresql.state"), "idle in transaction");
    assert_eq!(
        attr(h, "dbintel.blocking.blocked_pids"),
        Some(&Value::Array(vec![Value::Int(i64::from(waiter_pid))]))
    );
    assert!(str_attr(h, "postgresql.blocking.transaction.start_time").ends_with('Z'));
    assert!(h.trace_id.is_none());

    holder.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(blocked.await.unwrap().unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_generic_plan_for_parameterized_select() {
    if !postgres_available() {
        return;
    }
    let pg = shared_postgres();
    let db = pg.create_database("query_plan");
    pg.psql(&db, "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 1000) g; ANALYZE items;").unwrap();
    let url = pg.url(&db);
    let app = app_client(&url, "app").await;
    let client = collector_client(&url).await;
    let server = server_info(&client, &db, pg.port).await;
    let registry = Registry::new();
    let mut qi = intelligence(
        &registry,
        TopQueryCollectionConfig { max_explain_each_interval: 1, ..Default::default() },
    );
    qi.collect(&client, &server).await;
    let stmt =
        app.prepare("SELECT name FROM items WHERE id = $1 AND name <> 'secret-literal'").await.unwrap();
    for i in 1..=20i32 {
        app.query(&stmt, &[&i]).await.unwrap();
    }
    app.batch_execute("VACUUM items").await.unwrap(); // a utility statement: never explained
    qi.due_now();
    let ev = qi.collect(&client, &server).await;
    let tops = of_event(&ev.records, TOP);
    let sel = tops
        .iter()
        .find(|r| str_attr(r, "db.query.text").starts_with("SELECT name FROM items"))
        .expect("top query");
    assert_eq!(int_attr(sel, "postgresql.calls"), 20);
    assert_eq!(str_attr(sel, "db.query.text"), "SELECT name FROM items WHERE id = ? AND name <> ?");
    let plan = str_attr(sel, "postgresql.query_plan");
    assert!(plan.contains("items_pkey"), "generic plan uses the primary key: {plan}");
    assert!(!plan.contains("secret-literal"), "{plan}");
    let hash = str_attr(sel, "dbintel.plan.hash").to_string();
    assert_eq!(hash.len(), 16);
    assert_eq!(str_attr(sel, "dbintel.plan.kind"), "generic");
    if let Some(v) = tops.iter().find(|r| str_attr(r, "db.query.text").starts_with("VACUUM")) {
        assert!(attr(v, "postgresql.query_plan").is_none());
    }
    // Cached: the same hash next interval without a new EXPLAIN.
    let explains = counter(&registry, "dbintel_postgresql_query_explains_total", &[("outcome", "ok")]);
    app.query(&stmt, &[&7i32]).await.unwrap();
    qi.due_now();
    let ev = qi.collect(&client, &server).await;
    let sel = of_event(&ev.records, TOP)
        .into_iter()
        .find(|r| str_attr(r, "db.query.text").starts_with("SELECT name FROM items"))
        .expect("top query again");
    assert_eq!(int_attr(sel, "postgresql.calls"), 1);
    assert_eq!(str_attr(sel, "dbintel.plan.hash"), hash);
    assert_eq!(counter(&registry, "dbintel_postgresql_query_explains_total", &[("outcome", "ok")]), explains);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_pg_monitor_only_role() {
    if !postgres_available() {
        return;
    }
    let pg = shared_postgres();
    let db = pg.create_database("query_monitor");
    pg.psql(
        &db,
        "CREATE TABLE secrets (id int PRIMARY KEY, v text); \
         DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbintel_mon') THEN \
         CREATE ROLE dbintel_mon LOGIN; END IF; END $$; GRANT pg_monitor TO dbintel_mon;",
    )
    .unwrap();
    let url = pg.url(&db).replacen("postgres@", "dbintel_mon@", 1);
    let client = collector_client(&url).await;
    let server = server_info(&client, &db, pg.port).await;
    let registry = Registry::new();
    let mut qi = intelligence(&registry, TopQueryCollectionConfig::default());
    qi.collect(&client, &server).await;
    let app = app_client(&pg.url(&db), "app").await;
    for i in 0..5i32 {
        app.query("SELECT v FROM secrets WHERE id = $1", &[&i]).await.unwrap();
    }
    qi.due_now();
    let ev = qi.collect(&client, &server).await;
    let tops = of_event(&ev.records, TOP);
    let sel = tops.iter().find(|r| str_attr(r, "db.query.text") == "SELECT v FROM secrets WHERE id = ?");
    let sel = sel.expect("other roles' statements are visible with pg_monitor");
    assert_eq!(int_attr(sel, "postgresql.calls"), 5);
    assert_eq!(str_attr(sel, "postgresql.rolname"), "postgres");
    // EXPLAIN needs SELECT on the table: reported once as a plan problem, collection continues.
    assert!(attr(sel, "postgresql.query_plan").is_none());
    let plan_problem =
        ev.problems.iter().find(|p| p.collector == "query_plan").expect("plan permission problem");
    assert!(plan_problem.hint.contains("dbintel_mon"), "{}", plan_problem.hint);
    assert!(!of_event(&ev.records, SAMPLE).is_empty());
    assert_eq!(counter(&registry, "dbintel_postgresql_query_collection_errors_total", &[]), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_database_without_the_extension() {
    if !postgres_available() {
        return;
    }
    let pg = shared_postgres();
    let db = pg.create_database("query_noext_src");
    let bare = format!("{db}_bare");
    pg.psql("postgres", &format!("CREATE DATABASE {bare} TEMPLATE template0")).unwrap();
    let client = collector_client(&pg.url(&bare)).await;
    let server = server_info(&client, &bare, pg.port).await;
    let registry = Registry::new();
    let mut qi = intelligence(&registry, TopQueryCollectionConfig::default());
    let ev = qi.collect(&client, &server).await;
    let p = ev.problems.iter().find(|p| p.collector == "top_query").expect("top_query problem");
    assert_eq!(p.error, CollectError::ExtensionMissing { database: bare.clone() });
    assert!(p.hint.contains("CREATE EXTENSION pg_stat_statements") && p.hint.contains(&bare), "{}", p.hint);
    assert!(ev.records.iter().all(|r| r.event_name == SAMPLE));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_actual_plans_from_auto_explain_log() {
    if !postgres_available() {
        return;
    }
    let pg = shared_postgres();
    let db = pg.create_database("query_autoexplain");
    pg.psql(&db, "CREATE TABLE ae_items (id int PRIMARY KEY, name text); INSERT INTO ae_items SELECT g, 'n' || g FROM generate_series(1, 500) g; ANALYZE ae_items;").unwrap();
    let url = pg.url(&db);
    let client = collector_client(&url).await;
    let server = server_info(&client, &db, pg.port).await;
    let registry = Registry::new();
    let config = TopQueryCollectionConfig {
        max_explain_each_interval: 0,
        log_path: Some(pg.log_path.clone()),
        ..Default::default()
    };
    let mut qi = intelligence(&registry, config);
    let first = qi.collect(&client, &server).await;
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    let app = app_client(&url, "app").await;
    app.batch_execute("SET auto_explain.log_min_duration = 0; SET auto_explain.log_format = 'json'")
        .await
        .unwrap();
    for _ in 0..3 {
        app.batch_execute("SELECT id FROM ae_items WHERE name = 'secret-value'").await.unwrap();
    }
    // auto_explain's entry ends when the next log line starts.
    app.batch_execute("SELECT 1").await.unwrap();
    app.batch_execute("RESET auto_explain.log_min_duration").await.unwrap();
    qi.due_now();
    let ev = qi.collect(&client, &server).await;
    let r = of_event(&ev.records, TOP)
        .into_iter()
        .find(|r| str_attr(r, "db.query.text") == "SELECT id FROM ae_items WHERE name = ?")
        .expect("top query");
    assert_eq!(int_attr(r, "postgresql.calls"), 3);
    assert_eq!(str_attr(r, "dbintel.plan.actual.hash").len(), 16);
    let plan = str_attr(r, "postgresql.query_plan");
    assert!(plan.contains("ae_items") && !plan.contains("secret-value"), "{plan}");
    assert!(!str_attr(r, "dbintel.plan.actual").contains("secret-value"));
    assert!(matches!(attr(r, "dbintel.plan.actual.duration_ms"), Some(Value::Double(d)) if *d >= 0.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_second_top_collection_follows_the_baseline_quickly() {
    if !postgres_available() {
        return;
    }
    let pg = shared_postgres();
    let db = pg.create_database("query_warmup");
    let client = collector_client(&pg.url(&db)).await;
    let server = server_info(&client, &db, pg.port).await;
    let registry = Registry::new();
    // The contrib default interval is a minute; the first run only takes baselines. Samples off, so
    // only the top-query schedule decides `next_due`.
    let events = dbintel_postgresql::query::EventsConfig {
        query_sample: dbintel_postgresql::query::EventSwitch { enabled: false },
        ..dbintel_postgresql::query::EventsConfig::ALL
    };
    let mut qi = dbintel_postgresql::query::QueryIntelligence::new(
        &TopQueryCollectionConfig::default(),
        &Default::default(),
        &events,
        &registry,
        "postgresql/test",
    );
    let _ = qi.collect(&client, &server).await;
    let wait = qi.next_due().saturating_duration_since(tokio::time::Instant::now());
    assert!(wait <= dbintel_postgresql::query::TOP_QUERY_WARM_UP, "second collection in {wait:?}");
    // After the warm-up, the configured interval applies again.
    qi.due_now();
    let _ = qi.collect(&client, &server).await;
    let wait = qi.next_due().saturating_duration_since(tokio::time::Instant::now());
    assert!(wait > dbintel_postgresql::query::TOP_QUERY_WARM_UP, "interval after warm-up: {wait:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_plans_for_statements_of_other_monitored_databases() {
    if !postgres_available() {
        return;
    }
    let pg = shared_postgres();
    let home = pg.create_database("query_plan_home");
    let other = pg.create_database("query_plan_other");
    pg.psql(&other, "CREATE TABLE parts (id int PRIMARY KEY, label text); INSERT INTO parts SELECT g, 'p' || g FROM generate_series(1, 500) g; ANALYZE parts;").unwrap();
    let app = app_client(&pg.url(&other), "app").await;
    let client = collector_client(&pg.url(&home)).await;
    let other_client = collector_client(&pg.url(&other)).await;
    let server = server_info(&client, &home, pg.port).await;
    let registry = Registry::new();
    let mut qi = intelligence(&registry, TopQueryCollectionConfig::default());
    let others = [(other.as_str(), &other_client)];
    qi.collect_with_databases(&client, &server, &others).await;
    let stmt = app.prepare("SELECT label FROM parts WHERE id = $1").await.unwrap();
    for i in 1..=10i32 {
        app.query(&stmt, &[&i]).await.unwrap();
    }
    qi.due_now();
    let ev = qi.collect_with_databases(&client, &server, &others).await;
    let sel = of_event(&ev.records, TOP)
        .into_iter()
        .find(|r| str_attr(r, "db.query.text").starts_with("SELECT label FROM parts"))
        .expect("top query from the other database");
    assert_eq!(str_attr(sel, "db.namespace"), other);
    let plan = str_attr(sel, "postgresql.query_plan");
    assert!(plan.contains("parts_pkey"), "planned in its own database: {plan}");
}
