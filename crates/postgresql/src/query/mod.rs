//! Query intelligence collectors (top queries, query samples with blocking chains, plans).
//!
//! [`QueryIntelligence`] owns the state of the collectors of one receiver: the delta baselines of
//! pg_stat_statements, the text and plan caches, the sample watermark, and each collector's
//! schedule and error streak. The receiver calls [`QueryIntelligence::collect`] with its session
//! (statement and lock timeouts, read-only, `application_name = dbintel` already set) whenever
//! [`QueryIntelligence::next_due`] has passed; collectors that are not due do nothing. Each
//! collector's error is isolated: logged once per streak with the exact fix, returned once in
//! [`QueryEvents::problems`], counted in `dbintel_postgresql_query_collection_errors_total`, and
//! retried with backoff.
//!
//! pg_stat_statements and pg_stat_activity are cluster-wide: call `collect` once per server, not
//! once per database. Generic plans are taken on the session given, so only statements of its
//! database get plans.

pub mod auto_explain;
mod config;
pub mod deltas;
mod errors;
pub mod plans;
pub mod samples;
pub mod top;

use std::time::Duration;

use dbintel_core::breaker::{FailureKind, Shed};
use dbintel_core::pdata::{LogRecord, now_unix_nanos};
use dbintel_core::telemetry::{Counter, Registry};
use tokio::time::Instant;
use tokio_postgres::Client;

pub use config::{EventSwitch, EventsConfig, QuerySampleCollectionConfig, TopQueryCollectionConfig};
pub use errors::{CollectError, QueryProblem};

use crate::server::ServerInfo;

/// Every statement the collectors send starts with this comment, so that the collector can
/// recognise (and never report) its own statements.
pub const PREFIX: &str = "/* dbintel */ ";

/// True for statements sent by dbintel.
pub fn is_own_statement(text: &str) -> bool {
    text.trim_start().starts_with(PREFIX.trim_end())
}

/// The default sample interval when the receiver does not pass its own (contrib's default
/// `collection_interval`).
pub const DEFAULT_SAMPLE_INTERVAL: Duration = Duration::from_secs(10);
/// Longest backoff after repeated failures.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// What one [`QueryIntelligence::collect`] call produced.
#[derive(Debug, Default)]
pub struct QueryEvents {
    pub records: Vec<LogRecord>,
    /// Problems reported for the first time in their streak (already logged); for health and
    /// doctor output.
    pub problems: Vec<QueryProblem>,
    /// The first failure of this collection that means the server is in trouble (timeout, lock
    /// timeout, connection limit, lost connection), for the circuit breaker.
    pub trouble: Option<FailureKind>,
}

/// The longest wait between the first (baseline-only) top-query collection and the second.
pub const TOP_QUERY_WARM_UP: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct Schedule {
    interval: Duration,
    next: Instant,
    streak: u32,
    last_error: Option<CollectError>,
    errors: Counter,
}

impl Schedule {
    fn new(interval: Duration, errors: Counter) -> Self {
        Self { interval, next: Instant::now(), streak: 0, last_error: None, errors }
    }

    fn due(&self, now: Instant) -> bool {
        now >= self.next
    }

    /// Returns true when this success ends a failure streak (the caller logs it).
    fn succeeded(&mut self, now: Instant) -> bool {
        self.succeeded_after(now, self.interval)
    }

    fn succeeded_after(&mut self, now: Instant, delay: Duration) -> bool {
        let recovered = self.last_error.take().is_some();
        self.streak = 0;
        self.advance(now, delay);
        recovered
    }

    /// Returns true when this failure starts a streak (or changes its kind): report it.
    fn failed(&mut self, now: Instant, error: &CollectError) -> bool {
        self.errors.inc();
        self.streak = self.streak.saturating_add(1);
        let factor = 1u32 << self.streak.saturating_sub(1).min(6);
        let delay = self.interval.saturating_mul(factor).min(MAX_BACKOFF.max(self.interval));
        self.advance(now, delay);
        let new = self.last_error.as_ref().is_none_or(|e| e.kind() != error.kind());
        self.last_error = Some(error.clone());
        new
    }

