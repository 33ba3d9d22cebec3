//! Dropping records. A batch this processor owns changes in place; a batch shared with another
//! pipeline is read first (every decision made without copying it) and then passed on unchanged
//! when nothing is dropped, or rebuilt from copies of the kept records only. Empty scopes and
//! resources go with their last record; a batch left empty is not sent on.

use std::sync::Arc;

use dbintel_core::pdata::{
    Logs, Metric, MetricData, Metrics, ResourceMetrics, ScopeMetrics, SignalData, Traces,
};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{Processor, ProcessorError};

use super::Compiled;
use crate::keep::keep_records;
use crate::ottl::{
    Condition, ErrorMode, ErrorReport, MetricView, Point, PointRef, Record, Shared, Source, SpanRecord,
};

pub struct Filter {
    c: Compiled,
    mode: ErrorMode,
    report: ErrorReport,
    dropped_logs: Counter,
    dropped_points: Counter,
    dropped_spans: Counter,
}

impl Filter {
    pub fn new(c: Compiled, mode: ErrorMode, t: &Registry, id: &str) -> Self {
        let dropped = |signal: &str| {
            t.counter(
                "dbintel_filter_dropped_total",
                "Items the filter dropped: log records, metric data points or spans.",
                &[("processor", id), ("signal", signal)],
            )
        };
        Self {
            c,
            mode,
            report: ErrorReport::new(t, id, "filter"),
            dropped_logs: dropped("logs"),
            dropped_points: dropped("metrics"),
            dropped_spans: dropped("traces"),
        }
    }
}

/// Whether any condition holds; a failing condition counts as not holding unless it propagates.
fn any<S: Source>(
    conds: &[Condition],
    rec: &S,
    mode: ErrorMode,
    report: &mut ErrorReport,
) -> Result<bool, ProcessorError> {
    for c in conds {
        match c.eval(rec) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(e) => report.fail(mode, &c.label, &e)?,
        }
    }
    Ok(false)
}

impl Filter {
    fn logs(&mut self, logs: &mut Logs) -> Result<u64, ProcessorError> {
        let c = &self.c;
        let mut dropped = 0u64;
        let mut failure = None;
        for rl in &mut logs.resource_logs {
            let resource = &mut rl.resource;
            for sl in &mut rl.scope_logs {
                let scope = &mut sl.scope;
                sl.log_records.retain_mut(|lr| {
                    if failure.is_some() {
                        return true;
                    }
                    let legacy = c.logs_include.as_ref().is_some_and(|m| !m.matches(resource, lr))
                        || c.logs_exclude.as_ref().is_some_and(|m| m.matches(resource, lr));
                    let drop = legacy || {
                        let rec = Record {
                            resource: &mut *resource,
                            scope: Some(&mut *scope),
                            log: Some(lr),
                            metric: None,
                            point: None,
                            cache: None,
                            span: None,
                        };
                        match any(&c.log_record, &rec, self.mode, &mut self.report) {
                            Ok(d) => d,
                            Err(e) => {
                                failure = Some(e);
                                false
                            }
                        }
                    };
                    dropped += u64::from(drop);
                    !drop
                });
            }
            rl.scope_logs.retain(|s| !s.log_records.is_empty());
        }
        logs.resource_logs.retain(|r| !r.scope_logs.is_empty());
        match failure {
            Some(e) => Err(e),
            None => Ok(dropped),
        }
    }

