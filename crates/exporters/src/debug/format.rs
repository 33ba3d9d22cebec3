//! Text renderings of batches for the debug exporter. Every function appends to a `String` and never
//! fails; control characters in data are escaped so that one logical line stays one line.

use std::fmt::Write as _;

use chrono::DateTime;
use dbintel_core::SignalData;
use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, LogRecord, Logs, MetricData, Metrics, NumberDataPoint, NumberValue,
    SeverityNumber, Span, StatusCode, SummaryDataPoint, Temporality, Traces, Value,
};

/// Width budget of a `basic` line (the summary is cut with `…` beyond it).
pub const BASIC_MAX_WIDTH: usize = 200;
/// Longest attribute value shown in a `basic` line.
const BASIC_MAX_VALUE: usize = 32;
/// Attributes shown per point in a `basic` line.
const BASIC_MAX_ATTRS: usize = 3;
/// Distinct event names counted in a `basic` logs line.
const BASIC_MAX_EVENTS: usize = 16;

/// `2026-11-26T20:00:10Z` (seconds, UTC).
fn rfc3339(nanos: u64) -> String {
    let secs = (nanos / 1_000_000_000) as i64;
    match DateTime::from_timestamp(secs, 0) {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => format!("{nanos}ns"),
    }
}

/// `2026-11-26 20:00:10.000000001 +0000 UTC`, as Go prints a time (the collector's detailed output).
fn go_time(nanos: u64) -> String {
    let secs = (nanos / 1_000_000_000) as i64;
    let sub = (nanos % 1_000_000_000) as u32;
    match DateTime::from_timestamp(secs, sub) {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S%.f +0000 UTC").to_string(),
        None => format!("{nanos}ns"),
    }
}

/// Appends `s` with control characters escaped, cut to `max` characters (with `…`).
fn push_escaped(out: &mut String, s: &str, max: usize) {
    for (i, c) in s.chars().enumerate() {
        if i >= max {
            out.push('…');
            return;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
}

fn push_f64(out: &mut String, d: f64) {
    let _ = write!(out, "{d}");
}

fn push_number(out: &mut String, v: NumberValue) {
    match v {
        NumberValue::Int(i) => {
            let _ = write!(out, "{i}");
        }
        NumberValue::Double(d) => push_f64(out, d),
    }
}

/// A value on one line: strings bare, containers in brackets.
fn push_value(out: &mut String, v: &Value, max: usize) {
    match v {
        Value::Str(s) => push_escaped(out, s, max),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Double(d) => push_f64(out, *d),
        Value::Bytes(b) => {
            out.push_str("0x");
            for x in b.iter().take(max / 2 + 1) {
                let _ = write!(out, "{x:02x}");
            }
            if b.len() > max / 2 + 1 {
                out.push('…');
            }
        }
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_value(out, x, max);
            }
            out.push(']');
        }
        Value::Map(m) => push_attrs(out, m, usize::MAX, max),
    }
}

/// `{k=v,k=v}` (nothing for no attributes), at most `max_attrs` pairs.
fn push_attrs(out: &mut String, attrs: &Attributes, max_attrs: usize, max_value: usize) {
    if attrs.is_empty() {
        return;
    }
    out.push('{');
    for (i, (k, v)) in attrs.iter().enumerate() {
        if i >= max_attrs {
            let _ = write!(out, ",+{}", attrs.len() - max_attrs);
            break;
        }
        if i > 0 {
            out.push(',');
        }
        push_escaped(out, k, max_value);
        out.push('=');
        push_value(out, v, max_value);
    }
    out.push('}');
}

fn severity_name(s: SeverityNumber) -> &'static str {
    match s.0 {
        1..=4 => "TRACE",
        5..=8 => "DEBUG",
        9..=12 => "INFO",
        13..=16 => "WARN",
        17..=20 => "ERROR",
        21..=24 => "FATAL",
        _ => "UNSPECIFIED",
    }
}

