//! The checks, the fixes and their reporting.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use dbintel_core::cache::BoundedCache;
use dbintel_core::component::CreateContext;
use dbintel_core::pdata::{Attributes, Logs, MetricData, Metrics, NumberValue, SignalData, Value};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{Processor, ProcessorError};
use dbintel_sql::fnv1a64;

use super::{EVENT_TYPE_ATTRIBUTE, MAX_POINT_AGE, MAX_POINT_FUTURE, NrErrorMonitorConfig, TRUNCATION_MARKER};
use crate::costcontrol::clock::{Clock, day_of};
use crate::costcontrol::series::{attributes_hash, series};
use crate::costcontrol::size;

/// One check: a New Relic limit or rule. `as_str` is the `check` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// A resource without a `required_resource_attributes` entry (prototype: `missing_attribute`).
    MissingAttribute,
    /// A resource without the entity synthesis attributes (`server.address`, `server.port`).
    MissingEntityAttributes,
    /// An attribute value longer than `max_attribute_length` characters (prototype:
    /// `attribute_too_long`).
    AttributeTooLong,
    /// An attribute name longer than `max_attribute_name_length`.
    AttributeNameTooLong,
    /// An array value with more than `max_array_length` entries.
    ArrayTooLong,
    /// A point or record with more attributes (resource and scope included) than allowed.
    TooManyAttributes,
    /// A metric name longer than `max_metric_name_length`.
    MetricNameTooLong,
    /// An empty metric name.
    InvalidMetricName,
    /// A point of a metric past `cardinality_warning_threshold` series today.
    HighCardinality,
    /// A delta non-monotonic sum (prototype: `invalid_sum_metric`).
    InvalidSumMetric,
    /// A summary point with quantiles (New Relic's summary type holds count and sum, not quantiles).
    SummaryQuantiles,
    /// A NaN or infinite value (rejected with its data point).
    InvalidNumber,
    /// A point timestamped more than 48h ago or 24h ahead (dropped by New Relic).
    TimestampOutOfRange,
    /// A batch whose encoded request is larger than `max_payload_bytes`.
    PayloadTooLarge,
    /// A log body longer than `max_log_message_bytes` (New Relic truncates it).
    LogMessageTooLong,
}

