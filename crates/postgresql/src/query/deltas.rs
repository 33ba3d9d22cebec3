//! Per-interval deltas of pg_stat_statements counters (pure: no I/O).
//!
//! Rules (each one is covered by a golden case in `testdata/query/`):
//!
//! 1. Identity is pg_stat_statements' own key `(userid, dbid, queryid, toplevel)` ([`StatKey`], the
//!    default key type; the engine is generic over the key so that pg_querylens' per-plan entries,
//!    `(dbid, userid, queryid, planid)`, follow the same rules).
//! 2. First run (no previous snapshot): every row becomes a baseline, nothing is emitted. The
//!    contrib receiver emits the lifetime totals here; we do not, because they are not deltas.
//! 3. A key with a baseline: `delta = current - baseline`, when no counter went backwards.
//! 4. Counters went backwards (entry evicted and re-created, or reset by
//!    `pg_stat_statements_reset(userid, dbid, queryid)`, or a different server behind the same
//!    address): nothing is emitted for that key this interval and its baseline is replaced. Emitting
//!    the current value would be exact for a re-created entry but inflated after a fail-over, and
//!    the two cannot be told apart without `stats_since`.
//! 5. PG17+ `stats_since` changed for a key: the entry was re-created after the previous snapshot,
//!    so everything it holds happened in the interval: `delta = current`.
//! 6. A key without a baseline: if the previous snapshot was complete (fewer rows than the LIMIT,
//!    so every entry was seen) or its `stats_since` is after the previous snapshot, the entry did
//!    not exist then and `delta = current`. Otherwise (the entry may have been outside the LIMIT
//!    window) it only becomes a baseline.
//! 7. `pg_stat_statements_info.stats_reset` (PG14+) moved forward past the previous snapshot: a full
//!    reset happened in the interval. Keys whose counters did not go backwards keep
//!    `current - baseline` (their baseline was taken after the reset); every other key gets
//!    `delta = current` (it restarted from zero after the previous snapshot).
//! 8. `stats_reset` changed in any other way (moved backwards, appeared, disappeared): the lineage
//!    is unknown (another server?), every row becomes a baseline, nothing is emitted.
//! 9. Rows whose `calls` delta is 0 are skipped.
//!
//! The baseline map holds the rows of the latest snapshot only (at most `cap` keys), so it is
//! bounded by `max_rows_per_query`; keys that fall out of the snapshot (or beyond the cap) are
//! dropped and counted as evictions. A key that comes back later is governed by rule 6.
//!
//! Interval mean and standard deviation of the execution time come from sums: pg_stat_statements
//! keeps a population standard deviation per entry, so the cumulative sum of squares is
//! `calls * (stddev^2 + mean^2)`; the interval variance is `dQ/n - (dS/n)^2` (clamped at 0).

use std::collections::HashMap;

/// pg_stat_statements' entry identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatKey {
    pub userid: i64,
    pub dbid: i64,
    pub queryid: i64,
    pub toplevel: bool,
}

/// Cumulative counters of one entry (times in milliseconds, as pg_stat_statements reports them).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Counters {
    pub calls: i64,
    pub total_exec_time: f64,
    pub total_plan_time: f64,
    pub rows: i64,
    pub shared_blks_hit: i64,
    pub shared_blks_read: i64,
    pub shared_blks_dirtied: i64,
    pub shared_blks_written: i64,
    pub local_blks_hit: i64,
    pub local_blks_read: i64,
    pub local_blks_dirtied: i64,
    pub local_blks_written: i64,
    pub temp_blks_read: i64,
    pub temp_blks_written: i64,
    pub mean_exec_time: f64,
    pub stddev_exec_time: f64,
}

impl Counters {
    fn ints(&self) -> [i64; 12] {
        [
            self.calls,
            self.rows,
            self.shared_blks_hit,
            self.shared_blks_read,
            self.shared_blks_dirtied,
            self.shared_blks_written,
            self.local_blks_hit,
            self.local_blks_read,
            self.local_blks_dirtied,
            self.local_blks_written,
            self.temp_blks_read,
            self.temp_blks_written,
        ]
    }

    /// True when any counter is lower than in `base`.
    fn went_backwards(&self, base: &Counters) -> bool {
        self.ints().iter().zip(base.ints().iter()).any(|(c, b)| c < b)
            || self.total_exec_time < base.total_exec_time
            || self.total_plan_time < base.total_plan_time
    }

