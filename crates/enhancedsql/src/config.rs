//! Configuration of the `enhancedsql` receiver (the prototype's keys and defaults) and its
//! validation into a resolved [`Plan`]: every problem is reported with its key path.

use std::collections::BTreeMap;
use std::time::Duration;

use dbintel_core::duration::ranges;
use dbintel_core::{ConfigProblem, GoDuration, check_durations};
use dbintel_dbclient::features::FeatureDetectionConfig;
use dbintel_sqlquery::dsn::{DataSource, Driver};
use serde::Deserialize;

use crate::library::{self, Library};
use crate::params::{self, ParamType, Parameter};

use crate::selector::{Candidate, Requirements};

/// Queries (with their fallbacks) and custom queries per receiver, at most.
pub const MAX_QUERIES: usize = 64;
/// Metrics, logs, parameters and fallbacks per query, at most.
pub const MAX_ITEMS: usize = 32;
/// Rows one query may turn into telemetry, at most (`max_rows` is capped here).
pub const MAX_ROWS_CAP: u32 = 10_000;

/// Accepted `collection_interval`: 100ms to 24h.
pub const COLLECTION_INTERVAL_RANGE: dbintel_core::DurationRange =
    dbintel_core::DurationRange::new(Duration::from_millis(100), Duration::from_secs(86_400));

fn default_interval() -> GoDuration {
    GoDuration::from_secs(60)
}
fn default_initial_delay() -> GoDuration {
    GoDuration::from_secs(1)
}
fn default_max_open() -> u32 {
    10
}
fn default_max_idle() -> u32 {
    5
}
fn default_timeout() -> GoDuration {
    GoDuration::from_secs(30)
}
fn default_max_rows() -> u32 {
    1000
}

/// The receiver's config section.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnhancedSqlConfig {
    /// `postgres` (default; also `postgresql`) | `mysql` (also `mariadb`). The prototype's
    /// `sqlserver` and `oracle` are refused: this build has no driver for them.
    #[serde(default = "default_driver")]
    pub driver: String,
    /// Required. URL, libpq key=value string (postgres) or Go DSN `user:pass@tcp(host:port)/db`
    /// (mysql). Never emitted, not even masked.
    #[serde(default)]
    pub datasource: String,
    /// How often every category is collected (100ms to 24h).
    #[serde(default = "default_interval")]
    pub collection_interval: GoDuration,
    /// Wait before the first collection (0 to 1h).
    #[serde(default = "default_initial_delay")]
    pub initial_delay: GoDuration,
    /// Connections open at once at most (the bound on the receiver's server-side sessions):
    /// categories run concurrently, each on a connection of its own, up to this many; at least 1.
    #[serde(default = "default_max_open")]
    pub max_open_connections: u32,
    /// Connections kept open between collections at most (0 closes them after each collection);
    /// must not exceed `max_open_connections`.
    #[serde(default = "default_max_idle")]
    pub max_idle_connections: u32,
    /// dbintel's one TLS section (Collector `configtls` keys), combined with the datasource's own
    /// TLS options.
    #[serde(default)]
    pub tls: Option<dbintel_tls::TlsClientConfig>,
    /// Feature detection (on by default here): chooses each category's query from what the server
    /// offers, and emits `db.feature.extension.available` and `db.feature.capability.available`.
    #[serde(default)]
    pub feature_detection: FeatureDetectionConfig,
    /// Resource attributes added to everything the receiver emits (string values).
    #[serde(default)]
    pub resource_attributes: BTreeMap<String, String>,
    /// The categories to collect. Default: `slow_queries` with `min_duration` 50ms and `limit` 20.
    #[serde(default)]
    pub queries: Vec<QueryConfig>,
    /// Extra candidates for a category, chosen by `priority` among the built-in ones.
    #[serde(default)]
    pub custom_queries: Vec<CustomQueryConfig>,
}

fn default_driver() -> String {
    "postgres".into()
}

