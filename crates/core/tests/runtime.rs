//! Pipeline runtime behaviour: fan-out, processor order, backpressure, draining shutdown, and
//! containment of failing components. The components here are small in-test implementations of
//! the core traits: the runtime is what is under test.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::component::{
    ComponentError, ExportError, Exporter, Processor, ProcessorContext, ProcessorError, Receiver,
    ReceiverContext, TaskProcessor,
};
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{Attributes, LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData, Value};
use dbintel_core::pipeline::{
    ExporterNode, PipelineNode, PipelineProcessor, ReceiverNode, RuntimeSettings, ServiceGraph, TaskContext,
    start, start_with_host,
};
use dbintel_core::telemetry::{Registry, SampleValue};
use dbintel_core::{AdmissionRegistry, Admit, ComponentId, Host, PipelineId, Scope};

fn id(s: &str) -> ComponentId {
    s.parse().unwrap()
}
fn pid(s: &str) -> PipelineId {
    s.parse().unwrap()
}

fn logs(n: usize, tag: &str) -> SignalData {
    let records = (0..n)
        .map(|i| LogRecord {
            body: Some(Value::from(format!("{tag}-{i}"))),
            attributes: Attributes::from_iter([("i", i as i64)]),
            ..Default::default()
        })
        .collect();
    SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    })
}

fn bodies(data: &SignalData) -> Vec<String> {
    let SignalData::Logs(l) = data else { return vec![] };
    l.resource_logs
        .iter()
        .flat_map(|r| &r.scope_logs)
        .flat_map(|s| &s.log_records)
        .filter_map(|r| r.body.as_ref().and_then(|b| b.as_str()).map(str::to_string))
        .collect()
}

/// Sends `batches` batches, then waits for shutdown.
struct CountingReceiver {
    batches: usize,
    sent: Arc<AtomicUsize>,
}

#[async_trait]
impl Receiver for CountingReceiver {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        for b in 0..self.batches {
            tokio::select! {
                r = ctx.output.send(logs(1, &format!("b{b}"))) => {
                    if r.is_err() { break; }
                    self.sent.fetch_add(1, Ordering::SeqCst);
                }
                _ = ctx.shutdown.cancelled() => return Ok(()),
            }
        }
        ctx.shutdown.cancelled().await;
        Ok(())
    }
}

struct FailingReceiver;

#[async_trait]
impl Receiver for FailingReceiver {
    async fn run(self: Box<Self>, _ctx: ReceiverContext) -> Result<(), ComponentError> {
        Err(ComponentError::Failed("database unreachable forever".into()))
    }
}

struct PanickingReceiver;

#[async_trait]
impl Receiver for PanickingReceiver {
    async fn run(self: Box<Self>, _ctx: ReceiverContext) -> Result<(), ComponentError> {
        panic!("bug in a receiver");
    }
}

#[derive(Clone, Default)]
struct Sink {
    received: Arc<Mutex<Vec<String>>>,
    flushed: Arc<AtomicUsize>,
}

struct SinkExporter {
    sink: Sink,
    /// Delay per export, to create backpressure.
    delay: Duration,
}

