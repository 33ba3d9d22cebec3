//! The receiver's run loop: every `collection_interval`, reach the server over the pooled primary
//! connection, run the enabled catalog queries (each one's failure isolated, reported once with a
//! hint, counted), visit each monitored database over its own pool, run query intelligence when due,
//! and send metrics and events. A lost server yields `postgresql.up = 0`, never a crash.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::breaker::{BreakerHandle, FailureKind, Outcome, Stress};
use dbintel_core::pdata::{
    Attributes, LogRecord, Logs, Metrics, Resource, ResourceLogs, ResourceMetrics, Scope, ScopeLogs,
    ScopeMetrics, SignalData, now_unix_nanos,
};
use dbintel_core::telemetry::{Counter, Gauge};
use dbintel_core::{ComponentError, Receiver, ReceiverContext, Signal};
use dbintel_dbclient::{ScraperTelemetry, Streak};
use tokio::time::Instant;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::catalog::{EmitCtx, Query};
use crate::config::{MAX_DATABASES, Plan};
use crate::conn::{ConnOwner, DbError, PgConn, Pools};
use crate::diagnose;
use crate::emit::Builder;
use crate::metadata::MetricId;
use crate::query::{EventSwitch, EventsConfig, QueryIntelligence};
use crate::server::ServerInfo;

pub const SCOPE_NAME: &str = "dbintel/postgresql";

/// The circuit breaker's stress reading besides sessions (PostgreSQL 10 and later), one statement
/// per scrape and only while a breaker is configured: the longest current wait of another session
/// on a lock (`wait_event_type = 'Lock'`, since its statement started), and the replication lag: on
/// a standby how far replay is behind (0 once it has replayed all it received), on a primary its
/// worst replica's `replay_lag` (NULL without replicas, or rows hidden without `pg_monitor`).
pub const STRESS_SQL: &str = "SELECT \
     (SELECT extract(epoch FROM max(now() - query_start))::float8 FROM pg_stat_activity \
       WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()) AS lock_wait_s, \
     CASE WHEN pg_is_in_recovery() THEN \
       CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0::float8 \
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END \
     ELSE (SELECT extract(epoch FROM max(replay_lag))::float8 FROM pg_stat_replication) END \
     AS replication_lag_s";

/// Seconds read from the server as a duration (`None` when absent, negative or not a number).
fn seconds(s: Option<f64>) -> Option<Duration> {
    s.filter(|v| v.is_finite() && *v >= 0.0).map(|v| Duration::from_secs_f64(v.min(1e9)))
}

/// The `postgresql` receiver, built by [`crate::PostgresqlFactory`].
pub struct PostgresqlReceiver {
    plan: Plan,
    breaker: Option<BreakerHandle>,
    querylens_store: Option<crate::querylens::MarkStore>,
}

impl PostgresqlReceiver {
    pub fn new(plan: Plan) -> Self {
        Self { plan, breaker: None, querylens_store: None }
    }

    /// Keeps pg_querylens's plan-change mark in `store` (`querylens.storage`), loaded at the first
    /// read, so a restart reports the changes made while the collector was down.
    pub fn with_querylens_store(mut self, store: Option<crate::querylens::MarkStore>) -> Self {
        self.querylens_store = store;
        self
    }

    /// Reports each statement's outcome per database to the service's circuit breakers and obeys
    /// them (a `circuit_breaker` processor configures them; unconfigured they do nothing).
    pub fn with_breaker(mut self, breaker: BreakerHandle) -> Self {
        self.breaker = Some(breaker);
        self
    }
}

#[async_trait]
impl Receiver for PostgresqlReceiver {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        let tls = crate::tls::connector(&self.plan.connect.tls).map_err(ComponentError::Failed)?;
        let shutdown = ctx.shutdown.clone();
        let breaker = self.breaker.unwrap_or_else(|| BreakerHandle::disabled(&ctx.id));
        let mut runner = Runner::new(self.plan, ctx, tls, breaker);
        if let Some(ql) = runner.querylens.as_mut() {
            ql.set_store(self.querylens_store);
        }
        tokio::select! {
            _ = shutdown.cancelled() => {}
            _ = runner.run() => {}
        }
        Ok(())
    }
}

struct Telemetry {
    /// `otelcol_scraper_*` and the scrape duration, as every scraping receiver reports them.
    scraper: ScraperTelemetry,
    up: Gauge,
    connect_errors: Counter,
    connections_open: Gauge,
    dropped_points: Counter,
}

