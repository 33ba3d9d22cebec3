//! The `enhancedsql` receiver against throwaway MariaDB servers: performance_schema's statement
//! digest consumer on (the harness default) and off (a server of its own started with it off).

mod common;

use std::time::Duration;

use common::{attr_str, gauge_points, served_by, start};
use dbintel_test_support::{MariaDbServer, capture_logs, shared_mariadb};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

fn config(dsn: String) -> serde_json::Value {
    json!({
        "driver": "mysql",
        "datasource": dsn,
        "collection_interval": "300ms",
        "initial_delay": "0s",
        "queries": [
            {"name": "slow_queries", "parameters": [{"name": "min_duration", "type": "duration", "default": "100ms"}]},
            {"name": "active_sessions"},
            {"name": "wait_events"},
            {"name": "table_stats"},
            {"name": "innodb"},
        ],
    })
}

#[tokio::test(flavor = "current_thread")]
async fn with_statement_digests_on_the_digest_query_serves() {
    let (logs, _guard) = capture_logs();
    let m = shared_mariadb();
    let db = m.create_database("esql_on");
    m.sql(
        &db,
        "CREATE TABLE t (id INT); INSERT INTO t VALUES (1), (2); SELECT SLEEP(0.3) FROM t WHERE id = 1",
    )
    .unwrap();
    let mut r = start("mariadb_on", config(m.url(&db)));
    let records = r
        .logs_until(WAIT, |recs| {
            served_by(recs, "slow_queries", "digest_no_index")
                .iter()
                .any(|x| attr_str(x, "db.namespace").as_deref() == Some(db.as_str()))
        })
        .await;
    let slow = served_by(&records, "slow_queries", "digest_no_index");
    let sleep = slow
        .iter()
        .find(|x| attr_str(x, "db.query.text").is_some_and(|t| t.to_ascii_uppercase().contains("SLEEP")))
        .unwrap_or_else(|| panic!("the slow statement's digest is reported: {slow:?}"));
    assert!(attr_str(sleep, "mysql.events_statements_summary_by_digest.digest").is_some());
    // Picoseconds / 1e9 = ms: the 300ms sleep reads as about 300, not 300000 (nor 0.3).
    let mean = sleep.attributes.get("mean_exec_time_ms").map(|v| v.to_display_string()).unwrap_or_default();
    let mean: f64 = mean.parse().unwrap_or(0.0);
    assert!((250.0..5_000.0).contains(&mean), "mean_exec_time_ms = {mean}");
    for col in ["rows_examined", "no_index_used", "tmp_disk_tables"] {
        assert!(sleep.attributes.get(col).is_some(), "{col}: {sleep:?}");
    }
    assert!(!served_by(&records, "table_stats", "tables").is_empty(), "{records:?}");
    assert!(!served_by(&records, "innodb", "innodb_buffer_pool_stats").is_empty());
    let metrics = r.metrics_with(WAIT, "db.feature.capability.available").await;
    let caps = gauge_points(&metrics, "db.feature.capability.available", "capability");
    for c in ["performance_schema", "performance_schema.consumer.statements_digest", "privilege.process"] {
        assert!(caps.contains(&(c.to_string(), 1)), "{c}: {caps:?}");
    }
    assert!(caps.contains(&("slow_log.table".to_string(), 0)), "{caps:?}");
    assert!(logs.text().contains("`slow_queries` is served by `digest_no_index`"), "{}", logs.text());
    r.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn with_the_digest_consumer_off_running_statements_come_from_the_processlist() {
    let (logs, _guard) = capture_logs();
    let m: &'static MariaDbServer = Box::leak(Box::new(
        MariaDbServer::builder().option("performance-schema-consumer-statements-digest", "OFF").start(),
    ));
    let db = m.create_database("esql_off");
    let sleeper = {
        let db = db.clone();
        std::thread::spawn(move || {
            let _ = m.sql(&db, "SELECT SLEEP(4)");
        })
    };
    let mut r = start("mariadb_off", config(m.url(&db)));
    let records = r
        .logs_until(WAIT, |recs| {
            served_by(recs, "slow_queries", "processlist").iter().any(|x| {
                attr_str(x, "db.query.text").is_some_and(|t| t.to_ascii_uppercase().contains("SLEEP"))
            })
        })
        .await;
    assert!(!records.is_empty(), "{}", logs.text());
    let text = logs.text();
    assert!(
        text.contains("`slow_queries` is served by `processlist`")
            && text.contains(
                "digest_no_index (100): needs capability performance_schema.consumer.statements_digest"
            ),
        "{text}"
    );
    let metrics = r.metrics_with(WAIT, "db.feature.capability.available").await;
    let caps = gauge_points(&metrics, "db.feature.capability.available", "capability");
    assert!(caps.contains(&("performance_schema.consumer.statements_digest".to_string(), 0)), "{caps:?}");
    assert!(caps.contains(&("performance_schema".to_string(), 1)), "{caps:?}");
    r.stop().await;
    let _ = sleeper.join();
}

#[tokio::test(flavor = "current_thread")]
async fn the_sys_schema_names_full_table_scans_and_unused_indexes() {
    let (logs, _guard) = capture_logs();
    let m = shared_mariadb();
    let db = m.create_database("esql_sys");
    // A table scanned whole by a filter on an unindexed column, and an index nothing reads.
    m.sql(
        &db,
        "CREATE TABLE big (id INT PRIMARY KEY, v INT, w INT, KEY big_w (w)); \
         INSERT INTO big SELECT seq, seq % 100, seq FROM seq_1_to_2000; \
         SELECT COUNT(*) FROM big WHERE v = 7; SELECT COUNT(*) FROM big WHERE v = 8",
    )
    .unwrap();
    let cfg = json!({
        "driver": "mysql", "datasource": m.url(&db), "collection_interval": "300ms", "initial_delay": "0s",
        "queries": [{"name": "index_advisor"}, {"name": "unused_indexes"}],
    });
    let mut r = start("mariadb_sys", cfg);
    let records = r
        .logs_until(WAIT, |recs| {
            served_by(recs, "index_advisor", "sys_full_table_scans")
                .iter()
                .any(|x| attr_str(x, "db.namespace").as_deref() == Some(db.as_str()))
                && !served_by(recs, "unused_indexes", "sys_unused_indexes").is_empty()
        })
        .await;
    assert!(!records.is_empty(), "{}", logs.text());
    let scans = served_by(&records, "index_advisor", "sys_full_table_scans");
    let scan = scans
        .iter()
        .find(|x| attr_str(x, "db.query.text").is_some_and(|t| t.contains("big") && t.contains("v")))
        .unwrap_or_else(|| panic!("the full scan of big: {scans:?}"));
    let n: i64 = attr_str(scan, "no_index_used_count").and_then(|v| v.parse().ok()).unwrap_or(0);
    assert!(n >= 2, "both scans counted: {scan:?}");
    assert!(attr_str(scan, "mysql.events_statements_summary_by_digest.digest").is_some(), "{scan:?}");
    let unused = served_by(&records, "unused_indexes", "sys_unused_indexes");
    assert!(
        unused.iter().any(|x| attr_str(x, "index_name").as_deref() == Some("big_w")
            && attr_str(x, "db.namespace").as_deref() == Some(db.as_str())),
        "{unused:?}"
    );
    let metrics = r.metrics_with(WAIT, "db.feature.capability.available").await;
    let caps = gauge_points(&metrics, "db.feature.capability.available", "capability");
    assert!(caps.contains(&("sys_schema.readable".to_string(), 1)), "{caps:?}");
    r.stop().await;
}
