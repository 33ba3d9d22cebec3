//! The contrib keys real configs use, against throwaway servers: tracking values persisted through
//! `storage` (a restart neither re-reads nor skips rows), `ignore_null_values`, `ts_column` /
//! `start_ts_column`, and the structured connection keys with a password full of characters that
//! need escaping (on servers that check passwords).

mod common;

use std::time::Duration;

use common::{Running, bodies, start, start_with_storage};
use dbintel_core::pdata::{MetricData, NumberValue};
use dbintel_test_support::{
    PgServer, mariadb_available, postgres_available, shared_mariadb, shared_postgres,
};
use serde_json::json;

/// A password with every character a URL, a libpq string or a Go DSN would trip over.
const ODD_PASSWORD: &str = "p@ss:w/rd?#&%' \"é\\=;";
const ODD_USER: &str = "odd user@x";

/// Collects log bodies until `want` of them arrived (or 20 s passed).
async fn collect(r: &mut Running, want: usize) -> Vec<String> {
    let mut out = Vec::new();
    while out.len() < want {
        out.extend(bodies(&r.next_logs().await));
    }
    out
}

/// Asserts that nothing more arrives within a few collection intervals.
async fn assert_quiet(r: &mut Running) {
    tokio::time::sleep(Duration::from_millis(900)).await;
    if let Ok(d) = r.logs.try_recv() {
        panic!("rows read again: {d:?}");
    }
}

fn tracking_config(driver: &str, dsn: String, sql: &str) -> serde_json::Value {
    json!({
        "driver": driver,
        "datasource": dsn,
        "collection_interval": "200ms",
        "initial_delay": "0s",
        "storage": "file_storage/test",
        "queries": [{
            "sql": sql,
            "tracking_column": "id",
            "tracking_start_value": "0",
            "logs": [{"body_column": "msg"}]
        }]
    })
}

