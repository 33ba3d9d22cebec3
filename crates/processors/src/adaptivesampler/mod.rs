//! `adaptivesampler` (logs): keeps or drops each query record by priority rules, deduplication and a
//! records-per-second budget; optionally adapts rates to how slow, erroring or variable a query is.
//!
//! The port of the prototype's processor with its fixes: the identity (and the dedup hash when the
//! configured attribute is absent) is computed here, so pipeline order does not matter; the keep
//! decision is a hash of (identity, interval) instead of a random draw, so replicas and replays agree;
//! caps and the budget count only kept records; every kept record says its rate (`sampling.rate`).

mod index;
mod rules;
mod sampler;

use std::time::Duration;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::{ComponentKind, DurationRange, GoDuration, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

pub use rules::Operator;
pub use sampler::{AdaptiveSampler, SAMPLING_RATE};

/// Most rules in one config (each record is matched against them in order).
pub const MAX_RULES: usize = 1000;
/// Most conditions in one rule.
pub const MAX_CONDITIONS: usize = 64;
/// Largest dedup cache and adaptive state (entries).
pub const MAX_CACHE: usize = 1_000_000;

const CLEANUP_RANGE: DurationRange = DurationRange::new(Duration::from_secs(1), Duration::from_secs(3600));
const INTERVAL_RANGE: DurationRange = DurationRange::new(Duration::from_secs(1), Duration::from_secs(86_400));

/// Config of the `adaptivesampler` processor (the prototype's keys and defaults, plus ours).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AdaptiveSamplerConfig {
    /// Rate of a record no rule matches, in [0, 1].
    #[serde(alias = "default_sampling_rate")]
    #[schemars(extend("x-aliases" = ["default_sampling_rate"]))]
    pub default_sample_rate: f64,
    /// Records kept per second at most (a fixed 1s window). Records of critical rules (rate 1) are
    /// always kept but count against it, so the others give way.
    pub max_records_per_second: u64,
    /// Deduplication by hash attribute.
    pub deduplication: DedupConfig,
    /// Priority rules; the first (highest priority) whose conditions all hold decides the rate.
    pub rules: Vec<RuleConfig>,
    /// Adaptive mode: in the importance score, the mean duration (ms) that counts as fully costly.
    pub high_cost_threshold: f64,
    /// Adaptive mode: the lowest rate a query gets.
    #[serde(alias = "min_sampling_rate")]
    #[schemars(extend("x-aliases" = ["min_sampling_rate"]))]
    pub min_sample_rate: f64,
    /// Ours: adaptive mode.
    pub adaptive: AdaptiveConfig,
    /// Ours: the decision interval; a query's keep decision is a hash of its identity and the
    /// interval its record falls in (record time), so replicas and replays decide the same.
    pub decision_interval: GoDuration,
    /// Ours: which attributes the processor reads.
    pub attributes: AttributeNames,
}

impl Default for AdaptiveSamplerConfig {
    fn default() -> Self {
        Self {
            default_sample_rate: 0.1,
            max_records_per_second: 1000,
            deduplication: DedupConfig::default(),
            rules: default_rules(),
            high_cost_threshold: 1000.0,
            min_sample_rate: 0.01,
            adaptive: AdaptiveConfig::default(),
            decision_interval: GoDuration::from_secs(60),
            attributes: AttributeNames::default(),
        }
    }
}

/// `deduplication`: a record whose hash was seen less than `window_seconds` ago is dropped.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    pub enabled: bool,
    /// Hashes remembered at most (least recently used evicted).
    pub cache_size: usize,
    /// How long a hash makes later records duplicates.
    pub window_seconds: u64,
    /// The attribute holding the hash; when absent, the query's fingerprint (attribute or computed
    /// from the text) is the hash.
    pub hash_attribute: String,
    /// How often expired hashes are swept.
    pub cleanup_interval: GoDuration,
}

impl Default for DedupConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            cache_size: 10_000,
            window_seconds: 300,
            hash_attribute: "db.query.plan.hash".into(),
            cleanup_interval: GoDuration::from_secs(60),
        }
    }
}

