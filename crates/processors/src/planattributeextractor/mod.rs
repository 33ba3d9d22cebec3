//! `planattributeextractor` (logs): plans collected by the receivers (PostgreSQL EXPLAIN JSON,
//! MySQL/MariaDB EXPLAIN FORMAT=JSON, the prototype's MySQL metadata JSON), parsed once with
//! `dbintel_sql::plan`, become `db.query.plan.*` attributes; query text is anonymized and
//! fingerprinted with `dbintel_sql`; a per-query plan history flags plan changes with their time
//! ratio, severity and cause (`dbintel_sql::plan::compare_plans`). See README.md.

mod extract;
mod history;
mod jsonpath;
mod roles;

use std::collections::BTreeMap;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::{ComponentKind, GoDuration, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

pub use extract::PlanAttributeExtractor;

/// What a failed record does to its batch.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ErrorMode {
    /// Count the failure, keep the record (with what was extracted before it) and go on.
    #[default]
    Ignore,
    /// Fail the batch (the runtime drops and counts it).
    Propagate,
}

/// SQL dialect used when a record does not say (`db.system.name`/`db.system`, plan attribute name).
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum DialectName {
    #[default]
    #[serde(alias = "postgres")]
    Postgresql,
    #[serde(alias = "mariadb")]
    Mysql,
}

/// `postgresql_rules`: where the plan root is and what is copied from it.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PostgresqlRules {
    /// gjson-style path of the plan root (`0.Plan`: element 0 of EXPLAIN (FORMAT JSON), then `Plan`).
    #[serde(alias = "detection_json_path")]
    #[schemars(extend("x-aliases" = ["detection_json_path"]))]
    pub detection_jsonpath: String,
    /// Output attribute -> path under the plan root.
    pub extractions: BTreeMap<String, String>,
    /// Output attribute -> named formula (`has_seq_scan`, `has_nested_loop`, `has_hash_join`,
    /// `has_sort`, `depth`, `node_count`, `efficiency`, ...); unknown names are skipped.
    pub derived: BTreeMap<String, String>,
}

pub(crate) fn default_derived() -> BTreeMap<String, String> {
    extract::FORMULAS.iter().map(|f| (format!("db.query.plan.{f}"), (*f).to_string())).collect()
}

impl Default for PostgresqlRules {
    fn default() -> Self {
        let ex = [
            ("db.query.plan.cost", "Total Cost"),
            ("db.query.plan.rows", "Plan Rows"),
            ("db.query.plan.width", "Plan Width"),
            ("db.query.plan.operation", "Node Type"),
            ("db.query.plan.startup_cost", "Startup Cost"),
            ("db.query.plan.actual_rows", "Actual Rows"),
            ("db.query.plan.actual_loops", "Actual Loops"),
            ("db.query.plan.shared_hit", "Shared Hit Blocks"),
            ("db.query.plan.shared_read", "Shared Read Blocks"),
            ("db.query.plan.temp_read", "Temp Read Blocks"),
            ("db.query.plan.temp_written", "Temp Written Blocks"),
        ];
        Self {
            detection_jsonpath: "0.Plan".into(),
            extractions: ex.iter().map(|(a, p)| ((*a).to_string(), (*p).to_string())).collect(),
            derived: default_derived(),
        }
    }
}

/// `mysql_rules`: the prototype's MySQL metadata JSON (and paths into EXPLAIN FORMAT=JSON).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MysqlRules {
    /// Path whose presence marks the prototype's MySQL metadata document (`system`).
    pub detection_jsonpath: String,
    /// Output attribute -> path from the document root.
    pub extractions: BTreeMap<String, String>,
    /// As `postgresql_rules.derived`, for MySQL EXPLAIN FORMAT=JSON plans (the prototype had none).
    pub derived: BTreeMap<String, String>,
}

