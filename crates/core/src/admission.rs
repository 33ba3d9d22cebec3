//! Admission: the feedback path from the rest of the service to the receivers. Processors, exporters
//! and the runtime say whether a receiver may collect now, and how much; a receiver asks before each
//! scrape, cheaply and without a lock ([`Admission::check`] is one `arc-swap` load).
//!
//! Setters vote: each vote is keyed by who set it (`setter`, e.g. `memory_limiter` or
//! `pipeline logs`) and a [`Scope`] (every receiver, one receiver, or one database of a receiver), so
//! one setter clearing its vote does not lift another's. A receiver's verdict combines every vote
//! that covers it: `Skip` beats `Reduced`, which beats `Full`; of several `Reduced`, the smallest.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwap;
use tracing::info;

use crate::ids::ComponentId;
use crate::telemetry::Registry;

/// Whether a receiver may collect now.
#[derive(Debug, Clone, PartialEq)]
pub enum Admit {
    /// Collect everything.
    Full,
    /// Collect about this fraction (0 < f < 1) of the usual work. [`ScrapeGate`] makes it real for
    /// every receiver: it admits about `f` of the scrapes (evenly spread: 0.5 is every other one)
    /// and skips the rest (reason `reduced`); a receiver may also do less within an admitted scrape.
    Reduced(f64),
    /// Collect nothing this time, for the reason given (a short phrase, also a telemetry label).
    Skip { reason: String },
}

impl Admit {
    /// The stricter of two verdicts.
    fn and(self, other: &Admit) -> Admit {
        match (self, other) {
            (skip @ Admit::Skip { .. }, _) => skip,
            (_, skip @ Admit::Skip { .. }) => skip.clone(),
            (Admit::Reduced(a), Admit::Reduced(b)) => Admit::Reduced(a.min(*b)),
            (Admit::Full, reduced @ Admit::Reduced(_)) => reduced.clone(),
            (own, _) => own,
        }
    }

    /// A fraction out of range is clamped: at or below 0 is a skip, at or above 1 is full.
    fn normalized(self) -> Admit {
        match self {
            Admit::Reduced(f) if f.is_nan() || f <= 0.0 => {
                Admit::Skip { reason: "reduced to nothing".into() }
            }
            Admit::Reduced(f) if f >= 1.0 => Admit::Full,
            other => other,
        }
    }
}

/// What a vote covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    AllReceivers,
    Receiver(ComponentId),
    /// One monitored database of a receiver (the name the receiver passes to `check`).
    Database {
        receiver: ComponentId,
        database: String,
    },
}

/// A receiver's combined verdicts, replaced as a whole on every change.
#[derive(Debug)]
struct Snapshot {
    receiver: Admit,
    /// Only databases with a vote of their own; others follow `receiver`.
    databases: BTreeMap<String, Admit>,
}

impl Snapshot {
    fn full() -> Snapshot {
        Snapshot { receiver: Admit::Full, databases: BTreeMap::new() }
    }
}

#[derive(Default)]
struct Inner {
    votes: Mutex<BTreeMap<(Scope, String), Admit>>,
    receivers: Mutex<BTreeMap<ComponentId, Arc<ArcSwap<Snapshot>>>>,
}

/// Every receiver's admission state in one service; held by the [`crate::Host`]. Cheap to clone.
#[derive(Clone, Default)]
pub struct AdmissionRegistry {
    inner: Arc<Inner>,
}

impl AdmissionRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `setter`'s vote for `scope`; `Admit::Full` withdraws it.
    pub fn set(&self, setter: &str, scope: Scope, admit: Admit) {
        let mut votes = self.inner.votes.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (scope, setter.to_string());
        match admit.normalized() {
            Admit::Full => {
                if votes.remove(&key).is_none() {
                    return;
                }
            }
            admit => {
                if votes.get(&key) == Some(&admit) {
                    return;
                }
                votes.insert(key, admit);
            }
        }
        let receivers = self.inner.receivers.lock().unwrap_or_else(PoisonError::into_inner);
        for (id, slot) in receivers.iter() {
            slot.store(Arc::new(combine(&votes, id)));
        }
    }

    /// The read side for receiver `id`.
    pub fn handle(&self, id: &ComponentId) -> Admission {
        let votes = self.inner.votes.lock().unwrap_or_else(PoisonError::into_inner);
        let mut receivers = self.inner.receivers.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = receivers
            .entry(id.clone())
            .or_insert_with(|| Arc::new(ArcSwap::from_pointee(combine(&votes, id))))
            .clone();
        Admission { current: slot }
    }
}

