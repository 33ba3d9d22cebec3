//! pg_querylens: per-plan query statistics with structural plan ids, for PostgreSQL 13-17 (pgrx).
//!
//! Executor hooks time every tracked statement; at ExecutorEnd the finished plan tree is fingerprinted
//! (cheap walk), the fingerprint is mapped to the plan id through a backend-local cache (on a miss the plan
//! is printed once as `EXPLAIN (FORMAT JSON, COSTS OFF)` and fed to dbintel-sql's `analyze_plan`, which
//! yields the plan id and the obfuscated plan text), and the counters of the (dbid, userid, queryid,
//! planid) entry in shared memory are updated. See README.md.

// pgrx needs the row types of set-returning functions spelled out in the signature.
#![allow(clippy::type_complexity)]

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::c_int;
use std::sync::atomic::Ordering;
use std::time::Instant;

use pgrx::datum::TimestampWithTimeZone;
use pgrx::pg_sys;
use pgrx::pg_sys::submodules::ffi::pg_guard_ffi_boundary;
use pgrx::prelude::*;
use pgrx::{GucContext, GucFlags, GucRegistry, GucSetting};

mod fingerprint;
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
/// Statements started but not yet ended in this backend that are tracked (cursors can interleave).
const TRACKED_MAX: usize = 256;

thread_local! {
    static NESTING: Cell<i32> = const { Cell::new(0) };
    /// Whether the current top-level statement is sampled (nested statements follow it).
    static SAMPLED: Cell<bool> = const { Cell::new(true) };
    static RNG: Cell<u64> = const { Cell::new(0) };
    /// Query id of the last statement planned in this backend and its planning time (ms). Matched by
    /// query id, not by PlannedStmt address: the plan cache copies the planner's result.
    static LAST_PLAN: Cell<(u64, f64)> = const { Cell::new((0, 0.0)) };
    /// queryDesc address -> planning time of its plan, when planned just before.
    static TRACKED: RefCell<Vec<(usize, Option<f64>)>> = const { RefCell::new(Vec::new()) };
    static PLAN_CACHE: RefCell<Option<HashMap<u64, i64>>> = const { RefCell::new(None) };
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

/// Relation renamed, index dropped, ...: cached plan ids may name old objects; forget them.
#[pg_guard]
unsafe extern "C-unwind" fn ql_relcache_inval(_arg: pg_sys::Datum, _relid: pg_sys::Oid) {
    PLAN_CACHE.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            *c = None;
        }
    });
}

fn is_parallel_worker() -> bool {
    // SAFETY: a plain global of the backend.
    unsafe { pg_sys::ParallelWorkerNumber >= 0 }
}

fn tracking(nesting: i32) -> bool {
    ENABLED.get()
        && store::store().is_some()
        && match TRACK.get() {
            Track::Top => nesting == 0,
            Track::All => true,
            Track::None => false,
        }
        && !is_parallel_worker()
}

