//! The telemetry data model: OTLP's structure (resource -> scope -> metric or log record) in plain Rust
//! types. Wire formats (OTLP protobuf, OTLP-JSON, Prometheus text) are produced only by exporters.

pub use compact_str::CompactString;
use std::mem::ManuallyDrop;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Nanoseconds since the Unix epoch, the OTLP timestamp unit.
pub fn now_unix_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// An attribute or body value (OTLP `AnyValue`). Strings up to 24 bytes are kept inline (most
/// attribute values: names, operations, ids, hashes), so setting, copying and dropping them
/// allocates nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(CompactString),
    Bool(bool),
    Int(i64),
    Double(f64),
    Bytes(Vec<u8>),
    Array(Vec<Value>),
    Map(Attributes),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A human-readable rendering, used by the console exporter and for string comparisons.
    pub fn to_display_string(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Double(d) => d.to_string(),
            Value::Bytes(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
            Value::Array(a) => {
                let items: Vec<String> = a.iter().map(Value::to_display_string).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Map(m) => {
                let items: Vec<String> =
                    m.iter().map(|(k, v)| format!("{k}={}", v.to_display_string())).collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s.into())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Double(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

/// An attribute key. Most keys are names written in the code (`&'static str`: no allocation per
/// record) or names from the config, shared by every record they are set on (`Arc<str>`: a clone is
/// a reference count); a key built at run time is made shared once.
///
/// Each key carries the [`key_hash`] of its name, computed once when the key is made (it sits in
/// what would otherwise be padding, so a key is still three words): comparing two names, testing a
/// list's key summary and finding a name in a processor's table then read no bytes of the name
/// unless the hashes agree.
#[derive(Clone)]
pub struct Key(KeyRepr);

#[derive(Clone)]
enum KeyRepr {
    Static(&'static str, u32),
    Shared(Arc<str>, u32),
}

/// The 8 bytes of `b` from `at` (the caller checks that there are 8), as one load.
#[inline(always)]
const fn load8(b: &[u8], at: usize) -> u64 {
    match b.split_at(at).1.first_chunk::<8>() {
        Some(chunk) => u64::from_le_bytes(*chunk),
        None => 0,
    }
}

/// The 4 bytes of `b` from `at` (the caller checks that there are 4), as one load.
#[inline(always)]
const fn load4(b: &[u8], at: usize) -> u64 {
    match b.split_at(at).1.first_chunk::<4>() {
        Some(chunk) => u32::from_le_bytes(*chunk) as u64,
        None => 0,
    }
}

/// A 32-bit hash of an attribute name: equal names hash the same, different names rarely do (a
/// collision only costs a comparison of the names). It reads the last 8 bytes (where names of one
/// namespace differ) and the first byte, with the length, so it costs about as much as a length
/// comparison; it is a `const fn` and small, so the hash of a name written in the code is folded at
/// compile time.
#[inline(always)]
pub const fn key_hash(name: &str) -> u32 {
    let b = name.as_bytes();
    let n = b.len();
    let tail = if n >= 8 {
        load8(b, n - 8)
    } else if n >= 4 {
        load4(b, 0) | (load4(b, n - 4) << 32)
    } else if n > 0 {
        (b[0] as u64) | ((b[n / 2] as u64) << 8) | ((b[n - 1] as u64) << 16)
    } else {
        0
    };
    let first = if n > 0 { b[0] as u64 } else { 0 };
    let mut x = (tail ^ ((n as u64) << 56) ^ (first << 48)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    // The high half folded into the low half before the last multiply, so every byte read moves the
    // bits the summaries use.
    x ^= x >> 31;
    (x.wrapping_mul(0x94D0_49BB_1331_11EB) >> 32) as u32
}

impl Key {
    /// A key from a name written in the code.
    #[inline]
    pub const fn from_static(s: &'static str) -> Self {
        Key(KeyRepr::Static(s, key_hash(s)))
    }
    fn shared(s: Arc<str>) -> Self {
        let h = key_hash(&s);
        Key(KeyRepr::Shared(s, h))
    }
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            KeyRepr::Static(s, _) => s,
            KeyRepr::Shared(s, _) => s,
        }
    }
    /// The name's [`key_hash`], computed when the key was made.
    #[inline(always)]
    pub fn hash_code(&self) -> u32 {
        match &self.0 {
            KeyRepr::Static(_, h) | KeyRepr::Shared(_, h) => *h,
        }
    }
    /// The name when it was written in the code: the same literal is the same pointer for as long
    /// as the process runs, so a caller may remember it by address.
    #[inline]
    pub fn as_static(&self) -> Option<&'static str> {
        match &self.0 {
            KeyRepr::Static(s, _) => Some(s),
            KeyRepr::Shared(..) => None,
        }
    }
    /// Whether both are the same name in memory: the same literal, or the same shared string (one
    /// reference-counted allocation). No name is read; a caller that keeps a clone of a key may
    /// recognise the key by this test alone (a shared string cannot be freed and its address reused
    /// while the clone holds it).
    #[inline(always)]
    pub fn identical(&self, other: &Key) -> bool {
        match (&self.0, &other.0) {
            (KeyRepr::Static(a, _), KeyRepr::Static(b, _)) => a.as_ptr() == b.as_ptr() && a.len() == b.len(),
            (KeyRepr::Shared(a, _), KeyRepr::Shared(b, _)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
    /// Equality with a fast path for the same string in memory (the same literal or the same shared
    /// name), which is how records of one receiver repeat their keys; different hashes answer no
    /// without reading the names.
    #[inline]
    pub fn same(&self, other: &Key) -> bool {
        let (a, b) = (self.as_str(), other.as_str());
        (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || (self.hash_code() == other.hash_code() && a == b)
    }
}

impl std::ops::Deref for Key {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}
impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}
impl std::borrow::Borrow<str> for Key {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}
impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.hash_code() == other.hash_code() && self.as_str() == other.as_str()
    }
}
impl Eq for Key {}
impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}
impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}
impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
impl From<&'static str> for Key {
    /// Inlined, so the hash of a literal is folded at compile time.
    #[inline]
    fn from(s: &'static str) -> Self {
        Key::from_static(s)
    }
}
impl From<String> for Key {
    fn from(s: String) -> Self {
        Key::shared(Arc::from(s))
    }
}
impl From<&String> for Key {
    fn from(s: &String) -> Self {
        Key::shared(Arc::from(s.as_str()))
    }
}
impl From<Arc<str>> for Key {
    fn from(s: Arc<str>) -> Self {
        Key::shared(s)
    }
}
impl From<&Arc<str>> for Key {
    fn from(s: &Arc<str>) -> Self {
        Key::shared(s.clone())
    }
}
impl From<&Key> for Key {
    fn from(k: &Key) -> Self {
        k.clone()
    }
}
impl From<Box<str>> for Key {
    fn from(s: Box<str>) -> Self {
        Key::shared(Arc::from(s))
    }
}

/// An ordered list of key/value pairs with unique keys (OTLP attributes). Small, so a Vec beats a map.
///
/// A 128-bit summary of the keys present (two bits per key, from its [`key_hash`]) answers most
/// misses without a scan: a lookup of an absent name (processors read several alternative names per
/// record) and the uniqueness check of an insert of a new key are then one mask test instead of a
/// comparison with every key. When the summary cannot rule a name out, the scan compares each key's
/// cached hash first and reads a key's name only when the hashes agree.
///
/// The summary is two `u64`s rather than a `u128`: a `u128` is 16-byte aligned, which made every
/// [`Value`] (it holds an `Attributes` in `Value::Map`) 48 bytes and every pair 80; now they are
/// 40 and 64, a cache line a pair.
///
/// The pairs are `ManuallyDrop`, so dropping a list runs no code per pair: [`Drop`] drops only the
/// pairs that own memory (a key shared by reference count, a string longer than 24 bytes, ...),
/// found by an inline test, and the rest are freed with the list's buffer. Every path that takes a
/// pair out of the list (`remove`, `retain`, a replaced value) drops what it takes.
#[derive(PartialEq, Default)]
pub struct Attributes {
    pairs: Vec<ManuallyDrop<(Key, Value)>>,
    present: [u64; 2],
}

impl std::fmt::Debug for Attributes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs: Vec<&(Key, Value)> = self.pairs.iter().map(|p| &**p).collect();
        f.debug_struct("Attributes").field("pairs", &pairs).field("present", &self.present).finish()
    }
}

