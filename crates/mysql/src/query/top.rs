//! `db.server.top_query` events: per-interval deltas of
//! `performance_schema.events_statements_summary_by_digest` (rules in [`super::deltas`]), ranked
//! by execution-time delta, with obfuscated digest text and the text a plan can be taken from.
//!
//! One run, every statement through [`Source`]:
//! 1. [`digest_sql`]: the digest rows seen within the lookback window, most executed first.
//! 2. [`meta_sql`]: server time and `Uptime`, read after the rows (see the delta rules).
//! 3. [`own_digests_sql`]: the digests of the statements this connection ran (its statement
//!    history, when the `events_statements_history(_long)` consumers are on), remembered.
//!
//! The receiver's own statements are never reported, by three means, since digests lose the
//! `/* dbintel */` comment: the SELECTs of this module carry a `dbintel_*` table alias, which
//! survives digest normalisation, and are excluded by the first statement itself; every other
//! statement the connection sent ([`Source::sent_statements`]) is excluded by its fingerprint
//! (the digest text of `SHOW GLOBAL STATUS` has the same dbintel-sql fingerprint as the text we
//! sent, whatever the server); and digests found in our own thread's statement history.
//! 4. Without `QUERY_SAMPLE_TEXT` (MariaDB, MySQL < 8.0.3): [`recent_texts_sql`], the latest
//!    statement text of the selected digests from the statement history tables (one statement per
//!    run, bounded), as the text to EXPLAIN.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use dbintel_core::pdata::{Attributes, LogRecord};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_dbclient::DbError;
use dbintel_sql::Dialect;
use tokio::time::Instant;

use super::deltas::{
    COUNT_STAR, COUNTER_COLUMNS, Counters, DeltaEngine, DeltaStats, DigestKey, DigestSample, Lineage,
    SUM_LOCK_TIME, SUM_TIMER_WAIT, SnapshotMeta,
};
use crate::config::Plan;
use crate::conn::{ServerInfo, Source, TextRow};

pub const EVENT_NAME: &str = "db.server.top_query";
/// Prefix of the per-column attributes (contrib's names).
pub const ATTR_PREFIX: &str = "mysql.events_statements_summary_by_digest.";
/// The comment every statement of the receiver starts with.
pub const OWN_PREFIX: &str = "/* dbintel */";
/// Rows of the statement-history reads at most.
pub const MAX_HISTORY_ROWS: usize = 1000;
/// Digests of our own statements remembered at most.
pub const MAX_OWN_DIGESTS: usize = 1024;
/// The longest wait between the first (baseline-only) run and the second.
pub const TOP_QUERY_WARM_UP: Duration = Duration::from_secs(10);
/// Longest backoff after repeated failures.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// Picoseconds per second: performance_schema timers are in picoseconds.
pub const PICOS_PER_SECOND: f64 = 1e12;

/// The digest rows within `lookback`, most executed first, at most `limit`.
pub fn digest_sql(info: &ServerInfo, lookback: Duration, limit: usize) -> String {
    let sample = if info.has_query_sample_text() { "QUERY_SAMPLE_TEXT" } else { "NULL" };
    let counters = COUNTER_COLUMNS.join(", ");
    format!(
        "SELECT dbintel_top.SCHEMA_NAME, DIGEST, DIGEST_TEXT, {counters}, UNIX_TIMESTAMP(FIRST_SEEN), {sample} \
         FROM performance_schema.events_statements_summary_by_digest AS dbintel_top \
         WHERE UNIX_TIMESTAMP(LAST_SEEN) >= UNIX_TIMESTAMP() - {secs} \
         AND (DIGEST_TEXT IS NULL OR (DIGEST_TEXT NOT LIKE '%dbintel!_%' ESCAPE '!' AND DIGEST_TEXT NOT LIKE 'EXPLAIN %')) \
         ORDER BY COUNT_STAR DESC LIMIT {limit}",
        secs = lookback.as_secs().max(1),
    )
}

/// Server time (microseconds), `Uptime`, and whether performance_schema is on (off, the digest
/// table is empty, not an error).
pub fn meta_sql(info: &ServerInfo) -> &'static str {
    if info.mariadb {
        "SELECT UNIX_TIMESTAMP(NOW(6)), dbintel_meta.VARIABLE_VALUE, @@performance_schema FROM information_schema.GLOBAL_STATUS AS dbintel_meta WHERE dbintel_meta.VARIABLE_NAME = 'Uptime'"
    } else {
        "SELECT UNIX_TIMESTAMP(NOW(6)), dbintel_meta.VARIABLE_VALUE, @@performance_schema FROM performance_schema.global_status AS dbintel_meta WHERE dbintel_meta.VARIABLE_NAME = 'Uptime'"
    }
}

