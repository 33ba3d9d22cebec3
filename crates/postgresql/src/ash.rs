//! Active session history for PostgreSQL (`active_session_history`, off by default): a task of its
//! own reads pg_stat_activity every `sampling_interval` (1s) on a connection of its own and folds
//! each reading into the shared [`dbintel_dbclient::ash::Ash`] (adaptive rate, bounded ring); the
//! receiver's scrape drains it once per `collection_interval` into the `db.ash.*` metrics and
//! `db.ash.sample` events. When the receiver's feature detection (the shared
//! `dbintel_dbclient::features`, one path for every receiver) finds pg_wait_sampling installed,
//! loaded and readable, the wait profile comes from `pg_wait_sampling_profile` (the extension
//! samples every backend every `pg_wait_sampling.profile_period`, 10ms by default, inside the
//! server) instead of the 1s readings; the readings still give sessions, blocking and the events.
//!
//! The sampling task obeys admission and the circuit breaker of its database like the other
//! collectors (paused while it is open, slowed while it sheds: [`dbintel_dbclient::ash::breaker_stride`])
//! and its connection counts in `dbintel_postgresql_connections_open`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dbintel_core::Admit;
use dbintel_core::admission::Admission;
use dbintel_core::breaker::BreakerHandle;
use dbintel_core::pdata::now_unix_nanos;
use dbintel_core::telemetry::{Gauge, Registry};
use dbintel_dbclient::Streak;
use dbintel_dbclient::ash::{
    Ash, AshConfig, AshOutput, AshTelemetry, BreakerGate, ProfileDeltas, SessionRow, lock,
};
use dbintel_dbclient::features::Features;
use tokio::task::JoinHandle;
use tokio_postgres_rustls::MakeRustlsConnect;
use tokio_util::sync::CancellationToken;

use crate::config::ConnectPlan;
use crate::conn::{ConnOwner, PgConn, Row};
use crate::query::PREFIX;

/// `dbintel.ash.source` of a profile from the extension.
pub const SOURCE_PG_WAIT_SAMPLING: &str = "pg_wait_sampling";

/// The session reading, PostgreSQL 10 and later (`query_id` from 14). Idle sessions, the
/// collector's own statements and background processes other than autovacuum and parallel workers
/// are left out; `pg_blocking_pids` (which takes the lock manager's locks) runs only for sessions
/// waiting on a lock.
pub fn sample_sql(major: u32) -> String {
    let query_id = if major >= 14 { "sa.query_id::text" } else { "NULL::text" };
    format!(
        "SELECT sa.pid, COALESCE(sa.datname::text, '') AS datname, COALESCE(sa.usename::text, '') AS usename, \
         COALESCE(sa.application_name, '') AS app, COALESCE(sa.state, '') AS state, \
         COALESCE(sa.wait_event_type, '') AS wait_type, COALESCE(sa.wait_event, '') AS wait_event, \
         {query_id} AS query_id, COALESCE(sa.query, '') AS query, \
         CASE WHEN sa.state = 'active' THEN (extract(epoch FROM clock_timestamp() - sa.query_start) * 1e3)::float8 END AS running_ms, \
         CASE WHEN sa.wait_event_type = 'Lock' THEN pg_blocking_pids(sa.pid)::text END AS blocking, \
         CASE WHEN sa.wait_event_type = 'Lock' THEN (SELECT l.locktype FROM pg_locks l \
              WHERE l.pid = sa.pid AND NOT l.granted LIMIT 1) END AS lock_type, \
         COALESCE(sa.backend_type, '') AS backend_type \
         FROM pg_stat_activity sa \
         WHERE sa.pid <> pg_backend_pid() AND sa.state IS DISTINCT FROM 'idle' \
           AND sa.backend_type IN ('client backend', 'autovacuum worker', 'parallel worker') \
           AND left(COALESCE(sa.query, ''), {plen}) <> '{PREFIX}'",
        plen = PREFIX.len()
    )
}

