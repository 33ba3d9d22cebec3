//! `verification`: PII detection (and redaction) plus quality rules on logs, with the findings fed
//! back as log records aggregated per interval (counts per category and database), never one per
//! finding. On metrics and traces (which the prototype's configs put it in) it redacts PII in data
//! point, span and span event attributes and counts what it found; no feedback records there. The prototype's fake health checks, auto-tuning and self-healing are not ported; their
//! keys load with a warning.

pub mod pii;
pub mod quality;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::pdata::{
    Attributes, CompactString, Key, LogRecord, Logs, Metric, MetricData, Resource, ResourceLogs, Scope,
    ScopeLogs, SeverityNumber, SignalData, Value, now_unix_nanos,
};
use dbintel_core::telemetry::Counter;
use dbintel_core::{
    ComponentKind, DurationRange, GoDuration, Processor, ProcessorError, Signal, TypedFactory,
};
use schemars::JsonSchema;
use serde::Deserialize;
use tokio::time::Instant;

use pii::{Detectors, Finding, PiiKind, REDACTED, Sensitivity};
use quality::{NameRules, Quality, QualityIssues, ValueType};

/// Accepted `verification_interval` (how often aggregated feedback is sent): 1s to 24h.
pub const INTERVAL_RANGE: DurationRange =
    DurationRange::new(Duration::from_secs(1), Duration::from_secs(86_400));
/// Most (category, level, database) groups aggregated in one interval; later ones fold into `_other`.
pub const MAX_GROUPS: usize = 1000;
/// Longest custom pattern source and the compiled size limit (the regex crate's `size_limit`).
pub const MAX_PATTERN_LEN: usize = 1024;
pub const PATTERN_SIZE_LIMIT: usize = 1 << 20;
/// Nesting depth of array/map values that is scanned.
const MAX_DEPTH: usize = 4;
/// Record marks.
pub const ATTR_DETECTED: &str = "dbintel.pii.detected";
pub const ATTR_TYPES: &str = "dbintel.pii.types";
pub const ATTR_REDACTED: &str = "dbintel.pii.redacted";
/// Event name of the feedback records.
pub const FEEDBACK_EVENT: &str = "dbintel.verification.feedback";

/// `quality_rules`: checks on every record's attributes. A rule on one of the prototype's field
/// names (`database_name`, `query_id`, `duration_ms`, `query_text`) is also satisfied by the name
/// our receivers use (`db.namespace`, `postgresql.queryid`, ...).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct QualityRulesConfig {
    /// Attributes every record must carry; each missing one is a `quality_validation` finding.
    pub required_fields: Vec<String>,
    /// Whether `data_type_validation` runs.
    pub enable_schema_validation: bool,
    /// Most distinct values per attribute (at most 1000000); values beyond are `cardinality_limit` findings.
    pub cardinality_limits: BTreeMap<String, usize>,
    /// The type (string, int, double, bool) an attribute must have when present.
    pub data_type_validation: BTreeMap<String, ValueType>,
}

impl Default for QualityRulesConfig {
    fn default() -> Self {
        Self {
            required_fields: vec!["database_name".into(), "query_id".into(), "duration_ms".into()],
            enable_schema_validation: true,
            cardinality_limits: BTreeMap::from([
                ("query_id".into(), 10_000),
                ("database_name".into(), 100),
                ("table_name".into(), 1000),
            ]),
            data_type_validation: BTreeMap::from([
                ("duration_ms".into(), ValueType::Double),
                ("error_count".into(), ValueType::Int),
                ("database_name".into(), ValueType::String),
            ]),
        }
    }
}

/// `pii_detection`.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PiiConfig {
    /// Whether string attributes (and the body) are scanned for PII.
    pub enabled: bool,
    /// Replace each match with `[REDACTED]` (the whole value for attributes named like PII).
    pub auto_sanitize: bool,
    /// low: secrets, cards, SSNs, IBANs; medium: also e-mail and phone; high: also IP addresses.
    #[serde(alias = "sensitivity")]
    #[schemars(extend("x-aliases" = ["sensitivity"]))]
    pub sensitivity_level: Sensitivity,
    /// Attributes never scanned (identifiers and hashes).
    pub exclude_fields: Vec<String>,
    /// Extra regular expressions (regex crate syntax, each at most 1024 characters); a match is PII.
    pub custom_patterns: Vec<String>,
    /// Whether the log body is scanned too.
    pub scan_body: bool,
}

impl Default for PiiConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            auto_sanitize: false,
            sensitivity_level: Sensitivity::Medium,
            exclude_fields: [
                "query_hash",
                "plan_hash",
                "database_name",
                "db.namespace",
                "postgresql.queryid",
                "postgresql.query_id",
                "mysql.events_statements_summary_by_digest.digest",
                "mysql.events_statements_current.digest",
                "dbintel.query.fingerprint",
                "db.query.fingerprint",
                "dbintel.plan.hash",
                "dbintel.plan.actual.hash",
                "mysql.query_plan.hash",
                "db.query.plan.hash",
            ]
            .map(String::from)
            .to_vec(),
            custom_patterns: Vec::new(),
            scan_body: true,
        }
    }
}

