//! The costcontrol processor: month state shared per component ID, reductions, byte accounting.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use dbintel_core::cache::BoundedCache;
use dbintel_core::component::{CreateContext, ProcessorContext};
use dbintel_core::pdata::{Attributes, Logs, MetricData, Metrics, SeverityNumber, SignalData, Value};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{Processor, ProcessorError};
use dbintel_sql::fnv1a64;
use tokio::time::Instant;

use super::clock::{Clock, Month};
use super::series::{attributes_hash, series};
use super::size;
use super::state::{PersistedState, StateFile};
use super::{BYTES_PER_GB, CostControlConfig, TRUNCATED_MARKER};

/// What a reduction did, for `dbintel_costcontrol_reductions_total{kind}` (items affected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    /// Level 1: a debug/info log record dropped.
    DropLogSeverity,
    /// Level 2: a point of a `drop_metrics_over_budget` metric dropped.
    DropMetric,
    /// Level 3: a point or record lost its high-cardinality attributes.
    StripAttributes,
    /// A body truncated (always at `max_log_body_size`; level 4 at `over_budget_log_body_size`).
    TruncateBody,
    /// A point of a new series over `metric_cardinality_limit` lost its high-cardinality attributes.
    CardinalityStrip,
    /// A point of a new series over `metric_cardinality_limit` dropped.
    CardinalityDrop,
}

impl Reduction {
    pub const ALL: [Reduction; 6] = [
        Reduction::DropLogSeverity,
        Reduction::DropMetric,
        Reduction::StripAttributes,
        Reduction::TruncateBody,
        Reduction::CardinalityStrip,
        Reduction::CardinalityDrop,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Reduction::DropLogSeverity => "drop_log_severity",
            Reduction::DropMetric => "drop_metric",
            Reduction::StripAttributes => "strip_attributes",
            Reduction::TruncateBody => "truncate_body",
            Reduction::CardinalityStrip => "cardinality_strip",
            Reduction::CardinalityDrop => "cardinality_drop",
        }
    }
}

/// The reductions by level, for log lines.
const LEVEL_NAMES: [&str; 4] =
    ["drop debug/info logs", "drop listed metrics", "strip high-cardinality attributes", "truncate bodies"];

/// The month's spend, one per component ID.
pub(super) struct Inner {
    loaded: bool,
    month: Month,
    bytes: u64,
    since: u64,
    /// Series seen this month, per metric (keyed by the name's hash), each set capped at the limit.
    series: BoundedCache<u64, HashSet<u64>>,
    /// The series sets changed since they were last saved.
    series_dirty: bool,
    level: usize,
    saved: Option<PersistedState>,
    /// When an instance of this component last wrote the cost line: the instances of one ID (one
    /// per pipeline) share the month, so one line per interval is enough.
    last_report: Option<Instant>,
}

pub(super) struct Shared(Mutex<Inner>);

impl Shared {
    fn new(cfg: &CostControlConfig, now: u64) -> Self {
        Shared(Mutex::new(Inner {
            loaded: false,
            month: Month::of(now),
            bytes: 0,
            since: now,
            series: BoundedCache::new(cfg.cardinality_max_metrics, None),
            series_dirty: false,
            level: 0,
            saved: None,
            last_report: None,
        }))
    }
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Spend and projection at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    pub month: Month,
    pub bytes: u64,
    pub cost_usd: f64,
    pub projected_usd: f64,
    pub utilization: f64,
    pub level: usize,
}

fn project(inner: &Inner, cfg: &CostControlConfig, now: u64) -> Projection {
    let cost = inner.bytes as f64 / BYTES_PER_GB * cfg.price_per_gb;
    let elapsed = now.saturating_sub(inner.since) as f64 / 1e9;
    let window = elapsed.max(cfg.projection_min_window.get().as_secs_f64());
    let remaining = inner.month.end_nanos().saturating_sub(now) as f64 / 1e9;
    let projected = cost + cost / window * remaining;
    let utilization = projected / cfg.monthly_budget_usd;
    let level = cfg.reduction_thresholds.iter().filter(|t| utilization > **t).count();
    Projection {
        month: inner.month,
        bytes: inner.bytes,
        cost_usd: cost,
        projected_usd: projected,
        utilization,
        level,
    }
}

