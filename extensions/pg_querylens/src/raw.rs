//! Unguarded declarations of the PostgreSQL functions called once per tracked statement.
//!
//! pgrx wraps every `pg_sys` function in a guard (a thread check, `sigsetjmp`, saving and restoring
//! PostgreSQL's exception stack: about 85 instructions per call, measured with callgrind) so that an
//! ERROR raised inside becomes a Rust panic that runs destructors. These functions raise no ERROR in the
//! way they are used here (noted per function), and their callers hold no value with a destructor while
//! calling them, so the guard would buy nothing; the per-statement path called twelve guarded functions,
//! which cost more than all of pg_stat_statements. An ERROR that passes through a Rust frame without
//! pending destructors (a "plain old frame") is defined behaviour. The chained executor and planner
//! hooks are called so too: their nesting level is repaired by the (sub)transaction abort callbacks
//! instead of a destructor. What can fail on data (ExplainPrintPlan, inserting entries) and the
//! DO/CALL/EXPLAIN utility level still go through pgrx's guard.

use std::ffi::{c_int, c_void};

use pgrx::pg_sys;

unsafe extern "C-unwind" {
    /// HASH_FIND only: a lookup never raises an ERROR (HASH_ENTER would, on a full table).
    pub fn hash_search_with_hash_value(
        hashp: *mut pg_sys::HTAB,
        key: *const c_void,
        hashvalue: u32,
        action: pg_sys::HASHACTION::Type,
        found: *mut bool,
    ) -> *mut c_void;
    /// Raises an ERROR only when this backend already holds MAX_SIMUL_LWLOCKS (200) LWLocks; the executor
    /// hooks never run while any is held.
    pub fn LWLockAcquire(lock: *mut pg_sys::LWLock, mode: pg_sys::LWLockMode::Type) -> bool;
    /// Raises an ERROR only for a lock this backend does not hold (a bug, not a runtime condition).
    pub fn LWLockRelease(lock: *mut pg_sys::LWLock);
    /// gettimeofday; no error path.
    pub fn GetCurrentTimestamp() -> pg_sys::TimestampTz;
    /// Reads a backend global; no error path.
    pub fn GetUserId() -> pg_sys::Oid;
    /// Raises an ERROR only when called on a running node (a bug); ExecutorEnd's instrumentation is stopped.
    pub fn InstrEndLoop(instr: *mut pg_sys::Instrumentation);
    /// palloc0 in the current memory context: an ERROR only when out of memory, which the caller can
    /// let pass (it holds nothing to clean up, as pg_stat_statements' ExecutorStart hook).
    #[cfg(not(feature = "pg13"))]
    pub fn InstrAlloc(n: c_int, instrument_options: c_int, async_mode: bool) -> *mut pg_sys::Instrumentation;
    #[cfg(feature = "pg13")]
    pub fn InstrAlloc(n: c_int, instrument_options: c_int) -> *mut pg_sys::Instrumentation;
    /// These two do raise ERRORs (permission checks, lock timeouts, ...); the executor hooks call them
    /// holding nothing with a destructor and no state to restore, so the ERROR passes through those frames
    /// to PostgreSQL's handler exactly as it passes through pg_stat_statements' hooks.
    pub fn standard_ExecutorStart(qd: *mut pg_sys::QueryDesc, eflags: c_int);
    pub fn standard_ExecutorEnd(qd: *mut pg_sys::QueryDesc);
    /// Also raise ERRORs; the hooks count their nesting level without a destructor and the (sub)transaction
    /// abort callbacks restore it (see ql_xact_callback in lib.rs).
    pub fn standard_ExecutorRun(
        qd: *mut pg_sys::QueryDesc,
        direction: pg_sys::ScanDirection::Type,
        count: u64,
        execute_once: bool,
    );
    pub fn standard_ExecutorFinish(qd: *mut pg_sys::QueryDesc);
    pub fn standard_planner(
        parse: *mut pg_sys::Query,
        query_string: *const std::ffi::c_char,
        cursor_options: c_int,
        bound_params: pg_sys::ParamListInfo,
    ) -> *mut pg_sys::PlannedStmt;
    #[cfg(not(feature = "pg13"))]
    #[allow(clippy::too_many_arguments)]
    pub fn standard_ProcessUtility(
        pstmt: *mut pg_sys::PlannedStmt,
        query_string: *const std::ffi::c_char,
        read_only_tree: bool,
        context: pg_sys::ProcessUtilityContext::Type,
        params: pg_sys::ParamListInfo,
        query_env: *mut pg_sys::QueryEnvironment,
        dest: *mut pg_sys::DestReceiver,
        qc: *mut pg_sys::QueryCompletion,
    );
}
