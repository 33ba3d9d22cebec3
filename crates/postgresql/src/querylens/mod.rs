//! pg_querylens in the `postgresql` receiver (`querylens:`): when the extension is installed in the
//! primary database and its library is preloaded, every scrape reads it once on the primary
//! connection and emits
//!
//! - per-plan delta sums `db.server.plan.{calls,duration,planning.duration,rows,blocks}` for the top
//!   `top_n` plans by execution-time delta (see [`stats`]), and the extension's own health
//!   (`postgresql.querylens.{entries,max_entries,evictions,dropped_samples}`);
//! - one `db.server.plan_change` event per new row of `querylens.plan_changes` (see [`changes`]).
//!
//! The reads obey the circuit breaker as the other query-intelligence reads do: the receiver skips
//! them while the primary database's breaker is open (and admission skips the scrape), runs them
//! under the breaker's adaptive statement timeout, reports their failures to it, and sheds them
//! under stress ([`ShedPolicy`]): at `plans` and `samples` the plan-change rows (with their plan
//! documents) wait, at `top_queries` nothing is read. Nothing is lost by waiting: the per-plan
//! deltas of the next read cover the whole interval and the plan changes stay in the extension's
//! ring until read.
//!
//! With `storage` the plan-change mark is kept in a `file_storage` directory ([`store`]), written
//! after the events it covers were accepted, so a restart reports the changes made meanwhile.
//!
//! Without the extension nothing changes: one detection statement at the first scrape and every
//! [`DETECT_EVERY`] after, nothing emitted, nothing logged unless `enabled: true` asked for it.
//! A failing read is logged once per streak with its fix and detection runs again at the next scrape.

pub mod changes;
pub mod config;
pub mod stats;
pub mod store;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use dbintel_core::breaker::{FailureKind, Shed};
use dbintel_core::cache::BoundedCache;
use dbintel_core::pdata::{LogRecord, Metric, now_unix_nanos};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_dbclient::Streak;
use tokio::time::Instant;
use tokio_postgres::Client;

pub use changes::{ChangeRow, EVENT_NAME, Mark, QueryText};
pub use config::QuerylensConfig;
pub use stats::{PlanKey, PlanStats, plan_hash};
pub use store::{MarkStore, server_key};

use crate::query::PREFIX;
use crate::server::ServerInfo;

/// How often an absent (or unusable) extension is looked for again.
pub const DETECT_EVERY: Duration = Duration::from_secs(300);
/// Candidates beyond `top_n` looked at, so that dbintel's own statements (dropped once their text
/// is known) do not shrink the top N.
const OWN_SLACK: usize = 64;
/// Query texts (from pg_stat_statements) cached per queryid.
const TEXT_CACHE: usize = 4096;
/// Texts looked up per collection at most.
const MAX_TEXT_LOOKUPS: usize = 1024;

/// Whether pg_querylens is installed (in the connected database) and its library loaded.
pub const DETECT_SQL: &str = "/* dbintel */ SELECT (SELECT extversion FROM pg_extension WHERE extname = 'pg_querylens') AS version, \
     (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload, \
     to_regprocedure('querylens.query_stats_raw(boolean)') IS NOT NULL AS raw";

/// What one collection produced.
#[derive(Debug, Default)]
pub struct QuerylensOutput {
    pub metrics: Vec<Metric>,
    pub records: Vec<LogRecord>,
    /// A failure the circuit breaker counts (timeouts, lost connections, ...), for the primary
    /// database's breaker.
    pub trouble: Option<FailureKind>,
}

/// What is read at a shed level of the circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShedPolicy {
    /// `query_stats` and `info()`: per-plan metrics.
    pub stats: bool,
    /// `plan_changes` (plan documents, compared here): the events.
    pub changes: bool,
}

