//! Circuit breakers that protect the monitored databases: one per (receiver, database) and one global,
//! shared by the receivers (which report how each collection from a database went: its first trouble
//! failure, else a success with its slowest statement's time) and the
//! `circuit_breaker` processor (which configures them, stamps `cb.state` on records and feeds the
//! global breaker from its throughput, memory and CPU guards).
//!
//! A breaker moves closed -> open after `failure_threshold` consecutive failed collections: failures that mean the database
//! is in trouble (timeouts, too many connections, refused or reset connections, lock timeouts), open ->
//! half-open once `open_state_timeout` has passed since the failure that opened it, and half-open ->
//! closed after `success_threshold` successes (one failure while half-open opens it again). While a
//! database's breaker is open its receiver is told to skip it through admission
//! (`Scope::Database`, reason `circuit breaker open`); the global breaker votes for every receiver.
//! Stress read from the database (sessions near `max_connections`, sessions waiting long on locks,
//! replication lag, the collector's own statements getting slow against the adaptive timeout) does
//! not open the breaker but sheds the expensive
//! collection first ([`Shed`]): plans, then samples, then top queries; plain metrics last (a
//! `Reduced` vote).
//!
//! Errors that are not the database's trouble but a missing feature (permission denied, a missing
//! extension or table, "not supported" on a managed service) disable that one query for a backoff
//! instead ([`BreakerHandle::disable_query`]), reported once by the receiver with the fix.
//!
//! Nothing happens until a `circuit_breaker` processor configures the registry: receivers' reports are
//! then one atomic load. Time is passed in (`Instant`), so the state machine is tested with an
//! injected clock.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use tracing::{info, warn};

use crate::admission::{AdmissionRegistry, Admit, Scope};
use crate::ids::ComponentId;
use crate::telemetry::{Counter, Gauge, Registry};

/// The admission setter name of the breakers' votes.
pub const SETTER: &str = "circuit_breaker";
/// The skip reason while a breaker is open (also the telemetry label of skipped scrapes).
pub const OPEN_REASON: &str = "circuit breaker open";

/// A breaker's state. The gauge value orders them by severity: 0 closed, 1 half-open, 2 open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BreakerState {
    Closed,
    HalfOpen,
    Open,
}

impl BreakerState {
    pub fn as_str(self) -> &'static str {
        match self {
            BreakerState::Closed => "closed",
            BreakerState::HalfOpen => "half_open",
            BreakerState::Open => "open",
        }
    }
    fn gauge_value(self) -> i64 {
        match self {
            BreakerState::Closed => 0,
            BreakerState::HalfOpen => 1,
            BreakerState::Open => 2,
        }
    }
}

/// Why a statement against a database failed, as far as the breaker cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// Statement timeout, client deadline, cancel.
    Timeout,
    /// The server refused a connection for its connection limit.
    TooManyConnections,
    /// Connection refused, reset, lost, no route, server shutting down or starting.
    ConnectionRefused,
    /// A lock wait hit the lock timeout.
    LockTimeout,
    /// The collector's user lacks a grant.
    PermissionDenied,
    /// An extension, table, view or function the query needs does not exist.
    MissingFeature,
    /// The server (often a managed one) does not support the statement.
    NotSupported,
    /// The collector itself is over its throughput, memory or CPU limits (the global breaker's
    /// guards).
    Overload,
    /// Anything else (counted, does not move the breaker).
    Other,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Timeout => "timeout",
            FailureKind::TooManyConnections => "too_many_connections",
            FailureKind::ConnectionRefused => "connection",
            FailureKind::LockTimeout => "lock_timeout",
            FailureKind::PermissionDenied => "permission_denied",
            FailureKind::MissingFeature => "missing_feature",
            FailureKind::NotSupported => "not_supported",
            FailureKind::Overload => "overload",
            FailureKind::Other => "other",
        }
    }

    /// Classifies an error from its SQLSTATE (PostgreSQL), error number (MySQL/MariaDB, as text) and
    /// message. Codes win over text; text covers drivers that give no code.
    pub fn classify(code: Option<&str>, message: &str) -> FailureKind {
        if let Some(kind) = code.and_then(Self::from_code) {
            return kind;
        }
        let m = message.to_ascii_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
        if has(&[
            "too many connections",
            "too many clients",
            "remaining connection slots",
            "max_user_connections",
        ]) {
            FailureKind::TooManyConnections
        } else if has(&["lock timeout", "lock wait timeout", "lock_timeout", "could not obtain lock"]) {
            FailureKind::LockTimeout
        } else if has(&[
            "statement timeout",
            "canceling statement",
            "timed out",
            "max_statement_time",
            "max_execution_time",
            "deadline exceeded",
            "query execution was interrupted",
        ]) {
            FailureKind::Timeout
        } else if has(&[
            "connection refused",
            "connection reset",
            "broken pipe",
            "no route to host",
            "connection lost",
            "server closed the connection",
            "terminating connection",
            "the database system is starting up",
            "the database system is shutting down",
            "server has gone away",
            "lost connection",
            "can't connect",
        ]) {
            FailureKind::ConnectionRefused
        } else if has(&["permission denied", "access denied", "command denied", "must be superuser"]) {
            FailureKind::PermissionDenied
        } else if has(&["not supported", "unsupported"]) {
            FailureKind::NotSupported
        } else if has(&["does not exist", "doesn't exist", "unknown table", "unknown column", "is disabled"])
        {
            FailureKind::MissingFeature
        } else {
            FailureKind::Other
        }
    }

    fn from_code(code: &str) -> Option<FailureKind> {
        Some(match code {
            // PostgreSQL SQLSTATEs.
            "57014" => FailureKind::Timeout,
            "53300" => FailureKind::TooManyConnections,
            "55P03" => FailureKind::LockTimeout,
            "57P01" | "57P02" | "57P03" => FailureKind::ConnectionRefused,
            c if c.starts_with("08") && c.len() == 5 => FailureKind::ConnectionRefused,
            "42501" => FailureKind::PermissionDenied,
            "42P01" | "42883" | "58P01" | "55000" => FailureKind::MissingFeature,
            "0A000" => FailureKind::NotSupported,
            // MySQL / MariaDB error numbers.
            "1040" | "1203" | "1226" => FailureKind::TooManyConnections,
            "1205" => FailureKind::LockTimeout,
            "3024" | "1969" | "1317" | "1028" => FailureKind::Timeout,
            "2002" | "2003" | "2006" | "2013" | "1053" | "1927" => FailureKind::ConnectionRefused,
            "1044" | "1045" | "1142" | "1143" | "1227" | "1370" => FailureKind::PermissionDenied,
            "1146" | "1054" | "1305" | "1109" => FailureKind::MissingFeature,
            "1235" | "1289" => FailureKind::NotSupported,
            _ => return None,
        })
    }

    /// Failures that mean the database is in trouble: they count towards opening the breaker.
    pub fn trips_breaker(self) -> bool {
        matches!(
            self,
            FailureKind::Timeout
                | FailureKind::TooManyConnections
                | FailureKind::ConnectionRefused
                | FailureKind::LockTimeout
                | FailureKind::Overload
        )
    }

    /// Failures that disable the one query for a while (the prototype's feature-aware actions), with
    /// the first backoff: missing extension or table 30 minutes, permission denied 1 hour, "not
    /// supported" 24 hours. Each further failure after a re-enable multiplies it by the attempts
    /// (capped at 24 hours).
    pub fn disable_backoff(self) -> Option<Duration> {
        match self {
            FailureKind::MissingFeature => Some(Duration::from_secs(30 * 60)),
            FailureKind::PermissionDenied => Some(Duration::from_secs(60 * 60)),
            FailureKind::NotSupported => Some(MAX_DISABLE),
            _ => None,
        }
    }
}

