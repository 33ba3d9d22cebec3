//! The processor: per record, anonymize + fingerprint (cached by text), find and parse the plan
//! (cached by content), write the extracted and derived attributes and the structural hash, then
//! update the query's plan history and mark plan changes.

use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dbintel_core::cache::BoundedCache;
use dbintel_core::component::CreateContext;
use dbintel_core::pdata::{Key, LogRecord, SignalData, Value};
use dbintel_core::telemetry::Counter;
use dbintel_core::{Processor, ProcessorError};
use dbintel_sql::plan::{ChangeKind, PlanComparison, Severity};
use dbintel_sql::{Dialect, PlanSummary};
use serde_json::Value as Json;

use super::history::History;
use super::roles::Roles;
use super::{DialectName, ErrorMode, PlanAttrConfig, jsonpath};

/// Attributes that name the record's dialect, first recognised value wins.
const DIALECT_ATTRIBUTES: [&str; 2] = ["db.system.name", "db.system"];

/// The named formulas `derived` may use (the prototype's, computed from node types, plus ours).
pub const FORMULAS: &[&str] = &[
    "has_seq_scan",
    "has_nested_loop",
    "has_hash_join",
    "has_merge_join",
    "has_sort",
    "has_disk_sort",
    "has_index_scan",
    "depth",
    "node_count",
    "efficiency",
];

/// Cache key of a text: two independent 64-bit hashes and the length.
type TextKey = (u64, u64, usize);

/// A fast, non-cryptographic content hash (16 bytes a step, two lanes that each take both words).
/// Plans and query texts come from the monitored server's own EXPLAIN/digest output, so collisions
/// are not attacker-chosen.
pub(crate) fn text_key(s: &str) -> TextKey {
    const K1: u64 = 0x9E37_79B9_7F4A_7C15;
    const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    let b = s.as_bytes();
    let (mut h1, mut h2) = (0x243F_6A88_85A3_08D3u64, 0x1319_8A2E_0370_7344u64);
    let word = |c: &[u8]| c.try_into().map_or(0, u64::from_le_bytes);
    let mut chunks = b.chunks_exact(16);
    for c in &mut chunks {
        let (x0, x1) = (word(&c[..8]), word(&c[8..]));
        h1 = ((h1 ^ x0).wrapping_mul(K1) ^ x1).rotate_left(31);
        h2 = (h2.rotate_left(27) ^ x1).wrapping_mul(K2) ^ x0;
    }
    let mut w = [0u8; 16];
    let rest = chunks.remainder();
    w[..rest.len()].copy_from_slice(rest);
    let (x0, x1) = (word(&w[..8]), word(&w[8..]));
    h1 = ((h1 ^ x0).wrapping_mul(K1) ^ x1).wrapping_mul(K2);
    h2 = ((h2 ^ x1).wrapping_mul(K2) ^ x0).wrapping_mul(K1);
    (fmix(h1), fmix(h2 ^ h1.rotate_left(17)), b.len())
}

/// A 64-bit key of a text of 1 to 16 bytes (query ids, database names) without a loop or a copy:
/// two overlapping little-endian loads cover it, each spread by a bijective multiply, then mixed
/// with the length. `None` for other lengths.
fn short_key(b: &[u8]) -> Option<u64> {
    const K1: u64 = 0x9E37_79B9_7F4A_7C15;
    const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    let n = b.len();
    // In bounds by the length checks below (a miss would read as zero, never panic).
    let w8 = |at: usize| b.get(at..at + 8).and_then(|w| w.try_into().ok()).map_or(0, u64::from_le_bytes);
    let w4 = |at: usize| {
        b.get(at..at + 4).and_then(|w| w.try_into().ok()).map_or(0, |w| u64::from(u32::from_le_bytes(w)))
    };
    let (x0, x1) = match n {
        8..=16 => (w8(0), w8(n - 8)),
        4..=7 => (w4(0), w4(n - 4)),
        1..=3 => {
            let (a, m, z) = (u64::from(b[0]), u64::from(b[n / 2]), u64::from(b[n - 1]));
            (a | (m << 8) | (z << 16), 0)
        }
        _ => return None,
    };
    Some(fmix(
        (x0 ^ 0x243F_6A88_85A3_08D3).wrapping_mul(K1)
            ^ (x1 ^ 0x1319_8A2E_0370_7344).rotate_left(29).wrapping_mul(K2)
            ^ n as u64,
    ))
}

fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// A parsed plan, as cached: everything a record gets from it.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// `None` for the prototype's MySQL metadata documents (no plan tree).
    summary: Option<Arc<PlanSummary>>,
    attrs: Vec<(Key, Value)>,
}

/// Why a plan gave nothing (cached too, so repeated junk costs a lookup).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    Invalid,
    Unrecognized,
}

/// Fingerprint and obfuscated text of one statement text (cached by text).
#[derive(Debug)]
struct SqlInfo {
    /// `None` when obfuscation changed nothing (already obfuscated by the receiver).
    obfuscated: Option<String>,
    /// The fingerprint as the value set on records (made once; a copy is inline, 16 digits).
    fingerprint: Option<Value>,
}

#[derive(Default)]
struct Tally {
    parsed: u64,
    cached: u64,
    too_large: u64,
    invalid: u64,
    unrecognized: u64,
    timeouts: u64,
    changes: [u64; 4],
    regressions: u64,
}

struct Counters {
    plans: [Counter; 5],
    timeouts: Counter,
    changes: [Counter; 4],
    regressions: Counter,
    evictions: [Counter; 3],
}

const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];

impl Counters {
    fn new(ctx: &CreateContext) -> Self {
        let id = ctx.id.to_string();
        let t = &ctx.telemetry;
        let plans = ["parsed", "cached", "too_large", "invalid", "unrecognized"].map(|o| {
            t.counter(
                "dbintel_planattributeextractor_plans_total",
                "Plans seen, by outcome (parsed, cached, too_large, invalid, unrecognized).",
                &[("processor", id.as_str()), ("outcome", o)],
            )
        });
        let changes = SEVERITIES.map(|s| {
            t.counter(
                "dbintel_planattributeextractor_plan_changes_total",
                "Plan changes detected, by severity.",
                &[("processor", id.as_str()), ("severity", s)],
            )
        });
        let evictions = ["plans", "queries", "history"].map(|c| {
            t.counter(
                "dbintel_planattributeextractor_cache_evictions_total",
                "Entries evicted from a bounded cache (capacity or age).",
                &[("processor", id.as_str()), ("cache", c)],
            )
        });
        Self {
            plans,
            timeouts: t.counter(
                "dbintel_planattributeextractor_timeouts_total",
                "Records whose processing exceeded timeout_ms.",
                &[("processor", id.as_str())],
            ),
            changes,
            regressions: t.counter(
                "dbintel_planattributeextractor_regressions_total",
                "Plan changes whose time ratio reached regression_detection.time_increase.",
                &[("processor", id.as_str())],
            ),
            evictions,
        }
    }
}

/// The slots (see `roles`) of each list of names the extractor reads, in `Roles` numbering.
struct Layout {
    dialect: Range<usize>,
    anonymize: Range<usize>,
    fingerprint: usize,
    plan: Range<usize>,
    query_id: Range<usize>,
    database: Range<usize>,
    duration: Range<usize>,
    blocks: Range<usize>,
}

impl Layout {
    /// The lists in slot order, and their slots.
    fn of(cfg: &PlanAttrConfig) -> (Vec<Vec<String>>, Self) {
        let lists = vec![
            DIALECT_ATTRIBUTES.map(String::from).to_vec(),
            cfg.query_anonymization.attributes_to_anonymize.clone(),
            vec![cfg.query_anonymization.fingerprint_attribute.clone()],
            cfg.plan_attributes.clone(),
            cfg.query_id_attributes.clone(),
            cfg.database_attributes.clone(),
            cfg.duration_attributes.clone(),
            cfg.blocks_read_attributes.clone(),
        ];
        let mut next = 0;
        let mut ranges = lists.iter().map(|l| {
            let r = next..next + l.len();
            next = r.end;
            r
        });
        let mut take = || ranges.next().unwrap_or_default();
        let layout = Layout {
            dialect: take(),
            anonymize: take(),
            fingerprint: take().start,
            plan: take(),
            query_id: take(),
            database: take(),
            duration: take(),
            blocks: take(),
        };
        (lists, layout)
    }
}

