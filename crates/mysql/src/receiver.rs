//! The receiver's run loop: every `collection_interval` (after the admission check), reach the
//! server over the one long-lived connection (reconnecting with dbclient's backoff), run the
//! metrics pass (`crate::collect`), and send the points. A lost server yields
//! `mysql.up = 0` and a recoverable health status, never a crash.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::breaker::{BreakerHandle, FailureKind, Outcome, Shed, Stress};
use dbintel_core::pdata::{
    Attributes, LogRecord, Logs, Metric, Metrics, NumberValue, Resource, ResourceLogs, ResourceMetrics,
    Scope, ScopeLogs, ScopeMetrics, SignalData, now_unix_nanos,
};
use dbintel_core::telemetry::{Counter, Gauge};
use dbintel_core::{ComponentError, Receiver, ReceiverContext, Signal};
use dbintel_dbclient::{Backoff, DbError, MetricBuilder, ScraperTelemetry, Streak, Ticker};
use tokio::time::Instant;

use crate::config::{Plan, RESOURCE_ENDPOINT};
use crate::conn::{MyConn, ServerInfo};
use crate::metadata::MetricId;

pub const SCOPE_NAME: &str = "dbintel/mysql";

/// Points per scrape at most: server status has about a hundred; per-table and per-index
/// metrics have 8 per row at `max_tables` rows each (default 1000). Points past it are counted
/// in `dbintel_mysql_series_dropped_total{family="points"}`.
pub const MAX_POINTS_PER_SCRAPE: usize = 50_000;

/// The circuit breaker's lock-wait reading (MySQL and MariaDB): the longest current InnoDB row-lock
/// wait of another session, in seconds (NULL when nobody waits). Needs the PROCESS privilege.
pub const LOCK_WAIT_SQL: &str = "SELECT MAX(TIMESTAMPDIFF(SECOND, trx_wait_started, NOW())) \
     FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT' AND trx_mysql_thread_id <> CONNECTION_ID()";

/// The circuit breaker's replication-lag reading: every channel on MariaDB (multi-source), the
/// replica status on MySQL. A server that is not a replica answers with no row: no lag.
pub fn replica_lag_sql(info: &ServerInfo) -> &'static str {
    if info.mariadb { "SHOW ALL SLAVES STATUS" } else { info.replica_status_sql() }
}

/// Lock waits and replication lag for the circuit breaker, read once per scrape while a breaker is
/// configured. A statement that fails (no privilege, an old server) gives no reading and is not the
/// database's trouble; only a lost connection is returned.
async fn read_stress(
    src: &mut dyn crate::conn::Source,
    label: &str,
) -> Result<(Option<Duration>, Option<Duration>), DbError> {
    let lock_wait = match src.rows(LOCK_WAIT_SQL).await {
        Ok(rows) => rows
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .and_then(|t| t.trim().parse::<u64>().ok())
            .map(Duration::from_secs),
        Err(e @ DbError::Lost(_)) => return Err(e),
        Err(e) => {
            tracing::debug!(receiver = %label, error = %e, "mysql: circuit breaker lock-wait reading failed");
            None
        }
    };
    let sql = replica_lag_sql(src.info());
    let lag = match src.named_rows(sql).await {
        Ok((columns, rows)) => crate::replication::max_behind(&columns, &rows).map(Duration::from_secs),
        Err(e @ DbError::Lost(_)) => return Err(e),
        Err(e) => {
            tracing::debug!(receiver = %label, error = %e, "mysql: circuit breaker replication-lag reading failed");
            None
        }
    };
    Ok((lock_wait, lag))
}

/// The `mysql` receiver, built by [`crate::MysqlFactory`].
pub struct MysqlReceiver {
    plan: Plan,
    breaker: Option<BreakerHandle>,
}

impl MysqlReceiver {
    pub fn new(plan: Plan) -> Self {
        Self { plan, breaker: None }
    }

    /// Reports each collection's outcome to the service's circuit breakers and obeys them. The
    /// receiver has one connection to one server, so its breaker is per server: its database key
    /// is the endpoint (`host:port` or the socket path), also on records as `mysql.instance.endpoint`.
    pub fn with_breaker(mut self, breaker: BreakerHandle) -> Self {
        self.breaker = Some(breaker);
        self
    }
}