/// Config of the `verification` processor (the prototype's keys; the ones not ported are ignored).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct VerificationConfig {
    /// How often the aggregated feedback records are sent (1s to 24h).
    pub verification_interval: GoDuration,
    /// Send feedback as log records down the pipeline; off, findings are only counted.
    pub export_feedback_as_logs: bool,
    /// Most feedback records per interval (the most severe groups first); the rest are counted.
    pub max_feedback_records: usize,
    /// Attributes naming a record's database, first present wins (then the resource's).
    pub database_attributes: Vec<String>,
    /// Quality rules.
    pub quality_rules: QualityRulesConfig,
    /// PII detection.
    pub pii_detection: PiiConfig,
}

impl Default for VerificationConfig {
    fn default() -> Self {
        Self {
            verification_interval: GoDuration::from_secs(300),
            export_feedback_as_logs: true,
            max_feedback_records: 100,
            database_attributes: vec!["db.namespace".into(), "database_name".into()],
            quality_rules: QualityRulesConfig::default(),
            pii_detection: PiiConfig::default(),
        }
    }
}

impl VerificationConfig {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        p.extend(INTERVAL_RANGE.check("verification_interval", self.verification_interval.get()));
        if self.max_feedback_records == 0 || self.max_feedback_records > MAX_GROUPS {
            p.push(ConfigProblem::new(
                "max_feedback_records",
                format!("must be 1 to {MAX_GROUPS}; it is {}", self.max_feedback_records),
            ));
        }
        for (key, n) in [
            ("quality_rules.required_fields", self.quality_rules.required_fields.len()),
            ("quality_rules.cardinality_limits", self.quality_rules.cardinality_limits.len()),
        ] {
            if n > quality::MAX_RULES {
                p.push(ConfigProblem::new(
                    key,
                    format!("at most {} entries; it has {n}", quality::MAX_RULES),
                ));
            }
        }
        for (attr, limit) in &self.quality_rules.cardinality_limits {
            if *limit == 0 || *limit > quality::MAX_CARDINALITY_LIMIT {
                p.push(ConfigProblem::new(
                    format!("quality_rules.cardinality_limits.{attr}"),
                    format!("must be 1 to {}; it is {limit}", quality::MAX_CARDINALITY_LIMIT),
                ));
            }
        }
        for (i, pat) in self.pii_detection.custom_patterns.iter().enumerate() {
            if let Err(e) = compile_pattern(pat) {
                p.push(ConfigProblem::new(format!("pii_detection.custom_patterns[{i}]"), e));
            }
        }
        p
    }
}

fn compile_pattern(pat: &str) -> Result<regex::Regex, String> {
    if pat.is_empty() || pat.len() > MAX_PATTERN_LEN {
        return Err(format!("must be 1 to {MAX_PATTERN_LEN} characters; it has {}", pat.len()));
    }
    let re = regex::RegexBuilder::new(pat)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("is not a valid pattern: {e}"))?;
    if re.is_match("") {
        return Err("matches the empty string, so it would match every value".into());
    }
    Ok(re)
}

/// Levels of the prototype's feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Level {
    Warning,
    Error,
    Critical,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
            Level::Critical => "CRITICAL",
        }
    }
    fn severity(self) -> SeverityNumber {
        match self {
            Level::Warning => SeverityNumber::WARN,
            Level::Error => SeverityNumber::ERROR,
            Level::Critical => SeverityNumber::FATAL,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Category {
    PiiDetection,
    QualityValidation,
    SchemaValidation,
    CardinalityLimit,
}

impl Category {
    fn as_str(self) -> &'static str {
        match self {
            Category::PiiDetection => "pii_detection",
            Category::QualityValidation => "quality_validation",
            Category::SchemaValidation => "schema_validation",
            Category::CardinalityLimit => "cardinality_limit",
        }
    }
    fn remediation(self, sanitized: bool) -> &'static str {
        match self {
            Category::PiiDetection if sanitized => {
                "PII was redacted in flight; keep literals out of statements (bind parameters) and check the source's obfuscation"
            }
            Category::PiiDetection => {
                "PII reached the collector: set pii_detection.auto_sanitize, use bind parameters, or exclude the field"
            }
            Category::QualityValidation => {
                "records lack required fields: check the receiver's config or the rule"
            }
            Category::SchemaValidation => {
                "attributes have an unexpected type: check the source or data_type_validation"
            }
            Category::CardinalityLimit => {
                "an attribute has more distinct values than its limit: check for unnormalized values or raise the limit"
            }
        }
    }
}

#[derive(Debug, Default, Clone)]
struct Group {
    /// Findings (matches, missing fields, ...).
    findings: u64,
    /// Records with at least one.
    records: u64,
    by_kind: [u64; PiiKind::ALL.len()],
}

struct Counters {
    records_with_pii: Counter,
    redacted: Counter,
    pii: Vec<Counter>,
    quality: [Counter; 3],
    feedback: Counter,
    feedback_dropped: Counter,
    clean_cache_evictions: Counter,
}

