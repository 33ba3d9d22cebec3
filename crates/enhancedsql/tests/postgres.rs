//! The `enhancedsql` receiver against throwaway PostgreSQL 15 servers: without extensions (the
//! shared harness server, a fresh database with pg_stat_statements dropped), with
//! pg_stat_statements, pg_wait_sampling, pg_qualstats and hypopg (a server of its own with them
//! preloaded), and with an extension dropped and a privilege revoked while it runs.

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use common::{attr_str, gauge_points, served_by, start, wait_for};
use dbintel_test_support::{PgServer, capture_logs, shared_postgres};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

/// A server with every packaged extension preloaded (pg_wait_sampling and pg_qualstats need it).
fn extension_server() -> &'static PgServer {
    static SERVER: OnceLock<PgServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        PgServer::builder()
            .setting(
                "shared_preload_libraries",
                "pg_stat_statements,auto_explain,pg_wait_sampling,pg_qualstats",
            )
            .start()
    })
}

/// A session sleeping in `db` for `secs` (psql in a thread).
fn sleeper(pg: &'static PgServer, db: &str, secs: u32) -> std::thread::JoinHandle<()> {
    let db = db.to_string();
    std::thread::spawn(move || {
        let _ = pg.psql(&db, &format!("SELECT pg_sleep({secs})"));
    })
}

fn config(dsn: String, extra: serde_json::Value) -> serde_json::Value {
    let mut c = json!({
        "driver": "postgres",
        "datasource": dsn,
        "collection_interval": "300ms",
        "initial_delay": "0s",
        "feature_detection": {"cache_duration": "1s", "refresh_interval": "1m"},
        "queries": [
            {"name": "slow_queries", "parameters": [{"name": "min_duration", "type": "duration", "default": "200ms"}]},
            {"name": "active_sessions"},
            {"name": "wait_events"},
            {"name": "table_stats"},
        ],
    });
    if let (Some(c), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            c.insert(k.clone(), v.clone());
        }
    }
    c
}

#[tokio::test(flavor = "current_thread")]
async fn without_extensions_each_category_falls_to_what_any_server_has() {
    let (logs, _guard) = capture_logs();
    let pg = shared_postgres();
    let db = pg.create_database("esql_plain");
    pg.psql(&db, "DROP EXTENSION IF EXISTS pg_stat_statements; CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 500) g")
        .unwrap();
    let sleep = sleeper(pg, &db, 4);
    let mut r = start("plain", config(pg.keyvalue_dsn(&db), json!({})));

    let records = r
        .logs_until(WAIT, |recs| !served_by(recs, "slow_queries", "pg_stat_activity_running").is_empty())
        .await;
    let slow = served_by(&records, "slow_queries", "pg_stat_activity_running");
    let sleeping = slow
        .iter()
        .find(|x| attr_str(x, "db.query.text").is_some_and(|t| t.contains("pg_sleep")))
        .unwrap_or_else(|| panic!("the sleeping statement is reported: {slow:?}"));
    // Literals are obfuscated before they leave the process.
    assert_eq!(attr_str(sleeping, "db.query.text").as_deref(), Some("SELECT pg_sleep(?)"));
    assert_eq!(attr_str(sleeping, "db.namespace").as_deref(), Some(db.as_str()));
    assert_eq!(sleeping.event_name, "db.enhancedsql.slow_queries");
    assert!(attr_str(sleeping, "dbintel.query.fingerprint").is_some());
    assert!(sleeping.attributes.get("query_duration_ms").is_some());
    // Sessions: no pg_wait_sampling, so the blocking-chain query serves.
    assert!(!served_by(&records, "active_sessions", "blocking_chains").is_empty(), "{records:?}");
    assert!(!served_by(&records, "table_stats", "relation_sizes").is_empty());

    // pg_stat_statements is available here but not created in this database: 0, with its version.
    let metrics = r.metrics_with(WAIT, "db.feature.extension.available").await;
    let ext = gauge_points(&metrics, "db.feature.extension.available", "extension");
    assert!(ext.contains(&("pg_stat_statements".to_string(), 0)), "{ext:?}");
    assert!(ext.contains(&("auto_explain".to_string(), 1)), "{ext:?}");
    let caps = gauge_points(&metrics, "db.feature.capability.available", "capability");
    assert!(caps.contains(&("setting.track_io_timing".to_string(), 1)), "{caps:?}");
    assert!(caps.contains(&("pg_stat_statements.readable".to_string(), 0)), "{caps:?}");
    assert!(caps.contains(&("superuser".to_string(), 1)), "{caps:?}");
    // The datasource never reaches the telemetry.
    assert!(!format!("{metrics:?}").contains("dbname="));

    let text = logs.text();
    assert!(
        text.contains("`slow_queries` is served by `pg_stat_activity_running`")
            && text.contains("pg_stat_statements (50): needs extension pg_stat_statements"),
        "the log says which query serves and why the better ones do not:\n{text}"
    );
    let serving = r.telemetry.gauge(
        "dbintel_enhancedsql_serving",
        "",
        &[
            ("receiver", "enhancedsql/plain"),
            ("name", "slow_queries"),
            ("category", "slow_queries"),
            ("query", "pg_stat_activity_running"),
        ],
    );
    assert_eq!(serving.get(), 1);
    r.stop().await;
    let _ = sleep.join();
}

