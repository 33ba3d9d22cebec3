//! Configuration of the `postgresql` receiver: the contrib receiver's keys and defaults, validated
//! into a [`Plan`]. Validation reports every problem it finds, each with its key path.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use dbintel_core::duration::ranges;
use dbintel_core::{ConfigProblem, GoDuration, check_durations};
use dbintel_dbclient::metrics::{MetricTable, UnknownMetric};
use serde::Deserialize;

use crate::metadata::{METRICS, MetricId};
use crate::query::{QuerySampleCollectionConfig, TopQueryCollectionConfig};

/// Databases monitored at most (each gets its own small pool); the rest are skipped with a warning.
pub const MAX_DATABASES: usize = 256;
/// Connections per database at most.
pub const MAX_POOL_SIZE: u32 = 8;

pub const EVENT_TOP_QUERY: &str = "db.server.top_query";
pub const EVENT_QUERY_SAMPLE: &str = "db.server.query_sample";

fn default_endpoint() -> String {
    "localhost:5432".to_string()
}
fn default_interval() -> GoDuration {
    GoDuration::from_secs(10)
}
fn default_initial_delay() -> GoDuration {
    GoDuration::from_secs(1)
}
fn default_timeout() -> GoDuration {
    GoDuration::from_secs(10)
}
fn default_true() -> bool {
    true
}

/// The receiver's config section (contrib keys).
#[derive(Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostgresqlConfig {
    /// `host:port`; for `transport: unix` the host is the socket directory.
    #[serde(default = "default_endpoint")]
    pub endpoint: String,
    /// `tcp` (default) or `unix`.
    #[serde(default)]
    pub transport: Option<String>,
    /// The role to connect as; required (a role with `pg_monitor` is enough).
    #[serde(default)]
    pub username: String,
    /// The role's password; never logged. Or `password_file`, not both.
    #[serde(default)]
    pub password: Option<String>,
    /// A file whose first line is the password (read at every new connection, so rotation works).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Databases to monitor; empty = every database that allows connections and is not a template.
    #[serde(default)]
    pub databases: Vec<String>,
    /// Databases never monitored, even when listed or discovered.
    #[serde(default)]
    pub exclude_databases: Vec<String>,
    /// The database for the first connection: discovery of the databases and the server-wide
    /// queries (bgwriter, WAL, replication, pg_stat_statements, query samples). Default: the first
    /// of `databases`, else `postgres` (contrib's `connect_database`, default `postgres`).
    #[serde(default)]
    pub connect_database: Option<String>,
    /// Absent: try TLS without verification and fall back to plaintext (libpq's `prefer`).
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    #[serde(default = "default_interval")]
    pub collection_interval: GoDuration,
    #[serde(default = "default_initial_delay")]
    pub initial_delay: GoDuration,
    /// Statement timeout of every query (server-side `statement_timeout`, plus a client deadline).
    #[serde(default = "default_timeout", alias = "query_timeout")]
    #[schemars(extend("x-aliases" = ["query_timeout"]))]
    pub timeout: GoDuration,
    #[serde(default)]
    pub connection_pool: PoolConfig,
    /// Metrics switched on or off by name (`postgresql.deadlocks: {enabled: true}`), with the
    /// attributes kept (`attributes: [source]`) and how points are merged (`aggregation_strategy`).
    #[serde(default)]
    pub metrics: BTreeMap<String, MetricSwitch>,
    /// Resource attributes switched on or off by name (`service.name: {enabled: true}`).
    #[serde(default)]
    pub resource_attributes: BTreeMap<String, Toggle>,
    /// How databases, tables and indexes are identified: `legacy` (contrib's default: one resource
    /// per database, table and index with `postgresql.*.name` attributes) or `semconv` (contrib's
    /// `receiver.postgresql.useOTelSemconv` gate: one resource per server, `db.namespace`,
    /// `db.collection.name` and `postgresql.index.name` on the points; what New Relic needs).
    #[serde(default)]
    pub resource_model: ResourceModel,
    /// Events switched on by name: `db.server.top_query`, `db.server.query_sample` (both off by default).
    #[serde(default)]
    pub events: BTreeMap<String, Toggle>,
    #[serde(default)]
    pub top_query_collection: TopQueryCollectionConfig,
    #[serde(default)]
    pub query_sample_collection: QuerySampleCollectionConfig,
    /// Ours: active session history (sessions sampled every second into a bounded ring; `db.ash.*`
    /// metrics and `db.ash.sample` events per collection interval). Off by default.
    #[serde(default)]
    pub active_session_history: dbintel_dbclient::ash::AshConfig,
    /// Feature detection (off by default here): extensions, settings, privileges and cloud flavour,
    /// emitted as `db.feature.extension.available` and `db.feature.capability.available`.
    #[serde(default)]
    pub feature_detection: dbintel_dbclient::features::FeatureDetectionConfig,
    /// Ours: per-plan metrics and `db.server.plan_change` events from the pg_querylens extension,
    /// read when it is installed and preloaded (see `src/querylens/`).
    #[serde(default)]
    pub querylens: crate::querylens::QuerylensConfig,
}

