//! The accumulator: the last value of every series, with the temporality rules of the contrib
//! exporter's `accumulator.go`, translated to Prometheus names and labels on the way in.
//!
//! - A series is keyed by its Prometheus name and label set (point attributes, resource-derived
//!   `job`/`instance`, scope labels, resource attributes when copied, const labels). Two OTel series
//!   that would render identically therefore share one entry (last write wins) instead of rendering
//!   twice.
//! - Gauges, cumulative sums, cumulative histograms and summaries keep the newest point; a point older
//!   than the stored one is dropped (`out_of_order`).
//! - Delta monotonic sums become cumulative: a point whose start equals the stored point's time
//!   (contiguous) is added to the stored value and keeps its start; any other point replaces it (reset).
//! - Delta non-monotonic sums are dropped (`delta_non_monotonic`), as in contrib. (The data model has no
//!   unspecified temporality, the other kind contrib drops.)
//! - Delta histograms are merged bucket-wise when contiguous and the bounds match; a contiguous point
//!   with other bounds, or a point starting after the stored one, replaces it (reset); a point starting
//!   before the stored point's time is dropped (`misaligned`).
//! - The `NoRecordedValue` flag deletes a series.
//! - Series not updated for `metric_expiration` are removed at the next scrape (or sweep), counted in
//!   `dbintel_prometheus_series_evicted_total`. At `max_series`, new series are refused
//!   (`series_limit`) after a sweep of expired ones.
//!
//! Time is passed in (`now: Instant`) so tests drive expiration without sleeping.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, QuantileValue,
    Resource, Scope, SummaryDataPoint, Temporality, Value,
};
use dbintel_core::telemetry::{Counter, Gauge, Registry};

use super::labels::{LabelSet, attribute_labels, finish, is_service_attribute, job_instance};
use super::naming::{PromType, TranslationStrategy, metric_name};

/// OTLP `DataPointFlags.NO_RECORDED_VALUE`.
const FLAG_NO_RECORDED_VALUE: u32 = 1;
/// Minimum time between two expiration sweeps started by `accumulate` (scrapes always sweep).
const SWEEP_EVERY: Duration = Duration::from_secs(10);

/// Why a point (or, at scrape time, a series) was not exported. The label of
/// `dbintel_prometheus_points_dropped_total{reason}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DropReason {
    /// A delta sum that is not monotonic (contrib drops these: they cannot be made cumulative).
    DeltaNonMonotonic,
    /// Older than the stored point of its series.
    OutOfOrder,
    /// A delta histogram starting before the stored point's time.
    Misaligned,
    /// A histogram with bounds not strictly increasing and finite, bucket counts not matching the
    /// bounds, or a count different from the sum of the buckets.
    InvalidPoint,
    /// The metric name has no valid character.
    InvalidName,
    /// `max_series` reached.
    SeriesLimit,
    /// At scrape time: same name as a family of another type (counted per scrape).
    TypeConflict,
    /// At scrape time: a rendered sample name clashes with another family's (counted per scrape).
    NameConflict,
    /// At scrape time, OpenMetrics only: a negative or NaN counter (counted per scrape).
    InvalidForOpenMetrics,
}

impl DropReason {
    pub const ALL: [DropReason; 9] = [
        DropReason::DeltaNonMonotonic,
        DropReason::OutOfOrder,
        DropReason::Misaligned,
        DropReason::InvalidPoint,
        DropReason::InvalidName,
        DropReason::SeriesLimit,
        DropReason::TypeConflict,
        DropReason::NameConflict,
        DropReason::InvalidForOpenMetrics,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::DeltaNonMonotonic => "delta_non_monotonic",
            DropReason::OutOfOrder => "out_of_order",
            DropReason::Misaligned => "misaligned",
            DropReason::InvalidPoint => "invalid_point",
            DropReason::InvalidName => "invalid_name",
            DropReason::SeriesLimit => "series_limit",
            DropReason::TypeConflict => "type_conflict",
            DropReason::NameConflict => "name_conflict",
            DropReason::InvalidForOpenMetrics => "invalid_for_openmetrics",
        }
    }
}

