//! Dropping records in place (copy-on-write when the batch is shared). Empty scopes and
//! resources go with their last record; a batch left empty is not sent on.

use std::sync::Arc;

use dbintel_core::pdata::{Logs, MetricData, Metrics, SignalData};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{Processor, ProcessorError};

use super::Compiled;
use crate::ottl::{Condition, ErrorMode, ErrorReport, MetricView, Point, Record};

pub struct Filter {
    c: Compiled,
    mode: ErrorMode,
    report: ErrorReport,
    dropped_logs: Counter,
    dropped_points: Counter,
}

impl Filter {
    pub fn new(c: Compiled, mode: ErrorMode, t: &Registry, id: &str) -> Self {
        let dropped = |signal: &str| {
            t.counter(
                "dbintel_filter_dropped_total",
                "Items the filter dropped: log records, or metric data points.",
                &[("processor", id), ("signal", signal)],
            )
        };
        Self {
            c,
            mode,
            report: ErrorReport::new(t, id, "filter"),
            dropped_logs: dropped("logs"),
            dropped_points: dropped("metrics"),
        }
    }
}

/// Whether any condition holds; a failing condition counts as not holding unless it propagates.
fn any(
    conds: &[Condition],
    rec: &Record<'_>,
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

impl Processor for Filter {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let c = &self.c;
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
        };
        if idle {
            out.push(data);
            return Ok(());
        }
        match Arc::make_mut(&mut data) {
            SignalData::Logs(l) => {
                let n = self.logs(l)?;
                self.dropped_logs.add(n);
            }
            SignalData::Metrics(m) => {
                let n = self.metrics(m)?;
                self.dropped_points.add(n);
            }
        }
        if !data.is_empty() {
            out.push(data);
        }
        Ok(())
    }
}
