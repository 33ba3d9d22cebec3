//! pg_querylens: per-plan query statistics with structural plan ids, for PostgreSQL 13-17 (pgrx).
//!
//! Executor hooks time every tracked statement; at ExecutorEnd the plan id comes from a backend-local cache
//! keyed by the PlannedStmt's address (a re-executed cached plan), else the finished plan tree is
//! fingerprinted (cheap walk) and the fingerprint mapped to the plan id through a second cache (on a miss
//! the plan is printed once as `EXPLAIN (FORMAT JSON, COSTS OFF)` and fed to dbintel-sql's `analyze_plan`,
//! which yields the plan id and the obfuscated plan text), and the counters of the (dbid, userid, queryid,
//! planid) entry in shared memory are updated. See README.md ("Plan id rule", "Performance").

// pgrx needs the row types of set-returning functions spelled out in the signature.
#![allow(clippy::type_complexity)]

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::c_int;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::Ordering;

use pgrx::datum::TimestampWithTimeZone;
use pgrx::pg_sys;
use pgrx::pg_sys::submodules::ffi::pg_guard_ffi_boundary;
use pgrx::prelude::*;
use pgrx::{GucContext, GucFlags, GucRegistry, GucSetting};

mod fingerprint;
mod raw;
mod store;

::pgrx::pg_module_magic!();

pub const VERSION: &str = "1.0";

#[derive(pgrx::PostgresGucEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Track {
    #[name = c"top"]
    Top,
    #[name = c"all"]
    All,
    #[name = c"none"]
    None,
}

impl Track {
    fn as_str(self) -> &'static str {
        match self {
            Track::Top => "top",
            Track::All => "all",
            Track::None => "none",
        }
    }
}

static ENABLED: GucSetting<bool> = GucSetting::<bool>::new(true);
static TRACK: GucSetting<Track> = GucSetting::<Track>::new(Track::Top);
static SAMPLE_RATE: GucSetting<f64> = GucSetting::<f64>::new(1.0);
static MAX_QUERIES: GucSetting<i32> = GucSetting::<i32>::new(1000);
static MAX_PLAN_TEXT: GucSetting<i32> = GucSetting::<i32>::new(16384);
static MAX_PLAN_CHANGES: GucSetting<i32> = GucSetting::<i32>::new(1000);

/// Whole-statement instrumentation: time and buffers (WAL usage is not reported, so not measured).
const INSTRUMENT_OPTIONS: c_int =
    (pg_sys::InstrumentOption::INSTRUMENT_TIMER | pg_sys::InstrumentOption::INSTRUMENT_BUFFERS) as c_int;

/// Backend-local fingerprint -> plan id cache bound.
const PLAN_CACHE_MAX: usize = 4096;
/// Slots of the backend-local PlannedStmt -> plan id cache (direct-mapped).
const STMT_CACHE_SLOTS: usize = 256;
/// Statements started but not yet ended in this backend that are tracked (cursors can interleave).
const TRACKED_MAX: usize = 256;

/// Backend-local state. A backend runs its hooks on one thread (pgrx panics on a call into PostgreSQL
/// from any other), so plain statics suffice; `thread_local!` would cost a `__tls_get_addr` call per
/// access in a shared library (about 100 instructions per statement, measured).
struct Local<T>(T);
// SAFETY: only the backend's main thread runs this extension's code (see above).
unsafe impl<T> Sync for Local<T> {}
impl<T> std::ops::Deref for Local<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The fingerprint is already a well-mixed 64-bit hash: use it as the map's hash as it is (SipHash
/// cost ~100 instructions per lookup).
#[derive(Default)]
struct PassThrough(u64);
impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}
type FingerprintMap = HashMap<u64, i64, BuildHasherDefault<PassThrough>>;

