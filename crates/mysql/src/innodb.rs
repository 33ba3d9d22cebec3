//! InnoDB health beyond `SHOW GLOBAL STATUS`'s counters: history list length and deadlocks
//! (`information_schema.INNODB_METRICS`), open transactions and the oldest one's age
//! (`information_schema.INNODB_TRX`), redo-log LSNs and checkpoint age (status variables on MariaDB
//! and MySQL >= 8.0.30, `performance_schema.log_status` on MySQL 8.0.11 to 8.0.29, none on 5.7),
//! and the buffer pool hit ratio derived from the status counters.

use dbintel_core::pdata::{Attributes, NumberValue};
use dbintel_dbclient::{DbError, MetricBuilder};

use crate::collect::{MetricsOutcome, any_on, num, record};
use crate::conn::{ServerInfo, Source};
use crate::metadata::MetricId as Id;
use crate::status::{StatusRows, parse_value};

/// History list length and (MySQL) deadlocks. Both counters are enabled by default in InnoDB.
pub const INNODB_METRICS_SQL: &str = "SELECT NAME, COUNT FROM information_schema.INNODB_METRICS WHERE NAME IN ('trx_rseg_history_len', 'lock_deadlocks')";
/// Open transactions and the age in seconds of the oldest (0 when none).
pub const TRX_SQL: &str = "SELECT COUNT(*), COALESCE(MAX(TIMESTAMPDIFF(SECOND, trx_started, NOW())), 0) \
     FROM information_schema.INNODB_TRX";
/// Redo-log LSNs on MySQL 8.0.11 to 8.0.29 (needs BACKUP_ADMIN): the `STORAGE_ENGINES` JSON
/// column, `{"InnoDB": {"LSN": .., "LSN_checkpoint": ..}}`. Reading it blocks logging for a moment,
/// so it is sent only when a redo-log metric is on (all are off by default).
pub const LOG_STATUS_SQL: &str = "SELECT JSON_UNQUOTE(JSON_EXTRACT(STORAGE_ENGINES, '$.InnoDB.LSN')), \
     JSON_UNQUOTE(JSON_EXTRACT(STORAGE_ENGINES, '$.InnoDB.LSN_checkpoint')) FROM performance_schema.log_status";

const REDO: &[Id] =
    &[Id::InnodbRedoLogLsnCurrent, Id::InnodbRedoLogLsnCheckpoint, Id::InnodbRedoLogCheckpointAge];

/// Where the server reports its redo-log LSNs.
fn redo_status_variables(info: &ServerInfo) -> Option<(&'static str, &'static str)> {
    if info.mariadb {
        Some(("Innodb_lsn_current", "Innodb_lsn_last_checkpoint"))
    } else if info.redo_log_in_status() {
        Some(("Innodb_redo_log_current_lsn", "Innodb_redo_log_checkpoint_lsn"))
    } else {
        None
    }
}

/// `performance_schema.log_status` has the LSNs (MySQL 8.0.11 to 8.0.29).
fn has_log_status(info: &ServerInfo) -> bool {
    info.mysql_at_least(8, 0, 11) && !info.redo_log_in_status()
}

fn record_redo(b: &mut MetricBuilder<'_>, current: Option<i64>, checkpoint: Option<i64>) {
    if let Some(c) = current {
        record(b, Id::InnodbRedoLogLsnCurrent, c, Attributes::new());
    }
    if let Some(k) = checkpoint {
        record(b, Id::InnodbRedoLogLsnCheckpoint, k, Attributes::new());
    }
    if let (Some(c), Some(k)) = (current, checkpoint) {
        // Read at slightly different moments: never negative.
        record(b, Id::InnodbRedoLogCheckpointAge, c.saturating_sub(k).max(0), Attributes::new());
    }
}

