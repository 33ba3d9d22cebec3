//! `debug` exporter: prints batches to the console (stdout) at three verbosities, like the collector's
//! debug exporter.
//!
//! - `basic`: one bounded line per batch, e.g.
//!   `2026-11-26T20:00:10Z metrics dbintel/postgresql 12 points in 5 metrics: postgresql.backends{db.namespace=orders}=7, …`
//! - `normal`: one line per data point or log record.
//! - `detailed`: resource, scope, every point with timestamps and attributes.
//!
//! Each batch is formatted into a buffer first and written with one `write_all`, so lines of concurrent
//! batches never interleave.

mod format;
#[cfg(test)]
mod tests;

use std::io::Write;

use async_trait::async_trait;
use dbintel_core::{
    Built, ComponentInfo, ComponentKind, ConfigProblem, CreateContext, ExportError, Exporter, Factory,
    Signal, SignalData, Stability, parse_component_config,
};
use serde::Deserialize;

pub use format::{format_basic, format_detailed, format_normal};

/// How much the debug exporter prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verbosity {
    #[default]
    Basic,
    Normal,
    Detailed,
}

/// Config of the `debug` exporter.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DebugConfig {
    /// `basic` (default), `normal` or `detailed`.
    #[serde(default)]
    pub verbosity: Verbosity,
}

/// The `debug` exporter.
pub struct DebugExporter {
    verbosity: Verbosity,
    out: Box<dyn Write + Send>,
    buf: String,
}

impl DebugExporter {
    /// Writes to stdout.
    pub fn new(verbosity: Verbosity) -> Self {
        Self::with_writer(verbosity, Box::new(std::io::stdout()))
    }

    /// Writes to `out` (tests capture the output this way).
    pub fn with_writer(verbosity: Verbosity, out: Box<dyn Write + Send>) -> Self {
        Self { verbosity, out, buf: String::new() }
    }
}

#[async_trait]
impl Exporter for DebugExporter {
    async fn export(&mut self, data: SignalData) -> Result<(), ExportError> {
        self.buf.clear();
        let now = dbintel_core::pdata::now_unix_nanos();
        match self.verbosity {
            Verbosity::Basic => format_basic(&mut self.buf, &data, now),
            Verbosity::Normal => format_normal(&mut self.buf, &data, now),
            Verbosity::Detailed => format_detailed(&mut self.buf, &data, now),
        }
        // One write per batch: `Stdout::write_all` holds the stdout lock for the whole batch.
        self.out
            .write_all(self.buf.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|e| ExportError::Failed(format!("debug exporter: cannot write to the console: {e}")))
    }

    async fn shutdown(&mut self) -> Result<(), ExportError> {
        self.out.flush().map_err(|e| ExportError::Failed(format!("debug exporter: cannot flush: {e}")))
    }
}

/// Factory of the `debug` exporter.
pub struct DebugExporterFactory;

impl DebugExporterFactory {
    fn parse(config: &serde_json::Value) -> Result<DebugConfig, Vec<ConfigProblem>> {
        parse_component_config(config).map_err(|p| vec![p])
    }
}

impl Factory for DebugExporterFactory {
    fn info(&self) -> ComponentInfo {
        ComponentInfo {
            kind: ComponentKind::Exporter,
            type_name: "debug",
            aliases: &[],
            signals: &[Signal::Metrics, Signal::Logs],
            stability: Stability::Alpha,
            description: "Prints batches to the console: a line per batch, per point, or a full dump",
        }
    }

    fn validate(&self, config: &serde_json::Value) -> Result<(), Vec<ConfigProblem>> {
        Self::parse(config).map(|_| ())
    }

    fn create(&self, _ctx: &CreateContext, config: &serde_json::Value) -> Result<Built, Vec<ConfigProblem>> {
        let cfg = Self::parse(config)?;
        Ok(Built::Exporter(Box::new(DebugExporter::new(cfg.verbosity))))
    }
}
