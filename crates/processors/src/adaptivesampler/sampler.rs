//! The per-record decision: identity, dedup, rule, (adaptive) rate, deterministic draw, rule cap,
//! budget. Decisions are made on a shared batch first; only then is it changed (in place when this
//! processor holds the only reference, else by copying just the kept records).

use std::sync::Arc;
use std::time::Duration;

use dbintel_core::cache::BoundedCache;
use dbintel_core::component::ConfigProblem;
use dbintel_core::pdata::{LogRecord, SignalData, Value, now_unix_nanos};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{Processor, ProcessorError};
use dbintel_sql::{Dialect, Fingerprint, fingerprint, fnv1a64};
use tokio::time::Instant;

use super::AdaptiveSamplerConfig;
use super::index::{Index, Name, View};
use super::rules::Rule;

/// The attribute every kept record carries: the probability it had to be kept (multiplied into an
/// existing one from an upstream sampler), so a backend can re-weight by 1/rate.
pub const SAMPLING_RATE: &str = "sampling.rate";

const MINUTE: Duration = Duration::from_secs(60);
const SECOND: Duration = Duration::from_secs(1);

/// Per-query statistics of adaptive mode (Welford's running mean and variance of the duration).
#[derive(Debug, Default, Clone, Copy)]
struct QueryStats {
    records: u64,
    errors: u64,
    durations: u64,
    mean_ms: f64,
    m2: f64,
}

#[derive(Default)]
struct Tally {
    sampled: u64,
    duplicate: u64,
    rate_limit: u64,
    rule_cap: u64,
    sampled_out: u64,
}

struct Counters {
    sampled: Counter,
    duplicate: Counter,
    rate_limit: Counter,
    rule_cap: Counter,
    sampled_out: Counter,
    evicted_dedup: Counter,
    evicted_stats: Counter,
}

impl Counters {
    fn new(t: &Registry, id: &str) -> Self {
        let dropped = |reason: &str| {
            t.counter(
                "dbintel_adaptivesampler_records_dropped_total",
                "Log records the adaptive sampler dropped, by reason.",
                &[("processor", id), ("reason", reason)],
            )
        };
        let evicted = |cache: &str| {
            t.counter(
                "dbintel_adaptivesampler_cache_evictions_total",
                "Entries the adaptive sampler's bounded caches evicted (capacity or age).",
                &[("processor", id), ("cache", cache)],
            )
        };
        Self {
            sampled: t.counter(
                "dbintel_adaptivesampler_records_sampled_total",
                "Log records the adaptive sampler kept.",
                &[("processor", id)],
            ),
            duplicate: dropped("duplicate"),
            rate_limit: dropped("rate_limit"),
            rule_cap: dropped("rule_cap"),
            sampled_out: dropped("sampled_out"),
            evicted_dedup: evicted("deduplication"),
            evicted_stats: evicted("adaptive"),
        }
    }
}

/// A fixed window counter (the prototype's fixed 1s and 1min windows).
#[derive(Debug, Default)]
struct Window {
    start: Option<Instant>,
    count: u64,
    previous: u64,
}

impl Window {
    fn roll(&mut self, now: Instant, len: Duration) {
        match self.start {
            Some(s) if now.saturating_duration_since(s) < len => {}
            Some(s) => {
                // The previous window's count only if it was the window just before this one.
                self.previous = if now.saturating_duration_since(s) < len * 2 { self.count } else { 0 };
                self.start = Some(now);
                self.count = 0;
            }
            None => {
                self.start = Some(now);
                self.count = 0;
            }
        }
    }
}

pub struct AdaptiveSampler {
    cfg: AdaptiveSamplerConfig,
    rules: Vec<Rule>,
    index: Index,
    names: Names,
    rule_windows: Vec<Window>,
    /// Dedup key -> the record time (ns, 0 = none) of the last record kept under it.
    dedup: Option<BoundedCache<u64, u64>>,
    stats: Option<BoundedCache<u64, QueryStats>>,
    interval_nanos: u64,
    second: Window,
    next_cleanup: Option<Instant>,
    decisions: Vec<Option<f64>>,
    tally: Tally,
    counters: Counters,
}