    fn advance(&mut self, now: Instant, delay: Duration) {
        self.next = dbintel_core::duration::deadline_after(now, delay);
    }
}

/// Self-telemetry handles.
#[derive(Debug, Clone)]
struct Metrics {
    baseline_evictions: Counter,
    text_evictions: Counter,
    plan_evictions: Counter,
    explain_ok: Counter,
    explain_failed: Counter,
    hidden: Counter,
    backwards: Counter,
}

impl Metrics {
    fn new(t: &Registry, receiver: &str) -> Self {
        let ev = |cache: &str| {
            t.counter(
                "dbintel_postgresql_query_cache_evictions_total",
                "Entries dropped from the bounded query-intelligence maps (baselines, texts, plans)",
                &[("receiver", receiver), ("cache", cache)],
            )
        };
        let explains = |outcome: &str| {
            t.counter(
                "dbintel_postgresql_query_explains_total",
                "EXPLAIN statements run for generic plans, by outcome",
                &[("receiver", receiver), ("outcome", outcome)],
            )
        };
        Self {
            baseline_evictions: ev("top_query_baselines"),
            text_evictions: ev("query_texts"),
            plan_evictions: ev("query_plans"),
            explain_ok: explains("ok"),
            explain_failed: explains("error"),
            hidden: t.counter(
                "dbintel_postgresql_query_hidden_total",
                "Statements or sessions whose text the monitoring role may not see (needs pg_read_all_stats)",
                &[("receiver", receiver)],
            ),
            backwards: t.counter(
                "dbintel_postgresql_top_query_counter_resets_total",
                "pg_stat_statements entries whose counters went backwards (re-baselined, nothing emitted)",
                &[("receiver", receiver)],
            ),
        }
    }
}

/// The query-intelligence collectors of one receiver.
pub struct QueryIntelligence {
    receiver_id: String,
    top_enabled: bool,
    samples_enabled: bool,
    sample_interval_configured: bool,
    sample_rows: usize,
    top_rows: usize,
    top_state: top::TopQueries,
    sample_state: samples::SampleState,
    top_schedule: Schedule,
    /// Whether the top-query baselines have been taken since start (or since the server changed).
    /// The first collection only records baselines, so the second follows after at most
    /// `TOP_QUERY_WARM_UP` rather than a whole `collection_interval`: events appear early.
    top_warmed_up: bool,
    sample_schedule: Schedule,
    metrics: Metrics,
    server: Option<ServerInfo>,
    user: Option<String>,
    hidden_reported: bool,
    plan_problem_reported: bool,
    auto_explain: Option<auto_explain::AutoExplainReader>,
    /// What the circuit breaker says the server sheds now (plans, then samples, then top queries).
    shed: Shed,
}

impl std::fmt::Debug for QueryIntelligence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryIntelligence")
            .field("receiver_id", &self.receiver_id)
            .field("top_enabled", &self.top_enabled)
            .field("samples_enabled", &self.samples_enabled)
            .finish_non_exhaustive()
    }
}

impl QueryIntelligence {
    pub fn new(
        top: &TopQueryCollectionConfig,
        samples: &QuerySampleCollectionConfig,
        events: &EventsConfig,
        telemetry: &Registry,
        receiver_id: &str,
    ) -> Self {
        let errors = |collector: &str| {
            telemetry.counter(
                "dbintel_postgresql_query_collection_errors_total",
                "Failed query-intelligence collections, by collector",
                &[("receiver", receiver_id), ("collector", collector)],
            )
        };
        let sample_interval = samples
            .collection_interval
            .map(|d| d.get().max(config::MIN_INTERVAL))
            .unwrap_or(DEFAULT_SAMPLE_INTERVAL);
        Self {
            receiver_id: receiver_id.to_string(),
            top_enabled: events.top_query.enabled,
            samples_enabled: events.query_sample.enabled,
            sample_interval_configured: samples.collection_interval.is_some(),
            sample_rows: samples.max_rows(),
            top_rows: top.max_rows(),
            top_state: top::TopQueries::new(
                top.max_rows(),
                top.top_n(),
                top.explain_budget(),
                top.plan_cache_size(),
                top.query_plan_cache_ttl.get(),
            ),
            sample_state: samples::SampleState::default(),
            top_schedule: Schedule::new(top.interval(), errors("top_query")),
            top_warmed_up: false,
            sample_schedule: Schedule::new(sample_interval, errors("query_sample")),
            metrics: Metrics::new(telemetry, receiver_id),
            server: None,
            user: None,
            hidden_reported: false,
            plan_problem_reported: false,
            shed: Shed::Nothing,
            auto_explain: top.log_path.clone().map(|path| {
                auto_explain::AutoExplainReader::new(
                    path,
                    top.plan_cache_size(),
                    top.query_plan_cache_ttl.get(),
                )
            }),
        }
    }

