//! The run loop: connect (with backoff), detect features (cached; again after a reconnect, on
//! `refresh_interval`, and after a query failed as if a feature went away), then per category run
//! the best eligible query, falling back down the ranking within the same collection when one
//! fails, and report which query serves each category (a log line per switch, a self-telemetry
//! gauge always).
//!
//! Connections: categories run concurrently, each on a connection of its own, at most
//! `max_open_connections` at a time (the bound on server-side sessions); between collections at
//! most `max_idle_connections` stay open (at least one is opened again for the next collection).
//!
//! `search_path`: on PostgreSQL every built-in query and feature probe runs under
//! `SET LOCAL search_path = pg_catalog, <schemas of the extensions it needs>, pg_temp` in the same
//! implicit transaction (one round trip), so a function or view a user created elsewhere (a
//! `public.array_to_string(int[], text)` that would win overload resolution) is never called.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::pdata::{
    Attributes, LogRecord, Logs, Metric, Metrics, Resource, ResourceLogs, ResourceMetrics, Scope, ScopeLogs,
    ScopeMetrics, SignalData, now_unix_nanos,
};
use dbintel_core::telemetry::{Counter, Gauge};
use dbintel_core::{ComponentError, Receiver, ReceiverContext, Signal};
use dbintel_dbclient::features::{
    self, FeatureCache, FeatureDetectionConfig, Features, MAX_PROBE_ROWS, ProbeSource, System,
};
use dbintel_dbclient::{DbError, ScraperTelemetry, Streak, Ticker};
use dbintel_sqlquery::db::{Connection, ResultSet};
use dbintel_sqlquery::dsn::{DataSource, Driver};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::Plan;
use crate::output;
use crate::selector::{Candidate, Selector, Switch};

pub const SCOPE_NAME: &str = "dbintel/enhancedsql";
/// Extra time the client waits beyond a query's `timeout`, so the server's timeout normally fires first.
const CLIENT_GRACE: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// The `enhancedsql` receiver, built by [`crate::EnhancedSqlFactory`].
pub struct EnhancedSqlReceiver {
    plan: Plan,
}

impl EnhancedSqlReceiver {
    pub fn new(plan: Plan) -> Self {
        Self { plan }
    }
}

#[async_trait]
impl Receiver for EnhancedSqlReceiver {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        Runner::new(self.plan, ctx).run().await;
        Ok(())
    }
}

/// The `search_path` a built-in statement runs under on PostgreSQL: the catalog, then the schemas
/// of the extensions it needs (as detected; an extension whose schema is unknown is not searched,
/// so its statement fails and the category falls back), then `pg_temp` last (functions are never
/// looked up there). Schemas are quoted identifiers; `pg_catalog` is not repeated.
pub fn safe_search_path(extensions: &[String], features: Option<&Features>) -> String {
    let mut path = vec!["pg_catalog".to_string()];
    for e in extensions {
        if let Some(schema) = features.and_then(|f| f.schemas.get(e))
            && schema != "pg_catalog"
        {
            let quoted = features::postgres::quote_ident(schema);
            if !path.contains(&quoted) {
                path.push(quoted);
            }
        }
    }
    path.push("pg_temp".to_string());
    path.join(", ")
}

/// The statement as it is sent: on PostgreSQL a built-in query (or probe) runs after
/// `SET LOCAL search_path = ...` in the same implicit transaction, so the setting ends with it and
/// custom `sql` runs under the role's own `search_path`, as written.
pub fn guarded_sql(driver: Driver, candidate: &Candidate, features: Option<&Features>) -> String {
    if driver != Driver::Postgres || !candidate.builtin {
        return candidate.sql.clone();
    }
    let path = safe_search_path(&candidate.requirements.extensions, features);
    format!("SET LOCAL search_path = {path}; {}", candidate.sql)
}

/// The receiver's connection as a feature-probe source.
struct ConnProbe<'a> {
    conn: &'a mut Connection,
    secret: Option<&'a str>,
    postgres: bool,
}

