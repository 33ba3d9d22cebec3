//! The pieces of a receiver's scrape loop: the `otelcol_scraper_*` self-telemetry every scraper
//! reports, the interval ticker (no burst of catch-up scrapes after a slow one), and the
//! once-per-streak reporter (a failure is logged when it starts and when it ends, not every
//! interval in between).

use std::time::Duration;

use dbintel_core::telemetry::{Counter, DURATION_BUCKETS, Histogram, Registry};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The self-telemetry of one scraping receiver, labelled `receiver=<id>`, with the Collector's
/// scraper names.
#[derive(Clone)]
pub struct ScraperTelemetry {
    /// `otelcol_scraper_scraped_metric_points`.
    pub scraped_points: Counter,
    /// `otelcol_scraper_errored_metric_points`.
    pub errored_points: Counter,
    /// `dbintel_scrape_duration_seconds`.
    pub duration: Histogram,
}

impl ScraperTelemetry {
    pub fn new(registry: &Registry, receiver: &str) -> Self {
        let labels = [("receiver", receiver)];
        Self {
            scraped_points: registry.counter(
                "otelcol_scraper_scraped_metric_points",
                "Metric points successfully scraped",
                &labels,
            ),
            errored_points: registry.counter(
                "otelcol_scraper_errored_metric_points",
                "Metric points that could not be scraped",
                &labels,
            ),
            duration: registry.histogram(
                "dbintel_scrape_duration_seconds",
                "Duration of one scrape",
                "s",
                &labels,
                DURATION_BUCKETS,
            ),
        }
    }
}

/// Scrape deadlines every `interval`: after a scrape that overran, the next one starts at once and
/// the schedule continues from there (no burst of catch-up scrapes).
#[derive(Debug, Clone)]
pub struct Ticker {
    interval: Duration,
    next: Instant,
}

impl Ticker {
    /// The first tick is due now.
    pub fn new(interval: Duration) -> Self {
        Self { interval, next: Instant::now() }
    }

    /// Waits for the next tick; false when `shutdown` came first.
    pub async fn tick(&mut self, shutdown: &CancellationToken) -> bool {
        tokio::select! {
            _ = shutdown.cancelled() => false,
            _ = tokio::time::sleep_until(self.next) => {
                let now = Instant::now();
                let next = dbintel_core::duration::deadline_after(self.next, self.interval);
                // Late (the last scrape overran): this tick is the one catch-up; the schedule
                // continues from now.
                self.next = if next <= now { dbintel_core::duration::deadline_after(now, self.interval) } else { next };
                true
            }
        }
    }
}

/// Failure streak of one thing (a query, a connection): report when it starts and when it ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Streak {
    failing: bool,
}

impl Streak {
    /// Records a failure; true when it starts a streak (the one time to report it).
    pub fn fail(&mut self) -> bool {
        !std::mem::replace(&mut self.failing, true)
    }

    /// Records a success; true when it ends a streak (the time to report the recovery).
    pub fn succeed(&mut self) -> bool {
        std::mem::replace(&mut self.failing, false)
    }

    pub fn is_failing(&self) -> bool {
        self.failing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streak_is_reported_once_and_its_end_once() {
        let mut s = Streak::default();
        assert!(!s.succeed());
        assert!(s.fail());
        assert!(!s.fail() && !s.fail());
        assert!(s.is_failing());
        assert!(s.succeed());
        assert!(!s.succeed());
        assert!(s.fail());
    }

    #[test]
    fn telemetry_uses_the_collector_names() {
        let registry = Registry::new();
        let t = ScraperTelemetry::new(&registry, "sqlquery/x");
        t.scraped_points.add(3);
        let names: Vec<String> = registry.snapshot().iter().map(|f| f.name.clone()).collect();
        for want in ["otelcol_scraper_scraped_metric_points", "otelcol_scraper_errored_metric_points"] {
            assert!(names.iter().any(|n| n == want), "{names:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_overrun_does_not_cause_a_burst_of_ticks() {
        let shutdown = CancellationToken::new();
        let mut t = Ticker::new(Duration::from_secs(10));
        assert!(t.tick(&shutdown).await);
        // A scrape that took three intervals.
        tokio::time::advance(Duration::from_secs(30)).await;
        let before = Instant::now();
        assert!(t.tick(&shutdown).await);
        assert_eq!(Instant::now(), before, "due at once after an overrun");
        assert!(t.tick(&shutdown).await);
        assert_eq!(Instant::now() - before, Duration::from_secs(10), "then one interval later, not a burst");
        shutdown.cancel();
        assert!(!t.tick(&shutdown).await);
    }
}