pub(crate) struct Runner {
    plan: Plan,
    ctx: ReceiverContext,
    label: String,
    tls: Option<MakeRustlsConnect>,
    pools: Pools,
    start_time: u64,
    /// The database of the primary connection (server-wide queries, query intelligence).
    primary_db: String,
    databases: Vec<String>,
    /// Every monitored database, this replica's or not (`service.sharding`): what the server-wide
    /// queries report (pg_stat_database rows), which only the receiver target's owner runs.
    all_databases: Vec<String>,
    server: Option<ServerInfo>,
    /// Failing streaks per (query, database), so each failure is reported once.
    failing: BTreeMap<(Query, String), bool>,
    failing_dbs: BTreeMap<String, bool>,
    /// The primary connection's failure streak: reported when it starts and when it ends.
    primary_failing: Streak,
    /// The last connection error, for the health status text.
    last_connect_error: Option<String>,
    diagnosed: bool,
    /// `feature_detection` (off by default) and the metrics of this scrape's detection.
    features: Option<crate::features::FeatureState>,
    feature_metrics: Vec<dbintel_core::pdata::Metric>,
    qi: Option<QueryIntelligence>,
    query_errors: BTreeMap<Query, Counter>,
    telemetry: Telemetry,
    breaker: BreakerHandle,
    /// Each database's collection outcome in this scrape, reported to the breaker at its end: the
    /// first trouble failure (timeout, connection limit, refused, lock timeout), else the slowest
    /// statement's time.
    outcomes: BTreeMap<String, Outcome>,
    /// Client sessions and max_connections read in this scrape (stress for the breaker).
    sessions: Option<u64>,
    max_connections: Option<u64>,
    /// The other stress readings of this scrape ([`STRESS_SQL`]).
    lock_wait: Option<Duration>,
    replication_lag: Option<Duration>,
    /// Active session history (its sampling task starts with the run loop).
    ash: Option<crate::ash::AshCollector>,
    /// pg_querylens (read each scrape when installed and preloaded, unless `querylens.enabled: false`).
    querylens: Option<crate::querylens::Querylens>,
}

impl Runner {
    fn new(plan: Plan, ctx: ReceiverContext, tls: Option<MakeRustlsConnect>, breaker: BreakerHandle) -> Self {
        // One detection serves both the feature metrics (`feature_detection` on) and active session
        // history (pg_wait_sampling and its profile_period).
        let features = match (&plan.feature_detection, plan.ash.enabled) {
            (Some(c), _) => Some(crate::features::FeatureState::new(c.clone(), true)),
            (None, true) => Some(crate::features::FeatureState::new(
                dbintel_dbclient::features::FeatureDetectionConfig::default(),
                false,
            )),
            (None, false) => None,
        };
        let label = ctx.id.to_string();
        let t = &ctx.telemetry;
        let l = [("receiver", label.as_str())];
        let telemetry = Telemetry {
            scraper: ScraperTelemetry::new(t, &label),
            up: t.gauge("dbintel_postgresql_up", "1 when the last scrape reached the PostgreSQL server", &l),
            connect_errors: t.counter(
                "dbintel_postgresql_connect_errors_total",
                "Failed connection attempts to the monitored PostgreSQL server",
                &l,
            ),
            connections_open: t.gauge(
                "dbintel_postgresql_connections_open",
                "Connections the receiver holds open to the monitored server",
                &l,
            ),
            dropped_points: t.counter(
                "dbintel_postgresql_dropped_points_total",
                "Metric points dropped because a scrape exceeded its point budget",
                &l,
            ),
        };
        let query_errors = Query::SERVER
            .iter()
            .chain(Query::PER_DATABASE)
            .map(|q| {
                (
                    *q,
                    t.counter(
                        "dbintel_postgresql_query_errors_total",
                        "Failed executions of a catalog query",
                        &[("receiver", label.as_str()), ("query", q.name())],
                    ),
                )
            })
            .collect();
        let qi = (plan.top_query_events || plan.query_sample_events).then(|| {
            let events = EventsConfig {
                top_query: EventSwitch { enabled: plan.top_query_events },
                query_sample: EventSwitch { enabled: plan.query_sample_events },
            };
            QueryIntelligence::new(
                &plan.top_query_collection,
                &plan.query_sample_collection,
                &events,
                t,
                &label,
            )
            .with_receiver_interval(plan.collection_interval)
        });
        // A replica with only some databases of a sharded receiver (`service.sharding`) connects
        // first to one of them, not to the owner's primary database.
        let candidates = match &plan.shard {
            Some(share) if !share.server_wide => &share.databases,
            _ => &plan.databases,
        };
        let primary_db = plan.connect_database.clone().unwrap_or_else(|| {
            candidates
                .iter()
                .find(|d| !plan.exclude_databases.contains(d))
                .cloned()
                .unwrap_or_else(|| "postgres".to_string())
        });
        // The server-wide work belongs to the replica that owns the receiver target.
        let (features, qi) = if plan.server_wide() { (features, qi) } else { (None, None) };
        // Live connections are counted by the connections themselves (up when one opens, down when
        // its task ends, errors or is dropped), so the gauge is true while the server is down too.
        let ash = (plan.ash.enabled && plan.server_wide())
            .then(|| crate::ash::AshCollector::new(&plan.ash, t, &label));
        // pg_querylens is server-wide too (its statistics cover every database).
        let querylens = (plan.querylens.wanted() && plan.server_wide())
            .then(|| crate::querylens::Querylens::new(&plan.querylens, t, &label, &plan.connect.user));
        let owner = ConnOwner { component: label.clone(), live: Some(telemetry.connections_open.clone()) };
        let pools = Pools::new(owner, plan.collection_interval);
        Self {
            plan,
            ctx,
            label,
            tls,
            pools,
            last_connect_error: None,
            start_time: now_unix_nanos(),
            primary_db,
            databases: Vec::new(),
            all_databases: Vec::new(),
            server: None,
            failing: BTreeMap::new(),
            failing_dbs: BTreeMap::new(),
            primary_failing: Streak::default(),
            diagnosed: false,
            features,
            feature_metrics: Vec::new(),
            qi,
            query_errors,
            telemetry,
            breaker,
            outcomes: BTreeMap::new(),
            sessions: None,
            max_connections: None,
            lock_wait: None,
            replication_lag: None,
            ash,
            querylens,
        }
    }