    /// Cumulative sum of squared execution times, reconstructed from mean and stddev.
    fn sum_of_squares(&self) -> f64 {
        let n = self.calls.max(0) as f64;
        n * (self.stddev_exec_time * self.stddev_exec_time + self.mean_exec_time * self.mean_exec_time)
    }
}

/// What the delta engine needs of an entry's identity.
pub trait EntryKey: Copy + Eq + std::hash::Hash + std::fmt::Debug {}
impl<T: Copy + Eq + std::hash::Hash + std::fmt::Debug> EntryKey for T {}

/// One row of a snapshot as the delta engine sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatSample<K = StatKey> {
    pub key: K,
    pub counters: Counters,
    /// PG17+ `stats_since`, microseconds since the Unix epoch.
    pub stats_since_us: Option<i64>,
}

/// What is known about the snapshot as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotMeta {
    /// Server time (`now()`) when the snapshot was read, microseconds since the Unix epoch.
    pub server_time_us: i64,
    /// `pg_stat_statements_info.stats_reset` (PG14+), microseconds since the Unix epoch.
    pub stats_reset_us: Option<i64>,
    /// True when the snapshot holds every entry (fewer rows than the LIMIT).
    pub complete: bool,
}

/// The interval delta of one key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delta<K = StatKey> {
    /// Index of the row in the snapshot passed to [`DeltaEngine::observe`].
    pub index: usize,
    pub key: K,
    /// Counter deltas; `mean_exec_time` / `stddev_exec_time` hold the interval's values.
    pub counters: Counters,
    /// True when the delta counts from zero (new, re-created or reset entry).
    pub from_zero: bool,
}

/// How the snapshot related to the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lineage {
    /// No previous snapshot: baselines only.
    First,
    /// Same statistics lineage.
    Continued,
    /// `stats_reset` moved forward past the previous snapshot.
    FullReset,
    /// `stats_reset` changed otherwise: baselines only.
    Unknown,
}

/// Counts of what happened to the rows of one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeltaStats {
    pub emitted: usize,
    pub baselined: usize,
    pub backwards: usize,
    pub unchanged: usize,
    pub evicted: usize,
}

#[derive(Debug, Clone, Copy)]
struct Baseline {
    counters: Counters,
    stats_since_us: Option<i64>,
}

/// Keeps the previous snapshot and turns each new one into deltas.
#[derive(Debug)]
pub struct DeltaEngine<K = StatKey> {
    prev: HashMap<K, Baseline>,
    meta: Option<SnapshotMeta>,
    cap: usize,
}

impl<K: EntryKey> DeltaEngine<K> {
    /// `cap` bounds the number of baselines kept (use `max_rows_per_query`).
    pub fn new(cap: usize) -> Self {
        Self { prev: HashMap::new(), meta: None, cap: cap.max(1) }
    }

    /// Number of baselines held.
    pub fn len(&self) -> usize {
        self.prev.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prev.is_empty()
    }

    /// Forgets everything (a new connection to a possibly different server).
    pub fn clear(&mut self) {
        self.prev.clear();
        self.meta = None;
    }

    /// Classifies the snapshot against the previous one.
    pub fn lineage(&self, meta: &SnapshotMeta) -> Lineage {
        match &self.meta {
            None => Lineage::First,
            Some(prev) if prev.stats_reset_us == meta.stats_reset_us => Lineage::Continued,
            Some(prev) => match (prev.stats_reset_us, meta.stats_reset_us) {
                (Some(old), Some(new)) if new > old && new >= prev.server_time_us => Lineage::FullReset,
                _ => Lineage::Unknown,
            },
        }
    }

