//! The mysql receiver against a throwaway MariaDB: metric values checked against what the test
//! itself reads with the `mariadb` client, the session dbintel opens, and a wrong password.

mod common;

use std::collections::HashMap;

use common::{monotonic, points, start};
use dbintel_core::health::Status;
use dbintel_core::pdata::Value;
use dbintel_test_support::shared_mariadb;
use serde_json::json;

/// `SHOW GLOBAL STATUS` (or another two-column statement) as the test reads it.
fn server_values(sql: &str) -> HashMap<String, i64> {
    let out = shared_mariadb().sql("", sql).expect("the mariadb client runs");
    out.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once('\t')?;
            Some((k.to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

fn endpoint() -> String {
    let my = shared_mariadb();
    format!("{}:{}", my.host, my.port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_metrics_match_what_the_server_says() {
    let before = server_values("SHOW GLOBAL STATUS");
    let limit =
        server_values("SHOW GLOBAL VARIABLES LIKE 'innodb_buffer_pool_size'")["innodb_buffer_pool_size"];
    let mut r = start(json!({
        "endpoint": endpoint(),
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
        "metrics": {"mysql.commands": {"enabled": true}, "mysql.query.count": {"enabled": true}},
    }));
    let m = r.next_metrics().await;
    let rm = &m.resource_metrics[0];
    assert_eq!(
        rm.resource.attributes.get("mysql.instance.endpoint").and_then(Value::as_str),
        Some(endpoint().as_str())
    );
    assert_eq!(points(&m, "mysql.up", ""), HashMap::from([(String::new(), 1)]));
    assert_eq!(r.status(), Status::Ok);

    // Counters only grow: what the receiver read is at least what the test read before it started.
    for (metric, key, value, variable) in [
        ("mysql.handlers", "kind", "read_rnd_next", "Handler_read_rnd_next"),
        ("mysql.handlers", "kind", "read_key", "Handler_read_key"),
        ("mysql.row_operations", "operation", "read", "Innodb_rows_read"),
        ("mysql.buffer_pool.operations", "operation", "read_requests", "Innodb_buffer_pool_read_requests"),
        ("mysql.operations", "operation", "reads", "Innodb_data_reads"),
        ("mysql.page_operations", "operation", "read", "Innodb_pages_read"),
        ("mysql.opened_resources", "kind", "table", "Opened_tables"),
        ("mysql.tmp_resources", "resource", "tables", "Created_tmp_tables"),
        ("mysql.threads", "kind", "created", "Threads_created"),
        ("mysql.commands", "command", "select", "Com_select"),
        ("mysql.query.count", "", "", "Queries"),
        ("mysql.uptime", "", "", "Uptime"),
    ] {
        let got = points(&m, metric, key);
        // MariaDB 10.11 has no Innodb_rows_*: a variable the server lacks gives no point.
        let Some(&was) = before.get(variable) else {
            assert!(!got.contains_key(value), "{metric} {key}={value} without {variable}: {got:?}");
            continue;
        };
        let v = *got.get(value).unwrap_or_else(|| panic!("{metric} {key}={value} missing: {got:?}"));
        assert!(v >= was, "{metric} {key}={value}: {v} < {variable} {was}");
    }
    // `SHOW GLOBAL STATUS` itself is a select the server counted before the receiver read it.
    assert!(points(&m, "mysql.commands", "command")["select"] > before["Com_select"]);
    assert_eq!(points(&m, "mysql.buffer_pool.limit", ""), HashMap::from([(String::new(), limit)]));
    let pages = points(&m, "mysql.buffer_pool.pages", "kind");
    assert!(pages["data"] > 0 && pages.contains_key("free"), "{pages:?}");
    let data_pages = points(&m, "mysql.buffer_pool.data_pages", "status");
    assert!(data_pages.contains_key("dirty") && data_pages.contains_key("clean"), "{data_pages:?}");
    assert!(data_pages["clean"] + data_pages["dirty"] <= pages["data"] + 1_000, "{data_pages:?} {pages:?}");
    assert!(points(&m, "mysql.threads", "kind")["connected"] >= 1);
    assert_eq!(monotonic(&m, "mysql.handlers"), Some(true));
    assert_eq!(monotonic(&m, "mysql.threads"), Some(false));
    assert_eq!(monotonic(&m, "mysql.buffer_pool.limit"), Some(false));
    assert!(points(&m, "mysql.joins", "kind").is_empty(), "off by default");

    // The session says it is dbintel (connect attribute `program_name`).
    let sessions = shared_mariadb()
        .sql(
            "",
            "SELECT COUNT(*) FROM performance_schema.session_connect_attrs \
             WHERE ATTR_NAME = 'program_name' AND ATTR_VALUE = 'dbintel'",
        )
        .unwrap();
    // Other tests of this binary run their own receivers against the same server.
    assert!(sessions.trim().parse::<u32>().unwrap() >= 1, "a dbintel session while the receiver runs");
    let second = r.next_metrics().await;
    assert!(points(&second, "mysql.uptime", "")[""] >= points(&m, "mysql.uptime", "")[""]);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_a_clear_recoverable_error() {
    let my = shared_mariadb();
    for host in ["%", "localhost", "127.0.0.1"] {
        my.sql("", &format!("CREATE USER IF NOT EXISTS 'dbintel_pw'@'{host}' IDENTIFIED BY 'right-secret'"))
            .unwrap();
    }
    let config = |password: &str| {
        json!({
            "endpoint": endpoint(),
            "username": "dbintel_pw",
            "password": password,
            "collection_interval": "1s",
            "initial_delay": "0s",
        })
    };
    let mut r = start(config("wrong-secret"));
    let m = r.next_metrics().await;
    assert_eq!(points(&m, "mysql.up", ""), HashMap::from([(String::new(), 0)]));
    assert!(points(&m, "mysql.handlers", "kind").is_empty());
    let Status::RecoverableError(text) = r.status() else { panic!("{:?}", r.status()) };
    assert!(text.contains("Access denied") && text.contains("check the user name and password"), "{text}");
    assert!(!text.contains("wrong-secret"), "{text}");
    r.stop().await;

    // The same user with the right password works: the failure above was the password.
    let mut r = start(config("right-secret"));
    let m = r.next_metrics().await;
    assert_eq!(points(&m, "mysql.up", ""), HashMap::from([(String::new(), 1)]));
    assert!(!points(&m, "mysql.handlers", "kind").is_empty());
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unix_socket_transport_works() {
    let my = shared_mariadb();
    let mut r = start(json!({
        "endpoint": my.socket_path.display().to_string(),
        "transport": "unix",
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
    }));
    let m = r.next_metrics().await;
    assert_eq!(points(&m, "mysql.up", ""), HashMap::from([(String::new(), 1)]));
    assert!(points(&m, "mysql.uptime", "").contains_key(""));
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_gives_up_zero() {
    let port = dbintel_test_support::free_port().unwrap();
    let mut r = start(json!({
        "endpoint": format!("127.0.0.1:{port}"),
        "collection_interval": "1s",
        "initial_delay": "0s",
    }));
    let m = r.next_metrics().await;
    assert_eq!(points(&m, "mysql.up", ""), HashMap::from([(String::new(), 0)]));
    assert!(matches!(r.status(), Status::RecoverableError(_)), "{:?}", r.status());
    r.stop().await;
}

/// Rows (tab-separated) of the statement, for the dbintel sessions only (connect attribute
/// `program_name=dbintel`), through performance_schema.
fn dbintel_sessions(select: &str, table: &str, filter: &str) -> Vec<Vec<String>> {
    let sql = format!(
        "SELECT {select} FROM {table} x \
         JOIN performance_schema.threads t ON t.THREAD_ID = x.THREAD_ID \
         JOIN performance_schema.session_connect_attrs a ON a.PROCESSLIST_ID = t.PROCESSLIST_ID \
         WHERE a.ATTR_NAME = 'program_name' AND a.ATTR_VALUE = 'dbintel' AND {filter}"
    );
    let out = shared_mariadb().sql("", &sql).expect("performance_schema query");
    out.lines().map(|l| l.split('\t').map(str::to_string).collect()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_is_limited_read_only_and_marks_its_statements() {
    let mut r = start(json!({
        "endpoint": endpoint(),
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
    }));
    r.next_metrics().await;
    // MariaDB shows no other session's variables: the SET statements themselves, without errors,
    // are the evidence (at most 7 statements so far: the history keeps 10 per session).
    let sets = dbintel_sessions(
        "x.SQL_TEXT, x.MYSQL_ERRNO",
        "performance_schema.events_statements_history",
        "x.SQL_TEXT LIKE '%SET SESSION%'",
    );
    for want in [
        "/* dbintel */ SET SESSION max_statement_time = 1",
        "/* dbintel */ SET SESSION lock_wait_timeout = 1",
        "/* dbintel */ SET SESSION innodb_lock_wait_timeout = 1",
        "/* dbintel */ SET SESSION TRANSACTION READ ONLY",
    ] {
        assert!(sets.iter().any(|r| r[0] == want), "{want} missing: {sets:?}");
    }
    assert!(sets.iter().all(|r| r[1] == "0"), "every setting applied: {sets:?}");
    r.next_metrics().await;
    let statements = dbintel_sessions(
        "x.SQL_TEXT",
        "performance_schema.events_statements_history",
        "x.SQL_TEXT LIKE '%SHOW GLOBAL STATUS%'",
    );
    assert!(!statements.is_empty(), "the status statement is in the session's history");
    for s in &statements {
        assert!(s[0].starts_with("/* dbintel */ "), "{s:?}");
    }
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_connection_is_reused_and_a_killed_one_is_reopened() {
    let my = shared_mariadb();
    for host in ["%", "localhost", "127.0.0.1"] {
        my.sql("", &format!("CREATE USER IF NOT EXISTS 'dbintel_kill'@'{host}'")).unwrap();
    }
    let ids = || -> Vec<String> {
        let out = my
            .sql("", "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'dbintel_kill' ORDER BY ID")
            .unwrap();
        out.lines().map(str::to_string).collect()
    };
    let mut r = start(json!({
        "endpoint": endpoint(),
        "username": "dbintel_kill",
        "collection_interval": "1s",
        "initial_delay": "0s",
    }));
    r.next_metrics().await;
    let first = ids();
    assert_eq!(first.len(), 1, "{first:?}");
    r.next_metrics().await;
    r.next_metrics().await;
    assert_eq!(ids(), first, "the same connection across scrapes");

    my.sql("", &format!("KILL CONNECTION {}", first[0])).unwrap();
    // The scrape after the kill finds the connection gone and reopens it at once.
    let m = r.next_metrics().await;
    let m = if points(&m, "mysql.up", "")[""] == 1 && ids() != first { m } else { r.next_metrics().await };
    assert_eq!(points(&m, "mysql.up", ""), HashMap::from([(String::new(), 1)]));
    let now = ids();
    assert_eq!(now.len(), 1, "{now:?}");
    assert_ne!(now, first, "a new connection");
    assert_eq!(r.status(), Status::Ok);
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_statement_makes_the_connection_fail_fast_until_reopened() {
    use dbintel_dbclient::DbError;
    use dbintel_mysql::conn::{MyConn, Source};
    let cfg: dbintel_mysql::MysqlConfig = serde_json::from_value(json!({
        "endpoint": endpoint(), "username": "root", "collection_interval": "1s",
    }))
    .unwrap();
    let plan = cfg.resolve().unwrap();
    let mut conn = MyConn::connect(&plan.connect).await.unwrap();
    // Lift the server-side limit so only the client's deadline (1s + 1s) ends the statement.
    conn.rows("SET SESSION max_statement_time = 0").await.unwrap();
    let e = conn.rows("SELECT SLEEP(5)").await.unwrap_err();
    assert!(matches!(e, DbError::Lost(ref m) if m.contains("no answer")), "{e:?}");
    // The abandoned result must not be read as the next statement's: fail at once instead.
    let e = conn.rows("SELECT 1").await.unwrap_err();
    assert!(matches!(e, DbError::Lost(ref m) if m.contains("unusable")), "{e:?}");
    conn.close().await;
    let mut again = MyConn::connect(&plan.connect).await.unwrap();
    assert_eq!(again.rows("SELECT 1").await.unwrap(), vec![vec![Some("1".to_string())]]);
    again.close().await;
}