/// What the sampling task obeys and where its connection is counted.
pub struct Guards {
    pub admission: Admission,
    /// The receiver's breakers: the task reads only while its database's breaker allows it, at
    /// the pace its shed level leaves.
    pub breaker: BreakerHandle,
    /// `dbintel_postgresql_connections_open`: the task's connection counts while it is open.
    pub live: Option<Gauge>,
}

/// The profile period pg_wait_sampling serves with, from a detection: installed, loaded (its
/// settings exist) and readable by the role.
pub fn profile_period(f: &Features) -> Option<Duration> {
    f.pg_wait_sampling_period().filter(|_| f.has("pg_wait_sampling.readable"))
}

/// The cumulative profile by wait, without the background processes' idle loops (`Activity`) and
/// idle sessions waiting for their client (`Client`/`ClientRead`), as the 1s readings count only
/// active sessions. A NULL event is a process on CPU.
pub const PROFILE_SQL: &str = "SELECT COALESCE(event_type, 'CPU') AS wait_type, COALESCE(event, 'CPU') AS wait_event, \
     sum(count)::int8 AS n FROM pg_wait_sampling_profile \
     WHERE event_type IS DISTINCT FROM 'Activity' \
       AND NOT (event_type IS NOT DISTINCT FROM 'Client' AND event IS NOT DISTINCT FROM 'ClientRead') \
     GROUP BY 1, 2";

/// `{1,2}` as PostgreSQL prints `int[]`.
fn parse_pids(text: Option<&str>) -> Vec<i64> {
    text.unwrap_or("")
        .trim_matches(|c| c == '{' || c == '}')
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect()
}

/// One pg_stat_activity row as the shared ASH model.
pub fn session_row(r: &Row) -> Option<SessionRow> {
    let state = r.str("state");
    Some(SessionRow {
        session_id: r.i64("pid")?,
        database: r.str("datname"),
        user: r.str("usename"),
        application: r.str("app"),
        active: state == "active" || state == "fastpath function call",
        state,
        wait_event_type: r.str("wait_type"),
        wait_event: r.str("wait_event"),
        query_id: r.str("query_id"),
        query: r.str("query"),
        running_ms: r.f64("running_ms"),
        blocked_by: parse_pids(r.get("blocking")),
        lock_type: r.str("lock_type"),
        backend_type: r.str("backend_type"),
    })
}

/// The ASH state of one receiver: the sampling task and the profile source.
pub struct AshCollector {
    label: String,
    shared: Arc<Mutex<Ash>>,
    sampling_interval: Duration,
    use_pg_wait_sampling: bool,
    /// `Some(period)` while the detection says pg_wait_sampling serves the profile.
    profile: Option<Duration>,
    /// The profile read failed this interval: the receiver asks for a new detection.
    profile_failed: bool,
    deltas: ProfileDeltas,
    profile_streak: Streak,
    telemetry: AshTelemetry,
    task: Option<JoinHandle<()>>,
}

impl Drop for AshCollector {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

impl AshCollector {
    pub fn new(cfg: &AshConfig, telemetry: &Registry, receiver: &str) -> Self {
        Self {
            label: receiver.to_string(),
            sampling_interval: cfg.sampling_interval.get(),
            use_pg_wait_sampling: cfg.use_pg_wait_sampling.unwrap_or(true),
            shared: Arc::new(Mutex::new(Ash::new(
                cfg.clone(),
                dbintel_dbclient::ash::POSTGRESQL,
                now_unix_nanos(),
            ))),
            profile: None,
            profile_failed: false,
            deltas: ProfileDeltas::default(),
            profile_streak: Streak::default(),
            telemetry: AshTelemetry::new(telemetry, receiver),
            task: None,
        }
    }

    /// The shared state (tests read the ring).
    pub fn shared(&self) -> Arc<Mutex<Ash>> {
        self.shared.clone()
    }

