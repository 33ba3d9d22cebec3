//! The circuit breaker against throwaway PostgreSQL servers: the collector's own trouble opens a
//! database's breaker, the receiver then leaves that database alone (the server sees no statements
//! and no connection attempts from it), it half-opens after `open_state_timeout` and closes once
//! collections succeed again. Scenarios: the collector's statements time out waiting on a lock (DDL
//! queued behind a long transaction), `max_connections` exhausted by other clients (after the
//! sessions near the limit made it shed), the server stopped and restarted.

mod receiver_harness;

use std::time::{Duration, Instant};

use dbintel_core::breaker::{BreakerSettings, BreakerState, FailureKind, OPEN_REASON, Outcome, Shed};
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::SignalData;
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{Admit, Built, ComponentId, ComponentKind, CreateContext, Factory, Host, ReceiverContext};
use dbintel_postgresql::PostgresqlFactory;
use dbintel_postgresql::conn::ConnOwner;
use dbintel_test_support::{PgServer, postgres_available, shared_postgres};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn rid() -> ComponentId {
    "postgresql/cb".parse().unwrap()
}

struct Collector {
    host: Host,
    telemetry: Registry,
    metrics: mpsc::Receiver<SignalData>,
    shutdown: CancellationToken,
    handle: tokio::task::JoinHandle<()>,
}

/// The receiver built through its factory on a host whose breakers are configured (as the
/// `circuit_breaker` processor does), its admission read from that host.
fn start(config: serde_json::Value, settings: BreakerSettings) -> Collector {
    start_with(config, settings, false)
}

