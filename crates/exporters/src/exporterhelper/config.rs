//! `retry_on_failure` and `sending_queue` blocks, with the Collector's keys and defaults.

use dbintel_core::duration::ranges;
use dbintel_core::{ComponentId, ConfigProblem, GoDuration, check_durations};
use serde::Deserialize;

/// `retry_on_failure`: exponential backoff with jitter for retryable failures.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RetryConfig {
    /// `false`: a retryable failure drops the request at once (counted `retries_exhausted`).
    pub enabled: bool,
    /// First wait after a failure (5s).
    pub initial_interval: GoDuration,
    /// Cap of one wait (30s).
    pub max_interval: GoDuration,
    /// Give up on a request after this long (300s); a server's Retry-After is honoured up to it.
    /// `0` retries forever (the queue still bounds what is kept; a Retry-After is capped at 1h).
    pub max_elapsed_time: GoDuration,
    /// Growth of the wait after each failure (1.5).
    pub multiplier: f64,
    /// Jitter: each wait is drawn from `[w*(1-f), w*(1+f)]` (0.5).
    pub randomization_factor: f64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            initial_interval: GoDuration::from_secs(5),
            max_interval: GoDuration::from_secs(30),
            max_elapsed_time: GoDuration::from_secs(300),
            multiplier: 1.5,
            randomization_factor: 0.5,
        }
    }
}

impl RetryConfig {
    /// Every problem, with paths relative to the block (prefix them with `retry_on_failure.`).
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if !self.enabled {
            return p;
        }
        p.extend(check_durations(&[
            ("initial_interval", self.initial_interval.get(), ranges::RETRY_INTERVAL),
            ("max_interval", self.max_interval.get(), ranges::RETRY_INTERVAL),
            ("max_elapsed_time", self.max_elapsed_time.get(), ranges::RETRY_MAX_ELAPSED),
        ]));
        if self.max_interval.get() < self.initial_interval.get() {
            p.push(ConfigProblem::new("max_interval", "must not be less than initial_interval"));
        }
        if !self.multiplier.is_finite() || self.multiplier < 1.0 {
            p.push(ConfigProblem::new("multiplier", "must be a number of at least 1"));
        }
        if !self.randomization_factor.is_finite() || !(0.0..=1.0).contains(&self.randomization_factor) {
            p.push(ConfigProblem::new("randomization_factor", "must be between 0 and 1"));
        }
        p
    }
}

/// `sending_queue`: requests wait here for one of `num_consumers` senders.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct QueueConfig {
    /// `false`: `export` sends (with retries) before it returns: backpressure, no buffering.
    pub enabled: bool,
    /// Concurrent senders (10).
    pub num_consumers: usize,
    /// Capacity in `sizer` units (1000). With `storage`, it bounds the files on disk (plus one file
    /// per consumer in flight).
    pub queue_size: usize,
    /// What `queue_size` counts: `requests` (default), `items` (metric points, log records) or
    /// `bytes` (encoded protobuf bytes).
    pub sizer: QueueSizer,
    /// `true`: `export` waits until its data is delivered (or dropped) and returns the outcome,
    /// so the caller sees failures; the queue still orders and batches the requests.
    pub wait_for_result: bool,
    /// Combine queued requests into larger ones before sending. `batch: {enabled: false}` (the
    /// Collector's `configoptional` form) is the same as no `batch`.
    #[serde(deserialize_with = "enabled_batch")]
    pub batch: Option<QueueBatchConfig>,
    /// A `file_storage` extension id (`file_storage` or `file_storage/<name>`): the queue lives on
    /// disk, survives restarts and kill -9, and is replayed at start.
    pub storage: Option<String>,
    /// `false` (default): a full queue rejects the new request (counted `enqueue_failed`, logged).
    /// `true`: `export` waits for room, so backpressure reaches the receivers.
    pub block_on_overflow: bool,
    /// dbintel extension: cap of the queued requests' encoded bytes, in MiB (256). The in-memory queue
    /// holds requests encoded, so this is what it holds; for the persistent one it bounds disk.
    pub max_size_mib: u64,
}

