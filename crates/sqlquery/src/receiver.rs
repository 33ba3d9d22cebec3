//! The receiver's run loop: connect (with backoff), scrape every `collection_interval`, isolate each
//! query's failure, and return promptly on shutdown (even mid-query or mid-backoff).

use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::pdata::{
    Attributes, LogRecord, Logs, Metric, Metrics, Resource, ResourceLogs, ResourceMetrics, Scope, ScopeLogs,
    ScopeMetrics, SignalData, now_unix_nanos,
};
use dbintel_core::telemetry::Counter;
use dbintel_core::{ComponentError, Receiver, ReceiverContext, Signal};
use dbintel_dbclient::{ScraperTelemetry, Streak, Ticker};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::Plan;
use crate::db::{Connection, DbError};
use crate::scrape::{self, ProblemKind, Times};
use crate::store::TrackingStore;

pub const SCOPE_NAME: &str = "dbintel/sqlquery";
/// Extra time the client waits beyond `query_timeout`, so the server-side timeout normally fires first.
const CLIENT_GRACE: Duration = Duration::from_secs(1);
const CONNECT_HINT: &str =
    "check that the server is up, the address and credentials are right, and the user may connect";
const BACKOFF_START: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// The `sqlquery` receiver, built by [`crate::SqlQueryFactory`].
pub struct SqlQueryReceiver {
    plan: Plan,
    store: Option<TrackingStore>,
}

impl SqlQueryReceiver {
    pub fn new(plan: Plan) -> Self {
        Self { plan, store: None }
    }

    /// Keeps the tracking values in `store` (the `storage` key), loaded at start.
    pub fn with_store(mut self, store: Option<TrackingStore>) -> Self {
        self.store = store;
        self
    }
}

#[async_trait]
impl Receiver for SqlQueryReceiver {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        let mut runner = Runner::new(self.plan, ctx);
        runner.store = self.store;
        runner.run().await;
        Ok(())
    }
}

/// What became of a batch handed to the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    Accepted,
    /// Refused downstream (the rows are read again next time).
    Refused,
    Shutdown,
}

/// Backoff between connection attempts ([`dbintel_dbclient::Backoff`]: 1s, 2s, 4s, ... with jitter
/// that only shortens a step) capped at the collection interval (within 1s..30s), so the receiver is
/// back within about one interval of the server's return.
struct Backoff(dbintel_dbclient::Backoff);

impl Backoff {
    fn new(collection_interval: Duration) -> Self {
        Self(dbintel_dbclient::Backoff::new(collection_interval.clamp(BACKOFF_START, BACKOFF_MAX)))
    }
    fn reset(&mut self) {
        self.0.reset();
    }
    fn next_delay(&mut self) -> Duration {
        self.0.next_delay()
    }
}

#[derive(Default)]
struct QueryState {
    failing: Streak,
    tracking: Option<String>,
    last_scrape: Option<u64>,
    /// Problems reported in the current streak (bounded by scrape::MAX_PROBLEMS).
    reported: Vec<(String, String, ProblemKind)>,
    errors: Counter,
    /// The last result was cut at the row cap (reported once per streak).
    truncating: Streak,
    /// `dbintel_sqlquery_rows_dropped_total{reason="max_rows"}`.
    rows_dropped: Counter,
}

struct Runner {
    plan: Plan,
    ctx: ReceiverContext,
    shutdown: CancellationToken,
    label: String,
    conn: Option<Connection>,
    system_name: &'static str,
    start_time: u64,
    states: Vec<QueryState>,
    connect_failing: Streak,
    ever_connected: bool,
    invalid_values: Counter,
    scraper: ScraperTelemetry,
    store: Option<TrackingStore>,
    /// Writing the tracking file fails (reported once per streak).
    store_failing: Streak,
}

