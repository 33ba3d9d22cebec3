//! The run loop: connect (with backoff), detect features (cached; again after a reconnect, on
//! `refresh_interval`, and after a query failed as if a feature went away), then per category run
//! the best eligible query, falling back down the ranking within the same collection when one
//! fails, and report which query serves each category (a log line per switch, a self-telemetry
//! gauge always).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::pdata::{
    Attributes, LogRecord, Logs, Metric, Metrics, Resource, ResourceLogs, ResourceMetrics, Scope, ScopeLogs,
    ScopeMetrics, SignalData, now_unix_nanos,
};
use dbintel_core::telemetry::{Counter, Gauge};
use dbintel_core::{ComponentError, Receiver, ReceiverContext, Signal};
use dbintel_dbclient::features::{self, FeatureCache, Features, MAX_PROBE_ROWS, ProbeSource, System};
use dbintel_dbclient::{DbError, ScraperTelemetry, Streak, Ticker};
use dbintel_sqlquery::db::Connection;
use dbintel_sqlquery::dsn::Driver;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::Plan;
use crate::output;
use crate::selector::{Selector, Switch};

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

/// The receiver's connection as a feature-probe source.
struct ConnProbe<'a> {
    conn: &'a mut Connection,
    secret: Option<&'a str>,
}

#[async_trait]
impl ProbeSource for ConnProbe<'_> {
    async fn probe_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError> {
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
    conn: Option<Connection>,
    /// From the connection (`postgresql`, `mysql`, `mariadb`).
    system_name: &'static str,
    start_time: u64,
    cache: Option<FeatureCache>,
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
        let cache = plan
            .feature_detection
            .as_ref()
            .map(|f| FeatureCache::new(f.cache_duration.get(), f.refresh_interval.get()));
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
            conn: None,
            system_name,
            start_time: now_unix_nanos(),
            cache,
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
                self.conn = Some(conn);
                self.system_name = info.system_name;
                if let Some(c) = self.cache.as_mut() {
                    c.reconnected();
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
        let (Some(cache), Some(cfg)) = (self.cache.as_mut(), self.plan.feature_detection.as_ref()) else {
            return true;
        };
        let Some(reason) = cache.due(now) else { return true };
        let Some(conn) = self.conn.as_mut() else { return true };
        let system = match self.system_name {
            "postgresql" => System::Postgresql,
            "mariadb" => System::Mariadb,
            _ => System::Mysql,
        };
        let secret = self.plan.datasource.target().password.clone();
        let mut src = ConnProbe { conn, secret: secret.as_deref() };
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
                    self.conn = None;
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
        let current = self.cache.as_ref().and_then(|c| c.get().cloned());
        let mut redetect = false;
        for sel in &mut self.selectors {
            redetect |= sel.retry_needs_detection(current.as_deref(), started);
        }
        if redetect && let Some(c) = self.cache.as_mut() {
            c.feature_error(started);
        }
        if !self.detect_if_due(started).await {
            return true;
        }
        let now = now_unix_nanos();
        let want_metrics = self.ctx.output.wants(Signal::Metrics);
        let want_logs = self.ctx.output.wants(Signal::Logs);
        let features: Option<Arc<Features>> = self.cache.as_ref().and_then(|c| c.get().cloned());
        let secret = self.secret();
        let mut metrics: Vec<Metric> = Vec::new();
        let mut logs: Vec<LogRecord> = Vec::new();

        'categories: for ci in 0..self.plan.categories.len() {
            let order = self.selectors[ci].plan(features.as_deref(), started);
            let mut served = None;
            for idx in order {
                let Some(conn) = self.conn.as_mut() else { break 'categories };
                let cand = self.selectors[ci].candidates()[idx].clone();
                let limit = self.plan.categories[ci].timeout + CLIENT_GRACE;
                let cancel = conn.cancel_token();
                let survives = conn.survives_abandoned_query();
                let result = tokio::select! {
                    _ = self.shutdown.cancelled() => {
                        if let Some(c) = cancel { c.spawn(); }
                        return false;
                    }
                    r = tokio::time::timeout(limit, conn.query(&cand.sql, None, secret.as_deref())) => r,
                };
                let error = match result {
                    Ok(Ok(rs)) => {
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
                        if let Some(sw) = self.selectors[ci].succeeded(idx, features.as_deref(), started) {
                            self.report_switch(ci, &sw);
                        }
                        served = Some(idx);
                        break;
                    }
                    Ok(Err(e)) => e,
                    Err(_) => {
                        if let Some(c) = cancel {
                            c.spawn();
                        }
                        if !survives {
                            self.conn = None;
                        }
                        DbError::Query {
                            message: format!("no answer within {limit:?} (client-side timeout)"),
                            code: None,
                            hint: "the query hit its timeout: raise `timeout` or lower `limit`",
                        }
                    }
                };
                self.telemetry[ci].errors.inc();
                if let DbError::Lost(m) = &error {
                    self.conn = None;
                    self.ctx.health.recoverable(format!("connection lost: {m}"));
                    self.connect_failing.fail();
                    break 'categories;
                }
                let redetect = features::is_feature_error(&error)
                    && self.cache.as_mut().is_some_and(|c| c.feature_error(started));
                tracing::debug!(
                    receiver = %self.label, name = %self.plan.categories[ci].name, query = %cand.name,
                    error = %error, redetect, "enhancedsql: candidate query failed; trying the next one"
                );
                self.selectors[ci].failed(idx, &format!("{error} (hint: {})", error.hint()), started);
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
                            let why = match features.as_deref().map(|f| c.requirements.check(f)) {
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

fn scope() -> Scope {
    Scope {
        name: SCOPE_NAME.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        ..Default::default()
    }
}