impl Counters {
    fn new(ctx: &CreateContext) -> Self {
        let id = ctx.id.to_string();
        let t = &ctx.telemetry;
        let p = [("processor", id.as_str())];
        Self {
            records_with_pii: t.counter(
                "dbintel_verification_records_with_pii_total",
                "Log records in which PII was detected",
                &p,
            ),
            redacted: t.counter(
                "dbintel_verification_records_redacted_total",
                "Log records whose PII was redacted",
                &p,
            ),
            pii: PiiKind::ALL
                .iter()
                .map(|k| {
                    t.counter(
                        "dbintel_verification_pii_findings_total",
                        "PII matches, by type",
                        &[("processor", id.as_str()), ("type", k.as_str())],
                    )
                })
                .collect(),
            quality: [Category::QualityValidation, Category::SchemaValidation, Category::CardinalityLimit]
                .map(|c| {
                    t.counter(
                        "dbintel_verification_quality_issues_total",
                        "Quality rule violations, by rule",
                        &[("processor", id.as_str()), ("rule", c.as_str())],
                    )
                }),
            feedback: t.counter(
                "dbintel_verification_feedback_records_total",
                "Aggregated feedback log records sent",
                &p,
            ),
            feedback_dropped: t.counter(
                "dbintel_verification_feedback_dropped_total",
                "Feedback groups not sent because of max_feedback_records",
                &p,
            ),
            clean_cache_evictions: t.counter(
                "dbintel_verification_cache_evictions_total",
                "Entries dropped from the cache of texts found clean (it is emptied when full)",
                &p,
            ),
        }
    }
}

/// What the config says about one attribute name (PII handling and quality rules).
#[derive(Debug, Clone, Copy, Default)]
struct NameClass {
    /// In `exclude_fields`: never scanned.
    skip: bool,
    /// A name that suggests PII.
    sensitive: bool,
    rules: NameRules,
}

/// Most attribute positions cached (two names each), and most names remembered in the fallback map.
const MAX_CACHED_POSITIONS: usize = 64;
const MAX_CACHED_NAMES: usize = 4096;

/// A name seen at one attribute position, with its class and the last short value found clean
/// under it there.
struct SeenName {
    key: Key,
    class: NameClass,
    /// A value shorter than [`CLEAN_CACHE_MIN_LEN`] that was scanned and held no PII (inline, so
    /// keeping it allocates nothing): the same value again is not scanned (`postgresql`, `SELECT`,
    /// a role name repeat in every record).
    clean: Option<CompactString>,
}

/// Name classes cached by attribute position: records of one receiver repeat their names in the same
/// order, so a pointer comparison replaces the exclusion, name and rule lookups. Two names per
/// position, most recent first: records with and without a plan alternate.
#[derive(Default)]
struct NameCache {
    slots: Vec<[Option<SeenName>; 2]>,
    /// Seeded per process: the names come from the data.
    by_name: HashMap<String, NameClass, foldhash::quality::RandomState>,
}

/// The same string in memory (the same literal or shared name): equal without comparing bytes.
#[inline(always)]
fn same_pointer(a: &Key, b: &Key) -> bool {
    let (a, b) = (a.as_str(), b.as_str());
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}

/// Texts at least this long are remembered once found clean: a query text, summary or plan repeats
/// every interval, and a hash of it costs a fraction of a scan (measured: a 26-byte summary walked
/// byte by byte cost ~300 instructions, its hash and probe ~60). Shorter ones scan faster than they
/// hash.
const CLEAN_CACHE_MIN_LEN: usize = 20;
/// Most clean texts remembered; when full the set is emptied (evictions counted).
const CLEAN_CACHE_SIZE: usize = 16_384;

/// Hashes of texts that were scanned and held no PII. The hash is seeded at random per process, so
/// nobody can craft a text that collides with a clean one to slip past the scan.
#[derive(Default)]
struct CleanCache {
    seen: HashSet<u64, foldhash::fast::FixedState>,
    hasher: foldhash::quality::RandomState,
}

impl CleanCache {
    fn key(&self, s: &str) -> u64 {
        std::hash::BuildHasher::hash_one(&self.hasher, s)
    }
}

/// What scanning one record found.
#[derive(Default)]
struct RecordPii {
    kinds: u16,
    values: u32,
    names: u32,
}

pub struct VerificationProcessor {
    config: VerificationConfig,
    detectors: Detectors,
    quality: Quality,
    groups: HashMap<(Category, Level, String), Group>,
    deadline: Option<Instant>,
    counters: Option<Counters>,
    scratch: Vec<Finding>,
    names: NameCache,
    clean: CleanCache,
}

impl VerificationProcessor {
    pub fn new(config: VerificationConfig) -> Result<Self, String> {
        let custom = config
            .pii_detection
            .custom_patterns
            .iter()
            .map(|p| compile_pattern(p))
            .collect::<Result<_, _>>()?;
        let detectors = Detectors::new(config.pii_detection.sensitivity_level, custom);
        let q = &config.quality_rules;
        let quality = Quality::new(
            &q.required_fields,
            q.enable_schema_validation.then_some(&q.data_type_validation),
            &q.cardinality_limits,
        );
        Ok(Self {
            config,
            detectors,
            quality,
            groups: HashMap::new(),
            deadline: None,
            counters: None,
            scratch: Vec::new(),
            names: NameCache::default(),
            clean: CleanCache::default(),
        })
    }

