//! The per-record decision (contrib's `commonShouldSampleLogic`, for log records and for spans) and
//! the processor. Log records carry their sampling state in `sampling.*` attributes; spans in the
//! `ot` entry of their W3C `tracestate` (`ot=th:...;rv:...`, OTEP 235), as the Collector's traces
//! sampler reads and writes it.

use std::sync::Arc;

use dbintel_core::Processor;
use dbintel_core::component::{ConfigProblem, ProcessorError};
use dbintel_core::pdata::{Attributes, LogRecord, SignalData, Span, Value};
use dbintel_core::telemetry::{Counter, Registry};

use super::sampling::{MIN_SAMPLING_PROBABILITY, Randomness, Threshold, hash_seed_threshold};
use super::{AttributeSource, Mode, ProbabilisticSamplerConfig};
use crate::attributes::actions::as_string;

/// The record attribute holding the threshold a record was sampled with.
pub const THRESHOLD_ATTR: &str = "sampling.threshold";
/// The record attribute holding explicit randomness.
pub const RANDOMNESS_ATTR: &str = "sampling.randomness";

/// Where a decision's randomness came from (the `policy` label, named as the Collector's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    TraceIdHash,
    TraceIdW3c,
    SamplingRandomness,
    Missing,
    Priority,
    Attribute,
}

const POLICIES: usize = 6;

impl Policy {
    fn index(self) -> usize {
        self as usize
    }
    fn name(self, attribute: &str) -> &str {
        match self {
            Policy::TraceIdHash => "trace_id_hash",
            Policy::TraceIdW3c => "trace_id_w3c",
            Policy::SamplingRandomness => "sampling_randomness",
            Policy::Missing => "missing_randomness",
            Policy::Priority => "sampling_priority",
            Policy::Attribute => attribute,
        }
    }
}

/// Why a record had no usable sampling information (the `reason` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    MissingRandomness,
    RandomnessInUse,
    ThresholdInUse,
    InvalidAttributes,
    InconsistentThreshold,
}

const PROBLEMS: [&str; 5] = [
    "missing_randomness",
    "randomness_in_use",
    "threshold_in_use",
    "invalid_sampling_attributes",
    "inconsistent_threshold",
];

#[derive(Debug, Clone, Copy)]
enum Kind {
    Never,
    Hash { threshold: Threshold },
    Equalizing { threshold: Threshold },
    Proportional { ratio: f64 },
}

/// What to write on a kept record.
#[derive(Debug, Clone, Copy, Default)]
struct Writes {
    randomness: Option<Randomness>,
    clear_threshold: bool,
    threshold: Option<Threshold>,
}

/// The `sampling.*` attributes a record arrived with.
struct Carrier {
    threshold: Option<Threshold>,
    randomness: Option<Randomness>,
}

