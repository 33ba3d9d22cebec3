//! The catalog queries, chosen per server version, and the pure conversion of their rows into
//! metric points. Nothing here does I/O, so every version's SQL and every row shape can be tested
//! without a server (golden tests for PostgreSQL 12-17).
//!
//! Each query lists the metrics it feeds; a query runs only when one of them is enabled, so turning
//! off the per-table metrics really removes the per-table queries (contrib #49083).

use dbintel_core::pdata::{Attributes, Value};

use crate::conn::Row;
use crate::emit::{Builder, attrs, namespace};
use crate::metadata::MetricId as M;

/// Rows of a per-table / per-index query at most (ordered by name, so the cut is stable).
pub const MAX_RELATIONS: usize = 10_000;

/// One catalog query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Query {
    // Server-wide, run once per scrape on the primary connection.
    DatabaseStats,
    DatabaseConflicts,
    DatabaseSizes,
    Activity,
    Bgwriter,
    MaxConnections,
    Replication,
    WalAge,
    StatementsExecTime,
    LocksByMode,
    XidAge,
    ReplicationSlots,
    VacuumProgress,
    // Per database, run on a connection to each monitored database.
    Tables,
    TableIo,
    Indexes,
    TableCount,
    Functions,
    DatabaseLocks,
    Vector,
}

/// What a row conversion needs to know.
#[derive(Debug, Clone, Copy)]
pub struct EmitCtx<'a> {
    /// The database the query ran in (per-database queries).
    pub database: &'a str,
    /// The monitored databases (server-wide queries report only these where the contrib receiver does).
    pub monitored: &'a [String],
}

const LOCKED_REL: &str = "SELECT 1 FROM pg_locks l WHERE l.mode = 'AccessExclusiveLock' AND l.granted \
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())";