impl Default for MysqlRules {
    fn default() -> Self {
        let ex = [
            ("db.query.plan.avg_rows", "avg_rows"),
            ("db.query.digest", "digest"),
            ("db.query.plan.execution_count", "execution_count"),
            ("db.query.plan.cost", "query_block.cost_info.query_cost"),
        ];
        Self {
            detection_jsonpath: "system".into(),
            extractions: ex.iter().map(|(a, p)| ((*a).to_string(), (*p).to_string())).collect(),
            derived: default_derived(),
        }
    }
}

/// `hash_config`: where the plan hash goes.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct HashConfig {
    /// Attribute that receives the structural plan hash.
    pub output: String,
}

impl Default for HashConfig {
    fn default() -> Self {
        Self { output: "db.query.plan.hash".into() }
    }
}

/// `query_anonymization`.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct QueryAnonymization {
    pub enabled: bool,
    /// Attributes whose SQL text is obfuscated in place (literals become `?`).
    pub attributes_to_anonymize: Vec<String>,
    pub generate_fingerprint: bool,
    /// Receives the `dbintel_sql` fingerprint (16 hex digits) of the first anonymized attribute.
    pub fingerprint_attribute: String,
}

impl Default for QueryAnonymization {
    fn default() -> Self {
        Self {
            enabled: true,
            attributes_to_anonymize: ["query_text", "db.statement", "db.query", "db.query.text"]
                .map(String::from)
                .to_vec(),
            generate_fingerprint: true,
            fingerprint_attribute: "db.query.fingerprint".into(),
        }
    }
}

/// `querylens.regression_detection`.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RegressionDetection {
    pub enabled: bool,
    /// Time ratio (new plan / old plan) at or above which the change is a regression.
    pub time_increase: f64,
    /// Blocks-read ratio that raises a `low` change to `medium`.
    pub io_increase: f64,
    /// Cost ratio reported by the comparison as a cost increase.
    pub cost_increase: f64,
}

impl Default for RegressionDetection {
    fn default() -> Self {
        Self { enabled: true, time_increase: 1.5, io_increase: 2.0, cost_increase: 2.0 }
    }
}

/// `querylens`: plan history per query and plan-change detection.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct QueryLens {
    /// Plan history on (the prototype defaulted to false and never called it from logs).
    pub enabled: bool,
    /// How long a query's history is kept after its last plan (1 to 8760).
    pub plan_history_hours: u64,
    pub regression_detection: RegressionDetection,
    /// Ours: queries whose history is kept (LRU, evictions counted).
    pub max_queries: usize,
    /// Ours: plans remembered per query.
    pub plans_per_query: usize,
}

impl Default for QueryLens {
    fn default() -> Self {
        Self {
            enabled: true,
            plan_history_hours: 24,
            regression_detection: RegressionDetection::default(),
            max_queries: 10_000,
            plans_per_query: 4,
        }
    }
}

/// Config of `planattributeextractor` (the prototype's keys and defaults, plus bounds of ours).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PlanAttrConfig {
    /// Per-record time budget in milliseconds (1 to 10000), checked between steps.
    pub timeout_ms: u64,
    /// The prototype's `timeout`: the per-record time budget as a duration (1ms to 10s); when set
    /// it is used instead of `timeout_ms`.
    pub timeout: Option<GoDuration>,
    pub error_mode: ErrorMode,
    pub postgresql_rules: PostgresqlRules,
    pub mysql_rules: MysqlRules,
    pub hash_config: HashConfig,
    pub query_anonymization: QueryAnonymization,
    pub querylens: QueryLens,
    /// Ours: attributes searched for a plan, in order (then a JSON string body).
    pub plan_attributes: Vec<String>,
    /// Ours: plans longer than this many bytes are skipped and counted.
    pub max_plan_bytes: usize,
    /// Ours: parsed plans cached by content hash.
    pub plan_cache_size: usize,
    /// Ours: attributes identifying a query for the plan history, first present wins.
    pub query_id_attributes: Vec<String>,
    /// Ours: database attribute(s) that scope the query id, first present wins.
    pub database_attributes: Vec<String>,
    /// Ours: mean execution time attribute(s), first present wins (any unit: only ratios are used).
    pub duration_attributes: Vec<String>,
    /// Ours: blocks-read attribute(s) for the I/O ratio, first present wins.
    pub blocks_read_attributes: Vec<String>,
    /// Ours: dialect when the record does not say.
    pub default_dialect: DialectName,
}

