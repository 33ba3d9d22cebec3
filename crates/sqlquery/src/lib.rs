//! The `sqlquery` receiver: runs custom SQL against PostgreSQL or MySQL/MariaDB every
//! `collection_interval` and turns the rows into metrics (one point per row) and log records, with the
//! configuration keys and defaults of the OpenTelemetry Collector contrib `sqlquery` receiver.
//!
//! Layout: [`config`] (keys, defaults, validation with key paths), [`dsn`] (datasource parsing and
//! password redaction), [`cell`] (driver values and their conversion), [`db`] (the one long-lived
//! connection and its session settings), [`scrape`] (rows to metrics/logs, pure) and `receiver` (the
//! run loop: backoff, per-query error isolation, shutdown).

pub mod cell;
pub mod config;
pub mod db;
pub mod dsn;
mod receiver;
pub mod scrape;

use dbintel_core::component::ComponentInfo;
use dbintel_core::{Built, ComponentKind, ConfigProblem, CreateContext, Factory, Signal, Stability};

pub use config::SqlQueryConfig;
pub use receiver::{SCOPE_NAME, SqlQueryReceiver};

/// The component type name.
pub const TYPE_NAME: &str = "sqlquery";

/// Builds `sqlquery` receivers.
#[derive(Debug, Default, Clone, Copy)]
pub struct SqlQueryFactory;

impl SqlQueryFactory {
    fn resolve(config: &serde_json::Value) -> Result<config::Plan, Vec<ConfigProblem>> {
        let cfg: SqlQueryConfig = dbintel_core::parse_component_config(config).map_err(|p| vec![p])?;
        cfg.resolve()
    }
}

impl Factory for SqlQueryFactory {
    fn info(&self) -> ComponentInfo {
        ComponentInfo {
            kind: ComponentKind::Receiver,
            type_name: TYPE_NAME,
            aliases: &[],
            signals: &[Signal::Metrics, Signal::Logs],
            stability: Stability::Alpha,
            description: "Custom SQL queries against PostgreSQL or MySQL/MariaDB, turned into metrics and logs",
        }
    }

    fn validate(&self, config: &serde_json::Value) -> Result<(), Vec<ConfigProblem>> {
        Self::resolve(config).map(|_| ())
    }

    fn ignored_keys(&self, config: &serde_json::Value) -> Vec<ConfigProblem> {
        dbintel_core::ignored_keys_present(
            config,
            &[("storage", "tracking values are kept in memory only and start over after a restart")],
        )
    }

    fn create(&self, _ctx: &CreateContext, config: &serde_json::Value) -> Result<Built, Vec<ConfigProblem>> {
        let plan = Self::resolve(config)?;
        Ok(Built::Receiver(Box::new(SqlQueryReceiver::new(plan))))
    }
}