/// One rule of `rules`.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    pub name: String,
    /// Higher runs first; equal priorities keep config order.
    #[serde(default)]
    pub priority: i64,
    /// Rate in [0, 1]; 1 makes the rule critical (never loses to the budget).
    #[serde(alias = "sampling_rate")]
    #[schemars(extend("x-aliases" = ["sampling_rate"]))]
    pub sample_rate: f64,
    /// Records this rule keeps per minute at most; 0 = no cap.
    #[serde(default)]
    pub max_per_minute: u64,
    /// All must hold; none matches every record.
    #[serde(default)]
    pub conditions: Vec<ConditionConfig>,
    /// The prototype's free-text condition, compiled into more `conditions` (all must hold): the
    /// comparisons `attributes["name"] OP literal` (or a bare name, or inside `double()`/`int()`)
    /// joined by `and`; anything else is refused (see `rules::parse_expression`).
    #[serde(default, alias = "condition")]
    #[schemars(extend("x-aliases" = ["condition"]))]
    pub expression: Option<String>,
}

impl RuleConfig {
    /// `conditions` and what `expression` compiles to.
    pub fn all_conditions(&self) -> Result<Vec<ConditionConfig>, String> {
        let mut out = self.conditions.clone();
        if let Some(e) = &self.expression {
            out.extend(rules::parse_expression(e)?);
        }
        Ok(out)
    }
}

/// One condition of a rule.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConditionConfig {
    pub attribute: String,
    pub operator: Operator,
    /// Required except for `exists` (where it is the expected presence, default true).
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

/// `adaptive` (ours): the prototype's unwired adaptive algorithm, in memory.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AdaptiveConfig {
    pub enabled: bool,
    /// Queries whose statistics are kept at most (least recently used evicted).
    pub max_queries: usize,
}

impl Default for AdaptiveConfig {
    fn default() -> Self {
        Self { enabled: false, max_queries: 10_000 }
    }
}

/// `attributes` (ours): the names read, first present wins. Defaults cover our receivers' events and
/// the prototype's legacy names.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AttributeNames {
    /// The query's identity.
    pub fingerprint: Vec<String>,
    /// Plan hash read when `deduplication.hash_attribute` is absent.
    pub plan_hash: Vec<String>,
    /// Query text, fingerprinted with dbintel-sql when no fingerprint attribute is there.
    pub query_text: Vec<String>,
    /// Mean duration in milliseconds (adaptive mode).
    pub duration_ms: Vec<String>,
    /// Mean duration in seconds (adaptive mode), read when no `duration_ms` attribute is there.
    pub duration_seconds: Vec<String>,
    /// Standard deviation of the duration in seconds (adaptive mode; else computed across records).
    pub duration_stddev_seconds: Vec<String>,
    /// Errors: a number > 0, `true` or a non-empty string means the record errored (adaptive mode).
    pub errors: Vec<String>,
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl Default for AttributeNames {
    fn default() -> Self {
        Self {
            fingerprint: strings(&[
                "dbintel.query.fingerprint",
                "db.query.fingerprint",
                "postgresql.queryid",
                "mysql.events_statements_summary_by_digest.digest",
                "mysql.events_statements_current.digest",
                "query_id",
                "queryid",
            ]),
            plan_hash: strings(&["dbintel.plan.hash"]),
            query_text: strings(&["db.query.text", "query_text", "db.statement", "db.query"]),
            duration_ms: strings(&["avg_duration_ms", "duration_ms", "mean_exec_time"]),
            duration_seconds: strings(&["dbintel.exec_time.mean"]),
            duration_stddev_seconds: strings(&["dbintel.exec_time.stddev"]),
            errors: strings(&[
                "mysql.events_statements_summary_by_digest.sum_errors",
                "error_count",
                "error",
            ]),
        }
    }
}

fn cond(attribute: &str, operator: Operator, value: serde_json::Value) -> ConditionConfig {
    ConditionConfig { attribute: attribute.into(), operator, value: Some(value) }
}

fn rule(
    name: &str,
    priority: i64,
    sample_rate: f64,
    max_per_minute: u64,
    conditions: Vec<ConditionConfig>,
) -> RuleConfig {
    RuleConfig { name: name.into(), priority, sample_rate, max_per_minute, conditions, expression: None }
}

/// The prototype's default rules, each also on our receivers' attribute names.
pub fn default_rules() -> Vec<RuleConfig> {
    use serde_json::json;
    vec![
        rule("critical_queries", 100, 1.0, 0, vec![cond("avg_duration_ms", Operator::Gt, json!(1000))]),
        // Our events carry the mean in seconds.
        rule(
            "critical_queries_semconv",
            100,
            1.0,
            0,
            vec![cond("dbintel.exec_time.mean", Operator::Gt, json!(1.0))],
        ),
        rule(
            "missing_indexes",
            90,
            1.0,
            0,
            vec![
                cond("db.query.plan.has_seq_scan", Operator::Eq, json!(true)),
                cond("db.query.plan.rows", Operator::Gt, json!(10000)),
            ],
        ),
        rule("high_frequency", 50, 0.01, 10, vec![cond("execution_count", Operator::Gt, json!(1000))]),
        rule(
            "high_frequency_postgresql",
            50,
            0.01,
            10,
            vec![cond("postgresql.calls", Operator::Gt, json!(1000))],
        ),
        rule(
            "high_frequency_mysql",
            50,
            0.01,
            10,
            vec![cond("mysql.events_statements_summary_by_digest.count_star", Operator::Gt, json!(1000))],
        ),
        // The prototype's catch-all `default` rule (rate 0.1, no conditions) is `default_sample_rate`
        // itself: as a rule it matched every record, so changing `default_sample_rate` did nothing.
    ]
}