impl Runner {
    fn new(plan: Plan, ctx: ReceiverContext) -> Self {
        let label = ctx.id.to_string();
        let t = &ctx.telemetry;
        let labels = [("receiver", label.as_str())];
        let invalid_values = t.counter(
            "dbintel_sqlquery_invalid_values_total",
            "Values (metric points and log records) skipped because they were NULL, non-numeric or missing",
            &labels,
        );
        let scraper = ScraperTelemetry::new(t, &label);
        let states = (0..plan.queries.len())
            .map(|i| QueryState {
                errors: t.counter(
                    "dbintel_sqlquery_query_errors_total",
                    "Failed executions of a configured query",
                    &[("receiver", label.as_str()), ("query_index", i.to_string().as_str())],
                ),
                rows_dropped: t.counter(
                    "dbintel_sqlquery_rows_dropped_total",
                    "Result rows dropped, by reason (max_rows: past the per-query row cap)",
                    &[
                        ("receiver", label.as_str()),
                        ("query_index", i.to_string().as_str()),
                        ("reason", "max_rows"),
                    ],
                ),
                ..QueryState::default()
            })
            .collect();
        let system_name = match plan.driver {
            crate::dsn::Driver::Postgres => "postgresql",
            crate::dsn::Driver::Mysql if plan.declared_mariadb => "mariadb",
            crate::dsn::Driver::Mysql => "mysql",
        };
        Self {
            shutdown: ctx.shutdown.clone(),
            plan,
            ctx,
            label,
            conn: None,
            system_name,
            start_time: now_unix_nanos(),
            states,
            connect_failing: Streak::default(),
            ever_connected: false,
            invalid_values,
            scraper,
            store: None,
            store_failing: Streak::default(),
        }
    }

    /// Loads the stored tracking values (off the runtime threads) into the queries they belong to.
    async fn load_tracking(&mut self) {
        let Some(store) = self.store.clone() else { return };
        let loaded = tokio::task::spawn_blocking(move || store.load()).await;
        let stored = match loaded {
            Ok(Ok(values)) => values,
            Ok(Err(e)) => {
                tracing::warn!(receiver = %self.label, error = %e, "sqlquery: stored tracking values not usable");
                return;
            }
            Err(e) => {
                tracing::warn!(receiver = %self.label, error = %e, "sqlquery: reading the tracking values failed");
                return;
            }
        };
        let mut resumed = 0;
        for (i, q) in self.plan.queries.iter().enumerate() {
            if let Some(key) = q.tracking_key()
                && let Some(v) = stored.get(&key)
            {
                self.states[i].tracking = Some(v.clone());
                resumed += 1;
            }
        }
        tracing::info!(
            receiver = %self.label, resumed, stored = stored.len(),
            "sqlquery: tracking values loaded from storage; queries resume after the last delivered row"
        );
    }

    /// Writes every tracking query's current value to the store (atomically, off the runtime
    /// threads). A failure is reported once per streak; the values stay in memory.
    async fn save_tracking(&mut self) {
        let Some(store) = self.store.clone() else { return };
        let values: std::collections::BTreeMap<String, String> = self
            .plan
            .queries
            .iter()
            .zip(&self.states)
            .filter_map(|(q, st)| Some((q.tracking_key()?, st.tracking.clone()?)))
            .collect();
        let result = tokio::task::spawn_blocking(move || store.save(&values).map_err(|e| e.to_string()))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        match result {
            Ok(()) => {
                if self.store_failing.succeed() {
                    tracing::info!(receiver = %self.label, "sqlquery: tracking values are stored again");
                }
            }
            Err(e) => {
                if self.store_failing.fail() {
                    tracing::warn!(
                        receiver = %self.label, error = %e,
                        "sqlquery: cannot store the tracking values; they are kept in memory (a restart \
                         now would read rows again). Reported once until a write succeeds"
                    );
                }
            }
        }
    }

    fn secret(&self) -> Option<&str> {
        self.plan.datasource.target().password.as_deref()
    }

    /// Sleeps, returning false if shutdown came first.
    async fn sleep(&self, d: Duration) -> bool {
        tokio::select! {
            _ = self.shutdown.cancelled() => false,
            _ = tokio::time::sleep(d) => true,
        }
    }

