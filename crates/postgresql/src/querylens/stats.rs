//! Per-plan statistics from `querylens.query_stats`: rows checked one by one, per-interval deltas
//! with the pg_stat_statements rules ([`crate::query::deltas`], keyed by `(dbid, userid, queryid,
//! planid)`, `first_seen` playing the part of `stats_since` and `querylens.info().stats_since` the
//! part of `stats_reset`), the top N plans by execution-time delta, and their metric points.

use dbintel_core::pdata::{Attributes, Metric, MetricData, NumberDataPoint, NumberValue, Temporality};

use crate::query::PREFIX;
use crate::query::deltas::{Counters, Delta, DeltaEngine, DeltaStats, Lineage, SnapshotMeta, StatSample};

/// Identity of one pg_querylens entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlanKey {
    pub dbid: i64,
    pub userid: i64,
    pub queryid: i64,
    pub planid: i64,
}

/// The plan id as dbintel-sql renders a structural plan hash: the u64 bit pattern, 16 hex digits.
pub fn plan_hash(planid: i64) -> String {
    format!("{:016x}", planid as u64)
}

/// `querylens.info()` with the server time of the read (microseconds since the Unix epoch).
pub const INFO_SQL: &str = "/* dbintel */ SELECT (extract(epoch FROM now()) * 1e6)::int8, \
     (extract(epoch FROM i.stats_since) * 1e6)::int8, i.version::text, i.entries::int8, i.max_entries::int8, \
     i.evictions::int8, i.plan_changes::int8, i.dropped_samples::int8, i.enabled::bool \
     FROM querylens.info() i";

/// The entries with the most calls; `$1` is the LIMIT (`max_plans`). With `raw`, from
/// `querylens.query_stats_raw(false)`, the function behind the view that leaves the plan texts
/// out (the view copies every entry's plan text out of shared memory, and the per-plan metrics do
/// not need them); otherwise from the view (the SQL contract).
pub fn stats_sql(raw: bool) -> String {
    let from = if raw { "querylens.query_stats_raw(false)" } else { "querylens.query_stats" };
    format!(
        "{PREFIX}SELECT q.dbid::int8, q.userid::int8, q.queryid::int8, q.planid::int8, q.calls::int8, \
         q.total_exec_time::float8, q.total_plan_time::float8, q.rows::int8, q.shared_blks_hit::int8, \
         q.shared_blks_read::int8, q.shared_blks_dirtied::int8, q.shared_blks_written::int8, \
         q.local_blks_hit::int8, q.local_blks_read::int8, q.temp_blks_read::int8, q.temp_blks_written::int8, \
         q.mean_exec_time::float8, q.stddev_exec_time::float8, (extract(epoch FROM q.first_seen) * 1e6)::int8, \
         d.datname::text, r.rolname::text \
         FROM {from} q LEFT JOIN pg_database d ON d.oid = q.dbid \
         LEFT JOIN pg_roles r ON r.oid = q.userid \
         ORDER BY q.calls DESC NULLS LAST LIMIT $1"
    )
}

/// One row as read, before it is checked (every column may be NULL in a view we do not own).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawRow {
    pub dbid: Option<i64>,
    pub userid: Option<i64>,
    pub queryid: Option<i64>,
    pub planid: Option<i64>,
    pub calls: Option<i64>,
    pub total_exec_time: Option<f64>,
    pub total_plan_time: Option<f64>,
    pub rows: Option<i64>,
    pub shared_blks_hit: Option<i64>,
    pub shared_blks_read: Option<i64>,
    pub shared_blks_dirtied: Option<i64>,
    pub shared_blks_written: Option<i64>,
    pub local_blks_hit: Option<i64>,
    pub local_blks_read: Option<i64>,
    pub temp_blks_read: Option<i64>,
    pub temp_blks_written: Option<i64>,
    pub mean_exec_time: Option<f64>,
    pub stddev_exec_time: Option<f64>,
    pub first_seen_us: Option<i64>,
    pub datname: Option<String>,
    pub rolname: Option<String>,
}