    /// Takes a snapshot and returns the deltas of the keys with new calls (in snapshot order).
    pub fn observe(
        &mut self,
        mut meta: SnapshotMeta,
        rows: &[StatSample<K>],
    ) -> (Vec<Delta<K>>, DeltaStats, Lineage) {
        let lineage = self.lineage(&meta);
        let prev_meta = self.meta;
        let mut stats = DeltaStats::default();
        let mut next: HashMap<K, Baseline> = HashMap::with_capacity(rows.len().min(self.cap));
        let mut out = Vec::new();
        for (index, row) in rows.iter().enumerate() {
            if next.contains_key(&row.key) {
                continue; // duplicate key (never in a real view): the first row wins
            }
            if next.len() >= self.cap {
                // Beyond the bound: not kept, so the next snapshot cannot treat absences as new.
                meta.complete = false;
                stats.evicted += 1;
                continue;
            }
            next.insert(row.key, Baseline { counters: row.counters, stats_since_us: row.stats_since_us });
            let base = self.prev.get(&row.key);
            let zero = Counters::default();
            let from: Option<&Counters> = match (lineage, prev_meta) {
                (Lineage::First | Lineage::Unknown, _) | (_, None) => None,
                (Lineage::FullReset, Some(_)) => match base {
                    Some(b) if !row.counters.went_backwards(&b.counters) => Some(&b.counters),
                    _ => Some(&zero),
                },
                (Lineage::Continued, Some(pm)) => match base {
                    Some(b) => {
                        let recreated = matches!((row.stats_since_us, b.stats_since_us),
                            (Some(now), Some(then)) if now != then);
                        if recreated {
                            Some(&zero)
                        } else if row.counters.went_backwards(&b.counters) {
                            stats.backwards += 1;
                            continue;
                        } else {
                            Some(&b.counters)
                        }
                    }
                    None => {
                        let born_after = row.stats_since_us.is_some_and(|s| s >= pm.server_time_us);
                        if pm.complete || born_after { Some(&zero) } else { None }
                    }
                },
            };
            let Some(from) = from else {
                stats.baselined += 1;
                continue;
            };
            let d = difference(&row.counters, from);
            if d.calls <= 0 {
                stats.unchanged += 1;
                continue;
            }
            stats.emitted += 1;
            out.push(Delta { index, key: row.key, counters: d, from_zero: std::ptr::eq(from, &zero) });
        }
        stats.evicted += self.prev.keys().filter(|k| !next.contains_key(k)).count();
        self.prev = next;
        self.meta = Some(meta);
        (out, stats, lineage)
    }
}

