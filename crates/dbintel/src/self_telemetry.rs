//! `service.telemetry.metrics` at run time: a Prometheus endpoint per `pull` reader and a push task per
//! `periodic` reader, whose exporter (dbintel's `otlp` or `otlphttp`) is built through the registry
//! from the section the config crate derived from the reader's keys (and validated).

use dbintel_config::{MetricsLevel, ServiceConfig};
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
    for address in metrics.pull_addresses() {
        let (_, handle) = telemetry_server::serve(address, telemetry.clone(), stop.clone()).await?;
        tasks.push(handle);
    }
    let resource = push::resource(&cfg.service.telemetry.resource);
    let registry = crate::components::registry();
    for (i, reader) in metrics.periodic().enumerate() {
        let factory = registry.get(ComponentKind::Exporter, reader.exporter_type).ok_or_else(|| {
            anyhow::anyhow!("{}: no `{}` exporter in this build", reader.path, reader.exporter_type)
        })?;
        let id: ComponentId = format!("{}/self_telemetry_{i}", reader.exporter_type)
            .parse()
            .map_err(|e| anyhow::anyhow!("{}: {e}", reader.path))?;
        // The pushing exporter counts into a registry of its own: its instruments would otherwise be
        // pushed about themselves and clash with a pipeline exporter's of the same ID.
        let ctx = CreateContext::new(id, Registry::new());
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
        };
        tracing::info!(reader = %reader.path, interval = ?reader.interval, "Self-telemetry is pushed over OTLP.");
        tasks.push(tokio::spawn(push::run(settings, telemetry.clone(), exporter, stop.clone())));
    }
    Ok(tasks)
}