    fn with_counters(mut self, c: Counters) -> Self {
        self.counters = Some(c);
        self
    }

    fn excluded(&self, key: &str) -> bool {
        self.config.pii_detection.exclude_fields.iter().any(|f| f == key)
    }

    fn class_of(&self, name: &str) -> NameClass {
        NameClass {
            skip: self.excluded(name),
            sensitive: pii::sensitive_name(name),
            rules: self.quality.rules_for(name),
        }
    }

    /// The class of key `k` at attribute position `i` when it is not the name last seen there by
    /// pointer; afterwards the position's first entry is `k`'s (when `i` is a cached position).
    #[inline(never)]
    fn note_name(&mut self, i: usize, k: &Key) -> NameClass {
        if let Some(seen) = self.names.slots.get_mut(i) {
            for j in 0..2 {
                if let Some(e) = &seen[j]
                    && e.key.same(k)
                {
                    let class = e.class;
                    seen.swap(0, j);
                    return class;
                }
            }
        }
        let class = match self.names.by_name.get(k.as_str()) {
            Some(c) => *c,
            None => {
                let c = self.class_of(k);
                if self.names.by_name.len() < MAX_CACHED_NAMES {
                    self.names.by_name.insert(k.to_string(), c);
                }
                c
            }
        };
        let entry = SeenName { key: k.clone(), class, clean: None };
        if let Some(seen) = self.names.slots.get_mut(i) {
            seen[1] = seen[0].replace(entry);
        } else if i < MAX_CACHED_POSITIONS && i == self.names.slots.len() {
            self.names.slots.push([Some(entry), None]);
        }
        class
    }

    /// Quality rules and PII scan of one record's attributes in one pass (and the body).
    fn check_record(
        &mut self,
        lr: &LogRecord,
        check_quality: bool,
        pii_on: bool,
    ) -> (QualityIssues, Option<RecordPii>) {
        let mut record = quality::RecordCheck::default();
        let mut found = RecordPii::default();
        for (i, (k, v)) in lr.attributes.iter_keys().enumerate() {
            // The same name at the same position as in the last record: usually the same literal
            // of the receiver, so a pointer test instead of a string comparison.
            let class = match self.names.slots.get(i) {
                Some([Some(e), _]) if same_pointer(&e.key, k) => e.class,
                _ => self.note_name(i, k),
            };
            if check_quality {
                self.quality.attribute(&mut record, class.rules, v);
            }
            if !pii_on || class.skip {
                continue;
            }
            if class.sensitive && !is_empty_value(v) {
                found.kinds |= 1 << PiiKind::SensitiveName.index();
                found.names += 1;
                if let Some(c) = &self.counters {
                    c.pii[PiiKind::SensitiveName.index()].inc();
                }
                continue;
            }
            match v {
                Value::Str(s) if s.len() < CLEAN_CACHE_MIN_LEN => {
                    // After `note_name`, a cached position's first entry is this name's.
                    let entry = self.names.slots.get(i).and_then(|e| e[0].as_ref());
                    if entry.and_then(|e| e.clean.as_ref()).is_some_and(|c| c == s) {
                        continue;
                    }
                    if self.scan_text(s, &mut found)
                        && let Some(Some(e)) = self.names.slots.get_mut(i).map(|e| &mut e[0])
                    {
                        e.clean = Some(s.clone());
                    }
                }
                Value::Str(_) | Value::Array(_) | Value::Map(_) => self.scan_value(v, 0, &mut found),
                _ => {}
            }
        }
        if pii_on
            && self.config.pii_detection.scan_body
            && let Some(body) = &lr.body
        {
            self.scan_value(body, 0, &mut found);
        }
        let issues = if check_quality { self.quality.finish(record) } else { QualityIssues::default() };
        (issues, (found.kinds != 0).then_some(found))
    }

    /// Scans one text; true if it held no PII. Texts of at least [`CLEAN_CACHE_MIN_LEN`] bytes
    /// found clean are remembered by hash.
    fn scan_text(&mut self, s: &str, found: &mut RecordPii) -> bool {
        let cache_key = (s.len() >= CLEAN_CACHE_MIN_LEN).then(|| self.clean.key(s));
        if let Some(k) = cache_key
            && self.clean.seen.contains(&k)
        {
            return true;
        }
        self.scratch.clear();
        self.detectors.scan(s, &mut self.scratch);
        if let Some(k) = cache_key
            && self.scratch.is_empty()
        {
            if self.clean.seen.len() >= CLEAN_CACHE_SIZE {
                if let Some(c) = &self.counters {
                    c.clean_cache_evictions.add(self.clean.seen.len() as u64);
                }
                self.clean.seen.clear();
            }
            self.clean.seen.insert(k);
        }
        for f in &self.scratch {
            found.kinds |= 1 << f.kind.index();
            found.values += 1;
            if let Some(c) = &self.counters {
                c.pii[f.kind.index()].inc();
            }
        }
        self.scratch.is_empty()
    }