impl RawRow {
    /// Reads the columns of [`stats_sql`].
    pub fn from_row(r: &tokio_postgres::Row) -> Result<Self, tokio_postgres::Error> {
        Ok(Self {
            dbid: r.try_get(0)?,
            userid: r.try_get(1)?,
            queryid: r.try_get(2)?,
            planid: r.try_get(3)?,
            calls: r.try_get(4)?,
            total_exec_time: r.try_get(5)?,
            total_plan_time: r.try_get(6)?,
            rows: r.try_get(7)?,
            shared_blks_hit: r.try_get(8)?,
            shared_blks_read: r.try_get(9)?,
            shared_blks_dirtied: r.try_get(10)?,
            shared_blks_written: r.try_get(11)?,
            local_blks_hit: r.try_get(12)?,
            local_blks_read: r.try_get(13)?,
            temp_blks_read: r.try_get(14)?,
            temp_blks_written: r.try_get(15)?,
            mean_exec_time: r.try_get(16)?,
            stddev_exec_time: r.try_get(17)?,
            first_seen_us: r.try_get(18)?,
            datname: r.try_get(19)?,
            rolname: r.try_get(20)?,
        })
    }
}

/// Why a row was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRow {
    /// A NULL in the identity (dbid, userid, queryid, planid) or in `calls`.
    MissingIdentity,
    /// A negative counter or a time that is negative or not a number.
    BadCounter,
}

/// A checked row.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub sample: StatSample<PlanKey>,
    pub datname: String,
    pub rolname: String,
}

/// Checks one row: the identity must be complete, counters non-negative, times finite and
/// non-negative. NULL counters other than `calls` count as 0 (an extension built for a server
/// without, e.g., planning time).
pub fn check(raw: RawRow) -> Result<PlanRow, BadRow> {
    let (Some(dbid), Some(userid), Some(queryid), Some(planid), Some(calls)) =
        (raw.dbid, raw.userid, raw.queryid, raw.planid, raw.calls)
    else {
        return Err(BadRow::MissingIdentity);
    };
    let int = |v: Option<i64>| -> Result<i64, BadRow> {
        match v {
            None => Ok(0),
            Some(n) if n >= 0 => Ok(n),
            Some(_) => Err(BadRow::BadCounter),
        }
    };
    let time = |v: Option<f64>| -> Result<f64, BadRow> {
        match v {
            None => Ok(0.0),
            Some(t) if t.is_finite() && t >= 0.0 => Ok(t),
            Some(_) => Err(BadRow::BadCounter),
        }
    };
    let counters = Counters {
        calls: int(Some(calls))?,
        total_exec_time: time(raw.total_exec_time)?,
        total_plan_time: time(raw.total_plan_time)?,
        rows: int(raw.rows)?,
        shared_blks_hit: int(raw.shared_blks_hit)?,
        shared_blks_read: int(raw.shared_blks_read)?,
        shared_blks_dirtied: int(raw.shared_blks_dirtied)?,
        shared_blks_written: int(raw.shared_blks_written)?,
        local_blks_hit: int(raw.local_blks_hit)?,
        local_blks_read: int(raw.local_blks_read)?,
        local_blks_dirtied: 0,
        local_blks_written: 0,
        temp_blks_read: int(raw.temp_blks_read)?,
        temp_blks_written: int(raw.temp_blks_written)?,
        mean_exec_time: time(raw.mean_exec_time)?,
        stddev_exec_time: time(raw.stddev_exec_time)?,
    };
    Ok(PlanRow {
        sample: StatSample {
            key: PlanKey { dbid, userid, queryid, planid },
            counters,
            stats_since_us: raw.first_seen_us,
        },
        datname: raw.datname.unwrap_or_default(),
        rolname: raw.rolname.unwrap_or_default(),
    })
}

/// One read of the view.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub meta: SnapshotMeta,
    pub rows: Vec<PlanRow>,
    /// Rows left out by [`check`].
    pub bad_rows: usize,
}