pub struct PlanAttributeExtractor {
    cfg: PlanAttrConfig,
    /// Per-record budget (`timeout_ms`); `pub(super)` so tests can make it zero.
    pub(super) timeout: Duration,
    /// Time spent on the current record's cache misses.
    spent: Duration,
    derived_pg: Vec<(Key, usize)>,
    derived_my: Vec<(Key, usize)>,
    /// The extractions' output names as keys (and their paths), made once: every parsed plan
    /// shares them, so records carry the same key in memory whatever their plan (later
    /// processors recognise a key by its pointer).
    extract_pg: Vec<(Key, String)>,
    extract_my: Vec<(Key, String)>,
    /// The configured output names as keys, made once (a clone per record is a reference count).
    fingerprint_key: Key,
    anonymize_keys: Vec<Key>,
    hash_key: Key,
    plans: BoundedCache<TextKey, Result<Arc<Parsed>, Failure>>,
    queries: BoundedCache<(TextKey, bool), Arc<SqlInfo>>,
    history: Option<History>,
    counters: Option<Counters>,
    tally: Tally,
    /// Where the names read per record are in the current record.
    roles: Roles,
    layout: Layout,
}

/// Entries of the query-text cache (fingerprints and obfuscated texts).
pub const QUERY_CACHE_SIZE: usize = 16_384;

fn formulas(m: &std::collections::BTreeMap<String, String>) -> Vec<(Key, usize)> {
    // Unknown formula names are skipped (the prototype logged and skipped them).
    m.iter()
        .filter_map(|(attr, f)| FORMULAS.iter().position(|k| k == f).map(|i| (Key::from(attr), i)))
        .collect()
}

fn extractions(m: &std::collections::BTreeMap<String, String>) -> Vec<(Key, String)> {
    m.iter().map(|(attr, path)| (Key::from(attr), path.clone())).collect()
}

impl PlanAttributeExtractor {
    pub fn new(cfg: PlanAttrConfig, ctx: Option<&CreateContext>) -> Self {
        let q = &cfg.querylens;
        let history = q.enabled.then(|| {
            History::new(
                q.max_queries,
                q.plans_per_query,
                Duration::from_secs(q.plan_history_hours.saturating_mul(3600)),
            )
        });
        let (lists, layout) = Layout::of(&cfg);
        let lists: Vec<&[String]> = lists.iter().map(Vec::as_slice).collect();
        Self {
            roles: Roles::new(&lists),
            layout,
            timeout: cfg.timeout.map_or(Duration::from_millis(cfg.timeout_ms), |t| t.get()),
            spent: Duration::ZERO,
            derived_pg: formulas(&cfg.postgresql_rules.derived),
            derived_my: formulas(&cfg.mysql_rules.derived),
            extract_pg: extractions(&cfg.postgresql_rules.extractions),
            extract_my: extractions(&cfg.mysql_rules.extractions),
            fingerprint_key: Key::from(&cfg.query_anonymization.fingerprint_attribute),
            anonymize_keys: cfg.query_anonymization.attributes_to_anonymize.iter().map(Key::from).collect(),
            hash_key: Key::from(&cfg.hash_config.output),
            plans: BoundedCache::new(cfg.plan_cache_size, None),
            queries: BoundedCache::new(QUERY_CACHE_SIZE, None),
            history,
            counters: ctx.map(Counters::new),
            tally: Tally::default(),
            cfg,
        }
    }

    fn record_dialect(&self, rec: &LogRecord) -> Dialect {
        self.roles.first(&rec.attributes, self.layout.dialect.clone(), dialect_of).unwrap_or(
            match self.cfg.default_dialect {
                DialectName::Postgresql => Dialect::Postgresql,
                DialectName::Mysql => Dialect::Mysql,
            },
        )
    }

    fn flush_tally(&mut self) {
        let t = std::mem::take(&mut self.tally);
        let ev = [
            self.plans.take_evictions(),
            self.queries.take_evictions(),
            self.history.as_mut().map_or(0, History::take_evictions),
        ];
        let Some(c) = &self.counters else { return };
        for (c, n) in c.plans.iter().zip([t.parsed, t.cached, t.too_large, t.invalid, t.unrecognized]) {
            if n > 0 {
                c.add(n);
            }
        }
        for (c, n) in c.changes.iter().zip(t.changes) {
            if n > 0 {
                c.add(n);
            }
        }
        for (c, n) in c.evictions.iter().zip(ev) {
            if n > 0 {
                c.add(n);
            }
        }
        if t.timeouts > 0 {
            c.timeouts.add(t.timeouts);
        }
        if t.regressions > 0 {
            c.regressions.add(t.regressions);
        }
    }

