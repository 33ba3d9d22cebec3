//! Go-style durations (`500ms`, `10s`, `1m30s`, `1.5h`) as used by OpenTelemetry Collector configs.

use std::fmt;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::component::ConfigProblem;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration `{input}`: {reason} (use Go-style durations such as `500ms`, `10s`, `1m30s`)")]
pub struct DurationError {
    pub input: String,
    pub reason: &'static str,
}

/// Parses a Go duration string: an optional sign is rejected, units `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`,
/// decimal fractions allowed (`1.5s`), several components concatenated (`1h2m3s`). A bare `0` is zero.
pub fn parse_duration(input: &str) -> Result<Duration, DurationError> {
    let err = |reason| DurationError { input: input.to_string(), reason };
    let s = input.trim();
    if s.is_empty() {
        return Err(err("empty string"));
    }
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.starts_with('-') {
        return Err(err("negative durations are not allowed"));
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    let mut total_nanos: u128 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return Err(err("expected a number"));
        }
        let (num, after) = rest.split_at(num_len);
        let unit_len = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(err("missing unit")),
            _ => return Err(err("unknown unit")),
        };
        let (int_part, frac_part) = match num.split_once('.') {
            Some((i, f)) => (i, f),
            None => (num, ""),
        };
        if (int_part.is_empty() && frac_part.is_empty()) || frac_part.contains('.') {
            return Err(err("malformed number"));
        }
        let int: u128 =
            if int_part.is_empty() { 0 } else { int_part.parse().map_err(|_| err("number too large"))? };
        let mut nanos = int.checked_mul(unit_nanos).ok_or_else(|| err("duration too large"))?;
        if !frac_part.is_empty() {
            // Keep at most 18 fractional digits; more precision than a nanosecond is meaningless.
            let digits = &frac_part[..frac_part.len().min(18)];
            let frac: u128 = digits.parse().map_err(|_| err("malformed number"))?;
            let scale = 10u128.pow(digits.len() as u32);
            nanos += frac * unit_nanos / scale;
        }
        total_nanos = total_nanos.checked_add(nanos).ok_or_else(|| err("duration too large"))?;
        rest = next;
    }
    if total_nanos > MAX_NANOS {
        return Err(err(TOO_LARGE));
    }
    let secs = u64::try_from(total_nanos / 1_000_000_000).map_err(|_| err(TOO_LARGE))?;
    Ok(Duration::new(secs, (total_nanos % 1_000_000_000) as u32))
}

/// The longest duration Go (and so the Collector) can hold: `i64::MAX` nanoseconds.
pub const MAX_DURATION: Duration = Duration::new(9_223_372_036, 854_775_807);
const MAX_NANOS: u128 = i64::MAX as u128;
const TOO_LARGE: &str = "duration too large: at most 2562047h47m16.854775807s, like Go";

/// The sane range of one duration key, checked by each component's validation so that what passes
/// `validate` also works at run time (no overflow, no value the server refuses, no flapping).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationRange {
    pub min: Duration,
    pub max: Duration,
    /// What `0` means when it is accepted below `min` (e.g. "disabled", "no limit").
    pub zero_means: Option<&'static str>,
}

impl DurationRange {
    /// `min` to `max`, both included.
    pub const fn new(min: Duration, max: Duration) -> Self {
        Self { min, max, zero_means: None }
    }
    /// Also accepts `0`, with the given meaning.
    pub const fn or_zero(self, meaning: &'static str) -> Self {
        Self { zero_means: Some(meaning), ..self }
    }
    /// `1s to 24h`, or `0 (disabled) or 1s to 24h`, for messages and READMEs.
    pub fn describe(&self) -> String {
        let span = format!("{} to {}", format_short(self.min), format_short(self.max));
        match self.zero_means {
            Some(m) => format!("0 ({m}) or {span}"),
            None => span,
        }
    }
    /// Whether `d` is accepted.
    pub fn contains(&self, d: Duration) -> bool {
        (d.is_zero() && self.zero_means.is_some()) || (self.min <= d && d <= self.max)
    }
    /// A problem at `key` when `d` is out of range. The message does not repeat the value (it may
    /// come from a placeholder); it says which bound is broken and the range to use.
    pub fn check(&self, key: &str, d: Duration) -> Option<ConfigProblem> {
        if self.contains(d) {
            return None;
        }
        let which = if d < self.min { "too short" } else { "too long" };
        // `collection_interval: 10` is 10ns, as in Go: say so, it is the usual cause.
        let hint = if d < self.min && !d.is_zero() && d < Duration::from_millis(1) {
            " (a number without a unit is read as nanoseconds: write the unit, e.g. `10s`)"
        } else {
            ""
        };
        Some(ConfigProblem::new(key, format!("{which}: use {}{hint}", self.describe())))
    }
}

/// Like [`format_duration`] without the zero tails Go prints (`24h`, not `24h0m0s`; `1m`, not
/// `1m0s`); still a valid duration for a config.
pub fn format_short(d: Duration) -> String {
    let mut s = format_duration(d);
    if s.len() > 2 && s.ends_with("m0s") {
        s.truncate(s.len() - 2);
    }
    if s.len() > 2 && s.ends_with("h0m") {
        s.truncate(s.len() - 2);
    }
    s
}