#[tokio::test(flavor = "current_thread")]
async fn with_the_extensions_installed_the_best_queries_serve() {
    let (_logs, _guard) = capture_logs();
    let pg = extension_server();
    let db = pg.create_database("esql_ext");
    pg.psql(
        &db,
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE EXTENSION pg_wait_sampling; CREATE EXTENSION pg_qualstats; \
         CREATE EXTENSION hypopg; CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 1000); \
         WITH pause AS MATERIALIZED (SELECT pg_sleep(0.3)) \
         SELECT count(*) FROM t a, t b, pause WHERE a.id < b.id",
    )
    .unwrap();
    let sleep = sleeper(pg, &db, 3);
    let mut r = start("ext", config(pg.keyvalue_dsn(&db), json!({})));
    let records = r
        .logs_until(WAIT, |recs| {
            !served_by(recs, "slow_queries", "pg_stat_statements_io_timing").is_empty()
                && !served_by(recs, "active_sessions", "pg_wait_sampling_current").is_empty()
        })
        .await;
    let slow = served_by(&records, "slow_queries", "pg_stat_statements_io_timing");
    let join = slow
        .iter()
        .find(|x| attr_str(x, "db.query.text").is_some_and(|t| t.contains("FROM t a, t b")))
        .unwrap_or_else(|| panic!("the slow join is reported: {slow:?}"));
    assert!(attr_str(join, "postgresql.queryid").is_some());
    for col in ["io_read_time_ms", "cpu_time_ms", "stddev_exec_time_ms", "mean_exec_time_ms"] {
        assert!(join.attributes.get(col).is_some(), "{col}: {join:?}");
    }
    let sessions = served_by(&records, "active_sessions", "pg_wait_sampling_current");
    assert!(
        sessions.iter().any(|s| attr_str(s, "db.query.text").is_some_and(|t| t.contains("pg_sleep"))),
        "{sessions:?}"
    );
    let metrics = r.metrics_with(WAIT, "db.feature.extension.available").await;
    let ext = gauge_points(&metrics, "db.feature.extension.available", "extension");
    for e in ["pg_stat_statements", "pg_wait_sampling", "pg_qualstats", "hypopg"] {
        assert!(ext.contains(&(e.to_string(), 1)), "{e}: {ext:?}");
    }
    let caps = gauge_points(&metrics, "db.feature.capability.available", "capability");
    for c in
        ["pg_wait_sampling.readable", "pg_qualstats.readable", "hypopg.usable", "pg_stat_statements.readable"]
    {
        assert!(caps.contains(&(c.to_string(), 1)), "{c}: {caps:?}");
    }
    // wait_events from pg_wait_sampling's profile (the sleeper's PgSleep wait is sampled there).
    let records = r
        .logs_until(WAIT, |recs| !served_by(recs, "wait_events", "pg_wait_sampling_profile").is_empty())
        .await;
    assert!(!served_by(&records, "wait_events", "pg_wait_sampling_profile").is_empty());
    r.stop().await;
    let _ = sleep.join();
}