    async fn run(mut self) {
        for w in &self.plan.warnings {
            tracing::warn!(receiver = %self.label, key = %w.path, "sqlquery: {}", w.message);
        }
        self.load_tracking().await;
        if !self.sleep(self.plan.initial_delay).await {
            return;
        }
        let mut backoff = Backoff::new(self.plan.collection_interval);
        let mut ticker = Ticker::new(self.plan.collection_interval);
        loop {
            if self.shutdown.is_cancelled() {
                return;
            }
            if self.conn.is_none() {
                match self.connect().await {
                    None => return,
                    Some(true) => backoff.reset(),
                    Some(false) => {
                        if !self.sleep(backoff.next_delay()).await {
                            return;
                        }
                        continue;
                    }
                }
            }
            if !ticker.tick(&self.shutdown).await || !self.scrape().await {
                return;
            }
        }
    }

    /// Connects; `None` on shutdown, `Some(connected)` otherwise.
    async fn connect(&mut self) -> Option<bool> {
        let limit = self.plan.query_timeout.max(Duration::from_secs(2)) + CLIENT_GRACE;
        let attempt =
            tokio::time::timeout(limit, Connection::connect(&self.plan.datasource, self.plan.query_timeout));
        let result = tokio::select! {
            _ = self.shutdown.cancelled() => return None,
            r = attempt => r,
        };
        let target = self.plan.datasource.target();
        let endpoint =
            if target.socket { target.host.clone() } else { format!("{}:{}", target.host, target.port) };
        match result {
            Ok(Ok((conn, info))) => {
                self.conn = Some(conn);
                self.system_name = info.system_name;
                if self.connect_failing.succeed() || !self.ever_connected {
                    tracing::info!(
                        receiver = %self.label, endpoint = %endpoint, system = info.system_name,
                        version = %info.version, "sqlquery: connected"
                    );
                }
                self.ever_connected = true;
                self.ctx.health.ok();
                Some(true)
            }
            Ok(Err(e)) => {
                let (msg, hint) = match &e {
                    // A TLS failure carries its own fix; log it as the hint, not twice.
                    DbError::Lost(m) => match dbintel_dbclient::tls::tls_failure_hint(m) {
                        Some(hint) => (m.split(" (to fix: ").next().unwrap_or(m).to_string(), hint),
                        None => (m.clone(), CONNECT_HINT),
                    },
                    // The server refused the session with a code (access denied, unknown database).
                    DbError::Query { message, hint, .. } => (message.clone(), *hint),
                };
                self.connect_error(&endpoint, &msg, hint);
                Some(false)
            }
            Err(_) => {
                self.connect_error(&endpoint, &format!("timed out after {limit:?}"), CONNECT_HINT);
                Some(false)
            }
        }
    }

    fn connect_error(&mut self, endpoint: &str, msg: &str, hint: &str) {
        let msg = crate::dsn::scrub(msg, self.secret());
        if self.connect_failing.fail() {
            tracing::warn!(
                receiver = %self.label, endpoint = %endpoint, error = %msg, hint = %hint,
                "sqlquery: cannot connect; retrying with backoff"
            );
        }
        self.ctx.health.recoverable(format!("cannot connect to {endpoint}: {msg}"));
    }

    fn resource(&self) -> Resource {
        let t = self.plan.datasource.target();
        let mut attributes = Attributes::new();
        attributes.insert("db.system.name", self.system_name);
        attributes.insert("server.address", t.host.clone());
        if !t.socket {
            attributes.insert("server.port", i64::from(t.port));
        }
        if let Some(db) = &t.database {
            attributes.insert("db.namespace", db.clone());
        }
        Resource { attributes }
    }

    fn scope() -> Scope {
        Scope {
            name: SCOPE_NAME.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            ..Default::default()
        }
    }

    fn report_query_error(&mut self, index: usize, err: &DbError) {
        let state = &mut self.states[index];
        state.errors.inc();
        self.scraper.errored_points.add(self.plan.queries[index].metrics.len() as u64);
        if state.failing.fail() {
            tracing::warn!(
                receiver = %self.label, query_index = index, error = %err, hint = err.hint(),
                "sqlquery: query failed; it is retried every interval (reported once until it succeeds)"
            );
        }
    }

