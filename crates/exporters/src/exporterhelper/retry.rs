//! Exponential backoff with jitter, as cenkalti/backoff (used by the Collector) computes it.

use std::time::Duration;

use super::RetryConfig;

/// The wait before each retry of one request.
#[derive(Debug, Clone)]
pub struct Backoff {
    current: Duration,
    max_interval: Duration,
    multiplier: f64,
    randomization_factor: f64,
}

impl Backoff {
    pub fn new(cfg: &RetryConfig) -> Self {
        Self {
            current: cfg.initial_interval.get(),
            max_interval: cfg.max_interval.get().max(cfg.initial_interval.get()),
            multiplier: if cfg.multiplier.is_finite() { cfg.multiplier.max(1.0) } else { 1.0 },
            randomization_factor: if cfg.randomization_factor.is_finite() {
                cfg.randomization_factor.clamp(0.0, 1.0)
            } else {
                0.0
            },
        }
    }

    /// The next wait: the current interval with jitter; then the interval grows up to the cap.
    pub fn next_delay(&mut self) -> Duration {
        let base = self.current.as_secs_f64();
        let delta = self.randomization_factor * base;
        let low = base - delta;
        let high = base + delta;
        let delay = low + (high - low) * unit_random();
        let next = (base * self.multiplier).min(self.max_interval.as_secs_f64());
        self.current = Duration::try_from_secs_f64(next).unwrap_or(self.max_interval);
        Duration::try_from_secs_f64(delay.max(0.0)).unwrap_or(self.max_interval)
    }
}

/// A number in [0, 1) from fastrand's thread-local generator (seeded per thread): enough for jitter.
fn unit_random() -> f64 {
    fastrand::f64()
}
