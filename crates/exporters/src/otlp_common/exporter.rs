//! [`OtlpExporter`]: the `otlp`/`otlphttp` exporter: delta temporality (optional) and the New Relic
//! entity check in front of the helper's [`QueuedExporter`] (queue, retries, splitting by size).

use async_trait::async_trait;
use dbintel_core::{ConfigProblem, CreateContext, ExportError, Exporter, SignalData};

use super::{DeltaConverter, TemporalityPreference, missing_entity_attributes, split_to_size};
use crate::exporterhelper::{QueueConfig, QueuedExporter, RetryConfig, Transport};

pub struct OtlpExporter<T: Transport> {
    inner: QueuedExporter<T>,
    delta: Option<DeltaConverter>,
    label: String,
    /// The endpoint is New Relic: warn once when a resource lacks the entity attributes.
    check_entity: bool,
}

impl<T: Transport> OtlpExporter<T> {
    pub fn new(
        inner: QueuedExporter<T>,
        delta: Option<DeltaConverter>,
        label: String,
        check_entity: bool,
    ) -> Self {
        Self { inner, delta, label, check_entity }
    }
}

#[async_trait]
impl<T: Transport> Exporter for OtlpExporter<T> {
    async fn start(&mut self) -> Result<(), ExportError> {
        self.inner.start().await
    }

    async fn export(&mut self, mut data: std::sync::Arc<SignalData>) -> Result<(), ExportError> {
        if self.check_entity {
            let missing = missing_entity_attributes(&data);
            if !missing.is_empty() {
                self.check_entity = false;
                tracing::warn!(
                    exporter = %self.label,
                    missing = ?missing,
                    "New Relic synthesises database entities from the resource attributes server.address, \
                     server.port and db.system.name; some resources lack them (warned once)"
                );
            }
        }
        // Delta conversion rewrites the batch: copy on write (only when another exporter shares it).
        if let (Some(delta), SignalData::Metrics(_)) = (self.delta.as_mut(), &*data)
            && let SignalData::Metrics(m) = std::sync::Arc::make_mut(&mut data)
        {
            delta.convert(m);
            if m.resource_metrics.is_empty() {
                return Ok(());
            }
        }
        self.inner.export(data).await
    }

    async fn shutdown(&mut self) -> Result<(), ExportError> {
        self.inner.shutdown().await
    }

    /// The helper counts `otelcol_exporter_sent_*`/`send_failed_*` on delivery, not the runtime on enqueue.
    fn counts_delivery(&self) -> bool {
        self.inner.counts_delivery()
    }

    fn attach_health(&mut self, health: dbintel_core::health::HealthHandle) -> bool {
        self.inner.attach_health(health)
    }
}

/// What both OTLP factories pass to [`build_exporter`].
pub struct Settings {
    pub max_request_size: u64,
    pub temporality: TemporalityPreference,
    pub delta_max_series: usize,
    pub new_relic: bool,
}

/// Wraps a transport in the helper's queue/retry and our delta + splitting.
pub fn build_exporter<T: Transport>(
    ctx: &CreateContext,
    transport: T,
    retry: &RetryConfig,
    queue: &QueueConfig,
    s: Settings,
) -> Result<OtlpExporter<T>, Vec<ConfigProblem>> {
    let max = usize::try_from(s.max_request_size).unwrap_or(usize::MAX);
    let inner = QueuedExporter::new(ctx, transport, retry.clone(), queue.clone())?
        .with_prepare(Box::new(move |p| split_to_size(p, max)))
        .with_max_batch_bytes(s.max_request_size);
    let label = ctx.id.to_string();
    let delta = (s.temporality == TemporalityPreference::Delta).then(|| {
        let evicted = ctx.telemetry.counter(
            "dbintel_exporter_delta_series_evicted_total",
            "Series dropped from the cumulative-to-delta map because it was full.",
            &[("exporter", label.as_str())],
        );
        DeltaConverter::new(s.delta_max_series, evicted)
    });
    Ok(OtlpExporter::new(inner, delta, label, s.new_relic))
}
