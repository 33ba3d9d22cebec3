//! `db.server.top_query` against throwaway MariaDB servers: exact counts between two runs,
//! TRUNCATE of the digest table, a killed connection, a restarted server, the events the receiver
//! sends, and never our own statements.

mod common;

use std::time::Duration;

use dbintel_core::pdata::Value;
use dbintel_mysql::conn::{MyConn, Source};
use dbintel_mysql::query::top::{ATTR_PREFIX, TopQueries, TopQuery};
use dbintel_mysql::{MysqlConfig, Plan};
use dbintel_test_support::MariaDbServer;
use dbintel_test_support::MariaDbServerBuilder;
use serde_json::json;

const STATEMENT: &str = "SELECT v FROM t WHERE id = 1";

fn builder() -> MariaDbServerBuilder {
    MariaDbServer::builder().option("performance-schema-consumer-events-statements-history-long", "ON")
}

fn plan(my: &MariaDbServer) -> Plan {
    let cfg: MysqlConfig = serde_json::from_value(json!({
        "endpoint": format!("{}:{}", my.host, my.port),
        "username": "root",
        "events": {"db.server.top_query": {"enabled": true}},
    }))
    .unwrap();
    cfg.resolve().unwrap()
}

fn setup(my: &MariaDbServer, db: &str) {
    my.sql("", &format!("CREATE DATABASE IF NOT EXISTS {db}")).unwrap();
    my.sql(db, "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 10), (2, 20)").unwrap();
}

fn run_statement(my: &MariaDbServer, db: &str, times: usize) {
    my.sql(db, &format!("{STATEMENT};").repeat(times)).unwrap();
}

/// Our test statement among the top queries (by its digest text).
fn ours<'a>(queries: &'a [TopQuery], db: &str) -> Option<&'a TopQuery> {
    queries.iter().find(|q| {
        q.key.schema.as_deref() == Some(db)
            // MariaDB's digest text: "SELECT `v` FROM `t` WHERE ID = ?".
            && q.text.obfuscated.starts_with("SELECT `v` FROM `t` WHERE")
    })
}

