//! Shared-memory state: the statistics hash table (one entry per dbid, userid, queryid, planid, with the
//! plan text inline), the current plan of each query, and the plan-change ring.
//!
//! Locking (the pg_stat_statements pattern): one LWLock. Executions take it SHARED to find their entry and
//! update the counters under the entry's own spinlock, so concurrent backends do not serialise. It is
//! taken EXCLUSIVE only to insert an entry, evict, record a plan change, or reset.
//!
//! The per-execution path (`record_fast`) is one lookup in the statistics table: whether the entry's plan
//! is its query's current plan is a flag in the entry (kept equal to the current-plan table under the
//! exclusive lock), and the table's hash function is ours, so the fast path hashes the key inline.

use std::ffi::c_long;
use std::mem::size_of;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};

use pgrx::pg_sys;

use crate::raw;

pub(crate) const TRANCHE: &std::ffi::CStr = c"pg_querylens";

#[repr(C)]
pub(crate) struct Shared {
    pub lock: *mut pg_sys::LWLock,
    pub evictions: AtomicU64,
    pub dropped: AtomicU64,
    /// Plan changes recorded since reset (also the ring's write position).
    pub changes: AtomicU64,
    pub stats_since: AtomicI64,
}

#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Key {
    pub dbid: u32,
    pub userid: u32,
    pub queryid: i64,
    pub planid: i64,
}

#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct QKey {
    pub dbid: u32,
    pub userid: u32,
    pub queryid: i64,
}

#[repr(C)]
pub(crate) struct QEntry {
    pub key: QKey,
    pub planid: i64,
}

#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct Counters {
    pub calls: i64,
    pub total: f64,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub sum_var: f64,
    pub rows: i64,
    pub shared_hit: i64,
    pub shared_read: i64,
    pub shared_dirtied: i64,
    pub shared_written: i64,
    pub local_hit: i64,
    pub local_read: i64,
    pub temp_read: i64,
    pub temp_written: i64,
    pub plans: i64,
    pub plan_time: f64,
    pub first_seen: i64,
    pub last_seen: i64,
    /// Eviction priority: +1 per call, decayed by 1% on every eviction sweep.
    pub usage: f64,
}

/// One execution's numbers.
#[derive(Clone, Copy, Default)]
pub(crate) struct Sample {
    pub ms: f64,
    pub rows: i64,
    pub buf: [i64; 8],
    pub plan_ms: Option<f64>,
    pub now: i64,
}

