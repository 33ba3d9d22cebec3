//! Configuration of the `mysql` receiver: the contrib receiver's keys and defaults, validated into
//! a [`Plan`]. Validation reports every problem it finds, each with its key path.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use dbintel_core::duration::ranges;
use dbintel_core::{ConfigProblem, GoDuration, check_durations};
use dbintel_dbclient::metrics::MetricTable;
use dbintel_dbclient::{DbTls, SslMode};
use serde::Deserialize;

use crate::metadata::{METRICS, MetricId};
use crate::query::{
    EventsConfig, QuerySampleCollectionConfig, StatementEventsConfig, TopQueryCollectionConfig,
};

/// The one resource attribute (contrib name).
pub const RESOURCE_ENDPOINT: &str = "mysql.instance.endpoint";

fn default_endpoint() -> String {
    "localhost:3306".to_string()
}
fn default_username() -> String {
    "root".to_string()
}
fn default_interval() -> GoDuration {
    GoDuration::from_secs(10)
}
fn default_initial_delay() -> GoDuration {
    GoDuration::from_secs(1)
}
fn default_true() -> bool {
    true
}
fn default_max_tables() -> u64 {
    crate::collect::DEFAULT_MAX_TABLES
}

/// Largest `max_tables` (the connection reads at most 10000 rows of a result).
pub const MAX_TABLES_LIMIT: u64 = crate::conn::MAX_ROWS as u64;

/// The receiver's config section (contrib keys).
#[derive(Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MysqlConfig {
    /// `host:port`, or the socket path with `transport: unix`.
    #[serde(default = "default_endpoint")]
    pub endpoint: String,
    /// `tcp` (default) or `unix`.
    #[serde(default)]
    pub transport: Option<String>,
    /// The user to connect as (contrib's default `root`).
    #[serde(default = "default_username")]
    pub username: String,
    /// The user's password; never logged. Or `password_file`, not both.
    #[serde(default)]
    pub password: Option<String>,
    /// A file whose first line is the password (read at every new connection, so rotation works).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// The default database of the connection; empty: none (server status is server-wide).
    #[serde(default)]
    pub database: String,
    /// Accepted for contrib configs: mysql_native_password is always allowed.
    #[serde(default = "default_true")]
    pub allow_native_passwords: bool,
    /// Absent: no TLS (contrib's default).
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    #[serde(default = "default_interval")]
    pub collection_interval: GoDuration,
    #[serde(default = "default_initial_delay")]
    pub initial_delay: GoDuration,
    /// The scraper's deadline (the Collector's scraper `timeout`): the time limit of every
    /// statement, server-side and on the client. Default: `collection_interval`, at most 10s.
    #[serde(default)]
    pub timeout: Option<GoDuration>,
    /// Metrics switched on or off by name (`mysql.commands: {enabled: true}`).
    #[serde(default)]
    pub metrics: BTreeMap<String, Toggle>,
    /// Resource attributes switched on or off by name (`mysql.instance.endpoint: {enabled: false}`).
    #[serde(default)]
    pub resource_attributes: BTreeMap<String, Toggle>,
    /// The `mysql.statement_event.*` metrics (digest rows, text length, time window).
    #[serde(default)]
    pub statement_events: StatementEventsConfig,
    /// `db.server.top_query` and `db.server.query_sample` switches (both off, as in contrib).
    #[serde(default)]
    pub events: EventsConfig,
    /// Top queries: per-interval digest deltas and their plans.
    #[serde(default)]
    pub top_query_collection: TopQueryCollectionConfig,
    /// Query samples: the threads running now, with waits and blocking.
    #[serde(default)]
    pub query_sample_collection: QuerySampleCollectionConfig,
    /// Rows read per per-table / per-index statement (I/O waits, lock waits, sizes), biggest
    /// first; the rest are counted in `dbintel_mysql_series_dropped_total` (1 to 10000).
    #[serde(default = "default_max_tables")]
    pub max_tables: u64,
    /// Ours: active session history (the process list sampled every second into a bounded ring;
    /// `db.ash.*` metrics and `db.ash.sample` events per collection interval). Off by default.
    #[serde(default)]
    pub active_session_history: dbintel_dbclient::ash::AshConfig,
    /// PostgreSQL keys, parsed only to say that they belong to the postgresql receiver.
    #[serde(default)]
    #[schemars(skip)]
    databases: Option<serde_json::Value>,
    #[serde(default)]
    #[schemars(skip)]
    exclude_databases: Option<serde_json::Value>,
    #[serde(default)]
    #[schemars(skip)]
    connection_pool: Option<serde_json::Value>,
    #[serde(default)]
    #[schemars(skip)]
    resource_model: Option<serde_json::Value>,
    /// Feature detection (off by default here): version flavour, variables, grants,
    /// performance_schema consumers and instruments, readable tables and the cloud flavour, emitted
    /// as `db.feature.capability.available`.
    #[serde(default)]
    pub feature_detection: dbintel_dbclient::features::FeatureDetectionConfig,
}