#[tokio::test(flavor = "current_thread")]
async fn a_dropped_extension_and_a_revoked_privilege_fall_back_report_once_and_recover() {
    let (logs, _guard) = capture_logs();
    let pg = extension_server();
    let db = pg.create_database("esql_fallback");
    let role = format!("mon_{db}");
    pg.psql(
        &db,
        &format!(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE EXTENSION pg_wait_sampling; \
             CREATE ROLE {role} LOGIN; GRANT pg_monitor TO {role}; \
             CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 1000); \
             SELECT count(*) FROM t a, t b WHERE a.id < b.id"
        ),
    )
    .unwrap();
    let dsn = format!("host={} port={} user={role} dbname={db}", pg.host, pg.port);
    let mut r = start("fallback", config(dsn, json!({})));
    r.logs_until(WAIT, |recs| !served_by(recs, "slow_queries", "pg_stat_statements_io_timing").is_empty())
        .await;
    let text = logs.text();
    assert!(text.contains("`slow_queries` is served by `pg_stat_statements_io_timing`"), "{text}");

    // Mid-run: the monitoring role loses pg_stat_statements, and pg_wait_sampling is dropped.
    pg.psql(&db, "REVOKE SELECT ON pg_stat_statements FROM PUBLIC; DROP EXTENSION pg_wait_sampling").unwrap();
    let sleep = sleeper(pg, &db, 3);
    let records = r
        .logs_until(WAIT, |recs| {
            !served_by(recs, "slow_queries", "pg_stat_activity_running").is_empty()
                && !served_by(recs, "active_sessions", "blocking_chains").is_empty()
        })
        .await;
    assert!(!records.is_empty(), "fell back:\n{}", logs.text());
    // Several more collections: the switch is reported once.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let text = logs.text();
    assert_eq!(
        text.matches(
            "`slow_queries` fell back from `pg_stat_statements_io_timing` to `pg_stat_activity_running`"
        )
        .count(),
        1,
        "{text}"
    );
    assert!(text.contains("permission denied"), "the report says why: {text}");
    assert_eq!(
        text.matches("`active_sessions` fell back from `pg_wait_sampling_current` to `blocking_chains`")
            .count(),
        1,
        "{text}"
    );
    let fallbacks =
        r.telemetry.counter_total("dbintel_enhancedsql_fallbacks_total", &[("name", "slow_queries")]);
    assert_eq!(fallbacks, 1);
    // The failure triggered a new detection that saw the change.
    wait_for(WAIT, "re-detection", || logs.text().contains("extension pg_wait_sampling dropped")).await;
    assert!(logs.text().contains("capability pg_stat_statements.readable lost"), "{}", logs.text());

    // Granted again: the better query is retried after its backoff and serves again.
    pg.psql(&db, "GRANT SELECT ON pg_stat_statements TO PUBLIC").unwrap();
    wait_for(WAIT, "recovery", || {
        logs.text().contains("`slow_queries` is served by `pg_stat_statements_io_timing` again")
    })
    .await;
    r.stop().await;
    let _ = sleep.join();
}

