//! Configuration of the query-intelligence collectors, embedded in the receiver config under
//! `top_query_collection`, `query_sample_collection` and `events`. Keys and defaults follow the
//! OpenTelemetry contrib `postgresql` receiver; additions are marked as ours.

use std::path::PathBuf;
use std::time::Duration;

use dbintel_core::duration::ranges;
use dbintel_core::{ConfigProblem, GoDuration};
use serde::Deserialize;

/// Largest accepted `max_rows_per_query` (and therefore the largest delta baseline map).
pub const MAX_ROWS_LIMIT: u64 = 100_000;
/// Largest accepted `query_plan_cache_size`.
pub const MAX_PLAN_CACHE_SIZE: u64 = 100_000;
/// Shortest accepted `collection_interval` for the query collectors.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// `top_query_collection`: `db.server.top_query` events from pg_stat_statements deltas.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TopQueryCollectionConfig {
    /// Contrib's earlier switch of the `db.server.top_query` events (its README still shows it):
    /// `true` turns them on, as `events: {db.server.top_query: {enabled: true}}` does, which wins
    /// when both are set. Default off.
    pub enabled: Option<bool>,
    /// How often top queries are collected (contrib default 60s).
    pub collection_interval: GoDuration,
    /// LIMIT applied to pg_stat_statements, ordered by calls (contrib default 1000). It also bounds
    /// the map of previous counters used for deltas.
    pub max_rows_per_query: u64,
    /// Events emitted per run, ranked by execution-time delta (contrib default 1000).
    pub top_n_query: u64,
    /// EXPLAIN budget per run; 0 turns plans off (contrib default 1000).
    pub max_explain_each_interval: u64,
    /// Plans (and failures) cached per queryid (contrib default 1000).
    pub query_plan_cache_size: u64,
    /// How long a cached plan (or a cached failure) is reused (contrib default 1h).
    pub query_plan_cache_ttl: GoDuration,
    /// Ours: the PostgreSQL server log that auto_explain writes to (`auto_explain.log_format =
    /// json`). When set, actual plans of slow statements are read from it and attached to the top
    /// query with the same text. Unset (default): no log reading.
    pub log_path: Option<PathBuf>,
}

impl Default for TopQueryCollectionConfig {
    fn default() -> Self {
        Self {
            enabled: None,
            collection_interval: GoDuration::from_secs(60),
            max_rows_per_query: 1000,
            top_n_query: 1000,
            max_explain_each_interval: 1000,
            query_plan_cache_size: 1000,
            query_plan_cache_ttl: GoDuration::from_secs(3600),
            log_path: None,
        }
    }
}

impl TopQueryCollectionConfig {
    /// Validation problems, with paths relative to the `top_query_collection` section.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        p.extend(ranges::COLLECTION_INTERVAL.check("collection_interval", self.collection_interval.get()));
        if self.max_rows_per_query == 0 || self.max_rows_per_query > MAX_ROWS_LIMIT {
            p.push(ConfigProblem::new(
                "max_rows_per_query",
                format!("must be between 1 and {MAX_ROWS_LIMIT}"),
            ));
        }
        if self.top_n_query == 0 || self.top_n_query > MAX_ROWS_LIMIT {
            p.push(ConfigProblem::new("top_n_query", format!("must be between 1 and {MAX_ROWS_LIMIT}")));
        }
        if self.max_explain_each_interval > MAX_ROWS_LIMIT {
            p.push(ConfigProblem::new(
                "max_explain_each_interval",
                format!("must be at most {MAX_ROWS_LIMIT} (0 turns plans off)"),
            ));
        }
        if self.query_plan_cache_size > MAX_PLAN_CACHE_SIZE {
            p.push(ConfigProblem::new(
                "query_plan_cache_size",
                format!("must be at most {MAX_PLAN_CACHE_SIZE}"),
            ));
        }
        if self.max_explain_each_interval > 0 && self.query_plan_cache_size == 0 {
            p.push(ConfigProblem::new(
                "query_plan_cache_size",
                "must be at least 1 when max_explain_each_interval is above 0",
            ));
        }
        p.extend(ranges::CACHE_TTL.check("query_plan_cache_ttl", self.query_plan_cache_ttl.get()));
        if let Some(path) = &self.log_path
            && path.as_os_str().is_empty()
        {
            p.push(ConfigProblem::new("log_path", "must not be empty (remove the key to turn it off)"));
        }
        p
    }

    pub(crate) fn max_rows(&self) -> usize {
        usize::try_from(self.max_rows_per_query.clamp(1, MAX_ROWS_LIMIT)).unwrap_or(1000)
    }

    pub(crate) fn top_n(&self) -> usize {
        usize::try_from(self.top_n_query.clamp(1, MAX_ROWS_LIMIT)).unwrap_or(1000)
    }

    pub(crate) fn explain_budget(&self) -> usize {
        usize::try_from(self.max_explain_each_interval.min(MAX_ROWS_LIMIT)).unwrap_or(0)
    }

    pub(crate) fn plan_cache_size(&self) -> usize {
        usize::try_from(self.query_plan_cache_size.min(MAX_PLAN_CACHE_SIZE)).unwrap_or(1000)
    }

    pub(crate) fn interval(&self) -> Duration {
        self.collection_interval.get().max(MIN_INTERVAL)
    }
}

