//! Helpers shared by the exporters' integration tests (each test file includes this with `mod common;`).
#![allow(dead_code)] // each test binary uses its own subset

use dbintel_core::SignalData;
use dbintel_core::pdata::{
    Metric, MetricData, Metrics, NumberDataPoint, NumberValue, ResourceMetrics, ScopeMetrics,
};
use dbintel_core::telemetry::{Registry, SampleValue};

/// The sum of counter `name` in `tel`, over the samples whose `reason` label is `reason` (any when None).
pub fn counter(tel: &Registry, name: &str, reason: Option<&str>) -> u64 {
    tel.snapshot()
        .into_iter()
        .filter(|f| f.name == name)
        .flat_map(|f| f.samples)
        .filter(|s| reason.is_none_or(|r| s.labels.iter().any(|(k, v)| k == "reason" && v == r)))
        .map(|s| if let SampleValue::Counter(c) = s.value { c } else { 0 })
        .sum()
}

/// One gauge `seq` with a data point per value.
pub fn batch(values: &[i64]) -> SignalData {
    let points = values
        .iter()
        .map(|v| NumberDataPoint {
            attributes: Default::default(),
            start_time_unix_nano: 0,
            time_unix_nano: 1,
            value: NumberValue::Int(*v),
            flags: 0,
        })
        .collect();
    SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Default::default(),
            scope_metrics: vec![ScopeMetrics {
                scope: Default::default(),
                metrics: vec![Metric {
                    name: "seq".into(),
                    description: String::new(),
                    unit: "1".into(),
                    data: MetricData::Gauge(points),
                }],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    })
}
