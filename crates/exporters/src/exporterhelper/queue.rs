//! The bounded queue between `export` and the consumers. Entries are either encoded requests (in
//! memory: the protobuf bytes, counted by their allocation, so the byte cap bounds what is held) or
//! sequence numbers of files (persistent queue: the request is read when a consumer takes it, so
//! memory holds only what is in flight).

use std::collections::VecDeque;
use std::sync::Mutex;

use dbintel_core::telemetry::Gauge;
use tokio::sync::Notify;

use super::Encoded;

#[derive(Debug)]
pub(crate) enum Entry {
    Memory(Encoded),
    Disk { seq: u64, bytes: u64 },
}

impl Entry {
    /// What the entry holds: the encoded request's allocation (memory), the file size (disk).
    pub(crate) fn bytes(&self) -> u64 {
        match self {
            Entry::Memory(e) => e.held_bytes(),
            Entry::Disk { bytes, .. } => *bytes,
        }
    }
}

#[derive(Default)]
struct State {
    entries: VecDeque<Entry>,
    bytes: u64,
    closed: bool,
}

pub(crate) struct Queue {
    state: Mutex<State>,
    items_ready: Notify,
    space_ready: Notify,
    capacity: usize,
    max_bytes: u64,
    size: Gauge,
    size_bytes: Gauge,
}

impl Queue {
    pub(crate) fn new(capacity: usize, max_bytes: u64, size: Gauge, size_bytes: Gauge) -> Self {
        Self {
            state: Mutex::new(State::default()),
            items_ready: Notify::new(),
            space_ready: Notify::new(),
            capacity: capacity.max(1),
            max_bytes,
            size,
            size_bytes,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn publish(&self, s: &State) {
        self.size.set(s.entries.len() as i64);
        self.size_bytes.set(s.bytes as i64);
    }

    /// Whether a request of `bytes` fits. A request bigger than the byte cap fits an empty queue
    /// (otherwise it could never be sent).
    pub(crate) fn has_room(&self, bytes: u64) -> bool {
        let s = self.lock();
        s.entries.len() < self.capacity
            && (s.entries.is_empty() || s.bytes.saturating_add(bytes) <= self.max_bytes)
    }

    /// Waits until a request of `bytes` fits, or the queue is closed (`false`).
    pub(crate) async fn wait_for_room(&self, bytes: u64) -> bool {
        loop {
            let notified = self.space_ready.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.lock().closed {
                return false;
            }
            if self.has_room(bytes) {
                return true;
            }
            notified.await;
        }
    }

    /// Appends if the entry fits (`has_room`); gives it back otherwise.
    pub(crate) fn try_push(&self, entry: Entry) -> Result<(), Entry> {
        let mut s = self.lock();
        let fits = s.entries.len() < self.capacity
            && (s.entries.is_empty() || s.bytes.saturating_add(entry.bytes()) <= self.max_bytes);
        if !fits {
            return Err(entry);
        }
        s.bytes = s.bytes.saturating_add(entry.bytes());
        s.entries.push_back(entry);
        self.publish(&s);
        drop(s);
        self.items_ready.notify_one();
        Ok(())
    }

    /// Appends without checking room (the caller checked; also used to reload the disk at start,
    /// which may hold more than the capacity after a config change).
    pub(crate) fn push(&self, entry: Entry) {
        let mut s = self.lock();
        s.bytes = s.bytes.saturating_add(entry.bytes());
        s.entries.push_back(entry);
        self.publish(&s);
        drop(s);
        self.items_ready.notify_one();
    }

    /// The next entry; `None` once the queue is closed and empty.
    pub(crate) async fn pop(&self) -> Option<Entry> {
        loop {
            let notified = self.items_ready.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut s = self.lock();
                if let Some(e) = s.entries.pop_front() {
                    s.bytes = s.bytes.saturating_sub(e.bytes());
                    self.publish(&s);
                    let more = !s.entries.is_empty();
                    drop(s);
                    self.space_ready.notify_waiters();
                    if more {
                        // Pass the wake-up on: several entries may have been pushed with one permit.
                        self.items_ready.notify_one();
                    }
                    return Some(e);
                }
                if s.closed {
                    return None;
                }
            }
            notified.await;
        }
    }

    /// No more pushes; consumers drain what is left and then get `None`.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.items_ready.notify_waiters();
        self.space_ready.notify_waiters();
    }

    /// Takes everything still queued (at the end of shutdown).
    pub(crate) fn take_all(&self) -> Vec<Entry> {
        let mut s = self.lock();
        let all: Vec<Entry> = s.entries.drain(..).collect();
        s.bytes = 0;
        self.publish(&s);
        all
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// The byte count the cap is checked against.
    #[cfg(test)]
    pub(crate) fn counted_bytes(&self) -> u64 {
        self.lock().bytes
    }

    /// The bytes the entries really hold, summed now (for the invariant `counted == held`).
    #[cfg(test)]
    pub(crate) fn held_bytes(&self) -> u64 {
        self.lock().entries.iter().map(Entry::bytes).sum()
    }
}
