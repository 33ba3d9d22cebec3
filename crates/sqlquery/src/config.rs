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
#[derive(Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SqlQueryConfig {
    /// `postgres` | `postgresql` | `mysql` | `mariadb`.
    #[serde(default)]
    pub driver: String,
    /// URL, libpq key=value string (postgres) or Go DSN `user:pass@tcp(host:port)/db` (mysql).
    /// Or leave it out and give `host`, `port`, `database`, `username`, `password`,
    /// `additional_params` (not both).
    #[serde(default)]
    pub datasource: String,
    /// Without `datasource`: the server's host name or address (a PostgreSQL socket directory
    /// starts with `/`).
    #[serde(default)]
    pub host: Option<String>,
    /// Without `datasource`: the server's port (required, as in contrib).
    #[serde(default)]
    pub port: Option<u16>,
    /// Without `datasource`: the database to connect to (required, as in contrib).
    #[serde(default)]
    pub database: Option<String>,
    /// Without `datasource`: the user name (any characters; escaped for the driver).
    #[serde(default)]
    pub username: Option<String>,
    /// Without `datasource`: the password (any characters; escaped for the driver, never logged).
    #[serde(default)]
    pub password: Option<String>,
    /// Without `datasource`: further driver options, as the datasource's query parameters
    /// (`sslmode: disable`, `connect_timeout: 5`; MySQL `tls: skip-verify`, `ssl-ca: /ca.pem`).
    #[serde(default)]
    pub additional_params: BTreeMap<String, serde_json::Value>,
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
    /// A `file_storage` extension (`file_storage` or `file_storage/<name>`) where each tracking
    /// query's last value is kept, so a restart neither re-reads nor skips rows.
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

impl std::fmt::Debug for SqlQueryConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let params: BTreeMap<&str, String> = self
            .additional_params
            .iter()
            .map(|(k, v)| {
                let shown = if crate::dsn::is_password_key(k) { "***".to_string() } else { v.to_string() };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("SqlQueryConfig")
            .field("driver", &self.driver)
            .field("datasource", &crate::dsn::redact(&self.datasource))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("additional_params", &params)
            .field("storage", &self.storage)
            .field("queries", &self.queries)
            .finish_non_exhaustive()
    }
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
    #[serde(default, alias = "query")]
    #[schemars(extend("x-aliases" = ["query"]))]
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
    /// NULLs in this query's result are expected: points, records and timestamps they make
    /// impossible are skipped without a warning and are not counted as invalid values.
    #[serde(default)]
    pub ignore_null_values: bool,
    /// Accepted and ignored (the prototype's key; the Collector's sqlquery has none): every query
    /// runs at the receiver's `collection_interval`. `validate` warns when set.
    #[serde(default)]
    #[schemars(extend("x-ignored" = true))]
    pub collection_interval: Option<serde_json::Value>,
    /// Accepted and ignored (the prototype's key; the Collector's sqlquery has none): resource
    /// attributes come from the `resource` processor; put per-row values in `attribute_columns`.
    /// `validate` warns when set.
    #[serde(default)]
    #[schemars(extend("x-ignored" = true))]
    pub resource_attributes: Option<serde_json::Value>,
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
    #[serde(default, alias = "attributes")]
    #[schemars(extend("x-aliases" = ["attributes"]))]
    pub attribute_columns: Vec<String>,
    /// `gauge` (default) | `sum`.
    #[serde(default, alias = "data_point_type")]
    #[schemars(extend("x-aliases" = ["data_point_type"]))]
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
    /// The prototype's key; not supported (the Collector's sqlquery has none): compute the value
    /// in the SQL (`SELECT 1 AS one`) and name its column in `value_column`. A config error.
    #[serde(default)]
    pub value_expression: Option<String>,
    /// The metric's unit (UCUM, e.g. `By`, `{connection}`).
    #[serde(default)]
    pub unit: String,
    /// The metric's description.
    #[serde(default)]
    pub description: String,
    /// Attributes added to every point, as given.
    #[serde(default)]
    pub static_attributes: BTreeMap<String, serde_json::Value>,
    /// A column holding each point's timestamp, in nanoseconds since the Unix epoch (contrib);
    /// default: the scrape time.
    #[serde(default)]
    pub ts_column: Option<String>,
    /// A column holding each point's start timestamp, in nanoseconds since the Unix epoch
    /// (contrib); default: the receiver's start (cumulative sums) or the previous scrape (delta).
    #[serde(default)]
    pub start_ts_column: Option<String>,
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
    /// The prototype's form: attribute name to column (`duration_ms: mean_time`); each column's
    /// value (as text) becomes the named attribute.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
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
    /// Accepted settings that are likely mistakes (logged when the receiver starts), with key paths.
    pub warnings: Vec<ConfigProblem>,
}

