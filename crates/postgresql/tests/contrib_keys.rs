//! Keys of the contrib receiver that real configs use, against throwaway servers:
//! `connect_database` on a server without a `postgres` database, per-metric `attributes` (points
//! merged over what is dropped), and the inline TLS PEM keys (`ca_pem`, `cert_pem`, `key_pem`).

mod receiver_harness;

use std::collections::BTreeSet;
use std::time::Duration;

use dbintel_core::health::Status;
use dbintel_core::pdata::{Metric, MetricData, Metrics, NumberValue};
use dbintel_test_support::{PgServer, postgres_available, shared_postgres, shared_postgres_tls};
use receiver_harness::{Running, start};
use serde_json::json;

fn metric<'a>(m: &'a Metrics, name: &str) -> Option<&'a Metric> {
    m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics).find(|x| x.name == name)
}

fn points(m: &Metric) -> &[dbintel_core::pdata::NumberDataPoint] {
    match &m.data {
        MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => p,
        _ => &[],
    }
}

/// Batches until one has `name` (bounded: 20 batches).
async fn until_metric(r: &mut Running, name: &str) -> Metrics {
    for _ in 0..20 {
        let m = r.next().await;
        if metric(&m, name).is_some() {
            return m;
        }
    }
    panic!("no {name} in 20 batches");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_database_reaches_a_server_without_the_postgres_database() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let pg = tokio::task::spawn_blocking(PgServer::start).await.unwrap();
    pg.psql("postgres", "CREATE DATABASE mon; CREATE DATABASE app;").unwrap();
    pg.psql("mon", "DROP DATABASE postgres;").unwrap();
    let config = |connect: Option<&str>| {
        let mut c = json!({
            "endpoint": format!("127.0.0.1:{}", pg.port),
            "username": "postgres",
            "tls": {"insecure": true},
            "resource_model": "semconv",
            "collection_interval": "1s",
            "initial_delay": "0s",
        });
        if let Some(d) = connect {
            c["connect_database"] = json!(d);
        }
        c
    };

    // Without it the receiver connects to `postgres`, which is gone: it says so.
    let mut r = start(config(None));
    let m = r.next().await;
    assert!(metric(&m, "postgresql.database.count").is_none());
    match r.health.snapshot().first().map(|c| c.status.clone()) {
        Some(Status::RecoverableError(msg)) => {
            assert!(msg.contains("database postgres") && msg.contains("does not exist"), "{msg}")
        }
        other => panic!("not refused: {other:?}"),
    }
    r.shutdown.cancel();

    // With it: discovery and the server-wide queries go through `mon`; both databases are monitored.
    let mut r = start(config(Some("mon")));
    let m = until_metric(&mut r, "postgresql.database.count").await;
    let count = metric(&m, "postgresql.database.count").unwrap();
    assert_eq!(points(count)[0].value, NumberValue::Int(2), "mon and app");
    let sizes: BTreeSet<String> = metric(&m, "postgresql.db_size")
        .map(points)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.attributes.get("db.namespace").map(|v| v.to_display_string()))
        .collect();
    assert_eq!(sizes, BTreeSet::from(["app".to_string(), "mon".to_string()]));
    assert!(metric(&m, "postgresql.bgwriter.buffers.allocated").is_some(), "server-wide queries ran");
    r.shutdown.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metric_attributes_merge_points_over_what_is_dropped() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let pg = shared_postgres();
    let db = pg.create_database("pg_reagg");
    pg.psql(
        &db,
        "CREATE TABLE t1 (i int); CREATE TABLE t2 (i int);
         INSERT INTO t1 SELECT generate_series(1, 10); INSERT INTO t2 SELECT generate_series(1, 5);",
    )
    .unwrap();
    let mut r = start(json!({
        "endpoint": format!("{}:{}", pg.host, pg.port),
        "username": "postgres",
        "databases": [db],
        "tls": {"insecure": true},
        "resource_model": "semconv",
        "collection_interval": "1s",
        "initial_delay": "0s",
        "metrics": {
            // Live and dead rows of the whole database: the tables are summed away.
            "postgresql.rows": {"attributes": ["state", "db.namespace"]},
            // Only the source: summed over every table.
            "postgresql.blocks_read": {"attributes": ["source"]},
            // Every attribute dropped, the largest table wins.
            "postgresql.table.size": {"attributes": [], "aggregation_strategy": "max"}
        }
    }));
    // The statistics reach the views asynchronously: wait for the rows of both tables.
    let mut seen = Vec::new();
    for _ in 0..40 {
        let m = r.next().await;
        let Some(rows) = metric(&m, "postgresql.rows") else { continue };
        let live: Vec<_> = points(rows)
            .iter()
            .filter(|p| p.attributes.get("state").map(|v| v.to_display_string()).as_deref() == Some("live"))
            .collect();
        seen = live.iter().map(|p| p.value).collect();
        if seen == [NumberValue::Int(15)] {
            for p in points(rows) {
                let keys: BTreeSet<&str> = p.attributes.iter().map(|(k, _)| k).collect();
                assert_eq!(keys, BTreeSet::from(["db.namespace", "state"]));
            }
            assert_eq!(points(rows).len(), 2, "one live and one dead point for the database");
            let blocks = metric(&m, "postgresql.blocks_read").expect("blocks_read");
            let sources: Vec<String> = points(blocks)
                .iter()
                .map(|p| {
                    let keys: Vec<&str> = p.attributes.iter().map(|(k, _)| k).collect();
                    assert_eq!(keys, ["source"]);
                    p.attributes.get("source").unwrap().to_display_string()
                })
                .collect();
            let distinct: BTreeSet<&String> = sources.iter().collect();
            assert_eq!(distinct.len(), sources.len(), "one point per source: {sources:?}");
            let size = metric(&m, "postgresql.table.size").expect("table.size");
            assert_eq!(points(size).len(), 1);
            assert!(points(size)[0].attributes.is_empty());
            r.shutdown.cancel();
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("live rows never summed to 15: {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_pem_keys_verify_the_server() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let pg = shared_postgres_tls();
    let certs = pg.tls().expect("tls").clone();
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap();
    let config = |ca: &std::path::Path| {
        json!({
            "endpoint": format!("localhost:{}", pg.port),
            "username": "postgres",
            "databases": ["postgres"],
            "tls": {
                "insecure_skip_verify": false,
                "ca_pem": read(ca),
                "cert_pem": read(&certs.client_cert),
                "key_pem": read(&certs.client_key),
            },
            "collection_interval": "1s",
            "initial_delay": "0s",
        })
    };
    let findings = dbintel_postgresql::doctor(&config(&certs.ca_file)).await;
    let connect = findings.iter().find(|f| f.check == "connect").expect("a connect finding");
    assert!(connect.ok, "{connect:?}");
    // The control: a CA that signed nothing the server shows is refused, naming the key to fix.
    let findings = dbintel_postgresql::doctor(&config(&certs.other_ca_file)).await;
    let connect = findings.iter().find(|f| f.check == "connect").expect("a connect finding");
    assert!(!connect.ok, "{connect:?}");
    let text = format!("{connect:?}");
    assert!(!text.contains("PRIVATE KEY"), "{text}");
}
