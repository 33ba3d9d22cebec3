//! Per-table and per-index metrics: I/O waits (`performance_schema.table_io_waits_summary_by_table`
//! and `_by_index_usage`), table lock waits (`table_lock_waits_summary_by_table`) and sizes
//! (`information_schema.TABLES`), system schemas excluded. Each statement is capped at `max_tables`
//! rows, biggest first (total wait, or data + index length); the rows left out are counted.
//! Timers are picoseconds: points are nanoseconds (/1000), as in contrib.

use dbintel_core::pdata::Attributes;
use dbintel_dbclient::{DbError, MetricBuilder};

use crate::collect::{MetricsOutcome, any_on, num, record, text};
use crate::conn::{Source, TextRow};
use crate::metadata::MetricId as Id;

/// Schemas no per-table metric reports.
pub const EXCLUDED_SCHEMAS: &str = "('mysql', 'performance_schema', 'information_schema', 'sys')";

/// The operations of the I/O wait metrics, in the column order of the statements.
pub const IO_OPERATIONS: [&str; 4] = ["delete", "fetch", "insert", "update"];
/// `kind` of `mysql.table.lock_wait.read.*`, in column order.
pub const READ_LOCKS: [&str; 5] = ["normal", "with_shared_locks", "high_priority", "no_insert", "external"];
/// `kind` of `mysql.table.lock_wait.write.*`, in column order.
pub const WRITE_LOCKS: [&str; 5] = ["allow_write", "concurrent_insert", "low_priority", "normal", "external"];

const IO_TABLE_FROM: &str =
    "FROM performance_schema.table_io_waits_summary_by_table WHERE OBJECT_SCHEMA NOT IN ";
const IO_INDEX_FROM: &str =
    "FROM performance_schema.table_io_waits_summary_by_index_usage WHERE OBJECT_SCHEMA NOT IN ";
const LOCK_FROM: &str =
    "FROM performance_schema.table_lock_waits_summary_by_table WHERE OBJECT_SCHEMA NOT IN ";
const TABLES_FROM: &str =
    "FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ";
const IO_COLUMNS: &str = "COUNT_DELETE, COUNT_FETCH, COUNT_INSERT, COUNT_UPDATE, \
     SUM_TIMER_DELETE, SUM_TIMER_FETCH, SUM_TIMER_INSERT, SUM_TIMER_UPDATE";

pub fn table_io_sql(limit: u64) -> String {
    format!(
        "SELECT OBJECT_SCHEMA, OBJECT_NAME, {IO_COLUMNS} {IO_TABLE_FROM}{EXCLUDED_SCHEMAS} \
         ORDER BY SUM_TIMER_WAIT DESC LIMIT {limit}"
    )
}
pub fn index_io_sql(limit: u64) -> String {
    // Rows without an index (full scans) have INDEX_NAME NULL: reported as `NONE`, as in contrib.
    format!(
        "SELECT OBJECT_SCHEMA, OBJECT_NAME, COALESCE(INDEX_NAME, 'NONE'), {IO_COLUMNS} \
         {IO_INDEX_FROM}{EXCLUDED_SCHEMAS} ORDER BY SUM_TIMER_WAIT DESC LIMIT {limit}"
    )
}
pub fn lock_waits_sql(limit: u64) -> String {
    format!(
        "SELECT OBJECT_SCHEMA, OBJECT_NAME, \
         COUNT_READ_NORMAL, COUNT_READ_WITH_SHARED_LOCKS, COUNT_READ_HIGH_PRIORITY, COUNT_READ_NO_INSERT, \
         COUNT_READ_EXTERNAL, COUNT_WRITE_ALLOW_WRITE, COUNT_WRITE_CONCURRENT_INSERT, COUNT_WRITE_LOW_PRIORITY, \
         COUNT_WRITE_NORMAL, COUNT_WRITE_EXTERNAL, \
         SUM_TIMER_READ_NORMAL, SUM_TIMER_READ_WITH_SHARED_LOCKS, SUM_TIMER_READ_HIGH_PRIORITY, \
         SUM_TIMER_READ_NO_INSERT, SUM_TIMER_READ_EXTERNAL, SUM_TIMER_WRITE_ALLOW_WRITE, \
         SUM_TIMER_WRITE_CONCURRENT_INSERT, SUM_TIMER_WRITE_LOW_PRIORITY, SUM_TIMER_WRITE_NORMAL, \
         SUM_TIMER_WRITE_EXTERNAL {LOCK_FROM}{EXCLUDED_SCHEMAS} ORDER BY SUM_TIMER_WAIT DESC LIMIT {limit}"
    )
}
pub fn table_stats_sql(limit: u64) -> String {
    format!(
        "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, AVG_ROW_LENGTH, DATA_LENGTH, INDEX_LENGTH \
         {TABLES_FROM}{EXCLUDED_SCHEMAS} ORDER BY COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) DESC \
         LIMIT {limit}"
    )
}
/// `SELECT COUNT(*)` over the same rows as the capped statement whose `FROM ... NOT IN ` is `from`.
pub fn count_sql(from: &str) -> String {
    format!("SELECT COUNT(*) {from}{EXCLUDED_SCHEMAS}")
}

