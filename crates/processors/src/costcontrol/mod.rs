//! `costcontrol` (metrics, logs): counts the bytes of what passes as their encoded OTLP size, prices
//! them per GB, projects the calendar month (UTC) and, when the projection exceeds
//! `monthly_budget_usd`, reduces data in order of least value lost (drop debug/info logs, drop
//! listed metrics, strip high-cardinality attributes, truncate bodies). It also enforces
//! `metric_cardinality_limit` (series per metric over the billing month, across batches). The month's
//! bytes survive a restart when `storage` names a `file_storage` extension.
//!
//! One state per component ID (shared by every pipeline that lists it), so metrics and logs spend
//! one budget.

pub mod clock;
mod processor;
pub mod series;
pub mod size;
mod state;

use std::time::Duration;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::host::HostError;
use dbintel_core::{ComponentId, ComponentKind, DurationRange, GoDuration, Signal, TypedFactory};
use dbintel_extensions::file_storage::Storage;
use schemars::JsonSchema;
use serde::Deserialize;

pub use clock::{Clock, ManualClock, Month, SystemClock};
pub use processor::{CostControl, Reduction};
pub use state::{PersistedState, StateFile};

/// Bytes in a GB as New Relic bills them (decimal: 10^9).
pub const BYTES_PER_GB: f64 = 1e9;
/// Largest `metric_cardinality_limit`.
pub const MAX_CARDINALITY_LIMIT: usize = 1_000_000;
/// Largest `cardinality_max_metrics`.
pub const MAX_TRACKED_METRICS: usize = 100_000;
/// The marker appended to a truncated body.
pub const TRUNCATED_MARKER: &str = "... [truncated]";

const REPORTING_RANGE: DurationRange = DurationRange::new(Duration::from_secs(1), Duration::from_secs(3600));
const PROJECTION_RANGE: DurationRange =
    DurationRange::new(Duration::from_secs(60), Duration::from_secs(31 * 86_400));

/// Config of the `costcontrol` processor: the prototype's keys and defaults, plus ours.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CostControlConfig {
    /// Budget for one calendar month (UTC), in USD; greater than 0.
    pub monthly_budget_usd: f64,
    /// Price of one GB (10^9 bytes) of ingest, in USD; greater than 0. New Relic's original data
    /// option is 0.35 (0.55 with Data Plus); prices change by contract and year, so set yours.
    #[serde(alias = "cost_per_gb_usd")]
    #[schemars(extend("x-aliases" = ["cost_per_gb_usd"]))]
    pub price_per_gb: f64,
    /// Series (distinct resource + point attribute sets) one metric may have in the billing month.
    /// A point of a new series beyond it loses `high_cardinality_attributes`; if it is still a new
    /// series it is dropped. 1 to 1000000.
    #[serde(alias = "cardinality_limit", alias = "max_metric_cardinality")]
    #[schemars(extend("x-aliases" = ["cardinality_limit", "max_metric_cardinality"]))]
    pub metric_cardinality_limit: usize,
    /// Ours: metric names whose series are tracked at most (least recently used forgotten, counted).
    /// Memory is bounded by this times `metric_cardinality_limit` times 8 bytes. 1 to 100000.
    pub cardinality_max_metrics: usize,
    /// Log bodies (strings) longer than this many bytes are always truncated, with "... [truncated]".
    pub max_log_body_size: usize,
    /// How often the month's cost is logged and the state saved.
    pub reporting_interval: GoDuration,
    /// Ours: a `file_storage` extension (e.g. `file_storage`) where the month's bytes are kept so
    /// a restart continues the month; none keeps them in memory.
    pub storage: Option<String>,
    /// Attributes that make series (or records) unique per request or user; stripped when a metric is
    /// over `metric_cardinality_limit`, and from everything at the third reduction level.
    #[serde(alias = "high_cardinality_dimensions")]
    #[schemars(extend("x-aliases" = ["high_cardinality_dimensions"]))]
    pub high_cardinality_attributes: Vec<String>,
    /// Ours: metrics dropped at the second reduction level (the prototype's fixed list).
    pub drop_metrics_over_budget: Vec<String>,
    /// Ours: the body size (bytes) bodies are truncated to at the fourth reduction level.
    pub over_budget_log_body_size: usize,
    /// Ours: budget utilisations (projection / budget) at which the four reductions start, in order:
    /// drop debug/info logs, drop `drop_metrics_over_budget`, strip `high_cardinality_attributes`,
    /// truncate bodies to `over_budget_log_body_size`. Four increasing numbers greater than 0.
    pub reduction_thresholds: Vec<f64>,
    /// Ours: the projection extrapolates the month's spend at the rate seen since counting began,
    /// over at least this long (so the first minutes do not project a spike).
    pub projection_min_window: GoDuration,
}

