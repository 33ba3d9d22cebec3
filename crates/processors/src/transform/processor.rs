//! Running the compiled groups over a batch, in place (copy-on-write when the batch is shared).

use std::sync::Arc;

use dbintel_core::pdata::{Attributes, Logs, MetricData, Metrics, SignalData, Traces};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{Processor, ProcessorError};

use super::Group;
use crate::ottl::{Ctx, ErrorReport, MetricView, Point, Record, SpanMut};

pub struct Transform {
    logs: Vec<Group>,
    metrics: Vec<Group>,
    traces: Vec<Group>,
    report: ErrorReport,
    applied: Counter,
}

impl Transform {
    pub fn new(logs: Vec<Group>, metrics: Vec<Group>, traces: Vec<Group>, t: &Registry, id: &str) -> Self {
        Self {
            logs,
            metrics,
            traces,
            report: ErrorReport::new(t, id, "transform"),
            applied: t.counter(
                "dbintel_transform_statements_applied_total",
                "OTTL statements whose where clause held and that ran on a record.",
                &[("processor", id)],
            ),
        }
    }
}

/// Runs a group on one record: its conditions gate it, then each statement in order.
fn apply(
    g: &Group,
    rec: &mut Record<'_>,
    report: &mut ErrorReport,
    applied: &mut u64,
) -> Result<(), ProcessorError> {
    if !g.conditions.is_empty() {
        let mut any = false;
        for c in &g.conditions {
            match c.eval(rec) {
                Ok(true) => {
                    any = true;
                    break;
                }
                Ok(false) => {}
                Err(e) => report.fail(g.error_mode, &c.label, &e)?,
            }
        }
        if !any {
            return Ok(());
        }
    }
    for s in &g.statements {
        match s.execute(rec) {
            Ok(true) => *applied += 1,
            Ok(false) => {}
            Err(e) => report.fail(g.error_mode, &s.label, &e)?,
        }
    }
    Ok(())
}

/// Runs `g` on one record of its context with a fresh `cache` map (OTTL's per-record scratch).
fn apply_to(g: &Group, report: &mut ErrorReport, n: &mut u64, rec: Record<'_>) -> Result<(), ProcessorError> {
    let mut cache = Attributes::new();
    let Record { resource, scope, log, metric, point, span, .. } = rec;
    let mut rec = Record { resource, scope, log, metric, point, cache: Some(&mut cache), span };
    apply(g, &mut rec, report, n)
}

