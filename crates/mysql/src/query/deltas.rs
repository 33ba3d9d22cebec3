//! Per-interval deltas of `performance_schema.events_statements_summary_by_digest` (pure: no I/O).
//!
//! Rules (each one has a golden case in `testdata/top/`):
//!
//! 1. Identity is `(SCHEMA_NAME, DIGEST)`; either may be NULL (statements without a default
//!    schema; the single "other" row that collects every statement once the table is full has a
//!    NULL digest). `FIRST_SEEN` tells two lives of the same key apart.
//! 2. Lineage of the server, from `Uptime` and the server time read right after the rows:
//!    the server started at `now - Uptime`. Same start (within [`START_TOLERANCE_US`]) and `Uptime`
//!    not lower: continued. Started after the previous snapshot: restarted (everything it holds
//!    happened since). Anything else (a different server behind the address, a clock jump):
//!    unknown, every row only becomes a baseline. The first snapshot only takes baselines.
//! 3. `FIRST_SEEN` after the previous snapshot's server time: the entry was created (first run,
//!    after a `TRUNCATE`, after a restart, or re-created after eviction) since then, so all it holds
//!    happened in the interval: `delta = current`. MariaDB and MySQL 5.7 keep whole seconds; the
//!    truncated value is never later than the real one, so the rule stays exact.
//! 4. A baseline with the same `FIRST_SEEN`: `delta = current - baseline` when no counter went
//!    backwards. When one did and the baseline is from the previous snapshot, the entry was reset
//!    (truncated and re-created within the same second) after that snapshot: `delta = current`.
//!    A counter going backwards against an older (quiet) baseline re-baselines without emitting.
//! 5. A baseline with another `FIRST_SEEN` (re-created before the previous snapshot while it was
//!    outside the lookback window), or no baseline: only a baseline.
//! 6. Rows whose `COUNT_STAR` delta is 0 are skipped.
//!
//! Baselines of keys missing from a snapshot are kept ("quiet") only when the snapshot proves they
//! had no activity: it was complete (fewer rows than the LIMIT) and its lookback window covers the
//! time since the previous snapshot (a row is missing only when its `LAST_SEEN` is older than the
//! window). Otherwise they are dropped and counted as evictions. The map is bounded by `cap`
//! (`max_query_sample_count`): the longest-quiet baselines go first.
//!
//! Deltas are computed in `u64` with saturation, so no delta is ever negative; by rules 3 to 5 an
//! emitted delta is never more than what happened since the previous snapshot (property test).

use std::collections::HashMap;

/// The counters read, in SQL column order (see [`super::top`]).
pub const COUNTER_COLUMNS: [&str; 14] = [
    "COUNT_STAR",
    "SUM_TIMER_WAIT",
    "SUM_LOCK_TIME",
    "SUM_ERRORS",
    "SUM_WARNINGS",
    "SUM_ROWS_AFFECTED",
    "SUM_ROWS_SENT",
    "SUM_ROWS_EXAMINED",
    "SUM_CREATED_TMP_TABLES",
    "SUM_CREATED_TMP_DISK_TABLES",
    "SUM_SORT_MERGE_PASSES",
    "SUM_SORT_ROWS",
    "SUM_NO_INDEX_USED",
    "SUM_NO_GOOD_INDEX_USED",
];
/// Index of `COUNT_STAR` in [`Counters`].
pub const COUNT_STAR: usize = 0;
/// Index of `SUM_TIMER_WAIT` (picoseconds).
pub const SUM_TIMER_WAIT: usize = 1;
/// Index of `SUM_LOCK_TIME` (picoseconds).
pub const SUM_LOCK_TIME: usize = 2;

/// Two server start times closer than this are the same start (`Uptime` has whole seconds).
pub const START_TOLERANCE_US: i64 = 2_000_000;
/// Slack between the lookback window and the gap between two snapshots (second-resolution
/// `LAST_SEEN` on MariaDB, the two statements of a snapshot).
pub const LOOKBACK_SLACK_US: i64 = 2_000_000;

/// Cumulative counters of one digest row, in [`COUNTER_COLUMNS`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters(pub [u64; 14]);

impl Counters {
    pub fn count_star(&self) -> u64 {
        self.0[COUNT_STAR]
    }

    pub fn sum_timer_wait(&self) -> u64 {
        self.0[SUM_TIMER_WAIT]
    }

    fn went_backwards(&self, base: &Counters) -> bool {
        self.0.iter().zip(base.0.iter()).any(|(c, b)| c < b)
    }

