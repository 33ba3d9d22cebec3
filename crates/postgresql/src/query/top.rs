//! `db.server.top_query` events: per-interval deltas of pg_stat_statements (see [`super::deltas`]
//! for the rules), top N by execution-time delta, obfuscated text, generic plans.

use std::sync::Arc;

use dbintel_core::pdata::{Attributes, LogRecord};
use dbintel_sql::Dialect;
use tokio::time::Instant;
use tokio_postgres::{Client, Row};

use super::PREFIX;
use super::auto_explain::ActualPlan;
use super::deltas::{Counters, Delta, DeltaEngine, DeltaStats, Lineage, SnapshotMeta, StatKey, StatSample};
use super::errors::CollectError;
use super::plans::{self, ExplainFailure, PlanInfo, Skip};
use crate::server::ServerInfo;
use dbintel_core::cache::BoundedCache;

pub const EVENT_NAME: &str = "db.server.top_query";
const HIDDEN_TEXT: &str = "<insufficient privilege>";

/// One pg_stat_statements row.
#[derive(Debug, Clone, PartialEq)]
pub struct PgssRow {
    pub sample: StatSample,
    pub datname: String,
    pub rolname: String,
    /// None or `<insufficient privilege>` when the role may not see other users' text.
    pub query: Option<String>,
}

/// A snapshot of pg_stat_statements.
#[derive(Debug, Clone, PartialEq)]
pub struct PgssSnapshot {
    pub meta: SnapshotMeta,
    pub rows: Vec<PgssRow>,
    /// Rows without an identity (NULL queryid: another role's entry, read without
    /// pg_read_all_stats); they are not in `rows`.
    pub hidden_rows: usize,
}

/// `SELECT` of the snapshot metadata: server time and (PG14+) `stats_reset`.
pub fn meta_sql(major: u32) -> String {
    let reset = if major >= 14 {
        "(SELECT (extract(epoch from stats_reset) * 1e6)::int8 FROM pg_stat_statements_info)"
    } else {
        "NULL::int8"
    };
    format!("{PREFIX}SELECT (extract(epoch from now()) * 1e6)::int8, {reset}")
}

/// `SELECT` of the counters, ordered by calls like contrib; `$1` is the LIMIT.
pub fn stats_sql(major: u32) -> String {
    let (exec, plan, mean, sd) = if major >= 13 {
        ("s.total_exec_time", "s.total_plan_time", "s.mean_exec_time", "s.stddev_exec_time")
    } else {
        ("s.total_time", "0", "s.mean_time", "s.stddev_time")
    };
    let toplevel = if major >= 14 { "s.toplevel" } else { "true" };
    let since = if major >= 17 { "(extract(epoch from s.stats_since) * 1e6)::int8" } else { "NULL::int8" };
    format!(
        "{PREFIX}SELECT s.userid::int8, s.dbid::int8, s.queryid, {toplevel}, s.calls, {exec}::float8, \
         {plan}::float8, s.rows, s.shared_blks_hit, s.shared_blks_read, s.shared_blks_dirtied, \
         s.shared_blks_written, s.local_blks_hit, s.local_blks_read, s.local_blks_dirtied, \
         s.local_blks_written, s.temp_blks_read, s.temp_blks_written, {mean}::float8, {sd}::float8, \
         {since}, d.datname::text, COALESCE(r.rolname::text, ''), s.query \
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
         LEFT JOIN pg_roles r ON r.oid = s.userid \
         WHERE s.query IS NULL OR left(s.query, {plen}) <> '{PREFIX}' \
         ORDER BY s.calls DESC LIMIT $1",
        plen = PREFIX.len()
    )
}

