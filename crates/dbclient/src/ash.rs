//! Active session history (ASH), shared by the `postgresql` and `mysql` receivers: the
//! `active_session_history` config block, the adaptive sampling rate, the bounded ring of sampled
//! sessions, and the aggregation of one collection interval into the `db.ash.*` metrics and the
//! `db.ash.sample` session events.
//!
//! The receivers read their sessions (pg_stat_activity, the MySQL process list) on their own ticker
//! (`sampling_interval`, default 1s) and hand each reading to [`Ash::record_tick`] as
//! [`SessionRow`]s; once per collection interval they call [`Ash::drain`] and send what it returns.
//! Everything here is pure (no I/O, no clock: times are arguments), so it is unit-tested alone.
//!
//! What is counted from which sessions:
//! - every session the receiver hands over (non-idle client sessions and maintenance workers) counts
//!   in `db.ash.active_sessions{state,db.namespace}` (the mean over the interval's ticks: average
//!   active sessions), `db.ash.blocked_sessions`, `db.ash.blocking_chain_depth` and
//!   `db.ash.long_running_queries` (each the largest value of the interval's ticks);
//! - sessions flagged `active` add the time since the previous tick to their wait in
//!   `db.ash.wait_events{wait_event_type,wait_event}` (`CPU`/`CPU` when they wait for nothing), a
//!   delta sum in seconds: the interval's wait profile. A receiver with a better source (the
//!   pg_wait_sampling profile) calls [`Ash::add_wait_profile`] instead and marks it in
//!   `dbintel.ash.source`;
//! - only *sampled* sessions enter the ring: all of them below `low_session_threshold` active
//!   sessions, a shrinking share above `high_session_threshold`, and always the blocked and blocking
//!   ones, those running longer than `sampling.long_running_after`, and maintenance (VACUUM,
//!   ANALYZE, CREATE INDEX, ... and autovacuum workers). The heaviest waits among the interval's
//!   samples become `db.ash.sample` events, linked to the query by its fingerprint and id.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use dbintel_core::cache::BoundedCache;
use dbintel_core::duration::DurationRange;
use dbintel_core::pdata::{
    Attributes, LogRecord, Metric, MetricData, NumberDataPoint, NumberValue, Temporality, Value,
};
use dbintel_core::telemetry::{Counter, Gauge, Registry};
use dbintel_core::{ConfigProblem, GoDuration, check_durations};
use dbintel_sql::Dialect;
use serde::Deserialize;

/// The event name of the sampled session events.
pub const EVENT_NAME: &str = "db.ash.sample";

/// Largest accepted `buffer_size`.
pub const MAX_BUFFER_SIZE: u64 = 1_000_000;
/// Largest accepted `max_events`.
pub const MAX_EVENTS: u64 = 10_000;
/// Distinct `(state, database)` and `(wait type, wait event)` series kept per interval; beyond,
/// readings are counted in [`Ash::take_dropped_series`].
pub const MAX_SERIES: usize = 1024;
/// Distinct statement texts whose analysis (obfuscation, fingerprint) is cached.
pub const QUERY_CACHE_SIZE: usize = 1024;
/// Statement text analysed at most (longer texts are cut first; the server truncates them too).
const MAX_TEXT: usize = 16 * 1024;

/// `sampling_interval`: 100ms to 1m.
pub const SAMPLING_INTERVAL: DurationRange =
    DurationRange::new(Duration::from_millis(100), Duration::from_secs(60));
/// `retention_duration`: 1s to 24h.
pub const RETENTION: DurationRange = DurationRange::new(Duration::from_secs(1), Duration::from_secs(86_400));
/// Thresholds of query run time: 1ms to 24h.
pub const THRESHOLD: DurationRange =
    DurationRange::new(Duration::from_millis(1), Duration::from_secs(86_400));

/// The `active_session_history` block of the `postgresql` and `mysql` receivers (the prototype's
/// `ash` receiver keys where it had them).
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AshConfig {
    /// Samples sessions on its own ticker and emits the `db.ash.*` metrics and `db.ash.sample`
    /// events once per `collection_interval` (default false).
    pub enabled: bool,
    /// How often sessions are read (default 1s; 100ms to 1m). One statement per tick on a
    /// connection of its own.
    pub sampling_interval: GoDuration,
    /// Session samples kept in the ring at most (default 10000, the prototype's); the oldest are
    /// dropped first and counted in `dbintel_ash_ring_evictions_total`.
    pub buffer_size: u64,
    /// Samples older than this leave the ring (default 1h).
    pub retention_duration: GoDuration,
    /// Queries running longer than this count in `db.ash.long_running_queries` (default 1s, the
    /// prototype's `slow_query_threshold_ms`).
    pub long_running_threshold: GoDuration,
    /// `db.ash.sample` events per collection interval at most, blocked sessions first, then the
    /// heaviest waits (default 10; 0 turns the events off).
    pub max_events: u64,
    /// PostgreSQL only: take the wait profile from the pg_wait_sampling extension when it is
    /// installed and preloaded (its 10ms in-server sampling) instead of the 1s readings (default
    /// true).
    pub use_pg_wait_sampling: Option<bool>,
    /// The adaptive sampling rate and the always-sampled sessions.
    pub sampling: AshSamplingConfig,
}