impl Inner {
    fn persisted(&self) -> PersistedState {
        PersistedState { version: 1, month: self.month, bytes: self.bytes, since_unix_nanos: self.since }
    }

    /// Moves to the month of `now` if it changed; returns the month that ended and its bytes.
    fn roll(&mut self, now: u64) -> Option<(Month, u64)> {
        let month = Month::of(now);
        if month <= self.month {
            return None;
        }
        let ended = (self.month, self.bytes);
        self.month = month;
        self.bytes = 0;
        // Running across the boundary: the new month is counted from its first instant.
        self.since = month.start_nanos().max(self.since.min(now));
        self.series = BoundedCache::new(self.series.capacity(), None);
        self.series_dirty = true;
        Some(ended)
    }
}

struct Counters {
    bytes_logs: Counter,
    bytes_metrics: Counter,
    bytes_traces: Counter,
    reductions: [Counter; 6],
    evictions: Counter,
    state_errors_load: Counter,
    state_errors_save: Counter,
    rollovers: Counter,
}

impl Counters {
    fn new(t: &Registry, id: &str) -> Self {
        let bytes = |signal: &str| {
            t.counter(
                "dbintel_costcontrol_bytes_total",
                "Encoded OTLP bytes costcontrol let pass (what is billed), by signal.",
                &[("processor", id), ("signal", signal)],
            )
        };
        let errors = |op: &str| {
            t.counter(
                "dbintel_costcontrol_state_errors_total",
                "costcontrol state file reads or writes that failed.",
                &[("processor", id), ("op", op)],
            )
        };
        Self {
            bytes_logs: bytes("logs"),
            bytes_metrics: bytes("metrics"),
            bytes_traces: bytes("traces"),
            reductions: Reduction::ALL.map(|r| {
                t.counter(
                    "dbintel_costcontrol_reductions_total",
                    "Items (points, records) costcontrol dropped or reduced, by kind.",
                    &[("processor", id), ("kind", r.as_str())],
                )
            }),
            evictions: t.counter(
                "dbintel_costcontrol_cardinality_evictions_total",
                "Metrics whose tracked series costcontrol forgot at cardinality_max_metrics.",
                &[("processor", id)],
            ),
            state_errors_load: errors("load"),
            state_errors_save: errors("save"),
            rollovers: t.counter(
                "dbintel_costcontrol_month_rollovers_total",
                "Calendar months (UTC) costcontrol closed.",
                &[("processor", id)],
            ),
        }
    }
}

#[derive(Default)]
struct Tally([u64; 6]);

impl Tally {
    fn add(&mut self, r: Reduction, n: u64) {
        self.0[r as usize] += n;
    }
}

pub struct CostControl {
    cfg: CostControlConfig,
    id: String,
    shared: Arc<Shared>,
    file: Option<StateFile>,
    clock: Arc<dyn Clock>,
    counters: Counters,
    high_card: NameSet,
    drop_metrics: HashSet<String>,
    interval: Duration,
    next_report: Option<Instant>,
}

/// Per-point decision of the metrics pass.
#[derive(Clone, Copy, PartialEq)]
enum Action {
    Keep,
    Strip,
    Drop,
}

macro_rules! each_point_attrs {
    ($data:expr, $p:ident => $body:expr) => {
        match $data {
            MetricData::Gauge(v) | MetricData::Sum { points: v, .. } => {
                for $p in v.iter() {
                    ($body)(&$p.attributes)
                }
            }
            MetricData::Histogram { points, .. } => {
                for $p in points.iter() {
                    ($body)(&$p.attributes)
                }
            }
            MetricData::Summary(v) => {
                for $p in v.iter() {
                    ($body)(&$p.attributes)
                }
            }
        }
    };
}

/// Keeps the points for which `f` (given the point's attributes) returns true.
fn retain_points(data: &mut MetricData, mut f: impl FnMut(&mut Attributes) -> bool) {
    match data {
        MetricData::Gauge(v) | MetricData::Sum { points: v, .. } => v.retain_mut(|p| f(&mut p.attributes)),
        MetricData::Histogram { points, .. } => points.retain_mut(|p| f(&mut p.attributes)),
        MetricData::Summary(v) => v.retain_mut(|p| f(&mut p.attributes)),
    }
}

/// A set of attribute names with a cheap prefilter (length and first byte), since most attributes
/// checked against it (`db.*`, `postgresql.*`) are not in it.
pub(crate) struct NameSet {
    names: HashSet<String>,
    lengths: u64,
    first: [bool; 256],
}

