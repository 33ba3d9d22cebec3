//! Unguarded declarations of the PostgreSQL functions called once per tracked statement.
//!
//! pgrx wraps every `pg_sys` function in a guard (a thread check, `sigsetjmp`, saving and restoring
//! PostgreSQL's exception stack: about 85 instructions per call, measured with callgrind) so that an
//! ERROR raised inside becomes a Rust panic that runs destructors. These functions raise no ERROR in the
//! way they are used here (noted per function), and their callers hold no value with a destructor while
//! calling them, so the guard would buy nothing; the per-statement path called twelve guarded functions,
//! which cost more than all of pg_stat_statements. An ERROR that passes through a Rust frame without
//! pending destructors (a "plain old frame") is defined behaviour. What must run code when an ERROR
//! passes (the nesting level around ExecutorRun/Finish and the planner) and what can fail on data
//! (ExplainPrintPlan, inserting entries) still goes through pgrx's guard.

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
}