impl fmt::Debug for MysqlConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MysqlConfig")
            .field("endpoint", &self.endpoint)
            .field("transport", &self.transport)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("password_file", &self.password_file)
            .field("database", &self.database)
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

/// The `tls` section: dbintel's one TLS config type.
pub use dbintel_tls::TlsClientConfig as TlsConfig;

/// Where and how to connect.
#[derive(Clone)]
pub struct ConnectPlan {
    /// Host name / IP, or the socket path for unix transport.
    pub host: String,
    pub port: u16,
    pub unix: bool,
    pub user: String,
    pub password: Option<String>,
    pub password_file: Option<PathBuf>,
    /// Empty: no default database.
    pub database: String,
    pub tls: DbTls,
    /// Server-side limit of every statement, and the client's deadline (plus a second).
    pub statement_timeout: Duration,
}

impl fmt::Debug for ConnectPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectPlan")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("unix", &self.unix)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("tls", &self.tls.mode)
            .finish_non_exhaustive()
    }
}

impl ConnectPlan {
    /// `host:port` or the socket path, for messages.
    pub fn endpoint(&self) -> String {
        if self.unix { self.host.clone() } else { format!("{}:{}", self.host, self.port) }
    }
}

/// Which metrics are on: the dbclient [`MetricTable`] over [`METRICS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnabledMetrics(MetricTable);

impl EnabledMetrics {
    pub fn defaults() -> Self {
        Self(MetricTable::new(METRICS))
    }
    pub fn is_on(&self, id: MetricId) -> bool {
        self.0.is_enabled_at(id.index())
    }
    pub fn table(&self) -> &MetricTable {
        &self.0
    }
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Plan {
    pub connect: ConnectPlan,
    /// The endpoint as configured (the `mysql.instance.endpoint` value, as in contrib).
    pub endpoint: String,
    pub collection_interval: Duration,
    pub initial_delay: Duration,
    pub metrics: EnabledMetrics,
    /// Whether `mysql.instance.endpoint` is set on the resource.
    pub resource_endpoint: bool,
    pub statement_events: StatementEventsConfig,
    pub events: EventsConfig,
    pub top_query: TopQueryCollectionConfig,
    pub query_sample: QuerySampleCollectionConfig,
    /// `max_tables`.
    pub max_tables: u64,
    /// `active_session_history`.
    pub ash: dbintel_dbclient::ash::AshConfig,
    /// Set when `feature_detection.enabled` is true.
    pub feature_detection: Option<dbintel_dbclient::features::FeatureDetectionConfig>,
}

/// Statement timeout: the collection interval, at most this.
pub const MAX_STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Splits `host:port` (`[v6]:port`, a bare host gets 3306).
fn split_endpoint(endpoint: &str) -> Result<(String, u16), String> {
    let e = endpoint.trim();
    if e.is_empty() {
        return Err("an endpoint is required (`host:port`)".to_string());
    }
    if e.contains('@') || e.contains("://") || e.contains('?') {
        return Err("give `host:port` only; credentials go in `username` and `password`".to_string());
    }
    let (host, port) = if let Some(rest) = e.strip_prefix('[') {
        let (h, tail) = rest.split_once(']').ok_or("unclosed `[` in an IPv6 endpoint")?;
        (h.to_string(), tail.strip_prefix(':'))
    } else {
        match e.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h.to_string(), Some(p)),
            Some(_) => return Err("write an IPv6 endpoint as `[addr]:port`".to_string()),
            None => (e.to_string(), None),
        }
    };
    let port = match port {
        None => 3306,
        Some(p) => {
            p.parse::<u16>().ok().filter(|p| *p != 0).ok_or(format!("`{p}` is not a port (1-65535)"))?
        }
    };
    if host.is_empty() {
        return Err("the endpoint has no host".to_string());
    }
    Ok((host, port))
}