/// SplitMix64's finalizer: spreads a hash so its high bits are uniform.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The deterministic draw: keep when the hash of (identity, interval) as a fraction in [0, 1) is
/// below the rate. A replica or a replay with the same records decides the same.
pub fn keep(identity: u64, bucket: u64, rate: f64) -> bool {
    if rate >= 1.0 {
        return true;
    }
    if rate.is_nan() || rate <= 0.0 {
        return false;
    }
    let u = mix(identity ^ mix(bucket));
    ((u >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < rate
}

/// A hash of an identity-like attribute: our fingerprints (16 hex digits) parse to the dbintel-sql
/// fingerprint itself, so a fingerprint attribute and one computed from the text agree.
fn hash_value(v: &Value) -> Option<u64> {
    match v {
        Value::Str(s) if !s.is_empty() => {
            Some(Fingerprint::from_hex(s).map_or_else(|| fnv1a64(s.as_bytes()), |f| f.0))
        }
        Value::Int(i) => Some(fnv1a64(&i.to_le_bytes())),
        Value::Bytes(b) if !b.is_empty() => Some(fnv1a64(b)),
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Double(d) => Some(*d),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite())
}

/// The attributes the sampler reads, with their slots in the index.
struct Names {
    fingerprint: Vec<Name>,
    query_text: Vec<Name>,
    hash: Name,
    plan_hash: Vec<Name>,
    system: [Name; 2],
    duration_ms: Vec<Name>,
    duration_seconds: Vec<Name>,
    stddev_seconds: Vec<Name>,
    errors: Vec<Name>,
}

impl Names {
    /// Slots go first to what every record reads, then to rule conditions, then to adaptive mode.
    fn new(cfg: &AdaptiveSamplerConfig, index: &mut Index, rules: &mut [Rule]) -> Self {
        let list = |index: &mut Index, v: &[String]| v.iter().map(|n| index.name(n)).collect::<Vec<_>>();
        let a = &cfg.attributes;
        let fingerprint = list(index, &a.fingerprint);
        let query_text = list(index, &a.query_text);
        let hash = index.name(&cfg.deduplication.hash_attribute);
        let plan_hash = list(index, &a.plan_hash);
        let system = [index.name("db.system.name"), index.name("db.system")];
        for c in rules.iter_mut().flat_map(|r| r.conditions.iter_mut()) {
            c.attribute = index.name(&c.attribute.name);
        }
        Self {
            fingerprint,
            query_text,
            hash,
            plan_hash,
            system,
            duration_ms: list(index, &a.duration_ms),
            duration_seconds: list(index, &a.duration_seconds),
            stddev_seconds: list(index, &a.duration_stddev_seconds),
            errors: list(index, &a.errors),
        }
    }
}

/// FNV-1a continued over more bytes (the fallback identity of records with no query in them).
fn feed(h: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(h, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

fn feed_value(h: u64, v: &Value) -> u64 {
    match v {
        Value::Str(s) => feed(h, s.as_bytes()),
        Value::Int(i) => feed(h, &i.to_le_bytes()),
        Value::Double(d) => feed(h, &d.to_bits().to_le_bytes()),
        Value::Bool(b) => feed(h, &[u8::from(*b)]),
        Value::Bytes(b) => feed(h, b),
        other => feed(h, other.to_display_string().as_bytes()),
    }
}

/// A record without a query: its event name, body and attributes (so still deterministic).
fn fallback_identity(r: &LogRecord) -> u64 {
    let mut h = feed(0xcbf2_9ce4_8422_2325, r.event_name.as_bytes());
    if let Some(b) = &r.body {
        h = feed_value(h, b);
    }
    for (k, v) in r.attributes.iter() {
        h = feed_value(feed(h, k.as_bytes()), v);
    }
    h
}

fn errored(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Int(i) => *i > 0,
        Value::Double(d) => *d > 0.0,
        Value::Str(s) => !s.is_empty() && s != "0" && s != "false",
        _ => false,
    }
}

impl AdaptiveSampler {
    pub fn new(cfg: AdaptiveSamplerConfig, telemetry: &Registry, id: &str) -> Result<Self, ConfigProblem> {
        let mut rules = Rule::compile_all(&cfg.rules).map_err(|e| ConfigProblem::new("rules", e))?;
        let mut index = Index::new();
        let names = Names::new(&cfg, &mut index, &mut rules);
        let dedup = cfg.deduplication.enabled.then(|| {
            BoundedCache::new(
                cfg.deduplication.cache_size,
                Some(Duration::from_secs(cfg.deduplication.window_seconds)),
            )
        });
        let stats = cfg.adaptive.enabled.then(|| BoundedCache::new(cfg.adaptive.max_queries, None));
        let interval_nanos = u64::try_from(cfg.decision_interval.get().as_nanos()).unwrap_or(u64::MAX).max(1);
        Ok(Self {
            rule_windows: rules.iter().map(|_| Window::default()).collect(),
            rules,
            index,
            names,
            dedup,
            stats,
            interval_nanos,
            second: Window::default(),
            next_cleanup: None,
            decisions: Vec::new(),
            tally: Tally::default(),
            counters: Counters::new(telemetry, id),
            cfg,
        })
    }

    /// The query's identity and whether it is one (a fingerprint or query text was found). `get`
    /// reads a named attribute of `r`.
    fn identity<'a>(&self, r: &'a LogRecord, get: impl Fn(&Name) -> Option<&'a Value>) -> (u64, bool) {
        if let Some(h) = self.names.fingerprint.iter().find_map(|n| get(n).and_then(hash_value)) {
            return (h, true);
        }
        let text = self.names.query_text.iter().find_map(|n| get(n).and_then(Value::as_str));
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            let dialect = match self.names.system.iter().find_map(&get).and_then(Value::as_str) {
                Some("mysql" | "mariadb") => Dialect::Mysql,
                _ => Dialect::Postgresql,
            };
            // Text that does not lex still has an identity: its bytes.
            let h = fingerprint(dialect, text).map(|f| f.0).unwrap_or_else(|_| fnv1a64(text.as_bytes()));
            return (h, true);
        }
        (fallback_identity(r), false)
    }

    /// Adaptive mode: updates the query's statistics and returns its rate (the prototype's formula).
    #[cfg(test)]
    pub(super) fn adaptive_rate(&mut self, r: &LogRecord, identity: u64, now: Instant) -> Option<f64> {
        let view = self.index.view(&r.attributes);
        self.adaptive_rate_of(&view, identity, now)
    }

    fn adaptive_rate_of(&mut self, view: &View<'_>, identity: u64, now: Instant) -> Option<f64> {
        let a = &self.names;
        let duration_ms = view
            .first(&a.duration_ms)
            .and_then(number)
            .or_else(|| view.first(&a.duration_seconds).and_then(number).map(|s| s * 1000.0))
            .filter(|d| *d >= 0.0);
        let stddev_ms = view.first(&a.stddev_seconds).and_then(number).map(|s| s * 1000.0);
        let erred = view.first(&a.errors).is_some_and(errored);
        let stats = self.stats.as_mut()?;
        if stats.get_at(&identity, now).is_none() {
            stats.insert_at(identity, QueryStats::default(), now);
        }
        let s = stats.get_mut_at(&identity, now)?;
        s.records += 1;
        s.errors += u64::from(erred);
        if let Some(d) = duration_ms {
            s.durations += 1;
            let delta = d - s.mean_ms;
            s.mean_ms += delta / s.durations as f64;
            s.m2 += delta * (d - s.mean_ms);
        }
        let mean = duration_ms.unwrap_or(s.mean_ms);
        let sd = stddev_ms
            .unwrap_or_else(|| if s.durations > 1 { (s.m2 / (s.durations - 1) as f64).sqrt() } else { 0.0 });
        let cv = if mean > 0.0 { sd / mean } else { 0.0 };
        let error_rate = s.errors as f64 / s.records as f64;
        let importance =
            0.4 * (mean / self.cfg.high_cost_threshold).min(1.0) + 0.3 * error_rate + 0.2 * cv.min(1.0);
        // The prototype's +0.1 for critical queries is moot: critical records keep rate 1.
        let mut rate = if erred || importance > 0.7 {
            1.0
        } else if importance > 0.3 {
            0.5 + (importance - 0.3) * 1.25
        } else {
            self.cfg.min_sample_rate.max(1.67 * importance)
        };
        // Volume guard: near the budget (80% of it kept in the last second), rates fall in proportion.
        let max = self.cfg.max_records_per_second as f64;
        let current = self.second.previous.max(self.second.count) as f64;
        if !erred && current >= 0.8 * max && current > 0.0 {
            rate *= (max / current) * 0.8;
        }
        Some(if rate.is_finite() { rate.clamp(0.0, 1.0) } else { self.cfg.default_sample_rate })
    }

    /// Keep (with the rate) or drop one record.
    fn decide(&mut self, r: &LogRecord, now: Instant, now_nanos: u64) -> Option<f64> {
        // Identity and dedup read a few names directly; the view of every attribute the rules and
        // adaptive mode read is made only for a record that is not a duplicate (most are, in the
        // steady state of top-query events).
        let attrs = &r.attributes;
        let direct = |n: &Name| n.find(attrs);
        let (identity, is_query) = self.identity(r, direct);
        if let Some(cache) = self.dedup.as_mut() {
            // The plan hash (the configured attribute, else our receivers' own) with the query: a
            // repeat of this query with this plan. Without a plan hash the query alone; a record
            // with neither is never a duplicate. Either way the key exists whichever processor
            // (the plan extractor) runs before or after this one.
            let plan = direct(&self.names.hash)
                .and_then(hash_value)
                .or_else(|| self.names.plan_hash.iter().find_map(|n| direct(n).and_then(hash_value)));
            let key = match (plan, is_query) {
                (Some(p), true) => Some(mix(identity) ^ p),
                (Some(p), false) => Some(p),
                (None, true) => Some(identity),
                (None, false) => None,
            };
            if let Some(key) = key {
                // The window is measured in record time when both records have one, so a replay
                // or a replica decides as the live run did; the cache itself forgets a key after
                // the window in process time (its memory bound).
                let t = record_time(r);
                let window = self.cfg.deduplication.window_seconds.saturating_mul(1_000_000_000);
                let duplicate = cache
                    .get_at(&key, now)
                    .is_some_and(|&last| t == 0 || last == 0 || t.abs_diff(last) < window);
                if duplicate {
                    self.tally.duplicate += 1;
                    return None;
                }
                cache.insert_at(key, t, now);
            }
        }
        let view = self.index.view(attrs);
        let matched = self.rules.iter().position(|rule| rule.matches(&view));
        let (mut rate, critical) = match matched {
            Some(i) => (self.rules[i].rate, self.rules[i].critical),
            None => (self.cfg.default_sample_rate, false),
        };
        if !critical
            && is_query
            && self.stats.is_some()
            && let Some(adaptive) = self.adaptive_rate_of(&view, identity, now)
        {
            rate = adaptive;
        }
        let time = [r.time_unix_nano, r.observed_time_unix_nano, now_nanos]
            .into_iter()
            .find(|t| *t > 0)
            .unwrap_or(0);
        if !keep(identity, time / self.interval_nanos, rate) {
            self.tally.sampled_out += 1;
            return None;
        }
        if let Some(i) = matched {
            let cap = self.rules[i].max_per_minute;
            let w = &mut self.rule_windows[i];
            w.roll(now, MINUTE);
            if cap > 0 && w.count >= cap {
                self.tally.rule_cap += 1;
                return None;
            }
        }
        self.second.roll(now, SECOND);
        if !critical && self.second.count >= self.cfg.max_records_per_second {
            self.tally.rate_limit += 1;
            return None;
        }
        // Counted only once kept: records dropped later in the chain of checks use no quota.
        self.second.count += 1;
        if let Some(i) = matched {
            self.rule_windows[i].count += 1;
        }
        self.tally.sampled += 1;
        Some(rate)
    }

    fn publish(&mut self) {
        let t = std::mem::take(&mut self.tally);
        let c = &self.counters;
        for (counter, n) in [
            (&c.sampled, t.sampled),
            (&c.duplicate, t.duplicate),
            (&c.rate_limit, t.rate_limit),
            (&c.rule_cap, t.rule_cap),
            (&c.sampled_out, t.sampled_out),
        ] {
            if n > 0 {
                counter.add(n);
            }
        }
        if let Some(d) = self.dedup.as_mut() {
            c.evicted_dedup.add(d.take_evictions());
        }
        if let Some(s) = self.stats.as_mut() {
            c.evicted_stats.add(s.take_evictions());
        }
    }

    fn cleanup_every(&self) -> Duration {
        self.cfg.deduplication.cleanup_interval.get()
    }
}

/// The record's own time (event time, else observed time), 0 when it has none.
fn record_time(r: &LogRecord) -> u64 {
    if r.time_unix_nano > 0 { r.time_unix_nano } else { r.observed_time_unix_nano }
}

fn set_rate(r: &mut LogRecord, rate: f64) {
    let upstream = r.attributes.get(SAMPLING_RATE).and_then(number).filter(|x| *x > 0.0 && *x <= 1.0);
    r.attributes.insert(SAMPLING_RATE, upstream.map_or(rate, |u| u * rate));
}

impl Processor for AdaptiveSampler {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let SignalData::Logs(logs) = &*data else {
            // Logs only (the factory declares it); anything else passes untouched.
            out.push(data);
            return Ok(());
        };
        let now = Instant::now();
        let now_nanos = now_unix_nanos();
        if self.next_cleanup.is_none() && (self.dedup.is_some() || self.stats.is_some()) {
            self.next_cleanup = Some(dbintel_core::duration::deadline_after(now, self.cleanup_every()));
        }
        let mut decisions = std::mem::take(&mut self.decisions);
        decisions.clear();
        for r in logs.resource_logs.iter().flat_map(|rl| &rl.scope_logs).flat_map(|sl| &sl.log_records) {
            decisions.push(self.decide(r, now, now_nanos));
        }
        self.publish();
        crate::keep::keep_records(data, &decisions, |r, rate| set_rate(r, *rate), out);
        self.decisions = decisions;
        Ok(())
    }

    /// Not held data: its timer expires dedup entries; it holds no data.
    fn holds_data(&self) -> bool {
        false
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.next_cleanup
    }

    fn on_timer(&mut self, _out: &mut Vec<Arc<SignalData>>) {
        let now = Instant::now();
        if let Some(d) = self.dedup.as_mut() {
            d.expire(now);
        }
        self.publish();
        self.next_cleanup = Some(dbintel_core::duration::deadline_after(now, self.cleanup_every()));
    }

    fn flush(&mut self, _out: &mut Vec<Arc<SignalData>>) {
        self.publish();
    }
}
