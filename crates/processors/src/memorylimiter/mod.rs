//! `memory_limiter` (metrics, logs): refuses data while the process uses more memory than a soft
//! limit, so the collector stops taking in data before it grows past its limit.
//!
//! The Collector core's processor of the same name, on resident memory: a checker thread reads the
//! process's RSS (`/proc/self/statm`) every `check_interval`. At or above the soft limit
//! (`limit - spike`) the processor refuses whole batches (nothing half-processed, refused items
//! counted) and votes `Skip` for every receiver through admission, so scrapes stop before they
//! collect; at or above the hard limit it also asks the allocator to give free memory back to the
//! system (Rust has no garbage collector to force: the allocator's collect, registered by the binary), at most as often as the
//! `min/max_gc_interval_*` keys allow. Below the soft limit everything resumes.

mod limiter;
mod limits;
mod processor;

use std::time::Duration;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::{ComponentKind, DurationRange, GoDuration, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

pub use limiter::{Limiter, MemorySource, ProcessMemory};
pub use limits::{Limits, TotalMemory, total_memory};
pub use processor::MemoryLimiterProcessor;

const MIB: u64 = 1024 * 1024;

/// `check_interval`: how often memory is read.
pub const CHECK_INTERVAL_RANGE: DurationRange =
    DurationRange::new(Duration::from_millis(1), Duration::from_secs(3600));
/// The release (the Collector's "GC") intervals: `0` means none.
const RELEASE_INTERVAL_RANGE: DurationRange =
    DurationRange::new(Duration::from_millis(1), Duration::from_secs(86_400)).or_zero("no minimum");
const RELEASE_MAX_RANGE: DurationRange =
    DurationRange::new(Duration::from_millis(1), Duration::from_secs(86_400)).or_zero("no backoff");

/// Config of the `memory_limiter` processor: the Collector's keys and defaults.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MemoryLimiterConfig {
    /// Time between two readings of the process's memory (resident set size). Required; the
    /// Collector recommends 1s. A shorter interval lets a smaller `spike_limit_mib` do.
    pub check_interval: GoDuration,
    /// Hard limit in MiB of resident memory. One of `limit_mib` or `limit_percentage` is required.
    pub limit_mib: u32,
    /// Most memory (MiB) expected to be added between two checks; the soft limit, where data is
    /// refused, is `limit_mib - spike_limit_mib`. `0` = 20% of `limit_mib`.
    pub spike_limit_mib: u32,
    /// Hard limit in percent of the memory available: the cgroup's limit (v2 `memory.max`, v1
    /// `memory.limit_in_bytes`), else the host's total memory. Instead of `limit_mib`.
    pub limit_percentage: u32,
    /// With `limit_percentage`: the spike in percent of the same memory. `0` = 20% of the limit.
    pub spike_limit_percentage: u32,
    /// Least time between two releases of free memory to the system while above the soft limit
    /// (the Collector's forced GC).
    pub min_gc_interval_when_soft_limited: GoDuration,
    /// Least time between two releases while above the hard limit.
    pub min_gc_interval_when_hard_limited: GoDuration,
    /// A release that gives back less than 5% backs off (doubling) up to this interval while above
    /// the soft limit; `0` = no backoff.
    pub max_gc_interval_when_soft_limited: GoDuration,
    /// The same cap above the hard limit; `0` = no backoff.
    pub max_gc_interval_when_hard_limited: GoDuration,
}

impl Default for MemoryLimiterConfig {
    fn default() -> Self {
        Self {
            check_interval: GoDuration::default(),
            limit_mib: 0,
            spike_limit_mib: 0,
            limit_percentage: 0,
            spike_limit_percentage: 0,
            min_gc_interval_when_soft_limited: GoDuration::from_secs(10),
            min_gc_interval_when_hard_limited: GoDuration::default(),
            max_gc_interval_when_soft_limited: GoDuration::from_secs(30),
            max_gc_interval_when_hard_limited: GoDuration::from_secs(30),
        }
    }
}

