//! `db.server.query_sample` events from pg_stat_activity, with blocking chains and W3C trace
//! context from `application_name`.

use std::collections::HashMap;

use dbintel_core::pdata::{Attributes, LogRecord, Value};
use dbintel_sql::Dialect;
use tokio_postgres::{Client, Row};

use super::errors::CollectError;
use super::{PREFIX, is_own_statement};
use crate::server::ServerInfo;

pub const EVENT_NAME: &str = "db.server.query_sample";

/// One pg_stat_activity row as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActivityRow {
    pub pid: i32,
    pub datname: String,
    pub usename: String,
    pub application_name: String,
    pub client_addr: String,
    pub client_port: Option<i32>,
    pub client_hostname: String,
    pub state: String,
    pub wait_event_type: String,
    pub wait_event: String,
    pub query_id: Option<i64>,
    pub query: String,
    /// `query_start::text` as the server prints it (contrib's `postgresql.query_start`).
    pub query_start: String,
    pub query_start_us: i64,
    pub xact_start_us: Option<i64>,
    pub duration_ms: Option<f64>,
    pub blocking_pids: Vec<i32>,
    pub lock_mode: String,
    pub lock_type: String,
    pub lock_relation: String,
    pub wait_start_us: Option<i64>,
    pub backend_type: String,
    pub truncated: bool,
    /// Server time of the read (`clock_timestamp()`), for wait durations.
    pub now_us: i64,
}

/// The SQL for a server of this major version. `$1` is the LIMIT.
pub fn sample_sql(major: u32) -> String {
    let query_id = if major >= 14 { "sa.query_id" } else { "NULL::int8" };
    let waitstart = if major >= 14 { "l.waitstart" } else { "NULL::timestamptz" };
    format!(
        "{PREFIX}SELECT sa.pid, COALESCE(sa.datname::text, ''), COALESCE(sa.usename::text, ''), \
         COALESCE(sa.application_name, ''), COALESCE(host(sa.client_addr), ''), sa.client_port, \
         COALESCE(sa.client_hostname, ''), COALESCE(sa.state, ''), COALESCE(sa.wait_event_type, ''), \
         COALESCE(sa.wait_event, ''), {query_id} AS query_id, sa.query, sa.query_start::text, \
         (extract(epoch from sa.query_start) * 1e6)::int8, (extract(epoch from sa.xact_start) * 1e6)::int8, \
         (CASE WHEN sa.state = 'active' THEN extract(epoch from clock_timestamp() - sa.query_start) * 1e3 \
               WHEN sa.state_change IS NOT NULL THEN extract(epoch from sa.state_change - sa.query_start) * 1e3 \
          END)::float8, \
         b.pids, bl.mode, bl.locktype, c.relname::text, (extract(epoch from bl.waitstart) * 1e6)::int8, \
         COALESCE(sa.backend_type, ''), \
         octet_length(sa.query) >= qs.size - 1, \
         (extract(epoch from clock_timestamp()) * 1e6)::int8 \
         FROM pg_stat_activity sa \
         CROSS JOIN LATERAL (SELECT pg_blocking_pids(sa.pid) AS pids) b \
         LEFT JOIN (SELECT setting::int AS size FROM pg_settings \
                    WHERE name = 'track_activity_query_size') qs ON true \
         LEFT JOIN LATERAL (SELECT l.mode, l.locktype, l.relation, {waitstart} AS waitstart FROM pg_locks l \
                            WHERE l.pid = sa.pid AND NOT l.granted ORDER BY 4 NULLS LAST LIMIT 1) bl ON true \
         LEFT JOIN pg_class c ON c.oid = bl.relation \
         WHERE sa.pid <> pg_backend_pid() AND sa.query_start IS NOT NULL \
           AND COALESCE(btrim(sa.query), '') <> '' AND left(sa.query, {plen}) <> '{PREFIX}' \
         ORDER BY cardinality(b.pids) > 0 DESC, sa.state = 'active' DESC, sa.query_start \
         LIMIT $1",
        plen = PREFIX.len()
    )
}