#[repr(C)]
pub(crate) struct Entry {
    pub key: Key,
    pub mutex: AtomicU32,
    pub plan_len: u32,
    /// This plan is its query's current plan (the `cur` table says so). Written under the exclusive lock.
    pub current: bool,
    pub c: Counters,
    // followed by max_plan_text bytes of plan text
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct ChangeRec {
    pub dbid: u32,
    pub userid: u32,
    pub queryid: i64,
    pub old_planid: i64,
    pub new_planid: i64,
    pub changed_at: i64,
    pub old_mean: f64,
    pub new_mean: f64,
}

pub(crate) struct Store {
    pub shared: *mut Shared,
    pub stats: *mut pg_sys::HTAB,
    pub cur: *mut pg_sys::HTAB,
    pub ring: *mut ChangeRec,
    pub ring_cap: usize,
    pub text_cap: usize,
    pub max_entries: usize,
}

pub(crate) static mut STORE: Store = Store {
    shared: null_mut(),
    stats: null_mut(),
    cur: null_mut(),
    ring: null_mut(),
    ring_cap: 0,
    text_cap: 0,
    max_entries: 0,
};

fn maxalign(n: usize) -> usize {
    (n + 7) & !7
}

pub(crate) fn entry_size(text_cap: usize) -> usize {
    maxalign(size_of::<Entry>() + text_cap)
}

/// Shared memory needed for these settings.
pub(crate) fn shmem_size(max: usize, text_cap: usize, ring_cap: usize) -> usize {
    let max_l = c_long::try_from(max).unwrap_or(c_long::MAX);
    // SAFETY: plain arithmetic helpers of PostgreSQL.
    unsafe {
        maxalign(size_of::<Shared>())
            + pg_sys::hash_estimate_size(max_l, entry_size(text_cap))
            + pg_sys::hash_estimate_size(max_l, maxalign(size_of::<QEntry>()))
            + maxalign(ring_cap * size_of::<ChangeRec>())
    }
}

/// Attach to (or create) the shared structures; called from shmem_startup_hook.
pub(crate) unsafe fn attach(max: usize, text_cap: usize, ring_cap: usize) {
    let max_l = c_long::try_from(max).unwrap_or(c_long::MAX);
    // SAFETY: called once per process from shmem_startup_hook, under AddinShmemInitLock.
    unsafe {
        let init_lock = &raw mut (*pg_sys::MainLWLockArray.add(21)).lock;
        pg_sys::LWLockAcquire(init_lock, pg_sys::LWLockMode::LW_EXCLUSIVE);
        let mut found = false;
        let shared = pg_sys::ShmemInitStruct(c"pg_querylens".as_ptr(), size_of::<Shared>(), &mut found)
            .cast::<Shared>();
        if !found {
            shared.write(Shared {
                lock: &raw mut (*pg_sys::GetNamedLWLockTranche(TRANCHE.as_ptr())).lock,
                evictions: AtomicU64::new(0),
                dropped: AtomicU64::new(0),
                changes: AtomicU64::new(0),
                stats_since: AtomicI64::new(pg_sys::GetCurrentTimestamp()),
            });
        }
        let mut info: pg_sys::HASHCTL = std::mem::zeroed();
        info.keysize = size_of::<Key>();
        info.entrysize = entry_size(text_cap);
        info.hash = Some(key_hash_c);
        let stats = pg_sys::ShmemInitHash(
            c"pg_querylens stats".as_ptr(),
            max_l,
            max_l,
            &mut info,
            (pg_sys::HASH_ELEM | pg_sys::HASH_FUNCTION) as i32,
        );
        let mut qinfo: pg_sys::HASHCTL = std::mem::zeroed();
        qinfo.keysize = size_of::<QKey>();
        qinfo.entrysize = maxalign(size_of::<QEntry>());
        let cur = pg_sys::ShmemInitHash(
            c"pg_querylens plans".as_ptr(),
            max_l,
            max_l,
            &mut qinfo,
            (pg_sys::HASH_ELEM | pg_sys::HASH_BLOBS) as i32,
        );
        let ring = pg_sys::ShmemInitStruct(
            c"pg_querylens changes".as_ptr(),
            maxalign(ring_cap * size_of::<ChangeRec>()).max(8),
            &mut found,
        )
        .cast::<ChangeRec>();
        pg_sys::LWLockRelease(init_lock);
        STORE = Store { shared, stats, cur, ring, ring_cap, text_cap, max_entries: max };
    }
}

pub(crate) fn store() -> Option<&'static Store> {
    // SAFETY: STORE is written once per process at shmem startup, before any query runs.
    #[allow(clippy::deref_addrof)] // a reference to a static mut must go through a raw pointer
    let s = unsafe { &*(&raw const STORE) };
    if s.shared.is_null() { None } else { Some(s) }
}

struct SpinGuard<'a>(&'a AtomicU32);

impl<'a> SpinGuard<'a> {
    fn lock(m: &'a AtomicU32) -> Self {
        let mut spins = 0u32;
        while m.compare_exchange_weak(0, 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(100) {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
        SpinGuard(m)
    }
}

impl Drop for SpinGuard<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::Release);
    }
}

/// Holds the LWLock; released on drop (also when an error unwinds through).
pub(crate) struct LockGuard(*mut pg_sys::LWLock);

impl LockGuard {
    pub fn shared(s: &Store) -> Self {
        // SAFETY: the lock lives in shared memory for the server's lifetime.
        unsafe {
            let l = (*s.shared).lock;
            pg_sys::LWLockAcquire(l, pg_sys::LWLockMode::LW_SHARED);
            LockGuard(l)
        }
    }
    pub fn exclusive(s: &Store) -> Self {
        // SAFETY: as above.
        unsafe {
            let l = (*s.shared).lock;
            pg_sys::LWLockAcquire(l, pg_sys::LWLockMode::LW_EXCLUSIVE);
            LockGuard(l)
        }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        // SAFETY: we hold the lock. If an error already released all LWLocks (LWLockReleaseAll during
        // abort happens after unwinding reaches the guard), we are still its holder here.
        unsafe { pg_sys::LWLockRelease(self.0) }
    }
}