#[async_trait]
impl Exporter for SinkExporter {
    async fn export(&mut self, data: Arc<SignalData>) -> Result<(), ExportError> {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        self.sink.received.lock().unwrap().extend(bodies(&data));
        Ok(())
    }
    async fn shutdown(&mut self) -> Result<(), ExportError> {
        self.sink.flushed.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// Appends a suffix to every body, so the test can see processor order.
struct Suffix(&'static str);

impl Processor for Suffix {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        if let SignalData::Logs(l) = Arc::make_mut(&mut data) {
            for r in
                l.resource_logs.iter_mut().flat_map(|r| &mut r.scope_logs).flat_map(|s| &mut s.log_records)
            {
                if let Some(Value::Str(b)) = &mut r.body {
                    b.push_str(self.0);
                }
            }
        }
        out.push(data);
        Ok(())
    }
}

/// Holds everything until flush, to prove shutdown drains buffered data.
#[derive(Default)]
struct HoldAll(Vec<Arc<SignalData>>);

impl Processor for HoldAll {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        _out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        self.0.push(data);
        Ok(())
    }
    fn flush(&mut self, out: &mut Vec<Arc<SignalData>>) {
        out.append(&mut self.0);
    }
}

struct RejectAll;

impl Processor for RejectAll {
    fn process(
        &mut self,
        _data: Arc<SignalData>,
        _out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        Err(ProcessorError("refusing everything".into()))
    }
}

async fn wait_until(mut cond: impl FnMut() -> bool) {
    for _ in 0..500 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached");
}

fn counter(reg: &Registry, name: &str, label: (&str, &str)) -> u64 {
    reg.snapshot()
        .into_iter()
        .filter(|f| f.name == name)
        .flat_map(|f| f.samples)
        .filter(|s| s.labels.iter().any(|(k, v)| k == label.0 && v == label.1))
        .map(|s| match s.value {
            SampleValue::Counter(c) => c,
            _ => 0,
        })
        .sum()
}

#[tokio::test]
async fn fans_out_to_every_exporter_and_pipeline_in_processor_order() {
    let sent = Arc::new(AtomicUsize::new(0));
    let a = Sink::default();
    let b = Sink::default();
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: id("src"),
            receiver: Box::new(CountingReceiver { batches: 3, sent: sent.clone() }),
            pipelines: vec![pid("logs"), pid("logs/second")],
        }],
        pipelines: vec![
            PipelineNode {
                id: pid("logs"),
                processors: vec![
                    (id("suffix/one"), Box::new(Suffix("-1")).into()),
                    (id("suffix/two"), Box::new(Suffix("-2")).into()),
                ],
                exporters: vec![id("sink/a"), id("sink/b")],
            },
            PipelineNode { id: pid("logs/second"), processors: vec![], exporters: vec![id("sink/b")] },
        ],
        exporters: vec![
            ExporterNode {
                id: id("sink/a"),
                exporter: Box::new(SinkExporter { sink: a.clone(), delay: Duration::ZERO }),
            },
            ExporterNode {
                id: id("sink/b"),
                exporter: Box::new(SinkExporter { sink: b.clone(), delay: Duration::ZERO }),
            },
        ],
        extensions: vec![],
    };
    let telemetry = Registry::new();
    let svc =
        start(graph, RuntimeSettings::default(), telemetry.clone(), HealthRegistry::new()).await.unwrap();
    wait_until(|| a.received.lock().unwrap().len() == 3 && b.received.lock().unwrap().len() == 6).await;
    let report = svc.shutdown().await;
    assert!(report.clean(), "{report:?}");
    assert_eq!(*a.received.lock().unwrap(), ["b0-0-1-2", "b1-0-1-2", "b2-0-1-2"]);
    let mut got_b = b.received.lock().unwrap().clone();
    got_b.sort();
    assert_eq!(got_b, ["b0-0", "b0-0-1-2", "b1-0", "b1-0-1-2", "b2-0", "b2-0-1-2"]);
    assert_eq!(a.flushed.load(Ordering::SeqCst), 1);
    assert_eq!(b.flushed.load(Ordering::SeqCst), 1);
    assert_eq!(counter(&telemetry, "otelcol_receiver_accepted_log_records", ("receiver", "src")), 3);
    assert_eq!(counter(&telemetry, "otelcol_exporter_sent_log_records", ("exporter", "sink/b")), 6);
}

#[tokio::test]
async fn a_slow_exporter_backpressures_the_receiver() {
    let sent = Arc::new(AtomicUsize::new(0));
    let sink = Sink::default();
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: id("src"),
            receiver: Box::new(CountingReceiver { batches: 1000, sent: sent.clone() }),
            pipelines: vec![pid("logs")],
        }],
        pipelines: vec![PipelineNode { id: pid("logs"), processors: vec![], exporters: vec![id("slow")] }],
        exporters: vec![ExporterNode {
            id: id("slow"),
            exporter: Box::new(SinkExporter { sink: sink.clone(), delay: Duration::from_secs(3600) }),
        }],
        extensions: vec![],
    };
    let settings = RuntimeSettings {
        pipeline_queue_capacity: 2,
        exporter_queue_capacity: 2,
        shutdown_timeout: Duration::from_millis(300),
    };
    let svc = start(graph, settings, Registry::new(), HealthRegistry::new()).await.unwrap();
    // The exporter holds one batch, its queue two, the pipeline one in hand and two queued:
    // the receiver must stall far below 1000.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stalled_at = sent.load(Ordering::SeqCst);
    assert!(stalled_at <= 8, "receiver was not held back: sent {stalled_at}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sent.load(Ordering::SeqCst), stalled_at, "receiver kept sending while blocked");
    // The stuck exporter is aborted at the deadline instead of hanging shutdown.
    let report = svc.shutdown().await;
    assert!(report.aborted.iter().any(|a| a.contains("slow")), "{report:?}");
}