    /// Samples run on the receiver's `collection_interval` unless `query_sample_collection` sets its
    /// own; the receiver passes its interval here.
    pub fn with_receiver_interval(mut self, interval: Duration) -> Self {
        if !self.sample_interval_configured {
            self.sample_schedule.interval = interval.max(config::MIN_INTERVAL);
        }
        self
    }

    /// True when at least one event is enabled.
    pub fn enabled(&self) -> bool {
        self.top_enabled || self.samples_enabled
    }

    /// The earliest instant a collector is due (far in the future when none is enabled).
    pub fn next_due(&self) -> Instant {
        let far = Instant::now() + Duration::from_secs(86_400);
        let mut next = far;
        if self.top_enabled {
            next = next.min(self.top_schedule.next);
        }
        if self.samples_enabled {
            next = next.min(self.sample_schedule.next);
        }
        next
    }

    /// Makes every enabled collector due now (on-demand collection, tests, doctor).
    pub fn due_now(&mut self) {
        let now = Instant::now();
        self.top_schedule.next = now;
        self.sample_schedule.next = now;
    }

    /// Runs the collectors that are due.
    pub async fn collect(&mut self, client: &Client, server: &ServerInfo) -> QueryEvents {
        self.collect_with_databases(client, server, &[]).await
    }

    /// Whether the top-query collector is due (callers check out connections to the other
    /// databases only then).
    pub fn top_due(&self) -> bool {
        self.top_enabled && self.shed < Shed::TopQueries && self.top_schedule.due(Instant::now())
    }

    /// Sheds the expensive collection while the breaker sees stress: `Plans` stops EXPLAIN,
    /// `Samples` also query samples, `TopQueries` also top queries. Schedules keep running, so
    /// collection resumes on time once the stress passes.
    pub fn set_shed(&mut self, shed: Shed) {
        self.shed = shed;
    }

    /// Whether the last `set_shed` stops plans.
    pub fn sheds_plans(&self) -> bool {
        self.shed >= Shed::Plans
    }