    fn sql_info(&mut self, dialect: Dialect, text: &str) -> Arc<SqlInfo> {
        let key = (text_key(text), dialect == Dialect::Mysql);
        if let Some(i) = self.queries.get(&key) {
            return i.clone();
        }
        let started = Instant::now();
        let obf = if self.cfg.query_anonymization.enabled {
            dbintel_sql::obfuscate(dialect, text).ok().filter(|o| o != text)
        } else {
            None
        };
        let fingerprint = if self.cfg.query_anonymization.generate_fingerprint {
            dbintel_sql::fingerprint(dialect, text).ok().map(|f| Value::from(f.to_hex()))
        } else {
            None
        };
        self.spent += started.elapsed();
        let info = Arc::new(SqlInfo { obfuscated: obf, fingerprint });
        self.queries.insert(key, info.clone());
        info
    }

    fn parse(&self, text: &str, hint: Option<Dialect>) -> Result<Arc<Parsed>, Failure> {
        let v: Json = serde_json::from_str(text).map_err(|_| Failure::Invalid)?;
        let pg_root = jsonpath::get(&v, &self.cfg.postgresql_rules.detection_jsonpath)
            .or_else(|| v.get("Plan"))
            .filter(|r| r.is_object());
        let mysql_explain = v.get("query_block").is_some();
        let (dialect, rules_ex, derived, root) =
            if let (Some(root), false) = (pg_root, hint == Some(Dialect::Mysql) && mysql_explain) {
                (Dialect::Postgresql, &self.extract_pg, &self.derived_pg, root)
            } else if mysql_explain || jsonpath::get(&v, &self.cfg.mysql_rules.detection_jsonpath).is_some() {
                (Dialect::Mysql, &self.extract_my, &self.derived_my, &v)
            } else {
                return Err(Failure::Unrecognized);
            };
        let mut attrs: Vec<(Key, Value)> = rules_ex
            .iter()
            .filter_map(|(attr, path)| {
                jsonpath::get(root, path).and_then(to_value).map(|x| (attr.clone(), x))
            })
            .collect();
        let summary = if dialect == Dialect::Postgresql || mysql_explain {
            let a = dbintel_sql::plan::analyze_plan_value(dialect, v).map_err(|_| Failure::Invalid)?;
            Some(Arc::new(a.summary))
        } else {
            None
        };
        if let Some(s) = &summary {
            attrs.extend(derived.iter().filter_map(|(attr, f)| formula(s, *f).map(|x| (attr.clone(), x))));
            attrs.push((self.hash_key.clone(), Value::Str(s.plan_hash.as_str().into())));
        }
        Ok(Arc::new(Parsed { summary, attrs }))
    }

    /// One record. `Err` only for failures `error_mode` must see. `now`: the batch's start, for the
    /// plan history's age checks (a clock read per batch, not per record).
    fn record(&mut self, rec: &mut LogRecord, now: tokio::time::Instant) -> Result<(), &'static str> {
        // Only cache misses (obfuscation, parsing) are timed: a hit is a hash and a lookup, bounded
        // by the size caps, and reading the clock per record would cost more than it.
        self.spent = Duration::ZERO;
        // Every name read below is found in one pass; reads are then by position. Keys this
        // processor appends are added to the slots as they are appended (`Roles::set`,
        // `Roles::appended`), values it sets in place are read as set: each read sees what a lookup
        // by name at that point would.
        self.roles.locate(&rec.attributes);
        let dialect = self.record_dialect(rec);

        // 1. Anonymize and fingerprint (the fingerprint from the original text).
        let qa = &self.cfg.query_anonymization;
        if qa.enabled || qa.generate_fingerprint {
            let mut first: Option<Arc<SqlInfo>> = None;
            for slot in self.layout.anonymize.clone() {
                let Some(Value::Str(text)) = self.roles.value(&rec.attributes, slot) else { continue };
                let info = self.sql_info(dialect, text);
                if let Some(o) = &info.obfuscated {
                    let key = &self.anonymize_keys[slot - self.layout.anonymize.start];
                    self.roles.set(&mut rec.attributes, slot, key, Value::from(o.as_str()));
                }
                if first.is_none() && info.fingerprint.is_some() {
                    first = Some(info);
                }
            }
            // Our receivers already carry the same fingerprint: a comparison instead of a new string.
            let fp_slot = self.layout.fingerprint;
            if let Some(fp) = first.as_ref().and_then(|i| i.fingerprint.as_ref())
                && self.roles.value(&rec.attributes, fp_slot).and_then(Value::as_str) != fp.as_str()
            {
                self.roles.set(&mut rec.attributes, fp_slot, &self.fingerprint_key, fp.clone());
            }
        }
        if self.spent >= self.timeout {
            return Err("timeout");
        }

