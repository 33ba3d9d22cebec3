//! Per-metric attribute selection (`metrics: <name>: attributes: [...]`, `aggregation_strategy`), as
//! the contrib receiver's generated metrics builder has it (mdatagen's reaggregation): the attributes
//! not listed are removed from the metric's points, and points left with the same attributes are
//! merged with the strategy (`sum` for sums, `avg` for gauges by default; `min`, `max`).
//!
//! In the `legacy` resource model the entity attributes (database, table, index) become resource
//! attributes, so they are always kept there: only the metric's own attributes are selected, as in
//! contrib. In the `semconv` model they are point attributes and may be dropped too (e.g.
//! `postgresql.blocks_read` summed per database by keeping `[source, db.namespace]`).

use std::collections::BTreeMap;

use dbintel_core::pdata::{Metric, MetricData, NumberDataPoint, NumberValue};

/// The attributes that identify a database, table or index (resource attributes in `legacy`).
pub const ENTITY_KEYS: &[&str] = &["db.namespace", "db.collection.name", "postgresql.index.name"];

/// Every point attribute the receiver's metrics carry (what `attributes:` may list).
pub const KNOWN_KEYS: &[&str] = &[
    "db.namespace",
    "db.collection.name",
    "postgresql.index.name",
    "source",
    "type",
    "operation",
    "replication_client",
    "state",
    "mode",
    "granted",
    "lock_type",
    "relation",
    "function",
    "phase",
    "wait_event_type",
    "postgresql.conflict.type",
    "postgresql.replication_slot.name",
    "postgresql.replication_slot.type",
];

/// How points left with the same attributes are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Sum,
    Avg,
    Min,
    Max,
}

impl Strategy {
    pub fn parse(s: &str) -> Option<Strategy> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sum" => Some(Strategy::Sum),
            "avg" => Some(Strategy::Avg),
            "min" => Some(Strategy::Min),
            "max" => Some(Strategy::Max),
            _ => None,
        }
    }
}

/// The selection of one metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaggregation {
    pub metric: String,
    /// The attribute keys kept.
    pub keep: Vec<String>,
    /// `None`: the metric kind's default (`sum` for sums, `avg` for gauges).
    pub strategy: Option<Strategy>,
}

/// Applies every selection to the scrape's metrics.
pub fn apply(rules: &[Reaggregation], metrics: Vec<Metric>, legacy: bool) -> Vec<Metric> {
    if rules.is_empty() {
        return metrics;
    }
    metrics
        .into_iter()
        .map(|mut m| {
            if let Some(rule) = rules.iter().find(|r| r.metric == m.name) {
                let keep = |k: &str| rule.keep.iter().any(|x| x == k) || (legacy && ENTITY_KEYS.contains(&k));
                match &mut m.data {
                    MetricData::Gauge(points) => {
                        *points = merge(std::mem::take(points), &keep, rule.strategy.unwrap_or(Strategy::Avg))
                    }
                    MetricData::Sum { points, .. } => {
                        *points = merge(std::mem::take(points), &keep, rule.strategy.unwrap_or(Strategy::Sum))
                    }
                    _ => {}
                }
            }
            m
        })
        .collect()
}

/// One merged point: the running value, how many points went into it, the earliest start and the
/// latest time.
struct Acc {
    point: NumberDataPoint,
    sum: f64,
    isum: i128,
    count: u64,
}