#[derive(Debug, Clone)]
pub struct QueryPlan {
    pub sql: String,
    pub metrics: Vec<MetricPlan>,
    pub logs: Vec<LogPlan>,
    pub tracking: Option<Tracking>,
    /// `ignore_null_values`: NULLs are skipped silently.
    pub ignore_nulls: bool,
}

#[derive(Debug, Clone)]
pub struct Tracking {
    pub column: String,
    pub start_value: String,
}

impl QueryPlan {
    /// What identifies a tracking query's stored value across restarts: its SQL and tracking
    /// column (a changed query starts from `tracking_start_value` again; reordering queries does not
    /// matter).
    pub fn tracking_key(&self) -> Option<String> {
        self.tracking.as_ref().map(|t| format!("{}\u{0}{}", t.column, self.sql))
    }
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
    /// `ts_column`: the point's timestamp (ns since the epoch) from this column.
    pub ts_column: Option<String>,
    /// `start_ts_column`: the point's start timestamp (ns since the epoch) from this column.
    pub start_ts_column: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LogPlan {
    pub body_column: String,
    pub attribute_columns: Vec<String>,
    /// `(attribute name, column)` from `attributes`.
    pub renamed_attributes: Vec<(String, String)>,
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
    /// The prototype's per-query keys that are accepted without effect, each with its path.
    pub fn ignored_query_keys(&self) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        for (i, q) in self.queries.iter().enumerate() {
            if q.collection_interval.is_some() {
                out.push(ConfigProblem::new(
                    format!("queries[{i}].collection_interval"),
                    "the prototype's per-query interval; every query runs at the receiver's `collection_interval`",
                ));
            }
            if q.resource_attributes.is_some() {
                out.push(ConfigProblem::new(
                    format!("queries[{i}].resource_attributes"),
                    "the prototype's per-query resource attributes; use `attribute_columns` for per-row values \
                     and the `resource` processor for fixed ones",
                ));
            }
        }
        out
    }

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
        let (dsn_text, dsn_path) = match self.connection_text(driver, p) {
            Some((text, path)) => (text, path),
            None => (String::new(), "datasource"),
        };
        let datasource = match driver {
            _ if dsn_text.trim().is_empty() => None,
            Some(d) => match DataSource::parse_with_tls(d, &dsn_text, self.tls.as_ref()) {
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
                    p.push(ConfigProblem::new(dsn_path, e.to_string()));
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

        let mut warnings = Vec::new();
        let mut queries = Vec::with_capacity(self.queries.len());
        for (qi, q) in self.queries.iter().enumerate() {
            if let Some(plan) = resolve_query(&format!("queries[{qi}]"), q, driver, p, &mut warnings) {
                queries.push(plan);
            }
        }
        if let Some(s) = &self.storage
            && let Err(e) = storage_id(s)
        {
            p.push(e);
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
                warnings,
            }),
            _ => Err(problems),
        }
    }

    /// The datasource to parse, and the key its problems are reported under: `datasource` as
    /// written, or one built from the structured keys (`host`, `port`, `database`, `username`,
    /// `password`, `additional_params`), each value escaped for the driver. The two ways are
    /// exclusive, as in contrib. `None` (with the problems pushed) when neither is usable.
    fn connection_text(
        &self,
        driver: Option<Driver>,
        p: &mut Vec<ConfigProblem>,
    ) -> Option<(String, &'static str)> {
        let structured: [(&str, bool); 6] = [
            ("host", self.host.is_some()),
            ("port", self.port.is_some()),
            ("database", self.database.is_some()),
            ("username", self.username.is_some()),
            ("password", self.password.is_some()),
            ("additional_params", !self.additional_params.is_empty()),
        ];
        if !self.datasource.trim().is_empty() {
            for (key, set) in structured {
                if set {
                    p.push(ConfigProblem::new(
                        key,
                        "cannot be set together with `datasource`: use either `datasource` or the \
                         connection keys (host, port, database, username, password, additional_params)",
                    ));
                }
            }
            return Some((self.datasource.clone(), "datasource"));
        }
        let Some(host) = self.host.as_deref().map(str::trim).filter(|h| !h.is_empty()) else {
            p.push(ConfigProblem::new(
                "datasource",
                "required: e.g. `postgres://user:pass@host:5432/db?sslmode=disable` or \
                 `user:pass@tcp(host:3306)/db`; or give `host`, `port` and `database`",
            ));
            return None;
        };
        let before = p.len();
        let port = match self.port {
            Some(0) | None => {
                p.push(ConfigProblem::new("port", "required with `host` (1-65535), as in contrib"));
                0
            }
            Some(port) => port,
        };
        let database = self.database.as_deref().unwrap_or_default();
        if database.trim().is_empty() {
            p.push(ConfigProblem::new("database", "required with `host`: the database to connect to"));
        }
        let socket = host.starts_with('/');
        if socket && driver == Some(Driver::Mysql) {
            p.push(ConfigProblem::new(
                "host",
                "a socket path works with PostgreSQL only; for MySQL use `datasource: user@unix(/path)/db`",
            ));
        } else if !socket && host.contains(['@', '/', '?', '#', ' ', '[', ']']) {
            p.push(ConfigProblem::new("host", "must be a host name or an IP address"));
        }
        let mut params = Vec::with_capacity(self.additional_params.len());
        for (k, v) in &self.additional_params {
            match scalar_text(v) {
                Some(text) if !k.trim().is_empty() => params.push((k.as_str(), text)),
                Some(_) => {
                    p.push(ConfigProblem::new("additional_params", "a parameter name must not be empty"))
                }
                None => p.push(ConfigProblem::new(
                    format!("additional_params.{k}"),
                    "must be a string, number or boolean",
                )),
            }
        }
        let driver = driver?;
        if p.len() > before {
            return None;
        }
        let text = crate::dsn::build_url(
            driver,
            host,
            port,
            database,
            self.username.as_deref(),
            self.password.as_deref(),
            &params,
        );
        let path = if params.is_empty() { "host" } else { "additional_params" };
        Some((text, path))
    }
}