        // 2. The plan: first configured attribute holding a string, else a JSON string body.
        let mut found: Option<(TextKey, usize, Option<Dialect>)> = None;
        for slot in self.layout.plan.clone() {
            if let Some(Value::Str(s)) = self.roles.value(&rec.attributes, slot) {
                let name = &self.cfg.plan_attributes[slot - self.layout.plan.start];
                let hint = if name.starts_with("mysql") {
                    Some(Dialect::Mysql)
                } else if name.starts_with("postgresql") {
                    Some(Dialect::Postgresql)
                } else {
                    None
                };
                found = Some((text_key(s), s.len(), hint));
                break;
            }
        }
        let from_body = found.is_none();
        if from_body && let Some(Value::Str(s)) = &rec.body {
            let t = s.trim_start();
            if t.starts_with('{') || t.starts_with('[') {
                found = Some((text_key(s), s.len(), None));
            }
        }
        let mut plan: Option<Arc<Parsed>> = None;
        let mut failure = None;
        if let Some((key, len, hint)) = found {
            if len > self.cfg.max_plan_bytes {
                self.tally.too_large += 1;
            } else {
                let r = match self.plans.get(&key) {
                    Some(r) => {
                        self.tally.cached += 1;
                        r.clone()
                    }
                    None => {
                        let text = plan_text(rec, &self.cfg.plan_attributes, from_body);
                        let started = Instant::now();
                        let r = self.parse(text, hint);
                        self.spent += started.elapsed();
                        self.plans.insert(key, r.clone());
                        r
                    }
                };
                match r {
                    Ok(p) => {
                        self.tally.parsed += 1;
                        let before = rec.attributes.len();
                        rec.attributes.reserve(p.attrs.len());
                        for (k, v) in &p.attrs {
                            rec.attributes.insert(k, v.clone());
                        }
                        self.roles.appended(&rec.attributes, before);
                        plan = Some(p);
                    }
                    Err(Failure::Invalid) => {
                        self.tally.invalid += 1;
                        failure = Some("invalid plan");
                    }
                    Err(Failure::Unrecognized) => {
                        // A JSON body that is not a plan is not an error; a plan attribute that is
                        // neither PostgreSQL nor MySQL is.
                        self.tally.unrecognized += 1;
                        if !from_body {
                            failure = Some("unrecognized plan");
                        }
                    }
                }
            }
        }
        if self.spent >= self.timeout {
            return Err("timeout");
        }

