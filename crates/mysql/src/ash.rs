//! Active session history for MySQL and MariaDB (`active_session_history`, off by default): a task
//! of its own reads the process list every `sampling_interval` (1s) on a connection of its own,
//! with the row-lock and metadata-lock waits (`query/blocking.rs`) when any session works, and
//! folds each reading into the shared [`dbintel_dbclient::ash::Ash`]; the receiver's scrape drains
//! it once per `collection_interval` into the `db.ash.*` metrics and `db.ash.sample` events.
//!
//! The process list has no wait events, so a session's wait is named from what the server shows:
//! `Lock`/`row_lock` or `Lock`/`metadata_lock` when it waits for another session's lock (from the
//! lock-wait tables), `Timeout`/`Sleep` for `SLEEP()` (state `User sleep`), `Wait`/<state> for the
//! other `Waiting for ...` states, and `CPU`/`CPU` otherwise (running: CPU or I/O, which the process
//! list does not tell apart). The process list has no statement digest either: events carry the
//! fingerprint (`dbintel.query.fingerprint`), which querycorrelator joins on when there is no id.
//!
//! The sampling task obeys admission and the server's circuit breaker like the other collectors:
//! paused while it is open, slowed while it sheds ([`dbintel_dbclient::ash::breaker_stride`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dbintel_core::Admit;
use dbintel_core::admission::Admission;
use dbintel_core::breaker::BreakerHandle;
use dbintel_core::pdata::now_unix_nanos;
use dbintel_core::telemetry::Registry;
use dbintel_dbclient::Streak;
use dbintel_dbclient::ash::{Ash, AshConfig, AshOutput, AshTelemetry, BreakerGate, SessionRow, lock};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::ConnectPlan;
use crate::conn::{MyConn, Source, TextRow};
use crate::query::blocking::{self, LockLevel};

/// Working sessions: not sleeping, not the server's own threads, not this connection. `TIME` is in
/// seconds on every version.
pub const PROCESSLIST_SQL: &str = "SELECT ID, COALESCE(USER, ''), COALESCE(DB, ''), COALESCE(HOST, ''), COMMAND, \
     TIME, COALESCE(STATE, ''), COALESCE(INFO, '') FROM information_schema.PROCESSLIST \
     WHERE COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Slave_IO', 'Slave_SQL', 'Slave_worker') \
       AND ID <> CONNECTION_ID() AND COALESCE(USER, '') <> 'system user' \
       AND COALESCE(INFO, '') NOT LIKE '/* dbintel */%'";

fn text(r: &TextRow, i: usize) -> String {
    r.get(i).cloned().flatten().unwrap_or_default()
}

/// The wait a process-list state stands for (see the module docs).
pub fn wait_of(state: &str, lock: Option<LockLevel>) -> (String, String) {
    match lock {
        Some(LockLevel::Row) => return ("Lock".into(), "row_lock".into()),
        Some(LockLevel::Metadata) => return ("Lock".into(), "metadata_lock".into()),
        None => {}
    }
    if state.eq_ignore_ascii_case("User sleep") {
        return ("Timeout".into(), "Sleep".into());
    }
    if state.starts_with("Waiting for") {
        let t = if state.contains("lock") { "Lock" } else { "Wait" };
        return (t.into(), state.into());
    }
    (String::new(), String::new())
}

/// Process-list rows and lock waits as the shared ASH model.
pub fn session_rows(rows: &[TextRow], waits: &[blocking::LockWait]) -> Vec<SessionRow> {
    rows.iter()
        .filter_map(|r| {
            let id: i64 = text(r, 0).parse().ok()?;
            let command = text(r, 4);
            let state = text(r, 6);
            let mine: Vec<&blocking::LockWait> =
                waits.iter().filter(|w| i64::try_from(w.waiting_pid).ok() == Some(id)).collect();
            let lock = mine.first().map(|w| w.level);
            let (wait_event_type, wait_event) = wait_of(&state, lock);
            let secs: f64 = text(r, 5).parse().unwrap_or(0.0);
            let query = text(r, 7);
            Some(SessionRow {
                session_id: id,
                user: text(r, 1),
                database: text(r, 2),
                application: text(r, 3),
                active: command == "Query" || command == "Execute",
                state: command,
                wait_event_type,
                wait_event,
                query_id: String::new(),
                running_ms: Some(secs * 1e3),
                blocked_by: mine.iter().filter_map(|w| i64::try_from(w.blocking_pid).ok()).collect(),
                lock_type: mine.first().map(|w| w.lock_type.clone()).unwrap_or_default(),
                backend_type: String::new(),
                query,
            })
        })
        .collect()
}

/// What the sampling task obeys.
pub struct Guards {
    pub admission: Admission,
    /// The receiver's breakers, and the key of this server's breaker (its endpoint).
    pub breaker: BreakerHandle,
    pub key: String,
}