#[async_trait]
impl ProbeSource for ConnProbe<'_> {
    async fn probe_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError> {
        // The probes name extension objects with their schema once it is known.
        let guarded;
        let sql = if self.postgres {
            guarded = format!("SET LOCAL search_path = pg_catalog, pg_temp; {sql}");
            guarded.as_str()
        } else {
            sql
        };
        let rs = self.conn.query(sql, None, self.secret).await?;
        Ok(rs
            .rows
            .into_iter()
            .take(MAX_PROBE_ROWS)
            .map(|r| r.iter().map(|c| c.to_text()).collect())
            .collect())
    }
}

/// Self-telemetry of one category.
struct CategoryTelemetry {
    /// `dbintel_enhancedsql_serving{receiver,name,category,query}`: 1 for the serving candidate.
    serving: Vec<Gauge>,
    fallbacks: Counter,
    errors: Counter,
    /// No candidate could serve (reported once per streak).
    empty: Streak,
}

struct Runner {
    plan: Plan,
    ctx: ReceiverContext,
    shutdown: CancellationToken,
    label: String,
    /// Open connections not in use (at most `max_idle_connections` between collections).
    idle: Vec<Connection>,
    /// A connection was lost or could not be opened: the next one opened is a reconnect (features
    /// are detected again).
    lost: bool,
    /// From the connection (`postgresql`, `mysql`, `mariadb`).
    system_name: &'static str,
    start_time: u64,
    /// Always kept: the extensions' schemas serve the `search_path` even with `feature_detection`
    /// off; then the detection neither chooses queries nor is emitted.
    cache: FeatureCache,
    detection: FeatureDetectionConfig,
    /// `feature_detection` is on: the detection chooses queries and is emitted.
    detection_on: bool,
    selectors: Vec<Selector>,
    telemetry: Vec<CategoryTelemetry>,
    connect_failing: Streak,
    detect_failing: Streak,
    scraper: ScraperTelemetry,
    rows_dropped: Counter,
    invalid_values: Counter,
}

impl Runner {
    fn new(plan: Plan, ctx: ReceiverContext) -> Self {
        let label = ctx.id.to_string();
        let t = &ctx.telemetry;
        let selectors: Vec<Selector> = plan
            .categories
            .iter()
            .map(|c| Selector::new(c.candidates.clone(), plan.collection_interval))
            .collect();
        let telemetry = plan
            .categories
            .iter()
            .map(|c| {
                let base = [("receiver", label.as_str()), ("name", c.name.as_str())];
                CategoryTelemetry {
                    serving: c
                        .candidates
                        .iter()
                        .map(|cand| {
                            t.gauge(
                                "dbintel_enhancedsql_serving",
                                "1 for the query serving the category now, 0 for its other candidates",
                                &[
                                    base[0],
                                    base[1],
                                    ("category", c.category.as_str()),
                                    ("query", cand.name.as_str()),
                                ],
                            )
                        })
                        .collect(),
                    fallbacks: t.counter(
                        "dbintel_enhancedsql_fallbacks_total",
                        "Switches of a category to a lower-priority query after the better one failed",
                        &base,
                    ),
                    errors: t.counter(
                        "dbintel_enhancedsql_query_errors_total",
                        "Failed executions of a category's candidate queries",
                        &base,
                    ),
                    empty: Streak::default(),
                }
            })
            .collect();
        let detection = plan.feature_detection.clone().unwrap_or_default();
        let detection_on = plan.feature_detection.is_some();
        let cache = FeatureCache::new(detection.cache_duration.get(), detection.refresh_interval.get());
        let system_name = match plan.driver {
            Driver::Postgres => "postgresql",
            Driver::Mysql if plan.declared_mariadb => "mariadb",
            Driver::Mysql => "mysql",
        };
        Self {
            shutdown: ctx.shutdown.clone(),
            scraper: ScraperTelemetry::new(t, &label),
            rows_dropped: t.counter(
                "dbintel_enhancedsql_rows_dropped_total",
                "Result rows beyond a query's max_rows, dropped",
                &[("receiver", label.as_str())],
            ),
            invalid_values: t.counter(
                "dbintel_enhancedsql_invalid_values_total",
                "Metric values skipped because they were NULL, non-numeric or their column was missing",
                &[("receiver", label.as_str())],
            ),
            plan,
            ctx,
            label,
            idle: Vec::new(),
            lost: true,
            system_name,
            start_time: now_unix_nanos(),
            cache,
            detection,
            detection_on,
            selectors,
            telemetry,
            connect_failing: Streak::default(),
            detect_failing: Streak::default(),
        }
    }

