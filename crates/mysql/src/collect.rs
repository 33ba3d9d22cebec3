//! One metrics pass over a [`Source`]: every statement the metrics need, in order, with each
//! statement's failure isolated (the rest of the pass goes on). The receiver runs it over the live
//! connection; the golden tests run it over recorded result sets of each version.

use dbintel_dbclient::{DbError, MetricBuilder};

use crate::conn::Source;
use crate::metadata::MetricId;
use crate::status::{self, BadValue, LIMIT_SQL, STATUS_SQL};

/// What one pass found besides the points.
#[derive(Debug, Default)]
pub struct MetricsOutcome {
    /// Values that could not be used (reported once per variable by the receiver).
    pub bad: Vec<BadValue>,
    /// Statements that failed, with the error; the connection stayed usable.
    pub failures: Vec<(String, DbError)>,
}

impl MetricsOutcome {
    /// Keeps a statement's failure, or returns a lost connection as the pass's error.
    fn failed(&mut self, sql: &str, e: DbError) -> Result<(), DbError> {
        match e {
            DbError::Lost(_) => Err(e),
            e => {
                self.failures.push((sql.to_string(), e));
                Ok(())
            }
        }
    }
}

/// Reads every enabled metric's statement from `src` into `b`. `Err` only when the connection
/// was lost (the receiver reconnects).
pub async fn collect_metrics(
    src: &mut dyn Source,
    b: &mut MetricBuilder<'_>,
) -> Result<MetricsOutcome, DbError> {
    let mut out = MetricsOutcome::default();
    match src.name_values(STATUS_SQL).await {
        Ok(rows) => out.bad.extend(status::record_status(&rows, b)),
        Err(e) => out.failed(STATUS_SQL, e)?,
    }
    if b.table().is_enabled_at(MetricId::BufferPoolLimit.index()) {
        match src.name_values(LIMIT_SQL).await {
            Ok(rows) => out.bad.extend(status::record_limit(&rows, b)),
            Err(e) => out.failed(LIMIT_SQL, e)?,
        }
    }
    Ok(out)
}
