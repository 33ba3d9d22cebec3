//! The `mysql` receiver (MySQL and MariaDB): server status metrics at parity with the OpenTelemetry
//! contrib receiver. This is its first step; top queries, samples, plans, `doctor` and the embedded
//! default come later.
//!
//! Layout: [`config`] (contrib keys and defaults, validation), [`metadata`] (every metric, its unit,
//! kind and default), [`status`] (the pure `SHOW GLOBAL STATUS` to points mapping), [`conn`] (the
//! long-lived connection with the session settings of invariant 3) and `receiver` (the run loop).

pub mod config;
pub mod conn;
pub mod metadata;
mod receiver;
pub mod status;

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
        signals: &[Signal::Metrics],
        stability: Stability::Development,
        description: "MySQL/MariaDB server status metrics (contrib names); query events come later",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        ("statement_events", config::NOT_YET),
        ("events", config::NOT_YET),
        ("top_query_collection", config::NOT_YET),
        ("query_sample_collection", config::NOT_YET),
    ];

    fn check(&self, config: &MysqlConfig) -> Vec<ConfigProblem> {
        config.clone().resolve().err().unwrap_or_default()
    }

    fn build(&self, _ctx: &CreateContext, config: MysqlConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Receiver(Box::new(MysqlReceiver::new(config.resolve()?))))
    }
}

#[cfg(test)]
mod tests {
    use dbintel_core::Factory;
    use serde_json::json;

    use super::*;

    #[test]
    fn later_keys_load_and_are_warned_about() {
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
        let warned = f.ignored_keys(&cfg);
        let paths: Vec<&str> = warned.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["statement_events", "events", "top_query_collection", "query_sample_collection"]);
        assert!(warned.iter().all(|p| p.message.contains("not implemented yet")), "{warned:?}");
        assert!(f.ignored_keys(&json!({"username": "mon"})).is_empty());
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
        assert!(props.get("statement_events").is_some(), "ignored keys are in the schema");
    }
}