const IO_COUNT_COLS: [&str; 4] =
    ["io_waits.COUNT_DELETE", "io_waits.COUNT_FETCH", "io_waits.COUNT_INSERT", "io_waits.COUNT_UPDATE"];
const IO_TIMER_COLS: [&str; 4] = [
    "io_waits.SUM_TIMER_DELETE",
    "io_waits.SUM_TIMER_FETCH",
    "io_waits.SUM_TIMER_INSERT",
    "io_waits.SUM_TIMER_UPDATE",
];

/// Schema and table of a row, or a bad value.
fn names<'r>(row: &'r TextRow, out: &mut MetricsOutcome, what: &'static str) -> Option<(&'r str, &'r str)> {
    match (text(row, 0), text(row, 1)) {
        (Some(s), Some(t)) => Some((s, t)),
        _ => {
            out.bad(what, "a row without its schema or table name".to_string());
            None
        }
    }
}

fn object(schema: &str, table: &str, index: Option<&str>) -> Attributes {
    let mut a = Attributes::with_capacity(4);
    a.insert("schema", schema);
    a.insert("table", table);
    if let Some(i) = index {
        a.insert("index", i);
    }
    a
}

/// I/O wait rows to points: `first` is the column of COUNT_DELETE; with an index, column 2 is
/// the index name.
fn record_io(rows: &[TextRow], b: &mut MetricBuilder<'_>, out: &mut MetricsOutcome, index: bool) {
    let (count_id, time_id, first) = if index {
        (Id::IndexIoWaitCount, Id::IndexIoWaitTime, 3)
    } else {
        (Id::TableIoWaitCount, Id::TableIoWaitTime, 2)
    };
    for row in rows {
        let Some((schema, table)) = names(row, out, "io_waits.OBJECT_NAME") else { continue };
        let idx = if index {
            let Some(i) = text(row, 2) else {
                out.bad("io_waits.INDEX_NAME", "NULL".to_string());
                continue;
            };
            Some(i)
        } else {
            None
        };
        for (k, op) in IO_OPERATIONS.iter().enumerate() {
            for (id, col, name, divisor) in
                [(count_id, first + k, IO_COUNT_COLS[k], 1), (time_id, first + 4 + k, IO_TIMER_COLS[k], 1000)]
            {
                if let Some(v) = num(out, row, col, name, divisor) {
                    let mut a = object(schema, table, idx);
                    a.insert("operation", *op);
                    record(b, id, v, a);
                }
            }
        }
    }
}

pub fn record_table_io(rows: &[TextRow], b: &mut MetricBuilder<'_>, out: &mut MetricsOutcome) {
    record_io(rows, b, out, false);
}
pub fn record_index_io(rows: &[TextRow], b: &mut MetricBuilder<'_>, out: &mut MetricsOutcome) {
    record_io(rows, b, out, true);
}