impl Default for AshConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            sampling_interval: GoDuration::from_secs(1),
            buffer_size: 10_000,
            retention_duration: GoDuration::from_secs(3600),
            long_running_threshold: GoDuration::from_secs(1),
            max_events: 10,
            use_pg_wait_sampling: None,
            sampling: AshSamplingConfig::default(),
        }
    }
}

/// `active_session_history.sampling` (the prototype's `sampling` keys and defaults).
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AshSamplingConfig {
    /// Share of sessions sampled between the two thresholds (default 1.0).
    pub base_rate: f64,
    /// Never sample a smaller share than this (default 0.1).
    pub min_rate: f64,
    /// Never sample a larger share than this (default 1.0).
    pub max_rate: f64,
    /// Below this many active sessions every session is sampled (default 50).
    pub low_session_threshold: u64,
    /// Above this many active sessions the share shrinks: `base_rate * max(1 - excess /
    /// high_session_threshold, 0.1)` (default 500).
    pub high_session_threshold: u64,
    /// Blocked sessions, and the sessions blocking them, are always sampled (default true).
    pub always_sample_blocked: bool,
    /// Queries running longer than `long_running_after` are always sampled (default true).
    pub always_sample_long_running: bool,
    /// Maintenance (VACUUM, ANALYZE, REINDEX, CREATE/DROP INDEX, ALTER TABLE, CLUSTER, CHECKPOINT,
    /// autovacuum workers) is always sampled (default true).
    pub always_sample_maintenance: bool,
    /// When a query counts as long running for `always_sample_long_running` (default 5m, the
    /// prototype's).
    pub long_running_after: GoDuration,
}

impl Default for AshSamplingConfig {
    fn default() -> Self {
        Self {
            base_rate: 1.0,
            min_rate: 0.1,
            max_rate: 1.0,
            low_session_threshold: 50,
            high_session_threshold: 500,
            always_sample_blocked: true,
            always_sample_long_running: true,
            always_sample_maintenance: true,
            long_running_after: GoDuration::from_secs(300),
        }
    }
}

impl AshConfig {
    /// Every problem, with paths relative to the block.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = check_durations(&[
            ("sampling_interval", self.sampling_interval.get(), SAMPLING_INTERVAL),
            ("retention_duration", self.retention_duration.get(), RETENTION),
            ("long_running_threshold", self.long_running_threshold.get(), THRESHOLD),
            ("sampling.long_running_after", self.sampling.long_running_after.get(), THRESHOLD),
        ]);
        if self.buffer_size == 0 || self.buffer_size > MAX_BUFFER_SIZE {
            p.push(ConfigProblem::new("buffer_size", format!("must be between 1 and {MAX_BUFFER_SIZE}")));
        }
        if self.max_events > MAX_EVENTS {
            p.push(ConfigProblem::new("max_events", format!("must be at most {MAX_EVENTS}")));
        }
        let s = &self.sampling;
        for (key, v) in [("base_rate", s.base_rate), ("min_rate", s.min_rate), ("max_rate", s.max_rate)] {
            if !(0.0..=1.0).contains(&v) {
                p.push(ConfigProblem::new(format!("sampling.{key}"), "must be between 0.0 and 1.0"));
            }
        }
        if s.min_rate > s.max_rate {
            p.push(ConfigProblem::new("sampling.min_rate", "must not be greater than sampling.max_rate"));
        }
        if s.high_session_threshold == 0 || s.low_session_threshold > s.high_session_threshold {
            p.push(ConfigProblem::new(
                "sampling.high_session_threshold",
                "must be at least 1 and not below sampling.low_session_threshold",
            ));
        }
        p
    }

    /// The ring's capacity.
    pub fn capacity(&self) -> usize {
        usize::try_from(self.buffer_size.clamp(1, MAX_BUFFER_SIZE)).unwrap_or(10_000)
    }
}

/// The prototype's adaptive rate: 1.0 below `low_session_threshold` active sessions, `base_rate`
/// up to `high_session_threshold`, then `base_rate * max(1 - excess / high, 0.1)`; clamped to
/// `[min_rate, max_rate]` and smoothed per tick (exponential moving average, alpha 0.3) so the
/// share does not swing with every reading.
#[derive(Debug, Clone)]
pub struct AdaptiveRate {
    cfg: AshSamplingConfig,
    current: Option<f64>,
}

impl AdaptiveRate {
    const ALPHA: f64 = 0.3;

    pub fn new(cfg: AshSamplingConfig) -> Self {
        Self { cfg, current: None }
    }

    /// The unsmoothed rate for `active` sessions.
    pub fn target(&self, active: u64) -> f64 {
        let c = &self.cfg;
        let rate = if active < c.low_session_threshold {
            1.0
        } else if active > c.high_session_threshold {
            let high = c.high_session_threshold.max(1) as f64;
            let excess = (active - c.high_session_threshold) as f64;
            c.base_rate * (1.0 - excess / high).max(0.1)
        } else {
            c.base_rate
        };
        rate.clamp(c.min_rate, c.max_rate)
    }