impl ShedPolicy {
    /// `plans` and `samples` stop the plan documents (as they stop EXPLAIN), `top_queries` stops
    /// everything (the per-plan statistics are top queries by plan).
    pub fn of(shed: Shed) -> Self {
        match shed {
            Shed::Nothing => Self { stats: true, changes: true },
            Shed::Plans | Shed::Samples => Self { stats: true, changes: false },
            Shed::TopQueries => Self { stats: false, changes: false },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Detection {
    Unknown,
    Absent {
        since: Instant,
    },
    /// `raw`: `querylens.query_stats_raw(bool)` exists (statistics read without plan texts).
    Present {
        version: String,
        raw: bool,
    },
}

/// Why pg_querylens cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuerylensError {
    #[error("pg_querylens is not installed in database {database:?}")]
    NotInstalled { database: String },
    #[error("pg_querylens is installed but not in shared_preload_libraries")]
    NotPreloaded,
    #[error("reading pg_querylens failed with SQLSTATE {code}: {message}")]
    Query { code: String, message: String },
    #[error("connection problem: {0}")]
    Connection(String),
    #[error("unexpected row shape: {0}")]
    Decode(String),
}

impl QuerylensError {
    /// The circuit breaker's reading of the failure (`None` for problems of setup or shape).
    pub fn failure_kind(&self) -> Option<FailureKind> {
        match self {
            QuerylensError::Query { code, message } => Some(FailureKind::classify(Some(code), message)),
            QuerylensError::Connection(_) => Some(FailureKind::ConnectionRefused),
            _ => None,
        }
    }

    fn from_pg(e: &tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) => {
                let message = crate::redact::db_text(db);
                if message.contains("shared_preload_libraries") {
                    QuerylensError::NotPreloaded
                } else {
                    QuerylensError::Query { code: db.code().code().to_string(), message }
                }
            }
            None if e.is_closed() => QuerylensError::Connection("the connection is closed".into()),
            None => QuerylensError::Connection(crate::conn::describe(e)),
        }
    }

    /// The exact fix, for the monitoring role `user`.
    pub fn hint(&self, user: &str) -> String {
        let user = if user.is_empty() { "<monitoring user>" } else { user };
        match self {
            QuerylensError::NotInstalled { .. } | QuerylensError::NotPreloaded => enable_lines(user, None),
            QuerylensError::Query { code, .. } if code == "42501" => {
                format!("GRANT pg_monitor TO {user};")
            }
            QuerylensError::Query { .. } => "check the server log for the failing dbintel statement".into(),
            QuerylensError::Connection(_) => "the receiver reconnects on its next scrape".into(),
            QuerylensError::Decode(_) => "report this as a dbintel bug with the pg_querylens version".into(),
        }
    }
}

/// The statements that enable pg_querylens: the preload (keeping `libraries` already there, and adding
/// pg_stat_statements, which gives the plans their query texts and on PostgreSQL 13 their query ids,
/// so one `ALTER SYSTEM` serves both), the restart, the extension, the grant. With `libraries` unknown
/// (`None`: the role may not read the setting) no `ALTER SYSTEM` is spelled out, since one that lists
/// only these would unload every other library.
pub fn enable_lines(user: &str, libraries: Option<&[String]>) -> String {
    let preload = match libraries {
        None => "add 'pg_querylens' (and 'pg_stat_statements', if missing) to the libraries already in \
                 shared_preload_libraries (as a superuser: SHOW shared_preload_libraries; then ALTER SYSTEM with \
                 every library listed plus these; `dbintel doctor` prints the exact statement when the role may read \
                 the setting);"
            .to_string(),
        Some(libraries) => {
            let mut libs: Vec<String> =
                libraries.iter().filter(|l| l.as_str() != "pg_querylens").cloned().collect();
            if !libs.iter().any(|l| l.trim_end_matches(".so").ends_with("pg_stat_statements")) {
                libs.push("pg_stat_statements".into());
            }
            libs.push("pg_querylens".into());
            format!(
                "ALTER SYSTEM SET shared_preload_libraries = {};",
                libs.iter().map(|l| format!("'{}'", l.replace('\'', "''"))).collect::<Vec<_>>().join(", ")
            )
        }
    };
    format!("{preload} then restart PostgreSQL; CREATE EXTENSION pg_querylens; GRANT pg_monitor TO {user};")
}

#[derive(Debug, Clone)]
struct Telemetry {
    errors: Counter,
    bad_rows: Counter,
    backwards: Counter,
    baseline_evictions: Counter,
    plan_changes: Counter,
    shed_all: Counter,
    shed_changes: Counter,
    store_errors: Counter,
}

