//! `batch`: groups data into larger batches by size and time, as the Collector's batch processor.
//!
//! Items are counted in OTel units (metric data points, log records, spans). A batch is sent when it reaches
//! `send_batch_size` or when `timeout` has passed since its first item; `send_batch_max_size` caps
//! the size of what is sent, splitting larger inputs.

mod split;

use std::sync::Arc;
use std::time::Duration;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::pdata::SignalData;
use dbintel_core::{
    ComponentKind, DurationRange, GoDuration, Processor, ProcessorError, Signal, TypedFactory,
};
use schemars::JsonSchema;
use serde::Deserialize;
use tokio::time::Instant;

pub use split::{split_logs, split_metrics, split_traces};

/// Accepted `timeout`: 0 (send immediately) or 1ms to 1h.
pub const TIMEOUT_RANGE: DurationRange =
    DurationRange::new(Duration::from_millis(1), Duration::from_secs(3600)).or_zero("send immediately");

/// Config of the `batch` processor (the Collector's keys and defaults).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct BatchConfig {
    /// Time after which a non-empty batch is sent regardless of size; 0 sends immediately.
    pub timeout: GoDuration,
    /// Number of items that triggers a send. It is a trigger, not a cap.
    pub send_batch_size: usize,
    /// Upper bound on items in one sent batch; 0 means no bound. Must be >= send_batch_size.
    pub send_batch_max_size: usize,
    /// Contrib key for batching per client metadata. dbintel's receivers pull from databases and carry
    /// no client metadata, so one batcher serves everything; accepted for config compatibility.
    pub metadata_keys: Vec<String>,
    /// Contrib key bounding the batchers created for `metadata_keys`; accepted, see above.
    pub metadata_cardinality_limit: u32,
}

impl Default for BatchConfig {
    fn default() -> Self {
        Self {
            timeout: GoDuration::from_millis(200),
            send_batch_size: 8192,
            send_batch_max_size: 0,
            metadata_keys: Vec::new(),
            metadata_cardinality_limit: 1000,
        }
    }
}

impl BatchConfig {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.send_batch_max_size != 0 && self.send_batch_max_size < self.send_batch_size {
            p.push(ConfigProblem::new(
                "send_batch_max_size",
                format!(
                    "must be 0 (no limit) or at least send_batch_size ({}); it is {}",
                    self.send_batch_size, self.send_batch_max_size
                ),
            ));
        }
        if self.send_batch_size == 0 {
            p.push(ConfigProblem::new("send_batch_size", "must be greater than 0 (default 8192)"));
        }
        p.extend(TIMEOUT_RANGE.check("timeout", self.timeout.get()));
        p
    }
}

pub struct BatchProcessor {
    config: BatchConfig,
    pending: Option<SignalData>,
    pending_items: usize,
    deadline: Option<Instant>,
}

impl BatchProcessor {
    pub fn new(config: BatchConfig) -> Self {
        Self { config, pending: None, pending_items: 0, deadline: None }
    }

    fn timeout(&self) -> Duration {
        self.config.timeout.get()
    }

    /// Hands over everything pending, split to `send_batch_max_size`.
    fn emit(&mut self, out: &mut Vec<Arc<SignalData>>) {
        self.deadline = None;
        self.pending_items = 0;
        let Some(data) = self.pending.take() else { return };
        let max = self.config.send_batch_max_size;
        match data {
            SignalData::Metrics(m) => {
                out.extend(split_metrics(m, max).into_iter().map(|m| Arc::new(SignalData::Metrics(m))));
            }
            SignalData::Logs(l) => {
                out.extend(split_logs(l, max).into_iter().map(|l| Arc::new(SignalData::Logs(l))));
            }
            SignalData::Traces(t) => {
                out.extend(split_traces(t, max).into_iter().map(|t| Arc::new(SignalData::Traces(t))));
            }
        }
    }
}

fn append(pending: &mut Option<SignalData>, data: SignalData) -> Result<(), ProcessorError> {
    match pending.as_mut() {
        None => {
            *pending = Some(data);
            Ok(())
        }
        Some(acc) => acc.append(data).map_err(|d| {
            ProcessorError(format!(
                "batch received {} data in a pipeline of another signal; it was dropped",
                d.signal()
            ))
        }),
    }
}

impl Processor for BatchProcessor {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let n = data.item_count();
        if n == 0 {
            return Ok(());
        }
        // Batching moves records into one buffer: copies only when another pipeline shares `data`.
        append(&mut self.pending, Arc::unwrap_or_clone(data))?;
        self.pending_items += n;
        if self.pending_items >= self.config.send_batch_size || self.timeout().is_zero() {
            self.emit(out);
        } else if self.deadline.is_none() {
            // Checked: a timeout that slipped past validation must not panic the pipeline.
            self.deadline = Some(dbintel_core::duration::deadline_after(Instant::now(), self.timeout()));
        }
        Ok(())
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.deadline
    }

    fn on_timer(&mut self, out: &mut Vec<Arc<SignalData>>) {
        self.emit(out);
    }

    fn flush(&mut self, out: &mut Vec<Arc<SignalData>>) {
        self.emit(out);
    }
}

pub struct BatchFactory;

const METADATA_IGNORED: &str = "dbintel's receivers carry no client metadata, so one batcher serves all data";

impl TypedFactory for BatchFactory {
    type Config = BatchConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "batch",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Beta,
        description: "Groups data into batches by size (send_batch_size) and time (timeout).",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] =
        &[("metadata_keys", METADATA_IGNORED), ("metadata_cardinality_limit", METADATA_IGNORED)];

    fn check(&self, config: &BatchConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, _ctx: &CreateContext, config: BatchConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Processor(Box::new(BatchProcessor::new(config))))
    }
}

#[cfg(test)]
mod tests;