const OWN_THREAD: &str =
    "(SELECT THREAD_ID FROM performance_schema.threads WHERE PROCESSLIST_ID = CONNECTION_ID())";

/// Digests of the statements this connection ran (statement history and, when its consumer is
/// on, history_long).
pub fn own_digests_sql() -> String {
    format!(
        "SELECT dbintel_own.DIGEST FROM performance_schema.events_statements_history AS dbintel_own \
         WHERE dbintel_own.THREAD_ID = {OWN_THREAD} AND dbintel_own.DIGEST IS NOT NULL \
         UNION SELECT dbintel_own_long.DIGEST FROM performance_schema.events_statements_history_long AS dbintel_own_long \
         WHERE dbintel_own_long.THREAD_ID = {OWN_THREAD} AND dbintel_own_long.DIGEST IS NOT NULL \
         LIMIT {MAX_HISTORY_ROWS}"
    )
}

/// The latest statement texts of `digests` (hex, checked by the caller) from the history tables,
/// other threads only, newest first.
pub fn recent_texts_sql(digests: &[&str]) -> String {
    let list = digests.iter().map(|d| format!("'{d}'")).collect::<Vec<_>>().join(", ");
    format!(
        "SELECT dbintel_recent.DIGEST, dbintel_recent.CURRENT_SCHEMA, dbintel_recent.SQL_TEXT FROM (\
         SELECT DIGEST, CURRENT_SCHEMA, SQL_TEXT, TIMER_START, THREAD_ID FROM performance_schema.events_statements_history_long WHERE DIGEST IN ({list}) \
         UNION ALL SELECT DIGEST, CURRENT_SCHEMA, SQL_TEXT, TIMER_START, THREAD_ID FROM performance_schema.events_statements_history WHERE DIGEST IN ({list})\
         ) AS dbintel_recent WHERE dbintel_recent.THREAD_ID <> {OWN_THREAD} AND dbintel_recent.SQL_TEXT IS NOT NULL \
         ORDER BY dbintel_recent.TIMER_START DESC LIMIT {MAX_HISTORY_ROWS}"
    )
}

/// A digest as the server prints it (32 or 64 hex digits): safe to put in SQL text.
fn is_hex_digest(d: &str) -> bool {
    !d.is_empty() && d.len() <= 64 && d.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Seconds since the epoch as `UNIX_TIMESTAMP()` prints them (`123`, `123.456789`) to microseconds.
pub fn parse_unix_us(s: &str) -> Option<i64> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let secs: i64 = whole.parse().ok()?;
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits = frac.to_string();
    digits.truncate(6);
    while digits.len() < 6 {
        digits.push('0');
    }
    let micros: i64 = digits.parse().ok()?;
    secs.checked_mul(1_000_000)?.checked_add(micros)
}

/// One digest row.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestRow {
    pub sample: DigestSample,
    pub digest_text: Option<String>,
    /// `QUERY_SAMPLE_TEXT` (MySQL >= 8.0.3).
    pub sample_text: Option<String>,
}

/// Decodes one row of [`digest_sql`]; `Err` names the bad column.
pub fn parse_digest_row(row: &TextRow) -> Result<DigestRow, String> {
    let n = COUNTER_COLUMNS.len();
    if row.len() != n + 5 {
        return Err(format!("expected {} columns, got {}", n + 5, row.len()));
    }
    let mut c = [0u64; 14];
    for (i, v) in c.iter_mut().enumerate() {
        *v = match &row[3 + i] {
            None => 0,
            Some(s) => {
                s.trim().parse().map_err(|_| format!("{}: `{s}` is not a counter", COUNTER_COLUMNS[i]))?
            }
        };
    }
    let first_seen_us = match &row[3 + n] {
        None => 0,
        Some(s) => parse_unix_us(s).ok_or_else(|| format!("FIRST_SEEN: `{s}` is not a time"))?,
    };
    Ok(DigestRow {
        sample: DigestSample {
            key: DigestKey { schema: row[0].clone(), digest: row[1].clone() },
            counters: Counters(c),
            first_seen_us,
        },
        digest_text: row[2].clone(),
        sample_text: row[4 + n].clone(),
    })
}

/// Obfuscated text and what dbintel-sql derives from it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextInfo {
    pub obfuscated: String,
    pub summary: String,
    pub fingerprint: String,
    pub operation: String,
}

fn text_info(text: &str) -> TextInfo {
    match dbintel_sql::analyze_statement(Dialect::Mysql, text) {
        Ok(a) => TextInfo {
            obfuscated: a.obfuscated,
            summary: a.summary,
            fingerprint: a.fingerprint,
            operation: a.operation,
        },
        // Never the raw text: it may hold literals.
        Err(_) => TextInfo { obfuscated: "?".into(), ..Default::default() },
    }
}

