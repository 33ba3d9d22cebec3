//! `circuit_breaker` (alias `circuitbreaker`; logs): protects the monitored databases. It configures
//! the service's breaker registry (`dbintel_core::breaker`, shared with the receivers, which report how
//! each statement against a database went and skip a database whose breaker is open), stamps
//! `cb.state` on records, drops or passes the records of open databases (`open_records`), and feeds
//! the global breaker from the prototype's guards (batches per second, resident memory, CPU) read
//! from `/proc`. State shows in health_check, in `dbintel_circuit_breaker_state{receiver,database}`
//! and `dbintel_circuit_breaker_transitions_total`.

mod processor;

use std::time::Duration;

use dbintel_core::breaker::BreakerSettings;
use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::{ComponentKind, DurationRange, GoDuration, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

pub use processor::{CircuitBreaker, Readings, STATE_ATTRIBUTE};

const OPEN_RANGE: DurationRange = DurationRange::new(Duration::from_secs(1), Duration::from_secs(86_400));
const TIMEOUT_RANGE: DurationRange =
    DurationRange::new(Duration::from_millis(100), Duration::from_secs(3600));
const STRESS_RANGE: DurationRange =
    DurationRange::new(Duration::from_secs(1), Duration::from_secs(86_400)).or_zero("off");
const HEALTH_RANGE: DurationRange = DurationRange::new(Duration::from_secs(1), Duration::from_secs(3600));

/// What happens to the records of a database whose breaker is open.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum OpenRecords {
    /// Passed on, stamped `cb.state = open`.
    #[default]
    Pass,
    /// Dropped (counted in `dbintel_circuit_breaker_records_dropped_total`).
    Drop,
}

/// Config of the `circuit_breaker` processor: the prototype's keys and defaults, plus ours.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CircuitBreakerConfig {
    /// Consecutive trouble failures (timeouts, too many connections, refused/reset connections,
    /// lock timeouts) against a database that open its breaker.
    #[serde(alias = "max_failures")]
    #[schemars(extend("x-aliases" = ["max_failures"]))]
    pub failure_threshold: u32,
    /// Successes while half-open that close the breaker.
    pub success_threshold: u32,
    /// How long a breaker stays open after the failure that opened it before it half-opens (the
    /// prototype's `recovery_timeout`, `cooldown_period`, `break_duration`, `recovery_duration`).
    #[serde(
        alias = "recovery_timeout",
        alias = "cooldown_period",
        alias = "break_duration",
        alias = "recovery_duration"
    )]
    #[schemars(extend("x-aliases" = ["recovery_timeout", "cooldown_period", "break_duration", "recovery_duration"]))]
    pub open_state_timeout: GoDuration,
    /// The adaptive timeout's floor and start (the prototype's `timeout`).
    #[serde(alias = "timeout")]
    #[schemars(extend("x-aliases" = ["timeout"]))]
    pub base_timeout: GoDuration,
    /// The adaptive timeout's ceiling; at least `base_timeout`.
    pub max_timeout: GoDuration,
    /// Raise the per-database timeout 10% per trouble failure, lower it 10% per statement faster than
    /// half of it; statements slower than half of it shed plans, slower than it shed samples too.
    pub enable_adaptive_timeout: bool,
    /// How often the guards read memory and CPU and the breakers' health is published.
    pub health_check_interval: GoDuration,
    /// Resident memory (MiB) whose 80% counts as a global failure per health check; 0 = off.
    pub memory_threshold_mb: u64,
    /// Process CPU, percent of the machine's CPUs over a health interval, that counts as a global
    /// failure; 0 = off.
    pub cpu_threshold_percent: f64,
    /// Ours: batches per second above which each second counts as a global failure (the
    /// prototype's throughput guard, 1000 there); 0 = off.
    pub max_batches_per_second: u64,
    /// Ours: `pass` (default) or `drop` the records of a database whose breaker is open.
    pub open_records: OpenRecords,
    /// Ours: stamp `cb.state` (`closed`, `half_open`, `open`) on every record.
    pub add_state_attribute: bool,
    /// Ours: sessions / max_connections at which a database is stressed (shed samples and plans);
    /// 90% of it sheds plans, half-way from it to 1 sheds top queries and halves metric scrapes.
    pub max_session_ratio: f64,
    /// Ours: a session waiting on a lock this long is stress: half of it sheds plans, the
    /// threshold samples too, twice it top queries too and halves metric scrapes; `0s` = off.
    pub lock_wait_threshold: GoDuration,
    /// Ours: replication lag (a replica behind its primary, or a primary's worst replica) this
    /// long is stress, shed as `lock_wait_threshold`; `0s` = off.
    pub replication_lag_threshold: GoDuration,
    /// Ours: most (receiver, database) breakers kept (idle closed ones evicted, counted).
    pub max_databases: usize,
    /// Ours: the attributes naming a record's breaker: the database name (PostgreSQL) or the
    /// server's endpoint (mysql); each present on the record or its resource is looked up, the
    /// worst state wins.
    pub database_attributes: Vec<String>,
}

