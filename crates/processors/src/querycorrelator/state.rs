//! The shared state and the two passes. Pass 1 indexes a batch (table and database metrics, query
//! times, sampled sessions, who blocks whom); pass 2 enriches the batch's query records from what is
//! indexed. Every map is a [`BoundedCache`] (LRU, `retention_period` TTL) keyed by a 64-bit hash of
//! its identity (database + query id, database + table), so no lookup allocates.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use dbintel_core::cache::BoundedCache;
use dbintel_core::pdata::{
    Attributes, CompactString, Key, LogRecord, Logs, Metric, MetricData, Metrics, SignalData, Value, key_hash,
};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_sql::Dialect;
use tokio::time::Instant;

use super::QueryCorrelatorConfig;

pub const QUERY_SAMPLE_EVENT: &str = "db.server.query_sample";
/// The receivers' active-session-history samples: joined like query samples.
pub const ASH_SAMPLE_EVENT: &str = "db.ash.sample";

/// The prototype's query metrics that are enriched (pass 2) when they carry a query identity.
pub const QUERY_METRICS: &[&str] = &[
    "db.query.execution_count",
    "db.query.total_time",
    "db.query.mean_time",
    "db.query.rows_returned",
    "db.query.cache_hit_ratio",
    "db.query.blocks_read",
    "db.query.blocks_hit",
    "db.query.temp_blocks",
    "db.query.io_time",
    "db.query.duration",
];

/// Operations that are maintenance, by the statement's parsed operation (not a substring).
const MAINTENANCE_OPERATIONS: &[&str] =
    &["VACUUM", "ANALYZE", "REINDEX", "CREATE INDEX", "DROP INDEX", "ALTER TABLE", "CLUSTER", "CHECKPOINT"];

/// Attributes a record usually gets (query context, load): reserved at once, so the list grows once
/// (table stats and sessions, when present, may grow it once more). Reserving the most one record
/// can get (28) made every record's list move in memory, even when little was added.
const TYPICAL_ADDED: usize = 12;

/// Per-key caps on the lists a session aggregate keeps.
const MAX_WAITS: usize = 8;
const MAX_BLOCKERS: usize = 16;

/// Self-telemetry of one component ID.
#[derive(Clone)]
pub struct Counters {
    pub correlated_logs: Counter,
    pub correlated_points: Counter,
    pub table_matches: Counter,
    pub evicted_queries: Counter,
    pub evicted_tables: Counter,
    pub evicted_databases: Counter,
    pub evicted_sessions: Counter,
    pub evicted_texts: Counter,
}

impl Counters {
    pub fn new(t: &Registry, id: &str) -> Self {
        let correlated = |signal: &str| {
            t.counter(
                "dbintel_querycorrelator_correlated_total",
                "Records (log records, data points) enriched with a query's correlation attributes.",
                &[("processor", id), ("signal", signal)],
            )
        };
        let evicted = |cache: &str| {
            t.counter(
                "dbintel_querycorrelator_evictions_total",
                "Entries evicted from a correlation map, for capacity or age (retention_period).",
                &[("processor", id), ("cache", cache)],
            )
        };
        Self {
            correlated_logs: correlated("logs"),
            correlated_points: correlated("metrics"),
            table_matches: t.counter(
                "dbintel_querycorrelator_table_matches_total",
                "Query records whose tables were found among the indexed table metrics.",
                &[("processor", id)],
            ),
            evicted_queries: evicted("queries"),
            evicted_tables: evicted("tables"),
            evicted_databases: evicted("databases"),
            evicted_sessions: evicted("sessions"),
            evicted_texts: evicted("texts"),
        }
    }
}

/// What is known of one query (keyed by database + query id, and by database + fingerprint).
#[derive(Debug, Clone)]
struct QueryEntry {
    id: CompactString,
    database: CompactString,
    /// `key_of(database)`, the key of its entry in the database map.
    db_key: u64,
    /// Tables the statement touches, lower case, as written (schema kept).
    tables: Arc<[Box<str>]>,
    /// The query context every record of the query gets, built once per entry (in the order it is
    /// added): [`Context`].
    context: Arc<Context>,
    /// Whether facts came from the text (else only the identity is known).
    has_facts: bool,
    /// Whether they came from a top-query (or metric) text: the server's normalized statement. A
    /// sample's text is what the session sent, possibly several statements (`SET ...; SELECT ...`),
    /// so its facts give way to the first top-query text of the same query.
    facts_from_top: bool,
    mean_ms: Option<f64>,
}

/// A query's context attributes, prepared once per entry and added to each record as one block
/// (`Attributes::insert_all`: one call, no conversions, instead of a call per attribute).
#[derive(Debug)]
struct Context {
    /// `correlation.query_id`, `correlation.database`, `correlation.statement_type`, `correlation.id`:
    /// what comes before `performance.category`.
    head: Attributes,
    /// `query.is_maintenance`, `correlation.table`, `correlation.tables`: what comes after it.
    tail: Attributes,
    /// `head`, then `performance.category` (none, or one of [`CATEGORIES`]), then `tail`: made the
    /// first time a record of the query gets that category, so a record adds its context with one
    /// call. At most four per entry, usually one.
    blocks: [OnceLock<Attributes>; 1 + CATEGORIES.len()],
}

/// The values of `performance.category`, by [`Enrich::category`]'s index.
const CATEGORIES: [&str; 3] = ["slow", "moderate", "fast"];

impl Context {
    fn new(head: Attributes, tail: Attributes) -> Self {
        Context { head, tail, blocks: Default::default() }
    }

    /// The block with category `category` (an index into [`CATEGORIES`]) or none.
    fn block(&self, category: Option<usize>) -> &Attributes {
        let i = category.map_or(0, |c| c.min(CATEGORIES.len() - 1) + 1);
        self.blocks[i].get_or_init(|| {
            let mut b = Attributes::with_capacity(self.head.len() + 1 + self.tail.len());
            b.insert_all(&self.head);
            if let Some(c) = category.and_then(|c| CATEGORIES.get(c)) {
                b.insert("performance.category", *c);
            }
            b.insert_all(&self.tail);
            b
        })
    }
}

/// A table's latest metrics. Values are the receivers' (cumulative counters stay cumulative).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableEntry {
    pub size_data: Option<i64>,
    pub size_index: Option<i64>,
    pub live_tuples: Option<i64>,
    pub dead_tuples: Option<i64>,
    pub seq_scans: Option<i64>,
    pub vacuum_count: Option<i64>,
    /// Time of the point at which `vacuum_count` was first seen higher than before.
    pub last_vacuum_seen: Option<u64>,
    /// inserts, updates, deletes.
    pub ops: [Option<i64>; 3],
    /// The prototype's `db.table.modifications` (a total).
    pub modifications: Option<i64>,
}

impl TableEntry {
    fn modifications(&self) -> Option<i64> {
        self.modifications.or_else(|| {
            let present: Vec<i64> = self.ops.iter().flatten().copied().collect();
            (!present.is_empty()).then(|| present.iter().fold(0i64, |a, b| a.saturating_add(*b)))
        })
    }
    fn size(&self) -> Option<i64> {
        match (self.size_data, self.size_index) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0).saturating_add(b.unwrap_or(0))),
        }
    }
}

