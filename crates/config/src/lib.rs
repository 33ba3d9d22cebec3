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
mod redact;
mod suggest;
mod telemetry;
mod validate;

pub use error::{ConfigError, ConfigErrors, ErrorKind};
pub use expand::MAX_FILE_PLACEHOLDER_BYTES;
pub use load::{
    CONFIG_URI_SCHEMES, ConfigSource, MAX_CONFIG_BYTES, MAX_DEPTH, MAX_DOCUMENTS, MAX_NODES, RawConfig, load,
    load_keep_going,
};
pub use model::{
    AttributeFilter, DEFAULT_METRICS_ADDRESS, DEFAULT_SHUTDOWN_TIMEOUT, LogEncoding, LogLevel, LogSampling,
    LogsTelemetry, MetricReader, MetricsLevel, MetricsTelemetry, OtlpProtocol, PeriodicReader, Pipeline,
    SHUTDOWN_TIMEOUT_RANGE, Service, ServiceConfig, Telemetry, UsedComponents,
};
pub use model::{OrdinalSource, POD_NAME_ENV, SHARD_ORDINAL_ENV, ShardingConfig, trailing_ordinal};
pub use path::{KeyPath, Provenance, Segment};
pub use redact::{HIDDEN, Redactor};
pub use telemetry::{MAX_INITIAL_FIELDS, MAX_OUTPUT_PATHS, MAX_READERS, output_path};
pub use validate::validate;

/// Loads and validates in one step.
pub fn load_and_validate(
    sources: &[ConfigSource],
    env: &dyn Fn(&str) -> Option<String>,
    registry: &dbintel_core::ComponentRegistry,
) -> Result<ServiceConfig, ConfigErrors> {
    let (raw, mut errors) = load_keep_going(sources, env);
    if errors.is_empty() {
        return validate(&raw, registry);
    }
    // A source that could not be read or parsed is missing from the tree: validating the rest
    // would only report what that source would have defined.
    if errors.iter().any(|e| e.kind != ErrorKind::Substitution) {
        return Err(ConfigErrors::new(errors));
    }
    // Report the other problems too, except those caused by a placeholder that failed to expand
    // (same key or below it), which would only repeat the first message.
    let failed: Vec<String> = errors.iter().map(|e| e.path.clone()).collect();
    if let Err(more) = validate(&raw, registry) {
        for e in more.errors {
            let caused = failed.iter().any(|f| {
                !f.is_empty()
                    && (e.path == *f
                        || e.path.starts_with(&format!("{f}."))
                        || e.path.starts_with(&format!("{f}[")))
            });
            if !caused {
                errors.push(e);
            }
        }
    }
    Err(ConfigErrors::new(errors))
}
