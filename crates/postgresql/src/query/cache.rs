//! A small bounded cache with least-recently-used eviction and an optional time to live. Sizes here
//! are at most a few tens of thousands of entries and eviction is rare (a batch of about 1/8 of the
//! entries at a time), so a scan on eviction is cheaper than keeping a linked list.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug)]
struct Slot<V> {
    value: V,
    inserted: Instant,
    used: u64,
}

#[derive(Debug)]
pub struct BoundedCache<K, V> {
    map: HashMap<K, Slot<V>>,
    cap: usize,
    ttl: Option<Duration>,
    tick: u64,
    evictions: u64,
}

impl<K: Hash + Eq + Clone, V> BoundedCache<K, V> {
    pub fn new(cap: usize, ttl: Option<Duration>) -> Self {
        Self { map: HashMap::new(), cap: cap.max(1), ttl, tick: 0, evictions: 0 }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Entries evicted (for capacity or age) since the last call.
    pub fn take_evictions(&mut self) -> u64 {
        std::mem::take(&mut self.evictions)
    }

    /// The live value for `key`, refreshing its recency; expired values are removed.
    pub fn get(&mut self, key: &K, now: Instant) -> Option<&V> {
        let expired = match self.map.get(key) {
            None => return None,
            Some(slot) => self.ttl.is_some_and(|ttl| now.saturating_duration_since(slot.inserted) >= ttl),
        };
        if expired {
            self.map.remove(key);
            self.evictions += 1;
            return None;
        }
        self.tick += 1;
        let tick = self.tick;
        self.map.get_mut(key).map(|slot| {
            slot.used = tick;
            &slot.value
        })
    }

    pub fn insert(&mut self, key: K, value: V, now: Instant) {
        self.tick += 1;
        if !self.map.contains_key(&key) && self.map.len() >= self.cap {
            self.evict(now);
        }
        self.map.insert(key, Slot { value, inserted: now, used: self.tick });
    }

    fn evict(&mut self, now: Instant) {
        // Expired entries first; then the least recently used eighth.
        if let Some(ttl) = self.ttl {
            let before = self.map.len();
            self.map.retain(|_, s| now.saturating_duration_since(s.inserted) < ttl);
            self.evictions += (before - self.map.len()) as u64;
            if self.map.len() < self.cap {
                return;
            }
        }
        let batch = (self.cap / 8).max(1);
        let mut ticks: Vec<u64> = self.map.values().map(|s| s.used).collect();
        ticks.sort_unstable();
        let threshold = ticks.get(batch - 1).copied().unwrap_or(u64::MAX);
        let before = self.map.len();
        self.map.retain(|_, s| s.used > threshold);
        self.evictions += (before - self.map.len()) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_lru_with_ttl() {
        let t0 = Instant::now();
        let mut c = BoundedCache::new(8, Some(Duration::from_secs(10)));
        for i in 0..8 {
            c.insert(i, i * 10, t0);
        }
        assert_eq!(c.get(&0, t0), Some(&0)); // 0 is now the most recent
        c.insert(8, 80, t0);
        assert_eq!(c.len(), 8);
        assert_eq!(c.take_evictions(), 1);
        assert!(c.get(&1, t0).is_none(), "least recently used went first");
        assert!(c.get(&0, t0).is_some());
        assert!(c.get(&0, t0 + Duration::from_secs(10)).is_none(), "expired");
        assert_eq!(c.take_evictions(), 1);
        for i in 100..200 {
            c.insert(i, i, t0);
        }
        assert!(c.len() <= 8);
    }
}