#[derive(Debug, Clone, Default)]
struct DatabaseEntry {
    backends: Option<i64>,
}

/// Sampled sessions of one query since its last top-query record.
#[derive(Debug, Clone, Default)]
struct SessionAgg {
    sampled: i64,
    waiting: i64,
    waits: Vec<(Box<str>, u32)>,
    blocked_by_pids: Vec<Box<str>>,
    blocked_by_queries: Vec<Arc<str>>,
}

impl SessionAgg {
    fn top_wait(&self) -> Option<&str> {
        self.waits.iter().max_by_key(|(_, n)| *n).map(|(w, _)| &**w)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Top,
    Sample,
}

/// What pass 1 learned of one record, used by pass 2.
struct RecInfo {
    kind: Kind,
    key: u64,
    fp_key: Option<u64>,
    db: u64,
    total_ms: Option<f64>,
    mean_ms: Option<f64>,
    server: u64,
    session: Option<Box<str>>,
    blockers: Vec<Box<str>>,
}

/// A record's query identity.
struct Ident<'a> {
    /// Hash of database + query id (or fingerprint when there is no id).
    key: u64,
    /// Hash of database + fingerprint, when the record has both an id and a fingerprint.
    fp_key: Option<u64>,
    /// What `correlation.query_id` shows (borrowed from the record: made shared only when a new
    /// query entry needs it).
    id: Cow<'a, str>,
    db: Cow<'a, str>,
}

/// Pass 1's result for a logs batch.
struct LogBatch {
    infos: Vec<Option<RecInfo>>,
    /// Execution time per database (key) in the batch: one collection of top queries.
    totals: HashMap<u64, f64, FnvBuild>,
    /// (server, session) -> query id of the sampled sessions (a sample round is one batch).
    by_session: HashMap<(u64, Box<str>), Arc<str>, FnvBuild>,
}

/// A fast hash for map keys (foldhash over the parts, each with its length so `a|bc` and `ab|c`
/// differ). `lower`: ASCII case does not count (table names).
fn key_of(parts: &[&str], lower: bool) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0x5eed_c0de).build_hasher();
    for p in parts {
        if lower && p.bytes().any(|b| b.is_ascii_uppercase()) {
            h.write(p.to_ascii_lowercase().as_bytes());
        } else {
            h.write(p.as_bytes());
        }
        h.write_usize(p.len());
    }
    h.finish()
}

/// A non-empty string or integer attribute as text.
fn text_of(v: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match v {
        Value::Str(s) if !s.is_empty() => Some(std::borrow::Cow::Borrowed(s.as_str())),
        Value::Int(i) => Some(std::borrow::Cow::Owned(i.to_string())),
        _ => None,
    }
}

/// Whether [`text_of`] gives something, without building it.
fn has_text(v: &Value) -> bool {
    matches!(v, Value::Str(s) if !s.is_empty()) || matches!(v, Value::Int(_))
}

fn num_of(v: &Value) -> Option<f64> {
    let f = match v {
        Value::Int(i) => *i as f64,
        Value::Double(d) => *d,
        Value::Str(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    f.is_finite().then_some(f)
}

fn str_attr<'a>(attrs: &'a Attributes, name: &str) -> Option<&'a str> {
    attrs.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The attribute roles read from a record, each from a configured list of names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    QueryId,
    Fingerprint,
    QueryText,
    Database,
    StatementType,
    Calls,
    TotalS,
    TotalMs,
    MeanS,
    MeanMs,
    SessionId,
    WaitEvent,
    BlockingPids,
    System,
}
const ROLES: usize = 14;

impl Role {
    /// Roles read as numbers (`Picked::num`).
    fn is_number(self) -> bool {
        matches!(self, Role::Calls | Role::TotalS | Role::TotalMs | Role::MeanS | Role::MeanMs)
    }
}

/// foldhash for the batch maps (u64 keys).
type FnvBuild = foldhash::fast::FixedState;

/// One configured name of a role.
struct RoleName {
    name: Box<str>,
    /// [`key_hash`] of `name`, so a record is searched by the hash its keys carry.
    hash: u32,
    /// The address of the last `&'static str` key found equal to `name` (null: none yet). Such a key
    /// is the same literal for the life of the process, so the next time its address and length
    /// alone say it matches, without reading the name. Only literals' addresses are kept: no heap
    /// string (a shared key) can ever sit at one. An atomic only so the shared state stays `Sync`;
    /// it is read and written under the correlator's lock (relaxed loads and stores are plain moves).
    seen: AtomicPtr<u8>,
    /// Where that literal was last found in a record: records of one source keep their keys in one
    /// order, so a test of that position (the literal's address) usually finds it without a scan.
    at: AtomicUsize,
}

impl RoleName {
    fn new(name: &str) -> Self {
        RoleName {
            name: name.into(),
            hash: key_hash(name),
            seen: AtomicPtr::new(std::ptr::null_mut()),
            at: AtomicUsize::new(0),
        }
    }

    /// This name's value in `attrs`: first at the position where the literal seen before was last
    /// found (its address and length say it is this name), else by the attributes' key summary,
    /// which rules most absent names out without a scan, and a scan that compares the keys' hashes
    /// and reads a name only when the hash agrees and it is not the literal seen before.
    #[inline(always)]
    fn find<'a>(&self, attrs: &'a Attributes) -> Option<&'a Value> {
        let seen = self.seen.load(Ordering::Relaxed);
        let is_seen = |k: &Key| {
            let s = k.as_str();
            std::ptr::eq(s.as_ptr(), seen) && s.len() == self.name.len()
        };
        if let Some((k, v)) = attrs.get_index(self.at.load(Ordering::Relaxed))
            && is_seen(k)
        {
            return Some(v);
        }
        let (i, k, v) = attrs.find_by_hash(self.hash, |k| is_seen(k) || *k.as_str() == *self.name)?;
        if let Some(lit) = k.as_static() {
            self.seen.store(lit.as_ptr().cast_mut(), Ordering::Relaxed);
            self.at.store(i, Ordering::Relaxed);
        }
        Some(v)
    }
}

/// The configured names of each role, in priority order (first present wins).
///
/// A role's value is found by looking its names up in the record, in order, only when the role is
/// read: a top-query record reads about nine roles and finds each at its first name, so it costs
/// about nine lookups, whatever else the record carries. (A pass over every key of the record
/// looking each one up in a table of the configured names, as before, cost ~30 instructions per
/// attribute on records of ~35 attributes.)
pub(super) struct Lookup {
    roles: [Box<[RoleName]>; ROLES],
}