fn rate_problem(p: &mut Vec<ConfigProblem>, key: &str, v: f64) {
    if !(0.0..=1.0).contains(&v) {
        // The prototype's configs often give percentages (`sampling_rate: 100`).
        let hint = if v > 1.0 && v <= 100.0 {
            format!("; a rate is a fraction: {v}% is {}", v / 100.0)
        } else {
            String::new()
        };
        p.push(ConfigProblem::new(key, format!("must be within [0, 1]; it is {v}{hint}")));
    }
}

fn cap_problem(p: &mut Vec<ConfigProblem>, key: &str, v: usize) {
    if v == 0 || v > MAX_CACHE {
        p.push(ConfigProblem::new(key, format!("must be 1 to {MAX_CACHE}; it is {v}")));
    }
}

impl AdaptiveSamplerConfig {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        rate_problem(&mut p, "default_sample_rate", self.default_sample_rate);
        rate_problem(&mut p, "min_sample_rate", self.min_sample_rate);
        if self.max_records_per_second == 0 {
            p.push(ConfigProblem::new("max_records_per_second", "must be greater than 0 (default 1000)"));
        }
        if !(self.high_cost_threshold.is_finite() && self.high_cost_threshold > 0.0) {
            p.push(ConfigProblem::new(
                "high_cost_threshold",
                "must be a duration in ms greater than 0 (default 1000)",
            ));
        }
        let d = &self.deduplication;
        cap_problem(&mut p, "deduplication.cache_size", d.cache_size);
        if d.window_seconds == 0 || d.window_seconds > 86_400 {
            p.push(ConfigProblem::new("deduplication.window_seconds", "must be 1 to 86400"));
        }
        if d.enabled && d.hash_attribute.is_empty() {
            p.push(ConfigProblem::new("deduplication.hash_attribute", "must name an attribute"));
        }
        p.extend(CLEANUP_RANGE.check("deduplication.cleanup_interval", d.cleanup_interval.get()));
        p.extend(INTERVAL_RANGE.check("decision_interval", self.decision_interval.get()));
        cap_problem(&mut p, "adaptive.max_queries", self.adaptive.max_queries);
        if self.rules.len() > MAX_RULES {
            p.push(ConfigProblem::new("rules", format!("at most {MAX_RULES} rules")));
        }
        for (i, r) in self.rules.iter().enumerate() {
            let at = format!("rules[{i}]");
            if r.name.is_empty() {
                p.push(ConfigProblem::new(format!("{at}.name"), "must not be empty"));
            } else if self.rules[..i].iter().any(|o| o.name == r.name) {
                p.push(ConfigProblem::new(
                    format!("{at}.name"),
                    format!("`{}` is used by an earlier rule", r.name),
                ));
            }
            rate_problem(&mut p, &format!("{at}.sample_rate"), r.sample_rate);
            if r.conditions.len() > MAX_CONDITIONS {
                p.push(ConfigProblem::new(format!("{at}.conditions"), format!("at most {MAX_CONDITIONS}")));
            }
            for (j, c) in r.conditions.iter().enumerate() {
                if let Err(e) = rules::Condition::compile(c) {
                    p.push(ConfigProblem::new(format!("{at}.conditions[{j}]"), e));
                }
            }
            if let Some(e) = &r.expression {
                match rules::parse_expression(e) {
                    Err(why) => {
                        p.push(ConfigProblem::new(format!("{at}.expression"), format!("`{e}`: {why}")))
                    }
                    Ok(extra) => {
                        if r.conditions.len() + extra.len() > MAX_CONDITIONS {
                            p.push(ConfigProblem::new(
                                format!("{at}.expression"),
                                format!("at most {MAX_CONDITIONS} conditions with `conditions`"),
                            ));
                        }
                        for c in &extra {
                            if let Err(why) = rules::Condition::compile(c) {
                                p.push(ConfigProblem::new(
                                    format!("{at}.expression"),
                                    format!("`{e}`: {why}"),
                                ));
                            }
                        }
                    }
                }
            }
        }
        for (name, list) in [
            ("attributes.fingerprint", &self.attributes.fingerprint),
            ("attributes.plan_hash", &self.attributes.plan_hash),
            ("attributes.query_text", &self.attributes.query_text),
            ("attributes.duration_ms", &self.attributes.duration_ms),
            ("attributes.duration_seconds", &self.attributes.duration_seconds),
            ("attributes.duration_stddev_seconds", &self.attributes.duration_stddev_seconds),
            ("attributes.errors", &self.attributes.errors),
        ] {
            if list.len() > 32 {
                p.push(ConfigProblem::new(name, "at most 32 names"));
            }
        }
        p
    }
}