impl Check {
    pub const ALL: [Check; 15] = [
        Check::MissingAttribute,
        Check::MissingEntityAttributes,
        Check::AttributeTooLong,
        Check::AttributeNameTooLong,
        Check::ArrayTooLong,
        Check::TooManyAttributes,
        Check::MetricNameTooLong,
        Check::InvalidMetricName,
        Check::HighCardinality,
        Check::InvalidSumMetric,
        Check::SummaryQuantiles,
        Check::InvalidNumber,
        Check::TimestampOutOfRange,
        Check::PayloadTooLarge,
        Check::LogMessageTooLong,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Check::MissingAttribute => "missing_attribute",
            Check::MissingEntityAttributes => "missing_entity_attributes",
            Check::AttributeTooLong => "attribute_too_long",
            Check::AttributeNameTooLong => "attribute_name_too_long",
            Check::ArrayTooLong => "array_too_long",
            Check::TooManyAttributes => "too_many_attributes",
            Check::MetricNameTooLong => "metric_name_too_long",
            Check::InvalidMetricName => "invalid_metric_name",
            Check::HighCardinality => "high_cardinality",
            Check::InvalidSumMetric => "invalid_sum_metric",
            Check::SummaryQuantiles => "summary_quantiles",
            Check::InvalidNumber => "invalid_number",
            Check::TimestampOutOfRange => "timestamp_out_of_range",
            Check::PayloadTooLarge => "payload_too_large",
            Check::LogMessageTooLong => "log_message_too_long",
        }
    }

    /// What New Relic does and what to change, for the log line.
    fn advice(self) -> &'static str {
        match self {
            Check::MissingAttribute => {
                "New Relic cannot tie the data to a service entity; set it with the resource processor or OTEL_RESOURCE_ATTRIBUTES"
            }
            Check::MissingEntityAttributes => {
                "New Relic synthesizes database entities from server.address and server.port on the resource; use the receivers' semconv resource model or the resource processor"
            }
            Check::AttributeTooLong => {
                "New Relic truncates (before June 2025: dropped the record with an NrIntegrationError); db.query.text is the usual offender"
            }
            Check::AttributeNameTooLong => "New Relic drops the data with an NrIntegrationError",
            Check::ArrayTooLong => "New Relic keeps at most 64 array entries",
            Check::TooManyAttributes => "New Relic drops the data point or record with an NrIntegrationError",
            Check::MetricNameTooLong => {
                "New Relic drops the metric with an NrIntegrationError; rename it (transform processor)"
            }
            Check::InvalidMetricName => "New Relic drops metrics without a name",
            Check::HighCardinality => {
                "New Relic stops accepting new series of a metric name at 100k per day; remove per-request attributes (costcontrol, attributes processor)"
            }
            Check::InvalidSumMetric => {
                "a delta non-monotonic sum has no New Relic meaning; send it cumulative (an up-down counter) or as a gauge"
            }
            Check::SummaryQuantiles => {
                "New Relic's summary keeps count and sum; quantiles are not queryable; prefer histograms"
            }
            Check::InvalidNumber => "New Relic rejects the data point",
            Check::TimestampOutOfRange => {
                "New Relic drops metric points older than 48h or more than 24h ahead; check the clock"
            }
            Check::PayloadTooLarge => {
                "New Relic rejects requests over 1 MB compressed; lower the batch processor's send_batch_max_size"
            }
            Check::LogMessageTooLong => {
                "New Relic keeps at most 128 KB of a log message (the first 4094 characters searchable) and truncates the rest"
            }
        }
    }
}

/// A fix applied with `enable_proactive_validation`, the `fix` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// A value truncated with the marker.
    Truncate,
    /// An array cut to `max_array_length`.
    TruncateArray,
    /// An attribute dropped (name too long, or beyond the count).
    DropAttribute,
}

impl Fix {
    pub fn as_str(self) -> &'static str {
        match self {
            Fix::Truncate => "truncate",
            Fix::TruncateArray => "truncate_array",
            Fix::DropAttribute => "drop_attribute",
        }
    }
}

const CHECKS: usize = Check::ALL.len();

#[derive(Default)]
struct Tally {
    counts: [u64; CHECKS],
    /// A short, value-free example per check (names only).
    examples: [Option<String>; CHECKS],
}

impl Tally {
    fn hit(&mut self, c: Check, n: u64, example: impl FnOnce() -> String) {
        let i = c as usize;
        self.counts[i] += n;
        if self.examples[i].is_none() {
            self.examples[i] = Some(example());
        }
    }
}

/// A name as it may appear in a log line: at most 64 characters.
fn short(name: &str) -> String {
    if name.chars().count() <= 64 {
        name.to_string()
    } else {
        format!("{}...", name.chars().take(64).collect::<String>())
    }
}

fn too_long(s: &str, max: usize) -> bool {
    s.len() > max && s.chars().count() > max
}

/// `s` cut to at most `max` characters, the marker included.
fn truncated(s: &str, max: usize) -> String {
    let keep = max.saturating_sub(TRUNCATION_MARKER.chars().count());
    // Query texts are mostly ASCII: then the k-th character is the k-th byte (a vectorised check
    // instead of decoding every character).
    let end = match s.as_bytes().get(..keep) {
        Some(head) if head.is_ascii() => keep,
        Some(_) => s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i),
        None => s.len(),
    };
    let mut t = String::with_capacity(end + TRUNCATION_MARKER.len());
    t.push_str(&s[..end]);
    t.push_str(TRUNCATION_MARKER);
    t
}

