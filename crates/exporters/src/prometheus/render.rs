//! Renders the accumulator in the Prometheus text format 0.0.4 or in OpenMetrics 1.0.
//!
//! Output is deterministic: families sorted by name, series by labels, `target_info` last. Numbers
//! follow client_golang: floats as Go's `strconv.FormatFloat(v, 'g', -1, 64)` (OpenMetrics adds `.0`
//! to integral floats), integers exactly, `+Inf`/`-Inf`/`NaN`.
//!
//! Safety nets that keep the exposition parseable whatever the data:
//! - a family keeps the type of its first series; series of another type under the same name are
//!   skipped (`type_conflict`);
//! - a family whose sample names clash with an earlier family's (`foo_count` gauge next to a `foo`
//!   histogram, or a `foo` gauge next to a `foo_total` counter in OpenMetrics) is skipped
//!   (`name_conflict`);
//! - OpenMetrics only: negative/NaN counters are skipped, a histogram with a negative or NaN sum or
//!   negative bounds is rendered without `_sum`/`_count`, a summary without a negative/NaN `_sum` and
//!   without negative quantile values (rules of the OpenMetrics spec that the text format lacks).

use std::collections::HashSet;
use std::fmt::Write as _;

use dbintel_core::pdata::NumberValue;

use super::accumulator::{Accumulator, DropReason, Series, SeriesKey, SeriesValue, Snapshot};
use super::naming::PromType;

/// Exposition format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `text/plain; version=0.0.4`.
    Text,
    /// `application/openmetrics-text; version=1.0.0`.
    OpenMetrics,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// Render options from the config.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// `send_timestamps`: append each point's timestamp.
    pub send_timestamps: bool,
}

