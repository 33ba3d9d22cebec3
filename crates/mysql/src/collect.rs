//! One metrics pass over a [`Source`]: every statement the metrics need, in order, with each
//! statement's failure isolated (the rest of the pass goes on). The receiver runs it over the live
//! connection; the golden tests run it over recorded result sets of each version.
//!
//! A statement is sent only when a metric it feeds is on. Per-table, per-index and per-digest
//! statements are capped in SQL (`LIMIT`, biggest first); when a cap is reached the rows left out
//! are counted (one `COUNT(*)` of the same filter) and returned in [`MetricsOutcome::dropped`].

use dbintel_core::pdata::{Attributes, NumberValue};
use dbintel_dbclient::{DbError, MetricBuilder};

use crate::conn::{Source, TextRow};
use crate::metadata::MetricId;
use crate::query::StatementEventsConfig;
use crate::status::{self, BadValue, STATUS_SQL, VARIABLES_SQL};
use crate::{innodb, replication, sessions, statement_events, tables};

/// Default of `max_tables`: rows per per-table / per-index statement.
pub const DEFAULT_MAX_TABLES: u64 = 1000;

/// What the metrics pass needs from the configuration.
#[derive(Debug, Clone)]
pub struct MetricsSettings {
    /// `statement_events`: digest text length, time window, digest rows.
    pub statement_events: StatementEventsConfig,
    /// `max_tables`: rows read per per-table / per-index statement, biggest first.
    pub max_tables: u64,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        Self { statement_events: StatementEventsConfig::default(), max_tables: DEFAULT_MAX_TABLES }
    }
}

/// Server error codes that mean "this server does not let the user read that" rather than a
/// fault: a missing grant (1044, 1142, 1143, 1227, 1370) or table (1146: performance_schema or a
/// table of another version). Such a statement is reported once, not as an error every scrape.
pub const UNAVAILABLE_CODES: &[&str] = &["1044", "1142", "1143", "1146", "1227", "1370"];

/// What one pass found besides the points.
#[derive(Debug, Default)]
pub struct MetricsOutcome {
    /// Values that could not be used (reported once per variable by the receiver).
    pub bad: Vec<BadValue>,
    /// Statements that failed, with the error; the connection stayed usable.
    pub failures: Vec<(String, DbError)>,
    /// Statements refused for a missing grant or table ([`UNAVAILABLE_CODES`]).
    pub unavailable: Vec<(String, DbError)>,
    /// Rows a cap left out, by family (`table_io`, `index_io`, `table_lock`, `table`, `digest`).
    pub dropped: Vec<(&'static str, u64)>,
    /// `Threads_connected` and the `max_connections` variable, when read (the circuit breaker's
    /// stress reading).
    pub sessions: Option<u64>,
    pub max_connections: Option<u64>,
}

impl MetricsOutcome {
    /// Keeps a statement's failure, or returns a lost connection as the pass's error.
    pub(crate) fn failed(&mut self, sql: &str, e: DbError) -> Result<(), DbError> {
        match e {
            DbError::Lost(_) => Err(e),
            e if e.code().is_some_and(|c| UNAVAILABLE_CODES.contains(&c)) => {
                self.unavailable.push((sql.to_string(), e));
                Ok(())
            }
            e => {
                self.failures.push((sql.to_string(), e));
                Ok(())
            }
        }
    }

    /// Rows of `sql`, or `None` when it failed (kept in the outcome).
    pub(crate) async fn rows(
        &mut self,
        src: &mut dyn Source,
        sql: &str,
    ) -> Result<Option<Vec<TextRow>>, DbError> {
        match src.rows(sql).await {
            Ok(r) => Ok(Some(r)),
            Err(e) => self.failed(sql, e).map(|()| None),
        }
    }

    /// Rows of a statement capped at `limit`; at the cap, `count_sql` says how many rows there
    /// were, and the difference is recorded as dropped for `family`.
    pub(crate) async fn capped_rows(
        &mut self,
        src: &mut dyn Source,
        family: &'static str,
        sql: &str,
        count_sql: &str,
        limit: u64,
    ) -> Result<Option<Vec<TextRow>>, DbError> {
        let Some(rows) = self.rows(src, sql).await? else { return Ok(None) };
        if rows.len() as u64 >= limit
            && let Some(count) = self.rows(src, count_sql).await?
        {
            let total = count.first().and_then(|r| uint(r, 0).ok().flatten()).unwrap_or(0);
            let left_out = total.saturating_sub(rows.len() as u64);
            if left_out > 0 {
                self.dropped.push((family, left_out));
            }
        }
        Ok(Some(rows))
    }