/// A `storage` value: the ID of a `file_storage` extension.
pub fn storage_id(s: &str) -> Result<dbintel_core::ComponentId, ConfigProblem> {
    let problem = |m: String| ConfigProblem::new("storage", m);
    let id: dbintel_core::ComponentId = s.trim().parse().map_err(|e| problem(format!("`{s}`: {e}")))?;
    if id.type_name() != "file_storage" {
        return Err(problem(format!(
            "`{s}` is not a file_storage extension (tracking values are kept in a `file_storage` directory)"
        )));
    }
    Ok(id)
}

fn resolve_query(
    path: &str,
    q: &QueryConfig,
    driver: Option<Driver>,
    p: &mut Vec<ConfigProblem>,
    warnings: &mut Vec<ConfigProblem>,
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
        if let Some(plan) = resolve_metric(&format!("{path}.metrics[{mi}]"), m, p, warnings) {
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
        for (name, column) in &l.attributes {
            if name.trim().is_empty() || column.trim().is_empty() {
                p.push(ConfigProblem::new(
                    format!("{lp}.attributes"),
                    "attribute names and column names must not be empty",
                ));
            }
        }
        logs.push(LogPlan {
            body_column: l.body_column.clone(),
            attribute_columns: l.attribute_columns.clone(),
            renamed_attributes: l.attributes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
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
            // A warning, not an error: contrib's own configs pair `driver: postgres` with `?`; the
            // server then refuses the statement, which is reported with a hint at every streak.
            if let Some((ph, hint)) = placeholder
                && !q.sql.trim().is_empty()
                && !q.sql.contains(ph)
            {
                warnings.push(ConfigProblem::new(
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
    (p.len() == before).then(|| QueryPlan {
        sql: q.sql.clone(),
        metrics,
        logs,
        tracking,
        ignore_nulls: q.ignore_null_values,
    })
}

fn resolve_metric(
    path: &str,
    m: &MetricConfig,
    p: &mut Vec<ConfigProblem>,
    warnings: &mut Vec<ConfigProblem>,
) -> Option<MetricPlan> {
    let before = p.len();
    if m.metric_name.trim().is_empty() {
        p.push(ConfigProblem::new(format!("{path}.metric_name"), "required"));
    }
    if m.value_expression.is_some() {
        p.push(ConfigProblem::new(
            format!("{path}.value_expression"),
            "not supported (the Collector's sqlquery has no such key): compute the value in the SQL \
             (`SELECT ... AS v`) and name that column in `value_column`",
        ));
    } else if m.value_column.trim().is_empty() {
        p.push(ConfigProblem::new(format!("{path}.value_column"), "required: the column holding the value"));
    }
    check_columns(&format!("{path}.attribute_columns"), &m.attribute_columns, p);
    let explicit_gauge = m.data_type.as_deref().is_some_and(|s| s.trim().eq_ignore_ascii_case("gauge"));
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
        Some(a) if !is_sum && !matches!(a.as_str(), "cumulative" | "delta") => {
            p.push(ConfigProblem::new(
                format!("{path}.aggregation"),
                format!("unknown aggregation `{a}`: use `cumulative` or `delta`"),
            ));
            Temporality::Cumulative
        }
        Some(a) if explicit_gauge => {
            p.push(ConfigProblem::new(
                format!("{path}.aggregation"),
                format!(
                    "`aggregation: {a}` applies to `data_type: sum` only; remove it or set data_type: sum"
                ),
            ));
            Temporality::Cumulative
        }
        // contrib: without `data_type` the metric is a gauge and `aggregation` has no effect.
        Some(a) if !is_sum => {
            warnings.push(ConfigProblem::new(
                format!("{path}.aggregation"),
                format!(
                    "`aggregation: {a}` has no effect without `data_type: sum`: the metric is a gauge \
                     (contrib's default); set `data_type: sum` for a {a} sum"
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
    for (key, col) in [("ts_column", &m.ts_column), ("start_ts_column", &m.start_ts_column)] {
        if col.as_deref().is_some_and(|c| c.trim().is_empty()) {
            p.push(ConfigProblem::new(format!("{path}.{key}"), "column name must not be empty"));
        }
    }
    (p.len() == before).then(|| MetricPlan {
        name: m.metric_name.clone(),
        value_column: m.value_column.clone(),
        attribute_columns: m.attribute_columns.clone(),
        kind,
        value_type,
        unit: m.unit.clone(),
        description: m.description.clone(),
        static_attributes,
        ts_column: m.ts_column.clone(),
        start_ts_column: m.start_ts_column.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: serde_json::Value) -> SqlQueryConfig {
        dbintel_core::parse_component_config(&v).unwrap()
    }

    /// The prototype's keys (collector-ohi-migration.yaml, collector-querylens.yaml): aliases
    /// where the meaning is contrib's, ignored-with-a-warning where it has none, a named error
    /// where the config cannot work as written.
    #[test]
    fn the_prototypes_keys_load() {
        let c = parse(json!({
            "driver": "postgres",
            "datasource": "postgres://u:p@localhost/db",
            "queries": [
                {"query": "select 1 as v, 'q' as queryid",
                 "collection_interval": "30s",
                 "resource_attributes": [{"key": "db.querylens.queryid", "value_column": "queryid"}],
                 "metrics": [{"metric_name": "db.query.count", "value_column": "v", "value_type": "int",
                              "attributes": ["queryid"], "data_point_type": "sum", "monotonic": true}],
                 "logs": [{"body_column": "queryid", "attributes": {"query_id": "queryid"}}]}
            ]
        }));
        let plan = c.resolve().expect("valid");
        let q = &plan.queries[0];
        assert_eq!(q.sql, "select 1 as v, 'q' as queryid");
        assert_eq!(q.metrics[0].attribute_columns, vec!["queryid".to_string()]);
        assert_eq!(
            q.metrics[0].kind,
            MetricKind::Sum { temporality: Temporality::Cumulative, monotonic: true }
        );
        assert_eq!(q.logs[0].renamed_attributes, vec![("query_id".to_string(), "queryid".to_string())]);
        let ignored: Vec<String> = c.ignored_query_keys().iter().map(|p| p.path.clone()).collect();
        assert_eq!(ignored, ["queries[0].collection_interval", "queries[0].resource_attributes"]);

        let bad = parse(json!({
            "driver": "postgres",
            "datasource": "postgres://u:p@localhost/db",
            "queries": [{"sql": "select 1", "metrics": [
                {"metric_name": "db.querylens.plan.change_detected", "value_type": "int",
                 "value_expression": "1", "data_point_type": "sum"}
            ]}]
        }));
        let problems = bad.resolve().expect_err("value_expression is not supported");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "queries[0].metrics[0].value_expression");
        assert!(problems[0].message.contains("value_column"), "{}", problems[0].message);
        assert!(bad.ignored_query_keys().is_empty());
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
                    {"metric_name": "a", "value_column": "v", "data_type": "gauge", "aggregation": "delta"},
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

    fn resolve(v: serde_json::Value) -> Result<Plan, Vec<String>> {
        parse(v).resolve().map_err(|p| p.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn aggregation_without_data_type_is_a_gauge_with_a_warning() {
        let plan = resolve(json!({
            "driver": "postgres", "datasource": "host=db",
            "queries": [{"sql": "select 1 as v", "metrics": [
                {"metric_name": "m", "value_column": "v", "aggregation": "delta"}
            ]}]
        }))
        .unwrap();
        assert_eq!(plan.queries[0].metrics[0].kind, MetricKind::Gauge);
        assert_eq!(plan.warnings.len(), 1);
        assert_eq!(plan.warnings[0].path, "queries[0].metrics[0].aggregation");
        let e = resolve(json!({
            "driver": "postgres", "datasource": "host=db",
            "queries": [{"sql": "select 1 as v", "metrics": [
                {"metric_name": "m", "value_column": "v", "aggregation": "xyzcumulative"}
            ]}]
        }))
        .unwrap_err();
        assert!(e[0].contains("unknown aggregation `xyzcumulative`"), "{e:?}");
    }

    #[test]
    fn a_tracking_query_without_the_placeholder_is_a_warning() {
        // contrib's own testdata (config-logs-datasource-config.yaml) pairs postgres with `?`.
        let plan = resolve(json!({
            "driver": "postgres", "host": "localhost", "port": 5432, "database": "mydb",
            "username": "me", "password": "s3cr3t",
            "queries": [{"sql": "select * from test_logs where log_id > ?", "tracking_start_value": "10",
                         "tracking_column": "log_id",
                         "logs": [{"body_column": "log_body", "attribute_columns": ["a", "b"]}]}]
        }))
        .unwrap();
        assert_eq!(plan.warnings.len(), 1);
        assert!(plan.warnings[0].message.contains("`$1`"), "{:?}", plan.warnings);
    }

    #[test]
    fn structured_keys_build_an_escaped_datasource() {
        let password = "p@ss:w/rd?#&%' \\\"é";
        let user = "odd user@x";
        for driver in ["postgres", "mysql"] {
            let plan = resolve(json!({
                "driver": driver, "host": "db.example", "port": 6543, "database": "my db/x",
                "username": user, "password": password,
                "additional_params": {"connect_timeout": 5},
                "queries": [{"sql": "select 1 as v", "metrics": [{"metric_name": "m", "value_column": "v"}]}]
            }));
            let plan = match (driver, plan) {
                // tokio-postgres knows `connect_timeout`; MySQL's parser takes any parameter.
                (_, Ok(plan)) => plan,
                (d, Err(e)) => panic!("{d}: {e:?}"),
            };
            let t = plan.datasource.target();
            assert_eq!((t.host.as_str(), t.port), ("db.example", 6543), "{driver}");
            assert_eq!(t.user.as_deref(), Some(user), "{driver}");
            assert_eq!(t.password.as_deref(), Some(password), "{driver}");
            assert_eq!(t.database.as_deref(), Some("my db/x"), "{driver}");
        }
        // A PostgreSQL socket directory and an IPv6 address.
        let plan = resolve(json!({
            "driver": "postgres", "host": "/var/run/postgresql", "port": 5433, "database": "d",
            "queries": [{"sql": "select 1 as v", "metrics": [{"metric_name": "m", "value_column": "v"}]}]
        }))
        .unwrap();
        assert!(plan.datasource.target().socket);
        let plan = resolve(json!({
            "driver": "mysql", "host": "::1", "port": 3307, "database": "d",
            "queries": [{"sql": "select 1 as v", "metrics": [{"metric_name": "m", "value_column": "v"}]}]
        }))
        .unwrap();
        assert_eq!(plan.datasource.target().host, "::1");
        // TLS parameters work as in the datasource.
        let plan = resolve(json!({
            "driver": "postgres", "host": "db", "port": 5432, "database": "d",
            "additional_params": {"sslmode": "disable"},
            "queries": [{"sql": "select 1 as v", "metrics": [{"metric_name": "m", "value_column": "v"}]}]
        }))
        .unwrap();
        assert_eq!(plan.datasource.tls().mode, dbintel_dbclient::SslMode::Disable);
    }

    #[test]
    fn structured_keys_follow_contrib_rules() {
        let q = json!([{"sql": "select 1 as v", "metrics": [{"metric_name": "m", "value_column": "v"}]}]);
        let e = resolve(json!({
            "driver": "postgres", "datasource": "host=db", "host": "db", "password": "hunter2",
            "additional_params": {"sslmode": "disable"}, "queries": q.clone()
        }))
        .unwrap_err();
        for key in ["host:", "password:", "additional_params:"] {
            assert!(
                e.iter().any(|x| x.starts_with(key) && x.contains("together with `datasource`")),
                "{e:?}"
            );
        }
        assert!(e.iter().all(|x| !x.contains("hunter2")));
        let e = resolve(json!({"driver": "mysql", "host": "db", "queries": q.clone()})).unwrap_err();
        assert!(e.iter().any(|x| x.starts_with("port: required")), "{e:?}");
        assert!(e.iter().any(|x| x.starts_with("database: required")), "{e:?}");
        let e = resolve(json!({"driver": "mysql", "queries": q.clone()})).unwrap_err();
        assert!(e[0].starts_with("datasource: required") && e[0].contains("host"), "{e:?}");
        let e = resolve(json!({
            "driver": "postgres", "host": "db", "port": 5432, "database": "d",
            "additional_params": {"nested": {"x": 1}}, "queries": q
        }))
        .unwrap_err();
        assert!(e[0].starts_with("additional_params.nested: must be a string"), "{e:?}");
    }

    #[test]
    fn debug_hides_every_password() {
        let c = parse(json!({
            "driver": "postgres", "host": "db", "password": "hunter2secret",
            "additional_params": {"password": "hunter2secret"},
            "datasource": "postgres://u:hunter2secret@db/x",
            "queries": []
        }));
        let text = format!("{c:?}");
        assert!(!text.contains("hunter2secret"), "{text}");
    }

    #[test]
    fn storage_must_name_a_file_storage_extension() {
        let q = json!([{"sql": "select 1 as v", "metrics": [{"metric_name": "m", "value_column": "v"}]}]);
        let ok = resolve(
            json!({"driver": "postgres", "datasource": "host=db", "storage": "file_storage/x", "queries": q.clone()}),
        );
        assert_eq!(ok.unwrap().storage.as_deref(), Some("file_storage/x"));
        let e = resolve(
            json!({"driver": "postgres", "datasource": "host=db", "storage": "memory", "queries": q}),
        )
        .unwrap_err();
        assert!(e[0].starts_with("storage: `memory` is not a file_storage extension"), "{e:?}");
    }
}