    fn metrics(&mut self, m: &mut Metrics) -> Result<u64, ProcessorError> {
        let c = &self.c;
        let mut dropped = 0u64;
        let mut failure = None;
        for rm in &mut m.resource_metrics {
            let resource = &mut rm.resource;
            for sm in &mut rm.scope_metrics {
                let scope = &mut sm.scope;
                sm.metrics.retain_mut(|metric| {
                    if failure.is_some() {
                        return true;
                    }
                    let before = metric.data.point_count() as u64;
                    let legacy = c.metrics_include.as_ref().is_some_and(|x| !x.matches(resource, metric))
                        || c.metrics_exclude.as_ref().is_some_and(|x| x.matches(resource, metric));
                    let whole = legacy || {
                        let rec = Record {
                            resource: &mut *resource,
                            scope: Some(&mut *scope),
                            log: None,
                            metric: Some(MetricView::whole(metric)),
                            point: None,
                            cache: None,
                            span: None,
                        };
                        match any(&c.metric, &rec, self.mode, &mut self.report) {
                            Ok(d) => d,
                            Err(e) => {
                                failure = Some(e);
                                return true;
                            }
                        }
                    };
                    if whole {
                        dropped += before;
                        return false;
                    }
                    if c.datapoint.is_empty() || before == 0 {
                        return true;
                    }
                    let (mut view, data) = MetricView::split(metric);
                    let mut keep = |point: Point<'_>, view: &mut MetricView<'_>| {
                        if failure.is_some() {
                            return true;
                        }
                        let rec = Record {
                            resource: &mut *resource,
                            scope: Some(&mut *scope),
                            log: None,
                            metric: Some(view.reborrow()),
                            point: Some(point),
                            cache: None,
                            span: None,
                        };
                        match any(&c.datapoint, &rec, self.mode, &mut self.report) {
                            Ok(d) => !d,
                            Err(e) => {
                                failure = Some(e);
                                true
                            }
                        }
                    };
                    match data {
                        MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => {
                            p.retain_mut(|pt| keep(Point::Number(pt), &mut view))
                        }
                        MetricData::Histogram { points, .. } => {
                            points.retain_mut(|pt| keep(Point::Histogram(pt), &mut view))
                        }
                        MetricData::Summary(p) => p.retain_mut(|pt| keep(Point::Summary(pt), &mut view)),
                    }
                    let after = metric.data.point_count() as u64;
                    dropped += before - after;
                    after > 0
                });
            }
            rm.scope_metrics.retain(|s| !s.metrics.is_empty());
        }
        m.resource_metrics.retain(|r| !r.scope_metrics.is_empty());
        match failure {
            Some(e) => Err(e),
            None => Ok(dropped),
        }
    }
}

/// What stays of a traces batch: per span in batch order, `None` when it goes, else the events
/// that go (their indexes).
type SpanPlan = Vec<Option<Vec<usize>>>;

impl Filter {
    /// Decides on every span and span event without changing the batch (it may be shared): spans
    /// first, then the events of the spans that stay (the Collector's order).
    fn span_plan(&mut self, t: &Traces) -> Result<(SpanPlan, u64, bool), ProcessorError> {
        let c = &self.c;
        let mut plan = Vec::new();
        let (mut dropped, mut changes) = (0u64, false);
        for rs in &t.resource_spans {
            for ss in &rs.scope_spans {
                for span in &ss.spans {
                    let rec = SpanRecord { resource: &rs.resource, scope: &ss.scope, span, event: None };
                    // Legacy `spans`: include is applied first, then exclude (the Collector's order).
                    let legacy_drop = c.spans.as_ref().is_some_and(|f| {
                        f.include.as_ref().is_some_and(|m| !m.matches(span, &rs.resource, &ss.scope))
                            || f.exclude.as_ref().is_some_and(|m| m.matches(span, &rs.resource, &ss.scope))
                    });
                    if legacy_drop || any(&c.span, &rec, self.mode, &mut self.report)? {
                        dropped += 1;
                        changes = true;
                        plan.push(None);
                        continue;
                    }
                    let mut gone = Vec::new();
                    if !c.spanevent.is_empty() {
                        for (i, event) in span.events.iter().enumerate() {
                            let rec = SpanRecord {
                                resource: &rs.resource,
                                scope: &ss.scope,
                                span,
                                event: Some(event),
                            };
                            if any(&c.spanevent, &rec, self.mode, &mut self.report)? {
                                gone.push(i);
                            }
                        }
                    }
                    changes |= !gone.is_empty();
                    plan.push(Some(gone));
                }
            }
        }
        Ok((plan, dropped, changes))
    }

    /// Drops what `span_plan` decided (copying the batch first only when it is shared).
    fn traces(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let SignalData::Traces(t) = &*data else { return Ok(()) };
        let (plan, dropped, changes) = self.span_plan(t)?;
        self.dropped_spans.add(dropped);
        if !changes {
            out.push(data);
            return Ok(());
        }
        if let SignalData::Traces(t) = Arc::make_mut(&mut data) {
            let mut fates = plan.into_iter();
            for rs in &mut t.resource_spans {
                for ss in &mut rs.scope_spans {
                    ss.spans.retain_mut(|span| match fates.next() {
                        Some(None) => false,
                        Some(Some(gone)) => {
                            if !gone.is_empty() {
                                let mut i = 0;
                                span.events.retain(|_| {
                                    let keep = !gone.contains(&i);
                                    i += 1;
                                    keep
                                });
                            }
                            true
                        }
                        None => true,
                    });
                }
                rs.scope_spans.retain(|s| !s.spans.is_empty());
            }
            t.resource_spans.retain(|r| !r.scope_spans.is_empty());
        }
        if !data.is_empty() {
            out.push(data);
        }
        Ok(())
    }
}

