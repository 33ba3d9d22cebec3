//! EXPLAIN plan analysis: PostgreSQL `EXPLAIN (FORMAT JSON)` and MySQL/MariaDB `EXPLAIN FORMAT=JSON`.
//!
//! [`analyze_plan`] parses one plan document (size and depth bounded), walks it once, and produces a
//! [`PlanSummary`], a structural plan hash and an obfuscated copy of the document in which every
//! expression (Filter, Index Cond, attached_condition, ...) has had its literals replaced by `?`.

mod compare;
mod mysql;
mod pg;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Dialect;

pub use compare::{ChangeKind, PlanChange, PlanComparison, Severity, compare_plans};

/// Largest accepted plan document.
pub const MAX_PLAN_BYTES: usize = 16 * 1024 * 1024;
/// Deepest plan-node nesting walked (serde_json also refuses JSON nested deeper than 128).
pub const MAX_PLAN_DEPTH: usize = 100;
/// At most this many nodes are analysed.
pub const MAX_PLAN_NODES: usize = 100_000;
/// Version of the structural plan hash.
pub const PLAN_HASH_VERSION: u32 = 1;

/// Why a plan could not be analysed. Messages never contain plan content.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("plan document is {len} bytes, more than the limit of {max}")]
    TooLarge { len: usize, max: usize },
    #[error("plan document is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("JSON document is not a {dialect} EXPLAIN plan: {reason}")]
    NotAPlan { dialect: Dialect, reason: &'static str },
    #[error("plan is nested deeper than {max} levels")]
    TooDeep { max: usize },
    #[error("plan has more than {max} nodes")]
    TooManyNodes { max: usize },
}

/// A table read in full (sequential scan / `access_type: ALL`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanInfo {
    pub table: String,
    pub estimated_rows: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_rows: Option<f64>,
}

/// An index used by a node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IndexUse {
    pub index: String,
    pub table: Option<String>,
    pub node_type: String,
}

/// The node whose row estimate was furthest from reality.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EstimateError {
    pub node_type: String,
    pub relation: Option<String>,
    pub estimated_rows: f64,
    /// Actual rows per loop.
    pub actual_rows: f64,
    /// max(est, act) / max(min(est, act), 1): 1.0 is a perfect estimate.
    pub ratio: f64,
}

/// ANALYZE figures (present only when the plan carries actual numbers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnalyzeStats {
    /// Actual rows of the root node (per loop × loops).
    pub actual_rows: Option<f64>,
    pub actual_loops: Option<f64>,
    /// Actual total time of the root node, in milliseconds.
    pub actual_total_time_ms: Option<f64>,
    pub planning_time_ms: Option<f64>,
    pub execution_time_ms: Option<f64>,
    pub worst_estimate_error: Option<EstimateError>,
}

/// What a plan does, in a form cheap to store and to compare.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanSummary {
    /// Structural hash (16 hex digits): node types, join order, relations, indexes, join types and
    /// strategies; not costs, rows, timings or literals.
    pub plan_hash: String,
    pub plan_hash_version: u32,
    pub total_cost: Option<f64>,
    pub estimated_rows: Option<f64>,
    pub node_count: u32,
    pub depth: u32,
    pub node_types: BTreeMap<String, u32>,
    /// Tables scanned in full, with their estimated rows.
    pub seq_scan_tables: Vec<ScanInfo>,
    pub indexes_used: Vec<IndexUse>,
    /// Join strategies and their counts (`Nested Loop`, `Hash Join`, `Merge Join`; MySQL
    /// `nested_loop`, `hash_join`, `block_nested_loop`).
    pub join_strategies: BTreeMap<String, u32>,
    pub sort_count: u32,
    pub sort_methods: Vec<String>,
    /// A sort (or hash/aggregate) spilled to disk (external sort, `Sort Space Type: Disk`, hash
    /// batches > 1, MySQL filesort with temporary table on disk when known).
    pub has_disk_sort: bool,
    pub temp_read_blocks: u64,
    pub temp_written_blocks: u64,
    /// Temp files used (temp blocks > 0, spill to disk).
    pub uses_temp_files: bool,
    /// MySQL `using_temporary_table` / MariaDB `temporary_table`; PostgreSQL never sets it.
    pub uses_temp_table: bool,
    /// MySQL `using_filesort` / MariaDB `filesort`.
    pub uses_filesort: bool,
    pub workers_planned: u32,
    pub workers_launched: Option<u32>,
    pub ctes: Vec<String>,
    pub subplans: u32,
    pub analyze: Option<AnalyzeStats>,
}

/// Summary plus the obfuscated document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanAnalysis {
    pub summary: PlanSummary,
    pub obfuscated_plan: Value,
}