impl Query {
    pub const SERVER: &'static [Query] = &[
        Query::DatabaseStats,
        Query::DatabaseConflicts,
        Query::DatabaseSizes,
        Query::Activity,
        Query::Bgwriter,
        Query::MaxConnections,
        Query::Replication,
        Query::WalAge,
        Query::StatementsExecTime,
        Query::LocksByMode,
        Query::XidAge,
        Query::ReplicationSlots,
        Query::VacuumProgress,
    ];
    pub const PER_DATABASE: &'static [Query] = &[
        Query::Tables,
        Query::TableIo,
        Query::Indexes,
        Query::TableCount,
        Query::Functions,
        Query::DatabaseLocks,
        Query::Vector,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Query::DatabaseStats => "database_stats",
            Query::DatabaseConflicts => "database_conflicts",
            Query::DatabaseSizes => "database_sizes",
            Query::Activity => "activity",
            Query::Bgwriter => "bgwriter",
            Query::MaxConnections => "max_connections",
            Query::Replication => "replication",
            Query::WalAge => "wal_age",
            Query::StatementsExecTime => "statements_exec_time",
            Query::LocksByMode => "locks_by_mode",
            Query::XidAge => "xid_age",
            Query::ReplicationSlots => "replication_slots",
            Query::VacuumProgress => "vacuum_progress",
            Query::Tables => "tables",
            Query::TableIo => "table_io",
            Query::Indexes => "indexes",
            Query::TableCount => "table_count",
            Query::Functions => "functions",
            Query::DatabaseLocks => "database_locks",
            Query::Vector => "vector",
        }
    }

    /// The metrics this query feeds.
    pub fn feeds(self) -> &'static [M] {
        match self {
            Query::DatabaseStats => &[
                M::Commits,
                M::Rollbacks,
                M::Deadlocks,
                M::TempFiles,
                M::TempIo,
                M::TupUpdated,
                M::TupReturned,
                M::TupFetched,
                M::TupInserted,
                M::TupDeleted,
                M::BlksHit,
                M::BlksRead,
                M::CacheHitRatio,
            ],
            Query::DatabaseConflicts => &[M::QueryConflicts],
            Query::DatabaseSizes => &[M::DbSize],
            Query::Activity => &[M::Backends, M::ConnectionCount, M::TransactionMaxDuration],
            Query::Bgwriter => &[
                M::BgwriterBuffersAllocated,
                M::BgwriterBuffersWrites,
                M::BgwriterCheckpointCount,
                M::BgwriterDuration,
                M::BgwriterMaxwritten,
            ],
            Query::MaxConnections => &[M::ConnectionMax],
            Query::Replication => &[M::ReplicationDataDelay, M::WalLag, M::WalDelay],
            Query::WalAge => &[M::WalAge],
            Query::StatementsExecTime => &[M::QueryExecutionTime],
            Query::LocksByMode => &[M::LockCount],
            Query::XidAge => &[M::XidAge, M::MxidAge],
            Query::ReplicationSlots => &[M::ReplicationSlotLag],
            Query::VacuumProgress => &[M::AutovacuumCount, M::VacuumProgress],
            Query::Tables => &[M::Rows, M::Operations, M::TableSize, M::TableVacuumCount, M::SequentialScans],
            Query::TableIo => &[M::BlocksRead],
            Query::Indexes => &[M::IndexScans, M::IndexSize],
            Query::TableCount => &[M::TableCount],
            Query::Functions => &[M::FunctionCalls],
            Query::DatabaseLocks => &[M::DatabaseLocks],
            Query::Vector => &[
                M::VectorInsertDuration,
                M::VectorInsertRows,
                M::VectorSearchCalls,
                M::VectorSearchDuration,
                M::VectorSearchRowsReturned,
            ],
        }
    }

    /// Whether the query needs the pg_stat_statements extension in the database it runs in.
    pub fn needs_pg_stat_statements(self) -> bool {
        matches!(self, Query::StatementsExecTime | Query::Vector)
    }

    /// The SQL for a server version (`server_version_num`), or `None` when the version cannot run it.
    /// Every statement is sent with the `/* dbintel */` prefix by the connection layer.
    pub fn sql(self, version_num: u32) -> Option<String> {
        let major = version_num / 10_000;
        let s = match self {
            Query::DatabaseStats => "SELECT datname, xact_commit, xact_rollback, deadlocks, temp_files, temp_bytes, \
                 tup_updated, tup_returned, tup_fetched, tup_inserted, tup_deleted, blks_hit, blks_read \
                 FROM pg_stat_database WHERE datname IS NOT NULL"
                .to_string(),
            Query::DatabaseConflicts => "SELECT datname, confl_tablespace, confl_lock, confl_snapshot, confl_bufferpin, \
                 confl_deadlock FROM pg_stat_database_conflicts WHERE datname IS NOT NULL"
                .to_string(),
            // pg_database_size needs CONNECT on the database (or pg_read_all_stats, part of pg_monitor):
            // without it the size is NULL instead of an error for the whole query.
            Query::DatabaseSizes => "SELECT datname, CASE WHEN has_database_privilege(oid, 'CONNECT') \
                 OR pg_has_role('pg_read_all_stats', 'USAGE') THEN pg_database_size(oid) END AS size \
                 FROM pg_database WHERE NOT datistemplate"
                .to_string(),
            Query::Activity => "SELECT datname, coalesce(state, '') AS state, coalesce(wait_event_type, '') AS \
                 wait_event_type, coalesce(backend_type, '') AS backend_type, count(*) AS n, \
                 max(extract(epoch FROM clock_timestamp() - xact_start)) FILTER (WHERE pid <> pg_backend_pid() \
                 AND backend_type = 'client backend') AS max_xact_seconds \
                 FROM pg_stat_activity GROUP BY 1, 2, 3, 4"
                .to_string(),
            Query::Bgwriter if major >= 17 => "SELECT c.num_requested AS checkpoints_req, c.num_timed AS checkpoints_timed, \
                 c.write_time AS checkpoint_write_time, c.sync_time AS checkpoint_sync_time, \
                 c.buffers_written AS buffers_checkpoint, b.buffers_clean, NULL::bigint AS buffers_backend, \
                 NULL::bigint AS buffers_backend_fsync, b.buffers_alloc, b.maxwritten_clean \
                 FROM pg_stat_bgwriter b CROSS JOIN pg_stat_checkpointer c"
                .to_string(),
            Query::Bgwriter => "SELECT checkpoints_req, checkpoints_timed, checkpoint_write_time, checkpoint_sync_time, \
                 buffers_checkpoint, buffers_clean, buffers_backend, buffers_backend_fsync, buffers_alloc, \
                 maxwritten_clean FROM pg_stat_bgwriter"
                .to_string(),
            Query::MaxConnections => "SELECT current_setting('max_connections') AS max_connections".to_string(),
            Query::Replication => "SELECT coalesce(client_addr::text, 'unix') AS client_addr, \
                 CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) END \
                 AS replay_bytes, extract(epoch FROM write_lag) AS write_lag, extract(epoch FROM flush_lag) AS \
                 flush_lag, extract(epoch FROM replay_lag) AS replay_lag FROM pg_stat_replication"
                .to_string(),
            Query::WalAge => "SELECT CASE WHEN last_archived_time IS NULL OR last_archived_time = now() THEN NULL \
                 ELSE extract(epoch FROM now() - last_archived_time) END AS age FROM pg_stat_archiver"
                .to_string(),
            Query::StatementsExecTime => {
                let col = if major >= 13 { "total_exec_time" } else { "total_time" };
                format!(
                    "SELECT d.datname, sum(s.{col}) / 1000 AS seconds FROM pg_stat_statements s \
                     JOIN pg_database d ON d.oid = s.dbid GROUP BY d.datname"
                )
            }
            Query::LocksByMode => "SELECT mode, granted, count(*) AS n FROM pg_locks GROUP BY 1, 2".to_string(),
            Query::XidAge => "SELECT datname, age(datfrozenxid) AS xid_age, mxid_age(datminmxid) AS mxid_age \
                 FROM pg_database"
                .to_string(),
            Query::ReplicationSlots => "SELECT slot_name, slot_type, coalesce(database, '') AS database, active, \
                 CASE WHEN restart_lsn IS NULL THEN NULL WHEN pg_is_in_recovery() \
                 THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), restart_lsn) \
                 ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) END AS lag_bytes FROM pg_replication_slots"
                .to_string(),
            // Relation names resolve only for the database we are connected to.
            Query::VacuumProgress => "SELECT p.datname, coalesce(n.nspname, '') AS schemaname, \
                 coalesce(c.relname, p.relid::text) AS relname, p.phase, p.heap_blks_scanned, p.heap_blks_total, \
                 coalesce(a.backend_type = 'autovacuum worker', false) AS auto \
                 FROM pg_stat_progress_vacuum p \
                 LEFT JOIN pg_class c ON c.oid = p.relid AND p.datname = current_database() \
                 LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_stat_activity a ON a.pid = p.pid"
                .to_string(),
            // Relations holding a granted AccessExclusiveLock are skipped: pg_relation_size would
            // wait on them (contrib #49351); lock_timeout covers the race.
            Query::Tables => format!(
                "SELECT s.schemaname, s.relname, s.n_live_tup, s.n_dead_tup, s.n_tup_ins, s.n_tup_upd, \
                 s.n_tup_del, s.n_tup_hot_upd, s.seq_scan, s.vacuum_count, pg_relation_size(s.relid) AS table_size \
                 FROM pg_stat_user_tables s WHERE NOT EXISTS ({LOCKED_REL} AND l.relation = s.relid) \
                 ORDER BY s.schemaname, s.relname LIMIT {MAX_RELATIONS}"
            ),
            Query::TableIo => format!(
                "SELECT schemaname, relname, coalesce(heap_blks_read, 0) AS heap_read, \
                 coalesce(heap_blks_hit, 0) AS heap_hit, coalesce(idx_blks_read, 0) AS idx_read, \
                 coalesce(idx_blks_hit, 0) AS idx_hit, coalesce(toast_blks_read, 0) AS toast_read, \
                 coalesce(toast_blks_hit, 0) AS toast_hit, coalesce(tidx_blks_read, 0) AS tidx_read, \
                 coalesce(tidx_blks_hit, 0) AS tidx_hit FROM pg_statio_user_tables \
                 ORDER BY schemaname, relname LIMIT {MAX_RELATIONS}"
            ),
            Query::Indexes => format!(
                "SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan, \
                 pg_relation_size(s.indexrelid) AS index_size FROM pg_stat_user_indexes s \
                 WHERE NOT EXISTS ({LOCKED_REL} AND l.relation IN (s.relid, s.indexrelid)) \
                 ORDER BY s.schemaname, s.relname, s.indexrelname LIMIT {MAX_RELATIONS}"
            ),
            // The same relations as pg_stat_user_tables, counted cheaply on pg_class.
            Query::TableCount => "SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                 AND n.nspname !~ '^pg_toast'"
                .to_string(),
            Query::Functions => format!(
                "SELECT schemaname, funcname, pg_get_function_identity_arguments(funcid) AS args, calls \
                 FROM pg_stat_user_functions ORDER BY schemaname, funcname, funcid LIMIT {MAX_RELATIONS}"
            ),
            Query::DatabaseLocks => "SELECT coalesce(c.relname, '') AS relation, l.mode, l.locktype, count(*) AS n \
                 FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation \
                 WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                 GROUP BY 1, 2, 3"
                .to_string(),
            // pgvector: statements classified by distance operator (searches) and INSERTs into tables
            // with a vector column. pg_stat_statements has total_exec_time from 13 on.
            Query::Vector if major < 13 => return None,
            Query::Vector => "WITH s AS (SELECT query, calls, total_exec_time, rows FROM pg_stat_statements \
                 WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())), \
                 ops(op, name) AS (VALUES ('<=>', 'cosine'), ('<->', 'l2'), ('<#>', 'inner_product'), \
                 ('<+>', 'l1'), ('<~>', 'hamming'), ('<%>', 'jaccard')) \
                 SELECT 'search' AS kind, ops.name AS distance, sum(s.calls) AS calls, \
                 sum(s.total_exec_time) / 1000 AS seconds, sum(s.rows) AS n FROM s JOIN ops ON strpos(s.query, ops.op) > 0 \
                 WHERE s.query ~* '^\\s*(/\\*.*?\\*/\\s*)*(select|with)' GROUP BY ops.name \
                 UNION ALL SELECT 'insert', '', sum(s.calls), sum(s.total_exec_time) / 1000, sum(s.rows) FROM s \
                 WHERE s.query ~* '^\\s*(/\\*.*?\\*/\\s*)*insert' AND EXISTS (SELECT 1 FROM pg_attribute a \
                 JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid \
                 WHERE t.typname = 'vector' AND a.attnum > 0 AND NOT a.attisdropped \
                 AND strpos(lower(s.query), lower(c.relname)) > 0)"
                .to_string(),
        };
        Some(s)
    }

    /// Converts the query's rows into points.
    pub fn emit(self, rows: &[Row], ctx: &EmitCtx<'_>, b: &mut Builder<'_>) {
        let monitored = |db: &str| ctx.monitored.iter().any(|m| m == db);
        match self {
            Query::DatabaseStats => {
                for r in rows {
                    let db = r.str("datname");
                    if !monitored(&db) {
                        continue;
                    }
                    let ns = || attrs([("db.namespace", db.clone())]);
                    for (id, col) in [
                        (M::Commits, "xact_commit"),
                        (M::Rollbacks, "xact_rollback"),
                        (M::Deadlocks, "deadlocks"),
                        (M::TempFiles, "temp_files"),
                        (M::TempIo, "temp_bytes"),
                        (M::TupUpdated, "tup_updated"),
                        (M::TupReturned, "tup_returned"),
                        (M::TupFetched, "tup_fetched"),
                        (M::TupInserted, "tup_inserted"),
                        (M::TupDeleted, "tup_deleted"),
                        (M::BlksHit, "blks_hit"),
                        (M::BlksRead, "blks_read"),
                    ] {
                        b.opt_int(id, r.i64(col), ns);
                    }
                    if let (Some(hit), Some(read)) = (r.f64("blks_hit"), r.f64("blks_read"))
                        && hit + read > 0.0
                    {
                        b.double(M::CacheHitRatio, hit / (hit + read), ns());
                    }
                }
            }
            Query::DatabaseConflicts => {
                for r in rows {
                    let db = r.str("datname");
                    if !monitored(&db) {
                        continue;
                    }
                    for (t, col) in [
                        ("tablespace", "confl_tablespace"),
                        ("lock", "confl_lock"),
                        ("snapshot", "confl_snapshot"),
                        ("bufferpin", "confl_bufferpin"),
                        ("deadlock", "confl_deadlock"),
                    ] {
                        b.opt_int(M::QueryConflicts, r.i64(col), || {
                            attrs([("db.namespace", db.clone()), ("postgresql.conflict.type", t.to_string())])
                        });
                    }
                }
            }
            Query::DatabaseSizes => {
                for r in rows {
                    let db = r.str("datname");
                    if monitored(&db) {
                        b.opt_int(M::DbSize, r.i64("size"), || attrs([("db.namespace", db.clone())]));
                    }
                }
            }
            Query::Activity => {
                // Backends per database (every backend type, as contrib), connections by state.
                let mut backends: Vec<(String, i64)> = Vec::new();
                let mut longest: Vec<(String, f64)> = Vec::new();
                for r in rows {
                    let Some(db) = r.get("datname").map(str::to_string) else { continue };
                    let n = r.i64("n").unwrap_or(0);
                    match backends.iter_mut().find(|(d, _)| *d == db) {
                        Some(slot) => slot.1 += n,
                        None => backends.push((db.clone(), n)),
                    }
                    if r.get("backend_type") == Some("client backend") {
                        b.opt_int(M::ConnectionCount, Some(n), || {
                            attrs([
                                ("db.namespace", db.clone()),
                                ("state", r.str("state")),
                                ("wait_event_type", r.str("wait_event_type")),
                            ])
                        });
                    }
                    if let Some(s) = r.f64("max_xact_seconds") {
                        match longest.iter_mut().find(|(d, _)| *d == db) {
                            Some(slot) => slot.1 = slot.1.max(s),
                            None => longest.push((db.clone(), s)),
                        }
                    }
                }
                for db in ctx.monitored {
                    let n = backends.iter().find(|(d, _)| d == db).map(|(_, n)| *n).unwrap_or(0);
                    b.int(M::Backends, n, attrs([("db.namespace", db.clone())]));
                }
                for (db, s) in longest {
                    b.double(M::TransactionMaxDuration, s.max(0.0), attrs([("db.namespace", db)]));
                }
            }
            Query::Bgwriter => {
                let Some(r) = rows.first() else { return };
                b.opt_int(M::BgwriterBuffersAllocated, r.i64("buffers_alloc"), Attributes::new);
                for (source, col) in [
                    ("backend", "buffers_backend"),
                    ("backend_fsync", "buffers_backend_fsync"),
                    ("checkpoints", "buffers_checkpoint"),
                    ("bgwriter", "buffers_clean"),
                ] {
                    b.opt_int(M::BgwriterBuffersWrites, r.i64(col), || {
                        attrs([("source", source.to_string())])
                    });
                }
                for (t, col) in [("requested", "checkpoints_req"), ("scheduled", "checkpoints_timed")] {
                    b.opt_int(M::BgwriterCheckpointCount, r.i64(col), || attrs([("type", t.to_string())]));
                }
                for (t, col) in [("sync", "checkpoint_sync_time"), ("write", "checkpoint_write_time")] {
                    if let Some(v) = r.f64(col) {
                        b.double(M::BgwriterDuration, v, attrs([("type", t.to_string())]));
                    }
                }
                b.opt_int(M::BgwriterMaxwritten, r.i64("maxwritten_clean"), Attributes::new);
            }
            Query::MaxConnections => {
                if let Some(r) = rows.first() {
                    b.opt_int(M::ConnectionMax, r.i64("max_connections"), Attributes::new);
                }
            }
            Query::Replication => {
                for r in rows {
                    let client = r.str("client_addr");
                    b.opt_int(M::ReplicationDataDelay, r.i64("replay_bytes"), || {
                        attrs([("replication_client", client.clone())])
                    });
                    for (op, col) in
                        [("write", "write_lag"), ("flush", "flush_lag"), ("replay", "replay_lag")]
                    {
                        let Some(v) = r.f64(col) else { continue };
                        let a =
                            attrs([("operation", op.to_string()), ("replication_client", client.clone())]);
                        b.int(M::WalLag, v as i64, a.clone());
                        b.double(M::WalDelay, v, a);
                    }
                }
            }
            Query::WalAge => {
                if let Some(age) = rows.first().and_then(|r| r.f64("age")) {
                    b.int(M::WalAge, age as i64, Attributes::new());
                }
            }
            Query::StatementsExecTime => {
                for r in rows {
                    let db = r.str("datname");
                    if monitored(&db)
                        && let Some(s) = r.f64("seconds")
                    {
                        b.double(M::QueryExecutionTime, s, attrs([("db.namespace", db)]));
                    }
                }
            }
            Query::LocksByMode => {
                for r in rows {
                    let mut a = attrs([("mode", r.str("mode"))]);
                    a.insert("granted", Value::Bool(r.bool("granted").unwrap_or(false)));
                    b.opt_int(M::LockCount, r.i64("n"), || a);
                }
            }
            Query::XidAge => {
                for r in rows {
                    let db = r.str("datname");
                    b.opt_int(M::XidAge, r.i64("xid_age"), || attrs([("db.namespace", db.clone())]));
                    b.opt_int(M::MxidAge, r.i64("mxid_age"), || attrs([("db.namespace", db.clone())]));
                }
            }
            Query::ReplicationSlots => {
                for r in rows {
                    b.opt_int(M::ReplicationSlotLag, r.i64("lag_bytes"), || {
                        let mut a = attrs([
                            ("postgresql.replication_slot.name", r.str("slot_name")),
                            ("postgresql.replication_slot.type", r.str("slot_type")),
                            ("db.namespace", r.str("database")),
                        ]);
                        a.insert(
                            "postgresql.replication_slot.active",
                            Value::Bool(r.bool("active").unwrap_or(false)),
                        );
                        a
                    });
                }
            }
            Query::VacuumProgress => {
                let mut counts: Vec<(String, &'static str, i64)> = Vec::new();
                for r in rows {
                    let db = r.str("datname");
                    let kind = if r.bool("auto").unwrap_or(false) { "auto" } else { "manual" };
                    match counts.iter_mut().find(|(d, k, _)| *d == db && *k == kind) {
                        Some(slot) => slot.2 += 1,
                        None => counts.push((db.clone(), kind, 1)),
                    }
                    if let (Some(done), Some(total)) = (r.f64("heap_blks_scanned"), r.f64("heap_blks_total"))
                        && total > 0.0
                    {
                        b.double(
                            M::VacuumProgress,
                            (done / total).clamp(0.0, 1.0),
                            attrs([
                                ("db.namespace", namespace(&db, &r.str("schemaname"))),
                                ("db.collection.name", r.str("relname")),
                                ("phase", r.str("phase")),
                                ("type", kind.to_string()),
                            ]),
                        );
                    }
                }
                for (db, kind, n) in counts {
                    b.int(M::AutovacuumCount, n, attrs([("db.namespace", db), ("type", kind.to_string())]));
                }
            }
            Query::Tables => {
                for r in rows {
                    let ns = namespace(ctx.database, &r.str("schemaname"));
                    let table = r.str("relname");
                    let base =
                        || attrs([("db.namespace", ns.clone()), ("db.collection.name", table.clone())]);
                    for (state, col) in [("dead", "n_dead_tup"), ("live", "n_live_tup")] {
                        b.opt_int(M::Rows, r.i64(col), || with(base(), "state", state));
                    }
                    for (op, col) in [
                        ("ins", "n_tup_ins"),
                        ("upd", "n_tup_upd"),
                        ("del", "n_tup_del"),
                        ("hot_upd", "n_tup_hot_upd"),
                    ] {
                        b.opt_int(M::Operations, r.i64(col), || with(base(), "operation", op));
                    }
                    b.opt_int(M::TableSize, r.i64("table_size"), base);
                    b.opt_int(M::TableVacuumCount, r.i64("vacuum_count"), base);
                    b.opt_int(M::SequentialScans, r.i64("seq_scan"), base);
                }
            }
            Query::TableIo => {
                for r in rows {
                    let ns = namespace(ctx.database, &r.str("schemaname"));
                    let table = r.str("relname");
                    for source in [
                        "heap_read",
                        "heap_hit",
                        "idx_read",
                        "idx_hit",
                        "toast_read",
                        "toast_hit",
                        "tidx_read",
                        "tidx_hit",
                    ] {
                        b.opt_int(M::BlocksRead, r.i64(source), || {
                            attrs([
                                ("db.namespace", ns.clone()),
                                ("db.collection.name", table.clone()),
                                ("source", source.to_string()),
                            ])
                        });
                    }
                }
            }
            Query::Indexes => {
                for r in rows {
                    let base = || {
                        attrs([
                            ("db.namespace", namespace(ctx.database, &r.str("schemaname"))),
                            ("db.collection.name", r.str("relname")),
                            ("postgresql.index.name", r.str("indexrelname")),
                        ])
                    };
                    b.opt_int(M::IndexScans, r.i64("idx_scan"), base);
                    b.opt_int(M::IndexSize, r.i64("index_size"), base);
                }
            }
            Query::TableCount => {
                if let Some(r) = rows.first() {
                    b.opt_int(M::TableCount, r.i64("n"), || {
                        attrs([("db.namespace", ctx.database.to_string())])
                    });
                }
            }
            Query::Functions => {
                for (i, r) in rows.iter().enumerate() {
                    let (schema, name) = (r.str("schemaname"), r.str("funcname"));
                    let overloaded = rows.iter().enumerate().any(|(j, o)| {
                        j != i
                            && o.get("schemaname") == Some(schema.as_str())
                            && o.get("funcname") == Some(name.as_str())
                    });
                    let function =
                        if overloaded { format!("{name}({})", r.str("args")) } else { name.clone() };
                    b.opt_int(M::FunctionCalls, r.i64("calls"), || {
                        attrs([("db.namespace", namespace(ctx.database, &schema)), ("function", function)])
                    });
                }
            }
            Query::DatabaseLocks => {
                for r in rows {
                    b.opt_int(M::DatabaseLocks, r.i64("n"), || {
                        attrs([
                            ("db.namespace", ctx.database.to_string()),
                            ("relation", r.str("relation")),
                            ("mode", r.str("mode")),
                            ("lock_type", r.str("locktype")),
                        ])
                    });
                }
            }
            Query::Vector => {
                for r in rows {
                    let db = || attrs([("db.namespace", ctx.database.to_string())]);
                    if r.get("kind") == Some("insert") {
                        if let Some(s) = r.f64("seconds") {
                            b.double(M::VectorInsertDuration, s, db());
                        }
                        b.opt_int(M::VectorInsertRows, r.i64("n"), db);
                    } else {
                        let a = || with(db(), "postgresql.distance.function.name", &r.str("distance"));
                        b.opt_int(M::VectorSearchCalls, r.i64("calls"), a);
                        if let Some(s) = r.f64("seconds") {
                            b.double(M::VectorSearchDuration, s, a());
                        }
                        b.opt_int(M::VectorSearchRowsReturned, r.i64("n"), a);
                    }
                }
            }
        }
    }
}