/// Self-telemetry of one exporter instance.
#[derive(Clone)]
pub struct Stats {
    series: Gauge,
    evicted: Counter,
    dropped: Vec<(DropReason, Counter)>,
}

impl Stats {
    pub fn new(registry: &Registry, exporter: &str) -> Self {
        let series = registry.gauge(
            "dbintel_prometheus_series",
            "Series held by the prometheus exporter (target_info included).",
            &[("exporter", exporter)],
        );
        let evicted = registry.counter(
            "dbintel_prometheus_series_evicted",
            "Series removed by the prometheus exporter because they were not updated for metric_expiration.",
            &[("exporter", exporter)],
        );
        let dropped = DropReason::ALL
            .iter()
            .map(|r| {
                let c = registry.counter(
                    "dbintel_prometheus_points_dropped",
                    "Points (or series, for scrape-time reasons) the prometheus exporter did not expose.",
                    &[("exporter", exporter), ("reason", r.as_str())],
                );
                (*r, c)
            })
            .collect();
        Self { series, evicted, dropped }
    }

    pub fn drop_point(&self, reason: DropReason, n: u64) {
        if let Some((_, c)) = self.dropped.iter().find(|(r, _)| *r == reason) {
            c.add(n);
        }
    }

    pub fn dropped(&self, reason: DropReason) -> u64 {
        self.dropped.iter().find(|(r, _)| *r == reason).map(|(_, c)| c.get()).unwrap_or(0)
    }

    pub fn evicted(&self) -> u64 {
        self.evicted.get()
    }

    pub fn series(&self) -> i64 {
        self.series.get()
    }
}

/// How OTel data becomes Prometheus names and labels (from the config).
#[derive(Debug, Clone, Default)]
pub struct TranslateOptions {
    pub namespace: String,
    pub strategy: TranslationStrategy,
    /// `resource_to_telemetry_conversion.enabled`: copy resource attributes onto every series.
    pub resource_to_telemetry: bool,
    /// `resource_to_telemetry_conversion.exclude_service_attributes`: skip `service.name`,
    /// `service.namespace` and `service.instance.id` when copying (they are `job`/`instance` already).
    pub exclude_service_attributes: bool,
    /// `without_scope_info`: no `otel_scope_name`/`otel_scope_version` labels.
    pub without_scope_info: bool,
    /// `const_labels`, valid names, added to every series (they win over data labels).
    pub const_labels: Vec<(String, String)>,
    /// `resource_constant_labels`: the resource attributes copied onto every series, chosen by
    /// name; when set it replaces `resource_to_telemetry_conversion` (contrib's precedence).
    pub resource_constant_labels: Option<ResourceLabelFilter>,
}

/// `resource_constant_labels` (`included`/`excluded` name patterns, `*` any text): a name is
/// chosen when `included` names it, or when `included` is empty and `excluded` is not; a name
/// `excluded` names never is. Both empty choose nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ResourceLabelFilter {
    /// Patterns of the attribute names to copy (`service*`, `k8s.pod.*`).
    pub included: Vec<String>,
    /// Patterns of the names never copied; wins over `included`.
    pub excluded: Vec<String>,
}

impl ResourceLabelFilter {
    pub fn chooses(&self, name: &str) -> bool {
        let any = |patterns: &[String]| patterns.iter().any(|p| wildcard(p, name));
        let included = if self.included.is_empty() { !self.excluded.is_empty() } else { any(&self.included) };
        included && !any(&self.excluded)
    }
}