    fn minus(&self, base: &Counters) -> Counters {
        let mut d = [0u64; 14];
        for (i, v) in d.iter_mut().enumerate() {
            *v = self.0[i].saturating_sub(base.0[i]);
        }
        Counters(d)
    }
}

/// `(SCHEMA_NAME, DIGEST)`, both nullable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DigestKey {
    pub schema: Option<String>,
    pub digest: Option<String>,
}

/// One row as the delta engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestSample {
    pub key: DigestKey,
    pub counters: Counters,
    /// `FIRST_SEEN`, microseconds since the Unix epoch.
    pub first_seen_us: i64,
}

/// What is known about a snapshot as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotMeta {
    /// Server time read after the rows, microseconds since the Unix epoch.
    pub server_time_us: i64,
    /// `Uptime` (seconds) read with it.
    pub uptime_s: u64,
    /// Fewer rows than the LIMIT: every entry within the lookback window was read.
    pub complete: bool,
    /// The lookback window of the `LAST_SEEN` filter, microseconds.
    pub lookback_us: i64,
}

impl SnapshotMeta {
    fn start_us(&self) -> i64 {
        let up = i64::try_from(self.uptime_s.saturating_mul(1_000_000)).unwrap_or(i64::MAX);
        self.server_time_us.saturating_sub(up)
    }
}

/// How a snapshot relates to the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lineage {
    First,
    Continued,
    /// The server started after the previous snapshot.
    Restarted,
    /// Another server or a clock jump: baselines only.
    Unknown,
}

/// The interval delta of one key.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    /// Index of the row in the slice passed to [`DeltaEngine::observe`].
    pub index: usize,
    pub counters: Counters,
    /// The delta counts from zero (new, re-created or reset entry).
    pub from_zero: bool,
}

/// What happened to the rows of one snapshot (self-telemetry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeltaStats {
    pub emitted: usize,
    pub baselined: usize,
    pub reset: usize,
    pub backwards: usize,
    pub unchanged: usize,
    pub quiet: usize,
    pub evicted: usize,
}

#[derive(Debug, Clone, Copy)]
struct Baseline {
    counters: Counters,
    first_seen_us: i64,
    /// The run whose snapshot held this row last.
    run: u64,
}

/// Keeps the baselines and turns each snapshot into deltas.
#[derive(Debug)]
pub struct DeltaEngine {
    prev: HashMap<DigestKey, Baseline>,
    meta: Option<SnapshotMeta>,
    run: u64,
    cap: usize,
}

impl DeltaEngine {
    /// `cap` bounds the baselines kept (use `max_query_sample_count`).
    pub fn new(cap: usize) -> Self {
        Self { prev: HashMap::new(), meta: None, run: 0, cap: cap.max(1) }
    }

    pub fn len(&self) -> usize {
        self.prev.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prev.is_empty()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.prev.clear();
        self.meta = None;
    }

    pub fn lineage(&self, meta: &SnapshotMeta) -> Lineage {
        let Some(prev) = &self.meta else { return Lineage::First };
        if meta.uptime_s >= prev.uptime_s && (meta.start_us() - prev.start_us()).abs() <= START_TOLERANCE_US {
            Lineage::Continued
        } else if meta.start_us().saturating_sub(START_TOLERANCE_US / 2) > prev.server_time_us {
            // The computed start is up to 1s late (whole-second Uptime): demand a margin.
            Lineage::Restarted
        } else {
            Lineage::Unknown
        }
    }