impl MysqlConfig {
    pub fn parse(value: &serde_json::Value) -> Result<MysqlConfig, Vec<ConfigProblem>> {
        dbintel_core::parse_component_config(value).map_err(|p| vec![p])
    }

    /// Validates every key and builds the plan.
    pub fn resolve(self) -> Result<Plan, Vec<ConfigProblem>> {
        let mut problems = Vec::new();
        for (key, present) in [
            ("databases", self.databases.is_some()),
            ("exclude_databases", self.exclude_databases.is_some()),
            ("connection_pool", self.connection_pool.is_some()),
            ("resource_model", self.resource_model.is_some()),
        ] {
            if present {
                problems.push(ConfigProblem::new(
                    key,
                    format!(
                        "`{key}` is a PostgreSQL key (postgresql receiver); the mysql receiver does not \
                         have it (use `database` for the connection's default database)"
                    ),
                ));
            }
        }
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
        let (host, port) = if unix {
            let path = self.endpoint.trim().to_string();
            if !path.starts_with('/') {
                problems.push(ConfigProblem::new(
                    "endpoint",
                    "with `transport: unix` the endpoint is the socket path (e.g. /run/mysqld/mysqld.sock)",
                ));
            }
            (path, 0)
        } else {
            match split_endpoint(&self.endpoint) {
                Ok(hp) => hp,
                Err(m) => {
                    problems.push(ConfigProblem::new("endpoint", m));
                    (String::new(), 3306)
                }
            }
        };
        if self.username.trim().is_empty() {
            problems.push(ConfigProblem::new("username", "a username is required"));
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
        let tls = match &self.tls {
            None => DbTls::disabled(),
            Some(t) => {
                problems.extend(t.problems().into_iter().map(|p| ConfigProblem::new(p.path, p.message)));
                if !t.insecure {
                    problems
                        .extend(t.file_problems().into_iter().map(|p| ConfigProblem::new(p.path, p.message)));
                }
                let mode = if t.insecure {
                    SslMode::Disable
                } else if t.verification(false) == dbintel_tls::Verification::None {
                    SslMode::Require
                } else {
                    SslMode::VerifyFull
                };
                DbTls::new(mode, t.clone())
            }
        };
        if unix && tls.mode != SslMode::Disable {
            problems.push(ConfigProblem::new(
                "tls",
                "TLS does not apply to unix sockets; remove `tls` or set `insecure: true`",
            ));
        }
        let interval = self.collection_interval.get();
        problems.extend(check_durations(&[
            ("collection_interval", interval, ranges::COLLECTION_INTERVAL),
            ("initial_delay", self.initial_delay.get(), ranges::INITIAL_DELAY),
        ]));
        let statement_timeout = match self.timeout {
            Some(t) => {
                problems.extend(check_durations(&[("timeout", t.get(), ranges::STATEMENT_TIMEOUT)]));
                t.get()
            }
            None => interval.min(MAX_STATEMENT_TIMEOUT),
        };
        let mut metrics = EnabledMetrics::defaults();
        for unknown in metrics.0.configure(self.metrics.iter().map(|(name, t)| (name.as_str(), t.enabled))) {
            problems.push(ConfigProblem::new(unknown.path, unknown.message));
        }
        for (section, section_problems) in [
            ("statement_events", self.statement_events.problems()),
            ("events", self.events.problems()),
            ("top_query_collection", self.top_query_collection.problems()),
            ("query_sample_collection", self.query_sample_collection.problems()),
            ("active_session_history", self.active_session_history.problems()),
        ] {
            problems.extend(
                section_problems
                    .into_iter()
                    .map(|p| ConfigProblem::new(format!("{section}.{}", p.path), p.message)),
            );
        }
        if self.max_tables == 0 || self.max_tables > MAX_TABLES_LIMIT {
            problems
                .push(ConfigProblem::new("max_tables", format!("must be between 1 and {MAX_TABLES_LIMIT}")));
        }
        let mut resource_endpoint = true;
        for (name, t) in &self.resource_attributes {
            if name == RESOURCE_ENDPOINT {
                resource_endpoint = t.enabled;
            } else {
                problems.push(ConfigProblem::new(
                    format!("resource_attributes.{name}"),
                    format!("unknown resource attribute (the mysql receiver has `{RESOURCE_ENDPOINT}`)"),
                ));
            }
        }
        if self.active_session_history.use_pg_wait_sampling.is_some() {
            problems.push(ConfigProblem::new(
                "active_session_history.use_pg_wait_sampling",
                "a PostgreSQL key: the mysql receiver reads the process list",
            ));
        }
        problems.extend(self.feature_detection.problems("feature_detection"));
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Plan {
            connect: ConnectPlan {
                host,
                port,
                unix,
                user: self.username,
                password: self.password,
                password_file: self.password_file,
                database: self.database,
                tls,
                statement_timeout,
            },
            endpoint: self.endpoint,
            collection_interval: interval,
            initial_delay: self.initial_delay.get(),
            metrics,
            resource_endpoint,
            statement_events: self.statement_events,
            events: self.events,
            top_query: self.top_query_collection,
            query_sample: self.query_sample_collection,
            max_tables: self.max_tables,
            ash: self.active_session_history,
            feature_detection: self.feature_detection.enabled_or(false).then_some(self.feature_detection),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resolve(v: serde_json::Value) -> Result<Plan, Vec<ConfigProblem>> {
        MysqlConfig::parse(&v)?.resolve()
    }

    /// The prototype's production-secure.yaml: `timeout` (the Collector's scraper deadline) and
    /// `tls.server_name` (Go's name for the checked server name).
    #[test]
    fn the_prototypes_timeout_and_tls_server_name() {
        let p = resolve(json!({"endpoint": "db:3306", "collection_interval": "60s", "timeout": "30s",
                               "tls": {"insecure": false, "server_name": "db.example.com"}}))
        .expect("valid");
        assert_eq!(p.connect.statement_timeout, Duration::from_secs(30));
        let p = resolve(json!({"collection_interval": "60s"})).expect("valid");
        assert_eq!(p.connect.statement_timeout, MAX_STATEMENT_TIMEOUT);
        let problems = resolve(json!({"timeout": "1ms"})).expect_err("below the range");
        assert_eq!(problems[0].path, "timeout");
    }

    #[test]
    fn contrib_defaults() {
        let p = resolve(json!({})).expect("an empty section is valid");
        assert_eq!((p.connect.host.as_str(), p.connect.port, p.connect.unix), ("localhost", 3306, false));
        assert_eq!(p.connect.user, "root");
        assert_eq!(p.endpoint, "localhost:3306");
        assert_eq!(p.collection_interval, Duration::from_secs(10));
        assert_eq!(p.initial_delay, Duration::from_secs(1));
        assert_eq!(p.connect.tls.mode, SslMode::Disable, "no tls block: no TLS, as in contrib");
        assert!(p.resource_endpoint);
        assert!(p.metrics.is_on(MetricId::Handlers) && !p.metrics.is_on(MetricId::Commands));
        assert!(p.metrics.is_on(MetricId::Up));
        assert_eq!(p.max_tables, 1000);
        let e = resolve(json!({"max_tables": 0})).unwrap_err();
        assert_eq!(e[0].path, "max_tables");
        assert!(resolve(json!({"max_tables": 10_001})).is_err());
        assert_eq!(resolve(json!({"max_tables": 5})).unwrap().max_tables, 5);
    }

    #[test]
    fn endpoints_transport_and_tls() {
        let p = resolve(json!({"endpoint": "[::1]:3307"})).unwrap();
        assert_eq!((p.connect.host.as_str(), p.connect.port), ("::1", 3307));
        let p = resolve(json!({"endpoint": "/run/mysqld/mysqld.sock", "transport": "unix"})).unwrap();
        assert!(p.connect.unix);
        assert_eq!(p.connect.endpoint(), "/run/mysqld/mysqld.sock");
        let p = resolve(json!({"tls": {"insecure_skip_verify": true}})).unwrap();
        assert_eq!(p.connect.tls.mode, SslMode::Require);
        let p = resolve(json!({"tls": {"insecure": false}})).unwrap();
        assert_eq!(p.connect.tls.mode, SslMode::VerifyFull);
        let p = resolve(json!({"tls": {"insecure": true}})).unwrap();
        assert_eq!(p.connect.tls.mode, SslMode::Disable);
        let e = resolve(json!({"endpoint": "root:pw@db:3306"})).unwrap_err();
        assert_eq!(e[0].path, "endpoint");
        assert!(!e[0].message.contains("pw"), "{e:?}");
        let e = resolve(json!({"transport": "udp"})).unwrap_err();
        assert_eq!(e[0].path, "transport");
    }

    #[test]
    fn postgresql_keys_are_rejected_as_such() {
        let e = resolve(json!({"databases": ["shop"], "connection_pool": {"max_open": 2}})).unwrap_err();
        let paths: Vec<&str> = e.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["databases", "connection_pool"]);
        assert!(e.iter().all(|p| p.message.contains("PostgreSQL key")), "{e:?}");
    }

    #[test]
    fn unknown_metric_gets_a_suggestion_and_unknown_keys_are_refused() {
        let e = resolve(json!({"metrics": {"mysql.handler": {"enabled": true}}})).unwrap_err();
        assert_eq!(e[0].path, "metrics.mysql.handler");
        assert!(e[0].message.contains("unknown metric"), "{e:?}");
        let e = resolve(json!({"metrics": {"mysql.row_lock": {"enabled": true}}})).unwrap_err();
        assert!(e[0].message.contains("did you mean mysql.row_locks"), "{e:?}");
        let p = resolve(
            json!({"metrics": {"mysql.commands": {"enabled": true}, "mysql.up": {"enabled": false}}}),
        )
        .unwrap();
        assert!(p.metrics.is_on(MetricId::Commands) && !p.metrics.is_on(MetricId::Up));
        let e = resolve(json!({"resource_attributes": {"server.address": {"enabled": true}}})).unwrap_err();
        assert_eq!(e[0].path, "resource_attributes.server.address");
        assert!(MysqlConfig::parse(&json!({"nope": 1})).is_err());
    }

    #[test]
    fn durations_and_passwords_are_checked() {
        let e = resolve(
            json!({"collection_interval": "10ms", "password": "a", "password_file": "/nonexistent/x"}),
        )
        .unwrap_err();
        let paths: Vec<&str> = e.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"collection_interval") && paths.contains(&"password_file"), "{paths:?}");
        let debug = format!("{:?}", MysqlConfig::parse(&json!({"password": "hunter2"})).unwrap());
        assert!(!debug.contains("hunter2"), "{debug}");
    }
}