/// `batch` present (even empty) means batching, unless it says `enabled: false`.
fn enabled_batch<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<QueueBatchConfig>, D::Error> {
    let b = Option::<QueueBatchConfig>::deserialize(d)?.unwrap_or_default();
    Ok(b.enabled.then_some(b))
}

/// `sending_queue.batch`: consumers combine queued requests of the same signal until `min_size` is
/// reached or `flush_timeout` has passed since the first, never past `max_size`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct QueueBatchConfig {
    /// `false` turns batching off (the Collector's `configoptional` key); default `true`.
    pub enabled: bool,
    /// Longest a batch waits for more data after its first request (200ms).
    pub flush_timeout: GoDuration,
    /// Send once the batch holds this much, in `sizer` units (8192).
    pub min_size: u64,
    /// Never combine past this size (0: no limit). A single request above it is sent as it is.
    pub max_size: u64,
    /// What the sizes count: `items` (default), `bytes` or `requests`.
    pub sizer: QueueSizer,
}

impl Default for QueueBatchConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            flush_timeout: GoDuration::from_millis(200),
            min_size: 8192,
            max_size: 0,
            sizer: QueueSizer::Items,
        }
    }
}

/// How the queue is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum QueueSizer {
    #[default]
    Requests,
    Items,
    Bytes,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            num_consumers: 10,
            queue_size: 1000,
            sizer: QueueSizer::Requests,
            wait_for_result: false,
            batch: None,
            storage: None,
            block_on_overflow: false,
            max_size_mib: 256,
        }
    }
}

/// Upper bound of `queue_size`, so a typo cannot ask for an unbounded queue.
pub const MAX_QUEUE_SIZE: usize = 1_000_000;
/// Upper bound of `queue_size` with `sizer: bytes` (1 TiB).
pub const MAX_QUEUE_BYTES: usize = 1 << 40;
/// Upper bound of `num_consumers`.
pub const MAX_CONSUMERS: usize = 1_000;

impl QueueConfig {
    /// Every problem, with paths relative to the block (prefix them with `sending_queue.`).
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if !self.enabled {
            return p;
        }
        if self.num_consumers == 0 || self.num_consumers > MAX_CONSUMERS {
            p.push(ConfigProblem::new("num_consumers", format!("must be between 1 and {MAX_CONSUMERS}")));
        }
        let max = if self.sizer == QueueSizer::Bytes { MAX_QUEUE_BYTES } else { MAX_QUEUE_SIZE };
        if self.queue_size == 0 || self.queue_size > max {
            p.push(ConfigProblem::new("queue_size", format!("must be between 1 and {max}")));
        }
        if self.sizer == QueueSizer::Items && self.storage.is_some() {
            p.push(ConfigProblem::new(
                "sizer",
                "`items` cannot bound a persistent queue (requests found on disk at start are not counted \
                 by item): use `requests` or `bytes` with `storage`",
            ));
        }
        if let Some(b) = &self.batch {
            if self.storage.is_some() {
                p.push(ConfigProblem::new(
                    "batch",
                    "is not supported with `storage` (each request is one file on disk): batch before the \
                     queue with the `batch` processor",
                ));
            }
            p.extend(
                dbintel_core::duration::ranges::RETRY_INTERVAL
                    .check("batch.flush_timeout", b.flush_timeout.get()),
            );
            if b.max_size != 0 && b.max_size < b.min_size {
                p.push(ConfigProblem::new("batch.max_size", "must be 0 (no limit) or at least min_size"));
            }
        }
        if self.max_size_mib == 0 {
            p.push(ConfigProblem::new("max_size_mib", "must be at least 1"));
        }
        if let Some(s) = &self.storage {
            match s.parse::<ComponentId>() {
                Ok(id) if id.type_name() == "file_storage" => {}
                Ok(_) => p.push(ConfigProblem::new(
                    "storage",
                    format!(
                        "`{s}` is not a file_storage extension (use `file_storage` or `file_storage/<name>`)"
                    ),
                )),
                Err(e) => p.push(ConfigProblem::new("storage", format!("`{s}`: {e}"))),
            }
        }
        p
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_size_mib.saturating_mul(1024 * 1024)
    }
}
