//! Delivery tokens through the runtime: a push receiver's request (`ReceiverOutput::try_send_acked`)
//! resolves only when every exporter of every pipeline it reaches has taken its copy, through
//! fan-out, buffering processors, splits, purposeful drops, refusals and shutdown. The components
//! are small in-test implementations of the core traits; the runtime is what is under test. No
//! assertion depends on time: "not yet resolved" is checked while an exporter is held closed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::component::{
    ComponentError, ExportError, Exporter, Processor, ProcessorError, Receiver, ReceiverContext,
    TaskProcessor,
};
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData, Value};
use dbintel_core::pipeline::{
    ExporterNode, PipelineNode, PipelineProcessor, ReceiverNode, RunningService, RuntimeSettings,
    ServiceGraph, TaskContext, start,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, Outcome, PipelineId};
use tokio::sync::{mpsc, oneshot};

fn id(s: &str) -> ComponentId {
    s.parse().unwrap()
}
fn pid(s: &str) -> PipelineId {
    s.parse().unwrap()
}

fn logs(n: usize, tag: &str) -> SignalData {
    let records = (0..n)
        .map(|i| LogRecord { body: Some(Value::from(format!("{tag}-{i}"))), ..Default::default() })
        .collect();
    SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    })
}

type Request = (SignalData, oneshot::Sender<Outcome>);

/// A push receiver in miniature: offers each request to its pipelines with a token and reports
/// the request's outcome (`Refused` also when the pipelines did not take it).
struct Requests(mpsc::Receiver<Request>);

#[async_trait]
impl Receiver for Requests {
    async fn run(mut self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        loop {
            tokio::select! {
                r = self.0.recv() => {
                    let Some((data, answer)) = r else { break };
                    match ctx.output.try_send_acked(data, Duration::from_secs(30)).await {
                        Ok(wait) => {
                            tokio::spawn(async move {
                                let _ = answer.send(wait.within(Duration::from_secs(60)).await);
                            });
                        }
                        Err(_) => {
                            let _ = answer.send(Outcome::Refused);
                        }
                    }
                }
                _ = ctx.shutdown.cancelled() => break,
            }
        }
        Ok(())
    }
}

async fn request(tx: &mpsc::Sender<Request>, data: SignalData) -> oneshot::Receiver<Outcome> {
    let (answer, outcome) = oneshot::channel();
    tx.send((data, answer)).await.expect("receiver runs");
    outcome
}

fn unresolved(rx: &mut oneshot::Receiver<Outcome>) -> bool {
    matches!(rx.try_recv(), Err(oneshot::error::TryRecvError::Empty))
}

async fn outcome(rx: oneshot::Receiver<Outcome>) -> Outcome {
    tokio::time::timeout(Duration::from_secs(60), rx).await.expect("resolved").expect("answered")
}

async fn wait_until(mut cond: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached");
}

/// Counts what it exported; each export waits for a permit while `gate` is set.
#[derive(Clone, Default)]
struct Counted {
    entered: Arc<AtomicUsize>,
    items: Arc<AtomicUsize>,
}

struct GateExporter {
    counted: Counted,
    gate: Option<Arc<tokio::sync::Semaphore>>,
    fail: bool,
}

#[async_trait]
impl Exporter for GateExporter {
    async fn export(&mut self, data: Arc<SignalData>) -> Result<(), ExportError> {
        self.counted.entered.fetch_add(1, Ordering::SeqCst);
        if let Some(g) = &self.gate
            && let Ok(p) = g.acquire().await
        {
            p.forget();
        }
        if self.fail {
            return Err(ExportError::Failed("sending queue is full".into()));
        }
        self.counted.items.fetch_add(data.item_count(), Ordering::SeqCst);
        Ok(())
    }
}

fn exporter(name: &str, counted: &Counted, gate: Option<&Arc<tokio::sync::Semaphore>>) -> ExporterNode {
    ExporterNode {
        id: id(name),
        exporter: Box::new(GateExporter { counted: counted.clone(), gate: gate.cloned(), fail: false }),
    }
}

async fn service(
    pipelines: Vec<PipelineNode>,
    exporters: Vec<ExporterNode>,
    settings: RuntimeSettings,
) -> (RunningService, mpsc::Sender<Request>) {
    let (tx, rx) = mpsc::channel(16);
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: id("otlp"),
            receiver: Box::new(Requests(rx)),
            pipelines: pipelines.iter().map(|p| p.id.clone()).collect(),
        }],
        pipelines,
        exporters,
        extensions: vec![],
    };
    let svc = start(graph, settings, Registry::new(), HealthRegistry::new()).await.expect("starts");
    (svc, tx)
}

fn pipeline(
    name: &str,
    processors: Vec<(ComponentId, PipelineProcessor)>,
    exporters: &[&str],
) -> PipelineNode {
    PipelineNode { id: pid(name), processors, exporters: exporters.iter().map(|e| id(e)).collect() }
}