impl Telemetry {
    fn new(t: &Registry, receiver: &str) -> Self {
        let l = [("receiver", receiver)];
        Self {
            errors: t.counter(
                "dbintel_postgresql_querylens_errors_total",
                "Failed reads of pg_querylens",
                &l,
            ),
            bad_rows: t.counter(
                "dbintel_postgresql_querylens_bad_rows_total",
                "querylens.query_stats rows left out (NULL identity, negative or non-finite counters)",
                &l,
            ),
            backwards: t.counter(
                "dbintel_postgresql_querylens_counter_resets_total",
                "pg_querylens entries whose counters went backwards (re-baselined, nothing emitted)",
                &l,
            ),
            baseline_evictions: t.counter(
                "dbintel_postgresql_query_cache_evictions_total",
                "Entries dropped from the bounded query-intelligence maps (baselines, texts, plans)",
                &[("receiver", receiver), ("cache", "querylens_baselines")],
            ),
            plan_changes: t.counter(
                "dbintel_postgresql_querylens_plan_changes_total",
                "db.server.plan_change events emitted",
                &l,
            ),
            shed_all: t.counter(
                "dbintel_postgresql_querylens_shed_reads_total",
                "pg_querylens reads left out or cut short because the circuit breaker sheds (part: all, plan_changes)",
                &[("receiver", receiver), ("part", "all")],
            ),
            shed_changes: t.counter(
                "dbintel_postgresql_querylens_shed_reads_total",
                "pg_querylens reads left out or cut short because the circuit breaker sheds (part: all, plan_changes)",
                &[("receiver", receiver), ("part", "plan_changes")],
            ),
            store_errors: t.counter(
                "dbintel_postgresql_querylens_store_errors_total",
                "Failed reads or writes of the stored plan-change mark (querylens.storage)",
                &l,
            ),
        }
    }
}

/// The pg_querylens reader of one receiver.
pub struct Querylens {
    cfg: QuerylensConfig,
    label: String,
    user: String,
    detection: Detection,
    stats: PlanStats,
    texts: BoundedCache<i64, Arc<QueryText>>,
    /// pg_stat_statements answers text lookups (false after a failure until the next detection).
    pgss: bool,
    /// The key of the last plan change delivered (or, at the first read without a stored one, the
    /// newest at that time): the next read starts after it.
    mark: Option<Mark>,
    /// The key of the last change of the latest read, taken as the mark once its events were
    /// accepted ([`Querylens::delivered`]).
    pending: Option<Mark>,
    /// `querylens.storage`, the mark stored there last, and whether it was looked for.
    store: Option<MarkStore>,
    stored: Option<Mark>,
    store_loaded: bool,
    store_failing: Streak,
    /// `info().plan_changes` at the last read of the view: while it stays the same there is no new
    /// row, and the view (which joins `query_stats` twice) is not read.
    changes_seen: Option<i64>,
    server: Option<(String, u16, u32)>,
    /// [`server_key`] of the server read: what a stored mark must belong to.
    server_key: String,
    last_read: u64,
    streak: Streak,
    absent_reported: bool,
    telemetry: Telemetry,
}

impl std::fmt::Debug for Querylens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Querylens").field("label", &self.label).field("detection", &self.detection).finish()
    }
}

impl Querylens {
    /// `user` is the monitoring role (for the fixes in messages).
    pub fn new(cfg: &QuerylensConfig, telemetry: &Registry, receiver: &str, user: &str) -> Self {
        Self {
            cfg: cfg.clone(),
            label: receiver.to_string(),
            user: user.to_string(),
            detection: Detection::Unknown,
            stats: PlanStats::new(cfg.max_plans()),
            texts: BoundedCache::new(TEXT_CACHE, Some(Duration::from_secs(3600))),
            pgss: true,
            mark: None,
            pending: None,
            store: None,
            stored: None,
            store_loaded: false,
            store_failing: Streak::default(),
            changes_seen: None,
            server: None,
            server_key: String::new(),
            last_read: now_unix_nanos(),
            streak: Streak::default(),
            absent_reported: false,
            telemetry: Telemetry::new(telemetry, receiver),
        }
    }