fn str_attr<'a>(a: &'a Attributes, key: &str) -> Option<&'a str> {
    match a.get(key) {
        Some(Value::Str(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// What a decision reads from a log record or a span.
trait Item {
    fn attributes(&self) -> &Attributes;
    /// A non-zero trace id.
    fn trace_id(&self) -> Option<&[u8; 16]>;
    /// The sampling state it arrived with; `Err` when malformed.
    fn carrier(&self) -> Result<Carrier, ()>;
}

impl Item for LogRecord {
    fn attributes(&self) -> &Attributes {
        &self.attributes
    }
    fn trace_id(&self) -> Option<&[u8; 16]> {
        trace_id(self)
    }
    fn carrier(&self) -> Result<Carrier, ()> {
        carrier(self)
    }
}

impl Item for Span {
    fn attributes(&self) -> &Attributes {
        &self.attributes
    }
    fn trace_id(&self) -> Option<&[u8; 16]> {
        <&[u8; 16]>::try_from(self.trace_id.as_slice()).ok().filter(|t| t.iter().any(|b| *b != 0))
    }
    fn carrier(&self) -> Result<Carrier, ()> {
        let ts = TraceState::parse(&self.trace_state)?;
        let threshold = match ts.get("th") {
            None => None,
            Some(v) => Some(Threshold::from_tvalue(v).ok_or(())?),
        };
        let randomness = match ts.get("rv") {
            None => None,
            Some(v) => Some(Randomness::from_rvalue(v).ok_or(())?),
        };
        Ok(Carrier { threshold, randomness })
    }
}

/// A W3C `tracestate` split into its list members, with the `ot` member's `key:value` pairs
/// apart so `th`/`rv` can change while every other member and pair is kept as it came.
struct TraceState<'a> {
    ot: Vec<(&'a str, &'a str)>,
    others: Vec<&'a str>,
}

impl<'a> TraceState<'a> {
    /// Most list members W3C allows.
    const MAX_MEMBERS: usize = 32;

    fn parse(s: &'a str) -> Result<Self, ()> {
        let mut ts = TraceState { ot: Vec::new(), others: Vec::new() };
        let mut seen_ot = false;
        for member in s.split(',').map(str::trim).filter(|m| !m.is_empty()) {
            let (key, value) = member.split_once('=').ok_or(())?;
            if key.trim() == "ot" {
                if seen_ot {
                    return Err(());
                }
                seen_ot = true;
                for pair in value.split(';').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once(':').ok_or(())?;
                    ts.ot.push((k, v));
                }
            } else {
                ts.others.push(member);
            }
        }
        if ts.others.len() + usize::from(seen_ot) > Self::MAX_MEMBERS {
            return Err(());
        }
        Ok(ts)
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.ot.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// The tracestate after the writes: `th` and `rv` first in the `ot` member (as the Collector
    /// serialises them), the `ot` member first in the list (W3C: a changed member moves to the front).
    fn rewrite(&self, w: &Writes) -> String {
        let mut th = self.get("th").map(str::to_string);
        let mut rv = self.get("rv").map(str::to_string);
        if let Some(r) = w.randomness {
            rv = Some(r.rvalue());
        }
        if w.clear_threshold {
            th = None;
        }
        if let Some(t) = w.threshold {
            th = Some(t.tvalue()).filter(|v| !v.is_empty());
        }
        let mut pairs: Vec<String> = Vec::new();
        if let Some(t) = th {
            pairs.push(format!("th:{t}"));
        }
        if let Some(r) = rv {
            pairs.push(format!("rv:{r}"));
        }
        pairs.extend(
            self.ot.iter().filter(|(k, _)| *k != "th" && *k != "rv").map(|(k, v)| format!("{k}:{v}")),
        );
        let mut members: Vec<String> = Vec::with_capacity(self.others.len() + 1);
        if !pairs.is_empty() {
            members.push(format!("ot={}", pairs.join(";")));
        }
        members.extend(self.others.iter().map(|m| m.to_string()));
        members.join(",")
    }
}

/// The OpenTracing `sampling.priority` span attribute, as the Collector's traces sampler reads it:
/// 0 never samples, a positive number always does, anything else defers.
fn span_priority(span: &Span) -> Option<Threshold> {
    let n = match span.attributes.get("sampling.priority")? {
        Value::Int(i) => *i as f64,
        Value::Double(d) => *d,
        Value::Str(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if n == 0.0 {
        Some(Threshold::NEVER)
    } else if n > 0.0 {
        Some(Threshold::ALWAYS)
    } else {
        None
    }
}

/// Parses the carrier; `Err` when either value is malformed.
fn carrier(r: &LogRecord) -> Result<Carrier, ()> {
    let threshold = match str_attr(&r.attributes, THRESHOLD_ATTR) {
        None => None,
        Some(s) => Some(Threshold::from_tvalue(s).ok_or(())?),
    };
    let randomness = match str_attr(&r.attributes, RANDOMNESS_ATTR) {
        None => None,
        Some(s) => Some(Randomness::from_rvalue(s).ok_or(())?),
    };
    Ok(Carrier { threshold, randomness })
}

fn trace_id(r: &LogRecord) -> Option<&[u8; 16]> {
    r.trace_id.as_ref().filter(|t| t.iter().any(|b| *b != 0))
}

/// The processor.
pub struct ProbabilisticSampler {
    kind: Kind,
    hash_seed: u32,
    trace_id_source: bool,
    from_attribute: String,
    sampling_priority: String,
    precision: u8,
    fail_closed: bool,
    /// [policy][sampled]
    counted: [[Counter; 2]; POLICIES],
    problems: [Counter; 5],
    decisions: Vec<Option<Writes>>,
}

impl ProbabilisticSampler {
    pub fn new(
        cfg: &ProbabilisticSamplerConfig,
        telemetry: &Registry,
        id: &str,
    ) -> Result<Self, Vec<ConfigProblem>> {
        let p = cfg.problems();
        if !p.is_empty() {
            return Err(p);
        }
        let pct = cfg.sampling_percentage.min(100.0);
        let ratio = (f64::from(pct) / 100.0).max(MIN_SAMPLING_PROBABILITY);
        let kind = if pct <= 0.0 {
            Kind::Never
        } else {
            match cfg.effective_mode() {
                Mode::HashSeed => match hash_seed_threshold(pct) {
                    Some(threshold) => Kind::Hash { threshold },
                    None => Kind::Never,
                },
                Mode::Equalizing => Kind::Equalizing {
                    threshold: Threshold::from_probability(ratio, cfg.sampling_precision)
                        .unwrap_or(Threshold::ALWAYS),
                },
                Mode::Proportional => Kind::Proportional { ratio },
            }
        };
        let policy_names = [
            Policy::TraceIdHash,
            Policy::TraceIdW3c,
            Policy::SamplingRandomness,
            Policy::Missing,
            Policy::Priority,
            Policy::Attribute,
        ];
        let counted = policy_names.map(|pol| {
            let name = pol.name(if cfg.from_attribute.is_empty() { "attribute" } else { &cfg.from_attribute });
            [false, true].map(|s| {
                telemetry.counter(
                    "dbintel_probabilistic_sampler_records_total",
                    "Log records the probabilistic sampler decided on, by randomness source (policy) and decision.",
                    &[("processor", id), ("policy", name), ("sampled", if s { "true" } else { "false" })],
                )
            })
        });
        let problems = PROBLEMS.map(|reason| {
            telemetry.counter(
                "dbintel_probabilistic_sampler_problems_total",
                "Log records without usable sampling information (decided by fail_closed), by reason.",
                &[("processor", id), ("reason", reason)],
            )
        });
        Ok(Self {
            kind,
            hash_seed: cfg.hash_seed,
            trace_id_source: cfg.attribute_source == AttributeSource::TraceId,
            from_attribute: cfg.from_attribute.clone(),
            sampling_priority: cfg.sampling_priority.clone(),
            precision: cfg.sampling_precision,
            fail_closed: cfg.fail_closed,
            counted,
            problems,
            decisions: Vec::new(),
        })
    }

    /// Randomness, the carrier (when its sampling attributes may be updated) and any problem.
    fn randomness<R: Item>(
        &self,
        r: &R,
        w: &mut Writes,
    ) -> (Randomness, Policy, Option<Carrier>, Option<Problem>) {
        let parsed = r.carrier();
        match self.kind {
            // Nothing is sampled unless a priority says so; randomness is not needed.
            Kind::Never => match parsed {
                Ok(c) => (Randomness::ALL, Policy::Priority, Some(c), None),
                Err(()) => (Randomness::ALL, Policy::Priority, None, Some(Problem::InvalidAttributes)),
            },
            Kind::Hash { .. } => {
                let mut rnd = None;
                if self.trace_id_source
                    && let Some(t) = r.trace_id()
                {
                    rnd = Some((Randomness::from_hash(t, self.hash_seed), Policy::TraceIdHash));
                }
                if rnd.is_none()
                    && !self.from_attribute.is_empty()
                    && let Some(v) = r.attributes().get(&self.from_attribute)
                {
                    let h = match v {
                        Value::Bytes(b) if !b.is_empty() => Some(Randomness::from_hash(b, self.hash_seed)),
                        Value::Bytes(_) => None,
                        other => {
                            let s = as_string(other);
                            (!s.is_empty()).then(|| Randomness::from_hash(s.as_bytes(), self.hash_seed))
                        }
                    };
                    rnd = h.map(|h| (h, Policy::Attribute));
                }
                let (rnd, policy) = rnd.unwrap_or((Randomness::ALL, Policy::Missing));
                match parsed {
                    Err(()) => (rnd, policy, None, Some(Problem::InvalidAttributes)),
                    Ok(c) if c.randomness.is_some() => (rnd, policy, None, Some(Problem::RandomnessInUse)),
                    Ok(c) if c.threshold.is_some() => (rnd, policy, None, Some(Problem::ThresholdInUse)),
                    Ok(c) => {
                        if policy != Policy::Missing {
                            w.randomness = Some(rnd);
                        }
                        (rnd, policy, Some(c), None)
                    }
                }
            }
            Kind::Equalizing { .. } | Kind::Proportional { .. } => match parsed {
                Err(()) => (Randomness::ALL, Policy::Missing, None, Some(Problem::InvalidAttributes)),
                Ok(c) => {
                    let (rnd, policy) = if let Some(rv) = c.randomness {
                        (rv, Policy::SamplingRandomness)
                    } else if let Some(t) = r.trace_id() {
                        (Randomness::from_trace_id(t), Policy::TraceIdW3c)
                    } else {
                        (Randomness::ALL, Policy::Missing)
                    };
                    (rnd, policy, Some(c), None)
                }
            },
        }
    }

    fn decide_threshold(&self, c: &Carrier) -> Threshold {
        match self.kind {
            Kind::Never => Threshold::NEVER,
            Kind::Hash { threshold } => threshold,
            Kind::Equalizing { threshold } => match c.threshold {
                Some(arriving) if arriving > threshold => arriving,
                _ => threshold,
            },
            Kind::Proportional { ratio } => {
                let incoming = c.threshold.map_or(1.0, Threshold::probability);
                Threshold::from_probability(incoming * ratio, self.precision).unwrap_or(Threshold::NEVER)
            }
        }
    }

    /// The record's sampling priority as a threshold: a number, in percent; 0 never samples, 100
    /// or more always does; other values (absent, negative, not a number) leave the decision.
    fn priority(&self, r: &LogRecord) -> Option<Threshold> {
        if self.sampling_priority.is_empty() {
            return None;
        }
        let pct = match r.attributes.get(&self.sampling_priority)? {
            Value::Int(i) => *i as f64,
            Value::Double(d) => *d,
            _ => return None,
        };
        if pct.is_nan() || pct < 0.0 {
            return None;
        }
        if pct == 0.0 {
            return Some(Threshold::NEVER);
        }
        Threshold::from_probability((pct / 100.0).min(1.0), self.precision)
    }

    /// The decision for one record or span: `Some(writes)` to keep it. `priority` is the record's
    /// own say (logs: `sampling_priority`; spans: `sampling.priority`).
    fn decide<R: Item>(
        &self,
        r: &R,
        priority: Option<Threshold>,
        counts: &mut [[u64; 2]; POLICIES],
        problems: &mut [u64; 5],
    ) -> Option<Writes> {
        let mut w = Writes::default();
        let (rnd, mut policy, carrier, mut problem) = self.randomness(r, &mut w);
        if problem.is_none() {
            if policy == Policy::Missing {
                problem = Some(Problem::MissingRandomness);
            } else if let Some(c) = &carrier
                && let Some(th) = c.threshold
                && !th.should_sample(rnd)
            {
                w.clear_threshold = true;
                problem = Some(Problem::InconsistentThreshold);
            }
        }
        let mut threshold = match (problem, &carrier) {
            (Some(p), _) => {
                problems[p as usize] += 1;
                if self.fail_closed { Threshold::NEVER } else { Threshold::ALWAYS }
            }
            (None, Some(c)) => self.decide_threshold(c),
            (None, None) => Threshold::NEVER,
        };
        if let Some(th) = priority {
            threshold = th;
            policy = Policy::Priority;
        }
        let sampled = threshold.should_sample(rnd);
        counts[policy.index()][usize::from(sampled)] += 1;
        if !sampled {
            return None;
        }
        if let Some(c) = &carrier {
            let existing = if w.clear_threshold { None } else { c.threshold };
            // The threshold may only rise (probability only fall), as the Collector's updateThreshold.
            if existing.is_none_or(|e| threshold >= e) {
                w.threshold = Some(threshold);
            }
        }
        Some(w)
    }
}

fn write(r: &mut LogRecord, w: Writes) {
    if let Some(rnd) = w.randomness {
        r.attributes.insert(RANDOMNESS_ATTR, rnd.rvalue());
    }
    if w.clear_threshold {
        r.attributes.remove(THRESHOLD_ATTR);
    }
    if let Some(th) = w.threshold {
        r.attributes.insert(THRESHOLD_ATTR, th.tvalue());
    }
}

impl Processor for ProbabilisticSampler {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let mut counts = [[0u64; 2]; POLICIES];
        let mut problems = [0u64; 5];
        let mut decisions = std::mem::take(&mut self.decisions);
        decisions.clear();
        match &*data {
            SignalData::Logs(logs) => {
                for r in
                    logs.resource_logs.iter().flat_map(|rl| &rl.scope_logs).flat_map(|sl| &sl.log_records)
                {
                    decisions.push(self.decide(r, self.priority(r), &mut counts, &mut problems));
                }
            }
            SignalData::Traces(traces) => {
                for s in traces.resource_spans.iter().flat_map(|rs| &rs.scope_spans).flat_map(|ss| &ss.spans)
                {
                    decisions.push(self.decide(s, span_priority(s), &mut counts, &mut problems));
                }
            }
            // Not a metrics processor (the factory declares logs and traces).
            SignalData::Metrics(_) => {
                out.push(data);
                self.decisions = decisions;
                return Ok(());
            }
        }
        for (p, c) in counts.iter().enumerate() {
            for (s, n) in c.iter().enumerate() {
                if *n > 0 {
                    self.counted[p][s].add(*n);
                }
            }
        }
        for (i, n) in problems.iter().enumerate() {
            if *n > 0 {
                self.problems[i].add(*n);
            }
        }
        if matches!(&*data, SignalData::Traces(_)) {
            keep_spans(data, &decisions, out);
        } else {
            crate::keep::keep_records(data, &decisions, |r, w| write(r, *w), out);
        }
        self.decisions = decisions;
        Ok(())
    }
}

/// Keeps the spans whose decision is `Some`, writing their new sampling state into their
/// `tracestate` (copying the batch first only when it is shared); empty scopes and resources go.
fn keep_spans(mut data: Arc<SignalData>, decisions: &[Option<Writes>], out: &mut Vec<Arc<SignalData>>) {
    if let SignalData::Traces(t) = Arc::make_mut(&mut data) {
        let mut fates = decisions.iter();
        for rs in &mut t.resource_spans {
            for ss in &mut rs.scope_spans {
                ss.spans.retain_mut(|span| match fates.next() {
                    Some(Some(w)) => {
                        if let Ok(ts) = TraceState::parse(&span.trace_state) {
                            span.trace_state = ts.rewrite(w);
                        }
                        true
                    }
                    Some(None) => false,
                    None => true,
                });
            }
            rs.scope_spans.retain(|s| !s.spans.is_empty());
        }
        t.resource_spans.retain(|r| !r.scope_spans.is_empty());
    }
    if !data.is_empty() {
        out.push(data);
    }
}