fn scope_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut distinct: Vec<&str> = Vec::new();
    let mut more = 0usize;
    for n in names {
        let n = if n.is_empty() { "-" } else { n };
        if distinct.contains(&n) {
            continue;
        }
        if distinct.len() < 3 { distinct.push(n) } else { more += 1 }
    }
    let mut s = String::new();
    push_escaped(&mut s, &distinct.join(","), 80);
    if more > 0 {
        let _ = write!(s, ",+{more}");
    }
    if s.is_empty() { "-".to_string() } else { s }
}

fn histogram_summary(out: &mut String, p: &HistogramDataPoint) {
    let _ = write!(out, "count={}", p.count);
    if let Some(sum) = p.sum {
        out.push_str(" sum=");
        push_f64(out, sum);
    }
}

fn summary_summary(out: &mut String, p: &SummaryDataPoint) {
    let _ = write!(out, "count={} sum=", p.count);
    push_f64(out, p.sum);
}

// ---------------------------------------------------------------------------------------------
// basic

/// One line per batch, at most about [`BASIC_MAX_WIDTH`] characters.
pub fn format_basic(out: &mut String, data: &SignalData, now_nanos: u64) {
    match data {
        SignalData::Metrics(m) => basic_metrics(out, m, now_nanos),
        SignalData::Logs(l) => basic_logs(out, l, now_nanos),
        SignalData::Traces(t) => basic_traces(out, t, now_nanos),
    }
    out.push('\n');
}

fn basic_metrics(out: &mut String, m: &Metrics, now: u64) {
    let scopes =
        scope_names(m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).map(|s| s.scope.name.as_str()));
    let metrics: Vec<_> =
        m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics).collect();
    let start = out.len();
    let _ = write!(
        out,
        "{} metrics {scopes} {} points in {} metrics",
        rfc3339(now),
        m.data_point_count(),
        metrics.len()
    );
    let mut item = String::new();
    for (i, metric) in metrics.iter().enumerate() {
        item.clear();
        item.push_str(if i == 0 { ": " } else { ", " });
        push_escaped(&mut item, &metric.name, 64);
        let n = metric.data.point_count();
        match &metric.data {
            MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => {
                if let Some(p) = p.first() {
                    push_attrs(&mut item, &p.attributes, BASIC_MAX_ATTRS, BASIC_MAX_VALUE);
                    item.push('=');
                    push_number(&mut item, p.value);
                }
            }
            MetricData::Histogram { points, .. } => {
                if let Some(p) = points.first() {
                    push_attrs(&mut item, &p.attributes, BASIC_MAX_ATTRS, BASIC_MAX_VALUE);
                    item.push_str("=(");
                    histogram_summary(&mut item, p);
                    item.push(')');
                }
            }
            MetricData::Summary(points) => {
                if let Some(p) = points.first() {
                    push_attrs(&mut item, &p.attributes, BASIC_MAX_ATTRS, BASIC_MAX_VALUE);
                    item.push_str("=(");
                    summary_summary(&mut item, p);
                    item.push(')');
                }
            }
        }
        if n > 1 {
            let _ = write!(item, " (+{} more)", n - 1);
        }
        let width = out[start..].chars().count() + item.chars().count();
        if width > BASIC_MAX_WIDTH && i > 0 {
            let _ = write!(out, ", … +{} more metrics", metrics.len() - i);
            return;
        }
        out.push_str(&item);
    }
}

