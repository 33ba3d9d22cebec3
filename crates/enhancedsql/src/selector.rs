//! Which candidate serves a category (pure: the time is an argument). Candidates are ranked by
//! priority; one is eligible when the detected features meet its requirements (all are, before the
//! first detection or with detection off) and it is not backing off after a failure. A failure puts
//! the candidate on backoff (one collection interval, doubling up to [`MAX_BACKOFF`]) so the better
//! query is retried later; the switch to another candidate, and back, is reported once.

use std::time::Duration;

use dbintel_core::ConfigProblem;
use dbintel_dbclient::features::{Features, version_numbers};
use serde::Deserialize;
use tokio::time::Instant;

/// The longest wait before a failed candidate is tried again.
pub const MAX_BACKOFF: Duration = Duration::from_secs(1800);

/// What a query needs from the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    /// Extensions that must be installed in the database (PostgreSQL).
    #[serde(default, alias = "required_extensions")]
    #[schemars(extend("x-aliases" = ["required_extensions"]))]
    pub extensions: Vec<String>,
    /// Capabilities that must hold (names as in `db.feature.capability.available`).
    #[serde(default, alias = "required_capabilities")]
    #[schemars(extend("x-aliases" = ["required_capabilities"]))]
    pub capabilities: Vec<String>,
    /// The lowest server version, `major.minor` (`13`, `8.0`).
    #[serde(default)]
    pub minimum_version: Option<String>,
    /// The highest server version, `major.minor` (inclusive).
    #[serde(default)]
    pub maximum_version: Option<String>,
}

impl Requirements {
    pub fn problems(&self, path: &str) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        for (key, v) in
            [("minimum_version", &self.minimum_version), ("maximum_version", &self.maximum_version)]
        {
            if let Some(v) = v
                && version_numbers(v) == (0, 0, 0)
            {
                p.push(ConfigProblem::new(
                    format!("{path}.{key}"),
                    format!("`{v}` is not a version like 13 or 8.0"),
                ));
            }
        }
        p
    }

    /// `Ok` when `features` meet them, else what is missing (for the log line).
    pub fn check(&self, f: &Features) -> Result<(), String> {
        let mut missing = Vec::new();
        for e in &self.extensions {
            if !f.has_extension(e) {
                missing.push(format!("extension {e}"));
            }
        }
        for c in &self.capabilities {
            if !f.has(c) {
                missing.push(format!("capability {c}"));
            }
        }
        let (ma, mi, _) = f.version_numbers;
        if let Some(v) = &self.minimum_version {
            let (a, b, _) = version_numbers(v);
            if (ma, mi) < (a, b) {
                missing.push(format!("version >= {v}"));
            }
        }
        if let Some(v) = &self.maximum_version {
            let (a, b, _) = version_numbers(v);
            if (ma, mi) > (a, b) {
                missing.push(format!("version <= {v}"));
            }
        }
        if missing.is_empty() { Ok(()) } else { Err(format!("needs {}", missing.join(", "))) }
    }
}

/// One query that can serve a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    pub priority: i32,
    /// The statement with its parameters written in.
    pub sql: String,
    pub requirements: Requirements,
    pub description: String,
    /// From the built-in library (on PostgreSQL it runs under a safe `search_path`); custom `sql`
    /// runs as written.
    pub builtin: bool,
}

#[derive(Debug, Clone, Default)]
struct Health {
    failures: u32,
    retry_at: Option<Instant>,
    last_error: Option<String>,
}

/// A change of the serving candidate, to report once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switch {
    pub from: Option<String>,
    pub to: String,
    pub to_priority: i32,
    /// Why the better candidates do not serve (their requirement gaps or failures).
    pub why: Vec<String>,
    /// The new one has a higher priority than the old one (a recovery).
    pub upgrade: bool,
}

/// The serving state of one category.
#[derive(Debug, Clone)]
pub struct Selector {
    candidates: Vec<Candidate>,
    health: Vec<Health>,
    serving: Option<usize>,
    interval: Duration,
}