impl fmt::Debug for PostgresqlConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresqlConfig")
            .field("endpoint", &self.endpoint)
            .field("transport", &self.transport)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("password_file", &self.password_file)
            .field("databases", &self.databases)
            .field("exclude_databases", &self.exclude_databases)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Toggle {
    /// On or off (`true` when the key is given without it).
    #[serde(default = "default_true")]
    pub enabled: bool,
}

/// One metric's settings under `metrics:` (contrib's generated metric config).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricSwitch {
    /// On or off (`true` when the key is given without it).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// The point attributes kept; the others are removed and points left with the same attributes
    /// merged by `aggregation_strategy`. Default: every attribute. In `resource_model: legacy` the
    /// database, table and index stay (they are resource attributes there).
    #[serde(default)]
    pub attributes: Option<Vec<String>>,
    /// How merged points combine: `sum` (default for sums), `avg` (default for gauges), `min`, `max`.
    #[serde(default)]
    pub aggregation_strategy: Option<String>,
}

/// The `tls` section: dbintel's one TLS config type. Here `insecure` means no TLS at all
/// (`sslmode=disable`) and `insecure_skip_verify` defaults to true (TLS without certificate checks,
/// `sslmode=require`), as in the contrib receiver.
pub use dbintel_tls::TlsClientConfig as TlsConfig;

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolConfig {
    /// Idle connections closed after this long (0 = never).
    #[serde(default)]
    pub max_idle_time: Option<GoDuration>,
    /// Connections closed and reopened after this long (0 = never).
    #[serde(default)]
    pub max_lifetime: Option<GoDuration>,
    /// Accepted and ignored: idle connections are closed by `max_idle_time` instead.
    #[serde(default)]
    pub max_idle: Option<u32>,
    /// Connections per database at most (default 2, at most 8).
    #[serde(default)]
    pub max_open: Option<u32>,
}

/// How connections are secured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsMode {
    Disable,
    /// Try TLS (no verification), fall back to plaintext.
    Prefer,
    /// TLS, no certificate verification (client certificate, versions from `tls`).
    Require {
        tls: Box<TlsConfig>,
    },
    /// TLS, certificate chain and host name verified against `ca_file`/`ca_pem` or the default
    /// roots ([`dbintel_tls::default_roots`]).
    VerifyFull {
        tls: Box<TlsConfig>,
    },
}

/// Where and how to connect.
#[derive(Clone)]
pub struct ConnectPlan {
    /// Host name / IP, or the socket directory for unix transport.
    pub host: String,
    pub port: u16,
    pub unix: bool,
    pub user: String,
    pub password: Option<String>,
    pub password_file: Option<PathBuf>,
    pub tls: TlsMode,
    pub statement_timeout: Duration,
    pub lock_timeout: Duration,
}

impl fmt::Debug for ConnectPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectPlan")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("unix", &self.unix)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl ConnectPlan {
    /// The secret to scrub from any driver message.
    pub fn secret(&self) -> Option<String> {
        match (&self.password, &self.password_file) {
            (Some(p), _) => Some(p.clone()),
            (None, Some(f)) => read_password_file(f).ok(),
            _ => None,
        }
    }

    /// `host:port` or the socket directory, for messages and `server.address`.
    pub fn endpoint(&self) -> String {
        if self.unix {
            format!("{}/.s.PGSQL.{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Password files are read by the shared client layer (first line, errors without the content).
pub use dbintel_dbclient::credentials::{read_password_file, read_password_file_async};

/// Which metrics are on: the dbclient [`MetricTable`] over [`METRICS`], switched by [`MetricId`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnabledMetrics(MetricTable);

impl EnabledMetrics {
    pub fn defaults() -> Self {
        Self(MetricTable::new(METRICS))
    }
    pub fn all() -> Self {
        Self(MetricTable::all_enabled(METRICS))
    }
    pub fn is_on(&self, id: MetricId) -> bool {
        self.0.is_enabled_at(id.index())
    }
    pub fn any(&self, ids: &[MetricId]) -> bool {
        ids.iter().any(|id| self.is_on(*id))
    }
    pub fn set(&mut self, id: MetricId, on: bool) {
        self.0.set_enabled_at(id.index(), on);
    }
    pub fn table(&self) -> &MetricTable {
        &self.0
    }
    /// Applies `metrics: {name: {enabled: bool}}`; names not in the table come back as problems.
    fn configure<'a>(&mut self, toggles: impl IntoIterator<Item = (&'a str, bool)>) -> Vec<UnknownMetric> {
        self.0.configure(toggles)
    }
}

/// Resource attributes that can be switched (contrib names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceAttrs {
    pub server_address: bool,
    pub server_port: bool,
    pub service_instance_id: bool,
    pub service_name: bool,
    pub service_namespace: bool,
    /// Legacy model: `postgresql.database.name`, `postgresql.table.name`, `postgresql.index.name`.
    pub database_name: bool,
    pub table_name: bool,
    pub index_name: bool,
}