#[tokio::test]
async fn shutdown_drains_buffered_data_through_processors_and_exporters() {
    let sent = Arc::new(AtomicUsize::new(0));
    let sink = Sink::default();
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: id("src"),
            receiver: Box::new(CountingReceiver { batches: 5, sent: sent.clone() }),
            pipelines: vec![pid("logs")],
        }],
        pipelines: vec![PipelineNode {
            id: pid("logs"),
            processors: vec![
                (id("hold"), Box::new(HoldAll::default()).into()),
                (id("suffix"), Box::new(Suffix("!")).into()),
            ],
            exporters: vec![id("sink")],
        }],
        exporters: vec![ExporterNode {
            id: id("sink"),
            exporter: Box::new(SinkExporter { sink: sink.clone(), delay: Duration::from_millis(5) }),
        }],
        extensions: vec![],
    };
    let svc = start(graph, RuntimeSettings::default(), Registry::new(), HealthRegistry::new()).await.unwrap();
    wait_until(|| sent.load(Ordering::SeqCst) == 5).await;
    assert!(sink.received.lock().unwrap().is_empty(), "HoldAll keeps everything until flush");
    let report = svc.shutdown().await;
    assert!(report.clean(), "{report:?}");
    assert_eq!(sink.received.lock().unwrap().len(), 5);
    assert!(sink.received.lock().unwrap().iter().all(|b| b.ends_with('!')));
    assert_eq!(sink.flushed.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn failing_and_panicking_components_are_contained() {
    let sent = Arc::new(AtomicUsize::new(0));
    let good = Sink::default();
    let health = HealthRegistry::new();
    let telemetry = Registry::new();
    let graph = ServiceGraph {
        receivers: vec![
            ReceiverNode {
                id: id("broken"),
                receiver: Box::new(FailingReceiver),
                pipelines: vec![pid("logs")],
            },
            ReceiverNode {
                id: id("panics"),
                receiver: Box::new(PanickingReceiver),
                pipelines: vec![pid("logs")],
            },
            ReceiverNode {
                id: id("good"),
                receiver: Box::new(CountingReceiver { batches: 4, sent: sent.clone() }),
                pipelines: vec![pid("logs"), pid("logs/rejecting")],
            },
        ],
        pipelines: vec![
            PipelineNode { id: pid("logs"), processors: vec![], exporters: vec![id("sink")] },
            PipelineNode {
                id: pid("logs/rejecting"),
                processors: vec![(id("reject"), Box::new(RejectAll).into())],
                exporters: vec![id("sink")],
            },
        ],
        exporters: vec![ExporterNode {
            id: id("sink"),
            exporter: Box::new(SinkExporter { sink: good.clone(), delay: Duration::ZERO }),
        }],
        extensions: vec![],
    };
    let svc = start(graph, RuntimeSettings::default(), telemetry.clone(), health.clone()).await.unwrap();
    wait_until(|| good.received.lock().unwrap().len() == 4).await;
    wait_until(|| {
        health.snapshot().iter().any(|c| c.id.to_string() == "broken" && c.status.error().is_some())
    })
    .await;
    assert!(!health.all_running(), "a failed receiver makes the service unhealthy");
    assert_eq!(counter(&telemetry, "otelcol_processor_dropped_log_records", ("processor", "reject")), 4);
    let report = svc.shutdown().await;
    assert!(report.clean(), "{report:?}");
}

/// Sends batches of 3 records until shutdown, counting every record it hands to `send` (also the
/// batch it is blocked on). `stubborn` ignores cancellation: it is aborted at the deadline.
struct FloodReceiver {
    attempted: Arc<AtomicUsize>,
    stubborn: bool,
}

#[async_trait]
impl Receiver for FloodReceiver {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        for b in 0.. {
            let data = logs(3, &format!("f{b}"));
            self.attempted.fetch_add(3, Ordering::SeqCst);
            if self.stubborn {
                let _ = ctx.output.send(data).await;
            } else {
                tokio::select! {
                    _ = ctx.output.send(data) => {}
                    _ = ctx.shutdown.cancelled() => return Ok(()),
                }
            }
        }
        Ok(())
    }
}

/// Buffers one batch and releases both when the next one arrives (a batch processor in miniature).
#[derive(Default)]
struct Pairs(Option<Arc<SignalData>>);

impl Processor for Pairs {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        match self.0.take() {
            Some(first) => {
                out.push(first);
                out.push(data);
            }
            None => self.0 = Some(data),
        }
        Ok(())
    }
    fn flush(&mut self, out: &mut Vec<Arc<SignalData>>) {
        out.extend(self.0.take());
    }
}

/// Delivers `deliver` batches, then blocks forever inside `export` (a peer that never answers).
struct StuckExporter {
    deliver: usize,
    delivered: Arc<AtomicUsize>,
}

#[async_trait]
impl Exporter for StuckExporter {
    async fn export(&mut self, data: Arc<SignalData>) -> Result<(), ExportError> {
        if self.deliver == 0 {
            std::future::pending::<()>().await;
        }
        self.deliver -= 1;
        self.delivered.fetch_add(data.item_count(), Ordering::SeqCst);
        Ok(())
    }
}