    /// Folds one reading in and returns the rate to sample this tick with.
    pub fn update(&mut self, active: u64) -> f64 {
        let target = self.target(active);
        let next = match self.current {
            None => target,
            Some(cur) => Self::ALPHA * target + (1.0 - Self::ALPHA) * cur,
        };
        let next = next.clamp(self.cfg.min_rate, self.cfg.max_rate);
        self.current = Some(next);
        next
    }

    pub fn current(&self) -> f64 {
        self.current.unwrap_or(1.0)
    }
}

/// One session as a receiver read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionRow {
    /// Backend pid or thread id.
    pub session_id: i64,
    pub database: String,
    pub user: String,
    pub application: String,
    /// `active`, `idle in transaction`, ... (PostgreSQL) or the command (MySQL).
    pub state: String,
    /// Whether the session is working (counted in the wait profile).
    pub active: bool,
    /// Empty when the session waits for nothing (on CPU).
    pub wait_event_type: String,
    pub wait_event: String,
    /// The server's query id (PostgreSQL queryid, MySQL digest); empty when unknown.
    pub query_id: String,
    /// The statement text as read (obfuscated before it is kept).
    pub query: String,
    /// How long the current statement has run, in milliseconds.
    pub running_ms: Option<f64>,
    /// Sessions this one waits for.
    pub blocked_by: Vec<i64>,
    /// The kind of lock waited for, when blocked.
    pub lock_type: String,
    /// PostgreSQL `backend_type` (`client backend`, `autovacuum worker`), empty for MySQL.
    pub backend_type: String,
}

/// What is kept of a statement: obfuscated text, summary and fingerprint (shared by every sample of
/// the same text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryInfo {
    pub text: String,
    pub summary: String,
    pub fingerprint: String,
    pub maintenance: bool,
}

/// Why a session was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    Blocked,
    LongRunning,
    Maintenance,
    Sampled,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Blocked => "blocked",
            Reason::LongRunning => "long_running",
            Reason::Maintenance => "maintenance",
            Reason::Sampled => "sampled",
        }
    }
}

/// One sampled session in the ring.
#[derive(Debug, Clone, PartialEq)]
pub struct AshSample {
    pub at_nanos: u64,
    /// Seconds this sample stands for (the time since the previous tick).
    pub weight_s: f32,
    pub session_id: i64,
    pub database: Box<str>,
    pub user: Box<str>,
    pub application: Box<str>,
    pub state: Box<str>,
    pub wait_event_type: Box<str>,
    pub wait_event: Box<str>,
    pub query_id: Box<str>,
    pub query: Option<Arc<QueryInfo>>,
    pub running_ms: f32,
    pub blocked_by: Box<[i64]>,
    pub lock_type: Box<str>,
    pub depth: u16,
    pub reason: Reason,
}

/// The attribute names of one receiver family, so querycorrelator joins ASH events with the same
/// names as the receivers' query samples.
#[derive(Debug, Clone, Copy)]
pub struct Flavor {
    pub system: &'static str,
    pub dialect: Dialect,
    pub session_id: &'static str,
    pub query_id: &'static str,
    pub state: &'static str,
    pub application: &'static str,
    pub wait_event_type: &'static str,
    pub wait_event: &'static str,
    pub blocking_pids: &'static str,
    pub lock_type: &'static str,
    /// `{1,2}` (PostgreSQL's array text) or `1,2`.
    pub braces: bool,
}

pub const POSTGRESQL: Flavor = Flavor {
    system: "postgresql",
    dialect: Dialect::Postgresql,
    session_id: "postgresql.pid",
    query_id: "postgresql.query_id",
    state: "postgresql.state",
    application: "postgresql.application_name",
    wait_event_type: "postgresql.wait_event_type",
    wait_event: "postgresql.wait_event",
    blocking_pids: "postgresql.blocking.pids",
    lock_type: "postgresql.blocking.lock.type",
    braces: true,
};

pub const MYSQL: Flavor = Flavor {
    system: "mysql",
    dialect: Dialect::Mysql,
    session_id: "mysql.threads.thread_id",
    query_id: "mysql.events_statements_current.digest",
    state: "mysql.threads.processlist_command",
    application: "mysql.threads.processlist_host",
    wait_event_type: "mysql.wait_event_type",
    wait_event: "mysql.wait_type",
    blocking_pids: "mysql.blocking.pids",
    lock_type: "mysql.blocking.lock.type",
    braces: false,
};

/// What one interval produced.
#[derive(Debug, Default)]
pub struct AshOutput {
    pub metrics: Vec<Metric>,
    pub records: Vec<LogRecord>,
}

/// Counters the receiver moves into self-telemetry after each tick or drain.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AshStats {
    pub ticks: u64,
    pub sessions_read: u64,
    pub sampled: u64,
    pub ring_evictions: u64,
    pub dropped_series: u64,
}

/// The wait profile's origin, shown as `dbintel.ash.source`.
pub const SOURCE_SAMPLING: &str = "sampling";