impl Default for ResourceAttrs {
    fn default() -> Self {
        Self {
            server_address: true,
            server_port: true,
            service_instance_id: true,
            service_name: false,
            service_namespace: false,
            database_name: true,
            table_name: true,
            index_name: true,
        }
    }
}

/// See [`PostgresqlConfig::resource_model`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ResourceModel {
    #[default]
    Legacy,
    Semconv,
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Plan {
    pub connect: ConnectPlan,
    pub databases: Vec<String>,
    pub exclude_databases: Vec<String>,
    /// `connect_database`, if set.
    pub connect_database: Option<String>,
    /// `metrics: <name>: attributes / aggregation_strategy`.
    pub reaggregation: Vec<crate::reaggregate::Reaggregation>,
    pub collection_interval: Duration,
    pub initial_delay: Duration,
    pub pool_max_open: u32,
    pub pool_max_idle_time: Option<Duration>,
    pub pool_max_lifetime: Option<Duration>,
    pub metrics: EnabledMetrics,
    pub resource_attributes: ResourceAttrs,
    pub resource_model: ResourceModel,
    pub top_query_events: bool,
    pub query_sample_events: bool,
    pub top_query_collection: TopQueryCollectionConfig,
    pub query_sample_collection: QuerySampleCollectionConfig,
    pub ash: dbintel_dbclient::ash::AshConfig,
    /// Set when `feature_detection.enabled` is true.
    pub feature_detection: Option<dbintel_dbclient::features::FeatureDetectionConfig>,
    /// `querylens`: pg_querylens per-plan metrics and plan-change events.
    pub querylens: crate::querylens::QuerylensConfig,
    /// This replica's share when `service.sharding` is on and `databases` is listed
    /// ([`Plan::apply_sharding`]); `None`: the whole receiver.
    pub shard: Option<ShardShare>,
}

/// What one replica collects of a receiver that lists its databases: the server-wide work (server
/// queries, query events, active session history, feature detection) when it owns the receiver
/// target, and the per-database queries of the databases it owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardShare {
    pub server_wide: bool,
    pub databases: Vec<String>,
}

impl Plan {
    /// Applies `service.sharding` to a receiver with an explicit `databases` list (one target per
    /// database, plus the receiver itself for the server-wide work). Without a list the receiver is
    /// one target, owned or not as a whole (the service builder decides), and nothing changes here.
    pub fn apply_sharding(
        &mut self,
        id: &dbintel_core::ComponentId,
        sharding: dbintel_core::sharding::Sharding,
    ) {
        use dbintel_core::sharding::Target;
        if self.databases.is_empty() {
            return;
        }
        let databases = self
            .databases
            .iter()
            .filter(|d| !self.exclude_databases.contains(d))
            .filter(|d| sharding.owns(&Target::database(id, d)))
            .cloned()
            .collect();
        self.shard = Some(ShardShare { server_wide: sharding.owns(&Target::receiver(id)), databases });
    }

    /// Whether this replica runs the server-wide work (always, unless sharded away).
    pub fn server_wide(&self) -> bool {
        self.shard.as_ref().is_none_or(|s| s.server_wide)
    }
}

impl PostgresqlConfig {
    pub fn parse(value: &serde_json::Value) -> Result<PostgresqlConfig, Vec<ConfigProblem>> {
        dbintel_core::parse_component_config(value).map_err(|p| vec![p])
    }