fn random_unit() -> f64 {
    RNG.with(|r| {
        let mut x = r.get();
        if x == 0 {
            // SAFETY: plain globals/functions of the backend.
            let seed = unsafe { (pg_sys::MyProcPid as u64) << 32 ^ pg_sys::GetCurrentTimestamp() as u64 };
            x = seed | 1;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        r.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

struct Nest;

impl Nest {
    fn enter() -> Self {
        NESTING.with(|n| n.set(n.get() + 1));
        Nest
    }
}

impl Drop for Nest {
    fn drop(&mut self) {
        NESTING.with(|n| n.set(n.get() - 1));
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn ql_planner(
    parse: *mut pg_sys::Query,
    query_string: *const std::ffi::c_char,
    cursor_options: c_int,
    bound_params: pg_sys::ParamListInfo,
) -> *mut pg_sys::PlannedStmt {
    let nesting = NESTING.with(Cell::get);
    // SAFETY: parse is the planner's valid Query.
    let timed = tracking(nesting) && unsafe { !parse.is_null() && (*parse).queryId != 0 };
    let t0 = timed.then(Instant::now);
    let r = {
        let _n = Nest::enter();
        // SAFETY: chained hook or the standard planner with the planner's own arguments.
        unsafe {
            match PREV_PLANNER {
                Some(prev) => {
                    pg_guard_ffi_boundary(|| prev(parse, query_string, cursor_options, bound_params))
                }
                None => pg_sys::standard_planner(parse, query_string, cursor_options, bound_params),
            }
        }
    };
    if let Some(t0) = t0 {
        // SAFETY: as above.
        let qid = unsafe { (*parse).queryId };
        LAST_PLAN.with(|l| l.set((qid, t0.elapsed().as_secs_f64() * 1000.0)));
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
    use pg_sys::NodeTag as T;
    // SAFETY: pstmt is the utility statement being run.
    let nests = unsafe {
        let u = (*pstmt).utilityStmt;
        !u.is_null() && matches!((*u).type_, T::T_DoStmt | T::T_CallStmt | T::T_ExplainStmt)
    };
    let _n = nests.then(Nest::enter);
    // SAFETY: chained hook or the standard utility processor with its own arguments.
    unsafe {
        match PREV_UTILITY {
            Some(prev) => pg_guard_ffi_boundary(|| {
                prev(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc)
            }),
            None => pg_sys::standard_ProcessUtility(
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
    }
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
    use pg_sys::NodeTag as T;
    // SAFETY: pstmt is the utility statement being run.
    let nests = unsafe {
        let u = (*pstmt).utilityStmt;
        !u.is_null() && matches!((*u).type_, T::T_DoStmt | T::T_CallStmt | T::T_ExplainStmt)
    };
    let _n = nests.then(Nest::enter);
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
    let nesting = NESTING.with(Cell::get);
    let mut track = false;
    // SAFETY: qd is the executor's valid QueryDesc.
    let queryid = unsafe { (*(*qd).plannedstmt).queryId };
    let explain_only = eflags & pg_sys::EXEC_FLAG_EXPLAIN_ONLY as c_int != 0;
    if queryid != 0 && !explain_only && tracking(nesting) {
        if nesting == 0 {
            let rate = SAMPLE_RATE.get();
            SAMPLED.with(|s| s.set(rate >= 1.0 || (rate > 0.0 && random_unit() < rate)));
        }
        track = SAMPLED.with(Cell::get);
        if !track && let Some(s) = store::store() {
            // SAFETY: shared memory attached.
            unsafe { (*s.shared).dropped.fetch_add(1, Ordering::Relaxed) };
        }
    }
    // SAFETY: chained hook or the standard executor with the executor's own arguments.
    unsafe {
        match PREV_START {
            Some(prev) => pg_guard_ffi_boundary(|| prev(qd, eflags)),
            None => pg_sys::standard_ExecutorStart(qd, eflags),
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
                (*qd).totaltime = pg_sys::InstrAlloc(1, INSTRUMENT_OPTIONS, false);
            }
            #[cfg(feature = "pg13")]
            {
                (*qd).totaltime = pg_sys::InstrAlloc(1, INSTRUMENT_OPTIONS);
            }
            pg_sys::CurrentMemoryContext = old;
        }
    }
    let plan_ms = LAST_PLAN.with(|l| {
        let (p, ms) = l.get();
        (p == queryid).then(|| {
            l.set((0, 0.0));
            ms
        })
    });
    TRACKED.with(|t| {
        let mut t = t.borrow_mut();
        if t.len() >= TRACKED_MAX {
            t.clear();
        }
        t.push((qd as usize, plan_ms));
    });
}

#[pg_guard]
unsafe extern "C-unwind" fn ql_executor_run(
    qd: *mut pg_sys::QueryDesc,
    direction: pg_sys::ScanDirection::Type,
    count: u64,
    execute_once: bool,
) {
    let _n = Nest::enter();
    // SAFETY: chained hook or the standard executor.
    unsafe {
        match PREV_RUN {
            Some(prev) => pg_guard_ffi_boundary(|| prev(qd, direction, count, execute_once)),
            None => pg_sys::standard_ExecutorRun(qd, direction, count, execute_once),
        }
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn ql_executor_finish(qd: *mut pg_sys::QueryDesc) {
    let _n = Nest::enter();
    // SAFETY: chained hook or the standard executor.
    unsafe {
        match PREV_FINISH {
            Some(prev) => pg_guard_ffi_boundary(|| prev(qd)),
            None => pg_sys::standard_ExecutorFinish(qd),
        }
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn ql_executor_end(qd: *mut pg_sys::QueryDesc) {
    let tracked = TRACKED.with(|t| {
        let mut t = t.borrow_mut();
        t.iter().rposition(|(p, _)| *p == qd as usize).map(|i| t.swap_remove(i).1)
    });
    if let Some(plan_ms) = tracked {
        // SAFETY: the statement ran under our ExecutorStart; its QueryDesc is intact until
        // standard_ExecutorEnd below.
        unsafe { record(qd, plan_ms) };
    }
    // SAFETY: chained hook or the standard executor.
    unsafe {
        match PREV_END {
            Some(prev) => pg_guard_ffi_boundary(|| prev(qd)),
            None => pg_sys::standard_ExecutorEnd(qd),
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

unsafe fn record(qd: *mut pg_sys::QueryDesc, plan_ms: Option<f64>) {
    let Some(s) = store::store() else { return };
    // SAFETY: see ql_executor_end.
    unsafe {
        let stmt = (*qd).plannedstmt;
        let tt = (*qd).totaltime;
        if stmt.is_null() || tt.is_null() || (*stmt).queryId == 0 {
            return;
        }
        pg_sys::InstrEndLoop(tt);
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
            now: pg_sys::GetCurrentTimestamp(),
        };
        let fp = fingerprint::plan_fingerprint(stmt);
        let mut fresh: Option<String> = None;
        let cached = PLAN_CACHE.with(|c| c.borrow().as_ref().and_then(|m| m.get(&fp).copied()));
        let planid = match cached {
            Some(p) => p,
            None => {
                let Some((id, text)) = analyse(&explain_json(qd)) else {
                    s.shared.as_ref().map(|sh| sh.dropped.fetch_add(1, Ordering::Relaxed));
                    return;
                };
                PLAN_CACHE.with(|c| {
                    let mut c = c.borrow_mut();
                    let m = c.get_or_insert_with(HashMap::new);
                    if m.len() >= PLAN_CACHE_MAX {
                        m.clear();
                    }
                    m.insert(fp, id);
                });
                fresh = Some(text);
                id
            }
        };
        let key = store::Key {
            dbid: pg_sys::MyDatabaseId.to_u32(),
            userid: pg_sys::GetUserId().to_u32(),
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
    PLAN_CACHE.with(|c| *c.borrow_mut() = None);
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