/// Maintenance statements the prototype always sampled.
const MAINTENANCE: &[&str] =
    &["VACUUM", "ANALYZE", "REINDEX", "CREATE INDEX", "DROP INDEX", "ALTER TABLE", "CLUSTER", "CHECKPOINT"];

/// True for maintenance statements (the first 100 bytes, case-insensitive, after comments).
pub fn is_maintenance(query: &str, backend_type: &str) -> bool {
    if backend_type.contains("autovacuum") {
        return true;
    }
    let mut q = query.trim_start();
    while let Some(rest) = q.strip_prefix("/*") {
        q = rest.split_once("*/").map_or("", |(_, after)| after).trim_start();
    }
    let head: String = q.chars().take(100).collect::<String>().to_ascii_uppercase();
    let head = head.split_whitespace().collect::<Vec<_>>().join(" ");
    MAINTENANCE.iter().any(|k| head.starts_with(k))
}

#[derive(Debug, Default)]
struct Interval {
    start_nanos: u64,
    ticks: u32,
    active: HashMap<(Box<str>, Box<str>), u64>,
    waits: HashMap<(Box<str>, Box<str>), f64>,
    source: Option<&'static str>,
    blocked_max: u64,
    depth_max: u64,
    long_max: u64,
}

/// The ASH state of one receiver: rate, ring and the interval being aggregated.
#[derive(Debug)]
pub struct Ash {
    cfg: AshConfig,
    flavor: Flavor,
    rate: AdaptiveRate,
    ring: VecDeque<AshSample>,
    cap: usize,
    queries: BoundedCache<u64, Arc<QueryInfo>>,
    interval: Interval,
    last_tick_nanos: Option<u64>,
    tick_no: u64,
    /// Set by [`Ash::add_wait_profile`]: the polled readings no longer feed the wait profile.
    external_profile: bool,
    stats: AshStats,
}

impl Ash {
    pub fn new(cfg: AshConfig, flavor: Flavor, now_nanos: u64) -> Self {
        let cap = cfg.capacity();
        Self {
            rate: AdaptiveRate::new(cfg.sampling.clone()),
            ring: VecDeque::with_capacity(cap.min(64)),
            cap,
            queries: BoundedCache::new(QUERY_CACHE_SIZE, None),
            interval: Interval { start_nanos: now_nanos, ..Default::default() },
            last_tick_nanos: None,
            tick_no: 0,
            external_profile: false,
            stats: AshStats::default(),
            cfg,
            flavor,
        }
    }

    pub fn config(&self) -> &AshConfig {
        &self.cfg
    }

    /// The current sampling rate.
    pub fn rate(&self) -> f64 {
        self.rate.current()
    }

    /// The sampled sessions kept.
    pub fn ring(&self) -> &VecDeque<AshSample> {
        &self.ring
    }

    /// Counters since the last call.
    pub fn take_stats(&mut self) -> AshStats {
        std::mem::take(&mut self.stats)
    }

    /// From now on the wait profile comes from [`Ash::add_wait_profile`] (`true`) or from the
    /// readings (`false`).
    pub fn set_external_profile(&mut self, on: bool) {
        self.external_profile = on;
    }

    pub fn external_profile(&self) -> bool {
        self.external_profile
    }

    /// Adds seconds of wait from another source (pg_wait_sampling) to the current interval.
    pub fn add_wait_profile(&mut self, source: &'static str, waits: &[(String, String, f64)]) {
        self.interval.source = Some(source);
        for (t, e, s) in waits {
            if !s.is_finite() || *s <= 0.0 {
                continue;
            }
            let key: (Box<str>, Box<str>) = (t.as_str().into(), e.as_str().into());
            add_bounded(&mut self.interval.waits, key, *s, &mut self.stats.dropped_series);
        }
    }

    fn describe(&mut self, query: &str) -> Option<Arc<QueryInfo>> {
        if query.trim().is_empty() {
            return None;
        }
        let mut h = DefaultHasher::new();
        query.hash(&mut h);
        let key = h.finish();
        if let Some(q) = self.queries.get(&key) {
            return Some(q.clone());
        }
        let cut = match query.char_indices().nth(MAX_TEXT) {
            Some((at, _)) => &query[..at],
            None => query,
        };
        let info = match dbintel_sql::analyze_statement(self.flavor.dialect, cut) {
            Ok(a) => QueryInfo {
                maintenance: is_maintenance(query, ""),
                text: a.obfuscated,
                summary: a.summary,
                fingerprint: a.fingerprint,
            },
            Err(_) => QueryInfo {
                text: "?".into(),
                summary: String::new(),
                fingerprint: String::new(),
                maintenance: false,
            },
        };
        let info = Arc::new(info);
        self.queries.insert(key, info.clone());
        Some(info)
    }

    /// Sampling paused (breaker, admission): the next reading stands for one interval, not for the
    /// time since the last one.
    pub fn pause(&mut self) {
        self.last_tick_nanos = None;
    }