fn combine(votes: &BTreeMap<(Scope, String), Admit>, id: &ComponentId) -> Snapshot {
    let mut receiver = Admit::Full;
    for ((scope, _), admit) in votes {
        if matches!(scope, Scope::AllReceivers) || matches!(scope, Scope::Receiver(r) if r == id) {
            receiver = receiver.and(admit);
        }
    }
    let mut databases = BTreeMap::new();
    for ((scope, _), admit) in votes {
        if let Scope::Database { receiver: r, database } = scope
            && r == id
        {
            let entry = databases.entry(database.clone()).or_insert_with(|| receiver.clone());
            *entry = std::mem::replace(entry, Admit::Full).and(admit);
        }
    }
    Snapshot { receiver, databases }
}

/// A receiver's read side: whether it may collect now. [`Admission::check`] takes no lock.
#[derive(Clone)]
pub struct Admission {
    current: Arc<ArcSwap<Snapshot>>,
}

impl Default for Admission {
    /// Always `Full` (tests, tools).
    fn default() -> Self {
        Admission { current: Arc::new(ArcSwap::from_pointee(Snapshot::full())) }
    }
}

impl Admission {
    /// The verdict for the receiver as a whole (`None`) or for one of its databases.
    pub fn check(&self, database: Option<&str>) -> Admit {
        let snap = self.current.load();
        match database.and_then(|d| snap.databases.get(d)) {
            Some(admit) => admit.clone(),
            None => snap.receiver.clone(),
        }
    }
}

/// The skip reason of the scrapes a reduction leaves out.
const REDUCED: &str = "reduced";

/// What receivers call at the top of each scrape (usually as `ctx.output.admit(database)`): checks
/// admission and, while a receiver (or one of its databases) is told to skip, logs once per streak
/// ("skipped: <reason>", info when it resumes) and counts each skipped scrape in
/// `dbintel_receiver_throttled_scrapes_total{receiver,reason}`. Admitted scrapes outside a streak
/// take no lock.
pub struct ScrapeGate {
    admission: Admission,
    receiver: String,
    telemetry: Registry,
    /// Set while any streak is open, so the common case (admitted, no streak) skips the lock.
    streaking: AtomicBool,
    /// The reason of the current skip streak per database (`None`: the receiver as a whole). Bounded
    /// by the databases the receiver is configured for.
    streaks: Mutex<BTreeMap<Option<String>, String>>,
    /// Scrape credit per database while reduced: each scrape adds the fraction, a scrape runs when a
    /// whole credit is there. Bounded like `streaks`.
    credits: Mutex<BTreeMap<Option<String>, f64>>,
    /// Set while any database is reduced, so the common case skips the `credits` lock.
    reducing: AtomicBool,
}

impl ScrapeGate {
    pub fn new(receiver: &ComponentId, admission: Admission, telemetry: &Registry) -> Self {
        ScrapeGate {
            admission,
            receiver: receiver.to_string(),
            telemetry: telemetry.clone(),
            streaking: AtomicBool::new(false),
            streaks: Mutex::new(BTreeMap::new()),
            credits: Mutex::new(BTreeMap::new()),
            reducing: AtomicBool::new(false),
        }
    }

    /// `Reduced(f)` becomes a run of this scrape (still `Reduced`, so the receiver may do less) about
    /// `f` of the times, spread evenly, and a `Skip` (reason `reduced`) the other times. The first
    /// scrape under a reduction runs.
    fn reduce(&self, database: Option<&str>, admit: Admit) -> Admit {
        let key = database.map(str::to_string);
        let Admit::Reduced(fraction) = admit else {
            // Only a gate that was reducing takes the lock.
            if self.reducing.load(Ordering::Acquire) {
                let mut credits = self.credits.lock().unwrap_or_else(PoisonError::into_inner);
                credits.remove(&key);
                self.reducing.store(!credits.is_empty(), Ordering::Release);
            }
            return admit;
        };
        let mut credits = self.credits.lock().unwrap_or_else(PoisonError::into_inner);
        self.reducing.store(true, Ordering::Release);
        let credit = credits.entry(key).or_insert(1.0 - fraction);
        *credit += fraction;
        if *credit >= 1.0 - 1e-9 {
            *credit = (*credit - 1.0).max(0.0);
            admit
        } else {
            Admit::Skip { reason: REDUCED.into() }
        }
    }

    /// The read side this gate checks.
    pub fn admission(&self) -> &Admission {
        &self.admission
    }

