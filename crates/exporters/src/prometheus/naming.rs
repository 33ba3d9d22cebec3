//! OTel -> Prometheus name translation, following the OpenTelemetry specification
//! ("Prometheus and OpenMetrics compatibility") as implemented by `prometheus/otlptranslator`, which the
//! contrib `prometheus` exporter uses.
//!
//! Metric names (`UnderscoreEscapingWithSuffixes`, the default):
//! - the name is split into tokens at every character outside `[a-zA-Z0-9:]` (so `.`, `-`, spaces and
//!   runs of `_` all become one `_`, and leading/trailing separators disappear);
//! - the unit adds a suffix: the main unit through [`unit_word`] (`s` -> `seconds`, `By` -> `bytes`,
//!   `1` -> nothing; unknown units are cleaned and kept), `/x` adds `per_<x>` through [`per_unit_word`];
//!   units in braces (`{connections}`) add nothing; a suffix already present as a token is not repeated;
//! - monotonic sums (counters) end in `_total` (other `total` tokens are removed first);
//! - gauges with unit `1` end in `_ratio`;
//! - `namespace` is prepended; a name starting with a digit gets a leading `_`.
//!
//! With `UnderscoreEscapingWithoutSuffixes` only invalid characters become `_` (runs of `_` are kept)
//! and no suffix is added.
//!
//! Label names: characters outside `[a-zA-Z0-9_]` become `_`; a leading digit gets `key_`, a single
//! leading `_` gets `key` (a leading `__` is kept, as the translator does).

/// How metric names are translated (`translation_strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TranslationStrategy {
    #[default]
    UnderscoreEscapingWithSuffixes,
    UnderscoreEscapingWithoutSuffixes,
}

/// The Prometheus type a metric becomes, which decides the `_total`/`_ratio` suffixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PromType {
    Gauge,
    Counter,
    Histogram,
    Summary,
}

impl PromType {
    pub fn as_str(self) -> &'static str {
        match self {
            PromType::Gauge => "gauge",
            PromType::Counter => "counter",
            PromType::Histogram => "histogram",
            PromType::Summary => "summary",
        }
    }
}

fn is_metric_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == ':'
}

fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Tokens of a metric name: maximal runs of `[a-zA-Z0-9:]`.
fn name_tokens(name: &str) -> Vec<&str> {
    name.split(|c: char| !is_metric_char(c)).filter(|t| !t.is_empty()).collect()
}

/// The word a main OTel unit (UCUM) becomes; unknown units are returned unchanged.
pub fn unit_word(unit: &str) -> &str {
    match unit {
        // Time
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        // Bytes
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "TiBy" => "tibibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "TBy" => "terabytes",
        // SI
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        // Misc
        "Cel" => "celsius",
        "Hz" => "hertz",
        "1" => "",
        "%" => "percent",
        other => other,
    }
}

/// The word a "per" unit (after `/`) becomes; unknown units are returned unchanged.
pub fn per_unit_word(unit: &str) -> &str {
    match unit {
        "s" => "second",
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        other => other,
    }
}

/// Invalid characters to `_`, runs of `_` collapsed, a leading `_` removed (otlptranslator `cleanUpUnit`).
fn clean_up_unit(unit: &str) -> String {
    let mut out = String::with_capacity(unit.len());
    for c in unit.chars() {
        let c = if is_metric_char(c) { c } else { '_' };
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
    }
    match out.strip_prefix('_') {
        Some(rest) => rest.to_string(),
        None => out,
    }
}

/// `(main, per)` suffixes of a unit, e.g. `By/s` -> `("bytes", "per_second")`.
fn unit_suffixes(unit: &str) -> (String, String) {
    let mut parts = unit.splitn(2, '/');
    let main = parts.next().unwrap_or("").trim();
    let per = parts.next().unwrap_or("").trim();
    let main_suffix = if !main.is_empty() && !main.contains(['{', '}']) {
        unit_word(main).to_string()
    } else {
        String::new()
    };
    let mut per_suffix = String::new();
    if !per.is_empty() && !per.contains(['{', '}']) {
        let word = per_unit_word(per);
        if !word.is_empty() {
            per_suffix = format!("per_{word}");
        }
    }
    (clean_up_unit(&main_suffix), clean_up_unit(&per_suffix))
}