impl Selector {
    /// `candidates` sorted by priority, highest first; `interval` is the first backoff step.
    pub fn new(candidates: Vec<Candidate>, interval: Duration) -> Self {
        let health = vec![Health::default(); candidates.len()];
        Self { candidates, health, serving: None, interval }
    }

    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The candidate that served last, if any.
    pub fn serving(&self) -> Option<&Candidate> {
        self.serving.map(|i| &self.candidates[i])
    }

    /// The candidates to try now, in order: eligible and not backing off. The first that succeeds
    /// serves; the caller reports each outcome with [`Self::succeeded`] / [`Self::failed`].
    pub fn plan(&self, features: Option<&Features>, now: Instant) -> Vec<usize> {
        (0..self.candidates.len())
            .filter(|&i| features.is_none_or(|f| self.candidates[i].requirements.check(f).is_ok()))
            .filter(|&i| self.health[i].retry_at.is_none_or(|t| now >= t))
            .collect()
    }

    /// Why every candidate ranked above `index` is not serving.
    fn why_not_above(&self, index: usize, features: Option<&Features>, now: Instant) -> Vec<String> {
        (0..index)
            .map(|i| {
                let c = &self.candidates[i];
                let h = &self.health[i];
                let reason = match features.map(|f| c.requirements.check(f)) {
                    Some(Err(why)) => why,
                    _ => match (&h.last_error, h.retry_at) {
                        (Some(e), Some(t)) => {
                            format!("failed: {e} (retried in {:?})", t.saturating_duration_since(now))
                        }
                        (Some(e), None) => format!("failed: {e}"),
                        _ => "not tried".to_string(),
                    },
                };
                format!("{} ({}): {reason}", c.name, c.priority)
            })
            .collect()
    }

    /// `index` answered: it serves now. Returns the switch when the serving candidate changed.
    pub fn succeeded(&mut self, index: usize, features: Option<&Features>, now: Instant) -> Option<Switch> {
        self.health[index] = Health::default();
        let before = self.serving.replace(index);
        if before == Some(index) {
            return None;
        }
        Some(Switch {
            from: before.map(|b| self.candidates[b].name.clone()),
            to: self.candidates[index].name.clone(),
            to_priority: self.candidates[index].priority,
            why: self.why_not_above(index, features, now),
            upgrade: before.is_some_and(|b| b > index),
        })
    }

    /// `index` failed with `error`: it backs off (interval, 2x, 4x, ... up to [`MAX_BACKOFF`]).
    pub fn failed(&mut self, index: usize, error: &str, now: Instant) {
        let h = &mut self.health[index];
        h.failures = h.failures.saturating_add(1);
        let factor = 1u32 << h.failures.saturating_sub(1).min(16);
        let wait = self.interval.saturating_mul(factor).min(MAX_BACKOFF.max(self.interval));
        h.retry_at = Some(now + wait);
        h.last_error = Some(error.to_string());
    }

    /// Whether a candidate that failed at run time is due for its retry but the detection says it
    /// cannot run (the detection after its failure saw the grant or extension gone). The caller then
    /// asks for a new detection, so a fix on the server (a grant, `CREATE EXTENSION`) is seen; the
    /// candidate's backoff grows meanwhile, so a server that stays without it is not re-detected
    /// every collection.
    pub fn retry_needs_detection(&mut self, features: Option<&Features>, now: Instant) -> bool {
        let Some(f) = features else { return false };
        let mut any = false;
        for i in 0..self.candidates.len() {
            let h = &self.health[i];
            let due = h.last_error.is_some() && h.retry_at.is_some_and(|t| now >= t);
            if due && self.candidates[i].requirements.check(f).is_err() {
                let e = h.last_error.clone().unwrap_or_default();
                self.failed(i, &e, now);
                any = true;
            }
        }
        any
    }