/// One category to collect: the best query whose requirements hold serves it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryConfig {
    /// Required, unique: names the collection in logs, self-telemetry and the emitted records.
    #[serde(default)]
    pub name: String,
    /// The category: a built-in one (`slow_queries`, `active_sessions`, `wait_events`,
    /// `table_stats`, and for mysql `innodb`) or any name for custom SQL. Default: `name`.
    #[serde(default)]
    pub category: Option<String>,
    /// Custom SQL serving the category first (before `fallbacks` and the built-in queries).
    /// Placeholders `$1`, `$2`, ... take `parameters` in order.
    #[serde(default)]
    pub sql: Option<String>,
    /// Priority of `sql` among the category's candidates (default 1000: above every built-in one).
    #[serde(default)]
    pub priority: Option<i32>,
    /// What `sql` needs; it is skipped while the detected features lack it.
    #[serde(default)]
    pub requirements: Requirements,
    /// Custom candidates tried after `sql`, in order, before the built-in ones.
    #[serde(default)]
    pub fallbacks: Vec<FallbackConfig>,
    /// Also use the category's built-in queries (when it is a built-in category). Default true.
    #[serde(default = "default_true")]
    pub builtin_fallbacks: bool,
    /// Time limit of each statement (100ms to 1h): enforced by the client, which then cancels
    /// the statement on the server; the session's statement timeout is the longest of them.
    #[serde(default = "default_timeout")]
    pub timeout: GoDuration,
    /// Rows turned into telemetry per collection, at most (1 to 10000).
    #[serde(default = "default_max_rows")]
    pub max_rows: u32,
    /// Typed parameters bound to `$1`, `$2`, ... in order. The built-in queries take
    /// `min_duration` (`$1`, in ms) and `limit` (`$2`): give them by name to change them.
    #[serde(default)]
    pub parameters: Vec<ParameterConfig>,
    /// Metrics built from the rows of whichever query serves the category.
    #[serde(default)]
    pub metrics: Vec<MetricConfig>,
    /// Log records built from the rows. Default (when `metrics` is empty too): one record per row
    /// with every column as an attribute.
    #[serde(default)]
    pub logs: Vec<LogConfig>,
}

fn default_true() -> bool {
    true
}

/// A custom fallback of a query.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FallbackConfig {
    /// Required: the candidate's name (reported when it serves).
    #[serde(default)]
    pub name: String,
    /// Required: the statement, with the query's parameters.
    #[serde(default)]
    pub sql: String,
    /// What it needs.
    #[serde(default)]
    pub requirements: Requirements,
}

/// A candidate added to a category (the prototype's `custom_queries`).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomQueryConfig {
    /// Required, unique within its category.
    #[serde(default)]
    pub name: String,
    /// Required: the category it may serve (a `queries[]` entry must collect it).
    #[serde(default)]
    pub category: String,
    /// Required: the statement (`$1` = `min_duration` in ms, `$2` = `limit`, or the query's
    /// parameters).
    #[serde(default)]
    pub sql: String,
    /// Its rank among the category's candidates (built-in ones range from 10 to 100).
    #[serde(default)]
    pub priority: i32,
    /// Free text, shown when it serves.
    #[serde(default)]
    pub description: String,
    /// What it needs.
    #[serde(default)]
    pub requirements: Requirements,
}

/// A typed parameter.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParameterConfig {
    /// Required: the name (`min_duration`, `limit` for the built-in queries).
    #[serde(default)]
    pub name: String,
    /// `int` | `float` | `string` | `duration` (a Go duration string such as `50ms`).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The value bound (the prototype's key: it has no other source of values). The prototype's
    /// typed spellings (`default_int`, `default_float`, `default_string`, `default_duration`) are
    /// aliases; the value is checked against `type` all the same.
    #[serde(
        default,
        alias = "default_int",
        alias = "default_float",
        alias = "default_string",
        alias = "default_duration"
    )]
    #[schemars(extend("x-aliases" = ["default_int", "default_float", "default_string", "default_duration"]))]
    pub default: Option<serde_json::Value>,
    /// For `duration`: the unit the number is bound in, `ms` (default) | `s` | `m`.
    #[serde(default)]
    pub unit: Option<String>,
}

/// A metric built from each row.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricConfig {
    /// Required: the metric's name.
    #[serde(default)]
    pub metric_name: String,
    /// Required: the column holding the value (rows where it is NULL or not numeric are skipped).
    #[serde(default)]
    pub value_column: String,
    /// `gauge` (default) | `sum` (cumulative, monotonic). The prototype's `histogram` is refused:
    /// one row holds no distribution.
    #[serde(default)]
    pub value_type: Option<String>,
    /// Columns turned into point attributes.
    #[serde(default)]
    pub attribute_columns: Vec<String>,
    /// The unit (UCUM).
    #[serde(default)]
    pub unit: String,
    /// The description.
    #[serde(default)]
    pub description: String,
}