fn dropped_with_reason(reg: &Registry, reason: &str) -> u64 {
    reg.snapshot()
        .into_iter()
        .filter(|f| f.name.starts_with("dbintel_") && f.name.contains("_dropped_"))
        .flat_map(|f| f.samples)
        .filter(|s| s.labels.iter().any(|(k, v)| k == "reason" && v == reason))
        .map(|s| match s.value {
            SampleValue::Counter(c) => c,
            _ => 0,
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_aborted_at_the_shutdown_deadline_is_counted_as_dropped() {
    let attempted = Arc::new(AtomicUsize::new(0));
    let delivered = Arc::new(AtomicUsize::new(0));
    let graph = ServiceGraph {
        receivers: vec![
            ReceiverNode {
                id: id("flood/polite"),
                receiver: Box::new(FloodReceiver { attempted: attempted.clone(), stubborn: false }),
                pipelines: vec![pid("logs")],
            },
            ReceiverNode {
                id: id("flood/stubborn"),
                receiver: Box::new(FloodReceiver { attempted: attempted.clone(), stubborn: true }),
                pipelines: vec![pid("logs")],
            },
        ],
        pipelines: vec![PipelineNode {
            id: pid("logs"),
            processors: vec![(id("pairs"), Box::new(Pairs::default()).into())],
            exporters: vec![id("stuck")],
        }],
        exporters: vec![ExporterNode {
            id: id("stuck"),
            exporter: Box::new(StuckExporter { deliver: 4, delivered: delivered.clone() }),
        }],
        extensions: vec![],
    };
    let settings = RuntimeSettings {
        pipeline_queue_capacity: 3,
        exporter_queue_capacity: 2,
        shutdown_timeout: Duration::from_millis(300),
    };
    let telemetry = Registry::new();
    let svc = start(graph, settings, telemetry.clone(), HealthRegistry::new()).await.unwrap();
    // Everything fills up: 4 batches delivered, one stuck in export, the exporter queue (2), the
    // pipeline's send, the processor, the pipeline queue (3) and both receivers' sends.
    let attempted_now = || attempted.load(Ordering::SeqCst);
    wait_until(|| delivered.load(Ordering::SeqCst) == 12 && attempted_now() > 30).await;
    let mut last = attempted_now();
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = attempted_now();
        if now == last {
            break;
        }
        last = now;
    }
    let report = svc.shutdown().await;
    assert!(!report.clean(), "the stuck exporter must be aborted: {report:?}");
    let sent = attempted.load(Ordering::SeqCst) as u64;
    let delivered = delivered.load(Ordering::SeqCst) as u64;
    let d = report.dropped;
    assert_eq!(d.total(), sent - delivered, "{d:?}");
    assert_eq!(dropped_with_reason(&telemetry, "shutdown"), sent - delivered);
    assert_eq!(d.receiver_sends, 6, "one pending batch per receiver: {d:?}");
    assert_eq!(d.exporter_calls, 3, "{d:?}");
    assert!(d.pipeline_queues > 0 && d.exporter_queues > 0, "{d:?}");
}

/// Fails every export (a full disk under the file exporter, a closed console under debug).
struct RefusingExporter;

#[async_trait]
impl Exporter for RefusingExporter {
    async fn export(&mut self, _data: Arc<SignalData>) -> Result<(), ExportError> {
        Err(ExportError::Failed("No space left on device (os error 28)".into()))
    }
    async fn shutdown(&mut self) -> Result<(), ExportError> {
        Ok(())
    }
}

/// An exporter without a sending queue drops what it fails to export: counted with a reason.
#[tokio::test]
async fn failed_exports_of_an_exporter_without_a_queue_are_counted_with_a_reason() {
    let sent = Arc::new(AtomicUsize::new(0));
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: id("src"),
            receiver: Box::new(CountingReceiver { batches: 5, sent: sent.clone() }),
            pipelines: vec![pid("logs")],
        }],
        pipelines: vec![PipelineNode { id: pid("logs"), processors: vec![], exporters: vec![id("full")] }],
        exporters: vec![ExporterNode { id: id("full"), exporter: Box::new(RefusingExporter) }],
        extensions: vec![],
    };
    let telemetry = Registry::new();
    let svc =
        start(graph, RuntimeSettings::default(), telemetry.clone(), HealthRegistry::new()).await.unwrap();
    wait_until(|| counter(&telemetry, "otelcol_exporter_send_failed_log_records", ("exporter", "full")) == 5)
        .await;
    svc.shutdown().await;
    assert_eq!(dropped_with_reason(&telemetry, "export_failed"), 5);
    assert_eq!(counter(&telemetry, "dbintel_exporter_dropped_log_records_total", ("exporter", "full")), 5);
}

struct PanickingProcessor;

impl Processor for PanickingProcessor {
    fn process(
        &mut self,
        _data: Arc<SignalData>,
        _out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        panic!("bug in a processor");
    }
}

struct PanickingExporter;

#[async_trait]
impl Exporter for PanickingExporter {
    async fn export(&mut self, _data: Arc<SignalData>) -> Result<(), ExportError> {
        panic!("bug in an exporter");
    }
}