fn decode(r: &Row) -> Result<Option<PgssRow>, tokio_postgres::Error> {
    let Some(queryid) = r.try_get::<_, Option<i64>>(2)? else {
        return Ok(None); // no identity (another user's entry without pg_read_all_stats)
    };
    let f = |i: usize| -> Result<f64, tokio_postgres::Error> {
        Ok(r.try_get::<_, Option<f64>>(i)?.filter(|v| v.is_finite()).unwrap_or(0.0))
    };
    let n =
        |i: usize| -> Result<i64, tokio_postgres::Error> { Ok(r.try_get::<_, Option<i64>>(i)?.unwrap_or(0)) };
    let counters = Counters {
        calls: n(4)?,
        total_exec_time: f(5)?,
        total_plan_time: f(6)?,
        rows: n(7)?,
        shared_blks_hit: n(8)?,
        shared_blks_read: n(9)?,
        shared_blks_dirtied: n(10)?,
        shared_blks_written: n(11)?,
        local_blks_hit: n(12)?,
        local_blks_read: n(13)?,
        local_blks_dirtied: n(14)?,
        local_blks_written: n(15)?,
        temp_blks_read: n(16)?,
        temp_blks_written: n(17)?,
        mean_exec_time: f(18)?,
        stddev_exec_time: f(19)?,
    };
    Ok(Some(PgssRow {
        sample: StatSample {
            key: StatKey {
                userid: n(0)?,
                dbid: n(1)?,
                queryid,
                toplevel: r.try_get::<_, Option<bool>>(3)?.unwrap_or(true),
            },
            counters,
            stats_since_us: r.try_get(20)?,
        },
        datname: r.try_get::<_, Option<String>>(21)?.unwrap_or_default(),
        rolname: r.try_get::<_, Option<String>>(22)?.unwrap_or_default(),
        query: r.try_get(23)?,
    }))
}

/// Reads one snapshot.
pub async fn read_snapshot(
    client: &Client,
    server: &ServerInfo,
    limit: usize,
) -> Result<PgssSnapshot, CollectError> {
    let err = |e: tokio_postgres::Error| CollectError::from_pg(&e, &server.database);
    let major = server.major();
    let meta_row = client.query_one(&meta_sql(major), &[]).await.map_err(err)?;
    let server_time_us: i64 =
        meta_row.try_get::<_, Option<i64>>(0).map_err(|e| CollectError::Decode(e.to_string()))?.unwrap_or(0);
    let stats_reset_us: Option<i64> = meta_row.try_get(1).map_err(|e| CollectError::Decode(e.to_string()))?;
    let lim = i64::try_from(limit).unwrap_or(1000);
    let rows = client.query(&stats_sql(major), &[&lim]).await.map_err(err)?;
    let complete = rows.len() < limit;
    let mut out = Vec::with_capacity(rows.len());
    let mut hidden_rows = 0;
    for r in &rows {
        match decode(r).map_err(|e| CollectError::Decode(e.to_string()))? {
            Some(row) => out.push(row),
            None => hidden_rows += 1,
        }
    }
    Ok(PgssSnapshot {
        meta: SnapshotMeta { server_time_us, stats_reset_us, complete },
        rows: out,
        hidden_rows,
    })
}

/// What we derive once per query text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextInfo {
    pub obfuscated: String,
    pub summary: String,
    pub fingerprint: String,
    pub operation: String,
    /// Number of `$n` parameters when the statement may be explained.
    pub explain: Result<usize, Skip>,
}

fn text_info(text: &str) -> TextInfo {
    match dbintel_sql::analyze_statement(Dialect::Postgresql, text) {
        Ok(a) => TextInfo {
            obfuscated: a.obfuscated,
            summary: a.summary,
            fingerprint: a.fingerprint,
            operation: a.operation,
            explain: plans::explainable(text),
        },
        Err(_) => TextInfo {
            obfuscated: "?".into(),
            summary: String::new(),
            fingerprint: String::new(),
            operation: String::new(),
            explain: Err(Skip::StatementKind),
        },
    }
}

/// One selected top query, ready to become a record.
#[derive(Debug, Clone)]
pub struct Selected {
    pub row: PgssRow,
    pub delta: Delta,
    pub text: Arc<TextInfo>,
    pub plan: Option<Arc<PlanInfo>>,
    /// The latest actual plan from auto_explain for the same fingerprint.
    pub actual: Option<Arc<ActualPlan>>,
}

/// Outcome counters of one run, for self-telemetry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    pub deltas: DeltaStats,
    pub hidden: usize,
    pub explained: usize,
    pub explain_failed: usize,
    pub explain_cached: usize,
    pub text_evictions: u64,
    pub plan_evictions: u64,
}

/// State of the top-query collector between runs.
#[derive(Debug)]
pub struct TopQueries {
    engine: DeltaEngine,
    texts: BoundedCache<i64, Arc<TextInfo>>,
    plans: BoundedCache<(i64, i64), Result<Arc<PlanInfo>, ExplainFailure>>,
    top_n: usize,
    explain_budget: usize,
    name_seq: u64,
    /// The last EXPLAIN permission failure, reported once until a plan succeeds.
    pub(crate) plan_permission_failure: Option<ExplainFailure>,
}