async fn restart_neither_rereads_nor_skips(config: serde_json::Value, insert: impl Fn(std::ops::Range<u32>)) {
    let storage = tempfile::tempdir().unwrap();
    insert(1..6);
    let mut r = start_with_storage(config.clone(), Some(storage.path()));
    assert_eq!(collect(&mut r, 5).await, ["m1", "m2", "m3", "m4", "m5"]);
    assert_quiet(&mut r).await;
    r.stop().await;

    // Rows written while the receiver is down are read after the restart, and only those.
    insert(6..9);
    let mut r = start_with_storage(config.clone(), Some(storage.path()));
    assert_eq!(collect(&mut r, 3).await, ["m6", "m7", "m8"]);
    assert_quiet(&mut r).await;
    insert(9..10);
    assert_eq!(collect(&mut r, 1).await, ["m9"]);
    r.stop().await;

    // The control: without storage the receiver starts from tracking_start_value again.
    let mut plain = config;
    plain.as_object_mut().unwrap().remove("storage");
    let mut r = start(plain);
    assert_eq!(collect(&mut r, 9).await.len(), 9);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_tracking_survives_a_restart() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let pg = shared_postgres();
    let db = pg.create_database("sq_track");
    pg.psql(&db, "CREATE TABLE events (id int PRIMARY KEY, msg text)").unwrap();
    let config =
        tracking_config("postgres", pg.url(&db), "SELECT id, msg FROM events WHERE id > $1::int ORDER BY id");
    restart_neither_rereads_nor_skips(config, |ids| {
        let values: Vec<String> = ids.map(|i| format!("({i}, 'm{i}')")).collect();
        pg.psql(&db, &format!("INSERT INTO events VALUES {}", values.join(","))).unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_tracking_survives_a_restart() {
    if !mariadb_available() {
        eprintln!("skipping: MariaDB binaries not found");
        return;
    }
    let my = shared_mariadb();
    let db = my.create_database("sq_track");
    my.sql(&db, "CREATE TABLE events (id int PRIMARY KEY, msg varchar(20))").unwrap();
    let config = tracking_config("mysql", my.url(&db), "SELECT id, msg FROM events WHERE id > ? ORDER BY id");
    restart_neither_rereads_nor_skips(config, |ids| {
        let values: Vec<String> = ids.map(|i| format!("({i}, 'm{i}')")).collect();
        my.sql(&db, &format!("INSERT INTO events VALUES {}", values.join(","))).unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignore_null_values_and_timestamp_columns() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let pg = shared_postgres();
    let db = pg.create_database("sq_nulls");
    pg.psql(
        &db,
        "CREATE TABLE t (k text, v int, body text, at timestamptz);
         INSERT INTO t VALUES ('a', 1, 'one', '2026-01-02 03:04:05+00'), ('b', NULL, NULL, '2026-01-02 03:04:06+00'),
                              ('c', 3, 'three', NULL);",
    )
    .unwrap();
    let query = |ignore: bool| {
        json!({
            "sql": "SELECT k, v, body, (extract(epoch FROM at) * 1000000000)::bigint AS ts, \
                    1767000000000000000::bigint AS since FROM t ORDER BY k",
            "ignore_null_values": ignore,
            "metrics": [
                {"metric_name": "t.v", "value_column": "v", "attribute_columns": ["k"]},
                {"metric_name": "t.v_at", "value_column": "v", "attribute_columns": ["k"],
                 "data_type": "sum", "ts_column": "ts", "start_ts_column": "since"}
            ],
            "logs": [{"body_column": "body"}]
        })
    };
    for ignore in [false, true] {
        let config = json!({
            "driver": "postgres", "datasource": pg.url(&db), "collection_interval": "200ms",
            "initial_delay": "0s", "queries": [query(ignore)]
        });
        let mut r = start(config);
        let m = r.next_metrics().await;
        let l = r.next_logs().await;
        assert_eq!(bodies(&l), ["one", "three"], "NULL bodies are skipped either way");
        let pts = common::points(&m, "t.v", "k");
        assert_eq!(pts, [("a".to_string(), NumberValue::Int(1)), ("c".to_string(), NumberValue::Int(3))]);
        // ts_column / start_ts_column: only `a` has a value and a timestamp.
        let metric = common::metric(&m, "t.v_at").expect("t.v_at");
        let MetricData::Sum { points, .. } = &metric.data else { panic!("a sum: {metric:?}") };
        assert_eq!(points.len(), 1, "{points:?}");
        assert_eq!(points[0].time_unix_nano, 1_767_323_045_000_000_000);
        assert_eq!(points[0].start_time_unix_nano, 1_767_000_000_000_000_000);
        let invalid = r.counter("dbintel_sqlquery_invalid_values_total", None);
        if ignore {
            assert_eq!(invalid, 0, "NULLs are expected with ignore_null_values");
        } else {
            // v NULL (twice: both metrics), body NULL, ts NULL.
            assert!(invalid >= 4, "{invalid}");
        }
        r.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_keys_carry_an_odd_password_to_postgres() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    // A server that checks passwords (scram) over TCP; the harness's superuser stays trusted.
    let dir = tempfile::tempdir().unwrap();
    let hba = dir.path().join("pg_hba.conf");
    std::fs::write(
        &hba,
        "local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&hba, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let pg = tokio::task::spawn_blocking(move || {
        PgServer::builder().setting("hba_file", hba.display().to_string()).start()
    })
    .await
    .unwrap();
    let db = pg.create_database("sq_odd db");
    let literal = ODD_PASSWORD.replace('\'', "''");
    pg.psql(
        &db,
        &format!(
            "CREATE ROLE \"{ODD_USER}\" LOGIN PASSWORD '{literal}';
             CREATE TABLE n (v int); INSERT INTO n VALUES (42); GRANT SELECT ON n TO \"{ODD_USER}\";"
        ),
    )
    .unwrap();
    let config = |password: &str| {
        json!({
            "driver": "postgres", "host": "127.0.0.1", "port": pg.port, "database": db,
            "username": ODD_USER, "password": password,
            "additional_params": {"sslmode": "disable", "connect_timeout": 5},
            "collection_interval": "200ms", "initial_delay": "0s",
            "queries": [{"sql": "SELECT v FROM n", "metrics": [{"metric_name": "n.v", "value_column": "v"}]}]
        })
    };
    let mut r = start(config(ODD_PASSWORD));
    let m = r.next_metrics().await;
    assert_eq!(common::points(&m, "n.v", "x"), [(String::new(), NumberValue::Int(42))]);
    assert_eq!(common::resource_attr(&m, "db.namespace").as_deref(), Some(db.as_str()));
    r.stop().await;

    // The control: the server does check it, and the message does not echo it.
    let wrong = format!("{ODD_PASSWORD}x");
    let r = start(config(&wrong));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let status = match r.status() {
        dbintel_core::health::Status::RecoverableError(m) => m,
        other => panic!("not refused: {other:?}"),
    };
    assert!(status.contains("password authentication failed"), "{status}");
    assert!(!status.contains(ODD_PASSWORD), "{status}");
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_keys_carry_an_odd_password_to_mariadb() {
    if !mariadb_available() {
        eprintln!("skipping: MariaDB binaries not found");
        return;
    }
    let my = shared_mariadb();
    let db = my.create_database("sq_odd");
    // MariaDB string literals: `''` for a quote, `\\` for a backslash.
    let literal = ODD_PASSWORD.replace('\\', "\\\\").replace('\'', "''");
    let mut sql = "CREATE TABLE n (v int); INSERT INTO n VALUES (42);".to_string();
    for host in ["%", "localhost", "127.0.0.1"] {
        sql.push_str(&format!(
            "CREATE USER '{ODD_USER}'@'{host}' IDENTIFIED BY '{literal}'; \
             GRANT SELECT ON {db}.* TO '{ODD_USER}'@'{host}';"
        ));
    }
    my.sql(&db, &sql).unwrap();
    let config = |password: &str| {
        json!({
            "driver": "mysql", "host": my.host, "port": my.port, "database": db,
            "username": ODD_USER, "password": password,
            "collection_interval": "200ms", "initial_delay": "0s",
            "queries": [{"sql": "SELECT v FROM n", "metrics": [{"metric_name": "n.v", "value_column": "v"}]}]
        })
    };
    let mut r = start(config(ODD_PASSWORD));
    let m = r.next_metrics().await;
    assert_eq!(common::points(&m, "n.v", "x"), [(String::new(), NumberValue::Int(42))]);
    r.stop().await;

    let wrong = format!("{ODD_PASSWORD}x");
    let r = start(config(&wrong));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let status = match r.status() {
        dbintel_core::health::Status::RecoverableError(m) => m,
        other => panic!("not refused: {other:?}"),
    };
    assert!(status.contains("Access denied"), "{status}");
    assert!(!status.contains(ODD_PASSWORD), "{status}");
    r.stop().await;
}