/// The points derived from `SHOW GLOBAL STATUS`: hit ratio and redo-log LSNs.
pub fn record_from_status(
    rows: &StatusRows,
    info: &ServerInfo,
    b: &mut MetricBuilder<'_>,
    out: &mut MetricsOutcome,
) {
    let read = |variable: &'static str, out: &mut MetricsOutcome| -> Option<i64> {
        match parse_value(rows.get(variable)?.as_deref()) {
            Ok(v) if v >= 0 => Some(v),
            Ok(v) => {
                out.bad(variable, format!("{v} is negative"));
                None
            }
            Err(problem) => {
                out.bad(variable, problem);
                None
            }
        }
    };
    if any_on(b, &[Id::BufferPoolHitRatio])
        && let (Some(requests), Some(reads)) =
            (read("Innodb_buffer_pool_read_requests", out), read("Innodb_buffer_pool_reads", out))
        && requests > 0
    {
        // Reads from disk can exceed requests only through a counter reset between the two
        // reads: clamp to [0, 1].
        let ratio = (1.0 - reads as f64 / requests as f64).clamp(0.0, 1.0);
        b.record_at(Id::BufferPoolHitRatio.index(), NumberValue::Double(ratio), Attributes::new());
    }
    if any_on(b, REDO)
        && let Some((current, checkpoint)) = redo_status_variables(info)
    {
        let (c, k) = (read(current, out), read(checkpoint, out));
        record_redo(b, c, k);
    }
}

/// `INNODB_METRICS` rows (name, count) to points.
pub fn record_innodb_metrics(
    rows: &[crate::conn::TextRow],
    info: &ServerInfo,
    b: &mut MetricBuilder<'_>,
    out: &mut MetricsOutcome,
) {
    for row in rows {
        let (id, column) = match row.first().and_then(|c| c.as_deref()) {
            Some("trx_rseg_history_len") => {
                (Id::InnodbHistoryListLength, "INNODB_METRICS.trx_rseg_history_len")
            }
            // MariaDB has Innodb_deadlocks in the status; its INNODB_METRICS counter may be off.
            Some("lock_deadlocks") if !info.mariadb => (Id::InnodbDeadlocks, "INNODB_METRICS.lock_deadlocks"),
            _ => continue,
        };
        if let Some(v) = num(out, row, 1, column, 1) {
            record(b, id, v, Attributes::new());
        }
    }
}

/// `INNODB_TRX` summary row to points.
pub fn record_trx(rows: &[crate::conn::TextRow], b: &mut MetricBuilder<'_>, out: &mut MetricsOutcome) {
    let Some(row) = rows.first() else { return };
    if let Some(v) = num(out, row, 0, "INNODB_TRX.count", 1) {
        record(b, Id::InnodbTransactionActiveCount, v, Attributes::new());
    }
    if let Some(v) = num(out, row, 1, "INNODB_TRX.max_age", 1) {
        record(b, Id::InnodbTransactionActiveDurationMax, v, Attributes::new());
    }
}