    /// Validates every key and builds the plan.
    pub fn resolve(self) -> Result<Plan, Vec<ConfigProblem>> {
        let mut problems = Vec::new();
        let unix = match self.transport.as_deref().map(str::trim) {
            None | Some("") | Some("tcp") | Some("tcp4") | Some("tcp6") => false,
            Some("unix") => true,
            Some(other) => {
                problems.push(ConfigProblem::new(
                    "transport",
                    format!("unknown transport `{other}` (use `tcp` or `unix`)"),
                ));
                false
            }
        };
        let (host, port) = match split_endpoint(&self.endpoint) {
            Ok((h, p)) => (h, p),
            Err(m) => {
                problems.push(ConfigProblem::new("endpoint", m));
                (String::new(), 5432)
            }
        };
        let host = if unix && !host.starts_with('/') { format!("/{host}") } else { host };
        if self.username.trim().is_empty() {
            problems.push(ConfigProblem::new(
                "username",
                "a username is required (a role with pg_monitor: CREATE ROLE dbintel LOGIN PASSWORD '...' IN ROLE pg_monitor)",
            ));
        }
        if self.password.is_some() && self.password_file.is_some() {
            problems.push(ConfigProblem::new(
                "password_file",
                "set either `password` or `password_file`, not both",
            ));
        }
        if let Some(f) = &self.password_file
            && let Err(e) = std::fs::metadata(f)
        {
            problems.push(ConfigProblem::new("password_file", format!("cannot read {}: {e}", f.display())));
        }
        for (key, list) in [("databases", &self.databases), ("exclude_databases", &self.exclude_databases)] {
            if list.len() > MAX_DATABASES {
                problems.push(ConfigProblem::new(key, format!("at most {MAX_DATABASES} databases")));
            }
            for (i, d) in list.iter().enumerate() {
                if d.trim().is_empty() || d.len() > 63 || d.contains('\0') {
                    problems.push(ConfigProblem::new(
                        format!("{key}[{i}]"),
                        "a database name must be 1-63 bytes without NUL",
                    ));
                }
            }
        }
        let tls = match &self.tls {
            None => TlsMode::Prefer,
            Some(t) => {
                // libpq has no way to check another name than the host it connects to; the
                // endpoint's own host (the prototype's `server_name: ${env:POSTGRES_HOST}`) is what
                // is checked anyway.
                if t.server_name_override.as_deref().is_some_and(|n| !n.trim().eq_ignore_ascii_case(&host)) {
                    problems.push(ConfigProblem::new(
                        "tls.server_name_override",
                        "not supported by the postgresql receiver (as in the contrib receiver): the \
                         certificate is checked against the host of `endpoint`",
                    ));
                }
                for p in t.problems() {
                    if p.path != "tls.server_name_override" {
                        problems.push(ConfigProblem::new(p.path, p.message));
                    }
                }
                // Whether the files exist is checked when the receiver is built (`run`) and by
                // `doctor`, not by `validate`: configs are written and validated away from the host
                // that has the certificates (contrib's own testdata names placeholder paths).
                if t.insecure {
                    TlsMode::Disable
                } else if t.verification(true) == dbintel_tls::Verification::None {
                    TlsMode::Require { tls: Box::new(t.clone()) }
                } else {
                    TlsMode::VerifyFull { tls: Box::new(t.clone()) }
                }
            }
        };
        if unix && !matches!(tls, TlsMode::Disable | TlsMode::Prefer) {
            problems.push(ConfigProblem::new(
                "tls",
                "TLS does not apply to unix sockets; set `tls: {insecure: true}`",
            ));
        }
        let tls = if unix { TlsMode::Disable } else { tls };
        // Inline PEM (`ca_pem`, `cert_pem`, `key_pem`) and files that exist are parsed now, so a bad
        // certificate is a config problem, not a connect failure.
        let files_present = match &tls {
            TlsMode::Require { tls } | TlsMode::VerifyFull { tls } => tls.file_problems().is_empty(),
            TlsMode::Disable | TlsMode::Prefer => true,
        };
        if problems.is_empty()
            && files_present
            && let Err(e) = crate::tls::connector(&tls)
        {
            problems.push(ConfigProblem::new("tls", e));
        }
        let interval = self.collection_interval.get();
        let timeout = self.timeout.get();
        let pool = &self.connection_pool;
        let zero = Duration::ZERO;
        problems.extend(check_durations(&[
            ("collection_interval", interval, ranges::COLLECTION_INTERVAL),
            ("initial_delay", self.initial_delay.get(), ranges::INITIAL_DELAY),
            ("timeout", timeout, ranges::STATEMENT_TIMEOUT),
            (
                "connection_pool.max_idle_time",
                pool.max_idle_time.map_or(zero, GoDuration::get),
                ranges::CONNECTION_LIFETIME,
            ),
            (
                "connection_pool.max_lifetime",
                pool.max_lifetime.map_or(zero, GoDuration::get),
                ranges::CONNECTION_LIFETIME,
            ),
        ]));
        let max_open = self.connection_pool.max_open.unwrap_or(2);
        if max_open == 0 || max_open > MAX_POOL_SIZE {
            problems.push(ConfigProblem::new(
                "connection_pool.max_open",
                format!("must be between 1 and {MAX_POOL_SIZE}"),
            ));
        }
        let nonzero = |d: Option<GoDuration>| d.map(GoDuration::get).filter(|d| !d.is_zero());

        let mut metrics = EnabledMetrics::defaults();
        let unknown = metrics.configure(self.metrics.iter().map(|(name, t)| (name.as_str(), t.enabled)));
        let unknown_paths: Vec<String> = unknown.iter().map(|u| u.path.clone()).collect();
        problems.extend(unknown.into_iter().map(|u| ConfigProblem::new(u.path, u.message)));
        let mut reaggregation = Vec::new();
        for (name, m) in &self.metrics {
            if unknown_paths.contains(&format!("metrics.{name}")) {
                continue;
            }
            let strategy = match m.aggregation_strategy.as_deref() {
                None => None,
                Some(s) => match crate::reaggregate::Strategy::parse(s) {
                    Some(st) => Some(st),
                    None => {
                        problems.push(ConfigProblem::new(
                            format!("metrics.{name}.aggregation_strategy"),
                            format!("unknown strategy `{s}` (use sum, avg, min or max)"),
                        ));
                        None
                    }
                },
            };
            for a in m.attributes.iter().flatten() {
                if !crate::reaggregate::KNOWN_KEYS.contains(&a.as_str()) {
                    problems.push(ConfigProblem::new(
                        format!("metrics.{name}.attributes"),
                        format!(
                            "unknown attribute `{a}` (the receiver's point attributes are: {})",
                            crate::reaggregate::KNOWN_KEYS.join(", ")
                        ),
                    ));
                }
            }
            if m.attributes.is_some() || strategy.is_some() {
                reaggregation.push(crate::reaggregate::Reaggregation {
                    metric: name.clone(),
                    // Only a strategy: every attribute kept, points with equal attributes merged.
                    keep: m.attributes.clone().unwrap_or_else(|| {
                        crate::reaggregate::KNOWN_KEYS.iter().map(|k| k.to_string()).collect()
                    }),
                    strategy,
                });
            }
        }
        if let Some(d) = &self.connect_database
            && (d.trim().is_empty() || d.len() > 63 || d.contains('\0'))
        {
            problems.push(ConfigProblem::new(
                "connect_database",
                "a database name must be 1-63 bytes without NUL",
            ));
        }
        let mut ra = ResourceAttrs::default();
        for (name, t) in &self.resource_attributes {
            let slot = match name.as_str() {
                "server.address" => &mut ra.server_address,
                "server.port" => &mut ra.server_port,
                "service.instance.id" => &mut ra.service_instance_id,
                "service.name" => &mut ra.service_name,
                "service.namespace" => &mut ra.service_namespace,
                // Legacy per-entity resource attributes (resource_model: legacy).
                "postgresql.database.name" => &mut ra.database_name,
                "postgresql.table.name" => &mut ra.table_name,
                "postgresql.index.name" => &mut ra.index_name,
                // The schema is part of the table name, as without contrib's separateSchemaAttr gate.
                "postgresql.schema.name" => continue,
                other => {
                    problems.push(ConfigProblem::new(
                        format!("resource_attributes.{other}"),
                        "unknown resource attribute",
                    ));
                    continue;
                }
            };
            *slot = t.enabled;
        }
        let mut top = self.top_query_collection.enabled.unwrap_or(false);
        let mut samples = self.query_sample_collection.enabled.unwrap_or(false);
        for (name, t) in &self.events {
            match name.as_str() {
                EVENT_TOP_QUERY => top = t.enabled,
                EVENT_QUERY_SAMPLE => samples = t.enabled,
                other => problems.push(ConfigProblem::new(
                    format!("events.{other}"),
                    format!("unknown event (use `{EVENT_TOP_QUERY}` or `{EVENT_QUERY_SAMPLE}`)"),
                )),
            }
        }
        for p in self.top_query_collection.problems() {
            problems.push(ConfigProblem::new(format!("top_query_collection.{}", p.path), p.message));
        }
        for p in self.query_sample_collection.problems() {
            problems.push(ConfigProblem::new(format!("query_sample_collection.{}", p.path), p.message));
        }
        for p in self.active_session_history.problems() {
            problems.push(ConfigProblem::new(format!("active_session_history.{}", p.path), p.message));
        }
        problems.extend(self.feature_detection.problems("feature_detection"));
        for p in self.querylens.problems() {
            problems.push(ConfigProblem::new(format!("querylens.{}", p.path), p.message));
        }
        if !problems.is_empty() {
            // A password never appears in a message, wherever the user pasted it.
            if let Some(secret) = self.password.as_deref() {
                for p in &mut problems {
                    p.message = crate::conn::scrub(&p.message, Some(secret));
                }
            }
            return Err(problems);
        }
        let lock_timeout = timeout.min(Duration::from_secs(5));
        Ok(Plan {
            connect: ConnectPlan {
                host,
                port,
                unix,
                user: self.username,
                password: self.password,
                password_file: self.password_file,
                tls,
                statement_timeout: timeout,
                lock_timeout,
            },
            databases: dedup(self.databases),
            exclude_databases: dedup(self.exclude_databases),
            connect_database: self.connect_database,
            reaggregation,
            collection_interval: interval,
            initial_delay: self.initial_delay.get(),
            pool_max_open: max_open,
            pool_max_idle_time: nonzero(self.connection_pool.max_idle_time),
            pool_max_lifetime: nonzero(self.connection_pool.max_lifetime),
            metrics,
            resource_attributes: ra,
            resource_model: self.resource_model,
            top_query_events: top,
            query_sample_events: samples,
            top_query_collection: self.top_query_collection,
            query_sample_collection: self.query_sample_collection,
            ash: self.active_session_history,
            feature_detection: self.feature_detection.enabled_or(false).then_some(self.feature_detection),
            querylens: self.querylens,
            shard: None,
        })
    }
}

