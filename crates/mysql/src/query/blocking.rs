//! Who blocks whom: InnoDB row-lock waits and metadata-lock (MDL) waits, read through
//! [`Source`] and turned into blocking chains for the query samples.
//!
//! - Row locks, MySQL >= 8.0.1: `performance_schema.data_lock_waits` JOIN `data_locks` (the
//!   requested lock) and `threads` (thread ids to processlist ids), with
//!   `information_schema.INNODB_TRX` for the wait start and the blocking transaction's start.
//! - Row locks, MariaDB and MySQL 5.7: `information_schema.INNODB_LOCK_WAITS` JOIN `INNODB_TRX`
//!   (twice) and `INNODB_LOCKS` (the requested lock).
//! - Metadata locks, every version: `performance_schema.metadata_locks`, a PENDING lock against
//!   the GRANTED locks other threads hold on the same object. It needs the
//!   `wait/lock/metadata/sql/mdl` instrument (on by default in MySQL 8, off in MariaDB and 5.7);
//!   without it the table is empty and no MDL wait is seen.
//!
//! A granted MDL of another thread on the same object is counted as a blocker even when its mode
//! is compatible with the pending one (the server does not say which of the holders it waits for);
//! the list may therefore name more blockers than strictly needed, never fewer.

use std::collections::HashMap;

use dbintel_dbclient::DbError;

use crate::conn::{ServerInfo, Source, TextRow};

/// Lock waits read per statement at most (a bound on the chains map).
pub const MAX_LOCK_WAITS: usize = 1000;

/// What a waiter waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LockLevel {
    /// An InnoDB record or table lock.
    #[default]
    Row,
    /// A server metadata lock (DDL, LOCK TABLES, FLUSH ...).
    Metadata,
}

impl LockLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LockLevel::Row => "row",
            LockLevel::Metadata => "metadata",
        }
    }
}

/// One waiter -> blocker edge, with what is waited on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LockWait {
    /// Processlist id (`CONNECTION_ID()`) of the waiting session.
    pub waiting_pid: u64,
    /// Processlist id of the session holding the lock.
    pub blocking_pid: u64,
    pub level: LockLevel,
    /// Requested lock mode (`X`, `X,REC_NOT_GAP`; MDL: the pending lock type).
    pub lock_mode: String,
    /// `RECORD` / `TABLE` (MDL: the object type).
    pub lock_type: String,
    /// `schema.table` (unquoted).
    pub table: String,
    pub index: String,
    /// When the wait started (Unix seconds, server clock).
    pub wait_start: Option<i64>,
    /// Seconds waited so far.
    pub wait_secs: i64,
    /// Start of the blocking session's transaction (Unix seconds), when it has one.
    pub blocking_trx_start: Option<i64>,
    /// MDL only: object type, schema, name, and the lock type the waiter asked for.
    pub mdl_object_type: String,
    pub mdl_schema: String,
    pub mdl_name: String,
    pub mdl_lock_type: String,
}

/// The row-lock statement for this server.
pub fn row_lock_sql(info: &ServerInfo) -> String {
    if info.has_data_lock_waits() {
        format!(
            "SELECT rt.PROCESSLIST_ID, bt.PROCESSLIST_ID, rl.LOCK_MODE, rl.LOCK_TYPE, \
             CONCAT(rl.OBJECT_SCHEMA, '.', rl.OBJECT_NAME), rl.INDEX_NAME, \
             UNIX_TIMESTAMP(r.trx_wait_started), TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()), \
             UNIX_TIMESTAMP(b.trx_started) \
             FROM performance_schema.data_lock_waits w \
             JOIN performance_schema.data_locks rl ON rl.ENGINE = w.ENGINE AND rl.ENGINE_LOCK_ID = w.REQUESTING_ENGINE_LOCK_ID \
             JOIN performance_schema.threads rt ON rt.THREAD_ID = w.REQUESTING_THREAD_ID \
             JOIN performance_schema.threads bt ON bt.THREAD_ID = w.BLOCKING_THREAD_ID \
             LEFT JOIN information_schema.INNODB_TRX r ON r.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID \
             LEFT JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID \
             LIMIT {MAX_LOCK_WAITS}"
        )
    } else {
        format!(
            "SELECT r.trx_mysql_thread_id, b.trx_mysql_thread_id, l.lock_mode, l.lock_type, \
             l.lock_table, l.lock_index, \
             UNIX_TIMESTAMP(r.trx_wait_started), TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()), \
             UNIX_TIMESTAMP(b.trx_started) \
             FROM information_schema.INNODB_LOCK_WAITS w \
             JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id \
             JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id \
             LEFT JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id \
             LIMIT {MAX_LOCK_WAITS}"
        )
    }
}