/// Formats like Go's `strconv.FormatFloat(v, 'g', -1, 64)`: shortest digits, exponent form when the
/// decimal exponent is < -4 or >= 6 (Go's `eprec` for the shortest form), e.g. `1e+06`, `1.5e-07`.
pub fn go_float(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf".to_string() } else { "-Inf".to_string() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0".to_string() } else { "0".to_string() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `-1.2345e-7`.
    let e = format!("{v:e}");
    let (mantissa, exp) = match e.split_once('e') {
        Some((m, x)) => (m, x.parse::<i32>().unwrap_or(0)),
        None => (e.as_str(), 0),
    };
    // Go uses %e when exp < -4 || exp >= eprec, and eprec is 6 for the shortest form.
    if (-4..6).contains(&exp) {
        return format!("{v}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}

/// OpenMetrics float: Go's `'g'` form with `.0` appended when it has neither `.` nor `e`.
pub fn om_float(v: f64) -> String {
    let s = go_float(v);
    if v.is_finite() && !s.contains(['.', 'e']) { format!("{s}.0") } else { s }
}

fn number(v: NumberValue, format: Format) -> String {
    match v {
        NumberValue::Int(i) => i.to_string(),
        NumberValue::Double(d) => match format {
            Format::Text => go_float(d),
            Format::OpenMetrics => om_float(d),
        },
    }
}

fn float(v: f64, format: Format) -> String {
    match format {
        Format::Text => go_float(v),
        Format::OpenMetrics => om_float(v),
    }
}

fn escape_label_value(out: &mut String, v: &str) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

fn escape_help(out: &mut String, v: &str, format: Format) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if format == Format::OpenMetrics => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

/// `{a="1",b="2"}` (nothing for no labels), with an optional extra label last (`le`, `quantile`).
fn push_labels(out: &mut String, labels: &[(String, String)], extra: Option<(&str, &str)>) {
    if labels.is_empty() && extra.is_none() {
        return;
    }
    out.push('{');
    let mut first = true;
    for (k, v) in labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain(extra) {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(k);
        out.push_str("=\"");
        escape_label_value(out, v);
        out.push('"');
    }
    out.push('}');
}

struct Sample<'a> {
    out: &'a mut String,
    format: Format,
    timestamp: Option<u64>,
}

impl Sample<'_> {
    fn line(
        &mut self,
        name: &str,
        suffix: &str,
        labels: &[(String, String)],
        extra: Option<(&str, &str)>,
        value: &str,
    ) {
        self.out.push_str(name);
        self.out.push_str(suffix);
        push_labels(self.out, labels, extra);
        self.out.push(' ');
        self.out.push_str(value);
        if let Some(ns) = self.timestamp {
            match self.format {
                Format::Text => {
                    let _ = write!(self.out, " {}", ns / 1_000_000);
                }
                Format::OpenMetrics => {
                    let _ = write!(self.out, " {}.{:03}", ns / 1_000_000_000, (ns / 1_000_000) % 1000);
                }
            }
        }
        self.out.push('\n');
    }
}

/// The family name written in `# TYPE`/`# HELP` and the sample name stem for a series name.
/// OpenMetrics counters are named without `_total` (their samples add it).
fn family_name(name: &str, kind: PromType, format: Format) -> &str {
    match (kind, format) {
        (PromType::Counter, Format::OpenMetrics) => name.strip_suffix("_total").unwrap_or(name),
        _ => name,
    }
}

/// Every name a family occupies: its own and its sample names.
fn claimed_names(family: &str, kind: PromType, format: Format) -> Vec<String> {
    let suffixes: &[&str] = match (kind, format) {
        (PromType::Gauge, _) => &[""],
        (PromType::Counter, Format::Text) => &[""],
        (PromType::Counter, Format::OpenMetrics) => &["", "_total", "_created"],
        (PromType::Histogram, _) => &["", "_bucket", "_sum", "_count", "_created"],
        (PromType::Summary, _) => &["", "_sum", "_count", "_created"],
    };
    suffixes.iter().map(|s| format!("{family}{s}")).collect()
}

fn render_series(
    out: &mut String,
    family: &str,
    s: &Series,
    labels: &[(String, String)],
    format: Format,
    ts: Option<u64>,
) -> bool {
    let om = format == Format::OpenMetrics;
    let mut w = Sample { out, format, timestamp: ts };
    match &s.value {
        SeriesValue::Number(v) => {
            let suffix = if s.kind == PromType::Counter && om { "_total" } else { "" };
            if om && s.kind == PromType::Counter && (v.as_f64().is_nan() || v.as_f64() < 0.0) {
                return false;
            }
            w.line(family, suffix, labels, None, &number(*v, format));
        }
        SeriesValue::Histogram { count, sum, bounds, bucket_counts } => {
            let mut cumulative = 0u64;
            for (i, bound) in bounds.iter().enumerate() {
                cumulative = cumulative.saturating_add(bucket_counts.get(i).copied().unwrap_or(0));
                let le = float(*bound, format);
                w.line(family, "_bucket", labels, Some(("le", &le)), &cumulative.to_string());
            }
            w.line(family, "_bucket", labels, Some(("le", "+Inf")), &count.to_string());
            let om_unfit = om && (sum.is_nan() || *sum < 0.0 || bounds.first().is_some_and(|b| *b < 0.0));
            if !om_unfit {
                w.line(family, "_sum", labels, None, &float(*sum, format));
                w.line(family, "_count", labels, None, &count.to_string());
            }
        }
        SeriesValue::Summary { count, sum, quantiles } => {
            for q in quantiles {
                if om && q.value < 0.0 {
                    continue;
                }
                let quantile = float(q.quantile, format);
                w.line(family, "", labels, Some(("quantile", &quantile)), &float(q.value, format));
            }
            if !(om && (sum.is_nan() || *sum < 0.0)) {
                w.line(family, "_sum", labels, None, &float(*sum, format));
            }
            w.line(family, "_count", labels, None, &count.to_string());
        }
    }
    true
}

/// Renders everything the accumulator holds. Scrape-time drops are counted in its stats.
pub fn render(acc: &Accumulator, format: Format, opts: RenderOptions) -> String {
    render_snapshot(&acc.snapshot(), format, opts)
}

/// Renders a snapshot taken with [`Accumulator::snapshot`] (no lock needed).
pub fn render_snapshot(snap: &Snapshot, format: Format, opts: RenderOptions) -> String {
    let mut out = String::with_capacity(64 * (snap.series.len() + snap.targets.len()) + 256);
    let mut claimed: HashSet<String> = HashSet::new();
    let stats = &snap.stats;
    let all: Vec<(&SeriesKey, &Series)> = snap.series.iter().map(|(k, s)| (k, s)).collect();
    let mut i = 0;
    while i < all.len() {
        let name = all[i].0.name.as_str();
        let end = all[i..].iter().position(|(k, _)| k.name != name).map_or(all.len(), |n| i + n);
        let group = &all[i..end];
        i = end;
        let kind = group[0].1.kind;
        let family = family_name(name, kind, format);
        let names = claimed_names(family, kind, format);
        if names.iter().any(|n| claimed.contains(n)) {
            stats.drop_point(DropReason::NameConflict, group.len() as u64);
            continue;
        }
        claimed.extend(names);
        out.push_str("# HELP ");
        out.push_str(family);
        out.push(' ');
        escape_help(&mut out, &group[0].1.help, format);
        out.push('\n');
        let _ = writeln!(out, "# TYPE {family} {}", kind.as_str());
        for (key, series) in group {
            if series.kind != kind {
                stats.drop_point(DropReason::TypeConflict, 1);
                continue;
            }
            let ts = opts.send_timestamps.then_some(series.time_unix_nano);
            if !render_series(&mut out, family, series, &key.labels, format, ts) {
                stats.drop_point(DropReason::InvalidForOpenMetrics, 1);
            }
        }
    }
    let mut targets = snap.targets.iter().peekable();
    if targets.peek().is_some() {
        if claimed.contains("target_info") {
            stats.drop_point(DropReason::NameConflict, snap.targets.len() as u64);
        } else {
            out.push_str("# HELP target_info Target metadata\n# TYPE target_info gauge\n");
            for labels in targets {
                let mut w = Sample { out: &mut out, format, timestamp: None };
                w.line("target_info", "", labels, None, "1");
            }
        }
    }
    if format == Format::OpenMetrics {
        out.push_str("# EOF\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_float_formatting() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (0.5, "0.5"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (123456789.0, "1.23456789e+08"),
            (1e20, "1e+20"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.25e-7, "1.25e-07"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ];
        for (v, want) in cases {
            assert_eq!(go_float(*v), *want, "{v}");
        }
        assert_eq!(om_float(1.0), "1.0");
        assert_eq!(om_float(0.25), "0.25");
        assert_eq!(om_float(1e21), "1e+21");
        assert_eq!(om_float(f64::INFINITY), "+Inf");
    }

    #[test]
    fn escaping() {
        let mut s = String::new();
        escape_label_value(&mut s, "a\\b\n\"c\"");
        assert_eq!(s, r#"a\\b\n\"c\""#);
        let mut h = String::new();
        escape_help(&mut h, "x\\y\n\"z\"", Format::Text);
        assert_eq!(h, "x\\\\y\\n\"z\"");
        let mut h = String::new();
        escape_help(&mut h, "\"z\"", Format::OpenMetrics);
        assert_eq!(h, "\\\"z\\\"");
    }
}