/// What a pair that owns memory is replaced with when it is dropped in place.
#[inline(always)]
fn placeholder() -> (Key, Value) {
    (Key::from_static(""), Value::Bool(false))
}

/// Most room a copy keeps for keys the processors add.
const CLONE_HEADROOM: usize = 16;

/// A copy keeps the original's room to grow (up to [`CLONE_HEADROOM`] more keys): records are
/// built with room for the attributes processors add, and `Vec::clone` would drop it, so the first
/// processor to add a key to a copy (a fan-out to two pipelines) would move the whole list.
impl Clone for Attributes {
    fn clone(&self) -> Self {
        let room = self.pairs.capacity().min(self.pairs.len() + CLONE_HEADROOM);
        let mut pairs = Vec::with_capacity(room);
        pairs.extend(self.pairs.iter().cloned());
        Attributes { pairs, present: self.present }
    }
}

/// Whether dropping the pair frees nothing: a key written in the code and a scalar or inline string.
#[inline(always)]
fn owns_nothing((k, v): &(Key, Value)) -> bool {
    matches!(k.0, KeyRepr::Static(..))
        && match v {
            Value::Str(s) => !s.is_heap_allocated(),
            Value::Bool(_) | Value::Int(_) | Value::Double(_) => true,
            _ => false,
        }
}