/// `from + d`, saturating: when the sum does not fit the clock, a year from `from` (never, in
/// practice). Run-time code adds config durations to instants with this, so a value that slipped
/// past validation cannot panic a component.
pub fn deadline_after(from: tokio::time::Instant, d: Duration) -> tokio::time::Instant {
    from.checked_add(d).or_else(|| from.checked_add(FAR_FUTURE)).unwrap_or(from)
}

/// What [`deadline_after`] uses when the sum overflows: a year.
pub const FAR_FUTURE: Duration = Duration::from_secs(365 * 86_400);

/// The ranges shared by several components (each component README lists the ones it uses).
pub mod ranges {
    use std::time::Duration;

    use super::DurationRange;

    const fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }
    const fn millis(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    /// How often a receiver or collector scrapes: 1s to 24h.
    pub const COLLECTION_INTERVAL: DurationRange = DurationRange::new(secs(1), secs(86_400));
    /// Wait before the first scrape: 0 to 1h.
    pub const INITIAL_DELAY: DurationRange = DurationRange::new(Duration::ZERO, secs(3600));
    /// A statement timeout sent to a database server: 100ms (below, statements only flap) to 1h
    /// (PostgreSQL takes at most 2147483647ms; nothing a collector runs should take an hour).
    pub const STATEMENT_TIMEOUT: DurationRange = DurationRange::new(millis(100), secs(3600));
    /// Lifetime or idle time of a pooled connection: 0 (never) or 1s to 24h.
    pub const CONNECTION_LIFETIME: DurationRange = DurationRange::new(secs(1), secs(86_400)).or_zero("never");
    /// How long a cache entry is reused: 1s to 7 days.
    pub const CACHE_TTL: DurationRange = DurationRange::new(secs(1), secs(7 * 86_400));
    /// One export request to a backend: 100ms to 10m.
    pub const EXPORT_TIMEOUT: DurationRange = DurationRange::new(millis(100), secs(600));
    /// One wait between retries (`initial_interval`, `max_interval`): 10ms to 1h.
    pub const RETRY_INTERVAL: DurationRange = DurationRange::new(millis(10), secs(3600));
    /// How long a request is retried: 0 (forever) or 10ms to 24h (the Collector's own e2e configs
    /// retry for 200ms; below the shortest retry wait nothing is retried).
    pub const RETRY_MAX_ELAPSED: DurationRange =
        DurationRange::new(millis(10), secs(86_400)).or_zero("retry forever");
    /// How long an idle series is kept: 1s to 24h.
    pub const METRIC_EXPIRATION: DurationRange = DurationRange::new(secs(1), secs(86_400));
    /// A key accepted for compatibility whose value dbintel does not use: 0 to 1h.
    pub const IGNORED: DurationRange = DurationRange::new(Duration::ZERO, secs(3600));
}

/// Checks each `(key, value, range)`, returning every problem.
pub fn check_durations(items: &[(&str, Duration, DurationRange)]) -> Vec<ConfigProblem> {
    items.iter().filter_map(|(key, d, range)| range.check(key, *d)).collect()
}

/// Formats a duration the way Go prints it (`1m30s`, `500ms`, `0s`).
pub fn format_duration(d: Duration) -> String {
    if d.is_zero() {
        return "0s".to_string();
    }
    let nanos = d.as_nanos();
    if nanos < 1_000 {
        return format!("{nanos}ns");
    }
    if nanos < 1_000_000 {
        return trim_float(nanos as f64 / 1e3, "µs");
    }
    if nanos < 1_000_000_000 {
        return trim_float(nanos as f64 / 1e6, "ms");
    }
    let total_secs = d.as_secs();
    let h = total_secs / 3600;
    let m = (total_secs % 3600) / 60;
    let s = (total_secs % 60) as f64 + f64::from(d.subsec_nanos()) / 1e9;
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    out.push_str(&trim_float(s, "s"));
    out
}

fn trim_float(v: f64, unit: &str) -> String {
    let mut s = format!("{v:.9}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    format!("{s}{unit}")
}

/// A serde wrapper for durations in configs: accepts a Go-style string, or an integer number of
/// nanoseconds as the Go collector does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GoDuration(pub Duration);

impl GoDuration {
    pub const fn from_secs(s: u64) -> Self {
        GoDuration(Duration::from_secs(s))
    }
    pub const fn from_millis(ms: u64) -> Self {
        GoDuration(Duration::from_millis(ms))
    }
    pub fn get(self) -> Duration {
        self.0
    }
}

impl From<GoDuration> for Duration {
    fn from(d: GoDuration) -> Duration {
        d.0
    }
}

impl fmt::Display for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_duration(self.0))
    }
}

impl Serialize for GoDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_duration(self.0))
    }
}