    /// Like [`QueryIntelligence::collect`], with connections to other monitored databases so that
    /// their statements get generic plans too (a statement is planned in its own database).
    pub async fn collect_with_databases(
        &mut self,
        client: &Client,
        server: &ServerInfo,
        others: &[(&str, &Client)],
    ) -> QueryEvents {
        let mut events = QueryEvents::default();
        if self.server.as_ref().is_some_and(|s| {
            s.host != server.host || s.port != server.port || s.version_num != server.version_num
        }) {
            self.top_state.reset();
            self.top_warmed_up = false;
        }
        self.server = Some(server.clone());
        let now = Instant::now();
        if self.top_enabled && self.shed >= Shed::TopQueries && self.top_schedule.due(now) {
            let delay = self.top_schedule.interval;
            self.top_schedule.advance(now, delay);
        }
        if self.samples_enabled && self.shed >= Shed::Samples && self.sample_schedule.due(now) {
            let delay = self.sample_schedule.interval;
            self.sample_schedule.advance(now, delay);
        }
        if self.top_enabled && self.top_schedule.due(now) {
            self.poll_auto_explain(&mut events).await;
            match self.collect_top(client, server, others).await {
                Ok((records, hidden)) => {
                    events.records.extend(records);
                    let delay = if self.top_warmed_up {
                        self.top_schedule.interval
                    } else {
                        self.top_schedule.interval.min(TOP_QUERY_WARM_UP)
                    };
                    self.top_warmed_up = true;
                    if self.top_schedule.succeeded_after(Instant::now(), delay) {
                        tracing::info!(receiver = %self.receiver_id, collector = "top_query", "query collection recovered");
                    }
                    self.note_hidden(client, hidden, &mut events).await;
                }
                Err(e) => self.report(client, "top_query", e, &mut events).await,
            }
            if let Some(f) = self.top_state.plan_permission_failure.take()
                && !std::mem::replace(&mut self.plan_problem_reported, true)
            {
                let user = self.user(client).await;
                let p = QueryProblem {
                    collector: "query_plan",
                    error: CollectError::Permission { message: f.message },
                    hint: format!(
                        "EXPLAIN needs the privileges of the statement: GRANT SELECT (and INSERT/UPDATE/DELETE for \
                         write statements) on the application tables TO {user}, or set \
                         top_query_collection.max_explain_each_interval: 0"
                    ),
                };
                tracing::warn!(receiver = %self.receiver_id, problem = %p, "query plans unavailable");
                events.problems.push(p);
            }
        }
        if self.samples_enabled && self.sample_schedule.due(now) {
            let nanos = now_unix_nanos();
            match samples::collect(client, server, self.sample_rows, &mut self.sample_state, nanos).await {
                Ok(records) => {
                    events.records.extend(records);
                    if self.sample_schedule.succeeded(Instant::now()) {
                        tracing::info!(receiver = %self.receiver_id, collector = "query_sample", "query collection recovered");
                    }
                    self.note_hidden(client, self.sample_state.hidden_last_run, &mut events).await;
                }
                Err(e) => self.report(client, "query_sample", e, &mut events).await,
            }
        }
        events
    }

    async fn collect_top(
        &mut self,
        client: &Client,
        server: &ServerInfo,
        others: &[(&str, &Client)],
    ) -> Result<(Vec<LogRecord>, usize), CollectError> {
        let snap = top::read_snapshot(client, server, self.top_rows).await?;
        let nanos = now_unix_nanos();
        let mut stats = top::RunStats::default();
        let (mut selected, lineage) = self.top_state.select(snap, Instant::now(), &mut stats);
        if matches!(lineage, deltas::Lineage::FullReset | deltas::Lineage::Unknown) {
            tracing::info!(receiver = %self.receiver_id, ?lineage, "pg_stat_statements statistics were reset");
        }
        if self.shed < Shed::Plans {
            self.top_state.attach_plans(client, server, others, &mut selected, &mut stats).await;
        }
        if let Some(reader) = &mut self.auto_explain {
            for s in selected.iter_mut().filter(|s| !s.text.fingerprint.is_empty()) {
                s.actual = reader.get(&s.text.fingerprint);
            }
            self.metrics.plan_evictions.add(reader.take_evictions());
        }
        let m = &self.metrics;
        m.baseline_evictions.add(stats.deltas.evicted as u64);
        m.text_evictions.add(stats.text_evictions);
        m.plan_evictions.add(stats.plan_evictions);
        m.explain_ok.add(stats.explained as u64);
        if stats.explained > 0 {
            self.plan_problem_reported = false; // a new permission streak gets reported again
        }
        m.explain_failed.add(stats.explain_failed as u64);
        m.backwards.add(stats.deltas.backwards as u64);
        Ok((selected.iter().map(|s| top::record(s, nanos)).collect(), stats.hidden))
    }