/// Log records built from each row.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// The column holding the body (query text is obfuscated). Default: the prototype's
    /// `Query: <name> | col: val | ...` line.
    #[serde(default)]
    pub body_column: Option<String>,
    /// A column holding the severity text (`INFO`, `WARN`, `ERROR`, ...).
    #[serde(default)]
    pub severity_column: Option<String>,
    /// Attribute name -> column. Default: every column, under the names in the README.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

// ---------------------------------------------------------------------------------------------
// The resolved plan

#[derive(Debug, Clone)]
pub struct Plan {
    pub driver: Driver,
    pub declared_mariadb: bool,
    pub datasource: DataSource,
    pub collection_interval: Duration,
    pub initial_delay: Duration,
    /// The session's statement timeout: the longest query timeout.
    pub session_timeout: Duration,
    /// Connections open at most (categories run concurrently up to it).
    pub max_open_connections: usize,
    /// Connections kept open between collections at most.
    pub max_idle_connections: usize,
    pub feature_detection: Option<FeatureDetectionConfig>,
    pub resource_attributes: Vec<(String, String)>,
    pub categories: Vec<CategoryPlan>,
}

#[derive(Debug, Clone)]
pub struct CategoryPlan {
    /// The `queries[].name`.
    pub name: String,
    pub category: String,
    pub timeout: Duration,
    pub max_rows: usize,
    /// Sorted by priority, highest first (stable: ties keep their configured order).
    pub candidates: Vec<Candidate>,
    pub metrics: Vec<MetricConfig>,
    pub logs: Vec<LogConfig>,
    /// `$1` = `min_duration` (ms), `$2` = `limit`: what built-in and custom queries are bound with.
    pub builtin_params: Vec<Parameter>,
}