/// Hash of a statistics key (the table's hash function: every backend computes the same value).
/// A multiply-xorshift mix of the key's three words; the key's fields come from PostgreSQL, not from
/// clients, so no keyed hash is needed.
pub(crate) fn key_hash(k: &Key) -> u32 {
    const M: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (u64::from(k.dbid) << 32 | u64::from(k.userid)).wrapping_mul(M);
    h = (h ^ (h >> 29) ^ k.queryid as u64).wrapping_mul(M);
    h = (h ^ (h >> 29) ^ k.planid as u64).wrapping_mul(M);
    (h ^ (h >> 32)) as u32
}

#[pgrx::pg_guard]
unsafe extern "C-unwind" fn key_hash_c(key: *const std::ffi::c_void, keysize: pg_sys::Size) -> u32 {
    if keysize != size_of::<Key>() || key.is_null() {
        return 0;
    }
    // SAFETY: dynahash passes a pointer to a key of the table's key size: a Key (read unaligned to be
    // independent of the caller's alignment).
    key_hash(&unsafe { key.cast::<Key>().read_unaligned() })
}

unsafe fn find(s: &Store, key: &Key) -> *mut Entry {
    let mut found = false;
    // SAFETY: caller holds the lock (any mode).
    unsafe {
        pg_sys::hash_search(s.stats, (key as *const Key).cast(), pg_sys::HASHACTION::HASH_FIND, &mut found)
            .cast::<Entry>()
    }
}

unsafe fn find_cur(s: &Store, key: &QKey) -> *mut QEntry {
    let mut found = false;
    // SAFETY: caller holds the lock (any mode).
    unsafe {
        pg_sys::hash_search(s.cur, (key as *const QKey).cast(), pg_sys::HASHACTION::HASH_FIND, &mut found)
            .cast::<QEntry>()
    }
}

fn apply(c: &mut Counters, x: &Sample) {
    if c.calls == 0 {
        c.min = x.ms;
        c.max = x.ms;
        c.first_seen = x.now;
    }
    c.calls += 1;
    c.total += x.ms;
    c.min = c.min.min(x.ms);
    c.max = c.max.max(x.ms);
    let old_mean = c.mean;
    c.mean += (x.ms - old_mean) / c.calls as f64;
    c.sum_var += (x.ms - old_mean) * (x.ms - c.mean);
    c.rows = c.rows.saturating_add(x.rows);
    c.shared_hit += x.buf[0];
    c.shared_read += x.buf[1];
    c.shared_dirtied += x.buf[2];
    c.shared_written += x.buf[3];
    c.local_hit += x.buf[4];
    c.local_read += x.buf[5];
    c.temp_read += x.buf[6];
    c.temp_written += x.buf[7];
    if let Some(p) = x.plan_ms {
        c.plans += 1;
        c.plan_time += p;
    }
    c.last_seen = x.now;
    c.usage += 1.0;
}

unsafe fn update(e: *mut Entry, x: &Sample) -> f64 {
    // SAFETY: e is a live entry; the caller holds the LWLock at least shared, the spinlock serialises
    // counter updates between backends holding it shared.
    unsafe {
        let _g = SpinGuard::lock(&(*e).mutex);
        apply(&mut (*e).c, x);
        (*e).c.mean
    }
}

/// Lookup without pgrx's guard (raw.rs): HASH_FIND raises no ERROR.
unsafe fn find_raw(s: &Store, key: &Key) -> *mut Entry {
    let mut found = false;
    // SAFETY: caller holds the lock (any mode).
    unsafe {
        raw::hash_search_with_hash_value(
            s.stats,
            (key as *const Key).cast(),
            key_hash(key),
            pg_sys::HASHACTION::HASH_FIND,
            &mut found,
        )
        .cast::<Entry>()
    }
}

/// Outcome of the shared-lock fast path.
pub(crate) enum Fast {
    /// Counted, and the query's current plan is this one.
    Done,
    /// Counted, but the query's current plan differs (or is unknown): record under the exclusive lock.
    PlanSwitch,
    /// No entry yet: insert under the exclusive lock (plan text needed).
    Missing,
}