impl Default for PlanAttrConfig {
    fn default() -> Self {
        Self {
            timeout_ms: 100,
            timeout: None,
            error_mode: ErrorMode::Ignore,
            postgresql_rules: PostgresqlRules::default(),
            mysql_rules: MysqlRules::default(),
            hash_config: HashConfig::default(),
            query_anonymization: QueryAnonymization::default(),
            querylens: QueryLens::default(),
            plan_attributes: ["postgresql.query_plan", "mysql.query_plan", "plan_json", "db.plan.json"]
                .map(String::from)
                .to_vec(),
            max_plan_bytes: 256 * 1024,
            plan_cache_size: 1024,
            query_id_attributes: [
                "postgresql.queryid",
                "mysql.events_statements_summary_by_digest.digest",
                "db.query.digest",
                "query_id",
                "queryid",
                "dbintel.query.fingerprint",
            ]
            .map(String::from)
            .to_vec(),
            database_attributes: ["db.namespace", "database_name", "db.name"].map(String::from).to_vec(),
            duration_attributes: ["dbintel.exec_time.mean", "avg_duration_ms", "mean_exec_time"]
                .map(String::from)
                .to_vec(),
            blocks_read_attributes: ["postgresql.shared_blks_read", "shared_blks_read"]
                .map(String::from)
                .to_vec(),
            default_dialect: DialectName::Postgresql,
        }
    }
}

/// Largest `max_plan_bytes` (the `dbintel_sql` limit).
pub const MAX_PLAN_BYTES: usize = dbintel_sql::plan::MAX_PLAN_BYTES;
const MAX_CACHE: usize = 1_000_000;

impl PlanAttrConfig {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if !(1..=10_000).contains(&self.timeout_ms) {
            p.push(ConfigProblem::new(
                "timeout_ms",
                "must be greater than 0 and at most 10000 (default 100)",
            ));
        }
        let budget = std::time::Duration::from_millis(1)..=std::time::Duration::from_secs(10);
        if self.timeout.is_some_and(|t| !budget.contains(&t.get())) {
            p.push(ConfigProblem::new("timeout", "must be at least 1ms and at most 10s"));
        }
        if self.hash_config.output.is_empty() {
            p.push(ConfigProblem::new("hash_config.output", "must name an attribute"));
        }
        if self.query_anonymization.generate_fingerprint
            && self.query_anonymization.fingerprint_attribute.is_empty()
        {
            p.push(ConfigProblem::new("query_anonymization.fingerprint_attribute", "must name an attribute"));
        }
        if !(1..=MAX_PLAN_BYTES).contains(&self.max_plan_bytes) {
            p.push(ConfigProblem::new("max_plan_bytes", format!("must be 1 to {MAX_PLAN_BYTES}")));
        }
        if !(1..=MAX_CACHE).contains(&self.plan_cache_size) {
            p.push(ConfigProblem::new("plan_cache_size", format!("must be 1 to {MAX_CACHE}")));
        }
        let q = &self.querylens;
        if !(1..=8760).contains(&q.plan_history_hours) {
            p.push(ConfigProblem::new("querylens.plan_history_hours", "must be 1 to 8760"));
        }
        if !(1..=MAX_CACHE).contains(&q.max_queries) {
            p.push(ConfigProblem::new("querylens.max_queries", format!("must be 1 to {MAX_CACHE}")));
        }
        if !(1..=64).contains(&q.plans_per_query) {
            p.push(ConfigProblem::new("querylens.plans_per_query", "must be 1 to 64"));
        }
        let r = &q.regression_detection;
        for (k, v) in [
            ("time_increase", r.time_increase),
            ("io_increase", r.io_increase),
            ("cost_increase", r.cost_increase),
        ] {
            if !(v.is_finite() && v >= 1.0) {
                p.push(ConfigProblem::new(
                    format!("querylens.regression_detection.{k}"),
                    "must be a finite ratio of at least 1",
                ));
            }
        }
        p
    }
}