/// MySQL digests write a list of values as `(...)`; dbintel-sql's normal form (what statement
/// texts of the same shape get) is `(?)`.
fn digest_for_analysis(digest_text: &str) -> String {
    own_shape_text(&digest_text.replace("(...)", "(?)"))
}

/// What the server's digest rewrites in a text, undone on both sides before fingerprinting:
/// MariaDB writes `<>` as `!=`.
fn own_shape_text(text: &str) -> String {
    text.replace("<>", "!=")
}

/// A statement text that can be explained as is: not ours, not cut short by the server.
fn explainable_text(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty() && !t.starts_with(OWN_PREFIX) && !t.ends_with("...")
}

/// One selected top query.
#[derive(Debug, Clone)]
pub struct TopQuery {
    pub key: DigestKey,
    /// Interval deltas (timers in picoseconds).
    pub delta: Counters,
    pub text: TextInfo,
    /// The raw statement to EXPLAIN (`QUERY_SAMPLE_TEXT`, or a recent `SQL_TEXT` of the digest),
    /// in `key.schema`. Never emitted as is.
    pub explain_text: Option<String>,
    /// Attributes of the plan, merged into the event. The plan lookup (query/plans.rs, wired by the
    /// receiver) sets them from `explain_text`; `None` until then.
    pub plan: Option<Attributes>,
}

/// What one run found, for self-telemetry and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    pub deltas: DeltaStats,
    pub rows: usize,
    pub bad_rows: usize,
    pub own_rows: usize,
    pub own_digest_evictions: usize,
}

/// The top-query state between runs: baselines and the digests of our own statements.
#[derive(Debug)]
pub struct TopQueries {
    engine: DeltaEngine,
    own: HashSet<String>,
    own_order: VecDeque<String>,
    /// Fingerprints of the statement texts the connection sent, and the texts already seen.
    own_shapes: HashSet<String>,
    shaped_texts: HashSet<String>,
    max_rows: usize,
    top_n: usize,
    lookback: Duration,
}

/// The result of one run.
#[derive(Debug, Default)]
pub struct TopRun {
    pub queries: Vec<TopQuery>,
    pub stats: RunStats,
    pub lineage: Option<Lineage>,
    /// Failures of the optional statements (own digests, recent texts): the run went on.
    pub failures: Vec<(String, DbError)>,
}

impl TopQueries {
    pub fn new(max_rows: usize, top_n: usize, lookback: Duration) -> Self {
        Self {
            engine: DeltaEngine::new(max_rows),
            own: HashSet::new(),
            own_order: VecDeque::new(),
            own_shapes: HashSet::new(),
            shaped_texts: HashSet::new(),
            max_rows: max_rows.max(1),
            top_n: top_n.max(1),
            lookback,
        }
    }

    pub fn from_plan(plan: &Plan) -> Self {
        Self::new(plan.top_query.max_rows(), plan.top_query.top_n(), plan.top_query.lookback())
    }

    /// Baselines held (bounded by `max_query_sample_count`).
    pub fn baselines(&self) -> usize {
        self.engine.len()
    }

    fn remember_own(&mut self, digest: String, stats: &mut RunStats) {
        if self.own.contains(&digest) {
            return;
        }
        if self.own.len() >= MAX_OWN_DIGESTS
            && let Some(old) = self.own_order.pop_front()
        {
            self.own.remove(&old);
            stats.own_digest_evictions += 1;
        }
        self.own.insert(digest.clone());
        self.own_order.push_back(digest);
    }

    /// Fingerprints of the statements `src` sent (each text analysed once; bounded).
    fn learn_shapes(&mut self, src: &dyn Source, stats: &mut RunStats) {
        for t in src.sent_statements() {
            if self.shaped_texts.contains(&t) {
                continue;
            }
            if self.shaped_texts.len() >= MAX_OWN_DIGESTS {
                // Rare (dynamic texts): start over rather than grow; the fixed ones come back.
                stats.own_digest_evictions += self.shaped_texts.len();
                self.shaped_texts.clear();
                self.own_shapes.clear();
            }
            if let Ok(fp) = dbintel_sql::fingerprint(Dialect::Mysql, &own_shape_text(&t)) {
                self.own_shapes.insert(fp.to_hex());
            }
            self.shaped_texts.insert(t);
        }
    }

    fn is_own(&self, row: &DigestRow) -> bool {
        row.sample.key.digest.as_ref().is_some_and(|d| self.own.contains(d))
            || row.sample_text.as_deref().is_some_and(|t| t.trim_start().starts_with(OWN_PREFIX))
            || (!self.own_shapes.is_empty()
                && row.digest_text.as_deref().is_some_and(|t| {
                    dbintel_sql::fingerprint(Dialect::Mysql, &digest_for_analysis(t))
                        .is_ok_and(|fp| self.own_shapes.contains(&fp.to_hex()))
                }))
    }

