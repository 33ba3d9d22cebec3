//! The `periodic` reader of `service.telemetry.metrics.readers`: every interval, a snapshot of the
//! self-telemetry registry becomes OTLP metrics (our data model; the exporter encodes it) and is
//! handed to an exporter (dbintel's `otlp` or `otlphttp`, built by the binary from the reader's keys),
//! which pushes it with its headers (New Relic's `api-key`), compression, TLS and retries. A last
//! snapshot is pushed at shutdown.

use std::sync::Arc;
use std::time::Duration;

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, Resource,
    ResourceMetrics, Scope, ScopeMetrics, Temporality,
};
use dbintel_core::telemetry::{Family, InstrumentKind, Registry, SampleValue};
use dbintel_core::{Exporter, SignalData};
use tokio_util::sync::CancellationToken;

/// The scope the self-metrics are sent under.
pub const SCOPE_NAME: &str = "dbintel";

/// The resource of the pushed self-metrics: `service.name: dbintel`, `service.version`,
/// `service.instance.id` (a random UUID per process, as the Collector's), then `overrides` in order
/// (`service.telemetry.resource`; `None` removes an attribute).
pub fn resource(overrides: &[(String, Option<String>)]) -> Vec<(String, String)> {
    let mut attrs: Vec<(String, String)> = vec![
        ("service.name".into(), "dbintel".into()),
        ("service.version".into(), env!("CARGO_PKG_VERSION").into()),
        ("service.instance.id".into(), instance_id()),
    ];
    for (k, v) in overrides {
        attrs.retain(|(name, _)| name != k);
        if let Some(v) = v {
            attrs.push((k.clone(), v.clone()));
        }
    }
    attrs
}

