//! PostgreSQL `EXPLAIN (FORMAT JSON)` and auto_explain JSON.

use serde_json::{Map, Value};

use super::{
    Acc, AnalyzeStats, IndexUse, MAX_PLAN_DEPTH, PlanError, PlanSummary, ScanInfo, num, obfuscate_value,
};
use crate::Dialect;

/// Node fields that carry no user data and are kept as written.
const SAFE_KEYS: &[&str] = &[
    "Node Type",
    "Relation Name",
    "Schema",
    "Alias",
    "Index Name",
    "Join Type",
    "Strategy",
    "Parent Relationship",
    "Subplan Name",
    "CTE Name",
    "Scan Direction",
    "Sort Method",
    "Sort Space Type",
    "Partial Mode",
    "Operation",
    "Command",
    "Function Name",
];

/// Top-level fields kept as written.
const SAFE_TOP: &[&str] = &["Settings", "Triggers", "JIT", "Planning", "Planning Time", "Execution Time"];

/// Structural fields that go into the plan hash.
const HASH_KEYS: &[&str] = &[
    "Relation Name",
    "Schema",
    "Index Name",
    "Join Type",
    "Strategy",
    "Parent Relationship",
    "CTE Name",
    "Scan Direction",
    "Operation",
    "Partial Mode",
    "Command",
    "Function Name",
];

fn s<'a>(m: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    m.get(k).and_then(Value::as_str)
}

pub(super) fn analyze(v: &mut Value) -> Result<PlanSummary, PlanError> {
    let not_plan = |reason| PlanError::NotAPlan { dialect: Dialect::Postgresql, reason };
    let top: &mut Map<String, Value> = match v {
        Value::Array(a) => {
            // Obfuscate any further statements' entries wholesale; analyse the first.
            let (first, rest) = a.split_first_mut().ok_or(not_plan("empty array"))?;
            for r in rest {
                obfuscate_value(Dialect::Postgresql, r, 0);
            }
            first.as_object_mut().ok_or(not_plan("array element is not an object"))?
        }
        Value::Object(m) => m,
        _ => return Err(not_plan("expected an array or an object")),
    };
    let mut acc = Acc::new();
    let planning = num(top.get("Planning Time"));
    let execution = num(top.get("Execution Time"));
    for (k, x) in top.iter_mut() {
        if k != "Plan" && !SAFE_TOP.contains(&k.as_str()) {
            obfuscate_value(Dialect::Postgresql, x, 0);
        }
    }
    let root = top.get_mut("Plan").and_then(Value::as_object_mut).ok_or(not_plan("no \"Plan\" object"))?;
    acc.s.total_cost = num(root.get("Total Cost"));
    acc.s.estimated_rows = num(root.get("Plan Rows"));
    let root_actual = num(root.get("Actual Rows"));
    let root_loops = num(root.get("Actual Loops"));
    let root_time = num(root.get("Actual Total Time"));
    walk(&mut acc, root, 0)?;
    if acc.has_actuals || execution.is_some() {
        acc.has_actuals = true;
        acc.s.analyze = Some(AnalyzeStats {
            actual_rows: root_actual.map(|r| r * root_loops.unwrap_or(1.0)),
            actual_loops: root_loops,
            actual_total_time_ms: root_time,
            planning_time_ms: planning,
            execution_time_ms: execution,
            worst_estimate_error: None,
        });
    }
    Ok(acc.finish())
}

