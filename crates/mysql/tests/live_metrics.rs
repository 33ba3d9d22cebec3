//! The per-table, InnoDB, session and statement metrics against a throwaway MariaDB with
//! performance_schema on: values checked against what the test reads from the same catalog, the
//! `max_tables` cap and its dropped-series counter, a row lock wait, digest text cut to the limit,
//! and a user without grants (reported once, the receiver stays healthy).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{Running, start};
use dbintel_core::health::Status;
use dbintel_core::pdata::{MetricData, Metrics, NumberValue};
use dbintel_test_support::shared_mariadb;
use serde_json::{Value, json};

type Attrs = BTreeMap<String, String>;

/// Every point of `name`: its attributes and value.
fn all_points(m: &Metrics, name: &str) -> Vec<(Attrs, f64)> {
    let mut out = Vec::new();
    for metric in m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        if metric.name != name {
            continue;
        }
        let (MetricData::Gauge(pts) | MetricData::Sum { points: pts, .. }) = &metric.data else { continue };
        for p in pts {
            let a = p.attributes.iter().map(|(k, v)| (k.to_string(), v.to_display_string())).collect();
            let v = match p.value {
                NumberValue::Int(i) => i as f64,
                NumberValue::Double(d) => d,
            };
            out.push((a, v));
        }
    }
    out
}

/// The value of the point of `name` whose attributes include every pair of `with`.
fn value(m: &Metrics, name: &str, with: &[(&str, &str)]) -> Option<f64> {
    all_points(m, name)
        .into_iter()
        .find(|(a, _)| with.iter().all(|(k, v)| a.get(*k).map(String::as_str) == Some(*v)))
        .map(|(_, v)| v)
}

fn endpoint() -> String {
    let my = shared_mariadb();
    format!("{}:{}", my.host, my.port)
}