    /// Scans a value (strings, and strings nested in arrays and maps) without changing it.
    fn scan_value(&mut self, v: &Value, depth: usize, found: &mut RecordPii) {
        match v {
            Value::Str(s) => {
                self.scan_text(s, found);
            }
            Value::Array(items) if depth < MAX_DEPTH => {
                for item in items {
                    self.scan_value(item, depth + 1, found);
                }
            }
            Value::Map(m) if depth < MAX_DEPTH => {
                for (k, item) in m.iter() {
                    if !self.excluded(k) {
                        self.scan_value(item, depth + 1, found);
                    }
                }
            }
            _ => {}
        }
    }

    /// The value with every match redacted; `None` if nothing matched.
    fn redact_value(&self, v: &Value, depth: usize) -> Option<Value> {
        match v {
            Value::Str(s) => {
                let mut cur: Option<String> = None;
                // Redaction can join text into a new match (rare): rescan, bounded, then give up on the value.
                for _ in 0..3 {
                    let text = cur.as_deref().unwrap_or(s);
                    let mut found = Vec::new();
                    self.detectors.scan(text, &mut found);
                    if found.is_empty() {
                        return cur.map(Value::from);
                    }
                    cur = Some(pii::redact(text, &found));
                }
                let text = cur.as_deref().unwrap_or(s);
                let mut found = Vec::new();
                self.detectors.scan(text, &mut found);
                if found.is_empty() { cur.map(Value::from) } else { Some(Value::Str(REDACTED.into())) }
            }
            Value::Array(items) if depth < MAX_DEPTH => {
                let mut changed = false;
                let out: Vec<Value> = items
                    .iter()
                    .map(|i| match self.redact_value(i, depth + 1) {
                        Some(n) => {
                            changed = true;
                            n
                        }
                        None => i.clone(),
                    })
                    .collect();
                changed.then_some(Value::Array(out))
            }
            Value::Map(m) if depth < MAX_DEPTH => {
                let mut changed = false;
                let out: Attributes = m
                    .iter()
                    .map(|(k, i)| {
                        let n = if self.excluded(k) { None } else { self.redact_value(i, depth + 1) };
                        (k.to_string(), n.inspect(|_| changed = true).unwrap_or_else(|| i.clone()))
                    })
                    .collect();
                changed.then_some(Value::Map(out))
            }
            _ => None,
        }
    }

    /// Marks (and with `auto_sanitize` redacts) one record that `scan_record` flagged.
    fn apply(&self, lr: &mut LogRecord, found: &RecordPii) {
        if self.config.pii_detection.auto_sanitize {
            let mut changes: Vec<(String, Value)> = Vec::new();
            for (k, v) in lr.attributes.iter() {
                if self.excluded(k) {
                    continue;
                }
                if pii::sensitive_name(k) && !is_empty_value(v) {
                    changes.push((k.to_string(), Value::Str(REDACTED.into())));
                } else if let Some(n) = self.redact_value(v, 0) {
                    changes.push((k.to_string(), n));
                }
            }
            for (k, v) in changes {
                lr.attributes.insert(k, v);
            }
            if self.config.pii_detection.scan_body
                && let Some(body) = &lr.body
                && let Some(n) = self.redact_value(body, 0)
            {
                lr.body = Some(n);
            }
            lr.attributes.insert(ATTR_REDACTED, true);
        }
        lr.attributes.insert(ATTR_DETECTED, true);
        let types: Vec<&str> =
            PiiKind::ALL.iter().filter(|k| found.kinds & (1 << k.index()) != 0).map(|k| k.as_str()).collect();
        lr.attributes.insert(ATTR_TYPES, types.join(","));
    }

    /// PII in a data point's or span's attributes (no name cache: the logs path's is per record
    /// position; metric and span attributes are few).
    fn scan_attributes(&mut self, attrs: &Attributes) -> Option<RecordPii> {
        let mut found = RecordPii::default();
        for (k, v) in attrs.iter() {
            if self.excluded(k) {
                continue;
            }
            if pii::sensitive_name(k) && !is_empty_value(v) {
                found.kinds |= 1 << PiiKind::SensitiveName.index();
                found.names += 1;
                if let Some(c) = &self.counters {
                    c.pii[PiiKind::SensitiveName.index()].inc();
                }
                continue;
            }
            self.scan_value(v, 0, &mut found);
        }
        (found.kinds != 0).then_some(found)
    }

    /// Redacts every match in `attrs` (the whole value for an attribute named like PII).
    fn redact_attributes(&self, attrs: &mut Attributes) {
        let mut changes: Vec<(String, Value)> = Vec::new();
        for (k, v) in attrs.iter() {
            if self.excluded(k) {
                continue;
            }
            if pii::sensitive_name(k) && !is_empty_value(v) {
                changes.push((k.to_string(), Value::Str(REDACTED.into())));
            } else if let Some(n) = self.redact_value(v, 0) {
                changes.push((k.to_string(), n));
            }
        }
        for (k, v) in changes {
            attrs.insert(k, v);
        }
    }