/// Lock wait rows: 5 read counts, 5 write counts, 5 read timers, 5 write timers after the names.
pub fn record_lock_waits(rows: &[TextRow], b: &mut MetricBuilder<'_>, out: &mut MetricsOutcome) {
    for row in rows {
        let Some((schema, table)) = names(row, out, "table_lock_waits.OBJECT_NAME") else { continue };
        for (offset, kinds, id, column, divisor) in [
            (2, &READ_LOCKS, Id::TableLockWaitReadCount, "table_lock_waits.COUNT_READ_*", 1),
            (7, &WRITE_LOCKS, Id::TableLockWaitWriteCount, "table_lock_waits.COUNT_WRITE_*", 1),
            (12, &READ_LOCKS, Id::TableLockWaitReadTime, "table_lock_waits.SUM_TIMER_READ_*", 1000),
            (17, &WRITE_LOCKS, Id::TableLockWaitWriteTime, "table_lock_waits.SUM_TIMER_WRITE_*", 1000),
        ] {
            for (k, kind) in kinds.iter().enumerate() {
                if let Some(v) = num(out, row, offset + k, column, divisor) {
                    let mut a = object(schema, table, None);
                    a.insert("kind", *kind);
                    record(b, id, v, a);
                }
            }
        }
    }
}

/// `information_schema.TABLES` rows to points; NULL (an engine without the statistic) gives none.
pub fn record_table_stats(rows: &[TextRow], b: &mut MetricBuilder<'_>, out: &mut MetricsOutcome) {
    for row in rows {
        let Some((schema, table)) = names(row, out, "TABLES.TABLE_NAME") else { continue };
        if let Some(v) = num(out, row, 2, "TABLES.TABLE_ROWS", 1) {
            record(b, Id::TableRows, v, object(schema, table, None));
        }
        if let Some(v) = num(out, row, 3, "TABLES.AVG_ROW_LENGTH", 1) {
            record(b, Id::TableAverageRowLength, v, object(schema, table, None));
        }
        for (col, column, kind) in [(4, "TABLES.DATA_LENGTH", "data"), (5, "TABLES.INDEX_LENGTH", "index")] {
            if let Some(v) = num(out, row, col, column, 1) {
                let mut a = object(schema, table, None);
                a.insert("kind", kind);
                record(b, Id::TableSize, v, a);
            }
        }
    }
}

