//! The last detection and when to detect again.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::Features;

/// Why a detection is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// Nothing detected yet on this connection (first connect or a reconnect).
    Connected,
    /// `refresh_interval` passed since the last detection.
    Due,
    /// A query failed as if a feature went away, and the last detection is older than
    /// `cache_duration`.
    FeatureError,
    /// The last attempt failed; retried after `cache_duration`.
    Retry,
}

impl Refresh {
    pub fn as_str(self) -> &'static str {
        match self {
            Refresh::Connected => "connected",
            Refresh::Due => "refresh_interval",
            Refresh::FeatureError => "query_failed",
            Refresh::Retry => "retry",
        }
    }
}

/// The last detection of one server, shared cheaply (`Arc`) with the code that chooses queries.
#[derive(Debug)]
pub struct FeatureCache {
    cache_duration: Duration,
    refresh_interval: Duration,
    features: Option<Arc<Features>>,
    detected_at: Option<Instant>,
    /// A reason to detect before the regular refresh.
    pending: Option<Refresh>,
    /// A failed attempt: not before this instant again.
    retry_at: Option<Instant>,
}

impl FeatureCache {
    pub fn new(cache_duration: Duration, refresh_interval: Duration) -> Self {
        Self {
            cache_duration,
            refresh_interval,
            features: None,
            detected_at: None,
            pending: Some(Refresh::Connected),
            retry_at: None,
        }
    }

    /// The last successful detection (kept across a failed refresh and a reconnect, so queries are
    /// still chosen while the new detection is pending).
    pub fn get(&self) -> Option<&Arc<Features>> {
        self.features.as_ref()
    }

    /// The connection was (re)opened: detect again before the next collection.
    pub fn reconnected(&mut self) {
        self.pending = Some(Refresh::Connected);
        self.retry_at = None;
    }

    /// A query failed as if a feature went away. Returns whether this schedules a detection (the
    /// last one is older than `cache_duration`, or there is none).
    pub fn feature_error(&mut self, now: Instant) -> bool {
        let old = self.detected_at.is_none_or(|t| now.saturating_duration_since(t) >= self.cache_duration);
        if old && self.pending.is_none() {
            self.pending = Some(Refresh::FeatureError);
        }
        old
    }

    /// Whether a detection is due now, and why.
    pub fn due(&self, now: Instant) -> Option<Refresh> {
        if let Some(at) = self.retry_at {
            return (now >= at).then_some(Refresh::Retry);
        }
        if let Some(p) = self.pending {
            return Some(p);
        }
        match self.detected_at {
            Some(t) if now.saturating_duration_since(t) >= self.refresh_interval => Some(Refresh::Due),
            Some(_) => None,
            None => Some(Refresh::Connected),
        }
    }

    /// Stores a detection; returns what changed since the previous one (empty the first time).
    pub fn store(&mut self, features: Features, now: Instant) -> Vec<String> {
        let changes = match &self.features {
            Some(old) => changes(old, &features),
            None => Vec::new(),
        };
        self.features = Some(Arc::new(features));
        self.detected_at = Some(now);
        self.pending = None;
        self.retry_at = None;
        changes
    }

    /// A detection failed (the connection went away or the server did not answer the version
    /// probe): keep the last one and try again after `cache_duration`.
    pub fn failed(&mut self, now: Instant) {
        self.retry_at = Some(now + self.cache_duration);
    }
}

/// What differs between two detections, one phrase per change (for a log line).
pub fn changes(old: &Features, new: &Features) -> Vec<String> {
    let mut out = Vec::new();
    if old.version != new.version {
        out.push(format!("version {} -> {}", old.version_numbers_text(), new.version_numbers_text()));
    }
    for (name, e) in &new.extensions {
        let before = old.extensions.get(name).and_then(|x| x.installed.clone());
        match (&before, &e.installed) {
            (None, Some(v)) => out.push(format!("extension {name} {v} installed")),
            (Some(a), Some(b)) if a != b => out.push(format!("extension {name} updated {a} -> {b}")),
            (Some(_), None) => out.push(format!("extension {name} dropped")),
            _ => {}
        }
    }
    for (name, e) in &old.extensions {
        if e.installed.is_some() && !new.extensions.contains_key(name) {
            out.push(format!("extension {name} removed"));
        }
    }
    for c in new.capabilities.difference(&old.capabilities) {
        out.push(format!("capability {c} gained"));
    }
    for c in old.capabilities.difference(&new.capabilities) {
        out.push(format!("capability {c} lost"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Extension, System};
    use super::*;

    #[test]
    fn detection_is_due_at_connect_on_refresh_and_after_a_feature_error_older_than_the_cache() {
        let t0 = Instant::now();
        let mut c = FeatureCache::new(Duration::from_secs(300), Duration::from_secs(1800));
        assert_eq!(c.due(t0), Some(Refresh::Connected));
        assert!(c.store(Features::new(System::Postgresql), t0).is_empty());
        assert_eq!(c.due(t0 + Duration::from_secs(10)), None);
        // A feature error within cache_duration does not cause a detection storm.
        assert!(!c.feature_error(t0 + Duration::from_secs(10)));
        assert_eq!(c.due(t0 + Duration::from_secs(10)), None);
        assert!(c.feature_error(t0 + Duration::from_secs(301)));
        assert_eq!(c.due(t0 + Duration::from_secs(301)), Some(Refresh::FeatureError));
        c.store(Features::new(System::Postgresql), t0 + Duration::from_secs(301));
        assert_eq!(c.due(t0 + Duration::from_secs(2101)), Some(Refresh::Due));
        c.reconnected();
        assert_eq!(c.due(t0 + Duration::from_secs(302)), Some(Refresh::Connected));
        c.failed(t0 + Duration::from_secs(302));
        assert_eq!(c.due(t0 + Duration::from_secs(303)), None);
        assert_eq!(c.due(t0 + Duration::from_secs(602)), Some(Refresh::Retry));
        assert!(c.get().is_some(), "the last detection is kept across a failed one");
    }

    #[test]
    fn changes_name_dropped_extensions_and_lost_capabilities() {
        let mut a = Features::new(System::Postgresql);
        a.extensions.insert(
            "pg_wait_sampling".into(),
            Extension { installed: Some("1.1".into()), available: Some("1.1".into()) },
        );
        a.capabilities.insert("privilege.pg_read_all_stats".into());
        let mut b = a.clone();
        b.extensions
            .insert("pg_wait_sampling".into(), Extension { installed: None, available: Some("1.1".into()) });
        b.capabilities.clear();
        assert_eq!(
            changes(&a, &b),
            ["extension pg_wait_sampling dropped", "capability privilege.pg_read_all_stats lost"]
        );
    }
}
