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
    let id = rid();
    let telemetry = Registry::new();
    let host = Host::new();
    host.breakers().configure(settings, &telemetry);
    let mut cctx = CreateContext::new(id.clone(), telemetry.clone());
    cctx.host = host.clone();
    let config = json!({
        "endpoint": format!("{}:{}", server.host, server.port),
        "username": user,
        "collection_interval": "1s",
        "initial_delay": "0s",
    });
    let Ok(Built::Receiver(receiver)) = MysqlFactory.create(&cctx, &config) else {
        panic!("create failed: {:?}", MysqlFactory.validate(&config));
    };
    let (mtx, metrics) = mpsc::channel(1024);
    let shutdown = CancellationToken::new();
    let ctx = ReceiverContext {
        id: id.clone(),
        output: ReceiverOutput::from_channels(Some(mtx), None).with_admission(
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
