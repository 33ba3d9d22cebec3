//! `service.telemetry.metrics` at run time: a Prometheus endpoint per `pull` reader (with the resource
//! as `target_info`, and `with_resource_constant_labels` as labels) and a push task per `periodic`
//! reader, whose exporter (dbintel's `otlp` or `otlphttp`) is built through the registry from the
//! section the config crate derived from the reader's keys (and validated), and counts its sent and
//! failed points into the self-telemetry. `metrics.level` chooses the instruments every reader shows.

use dbintel_config::{MetricReader, MetricsLevel, ServiceConfig};
use dbintel_core::component::{Built, CreateContext};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, ComponentKind};
use dbintel_extensions::telemetry_server::{self, push};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Starts every reader; the tasks end once `stop` is cancelled (push tasks after a last push).
pub async fn start(
    cfg: &ServiceConfig,
    telemetry: &Registry,
    stop: &CancellationToken,
) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let metrics = &cfg.service.telemetry.metrics;
    let mut tasks = Vec::new();
    if metrics.level == MetricsLevel::None {
        return Ok(tasks);
    }
    dbintel_extensions::process_metrics::register(telemetry);
    let level = match metrics.level {
        MetricsLevel::Basic => telemetry_server::Level::Basic,
        MetricsLevel::Detailed => telemetry_server::Level::Detailed,
        _ => telemetry_server::Level::Normal,
    };
    let resource = push::resource(&cfg.service.telemetry.resource);
    for reader in &metrics.readers {
        let MetricReader::Pull { address, resource_constant_labels } = reader else { continue };
        let exposition = telemetry_server::Exposition {
            level,
            // The OTel Prometheus exporter's default: the resource as `target_info`.
            target_info: Some(resource.clone()),
            constant_labels: match resource_constant_labels {
                Some(filter) => resource.iter().filter(|(k, _)| filter.matches(k)).cloned().collect(),
                None => Vec::new(),
            },
        };
        let (_, handle) =
            telemetry_server::serve_with(address, telemetry.clone(), exposition, stop.clone()).await?;
        tasks.push(handle);
    }
    let registry = crate::components::registry();
    for (i, reader) in metrics.periodic().enumerate() {
        let factory = registry.get(ComponentKind::Exporter, reader.exporter_type).ok_or_else(|| {
            anyhow::anyhow!("{}: no `{}` exporter in this build", reader.path, reader.exporter_type)
        })?;
        let id: ComponentId = format!("{}/self_telemetry_{i}", reader.exporter_type)
            .parse()
            .map_err(|e| anyhow::anyhow!("{}: {e}", reader.path))?;
        // The pushing exporter counts into the self-telemetry registry, under its own ID, so its
        // `otelcol_exporter_sent_metric_points`/`send_failed_metric_points` show (each push reports
        // the pushes before it). Only if a pipeline exporter has taken that ID does it count apart,
        // so the two never add up in one series.
        let counts = if cfg.exporters.contains_key(&id) { Registry::new() } else { telemetry.clone() };
        let ctx = CreateContext::new(id, counts);
        let exporter = match factory.create(&ctx, &reader.exporter_config) {
            Ok(Built::Exporter(e)) => e,
            Ok(_) => {
                anyhow::bail!("{}: the `{}` factory built no exporter", reader.path, reader.exporter_type)
            }
            Err(problems) => {
                let text: Vec<String> = problems
                    .iter()
                    .map(|p| cfg.redactor.message_at(&reader.path, &format!("{}: {}", p.path, p.message)))
                    .collect();
                anyhow::bail!("{}: {}", reader.path, text.join("; "));
            }
        };
        let settings = push::PushSettings {
            interval: reader.interval,
            timeout: reader.timeout,
            resource: resource.clone(),
            name: reader.path.clone(),
            level,
        };
        tracing::info!(reader = %reader.path, interval = ?reader.interval, "Self-telemetry is pushed over OTLP.");
        tasks.push(tokio::spawn(push::run(settings, telemetry.clone(), exporter, stop.clone())));
    }
    Ok(tasks)
}
