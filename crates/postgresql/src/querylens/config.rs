//! `querylens:` inside the `postgresql` receiver (ours: the contrib receiver has no pg_querylens).

use dbintel_core::ConfigProblem;
use serde::Deserialize;

/// Largest accepted `max_plans` (and so the largest per-plan baseline map).
pub const MAX_PLANS_LIMIT: u64 = 100_000;
/// Largest accepted `max_plan_changes`.
pub const MAX_PLAN_CHANGES_LIMIT: u64 = 10_000;

/// Reading pg_querylens: per-plan metrics and `db.server.plan_change` events.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct QuerylensConfig {
    /// Unset (default): read pg_querylens when it is installed in the primary database and
    /// preloaded, and do nothing otherwise. `true`: the same, and say once (with the fix) when it is
    /// missing. `false`: never read it.
    pub enabled: Option<bool>,
    /// Rows of `querylens.query_stats` read per collection (ordered by calls); also bounds the map
    /// of previous counters used for the per-plan deltas.
    pub max_plans: u64,
    /// Plans given metric points per collection, ranked by execution-time delta.
    pub top_n: u64,
    /// `db.server.plan_change` events per collection at most (the oldest new changes first; the
    /// rest follow at the next collection).
    pub max_plan_changes: u64,
    /// A `file_storage` extension (`file_storage` or `file_storage/<name>`) where the last delivered
    /// plan change is kept, so that the changes made while the collector was down are reported
    /// after a restart (once). Unset: a start reports only the changes made after it.
    pub storage: Option<String>,
}

impl Default for QuerylensConfig {
    fn default() -> Self {
        Self { enabled: None, max_plans: 1000, top_n: 200, max_plan_changes: 100, storage: None }
    }
}

impl QuerylensConfig {
    /// Validation problems, with paths relative to the `querylens` section.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.max_plans == 0 || self.max_plans > MAX_PLANS_LIMIT {
            p.push(ConfigProblem::new("max_plans", format!("must be between 1 and {MAX_PLANS_LIMIT}")));
        }
        if self.top_n == 0 || self.top_n > MAX_PLANS_LIMIT {
            p.push(ConfigProblem::new("top_n", format!("must be between 1 and {MAX_PLANS_LIMIT}")));
        }
        if self.max_plan_changes == 0 || self.max_plan_changes > MAX_PLAN_CHANGES_LIMIT {
            p.push(ConfigProblem::new(
                "max_plan_changes",
                format!("must be between 1 and {MAX_PLAN_CHANGES_LIMIT}"),
            ));
        }
        if let Some(s) = &self.storage
            && let Err(e) = storage_id(s)
        {
            p.push(e);
        }
        p
    }

    /// False only with `enabled: false`.
    pub fn wanted(&self) -> bool {
        self.enabled != Some(false)
    }

    pub(crate) fn max_plans(&self) -> usize {
        usize::try_from(self.max_plans.clamp(1, MAX_PLANS_LIMIT)).unwrap_or(1000)
    }

    pub(crate) fn top_n(&self) -> usize {
        usize::try_from(self.top_n.clamp(1, MAX_PLANS_LIMIT)).unwrap_or(200)
    }

    pub(crate) fn max_plan_changes(&self) -> usize {
        usize::try_from(self.max_plan_changes.clamp(1, MAX_PLAN_CHANGES_LIMIT)).unwrap_or(100)
    }
}

/// A `storage` value: the ID of a `file_storage` extension.
pub fn storage_id(s: &str) -> Result<dbintel_core::ComponentId, ConfigProblem> {
    let problem = |m: String| ConfigProblem::new("storage", m);
    let id: dbintel_core::ComponentId =
        s.parse().map_err(|e| problem(format!("`{s}` is not a component ID: {e}")))?;
    if id.type_name() != "file_storage" {
        return Err(problem(format!(
            "`{s}` is not a file_storage extension (the plan-change mark is kept in a `file_storage` directory)"
        )));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_bounds_and_unknown_keys() {
        let c: QuerylensConfig = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(c, QuerylensConfig::default());
        assert!(c.wanted() && c.problems().is_empty());
        let off: QuerylensConfig = serde_json::from_value(serde_json::json!({"enabled": false})).unwrap();
        assert!(!off.wanted());
        let bad = QuerylensConfig {
            max_plans: 0,
            top_n: 1_000_000,
            max_plan_changes: 0,
            enabled: None,
            storage: Some("memory".into()),
        };
        let paths: Vec<String> = bad.problems().into_iter().map(|p| p.path).collect();
        assert_eq!(paths, ["max_plans", "top_n", "max_plan_changes", "storage"]);
        let ok: QuerylensConfig =
            serde_json::from_value(serde_json::json!({"storage": "file_storage/state"})).unwrap();
        assert!(ok.problems().is_empty());
        assert_eq!(storage_id("file_storage").unwrap().type_name(), "file_storage");
        assert!(serde_json::from_value::<QuerylensConfig>(serde_json::json!({"nope": 1})).is_err());
    }
}