/// `s` cut to at most `max` bytes (on a character boundary), the marker included.
fn truncate_bytes(s: &mut dbintel_core::pdata::CompactString, max: usize) {
    let mut cut = max.saturating_sub(TRUNCATION_MARKER.len());
    while cut > 0 && !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s.push_str(TRUNCATION_MARKER);
}

struct Limits {
    name: usize,
    value: usize,
    array: usize,
}

impl Limits {
    fn value_bad(&self, v: &Value) -> (bool, bool) {
        match v {
            Value::Str(s) => (too_long(s, self.value), false),
            Value::Array(a) => (
                a.iter().any(|e| matches!(e, Value::Str(s) if too_long(s, self.value))),
                a.len() > self.array,
            ),
            _ => (false, false),
        }
    }

    /// Counts the attribute checks of `attrs`; true if a fix would change them.
    fn scan(&self, attrs: &Attributes, t: &mut Tally) -> bool {
        let mut fixable = false;
        for (k, v) in attrs.iter() {
            if too_long(k, self.name) {
                t.hit(Check::AttributeNameTooLong, 1, || format!("attribute {}", short(k)));
                fixable = true;
                continue;
            }
            let (long, array) = self.value_bad(v);
            if long {
                t.hit(Check::AttributeTooLong, 1, || format!("attribute {}", short(k)));
                fixable = true;
            }
            if array {
                t.hit(Check::ArrayTooLong, 1, || format!("attribute {}", short(k)));
                fixable = true;
            }
        }
        fixable
    }

    fn needs_fix(&self, attrs: &Attributes, keep: usize) -> bool {
        attrs.len() > keep
            || attrs.iter().any(|(k, v)| {
                let (long, array) = self.value_bad(v);
                long || array || too_long(k, self.name)
            })
    }

    /// Applies the fixes to `attrs`, keeping at most `keep` attributes; counts them. Attributes
    /// that need nothing are left as they are (not rebuilt).
    fn fix(&self, attrs: &mut Attributes, keep: usize, fixes: &mut [u64; 3]) {
        if !self.needs_fix(attrs, keep) {
            return;
        }
        let mut out = Attributes::with_capacity(attrs.len().min(keep));
        for (k, v) in attrs.iter_keys() {
            if too_long(k, self.name) {
                fixes[Fix::DropAttribute as usize] += 1;
                continue;
            }
            if out.len() >= keep {
                fixes[Fix::DropAttribute as usize] += 1;
                continue;
            }
            let v = match v {
                Value::Str(s) if too_long(s, self.value) => {
                    fixes[Fix::Truncate as usize] += 1;
                    Value::from(truncated(s, self.value))
                }
                Value::Array(a) => {
                    let mut a: Vec<Value> = a.clone();
                    if a.len() > self.array {
                        a.truncate(self.array);
                        fixes[Fix::TruncateArray as usize] += 1;
                    }
                    for e in &mut a {
                        if let Value::Str(s) = e
                            && too_long(s, self.value)
                        {
                            *s = truncated(s, self.value).into();
                            fixes[Fix::Truncate as usize] += 1;
                        }
                    }
                    Value::Array(a)
                }
                other => other.clone(),
            };
            out.insert(k, v);
        }
        *attrs = out;
    }
}

struct Counters {
    potential: [Counter; CHECKS],
    fixes: [Counter; 3],
    evictions: Counter,
}

impl Counters {
    fn new(t: &Registry, id: &str) -> Self {
        Self {
            potential: Check::ALL.map(|c| {
                t.counter(
                    "otelcol_nrerror_potential_total",
                    "Items New Relic would drop or flag as NrIntegrationError, by check (the prototype's otelcol.nrerror.potential).",
                    &[("processor", id), ("check", c.as_str())],
                )
            }),
            fixes: [Fix::Truncate, Fix::TruncateArray, Fix::DropAttribute].map(|f| {
                t.counter(
                    "dbintel_nrerrormonitor_fixes_total",
                    "Fixes nrerrormonitor applied (enable_proactive_validation), by kind.",
                    &[("processor", id), ("fix", f.as_str())],
                )
            }),
            evictions: t.counter(
                "dbintel_nrerrormonitor_cardinality_evictions_total",
                "Metrics whose tracked series nrerrormonitor forgot at cardinality_max_metrics.",
                &[("processor", id)],
            ),
        }
    }
}

