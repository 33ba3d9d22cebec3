//! The prototype's `ash` and `autoexplain` receivers, loaded with their keys as thin front-ends of
//! the `postgresql` receiver: each builds a `postgresql` receiver config (all of its own metrics
//! off) with only the collection it names on. `ash` is the receiver's active session history;
//! `autoexplain` is its top-query collection with actual plans read from the auto_explain log.
//! Keys that have no meaning here load with a warning (`IGNORED_KEYS`).

use std::str::FromStr;

use dbintel_core::component::ComponentInfo;
use dbintel_core::{
    Built, ComponentKind, ConfigProblem, CreateContext, GoDuration, Signal, Stability, TypedFactory,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::{Plan, PostgresqlConfig};
use crate::metadata::MetricId;
use crate::receiver::PostgresqlReceiver;

/// Where the prototype's sections say to connect: `datasource` (libpq key/value or URL, with
/// `driver`), or `endpoint`/`username`/`password`/`database`.
#[derive(Debug, Default)]
struct Target {
    endpoint: Option<String>,
    transport: Option<&'static str>,
    username: Option<String>,
    password: Option<String>,
    database: Option<String>,
    /// `sslmode=disable` → no TLS, `require` → TLS without verification.
    insecure: Option<bool>,
}

fn from_datasource(driver: Option<&str>, ds: &str, problems: &mut Vec<ConfigProblem>) -> Target {
    if let Some(d) = driver
        && !matches!(d, "postgres" | "postgresql" | "pgx")
    {
        problems.push(ConfigProblem::new("driver", format!("`{d}` is not supported here (use `postgres`)")));
    }
    let cfg = match tokio_postgres::Config::from_str(ds) {
        Ok(c) => c,
        Err(_) => {
            // The driver's message may quote the string; the password must not reach a message.
            problems.push(ConfigProblem::new(
                "datasource",
                "not a libpq connection string (`host=... port=... user=... dbname=...`) or URL",
            ));
            return Target::default();
        }
    };
    let port = cfg.get_ports().first().copied().unwrap_or(5432);
    let (endpoint, transport) = match cfg.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => (format!("{h}:{port}"), None),
        Some(tokio_postgres::config::Host::Unix(p)) => (format!("{}:{port}", p.display()), Some("unix")),
        None => (format!("localhost:{port}"), None),
    };
    let insecure = match cfg.get_ssl_mode() {
        tokio_postgres::config::SslMode::Disable => Some(true),
        tokio_postgres::config::SslMode::Require => Some(false),
        _ => None,
    };
    Target {
        endpoint: Some(endpoint),
        transport,
        username: cfg.get_user().map(str::to_string),
        password: cfg.get_password().map(|p| String::from_utf8_lossy(p).into_owned()),
        database: cfg.get_dbname().map(str::to_string),
        insecure,
    }
}

fn receiver_section(t: Target) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    if let Some(e) = t.endpoint {
        m.insert("endpoint".into(), json!(e));
    }
    if let Some(tr) = t.transport {
        m.insert("transport".into(), json!(tr));
        m.insert("tls".into(), json!({"insecure": true}));
    }
    m.insert("username".into(), json!(t.username.unwrap_or_default()));
    if let Some(p) = t.password {
        m.insert("password".into(), json!(p));
    }
    if let Some(d) = t.database {
        m.insert("databases".into(), json!([d]));
    }
    match t.insecure {
        Some(true) => {
            m.insert("tls".into(), json!({"insecure": true}));
        }
        Some(false) => {
            m.insert("tls".into(), json!({}));
        }
        None => {}
    }
    m
}

