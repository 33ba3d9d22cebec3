//! The telemetry data model: OTLP's structure (resource -> scope -> metric or log record) in plain Rust
//! types. Wire formats (OTLP protobuf, OTLP-JSON, Prometheus text) are produced only by exporters.

use std::time::{SystemTime, UNIX_EPOCH};

/// Nanoseconds since the Unix epoch, the OTLP timestamp unit.
pub fn now_unix_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// An attribute or body value (OTLP `AnyValue`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
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
            Value::Str(s) => s.clone(),
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
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
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

/// An ordered list of key/value pairs with unique keys (OTLP attributes). Small, so a Vec beats a map.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attributes(Vec<(String, Value)>);

impl Attributes {
    pub fn new() -> Self {
        Self(Vec::new())
    }
    pub fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }
    /// Sets `key` to `value`, replacing an existing value in place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        let key = key.into();
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    /// Room for `additional` more keys, so a processor adding many grows the list once.
    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let pos = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(pos).1)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Attributes {
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
    pub severity_text: String,
    pub body: Option<Value>,
    pub attributes: Attributes,
    /// OTLP `event_name`, e.g. `db.server.top_query`; empty for plain logs.
    pub event_name: String,
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

/// One unit of data moving through a pipeline.
#[derive(Debug, Clone, PartialEq)]
pub enum SignalData {
    Metrics(Metrics),
    Logs(Logs),
}

impl SignalData {
    /// How many variants there are; must equal `Signal::COUNT` (checked by a test in `ids`).
    pub const VARIANTS: usize = 2;

    /// An empty batch of `signal`.
    pub fn empty(signal: crate::Signal) -> Self {
        match signal {
            crate::Signal::Metrics => SignalData::Metrics(Metrics::default()),
            crate::Signal::Logs => SignalData::Logs(Logs::default()),
        }
    }

    pub fn signal(&self) -> crate::Signal {
        match self {
            SignalData::Metrics(_) => crate::Signal::Metrics,
            SignalData::Logs(_) => crate::Signal::Logs,
        }
    }
    /// Items in OTel's units: metric data points or log records.
    pub fn item_count(&self) -> usize {
        match self {
            SignalData::Metrics(m) => m.data_point_count(),
            SignalData::Logs(l) => l.log_record_count(),
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
    }
}