impl MemoryLimiterConfig {
    /// Every problem of the config, each naming its key and the fix. Values are not repeated (they
    /// may come from placeholders).
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        let check = self.check_interval.get();
        if check.is_zero() {
            p.push(ConfigProblem::new(
                "check_interval",
                "must be greater than zero: memory is read every check_interval (1s is the usual value)",
            ));
        } else {
            p.extend(CHECK_INTERVAL_RANGE.check("check_interval", check));
        }
        match (self.limit_mib, self.limit_percentage) {
            (0, 0) => p.push(ConfigProblem::new(
                "limit_mib",
                "set `limit_mib` (MiB of resident memory) or `limit_percentage` (of the cgroup's or host's memory)",
            )),
            (m, pct) if m > 0 && pct > 0 => p.push(ConfigProblem::new(
                "limit_percentage",
                "`limit_mib` and `limit_percentage` are both set: keep one (the Collector silently uses `limit_mib`)",
            )),
            _ => {}
        }
        if self.limit_percentage > 100 {
            p.push(ConfigProblem::new("limit_percentage", "must be 1 to 100 (percent)"));
        }
        if self.spike_limit_percentage > 100 {
            p.push(ConfigProblem::new("spike_limit_percentage", "must be 0 to 100 (percent)"));
        }
        if self.limit_mib > 0 && self.spike_limit_mib >= self.limit_mib {
            p.push(ConfigProblem::new(
                "spike_limit_mib",
                "must be smaller than `limit_mib` (the soft limit is limit_mib - spike_limit_mib; 20% of the limit is usual)",
            ));
        }
        if self.limit_percentage > 0 && self.spike_limit_percentage >= self.limit_percentage {
            p.push(ConfigProblem::new(
                "spike_limit_percentage",
                "must be smaller than `limit_percentage` (20% of the limit is usual)",
            ));
        }
        if self.limit_mib == 0 && self.limit_percentage > 0 && self.spike_limit_mib > 0 {
            p.push(ConfigProblem::new(
                "spike_limit_mib",
                "goes with `limit_mib`; with `limit_percentage` set `spike_limit_percentage`",
            ));
        }
        if self.limit_mib > 0 && self.limit_percentage == 0 && self.spike_limit_percentage > 0 {
            p.push(ConfigProblem::new(
                "spike_limit_percentage",
                "goes with `limit_percentage`; with `limit_mib` set `spike_limit_mib`",
            ));
        }
        let (min_soft, min_hard) =
            (self.min_gc_interval_when_soft_limited.get(), self.min_gc_interval_when_hard_limited.get());
        let (max_soft, max_hard) =
            (self.max_gc_interval_when_soft_limited.get(), self.max_gc_interval_when_hard_limited.get());
        p.extend(RELEASE_INTERVAL_RANGE.check("min_gc_interval_when_soft_limited", min_soft));
        p.extend(RELEASE_INTERVAL_RANGE.check("min_gc_interval_when_hard_limited", min_hard));
        p.extend(RELEASE_MAX_RANGE.check("max_gc_interval_when_soft_limited", max_soft));
        p.extend(RELEASE_MAX_RANGE.check("max_gc_interval_when_hard_limited", max_hard));
        if min_soft < min_hard {
            p.push(ConfigProblem::new(
                "min_gc_interval_when_soft_limited",
                "must be at least `min_gc_interval_when_hard_limited` (the hard limit is the more urgent one)",
            ));
        }
        if !max_soft.is_zero() && max_soft < min_soft {
            p.push(ConfigProblem::new(
                "max_gc_interval_when_soft_limited",
                "must be at least `min_gc_interval_when_soft_limited`, or 0 to disable the backoff",
            ));
        }
        if !max_hard.is_zero() && max_hard < min_hard {
            p.push(ConfigProblem::new(
                "max_gc_interval_when_hard_limited",
                "must be at least `min_gc_interval_when_hard_limited`, or 0 to disable the backoff",
            ));
        }
        if !max_soft.is_zero() && !max_hard.is_zero() && max_soft < max_hard {
            p.push(ConfigProblem::new(
                "max_gc_interval_when_soft_limited",
                "must be at least `max_gc_interval_when_hard_limited` when both are set",
            ));
        }
        p
    }
}

pub struct MemoryLimiterFactory;

impl TypedFactory for MemoryLimiterFactory {
    type Config = MemoryLimiterConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "memory_limiter",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Beta,
        description: "Refuses data and holds receivers while resident memory is above a soft limit (cgroup-aware).",
    };

    fn check(&self, config: &MemoryLimiterConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, ctx: &CreateContext, config: MemoryLimiterConfig) -> Result<Built, Vec<ConfigProblem>> {
        let p = config.problems();
        if !p.is_empty() {
            return Err(p);
        }
        // Built once per pipeline; every pipeline's instance shares one limiter (one checker, one
        // vote), as in the Collector.
        let limits = Limits::resolve(&config, &total_memory).map_err(|e| vec![e])?;
        let limiter = ctx.host.shared(&ctx.id, || {
            Limiter::new(
                ctx.id.to_string(),
                limits,
                &config,
                std::sync::Arc::new(ProcessMemory::new()),
                ctx.host.admission().clone(),
                &ctx.telemetry,
            )
        });
        let pipeline = ctx.pipeline.clone();
        Ok(Built::Processor(Box::new(MemoryLimiterProcessor::new(limiter, pipeline, &ctx.telemetry))))
    }
}

#[cfg(test)]
mod tests;