        // 3. Plan history.
        if self.history.is_some() {
            self.history_step(rec, plan.as_ref().and_then(|p| p.summary.clone()), now);
        }
        match failure {
            Some(f) => Err(f),
            None => Ok(()),
        }
    }

    fn history_step(
        &mut self,
        rec: &mut LogRecord,
        summary: Option<Arc<PlanSummary>>,
        now: tokio::time::Instant,
    ) {
        // The key hashes database and query id as found, without building strings.
        let (attrs, l) = (&rec.attributes, &self.layout);
        let fp = l.fingerprint..l.fingerprint + 1;
        let Some(id) = self
            .roles
            .first(attrs, l.query_id.clone(), id_key)
            .or_else(|| self.roles.first(attrs, fp, id_key))
        else {
            return;
        };
        let db = self.roles.first(attrs, l.database.clone(), id_key).unwrap_or_default();
        let key = fmix(id ^ db.rotate_left(29).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let time = self.roles.first(attrs, l.duration.clone(), number);
        let blocks = self.roles.first(attrs, l.blocks.clone(), number);
        let Some(history) = self.history.as_mut() else { return };
        let Some(cur) = summary else {
            history.observe_time(key, time, blocks, now);
            return;
        };
        let Some(change) = history.observe_plan(key, &cur, time, blocks) else { return };
        let rd = &self.cfg.querylens.regression_detection;
        let cmp = dbintel_sql::compare_plans(&change.previous, &cur);
        let ratio = match (time, change.previous_mean_time) {
            (Some(t), Some(p)) if p > 0.0 => Some(t / p),
            _ => None,
        };
        let io_ratio = match (blocks, change.previous_mean_blocks) {
            (Some(b), Some(p)) if p > 0.0 => Some(b / p),
            _ => None,
        };
        let sev = severity(ratio, io_ratio, rd.io_increase, &cmp);
        self.tally.changes[sev] += 1;
        let a = &mut rec.attributes;
        a.insert("db.plan.changed", true);
        a.insert("db.plan.previous_hash", change.previous.plan_hash.clone());
        a.insert("db.plan.change_severity", SEVERITIES[sev]);
        if let Some(r) = ratio {
            a.insert("db.plan.time_change_ratio", r);
        }
        if rd.enabled {
            let regression = ratio.is_some_and(|r| r >= rd.time_increase);
            if regression {
                self.tally.regressions += 1;
            }
            a.insert("db.plan.regression", regression);
        }
        let mut causes = causes(&cmp);
        // The cost cause follows `regression_detection.cost_increase`, not the comparison's own ratio.
        if let (Some(b), Some(a)) = (change.previous.total_cost, cur.total_cost)
            && b > 0.0
            && a / b >= rd.cost_increase
        {
            causes.push("cost_increase");
        }
        if !causes.is_empty() {
            a.insert("db.plan.change_cause", causes.join(","));
        }
        let details: Vec<&str> =
            cmp.changes.iter().filter(|c| c.severity > Severity::Info).map(|c| c.message.as_str()).collect();
        if !details.is_empty() {
            a.insert("db.plan.change_details", details.join("; "));
        }
    }
}

/// The prototype's severity from the time ratio (critical > 2.0, high > 1.5, medium > 1.2, else
/// low; an I/O ratio above `io_increase` raises low to medium). Without timings, the comparison's.
fn severity(ratio: Option<f64>, io: Option<f64>, io_increase: f64, cmp: &PlanComparison) -> usize {
    let s = match ratio {
        Some(r) if r > 2.0 => 3,
        Some(r) if r > 1.5 => 2,
        Some(r) if r > 1.2 => 1,
        Some(_) => 0,
        None => match cmp.max_severity {
            Some(Severity::Critical) => 2,
            Some(Severity::Warning) => 1,
            _ => 0,
        },
    };
    if s == 0 && io.is_some_and(|r| r > io_increase) { 1 } else { s }
}

fn causes(cmp: &PlanComparison) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for c in &cmp.changes {
        let name = match &c.kind {
            ChangeKind::NewSeqScan { .. } => "new_seq_scan",
            ChangeKind::JoinStrategyChanged { .. } => "join_strategy_change",
            ChangeKind::SortSpilledToDisk => "disk_sort",
            ChangeKind::LargeEstimateError { .. } => "estimate_error",
            ChangeKind::TempSpaceUsed => "temp_space",
            ChangeKind::NewFilesort => "filesort",
            ChangeKind::IndexNoLongerUsed { .. } => "index_no_longer_used",
            ChangeKind::WorkersNotLaunched { .. } => "workers_not_launched",
            _ => continue,
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn plan_text<'a>(rec: &'a LogRecord, names: &[String], from_body: bool) -> &'a str {
    if from_body {
        return match &rec.body {
            Some(Value::Str(s)) => s,
            _ => "",
        };
    }
    names
        .iter()
        .find_map(|n| match rec.attributes.get(n) {
            Some(Value::Str(s)) => Some(s.as_str()),
            _ => None,
        })
        .unwrap_or("")
}