/// A random UUID from the kernel, else one made of the host name and process id.
fn instance_id() -> String {
    match std::fs::read_to_string("/proc/sys/kernel/random/uuid") {
        Ok(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => {
            let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
            format!("{}-{}", host.trim(), std::process::id())
        }
    }
}

/// A registry snapshot as OTLP metrics: counters are cumulative monotonic sums (named without the
/// Prometheus `_total` suffix, as the Collector pushes them), gauges are gauges, histograms keep their
/// explicit bounds. `start` is when the process started counting (unix nanoseconds).
pub fn to_metrics(snapshot: &[Family], resource: &[(String, String)], start: u64, now: u64) -> Metrics {
    let attrs = |labels: &[(String, String)]| {
        let mut a = Attributes::with_capacity(labels.len());
        for (k, v) in labels {
            a.insert(k, v.as_str());
        }
        a
    };
    let metrics = snapshot
        .iter()
        .map(|f| {
            let data = match f.kind {
                InstrumentKind::Counter => MetricData::Sum {
                    points: f
                        .samples
                        .iter()
                        .map(|s| NumberDataPoint {
                            attributes: attrs(&s.labels),
                            start_time_unix_nano: start,
                            time_unix_nano: now,
                            value: number(&s.value),
                            flags: 0,
                        })
                        .collect(),
                    temporality: Temporality::Cumulative,
                    monotonic: true,
                },
                InstrumentKind::Gauge => MetricData::Gauge(
                    f.samples
                        .iter()
                        .map(|s| NumberDataPoint {
                            attributes: attrs(&s.labels),
                            start_time_unix_nano: 0,
                            time_unix_nano: now,
                            value: number(&s.value),
                            flags: 0,
                        })
                        .collect(),
                ),
                InstrumentKind::Histogram => MetricData::Histogram {
                    points: f
                        .samples
                        .iter()
                        .filter_map(|s| histogram(&s.value, attrs(&s.labels), start, now))
                        .collect(),
                    temporality: Temporality::Cumulative,
                },
            };
            let name = match f.kind {
                InstrumentKind::Counter => f.name.strip_suffix("_total").unwrap_or(&f.name).to_string(),
                _ => f.name.clone(),
            };
            Metric { name, description: f.help.clone(), unit: f.unit.clone(), data }
        })
        .collect();
    let mut res = Attributes::with_capacity(resource.len());
    for (k, v) in resource {
        res.insert(k, v.as_str());
    }
    Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: res },
            scope_metrics: vec![ScopeMetrics {
                scope: Scope {
                    name: SCOPE_NAME.into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                    attributes: Attributes::new(),
                },
                metrics,
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}

fn number(v: &SampleValue) -> NumberValue {
    match v {
        SampleValue::Counter(c) => i64::try_from(*c).map_or(NumberValue::Double(*c as f64), NumberValue::Int),
        SampleValue::Gauge(g) => NumberValue::Double(*g),
        SampleValue::Histogram { sum, .. } => NumberValue::Double(*sum),
    }
}

fn histogram(v: &SampleValue, attributes: Attributes, start: u64, now: u64) -> Option<HistogramDataPoint> {
    let SampleValue::Histogram { cumulative_buckets, count, sum } = v else { return None };
    let mut bucket_counts = Vec::with_capacity(cumulative_buckets.len());
    let mut explicit_bounds = Vec::with_capacity(cumulative_buckets.len());
    let mut previous = 0u64;
    for (bound, cumulative) in cumulative_buckets {
        bucket_counts.push(cumulative.saturating_sub(previous));
        previous = *cumulative;
        if bound.is_finite() {
            explicit_bounds.push(*bound);
        }
    }
    // OTLP wants one more count than bounds: the last (+Inf) bucket closes the list.
    if bucket_counts.len() != explicit_bounds.len() + 1 {
        bucket_counts.push(count.saturating_sub(previous));
    }
    Some(HistogramDataPoint {
        attributes,
        start_time_unix_nano: start,
        time_unix_nano: now,
        count: *count,
        sum: Some(*sum),
        bucket_counts,
        explicit_bounds,
        min: None,
        max: None,
        flags: 0,
    })
}

/// How a periodic reader runs.
#[derive(Debug, Clone)]
pub struct PushSettings {
    pub interval: Duration,
    /// Bound of one hand-over to the exporter (a queued exporter only enqueues; a slow peer is its
    /// retry loop's business).
    pub timeout: Duration,
    /// The resource attributes (see [`resource`]).
    pub resource: Vec<(String, String)>,
    /// For messages: the reader's key path.
    pub name: String,
    /// Which instruments are pushed (`service.telemetry.metrics.level`).
    pub level: super::Level,
}

/// Runs a periodic reader until `shutdown`: starts `exporter`, pushes a snapshot every interval, and a
/// last one at shutdown, then shuts the exporter down (which flushes its queue).
pub async fn run(
    settings: PushSettings,
    registry: Registry,
    mut exporter: Box<dyn Exporter>,
    shutdown: CancellationToken,
) {
    let start = dbintel_core::pdata::now_unix_nanos();
    if let Err(e) = exporter.start().await {
        tracing::error!(reader = %settings.name, error = %e, "Self-telemetry push cannot start; the self-metrics are not pushed.");
        return;
    }
    let mut ticker = tokio::time::interval(settings.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await; // the first tick is immediate: push after one interval, as the SDK does
    let mut failing = false;
    loop {
        let last = tokio::select! {
            _ = ticker.tick() => false,
            () = shutdown.cancelled() => true,
        };
        let data = to_metrics(
            &settings.level.filter(registry.snapshot()),
            &settings.resource,
            start,
            dbintel_core::pdata::now_unix_nanos(),
        );
        let result =
            tokio::time::timeout(settings.timeout, exporter.export(Arc::new(SignalData::Metrics(data))))
                .await;
        match result {
            Ok(Ok(())) => {
                if failing {
                    tracing::info!(reader = %settings.name, "Self-telemetry push works again.");
                }
                failing = false;
            }
            Ok(Err(e)) if !failing => {
                failing = true;
                tracing::warn!(reader = %settings.name, error = %e, "Self-telemetry push failed; retrying next interval.");
            }
            Err(_) if !failing => {
                failing = true;
                tracing::warn!(reader = %settings.name, timeout = ?settings.timeout, "Self-telemetry push timed out; retrying next interval.");
            }
            _ => {}
        }
        if last {
            break;
        }
    }
    if let Err(e) = exporter.shutdown().await {
        tracing::warn!(reader = %settings.name, error = %e, "Self-telemetry push: the last snapshot was not delivered.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_becomes_otlp_metrics() {
        let r = Registry::new();
        r.counter("dbintel_things_total", "Things.", &[("kind", "a")]).add(3);
        let h = r.histogram("dbintel_wait_seconds", "Waits.", "s", &[], &[0.1, 1.0]);
        h.record(0.05);
        h.record(0.5);
        h.record(5.0);
        let res = resource(&[
            ("service.name".into(), Some("db-collector".into())),
            ("service.version".into(), None),
        ]);
        assert!(res.contains(&("service.name".into(), "db-collector".into())));
        assert!(!res.iter().any(|(k, _)| k == "service.version"));
        let m = to_metrics(&r.snapshot(), &res, 1, 2);
        let metrics = &m.resource_metrics[0].scope_metrics[0].metrics;
        let counter = metrics.iter().find(|m| m.name == "dbintel_things").expect("counter without _total");
        match &counter.data {
            MetricData::Sum { points, temporality: Temporality::Cumulative, monotonic: true } => {
                assert_eq!(points[0].value, NumberValue::Int(3));
                assert_eq!(points[0].start_time_unix_nano, 1);
            }
            other => panic!("{other:?}"),
        }
        let hist = metrics.iter().find(|m| m.name == "dbintel_wait_seconds").expect("histogram");
        match &hist.data {
            MetricData::Histogram { points, .. } => {
                assert_eq!(points[0].explicit_bounds, vec![0.1, 1.0]);
                assert_eq!(points[0].bucket_counts, vec![1, 1, 1]);
                assert_eq!(points[0].count, 3);
            }
            other => panic!("{other:?}"),
        }
    }
}