/// A plan with activity in the interval.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDelta {
    pub delta: Delta<PlanKey>,
    pub datname: String,
    pub rolname: String,
}

/// The per-plan delta state between collections.
#[derive(Debug)]
pub struct PlanStats {
    engine: DeltaEngine<PlanKey>,
}

impl PlanStats {
    /// `max_plans` bounds the baselines.
    pub fn new(max_plans: usize) -> Self {
        Self { engine: DeltaEngine::new(max_plans) }
    }

    pub fn reset(&mut self) {
        self.engine.clear();
    }

    /// Baselines held.
    pub fn len(&self) -> usize {
        self.engine.len()
    }

    pub fn is_empty(&self) -> bool {
        self.engine.is_empty()
    }

    /// The plans with new calls, heaviest execution-time delta first (then calls, then key).
    pub fn observe(&mut self, snap: Snapshot) -> (Vec<PlanDelta>, DeltaStats, Lineage) {
        let samples: Vec<StatSample<PlanKey>> = snap.rows.iter().map(|r| r.sample).collect();
        let (deltas, stats, lineage) = self.engine.observe(snap.meta, &samples);
        let mut rows = snap.rows;
        let mut out: Vec<PlanDelta> = deltas
            .into_iter()
            .filter_map(|d| {
                let r = rows.get_mut(d.index)?;
                Some(PlanDelta {
                    delta: d,
                    datname: std::mem::take(&mut r.datname),
                    rolname: std::mem::take(&mut r.rolname),
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.delta
                .counters
                .total_exec_time
                .total_cmp(&a.delta.counters.total_exec_time)
                .then(b.delta.counters.calls.cmp(&a.delta.counters.calls))
                .then(a.delta.key.cmp(&b.delta.key))
        });
        (out, stats, lineage)
    }
}

/// Block counters as points of `db.server.plan.blocks`, by `source`.
const BLOCK_SOURCES: [&str; 8] = [
    "shared_hit",
    "shared_read",
    "shared_dirtied",
    "shared_written",
    "local_hit",
    "local_read",
    "temp_read",
    "temp_written",
];

fn blocks(c: &Counters) -> [i64; 8] {
    [
        c.shared_blks_hit,
        c.shared_blks_read,
        c.shared_blks_dirtied,
        c.shared_blks_written,
        c.local_blks_hit,
        c.local_blks_read,
        c.temp_blks_read,
        c.temp_blks_written,
    ]
}

/// The attributes of one plan's points.
pub fn plan_attributes(p: &PlanDelta) -> Attributes {
    let mut a = Attributes::with_capacity(4);
    a.insert("db.namespace", p.datname.clone());
    a.insert("postgresql.queryid", p.delta.key.queryid.to_string());
    a.insert("db.query.plan.hash", plan_hash(p.delta.key.planid));
    a.insert("postgresql.rolname", p.rolname.clone());
    a
}

/// Delta sums for the selected plans (`start`: the previous read, `now`: this one).
pub fn metrics(plans: &[PlanDelta], start: u64, now: u64) -> Vec<Metric> {
    if plans.is_empty() {
        return Vec::new();
    }
    let point = |a: &Attributes, v: NumberValue| NumberDataPoint {
        attributes: a.clone(),
        start_time_unix_nano: start,
        time_unix_nano: now,
        value: v,
        flags: 0,
    };
    let (mut calls, mut duration, mut planning, mut rows, mut blks) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in plans {
        let c = &p.delta.counters;
        let a = plan_attributes(p);
        calls.push(point(&a, NumberValue::Int(c.calls)));
        duration.push(point(&a, NumberValue::Double(c.total_exec_time / 1000.0)));
        if c.total_plan_time > 0.0 {
            planning.push(point(&a, NumberValue::Double(c.total_plan_time / 1000.0)));
        }
        rows.push(point(&a, NumberValue::Int(c.rows)));
        for (source, n) in BLOCK_SOURCES.iter().zip(blocks(c)) {
            if n > 0 {
                let mut b = a.clone();
                b.insert("source", *source);
                blks.push(point(&b, NumberValue::Int(n)));
            }
        }
    }
    let sum = |name: &str, unit: &str, description: &str, points: Vec<NumberDataPoint>| Metric {
        name: name.into(),
        description: description.into(),
        unit: unit.into(),
        data: MetricData::Sum { points, temporality: Temporality::Delta, monotonic: true },
    };
    let mut out = vec![
        sum(
            "db.server.plan.calls",
            "{call}",
            "Executions of the plan during the interval (pg_querylens).",
            calls,
        ),
        sum(
            "db.server.plan.duration",
            "s",
            "Time spent executing the plan during the interval (pg_querylens).",
            duration,
        ),
        sum(
            "db.server.plan.rows",
            "{row}",
            "Rows returned or affected by the plan during the interval.",
            rows,
        ),
    ];
    if !planning.is_empty() {
        out.push(sum(
            "db.server.plan.planning.duration",
            "s",
            "Time spent planning the statement when this plan was chosen, during the interval.",
            planning,
        ));
    }
    if !blks.is_empty() {
        out.push(sum(
            "db.server.plan.blocks",
            "{block}",
            "Blocks hit, read, dirtied or written by the plan during the interval, by source.",
            blks,
        ));
    }
    out
}

/// What `querylens.info()` said.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Info {
    pub server_time_us: i64,
    pub stats_since_us: Option<i64>,
    pub version: String,
    pub entries: Option<i64>,
    pub max_entries: Option<i64>,
    pub evictions: Option<i64>,
    pub plan_changes: Option<i64>,
    pub dropped_samples: Option<i64>,
    pub enabled: Option<bool>,
}

impl Info {
    pub fn from_row(r: &tokio_postgres::Row) -> Result<Self, tokio_postgres::Error> {
        Ok(Self {
            server_time_us: r.try_get::<_, Option<i64>>(0)?.unwrap_or(0),
            stats_since_us: r.try_get(1)?,
            version: r.try_get::<_, Option<String>>(2)?.unwrap_or_default(),
            entries: r.try_get(3)?,
            max_entries: r.try_get(4)?,
            evictions: r.try_get(5)?,
            plan_changes: r.try_get(6)?,
            dropped_samples: r.try_get(7)?,
            enabled: r.try_get(8)?,
        })
    }