impl TopQueries {
    pub fn new(
        max_rows: usize,
        top_n: usize,
        explain_budget: usize,
        plan_cache: usize,
        plan_ttl: std::time::Duration,
    ) -> Self {
        Self {
            engine: DeltaEngine::new(max_rows),
            texts: BoundedCache::new((top_n * 2).clamp(64, 200_000), None),
            plans: BoundedCache::new(plan_cache.max(1), Some(plan_ttl)),
            top_n: top_n.max(1),
            explain_budget,
            name_seq: 0,
            plan_permission_failure: None,
        }
    }

    /// Forgets the baselines (a different server).
    pub fn reset(&mut self) {
        self.engine.clear();
    }

    /// Pure part: deltas, ranking, text analysis. Rows are consumed.
    pub fn select(
        &mut self,
        snap: PgssSnapshot,
        now: Instant,
        stats: &mut RunStats,
    ) -> (Vec<Selected>, Lineage) {
        let samples: Vec<StatSample> = snap.rows.iter().map(|r| r.sample).collect();
        let (deltas, dstats, lineage) = self.engine.observe(snap.meta, &samples);
        stats.deltas = dstats;
        // Hidden: every row of this snapshot the role cannot see, with or without an identity.
        stats.hidden = snap.hidden_rows
            + snap.rows.iter().filter(|r| r.query.as_deref().is_none_or(|q| q == HIDDEN_TEXT)).count();
        let mut ranked: Vec<Delta> = Vec::with_capacity(deltas.len());
        for d in deltas {
            match snap.rows.get(d.index).and_then(|r| r.query.as_deref()) {
                Some(q) if q != HIDDEN_TEXT && !super::is_own_statement(q) => ranked.push(d),
                _ => {}
            }
        }
        ranked.sort_by(|a, b| {
            b.counters
                .total_exec_time
                .total_cmp(&a.counters.total_exec_time)
                .then(b.counters.calls.cmp(&a.counters.calls))
                .then(a.key.cmp(&b.key))
        });
        ranked.truncate(self.top_n);
        let mut rows = snap.rows;
        let mut out = Vec::with_capacity(ranked.len());
        for d in ranked {
            let Some(row) = rows.get_mut(d.index).map(|r| PgssRow {
                sample: r.sample,
                datname: std::mem::take(&mut r.datname),
                rolname: std::mem::take(&mut r.rolname),
                query: r.query.take(),
            }) else {
                continue;
            };
            let qid = row.sample.key.queryid;
            let text = match self.texts.get_at(&qid, now) {
                Some(t) => t.clone(),
                None => {
                    let t = Arc::new(text_info(row.query.as_deref().unwrap_or_default()));
                    self.texts.insert_at(qid, t.clone(), now);
                    t
                }
            };
            out.push(Selected { row, delta: d, text, plan: None, actual: None });
        }
        stats.text_evictions = self.texts.take_evictions();
        (out, lineage)
    }

    /// Attaches generic plans (cached per (dbid, queryid); failures cached too), within the budget.
    /// Only statements of the database the client is connected to can be planned.
    /// EXPLAINs the selected statements within the budget. A statement can only be planned in its
    /// own database: `client` serves `server.database`, `others` the other monitored databases.
    pub async fn attach_plans(
        &mut self,
        client: &Client,
        server: &ServerInfo,
        others: &[(&str, &Client)],
        selected: &mut [Selected],
        stats: &mut RunStats,
    ) {
        let mut budget = self.explain_budget;
        for s in selected.iter_mut() {
            if budget == 0 {
                break;
            }
            let key = (s.row.sample.key.dbid, s.row.sample.key.queryid);
            let now = Instant::now();
            if let Some(cached) = self.plans.get_at(&key, now) {
                stats.explain_cached += 1;
                s.plan = cached.as_ref().ok().cloned();
                continue;
            }
            let Ok(params) = s.text.explain else { continue };
            let client = if s.row.datname == server.database {
                client
            } else if let Some((_, c)) = others.iter().find(|(db, _)| *db == s.row.datname) {
                *c
            } else {
                continue;
            };
            let Some(text) = s.row.query.as_deref() else { continue };
            budget -= 1;
            self.name_seq = self.name_seq.wrapping_add(1);
            match plans::explain_generic(client, server.major(), text, params, self.name_seq).await {
                Ok(p) => {
                    stats.explained += 1;
                    let p = Arc::new(p);
                    s.plan = Some(p.clone());
                    self.plans.insert_at(key, Ok(p), now);
                    self.plan_permission_failure = None;
                }
                Err(f) if f.code == "connection" || client.is_closed() => {
                    stats.explain_failed += 1;
                    break; // not cached: the statement is not at fault
                }
                Err(f) => {
                    stats.explain_failed += 1;
                    tracing::debug!(code = %f.code, reason = %f.message, queryid = key.1, "top_query: EXPLAIN failed");
                    if f.code == "42501" {
                        self.plan_permission_failure = Some(f.clone());
                    }
                    self.plans.insert_at(key, Err(f), now);
                }
            }
        }
        stats.plan_evictions = self.plans.take_evictions();
    }
}