/// Resolves a built section into a plan with every `postgresql` metric off.
fn plan_of(section: Value, path_of: impl Fn(&str) -> String) -> Result<Plan, Vec<ConfigProblem>> {
    let mut plan = PostgresqlConfig::parse(&section).and_then(PostgresqlConfig::resolve).map_err(|ps| {
        ps.into_iter().map(|p| ConfigProblem::new(path_of(&p.path), p.message)).collect::<Vec<_>>()
    })?;
    for id in MetricId::ALL {
        plan.metrics.set(*id, false);
    }
    Ok(plan)
}

fn default_sampling_interval() -> GoDuration {
    GoDuration::from_secs(1)
}
fn default_report_interval() -> GoDuration {
    GoDuration::from_secs(10)
}
fn default_initial_delay() -> GoDuration {
    GoDuration::from_secs(1)
}
fn default_buffer_size() -> u64 {
    10_000
}
fn default_retention() -> GoDuration {
    GoDuration::from_secs(3600)
}
fn default_slow_ms() -> u64 {
    1000
}
fn default_max_events() -> u64 {
    10
}
fn default_true() -> bool {
    true
}

/// The prototype's `ash` receiver: active session history of one PostgreSQL server.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AshReceiverConfig {
    /// `postgres` (or `pgx`, `postgresql`) with `datasource`; other drivers are refused.
    #[serde(default)]
    pub driver: Option<String>,
    /// libpq key/value string or URL (`host=db port=5432 user=mon password=... dbname=postgres
    /// sslmode=disable`); or use `endpoint`, `username`, `password`, `database`.
    #[serde(default)]
    pub datasource: Option<String>,
    /// `host:port` (when there is no `datasource`).
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    /// Never logged.
    #[serde(default)]
    pub password: Option<String>,
    /// The database to connect to (pg_stat_activity covers the whole server).
    #[serde(default)]
    pub database: Option<String>,
    /// The prototype's meaning: how often sessions are sampled (default 1s) =
    /// `active_session_history.sampling_interval`.
    #[serde(default = "default_sampling_interval")]
    pub collection_interval: GoDuration,
    /// Ours: how often the interval's metrics and events are emitted (default 10s) = the
    /// `postgresql` receiver's `collection_interval`.
    #[serde(default = "default_report_interval")]
    pub report_interval: GoDuration,
    #[serde(default = "default_initial_delay")]
    pub initial_delay: GoDuration,
    /// Samples kept in the ring (default 10000).
    #[serde(default = "default_buffer_size")]
    pub buffer_size: u64,
    /// How long samples are kept (default 1h).
    #[serde(default = "default_retention")]
    pub retention_duration: GoDuration,
    /// Queries running longer count in `db.ash.long_running_queries` (default 1000).
    #[serde(default = "default_slow_ms")]
    pub slow_query_threshold_ms: u64,
    /// Ours: `db.ash.sample` events per interval (default 10).
    #[serde(default = "default_max_events")]
    pub max_events: u64,
    /// Ours: take the wait profile from pg_wait_sampling when present (default true).
    #[serde(default = "default_true")]
    pub use_pg_wait_sampling: bool,
    /// The prototype's adaptive sampling keys (see the `postgresql` receiver's
    /// `active_session_history.sampling`).
    #[serde(default)]
    pub sampling: dbintel_dbclient::ash::AshSamplingConfig,
}

impl AshReceiverConfig {
    fn section(&self) -> (Value, Vec<ConfigProblem>) {
        let mut problems = Vec::new();
        let target = match &self.datasource {
            Some(ds) => {
                if self.endpoint.is_some() {
                    problems.push(ConfigProblem::new(
                        "endpoint",
                        "set either `datasource` or `endpoint`, not both",
                    ));
                }
                from_datasource(self.driver.as_deref(), ds, &mut problems)
            }
            None => Target {
                endpoint: self.endpoint.clone(),
                username: self.username.clone(),
                password: self.password.clone(),
                database: self.database.clone(),
                ..Default::default()
            },
        };
        let mut m = receiver_section(target);
        m.insert("collection_interval".into(), json!(self.report_interval.to_string()));
        m.insert("initial_delay".into(), json!(self.initial_delay.to_string()));
        let mut ash = serde_json::to_value(AshJson {
            enabled: true,
            sampling_interval: self.collection_interval.to_string(),
            buffer_size: self.buffer_size,
            retention_duration: self.retention_duration.to_string(),
            long_running_threshold: format!("{}ms", self.slow_query_threshold_ms),
            max_events: self.max_events,
            use_pg_wait_sampling: self.use_pg_wait_sampling,
        })
        .unwrap_or(Value::Null);
        if let (Value::Object(a), Ok(s)) = (&mut ash, sampling_json(&self.sampling)) {
            a.insert("sampling".into(), s);
        }
        m.insert("active_session_history".into(), ash);
        (Value::Object(m), problems)
    }

