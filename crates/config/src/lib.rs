//! dbintel-config: loads OpenTelemetry-Collector-style YAML configs, expands env placeholders,
//! deep-merges several sources and validates the result against the component registry.
//!
//! ```text
//! let raw = load(&[ConfigSource::file("config.yaml")], &|k| std::env::var(k).ok())?;
//! let config = validate(&raw, &registry)?;
//! ```
//!
//! Every error is one line, `<file>: <key.path>: <message>`, and every problem is reported at once.
//! See the crate README for the format.

mod error;
mod expand;
mod load;
mod model;
mod path;
mod suggest;
mod validate;

pub use error::{ConfigError, ConfigErrors, ErrorKind};
pub use expand::MAX_FILE_PLACEHOLDER_BYTES;
pub use load::{ConfigSource, MAX_CONFIG_BYTES, MAX_DEPTH, MAX_NODES, RawConfig, load};
pub use model::{
    DEFAULT_METRICS_ADDRESS, DEFAULT_SHUTDOWN_TIMEOUT, LogEncoding, LogLevel, LogsTelemetry, MetricsLevel,
    MetricsTelemetry, Pipeline, Service, ServiceConfig, Telemetry, UsedComponents,
};
pub use path::{KeyPath, Provenance, Segment};
pub use validate::validate;

/// Loads and validates in one step.
pub fn load_and_validate(
    sources: &[ConfigSource],
    env: &dyn Fn(&str) -> Option<String>,
    registry: &dbintel_core::ComponentRegistry,
) -> Result<ServiceConfig, ConfigErrors> {
    let raw = load(sources, env)?;
    validate(&raw, registry)
}