/// With `logs`: a logs pipeline that takes the query events (dropped here), so query intelligence
/// runs when the config enables it.
fn start_with(config: serde_json::Value, settings: BreakerSettings, logs: bool) -> Collector {
    let id = rid();
    let telemetry = Registry::new();
    let host = Host::new();
    host.breakers().configure(settings, &telemetry);
    let mut cctx = CreateContext::new(id.clone(), telemetry.clone());
    cctx.host = host.clone();
    let Ok(Built::Receiver(receiver)) = PostgresqlFactory.create(&cctx, &config) else {
        panic!("create failed: {:?}", PostgresqlFactory.validate(&config));
    };
    let (mtx, metrics) = mpsc::channel(1024);
    let logs = logs.then(|| {
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
    Collector { host, telemetry, metrics, shutdown, handle }
}

impl Collector {
    fn state(&self, db: &str) -> Option<BreakerState> {
        self.host.breakers().state_of(&rid(), db)
    }
    /// Waits (bounded), draining metrics, until `db`'s breaker is in `want`.
    async fn wait_state(&mut self, db: &str, want: BreakerState, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            while self.metrics.try_recv().is_ok() {}
            if self.state(db) == Some(want) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
    async fn wait_shed(&mut self, db: &str, want: Shed, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            while self.metrics.try_recv().is_ok() {}
            if self.host.breakers().shed_of(&rid(), db) == want {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
    fn transitions(&self, db: &str, from: &str, to: &str) -> u64 {
        self.telemetry.counter_total(
            "dbintel_circuit_breaker_transitions_total",
            &[("database", db), ("from", from), ("to", to)],
        )
    }
    fn connect_errors(&self) -> u64 {
        self.telemetry.counter_total("dbintel_postgresql_connect_errors_total", &[])
    }
    async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(5), self.handle).await.expect("prompt shutdown").unwrap();
    }
}

fn settings(open: u64) -> BreakerSettings {
    BreakerSettings {
        failure_threshold: 2,
        success_threshold: 2,
        open_state_timeout: Duration::from_secs(open),
        ..BreakerSettings::default()
    }
}

fn receiver_config(host: &str, port: u16, user: &str, databases: &[&str]) -> serde_json::Value {
    json!({
        "endpoint": format!("{host}:{port}"),
        "username": user,
        "password": "unused-by-trust",
        "databases": databases,
        "tls": {"insecure": true},
        "collection_interval": "1s",
        "initial_delay": "0s",
        "timeout": "1s",
    })
}

async fn connect(
    host: &str,
    port: u16,
    user: &str,
    db: &str,
) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, conn) = tokio_postgres::Config::new()
        .host(host)
        .port(port)
        .user(user)
        .dbname(db)
        .application_name("other_client")
        .connect(tokio_postgres::NoTls)
        .await?;
    tokio::spawn(conn);
    Ok(client)
}

/// Statements of `user` in `db` that completed, from pg_stat_statements (updated as each ends).
fn collector_statements(pg: &PgServer, user: &str, db: &str) -> u64 {
    let out = pg
        .psql(
            "postgres",
            &format!(
                "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid \
                 JOIN pg_database d ON d.oid = s.dbid WHERE r.rolname = '{user}' AND d.datname = '{db}'"
            ),
        )
        .expect("pg_stat_statements readable");
    out.trim().parse().unwrap_or_else(|_| panic!("a count: {out:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_timing_out_on_a_lock_open_the_databases_breaker_and_it_closes_after() {
    let pg = shared_postgres();
    let db = pg.create_database("cb_lock");
    let user = format!("cbmon_{}", std::process::id());
    pg.psql("postgres", &format!("CREATE ROLE {user} LOGIN; GRANT pg_monitor TO {user}")).unwrap();
    pg.psql(&db, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)").unwrap();
    let mut c = start(receiver_config(&pg.host, pg.port, &user, &["postgres", &db]), settings(5));
    assert!(c.wait_state(&db, BreakerState::Closed, Duration::from_secs(20)).await, "collected once");
    let healthy_before = collector_statements(pg, &user, &db);
    assert!(healthy_before > 0, "the collector's statements in {db} are counted");

    // A long transaction holds the table; DDL queues behind it; the collector's size reads queue
    // behind the DDL until lock_timeout ends them.
    let holder = connect(&pg.host, pg.port, "postgres", &db).await.unwrap();
    holder.batch_execute("BEGIN; SELECT * FROM t").await.unwrap();
    let ddl = connect(&pg.host, pg.port, "postgres", &db).await.unwrap();
    let ddl_cancel = ddl.cancel_token();
    let ddl_task =
        tokio::spawn(async move { ddl.batch_execute("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE").await });

    assert!(c.wait_state(&db, BreakerState::Open, Duration::from_secs(20)).await, "the breaker opened");
    assert_eq!(c.state("postgres"), Some(BreakerState::Closed), "the other database is unaffected");
    assert!(matches!(
        c.host.admission().handle(&rid()).check(Some(&db)),
        Admit::Skip { reason } if reason == OPEN_REASON
    ));
    // Open: the collector sends the database nothing.
    let at_open = collector_statements(pg, &user, &db);
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(c.state(&db), Some(BreakerState::Open));
    assert_eq!(collector_statements(pg, &user, &db), at_open, "no statements while open");
    assert!(
        c.telemetry.counter_total("dbintel_receiver_throttled_scrapes_total", &[("reason", OPEN_REASON)])
            >= 2,
        "skipped collections are counted"
    );

    // Recovery: the DDL is cancelled and the transaction ends; half-open, then closed.
    ddl_cancel.cancel_query(tokio_postgres::NoTls).await.unwrap();
    let _ = ddl_task.await;
    holder.batch_execute("COMMIT").await.unwrap();
    assert!(c.wait_state(&db, BreakerState::Closed, Duration::from_secs(20)).await, "closed after recovery");
    assert_eq!(c.transitions(&db, "closed", "open"), 1);
    assert!(c.transitions(&db, "open", "half_open") >= 1);
    assert_eq!(c.transitions(&db, "half_open", "closed"), 1);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(collector_statements(pg, &user, &db) > at_open, "collected again");
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_near_max_connections_shed_then_exhaustion_opens_the_breaker() {
    if !postgres_available() {
        eprintln!("skipped: no PostgreSQL binaries");
        return;
    }
    let pg = PgServer::builder().setting("max_connections", "12").start();
    pg.psql("postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon").unwrap();
    let mut c = start(receiver_config(&pg.host, pg.port, "mon", &["postgres"]), settings(5));
    assert!(c.wait_state("postgres", BreakerState::Closed, Duration::from_secs(20)).await, "collected once");

    // Other clients take every slot (superuser slots too); the collector keeps its connection.
    async fn fill(host: &str, port: u16, into: &mut Vec<tokio_postgres::Client>) {
        for _ in 0..20 {
            match connect(host, port, "postgres", "postgres").await {
                Ok(cl) => into.push(cl),
                Err(_) => return,
            }
        }
    }
    let mut others = Vec::new();
    fill(&pg.host, pg.port, &mut others).await;
    assert!(!others.is_empty());
    // Sessions at the limit: shed everything but metrics, and metrics at half the scrapes.
    assert!(c.wait_shed("postgres", Shed::TopQueries, Duration::from_secs(20)).await, "stress read and shed");
    assert_eq!(c.host.admission().handle(&rid()).check(Some("postgres")), Admit::Reduced(0.5));

    // The collector's connection is lost and the server has no slot for a new one.
    others[0]
        .batch_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dbintel'",
        )
        .await
        .unwrap();
    fill(&pg.host, pg.port, &mut others).await;
    assert!(
        c.wait_state("postgres", BreakerState::Open, Duration::from_secs(30)).await,
        "the breaker opened"
    );
    let at_open = c.connect_errors();
    assert!(at_open >= 2, "refused connections were what opened it: {at_open}");
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(c.connect_errors(), at_open, "no connection attempts while open");

    drop(others);
    assert!(
        c.wait_state("postgres", BreakerState::Closed, Duration::from_secs(20)).await,
        "closed after recovery"
    );
    assert_eq!(c.transitions("postgres", "half_open", "closed"), 1);
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_server_opens_the_breaker_and_a_restart_closes_it() {
    if !postgres_available() {
        eprintln!("skipped: no PostgreSQL binaries");
        return;
    }
    let mut pg = PgServer::start();
    let mut c = start(receiver_config(&pg.host, pg.port, "postgres", &["postgres"]), settings(4));
    assert!(c.wait_state("postgres", BreakerState::Closed, Duration::from_secs(20)).await, "collected once");
    pg.stop();
    assert!(
        c.wait_state("postgres", BreakerState::Open, Duration::from_secs(30)).await,
        "the breaker opened"
    );
    let at_open = c.connect_errors();
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(c.connect_errors(), at_open, "no connection attempts while open");
    // Half-open probes fail while the server is down: open again, attempts stay rare.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let probes = c.connect_errors() - at_open;
    assert!(probes <= 3, "about one probe per open_state_timeout, not one per interval: {probes}");
    assert!(c.transitions("postgres", "half_open", "open") >= 1);
    pg.restart().expect("restart");
    assert!(
        c.wait_state("postgres", BreakerState::Closed, Duration::from_secs(20)).await,
        "closed after restart"
    );
    let mut up = false;
    for _ in 0..20 {
        if let Ok(Some(SignalData::Metrics(_))) =
            tokio::time::timeout(Duration::from_secs(3), c.metrics.recv()).await
        {
            up = true;
            break;
        }
    }
    assert!(up, "metrics flow again");
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_lock_wait_sheds_the_expensive_collection_until_it_ends() {
    if !postgres_available() {
        eprintln!("skipped: no PostgreSQL binaries");
        return;
    }
    // Its own server: lock waits are server-wide, and the other tests make some.
    let pg = &PgServer::start();
    let db = pg.create_database("cb_wait");
    let user = format!("cbwait_{}", std::process::id());
    pg.psql("postgres", &format!("CREATE ROLE {user} LOGIN; GRANT pg_monitor TO {user}")).unwrap();
    pg.psql(&db, "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)").unwrap();
    let s = BreakerSettings { lock_wait_threshold: Duration::from_secs(1), ..settings(5) };
    let mut c = start(receiver_config(&pg.host, pg.port, &user, &["postgres"]), s);
    assert!(c.wait_state("postgres", BreakerState::Closed, Duration::from_secs(20)).await, "collected once");
    assert!(c.wait_shed("postgres", Shed::Nothing, Duration::from_secs(5)).await, "no stress yet");

    // One session holds a row; another waits on it (in another database: the reading is the
    // server's, as pg_stat_activity is).
    let holder = connect(&pg.host, pg.port, "postgres", &db).await.unwrap();
    holder.batch_execute("BEGIN; SELECT * FROM t WHERE id = 1 FOR UPDATE").await.unwrap();
    let waiter = connect(&pg.host, pg.port, "postgres", &db).await.unwrap();
    let wait = tokio::spawn(async move { waiter.batch_execute("UPDATE t SET v = 1 WHERE id = 1").await });
    assert!(
        c.wait_shed("postgres", Shed::TopQueries, Duration::from_secs(20)).await,
        "a lock waited on for twice the threshold sheds everything but metrics"
    );
    assert_eq!(c.host.admission().handle(&rid()).check(Some("postgres")), Admit::Reduced(0.5));
    assert_eq!(c.state("postgres"), Some(BreakerState::Closed), "stress sheds; it does not open the breaker");

    holder.batch_execute("COMMIT").await.unwrap();
    wait.await.unwrap().expect("the waiter got its row");
    assert!(c.wait_shed("postgres", Shed::Nothing, Duration::from_secs(20)).await, "shedding lifts after");
    assert_eq!(c.host.admission().handle(&rid()).check(Some("postgres")), Admit::Full);
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_statement_hits_the_adaptive_timeout_set_on_the_session() {
    let pg = shared_postgres();
    let mut config = receiver_config(&pg.host, pg.port, "postgres", &["postgres"]);
    config["timeout"] = json!("10s");
    let plan = PostgresqlFactory::resolve(&config).expect("plan");
    let host = Host::new();
    host.breakers().configure(
        BreakerSettings { base_timeout: Duration::from_secs(1), failure_threshold: 100, ..settings(5) },
        &Registry::new(),
    );
    let h = host.breakers().handle(&rid());
    h.report("postgres", Outcome::Failure(FailureKind::Timeout));
    let adaptive = h.statement_timeout("postgres", plan.connect.statement_timeout).expect("configured");
    assert_eq!(adaptive, Duration::from_millis(1100), "raised 10% by the timeout");
    let owner = ConnOwner::default();
    let mut conn = dbintel_postgresql::conn::connect(&plan.connect, "postgres", None, &owner).await.unwrap();
    conn.set_statement_timeout(adaptive).await.unwrap();
    let shown = conn.query("SHOW statement_timeout").await.unwrap();
    assert_eq!(shown.rows[0].get("statement_timeout"), Some("1100ms"));
    let e = conn.query("SELECT pg_sleep(3)").await.expect_err("the slow statement is ended");
    assert_eq!(e.code(), Some("57014"), "statement_timeout: {e}");
    assert_eq!(FailureKind::classify(e.code(), &e.to_string()), FailureKind::Timeout);
    // The plan's timeout back: a statement longer than the adaptive one completes.
    conn.set_statement_timeout(plan.connect.statement_timeout).await.unwrap();
    conn.query("SELECT pg_sleep(1.5)").await.expect("completes under the receiver's timeout");
}

/// Calls of `user`'s statements whose text contains `needle`, from pg_stat_statements.
fn statements_like(pg: &PgServer, user: &str, needle: &str) -> u64 {
    let out = pg
        .psql(
            "postgres",
            &format!(
                "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid \
                 WHERE r.rolname = '{user}' AND s.query ILIKE '%{needle}%'"
            ),
        )
        .expect("pg_stat_statements readable");
    out.trim().parse().unwrap_or_else(|_| panic!("a count: {out:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_intelligence_runs_under_the_adaptive_timeout_and_the_receivers_comes_back_after() {
    if !postgres_available() {
        eprintln!("skipped: no PostgreSQL binaries");
        return;
    }
    // Its own server: another test's lock waits would shed the query intelligence it watches.
    let pg = &PgServer::start();
    let user = format!("cbqi_{}", std::process::id());
    pg.psql("postgres", &format!("CREATE ROLE {user} LOGIN; GRANT pg_monitor TO {user}")).unwrap();
    let mut config = receiver_config(&pg.host, pg.port, &user, &["postgres"]);
    config["timeout"] = json!("10s");
    config["events"] = json!({
        "db.server.top_query": {"enabled": true},
        "db.server.query_sample": {"enabled": true},
    });
    let s = BreakerSettings { base_timeout: Duration::from_secs(2), ..settings(5) };
    let mut c = start_with(config, s, true);
    assert!(c.wait_state("postgres", BreakerState::Closed, Duration::from_secs(20)).await, "collected once");
    // Each query-intelligence run: the adaptive timeout set before it, the receiver's after.
    let start = Instant::now();
    let mut sets = 0;
    while start.elapsed() < Duration::from_secs(20) {
        sets = statements_like(pg, &user, "SET statement_timeout");
        if sets >= 4 {
            break;
        }
        while c.metrics.try_recv().is_ok() {}
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(sets >= 4, "two query-intelligence runs under the adaptive timeout: {sets} SETs");
    assert_eq!(c.state("postgres"), Some(BreakerState::Closed));
    c.stop().await;
}

/// The standby's own lag reading, for failure messages: `now() - pg_last_xact_replay_timestamp()`
/// and whether it replayed all it received.
fn standby_lag(standby: &PgServer) -> String {
    standby
        .psql(
            "postgres",
            "SELECT now() - pg_last_xact_replay_timestamp(), \
             pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()",
        )
        .unwrap_or_else(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_replaying_behind_sheds_on_it_and_on_its_primary_until_it_catches_up() {
    if !postgres_available() {
        eprintln!("skipped: no PostgreSQL binaries");
        return;
    }
    // Their own servers: replication lag is server-wide.
    let primary = PgServer::start();
    let user = format!("cblag_{}", std::process::id());
    primary
        .psql(
            "postgres",
            &format!(
                "CREATE ROLE {user} LOGIN; GRANT pg_monitor TO {user}; \
                 CREATE TABLE beat (id int PRIMARY KEY, v bigint); INSERT INTO beat VALUES (1, 0)"
            ),
        )
        .unwrap();
    // The role and the table come over in the base backup.
    let standby = primary.start_standby();
    assert_eq!(standby.psql("postgres", "SELECT pg_is_in_recovery()").unwrap().trim(), "t");

    let s = BreakerSettings { replication_lag_threshold: Duration::from_secs(2), ..settings(5) };
    let mut on_standby = start(receiver_config(&standby.host, standby.port, &user, &["postgres"]), s.clone());
    let mut on_primary = start(receiver_config(&primary.host, primary.port, &user, &["postgres"]), s);
    for c in [&mut on_standby, &mut on_primary] {
        assert!(
            c.wait_state("postgres", BreakerState::Closed, Duration::from_secs(20)).await,
            "collected once"
        );
        assert!(c.wait_shed("postgres", Shed::Nothing, Duration::from_secs(5)).await, "no lag yet");
    }

    // Replay runs 6 s behind the primary's commits (three times the threshold), which commit
    // every 100 ms, so the last replayed commit is always about 6 s old on the standby.
    standby
        .psql("postgres", "ALTER SYSTEM SET recovery_min_apply_delay = '6s'; SELECT pg_reload_conf()")
        .unwrap();
    let writing = CancellationToken::new();
    let writer = {
        let client = connect(&primary.host, primary.port, "postgres", "postgres").await.unwrap();
        let writing = writing.clone();
        tokio::spawn(async move {
            while !writing.is_cancelled() {
                client.batch_execute("UPDATE beat SET v = v + 1 WHERE id = 1").await?;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok::<_, tokio_postgres::Error>(())
        })
    };
    assert!(
        on_standby.wait_shed("postgres", Shed::TopQueries, Duration::from_secs(30)).await,
        "a standby replaying twice the threshold behind sheds everything but metrics (lag: {})",
        standby_lag(&standby)
    );
    assert_eq!(on_standby.host.admission().handle(&rid()).check(Some("postgres")), Admit::Reduced(0.5));
    // The primary reads the same delay as its standby's replay_lag.
    assert!(
        on_primary.wait_shed("postgres", Shed::TopQueries, Duration::from_secs(30)).await,
        "the primary sheds on its standby's replay_lag ({})",
        primary
            .psql("postgres", "SELECT replay_lag FROM pg_stat_replication")
            .unwrap_or_else(|e| e.to_string())
    );
    assert_eq!(on_primary.host.admission().handle(&rid()).check(Some("postgres")), Admit::Reduced(0.5));

    // Lag is stress, not the database failing: the breakers stay closed, every statement succeeded.
    for c in [&on_standby, &on_primary] {
        assert_eq!(
            c.state("postgres"),
            Some(BreakerState::Closed),
            "lag sheds; it does not open the breaker"
        );
        assert_eq!(c.transitions("postgres", "closed", "open"), 0);
        assert_eq!(c.telemetry.counter_total("dbintel_postgresql_query_errors_total", &[]), 0);
    }

    // The delay removed, the standby replays what it holds and keeps up with the writes.
    standby
        .psql("postgres", "ALTER SYSTEM SET recovery_min_apply_delay = 0; SELECT pg_reload_conf()")
        .unwrap();
    assert!(
        on_standby.wait_shed("postgres", Shed::Nothing, Duration::from_secs(30)).await,
        "shedding lifts once the standby caught up (lag: {})",
        standby_lag(&standby)
    );
    assert_eq!(on_standby.host.admission().handle(&rid()).check(Some("postgres")), Admit::Full);
    assert!(
        on_primary.wait_shed("postgres", Shed::Nothing, Duration::from_secs(30)).await,
        "and on the primary ({})",
        primary
            .psql("postgres", "SELECT replay_lag FROM pg_stat_replication")
            .unwrap_or_else(|e| e.to_string())
    );
    assert_eq!(on_primary.host.admission().handle(&rid()).check(Some("postgres")), Admit::Full);

    writing.cancel();
    writer.await.unwrap().expect("the primary took every write");
    for c in [on_standby, on_primary] {
        assert_eq!(c.state("postgres"), Some(BreakerState::Closed));
        c.stop().await;
    }
}