    fn plan(&self) -> Result<Plan, Vec<ConfigProblem>> {
        let (section, mut problems) = self.section();
        let map_path = |p: &str| match p.strip_prefix("active_session_history.") {
            Some("sampling_interval") => "collection_interval".to_string(),
            Some("long_running_threshold") => "slow_query_threshold_ms".to_string(),
            Some(rest) => rest.to_string(),
            None if p == "collection_interval" => "report_interval".to_string(),
            None => p.to_string(),
        };
        match plan_of(section, map_path) {
            Ok(plan) if problems.is_empty() => Ok(plan),
            Ok(_) => Err(problems),
            Err(e) => {
                problems.extend(e);
                Err(problems)
            }
        }
    }
}

#[derive(serde::Serialize)]
struct AshJson {
    enabled: bool,
    sampling_interval: String,
    buffer_size: u64,
    retention_duration: String,
    long_running_threshold: String,
    max_events: u64,
    use_pg_wait_sampling: bool,
}

fn sampling_json(s: &dbintel_dbclient::ash::AshSamplingConfig) -> Result<Value, ()> {
    Ok(json!({
        "base_rate": s.base_rate, "min_rate": s.min_rate, "max_rate": s.max_rate,
        "low_session_threshold": s.low_session_threshold, "high_session_threshold": s.high_session_threshold,
        "always_sample_blocked": s.always_sample_blocked, "always_sample_long_running": s.always_sample_long_running,
        "always_sample_maintenance": s.always_sample_maintenance,
        "long_running_after": s.long_running_after.to_string(),
    }))
}

/// Builds the prototype's `ash` receiver.
#[derive(Debug, Default, Clone, Copy)]
pub struct AshFactory;

impl TypedFactory for AshFactory {
    type Config = AshReceiverConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Receiver,
        type_name: "ash",
        aliases: &[],
        signals: &[Signal::Metrics, Signal::Logs],
        stability: Stability::Alpha,
        description: "The prototype's active session history receiver: the postgresql receiver's active_session_history alone",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "aggregation_windows",
            "each report_interval's aggregates are emitted; longer windows are the backend's queries",
        ),
        (
            "enable_feature_detection",
            "pg_wait_sampling is always detected (use_pg_wait_sampling turns its use off)",
        ),
        ("enable_wait_analysis", "the wait profile is always emitted (db.ash.wait_events)"),
        (
            "enable_blocking_analysis",
            "blocking is always analysed (db.ash.blocked_sessions, db.ash.blocking_chain_depth)",
        ),
        ("enable_anomaly_detection", "not built (experimental and never implemented in the prototype)"),
        ("blocked_session_threshold", "alerting is the backend's: alert on db.ash.blocked_sessions"),
        ("retry_on_failure", "the receiver always reconnects with backoff"),
        ("storage", "use buffer_size and retention_duration"),
        ("analysis", "every analysis is always on"),
        ("feature_detection", "pg_wait_sampling is always detected"),
        ("session_sampling_rate", "use sampling.base_rate"),
        ("enable_wait_events", "the wait profile is always emitted"),
        ("sampling.enabled", "sampling is always adaptive; use the rate keys"),
        ("sampling.sample_rate", "use sampling.base_rate"),
        ("sampling.active_session_rate", "use sampling.base_rate"),
        (
            "sampling.blocked_session_rate",
            "blocked sessions are always sampled (sampling.always_sample_blocked)",
        ),
        ("sampling.long_running_threshold", "use sampling.long_running_after"),
        ("sampling.adaptive_sampling", "sampling is always adaptive"),
    ];

    fn check(&self, config: &AshReceiverConfig) -> Vec<ConfigProblem> {
        config.plan().err().unwrap_or_default()
    }

    fn build(&self, ctx: &CreateContext, config: AshReceiverConfig) -> Result<Built, Vec<ConfigProblem>> {
        let mut plan = config.plan()?;
        plan.ash.enabled = true;
        let breaker = ctx.host.breakers().handle(&ctx.id);
        Ok(Built::Receiver(Box::new(PostgresqlReceiver::new(plan).with_breaker(breaker))))
    }
}