/// Count one execution under the shared lock. Calls PostgreSQL through raw.rs only (nothing here raises an
/// ERROR), so the lock is released explicitly rather than by a guard with a destructor.
pub(crate) fn record_fast(s: &Store, key: &Key, x: &Sample) -> Fast {
    // SAFETY: the lock lives in shared memory for the server's lifetime; between acquire and release
    // nothing can raise an ERROR or panic (a lookup, a spinlock, arithmetic).
    unsafe {
        let lock = (*s.shared).lock;
        raw::LWLockAcquire(lock, pg_sys::LWLockMode::LW_SHARED);
        let e = find_raw(s, key);
        let outcome = if e.is_null() {
            Fast::Missing
        } else {
            update(e, x);
            if (*e).current { Fast::Done } else { Fast::PlanSwitch }
        };
        raw::LWLockRelease(lock);
        outcome
    }
}

/// Insert (if still missing) and count under the exclusive lock; note a plan change.
pub(crate) fn record_slow(s: &Store, key: &Key, x: Option<&Sample>, plan_text: Option<&str>) {
    let _l = LockGuard::exclusive(s);
    // SAFETY: exclusive lock held: no other backend touches entries or the ring.
    unsafe {
        let mut e = find(s, key);
        if e.is_null() {
            if pg_sys::hash_get_num_entries(s.stats) as usize >= s.max_entries {
                evict(s);
            }
            let mut found = false;
            e = pg_sys::hash_search(
                s.stats,
                (key as *const Key).cast(),
                pg_sys::HASHACTION::HASH_ENTER_NULL,
                &mut found,
            )
            .cast::<Entry>();
            if e.is_null() {
                (*s.shared).dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
            if !found {
                std::ptr::addr_of_mut!((*e).mutex).write(AtomicU32::new(0));
                (*e).current = false;
                (*e).c = Counters::default();
                let text = plan_text.unwrap_or_default();
                let mut n = text.len().min(s.text_cap);
                while !text.is_char_boundary(n) {
                    n -= 1;
                }
                let dst = e.cast::<u8>().add(size_of::<Entry>());
                std::ptr::copy_nonoverlapping(text.as_ptr(), dst, n);
                (*e).plan_len = n as u32;
            }
        }
        // Counted here when the fast path found no entry (another backend may have inserted it since).
        if let Some(x) = x {
            apply(&mut (*e).c, x);
        }
        let new_mean = (*e).c.mean;
        let qk = QKey { dbid: key.dbid, userid: key.userid, queryid: key.queryid };
        let q = find_cur(s, &qk);
        if q.is_null() {
            let mut found = false;
            let q = pg_sys::hash_search(
                s.cur,
                (&qk as *const QKey).cast(),
                pg_sys::HASHACTION::HASH_ENTER_NULL,
                &mut found,
            )
            .cast::<QEntry>();
            if !q.is_null() {
                (*q).planid = key.planid;
                (*e).current = true;
            }
        } else if (*q).planid != key.planid {
            let old = (*q).planid;
            let old_e = find(s, &Key { planid: old, ..*key });
            let old_mean = if old_e.is_null() {
                f64::NAN
            } else {
                (*old_e).current = false;
                (*old_e).c.mean
            };
            (*q).planid = key.planid;
            (*e).current = true;
            if s.ring_cap > 0 {
                let n = (*s.shared).changes.fetch_add(1, Ordering::Relaxed);
                let slot = s.ring.add((n % s.ring_cap as u64) as usize);
                slot.write(ChangeRec {
                    dbid: key.dbid,
                    userid: key.userid,
                    queryid: key.queryid,
                    old_planid: old,
                    new_planid: key.planid,
                    changed_at: x.map_or_else(|| pg_sys::GetCurrentTimestamp(), |x| x.now),
                    old_mean,
                    new_mean,
                });
            }
        } else {
            // Current already (its flag was lost with an earlier failed insert into `cur`).
            (*e).current = true;
        }
    }
}

/// Remove the least-used 5% (at least one) of entries; decay the others' usage. Exclusive lock held.
unsafe fn evict(s: &Store) {
    // SAFETY: exclusive lock held by the caller.
    unsafe {
        let mut all: Vec<(f64, Key)> = Vec::with_capacity(s.max_entries);
        let mut st: pg_sys::HASH_SEQ_STATUS = std::mem::zeroed();
        pg_sys::hash_seq_init(&mut st, s.stats);
        loop {
            let e = pg_sys::hash_seq_search(&mut st).cast::<Entry>();
            if e.is_null() {
                break;
            }
            (*e).c.usage *= 0.99;
            all.push(((*e).c.usage, (*e).key));
        }
        let n = (all.len() / 20).max(1).min(all.len());
        if n == 0 {
            return;
        }
        all.select_nth_unstable_by(n - 1, |a, b| a.0.total_cmp(&b.0));
        for (_, k) in &all[..n] {
            let mut found = false;
            pg_sys::hash_search(
                s.stats,
                (k as *const Key).cast(),
                pg_sys::HASHACTION::HASH_REMOVE,
                &mut found,
            );
            let qk = QKey { dbid: k.dbid, userid: k.userid, queryid: k.queryid };
            let q = find_cur(s, &qk);
            if !q.is_null() && (*q).planid == k.planid {
                pg_sys::hash_search(
                    s.cur,
                    (&qk as *const QKey).cast(),
                    pg_sys::HASHACTION::HASH_REMOVE,
                    &mut found,
                );
            }
        }
        (*s.shared).evictions.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// A copy of one entry for output.
pub(crate) struct Row {
    pub key: Key,
    pub c: Counters,
    pub plan: Option<String>,
}

pub(crate) fn snapshot(s: &Store, with_text: bool) -> Vec<Row> {
    let _l = LockGuard::shared(s);
    let mut out = Vec::new();
    // SAFETY: shared lock held; counters read under each entry's spinlock.
    unsafe {
        let mut st: pg_sys::HASH_SEQ_STATUS = std::mem::zeroed();
        pg_sys::hash_seq_init(&mut st, s.stats);
        loop {
            let e = pg_sys::hash_seq_search(&mut st).cast::<Entry>();
            if e.is_null() {
                break;
            }
            let c = {
                let _g = SpinGuard::lock(&(*e).mutex);
                (*e).c
            };
            let plan = if with_text && (*e).plan_len > 0 {
                let p = e.cast::<u8>().add(size_of::<Entry>());
                let b = std::slice::from_raw_parts(p, ((*e).plan_len as usize).min(s.text_cap));
                Some(String::from_utf8_lossy(b).into_owned())
            } else {
                None
            };
            out.push(Row { key: (*e).key, c, plan });
        }
    }
    out
}

pub(crate) fn changes(s: &Store) -> Vec<ChangeRec> {
    let _l = LockGuard::shared(s);
    // SAFETY: shared lock held; ring writes happen under the exclusive lock only.
    unsafe {
        let n = (*s.shared).changes.load(Ordering::Relaxed);
        let cap = s.ring_cap as u64;
        let start = n.saturating_sub(cap);
        (start..n).map(|i| *s.ring.add((i % cap) as usize)).collect()
    }
}

pub(crate) fn entries(s: &Store) -> usize {
    let _l = LockGuard::shared(s);
    // SAFETY: lock held.
    unsafe { pg_sys::hash_get_num_entries(s.stats) as usize }
}

pub(crate) fn reset(s: &Store) {
    let _l = LockGuard::exclusive(s);
    // SAFETY: exclusive lock held.
    unsafe {
        for h in [s.stats, s.cur] {
            let mut st: pg_sys::HASH_SEQ_STATUS = std::mem::zeroed();
            pg_sys::hash_seq_init(&mut st, h);
            loop {
                let e = pg_sys::hash_seq_search(&mut st);
                if e.is_null() {
                    break;
                }
                let mut found = false;
                // Removing the element just returned by hash_seq_search is allowed.
                pg_sys::hash_search(h, e, pg_sys::HASHACTION::HASH_REMOVE, &mut found);
            }
        }
        let sh = &*s.shared;
        sh.evictions.store(0, Ordering::Relaxed);
        sh.dropped.store(0, Ordering::Relaxed);
        sh.changes.store(0, Ordering::Relaxed);
        sh.stats_since.store(pg_sys::GetCurrentTimestamp(), Ordering::Relaxed);
    }
}