#[async_trait]
impl Receiver for MysqlReceiver {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        let shutdown = ctx.shutdown.clone();
        let breaker = self.breaker.unwrap_or_else(|| BreakerHandle::disabled(&ctx.id));
        let mut runner = Runner::new(self.plan, ctx, breaker);
        tokio::select! {
            _ = shutdown.cancelled() => {}
            _ = runner.run() => {}
        }
        if let Some(conn) = runner.conn.take() {
            conn.close().await;
        }
        if let Some(plans) = runner.plans.take() {
            plans.close().await;
        }
        Ok(())
    }
}

struct Telemetry {
    scraper: ScraperTelemetry,
    up: Gauge,
    connect_errors: Counter,
    query_errors: Counter,
    /// `dbintel_mysql_series_dropped_total` by family (a handful of fixed names).
    dropped: BTreeMap<&'static str, Counter>,
}

struct Runner {
    plan: Plan,
    ctx: ReceiverContext,
    label: String,
    conn: Option<MyConn>,
    /// `feature_detection` (off by default) and the metrics of this scrape's detection.
    features: Option<crate::features::FeatureState>,
    feature_metrics: Vec<Metric>,
    backoff: Backoff,
    /// No connection attempt before this (backoff after a failed one).
    retry_at: Instant,
    start_time: u64,
    connection: Streak,
    queries: Streak,
    /// Status variables already reported as bad (bounded by the status map).
    reported_bad: BTreeSet<&'static str>,
    /// Whether the server's setup was checked (once per receiver, at the first connection).
    diagnosed: bool,
    /// Statements refused for a grant or a missing table, already reported (bounded by the
    /// statements of the metrics pass).
    reported_unavailable: BTreeSet<String>,
    /// Cap families already reported as dropping rows.
    reported_dropped: BTreeSet<&'static str>,
    settings: crate::collect::MetricsSettings,
    telemetry: Telemetry,
    /// `db.server.query_sample` (None when the event is off).
    samples: Option<crate::query::samples::QuerySamples>,
    sample_queries: Streak,
    /// EXPLAIN on its own lazily opened connection, shared by samples and top queries.
    plans: Option<crate::query::plans::Plans>,
    /// `db.server.top_query` (None when the event is off).
    top: Option<crate::query::top::TopQueryCollector>,
    /// Query events of this scrape, sent after its metrics.
    pending_logs: Option<(Vec<LogRecord>, ServerInfo)>,
    breaker: BreakerHandle,
    /// The breaker's key for this server (its endpoint).
    breaker_key: String,
    /// This scrape's first trouble failure, if any (reported at its end).
    trouble: Option<FailureKind>,
    /// Active session history (its sampling task starts with the run loop).
    ash: Option<crate::ash::AshCollector>,
}

impl Runner {
    fn new(plan: Plan, ctx: ReceiverContext, breaker: BreakerHandle) -> Self {
        let features = plan.feature_detection.clone().map(crate::features::FeatureState::new);
        let label = ctx.id.to_string();
        let t = &ctx.telemetry;
        let l = [("receiver", label.as_str())];
        let telemetry = Telemetry {
            scraper: ScraperTelemetry::new(t, &label),
            up: t.gauge("dbintel_mysql_up", "1 when the last scrape reached the MySQL/MariaDB server", &l),
            connect_errors: t.counter(
                "dbintel_mysql_connect_errors_total",
                "Failed connection attempts to the monitored MySQL/MariaDB server",
                &l,
            ),
            query_errors: t.counter(
                "dbintel_mysql_query_errors_total",
                "Failed statements of the mysql receiver (the connection stayed usable)",
                &l,
            ),
            dropped: BTreeMap::new(),
        };
        let settings = crate::collect::MetricsSettings {
            statement_events: plan.statement_events.clone(),
            max_tables: plan.max_tables,
        };
        let backoff = Backoff::new(plan.collection_interval);
        let samples =
            plan.events.query_sample.enabled.then(|| {
                crate::query::samples::QuerySamples::new(&plan.query_sample, plan.collection_interval)
            });
        let plans = Some(
            crate::query::plans::Plans::new(plan.connect.clone(), &plan.top_query)
                .with_telemetry(&ctx.telemetry, &label),
        );
        let top = crate::query::top::TopQueryCollector::from_plan(&plan, t, &label);
        let ash = plan.ash.enabled.then(|| crate::ash::AshCollector::new(&plan.ash, t, &label));
        Self {
            plan,
            ctx,
            label,
            conn: None,
            features,
            feature_metrics: Vec::new(),
            backoff,
            retry_at: Instant::now(),
            start_time: now_unix_nanos(),
            connection: Streak::default(),
            queries: Streak::default(),
            reported_bad: BTreeSet::new(),
            diagnosed: false,
            reported_unavailable: BTreeSet::new(),
            reported_dropped: BTreeSet::new(),
            settings,
            telemetry,
            samples,
            sample_queries: Streak::default(),
            plans,
            top,
            pending_logs: None,
            breaker,
            breaker_key: String::new(),
            trouble: None,
            ash,
        }
        .keyed()
    }