    /// Metrics and traces: data point, span and span event attributes are scanned; with
    /// `auto_sanitize` the matches are redacted. Nothing is added to the data (a mark on a metric
    /// point would be a new series) and no feedback record is sent into a pipeline of another
    /// signal: findings are counted in self-telemetry (`records` are points, spans and events).
    fn process_metrics_or_traces(&mut self, data: Arc<SignalData>, out: &mut Vec<Arc<SignalData>>) {
        if !self.config.pii_detection.enabled {
            out.push(data);
            return;
        }
        let mut hits = 0u64;
        match &*data {
            SignalData::Metrics(m) => {
                for metric in
                    m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics)
                {
                    for_each_point_attributes(metric, &mut |a| {
                        hits += u64::from(self.scan_attributes(a).is_some())
                    });
                }
            }
            SignalData::Traces(t) => {
                for span in t.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| &s.spans) {
                    hits += u64::from(self.scan_attributes(&span.attributes).is_some());
                    for e in &span.events {
                        hits += u64::from(self.scan_attributes(&e.attributes).is_some());
                    }
                }
            }
            SignalData::Logs(_) => {}
        }
        if let Some(c) = &self.counters {
            c.records_with_pii.add(hits);
        }
        if hits == 0 || !self.config.pii_detection.auto_sanitize {
            out.push(data);
            return;
        }
        if let Some(c) = &self.counters {
            c.redacted.add(hits);
        }
        let mut data = data;
        match Arc::make_mut(&mut data) {
            SignalData::Metrics(m) => {
                for metric in m
                    .resource_metrics
                    .iter_mut()
                    .flat_map(|r| &mut r.scope_metrics)
                    .flat_map(|s| &mut s.metrics)
                {
                    for_each_point_attributes_mut(metric, &mut |a| self.redact_attributes(a));
                }
            }
            SignalData::Traces(t) => {
                for span in
                    t.resource_spans.iter_mut().flat_map(|r| &mut r.scope_spans).flat_map(|s| &mut s.spans)
                {
                    self.redact_attributes(&mut span.attributes);
                    for e in &mut span.events {
                        self.redact_attributes(&mut e.attributes);
                    }
                }
            }
            SignalData::Logs(_) => {}
        }
        out.push(data);
    }

    fn database(&self, lr: &LogRecord, resource: &Resource) -> String {
        let attr = self
            .config
            .database_attributes
            .iter()
            .find_map(|a| lr.attributes.get(a).or_else(|| resource.attributes.get(a)));
        match attr {
            Some(Value::Str(s)) if !s.is_empty() => s.chars().take(128).collect(),
            Some(v) if !matches!(v, Value::Str(_)) => v.to_display_string().chars().take(128).collect(),
            _ => "unknown".into(),
        }
    }

    fn note(&mut self, category: Category, level: Level, db: &str, findings: u64, kinds: u16) {
        if !self.config.export_feedback_as_logs {
            // Counted by the counters only: nothing to aggregate.
            return;
        }
        let key_db = if self.groups.len() >= MAX_GROUPS
            && !self.groups.contains_key(&(category, level, db.to_string()))
        {
            "_other".to_string()
        } else {
            db.to_string()
        };
        let g = self.groups.entry((category, level, key_db)).or_default();
        g.findings += findings;
        g.records += 1;
        for k in PiiKind::ALL {
            if kinds & (1 << k.index()) != 0 {
                g.by_kind[k.index()] += 1;
            }
        }
        if self.deadline.is_none() && self.config.export_feedback_as_logs {
            self.deadline = Some(dbintel_core::duration::deadline_after(
                Instant::now(),
                self.config.verification_interval.get(),
            ));
        }
    }

    fn note_quality(&mut self, issues: &QualityIssues, db: &str) {
        let rules = [
            (issues.missing, Category::QualityValidation, Level::Warning, 0),
            (issues.type_mismatch, Category::SchemaValidation, Level::Error, 1),
            (issues.cardinality, Category::CardinalityLimit, Level::Warning, 2),
        ];
        for (n, cat, level, idx) in rules {
            if n > 0 {
                if let Some(c) = &self.counters {
                    c.quality[idx].add(u64::from(n));
                }
                self.note(cat, level, db, u64::from(n), 0);
            }
        }
    }

    /// The aggregated feedback of the interval, as log records in the prototype's shape.
    fn emit(&mut self, out: &mut Vec<Arc<SignalData>>) {
        self.deadline = None;
        if self.groups.is_empty() {
            return;
        }
        let mut groups: Vec<_> = self.groups.drain().collect();
        if !self.config.export_feedback_as_logs {
            return;
        }
        groups.sort_by(|a, b| b.0.1.cmp(&a.0.1).then(b.1.findings.cmp(&a.1.findings)).then(a.0.cmp(&b.0)));
        let dropped = groups.len().saturating_sub(self.config.max_feedback_records);
        groups.truncate(self.config.max_feedback_records);
        let interval = self.config.verification_interval.get().as_secs_f64();
        let sanitized = self.config.pii_detection.auto_sanitize;
        let now = now_unix_nanos();
        let mut by_category: BTreeMap<Category, Vec<LogRecord>> = BTreeMap::new();
        for ((cat, level, db), g) in groups {
            let mut attrs = Attributes::with_capacity(12);
            attrs.insert("feedback.level", level.as_str());
            attrs.insert("feedback.category", cat.as_str());
            attrs.insert("database_name", db.clone());
            attrs.insert("feedback.remediation", cat.remediation(sanitized));
            attrs.insert("feedback.metrics.findings", i64::try_from(g.findings).unwrap_or(i64::MAX));
            attrs.insert("feedback.metrics.records", i64::try_from(g.records).unwrap_or(i64::MAX));
            attrs.insert("feedback.metrics.interval_seconds", interval);
            let mut kinds = Vec::new();
            for k in PiiKind::ALL {
                let n = g.by_kind[k.index()];
                if n > 0 {
                    attrs.insert(
                        format!("feedback.metrics.{}", k.as_str()),
                        i64::try_from(n).unwrap_or(i64::MAX),
                    );
                    kinds.push(format!("{} {n}", k.as_str()));
                }
            }
            let detail = if kinds.is_empty() { String::new() } else { format!(" ({})", kinds.join(", ")) };
            let body = format!(
                "{}: {} findings in {} records of database {db} in the last {interval}s{detail}",
                cat.as_str(),
                g.findings,
                g.records
            );
            by_category.entry(cat).or_default().push(LogRecord {
                time_unix_nano: now,
                observed_time_unix_nano: now,
                severity_number: level.severity(),
                severity_text: level.as_str().into(),
                body: Some(Value::Str(body.into())),
                attributes: attrs,
                event_name: FEEDBACK_EVENT.into(),
                ..Default::default()
            });
        }
        let mut sent = 0u64;
        let resource_logs = by_category
            .into_iter()
            .map(|(cat, records)| {
                sent += records.len() as u64;
                ResourceLogs {
                    resource: Resource {
                        attributes: Attributes::from_iter([
                            ("service.name", "database-intelligence-verification"),
                            ("feedback.category", cat.as_str()),
                        ]),
                    },
                    scope_logs: vec![ScopeLogs {
                        scope: Scope { name: "verification_processor".into(), ..Default::default() },
                        log_records: records,
                        schema_url: String::new(),
                    }],
                    schema_url: String::new(),
                }
            })
            .collect();
        if let Some(c) = &self.counters {
            c.feedback.add(sent);
            c.feedback_dropped.add(dropped as u64);
        }
        out.push(Arc::new(SignalData::Logs(Logs { resource_logs })));
    }
}