/// The ASH state of one `mysql` receiver.
pub struct AshCollector {
    label: String,
    shared: Arc<Mutex<Ash>>,
    interval: Duration,
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
            shared: Arc::new(Mutex::new(Ash::new(
                cfg.clone(),
                dbintel_dbclient::ash::MYSQL,
                now_unix_nanos(),
            ))),
            interval: cfg.sampling_interval.get(),
            telemetry: AshTelemetry::new(telemetry, receiver),
            task: None,
        }
    }

    pub fn shared(&self) -> Arc<Mutex<Ash>> {
        self.shared.clone()
    }

    /// Starts the sampling task (once).
    pub fn start(&mut self, connect: ConnectPlan, guards: Guards, shutdown: CancellationToken) {
        if self.task.is_some() {
            return;
        }
        let (label, shared, interval, telemetry) =
            (self.label.clone(), self.shared.clone(), self.interval, self.telemetry.clone());
        self.task = Some(tokio::spawn(async move {
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = sample_loop(label, connect, shared, interval, guards, telemetry) => {}
            }
        }));
    }

    /// The interval's metrics and events (once per collection interval).
    pub fn collect(&mut self) -> AshOutput {
        let mut ash = lock(&self.shared);
        let out = ash.drain(now_unix_nanos());
        self.telemetry.record(&mut ash);
        self.telemetry.ring_bytes.set(i64::try_from(ash.ring_bytes()).unwrap_or(i64::MAX));
        out
    }
}

async fn sample_loop(
    label: String,
    connect: ConnectPlan,
    shared: Arc<Mutex<Ash>>,
    interval: Duration,
    guards: Guards,
    telemetry: AshTelemetry,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut conn: Option<MyConn> = None;
    let mut streak = Streak::default();
    let mut backoff = dbintel_dbclient::Backoff::new(Duration::from_secs(30).max(interval));
    let mut retry_at = tokio::time::Instant::now();
    let mut gate = BreakerGate::default();
    loop {
        ticker.tick().await;
        let held = |a: Admit| matches!(a, Admit::Skip { .. });
        if held(guards.admission.check(None)) || held(guards.admission.check(Some(&guards.key))) {
            lock(&shared).pause();
            continue;
        }
        let key = guards.key.as_str();
        if !gate.admit(guards.breaker.allows(key), guards.breaker.shed(key), &shared, &telemetry, &label) {
            continue;
        }
        if conn.is_none() {
            if tokio::time::Instant::now() < retry_at {
                continue;
            }
            match MyConn::connect(&connect).await {
                Ok(c) => {
                    backoff.reset();
                    conn = Some(c);
                }
                Err(e) => {
                    telemetry.errors.inc();
                    retry_at = tokio::time::Instant::now() + backoff.next_delay();
                    if streak.fail() {
                        tracing::warn!(receiver = %label, error = %e, "mysql: active session history cannot connect; retrying with backoff");
                    }
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        let rows = match c.rows(PROCESSLIST_SQL).await {
            Ok(rows) => rows,
            Err(e) => {
                telemetry.errors.inc();
                if streak.fail() {
                    tracing::warn!(receiver = %label, error = %e, "mysql: active session history reading failed (reported once until it works)");
                }
                if matches!(e, dbintel_dbclient::DbError::Lost(_)) {
                    conn = None;
                }
                continue;
            }
        };
        // Lock waits only while some session works (an idle server costs one statement a tick).
        let waits = if rows.is_empty() {
            Vec::new()
        } else {
            match blocking::collect(c).await {
                Ok((waits, _failures)) => waits,
                Err(e) => {
                    tracing::debug!(receiver = %label, error = %e, "mysql: lock waits unreadable for ASH");
                    conn = None;
                    Vec::new()
                }
            }
        };
        let at = now_unix_nanos();
        let sessions = session_rows(&rows, &waits);
        let mut ash = lock(&shared);
        ash.record_tick(at, sessions);
        telemetry.record(&mut ash);
        drop(ash);
        if streak.succeed() {
            tracing::info!(receiver = %label, "mysql: active session history sampling again");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, command: &str, time: &str, state: &str, info: &str) -> TextRow {
        [id, "app", "shop", "10.0.0.1:5555", command, time, state, info]
            .iter()
            .map(|s| Some(s.to_string()))
            .collect()
    }

    #[test]
    fn process_list_rows_name_their_waits() {
        let waits = vec![blocking::LockWait {
            waiting_pid: 12,
            blocking_pid: 11,
            level: LockLevel::Row,
            lock_type: "RECORD".into(),
            ..Default::default()
        }];
        let rows = vec![
            row("12", "Query", "3", "Updating", "UPDATE t SET v = 2 WHERE id = 1"),
            row("13", "Query", "2", "User sleep", "SELECT SLEEP(30)"),
            row("14", "Query", "0", "Sending data", "SELECT * FROM t"),
            row("15", "Query", "1", "Waiting for table metadata lock", "ALTER TABLE t ADD c int"),
            row("x", "Query", "1", "", ""),
        ];
        let s = session_rows(&rows, &waits);
        assert_eq!(s.len(), 4);
        assert_eq!((s[0].wait_event_type.as_str(), s[0].wait_event.as_str()), ("Lock", "row_lock"));
        assert_eq!(s[0].blocked_by, vec![11]);
        assert_eq!(s[0].lock_type, "RECORD");
        assert_eq!((s[1].wait_event_type.as_str(), s[1].wait_event.as_str()), ("Timeout", "Sleep"));
        assert_eq!(s[1].running_ms, Some(2000.0));
        assert!(s[2].wait_event_type.is_empty(), "running: CPU");
        assert_eq!(s[3].wait_event_type, "Lock");
        assert!(s.iter().all(|r| r.active));
    }
}