fn walk(acc: &mut Acc, node: &mut Map<String, Value>, depth: usize) -> Result<(), PlanError> {
    if depth > MAX_PLAN_DEPTH {
        return Err(PlanError::TooDeep { max: MAX_PLAN_DEPTH });
    }
    let nt = s(node, "Node Type").unwrap_or("?").to_string();
    acc.node(&nt, depth)?;
    acc.hash_str("(");
    acc.hash_str(&nt);
    for k in HASH_KEYS {
        if let Some(val) = s(node, k) {
            acc.hash_str(k);
            acc.hash_str(val);
        }
    }
    if node.get("Parallel Aware").and_then(Value::as_bool) == Some(true) {
        acc.hash_str("parallel");
    }
    let relation = s(node, "Relation Name").map(|r| match s(node, "Schema") {
        Some(sc) => format!("{sc}.{r}"),
        None => r.to_string(),
    });
    let plan_rows = num(node.get("Plan Rows"));
    let loops = num(node.get("Actual Loops"));
    let actual = num(node.get("Actual Rows"));
    if actual.is_some() {
        acc.has_actuals = true;
    }
    if nt == "Seq Scan"
        && let Some(rel) = &relation
    {
        acc.s.seq_scan_tables.push(ScanInfo {
            table: rel.clone(),
            estimated_rows: plan_rows,
            actual_rows: actual.map(|a| a * loops.unwrap_or(1.0)),
        });
    }
    if let Some(ix) = s(node, "Index Name") {
        acc.s.indexes_used.push(IndexUse {
            index: ix.to_string(),
            table: relation.clone(),
            node_type: nt.clone(),
        });
    }
    if matches!(nt.as_str(), "Nested Loop" | "Hash Join" | "Merge Join") {
        *acc.s.join_strategies.entry(nt.clone()).or_insert(0) += 1;
    }
    if matches!(nt.as_str(), "Sort" | "Incremental Sort") {
        acc.s.sort_count += 1;
    }
    let disk = |m: &Map<String, Value>| {
        s(m, "Sort Space Type") == Some("Disk") || s(m, "Sort Method").is_some_and(|x| x.contains("external"))
    };
    if let Some(m) = s(node, "Sort Method") {
        acc.s.sort_methods.push(m.to_string());
    }
    let worker_disk = node
        .get("Workers")
        .and_then(Value::as_array)
        .is_some_and(|w| w.iter().filter_map(Value::as_object).any(disk));
    if disk(node) || worker_disk {
        acc.s.has_disk_sort = true;
        acc.s.uses_temp_files = true;
    }
    if num(node.get("Hash Batches")).is_some_and(|b| b > 1.0)
        || num(node.get("Disk Usage")).is_some_and(|d| d > 0.0)
    {
        acc.s.uses_temp_files = true;
    }
    let tr = num(node.get("Temp Read Blocks")).unwrap_or(0.0);
    let tw = num(node.get("Temp Written Blocks")).unwrap_or(0.0);
    // Buffer counters are inclusive of children: the maximum is the statement total.
    acc.s.temp_read_blocks = acc.s.temp_read_blocks.max(tr as u64);
    acc.s.temp_written_blocks = acc.s.temp_written_blocks.max(tw as u64);
    if let Some(w) = num(node.get("Workers Planned")) {
        acc.s.workers_planned = acc.s.workers_planned.saturating_add(w as u32);
    }
    if let Some(w) = num(node.get("Workers Launched")) {
        let l = acc.s.workers_launched.get_or_insert(0);
        *l = l.saturating_add(w as u32);
    }
    if let Some(c) = s(node, "CTE Name")
        && !acc.s.ctes.iter().any(|x| x == c)
    {
        acc.s.ctes.push(c.to_string());
    }
    if let Some(sp) = s(node, "Subplan Name")
        && let Some(c) = sp.strip_prefix("CTE ")
        && !acc.s.ctes.iter().any(|x| x == c)
    {
        acc.s.ctes.push(c.to_string());
    }
    if matches!(s(node, "Parent Relationship"), Some("SubPlan" | "InitPlan")) {
        acc.s.subplans += 1;
    }
    if loops.is_none_or(|l| l > 0.0) {
        acc.estimate(&nt, relation.as_deref(), plan_rows, actual);
    }
    // Obfuscate every non-structural field; recurse into children.
    for (k, x) in node.iter_mut() {
        if k == "Plans" {
            continue;
        }
        if !SAFE_KEYS.contains(&k.as_str()) && (x.is_string() || x.is_array() || x.is_object()) {
            obfuscate_value(Dialect::Postgresql, x, depth);
        }
    }
    if let Some(children) = node.get_mut("Plans") {
        match children {
            Value::Array(a) => {
                for c in a.iter_mut() {
                    match c.as_object_mut() {
                        Some(cm) => walk(acc, cm, depth + 1)?,
                        None => obfuscate_value(Dialect::Postgresql, c, depth),
                    }
                }
            }
            other => obfuscate_value(Dialect::Postgresql, other, depth),
        }
    }
    acc.hash_str(")");
    Ok(())
}