    /// Takes a snapshot; returns the deltas of the keys with new executions (in row order).
    pub fn observe(
        &mut self,
        meta: SnapshotMeta,
        rows: &[DigestSample],
    ) -> (Vec<Delta>, DeltaStats, Lineage) {
        let lineage = self.lineage(&meta);
        let prev_meta = self.meta;
        let prev_run = self.run;
        self.run += 1;
        let run = self.run;
        let mut stats = DeltaStats::default();
        let mut next: HashMap<DigestKey, Baseline> = HashMap::with_capacity(rows.len().min(self.cap));
        let mut out = Vec::new();
        let mut complete = meta.complete;
        for (index, row) in rows.iter().enumerate() {
            if next.contains_key(&row.key) {
                continue; // a duplicate key never comes from the table: the first row wins
            }
            if next.len() >= self.cap {
                complete = false; // not kept: absences prove nothing next time
                stats.evicted += 1;
                continue;
            }
            next.insert(
                row.key.clone(),
                Baseline { counters: row.counters, first_seen_us: row.first_seen_us, run },
            );
            let born_after = prev_meta.is_some_and(|p| row.first_seen_us > p.server_time_us);
            let base = self.prev.get(&row.key);
            let from: Option<Counters> = match lineage {
                Lineage::First | Lineage::Unknown => None,
                Lineage::Restarted => born_after.then_some(Counters::default()),
                Lineage::Continued if born_after => Some(Counters::default()),
                Lineage::Continued => match base {
                    Some(b) if b.first_seen_us == row.first_seen_us => {
                        if !row.counters.went_backwards(&b.counters) {
                            Some(b.counters)
                        } else if b.run == prev_run {
                            stats.reset += 1;
                            Some(Counters::default())
                        } else {
                            stats.backwards += 1;
                            continue;
                        }
                    }
                    _ => None,
                },
            };
            let Some(from) = from else {
                stats.baselined += 1;
                continue;
            };
            let d = row.counters.minus(&from);
            if d.count_star() == 0 {
                stats.unchanged += 1;
                continue;
            }
            stats.emitted += 1;
            out.push(Delta { index, counters: d, from_zero: from == Counters::default() });
        }
        // Quiet keys keep their baselines only when this snapshot proves they had no activity.
        let covered = prev_meta.is_some_and(|p| {
            meta.lookback_us.saturating_sub(LOOKBACK_SLACK_US)
                >= meta.server_time_us.saturating_sub(p.server_time_us)
        });
        let keep_quiet = complete && lineage == Lineage::Continued && covered;
        let mut quiet: Vec<(DigestKey, Baseline)> = Vec::new();
        for (k, b) in self.prev.drain() {
            if next.contains_key(&k) {
                continue;
            }
            if keep_quiet {
                quiet.push((k, b));
            } else {
                stats.evicted += 1;
            }
        }
        let room = self.cap.saturating_sub(next.len());
        if quiet.len() > room {
            // The longest-quiet go first (ties: by key, so the outcome does not depend on hashing).
            quiet.sort_by(|a, b| b.1.run.cmp(&a.1.run).then_with(|| a.0.cmp(&b.0)));
            stats.evicted += quiet.len() - room;
            quiet.truncate(room);
        }
        stats.quiet = quiet.len();
        next.extend(quiet);
        self.prev = next;
        self.meta = Some(SnapshotMeta { complete, ..meta });
        (out, stats, lineage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(d: &str) -> DigestKey {
        DigestKey { schema: Some("app".into()), digest: Some(d.into()) }
    }

    fn sample(d: &str, count: u64, first_seen_us: i64) -> DigestSample {
        let mut c = [0u64; 14];
        c[COUNT_STAR] = count;
        c[SUM_TIMER_WAIT] = count * 1_000_000;
        DigestSample { key: key(d), counters: Counters(c), first_seen_us }
    }

    fn meta(t: i64, uptime_s: u64) -> SnapshotMeta {
        SnapshotMeta { server_time_us: t, uptime_s, complete: true, lookback_us: 120_000_000 }
    }

    #[test]
    fn lineage_follows_uptime() {
        let mut e = DeltaEngine::new(10);
        let m = meta(1_000_000_000, 500);
        assert_eq!(e.lineage(&m), Lineage::First);
        e.observe(m, &[]);
        // 60s later, 60s more uptime (one second of jitter): continued.
        assert_eq!(e.lineage(&meta(1_060_000_000, 559)), Lineage::Continued);
        // Uptime went down and the start is after the previous snapshot: restarted.
        assert_eq!(e.lineage(&meta(1_060_000_000, 30)), Lineage::Restarted);
        // A server that started long before the previous snapshot: not ours.
        assert_eq!(e.lineage(&meta(1_060_000_000, 100_000)), Lineage::Unknown);
        // Uptime lower but start within the tolerance (not a restart, clock oddity): unknown.
        assert_eq!(e.lineage(&meta(999_000_000, 498)), Lineage::Unknown);
    }

    #[test]
    fn bounded_and_counts_evictions() {
        let mut e = DeltaEngine::new(2);
        let rows = [sample("a", 1, 1), sample("b", 1, 1), sample("c", 1, 1)];
        let (_, stats, _) = e.observe(meta(10_000_000, 10), &rows);
        assert_eq!((e.len(), stats.evicted), (2, 1));
        // Key b is missing from an incomplete snapshot (LIMIT reached): dropped, not kept quiet.
        let partial = SnapshotMeta { complete: false, ..meta(20_000_000, 20) };
        let (d, stats, _) = e.observe(partial, &[sample("a", 3, 1)]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].counters.count_star(), 2);
        assert_eq!((stats.evicted, stats.quiet, e.len()), (1, 0, 1));
        // From a complete snapshot, a missing key had no activity: its baseline stays.
        let (_, stats, _) = e.observe(meta(30_000_000, 30), &[]);
        assert_eq!((stats.evicted, stats.quiet, e.len()), (0, 1, 1));
    }

    #[test]
    fn quiet_baselines_are_bounded_longest_quiet_first() {
        let mut e = DeltaEngine::new(3);
        e.observe(meta(10_000_000, 10), &[sample("a", 1, 1), sample("b", 1, 1), sample("c", 1, 1)]);
        // a, b quiet; c and d seen: one quiet slot left, b and a tie on run -> key order keeps a.
        let (_, stats, _) = e.observe(meta(20_000_000, 20), &[sample("c", 2, 1), sample("d", 1, 1)]);
        assert_eq!((stats.quiet, stats.evicted), (1, 1));
        // a comes back after being quiet: its baseline is still the one from the first run.
        let (d, _, _) = e.observe(meta(30_000_000, 30), &[sample("a", 5, 1)]);
        assert_eq!(d[0].counters.count_star(), 4);
    }

    #[test]
    fn quiet_keys_dropped_when_the_window_does_not_cover_the_gap() {
        let mut e = DeltaEngine::new(10);
        let short = |t, up| SnapshotMeta { lookback_us: 5_000_000, ..meta(t, up) };
        e.observe(short(10_000_000, 10), &[sample("a", 1, 1)]);
        let (_, stats, _) = e.observe(short(30_000_000, 30), &[]);
        assert_eq!((stats.evicted, e.len()), (1, 0));
        // Back with the same FIRST_SEEN: only a baseline (it may have run while unseen).
        let (d, stats, _) = e.observe(short(40_000_000, 40), &[sample("a", 9, 1)]);
        assert!(d.is_empty());
        assert_eq!(stats.baselined, 1);
    }

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct GoldenSnapshot {
        note: String,
        time: i64,
        uptime: u64,
        #[serde(default = "ten")]
        limit: usize,
        #[serde(default = "two_minutes")]
        lookback: i64,
        /// `[schema, digest, COUNT_STAR, FIRST_SEEN seconds]`; the other counters follow from it.
        rows: Vec<(Option<String>, Option<String>, u64, i64)>,
    }

    fn ten() -> usize {
        10
    }

    fn two_minutes() -> i64 {
        120
    }

    /// Recorded snapshots -> deltas, one block per snapshot (one golden case per rule).
    #[test]
    fn golden_deltas() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/top");
        let input = std::fs::read_to_string(dir.join("digest_snapshots.json")).unwrap();
        let snaps: Vec<GoldenSnapshot> = serde_json::from_str(&input).unwrap();
        let mut e = DeltaEngine::new(8);
        let mut out = String::new();
        for (i, s) in snaps.into_iter().enumerate() {
            let rows: Vec<DigestSample> = s
                .rows
                .iter()
                .map(|(schema, digest, count, first_seen)| {
                    let mut c = [0u64; 14];
                    c[COUNT_STAR] = *count;
                    c[SUM_TIMER_WAIT] = count * 1_000_000_000;
                    c[6] = count * 2; // SUM_ROWS_SENT
                    DigestSample {
                        key: DigestKey { schema: schema.clone(), digest: digest.clone() },
                        counters: Counters(c),
                        first_seen_us: first_seen * 1_000_000,
                    }
                })
                .collect();
            let meta = SnapshotMeta {
                server_time_us: s.time * 1_000_000,
                uptime_s: s.uptime,
                complete: rows.len() < s.limit,
                lookback_us: s.lookback * 1_000_000,
            };
            let (deltas, st, lineage) = e.observe(meta, &rows);
            out.push_str(&format!(
                "# {i}: {} | {lineage:?} | emitted {} baselined {} reset {} backwards {} unchanged {} quiet {} evicted {} | baselines {}\n",
                s.note, st.emitted, st.baselined, st.reset, st.backwards, st.unchanged, st.quiet, st.evicted, e.len()
            ));
            for d in deltas {
                let k = &rows[d.index].key;
                out.push_str(&format!(
                    "{}/{}: count_star {} sum_timer_wait {} rows_sent {}{}\n",
                    k.schema.as_deref().unwrap_or("NULL"),
                    k.digest.as_deref().unwrap_or("NULL"),
                    d.counters.count_star(),
                    d.counters.sum_timer_wait(),
                    d.counters.0[6],
                    if d.from_zero { " (from zero)" } else { "" }
                ));
            }
        }
        dbintel_test_support::assert_golden(&dir.join("digest_snapshots.golden"), &out);
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;

        #[derive(Debug, Clone)]
        struct Step {
            /// 0: nothing, 1: truncate, 2: restart.
            event: u8,
            actions: Vec<(u8, u64)>,
            limit: usize,
            lookback_s: i64,
            gap_s: i64,
        }

        fn step(keys: usize) -> impl Strategy<Value = Step> {
            (
                prop_oneof![8 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
                proptest::collection::vec((0u8..5, 1u64..10), keys),
                1usize..8,
                prop_oneof![Just(1i64), Just(4), Just(120)],
                prop_oneof![Just(0i64), Just(1), Just(3), Just(60)],
            )
                .prop_map(|(event, actions, limit, lookback_s, gap_s)| Step {
                    event,
                    actions,
                    limit,
                    lookback_s,
                    gap_s,
                })
        }

        #[derive(Debug, Clone, Copy)]
        struct Entry {
            count: u64,
            first_seen_s: i64,
            last_seen_s: i64,
        }

        proptest! {
            /// Whatever happens to the table (activity, TRUNCATE, restarts, entries re-created,
            /// rows outside the LIMIT or the lookback window, whole-second FIRST_SEEN), an emitted
            /// delta is positive and never more than what really ran since the previous snapshot.
            #[test]
            fn deltas_are_never_negative_or_inflated(steps in proptest::collection::vec(step(6), 1..30)) {
                const KEYS: usize = 6;
                let mut engine = DeltaEngine::new(5);
                let mut entries: Vec<Option<Entry>> = vec![None; KEYS];
                // Server time in microseconds; FIRST_SEEN and LAST_SEEN keep whole seconds.
                let mut t: i64 = 1_000_000_000_000;
                let mut started: i64 = t - 3_600_000_000;
                for s in steps {
                    let mut activity = [0u64; KEYS];
                    t += s.gap_s * 1_000_000 + 1;
                    match s.event {
                        1 => entries = vec![None; KEYS],
                        2 => {
                            entries = vec![None; KEYS];
                            started = t;
                        }
                        _ => {}
                    }
                    for (k, (action, n)) in s.actions.iter().enumerate() {
                        let secs = t / 1_000_000;
                        match action {
                            1 | 2 => {
                                let e = entries[k].get_or_insert(Entry { count: 0, first_seen_s: secs, last_seen_s: secs });
                                e.count += n;
                                e.last_seen_s = secs;
                                activity[k] += n;
                            }
                            3 => entries[k] = None, // evicted (truncate of one row)
                            _ => {}
                        }
                    }
                    t += 1000; // the read
                    let lookback_us = s.lookback_s * 1_000_000;
                    let mut visible: Vec<(usize, Entry)> = entries
                        .iter()
                        .enumerate()
                        .filter_map(|(k, e)| e.map(|e| (k, e)))
                        .filter(|(_, e)| e.last_seen_s * 1_000_000 >= t - lookback_us)
                        .collect();
                    visible.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
                    let complete = visible.len() < s.limit;
                    visible.truncate(s.limit);
                    let rows: Vec<DigestSample> = visible
                        .iter()
                        .map(|(k, e)| {
                            let mut c = [0u64; 14];
                            c[COUNT_STAR] = e.count;
                            c[SUM_TIMER_WAIT] = e.count * 7;
                            c[SUM_LOCK_TIME] = e.count;
                            DigestSample {
                                key: DigestKey { schema: (k % 2 == 0).then(|| "s".to_string()), digest: (*k != 0).then(|| format!("d{k}")) },
                                counters: Counters(c),
                                first_seen_us: e.first_seen_s * 1_000_000,
                            }
                        })
                        .collect();
                    t += 1000; // the meta statement
                    let uptime_s = u64::try_from((t - started) / 1_000_000).unwrap_or(0);
                    let meta = SnapshotMeta { server_time_us: t, uptime_s, complete, lookback_us };
                    let (deltas, _, _) = engine.observe(meta, &rows);
                    for d in deltas {
                        let k = visible[d.index].0;
                        prop_assert!(d.counters.count_star() > 0);
                        prop_assert!(d.counters.count_star() <= activity[k], "key {k}: delta {} > activity {}", d.counters.count_star(), activity[k]);
                        prop_assert!(d.counters.sum_timer_wait() <= activity[k] * 7);
                    }
                    prop_assert!(engine.len() <= 5);
                }
            }
        }
    }
}
