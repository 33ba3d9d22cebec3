//! The metric-table/builder pattern of the SQL receivers: a static table says every metric's name,
//! unit, description, kind, attribute keys and whether it is on by default (the contrib
//! `metadata.yaml` in Rust); the `metrics: {name: {enabled: bool}}` section switches them; a builder
//! collects one scrape's points and only for enabled metrics, and yields them in table order.

use dbintel_core::pdata::{Attributes, Metric, MetricData, NumberDataPoint, NumberValue, Temporality, Value};

/// Declares a receiver's metric table: `pub enum MetricId` (one variant per row, its discriminant is
/// the row's index, so `MetricBuilder::record_at(id.index(), ..)` costs nothing) and
/// `pub const METRICS: &[MetricSpec]`. A row is
/// `Id => "name", "unit", kind, Int|Double, enabled_by_default, contrib, "description";`, where
/// `contrib` says the metric is part of the OpenTelemetry contrib receiver's set (false: a dbintel
/// extension). The receiver builds each point's attributes itself, so `attributes` is left empty.
#[macro_export]
macro_rules! metric_table {
    ($( $id:ident => $name:literal, $unit:literal, $kind:expr, $vt:ident, $on:literal, $contrib:literal, $desc:literal; )*) => {
        /// One metric of the receiver; its discriminant is its index in [`METRICS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MetricId { $( $id, )* }

        impl MetricId {
            /// Every metric, in table order.
            pub const ALL: &[MetricId] = &[ $( MetricId::$id, )* ];

            /// Part of the contrib receiver's metric set (false: a dbintel extension).
            pub fn contrib(self) -> bool {
                match self { $( MetricId::$id => $contrib, )* }
            }

            pub fn spec(self) -> &'static $crate::metrics::MetricSpec {
                &METRICS[self.index()]
            }

            /// The metric's position in [`METRICS`] (what `MetricBuilder::record_at` takes).
            pub fn index(self) -> usize {
                self as usize
            }
        }

        /// All metrics, in the order they are emitted.
        pub const METRICS: &[$crate::metrics::MetricSpec] = &[
            $( $crate::metrics::MetricSpec {
                name: $name,
                unit: $unit,
                description: $desc,
                kind: $kind,
                value: $crate::metrics::ValueType::$vt,
                attributes: &[],
                default_enabled: $on,
            }, )*
        ];

        // Indexes are right by construction (discriminants and table come from one list); names
        // are not, so every table checks its own.
        #[cfg(test)]
        #[test]
        fn metric_table_names_are_unique() {
            let names: std::collections::BTreeSet<&str> = METRICS.iter().map(|m| m.name).collect();
            assert_eq!(names.len(), METRICS.len(), "a metric name appears twice in the table");
            assert_eq!(MetricId::ALL.len(), METRICS.len());
        }
    };
}

/// How a metric's points are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Gauge,
    /// A cumulative sum.
    Sum {
        monotonic: bool,
    },
}

/// The value type of a metric's points: a recorded value of the other type is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Int,
    Double,
}

/// One row of a receiver's metric table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricSpec {
    pub name: &'static str,
    pub unit: &'static str,
    pub description: &'static str,
    pub kind: MetricKind,
    pub value: ValueType,
    /// The attribute keys of its points, in order (what [`MetricBuilder::record`] takes); empty
    /// when the receiver builds each point's [`Attributes`] itself ([`MetricBuilder::record_at`]).
    pub attributes: &'static [&'static str],
    pub default_enabled: bool,
}

/// A metric table with the switches of one receiver's config.
#[derive(Debug, Clone, PartialEq, Eq)]
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

    /// Every metric on, whatever its default (golden files, tests).
    pub fn all_enabled(specs: &'static [MetricSpec]) -> Self {
        Self { specs, enabled: vec![true; specs.len()] }
    }

    pub fn specs(&self) -> &'static [MetricSpec] {
        self.specs
    }

    /// The position of `name` in the table (a linear scan: for config, not per point).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.specs.iter().position(|s| s.name == name)
    }

    /// Applies `metrics: {name: {enabled: bool}}`; names not in the table come back as problems.
    pub fn configure<'a>(
        &mut self,
        toggles: impl IntoIterator<Item = (&'a str, bool)>,
    ) -> Vec<UnknownMetric> {
        let mut unknown = Vec::new();
        for (name, on) in toggles {
            match self.index_of(name) {
                Some(i) => self.set_enabled_at(i, on),
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
        self.index_of(name).is_some_and(|i| self.is_enabled_at(i))
    }

    /// Whether the metric at `index` is on (false past the end of the table).
    pub fn is_enabled_at(&self, index: usize) -> bool {
        self.enabled.get(index).copied().unwrap_or(false)
    }

    /// Switches the metric at `index` (nothing past the end of the table).
    pub fn set_enabled_at(&mut self, index: usize, on: bool) {
        if let Some(slot) = self.enabled.get_mut(index) {
            *slot = on;
        }
    }

    /// A builder for one scrape: points start at `start_unix_nano` (cumulative sums) and are taken
    /// at `now_unix_nano`; past `max_points` points the rest are dropped and counted.
    pub fn builder(&self, start_unix_nano: u64, now_unix_nano: u64, max_points: usize) -> MetricBuilder<'_> {
        MetricBuilder {
            table: self,
            start: start_unix_nano,
            now: now_unix_nano,
            points: vec![Vec::new(); self.specs.len()],
            max_points,
            total: 0,
            dropped: 0,
        }
    }
}

