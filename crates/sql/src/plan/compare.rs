//! Plan comparison: what changed between two plans of one query, with a severity.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::PlanSummary;

/// How bad a change is for performance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// The kind of a change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    /// The structural plan hash changed.
    PlanShapeChanged { before: String, after: String },
    /// A table is now read in full.
    NewSeqScan { table: String, estimated_rows: Option<f64> },
    /// A table is no longer read in full.
    SeqScanRemoved { table: String },
    /// The set of join strategies changed (for example Nested Loop -> Hash Join).
    JoinStrategyChanged { before: Vec<String>, after: Vec<String> },
    /// An index is no longer used.
    IndexNoLongerUsed { index: String, table: Option<String> },
    /// A new index is used.
    NewIndexUsed { index: String, table: Option<String> },
    /// A sort now spills to disk.
    SortSpilledToDisk,
    /// Temp files (or temp tables) are now used.
    TempSpaceUsed,
    /// MySQL: a filesort appeared.
    NewFilesort,
    /// The worst row estimate is off by `ratio` (only with ANALYZE data).
    LargeEstimateError { node_type: String, relation: Option<String>, ratio: f64 },
    /// The total estimated cost grew by `ratio`.
    CostIncreased { before: f64, after: f64, ratio: f64 },
    /// Parallel workers planned but not all launched.
    WorkersNotLaunched { planned: u32, launched: u32 },
}

/// One named change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanChange {
    #[serde(flatten)]
    pub kind: ChangeKind,
    pub severity: Severity,
    /// A one-line human description.
    pub message: String,
}

/// Result of [`compare_plans`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanComparison {
    pub same_shape: bool,
    /// Highest severity among the changes (None when nothing changed).
    pub max_severity: Option<Severity>,
    pub changes: Vec<PlanChange>,
}

/// Estimated rows at or above which a new full scan is critical.
pub const CRITICAL_SCAN_ROWS: f64 = 100_000.0;
/// Estimated rows at or above which a new full scan is a warning.
pub const WARNING_SCAN_ROWS: f64 = 1_000.0;
/// Estimate-error ratio at or above which a warning is raised.
pub const WARNING_ESTIMATE_RATIO: f64 = 10.0;
/// Estimate-error ratio at or above which the change is critical.
pub const CRITICAL_ESTIMATE_RATIO: f64 = 1_000.0;

fn push(out: &mut Vec<PlanChange>, kind: ChangeKind, severity: Severity, message: String) {
    out.push(PlanChange { kind, severity, message });
}