/// A panicking receiver, processor or exporter is marked failed (permanent error, named) at once, while
/// the service still runs, so health_check answers 503 naming it; the others keep running.
#[tokio::test]
async fn a_panicking_component_is_marked_failed_while_the_service_runs() {
    let health = HealthRegistry::new();
    let good = Sink::default();
    let graph = ServiceGraph {
        receivers: vec![
            ReceiverNode {
                id: id("panics"),
                receiver: Box::new(PanickingReceiver),
                pipelines: vec![pid("logs")],
            },
            ReceiverNode {
                id: id("feeder"),
                receiver: Box::new(CountingReceiver { batches: 3, sent: Arc::default() }),
                pipelines: vec![pid("logs"), pid("logs/bad"), pid("logs/good")],
            },
        ],
        pipelines: vec![
            PipelineNode { id: pid("logs"), processors: vec![], exporters: vec![id("broken")] },
            PipelineNode {
                id: pid("logs/bad"),
                processors: vec![(id("crash"), Box::new(PanickingProcessor).into())],
                exporters: vec![id("sink")],
            },
            PipelineNode { id: pid("logs/good"), processors: vec![], exporters: vec![id("sink")] },
        ],
        exporters: vec![
            ExporterNode { id: id("broken"), exporter: Box::new(PanickingExporter) },
            ExporterNode {
                id: id("sink"),
                exporter: Box::new(SinkExporter { sink: good.clone(), delay: Duration::ZERO }),
            },
        ],
        extensions: vec![],
    };
    let svc = start(graph, RuntimeSettings::default(), Registry::new(), health.clone()).await.unwrap();
    let failed = |name: &str| {
        health.snapshot().iter().any(|c| {
            c.id.to_string() == name && matches!(c.status, dbintel_core::health::Status::PermanentError(_))
        })
    };
    // Still running (no shutdown yet): each panicking component is named as failed.
    wait_until(|| failed("panics") && failed("crash") && failed("broken")).await;
    assert!(!health.all_running());
    assert!(!failed("feeder") && !failed("sink"), "{:?}", health.snapshot());
    wait_until(|| good.received.lock().unwrap().len() == 3).await;
    let _ = svc.shutdown().await;
}

/// Records the address of every batch it is handed, to show fan-out shares one allocation.
struct AddressExporter(Arc<Mutex<Vec<usize>>>);

#[async_trait]
impl Exporter for AddressExporter {
    async fn export(&mut self, data: Arc<SignalData>) -> Result<(), ExportError> {
        self.0.lock().unwrap().push(Arc::as_ptr(&data) as usize);
        Ok(())
    }
}

/// A receiver feeding two pipelines, one of which feeds two exporters: all three exporters get the
/// same allocation (no deep copy per consumer); a mutating processor copies on write, so the other
/// pipeline still sees the original (checked in `fans_out_to_every_exporter_and_pipeline_in_processor_order`).
#[tokio::test]
async fn fan_out_shares_one_allocation_across_pipelines_and_exporters() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sent = Arc::new(AtomicUsize::new(0));
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: id("src"),
            receiver: Box::new(CountingReceiver { batches: 1, sent: sent.clone() }),
            pipelines: vec![pid("logs"), pid("logs/second")],
        }],
        pipelines: vec![
            PipelineNode { id: pid("logs"), processors: vec![], exporters: vec![id("addr/a"), id("addr/b")] },
            PipelineNode { id: pid("logs/second"), processors: vec![], exporters: vec![id("addr/c")] },
        ],
        exporters: ["addr/a", "addr/b", "addr/c"]
            .into_iter()
            .map(|e| ExporterNode { id: id(e), exporter: Box::new(AddressExporter(seen.clone())) })
            .collect(),
        extensions: vec![],
    };
    let svc = start(graph, RuntimeSettings::default(), Registry::new(), HealthRegistry::new()).await.unwrap();
    wait_until(|| seen.lock().unwrap().len() == 3).await;
    svc.shutdown().await;
    let seen = seen.lock().unwrap();
    assert!(seen.iter().all(|a| *a == seen[0]), "every exporter got the same batch: {seen:?}");
}

/// Scrapes every 2 ms: asks admission first (through `ScrapeGate`), sends one record when admitted.
struct GatedReceiver {
    sent: Arc<AtomicUsize>,
}

#[async_trait]
impl Receiver for GatedReceiver {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        let mut tick = tokio::time::interval(Duration::from_millis(2));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = ctx.shutdown.cancelled() => return Ok(()),
            }
            if matches!(ctx.output.admit(None), Admit::Skip { .. }) {
                continue;
            }
            tokio::select! {
                r = ctx.output.send(logs(1, "g")) => {
                    if r.is_err() { return Ok(()); }
                    self.sent.fetch_add(1, Ordering::SeqCst);
                }
                _ = ctx.shutdown.cancelled() => return Ok(()),
            }
        }
    }
}

/// Tells every receiver to skip once it has seen `after` records (a memory limiter in miniature).
struct SkipAfter {
    after: usize,
    seen: usize,
    admission: AdmissionRegistry,
}

impl Processor for SkipAfter {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        self.seen += data.item_count();
        if self.seen >= self.after {
            self.admission.set("skip_after", Scope::AllReceivers, Admit::Skip { reason: "memory".into() });
        }
        out.push(data);
        Ok(())
    }
}

fn throttled(reg: &Registry, reason: &str) -> u64 {
    counter(reg, "dbintel_receiver_throttled_scrapes_total", ("reason", reason))
}

