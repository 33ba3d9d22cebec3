//! Configuration of the mysql receiver's query intelligence and statement-event metrics: the
//! contrib `mysql` receiver's `statement_events`, `top_query_collection`,
//! `query_sample_collection` and `events` keys and defaults. Additions are marked as ours.

use std::time::Duration;

use dbintel_core::duration::ranges;
use dbintel_core::{ConfigProblem, GoDuration};
use serde::Deserialize;

pub use dbintel_dbclient::events::{EventSwitch, EventsConfig};

/// Largest accepted row or event count (and therefore the largest delta baseline map).
pub const MAX_ROWS_LIMIT: u64 = 100_000;
/// Largest accepted `query_plan_cache_size`.
pub const MAX_PLAN_CACHE_SIZE: u64 = 100_000;
/// Shortest interval of the query collectors.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);
/// Longest accepted `digest_text_limit` (performance_schema keeps at most 1 MiB of digest text).
pub const MAX_DIGEST_TEXT_LIMIT: u64 = 1 << 20;

/// A number of seconds (contrib's `lookback_time: 120`) or a duration (`2m`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Seconds {
    Seconds(u64),
    Duration(GoDuration),
}

impl Seconds {
    pub fn get(&self) -> Duration {
        match self {
            Seconds::Seconds(s) => Duration::from_secs(*s),
            Seconds::Duration(d) => d.get(),
        }
    }
}

/// `statement_events`: the `mysql.statement_event.*` metrics from
/// `events_statements_summary_by_digest`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct StatementEventsConfig {
    /// Characters of digest text kept as the `digest_text` attribute (contrib default 120).
    pub digest_text_limit: u64,
    /// Only digests seen within this window (contrib default 24h).
    pub time_limit: GoDuration,
    /// Digests reported per scrape, by total time (contrib default 250; a cardinality cap).
    pub limit: u64,
}

impl Default for StatementEventsConfig {
    fn default() -> Self {
        Self { digest_text_limit: 120, time_limit: GoDuration::from_secs(24 * 3600), limit: 250 }
    }
}

impl StatementEventsConfig {
    /// Validation problems, with paths relative to the `statement_events` section.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.digest_text_limit == 0 || self.digest_text_limit > MAX_DIGEST_TEXT_LIMIT {
            p.push(ConfigProblem::new(
                "digest_text_limit",
                format!("must be between 1 and {MAX_DIGEST_TEXT_LIMIT}"),
            ));
        }
        if self.time_limit.get().is_zero() {
            p.push(ConfigProblem::new("time_limit", "must be above 0 (e.g. 24h)"));
        }
        if self.limit == 0 || self.limit > MAX_ROWS_LIMIT {
            p.push(ConfigProblem::new("limit", format!("must be between 1 and {MAX_ROWS_LIMIT}")));
        }
        p
    }
}

/// `top_query_collection`: `db.server.top_query` events from per-interval deltas of
/// `events_statements_summary_by_digest`.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TopQueryCollectionConfig {
    /// Only digests seen within this window: seconds or a duration (contrib default: twice
    /// `collection_interval`).
    pub lookback_time: Option<Seconds>,
    /// Digest rows read per run, most executed first (contrib default 1000). It also bounds the
    /// map of previous counters used for deltas.
    pub max_query_sample_count: u64,
    /// Events emitted per run, ranked by execution-time delta (contrib default 200).
    pub top_query_count: u64,
    /// How often top queries are collected (contrib default 60s).
    pub collection_interval: GoDuration,
    /// Plans (and failures) cached per schema + digest (contrib default 1000).
    pub query_plan_cache_size: u64,
    /// How long a cached plan (or a cached failure) is reused (contrib default 1h).
    pub query_plan_cache_ttl: GoDuration,
    /// Ours: EXPLAIN statements per run at most; 0 turns plans off (default 100).
    pub max_explains_per_interval: u64,
    /// PostgreSQL keys, parsed only to say that they belong to the postgresql receiver.
    #[schemars(skip)]
    max_rows_per_query: Option<serde_json::Value>,
    #[schemars(skip)]
    max_explain_each_interval: Option<serde_json::Value>,
    #[schemars(skip)]
    top_n_query: Option<serde_json::Value>,
}

impl Default for TopQueryCollectionConfig {
    fn default() -> Self {
        Self {
            lookback_time: None,
            max_query_sample_count: 1000,
            top_query_count: 200,
            collection_interval: GoDuration::from_secs(60),
            query_plan_cache_size: 1000,
            query_plan_cache_ttl: GoDuration::from_secs(3600),
            max_explains_per_interval: 100,
            max_rows_per_query: None,
            max_explain_each_interval: None,
            top_n_query: None,
        }
    }
}

