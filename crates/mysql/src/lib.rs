//! The `mysql` receiver (MySQL and MariaDB): server metrics at parity with the OpenTelemetry
//! contrib receiver, and query intelligence (top queries, samples with blocking, plans).
//!
//! Layout: [`config`] (contrib keys and defaults, validation), [`metadata`] (every metric, its unit,
//! kind and default), [`status`] (the pure `SHOW GLOBAL STATUS` to points mapping), [`conn`] (the
//! long-lived connection with the session settings of invariant 3, behind the [`conn::Source`]
//! trait), [`replay`] (recorded result sets for golden tests), [`query`] (query intelligence) and
//! `receiver` (the run loop). The metrics pass ([`collect`]) reads status and variables
//! ([`status`]), InnoDB ([`innodb`]), sessions ([`sessions`]), per-table and per-index metrics
//! ([`tables`]), statement digests ([`statement_events`]) and replication ([`replication`]).

pub mod ash;
pub mod collect;
pub mod config;
pub mod conn;
pub mod diagnose;
pub mod features;
pub mod innodb;
pub mod metadata;
pub mod query;
mod receiver;
pub mod replay;
pub mod replication;
pub mod sessions;
pub mod statement_events;
pub mod status;
pub mod tables;
#[cfg(test)]
mod test_util;

use dbintel_core::component::ComponentInfo;
use dbintel_core::{Built, ComponentKind, ConfigProblem, CreateContext, Signal, Stability, TypedFactory};

pub use config::{MysqlConfig, Plan};
pub use receiver::{MysqlReceiver, SCOPE_NAME};

/// The component type name.
pub const TYPE_NAME: &str = "mysql";

/// Builds `mysql` receivers.
#[derive(Debug, Default, Clone, Copy)]
pub struct MysqlFactory;

impl TypedFactory for MysqlFactory {
    type Config = MysqlConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Receiver,
        type_name: TYPE_NAME,
        aliases: &[],
        signals: &[Signal::Metrics, Signal::Logs],
        stability: Stability::Development,
        description: "MySQL/MariaDB server metrics (contrib names), top queries, query samples with blocking, plans",
    };
    fn check(&self, config: &MysqlConfig) -> Vec<ConfigProblem> {
        config.clone().resolve().err().unwrap_or_default()
    }

    fn build(&self, ctx: &CreateContext, config: MysqlConfig) -> Result<Built, Vec<ConfigProblem>> {
        let breaker = ctx.host.breakers().handle(&ctx.id);
        Ok(Built::Receiver(Box::new(MysqlReceiver::new(config.resolve()?).with_breaker(breaker))))
    }
}

#[cfg(test)]
mod tests {
    use dbintel_core::Factory;
    use serde_json::json;

    use super::*;

    #[test]
    fn query_keys_load_and_are_not_warned_about() {
        let f = MysqlFactory;
        assert_eq!(f.info().type_name, "mysql");
        let cfg = json!({
            "username": "mon",
            "statement_events": {"digest_text_limit": 120, "limit": 250},
            "events": {"db.server.top_query": {"enabled": true}},
            "top_query_collection": {"top_query_count": 10},
            "query_sample_collection": {"max_rows_per_query": 100},
        });
        assert!(f.validate(&cfg).is_ok(), "{:?}", f.validate(&cfg));
        assert!(f.ignored_keys(&cfg).is_empty());
        let e = f.validate(&json!({"top_query_collection": {"max_rows_per_query": 5}})).unwrap_err();
        assert_eq!(e[0].path, "top_query_collection.max_rows_per_query");
    }

    #[test]
    fn factory_validates_with_key_paths() {
        let e = MysqlFactory.validate(&json!({"metrics": {"nope": {"enabled": true}}})).unwrap_err();
        assert_eq!(e[0].path, "metrics.nope");
        let e = MysqlFactory.validate(&json!({"exclude_databases": ["x"]})).unwrap_err();
        assert!(e[0].message.contains("PostgreSQL key"), "{e:?}");
        let schema = MysqlFactory.config_schema().expect("a schema");
        let props = schema.get("properties").expect("properties");
        assert!(props.get("databases").is_none(), "PostgreSQL keys are not documented as keys");
        assert!(props.get("statement_events").is_some(), "the query keys are in the schema");
    }
}