const MAX_DISABLE: Duration = Duration::from_secs(24 * 60 * 60);

/// How one statement (or connection attempt) against a database went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Success { elapsed: Duration },
    Failure(FailureKind),
}

/// What a stressed database sheds, in order of cost: each level includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Shed {
    #[default]
    Nothing,
    /// No EXPLAIN.
    Plans,
    /// No plans, no query samples.
    Samples,
    /// No plans, samples or top queries; only metrics (and those reduced to half the scrapes).
    TopQueries,
}

impl Shed {
    pub fn as_str(self) -> &'static str {
        match self {
            Shed::Nothing => "nothing",
            Shed::Plans => "plans",
            Shed::Samples => "samples",
            Shed::TopQueries => "top_queries",
        }
    }
}

/// Signs of stress read from the database itself. A reading that is `None` (not read, not
/// permitted, not a replica) sheds nothing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stress {
    /// Client sessions (active or total) and the server's `max_connections`.
    pub sessions: Option<(u64, u64)>,
    /// The longest current wait of a session on a lock (row or table locks, not the collector's).
    pub lock_wait: Option<Duration>,
    /// Replication lag: a standby's (replica's) delay behind its primary, or a primary's worst
    /// replica's replay lag.
    pub replication_lag: Option<Duration>,
}

impl Stress {
    /// Sessions only (the receivers' reading of `max_connections`).
    pub fn sessions(used: u64, max: u64) -> Self {
        Stress { sessions: Some((used, max)), ..Stress::default() }
    }
}

/// The shed level of a duration against its threshold: half of it sheds plans, the threshold
/// samples too, twice the threshold top queries too. A zero threshold is off.
pub fn duration_shed(value: Option<Duration>, threshold: Duration) -> Shed {
    match value {
        Some(v) if !threshold.is_zero() => {
            if v >= threshold.saturating_mul(2) {
                Shed::TopQueries
            } else if v >= threshold {
                Shed::Samples
            } else if v >= threshold / 2 {
                Shed::Plans
            } else {
                Shed::Nothing
            }
        }
        _ => Shed::Nothing,
    }
}

/// The breakers' settings (from the `circuit_breaker` processor's config).
#[derive(Debug, Clone, PartialEq)]
pub struct BreakerSettings {
    pub failure_threshold: u32,
    pub success_threshold: u32,
    pub open_state_timeout: Duration,
    /// Adaptive timeout: starts at `base_timeout`, +10% per trouble failure (up to `max_timeout`),
    /// -10% per statement faster than half of it (down to `base_timeout`).
    pub base_timeout: Duration,
    pub max_timeout: Duration,
    pub adaptive_timeout: bool,
    /// Sessions / max_connections at which a database is stressed (shed samples); 90% of it sheds
    /// plans, half-way from it to 1 sheds top queries.
    pub max_session_ratio: f64,
    /// A session waiting on a lock this long is stress ([`duration_shed`]); zero is off.
    pub lock_wait_threshold: Duration,
    /// Replication lag this long is stress ([`duration_shed`]); zero is off.
    pub replication_lag_threshold: Duration,
    /// Most (receiver, database) breakers kept; idle closed ones are evicted first (counted).
    pub max_databases: usize,
}

impl Default for BreakerSettings {
    fn default() -> Self {
        BreakerSettings {
            failure_threshold: 5,
            success_threshold: 3,
            open_state_timeout: Duration::from_secs(30),
            base_timeout: Duration::from_secs(5),
            max_timeout: Duration::from_secs(30),
            adaptive_timeout: true,
            max_session_ratio: 0.9,
            lock_wait_threshold: Duration::from_secs(30),
            replication_lag_threshold: Duration::from_secs(60),
            max_databases: 1000,
        }
    }
}

/// A state change, as reported by the state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: BreakerState,
    pub to: BreakerState,
}

/// One breaker's state machine. Pure: time comes in as arguments.
#[derive(Debug, Clone)]
pub struct Breaker {
    state: BreakerState,
    failures: u32,
    successes: u32,
    /// When the failure that (last) opened it happened.
    opened_at: Option<Instant>,
    last_seen: Instant,
    timeout: Duration,
    shed: Shed,
    /// The shed level from slow statements, kept apart from the stress read from the database.
    slow_shed: Shed,
    stress_shed: Shed,
}