    /// Folds one reading of the sessions in (taken at `at_nanos`).
    pub fn record_tick(&mut self, at_nanos: u64, rows: Vec<SessionRow>) {
        let interval_s = self.cfg.sampling_interval.get().as_secs_f64();
        let weight = match self.last_tick_nanos {
            Some(prev) if at_nanos > prev => ((at_nanos - prev) as f64 / 1e9).min(interval_s * 5.0).max(0.0),
            _ => interval_s,
        };
        self.last_tick_nanos = Some(at_nanos);
        self.tick_no = self.tick_no.wrapping_add(1);
        self.stats.ticks += 1;
        self.stats.sessions_read += rows.len() as u64;
        let active = rows.iter().filter(|r| r.active).count() as u64;
        let rate = self.rate.update(active);
        let chains = crate::blocking::blocking_chains(
            rows.iter().flat_map(|r| r.blocked_by.iter().map(move |b| (r.session_id, *b))),
        );
        let long_ms = self.cfg.long_running_threshold.get().as_secs_f64() * 1e3;
        let always_ms = self.cfg.sampling.long_running_after.get().as_secs_f64() * 1e3;
        let mut blocked = 0u64;
        let mut depth_max = 0u64;
        let mut long = 0u64;
        self.interval.ticks += 1;
        for r in rows {
            let chain = chains.get(&r.session_id);
            let depth = chain.map_or(0, |c| c.depth);
            let blocks_others = chain.is_some_and(|c| !c.blocked_pids.is_empty());
            let is_blocked = !r.blocked_by.is_empty();
            if is_blocked {
                blocked += 1;
            }
            depth_max = depth_max.max(u64::from(depth));
            let running = r.running_ms.filter(|m| m.is_finite() && *m >= 0.0);
            if r.active && running.is_some_and(|m| m > long_ms) {
                long += 1;
            }
            let key: (Box<str>, Box<str>) = (r.state.as_str().into(), r.database.as_str().into());
            add_bounded(&mut self.interval.active, key, 1, &mut self.stats.dropped_series);
            if r.active && !self.external_profile {
                let (t, e) = if r.wait_event_type.is_empty() {
                    ("CPU", "CPU")
                } else {
                    (r.wait_event_type.as_str(), r.wait_event.as_str())
                };
                let e = if e.is_empty() { t } else { e };
                let key: (Box<str>, Box<str>) = (t.into(), e.into());
                add_bounded(&mut self.interval.waits, key, weight, &mut self.stats.dropped_series);
                self.interval.source.get_or_insert(SOURCE_SAMPLING);
            }
            let s = &self.cfg.sampling;
            let reason = if s.always_sample_blocked && (is_blocked || blocks_others) {
                Some(Reason::Blocked)
            } else if s.always_sample_long_running && running.is_some_and(|m| m > always_ms) {
                Some(Reason::LongRunning)
            } else if s.always_sample_maintenance && is_maintenance(&r.query, &r.backend_type) {
                Some(Reason::Maintenance)
            } else if keep(r.session_id, self.tick_no, rate) {
                Some(Reason::Sampled)
            } else {
                None
            };
            let Some(reason) = reason else { continue };
            let query = self.describe(&r.query);
            self.push(AshSample {
                at_nanos,
                weight_s: weight as f32,
                session_id: r.session_id,
                database: r.database.into(),
                user: r.user.into(),
                application: r.application.into(),
                state: r.state.into(),
                wait_event_type: r.wait_event_type.into(),
                wait_event: r.wait_event.into(),
                query_id: r.query_id.into(),
                query,
                running_ms: running.unwrap_or(0.0) as f32,
                blocked_by: r.blocked_by.into_boxed_slice(),
                lock_type: r.lock_type.into(),
                depth: u16::try_from(depth).unwrap_or(u16::MAX),
                reason,
            });
        }
        let iv = &mut self.interval;
        iv.blocked_max = iv.blocked_max.max(blocked);
        iv.depth_max = iv.depth_max.max(depth_max);
        iv.long_max = iv.long_max.max(long);
        self.expire(at_nanos);
    }

    fn push(&mut self, s: AshSample) {
        self.stats.sampled += 1;
        if self.ring.len() >= self.cap {
            self.ring.pop_front();
            self.stats.ring_evictions += 1;
        } else if self.ring.len() == self.ring.capacity() {
            // Doubling, but never past the cap: the ring's memory at the cap is the cap's.
            let extra = self.ring.len().max(64).min(self.cap - self.ring.len());
            self.ring.reserve_exact(extra);
        }
        self.ring.push_back(s);
    }

    fn expire(&mut self, now_nanos: u64) {
        let keep = u64::try_from(self.cfg.retention_duration.get().as_nanos()).unwrap_or(u64::MAX);
        let oldest = now_nanos.saturating_sub(keep);
        while self.ring.front().is_some_and(|s| s.at_nanos < oldest) {
            self.ring.pop_front();
        }
    }

