//! Active session history of a real `mysql` receiver against a throwaway MariaDB with a row-lock
//! wait (an UPDATE waiting for a transaction that holds the row) and SLEEP() sessions: the wait
//! profile names both, the blocked session is counted and sampled with its blocker's id.

mod common;

use std::time::Duration;

use common::start;
use dbintel_core::pdata::{LogRecord, MetricData, Metrics, Value};
use dbintel_test_support::{MariaDbServer, mariadb_available};
use mysql_async::prelude::Queryable;
use serde_json::json;

async fn conn(url: &str) -> mysql_async::Conn {
    mysql_async::Conn::new(mysql_async::Opts::from_url(url).unwrap()).await.unwrap()
}

fn wait_seconds(m: &Metrics, t: &str, e: &str) -> Option<f64> {
    m.resource_metrics
        .iter()
        .flat_map(|r| &r.scope_metrics)
        .flat_map(|s| &s.metrics)
        .filter(|m| m.name == "db.ash.wait_events")
        .flat_map(|m| match &m.data {
            MetricData::Sum { points, .. } => points.clone(),
            _ => Vec::new(),
        })
        .find(|p| {
            p.attributes.get("wait_event_type").and_then(Value::as_str) == Some(t)
                && p.attributes.get("wait_event").and_then(Value::as_str) == Some(e)
        })
        .map(|p| p.value.as_f64())
}

fn gauge(m: &Metrics, name: &str) -> Option<f64> {
    m.resource_metrics
        .iter()
        .flat_map(|r| &r.scope_metrics)
        .flat_map(|s| &s.metrics)
        .filter(|m| m.name == name)
        .find_map(|m| match &m.data {
            MetricData::Gauge(p) => p.first().map(|p| p.value.as_f64()),
            _ => None,
        })
}

fn s(r: &LogRecord, k: &str) -> String {
    r.attributes.get(k).map(Value::to_display_string).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ash_profiles_lock_waits_and_sleeps_on_mariadb() {
    if !mariadb_available() {
        eprintln!("skipping: MariaDB binaries not found");
        return;
    }
    let my = tokio::task::spawn_blocking(MariaDbServer::start).await.unwrap();
    let db = my.create_database("ash");
    my.sql(&db, "CREATE TABLE t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB; INSERT INTO t VALUES (1, 0);")
        .unwrap();
    let url = format!("{}?prefer_socket=false", my.url(&db));
    let mut holder = conn(&url).await;
    holder.query_drop("BEGIN").await.unwrap();
    holder.query_drop("UPDATE t SET v = 1 WHERE id = 1").await.unwrap();
    let holder_id: u64 = holder.query_first("SELECT CONNECTION_ID()").await.unwrap().unwrap();
    let mut tasks = Vec::new();
    for sql in [
        vec!["SET SESSION innodb_lock_wait_timeout = 60", "UPDATE t SET v = 2 WHERE id = 1"],
        vec!["SELECT SLEEP(60)"],
        vec!["SELECT SLEEP(60)"],
    ] {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut c = conn(&url).await;
            for q in sql {
                let _ = c.query_drop(q).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut r = start(json!({
        "endpoint": format!("{}:{}", my.host, my.port),
        "username": "root",
        "collection_interval": "3s",
        "initial_delay": "0s",
        "active_session_history": {"enabled": true, "sampling_interval": "250ms"},
    }));
    // The first interval may be partial (the sampler starts with the scrape loop): judge a later one.
    let mut judged = None;
    for _ in 0..4 {
        let m = r.next_metrics().await;
        if let Some(sleep) = wait_seconds(&m, "Timeout", "Sleep")
            && sleep > 4.0
        {
            judged = Some(m);
            break;
        }
    }
    let m = judged.expect("a full ASH interval");
    let sleep = wait_seconds(&m, "Timeout", "Sleep").unwrap();
    let lock = wait_seconds(&m, "Lock", "row_lock").unwrap_or(0.0);
    // A 3s interval: two sleepers for ~6s, one blocked UPDATE for ~3s.
    assert!((sleep / lock - 2.0).abs() < 0.5, "sleep {sleep:.2}s, row lock {lock:.2}s");
    assert!(lock > 1.5 && lock < 4.5, "{lock}");
    assert_eq!(gauge(&m, "db.ash.blocked_sessions"), Some(1.0));
    assert_eq!(gauge(&m, "db.ash.blocking_chain_depth"), Some(1.0));

    let mut blocked = None;
    for _ in 0..4 {
        let Some(logs) = r.next_logs(Duration::from_secs(10)).await else { break };
        let recs: Vec<LogRecord> = logs
            .resource_logs
            .into_iter()
            .flat_map(|r| r.scope_logs)
            .flat_map(|s| s.log_records)
            .filter(|l| l.event_name == "db.ash.sample")
            .collect();
        if let Some(b) = recs.into_iter().find(|r| s(r, "dbintel.ash.reason") == "blocked") {
            blocked = Some(b);
            break;
        }
    }
    let b = blocked.expect("the blocked session is sampled");
    assert_eq!(s(&b, "mysql.blocking.pids"), holder_id.to_string());
    assert_eq!(s(&b, "mysql.wait_type"), "row_lock");
    assert_eq!(s(&b, "db.query.text"), "UPDATE t SET v = ? WHERE id = ?");
    assert_eq!(s(&b, "dbintel.query.fingerprint").len(), 16);
    assert_eq!(s(&b, "db.namespace"), db);
    r.stop().await;
    for t in tasks {
        t.abort();
    }
    drop(holder);
}