    /// One run over `src`. `Err` when a required statement failed (the digest rows or the server
    /// time); the optional ones are in [`TopRun::failures`].
    pub async fn collect(&mut self, src: &mut dyn Source) -> Result<TopRun, DbError> {
        let info = src.info().clone();
        let mut run = TopRun::default();
        let rows = src.rows(&digest_sql(&info, self.lookback, self.max_rows)).await?;
        let meta_rows = src.rows(meta_sql(&info)).await?;
        let meta_row = meta_rows.first();
        let cell = |i: usize| meta_row.and_then(|r| r.get(i)).cloned().flatten();
        if cell(2).is_some_and(|on| on.trim() == "0") {
            return Err(DbError::Query {
                message: "performance_schema is OFF: the statement digests are empty".into(),
                code: None,
                hint: "set performance_schema = ON in the server configuration and restart the server (MariaDB's default is OFF)",
            });
        }
        let server_time_us = cell(0).as_deref().and_then(parse_unix_us).ok_or_else(|| DbError::Query {
            message: "no server time from the top-query metadata statement".into(),
            code: None,
            hint: "run the statement as the monitoring user to see why it returns nothing",
        })?;
        let uptime_s = cell(1).and_then(|u| u.trim().parse::<u64>().ok()).ok_or_else(|| DbError::Query {
            message: "no Uptime from the server status".into(),
            code: None,
            hint: "grant SELECT on performance_schema.* (MySQL reads Uptime from performance_schema.global_status)",
        })?;
        let own_sql = own_digests_sql();
        match src.rows(&own_sql).await {
            Ok(own) => {
                for d in own.into_iter().filter_map(|r| r.into_iter().next().flatten()) {
                    self.remember_own(d, &mut run.stats);
                }
            }
            Err(e @ DbError::Lost(_)) => return Err(e),
            Err(e) => run.failures.push((own_sql, e)),
        }
        self.learn_shapes(src, &mut run.stats);
        run.stats.rows = rows.len();
        let complete = rows.len() < self.max_rows;
        let mut parsed = Vec::with_capacity(rows.len());
        for r in &rows {
            match parse_digest_row(r) {
                Ok(row) if self.is_own(&row) => run.stats.own_rows += 1,
                Ok(row) => parsed.push(row),
                Err(e) => {
                    run.stats.bad_rows += 1;
                    tracing::debug!(problem = %e, "top_query: digest row skipped");
                }
            }
        }
        let lookback_us = i64::try_from(self.lookback.as_micros()).unwrap_or(i64::MAX);
        let meta = SnapshotMeta { server_time_us, uptime_s, complete, lookback_us };
        let samples: Vec<DigestSample> = parsed.iter().map(|r| r.sample.clone()).collect();
        let (deltas, dstats, lineage) = self.engine.observe(meta, &samples);
        run.stats.deltas = dstats;
        run.lineage = Some(lineage);
        let mut ranked = deltas;
        ranked.sort_by(|a, b| {
            b.counters
                .sum_timer_wait()
                .cmp(&a.counters.sum_timer_wait())
                .then(b.counters.count_star().cmp(&a.counters.count_star()))
                .then_with(|| parsed[a.index].sample.key.cmp(&parsed[b.index].sample.key))
        });
        ranked.truncate(self.top_n);
        for d in ranked {
            let row = &mut parsed[d.index];
            let text =
                row.digest_text.as_deref().map(|t| text_info(&digest_for_analysis(t))).unwrap_or_default();
            let explain_text = row.sample_text.take().filter(|t| explainable_text(t));
            run.queries.push(TopQuery {
                key: row.sample.key.clone(),
                delta: d.counters,
                text,
                explain_text,
                plan: None,
            });
        }
        if !info.has_query_sample_text() {
            self.attach_recent_texts(src, &mut run).await?;
        }
        Ok(run)
    }

