//! Splitting an OTLP request so each part's protobuf encoding stays under a byte limit
//! (`max_request_size`; New Relic refuses requests over 10^6 bytes).
//!
//! A request that is too large is halved at the coarsest level that has more than one element
//! (resources, then scopes, then metrics / log records, then data points), and each half is checked
//! again. Parts therefore land between about half the limit and the limit, and the cost is
//! O(n log n) in the request size. A single data point or log record larger than the limit cannot be
//! split and is sent alone (the backend decides).

use dbintel_otlp::opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::metric::Data;
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::{Metric, ResourceMetrics, ScopeMetrics};
use dbintel_otlp::trace_proto::{ExportTraceServiceRequest, ResourceSpans};
use prost::Message;

use crate::exporterhelper::Payload;

/// Splits `payload` into parts whose encoded size is at most `max_bytes` (0 = no limit).
pub fn split_to_size(payload: Payload, max_bytes: usize) -> Vec<Payload> {
    match payload {
        Payload::Metrics(req) => split_metrics(req, max_bytes).into_iter().map(Payload::Metrics).collect(),
        Payload::Logs(req) => split_logs(req, max_bytes).into_iter().map(Payload::Logs).collect(),
        Payload::Traces(req) => split_traces(req, max_bytes).into_iter().map(Payload::Traces).collect(),
    }
}

pub fn split_metrics(req: ExportMetricsServiceRequest, max_bytes: usize) -> Vec<ExportMetricsServiceRequest> {
    let mut out = Vec::new();
    let mut stack = vec![req];
    while let Some(req) = stack.pop() {
        if max_bytes == 0 || req.encoded_len() <= max_bytes {
            out.push(req);
            continue;
        }
        match halve_metrics(req) {
            Ok((a, b)) => {
                // Keep the original order: `a` is popped first.
                stack.push(b);
                stack.push(a);
            }
            Err(single) => out.push(single),
        }
    }
    out
}

pub fn split_logs(req: ExportLogsServiceRequest, max_bytes: usize) -> Vec<ExportLogsServiceRequest> {
    let mut out = Vec::new();
    let mut stack = vec![req];
    while let Some(req) = stack.pop() {
        if max_bytes == 0 || req.encoded_len() <= max_bytes {
            out.push(req);
            continue;
        }
        match halve_logs(req) {
            Ok((a, b)) => {
                stack.push(b);
                stack.push(a);
            }
            Err(single) => out.push(single),
        }
    }
    out
}

pub fn split_traces(req: ExportTraceServiceRequest, max_bytes: usize) -> Vec<ExportTraceServiceRequest> {
    let mut out = Vec::new();
    let mut stack = vec![req];
    while let Some(req) = stack.pop() {
        if max_bytes == 0 || req.encoded_len() <= max_bytes {
            out.push(req);
            continue;
        }
        match halve_traces(req) {
            Ok((a, b)) => {
                stack.push(b);
                stack.push(a);
            }
            Err(single) => out.push(single),
        }
    }
    out
}

fn split_vec<T>(mut v: Vec<T>) -> (Vec<T>, Vec<T>) {
    let tail = v.split_off(v.len() / 2);
    (v, tail)
}

/// Two halves, or the request back when it holds a single indivisible item (moved, not copied).
#[allow(clippy::result_large_err)]
type Halves<T> = Result<(T, T), T>;

fn halve_metrics(mut req: ExportMetricsServiceRequest) -> Halves<ExportMetricsServiceRequest> {
    if req.resource_metrics.len() > 1 {
        let (a, b) = split_vec(req.resource_metrics);
        return Ok((
            ExportMetricsServiceRequest { resource_metrics: a },
            ExportMetricsServiceRequest { resource_metrics: b },
        ));
    }
    let Some(rm) = req.resource_metrics.pop() else { return Err(req) };
    match halve_resource_metrics(rm) {
        Ok((a, b)) => Ok((
            ExportMetricsServiceRequest { resource_metrics: vec![a] },
            ExportMetricsServiceRequest { resource_metrics: vec![b] },
        )),
        Err(rm) => Err(ExportMetricsServiceRequest { resource_metrics: vec![rm] }),
    }
}

fn halve_resource_metrics(mut rm: ResourceMetrics) -> Halves<ResourceMetrics> {
    let shell = |scope_metrics| ResourceMetrics {
        resource: rm.resource.clone(),
        scope_metrics,
        schema_url: rm.schema_url.clone(),
    };
    if rm.scope_metrics.len() > 1 {
        let (a, b) = split_vec(std::mem::take(&mut rm.scope_metrics));
        return Ok((shell(a), shell(b)));
    }
    let Some(sm) = rm.scope_metrics.pop() else { return Err(rm) };
    match halve_scope_metrics(sm) {
        Ok((a, b)) => Ok((shell(vec![a]), shell(vec![b]))),
        Err(sm) => {
            rm.scope_metrics.push(sm);
            Err(rm)
        }
    }
}