#[tokio::test(flavor = "current_thread")]
async fn pg_qualstats_suggests_an_index_and_hypopg_sizes_it_without_building_it() {
    let (_logs, _guard) = capture_logs();
    let pg = extension_server();
    let db = pg.create_database("esql_advisor");
    // Filters that discard almost every row of a 50k-row table, sampled by pg_qualstats every time.
    pg.psql(
        &db,
        "CREATE EXTENSION pg_qualstats; CREATE EXTENSION hypopg; \
         CREATE TABLE big (id int, v int); INSERT INTO big SELECT g, g % 1000 FROM generate_series(1, 50000) g; \
         ANALYZE big; SET pg_qualstats.sample_rate = 1; \
         SELECT count(*) FROM big WHERE v = 7; SELECT count(*) FROM big WHERE v = 8; SELECT count(*) FROM big WHERE v = 9",
    )
    .unwrap();
    let mut r = start(
        "advisor",
        config(
            pg.keyvalue_dsn(&db),
            json!({"queries": [{"name": "index_advisor"}, {"name": "unused_indexes"}]}),
        ),
    );
    let records =
        r.logs_until(WAIT, |recs| !served_by(recs, "index_advisor", "pg_qualstats_hypopg").is_empty()).await;
    let advice = served_by(&records, "index_advisor", "pg_qualstats_hypopg");
    let on_v = advice
        .iter()
        .find(|x| attr_str(x, "index_ddl").is_some_and(|d| d.contains("big") && d.contains("(v)")))
        .unwrap_or_else(|| panic!("an index on big(v) is suggested: {records:?}"));
    let bytes =
        on_v.attributes.get("estimated_index_bytes").map(|v| v.to_display_string()).unwrap_or_default();
    assert!(bytes.parse::<i64>().unwrap_or(0) > 8192, "hypopg's estimated size: {bytes}");
    assert!(attr_str(on_v, "hypothetical_index").is_some_and(|n| n.contains("big")), "{on_v:?}");
    r.stop().await;
    // Hypothetical only: no index was built.
    let built = pg.psql(&db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'big'").unwrap();
    assert_eq!(built.trim(), "0");
}

#[tokio::test(flavor = "current_thread")]
async fn a_function_shadowing_a_catalog_name_is_never_called() {
    let (_logs, _guard) = capture_logs();
    let pg = shared_postgres();
    let db = pg.create_database("esql_shadow");
    let role = format!("mon_{db}");
    // An object a less trusted role could create on the monitoring role's search_path: an
    // array_to_string for int[] beats pg_catalog's (anyarray, text) in overload resolution.
    pg.psql(
        &db,
        &format!(
            "CREATE ROLE {role} LOGIN; GRANT pg_monitor TO {role}; \
             CREATE FUNCTION public.array_to_string(integer[], text) RETURNS text LANGUAGE sql \
             AS $$ SELECT 'SHADOWED'::text $$; \
             CREATE TABLE big (id int, v int); INSERT INTO big SELECT g, g % 10 FROM generate_series(1, 5000) g; \
             CREATE INDEX big_v ON big (v); SELECT count(*) FROM big WHERE id > 0; SELECT count(*) FROM big WHERE id > 0"
        ),
    )
    .unwrap();
    let shadowed =
        pg.psql(&db, &format!("SET ROLE {role}; SELECT array_to_string(ARRAY[1, 2], ',')")).unwrap();
    assert_eq!(shadowed.trim(), "SHADOWED", "the fixture: the role's own search_path calls the shadow");
    let sleep = sleeper(pg, &db, 4);
    let dsn = format!("host={} port={} user={role} dbname={db}", pg.host, pg.port);
    let queries = json!({"queries": [{"name": "active_sessions"}, {"name": "index_advisor"}, {"name": "unused_indexes"}]});
    let mut r = start("shadow", config(dsn, queries));
    let records = r
        .logs_until(WAIT, |recs| {
            served_by(recs, "active_sessions", "blocking_chains")
                .iter()
                .any(|x| attr_str(x, "db.query.text").is_some_and(|t| t.contains("pg_sleep")))
        })
        .await;
    assert!(!records.is_empty(), "blocking_chains (which calls array_to_string) serves");
    let text = format!("{records:?}");
    assert!(!text.contains("SHADOWED"), "the shadowing function was called: {text}");
    // Without pg_qualstats: tables read by big sequential scans; the index never used.
    let seq = served_by(&records, "index_advisor", "seq_scan_tables");
    assert!(seq.iter().any(|x| attr_str(x, "table_name").as_deref() == Some("big")), "{records:?}");
    let unused = served_by(&records, "unused_indexes", "pg_stat_user_indexes_unused");
    assert!(unused.iter().any(|x| attr_str(x, "index_name").as_deref() == Some("big_v")), "{records:?}");
    r.stop().await;
    let _ = sleep.join();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_open_connections_bounds_the_server_sessions_and_max_idle_what_stays_open() {
    let pg = shared_postgres();
    let db = pg.create_database("esql_pool");
    let role = format!("pool_{db}");
    pg.psql(&db, &format!("CREATE ROLE {role} LOGIN; GRANT pg_monitor TO {role}")).unwrap();
    // Five categories of 0.4 s each: with room for two connections they run two at a time.
    let queries: Vec<serde_json::Value> = (0..5)
        .map(|n| json!({"name": format!("slow_{n}"), "sql": "SELECT pg_sleep(0.4)::text AS slept, 1 AS n"}))
        .collect();
    let dsn = format!("host={} port={} user={role} dbname={db}", pg.host, pg.port);
    let cfg = json!({
        "driver": "postgres", "datasource": dsn, "collection_interval": "4s", "initial_delay": "0s",
        "max_open_connections": 2, "max_idle_connections": 1, "queries": queries,
    });
    // The server's own count of the role's sessions, polled from a thread of its own.
    let sessions = {
        let role = role.clone();
        move || -> usize {
            pg.psql("postgres", &format!("SELECT count(*) FROM pg_stat_activity WHERE usename = '{role}'"))
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0)
        }
    };
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<usize>::new()));
    let poller = {
        let (stop, seen, sessions) = (stop.clone(), seen.clone(), sessions.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let n = sessions();
                seen.lock().unwrap().push(n);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let mut r = start("pool", cfg);
    let batch = r.logs_until(WAIT, |recs| recs.len() >= 5).await;
    assert_eq!(batch.len(), 5, "every category answered in the collection");
    // Between collections: one connection stays open (max_idle_connections), the other is closed.
    common::wait_for(WAIT, "idle connections down to max_idle_connections", || sessions() == 1).await;
    let second = r.logs_until(WAIT, |recs| recs.len() >= 5).await;
    assert_eq!(second.len(), 5);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    poller.join().unwrap();
    let seen = seen.lock().unwrap().clone();
    let max = seen.iter().copied().max().unwrap_or(0);
    assert!(max <= 2, "never more than max_open_connections sessions: {seen:?}");
    assert_eq!(max, 2, "the categories ran two at a time: {seen:?}");
    r.stop().await;
}