/// A processor sets `Skip` through the host: the receiver stops collecting (it skips, counted) and
/// resumes when the vote is withdrawn.
#[tokio::test]
async fn a_processor_throttles_a_receiver_through_admission_and_it_resumes() {
    let host = Host::new();
    let sent = Arc::new(AtomicUsize::new(0));
    let sink = Sink::default();
    let processor = SkipAfter { after: 3, seen: 0, admission: host.admission().clone() };
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: id("gated"),
            receiver: Box::new(GatedReceiver { sent: sent.clone() }),
            pipelines: vec![pid("logs")],
        }],
        pipelines: vec![PipelineNode {
            id: pid("logs"),
            processors: vec![(id("skip_after"), Box::new(processor).into())],
            exporters: vec![id("sink")],
        }],
        exporters: vec![ExporterNode {
            id: id("sink"),
            exporter: Box::new(SinkExporter { sink: sink.clone(), delay: Duration::ZERO }),
        }],
        extensions: vec![],
    };
    let telemetry = Registry::new();
    let svc = start_with_host(
        graph,
        RuntimeSettings::default(),
        telemetry.clone(),
        HealthRegistry::new(),
        host.clone(),
    )
    .await
    .unwrap();
    wait_until(|| throttled(&telemetry, "memory") >= 1).await;
    let sent_while_skipping = sent.load(Ordering::SeqCst);
    assert!(sent_while_skipping >= 3);
    let skips = throttled(&telemetry, "memory");
    wait_until(|| throttled(&telemetry, "memory") >= skips + 5).await;
    assert_eq!(sent.load(Ordering::SeqCst), sent_while_skipping, "a skipping receiver sends nothing");
    host.admission().set("skip_after", Scope::AllReceivers, Admit::Full);
    wait_until(|| sent.load(Ordering::SeqCst) > sent_while_skipping).await;
    svc.shutdown().await;
}

/// Blocks every export until the test hands out permits.
struct GatedExporter(Arc<tokio::sync::Semaphore>);

#[async_trait]
impl Exporter for GatedExporter {
    async fn export(&mut self, _data: Arc<SignalData>) -> Result<(), ExportError> {
        if let Ok(p) = self.0.acquire().await {
            p.forget();
        }
        Ok(())
    }
}

/// A pipeline whose queue passes 80% full throttles the receivers feeding it; once it drains below
/// half, they collect again.
#[tokio::test]
async fn a_full_pipeline_queue_throttles_its_receivers_until_it_drains() {
    let sent = Arc::new(AtomicUsize::new(0));
    let permits = Arc::new(tokio::sync::Semaphore::new(0));
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: id("gated"),
            receiver: Box::new(GatedReceiver { sent: sent.clone() }),
            pipelines: vec![pid("logs")],
        }],
        pipelines: vec![PipelineNode { id: pid("logs"), processors: vec![], exporters: vec![id("gate")] }],
        exporters: vec![ExporterNode { id: id("gate"), exporter: Box::new(GatedExporter(permits.clone())) }],
        extensions: vec![],
    };
    let settings = RuntimeSettings {
        pipeline_queue_capacity: 10,
        exporter_queue_capacity: 1,
        ..RuntimeSettings::default()
    };
    let telemetry = Registry::new();
    let svc = start(graph, settings, telemetry.clone(), HealthRegistry::new()).await.unwrap();
    let reason = "pipeline logs is overloaded";
    wait_until(|| throttled(&telemetry, reason) >= 3).await;
    // Throttled at 8 queued (80% of 10): the receiver stopped before filling the queue.
    let stopped_at = sent.load(Ordering::SeqCst);
    assert!(stopped_at < 10 + 3, "the receiver stopped sending ({stopped_at})");
    permits.add_permits(1000);
    wait_until(|| sent.load(Ordering::SeqCst) > stopped_at + 5).await;
    svc.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Processor lifecycle and the task kind.

/// Emits one record every 10 ms (a cost report, a feedback record) and passes data through.
struct Ticker;

#[async_trait]
impl TaskProcessor for Ticker {
    fn mutates_data(&self) -> bool {
        false
    }
    async fn run(self: Box<Self>, mut ctx: TaskContext) -> Result<(), ComponentError> {
        let mut tick = tokio::time::interval(Duration::from_millis(10));
        let mut n = 0;
        loop {
            tokio::select! {
                data = ctx.recv() => match data {
                    Some(d) => { let _ = ctx.send(d).await; }
                    None => return Ok(()),
                },
                _ = tick.tick() => {
                    n += 1;
                    let _ = ctx.send(Arc::new(logs(1, &format!("tick{n}")))).await;
                }
            }
        }
    }
}

/// Holds every batch until its input ends (a correlator waiting for the other half), then hands all
/// over. `stubborn` never lets go: it is aborted at the shutdown deadline.
struct Delay {
    stubborn: bool,
    holding: Arc<AtomicUsize>,
}

#[async_trait]
impl TaskProcessor for Delay {
    async fn run(self: Box<Self>, mut ctx: TaskContext) -> Result<(), ComponentError> {
        let mut held = ctx.buffer();
        while let Some(d) = ctx.recv().await {
            held.push_back(d);
            self.holding.store(held.len(), Ordering::SeqCst);
        }
        if self.stubborn {
            std::future::pending::<()>().await;
        }
        while let Some(d) = held.pop_front() {
            let _ = ctx.send(d).await;
        }
        Ok(())
    }
}

struct PanickingTask;