/// `*` matches any text (none included); everything else matches itself.
fn wildcard(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Key of a series: its Prometheus metric name (family name; counters include `_total`) and labels.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SeriesKey {
    pub name: String,
    pub labels: LabelSet,
}

/// The cumulative value of a series.
#[derive(Debug, Clone, PartialEq)]
pub enum SeriesValue {
    Number(NumberValue),
    /// `bucket_counts` are per bucket (not cumulative), `bounds.len() + 1` of them, or empty.
    Histogram {
        count: u64,
        sum: f64,
        bounds: Vec<f64>,
        bucket_counts: Vec<u64>,
    },
    Summary {
        count: u64,
        sum: f64,
        quantiles: Vec<QuantileValue>,
    },
}

#[derive(Debug, Clone)]
pub struct Series {
    pub kind: PromType,
    pub help: Arc<str>,
    pub value: SeriesValue,
    pub start_unix_nano: u64,
    pub time_unix_nano: u64,
    updated: Instant,
}

/// Series and `target_info` entries, bounded, with expiration.
pub struct Accumulator {
    opts: TranslateOptions,
    series: BTreeMap<SeriesKey, Series>,
    /// `target_info` label sets (one per resource with a job or instance), with their last update.
    targets: BTreeMap<LabelSet, Instant>,
    max_series: usize,
    expiration: Duration,
    last_sweep: Option<Instant>,
    stats: Stats,
}

/// The series and targets of an [`Accumulator`] at one instant, in render order; rendering reads
/// this instead of the accumulator so a scrape holds the lock only while copying.
pub struct Snapshot {
    pub series: Vec<(SeriesKey, Series)>,
    pub targets: Vec<LabelSet>,
    /// Shared counters: scrape-time drops are still counted in the exporter's stats.
    pub stats: Stats,
}

/// What one resource contributes to its series' labels.
struct ResourceCtx<'a> {
    job: Option<String>,
    instance: Option<String>,
    copied: Vec<(&'a str, &'a Value)>,
}

fn add_number(a: NumberValue, b: NumberValue) -> NumberValue {
    match (a, b) {
        (NumberValue::Int(x), NumberValue::Int(y)) => match x.checked_add(y) {
            Some(v) => NumberValue::Int(v),
            None => NumberValue::Double(x as f64 + y as f64),
        },
        (x, y) => NumberValue::Double(x.as_f64() + y.as_f64()),
    }
}

fn histogram_is_valid(p: &HistogramDataPoint) -> bool {
    let bounds_ok =
        p.explicit_bounds.iter().all(|b| b.is_finite()) && p.explicit_bounds.windows(2).all(|w| w[0] < w[1]);
    if !bounds_ok {
        return false;
    }
    if p.bucket_counts.is_empty() {
        return true;
    }
    if p.bucket_counts.len() != p.explicit_bounds.len() + 1 {
        return false;
    }
    let total = p.bucket_counts.iter().try_fold(0u64, |acc, c| acc.checked_add(*c));
    total == Some(p.count)
}

fn histogram_value(p: &HistogramDataPoint) -> SeriesValue {
    SeriesValue::Histogram {
        count: p.count,
        sum: p.sum.unwrap_or(0.0),
        bounds: p.explicit_bounds.clone(),
        bucket_counts: p.bucket_counts.clone(),
    }
}

fn summary_value(p: &SummaryDataPoint) -> SeriesValue {
    let mut quantiles = p.quantile_values.clone();
    quantiles.retain(|q| (0.0..=1.0).contains(&q.quantile));
    quantiles.sort_by(|a, b| a.quantile.total_cmp(&b.quantile));
    quantiles.dedup_by(|a, b| a.quantile == b.quantile);
    SeriesValue::Summary { count: p.count, sum: p.sum, quantiles }
}

