//! The `feature_detection` block, the same in the `postgresql`, `mysql` and `enhancedsql` receivers
//! (the prototype's keys and defaults).

use std::time::Duration;

use dbintel_core::duration::ranges;
use dbintel_core::{ConfigProblem, DurationRange, GoDuration, check_durations};
use serde::Deserialize;

/// Accepted `timeout_per_check`: 100ms to 1m.
pub const CHECK_TIMEOUT_RANGE: DurationRange =
    DurationRange::new(Duration::from_millis(100), Duration::from_secs(60));
/// Accepted `retry_delay`: 0 to 1m.
pub const RETRY_DELAY_RANGE: DurationRange = DurationRange::new(Duration::ZERO, Duration::from_secs(60));
/// Accepted `retry_attempts`: at most this many.
pub const MAX_RETRY_ATTEMPTS: u32 = 10;

fn default_cache_duration() -> GoDuration {
    GoDuration::from_secs(300)
}
fn default_refresh_interval() -> GoDuration {
    GoDuration::from_secs(1800)
}
fn default_timeout_per_check() -> GoDuration {
    GoDuration::from_secs(3)
}
fn default_retry_attempts() -> u32 {
    3
}
fn default_retry_delay() -> GoDuration {
    GoDuration::from_secs(1)
}

/// Feature detection: which extensions, settings, privileges, performance_schema consumers and
/// cloud flavour the server offers, detected at connect, cached, and emitted as
/// `db.feature.extension.available` and `db.feature.capability.available`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeatureDetectionConfig {
    /// Detect and emit features. Default: on in `enhancedsql` (it chooses its queries from them),
    /// off in `postgresql` and `mysql` (their output stays contrib's unless asked).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// A detection is reused for at least this long: a query failing because a feature went away
    /// triggers a new detection only when the last one is older (1s to 7 days).
    #[serde(default = "default_cache_duration")]
    pub cache_duration: GoDuration,
    /// Features are detected again this often, and after every reconnect (1s to 7 days).
    #[serde(default = "default_refresh_interval")]
    pub refresh_interval: GoDuration,
    /// Time limit of each probe statement (100ms to 1m).
    #[serde(default = "default_timeout_per_check")]
    pub timeout_per_check: GoDuration,
    /// Attempts of a detection whose first probe (the version) fails, before giving up until the
    /// next refresh (1 to 10).
    #[serde(default = "default_retry_attempts")]
    pub retry_attempts: u32,
    /// Wait between those attempts (0 to 1m).
    #[serde(default = "default_retry_delay")]
    pub retry_delay: GoDuration,
    /// Do not look for the cloud flavour (RDS, Aurora, Cloud SQL, Azure settings and functions).
    #[serde(default)]
    pub skip_cloud_detection: bool,
}

impl Default for FeatureDetectionConfig {
    fn default() -> Self {
        Self {
            enabled: None,
            cache_duration: default_cache_duration(),
            refresh_interval: default_refresh_interval(),
            timeout_per_check: default_timeout_per_check(),
            retry_attempts: default_retry_attempts(),
            retry_delay: default_retry_delay(),
            skip_cloud_detection: false,
        }
    }
}

impl FeatureDetectionConfig {
    /// Whether detection runs, given the receiver's default.
    pub fn enabled_or(&self, default: bool) -> bool {
        self.enabled.unwrap_or(default)
    }

    /// Every problem, with key paths under `prefix` (e.g. `feature_detection`).
    pub fn problems(&self, prefix: &str) -> Vec<ConfigProblem> {
        let mut p: Vec<ConfigProblem> = check_durations(&[
            ("cache_duration", self.cache_duration.get(), ranges::CACHE_TTL),
            ("refresh_interval", self.refresh_interval.get(), ranges::CACHE_TTL),
            ("timeout_per_check", self.timeout_per_check.get(), CHECK_TIMEOUT_RANGE),
            ("retry_delay", self.retry_delay.get(), RETRY_DELAY_RANGE),
        ]);
        if self.retry_attempts == 0 || self.retry_attempts > MAX_RETRY_ATTEMPTS {
            p.push(ConfigProblem::new("retry_attempts", format!("must be 1 to {MAX_RETRY_ATTEMPTS}")));
        }
        if self.cache_duration.get() > self.refresh_interval.get() {
            p.push(ConfigProblem::new(
                "cache_duration",
                "must not be longer than refresh_interval (a detection is refreshed before it could expire)",
            ));
        }
        p.into_iter().map(|x| ConfigProblem::new(format!("{prefix}.{}", x.path), x.message)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_prototypes_and_problems_carry_the_prefix() {
        let c: FeatureDetectionConfig = serde_json::from_str("{}").unwrap_or_default();
        assert_eq!(c.cache_duration.get(), Duration::from_secs(300));
        assert_eq!(c.refresh_interval.get(), Duration::from_secs(1800));
        assert_eq!(c.timeout_per_check.get(), Duration::from_secs(3));
        assert_eq!(c.retry_attempts, 3);
        assert!(c.problems("feature_detection").is_empty());
        assert!(c.enabled_or(true) && !c.enabled_or(false));
        let bad = FeatureDetectionConfig { retry_attempts: 0, ..FeatureDetectionConfig::default() };
        let p = bad.problems("feature_detection");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path, "feature_detection.retry_attempts");
    }
}