/// The per-table statements of the enabled metrics, each capped at `limit` rows.
pub async fn collect(
    src: &mut dyn Source,
    b: &mut MetricBuilder<'_>,
    limit: u64,
    out: &mut MetricsOutcome,
) -> Result<(), DbError> {
    if any_on(b, &[Id::TableIoWaitCount, Id::TableIoWaitTime])
        && let Some(rows) =
            out.capped_rows(src, "table_io", &table_io_sql(limit), &count_sql(IO_TABLE_FROM), limit).await?
    {
        record_table_io(&rows, b, out);
    }
    if any_on(b, &[Id::IndexIoWaitCount, Id::IndexIoWaitTime])
        && let Some(rows) =
            out.capped_rows(src, "index_io", &index_io_sql(limit), &count_sql(IO_INDEX_FROM), limit).await?
    {
        record_index_io(&rows, b, out);
    }
    if any_on(
        b,
        &[
            Id::TableLockWaitReadCount,
            Id::TableLockWaitReadTime,
            Id::TableLockWaitWriteCount,
            Id::TableLockWaitWriteTime,
        ],
    ) && let Some(rows) =
        out.capped_rows(src, "table_lock", &lock_waits_sql(limit), &count_sql(LOCK_FROM), limit).await?
    {
        record_lock_waits(&rows, b, out);
    }
    if any_on(b, &[Id::TableRows, Id::TableAverageRowLength, Id::TableSize])
        && let Some(rows) =
            out.capped_rows(src, "table", &table_stats_sql(limit), &count_sql(TABLES_FROM), limit).await?
    {
        record_table_stats(&rows, b, out);
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

    fn builder(table: &MetricTable) -> MetricBuilder<'_> {
        table.builder(1, 2, 10_000)
    }

    #[test]
    fn io_waits_in_ns_with_bad_cells_skipped() {
        let table = MetricTable::all_enabled(METRICS);
        let mut b = builder(&table);
        let mut out = MetricsOutcome::default();
        let good = row(&[
            Some("shop"),
            Some("orders"),
            Some("1"),
            Some("2"),
            Some("3"),
            Some("4"),
            Some("1000"),
            Some("2500"),
            Some("18446744073709551615"),
            Some("999"),
        ]);
        let bad = row(&[Some("shop"), Some("items"), Some("-1"), None, Some("x"), Some("4")]);
        let nameless = row(&[None, Some("t"), Some("1")]);
        record_table_io(&[good, bad, nameless], &mut b, &mut out);
        let m = b.finish();
        let counts = values(&m, "mysql.table.io.wait.count");
        assert!(counts.contains(&("operation=fetch,schema=shop,table=orders".into(), 2.0)), "{counts:?}");
        assert!(counts.contains(&("operation=update,schema=shop,table=items".into(), 4.0)), "{counts:?}");
        assert_eq!(counts.len(), 5, "the negative, NULL and non-numeric counts give no point: {counts:?}");
        let times = values(&m, "mysql.table.io.wait.time");
        assert!(times.contains(&("operation=delete,schema=shop,table=orders".into(), 1.0)));
        assert!(times.contains(&("operation=fetch,schema=shop,table=orders".into(), 2.0)));
        assert!(times.contains(&("operation=update,schema=shop,table=orders".into(), 0.0)));
        assert!(
            times.contains(&("operation=insert,schema=shop,table=orders".into(), 18_446_744_073_709_551.0))
        );
        let names: Vec<&str> = out.bad.iter().map(|b| b.variable).collect();
        assert!(
            names.contains(&"io_waits.COUNT_DELETE") && names.contains(&"io_waits.OBJECT_NAME"),
            "{names:?}"
        );
        assert!(names.contains(&"io_waits.SUM_TIMER_DELETE"), "missing columns: {names:?}");
    }

    #[test]
    fn index_lock_and_size_rows() {
        let table = MetricTable::all_enabled(METRICS);
        let mut b = builder(&table);
        let mut out = MetricsOutcome::default();
        let mut idx = vec![Some("shop"), Some("orders"), Some("PRIMARY")];
        idx.extend([Some("5"); 8]);
        record_index_io(&[row(&idx)], &mut b, &mut out);
        let mut lock = vec![Some("shop"), Some("orders")];
        lock.extend([Some("7"); 10]);
        lock.extend([Some("7000"); 10]);
        record_lock_waits(&[row(&lock)], &mut b, &mut out);
        record_table_stats(
            &[
                row(&[Some("shop"), Some("orders"), Some("10"), Some("100"), Some("16384"), Some("0")]),
                row(&[Some("shop"), Some("view_like"), None, None, None, None]),
            ],
            &mut b,
            &mut out,
        );
        let m = b.finish();
        assert!(
            values(&m, "mysql.index.io.wait.time")
                .contains(&("index=PRIMARY,operation=fetch,schema=shop,table=orders".into(), 0.0))
        );
        assert_eq!(values(&m, "mysql.table.lock_wait.write.time").len(), 5);
        assert!(
            values(&m, "mysql.table.lock_wait.read.count")
                .contains(&("kind=with_shared_locks,schema=shop,table=orders".into(), 7.0))
        );
        assert_eq!(
            values(&m, "mysql.table.size"),
            [
                ("kind=data,schema=shop,table=orders".into(), 16384.0),
                ("kind=index,schema=shop,table=orders".into(), 0.0)
            ]
        );
        assert_eq!(values(&m, "mysql.table.rows"), [("schema=shop,table=orders".into(), 10.0)]);
        assert!(out.bad.is_empty(), "{:?}", out.bad);
    }

    #[tokio::test]
    async fn the_cap_counts_what_it_left_out() {
        let table = MetricTable::all_enabled(METRICS);
        let mut r = Replay::new("10.11.6-MariaDB");
        let mut t = vec![Some("s"), Some("t")];
        t.extend([Some("1"); 8]);
        r.record(&table_io_sql(1), vec![row(&t)]);
        r.record(&count_sql(IO_TABLE_FROM), vec![row(&[Some("25")])]);
        r.record(&index_io_sql(1), vec![]);
        r.record_error(&lock_waits_sql(1), 1142, "SELECT command denied");
        r.record(
            &table_stats_sql(1),
            vec![row(&[Some("s"), Some("t"), Some("1"), Some("1"), Some("1"), Some("1")])],
        );
        r.record_error(&count_sql(TABLES_FROM), 1064, "syntax");
        let mut b = builder(&table);
        let mut out = MetricsOutcome::default();
        collect(&mut r, &mut b, 1, &mut out).await.unwrap();
        assert_eq!(out.dropped, [("table_io", 24)]);
        assert_eq!(out.unavailable.len(), 1);
        assert_eq!(out.failures.len(), 1, "a failed count keeps the rows: {:?}", out.failures);
        assert_eq!(values(&b.finish(), "mysql.table.rows").len(), 1);
    }
}