    /// One scrape of every query; false on shutdown.
    async fn scrape(&mut self) -> bool {
        // Admission: skip this scrape while told to (logged once per streak, counted).
        if let dbintel_core::Admit::Skip { .. } = self.ctx.output.admit(None) {
            return true;
        }
        let started = Instant::now();
        let now = now_unix_nanos();
        let want_metrics = self.ctx.output.wants(Signal::Metrics);
        let want_logs = self.ctx.output.wants(Signal::Logs);
        let mut metrics: Vec<Metric> = Vec::new();
        let mut logs: Vec<LogRecord> = Vec::new();
        let client_timeout = self.plan.query_timeout + CLIENT_GRACE;
        let secret = self.plan.datasource.target().password.clone();
        // Tracking values advance once the rows they cover were accepted downstream.
        let mut pending: Vec<(usize, String)> = Vec::new();

        for index in 0..self.plan.queries.len() {
            let q = &self.plan.queries[index];
            let wm = want_metrics && !q.metrics.is_empty();
            let wl = want_logs && !q.logs.is_empty();
            if !wm && !wl {
                continue;
            }
            let Some(conn) = self.conn.as_mut() else { break };
            let param = q
                .tracking
                .as_ref()
                .map(|t| self.states[index].tracking.clone().unwrap_or_else(|| t.start_value.clone()));
            if self.plan.log_queries {
                tracing::info!(receiver = %self.label, query_index = index, sql = %q.sql, "sqlquery: running query");
            }
            let cancel = conn.cancel_token();
            let survives = conn.survives_abandoned_query();
            let result = tokio::select! {
                _ = self.shutdown.cancelled() => {
                    spawn_cancel(cancel);
                    return false;
                }
                r = tokio::time::timeout(client_timeout, conn.query(&q.sql, param.as_deref(), secret.as_deref())) => r,
            };
            match result {
                Ok(Ok(rs)) => {
                    let q = &self.plan.queries[index];
                    let state = &mut self.states[index];
                    if state.failing.succeed() {
                        tracing::info!(receiver = %self.label, query_index = index, "sqlquery: query succeeds again");
                    }
                    if rs.truncated {
                        state.rows_dropped.add(rs.dropped_rows);
                        if state.truncating.fail() {
                            tracing::warn!(
                                receiver = %self.label, query_index = index, max_rows = crate::db::MAX_ROWS_PER_QUERY,
                                dropped_rows = rs.dropped_rows,
                                "sqlquery: the query returned too many rows; the rest were dropped (add LIMIT or \
                                 aggregate). Counted in dbintel_sqlquery_rows_dropped_total{{reason=\"max_rows\"}}; \
                                 reported once until a result fits again"
                            );
                        }
                    } else if state.truncating.succeed() {
                        tracing::info!(receiver = %self.label, query_index = index, "sqlquery: the query result fits the row cap again");
                    }
                    let times = Times {
                        now,
                        cumulative_start: self.start_time,
                        delta_start: state.last_scrape.unwrap_or(self.start_time),
                    };
                    let out = scrape::build(q, &rs, times, wm, wl);
                    state.last_scrape = Some(now);
                    if wl && let Some(t) = out.tracking {
                        pending.push((index, t));
                    }
                    let mut keys = Vec::with_capacity(out.problems.len());
                    for p in &out.problems {
                        let key = (p.target.clone(), p.column.clone(), p.kind.clone());
                        if !state.reported.contains(&key) {
                            tracing::warn!(
                                receiver = %self.label, query_index = index, metric = %p.target, column = %p.column,
                                rows = p.count, "sqlquery: {}; the point is skipped", p.describe()
                            );
                        }
                        keys.push(key);
                    }
                    state.reported = keys;
                    self.invalid_values.add(out.invalid + out.invalid_records);
                    self.scraper.errored_points.add(out.invalid);
                    self.scraper.scraped_points.add(out.points);
                    metrics.extend(out.metrics);
                    logs.extend(out.logs);
                }
                Ok(Err(e)) => {
                    self.report_query_error(index, &e);
                    if let DbError::Lost(msg) = &e {
                        self.conn = None;
                        self.ctx.health.recoverable(format!("connection lost: {msg}"));
                        self.connect_failing.fail();
                        break;
                    }
                }
                Err(_) => {
                    let e = DbError::Query {
                        message: format!("no answer within {client_timeout:?} (client-side timeout)"),
                        code: None,
                        hint: "the query hit the statement timeout: make it cheaper or raise `query_timeout`",
                    };
                    self.report_query_error(index, &e);
                    spawn_cancel(cancel);
                    if !survives {
                        // The connection is mid-result: replace it now so the other queries still run.
                        self.conn = None;
                        if self.connect().await.is_none() {
                            return false;
                        }
                    }
                }
            }
        }
        self.scraper.duration.record(started.elapsed().as_secs_f64());

        if !metrics.is_empty() {
            let data = SignalData::Metrics(Metrics {
                resource_metrics: vec![ResourceMetrics {
                    resource: self.resource(),
                    scope_metrics: vec![ScopeMetrics {
                        scope: Self::scope(),
                        metrics,
                        schema_url: String::new(),
                    }],
                    schema_url: String::new(),
                }],
            });
            if self.send(data).await == Sent::Shutdown {
                return false;
            }
        }
        let mut delivered = true;
        if !logs.is_empty() {
            let data = SignalData::Logs(Logs {
                resource_logs: vec![ResourceLogs {
                    resource: self.resource(),
                    scope_logs: vec![ScopeLogs {
                        scope: Self::scope(),
                        log_records: logs,
                        schema_url: String::new(),
                    }],
                    schema_url: String::new(),
                }],
            });
            match self.send(data).await {
                Sent::Shutdown => return false,
                Sent::Refused => delivered = false,
                Sent::Accepted => {}
            }
        }
        if delivered && !pending.is_empty() {
            let mut changed = false;
            for (index, value) in pending {
                let slot = &mut self.states[index].tracking;
                if slot.as_deref() != Some(value.as_str()) {
                    *slot = Some(value);
                    changed = true;
                }
            }
            if changed {
                self.save_tracking().await;
            }
        }
        true
    }