fn decode(r: &Row) -> Result<ActivityRow, tokio_postgres::Error> {
    Ok(ActivityRow {
        pid: r.try_get(0)?,
        datname: r.try_get(1)?,
        usename: r.try_get(2)?,
        application_name: r.try_get(3)?,
        client_addr: r.try_get(4)?,
        client_port: r.try_get(5)?,
        client_hostname: r.try_get(6)?,
        state: r.try_get(7)?,
        wait_event_type: r.try_get(8)?,
        wait_event: r.try_get(9)?,
        query_id: r.try_get(10)?,
        query: r.try_get::<_, Option<String>>(11)?.unwrap_or_default(),
        query_start: r.try_get::<_, Option<String>>(12)?.unwrap_or_default(),
        query_start_us: r.try_get::<_, Option<i64>>(13)?.unwrap_or(0),
        xact_start_us: r.try_get(14)?,
        duration_ms: r.try_get(15)?,
        blocking_pids: r.try_get::<_, Option<Vec<i32>>>(16)?.unwrap_or_default(),
        lock_mode: r.try_get::<_, Option<String>>(17)?.unwrap_or_default(),
        lock_type: r.try_get::<_, Option<String>>(18)?.unwrap_or_default(),
        lock_relation: r.try_get::<_, Option<String>>(19)?.unwrap_or_default(),
        wait_start_us: r.try_get(20)?,
        backend_type: r.try_get(21)?,
        truncated: r.try_get::<_, Option<bool>>(22)?.unwrap_or(false),
        now_us: r.try_get::<_, Option<i64>>(23)?.unwrap_or(0),
    })
}

/// Blocking relations between sessions (dbclient's, shared with the mysql receiver).
pub type BlockingInfo = dbintel_dbclient::blocking::BlockingInfo<i32>;

/// Builds the blocking chains from `(pid, blocking pids)` pairs (dbclient's cycle-safe builder).
pub fn blocking_chains(edges: &[(i32, Vec<i32>)]) -> HashMap<i32, BlockingInfo> {
    dbintel_dbclient::blocking::blocking_chains(
        edges.iter().flat_map(|(p, bs)| bs.iter().map(move |b| (*p, *b))),
    )
}

pub use dbintel_dbclient::trace::{TraceParent, parse_traceparent};

/// RFC 3339 in whole seconds, UTC (`2024-01-02T03:04:05Z`), as contrib formats lock and transaction
/// start times.
fn rfc3339_secs(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = dbintel_core::time_fmt::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, (rem % 3600) / 60, rem % 60)
}

/// Array text as PostgreSQL prints `int[]` (`{12,34}`), contrib's `postgresql.blocking.pids`.
fn pg_int_array(v: &[i32]) -> String {
    let items: Vec<String> = v.iter().map(i32::to_string).collect();
    format!("{{{}}}", items.join(","))
}

/// State kept between sample runs.
#[derive(Debug, Default)]
pub struct SampleState {
    /// Newest `query_start` seen in the previous run (contrib's watermark for idle sessions).
    watermark_us: Option<i64>,
    pub hidden_last_run: usize,
}

/// Reads pg_stat_activity and returns sample records.
pub async fn collect(
    client: &Client,
    server: &ServerInfo,
    limit: usize,
    state: &mut SampleState,
    now_nanos: u64,
) -> Result<Vec<LogRecord>, CollectError> {
    let sql = sample_sql(server.major());
    let limit = i64::try_from(limit).unwrap_or(1000);
    let rows =
        client.query(&sql, &[&limit]).await.map_err(|e| CollectError::from_pg(&e, &server.database))?;
    let mut decoded = Vec::with_capacity(rows.len());
    for r in &rows {
        decoded.push(decode(r).map_err(|e| CollectError::Decode(e.to_string()))?);
    }
    Ok(build_records(decoded, state, now_nanos))
}

