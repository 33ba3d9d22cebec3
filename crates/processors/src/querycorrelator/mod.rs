//! `querycorrelator`: joins what the receivers emit into one picture per query. Top-query events
//! (and the prototype's `db.query.*` metrics) get the tables their statement touches with those
//! tables' metrics, the sessions and waits seen in query samples, who blocks them, a performance
//! category and their share of the database's time in the interval. Samples get the same query
//! context and the queries of the sessions blocking them.
//!
//! The processor is listed in a logs pipeline (events) and a metrics pipeline (table metrics, the
//! prototype's query metrics); both instances of one component ID share one [`state::Correlator`]
//! through `Host::shared`, so table metrics seen by the metrics instance enrich events in the logs
//! instance. Each batch is handled in two passes (index, then enrich) under one lock.

mod state;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::pdata::SignalData;
use dbintel_core::{
    ComponentKind, DurationRange, GoDuration, Processor, ProcessorError, Signal, TypedFactory,
};
use schemars::JsonSchema;
use serde::Deserialize;

pub use state::{Correlator, Counters};

/// Accepted `retention_period` and `cleanup_interval`.
pub const RETENTION_RANGE: DurationRange =
    DurationRange::new(Duration::from_secs(1), Duration::from_secs(7 * 24 * 3600));

/// Largest accepted bound of any of the maps.
pub const MAX_ENTRIES: usize = 1_000_000;

/// Which `correlation.*` groups are added (the prototype's `correlation_attributes`).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CorrelationAttributes {
    /// `performance.category` (slow / moderate / fast).
    pub add_query_category: bool,
    /// `table.*` statistics of the statement's tables.
    pub add_table_stats: bool,
    /// `query.load_contribution_pct` and `database.*`.
    pub add_load_contribution: bool,
    /// `query.is_maintenance`, `table.needs_vacuum`, `correlation.tables_needing_vacuum`.
    pub add_maintenance_indicators: bool,
}

impl Default for CorrelationAttributes {
    fn default() -> Self {
        Self {
            add_query_category: true,
            add_table_stats: true,
            add_load_contribution: true,
            add_maintenance_indicators: true,
        }
    }
}

/// The one threshold set of `performance.category`, on the mean execution time.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct QueryCategorization {
    /// Mean time above which a query is `slow` (ms).
    pub slow_query_threshold_ms: f64,
    /// Mean time above which a query is `moderate` (ms); below or at it, `fast`.
    pub moderate_query_threshold_ms: f64,
}

impl Default for QueryCategorization {
    fn default() -> Self {
        Self { slow_query_threshold_ms: 1000.0, moderate_query_threshold_ms: 100.0 }
    }
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Attribute names read, first present wins. Defaults cover our receivers' events (semantic
/// conventions) and the prototype's legacy names.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AttributeNames {
    /// Query identity (queryid, digest).
    pub query_id: Vec<String>,
    /// dbintel-sql fingerprint; used when there is no query id, computed from the text when absent.
    pub fingerprint: Vec<String>,
    /// Statement text (obfuscated).
    pub query_text: Vec<String>,
    /// Database name.
    pub database: Vec<String>,
    /// Statement type (SELECT, UPDATE, ...); taken from the text when absent.
    pub statement_type: Vec<String>,
    /// Executions in the interval.
    pub calls: Vec<String>,
    /// Execution time in the interval, seconds.
    pub total_time_seconds: Vec<String>,
    /// Execution time in the interval, milliseconds.
    pub total_time_ms: Vec<String>,
    /// Mean execution time, seconds.
    pub mean_time_seconds: Vec<String>,
    /// Mean execution time, milliseconds.
    pub mean_time_ms: Vec<String>,
    /// Session (backend pid, thread id) of a query sample.
    pub session_id: Vec<String>,
    /// Wait event of a query sample.
    pub wait_event: Vec<String>,
    /// Sessions blocking a sampled session (`{12,34}` or `12,34`).
    pub blocking_pids: Vec<String>,
}

impl Default for AttributeNames {
    fn default() -> Self {
        Self {
            query_id: names(&[
                "postgresql.queryid",
                "postgresql.query_id",
                "mysql.events_statements_summary_by_digest.digest",
                "mysql.events_statements_current.digest",
                "queryid",
                "query_id",
            ]),
            fingerprint: names(&["dbintel.query.fingerprint"]),
            query_text: names(&["db.query.text", "query_text", "query.text"]),
            database: names(&["db.namespace", "database_name", "db.name"]),
            statement_type: names(&["db.operation.name", "statement_type"]),
            calls: names(&[
                "postgresql.calls",
                "mysql.events_statements_summary_by_digest.count_star",
                "execution_count",
                "calls",
            ]),
            total_time_seconds: names(&[
                "postgresql.total_exec_time",
                "mysql.events_statements_summary_by_digest.sum_timer_wait",
            ]),
            total_time_ms: names(&["total_time_ms", "total_time"]),
            mean_time_seconds: names(&["dbintel.exec_time.mean"]),
            mean_time_ms: names(&[
                "_avg_duration_ms",
                "avg_duration_ms",
                "mean_time_ms",
                "mean_time",
                "duration_ms",
                "duration",
            ]),
            session_id: names(&["postgresql.pid", "mysql.threads.thread_id"]),
            wait_event: names(&["postgresql.wait_event", "mysql.wait_type"]),
            blocking_pids: names(&["postgresql.blocking.pids", "mysql.blocking.pids"]),
        }
    }
}

