//! `temporality_preference: delta`: monotonic cumulative sums become delta sums before export, as
//! New Relic prefers ("generally a delta metrics system"). Non-monotonic sums (up/down counters),
//! gauges, histograms and summaries are left as they are.
//!
//! Per series (resource + scope + metric name + point attributes) the last cumulative value and its
//! time are kept in a bounded map. The first point of a series yields nothing (there is no previous
//! value); each later point yields `value - previous` over `[previous time, time]`. A decrease, or a
//! later start time, is a counter reset: the new value is emitted as a delta from 0 over
//! `[start time, time]`. Points not newer than the stored one are dropped. When the map is full,
//! the least recently seen series is evicted (counted); an evicted series starts over.

use std::hash::{BuildHasher, Hash, Hasher};

use dbintel_core::cache::BoundedCache;
use dbintel_core::pdata::{Attributes, Metric, MetricData, Metrics, NumberValue, Temporality};
use dbintel_core::telemetry::Counter;
use serde::Deserialize;

/// `temporality_preference`: `cumulative` (default: send as produced) or `delta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TemporalityPreference {
    #[default]
    Cumulative,
    Delta,
}

#[derive(Debug, Clone, Copy)]
struct Last {
    value: NumberValue,
    start: u64,
    time: u64,
}

/// The cumulative-to-delta state of one exporter.
pub struct DeltaConverter {
    series: BoundedCache<u128, Last>,
    hashers: (std::hash::RandomState, std::hash::RandomState),
    evicted: Counter,
}

impl DeltaConverter {
    pub fn new(max_series: usize, evicted: Counter) -> Self {
        Self {
            series: BoundedCache::new(max_series, None),
            hashers: (std::hash::RandomState::new(), std::hash::RandomState::new()),
            evicted,
        }
    }

    pub fn len(&self) -> usize {
        self.series.len()
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Converts every monotonic cumulative sum in `metrics` in place; empties are removed.
    pub fn convert(&mut self, metrics: &mut Metrics) {
        for rm in &mut metrics.resource_metrics {
            let rkey = attrs_key(&rm.resource.attributes);
            for sm in &mut rm.scope_metrics {
                let skey = format!("{}\u{1}{}", sm.scope.name, sm.scope.version);
                for m in &mut sm.metrics {
                    self.convert_metric(&rkey, &skey, m);
                }
                sm.metrics.retain(|m| m.data.point_count() > 0);
            }
            rm.scope_metrics.retain(|sm| !sm.metrics.is_empty());
        }
        metrics.resource_metrics.retain(|rm| !rm.scope_metrics.is_empty());
    }

    fn convert_metric(&mut self, rkey: &str, skey: &str, m: &mut Metric) {
        let MetricData::Sum { points, temporality, monotonic } = &mut m.data else { return };
        if *temporality != Temporality::Cumulative || !*monotonic {
            return;
        }
        *temporality = Temporality::Delta;
        let name = m.name.clone();
        let taken = std::mem::take(points);
        for mut p in taken {
            let key = self.key(rkey, skey, &name, &p.attributes);
            let now = Last { value: p.value, start: p.start_time_unix_nano, time: p.time_unix_nano };
            let Some(prev) = self.series.get(&key).copied() else {
                self.insert(key, now);
                continue;
            };
            if p.time_unix_nano <= prev.time {
                // Out of order or duplicate: keep the newer stored point, drop this one.
                continue;
            }
            let reset_by_start = p.start_time_unix_nano != 0 && p.start_time_unix_nano > prev.start;
            let delta = match (p.value, prev.value) {
                (NumberValue::Int(v), NumberValue::Int(l)) if v >= l && !reset_by_start => {
                    Some(NumberValue::Int(v - l))
                }
                (NumberValue::Double(v), NumberValue::Double(l)) if v >= l && !reset_by_start => {
                    Some(NumberValue::Double(v - l))
                }
                _ => None,
            };
            match delta {
                Some(d) => {
                    p.value = d;
                    p.start_time_unix_nano = prev.time;
                }
                None => {
                    // A reset: the new value counts from 0 since its (new) start time.
                    if p.start_time_unix_nano == 0 || p.start_time_unix_nano >= p.time_unix_nano {
                        p.start_time_unix_nano = prev.time;
                    }
                }
            }
            self.insert(key, now);
            points.push(p);
        }
    }

    fn insert(&mut self, key: u128, last: Last) {
        self.series.insert(key, last);
        self.evicted.add(self.series.take_evictions());
    }

    fn key(&self, rkey: &str, skey: &str, name: &str, attrs: &Attributes) -> u128 {
        let mut a = self.hashers.0.build_hasher();
        let mut b = self.hashers.1.build_hasher();
        for h in [&mut a, &mut b] {
            rkey.hash(h);
            skey.hash(h);
            name.hash(h);
            let mut w = HashWriter(h);
            for (k, v) in attrs.iter() {
                use std::fmt::Write;
                let _ = write!(w, "{k}\u{1}{v:?}\u{2}");
            }
        }
        ((a.finish() as u128) << 64) | b.finish() as u128
    }
}

fn attrs_key(attrs: &Attributes) -> String {
    let mut s = String::new();
    for (k, v) in attrs.iter() {
        use std::fmt::Write;
        let _ = write!(s, "{k}\u{1}{v:?}\u{2}");
    }
    s
}

struct HashWriter<'a, H: Hasher>(&'a mut H);

impl<H: Hasher> std::fmt::Write for HashWriter<'_, H> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}