impl Lookup {
    fn new(n: &super::AttributeNames) -> Self {
        let list = |v: &[String]| v.iter().map(|s| RoleName::new(s)).collect::<Box<[RoleName]>>();
        let mut roles: [Box<[RoleName]>; ROLES] = Default::default();
        let lists: [(Role, &[String]); ROLES - 1] = [
            (Role::QueryId, &n.query_id),
            (Role::Fingerprint, &n.fingerprint),
            (Role::QueryText, &n.query_text),
            (Role::Database, &n.database),
            (Role::StatementType, &n.statement_type),
            (Role::Calls, &n.calls),
            (Role::TotalS, &n.total_time_seconds),
            (Role::TotalMs, &n.total_time_ms),
            (Role::MeanS, &n.mean_time_seconds),
            (Role::MeanMs, &n.mean_time_ms),
            (Role::SessionId, &n.session_id),
            (Role::WaitEvent, &n.wait_event),
            (Role::BlockingPids, &n.blocking_pids),
        ];
        for (role, names) in lists {
            roles[role as usize] = list(names);
        }
        roles[Role::System as usize] = Box::new([RoleName::new("db.system.name")]);
        Self { roles }
    }

    fn names(&self, role: Role) -> &[RoleName] {
        &self.roles[role as usize]
    }
}

/// A role not looked up yet, or the first of its names present (its position in the list, its
/// value), or none present.
type Found<'a> = Option<Option<(usize, &'a Value)>>;

/// The value of each role in one record: the first configured name present with a usable value
/// (text for text roles, a number for numeric ones), looked up when first read.
///
/// Per role it keeps the value of the first configured name present whatever it holds; it is the
/// answer whenever it is usable (no name before it is present). Only when it is not (an empty
/// string, a number role's text) are the role's later names looked at.
struct Picked<'a, 'l> {
    first: [Cell<Found<'a>>; ROLES],
    attrs: &'a Attributes,
    lookup: &'l Lookup,
}

impl<'a, 'l> Picked<'a, 'l> {
    fn of(lookup: &'l Lookup, attrs: &'a Attributes) -> Self {
        Picked { first: Default::default(), attrs, lookup }
    }

    /// The first of `role`'s names present, with its position in the list.
    #[inline]
    fn first(&self, role: Role) -> Option<(usize, &'a Value)> {
        let cell = &self.first[role as usize];
        if let Some(found) = cell.get() {
            return found;
        }
        let found =
            self.lookup.names(role).iter().enumerate().find_map(|(i, n)| Some((i, n.find(self.attrs)?)));
        cell.set(Some(found));
        found
    }

    /// The value of the first name of `role` (in the configured order) for which `usable` holds.
    fn best(&self, role: Role, usable: impl Fn(&Value) -> bool) -> Option<&'a Value> {
        let (i, v) = self.first(role)?;
        if usable(v) {
            return Some(v);
        }
        self.lookup.names(role).get(i + 1..)?.iter().find_map(|n| n.find(self.attrs).filter(|v| usable(v)))
    }
    fn text(&self, role: Role) -> Option<std::borrow::Cow<'a, str>> {
        self.best(role, has_text).and_then(text_of)
    }
    /// Only the number roles are parsed (`Role::is_number`): a text parse per id, name and query text
    /// cost a fifth of the pass.
    fn num(&self, role: Role) -> Option<f64> {
        debug_assert!(role.is_number());
        self.best(role, |v| num_of(v).is_some()).and_then(num_of)
    }
    fn raw(&self, role: Role) -> Option<&'a Value> {
        self.first(role).map(|(_, v)| v)
    }
}

fn dialect_of(resource: &Attributes, p: &Picked<'_, '_>) -> Dialect {
    let own = p.raw(Role::System).and_then(Value::as_str).filter(|s| !s.is_empty());
    match own.or_else(|| str_attr(resource, "db.system.name")) {
        Some("mysql" | "mariadb") => Dialect::Mysql,
        _ => Dialect::Postgresql,
    }
}

/// `{12,34}` (PostgreSQL arrays) or `12,34` (MySQL) into the pids.
fn parse_pids(v: &Value) -> Vec<Box<str>> {
    match v {
        Value::Str(s) => s
            .trim_matches(|c| c == '{' || c == '}')
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .take(MAX_BLOCKERS)
            .map(Box::from)
            .collect(),
        Value::Int(i) => vec![i.to_string().into()],
        Value::Array(a) => a.iter().filter_map(text_of).take(MAX_BLOCKERS).map(|c| c.into()).collect(),
        _ => Vec::new(),
    }
}

/// A server's identity for session keys (pids are per server).
fn server_key(resource: &Attributes) -> u64 {
    let id = str_attr(resource, "service.instance.id")
        .or_else(|| str_attr(resource, "server.address"))
        .unwrap_or("");
    key_of(&[id], false)
}

fn push_capped<T: PartialEq>(v: &mut Vec<T>, item: T, cap: usize) {
    if v.len() < cap && !v.contains(&item) {
        v.push(item);
    }
}

/// Built as a `CompactString`: most lists fit inline, so no allocation per record.
fn join<S: AsRef<str>>(items: &[S]) -> Value {
    let mut s = CompactString::default();
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(it.as_ref());
    }
    Value::Str(s)
}

/// The state one component ID shares across its pipelines.
pub struct Correlator {
    cfg: QueryCorrelatorConfig,
    queries: BoundedCache<u64, QueryEntry>,
    tables: BoundedCache<u64, TableEntry>,
    databases: BoundedCache<u64, DatabaseEntry>,
    sessions: BoundedCache<u64, SessionAgg>,
    /// Fingerprints of texts that came without one, by text hash.
    texts: BoundedCache<u64, Arc<str>>,
    last_cleanup: Option<Instant>,
    counters: Counters,
    lookup: Arc<Lookup>,
}

impl Correlator {
    pub fn new(cfg: QueryCorrelatorConfig, counters: Counters) -> Self {
        let ttl = Some(cfg.retention_period.get());
        Self {
            queries: BoundedCache::new(cfg.query_bound().saturating_mul(2), ttl),
            tables: BoundedCache::new(cfg.max_table_count.saturating_mul(2), ttl),
            databases: BoundedCache::new(cfg.max_database_count, ttl),
            sessions: BoundedCache::new(cfg.max_session_count, ttl),
            texts: BoundedCache::new(cfg.query_bound(), ttl),
            last_cleanup: None,
            lookup: Arc::new(Lookup::new(&cfg.attributes)),
            cfg,
            counters,
        }
    }

    /// Correlates one batch in place (copy on write: nothing is copied when nothing is added).
    pub fn process(&mut self, data: &mut Arc<SignalData>) {
        let now = Instant::now();
        self.cleanup(now);
        match &**data {
            SignalData::Logs(logs) => {
                let batch = self.index_logs(logs, now);
                if batch.infos.iter().any(Option::is_some)
                    && let SignalData::Logs(logs) = Arc::make_mut(data)
                {
                    self.enrich_logs(logs, &batch, now);
                }
            }
            SignalData::Metrics(metrics) => {
                let batch = self.index_metrics(metrics, now);
                if batch.infos.iter().any(Option::is_some)
                    && let SignalData::Metrics(metrics) = Arc::make_mut(data)
                {
                    self.enrich_metrics(metrics, &batch, now);
                }
            }
            // Not a traces processor: validation refuses the pipeline.
            SignalData::Traces(_) => {}
        }
        self.count_evictions();
    }

