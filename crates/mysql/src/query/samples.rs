//! `db.server.query_sample` events: what every session is doing now, with its wait, who blocks
//! it, a W3C trace context from `SET @traceparent = '00-...'`, and the plan of its statement.
//!
//! One run: the lock waits first ([`super::blocking`]), then `performance_schema.threads` LEFT
//! JOIN the latest `events_statements_current` and `events_waits_current` row of each thread (max
//! EVENT_ID) and `user_variables_by_thread` (`traceparent`); on MySQL >= 8.0.22 also
//! `performance_schema.processlist` for the client's `host:port` (elsewhere the host only and
//! port 0, as contrib does: information_schema.PROCESSLIST takes a global mutex).
//!
//! Excluded: background threads, our own connection (`CONNECTION_ID()`) and statements
//! (`/* dbintel */`), Sleep/Daemon, threads idle now (an `idle` wait in progress), empty SQL —
//! except sessions in a lock wait, as waiter or blocker: a blocker idle in transaction is the
//! session the DBA needs to see. Those come first, then the longest-running; LIMIT
//! `max_rows_per_query`.
//!
//! Differences from contrib, on purpose: `mysql.wait_type` and the wait timer are the wait in
//! progress (contrib reports the latest wait even when it ended, so a running `SELECT SLEEP` shows
//! `idle`); threads whose last wait was `idle` but that run a statement are sampled.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use dbintel_core::pdata::{Attributes, LogRecord, Value};
use dbintel_dbclient::{DbError, STATEMENT_PREFIX};
use dbintel_sql::Dialect;
use tokio::time::Instant;

use super::blocking::{self, ChainInfo, LockLevel, LockWait};
use super::config::QuerySampleCollectionConfig;
use super::plans::Plans;
use crate::conn::{ServerInfo, Source, TextRow};

pub const EVENT_NAME: &str = "db.server.query_sample";
/// Characters of statement text read per thread; longer text is cut and marked truncated.
pub const MAX_SAMPLE_TEXT: usize = 16 * 1024;
/// Lock-involved sessions forced into the sample at most (bounds the SQL text).
pub const MAX_FORCED_PIDS: usize = 1000;

/// One sampled thread as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ThreadRow {
    pub thread_id: u64,
    pub processlist_id: u64,
    pub user: String,
    /// `host` or `host:port` as the server prints it.
    pub host: String,
    pub db: String,
    pub command: String,
    pub state: String,
    pub sql_text: String,
    pub digest: String,
    pub event_id: Option<u64>,
    pub statement_running: bool,
    /// Picoseconds.
    pub statement_timer: Option<u64>,
    pub current_schema: String,
    pub wait_event: String,
    pub wait_running: bool,
    pub wait_timer: Option<u64>,
    pub traceparent: String,
    /// The server cut the text (`performance_schema_max_sql_text_length`) or we did.
    pub truncated: bool,
}