    async fn run(&mut self) {
        if let Some(advice) = logs_without_events(
            self.ctx.output.wants(Signal::Logs),
            self.plan.top_query_events || self.plan.query_sample_events || self.ash.is_some(),
        ) {
            tracing::warn!(receiver = %self.label, "{advice}");
        }
        tokio::time::sleep(self.plan.initial_delay).await;
        if let Some(ash) = self.ash.as_mut() {
            let admission = self.ctx.output.admission().clone();
            let shutdown = self.ctx.shutdown.clone();
            ash.start(
                self.plan.connect.clone(),
                self.primary_db.clone(),
                self.tls.clone(),
                crate::ash::Guards {
                    admission,
                    breaker: self.breaker.clone(),
                    live: Some(self.telemetry.connections_open.clone()),
                },
                shutdown,
            );
        }
        let mut next_tick = Instant::now();
        loop {
            if Instant::now() >= next_tick {
                self.scrape().await;
                next_tick = dbintel_core::duration::deadline_after(next_tick, self.plan.collection_interval);
                let now = Instant::now();
                if next_tick < now {
                    next_tick = now;
                }
            } else {
                self.events_only().await;
            }
            // Wake for the next scrape, or earlier when an event collector is due sooner.
            let wake = match self.events_due() {
                Some(due) if due < next_tick => due.max(Instant::now() + Duration::from_millis(200)),
                _ => next_tick,
            };
            tokio::time::sleep_until(wake).await;
        }
    }

    fn resource(&self) -> Resource {
        let c = &self.plan.connect;
        let ra = &self.plan.resource_attributes;
        let mut a = Attributes::new();
        a.insert("db.system.name", "postgresql");
        if ra.server_address {
            a.insert("server.address", c.host.clone());
        }
        if ra.server_port && !c.unix {
            a.insert("server.port", i64::from(c.port));
        }
        if ra.service_instance_id {
            a.insert("service.instance.id", format!("{}:{}", c.host, c.port));
        }
        if ra.service_name {
            a.insert("service.name", "unknown_service:postgresql");
        }
        Resource { attributes: a }
    }

    fn scope() -> Scope {
        Scope {
            name: SCOPE_NAME.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            ..Default::default()
        }
    }