impl Breaker {
    pub fn new(settings: &BreakerSettings, now: Instant) -> Self {
        Breaker {
            state: BreakerState::Closed,
            failures: 0,
            successes: 0,
            opened_at: None,
            last_seen: now,
            timeout: settings.base_timeout,
            shed: Shed::Nothing,
            slow_shed: Shed::Nothing,
            stress_shed: Shed::Nothing,
        }
    }

    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// The adaptive timeout now.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn shed(&self) -> Shed {
        self.shed
    }

    fn go(&mut self, to: BreakerState) -> Option<Transition> {
        let from = self.state;
        if from == to {
            return None;
        }
        self.state = to;
        self.failures = 0;
        self.successes = 0;
        Some(Transition { from, to })
    }

    /// Open -> half-open once `open_state_timeout` has passed since the failure that opened it.
    pub fn poll(&mut self, s: &BreakerSettings, now: Instant) -> Option<Transition> {
        match (self.state, self.opened_at) {
            (BreakerState::Open, Some(at)) if now.saturating_duration_since(at) >= s.open_state_timeout => {
                self.go(BreakerState::HalfOpen)
            }
            _ => None,
        }
    }

    /// Records one outcome; returns the state change it caused, if any.
    pub fn record(&mut self, s: &BreakerSettings, outcome: Outcome, now: Instant) -> Option<Transition> {
        self.last_seen = now;
        let polled = self.poll(s, now);
        let changed = match outcome {
            Outcome::Success { elapsed } => {
                if s.adaptive_timeout && elapsed < self.timeout / 2 {
                    self.timeout = self.timeout.mul_f64(0.9).max(s.base_timeout);
                }
                // Slow statements: past half of the adaptive timeout shed plans, past the
                // timeout shed samples too.
                self.slow_shed = if elapsed >= self.timeout {
                    Shed::Samples
                } else if elapsed >= self.timeout / 2 {
                    Shed::Plans
                } else {
                    Shed::Nothing
                };
                self.shed = self.slow_shed.max(self.stress_shed);
                match self.state {
                    BreakerState::Closed => {
                        self.failures = 0;
                        None
                    }
                    BreakerState::HalfOpen => {
                        self.successes += 1;
                        if self.successes >= s.success_threshold.max(1) {
                            self.go(BreakerState::Closed)
                        } else {
                            None
                        }
                    }
                    // A straggler from before it opened: it proves nothing about now.
                    BreakerState::Open => None,
                }
            }
            Outcome::Failure(kind) if kind.trips_breaker() => {
                if s.adaptive_timeout {
                    self.timeout = self.timeout.mul_f64(1.1).min(s.max_timeout).max(s.base_timeout);
                }
                match self.state {
                    BreakerState::Closed => {
                        self.failures += 1;
                        if self.failures >= s.failure_threshold.max(1) {
                            self.opened_at = Some(now);
                            self.go(BreakerState::Open)
                        } else {
                            None
                        }
                    }
                    BreakerState::HalfOpen => {
                        self.opened_at = Some(now);
                        self.go(BreakerState::Open)
                    }
                    BreakerState::Open => {
                        self.opened_at = Some(now);
                        None
                    }
                }
            }
            Outcome::Failure(_) => None,
        };
        match (polled, changed) {
            (Some(a), Some(b)) => Some(Transition { from: a.from, to: b.to }).filter(|t| t.from != t.to),
            (a, b) => b.or(a),
        }
    }

    /// Applies stress read from the database (the worst of its signs); returns the new shed level.
    pub fn stress(&mut self, s: &BreakerSettings, stress: Stress, now: Instant) -> Shed {
        self.last_seen = now;
        let sessions = match stress.sessions {
            Some((used, max)) if max > 0 => {
                let ratio = used as f64 / max as f64;
                let t = s.max_session_ratio;
                if ratio >= t + (1.0 - t) / 2.0 {
                    Shed::TopQueries
                } else if ratio >= t {
                    Shed::Samples
                } else if ratio >= t * 0.9 {
                    Shed::Plans
                } else {
                    Shed::Nothing
                }
            }
            _ => Shed::Nothing,
        };
        self.stress_shed = sessions
            .max(duration_shed(stress.lock_wait, s.lock_wait_threshold))
            .max(duration_shed(stress.replication_lag, s.replication_lag_threshold));
        self.shed = self.slow_shed.max(self.stress_shed);
        self.shed
    }
}

/// A query switched off for a while (feature-aware actions).
#[derive(Debug, Clone)]
struct Disabled {
    until: Instant,
    attempts: u32,
    kind: FailureKind,
}

type Key = (ComponentId, String);

struct Entry {
    breaker: Breaker,
    gauge: Option<Gauge>,
}

struct State {
    settings: BreakerSettings,
    admission: AdmissionRegistry,
    telemetry: Registry,
    breakers: HashMap<Key, Entry>,
    global: Breaker,
    global_gauge: Option<Gauge>,
    /// (receiver, database, query) -> disabled until. Bounded like `breakers` (x 64 queries).
    disabled: HashMap<(ComponentId, String, String), Disabled>,
    evictions: Option<Counter>,
}

struct Inner {
    admission: AdmissionRegistry,
    configured: AtomicBool,
    /// Breakers not closed or shedding, so `poll` and the processor's lookups skip the lock when
    /// everything is healthy.
    troubled: AtomicUsize,
    /// Non-closed states by database name (worst over receivers), for the processor's `cb.state`.
    by_database: ArcSwap<BTreeMap<String, BreakerState>>,
    global_state: ArcSwap<BreakerState>,
    state: Mutex<Option<State>>,
}

/// Every breaker of one service; held by the [`crate::Host`] (`host.breakers()`). Cheap to clone.
#[derive(Clone)]
pub struct BreakerRegistry {
    inner: Arc<Inner>,
}

impl BreakerRegistry {
    pub fn new(admission: AdmissionRegistry) -> Self {
        BreakerRegistry {
            inner: Arc::new(Inner {
                admission,
                configured: AtomicBool::new(false),
                troubled: AtomicUsize::new(0),
                by_database: ArcSwap::from_pointee(BTreeMap::new()),
                global_state: ArcSwap::from_pointee(BreakerState::Closed),
                state: Mutex::new(None),
            }),
        }
    }

    /// Turns the breakers on with `settings` (done by the `circuit_breaker` processor). A second
    /// configuration with other settings replaces the first for breakers created from then on and
    /// is logged.
    pub fn configure(&self, settings: BreakerSettings, telemetry: &Registry) {
        let mut state = self.inner.state.lock().unwrap_or_else(PoisonError::into_inner);
        match state.as_mut() {
            Some(s) if s.settings == settings => {}
            Some(s) => {
                warn!(
                    "circuit_breaker: configured twice with different settings; the last one applies (one breaker registry serves the whole service)"
                );
                s.settings = settings;
            }
            None => {
                let now = Instant::now();
                let global_gauge = telemetry.gauge(
                    "dbintel_circuit_breaker_state",
                    "Circuit breaker state per monitored database: 0 closed, 1 half-open, 2 open (receiver and database `*`: the global breaker).",
                    &[("receiver", "*"), ("database", "*")],
                );
                *state = Some(State {
                    admission: self.inner.admission.clone(),
                    global: Breaker::new(&settings, now),
                    settings,
                    telemetry: telemetry.clone(),
                    breakers: HashMap::new(),
                    global_gauge: Some(global_gauge),
                    disabled: HashMap::new(),
                    evictions: Some(telemetry.counter(
                        "dbintel_circuit_breaker_evictions_total",
                        "Idle database breakers dropped at the max_databases bound.",
                        &[],
                    )),
                });
            }
        }
        self.inner.configured.store(true, Ordering::Release);
    }

    pub fn is_configured(&self) -> bool {
        self.inner.configured.load(Ordering::Acquire)
    }

    /// The read and report side for receiver `id`.
    pub fn handle(&self, receiver: &ComponentId) -> BreakerHandle {
        BreakerHandle { registry: self.clone(), receiver: receiver.clone() }
    }

    fn with_state<R>(&self, f: impl FnOnce(&mut State, &Inner) -> R) -> Option<R> {
        if !self.is_configured() {
            return None;
        }
        let mut guard = self.inner.state.lock().unwrap_or_else(PoisonError::into_inner);
        guard.as_mut().map(|s| f(s, &self.inner))
    }

