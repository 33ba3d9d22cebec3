//! Keeping some records of a logs batch, as the samplers do: decisions are made on the batch first,
//! then applied in place when this processor holds the only reference, or by copying just the kept
//! records when the batch is shared with another pipeline (the other one must see it unchanged).

use std::sync::Arc;

use dbintel_core::pdata::{LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData};

/// Applies `decisions` (one per log record, in batch order; `Some` keeps the record and `write`
/// marks it) and pushes what is left to `out`; nothing when no record is kept. Scopes and resources
/// left empty are removed. A batch that is not logs passes unchanged.
pub(crate) fn keep_records<D>(
    mut data: Arc<SignalData>,
    decisions: &[Option<D>],
    mut write: impl FnMut(&mut LogRecord, &D),
    out: &mut Vec<Arc<SignalData>>,
) {
    if !decisions.iter().any(Option::is_some) {
        return;
    }
    let mut it = decisions.iter();
    match Arc::get_mut(&mut data) {
        Some(SignalData::Logs(logs)) => {
            for rl in &mut logs.resource_logs {
                for sl in &mut rl.scope_logs {
                    sl.log_records.retain_mut(|r| match it.next() {
                        Some(Some(d)) => {
                            write(r, d);
                            true
                        }
                        _ => false,
                    });
                }
                rl.scope_logs.retain(|s| !s.log_records.is_empty());
            }
            logs.resource_logs.retain(|r| !r.scope_logs.is_empty());
            out.push(data);
        }
        Some(_) => out.push(data),
        None => match &*data {
            SignalData::Logs(logs) => {
                out.push(Arc::new(SignalData::Logs(copy_kept(logs, &mut it, &mut write))));
            }
            _ => out.push(data),
        },
    }
}

fn copy_kept<'a, D: 'a>(
    logs: &Logs,
    it: &mut impl Iterator<Item = &'a Option<D>>,
    write: &mut impl FnMut(&mut LogRecord, &D),
) -> Logs {
    let mut resource_logs = Vec::new();
    for rl in &logs.resource_logs {
        let mut scope_logs = Vec::new();
        for sl in &rl.scope_logs {
            let mut log_records = Vec::new();
            for r in &sl.log_records {
                if let Some(Some(d)) = it.next() {
                    let mut r = r.clone();
                    write(&mut r, d);
                    log_records.push(r);
                }
            }
            if !log_records.is_empty() {
                scope_logs.push(ScopeLogs {
                    scope: sl.scope.clone(),
                    log_records,
                    schema_url: sl.schema_url.clone(),
                });
            }
        }
        if !scope_logs.is_empty() {
            resource_logs.push(ResourceLogs {
                resource: rl.resource.clone(),
                scope_logs,
                schema_url: rl.schema_url.clone(),
            });
        }
    }
    Logs { resource_logs }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::logs;

    fn rec(n: i64) -> LogRecord {
        let mut r = LogRecord::default();
        r.attributes.insert("n", n);
        r
    }

    fn ns(d: &SignalData) -> Vec<(i64, bool)> {
        let SignalData::Logs(l) = d else { return Vec::new() };
        l.resource_logs
            .iter()
            .flat_map(|r| &r.scope_logs)
            .flat_map(|s| &s.log_records)
            .map(|r| {
                let n = match r.attributes.get("n") {
                    Some(dbintel_core::pdata::Value::Int(n)) => *n,
                    _ => -1,
                };
                (n, r.attributes.get("kept").is_some())
            })
            .collect()
    }

    #[test]
    fn owned_batches_change_in_place_and_shared_ones_are_copied() {
        let decisions = [Some(()), None, Some(())];
        let mark = |r: &mut LogRecord, _: &()| r.attributes.insert("kept", true);
        // Owned: the same allocation comes back, changed.
        let mut out = Vec::new();
        keep_records(logs(vec![rec(0), rec(1), rec(2)]), &decisions, mark, &mut out);
        assert_eq!(ns(&out[0]), [(0, true), (2, true)]);
        // Shared: the other holder still sees all three, unmarked.
        let shared = logs(vec![rec(0), rec(1), rec(2)]);
        let mut out = Vec::new();
        keep_records(shared.clone(), &decisions, mark, &mut out);
        assert_eq!(ns(&out[0]), [(0, true), (2, true)]);
        assert_eq!(ns(&shared), [(0, false), (1, false), (2, false)]);
        // Nothing kept: nothing sent.
        let mut out = Vec::new();
        keep_records(logs(vec![rec(0)]), &[None::<()>], mark, &mut out);
        assert!(out.is_empty());
    }
}
