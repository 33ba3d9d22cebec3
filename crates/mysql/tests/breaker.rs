//! The circuit breaker against throwaway MariaDB servers. The mysql receiver has one connection to
//! one server, so its breaker is per server (key: the endpoint). Sessions at `max_connections` make it
//! shed; `max_connections` exhausted by other clients opens it (the server's own `Connection_errors_max_connections` stops growing: no attempts
//! while open), a frozen server (SIGSTOP: every statement and connection times out) opens it, and both
//! half-open and close after recovery.

use std::time::{Duration, Instant};

use dbintel_core::breaker::{BreakerSettings, BreakerState, OPEN_REASON, Shed};
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::SignalData;
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{Admit, Built, ComponentId, ComponentKind, CreateContext, Factory, Host, ReceiverContext};
use dbintel_mysql::MysqlFactory;
use dbintel_test_support::{MariaDbServer, mariadb_available};
use mysql_async::prelude::Queryable;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn rid() -> ComponentId {
    "mysql/cb".parse().unwrap()
}

struct Collector {
    host: Host,
    telemetry: Registry,
    metrics: mpsc::Receiver<SignalData>,
    shutdown: CancellationToken,
    handle: tokio::task::JoinHandle<()>,
    key: String,
}

fn start(server: &MariaDbServer, user: &str, settings: BreakerSettings) -> Collector {
    start_with(server, user, settings, false)
}

/// With `events`: both query events on, and a logs pipeline that takes them (dropped here).
fn start_with(server: &MariaDbServer, user: &str, settings: BreakerSettings, events: bool) -> Collector {
    let id = rid();
    let telemetry = Registry::new();
    let host = Host::new();
    host.breakers().configure(settings, &telemetry);
    let mut cctx = CreateContext::new(id.clone(), telemetry.clone());
    cctx.host = host.clone();
    let mut config = json!({
        "endpoint": format!("{}:{}", server.host, server.port),
        "username": user,
        "collection_interval": "1s",
        "initial_delay": "0s",
    });
    if events {
        config["events"] = json!({
            "db.server.top_query": {"enabled": true},
            "db.server.query_sample": {"enabled": true},
        });
    }
    let Ok(Built::Receiver(receiver)) = MysqlFactory.create(&cctx, &config) else {
        panic!("create failed: {:?}", MysqlFactory.validate(&config));
    };
    let (mtx, metrics) = mpsc::channel(1024);
    let logs = events.then(|| {
        let (ltx, mut lrx) = mpsc::channel::<SignalData>(1024);
        tokio::spawn(async move { while lrx.recv().await.is_some() {} });
        ltx
    });
    let shutdown = CancellationToken::new();
    let ctx = ReceiverContext {
        id: id.clone(),
        output: ReceiverOutput::from_channels(Some(mtx), logs).with_admission(
            &id,
            host.admission().handle(&id),
            &telemetry,
        ),
        shutdown: shutdown.clone(),
        health: HealthRegistry::new().register(ComponentKind::Receiver, id),
        telemetry: telemetry.clone(),
    };
    let handle = tokio::spawn(async move { receiver.run(ctx).await.unwrap() });
    Collector { host, telemetry, metrics, shutdown, handle, key: format!("{}:{}", server.host, server.port) }
}

impl Collector {
    fn state(&self) -> Option<BreakerState> {
        self.host.breakers().state_of(&rid(), &self.key)
    }
    async fn wait_state(&mut self, want: BreakerState, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            while self.metrics.try_recv().is_ok() {}
            if self.state() == Some(want) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
    fn connect_errors(&self) -> u64 {
        self.telemetry.counter_total("dbintel_mysql_connect_errors_total", &[])
    }
    fn transitions(&self, from: &str, to: &str) -> u64 {
        self.telemetry
            .counter_total("dbintel_circuit_breaker_transitions_total", &[("from", from), ("to", to)])
    }
    async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(10), self.handle).await.expect("prompt shutdown").unwrap();
    }
}

fn settings() -> BreakerSettings {
    BreakerSettings {
        failure_threshold: 2,
        success_threshold: 2,
        open_state_timeout: Duration::from_secs(5),
        ..BreakerSettings::default()
    }
}