    /// The latest `SQL_TEXT` of each selected digest from the statement history (one statement).
    async fn attach_recent_texts(&self, src: &mut dyn Source, run: &mut TopRun) -> Result<(), DbError> {
        let mut digests: Vec<&str> = Vec::new();
        for q in &run.queries {
            if let Some(d) = q.key.digest.as_deref().filter(|d| is_hex_digest(d))
                && !digests.contains(&d)
            {
                digests.push(d);
            }
        }
        if digests.is_empty() {
            return Ok(());
        }
        let sql = recent_texts_sql(&digests);
        let rows = match src.rows(&sql).await {
            Ok(r) => r,
            Err(e @ DbError::Lost(_)) => return Err(e),
            Err(e) => {
                run.failures.push((sql, e));
                return Ok(());
            }
        };
        // Newest first: the first text per (schema, digest) wins; any schema as a fallback.
        let mut by_key: HashMap<DigestKey, String> = HashMap::new();
        let mut by_digest: HashMap<String, String> = HashMap::new();
        for r in rows {
            let (Some(Some(d)), schema, Some(Some(text))) = (r.first(), r.get(1), r.get(2)) else { continue };
            if !explainable_text(text) {
                continue;
            }
            let key = DigestKey { schema: schema.cloned().flatten(), digest: Some(d.clone()) };
            by_key.entry(key).or_insert_with(|| text.clone());
            by_digest.entry(d.clone()).or_insert_with(|| text.clone());
        }
        for q in &mut run.queries {
            if q.explain_text.is_none() {
                q.explain_text = by_key
                    .get(&q.key)
                    .or_else(|| q.key.digest.as_ref().and_then(|d| by_digest.get(d)))
                    .cloned();
            }
        }
        Ok(())
    }
}

/// Attribute names of the counter deltas, in [`COUNTER_COLUMNS`] order.
pub fn counter_attribute(i: usize) -> String {
    format!("{ATTR_PREFIX}{}", COUNTER_COLUMNS[i].to_ascii_lowercase())
}