    /// The interval since the previous drain as metrics and events; starts the next interval.
    pub fn drain(&mut self, now_nanos: u64) -> AshOutput {
        let iv =
            std::mem::replace(&mut self.interval, Interval { start_nanos: now_nanos, ..Default::default() });
        let start = iv.start_nanos;
        let mut out = AshOutput::default();
        if iv.ticks == 0 && iv.waits.is_empty() {
            return out;
        }
        let point = |attributes: Attributes, value: NumberValue, start: u64| NumberDataPoint {
            attributes,
            start_time_unix_nano: start,
            time_unix_nano: now_nanos,
            value,
            flags: 0,
        };
        let ticks = f64::from(iv.ticks.max(1));
        let mut active: Vec<_> = iv.active.into_iter().collect();
        active.sort();
        let points = active
            .into_iter()
            .map(|((state, db), n)| {
                let mut a = Attributes::new();
                a.insert("state", &*state);
                a.insert("db.namespace", &*db);
                point(a, NumberValue::Double(n as f64 / ticks), 0)
            })
            .collect();
        out.metrics.push(Metric {
            name: "db.ash.active_sessions".into(),
            description:
                "Sessions by state and database, mean of the interval's readings (average active sessions)"
                    .into(),
            unit: "{session}".into(),
            data: MetricData::Gauge(points),
        });
        let mut waits: Vec<_> = iv.waits.into_iter().collect();
        waits.sort_by(|a, b| a.0.cmp(&b.0));
        let source = iv.source.unwrap_or(SOURCE_SAMPLING);
        let points = waits
            .into_iter()
            .map(|((t, e), s)| {
                let mut a = Attributes::new();
                a.insert("wait_event_type", &*t);
                a.insert("wait_event", &*e);
                a.insert("dbintel.ash.source", source);
                point(a, NumberValue::Double(s), start)
            })
            .collect();
        out.metrics.push(Metric {
            name: "db.ash.wait_events".into(),
            description: "Seconds active sessions spent in each wait during the interval (CPU: no wait); the wait profile"
                .into(),
            unit: "s".into(),
            data: MetricData::Sum { points, temporality: Temporality::Delta, monotonic: true },
        });
        if iv.ticks > 0 {
            let gauge = |name: &str, desc: &str, v: u64, a: Attributes| Metric {
                name: name.into(),
                description: desc.into(),
                unit: "{session}".into(),
                data: MetricData::Gauge(vec![point(
                    a,
                    NumberValue::Int(i64::try_from(v).unwrap_or(i64::MAX)),
                    0,
                )]),
            };
            out.metrics.push(gauge(
                "db.ash.blocked_sessions",
                "Sessions waiting for another session's lock, most of the interval's readings",
                iv.blocked_max,
                Attributes::new(),
            ));
            out.metrics.push(gauge(
                "db.ash.blocking_chain_depth",
                "Longest blocking chain (levels of waiting sessions), most of the interval's readings",
                iv.depth_max,
                Attributes::new(),
            ));
            let mut a = Attributes::new();
            let ms = self.cfg.long_running_threshold.get().as_millis();
            a.insert("threshold_ms", i64::try_from(ms).unwrap_or(i64::MAX));
            out.metrics.push(gauge(
                "db.ash.long_running_queries",
                "Active queries running longer than the threshold, most of the interval's readings",
                iv.long_max,
                a,
            ));
        }
        out.records = self.events(start, now_nanos);
        out
    }

