//! `db.server.plan_change` events from `querylens.plan_changes`: each row newer than the high-water
//! mark becomes one event, with the cause from `dbintel_sql::compare_plans` on the old and new plan,
//! the time ratio and the prototype's severity.
//!
//! The high-water mark is the row key `(changed_at, dbid, userid, queryid, old_planid,
//! new_planid)` of the newest row emitted, compared in SQL as a row value, so a row is emitted
//! once even when several share a timestamp. The first read after start (or after the server
//! changed) only takes the mark: changes from before the collector started are not news.

use std::sync::Arc;

use dbintel_core::pdata::{Attributes, LogRecord, SeverityNumber};
use dbintel_sql::plan::{ChangeKind, PlanComparison, Severity};
use dbintel_sql::{Dialect, analyze_plan, compare_plans};

use super::stats::plan_hash;
use crate::query::PREFIX;

pub const EVENT_NAME: &str = "db.server.plan_change";

/// Plan documents longer than this are not read (NULL instead): no comparison, no plan attribute.
pub const MAX_PLAN_BYTES: i32 = 1024 * 1024;

/// A row's position in the order of `querylens.plan_changes` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mark {
    pub changed_at_us: i64,
    pub dbid: i64,
    pub userid: i64,
    pub queryid: i64,
    pub old_planid: i64,
    pub new_planid: i64,
}

impl Mark {
    /// Before every row.
    pub const START: Mark = Mark {
        changed_at_us: i64::MIN,
        dbid: i64::MIN,
        userid: i64::MIN,
        queryid: i64::MIN,
        old_planid: i64::MIN,
        new_planid: i64::MIN,
    };
}

const KEY: &str = "(extract(epoch FROM c.changed_at) * 1e6)::int8, c.dbid::int8, c.userid::int8, \
     c.queryid::int8, c.old_planid::int8, c.new_planid::int8";

/// The newest row's key (the first read's mark).
pub fn newest_sql() -> String {
    format!(
        "{PREFIX}SELECT {KEY} FROM querylens.plan_changes c ORDER BY 1 DESC, 2 DESC, 3 DESC, 4 DESC, 5 DESC, 6 DESC LIMIT 1"
    )
}

/// The rows after the mark `($1..$6)`, oldest first, at most `$7`. A row with a NULL in its key is
/// never after a mark (row comparison with NULL is not true), so it is never read.
pub fn changes_sql() -> String {
    format!(
        "{PREFIX}SELECT {KEY}, c.old_mean_exec_time::float8, c.new_mean_exec_time::float8, \
         CASE WHEN octet_length(c.old_plan) <= {MAX_PLAN_BYTES} THEN c.old_plan END, \
         CASE WHEN octet_length(c.new_plan) <= {MAX_PLAN_BYTES} THEN c.new_plan END, \
         d.datname::text, r.rolname::text \
         FROM querylens.plan_changes c LEFT JOIN pg_database d ON d.oid = c.dbid \
         LEFT JOIN pg_roles r ON r.oid = c.userid \
         WHERE ({KEY}) > ($1, $2, $3, $4, $5, $6) \
         ORDER BY 1, 2, 3, 4, 5, 6 LIMIT $7"
    )
}

/// Reads a key from the first six columns (`None` when any is NULL).
pub fn mark_from_row(r: &tokio_postgres::Row) -> Result<Option<Mark>, tokio_postgres::Error> {
    let v = |i: usize| r.try_get::<_, Option<i64>>(i);
    Ok(match (v(0)?, v(1)?, v(2)?, v(3)?, v(4)?, v(5)?) {
        (
            Some(changed_at_us),
            Some(dbid),
            Some(userid),
            Some(queryid),
            Some(old_planid),
            Some(new_planid),
        ) => Some(Mark { changed_at_us, dbid, userid, queryid, old_planid, new_planid }),
        _ => None,
    })
}

/// One plan change as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    pub mark: Mark,
    pub old_mean_ms: Option<f64>,
    pub new_mean_ms: Option<f64>,
    pub old_plan: Option<String>,
    pub new_plan: Option<String>,
    pub datname: String,
    pub rolname: String,
}