#[allow(clippy::result_large_err)]
fn halve_scope_metrics(mut sm: ScopeMetrics) -> Halves<ScopeMetrics> {
    let shell =
        |metrics| ScopeMetrics { scope: sm.scope.clone(), metrics, schema_url: sm.schema_url.clone() };
    if sm.metrics.len() > 1 {
        let (a, b) = split_vec(std::mem::take(&mut sm.metrics));
        return Ok((shell(a), shell(b)));
    }
    let Some(m) = sm.metrics.pop() else { return Err(sm) };
    match halve_metric(m) {
        Ok((a, b)) => Ok((shell(vec![a]), shell(vec![b]))),
        Err(m) => {
            sm.metrics.push(m);
            Err(sm)
        }
    }
}

#[allow(clippy::result_large_err)]
fn halve_metric(mut m: Metric) -> Halves<Metric> {
    let Some(data) = m.data.take() else { return Err(m) };
    // Every kind splits the same way: halve the points, keep the rest of the descriptor.
    macro_rules! halve_points {
        ($variant:ident, $body:ident) => {{
            let (x, y) = split_vec(std::mem::take(&mut $body.data_points));
            let mut other = $body.clone();
            $body.data_points = x;
            other.data_points = y;
            (Data::$variant($body), Data::$variant(other))
        }};
    }
    let (a, b) = match data {
        Data::Gauge(mut g) if g.data_points.len() > 1 => halve_points!(Gauge, g),
        Data::Sum(mut s) if s.data_points.len() > 1 => halve_points!(Sum, s),
        Data::Histogram(mut h) if h.data_points.len() > 1 => halve_points!(Histogram, h),
        Data::ExponentialHistogram(mut h) if h.data_points.len() > 1 => {
            halve_points!(ExponentialHistogram, h)
        }
        Data::Summary(mut s) if s.data_points.len() > 1 => halve_points!(Summary, s),
        other => {
            m.data = Some(other);
            return Err(m);
        }
    };
    let m2 = Metric { data: Some(b), ..m.clone() };
    m.data = Some(a);
    Ok((m, m2))
}

fn halve_logs(mut req: ExportLogsServiceRequest) -> Halves<ExportLogsServiceRequest> {
    if req.resource_logs.len() > 1 {
        let (a, b) = split_vec(req.resource_logs);
        return Ok((
            ExportLogsServiceRequest { resource_logs: a },
            ExportLogsServiceRequest { resource_logs: b },
        ));
    }
    let Some(mut rl) = req.resource_logs.pop() else { return Err(req) };
    let shell_rl = |rl: &dbintel_otlp::opentelemetry_proto::tonic::logs::v1::ResourceLogs, scope_logs| {
        dbintel_otlp::opentelemetry_proto::tonic::logs::v1::ResourceLogs {
            resource: rl.resource.clone(),
            scope_logs,
            schema_url: rl.schema_url.clone(),
        }
    };
    let wrap = |rl| ExportLogsServiceRequest { resource_logs: vec![rl] };
    if rl.scope_logs.len() > 1 {
        let (a, b) = split_vec(std::mem::take(&mut rl.scope_logs));
        return Ok((wrap(shell_rl(&rl, a)), wrap(shell_rl(&rl, b))));
    }
    let Some(mut sl) = rl.scope_logs.pop() else { return Err(wrap(rl)) };
    if sl.log_records.len() > 1 {
        let (a, b) = split_vec(std::mem::take(&mut sl.log_records));
        let mut sl2 = sl.clone();
        sl.log_records = a;
        sl2.log_records = b;
        return Ok((wrap(shell_rl(&rl, vec![sl])), wrap(shell_rl(&rl, vec![sl2]))));
    }
    rl.scope_logs.push(sl);
    Err(wrap(rl))
}

/// Halves a traces request at the coarsest level with more than one element: resources, scopes,
/// then spans (a span is never cut: its events and links stay with it).
fn halve_traces(mut req: ExportTraceServiceRequest) -> Halves<ExportTraceServiceRequest> {
    if req.resource_spans.len() > 1 {
        let (a, b) = split_vec(req.resource_spans);
        return Ok((
            ExportTraceServiceRequest { resource_spans: a },
            ExportTraceServiceRequest { resource_spans: b },
        ));
    }
    let Some(mut rs) = req.resource_spans.pop() else { return Err(req) };
    let shell = |rs: &ResourceSpans, scope_spans| ResourceSpans {
        resource: rs.resource.clone(),
        scope_spans,
        schema_url: rs.schema_url.clone(),
    };
    let wrap = |rs| ExportTraceServiceRequest { resource_spans: vec![rs] };
    if rs.scope_spans.len() > 1 {
        let (a, b) = split_vec(std::mem::take(&mut rs.scope_spans));
        return Ok((wrap(shell(&rs, a)), wrap(shell(&rs, b))));
    }
    let Some(mut ss) = rs.scope_spans.pop() else { return Err(wrap(rs)) };
    if ss.spans.len() > 1 {
        let (a, b) = split_vec(std::mem::take(&mut ss.spans));
        let mut ss2 = ss.clone();
        ss.spans = a;
        ss2.spans = b;
        return Ok((wrap(shell(&rs, vec![ss])), wrap(shell(&rs, vec![ss2]))));
    }
    rs.scope_spans.push(ss);
    Err(wrap(rs))
}