    /// The heaviest waits of the interval's samples: grouped by query and wait, blocked groups
    /// first, then by seconds sampled; one event per group with its latest session.
    fn events(&self, start: u64, now_nanos: u64) -> Vec<LogRecord> {
        let max = usize::try_from(self.cfg.max_events).unwrap_or(0);
        if max == 0 {
            return Vec::new();
        }
        struct Group<'a> {
            latest: &'a AshSample,
            samples: u64,
            seconds: f64,
            blocked: bool,
        }
        let mut groups: HashMap<(&str, &str, &str, &str, &str), Group<'_>> = HashMap::new();
        for s in self.ring.iter().rev().take_while(|s| s.at_nanos >= start) {
            let fp = s.query.as_ref().map_or("", |q| q.fingerprint.as_str());
            let key = (&*s.database, &*s.query_id, fp, &*s.wait_event_type, &*s.wait_event);
            if groups.len() >= MAX_SERIES && !groups.contains_key(&key) {
                continue;
            }
            let g =
                groups.entry(key).or_insert(Group { latest: s, samples: 0, seconds: 0.0, blocked: false });
            g.samples += 1;
            g.seconds += f64::from(s.weight_s);
            g.blocked |= !s.blocked_by.is_empty();
        }
        let mut list: Vec<Group<'_>> = groups.into_values().collect();
        list.sort_by(|a, b| {
            b.blocked
                .cmp(&a.blocked)
                .then(b.seconds.total_cmp(&a.seconds))
                .then(a.latest.session_id.cmp(&b.latest.session_id))
        });
        list.truncate(max);
        list.into_iter().map(|g| self.record(g.latest, g.samples, g.seconds, now_nanos)).collect()
    }

    fn record(&self, s: &AshSample, samples: u64, seconds: f64, now_nanos: u64) -> LogRecord {
        let f = &self.flavor;
        let mut a = Attributes::with_capacity(24);
        a.insert("db.system.name", f.system);
        a.insert("db.namespace", &*s.database);
        match &s.query {
            Some(q) => {
                a.insert("db.query.text", q.text.as_str());
                if !q.summary.is_empty() {
                    a.insert("db.query.summary", q.summary.as_str());
                }
                if !q.fingerprint.is_empty() {
                    a.insert("dbintel.query.fingerprint", q.fingerprint.as_str());
                }
            }
            None => a.insert("db.query.text", ""),
        }
        if !s.query_id.is_empty() {
            a.insert(f.query_id, &*s.query_id);
        }
        a.insert("user.name", &*s.user);
        a.insert(f.session_id, s.session_id);
        a.insert(f.state, &*s.state);
        a.insert(f.application, &*s.application);
        a.insert(f.wait_event_type, &*s.wait_event_type);
        a.insert(f.wait_event, &*s.wait_event);
        let pids: Vec<String> = s.blocked_by.iter().map(i64::to_string).collect();
        let pids = if f.braces { format!("{{{}}}", pids.join(",")) } else { pids.join(",") };
        a.insert(f.blocking_pids, pids);
        if !s.blocked_by.is_empty() {
            a.insert(f.lock_type, &*s.lock_type);
            a.insert("dbintel.blocking.depth", i64::from(s.depth));
        }
        a.insert("dbintel.ash.samples", i64::try_from(samples).unwrap_or(i64::MAX));
        a.insert("dbintel.ash.wait_time", seconds);
        a.insert("dbintel.ash.query_duration_ms", f64::from(s.running_ms));
        a.insert("dbintel.ash.reason", s.reason.as_str());
        a.insert("dbintel.ash.sample_rate", self.rate.current());
        LogRecord {
            time_unix_nano: s.at_nanos,
            observed_time_unix_nano: now_nanos,
            event_name: EVENT_NAME.into(),
            attributes: a,
            ..Default::default()
        }
    }

    /// Bytes the ring holds now: the samples with their own strings (the shared statement analyses
    /// are counted once each, in the cache).
    pub fn ring_bytes(&self) -> usize {
        let per = std::mem::size_of::<AshSample>();
        let strings: usize = self
            .ring
            .iter()
            .map(|s| {
                s.database.len()
                    + s.user.len()
                    + s.application.len()
                    + s.state.len()
                    + s.wait_event_type.len()
                    + s.wait_event.len()
                    + s.query_id.len()
                    + s.lock_type.len()
                    + s.blocked_by.len() * 8
            })
            .sum();
        let cache: usize = self
            .queries
            .iter()
            .map(|(_, q)| {
                q.text.len() + q.summary.len() + q.fingerprint.len() + std::mem::size_of::<QueryInfo>()
            })
            .sum();
        self.ring.capacity() * per + strings + cache
    }
}

fn add_bounded<V: std::ops::AddAssign + Copy>(
    map: &mut HashMap<(Box<str>, Box<str>), V>,
    key: (Box<str>, Box<str>),
    v: V,
    dropped: &mut u64,
) {
    if map.len() >= MAX_SERIES && !map.contains_key(&key) {
        *dropped += 1;
        return;
    }
    match map.get_mut(&key) {
        Some(slot) => *slot += v,
        None => {
            map.insert(key, v);
        }
    }
}

/// The deterministic keep decision: a hash of the session and tick against the rate, so the same
/// session is not always the one left out.
fn keep(session: i64, tick: u64, rate: f64) -> bool {
    if rate >= 1.0 {
        return true;
    }
    if rate <= 0.0 {
        return false;
    }
    let mut h = DefaultHasher::new();
    (session, tick).hash(&mut h);
    (h.finish() as f64 / u64::MAX as f64) < rate
}

/// Seconds of wait per `(type, event)` between two readings of a cumulative profile (pg_wait_sampling
/// counts), bounded; a key whose count went down (a reset) starts over from its new count.
#[derive(Debug, Default)]
pub struct ProfileDeltas {
    last: HashMap<(String, String), i64>,
    primed: bool,
}

impl ProfileDeltas {
    /// Takes a cumulative reading (`count` samples each of `period`) and returns the seconds added
    /// since the previous one (nothing on the first reading).
    pub fn update(
        &mut self,
        rows: Vec<(String, String, i64)>,
        period: Duration,
    ) -> Vec<(String, String, f64)> {
        let mut out = Vec::new();
        let mut next = HashMap::with_capacity(rows.len().min(MAX_SERIES));
        for (t, e, count) in rows {
            if next.len() >= MAX_SERIES {
                break;
            }
            let prev = self.last.get(&(t.clone(), e.clone())).copied();
            let delta = match prev {
                Some(p) if count >= p => count - p,
                Some(_) => count,
                None if self.primed => count,
                None => 0,
            };
            if delta > 0 {
                out.push((t.clone(), e.clone(), delta as f64 * period.as_secs_f64()));
            }
            next.insert((t, e), count);
        }
        self.last = next;
        self.primed = true;
        out
    }

    pub fn reset(&mut self) {
        self.last.clear();
        self.primed = false;
    }
}