impl ChangeRow {
    /// Reads the columns of [`changes_sql`]; `None` for a row without a complete key.
    pub fn from_row(r: &tokio_postgres::Row) -> Result<Option<Self>, tokio_postgres::Error> {
        let Some(mark) = mark_from_row(r)? else { return Ok(None) };
        Ok(Some(Self {
            mark,
            old_mean_ms: r.try_get(6)?,
            new_mean_ms: r.try_get(7)?,
            old_plan: r.try_get(8)?,
            new_plan: r.try_get(9)?,
            datname: r.try_get::<_, Option<String>>(10)?.unwrap_or_default(),
            rolname: r.try_get::<_, Option<String>>(11)?.unwrap_or_default(),
        }))
    }
}

/// The statement's text as pg_stat_statements has it, analysed once.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryText {
    pub obfuscated: String,
    pub summary: String,
    pub fingerprint: String,
    /// A dbintel statement (`/* dbintel */`): never reported.
    pub own: bool,
}

impl QueryText {
    pub fn new(text: &str) -> Self {
        let own = crate::query::is_own_statement(text);
        match dbintel_sql::analyze_statement(Dialect::Postgresql, text) {
            Ok(a) => Self { obfuscated: a.obfuscated, summary: a.summary, fingerprint: a.fingerprint, own },
            Err(_) => {
                Self { obfuscated: "?".into(), summary: String::new(), fingerprint: String::new(), own }
            }
        }
    }
}

/// The prototype's severity from the time ratio new/old mean (`critical` > 2.0, `high` > 1.5,
/// `medium` > 1.2, else `low`: the thresholds `planattributeextractor` uses); without a ratio, from
/// the plan comparison (a critical change gives `high`, a warning `medium`, else `low`).
pub fn severity(ratio: Option<f64>, cmp: Option<&PlanComparison>) -> &'static str {
    match ratio {
        Some(r) if r > 2.0 => "critical",
        Some(r) if r > 1.5 => "high",
        Some(r) if r > 1.2 => "medium",
        Some(_) => "low",
        None => match cmp.and_then(|c| c.max_severity) {
            Some(Severity::Critical) => "high",
            Some(Severity::Warning) => "medium",
            _ => "low",
        },
    }
}