/// Fan-out to two pipelines and, in one of them, to two exporters: the request resolves only once
/// the last exporter took its copy.
#[tokio::test]
async fn a_request_resolves_only_when_every_exporter_of_every_pipeline_took_its_copy() {
    let (open, gated) = (Counted::default(), Counted::default());
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let (svc, tx) = service(
        vec![pipeline("logs/a", vec![], &["open", "gated"]), pipeline("logs/b", vec![], &["open"])],
        vec![exporter("open", &open, None), exporter("gated", &gated, Some(&gate))],
        RuntimeSettings::default(),
    )
    .await;
    let mut rx = request(&tx, logs(3, "r")).await;
    wait_until(|| open.items.load(Ordering::SeqCst) == 6 && gated.entered.load(Ordering::SeqCst) == 1).await;
    assert!(unresolved(&mut rx), "resolved while an exporter had not taken its copy");
    gate.add_permits(1);
    assert_eq!(outcome(rx).await, Outcome::Delivered);
    svc.shutdown().await;
}

/// A batch processor in miniature: holds everything until its deadline, then hands it over as
/// one batch, split in two when it has more than one input.
#[derive(Default)]
struct Buffer {
    held: Option<SignalData>,
    inputs: usize,
    deadline: Option<tokio::time::Instant>,
    /// Hand over at the next input instead of at a deadline.
    on_next: bool,
}

impl Buffer {
    fn emit(&mut self, out: &mut Vec<Arc<SignalData>>) {
        self.deadline = None;
        self.inputs = 0;
        if let Some(SignalData::Logs(mut l)) = self.held.take() {
            if l.resource_logs.len() > 1 {
                let tail = l.resource_logs.split_off(1);
                out.push(Arc::new(SignalData::Logs(l)));
                out.push(Arc::new(SignalData::Logs(Logs { resource_logs: tail })));
            } else {
                out.push(Arc::new(SignalData::Logs(l)));
            }
        }
    }
}

impl Processor for Buffer {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let data = Arc::unwrap_or_clone(data);
        match self.held.as_mut() {
            None => self.held = Some(data),
            Some(h) => h.append(data).map_err(|_| ProcessorError("mixed signals".into()))?,
        }
        self.inputs += 1;
        if self.on_next && self.inputs == 2 {
            self.emit(out);
        } else if !self.on_next && self.deadline.is_none() {
            self.deadline = Some(tokio::time::Instant::now() + Duration::from_millis(20));
        }
        Ok(())
    }
    fn next_deadline(&self) -> Option<tokio::time::Instant> {
        self.deadline
    }
    fn holds_data(&self) -> bool {
        self.held.is_some()
    }
    fn on_timer(&mut self, out: &mut Vec<Arc<SignalData>>) {
        self.emit(out);
    }
    fn flush(&mut self, out: &mut Vec<Arc<SignalData>>) {
        self.emit(out);
    }
}

/// Two requests merged into one buffer and handed over as two parts: both resolve only once both
/// parts were exported; while the first is held, it is unresolved.
#[tokio::test]
async fn tokens_are_merged_by_a_buffering_processor_and_cloned_on_its_split() {
    let gated = Counted::default();
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let buffer: Box<dyn Processor> = Box::new(Buffer { on_next: true, ..Buffer::default() });
    let (svc, tx) = service(
        vec![pipeline("logs", vec![(id("batch"), buffer.into())], &["gated"])],
        vec![exporter("gated", &gated, Some(&gate))],
        RuntimeSettings::default(),
    )
    .await;
    let mut first = request(&tx, logs(2, "a")).await;
    // Held in the buffer (no output yet): give the pipeline the time to take it, then check.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(gated.entered.load(Ordering::SeqCst), 0);
    assert!(unresolved(&mut first), "resolved while its data was only in a processor's buffer");
    let mut second = request(&tx, logs(1, "b")).await;
    wait_until(|| gated.entered.load(Ordering::SeqCst) == 1).await;
    assert!(unresolved(&mut first) && unresolved(&mut second));
    gate.add_permits(1);
    wait_until(|| gated.entered.load(Ordering::SeqCst) == 2).await;
    assert!(unresolved(&mut first) && unresolved(&mut second), "resolved with one part of the split out");
    gate.add_permits(1);
    assert_eq!(outcome(first).await, Outcome::Delivered);
    assert_eq!(outcome(second).await, Outcome::Delivered);
    assert_eq!(gated.items.load(Ordering::SeqCst), 3);
    svc.shutdown().await;
}

/// With a time-driven buffer (the `batch` shape) the requests resolve after its deadline hands
/// the data to the exporter.
#[tokio::test]
async fn a_timer_driven_buffer_resolves_its_requests_when_it_hands_over() {
    let open = Counted::default();
    let buffer: Box<dyn Processor> = Box::new(Buffer::default());
    let (svc, tx) = service(
        vec![pipeline("logs", vec![(id("batch"), buffer.into())], &["open"])],
        vec![exporter("open", &open, None)],
        RuntimeSettings::default(),
    )
    .await;
    let a = request(&tx, logs(2, "a")).await;
    let b = request(&tx, logs(2, "b")).await;
    assert_eq!(outcome(a).await, Outcome::Delivered);
    assert_eq!(outcome(b).await, Outcome::Delivered);
    assert_eq!(open.items.load(Ordering::SeqCst), 4, "resolved before the exporter had the data");
    svc.shutdown().await;
}