    fn keyed(mut self) -> Self {
        self.breaker_key = self.plan.connect.endpoint();
        self
    }

    /// Notes a failure for this scrape's outcome (the first trouble failure wins).
    fn note_failure(&mut self, code: Option<&str>, message: &str) {
        let kind = FailureKind::classify(code, message);
        if kind.trips_breaker() && self.trouble.is_none() {
            self.trouble = Some(kind);
        }
    }

    async fn run(&mut self) {
        if self.ctx.output.wants(Signal::Logs)
            && self.top.is_none()
            && self.samples.is_none()
            && self.ash.is_none()
        {
            tracing::warn!(
                receiver = %self.label,
                "mysql: this receiver is in a logs pipeline but emits no logs: its query events are off (opt-in, as \
                 in the Collector) and active_session_history is off; set events.db.server.top_query.enabled: true \
                 and/or events.db.server.query_sample.enabled: true"
            );
        }
        tokio::time::sleep(self.plan.initial_delay).await;
        let mut ticker = Ticker::new(self.plan.collection_interval);
        let shutdown = self.ctx.shutdown.clone();
        if let Some(ash) = self.ash.as_mut() {
            let guards = crate::ash::Guards {
                admission: self.ctx.output.admission().clone(),
                breaker: self.breaker.clone(),
                key: self.breaker_key.clone(),
            };
            ash.start(self.plan.connect.clone(), guards, shutdown.clone());
        }
        while ticker.tick(&shutdown).await {
            self.scrape().await;
            self.send_ash().await;
        }
    }