impl Default for CircuitBreakerConfig {
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            success_threshold: 3,
            open_state_timeout: GoDuration::from_secs(30),
            base_timeout: GoDuration::from_secs(5),
            max_timeout: GoDuration::from_secs(30),
            enable_adaptive_timeout: true,
            health_check_interval: GoDuration::from_secs(10),
            memory_threshold_mb: 512,
            cpu_threshold_percent: 80.0,
            max_batches_per_second: 1000,
            open_records: OpenRecords::Pass,
            add_state_attribute: true,
            max_session_ratio: 0.9,
            lock_wait_threshold: GoDuration::from_secs(30),
            replication_lag_threshold: GoDuration::from_secs(60),
            max_databases: 1000,
            database_attributes: vec![
                "db.namespace".into(),
                "database_name".into(),
                "db.name".into(),
                "mysql.instance.endpoint".into(),
            ],
        }
    }
}

/// Most breakers one service keeps.
pub const MAX_DATABASES: usize = 100_000;

impl CircuitBreakerConfig {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.failure_threshold == 0 || self.failure_threshold > 10_000 {
            p.push(ConfigProblem::new("failure_threshold", "must be 1 to 10000 (default 5)"));
        }
        if self.success_threshold == 0 || self.success_threshold > 10_000 {
            p.push(ConfigProblem::new("success_threshold", "must be 1 to 10000 (default 3)"));
        }
        p.extend(OPEN_RANGE.check("open_state_timeout", self.open_state_timeout.get()));
        p.extend(TIMEOUT_RANGE.check("base_timeout", self.base_timeout.get()));
        p.extend(TIMEOUT_RANGE.check("max_timeout", self.max_timeout.get()));
        if self.base_timeout.get() > self.max_timeout.get() {
            p.push(ConfigProblem::new(
                "base_timeout",
                format!(
                    "must be at most max_timeout ({:?}); raise max_timeout or lower base_timeout",
                    self.max_timeout.get()
                ),
            ));
        }
        p.extend(HEALTH_RANGE.check("health_check_interval", self.health_check_interval.get()));
        if self.memory_threshold_mb > 1 << 30 {
            p.push(ConfigProblem::new(
                "memory_threshold_mb",
                "must be at most 2^30 MiB; 0 turns the guard off",
            ));
        }
        if !(self.cpu_threshold_percent.is_finite() && (0.0..=100.0).contains(&self.cpu_threshold_percent)) {
            p.push(ConfigProblem::new("cpu_threshold_percent", "must be 0 (off) to 100"));
        }
        if !(self.max_session_ratio.is_finite()
            && self.max_session_ratio > 0.0
            && self.max_session_ratio <= 1.0)
        {
            p.push(ConfigProblem::new("max_session_ratio", "must be in (0, 1] (default 0.9)"));
        }
        p.extend(STRESS_RANGE.check("lock_wait_threshold", self.lock_wait_threshold.get()));
        p.extend(STRESS_RANGE.check("replication_lag_threshold", self.replication_lag_threshold.get()));
        if self.max_databases == 0 || self.max_databases > MAX_DATABASES {
            p.push(ConfigProblem::new(
                "max_databases",
                format!("must be 1 to {MAX_DATABASES} (default 1000)"),
            ));
        }
        if self.database_attributes.len() > 32 || self.database_attributes.iter().any(String::is_empty) {
            p.push(ConfigProblem::new("database_attributes", "at most 32 non-empty attribute names"));
        }
        p
    }

    pub fn settings(&self) -> BreakerSettings {
        BreakerSettings {
            failure_threshold: self.failure_threshold,
            success_threshold: self.success_threshold,
            open_state_timeout: self.open_state_timeout.get(),
            base_timeout: self.base_timeout.get(),
            max_timeout: self.max_timeout.get(),
            adaptive_timeout: self.enable_adaptive_timeout,
            max_session_ratio: self.max_session_ratio,
            lock_wait_threshold: self.lock_wait_threshold.get(),
            replication_lag_threshold: self.replication_lag_threshold.get(),
            max_databases: self.max_databases,
        }
    }
}

