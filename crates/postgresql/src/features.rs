//! Feature detection for this receiver: the shared probes of `dbintel_dbclient::features` over the
//! primary connection, cached, detected again after a reconnect and every `refresh_interval`.
//! With `feature_detection` on (off by default) the detection is emitted as
//! `db.feature.extension.available` and `db.feature.capability.available` with the scrape's
//! metrics; with active session history on, the same detection (default settings when
//! `feature_detection` is off, and then not emitted) says whether pg_wait_sampling serves the wait
//! profile and with which `profile_period`: one detection path for both.

use std::sync::Arc;

use async_trait::async_trait;
use dbintel_core::pdata::Metric;
use dbintel_dbclient::features::{
    self, FeatureCache, FeatureDetectionConfig, Features, ProbeSource, Rows, System,
};
use tokio::time::Instant;

use crate::conn::{DbError, PgConn};

pub(crate) struct Probe<'a>(pub(crate) &'a mut PgConn);

#[async_trait]
impl ProbeSource for Probe<'_> {
    async fn probe_rows(&mut self, sql: &str) -> Result<Rows, dbintel_dbclient::DbError> {
        match self.0.query(sql).await {
            Ok(rows) => Ok(rows
                .rows
                .into_iter()
                .take(features::MAX_PROBE_ROWS)
                .map(crate::conn::Row::into_values)
                .collect()),
            Err(DbError::Query { message, code }) => {
                Err(dbintel_dbclient::DbError::Query { message, code, hint: "" })
            }
            Err(e) => Err(dbintel_dbclient::DbError::Lost(e.to_string())),
        }
    }
}

/// The receiver's detection state.
pub struct FeatureState {
    config: FeatureDetectionConfig,
    cache: FeatureCache,
    connection: Option<Instant>,
    /// `feature_detection` is on: the detection is emitted.
    emit: bool,
}

impl FeatureState {
    /// `emit`: `feature_detection` is on (else the detection only serves active session history).
    pub fn new(config: FeatureDetectionConfig, emit: bool) -> Self {
        let cache = FeatureCache::new(config.cache_duration.get(), config.refresh_interval.get());
        Self { config, cache, connection: None, emit }
    }

    /// The last successful detection.
    pub fn current(&self) -> Option<Arc<Features>> {
        self.cache.get().cloned()
    }

    /// A query failed as if a feature went away: detect again (at most once per `cache_duration`).
    pub fn feature_error(&mut self) {
        self.cache.feature_error(Instant::now());
    }

    /// Detects when due and returns the metrics to emit (none unless `feature_detection` is on).
    pub async fn metrics(&mut self, label: &str, conn: &mut PgConn, now: u64) -> Vec<Metric> {
        self.refresh(label, conn).await;
        if !self.emit {
            return Vec::new();
        }
        self.cache.get().map(|f| features::feature_metrics(f, now)).unwrap_or_default()
    }

    /// Detects when due (first, after a reconnect, on refresh, after a feature error).
    pub async fn refresh(&mut self, label: &str, conn: &mut PgConn) {
        let opened = conn.opened_at();
        if self.connection != Some(opened) {
            self.connection = Some(opened);
            self.cache.reconnected();
        }
        let at = Instant::now();
        if let Some(reason) = self.cache.due(at) {
            match features::detect(&mut Probe(conn), System::Postgresql, &self.config).await {
                Ok(f) => {
                    let summary = f.summary();
                    let changes = self.cache.store(f, at);
                    tracing::info!(
                        receiver = %label, reason = reason.as_str(), changes = ?changes,
                        "postgresql: features detected: {summary}"
                    );
                }
                Err(e) => {
                    self.cache.failed(at);
                    tracing::warn!(receiver = %label, error = %e, "postgresql: feature detection failed; retried after cache_duration");
                }
            }
        }
    }
}

/// One detection on `conn`, outside a receiver (`dbintel doctor`, tests).
pub async fn detect(
    conn: &mut PgConn,
    config: &FeatureDetectionConfig,
) -> Result<Features, dbintel_dbclient::DbError> {
    features::detect(&mut Probe(conn), System::Postgresql, config).await
}