/// Builds the `db.server.top_query` record of one selected query.
pub fn record(s: &Selected, now_nanos: u64) -> LogRecord {
    let c = &s.delta.counters;
    let mut a = Attributes::with_capacity(32);
    a.insert("db.system.name", "postgresql");
    a.insert("db.namespace", s.row.datname.clone());
    a.insert("db.query.text", s.text.obfuscated.clone());
    a.insert("postgresql.calls", c.calls);
    a.insert("postgresql.rows", c.rows);
    a.insert("postgresql.shared_blks_dirtied", c.shared_blks_dirtied);
    a.insert("postgresql.shared_blks_hit", c.shared_blks_hit);
    a.insert("postgresql.shared_blks_read", c.shared_blks_read);
    a.insert("postgresql.shared_blks_written", c.shared_blks_written);
    a.insert("postgresql.temp_blks_read", c.temp_blks_read);
    a.insert("postgresql.temp_blks_written", c.temp_blks_written);
    a.insert("postgresql.queryid", s.row.sample.key.queryid.to_string());
    a.insert("postgresql.rolname", s.row.rolname.clone());
    // Seconds, as the contrib code emits them (its attribute description still says milliseconds).
    a.insert("postgresql.total_exec_time", c.total_exec_time / 1000.0);
    a.insert("postgresql.total_plan_time", c.total_plan_time / 1000.0);
    if let Some(p) = s.plan.as_deref().and_then(|p| p.plan_json.clone()) {
        a.insert("postgresql.query_plan", p);
    }
    if !s.text.summary.is_empty() {
        a.insert("db.query.summary", s.text.summary.clone());
    }
    if !s.text.operation.is_empty() && s.text.operation != "UNKNOWN" {
        a.insert("db.operation.name", s.text.operation.clone());
    }
    if !s.text.fingerprint.is_empty() {
        a.insert("dbintel.query.fingerprint", s.text.fingerprint.clone());
    }
    a.insert("dbintel.toplevel", s.row.sample.key.toplevel);
    a.insert("dbintel.exec_time.mean", c.mean_exec_time / 1000.0);
    a.insert("dbintel.exec_time.stddev", c.stddev_exec_time / 1000.0);
    a.insert("dbintel.local_blks_hit", c.local_blks_hit);
    a.insert("dbintel.local_blks_read", c.local_blks_read);
    a.insert("dbintel.local_blks_dirtied", c.local_blks_dirtied);
    a.insert("dbintel.local_blks_written", c.local_blks_written);
    if let Some(p) = s.actual.as_deref() {
        if s.plan.is_none()
            && let Some(json) = &p.plan_json
        {
            a.insert("postgresql.query_plan", json.clone());
        }
        if let Some(json) = &p.plan_json {
            a.insert("dbintel.plan.actual", json.clone());
        }
        a.insert("dbintel.plan.actual.hash", p.plan_hash.clone());
        a.insert("dbintel.plan.actual.summary", p.summary_json.clone());
        a.insert("dbintel.plan.actual.duration_ms", p.duration_ms);
    }
    if let Some(p) = s.plan.as_deref() {
        a.insert("dbintel.plan.hash", p.plan_hash.clone());
        a.insert("dbintel.plan.summary", p.summary_json.clone());
        a.insert("dbintel.plan.kind", "generic");
        if let Some(cost) = p.total_cost.filter(|c| c.is_finite()) {
            a.insert("dbintel.plan.total_cost", cost);
        }
    }
    LogRecord {
        time_unix_nano: now_nanos,
        observed_time_unix_nano: now_nanos,
        event_name: EVENT_NAME.into(),
        attributes: a,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use dbintel_core::pdata::Value;
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct GoldenSnapshot {
        note: String,
        server_time_us: i64,
        stats_reset_us: Option<i64>,
        #[serde(default)]
        limit: Option<usize>,
        rows: Vec<GoldenRow>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct GoldenRow {
        userid: i64,
        dbid: i64,
        queryid: Option<i64>,
        #[serde(default = "yes")]
        toplevel: bool,
        datname: String,
        rolname: String,
        query: Option<String>,
        calls: i64,
        total_exec_time: f64,
        #[serde(default)]
        total_plan_time: f64,
        #[serde(default)]
        rows: i64,
        #[serde(default)]
        shared_blks_hit: i64,
        #[serde(default)]
        shared_blks_read: i64,
        #[serde(default)]
        temp_blks_written: i64,
        #[serde(default)]
        mean_exec_time: f64,
        #[serde(default)]
        stddev_exec_time: f64,
        #[serde(default)]
        stats_since_us: Option<i64>,
    }

    fn yes() -> bool {
        true
    }

    fn to_json(v: &Value) -> serde_json::Value {
        match v {
            Value::Str(s) => s.to_string().into(),
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Double(d) => serde_json::json!((d * 1e9).round() / 1e9),
            Value::Array(a) => a.iter().map(to_json).collect(),
            other => other.to_display_string().into(),
        }
    }

    /// Recorded pg_stat_statements snapshots -> expected events, one block per snapshot.
    #[test]
    fn golden_top_query_deltas() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/query");
        let input = std::fs::read_to_string(dir.join("pgss_snapshots.json")).unwrap();
        let snaps: Vec<GoldenSnapshot> = serde_json::from_str(&input).unwrap();
        let mut top = TopQueries::new(4, 3, 0, 10, std::time::Duration::from_secs(60));
        let mut out = String::new();
        for (i, s) in snaps.into_iter().enumerate() {
            let limit = s.limit.unwrap_or(4);
            let rows: Vec<PgssRow> = s
                .rows
                .into_iter()
                .filter_map(|r| {
                    Some(PgssRow {
                        sample: StatSample {
                            key: StatKey {
                                userid: r.userid,
                                dbid: r.dbid,
                                queryid: r.queryid?,
                                toplevel: r.toplevel,
                            },
                            counters: Counters {
                                calls: r.calls,
                                total_exec_time: r.total_exec_time,
                                total_plan_time: r.total_plan_time,
                                rows: r.rows,
                                shared_blks_hit: r.shared_blks_hit,
                                shared_blks_read: r.shared_blks_read,
                                temp_blks_written: r.temp_blks_written,
                                mean_exec_time: r.mean_exec_time,
                                stddev_exec_time: r.stddev_exec_time,
                                ..Default::default()
                            },
                            stats_since_us: r.stats_since_us,
                        },
                        datname: r.datname,
                        rolname: r.rolname,
                        query: r.query,
                    })
                })
                .collect();
            let complete = rows.len() < limit;
            let snap = PgssSnapshot {
                meta: SnapshotMeta {
                    server_time_us: s.server_time_us,
                    stats_reset_us: s.stats_reset_us,
                    complete,
                },
                rows,
                hidden_rows: 0,
            };
            let mut stats = RunStats::default();
            let (selected, lineage) = top.select(snap, Instant::now(), &mut stats);
            out.push_str(&format!(
                "# snapshot {i}: {} | lineage {lineage:?} | emitted {} baselined {} backwards {} unchanged {} evicted {} hidden {}\n",
                s.note,
                stats.deltas.emitted,
                stats.deltas.baselined,
                stats.deltas.backwards,
                stats.deltas.unchanged,
                stats.deltas.evicted,
                stats.hidden
            ));
            for sel in &selected {
                let rec = record(sel, 0);
                assert_eq!(rec.event_name, EVENT_NAME);
                let mut m = serde_json::Map::new();
                for (k, v) in rec.attributes.iter() {
                    m.insert(k.to_string(), to_json(v));
                }
                out.push_str(&serde_json::to_string(&m).unwrap());
                out.push('\n');
            }
        }
        dbintel_test_support::assert_golden(&dir.join("pgss_snapshots.golden.jsonl"), &out);
    }
}
