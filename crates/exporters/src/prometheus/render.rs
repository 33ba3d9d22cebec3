//! Renders the accumulator in the Prometheus text format 0.0.4 or in OpenMetrics 1.0, through the
//! shared renderer of `dbintel_otlp::prometheus` (also used by self-telemetry).
//!
//! This module turns a [`Snapshot`] into that renderer's family/sample model: families in name
//! order, series by labels, `target_info` last, so the output is deterministic. A family keeps the
//! type of its first series; series of another type under the same name are skipped
//! (`type_conflict`). What the renderer skips to keep the exposition valid (`name_conflict`,
//! `invalid_for_openmetrics`) is counted in the exporter's stats.

use std::borrow::Cow;

use dbintel_otlp::prometheus::{self as prom, Buckets, Family, MetricType, Sample, SampleValue};

pub use dbintel_otlp::prometheus::{Format, go_float, om_float};

use super::accumulator::{Accumulator, DropReason, Series, SeriesValue, Snapshot};
use super::naming::PromType;

/// Render options from the config.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// `send_timestamps`: append each point's timestamp.
    pub send_timestamps: bool,
}

fn metric_type(kind: PromType) -> MetricType {
    match kind {
        PromType::Gauge => MetricType::Gauge,
        PromType::Counter => MetricType::Counter,
        PromType::Histogram => MetricType::Histogram,
        PromType::Summary => MetricType::Summary,
    }
}

fn sample_value(series: &Series) -> SampleValue<'_> {
    match &series.value {
        SeriesValue::Number(v) => SampleValue::Number(*v),
        SeriesValue::Histogram { count, sum, bounds, bucket_counts } => SampleValue::Histogram {
            count: *count,
            sum: *sum,
            buckets: Buckets::PerBucket { bounds, counts: bucket_counts },
        },
        SeriesValue::Summary { count, sum, quantiles } => {
            SampleValue::Summary { count: *count, sum: *sum, quantiles }
        }
    }
}

/// Renders everything the accumulator holds. Scrape-time drops are counted in its stats.
pub fn render(acc: &Accumulator, format: Format, opts: RenderOptions) -> String {
    render_snapshot(&acc.snapshot(), format, opts)
}

/// Renders a snapshot taken with [`Accumulator::snapshot`] (no lock needed).
pub fn render_snapshot(snap: &Snapshot, format: Format, opts: RenderOptions) -> String {
    let stats = &snap.stats;
    let mut families: Vec<Family<'_>> = Vec::new();
    for group in snap.series.chunk_by(|(a, _), (b, _)| a.name == b.name) {
        let (first_key, first) = &group[0];
        let mut samples = Vec::with_capacity(group.len());
        for (key, series) in group {
            if series.kind != first.kind {
                stats.drop_point(DropReason::TypeConflict, 1);
                continue;
            }
            samples.push(Sample {
                labels: &key.labels,
                value: sample_value(series),
                timestamp_unix_nano: opts.send_timestamps.then_some(series.time_unix_nano),
            });
        }
        families.push(Family {
            name: Cow::Borrowed(first_key.name.as_str()),
            help: &first.help,
            kind: metric_type(first.kind),
            samples,
        });
    }
    if !snap.targets.is_empty() {
        let one = SampleValue::Number(dbintel_core::pdata::NumberValue::Int(1));
        families.push(Family {
            name: Cow::Borrowed("target_info"),
            help: "Target metadata",
            kind: MetricType::Gauge,
            samples: snap
                .targets
                .iter()
                .map(|labels| Sample { labels, value: one, timestamp_unix_nano: None })
                .collect(),
        });
    }
    let (out, skipped) = prom::render(&families, format);
    if skipped.name_conflict > 0 {
        stats.drop_point(DropReason::NameConflict, skipped.name_conflict);
    }
    if skipped.invalid_for_openmetrics > 0 {
        stats.drop_point(DropReason::InvalidForOpenMetrics, skipped.invalid_for_openmetrics);
    }
    out
}