    /// The verdict for this scrape (of the whole receiver, or of `database`). On `Skip` the caller
    /// skips the work; logging and counting are done here.
    pub fn admit(&self, database: Option<&str>) -> Admit {
        let admit = self.reduce(database, self.admission.check(database));
        let skipping = matches!(admit, Admit::Skip { .. });
        if !skipping && !self.streaking.load(Ordering::Acquire) {
            return admit;
        }
        let mut streaks = self.streaks.lock().unwrap_or_else(PoisonError::into_inner);
        let key = database.map(str::to_string);
        match &admit {
            Admit::Skip { reason } => {
                self.telemetry
                    .counter(
                        "dbintel_receiver_throttled_scrapes_total",
                        "Scrapes a receiver skipped because admission told it to (overload, memory, a breaker).",
                        &[("receiver", &self.receiver), ("reason", reason)],
                    )
                    .add(1);
                if streaks.get(&key) != Some(reason) {
                    if reason == REDUCED {
                        info!(receiver = %self.receiver, database = database.unwrap_or(""),
                            "Receiver collects only some of its scrapes: admission reduced it (logged once until it resumes; skipped scrapes are counted in dbintel_receiver_throttled_scrapes_total{{reason=\"reduced\"}}).");
                    } else {
                        info!(receiver = %self.receiver, database = database.unwrap_or(""), reason = %reason,
                            "Receiver skipped: {reason} (logged once until it resumes; counted in dbintel_receiver_throttled_scrapes_total).");
                    }
                    streaks.insert(key, reason.clone());
                }
            }
            // A scrape that runs under a reduction does not end the reduction's streak.
            Admit::Reduced(_) if streaks.get(&key).is_some_and(|r| r == REDUCED) => {}
            _ => {
                if streaks.remove(&key).is_some() {
                    info!(receiver = %self.receiver, database = database.unwrap_or(""), "Receiver resumed collecting.");
                }
            }
        }
        self.streaking.store(!streaks.is_empty(), Ordering::Release);
        admit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ComponentId {
        s.parse().unwrap()
    }

    fn skip(r: &str) -> Admit {
        Admit::Skip { reason: r.into() }
    }

    #[test]
    fn votes_combine_and_withdraw_independently() {
        let reg = AdmissionRegistry::new();
        let pg = reg.handle(&id("postgresql"));
        let other = reg.handle(&id("sqlquery"));
        assert_eq!(pg.check(None), Admit::Full);
        reg.set("memory_limiter", Scope::AllReceivers, Admit::Reduced(0.5));
        reg.set("costcontrol", Scope::Receiver(id("postgresql")), Admit::Reduced(0.25));
        assert_eq!(pg.check(None), Admit::Reduced(0.25));
        assert_eq!(other.check(None), Admit::Reduced(0.5));
        let db = Scope::Database { receiver: id("postgresql"), database: "orders".into() };
        reg.set("circuit_breaker", db.clone(), skip("breaker open"));
        assert_eq!(pg.check(Some("orders")), skip("breaker open"));
        assert_eq!(pg.check(Some("billing")), Admit::Reduced(0.25));
        // One setter withdrawing leaves the others' votes.
        reg.set("costcontrol", Scope::Receiver(id("postgresql")), Admit::Full);
        assert_eq!(pg.check(None), Admit::Reduced(0.5));
        reg.set("memory_limiter", Scope::AllReceivers, Admit::Full);
        reg.set("circuit_breaker", db, Admit::Full);
        assert_eq!(pg.check(Some("orders")), Admit::Full);
        // A handle taken after the votes sees them.
        reg.set("x", Scope::AllReceivers, Admit::Reduced(0.0));
        assert!(matches!(reg.handle(&id("late")).check(None), Admit::Skip { .. }));
        assert_eq!(Admission::default().check(Some("any")), Admit::Full);
    }

    #[test]
    fn a_reduction_admits_that_fraction_of_scrapes_evenly_and_counts_the_rest() {
        let reg = AdmissionRegistry::new();
        let telemetry = Registry::new();
        let gate = ScrapeGate::new(&id("postgresql"), reg.handle(&id("postgresql")), &telemetry);
        reg.set("memory_limiter", Scope::AllReceivers, Admit::Reduced(0.25));
        let runs: Vec<bool> = (0..8).map(|_| !matches!(gate.admit(None), Admit::Skip { .. })).collect();
        assert_eq!(runs, [true, false, false, false, true, false, false, false]);
        let open_streaks = |g: &ScrapeGate| g.streaks.lock().unwrap().len();
        assert_eq!(open_streaks(&gate), 1, "the scrapes that run do not end the streak (no log per scrape)");
        assert_eq!(
            telemetry.counter_total("dbintel_receiver_throttled_scrapes_total", &[("reason", "reduced")]),
            6
        );
        // Per database, with its own credit; half of the scrapes of `orders` run.
        reg.set("memory_limiter", Scope::AllReceivers, Admit::Reduced(0.5));
        let orders: Vec<bool> =
            (0..4).map(|_| !matches!(gate.admit(Some("orders")), Admit::Skip { .. })).collect();
        assert_eq!(orders, [true, false, true, false]);
        // Lifted: every scrape runs again, and the gate is back on its lock-free path.
        reg.set("memory_limiter", Scope::AllReceivers, Admit::Full);
        assert!((0..4).all(|_| gate.admit(None) == Admit::Full));
        assert!((0..4).all(|_| gate.admit(Some("orders")) == Admit::Full));
        assert!(!gate.reducing.load(Ordering::Acquire));
        assert_eq!(open_streaks(&gate), 0, "lifting the reduction ends its streaks");
    }
}