    /// Records an outcome for (receiver, database) at `now`; returns its state afterwards.
    pub fn record_at(
        &self,
        receiver: &ComponentId,
        database: &str,
        outcome: Outcome,
        now: Instant,
    ) -> BreakerState {
        self.with_state(|s, inner| {
            let key = (receiver.clone(), database.to_string());
            let settings = s.settings.clone();
            let entry = s.entry(&key, now);
            let before_shed = entry.breaker.shed();
            let t = entry.breaker.record(&settings, outcome, now);
            let after = entry.breaker.state();
            let shed_changed = before_shed != entry.breaker.shed();
            if let Some(t) = t {
                s.transition(inner, &key, t);
            }
            if t.is_some() || shed_changed {
                s.publish(inner, &key);
            }
            after
        })
        .unwrap_or(BreakerState::Closed)
    }

    /// Stress read from the database (sessions against max_connections, lock waits, replication
    /// lag) for (receiver, database).
    pub fn stress_at(&self, receiver: &ComponentId, database: &str, stress: Stress, now: Instant) -> Shed {
        self.with_state(|s, inner| {
            let key = (receiver.clone(), database.to_string());
            let settings = s.settings.clone();
            let entry = s.entry(&key, now);
            let before = entry.breaker.shed();
            let shed = entry.breaker.stress(&settings, stress, now);
            if shed != before {
                info!(receiver = %key.0, database = %key.1, shed = shed.as_str(),
                    "circuit_breaker: the database shows stress (sessions near max_connections, long lock waits, replication lag or slow statements); collection sheds {} and everything more expensive", shed.as_str());
                s.publish(inner, &key);
            }
            shed
        })
        .unwrap_or_default()
    }

    /// Moves open breakers whose timeout has passed to half-open (withdrawing their skip votes so
    /// the next scrape probes). Lock-free while every breaker is closed.
    pub fn poll_at(&self, now: Instant) {
        if self.inner.troubled.load(Ordering::Acquire) == 0 {
            return;
        }
        self.with_state(|s, inner| {
            let settings = s.settings.clone();
            let keys: Vec<Key> = s
                .breakers
                .iter()
                .filter(|(_, e)| e.breaker.state() == BreakerState::Open)
                .map(|(k, _)| k.clone())
                .collect();
            for key in keys {
                let t = s.breakers.get_mut(&key).and_then(|e| e.breaker.poll(&settings, now));
                if let Some(t) = t {
                    s.transition(inner, &key, t);
                    s.publish(inner, &key);
                }
            }
            if let Some(t) = s.global.poll(&settings, now) {
                s.global_transition(inner, t);
            }
        });
    }

    /// Feeds the global breaker (the processor's guards: throughput, memory, CPU).
    pub fn record_global_at(&self, outcome: Outcome, now: Instant) -> BreakerState {
        self.with_state(|s, inner| {
            let settings = s.settings.clone();
            if let Some(t) = s.global.record(&settings, outcome, now) {
                s.global_transition(inner, t);
            }
            s.global.state()
        })
        .unwrap_or(BreakerState::Closed)
    }

    pub fn global_state(&self) -> BreakerState {
        **self.inner.global_state.load()
    }

    /// The state of `database` (worst over the receivers that report it); `Closed` when unknown.
    pub fn database_state(&self, database: &str) -> BreakerState {
        if self.inner.troubled.load(Ordering::Acquire) == 0 {
            return BreakerState::Closed;
        }
        self.inner.by_database.load().get(database).copied().unwrap_or(BreakerState::Closed)
    }

    /// Every database whose breaker is not closed (for health and records), by name.
    pub fn troubled_databases(&self) -> Arc<BTreeMap<String, BreakerState>> {
        self.inner.by_database.load_full()
    }

    /// The state of one (receiver, database) breaker, if it exists.
    pub fn state_of(&self, receiver: &ComponentId, database: &str) -> Option<BreakerState> {
        self.with_state(|s, _| {
            s.breakers.get(&(receiver.clone(), database.to_string())).map(|e| e.breaker.state())
        })
        .flatten()
    }

    /// The adaptive timeout of (receiver, database).
    pub fn timeout_of(&self, receiver: &ComponentId, database: &str) -> Option<Duration> {
        self.with_state(|s, _| {
            s.breakers.get(&(receiver.clone(), database.to_string())).map(|e| e.breaker.timeout())
        })
        .flatten()
    }

    /// What (receiver, database) sheds now.
    pub fn shed_of(&self, receiver: &ComponentId, database: &str) -> Shed {
        if self.inner.troubled.load(Ordering::Acquire) == 0 {
            return Shed::Nothing;
        }
        self.with_state(|s, _| {
            s.breakers.get(&(receiver.clone(), database.to_string())).map(|e| e.breaker.shed())
        })
        .flatten()
        .unwrap_or_default()
    }
}

impl State {
    fn entry(&mut self, key: &Key, now: Instant) -> &mut Entry {
        if !self.breakers.contains_key(key) && self.breakers.len() >= self.settings.max_databases.max(1) {
            // Evict the longest idle closed breaker (an open one is kept: it is protecting a
            // database); one that sheds loses its vote with it.
            let victim = self
                .breakers
                .iter()
                .filter(|(_, e)| e.breaker.state() == BreakerState::Closed)
                .min_by_key(|(_, e)| (e.breaker.shed() != Shed::Nothing, e.breaker.last_seen))
                .map(|(k, _)| k.clone());
            if let Some(v) = victim {
                self.breakers.remove(&v);
                let scope = Scope::Database { receiver: v.0.clone(), database: v.1.clone() };
                self.admission.set(SETTER, scope, Admit::Full);
                if let Some(c) = &self.evictions {
                    c.inc();
                }
            }
        }
        let settings = &self.settings;
        let telemetry = &self.telemetry;
        self.breakers.entry(key.clone()).or_insert_with(|| Entry {
            breaker: Breaker::new(settings, now),
            gauge: Some(telemetry.gauge(
                "dbintel_circuit_breaker_state",
                "Circuit breaker state per monitored database: 0 closed, 1 half-open, 2 open (receiver and database `*`: the global breaker).",
                &[("receiver", &key.0.to_string()), ("database", &key.1)],
            )),
        })
    }