/// A global status counter, read over one of the other clients' connections (no slot is free).
async fn status(conn: &mut mysql_async::Conn, name: &str) -> u64 {
    let row: Option<(String, String)> =
        conn.query_first(format!("SHOW GLOBAL STATUS LIKE '{name}'")).await.expect("status");
    row.and_then(|(_, v)| v.parse().ok()).unwrap_or_else(|| panic!("{name} unreadable"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_max_connections_open_the_breaker_and_it_closes_after() {
    if !mariadb_available() {
        eprintln!("skipped: no MariaDB binaries");
        return;
    }
    let server = MariaDbServer::builder().option("max_connections", "6").start();
    server
        .sql("", "CREATE USER mon@'%'; GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO mon@'%'")
        .unwrap();
    let mut c = start(&server, "mon", settings());
    assert!(
        c.wait_state(BreakerState::Closed, Duration::from_secs(20)).await,
        "collected once (key {})",
        c.key
    );

    // Other clients take every slot (root's extra one too); the collector's connection is killed.
    let url = server.url("");
    let mut others: Vec<mysql_async::Conn> = Vec::new();
    async fn fill(url: &str, into: &mut Vec<mysql_async::Conn>) {
        for _ in 0..20 {
            match mysql_async::Conn::from_url(url).await {
                Ok(conn) => into.push(conn),
                Err(_) => return,
            }
        }
    }
    fill(&url, &mut others).await;
    // Sessions at the limit (Threads_connected against max_connections): the server sheds
    // everything but metrics, and metrics at half the scrapes.
    let start_wait = Instant::now();
    while c.host.breakers().shed_of(&rid(), &c.key) != Shed::TopQueries
        && start_wait.elapsed() < Duration::from_secs(20)
    {
        while c.metrics.try_recv().is_ok() {}
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(c.host.breakers().shed_of(&rid(), &c.key), Shed::TopQueries, "stress read and shed");
    assert_eq!(c.host.admission().handle(&rid()).check(Some(&c.key)), Admit::Reduced(0.5));
    let ids: Vec<u64> =
        others[0].query("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'mon'").await.unwrap();
    for id in ids {
        let _ = others[0].query_drop(format!("KILL CONNECTION {id}")).await;
    }
    fill(&url, &mut others).await;

    assert!(c.wait_state(BreakerState::Open, Duration::from_secs(30)).await, "the breaker opened");
    assert!(matches!(
        c.host.admission().handle(&rid()).check(Some(&c.key)),
        Admit::Skip { reason } if reason == OPEN_REASON
    ));
    let refused_at_open = status(&mut others[0], "Connection_errors_max_connections").await;
    let attempts_at_open = c.connect_errors();
    assert!(refused_at_open >= 1, "the server refused the collector");
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(c.connect_errors(), attempts_at_open, "no connection attempts while open");
    // The server's own count of connections it refused for max_connections.
    assert_eq!(
        status(&mut others[0], "Connection_errors_max_connections").await,
        refused_at_open,
        "the server saw none either"
    );

    for conn in others {
        let _ = conn.disconnect().await;
    }
    assert!(c.wait_state(BreakerState::Closed, Duration::from_secs(20)).await, "closed after recovery");
    assert_eq!(c.transitions("closed", "open"), 1);
    assert_eq!(c.transitions("half_open", "closed"), 1);
    c.stop().await;
}

fn signal(pid: u32, sig: &str) {
    let ok =
        std::process::Command::new("kill").args([sig, &pid.to_string()]).status().expect("kill").success();
    assert!(ok, "kill {sig} {pid}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_server_times_the_collector_out_opens_the_breaker_and_it_closes_after() {
    if !mariadb_available() {
        eprintln!("skipped: no MariaDB binaries");
        return;
    }
    let server = MariaDbServer::start();
    let mut c = start(&server, "root", settings());
    assert!(
        c.wait_state(BreakerState::Closed, Duration::from_secs(20)).await,
        "collected once (key {})",
        c.key
    );
    // Frozen: statements and new connections time out.
    signal(server.pid(), "-STOP");
    let opened = c.wait_state(BreakerState::Open, Duration::from_secs(60)).await;
    let attempts_at_open = c.connect_errors();
    if opened {
        tokio::time::sleep(Duration::from_millis(3000)).await;
    }
    let attempts_after = c.connect_errors();
    signal(server.pid(), "-CONT");
    assert!(opened, "the breaker opened on timeouts");
    assert_eq!(attempts_after, attempts_at_open, "no connection attempts while open");
    assert!(
        c.wait_state(BreakerState::Closed, Duration::from_secs(30)).await,
        "closed after the server thawed"
    );
    assert!(c.transitions("half_open", "closed") >= 1);
    c.stop().await;
}

/// `COUNT_STAR` and `SUM_ERRORS` of `user`'s statements, from performance_schema.
fn statements_of(server: &MariaDbServer, user: &str) -> (u64, u64) {
    let out = server
        .sql(
            "",
            &format!(
                "SELECT coalesce(sum(COUNT_STAR), 0), coalesce(sum(SUM_ERRORS), 0) FROM \
                 performance_schema.events_statements_summary_by_user_by_event_name WHERE USER = '{user}'"
            ),
        )
        .expect("performance_schema readable");
    let mut it = out.split_whitespace().filter_map(|v| v.parse().ok());
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_refused_for_a_grant_are_disabled_with_backoff_not_retried_each_scrape() {
    if !mariadb_available() {
        eprintln!("skipped: no MariaDB binaries");
        return;
    }
    let server = MariaDbServer::start();
    // Only PROCESS: performance_schema tables are refused (1142), status and information_schema work.
    server.sql("", "CREATE USER weak@'%'; GRANT PROCESS ON *.* TO weak@'%'").unwrap();
    let mut c = start(&server, "weak", settings());
    assert!(c.wait_state(BreakerState::Closed, Duration::from_secs(20)).await, "collected once");
    // Two more scrapes, so the refusals of the first are disabled and later scrapes run.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (count, errors) = statements_of(&server, "weak");
    assert!(errors > 0, "the first scrape met refusals: {count} statements, {errors} errors");
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let (count_later, errors_later) = statements_of(&server, "weak");
    assert!(count_later > count, "the receiver goes on collecting what it may");
    assert_eq!(errors_later, errors, "refused statements are not sent again within their backoff");
    assert_eq!(c.state(), Some(BreakerState::Closed), "a missing grant is no trouble of the server");
    c.stop().await;
}

/// Waits (bounded), draining metrics, until the server's breaker sheds `want`.
async fn wait_shed(c: &mut Collector, want: Shed, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        while c.metrics.try_recv().is_ok() {}
        if c.host.breakers().shed_of(&rid(), &c.key) == want {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_row_lock_wait_sheds_the_expensive_collection_until_it_ends() {
    if !mariadb_available() {
        eprintln!("skipped: no MariaDB binaries");
        return;
    }
    let server = MariaDbServer::start();
    let db = server.create_database("cb_wait");
    server
        .sql(&db, "CREATE TABLE t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB; INSERT INTO t VALUES (1, 0)")
        .unwrap();
    let s = BreakerSettings { lock_wait_threshold: Duration::from_secs(1), ..settings() };
    let mut c = start(&server, "root", s);
    assert!(c.wait_state(BreakerState::Closed, Duration::from_secs(20)).await, "collected once");
    assert_eq!(c.host.breakers().shed_of(&rid(), &c.key), Shed::Nothing, "no replica, no wait: no stress");

    // One session holds the row, another waits for it (longer than the threshold, twice over).
    let url = server.url(&db);
    let mut holder = mysql_async::Conn::from_url(url.as_str()).await.unwrap();
    holder.query_drop("BEGIN").await.unwrap();
    holder.query_drop("SELECT * FROM t WHERE id = 1 FOR UPDATE").await.unwrap();
    let mut waiter = mysql_async::Conn::from_url(url.as_str()).await.unwrap();
    waiter.query_drop("SET SESSION innodb_lock_wait_timeout = 60").await.unwrap();
    let wait = tokio::spawn(async move {
        let r = waiter.query_drop("UPDATE t SET v = 1 WHERE id = 1").await;
        (waiter, r)
    });
    assert!(
        wait_shed(&mut c, Shed::TopQueries, Duration::from_secs(20)).await,
        "a row lock waited on for twice the threshold sheds everything but metrics"
    );
    assert_eq!(c.host.admission().handle(&rid()).check(Some(&c.key)), Admit::Reduced(0.5));
    assert_eq!(c.state(), Some(BreakerState::Closed), "stress sheds; it does not open the breaker");

    holder.query_drop("COMMIT").await.unwrap();
    let (waiter, r) = wait.await.unwrap();
    r.expect("the waiter got its row");
    assert!(
        wait_shed(&mut c, Shed::Nothing, Duration::from_secs(20)).await,
        "shedding lifts when the wait ends"
    );
    assert_eq!(c.host.admission().handle(&rid()).check(Some(&c.key)), Admit::Full);
    let _ = waiter.disconnect().await;
    let _ = holder.disconnect().await;
    c.stop().await;
}

/// Calls and errors of the statements whose digest text contains `needle`, from performance_schema.
fn digest_stats(server: &MariaDbServer, needle: &str) -> (u64, u64) {
    let out = server
        .sql(
            "",
            &format!(
                "SELECT coalesce(sum(COUNT_STAR), 0), coalesce(sum(SUM_ERRORS), 0) \
                 FROM performance_schema.events_statements_summary_by_digest WHERE DIGEST_TEXT LIKE '%{needle}%'"
            ),
        )
        .expect("performance_schema readable");
    let mut it = out.split_whitespace().filter_map(|v| v.parse().ok());
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

fn digest_calls(server: &MariaDbServer, needle: &str) -> u64 {
    digest_stats(server, needle).0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_intelligence_runs_under_the_adaptive_timeout_and_its_timeouts_open_the_breaker() {
    if !mariadb_available() {
        eprintln!("skipped: no MariaDB binaries");
        return;
    }
    let server = MariaDbServer::start();
    // An adaptive timeout far below anything a statement takes (1us; the receiver's own `timeout`
    // stays 10s): the query-intelligence statements (samples every scrape, top queries when due)
    // are ended by the server's max_statement_time, the metrics pass is not.
    // One failing collection opens it: a statement that finishes before the server's timer fires
    // succeeds, and on an idle machine a whole collection can, which resets a count of consecutive
    // failures (seen in CI: three in a row did not come within 30 s).
    let s = BreakerSettings {
        base_timeout: Duration::from_micros(1),
        max_timeout: Duration::from_micros(1),
        failure_threshold: 1,
        ..settings()
    };
    let mut c = start_with(&server, "root", s, true);
    assert!(
        c.wait_state(BreakerState::Open, Duration::from_secs(30)).await,
        "timeouts of query samples and top queries, reported after the samples ran, opened the breaker"
    );
    assert!(c.transitions("closed", "open") >= 1);
    // The session's limit was lowered for query intelligence and put back after it.
    // At most two come from session setups (the connection and the plans connection).
    // Open after one collection, the breaker lets a run through at each half-open (every 5 s):
    // wait (bounded) for runs. Beyond the two setups, one run sets the limit before and puts it back
    // after (two more); on a loaded machine few half-open runs fit in the wait (CI saw 5 in 40 s).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut sets = digest_calls(&server, "max_statement_time");
    while sets < 6 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        sets = digest_calls(&server, "max_statement_time");
    }
    assert!(sets >= 4, "SET max_statement_time sent before and after each run: {sets}");
    // The metrics pass ran under the receiver's own limit all along: its statements succeeded.
    let (status_calls, status_errors) = digest_stats(&server, "SHOW GLOBAL STATUS");
    assert!(status_calls >= 2, "the metrics pass ran: {status_calls}");
    assert_eq!(status_errors, 0, "the metrics pass was not cut short");
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_statement_hits_the_session_limit_set_from_the_adaptive_timeout() {
    if !mariadb_available() {
        eprintln!("skipped: no MariaDB binaries");
        return;
    }
    use dbintel_mysql::conn::{MyConn, Source};
    let server = MariaDbServer::start();
    let config = json!({
        "endpoint": format!("{}:{}", server.host, server.port),
        "username": "root",
        // The statement limit is the collection interval (at most a minute).
        "collection_interval": "10s",
    });
    let plan = serde_json::from_value::<dbintel_mysql::MysqlConfig>(config)
        .expect("config")
        .resolve()
        .expect("plan");
    let telemetry = Registry::new();
    let host = Host::new();
    host.breakers().configure(
        BreakerSettings { base_timeout: Duration::from_secs(1), failure_threshold: 100, ..settings() },
        &telemetry,
    );
    let h = host.breakers().handle(&rid());
    let key = plan.connect.endpoint();
    h.report(&key, dbintel_core::breaker::Outcome::Failure(dbintel_core::breaker::FailureKind::Timeout));
    let adaptive = h.statement_timeout(&key, plan.connect.statement_timeout).expect("configured");
    assert_eq!(adaptive, Duration::from_millis(1100), "raised 10% by the timeout");
    let mut conn = MyConn::connect(&plan.connect).await.expect("connect");
    conn.set_statement_limit(adaptive).await.unwrap();
    let e = conn.rows("SELECT SLEEP(3)").await.expect_err("the slow statement is ended");
    assert_eq!(e.code(), Some("1969"), "max_statement_time: {e}");
    assert_eq!(
        dbintel_core::breaker::FailureKind::classify(e.code(), &e.to_string()),
        dbintel_core::breaker::FailureKind::Timeout
    );
    // The plan's limit back: the same kind of statement, longer than the adaptive one, completes.
    conn.set_statement_limit(plan.connect.statement_timeout).await.unwrap();
    let rows = conn.rows("SELECT SLEEP(1.5)").await.expect("completes under the plan's limit");
    assert_eq!(rows.len(), 1);
    conn.close().await;
}
