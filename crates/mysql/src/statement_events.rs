//! `performance_schema.events_statements_summary_by_digest`: the contrib `mysql.statement_event.*`
//! metrics (per schema and digest, the digest text cut to `digest_text_limit`, digests seen within
//! `time_limit`, at most `limit` of them by total time; system schemas and statements without a
//! schema excluded) and `mysql.query.execution.time` (the sum of every digest's time, seconds).

use dbintel_core::pdata::{Attributes, NumberValue};
use dbintel_dbclient::{DbError, MetricBuilder};

use crate::collect::{MetricsOutcome, any_on, num, record, text};
use crate::conn::{ServerInfo, Source, TextRow};
use crate::metadata::MetricId as Id;
use crate::query::StatementEventsConfig;
use crate::tables::EXCLUDED_SCHEMAS;

/// `kind` of `mysql.statement_event.count`, in the column order of [`digest_sql`] (from column 4).
pub const EVENT_KINDS: [(&str, &str); 10] = [
    ("errors", "digest.SUM_ERRORS"),
    ("warnings", "digest.SUM_WARNINGS"),
    ("rows_affected", "digest.SUM_ROWS_AFFECTED"),
    ("rows_sent", "digest.SUM_ROWS_SENT"),
    ("rows_examined", "digest.SUM_ROWS_EXAMINED"),
    ("created_tmp_disk_tables", "digest.SUM_CREATED_TMP_DISK_TABLES"),
    ("created_tmp_tables", "digest.SUM_CREATED_TMP_TABLES"),
    ("sort_merge_passes", "digest.SUM_SORT_MERGE_PASSES"),
    ("sort_rows", "digest.SUM_SORT_ROWS"),
    ("no_index_used", "digest.SUM_NO_INDEX_USED"),
];

/// The total statement time of every digest (picoseconds).
pub const EXECUTION_TIME_SQL: &str =
    "SELECT SUM(SUM_TIMER_WAIT) FROM performance_schema.events_statements_summary_by_digest";

fn digest_filter(c: &StatementEventsConfig, info: &ServerInfo) -> String {
    // The receiver's own statements carry `/* dbintel */`, which digests drop; where the sample
    // text keeps it (MySQL >= 8.0.3) it is filtered on; elsewhere they have no schema (the
    // connection has no default database unless `database` is set) and the schema filter drops them.
    let own = if info.has_query_sample_text() {
        " AND COALESCE(QUERY_SAMPLE_TEXT, '') NOT LIKE '/* dbintel */%'"
    } else {
        ""
    };
    format!(
        "FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME NOT IN {EXCLUDED_SCHEMAS} \
         AND LAST_SEEN > DATE_SUB(NOW(), INTERVAL {} SECOND){own}",
        c.time_limit.get().as_secs().max(1)
    )
}

pub fn digest_sql(c: &StatementEventsConfig, info: &ServerInfo) -> String {
    format!(
        "SELECT SCHEMA_NAME, DIGEST, LEFT(DIGEST_TEXT, {}), SUM_TIMER_WAIT, SUM_ERRORS, SUM_WARNINGS, \
         SUM_ROWS_AFFECTED, SUM_ROWS_SENT, SUM_ROWS_EXAMINED, SUM_CREATED_TMP_DISK_TABLES, \
         SUM_CREATED_TMP_TABLES, SUM_SORT_MERGE_PASSES, SUM_SORT_ROWS, SUM_NO_INDEX_USED {} \
         ORDER BY SUM_TIMER_WAIT DESC LIMIT {}",
        c.digest_text_limit,
        digest_filter(c, info),
        c.limit
    )
}

pub fn digest_count_sql(c: &StatementEventsConfig, info: &ServerInfo) -> String {
    format!("SELECT COUNT(*) {}", digest_filter(c, info))
}

/// Digest rows to points; the text is cut to `text_limit` characters here too (a server that
/// ignored `LEFT` cannot widen the attribute).
pub fn record_digests(
    rows: &[TextRow],
    text_limit: u64,
    b: &mut MetricBuilder<'_>,
    out: &mut MetricsOutcome,
) {
    let limit = usize::try_from(text_limit).unwrap_or(usize::MAX);
    for row in rows {
        let (Some(schema), Some(digest)) = (text(row, 0), text(row, 1)) else {
            out.bad("digest.DIGEST", "a row without its schema or digest".to_string());
            continue;
        };
        let digest_text: String = text(row, 2).unwrap_or("").chars().take(limit).collect();
        let attrs = || {
            let mut a = Attributes::with_capacity(4);
            a.insert("schema", schema);
            a.insert("digest", digest);
            a.insert("digest_text", digest_text.clone());
            a
        };
        if let Some(v) = num(out, row, 3, "digest.SUM_TIMER_WAIT", 1000) {
            record(b, Id::StatementEventWaitTime, v, attrs());
        }
        for (k, (kind, column)) in EVENT_KINDS.iter().enumerate() {
            if let Some(v) = num(out, row, 4 + k, column, 1) {
                let mut a = attrs();
                a.insert("kind", *kind);
                record(b, Id::StatementEventCount, v, a);
            }
        }
    }
}