/// Series seen today per metric name (hash), shared by the component ID's pipelines.
struct Series {
    day: u64,
    metrics: BoundedCache<u64, HashSet<u64>>,
}

/// Log state of one check.
#[derive(Default, Clone, Copy)]
struct LogState {
    last_logged: Option<u64>,
    since_logged: u64,
    total: u64,
    alerted: bool,
}

pub struct NrErrorMonitor {
    cfg: NrErrorMonitorConfig,
    id: String,
    limits: Limits,
    clock: Arc<dyn Clock>,
    series: Arc<Mutex<Series>>,
    counters: Counters,
    logs: [LogState; CHECKS],
    /// Warning and alert lines logged (tests read it).
    lines: (u64, u64),
}

/// Attributes a record may keep beside `outer` resource and scope attributes; when those alone are
/// over the limit, dropping the record's own would not make it fit, so none are dropped.
fn room(max: usize, outer: usize) -> usize {
    if outer < max { max - outer } else { usize::MAX }
}

fn missing<'a>(attrs: &Attributes, names: &'a [String]) -> Vec<&'a str> {
    names.iter().filter(|n| attrs.get(n).is_none()).map(String::as_str).collect()
}

impl NrErrorMonitor {
    pub fn new(cfg: NrErrorMonitorConfig, ctx: &CreateContext, clock: Arc<dyn Clock>) -> Self {
        let id = ctx.id.to_string();
        let cap = cfg.cardinality_max_metrics;
        let day = day_of(clock.now_unix_nanos());
        let series = ctx.host.shared::<Mutex<Series>>(&ctx.id, || {
            Mutex::new(Series { day, metrics: BoundedCache::new(cap, None) })
        });
        Self {
            limits: Limits {
                name: cfg.max_attribute_name_length,
                value: cfg.max_attribute_length,
                array: cfg.max_array_length,
            },
            counters: Counters::new(&ctx.telemetry, &id),
            cfg,
            id,
            clock,
            series,
            logs: [LogState::default(); CHECKS],
            lines: (0, 0),
        }
    }

    /// `records_identify` says whether a record of the resource names a database (asked only when
    /// entity attributes are missing and the resource itself names none).
    /// A database resource with its entity attributes is a database entity for New Relic and needs
    /// no `required_resource_attributes` (`service.name` names a service entity, which it is not).
    /// `records_identify` is asked only when something is missing and the resource names no database.
    fn resource_checks(&self, attrs: &Attributes, t: &mut Tally, records_identify: impl FnOnce() -> bool) {
        let entity = missing(attrs, &self.cfg.entity_attributes);
        let required = missing(attrs, &self.cfg.required_resource_attributes);
        if entity.is_empty() && required.is_empty() {
            return;
        }
        let database = self.identifies_database(attrs) || records_identify();
        if !entity.is_empty() && database {
            t.hit(Check::MissingEntityAttributes, 1, || {
                format!("database resource without {}", entity.join(", "))
            });
        }
        let database_entity = database && entity.is_empty() && !self.cfg.entity_attributes.is_empty();
        if !required.is_empty() && !database_entity {
            t.hit(Check::MissingAttribute, 1, || format!("resource without {}", required.join(", ")));
        }
    }

    fn identifies_database(&self, attrs: &Attributes) -> bool {
        let ids = &self.cfg.entity_identity_attributes;
        ids.is_empty() || ids.iter().any(|k| attrs.get(k).is_some())
    }