/// Turns activity rows into records (pure; unit-tested).
pub fn build_records(rows: Vec<ActivityRow>, state: &mut SampleState, now_nanos: u64) -> Vec<LogRecord> {
    let edges: Vec<(i32, Vec<i32>)> = rows.iter().map(|r| (r.pid, r.blocking_pids.clone())).collect();
    let chains = blocking_chains(&edges);
    let newest = rows.iter().map(|r| r.query_start_us).max();
    let watermark = state.watermark_us;
    let mut hidden = 0usize;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if r.query == "<insufficient privilege>" {
            hidden += 1;
            continue;
        }
        if is_own_statement(&r.query) {
            continue;
        }
        let chain = chains.get(&r.pid).cloned().unwrap_or_default();
        let blocks_someone = !chain.blocked_pids.is_empty();
        if r.state == "idle" && !blocks_someone && watermark.is_some_and(|w| r.query_start_us <= w) {
            continue; // already reported: an idle session's last statement does not change
        }
        out.push(record(r, &chain, now_nanos));
    }
    if let Some(n) = newest {
        state.watermark_us = Some(state.watermark_us.map_or(n, |w| w.max(n)));
    }
    state.hidden_last_run = hidden;
    out
}

fn record(r: ActivityRow, chain: &BlockingInfo, now_nanos: u64) -> LogRecord {
    let mut a = Attributes::with_capacity(32);
    a.insert("db.system.name", "postgresql");
    a.insert("db.namespace", r.datname);
    let analysis = dbintel_sql::analyze_statement(Dialect::Postgresql, &r.query).ok();
    match &analysis {
        Some(an) => {
            a.insert("db.query.text", an.obfuscated.clone());
            if !an.summary.is_empty() {
                a.insert("db.query.summary", an.summary.clone());
            }
            a.insert("dbintel.query.fingerprint", an.fingerprint.clone());
        }
        None => a.insert("db.query.text", "?"),
    }
    a.insert("user.name", r.usename);
    a.insert("postgresql.state", r.state);
    a.insert("postgresql.pid", i64::from(r.pid));
    a.insert("postgresql.application_name", r.application_name.clone());
    a.insert("network.peer.address", r.client_addr);
    if let Some(port) = r.client_port.filter(|p| *p > 0) {
        a.insert("network.peer.port", i64::from(port));
    }
    a.insert("postgresql.client_hostname", r.client_hostname);
    a.insert("postgresql.query_start", r.query_start);
    a.insert("postgresql.wait_event", r.wait_event);
    a.insert("postgresql.wait_event_type", r.wait_event_type);
    a.insert("postgresql.query_id", r.query_id.map(|q| q.to_string()).unwrap_or_default());
    a.insert("postgresql.total_exec_time", r.duration_ms.filter(|d| d.is_finite()).unwrap_or(0.0).max(0.0));
    let blocked = !r.blocking_pids.is_empty();
    a.insert("postgresql.blocking.pids", pg_int_array(&r.blocking_pids));
    let wait_start = r.wait_start_us.filter(|_| blocked);
    a.insert("postgresql.blocking.start_time", wait_start.map(rfc3339_secs).unwrap_or_default());
    let wait_secs = wait_start.map(|w| (r.now_us.saturating_sub(w) / 1_000_000).max(0)).unwrap_or(0);
    a.insert("postgresql.blocking.wait_duration", wait_secs);
    a.insert("postgresql.blocking.lock.mode", if blocked { r.lock_mode } else { String::new() });
    a.insert("postgresql.blocking.lock.type", if blocked { r.lock_type } else { String::new() });
    a.insert("postgresql.blocking.lock.relation", if blocked { r.lock_relation } else { String::new() });
    a.insert(
        "postgresql.blocking.transaction.start_time",
        r.xact_start_us.map(rfc3339_secs).unwrap_or_default(),
    );
    if blocked {
        a.insert(
            "dbintel.blocking.root_pids",
            Value::Array(chain.root_pids.iter().map(|p| Value::Int(i64::from(*p))).collect()),
        );
        a.insert("dbintel.blocking.depth", i64::from(chain.depth));
    }
    if !chain.blocked_pids.is_empty() {
        a.insert(
            "dbintel.blocking.blocked_pids",
            Value::Array(chain.blocked_pids.iter().map(|p| Value::Int(i64::from(*p))).collect()),
        );
        a.insert("dbintel.blocking.blocked_total", i64::from(chain.blocked_total));
    }
    if !r.backend_type.is_empty() {
        a.insert("dbintel.backend_type", r.backend_type);
    }
    if r.truncated {
        a.insert("dbintel.query.truncated", true);
    }
    let trace = parse_traceparent(&r.application_name);
    LogRecord {
        time_unix_nano: now_nanos,
        observed_time_unix_nano: now_nanos,
        event_name: EVENT_NAME.into(),
        attributes: a,
        trace_id: trace.map(|t| t.trace_id),
        span_id: trace.map(|t| t.span_id),
        flags: trace.map(|t| u32::from(t.flags)).unwrap_or(0),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_chain_builder() {
        // 30 holds a lock; 20 waits for 30; 10 and 11 wait for 20; 40 waits for 30 and 20.
        let edges = vec![(10, vec![20]), (11, vec![20]), (20, vec![30]), (30, vec![]), (40, vec![30, 20])];
        let c = blocking_chains(&edges);
        assert_eq!(c[&10].root_pids, vec![30]);
        assert_eq!(c[&10].depth, 2);
        assert_eq!(c[&20].depth, 1);
        assert_eq!(c[&30].depth, 0);
        assert!(c[&30].root_pids.is_empty());
        assert_eq!(c[&30].blocked_pids, vec![20, 40]);
        assert_eq!(c[&30].blocked_total, 4);
        assert_eq!(c[&20].blocked_pids, vec![10, 11, 40]);
        assert_eq!(c[&40].root_pids, vec![30]);
        // A blocker outside the rows (LIMIT) still appears as a root.
        let c = blocking_chains(&[(1, vec![99])]);
        assert_eq!(c[&1].root_pids, vec![99]);
        assert_eq!(c[&99].blocked_pids, vec![1]);
        // A cycle terminates.
        let c = blocking_chains(&[(1, vec![2]), (2, vec![1])]);
        assert!(c[&1].root_pids.is_empty());
        assert_eq!(c[&1].blocked_total, 1);
    }

    fn row(pid: i32, state: &str, query: &str, start: i64) -> ActivityRow {
        ActivityRow {
            pid,
            state: state.into(),
            query: query.into(),
            query_start_us: start,
            datname: "shop".into(),
            ..Default::default()
        }
    }

    #[test]
    fn records_obfuscate_link_traces_and_skip_what_they_must() {
        let mut s = SampleState::default();
        let mut blocked = row(2, "active", "UPDATE t SET a = 'secret' WHERE id = 42", 1_700_000_000_000_000);
        blocked.blocking_pids = vec![1];
        blocked.lock_mode = "RowExclusiveLock".into();
        blocked.lock_type = "relation".into();
        blocked.lock_relation = "t".into();
        blocked.wait_start_us = Some(1_700_000_000_000_000);
        blocked.now_us = 1_700_000_003_500_000;
        blocked.application_name = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into();
        let rows = vec![
            row(1, "idle in transaction", "LOCK TABLE t IN ACCESS EXCLUSIVE MODE", 1),
            blocked,
            row(3, "active", "<insufficient privilege>", 5),
            row(4, "active", "/* dbintel */ SELECT 1", 5),
        ];
        let recs = build_records(rows, &mut s, 7);
        assert_eq!(recs.len(), 2);
        assert_eq!(s.hidden_last_run, 1);
        let b = &recs[1].attributes;
        assert_eq!(b.get("db.query.text").and_then(Value::as_str), Some("UPDATE t SET a = ? WHERE id = ?"));
        assert_eq!(b.get("postgresql.blocking.pids").and_then(Value::as_str), Some("{1}"));
        assert_eq!(b.get("postgresql.blocking.wait_duration"), Some(&Value::Int(3)));
        assert_eq!(
            b.get("postgresql.blocking.start_time").and_then(Value::as_str),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(b.get("dbintel.blocking.root_pids"), Some(&Value::Array(vec![Value::Int(1)])));
        assert!(recs[1].trace_id.is_some() && recs[1].flags == 1);
        let holder = &recs[0].attributes;
        assert_eq!(holder.get("dbintel.blocking.blocked_pids"), Some(&Value::Array(vec![Value::Int(2)])));
        assert_eq!(holder.get("postgresql.blocking.pids").and_then(Value::as_str), Some("{}"));
        // Idle sessions older than the watermark are not repeated; blockers are.
        let again = build_records(vec![row(9, "idle", "SELECT 1", 1)], &mut s, 8);
        assert!(again.is_empty());
    }
}