/// The sample statement for this server; `forced` are sessions in a lock wait (sampled whatever
/// they do).
pub fn sample_sql(info: &ServerInfo, limit: usize, forced: &[u64]) -> String {
    let (host, join) = if info.has_ps_processlist() {
        (
            "COALESCE(p.HOST, t.PROCESSLIST_HOST)",
            " LEFT JOIN performance_schema.processlist p ON p.ID = t.PROCESSLIST_ID",
        )
    } else {
        ("t.PROCESSLIST_HOST", "")
    };
    let ids: Vec<String> = forced.iter().take(MAX_FORCED_PIDS).map(u64::to_string).collect();
    let (forced_where, forced_order) = if ids.is_empty() {
        (String::new(), String::new())
    } else {
        let list = ids.join(", ");
        (format!("t.PROCESSLIST_ID IN ({list}) OR "), format!("t.PROCESSLIST_ID IN ({list}) DESC, "))
    };
    let own = STATEMENT_PREFIX.trim_end();
    format!(
        "SELECT t.THREAD_ID, t.PROCESSLIST_ID, t.PROCESSLIST_USER, {host}, t.PROCESSLIST_DB, \
         t.PROCESSLIST_COMMAND, t.PROCESSLIST_STATE, LEFT(s.SQL_TEXT, {MAX_SAMPLE_TEXT}), s.DIGEST, \
         s.EVENT_ID, s.EVENT_ID IS NOT NULL AND s.END_EVENT_ID IS NULL, s.TIMER_WAIT, s.CURRENT_SCHEMA, \
         w.EVENT_NAME, w.EVENT_ID IS NOT NULL AND w.END_EVENT_ID IS NULL, w.TIMER_WAIT, \
         CAST(v.VARIABLE_VALUE AS CHAR(512) CHARACTER SET utf8mb4), \
         CHAR_LENGTH(s.SQL_TEXT) > {MAX_SAMPLE_TEXT} \
           OR LENGTH(s.SQL_TEXT) >= @@performance_schema_max_sql_text_length \
         FROM performance_schema.threads t \
         LEFT JOIN performance_schema.events_statements_current s ON s.THREAD_ID = t.THREAD_ID \
           AND s.EVENT_ID = (SELECT MAX(s2.EVENT_ID) FROM performance_schema.events_statements_current s2 \
                             WHERE s2.THREAD_ID = t.THREAD_ID) \
         LEFT JOIN performance_schema.events_waits_current w ON w.THREAD_ID = t.THREAD_ID \
           AND w.EVENT_ID = (SELECT MAX(w2.EVENT_ID) FROM performance_schema.events_waits_current w2 \
                             WHERE w2.THREAD_ID = t.THREAD_ID) \
         LEFT JOIN performance_schema.user_variables_by_thread v ON v.THREAD_ID = t.THREAD_ID \
           AND v.VARIABLE_NAME = 'traceparent'{join} \
         WHERE t.TYPE = 'FOREGROUND' AND t.PROCESSLIST_ID IS NOT NULL \
           AND t.PROCESSLIST_ID <> CONNECTION_ID() \
           AND COALESCE(s.SQL_TEXT, '') NOT LIKE '{own}%' \
           AND ({forced_where}(COALESCE(t.PROCESSLIST_COMMAND, '') NOT IN ('Sleep', 'Daemon') \
                AND NOT (COALESCE(w.EVENT_NAME, '') = 'idle' AND w.END_EVENT_ID IS NULL) \
                AND TRIM(COALESCE(s.SQL_TEXT, '')) <> '')) \
         ORDER BY {forced_order}s.TIMER_WAIT DESC \
         LIMIT {limit}"
    )
}

fn cell(r: &TextRow, i: usize) -> String {
    r.get(i).and_then(|c| c.clone()).unwrap_or_default()
}

fn num(r: &TextRow, i: usize) -> Option<u64> {
    r.get(i).and_then(|c| c.as_deref()).and_then(|s| s.trim().parse::<u64>().ok())
}

fn flag(r: &TextRow, i: usize) -> bool {
    num(r, i).is_some_and(|v| v != 0)
}

/// Maps one row of [`sample_sql`]; None for a row without a session id.
pub fn map_row(r: &TextRow) -> Option<ThreadRow> {
    let mut sql_text = cell(r, 7);
    let mut truncated = flag(r, 17);
    // The server already cut at MAX_SAMPLE_TEXT characters; a second guard in bytes.
    if sql_text.len() > 4 * MAX_SAMPLE_TEXT {
        let mut end = 4 * MAX_SAMPLE_TEXT;
        while !sql_text.is_char_boundary(end) {
            end -= 1;
        }
        sql_text.truncate(end);
        truncated = true;
    }
    Some(ThreadRow {
        thread_id: num(r, 0).unwrap_or(0),
        processlist_id: num(r, 1).filter(|p| *p > 0)?,
        user: cell(r, 2),
        host: cell(r, 3),
        db: cell(r, 4),
        command: cell(r, 5),
        state: cell(r, 6),
        sql_text,
        digest: cell(r, 8),
        event_id: num(r, 9),
        statement_running: flag(r, 10),
        statement_timer: num(r, 11),
        current_schema: cell(r, 12),
        wait_event: cell(r, 13),
        wait_running: flag(r, 14),
        wait_timer: num(r, 15),
        traceparent: cell(r, 16),
        truncated,
    })
}

pub use dbintel_dbclient::trace::{TraceParent, parse_traceparent};

/// RFC 3339 in whole seconds, UTC, as contrib formats lock and transaction start times.
fn rfc3339_secs(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = dbintel_core::time_fmt::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, (rem % 3600) / 60, rem % 60)
}

/// `host:port` (processlist) or `host`; IPv6 hosts keep their colons.
fn split_host(host: &str) -> (String, i64) {
    if let Some((h, p)) = host.rsplit_once(':')
        && let Ok(port) = p.parse::<u16>()
        && !h.is_empty()
    {
        return (h.trim_start_matches('[').trim_end_matches(']').to_string(), i64::from(port));
    }
    (host.to_string(), 0)
}

