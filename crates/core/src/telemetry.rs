//! Self-telemetry: counters, gauges and histograms registered by components, read as a snapshot.
//! The snapshot is a neutral model (families of samples); the telemetry server maps it onto
//! `dbintel_otlp::prometheus`, the renderer the `prometheus` exporter uses (not here: the core knows
//! no wire format). Handles are cheap atomics, so hot paths never take a lock.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub type Labels = Vec<(String, String)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentKind {
    Counter,
    Gauge,
    Histogram,
}

/// A monotonic counter.
#[derive(Clone, Default, Debug)]
pub struct Counter(Arc<AtomicU64>);

impl Counter {
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub fn inc(&self) {
        self.add(1);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that goes up and down.
#[derive(Clone, Default, Debug)]
pub struct Gauge(Arc<AtomicI64>);

impl Gauge {
    pub fn set(&self, v: i64) {
        self.0.store(v, Ordering::Relaxed);
    }
    pub fn add(&self, v: i64) {
        self.0.fetch_add(v, Ordering::Relaxed);
    }
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A fixed-bucket histogram (cumulative buckets computed at snapshot time).
#[derive(Clone, Debug)]
pub struct Histogram(Arc<HistogramInner>);

#[derive(Debug)]
struct HistogramInner {
    bounds: Vec<f64>,
    counts: Vec<AtomicU64>,
    /// Sum in micro-units to keep it atomic; precise enough for durations in seconds.
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn new(bounds: &[f64]) -> Self {
        let counts = (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect();
        Histogram(Arc::new(HistogramInner {
            bounds: bounds.to_vec(),
            counts,
            sum_micros: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }))
    }
    pub fn record(&self, v: f64) {
        let v = if v.is_finite() && v > 0.0 { v } else { 0.0 };
        let idx = self.0.bounds.iter().position(|b| v <= *b).unwrap_or(self.0.bounds.len());
        if let Some(c) = self.0.counts.get(idx) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        self.0.sum_micros.fetch_add((v * 1e6) as u64, Ordering::Relaxed);
        self.0.count.fetch_add(1, Ordering::Relaxed);
    }
    pub fn count(&self) -> u64 {
        self.0.count.load(Ordering::Relaxed)
    }
}

/// Buckets for durations in seconds, from 1 ms to 60 s.
pub const DURATION_BUCKETS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

#[derive(Debug, Clone, PartialEq)]
pub enum SampleValue {
    Counter(u64),
    Gauge(f64),
    Histogram { cumulative_buckets: Vec<(f64, u64)>, count: u64, sum: f64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    pub value: SampleValue,
}

/// All series of one metric name.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub name: String,
    pub help: String,
    pub unit: String,
    pub kind: InstrumentKind,
    pub samples: Vec<Sample>,
}

enum Instrument {
    Counter(Counter),
    Gauge(Gauge),
    GaugeFn(Box<dyn Fn() -> f64 + Send + Sync>),
    Histogram(Histogram),
}

struct Entry {
    name: String,
    help: String,
    unit: String,
    labels: Labels,
    instrument: Instrument,
}

/// The process-wide registry of self-telemetry instruments.
#[derive(Clone, Default)]
pub struct Registry {
    entries: Arc<Mutex<Vec<Entry>>>,
}

fn labels_of(labels: &[(&str, &str)]) -> Labels {
    labels.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    fn with_entries<R>(&self, f: impl FnOnce(&mut Vec<Entry>) -> R) -> R {
        let mut guard = match self.entries.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Returns the counter with this name and labels, creating it on first use.
    pub fn counter(&self, name: &str, help: &str, labels: &[(&str, &str)]) -> Counter {
        let labels = labels_of(labels);
        self.with_entries(|entries| {
            for e in entries.iter() {
                if e.name == name
                    && e.labels == labels
                    && let Instrument::Counter(c) = &e.instrument
                {
                    return c.clone();
                }
            }
            let c = Counter::default();
            entries.push(Entry {
                name: name.to_string(),
                help: help.to_string(),
                unit: String::new(),
                labels,
                instrument: Instrument::Counter(c.clone()),
            });
            c
        })
    }

    pub fn gauge(&self, name: &str, help: &str, labels: &[(&str, &str)]) -> Gauge {
        let labels = labels_of(labels);
        self.with_entries(|entries| {
            for e in entries.iter() {
                if e.name == name
                    && e.labels == labels
                    && let Instrument::Gauge(g) = &e.instrument
                {
                    return g.clone();
                }
            }
            let g = Gauge::default();
            entries.push(Entry {
                name: name.to_string(),
                help: help.to_string(),
                unit: String::new(),
                labels,
                instrument: Instrument::Gauge(g.clone()),
            });
            g
        })
    }

    /// A gauge read by calling `f` at snapshot time (queue lengths, process memory).
    pub fn gauge_fn(
        &self,
        name: &str,
        help: &str,
        labels: &[(&str, &str)],
        f: impl Fn() -> f64 + Send + Sync + 'static,
    ) {
        let labels = labels_of(labels);
        self.with_entries(|entries| {
            entries.retain(|e| !(e.name == name && e.labels == labels));
            entries.push(Entry {
                name: name.to_string(),
                help: help.to_string(),
                unit: String::new(),
                labels,
                instrument: Instrument::GaugeFn(Box::new(f)),
            });
        });
    }

    pub fn histogram(
        &self,
        name: &str,
        help: &str,
        unit: &str,
        labels: &[(&str, &str)],
        bounds: &[f64],
    ) -> Histogram {
        let labels = labels_of(labels);
        self.with_entries(|entries| {
            for e in entries.iter() {
                if e.name == name
                    && e.labels == labels
                    && let Instrument::Histogram(h) = &e.instrument
                {
                    return h.clone();
                }
            }
            let h = Histogram::new(bounds);
            entries.push(Entry {
                name: name.to_string(),
                help: help.to_string(),
                unit: unit.to_string(),
                labels,
                instrument: Instrument::Histogram(h.clone()),
            });
            h
        })
    }

    /// The sum of the counter `name` over its samples whose labels include every pair of `labels`
    /// (0 if there is none): what tests and tools read back.
    pub fn counter_total(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        self.snapshot()
            .into_iter()
            .filter(|f| f.name == name)
            .flat_map(|f| f.samples)
            .filter(|s| labels.iter().all(|(k, v)| s.labels.iter().any(|(sk, sv)| sk == k && sv == v)))
            .map(|s| match s.value {
                SampleValue::Counter(c) => c,
                _ => 0,
            })
            .sum()
    }

    /// Current values, grouped by metric name in registration order.
    pub fn snapshot(&self) -> Vec<Family> {
        self.with_entries(|entries| {
            let mut families: Vec<Family> = Vec::new();
            for e in entries.iter() {
                let (kind, value) = match &e.instrument {
                    Instrument::Counter(c) => (InstrumentKind::Counter, SampleValue::Counter(c.get())),
                    Instrument::Gauge(g) => (InstrumentKind::Gauge, SampleValue::Gauge(g.get() as f64)),
                    Instrument::GaugeFn(f) => (InstrumentKind::Gauge, SampleValue::Gauge(f())),
                    Instrument::Histogram(h) => {
                        let mut acc = 0;
                        let mut cumulative = Vec::with_capacity(h.0.bounds.len() + 1);
                        for (i, c) in h.0.counts.iter().enumerate() {
                            acc += c.load(Ordering::Relaxed);
                            let bound = h.0.bounds.get(i).copied().unwrap_or(f64::INFINITY);
                            cumulative.push((bound, acc));
                        }
                        (
                            InstrumentKind::Histogram,
                            SampleValue::Histogram {
                                cumulative_buckets: cumulative,
                                count: h.count(),
                                sum: h.0.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
                            },
                        )
                    }
                };
                let sample = Sample { labels: e.labels.clone(), value };
                match families.iter_mut().find(|f| f.name == e.name) {
                    Some(f) => f.samples.push(sample),
                    None => families.push(Family {
                        name: e.name.clone(),
                        help: e.help.clone(),
                        unit: e.unit.clone(),
                        kind,
                        samples: vec![sample],
                    }),
                }
            }
            families
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instruments_are_shared_by_name_and_labels() {
        let r = Registry::new();
        let a = r.counter("otelcol_receiver_accepted_metric_points", "h", &[("receiver", "sqlquery")]);
        let b = r.counter("otelcol_receiver_accepted_metric_points", "h", &[("receiver", "sqlquery")]);
        let c = r.counter("otelcol_receiver_accepted_metric_points", "h", &[("receiver", "other")]);
        a.add(2);
        b.add(3);
        c.inc();
        let snap = r.snapshot();
        assert_eq!(snap.len(), 1);
        assert_eq!(snap[0].samples.len(), 2);
        assert_eq!(snap[0].samples[0].value, SampleValue::Counter(5));
    }

    #[test]
    fn histogram_buckets_are_cumulative() {
        let r = Registry::new();
        let h = r.histogram("d", "h", "s", &[], &[0.1, 1.0]);
        h.record(0.05);
        h.record(0.5);
        h.record(5.0);
        let snap = r.snapshot();
        match &snap[0].samples[0].value {
            SampleValue::Histogram { cumulative_buckets, count, .. } => {
                assert_eq!(*count, 3);
                assert_eq!(cumulative_buckets[0], (0.1, 1));
                assert_eq!(cumulative_buckets[1], (1.0, 2));
                assert_eq!(cumulative_buckets[2].1, 3);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