impl Accumulator {
    pub fn new(opts: TranslateOptions, max_series: usize, expiration: Duration, stats: Stats) -> Self {
        Self {
            opts,
            series: BTreeMap::new(),
            targets: BTreeMap::new(),
            max_series: max_series.max(1),
            expiration,
            last_sweep: None,
            stats,
        }
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Series in render order (name, then labels).
    pub fn series(&self) -> impl Iterator<Item = (&SeriesKey, &Series)> {
        self.series.iter()
    }

    /// `target_info` label sets in render order.
    pub fn targets(&self) -> impl Iterator<Item = &LabelSet> {
        self.targets.keys()
    }

    pub fn len(&self) -> usize {
        self.series.len() + self.targets.len()
    }

    /// A copy of what a scrape renders, so the caller can release the lock before formatting.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            series: self.series.iter().map(|(k, s)| (k.clone(), s.clone())).collect(),
            targets: self.targets.keys().cloned().collect(),
            stats: self.stats.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn update_series_gauge(&self) {
        self.stats.series.set(i64::try_from(self.len()).unwrap_or(i64::MAX));
    }

    /// Removes series and targets not updated for `metric_expiration`.
    pub fn expire(&mut self, now: Instant) {
        let ttl = self.expiration;
        let before = self.len();
        self.series.retain(|_, s| now.saturating_duration_since(s.updated) <= ttl);
        self.targets.retain(|_, updated| now.saturating_duration_since(*updated) <= ttl);
        let removed = before - self.len();
        if removed > 0 {
            self.stats.evicted.add(removed as u64);
        }
        self.last_sweep = Some(now);
        self.update_series_gauge();
    }

    /// Room for one more entry, sweeping expired ones first if the last sweep is old enough.
    fn has_room(&mut self, now: Instant) -> bool {
        if self.len() < self.max_series {
            return true;
        }
        let sweep_due =
            self.last_sweep.is_none_or(|t| now.saturating_duration_since(t) >= Duration::from_secs(1));
        if sweep_due {
            self.expire(now);
        }
        self.len() < self.max_series
    }

    /// Adds a batch of metrics.
    pub fn accumulate(&mut self, metrics: &Metrics, now: Instant) {
        if self.last_sweep.is_none_or(|t| now.saturating_duration_since(t) >= SWEEP_EVERY) {
            self.expire(now);
        }
        for rm in &metrics.resource_metrics {
            let has_points =
                rm.scope_metrics.iter().flat_map(|s| &s.metrics).any(|m| m.data.point_count() > 0);
            if !has_points {
                continue;
            }
            let ctx = self.resource_ctx(&rm.resource);
            self.touch_target(&rm.resource, &ctx, now);
            for sm in &rm.scope_metrics {
                for metric in &sm.metrics {
                    self.accumulate_metric(metric, &sm.scope, &ctx, now);
                }
            }
        }
        self.update_series_gauge();
    }

    fn resource_ctx<'a>(&self, resource: &'a Resource) -> ResourceCtx<'a> {
        let (job, instance) = job_instance(&resource.attributes);
        let copied = if let Some(filter) = &self.opts.resource_constant_labels {
            resource.attributes.iter().filter(|(k, _)| filter.chooses(k)).collect()
        } else if self.opts.resource_to_telemetry {
            resource
                .attributes
                .iter()
                .filter(|(k, _)| !(self.opts.exclude_service_attributes && is_service_attribute(k)))
                .collect()
        } else {
            Vec::new()
        };
        ResourceCtx { job, instance, copied }
    }

    /// Records the resource's `target_info` labels: its attributes except `service.name`,
    /// `service.namespace` and `service.instance.id`, plus `job`, `instance` and const labels.
    fn touch_target(&mut self, resource: &Resource, ctx: &ResourceCtx<'_>, now: Instant) {
        if ctx.job.is_none() && ctx.instance.is_none() {
            return;
        }
        let attrs: Attributes = resource
            .attributes
            .iter_keys()
            .filter(|(k, _)| !is_service_attribute(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut map = attribute_labels(&attrs, &[], "");
        if let Some(job) = &ctx.job {
            map.insert("job".to_string(), job.clone());
        }
        if let Some(instance) = &ctx.instance {
            map.insert("instance".to_string(), instance.clone());
        }
        for (k, v) in &self.opts.const_labels {
            map.insert(k.clone(), v.clone());
        }
        let labels = finish(map);
        if let Some(updated) = self.targets.get_mut(&labels) {
            *updated = now;
        } else if self.has_room(now) {
            self.targets.insert(labels, now);
        } else {
            self.stats.drop_point(DropReason::SeriesLimit, 1);
        }
    }

    fn labels(&self, attrs: &Attributes, scope: &Scope, ctx: &ResourceCtx<'_>, reserved: &str) -> LabelSet {
        let mut map = attribute_labels(attrs, &ctx.copied, reserved);
        if let Some(job) = &ctx.job {
            map.insert("job".to_string(), job.clone());
        }
        if let Some(instance) = &ctx.instance {
            map.insert("instance".to_string(), instance.clone());
        }
        if !self.opts.without_scope_info {
            map.insert("otel_scope_name".to_string(), scope.name.clone());
            map.insert("otel_scope_version".to_string(), scope.version.clone());
        }
        for (k, v) in &self.opts.const_labels {
            map.insert(k.clone(), v.clone());
        }
        finish(map)
    }

    fn accumulate_metric(&mut self, metric: &Metric, scope: &Scope, ctx: &ResourceCtx<'_>, now: Instant) {
        let (kind, delta) = match &metric.data {
            MetricData::Gauge(_) => (PromType::Gauge, false),
            MetricData::Sum { temporality, monotonic, .. } => {
                let delta = *temporality == Temporality::Delta;
                if delta && !monotonic {
                    self.stats.drop_point(DropReason::DeltaNonMonotonic, metric.data.point_count() as u64);
                    return;
                }
                (if *monotonic { PromType::Counter } else { PromType::Gauge }, delta)
            }
            MetricData::Histogram { temporality, .. } => {
                (PromType::Histogram, *temporality == Temporality::Delta)
            }
            MetricData::Summary(_) => (PromType::Summary, false),
        };
        let name = metric_name(&metric.name, &metric.unit, kind, &self.opts.namespace, self.opts.strategy);
        if name.is_empty() {
            self.stats.drop_point(DropReason::InvalidName, metric.data.point_count() as u64);
            return;
        }
        // HELP falls back to the OTel name so every family has help text (promtool lints its absence).
        let help: Arc<str> = if metric.description.trim().is_empty() {
            Arc::from(metric.name.as_str())
        } else {
            Arc::from(metric.description.as_str())
        };
        match &metric.data {
            MetricData::Gauge(points) | MetricData::Sum { points, .. } => {
                for p in points {
                    let key =
                        SeriesKey { name: name.clone(), labels: self.labels(&p.attributes, scope, ctx, "") };
                    self.accumulate_number(key, kind, &help, p, delta, now);
                }
            }
            MetricData::Histogram { points, .. } => {
                for p in points {
                    let key = SeriesKey {
                        name: name.clone(),
                        labels: self.labels(&p.attributes, scope, ctx, "le"),
                    };
                    self.accumulate_histogram(key, &help, p, delta, now);
                }
            }
            MetricData::Summary(points) => {
                for p in points {
                    let key = SeriesKey {
                        name: name.clone(),
                        labels: self.labels(&p.attributes, scope, ctx, "quantile"),
                    };
                    self.accumulate_summary(key, &help, p, now);
                }
            }
        }
    }

    /// Inserts a new series if there is room; counts a refusal otherwise.
    fn insert(&mut self, key: SeriesKey, series: Series, now: Instant) {
        if self.has_room(now) {
            self.series.insert(key, series);
        } else {
            self.stats.drop_point(DropReason::SeriesLimit, 1);
        }
    }

    fn accumulate_number(
        &mut self,
        key: SeriesKey,
        kind: PromType,
        help: &Arc<str>,
        p: &NumberDataPoint,
        delta: bool,
        now: Instant,
    ) {
        if p.flags & FLAG_NO_RECORDED_VALUE != 0 {
            self.series.remove(&key);
            return;
        }
        let fresh = Series {
            kind,
            help: help.clone(),
            value: SeriesValue::Number(p.value),
            start_unix_nano: p.start_time_unix_nano,
            time_unix_nano: p.time_unix_nano,
            updated: now,
        };
        let Some(stored) = self.series.get_mut(&key) else {
            self.insert(key, fresh, now);
            return;
        };
        if stored.kind != kind {
            *stored = fresh;
            return;
        }
        if p.time_unix_nano < stored.time_unix_nano {
            self.stats.drop_point(DropReason::OutOfOrder, 1);
            return;
        }
        if delta
            && p.start_time_unix_nano == stored.time_unix_nano
            && let SeriesValue::Number(previous) = stored.value
        {
            // Contiguous delta: add to the running total, keep the original start.
            let start = stored.start_unix_nano;
            *stored = Series {
                value: SeriesValue::Number(add_number(previous, p.value)),
                start_unix_nano: start,
                ..fresh
            };
        } else {
            // Cumulative point, gauge, or a delta that does not continue the stored one (reset).
            *stored = fresh;
        }
    }

    fn accumulate_histogram(
        &mut self,
        key: SeriesKey,
        help: &Arc<str>,
        p: &HistogramDataPoint,
        delta: bool,
        now: Instant,
    ) {
        if p.flags & FLAG_NO_RECORDED_VALUE != 0 {
            self.series.remove(&key);
            return;
        }
        if !histogram_is_valid(p) {
            self.stats.drop_point(DropReason::InvalidPoint, 1);
            return;
        }
        let fresh = Series {
            kind: PromType::Histogram,
            help: help.clone(),
            value: histogram_value(p),
            start_unix_nano: p.start_time_unix_nano,
            time_unix_nano: p.time_unix_nano,
            updated: now,
        };
        let Some(stored) = self.series.get_mut(&key) else {
            self.insert(key, fresh, now);
            return;
        };
        if stored.kind != PromType::Histogram {
            *stored = fresh;
            return;
        }
        if !delta {
            if p.time_unix_nano < stored.time_unix_nano {
                self.stats.drop_point(DropReason::OutOfOrder, 1);
            } else {
                *stored = fresh;
            }
            return;
        }
        if p.start_time_unix_nano != stored.time_unix_nano {
            if p.start_time_unix_nano > stored.time_unix_nano {
                *stored = fresh; // a gap: the producer restarted
            } else {
                self.stats.drop_point(DropReason::Misaligned, 1);
            }
            return;
        }
        let merged = match &stored.value {
            SeriesValue::Histogram { count, sum, bounds, bucket_counts }
                if *bounds == p.explicit_bounds && bucket_counts.len() == p.bucket_counts.len() =>
            {
                Some(SeriesValue::Histogram {
                    count: count.saturating_add(p.count),
                    sum: sum + p.sum.unwrap_or(0.0),
                    bounds: bounds.clone(),
                    bucket_counts: bucket_counts
                        .iter()
                        .zip(&p.bucket_counts)
                        .map(|(a, b)| a.saturating_add(*b))
                        .collect(),
                })
            }
            _ => None,
        };
        match merged {
            Some(value) => {
                let start = stored.start_unix_nano;
                let time = stored.time_unix_nano.max(p.time_unix_nano);
                *stored = Series { value, start_unix_nano: start, time_unix_nano: time, ..fresh };
            }
            // Contiguous but the bounds changed: start over from this point.
            None => *stored = fresh,
        }
    }

    fn accumulate_summary(&mut self, key: SeriesKey, help: &Arc<str>, p: &SummaryDataPoint, now: Instant) {
        if p.flags & FLAG_NO_RECORDED_VALUE != 0 {
            self.series.remove(&key);
            return;
        }
        let fresh = Series {
            kind: PromType::Summary,
            help: help.clone(),
            value: summary_value(p),
            start_unix_nano: p.start_time_unix_nano,
            time_unix_nano: p.time_unix_nano,
            updated: now,
        };
        let Some(stored) = self.series.get_mut(&key) else {
            self.insert(key, fresh, now);
            return;
        };
        if stored.kind == PromType::Summary && p.time_unix_nano < stored.time_unix_nano {
            self.stats.drop_point(DropReason::OutOfOrder, 1);
        } else {
            *stored = fresh;
        }
    }
}

#[cfg(test)]
#[path = "accumulator_tests.rs"]
mod tests;