fn ps_to_secs(ps: Option<u64>) -> f64 {
    ps.map(|p| p as f64 / 1e12).unwrap_or(0.0)
}

/// What one sample run produced.
#[derive(Debug, Default)]
pub struct SampleOutcome {
    pub records: Vec<LogRecord>,
    /// Statements that failed without losing the connection (label, error).
    pub failures: Vec<(String, DbError)>,
}

/// The sample collector's schedule and limits.
#[derive(Debug)]
pub struct QuerySamples {
    interval: Duration,
    max_rows: usize,
    last_run: Option<Instant>,
}

impl QuerySamples {
    /// Every `query_sample_collection.collection_interval`, or the receiver's interval.
    pub fn new(cfg: &QuerySampleCollectionConfig, receiver_interval: Duration) -> Self {
        let interval = cfg.collection_interval.map(|i| i.get()).unwrap_or(receiver_interval);
        Self { interval, max_rows: cfg.max_rows(), last_run: None }
    }

    /// Whether a run is due (runs happen in the receiver's scrape, so at most once per scrape).
    /// A small slack keeps a sample interval equal to the scrape interval from skipping ticks.
    pub fn due(&self, now: Instant) -> bool {
        self.last_run.is_none_or(|l| now.duration_since(l) + Duration::from_millis(250) >= self.interval)
    }

    /// One run: lock waits, threads, plans. `Err` only when the connection is lost.
    pub async fn collect(
        &mut self,
        src: &mut dyn Source,
        plans: &mut Plans,
        now_nanos: u64,
    ) -> Result<SampleOutcome, DbError> {
        let started = Instant::now();
        self.last_run = Some(started);
        let mut out = SampleOutcome::default();
        let (waits, failures) = blocking::collect(src).await?;
        out.failures.extend(failures);
        let mut involved: BTreeSet<u64> = BTreeSet::new();
        for w in &waits {
            involved.insert(w.waiting_pid);
            involved.insert(w.blocking_pid);
        }
        let forced: Vec<u64> = involved.into_iter().collect();
        let sql = sample_sql(src.info(), self.max_rows, &forced);
        let rows = match src.rows(&sql).await {
            Ok(rows) => rows,
            Err(e @ DbError::Lost(_)) => return Err(e),
            Err(e) => {
                out.failures.push(("query samples".to_string(), e));
                return Ok(out);
            }
        };
        let threads: Vec<ThreadRow> = rows.iter().filter_map(map_row).collect();
        let info = src.info().clone();
        // New EXPLAINs stop at half the interval: a slow server must not delay the next scrape.
        plans.set_deadline(Some(started + self.interval / 2));
        out.records = build_records(&info, threads, &waits, plans, now_nanos).await;
        plans.set_deadline(None);
        Ok(out)
    }
}

/// Threads and lock waits to records, with plans within the budget.
pub async fn build_records(
    info: &ServerInfo,
    threads: Vec<ThreadRow>,
    waits: &[LockWait],
    plans: &mut Plans,
    now_nanos: u64,
) -> Vec<LogRecord> {
    let chains = blocking::chains(waits);
    let mut by_waiter: HashMap<u64, Vec<&LockWait>> = HashMap::new();
    for w in waits {
        by_waiter.entry(w.waiting_pid).or_default().push(w);
    }
    let mut out = Vec::with_capacity(threads.len());
    for t in threads {
        if t.sql_text.trim_start().starts_with(STATEMENT_PREFIX.trim_end()) {
            continue;
        }
        let my_waits = by_waiter.get(&t.processlist_id).map(Vec::as_slice).unwrap_or(&[]);
        let chain = chains.get(&t.processlist_id).cloned().unwrap_or_default();
        let mut rec = record(info, &t, my_waits, &chain, now_nanos);
        if !t.truncated && !t.sql_text.trim().is_empty() {
            let schema = if t.current_schema.is_empty() { &t.db } else { &t.current_schema };
            let key = if t.digest.is_empty() {
                rec.attributes
                    .get("dbintel.query.fingerprint")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            } else {
                t.digest.clone()
            };
            if let Some(p) = plans.plan_for(Some(schema), &key, &t.sql_text).await {
                p.apply(&mut rec.attributes);
            }
        }
        out.push(rec);
    }
    out
}