    fn transition(&mut self, inner: &Inner, key: &Key, t: Transition) {
        let (receiver, database) = key;
        self.telemetry
            .counter(
                "dbintel_circuit_breaker_transitions_total",
                "Circuit breaker state changes per monitored database.",
                &[
                    ("receiver", &receiver.to_string()),
                    ("database", database),
                    ("from", t.from.as_str()),
                    ("to", t.to.as_str()),
                ],
            )
            .inc();
        if let Some(g) = self.breakers.get(key).and_then(|e| e.gauge.as_ref()) {
            g.set(t.to.gauge_value());
        }
        let scope = Scope::Database { receiver: receiver.clone(), database: database.clone() };
        match t.to {
            BreakerState::Open => {
                warn!(receiver = %receiver, database = %database, open_for = ?self.settings.open_state_timeout,
                    "circuit_breaker: opened after repeated failures (timeouts, connection limits, refused connections or lock timeouts); the receiver leaves this database alone until it half-opens");
                inner.admission.set(SETTER, scope, Admit::Skip { reason: OPEN_REASON.into() });
            }
            BreakerState::HalfOpen => {
                info!(receiver = %receiver, database = %database, "circuit_breaker: half-open; the next collection probes the database");
                self.vote_shed(inner, key);
            }
            BreakerState::Closed => {
                info!(receiver = %receiver, database = %database, "circuit_breaker: closed; the database answers again");
                self.vote_shed(inner, key);
            }
        }
    }

    /// The vote of a breaker that is not open: metrics at half the scrapes when it sheds top queries.
    fn vote_shed(&self, inner: &Inner, key: &Key) {
        let scope = Scope::Database { receiver: key.0.clone(), database: key.1.clone() };
        let shed = self.breakers.get(key).map(|e| e.breaker.shed()).unwrap_or_default();
        let admit = if shed >= Shed::TopQueries { Admit::Reduced(0.5) } else { Admit::Full };
        inner.admission.set(SETTER, scope, admit);
    }

    fn global_transition(&mut self, inner: &Inner, t: Transition) {
        self.telemetry
            .counter(
                "dbintel_circuit_breaker_transitions_total",
                "Circuit breaker state changes per monitored database.",
                &[("receiver", "*"), ("database", "*"), ("from", t.from.as_str()), ("to", t.to.as_str())],
            )
            .inc();
        if let Some(g) = &self.global_gauge {
            g.set(t.to.gauge_value());
        }
        inner.global_state.store(Arc::new(t.to));
        let admit = if t.to == BreakerState::Open {
            warn!(
                "circuit_breaker: the global breaker opened (the collector itself is over its throughput, memory or CPU limits); every receiver pauses until it half-opens"
            );
            Admit::Skip { reason: OPEN_REASON.into() }
        } else {
            info!(state = t.to.as_str(), "circuit_breaker: the global breaker left the open state");
            Admit::Full
        };
        inner.admission.set(SETTER, Scope::AllReceivers, admit);
        self.recount(inner);
    }

    /// Republishes the by-database view and the troubled count after `key` changed.
    fn publish(&mut self, inner: &Inner, key: &Key) {
        // Shedding changes the vote of a breaker that is not open.
        if self.breakers.get(key).is_some_and(|e| e.breaker.state() != BreakerState::Open) {
            self.vote_shed(inner, key);
        }
        let mut by_db: BTreeMap<String, BreakerState> = BTreeMap::new();
        for ((_, db), e) in &self.breakers {
            let st = e.breaker.state();
            if st != BreakerState::Closed {
                let slot = by_db.entry(db.clone()).or_insert(st);
                *slot = (*slot).max(st);
            }
        }
        inner.by_database.store(Arc::new(by_db));
        self.recount(inner);
    }

    fn recount(&self, inner: &Inner) {
        let n = self
            .breakers
            .values()
            .filter(|e| e.breaker.state() != BreakerState::Closed || e.breaker.shed() != Shed::Nothing)
            .count()
            + usize::from(self.global.state() != BreakerState::Closed);
        inner.troubled.store(n, Ordering::Release);
    }
}

/// A receiver's side of the breakers: report outcomes and stress per database, ask whether a query
/// may run and what to shed. Every call is one atomic load when no `circuit_breaker` is configured.
#[derive(Clone)]
pub struct BreakerHandle {
    registry: BreakerRegistry,
    receiver: ComponentId,
}

impl BreakerHandle {
    /// A handle on a registry nobody configures (tests, tools): every call is a no-op.
    pub fn disabled(receiver: &ComponentId) -> Self {
        static OFF: OnceLock<BreakerRegistry> = OnceLock::new();
        OFF.get_or_init(|| BreakerRegistry::new(AdmissionRegistry::new())).handle(receiver)
    }

    pub fn is_active(&self) -> bool {
        self.registry.is_configured()
    }

    /// Half-opens breakers whose open timeout has passed; call before each scrape (then ask admission).
    pub fn poll(&self) {
        self.registry.poll_at(Instant::now());
    }

    /// Reports how a collection (or a statement, or a connection attempt) from `database` went; the
    /// receivers report one outcome per database per collection.
    pub fn report(&self, database: &str, outcome: Outcome) -> BreakerState {
        self.registry.record_at(&self.receiver, database, outcome, Instant::now())
    }

    /// Reports a failure classified from its code and message; returns its kind.
    pub fn report_error(&self, database: &str, code: Option<&str>, message: &str) -> FailureKind {
        let kind = FailureKind::classify(code, message);
        self.report(database, Outcome::Failure(kind));
        kind
    }

    /// Whether `database`'s breaker lets statements through now (closed or half-open).
    pub fn allows(&self, database: &str) -> bool {
        if !self.is_active() {
            return true;
        }
        self.registry.state_of(&self.receiver, database) != Some(BreakerState::Open)
    }

    pub fn stress(&self, database: &str, stress: Stress) -> Shed {
        self.registry.stress_at(&self.receiver, database, stress, Instant::now())
    }

    /// The adaptive timeout of `database` capped at `limit` (the receiver's own statement
    /// timeout): what its expensive statements (query intelligence) get. `None` when no breaker is
    /// configured or adaptive timeouts are off: the receiver's timeout applies unchanged.
    pub fn statement_timeout(&self, database: &str, limit: Duration) -> Option<Duration> {
        if !self.is_active() {
            return None;
        }
        self.registry
            .with_state(|s, _| {
                if !s.settings.adaptive_timeout {
                    return None;
                }
                let key = (self.receiver.clone(), database.to_string());
                let t = s.breakers.get(&key).map(|e| e.breaker.timeout()).unwrap_or(s.settings.base_timeout);
                Some(t.min(limit))
            })
            .flatten()
    }

    /// What `database` sheds now.
    pub fn shed(&self, database: &str) -> Shed {
        self.registry.shed_of(&self.receiver, database)
    }

    /// Whether `query` may run on `database` now (not disabled by a feature-aware action).
    pub fn query_enabled(&self, database: &str, query: &str) -> bool {
        self.query_enabled_at(database, query, Instant::now())
    }

    pub fn query_enabled_at(&self, database: &str, query: &str, now: Instant) -> bool {
        if !self.is_active() {
            return true;
        }
        self.registry
            .with_state(|s, _| {
                let key = (self.receiver.clone(), database.to_string(), query.to_string());
                s.disabled.get(&key).is_none_or(|d| now >= d.until)
            })
            .unwrap_or(true)
    }