/// `autoexplain.database`: where pg_stat_statements is read.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoExplainDatabase {
    /// `host:port`.
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    /// Never logged.
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub database: Option<String>,
    /// `disable` (no TLS), `require` (TLS without verification) or `prefer` (default).
    #[serde(default)]
    pub ssl_mode: Option<String>,
}

/// `autoexplain.plan_collection`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanCollection {
    /// How long a plan read from the log is kept for its query (default 1h).
    #[serde(default)]
    pub retention_duration: Option<GoDuration>,
}

/// The prototype's `autoexplain` receiver: actual plans from the PostgreSQL log that auto_explain
/// writes, attached to the top queries (`db.server.top_query`) with the same text.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoExplainReceiverConfig {
    /// The server log (stderr format) with `auto_explain.log_format = json` entries; required.
    #[serde(default)]
    pub log_path: Option<std::path::PathBuf>,
    /// `json` (the only format read; `csv` and `text` are refused).
    #[serde(default)]
    pub log_format: Option<String>,
    /// The server whose pg_stat_statements gives the top queries the plans are attached to.
    #[serde(default)]
    pub database: AutoExplainDatabase,
    #[serde(default)]
    pub plan_collection: PlanCollection,
    /// Ours: how often top queries (with their plans) are collected (default 60s).
    #[serde(default)]
    pub collection_interval: Option<GoDuration>,
}

impl AutoExplainReceiverConfig {
    fn plan(&self) -> Result<Plan, Vec<ConfigProblem>> {
        let mut problems = Vec::new();
        match self.log_format.as_deref() {
            None | Some("json") => {}
            Some(other) => problems.push(ConfigProblem::new(
                "log_format",
                format!("`{other}` is not read: set auto_explain.log_format = json on the server and `log_format: json` here"),
            )),
        }
        if self.log_path.is_none() {
            problems
                .push(ConfigProblem::new("log_path", "the server log auto_explain writes to is required"));
        }
        let d = &self.database;
        let insecure = match d.ssl_mode.as_deref() {
            None | Some("prefer") | Some("allow") => None,
            Some("disable") => Some(true),
            Some("require") => Some(false),
            Some(other) => {
                problems.push(ConfigProblem::new(
                    "database.ssl_mode",
                    format!("`{other}`: use disable, prefer or require (verify-full: give the postgresql receiver a tls section)"),
                ));
                None
            }
        };
        let target = Target {
            endpoint: d.endpoint.clone(),
            username: d.username.clone(),
            password: d.password.clone(),
            database: d.database.clone(),
            insecure,
            ..Default::default()
        };
        let mut m = receiver_section(target);
        m.insert("events".into(), json!({"db.server.top_query": {"enabled": true}}));
        let mut top = serde_json::Map::new();
        if let Some(p) = &self.log_path {
            top.insert("log_path".into(), json!(p));
        }
        if let Some(r) = self.plan_collection.retention_duration {
            top.insert("query_plan_cache_ttl".into(), json!(r.to_string()));
        }
        if let Some(i) = self.collection_interval {
            top.insert("collection_interval".into(), json!(i.to_string()));
        }
        m.insert("top_query_collection".into(), Value::Object(top));
        let map_path = |p: &str| match p {
            "endpoint" | "username" | "password" | "databases" => format!("database.{p}"),
            "top_query_collection.query_plan_cache_ttl" => "plan_collection.retention_duration".into(),
            "top_query_collection.collection_interval" => "collection_interval".into(),
            "top_query_collection.log_path" => "log_path".into(),
            other => other.to_string(),
        };
        match plan_of(Value::Object(m), map_path) {
            Ok(plan) if problems.is_empty() => Ok(plan),
            Ok(_) => Err(problems),
            Err(e) => {
                problems.extend(e);
                Err(problems)
            }
        }
    }
}