impl Processor for Filter {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let c = &self.c;
        if let SignalData::Traces(_) = &*data {
            if c.span.is_empty() && c.spanevent.is_empty() && c.spans.is_none() {
                out.push(data);
                return Ok(());
            }
            return self.traces(data, out);
        }
        let idle = match &*data {
            SignalData::Logs(_) => {
                c.log_record.is_empty() && c.logs_include.is_none() && c.logs_exclude.is_none()
            }
            SignalData::Metrics(_) => {
                c.metric.is_empty()
                    && c.datapoint.is_empty()
                    && c.metrics_include.is_none()
                    && c.metrics_exclude.is_none()
            }
            SignalData::Traces(_) => true,
        };
        if idle {
            out.push(data);
            return Ok(());
        }
        match Arc::get_mut(&mut data) {
            Some(SignalData::Logs(l)) => {
                let n = self.logs(l)?;
                self.dropped_logs.add(n);
            }
            Some(SignalData::Metrics(m)) => {
                let n = self.metrics(m)?;
                self.dropped_points.add(n);
            }
            Some(SignalData::Traces(_)) => {}
            None => return self.shared(data, out),
        }
        if !data.is_empty() {
            out.push(data);
        }
        Ok(())
    }
}

/// What becomes of one metric of a shared batch.
enum Fate {
    Drop,
    Keep,
    /// Some points stay: those whose entries in [`MetricPlan::keep_point`] (this range) are true.
    Points(std::ops::Range<usize>),
}

/// What stays of a shared metrics batch, one fate per metric in batch order.
struct MetricPlan {
    fates: Vec<Fate>,
    keep_point: Vec<bool>,
}

impl Filter {
    /// A batch another pipeline holds too: decide on it as it is, then copy only what stays.
    fn shared(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        match &*data {
            SignalData::Logs(l) => {
                let decisions = self.log_decisions(l)?;
                let dropped = decisions.iter().filter(|d| d.is_none()).count() as u64;
                self.dropped_logs.add(dropped);
                if dropped == 0 {
                    out.push(data);
                } else {
                    keep_records(data, &decisions, |_, _: &()| {}, out);
                }
            }
            SignalData::Metrics(m) => {
                let (plan, dropped) = self.metric_plan(m)?;
                self.dropped_points.add(dropped);
                if plan.fates.iter().all(|f| matches!(f, Fate::Keep)) {
                    out.push(data);
                } else {
                    let kept = copy_kept_metrics(m, &plan);
                    if !kept.resource_metrics.is_empty() {
                        out.push(Arc::new(SignalData::Metrics(kept)));
                    }
                }
            }
            SignalData::Traces(_) => out.push(data),
        }
        Ok(())
    }

    /// `Some(())` for each log record that stays.
    fn log_decisions(&mut self, logs: &Logs) -> Result<Vec<Option<()>>, ProcessorError> {
        let c = &self.c;
        let mut out = Vec::new();
        for rl in &logs.resource_logs {
            for sl in &rl.scope_logs {
                for lr in &sl.log_records {
                    let legacy = c.logs_include.as_ref().is_some_and(|m| !m.matches(&rl.resource, lr))
                        || c.logs_exclude.as_ref().is_some_and(|m| m.matches(&rl.resource, lr));
                    let drop = legacy || {
                        let rec = Shared {
                            resource: &rl.resource,
                            scope: Some(&sl.scope),
                            log: Some(lr),
                            metric: None,
                            point: None,
                        };
                        any(&c.log_record, &rec, self.mode, &mut self.report)?
                    };
                    out.push((!drop).then_some(()));
                }
            }
        }
        Ok(out)
    }