    /// A feature-aware action: disables `query` on `database` for the kind's backoff x attempts when
    /// the failure is one (`Some(backoff)`, the first time of a streak: the caller reports it once,
    /// with the fix); `None` when the kind disables nothing or it was already disabled.
    pub fn disable_query(&self, database: &str, query: &str, kind: FailureKind) -> Option<Duration> {
        self.disable_query_at(database, query, kind, Instant::now())
    }

    pub fn disable_query_at(
        &self,
        database: &str,
        query: &str,
        kind: FailureKind,
        now: Instant,
    ) -> Option<Duration> {
        let base = kind.disable_backoff()?;
        self.registry
            .with_state(|s, _| {
                let cap = s.settings.max_databases.max(1).saturating_mul(64);
                let key = (self.receiver.clone(), database.to_string(), query.to_string());
                if !s.disabled.contains_key(&key) && s.disabled.len() >= cap {
                    // Drop the one that re-enables first (counted).
                    if let Some(v) = s.disabled.iter().min_by_key(|(_, d)| d.until).map(|(k, _)| k.clone()) {
                        s.disabled.remove(&v);
                        if let Some(c) = &s.evictions {
                            c.inc();
                        }
                    }
                }
                let entry = s.disabled.entry(key).or_insert(Disabled { until: now, attempts: 0, kind });
                if now < entry.until {
                    return None;
                }
                entry.attempts = entry.attempts.saturating_add(1);
                entry.kind = kind;
                let backoff = base.saturating_mul(entry.attempts).min(MAX_DISABLE);
                entry.until = now + backoff;
                Some(backoff)
            })
            .flatten()
    }

    /// A success of `query` re-enables it at once and resets its attempts; returns whether it had
    /// been disabled (the caller may say it works again).
    pub fn query_succeeded(&self, database: &str, query: &str) -> bool {
        if !self.is_active() {
            return false;
        }
        self.registry
            .with_state(|s, _| {
                if s.disabled.is_empty() {
                    return false;
                }
                s.disabled.remove(&(self.receiver.clone(), database.to_string(), query.to_string())).is_some()
            })
            .unwrap_or(false)
    }