/// Builds the prototype's `autoexplain` receiver.
#[derive(Debug, Default, Clone, Copy)]
pub struct AutoExplainFactory;

impl TypedFactory for AutoExplainFactory {
    type Config = AutoExplainReceiverConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Receiver,
        type_name: "autoexplain",
        aliases: &[],
        signals: &[Signal::Logs],
        stability: Stability::Alpha,
        description: "The prototype's auto_explain receiver: the postgresql receiver's top queries with actual plans from the server log",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "database.max_connections",
            "the postgresql receiver's pool is capped at 8 connections per database",
        ),
        ("plan_collection.enabled", "plans are read whenever log_path is set"),
        (
            "plan_collection.min_duration",
            "the server's auto_explain.log_min_duration decides which plans are logged",
        ),
        (
            "plan_collection.max_plans_per_query",
            "the latest plan per query is kept; planattributeextractor keeps the history",
        ),
        (
            "plan_collection.regression_detection",
            "planattributeextractor detects plan changes and regressions",
        ),
        ("plan_anonymization", "plans are always obfuscated (dbintel-sql) before they leave the receiver"),
    ];

    fn check(&self, config: &AutoExplainReceiverConfig) -> Vec<ConfigProblem> {
        config.plan().err().unwrap_or_default()
    }

    fn build(
        &self,
        ctx: &CreateContext,
        config: AutoExplainReceiverConfig,
    ) -> Result<Built, Vec<ConfigProblem>> {
        let plan = config.plan()?;
        let breaker = ctx.host.breakers().handle(&ctx.id);
        Ok(Built::Receiver(Box::new(PostgresqlReceiver::new(plan).with_breaker(breaker))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dbintel_core::Factory;

    #[test]
    fn ash_loads_the_go_config_with_a_datasource() {
        let f = AshFactory;
        let v = json!({
            "driver": "postgres",
            "datasource": "host=db.example port=6543 user=mon password=s3cret dbname=app sslmode=disable",
            "collection_interval": "1s", "initial_delay": "5s",
            "sampling": {"base_rate": 1.0, "min_rate": 0.1, "max_rate": 1.0, "low_session_threshold": 50,
                         "high_session_threshold": 500, "always_sample_blocked": true,
                         "always_sample_long_running": true, "always_sample_maintenance": true},
            "buffer_size": 10000, "retention_duration": "1h", "aggregation_windows": ["1m", "5m"],
            "enable_feature_detection": true, "enable_wait_analysis": true, "enable_blocking_analysis": true,
            "enable_anomaly_detection": false, "slow_query_threshold_ms": 2000, "blocked_session_threshold": 5,
            "retry_on_failure": {"enabled": true, "initial_interval": "5s"}
        });
        assert!(f.validate(&v).is_ok(), "{:?}", f.validate(&v));
        let warned: Vec<String> = f.ignored_keys(&v).into_iter().map(|p| p.path).collect();
        assert!(warned.contains(&"aggregation_windows".to_string()), "{warned:?}");
        let cfg: AshReceiverConfig = dbintel_core::typed::parse_typed::<AshFactory>(&v).unwrap();
        let plan = cfg.plan().unwrap();
        assert_eq!((plan.connect.host.as_str(), plan.connect.port), ("db.example", 6543));
        assert_eq!(plan.connect.user, "mon");
        assert_eq!(plan.databases, vec!["app".to_string()]);
        assert_eq!(plan.connect.tls, crate::config::TlsMode::Disable);
        assert_eq!(plan.ash.sampling_interval.get(), std::time::Duration::from_secs(1));
        assert_eq!(plan.ash.long_running_threshold.get(), std::time::Duration::from_secs(2));
        assert_eq!(plan.collection_interval, std::time::Duration::from_secs(10));
        assert!(!plan.metrics.is_on(MetricId::Commits), "only ASH");
    }

    #[test]
    fn ash_loads_the_yaml_shape_and_reports_problems_by_its_own_keys() {
        let f = AshFactory;
        let v = json!({
            "endpoint": "localhost:5432", "username": "postgres", "password": "pw", "database": "postgres",
            "collection_interval": "1s", "retention_duration": "30m",
            "sampling": {"enabled": true, "sample_rate": 1.0, "active_session_rate": 1.0,
                         "blocked_session_rate": 1.0, "long_running_threshold": "2s", "adaptive_sampling": true},
            "storage": {"buffer_size": 1800}, "analysis": {"wait_event_analysis": true},
            "feature_detection": {"enabled": true}, "session_sampling_rate": 1.0, "enable_wait_events": true
        });
        assert!(f.validate(&v).is_ok(), "{:?}", f.validate(&v));
        let bad = json!({"driver": "mysql", "datasource": "host=x user=y password=hunter2", "collection_interval": "10ms",
                         "sampling": {"min_rate": 2.0}});
        let e = f.validate(&bad).unwrap_err();
        let paths: Vec<&str> = e.iter().map(|p| p.path.as_str()).collect();
        assert!(
            paths.contains(&"driver")
                && paths.contains(&"collection_interval")
                && paths.contains(&"sampling.min_rate"),
            "{paths:?}"
        );
        assert!(!format!("{e:?}").contains("hunter2"));
    }

    #[test]
    fn autoexplain_loads_the_prototype_keys() {
        let f = AutoExplainFactory;
        let v = json!({
            "log_path": "/var/log/postgresql/postgresql.log", "log_format": "json",
            "database": {"endpoint": "localhost:5432", "username": "postgres", "password": "pw",
                         "database": "postgres", "ssl_mode": "disable", "max_connections": 10},
            "plan_collection": {"enabled": true, "min_duration": "100ms", "max_plans_per_query": 10,
                                "retention_duration": "24h",
                                "regression_detection": {"enabled": true, "performance_degradation_threshold": 0.2}},
            "plan_anonymization": {"enabled": true, "sensitive_node_types": ["Filter"]}
        });
        assert!(f.validate(&v).is_ok(), "{:?}", f.validate(&v));
        let cfg: AutoExplainReceiverConfig =
            dbintel_core::typed::parse_typed::<AutoExplainFactory>(&v).unwrap();
        let plan = cfg.plan().unwrap();
        assert!(plan.top_query_events);
        assert!(plan.top_query_collection.log_path.is_some());
        assert_eq!(
            plan.top_query_collection.query_plan_cache_ttl.get(),
            std::time::Duration::from_secs(86_400)
        );
        let e = f.validate(&json!({"log_format": "csv"})).unwrap_err();
        let paths: Vec<&str> = e.iter().map(|p| p.path.as_str()).collect();
        assert!(
            paths.contains(&"log_format")
                && paths.contains(&"log_path")
                && paths.contains(&"database.username"),
            "{paths:?}"
        );
    }
}