#[async_trait]
impl TaskProcessor for PanickingTask {
    async fn run(self: Box<Self>, mut ctx: TaskContext) -> Result<(), ComponentError> {
        let _ = ctx.recv().await;
        panic!("bug in a task processor");
    }
}

fn one_pipeline(
    receiver: Box<dyn Receiver>,
    processors: Vec<(ComponentId, PipelineProcessor)>,
    sink: &Sink,
) -> ServiceGraph {
    ServiceGraph {
        receivers: vec![ReceiverNode { id: id("src"), receiver, pipelines: vec![pid("logs")] }],
        pipelines: vec![PipelineNode { id: pid("logs"), processors, exporters: vec![id("sink")] }],
        exporters: vec![ExporterNode {
            id: id("sink"),
            exporter: Box::new(SinkExporter { sink: sink.clone(), delay: Duration::ZERO }),
        }],
        extensions: vec![],
    }
}

/// A task processor between two synchronous ones: its periodic output and the data both go through
/// the rest of the chain in order.
#[tokio::test]
async fn a_task_processor_emits_periodic_records_inside_the_chain() {
    let sink = Sink::default();
    let sent = Arc::new(AtomicUsize::new(0));
    let graph = one_pipeline(
        Box::new(CountingReceiver { batches: 2, sent: sent.clone() }),
        vec![
            (id("suffix/before"), Box::new(Suffix("-a")).into()),
            (id("ticker"), PipelineProcessor::Task(Box::new(Ticker))),
            (id("suffix/after"), Box::new(Suffix("-b")).into()),
        ],
        &sink,
    );
    let telemetry = Registry::new();
    let svc =
        start(graph, RuntimeSettings::default(), telemetry.clone(), HealthRegistry::new()).await.unwrap();
    wait_until(|| sink.received.lock().unwrap().iter().filter(|b| b.starts_with("tick")).count() >= 3).await;
    let report = svc.shutdown().await;
    assert!(report.clean(), "{report:?}");
    let got = sink.received.lock().unwrap().clone();
    assert!(got.contains(&"b0-0-a-b".to_string()) && got.contains(&"b1-0-a-b".to_string()), "{got:?}");
    assert!(
        got.iter().filter(|b| b.starts_with("tick")).all(|b| b.ends_with("-b") && !b.contains("-a")),
        "{got:?}"
    );
    let outgoing = counter(&telemetry, "otelcol_processor_outgoing_log_records", ("processor", "ticker"));
    assert_eq!(outgoing as usize, got.len(), "every record the ticker passed on reached the sink");
}

/// A delaying task processor hands over what it holds when its input ends: shutdown loses nothing.
#[tokio::test]
async fn a_task_processor_holding_data_is_drained_at_shutdown() {
    let sink = Sink::default();
    let sent = Arc::new(AtomicUsize::new(0));
    let holding = Arc::new(AtomicUsize::new(0));
    let graph = one_pipeline(
        Box::new(CountingReceiver { batches: 4, sent: sent.clone() }),
        vec![(
            id("delay"),
            PipelineProcessor::Task(Box::new(Delay { stubborn: false, holding: holding.clone() })),
        )],
        &sink,
    );
    let svc = start(graph, RuntimeSettings::default(), Registry::new(), HealthRegistry::new()).await.unwrap();
    wait_until(|| holding.load(Ordering::SeqCst) == 4).await;
    assert!(sink.received.lock().unwrap().is_empty(), "held until the input ends");
    let report = svc.shutdown().await;
    assert!(report.clean(), "{report:?}");
    assert_eq!(report.dropped.total(), 0);
    assert_eq!(sink.received.lock().unwrap().len(), 4);
    assert_eq!(sink.flushed.load(Ordering::SeqCst), 1);
}

/// A task processor that never lets go is aborted at the deadline; what it held in its buffer is
/// counted as dropped in the processors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_held_by_an_aborted_task_processor_is_counted_as_dropped() {
    let sink = Sink::default();
    let sent = Arc::new(AtomicUsize::new(0));
    let holding = Arc::new(AtomicUsize::new(0));
    let graph = one_pipeline(
        Box::new(CountingReceiver { batches: 5, sent: sent.clone() }),
        vec![(
            id("delay"),
            PipelineProcessor::Task(Box::new(Delay { stubborn: true, holding: holding.clone() })),
        )],
        &sink,
    );
    let settings =
        RuntimeSettings { shutdown_timeout: Duration::from_millis(300), ..RuntimeSettings::default() };
    let telemetry = Registry::new();
    let svc = start(graph, settings, telemetry.clone(), HealthRegistry::new()).await.unwrap();
    wait_until(|| holding.load(Ordering::SeqCst) == 5).await;
    let report = svc.shutdown().await;
    assert!(report.aborted.iter().any(|a| a.contains("delay")), "{report:?}");
    assert_eq!(report.dropped.processors, 5, "{:?}", report.dropped);
    assert_eq!(report.dropped.total(), 5, "{:?}", report.dropped);
    assert_eq!(dropped_with_reason(&telemetry, "shutdown"), 5);
    assert!(sink.received.lock().unwrap().is_empty());
}