fn with(mut a: Attributes, k: &'static str, v: &str) -> Attributes {
    a.insert(k, v.to_string());
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EnabledMetrics;

    #[test]
    fn every_metric_is_fed_by_exactly_one_query_except_up_and_counts() {
        for &id in M::ALL {
            let n =
                Query::SERVER.iter().chain(Query::PER_DATABASE).filter(|q| q.feeds().contains(&id)).count();
            let expected = usize::from(!matches!(id, M::Up | M::DatabaseCount));
            assert_eq!(n, expected, "{}", id.spec().name);
        }
    }

    #[test]
    fn version_specific_sql() {
        let bg17 = Query::Bgwriter.sql(170002).unwrap();
        assert!(bg17.contains("pg_stat_checkpointer") && bg17.contains("num_timed"), "{bg17}");
        let bg16 = Query::Bgwriter.sql(160004).unwrap();
        assert!(!bg16.contains("pg_stat_checkpointer") && bg16.contains("checkpoints_timed"));
        assert!(Query::StatementsExecTime.sql(120010).unwrap().contains("total_time"));
        assert!(Query::StatementsExecTime.sql(130010).unwrap().contains("total_exec_time"));
        assert!(Query::Vector.sql(120010).is_none());
    }

    #[test]
    fn odd_rows_never_panic() {
        let all = EnabledMetrics::all();
        let mut b = Builder::new(&all, 1, 2);
        let odd = [
            serde_json::json!({}),
            serde_json::json!({"datname": null, "n": "x", "max_xact_seconds": "NaN"}),
            serde_json::json!({"datname": "d", "n": "99999999999999999999999", "heap_blks_total": "0"}),
        ];
        let rows: Vec<Row> = odd.iter().map(|o| Row::from_json(o.as_object().unwrap())).collect();
        let monitored = vec!["d".to_string()];
        let ctx = EmitCtx { database: "d", monitored: &monitored };
        for q in Query::SERVER.iter().chain(Query::PER_DATABASE) {
            q.emit(&rows, &ctx, &mut b);
            q.emit(&[], &ctx, &mut b);
        }
    }
}
