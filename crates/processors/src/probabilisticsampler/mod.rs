//! `probabilistic_sampler` (logs, traces): the Collector's probabilistic sampler for log records
//! and spans (spans: randomness from the trace id or the tracestate's `rv`, the threshold kept in
//! the tracestate's `ot=th:...`, the OpenTracing `sampling.priority` attribute honoured). Modes
//! `hash_seed` (FNV hash of the trace id or of a record attribute, 14 bits, as the Collector
//! computes it), `proportional` and `equalizing` (OTel consistent sampling from
//! `sampling.randomness` or the trace id); `sampling_priority`; `fail_closed` for records without
//! randomness. Kept records carry `sampling.threshold` (and, in hash_seed mode, the
//! `sampling.randomness` used), as the Collector writes them.

mod sampler;
pub mod sampling;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::{ComponentKind, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

pub use sampler::ProbabilisticSampler;
use sampling::MIN_SAMPLING_PROBABILITY;

/// `mode`.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// FNV hash of the trace id or of `from_attribute` with `hash_seed` (the Collector's default).
    HashSeed,
    /// OTel consistent sampling; multiplies the probability a record arrived with.
    Proportional,
    /// OTel consistent sampling; lowers the probability to the configured one at most.
    Equalizing,
}

/// `attribute_source`.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, Default)]
pub enum AttributeSource {
    /// The record's trace id, then `from_attribute` when there is none.
    #[default]
    #[serde(rename = "traceID")]
    TraceId,
    /// `from_attribute`.
    #[serde(rename = "record")]
    Record,
}

/// Config of the `probabilistic_sampler` processor (contrib's keys and defaults).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ProbabilisticSamplerConfig {
    /// Percent of records kept: 0 drops all, 100 or more keeps all.
    pub sampling_percentage: f32,
    /// Seed of the FNV hash (hash_seed mode); collectors of one tier must share it.
    pub hash_seed: u32,
    /// `hash_seed`, `proportional` or `equalizing`; unset means hash_seed.
    pub mode: Option<Mode>,
    /// Drop records whose randomness is missing or whose sampling attributes are invalid (else
    /// keep them).
    pub fail_closed: bool,
    /// Hex digits of the thresholds written (1-14).
    pub sampling_precision: u8,
    /// `traceID` or `record`: where hash_seed mode takes its randomness.
    pub attribute_source: AttributeSource,
    /// The record attribute hashed when the source is `record` or the record has no trace id.
    pub from_attribute: String,
    /// A record attribute holding a percentage that replaces `sampling_percentage` for that
    /// record (0 never, 100 or more always).
    pub sampling_priority: String,
}

impl Default for ProbabilisticSamplerConfig {
    fn default() -> Self {
        Self {
            sampling_percentage: 0.0,
            hash_seed: 0,
            mode: None,
            fail_closed: true,
            sampling_precision: 4,
            attribute_source: AttributeSource::TraceId,
            from_attribute: String::new(),
            sampling_priority: String::new(),
        }
    }
}

impl ProbabilisticSamplerConfig {
    /// The mode in effect (unset: hash_seed, as the Collector).
    pub fn effective_mode(&self) -> Mode {
        self.mode.unwrap_or(Mode::HashSeed)
    }

    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        let pct = f64::from(self.sampling_percentage);
        if !pct.is_finite() {
            p.push(ConfigProblem::new("sampling_percentage", format!("is not a number: {pct}")));
        } else if pct < 0.0 {
            p.push(ConfigProblem::new("sampling_percentage", format!("must not be negative; it is {pct}")));
        } else if pct > 0.0 && pct / 100.0 < MIN_SAMPLING_PROBABILITY {
            p.push(ConfigProblem::new(
                "sampling_percentage",
                format!("{pct}% is below the smallest expressible probability (2^-56); use 0 to drop all"),
            ));
        }
        if self.sampling_precision == 0 || usize::from(self.sampling_precision) > sampling::NUM_HEX_DIGITS {
            p.push(ConfigProblem::new(
                "sampling_precision",
                format!("must be 1 to 14 hex digits; it is {}", self.sampling_precision),
            ));
        }
        if self.attribute_source == AttributeSource::Record && self.from_attribute.is_empty() {
            p.push(ConfigProblem::new(
                "from_attribute",
                "is required with `attribute_source: record` (the attribute hashed for the decision)",
            ));
        }
        let mode = self.effective_mode();
        if mode != Mode::HashSeed {
            let name = if mode == Mode::Proportional { "proportional" } else { "equalizing" };
            let why = format!(
                "is used only by mode hash_seed; mode {name} takes randomness from the record's \
                 `sampling.randomness` or its trace id (OTEP 235), never from an attribute hash"
            );
            if self.attribute_source == AttributeSource::Record {
                p.push(ConfigProblem::new("attribute_source", format!("`record` {why}")));
            }
            if !self.from_attribute.is_empty() {
                p.push(ConfigProblem::new("from_attribute", why.clone()));
            }
            if self.hash_seed != 0 {
                p.push(ConfigProblem::new("hash_seed", why));
            }
        }
        p
    }
}

pub struct ProbabilisticSamplerFactory;

impl TypedFactory for ProbabilisticSamplerFactory {
    type Config = ProbabilisticSamplerConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "probabilistic_sampler",
        aliases: &[],
        signals: &[Signal::Logs, Signal::Traces],
        stability: Stability::Alpha,
        description: "The Collector's probabilistic sampler for logs and traces: hash_seed (FNV), proportional and equalizing modes, sampling priority, fail_closed.",
    };

    fn check(&self, config: &ProbabilisticSamplerConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    /// The logs-only keys in a traces pipeline (the Collector's traces sampler hashes the trace id
    /// and reads `sampling.priority`).
    fn check_for_signal(&self, config: &ProbabilisticSamplerConfig, signal: Signal) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if signal != Signal::Traces {
            return p;
        }
        let why = "is for logs only: a traces pipeline samples on the trace id (hash_seed) or the \
                   tracestate, and spans' own priority is their `sampling.priority` attribute";
        if config.attribute_source == AttributeSource::Record {
            p.push(ConfigProblem::new("attribute_source", format!("`record` {why}")));
        }
        if !config.from_attribute.is_empty() {
            p.push(ConfigProblem::new("from_attribute", why));
        }
        if !config.sampling_priority.is_empty() {
            p.push(ConfigProblem::new("sampling_priority", why));
        }
        p
    }

    fn build(
        &self,
        ctx: &CreateContext,
        config: ProbabilisticSamplerConfig,
    ) -> Result<Built, Vec<ConfigProblem>> {
        if let Some(signal) = ctx.pipeline.as_ref().map(|p| p.signal()) {
            let p = self.check_for_signal(&config, signal);
            if !p.is_empty() {
                return Err(p);
            }
        }
        let s = ProbabilisticSampler::new(&config, &ctx.telemetry, &ctx.id.to_string())?;
        Ok(Built::Processor(Box::new(s)))
    }
}

#[cfg(test)]
mod tests;