    /// Keeps the plan-change mark in `store` (`querylens.storage`).
    pub fn set_store(&mut self, store: Option<MarkStore>) {
        self.store = store;
        self.store_loaded = false;
    }

    /// Whether the extension was found at the last detection.
    pub fn present(&self) -> bool {
        matches!(self.detection, Detection::Present { .. })
    }

    /// Reads pg_querylens (detecting it first when due) on the primary connection, as much of it
    /// as `shed` (the primary database's breaker) leaves ([`ShedPolicy`]). The baselines advance at
    /// each read; the plan-change mark advances when [`Querylens::delivered`] says the events were
    /// accepted (call it after every collection).
    pub async fn collect(&mut self, client: &Client, server: &ServerInfo, shed: Shed) -> QuerylensOutput {
        let id = (server.host.clone(), server.port, server.version_num);
        if self.server.as_ref().is_some_and(|s| *s != id) {
            self.forget();
            // Another server (or version): the mark is looked for in the store again, for it.
            self.mark = None;
            self.store_loaded = false;
            self.stored = None;
            self.detection = Detection::Unknown;
        }
        self.server = Some(id);
        self.server_key = server_key(&server.host, server.port, &server.database);
        let policy = ShedPolicy::of(shed);
        if !policy.stats {
            // Not even detection: the breaker asks for metrics only.
            self.telemetry.shed_all.inc();
            return QuerylensOutput::default();
        }
        let due = match &self.detection {
            Detection::Unknown => true,
            Detection::Absent { since } => since.elapsed() >= DETECT_EVERY,
            Detection::Present { .. } => false,
        };
        if due {
            self.detect(client, server).await;
        }
        if !self.present() {
            return QuerylensOutput::default();
        }
        match self.read(client, policy.changes).await {
            Ok(out) => {
                if self.streak.succeed() {
                    tracing::info!(receiver = %self.label, "postgresql: pg_querylens readable again");
                }
                out
            }
            Err(e) => {
                self.telemetry.errors.inc();
                if self.streak.fail() {
                    tracing::warn!(
                        receiver = %self.label, error = %e, fix = %e.hint(&self.user),
                        "postgresql: pg_querylens cannot be read; per-plan metrics and plan changes pause (reported once until it works)"
                    );
                }
                let trouble = e.failure_kind().filter(|k| k.trips_breaker());
                // A lost connection or a timeout: detected again at the next scrape. Anything else
                // (dropped extension, library not loaded, permissions): looked for again after
                // DETECT_EVERY.
                self.detection = if matches!(e, QuerylensError::Connection(_)) || trouble.is_some() {
                    Detection::Unknown
                } else {
                    Detection::Absent { since: Instant::now() }
                };
                QuerylensOutput { trouble, ..QuerylensOutput::default() }
            }
        }
    }

    /// Says whether the events of the last [`Querylens::collect`] were accepted downstream (true
    /// also when there were none or logs are not wanted). Accepted: the mark moves past them and
    /// is stored (`storage`); refused: they are read again at the next collection.
    pub async fn delivered(&mut self, accepted: bool) {
        if let Some(p) = self.pending.take() {
            if accepted {
                self.mark = Some(p);
            } else {
                self.changes_seen = None;
            }
        }
        self.persist().await;
    }

    /// Writes the mark to the store when it moved (off the runtime threads). A failure is counted
    /// and reported once per streak; the mark stays in memory.
    async fn persist(&mut self) {
        let (Some(store), Some(mark)) = (self.store.clone(), self.mark) else { return };
        if self.stored == Some(mark) {
            return;
        }
        let key = self.server_key.clone();
        let result = tokio::task::spawn_blocking(move || store.save(&key, &mark).map_err(|e| e.to_string()))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        match result {
            Ok(()) => {
                self.stored = Some(mark);
                if self.store_failing.succeed() {
                    tracing::info!(receiver = %self.label, "postgresql: the pg_querylens plan-change mark is stored again");
                }
            }
            Err(e) => {
                self.telemetry.store_errors.inc();
                if self.store_failing.fail() {
                    tracing::warn!(
                        receiver = %self.label, error = %e,
                        "postgresql: cannot store the pg_querylens plan-change mark; it is kept in memory (a restart now \
                         would report the changes since the last stored mark again). Reported once until a write succeeds"
                    );
                }
            }
        }
    }

