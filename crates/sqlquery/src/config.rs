//! Configuration of the `sqlquery` receiver (keys and defaults of the contrib receiver) and its
//! validation into a resolved [`Plan`]. Validation reports every problem, each with its key path.

use std::collections::BTreeMap;
use std::time::Duration;

use dbintel_core::duration::ranges;
use dbintel_core::pdata::Temporality;
use dbintel_core::{ConfigProblem, DurationRange, GoDuration, check_durations};
use serde::Deserialize;

use crate::cell::ValueType;
use crate::dsn::{DataSource, Driver};

/// Upper bound on queries per receiver and metrics/logs per query (keeps config-driven work bounded).
pub const MAX_QUERIES: usize = 256;
pub const MAX_ITEMS_PER_QUERY: usize = 256;

/// Accepted `collection_interval`: 100ms to 24h (custom SQL may be cheap enough to poll often; 1s or
/// more is what most queries want).
pub const COLLECTION_INTERVAL_RANGE: DurationRange =
    DurationRange::new(Duration::from_millis(100), Duration::from_secs(86_400));

fn default_interval() -> GoDuration {
    GoDuration::from_secs(10)
}
fn default_initial_delay() -> GoDuration {
    GoDuration::from_secs(1)
}
fn default_query_timeout() -> GoDuration {
    GoDuration::from_secs(10)
}
fn default_max_open_conn() -> u32 {
    2
}