fn basic_logs(out: &mut String, l: &Logs, now: u64) {
    let scopes =
        scope_names(l.resource_logs.iter().flat_map(|r| &r.scope_logs).map(|s| s.scope.name.as_str()));
    let records = l.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records);
    let mut events: Vec<(&str, usize)> = Vec::new();
    let mut other_events = 0usize;
    let mut severities = [0usize; 7];
    for r in records {
        let name = if r.event_name.is_empty() { "log" } else { r.event_name.as_str() };
        if let Some((_, c)) = events.iter_mut().find(|(n, _)| *n == name) {
            *c += 1;
        } else if events.len() < BASIC_MAX_EVENTS {
            events.push((name, 1));
        } else {
            other_events += 1;
        }
        let idx = match r.severity_number.0 {
            1..=24 => ((r.severity_number.0 - 1) / 4 + 1) as usize,
            _ => 0,
        };
        severities[idx] += 1;
    }
    let start = out.len();
    let _ = write!(out, "{} logs    {scopes} {} records", rfc3339(now), l.log_record_count());
    let mut item = String::new();
    for (i, (name, count)) in events.iter().enumerate() {
        item.clear();
        item.push_str(if i == 0 { ": " } else { ", " });
        push_escaped(&mut item, name, 64);
        let _ = write!(item, " ×{count}");
        if out[start..].chars().count() + item.chars().count() > BASIC_MAX_WIDTH - 40 && i > 0 {
            let _ = write!(out, ", … +{} more events", events.len() - i);
            break;
        }
        out.push_str(&item);
    }
    if other_events > 0 {
        let _ = write!(out, ", other ×{other_events}");
    }
    // Severities worth a look: WARN and above.
    let names = ["WARN", "ERROR", "FATAL"];
    let mut first = true;
    for (name, count) in names.iter().zip(&severities[4..]) {
        if *count > 0 {
            out.push_str(if first { " | " } else { " " });
            first = false;
            let _ = write!(out, "{name} ×{count}");
        }
    }
}

fn basic_traces(out: &mut String, t: &Traces, now: u64) {
    let scopes =
        scope_names(t.resource_spans.iter().flat_map(|r| &r.scope_spans).map(|s| s.scope.name.as_str()));
    let spans = t.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| &s.spans);
    let mut names: Vec<(&str, usize)> = Vec::new();
    let mut other = 0usize;
    let mut errors = 0usize;
    for sp in spans {
        if let Some((_, c)) = names.iter_mut().find(|(n, _)| *n == sp.name) {
            *c += 1;
        } else if names.len() < BASIC_MAX_EVENTS {
            names.push((sp.name.as_str(), 1));
        } else {
            other += 1;
        }
        errors += usize::from(sp.status.as_ref().is_some_and(|st| st.code == StatusCode::ERROR));
    }
    let start = out.len();
    let _ = write!(out, "{} traces  {scopes} {} spans", rfc3339(now), t.span_count());
    let mut item = String::new();
    for (i, (name, count)) in names.iter().enumerate() {
        item.clear();
        item.push_str(if i == 0 { ": " } else { ", " });
        push_escaped(&mut item, name, 64);
        let _ = write!(item, " ×{count}");
        if out[start..].chars().count() + item.chars().count() > BASIC_MAX_WIDTH - 40 && i > 0 {
            let _ = write!(out, ", … +{} more names", names.len() - i);
            break;
        }
        out.push_str(&item);
    }
    if other > 0 {
        let _ = write!(out, ", other ×{other}");
    }
    if errors > 0 {
        let _ = write!(out, " | ERROR ×{errors}");
    }
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
}

// ---------------------------------------------------------------------------------------------
// normal

/// One line per data point or log record, under a line per resource and scope.
pub fn format_normal(out: &mut String, data: &SignalData, _now_nanos: u64) {
    match data {
        SignalData::Metrics(m) => normal_metrics(out, m),
        SignalData::Logs(l) => normal_logs(out, l),
        SignalData::Traces(t) => normal_traces(out, t),
    }
}

fn resource_scope_line(out: &mut String, kind: &str, i: usize, attrs: &Attributes) {
    let _ = write!(out, "Resource{kind} #{i}");
    if !attrs.is_empty() {
        out.push(' ');
        push_attrs(out, attrs, usize::MAX, usize::MAX);
    }
    out.push('\n');
}

fn scope_line(out: &mut String, kind: &str, i: usize, name: &str, version: &str) {
    let _ = write!(out, "Scope{kind} #{i} ");
    push_escaped(out, if name.is_empty() { "-" } else { name }, 256);
    if !version.is_empty() {
        out.push('@');
        push_escaped(out, version, 64);
    }
    out.push('\n');
}