pub struct PlanAttributeExtractorFactory;

impl TypedFactory for PlanAttributeExtractorFactory {
    type Config = PlanAttrConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "planattributeextractor",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "Adds db.query.plan.* attributes from collected EXPLAIN plans, anonymizes and \
                      fingerprints query text, and flags plan changes per query with cause and severity.",
    };
    const SIGNAL_NOTES: &'static [(Signal, &'static str)] = &[
        (
            Signal::Metrics,
            "plans arrive as log records (the receivers' plan and query events); metric points carry no plan and pass untouched",
        ),
        (
            Signal::Traces,
            "plans arrive as log records (the receivers' plan and query events); spans pass untouched",
        ),
    ];

    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        ("safe_mode", "dbintel never runs EXPLAIN from a processor: plans come from the receivers"),
        (
            "unsafe_plan_collection",
            "dbintel never runs EXPLAIN from a processor: plans come from the receivers",
        ),
        ("enable_debug_logging", "use the service's log level"),
        ("hash_config.include", "the plan hash is the structural hash of the plan (dbintel_sql)"),
        ("hash_config.algorithm", "the plan hash is the structural hash of the plan (dbintel_sql)"),
        ("querylens.regression_threshold", "querylens.regression_detection.time_increase is used"),
        ("querylens.alert_on_regression", "regressions are marked on the record (db.plan.regression)"),
        (
            "enabled",
            "a component runs when a pipeline lists it; leave it out of the pipelines to turn it off",
        ),
        ("debug_mode", "use the service's log level"),
        ("enable_anonymization", "anonymization is query_anonymization.enabled"),
        ("anonymization", "anonymization is query_anonymization"),
        (
            "query_anonymization.preserve_structure",
            "the anonymized text always keeps the statement's structure (literals become `?`)",
        ),
        (
            "query_anonymization.preserve_literals",
            "anonymization always replaces literals; turn it off with query_anonymization.enabled",
        ),
        ("query_anonymization.normalize_parameters", "parameters ($1, ?) are always normalized"),
        ("query_fingerprinting", "fingerprints are query_anonymization.generate_fingerprint"),
        (
            "enable_plan_analysis",
            "plan attributes are always extracted from the plan attributes present (plan_attributes)",
        ),
        ("plan_analysis", "what is extracted is postgresql_rules / mysql_rules"),
        ("plan_extraction", "what is extracted is postgresql_rules / mysql_rules"),
        ("plan_intelligence", "plan change and regression tracking is querylens"),
        ("plan_sources", "plans come from the receivers' records (plan_attributes)"),
        ("plan_cache", "the parsed-plan cache is plan_cache_size"),
        ("regression_tracking", "regression tracking is querylens.regression_detection"),
        ("max_query_length", "query texts are never cut here; New Relic's limits are nrerrormonitor's"),
        (
            "postgresql_rules.derived_attributes",
            "derived values are postgresql_rules.derived (named formulas)",
        ),
        ("querylens.plan_tracking", "plan changes are tracked whenever querylens.enabled"),
        (
            "querylens.regression_detection.memory_increase",
            "plans carry no memory estimate to compare; time, I/O and cost are compared",
        ),
    ];

    fn check(&self, config: &PlanAttrConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, ctx: &CreateContext, config: PlanAttrConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Processor(Box::new(PlanAttributeExtractor::new(config, Some(ctx)))))
    }
}

#[cfg(test)]
mod tests;