/// The `db.server.top_query` record of one top query. Timers are in seconds (picoseconds / 1e12).
pub fn record(q: &TopQuery, server: &ServerInfo, now_nanos: u64) -> LogRecord {
    let mut a = Attributes::with_capacity(28);
    a.insert("db.system.name", server.flavor());
    if let Some(s) = &q.key.schema {
        a.insert("db.namespace", s.clone());
    }
    if !q.text.obfuscated.is_empty() {
        a.insert("db.query.text", q.text.obfuscated.clone());
    }
    a.insert(format!("{ATTR_PREFIX}digest"), q.key.digest.clone().unwrap_or_default());
    for (i, v) in q.delta.0.iter().enumerate() {
        let name = counter_attribute(i);
        if i == SUM_TIMER_WAIT || i == SUM_LOCK_TIME {
            a.insert(name, *v as f64 / PICOS_PER_SECOND);
        } else {
            a.insert(name, i64::try_from(*v).unwrap_or(i64::MAX));
        }
    }
    let count = q.delta.0[COUNT_STAR];
    if count > 0 {
        a.insert("dbintel.exec_time.mean", q.delta.sum_timer_wait() as f64 / PICOS_PER_SECOND / count as f64);
    }
    if q.key.digest.is_none() {
        // The row of statements the full digest table could not keep apart.
        a.insert("dbintel.digest.overflow", true);
    }
    if !q.text.summary.is_empty() {
        a.insert("db.query.summary", q.text.summary.clone());
    }
    if !q.text.operation.is_empty() && q.text.operation != "UNKNOWN" {
        a.insert("db.operation.name", q.text.operation.clone());
    }
    if !q.text.fingerprint.is_empty() {
        a.insert("dbintel.query.fingerprint", q.text.fingerprint.clone());
    }
    if let Some(p) = &q.plan {
        for (k, v) in p.iter_keys() {
            a.insert(k, v.clone());
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

/// The `db.server.top_query` records of a run's top queries, stamped now.
pub fn records(queries: &[TopQuery], server: &ServerInfo) -> Vec<LogRecord> {
    let nanos = dbintel_core::pdata::now_unix_nanos();
    queries.iter().map(|q| record(q, server, nanos)).collect()
}

/// Self-telemetry of the top-query collector.
#[derive(Debug, Clone)]
struct Telemetry {
    errors: Counter,
    baseline_evictions: Counter,
    own_evictions: Counter,
    resets: Counter,
    backwards: Counter,
    events: Counter,
}

/// The top-query collector of one receiver: schedule (warm-up, backoff), state, telemetry. The
/// receiver calls [`TopQueryCollector::collect_if_due`] after each metrics pass.
#[derive(Debug)]
pub struct TopQueryCollector {
    state: TopQueries,
    interval: Duration,
    next: Instant,
    warmed_up: bool,
    streak: u32,
    telemetry: Telemetry,
    label: String,
    reported_optional: HashSet<String>,
    /// The failed statements of the last run (the run's own failure, then optional statements';
    /// at most [`MAX_RUN_ERRORS`]), for the circuit breaker: the receiver takes them after the run.
    run_errors: Vec<DbError>,
}

/// Failures one run keeps for [`TopQueryCollector::take_errors`].
const MAX_RUN_ERRORS: usize = 8;

impl TopQueryCollector {
    /// `None` when `events.db.server.top_query.enabled` is off.
    pub fn from_plan(plan: &Plan, t: &Registry, receiver: &str) -> Option<Self> {
        if !plan.events.top_query.enabled {
            return None;
        }
        let l = [("receiver", receiver)];
        let ev = |cache: &str| {
            t.counter(
                "dbintel_mysql_query_cache_evictions_total",
                "Entries dropped from the bounded query-intelligence maps",
                &[("receiver", receiver), ("cache", cache)],
            )
        };
        Some(Self {
            state: TopQueries::from_plan(plan),
            interval: plan.top_query.interval(),
            next: Instant::now(),
            warmed_up: false,
            streak: 0,
            telemetry: Telemetry {
                errors: t.counter(
                    "dbintel_mysql_query_collection_errors_total",
                    "Failed query-intelligence collections, by collector",
                    &[("receiver", receiver), ("collector", "top_query")],
                ),
                baseline_evictions: ev("top_query_baselines"),
                own_evictions: ev("own_digests"),
                resets: t.counter(
                    "dbintel_mysql_top_query_resets_total",
                    "Digest rows reset since the previous run (TRUNCATE, re-created), counted from zero",
                    &l,
                ),
                backwards: t.counter(
                    "dbintel_mysql_top_query_counter_resets_total",
                    "Digest rows whose counters went backwards against an older baseline (re-baselined)",
                    &l,
                ),
                events: t.counter(
                    "dbintel_mysql_top_query_events_total",
                    "db.server.top_query events built",
                    &l,
                ),
            },
            label: receiver.to_string(),
            reported_optional: HashSet::new(),
            run_errors: Vec::new(),
        })
    }

    pub fn due(&self, now: Instant) -> bool {
        now >= self.next
    }

    /// The statements of the last run that failed (logged and counted already), so the receiver
    /// can report trouble (timeouts, lock timeouts, lost connections) to the circuit breaker.
    pub fn take_errors(&mut self) -> Vec<DbError> {
        std::mem::take(&mut self.run_errors)
    }

    /// Runs when due and returns the top queries, ranked (empty when not due, on the first run,
    /// or after a failure). `Err` only when the connection was lost; every other failure is
    /// logged once per streak, counted and retried with backoff. Turn them into events with
    /// [`records`] once their plans are attached.
    pub async fn collect_if_due(&mut self, src: &mut dyn Source) -> Result<Vec<TopQuery>, DbError> {
        let now = Instant::now();
        if !self.due(now) {
            return Ok(Vec::new());
        }
        self.run_errors.clear();
        match self.state.collect(src).await {
            Ok(run) => {
                self.run_errors.extend(run.failures.iter().map(|(_, e)| e.clone()).take(MAX_RUN_ERRORS));
                if std::mem::take(&mut self.streak) > 0 {
                    tracing::info!(receiver = %self.label, collector = "top_query", "query collection recovered");
                }
                let delay = if self.warmed_up { self.interval } else { self.interval.min(TOP_QUERY_WARM_UP) };
                self.warmed_up = true;
                self.next = dbintel_core::duration::deadline_after(Instant::now(), delay);
                for (sql, e) in &run.failures {
                    if self.reported_optional.len() < 16 && self.reported_optional.insert(sql.clone()) {
                        tracing::warn!(
                            receiver = %self.label, statement = %sql, error = %e, hint = e.hint(),
                            "top_query: optional statement failed (own-statement filter or explain texts); reported once"
                        );
                    }
                }
                let t = &self.telemetry;
                let s = &run.stats;
                t.baseline_evictions.add(s.deltas.evicted as u64);
                t.own_evictions.add(s.own_digest_evictions as u64);
                t.resets.add(s.deltas.reset as u64);
                t.backwards.add(s.deltas.backwards as u64);
                t.events.add(run.queries.len() as u64);
                if matches!(run.lineage, Some(Lineage::Restarted | Lineage::Unknown)) {
                    tracing::info!(receiver = %self.label, lineage = ?run.lineage, "top_query: the server restarted or changed; deltas restart");
                }
                Ok(run.queries)
            }
            Err(e) => {
                self.run_errors.push(e.clone());
                self.telemetry.errors.inc();
                self.streak = self.streak.saturating_add(1);
                let factor = 1u32 << self.streak.saturating_sub(1).min(6);
                let delay = self.interval.saturating_mul(factor).min(MAX_BACKOFF.max(self.interval));
                self.next = dbintel_core::duration::deadline_after(Instant::now(), delay);
                if matches!(e, DbError::Lost(_)) {
                    // The run starts over on the new connection.
                    self.next = Instant::now();
                    return Err(e);
                }
                if self.streak == 1 {
                    tracing::warn!(
                        receiver = %self.label, collector = "top_query", error = %e, hint = e.hint(),
                        "top_query: collection failed; retrying with backoff (reported once until it works). \
                         It needs performance_schema = ON, the statements_digest consumer, and SELECT on performance_schema.*"
                    );
                }
                Ok(Vec::new())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::Replay;

    #[test]
    fn unix_times_parse_to_microseconds() {
        assert_eq!(parse_unix_us("1700000000"), Some(1_700_000_000_000_000));
        assert_eq!(parse_unix_us("1700000000.123456"), Some(1_700_000_000_123_456));
        assert_eq!(parse_unix_us("1700000000.5"), Some(1_700_000_000_500_000));
        assert_eq!(parse_unix_us("0.000000"), Some(0));
        assert_eq!(parse_unix_us("x"), None);
        assert_eq!(parse_unix_us("1.2.3"), None);
        assert_eq!(parse_unix_us("99999999999999999999"), None);
    }

    #[test]
    fn timers_are_seconds_not_milliseconds() {
        // The prototype divided picoseconds by 1e6 and called it milliseconds.
        let mut c = [0u64; 14];
        c[COUNT_STAR] = 3;
        c[SUM_TIMER_WAIT] = 1_500_000_000_000;
        c[SUM_LOCK_TIME] = 250_000_000;
        let q = TopQuery {
            key: DigestKey { schema: None, digest: Some("ab".into()) },
            delta: Counters(c),
            text: text_info("SELECT 1"),
            explain_text: None,
            plan: None,
        };
        let r = record(&q, &ServerInfo::from_version("8.0.36"), 7);
        assert_eq!(records(std::slice::from_ref(&q), &ServerInfo::from_version("8.0.36")).len(), 1);
        let get = |k: &str| r.attributes.get(k).cloned();
        use dbintel_core::pdata::Value;
        assert_eq!(get(&format!("{ATTR_PREFIX}sum_timer_wait")), Some(Value::Double(1.5)));
        assert_eq!(get(&format!("{ATTR_PREFIX}sum_lock_time")), Some(Value::Double(0.00025)));
        assert_eq!(get(&format!("{ATTR_PREFIX}count_star")), Some(Value::Int(3)));
        assert_eq!(get("dbintel.exec_time.mean"), Some(Value::Double(0.5)));
        assert_eq!(get("db.system.name"), Some(Value::Str("mysql".into())));
        assert!(get("db.namespace").is_none(), "NULL schema: no namespace");
        assert_eq!(r.event_name, EVENT_NAME);
    }

    #[test]
    fn bad_rows_name_the_column() {
        let mut row: TextRow = vec![Some("s".into()), Some("d".into()), Some("SELECT ?".into())];
        row.extend((0..14).map(|_| Some("1".into())));
        row.push(Some("1700000000".into()));
        row.push(None);
        assert!(parse_digest_row(&row).is_ok());
        row[4] = Some("-5".into());
        assert!(parse_digest_row(&row).unwrap_err().contains("SUM_TIMER_WAIT"));
        row.pop();
        assert!(parse_digest_row(&row).unwrap_err().contains("columns"));
    }

    #[test]
    fn explain_texts_skip_ours_and_truncated() {
        assert!(explainable_text("SELECT * FROM t WHERE id = 5"));
        assert!(!explainable_text("/* dbintel */ SELECT 1"));
        assert!(!explainable_text("SELECT * FROM t WHERE id IN (1, 2, ..."));
        assert!(is_hex_digest("0123abcdef") && !is_hex_digest("1' OR '1") && !is_hex_digest(""));
    }

    #[tokio::test]
    async fn a_failed_digest_read_fails_the_run_and_own_rows_are_dropped() {
        let mut r = Replay::new("8.0.36");
        let mut top = TopQueries::new(10, 5, Duration::from_secs(120));
        let info = r.info.clone();
        r.record_error(&digest_sql(&info, Duration::from_secs(120), 10), 1142, "SELECT command denied");
        let e = top.collect(&mut r).await.unwrap_err();
        assert!(e.to_string().contains("denied"), "{e}");
        let mut row: TextRow = vec![Some("s".into()), Some("aa".into()), Some("SHOW GLOBAL STATUS".into())];
        row.extend((0..14).map(|_| Some("1".into())));
        row.push(Some("1700000000".into()));
        row.push(Some("/* dbintel */ SHOW GLOBAL STATUS".into()));
        r.record(&digest_sql(&info, Duration::from_secs(120), 10), vec![row]);
        r.record(
            meta_sql(&info),
            vec![vec![Some("1700000100.5".into()), Some("1000".into()), Some("1".into())]],
        );
        r.record(&own_digests_sql(), vec![]);
        let run = top.collect(&mut r).await.unwrap();
        assert_eq!((run.stats.rows, run.stats.own_rows), (1, 1));
    }
}

#[cfg(test)]
mod own_tests {
    use super::*;

    /// Digest texts as MariaDB 10.11 keeps them for statements the receiver sends with the
    /// `/* dbintel */` prefix (read from a live server): the comment is gone, the shape matches.
    #[test]
    fn sent_texts_match_their_digests() {
        let mut top = TopQueries::new(10, 5, Duration::from_secs(60));
        let mut r = crate::replay::Replay::new("10.11.6-MariaDB");
        for sql in [
            "SHOW GLOBAL STATUS",
            "SHOW GLOBAL VARIABLES LIKE 'innodb_buffer_pool_size'",
            "SELECT VERSION()",
            "SET SESSION max_statement_time = 10",
            "SET SESSION TRANSACTION READ ONLY",
            "SELECT PROCESSLIST_COMMAND, COUNT(*) FROM performance_schema.threads WHERE \
             PROCESSLIST_ID <> CONNECTION_ID() GROUP BY PROCESSLIST_COMMAND",
        ] {
            r.asked.push(sql.to_string());
        }
        let mut stats = RunStats::default();
        top.learn_shapes(&r, &mut stats);
        let row = |text: &str| DigestRow {
            sample: DigestSample {
                key: DigestKey { schema: None, digest: Some("ff".into()) },
                counters: Counters::default(),
                first_seen_us: 0,
            },
            digest_text: Some(text.into()),
            sample_text: None,
        };
        for digest in [
            "SHOW GLOBAL STATUS ",
            "SHOW GLOBAL VARIABLES LIKE ? ",
            "SELECT `VERSION` ( ) ",
            "SET SESSION MAX_STATEMENT_TIME = ? ",
            "SET SESSION TRANSACTION READ ONLY ",
            // MariaDB writes `<>` as `!=` in digests.
            "SELECT `PROCESSLIST_COMMAND` , COUNT ( * ) FROM `performance_schema` . `threads` WHERE \
             `PROCESSLIST_ID` != `CONNECTION_ID` ( ) GROUP BY `PROCESSLIST_COMMAND` ",
        ] {
            assert!(top.is_own(&row(digest)), "{digest}");
        }
        assert!(!top.is_own(&row("SELECT `v` FROM `t` WHERE ID = ?")));
        assert!(!top.is_own(&row("SHOW GLOBAL VARIABLES")), "another shape is not ours");
    }
}

#[cfg(test)]
mod schedule_tests {
    use super::*;
    use crate::replay::Replay;

    fn plan(json: serde_json::Value) -> Plan {
        serde_json::from_value::<crate::MysqlConfig>(json).unwrap().resolve().unwrap()
    }

    #[tokio::test]
    async fn warm_up_then_interval_and_backoff_on_errors() {
        let t = Registry::new();
        let off = plan(serde_json::json!({}));
        assert!(TopQueryCollector::from_plan(&off, &t, "r").is_none(), "off unless enabled");
        let p = plan(serde_json::json!({"events": {"db.server.top_query": {"enabled": true}}}));
        let mut c = TopQueryCollector::from_plan(&p, &t, "r").unwrap();
        let mut r = Replay::new("10.11.6-MariaDB");
        let info = r.info.clone();
        let digest = digest_sql(&info, p.top_query.lookback(), p.top_query.max_rows());
        r.record(&digest, vec![]);
        r.record(
            meta_sql(&info),
            vec![vec![Some("1700000000.5".into()), Some("100".into()), Some("1".into())]],
        );
        r.record(&own_digests_sql(), vec![]);
        let start = Instant::now();
        assert!(c.collect_if_due(&mut r).await.unwrap().is_empty());
        // The second run follows the baseline run after at most the warm-up, not a whole minute.
        assert!(!c.due(start + Duration::from_secs(5)));
        assert!(c.due(start + TOP_QUERY_WARM_UP + Duration::from_secs(1)));
        c.next = Instant::now();
        r.record(
            meta_sql(&info),
            vec![vec![Some("1700000060.5".into()), Some("160".into()), Some("1".into())]],
        );
        c.collect_if_due(&mut r).await.unwrap();
        let after = Instant::now();
        assert!(!c.due(after + Duration::from_secs(30)) && c.due(after + Duration::from_secs(61)));
        // A failure: counted, not an error for the receiver, retried after the interval, then twice it.
        c.next = Instant::now();
        r.record_error(&digest, 1142, "SELECT command denied to user");
        assert!(c.collect_if_due(&mut r).await.unwrap().is_empty());
        c.next = Instant::now();
        c.collect_if_due(&mut r).await.unwrap();
        let after = Instant::now();
        assert!(!c.due(after + Duration::from_secs(100)) && c.due(after + Duration::from_secs(121)));
        assert_eq!(c.telemetry.errors.get(), 2);
    }
}