/// The points of one scrape, per metric of the table.
pub struct MetricBuilder<'t> {
    table: &'t MetricTable,
    start: u64,
    now: u64,
    points: Vec<Vec<NumberDataPoint>>,
    max_points: usize,
    total: usize,
    dropped: u64,
}

impl MetricBuilder<'_> {
    pub fn table(&self) -> &MetricTable {
        self.table
    }

    /// Records one point by name; `values` pair with the spec's attribute keys. False (and nothing
    /// recorded) when the metric is off or not in the table, or as for [`Self::record_at`]. The
    /// name is looked up by a scan of the table: receivers with many points use `record_at`.
    pub fn record(&mut self, name: &str, value: NumberValue, values: &[Value]) -> bool {
        let Some(index) = self.table.index_of(name) else { return false };
        if !self.table.is_enabled_at(index) {
            return false;
        }
        let keys = self.table.specs[index].attributes;
        let mut attributes = Attributes::with_capacity(keys.len());
        for (key, v) in keys.iter().zip(values) {
            attributes.insert(*key, v.clone());
        }
        self.record_at(index, value, attributes)
    }

    /// Records one point of the metric at `index` of the table, its value converted to the spec's
    /// value type. False (and nothing recorded) when the metric is off or not in the table, when a
    /// double is not finite (no NaN or infinity reaches a backend), or when the builder is full
    /// (then the point is counted in [`Self::dropped`]).
    pub fn record_at(&mut self, index: usize, value: NumberValue, attributes: Attributes) -> bool {
        let Some(spec) = self.table.specs.get(index) else { return false };
        if !self.table.is_enabled_at(index) {
            return false;
        }
        if let NumberValue::Double(d) = value
            && !d.is_finite()
        {
            return false;
        }
        if self.total >= self.max_points {
            self.dropped += 1;
            return false;
        }
        let value = match (spec.value, value) {
            (ValueType::Int, NumberValue::Double(d)) => NumberValue::Int(d as i64),
            (ValueType::Double, NumberValue::Int(i)) => NumberValue::Double(i as f64),
            (_, v) => v,
        };
        let start_time_unix_nano = match spec.kind {
            MetricKind::Gauge => 0,
            MetricKind::Sum { .. } => self.start,
        };
        let Some(slot) = self.points.get_mut(index) else { return false };
        slot.push(NumberDataPoint {
            attributes,
            start_time_unix_nano,
            time_unix_nano: self.now,
            value,
            flags: 0,
        });
        self.total += 1;
        true
    }

    pub fn point_count(&self) -> usize {
        self.total
    }

    /// Points refused because the builder was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
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
            value: ValueType::Int,
            attributes: &["state"],
            default_enabled: true,
        },
        MetricSpec {
            name: "db.server.commits",
            unit: "{commit}",
            description: "Commits",
            kind: MetricKind::Sum { monotonic: true },
            value: ValueType::Int,
            attributes: &[],
            default_enabled: false,
        },
        MetricSpec {
            name: "db.server.cache.hit_ratio",
            unit: "1",
            description: "Cache hit ratio",
            kind: MetricKind::Gauge,
            value: ValueType::Double,
            attributes: &[],
            default_enabled: true,
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
        let mut b = t.builder(100, 200, 10);
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
        let mut b = t.builder(100, 200, 10);
        b.record("db.server.commits", NumberValue::Int(5), &[]);
        let metrics = b.finish();
        assert!(
            matches!(&metrics[0].data, MetricData::Sum { monotonic: true, points, .. } if points[0].start_time_unix_nano == 100)
        );
    }

    #[test]
    fn record_at_converts_values_and_refuses_what_it_cannot_keep() {
        let t = MetricTable::new(TABLE);
        let connections = t.index_of("db.client.connections").expect("in the table");
        let ratio = t.index_of("db.server.cache.hit_ratio").expect("in the table");
        let mut b = t.builder(100, 200, 10);
        assert!(b.record_at(connections, NumberValue::Double(2.9), Attributes::new()), "int metric");
        assert!(b.record_at(ratio, NumberValue::Int(1), Attributes::new()), "double metric");
        assert!(!b.record_at(ratio, NumberValue::Double(f64::NAN), Attributes::new()));
        assert!(!b.record_at(ratio, NumberValue::Double(f64::INFINITY), Attributes::new()));
        assert!(!b.record_at(TABLE.len(), NumberValue::Int(1), Attributes::new()), "past the table");
        assert!(!b.record_at(1, NumberValue::Int(1), Attributes::new()), "off by default");
        assert_eq!((b.point_count(), b.dropped()), (2, 0));
        let metrics = b.finish();
        let values: Vec<NumberValue> = metrics
            .iter()
            .map(|m| match &m.data {
                MetricData::Gauge(p) => p[0].value,
                other => panic!("a gauge: {other:?}"),
            })
            .collect();
        assert_eq!(values, [NumberValue::Int(2), NumberValue::Double(1.0)]);
    }

    #[test]
    fn a_full_builder_drops_and_counts() {
        let t = MetricTable::all_enabled(TABLE);
        assert!((0..TABLE.len()).all(|i| t.is_enabled_at(i)) && !t.is_enabled_at(TABLE.len()));
        let mut b = t.builder(1, 2, 2);
        for v in 0..5 {
            b.record_at(1, NumberValue::Int(v), Attributes::new());
        }
        assert_eq!((b.point_count(), b.dropped()), (2, 3));
        assert!(!b.record_at(0, NumberValue::Int(1), Attributes::new()), "full for every metric");
        assert_eq!(b.dropped(), 4);
        assert_eq!(b.finish()[0].data.point_count(), 2);
    }
}
