//! Feature detection for this receiver (`feature_detection`, off by default): the shared probes of
//! `dbintel_dbclient::features` over the primary connection, cached, detected again after a
//! reconnect and every `refresh_interval`, emitted as `db.feature.extension.available` and
//! `db.feature.capability.available` with the scrape's metrics.

use async_trait::async_trait;
use dbintel_core::pdata::Metric;
use dbintel_dbclient::features::{self, FeatureCache, FeatureDetectionConfig, ProbeSource, Rows, System};
use tokio::time::Instant;

use crate::conn::{DbError, PgConn};

struct Probe<'a>(&'a mut PgConn);

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
}

impl FeatureState {
    pub fn new(config: FeatureDetectionConfig) -> Self {
        let cache = FeatureCache::new(config.cache_duration.get(), config.refresh_interval.get());
        Self { config, cache, connection: None }
    }

    /// Detects when due (first, after a reconnect, on refresh) and returns the metrics.
    pub async fn metrics(&mut self, label: &str, conn: &mut PgConn, now: u64) -> Vec<Metric> {
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
        self.cache.get().map(|f| features::feature_metrics(f, now)).unwrap_or_default()
    }
}