    /// Pass 1 over logs: counts; true if a fix would change something.
    fn scan_logs(&self, l: &Logs, t: &mut Tally) -> bool {
        let least = self.cfg.max_log_attributes.min(self.cfg.max_event_attributes);
        let message = self.cfg.max_log_message_bytes;
        let mut fixable = false;
        for rl in &l.resource_logs {
            self.resource_checks(&rl.resource.attributes, t, || {
                rl.scope_logs
                    .iter()
                    .flat_map(|s| &s.log_records)
                    .any(|r| self.identifies_database(&r.attributes))
            });
            fixable |= self.limits.scan(&rl.resource.attributes, t);
            for sl in &rl.scope_logs {
                fixable |= self.limits.scan(&sl.scope.attributes, t);
                let outer = rl.resource.attributes.len() + sl.scope.attributes.len();
                for r in &sl.log_records {
                    fixable |= self.limits.scan(&r.attributes, t);
                    if let Some(Value::Str(body)) = &r.body
                        && body.len() > message
                    {
                        t.hit(Check::LogMessageTooLong, 1, || {
                            format!("{} record with a {}-byte body", short(&r.event_name), body.len())
                        });
                        fixable = true;
                    }
                    // The custom-event lookup only for records near the smaller limit.
                    let n = outer + r.attributes.len();
                    let max = if n > least {
                        self.record_limit([&rl.resource.attributes, &sl.scope.attributes], &r.attributes)
                    } else {
                        usize::MAX
                    };
                    if n > max {
                        t.hit(Check::TooManyAttributes, 1, || {
                            format!(
                                "{} record with {} attributes",
                                short(&r.event_name),
                                outer + r.attributes.len()
                            )
                        });
                        fixable |= outer < max;
                    }
                }
            }
        }
        fixable
    }

    /// The attribute limit of a log record: a custom event's when it (`record`) or its resource or
    /// scope (`outer`) carries `newrelic.event.type`, as New Relic flattens them.
    fn record_limit(&self, outer: [&Attributes; 2], record: &Attributes) -> usize {
        let event = record.get(EVENT_TYPE_ATTRIBUTE).is_some()
            || outer.iter().any(|a| a.get(EVENT_TYPE_ATTRIBUTE).is_some());
        if event { self.cfg.max_event_attributes } else { self.cfg.max_log_attributes }
    }

    fn fix_logs(&self, l: &mut Logs, fixes: &mut [u64; 3]) {
        let message = self.cfg.max_log_message_bytes;
        for rl in &mut l.resource_logs {
            self.limits.fix(&mut rl.resource.attributes, usize::MAX, fixes);
            for sl in &mut rl.scope_logs {
                self.limits.fix(&mut sl.scope.attributes, usize::MAX, fixes);
                let outer = rl.resource.attributes.len() + sl.scope.attributes.len();
                let scope = &sl.scope.attributes;
                // Under the smaller limit the count needs no fix: no custom-event lookup.
                let least = room(self.cfg.max_log_attributes.min(self.cfg.max_event_attributes), outer);
                for r in &mut sl.log_records {
                    let keep = if r.attributes.len() <= least {
                        least
                    } else {
                        room(self.record_limit([&rl.resource.attributes, scope], &r.attributes), outer)
                    };
                    self.limits.fix(&mut r.attributes, keep, fixes);
                    if let Some(Value::Str(body)) = &mut r.body
                        && body.len() > message
                    {
                        truncate_bytes(body, message);
                        fixes[Fix::Truncate as usize] += 1;
                    }
                }
            }
        }
    }

