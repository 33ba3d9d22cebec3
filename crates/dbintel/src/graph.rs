//! Builds the runnable service graph from a validated config.

use dbintel_config::ServiceConfig;
use dbintel_core::component::{Built, CreateContext};
use dbintel_core::pipeline::{
    ExporterNode, ExtensionNode, PipelineNode, PipelineProcessor, ReceiverNode, ServiceGraph,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, ComponentKind, ComponentRegistry, Host, PipelineId};

/// Creates every component used by the pipelines (and every listed extension). Components defined
/// but used nowhere are not built, as in the Collector. Extensions are built first and what they
/// provide is registered in `host`, so the components built after them resolve them through it;
/// the same `host` goes to `pipeline::start_with_host`.
pub fn build(
    cfg: &ServiceConfig,
    registry: &ComponentRegistry,
    telemetry: &Registry,
    host: &Host,
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
                host: host.clone(),
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
            if let Some(object) = extension.provides() {
                host.add_extension(id.clone(), object);
            }
            graph.extensions.push(ExtensionNode { id: id.clone(), extension });
        }
    }
    let mut exporters: Vec<ComponentId> = Vec::new();
    let mut receivers: Vec<(ComponentId, Vec<PipelineId>)> = Vec::new();
    // `service.sharding`: only the receivers this replica owns (or that are no database target)
    // are built; a pipeline left with none is not started here, and neither are exporters only it
    // feeds (the runtime needs a receiver per pipeline; that pipeline runs on the owners' replicas).
    let sharding = host.sharding();
    let here = |r: &ComponentId| {
        cfg.receivers.get(r).is_none_or(|section| crate::sharding::runs_here(r, section, sharding))
    };
    for (pid, pipeline) in &cfg.service.pipelines {
        if !pipeline.receivers.iter().any(&here) {
            tracing::info!(
                pipeline = %pid,
                "Pipeline not started on this replica: every receiver it lists is owned by another replica (service.sharding)."
            );
            continue;
        }
        let mut processors = Vec::new();
        for proc_id in &pipeline.processors {
            match create(ComponentKind::Processor, proc_id, Some(pid)) {
                Some(Built::Processor(p)) => processors.push((proc_id.clone(), PipelineProcessor::Sync(p))),
                Some(Built::TaskProcessor(p)) => {
                    processors.push((proc_id.clone(), PipelineProcessor::Task(p)))
                }
                _ => {}
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
        for r in pipeline.receivers.iter().filter(|r| here(r)) {
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;
    use dbintel_core::component::{
        Built, ComponentError, ComponentInfo, ConfigProblem, CreateContext, ExportError, Exporter, Factory,
        Processor, ProcessorError, Receiver, ReceiverContext, Stability,
    };
    use dbintel_core::health::HealthRegistry;
    use dbintel_core::pdata::{LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData};
    use dbintel_core::pipeline::{RuntimeSettings, start_with_host};
    use dbintel_core::telemetry::Registry;
    use dbintel_core::{ComponentKind, ComponentRegistry, Host, Signal};

    /// One receiver feeding two pipelines, both listing the same `counting` processor: the two
    /// per-pipeline instances share one counter through `Host::shared`, end to end through `build`.
    #[tokio::test]
    async fn a_processor_listed_in_two_pipelines_shares_one_state() {
        let states: Arc<Mutex<Vec<Arc<AtomicU64>>>> = Arc::default();
        let mut registry = ComponentRegistry::new();
        registry.register(Arc::new(TestFactory { kind: ComponentKind::Receiver, states: states.clone() }));
        registry.register(Arc::new(TestFactory { kind: ComponentKind::Processor, states: states.clone() }));
        registry.register(Arc::new(TestFactory { kind: ComponentKind::Exporter, states: states.clone() }));
        let yaml = "receivers: {two: {}}\nprocessors: {counting: {}}\nexporters: {drop: {}}\n\
                    service:\n  pipelines:\n\
                    \x20   logs/a: {receivers: [two], processors: [counting], exporters: [drop]}\n\
                    \x20   logs/b: {receivers: [two], processors: [counting], exporters: [drop]}\n";
        let source = dbintel_config::ConfigSource::Embedded { name: "test".into(), text: yaml.into() };
        let cfg = dbintel_config::load_and_validate(&[source], &|_| None, &registry).expect("valid config");
        let host = Host::new();
        let telemetry = Registry::new();
        let graph = super::build(&cfg, &registry, &telemetry, &host).expect("built");
        assert_eq!(graph.pipelines.len(), 2);
        let svc = start_with_host(graph, RuntimeSettings::default(), telemetry, HealthRegistry::new(), host)
            .await
            .expect("started");
        let shared = {
            let states = states.lock().unwrap();
            assert_eq!(states.len(), 2, "one processor instance per pipeline");
            assert!(Arc::ptr_eq(&states[0], &states[1]), "both instances hold the same state");
            states[0].clone()
        };
        for _ in 0..500 {
            if shared.load(Ordering::SeqCst) == 6 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        svc.shutdown().await;
        // Three records, each seen by both pipelines, counted in one place.
        assert_eq!(shared.load(Ordering::SeqCst), 6);
    }

    struct TestFactory {
        kind: ComponentKind,
        states: Arc<Mutex<Vec<Arc<AtomicU64>>>>,
    }

    impl Factory for TestFactory {
        fn info(&self) -> ComponentInfo {
            let type_name = match self.kind {
                ComponentKind::Receiver => "two",
                ComponentKind::Processor => "counting",
                _ => "drop",
            };
            ComponentInfo {
                kind: self.kind,
                type_name,
                aliases: &[],
                signals: &Signal::ALL,
                stability: Stability::Development,
                description: "test",
            }
        }
        fn validate(&self, _config: &serde_json::Value) -> Result<(), Vec<ConfigProblem>> {
            Ok(())
        }
        fn create(
            &self,
            ctx: &CreateContext,
            _config: &serde_json::Value,
        ) -> Result<Built, Vec<ConfigProblem>> {
            Ok(match self.kind {
                ComponentKind::Receiver => Built::Receiver(Box::new(ThreeRecords)),
                ComponentKind::Processor => {
                    let state = ctx.host.shared(&ctx.id, || AtomicU64::new(0));
                    self.states.lock().unwrap().push(state.clone());
                    Built::Processor(Box::new(Counting(state)))
                }
                _ => Built::Exporter(Box::new(Discard)),
            })
        }
    }

    struct ThreeRecords;

    #[async_trait]
    impl Receiver for ThreeRecords {
        async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
            let records = vec![LogRecord::default(); 3];
            let data = SignalData::Logs(Logs {
                resource_logs: vec![ResourceLogs {
                    scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
                    ..Default::default()
                }],
            });
            let _ = ctx.output.send(data).await;
            ctx.shutdown.cancelled().await;
            Ok(())
        }
    }

    struct Counting(Arc<AtomicU64>);

    impl Processor for Counting {
        fn process(
            &mut self,
            data: Arc<SignalData>,
            out: &mut Vec<Arc<SignalData>>,
        ) -> Result<(), ProcessorError> {
            self.0.fetch_add(data.item_count() as u64, Ordering::SeqCst);
            out.push(data);
            Ok(())
        }
    }

    struct Discard;

    #[async_trait]
    impl Exporter for Discard {
        async fn export(&mut self, _data: Arc<SignalData>) -> Result<(), ExportError> {
            Ok(())
        }
    }
}