pub struct AdaptiveSamplerFactory;

const IN_MEMORY: &str = "dbintel keeps the sampler's state in memory only";

impl TypedFactory for AdaptiveSamplerFactory {
    type Config = AdaptiveSamplerConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "adaptivesampler",
        // `adaptive_sampler`: the name the prototype's Kubernetes configs use.
        aliases: &["adaptive_sampler"],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "Keeps query records by priority rules, dedup and a records/s budget; deterministic, optionally adaptive.",
    };
    const SIGNAL_NOTES: &'static [(Signal, &'static str)] = &[
        (
            Signal::Metrics,
            "it keeps or drops query records (logs); dropping metric points at random would break sums and rates, and the prototype's metrics variant was never built, so metrics pass untouched",
        ),
        (
            Signal::Traces,
            "it keeps or drops query records (logs); spans pass untouched (sample traces with probabilistic_sampler)",
        ),
    ];
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        ("in_memory_only", IN_MEMORY),
        (
            "sync_interval",
            "the prototype synchronised adaptive state through Redis; dbintel keeps it in memory",
        ),
        (
            "enable_debug_logging",
            "decisions are counted in self-telemetry; use the service log level for more",
        ),
        (
            "enabled",
            "a component runs when a pipeline lists it; leave it out of the pipelines to turn it off",
        ),
        (
            "max_sampling_rate",
            "a rule's rate (at most 1) is the ceiling; the adaptive mode only lowers rates",
        ),
        ("max_samples_per_second", "the records/s budget is max_records_per_second"),
        (
            "max_traces_per_second",
            "adaptivesampler samples query records, not traces; its budget is max_records_per_second",
        ),
        (
            "sampling_percentage",
            "a trace-sampling key; the rate of unmatched records is default_sample_rate (0 to 1)",
        ),
        (
            "sampling_rules",
            "span-name/service patterns of a trace sampler; record rules are `rules` with attribute conditions",
        ),
        (
            "adjust_sampling_on_overload",
            "the adaptive mode (adaptive.enabled) lowers rates by query cost, not by collector load",
        ),
        ("adjustment_period", "rates are decided per decision_interval"),
        ("evaluation_interval", "rates are decided per decision_interval"),
        ("time_window", "rates are decided per decision_interval"),
        (
            "memory_threshold_mb",
            "memory is memory_limiter's; the sampler's state is bounded by its cache sizes",
        ),
        (
            "target_metrics_per_minute",
            "the budget is max_records_per_second; metrics pass the sampler untouched",
        ),
        ("cost_control", "cost budgets are the costcontrol processor's"),
        ("max_cardinality", "state is bounded by deduplication.cache_size and adaptive.max_queries"),
    ];

    fn check(&self, config: &AdaptiveSamplerConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    /// What each free-text `expression` was compiled to, so the user sees what the rule matches.
    fn config_notes(&self, config: &AdaptiveSamplerConfig) -> Vec<ConfigProblem> {
        config
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let e = r.expression.as_ref()?;
                let conds = rules::parse_expression(e).ok()?;
                let text: Vec<String> = conds.iter().map(rules::describe).collect();
                Some(ConfigProblem::new(
                    format!("rules[{i}].expression"),
                    format!(
                        "`{e}` is read as the conditions {} (all must hold on the record's attributes); a record without the attribute does not match",
                        text.join(" and ")
                    ),
                ))
            })
            .collect()
    }

    fn build(&self, ctx: &CreateContext, config: AdaptiveSamplerConfig) -> Result<Built, Vec<ConfigProblem>> {
        let p = config.problems();
        if !p.is_empty() {
            return Err(p);
        }
        let sampler =
            AdaptiveSampler::new(config, &ctx.telemetry, &ctx.id.to_string()).map_err(|e| vec![e])?;
        Ok(Built::Processor(Box::new(sampler)))
    }
}

#[cfg(test)]
mod tests;
