//! The sqlquery receiver against a throwaway MariaDB server.

mod common;

use std::time::Duration;

use common::{bodies, metric, points, resource_attr, start};
use dbintel_core::health::Status;
use dbintel_core::pdata::{MetricData, NumberValue, Temporality};
use dbintel_test_support::shared_mariadb;
use serde_json::json;

/// `root@tcp(127.0.0.1:PORT)/db`, the Go driver's DSN form used by the contrib examples.
fn go_dsn(url: &str) -> String {
    let rest = url.trim_start_matches("mysql://");
    let (user, hostdb) = rest.split_once('@').unwrap();
    let (host, db) = hostdb.split_once('/').unwrap();
    format!("{user}@tcp({host})/{db}")
}

fn config(dsn: String, queries: serde_json::Value) -> serde_json::Value {
    json!({
        "driver": "mysql",
        "datasource": dsn,
        "collection_interval": "200ms",
        "initial_delay": "0s",
        "query_timeout": "5s",
        "queries": queries,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gauge_and_sum_metrics_match_the_table() {
    let my = shared_mariadb();
    let db = my.create_database("sq_values");
    my.sql(
        &db,
        "CREATE TABLE stock (kind varchar(20), i int, b bigint, n decimal(12,3), d double, s varchar(10));
         INSERT INTO stock VALUES
           ('apple', 3, 9000000000, 12.345, 0.25, '17'),
           ('pear', -7, 1, 0.001, -1.5, '2.5'),
           ('plum', 0, 42, 100, 1e10, '-8');",
    )
    .unwrap();
    let cfg = config(
        go_dsn(&my.url(&db)),
        json!([{
            "sql": "SELECT kind, i, b, n, d, s FROM stock",
            "metrics": [
                {"metric_name": "stock.i", "value_column": "I", "attribute_columns": ["kind"]},
                {"metric_name": "stock.b", "value_column": "b", "attribute_columns": ["kind"],
                 "data_type": "sum", "monotonic": true, "aggregation": "cumulative"},
                {"metric_name": "stock.n", "value_column": "n", "attribute_columns": ["kind"], "value_type": "double"},
                {"metric_name": "stock.d", "value_column": "d", "attribute_columns": ["kind"], "value_type": "double"},
                {"metric_name": "stock.s", "value_column": "s", "attribute_columns": ["kind"], "value_type": "double"}
            ]
        }]),
    );
    let mut r = start(cfg);
    let m = r.next_metrics().await;
    let s = |v: &str| v.to_string();
    use NumberValue::{Double, Int};
    assert_eq!(
        points(&m, "stock.i", "kind"),
        [(s("apple"), Int(3)), (s("pear"), Int(-7)), (s("plum"), Int(0))]
    );
    assert_eq!(
        points(&m, "stock.b", "kind"),
        [(s("apple"), Int(9_000_000_000)), (s("pear"), Int(1)), (s("plum"), Int(42))]
    );
    assert_eq!(
        points(&m, "stock.n", "kind"),
        [(s("apple"), Double(12.345)), (s("pear"), Double(0.001)), (s("plum"), Double(100.0))]
    );
    assert_eq!(
        points(&m, "stock.d", "kind"),
        [(s("apple"), Double(0.25)), (s("pear"), Double(-1.5)), (s("plum"), Double(1e10))]
    );
    assert_eq!(
        points(&m, "stock.s", "kind"),
        [(s("apple"), Double(17.0)), (s("pear"), Double(2.5)), (s("plum"), Double(-8.0))]
    );
    let b = metric(&m, "stock.b").unwrap();
    assert!(matches!(b.data, MetricData::Sum { temporality: Temporality::Cumulative, monotonic: true, .. }));
    assert_eq!(resource_attr(&m, "db.system.name").as_deref(), Some("mariadb"));
    assert_eq!(resource_attr(&m, "db.namespace").as_deref(), Some(db.as_str()));
    assert_eq!(r.counter("dbintel_sqlquery_invalid_values_total", None), 0);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn null_and_non_numeric_values_are_skipped_and_counted() {
    let my = shared_mariadb();
    let db = my.create_database("sq_nulls");
    my.sql(
        &db,
        "CREATE TABLE t (k varchar(10), v varchar(10), w decimal(5,1));
         INSERT INTO t VALUES ('good', '5', 1.5), ('null', NULL, NULL), ('text', 'abc', 2), ('frac', '2.5', 3);",
    )
    .unwrap();
    let cfg = config(
        my.url(&db),
        json!([{
            "sql": "SELECT k, v, w FROM t",
            "metrics": [
                {"metric_name": "v", "value_column": "v", "attribute_columns": ["k"]},
                {"metric_name": "w", "value_column": "w", "attribute_columns": ["k"], "value_type": "double"}
            ]
        }]),
    );
    let mut r = start(cfg);
    let m = r.next_metrics().await;
    use NumberValue::{Double, Int};
    assert_eq!(points(&m, "v", "k"), [("good".to_string(), Int(5))]);
    assert_eq!(
        points(&m, "w", "k"),
        [
            ("frac".to_string(), Double(3.0)),
            ("good".to_string(), Double(1.5)),
            ("text".to_string(), Double(2.0))
        ]
    );
    assert!(r.counter("dbintel_sqlquery_invalid_values_total", None) >= 4);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_query_does_not_stop_the_good_one() {
    let my = shared_mariadb();
    let db = my.create_database("sq_broken");
    let cfg = config(
        my.url(&db),
        json!([
            {"sql": "SELEC 1 AS v", "metrics": [{"metric_name": "broken", "value_column": "v"}]},
            {"sql": "SELECT 7 AS v", "metrics": [{"metric_name": "good", "value_column": "v"}]}
        ]),
    );
    let mut r = start(cfg);
    for _ in 0..3 {
        let m = r.next_metrics().await;
        assert_eq!(points(&m, "good", "x"), [(String::new(), NumberValue::Int(7))]);
    }
    assert!(r.counter("dbintel_sqlquery_query_errors_total", Some(("query_index", "0"))) >= 3);
    assert_eq!(r.status(), Status::Ok);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_with_tracking_column_read_only_new_rows() {
    let my = shared_mariadb();
    let db = my.create_database("sq_logs");
    my.sql(
        &db,
        "CREATE TABLE events (id bigint AUTO_INCREMENT PRIMARY KEY, msg text, lvl varchar(10));
         INSERT INTO events (msg, lvl) VALUES ('first', 'info'), ('second', NULL);",
    )
    .unwrap();
    let cfg = json!({
        "driver": "mariadb",
        "datasource": my.url(&db),
        "collection_interval": "200ms",
        "initial_delay": "0s",
        "queries": [{
            "sql": "SELECT id, msg, lvl FROM events WHERE id > ? ORDER BY id",
            "tracking_column": "id",
            "tracking_start_value": 0,
            "logs": [{"body_column": "msg", "attribute_columns": ["lvl"]}]
        }]
    });
    let mut r = start(cfg);
    let l = r.next_logs().await;
    assert_eq!(bodies(&l), ["first", "second"]);
    my.sql(&db, "INSERT INTO events (msg, lvl) VALUES ('third', 'warn');").unwrap();
    let l = r.next_logs().await;
    assert_eq!(bodies(&l), ["third"]);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_timeout_and_session_settings() {
    let my = shared_mariadb();
    let db = my.create_database("sq_timeout");
    let mut cfg = config(
        my.url(&db),
        json!([
            {"sql": "SELECT SLEEP(5) AS v", "metrics": [{"metric_name": "slow", "value_column": "v"}]},
            {"sql": "SELECT (@@session.max_statement_time = 1 AND @@session.tx_read_only = 1) AS v",
             "metrics": [{"metric_name": "settings_ok", "value_column": "v"}]}
        ]),
    );
    cfg["query_timeout"] = json!("1s");
    let mut r = start(cfg);
    let m = r.next_metrics().await;
    assert_eq!(points(&m, "settings_ok", "x"), [(String::new(), NumberValue::Int(1))]);
    // SLEEP interrupted by max_statement_time either errors or returns 1; it never takes 5s.
    assert!(points(&m, "slow", "x").iter().all(|p| p.1 == NumberValue::Int(1)));
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_after_the_connection_is_killed() {
    let my = shared_mariadb();
    let db = my.create_database("sq_reconnect");
    let cfg = config(
        my.url(&db),
        json!([{"sql": "SELECT 1 AS v", "metrics": [{"metric_name": "up", "value_column": "v"}]}]),
    );
    let mut r = start(cfg);
    r.next_metrics().await;
    let ids = my
        .sql(
            "",
            &format!(
                "SELECT id FROM information_schema.processlist WHERE db = '{db}' AND id <> CONNECTION_ID()"
            ),
        )
        .unwrap();
    let ids: Vec<&str> = ids.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(ids.len(), 1, "one long-lived connection: {ids:?}");
    my.sql("", &format!("KILL {}", ids[0])).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let m = r.next_metrics().await;
        assert_eq!(points(&m, "up", "x").len(), 1);
        if r.counter("dbintel_sqlquery_query_errors_total", None) > 0 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the killed connection was never noticed");
    }
    r.next_metrics().await;
    assert_eq!(r.status(), Status::Ok);
    r.stop().await;
}