/// Analyse a plan document for `dialect`.
pub fn analyze_plan(dialect: Dialect, doc: &str) -> Result<PlanAnalysis, PlanError> {
    if doc.len() > MAX_PLAN_BYTES {
        return Err(PlanError::TooLarge { len: doc.len(), max: MAX_PLAN_BYTES });
    }
    let v: Value = serde_json::from_str(doc).map_err(|e| PlanError::InvalidJson(json_error(&e)))?;
    analyze_plan_value(dialect, v)
}

/// Analyse an already-parsed plan document.
pub fn analyze_plan_value(dialect: Dialect, mut v: Value) -> Result<PlanAnalysis, PlanError> {
    let summary = match dialect {
        Dialect::Postgresql => pg::analyze(&mut v)?,
        Dialect::Mysql => mysql::analyze(&mut v)?,
    };
    Ok(PlanAnalysis { summary, obfuscated_plan: v })
}

fn json_error(e: &serde_json::Error) -> String {
    // serde_json messages describe the syntax problem and position, never the content.
    let kind = match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "data error",
        serde_json::error::Category::Eof => "unexpected end of input",
    };
    if e.to_string().contains("recursion limit") {
        return format!("nested too deeply at line {} column {}", e.line(), e.column());
    }
    format!("{kind} at line {} column {}", e.line(), e.column())
}

/// Shared bookkeeping used by both dialect walkers.
#[derive(Default)]
pub(crate) struct Acc {
    pub s: PlanSummary,
    pub hash: u64,
    pub worst: Option<EstimateError>,
    pub has_actuals: bool,
}

impl Acc {
    pub fn new() -> Self {
        Acc { hash: 0xcbf2_9ce4_8422_2325, ..Default::default() }
    }

    /// Feed one structural item to the plan hash (with a separator).
    pub fn hash_str(&mut self, s: &str) {
        for b in s.as_bytes().iter().chain(std::iter::once(&0x1f)) {
            self.hash ^= u64::from(*b);
            self.hash = self.hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn node(&mut self, node_type: &str, depth: usize) -> Result<(), PlanError> {
        if depth > MAX_PLAN_DEPTH {
            return Err(PlanError::TooDeep { max: MAX_PLAN_DEPTH });
        }
        self.s.node_count = self.s.node_count.saturating_add(1);
        if self.s.node_count as usize > MAX_PLAN_NODES {
            return Err(PlanError::TooManyNodes { max: MAX_PLAN_NODES });
        }
        self.s.depth = self.s.depth.max(u32::try_from(depth + 1).unwrap_or(u32::MAX));
        *self.s.node_types.entry(node_type.to_string()).or_insert(0) += 1;
        Ok(())
    }

    pub fn estimate(&mut self, node_type: &str, relation: Option<&str>, est: Option<f64>, act: Option<f64>) {
        let (Some(est), Some(act)) = (est, act) else { return };
        if !est.is_finite() || !act.is_finite() {
            return;
        }
        let (lo, hi) = if est < act { (est, act) } else { (act, est) };
        let ratio = hi / lo.max(1.0);
        if self.worst.as_ref().is_none_or(|w| ratio > w.ratio) {
            self.worst = Some(EstimateError {
                node_type: node_type.to_string(),
                relation: relation.map(str::to_string),
                estimated_rows: est,
                actual_rows: act,
                ratio,
            });
        }
    }

    pub fn finish(mut self) -> PlanSummary {
        self.s.plan_hash = format!("{:016x}", self.hash);
        self.s.plan_hash_version = PLAN_HASH_VERSION;
        self.s.indexes_used.sort();
        self.s.indexes_used.dedup();
        self.s.sort_methods.sort();
        self.s.sort_methods.dedup();
        self.s.uses_temp_files |= self.s.temp_read_blocks > 0 || self.s.temp_written_blocks > 0;
        if self.has_actuals {
            let a = self.s.analyze.get_or_insert_with(AnalyzeStats::default);
            a.worst_estimate_error = self.worst;
        }
        self.s
    }
}

/// Read a number that may be a JSON number or a numeric string (MySQL writes costs as strings).
pub(crate) fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Obfuscate every string inside `v` as SQL text, in place. Deeper than [`MAX_PLAN_DEPTH`] levels the
/// value is replaced by `"?"` (never recurse without bound).
pub(crate) fn obfuscate_value(dialect: Dialect, v: &mut Value, depth: usize) {
    if depth > MAX_PLAN_DEPTH {
        *v = Value::String("?".into());
        return;
    }
    match v {
        Value::String(s) => {
            let o = crate::obfuscate::obfuscate(dialect, s).unwrap_or_else(|_| "?".to_string());
            *s = o;
        }
        Value::Array(a) => {
            for x in a {
                obfuscate_value(dialect, x, depth + 1);
            }
        }
        Value::Object(m) => {
            for (_, x) in m.iter_mut() {
                obfuscate_value(dialect, x, depth + 1);
            }
        }
        _ => {}
    }
}