    async fn send(&self, data: SignalData) -> Sent {
        tokio::select! {
            _ = self.shutdown.cancelled() => Sent::Shutdown,
            r = self.ctx.output.send(data) => match r {
                Ok(_) => Sent::Accepted,
                Err(e) => {
                    tracing::debug!(receiver = %self.label, error = %e, "sqlquery: data refused downstream");
                    Sent::Refused
                }
            }
        }
    }
}

/// Asks the server to cancel the running statement (over the connection's TLS), in the background
/// and bounded in time.
fn spawn_cancel(cancel: Option<crate::db::Cancel>) {
    if let Some(cancel) = cancel {
        cancel.spawn();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_cap_with_jitter() {
        let mut b = Backoff::new(Duration::from_secs(60));
        let delays: Vec<Duration> = (0..8).map(|_| b.next_delay()).collect();
        assert!(delays[0] >= Duration::from_millis(500) && delays[0] <= Duration::from_secs(1));
        assert!(delays[1] >= Duration::from_secs(1) && delays[1] <= Duration::from_secs(2));
        assert!(delays[7] <= BACKOFF_MAX && delays[7] >= BACKOFF_MAX / 2);
        b.reset();
        assert!(b.next_delay() <= Duration::from_secs(1));
    }

    #[test]
    fn backoff_never_waits_longer_than_the_collection_interval() {
        for interval in [Duration::from_millis(100), Duration::from_secs(3), Duration::from_secs(10)] {
            let mut b = Backoff::new(interval);
            let cap = interval.max(BACKOFF_START);
            let steps: Vec<Duration> = (0..12).map(|_| b.next_delay()).collect();
            assert!(steps.iter().all(|d| *d <= cap), "{interval:?}: {steps:?}");
        }
    }
}
