//! The one bounded cache every component uses for state keyed by data (plan caches, query texts,
//! delta-temporality series): least-recently-used eviction at a fixed capacity, an optional time to
//! live counted from insertion, and an eviction count for self-telemetry.
//!
//! Built on the `lru` crate (O(1) get, insert and eviction). Its map grows with use instead of being
//! allocated at full capacity up front, so a large cap on a quiet server costs nothing.

use std::hash::Hash;
use std::time::Duration;

use lru::LruCache;
use tokio::time::Instant;

#[derive(Debug)]
struct Entry<V> {
    value: V,
    /// When it expires (insertion + TTL), set when the cache has a TTL (no clock read otherwise):
    /// a lookup compares two instants instead of computing an age.
    expires: Option<Instant>,
}

/// A map with at most `cap` entries; inserting into a full cache evicts the least recently used
/// entry. With a TTL, an entry older than it is gone: `get` removes it, and [`expire`] sweeps them.
///
/// [`expire`]: BoundedCache::expire
#[derive(Debug)]
pub struct BoundedCache<K: Hash + Eq, V> {
    map: LruCache<K, Entry<V>>,
    cap: usize,
    ttl: Option<Duration>,
    evictions: u64,
}

impl<K: Hash + Eq, V> BoundedCache<K, V> {
    /// A cache of at most `cap` entries (at least 1), each living at most `ttl` if given.
    pub fn new(cap: usize, ttl: Option<Duration>) -> Self {
        Self { map: LruCache::unbounded(), cap: cap.max(1), ttl, evictions: 0 }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Entries evicted (for capacity or age) since the last call.
    pub fn take_evictions(&mut self) -> u64 {
        std::mem::take(&mut self.evictions)
    }

    fn expired(&self, entry: &Entry<V>, now: Instant) -> bool {
        match (self.ttl, entry.expires) {
            // A zero TTL: gone at once, even at an earlier `now` than the insertion.
            (Some(ttl), Some(at)) => ttl.is_zero() || now >= at,
            // No TTL, or one so long that the expiry is past what an instant can hold.
            _ => false,
        }
    }

    /// The current time, read only when entries can expire.
    fn clock(&self) -> Option<Instant> {
        self.ttl.map(|_| Instant::now())
    }

    /// The live value for `key`, made the most recently used; an expired value is removed.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        self.get_mut(key).map(|v| &*v)
    }