    /// Whether the wait profile comes from pg_wait_sampling now.
    pub fn profile_from_extension(&self) -> bool {
        self.profile.is_some()
    }

    /// Whether the last profile read failed (then the receiver detects again, at most once per
    /// `cache_duration`); cleared by the call.
    pub fn take_profile_failed(&mut self) -> bool {
        std::mem::take(&mut self.profile_failed)
    }

    /// Starts the sampling task (once): its own connection to `database` (counted in the live
    /// connections gauge), its own ticker, admission and the breaker checked before each reading.
    pub fn start(
        &mut self,
        connect: ConnectPlan,
        database: String,
        tls: Option<MakeRustlsConnect>,
        guards: Guards,
        shutdown: CancellationToken,
    ) {
        if self.task.is_some() {
            return;
        }
        let sampler = Sampler {
            label: self.label.clone(),
            connect,
            database,
            tls,
            owner: ConnOwner { component: self.label.clone(), live: guards.live },
            shared: self.shared.clone(),
            interval: self.sampling_interval,
            admission: guards.admission,
            breaker: guards.breaker,
            telemetry: self.telemetry.clone(),
        };
        self.task = Some(tokio::spawn(async move {
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = sampler.run() => {}
            }
        }));
    }

    /// Takes what the receiver's feature detection says about pg_wait_sampling.
    fn follow(&mut self, features: Option<&Features>) {
        let period = if self.use_pg_wait_sampling { features.and_then(profile_period) } else { None };
        if period == self.profile {
            return;
        }
        match period {
            Some(p) => tracing::info!(
                receiver = %self.label, period = ?p,
                "postgresql: active session history takes its wait profile from pg_wait_sampling"
            ),
            None => tracing::info!(
                receiver = %self.label,
                "postgresql: active session history takes its wait profile from its own readings (pg_wait_sampling not detected)"
            ),
        }
        self.profile = period;
        self.deltas.reset();
        lock(&self.shared).set_external_profile(period.is_some());
    }

    /// Called by the scrape on the primary connection once per collection interval with the
    /// receiver's current feature detection: the profile from pg_wait_sampling when it serves,
    /// then the interval's metrics and events.
    pub async fn collect(&mut self, conn: &mut PgConn, features: Option<&Features>) -> AshOutput {
        self.follow(features);
        if let Some(period) = self.profile {
            match conn.query(PROFILE_SQL).await {
                Ok(rows) => {
                    lock(&self.shared).set_external_profile(true);
                    let rows: Vec<(String, String, i64)> = rows
                        .rows
                        .iter()
                        .filter_map(|r| Some((r.str("wait_type"), r.str("wait_event"), r.i64("n")?)))
                        .collect();
                    let waits = self.deltas.update(rows, period);
                    lock(&self.shared).add_wait_profile(SOURCE_PG_WAIT_SAMPLING, &waits);
                    if self.profile_streak.succeed() {
                        tracing::info!(receiver = %self.label, "postgresql: pg_wait_sampling profile readable again");
                    }
                }
                Err(e) => {
                    self.telemetry.errors.inc();
                    if self.profile_streak.fail() {
                        tracing::warn!(
                            receiver = %self.label, error = %e,
                            fix = "check that pg_wait_sampling is in shared_preload_libraries and the role may read pg_wait_sampling_profile (GRANT pg_monitor)",
                            "postgresql: pg_wait_sampling profile unreadable; the wait profile comes from the 1s readings until it works"
                        );
                    }
                    // The readings serve meanwhile (from the next tick); the receiver detects again,
                    // and the profile is read again next interval while the detection says so.
                    self.profile_failed = true;
                    self.deltas.reset();
                    lock(&self.shared).set_external_profile(false);
                }
            }
        }
        let mut ash = lock(&self.shared);
        let out = ash.drain(now_unix_nanos());
        self.telemetry.record(&mut ash);
        self.telemetry.ring_bytes.set(i64::try_from(ash.ring_bytes()).unwrap_or(i64::MAX));
        out
    }
}

