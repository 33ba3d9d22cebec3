//! MySQL `EXPLAIN FORMAT=JSON` (format version 1 and the 8.x access-path format version 2) and
//! MariaDB `EXPLAIN FORMAT=JSON` / `ANALYZE FORMAT=JSON`.

use serde_json::{Map, Value};

use super::{
    Acc, AnalyzeStats, IndexUse, MAX_PLAN_DEPTH, PlanError, PlanSummary, ScanInfo, num, obfuscate_value,
};
use crate::Dialect;

/// Keys whose string values carry no user data and are kept as written.
const SAFE_KEYS: &[&str] = &[
    "table_name",
    "access_type",
    "key",
    "possible_keys",
    "used_key_parts",
    "key_length",
    "select_id",
    "select_type",
    "message",
    "using_join_buffer",
    "join_type",
    "used_columns",
    "ref",
    "query_cost",
    "read_cost",
    "eval_cost",
    "prefix_cost",
    "sort_cost",
    "data_read_per_join",
    "filtered",
    "rows_examined_per_scan",
    "rows_produced_per_join",
    "join_algorithm",
    "index_name",
    "schema_name",
    "query_type",
    "json_schema_version",
    "alias",
    "r_filtered",
    "r_rows",
    "r_loops",
    "r_total_time_ms",
    "r_table_time_ms",
    "r_other_time_ms",
    "cost",
    "rows",
    "access_path",
];

/// Keys that introduce a plan node (format version 1 and MariaDB).
const NODE_KEYS: &[&str] = &[
    "query_block",
    "table",
    "ordering_operation",
    "grouping_operation",
    "duplicates_removal",
    "union_result",
    "materialized_from_subquery",
    "filesort",
    "temporary_table",
    "block-nl-join",
    "read_sorted_file",
    "windowing",
    "buffer_result",
    "nested_loop",
];

fn s<'a>(m: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    m.get(k).and_then(Value::as_str)
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Object(_)) => true,
        _ => false,
    }
}

pub(super) fn analyze(v: &mut Value) -> Result<PlanSummary, PlanError> {
    let not_plan = |reason| PlanError::NotAPlan { dialect: Dialect::Mysql, reason };
    let root = v.as_object_mut().ok_or(not_plan("expected an object"))?;
    let mut acc = Acc::new();
    let mut st = State::default();
    if root.contains_key("query_block") {
        if let Some(qb) = root.get("query_block").and_then(Value::as_object) {
            let ci = qb.get("cost_info").and_then(Value::as_object);
            acc.s.total_cost = num(ci.and_then(|c| c.get("query_cost"))).or_else(|| num(qb.get("cost")));
        }
        walk_v1(&mut acc, &mut st, root, 0, 0)?;
        acc.s.estimated_rows = st.last_rows;
    } else if root.contains_key("operation") || root.contains_key("inputs") {
        acc.s.total_cost = num(root.get("estimated_total_cost"));
        acc.s.estimated_rows = num(root.get("estimated_rows"));
        walk_v2(&mut acc, root, 0)?;
    } else {
        return Err(not_plan("no \"query_block\" (format 1) or \"operation\" (format 2)"));
    }
    if acc.has_actuals {
        acc.s.analyze = Some(AnalyzeStats { actual_rows: st.last_actual, ..Default::default() });
    }
    Ok(acc.finish())
}

#[derive(Default)]
struct State {
    last_rows: Option<f64>,
    last_actual: Option<f64>,
}

fn table_node(acc: &mut Acc, st: &mut State, t: &Map<String, Value>) {
    let name = s(t, "table_name").unwrap_or("?").to_string();
    let access = s(t, "access_type").unwrap_or("?");
    acc.hash_str("table");
    acc.hash_str(&name);
    acc.hash_str(access);
    if let Some(k) = s(t, "key") {
        acc.hash_str(k);
    }
    let examined = num(t.get("rows_examined_per_scan")).or_else(|| num(t.get("rows")));
    let produced = num(t.get("rows_produced_per_join"))
        .or_else(|| examined.map(|r| r * num(t.get("filtered")).unwrap_or(100.0) / 100.0));
    st.last_rows = produced.or(st.last_rows);
    let actual = num(t.get("r_rows"));
    if actual.is_some() {
        acc.has_actuals = true;
        st.last_actual = actual;
        acc.estimate(&format!("table/{access}"), Some(&name), examined, actual);
    }
    if access == "ALL" {
        acc.s.seq_scan_tables.push(ScanInfo {
            table: name.clone(),
            estimated_rows: examined,
            actual_rows: actual,
        });
    }
    if let Some(k) = s(t, "key") {
        acc.s.indexes_used.push(IndexUse {
            index: k.to_string(),
            table: Some(name),
            node_type: access.to_string(),
        });
    }
    if let Some(jb) = s(t, "using_join_buffer") {
        let strat = if jb.to_ascii_lowercase().contains("hash") { "hash_join" } else { "block_nested_loop" };
        acc.hash_str(strat);
        *acc.s.join_strategies.entry(strat.to_string()).or_insert(0) += 1;
    }
}