/// None of our own statements is ever reported.
fn assert_no_own(queries: &[TopQuery]) {
    for q in queries {
        let t = q.text.obfuscated.to_ascii_lowercase();
        if t.starts_with("truncate") {
            continue; // the test's own TRUNCATE of the digest table, not the receiver's
        }
        for own in [
            "performance_schema",
            "global_status",
            "global status",
            "global variables",
            "version",
            "set session",
        ] {
            assert!(!t.contains(own), "own statement reported: {t}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_are_exact_across_truncate_kill_and_restart() {
    let my = builder().start();
    let db = my.create_database("top");
    my.sql(&db, "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 10), (2, 20)").unwrap();
    let plan = plan(&my);
    let mut top = TopQueries::from_plan(&plan);
    let mut conn = MyConn::connect(&plan.connect).await.unwrap();

    // The digest exists before the first run: its baseline is taken there.
    run_statement(&my, &db, 1);
    let first = top.collect(&mut conn).await.unwrap();
    assert!(first.queries.is_empty(), "the first run only takes baselines: {:?}", first.queries);
    run_statement(&my, &db, 50);
    let second = top.collect(&mut conn).await.unwrap();
    let q = ours(&second.queries, &db)
        .unwrap_or_else(|| panic!("no event for {STATEMENT}: {:?}", second.queries));
    assert_eq!(q.delta.count_star(), 50);
    assert_eq!(q.delta.0[6], 50, "SUM_ROWS_SENT delta");
    assert!(q.delta.sum_timer_wait() > 0);
    assert_eq!(q.explain_text.as_deref(), Some(STATEMENT), "MariaDB: the text from the statement history");
    assert_no_own(&second.queries);

    // TRUNCATE between two runs: the entry is new (FIRST_SEEN after the previous run).
    tokio::time::sleep(Duration::from_millis(1100)).await; // FIRST_SEEN has whole seconds on MariaDB
    my.sql("", "TRUNCATE TABLE performance_schema.events_statements_summary_by_digest").unwrap();
    run_statement(&my, &db, 20);
    let third = top.collect(&mut conn).await.unwrap();
    assert_eq!(ours(&third.queries, &db).map(|q| q.delta.count_star()), Some(20), "{:?}", third.queries);
    assert_no_own(&third.queries);

    // The connection is killed: the run fails as lost, a new connection continues the deltas.
    let id = conn.rows("SELECT CONNECTION_ID()").await.unwrap()[0][0].clone().unwrap();
    my.sql("", &format!("KILL {id}")).unwrap();
    run_statement(&my, &db, 30);
    let e = top.collect(&mut conn).await.unwrap_err();
    assert!(matches!(e, dbintel_dbclient::DbError::Lost(_)), "{e:?}");
    let mut conn = MyConn::connect(&plan.connect).await.unwrap();
    let fourth = top.collect(&mut conn).await.unwrap();
    assert_eq!(ours(&fourth.queries, &db).map(|q| q.delta.count_star()), Some(30), "{:?}", fourth.queries);
    assert_no_own(&fourth.queries);

    // A restart: the state meets a server that started after the previous run (a new throwaway
    // server; the harness cannot reuse a port). Uptime went down: every entry counts from zero.
    drop(conn);
    drop(my);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let my = builder().start();
    let plan = self::plan(&my);
    setup(&my, &db);
    run_statement(&my, &db, 10);
    let mut conn = MyConn::connect(&plan.connect).await.unwrap();
    let fifth = top.collect(&mut conn).await.unwrap();
    assert_eq!(fifth.lineage, Some(dbintel_mysql::query::deltas::Lineage::Restarted));
    assert_eq!(ours(&fifth.queries, &db).map(|q| q.delta.count_star()), Some(10), "{:?}", fifth.queries);
    assert_no_own(&fifth.queries);
    // And nothing more without new executions.
    let sixth = top.collect(&mut conn).await.unwrap();
    assert!(ours(&sixth.queries, &db).is_none());
    conn.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receiver_sends_top_query_events_without_its_own_statements() {
    // MariaDB's defaults: no statement history, so our statements are told by their shape alone.
    let server = MariaDbServer::builder()
        .option("performance-schema-consumer-events-statements-history", "OFF")
        .option("performance-schema-consumer-events-statements-current", "OFF")
        .start();
    let my = &server;
    let db = my.create_database("toprecv");
    my.sql(&db, "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 10)").unwrap();
    let mut r = common::start(json!({
        "endpoint": format!("{}:{}", my.host, my.port),
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
        "events": {"db.server.top_query": {"enabled": true}},
        "top_query_collection": {"collection_interval": "1s"},
    }));
    let mut total = 0i64;
    let mut seen_scope = false;
    for _ in 0..30 {
        run_statement(my, &db, 5);
        while let Some(logs) = r.next_logs(Duration::from_millis(300)).await {
            for sl in logs.resource_logs.iter().flat_map(|rl| &rl.scope_logs) {
                assert_eq!(sl.scope.attributes.get("db.product"), Some(&Value::Str("mariadb".into())));
                seen_scope = true;
                for rec in &sl.log_records {
                    assert_eq!(rec.event_name, "db.server.top_query");
                    let text =
                        rec.attributes.get("db.query.text").map(Value::to_display_string).unwrap_or_default();
                    let lower = text.to_ascii_lowercase();
                    for own in [
                        "performance_schema",
                        "global_status",
                        "global status",
                        "global variables",
                        "set session",
                    ] {
                        assert!(!lower.contains(own), "own statement reported: {text}");
                    }
                    assert_eq!(rec.attributes.get("db.system.name"), Some(&Value::Str("mariadb".into())));
                    if rec.attributes.get("db.namespace") == Some(&Value::Str(db.as_str().into()))
                        && text.starts_with("SELECT `v` FROM `t`")
                    {
                        let Some(Value::Int(n)) = rec.attributes.get(&format!("{ATTR_PREFIX}count_star"))
                        else {
                            panic!("count_star is an int: {rec:?}")
                        };
                        assert!(*n > 0);
                        total += n;
                    }
                }
            }
        }
        if total >= 10 {
            break;
        }
    }
    assert!(seen_scope && total >= 10, "events for the test statement: {total}");
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn performance_schema_off_is_an_error_with_the_fix() {
    let my = MariaDbServer::builder().option("performance-schema", "OFF").start();
    let plan = plan(&my);
    let mut top = TopQueries::from_plan(&plan);
    let mut conn = MyConn::connect(&plan.connect).await.unwrap();
    let e = top.collect(&mut conn).await.unwrap_err();
    assert!(e.to_string().contains("performance_schema is OFF"), "{e}");
    assert!(e.hint().contains("performance_schema = ON"), "{}", e.hint());
    conn.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_queries_carry_the_plan_of_their_statement_text() {
    // MariaDB has no QUERY_SAMPLE_TEXT: the text comes from the statement history.
    let server = builder().start();
    let my = &server;
    let db = my.create_database("topplan");
    my.sql(&db, "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 10), (2, 20)").unwrap();
    my.sql(&db, "CREATE TABLE u (id INT, w INT); INSERT INTO u VALUES (1, 1), (2, 2)").unwrap();
    let mut r = common::start(json!({
        "endpoint": format!("{}:{}", my.host, my.port),
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
        "events": {"db.server.top_query": {"enabled": true}},
        "top_query_collection": {"collection_interval": "1s"},
    }));
    let mut hashes = std::collections::BTreeMap::new();
    for _ in 0..30 {
        run_statement(my, &db, 3);
        my.sql(&db, "SELECT w FROM u WHERE w > 0;SELECT w FROM u WHERE w > 0;").unwrap();
        while let Some(logs) = r.next_logs(Duration::from_millis(300)).await {
            for rec in logs.resource_logs.iter().flat_map(|rl| &rl.scope_logs).flat_map(|s| &s.log_records) {
                let text =
                    rec.attributes.get("db.query.text").map(Value::to_display_string).unwrap_or_default();
                if rec.attributes.get("db.namespace") != Some(&Value::Str(db.as_str().into())) {
                    continue;
                }
                if let Some(Value::Str(h)) = rec.attributes.get("mysql.query_plan.hash") {
                    let plan = rec.attributes.get("mysql.query_plan").map(Value::to_display_string);
                    hashes.insert(text.clone(), (h.clone(), plan));
                }
            }
        }
        if hashes.len() >= 2 {
            break;
        }
    }
    r.stop().await;
    let pk = hashes.iter().find(|(t, _)| t.starts_with("SELECT `v` FROM `t`"));
    let scan = hashes.iter().find(|(t, _)| t.starts_with("SELECT `w` FROM `u`"));
    let (Some((_, (pk_hash, pk_plan))), Some((_, (scan_hash, scan_plan)))) = (pk, scan) else {
        panic!("both statements get plans: {hashes:?}")
    };
    assert_ne!(pk_hash, scan_hash, "different plans, different structural hashes");
    let scan_plan = scan_plan.as_deref().unwrap_or_default();
    assert!(scan_plan.contains("\"ALL\""), "the table scan is in the plan: {scan_plan}");
    let pk_plan = pk_plan.as_deref().unwrap_or_default();
    assert!(!pk_plan.contains("= 1") && !pk_plan.contains("=1"), "literals are obfuscated: {pk_plan}");
}
