//! Reconnect backoff: 1s, 2s, 4s, ... capped at the caller's cap (the collection interval), with
//! jitter so that collectors restarted together do not reconnect in lockstep.

use std::time::Duration;

/// The first step.
pub const BACKOFF_START: Duration = Duration::from_secs(1);

/// Exponential backoff with jitter. Each wait is drawn from the upper half of its step (50-100%):
/// real jitter that only shortens a step, so a retry is never pushed past the next scrape and a
/// server that stays down is tried at most about once per cap.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
    cap: Duration,
}

impl Backoff {
    /// A backoff whose steps never exceed `cap` (at least [`BACKOFF_START`]).
    pub fn new(cap: Duration) -> Self {
        let cap = cap.max(BACKOFF_START);
        Self { next: BACKOFF_START, cap }
    }

    /// The longest step.
    pub fn cap(&self) -> Duration {
        self.cap
    }

    /// Back to the first step (after a success).
    pub fn reset(&mut self) {
        self.next = BACKOFF_START;
    }

    /// The wait before the next attempt; grows the step.
    pub fn next_delay(&mut self) -> Duration {
        let base = self.next.min(self.cap);
        self.next = self.next.saturating_mul(2).min(self.cap);
        // 0..1 from a non-cryptographic source: jitter needs no secrecy.
        base.mul_f64(0.5 + 0.5 * fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_double_up_to_the_cap_and_restart_after_reset() {
        let mut b = Backoff::new(Duration::from_secs(8));
        let steps: Vec<Duration> = (0..6).map(|_| b.next_delay()).collect();
        for (step, want) in steps.iter().zip([1u64, 2, 4, 8, 8, 8]) {
            let want = Duration::from_secs(want);
            assert!(*step <= want && *step >= want / 2, "{steps:?}");
        }
        b.reset();
        assert!(b.next_delay() <= BACKOFF_START);
        assert_eq!(Backoff::new(Duration::from_millis(100)).cap(), BACKOFF_START);
    }

    #[test]
    fn the_jitter_is_real() {
        let mut b = Backoff::new(Duration::from_secs(60));
        let first: Vec<Duration> = (0..20)
            .map(|_| {
                b.reset();
                b.next_delay()
            })
            .collect();
        assert!(first.iter().any(|d| *d != first[0]), "{first:?}");
    }
}
