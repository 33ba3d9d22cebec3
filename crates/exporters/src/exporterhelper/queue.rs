//! The bounded queue between `export` and the consumers. Entries are either encoded requests (in
//! memory: the protobuf bytes, counted by their allocation, so the byte cap bounds what is held) or
//! sequence numbers of files (persistent queue: the request is read when a consumer takes it, so
//! memory holds only what is in flight).

use std::collections::VecDeque;
use std::sync::Mutex;

use dbintel_core::telemetry::Gauge;
use tokio::sync::Notify;

use super::Encoded;
use super::config::QueueSizer;

/// Told the outcome of a request (`true`: delivered) when `wait_for_result` makes `export` wait.
pub(crate) type Waiter = tokio::sync::oneshot::Sender<bool>;

#[derive(Debug)]
pub(crate) enum Entry {
    /// An encoded request, and whoever waits for its outcome (several once batched).
    Memory(Encoded, Vec<Waiter>),
    /// A request on disk: its file size, its items when known (0 for files found at start).
    Disk { seq: u64, bytes: u64, items: u64, waiters: Vec<Waiter> },
}

impl Entry {
    /// What the entry holds: the encoded request's allocation (memory), the file size (disk).
    pub(crate) fn bytes(&self) -> u64 {
        match self {
            Entry::Memory(e, _) => e.held_bytes(),
            Entry::Disk { bytes, .. } => *bytes,
        }
    }

    /// The entry's size in `sizer` units: 1 request, its items, or its encoded bytes.
    pub(crate) fn size(&self, sizer: QueueSizer) -> u64 {
        match (sizer, self) {
            (QueueSizer::Requests, _) => 1,
            (QueueSizer::Items, Entry::Memory(e, _)) => e.items,
            (QueueSizer::Items, Entry::Disk { items, .. }) => *items,
            (QueueSizer::Bytes, Entry::Memory(e, _)) => e.body.len() as u64,
            (QueueSizer::Bytes, Entry::Disk { bytes, .. }) => *bytes,
        }
    }

    /// Tells every waiter the outcome.
    pub(crate) fn notify(waiters: Vec<Waiter>, delivered: bool) {
        for w in waiters {
            let _ = w.send(delivered);
        }
    }
}

/// The size of a request of `items` items and `bytes` encoded bytes, in `sizer` units.
pub(crate) fn size_of(sizer: QueueSizer, items: u64, bytes: u64) -> u64 {
    match sizer {
        QueueSizer::Requests => 1,
        QueueSizer::Items => items,
        QueueSizer::Bytes => bytes,
    }
}

#[derive(Default)]
struct State {
    entries: VecDeque<Entry>,
    bytes: u64,
    /// The entries' total size in `sizer` units (what `capacity` bounds).
    size: u64,
    closed: bool,
}

/// What [`Queue::pop_front_if`] found.
pub(crate) enum PopIf {
    Taken(Entry),
    /// The front entry does not qualify.
    Refused,
    Empty,
}

pub(crate) struct Queue {
    state: Mutex<State>,
    items_ready: Notify,
    space_ready: Notify,
    /// In `sizer` units.
    capacity: u64,
    sizer: QueueSizer,
    max_bytes: u64,
    size: Gauge,
    size_bytes: Gauge,
}

impl Queue {
    #[cfg(test)]
    pub(crate) fn new(capacity: usize, max_bytes: u64, size: Gauge, size_bytes: Gauge) -> Self {
        Self::with_sizer(capacity as u64, QueueSizer::Requests, max_bytes, size, size_bytes)
    }

    /// A queue whose `capacity` counts `sizer` units (requests, items or encoded bytes).
    pub(crate) fn with_sizer(
        capacity: u64,
        sizer: QueueSizer,
        max_bytes: u64,
        size: Gauge,
        size_bytes: Gauge,
    ) -> Self {
        Self {
            state: Mutex::new(State::default()),
            items_ready: Notify::new(),
            space_ready: Notify::new(),
            capacity: capacity.max(1),
            sizer,
            max_bytes,
            size,
            size_bytes,
        }
    }

    pub(crate) fn sizer(&self) -> QueueSizer {
        self.sizer
    }

    /// Whether a request of this size could ever fit (not larger than the capacity).
    pub(crate) fn can_ever_fit(&self, size: u64) -> bool {
        size <= self.capacity
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn publish(&self, s: &State) {
        self.size.set(i64::try_from(s.size).unwrap_or(i64::MAX));
        self.size_bytes.set(s.bytes as i64);
    }

    fn fits(&self, s: &State, size: u64, bytes: u64) -> bool {
        s.size.saturating_add(size) <= self.capacity
            && (s.entries.is_empty() || s.bytes.saturating_add(bytes) <= self.max_bytes)
    }

    /// Whether a request of `size` (sizer units) and `bytes` fits. A request bigger than the byte
    /// cap fits an empty queue (otherwise it could never be sent).
    pub(crate) fn has_room(&self, size: u64, bytes: u64) -> bool {
        let s = self.lock();
        self.fits(&s, size, bytes)
    }

    /// Waits until a request of `size` and `bytes` fits, or the queue is closed (`false`).
    pub(crate) async fn wait_for_room(&self, size: u64, bytes: u64) -> bool {
        loop {
            let notified = self.space_ready.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.lock().closed {
                return false;
            }
            if self.has_room(size, bytes) {
                return true;
            }
            notified.await;
        }
    }

    /// Appends if the entry fits (`has_room`); gives it back otherwise.
    pub(crate) fn try_push(&self, entry: Entry) -> Result<(), Entry> {
        let mut s = self.lock();
        let size = entry.size(self.sizer);
        if !self.fits(&s, size, entry.bytes()) {
            return Err(entry);
        }
        s.bytes = s.bytes.saturating_add(entry.bytes());
        s.size = s.size.saturating_add(size);
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
        s.size = s.size.saturating_add(entry.size(self.sizer));
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
                    s.size = s.size.saturating_sub(e.size(self.sizer));
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

    /// Takes the front entry if `accept` says so, without waiting (the batcher's next candidate).
    pub(crate) fn pop_front_if(&self, accept: impl FnOnce(&Entry) -> bool) -> PopIf {
        let mut s = self.lock();
        let Some(front) = s.entries.front() else { return PopIf::Empty };
        if !accept(front) {
            return PopIf::Refused;
        }
        let Some(e) = s.entries.pop_front() else { return PopIf::Empty };
        s.bytes = s.bytes.saturating_sub(e.bytes());
        s.size = s.size.saturating_sub(e.size(self.sizer));
        self.publish(&s);
        drop(s);
        self.space_ready.notify_waiters();
        PopIf::Taken(e)
    }

    /// Waits until an entry is queued or the queue closes, at most until `deadline`. `false` once
    /// the queue is closed and empty (nothing more will come).
    pub(crate) async fn wait_for_entry(&self, deadline: tokio::time::Instant) -> bool {
        let notified = self.items_ready.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let s = self.lock();
            if !s.entries.is_empty() {
                return true;
            }
            if s.closed {
                return false;
            }
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
        true
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
        s.size = 0;
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