    fn cleanup(&mut self, now: Instant) {
        let due = self
            .last_cleanup
            .is_none_or(|at| now.saturating_duration_since(at) >= self.cfg.cleanup_interval.get());
        if !due {
            return;
        }
        if self.last_cleanup.is_some() {
            self.queries.expire(now);
            self.tables.expire(now);
            self.databases.expire(now);
            self.sessions.expire(now);
            self.texts.expire(now);
        }
        self.last_cleanup = Some(now);
    }

    fn count_evictions(&mut self) {
        let c = &self.counters;
        c.evicted_queries.add(self.queries.take_evictions());
        c.evicted_tables.add(self.tables.take_evictions());
        c.evicted_databases.add(self.databases.take_evictions());
        c.evicted_sessions.add(self.sessions.take_evictions());
        c.evicted_texts.add(self.texts.take_evictions());
    }

    /// The stats of a table, looked up as (database, name) then as (no database, name) for the
    /// prototype's metrics that carry no database.
    pub fn table(&mut self, db: &str, name: &str, now: Instant) -> Option<TableEntry> {
        table_of(&mut self.tables, db, name, now)
    }

    /// The query map, the session map and the rest of what pass 2 needs, borrowed apart.
    fn split(
        &mut self,
    ) -> (&mut BoundedCache<u64, QueryEntry>, &mut BoundedCache<u64, SessionAgg>, Enrich<'_>) {
        let enrich = Enrich {
            cfg: &self.cfg,
            tables: &mut self.tables,
            databases: &mut self.databases,
            counters: &self.counters,
        };
        (&mut self.queries, &mut self.sessions, enrich)
    }

    // ---- identity ----

    /// The record's query identity: (key, fingerprint key, id shown, database), computing a
    /// fingerprint from the text when the record has neither id nor fingerprint.
    fn identity<'a>(&mut self, resource: &Attributes, p: &Picked<'a, '_>, now: Instant) -> Option<Ident<'a>> {
        let db = p.text(Role::Database).unwrap_or_default();
        let id = p.text(Role::QueryId);
        let fp: Option<Cow<'a, str>> = match p.text(Role::Fingerprint) {
            Some(f) => Some(f),
            None if id.is_none() => {
                let text = p.text(Role::QueryText)?;
                let tk = key_of(&[&text], false);
                match self.texts.get_at(&tk, now) {
                    Some(f) => Some(Cow::Owned(f.to_string())),
                    None => {
                        let f: Arc<str> = Arc::from(
                            dbintel_sql::fingerprint(dialect_of(resource, p), &text).ok()?.to_hex(),
                        );
                        self.texts.insert_at(tk, f.clone(), now);
                        Some(Cow::Owned(f.to_string()))
                    }
                }
            }
            None => None,
        };
        let fp_key = fp.as_deref().map(|f| key_of(&[&db, f], false));
        match id {
            Some(id) => Some(Ident { key: key_of(&[&db, &id], false), fp_key, id, db }),
            None => Some(Ident { key: fp_key?, fp_key: None, id: fp?, db }),
        }
    }

    /// Makes sure the query has an entry (with facts when text is available) and updates its mean.
    fn upsert_query(
        &mut self,
        resource: &Attributes,
        p: &Picked<'_, '_>,
        ident: &Ident,
        mean_ms: Option<f64>,
        from_top: bool,
        now: Instant,
    ) {
        let Ident { key, fp_key, id, db } = ident;
        let (key, fp_key) = (*key, *fp_key);
        if let Some(e) = self.queries.get_mut_at(&key, now) {
            if mean_ms.is_some() {
                e.mean_ms = mean_ms;
            }
            if (e.has_facts && (e.facts_from_top || !from_top)) || p.raw(Role::QueryText).is_none() {
                return;
            }
        }
        let mut statement_type = CompactString::default();
        let mut is_maintenance = false;
        let mut tables: Arc<[Box<str>]> = Arc::from(Vec::new());
        let mut has_facts = false;
        if let Some(text) = p.text(Role::QueryText)
            && let Ok(f) = dbintel_sql::statement_facts(dialect_of(resource, p), &text)
        {
            statement_type = CompactString::from(f.operation.as_str());
            is_maintenance = MAINTENANCE_OPERATIONS.contains(&f.operation.as_str());
            tables = f.tables.iter().map(|t| t.to_ascii_lowercase().into_boxed_str()).collect();
            has_facts = true;
        }
        if let Some(st) = p.text(Role::StatementType) {
            statement_type = CompactString::from(st.to_ascii_uppercase());
        }
        let (id, database) = (CompactString::from(&**id), CompactString::from(&**db));
        let mut head = Attributes::with_capacity(4);
        head.insert("correlation.query_id", Value::Str(id.clone()));
        if !database.is_empty() {
            head.insert("correlation.database", Value::Str(database.clone()));
        }
        if !statement_type.is_empty() {
            head.insert("correlation.statement_type", Value::Str(statement_type));
        }
        let mut cid = CompactString::with_capacity(db.len() + id.len() + 1);
        cid.push_str(db);
        cid.push('/');
        cid.push_str(&id);
        head.insert("correlation.id", Value::Str(cid));
        let mut tail = Attributes::with_capacity(3);
        if self.cfg.correlation_attributes.add_maintenance_indicators && is_maintenance {
            tail.insert("query.is_maintenance", true);
        }
        if let Some(first) = tables.first() {
            tail.insert("correlation.table", &**first);
            if tables.len() > 1 {
                tail.insert("correlation.tables", join(&tables));
            }
        }
        let entry = QueryEntry {
            db_key: key_of(&[&database], false),
            id,
            database,
            tables,
            context: Arc::new(Context::new(head, tail)),
            has_facts,
            facts_from_top: from_top,
            mean_ms,
        };
        if let Some(fk) = fp_key.filter(|fk| *fk != key) {
            self.queries.insert_at(fk, entry.clone(), now);
        }
        self.queries.insert_at(key, entry, now);
    }

    // ---- logs ----

    fn index_logs(&mut self, logs: &Logs, now: Instant) -> LogBatch {
        let mut infos = Vec::with_capacity(logs.log_record_count());
        // pid -> query id of the sampled sessions of this batch (a sample round is one batch).
        let mut by_session: HashMap<(u64, Box<str>), Arc<str>, FnvBuild> = HashMap::default();
        let mut totals: HashMap<u64, f64, FnvBuild> = HashMap::default();
        for rl in &logs.resource_logs {
            let server = server_key(&rl.resource.attributes);
            for sl in &rl.scope_logs {
                for r in &sl.log_records {
                    let info = self.index_record(&rl.resource.attributes, r, server, now);
                    if let Some(i) = &info {
                        match i.kind {
                            Kind::Top => {
                                if let Some(t) = i.total_ms {
                                    *totals.entry(i.db).or_default() += t;
                                }
                            }
                            Kind::Sample => {
                                if let (Some(s), Some(q)) = (
                                    &i.session,
                                    self.queries.peek(&i.key, now).map(|e| Arc::<str>::from(e.id.as_str())),
                                ) {
                                    by_session.insert((server, s.clone()), q);
                                }
                            }
                        }
                    }
                    infos.push(info);
                }
            }
        }
        // Blocking chains: the queries of the sessions that block each waiting sample.
        for i in infos.iter().flatten().filter(|i| i.kind == Kind::Sample && !i.blockers.is_empty()) {
            let Some(agg) = self.sessions.get_mut_at(&i.key, now) else { continue };
            for pid in &i.blockers {
                push_capped(&mut agg.blocked_by_pids, pid.clone(), MAX_BLOCKERS);
                if let Some(q) = by_session.get(&(i.server, pid.clone())) {
                    push_capped(&mut agg.blocked_by_queries, q.clone(), MAX_BLOCKERS);
                }
            }
        }
        LogBatch { infos, totals, by_session }
    }

    fn index_record(
        &mut self,
        resource: &Attributes,
        r: &LogRecord,
        server: u64,
        now: Instant,
    ) -> Option<RecInfo> {
        let kind = if r.event_name == QUERY_SAMPLE_EVENT || r.event_name == ASH_SAMPLE_EVENT {
            Kind::Sample
        } else {
            Kind::Top
        };
        let lookup = self.lookup.clone();
        let p = Picked::of(&lookup, &r.attributes);
        let ident = self.identity(resource, &p, now)?;
        let (key, fp_key, db) = (ident.key, ident.fp_key, &*ident.db);
        let total_ms = p.num(Role::TotalS).map(|s| s * 1000.0).or_else(|| p.num(Role::TotalMs));
        // Executions are read only when there is no mean to take (roles are looked up when read).
        let mean_ms =
            p.num(Role::MeanS).map(|s| s * 1000.0).or_else(|| p.num(Role::MeanMs)).or_else(|| {
                match (total_ms, p.num(Role::Calls)) {
                    (Some(t), Some(c)) if c > 0.0 => Some(t / c),
                    _ => None,
                }
            });
        let mut info = RecInfo {
            kind,
            key,
            fp_key,
            db: key_of(&[db], false),
            total_ms: None,
            mean_ms: None,
            server,
            session: None,
            blockers: Vec::new(),
        };
        match kind {
            Kind::Top => {
                info.total_ms = total_ms;
                info.mean_ms = mean_ms;
                self.upsert_query(resource, &p, &ident, mean_ms, true, now);
            }
            Kind::Sample => {
                info.session = p.text(Role::SessionId).map(|c| c.into());
                info.blockers = p.raw(Role::BlockingPids).map(parse_pids).unwrap_or_default();
                let wait = p.text(Role::WaitEvent).map(|c| c.into_owned());
                // A sample's duration is one execution so far, not a mean: the query's mean stays.
                self.upsert_query(resource, &p, &ident, None, false, now);
                let waiting = !info.blockers.is_empty()
                    || wait.as_deref().is_some_and(|w| !w.eq_ignore_ascii_case("idle"));
                if self.sessions.get_at(&key, now).is_none() {
                    self.sessions.insert_at(key, SessionAgg::default(), now);
                }
                if let Some(agg) = self.sessions.get_mut_at(&key, now) {
                    agg.sampled += 1;
                    if waiting {
                        agg.waiting += 1;
                    }
                    if let Some(w) = wait.filter(|w| !w.eq_ignore_ascii_case("idle")) {
                        match agg.waits.iter().position(|(n, _)| **n == *w) {
                            Some(i) => agg.waits[i].1 += 1,
                            None if agg.waits.len() < MAX_WAITS => agg.waits.push((w.into(), 1)),
                            None => {}
                        }
                    }
                }
            }
        }
        Some(info)
    }

    fn enrich_logs(&mut self, logs: &mut Logs, batch: &LogBatch, now: Instant) {
        let LogBatch { infos, totals, by_session } = batch;
        let mut it = infos.iter();
        let mut n = 0u64;
        let (queries, sessions, mut enrich) = self.split();
        for rl in &mut logs.resource_logs {
            for sl in &mut rl.scope_logs {
                for r in &mut sl.log_records {
                    let Some(Some(info)) = it.next() else { continue };
                    // Read in place: the query map is borrowed apart from what the enrichment
                    // changes (table and database recency). Peeked: pass 1 made the entry recent
                    // for this record already (a second promotion was a second hash lookup).
                    let Some(entry) = queries.peek(&info.key, now) else { continue };
                    n += 1;
                    let attrs = &mut r.attributes;
                    // One growth for everything added below instead of a reallocation per few keys.
                    attrs.reserve(TYPICAL_ADDED);
                    enrich.add_query_context(attrs, entry, info.mean_ms.or(entry.mean_ms), now);
                    match info.kind {
                        Kind::Top => {
                            enrich.add_load(attrs, info.db, info.total_ms, totals, entry, now);
                            let agg = sessions
                                .remove(&info.key)
                                .or_else(|| info.fp_key.and_then(|k| sessions.remove(&k)));
                            if let Some(agg) = agg {
                                add_sessions(attrs, &agg);
                            }
                        }
                        Kind::Sample => {
                            let blockers: Vec<Arc<str>> = info
                                .blockers
                                .iter()
                                .filter_map(|p| by_session.get(&(info.server, p.clone())).cloned())
                                .collect();
                            if !blockers.is_empty() {
                                attrs.insert("correlation.blocked_by.queries", join(&blockers));
                            }
                        }
                    }
                }
            }
        }
        self.counters.correlated_logs.add(n);
    }
}

