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
pub mod store;

use dbintel_core::component::ComponentInfo;
use dbintel_core::host::HostError;
use dbintel_core::{
    Built, ComponentId, ComponentKind, ConfigProblem, CreateContext, Signal, Stability, TypedFactory,
};
use dbintel_extensions::file_storage::Storage;

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

    fn check(&self, config: &SqlQueryConfig) -> Vec<ConfigProblem> {
        config.resolve().err().unwrap_or_default()
    }
    /// A tracking query without a placeholder, `aggregation` without `data_type`: shown by
    /// `validate` too, not only when the receiver starts.
    /// The prototype's per-query `collection_interval` and `resource_attributes`, accepted and
    /// ignored.
    fn config_warnings(&self, config: &SqlQueryConfig) -> Vec<ConfigProblem> {
        config.ignored_query_keys()
    }
    fn config_notes(&self, config: &SqlQueryConfig) -> Vec<ConfigProblem> {
        config.resolve().map(|plan| plan.warnings).unwrap_or_default()
    }

    fn config_references(&self, cfg: &SqlQueryConfig) -> Vec<(ComponentKind, ComponentId, String)> {
        match cfg.storage.as_deref().map(config::storage_id) {
            Some(Ok(id)) => vec![(ComponentKind::Extension, id, "storage".to_string())],
            _ => Vec::new(),
        }
    }

    fn build(&self, ctx: &CreateContext, config: SqlQueryConfig) -> Result<Built, Vec<ConfigProblem>> {
        let plan = config.resolve()?;
        let store = match plan.storage.as_deref() {
            None => None,
            Some(s) => {
                let id = config::storage_id(s).map_err(|e| vec![e])?;
                let fs = ctx.host.extension::<Storage>(&id).map_err(|e| {
                    vec![ConfigProblem::new(
                        "storage",
                        match e {
                            HostError::NotFound(_) => format!("`{s}` is not defined under `extensions`"),
                            other => other.to_string(),
                        },
                    )]
                })?;
                Some(store::TrackingStore::for_component(&fs.directory, &ctx.id, fs.fsync))
            }
        };
        Ok(Built::Receiver(Box::new(SqlQueryReceiver::new(plan).with_store(store))))
    }
}
