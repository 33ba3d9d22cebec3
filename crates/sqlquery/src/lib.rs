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
use dbintel_core::{Built, ComponentKind, ConfigProblem, CreateContext, Signal, Stability, TypedFactory};

pub use config::SqlQueryConfig;
pub use receiver::{SCOPE_NAME, SqlQueryReceiver};

/// The component type name.
pub const TYPE_NAME: &str = "sqlquery";

/// Builds `sqlquery` receivers.
#[derive(Debug, Default, Clone, Copy)]
pub struct SqlQueryFactory;

impl TypedFactory for SqlQueryFactory {
    type Config = SqlQueryConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Receiver,
        type_name: TYPE_NAME,
        aliases: &[],
        signals: &[Signal::Metrics, Signal::Logs],
        stability: Stability::Alpha,
        description: "Custom SQL queries against PostgreSQL or MySQL/MariaDB, turned into metrics and logs",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] =
        &[("storage", "tracking values are kept in memory only and start over after a restart")];

    fn check(&self, config: &SqlQueryConfig) -> Vec<ConfigProblem> {
        config.resolve().err().unwrap_or_default()
    }

    fn build(&self, _ctx: &CreateContext, config: SqlQueryConfig) -> Result<Built, Vec<ConfigProblem>> {
        let plan = config.resolve()?;
        Ok(Built::Receiver(Box::new(SqlQueryReceiver::new(plan))))
    }
}
