//! Feature detection for this receiver (`feature_detection`, off by default): the shared probes of
//! `dbintel_dbclient::features` read through [`Source`], cached, detected again after a reconnect and
//! every `refresh_interval`, emitted as `db.feature.extension.available` and
//! `db.feature.capability.available` with the scrape's metrics.

use async_trait::async_trait;
use dbintel_core::pdata::Metric;
use dbintel_dbclient::DbError;
use dbintel_dbclient::features::{self, FeatureCache, FeatureDetectionConfig, ProbeSource, Rows, System};
use tokio::time::Instant;

use crate::conn::Source;

struct Probe<'a>(&'a mut dyn Source);

#[async_trait]
impl ProbeSource for Probe<'_> {
    async fn probe_rows(&mut self, sql: &str) -> Result<Rows, DbError> {
        Ok(self.0.rows(sql).await?.into_iter().take(features::MAX_PROBE_ROWS).collect())
    }
}

/// The receiver's detection state.
pub struct FeatureState {
    config: FeatureDetectionConfig,
    cache: FeatureCache,
}

impl FeatureState {
    pub fn new(config: FeatureDetectionConfig) -> Self {
        let cache = FeatureCache::new(config.cache_duration.get(), config.refresh_interval.get());
        Self { config, cache }
    }

    /// A new connection: detect again before the next metrics.
    pub fn reconnected(&mut self) {
        self.cache.reconnected();
    }

    /// Detects when due and returns the metrics of the last detection. `Err` only when the
    /// connection was lost during the detection.
    pub async fn metrics(
        &mut self,
        label: &str,
        src: &mut dyn Source,
        now: u64,
    ) -> Result<Vec<Metric>, DbError> {
        let at = Instant::now();
        if let Some(reason) = self.cache.due(at) {
            let system = if src.info().mariadb { System::Mariadb } else { System::Mysql };
            match features::detect(&mut Probe(src), system, &self.config).await {
                Ok(f) => {
                    let summary = f.summary();
                    let changes = self.cache.store(f, at);
                    tracing::info!(
                        receiver = %label, reason = reason.as_str(), changes = ?changes,
                        "mysql: features detected: {summary}"
                    );
                }
                Err(e) => {
                    self.cache.failed(at);
                    tracing::warn!(receiver = %label, error = %e, "mysql: feature detection failed; retried after cache_duration");
                    if matches!(e, DbError::Lost(_)) {
                        return Err(e);
                    }
                }
            }
        }
        Ok(self.cache.get().map(|f| features::feature_metrics(f, now)).unwrap_or_default())
    }
}