impl NameSet {
    pub(crate) fn new(list: &[String]) -> Self {
        let mut s = NameSet { names: HashSet::new(), lengths: 0, first: [false; 256] };
        for n in list {
            s.lengths |= 1u64 << n.len().min(63);
            if let Some(b) = n.bytes().next() {
                s.first[usize::from(b)] = true;
            }
            s.names.insert(n.clone());
        }
        s
    }

    #[inline]
    pub(crate) fn contains(&self, k: &str) -> bool {
        let Some(b) = k.bytes().next() else { return self.names.contains(k) };
        self.first[usize::from(b)] && self.lengths & (1u64 << k.len().min(63)) != 0 && self.names.contains(k)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

fn strip(attrs: &mut Attributes, names: &NameSet) -> bool {
    let before = attrs.len();
    attrs.retain(|k, _| !names.contains(k));
    attrs.len() != before
}

fn has_any(attrs: &Attributes, names: &NameSet) -> bool {
    !names.is_empty() && attrs.iter().any(|(k, _)| names.contains(k))
}

/// Truncates a string body longer than `limit` bytes to at most `limit` bytes, marker included.
pub(crate) fn truncate_with_marker(
    s: &mut dbintel_core::pdata::CompactString,
    limit: usize,
    marker: &str,
) -> bool {
    if s.len() <= limit {
        return false;
    }
    let mut cut = limit.saturating_sub(marker.len());
    while cut > 0 && !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s.push_str(marker);
    true
}

fn is_debug_or_info(s: SeverityNumber) -> bool {
    // Unspecified (0), as on our db.server.* events, is not a debug/info log.
    s.0 >= SeverityNumber::TRACE.0 && s.0 < SeverityNumber::WARN.0
}

impl CostControl {
    /// The processor for `ctx.id`, sharing the month state of that ID through `ctx.host`.
    pub fn new(
        cfg: CostControlConfig,
        ctx: &CreateContext,
        file: Option<StateFile>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let now = clock.now_unix_nanos();
        let shared = ctx.host.shared::<Shared>(&ctx.id, || Shared::new(&cfg, now));
        let id = ctx.id.to_string();
        let counters = Counters::new(&ctx.telemetry, &id);
        register_gauges(&ctx.telemetry, &id, &shared, &cfg, &clock);
        Self {
            high_card: NameSet::new(&cfg.high_cardinality_attributes),
            drop_metrics: cfg.drop_metrics_over_budget.iter().cloned().collect(),
            interval: cfg.reporting_interval.get(),
            cfg,
            id,
            shared,
            file,
            clock,
            counters,
            next_report: None,
        }
    }

    /// Sets the month's bytes (tests of the reduction levels).
    #[cfg(test)]
    pub(super) fn set_month_bytes(&self, bytes: u64) {
        self.shared.lock().bytes = bytes;
    }

    /// Spend and projection now.
    pub fn projection(&self) -> Projection {
        project(&self.shared.lock(), &self.cfg, self.clock.now_unix_nanos())
    }

    /// Loads the stored month once per component ID (the first instance to start).
    fn load(&self, inner: &mut Inner, now: u64) {
        if inner.loaded {
            return;
        }
        inner.loaded = true;
        let Some(file) = &self.file else { return };
        match file.load() {
            Ok(Some(s)) if s.month == Month::of(now) => {
                inner.month = s.month;
                inner.bytes = s.bytes;
                inner.since = s.since_unix_nanos.clamp(s.month.start_nanos(), now);
                inner.saved = Some(s);
                tracing::info!(
                    processor = %self.id,
                    month = %s.month,
                    bytes = s.bytes,
                    "costcontrol continues the month from its stored state"
                );
            }
            Ok(Some(s)) => {
                tracing::info!(
                    processor = %self.id,
                    stored_month = %s.month,
                    bytes = s.bytes,
                    "costcontrol's stored state is of an earlier month; this month starts from zero"
                );
            }
            Ok(None) => {}
            Err(e) => {
                self.counters.state_errors_load.inc();
                tracing::warn!(processor = %self.id, "costcontrol state: {e}");
            }
        }
        self.load_series(inner, file, now);
    }

    /// Loads the series sets of this month (the cardinality limit holds across a restart).
    fn load_series(&self, inner: &mut Inner, file: &StateFile, now: u64) {
        match file.load_series(self.cfg.cardinality_max_metrics, self.cfg.metric_cardinality_limit) {
            Ok(Some(stored)) if stored.month == Month::of(now) => {
                let metrics = stored.metrics.len();
                let mut series = 0;
                // Least recently used first, so the cache's recency order is the stored one.
                for (key, set) in stored.metrics {
                    series += set.len();
                    inner.series.insert(key, set.into_iter().collect());
                }
                tracing::info!(
                    processor = %self.id,
                    metrics,
                    series,
                    "costcontrol continues the month's series (cardinality limit) from its stored state"
                );
            }
            Ok(Some(stored)) => {
                // The file is rewritten (empty for this month) at the next save.
                inner.series_dirty = true;
                tracing::info!(
                    processor = %self.id,
                    stored_month = %stored.month,
                    "costcontrol's stored series are of an earlier month; this month's start empty"
                );
            }
            Ok(None) => {}
            Err(e) => {
                inner.series_dirty = true;
                self.counters.state_errors_load.inc();
                tracing::warn!(processor = %self.id, "costcontrol series state: {e}; the month's series start empty");
            }
        }
    }

    fn save(&self, inner: &mut Inner) {
        let Some(file) = &self.file else { return };
        let state = inner.persisted();
        if inner.saved != Some(state) {
            match file.save(&state) {
                Ok(()) => inner.saved = Some(state),
                Err(e) => {
                    self.counters.state_errors_save.inc();
                    tracing::warn!(processor = %self.id, "costcontrol state: {e}");
                }
            }
        }
        if inner.series_dirty {
            // Most recently used first from the cache; stored least recently used first.
            let mut metrics: Vec<(u64, &HashSet<u64>)> = inner.series.iter().map(|(k, v)| (*k, v)).collect();
            metrics.reverse();
            match file.save_series(inner.month, &metrics) {
                Ok(()) => inner.series_dirty = false,
                Err(e) => {
                    self.counters.state_errors_save.inc();
                    tracing::warn!(processor = %self.id, "costcontrol series state: {e}");
                }
            }
        }
    }

    /// Month rollover and the current level (logged when it changes).
    fn level(&self, inner: &mut Inner, now: u64) -> usize {
        self.load(inner, now);
        if let Some((month, bytes)) = inner.roll(now) {
            self.counters.rollovers.inc();
            tracing::info!(
                processor = %self.id,
                month = %month,
                bytes,
                cost_usd = bytes as f64 / BYTES_PER_GB * self.cfg.price_per_gb,
                "costcontrol closed the month"
            );
            self.save(inner);
        }
        let p = project(inner, &self.cfg, now);
        if p.level != inner.level {
            let active = LEVEL_NAMES[..p.level].join(", ");
            if p.level > inner.level {
                tracing::warn!(
                    processor = %self.id,
                    projected_usd = p.projected_usd,
                    budget_usd = self.cfg.monthly_budget_usd,
                    utilization = p.utilization,
                    "costcontrol: projected monthly cost over budget; reductions now: {active}"
                );
            } else {
                tracing::info!(
                    processor = %self.id,
                    projected_usd = p.projected_usd,
                    utilization = p.utilization,
                    "costcontrol: reductions now: {}",
                    if active.is_empty() { "none" } else { &active }
                );
            }
            inner.level = p.level;
        }
        p.level
    }

    fn logs(&self, data: &mut Arc<SignalData>, level: usize, tally: &mut Tally) {
        let body_limit =
            if level >= 4 { self.cfg.over_budget_log_body_size } else { self.cfg.max_log_body_size };
        let needs = |l: &Logs| {
            l.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records).any(|r| {
                (level >= 1 && is_debug_or_info(r.severity_number))
                    || matches!(&r.body, Some(Value::Str(s)) if s.len() > body_limit)
                    || (level >= 3 && has_any(&r.attributes, &self.high_card))
            })
        };
        let SignalData::Logs(l) = data.as_ref() else { return };
        if !needs(l) {
            return;
        }
        let SignalData::Logs(l) = Arc::make_mut(data) else { return };
        for rl in &mut l.resource_logs {
            for sl in &mut rl.scope_logs {
                sl.log_records.retain_mut(|r| {
                    if level >= 1 && is_debug_or_info(r.severity_number) {
                        tally.add(Reduction::DropLogSeverity, 1);
                        return false;
                    }
                    if let Some(Value::Str(s)) = &mut r.body
                        && truncate_with_marker(s, body_limit, TRUNCATED_MARKER)
                    {
                        tally.add(Reduction::TruncateBody, 1);
                    }
                    if level >= 3 && strip(&mut r.attributes, &self.high_card) {
                        tally.add(Reduction::StripAttributes, 1);
                    }
                    true
                });
            }
            rl.scope_logs.retain(|s| !s.log_records.is_empty());
        }
        l.resource_logs.retain(|r| !r.scope_logs.is_empty());
    }

    /// Decides every point on the shared batch (recording new series), then changes a copy only if
    /// some point must change.
    fn metrics(&self, data: &mut Arc<SignalData>, level: usize, inner: &mut Inner, tally: &mut Tally) {
        let SignalData::Metrics(m) = data.as_ref() else { return };
        let limit = self.cfg.metric_cardinality_limit;
        let strip_all = level >= 3 && !self.high_card.is_empty();
        let high = |k: &str| self.high_card.contains(k);
        let mut actions: Vec<Action> = Vec::new();
        let mut change = false;
        let mut new_series = false;
        for rm in &m.resource_metrics {
            let rh = attributes_hash(&rm.resource.attributes, |_| false);
            for sm in &rm.scope_metrics {
                for metric in &sm.metrics {
                    if level >= 2 && self.drop_metrics.contains(&metric.name) {
                        change = true;
                        continue;
                    }
                    let key = fnv1a64(metric.name.as_bytes());
                    if inner.series.get_mut(&key).is_none() {
                        inner.series.insert(key, HashSet::new());
                    }
                    let Some(set) = inner.series.get_mut(&key) else { continue };
                    each_point_attrs!(&metric.data, p => |a: &Attributes| {
                        let stripped = strip_all && has_any(a, &self.high_card);
                        let h = if stripped { attributes_hash(a, high) } else { attributes_hash(a, |_| false) };
                        let s = series(rh, h);
                        let action = if set.contains(&s) {
                            if stripped { Action::Strip } else { Action::Keep }
                        } else if set.len() < limit {
                            set.insert(s);
                            new_series = true;
                            if stripped { Action::Strip } else { Action::Keep }
                        } else if !stripped && has_any(a, &self.high_card)
                            && set.contains(&series(rh, attributes_hash(a, high)))
                        {
                            Action::Strip
                        } else {
                            Action::Drop
                        };
                        change |= action != Action::Keep;
                        actions.push(action);
                    });
                }
            }
        }
        let evicted = inner.series.take_evictions();
        self.counters.evictions.add(evicted);
        inner.series_dirty |= new_series || evicted > 0;
        if !change {
            return;
        }
        let SignalData::Metrics(m) = Arc::make_mut(data) else { return };
        let mut next = actions.into_iter();
        prune_metrics(m, |name, data| {
            if level >= 2 && self.drop_metrics.contains(name) {
                tally.add(Reduction::DropMetric, data.point_count() as u64);
                return false;
            }
            retain_points(data, |attrs| match next.next().unwrap_or(Action::Keep) {
                Action::Keep => true,
                Action::Strip => {
                    strip(attrs, &self.high_card);
                    tally.add(
                        if strip_all { Reduction::StripAttributes } else { Reduction::CardinalityStrip },
                        1,
                    );
                    true
                }
                Action::Drop => {
                    tally.add(Reduction::CardinalityDrop, 1);
                    false
                }
            });
            data.point_count() > 0
        });
    }
}

/// Keeps the metrics for which `f` returns true, then removes empty scopes and resources.
fn prune_metrics(m: &mut Metrics, mut f: impl FnMut(&str, &mut MetricData) -> bool) {
    for rm in &mut m.resource_metrics {
        for sm in &mut rm.scope_metrics {
            sm.metrics.retain_mut(|metric| f(&metric.name, &mut metric.data));
        }
        rm.scope_metrics.retain(|s| !s.metrics.is_empty());
    }
    m.resource_metrics.retain(|r| !r.scope_metrics.is_empty());
}

fn register_gauges(
    t: &Registry,
    id: &str,
    shared: &Arc<Shared>,
    cfg: &CostControlConfig,
    clock: &Arc<dyn Clock>,
) {
    let labels = [("processor", id)];
    let gauge = |name: &str, help: &str, pick: fn(&Projection) -> f64| {
        let (shared, cfg, clock) = (shared.clone(), cfg.clone(), clock.clone());
        t.gauge_fn(name, help, &labels, move || pick(&project(&shared.lock(), &cfg, clock.now_unix_nanos())));
    };
    gauge("dbintel_costcontrol_month_bytes", "Encoded OTLP bytes passed this calendar month (UTC).", |p| {
        p.bytes as f64
    });
    gauge("dbintel_costcontrol_month_cost_usd", "Cost of this month's bytes at price_per_gb.", |p| {
        p.cost_usd
    });
    gauge(
        "dbintel_costcontrol_projected_cost_usd",
        "This month's cost so far plus the current rate over the rest of the month.",
        |p| p.projected_usd,
    );
    gauge(
        "dbintel_costcontrol_budget_utilization_ratio",
        "Projected monthly cost / monthly_budget_usd.",
        |p| p.utilization,
    );
    gauge("dbintel_costcontrol_reduction_level", "Reductions in effect (0 to 4).", |p| p.level as f64);
    t.gauge_fn("dbintel_costcontrol_monthly_budget_usd", "The configured monthly budget.", &labels, {
        let b = cfg.monthly_budget_usd;
        move || b
    });
}

impl Processor for CostControl {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let now = self.clock.now_unix_nanos();
        let mut tally = Tally::default();
        let mut inner = self.shared.lock();
        let level = self.level(&mut inner, now);
        let bytes = match data.as_ref() {
            SignalData::Metrics(_) => {
                self.metrics(&mut data, level, &mut inner, &mut tally);
                drop(inner);
                let b = size::request_len(&data) as u64;
                self.counters.bytes_metrics.add(b);
                b
            }
            SignalData::Logs(_) => {
                drop(inner);
                self.logs(&mut data, level, &mut tally);
                let b = size::request_len(&data) as u64;
                self.counters.bytes_logs.add(b);
                b
            }
            // Spans count against the month's budget as billed (the prototype's traces path did
            // too); the reductions are for metric series and query records, so spans pass whole.
            SignalData::Traces(t) => {
                drop(inner);
                let b = size::traces_request_len(t) as u64;
                self.counters.bytes_traces.add(b);
                b
            }
        };
        for (i, n) in tally.0.iter().enumerate() {
            if *n > 0 {
                self.counters.reductions[i].add(*n);
            }
        }
        if !data.is_empty() {
            let mut inner = self.shared.lock();
            inner.bytes = inner.bytes.saturating_add(bytes);
            drop(inner);
            out.push(data);
        }
        Ok(())
    }