/// What pass 2 reads and changes besides the query and session maps.
struct Enrich<'c> {
    cfg: &'c QueryCorrelatorConfig,
    tables: &'c mut BoundedCache<u64, TableEntry>,
    databases: &'c mut BoundedCache<u64, DatabaseEntry>,
    counters: &'c Counters,
}

/// The stats of a table, looked up as (database, name) then as (no database, name) for the
/// prototype's metrics that carry no database.
fn table_of(
    tables: &mut BoundedCache<u64, TableEntry>,
    db: &str,
    name: &str,
    now: Instant,
) -> Option<TableEntry> {
    // No table metrics seen (a logs-only pipeline): two hashes and probes per table saved.
    if tables.is_empty() {
        return None;
    }
    if let Some(t) = tables.get_at(&key_of(&[db, name], true), now) {
        return Some(t.clone());
    }
    if db.is_empty() {
        return None;
    }
    tables.get_at(&key_of(&["", name], true), now).cloned()
}

impl Enrich<'_> {
    /// `correlation.*`, category, tables with their stats and maintenance flags.
    fn add_query_context(
        &mut self,
        attrs: &mut Attributes,
        e: &QueryEntry,
        mean_ms: Option<f64>,
        now: Instant,
    ) {
        let ca = &self.cfg.correlation_attributes;
        let category = mean_ms.filter(|_| ca.add_query_category).map(|m| self.category(m));
        attrs.insert_all(e.context.block(category));
        if e.tables.is_empty() {
            return;
        }
        if !self.cfg.enable_table_correlation {
            return;
        }
        let (add_stats, add_maint) = (ca.add_table_stats, ca.add_maintenance_indicators);
        let threshold = self.cfg.dead_tuple_threshold;
        let mut needing_vacuum: Vec<&str> = Vec::new();
        let mut matched = false;
        for (i, t) in e.tables.iter().enumerate() {
            let Some(s) = table_of(self.tables, &e.database, t, now) else { continue };
            matched = true;
            let needs_vacuum = s.dead_tuples.is_some_and(|d| d > threshold);
            if needs_vacuum {
                needing_vacuum.push(t);
            }
            if i != 0 {
                continue;
            }
            if add_stats {
                let stats = [
                    ("table.modifications", s.modifications()),
                    ("table.dead_tuples", s.dead_tuples),
                    ("table.live_tuples", s.live_tuples),
                    ("table.size_bytes", s.size()),
                    ("table.seq_scans", s.seq_scans),
                    ("table.vacuum_count", s.vacuum_count),
                ];
                for (k, v) in stats {
                    if let Some(v) = v {
                        attrs.insert(k, v);
                    }
                }
                if let Some(t) = s.last_vacuum_seen {
                    attrs.insert("table.last_vacuum_seen", dbintel_core::time_fmt::rfc3339_millis(t));
                }
            }
            if add_maint && needs_vacuum {
                attrs.insert("table.needs_vacuum", true);
            }
        }
        if matched {
            self.counters.table_matches.inc();
        }
        if add_maint && !needing_vacuum.is_empty() {
            attrs.insert("correlation.tables_needing_vacuum", join(&needing_vacuum));
        }
    }

    /// The index in [`CATEGORIES`] of a mean time's category.
    fn category(&self, mean_ms: f64) -> usize {
        let q = &self.cfg.query_categorization;
        if mean_ms > q.slow_query_threshold_ms {
            0
        } else if mean_ms > q.moderate_query_threshold_ms {
            1
        } else {
            2
        }
    }

    /// Share of the database's time in the batch's interval, and the database's backends.
    fn add_load(
        &mut self,
        attrs: &mut Attributes,
        db: u64,
        total_ms: Option<f64>,
        totals: &HashMap<u64, f64, FnvBuild>,
        e: &QueryEntry,
        now: Instant,
    ) {
        if !self.cfg.enable_database_correlation || !self.cfg.correlation_attributes.add_load_contribution {
            return;
        }
        if let (Some(t), Some(total)) = (total_ms, totals.get(&db))
            && *total > 0.0
        {
            // Clamped: a negative time from a bad input must not make a share outside 0..100; and
            // seconds near f64::MAX overflow to infinity in ms, where inf/inf is no share at all.
            let pct = (t / total * 100.0).clamp(0.0, 100.0);
            if pct.is_finite() {
                attrs.insert("query.load_contribution_pct", (pct * 100.0).round() / 100.0);
                attrs.insert("database.total_time_ms", *total);
            }
        }
        // No database metrics seen (a logs-only pipeline): no hash and probe.
        if !self.databases.is_empty()
            && let Some(b) = self.databases.get_at(&e.db_key, now).and_then(|d| d.backends)
        {
            attrs.insert("database.active_backends", b);
        }
    }
}

