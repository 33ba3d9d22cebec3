//! Helpers of the unit tests.

use dbintel_core::pdata::{Metric, MetricData, NumberValue};

use crate::conn::TextRow;

pub fn row(cells: &[Option<&str>]) -> TextRow {
    cells.iter().map(|c| c.map(str::to_string)).collect()
}

/// `(k=v,k=v, value)` of every point of `name`, sorted.
pub fn values(metrics: &[Metric], name: &str) -> Vec<(String, f64)> {
    let Some(m) = metrics.iter().find(|m| m.name == name) else { return Vec::new() };
    let points = match &m.data {
        MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => p,
        _ => return Vec::new(),
    };
    let mut out: Vec<(String, f64)> = points
        .iter()
        .map(|p| {
            let mut attr: Vec<String> =
                p.attributes.iter().map(|(k, v)| format!("{k}={}", v.to_display_string())).collect();
            attr.sort();
            let v = match p.value {
                NumberValue::Int(i) => i as f64,
                NumberValue::Double(d) => d,
            };
            (attr.join(","), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
