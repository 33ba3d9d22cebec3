//! The Prometheus text exposition format 0.0.4 and OpenMetrics 1.0, rendered from a neutral
//! family/sample model. The one Prometheus renderer of dbintel: the `prometheus` exporter and the
//! self-telemetry endpoint both build [`Family`] values from their own snapshots and call [`render`].
//!
//! Output follows the model's order (callers sort if they want determinism). Numbers follow
//! client_golang: floats as Go's `strconv.FormatFloat(v, 'g', -1, 64)` (OpenMetrics adds `.0` to
//! integral floats), integers exactly, `+Inf`/`-Inf`/`NaN`. Label values escape `\`, `"` and newline;
//! HELP escapes `\` and newline (and `"` in OpenMetrics). The `le`/`quantile` label comes last.
//!
//! Safety nets that keep the exposition parseable whatever the data, reported in [`Skipped`]:
//! - a family whose names clash with an earlier family's (`foo_count` gauge next to a `foo`
//!   histogram, or a `foo` gauge next to a `foo_total` counter in OpenMetrics) is skipped;
//! - OpenMetrics only: negative/NaN counters are skipped, a histogram with a negative or NaN sum or
//!   negative bounds is rendered without `_sum`/`_count`, a summary without a negative/NaN `_sum` and
//!   without negative quantile values (rules of the OpenMetrics spec that the text format lacks).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;

use dbintel_core::pdata::{NumberValue, QuantileValue};

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

/// The `# TYPE` of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    Gauge,
    Counter,
    Histogram,
    Summary,
}

impl MetricType {
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Gauge => "gauge",
            MetricType::Counter => "counter",
            MetricType::Histogram => "histogram",
            MetricType::Summary => "summary",
        }
    }
}

/// Histogram buckets, in whichever shape the source keeps them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Buckets<'a> {
    /// OTLP's shape: finite upper bounds and per-bucket (not cumulative) counts, `bounds.len() + 1`
    /// of them (the last one is the overflow bucket) or fewer; missing counts are zero.
    PerBucket { bounds: &'a [f64], counts: &'a [u64] },
    /// Prometheus's shape: `(upper bound, cumulative count)`; a last `+Inf` entry, if present, is
    /// the `+Inf` bucket, otherwise that bucket is the sample's count.
    Cumulative(&'a [(f64, u64)]),
}

/// The value of one series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SampleValue<'a> {
    /// A gauge or counter value.
    Number(NumberValue),
    Histogram {
        count: u64,
        sum: f64,
        buckets: Buckets<'a>,
    },
    Summary {
        count: u64,
        sum: f64,
        quantiles: &'a [QuantileValue],
    },
}

/// One series of a family.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample<'a> {
    /// Label names must be valid Prometheus names; values are escaped here.
    pub labels: &'a [(String, String)],
    pub value: SampleValue<'a>,
    /// Appended to each line when set (milliseconds in text, seconds in OpenMetrics).
    pub timestamp_unix_nano: Option<u64>,
}

/// All series of one metric name.
#[derive(Debug, Clone, PartialEq)]
pub struct Family<'a> {
    /// The name as in the text format: counters end in `_total` (OpenMetrics moves the suffix from
    /// the family name to the sample names).
    pub name: Cow<'a, str>,
    pub help: &'a str,
    pub kind: MetricType,
    pub samples: Vec<Sample<'a>>,
}

/// Samples left out to keep the exposition valid (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Samples of families whose names clash with an earlier family's.
    pub name_conflict: u64,
    /// OpenMetrics only: negative or NaN counters.
    pub invalid_for_openmetrics: u64,
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

fn float(v: f64, format: Format) -> String {
    match format {
        Format::Text => go_float(v),
        Format::OpenMetrics => om_float(v),
    }
}