fn add_sessions(attrs: &mut Attributes, agg: &SessionAgg) {
    attrs.insert("correlation.sessions.sampled", agg.sampled);
    attrs.insert("correlation.sessions.waiting", agg.waiting);
    if let Some(w) = agg.top_wait() {
        attrs.insert("correlation.wait_event", w);
    }
    if !agg.blocked_by_pids.is_empty() {
        attrs.insert("correlation.blocked_by.pids", join(&agg.blocked_by_pids));
    }
    if !agg.blocked_by_queries.is_empty() {
        attrs.insert("correlation.blocked_by.queries", join(&agg.blocked_by_queries));
    }
}

// ---- metrics ----

/// Pass 1's result for a metrics batch.
struct MetricBatch {
    infos: Vec<Option<RecInfo>>,
    /// Execution time (ms) per database in the batch.
    totals: HashMap<u64, f64, FnvBuild>,
    /// (executions, execution time ms) per query key in the batch.
    per_query: HashMap<u64, (Option<f64>, Option<f64>), FnvBuild>,
}

/// Table metrics this processor indexes (the receivers' names and the prototype's).
const TABLE_METRICS: &[&str] = &[
    "postgresql.table.size",
    "postgresql.rows",
    "postgresql.sequential_scans",
    "postgresql.table.vacuum.count",
    "postgresql.operations",
    "mysql.table.size",
    "mysql.table.rows",
    "mysql.table.io.wait.count",
    "db.table.modifications",
    "db.table.dead_tuples",
];

/// Database metrics giving the active backends.
const DATABASE_METRICS: &[&str] =
    &["postgresql.backends", "postgresql.database.backends", "db.connections.active"];

/// Calls `f(attributes, value, histogram mean)` for each point.
fn for_each_point(data: &MetricData, mut f: impl FnMut(&Attributes, Option<f64>, u64, Option<f64>)) {
    match data {
        MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => {
            for p in p {
                f(&p.attributes, Some(p.value.as_f64()).filter(|v| v.is_finite()), p.time_unix_nano, None);
            }
        }
        MetricData::Histogram { points, .. } => {
            for p in points {
                let mean = p.sum.filter(|_| p.count > 0).map(|s| s / p.count as f64);
                f(&p.attributes, None, p.time_unix_nano, mean);
            }
        }
        MetricData::Summary(points) => {
            for p in points {
                let mean = (p.count > 0).then(|| p.sum / p.count as f64);
                f(&p.attributes, None, p.time_unix_nano, mean);
            }
        }
    }
}

/// Calls `f(attributes, histogram mean)` for each point, mutably.
fn for_each_point_mut(data: &mut MetricData, mut f: impl FnMut(&mut Attributes, Option<f64>)) {
    match data {
        MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => {
            for p in p {
                f(&mut p.attributes, None);
            }
        }
        MetricData::Histogram { points, .. } => {
            for p in points {
                let mean = p.sum.filter(|_| p.count > 0).map(|s| s / p.count as f64);
                f(&mut p.attributes, mean);
            }
        }
        MetricData::Summary(points) => {
            for p in points {
                let mean = (p.count > 0).then(|| p.sum / p.count as f64);
                f(&mut p.attributes, mean);
            }
        }
    }
}

/// (database, schema, table) of a table metric point, in each of the models the receivers use:
/// semconv (`db.namespace` = `db|schema`, `db.collection.name`), PostgreSQL legacy resources
/// (`postgresql.database.name`, `postgresql.table.name` = `schema.table`), MySQL (`schema`,
/// `table`; the schema is the database) and the prototype (`database_name`, `schemaname`,
/// `tablename`).
fn table_identity<'a>(res: &'a Attributes, pt: &'a Attributes) -> Option<(&'a str, &'a str, &'a str)> {
    if let Some(t) = str_attr(pt, "db.collection.name") {
        let ns = str_attr(pt, "db.namespace").or_else(|| str_attr(res, "db.namespace")).unwrap_or("");
        let (db, schema) = ns.split_once('|').unwrap_or((ns, ""));
        return Some((db, schema, t));
    }
    if let Some(full) = str_attr(res, "postgresql.table.name") {
        let db = str_attr(res, "postgresql.database.name").unwrap_or("");
        let (schema, t) = full.split_once('.').unwrap_or(("", full));
        return Some((db, schema, t));
    }
    if let (Some(t), Some(schema)) = (str_attr(pt, "table"), str_attr(pt, "schema")) {
        return Some((schema, schema, t));
    }
    if let Some(t) = str_attr(pt, "tablename") {
        let schema = str_attr(pt, "schemaname").unwrap_or("");
        let db = str_attr(pt, "database_name").unwrap_or("");
        return Some((db, schema, t));
    }
    None
}

