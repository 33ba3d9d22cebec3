//! Failure streaks of one exporter: what is logged about failing deliveries, and the health status.
//!
//! Logging is once per streak, as elsewhere in dbintel: the first failure of a streak is logged
//! with its error; within the streak only the first drop of each reason is logged (data loss is
//! never silent), plus a summary with the counts at most every [`SUMMARY_EVERY`]; when a delivery
//! succeeds again (or at shutdown) one line closes the streak with its totals. A streak that starts
//! within [`SUMMARY_EVERY`] of the last line (a flapping backend) starts silently and its counts are
//! carried into the next line, so the number of lines is bounded by time, never by the number of
//! failing requests or of streaks. The counts themselves are always exact in self-telemetry.
//!
//! While a streak runs, the exporter's health is `recoverable_error` with the last error text
//! (URL credentials redacted); a successful delivery sets it back to `ok`.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use dbintel_core::health::HealthHandle;
use dbintel_core::redact::redact_url_userinfo;
use tokio::time::Instant;
use tracing::{error, info, warn};

/// Longest silence within a failure streak: a summary line is logged at most this often.
pub(crate) const SUMMARY_EVERY: Duration = Duration::from_secs(60);

/// Longest error text kept for logs and health (an error body can be large).
const MAX_ERROR_CHARS: usize = 512;

/// One failed delivery.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure<'a> {
    /// An attempt failed; the request will be retried after `retry_in`.
    Retrying { error: &'a str, retry_in: Duration },
    /// A request (or part of one) was given up for good: `reason` as in
    /// `dbintel_exporter_dropped_*_total{reason}`.
    Dropped { reason: &'static str, error: &'a str, items: u64 },
}

#[derive(Default)]
struct State {
    /// When the counted period started (the first failure after the last logged end).
    started: Option<Instant>,
    /// A streak is running (no success since the last failure).
    active: bool,
    /// The running streak's start was logged (so its end will be).
    announced: bool,
    /// When the last line was logged.
    last_summary: Option<Instant>,
    failed_attempts: u64,
    dropped_requests: u64,
    dropped_items: u64,
    /// Drop reasons already logged in this streak.
    logged_reasons: Vec<&'static str>,
    last_error: String,
}

/// The failure streak of one exporter (shared by its consumers).
pub(crate) struct Streak {
    label: String,
    /// What the streak is about, for the log lines (`Exporting`, `Partial success`...).
    what: &'static str,
    state: Mutex<State>,
    /// Set when the runtime hands the exporter its status handle; the streak then reports health.
    health: OnceLock<HealthHandle>,
}

/// The error as it may be shown: credentials in URLs redacted, length bounded.
pub(crate) fn shown_error(error: &str) -> String {
    let redacted = redact_url_userinfo(error);
    match redacted.char_indices().nth(MAX_ERROR_CHARS) {
        Some((cut, _)) => format!("{}...", &redacted[..cut]),
        None => redacted.into_owned(),
    }
}

impl Streak {
    pub(crate) fn new(label: &str, what: &'static str) -> Self {
        Self { label: label.to_string(), what, state: Mutex::new(State::default()), health: OnceLock::new() }
    }

    pub(crate) fn attach_health(&self, health: HealthHandle) {
        let _ = self.health.set(health);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Reports the exporter as failing (health only; e.g. the sending queue refuses data).
    pub(crate) fn unhealthy(&self, error: &str) {
        if let Some(h) = self.health.get() {
            h.recoverable(shown_error(error));
        }
    }

    /// Records one failure; logs only what the streak has not said yet.
    pub(crate) fn failure(&self, failure: Failure<'_>) {
        let (error, dropped) = match failure {
            Failure::Retrying { error, .. } => (shown_error(error), None),
            Failure::Dropped { reason, error, items } => (shown_error(error), Some((reason, items))),
        };
        self.unhealthy(&error);
        let label = self.label.as_str();
        let what = self.what;
        let now = Instant::now();
        let mut s = self.lock();
        s.failed_attempts = s.failed_attempts.saturating_add(1);
        if let Some((_, items)) = dropped {
            s.dropped_requests = s.dropped_requests.saturating_add(1);
            s.dropped_items = s.dropped_items.saturating_add(items);
        }
        if s.started.is_none() {
            s.started = Some(now);
        }
        let quiet = s.last_summary.is_none_or(|t| now.duration_since(t) >= SUMMARY_EVERY);
        let starts = !s.active && quiet;
        if !s.active {
            s.active = true;
            s.announced = starts;
        }
        let new_reason = match dropped {
            Some((reason, _)) if (starts || s.announced) && !s.logged_reasons.contains(&reason) => {
                s.logged_reasons.push(reason);
                Some(reason)
            }
            _ => None,
        };
        let summary_due = !starts && new_reason.is_none() && quiet;
        if starts || new_reason.is_some() || summary_due {
            s.last_summary = Some(now);
        }
        let (attempts, requests, items) = (s.failed_attempts, s.dropped_requests, s.dropped_items);
        let lasted = s.started.map(|t| now.duration_since(t)).unwrap_or_default();
        s.last_error.clone_from(&error);
        drop(s);

        match (failure, new_reason) {
            (Failure::Dropped { items, .. }, Some(reason)) => error!(
                exporter = label,
                reason,
                items,
                error = %error,
                "{what} failed; the data was dropped. Further failures are summarised until it recovers."
            ),
            (Failure::Retrying { retry_in, .. }, _) if starts => warn!(
                exporter = label,
                error = %error,
                retry_in = ?retry_in,
                "{what} failed; will retry. Further failures are summarised until it recovers."
            ),
            _ if summary_due => warn!(
                exporter = label,
                failed_attempts = attempts,
                dropped_requests = requests,
                dropped_items = items,
                failing_for = ?lasted,
                last_error = %error,
                "{what} is still failing."
            ),
            _ => {}
        }
    }

    /// A delivery succeeded: ends the streak (one line with its totals) and reports `ok`.
    pub(crate) fn success(&self) {
        if let Some(h) = self.health.get() {
            h.ok();
        }
        self.end(false);
    }

    /// Shutdown: one line with the totals not yet logged, if any.
    pub(crate) fn finish(&self) {
        self.end(true);
    }

    fn end(&self, at_shutdown: bool) {
        let mut s = self.lock();
        let Some(started) = s.started else { return };
        if !at_shutdown {
            if !s.active {
                return;
            }
            s.active = false;
            if !s.announced {
                // A silent streak (started soon after the last line): its counts go into the next line.
                return;
            }
        }
        let old = std::mem::take(&mut *s);
        s.last_summary = Some(Instant::now());
        drop(s);
        let how = if at_shutdown { "ended at shutdown" } else { "recovered" };
        info!(
            exporter = %self.label,
            failed_attempts = old.failed_attempts,
            dropped_requests = old.dropped_requests,
            dropped_items = old.dropped_items,
            lasted = ?started.elapsed(),
            last_error = %old.last_error,
            "{} failure streak {how}.",
            self.what
        );
    }
}