pub struct CircuitBreakerFactory;

const HALF_OPEN: &str =
    "a half-open breaker lets each collection through as a probe; success_threshold successes close it";
const PROTO_ENABLED: &str =
    "a component runs when a pipeline lists it; leave it out of the pipelines to turn it off";

impl TypedFactory for CircuitBreakerFactory {
    type Config = CircuitBreakerConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "circuit_breaker",
        aliases: &["circuitbreaker"],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "Protects the monitored databases: per-database breakers the receivers obey, stress shedding, cb.state on records, throughput/memory/CPU guards.",
    };
    const SIGNAL_NOTES: &'static [(Signal, &'static str)] = &[(
        Signal::Traces,
        "the breakers guard the database receivers' scrapes (their metrics and logs pipelines); spans pass untouched",
    )];
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "max_concurrent_requests",
            "dbintel runs a processor on one batch at a time per pipeline; concurrency towards a database is the receiver's capped pool",
        ),
        (
            "max_concurrent",
            "dbintel runs a processor on one batch at a time per pipeline; concurrency towards a database is the receiver's capped pool",
        ),
        (
            "new_relic_error_patterns",
            "export errors are the exporters' (retries, sending queue); New Relic limits are nrerrormonitor's",
        ),
        (
            "error_patterns",
            "the feature-aware error actions are built into the receivers' error classification (SQLSTATE and error numbers first, then text)",
        ),
        ("enabled", PROTO_ENABLED),
        ("half_open_requests", HALF_OPEN),
        ("half_open_max_requests", HALF_OPEN),
        (
            "enable_debug_logging",
            "state changes are logged and counted in self-telemetry; use the service log level for more",
        ),
        (
            "databases",
            "breakers are per (receiver, database) as records name them (database_attributes), not listed",
        ),
        ("per_database_circuit", "breakers are always per database"),
        ("per_database_limits", "one threshold set for every database's breaker"),
        (
            "error_threshold_percent",
            "breakers open on consecutive trouble failures (failure_threshold), not an error percentage",
        ),
        (
            "failure_threshold_percentage",
            "breakers open on consecutive trouble failures (failure_threshold), not an error percentage",
        ),
        ("volume_threshold_qps", "no request-volume gate: breakers count the receivers' collection failures"),
        (
            "evaluation_interval",
            "breakers change state on each failure or success; the guards run every health_check_interval",
        ),
        ("timeout_duration", "the per-collection timeout is the adaptive one (base_timeout, max_timeout)"),
        ("monitoring", "breaker states and transitions are always in self-telemetry"),
        (
            "conditions",
            "breakers open on the receivers' classified failures and stress, not on configured conditions",
        ),
        ("metrics", "breaker states and transitions are always in self-telemetry"),
        ("circuit_id_attribute", "breakers are named by database_attributes"),
        ("persistence", "breaker state is kept in memory only"),
        ("query_fallbacks", "parsed and never used by the prototype"),
    ];

    fn check(&self, config: &CircuitBreakerConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, ctx: &CreateContext, config: CircuitBreakerConfig) -> Result<Built, Vec<ConfigProblem>> {
        let p = config.problems();
        if !p.is_empty() {
            return Err(p);
        }
        let registry = ctx.host.breakers().clone();
        registry.configure(config.settings(), &ctx.telemetry);
        Ok(Built::Processor(Box::new(CircuitBreaker::new(
            config,
            registry,
            &ctx.telemetry,
            &ctx.id.to_string(),
        ))))
    }
}

#[cfg(test)]
mod tests;