/// One slot of the PlannedStmt -> plan id cache: valid while `generation` equals PLAN_GENERATION and the
/// statement at `stmt` still looks the same (query id, top plan node and its estimated cost: a second
/// line of defence should a planner hook installed after this one plan without calling it).
#[derive(Clone, Copy)]
struct StmtSlot {
    stmt: usize,
    generation: u64,
    look: StmtLook,
    planid: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct StmtLook {
    queryid: u64,
    top: usize,
    top_tag: u32,
    total_cost_bits: u64,
}

const EMPTY_SLOT: StmtSlot = StmtSlot {
    stmt: 0,
    generation: 0,
    look: StmtLook { queryid: 0, top: 0, top_tag: 0, total_cost_bits: 0 },
    planid: 0,
};

/// Executor, planner and DO/CALL/EXPLAIN levels above the current statement (0: top level).
static NESTING: Local<Cell<i32>> = Local(Cell::new(0));
/// The DO/CALL/EXPLAIN part of NESTING. Those frames keep pgrx's guard and undo their level when an
/// ERROR passes; ExecutorRun/Finish and the planner count theirs without a guard (it cost ~60
/// instructions a call and turned every ERROR passing through into a Rust panic, re-raised with a
/// backtrace in DETAIL), and an ERROR that skips their decrement aborts a (sub)transaction, whose
/// callback restores the level (see ql_xact_callback).
static UTILITY_NESTING: Local<Cell<i32>> = Local(Cell::new(0));
/// Open subtransactions: (id, executor/planner part of NESTING when it started), innermost last.
static SUBXACTS: Local<RefCell<Vec<(pg_sys::SubTransactionId, i32)>>> = Local(RefCell::new(Vec::new()));
/// Subtransactions deeper than this are not remembered (their abort then restores the nearest
/// remembered level below them).
const SUBXACTS_MAX: usize = 10_000;
/// Whether the current top-level statement is sampled (nested statements follow it).
static SAMPLED: Local<Cell<bool>> = Local(Cell::new(true));
/// Whether the current top-level statement is the collector's own (nested statements follow it).
static OWN: Local<Cell<bool>> = Local(Cell::new(false));
/// The comment dbintel puts first in every statement it sends (`PREFIX` in the postgresql receiver).
/// Those statements are not tracked, as the receiver leaves them out of its top queries: otherwise
/// the monitoring itself fills the table, and without pg_stat_statements' text it cannot tell its
/// own entries apart. (pg_stat_statements still counts them.)
const COLLECTOR_PREFIX: &[u8] = b"/* dbintel */";

/// Whether the statement text starts with [`COLLECTOR_PREFIX`]. Reads at most that many bytes and
/// stops at the first difference (the terminating NUL is one).
///
/// # Safety
/// `text` is NULL or a NUL-terminated string.
unsafe fn collector_statement(text: *const std::ffi::c_char) -> bool {
    if text.is_null() {
        return false;
    }
    for (i, want) in COLLECTOR_PREFIX.iter().enumerate() {
        // SAFETY: every byte before i matched a non-NUL byte, so i is within the string.
        if unsafe { *text.add(i) } as u8 != *want {
            return false;
        }
    }
    true
}
static RNG: Local<Cell<u64>> = Local(Cell::new(0));
/// Query id of the last statement planned in this backend and its planning time (ms). Matched by
/// query id, not by PlannedStmt address: the plan cache copies the planner's result.
static LAST_PLAN: Local<Cell<(u64, f64)>> = Local(Cell::new((0, 0.0)));
/// queryDesc address -> planning time of its plan, when planned just before.
static TRACKED: Local<RefCell<Vec<(usize, Option<f64>)>>> = Local(RefCell::new(Vec::new()));
/// Fingerprint -> plan id, and the INVAL_GENERATION it was filled in (older: cleared before use).
static PLAN_CACHE: Local<RefCell<(u64, Option<FingerprintMap>)>> = Local(RefCell::new((0, None)));
/// Bumped by every relcache invalidation and reset(): cached plan ids may name old objects.
static INVAL_GENERATION: Local<Cell<u64>> = Local(Cell::new(1));
/// Bumped whenever the planner ran in this backend (and with INVAL_GENERATION). A PlannedStmt only comes
/// into being through the planner (or a copy made right after it: the plan cache's), so while this
/// value is unchanged the PlannedStmt at an address cached under it is still the one that was
/// fingerprinted; executors never modify their plan. See README "Plan id rule".
static PLAN_GENERATION: Local<Cell<u64>> = Local(Cell::new(1));
/// PlannedStmt address -> plan id, so that re-executing a cached plan (PL/pgSQL, prepared statements)
/// skips the fingerprint walk.
static STMT_CACHE: Local<RefCell<[StmtSlot; STMT_CACHE_SLOTS]>> =
    Local(RefCell::new([EMPTY_SLOT; STMT_CACHE_SLOTS]));

fn bump(g: &Cell<u64>) {
    g.set(g.get().wrapping_add(1));
}

static mut PREV_START: pg_sys::ExecutorStart_hook_type = None;
static mut PREV_RUN: pg_sys::ExecutorRun_hook_type = None;
static mut PREV_FINISH: pg_sys::ExecutorFinish_hook_type = None;
static mut PREV_END: pg_sys::ExecutorEnd_hook_type = None;
static mut PREV_PLANNER: pg_sys::planner_hook_type = None;
static mut PREV_UTILITY: pg_sys::ProcessUtility_hook_type = None;
static mut PREV_SHMEM_STARTUP: pg_sys::shmem_startup_hook_type = None;
#[cfg(not(any(feature = "pg13", feature = "pg14")))]
static mut PREV_SHMEM_REQUEST: pg_sys::shmem_request_hook_type = None;

#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    GucRegistry::define_bool_guc(
        c"pg_querylens.enabled",
        c"Collect per-plan statistics.",
        c"",
        &ENABLED,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_enum_guc(
        c"pg_querylens.track",
        c"Statements tracked: top (client-issued), all (also nested in functions), none.",
        c"",
        &TRACK,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_float_guc(
        c"pg_querylens.sample_rate",
        c"Fraction of top-level statements tracked (0..1), decided per statement.",
        c"",
        &SAMPLE_RATE,
        0.0,
        1.0,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"pg_querylens.max_queries",
        c"Entries (dbid, userid, queryid, planid) kept; the least used are evicted.",
        c"",
        &MAX_QUERIES,
        100,
        100_000,
        GucContext::Postmaster,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"pg_querylens.max_plan_text",
        c"Bytes of obfuscated EXPLAIN JSON kept per entry.",
        c"",
        &MAX_PLAN_TEXT,
        0,
        1024 * 1024,
        GucContext::Postmaster,
        GucFlags::UNIT_BYTE,
    );
    GucRegistry::define_int_guc(
        c"pg_querylens.max_plan_changes",
        c"Plan changes kept (a ring: the oldest are overwritten).",
        c"",
        &MAX_PLAN_CHANGES,
        0,
        1_000_000,
        GucContext::Postmaster,
        GucFlags::default(),
    );
    // SAFETY: _PG_init runs once, single-threaded; hooks are chained as PostgreSQL expects.
    unsafe {
        // MarkGUCPrefixReserved is PostgreSQL 15's name for EmitWarningsOnPlaceholders.
        #[cfg(not(any(feature = "pg13", feature = "pg14")))]
        pg_sys::MarkGUCPrefixReserved(c"pg_querylens".as_ptr());
        #[cfg(any(feature = "pg13", feature = "pg14"))]
        pg_sys::EmitWarningsOnPlaceholders(c"pg_querylens".as_ptr());
        if !pg_sys::process_shared_preload_libraries_in_progress {
            return;
        }
        // Like pg_stat_statements: compute_query_id = auto (the default) then computes query ids.
        #[cfg(not(feature = "pg13"))]
        pg_sys::EnableQueryId();
        #[cfg(any(feature = "pg13", feature = "pg14"))]
        request_shmem();
        #[cfg(not(any(feature = "pg13", feature = "pg14")))]
        {
            PREV_SHMEM_REQUEST = pg_sys::shmem_request_hook;
            pg_sys::shmem_request_hook = Some(ql_shmem_request);
        }
        // Registered once in the postmaster; backends inherit it (not in shmem_startup, which runs again
        // after every crash restart and would exhaust the callback slots).
        pg_sys::CacheRegisterRelcacheCallback(Some(ql_relcache_inval), pg_sys::Datum::from(0usize));
        pg_sys::RegisterXactCallback(Some(ql_xact_callback), std::ptr::null_mut());
        pg_sys::RegisterSubXactCallback(Some(ql_subxact_callback), std::ptr::null_mut());
        PREV_SHMEM_STARTUP = pg_sys::shmem_startup_hook;
        pg_sys::shmem_startup_hook = Some(ql_shmem_startup);
        PREV_START = pg_sys::ExecutorStart_hook;
        pg_sys::ExecutorStart_hook = Some(ql_executor_start);
        PREV_RUN = pg_sys::ExecutorRun_hook;
        pg_sys::ExecutorRun_hook = Some(ql_executor_run);
        PREV_FINISH = pg_sys::ExecutorFinish_hook;
        pg_sys::ExecutorFinish_hook = Some(ql_executor_finish);
        PREV_END = pg_sys::ExecutorEnd_hook;
        pg_sys::ExecutorEnd_hook = Some(ql_executor_end);
        PREV_PLANNER = pg_sys::planner_hook;
        pg_sys::planner_hook = Some(ql_planner);
        PREV_UTILITY = pg_sys::ProcessUtility_hook;
        pg_sys::ProcessUtility_hook = Some(ql_process_utility);
    }
}

fn limits() -> (usize, usize, usize) {
    (
        usize::try_from(MAX_QUERIES.get()).unwrap_or(1000),
        usize::try_from(MAX_PLAN_TEXT.get()).unwrap_or(0),
        usize::try_from(MAX_PLAN_CHANGES.get()).unwrap_or(0),
    )
}

unsafe fn request_shmem() {
    let (max, text, ring) = limits();
    // SAFETY: called during shared memory request.
    unsafe {
        pg_sys::RequestAddinShmemSpace(store::shmem_size(max, text, ring));
        pg_sys::RequestNamedLWLockTranche(store::TRANCHE.as_ptr(), 1);
    }
}

#[cfg(not(any(feature = "pg13", feature = "pg14")))]
#[pg_guard]
unsafe extern "C-unwind" fn ql_shmem_request() {
    // SAFETY: chained hook.
    unsafe {
        if let Some(prev) = PREV_SHMEM_REQUEST {
            pg_guard_ffi_boundary(|| prev());
        }
        request_shmem();
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn ql_shmem_startup() {
    // SAFETY: chained hook.
    unsafe {
        if let Some(prev) = PREV_SHMEM_STARTUP {
            pg_guard_ffi_boundary(|| prev());
        }
        let (max, text, ring) = limits();
        store::attach(max, text, ring);
    }
}

/// Relation renamed, index dropped, ...: cached plan ids may name old objects; forget them (lazily: the
/// callback can run while a cache is in use).
#[pg_guard]
unsafe extern "C-unwind" fn ql_relcache_inval(_arg: pg_sys::Datum, _relid: pg_sys::Oid) {
    bump(&INVAL_GENERATION);
    bump(&PLAN_GENERATION);
}

fn is_parallel_worker() -> bool {
    // SAFETY: a plain global of the backend.
    unsafe { pg_sys::ParallelWorkerNumber >= 0 }
}

/// GUC values on the per-statement path, read without `GucSetting::get`'s thread check (a TLS lookup per
/// call; see Local).
fn enabled_now() -> bool {
    // SAFETY: PostgreSQL's GUC machinery writes this variable only between statements, on this thread.
    unsafe { *ENABLED.as_ptr() }
}

fn track_now() -> Track {
    // SAFETY: as in enabled_now; the value is one of the enum's ordinals (PostgreSQL checks it).
    <Track as pgrx::GucEnum>::from_ordinal(unsafe { *TRACK.as_ptr() })
}

fn sample_rate_now() -> f64 {
    // SAFETY: as in enabled_now.
    unsafe { *SAMPLE_RATE.as_ptr() }
}

fn tracking(nesting: i32) -> bool {
    enabled_now()
        && store::store().is_some()
        && match track_now() {
            Track::Top => nesting == 0,
            Track::All => true,
            Track::None => false,
        }
        && !is_parallel_worker()
}

fn random_unit() -> f64 {
    let mut x = RNG.get();
    if x == 0 {
        // SAFETY: plain globals/functions of the backend.
        let seed = unsafe { (pg_sys::MyProcPid as u64) << 32 ^ pg_sys::GetCurrentTimestamp() as u64 };
        x = seed | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    RNG.set(x);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Monotonic clock in milliseconds (what Instant does, without its overflow checks and conversions).
fn monotonic_ms() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: t is a valid timespec; CLOCK_MONOTONIC always exists on the platforms PostgreSQL runs on.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut t) };
    t.tv_sec as f64 * 1000.0 + t.tv_nsec as f64 / 1_000_000.0
}

/// Whether a utility statement runs statements of its own that count as nested (DO, CALL, EXPLAIN).
///
/// # Safety
/// `pstmt` is a valid PlannedStmt.
unsafe fn runs_nested_statements(pstmt: *const pg_sys::PlannedStmt) -> bool {
    use pg_sys::NodeTag as T;
    // SAFETY: the caller's PlannedStmt; utilityStmt is NULL or a valid node.
    unsafe {
        let u = (*pstmt).utilityStmt;
        !u.is_null() && matches!((*u).type_, T::T_DoStmt | T::T_CallStmt | T::T_ExplainStmt)
    }
}

/// One DO/CALL/EXPLAIN level, undone also when an ERROR unwinds through (pgrx's guard).
struct UtilityNest;

impl UtilityNest {
    fn enter() -> Self {
        NESTING.set(NESTING.get() + 1);
        UTILITY_NESTING.set(UTILITY_NESTING.get() + 1);
        UtilityNest
    }
}

impl Drop for UtilityNest {
    fn drop(&mut self) {
        NESTING.set(NESTING.get() - 1);
        UTILITY_NESTING.set(UTILITY_NESTING.get() - 1);
    }
}

/// Top-level abort: every executor and planner level was left (by the ERROR, or, for a ROLLBACK in a
/// procedure, none is open: transaction control is refused under an executor), so the levels are the
/// open DO/CALL/EXPLAIN frames. Runs after the aborted portals' executors were shut down.
#[pg_guard]
unsafe extern "C-unwind" fn ql_xact_callback(event: pg_sys::XactEvent::Type, _arg: *mut std::ffi::c_void) {
    use pg_sys::XactEvent as E;
    match event {
        E::XACT_EVENT_ABORT | E::XACT_EVENT_PARALLEL_ABORT => {
            NESTING.set(UTILITY_NESTING.get());
            if let Ok(mut s) = SUBXACTS.try_borrow_mut() {
                s.clear();
            }
            // Statements that failed never reached ExecutorEnd; no executor of this transaction is left.
            if let Ok(mut t) = TRACKED.try_borrow_mut() {
                t.clear();
            }
        }
        E::XACT_EVENT_COMMIT | E::XACT_EVENT_PARALLEL_COMMIT | E::XACT_EVENT_PREPARE => {
            if let Ok(mut s) = SUBXACTS.try_borrow_mut() {
                s.clear();
            }
        }
        _ => {}
    }
}

/// Subtransaction abort (a PL/pgSQL exception block, ROLLBACK TO SAVEPOINT): the executor and planner
/// levels return to what they were when it started.
#[pg_guard]
unsafe extern "C-unwind" fn ql_subxact_callback(
    event: pg_sys::SubXactEvent::Type,
    subid: pg_sys::SubTransactionId,
    _parent: pg_sys::SubTransactionId,
    _arg: *mut std::ffi::c_void,
) {
    use pg_sys::SubXactEvent as E;
    let Ok(mut s) = SUBXACTS.try_borrow_mut() else { return };
    match event {
        E::SUBXACT_EVENT_START_SUB if s.len() < SUBXACTS_MAX => {
            s.push((subid, NESTING.get() - UTILITY_NESTING.get()));
        }
        E::SUBXACT_EVENT_COMMIT_SUB => {
            while s.last().is_some_and(|&(id, _)| id >= subid) {
                s.pop();
            }
        }
        E::SUBXACT_EVENT_ABORT_SUB => {
            let mut level = None;
            while let Some(&(id, executor_levels)) = s.last() {
                if id < subid {
                    break;
                }
                level = Some(executor_levels);
                s.pop();
            }
            let executor_levels = level.or_else(|| s.last().map(|&(_, l)| l)).unwrap_or(0);
            NESTING.set(UTILITY_NESTING.get() + executor_levels);
        }
        _ => {}
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn ql_planner(
    parse: *mut pg_sys::Query,
    query_string: *const std::ffi::c_char,
    cursor_options: c_int,
    bound_params: pg_sys::ParamListInfo,
) -> *mut pg_sys::PlannedStmt {
    let nesting = NESTING.get();
    // SAFETY: parse is the planner's valid Query.
    let timed = tracking(nesting) && unsafe { !parse.is_null() && (*parse).queryId != 0 };
    let t0 = timed.then(monotonic_ms);
    NESTING.set(nesting + 1);
    // SAFETY: chained hook or the standard planner with the planner's own arguments. Unguarded: nothing
    // here has a destructor; an ERROR skips the decrement below and the abort callbacks repair it.
    let r = unsafe {
        match PREV_PLANNER {
            Some(prev) => prev(parse, query_string, cursor_options, bound_params),
            None => raw::standard_planner(parse, query_string, cursor_options, bound_params),
        }
    };
    NESTING.set(NESTING.get() - 1);
    // After the planner returned (not before): a statement executed during planning (a function folded
    // into a constant) may have cached an address the new plan can reuse.
    bump(&PLAN_GENERATION);
    if let Some(t0) = t0 {
        // SAFETY: as above.
        let qid = unsafe { (*parse).queryId };
        LAST_PLAN.set((qid, monotonic_ms() - t0));
    }
    r
}

/// Statements run by DO, CALL and EXPLAIN (ANALYZE) are nested (pg_stat_statements counts them so with
/// its default track_utility); other utility statements (EXECUTE, DECLARE, CREATE TABLE AS) are not, so
/// the statement they run is counted as the top-level one.
#[cfg(not(feature = "pg13"))]
#[pg_guard]
#[allow(clippy::too_many_arguments)]
unsafe extern "C-unwind" fn ql_process_utility(
    pstmt: *mut pg_sys::PlannedStmt,
    query_string: *const std::ffi::c_char,
    read_only_tree: bool,
    context: pg_sys::ProcessUtilityContext::Type,
    params: pg_sys::ParamListInfo,
    query_env: *mut pg_sys::QueryEnvironment,
    dest: *mut pg_sys::DestReceiver,
    qc: *mut pg_sys::QueryCompletion,
) {
    // SAFETY: pstmt is the utility statement being run.
    let nests = unsafe { runs_nested_statements(pstmt) };
    // SAFETY: chained hook or the standard utility processor with its own arguments.
    let next = || unsafe {
        match PREV_UTILITY {
            Some(prev) => prev(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc),
            None => raw::standard_ProcessUtility(
                pstmt,
                query_string,
                read_only_tree,
                context,
                params,
                query_env,
                dest,
                qc,
            ),
        }
    };
    if !nests {
        // Unguarded: no state here to restore if an ERROR passes, as in pg_stat_statements' hook.
        next();
        return;
    }
    let _n = UtilityNest::enter();
    // Guarded so that the level is undone when an ERROR passes (a ROLLBACK inside a procedure aborts
    // the transaction while this frame stays open, so the abort callback cannot know this level).
    // SAFETY: the closure calls PostgreSQL (or the chained hook) with the hook's own arguments.
    unsafe { pg_guard_ffi_boundary(next) }
}

/// PostgreSQL 13's ProcessUtility has no read_only_tree argument; otherwise as above.
#[cfg(feature = "pg13")]
#[pg_guard]
unsafe extern "C-unwind" fn ql_process_utility(
    pstmt: *mut pg_sys::PlannedStmt,
    query_string: *const std::ffi::c_char,
    context: pg_sys::ProcessUtilityContext::Type,
    params: pg_sys::ParamListInfo,
    query_env: *mut pg_sys::QueryEnvironment,
    dest: *mut pg_sys::DestReceiver,
    qc: *mut pg_sys::QueryCompletion,
) {
    // SAFETY: pstmt is the utility statement being run.
    let nests = unsafe { runs_nested_statements(pstmt) };
    let _n = nests.then(UtilityNest::enter);
    // SAFETY: chained hook or the standard utility processor with its own arguments.
    unsafe {
        match PREV_UTILITY {
            Some(prev) => {
                pg_guard_ffi_boundary(|| prev(pstmt, query_string, context, params, query_env, dest, qc))
            }
            None => {
                pg_sys::standard_ProcessUtility(pstmt, query_string, context, params, query_env, dest, qc)
            }
        }
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn ql_executor_start(qd: *mut pg_sys::QueryDesc, eflags: c_int) {
    let nesting = NESTING.get();
    let mut track = false;
    // SAFETY: qd is the executor's valid QueryDesc.
    let queryid = unsafe { (*(*qd).plannedstmt).queryId };
    let explain_only = eflags & pg_sys::EXEC_FLAG_EXPLAIN_ONLY as c_int != 0;
    if queryid != 0 && !explain_only && tracking(nesting) {
        if nesting == 0 {
            // SAFETY: sourceText is the statement's NUL-terminated text (or NULL).
            OWN.set(unsafe { collector_statement((*qd).sourceText) });
            let rate = sample_rate_now();
            SAMPLED.set(rate >= 1.0 || (rate > 0.0 && random_unit() < rate));
        }
        track = SAMPLED.get() && !OWN.get();
        if !track
            && !OWN.get()
            && let Some(s) = store::store()
        {
            // SAFETY: shared memory attached.
            unsafe { (*s.shared).dropped.fetch_add(1, Ordering::Relaxed) };
        }
    }
    // SAFETY: chained hook or the standard executor with the executor's own arguments. Called without
    // pgrx's guard (~85 instructions): nothing here has a destructor or state to restore, so an ERROR
    // (a permission check, a lock timeout) may pass through this frame to PostgreSQL's handler, as it
    // passes through pg_stat_statements' hook.
    unsafe {
        match PREV_START {
            Some(prev) => prev(qd, eflags),
            None => raw::standard_ExecutorStart(qd, eflags),
        }
    }
    if !track {
        return;
    }
    // SAFETY: after ExecutorStart, estate and its query context exist.
    unsafe {
        if (*qd).totaltime.is_null() {
            let old = pg_sys::CurrentMemoryContext;
            pg_sys::CurrentMemoryContext = (*(*qd).estate).es_query_cxt;
            // PostgreSQL 14 added the async_mode argument.
            #[cfg(not(feature = "pg13"))]
            {
                (*qd).totaltime = raw::InstrAlloc(1, INSTRUMENT_OPTIONS, false);
            }
            #[cfg(feature = "pg13")]
            {
                (*qd).totaltime = raw::InstrAlloc(1, INSTRUMENT_OPTIONS);
            }
            pg_sys::CurrentMemoryContext = old;
        }
    }
    let (planned, ms) = LAST_PLAN.get();
    let plan_ms = (planned == queryid).then(|| {
        LAST_PLAN.set((0, 0.0));
        ms
    });
    let mut t = TRACKED.borrow_mut();
    if t.len() >= TRACKED_MAX {
        t.clear();
    }
    t.push((qd as usize, plan_ms));
}

#[pg_guard]
unsafe extern "C-unwind" fn ql_executor_run(
    qd: *mut pg_sys::QueryDesc,
    direction: pg_sys::ScanDirection::Type,
    count: u64,
    execute_once: bool,
) {
    NESTING.set(NESTING.get() + 1);
    // SAFETY: chained hook or the standard executor; unguarded as in ql_planner.
    unsafe {
        match PREV_RUN {
            Some(prev) => prev(qd, direction, count, execute_once),
            None => raw::standard_ExecutorRun(qd, direction, count, execute_once),
        }
    }
    NESTING.set(NESTING.get() - 1);
}

#[pg_guard]
unsafe extern "C-unwind" fn ql_executor_finish(qd: *mut pg_sys::QueryDesc) {
    NESTING.set(NESTING.get() + 1);
    // SAFETY: chained hook or the standard executor; unguarded as in ql_planner.
    unsafe {
        match PREV_FINISH {
            Some(prev) => prev(qd),
            None => raw::standard_ExecutorFinish(qd),
        }
    }
    NESTING.set(NESTING.get() - 1);
}

#[pg_guard]
unsafe extern "C-unwind" fn ql_executor_end(qd: *mut pg_sys::QueryDesc) {
    let tracked = {
        let mut t = TRACKED.borrow_mut();
        t.iter().rposition(|(p, _)| *p == qd as usize).map(|i| t.swap_remove(i).1)
    };
    if let Some(plan_ms) = tracked {
        // SAFETY: the statement ran under our ExecutorStart; its QueryDesc is intact until
        // standard_ExecutorEnd below.
        unsafe { record(qd, plan_ms) };
    }
    // SAFETY: chained hook or the standard executor; unguarded as in ql_executor_start (nothing to undo
    // here: the statement's entry was taken out of TRACKED above).
    unsafe {
        match PREV_END {
            Some(prev) => prev(qd),
            None => raw::standard_ExecutorEnd(qd),
        }
    }
}

/// Print the running plan as `{"Plan": ...}` (EXPLAIN FORMAT JSON, COSTS OFF).
unsafe fn explain_json(qd: *mut pg_sys::QueryDesc) -> String {
    // SAFETY: as in auto_explain: the QueryDesc is valid and its plan state initialised.
    unsafe {
        let es = pg_sys::NewExplainState();
        (*es).format = pg_sys::ExplainFormat::EXPLAIN_FORMAT_JSON;
        (*es).costs = false;
        (*es).verbose = false;
        (*es).analyze = false;
        (*es).buffers = false;
        (*es).timing = false;
        (*es).summary = false;
        pg_sys::ExplainBeginOutput(es);
        pg_sys::ExplainPrintPlan(es, qd);
        pg_sys::ExplainEndOutput(es);
        let s = (*es).str_;
        let bytes =
            std::slice::from_raw_parts((*s).data.cast::<u8>(), usize::try_from((*s).len).unwrap_or(0));
        let mut out = String::from_utf8_lossy(bytes).into_owned();
        // ExplainBeginOutput opened a JSON array; the plan inside is a bare "Plan": {...} member.
        if out.starts_with('[') && out.ends_with(']') {
            out.replace_range(0..1, "{");
            let n = out.len();
            out.replace_range(n - 1..n, "}");
        }
        out
    }
}

/// Plan id and obfuscated plan text by dbintel-sql's rules. `None` if the plan cannot be analysed.
fn analyse(json: &str) -> Option<(i64, String)> {
    let a = dbintel_sql::analyze_plan(dbintel_sql::Dialect::Postgresql, json).ok()?;
    let id = u64::from_str_radix(&a.summary.plan_hash, 16).ok()? as i64;
    let text = serde_json::to_string(&a.obfuscated_plan).ok()?;
    Some((id, text))
}

fn stmt_slot(stmt: *mut pg_sys::PlannedStmt) -> usize {
    // Fibonacci hashing of the address: allocations share their low bits.
    ((stmt as usize as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize % STMT_CACHE_SLOTS
}

/// What the cache compares besides the address.
unsafe fn stmt_look(stmt: *mut pg_sys::PlannedStmt) -> StmtLook {
    // SAFETY: stmt is the running statement's valid PlannedStmt.
    unsafe {
        let top = (*stmt).planTree;
        let (top_tag, total_cost_bits) =
            if top.is_null() { (0, 0) } else { ((*top).type_ as u32, (*top).total_cost.to_bits()) };
        StmtLook { queryid: (*stmt).queryId, top: top as usize, top_tag, total_cost_bits }
    }
}

/// The plan id cached for this very PlannedStmt, if no planning happened since it was cached.
fn stmt_cached(stmt: *mut pg_sys::PlannedStmt, look: &StmtLook) -> Option<i64> {
    let slot = STMT_CACHE.borrow()[stmt_slot(stmt)];
    (slot.stmt == stmt as usize && slot.generation == PLAN_GENERATION.get() && slot.look == *look)
        .then_some(slot.planid)
}

/// Cache this PlannedStmt's plan id, unless the planner ran since `generation` was read (the id may
/// then belong to an older plan at this address).
fn stmt_remember(stmt: *mut pg_sys::PlannedStmt, generation: u64, look: StmtLook, planid: i64) {
    if generation == PLAN_GENERATION.get() {
        STMT_CACHE.borrow_mut()[stmt_slot(stmt)] = StmtSlot { stmt: stmt as usize, generation, look, planid };
    }
}

fn fingerprint_cached(fp: u64) -> Option<i64> {
    let c = PLAN_CACHE.borrow();
    if c.0 != INVAL_GENERATION.get() {
        return None;
    }
    c.1.as_ref().and_then(|m| m.get(&fp).copied())
}

/// Cache a fingerprint's plan id, unless an invalidation arrived since `generation` was read (the plan
/// may have been printed with the old names).
fn fingerprint_remember(fp: u64, generation: u64, planid: i64) {
    if generation != INVAL_GENERATION.get() {
        return;
    }
    let mut c = PLAN_CACHE.borrow_mut();
    if c.0 != generation {
        *c = (generation, None);
    }
    let m = c.1.get_or_insert_with(FingerprintMap::default);
    if m.len() >= PLAN_CACHE_MAX {
        m.clear();
    }
    m.insert(fp, planid);
}

/// Plan id of the running statement: from the PlannedStmt cache, else from the fingerprint cache, else
/// by printing and analysing the plan (then also its obfuscated text). `None`: not analysable.
unsafe fn plan_id(
    qd: *mut pg_sys::QueryDesc,
    stmt: *mut pg_sys::PlannedStmt,
) -> Option<(i64, Option<String>)> {
    // SAFETY: stmt is the running statement's PlannedStmt (see ql_executor_end).
    let look = unsafe { stmt_look(stmt) };
    if let Some(id) = stmt_cached(stmt, &look) {
        return Some((id, None));
    }
    let (plan_generation, inval_generation) = (PLAN_GENERATION.get(), INVAL_GENERATION.get());
    // SAFETY: as above.
    let fp = unsafe { fingerprint::plan_fingerprint(stmt) };
    let (id, text) = match fingerprint_cached(fp) {
        Some(id) => (id, None),
        None => {
            // SAFETY: the QueryDesc is intact until standard_ExecutorEnd.
            let (id, text) = analyse(&unsafe { explain_json(qd) })?;
            fingerprint_remember(fp, inval_generation, id);
            (id, Some(text))
        }
    };
    stmt_remember(stmt, plan_generation, look, id);
    Some((id, text))
}

unsafe fn record(qd: *mut pg_sys::QueryDesc, plan_ms: Option<f64>) {
    let Some(s) = store::store() else { return };
    // SAFETY: see ql_executor_end. The raw:: calls raise no ERROR here (see raw.rs).
    unsafe {
        let stmt = (*qd).plannedstmt;
        let tt = (*qd).totaltime;
        if stmt.is_null() || tt.is_null() || (*stmt).queryId == 0 {
            return;
        }
        raw::InstrEndLoop(tt);
        let b = &(*tt).bufusage;
        let x = store::Sample {
            ms: (*tt).total * 1000.0,
            rows: i64::try_from((*(*qd).estate).es_processed).unwrap_or(i64::MAX),
            buf: [
                b.shared_blks_hit,
                b.shared_blks_read,
                b.shared_blks_dirtied,
                b.shared_blks_written,
                b.local_blks_hit,
                b.local_blks_read,
                b.temp_blks_read,
                b.temp_blks_written,
            ],
            plan_ms,
            now: raw::GetCurrentTimestamp(),
        };
        let Some((planid, fresh)) = plan_id(qd, stmt) else {
            (*s.shared).dropped.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let key = store::Key {
            dbid: pg_sys::MyDatabaseId.to_u32(),
            userid: raw::GetUserId().to_u32(),
            queryid: (*stmt).queryId as i64,
            planid,
        };
        match store::record_fast(s, &key, &x) {
            store::Fast::Done => {}
            store::Fast::PlanSwitch => store::record_slow(s, &key, None, None),
            store::Fast::Missing => {
                let text = match fresh {
                    Some(t) => t,
                    None => analyse(&explain_json(qd)).map(|(_, t)| t).unwrap_or_default(),
                };
                store::record_slow(s, &key, Some(&x), Some(&text));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// SQL interface (schema querylens; see the extension_sql! block below for views and privileges)

fn need_store() -> &'static store::Store {
    match store::store() {
        Some(s) => s,
        None => error!("pg_querylens must be loaded via shared_preload_libraries"),
    }
}

fn ts(t: i64) -> Option<TimestampWithTimeZone> {
    if t == 0 { None } else { TimestampWithTimeZone::try_from(t).ok() }
}

fn opt_f(x: f64) -> Option<f64> {
    if x.is_finite() { Some(x) } else { None }
}

type StatsRow = (
    name!(dbid, pg_sys::Oid),
    name!(userid, pg_sys::Oid),
    name!(queryid, i64),
    name!(planid, i64),
    name!(calls, i64),
    name!(total_exec_time, f64),
    name!(min_exec_time, f64),
    name!(max_exec_time, f64),
    name!(mean_exec_time, f64),
    name!(stddev_exec_time, f64),
    name!(rows, i64),
    name!(shared_blks_hit, i64),
    name!(shared_blks_read, i64),
    name!(shared_blks_dirtied, i64),
    name!(shared_blks_written, i64),
    name!(local_blks_hit, i64),
    name!(local_blks_read, i64),
    name!(temp_blks_read, i64),
    name!(temp_blks_written, i64),
    name!(plans, i64),
    name!(total_plan_time, f64),
    name!(first_seen, Option<TimestampWithTimeZone>),
    name!(last_seen, Option<TimestampWithTimeZone>),
    name!(plan, Option<String>),
);

fn to_row(r: store::Row) -> StatsRow {
    let c = r.c;
    let stddev = if c.calls > 0 { (c.sum_var / c.calls as f64).sqrt() } else { 0.0 };
    (
        pg_sys::Oid::from(r.key.dbid),
        pg_sys::Oid::from(r.key.userid),
        r.key.queryid,
        r.key.planid,
        c.calls,
        c.total,
        c.min,
        c.max,
        c.mean,
        stddev,
        c.rows,
        c.shared_hit,
        c.shared_read,
        c.shared_dirtied,
        c.shared_written,
        c.local_hit,
        c.local_read,
        c.temp_read,
        c.temp_written,
        c.plans,
        c.plan_time,
        ts(c.first_seen),
        ts(c.last_seen),
        r.plan,
    )
}

// The column list repeats `StatsRow`: `#[pg_extern]` reads the SQL column names from the `name!`
// tokens written in the signature and cannot see through a type alias.
#[pg_extern(volatile, parallel_restricted)]
fn query_stats_raw(
    with_plan: bool,
) -> TableIterator<
    'static,
    (
        name!(dbid, pg_sys::Oid),
        name!(userid, pg_sys::Oid),
        name!(queryid, i64),
        name!(planid, i64),
        name!(calls, i64),
        name!(total_exec_time, f64),
        name!(min_exec_time, f64),
        name!(max_exec_time, f64),
        name!(mean_exec_time, f64),
        name!(stddev_exec_time, f64),
        name!(rows, i64),
        name!(shared_blks_hit, i64),
        name!(shared_blks_read, i64),
        name!(shared_blks_dirtied, i64),
        name!(shared_blks_written, i64),
        name!(local_blks_hit, i64),
        name!(local_blks_read, i64),
        name!(temp_blks_read, i64),
        name!(temp_blks_written, i64),
        name!(plans, i64),
        name!(total_plan_time, f64),
        name!(first_seen, Option<TimestampWithTimeZone>),
        name!(last_seen, Option<TimestampWithTimeZone>),
        name!(plan, Option<String>),
    ),
> {
    let s = need_store();
    TableIterator::new(store::snapshot(s, with_plan).into_iter().filter(|r| r.c.calls > 0).map(to_row))
}

#[pg_extern(volatile, parallel_restricted)]
fn plan_changes_raw() -> TableIterator<
    'static,
    (
        name!(dbid, pg_sys::Oid),
        name!(userid, pg_sys::Oid),
        name!(queryid, i64),
        name!(old_planid, i64),
        name!(new_planid, i64),
        name!(changed_at, Option<TimestampWithTimeZone>),
        name!(old_mean_exec_time, Option<f64>),
        name!(new_mean_exec_time, Option<f64>),
    ),
> {
    let s = need_store();
    TableIterator::new(store::changes(s).into_iter().rev().map(|c| {
        (
            pg_sys::Oid::from(c.dbid),
            pg_sys::Oid::from(c.userid),
            c.queryid,
            c.old_planid,
            c.new_planid,
            ts(c.changed_at),
            opt_f(c.old_mean),
            opt_f(c.new_mean),
        )
    }))
}

#[pg_extern(volatile, parallel_restricted)]
fn reset() {
    store::reset(need_store());
    bump(&INVAL_GENERATION);
    bump(&PLAN_GENERATION);
}

#[pg_extern(volatile, parallel_restricted)]
fn info() -> TableIterator<
    'static,
    (
        name!(version, String),
        name!(entries, i64),
        name!(max_entries, i64),
        name!(evictions, i64),
        name!(plan_changes, i64),
        name!(dropped_samples, i64),
        name!(track, String),
        name!(sample_rate, f64),
        name!(enabled, bool),
        name!(stats_since, Option<TimestampWithTimeZone>),
    ),
> {
    let s = need_store();
    // SAFETY: shared memory attached (need_store).
    let sh = unsafe { &*s.shared };
    let n = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
    TableIterator::once((
        VERSION.to_string(),
        n(store::entries(s) as u64),
        n(s.max_entries as u64),
        n(sh.evictions.load(Ordering::Relaxed)),
        n(sh.changes.load(Ordering::Relaxed)),
        n(sh.dropped.load(Ordering::Relaxed)),
        TRACK.get().as_str().to_string(),
        SAMPLE_RATE.get(),
        ENABLED.get(),
        ts(sh.stats_since.load(Ordering::Relaxed)),
    ))
}

/// dbintel-sql's plan id of an EXPLAIN (FORMAT JSON) document, as the signed bigint the views show.
/// For tests and for checking a plan by hand.
#[pg_extern(immutable, parallel_safe)]
fn plan_id_of(explain_json: &str) -> Option<i64> {
    analyse(explain_json).map(|(id, _)| id)
}

extension_sql!(
    r#"
CREATE VIEW query_stats AS SELECT * FROM query_stats_raw(true);
CREATE VIEW plan_changes AS
  SELECT c.dbid, c.userid, c.queryid, c.old_planid, c.new_planid, c.changed_at,
         c.old_mean_exec_time, coalesce(n.mean_exec_time, c.new_mean_exec_time) AS new_mean_exec_time,
         o.plan AS old_plan, n.plan AS new_plan
    FROM plan_changes_raw() c
    LEFT JOIN query_stats o ON (o.dbid, o.userid, o.queryid, o.planid) = (c.dbid, c.userid, c.queryid, c.old_planid)
    LEFT JOIN query_stats n ON (n.dbid, n.userid, n.queryid, n.planid) = (c.dbid, c.userid, c.queryid, c.new_planid);
CREATE FUNCTION top_queries_by_time(n int DEFAULT 10) RETURNS SETOF query_stats
  LANGUAGE sql STABLE AS $$ SELECT * FROM querylens.query_stats ORDER BY total_exec_time DESC LIMIT n $$;

REVOKE ALL ON FUNCTION query_stats_raw(bool), plan_changes_raw(), reset(), info(),
  top_queries_by_time(int) FROM PUBLIC;
REVOKE ALL ON query_stats, plan_changes FROM PUBLIC;
GRANT USAGE ON SCHEMA querylens TO pg_monitor;
GRANT EXECUTE ON FUNCTION query_stats_raw(bool), plan_changes_raw(), info(), top_queries_by_time(int)
  TO pg_monitor;
GRANT SELECT ON query_stats, plan_changes TO pg_monitor;
"#,
    name = "views",
    requires = [query_stats_raw, plan_changes_raw, reset, info],
    finalize
);