/// The named causes of a comparison (the `planattributeextractor` vocabulary), most specific
/// first; `plan_shape_change` when the structure changed in no named way.
pub fn causes(cmp: &PlanComparison) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for c in &cmp.changes {
        let name = match &c.kind {
            ChangeKind::NewSeqScan { .. } => "new_seq_scan",
            ChangeKind::JoinStrategyChanged { .. } => "join_strategy_change",
            ChangeKind::SortSpilledToDisk => "disk_sort",
            ChangeKind::LargeEstimateError { .. } => "estimate_error",
            ChangeKind::TempSpaceUsed => "temp_space",
            ChangeKind::IndexNoLongerUsed { .. } => "index_no_longer_used",
            ChangeKind::WorkersNotLaunched { .. } => "workers_not_launched",
            ChangeKind::CostIncreased { .. } => "cost_increase",
            _ => continue,
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    if out.is_empty() && !cmp.same_shape {
        out.push("plan_shape_change");
    }
    out
}

/// Builds the event of one change. `text` is the statement's text when pg_stat_statements has it.
pub fn record(row: &ChangeRow, text: Option<&Arc<QueryText>>, now_nanos: u64) -> LogRecord {
    let m = &row.mark;
    let mut a = Attributes::with_capacity(20);
    a.insert("db.system.name", "postgresql");
    a.insert("db.namespace", row.datname.clone());
    a.insert("postgresql.queryid", m.queryid.to_string());
    a.insert("postgresql.rolname", row.rolname.clone());
    a.insert("db.query.plan.hash", plan_hash(m.new_planid));
    a.insert("db.plan.previous_hash", plan_hash(m.old_planid));
    a.insert("db.plan.changed", true);
    let analyse =
        |doc: &Option<String>| doc.as_deref().and_then(|d| analyze_plan(Dialect::Postgresql, d).ok());
    let (old, new) = (analyse(&row.old_plan), analyse(&row.new_plan));
    let cmp = match (&old, &new) {
        (Some(o), Some(n)) => Some(compare_plans(&o.summary, &n.summary)),
        _ => None,
    };
    let ratio = match (row.old_mean_ms, row.new_mean_ms) {
        (Some(o), Some(n)) if o > 0.0 && o.is_finite() && n.is_finite() && n >= 0.0 => Some(n / o),
        _ => None,
    };
    if let Some(r) = ratio {
        a.insert("db.plan.time_change_ratio", r);
    }
    let sev = severity(ratio, cmp.as_ref());
    a.insert("db.plan.change_severity", sev);
    if let Some(cmp) = &cmp {
        let causes = causes(cmp);
        if !causes.is_empty() {
            a.insert("db.plan.change_cause", causes.join(","));
        }
        let details: Vec<&str> =
            cmp.changes.iter().filter(|c| c.severity > Severity::Info).map(|c| c.message.as_str()).collect();
        if !details.is_empty() {
            a.insert("db.plan.change_details", details.join("; "));
        }
    }
    if let Some(ms) = row.new_mean_ms.filter(|v| v.is_finite() && *v >= 0.0) {
        a.insert("dbintel.exec_time.mean", ms / 1000.0);
    }
    if let Some(ms) = row.old_mean_ms.filter(|v| v.is_finite() && *v >= 0.0) {
        a.insert("dbintel.exec_time.previous_mean", ms / 1000.0);
    }
    // The documents leave as dbintel-sql re-serialises them: every literal in an expression masked,
    // whatever the extension already did.
    if let Some(p) = &new {
        a.insert("postgresql.query_plan", p.obfuscated_plan.to_string());
    }
    if let Some(p) = &old {
        a.insert("dbintel.plan.previous", p.obfuscated_plan.to_string());
    }
    if let Some(t) = text {
        a.insert("db.query.text", t.obfuscated.clone());
        if !t.summary.is_empty() {
            a.insert("db.query.summary", t.summary.clone());
        }
        if !t.fingerprint.is_empty() {
            a.insert("dbintel.query.fingerprint", t.fingerprint.clone());
        }
    }
    let at = u64::try_from(m.changed_at_us).ok().and_then(|us| us.checked_mul(1000)).unwrap_or(now_nanos);
    LogRecord {
        time_unix_nano: at,
        observed_time_unix_nano: now_nanos,
        severity_number: if matches!(sev, "critical" | "high") {
            SeverityNumber::WARN
        } else {
            SeverityNumber::INFO
        },
        severity_text: if matches!(sev, "critical" | "high") { "WARN".into() } else { "INFO".into() },
        event_name: EVENT_NAME.into(),
        attributes: a,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use dbintel_core::pdata::Value;

    use super::*;

    const INDEX_PLAN: &str = r#"[{"Plan": {"Node Type": "Index Scan", "Scan Direction": "Forward",
        "Index Name": "orders_customer_idx", "Relation Name": "orders", "Alias": "orders",
        "Index Cond": "(customer_id = 42)"}}]"#;
    const SEQ_PLAN: &str = r#"[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders",
        "Alias": "orders", "Filter": "(customer_id = 42)"}}]"#;

    fn row(old_plan: Option<&str>, new_plan: Option<&str>, old: Option<f64>, new: Option<f64>) -> ChangeRow {
        ChangeRow {
            mark: Mark {
                changed_at_us: 1_700_000_000_000_000,
                dbid: 5,
                userid: 10,
                queryid: -77,
                old_planid: 1,
                new_planid: -1,
            },
            old_mean_ms: old,
            new_mean_ms: new,
            old_plan: old_plan.map(str::to_string),
            new_plan: new_plan.map(str::to_string),
            datname: "shop".into(),
            rolname: "app".into(),
        }
    }

    fn s<'a>(r: &'a LogRecord, k: &str) -> Option<&'a str> {
        r.attributes.get(k).and_then(Value::as_str)
    }

    #[test]
    fn a_dropped_index_is_a_new_seq_scan_with_the_time_ratio_and_severity() {
        let text = Arc::new(QueryText::new("SELECT * FROM orders WHERE customer_id = 42"));
        let r = record(&row(Some(INDEX_PLAN), Some(SEQ_PLAN), Some(0.5), Some(12.5)), Some(&text), 9);
        assert_eq!(r.event_name, EVENT_NAME);
        assert_eq!(r.time_unix_nano, 1_700_000_000_000_000_000);
        assert_eq!(s(&r, "db.plan.change_cause"), Some("new_seq_scan,index_no_longer_used"));
        assert_eq!(s(&r, "db.plan.change_severity"), Some("critical"));
        assert_eq!(r.attributes.get("db.plan.time_change_ratio"), Some(&Value::Double(25.0)));
        assert_eq!(s(&r, "db.query.plan.hash"), Some("ffffffffffffffff"));
        assert_eq!(s(&r, "db.plan.previous_hash"), Some("0000000000000001"));
        assert_eq!(s(&r, "postgresql.queryid"), Some("-77"));
        assert_eq!(s(&r, "db.namespace"), Some("shop"));
        let q = s(&r, "db.query.text").unwrap_or_default();
        assert!(q.contains("orders") && !q.contains("42"), "{q}");
        for k in ["postgresql.query_plan", "dbintel.plan.previous"] {
            let p = s(&r, k).unwrap_or_default();
            assert!(p.contains("orders") && !p.contains("42"), "{k}: {p}");
        }
        assert_eq!(r.severity_number, SeverityNumber::WARN);
    }

    #[test]
    fn thresholds_and_missing_parts() {
        for (new, sev) in [(2.01, "critical"), (1.6, "high"), (1.3, "medium"), (1.2, "low"), (0.5, "low")] {
            let r = record(&row(Some(INDEX_PLAN), Some(SEQ_PLAN), Some(1.0), Some(new)), None, 0);
            assert_eq!(s(&r, "db.plan.change_severity"), Some(sev), "{new}");
        }
        // No means: severity from the comparison (index lost to a full scan: critical -> high).
        let r = record(&row(Some(INDEX_PLAN), Some(SEQ_PLAN), None, Some(3.0)), None, 5);
        assert_eq!(s(&r, "db.plan.change_severity"), Some("high"));
        assert!(r.attributes.get("db.plan.time_change_ratio").is_none());
        // A zero old mean gives no ratio either.
        let r = record(&row(Some(INDEX_PLAN), Some(SEQ_PLAN), Some(0.0), Some(3.0)), None, 5);
        assert!(r.attributes.get("db.plan.time_change_ratio").is_none());
        // Plans missing or truncated (not JSON): no cause, no plan attributes, still an event.
        let r = record(&row(None, Some("[{\"Plan\": {\"Node Ty"), Some(1.0), Some(1.0)), None, 5);
        assert_eq!(r.event_name, EVENT_NAME);
        assert!(s(&r, "db.plan.change_cause").is_none() && s(&r, "postgresql.query_plan").is_none());
        assert_eq!(s(&r, "db.plan.change_severity"), Some("low"));
        assert!(r.attributes.get("db.query.text").is_none());
        // A negative changed_at takes the read time.
        let mut odd = row(None, None, None, None);
        odd.mark.changed_at_us = -5;
        assert_eq!(record(&odd, None, 77).time_unix_nano, 77);
    }

    #[test]
    fn same_shape_renamed_nothing_and_join_flip() {
        let hash = r#"[{"Plan": {"Node Type": "Hash Join", "Join Type": "Inner", "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "a", "Alias": "a"},
            {"Node Type": "Hash", "Plans": [{"Node Type": "Seq Scan", "Relation Name": "b", "Alias": "b"}]}]}}]"#;
        let nl = r#"[{"Plan": {"Node Type": "Nested Loop", "Join Type": "Inner", "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "a", "Alias": "a"},
            {"Node Type": "Seq Scan", "Relation Name": "b", "Alias": "b"}]}}]"#;
        let r = record(&row(Some(hash), Some(nl), Some(1.0), Some(1.0)), None, 0);
        assert_eq!(s(&r, "db.plan.change_cause"), Some("join_strategy_change"));
    }

    #[test]
    fn own_statements_are_recognised_and_marks_order_rows() {
        assert!(QueryText::new("/* dbintel */ SELECT 1").own);
        assert!(!QueryText::new("SELECT 1").own);
        let a = row(None, None, None, None).mark;
        let b = Mark { new_planid: a.new_planid + 1, ..a };
        let c = Mark { changed_at_us: a.changed_at_us + 1, dbid: 0, ..a };
        assert!(Mark::START < a && a < b && b < c);
        assert!(changes_sql().contains("> ($1, $2, $3, $4, $5, $6)"));
    }
}