/// Config of the `querycorrelator` processor (the prototype's keys and defaults, plus ours).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct QueryCorrelatorConfig {
    /// How long a query, table or database entry is kept after its last update.
    pub retention_period: GoDuration,
    /// How often expired entries are swept; at most `retention_period`.
    pub cleanup_interval: GoDuration,
    /// Join statements with the metrics of the tables they touch.
    pub enable_table_correlation: bool,
    /// Join queries with their database (backends, load contribution).
    pub enable_database_correlation: bool,
    /// Prototype key (unused there); when set, it bounds the queries instead of `max_query_count`.
    pub max_queries_tracked: Option<usize>,
    /// Queries kept at most (least recently seen evicted first).
    pub max_query_count: usize,
    /// Tables kept at most (each table takes two entries: `schema.table` and `table`).
    pub max_table_count: usize,
    /// Databases kept at most.
    pub max_database_count: usize,
    /// Query keys whose sampled sessions are kept at most (between two top-query events).
    pub max_session_count: usize,
    /// Dead tuples above which `table.needs_vacuum` is set.
    pub dead_tuple_threshold: i64,
    pub correlation_attributes: CorrelationAttributes,
    pub query_categorization: QueryCategorization,
    pub attributes: AttributeNames,
}

impl Default for QueryCorrelatorConfig {
    fn default() -> Self {
        Self {
            retention_period: GoDuration::from_secs(24 * 3600),
            cleanup_interval: GoDuration::from_secs(3600),
            enable_table_correlation: true,
            enable_database_correlation: true,
            max_queries_tracked: None,
            max_query_count: 10_000,
            max_table_count: 1000,
            max_database_count: 100,
            max_session_count: 10_000,
            dead_tuple_threshold: 1000,
            correlation_attributes: CorrelationAttributes::default(),
            query_categorization: QueryCategorization::default(),
            attributes: AttributeNames::default(),
        }
    }
}

impl QueryCorrelatorConfig {
    /// The bound on queries: `max_queries_tracked` when set.
    pub fn query_bound(&self) -> usize {
        self.max_queries_tracked.unwrap_or(self.max_query_count)
    }

    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        p.extend(RETENTION_RANGE.check("retention_period", self.retention_period.get()));
        p.extend(RETENTION_RANGE.check("cleanup_interval", self.cleanup_interval.get()));
        if self.cleanup_interval.get() > self.retention_period.get() {
            p.push(ConfigProblem::new(
                "cleanup_interval",
                format!("must be at most retention_period ({})", self.retention_period),
            ));
        }
        let bounds = [
            ("max_queries_tracked", self.max_queries_tracked.unwrap_or(1)),
            ("max_query_count", self.max_query_count),
            ("max_table_count", self.max_table_count),
            ("max_database_count", self.max_database_count),
            ("max_session_count", self.max_session_count),
        ];
        for (key, v) in bounds {
            if v == 0 || v > MAX_ENTRIES {
                p.push(ConfigProblem::new(key, format!("must be 1 to {MAX_ENTRIES}; it is {v}")));
            }
        }
        if self.dead_tuple_threshold < 0 {
            p.push(ConfigProblem::new("dead_tuple_threshold", "must be 0 or more"));
        }
        let q = &self.query_categorization;
        let valid = |v: f64| v.is_finite() && v >= 0.0;
        if !valid(q.slow_query_threshold_ms) || !valid(q.moderate_query_threshold_ms) {
            p.push(ConfigProblem::new("query_categorization", "thresholds must be finite and 0 or more"));
        } else if q.moderate_query_threshold_ms > q.slow_query_threshold_ms {
            p.push(ConfigProblem::new(
                "query_categorization.moderate_query_threshold_ms",
                format!("must be at most slow_query_threshold_ms ({})", q.slow_query_threshold_ms),
            ));
        }
        p
    }
}

/// One pipeline's instance; the state is shared by every instance of the component ID.
pub struct QueryCorrelatorProcessor {
    shared: Arc<Mutex<Correlator>>,
}

impl QueryCorrelatorProcessor {
    pub fn new(shared: Arc<Mutex<Correlator>>) -> Self {
        Self { shared }
    }
}

impl Processor for QueryCorrelatorProcessor {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        // A poisoned lock only means another pipeline panicked mid-batch; the maps stay usable.
        let mut c = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        c.process(&mut data);
        out.push(data);
        Ok(())
    }
}

pub struct QueryCorrelatorFactory;

impl TypedFactory for QueryCorrelatorFactory {
    type Config = QueryCorrelatorConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "querycorrelator",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "Joins top queries, samples, blocking and table metrics into one picture per query.",
    };
    const SIGNAL_NOTES: &'static [(Signal, &'static str)] =
        &[(Signal::Traces, "it joins the receivers' query metrics and events; spans pass untouched")];
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "enable_trace_correlation",
            "querycorrelator joins query, table and database metrics; spans are not correlated",
        ),
        ("correlation_window", "entries are joined while kept (retention_period), not within a window"),
        (
            "max_correlations",
            "state is bounded by max_query_count, max_table_count, max_database_count and max_session_count",
        ),
        (
            "correlation_attributes.add_performance_category",
            "the performance category is query_categorization (always added with add_query_category)",
        ),
    ];

    fn check(&self, config: &QueryCorrelatorConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, ctx: &CreateContext, config: QueryCorrelatorConfig) -> Result<Built, Vec<ConfigProblem>> {
        let counters = Counters::new(&ctx.telemetry, &ctx.id.to_string());
        // One state per component ID: the logs and the metrics pipeline's instances join through it.
        let shared = ctx.host.shared(&ctx.id, || Mutex::new(Correlator::new(config, counters)));
        Ok(Built::Processor(Box::new(QueryCorrelatorProcessor::new(shared))))
    }
}

#[cfg(test)]
mod tests;