fn dedup(list: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for d in list {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// An endpoint as it may be shown in a message: URL user info hidden, anything before an `@` (user
/// info without a scheme, `user:secret@host:5432`) masked, a query string or fragment
/// (`host:5432?password=...`) masked, and a libpq key/value string (`host=h password=...`) shown by
/// its keys only (a quoted value may hold spaces, so no value of it is shown).
pub fn shown_endpoint(endpoint: &str) -> String {
    let trimmed = endpoint.trim();
    if trimmed.contains('=') && !trimmed.contains("://") {
        let keys: Vec<String> = trimmed
            .split_whitespace()
            .filter_map(|word| word.split_once('=').map(|(key, _)| key))
            .filter(|key| !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
            .map(|key| format!("{key}={}", dbintel_core::redact::MASK))
            .collect();
        return if keys.is_empty() { dbintel_core::redact::MASK.to_string() } else { keys.join(" ") };
    }
    let trimmed = match trimmed.find(['?', '#']) {
        Some(at) => format!("{}{}{}", &trimmed[..at], &trimmed[at..at + 1], dbintel_core::redact::MASK),
        None => trimmed.to_string(),
    };
    let e = dbintel_core::redact::redact_url_userinfo(&trimmed).into_owned();
    if e.contains("://") {
        return e;
    }
    match e.rfind('@') {
        Some(at) => format!("{}@{}", dbintel_core::redact::MASK, &e[at + 1..]),
        None => e,
    }
}

/// Splits `host:port` (`[v6]:port` too). The port is required, as in contrib. A URL or user info
/// (`user:password@host`) is refused without echoing the credentials.
pub fn split_endpoint(endpoint: &str) -> Result<(String, u16), String> {
    let e = endpoint.trim();
    if e.contains("://") || e.contains('@') {
        return Err(format!(
            "`{}` is not host:port: give the endpoint as `host:port` (e.g. `localhost:5432`) and the \
             credentials in `username` and `password` (or `password_file`)",
            shown_endpoint(e)
        ));
    }
    let bad = || format!("`{}` is not host:port (e.g. `localhost:5432`)", shown_endpoint(e));
    // A connection string or a URL's query (`host=h password=x`, `h:5432?password=x`) is not an
    // endpoint, even where its last `:` is followed by a port.
    if e.contains(|c: char| c.is_whitespace() || matches!(c, '=' | '?' | '#' | '&' | '\'' | '"')) {
        return Err(bad());
    }
    let (host, port) = if let Some(rest) = e.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or_else(bad)?;
        (h, after.strip_prefix(':').ok_or_else(bad)?)
    } else {
        e.rsplit_once(':').ok_or_else(bad)?
    };
    let port: u16 = port.parse().ok().filter(|p| *p != 0).ok_or_else(bad)?;
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(v: serde_json::Value) -> Result<Plan, Vec<ConfigProblem>> {
        PostgresqlConfig::parse(&v)?.resolve()
    }

    /// The prototype's production-secure.yaml: `tls.server_name` naming the endpoint's host loads
    /// (libpq checks that name anyway); another name is refused as before.
    #[test]
    fn the_prototypes_tls_server_name_of_the_endpoint_host() {
        let ok = plan(json!({"endpoint": "db.example.com:5432", "username": "u",
                             "tls": {"insecure": false, "server_name": "db.example.com"}}));
        assert!(ok.is_ok(), "{:?}", ok.err());
        let e = plan(json!({"endpoint": "db.example.com:5432", "username": "u",
                            "tls": {"insecure": false, "server_name": "other.example.com"}}))
        .unwrap_err();
        assert!(e.iter().any(|p| p.path == "tls.server_name_override"), "{e:?}");
    }

    #[tokio::test]
    async fn password_file_is_read_off_the_runtime_the_same_way() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret\r\nsecond line\n").unwrap();
        assert_eq!(read_password_file_async(&f).await.unwrap(), "s3cret");
        assert_eq!(read_password_file(&f).unwrap(), "s3cret");
        let err = read_password_file_async(&dir.path().join("missing")).await.unwrap_err();
        assert!(err.starts_with("cannot read ") && !err.contains("s3cret"), "{err}");
    }

    #[test]
    fn defaults_follow_contrib() {
        let p = plan(json!({"username": "mon"})).unwrap();
        assert_eq!((p.connect.host.as_str(), p.connect.port), ("localhost", 5432));
        assert_eq!(p.collection_interval, Duration::from_secs(10));
        assert_eq!(p.initial_delay, Duration::from_secs(1));
        assert_eq!(p.connect.tls, TlsMode::Prefer);
        assert!(!p.top_query_events && !p.query_sample_events);
        assert!(p.metrics.is_on(MetricId::Commits));
        assert!(!p.metrics.is_on(MetricId::Deadlocks));
        assert_eq!(p.pool_max_open, 2);
    }

    /// The contrib README's example: `top_query_collection.enabled` and
    /// `query_sample_collection.enabled` switch the events; `events` wins when both are set.
    #[test]
    fn the_readme_enabled_switches_turn_the_events_on() {
        let p = plan(json!({"username": "otel", "password": "x",
            "query_sample_collection": {"enabled": false},
            "top_query_collection": {"enabled": true, "top_n_query": 1234}}))
        .unwrap();
        assert!(p.top_query_events && !p.query_sample_events);
        assert_eq!(p.top_query_collection.top_n_query, 1234);
        let p = plan(json!({"username": "otel", "query_sample_collection": {"enabled": true},
            "events": {"db.server.query_sample": {"enabled": false}}}))
        .unwrap();
        assert!(!p.query_sample_events && !p.top_query_events);
    }

    #[test]
    fn switches_metrics_events_and_tls() {
        let p = plan(json!({
            "username": "mon", "password": 1234, "endpoint": "db:6543",
            "metrics": {"postgresql.deadlocks": {"enabled": true}, "postgresql.commits": {"enabled": "false"}},
            "events": {"db.server.top_query": {"enabled": true}},
            "tls": {"insecure_skip_verify": false},
            "collection_interval": "30s"
        }))
        .unwrap();
        assert!(p.metrics.is_on(MetricId::Deadlocks));
        assert!(!p.metrics.is_on(MetricId::Commits));
        assert!(p.top_query_events);
        assert_eq!(p.connect.password.as_deref(), Some("1234"));
        assert!(matches!(p.connect.tls, TlsMode::VerifyFull { .. }));
        let p = plan(json!({"username": "mon", "tls": {}})).unwrap();
        assert!(matches!(p.connect.tls, TlsMode::Require { .. }));
        let p = plan(json!({"username": "mon", "tls": {"insecure": true}})).unwrap();
        assert_eq!(p.connect.tls, TlsMode::Disable);
        let p = plan(json!({"username": "mon", "transport": "unix", "endpoint": "var/run/postgresql:5432"}))
            .unwrap();
        assert_eq!(p.connect.host, "/var/run/postgresql");
        assert!(p.connect.unix);
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let e = plan(json!({
            "endpoint": "nohost", "transport": "udp", "password": "topsecret",
            "metrics": {"postgresql.comits": {"enabled": true}},
            "events": {"db.server.nope": {"enabled": true}},
            "tls": {"server_name_override": "x", "cert_file": "/nonexistent"},
            "connection_pool": {"max_open": 0}
        }))
        .unwrap_err();
        let paths: Vec<&str> = e.iter().map(|p| p.path.as_str()).collect();
        for want in [
            "endpoint",
            "transport",
            "username",
            "metrics.postgresql.comits",
            "events.db.server.nope",
            "tls.server_name_override",
            "tls",
            "connection_pool.max_open",
        ] {
            assert!(paths.contains(&want), "{want} missing in {paths:?}");
        }
        assert!(e.iter().all(|p| !p.message.contains("topsecret")));
        let unknown = plan(json!({"username": "x", "bogus": 1})).unwrap_err();
        assert!(unknown[0].message.contains("bogus"), "{unknown:?}");
    }

    #[test]
    fn endpoint_credentials_never_reach_a_message() {
        for endpoint in [
            "postgres://mon:hunter2secret@db.example:5432/app",
            "postgresql://mon:hunter2secret@db.example/app?sslmode=require",
            "mon:hunter2secret@db.example:5432",
            "hunter2secret@db.example:5432",
            "tcp://:hunter2secret@db.example:5432",
            "host=db.example port=5432 user=mon password=hunter2secret",
            "host=db.example password='two hunter2secret words' port=5432",
            "db.example:5432?password=hunter2secret",
            "db.example:5432?sslmode=disable&password=hunter2secret",
            "db.example:5432#hunter2secret",
            "host=db.example password=hunter2secret:5432",
            "db.example?password=hunter2secret:5432",
            "postgresql:///app?host=db.example&password=hunter2secret",
        ] {
            let e = plan(json!({"username": "mon", "endpoint": endpoint})).unwrap_err();
            let text = format!("{e:?}");
            assert!(!text.contains("hunter2secret"), "{endpoint}: {text}");
            assert!(e.iter().any(|p| p.path == "endpoint"), "{text}");
        }
        // The `password` value is scrubbed from every message, whatever key echoes it.
        let e = plan(json!({"username": "mon", "password": "pw-in-endpoint", "endpoint": "pw-in-endpoint"}))
            .unwrap_err();
        assert!(!format!("{e:?}").contains("pw-in-endpoint"), "{e:?}");
    }

    #[test]
    fn debug_never_shows_the_password() {
        let c = PostgresqlConfig::parse(&json!({"username": "mon", "password": "hunter22"})).unwrap();
        assert!(!format!("{c:?}").contains("hunter22"));
        let p = c.resolve().unwrap();
        assert!(!format!("{p:?}").contains("hunter22"));
    }

    #[test]
    fn connect_database_and_metric_attributes() {
        let p = plan(json!({
            "username": "mon", "connect_database": "mon", "databases": ["app"],
            "metrics": {
                "postgresql.blocks_read": {"enabled": true, "attributes": ["source"]},
                "postgresql.wal.lag": {"aggregation_strategy": "max"},
                "postgresql.commits": {"enabled": false}
            }
        }))
        .unwrap();
        assert_eq!(p.connect_database.as_deref(), Some("mon"));
        assert_eq!(p.reaggregation.len(), 2);
        let blocks = p.reaggregation.iter().find(|r| r.metric == "postgresql.blocks_read").unwrap();
        assert_eq!((blocks.keep.as_slice(), blocks.strategy), (&["source".to_string()][..], None));
        let lag = p.reaggregation.iter().find(|r| r.metric == "postgresql.wal.lag").unwrap();
        assert_eq!(lag.strategy, Some(crate::reaggregate::Strategy::Max));
        assert!(!p.metrics.is_on(MetricId::Commits));
        let e = plan(json!({
            "username": "mon", "connect_database": "",
            "metrics": {"postgresql.rows": {"attributes": ["stat"], "aggregation_strategy": "median"}}
        }))
        .unwrap_err();
        let paths: Vec<&str> = e.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "metrics.postgresql.rows.aggregation_strategy",
                "metrics.postgresql.rows.attributes",
                "connect_database"
            ]
        );
    }

    #[test]
    fn inline_pem_is_checked_when_the_config_is() {
        let e = plan(json!({
            "username": "mon",
            "tls": {"insecure_skip_verify": false, "ca_pem": "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"}
        }))
        .unwrap_err();
        assert_eq!(e[0].path, "tls", "{e:?}");
        assert!(e[0].message.contains("ca_pem"), "{e:?}");
        let e = plan(json!({
            "username": "mon",
            "tls": {"cert_pem": "x", "key_pem": "secret-key-material"}
        }))
        .unwrap_err();
        assert!(e.iter().all(|p| !p.message.contains("secret-key-material")), "{e:?}");
    }

    proptest::proptest! {
        #[test]
        fn endpoint_parsing_never_panics(s in "\\PC{0,40}") {
            let _ = split_endpoint(&s);
        }
    }
}