    /// The stored mark of this server, once per server (`storage`).
    async fn load_stored(&mut self) {
        if std::mem::replace(&mut self.store_loaded, true) {
            return;
        }
        let Some(store) = self.store.clone() else { return };
        let key = self.server_key.clone();
        let loaded = tokio::task::spawn_blocking(move || store.load(&key).map_err(|e| e.to_string()))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        match loaded {
            Ok(Some(m)) => {
                tracing::info!(receiver = %self.label, "postgresql: pg_querylens plan changes resume after the stored mark (changes made while the collector was down are reported)");
                self.mark = Some(m);
                self.stored = Some(m);
            }
            Ok(None) => {}
            Err(e) => {
                self.telemetry.store_errors.inc();
                tracing::warn!(receiver = %self.label, error = %e, "postgresql: the stored pg_querylens plan-change mark is not usable; plan changes start from the newest");
            }
        }
    }

    /// Forgets the per-plan baselines (another server, or the extension came back). The
    /// plan-change mark stays for the same server: changes made meanwhile are still reported.
    fn forget(&mut self) {
        self.stats.reset();
        self.pending = None;
        self.changes_seen = None;
    }

    async fn detect(&mut self, client: &Client, server: &ServerInfo) {
        let found = match client.query_one(DETECT_SQL, &[]).await {
            Ok(row) => {
                let version: Option<String> = row.try_get(0).ok().flatten();
                let preload: Option<String> = row.try_get(1).ok().flatten();
                let raw: bool = row.try_get::<_, Option<bool>>(2).ok().flatten().unwrap_or(false);
                let preloaded = preload.as_deref().map(|p| {
                    p.split(',').any(|l| {
                        let l = l.trim().trim_matches('"');
                        let base = l.rsplit('/').next().unwrap_or(l);
                        base.strip_suffix(".so").unwrap_or(base) == "pg_querylens"
                    })
                });
                match (version, preloaded) {
                    (None, _) => Err(QuerylensError::NotInstalled { database: server.database.clone() }),
                    // Readable and without it: not loaded. Unreadable: the first read tells.
                    (Some(_), Some(false)) => Err(QuerylensError::NotPreloaded),
                    (Some(v), _) => Ok((v, raw)),
                }
            }
            Err(e) => Err(QuerylensError::from_pg(&e)),
        };
        match found {
            Ok((version, raw)) => {
                tracing::info!(receiver = %self.label, version = %version, "postgresql: reading pg_querylens (per-plan metrics, plan changes)");
                if !self.present() {
                    self.forget();
                }
                self.detection = Detection::Present { version, raw };
                self.pgss = true;
            }
            Err(e) => {
                self.detection = Detection::Absent { since: Instant::now() };
                let asked = self.cfg.enabled == Some(true);
                if asked && !std::mem::replace(&mut self.absent_reported, true) {
                    tracing::warn!(
                        receiver = %self.label, problem = %e, fix = %e.hint(&self.user),
                        "postgresql: querylens.enabled is true but pg_querylens cannot be used; looked for again every 5 minutes"
                    );
                } else {
                    tracing::debug!(receiver = %self.label, problem = %e, "postgresql: pg_querylens not used");
                }
            }
        }
    }