fn database_of<'a>(res: &'a Attributes, pt: &'a Attributes) -> &'a str {
    str_attr(pt, "db.namespace")
        .or_else(|| str_attr(pt, "database_name"))
        .or_else(|| str_attr(res, "postgresql.database.name"))
        .or_else(|| str_attr(res, "db.namespace"))
        .unwrap_or("")
}

impl Correlator {
    /// Applies `f` to the table's entries: `schema.table` and `table` (statements often name a
    /// table without its schema), both under the database.
    fn update_table(
        &mut self,
        db: &str,
        schema: &str,
        table: &str,
        now: Instant,
        f: impl Fn(&mut TableEntry),
    ) {
        let mut keys = [Some(key_of(&[db, table], true)), None];
        if !schema.is_empty() {
            let full = format!("{schema}.{table}");
            keys[1] = Some(key_of(&[db, &full], true));
        }
        for k in keys.into_iter().flatten() {
            match self.tables.get_mut_at(&k, now) {
                Some(e) => f(e),
                None => {
                    let mut e = TableEntry::default();
                    f(&mut e);
                    self.tables.insert_at(k, e, now);
                }
            }
        }
    }

    fn index_table_point(
        &mut self,
        name: &str,
        res: &Attributes,
        pt: &Attributes,
        v: f64,
        time: u64,
        now: Instant,
    ) {
        let Some((db, schema, table)) = table_identity(res, pt) else { return };
        // Clamped: the values are counts and sizes; a float out of range must not wrap.
        let v = v.clamp(i64::MIN as f64, i64::MAX as f64) as i64;
        let op = str_attr(pt, "operation");
        let kind = str_attr(pt, "kind");
        let state = str_attr(pt, "state");
        let update: Box<dyn Fn(&mut TableEntry)> = match (name, state, kind, op) {
            ("postgresql.table.size", ..) => Box::new(move |e| e.size_data = Some(v)),
            ("mysql.table.size", _, Some("index"), _) => Box::new(move |e| e.size_index = Some(v)),
            ("mysql.table.size", ..) => Box::new(move |e| e.size_data = Some(v)),
            ("postgresql.rows", Some("dead"), ..) | ("db.table.dead_tuples", ..) => {
                Box::new(move |e| e.dead_tuples = Some(v))
            }
            ("postgresql.rows", Some("live"), ..) | ("mysql.table.rows", ..) => {
                Box::new(move |e| e.live_tuples = Some(v))
            }
            ("postgresql.sequential_scans", ..) => Box::new(move |e| e.seq_scans = Some(v)),
            ("postgresql.table.vacuum.count", ..) => Box::new(move |e| {
                if e.vacuum_count.is_some_and(|prev| v > prev) {
                    e.last_vacuum_seen = Some(time);
                }
                e.vacuum_count = Some(v);
            }),
            ("db.table.modifications", ..) => Box::new(move |e| e.modifications = Some(v)),
            ("postgresql.operations" | "mysql.table.io.wait.count", _, _, Some(op)) => {
                let i = match op {
                    "ins" | "insert" => 0,
                    "upd" | "update" => 1,
                    "del" | "delete" => 2,
                    _ => return,
                };
                Box::new(move |e| e.ops[i] = Some(v))
            }
            _ => return,
        };
        self.update_table(db, schema, table, now, update);
    }

    fn index_metrics(&mut self, metrics: &Metrics, now: Instant) -> MetricBatch {
        let mut batch =
            MetricBatch { infos: Vec::new(), totals: HashMap::default(), per_query: HashMap::default() };
        let table_on = self.cfg.enable_table_correlation;
        let db_on = self.cfg.enable_database_correlation;
        for rm in &metrics.resource_metrics {
            let res = &rm.resource.attributes;
            for sm in &rm.scope_metrics {
                for m in &sm.metrics {
                    let name = m.name.as_str();
                    if table_on && TABLE_METRICS.contains(&name) {
                        for_each_point(&m.data, |pt, v, time, _| {
                            if let Some(v) = v {
                                self.index_table_point(name, res, pt, v, time, now);
                            }
                        });
                    } else if db_on && DATABASE_METRICS.contains(&name) {
                        for_each_point(&m.data, |pt, v, _, _| {
                            let Some(v) = v else { return };
                            let k = key_of(&[database_of(res, pt)], false);
                            if self.databases.get_at(&k, now).is_none() {
                                self.databases.insert_at(k, DatabaseEntry::default(), now);
                            }
                            if let Some(d) = self.databases.get_mut_at(&k, now) {
                                d.backends = Some(v as i64);
                            }
                        });
                    } else if QUERY_METRICS.contains(&name) {
                        self.index_query_metric(m, res, now, &mut batch);
                    }
                }
            }
        }
        // The mean of the interval from the batch's executions and time.
        for (k, (calls, total)) in &batch.per_query {
            if let (Some(c), Some(t)) = (calls, total)
                && *c > 0.0
                && let Some(e) = self.queries.get_mut_at(k, now)
            {
                e.mean_ms = Some(t / c);
            }
        }
        batch
    }

    fn index_query_metric(&mut self, m: &Metric, res: &Attributes, now: Instant, batch: &mut MetricBatch) {
        let name = m.name.as_str();
        let lookup = self.lookup.clone();
        for_each_point(&m.data, |pt, v, _, hist_mean| {
            let p = Picked::of(&lookup, pt);
            let Some(ident) = self.identity(res, &p, now) else {
                batch.infos.push(None);
                return;
            };
            let (key, fp_key) = (ident.key, ident.fp_key);
            let db_key = key_of(&[&*ident.db], false);
            let mut mean = p.num(Role::MeanMs);
            let slot = batch.per_query.entry(key).or_default();
            match (name, v) {
                ("db.query.execution_count", Some(v)) => slot.0 = Some(slot.0.unwrap_or(0.0) + v),
                ("db.query.total_time", Some(v)) => {
                    slot.1 = Some(slot.1.unwrap_or(0.0) + v);
                    *batch.totals.entry(db_key).or_default() += v;
                }
                ("db.query.mean_time", Some(v)) => mean = Some(v),
                ("db.query.duration", _) => mean = mean.or(hist_mean),
                _ => {}
            }
            self.upsert_query(res, &p, &ident, mean, true, now);
            batch.infos.push(Some(RecInfo {
                kind: Kind::Top,
                key,
                fp_key,
                db: db_key,
                total_ms: None,
                mean_ms: mean,
                server: 0,
                session: None,
                blockers: Vec::new(),
            }));
        });
    }