    /// The extension's own health: its table's fill and what it had to drop.
    pub fn metrics(&self, start: u64, now: u64) -> Vec<Metric> {
        let point = |v: i64| NumberDataPoint {
            attributes: Attributes::new(),
            start_time_unix_nano: start,
            time_unix_nano: now,
            value: NumberValue::Int(v.max(0)),
            flags: 0,
        };
        let mut out = Vec::new();
        let gauge = |name: &str, unit: &str, d: &str, v: i64| Metric {
            name: name.into(),
            description: d.into(),
            unit: unit.into(),
            data: MetricData::Gauge(vec![point(v)]),
        };
        let total = |name: &str, unit: &str, d: &str, v: i64| Metric {
            name: name.into(),
            description: d.into(),
            unit: unit.into(),
            data: MetricData::Sum {
                points: vec![point(v)],
                temporality: Temporality::Cumulative,
                monotonic: true,
            },
        };
        if let Some(v) = self.entries {
            out.push(gauge(
                "postgresql.querylens.entries",
                "{entry}",
                "Plans tracked by pg_querylens now.",
                v,
            ));
        }
        if let Some(v) = self.max_entries {
            out.push(gauge(
                "postgresql.querylens.max_entries",
                "{entry}",
                "Plans pg_querylens can track (pg_querylens.max_queries).",
                v,
            ));
        }
        if let Some(v) = self.evictions {
            out.push(total(
                "postgresql.querylens.evictions",
                "{entry}",
                "Entries pg_querylens evicted to make room since its statistics were reset.",
                v,
            ));
        }
        if let Some(v) = self.dropped_samples {
            out.push(total(
                "postgresql.querylens.dropped_samples",
                "{sample}",
                "Executions pg_querylens could not record since its statistics were reset.",
                v,
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(queryid: i64, planid: i64, calls: i64, exec: f64, first_seen: i64) -> RawRow {
        RawRow {
            dbid: Some(5),
            userid: Some(10),
            queryid: Some(queryid),
            planid: Some(planid),
            calls: Some(calls),
            total_exec_time: Some(exec),
            total_plan_time: Some(0.5),
            rows: Some(calls),
            shared_blks_hit: Some(calls * 2),
            mean_exec_time: Some(if calls > 0 { exec / calls as f64 } else { 0.0 }),
            stddev_exec_time: Some(0.0),
            first_seen_us: Some(first_seen),
            datname: Some("app".into()),
            rolname: Some("alice".into()),
            ..Default::default()
        }
    }

    fn snap(t: i64, since: i64, rows: Vec<RawRow>, limit: usize) -> Snapshot {
        let n = rows.len();
        let mut bad = 0;
        let rows: Vec<PlanRow> = rows
            .into_iter()
            .filter_map(|r| match check(r) {
                Ok(r) => Some(r),
                Err(_) => {
                    bad += 1;
                    None
                }
            })
            .collect();
        Snapshot {
            meta: SnapshotMeta { server_time_us: t, stats_reset_us: Some(since), complete: n < limit },
            rows,
            bad_rows: bad,
        }
    }

    #[test]
    fn plan_ids_render_as_the_u64_bit_pattern() {
        assert_eq!(plan_hash(0), "0000000000000000");
        assert_eq!(plan_hash(255), "00000000000000ff");
        assert_eq!(plan_hash(-1), "ffffffffffffffff");
        assert_eq!(plan_hash(i64::MIN), "8000000000000000");
        // Same rendering as dbintel-sql's hash (FNV offset basis of an empty plan).
        assert_eq!(plan_hash(0xcbf2_9ce4_8422_2325_u64 as i64), "cbf29ce484222325");
    }

    #[test]
    fn bad_rows_are_left_out_with_a_reason() {
        let ok = raw(1, 2, 3, 4.0, 0);
        assert!(check(ok.clone()).is_ok());
        for r in [
            RawRow { queryid: None, ..ok.clone() },
            RawRow { planid: None, ..ok.clone() },
            RawRow { dbid: None, ..ok.clone() },
            RawRow { calls: None, ..ok.clone() },
            RawRow::default(),
        ] {
            assert_eq!(check(r), Err(BadRow::MissingIdentity));
        }
        for r in [
            RawRow { calls: Some(-1), ..ok.clone() },
            RawRow { rows: Some(-5), ..ok.clone() },
            RawRow { total_exec_time: Some(f64::NAN), ..ok.clone() },
            RawRow { total_exec_time: Some(f64::INFINITY), ..ok.clone() },
            RawRow { stddev_exec_time: Some(-0.1), ..ok.clone() },
        ] {
            assert_eq!(check(r), Err(BadRow::BadCounter));
        }
        // NULL counters other than calls are zeros; NULL names are empty.
        let r = check(RawRow { temp_blks_read: None, datname: None, ..ok }).unwrap();
        assert_eq!(r.sample.counters.temp_blks_read, 0);
        assert_eq!(r.datname, "");
    }

    #[test]
    fn deltas_per_plan_reset_and_recreation() {
        let mut s = PlanStats::new(100);
        // First read: baselines only.
        let (d, st, lineage) =
            s.observe(snap(1_000, 1, vec![raw(1, 10, 5, 50.0, 1), raw(1, 11, 2, 2.0, 1)], 100));
        assert!(d.is_empty());
        assert_eq!((st.baselined, lineage), (2, Lineage::First));
        // Both plans of query 1 advance; plan 11 is heavier; a bad row is skipped.
        let mut bad = raw(3, 1, 1, 1.0, 1);
        bad.planid = None;
        let (d, _, _) =
            s.observe(snap(2_000, 1, vec![raw(1, 10, 7, 60.0, 1), raw(1, 11, 6, 102.0, 1), bad], 100));
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].delta.key.planid, 11);
        assert_eq!(d[0].delta.counters.calls, 4);
        assert!((d[0].delta.counters.total_exec_time - 100.0).abs() < 1e-9);
        assert_eq!(d[1].delta.counters.calls, 2);
        assert_eq!(d[1].delta.counters.shared_blks_hit, 4);
        // Plan 10's counters go down without a new first_seen: a reset of that entry, nothing emitted
        // (no negative delta), re-baselined; plan 11 re-created (new first_seen): counts from zero.
        let (d, st, _) =
            s.observe(snap(3_000, 1, vec![raw(1, 10, 1, 1.0, 1), raw(1, 11, 3, 30.0, 2_500)], 100));
        assert_eq!(st.backwards, 1);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].delta.key.planid, d[0].delta.counters.calls, d[0].delta.from_zero), (11, 3, true));
        // A plan first seen after the previous read (complete snapshot): everything is new.
        let (d, _, _) = s.observe(snap(
            4_000,
            1,
            vec![raw(1, 10, 2, 2.0, 1), raw(1, 11, 3, 30.0, 2_500), raw(2, 20, 9, 9.0, 3_500)],
            100,
        ));
        let new: Vec<_> = d.iter().filter(|p| p.delta.key.planid == 20).collect();
        assert_eq!(new[0].delta.counters.calls, 9);
        // querylens.reset(): stats_since moves past the previous read; survivors count from zero.
        let (d, _, lineage) = s.observe(snap(5_000, 4_500, vec![raw(1, 10, 1, 1.0, 4_600)], 100));
        assert_eq!(lineage, Lineage::FullReset);
        assert_eq!(d[0].delta.counters.calls, 1);
        for p in &d {
            assert!(p.delta.counters.calls > 0 && p.delta.counters.total_exec_time >= 0.0);
        }
    }