/// Compare two summaries of the same query (`before` is the baseline).
pub fn compare_plans(before: &PlanSummary, after: &PlanSummary) -> PlanComparison {
    let mut ch = Vec::new();
    let same_shape = before.plan_hash == after.plan_hash;
    if !same_shape {
        push(
            &mut ch,
            ChangeKind::PlanShapeChanged { before: before.plan_hash.clone(), after: after.plan_hash.clone() },
            Severity::Info,
            format!("plan shape changed ({} -> {})", before.plan_hash, after.plan_hash),
        );
    }
    let scans_before: BTreeSet<&str> = before.seq_scan_tables.iter().map(|s| s.table.as_str()).collect();
    let scans_after: BTreeSet<&str> = after.seq_scan_tables.iter().map(|s| s.table.as_str()).collect();
    for s in &after.seq_scan_tables {
        if scans_before.contains(s.table.as_str()) {
            continue;
        }
        let rows = s.actual_rows.or(s.estimated_rows);
        let sev = match rows {
            Some(r) if r >= CRITICAL_SCAN_ROWS => Severity::Critical,
            Some(r) if r >= WARNING_SCAN_ROWS => Severity::Warning,
            None => Severity::Warning,
            _ => Severity::Info,
        };
        push(
            &mut ch,
            ChangeKind::NewSeqScan { table: s.table.clone(), estimated_rows: s.estimated_rows },
            sev,
            // Plans without costs (pg_querylens' captured text) carry no row counts: say nothing of them.
            match rows {
                Some(r) => format!("new full scan of {} (~{r:.0} rows)", s.table),
                None => format!("new full scan of {}", s.table),
            },
        );
    }
    for t in scans_before.difference(&scans_after) {
        push(
            &mut ch,
            ChangeKind::SeqScanRemoved { table: (*t).to_string() },
            Severity::Info,
            format!("{t} no longer scanned in full"),
        );
    }
    let jb: Vec<String> = before.join_strategies.keys().cloned().collect();
    let ja: Vec<String> = after.join_strategies.keys().cloned().collect();
    if jb != ja && !(jb.is_empty() && ja.is_empty()) {
        let msg = format!("join strategy changed: [{}] -> [{}]", jb.join(", "), ja.join(", "));
        push(&mut ch, ChangeKind::JoinStrategyChanged { before: jb, after: ja }, Severity::Warning, msg);
    }
    let ib: BTreeSet<(&str, Option<&str>)> =
        before.indexes_used.iter().map(|i| (i.index.as_str(), i.table.as_deref())).collect();
    let ia: BTreeSet<(&str, Option<&str>)> =
        after.indexes_used.iter().map(|i| (i.index.as_str(), i.table.as_deref())).collect();
    for (ix, tb) in ib.difference(&ia) {
        // Worse when the table the index served is now scanned in full.
        let now_scanned = tb.is_some_and(|t| scans_after.contains(t) && !scans_before.contains(t));
        let sev = if now_scanned { Severity::Critical } else { Severity::Warning };
        push(
            &mut ch,
            ChangeKind::IndexNoLongerUsed { index: (*ix).to_string(), table: tb.map(str::to_string) },
            sev,
            format!("index {ix} no longer used"),
        );
    }
    for (ix, tb) in ia.difference(&ib) {
        push(
            &mut ch,
            ChangeKind::NewIndexUsed { index: (*ix).to_string(), table: tb.map(str::to_string) },
            Severity::Info,
            format!("index {ix} now used"),
        );
    }
    if after.has_disk_sort && !before.has_disk_sort {
        push(&mut ch, ChangeKind::SortSpilledToDisk, Severity::Warning, "a sort now spills to disk".into());
    }
    let temp_b = before.uses_temp_files || before.uses_temp_table;
    let temp_a = after.uses_temp_files || after.uses_temp_table;
    let new_disk_sort = after.has_disk_sort && !before.has_disk_sort;
    if temp_a && !temp_b && !new_disk_sort {
        push(
            &mut ch,
            ChangeKind::TempSpaceUsed,
            Severity::Warning,
            "temp files or temp tables now used".into(),
        );
    }
    if after.uses_filesort && !before.uses_filesort {
        push(&mut ch, ChangeKind::NewFilesort, Severity::Info, "a filesort appeared".into());
    }
    if let Some(w) = after.analyze.as_ref().and_then(|a| a.worst_estimate_error.as_ref())
        && w.ratio >= WARNING_ESTIMATE_RATIO
    {
        let sev = if w.ratio >= CRITICAL_ESTIMATE_RATIO { Severity::Critical } else { Severity::Warning };
        push(
            &mut ch,
            ChangeKind::LargeEstimateError {
                node_type: w.node_type.clone(),
                relation: w.relation.clone(),
                ratio: w.ratio,
            },
            sev,
            format!(
                "row estimate off by {:.0}x on {}{}",
                w.ratio,
                w.node_type,
                w.relation.as_ref().map_or(String::new(), |r| format!(" of {r}"))
            ),
        );
    }
    if let (Some(b), Some(a)) = (before.total_cost, after.total_cost)
        && b > 0.0
        && a / b >= 2.0
    {
        let ratio = a / b;
        let sev = if ratio >= 10.0 { Severity::Warning } else { Severity::Info };
        push(
            &mut ch,
            ChangeKind::CostIncreased { before: b, after: a, ratio },
            sev,
            format!("estimated cost grew {ratio:.1}x ({b:.2} -> {a:.2})"),
        );
    }
    if let Some(l) = after.workers_launched
        && l < after.workers_planned
    {
        push(
            &mut ch,
            ChangeKind::WorkersNotLaunched { planned: after.workers_planned, launched: l },
            Severity::Info,
            format!("{} parallel workers planned, {l} launched", after.workers_planned),
        );
    }
    let max_severity = ch.iter().map(|c| c.severity).max();
    PlanComparison { same_shape, max_severity, changes: ch }
}