    fn metrics_signal(&self, metrics: Vec<dbintel_core::pdata::Metric>) -> SignalData {
        let legacy = self.plan.resource_model == crate::config::ResourceModel::Legacy;
        let metrics = crate::reaggregate::apply(&self.plan.reaggregation, metrics, legacy);
        if legacy {
            let resource_metrics = crate::emit::legacy_resources(
                &self.resource(),
                &Self::scope(),
                metrics,
                &self.plan.resource_attributes,
            );
            return SignalData::Metrics(Metrics { resource_metrics });
        }
        SignalData::Metrics(Metrics {
            resource_metrics: vec![ResourceMetrics {
                resource: self.resource(),
                scope_metrics: vec![ScopeMetrics {
                    scope: Self::scope(),
                    metrics,
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            }],
        })
    }

    fn logs_signal(&self, records: Vec<LogRecord>) -> SignalData {
        SignalData::Logs(Logs {
            resource_logs: vec![ResourceLogs {
                resource: self.resource(),
                scope_logs: vec![ScopeLogs {
                    scope: Self::scope(),
                    log_records: records,
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            }],
        })
    }

    fn pool_args(&self) -> (u32, Option<Duration>, Option<Duration>) {
        (self.plan.pool_max_open, self.plan.pool_max_idle_time, self.plan.pool_max_lifetime)
    }

    /// A connection to `db` from its pool. Failures are logged once per streak and counted.
    async fn checkout(&mut self, db: &str) -> Option<PgConn> {
        let (max_open, idle, life) = self.pool_args();
        let pool = self.pools.pool(db, max_open, idle, life);
        let result = pool.get(&self.plan.connect, self.tls.as_ref()).await;
        match result {
            Ok(Some(c)) => {
                if self.failing_dbs.remove(db).is_some() {
                    tracing::info!(receiver = %self.label, database = %db, "postgresql: connected again");
                }
                Some(c)
            }
            Ok(None) => None,
            Err(e) => {
                self.telemetry.connect_errors.inc();
                let kind = FailureKind::classify(e.code(), &e.to_string());
                self.note_outcome(db, Outcome::Failure(kind));
                self.last_connect_error = Some(e.to_string());
                let first = !self.failing_dbs.contains_key(db);
                if first && self.failing_dbs.len() < MAX_DATABASES {
                    self.failing_dbs.insert(db.to_string(), true);
                    tracing::warn!(
                        receiver = %self.label, endpoint = %self.plan.connect.endpoint(), database = %db,
                        error = %e, hint = e.hint(),
                        "postgresql: cannot connect; retrying with backoff (reported once until it works)"
                    );
                }
                None
            }
        }
    }

    fn checkin(&mut self, db: &str, conn: PgConn) {
        let (max_open, idle, life) = self.pool_args();
        self.pools.pool(db, max_open, idle, life).put(conn);
    }

    fn query_failed(&mut self, q: Query, db: &str, e: &DbError) {
        if let Some(c) = self.query_errors.get(&q) {
            c.inc();
        }
        let kind = FailureKind::classify(e.code(), &e.to_string());
        self.note_outcome(db, Outcome::Failure(kind));
        if let Some(backoff) = self.breaker.disable_query(db, q.name(), kind) {
            let hint = match (q.needs_pg_stat_statements(), e.code()) {
                (true, Some("42P01" | "55000" | "42501")) => diagnose::PG_STAT_STATEMENTS_FIX,
                _ => e.hint(),
            };
            tracing::warn!(
                receiver = %self.label, query = q.name(), database = %db, error = %e, kind = kind.as_str(),
                backoff = ?backoff, fix = hint,
                "postgresql: query disabled for a while by the circuit breaker's feature-aware action; it is retried after the backoff, and runs again at once after any success"
            );
        }
        self.telemetry
            .scraper
            .errored_points
            .add(q.feeds().iter().filter(|m| self.plan.metrics.is_on(**m)).count() as u64);
        let key = (q, db.to_string());
        if !self.failing.contains_key(&key) && self.failing.len() < 64 * MAX_DATABASES {
            let hint = match (q.needs_pg_stat_statements(), e.code()) {
                (true, Some("42P01" | "55000" | "42501")) => diagnose::PG_STAT_STATEMENTS_FIX,
                _ => e.hint(),
            };
            tracing::warn!(
                receiver = %self.label, query = q.name(), database = %db, error = %e, hint = hint,
                "postgresql: catalog query failed; the rest of the scrape goes on (reported once until it succeeds)"
            );
            self.failing.insert(key, true);
        }
    }

    fn query_ok(&mut self, q: Query, db: &str, elapsed: Duration) {
        self.note_outcome(db, Outcome::Success { elapsed });
        self.breaker.query_succeeded(db, q.name());
        if self.failing.remove(&(q, db.to_string())).is_some() {
            tracing::info!(receiver = %self.label, query = q.name(), database = %db, "postgresql: catalog query works again");
        }
    }

    /// Runs the enabled queries of `list` on `conn`, reconnecting once if the connection is lost.
    async fn run_queries(
        &mut self,
        list: &[Query],
        db: &str,
        mut conn: PgConn,
        b: &mut Builder<'_>,
    ) -> Option<PgConn> {
        let version = conn.info.version_num;
        let mut reconnected = false;
        for &q in list {
            if !b.enabled_any(q.feeds()) {
                continue;
            }
            let Some(sql) = q.sql(version) else { continue };
            // The breaker: an open database gets no statements; a query disabled by a
            // feature-aware action waits out its backoff.
            if !self.breaker.allows(db) {
                return Some(conn);
            }
            if !self.breaker.query_enabled(db, q.name()) {
                continue;
            }
            if !conn.is_usable() {
                if reconnected {
                    return None;
                }
                reconnected = true;
                let dead = conn;
                self.checkin(db, dead);
                conn = self.checkout(db).await?;
            }
            let started = Instant::now();
            match conn.query(&sql).await {
                Ok(rows) => {
                    self.query_ok(q, db, started.elapsed());
                    self.note_stress(q, &rows.rows);
                    if rows.truncated {
                        tracing::debug!(receiver = %self.label, query = q.name(), "postgresql: result truncated");
                    }
                    let monitored = if Query::SERVER.contains(&q) {
                        self.all_databases.clone()
                    } else {
                        self.databases.clone()
                    };
                    q.emit(&rows.rows, &EmitCtx { database: db, monitored: &monitored }, b);
                }
                Err(e) => self.query_failed(q, db, &e),
            }
        }
        Some(conn)
    }

    /// The monitored databases: the configured list, or every connectable non-template database.
    async fn discover(&mut self, conn: &mut PgConn) {
        let mut list = if self.plan.databases.is_empty() {
            let sql =
                "SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn ORDER BY datname";
            match conn.query(sql).await {
                Ok(rows) => rows.rows.iter().filter_map(|r| r.get("datname").map(str::to_string)).collect(),
                Err(e) => {
                    tracing::debug!(receiver = %self.label, error = %e, "postgresql: database discovery failed");
                    return;
                }
            }
        } else {
            self.plan.databases.clone()
        };
        list.retain(|d| !self.plan.exclude_databases.contains(d));
        if list.len() > MAX_DATABASES {
            tracing::warn!(
                receiver = %self.label, found = list.len(),
                "postgresql: more than {MAX_DATABASES} databases; the rest are not monitored (set `databases`)"
            );
            list.truncate(MAX_DATABASES);
        }
        self.all_databases = list.clone();
        if let Some(share) = &self.plan.shard {
            list.retain(|d| share.databases.contains(d));
        }
        self.pools.retain(&[list.clone(), vec![self.primary_db.clone()]].concat());
        self.databases = list;
    }

    /// Folds one statement's outcome into its database's collection outcome.
    fn note_outcome(&mut self, db: &str, outcome: Outcome) {
        if !self.breaker.is_active()
            || (self.outcomes.len() >= MAX_DATABASES && !self.outcomes.contains_key(db))
        {
            return;
        }
        let slot =
            self.outcomes.entry(db.to_string()).or_insert(Outcome::Success { elapsed: Duration::ZERO });
        *slot = match (*slot, outcome) {
            (Outcome::Failure(k), _) if k.trips_breaker() => Outcome::Failure(k),
            (_, Outcome::Failure(k)) if k.trips_breaker() => Outcome::Failure(k),
            (Outcome::Success { elapsed: a }, Outcome::Success { elapsed: b }) => {
                Outcome::Success { elapsed: a.max(b) }
            }
            (kept, _) => kept,
        };
    }

    /// Reports each database's collection outcome of this scrape to its breaker.
    fn flush_outcomes(&mut self) {
        for (db, outcome) in std::mem::take(&mut self.outcomes) {
            self.breaker.report(&db, outcome);
        }
    }

    /// Client sessions from `Activity` and `max_connections`: the breaker's stress reading.
    fn note_stress(&mut self, q: Query, rows: &[crate::conn::Row]) {
        match q {
            Query::Activity => {
                self.sessions = Some(
                    rows.iter()
                        .filter(|r| r.get("backend_type") == Some("client backend"))
                        .filter_map(|r| r.i64("n"))
                        .map(|n| n.max(0) as u64)
                        .sum(),
                );
            }
            Query::MaxConnections => {
                self.max_connections =
                    rows.first().and_then(|r| r.i64("max_connections")).map(|n| n.max(0) as u64);
            }
            _ => {}
        }
    }

    /// Lock waits and replication lag ([`STRESS_SQL`]) while a breaker is configured. A failure
    /// (an old server, a lost connection) is not the database's trouble: no reading, no outcome.
    async fn read_stress(&mut self, conn: &mut PgConn) {
        self.lock_wait = None;
        self.replication_lag = None;
        if !self.breaker.is_active() || conn.info.version_num < 100_000 {
            return;
        }
        match conn.query(STRESS_SQL).await {
            Ok(rows) => {
                let row = rows.rows.first();
                self.lock_wait = seconds(row.and_then(|r| r.f64("lock_wait_s")));
                self.replication_lag = seconds(row.and_then(|r| r.f64("replication_lag_s")));
            }
            Err(e) => {
                tracing::debug!(receiver = %self.label, error = %e, "postgresql: circuit breaker stress reading failed");
            }
        }
    }

    /// Hands this scrape's stress readings to `db`'s breaker and its shed level to query
    /// intelligence.
    fn apply_stress(&mut self, db: &str) {
        if !self.breaker.is_active() {
            return;
        }
        let stress = Stress {
            sessions: self.sessions.take().zip(self.max_connections.take()),
            lock_wait: self.lock_wait.take(),
            replication_lag: self.replication_lag.take(),
        };
        let shed = self.breaker.stress(db, stress);
        if let Some(qi) = self.qi.as_mut() {
            qi.set_shed(shed);
        }
    }

    pub(crate) async fn scrape(&mut self) {
        // Breakers whose open timeout passed half-open first, so this scrape probes them.
        self.breaker.poll();
        // Admission: skip this scrape while told to (logged once per streak, counted).
        if let dbintel_core::Admit::Skip { .. } = self.ctx.output.admit(None) {
            return;
        }
        // The primary database's breaker guards the server-wide work: while it is open, nothing.
        let primary_db = self.primary_db.clone();
        if let dbintel_core::Admit::Skip { .. } = self.ctx.output.admit(Some(&primary_db)) {
            return;
        }
        let started = Instant::now();
        let now = now_unix_nanos();
        let want_metrics = self.ctx.output.wants(Signal::Metrics);
        let want_logs = self.ctx.output.wants(Signal::Logs);
        let enabled = self.plan.metrics.clone();
        let mut b = Builder::new(&enabled, self.start_time, now);

        let Some(mut primary) = self.checkout(&primary_db).await else {
            self.telemetry.up.set(0);
            if self.primary_failing.fail() {
                let cause = self.last_connect_error.as_deref().unwrap_or("no connection yet");
                self.ctx.health.recoverable(format!(
                    "cannot reach PostgreSQL at {} (database {primary_db}): {cause}",
                    self.plan.connect.endpoint()
                ));
            }
            b.int(MetricId::Up, 0, Attributes::new());
            self.flush_outcomes();
            if want_metrics {
                let sig = self.metrics_signal(b.finish());
                let _ = self.ctx.output.send(sig).await;
            }
            return;
        };
        if self.primary_failing.succeed() || self.server.is_none() {
            tracing::info!(
                receiver = %self.label, endpoint = %self.plan.connect.endpoint(), version = primary.info.version_num,
                "postgresql: connected"
            );
        }
        self.ctx.health.ok();
        // Reaching the server is a successful collection for the primary database's breaker even
        // when only events are collected (statements, when run, refine it).
        self.note_outcome(&primary_db, Outcome::Success { elapsed: Duration::ZERO });
        self.server = Some(primary.info.clone());
        if !self.diagnosed {
            self.diagnosed = true;
            self.report_diagnosis(&mut primary).await;
        }
        self.discover(&mut primary).await;
        if let Some(fs) = self.features.as_mut() {
            let metrics = fs.metrics(&self.label, &mut primary, now).await;
            self.feature_metrics = if want_metrics { metrics } else { Vec::new() };
        }
        self.read_stress(&mut primary).await;
        if !want_metrics {
            self.apply_stress(&primary_db);
        }

        if want_metrics {
            // Server-wide queries: only on the replica that owns the receiver (`service.sharding`).
            let server_queries = if self.plan.server_wide() { Query::SERVER.to_vec() } else { Vec::new() };
            let primary_opt = self.run_queries(&server_queries, &primary_db, primary, &mut b).await;
            let Some(p) = primary_opt else {
                self.finish_scrape(b, started, want_metrics).await;
                return;
            };
            primary = p;
            self.apply_stress(&primary_db);
            if self.plan.server_wide() {
                b.int(MetricId::DatabaseCount, self.all_databases.len() as i64, Attributes::new());
            }
            let per_db = Query::PER_DATABASE.to_vec();
            let any_per_db = per_db.iter().any(|q| b.enabled_any(q.feeds()));
            if any_per_db {
                for db in self.databases.clone() {
                    // Admission per monitored database: a database told to skip (e.g. by a breaker
                    // that watches it) gets no queries; the others are collected as usual.
                    if let dbintel_core::Admit::Skip { .. } = self.ctx.output.admit(Some(&db)) {
                        continue;
                    }
                    if db == primary_db {
                        match self.run_queries(&per_db, &db, primary, &mut b).await {
                            Some(p) => primary = p,
                            None => {
                                self.finish_scrape(b, started, want_metrics).await;
                                return;
                            }
                        }
                        continue;
                    }
                    let Some(conn) = self.checkout(&db).await else { continue };
                    if let Some(conn) = self.run_queries(&per_db, &db, conn, &mut b).await {
                        self.checkin(&db, conn);
                    }
                }
            }
        }
        if want_logs {
            let records = self.collect_events(&mut primary).await;
            if !records.is_empty() {
                let sig = self.logs_signal(records);
                let _ = self.ctx.output.send(sig).await;
            }
        }
        self.send_ash(&mut primary, want_metrics, want_logs).await;
        self.send_querylens(&mut primary, want_metrics, want_logs).await;
        self.checkin(&primary_db, primary);
        self.finish_scrape(b, started, want_metrics).await;
    }

    async fn finish_scrape(&mut self, mut b: Builder<'_>, started: Instant, want_metrics: bool) {
        self.flush_outcomes();
        b.int(MetricId::Up, 1, Attributes::new());
        self.telemetry.up.set(1);
        self.telemetry.dropped_points.add(b.dropped());
        self.telemetry.scraper.scraped_points.add(b.point_count() as u64);
        self.telemetry.scraper.duration.record(started.elapsed().as_secs_f64());
        if want_metrics {
            let mut metrics = b.finish();
            metrics.append(&mut self.feature_metrics);
            let sig = self.metrics_signal(metrics);
            let _ = self.ctx.output.send(sig).await;
        }
    }

    /// Query intelligence (top queries, samples): runs when due, on the primary connection, with a
    /// connection to each other monitored database when top queries are due (for their plans).
    async fn collect_events(&mut self, conn: &mut PgConn) -> Vec<LogRecord> {
        let Some(qi) = self.qi.as_ref() else { return Vec::new() };
        if Instant::now() < qi.next_due() {
            return Vec::new();
        }
        let mut others: Vec<(String, PgConn)> = Vec::new();
        // Connections to the other databases serve only their plans.
        if qi.top_due() && !qi.sheds_plans() {
            let dbs: Vec<String> = self
                .pools
                .by_db
                .keys()
                .filter(|db| **db != self.primary_db)
                .filter(|db| {
                    !matches!(
                        self.ctx.output.admission().check(Some(db.as_str())),
                        dbintel_core::Admit::Skip { .. }
                    )
                })
                .cloned()
                .collect();
            for db in dbs {
                if let Some(mut c) = self.checkout(&db).await {
                    self.adaptive_timeout(&db, &mut c).await;
                    others.push((db, c));
                }
            }
        }
        let primary = self.primary_db.clone();
        self.adaptive_timeout(&primary, conn).await;
        let (records, trouble) = match self.qi.as_mut() {
            Some(qi) => {
                let clients: Vec<(&str, &tokio_postgres::Client)> =
                    others.iter().map(|(db, c)| (db.as_str(), c.client())).collect();
                let events = qi.collect_with_databases(conn.client(), &conn.info, &clients).await;
                (events.records, events.trouble)
            }
            None => (Vec::new(), None),
        };
        // Top queries and samples run on the primary connection: their trouble is its database's.
        if let Some(kind) = trouble {
            self.note_outcome(&primary, Outcome::Failure(kind));
        }
        self.restore_timeout(conn).await;
        for (db, mut c) in others {
            self.restore_timeout(&mut c).await;
            self.checkin(&db, c);
        }
        records
    }

    /// Query intelligence runs under `db`'s adaptive timeout from the circuit breaker, never longer
    /// than the receiver's `timeout`: the session's `statement_timeout` is lowered for it.
    async fn adaptive_timeout(&mut self, db: &str, conn: &mut PgConn) {
        let Some(t) = self.breaker.statement_timeout(db, self.plan.connect.statement_timeout) else {
            return;
        };
        if let Err(e) = conn.set_statement_timeout(t).await {
            tracing::debug!(receiver = %self.label, database = %db, error = %e, "postgresql: adaptive statement timeout not applied");
        }
    }

    /// Puts the receiver's own statement timeout back after query intelligence.
    async fn restore_timeout(&mut self, conn: &mut PgConn) {
        if let Err(e) = conn.set_statement_timeout(self.plan.connect.statement_timeout).await {
            tracing::debug!(receiver = %self.label, error = %e, "postgresql: statement timeout not restored; tried again after the next query-intelligence run");
        }
    }

    /// Active session history of the interval since the last scrape: its metrics (one resource per
    /// server, whatever `resource_model`) and its session events.
    async fn send_ash(&mut self, conn: &mut PgConn, want_metrics: bool, want_logs: bool) {
        let Some(ash) = self.ash.as_mut() else { return };
        let features = self.features.as_ref().and_then(crate::features::FeatureState::current);
        let out = ash.collect(conn, features.as_deref()).await;
        if ash.take_profile_failed()
            && let Some(fs) = self.features.as_mut()
        {
            fs.feature_error();
        }
        if want_metrics && !out.metrics.is_empty() {
            let sig = SignalData::Metrics(Metrics {
                resource_metrics: vec![ResourceMetrics {
                    resource: self.resource(),
                    scope_metrics: vec![ScopeMetrics {
                        scope: Self::scope(),
                        metrics: out.metrics,
                        schema_url: String::new(),
                    }],
                    schema_url: String::new(),
                }],
            });
            let _ = self.ctx.output.send(sig).await;
        }
        if want_logs && !out.records.is_empty() {
            let sig = self.logs_signal(out.records);
            let _ = self.ctx.output.send(sig).await;
        }
    }

    /// pg_querylens of the interval since the last scrape: per-plan metrics (one resource per
    /// server, whatever `resource_model`: the database is `db.namespace` on each point) and
    /// `db.server.plan_change` events.
    async fn send_querylens(&mut self, conn: &mut PgConn, want_metrics: bool, want_logs: bool) {
        if !want_metrics && !want_logs {
            return;
        }
        if self.querylens.is_none() {
            return;
        }
        // The breaker, as for query intelligence: nothing while the primary database's breaker is
        // open, its shed level decides how much is read, under its adaptive statement timeout.
        let primary = self.primary_db.clone();
        if !self.breaker.allows(&primary) {
            return;
        }
        let shed = self.breaker.shed(&primary);
        let adaptive =
            self.breaker.statement_timeout(&primary, self.plan.connect.statement_timeout).is_some();
        if adaptive {
            self.adaptive_timeout(&primary, conn).await;
        }
        let Some(ql) = self.querylens.as_mut() else { return };
        let out = ql.collect(conn.client(), &conn.info, shed).await;
        if adaptive {
            self.restore_timeout(conn).await;
        }
        if let Some(kind) = out.trouble {
            self.note_outcome(&primary, Outcome::Failure(kind));
        }
        if want_metrics && !out.metrics.is_empty() {
            let sig = SignalData::Metrics(Metrics {
                resource_metrics: vec![ResourceMetrics {
                    resource: self.resource(),
                    scope_metrics: vec![ScopeMetrics {
                        scope: Self::scope(),
                        metrics: out.metrics,
                        schema_url: String::new(),
                    }],
                    schema_url: String::new(),
                }],
            });
            let _ = self.ctx.output.send(sig).await;
        }
        // The plan-change mark moves (and is stored) only once the events were accepted.
        let accepted = if want_logs && !out.records.is_empty() {
            let sig = self.logs_signal(out.records);
            self.ctx.output.send(sig).await.is_ok()
        } else {
            true
        };
        if let Some(ql) = self.querylens.as_mut() {
            ql.delivered(accepted).await;
        }
    }

    /// Events only (a collector due between two scrapes).
    async fn events_only(&mut self) {
        // Admission: nothing between scrapes while skipping (the scrape logs and counts the skip).
        let held = |a: dbintel_core::Admit| matches!(a, dbintel_core::Admit::Skip { .. });
        let admission = self.ctx.output.admission();
        if !self.ctx.output.wants(Signal::Logs)
            || held(admission.check(None))
            || held(admission.check(Some(&self.primary_db)))
        {
            return;
        }
        let primary_db = self.primary_db.clone();
        let Some(mut conn) = self.checkout(&primary_db).await else { return };
        let records = self.collect_events(&mut conn).await;
        self.checkin(&primary_db, conn);
        self.flush_outcomes();
        if !records.is_empty() {
            let sig = self.logs_signal(records);
            let _ = self.ctx.output.send(sig).await;
        }
    }

    fn events_due(&self) -> Option<Instant> {
        if !self.ctx.output.wants(Signal::Logs) {
            return None;
        }
        self.qi.as_ref().map(QueryIntelligence::next_due)
    }

    /// Says once what is missing for the enabled features (pg_stat_statements, settings, grants).
    async fn report_diagnosis(&mut self, conn: &mut PgConn) {
        let needs_pgss = self.plan.top_query_events
            || self.plan.metrics.any(&[MetricId::QueryExecutionTime])
            || self.plan.metrics.any(Query::Vector.feeds());
        let findings = diagnose::run_checks(conn, &self.plan.connect.user).await;
        for f in findings.iter().filter(|f| !f.ok) {
            let relevant = match f.check.as_str() {
                "pg_stat_statements.preload"
                | "pg_stat_statements.extension"
                | "pg_stat_statements.readable" => needs_pgss,
                "compute_query_id" | "track_io_timing" => needs_pgss,
                "track_activity_query_size" => self.plan.query_sample_events,
                // Optional: said at start only when `querylens.enabled: true` asked for it.
                c if c.starts_with("pg_querylens.") => self.plan.querylens.enabled == Some(true),
                _ => true,
            };
            if relevant && f.unknown {
                tracing::warn!(
                    receiver = %self.label, check = %f.check, problem = %f.message,
                    fix = f.fix.as_deref().unwrap_or(""),
                    "postgresql: cannot check the monitored server (the role may not read it); the receiver keeps running"
                );
            } else if relevant {
                tracing::warn!(
                    receiver = %self.label, check = %f.check, problem = %f.message,
                    fix = f.fix.as_deref().unwrap_or(""),
                    "postgresql: the monitored server is missing something; the receiver keeps running without it"
                );
            }
        }
    }
}

impl Builder<'_> {
    pub fn enabled_any(&self, ids: &[MetricId]) -> bool {
        ids.iter().any(|id| self.on(*id))
    }
}

/// What to say when the receiver feeds a logs pipeline but none of its log sources is on (query events
/// are opt-in, as in the Collector's receiver): a pipeline of processors that then sees almost nothing.
fn logs_without_events(in_logs_pipeline: bool, any_event_on: bool) -> Option<&'static str> {
    (in_logs_pipeline && !any_event_on).then_some(
        "postgresql: this receiver is in a logs pipeline but its query events are off (opt-in, as in the \
         Collector) and active_session_history is off: set events.db.server.top_query.enabled: true and/or \
         events.db.server.query_sample.enabled: true; until then its logs are only pg_querylens plan changes \
         (when the extension is installed)",
    )
}

#[cfg(test)]
mod logs_advice_tests {
    use super::logs_without_events;

    #[test]
    fn a_logs_pipeline_without_events_is_told_how_to_turn_them_on() {
        let advice = logs_without_events(true, false).expect("advice");
        assert!(advice.contains("events.db.server.top_query.enabled: true"), "{advice}");
        assert_eq!(logs_without_events(true, true), None);
        assert_eq!(logs_without_events(false, false), None);
    }
}