/// Drops everything and says so: on purpose (a filter), or refused for load (memory_limiter).
struct DropAll {
    refused: bool,
}

impl Processor for DropAll {
    fn process(
        &mut self,
        _data: Arc<SignalData>,
        _out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        Ok(())
    }
    fn refused_last(&self) -> bool {
        self.refused
    }
}

struct Failing;

impl Processor for Failing {
    fn process(
        &mut self,
        _data: Arc<SignalData>,
        _out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        Err(ProcessorError("cannot process".into()))
    }
}

#[tokio::test]
async fn a_purposeful_drop_is_delivered_a_refusal_or_a_processor_error_is_refused() {
    for (processor, expected) in [
        (Box::new(DropAll { refused: false }) as Box<dyn Processor>, Outcome::Delivered),
        (Box::new(DropAll { refused: true }), Outcome::Refused),
        (Box::new(Failing), Outcome::Refused),
    ] {
        let open = Counted::default();
        let (svc, tx) = service(
            vec![pipeline("logs", vec![(id("p"), processor.into())], &["open"])],
            vec![exporter("open", &open, None)],
            RuntimeSettings::default(),
        )
        .await;
        assert_eq!(outcome(request(&tx, logs(1, "x")).await).await, expected);
        svc.shutdown().await;
    }
}

/// One exporter refuses (its sending queue is full): the whole request is refused, although the
/// other pipeline's exporter took its copy (the sender resends; that copy arrives twice).
#[tokio::test]
async fn an_exporter_refusing_its_copy_refuses_the_request() {
    let (open, full) = (Counted::default(), Counted::default());
    let (svc, tx) = service(
        vec![pipeline("logs/a", vec![], &["open"]), pipeline("logs/b", vec![], &["full"])],
        vec![
            exporter("open", &open, None),
            ExporterNode {
                id: id("full"),
                exporter: Box::new(GateExporter { counted: full.clone(), gate: None, fail: true }),
            },
        ],
        RuntimeSettings::default(),
    )
    .await;
    assert_eq!(outcome(request(&tx, logs(2, "x")).await).await, Outcome::Refused);
    assert_eq!(open.items.load(Ordering::SeqCst), 2);
    svc.shutdown().await;
}

/// Data still inside an exporter at the shutdown deadline is aborted: its request is refused, not
/// delivered and not left hanging.
#[tokio::test]
async fn data_aborted_at_the_shutdown_deadline_refuses_its_request() {
    let stuck = Counted::default();
    let never = Arc::new(tokio::sync::Semaphore::new(0));
    let (svc, tx) = service(
        vec![pipeline("logs", vec![], &["stuck"])],
        vec![exporter("stuck", &stuck, Some(&never))],
        RuntimeSettings { shutdown_timeout: Duration::from_millis(200), ..RuntimeSettings::default() },
    )
    .await;
    let rx = request(&tx, logs(1, "x")).await;
    wait_until(|| stuck.entered.load(Ordering::SeqCst) == 1).await;
    let report = svc.shutdown().await;
    assert!(!report.clean());
    assert_eq!(outcome(rx).await, Outcome::Refused);
}

/// A task processor does not carry tokens: the request resolves when the data reaches it (the
/// behaviour before tokens), never hangs, although it holds the data until its input ends.
struct HoldTask(Arc<Mutex<usize>>);

#[async_trait]
impl TaskProcessor for HoldTask {
    async fn run(self: Box<Self>, mut ctx: TaskContext) -> Result<(), ComponentError> {
        let mut held = ctx.buffer();
        while let Some(d) = ctx.recv().await {
            *self.0.lock().unwrap() += 1;
            held.push_back(d);
        }
        while let Some(d) = held.pop_front() {
            let _ = ctx.send(d).await;
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_task_processor_degrades_to_answering_when_it_takes_the_data() {
    let open = Counted::default();
    let seen = Arc::new(Mutex::new(0));
    let task: Box<dyn TaskProcessor> = Box::new(HoldTask(seen.clone()));
    let (svc, tx) = service(
        vec![pipeline("logs", vec![(id("hold"), task.into())], &["open"])],
        vec![exporter("open", &open, None)],
        RuntimeSettings::default(),
    )
    .await;
    assert_eq!(outcome(request(&tx, logs(1, "x")).await).await, Outcome::Delivered);
    assert_eq!(*seen.lock().unwrap(), 1);
    assert_eq!(open.items.load(Ordering::SeqCst), 0, "the task processor still holds it");
    svc.shutdown().await;
    assert_eq!(open.items.load(Ordering::SeqCst), 1);
}