    /// The kind that disabled `query`, if it is disabled now.
    pub fn disabled_kind(&self, database: &str, query: &str) -> Option<FailureKind> {
        let now = Instant::now();
        self.registry
            .with_state(|s, _| {
                s.disabled
                    .get(&(self.receiver.clone(), database.to_string(), query.to_string()))
                    .filter(|d| now < d.until)
                    .map(|d| d.kind)
            })
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> BreakerSettings {
        BreakerSettings {
            failure_threshold: 3,
            success_threshold: 2,
            open_state_timeout: Duration::from_secs(30),
            ..BreakerSettings::default()
        }
    }

    fn fail(kind: FailureKind) -> Outcome {
        Outcome::Failure(kind)
    }

    const OK: Outcome = Outcome::Success { elapsed: Duration::from_millis(1) };

    #[test]
    fn closed_open_half_open_closed_with_an_injected_clock() {
        let s = settings();
        let t0 = Instant::now();
        let mut b = Breaker::new(&s, t0);
        assert_eq!(b.record(&s, fail(FailureKind::Timeout), t0), None);
        assert_eq!(b.record(&s, fail(FailureKind::Timeout), t0), None);
        // A success in between resets the count.
        assert_eq!(b.record(&s, OK, t0), None);
        assert_eq!(b.record(&s, fail(FailureKind::Timeout), t0), None);
        assert_eq!(b.record(&s, fail(FailureKind::LockTimeout), t0), None);
        let t = b.record(&s, fail(FailureKind::TooManyConnections), t0 + Duration::from_secs(1));
        assert_eq!(t, Some(Transition { from: BreakerState::Closed, to: BreakerState::Open }));
        // Not yet: 30s since the failure that opened it.
        assert_eq!(b.poll(&s, t0 + Duration::from_secs(30)), None);
        assert_eq!(b.state(), BreakerState::Open);
        let t = b.poll(&s, t0 + Duration::from_secs(31));
        assert_eq!(t, Some(Transition { from: BreakerState::Open, to: BreakerState::HalfOpen }));
        // One failure while half-open opens it again, timed from that failure.
        let t1 = t0 + Duration::from_secs(32);
        assert_eq!(
            b.record(&s, fail(FailureKind::ConnectionRefused), t1).map(|t| t.to),
            Some(BreakerState::Open)
        );
        assert_eq!(b.poll(&s, t1 + Duration::from_secs(29)), None);
        assert!(b.poll(&s, t1 + Duration::from_secs(30)).is_some());
        assert_eq!(b.record(&s, OK, t1 + Duration::from_secs(31)), None);
        let t = b.record(&s, OK, t1 + Duration::from_secs(31));
        assert_eq!(t, Some(Transition { from: BreakerState::HalfOpen, to: BreakerState::Closed }));
        // Counters were reset on closing: it takes the full threshold again.
        let t2 = t1 + Duration::from_secs(40);
        assert_eq!(b.record(&s, fail(FailureKind::Timeout), t2), None);
        assert_eq!(b.record(&s, fail(FailureKind::Timeout), t2), None);
        assert_eq!(b.state(), BreakerState::Closed);
    }

    #[test]
    fn a_success_recorded_after_the_timeout_half_opens_then_counts() {
        let s = settings();
        let t0 = Instant::now();
        let mut b = Breaker::new(&s, t0);
        for _ in 0..3 {
            b.record(&s, fail(FailureKind::Timeout), t0);
        }
        assert_eq!(b.state(), BreakerState::Open);
        // A straggling success while open changes nothing.
        assert_eq!(b.record(&s, OK, t0 + Duration::from_secs(1)), None);
        let t = b.record(&s, OK, t0 + Duration::from_secs(31));
        assert_eq!(t, Some(Transition { from: BreakerState::Open, to: BreakerState::HalfOpen }));
    }

    #[test]
    fn feature_errors_do_not_trip_and_classification_follows_codes_then_text() {
        let s = settings();
        let t0 = Instant::now();
        let mut b = Breaker::new(&s, t0);
        for _ in 0..10 {
            b.record(&s, fail(FailureKind::PermissionDenied), t0);
            b.record(&s, fail(FailureKind::MissingFeature), t0);
            b.record(&s, fail(FailureKind::Other), t0);
        }
        assert_eq!(b.state(), BreakerState::Closed);
        use FailureKind as K;
        let cases = [
            (Some("57014"), "canceling statement due to statement timeout", K::Timeout),
            (Some("53300"), "sorry, too many clients already", K::TooManyConnections),
            (None, "cannot connect to x: FATAL: sorry, too many clients already", K::TooManyConnections),
            (Some("55P03"), "canceling statement due to lock timeout", K::LockTimeout),
            (Some("08006"), "connection failure", K::ConnectionRefused),
            (None, "cannot connect to 127.0.0.1:1: Connection refused (os error 111)", K::ConnectionRefused),
            (None, "timed out after 5s", K::Timeout),
            (Some("42P01"), "relation \"pg_stat_statements\" does not exist", K::MissingFeature),
            (Some("42501"), "permission denied for function pg_ls_waldir", K::PermissionDenied),
            (Some("0A000"), "this is not supported on RDS", K::NotSupported),
            (Some("1040"), "Too many connections", K::TooManyConnections),
            (Some("1969"), "Query execution was interrupted (max_statement_time exceeded)", K::Timeout),
            (Some("1205"), "Lock wait timeout exceeded", K::LockTimeout),
            (Some("1142"), "SELECT command denied to user", K::PermissionDenied),
            (Some("1146"), "Table 'performance_schema.x' doesn't exist", K::MissingFeature),
            (None, "syntax error at or near", K::Other),
        ];
        for (code, msg, want) in cases {
            assert_eq!(FailureKind::classify(code, msg), want, "{code:?} {msg}");
        }
    }

    #[test]
    fn adaptive_timeout_rises_on_trouble_and_falls_on_fast_statements() {
        let s = BreakerSettings { failure_threshold: 100, ..settings() };
        let t0 = Instant::now();
        let mut b = Breaker::new(&s, t0);
        assert_eq!(b.timeout(), Duration::from_secs(5));
        b.record(&s, fail(FailureKind::Timeout), t0);
        assert_eq!(b.timeout(), Duration::from_millis(5500));
        for _ in 0..50 {
            b.record(&s, fail(FailureKind::Timeout), t0);
        }
        assert_eq!(b.timeout(), Duration::from_secs(30), "capped at max_timeout");
        for _ in 0..100 {
            b.record(&s, OK, t0);
        }
        assert_eq!(b.timeout(), Duration::from_secs(5), "floored at base_timeout");
        // A slow success sheds plans, a very slow one samples too.
        b.record(&s, Outcome::Success { elapsed: Duration::from_secs(3) }, t0);
        assert_eq!(b.shed(), Shed::Plans);
        b.record(&s, Outcome::Success { elapsed: Duration::from_secs(6) }, t0);
        assert_eq!(b.shed(), Shed::Samples);
        b.record(&s, OK, t0);
        assert_eq!(b.shed(), Shed::Nothing);
    }

    #[test]
    fn sessions_near_max_connections_shed_in_order() {
        let s = settings();
        let t0 = Instant::now();
        let mut b = Breaker::new(&s, t0);
        let at = |n| Stress::sessions(n, 100);
        assert_eq!(b.stress(&s, at(50), t0), Shed::Nothing);
        assert_eq!(b.stress(&s, at(81), t0), Shed::Plans);
        assert_eq!(b.stress(&s, at(90), t0), Shed::Samples);
        assert_eq!(b.stress(&s, at(96), t0), Shed::TopQueries);
        assert_eq!(b.stress(&s, at(10), t0), Shed::Nothing);
        assert_eq!(b.stress(&s, Stress::sessions(5, 0), t0), Shed::Nothing);
    }

    #[test]
    fn lock_waits_and_replication_lag_shed_like_sessions_and_the_worst_sign_wins() {
        let s = BreakerSettings {
            lock_wait_threshold: Duration::from_secs(30),
            replication_lag_threshold: Duration::from_secs(60),
            ..settings()
        };
        let t0 = Instant::now();
        let mut b = Breaker::new(&s, t0);
        let lock = |secs| Stress { lock_wait: Some(Duration::from_secs(secs)), ..Stress::default() };
        let lag = |secs| Stress { replication_lag: Some(Duration::from_secs(secs)), ..Stress::default() };
        assert_eq!(b.stress(&s, lock(14), t0), Shed::Nothing);
        assert_eq!(b.stress(&s, lock(15), t0), Shed::Plans, "half the threshold");
        assert_eq!(b.stress(&s, lock(30), t0), Shed::Samples, "the threshold");
        assert_eq!(b.stress(&s, lock(60), t0), Shed::TopQueries, "twice the threshold");
        assert_eq!(b.stress(&s, lag(29), t0), Shed::Nothing, "the lock wait passed");
        assert_eq!(b.stress(&s, lag(30), t0), Shed::Plans);
        assert_eq!(b.stress(&s, lag(60), t0), Shed::Samples);
        assert_eq!(b.stress(&s, lag(121), t0), Shed::TopQueries);
        // Several signs at once: the worst decides.
        let mixed = Stress {
            sessions: Some((81, 100)),
            lock_wait: Some(Duration::from_secs(31)),
            replication_lag: Some(Duration::from_secs(1)),
        };
        assert_eq!(b.stress(&s, mixed, t0), Shed::Samples);
        // Absent readings (not a replica, no privilege) shed nothing.
        assert_eq!(b.stress(&s, Stress::default(), t0), Shed::Nothing);
        // A zero threshold turns the sign off.
        let off = BreakerSettings { lock_wait_threshold: Duration::ZERO, ..s.clone() };
        assert_eq!(b.stress(&off, lock(3600), t0), Shed::Nothing);
        assert_eq!(duration_shed(None, Duration::from_secs(1)), Shed::Nothing);
    }

    #[test]
    fn the_statement_timeout_handed_to_receivers_is_the_adaptive_one_capped() {
        let reg = BreakerRegistry::new(AdmissionRegistry::new());
        let h = reg.handle(&id("postgresql"));
        let limit = Duration::from_secs(10);
        assert_eq!(h.statement_timeout("db", limit), None, "unconfigured: the receiver's own timeout");
        reg.configure(BreakerSettings { failure_threshold: 100, ..settings() }, &Registry::new());
        assert_eq!(h.statement_timeout("db", limit), Some(Duration::from_secs(5)), "base before any report");
        h.report("db", fail(FailureKind::Timeout));
        assert_eq!(h.statement_timeout("db", limit), Some(Duration::from_millis(5500)));
        for _ in 0..30 {
            h.report("db", fail(FailureKind::Timeout));
        }
        assert_eq!(h.statement_timeout("db", limit), Some(limit), "never past the receiver's timeout");
        assert_eq!(h.statement_timeout("db", Duration::from_secs(60)), Some(Duration::from_secs(30)));
        let reg = BreakerRegistry::new(AdmissionRegistry::new());
        reg.configure(BreakerSettings { adaptive_timeout: false, ..settings() }, &Registry::new());
        assert_eq!(reg.handle(&id("postgresql")).statement_timeout("db", limit), None);
    }

    fn id(s: &str) -> ComponentId {
        s.parse().unwrap()
    }

    #[test]
    fn the_registry_votes_through_admission_and_counts_transitions() {
        let admission = AdmissionRegistry::new();
        let telemetry = Registry::new();
        let reg = BreakerRegistry::new(admission.clone());
        let pg = id("postgresql");
        let read = admission.handle(&pg);
        // Unconfigured: reports do nothing.
        assert_eq!(
            reg.record_at(&pg, "orders", fail(FailureKind::Timeout), Instant::now()),
            BreakerState::Closed
        );
        assert_eq!(reg.state_of(&pg, "orders"), None);
        reg.configure(settings(), &telemetry);
        let t0 = Instant::now();
        for _ in 0..3 {
            reg.record_at(&pg, "orders", fail(FailureKind::Timeout), t0);
        }
        assert_eq!(read.check(Some("orders")), Admit::Skip { reason: OPEN_REASON.into() });
        assert_eq!(read.check(Some("billing")), Admit::Full);
        assert_eq!(reg.database_state("orders"), BreakerState::Open);
        assert_eq!(reg.database_state("billing"), BreakerState::Closed);
        let gauge = |db: &str| {
            telemetry
                .snapshot()
                .into_iter()
                .filter(|f| f.name == "dbintel_circuit_breaker_state")
                .flat_map(|f| f.samples)
                .find(|s| s.labels.iter().any(|(k, v)| k == "database" && v == db))
                .map(|s| match s.value {
                    crate::telemetry::SampleValue::Gauge(g) => g,
                    _ => -1.0,
                })
        };
        assert_eq!(gauge("orders"), Some(2.0));
        reg.poll_at(t0 + Duration::from_secs(29));
        assert!(matches!(read.check(Some("orders")), Admit::Skip { .. }));
        reg.poll_at(t0 + Duration::from_secs(31));
        assert_eq!(read.check(Some("orders")), Admit::Full, "half-open lets the next scrape probe");
        assert_eq!(reg.database_state("orders"), BreakerState::HalfOpen);
        reg.record_at(&pg, "orders", OK, t0 + Duration::from_secs(32));
        reg.record_at(&pg, "orders", OK, t0 + Duration::from_secs(32));
        assert_eq!(reg.state_of(&pg, "orders"), Some(BreakerState::Closed));
        assert_eq!(gauge("orders"), Some(0.0));
        let transitions = |from: &str, to: &str| {
            telemetry.counter_total(
                "dbintel_circuit_breaker_transitions_total",
                &[("database", "orders"), ("from", from), ("to", to)],
            )
        };
        assert_eq!(transitions("closed", "open"), 1);
        assert_eq!(transitions("open", "half_open"), 1);
        assert_eq!(transitions("half_open", "closed"), 1);
        // The global breaker votes for every receiver.
        for _ in 0..3 {
            reg.record_global_at(fail(FailureKind::Timeout), t0);
        }
        assert!(matches!(admission.handle(&id("mysql")).check(None), Admit::Skip { .. }));
        reg.poll_at(t0 + Duration::from_secs(31));
        assert_eq!(admission.handle(&id("mysql")).check(None), Admit::Full);
        // Heavy stress: metrics at half the scrapes, withdrawn when it passes.
        reg.stress_at(&pg, "orders", Stress::sessions(99, 100), t0);
        assert_eq!(read.check(Some("orders")), Admit::Reduced(0.5));
        assert_eq!(reg.shed_of(&pg, "orders"), Shed::TopQueries);
        reg.stress_at(&pg, "orders", Stress::sessions(1, 100), t0);
        assert_eq!(read.check(Some("orders")), Admit::Full);
    }

    #[test]
    fn the_breaker_map_is_bounded_and_counts_evictions() {
        let telemetry = Registry::new();
        let reg = BreakerRegistry::new(AdmissionRegistry::new());
        reg.configure(BreakerSettings { max_databases: 2, ..settings() }, &telemetry);
        let pg = id("postgresql");
        let t0 = Instant::now();
        reg.record_at(&pg, "a", OK, t0);
        reg.record_at(&pg, "b", OK, t0 + Duration::from_secs(1));
        reg.record_at(&pg, "c", OK, t0 + Duration::from_secs(2));
        assert_eq!(reg.state_of(&pg, "a"), None, "the longest idle one went");
        assert!(reg.state_of(&pg, "c").is_some());
        assert_eq!(telemetry.counter_total("dbintel_circuit_breaker_evictions_total", &[]), 1);

        // A shedding breaker is evicted last, and its vote goes with it.
        let admission = AdmissionRegistry::new();
        let reg = BreakerRegistry::new(admission.clone());
        reg.configure(BreakerSettings { max_databases: 1, ..settings() }, &telemetry);
        reg.stress_at(&pg, "a", Stress::sessions(100, 100), t0);
        assert_eq!(admission.handle(&pg).check(Some("a")), Admit::Reduced(0.5));
        reg.record_at(&pg, "b", OK, t0 + Duration::from_secs(1));
        assert_eq!(reg.state_of(&pg, "a"), None);
        assert_eq!(admission.handle(&pg).check(Some("a")), Admit::Full, "no vote outlives its breaker");
    }

    #[test]
    fn feature_aware_actions_disable_with_growing_backoff_and_reenable_on_success() {
        let reg = BreakerRegistry::new(AdmissionRegistry::new());
        let h = reg.handle(&id("postgresql"));
        // Unconfigured: nothing is disabled.
        assert_eq!(h.disable_query("db", "top_queries", FailureKind::MissingFeature), None);
        reg.configure(settings(), &Registry::new());
        let t0 = Instant::now();
        assert_eq!(
            h.disable_query_at("db", "q", FailureKind::Timeout, t0),
            None,
            "trouble is the breaker's job"
        );
        assert_eq!(
            h.disable_query_at("db", "q", FailureKind::MissingFeature, t0),
            Some(Duration::from_secs(1800))
        );
        assert!(!h.query_enabled_at("db", "q", t0 + Duration::from_secs(1799)));
        assert!(h.query_enabled_at("db", "other", t0));
        // Reported once: a second failure inside the backoff changes nothing.
        assert_eq!(
            h.disable_query_at("db", "q", FailureKind::MissingFeature, t0 + Duration::from_secs(10)),
            None
        );
        let t1 = t0 + Duration::from_secs(1800);
        assert!(h.query_enabled_at("db", "q", t1));
        assert_eq!(
            h.disable_query_at("db", "q", FailureKind::MissingFeature, t1),
            Some(Duration::from_secs(3600))
        );
        assert!(h.query_succeeded("db", "q"));
        assert!(h.query_enabled_at("db", "q", t1));
        assert_eq!(h.disable_query_at("db", "rds", FailureKind::NotSupported, t1), Some(MAX_DISABLE));
        assert_eq!(
            h.disable_query_at("db", "g", FailureKind::PermissionDenied, t1),
            Some(Duration::from_secs(3600))
        );
    }
}