/// `query_sample_collection`: `db.server.query_sample` events from pg_stat_activity.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct QuerySampleCollectionConfig {
    /// Contrib's earlier switch of the `db.server.query_sample` events: `true` turns them on, as
    /// `events: {db.server.query_sample: {enabled: true}}` does, which wins when both are set.
    pub enabled: Option<bool>,
    /// LIMIT applied to pg_stat_activity (contrib default 1000).
    pub max_rows_per_query: u64,
    /// Ours. Contrib samples on the receiver's `collection_interval`; unset here means the same
    /// (the receiver passes its interval with [`super::QueryIntelligence::with_receiver_interval`],
    /// 10s otherwise).
    pub collection_interval: Option<GoDuration>,
}

impl Default for QuerySampleCollectionConfig {
    fn default() -> Self {
        Self { enabled: None, max_rows_per_query: 1000, collection_interval: None }
    }
}

impl QuerySampleCollectionConfig {
    /// Validation problems, with paths relative to the `query_sample_collection` section.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.max_rows_per_query == 0 || self.max_rows_per_query > MAX_ROWS_LIMIT {
            p.push(ConfigProblem::new(
                "max_rows_per_query",
                format!("must be between 1 and {MAX_ROWS_LIMIT}"),
            ));
        }
        if let Some(i) = self.collection_interval {
            p.extend(ranges::COLLECTION_INTERVAL.check("collection_interval", i.get()));
        }
        p
    }

    pub(crate) fn max_rows(&self) -> usize {
        usize::try_from(self.max_rows_per_query.clamp(1, MAX_ROWS_LIMIT)).unwrap_or(1000)
    }
}

pub use dbintel_dbclient::events::{EventSwitch, EventsConfig};

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_follow_contrib() {
        let t: TopQueryCollectionConfig = parse(serde_json::json!({})).unwrap();
        assert_eq!(t.collection_interval.get(), Duration::from_secs(60));
        assert_eq!(t.max_rows_per_query, 1000);
        assert_eq!(t.top_n_query, 1000);
        assert_eq!(t.max_explain_each_interval, 1000);
        assert_eq!(t.query_plan_cache_size, 1000);
        assert_eq!(t.query_plan_cache_ttl.get(), Duration::from_secs(3600));
        assert!(t.problems().is_empty());
        let s: QuerySampleCollectionConfig = parse(serde_json::json!({})).unwrap();
        assert_eq!(s.max_rows_per_query, 1000);
        assert!(s.problems().is_empty());
        let e: EventsConfig = parse(serde_json::json!({})).unwrap();
        assert!(!e.top_query.enabled && !e.query_sample.enabled);
    }

    #[test]
    fn parses_contrib_keys_and_rejects_unknown_ones() {
        let t: TopQueryCollectionConfig = parse(serde_json::json!({
            "collection_interval": "30s", "top_n_query": 50, "max_rows_per_query": 500,
            "max_explain_each_interval": 0, "query_plan_cache_size": 10, "query_plan_cache_ttl": "10m",
        }))
        .unwrap();
        assert_eq!(t.top_n_query, 50);
        assert_eq!(t.query_plan_cache_ttl.get(), Duration::from_secs(600));
        // Since contrib ~v0.148 the switch lives under `events:`; the earlier `enabled` (still in
        // contrib's README example) is accepted so configs written from it load.
        let t = parse::<TopQueryCollectionConfig>(serde_json::json!({"enabled": true})).unwrap();
        assert_eq!(t.enabled, Some(true));
        let err = parse::<TopQueryCollectionConfig>(serde_json::json!({"enable": true})).unwrap_err();
        assert!(err.contains("enable"), "{err}");
        let e: EventsConfig = parse(serde_json::json!({
            "db.server.top_query": {"enabled": true}, "db.server.query_sample": {"enabled": true}
        }))
        .unwrap();
        assert_eq!(e, EventsConfig::ALL);
        assert!(parse::<EventsConfig>(serde_json::json!({"db.server.nope": {"enabled": true}})).is_err());
    }

    #[test]
    fn problems_name_the_key() {
        let t = TopQueryCollectionConfig {
            collection_interval: GoDuration::from_millis(10),
            max_rows_per_query: 0,
            top_n_query: 1_000_000,
            query_plan_cache_ttl: GoDuration(Duration::ZERO),
            ..Default::default()
        };
        let paths: Vec<String> = t.problems().into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            ["collection_interval", "max_rows_per_query", "top_n_query", "query_plan_cache_ttl"]
        );
        let s = QuerySampleCollectionConfig { max_rows_per_query: 0, ..Default::default() };
        assert_eq!(s.problems()[0].path, "max_rows_per_query");
    }
}
