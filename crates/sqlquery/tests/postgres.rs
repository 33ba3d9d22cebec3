//! The sqlquery receiver against a throwaway PostgreSQL server.

mod common;

use std::time::Duration;

use common::{bodies, metric, points, resource_attr, start};
use dbintel_core::health::Status;
use dbintel_core::pdata::{MetricData, NumberValue, Temporality};
use dbintel_test_support::{PgServer, shared_postgres};
use serde_json::json;

fn fixture(pg: &PgServer, prefix: &str) -> String {
    let db = pg.create_database(prefix);
    pg.psql(
        &db,
        "CREATE TABLE stock (kind text, i int, b bigint, n numeric(12,3), d double precision, s text, nint numeric(20,0));
         INSERT INTO stock VALUES
           ('apple', 3, 9000000000, 12.345, 0.25, '17', 12345678901234),
           ('pear', -7, 1, 0.001, -1.5, '2.5', 0),
           ('plum', 0, 42, 100, 1e10, '-8', -3);",
    )
    .unwrap();
    db
}

fn metrics_config(dsn: String, queries: serde_json::Value) -> serde_json::Value {
    json!({
        "driver": "postgres",
        "datasource": dsn,
        "collection_interval": "200ms",
        "initial_delay": "0s",
        "query_timeout": "5s",
        "queries": queries,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gauge_and_sum_metrics_match_the_table() {
    let pg = shared_postgres();
    let db = fixture(pg, "sq_values");
    let config = metrics_config(
        pg.keyvalue_dsn(&db),
        json!([{
            "sql": "SELECT kind AS \"Kind\", i, b, n, d, s, nint FROM stock",
            "metrics": [
                {"metric_name": "stock.i", "value_column": "i", "attribute_columns": ["kind"], "unit": "{item}"},
                {"metric_name": "stock.b", "value_column": "b", "attribute_columns": ["kind"],
                 "data_type": "sum", "monotonic": true},
                {"metric_name": "stock.n", "value_column": "N", "attribute_columns": ["kind"], "value_type": "double",
                 "data_type": "sum", "aggregation": "delta"},
                {"metric_name": "stock.d", "value_column": "d", "attribute_columns": ["kind"], "value_type": "double"},
                {"metric_name": "stock.s", "value_column": "s", "attribute_columns": ["kind"], "value_type": "double"},
                {"metric_name": "stock.nint", "value_column": "nint", "attribute_columns": ["kind"],
                 "static_attributes": {"source": "fixture"}}
            ]
        }]),
    );
    let mut r = start(config);
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
    assert_eq!(
        points(&m, "stock.nint", "kind"),
        [(s("apple"), Int(12_345_678_901_234)), (s("pear"), Int(0)), (s("plum"), Int(-3))]
    );
    let b = metric(&m, "stock.b").unwrap();
    let MetricData::Sum { temporality: Temporality::Cumulative, monotonic: true, points: pts } = &b.data
    else {
        panic!("{b:?}")
    };
    assert!(pts.iter().all(|p| p.start_time_unix_nano > 0 && p.start_time_unix_nano < p.time_unix_nano));
    let n = metric(&m, "stock.n").unwrap();
    assert!(matches!(n.data, MetricData::Sum { temporality: Temporality::Delta, monotonic: false, .. }));
    assert_eq!(metric(&m, "stock.i").unwrap().unit, "{item}");
    assert!(matches!(metric(&m, "stock.i").unwrap().data, MetricData::Gauge(_)));
    assert_eq!(resource_attr(&m, "db.system.name").as_deref(), Some("postgresql"));
    assert_eq!(resource_attr(&m, "db.namespace").as_deref(), Some(db.as_str()));
    assert_eq!(resource_attr(&m, "server.address").as_deref(), Some("127.0.0.1"));
    let scope = &m.resource_metrics[0].scope_metrics[0].scope;
    assert_eq!(scope.name, "dbintel/sqlquery");
    assert!(r.counter("otelcol_scraper_scraped_metric_points", None) >= 18);
    // stock.s has a non-integer text in an int metric nowhere; every value above was valid.
    assert_eq!(r.counter("dbintel_sqlquery_invalid_values_total", None), 0);
    // A second scrape comes one interval later with the same values.
    let m2 = r.next_metrics().await;
    assert_eq!(points(&m2, "stock.i", "kind").len(), 3);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn null_and_non_numeric_values_are_skipped_and_counted() {
    let pg = shared_postgres();
    let db = pg.create_database("sq_nulls");
    pg.psql(
        &db,
        "CREATE TABLE t (k text, v text, w numeric);
         INSERT INTO t VALUES ('good', '5', 1.5), ('null', NULL, NULL), ('text', 'abc', 2), ('frac', '2.5', 3);",
    )
    .unwrap();
    let config = metrics_config(
        pg.url(&db),
        json!([{
            "sql": "SELECT k, v, w FROM t",
            "metrics": [
                {"metric_name": "v", "value_column": "v", "attribute_columns": ["k"]},
                {"metric_name": "w", "value_column": "w", "attribute_columns": ["k"], "value_type": "double"}
            ]
        }]),
    );
    let mut r = start(config);
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
    // v: NULL, 'abc' and '2.5' (not an integer) are skipped; w: NULL.
    assert!(r.counter("dbintel_sqlquery_invalid_values_total", None) >= 4);
    assert!(r.counter("otelcol_scraper_errored_metric_points", None) >= 4);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_query_does_not_stop_the_good_one() {
    let pg = shared_postgres();
    let db = pg.create_database("sq_broken");
    let config = metrics_config(
        pg.url(&db),
        json!([
            {"sql": "SELEC 1 AS v", "metrics": [{"metric_name": "broken", "value_column": "v"}]},
            {"sql": "SELECT 1 AS v FROM no_such_table", "metrics": [{"metric_name": "missing", "value_column": "v"}]},
            {"sql": "SELECT 7 AS v", "metrics": [{"metric_name": "good", "value_column": "v"}]}
        ]),
    );
    let mut r = start(config);
    for _ in 0..3 {
        let m = r.next_metrics().await;
        assert_eq!(points(&m, "good", "x"), [(String::new(), NumberValue::Int(7))]);
        assert!(metric(&m, "broken").is_none());
    }
    assert!(r.counter("dbintel_sqlquery_query_errors_total", Some(("query_index", "0"))) >= 3);
    assert!(r.counter("dbintel_sqlquery_query_errors_total", Some(("query_index", "1"))) >= 3);
    assert_eq!(r.counter("dbintel_sqlquery_query_errors_total", Some(("query_index", "2"))), 0);
    assert_eq!(r.status(), Status::Ok);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_with_tracking_column_read_only_new_rows() {
    let pg = shared_postgres();
    let db = pg.create_database("sq_logs");
    pg.psql(
        &db,
        "CREATE TABLE events (id bigserial PRIMARY KEY, msg text, lvl text);
         INSERT INTO events (msg, lvl) VALUES ('first', 'info'), ('second', NULL);",
    )
    .unwrap();
    let config = json!({
        "driver": "postgresql",
        "datasource": pg.url(&db),
        "collection_interval": "200ms",
        "initial_delay": "0s",
        "queries": [{
            // The config loader turns `$$1` into `$1`; the receiver gets `$1`.
            "sql": "SELECT id, msg, lvl FROM events WHERE id > $1 ORDER BY id",
            "tracking_column": "id",
            "tracking_start_value": "0",
            "logs": [{"body_column": "msg", "attribute_columns": ["lvl", "id"]}]
        }]
    });
    let mut r = start(config);
    let l = r.next_logs().await;
    assert_eq!(bodies(&l), ["first", "second"]);
    let rec = &l.resource_logs[0].scope_logs[0].log_records[1];
    assert_eq!(rec.attributes.get("lvl").map(|v| v.to_display_string()).as_deref(), Some(""));
    assert_eq!(rec.attributes.get("id").map(|v| v.to_display_string()).as_deref(), Some("2"));
    assert!(rec.time_unix_nano > 0 && rec.observed_time_unix_nano == rec.time_unix_nano);
    pg.psql(&db, "INSERT INTO events (msg, lvl) VALUES ('third', 'warn');").unwrap();
    let l = r.next_logs().await;
    assert_eq!(bodies(&l), ["third"]);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identifies_itself_and_enforces_the_statement_timeout() {
    let pg = shared_postgres();
    let db = pg.create_database("sq_timeout");
    let mut config = metrics_config(
        pg.url(&db) + "?application_name=someone_else",
        json!([
            {"sql": "SELECT 1 AS v FROM pg_sleep(5)", "metrics": [{"metric_name": "slow", "value_column": "v"}]},
            {"sql": "SELECT 2 AS v", "metrics": [{"metric_name": "fast", "value_column": "v"}]}
        ]),
    );
    config["query_timeout"] = json!("1s");
    let mut r = start(config);
    let m = r.next_metrics().await;
    assert!(metric(&m, "slow").is_none());
    assert_eq!(points(&m, "fast", "x"), [(String::new(), NumberValue::Int(2))]);
    assert!(r.counter("dbintel_sqlquery_query_errors_total", Some(("query_index", "0"))) >= 1);
    let seen = pg
        .psql(
            "postgres",
            &format!(
                "SELECT count(*), bool_and(query LIKE '/* dbintel */ %') FROM pg_stat_activity \
                 WHERE application_name = 'dbintel' AND datname = '{db}'"
            ),
        )
        .unwrap();
    assert_eq!(seen.trim(), "1\tt", "pg_stat_activity: {seen}");
    r.stop().await;

    // The session settings the statement timeout relies on, seen from inside the session.
    let mut config = metrics_config(
        pg.url(&db),
        json!([{
            "sql": "SELECT (current_setting('statement_timeout') = '1s' \
                    AND current_setting('default_transaction_read_only') = 'on' \
                    AND current_setting('lock_timeout') = '1s')::int AS v",
            "metrics": [{"metric_name": "settings_ok", "value_column": "v"}]
        }]),
    );
    config["query_timeout"] = json!("1s");
    let mut r = start(config);
    let m = r.next_metrics().await;
    assert_eq!(points(&m, "settings_ok", "x"), [(String::new(), NumberValue::Int(1))]);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_after_the_backend_is_terminated() {
    let pg = shared_postgres();
    let db = pg.create_database("sq_reconnect");
    let config = metrics_config(
        pg.url(&db),
        json!([{"sql": "SELECT 1 AS v", "metrics": [{"metric_name": "up", "value_column": "v"}]}]),
    );
    let mut r = start(config);
    r.next_metrics().await;
    assert_eq!(r.status(), Status::Ok);
    let killed = pg
        .psql(
            "postgres",
            &format!(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                 WHERE application_name = 'dbintel' AND datname = '{db}'"
            ),
        )
        .unwrap();
    assert_eq!(killed.trim(), "1");
    // Drain what was scraped before the kill, then data must flow again on a new connection.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut saw_error = false;
    loop {
        let m = r.next_metrics().await;
        assert_eq!(points(&m, "up", "x").len(), 1);
        saw_error |= r.counter("dbintel_sqlquery_query_errors_total", None) > 0;
        if saw_error {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the terminated connection was never noticed");
    }
    r.next_metrics().await;
    assert_eq!(r.status(), Status::Ok);
    let after = pg
        .psql(
            "postgres",
            &format!("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dbintel' AND datname = '{db}'"),
        )
        .unwrap();
    assert_eq!(after.trim(), "1", "one long-lived connection again");
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_returns_promptly_mid_query_and_mid_backoff() {
    let pg = shared_postgres();
    let db = pg.create_database("sq_shutdown");
    let mut config = metrics_config(
        pg.url(&db),
        json!([{"sql": "SELECT 1 AS v FROM pg_sleep(30)", "metrics": [{"metric_name": "slow", "value_column": "v"}]}]),
    );
    config["query_timeout"] = json!("60s");
    let r = start(config);
    // Wait until the statement is running.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let n = pg
            .psql(
                "postgres",
                &format!(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dbintel' \
                     AND datname = '{db}' AND state = 'active'"
                ),
            )
            .unwrap();
        if n.trim() == "1" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the slow query never started");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    r.stop().await;

    // Nothing listens on this port: the receiver is in its reconnect backoff.
    let port = dbintel_test_support::free_port().unwrap();
    let config = metrics_config(
        format!("postgres://mon:topsecret@127.0.0.1:{port}/x"),
        json!([{"sql": "SELECT 1 AS v", "metrics": [{"metric_name": "up", "value_column": "v"}]}]),
    );
    let r = start(config);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    match r.status() {
        Status::RecoverableError(msg) => assert!(!msg.contains("topsecret"), "{msg}"),
        other => panic!("expected a recoverable error while the server is down, got {other:?}"),
    }
    r.stop().await;
}