/// A panicking task processor is marked failed at once (PanicWatch) while the service runs; what
/// then cannot reach it is counted, and the exporter still stops cleanly.
#[tokio::test]
async fn a_panicking_task_processor_is_marked_failed() {
    let health = HealthRegistry::new();
    let sink = Sink::default();
    let sent = Arc::new(AtomicUsize::new(0));
    let graph = one_pipeline(
        Box::new(CountingReceiver { batches: 3, sent: sent.clone() }),
        vec![(id("crashy"), PipelineProcessor::Task(Box::new(PanickingTask)))],
        &sink,
    );
    let telemetry = Registry::new();
    let svc = start(graph, RuntimeSettings::default(), telemetry.clone(), health.clone()).await.unwrap();
    wait_until(|| {
        health.snapshot().iter().any(|c| {
            c.id.to_string() == "crashy"
                && matches!(c.status, dbintel_core::health::Status::PermanentError(_))
        })
    })
    .await;
    assert!(!health.all_running());
    // The batch it panicked on is gone with it; the other two are counted as dropped on the way.
    wait_until(|| dropped_with_reason(&telemetry, "component_stopped") == 2).await;
    let _ = svc.shutdown().await;
    assert_eq!(sent.load(Ordering::SeqCst), 3);
    assert_eq!(dropped_with_reason(&telemetry, "component_stopped"), 2);
    assert_eq!(sink.flushed.load(Ordering::SeqCst), 1);
}

/// Counts its lifecycle calls; refuses to start when told to.
struct Lifecycle {
    calls: Arc<Mutex<Vec<&'static str>>>,
    refuse: bool,
}

impl Processor for Lifecycle {
    fn start(&mut self, ctx: &ProcessorContext) -> Result<(), ProcessorError> {
        self.calls.lock().unwrap().push("start");
        assert_eq!(ctx.pipeline, pid("logs"));
        if self.refuse { Err(ProcessorError("no budget configured".into())) } else { Ok(()) }
    }
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        self.calls.lock().unwrap().push("process");
        out.push(data);
        Ok(())
    }
    fn flush(&mut self, _out: &mut Vec<Arc<SignalData>>) {
        self.calls.lock().unwrap().push("flush");
    }
    fn shutdown(&mut self) {
        self.calls.lock().unwrap().push("shutdown");
    }
    fn mutates_data(&self) -> bool {
        false
    }
}

/// `start` runs before the first batch and `shutdown` after the final flush; a failing `start`
/// stops the service from starting, naming the processor.
#[tokio::test]
async fn processors_are_started_and_shut_down_and_a_failed_start_is_reported() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink::default();
    let sent = Arc::new(AtomicUsize::new(0));
    let graph = one_pipeline(
        Box::new(CountingReceiver { batches: 1, sent: sent.clone() }),
        vec![(id("lifecycle"), Box::new(Lifecycle { calls: calls.clone(), refuse: false }).into())],
        &sink,
    );
    let svc = start(graph, RuntimeSettings::default(), Registry::new(), HealthRegistry::new()).await.unwrap();
    wait_until(|| sink.received.lock().unwrap().len() == 1).await;
    svc.shutdown().await;
    assert_eq!(*calls.lock().unwrap(), ["start", "process", "flush", "shutdown"]);

    let graph = one_pipeline(
        Box::new(CountingReceiver { batches: 1, sent }),
        vec![(id("lifecycle"), Box::new(Lifecycle { calls: calls.clone(), refuse: true }).into())],
        &sink,
    );
    let err =
        start(graph, RuntimeSettings::default(), Registry::new(), HealthRegistry::new()).await.err().unwrap();
    assert!(err.to_string().contains("processor `lifecycle` failed to start: no budget configured"), "{err}");
}

#[tokio::test]
async fn try_send_within_refuses_a_full_queue_in_time_and_sends_nothing() {
    use dbintel_core::pipeline::{ReceiverOutput, TrySendError};
    let reg = Registry::new();
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let out = ReceiverOutput::from_channels(None, Some(tx)).with_counters(&id("otlp"), &reg);
    let bound = Duration::from_millis(50);
    out.try_send_within(logs(2, "a"), bound).await.expect("room for one batch");
    assert_eq!(out.try_send_within(logs(3, "b"), bound).await, Err(TrySendError::Full));
    let refused = counter(&reg, "otelcol_receiver_refused_log_records", ("receiver", "otlp"));
    let accepted = counter(&reg, "otelcol_receiver_accepted_log_records", ("receiver", "otlp"));
    assert_eq!((accepted, refused), (2, 3));
    // Only the first batch is queued; once it is taken there is room again.
    assert_eq!(bodies(&rx.recv().await.unwrap()).len(), 2);
    out.try_send_within(logs(1, "c"), bound).await.expect("room after the drain");
    assert_eq!(bodies(&rx.recv().await.unwrap()), vec!["c-0".to_string()]);
    drop(rx);
    assert_eq!(out.try_send_within(logs(1, "d"), bound).await, Err(TrySendError::ShuttingDown));
}