fn config(extra: Value) -> Value {
    let mut c = json!({
        "endpoint": endpoint(),
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
    });
    if let (Some(c), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    c
}

/// Rows of `sql` as the test reads them (tab-separated cells).
fn read(db: &str, sql: &str) -> Vec<Vec<String>> {
    let out = shared_mariadb().sql(db, sql).expect("the mariadb client runs");
    out.lines().map(|l| l.split('\t').map(str::to_string).collect()).collect()
}

/// Twenty tables with `i + 1` rows each, read by index and by scan, some updated and deleted.
fn twenty_tables() -> String {
    let my = shared_mariadb();
    let db = my.create_database("mm_tables");
    let mut sql = String::new();
    for i in 0..20 {
        sql.push_str(&format!(
            "CREATE TABLE t{i:02} (id INT PRIMARY KEY, v VARCHAR(100), KEY kv (v)) ENGINE=InnoDB;"
        ));
        let values: Vec<String> = (0..=i).map(|n| format!("({n}, 'v{n}')")).collect();
        sql.push_str(&format!("INSERT INTO t{i:02} VALUES {};", values.join(",")));
        sql.push_str(&format!("SELECT COUNT(*) FROM t{i:02} WHERE v = 'v0'; SELECT SUM(id) FROM t{i:02};"));
        sql.push_str(&format!(
            "UPDATE t{i:02} SET v = 'x' WHERE id = 0; DELETE FROM t{i:02} WHERE id = {i};"
        ));
        sql.push_str(&format!("ANALYZE TABLE t{i:02};"));
    }
    my.sql(&db, &sql).expect("tables created");
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_io_waits_and_sizes_match_the_catalog() {
    let db = twenty_tables();
    // Counters only grow: read before the receiver does.
    let io = read(
        "",
        &format!(
            "SELECT OBJECT_NAME, COUNT_INSERT, COUNT_FETCH, COUNT_UPDATE, COUNT_DELETE \
             FROM performance_schema.table_io_waits_summary_by_table WHERE OBJECT_SCHEMA = '{db}'"
        ),
    );
    assert_eq!(io.len(), 20, "{io:?}");
    let sizes = read(
        "",
        &format!(
            "SELECT TABLE_NAME, DATA_LENGTH, INDEX_LENGTH, AVG_ROW_LENGTH FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = '{db}'"
        ),
    );
    let mut r = start(config(json!({
        "metrics": {
            "mysql.table.size": {"enabled": true},
            "mysql.table.rows": {"enabled": true},
            "mysql.table.average_row_length": {"enabled": true},
            "mysql.table.lock_wait.read.count": {"enabled": true},
            "mysql.table.lock_wait.write.time": {"enabled": true},
        },
    })));
    let m = r.next_metrics().await;
    // Every statement of these metrics runs on MariaDB (the lock-wait columns included).
    assert_eq!(r.telemetry.counter_total("dbintel_mysql_query_errors_total", &[]), 0);
    assert!(
        value(
            &m,
            "mysql.table.lock_wait.write.time",
            &[("schema", &db), ("table", "t00"), ("kind", "normal")]
        )
        .is_some()
    );
    for row in &io {
        let table = row[0].as_str();
        for (k, op) in ["insert", "fetch", "update", "delete"].iter().enumerate() {
            let before: f64 = row[k + 1].parse().unwrap();
            let got = value(
                &m,
                "mysql.table.io.wait.count",
                &[("schema", &db), ("table", table), ("operation", op)],
            )
            .unwrap_or_else(|| panic!("no io count for {table} {op}"));
            assert!(got >= before, "{table} {op}: {got} < {before}");
            assert!(
                value(
                    &m,
                    "mysql.table.io.wait.time",
                    &[("schema", &db), ("table", table), ("operation", op)]
                )
                .is_some()
            );
        }
        let inserted = value(
            &m,
            "mysql.table.io.wait.count",
            &[("schema", &db), ("table", table), ("operation", "insert")],
        );
        let n: f64 = table[1..].parse::<f64>().unwrap() + 1.0;
        assert!(inserted.unwrap() >= n, "{table}: {n} rows were inserted");
    }
    // The secondary index was used to find `v = 'v0'`.
    let by_index = all_points(&m, "mysql.index.io.wait.count");
    assert!(
        by_index
            .iter()
            .any(|(a, v)| a["schema"] == db && a["index"] == "kv" && a["operation"] == "fetch" && *v > 0.0),
        "{by_index:?}"
    );
    for row in &sizes {
        let table = row[0].as_str();
        for (kind, col) in [("data", 1), ("index", 2)] {
            let want: f64 = row[col].parse().unwrap();
            let got = value(&m, "mysql.table.size", &[("schema", &db), ("table", table), ("kind", kind)]);
            assert_eq!(got, Some(want), "{table} {kind}");
        }
        let avg: f64 = row[3].parse().unwrap();
        assert_eq!(
            value(&m, "mysql.table.average_row_length", &[("schema", &db), ("table", table)]),
            Some(avg)
        );
        assert!(value(&m, "mysql.table.rows", &[("schema", &db), ("table", table)]).is_some(), "{table}");
    }
    // System schemas are never reported.
    for name in ["mysql.table.io.wait.count", "mysql.table.size", "mysql.index.io.wait.count"] {
        for (a, _) in all_points(&m, name) {
            assert!(
                !["mysql", "performance_schema", "information_schema", "sys"].contains(&a["schema"].as_str()),
                "{a:?}"
            );
        }
    }
    assert_eq!(r.telemetry.counter_total("dbintel_mysql_series_dropped_total", &[]), 0);
    r.stop().await;
}

fn tables_in(m: &Metrics, name: &str) -> usize {
    let mut t: Vec<(String, String)> =
        all_points(m, name).into_iter().map(|(a, _)| (a["schema"].clone(), a["table"].clone())).collect();
    t.sort();
    t.dedup();
    t.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_tables_caps_in_sql_and_counts_the_rest() {
    let _db = twenty_tables();
    let mut r = start(config(json!({"max_tables": 5, "metrics": {"mysql.table.size": {"enabled": true}}})));
    let m = r.next_metrics().await;
    assert_eq!(tables_in(&m, "mysql.table.io.wait.count"), 5);
    assert_eq!(tables_in(&m, "mysql.table.size"), 5);
    let dropped =
        |family| r.telemetry.counter_total("dbintel_mysql_series_dropped_total", &[("family", family)]);
    assert!(dropped("table_io") >= 15, "{}", dropped("table_io"));
    assert!(dropped("table") >= 15, "{}", dropped("table"));
    assert!(dropped("index_io") > 0);
    assert_eq!(r.status(), Status::Ok);
    r.stop().await;
}

async fn wait_for(r: &mut Running, mut check: impl FnMut(&Metrics) -> bool) -> Metrics {
    for _ in 0..15 {
        let m = r.next_metrics().await;
        if check(&m) {
            return m;
        }
    }
    panic!("the condition did not hold within 15 scrapes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_lock_wait_is_seen_while_it_waits() {
    let my = shared_mariadb();
    let db = my.create_database("mm_locks");
    my.sql(&db, "CREATE TABLE l (id INT PRIMARY KEY, v INT) ENGINE=InnoDB; INSERT INTO l VALUES (1, 0);")
        .unwrap();
    let waits_before: f64 =
        read("", "SHOW GLOBAL STATUS LIKE 'Innodb_row_lock_waits'")[0][1].parse().unwrap();
    let mut r = start(config(json!({
        "metrics": {
            "mysql.innodb.transaction.active.count": {"enabled": true},
            "mysql.innodb.transaction.active.duration.max": {"enabled": true},
            "mysql.session.active.count": {"enabled": true},
        },
    })));
    let holder_db = db.clone();
    let holder = std::thread::spawn(move || {
        shared_mariadb()
            .sql(&holder_db, "BEGIN; SELECT v FROM l WHERE id = 1 FOR UPDATE; SELECT SLEEP(6); COMMIT;")
            .expect("holder")
    });
    std::thread::sleep(Duration::from_millis(700));
    let waiter_db = db.clone();
    let waiter = std::thread::spawn(move || {
        shared_mariadb()
            .sql(
                &waiter_db,
                "SET SESSION innodb_lock_wait_timeout = 30; UPDATE l SET v = v + 1 WHERE id = 1;",
            )
            .expect("waiter")
    });
    let m = wait_for(&mut r, |m| value(m, "mysql.innodb.row_lock.current_waits", &[]).unwrap_or(0.0) >= 1.0)
        .await;
    assert!(value(&m, "mysql.innodb.transaction.active.count", &[]).unwrap() >= 2.0);
    assert!(value(&m, "mysql.innodb.transaction.active.duration.max", &[]).is_some());
    // The holder sleeps and the waiter waits: both are sessions running a statement.
    assert!(value(&m, "mysql.session.active.count", &[]).unwrap() >= 2.0);
    let states = all_points(&m, "mysql.session.count");
    assert!(states.iter().any(|(a, _)| a["command"] == "Query"), "{states:?}");
    holder.join().unwrap();
    waiter.join().unwrap();
    let m = wait_for(&mut r, |m| value(m, "mysql.innodb.row_lock.current_waits", &[]) == Some(0.0)).await;
    let waits = value(&m, "mysql.row_locks", &[("kind", "waits")]).unwrap();
    assert!(waits > waits_before, "{waits} <= {waits_before}");
    assert!(value(&m, "mysql.row_locks", &[("kind", "time")]).unwrap() > 0.0);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_events_cut_the_digest_text_and_leave_out_our_own() {
    let my = shared_mariadb();
    let db = my.create_database("mm_digest");
    my.sql(
        &db,
        "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, total DECIMAL(10,2)); \
         INSERT INTO orders VALUES (1, 7, 10.50), (2, 7, 3.25), (3, 9, 99.00); \
         SELECT id, total FROM orders WHERE customer_id = 7 ORDER BY total DESC; \
         SELECT id, total FROM orders WHERE customer_id = 9 ORDER BY total DESC;",
    )
    .unwrap();
    let mut r = start(config(json!({
        "statement_events": {"digest_text_limit": 20},
        "metrics": {
            "mysql.statement_event.count": {"enabled": true},
            "mysql.statement_event.wait.time": {"enabled": true},
            "mysql.query.execution.time": {"enabled": true},
        },
    })));
    let m = r.next_metrics().await;
    let ours: Vec<(Attrs, f64)> = all_points(&m, "mysql.statement_event.count")
        .into_iter()
        .filter(|(a, _)| a["schema"] == db)
        .collect();
    assert!(!ours.is_empty(), "no digest of {db}");
    let sent = ours
        .iter()
        .find(|(a, _)| a["kind"] == "rows_sent" && a["digest_text"].starts_with("SELECT"))
        .unwrap_or_else(|| panic!("{ours:?}"));
    assert!(sent.1 >= 3.0, "both selects sent 3 rows: {sent:?}");
    for (a, _) in all_points(&m, "mysql.statement_event.count")
        .iter()
        .chain(&all_points(&m, "mysql.statement_event.wait.time"))
    {
        assert!(a["digest_text"].chars().count() <= 20, "{a:?}");
        assert!(!a["digest_text"].contains("performance_schema"), "the receiver's own statement: {a:?}");
        assert_eq!(a["digest"].len(), 32, "an md5 digest on MariaDB: {a:?}");
    }
    assert!(value(&m, "mysql.statement_event.wait.time", &[("schema", &db)]).unwrap() > 0.0);
    assert!(value(&m, "mysql.query.execution.time", &[]).unwrap() > 0.0);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_grants_gets_what_it_may_and_one_report_per_statement() {
    let my = shared_mariadb();
    my.sql(
        "",
        "CREATE USER IF NOT EXISTS 'mm_nogrant'@'%' IDENTIFIED BY 'pw-nogrant'; \
         CREATE USER IF NOT EXISTS 'mm_nogrant'@'localhost' IDENTIFIED BY 'pw-nogrant'; \
         CREATE USER IF NOT EXISTS 'mm_nogrant'@'127.0.0.1' IDENTIFIED BY 'pw-nogrant';",
    )
    .unwrap();
    let mut r = start(config(json!({"username": "mm_nogrant", "password": "pw-nogrant"})));
    let m = r.next_metrics().await;
    assert_eq!(value(&m, "mysql.up", &[]), Some(1.0));
    assert!(value(&m, "mysql.uptime", &[]).is_some(), "status needs no grant");
    assert!(all_points(&m, "mysql.table.io.wait.count").is_empty());
    let first = r.telemetry.counter_total("dbintel_mysql_query_errors_total", &[]);
    // performance_schema (1142) and INNODB_METRICS / replica status (1227) at least.
    assert!(first >= 3, "{first}");
    for _ in 0..2 {
        let m = r.next_metrics().await;
        assert_eq!(value(&m, "mysql.up", &[]), Some(1.0));
    }
    assert_eq!(
        r.telemetry.counter_total("dbintel_mysql_query_errors_total", &[]),
        first,
        "reported once per statement"
    );
    assert_eq!(r.status(), Status::Ok, "a missing grant is not a failing receiver");
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_wide_extras_match_the_server() {
    let vars =
        read("", "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('max_connections', 'innodb_page_size')");
    let var =
        |name: &str| -> f64 { vars.iter().find(|r| r[0] == name).map(|r| r[1].parse().unwrap()).unwrap() };
    let mut r = start(config(json!({
        "metrics": {
            "mysql.page_size": {"enabled": true},
            "mysql.max_used_connections": {"enabled": true},
            "mysql.innodb.history_list.length": {"enabled": true},
            "mysql.innodb.redo_log.lsn.current": {"enabled": true},
            "mysql.innodb.redo_log.lsn.checkpoint": {"enabled": true},
            "mysql.innodb.redo_log.checkpoint.age": {"enabled": true},
            "mysql.replica.time_behind_source": {"enabled": true},
        },
    })));
    let m = r.next_metrics().await;
    assert_eq!(value(&m, "mysql.page_size", &[]), Some(var("innodb_page_size")));
    assert_eq!(value(&m, "mysql.max_connections", &[]), Some(var("max_connections")));
    assert!(value(&m, "mysql.max_used_connections", &[]).unwrap() >= 1.0);
    assert!(value(&m, "mysql.innodb.history_list.length", &[]).is_some());
    assert!(value(&m, "mysql.innodb.deadlocks", &[]).is_some(), "MariaDB's Innodb_deadlocks");
    let current = value(&m, "mysql.innodb.redo_log.lsn.current", &[]).expect("Innodb_lsn_current");
    let checkpoint =
        value(&m, "mysql.innodb.redo_log.lsn.checkpoint", &[]).expect("Innodb_lsn_last_checkpoint");
    assert!(current >= checkpoint && checkpoint > 0.0, "{current} {checkpoint}");
    assert_eq!(value(&m, "mysql.innodb.redo_log.checkpoint.age", &[]), Some(current - checkpoint));
    let ratio = value(&m, "mysql.buffer_pool.hit_ratio", &[]).unwrap();
    assert!((0.0..=1.0).contains(&ratio), "{ratio}");
    // Not a replica: no replica point, and no failure either.
    assert!(all_points(&m, "mysql.replica.time_behind_source").is_empty());
    assert!(all_points(&m, "mysql.replica.thread.running").is_empty());
    assert_eq!(r.telemetry.counter_total("dbintel_mysql_query_errors_total", &[]), 0);
    assert_eq!(r.status(), Status::Ok);
    r.stop().await;
}
