//! Builds the runnable service graph from a validated config.

use dbintel_config::ServiceConfig;
use dbintel_core::component::{Built, CreateContext};
use dbintel_core::pipeline::{ExporterNode, ExtensionNode, PipelineNode, ReceiverNode, ServiceGraph};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, ComponentKind, ComponentRegistry, PipelineId};

/// Creates every component used by the pipelines (and every listed extension). Components defined
/// but used nowhere are not built, as in the Collector.
pub fn build(
    cfg: &ServiceConfig,
    registry: &ComponentRegistry,
    telemetry: &Registry,
) -> Result<ServiceGraph, Vec<String>> {
    let mut graph = ServiceGraph::default();
    let mut problems = Vec::new();
    let mut create =
        |kind: ComponentKind, id: &ComponentId, pipeline: Option<&PipelineId>| -> Option<Built> {
            let section = match kind {
                ComponentKind::Receiver => cfg.receivers.get(id),
                ComponentKind::Processor => cfg.processors.get(id),
                ComponentKind::Exporter => cfg.exporters.get(id),
                ComponentKind::Extension => cfg.extensions.get(id),
            };
            let Some(section) = section else {
                problems.push(format!("{}.{id}: not defined", kind.section()));
                return None;
            };
            let Some(factory) = registry.get(kind, id.type_name()) else {
                problems.push(format!("{}.{id}: unknown {kind} type `{}`", kind.section(), id.type_name()));
                return None;
            };
            let ctx = CreateContext {
                id: id.clone(),
                pipeline: pipeline.cloned(),
                telemetry: telemetry.clone(),
                extension_configs: cfg.extensions.clone(),
                shutdown_timeout: cfg.service.shutdown_timeout,
            };
            match factory.create(&ctx, section) {
                Ok(built) => Some(built),
                Err(errs) => {
                    for e in errs {
                        let path = if e.path.is_empty() { String::new() } else { format!(".{}", e.path) };
                        let path = format!("{}.{id}{path}", kind.section());
                        // Placeholder values (secrets) never reach a message.
                        let message = cfg.redactor.message_at(&path, &e.message);
                        problems.push(format!("{path}: {message}"));
                    }
                    None
                }
            }
        };

    for id in &cfg.service.extensions {
        if let Some(Built::Extension(extension)) = create(ComponentKind::Extension, id, None) {
            graph.extensions.push(ExtensionNode { id: id.clone(), extension });
        }
    }
    let mut exporters: Vec<ComponentId> = Vec::new();
    let mut receivers: Vec<(ComponentId, Vec<PipelineId>)> = Vec::new();
    for (pid, pipeline) in &cfg.service.pipelines {
        let mut processors = Vec::new();
        for proc_id in &pipeline.processors {
            if let Some(Built::Processor(p)) = create(ComponentKind::Processor, proc_id, Some(pid)) {
                processors.push((proc_id.clone(), p));
            }
        }
        graph.pipelines.push(PipelineNode {
            id: pid.clone(),
            processors,
            exporters: pipeline.exporters.clone(),
        });
        for e in &pipeline.exporters {
            if !exporters.contains(e) {
                exporters.push(e.clone());
            }
        }
        for r in &pipeline.receivers {
            match receivers.iter_mut().find(|(id, _)| id == r) {
                Some((_, pipes)) => pipes.push(pid.clone()),
                None => receivers.push((r.clone(), vec![pid.clone()])),
            }
        }
    }
    for id in exporters {
        if let Some(Built::Exporter(exporter)) = create(ComponentKind::Exporter, &id, None) {
            graph.exporters.push(ExporterNode { id, exporter });
        }
    }
    for (id, pipelines) in receivers {
        if let Some(Built::Receiver(receiver)) = create(ComponentKind::Receiver, &id, None) {
            graph.receivers.push(ReceiverNode { id, receiver, pipelines });
        }
    }
    if problems.is_empty() { Ok(graph) } else { Err(problems) }
}
