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
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use dbintel_core::{
    Built, ComponentInfo, ComponentKind, ConfigProblem, CreateContext, ExportError, Exporter, Signal,
    SignalData, Stability, TypedFactory,
};
use schemars::JsonSchema;
use serde::Deserialize;

pub use format::{format_basic, format_detailed, format_normal};

/// How much the debug exporter prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verbosity {
    #[default]
    Basic,
    Normal,
    Detailed,
}

/// Config of the `debug` exporter.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DebugConfig {
    /// `basic` (default), `normal` or `detailed`.
    #[serde(default)]
    pub verbosity: Verbosity,
    /// Batches printed in full each second before sampling starts (contrib key; default 2).
    #[serde(default = "default_sampling_initial")]
    pub sampling_initial: u32,
    /// After `sampling_initial` in a second, print every Nth batch (contrib key; default 1 = all).
    #[serde(default = "default_sampling_thereafter")]
    pub sampling_thereafter: u32,
    /// Write through the process log stream (stderr) instead of stdout. Contrib's default is true;
    /// dbintel's is false so the console output stays apart from the logs.
    #[serde(default)]
    pub use_internal_logger: bool,
    /// Where the output goes when `use_internal_logger` is false: `stdout`, `stderr` or file paths
    /// (appended to, created if missing). Default `[stdout]`.
    #[serde(default)]
    pub output_paths: Option<Vec<String>>,
}

/// Every destination of `output_paths`, each write going to all of them.
struct Tee(Vec<Box<dyn Write + Send>>);

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        for w in &mut self.0 {
            w.write_all(buf)?;
        }
        Ok(())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        for w in &mut self.0 {
            w.flush()?;
        }
        Ok(())
    }
}

/// Opens the destinations of `output_paths` (files are appended to and created, as zap does).
fn open_outputs(paths: &[String]) -> Result<Box<dyn Write + Send>, Vec<ConfigProblem>> {
    let mut outs: Vec<Box<dyn Write + Send>> = Vec::new();
    let mut problems = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        match p.as_str() {
            "stdout" => outs.push(Box::new(std::io::stdout())),
            "stderr" => outs.push(Box::new(std::io::stderr())),
            path => match std::fs::OpenOptions::new().create(true).append(true).open(path) {
                Ok(f) => outs.push(Box::new(std::io::LineWriter::new(f))),
                Err(e) => {
                    problems.push(ConfigProblem::new(format!("output_paths[{i}]"), format!("`{path}`: {e}")))
                }
            },
        }
    }
    if problems.is_empty() { Ok(Box::new(Tee(outs))) } else { Err(problems) }
}

fn default_sampling_initial() -> u32 {
    2
}

fn default_sampling_thereafter() -> u32 {
    1
}

impl Default for DebugConfig {
    fn default() -> Self {
        Self {
            verbosity: Verbosity::default(),
            sampling_initial: default_sampling_initial(),
            sampling_thereafter: default_sampling_thereafter(),
            use_internal_logger: false,
            output_paths: None,
        }
    }
}

/// Per-second sampling as the Collector's logger does it: the first `initial` batches of each second,
/// then every `thereafter`-th.
#[derive(Debug, Clone)]
struct Sampler {
    initial: u32,
    thereafter: u32,
    second: u64,
    seen: u32,
}

impl Sampler {
    fn admit(&mut self, now_nanos: u64) -> bool {
        let second = now_nanos / 1_000_000_000;
        if second != self.second {
            self.second = second;
            self.seen = 0;
        }
        self.seen = self.seen.saturating_add(1);
        if self.seen <= self.initial {
            return true;
        }
        let thereafter = self.thereafter.max(1);
        (self.seen - self.initial).is_multiple_of(thereafter)
    }
}

/// The `debug` exporter. Formatting and the console write run on tokio's blocking pool
/// (`spawn_blocking`), never on a runtime worker, so a console that is slow to read (a pipe into a
/// pager, a stalled terminal) stalls only this exporter. Each export waits for its own write, so
/// batches stay in order and each is flushed before `export` returns.
pub struct DebugExporter {
    verbosity: Verbosity,
    console: Arc<Mutex<Console>>,
    sampler: Sampler,
}

/// The output and the reused line buffer, used only from blocking threads.
struct Console {
    out: Box<dyn Write + Send>,
    buf: String,
}