struct Sampler {
    label: String,
    connect: ConnectPlan,
    database: String,
    tls: Option<MakeRustlsConnect>,
    owner: ConnOwner,
    shared: Arc<Mutex<Ash>>,
    interval: Duration,
    admission: Admission,
    breaker: BreakerHandle,
    telemetry: AshTelemetry,
}

impl Sampler {
    async fn run(self) {
        let mut ticker = tokio::time::interval(self.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut conn: Option<PgConn> = None;
        let mut streak = Streak::default();
        let mut backoff = dbintel_dbclient::Backoff::new(Duration::from_secs(30).max(self.interval));
        let mut retry_at = tokio::time::Instant::now();
        // A reading takes a few milliseconds; one that takes longer than a few ticks is cut.
        let timeout = (self.interval * 5).clamp(Duration::from_secs(1), self.connect.statement_timeout);
        let mut gate = BreakerGate::default();
        loop {
            ticker.tick().await;
            let held = |a: Admit| matches!(a, Admit::Skip { .. });
            if held(self.admission.check(None)) || held(self.admission.check(Some(&self.database))) {
                lock(&self.shared).pause();
                continue;
            }
            let db = self.database.as_str();
            if !gate.admit(
                self.breaker.allows(db),
                self.breaker.shed(db),
                &self.shared,
                &self.telemetry,
                &self.label,
            ) {
                continue;
            }
            if conn.as_ref().is_none_or(|c| !c.is_usable()) {
                conn = None;
                if tokio::time::Instant::now() < retry_at {
                    continue;
                }
                match crate::conn::connect(&self.connect, &self.database, self.tls.as_ref(), &self.owner)
                    .await
                {
                    Ok(mut c) => {
                        if let Err(e) = c.set_statement_timeout(timeout).await {
                            tracing::debug!(receiver = %self.label, error = %e, "postgresql: ASH statement timeout not set");
                        }
                        backoff.reset();
                        conn = Some(c);
                    }
                    Err(e) => {
                        self.telemetry.errors.inc();
                        retry_at = tokio::time::Instant::now() + backoff.next_delay();
                        if streak.fail() {
                            tracing::warn!(receiver = %self.label, error = %e, "postgresql: active session history cannot connect; retrying with backoff");
                        }
                        continue;
                    }
                }
            }
            let Some(c) = conn.as_mut() else { continue };
            let sql = sample_sql(c.info.major());
            match c.query(&sql).await {
                Ok(rows) => {
                    let at = now_unix_nanos();
                    let sessions: Vec<SessionRow> = rows.rows.iter().filter_map(session_row).collect();
                    let mut ash = lock(&self.shared);
                    ash.record_tick(at, sessions);
                    self.telemetry.record(&mut ash);
                    drop(ash);
                    if streak.succeed() {
                        tracing::info!(receiver = %self.label, "postgresql: active session history sampling again");
                    }
                }
                Err(e) => {
                    self.telemetry.errors.inc();
                    if streak.fail() {
                        tracing::warn!(
                            receiver = %self.label, error = %e, hint = e.hint(),
                            "postgresql: active session history reading failed (reported once until it works)"
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_parse_from_array_text() {
        assert_eq!(parse_pids(Some("{12,34}")), vec![12, 34]);
        assert_eq!(parse_pids(Some("{}")), Vec::<i64>::new());
        assert_eq!(parse_pids(None), Vec::<i64>::new());
        assert_eq!(parse_pids(Some("{x,5}")), vec![5]);
    }

    #[test]
    fn the_reading_skips_own_statements_and_asks_for_blockers_only_when_waiting_on_a_lock() {
        let sql = sample_sql(15);
        assert!(sql.contains("sa.query_id::text"));
        assert!(sql.contains("CASE WHEN sa.wait_event_type = 'Lock' THEN pg_blocking_pids"));
        assert!(sample_sql(13).contains("NULL::text AS query_id"));
    }
}