fn walk_v1(
    acc: &mut Acc,
    st: &mut State,
    m: &mut Map<String, Value>,
    depth: usize,
    nodes_depth: usize,
) -> Result<(), PlanError> {
    if depth > MAX_PLAN_DEPTH {
        return Err(PlanError::TooDeep { max: MAX_PLAN_DEPTH });
    }
    let keys: Vec<String> = m.keys().cloned().collect();
    for k in keys {
        let Some(v) = m.get_mut(&k) else { continue };
        let is_node = NODE_KEYS.contains(&k.as_str());
        let nd = if is_node { nodes_depth + 1 } else { nodes_depth };
        match v {
            Value::Object(obj) => {
                if is_node {
                    let label = if k == "table" {
                        format!("table/{}", s(obj, "access_type").unwrap_or("?"))
                    } else {
                        k.clone()
                    };
                    acc.node(&label, nodes_depth)?;
                    acc.hash_str("(");
                    acc.hash_str(&k);
                    match k.as_str() {
                        "table" => table_node(acc, st, obj),
                        "ordering_operation" | "grouping_operation" | "duplicates_removal" => {
                            if truthy(obj.get("using_filesort")) {
                                acc.s.uses_filesort = true;
                                acc.s.sort_count += 1;
                                acc.hash_str("filesort");
                            }
                            if truthy(obj.get("using_temporary_table")) {
                                acc.s.uses_temp_table = true;
                                acc.hash_str("temporary");
                            }
                        }
                        "filesort" => {
                            acc.s.uses_filesort = true;
                            acc.s.sort_count += 1;
                        }
                        "temporary_table" => acc.s.uses_temp_table = true,
                        "union_result" | "materialized_from_subquery"
                            if truthy(obj.get("using_temporary_table")) =>
                        {
                            acc.s.uses_temp_table = true;
                        }
                        "block-nl-join" => {
                            let strat = if s(obj, "join_type").is_some_and(|j| j.contains('H')) {
                                "hash_join"
                            } else {
                                "block_nested_loop"
                            };
                            acc.hash_str(strat);
                            *acc.s.join_strategies.entry(strat.to_string()).or_insert(0) += 1;
                        }
                        _ => {}
                    }
                }
                walk_v1(acc, st, obj, depth + 1, nd)?;
                if is_node {
                    acc.hash_str(")");
                }
            }
            Value::Array(arr) => {
                if k == "nested_loop" {
                    acc.node("nested_loop", nodes_depth)?;
                    acc.hash_str("(nested_loop");
                    let joins = u32::try_from(arr.len().saturating_sub(1)).unwrap_or(u32::MAX);
                    if joins > 0 {
                        *acc.s.join_strategies.entry("nested_loop".to_string()).or_insert(0) += joins;
                    }
                }
                for x in arr.iter_mut() {
                    match x {
                        Value::Object(o) => walk_v1(acc, st, o, depth + 1, nd)?,
                        other => {
                            if !SAFE_KEYS.contains(&k.as_str()) {
                                obfuscate_value(Dialect::Mysql, other, depth)
                            }
                        }
                    }
                }
                if k == "nested_loop" {
                    acc.hash_str(")");
                }
            }
            Value::String(_) if !SAFE_KEYS.contains(&k.as_str()) => obfuscate_value(Dialect::Mysql, v, depth),
            _ => {}
        }
    }
    Ok(())
}

fn walk_v2(acc: &mut Acc, m: &mut Map<String, Value>, depth: usize) -> Result<(), PlanError> {
    if depth > MAX_PLAN_DEPTH {
        return Err(PlanError::TooDeep { max: MAX_PLAN_DEPTH });
    }
    let access = s(m, "access_type").unwrap_or("?").to_string();
    acc.node(&access, depth)?;
    acc.hash_str("(");
    acc.hash_str(&access);
    for k in ["table_name", "schema_name", "index_name", "join_algorithm", "join_type"] {
        if let Some(v) = s(m, k) {
            acc.hash_str(v);
        }
    }
    let table = s(m, "table_name").map(str::to_string);
    let est = num(m.get("estimated_rows"));
    let actual = num(m.get("actual_rows"));
    if actual.is_some() {
        acc.has_actuals = true;
        acc.estimate(&access, table.as_deref(), est, actual);
    }
    match access.as_str() {
        "table" => {
            if let Some(t) = &table {
                acc.s.seq_scan_tables.push(ScanInfo {
                    table: t.clone(),
                    estimated_rows: est,
                    actual_rows: actual,
                });
            }
        }
        "join" => {
            let algo = s(m, "join_algorithm").unwrap_or("nested_loop");
            let strat = if algo == "hash" { "hash_join" } else { algo };
            *acc.s.join_strategies.entry(strat.to_string()).or_insert(0) += 1;
        }
        "sort" => {
            acc.s.sort_count += 1;
            acc.s.uses_filesort = true;
        }
        "materialize" | "temp_table_aggregate" => acc.s.uses_temp_table = true,
        "stream" if truthy(m.get("temp_table")) => acc.s.uses_temp_table = true,
        _ => {}
    }
    if let Some(ix) = s(m, "index_name") {
        acc.s.indexes_used.push(IndexUse {
            index: ix.to_string(),
            table: table.clone(),
            node_type: access.clone(),
        });
    }
    for (k, x) in m.iter_mut() {
        if k == "inputs" || SAFE_KEYS.contains(&k.as_str()) {
            continue;
        }
        if x.is_string() || x.is_array() || x.is_object() {
            obfuscate_value(Dialect::Mysql, x, depth);
        }
    }
    if let Some(Value::Array(inputs)) = m.get_mut("inputs") {
        for c in inputs.iter_mut() {
            match c.as_object_mut() {
                Some(o) => walk_v2(acc, o, depth + 1)?,
                None => obfuscate_value(Dialect::Mysql, c, depth),
            }
        }
    }
    acc.hash_str(")");
    Ok(())
}