    fn secret(&self) -> Option<String> {
        self.plan.datasource.target().password.clone()
    }

    async fn sleep(&self, d: Duration) -> bool {
        tokio::select! {
            _ = self.shutdown.cancelled() => false,
            _ = tokio::time::sleep(d) => true,
        }
    }

    async fn run(mut self) {
        if !self.sleep(self.plan.initial_delay).await {
            return;
        }
        let mut backoff = dbintel_dbclient::Backoff::new(
            self.plan.collection_interval.clamp(Duration::from_secs(1), BACKOFF_MAX),
        );
        let mut ticker = Ticker::new(self.plan.collection_interval);
        loop {
            if self.shutdown.is_cancelled() {
                return;
            }
            if self.idle.is_empty() {
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
            if !ticker.tick(&self.shutdown).await || !self.collect().await {
                return;
            }
        }
    }

    fn endpoint(&self) -> String {
        let t = self.plan.datasource.target();
        if t.socket { t.host.clone() } else { format!("{}:{}", t.host, t.port) }
    }

    /// Connects; `None` on shutdown, `Some(connected)` otherwise.
    async fn connect(&mut self) -> Option<bool> {
        let limit = self.plan.session_timeout.max(Duration::from_secs(2)) + CLIENT_GRACE;
        let attempt = tokio::time::timeout(
            limit,
            Connection::connect(&self.plan.datasource, self.plan.session_timeout),
        );
        let result = tokio::select! {
            _ = self.shutdown.cancelled() => return None,
            r = attempt => r,
        };
        let endpoint = self.endpoint();
        let error = match result {
            Ok(Ok((conn, info))) => {
                self.idle.push(conn);
                self.system_name = info.system_name;
                if std::mem::take(&mut self.lost) {
                    self.cache.reconnected();
                }
                if self.connect_failing.succeed() {
                    tracing::info!(receiver = %self.label, endpoint = %endpoint, "enhancedsql: connected again");
                }
                self.ctx.health.ok();
                return Some(true);
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("timed out after {limit:?}"),
        };
        let error = dbintel_sqlquery::dsn::scrub(&error, self.secret().as_deref());
        if self.connect_failing.fail() {
            tracing::warn!(
                receiver = %self.label, endpoint = %endpoint, error = %error,
                "enhancedsql: cannot connect; retrying with backoff"
            );
        }
        self.ctx.health.recoverable(format!("cannot connect to {endpoint}: {error}"));
        Some(false)
    }

    /// Detects features when due. Returns false when the connection was lost.
    async fn detect_if_due(&mut self, now: Instant) -> bool {
        let (cache, cfg) = (&mut self.cache, &self.detection);
        let Some(reason) = cache.due(now) else { return true };
        let Some(conn) = self.idle.last_mut() else { return true };
        let system = match self.system_name {
            "postgresql" => System::Postgresql,
            "mariadb" => System::Mariadb,
            _ => System::Mysql,
        };
        let secret = self.plan.datasource.target().password.clone();
        let postgres = system == System::Postgresql;
        let mut src = ConnProbe { conn, secret: secret.as_deref(), postgres };
        let began = Instant::now();
        let result = tokio::select! {
            _ = self.shutdown.cancelled() => return true,
            r = features::detect(&mut src, system, cfg) => r,
        };
        match result {
            Ok(f) => {
                let summary = f.summary();
                let problems = f.problems.clone();
                let changes = cache.store(f, now);
                self.detect_failing.succeed();
                let elapsed_ms = began.elapsed().as_secs_f64() * 1000.0;
                if changes.is_empty() {
                    tracing::info!(
                        receiver = %self.label, reason = reason.as_str(), problems = ?problems, elapsed_ms,
                        "enhancedsql: features detected: {summary}"
                    );
                } else {
                    tracing::warn!(
                        receiver = %self.label, reason = reason.as_str(), changes = ?changes, elapsed_ms,
                        "enhancedsql: the server's features changed: {summary}"
                    );
                }
                true
            }
            Err(e) => {
                cache.failed(now);
                if self.detect_failing.fail() {
                    tracing::warn!(
                        receiver = %self.label, error = %e,
                        "enhancedsql: feature detection failed; queries are chosen from the last detection \
                         (or all tried in priority order) and detection is retried after cache_duration"
                    );
                }
                if matches!(e, DbError::Lost(_)) {
                    self.idle.pop();
                    self.lost = true;
                    self.ctx.health.recoverable(format!("connection lost: {e}"));
                    return false;
                }
                true
            }
        }
    }

    fn report_switch(&self, ci: usize, sw: &Switch) {
        let cat = &self.plan.categories[ci];
        let why = if sw.why.is_empty() { "it is the best query".to_string() } else { sw.why.join("; ") };
        match (&sw.from, sw.upgrade) {
            (None, _) => tracing::info!(
                receiver = %self.label, name = %cat.name, category = %cat.category, query = %sw.to,
                priority = sw.to_priority, "enhancedsql: `{}` is served by `{}`; better queries: {why}", cat.name, sw.to
            ),
            (Some(from), true) => tracing::info!(
                receiver = %self.label, name = %cat.name, category = %cat.category, query = %sw.to,
                priority = sw.to_priority, "enhancedsql: `{}` is served by `{}` again (instead of `{from}`)",
                cat.name, sw.to
            ),
            (Some(from), false) => {
                self.telemetry[ci].fallbacks.inc();
                tracing::warn!(
                    receiver = %self.label, name = %cat.name, category = %cat.category, query = %sw.to,
                    priority = sw.to_priority,
                    "enhancedsql: `{}` fell back from `{from}` to `{}`: {why}; the better query is retried with backoff",
                    cat.name, sw.to
                )
            }
        }
    }

    fn set_serving(&self, ci: usize, serving: Option<usize>) {
        for (i, g) in self.telemetry[ci].serving.iter().enumerate() {
            g.set(i64::from(Some(i) == serving));
        }
    }

    /// One collection of every category; false on shutdown.
    async fn collect(&mut self) -> bool {
        if let dbintel_core::Admit::Skip { .. } = self.ctx.output.admit(None) {
            return true;
        }
        let started = Instant::now();
        let current = self.detection_on.then(|| self.cache.get().cloned()).flatten();
        let mut redetect = false;
        for sel in &mut self.selectors {
            redetect |= sel.retry_needs_detection(current.as_deref(), started);
        }
        if redetect {
            self.cache.feature_error(started);
        }
        if !self.detect_if_due(started).await {
            return true;
        }
        let now = now_unix_nanos();
        let want_metrics = self.ctx.output.wants(Signal::Metrics);
        let want_logs = self.ctx.output.wants(Signal::Logs);
        // `detected` always (schemas for the search_path); `features` only with detection on (it
        // then chooses the queries and is emitted).
        let detected: Option<Arc<Features>> = self.cache.get().cloned();
        let features: Option<Arc<Features>> = if self.detection_on { detected.clone() } else { None };
        let secret = self.secret();
        let mut metrics: Vec<Metric> = Vec::new();
        let mut logs: Vec<LogRecord> = Vec::new();

        // Every category's turn, at most `max_open_connections` at once, each on its own
        // connection (an idle one, else a new one opened by the turn).
        let max_open = self.plan.max_open_connections.max(1);
        let mut next = 0usize;
        let mut in_flight: JoinSet<Turn> = JoinSet::new();
        let mut stop = false;
        loop {
            while !stop && next < self.plan.categories.len() && in_flight.len() < max_open {
                let ci = next;
                next += 1;
                let order = self.selectors[ci].plan(features.as_deref(), started);
                let tries: Vec<(usize, String)> = order
                    .into_iter()
                    .map(|idx| {
                        let cand = &self.selectors[ci].candidates()[idx];
                        (idx, guarded_sql(self.plan.driver, cand, detected.as_deref()))
                    })
                    .collect();
                let job = TurnJob {
                    ci,
                    tries,
                    conn: self.idle.pop(),
                    datasource: self.plan.datasource.clone(),
                    session_timeout: self.plan.session_timeout,
                    limit: self.plan.categories[ci].timeout + CLIENT_GRACE,
                    secret: secret.clone(),
                };
                in_flight.spawn(job.run());
            }
            let joined = tokio::select! {
                _ = self.shutdown.cancelled() => {
                    in_flight.abort_all();
                    return false;
                }
                j = in_flight.join_next() => j,
            };
            let Some(joined) = joined else { break };
            let turn = match joined {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!(receiver = %self.label, error = %e, "enhancedsql: a category's turn ended abnormally");
                    continue;
                }
            };
            if let Some(c) = turn.conn {
                self.idle.push(c);
            }
            if let Some(why) = &turn.lost {
                // The server is unreachable: no more turns this collection; reconnect with backoff.
                stop = true;
                self.lost = true;
                self.ctx.health.recoverable(format!("connection lost: {why}"));
                self.connect_failing.fail();
            }
            self.apply_turn(
                turn.ci,
                turn.tried,
                features.as_deref(),
                started,
                now,
                (want_metrics, want_logs),
                (&mut metrics, &mut logs),
            );
        }
        // Idle connections kept between collections.
        let max_idle = self.plan.max_idle_connections;
        if self.idle.len() > max_idle {
            self.idle.truncate(max_idle);
        }
        if want_metrics && let Some(f) = &features {
            metrics.extend(features::feature_metrics(f, now));
        }
        self.scraper.duration.record(started.elapsed().as_secs_f64());
        let resource = self.resource(features.as_deref());
        if !metrics.is_empty() {
            let data = SignalData::Metrics(Metrics {
                resource_metrics: vec![ResourceMetrics {
                    resource: resource.clone(),
                    scope_metrics: vec![ScopeMetrics { scope: scope(), metrics, schema_url: String::new() }],
                    schema_url: String::new(),
                }],
            });
            if !self.send(data).await {
                return false;
            }
        }
        if !logs.is_empty() {
            let data = SignalData::Logs(Logs {
                resource_logs: vec![ResourceLogs {
                    resource,
                    scope_logs: vec![ScopeLogs {
                        scope: scope(),
                        log_records: logs,
                        schema_url: String::new(),
                    }],
                    schema_url: String::new(),
                }],
            });
            if !self.send(data).await {
                return false;
            }
        }
        true
    }

    /// Folds one category's turn in: output of the query that answered, failures (backoff, maybe a
    /// new detection), the switch report, the serving gauge, and the "nothing serves" warning.
    #[allow(clippy::too_many_arguments)]
    fn apply_turn(
        &mut self,
        ci: usize,
        tried: Vec<(usize, Result<ResultSet, DbError>)>,
        features: Option<&Features>,
        started: Instant,
        now: u64,
        (want_metrics, want_logs): (bool, bool),
        (metrics, logs): (&mut Vec<Metric>, &mut Vec<LogRecord>),
    ) {
        let mut served = None;
        for (idx, result) in tried {
            let cand = self.selectors[ci].candidates()[idx].clone();
            match result {
                Ok(rs) => {
                    let cat = &self.plan.categories[ci];
                    let built = output::build(
                        cat,
                        &cand,
                        self.plan.driver,
                        &rs,
                        now,
                        self.start_time,
                        want_metrics,
                        want_logs,
                    );
                    self.rows_dropped.add(built.dropped_rows);
                    self.invalid_values.add(built.invalid);
                    self.scraper.errored_points.add(built.invalid);
                    self.scraper
                        .scraped_points
                        .add(built.metrics.iter().map(|m| m.data.point_count() as u64).sum());
                    metrics.extend(built.metrics);
                    logs.extend(built.logs);
                    if let Some(sw) = self.selectors[ci].succeeded(idx, features, started) {
                        self.report_switch(ci, &sw);
                    }
                    served = Some(idx);
                }
                Err(error) => {
                    self.telemetry[ci].errors.inc();
                    if matches!(error, DbError::Lost(_)) {
                        // Not the query's fault: it is tried again next collection, no backoff.
                        continue;
                    }
                    let redetect = features::is_feature_error(&error) && self.cache.feature_error(started);
                    tracing::debug!(
                        receiver = %self.label, name = %self.plan.categories[ci].name, query = %cand.name,
                        error = %error, redetect, "enhancedsql: candidate query failed; trying the next one"
                    );
                    self.selectors[ci].failed(idx, &format!("{error} (hint: {})", error.hint()), started);
                }
            }
        }
        self.set_serving(ci, served);
        if served.is_none() {
            let was_serving = self.selectors[ci].nothing_served();
            if self.telemetry[ci].empty.fail() || was_serving {
                let cat = &self.plan.categories[ci];
                let reasons: Vec<String> = self.selectors[ci]
                    .candidates()
                    .iter()
                    .map(|c| {
                        let why = match features.map(|f| c.requirements.check(f)) {
                            Some(Err(w)) => w,
                            _ => "failed or backing off".into(),
                        };
                        format!("{} ({}): {why}", c.name, c.priority)
                    })
                    .collect();
                tracing::warn!(
                    receiver = %self.label, name = %cat.name, category = %cat.category,
                    "enhancedsql: no query can serve `{}` now: {}", cat.name, reasons.join("; ")
                );
            }
        } else {
            self.telemetry[ci].empty.succeed();
        }
    }

    /// `db.system.name`, `server.address`, `server.port`, `db.namespace`, `cloud.provider` and the
    /// configured `resource_attributes`. Never the datasource.
    fn resource(&self, features: Option<&Features>) -> Resource {
        let t = self.plan.datasource.target();
        let mut a = Attributes::new();
        a.insert("db.system.name", self.system_name);
        a.insert("server.address", t.host.clone());
        if !t.socket {
            a.insert("server.port", i64::from(t.port));
        }
        if let Some(db) = &t.database {
            a.insert("db.namespace", db.clone());
        }
        if let Some(c) = features.and_then(|f| f.cloud) {
            a.insert("cloud.provider", c.provider());
        }
        for (k, v) in &self.plan.resource_attributes {
            a.insert(k.clone(), v.clone());
        }
        Resource { attributes: a }
    }

    async fn send(&self, data: SignalData) -> bool {
        tokio::select! {
            _ = self.shutdown.cancelled() => false,
            r = self.ctx.output.send(data) => {
                if let Err(e) = r {
                    tracing::debug!(receiver = %self.label, error = %e, "enhancedsql: data refused downstream");
                }
                true
            }
        }
    }
}

/// One category's turn: its candidates in order (statements as sent), on one connection.
struct TurnJob {
    ci: usize,
    tries: Vec<(usize, String)>,
    /// An idle connection, else the turn opens one.
    conn: Option<Connection>,
    datasource: DataSource,
    session_timeout: Duration,
    limit: Duration,
    secret: Option<String>,
}

/// What a turn did.
struct Turn {
    ci: usize,
    /// Each candidate tried, in order, with its outcome; the last one answered when it is `Ok`.
    tried: Vec<(usize, Result<ResultSet, DbError>)>,
    /// The connection, when still usable.
    conn: Option<Connection>,
    /// The server could not be reached (connection lost or not opened): why.
    lost: Option<String>,
}

impl TurnJob {
    async fn run(self) -> Turn {
        let secret = self.secret.as_deref();
        let mut turn = Turn { ci: self.ci, tried: Vec::new(), conn: None, lost: None };
        if self.tries.is_empty() {
            turn.conn = self.conn;
            return turn;
        }
        let mut conn = match self.conn {
            Some(c) => c,
            None => {
                let limit = self.session_timeout.max(Duration::from_secs(2)) + CLIENT_GRACE;
                match tokio::time::timeout(limit, Connection::connect(&self.datasource, self.session_timeout))
                    .await
                {
                    Ok(Ok((c, _))) => c,
                    Ok(Err(e)) => {
                        turn.lost = Some(dbintel_sqlquery::dsn::scrub(&e.to_string(), secret));
                        return turn;
                    }
                    Err(_) => {
                        turn.lost = Some(format!("connecting timed out after {limit:?}"));
                        return turn;
                    }
                }
            }
        };
        for (idx, sql) in self.tries {
            let cancel = conn.cancel_token();
            let survives = conn.survives_abandoned_query();
            match tokio::time::timeout(self.limit, conn.query(&sql, None, secret)).await {
                Ok(Ok(rs)) => {
                    turn.tried.push((idx, Ok(rs)));
                    turn.conn = Some(conn);
                    return turn;
                }
                Ok(Err(e)) => {
                    if let DbError::Lost(m) = &e {
                        turn.lost = Some(m.clone());
                        turn.tried.push((idx, Err(e)));
                        return turn;
                    }
                    turn.tried.push((idx, Err(e)));
                }
                Err(_) => {
                    if let Some(c) = cancel {
                        c.spawn();
                    }
                    turn.tried.push((
                        idx,
                        Err(DbError::Query {
                            message: format!("no answer within {:?} (client-side timeout)", self.limit),
                            code: None,
                            hint: "the query hit its timeout: raise `timeout` or lower `limit`",
                        }),
                    ));
                    if !survives {
                        // The connection cannot be reused; the category goes on next collection.
                        return turn;
                    }
                }
            }
        }
        turn.conn = Some(conn);
        turn
    }
}

fn scope() -> Scope {
    Scope {
        name: SCOPE_NAME.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selector::Requirements;
    use dbintel_dbclient::features::{Extension, Features, System};

    fn cand(builtin: bool, ext: &[&str]) -> Candidate {
        Candidate {
            name: "q".into(),
            priority: 1,
            sql: "SELECT 1".into(),
            requirements: Requirements {
                extensions: ext.iter().map(|s| s.to_string()).collect(),
                ..Requirements::default()
            },
            description: String::new(),
            builtin,
        }
    }

    #[test]
    fn built_in_postgresql_queries_run_under_the_catalog_and_their_extensions_schemas_only() {
        let mut f = Features::new(System::Postgresql);
        for (e, schema) in
            [("pg_qualstats", "ext\"s"), ("hypopg", "public"), ("pg_stat_statements", "pg_catalog")]
        {
            f.extensions.insert(e.into(), Extension { installed: Some("1".into()), available: None });
            f.schemas.insert(e.into(), schema.into());
        }
        let sql = guarded_sql(
            Driver::Postgres,
            &cand(true, &["pg_qualstats", "hypopg", "pg_stat_statements"]),
            Some(&f),
        );
        assert_eq!(sql, "SET LOCAL search_path = pg_catalog, \"ext\"\"s\", \"public\", pg_temp; SELECT 1");
        // Unknown schema (no detection yet): only the catalog.
        assert_eq!(
            guarded_sql(Driver::Postgres, &cand(true, &["pg_qualstats"]), None),
            "SET LOCAL search_path = pg_catalog, pg_temp; SELECT 1"
        );
        // Custom SQL runs as written; MySQL has no search_path.
        assert_eq!(guarded_sql(Driver::Postgres, &cand(false, &["pg_qualstats"]), Some(&f)), "SELECT 1");
        assert_eq!(guarded_sql(Driver::Mysql, &cand(true, &[]), Some(&f)), "SELECT 1");
    }
}