/// Attribute value helper for tests and receivers.
pub fn str_attr<'a>(r: &'a LogRecord, key: &str) -> &'a str {
    r.attributes.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The self-telemetry of one receiver's active session history (both receivers report the same
/// instruments).
#[derive(Clone)]
pub struct AshTelemetry {
    pub ticks: Counter,
    pub sampled: Counter,
    pub evictions: Counter,
    pub dropped_series: Counter,
    pub errors: Counter,
    /// Sampling ticks left out because the database's circuit breaker is open or shedding.
    pub shed_ticks: Counter,
    pub ring: Gauge,
    pub ring_bytes: Gauge,
}

impl AshTelemetry {
    pub fn new(t: &Registry, receiver: &str) -> Self {
        let l = [("receiver", receiver)];
        Self {
            ticks: t.counter(
                "dbintel_ash_ticks_total",
                "Session readings taken for active session history",
                &l,
            ),
            sampled: t.counter(
                "dbintel_ash_samples_total",
                "Sessions kept in the active-session-history ring",
                &l,
            ),
            evictions: t.counter(
                "dbintel_ash_ring_evictions_total",
                "Samples dropped from the full active-session-history ring (oldest first)",
                &l,
            ),
            dropped_series: t.counter(
                "dbintel_ash_dropped_series_total",
                "Readings not aggregated because an interval reached its series cap",
                &l,
            ),
            errors: t.counter("dbintel_ash_errors_total", "Failed active-session-history readings", &l),
            shed_ticks: t.counter(
                "dbintel_ash_shed_ticks_total",
                "Sampling ticks without a reading because the database's circuit breaker is open or shedding",
                &l,
            ),
            ring: t.gauge("dbintel_ash_ring_samples", "Samples held in the active-session-history ring", &l),
            ring_bytes: t.gauge(
                "dbintel_ash_ring_bytes",
                "Bytes held by the active-session-history ring and its statement cache",
                &l,
            ),
        }
    }

    /// Adds what the ring counted since the last call and sets the ring gauge.
    pub fn record(&self, ash: &mut Ash) {
        let s = ash.take_stats();
        self.ticks.add(s.ticks);
        self.sampled.add(s.sampled);
        self.evictions.add(s.ring_evictions);
        self.dropped_series.add(s.dropped_series);
        self.ring.set(i64::try_from(ash.ring().len()).unwrap_or(i64::MAX));
    }
}

/// How active session history obeys the circuit breaker of the database it samples: one reading
/// every `n` sampling ticks (`Some(n)`), or none at all (`None`). An open breaker (the database in
/// trouble) pauses it, as it pauses every other collector; a database under stress slows it like
/// the other expensive collection: shedding plans halves the readings, shedding samples reads
/// every fourth tick, shedding top queries (only metrics left) pauses it.
pub fn breaker_stride(allows: bool, shed: dbintel_core::breaker::Shed) -> Option<u32> {
    use dbintel_core::breaker::Shed;
    if !allows {
        return None;
    }
    match shed {
        Shed::Nothing => Some(1),
        Shed::Plans => Some(2),
        Shed::Samples => Some(4),
        Shed::TopQueries => None,
    }
}

/// The breaker gate of one sampling task: says per tick whether to read, counts the ticks left
/// out, and logs each change of pace once.
#[derive(Debug)]
pub struct BreakerGate {
    stride: Option<u32>,
    tick: u64,
}

impl Default for BreakerGate {
    fn default() -> Self {
        Self { stride: Some(1), tick: 0 }
    }
}

impl BreakerGate {
    /// Whether this tick reads, given the breaker's word now (`allows`, `shed`). `ash` is told of a
    /// pause (its next reading then weighs one interval, not the paused time).
    pub fn admit(
        &mut self,
        allows: bool,
        shed: dbintel_core::breaker::Shed,
        ash: &std::sync::Mutex<Ash>,
        telemetry: &AshTelemetry,
        receiver: &str,
    ) -> bool {
        let stride = breaker_stride(allows, shed);
        if stride != self.stride {
            match stride {
                None => tracing::warn!(
                    receiver = %receiver, breaker_open = !allows, shed = shed.as_str(),
                    "active session history paused by the circuit breaker (the database is in trouble or sheds all but metrics)"
                ),
                Some(1) => {
                    tracing::info!(receiver = %receiver, "active session history samples at its full pace again")
                }
                Some(n) => tracing::warn!(
                    receiver = %receiver, shed = shed.as_str(), every = n,
                    "active session history slowed by the circuit breaker: one reading every {n} sampling ticks"
                ),
            }
            self.stride = stride;
            self.tick = 0;
        }
        let Some(n) = stride else {
            lock(ash).pause();
            telemetry.shed_ticks.inc();
            return false;
        };
        self.tick = self.tick.wrapping_add(1);
        if n > 1 && !(self.tick - 1).is_multiple_of(u64::from(n)) {
            telemetry.shed_ticks.inc();
            return false;
        }
        true
    }
}

/// The shared ring, usable after a panic elsewhere (its state stays consistent per call).
pub fn lock(m: &std::sync::Mutex<Ash>) -> std::sync::MutexGuard<'_, Ash> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
