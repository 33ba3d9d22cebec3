//! Splitting batches into chunks of at most N items, keeping resource and scope of every item.

use dbintel_core::pdata::{
    Logs, Metric, MetricData, Metrics, ResourceLogs, ResourceMetrics, ResourceSpans, ScopeLogs, ScopeMetrics,
    ScopeSpans, Traces,
};

/// Splits `metrics` into batches of at most `max` data points; `max == 0` means no split.
pub fn split_metrics(metrics: Metrics, max: usize) -> Vec<Metrics> {
    if max == 0 || metrics.data_point_count() <= max {
        return vec![metrics];
    }
    let mut out: Vec<Metrics> = Vec::new();
    let mut current = Metrics::default();
    let mut room = max;
    for mut rm in metrics.resource_metrics {
        let scopes = std::mem::take(&mut rm.scope_metrics);
        for mut sm in scopes {
            let metrics_of_scope = std::mem::take(&mut sm.metrics);
            for metric in metrics_of_scope {
                let mut rest = Some(metric);
                while let Some(m) = rest.take() {
                    if room == 0 {
                        out.push(std::mem::take(&mut current));
                        room = max;
                    }
                    let n = m.data.point_count();
                    let piece = if n <= room {
                        m
                    } else {
                        let (head, tail) = split_metric(m, room);
                        rest = Some(tail);
                        head
                    };
                    room -= piece.data.point_count().min(room);
                    push_metric(&mut current, &rm, &sm, piece);
                }
            }
        }
    }
    if !current.resource_metrics.is_empty() {
        out.push(current);
    }
    out
}

/// Appends `metric` under the same resource and scope as the last one when they match.
fn push_metric(batch: &mut Metrics, rm: &ResourceMetrics, sm: &ScopeMetrics, metric: Metric) {
    let same_resource = batch
        .resource_metrics
        .last()
        .is_some_and(|last| last.resource == rm.resource && last.schema_url == rm.schema_url);
    if !same_resource {
        batch.resource_metrics.push(ResourceMetrics {
            resource: rm.resource.clone(),
            scope_metrics: Vec::new(),
            schema_url: rm.schema_url.clone(),
        });
    }
    let Some(last_rm) = batch.resource_metrics.last_mut() else { return };
    let same_scope = last_rm.scope_metrics.last().is_some_and(|s| s.scope == sm.scope);
    if !same_scope {
        last_rm.scope_metrics.push(ScopeMetrics {
            scope: sm.scope.clone(),
            metrics: Vec::new(),
            schema_url: sm.schema_url.clone(),
        });
    }
    if let Some(last_sm) = last_rm.scope_metrics.last_mut() {
        last_sm.metrics.push(metric);
    }
}

/// Splits one metric after `at` points.
fn split_metric(metric: Metric, at: usize) -> (Metric, Metric) {
    let Metric { name, description, unit, data } = metric;
    let (a, b) = match data {
        MetricData::Gauge(mut p) => {
            let tail = p.split_off(at.min(p.len()));
            (MetricData::Gauge(p), MetricData::Gauge(tail))
        }
        MetricData::Sum { mut points, temporality, monotonic } => {
            let tail = points.split_off(at.min(points.len()));
            (
                MetricData::Sum { points, temporality, monotonic },
                MetricData::Sum { points: tail, temporality, monotonic },
            )
        }
        MetricData::Histogram { mut points, temporality } => {
            let tail = points.split_off(at.min(points.len()));
            (
                MetricData::Histogram { points, temporality },
                MetricData::Histogram { points: tail, temporality },
            )
        }
        MetricData::Summary(mut p) => {
            let tail = p.split_off(at.min(p.len()));
            (MetricData::Summary(p), MetricData::Summary(tail))
        }
    };
    (
        Metric { name: name.clone(), description: description.clone(), unit: unit.clone(), data: a },
        Metric { name, description, unit, data: b },
    )
}

/// Splits `logs` into batches of at most `max` records; `max == 0` means no split.
pub fn split_logs(logs: Logs, max: usize) -> Vec<Logs> {
    if max == 0 || logs.log_record_count() <= max {
        return vec![logs];
    }
    let mut out = Vec::new();
    let mut current = Logs::default();
    let mut room = max;
    for mut rl in logs.resource_logs {
        let scopes = std::mem::take(&mut rl.scope_logs);
        for mut sl in scopes {
            let mut records = std::mem::take(&mut sl.log_records).into_iter().peekable();
            while records.peek().is_some() {
                if room == 0 {
                    out.push(std::mem::take(&mut current));
                    room = max;
                }
                let chunk: Vec<_> = records.by_ref().take(room).collect();
                room -= chunk.len();
                let same_resource = current
                    .resource_logs
                    .last()
                    .is_some_and(|l| l.resource == rl.resource && l.schema_url == rl.schema_url);
                if !same_resource {
                    current.resource_logs.push(ResourceLogs {
                        resource: rl.resource.clone(),
                        scope_logs: Vec::new(),
                        schema_url: rl.schema_url.clone(),
                    });
                }
                if let Some(last) = current.resource_logs.last_mut() {
                    last.scope_logs.push(ScopeLogs {
                        scope: sl.scope.clone(),
                        log_records: chunk,
                        schema_url: sl.schema_url.clone(),
                    });
                }
            }
        }
    }
    if !current.resource_logs.is_empty() {
        out.push(current);
    }
    out
}

/// Splits `traces` into batches of at most `max` spans; `max == 0` means no split. A span is
/// never cut: its events and links stay with it.
pub fn split_traces(traces: Traces, max: usize) -> Vec<Traces> {
    if max == 0 || traces.span_count() <= max {
        return vec![traces];
    }
    let mut out = Vec::new();
    let mut current = Traces::default();
    let mut room = max;
    for mut rs in traces.resource_spans {
        let scopes = std::mem::take(&mut rs.scope_spans);
        for mut ss in scopes {
            let mut spans = std::mem::take(&mut ss.spans).into_iter().peekable();
            while spans.peek().is_some() {
                if room == 0 {
                    out.push(std::mem::take(&mut current));
                    room = max;
                }
                let chunk: Vec<_> = spans.by_ref().take(room).collect();
                room -= chunk.len();
                let same_resource = current
                    .resource_spans
                    .last()
                    .is_some_and(|l| l.resource == rs.resource && l.schema_url == rs.schema_url);
                if !same_resource {
                    current.resource_spans.push(ResourceSpans {
                        resource: rs.resource.clone(),
                        scope_spans: Vec::new(),
                        schema_url: rs.schema_url.clone(),
                    });
                }
                if let Some(last) = current.resource_spans.last_mut() {
                    last.scope_spans.push(ScopeSpans {
                        scope: ss.scope.clone(),
                        spans: chunk,
                        schema_url: ss.schema_url.clone(),
                    });
                }
            }
        }
    }
    if !current.resource_spans.is_empty() {
        out.push(current);
    }
    out
}