/// Sanitizes a namespace: runs of invalid characters become one `_` (underscores are kept).
fn sanitize_namespace(ns: &str) -> String {
    ns.split(|c: char| !is_metric_char(c) && c != '_').filter(|t| !t.is_empty()).collect::<Vec<_>>().join("_")
}

/// Translates an OTel metric name and unit into a Prometheus metric name. The `_total` suffix of
/// counters is part of the result. Returns an empty string when nothing valid is left.
pub fn metric_name(
    name: &str,
    unit: &str,
    kind: PromType,
    namespace: &str,
    strategy: TranslationStrategy,
) -> String {
    let namespace = sanitize_namespace(namespace);
    let mut out = match strategy {
        TranslationStrategy::UnderscoreEscapingWithSuffixes => {
            let mut tokens: Vec<String> = name_tokens(name).into_iter().map(str::to_string).collect();
            if tokens.is_empty() {
                return String::new();
            }
            let (main, per) = unit_suffixes(unit);
            let main = if tokens.contains(&main) { String::new() } else { main };
            let per = if tokens.contains(&per) { String::new() } else { per };
            if !main.is_empty() {
                tokens.push(main.trim_end_matches('_').to_string());
            }
            if !per.is_empty() {
                tokens.push(per);
            }
            if kind == PromType::Counter {
                tokens.retain(|t| t != "total");
                tokens.push("total".to_string());
            }
            if unit == "1" && kind == PromType::Gauge {
                tokens.retain(|t| t != "ratio");
                tokens.push("ratio".to_string());
            }
            if !namespace.is_empty() {
                tokens.insert(0, namespace);
            }
            tokens.join("_")
        }
        TranslationStrategy::UnderscoreEscapingWithoutSuffixes => {
            let base = name
                .split(|c: char| !is_metric_char(c) && c != '_')
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("_");
            if base.is_empty() {
                return String::new();
            }
            if namespace.is_empty() { base } else { format!("{namespace}_{base}") }
        }
    };
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Translates an attribute key into a Prometheus label name. Returns `None` when nothing valid is
/// left (an empty key, or one made only of invalid characters and underscores).
pub fn label_name(key: &str) -> Option<String> {
    if key.is_empty() {
        return None;
    }
    let mut out: String = key.chars().map(|c| if is_label_char(c) { c } else { '_' }).collect();
    if out.chars().all(|c| c == '_') {
        return None;
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "key_");
    } else if out.starts_with('_') && !out.starts_with("__") {
        out.insert_str(0, "key");
    }
    Some(out)
}

/// Whether `name` is a valid legacy Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`).
pub fn is_valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => chars.all(is_label_char),
        _ => false,
    }
}