    async fn read(&mut self, client: &Client, read_changes: bool) -> Result<QuerylensOutput, QuerylensError> {
        self.pending = None;
        let err = |e: tokio_postgres::Error| QuerylensError::from_pg(&e);
        let decode = |e: tokio_postgres::Error| QuerylensError::Decode(e.to_string());
        let now = now_unix_nanos();
        let info = stats::Info::from_row(&client.query_one(stats::INFO_SQL, &[]).await.map_err(err)?)
            .map_err(decode)?;
        let limit = self.cfg.max_plans();
        let limit_param = i64::try_from(limit).unwrap_or(1000);
        let raw = matches!(self.detection, Detection::Present { raw: true, .. });
        let rows = client.query(&stats::stats_sql(raw), &[&limit_param]).await.map_err(err)?;
        let complete = rows.len() < limit;
        let mut checked = Vec::with_capacity(rows.len());
        let mut bad_rows = 0usize;
        for r in &rows {
            match stats::check(stats::RawRow::from_row(r).map_err(decode)?) {
                Ok(row) => checked.push(row),
                Err(_) => bad_rows += 1,
            }
        }
        drop(rows);
        self.telemetry.bad_rows.add(bad_rows as u64);
        let snap = stats::Snapshot {
            meta: crate::query::deltas::SnapshotMeta {
                server_time_us: info.server_time_us,
                stats_reset_us: info.stats_since_us,
                complete,
            },
            rows: checked,
            bad_rows,
        };
        let (mut plans, dstats, _) = self.stats.observe(snap);
        self.telemetry.backwards.add(dstats.backwards as u64);
        self.telemetry.baseline_evictions.add(dstats.evicted as u64);
        plans.truncate(self.cfg.top_n().saturating_add(OWN_SLACK));
        let changes = if !read_changes {
            self.telemetry.shed_changes.inc();
            Vec::new()
        } else if self.mark.is_some() && info.plan_changes.is_some() && info.plan_changes == self.changes_seen
        {
            Vec::new()
        } else {
            let c = self.read_changes(client).await?;
            // A full page may leave rows for the next scrape: read the view again then.
            self.changes_seen = if c.len() < self.cfg.max_plan_changes() { info.plan_changes } else { None };
            c
        };
        let ids: Vec<i64> =
            plans.iter().map(|p| p.delta.key.queryid).chain(changes.iter().map(|c| c.mark.queryid)).collect();
        let texts = self.texts(client, &ids).await;
        let own = |q: i64| texts.get(&q).is_some_and(|t| t.own);
        plans.retain(|p| !own(p.delta.key.queryid));
        plans.truncate(self.cfg.top_n());
        let mut out = QuerylensOutput::default();
        out.metrics.extend(info.metrics(self.last_read, now));
        out.metrics.extend(stats::metrics(&plans, self.last_read, now));
        self.last_read = now;
        for c in changes.iter().filter(|c| !own(c.mark.queryid)) {
            out.records.push(changes::record(c, texts.get(&c.mark.queryid), now));
        }
        self.telemetry.plan_changes.add(out.records.len() as u64);
        Ok(out)
    }

    /// The new rows of `querylens.plan_changes` after the mark. Without a mark (the first read,
    /// with no stored mark for this server) none: that read only takes the newest as the mark.
    async fn read_changes(&mut self, client: &Client) -> Result<Vec<ChangeRow>, QuerylensError> {
        let err = |e: tokio_postgres::Error| QuerylensError::from_pg(&e);
        let decode = |e: tokio_postgres::Error| QuerylensError::Decode(e.to_string());
        if self.mark.is_none() {
            self.load_stored().await;
        }
        let Some(mark) = self.mark else {
            let rows = client.query(&changes::newest_sql(), &[]).await.map_err(err)?;
            let newest = match rows.first() {
                Some(r) => changes::mark_from_row(r).map_err(decode)?,
                None => None,
            };
            self.mark = Some(newest.unwrap_or(Mark::START));
            return Ok(Vec::new());
        };
        let limit = i64::try_from(self.cfg.max_plan_changes()).unwrap_or(100);
        let rows = client
            .query(
                &changes::changes_sql(),
                &[
                    &mark.changed_at_us,
                    &mark.dbid,
                    &mark.userid,
                    &mark.queryid,
                    &mark.old_planid,
                    &mark.new_planid,
                    &limit,
                ],
            )
            .await
            .map_err(err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            if let Some(c) = ChangeRow::from_row(r).map_err(decode)? {
                out.push(c);
            }
        }
        self.pending = out.last().map(|c| c.mark);
        if out.len() as i64 >= limit {
            tracing::debug!(receiver = %self.label, limit, "postgresql: more plan changes than querylens.max_plan_changes; the rest follow at the next scrape");
        }
        Ok(out)
    }