    /// Keeps a bad value once per pass.
    pub(crate) fn bad(&mut self, variable: &'static str, problem: String) {
        if !self.bad.iter().any(|b| b.variable == variable) {
            self.bad.push(BadValue { variable, problem });
        }
    }
}

/// A cell as text (`None` for NULL or a row shorter than expected).
pub(crate) fn text(row: &TextRow, i: usize) -> Option<&str> {
    row.get(i).and_then(|c| c.as_deref())
}

/// A non-negative integer cell: `Ok(None)` for NULL, an error for anything else that is not one
/// (a decimal is cut to its integer part: `SUM()` of integers is a DECIMAL).
pub(crate) fn uint(row: &TextRow, i: usize) -> Result<Option<u64>, String> {
    let Some(cell) = row.get(i) else { return Err(format!("the row has no column {}", i + 1)) };
    let Some(raw) = cell.as_deref() else { return Ok(None) };
    let t = raw.trim();
    let whole = match t.split_once('.') {
        Some((w, frac)) if !w.is_empty() && frac.bytes().all(|c| c.is_ascii_digit()) => w,
        _ => t,
    };
    whole.parse::<u64>().map(Some).map_err(|_| {
        let shown: String = t.chars().take(40).collect();
        if shown.starts_with('-') {
            format!("`{shown}` is negative")
        } else {
            format!("`{shown}` is not a non-negative integer in the uint64 range")
        }
    })
}

/// A cell as an int64 point value after dividing by `divisor` (1000: picoseconds to ns);
/// NULL gives `None` silently, a bad or out-of-range value gives `None` and a [`BadValue`].
pub(crate) fn num(
    out: &mut MetricsOutcome,
    row: &TextRow,
    i: usize,
    column: &'static str,
    divisor: u64,
) -> Option<i64> {
    match uint(row, i) {
        Ok(None) => None,
        Ok(Some(v)) => match i64::try_from(v / divisor.max(1)) {
            Ok(v) => Some(v),
            Err(_) => {
                out.bad(column, format!("{v} is past the int64 range"));
                None
            }
        },
        Err(problem) => {
            out.bad(column, problem);
            None
        }
    }
}

/// Records an int point.
pub(crate) fn record(b: &mut MetricBuilder<'_>, id: MetricId, v: i64, attributes: Attributes) {
    b.record_at(id.index(), NumberValue::Int(v), attributes);
}

/// Whether any of `ids` is on.
pub(crate) fn any_on(b: &MetricBuilder<'_>, ids: &[MetricId]) -> bool {
    ids.iter().any(|id| b.table().is_enabled_at(id.index()))
}

/// A non-negative integer status or variable value, if there is one.
fn number(rows: &std::collections::HashMap<String, Option<String>>, name: &str) -> Option<u64> {
    rows.get(name)?.as_deref()?.trim().parse().ok()
}

/// Reads every enabled metric's statement from `src` into `b`. `Err` only when the connection
/// was lost (the receiver reconnects).
pub async fn collect_metrics(
    src: &mut dyn Source,
    b: &mut MetricBuilder<'_>,
    settings: &MetricsSettings,
) -> Result<MetricsOutcome, DbError> {
    let mut out = MetricsOutcome::default();
    match src.name_values(STATUS_SQL).await {
        Ok(rows) => {
            out.sessions = number(&rows, "Threads_connected");
            out.bad.extend(status::record_status(&rows, b));
            innodb::record_from_status(&rows, src.info(), b, &mut out);
        }
        Err(e) => out.failed(STATUS_SQL, e)?,
    }
    if any_on(b, &[MetricId::BufferPoolLimit, MetricId::MaxConnections]) {
        match src.name_values(VARIABLES_SQL).await {
            Ok(rows) => {
                out.max_connections = number(&rows, status::MAX_CONNECTIONS_VARIABLE);
                out.bad.extend(status::record_variables(&rows, b));
            }
            Err(e) => out.failed(VARIABLES_SQL, e)?,
        }
    }
    innodb::collect(src, b, &mut out).await?;
    sessions::collect(src, b, &mut out).await?;
    tables::collect(src, b, settings.max_tables, &mut out).await?;
    statement_events::collect(src, b, &settings.statement_events, &mut out).await?;
    replication::collect(src, b, &mut out).await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[Option<&str>]) -> TextRow {
        cells.iter().map(|c| c.map(str::to_string)).collect()
    }

    #[test]
    fn cells_parse_or_say_why_not() {
        let r =
            row(&[Some(" 12 "), None, Some("-3"), Some("abc"), Some("99999999999999999999"), Some("7.000")]);
        assert_eq!(uint(&r, 0), Ok(Some(12)));
        assert_eq!(uint(&r, 1), Ok(None));
        assert!(uint(&r, 2).unwrap_err().contains("negative"));
        assert!(uint(&r, 3).unwrap_err().contains("`abc`"));
        assert!(uint(&r, 4).is_err());
        assert_eq!(uint(&r, 5), Ok(Some(7)));
        assert!(uint(&r, 9).unwrap_err().contains("no column 10"));
        let mut out = MetricsOutcome::default();
        let big = row(&[Some("18446744073709551615")]);
        assert_eq!(num(&mut out, &big, 0, "x.BIG", 1), None);
        assert_eq!(num(&mut out, &big, 0, "x.BIG", 1000), Some(18_446_744_073_709_551));
        assert_eq!(num(&mut out, &r, 2, "x.NEG", 1), None);
        assert_eq!(num(&mut out, &r, 2, "x.NEG", 1), None);
        let names: Vec<&str> = out.bad.iter().map(|b| b.variable).collect();
        assert_eq!(names, ["x.BIG", "x.NEG"], "one report per column and pass");
    }

    #[test]
    fn grant_and_missing_table_errors_are_unavailable_not_failures() {
        let mut out = MetricsOutcome::default();
        let q = |code: &str| DbError::Query { message: "m".into(), code: Some(code.into()), hint: "h" };
        out.failed("a", q("1142")).unwrap();
        out.failed("b", q("1146")).unwrap();
        out.failed("c", q("1064")).unwrap();
        assert!(out.failed("d", DbError::Lost("gone".into())).is_err());
        assert_eq!(out.unavailable.len(), 2);
        assert_eq!(out.failures.len(), 1);
    }
}