fn normal_metrics(out: &mut String, m: &Metrics) {
    for (ri, rm) in m.resource_metrics.iter().enumerate() {
        resource_scope_line(out, "Metrics", ri, &rm.resource.attributes);
        for (si, sm) in rm.scope_metrics.iter().enumerate() {
            scope_line(out, "Metrics", si, &sm.scope.name, &sm.scope.version);
            for metric in &sm.metrics {
                let head = |out: &mut String, attrs: &Attributes| {
                    push_escaped(out, &metric.name, 256);
                    push_attrs(out, attrs, usize::MAX, usize::MAX);
                    out.push(' ');
                };
                match &metric.data {
                    MetricData::Gauge(points) | MetricData::Sum { points, .. } => {
                        for p in points {
                            head(out, &p.attributes);
                            push_number(out, p.value);
                            out.push('\n');
                        }
                    }
                    MetricData::Histogram { points, .. } => {
                        for p in points {
                            head(out, &p.attributes);
                            histogram_summary(out, p);
                            for (label, v) in [("min", p.min), ("max", p.max)] {
                                if let Some(v) = v {
                                    let _ = write!(out, " {label}=");
                                    push_f64(out, v);
                                }
                            }
                            out.push('\n');
                        }
                    }
                    MetricData::Summary(points) => {
                        for p in points {
                            head(out, &p.attributes);
                            summary_summary(out, p);
                            for q in &p.quantile_values {
                                let _ = write!(out, " q{}=", q.quantile);
                                push_f64(out, q.value);
                            }
                            out.push('\n');
                        }
                    }
                }
            }
        }
    }
}

fn normal_logs(out: &mut String, l: &Logs) {
    for (ri, rl) in l.resource_logs.iter().enumerate() {
        resource_scope_line(out, "Logs", ri, &rl.resource.attributes);
        for (si, sl) in rl.scope_logs.iter().enumerate() {
            scope_line(out, "Logs", si, &sl.scope.name, &sl.scope.version);
            for r in &sl.log_records {
                normal_record(out, r);
            }
        }
    }
}

fn normal_traces(out: &mut String, t: &Traces) {
    for (ri, rs) in t.resource_spans.iter().enumerate() {
        resource_scope_line(out, "Traces", ri, &rs.resource.attributes);
        for (si, ss) in rs.scope_spans.iter().enumerate() {
            scope_line(out, "Traces", si, &ss.scope.name, &ss.scope.version);
            for sp in &ss.spans {
                // The Collector's normal line: name, trace id, span id, attributes.
                push_escaped(out, &sp.name, 256);
                out.push(' ');
                push_hex(out, &sp.trace_id);
                out.push(' ');
                push_hex(out, &sp.span_id);
                if !sp.attributes.is_empty() {
                    out.push(' ');
                    push_attrs(out, &sp.attributes, usize::MAX, usize::MAX);
                }
                out.push('\n');
            }
        }
    }
}

fn normal_record(out: &mut String, r: &LogRecord) {
    if !r.event_name.is_empty() {
        push_escaped(out, &r.event_name, 256);
        out.push(' ');
    }
    if r.severity_number != SeverityNumber::UNSPECIFIED || !r.severity_text.is_empty() {
        if r.severity_text.is_empty() {
            out.push_str(severity_name(r.severity_number));
        } else {
            push_escaped(out, &r.severity_text, 32);
        }
        out.push(' ');
    }
    match &r.body {
        Some(b) => push_value(out, b, usize::MAX),
        None => out.push_str("(no body)"),
    }
    if !r.attributes.is_empty() {
        out.push(' ');
        push_attrs(out, &r.attributes, usize::MAX, usize::MAX);
    }
    out.push('\n');
}

// ---------------------------------------------------------------------------------------------
// detailed