    /// Like [`BoundedCache::get`], mutably.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        match self.clock() {
            Some(now) => self.get_mut_at(key, now),
            None => self.map.get_mut(key).map(|e| &mut e.value),
        }
    }

    /// Like [`BoundedCache::get`], at a given time (one clock read for many lookups, or a test).
    pub fn get_at(&mut self, key: &K, now: Instant) -> Option<&V> {
        self.get_mut_at(key, now).map(|v| &*v)
    }

    /// Like [`BoundedCache::get_at`], mutably.
    pub fn get_mut_at(&mut self, key: &K, now: Instant) -> Option<&mut V> {
        let expired = self.map.peek(key).map(|e| self.expired(e, now))?;
        if expired {
            self.map.pop(key);
            self.evictions += 1;
            return None;
        }
        self.map.get_mut(key).map(|e| &mut e.value)
    }

    /// The live value for `key` without changing its recency or removing it if expired.
    pub fn peek(&self, key: &K, now: Instant) -> Option<&V> {
        self.map.peek(key).filter(|e| !self.expired(e, now)).map(|e| &e.value)
    }

    /// Inserts or replaces `key` (its age starts again), evicting the least recently used entry
    /// when the cache is full.
    pub fn insert(&mut self, key: K, value: V) {
        let now = self.clock();
        self.put(key, value, now);
    }

    /// Like [`BoundedCache::insert`], at a given time.
    pub fn insert_at(&mut self, key: K, value: V, now: Instant) {
        self.put(key, value, Some(now));
    }

    fn put(&mut self, key: K, value: V, now: Option<Instant>) {
        if !self.map.contains(&key) {
            while self.map.len() >= self.cap {
                if self.map.pop_lru().is_none() {
                    break;
                }
                self.evictions += 1;
            }
        }
        let expires = match (now, self.ttl) {
            (Some(now), Some(ttl)) => now.checked_add(ttl),
            _ => None,
        };
        self.map.put(key, Entry { value, expires });
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.map.pop(key).map(|e| e.value)
    }

    /// Removes every expired entry (counted as evictions) and returns how many went. O(len): call it
    /// once per interval, not per lookup.
    pub fn expire(&mut self, now: Instant) -> usize {
        let Some(ttl) = self.ttl else { return 0 };
        let mut gone = 0;
        // Recency order says nothing about age, so every entry is looked at. `lru` cannot remove
        // while iterating: move the live ones to a new map, least recently used first, which keeps
        // their order.
        let mut kept = LruCache::unbounded();
        while let Some((k, e)) = self.map.pop_lru() {
            if e.expires.is_some_and(|at| ttl.is_zero() || now >= at) {
                gone += 1;
            } else {
                kept.put(k, e);
            }
        }
        self.map = kept;
        self.evictions += gone as u64;
        gone
    }

    /// Every live entry, most recently used first, without changing recency.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.map.iter().map(|(k, e)| (k, &e.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used_at_capacity() {
        let t0 = Instant::now();
        let mut c = BoundedCache::new(8, None);
        for i in 0..8 {
            c.insert_at(i, i * 10, t0);
        }
        assert_eq!(c.get_at(&0, t0), Some(&0)); // 0 is now the most recent
        c.insert_at(8, 80, t0);
        assert_eq!(c.len(), 8);
        assert_eq!(c.take_evictions(), 1);
        assert!(c.get_at(&1, t0).is_none(), "least recently used went first");
        assert!(c.get_at(&0, t0).is_some());
        for i in 100..200 {
            c.insert_at(i, i, t0);
        }
        assert_eq!(c.len(), 8);
        assert_eq!(c.take_evictions(), 100);
        assert_eq!(c.take_evictions(), 0, "taking resets the count");
    }

    #[test]
    fn replacing_a_key_in_a_full_cache_evicts_nothing() {
        let t0 = Instant::now();
        let mut c = BoundedCache::new(2, None);
        c.insert_at("a", 1, t0);
        c.insert_at("b", 2, t0);
        c.insert_at("a", 3, t0);
        assert_eq!(c.take_evictions(), 0);
        assert_eq!(c.get_at(&"a", t0), Some(&3));
        assert_eq!(c.get_at(&"b", t0), Some(&2));
    }

    #[test]
    fn entries_expire_from_insertion_not_from_use() {
        let t0 = Instant::now();
        let ttl = Duration::from_secs(10);
        let mut c = BoundedCache::new(8, Some(ttl));
        c.insert_at(1, "one", t0);
        c.insert_at(2, "two", t0 + Duration::from_secs(5));
        assert_eq!(c.get_at(&1, t0 + Duration::from_secs(9)), Some(&"one"));
        assert_eq!(c.peek(&1, t0 + ttl), None, "peek hides an expired entry");
        assert_eq!(c.len(), 2, "peek does not remove");
        assert_eq!(c.get_at(&1, t0 + ttl), None, "used recently, but inserted 10s ago");
        assert_eq!(c.take_evictions(), 1);
        assert_eq!(c.len(), 1);
        // Re-inserting restarts the age.
        c.insert_at(2, "two again", t0 + Duration::from_secs(14));
        assert_eq!(c.expire(t0 + Duration::from_secs(20)), 0);
        assert_eq!(c.expire(t0 + Duration::from_secs(24)), 1);
        assert!(c.is_empty());
        assert_eq!(c.take_evictions(), 1);
    }

    #[test]
    fn expire_keeps_recency_order() {
        let t0 = Instant::now();
        let mut c = BoundedCache::new(3, Some(Duration::from_secs(10)));
        c.insert_at(1, (), t0);
        c.insert_at(2, (), t0 + Duration::from_secs(8));
        c.insert_at(3, (), t0 + Duration::from_secs(8));
        let later = t0 + Duration::from_secs(9);
        c.get_at(&2, later); // order, least recent first: 1, 3, 2
        assert_eq!(c.expire(t0 + Duration::from_secs(10)), 1);
        c.insert_at(4, (), later);
        c.insert_at(5, (), later); // full: 3 goes (least recently used), not 2
        assert!(c.peek(&3, later).is_none());
        assert!(c.peek(&2, later).is_some());
        let order: Vec<i32> = c.iter().map(|(k, _)| *k).collect();
        assert_eq!(order, vec![5, 4, 2]);
    }

    #[test]
    fn a_zero_capacity_is_one() {
        let t0 = Instant::now();
        let mut c = BoundedCache::new(0, None);
        c.insert_at(1, 1, t0);
        c.insert_at(2, 2, t0);
        assert_eq!(c.len(), 1);
        assert_eq!(c.capacity(), 1);
    }
}

#[cfg(test)]
mod untimed_tests {
    use super::*;

    #[test]
    fn without_a_ttl_nothing_expires_and_no_clock_is_needed() {
        let mut c = BoundedCache::new(2, None);
        c.insert(1, "a");
        c.insert(2, "b");
        assert_eq!(c.get(&1), Some(&"a"));
        c.insert(3, "c");
        assert_eq!(c.get(&2), None, "2 was the least recently used");
        assert_eq!(c.expire(Instant::now() + Duration::from_secs(1_000_000)), 0);
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn with_a_ttl_the_untimed_calls_read_the_clock() {
        let mut c = BoundedCache::new(2, Some(Duration::from_secs(3600)));
        c.insert(1, "a");
        assert_eq!(c.get(&1), Some(&"a"));
        assert_eq!(c.expire(Instant::now() + Duration::from_secs(3600)), 1);
    }
}