/// The execution-time row (picoseconds, or NULL with no digests) to seconds.
pub fn record_execution_time(rows: &[TextRow], b: &mut MetricBuilder<'_>, out: &mut MetricsOutcome) {
    let Some(row) = rows.first() else { return };
    // Kept in ns as an int first: the sum of every digest can pass u64 picoseconds only after
    // years of load, and then it is a bad value rather than a wrapped one.
    if let Some(ns) = num(out, row, 0, "digest.SUM(SUM_TIMER_WAIT)", 1000) {
        b.record_at(Id::QueryExecutionTime.index(), NumberValue::Double(ns as f64 / 1e9), Attributes::new());
    }
}

pub async fn collect(
    src: &mut dyn Source,
    b: &mut MetricBuilder<'_>,
    c: &StatementEventsConfig,
    out: &mut MetricsOutcome,
) -> Result<(), DbError> {
    let info = src.info().clone();
    if any_on(b, &[Id::StatementEventCount, Id::StatementEventWaitTime])
        && let Some(rows) = out
            .capped_rows(src, "digest", &digest_sql(c, &info), &digest_count_sql(c, &info), c.limit)
            .await?
    {
        record_digests(&rows, c.digest_text_limit, b, out);
    }
    if any_on(b, &[Id::QueryExecutionTime])
        && let Some(rows) = out.rows(src, EXECUTION_TIME_SQL).await?
    {
        record_execution_time(&rows, b, out);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use dbintel_dbclient::MetricTable;

    use super::*;
    use crate::metadata::METRICS;
    use crate::test_util::{row, values};

    #[test]
    fn digests_with_text_limit_and_bad_cells() {
        let table = MetricTable::all_enabled(METRICS);
        let mut b = table.builder(1, 2, 10_000);
        let mut out = MetricsOutcome::default();
        let mut r =
            vec![Some("shop"), Some("abc123"), Some("SELECT * FROM orders WHERE id = ?"), Some("5000000")];
        r.extend([
            Some("1"),
            Some("-2"),
            Some("3"),
            Some("4"),
            Some("5"),
            Some("6"),
            Some("7"),
            Some("8"),
            Some("9"),
            None,
        ]);
        record_digests(&[row(&r), row(&[None, Some("x")])], 6, &mut b, &mut out);
        record_execution_time(&[row(&[Some("2500000000000")])], &mut b, &mut out);
        record_execution_time(&[row(&[None])], &mut b, &mut out);
        let m = b.finish();
        assert_eq!(
            values(&m, "mysql.statement_event.wait.time"),
            [("digest=abc123,digest_text=SELECT,schema=shop".into(), 5000.0)]
        );
        let counts = values(&m, "mysql.statement_event.count");
        assert_eq!(counts.len(), 8, "negative and NULL give no point: {counts:?}");
        assert!(
            counts.contains(&("digest=abc123,digest_text=SELECT,kind=sort_rows,schema=shop".into(), 9.0))
        );
        assert_eq!(values(&m, "mysql.query.execution.time"), [(String::new(), 2.5)]);
        let names: Vec<&str> = out.bad.iter().map(|b| b.variable).collect();
        assert_eq!(names, ["digest.SUM_WARNINGS", "digest.DIGEST"]);
    }

    #[test]
    fn own_statements_are_filtered_where_the_sample_text_keeps_the_prefix() {
        let c = StatementEventsConfig::default();
        assert!(digest_sql(&c, &ServerInfo::from_version("8.0.36")).contains("NOT LIKE '/* dbintel */%'"));
        let maria = digest_sql(&c, &ServerInfo::from_version("10.11.6-MariaDB"));
        assert!(!maria.contains("QUERY_SAMPLE_TEXT") && maria.contains("INTERVAL 86400 SECOND"), "{maria}");
        assert!(maria.contains("LEFT(DIGEST_TEXT, 120)") && maria.ends_with("LIMIT 250"), "{maria}");
    }
}