fn merge(
    points: Vec<NumberDataPoint>,
    keep: &dyn Fn(&str) -> bool,
    strategy: Strategy,
) -> Vec<NumberDataPoint> {
    // Groups in first-seen order; the key is the kept attributes, sorted.
    let mut index: BTreeMap<Vec<(String, String)>, usize> = BTreeMap::new();
    let mut groups: Vec<Acc> = Vec::new();
    for mut p in points {
        p.attributes.retain(|k, _| keep(k));
        let mut key: Vec<(String, String)> =
            p.attributes.iter().map(|(k, v)| (k.to_string(), v.to_display_string())).collect();
        key.sort();
        let (f, i) = match p.value {
            NumberValue::Int(i) => (i as f64, i128::from(i)),
            NumberValue::Double(d) => (d, 0),
        };
        match index.get(&key) {
            None => {
                index.insert(key, groups.len());
                groups.push(Acc { point: p, sum: f, isum: i, count: 1 });
            }
            Some(&g) => {
                let acc = &mut groups[g];
                acc.count += 1;
                acc.sum += f;
                acc.isum += i;
                let merged = &mut acc.point;
                merged.start_time_unix_nano = merged.start_time_unix_nano.min(p.start_time_unix_nano);
                merged.time_unix_nano = merged.time_unix_nano.max(p.time_unix_nano);
                merged.value = match (strategy, merged.value, p.value) {
                    (Strategy::Min, NumberValue::Int(a), NumberValue::Int(b)) => NumberValue::Int(a.min(b)),
                    (Strategy::Max, NumberValue::Int(a), NumberValue::Int(b)) => NumberValue::Int(a.max(b)),
                    (Strategy::Min, NumberValue::Double(a), NumberValue::Double(b)) => {
                        NumberValue::Double(a.min(b))
                    }
                    (Strategy::Max, NumberValue::Double(a), NumberValue::Double(b)) => {
                        NumberValue::Double(a.max(b))
                    }
                    // Sum and avg are computed from the running totals below.
                    (_, v, _) => v,
                };
            }
        }
    }
    groups
        .into_iter()
        .map(|acc| {
            let mut p = acc.point;
            p.value = match (strategy, p.value) {
                (Strategy::Sum, NumberValue::Int(_)) => {
                    NumberValue::Int(acc.isum.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
                }
                (Strategy::Sum, NumberValue::Double(_)) => NumberValue::Double(acc.sum),
                (Strategy::Avg, NumberValue::Int(_)) => {
                    NumberValue::Int((acc.isum / i128::from(acc.count)) as i64)
                }
                (Strategy::Avg, NumberValue::Double(_)) => NumberValue::Double(acc.sum / acc.count as f64),
                (_, v) => v,
            };
            p
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dbintel_core::pdata::{Attributes, Temporality};

    fn point(attrs: &[(&str, &str)], v: NumberValue, start: u64, time: u64) -> NumberDataPoint {
        let mut a = Attributes::new();
        for (k, val) in attrs {
            a.insert(k.to_string(), val.to_string());
        }
        NumberDataPoint {
            attributes: a,
            start_time_unix_nano: start,
            time_unix_nano: time,
            value: v,
            flags: 0,
        }
    }

    fn blocks_read() -> Metric {
        use NumberValue::Int;
        let p = |db: &str, table: &str, source: &str, v: i64| {
            point(&[("db.namespace", db), ("db.collection.name", table), ("source", source)], Int(v), 10, 20)
        };
        Metric {
            name: "postgresql.blocks_read".into(),
            description: String::new(),
            unit: "1".into(),
            data: MetricData::Sum {
                points: vec![
                    p("a", "t1", "heap_read", 1),
                    p("a", "t2", "heap_read", 2),
                    p("a", "t1", "heap_hit", 4),
                    p("b", "t1", "heap_read", 8),
                ],
                temporality: Temporality::Cumulative,
                monotonic: true,
            },
        }
    }

    fn values(m: &Metric) -> Vec<(String, NumberValue)> {
        let (MetricData::Sum { points, .. } | MetricData::Gauge(points)) = &m.data else {
            panic!("number metric")
        };
        let mut out: Vec<(String, NumberValue)> = points
            .iter()
            .map(|p| {
                let mut a: Vec<String> =
                    p.attributes.iter().map(|(k, v)| format!("{k}={}", v.to_display_string())).collect();
                a.sort();
                (a.join(","), p.value)
            })
            .collect();
        out.sort_by(|x, y| x.0.cmp(&y.0));
        out
    }

    #[test]
    fn semconv_drops_the_tables_and_sums_per_database() {
        let rule = Reaggregation {
            metric: "postgresql.blocks_read".into(),
            keep: vec!["source".into(), "db.namespace".into()],
            strategy: None,
        };
        let out = apply(&[rule], vec![blocks_read()], false);
        use NumberValue::Int;
        assert_eq!(
            values(&out[0]),
            [
                ("db.namespace=a,source=heap_hit".to_string(), Int(4)),
                ("db.namespace=a,source=heap_read".to_string(), Int(3)),
                ("db.namespace=b,source=heap_read".to_string(), Int(8)),
            ]
        );
    }

    #[test]
    fn legacy_keeps_the_entities_and_merges_the_metric_attributes() {
        let rule = Reaggregation {
            metric: "postgresql.blocks_read".into(),
            keep: vec![],
            strategy: Some(Strategy::Max),
        };
        let out = apply(&[rule], vec![blocks_read()], true);
        use NumberValue::Int;
        assert_eq!(
            values(&out[0]),
            [
                ("db.collection.name=t1,db.namespace=a".to_string(), Int(4)),
                ("db.collection.name=t1,db.namespace=b".to_string(), Int(8)),
                ("db.collection.name=t2,db.namespace=a".to_string(), Int(2)),
            ]
        );
    }

    #[test]
    fn gauges_average_by_default_and_other_metrics_are_untouched() {
        use NumberValue::Double;
        let gauge = Metric {
            name: "postgresql.wal.lag".into(),
            description: String::new(),
            unit: "s".into(),
            data: MetricData::Gauge(vec![
                point(&[("operation", "flush"), ("replication_client", "x")], Double(1.0), 0, 5),
                point(&[("operation", "replay"), ("replication_client", "x")], Double(3.0), 0, 7),
            ]),
        };
        let rule = Reaggregation {
            metric: "postgresql.wal.lag".into(),
            keep: vec!["replication_client".into()],
            strategy: None,
        };
        let out = apply(&[rule], vec![gauge, blocks_read()], false);
        assert_eq!(values(&out[0]), [("replication_client=x".to_string(), Double(2.0))]);
        let MetricData::Gauge(p) = &out[0].data else { panic!() };
        assert_eq!(p[0].time_unix_nano, 7, "the latest time of the merged points");
        assert_eq!(values(&out[1]).len(), 4, "no rule: unchanged");
    }
}