/// Most pairs own no memory, so only the others run their drop code: a record's list is dropped with
/// an inline test per pair, reading each pair where it lies (a sampler drops most of the records it
/// sees; moving each pair out to test it was most of the cost).
impl Drop for Attributes {
    fn drop(&mut self) {
        for p in self.pairs.iter_mut() {
            if !owns_nothing(p) {
                drop(std::mem::replace(&mut **p, placeholder()));
            }
        }
        // The Vec frees its buffer; its `ManuallyDrop` pairs run no code.
    }
}

/// The summary bits of a key hash: two of 128 (a Bloom filter), as (word, bit) positions. Two bits
/// rather than one halve the lookups of absent names that end in a scan.
#[inline(always)]
fn summary_bits(h: u32) -> [(usize, u32); 2] {
    [(((h >> 6) & 1) as usize, h & 63), (((h >> 13) & 1) as usize, (h >> 7) & 63)]
}

impl Attributes {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn with_capacity(n: usize) -> Self {
        Self { pairs: Vec::with_capacity(n), present: [0; 2] }
    }
    /// Whether the summary says a key of hash `h` may be present.
    #[inline(always)]
    fn may_hold(&self, h: u32) -> bool {
        let [(w0, b0), (w1, b1)] = summary_bits(h);
        (self.present[w0] >> b0) & (self.present[w1] >> b1) & 1 != 0
    }
    #[inline(always)]
    fn note(&mut self, h: u32) {
        for (w, b) in summary_bits(h) {
            self.present[w] |= 1 << b;
        }
    }
    /// The position of `key` (hash `h`). Inlined, so a caller's literal name is hashed at compile
    /// time and an absent one costs the summary test; the scan is not.
    #[inline(always)]
    fn position(&self, key: &str, h: u32) -> Option<usize> {
        if !self.may_hold(h) {
            return None;
        }
        self.scan(key, h)
    }
    #[inline(never)]
    fn scan(&self, key: &str, h: u32) -> Option<usize> {
        self.pairs.iter().position(|p| p.0.hash_code() == h && p.0.as_str() == key)
    }
    /// The position of `key`: the same literal or shared name is found by its address, else by name.
    #[inline]
    fn position_of_key(&self, key: &Key) -> Option<usize> {
        let h = key.hash_code();
        if !self.may_hold(h) {
            return None;
        }
        self.pairs.iter().position(|p| p.0.hash_code() == h && p.0.same(key))
    }
    /// Sets `key` to `value`, replacing an existing value in place.
    pub fn insert(&mut self, key: impl Into<Key>, value: impl Into<Value>) {
        let key = key.into();
        let value = value.into();
        match self.position_of_key(&key) {
            Some(i) => self.pairs[i].1 = value,
            None => {
                self.note(key.hash_code());
                self.pairs.push(ManuallyDrop::new((key, value)));
            }
        }
    }
    /// Sets every pair of `other`, in its order, as [`Attributes::insert`] would one by one: a block
    /// prepared once (a query's context) is added to many records with one call and one growth,
    /// without converting keys and values per record.
    pub fn insert_all(&mut self, other: &Attributes) {
        self.pairs.reserve(other.pairs.len());
        for p in &other.pairs {
            let (k, v) = &**p;
            match self.position_of_key(k) {
                Some(i) => self.pairs[i].1 = v.clone(),
                None => {
                    self.note(k.hash_code());
                    self.pairs.push(ManuallyDrop::new((k.clone(), v.clone())));
                }
            }
        }
    }
    #[inline(always)]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key, key_hash(key)).map(|i| &self.pairs[i].1)
    }
    /// The value of `key`, found by the hash the key carries (the name is not hashed again): for a
    /// name a processor reads on every record, kept as a [`Key`].
    #[inline]
    pub fn get_key(&self, key: &Key) -> Option<&Value> {
        self.position_of_key(key).map(|i| &self.pairs[i].1)
    }
    /// The position and pair of the key of hash `h` (its [`key_hash`]) for which `is` holds: the
    /// summary rules an absent hash out without a scan, and `is` is asked only about keys of that
    /// hash. For a processor that recognises a name by more than its text (the address of a literal
    /// it has seen before) and remembers the key it found, or where (see [`Attributes::get_index`]).
    #[inline(always)]
    pub fn find_by_hash(&self, h: u32, mut is: impl FnMut(&Key) -> bool) -> Option<(usize, &Key, &Value)> {
        if !self.may_hold(h) {
            return None;
        }
        let i = self.pairs.iter().position(|p| p.0.hash_code() == h && is(&p.0))?;
        let p = &self.pairs[i];
        Some((i, &p.0, &p.1))
    }
    /// The pair at position `i` (insertion order), as [`Attributes::iter_keys`] gives it.
    #[inline]
    pub fn get_index(&self, i: usize) -> Option<(&Key, &Value)> {
        self.pairs.get(i).map(|p| (&p.0, &p.1))
    }
    /// The value of `key`, to change in place.
    #[inline]
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.position(key, key_hash(key))?;
        Some(&mut self.pairs[i].1)
    }
    /// Room for `additional` more keys, so a processor adding many grows the list once.
    pub fn reserve(&mut self, additional: usize) {
        self.pairs.reserve(additional);
    }
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key, key_hash(key))?;
        let (_, v) = ManuallyDrop::into_inner(self.pairs.remove(i));
        self.resummarize();
        Some(v)
    }
    /// Keeps the pairs for which `keep` is true, in order; `keep` may change the value.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Value) -> bool) {
        self.pairs.retain_mut(|p| {
            let (k, v) = &mut **p;
            let kept = keep(k.as_str(), v);
            if !kept {
                // `retain` forgets what it removes (the pairs are `ManuallyDrop`): dropped here.
                drop(std::mem::replace(&mut **p, placeholder()));
            }
            kept
        });
        self.resummarize();
    }
    /// The same as [`Attributes::retain`] (the name `Vec` uses for a closure that may change values).
    pub fn retain_mut(&mut self, keep: impl FnMut(&str, &mut Value) -> bool) {
        self.retain(keep);
    }
    fn resummarize(&mut self) {
        self.present = [0; 2];
        for i in 0..self.pairs.len() {
            let h = self.pairs[i].0.hash_code();
            self.note(h);
        }
    }
    pub fn len(&self) -> usize {
        self.pairs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.pairs.iter().map(|p| (p.0.as_str(), &p.1))
    }
    /// The pairs with their keys as [`Key`]s (cheap to clone into another record).
    pub fn iter_keys(&self) -> impl Iterator<Item = (&Key, &Value)> {
        self.pairs.iter().map(|p| (&p.0, &p.1))
    }
    /// The values, to change in place (keys stay).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Value)> {
        self.pairs.iter_mut().map(|p| {
            let (k, v) = &mut **p;
            (k.as_str(), v)
        })
    }
}