/// The InnoDB statements of the enabled metrics.
pub async fn collect(
    src: &mut dyn Source,
    b: &mut MetricBuilder<'_>,
    out: &mut MetricsOutcome,
) -> Result<(), DbError> {
    let info = src.info().clone();
    let mysql_deadlocks = !info.mariadb && any_on(b, &[Id::InnodbDeadlocks]);
    if (mysql_deadlocks || any_on(b, &[Id::InnodbHistoryListLength]))
        && let Some(rows) = out.rows(src, INNODB_METRICS_SQL).await?
    {
        record_innodb_metrics(&rows, &info, b, out);
    }
    if any_on(b, &[Id::InnodbTransactionActiveCount, Id::InnodbTransactionActiveDurationMax])
        && let Some(rows) = out.rows(src, TRX_SQL).await?
    {
        record_trx(&rows, b, out);
    }
    if any_on(b, REDO)
        && has_log_status(&info)
        && let Some(rows) = out.rows(src, LOG_STATUS_SQL).await?
        && let Some(row) = rows.first()
    {
        let c = num(out, row, 0, "log_status.LSN", 1);
        let k = num(out, row, 1, "log_status.LSN_checkpoint", 1);
        record_redo(b, c, k);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use dbintel_dbclient::MetricTable;

    use super::*;
    use crate::metadata::METRICS;
    use crate::replay::Replay;
    use crate::test_util::{row, values};

    #[test]
    fn hit_ratio_and_redo_from_status_with_bad_values() {
        let table = MetricTable::all_enabled(METRICS);
        let mut b = table.builder(1, 2, 1000);
        let mut out = MetricsOutcome::default();
        let rows: StatusRows = [
            ("Innodb_buffer_pool_read_requests", Some("1000")),
            ("Innodb_buffer_pool_reads", Some("1500")),
            ("Innodb_lsn_current", Some("100")),
            ("Innodb_lsn_last_checkpoint", Some("140")),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
        .collect();
        let maria = ServerInfo::from_version("10.11.6-MariaDB");
        record_from_status(&rows, &maria, &mut b, &mut out);
        // MySQL 5.7 has no LSN variables: the same rows give no redo points.
        record_from_status(&StatusRows::new(), &ServerInfo::from_version("5.7.44"), &mut b, &mut out);
        let m = b.finish();
        assert_eq!(values(&m, "mysql.innodb.redo_log.checkpoint.age"), [(String::new(), 0.0)]);
        assert_eq!(values(&m, "mysql.buffer_pool.hit_ratio"), [(String::new(), 0.0)], "clamped");
        let mut b = table.builder(1, 2, 1000);
        let bad: StatusRows =
            [("Innodb_buffer_pool_read_requests", Some("-5")), ("Innodb_buffer_pool_reads", None)]
                .iter()
                .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
                .collect();
        record_from_status(&bad, &maria, &mut b, &mut out);
        assert!(b.finish().is_empty());
        assert_eq!(out.bad.len(), 2, "{:?}", out.bad);
    }

    #[test]
    fn innodb_metrics_trx_and_unknown_rows() {
        let table = MetricTable::all_enabled(METRICS);
        let mut b = table.builder(1, 2, 1000);
        let mut out = MetricsOutcome::default();
        let mysql = ServerInfo::from_version("8.0.36");
        record_innodb_metrics(
            &[
                row(&[Some("trx_rseg_history_len"), Some("42")]),
                row(&[Some("lock_deadlocks"), Some("abc")]),
                row(&[Some("something_else"), Some("1")]),
                row(&[None]),
            ],
            &mysql,
            &mut b,
            &mut out,
        );
        record_trx(&[row(&[Some("3"), Some("17")])], &mut b, &mut out);
        record_trx(&[], &mut b, &mut out);
        let m = b.finish();
        assert_eq!(values(&m, "mysql.innodb.history_list.length"), [(String::new(), 42.0)]);
        assert!(values(&m, "mysql.innodb.deadlocks").is_empty());
        assert_eq!(values(&m, "mysql.innodb.transaction.active.count"), [(String::new(), 3.0)]);
        assert_eq!(values(&m, "mysql.innodb.transaction.active.duration.max"), [(String::new(), 17.0)]);
        assert_eq!(out.bad[0].variable, "INNODB_METRICS.lock_deadlocks");
    }

    #[tokio::test]
    async fn log_status_only_where_the_version_has_it() {
        let table = MetricTable::all_enabled(METRICS);
        let mut r = Replay::new("8.0.20");
        r.record(INNODB_METRICS_SQL, vec![]);
        r.record(TRX_SQL, vec![row(&[Some("0"), Some("0")])]);
        r.record(LOG_STATUS_SQL, vec![row(&[Some("5000"), Some("4000")])]);
        let mut b = table.builder(1, 2, 1000);
        let mut out = MetricsOutcome::default();
        collect(&mut r, &mut b, &mut out).await.unwrap();
        assert_eq!(values(&b.finish(), "mysql.innodb.redo_log.checkpoint.age"), [(String::new(), 1000.0)]);
        let mut r = Replay::new("8.0.36");
        r.record(INNODB_METRICS_SQL, vec![]);
        r.record(TRX_SQL, vec![]);
        let mut b = table.builder(1, 2, 1000);
        collect(&mut r, &mut b, &mut out).await.unwrap();
        assert!(!r.asked.iter().any(|s| s.contains("log_status")), "{:?}", r.asked);
        assert!(out.failures.is_empty(), "{:?}", out.failures);
    }
}