/// A 64-bit key of an id attribute (non-empty string or integer); the first present one is used.
fn id_key(v: &Value) -> Option<u64> {
    match v {
        Value::Str(s) if !s.is_empty() => Some(short_key(s.as_bytes()).unwrap_or_else(|| {
            let (a, b, _) = text_key(s);
            a ^ b.rotate_left(1)
        })),
        // Integer ids (the prototype's) keyed by value; a source sends one type per attribute.
        Value::Int(i) => Some(fmix(*i as u64 ^ 0x5DEE_CE66_D1CE_4E5B)),
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Double(d) if d.is_finite() => Some(*d),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// The dialect a record names (`DIALECT_ATTRIBUTES`, first recognised value), else the default.
fn dialect_of(v: &Value) -> Option<Dialect> {
    let Value::Str(s) = v else { return None };
    if s.eq_ignore_ascii_case("mysql") || s.eq_ignore_ascii_case("mariadb") {
        Some(Dialect::Mysql)
    } else if s.eq_ignore_ascii_case("postgresql") {
        Some(Dialect::Postgresql)
    } else {
        None
    }
}

/// JSON -> attribute value: whole numbers int64, other numbers double, bools and strings as they are,
/// objects and arrays as JSON text.
fn to_value(v: &Json) -> Option<Value> {
    Some(match v {
        Json::Null => return None,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Double(n.as_f64()?),
        },
        Json::String(s) => Value::Str(s.as_str().into()),
        other => Value::from(other.to_string()),
    })
}

fn has(s: &PlanSummary, names: &[&str]) -> bool {
    names.iter().any(|n| s.join_strategies.contains_key(*n) || s.node_types.contains_key(*n))
}

fn formula(s: &PlanSummary, i: usize) -> Option<Value> {
    Some(match *FORMULAS.get(i)? {
        "has_seq_scan" => {
            Value::Bool(!s.seq_scan_tables.is_empty() || has(s, &["Seq Scan", "Parallel Seq Scan"]))
        }
        "has_nested_loop" => Value::Bool(has(s, &["Nested Loop", "nested_loop", "block_nested_loop"])),
        "has_hash_join" => Value::Bool(has(s, &["Hash Join", "hash_join"])),
        "has_merge_join" => Value::Bool(has(s, &["Merge Join"])),
        "has_sort" => Value::Bool(s.sort_count > 0 || s.uses_filesort),
        "has_disk_sort" => Value::Bool(s.has_disk_sort),
        "has_index_scan" => Value::Bool(!s.indexes_used.is_empty()),
        "depth" => Value::Int(i64::from(s.depth)),
        "node_count" => Value::Int(i64::from(s.node_count)),
        // rows / cost as a float (the prototype's integer division made it 0).
        "efficiency" => match (s.estimated_rows, s.total_cost) {
            (Some(r), Some(c)) if c > 0.0 && r.is_finite() && c.is_finite() => Value::Double(r / c),
            _ => return None,
        },
        _ => return None,
    })
}

impl Processor for PlanAttributeExtractor {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        if !matches!(*data, SignalData::Logs(_)) {
            out.push(data);
            return Ok(());
        }
        let mut err = None;
        let now = tokio::time::Instant::now();
        if let SignalData::Logs(logs) = Arc::make_mut(&mut data) {
            'all: for rl in &mut logs.resource_logs {
                for sl in &mut rl.scope_logs {
                    for rec in &mut sl.log_records {
                        if let Err(e) = self.record(rec, now) {
                            if e == "timeout" {
                                self.tally.timeouts += 1;
                            }
                            if self.cfg.error_mode == ErrorMode::Propagate {
                                err = Some(e);
                                break 'all;
                            }
                        }
                    }
                }
            }
        }
        self.flush_tally();
        if let Some(e) = err {
            return Err(ProcessorError(format!("planattributeextractor: {e} (error_mode: propagate)")));
        }
        out.push(data);
        Ok(())
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn text_and_id_keys_tell_texts_apart() {
        // Every length around the 4/8/16-byte load boundaries, and texts differing in one byte
        // at every position: no two keys alike.
        let mut texts: Vec<String> = (0..40).map(|n| "a".repeat(n)).collect();
        let base = "SELECT o.id FROM orders_17 o WHERE o.status = ?";
        for i in 0..base.len() {
            let mut t = base.as_bytes().to_vec();
            t[i] = b'#';
            texts.push(String::from_utf8(t).expect("ascii"));
        }
        texts.extend(
            ["1000123", "1000132", "shop0", "shop1", "-4567891234567891234", "ab", "ba"].map(String::from),
        );
        let mut text_keys = std::collections::HashSet::new();
        let mut id_keys = std::collections::HashSet::new();
        for t in &texts {
            assert!(text_keys.insert(text_key(t)), "text key of {t:?} repeats");
            if let Some(k) = id_key(&Value::from(t.as_str())) {
                assert!(id_keys.insert(k), "id key of {t:?} repeats");
            }
            assert_eq!(text_key(t), text_key(&t.clone()), "a key depends on the content only");
        }
        assert_eq!(id_key(&Value::from("")), None, "an empty id is no id");
        assert_ne!(id_key(&Value::from("7")), id_key(&Value::Int(7)));
    }
}