impl EnhancedSqlConfig {
    /// Checks everything and resolves the config; returns every problem found, with its key path.
    pub fn resolve(&self) -> Result<Plan, Vec<ConfigProblem>> {
        let mut p = Vec::new();
        let name = self.driver.trim().to_ascii_lowercase();
        let driver = match Driver::parse(&name) {
            Some(d) => Some(d),
            None if matches!(name.as_str(), "sqlserver" | "mssql" | "oracle" | "godror") => {
                p.push(ConfigProblem::new(
                    "driver",
                    format!(
                        "`{name}` is not supported by this build: use `postgres` or `mysql` (also `mariadb`)"
                    ),
                ));
                None
            }
            None => {
                p.push(ConfigProblem::new(
                    "driver",
                    format!("unknown driver `{}`: use `postgres` or `mysql` (also `mariadb`)", self.driver),
                ));
                None
            }
        };
        let datasource = match driver {
            _ if self.datasource.trim().is_empty() => {
                p.push(ConfigProblem::new(
                    "datasource",
                    "required: e.g. `postgres://user:pass@host:5432/db?sslmode=disable` or `user:pass@tcp(host:3306)/db`",
                ));
                None
            }
            Some(d) => match DataSource::parse_with_tls(d, &self.datasource, self.tls.as_ref()) {
                Ok(ds) => {
                    if let Some(t) = &self.tls {
                        p.extend(t.problems().into_iter().map(|x| ConfigProblem::new(x.path, x.message)));
                    }
                    Some(ds)
                }
                Err(e) => {
                    p.push(ConfigProblem::new("datasource", e.to_string()));
                    None
                }
            },
            None => None,
        };
        p.extend(check_durations(&[
            ("collection_interval", self.collection_interval.get(), COLLECTION_INTERVAL_RANGE),
            ("initial_delay", self.initial_delay.get(), ranges::INITIAL_DELAY),
        ]));
        if self.max_open_connections == 0 {
            p.push(ConfigProblem::new("max_open_connections", "must be at least 1"));
        }
        if self.max_idle_connections > self.max_open_connections {
            p.push(ConfigProblem::new("max_idle_connections", "must not exceed max_open_connections"));
        }
        p.extend(self.feature_detection.problems("feature_detection"));
        for k in self.resource_attributes.keys() {
            if k.trim().is_empty() {
                p.push(ConfigProblem::new("resource_attributes", "attribute names must not be empty"));
            }
            if k.starts_with("db.connection") {
                p.push(ConfigProblem::new(
                    format!("resource_attributes.{k}"),
                    "connection strings are never emitted, not even masked",
                ));
            }
        }
        if self.queries.len() > MAX_QUERIES {
            p.push(ConfigProblem::new("queries", format!("at most {MAX_QUERIES} queries")));
        }
        if self.custom_queries.len() > MAX_QUERIES {
            p.push(ConfigProblem::new("custom_queries", format!("at most {MAX_QUERIES} custom queries")));
        }
        let mariadb = name == "mariadb";
        let library = driver.map(Library::for_driver);
        let default_query = [QueryConfig {
            name: "slow_queries".into(),
            category: None,
            sql: None,
            priority: None,
            requirements: Requirements::default(),
            fallbacks: Vec::new(),
            builtin_fallbacks: true,
            timeout: default_timeout(),
            max_rows: default_max_rows(),
            parameters: Vec::new(),
            metrics: Vec::new(),
            logs: Vec::new(),
        }];
        let queries: &[QueryConfig] = if self.queries.is_empty() { &default_query } else { &self.queries };
        let mut categories = Vec::new();
        let mut names = std::collections::BTreeSet::new();
        for (i, q) in queries.iter().enumerate().take(MAX_QUERIES) {
            let path = format!("queries[{i}]");
            if let Some(c) = self.resolve_query(&path, q, library.as_ref(), &mut p) {
                if !names.insert(c.name.clone()) {
                    p.push(ConfigProblem::new(format!("{path}.name"), format!("`{}` is used twice", c.name)));
                }
                categories.push(c);
            }
        }
        for (i, c) in self.custom_queries.iter().enumerate().take(MAX_QUERIES) {
            let path = format!("custom_queries[{i}]");
            if c.name.trim().is_empty() {
                p.push(ConfigProblem::new(format!("{path}.name"), "required"));
            }
            if c.sql.trim().is_empty() {
                p.push(ConfigProblem::new(format!("{path}.sql"), "required"));
            }
            p.extend(c.requirements.problems(&format!("{path}.requirements")));
            let targets: Vec<&mut CategoryPlan> =
                categories.iter_mut().filter(|x| x.category == c.category).collect();
            if targets.is_empty() {
                p.push(ConfigProblem::new(
                    format!("{path}.category"),
                    format!("no entry of `queries` collects category `{}`", c.category),
                ));
            }
            for t in targets {
                match params::render(&c.sql, &t.builtin_params) {
                    Ok(sql) => t.candidates.push(Candidate {
                        name: c.name.clone(),
                        priority: c.priority,
                        sql,
                        requirements: c.requirements.clone(),
                        description: c.description.clone(),
                        builtin: false,
                    }),
                    Err(e) => p.push(ConfigProblem::new(format!("{path}.sql"), e)),
                }
                t.candidates.sort_by_key(|c| std::cmp::Reverse(c.priority));
            }
        }
        let session_timeout = categories.iter().map(|c| c.timeout).max().unwrap_or(Duration::from_secs(30));
        if !p.is_empty() {
            return Err(p);
        }
        let (Some(driver), Some(datasource)) = (driver, datasource) else {
            return Err(vec![ConfigProblem::new("datasource", "cannot be resolved")]);
        };
        let feature_detection =
            self.feature_detection.enabled_or(true).then(|| self.feature_detection.clone());
        Ok(Plan {
            driver,
            declared_mariadb: mariadb,
            datasource,
            collection_interval: self.collection_interval.get(),
            initial_delay: self.initial_delay.get(),
            session_timeout,
            max_open_connections: usize::try_from(self.max_open_connections).unwrap_or(1).max(1),
            max_idle_connections: usize::try_from(self.max_idle_connections).unwrap_or(0),
            feature_detection,
            resource_attributes: self
                .resource_attributes
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            categories,
        })
    }