    /// What stays of a metrics batch, and how many data points go.
    fn metric_plan(&mut self, m: &Metrics) -> Result<(MetricPlan, u64), ProcessorError> {
        let c = &self.c;
        let mut plan = MetricPlan { fates: Vec::new(), keep_point: Vec::new() };
        let mut dropped = 0u64;
        for rm in &m.resource_metrics {
            for sm in &rm.scope_metrics {
                for metric in &sm.metrics {
                    let before = metric.data.point_count() as u64;
                    let legacy = c.metrics_include.as_ref().is_some_and(|x| !x.matches(&rm.resource, metric))
                        || c.metrics_exclude.as_ref().is_some_and(|x| x.matches(&rm.resource, metric));
                    let whole = legacy || {
                        let rec = Shared {
                            resource: &rm.resource,
                            scope: Some(&sm.scope),
                            log: None,
                            metric: Some(metric),
                            point: None,
                        };
                        any(&c.metric, &rec, self.mode, &mut self.report)?
                    };
                    if whole {
                        dropped += before;
                        plan.fates.push(Fate::Drop);
                        continue;
                    }
                    if c.datapoint.is_empty() || before == 0 {
                        plan.fates.push(Fate::Keep);
                        continue;
                    }
                    let start = plan.keep_point.len();
                    let mut decide = |point: PointRef<'_>| -> Result<(), ProcessorError> {
                        let rec = Shared {
                            resource: &rm.resource,
                            scope: Some(&sm.scope),
                            log: None,
                            metric: Some(metric),
                            point: Some(point),
                        };
                        let keep = !any(&c.datapoint, &rec, self.mode, &mut self.report)?;
                        plan.keep_point.push(keep);
                        Ok(())
                    };
                    match &metric.data {
                        MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => {
                            p.iter().try_for_each(|pt| decide(PointRef::Number(pt)))?
                        }
                        MetricData::Histogram { points, .. } => {
                            points.iter().try_for_each(|pt| decide(PointRef::Histogram(pt)))?
                        }
                        MetricData::Summary(p) => {
                            p.iter().try_for_each(|pt| decide(PointRef::Summary(pt)))?
                        }
                    }
                    let range = start..plan.keep_point.len();
                    let kept = plan.keep_point[range.clone()].iter().filter(|k| **k).count() as u64;
                    dropped += before - kept;
                    plan.fates.push(match kept {
                        // A metric left without points goes too (as in place).
                        0 => Fate::Drop,
                        k if k == before => Fate::Keep,
                        _ => Fate::Points(range),
                    });
                }
            }
        }
        Ok((plan, dropped))
    }
}

/// Copies of the metrics and data points `plan` keeps; scopes and resources left empty go.
fn copy_kept_metrics(m: &Metrics, plan: &MetricPlan) -> Metrics {
    let mut fates = plan.fates.iter();
    let mut resource_metrics = Vec::new();
    for rm in &m.resource_metrics {
        let mut scope_metrics = Vec::new();
        for sm in &rm.scope_metrics {
            let mut metrics = Vec::new();
            for metric in &sm.metrics {
                match fates.next() {
                    Some(Fate::Keep) | None => metrics.push(metric.clone()),
                    Some(Fate::Drop) => {}
                    Some(Fate::Points(range)) => {
                        let keep = plan.keep_point.get(range.clone()).unwrap_or_default();
                        let pick = |i: usize| keep.get(i).copied().unwrap_or(true);
                        let data = match &metric.data {
                            MetricData::Gauge(p) => MetricData::Gauge(kept_points(p, pick)),
                            MetricData::Sum { points, temporality, monotonic } => MetricData::Sum {
                                points: kept_points(points, pick),
                                temporality: *temporality,
                                monotonic: *monotonic,
                            },
                            MetricData::Histogram { points, temporality } => MetricData::Histogram {
                                points: kept_points(points, pick),
                                temporality: *temporality,
                            },
                            MetricData::Summary(p) => MetricData::Summary(kept_points(p, pick)),
                        };
                        metrics.push(Metric {
                            name: metric.name.clone(),
                            description: metric.description.clone(),
                            unit: metric.unit.clone(),
                            data,
                        });
                    }
                }
            }
            if !metrics.is_empty() {
                scope_metrics.push(ScopeMetrics {
                    scope: sm.scope.clone(),
                    metrics,
                    schema_url: sm.schema_url.clone(),
                });
            }
        }
        if !scope_metrics.is_empty() {
            resource_metrics.push(ResourceMetrics {
                resource: rm.resource.clone(),
                scope_metrics,
                schema_url: rm.schema_url.clone(),
            });
        }
    }
    Metrics { resource_metrics }
}

fn kept_points<P: Clone>(points: &[P], keep: impl Fn(usize) -> bool) -> Vec<P> {
    points.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, p)| p.clone()).collect()
}