impl Console {
    fn print(&mut self, verbosity: Verbosity, data: &SignalData, now: u64) -> Result<(), ExportError> {
        self.buf.clear();
        match verbosity {
            Verbosity::Basic => format_basic(&mut self.buf, data, now),
            Verbosity::Normal => format_normal(&mut self.buf, data, now),
            Verbosity::Detailed => format_detailed(&mut self.buf, data, now),
        }
        // One write per batch: `Stdout::write_all` holds the stdout lock for the whole batch.
        self.out
            .write_all(self.buf.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|e| ExportError::Failed(format!("debug exporter: cannot write to the console: {e}")))
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        self.out.flush().map_err(|e| ExportError::Failed(format!("debug exporter: cannot flush: {e}")))
    }
}

impl DebugExporter {
    /// Writes to stdout.
    pub fn new(verbosity: Verbosity) -> Self {
        Self::with_writer(verbosity, Box::new(std::io::stdout()))
    }

    /// Writes to `out` (tests capture the output this way).
    pub fn with_writer(verbosity: Verbosity, out: Box<dyn Write + Send>) -> Self {
        let sampler = Sampler { initial: default_sampling_initial(), thereafter: 1, second: 0, seen: 0 };
        Self { verbosity, console: Arc::new(Mutex::new(Console { out, buf: String::new() })), sampler }
    }

    /// Runs `f` on the console on the blocking pool and waits for it. If the calling future is
    /// dropped, the write still completes, and the next call waits for it on the console's lock.
    async fn blocking(
        &self,
        f: impl FnOnce(&mut Console) -> Result<(), ExportError> + Send + 'static,
    ) -> Result<(), ExportError> {
        let console = Arc::clone(&self.console);
        tokio::task::spawn_blocking(move || f(&mut console.lock().unwrap_or_else(PoisonError::into_inner)))
            .await
            .map_err(|e| ExportError::Failed(format!("debug exporter: the write task failed: {e}")))?
    }

    /// Applies the contrib sampling keys.
    pub fn with_sampling(mut self, initial: u32, thereafter: u32) -> Self {
        self.sampler.initial = initial;
        self.sampler.thereafter = thereafter;
        self
    }
}

#[async_trait]
impl Exporter for DebugExporter {
    async fn export(&mut self, data: std::sync::Arc<SignalData>) -> Result<(), ExportError> {
        let now = dbintel_core::pdata::now_unix_nanos();
        if !self.sampler.admit(now) {
            return Ok(());
        }
        let verbosity = self.verbosity;
        self.blocking(move |c| c.print(verbosity, &data, now)).await
    }

    async fn shutdown(&mut self) -> Result<(), ExportError> {
        self.blocking(Console::flush).await
    }
}

/// Factory of the `debug` exporter.
pub struct DebugExporterFactory;

impl TypedFactory for DebugExporterFactory {
    type Config = DebugConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Exporter,
        type_name: "debug",
        // The Collector's deprecated `logging` exporter (removed in v0.111.0); `validate` warns.
        aliases: &["logging"],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "Prints batches to the console: a line per batch, per point, or a full dump",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[(
        "loglevel",
        "the deprecated `logging` exporter's level; set `verbosity` instead (debug -> detailed, info -> normal)",
    )];

    fn check(&self, config: &DebugConfig) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if config.sampling_thereafter == 0 {
            p.push(ConfigProblem::new(
                "sampling_thereafter",
                "must be at least 1 (1 prints every batch after sampling_initial)",
            ));
        }
        if let Some(paths) = &config.output_paths {
            if paths.is_empty() {
                p.push(ConfigProblem::new(
                    "output_paths",
                    "must list at least one destination (e.g. `stdout`)",
                ));
            }
            for (i, path) in paths.iter().enumerate() {
                if path.trim().is_empty() {
                    p.push(ConfigProblem::new(format!("output_paths[{i}]"), "must not be empty"));
                }
            }
        }
        p
    }

    fn config_warnings(&self, config: &DebugConfig) -> Vec<ConfigProblem> {
        if config.use_internal_logger && config.output_paths.is_some() {
            return vec![ConfigProblem::new(
                "output_paths",
                "only used with `use_internal_logger: false`; the output goes to the log stream",
            )];
        }
        Vec::new()
    }

    fn build(&self, _ctx: &CreateContext, cfg: DebugConfig) -> Result<Built, Vec<ConfigProblem>> {
        let out: Box<dyn Write + Send> = match (&cfg.output_paths, cfg.use_internal_logger) {
            (_, true) => Box::new(std::io::stderr()),
            (Some(paths), false) => open_outputs(paths)?,
            (None, false) => Box::new(std::io::stdout()),
        };
        let exporter = DebugExporter::with_writer(cfg.verbosity, out)
            .with_sampling(cfg.sampling_initial, cfg.sampling_thereafter);
        Ok(Built::Exporter(Box::new(exporter)))
    }
}