/// One thread's record (pure).
pub fn record(
    info: &ServerInfo,
    t: &ThreadRow,
    waits: &[&LockWait],
    chain: &ChainInfo,
    now_nanos: u64,
) -> LogRecord {
    let mut a = Attributes::with_capacity(40);
    a.insert("db.system.name", info.flavor());
    a.insert("mysql.threads.thread_id", i64::try_from(t.thread_id).unwrap_or(i64::MAX));
    a.insert("user.name", t.user.clone());
    a.insert("db.namespace", t.db.clone());
    a.insert("mysql.threads.processlist_command", t.command.clone());
    a.insert("mysql.threads.processlist_state", t.state.clone());
    match dbintel_sql::analyze_statement(Dialect::Mysql, &t.sql_text) {
        Ok(an) => {
            a.insert("db.query.text", an.obfuscated);
            if !an.summary.is_empty() {
                a.insert("db.query.summary", an.summary);
            }
            a.insert("dbintel.query.fingerprint", an.fingerprint);
        }
        Err(_) => a.insert("db.query.text", ""),
    }
    if t.truncated {
        a.insert("dbintel.query.truncated", true);
    }
    a.insert("mysql.events_statements_current.digest", t.digest.clone());
    a.insert("mysql.event_id", t.event_id.and_then(|e| i64::try_from(e).ok()).unwrap_or(0));
    let waiting_now = t.wait_running && t.wait_event != "idle";
    a.insert("mysql.wait_type", if waiting_now { t.wait_event.clone() } else { String::new() });
    let status = if waiting_now || !waits.is_empty() {
        "waiting"
    } else if t.statement_running {
        "running"
    } else {
        "other"
    };
    a.insert("mysql.session.status", status);
    a.insert("mysql.session.id", i64::try_from(t.processlist_id).unwrap_or(i64::MAX));
    a.insert("mysql.events_statements_current.timer_wait", ps_to_secs(t.statement_timer));
    a.insert(
        "mysql.events_waits_current.timer_wait",
        if waiting_now { ps_to_secs(t.wait_timer) } else { 0.0 },
    );
    let (host, port) = split_host(&t.host);
    a.insert("client.address", host.clone());
    a.insert("client.port", port);
    a.insert("network.peer.address", host);
    a.insert("network.peer.port", port);
    if let Some(w) = waits.first() {
        let pids: BTreeSet<u64> = waits.iter().map(|w| w.blocking_pid).collect();
        a.insert("mysql.blocking.pids", pids.iter().map(u64::to_string).collect::<Vec<_>>().join(","));
        a.insert("mysql.blocking.start_time", w.wait_start.map(rfc3339_secs).unwrap_or_default());
        a.insert("mysql.blocking.wait_duration", w.wait_secs);
        a.insert("mysql.blocking.lock.mode", w.lock_mode.clone());
        a.insert("mysql.blocking.lock.type", w.lock_type.clone());
        a.insert("mysql.blocking.lock.table", w.table.clone());
        a.insert("mysql.blocking.lock.index", w.index.clone());
        a.insert("mysql.blocking.lock_level", w.level.as_str());
        a.insert(
            "mysql.blocking.transaction.start_time",
            w.blocking_trx_start.map(rfc3339_secs).unwrap_or_default(),
        );
        if w.level == LockLevel::Metadata {
            a.insert("mysql.blocking.mdl.object_type", w.mdl_object_type.clone());
            a.insert("mysql.blocking.mdl.schema", w.mdl_schema.clone());
            a.insert("mysql.blocking.mdl.name", w.mdl_name.clone());
            a.insert("mysql.blocking.mdl.lock_type", w.mdl_lock_type.clone());
        }
        let ints = |v: &[u64]| {
            Value::Array(v.iter().map(|p| Value::Int(i64::try_from(*p).unwrap_or(i64::MAX))).collect())
        };
        a.insert("dbintel.blocking.root_pids", ints(&chain.root_pids));
        a.insert("dbintel.blocking.depth", i64::from(chain.depth));
    }
    if !chain.blocked_pids.is_empty() {
        a.insert(
            "dbintel.blocking.blocked_pids",
            Value::Array(
                chain
                    .blocked_pids
                    .iter()
                    .map(|p| Value::Int(i64::try_from(*p).unwrap_or(i64::MAX)))
                    .collect(),
            ),
        );
        a.insert("dbintel.blocking.blocked_total", i64::from(chain.blocked_total));
    }
    let trace = parse_traceparent(&t.traceparent);
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

    const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn row(cells: &[Option<&str>]) -> TextRow {
        cells.iter().map(|c| c.map(str::to_string)).collect()
    }

    fn all_null(n: usize) -> Vec<Option<&'static str>> {
        vec![None; n]
    }

    #[test]
    fn rows_with_nulls_map_and_need_a_session() {
        let mut cells = all_null(18);
        assert!(map_row(&row(&cells)).is_none(), "no processlist id");
        cells[1] = Some("42");
        let t = map_row(&row(&cells)).unwrap();
        assert_eq!((t.processlist_id, t.thread_id, t.sql_text.as_str()), (42, 0, ""));
        assert!(!t.truncated && !t.statement_running && t.statement_timer.is_none());
        let rec = record(&ServerInfo::from_version("8.0.36"), &t, &[], &ChainInfo::default(), 1);
        assert_eq!(rec.attributes.get("mysql.session.status").and_then(Value::as_str), Some("other"));
        assert_eq!(rec.attributes.get("client.port"), Some(&Value::Int(0)));
        assert!(rec.trace_id.is_none());
        // A short or garbage row does not panic.
        assert!(map_row(&vec![Some("x".to_string())]).is_none());
    }

    fn thread(text: &str) -> ThreadRow {
        ThreadRow {
            thread_id: 50,
            processlist_id: 12,
            user: "app".into(),
            host: "10.0.0.5:51234".into(),
            db: "shop".into(),
            command: "Query".into(),
            state: "updating".into(),
            sql_text: text.into(),
            digest: "abc".into(),
            event_id: Some(7),
            statement_running: true,
            statement_timer: Some(2_500_000_000_000),
            wait_event: "wait/io/table/sql/handler".into(),
            wait_running: true,
            wait_timer: Some(1_000_000_000_000),
            traceparent: TP.into(),
            ..Default::default()
        }
    }

    #[test]
    fn record_has_the_contrib_attributes_blocking_and_trace() {
        let info = ServerInfo::from_version("8.0.36");
        let t = thread("UPDATE t SET a = 'secret' WHERE id = 42");
        let w = LockWait {
            waiting_pid: 12,
            blocking_pid: 11,
            lock_mode: "X,REC_NOT_GAP".into(),
            lock_type: "RECORD".into(),
            table: "shop.t".into(),
            index: "PRIMARY".into(),
            wait_start: Some(1_700_000_000),
            wait_secs: 3,
            blocking_trx_start: Some(1_699_999_990),
            ..Default::default()
        };
        let chain = blocking::chains(std::slice::from_ref(&w));
        let rec = record(&info, &t, &[&w], &chain[&12], 9);
        let a = &rec.attributes;
        let s = |k: &str| a.get(k).and_then(Value::as_str).map(str::to_string).unwrap_or_default();
        assert_eq!(s("db.query.text"), "UPDATE t SET a = ? WHERE id = ?");
        assert_eq!(s("db.system.name"), "mysql");
        assert_eq!(s("mysql.session.status"), "waiting");
        assert_eq!(
            (s("client.address"), a.get("client.port")),
            ("10.0.0.5".to_string(), Some(&Value::Int(51234)))
        );
        assert_eq!(a.get("mysql.events_statements_current.timer_wait"), Some(&Value::Double(2.5)));
        assert_eq!(a.get("mysql.events_waits_current.timer_wait"), Some(&Value::Double(1.0)));
        assert_eq!(s("mysql.blocking.pids"), "11");
        assert_eq!(s("mysql.blocking.start_time"), "2023-11-14T22:13:20Z");
        assert_eq!(s("mysql.blocking.transaction.start_time"), "2023-11-14T22:13:10Z");
        assert_eq!(a.get("mysql.blocking.wait_duration"), Some(&Value::Int(3)));
        assert_eq!(
            (s("mysql.blocking.lock.table"), s("mysql.blocking.lock.index")),
            ("shop.t".into(), "PRIMARY".into())
        );
        assert_eq!(a.get("dbintel.blocking.root_pids"), Some(&Value::Array(vec![Value::Int(11)])));
        assert!(rec.trace_id.is_some() && rec.flags == 1);
        // The blocker's own record names whom it blocks.
        let holder =
            record(&info, &ThreadRow { processlist_id: 11, ..thread("SELECT 1") }, &[], &chain[&11], 9);
        assert_eq!(
            holder.attributes.get("dbintel.blocking.blocked_pids"),
            Some(&Value::Array(vec![Value::Int(12)]))
        );
        assert!(holder.attributes.get("mysql.blocking.pids").is_none());
        // A bad traceparent is ignored; MariaDB says so in db.system.name.
        let mut bad = thread("SELECT 1");
        bad.traceparent = "00-zz".into();
        let rec = record(&ServerInfo::from_version("10.11.6-MariaDB"), &bad, &[], &ChainInfo::default(), 9);
        assert!(rec.trace_id.is_none() && rec.span_id.is_none());
        assert_eq!(rec.attributes.get("db.system.name").and_then(Value::as_str), Some("mariadb"));
    }

    #[test]
    fn huge_and_truncated_text_is_marked_and_obfuscated() {
        let huge = format!("SELECT * FROM t WHERE a = '{}", "s".repeat(200_000));
        let mut cells: Vec<Option<&str>> = all_null(18);
        cells[1] = Some("5");
        cells[7] = Some(&huge);
        let t = map_row(&row(&cells)).unwrap();
        assert!(t.truncated && t.sql_text.len() <= 4 * MAX_SAMPLE_TEXT);
        let rec = record(&ServerInfo::from_version("8.0.36"), &t, &[], &ChainInfo::default(), 1);
        let text = rec.attributes.get("db.query.text").and_then(Value::as_str).unwrap();
        assert!(!text.contains("sss"), "literal left in {}", &text[..text.len().min(80)]);
        assert_eq!(rec.attributes.get("dbintel.query.truncated"), Some(&Value::Bool(true)));
        // The server's own flag.
        cells[7] = Some("SELECT 1");
        cells[17] = Some("1");
        assert!(map_row(&row(&cells)).unwrap().truncated);
    }

    #[test]
    fn host_split() {
        assert_eq!(split_host("10.0.0.5:3344"), ("10.0.0.5".into(), 3344));
        assert_eq!(split_host("localhost"), ("localhost".into(), 0));
        assert_eq!(split_host("::1:5000"), ("::1".into(), 5000));
        assert_eq!(split_host(""), (String::new(), 0));
        assert_eq!(split_host("db.example:x"), ("db.example:x".into(), 0));
    }

    #[test]
    fn sql_forces_lock_sessions_and_picks_the_host_source() {
        let s = sample_sql(&ServerInfo::from_version("8.0.36"), 100, &[11, 12]);
        assert!(s.contains("performance_schema.processlist") && s.contains("IN (11, 12) OR"));
        let s = sample_sql(&ServerInfo::from_version("10.11.6-MariaDB"), 100, &[]);
        assert!(!s.contains("performance_schema.processlist") && !s.contains("PROCESSLIST_ID IN ("));
        assert!(s.ends_with("LIMIT 100"));
    }

    #[tokio::test]
    async fn a_failing_lock_statement_is_isolated() {
        let mut r = crate::replay::Replay::new("10.11.6-MariaDB");
        let info = r.info.clone();
        r.record_error(&blocking::row_lock_sql(&info), 1227, "Access denied; you need the PROCESS privilege");
        r.record(&blocking::mdl_sql(), vec![]);
        let mut cells = all_null(18);
        cells[1] = Some("3");
        cells[7] = Some("SHOW TABLES");
        r.record(&sample_sql(&info, 100, &[]), vec![row(&cells)]);
        let top = crate::query::config::TopQueryCollectionConfig::default();
        let mut plans = Plans::with_source(Box::new(crate::replay::Replay::new("10.11.6-MariaDB")), &top);
        let mut q = QuerySamples::new(&QuerySampleCollectionConfig::default(), Duration::from_secs(10));
        assert!(q.due(Instant::now()));
        let out = q.collect(&mut r, &mut plans, 1).await.unwrap();
        assert_eq!(out.records.len(), 1);
        assert_eq!(out.failures.len(), 1);
        assert_eq!(out.failures[0].0, "row lock waits");
        assert!(!q.due(Instant::now()), "not again within the interval");
        assert_eq!(plans.stats.explains, 0, "SHOW is not explained");
        // The sample statement itself failing: no records, the failure named.
        let mut r = crate::replay::Replay::new("10.11.6-MariaDB");
        r.record(&blocking::row_lock_sql(&info), vec![]);
        r.record(&blocking::mdl_sql(), vec![]);
        let out = q.collect(&mut r, &mut plans, 2).await.unwrap();
        assert!(out.records.is_empty());
        assert_eq!(out.failures[0].0, "query samples");
    }
}