/// Documented as what users write: a Go duration string (an integer of nanoseconds also parses).
impl schemars::JsonSchema for GoDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "GoDuration".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "go-duration",
            "description": "string, Go duration (`500ms`, `10s`, `1m30s`, `1.5h`); an integer is nanoseconds",
            "examples": ["10s"]
        })
    }
}

impl<'de> Deserialize<'de> for GoDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = GoDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as `500ms`, `10s` or `1m30s`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<GoDuration, E> {
                parse_duration(v).map(GoDuration).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<GoDuration, E> {
                if u128::from(v) > MAX_NANOS {
                    return Err(E::custom(TOO_LARGE));
                }
                Ok(GoDuration(Duration::from_nanos(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<GoDuration, E> {
                u64::try_from(v)
                    .map(|n| GoDuration(Duration::from_nanos(n)))
                    .map_err(|_| E::custom("negative durations are not allowed"))
            }
            fn visit_f64<E: de::Error>(self, _v: f64) -> Result<GoDuration, E> {
                Err(E::custom("a duration needs a unit, e.g. `10s`"))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        let cases = [
            ("500ms", Duration::from_millis(500)),
            ("10s", Duration::from_secs(10)),
            ("1m30s", Duration::from_secs(90)),
            ("1h", Duration::from_secs(3600)),
            ("1.5s", Duration::from_millis(1500)),
            ("2h45m", Duration::from_secs(2 * 3600 + 45 * 60)),
            ("250us", Duration::from_micros(250)),
            ("7ns", Duration::from_nanos(7)),
            ("0", Duration::ZERO),
            ("0s", Duration::ZERO),
        ];
        for (s, want) in cases {
            assert_eq!(parse_duration(s).unwrap(), want, "{s}");
        }
    }

    #[test]
    fn rejects_malformed_durations() {
        for s in ["", "10", "ten seconds", "10x", "-5s", "1..5s", "s", "99999999999999999999999h"] {
            assert!(parse_duration(s).is_err(), "{s} should be rejected");
        }
        let e = parse_duration("10").unwrap_err();
        assert!(e.to_string().contains("`10`") && e.to_string().contains("missing unit"));
    }

    #[test]
    fn go_limit_is_the_largest_duration() {
        assert_eq!(parse_duration("2562047h47m16.854775807s").unwrap(), MAX_DURATION);
        for s in ["2562047h47m16.854775808s", "18446744073709551615s", "9999999999h", "2562048h"] {
            let e = parse_duration(s).unwrap_err();
            assert!(e.to_string().contains("at most 2562047h47m16.854775807s"), "{e}");
        }
        let d: Result<GoDuration, _> = crate::config_value::from_value(&serde_json::json!(u64::MAX));
        assert!(d.is_err());
    }

    #[test]
    fn ranges_name_the_bounds_and_never_the_value() {
        let r = DurationRange::new(Duration::from_secs(1), Duration::from_secs(86_400));
        assert_eq!(r.describe(), "1s to 24h");
        assert!(r.check("collection_interval", Duration::from_secs(1)).is_none());
        assert!(r.check("collection_interval", Duration::from_secs(86_400)).is_none());
        let p = r.check("collection_interval", Duration::from_millis(999)).unwrap();
        assert_eq!(p.path, "collection_interval");
        assert_eq!(p.message, "too short: use 1s to 24h");
        let p = r.check("collection_interval", MAX_DURATION).unwrap();
        assert_eq!(p.message, "too long: use 1s to 24h");
        let z = r.or_zero("disabled");
        assert!(z.check("x", Duration::ZERO).is_none());
        assert!(r.check("x", Duration::ZERO).is_some());
        assert_eq!(z.describe(), "0 (disabled) or 1s to 24h");
        let p = r.check("collection_interval", Duration::from_nanos(10)).unwrap();
        assert!(p.message.starts_with("too short: use 1s to 24h (a number without a unit"), "{}", p.message);
        assert_eq!(r.check("x", Duration::ZERO).unwrap().message, "too short: use 1s to 24h");
    }

    #[test]
    fn deadlines_saturate() {
        let now = tokio::time::Instant::now();
        assert_eq!(deadline_after(now, Duration::from_secs(5)), now + Duration::from_secs(5));
        assert_eq!(deadline_after(now, Duration::MAX), now + FAR_FUTURE);
        assert_eq!(deadline_after(now, MAX_DURATION), now + MAX_DURATION);
    }

    #[test]
    fn formats_like_go() {
        assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(format_duration(Duration::from_secs(3600)), "1h0m0s");
        assert_eq!(format_duration(Duration::ZERO), "0s");
        for (d, want) in [(3600, "1h"), (5400, "1h30m"), (60, "1m"), (61, "1m1s"), (0, "0s"), (10, "10s")] {
            assert_eq!(format_short(Duration::from_secs(d)), want);
        }
        assert_eq!(format_short(Duration::from_millis(100)), "100ms");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = parse_duration(&s);
        }

        #[test]
        fn round_trips(ms in 0u64..10_000_000_000) {
            let d = Duration::from_millis(ms);
            proptest::prop_assert_eq!(parse_duration(&format_duration(d)).unwrap(), d);
        }
    }
}
