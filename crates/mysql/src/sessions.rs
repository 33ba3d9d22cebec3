//! Client sessions by command and state (`performance_schema.threads`, foreground threads), the
//! receiver's own connection and statements left out: `mysql.session.count` (dbintel) and
//! `mysql.session.active.count` (sessions not sleeping).

use dbintel_core::pdata::Attributes;
use dbintel_dbclient::{DbError, MetricBuilder};

use crate::collect::{MetricsOutcome, any_on, num, record, text};
use crate::conn::{Source, TextRow};
use crate::metadata::MetricId as Id;

/// Command/state groups read at most (states are a fixed set of server strings; this is a bound).
pub const MAX_SESSION_GROUPS: usize = 200;

/// Sessions grouped by command and state, biggest groups first.
pub fn sessions_sql() -> String {
    format!(
        "SELECT PROCESSLIST_COMMAND, PROCESSLIST_STATE, COUNT(*) FROM performance_schema.threads \
         WHERE TYPE = 'FOREGROUND' AND PROCESSLIST_ID <> CONNECTION_ID() \
         AND COALESCE(PROCESSLIST_INFO, '') NOT LIKE '/* dbintel */%' \
         GROUP BY PROCESSLIST_COMMAND, PROCESSLIST_STATE ORDER BY COUNT(*) DESC LIMIT {MAX_SESSION_GROUPS}"
    )
}

/// Commands of sessions that are not running anything.
const IDLE_COMMANDS: &[&str] = &["Sleep", "Daemon"];

/// Rows (command, state, count) to points.
pub fn record_sessions(rows: &[TextRow], b: &mut MetricBuilder<'_>, out: &mut MetricsOutcome) {
    let mut active: i64 = 0;
    for row in rows {
        let Some(n) = num(out, row, 2, "threads.COUNT", 1) else { continue };
        let command = text(row, 0).unwrap_or("");
        let mut a = Attributes::with_capacity(2);
        a.insert("command", command);
        a.insert("state", text(row, 1).unwrap_or(""));
        record(b, Id::SessionCount, n, a);
        if !command.is_empty() && !IDLE_COMMANDS.contains(&command) {
            active = active.saturating_add(n);
        }
    }
    record(b, Id::SessionActiveCount, active, Attributes::new());
}

pub async fn collect(
    src: &mut dyn Source,
    b: &mut MetricBuilder<'_>,
    out: &mut MetricsOutcome,
) -> Result<(), DbError> {
    if any_on(b, &[Id::SessionCount, Id::SessionActiveCount])
        && let Some(rows) = out.rows(src, &sessions_sql()).await?
    {
        record_sessions(&rows, b, out);
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
    fn groups_and_active_sessions() {
        let table = MetricTable::all_enabled(METRICS);
        let mut b = table.builder(1, 2, 1000);
        let mut out = MetricsOutcome::default();
        record_sessions(
            &[
                row(&[Some("Sleep"), None, Some("5")]),
                row(&[Some("Query"), Some("Sending data"), Some("2")]),
                row(&[Some("Query"), Some("Locked"), Some("-1")]),
                row(&[None, None, Some("1")]),
                row(&[Some("Query")]),
            ],
            &mut b,
            &mut out,
        );
        let m = b.finish();
        assert_eq!(values(&m, "mysql.session.active.count"), [(String::new(), 2.0)]);
        assert_eq!(
            values(&m, "mysql.session.count"),
            [
                ("command=,state=".to_string(), 1.0),
                ("command=Query,state=Sending data".to_string(), 2.0),
                ("command=Sleep,state=".to_string(), 5.0)
            ]
        );
        assert_eq!(out.bad.len(), 1, "the negative count, once: {:?}", out.bad);
    }
}