fn difference(cur: &Counters, base: &Counters) -> Counters {
    let calls = cur.calls.saturating_sub(base.calls);
    let exec = (cur.total_exec_time - base.total_exec_time).max(0.0);
    let (mean, stddev) = if calls > 0 {
        let n = calls as f64;
        let mean = exec / n;
        let q = cur.sum_of_squares() - base.sum_of_squares();
        let var = q / n - mean * mean;
        let stddev = if var.is_finite() && var > 0.0 { var.sqrt() } else { 0.0 };
        (if mean.is_finite() { mean } else { 0.0 }, stddev)
    } else {
        (0.0, 0.0)
    };
    let sub = |a: i64, b: i64| a.saturating_sub(b).max(0);
    Counters {
        calls,
        total_exec_time: exec,
        total_plan_time: (cur.total_plan_time - base.total_plan_time).max(0.0),
        rows: sub(cur.rows, base.rows),
        shared_blks_hit: sub(cur.shared_blks_hit, base.shared_blks_hit),
        shared_blks_read: sub(cur.shared_blks_read, base.shared_blks_read),
        shared_blks_dirtied: sub(cur.shared_blks_dirtied, base.shared_blks_dirtied),
        shared_blks_written: sub(cur.shared_blks_written, base.shared_blks_written),
        local_blks_hit: sub(cur.local_blks_hit, base.local_blks_hit),
        local_blks_read: sub(cur.local_blks_read, base.local_blks_read),
        local_blks_dirtied: sub(cur.local_blks_dirtied, base.local_blks_dirtied),
        local_blks_written: sub(cur.local_blks_written, base.local_blks_written),
        temp_blks_read: sub(cur.temp_blks_read, base.temp_blks_read),
        temp_blks_written: sub(cur.temp_blks_written, base.temp_blks_written),
        mean_exec_time: mean,
        stddev_exec_time: stddev,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(q: i64) -> StatKey {
        StatKey { userid: 10, dbid: 5, queryid: q, toplevel: true }
    }

    fn sample(q: i64, calls: i64, exec: f64) -> StatSample {
        StatSample {
            key: key(q),
            counters: Counters {
                calls,
                total_exec_time: exec,
                mean_exec_time: exec / calls as f64,
                ..Default::default()
            },
            stats_since_us: None,
        }
    }

    fn meta(t: i64, complete: bool) -> SnapshotMeta {
        SnapshotMeta { server_time_us: t, stats_reset_us: Some(0), complete }
    }

    #[test]
    fn interval_stddev_from_sums() {
        // Executions 1, 3 (first interval) then 5, 7 (second): interval mean 6, stddev 1.
        let c1 = Counters {
            calls: 2,
            total_exec_time: 4.0,
            mean_exec_time: 2.0,
            stddev_exec_time: 1.0,
            ..Default::default()
        };
        let all = [1.0f64, 3.0, 5.0, 7.0];
        let mean = all.iter().sum::<f64>() / 4.0;
        let sd = (all.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 4.0).sqrt();
        let c2 = Counters {
            calls: 4,
            total_exec_time: 16.0,
            mean_exec_time: mean,
            stddev_exec_time: sd,
            ..Default::default()
        };
        let d = difference(&c2, &c1);
        assert_eq!(d.calls, 2);
        assert!((d.mean_exec_time - 6.0).abs() < 1e-9);
        assert!((d.stddev_exec_time - 1.0).abs() < 1e-9, "{}", d.stddev_exec_time);
    }

    #[test]
    fn bounded_and_counts_evictions() {
        let mut e = DeltaEngine::new(2);
        let rows = [sample(1, 1, 1.0), sample(2, 1, 1.0), sample(3, 1, 1.0)];
        let (_, stats, _) = e.observe(meta(1, true), &rows);
        assert_eq!(e.len(), 2);
        assert_eq!(stats.evicted, 1);
        // Overflow made the snapshot incomplete: key 4 (unseen) only becomes a baseline.
        let (d, stats, _) = e.observe(meta(2, true), &[sample(4, 5, 5.0), sample(1, 2, 2.0)]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].key.queryid, 1);
        assert_eq!(stats.baselined, 1);
        assert_eq!(stats.evicted, 1); // key 2 dropped out
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;

        #[derive(Debug, Clone)]
        struct Step {
            full_reset: bool,
            actions: Vec<(u8, i64)>,
            hidden: Vec<bool>,
        }

        fn step(keys: usize) -> impl Strategy<Value = Step> {
            (
                proptest::bool::weighted(0.1),
                proptest::collection::vec((0u8..4, 1i64..10), keys),
                proptest::collection::vec(proptest::bool::weighted(0.15), keys),
            )
                .prop_map(|(full_reset, actions, hidden)| Step { full_reset, actions, hidden })
        }

        proptest! {
            /// Whatever happens to the entries (activity, eviction, re-creation, full resets, rows
            /// outside the LIMIT window), an emitted delta is positive and never more than what
            /// really happened since the previous snapshot.
            #[test]
            fn deltas_are_never_negative_or_inflated(steps in proptest::collection::vec(step(5), 1..30)) {
                const KEYS: usize = 5;
                let mut engine = DeltaEngine::new(16);
                let mut entries: Vec<Option<i64>> = vec![Some(0); KEYS];
                let mut stats_reset = 1i64;
                let mut t = 1_000_000i64;
                for s in steps {
                    t += 1000;
                    let mut activity = [0i64; KEYS];
                    if s.full_reset {
                        stats_reset = t - 500;
                        for e in entries.iter_mut().flatten() {
                            *e = 0;
                        }
                    }
                    for (k, (action, n)) in s.actions.iter().enumerate() {
                        match action {
                            1 => if let Some(e) = &mut entries[k] { *e += n; activity[k] += n; },
                            2 => entries[k] = None,
                            3 => {
                                let e = entries[k].get_or_insert(0);
                                *e += n;
                                activity[k] += n;
                            }
                            _ => {}
                        }
                    }
                    let mut rows = Vec::new();
                    let mut complete = true;
                    for (k, e) in entries.iter().enumerate() {
                        let Some(calls) = e else { continue };
                        if s.hidden[k] {
                            complete = false;
                            continue;
                        }
                        rows.push(StatSample {
                            key: StatKey { userid: 1, dbid: 1, queryid: k as i64, toplevel: true },
                            counters: Counters { calls: *calls, total_exec_time: *calls as f64, rows: *calls, ..Default::default() },
                            stats_since_us: None,
                        });
                    }
                    let meta = SnapshotMeta { server_time_us: t, stats_reset_us: Some(stats_reset), complete };
                    let (deltas, _, _) = engine.observe(meta, &rows);
                    for d in deltas {
                        let k = d.key.queryid as usize;
                        prop_assert!(d.counters.calls > 0);
                        prop_assert!(d.counters.calls <= activity[k], "key {k}: delta {} > activity {}", d.counters.calls, activity[k]);
                        prop_assert!(d.counters.total_exec_time <= activity[k] as f64);
                        prop_assert!(d.counters.rows >= 0 && d.counters.stddev_exec_time >= 0.0);
                    }
                }
            }
        }
    }
}