/// Calls `f` with the attributes of each data point of `m`.
fn for_each_point_attributes(m: &Metric, f: &mut dyn FnMut(&Attributes)) {
    match &m.data {
        MetricData::Gauge(points) | MetricData::Sum { points, .. } => {
            points.iter().for_each(|p| f(&p.attributes))
        }
        MetricData::Histogram { points, .. } => points.iter().for_each(|p| f(&p.attributes)),
        MetricData::Summary(points) => points.iter().for_each(|p| f(&p.attributes)),
    }
}

fn for_each_point_attributes_mut(m: &mut Metric, f: &mut dyn FnMut(&mut Attributes)) {
    match &mut m.data {
        MetricData::Gauge(points) | MetricData::Sum { points, .. } => {
            points.iter_mut().for_each(|p| f(&mut p.attributes))
        }
        MetricData::Histogram { points, .. } => points.iter_mut().for_each(|p| f(&mut p.attributes)),
        MetricData::Summary(points) => points.iter_mut().for_each(|p| f(&mut p.attributes)),
    }
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Str(s) => s.is_empty() || s == REDACTED,
        _ => false,
    }
}

impl Processor for VerificationProcessor {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let SignalData::Logs(logs) = &*data else {
            self.process_metrics_or_traces(data, out);
            return Ok(());
        };
        // Read-only pass: the batch is copied only when a record must be marked or redacted.
        let mut hits: Vec<((usize, usize, usize), RecordPii)> = Vec::new();
        let check_quality = !self.quality.is_empty();
        let pii_on = self.config.pii_detection.enabled;
        for (ri, rl) in logs.resource_logs.iter().enumerate() {
            for (si, sl) in rl.scope_logs.iter().enumerate() {
                for (li, lr) in sl.log_records.iter().enumerate() {
                    // Another verification processor's feedback is not data to check (no loops).
                    if lr.event_name == FEEDBACK_EVENT {
                        continue;
                    }
                    let (issues, found) = self.check_record(lr, check_quality, pii_on);
                    if issues.any() || found.is_some() {
                        let db = self.database(lr, &rl.resource);
                        self.note_quality(&issues, &db);
                        if let Some(f) = found {
                            let level = if f.values > 0 { Level::Critical } else { Level::Warning };
                            self.note(
                                Category::PiiDetection,
                                level,
                                &db,
                                u64::from(f.values + f.names),
                                f.kinds,
                            );
                            hits.push(((ri, si, li), f));
                        }
                    }
                }
            }
        }
        if hits.is_empty() {
            out.push(data);
            return Ok(());
        }
        if let Some(c) = &self.counters {
            c.records_with_pii.add(hits.len() as u64);
            if self.config.pii_detection.auto_sanitize {
                c.redacted.add(hits.len() as u64);
            }
        }
        let mut data = data;
        if let SignalData::Logs(logs) = Arc::make_mut(&mut data) {
            for ((ri, si, li), found) in &hits {
                if let Some(lr) = logs
                    .resource_logs
                    .get_mut(*ri)
                    .and_then(|rl| rl.scope_logs.get_mut(*si))
                    .and_then(|sl| sl.log_records.get_mut(*li))
                {
                    self.apply(lr, found);
                }
            }
        }
        out.push(data);
        Ok(())
    }

    /// Not held data: the timer emits feedback records it made itself, from counts.
    fn holds_data(&self) -> bool {
        false
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.deadline
    }

    fn on_timer(&mut self, out: &mut Vec<Arc<SignalData>>) {
        self.emit(out);
    }

    fn flush(&mut self, out: &mut Vec<Arc<SignalData>>) {
        self.emit(out);
    }

    fn mutates_data(&self) -> bool {
        true
    }
}