    fn start(&mut self, _ctx: &ProcessorContext) -> Result<(), ProcessorError> {
        let now = self.clock.now_unix_nanos();
        let mut inner = self.shared.lock();
        self.level(&mut inner, now);
        drop(inner);
        self.next_report = Some(Instant::now() + self.interval);
        Ok(())
    }

    /// Not held data: its timer is the cost report; it holds no data.
    fn holds_data(&self) -> bool {
        false
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.next_report
    }

    fn on_timer(&mut self, _out: &mut Vec<Arc<SignalData>>) {
        let now = self.clock.now_unix_nanos();
        let mut inner = self.shared.lock();
        self.level(&mut inner, now);
        let p = project(&inner, &self.cfg, now);
        self.save(&mut inner);
        let wall = Instant::now();
        let reported_lately =
            inner.last_report.is_some_and(|t| wall.saturating_duration_since(t) < self.interval / 2);
        if !reported_lately {
            inner.last_report = Some(wall);
        }
        drop(inner);
        self.next_report = Some(wall + self.interval);
        if reported_lately {
            return;
        }
        tracing::info!(
            processor = %self.id,
            month = %p.month,
            bytes = p.bytes,
            cost_usd = p.cost_usd,
            projected_usd = p.projected_usd,
            utilization_pct = p.utilization * 100.0,
            reduction_level = p.level,
            "costcontrol"
        );
    }

    fn flush(&mut self, _out: &mut Vec<Arc<SignalData>>) {
        let mut inner = self.shared.lock();
        self.save(&mut inner);
    }

    fn shutdown(&mut self) {
        let mut inner = self.shared.lock();
        self.save(&mut inner);
    }
}