    fn enrich_metrics(&mut self, metrics: &mut Metrics, batch: &MetricBatch, now: Instant) {
        let mut it = batch.infos.iter();
        let mut n = 0u64;
        let (queries, _, mut enrich) = self.split();
        for rm in &mut metrics.resource_metrics {
            for sm in &mut rm.scope_metrics {
                for m in &mut sm.metrics {
                    if !QUERY_METRICS.contains(&m.name.as_str()) {
                        continue;
                    }
                    for_each_point_mut(&mut m.data, |attrs, hist_mean| {
                        let Some(Some(info)) = it.next() else { return };
                        if let Some(mean) = hist_mean {
                            attrs.insert("_avg_duration_ms", mean);
                        }
                        let Some(entry) = queries.get_at(&info.key, now) else { return };
                        n += 1;
                        attrs.reserve(TYPICAL_ADDED);
                        enrich.add_query_context(attrs, entry, info.mean_ms.or(entry.mean_ms), now);
                        let total = batch.per_query.get(&info.key).and_then(|(_, t)| *t);
                        enrich.add_load(attrs, info.db, total, &batch.totals, entry, now);
                    });
                }
            }
        }
        self.counters.correlated_points.add(n);
    }
}

#[cfg(test)]
mod lookup_tests {
    use super::*;

    /// Two different names with one [`key_hash`] (a 32-bit hash collides within ~100k names).
    fn colliding_names() -> (String, String) {
        let mut seen = HashMap::new();
        for i in 0..2_000_000u32 {
            let name = format!("role.{i}");
            if let Some(other) = seen.insert(key_hash(&name), name.clone()) {
                return (other, name);
            }
        }
        panic!("a 32-bit hash collides within 2M names");
    }

    fn attrs(pairs: Vec<(Key, Value)>) -> Attributes {
        pairs.into_iter().collect()
    }

    #[test]
    fn names_of_one_hash_keep_their_own_roles() {
        let (x, y) = colliding_names();
        let names = super::super::AttributeNames {
            query_id: vec![x.clone(), y.clone()],
            database: vec![y.clone()],
            ..Default::default()
        };
        let l = Lookup::new(&names);
        let only_y = attrs(vec![(Key::from(y.clone()), Value::from("b"))]);
        let p = Picked::of(&l, &only_y);
        assert_eq!(p.text(Role::QueryId).as_deref(), Some("b"));
        assert_eq!(p.text(Role::Database).as_deref(), Some("b"));
        let only_x = attrs(vec![(Key::from(x.clone()), Value::from("a"))]);
        let p = Picked::of(&l, &only_x);
        assert_eq!((p.text(Role::QueryId).as_deref(), p.text(Role::Database)), (Some("a"), None));
        // Literals (leaked, so `&'static`) are remembered per name: each still reads as its own name,
        // also after the other one was remembered.
        let lx: &'static str = Box::leak(x.clone().into_boxed_str());
        let ly: &'static str = Box::leak(y.clone().into_boxed_str());
        for _ in 0..2 {
            let r = attrs(vec![
                (Key::from_static(ly), Value::from("d")),
                (Key::from_static(lx), Value::from("c")),
            ]);
            let p = Picked::of(&l, &r);
            assert_eq!(
                (p.text(Role::QueryId).as_deref(), p.text(Role::Database).as_deref()),
                (Some("c"), Some("d"))
            );
            let r = attrs(vec![(Key::from_static(ly), Value::from("e"))]);
            let p = Picked::of(&l, &r);
            assert_eq!(
                (p.text(Role::QueryId).as_deref(), p.text(Role::Database).as_deref()),
                (Some("e"), Some("e"))
            );
        }
        // Another literal with the text of a remembered one is found by its name.
        let lx2: &'static str = Box::leak(x.into_boxed_str());
        let r = attrs(vec![(Key::from_static(lx2), Value::from("f"))]);
        assert_eq!(Picked::of(&l, &r).text(Role::QueryId).as_deref(), Some("f"));
        let none = attrs(vec![(Key::from_static("postgresql.rolname"), Value::from("app"))]);
        assert!(Picked::of(&l, &none).raw(Role::QueryId).is_none());
    }

    #[test]
    fn a_context_block_is_head_category_tail_as_added_one_by_one() {
        let head: Attributes =
            [("correlation.query_id", "q"), ("correlation.id", "db/q")].into_iter().collect();
        let tail: Attributes = [("correlation.table", "t")].into_iter().collect();
        let c = Context::new(head.clone(), tail.clone());
        for category in [None, Some(0), Some(1), Some(2), Some(2), None] {
            let mut record: Attributes = [("x", "1"), ("correlation.table", "old")].into_iter().collect();
            let mut expected = record.clone();
            expected.insert_all(&head);
            if let Some(i) = category {
                expected.insert("performance.category", CATEGORIES[i]);
            }
            expected.insert_all(&tail);
            record.insert_all(c.block(category));
            let pairs =
                |a: &Attributes| a.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Vec<_>>();
            assert_eq!(pairs(&record), pairs(&expected), "{category:?}");
        }
        assert!(c.blocks.iter().all(|b| b.get().is_some()));
    }

    #[test]
    fn a_name_is_found_wherever_it_moves() {
        let names = super::super::AttributeNames { query_id: vec!["q.id".into()], ..Default::default() };
        let l = Lookup::new(&names);
        let at_1: Attributes = [("other", "x"), ("q.id", "1")].into_iter().collect();
        let at_0: Attributes = [("q.id", "2"), ("other", "y")].into_iter().collect();
        let absent: Attributes = [("other", "z"), ("more", "w")].into_iter().collect();
        let shared: Attributes =
            [(Key::from("other"), Value::from("z")), (Key::from(String::from("q.id")), Value::from("3"))]
                .into_iter()
                .collect();
        for _ in 0..2 {
            assert_eq!(Picked::of(&l, &at_1).text(Role::QueryId).as_deref(), Some("1"));
            assert_eq!(Picked::of(&l, &at_0).text(Role::QueryId).as_deref(), Some("2"));
            assert_eq!(Picked::of(&l, &absent).text(Role::QueryId), None);
            assert_eq!(Picked::of(&l, &at_1).text(Role::QueryId).as_deref(), Some("1"));
            assert_eq!(Picked::of(&l, &shared).text(Role::QueryId).as_deref(), Some("3"));
        }
    }

    #[test]
    fn the_first_usable_name_in_the_configured_order_wins() {
        let names = super::super::AttributeNames {
            calls: vec!["c.first".into(), "c.second".into(), "c.third".into()],
            query_id: (0..300).map(|i| format!("db.query.id.{i}")).collect(),
            ..Default::default()
        };
        let l = Lookup::new(&names);
        // In the record's order the third comes first; the first is not a number.
        let r: Attributes =
            [("c.third", Value::Int(3)), ("c.first", Value::from("x")), ("c.second", Value::Int(2))]
                .into_iter()
                .collect();
        let p = Picked::of(&l, &r);
        assert_eq!(p.raw(Role::Calls), Some(&Value::from("x")));
        assert_eq!(p.num(Role::Calls), Some(2.0));
        // Every one of many names is found, with its place in the list kept (the last one here).
        let r: Attributes = [("db.query.id.299", "late"), ("db.query.id.150", "")].into_iter().collect();
        let p = Picked::of(&l, &r);
        assert_eq!(p.first(Role::QueryId).map(|(i, _)| i), Some(150));
        assert_eq!(p.text(Role::QueryId).as_deref(), Some("late"));
    }
}