fn number(v: NumberValue, format: Format) -> String {
    match v {
        NumberValue::Int(i) => i.to_string(),
        NumberValue::Double(d) => float(d, format),
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

struct Lines<'a> {
    out: &'a mut String,
    format: Format,
    timestamp: Option<u64>,
}

impl Lines<'_> {
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

/// The family name written in `# TYPE`/`# HELP` and the sample name stem.
/// OpenMetrics counters are named without `_total` (their samples add it).
fn family_name(name: &str, kind: MetricType, format: Format) -> &str {
    match (kind, format) {
        (MetricType::Counter, Format::OpenMetrics) => name.strip_suffix("_total").unwrap_or(name),
        _ => name,
    }
}

/// Every name a family occupies: its own and its sample names.
fn claimed_names(family: &str, kind: MetricType, format: Format) -> Vec<String> {
    let suffixes: &[&str] = match (kind, format) {
        (MetricType::Gauge, _) => &[""],
        (MetricType::Counter, Format::Text) => &[""],
        (MetricType::Counter, Format::OpenMetrics) => &["", "_total", "_created"],
        (MetricType::Histogram, _) => &["", "_bucket", "_sum", "_count", "_created"],
        (MetricType::Summary, _) => &["", "_sum", "_count", "_created"],
    };
    suffixes.iter().map(|s| format!("{family}{s}")).collect()
}

fn histogram_buckets(
    w: &mut Lines<'_>,
    family: &str,
    labels: &[(String, String)],
    count: u64,
    buckets: Buckets<'_>,
) {
    let format = w.format;
    let mut inf_count = count;
    match buckets {
        Buckets::PerBucket { bounds, counts } => {
            let mut cumulative = 0u64;
            for (i, bound) in bounds.iter().enumerate() {
                cumulative = cumulative.saturating_add(counts.get(i).copied().unwrap_or(0));
                let le = float(*bound, format);
                w.line(family, "_bucket", labels, Some(("le", &le)), &cumulative.to_string());
            }
        }
        Buckets::Cumulative(pairs) => {
            for (bound, c) in pairs {
                if *bound == f64::INFINITY {
                    inf_count = *c;
                    continue;
                }
                let le = float(*bound, format);
                w.line(family, "_bucket", labels, Some(("le", &le)), &c.to_string());
            }
        }
    }
    w.line(family, "_bucket", labels, Some(("le", "+Inf")), &inf_count.to_string());
}

fn lowest_bound(buckets: Buckets<'_>) -> Option<f64> {
    match buckets {
        Buckets::PerBucket { bounds, .. } => bounds.first().copied(),
        Buckets::Cumulative(pairs) => pairs.first().map(|(b, _)| *b),
    }
}

/// Writes one series; `false` when OpenMetrics cannot carry it (nothing written).
fn render_sample(out: &mut String, family: &str, kind: MetricType, s: &Sample<'_>, format: Format) -> bool {
    let om = format == Format::OpenMetrics;
    let mut w = Lines { out, format, timestamp: s.timestamp_unix_nano };
    match s.value {
        SampleValue::Number(v) => {
            let counter = kind == MetricType::Counter;
            if om && counter && (v.as_f64().is_nan() || v.as_f64() < 0.0) {
                return false;
            }
            let suffix = if counter && om { "_total" } else { "" };
            w.line(family, suffix, s.labels, None, &number(v, format));
        }
        SampleValue::Histogram { count, sum, buckets } => {
            histogram_buckets(&mut w, family, s.labels, count, buckets);
            let om_unfit =
                om && (sum.is_nan() || sum < 0.0 || lowest_bound(buckets).is_some_and(|b| b < 0.0));
            if !om_unfit {
                w.line(family, "_sum", s.labels, None, &float(sum, format));
                w.line(family, "_count", s.labels, None, &count.to_string());
            }
        }
        SampleValue::Summary { count, sum, quantiles } => {
            for q in quantiles {
                if om && q.value < 0.0 {
                    continue;
                }
                let quantile = float(q.quantile, format);
                w.line(family, "", s.labels, Some(("quantile", &quantile)), &float(q.value, format));
            }
            if !(om && (sum.is_nan() || sum < 0.0)) {
                w.line(family, "_sum", s.labels, None, &float(sum, format));
            }
            w.line(family, "_count", s.labels, None, &count.to_string());
        }
    }
    true
}

/// Renders the families in order, with `# HELP` and `# TYPE` lines (and `# EOF` for OpenMetrics).
pub fn render(families: &[Family<'_>], format: Format) -> (String, Skipped) {
    let samples: usize = families.iter().map(|f| f.samples.len()).sum();
    let mut out = String::with_capacity(64 * samples + 128 * families.len() + 16);
    let mut skipped = Skipped::default();
    let mut claimed: HashSet<String> = HashSet::new();
    for f in families {
        let family = family_name(&f.name, f.kind, format);
        let names = claimed_names(family, f.kind, format);
        if names.iter().any(|n| claimed.contains(n)) {
            skipped.name_conflict += f.samples.len() as u64;
            continue;
        }
        claimed.extend(names);
        out.push_str("# HELP ");
        out.push_str(family);
        out.push(' ');
        escape_help(&mut out, f.help, format);
        out.push('\n');
        let _ = writeln!(out, "# TYPE {family} {}", f.kind.as_str());
        for s in &f.samples {
            if !render_sample(&mut out, family, f.kind, s, format) {
                skipped.invalid_for_openmetrics += 1;
            }
        }
    }
    if format == Format::OpenMetrics {
        out.push_str("# EOF\n");
    }
    (out, skipped)
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

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
    }

    #[test]
    fn both_bucket_shapes_render_the_same_lines() {
        let l = labels(&[("db", "a\"b")]);
        let per = [Sample {
            labels: &l,
            value: SampleValue::Histogram {
                count: 6,
                sum: 4.5,
                buckets: Buckets::PerBucket { bounds: &[0.1, 1.0], counts: &[1, 2, 3] },
            },
            timestamp_unix_nano: None,
        }];
        let cumulative_pairs = [(0.1, 1), (1.0, 3), (f64::INFINITY, 6)];
        let cum = [Sample {
            labels: &l,
            value: SampleValue::Histogram {
                count: 6,
                sum: 4.5,
                buckets: Buckets::Cumulative(&cumulative_pairs),
            },
            timestamp_unix_nano: None,
        }];
        fn fam<'a>(samples: &[Sample<'a>]) -> Vec<Family<'a>> {
            vec![Family {
                name: "d_seconds".into(),
                help: "Durations.",
                kind: MetricType::Histogram,
                samples: samples.to_vec(),
            }]
        }
        let (a, skipped) = render(&fam(&per), Format::Text);
        let (b, _) = render(&fam(&cum), Format::Text);
        assert_eq!(a, b);
        assert_eq!(skipped, Skipped::default());
        assert_eq!(
            a,
            "# HELP d_seconds Durations.\n# TYPE d_seconds histogram\n\
             d_seconds_bucket{db=\"a\\\"b\",le=\"0.1\"} 1\n\
             d_seconds_bucket{db=\"a\\\"b\",le=\"1\"} 3\n\
             d_seconds_bucket{db=\"a\\\"b\",le=\"+Inf\"} 6\n\
             d_seconds_sum{db=\"a\\\"b\"} 4.5\n\
             d_seconds_count{db=\"a\\\"b\"} 6\n"
        );
    }

    #[test]
    fn clashing_families_and_invalid_openmetrics_counters_are_skipped_and_counted() {
        let none: Vec<(String, String)> = Vec::new();
        let num = |v: f64| Sample {
            labels: &none,
            value: SampleValue::Number(NumberValue::Double(v)),
            timestamp_unix_nano: None,
        };
        let families = vec![
            Family {
                name: "x_total".into(),
                help: "",
                kind: MetricType::Counter,
                samples: vec![num(-1.0), num(2.0)],
            },
            // In OpenMetrics `x` is the counter's family name: this gauge clashes there only.
            Family { name: "x".into(), help: "", kind: MetricType::Gauge, samples: vec![num(1.0)] },
            Family { name: "x_total".into(), help: "", kind: MetricType::Gauge, samples: vec![num(1.0)] },
        ];
        let (text, skipped) = render(&families, Format::Text);
        assert_eq!(skipped, Skipped { name_conflict: 1, invalid_for_openmetrics: 0 });
        assert!(text.contains("x_total -1\nx_total 2\n# HELP x \n# TYPE x gauge\nx 1\n"), "{text}");
        let (om, skipped) = render(&families, Format::OpenMetrics);
        assert_eq!(skipped, Skipped { name_conflict: 2, invalid_for_openmetrics: 1 });
        assert_eq!(om, "# HELP x \n# TYPE x counter\nx_total 2.0\n# EOF\n");
    }
}