/// The collector's detailed layout: resource, scope, every point with timestamps and attributes.
pub fn format_detailed(out: &mut String, data: &SignalData, _now_nanos: u64) {
    match data {
        SignalData::Metrics(m) => detailed_metrics(out, m),
        SignalData::Logs(l) => detailed_logs(out, l),
        SignalData::Traces(t) => detailed_traces(out, t),
    }
}

/// `Str(x)`, `Int(5)`, ... as pdata prints values.
fn push_typed_value(out: &mut String, v: &Value) {
    let kind = match v {
        Value::Str(_) => "Str",
        Value::Bool(_) => "Bool",
        Value::Int(_) => "Int",
        Value::Double(_) => "Double",
        Value::Bytes(_) => "Bytes",
        Value::Array(_) => "Slice",
        Value::Map(_) => "Map",
    };
    out.push_str(kind);
    out.push('(');
    push_value(out, v, usize::MAX);
    out.push(')');
}

fn detailed_attrs(out: &mut String, title: &str, attrs: &Attributes) {
    if attrs.is_empty() {
        return;
    }
    out.push_str(title);
    out.push_str(":\n");
    for (k, v) in attrs.iter() {
        out.push_str("     -> ");
        push_escaped(out, k, usize::MAX);
        out.push_str(": ");
        push_typed_value(out, v);
        out.push('\n');
    }
}

fn detailed_head(out: &mut String, kind: &str, ri: usize, schema: &str, attrs: &Attributes) {
    let _ = writeln!(out, "Resource{kind} #{ri}");
    out.push_str("Resource SchemaURL: ");
    push_escaped(out, schema, usize::MAX);
    out.push('\n');
    detailed_attrs(out, "Resource attributes", attrs);
}

fn detailed_scope(out: &mut String, kind: &str, si: usize, schema: &str, scope: &dbintel_core::pdata::Scope) {
    let _ = writeln!(out, "Scope{kind} #{si}");
    let _ = write!(out, "Scope{kind} SchemaURL: ");
    push_escaped(out, schema, usize::MAX);
    out.push_str("\nInstrumentationScope ");
    push_escaped(out, &scope.name, usize::MAX);
    out.push(' ');
    push_escaped(out, &scope.version, usize::MAX);
    out.push('\n');
    detailed_attrs(out, "InstrumentationScope attributes", &scope.attributes);
}

fn temporality_name(t: Temporality) -> &'static str {
    match t {
        Temporality::Delta => "Delta",
        Temporality::Cumulative => "Cumulative",
    }
}

fn point_head(out: &mut String, kind: &str, i: usize, attrs: &Attributes, start: u64, time: u64, flags: u32) {
    let _ = writeln!(out, "{kind} #{i}");
    detailed_attrs(out, "Data point attributes", attrs);
    let _ = writeln!(out, "StartTimestamp: {}", go_time(start));
    let _ = writeln!(out, "Timestamp: {}", go_time(time));
    if flags != 0 {
        let _ = writeln!(out, "Flags: {flags}");
    }
}

fn detailed_number(out: &mut String, i: usize, p: &NumberDataPoint) {
    point_head(out, "NumberDataPoints", i, &p.attributes, p.start_time_unix_nano, p.time_unix_nano, p.flags);
    out.push_str("Value: ");
    push_number(out, p.value);
    out.push('\n');
}

