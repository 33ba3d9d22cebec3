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

/// Copies of the log records in `out`, in order (what a processor emitted).
pub fn kept(out: &[Arc<SignalData>]) -> Vec<dbintel_core::pdata::LogRecord> {
    out.iter()
        .flat_map(|d| match &**d {
            SignalData::Logs(l) => l
                .resource_logs
                .iter()
                .flat_map(|r| &r.scope_logs)
                .flat_map(|s| s.log_records.clone())
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .collect()
}
