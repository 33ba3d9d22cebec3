//! Helpers shared by the processors' tests.

use std::sync::Arc;

use dbintel_core::pdata::{LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData};

/// One logs batch holding `records` (one resource, one scope).
pub fn logs(records: Vec<LogRecord>) -> Arc<SignalData> {
    Arc::new(SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    }))
}