fn detailed_metrics(out: &mut String, m: &Metrics) {
    for (ri, rm) in m.resource_metrics.iter().enumerate() {
        detailed_head(out, "Metrics", ri, &rm.schema_url, &rm.resource.attributes);
        for (si, sm) in rm.scope_metrics.iter().enumerate() {
            detailed_scope(out, "Metrics", si, &sm.schema_url, &sm.scope);
            for (mi, metric) in sm.metrics.iter().enumerate() {
                let _ = writeln!(out, "Metric #{mi}\nDescriptor:");
                out.push_str("     -> Name: ");
                push_escaped(out, &metric.name, usize::MAX);
                out.push_str("\n     -> Description: ");
                push_escaped(out, &metric.description, usize::MAX);
                out.push_str("\n     -> Unit: ");
                push_escaped(out, &metric.unit, usize::MAX);
                let _ = writeln!(out, "\n     -> DataType: {}", metric.data.kind_name());
                match &metric.data {
                    MetricData::Gauge(points) => {
                        for (i, p) in points.iter().enumerate() {
                            detailed_number(out, i, p);
                        }
                    }
                    MetricData::Sum { points, temporality, monotonic } => {
                        let _ = writeln!(out, "     -> IsMonotonic: {monotonic}");
                        let _ = writeln!(
                            out,
                            "     -> AggregationTemporality: {}",
                            temporality_name(*temporality)
                        );
                        for (i, p) in points.iter().enumerate() {
                            detailed_number(out, i, p);
                        }
                    }
                    MetricData::Histogram { points, temporality } => {
                        let _ = writeln!(
                            out,
                            "     -> AggregationTemporality: {}",
                            temporality_name(*temporality)
                        );
                        for (i, p) in points.iter().enumerate() {
                            point_head(
                                out,
                                "HistogramDataPoints",
                                i,
                                &p.attributes,
                                p.start_time_unix_nano,
                                p.time_unix_nano,
                                p.flags,
                            );
                            let _ = writeln!(out, "Count: {}", p.count);
                            for (label, v) in [("Sum", p.sum), ("Min", p.min), ("Max", p.max)] {
                                if let Some(v) = v {
                                    let _ = writeln!(out, "{label}: {v}");
                                }
                            }
                            for (bi, b) in p.explicit_bounds.iter().enumerate() {
                                let _ = writeln!(out, "ExplicitBounds #{bi}: {b}");
                            }
                            for (bi, c) in p.bucket_counts.iter().enumerate() {
                                let _ = writeln!(out, "Buckets #{bi}, Count: {c}");
                            }
                        }
                    }
                    MetricData::Summary(points) => {
                        for (i, p) in points.iter().enumerate() {
                            point_head(
                                out,
                                "SummaryDataPoints",
                                i,
                                &p.attributes,
                                p.start_time_unix_nano,
                                p.time_unix_nano,
                                p.flags,
                            );
                            let _ = writeln!(out, "Count: {}\nSum: {}", p.count, p.sum);
                            for (qi, q) in p.quantile_values.iter().enumerate() {
                                let _ = writeln!(
                                    out,
                                    "QuantileValue #{qi}: Quantile {}, Value {}",
                                    q.quantile, q.value
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

fn detailed_logs(out: &mut String, l: &Logs) {
    for (ri, rl) in l.resource_logs.iter().enumerate() {
        detailed_head(out, "Logs", ri, &rl.schema_url, &rl.resource.attributes);
        for (si, sl) in rl.scope_logs.iter().enumerate() {
            detailed_scope(out, "Logs", si, &sl.schema_url, &sl.scope);
            for (i, r) in sl.log_records.iter().enumerate() {
                let _ = writeln!(out, "LogRecord #{i}");
                let _ = writeln!(out, "ObservedTimestamp: {}", go_time(r.observed_time_unix_nano));
                let _ = writeln!(out, "Timestamp: {}", go_time(r.time_unix_nano));
                out.push_str("SeverityText: ");
                push_escaped(out, &r.severity_text, usize::MAX);
                let _ = writeln!(
                    out,
                    "\nSeverityNumber: {}({})",
                    severity_name(r.severity_number),
                    r.severity_number.0
                );
                if !r.event_name.is_empty() {
                    out.push_str("EventName: ");
                    push_escaped(out, &r.event_name, usize::MAX);
                    out.push('\n');
                }
                out.push_str("Body: ");
                match &r.body {
                    Some(b) => push_typed_value(out, b),
                    None => out.push_str("Empty()"),
                }
                out.push('\n');
                detailed_attrs(out, "Attributes", &r.attributes);
                out.push_str("Trace ID: ");
                for b in r.trace_id.iter().flatten() {
                    let _ = write!(out, "{b:02x}");
                }
                out.push_str("\nSpan ID: ");
                for b in r.span_id.iter().flatten() {
                    let _ = write!(out, "{b:02x}");
                }
                let _ = writeln!(out, "\nFlags: {}", r.flags);
            }
        }
    }
}

/// The Collector's `SPAN_KIND_*` display names.
fn span_kind_name(sp: &Span) -> &'static str {
    match sp.kind.0 {
        1 => "Internal",
        2 => "Server",
        3 => "Client",
        4 => "Producer",
        5 => "Consumer",
        _ => "Unspecified",
    }
}

fn detailed_traces(out: &mut String, t: &Traces) {
    for (ri, rs) in t.resource_spans.iter().enumerate() {
        detailed_head(out, "Spans", ri, &rs.schema_url, &rs.resource.attributes);
        for (si, ss) in rs.scope_spans.iter().enumerate() {
            detailed_scope(out, "Spans", si, &ss.schema_url, &ss.scope);
            for (i, sp) in ss.spans.iter().enumerate() {
                let _ = writeln!(out, "Span #{i}");
                out.push_str("    Trace ID       : ");
                push_hex(out, &sp.trace_id);
                out.push_str("\n    Parent ID      : ");
                push_hex(out, &sp.parent_span_id);
                out.push_str("\n    ID             : ");
                push_hex(out, &sp.span_id);
                out.push_str("\n    Name           : ");
                push_escaped(out, &sp.name, usize::MAX);
                let _ = writeln!(out, "\n    Kind           : {}", span_kind_name(sp));
                if !sp.trace_state.is_empty() {
                    out.push_str("    TraceState     : ");
                    push_escaped(out, &sp.trace_state, usize::MAX);
                    out.push('\n');
                }
                let _ = writeln!(out, "    Start time     : {}", go_time(sp.start_time_unix_nano));
                let _ = writeln!(out, "    End time       : {}", go_time(sp.end_time_unix_nano));
                let (code, message) = match &sp.status {
                    Some(st) => (st.code, st.message.as_str()),
                    None => (StatusCode::UNSET, ""),
                };
                let code = match code.0 {
                    1 => "Ok",
                    2 => "Error",
                    _ => "Unset",
                };
                let _ = writeln!(out, "    Status code    : {code}");
                out.push_str("    Status message : ");
                push_escaped(out, message, usize::MAX);
                out.push('\n');
                if sp.flags != 0 {
                    let _ = writeln!(out, "    Flags          : {}", sp.flags);
                }
                detailed_attrs(out, "Attributes", &sp.attributes);
                if !sp.events.is_empty() {
                    out.push_str("Events:\n");
                    for (ei, e) in sp.events.iter().enumerate() {
                        let _ = writeln!(out, "SpanEvent #{ei}");
                        out.push_str("     -> Name: ");
                        push_escaped(out, &e.name, usize::MAX);
                        let _ = writeln!(out, "\n     -> Timestamp: {}", go_time(e.time_unix_nano));
                        let _ =
                            writeln!(out, "     -> DroppedAttributesCount: {}", e.dropped_attributes_count);
                        detailed_attrs(out, "     -> Attributes:", &e.attributes);
                    }
                }
                if !sp.links.is_empty() {
                    out.push_str("Links:\n");
                    for (li, l) in sp.links.iter().enumerate() {
                        let _ = writeln!(out, "SpanLink #{li}");
                        out.push_str("     -> Trace ID: ");
                        push_hex(out, &l.trace_id);
                        out.push_str("\n     -> ID: ");
                        push_hex(out, &l.span_id);
                        out.push_str("\n     -> TraceState: ");
                        push_escaped(out, &l.trace_state, usize::MAX);
                        let _ =
                            writeln!(out, "\n     -> DroppedAttributesCount: {}", l.dropped_attributes_count);
                        detailed_attrs(out, "     -> Attributes:", &l.attributes);
                    }
                }
            }
        }
    }
}