fn run_logs(
    groups: &[Group],
    logs: &mut Logs,
    report: &mut ErrorReport,
    n: &mut u64,
) -> Result<(), ProcessorError> {
    for g in groups {
        for rl in &mut logs.resource_logs {
            let resource = &mut rl.resource;
            if g.ctx == Ctx::Resource {
                let rec = Record {
                    resource,
                    scope: None,
                    log: None,
                    metric: None,
                    point: None,
                    cache: None,
                    span: None,
                };
                apply_to(g, report, n, rec)?;
                continue;
            }
            for sl in &mut rl.scope_logs {
                let scope = &mut sl.scope;
                if g.ctx == Ctx::Scope {
                    apply_to(
                        g,
                        report,
                        n,
                        Record {
                            resource: &mut *resource,
                            scope: Some(scope),
                            log: None,
                            metric: None,
                            point: None,
                            cache: None,
                            span: None,
                        },
                    )?;
                    continue;
                }
                for lr in &mut sl.log_records {
                    apply_to(
                        g,
                        report,
                        n,
                        Record {
                            resource: &mut *resource,
                            scope: Some(&mut *scope),
                            log: Some(lr),
                            metric: None,
                            point: None,
                            cache: None,
                            span: None,
                        },
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn run_metrics(
    groups: &[Group],
    m: &mut Metrics,
    report: &mut ErrorReport,
    n: &mut u64,
) -> Result<(), ProcessorError> {
    for g in groups {
        for rm in &mut m.resource_metrics {
            let resource = &mut rm.resource;
            if g.ctx == Ctx::Resource {
                let rec = Record {
                    resource,
                    scope: None,
                    log: None,
                    metric: None,
                    point: None,
                    cache: None,
                    span: None,
                };
                apply_to(g, report, n, rec)?;
                continue;
            }
            for sm in &mut rm.scope_metrics {
                let scope = &mut sm.scope;
                if g.ctx == Ctx::Scope {
                    apply_to(
                        g,
                        report,
                        n,
                        Record {
                            resource: &mut *resource,
                            scope: Some(scope),
                            log: None,
                            metric: None,
                            point: None,
                            cache: None,
                            span: None,
                        },
                    )?;
                    continue;
                }
                for metric in &mut sm.metrics {
                    if g.ctx == Ctx::Metric {
                        apply_to(
                            g,
                            report,
                            n,
                            Record {
                                resource: &mut *resource,
                                scope: Some(&mut *scope),
                                log: None,
                                metric: Some(MetricView::whole(metric)),
                                point: None,
                                cache: None,
                                span: None,
                            },
                        )?;
                        continue;
                    }
                    let (mut view, data) = MetricView::split(metric);
                    let mut each = |point: Point<'_>, view: &mut MetricView<'_>| {
                        apply_to(
                            g,
                            report,
                            n,
                            Record {
                                resource: &mut *resource,
                                scope: Some(&mut *scope),
                                log: None,
                                metric: Some(view.reborrow()),
                                point: Some(point),
                                cache: None,
                                span: None,
                            },
                        )
                    };
                    match data {
                        MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => {
                            for pt in p {
                                each(Point::Number(pt), &mut view)?;
                            }
                        }
                        MetricData::Histogram { points, .. } => {
                            for pt in points {
                                each(Point::Histogram(pt), &mut view)?;
                            }
                        }
                        MetricData::Summary(p) => {
                            for pt in p {
                                each(Point::Summary(pt), &mut view)?;
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn run_traces(
    groups: &[Group],
    traces: &mut Traces,
    report: &mut ErrorReport,
    n: &mut u64,
) -> Result<(), ProcessorError> {
    for g in groups {
        for rs in &mut traces.resource_spans {
            let resource = &mut rs.resource;
            if g.ctx == Ctx::Resource {
                apply_to(g, report, n, span_record(resource, None, None))?;
                continue;
            }
            for ss in &mut rs.scope_spans {
                let scope = &mut ss.scope;
                if g.ctx == Ctx::Scope {
                    apply_to(g, report, n, span_record(&mut *resource, Some(scope), None))?;
                    continue;
                }
                for span in &mut ss.spans {
                    if g.ctx == Ctx::Span {
                        let s = SpanMut { span, event: None };
                        apply_to(g, report, n, span_record(&mut *resource, Some(&mut *scope), Some(s)))?;
                        continue;
                    }
                    // `spanevent`: each event changes while its span is read beside it; the events
                    // go back into the span whatever happens.
                    let mut events = std::mem::take(&mut span.events);
                    let mut result = Ok(());
                    for event in &mut events {
                        let s = SpanMut { span: &mut *span, event: Some(event) };
                        result =
                            apply_to(g, report, n, span_record(&mut *resource, Some(&mut *scope), Some(s)));
                        if result.is_err() {
                            break;
                        }
                    }
                    span.events = events;
                    result?;
                }
            }
        }
    }
    Ok(())
}

fn span_record<'a>(
    resource: &'a mut dbintel_core::pdata::Resource,
    scope: Option<&'a mut dbintel_core::pdata::Scope>,
    span: Option<SpanMut<'a>>,
) -> Record<'a> {
    Record { resource, scope, log: None, metric: None, point: None, cache: None, span }
}

impl Processor for Transform {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let groups = match &*data {
            SignalData::Logs(_) => &self.logs,
            SignalData::Metrics(_) => &self.metrics,
            SignalData::Traces(_) => &self.traces,
        };
        if groups.is_empty() {
            out.push(data);
            return Ok(());
        }
        let mut n = 0;
        let r = match Arc::make_mut(&mut data) {
            SignalData::Logs(l) => run_logs(&self.logs, l, &mut self.report, &mut n),
            SignalData::Metrics(m) => run_metrics(&self.metrics, m, &mut self.report, &mut n),
            SignalData::Traces(t) => run_traces(&self.traces, t, &mut self.report, &mut n),
        };
        self.applied.add(n);
        r?;
        out.push(data);
        Ok(())
    }
}