impl<K: Into<Key>, V: Into<Value>> FromIterator<(K, V)> for Attributes {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut a = Attributes::new();
        for (k, v) in iter {
            a.insert(k, v);
        }
        a
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resource {
    pub attributes: Attributes,
}

/// The instrumentation scope: which component produced the data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scope {
    pub name: String,
    pub version: String,
    pub attributes: Attributes,
}

// ---------------------------------------------------------------------------------------------
// Metrics

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metrics {
    pub resource_metrics: Vec<ResourceMetrics>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceMetrics {
    pub resource: Resource,
    pub scope_metrics: Vec<ScopeMetrics>,
    pub schema_url: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScopeMetrics {
    pub scope: Scope,
    pub metrics: Vec<Metric>,
    pub schema_url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: String,
    pub description: String,
    pub unit: String,
    pub data: MetricData,
}

/// Aggregation temporality, kept apart from the metric kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Temporality {
    Delta,
    Cumulative,
}

/// The metric kind with its points. Monotonicity and temporality belong to sums and histograms only.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricData {
    Gauge(Vec<NumberDataPoint>),
    Sum { points: Vec<NumberDataPoint>, temporality: Temporality, monotonic: bool },
    Histogram { points: Vec<HistogramDataPoint>, temporality: Temporality },
    Summary(Vec<SummaryDataPoint>),
}