    /// Texts of `ids` from pg_stat_statements (cached; at most [`MAX_TEXT_LOOKUPS`] looked up).
    /// Without pg_stat_statements: none, and no own statement is recognised.
    async fn texts(&mut self, client: &Client, ids: &[i64]) -> HashMap<i64, Arc<QueryText>> {
        let now = Instant::now();
        let mut out = HashMap::with_capacity(ids.len());
        let mut missing: Vec<i64> = Vec::new();
        for id in ids {
            if out.contains_key(id) || missing.contains(id) {
                continue;
            }
            match self.texts.get_at(id, now) {
                Some(t) => {
                    out.insert(*id, t.clone());
                }
                None if missing.len() < MAX_TEXT_LOOKUPS => missing.push(*id),
                None => {}
            }
        }
        if missing.is_empty() || !self.pgss {
            return out;
        }
        let sql = format!(
            "{PREFIX}SELECT DISTINCT ON (queryid) queryid, query FROM pg_stat_statements \
             WHERE queryid = ANY($1) AND query IS NOT NULL AND query <> '<insufficient privilege>'"
        );
        match client.query(&sql, &[&missing]).await {
            Ok(rows) => {
                for r in &rows {
                    let (Ok(Some(id)), Ok(Some(text))) =
                        (r.try_get::<_, Option<i64>>(0), r.try_get::<_, Option<String>>(1))
                    else {
                        continue;
                    };
                    let t = Arc::new(QueryText::new(&text));
                    self.texts.insert_at(id, t.clone(), now);
                    out.insert(id, t);
                }
            }
            Err(e) => {
                self.pgss = false;
                tracing::debug!(receiver = %self.label, error = %QuerylensError::from_pg(&e), "postgresql: no query texts for pg_querylens (pg_stat_statements unreadable)");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shed_levels_stop_plan_changes_then_everything() {
        assert_eq!(ShedPolicy::of(Shed::Nothing), ShedPolicy { stats: true, changes: true });
        assert_eq!(ShedPolicy::of(Shed::Plans), ShedPolicy { stats: true, changes: false });
        assert_eq!(ShedPolicy::of(Shed::Samples), ShedPolicy { stats: true, changes: false });
        assert_eq!(ShedPolicy::of(Shed::TopQueries), ShedPolicy { stats: false, changes: false });
        // Timeouts and lost connections count for the breaker; setup problems do not.
        let timeout = QuerylensError::Query { code: "57014".into(), message: "canceling statement".into() };
        assert!(timeout.failure_kind().is_some_and(|k| k.trips_breaker()));
        assert!(
            QuerylensError::Connection("closed".into()).failure_kind().is_some_and(|k| k.trips_breaker())
        );
        assert_eq!(QuerylensError::NotPreloaded.failure_kind(), None);
        let denied = QuerylensError::Query { code: "42501".into(), message: "permission denied".into() };
        assert!(!denied.failure_kind().is_some_and(|k| k.trips_breaker()));
    }

    #[test]
    fn enable_lines_keep_the_libraries_already_loaded() {
        let l = enable_lines("mon", Some(&["pg_stat_statements".into(), "auto_explain".into()]));
        assert!(
            l.starts_with(
                "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', 'auto_explain', 'pg_querylens';"
            ),
            "{l}"
        );
        assert!(l.contains("CREATE EXTENSION pg_querylens;") && l.contains("GRANT pg_monitor TO mon;"));
        let unknown = enable_lines("mon", None);
        assert!(!unknown.contains("ALTER SYSTEM SET shared_preload_libraries"), "{unknown}");
        assert!(unknown.contains("'pg_querylens'") && unknown.contains("CREATE EXTENSION"), "{unknown}");
        let again = enable_lines("mon", Some(&["pg_stat_statements".into(), "pg_querylens".into()]));
        assert!(
            again.starts_with(
                "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', 'pg_querylens';"
            ),
            "{again}"
        );
        // Read and empty: the exact statement, with pg_stat_statements (one ALTER SYSTEM for both).
        let empty = enable_lines("mon", Some(&[]));
        assert!(
            empty.starts_with(
                "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', 'pg_querylens';"
            ),
            "{empty}"
        );
        let by_path = enable_lines("mon", Some(&["$libdir/pg_stat_statements.so".into()]));
        assert!(
            by_path.starts_with(
                "ALTER SYSTEM SET shared_preload_libraries = '$libdir/pg_stat_statements.so', 'pg_querylens';"
            ),
            "{by_path}"
        );
    }
}
