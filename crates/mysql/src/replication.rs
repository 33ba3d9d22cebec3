//! `SHOW REPLICA STATUS` (MySQL >= 8.0.22) or `SHOW SLAVE STATUS`: the contrib
//! `mysql.replica.time_behind_source` and `.sql_delay`, and dbintel's thread health
//! (`mysql.replica.thread.running`, `mysql.replica.last_error`, per `thread` io|sql and, with
//! multi-source replication, `channel`). Columns are found by name in either vocabulary
//! (source/replica or master/slave); a server that is not a replica returns no row and no point.

use dbintel_core::pdata::Attributes;
use dbintel_dbclient::{DbError, MetricBuilder};

use crate::collect::{MetricsOutcome, any_on, num, record, text};
use crate::conn::{Source, TextRow};
use crate::metadata::MetricId as Id;

const BEHIND: &[&str] = &["Seconds_Behind_Source", "Seconds_Behind_Master"];
const SQL_DELAY: &[&str] = &["SQL_Delay"];
const IO_RUNNING: &[&str] = &["Replica_IO_Running", "Slave_IO_Running"];
const SQL_RUNNING: &[&str] = &["Replica_SQL_Running", "Slave_SQL_Running"];
const IO_ERRNO: &[&str] = &["Last_IO_Errno"];
const SQL_ERRNO: &[&str] = &["Last_SQL_Errno"];
/// MySQL's channel, MariaDB's connection name (multi-source).
const CHANNEL: &[&str] = &["Channel_Name", "Connection_name"];

/// The column of the first of `names` the result has (names compared without case).
fn column(columns: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| columns.iter().position(|c| c.eq_ignore_ascii_case(n)))
}

/// Rows of the replica status to points. With several channels the contrib metrics (which have
/// no attributes) take the largest value.
pub fn record_replica(
    columns: &[String],
    rows: &[TextRow],
    b: &mut MetricBuilder<'_>,
    out: &mut MetricsOutcome,
) {
    let col = |names: &[&str]| column(columns, names);
    let mut behind: Option<i64> = None;
    let mut delay: Option<i64> = None;
    for row in rows {
        // NULL Seconds_Behind_Source: the SQL thread is not running; no point rather than 0.
        if let Some(i) = col(BEHIND)
            && let Some(v) = num(out, row, i, "replica_status.Seconds_Behind_Source", 1)
        {
            behind = Some(behind.map_or(v, |b| b.max(v)));
        }
        if let Some(i) = col(SQL_DELAY)
            && let Some(v) = num(out, row, i, "replica_status.SQL_Delay", 1)
        {
            delay = Some(delay.map_or(v, |d| d.max(v)));
        }
        let channel = col(CHANNEL).and_then(|i| text(row, i)).filter(|c| !c.is_empty());
        let attrs = |thread: &'static str| {
            let mut a = Attributes::with_capacity(2);
            a.insert("thread", thread);
            if let Some(c) = channel {
                a.insert("channel", c);
            }
            a
        };
        for (thread, running, errno, errno_name) in [
            ("io", IO_RUNNING, IO_ERRNO, "replica_status.Last_IO_Errno"),
            ("sql", SQL_RUNNING, SQL_ERRNO, "replica_status.Last_SQL_Errno"),
        ] {
            // `Yes`, `No`, or `Connecting` (the IO thread retrying): only `Yes` is running.
            if let Some(state) = col(running).and_then(|i| text(row, i)) {
                record(
                    b,
                    Id::ReplicaThreadRunning,
                    i64::from(state.trim().eq_ignore_ascii_case("yes")),
                    attrs(thread),
                );
            }
            if let Some(i) = col(errno)
                && let Some(v) = num(out, row, i, errno_name, 1)
            {
                record(b, Id::ReplicaLastError, v, attrs(thread));
            }
        }
    }
    if let Some(v) = behind {
        record(b, Id::ReplicaTimeBehindSource, v, Attributes::new());
    }
    if let Some(v) = delay {
        record(b, Id::ReplicaSqlDelay, v, Attributes::new());
    }
}