    /// Nothing could serve this collection (every eligible candidate failed, or none is eligible).
    pub fn nothing_served(&mut self) -> bool {
        self.serving.take().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dbintel_dbclient::features::{Extension, System};

    fn cand(name: &str, priority: i32, ext: &[&str]) -> Candidate {
        Candidate {
            name: name.into(),
            priority,
            sql: String::new(),
            requirements: Requirements {
                extensions: ext.iter().map(|s| s.to_string()).collect(),
                ..Requirements::default()
            },
            description: String::new(),
            builtin: true,
        }
    }

    #[test]
    fn the_best_eligible_candidate_serves_and_a_failed_one_is_retried_with_backoff() {
        let t0 = Instant::now();
        let s = Duration::from_secs(10);
        let mut f = Features::new(System::Postgresql);
        f.extensions.insert(
            "pg_stat_statements".into(),
            Extension { installed: Some("1.10".into()), available: None },
        );
        let mut sel = Selector::new(
            vec![
                cand("monitor", 100, &["pg_stat_monitor"]),
                cand("pgss", 50, &["pg_stat_statements"]),
                cand("activity", 10, &[]),
            ],
            s,
        );
        assert_eq!(sel.plan(Some(&f), t0), [1, 2]);
        let sw = sel.succeeded(1, Some(&f), t0).unwrap_or_else(|| panic!("a switch"));
        assert_eq!(sw.from, None);
        assert_eq!(sw.to, "pgss");
        assert_eq!(sw.why, ["monitor (100): needs extension pg_stat_monitor"]);
        assert_eq!(sel.succeeded(1, Some(&f), t0), None, "reported once");

        // pg_stat_statements dropped at run time: fall back, report once, retry later.
        sel.failed(1, "relation \"pg_stat_statements\" does not exist", t0);
        let sw = sel.succeeded(2, Some(&f), t0).unwrap_or_else(|| panic!("a switch"));
        assert_eq!((sw.from.as_deref(), sw.to.as_str(), sw.upgrade), (Some("pgss"), "activity", false));
        assert!(sw.why[1].starts_with("pgss (50): failed: relation"), "{:?}", sw.why);
        assert_eq!(sel.plan(Some(&f), t0 + s / 2), [2]);
        assert_eq!(sel.plan(Some(&f), t0 + s), [1, 2], "the better query is retried after the backoff");
        sel.failed(1, "again", t0 + s);
        assert_eq!(sel.plan(Some(&f), t0 + s + s), [2], "the backoff doubled");
        assert_eq!(sel.plan(Some(&f), t0 + s * 3), [1, 2]);
        let sw = sel.succeeded(1, Some(&f), t0 + s * 3).unwrap_or_else(|| panic!("a switch"));
        assert!(sw.upgrade);
        // Failed, then ruled out by the detection that followed: its retry asks for a new detection.
        f.extensions.remove("pg_stat_statements");
        sel.failed(1, "permission denied", t0 + s * 3);
        assert!(!sel.retry_needs_detection(Some(&f), t0 + s * 3));
        assert!(sel.retry_needs_detection(Some(&f), t0 + s * 4));
        assert!(!sel.retry_needs_detection(Some(&f), t0 + s * 4), "re-armed with a longer backoff");
        // Without a detection every candidate is tried, best first.
        assert_eq!(sel.plan(None, t0 + MAX_BACKOFF * 2), [0, 1, 2]);
    }

    #[test]
    fn backoff_is_capped() {
        let t0 = Instant::now();
        let mut sel = Selector::new(vec![cand("a", 1, &[])], Duration::from_secs(60));
        for _ in 0..40 {
            sel.failed(0, "x", t0);
        }
        assert_eq!(sel.plan(None, t0 + MAX_BACKOFF), [0]);
    }

    #[test]
    fn versions_bound_a_candidate() {
        let mut f = Features::new(System::Postgresql);
        f.version_numbers = (17, 2, 0);
        let r = Requirements { maximum_version: Some("16.99".into()), ..Requirements::default() };
        assert!(r.check(&f).is_err());
        let r = Requirements { minimum_version: Some("13".into()), ..Requirements::default() };
        assert!(r.check(&f).is_ok());
        assert_eq!(
            Requirements { minimum_version: Some("x".into()), ..Requirements::default() }.problems("r").len(),
            1
        );
    }
}