    #[test]
    fn baselines_are_bounded() {
        let mut s = PlanStats::new(3);
        let rows: Vec<RawRow> = (0..10).map(|i| raw(i, i, 1, 1.0, 1)).collect();
        let (_, st, _) = s.observe(snap(1_000, 1, rows, 100));
        assert_eq!(s.len(), 3);
        assert_eq!(st.evicted, 7);
    }

    #[test]
    fn metric_points_carry_the_plan_identity() {
        let mut s = PlanStats::new(10);
        s.observe(snap(1_000, 1, vec![raw(42, -2, 1, 1.0, 1)], 10));
        let (d, _, _) = s.observe(snap(2_000, 1, vec![raw(42, -2, 3, 2001.0, 1)], 10));
        let m = metrics(&d, 7, 9);
        let names: Vec<&str> = m.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "db.server.plan.calls",
                "db.server.plan.duration",
                "db.server.plan.rows",
                "db.server.plan.blocks"
            ]
        );
        let MetricData::Sum { points, temporality, monotonic } = &m[1].data else { panic!("sum") };
        assert!(*monotonic && *temporality == Temporality::Delta);
        assert_eq!(points[0].value, NumberValue::Double(2.0));
        assert_eq!((points[0].start_time_unix_nano, points[0].time_unix_nano), (7, 9));
        let a = &points[0].attributes;
        assert_eq!(a.get("db.query.plan.hash").and_then(|v| v.as_str()), Some("fffffffffffffffe"));
        assert_eq!(a.get("postgresql.queryid").and_then(|v| v.as_str()), Some("42"));
        assert_eq!(a.get("db.namespace").and_then(|v| v.as_str()), Some("app"));
        let MetricData::Sum { points, .. } = &m[3].data else { panic!("sum") };
        assert_eq!(points.len(), 1, "only non-zero block sources");
        assert_eq!(points[0].attributes.get("source").and_then(|v| v.as_str()), Some("shared_hit"));
        assert!(metrics(&[], 0, 0).is_empty());
    }
}
