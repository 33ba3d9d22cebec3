//! The metric-table/builder pattern of the SQL receivers: a static table says every metric's name,
//! unit, description, kind, attribute keys and whether it is on by default (the contrib
//! `metadata.yaml` in Rust); the `metrics: {name: {enabled: bool}}` section switches them; a builder
//! collects one scrape's points and only for enabled metrics, and yields them in table order.

use dbintel_core::pdata::{Attributes, Metric, MetricData, NumberDataPoint, NumberValue, Temporality, Value};

/// How a metric's points are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Gauge,
    /// A cumulative sum.
    Sum {
        monotonic: bool,
    },
}

/// One row of a receiver's metric table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricSpec {
    pub name: &'static str,
    pub unit: &'static str,
    pub description: &'static str,
    pub kind: MetricKind,
    /// The attribute keys of its points, in order (what [`MetricBuilder::record`] takes).
    pub attributes: &'static [&'static str],
    pub default_enabled: bool,
}

/// A metric table with the switches of one receiver's config.
#[derive(Debug, Clone)]
pub struct MetricTable {
    specs: &'static [MetricSpec],
    enabled: Vec<bool>,
}

/// A `metrics.<name>` key that names no metric of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownMetric {
    /// `metrics.<name>`.
    pub path: String,
    /// `unknown metric` with up to three close names.
    pub message: String,
}

impl MetricTable {
    /// Every metric at its default.
    pub fn new(specs: &'static [MetricSpec]) -> Self {
        Self { specs, enabled: specs.iter().map(|s| s.default_enabled).collect() }
    }

    /// Applies `metrics: {name: {enabled: bool}}`; names not in the table come back as problems.
    pub fn configure<'a>(
        &mut self,
        toggles: impl IntoIterator<Item = (&'a str, bool)>,
    ) -> Vec<UnknownMetric> {
        let mut unknown = Vec::new();
        for (name, on) in toggles {
            match self.specs.iter().position(|s| s.name == name) {
                Some(i) => self.enabled[i] = on,
                None => unknown.push(UnknownMetric {
                    path: format!("metrics.{name}"),
                    message: format!("unknown metric{}", self.suggest(name)),
                }),
            }
        }
        unknown
    }

    fn suggest(&self, name: &str) -> String {
        let tail = name.rsplit('.').next().unwrap_or(name);
        let close: Vec<&str> = self
            .specs
            .iter()
            .map(|s| s.name)
            .filter(|c| c.ends_with(tail) || tail.len() > 3 && c.contains(tail))
            .take(3)
            .collect();
        if close.is_empty() { String::new() } else { format!(" (did you mean {}?)", close.join(", ")) }
    }

    pub fn is_enabled(&self, name: &str) -> bool {
        self.specs.iter().zip(&self.enabled).any(|(s, on)| *on && s.name == name)
    }

    /// A builder for one scrape: points start at `start_unix_nano` (cumulative sums) and are taken
    /// at `now_unix_nano`.
    pub fn builder(&self, start_unix_nano: u64, now_unix_nano: u64) -> MetricBuilder<'_> {
        MetricBuilder {
            table: self,
            start: start_unix_nano,
            now: now_unix_nano,
            points: vec![Vec::new(); self.specs.len()],
        }
    }
}

/// The points of one scrape, per metric of the table.
pub struct MetricBuilder<'t> {
    table: &'t MetricTable,
    start: u64,
    now: u64,
    points: Vec<Vec<NumberDataPoint>>,
}

impl MetricBuilder<'_> {
    /// Records one point; `values` pair with the spec's attribute keys. False (and nothing
    /// recorded) when the metric is off or not in the table.
    pub fn record(&mut self, name: &str, value: NumberValue, values: &[Value]) -> bool {
        let Some(i) = self.table.specs.iter().position(|s| s.name == name) else { return false };
        if !self.table.enabled[i] {
            return false;
        }
        let spec = &self.table.specs[i];
        let mut attributes = Attributes::with_capacity(spec.attributes.len());
        for (key, v) in spec.attributes.iter().zip(values) {
            attributes.insert(*key, v.clone());
        }
        let start = match spec.kind {
            MetricKind::Gauge => 0,
            MetricKind::Sum { .. } => self.start,
        };
        self.points[i].push(NumberDataPoint {
            attributes,
            start_time_unix_nano: start,
            time_unix_nano: self.now,
            value,
            flags: 0,
        });
        true
    }

    pub fn point_count(&self) -> usize {
        self.points.iter().map(Vec::len).sum()
    }

    /// The metrics with points, in table order.
    pub fn finish(self) -> Vec<Metric> {
        self.table
            .specs
            .iter()
            .zip(self.points)
            .filter(|(_, points)| !points.is_empty())
            .map(|(spec, points)| Metric {
                name: spec.name.to_string(),
                description: spec.description.to_string(),
                unit: spec.unit.to_string(),
                data: match spec.kind {
                    MetricKind::Gauge => MetricData::Gauge(points),
                    MetricKind::Sum { monotonic } => {
                        MetricData::Sum { points, temporality: Temporality::Cumulative, monotonic }
                    }
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static TABLE: &[MetricSpec] = &[
        MetricSpec {
            name: "db.client.connections",
            unit: "{connection}",
            description: "Open connections",
            kind: MetricKind::Gauge,
            attributes: &["state"],
            default_enabled: true,
        },
        MetricSpec {
            name: "db.server.commits",
            unit: "{commit}",
            description: "Commits",
            kind: MetricKind::Sum { monotonic: true },
            attributes: &[],
            default_enabled: false,
        },
    ];

    #[test]
    fn switches_defaults_and_reports_unknown_names() {
        let mut t = MetricTable::new(TABLE);
        assert!(t.is_enabled("db.client.connections") && !t.is_enabled("db.server.commits"));
        let unknown = t.configure([("db.server.commits", true), ("db.server.comits", true)]);
        assert!(t.is_enabled("db.server.commits"));
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].path, "metrics.db.server.comits");
        assert!(unknown[0].message.contains("unknown metric"), "{unknown:?}");
    }

    #[test]
    fn the_builder_keeps_table_order_and_skips_what_is_off() {
        let t = MetricTable::new(TABLE);
        let mut b = t.builder(100, 200);
        assert!(!b.record("db.server.commits", NumberValue::Int(5), &[]), "off by default");
        assert!(!b.record("no.such.metric", NumberValue::Int(1), &[]));
        assert!(b.record("db.client.connections", NumberValue::Int(3), &[Value::Str("idle".into())]));
        assert_eq!(b.point_count(), 1);
        let metrics = b.finish();
        assert_eq!(metrics.len(), 1);
        let MetricData::Gauge(points) = &metrics[0].data else { panic!("a gauge") };
        assert_eq!(points[0].attributes.get("state"), Some(&Value::Str("idle".into())));
        assert_eq!((points[0].start_time_unix_nano, points[0].time_unix_nano), (0, 200));

        let mut t = MetricTable::new(TABLE);
        t.configure([("db.server.commits", true)]);
        let mut b = t.builder(100, 200);
        b.record("db.server.commits", NumberValue::Int(5), &[]);
        let metrics = b.finish();
        assert!(
            matches!(&metrics[0].data, MetricData::Sum { monotonic: true, points, .. } if points[0].start_time_unix_nano == 100)
        );
    }
}