pub struct VerificationFactory;

const NOT_PORTED_HEALTH: &str = "not ported: the prototype's health checks were fake (Go heap MB as memory %, CPU and disk stubbed); use health_check and the collector's own telemetry";
const NOT_PORTED_TUNING: &str =
    "not ported: the prototype's auto-tuning only guessed batch sizes and timeouts";
const NOT_PORTED_HEALING: &str = "not ported: the prototype's self-healing retried batches and forced GCs; retries belong to the exporters' queues";
const NOT_PORTED_CHECKS: &str =
    "not ported: freshness, entity-correlation and normalization checks of the prototype's batch pass";
const NOT_PORTED_QUERIES: &str = "not ported: the prototype parsed these NRQL checks and never ran them";
const UNUSED: &str = "unused in the prototype too: feedback goes down the pipeline as log records";

impl TypedFactory for VerificationFactory {
    type Config = VerificationConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "verification",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "Detects (and redacts) PII, checks quality rules, and sends aggregated feedback logs.",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        ("enable_periodic_verification", NOT_PORTED_CHECKS),
        ("data_freshness_threshold", NOT_PORTED_CHECKS),
        ("min_entity_correlation_rate", NOT_PORTED_CHECKS),
        ("min_normalization_rate", NOT_PORTED_CHECKS),
        ("require_entity_synthesis", NOT_PORTED_CHECKS),
        ("feedback_endpoint", UNUSED),
        ("enable_continuous_health_checks", NOT_PORTED_HEALTH),
        ("health_check_interval", NOT_PORTED_HEALTH),
        ("health_thresholds", NOT_PORTED_HEALTH),
        ("enable_auto_tuning", NOT_PORTED_TUNING),
        ("auto_tuning_interval", NOT_PORTED_TUNING),
        ("auto_tuning_config", NOT_PORTED_TUNING),
        ("enable_self_healing", NOT_PORTED_HEALING),
        ("self_healing_interval", NOT_PORTED_HEALING),
        ("self_healing_config", NOT_PORTED_HEALING),
        ("verification_queries", NOT_PORTED_QUERIES),
        (
            "enabled",
            "a component runs when a pipeline lists it; leave it out of the pipelines to turn it off",
        ),
        ("enable_debug_logging", "use the service's log level"),
        ("enable_pii_detection", "PII scanning is pii_detection.enabled"),
        ("enable_data_validation", "the quality checks are quality_rules"),
        ("quality_checks", "the quality checks are quality_rules"),
        ("quality_validation", "the quality checks are quality_rules"),
        ("checks", "the quality checks are quality_rules"),
        ("data_completeness", "required attributes are quality_rules.required_fields"),
        ("semantic_correctness", "attribute types are quality_rules.data_type_validation"),
        ("cardinality_management", "cardinality limits are quality_rules.cardinality_limits"),
        ("performance_tracking", "the processor's own counters are always in self-telemetry"),
        ("max_field_length", "value lengths are nrerrormonitor's max_attribute_length"),
        ("sample_rate", "every record is checked"),
        ("error_mode", "a record never fails here: findings are counted and reported as feedback"),
        ("reporting_interval", "feedback is reported every verification_interval"),
        (
            "pii_detection.action",
            "set pii_detection.auto_sanitize: true to redact matches; otherwise they are only counted",
        ),
        (
            "pii_detection.action_on_detection",
            "set pii_detection.auto_sanitize: true to redact matches; otherwise they are only counted",
        ),
        (
            "pii_detection.patterns",
            "the built-in patterns follow sensitivity_level; add yours as pii_detection.custom_patterns (a list)",
        ),
    ];

    fn check(&self, config: &VerificationConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, ctx: &CreateContext, config: VerificationConfig) -> Result<Built, Vec<ConfigProblem>> {
        let p = VerificationProcessor::new(config)
            .map_err(|e| vec![ConfigProblem::new("pii_detection.custom_patterns", e)])?;
        Ok(Built::Processor(Box::new(p.with_counters(Counters::new(ctx)))))
    }
}

#[cfg(test)]
mod tests;
