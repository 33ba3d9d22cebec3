//! `db.server.query_sample` against a throwaway MariaDB with the waits consumer and the MDL
//! instrument on: a running statement with its trace context, a row-lock chain held by a session
//! idle in transaction, a metadata-lock wait, plans within the budget, truncated text never
//! explained, and the receiver's own sessions absent.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::start;
use dbintel_core::pdata::{LogRecord, Value};
use dbintel_test_support::MariaDbServer;
use mysql_async::prelude::Queryable;
use serde_json::json;

const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn s(r: &LogRecord, k: &str) -> String {
    r.attributes.get(k).map(Value::to_display_string).unwrap_or_default()
}

async fn conn(my: &MariaDbServer, db: &str) -> mysql_async::Conn {
    mysql_async::Conn::new(
        mysql_async::Opts::from_url(&format!("{}?prefer_socket=false", my.url(db))).unwrap(),
    )
    .await
    .unwrap()
}

/// Sessions that hold and wait; they live as long as the returned connections and tasks.
struct Scene {
    _holders: Vec<mysql_async::Conn>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

async fn scene(my: &MariaDbServer, db: &str) -> Scene {
    my.sql(
        db,
        "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(40), b INT, KEY kb (b)); \
         INSERT INTO t SELECT seq, CONCAT('x', seq), seq % 10 FROM seq_1_to_200; \
         CREATE TABLE m (id INT PRIMARY KEY); ANALYZE TABLE t;",
    )
    .unwrap();
    // Row lock held by a session idle in transaction.
    let mut holder = conn(my, db).await;
    holder.query_drop("BEGIN").await.unwrap();
    holder.query_drop("SELECT * FROM t WHERE id = 1 FOR UPDATE").await.unwrap();
    // Metadata lock held by an open transaction that read m.
    let mut mdl_holder = conn(my, db).await;
    mdl_holder.query_drop("BEGIN").await.unwrap();
    mdl_holder.query_drop("SELECT * FROM m").await.unwrap();
    let mut tasks = Vec::new();
    let spawn = |sqls: Vec<String>| {
        let url = format!("{}?prefer_socket=false", my.url(db));
        tokio::spawn(async move {
            let mut c = mysql_async::Conn::new(mysql_async::Opts::from_url(&url).unwrap()).await.unwrap();
            for q in sqls {
                let _ = c.query_drop(q).await;
            }
        })
    };
    tasks.push(spawn(vec![
        "SET SESSION innodb_lock_wait_timeout = 60".into(),
        "UPDATE t SET a = 'secret-value' WHERE id = 1".into(),
    ]));
    tasks.push(spawn(vec![
        "SET SESSION lock_wait_timeout = 60".into(),
        "ALTER TABLE m ADD COLUMN c INT".into(),
    ]));
    tasks.push(spawn(vec![
        format!("SET @traceparent = '{TP}'"),
        "SELECT SLEEP(60), a FROM t WHERE a <> 'secret-sleep' ORDER BY b".into(),
    ]));
    // Longer than performance_schema_max_sql_text_length (1024): the server cuts it.
    let long = format!("SELECT SLEEP(60), '{}' AS pad", "y".repeat(2000));
    tasks.push(spawn(vec![long]));
    Scene { _holders: vec![holder, mdl_holder], tasks }
}

impl Drop for Scene {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Sample records of the batches seen within `wait`, until `done` says the last batch is enough.
async fn samples_until(
    r: &mut common::Running,
    wait: Duration,
    done: impl Fn(&[LogRecord]) -> bool,
) -> Vec<LogRecord> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut last = Vec::new();
    while tokio::time::Instant::now() < deadline {
        let Some(logs) = r.next_logs(Duration::from_secs(5)).await else { continue };
        let batch: Vec<LogRecord> = logs
            .resource_logs
            .into_iter()
            .flat_map(|r| r.scope_logs)
            .flat_map(|s| s.log_records)
            .filter(|l| l.event_name == "db.server.query_sample")
            .collect();
        if done(&batch) {
            return batch;
        }
        last = batch;
    }
    last
}

fn server() -> MariaDbServer {
    MariaDbServer::builder()
        .option("performance-schema-consumer-events-waits-current", "ON")
        .option("performance-schema-instrument", "wait/lock/metadata/sql/mdl=ON")
        .start()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samples_show_running_statements_blocking_chains_traces_and_plans() {
    let my = tokio::task::spawn_blocking(server).await.unwrap();
    let db = my.create_database("samples");
    let _scene = scene(&my, &db).await;
    let mut r = start(json!({
        "endpoint": format!("{}:{}", my.host, my.port),
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
        "events": {"db.server.query_sample": {"enabled": true}},
    }));
    let complete = |b: &[LogRecord]| {
        b.iter().any(|r| s(r, "mysql.blocking.lock_level") == "row")
            && b.iter().any(|r| s(r, "mysql.blocking.lock_level") == "metadata")
            && b.iter().any(|r| r.trace_id.is_some() && r.attributes.get("mysql.query_plan.hash").is_some())
    };
    let recs = samples_until(&mut r, Duration::from_secs(40), complete).await;
    assert!(complete(&recs), "no complete batch: {recs:#?}");

    // The running SLEEP with its trace context and a plan (structural hash, obfuscated).
    let sleep =
        recs.iter().find(|r| s(r, "db.query.text").contains("SLEEP") && r.trace_id.is_some()).unwrap();
    assert_eq!(sleep.trace_id.unwrap()[0], 0x4b);
    assert_eq!(sleep.span_id.unwrap()[7], 0xb7);
    assert_eq!(s(sleep, "db.system.name"), "mariadb");
    assert_eq!(s(sleep, "db.namespace"), db);
    // MariaDB shows the scan's table-handler wait (or the sleep condition) as in progress.
    assert_eq!(s(sleep, "mysql.session.status"), "waiting");
    assert!(s(sleep, "mysql.wait_type").starts_with("wait/"), "{sleep:#?}");
    assert!(!s(sleep, "db.query.text").contains("secret"), "{}", s(sleep, "db.query.text"));
    let hash = s(sleep, "mysql.query_plan.hash");
    assert_eq!(hash.len(), 16, "{sleep:#?}");
    assert_ne!(hash, s(sleep, "mysql.events_statements_current.digest"));
    let plan = s(sleep, "mysql.query_plan");
    assert!(plan.contains("query_block") && !plan.contains("secret"), "{plan}");
    assert_eq!(s(sleep, "dbintel.plan.filesort"), "true");
    assert!(s(sleep, "dbintel.plan.full_scan_tables").contains('t'));
    let timer = sleep.attributes.get("mysql.events_statements_current.timer_wait");
    assert!(matches!(timer, Some(Value::Double(d)) if *d > 0.0), "{timer:?}");
    assert_eq!(s(sleep, "client.address"), "127.0.0.1");

    // The truncated statement: marked, never explained.
    let long = recs.iter().find(|r| s(r, "dbintel.query.truncated") == "true").expect("a truncated sample");
    assert!(long.attributes.get("mysql.query_plan.hash").is_none(), "{long:#?}");

    // Row lock: the UPDATE waits for the idle-in-transaction holder, which is sampled too.
    let waiter = recs.iter().find(|r| s(r, "mysql.blocking.lock_level") == "row").unwrap();
    assert_eq!(s(waiter, "mysql.session.status"), "waiting");
    assert!(s(waiter, "db.query.text").starts_with("UPDATE t SET a = ?"), "{}", s(waiter, "db.query.text"));
    assert_eq!(s(waiter, "mysql.blocking.lock.table"), format!("{db}.t"));
    assert_eq!(s(waiter, "mysql.blocking.lock.index"), "PRIMARY");
    assert!(s(waiter, "mysql.blocking.lock.mode").starts_with('X'), "{waiter:#?}");
    assert_eq!(s(waiter, "mysql.blocking.lock.type"), "RECORD");
    assert!(!s(waiter, "mysql.blocking.start_time").is_empty());
    assert!(!s(waiter, "mysql.blocking.transaction.start_time").is_empty());
    assert!(matches!(waiter.attributes.get("mysql.blocking.wait_duration"), Some(Value::Int(d)) if *d >= 0));
    let holder_pid = s(waiter, "mysql.blocking.pids");
    let holder =
        recs.iter().find(|r| s(r, "mysql.session.id") == holder_pid).expect("the blocker is sampled");
    assert_eq!(s(holder, "mysql.threads.processlist_command"), "Sleep");
    assert!(s(holder, "dbintel.blocking.blocked_pids").contains(&s(waiter, "mysql.session.id")));
    assert_eq!(s(waiter, "dbintel.blocking.depth"), "1");

    // Metadata lock: ALTER waits for the transaction that read m.
    let alter = recs.iter().find(|r| s(r, "mysql.blocking.lock_level") == "metadata").unwrap();
    assert_eq!(s(alter, "mysql.blocking.mdl.object_type"), "TABLE");
    assert_eq!(s(alter, "mysql.blocking.mdl.schema"), db);
    assert_eq!(s(alter, "mysql.blocking.mdl.name"), "m");
    assert!(!s(alter, "mysql.blocking.mdl.lock_type").is_empty());
    assert!(s(alter, "db.query.text").starts_with("ALTER TABLE m"), "{alter:#?}");

    // The receiver's own sessions and statements are absent.
    let own: BTreeSet<String> = my
        .sql(
            "",
            "SELECT PROCESSLIST_ID FROM performance_schema.session_connect_attrs \
             WHERE ATTR_NAME = 'program_name' AND ATTR_VALUE = 'dbintel'",
        )
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert!(!own.is_empty());
    for rec in &recs {
        assert!(!own.contains(&s(rec, "mysql.session.id")), "own session sampled: {rec:#?}");
        assert!(!s(rec, "db.query.text").contains("dbintel"));
    }
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explain_budget_is_respected() {
    let my = tokio::task::spawn_blocking(server).await.unwrap();
    let db = my.create_database("budget");
    let _scene = scene(&my, &db).await;
    let mut r = start(json!({
        "endpoint": format!("{}:{}", my.host, my.port),
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
        "events": {"db.server.query_sample": {"enabled": true}},
        "top_query_collection": {"max_explains_per_interval": 1, "collection_interval": "1h"},
    }));
    let mut hashes = BTreeSet::new();
    let mut batches = 0;
    let mut sampled = BTreeSet::new();
    while batches < 3 {
        let recs = samples_until(&mut r, Duration::from_secs(20), |b| b.len() >= 5).await;
        assert!(recs.len() >= 5, "{recs:#?}");
        batches += 1;
        for rec in &recs {
            sampled.insert(s(rec, "dbintel.query.fingerprint"));
            let h = s(rec, "mysql.query_plan.hash");
            if !h.is_empty() {
                hashes.insert((s(rec, "dbintel.query.fingerprint"), h));
            }
        }
    }
    assert!(sampled.len() >= 4, "several statement shapes were sampled: {sampled:?}");
    assert!(hashes.len() <= 1, "one EXPLAIN per interval at most: {hashes:?}");
    // The server's statement history of the plan connection: exactly one EXPLAIN was sent.
    let explains = my
        .sql(
            "",
            "SELECT COUNT(*) FROM performance_schema.events_statements_history \
             WHERE SQL_TEXT LIKE '/* dbintel */ EXPLAIN%'",
        )
        .unwrap();
    assert_eq!(explains.trim(), "1");
    let counted = |outcome: &str| {
        r.telemetry.counter_total(
            "dbintel_mysql_query_explains_total",
            &[("receiver", "mysql/test"), ("outcome", outcome)],
        )
    };
    assert_eq!(counted("ok") + counted("error"), 1);
    assert!(counted("over_budget") >= 1, "later shapes were refused by the budget");
    r.stop().await;
}