impl TopQueryCollectionConfig {
    /// Validation problems, with paths relative to the `top_query_collection` section.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        for (key, present, ours) in [
            ("max_rows_per_query", self.max_rows_per_query.is_some(), "max_query_sample_count"),
            (
                "max_explain_each_interval",
                self.max_explain_each_interval.is_some(),
                "max_explains_per_interval",
            ),
            ("top_n_query", self.top_n_query.is_some(), "top_query_count"),
        ] {
            if present {
                p.push(ConfigProblem::new(
                    key,
                    format!(
                        "`{key}` is a PostgreSQL key (postgresql receiver); the mysql receiver's is `{ours}`"
                    ),
                ));
            }
        }
        p.extend(ranges::COLLECTION_INTERVAL.check("collection_interval", self.collection_interval.get()));
        if let Some(l) = self.lookback_time
            && l.get() < MIN_INTERVAL
        {
            p.push(ConfigProblem::new("lookback_time", "must be at least 1s (seconds or a duration)"));
        }
        for (key, v) in [
            ("max_query_sample_count", self.max_query_sample_count),
            ("top_query_count", self.top_query_count),
        ] {
            if v == 0 || v > MAX_ROWS_LIMIT {
                p.push(ConfigProblem::new(key, format!("must be between 1 and {MAX_ROWS_LIMIT}")));
            }
        }
        if self.max_explains_per_interval > MAX_ROWS_LIMIT {
            p.push(ConfigProblem::new(
                "max_explains_per_interval",
                format!("must be at most {MAX_ROWS_LIMIT} (0 turns plans off)"),
            ));
        }
        if self.query_plan_cache_size > MAX_PLAN_CACHE_SIZE {
            p.push(ConfigProblem::new(
                "query_plan_cache_size",
                format!("must be at most {MAX_PLAN_CACHE_SIZE}"),
            ));
        }
        if self.max_explains_per_interval > 0 && self.query_plan_cache_size == 0 {
            p.push(ConfigProblem::new(
                "query_plan_cache_size",
                "must be at least 1 when max_explains_per_interval is above 0",
            ));
        }
        p.extend(ranges::CACHE_TTL.check("query_plan_cache_ttl", self.query_plan_cache_ttl.get()));
        p
    }

    pub fn interval(&self) -> Duration {
        self.collection_interval.get().max(MIN_INTERVAL)
    }

    /// The lookback window: as configured, or twice the collection interval (contrib).
    pub fn lookback(&self) -> Duration {
        self.lookback_time.map(|l| l.get()).unwrap_or(self.interval() * 2).max(MIN_INTERVAL)
    }

    pub fn max_rows(&self) -> usize {
        usize::try_from(self.max_query_sample_count.clamp(1, MAX_ROWS_LIMIT)).unwrap_or(1000)
    }

    pub fn top_n(&self) -> usize {
        usize::try_from(self.top_query_count.clamp(1, MAX_ROWS_LIMIT)).unwrap_or(200)
    }

    pub fn explain_budget(&self) -> usize {
        usize::try_from(self.max_explains_per_interval.min(MAX_ROWS_LIMIT)).unwrap_or(0)
    }

    pub fn plan_cache_size(&self) -> usize {
        usize::try_from(self.query_plan_cache_size.min(MAX_PLAN_CACHE_SIZE)).unwrap_or(1000)
    }
}

/// `query_sample_collection`: `db.server.query_sample` events from performance_schema threads.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct QuerySampleCollectionConfig {
    /// LIMIT on the sampled threads (contrib default 100).
    pub max_rows_per_query: u64,
    /// Ours. Contrib samples on the receiver's `collection_interval`; unset means the same.
    pub collection_interval: Option<GoDuration>,
}

impl Default for QuerySampleCollectionConfig {
    fn default() -> Self {
        Self { max_rows_per_query: 100, collection_interval: None }
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

    pub fn max_rows(&self) -> usize {
        usize::try_from(self.max_rows_per_query.clamp(1, MAX_ROWS_LIMIT)).unwrap_or(100)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_follow_contrib() {
        let s: StatementEventsConfig = parse(json!({})).unwrap();
        assert_eq!((s.digest_text_limit, s.limit), (120, 250));
        assert_eq!(s.time_limit.get(), Duration::from_secs(86_400));
        let t: TopQueryCollectionConfig = parse(json!({})).unwrap();
        assert_eq!((t.max_query_sample_count, t.top_query_count), (1000, 200));
        assert_eq!(t.interval(), Duration::from_secs(60));
        assert_eq!(t.lookback(), Duration::from_secs(120), "twice the interval, as in contrib");
        assert_eq!(t.query_plan_cache_size, 1000);
        assert_eq!(t.query_plan_cache_ttl.get(), Duration::from_secs(3600));
        assert!(t.problems().is_empty());
        let q: QuerySampleCollectionConfig = parse(json!({})).unwrap();
        assert_eq!(q.max_rows_per_query, 100);
        assert!(s.problems().is_empty() && q.problems().is_empty());
    }

    #[test]
    fn lookback_is_seconds_or_a_duration() {
        let t: TopQueryCollectionConfig = parse(json!({"lookback_time": 300})).unwrap();
        assert_eq!(t.lookback(), Duration::from_secs(300));
        let t: TopQueryCollectionConfig = parse(json!({"lookback_time": "5m"})).unwrap();
        assert_eq!(t.lookback(), Duration::from_secs(300));
        let t: TopQueryCollectionConfig = parse(json!({"lookback_time": 0})).unwrap();
        assert_eq!(t.problems()[0].path, "lookback_time");
    }

    #[test]
    fn postgresql_keys_are_named_as_such() {
        let t: TopQueryCollectionConfig =
            parse(json!({"max_rows_per_query": 10, "max_explain_each_interval": 5})).unwrap();
        let p = t.problems();
        let paths: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["max_rows_per_query", "max_explain_each_interval"]);
        assert!(p[0].message.contains("PostgreSQL key") && p[0].message.contains("max_query_sample_count"));
        assert!(parse::<TopQueryCollectionConfig>(json!({"enabled": true})).is_err());
    }

    #[test]
    fn bounds_name_the_key() {
        let s: StatementEventsConfig = parse(json!({"digest_text_limit": 0, "limit": 0})).unwrap();
        let paths: Vec<String> = s.problems().into_iter().map(|p| p.path).collect();
        assert_eq!(paths, ["digest_text_limit", "limit"]);
        let t: TopQueryCollectionConfig =
            parse(json!({"top_query_count": 0, "query_plan_cache_ttl": "0s"})).unwrap();
        let paths: Vec<String> = t.problems().into_iter().map(|p| p.path).collect();
        assert_eq!(paths, ["top_query_count", "query_plan_cache_ttl"]);
    }
}