    /// Pass 1 over metrics: counts (series recorded); true if a fix would change something.
    fn scan_metrics(&self, m: &Metrics, now: u64, t: &mut Tally) -> bool {
        let max = self.cfg.max_metric_attributes;
        let threshold = self.cfg.cardinality_warning_threshold;
        let oldest = now.saturating_sub(MAX_POINT_AGE.as_nanos() as u64);
        let newest = now.saturating_add(MAX_POINT_FUTURE.as_nanos() as u64);
        let mut fixable = false;
        let mut series_state = self.series.lock().unwrap_or_else(PoisonError::into_inner);
        let today = day_of(now);
        if series_state.day != today {
            series_state.day = today;
            let cap = series_state.metrics.capacity();
            series_state.metrics = BoundedCache::new(cap, None);
        }
        for rm in &m.resource_metrics {
            self.resource_checks(&rm.resource.attributes, t, || false);
            fixable |= self.limits.scan(&rm.resource.attributes, t);
            let rh = attributes_hash(&rm.resource.attributes, |_| false);
            for sm in &rm.scope_metrics {
                fixable |= self.limits.scan(&sm.scope.attributes, t);
                let outer = rm.resource.attributes.len() + sm.scope.attributes.len();
                for metric in &sm.metrics {
                    let name = &metric.name;
                    if name.is_empty() {
                        t.hit(Check::InvalidMetricName, 1, || "a metric without a name".into());
                    } else if too_long(name, self.cfg.max_metric_name_length) {
                        t.hit(Check::MetricNameTooLong, 1, || format!("metric {}", short(name)));
                    }
                    match &metric.data {
                        MetricData::Sum {
                            temporality: dbintel_core::pdata::Temporality::Delta,
                            monotonic: false,
                            ..
                        } => t.hit(Check::InvalidSumMetric, 1, || format!("metric {}", short(name))),
                        MetricData::Summary(points)
                            if points.iter().any(|p| !p.quantile_values.is_empty()) =>
                        {
                            t.hit(Check::SummaryQuantiles, 1, || format!("metric {}", short(name)))
                        }
                        _ => {}
                    }
                    let key = fnv1a64(name.as_bytes());
                    if series_state.metrics.get_mut(&key).is_none() {
                        series_state.metrics.insert(key, HashSet::new());
                    }
                    let Some(set) = series_state.metrics.get_mut(&key) else { continue };
                    let mut point = |attrs: &Attributes, time: u64, finite: bool| {
                        fixable |= self.limits.scan(attrs, t);
                        if outer + attrs.len() > max {
                            t.hit(Check::TooManyAttributes, 1, || {
                                format!(
                                    "metric {} point with {} attributes",
                                    short(name),
                                    outer + attrs.len()
                                )
                            });
                            fixable |= outer < max;
                        }
                        if time != 0 && !(oldest..=newest).contains(&time) {
                            t.hit(Check::TimestampOutOfRange, 1, || format!("metric {}", short(name)));
                        }
                        if !finite {
                            t.hit(Check::InvalidNumber, 1, || format!("metric {}", short(name)));
                        }
                        let s = series(rh, attributes_hash(attrs, |_| false));
                        if !set.contains(&s) {
                            if set.len() < threshold {
                                set.insert(s);
                            } else {
                                t.hit(Check::HighCardinality, 1, || {
                                    format!("metric {} past {threshold} series today", short(name))
                                });
                            }
                        }
                    };
                    let finite_number = |v: NumberValue| match v {
                        NumberValue::Double(d) => d.is_finite(),
                        NumberValue::Int(_) => true,
                    };
                    match &metric.data {
                        MetricData::Gauge(v) | MetricData::Sum { points: v, .. } => {
                            for p in v {
                                point(&p.attributes, p.time_unix_nano, finite_number(p.value));
                            }
                        }
                        MetricData::Histogram { points, .. } => {
                            for p in points {
                                let finite = p.sum.is_none_or(f64::is_finite)
                                    && p.min.is_none_or(f64::is_finite)
                                    && p.max.is_none_or(f64::is_finite);
                                point(&p.attributes, p.time_unix_nano, finite);
                            }
                        }
                        MetricData::Summary(v) => {
                            for p in v {
                                let finite = p.sum.is_finite()
                                    && p.quantile_values.iter().all(|q| q.value.is_finite());
                                point(&p.attributes, p.time_unix_nano, finite);
                            }
                        }
                    }
                }
            }
        }
        self.counters.evictions.add(series_state.metrics.take_evictions());
        fixable
    }