    async fn poll_auto_explain(&mut self, events: &mut QueryEvents) {
        let Some(reader) = &mut self.auto_explain else { return };
        match reader.poll().await {
            Ok(n) => {
                if n > 0 {
                    tracing::debug!(receiver = %self.receiver_id, plans = n, "auto_explain plans read");
                }
                if reader.last_error.take().is_some() {
                    tracing::info!(receiver = %self.receiver_id, "auto_explain log readable again");
                }
            }
            Err(message) => {
                let first = reader.last_error.is_none();
                reader.last_error = Some(message.clone());
                if first {
                    let p = QueryProblem {
                        collector: "auto_explain",
                        error: CollectError::Query { code: "log_path".into(), message },
                        hint: "point top_query_collection.log_path at the PostgreSQL server log (stderr format) \
                               and make it readable by dbintel; set auto_explain.log_format = json"
                            .into(),
                    };
                    tracing::warn!(receiver = %self.receiver_id, problem = %p, "auto_explain plans unavailable");
                    events.problems.push(p);
                }
            }
        }
    }

    async fn note_hidden(&mut self, client: &Client, hidden: usize, events: &mut QueryEvents) {
        self.metrics.hidden.add(hidden as u64);
        if hidden == 0 || self.hidden_reported {
            return;
        }
        self.hidden_reported = true;
        let user = self.user(client).await;
        let error = CollectError::Permission {
            message: format!("{hidden} statements or sessions of other roles show <insufficient privilege>"),
        };
        let p = QueryProblem { collector: "query_text", hint: error.hint(&user), error };
        tracing::warn!(receiver = %self.receiver_id, problem = %p, "query texts hidden from the monitoring role");
        events.problems.push(p);
    }

    async fn report(
        &mut self,
        client: &Client,
        collector: &'static str,
        e: CollectError,
        events: &mut QueryEvents,
    ) {
        let kind = match &e {
            CollectError::Query { code, message } => FailureKind::classify(Some(code), message),
            CollectError::Connection(_) => FailureKind::ConnectionRefused,
            _ => FailureKind::Other,
        };
        if kind.trips_breaker() && events.trouble.is_none() {
            events.trouble = Some(kind);
        }
        let now = Instant::now();
        let schedule =
            if collector == "top_query" { &mut self.top_schedule } else { &mut self.sample_schedule };
        if !schedule.failed(now, &e) {
            tracing::debug!(receiver = %self.receiver_id, collector, error = %e, "query collection still failing");
            return;
        }
        let user = if matches!(e, CollectError::Permission { .. }) {
            self.user(client).await
        } else {
            String::new()
        };
        let p = QueryProblem { collector, hint: e.hint(&user), error: e };
        tracing::warn!(receiver = %self.receiver_id, problem = %p, "query collection failed");
        events.problems.push(p);
    }

    /// The monitoring role's name, for hints (looked up once).
    async fn user(&mut self, client: &Client) -> String {
        if let Some(u) = &self.user {
            return u.clone();
        }
        let sql = format!("{PREFIX}SELECT current_user::text");
        let u = match client.query_one(&sql, &[]).await {
            Ok(row) => row.try_get::<_, String>(0).unwrap_or_default(),
            Err(_) => String::new(),
        };
        if !u.is_empty() {
            self.user = Some(u.clone());
        }
        u
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_statements_are_recognised() {
        assert!(is_own_statement("/* dbintel */ SELECT 1"));
        assert!(is_own_statement("  /* dbintel */SELECT 1"));
        assert!(!is_own_statement("SELECT 1 /* dbintel */"));
        assert!(!is_own_statement("/* app */ SELECT 1"));
    }

    #[test]
    fn backoff_and_streaks() {
        let t = Registry::new();
        let c = t.counter("x", "x", &[]);
        let mut s = Schedule::new(Duration::from_secs(10), c.clone());
        let now = Instant::now();
        assert!(s.failed(now, &CollectError::NotPreloaded));
        assert_eq!(s.next - now, Duration::from_secs(10));
        assert!(!s.failed(now, &CollectError::NotPreloaded));
        assert_eq!(s.next - now, Duration::from_secs(20));
        assert!(
            s.failed(now, &CollectError::Permission { message: String::new() }),
            "a new kind is reported"
        );
        for _ in 0..20 {
            s.failed(now, &CollectError::NotPreloaded);
        }
        assert_eq!(s.next - now, MAX_BACKOFF);
        assert_eq!(c.get(), 23);
        s.succeeded(now);
        assert_eq!(s.next - now, Duration::from_secs(10));
    }
}