impl MetricData {
    pub fn point_count(&self) -> usize {
        match self {
            MetricData::Gauge(p) => p.len(),
            MetricData::Sum { points, .. } => points.len(),
            MetricData::Histogram { points, .. } => points.len(),
            MetricData::Summary(p) => p.len(),
        }
    }
    pub fn kind_name(&self) -> &'static str {
        match self {
            MetricData::Gauge(_) => "Gauge",
            MetricData::Sum { .. } => "Sum",
            MetricData::Histogram { .. } => "Histogram",
            MetricData::Summary(_) => "Summary",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumberValue {
    Int(i64),
    Double(f64),
}

impl NumberValue {
    pub fn as_f64(self) -> f64 {
        match self {
            NumberValue::Int(i) => i as f64,
            NumberValue::Double(d) => d,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NumberDataPoint {
    pub attributes: Attributes,
    pub start_time_unix_nano: u64,
    pub time_unix_nano: u64,
    pub value: NumberValue,
    pub flags: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistogramDataPoint {
    pub attributes: Attributes,
    pub start_time_unix_nano: u64,
    pub time_unix_nano: u64,
    pub count: u64,
    pub sum: Option<f64>,
    /// `explicit_bounds.len() + 1` counts, or empty.
    pub bucket_counts: Vec<u64>,
    pub explicit_bounds: Vec<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub flags: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantileValue {
    pub quantile: f64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SummaryDataPoint {
    pub attributes: Attributes,
    pub start_time_unix_nano: u64,
    pub time_unix_nano: u64,
    pub count: u64,
    pub sum: f64,
    pub quantile_values: Vec<QuantileValue>,
    pub flags: u32,
}

impl Metrics {
    /// Number of data points, the unit in which metrics are counted in self-telemetry (as in OTel).
    pub fn data_point_count(&self) -> usize {
        self.resource_metrics
            .iter()
            .flat_map(|rm| &rm.scope_metrics)
            .flat_map(|sm| &sm.metrics)
            .map(|m| m.data.point_count())
            .sum()
    }
    pub fn is_empty(&self) -> bool {
        self.data_point_count() == 0
    }
}

// ---------------------------------------------------------------------------------------------
// Logs

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Logs {
    pub resource_logs: Vec<ResourceLogs>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceLogs {
    pub resource: Resource,
    pub scope_logs: Vec<ScopeLogs>,
    pub schema_url: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScopeLogs {
    pub scope: Scope,
    pub log_records: Vec<LogRecord>,
    pub schema_url: String,
}

/// OTLP severity numbers (1-24); 0 means unspecified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct SeverityNumber(pub i32);

impl SeverityNumber {
    pub const UNSPECIFIED: Self = Self(0);
    pub const TRACE: Self = Self(1);
    pub const DEBUG: Self = Self(5);
    pub const INFO: Self = Self(9);
    pub const WARN: Self = Self(13);
    pub const ERROR: Self = Self(17);
    pub const FATAL: Self = Self(21);
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogRecord {
    pub time_unix_nano: u64,
    pub observed_time_unix_nano: u64,
    pub severity_number: SeverityNumber,
    pub severity_text: CompactString,
    pub body: Option<Value>,
    pub attributes: Attributes,
    /// OTLP `event_name`, e.g. `db.server.top_query`; empty for plain logs. Inline up to 24 bytes
    /// (every event name we emit), so a record's name costs no allocation.
    pub event_name: CompactString,
    pub trace_id: Option<[u8; 16]>,
    pub span_id: Option<[u8; 8]>,
    pub flags: u32,
}

impl Logs {
    pub fn log_record_count(&self) -> usize {
        self.resource_logs.iter().flat_map(|rl| &rl.scope_logs).map(|sl| sl.log_records.len()).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.log_record_count() == 0
    }
}

// ---------------------------------------------------------------------------------------------
// Traces

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Traces {
    pub resource_spans: Vec<ResourceSpans>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceSpans {
    pub resource: Resource,
    pub scope_spans: Vec<ScopeSpans>,
    pub schema_url: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScopeSpans {
    pub scope: Scope,
    pub spans: Vec<Span>,
    pub schema_url: String,
}

/// OTLP `Span.SpanKind` (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer).
/// A number outside that range from a peer is kept as it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct SpanKind(pub i32);

impl SpanKind {
    pub const UNSPECIFIED: Self = Self(0);
    pub const INTERNAL: Self = Self(1);
    pub const SERVER: Self = Self(2);
    pub const CLIENT: Self = Self(3);
    pub const PRODUCER: Self = Self(4);
    pub const CONSUMER: Self = Self(5);

    /// The proto enum name (`SPAN_KIND_SERVER`), as the Collector's span matchers compare it.
    pub fn proto_name(self) -> &'static str {
        match self.0 {
            1 => "SPAN_KIND_INTERNAL",
            2 => "SPAN_KIND_SERVER",
            3 => "SPAN_KIND_CLIENT",
            4 => "SPAN_KIND_PRODUCER",
            5 => "SPAN_KIND_CONSUMER",
            _ => "SPAN_KIND_UNSPECIFIED",
        }
    }
}

/// OTLP `Status.StatusCode` (0 unset, 1 ok, 2 error); other numbers from a peer are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct StatusCode(pub i32);

impl StatusCode {
    pub const UNSET: Self = Self(0);
    pub const OK: Self = Self(1);
    pub const ERROR: Self = Self(2);
}

/// A span's status. `None` on the span when the peer sent none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpanStatus {
    pub message: String,
    pub code: StatusCode,
}

/// A time-stamped event on a span.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpanEvent {
    pub time_unix_nano: u64,
    pub name: String,
    pub attributes: Attributes,
    pub dropped_attributes_count: u32,
}

/// A link from a span to a span of the same or another trace. Ids are kept as bytes exactly as
/// they came (OTLP requires 16 and 8 bytes; a peer that sends other lengths gets them back).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpanLink {
    pub trace_id: Vec<u8>,
    pub span_id: Vec<u8>,
    pub trace_state: String,
    pub attributes: Attributes,
    pub dropped_attributes_count: u32,
    pub flags: u32,
}

/// One span (OTLP `Span`). dbintel passes spans through (it is the gateway for the applications
/// whose queries it watches): ids are bytes kept exactly as received, so a `traceparent` that a
/// query sample carries keeps pointing at the span it names.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Span {
    pub trace_id: Vec<u8>,
    pub span_id: Vec<u8>,
    pub trace_state: String,
    /// Empty for a root span.
    pub parent_span_id: Vec<u8>,
    pub flags: u32,
    pub name: String,
    pub kind: SpanKind,
    pub start_time_unix_nano: u64,
    pub end_time_unix_nano: u64,
    pub attributes: Attributes,
    pub dropped_attributes_count: u32,
    pub events: Vec<SpanEvent>,
    pub dropped_events_count: u32,
    pub links: Vec<SpanLink>,
    pub dropped_links_count: u32,
    pub status: Option<SpanStatus>,
}

impl Traces {
    /// Number of spans, the unit in which traces are counted in self-telemetry (as in OTel).
    pub fn span_count(&self) -> usize {
        self.resource_spans.iter().flat_map(|rs| &rs.scope_spans).map(|ss| ss.spans.len()).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.span_count() == 0
    }
}

/// One unit of data moving through a pipeline.
#[derive(Debug, Clone, PartialEq)]
pub enum SignalData {
    Metrics(Metrics),
    Logs(Logs),
    Traces(Traces),
}

impl SignalData {
    /// How many variants there are; must equal `Signal::COUNT` (checked by a test in `ids`).
    pub const VARIANTS: usize = 3;

    /// An empty batch of `signal`.
    pub fn empty(signal: crate::Signal) -> Self {
        match signal {
            crate::Signal::Metrics => SignalData::Metrics(Metrics::default()),
            crate::Signal::Logs => SignalData::Logs(Logs::default()),
            crate::Signal::Traces => SignalData::Traces(Traces::default()),
        }
    }

    pub fn signal(&self) -> crate::Signal {
        match self {
            SignalData::Metrics(_) => crate::Signal::Metrics,
            SignalData::Logs(_) => crate::Signal::Logs,
            SignalData::Traces(_) => crate::Signal::Traces,
        }
    }
    /// Items in OTel's units: metric data points, log records or spans.
    pub fn item_count(&self) -> usize {
        match self {
            SignalData::Metrics(m) => m.data_point_count(),
            SignalData::Logs(l) => l.log_record_count(),
            SignalData::Traces(t) => t.span_count(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.item_count() == 0
    }
    /// Moves the resources of `other` to the end of `self`. Gives `other` back when it is of
    /// another signal.
    pub fn append(&mut self, other: SignalData) -> Result<(), SignalData> {
        match (self, other) {
            (SignalData::Metrics(acc), SignalData::Metrics(m)) => {
                acc.resource_metrics.extend(m.resource_metrics)
            }
            (SignalData::Logs(acc), SignalData::Logs(l)) => acc.resource_logs.extend(l.resource_logs),
            (SignalData::Traces(acc), SignalData::Traces(t)) => acc.resource_spans.extend(t.resource_spans),
            (_, other) => return Err(other),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_keep_keys_unique_and_ordered() {
        let mut a = Attributes::new();
        a.insert("b", 1i64);
        a.insert("a", "x");
        a.insert("b", 2i64);
        let keys: Vec<&str> = a.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(a.get("b"), Some(&Value::Int(2)));
        assert_eq!(a.remove("b"), Some(Value::Int(2)));
        assert_eq!(a.len(), 1);
    }

    #[test]
    fn a_copy_keeps_room_to_grow_and_equals_the_original() {
        let mut a = Attributes::with_capacity(32);
        a.insert("x", 1i64);
        a.insert("y", "z");
        let c = a.clone();
        assert_eq!(c, a);
        assert_eq!(c.pairs.capacity(), 2 + CLONE_HEADROOM);
        let mut tight = Attributes::new();
        tight.insert("x", 1i64);
        let t = tight.clone();
        assert!(t.pairs.capacity() <= tight.pairs.capacity());
        assert_eq!(t.get("x"), Some(&Value::Int(1)));
    }

    #[test]
    fn the_key_summary_never_hides_a_key() {
        // 300 distinct names (17 x 23 > 300), a removal and a retain: every present key is found,
        // every absent one is not.
        let names: Vec<String> =
            (0..300).map(|i| format!("attr.{}.{}", i % 17, "x".repeat(i % 23))).collect();
        let mut a = Attributes::new();
        for (i, n) in names.iter().enumerate() {
            a.insert(n, i as i64);
        }
        a.remove(&names[5]);
        a.retain(|k, _| !k.ends_with("xxx"));
        for (i, n) in names.iter().enumerate() {
            let expect_present = i != 5 && !n.ends_with("xxx");
            assert_eq!(a.get(n).is_some(), expect_present, "{n}");
        }
        assert!(a.get("absent.key").is_none());
        let before = a.len();
        a.insert(names[0].clone(), "again");
        assert_eq!(a.len(), before, "an insert of a present key replaces it");
    }

    #[test]
    fn keys_carry_their_name_hash_in_three_words() {
        // Compile-time and run-time hashes agree, for every length class of the hash.
        const STATIC: Key = Key::from_static("postgresql.total_exec_time");
        assert_eq!(STATIC.hash_code(), key_hash(&String::from("postgresql.total_exec_time")));
        for n in 0..40 {
            let name: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            let shared = Key::from(name.clone());
            assert_eq!(shared.hash_code(), key_hash(&name), "{n}");
            assert!(shared.same(&Key::from(name.clone())));
            assert_eq!(shared, Key::from(name));
        }
        assert_eq!(std::mem::size_of::<Key>(), 24);
        assert_eq!(std::mem::size_of::<Value>(), 40);
        assert_eq!(std::mem::size_of::<(Key, Value)>(), 64);
    }

    #[test]
    fn every_way_a_pair_leaves_a_list_frees_it() {
        // A shared key's reference count tells whether the pairs holding it were dropped.
        let name: Arc<str> = Arc::from("shared.key.name");
        let count = || Arc::strong_count(&name);
        let long = "a string value longer than the 24 inline bytes";
        let mut a = Attributes::new();
        a.insert(&name, long);
        a.insert("static.key", long);
        let copy = a.clone();
        assert_eq!(count(), 3);
        assert_eq!(a.remove(&name), Some(Value::from(long)));
        assert_eq!(count(), 2, "remove");
        drop(copy);
        assert_eq!(count(), 1, "drop");
        let mut b = Attributes::new();
        b.insert(&name, 1i64);
        b.insert(Key::from(String::from("other")), long);
        b.retain(|k, _| k != "shared.key.name");
        assert_eq!(count(), 1, "retain");
        assert_eq!(b.get("other"), Some(&Value::from(long)));
        let mut block = Attributes::new();
        block.insert(&name, 2i64);
        b.insert_all(&block);
        b.insert_all(&block);
        assert_eq!(count(), 3, "one pair in b, one in block");
        drop((b, block));
        assert_eq!(count(), 1, "insert_all and drop");
        let mut nested = Attributes::new();
        let mut inner = Attributes::new();
        inner.insert(&name, long);
        nested.insert("map", Value::Map(inner));
        assert_eq!(count(), 2);
        drop(nested);
        assert_eq!(count(), 1, "a list inside a value");
    }

    #[test]
    fn names_with_the_same_hash_stay_apart() {
        // Two different names with one hash (found by search: 32 bits collide within ~100k names).
        let mut seen: std::collections::HashMap<u32, String> = std::collections::HashMap::new();
        let mut pair = None;
        for i in 0..2_000_000u32 {
            let name = format!("attr.{i}");
            if let Some(other) = seen.insert(key_hash(&name), name.clone()) {
                pair = Some((other, name));
                break;
            }
        }
        let (a, b) = pair.expect("a 32-bit hash collides within 2M names");
        assert_ne!(a, b);
        let mut attrs = Attributes::new();
        attrs.insert(a.clone(), 1i64);
        assert!(attrs.get(&b).is_none(), "the same hash is not the same name");
        attrs.insert(b.clone(), 2i64);
        assert_eq!(attrs.len(), 2);
        assert_eq!((attrs.get(&a), attrs.get(&b)), (Some(&Value::Int(1)), Some(&Value::Int(2))));
        let mut block = Attributes::new();
        block.insert(b.clone(), 3i64);
        attrs.insert_all(&block);
        assert_eq!(attrs.len(), 2);
        assert_eq!((attrs.get(&a), attrs.get(&b)), (Some(&Value::Int(1)), Some(&Value::Int(3))));
        assert_eq!(attrs.get_key(&Key::from(b.clone())), Some(&Value::Int(3)));
        // find_by_hash asks its predicate only about keys of the hash, and gives the key it found.
        let h = key_hash(&b);
        let mut asked = Vec::new();
        let found = attrs.find_by_hash(h, |k| {
            asked.push(k.as_str().to_string());
            k.as_str() == b
        });
        assert_eq!(found.map(|(i, k, v)| (i, k.as_str(), v)), Some((1, b.as_str(), &Value::Int(3))));
        assert_eq!(asked, [a.clone(), b.clone()], "both names of the hash, in order");
        assert!(attrs.find_by_hash(h, |_| false).is_none());
        assert!(attrs.find_by_hash(key_hash("absent.name"), |_| true).is_none());
        assert!(!Key::from(a.clone()).same(&Key::from(b.clone())));
        assert_ne!(Key::from(a.clone()), Key::from(b));
        assert_eq!(attrs.remove(&a), Some(Value::Int(1)));
        assert!(attrs.get(&a).is_none());
    }

    #[test]
    fn insert_all_is_insert_one_by_one() {
        let mut block = Attributes::new();
        block.insert("c", 3i64);
        block.insert("a", "new");
        block.insert("d", true);
        let mut a: Attributes = [("a", Value::from("old")), ("b", Value::Int(2))].into_iter().collect();
        let mut one_by_one = a.clone();
        a.insert_all(&block);
        for (k, v) in block.iter_keys() {
            one_by_one.insert(k, v.clone());
        }
        assert_eq!(a, one_by_one);
        let kv: Vec<(&str, &Value)> = a.iter().collect();
        assert_eq!(
            kv,
            [
                ("a", &Value::from("new")),
                ("b", &Value::Int(2)),
                ("c", &Value::Int(3)),
                ("d", &Value::Bool(true))
            ]
        );
        // The summary knows the added keys.
        assert_eq!(a.get("d"), Some(&Value::Bool(true)));
        a.insert("d", false);
        assert_eq!(a.len(), 4);
    }

    #[test]
    fn attributes_change_in_place_and_retain_in_order() {
        let mut a: Attributes = [("a", 1i64), ("b", 2), ("c", 3)].into_iter().collect();
        for (_, v) in a.iter_mut() {
            if let Value::Int(i) = v {
                *i *= 10;
            }
        }
        a.retain_mut(|k, v| k != "b" && *v != Value::Int(0));
        let kv: Vec<(&str, &Value)> = a.iter().collect();
        assert_eq!(kv, [("a", &Value::Int(10)), ("c", &Value::Int(30))]);
        assert!(a.get("b").is_none());
    }

    #[test]
    fn counts_items_in_otel_units() {
        let point = NumberDataPoint {
            attributes: Attributes::new(),
            start_time_unix_nano: 0,
            time_unix_nano: 1,
            value: NumberValue::Int(3),
            flags: 0,
        };
        let m = Metrics {
            resource_metrics: vec![ResourceMetrics {
                scope_metrics: vec![ScopeMetrics {
                    metrics: vec![Metric {
                        name: "x".into(),
                        description: String::new(),
                        unit: "1".into(),
                        data: MetricData::Gauge(vec![point.clone(), point]),
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        };
        assert_eq!(SignalData::Metrics(m).item_count(), 2);
        let t = Traces {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![
                    ScopeSpans { spans: vec![Span::default(), Span::default()], ..Default::default() },
                    ScopeSpans { spans: vec![Span::default()], ..Default::default() },
                ],
                ..Default::default()
            }],
        };
        let mut data = SignalData::Traces(t.clone());
        assert_eq!(data.item_count(), 3);
        assert!(data.append(SignalData::Traces(t)).is_ok());
        assert_eq!(data.item_count(), 6);
        assert!(data.append(SignalData::Logs(Logs::default())).is_err(), "signals do not mix");
        assert_eq!(SpanKind::SERVER.proto_name(), "SPAN_KIND_SERVER");
        assert_eq!(SpanKind(42).proto_name(), "SPAN_KIND_UNSPECIFIED");
    }
}