/// The prototype's high-cardinality attributes.
pub fn default_high_cardinality_attributes() -> Vec<String> {
    [
        "user.id",
        "session.id",
        "request.id",
        "trace.id",
        "span.id",
        "http.request.id",
        "transaction.id",
        "correlation.id",
        "client.address",
        "client.socket.address",
        "net.peer.ip",
        "http.user_agent",
        "user_agent.original",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

impl Default for CostControlConfig {
    fn default() -> Self {
        Self {
            monthly_budget_usd: 1000.0,
            price_per_gb: 0.35,
            metric_cardinality_limit: 10_000,
            cardinality_max_metrics: 1000,
            max_log_body_size: 10_240,
            reporting_interval: GoDuration::from_secs(60),
            storage: None,
            high_cardinality_attributes: default_high_cardinality_attributes(),
            drop_metrics_over_budget: ["db.client.connections.idle", "runtime.uptime", "process.cpu.time"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            over_budget_log_body_size: 1024,
            reduction_thresholds: vec![1.0, 1.1, 1.25, 1.5],
            projection_min_window: GoDuration::from_secs(3600),
        }
    }
}

fn positive(p: &mut Vec<ConfigProblem>, key: &str, v: f64, default: &str) {
    if !(v.is_finite() && v > 0.0) {
        p.push(ConfigProblem::new(
            key,
            format!("must be a number greater than 0 (default {default}); it is {v}"),
        ));
    }
}

impl CostControlConfig {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        positive(&mut p, "monthly_budget_usd", self.monthly_budget_usd, "1000");
        positive(&mut p, "price_per_gb", self.price_per_gb, "0.35");
        if self.metric_cardinality_limit == 0 || self.metric_cardinality_limit > MAX_CARDINALITY_LIMIT {
            p.push(ConfigProblem::new(
                "metric_cardinality_limit",
                format!("must be 1 to {MAX_CARDINALITY_LIMIT} (default 10000)"),
            ));
        }
        if self.cardinality_max_metrics == 0 || self.cardinality_max_metrics > MAX_TRACKED_METRICS {
            p.push(ConfigProblem::new(
                "cardinality_max_metrics",
                format!("must be 1 to {MAX_TRACKED_METRICS} (default 1000)"),
            ));
        }
        let marker = TRUNCATED_MARKER.len();
        if self.max_log_body_size <= marker {
            p.push(ConfigProblem::new(
                "max_log_body_size",
                format!("must be greater than {marker} bytes (the truncation marker); default 10240"),
            ));
        }
        if self.over_budget_log_body_size <= marker || self.over_budget_log_body_size > self.max_log_body_size
        {
            p.push(ConfigProblem::new(
                "over_budget_log_body_size",
                format!("must be greater than {marker} and at most max_log_body_size; default 1024"),
            ));
        }
        p.extend(REPORTING_RANGE.check("reporting_interval", self.reporting_interval.get()));
        p.extend(PROJECTION_RANGE.check("projection_min_window", self.projection_min_window.get()));
        let t = &self.reduction_thresholds;
        if t.len() != 4 || t.iter().any(|v| !(v.is_finite() && *v > 0.0)) || t.windows(2).any(|w| w[1] < w[0])
        {
            p.push(ConfigProblem::new(
                "reduction_thresholds",
                "must be four non-decreasing utilisations greater than 0, one per reduction (default [1.0, 1.1, 1.25, 1.5])",
            ));
        }
        for (key, list) in [
            ("high_cardinality_attributes", &self.high_cardinality_attributes),
            ("drop_metrics_over_budget", &self.drop_metrics_over_budget),
        ] {
            if list.len() > 256 {
                p.push(ConfigProblem::new(key, "at most 256 names"));
            }
            if list.iter().any(String::is_empty) {
                p.push(ConfigProblem::new(key, "names must not be empty"));
            }
        }
        if let Some(s) = &self.storage
            && let Err(e) = storage_id(s)
        {
            p.push(e);
        }
        p
    }
}

fn storage_id(s: &str) -> Result<ComponentId, ConfigProblem> {
    let problem = |m: String| ConfigProblem::new("storage", m);
    let id: ComponentId = s.parse().map_err(|e| problem(format!("`{s}`: {e}")))?;
    if id.type_name() != "file_storage" {
        return Err(problem(format!("`{s}` is not a file_storage extension")));
    }
    Ok(id)
}

/// The subdirectory of the processor under its storage: `processor_<type>[_<name>]`, characters
/// other than ASCII letters, digits, `-`, `_` and `.` replaced by `_`.
pub fn state_dir_name(id: &ComponentId) -> String {
    let raw = match id.name() {
        Some(n) => format!("processor_{}_{}", id.type_name(), n),
        None => format!("processor_{}", id.type_name()),
    };
    raw.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect()
}

pub struct CostControlFactory;

const PROTOTYPE_UNUSED: &str = "unused by the prototype; dbintel has no such mode";

impl TypedFactory for CostControlFactory {
    type Config = CostControlConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "costcontrol",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "Prices the encoded OTLP bytes that pass, projects the month and reduces data over budget; per-metric cardinality limit.",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "slow_span_threshold_ms",
            "spans are counted against the budget and pass whole; no span is dropped by duration",
        ),
        ("aggressive_mode", PROTOTYPE_UNUSED),
        ("data_plus_enabled", "set price_per_gb to your contract's Data Plus price (e.g. 0.55)"),
        (
            "cardinality_cleanup_interval",
            "series are kept per billing month, bounded by cardinality_max_metrics",
        ),
        ("enable_intelligent_aggregation", PROTOTYPE_UNUSED),
        ("enable_log_reduction", "log reductions follow reduction_thresholds"),
        (
            "enabled",
            "a component runs when a pipeline lists it; leave it out of the pipelines to turn it off",
        ),
        (
            "daily_budget_usd",
            "the budget is monthly (monthly_budget_usd); a day's spend is projected onto the month",
        ),
        ("alert_threshold_percentage", "spend and projection are in self-telemetry; alert on them there"),
        (
            "enforcement_enabled",
            "reductions over budget follow reduction_thresholds and drop_metrics_over_budget",
        ),
        (
            "enforcement_mode",
            "reductions over budget follow reduction_thresholds and drop_metrics_over_budget",
        ),
        (
            "max_metrics_per_minute",
            "no rate limit; series per metric are limited by metric_cardinality_limit",
        ),
        (
            "cardinality_reduction",
            "over the limit a new series loses high_cardinality_attributes, else is dropped",
        ),
    ];

    fn check(&self, config: &CostControlConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn config_references(&self, cfg: &CostControlConfig) -> Vec<(ComponentKind, ComponentId, String)> {
        match cfg.storage.as_deref().map(str::parse::<ComponentId>) {
            Some(Ok(id)) => vec![(ComponentKind::Extension, id, "storage".to_string())],
            _ => Vec::new(),
        }
    }

    fn build(&self, ctx: &CreateContext, config: CostControlConfig) -> Result<Built, Vec<ConfigProblem>> {
        let p = config.problems();
        if !p.is_empty() {
            return Err(p);
        }
        let file = match config.storage.as_deref() {
            None => None,
            Some(s) => {
                let id = storage_id(s).map_err(|e| vec![e])?;
                let fs = ctx.host.extension::<Storage>(&id).map_err(|e| {
                    vec![ConfigProblem::new(
                        "storage",
                        match e {
                            HostError::NotFound(_) => format!("`{s}` is not defined under `extensions`"),
                            other => other.to_string(),
                        },
                    )]
                })?;
                Some(StateFile::new(fs.directory.join(state_dir_name(&ctx.id)), fs.fsync))
            }
        };
        let p = CostControl::new(config, ctx, file, std::sync::Arc::new(SystemClock));
        Ok(Built::Processor(Box::new(p)))
    }
}

#[cfg(test)]
mod tests;