/// The metadata-lock statement (the same on every version).
pub fn mdl_sql() -> String {
    format!(
        "SELECT wt.PROCESSLIST_ID, bt.PROCESSLIST_ID, p.OBJECT_TYPE, p.OBJECT_SCHEMA, p.OBJECT_NAME, \
         p.LOCK_TYPE, UNIX_TIMESTAMP() - wt.PROCESSLIST_TIME, wt.PROCESSLIST_TIME, \
         UNIX_TIMESTAMP(b.trx_started) \
         FROM performance_schema.metadata_locks p \
         JOIN performance_schema.metadata_locks g ON g.OBJECT_TYPE = p.OBJECT_TYPE \
           AND g.OBJECT_SCHEMA <=> p.OBJECT_SCHEMA AND g.OBJECT_NAME <=> p.OBJECT_NAME \
           AND g.LOCK_STATUS = 'GRANTED' AND g.OWNER_THREAD_ID <> p.OWNER_THREAD_ID \
         JOIN performance_schema.threads wt ON wt.THREAD_ID = p.OWNER_THREAD_ID \
         JOIN performance_schema.threads bt ON bt.THREAD_ID = g.OWNER_THREAD_ID \
         LEFT JOIN information_schema.INNODB_TRX b ON b.trx_mysql_thread_id = bt.PROCESSLIST_ID \
         WHERE p.LOCK_STATUS = 'PENDING' \
         LIMIT {MAX_LOCK_WAITS}"
    )
}

fn cell(r: &TextRow, i: usize) -> &str {
    r.get(i).and_then(|c| c.as_deref()).unwrap_or("")
}

fn int(r: &TextRow, i: usize) -> Option<i64> {
    let s = cell(r, i).trim();
    // UNIX_TIMESTAMP of a DATETIME(6) prints a fraction.
    s.parse::<i64>().ok().or_else(|| s.parse::<f64>().ok().filter(|f| f.is_finite()).map(|f| f as i64))
}

fn pid(r: &TextRow, i: usize) -> Option<u64> {
    cell(r, i).trim().parse::<u64>().ok().filter(|p| *p > 0)
}

/// `` `shop`.`t` `` (INNODB_LOCKS) or `shop.t` to `shop.t`; a partition suffix is kept.
pub fn unquote_table(s: &str) -> String {
    if !s.contains('`') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '`' if quoted && chars.peek() == Some(&'`') => {
                chars.next();
                out.push('`');
            }
            '`' => quoted = !quoted,
            c => out.push(c),
        }
    }
    out
}

/// Maps row-lock rows (either statement); rows without both session ids are skipped.
pub fn map_row_locks(rows: &[TextRow]) -> Vec<LockWait> {
    rows.iter()
        .filter_map(|r| {
            Some(LockWait {
                waiting_pid: pid(r, 0)?,
                blocking_pid: pid(r, 1)?,
                level: LockLevel::Row,
                lock_mode: cell(r, 2).to_string(),
                lock_type: cell(r, 3).to_string(),
                table: unquote_table(cell(r, 4)),
                index: unquote_table(cell(r, 5)),
                wait_start: int(r, 6),
                wait_secs: int(r, 7).unwrap_or(0).max(0),
                blocking_trx_start: int(r, 8),
                ..Default::default()
            })
        })
        .collect()
}

/// Maps metadata-lock rows; rows without both session ids (background threads) are skipped.
pub fn map_mdl(rows: &[TextRow]) -> Vec<LockWait> {
    rows.iter()
        .filter_map(|r| {
            let (schema, name) = (cell(r, 3).to_string(), cell(r, 4).to_string());
            let table = if schema.is_empty() { name.clone() } else { format!("{schema}.{name}") };
            Some(LockWait {
                waiting_pid: pid(r, 0)?,
                blocking_pid: pid(r, 1)?,
                level: LockLevel::Metadata,
                lock_mode: cell(r, 5).to_string(),
                lock_type: cell(r, 2).to_string(),
                table,
                index: String::new(),
                wait_start: int(r, 6),
                wait_secs: int(r, 7).unwrap_or(0).max(0),
                blocking_trx_start: int(r, 8),
                mdl_object_type: cell(r, 2).to_string(),
                mdl_schema: schema,
                mdl_name: name,
                mdl_lock_type: cell(r, 5).to_string(),
            })
        })
        .collect()
}