    fn resource(&self) -> Resource {
        let mut a = Attributes::new();
        if self.plan.resource_endpoint {
            a.insert(RESOURCE_ENDPOINT, self.plan.endpoint.clone());
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

    /// Active session history of the interval since the last scrape (metrics and session events).
    async fn send_ash(&mut self) {
        let Some(ash) = self.ash.as_mut() else { return };
        let out = ash.collect();
        self.send(out.metrics).await;
        if !out.records.is_empty() && self.ctx.output.wants(Signal::Logs) {
            let sig = SignalData::Logs(Logs {
                resource_logs: vec![ResourceLogs {
                    resource: self.resource(),
                    scope_logs: vec![ScopeLogs {
                        scope: Self::scope(),
                        log_records: out.records,
                        schema_url: String::new(),
                    }],
                    schema_url: String::new(),
                }],
            });
            let _ = self.ctx.output.send(sig).await;
        }
    }

    /// Sends query events (`db.server.top_query`, `db.server.query_sample`) as one logs batch. As
    /// in contrib, the server's product and version are attributes of the instrumentation scope.
    async fn send_logs(&self, records: Vec<LogRecord>, server: &ServerInfo) {
        if records.is_empty() || !self.ctx.output.wants(Signal::Logs) {
            return;
        }
        let mut scope = Self::scope();
        scope.attributes.insert("db.product", server.flavor());
        scope.attributes.insert("db.version", server.version.clone());
        let sig = SignalData::Logs(Logs {
            resource_logs: vec![ResourceLogs {
                resource: self.resource(),
                scope_logs: vec![ScopeLogs { scope, log_records: records, schema_url: String::new() }],
                schema_url: String::new(),
            }],
        });
        let _ = self.ctx.output.send(sig).await;
    }

    async fn send(&self, metrics: Vec<Metric>) {
        if metrics.is_empty() || !self.ctx.output.wants(Signal::Metrics) {
            return;
        }
        let scope = Self::scope();
        let sig = SignalData::Metrics(Metrics {
            resource_metrics: vec![ResourceMetrics {
                resource: self.resource(),
                scope_metrics: vec![ScopeMetrics { scope, metrics, schema_url: String::new() }],
                schema_url: String::new(),
            }],
        });
        let _ = self.ctx.output.send(sig).await;
    }

    /// The connection, opened if there is none and the backoff allows; failures are reported once
    /// per streak, counted, and put into the health status.
    async fn connection(&mut self) -> Option<&mut MyConn> {
        if self.conn.is_none() {
            if Instant::now() < self.retry_at {
                return None;
            }
            match MyConn::connect(&self.plan.connect).await {
                Ok(c) => {
                    self.backoff.reset();
                    if self.connection.succeed() {
                        tracing::info!(receiver = %self.label, endpoint = %self.plan.connect.endpoint(), "mysql: connected again");
                    }
                    tracing::info!(
                        receiver = %self.label, endpoint = %self.plan.connect.endpoint(),
                        flavor = c.info.flavor(), version = %c.info.version,
                        "mysql: connected"
                    );
                    if c.info.end_of_life() {
                        tracing::warn!(
                            receiver = %self.label, version = %c.info.version,
                            "mysql: this MySQL version is past its end of life; metrics are collected, upgrade to 8.0 or later"
                        );
                    }
                    self.ctx.health.ok();
                    self.conn = Some(c);
                    if let Some(f) = self.features.as_mut() {
                        f.reconnected();
                    }
                }
                Err(e) => {
                    self.telemetry.connect_errors.inc();
                    self.note_failure(e.code(), &e.to_string());
                    self.retry_at = Instant::now() + self.backoff.next_delay();
                    let text = format!(
                        "cannot reach MySQL/MariaDB at {}: {e} ({})",
                        self.plan.connect.endpoint(),
                        e.hint()
                    );
                    if self.connection.fail() {
                        tracing::warn!(
                            receiver = %self.label, endpoint = %self.plan.connect.endpoint(), error = %e, hint = e.hint(),
                            "mysql: cannot connect; retrying with backoff (reported once until it works)"
                        );
                    }
                    self.ctx.health.recoverable(text);
                    return None;
                }
            }
        }
        self.conn.as_mut()
    }

    async fn scrape(&mut self) {
        self.breaker.poll();
        if let dbintel_core::Admit::Skip { .. } = self.ctx.output.admit(None) {
            return;
        }
        // The server's breaker (an open one skips the scrape: no connection attempt, no statement).
        let key = self.breaker_key.clone();
        if let dbintel_core::Admit::Skip { .. } = self.ctx.output.admit(Some(&key)) {
            return;
        }
        self.trouble = None;
        let started = Instant::now();
        let enabled = self.plan.metrics.clone();
        let mut b = enabled.table().builder(self.start_time, now_unix_nanos(), MAX_POINTS_PER_SCRAPE);
        // A connection lost mid-scrape (server restart, idle timeout) is reopened once at once.
        let mut up = false;
        for attempt in 0..2 {
            match self.collect(&mut b).await {
                Ok(reached) => {
                    up = reached;
                    break;
                }
                Err(e) => {
                    self.note_failure(e.code(), &e.to_string());
                    if let Some(c) = self.conn.take() {
                        c.close().await;
                    }
                    if self.connection.fail() {
                        tracing::warn!(receiver = %self.label, error = %e, "mysql: connection lost; reconnecting");
                    }
                    self.ctx
                        .health
                        .recoverable(format!("connection to {} lost: {e}", self.plan.connect.endpoint()));
                    if attempt == 0 {
                        self.retry_at = Instant::now();
                    }
                }
            }
        }
        self.telemetry.up.set(i64::from(up));
        b.record_at(MetricId::Up.index(), NumberValue::Int(i64::from(up)), Attributes::new());
        self.telemetry.scraper.scraped_points.add(b.point_count() as u64);
        if b.dropped() > 0 {
            self.count_dropped("points", b.dropped());
        }
        let mut elapsed = started.elapsed();
        self.telemetry.scraper.duration.record(elapsed.as_secs_f64());
        let mut metrics = b.finish();
        metrics.append(&mut self.feature_metrics);
        self.send(metrics).await;
        if let Some((records, server)) = self.pending_logs.take() {
            self.send_logs(records, &server).await;
        }
        if up && self.breaker.shed(&key) < Shed::Samples {
            elapsed = elapsed.max(self.query_samples().await);
        }
        // Query intelligence ran under the adaptive timeout: the plan's limit back.
        self.qi_statement_limit(false).await;
        // One outcome per collection, once its query samples ran too: its first trouble failure
        // (metrics, top queries or samples), else how long its slowest part took.
        let outcome = match self.trouble.take() {
            Some(kind) => Outcome::Failure(kind),
            None if up => Outcome::Success { elapsed },
            // No connection attempt was due (backoff): nothing happened to report.
            None => Outcome::Success { elapsed: Duration::ZERO },
        };
        if up || matches!(outcome, Outcome::Failure(_)) {
            self.breaker.report(&key, outcome);
        }
    }

    /// Query intelligence (top queries, samples) under the circuit breaker's adaptive timeout
    /// (`adaptive`), never longer than the receiver's `timeout`; the plan's limit otherwise. One
    /// `SET` when the session's limit changes, none when it is already in force.
    async fn qi_statement_limit(&mut self, adaptive: bool) {
        let own = self.plan.connect.statement_timeout;
        let want = if adaptive { self.breaker.statement_timeout(&self.breaker_key, own) } else { Some(own) };
        let (Some(t), Some(conn)) = (want, self.conn.as_mut()) else { return };
        if let Err(e) = conn.set_statement_limit(t).await {
            tracing::debug!(receiver = %self.label, error = %e, "mysql: statement time limit not changed");
        }
    }

    /// `db.server.query_sample` when due; statement failures are counted and reported once per
    /// streak and feed the circuit breaker, a lost connection is closed (reopened on the next
    /// scrape). Returns how long it took.
    async fn query_samples(&mut self) -> Duration {
        if !self.samples.as_ref().is_some_and(|s| s.due(Instant::now())) || self.conn.is_none() {
            return Duration::ZERO;
        }
        self.qi_statement_limit(true).await;
        let started = Instant::now();
        let (Some(samples), Some(plans), Some(conn)) =
            (self.samples.as_mut(), self.plans.as_mut(), self.conn.as_mut())
        else {
            return Duration::ZERO;
        };
        let result = samples.collect(conn, plans, now_unix_nanos()).await;
        let elapsed = started.elapsed();
        match result {
            Ok(outcome) => {
                for (_, e) in &outcome.failures {
                    self.note_failure(e.code(), &e.to_string());
                }
                let Some(conn) = self.conn.as_ref() else { return elapsed };
                if outcome.failures.is_empty() {
                    if self.sample_queries.succeed() {
                        tracing::info!(receiver = %self.label, "mysql: query sample statements work again");
                    }
                } else {
                    self.telemetry.query_errors.add(outcome.failures.len() as u64);
                    let (what, e) = &outcome.failures[0];
                    if self.sample_queries.fail() {
                        tracing::warn!(
                            receiver = %self.label, statement = %what, error = %e, hint = e.hint(),
                            "mysql: a query sample statement failed; samples go on without it (reported once until it works)"
                        );
                    }
                }
                let info = conn.info.clone();
                self.send_logs(outcome.records, &info).await;
            }
            Err(e) => {
                self.note_failure(e.code(), &e.to_string());
                tracing::warn!(receiver = %self.label, error = %e, "mysql: connection lost while sampling queries");
                if let Some(c) = self.conn.take() {
                    c.close().await;
                }
            }
        }
        elapsed
    }

    /// Counts rows or points a cap left out; the first time per family, says so.
    fn count_dropped(&mut self, family: &'static str, n: u64) {
        let label = self.label.clone();
        let t = &self.ctx.telemetry;
        self.telemetry
            .dropped
            .entry(family)
            .or_insert_with(|| {
                t.counter(
                    "dbintel_mysql_series_dropped_total",
                    "Rows (tables, indexes, digests) or points left out by the mysql receiver's caps",
                    &[("receiver", label.as_str()), ("family", family)],
                )
            })
            .add(n);
        if self.reported_dropped.insert(family) {
            tracing::warn!(
                receiver = %label, family, left_out = n,
                "mysql: a cardinality cap left series out (raise `max_tables` or `statement_events.limit`); \
                 counted in dbintel_mysql_series_dropped_total (reported once)"
            );
        }
    }

    /// Says once what the server lacks for the enabled features (the `dbintel doctor` checks:
    /// performance_schema, consumers, instruments, text lengths, grants, end of life), each with
    /// its fix. Advisory findings are logged at info level; the receiver keeps running either way.
    async fn report_diagnosis(&mut self) {
        let Some(conn) = self.conn.as_mut() else { return };
        let target = self.plan.connect.endpoint();
        let findings = crate::diagnose::run_checks(conn, &self.plan, &target, crate::diagnose::today()).await;
        for f in findings.iter().filter(|f| !f.ok) {
            let fix = f.fix.as_deref().unwrap_or("");
            if f.unknown {
                tracing::warn!(
                    receiver = %self.label, check = %f.check, problem = %f.message, fix,
                    "mysql: cannot check the monitored server (the user may not read it); the receiver keeps running"
                );
            } else if f.advisory {
                tracing::info!(
                    receiver = %self.label, check = %f.check, problem = %f.message, fix,
                    "mysql: recommended server setting"
                );
            } else {
                tracing::warn!(
                    receiver = %self.label, check = %f.check, problem = %f.message, fix,
                    "mysql: the monitored server is missing something; the receiver keeps running without it"
                );
            }
        }
    }

    /// One pass over the connection: false when there is no connection, an error when it was lost.
    async fn collect(&mut self, b: &mut MetricBuilder<'_>) -> Result<bool, DbError> {
        let label = self.label.clone();
        let settings = self.settings.clone();
        if self.connection().await.is_none() {
            return Ok(false);
        }
        if !self.diagnosed {
            self.diagnosed = true;
            self.report_diagnosis().await;
        }
        if let (Some(fs), Some(conn)) = (self.features.as_mut(), self.conn.as_mut()) {
            self.feature_metrics = fs.metrics(&label, conn, now_unix_nanos()).await?;
        }
        let Some(conn) = self.conn.as_mut() else { return Ok(false) };
        let mut guarded =
            Guarded { inner: conn, breaker: &self.breaker, key: &self.breaker_key, label: &label };
        let outcome = crate::collect::collect_metrics(&mut guarded, b, &settings).await?;
        if self.breaker.is_active() {
            let (lock_wait, replication_lag) = read_stress(&mut guarded, &label).await?;
            let stress = Stress {
                sessions: outcome.sessions.zip(outcome.max_connections),
                lock_wait,
                replication_lag,
            };
            let key = self.breaker_key.clone();
            self.breaker.stress(&key, stress);
        }
        let (bad, failures) = (outcome.bad, outcome.failures);
        for (sql, e) in outcome.unavailable {
            if self.reported_unavailable.insert(sql.clone()) {
                self.telemetry.query_errors.inc();
                tracing::warn!(
                    receiver = %label, statement = %sql, error = %e, hint = e.hint(),
                    "mysql: statement not permitted or its table is missing; its metrics are skipped (reported once)"
                );
            }
        }
        for (family, n) in outcome.dropped {
            self.count_dropped(family, n);
        }
        for v in bad {
            if self.reported_bad.insert(v.variable) {
                tracing::warn!(
                    receiver = %label, variable = v.variable, problem = %v.problem,
                    "mysql: status value skipped (reported once per variable)"
                );
            }
        }
        if failures.is_empty() {
            if self.queries.succeed() {
                tracing::info!(receiver = %label, "mysql: status statements work again");
            }
            self.ctx.health.ok();
        } else {
            self.telemetry.query_errors.add(failures.len() as u64);
            for (_, e) in &failures {
                self.note_failure(e.code(), &e.to_string());
            }
            let (sql, e) = &failures[0];
            if self.queries.fail() {
                tracing::warn!(
                    receiver = %label, statement = sql, error = %e, hint = e.hint(),
                    "mysql: status statement failed; the rest of the scrape goes on (reported once until it works)"
                );
            }
            self.ctx.health.recoverable(format!("`{sql}` failed: {e} ({})", e.hint()));
        }
        self.collect_queries().await;
        Ok(true)
    }

    /// The query collectors that are due, after the metrics pass. A connection lost here is
    /// reopened at the next scrape (the metrics of this one are already read).
    async fn collect_queries(&mut self) {
        let shed = self.breaker.shed(&self.breaker_key);
        if !self.ctx.output.wants(Signal::Logs) || shed >= Shed::TopQueries {
            return;
        }
        if !self.top.as_ref().is_some_and(|t| t.due(Instant::now())) {
            return;
        }
        self.qi_statement_limit(true).await;
        let (Some(top), Some(conn)) = (self.top.as_mut(), self.conn.as_mut()) else { return };
        let result = top.collect_if_due(conn).await;
        let errors = top.take_errors();
        // Its failures (timeouts under the adaptive limit, lock timeouts, lost connections) are
        // trouble for the breaker like the metrics pass's.
        for e in errors {
            self.note_failure(e.code(), &e.to_string());
        }
        let Some(conn) = self.conn.as_mut() else { return };
        match result {
            Ok(mut queries) if !queries.is_empty() => {
                // Plans of the top queries share the samples' cache and EXPLAIN budget, on the
                // plans' own connection, time-boxed to half a scrape interval.
                if let Some(plans) = self.plans.as_mut().filter(|_| shed < Shed::Plans) {
                    plans.set_deadline(Some(Instant::now() + self.plan.collection_interval / 2));
                    for q in &mut queries {
                        let (Some(text), Some(digest)) = (q.explain_text.as_deref(), q.key.digest.as_deref())
                        else {
                            continue;
                        };
                        if let Some(p) = plans.plan_for(q.key.schema.as_deref(), digest, text).await {
                            let mut attrs = Attributes::new();
                            p.apply(&mut attrs);
                            q.plan = Some(attrs);
                        }
                    }
                    plans.set_deadline(None);
                }
                let records = crate::query::top::records(&queries, &conn.info);
                self.pending_logs = Some((records, conn.info.clone()));
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(receiver = %self.label, error = %e, "mysql: connection lost during query collection; reconnecting");
                if let Some(c) = self.conn.take() {
                    c.close().await;
                }
            }
        }
    }
}

/// The metrics pass's statements through the breaker's feature-aware actions: a statement refused for
/// a missing grant or table, or "not supported", is disabled on this server for a backoff (logged
/// once with the fix) and answers with its refusal meanwhile without reaching the server; a success
/// re-enables it.
struct Guarded<'a> {
    inner: &'a mut MyConn,
    breaker: &'a BreakerHandle,
    key: &'a str,
    label: &'a str,
}

impl Guarded<'_> {
    fn before(&self, sql: &str) -> Result<(), DbError> {
        match self.breaker.disabled_kind(self.key, sql) {
            None => Ok(()),
            Some(kind) => Err(DbError::Query {
                message: format!(
                    "disabled for a while by the circuit breaker after a {} error",
                    kind.as_str()
                ),
                // The refusal's class, so the pass files it with the statements it cannot run.
                code: Some(if kind == FailureKind::PermissionDenied { "1142" } else { "1146" }.to_string()),
                hint: "fix the cause (grant, table, feature); the statement is retried after its backoff",
            }),
        }
    }