/// The receiver's config section.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SqlQueryConfig {
    /// `postgres` | `postgresql` | `mysql` | `mariadb`.
    #[serde(default)]
    pub driver: String,
    /// URL, libpq key=value string (postgres) or Go DSN `user:pass@tcp(host:port)/db` (mysql).
    #[serde(default)]
    pub datasource: String,
    #[serde(default = "default_interval")]
    pub collection_interval: GoDuration,
    #[serde(default = "default_initial_delay")]
    pub initial_delay: GoDuration,
    /// Statement timeout for every query, enforced by the server and by the client (+1s grace).
    #[serde(default = "default_query_timeout", alias = "timeout")]
    #[schemars(extend("x-aliases" = ["timeout"]))]
    pub query_timeout: GoDuration,
    /// Cap on connections; queries run one after another on one long-lived connection, so one is used.
    #[serde(default = "default_max_open_conn")]
    pub max_open_conn: u32,
    /// Accepted for compatibility with contrib configs; tracking values are kept in memory only.
    #[serde(default)]
    pub storage: Option<String>,
    /// dbintel's one TLS section (Collector `configtls` keys), combined with the datasource's own
    /// TLS options (`sslmode`, `sslrootcert`, `ssl-mode`, `tls`, ...).
    #[serde(default)]
    pub tls: Option<dbintel_tls::TlsClientConfig>,
    #[serde(default)]
    pub telemetry: TelemetryConfig,
    #[serde(default)]
    pub queries: Vec<QueryConfig>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TelemetryConfig {
    #[serde(default)]
    pub logs: TelemetryLogsConfig,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TelemetryLogsConfig {
    /// Log each executed statement at info level.
    #[serde(default)]
    pub query: bool,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryConfig {
    /// The statement; required. Runs every `collection_interval` on the receiver's one connection.
    #[serde(default)]
    pub sql: String,
    /// One point per row for each metric.
    #[serde(default)]
    pub metrics: Vec<MetricConfig>,
    /// One log record per row for each entry.
    #[serde(default)]
    pub logs: Vec<LogConfig>,
    /// Logs-only queries: the column whose last value is bound as the next run's `$1`/`?`.
    #[serde(default)]
    pub tracking_column: Option<String>,
    /// A string or a number; bound as text and converted by the server.
    #[serde(default)]
    pub tracking_start_value: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricConfig {
    /// The metric's name; required.
    #[serde(default)]
    pub metric_name: String,
    /// The column holding the value; required.
    #[serde(default)]
    pub value_column: String,
    /// Columns turned into point attributes (as text; NULL becomes `""`).
    #[serde(default)]
    pub attribute_columns: Vec<String>,
    /// `gauge` (default) | `sum`.
    #[serde(default)]
    pub data_type: Option<String>,
    /// `int` (default) | `double`.
    #[serde(default)]
    pub value_type: Option<String>,
    /// Sums only: the sum is monotonic.
    #[serde(default)]
    pub monotonic: bool,
    /// The key of older contrib releases: `true` meant a monotonic cumulative sum.
    #[serde(default)]
    pub is_monotonic: Option<bool>,
    /// `cumulative` (default for sums) | `delta`; sums only.
    #[serde(default)]
    pub aggregation: Option<String>,
    /// The metric's unit (UCUM, e.g. `By`, `{connection}`).
    #[serde(default)]
    pub unit: String,
    /// The metric's description.
    #[serde(default)]
    pub description: String,
    /// Attributes added to every point, as given.
    #[serde(default)]
    pub static_attributes: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// The column holding the log body; required (a NULL body skips the record).
    #[serde(default)]
    pub body_column: String,
    /// Columns turned into log attributes.
    #[serde(default)]
    pub attribute_columns: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// The resolved plan

#[derive(Debug, Clone)]
pub struct Plan {
    pub driver: Driver,
    /// `mariadb` when the driver was given as `mariadb` (refined from the server version at connect).
    pub declared_mariadb: bool,
    pub datasource: DataSource,
    pub collection_interval: Duration,
    pub initial_delay: Duration,
    pub query_timeout: Duration,
    pub max_open_conn: u32,
    pub log_queries: bool,
    pub storage: Option<String>,
    pub queries: Vec<QueryPlan>,
}

#[derive(Debug, Clone)]
pub struct QueryPlan {
    pub sql: String,
    pub metrics: Vec<MetricPlan>,
    pub logs: Vec<LogPlan>,
    pub tracking: Option<Tracking>,
}

#[derive(Debug, Clone)]
pub struct Tracking {
    pub column: String,
    pub start_value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Gauge,
    Sum { temporality: Temporality, monotonic: bool },
}

#[derive(Debug, Clone)]
pub struct MetricPlan {
    pub name: String,
    pub value_column: String,
    pub attribute_columns: Vec<String>,
    pub kind: MetricKind,
    pub value_type: ValueType,
    pub unit: String,
    pub description: String,
    pub static_attributes: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct LogPlan {
    pub body_column: String,
    pub attribute_columns: Vec<String>,
}

fn scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn check_columns(path: &str, cols: &[String], problems: &mut Vec<ConfigProblem>) {
    for (i, c) in cols.iter().enumerate() {
        if c.trim().is_empty() {
            problems.push(ConfigProblem::new(format!("{path}[{i}]"), "column name must not be empty"));
        }
    }
}

impl SqlQueryConfig {
    /// Checks everything and resolves the config; returns every problem found, with its key path.
    pub fn resolve(&self) -> Result<Plan, Vec<ConfigProblem>> {
        let mut problems = Vec::new();
        let p = &mut problems;

        let driver = if self.driver.trim().is_empty() {
            p.push(ConfigProblem::new("driver", "required: set `postgres` or `mysql` (also `mariadb`)"));
            None
        } else {
            let d = Driver::parse(&self.driver);
            if d.is_none() {
                p.push(ConfigProblem::new(
                    "driver",
                    format!(
                        "unknown driver `{}`: this build supports `postgres` (`postgresql`) and `mysql` (`mariadb`)",
                        self.driver
                    ),
                ));
            }
            d
        };
        let datasource = match driver {
            _ if self.datasource.trim().is_empty() => {
                p.push(ConfigProblem::new(
                    "datasource",
                    "required: e.g. `postgres://user:pass@host:5432/db?sslmode=disable` or \
                     `user:pass@tcp(host:3306)/db`",
                ));
                None
            }
            Some(d) => match DataSource::parse_with_tls(d, &self.datasource, self.tls.as_ref()) {
                Ok(ds) => {
                    let before = p.len();
                    if let Some(t) = &self.tls {
                        p.extend(t.problems().into_iter().map(|x| ConfigProblem::new(x.path, x.message)));
                        if d == Driver::Postgres && t.server_name_override.is_some() {
                            p.push(ConfigProblem::new(
                                "tls.server_name_override",
                                "not supported for PostgreSQL: the certificate is checked against `host`; to \
                                 connect by address, put the certificate's name in `host` and the address in \
                                 `hostaddr`",
                            ));
                        }
                    }
                    let tls = ds.tls();
                    if tls.mode != dbintel_dbclient::SslMode::Disable {
                        let files = tls.config.file_problems();
                        let files_ok = files.is_empty();
                        // A file the datasource named is reported under `datasource` by its own key.
                        let section = self.tls.clone().unwrap_or_default();
                        p.extend(files.into_iter().map(|x| {
                            let from_section = match x.path.as_str() {
                                "tls.ca_file" => section.ca_file.is_some(),
                                "tls.cert_file" => section.cert_file.is_some(),
                                "tls.key_file" => section.key_file.is_some(),
                                _ => true,
                            };
                            if from_section {
                                return ConfigProblem::new(x.path, x.message);
                            }
                            let key = match (d, x.path.as_str()) {
                                (Driver::Postgres, "tls.ca_file") => "sslrootcert",
                                (Driver::Postgres, "tls.cert_file") => "sslcert",
                                (Driver::Postgres, _) => "sslkey",
                                (Driver::Mysql, "tls.ca_file") => "ssl-ca",
                                (Driver::Mysql, "tls.cert_file") => "ssl-cert",
                                (Driver::Mysql, _) => "ssl-key",
                            };
                            ConfigProblem::new(format!("datasource.{key}"), x.message)
                        }));
                        // Certificates and keys that exist but cannot be used are reported now too.
                        if files_ok && p.len() == before {
                            let built = match d {
                                Driver::Postgres => tls.pg_connector().map(drop),
                                Driver::Mysql => tls.mysql_ssl_opts().map(drop),
                            };
                            if let Err(e) = built {
                                p.push(ConfigProblem::new("tls", e.to_string()));
                            }
                        }
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
            ("query_timeout", self.query_timeout.get(), ranges::STATEMENT_TIMEOUT),
        ]));
        if self.max_open_conn == 0 {
            p.push(ConfigProblem::new("max_open_conn", "must be at least 1"));
        }
        if self.queries.is_empty() {
            p.push(ConfigProblem::new("queries", "at least one query is required"));
        }
        if self.queries.len() > MAX_QUERIES {
            p.push(ConfigProblem::new("queries", format!("at most {MAX_QUERIES} queries per receiver")));
        }

        let mut queries = Vec::with_capacity(self.queries.len());
        for (qi, q) in self.queries.iter().enumerate() {
            if let Some(plan) = resolve_query(&format!("queries[{qi}]"), q, driver, p) {
                queries.push(plan);
            }
        }

        match (driver, datasource) {
            (Some(driver), Some(datasource)) if problems.is_empty() => Ok(Plan {
                driver,
                declared_mariadb: self.driver.trim().eq_ignore_ascii_case("mariadb"),
                datasource,
                collection_interval: self.collection_interval.get(),
                initial_delay: self.initial_delay.get(),
                query_timeout: self.query_timeout.get(),
                max_open_conn: self.max_open_conn,
                log_queries: self.telemetry.logs.query,
                storage: self.storage.clone(),
                queries,
            }),
            _ => Err(problems),
        }
    }
}

fn resolve_query(
    path: &str,
    q: &QueryConfig,
    driver: Option<Driver>,
    p: &mut Vec<ConfigProblem>,
) -> Option<QueryPlan> {
    let before = p.len();
    if q.sql.trim().is_empty() {
        p.push(ConfigProblem::new(format!("{path}.sql"), "required: the SQL statement to run"));
    }
    if q.metrics.is_empty() && q.logs.is_empty() {
        p.push(ConfigProblem::new(path, "each query needs at least one entry in `metrics` or `logs`"));
    }
    if q.metrics.len() > MAX_ITEMS_PER_QUERY || q.logs.len() > MAX_ITEMS_PER_QUERY {
        p.push(ConfigProblem::new(path, format!("at most {MAX_ITEMS_PER_QUERY} metrics and logs per query")));
    }
    let mut metrics = Vec::with_capacity(q.metrics.len());
    for (mi, m) in q.metrics.iter().enumerate() {
        if let Some(plan) = resolve_metric(&format!("{path}.metrics[{mi}]"), m, p) {
            metrics.push(plan);
        }
    }
    let mut logs = Vec::with_capacity(q.logs.len());
    for (li, l) in q.logs.iter().enumerate() {
        let lp = format!("{path}.logs[{li}]");
        if l.body_column.trim().is_empty() {
            p.push(ConfigProblem::new(
                format!("{lp}.body_column"),
                "required: the column holding the log body",
            ));
        }
        check_columns(&format!("{lp}.attribute_columns"), &l.attribute_columns, p);
        logs.push(LogPlan {
            body_column: l.body_column.clone(),
            attribute_columns: l.attribute_columns.clone(),
        });
    }

    let tracking = match &q.tracking_column {
        None => {
            if q.tracking_start_value.is_some() {
                p.push(ConfigProblem::new(
                    format!("{path}.tracking_start_value"),
                    "is only used together with `tracking_column`",
                ));
            }
            None
        }
        Some(col) => {
            if col.trim().is_empty() {
                p.push(ConfigProblem::new(format!("{path}.tracking_column"), "must not be empty"));
            }
            if q.logs.is_empty() || !q.metrics.is_empty() {
                p.push(ConfigProblem::new(
                    format!("{path}.tracking_column"),
                    "is supported for logs only: use it in a query that has `logs` and no `metrics`",
                ));
            }
            let placeholder = match driver {
                Some(Driver::Postgres) => Some(("$1", "`$1` (write `$$1` in YAML: `$` is the env escape)")),
                Some(Driver::Mysql) => Some(("?", "`?`")),
                None => None,
            };
            if let Some((ph, hint)) = placeholder
                && !q.sql.trim().is_empty()
                && !q.sql.contains(ph)
            {
                p.push(ConfigProblem::new(
                    format!("{path}.sql"),
                    format!(
                        "a query with `tracking_column` must use the placeholder {hint} for the last tracked \
                         value, e.g. `WHERE id > {ph} ORDER BY id`"
                    ),
                ));
            }
            let start_value = match &q.tracking_start_value {
                None => String::new(),
                Some(v) => match scalar_text(v) {
                    Some(s) => s,
                    None => {
                        p.push(ConfigProblem::new(
                            format!("{path}.tracking_start_value"),
                            "must be a string or a number",
                        ));
                        String::new()
                    }
                },
            };
            Some(Tracking { column: col.clone(), start_value })
        }
    };
    (p.len() == before).then(|| QueryPlan { sql: q.sql.clone(), metrics, logs, tracking })
}

fn resolve_metric(path: &str, m: &MetricConfig, p: &mut Vec<ConfigProblem>) -> Option<MetricPlan> {
    let before = p.len();
    if m.metric_name.trim().is_empty() {
        p.push(ConfigProblem::new(format!("{path}.metric_name"), "required"));
    }
    if m.value_column.trim().is_empty() {
        p.push(ConfigProblem::new(format!("{path}.value_column"), "required: the column holding the value"));
    }
    check_columns(&format!("{path}.attribute_columns"), &m.attribute_columns, p);
    let is_sum = match m.data_type.as_deref().map(|s| s.trim().to_ascii_lowercase()) {
        // Older contrib releases had no data_type: `is_monotonic: true` made a monotonic sum.
        None => m.is_monotonic == Some(true),
        Some(s) if s == "gauge" => false,
        Some(s) if s == "sum" => true,
        Some(other) => {
            p.push(ConfigProblem::new(
                format!("{path}.data_type"),
                format!("unknown data_type `{other}`: use `gauge` or `sum`"),
            ));
            false
        }
    };
    let value_type = match m.value_type.as_deref().map(|s| s.trim().to_ascii_lowercase()) {
        None => ValueType::Int,
        Some(s) if s == "int" => ValueType::Int,
        Some(s) if s == "double" => ValueType::Double,
        Some(other) => {
            p.push(ConfigProblem::new(
                format!("{path}.value_type"),
                format!("unknown value_type `{other}`: use `int` or `double`"),
            ));
            ValueType::Int
        }
    };
    let temporality = match m.aggregation.as_deref().map(|s| s.trim().to_ascii_lowercase()) {
        None => Temporality::Cumulative,
        Some(a) if !is_sum => {
            p.push(ConfigProblem::new(
                format!("{path}.aggregation"),
                format!(
                    "`aggregation: {a}` applies to `data_type: sum` only; remove it or set data_type: sum"
                ),
            ));
            Temporality::Cumulative
        }
        Some(s) if s == "cumulative" => Temporality::Cumulative,
        Some(s) if s == "delta" => Temporality::Delta,
        Some(other) => {
            p.push(ConfigProblem::new(
                format!("{path}.aggregation"),
                format!("unknown aggregation `{other}`: use `cumulative` or `delta`"),
            ));
            Temporality::Cumulative
        }
    };
    let mut static_attributes = Vec::with_capacity(m.static_attributes.len());
    for (k, v) in &m.static_attributes {
        match scalar_text(v) {
            Some(s) => static_attributes.push((k.clone(), s)),
            None => p.push(ConfigProblem::new(
                format!("{path}.static_attributes.{k}"),
                "must be a string, number or boolean",
            )),
        }
    }
    let kind = if is_sum {
        MetricKind::Sum { temporality, monotonic: m.monotonic || m.is_monotonic == Some(true) }
    } else {
        MetricKind::Gauge
    };
    (p.len() == before).then(|| MetricPlan {
        name: m.metric_name.clone(),
        value_column: m.value_column.clone(),
        attribute_columns: m.attribute_columns.clone(),
        kind,
        value_type,
        unit: m.unit.clone(),
        description: m.description.clone(),
        static_attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: serde_json::Value) -> SqlQueryConfig {
        dbintel_core::parse_component_config(&v).unwrap()
    }

    #[test]
    fn older_contrib_is_monotonic_makes_a_monotonic_sum() {
        let c = parse(json!({
            "driver": "postgres",
            "datasource": "postgres://u:p@localhost/db",
            "queries": [{"sql": "select 1 as v", "metrics": [
                {"metric_name": "m", "value_column": "v", "is_monotonic": true},
                {"metric_name": "g", "value_column": "v", "is_monotonic": false}
            ]}]
        }));
        let plan = c.resolve().unwrap();
        assert!(matches!(
            plan.queries[0].metrics[0].kind,
            MetricKind::Sum { temporality: Temporality::Cumulative, monotonic: true }
        ));
        assert_eq!(plan.queries[0].metrics[1].kind, MetricKind::Gauge);
    }

    #[test]
    fn defaults_follow_contrib() {
        let c = parse(json!({
            "driver": "postgres",
            "datasource": "postgres://u:p@localhost/db",
            "queries": [{"sql": "select 1 as v", "metrics": [{"metric_name": "m", "value_column": "v"}]}]
        }));
        let plan = c.resolve().unwrap();
        assert_eq!(plan.collection_interval, Duration::from_secs(10));
        assert_eq!(plan.initial_delay, Duration::from_secs(1));
        assert_eq!(plan.query_timeout, Duration::from_secs(10));
        assert_eq!(plan.max_open_conn, 2);
        let m = &plan.queries[0].metrics[0];
        assert_eq!(m.kind, MetricKind::Gauge);
        assert_eq!(m.value_type, ValueType::Int);
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let c = parse(json!({
            "driver": "postgres",
            "datasource": "postgres://u:hunter2@localhost:notaport/db",
            "collection_interval": "0s",
            "queries": [
                {"sql": "", "metrics": [{"metric_name": "", "value_column": "v"}]},
                {"sql": "select 1", "metrics": [
                    {"metric_name": "a", "value_column": "v", "aggregation": "delta"},
                    {"metric_name": "b", "value_column": "", "data_type": "histogram", "value_type": "float"}
                ]},
                {"sql": "select 1"},
                {"sql": "select * from t", "tracking_column": "id",
                 "metrics": [{"metric_name": "c", "value_column": "v"}]}
            ]
        }));
        let problems = c.resolve().unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let want = [
            "datasource: ",
            "collection_interval: too short: use 100ms to 24h",
            "queries[0].sql: required",
            "queries[0].metrics[0].metric_name: required",
            "queries[1].metrics[0].aggregation: `aggregation: delta` applies to `data_type: sum` only",
            "queries[1].metrics[1].value_column: required",
            "queries[1].metrics[1].data_type: unknown data_type `histogram`",
            "queries[1].metrics[1].value_type: unknown value_type `float`",
            "queries[2]: each query needs at least one entry in `metrics` or `logs`",
            "queries[3].tracking_column: is supported for logs only",
            "queries[3].sql: a query with `tracking_column` must use the placeholder `$1`",
        ];
        for w in want {
            assert!(text.iter().any(|t| t.starts_with(w)), "missing `{w}` in {text:#?}");
        }
        assert_eq!(text.len(), want.len(), "{text:#?}");
        assert!(text.iter().all(|t| !t.contains("hunter2")));
    }

    #[test]
    fn unknown_driver_and_missing_fields() {
        let c = parse(json!({"driver": "oracle", "queries": []}));
        let text: Vec<String> = c.resolve().unwrap_err().iter().map(ToString::to_string).collect();
        assert!(text[0].starts_with("driver: unknown driver `oracle`"), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("datasource: required")));
        assert!(text.iter().any(|t| t.starts_with("queries: at least one query")));
    }

    #[test]
    fn logs_with_tracking_and_sum_kinds() {
        let c = parse(json!({
            "driver": "mariadb",
            "datasource": "mon:pw@tcp(localhost:3306)/db",
            "queries": [
                {"sql": "select id, msg from t where id > ? order by id", "tracking_column": "id",
                 "tracking_start_value": 0, "logs": [{"body_column": "msg"}]},
                {"sql": "select 1 as v", "metrics": [
                    {"metric_name": "s", "value_column": "v", "data_type": "sum", "monotonic": true,
                     "aggregation": "delta", "value_type": "double", "static_attributes": {"env": "prod", "n": 3}}
                ]}
            ]
        }));
        let plan = c.resolve().unwrap();
        assert!(plan.declared_mariadb);
        let t = plan.queries[0].tracking.as_ref().unwrap();
        assert_eq!((t.column.as_str(), t.start_value.as_str()), ("id", "0"));
        let m = &plan.queries[1].metrics[0];
        assert_eq!(m.kind, MetricKind::Sum { temporality: Temporality::Delta, monotonic: true });
        assert_eq!(m.static_attributes, vec![("env".into(), "prod".into()), ("n".into(), "3".into())]);
    }

    #[test]
    fn unknown_keys_are_rejected_with_path() {
        let v = json!({"driver": "mysql", "datasource": "x/y", "queries": [{"sql": "s", "metricz": []}]});
        let e = dbintel_core::parse_component_config::<SqlQueryConfig>(&v).unwrap_err();
        assert!(e.path.starts_with("queries[0]"), "{e}");
    }

    #[test]
    fn tls_problems_name_the_key_the_user_wrote() {
        let q = json!([{"sql": "select 1 as v", "metrics": [{"metric_name": "m", "value_column": "v"}]}]);
        let problems = |driver: &str, dsn: &str, tls: serde_json::Value| -> Vec<String> {
            let mut v = json!({"driver": driver, "datasource": dsn, "queries": q.clone()});
            if !tls.is_null() {
                v["tls"] = tls;
            }
            parse(v).resolve().err().unwrap_or_default().iter().map(|p| p.path.clone()).collect()
        };
        let p =
            problems("postgres", "host=db sslmode=verify-full sslrootcert=/nonexistent/ca.pem", json!(null));
        assert_eq!(p, vec!["datasource.sslrootcert"]);
        let p = problems(
            "mysql",
            "mysql://u@db/d?ssl-mode=VERIFY_IDENTITY&ssl-ca=/nonexistent/ca.pem",
            json!(null),
        );
        assert_eq!(p, vec!["datasource.ssl-ca"]);
        // go-sql-driver's form wants option values URL-escaped (a `/` starts the database name).
        let p = problems("mysql", "u@tcp(db)/d?tls=true&ssl-ca=%2Fnonexistent%2Fca.pem", json!(null));
        assert_eq!(p, vec!["datasource.ssl-ca"]);
        let p =
            problems("mysql", "u@tcp(db)/d", json!({"ca_file": "/nonexistent/ca.pem", "min_version": "1.1"}));
        assert!(p.contains(&"tls.min_version".to_string()), "{p:?}");
        let p = problems("mysql", "u@tcp(db)/d", json!({"ca_file": "/nonexistent/ca.pem"}));
        assert_eq!(p, vec!["tls.ca_file"]);
        let p = problems("postgres", "host=db", json!({"server_name_override": "db.example"}));
        assert_eq!(p, vec!["tls.server_name_override"]);
        assert!(problems("mysql", "u@tcp(db)/d", json!({"server_name_override": "db.example"})).is_empty());
        // A mode the datasource does not know is reported under `datasource`.
        assert_eq!(problems("postgres", "host=db sslmode=verify_full", json!(null)), vec!["datasource"]);
    }
}