/// Every lock wait the server shows, and the statements that failed (each isolated: a missing
/// grant on one table still gives the other kind of wait).
pub async fn collect(src: &mut dyn Source) -> Result<(Vec<LockWait>, Vec<(String, DbError)>), DbError> {
    let mut waits = Vec::new();
    let mut failures = Vec::new();
    let row_sql = row_lock_sql(src.info());
    match src.rows(&row_sql).await {
        Ok(rows) => waits.extend(map_row_locks(&rows)),
        Err(e @ DbError::Lost(_)) => return Err(e),
        Err(e) => failures.push(("row lock waits".to_string(), e)),
    }
    match src.rows(&mdl_sql()).await {
        Ok(rows) => waits.extend(map_mdl(&rows)),
        Err(e @ DbError::Lost(_)) => return Err(e),
        Err(e) => failures.push(("metadata lock waits".to_string(), e)),
    }
    waits.truncate(2 * MAX_LOCK_WAITS);
    Ok((waits, failures))
}

/// Blocking relations of one session (dbclient's, shared with the postgresql receiver).
pub type ChainInfo = dbintel_dbclient::blocking::BlockingInfo<u64>;

/// Blocking chains from the wait edges (dbclient's cycle-safe builder).
pub fn chains(waits: &[LockWait]) -> HashMap<u64, ChainInfo> {
    dbintel_dbclient::blocking::blocking_chains(waits.iter().map(|w| (w.waiting_pid, w.blocking_pid)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(waiting: u64, blocking: u64) -> LockWait {
        LockWait { waiting_pid: waiting, blocking_pid: blocking, ..Default::default() }
    }

    #[test]
    fn chains_find_roots_depth_and_blocked_sessions() {
        // 30 holds; 20 waits for 30; 10 and 11 wait for 20; 40 waits for 30 and 20.
        let c = chains(&[w(10, 20), w(11, 20), w(20, 30), w(40, 30), w(40, 20)]);
        assert_eq!(c[&10].root_pids, vec![30]);
        assert_eq!(c[&10].depth, 2);
        assert_eq!(c[&20].depth, 1);
        assert_eq!((c[&30].depth, c[&30].root_pids.len()), (0, 0));
        assert_eq!(c[&30].blocked_pids, vec![20, 40]);
        assert_eq!(c[&30].blocked_total, 4);
        assert_eq!(c[&20].blocked_pids, vec![10, 11, 40]);
        // A cycle (deadlock not yet resolved) terminates.
        let c = chains(&[w(1, 2), w(2, 1)]);
        assert!(c[&1].root_pids.is_empty());
        assert_eq!(c[&1].blocked_total, 1);
        // A self edge is ignored.
        assert!(chains(&[w(5, 5)]).is_empty());
    }

    fn row(cells: &[Option<&str>]) -> TextRow {
        cells.iter().map(|c| c.map(str::to_string)).collect()
    }

    #[test]
    fn rows_map_with_nulls_and_quoted_tables() {
        let rows = vec![
            row(&[
                Some("12"),
                Some("11"),
                Some("X"),
                Some("RECORD"),
                Some("`shop`.`t`"),
                Some("`PRIMARY`"),
                Some("1700000000"),
                Some("3"),
                Some("1699999990.000000"),
            ]),
            // A background thread (NULL processlist id) is not a session.
            row(&[None, Some("11"), None, None, None, None, None, None, None]),
            row(&[Some("13"), Some("11"), None, None, None, None, None, None, None]),
        ];
        let m = map_row_locks(&rows);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].table.as_str(), m[0].index.as_str()), ("shop.t", "PRIMARY"));
        assert_eq!(
            (m[0].wait_start, m[0].wait_secs, m[0].blocking_trx_start),
            (Some(1_700_000_000), 3, Some(1_699_999_990))
        );
        assert_eq!((m[1].lock_mode.as_str(), m[1].wait_start, m[1].wait_secs), ("", None, 0));
        let mdl = map_mdl(&[row(&[
            Some("7"),
            Some("6"),
            Some("TABLE"),
            Some("shop"),
            Some("t"),
            Some("EXCLUSIVE"),
            Some("1700000000"),
            Some("2"),
            None,
        ])]);
        assert_eq!(mdl[0].level, LockLevel::Metadata);
        assert_eq!((mdl[0].table.as_str(), mdl[0].mdl_lock_type.as_str()), ("shop.t", "EXCLUSIVE"));
        assert_eq!(unquote_table("`a``b`.`c`"), "a`b.c");
    }
}