/// Whether `name` is a valid legacy Prometheus metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
pub fn is_valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WITH: TranslationStrategy = TranslationStrategy::UnderscoreEscapingWithSuffixes;
    const WITHOUT: TranslationStrategy = TranslationStrategy::UnderscoreEscapingWithoutSuffixes;

    #[test]
    fn metric_names_with_suffixes() {
        use PromType::*;
        let cases: &[(&str, &str, PromType, &str, &str)] = &[
            // (otel name, unit, type, namespace, expected)
            ("postgresql.backends", "1", Gauge, "", "postgresql_backends_ratio"),
            ("postgresql.backends", "1", Counter, "", "postgresql_backends_total"),
            ("postgresql.backends", "{connections}", Gauge, "", "postgresql_backends"),
            ("postgresql.commits", "{commit}", Counter, "", "postgresql_commits_total"),
            ("postgresql.db_size", "By", Gauge, "", "postgresql_db_size_bytes"),
            ("mysql.query.duration", "s", Histogram, "", "mysql_query_duration_seconds"),
            ("db.query.time", "ms", Counter, "", "db_query_time_milliseconds_total"),
            ("process.cpu.seconds", "s", Counter, "", "process_cpu_seconds_total"),
            ("network.io", "By/s", Gauge, "", "network_io_bytes_per_second"),
            ("packets", "{packet}/s", Gauge, "", "packets_per_second"),
            ("rate", "1/s", Gauge, "", "rate_per_second"),
            ("temp", "Cel", Gauge, "", "temp_celsius"),
            ("usage", "%", Gauge, "", "usage_percent"),
            ("odd", "kB", Gauge, "", "odd_kB"),
            ("odd.per", "foo/bar", Gauge, "", "odd_per_foo_per_bar"),
            ("requests.total", "", Counter, "", "requests_total"),
            ("total.requests", "", Counter, "", "requests_total"),
            ("cpu.ratio", "1", Gauge, "", "cpu_ratio"),
            ("a..b__c-d e", "", Gauge, "", "a_b_c_d_e"),
            ("_leading.trailing_", "", Gauge, "", "leading_trailing"),
            ("with:colon", "", Gauge, "", "with:colon"),
            ("2xx.responses", "", Counter, "", "_2xx_responses_total"),
            ("backends", "", Gauge, "db intel", "db_intel_backends"),
            ("backends", "", Gauge, "dbintel", "dbintel_backends"),
            ("hist", "ms", Histogram, "ns", "ns_hist_milliseconds"),
            ("summary", "s", Summary, "", "summary_seconds"),
            ("ünïcode.name", "", Gauge, "", "n_code_name"),
            ("...", "", Gauge, "", ""),
            ("", "", Gauge, "", ""),
            ("bytes.read", "By", Counter, "", "bytes_read_total"),
        ];
        for (name, unit, kind, ns, want) in cases {
            assert_eq!(metric_name(name, unit, *kind, ns, WITH), *want, "{name} [{unit}] {kind:?} ns={ns}");
        }
    }

    #[test]
    fn metric_names_without_suffixes() {
        use PromType::*;
        let cases: &[(&str, &str, PromType, &str, &str)] = &[
            ("postgresql.backends", "1", Gauge, "", "postgresql_backends"),
            ("postgresql.commits", "{commit}", Counter, "", "postgresql_commits"),
            ("a__b", "s", Gauge, "", "a__b"),
            ("a.-b", "s", Gauge, "", "a_b"),
            ("2xx", "", Gauge, "", "_2xx"),
            ("x", "", Gauge, "ns", "ns_x"),
        ];
        for (name, unit, kind, ns, want) in cases {
            assert_eq!(metric_name(name, unit, *kind, ns, WITHOUT), *want, "{name} [{unit}] {kind:?}");
        }
    }

    #[test]
    fn label_names() {
        let cases: &[(&str, Option<&str>)] = &[
            ("db.namespace", Some("db_namespace")),
            ("db.system.name", Some("db_system_name")),
            ("server.port", Some("server_port")),
            ("already_ok", Some("already_ok")),
            ("0day", Some("key_0day")),
            ("_private", Some("key_private")),
            ("__reserved", Some("__reserved")),
            ("a-b c/d", Some("a_b_c_d")),
            ("a..b", Some("a__b")),
            ("ключ", None),
            ("ключ1", Some("____1")),
            ("", None),
            ("...", None),
            ("CamelCase", Some("CamelCase")),
        ];
        for (key, want) in cases {
            assert_eq!(label_name(key).as_deref(), *want, "{key}");
        }
    }

    #[test]
    fn validity_checks() {
        assert!(is_valid_label_name("a_b1"));
        assert!(is_valid_label_name("_a"));
        assert!(!is_valid_label_name("1a"));
        assert!(!is_valid_label_name("a.b"));
        assert!(!is_valid_label_name(""));
        assert!(is_valid_metric_name("a:b_c"));
        assert!(!is_valid_metric_name("9a"));
    }
}