    fn resolve_query(
        &self,
        path: &str,
        q: &QueryConfig,
        library: Option<&Library>,
        p: &mut Vec<ConfigProblem>,
    ) -> Option<CategoryPlan> {
        if q.name.trim().is_empty() {
            p.push(ConfigProblem::new(format!("{path}.name"), "required"));
        }
        let category = q.category.clone().unwrap_or_else(|| q.name.clone());
        p.extend(check_durations(&[(
            &format!("{path}.timeout"),
            q.timeout.get(),
            ranges::STATEMENT_TIMEOUT,
        )]));
        if q.max_rows == 0 || q.max_rows > MAX_ROWS_CAP {
            p.push(ConfigProblem::new(format!("{path}.max_rows"), format!("must be 1 to {MAX_ROWS_CAP}")));
        }
        for (what, n) in [
            ("parameters", q.parameters.len()),
            ("metrics", q.metrics.len()),
            ("logs", q.logs.len()),
            ("fallbacks", q.fallbacks.len()),
        ] {
            if n > MAX_ITEMS {
                p.push(ConfigProblem::new(format!("{path}.{what}"), format!("at most {MAX_ITEMS}")));
            }
        }
        let mut parameters: Vec<Parameter> = Vec::new();
        for (i, pc) in q.parameters.iter().enumerate().take(MAX_ITEMS) {
            match Parameter::from_config(pc) {
                Ok(x) => parameters.push(x),
                Err(e) => p.push(ConfigProblem::new(format!("{path}.parameters[{i}]"), e)),
            }
        }
        for (i, m) in q.metrics.iter().enumerate() {
            let mp = format!("{path}.metrics[{i}]");
            if m.metric_name.trim().is_empty() {
                p.push(ConfigProblem::new(format!("{mp}.metric_name"), "required"));
            }
            if m.value_column.trim().is_empty() {
                p.push(ConfigProblem::new(format!("{mp}.value_column"), "required"));
            }
            match m.value_type.as_deref().map(str::to_ascii_lowercase).as_deref() {
                None | Some("gauge" | "sum") => {}
                Some("histogram") => p.push(ConfigProblem::new(
                    format!("{mp}.value_type"),
                    "`histogram` is not supported: one row holds one value, not a distribution (use gauge or sum)",
                )),
                Some(other) => {
                    p.push(ConfigProblem::new(format!("{mp}.value_type"), format!("`{other}`: use gauge or sum")))
                }
            }
        }
        let builtin = library.map(|l| l.category(&category)).unwrap_or_default();
        let mut candidates = Vec::new();
        // The built-in queries' own parameters, replaced by name.
        let builtin_params = params::builtin_parameters(&parameters);
        if let Some(sql) = &q.sql {
            p.extend(q.requirements.problems(&format!("{path}.requirements")));
            match params::render(sql, &parameters) {
                Ok(sql) => candidates.push(Candidate {
                    name: q.name.clone(),
                    priority: q.priority.unwrap_or(1000),
                    sql,
                    requirements: q.requirements.clone(),
                    description: String::new(),
                    builtin: false,
                }),
                Err(e) => p.push(ConfigProblem::new(format!("{path}.sql"), e)),
            }
        }
        let base = q.priority.unwrap_or(1000);
        for (i, f) in q.fallbacks.iter().enumerate().take(MAX_ITEMS) {
            let fp = format!("{path}.fallbacks[{i}]");
            if f.name.trim().is_empty() {
                p.push(ConfigProblem::new(format!("{fp}.name"), "required"));
            }
            p.extend(f.requirements.problems(&format!("{fp}.requirements")));
            match params::render(&f.sql, &parameters) {
                Ok(sql) if !f.sql.trim().is_empty() => candidates.push(Candidate {
                    name: f.name.clone(),
                    // After `sql`, in order, above the built-in ones.
                    priority: base.saturating_sub(1 + i as i32).max(101),
                    sql,
                    requirements: f.requirements.clone(),
                    description: String::new(),
                    builtin: false,
                }),
                Ok(_) => p.push(ConfigProblem::new(format!("{fp}.sql"), "required")),
                Err(e) => p.push(ConfigProblem::new(format!("{fp}.sql"), e)),
            }
        }
        if q.builtin_fallbacks {
            for b in &builtin {
                match params::render(b.sql, &builtin_params) {
                    Ok(sql) => candidates.push(Candidate {
                        name: b.name.to_string(),
                        priority: b.priority,
                        sql,
                        requirements: b.requirements(),
                        description: b.description.to_string(),
                        builtin: true,
                    }),
                    Err(e) => p.push(ConfigProblem::new(format!("{path}.parameters"), e)),
                }
            }
        }
        if candidates.is_empty() {
            p.push(ConfigProblem::new(
                format!("{path}.category"),
                format!(
                    "`{category}` has no query: give `sql`, or use a built-in category ({})",
                    library::CATEGORIES.join(", ")
                ),
            ));
        }
        candidates.sort_by_key(|c| std::cmp::Reverse(c.priority));
        Some(CategoryPlan {
            name: q.name.clone(),
            category,
            timeout: q.timeout.get(),
            max_rows: q.max_rows.clamp(1, MAX_ROWS_CAP) as usize,
            candidates,
            metrics: q.metrics.clone(),
            logs: q.logs.clone(),
            builtin_params,
        })
    }
}

impl ParamType {
    /// The config spelling.
    pub fn name(self) -> &'static str {
        match self {
            ParamType::Int => "int",
            ParamType::Float => "float",
            ParamType::String => "string",
            ParamType::Duration => "duration",
        }
    }
}
