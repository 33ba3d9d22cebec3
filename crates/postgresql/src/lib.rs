//! The `postgresql` receiver: server, database and table metrics at parity with the OpenTelemetry
//! contrib receiver, plus query intelligence (top queries, samples, waits, blocking, plans).
//!
//! Layout: [`config`] (contrib keys and defaults, validation), [`metadata`] (every metric, its unit,
//! kind and default), [`catalog`] (version-aware SQL and the pure rows-to-points conversion),
//! [`conn`] (capped per-database pools with the session settings of invariant 3), [`tls`] (rustls),
//! `receiver` (the run loop), [`diagnose`] (what is missing and how to fix it; `dbintel doctor`),
//! `server.rs` (facts about the monitored server shared with `query/`), and `query/` (the
//! query-intelligence collectors that turn pg_stat_statements and pg_stat_activity into events).

pub mod ash;
pub mod catalog;
pub mod config;
pub mod conn;
pub mod diagnose;
pub mod emit;
pub mod features;
pub mod frontends;
pub mod metadata;
pub mod query;
pub mod querylens;
pub mod reaggregate;
mod receiver;
pub mod redact;
pub mod server;
pub mod tls;

use dbintel_core::component::ComponentInfo;
use dbintel_core::host::HostError;
use dbintel_core::{
    Built, ComponentId, ComponentKind, ConfigProblem, CreateContext, Signal, Stability, TypedFactory,
};
use dbintel_extensions::file_storage::Storage;

pub use config::{Plan, PostgresqlConfig};
pub use diagnose::{Finding, doctor};
pub use frontends::{AshFactory, AutoExplainFactory};
pub use receiver::{PostgresqlReceiver, SCOPE_NAME};

/// The component type name.
pub const TYPE_NAME: &str = "postgresql";

/// Builds `postgresql` receivers.
#[derive(Debug, Default, Clone, Copy)]
pub struct PostgresqlFactory;

impl PostgresqlFactory {
    pub fn resolve(config: &serde_json::Value) -> Result<Plan, Vec<ConfigProblem>> {
        PostgresqlConfig::parse(config)?.resolve()
    }
}

impl TypedFactory for PostgresqlFactory {
    type Config = PostgresqlConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Receiver,
        type_name: TYPE_NAME,
        aliases: &[],
        signals: &[Signal::Metrics, Signal::Logs],
        stability: Stability::Beta,
        description: "PostgreSQL server, database and table metrics (contrib parity) and query events",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] =
        &[("connection_pool.max_idle", "idle connections are closed by `max_idle_time` instead")];

    fn check(&self, config: &PostgresqlConfig) -> Vec<ConfigProblem> {
        config.clone().resolve().err().unwrap_or_default()
    }

    fn config_references(&self, cfg: &PostgresqlConfig) -> Vec<(ComponentKind, ComponentId, String)> {
        match cfg.querylens.storage.as_deref().map(querylens::config::storage_id) {
            Some(Ok(id)) => vec![(ComponentKind::Extension, id, "querylens.storage".to_string())],
            _ => Vec::new(),
        }
    }

    fn build(&self, ctx: &CreateContext, config: PostgresqlConfig) -> Result<Built, Vec<ConfigProblem>> {
        // The certificate files must exist where the receiver runs (`validate` does not ask).
        if let Some(t) = config.tls.as_ref().filter(|t| !t.insecure) {
            let missing: Vec<ConfigProblem> =
                t.file_problems().into_iter().map(|p| ConfigProblem::new(p.path, p.message)).collect();
            if !missing.is_empty() {
                return Err(missing);
            }
        }
        let mut plan = config.resolve()?;
        // `service.sharding`: with a `databases` list, this replica collects only its share.
        if let Some(sharding) = ctx.host.sharding() {
            plan.apply_sharding(&ctx.id, sharding);
        }
        // `querylens.storage`: the file_storage directory that keeps the plan-change mark.
        let store = match plan.querylens.storage.as_deref() {
            None => None,
            Some(s) => {
                let id = querylens::config::storage_id(s)
                    .map_err(|e| vec![ConfigProblem::new(format!("querylens.{}", e.path), e.message)])?;
                let fs = ctx.host.extension::<Storage>(&id).map_err(|e| {
                    vec![ConfigProblem::new(
                        "querylens.storage",
                        match e {
                            HostError::NotFound(_) => format!("`{s}` is not defined under `extensions`"),
                            other => other.to_string(),
                        },
                    )]
                })?;
                Some(querylens::MarkStore::for_component(&fs.directory, &ctx.id, fs.fsync))
            }
        };
        let breaker = ctx.host.breakers().handle(&ctx.id);
        Ok(Built::Receiver(Box::new(
            PostgresqlReceiver::new(plan).with_breaker(breaker).with_querylens_store(store),
        )))
    }
}

/// The receiver section for `dbintel run` without a config: the local server over its Unix socket
/// as the OS user `postgres` would see it, with metrics and both events on. Environment variables
/// override the defaults (`PGHOST`-style names are not used: these are collector variables).
pub fn default_receiver_yaml() -> &'static str {
    r#"postgresql:
  endpoint: ${env:DBINTEL_PG_ENDPOINT:-localhost:5432}
  transport: tcp
  username: ${env:DBINTEL_PG_USER:-postgres}
  password: ${env:DBINTEL_PG_PASSWORD:-}
  tls:
    insecure: true
  collection_interval: 10s
  events:
    db.server.top_query:
      enabled: true
    db.server.query_sample:
      enabled: true
"#
}

#[cfg(test)]
mod tests {
    use super::*;
    use dbintel_core::Factory;

    #[test]
    fn factory_validates_with_key_paths() {
        let f = PostgresqlFactory;
        assert_eq!(f.info().type_name, "postgresql");
        assert!(f.validate(&serde_json::json!({"username": "mon"})).is_ok());
        let e = f
            .validate(&serde_json::json!({"username": "mon", "metrics": {"nope": {"enabled": true}}}))
            .unwrap_err();
        assert_eq!(e[0].path, "metrics.nope");
    }

    /// contrib's receiver/postgresqlreceiver/testdata/config.yaml (`postgresql/all`), the password
    /// substituted: it validates; the certificate files it names are required only to run.
    #[test]
    fn contrib_testdata_validates_and_missing_files_stop_the_build() {
        let all = serde_json::json!({
            "endpoint": "localhost:5432", "transport": "tcp", "username": "otel", "password": "dummy",
            "databases": ["otel"], "collection_interval": "10s",
            "tls": {
                "insecure": false, "insecure_skip_verify": false,
                "ca_file": "/home/otel/authorities.crt",
                "cert_file": "/home/otel/mypostgrescert.crt",
                "key_file": "/home/otel/mypostgreskey.key"
            }
        });
        let f = PostgresqlFactory;
        assert!(
            f.validate(
                &serde_json::json!({"endpoint": "localhost:5432", "username": "otel", "password": "x"})
            )
            .is_ok()
        );
        assert!(f.validate(&all).is_ok(), "{:?}", f.validate(&all));
        let ctx =
            CreateContext::new("postgresql/all".parse().unwrap(), dbintel_core::telemetry::Registry::new());
        let Err(e) = f.create(&ctx, &all) else { panic!("built without its certificate files") };
        let paths: Vec<&str> = e.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["tls.ca_file", "tls.cert_file", "tls.key_file"]);
        assert!(e[0].message.contains("/home/otel/authorities.crt"), "{e:?}");
    }
}