    fn fix_metrics(&self, m: &mut Metrics, fixes: &mut [u64; 3]) {
        let max = self.cfg.max_metric_attributes;
        for rm in &mut m.resource_metrics {
            self.limits.fix(&mut rm.resource.attributes, usize::MAX, fixes);
            for sm in &mut rm.scope_metrics {
                self.limits.fix(&mut sm.scope.attributes, usize::MAX, fixes);
                let keep = room(max, rm.resource.attributes.len() + sm.scope.attributes.len());
                for metric in &mut sm.metrics {
                    match &mut metric.data {
                        MetricData::Gauge(v) | MetricData::Sum { points: v, .. } => {
                            v.iter_mut().for_each(|p| self.limits.fix(&mut p.attributes, keep, fixes))
                        }
                        MetricData::Histogram { points, .. } => {
                            points.iter_mut().for_each(|p| self.limits.fix(&mut p.attributes, keep, fixes))
                        }
                        MetricData::Summary(v) => {
                            v.iter_mut().for_each(|p| self.limits.fix(&mut p.attributes, keep, fixes))
                        }
                    }
                }
            }
        }
    }

    /// Warning and alert lines logged so far.
    pub fn lines_logged(&self) -> (u64, u64) {
        self.lines
    }

    /// Counts and logs (rate-limited per check; an alert once a check reaches `alert_threshold`).
    fn report(&mut self, t: Tally, now: u64) {
        let window = self.cfg.error_suppression_duration.get().as_nanos() as u64;
        for (i, n) in t.counts.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let check = Check::ALL[i];
            self.counters.potential[i].add(*n);
            let s = &mut self.logs[i];
            s.since_logged += n;
            s.total += n;
            let example = t.examples[i].as_deref().unwrap_or("");
            if s.last_logged.is_none_or(|at| now.saturating_sub(at) >= window) {
                tracing::warn!(
                    processor = %self.id,
                    check = check.as_str(),
                    count = s.since_logged,
                    example,
                    "New Relic would drop or flag this data (NrIntegrationError): {}",
                    check.advice()
                );
                s.last_logged = Some(now);
                s.since_logged = 0;
                self.lines.0 += 1;
            }
            if !s.alerted && s.total >= self.cfg.alert_threshold {
                s.alerted = true;
                self.lines.1 += 1;
                tracing::error!(
                    processor = %self.id,
                    check = check.as_str(),
                    total = s.total,
                    "nrerrormonitor alert: {} reached alert_threshold ({}); {}",
                    check.as_str(),
                    self.cfg.alert_threshold,
                    check.advice()
                );
            }
        }
    }
}

impl Processor for NrErrorMonitor {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let now = self.clock.now_unix_nanos();
        let mut tally = Tally::default();
        let fixable = match data.as_ref() {
            SignalData::Logs(l) => self.scan_logs(l, &mut tally),
            SignalData::Metrics(m) => self.scan_metrics(m, now, &mut tally),
            // Not a traces processor: validation refuses the pipeline.
            SignalData::Traces(_) => false,
        };
        let bytes = size::request_len(&data);
        if bytes > self.cfg.max_payload_bytes {
            tally.hit(Check::PayloadTooLarge, 1, || format!("{bytes} bytes before compression"));
        }
        if fixable && self.cfg.enable_proactive_validation {
            let mut fixes = [0u64; 3];
            match Arc::make_mut(&mut data) {
                SignalData::Logs(l) => self.fix_logs(l, &mut fixes),
                SignalData::Metrics(m) => self.fix_metrics(m, &mut fixes),
                SignalData::Traces(_) => {}
            }
            for (c, n) in self.counters.fixes.iter().zip(fixes) {
                c.add(n);
            }
        }
        self.report(tally, now);
        out.push(data);
        Ok(())
    }

    fn mutates_data(&self) -> bool {
        self.cfg.enable_proactive_validation
    }
}