/// The largest `Seconds_Behind_Source`/`Master` over the channels of a replica status result, for
/// the circuit breaker's replication-lag reading. `None` when the server is not a replica (no row)
/// or no channel's SQL thread runs (NULL).
pub fn max_behind(columns: &[String], rows: &[TextRow]) -> Option<u64> {
    let i = column(columns, BEHIND)?;
    rows.iter().filter_map(|r| text(r, i)?.trim().parse::<u64>().ok()).max()
}

pub async fn collect(
    src: &mut dyn Source,
    b: &mut MetricBuilder<'_>,
    out: &mut MetricsOutcome,
) -> Result<(), DbError> {
    if !any_on(
        b,
        &[Id::ReplicaTimeBehindSource, Id::ReplicaSqlDelay, Id::ReplicaThreadRunning, Id::ReplicaLastError],
    ) {
        return Ok(());
    }
    let sql = src.info().replica_status_sql();
    match src.named_rows(sql).await {
        Ok((columns, rows)) => record_replica(&columns, &rows, b, out),
        Err(e) => {
            out.failed(sql, e)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use dbintel_dbclient::MetricTable;

    use super::*;
    use crate::metadata::METRICS;
    use crate::test_util::{row, values};

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_breakers_lag_reading_is_the_worst_channel_and_absent_when_not_a_replica() {
        let cols = names(&["Connection_name", "Seconds_Behind_Master"]);
        let rows = vec![row(&[Some("a"), Some("3")]), row(&[Some("b"), None]), row(&[Some("c"), Some("70")])];
        assert_eq!(max_behind(&cols, &rows), Some(70));
        assert_eq!(max_behind(&cols, &[]), None, "not a replica");
        assert_eq!(max_behind(&cols, &[row(&[Some("a"), None])]), None, "SQL thread stopped");
        assert_eq!(max_behind(&names(&["Seconds_Behind_Source"]), &[row(&[Some("5")])]), Some(5));
        assert_eq!(max_behind(&names(&["Other"]), &[row(&[Some("5")])]), None);
    }

    #[test]
    fn both_vocabularies_and_several_channels() {
        let table = MetricTable::all_enabled(METRICS);
        let mut b = table.builder(1, 2, 1000);
        let mut out = MetricsOutcome::default();
        let cols = names(&[
            "Replica_IO_Running",
            "Replica_SQL_Running",
            "Seconds_Behind_Source",
            "SQL_Delay",
            "Last_IO_Errno",
            "Last_SQL_Errno",
            "Channel_Name",
        ]);
        record_replica(
            &cols,
            &[
                row(&[Some("Yes"), Some("Yes"), Some("3"), Some("0"), Some("0"), Some("0"), Some("a")]),
                row(&[
                    Some("Connecting"),
                    Some("No"),
                    None,
                    Some("60"),
                    Some("2003"),
                    Some("1062"),
                    Some("b"),
                ]),
            ],
            &mut b,
            &mut out,
        );
        let m = b.finish();
        assert_eq!(values(&m, "mysql.replica.time_behind_source"), [(String::new(), 3.0)]);
        assert_eq!(values(&m, "mysql.replica.sql_delay"), [(String::new(), 60.0)]);
        assert_eq!(
            values(&m, "mysql.replica.thread.running"),
            [
                ("channel=a,thread=io".into(), 1.0),
                ("channel=a,thread=sql".into(), 1.0),
                ("channel=b,thread=io".into(), 0.0),
                ("channel=b,thread=sql".into(), 0.0),
            ]
        );
        assert!(values(&m, "mysql.replica.last_error").contains(&("channel=b,thread=sql".into(), 1062.0)));

        let mut b = table.builder(1, 2, 1000);
        let old =
            names(&["Slave_IO_Running", "Slave_SQL_Running", "Seconds_Behind_Master", "Unknown_Column"]);
        record_replica(&old, &[row(&[Some("Yes"), Some("Yes"), Some("-4"), Some("z")])], &mut b, &mut out);
        let m = b.finish();
        assert!(values(&m, "mysql.replica.time_behind_source").is_empty(), "negative lag is a bad value");
        assert_eq!(values(&m, "mysql.replica.thread.running").len(), 2);
        assert_eq!(out.bad[0].variable, "replica_status.Seconds_Behind_Source");
        let mut b = table.builder(1, 2, 1000);
        record_replica(&[], &[], &mut b, &mut out);
        assert!(b.finish().is_empty(), "not a replica: no point");
    }
}
