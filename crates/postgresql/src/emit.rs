//! Collects metric points during a scrape and turns them into the data model, in the order of the
//! metric table. Only enabled metrics take points; the number of points per scrape is bounded.

use dbintel_core::pdata::{Attributes, Metric, MetricData, NumberDataPoint, NumberValue, Temporality};

use crate::config::EnabledMetrics;
use crate::metadata::{Kind, METRICS, MetricId, ValueType};

/// Points per scrape at most (a server with huge numbers of tables and indexes); the rest is
/// dropped and counted.
pub const MAX_POINTS_PER_SCRAPE: usize = 500_000;

pub struct Builder<'a> {
    enabled: &'a EnabledMetrics,
    start: u64,
    now: u64,
    points: Vec<Vec<NumberDataPoint>>,
    total: usize,
    pub dropped: u64,
}

impl<'a> Builder<'a> {
    pub fn new(enabled: &'a EnabledMetrics, start: u64, now: u64) -> Self {
        Self { enabled, start, now, points: vec![Vec::new(); METRICS.len()], total: 0, dropped: 0 }
    }

    pub fn on(&self, id: MetricId) -> bool {
        self.enabled.is_on(id)
    }

    fn push(&mut self, id: MetricId, value: NumberValue, attributes: Attributes) {
        if !self.enabled.is_on(id) {
            return;
        }
        if self.total >= MAX_POINTS_PER_SCRAPE {
            self.dropped += 1;
            return;
        }
        let def = id.def();
        let value = match (def.value, value) {
            (ValueType::Int, NumberValue::Double(d)) => NumberValue::Int(d as i64),
            (ValueType::Double, NumberValue::Int(i)) => NumberValue::Double(i as f64),
            (_, v) => v,
        };
        let start_time_unix_nano = if matches!(def.kind, Kind::Gauge) { 0 } else { self.start };
        if let Some(slot) = self.points.get_mut(id as usize) {
            slot.push(NumberDataPoint {
                attributes,
                start_time_unix_nano,
                time_unix_nano: self.now,
                value,
                flags: 0,
            });
            self.total += 1;
        }
    }

    pub fn int(&mut self, id: MetricId, v: i64, attributes: Attributes) {
        self.push(id, NumberValue::Int(v), attributes);
    }

    pub fn double(&mut self, id: MetricId, v: f64, attributes: Attributes) {
        if v.is_finite() {
            self.push(id, NumberValue::Double(v), attributes);
        }
    }

    /// An integer value if present (NULL columns give no point).
    pub fn opt_int(&mut self, id: MetricId, v: Option<i64>, attributes: impl FnOnce() -> Attributes) {
        if let Some(v) = v
            && self.on(id)
        {
            self.int(id, v, attributes());
        }
    }

    pub fn point_count(&self) -> usize {
        self.total
    }

    pub fn finish(self) -> Vec<Metric> {
        let mut out = Vec::new();
        for (def, points) in METRICS.iter().zip(self.points) {
            if points.is_empty() {
                continue;
            }
            let data = match def.kind {
                Kind::Gauge => MetricData::Gauge(points),
                Kind::Sum { monotonic } => {
                    MetricData::Sum { points, temporality: Temporality::Cumulative, monotonic }
                }
            };
            out.push(Metric {
                name: def.name.to_string(),
                description: def.description.to_string(),
                unit: def.unit.to_string(),
                data,
            });
        }
        out
    }
}

/// Builds attributes from string pairs.
pub fn attrs<const N: usize>(pairs: [(&str, String); N]) -> Attributes {
    let mut a = Attributes::with_capacity(N);
    for (k, v) in pairs {
        a.insert(k, v);
    }
    a
}

/// `db.namespace` for objects inside a schema: `{database}|{schema}` (semantic conventions).
pub fn namespace(db: &str, schema: &str) -> String {
    if schema.is_empty() { db.to_string() } else { format!("{db}|{schema}") }
}

/// Renders metrics as sorted text lines `name{k=v,...} kind value` (golden files, tests).
pub fn render(metrics: &[Metric]) -> String {
    let mut lines = Vec::new();
    for m in metrics {
        let (points, kind) = match &m.data {
            MetricData::Gauge(p) => (p, "gauge".to_string()),
            MetricData::Sum { points, monotonic, .. } => {
                (points, if *monotonic { "sum".to_string() } else { "sum(nm)".to_string() })
            }
            _ => continue,
        };
        for p in points {
            let mut a: Vec<String> =
                p.attributes.iter().map(|(k, v)| format!("{k}={}", v.to_display_string())).collect();
            a.sort();
            let v = match p.value {
                NumberValue::Int(i) => i.to_string(),
                NumberValue::Double(d) => format!("{d:?}"),
            };
            lines.push(format!("{}{{{}}} [{}] {kind} {v}", m.name, a.join(","), m.unit));
        }
    }
    lines.sort();
    let mut s = lines.join("\n");
    s.push('\n');
    s
}