    fn after<T>(&self, sql: &str, r: &Result<T, DbError>) {
        match r {
            Ok(_) => {
                self.breaker.query_succeeded(self.key, sql);
            }
            Err(e) => {
                let kind = FailureKind::classify(e.code(), &e.to_string());
                if let Some(backoff) = self.breaker.disable_query(self.key, sql, kind) {
                    tracing::warn!(
                        receiver = %self.label, statement = %sql, error = %e, kind = kind.as_str(),
                        backoff = ?backoff, fix = e.hint(),
                        "mysql: statement disabled for a while by the circuit breaker's feature-aware action; retried after the backoff"
                    );
                }
            }
        }
    }
}

#[async_trait]
impl crate::conn::Source for Guarded<'_> {
    fn info(&self) -> &ServerInfo {
        &self.inner.info
    }

    async fn rows(&mut self, sql: &str) -> Result<Vec<crate::conn::TextRow>, DbError> {
        self.before(sql)?;
        let r = self.inner.rows(sql).await;
        self.after(sql, &r);
        r
    }

    async fn named_rows(&mut self, sql: &str) -> Result<(Vec<String>, Vec<crate::conn::TextRow>), DbError> {
        self.before(sql)?;
        let r = self.inner.named_rows(sql).await;
        self.after(sql, &r);
        r
    }

    async fn name_values(
        &mut self,
        sql: &str,
    ) -> Result<std::collections::HashMap<String, Option<String>>, DbError> {
        self.before(sql)?;
        let r = self.inner.name_values(sql).await;
        self.after(sql, &r);
        r
    }

    fn sent_statements(&self) -> Vec<String> {
        self.inner.sent_statements()
    }
}
