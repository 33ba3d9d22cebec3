//! The pipeline runtime: receivers -> processors (in order) -> exporters (fan-out), over bounded
//! channels, with ordered shutdown.
//!
//! Tasks: one per receiver, one per pipeline (its processors run inside it, in order), one per
//! exporter, one per extension. Every channel is bounded, so a slow exporter fills its queue, which
//! blocks the pipeline, which blocks the receiver's `send`: backpressure reaches the receivers.
//!
//! Shutdown drains by closing: receivers are cancelled and dropped, which closes the pipelines'
//! inputs; each pipeline drains, flushes its processors and drops its exporter senders; each
//! exporter drains and flushes once every pipeline feeding it has ended. A deadline bounds it all.
//!
//! Nothing is lost silently: every item the runtime holds (a receiver's pending send, a pipeline's
//! queue, a processor's buffer, a batch on its way to an exporter, an exporter's input queue, an
//! `export` call in progress) sits behind a guard that counts it as dropped, with a reason, if the task
//! holding it ends without handing it on (aborted at the shutdown deadline, or a component stopped).
//! Shutdown then reports what was dropped in one log line with counts.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

use crate::admission::{Admission, AdmissionRegistry, Admit, Scope, ScrapeGate};
use crate::component::{
    ComponentError, Exporter, Extension, ExtensionContext, Processor, ProcessorContext, Receiver,
    ReceiverContext, RefusedError, TaskProcessor,
};
use crate::delivery::{Delivery, DeliveryWait};
use crate::health::{HealthRegistry, Status};
use crate::host::Host;
use crate::ids::{ComponentId, ComponentKind, PerSignal, PipelineId, Signal};
use crate::pdata::SignalData;
use crate::telemetry::{Counter, Gauge, Registry};

/// A batch on its way through the runtime's queues with the delivery token of the requests whose
/// data it carries ([`Delivery::none`] for scraped data). Dropped without being handed on, its
/// token fails: the requests are answered as refused and their senders retry.
struct Item {
    data: Arc<SignalData>,
    delivery: Delivery,
}

impl Item {
    fn untracked(data: Arc<SignalData>) -> Self {
        Item { data, delivery: Delivery::none() }
    }
}

/// Where the runtime held items that it had to drop; one slot per place in the shutdown report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    ReceiverSends,
    PipelineQueues,
    Processors,
    PipelineSends,
    ExporterQueues,
    ExporterCalls,
}

/// Items dropped by the runtime, by place, shared by every guard of one service.
#[derive(Debug, Default)]
struct Ledger {
    /// Set when shutdown starts: drops from then on have reason `shutdown`.
    shutting_down: AtomicBool,
    slots: [AtomicU64; 6],
}

impl Ledger {
    fn add(&self, place: Place, n: u64) {
        self.slots[place as usize].fetch_add(n, Ordering::Relaxed);
    }
    fn get(&self, place: Place) -> u64 {
        self.slots[place as usize].load(Ordering::Relaxed)
    }
}

/// Counts the items one component of the runtime drops: `dbintel_{receiver,pipeline,exporter}_dropped_
/// {metric_points,log_records}_total{<kind>, reason}`, reason `shutdown` once shutdown has started and
/// `component_stopped` before (the next component ended early: it failed or panicked). Drops outside
/// shutdown are logged once per component; shutdown drops are reported together by
/// [`RunningService::shutdown`].
#[derive(Clone)]
struct Drops {
    registry: Registry,
    /// `receiver`, `pipeline` or `exporter`: the metric family and the label key.
    kind: &'static str,
    label: String,
    place: Place,
    ledger: Arc<Ledger>,
    warned: Arc<AtomicBool>,
}

impl Drops {
    fn new(registry: &Registry, kind: &'static str, label: &str, place: Place, ledger: &Arc<Ledger>) -> Self {
        Drops {
            registry: registry.clone(),
            kind,
            label: label.to_string(),
            place,
            ledger: ledger.clone(),
            warned: Arc::default(),
        }
    }

    /// The same component, counting into another place of the report.
    fn at(&self, place: Place) -> Self {
        Drops { place, ..self.clone() }
    }

    fn count(&self, signal: Signal, n: u64) {
        if n == 0 {
            return;
        }
        let shutdown = self.ledger.shutting_down.load(Ordering::Relaxed);
        let reason = if shutdown { "shutdown" } else { "component_stopped" };
        let name = format!("dbintel_{}_dropped_{}_total", self.kind, signal.item_name());
        self.registry
            .counter(
                &name,
                "Items the runtime dropped, by reason.",
                &[(self.kind, &self.label), ("reason", reason)],
            )
            .add(n);
        self.ledger.add(self.place, n);
        if !shutdown && !self.warned.swap(true, Ordering::Relaxed) {
            warn!(kind = self.kind, id = %self.label, items = n,
                "A downstream component stopped; data was dropped (counted in dbintel_{}_dropped_*_total, reported once).",
                self.kind);
        }
    }

    fn count_all<'a>(&self, items: impl IntoIterator<Item = &'a Arc<SignalData>>) {
        for d in items {
            self.count(d.signal(), d.item_count() as u64);
        }
    }
}

/// Counts `items` as dropped when it is dropped still holding them (its task was aborted); their
/// tokens fail as they go.
struct Held {
    items: VecDeque<Item>,
    drops: Drops,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.drops.count_all(self.items.iter().map(|i| &i.data));
    }
}

/// Counts one batch as dropped unless disarmed (an `export` or `send` call that never returned).
struct Pending<'a> {
    signal: Signal,
    items: u64,
    drops: &'a Drops,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.drops.count(self.signal, self.items);
    }
}

/// A runtime queue's receiving side: what is still in it when it is dropped is counted.
struct Inbox {
    rx: mpsc::Receiver<Item>,
    queue_size: Gauge,
    drops: Drops,
    /// A pipeline's input: lifts the overload throttle once the queue has drained.
    overload: Option<Arc<Overload>>,
}

impl Inbox {
    async fn recv(&mut self) -> Option<Item> {
        let d = self.rx.recv().await;
        if d.is_some() {
            self.queue_size.add(-1);
            if let Some(o) = &self.overload {
                o.observe();
            }
        }
        d
    }
}

/// Throttles the receivers feeding a pipeline (through admission) while its input queue is nearly
/// full, with hysteresis: set at `high` batches queued (80% of capacity), lifted at `low` (50%).
/// Both sides of the queue call `observe` after changing `queued`, under one lock, so the last call
/// always sees the final length and the throttle cannot stick.
struct Overload {
    /// The setter name and the skip reason: `pipeline <id> is overloaded`.
    reason: String,
    receivers: Vec<ComponentId>,
    admission: AdmissionRegistry,
    queued: Gauge,
    high: i64,
    low: i64,
    throttled: std::sync::Mutex<bool>,
}

impl Overload {
    fn new(
        pipeline: &PipelineId,
        capacity: usize,
        receivers: Vec<ComponentId>,
        admission: AdmissionRegistry,
        queued: Gauge,
    ) -> Self {
        let capacity = i64::try_from(capacity).unwrap_or(i64::MAX);
        Overload {
            reason: format!("pipeline {pipeline} is overloaded"),
            receivers,
            admission,
            queued,
            high: (capacity.saturating_mul(4).saturating_add(4) / 5).max(1),
            low: capacity / 2,
            throttled: std::sync::Mutex::new(false),
        }
    }

    fn observe(&self) {
        let mut throttled = self.throttled.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let queued = self.queued.get();
        let admit = if !*throttled && queued >= self.high {
            warn!(reason = %self.reason, queued, "Pipeline queue nearly full; its receivers skip scrapes until it drains.");
            Admit::Skip { reason: self.reason.clone() }
        } else if *throttled && queued <= self.low {
            info!(reason = %self.reason, queued, "Pipeline queue drained; its receivers collect again.");
            Admit::Full
        } else {
            return;
        };
        *throttled = !*throttled;
        for r in &self.receivers {
            self.admission.set(&self.reason, Scope::Receiver(r.clone()), admit.clone());
        }
    }
}

impl Inbox {
    /// An inbox that yields nothing (placeholder after the last segment is wired).
    fn closed() -> Self {
        let (_, rx) = mpsc::channel(1);
        let drops = Drops::new(&Registry::new(), "pipeline", "", Place::PipelineQueues, &Arc::default());
        Inbox { rx, queue_size: Gauge::default(), drops, overload: None }
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        self.rx.close();
        while let Ok(item) = self.rx.try_recv() {
            self.queue_size.add(-1);
            self.drops.count(item.data.signal(), item.data.item_count() as u64);
        }
    }
}

/// Where a runtime queue delivers: the runtime's own channels carry the shared value; an output
/// built by [`ReceiverOutput::from_channels`] (tests, tools) hands each consumer an owned copy.
#[derive(Clone)]
enum Sink {
    Shared(mpsc::Sender<Item>),
    Owned(mpsc::Sender<SignalData>),
}

/// One downstream queue: a pipeline's input or an exporter's input.
#[derive(Clone)]
struct Target {
    sink: Sink,
    queue_size: Gauge,
    /// A pipeline's input: throttles its receivers when the queue is nearly full.
    overload: Option<Arc<Overload>>,
}

impl Target {
    fn shared(sender: mpsc::Sender<Item>, queue_size: Gauge) -> Self {
        Target { sink: Sink::Shared(sender), queue_size, overload: None }
    }

    /// Awaits room in the queue; `false` when the queue is closed. `queue_size` counts the batch
    /// from before the wait.
    async fn send(&self, item: Item) -> bool {
        self.queue_size.add(1);
        if let Some(o) = &self.overload {
            o.observe();
        }
        // A refused item comes back inside the error and is dropped there: its token fails.
        let sent = match &self.sink {
            Sink::Shared(tx) => tx.send(item).await.is_ok(),
            Sink::Owned(tx) => {
                let Item { data, delivery } = item;
                let sent = tx.send(Arc::unwrap_or_clone(data)).await.is_ok();
                // A test or tool channel: taken is as far as the runtime can follow it.
                if sent {
                    delivery.release();
                }
                sent
            }
        };
        if !sent {
            self.queue_size.add(-1);
        }
        sent
    }
}

/// Sends data to several queues. Every queue gets the same allocation (an `Arc` clone, not a deep
/// copy); a processor that mutates copies on write. Awaiting `send` is backpressure. A copy that does
/// not reach its queue (the queue closed, or the send was abandoned because its task ended) is counted
/// as dropped by the sender's component.
#[derive(Clone)]
pub struct Downstream {
    targets: Vec<Target>,
    drops: Drops,
}

impl Downstream {
    fn new(drops: Drops) -> Self {
        Downstream { targets: Vec::new(), drops }
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    pub async fn send(&self, data: Arc<SignalData>) -> Result<(), RefusedError> {
        self.send_item(Item::untracked(data)).await
    }

    /// Sends `item` to every queue, each copy with a clone of its token (fan-out); the original
    /// token is released once every clone is out, so the requests resolve with the copies.
    async fn send_item(&self, item: Item) -> Result<(), RefusedError> {
        let Item { data, delivery } = item;
        if self.targets.is_empty() {
            delivery.release();
            return Ok(());
        }
        let n = data.item_count() as u64;
        // Counts the copies not yet handed to a queue if this future is dropped mid-way.
        let mut pending =
            Pending { signal: data.signal(), items: n * self.targets.len() as u64, drops: &self.drops };
        let mut result = Ok(());
        for t in &self.targets {
            if t.send(Item { data: data.clone(), delivery: delivery.clone() }).await {
                pending.items -= n;
            } else {
                result = Err(RefusedError::ShuttingDown);
            }
        }
        delivery.release();
        result
    }
}

/// Why [`ReceiverOutput::try_send_within`] sent nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TrySendError {
    /// A queue had no room within the bound; nothing was sent anywhere.
    #[error("the pipeline queue had no room in time")]
    Full,
    #[error("the pipeline is shutting down")]
    ShuttingDown,
}

/// Room reserved in one downstream queue.
enum Reserved<'a> {
    Shared(mpsc::Permit<'a, Item>),
    Owned(mpsc::Permit<'a, SignalData>),
}

impl Downstream {
    /// All or nothing within `bound`: reserves room in every queue first (waiting at most `bound` in
    /// all) and sends only when every queue has room, so a refusal leaves no copy anywhere (a push
    /// receiver answers "retry later" and the sender resends the whole request).
    async fn try_send_within(
        &self,
        data: Arc<SignalData>,
        delivery: Delivery,
        bound: Duration,
    ) -> Result<(), TrySendError> {
        let reserve = async {
            let mut permits = Vec::with_capacity(self.targets.len());
            for t in &self.targets {
                if let Some(o) = &t.overload {
                    o.observe();
                }
                let permit = match &t.sink {
                    Sink::Shared(tx) => tx.reserve().await.map(Reserved::Shared),
                    Sink::Owned(tx) => tx.reserve().await.map(Reserved::Owned),
                };
                permits.push(permit.map_err(|_| TrySendError::ShuttingDown)?);
            }
            Ok(permits)
        };
        let permits = tokio::time::timeout(bound, reserve).await.map_err(|_| TrySendError::Full)??;
        for (t, permit) in self.targets.iter().zip(permits) {
            t.queue_size.add(1);
            match permit {
                Reserved::Shared(p) => p.send(Item { data: data.clone(), delivery: delivery.clone() }),
                Reserved::Owned(p) => p.send(SignalData::clone(&data)),
            }
            if let Some(o) = &t.overload {
                o.observe();
            }
        }
        delivery.release();
        Ok(())
    }
}

/// What a receiver sends into: the pipelines of each signal it feeds. Counts accepted and refused
/// items in self-telemetry (`otelcol_receiver_accepted_metric_points`, ...).
pub struct ReceiverOutput {
    /// The pipelines fed per signal.
    downstream: PerSignal<Downstream>,
    accepted: PerSignal<Counter>,
    refused: PerSignal<Counter>,
    gate: ScrapeGate,
}

impl ReceiverOutput {
    /// Whether this receiver may collect now (and how much), as processors, exporters and the
    /// runtime set it; lock-free.
    pub fn admission(&self) -> &Admission {
        self.gate.admission()
    }

    /// Call at the top of each scrape (`database`: one monitored database, or `None` for the whole
    /// receiver); on `Admit::Skip` skip the work. Logs once per skip streak and counts
    /// `dbintel_receiver_throttled_scrapes_total` (see [`ScrapeGate`]).
    pub fn admit(&self, database: Option<&str>) -> Admit {
        self.gate.admit(database)
    }

    /// Replaces the admission this output reads (for tests and tools built with
    /// [`ReceiverOutput::from_channels`]); skips are counted in `telemetry` under `receiver`.
    pub fn with_admission(
        mut self,
        receiver: &ComponentId,
        admission: Admission,
        telemetry: &Registry,
    ) -> Self {
        self.gate = ScrapeGate::new(receiver, admission, telemetry);
        self
    }

    /// Counts accepted and refused items in `telemetry` under `receiver`, as the runtime's outputs
    /// do (`otelcol_receiver_{accepted,refused}_*`), for outputs built with
    /// [`ReceiverOutput::from_channels`].
    pub fn with_counters(mut self, receiver: &ComponentId, telemetry: &Registry) -> Self {
        let label = receiver.to_string();
        let counter = |verdict: &str, help: &str| {
            PerSignal::from_fn(|signal| {
                telemetry.counter(
                    &format!("otelcol_receiver_{verdict}_{}", signal.item_name()),
                    help,
                    &[("receiver", &label)],
                )
            })
        };
        self.accepted = counter("accepted", "Items the receiver pushed into its pipelines.");
        self.refused = counter("refused", "Items the pipelines refused.");
        self
    }

    /// Whether any pipeline consumes this signal from the receiver (skip work for unwired signals).
    pub fn wants(&self, signal: Signal) -> bool {
        !self.downstream[signal].is_empty()
    }

    /// Sends `data` into every pipeline of its signal; they share one allocation.
    pub async fn send(&self, data: SignalData) -> Result<(), RefusedError> {
        self.send_shared(Arc::new(data)).await
    }

    /// Like [`ReceiverOutput::send`], for data the receiver already holds shared.
    pub async fn send_shared(&self, data: Arc<SignalData>) -> Result<(), RefusedError> {
        let n = data.item_count() as u64;
        if n == 0 {
            return Ok(());
        }
        let signal = data.signal();
        let (accepted, refused) = (&self.accepted[signal], &self.refused[signal]);
        match self.downstream[signal].send(data).await {
            Ok(()) => {
                accepted.add(n);
                Ok(())
            }
            Err(e) => {
                refused.add(n);
                Err(e)
            }
        }
    }

    /// Like [`ReceiverOutput::send`], but waits at most `bound` for room and sends all or nothing
    /// (see `Downstream::try_send_within`): for push receivers, which answer "retry later" instead
    /// of holding a request. A refusal is counted in `otelcol_receiver_refused_*`.
    pub async fn try_send_within(&self, data: SignalData, bound: Duration) -> Result<(), TrySendError> {
        let n = data.item_count() as u64;
        if n == 0 {
            return Ok(());
        }
        let signal = data.signal();
        match self.downstream[signal].try_send_within(Arc::new(data), Delivery::none(), bound).await {
            Ok(()) => {
                self.accepted[signal].add(n);
                Ok(())
            }
            Err(e) => {
                self.refused[signal].add(n);
                Err(e)
            }
        }
    }

    /// Like [`ReceiverOutput::try_send_within`], with a delivery token: the returned wait resolves
    /// once every exporter of every pipeline the data reaches has accepted its copy into its sending
    /// queue (or a processor dropped it on purpose), or as refused when any copy was refused or lost
    /// (see [`crate::delivery`]). For push receivers that answer their sender only when the data is
    /// safe. With no data (`0` items) the wait resolves at once as delivered.
    pub async fn try_send_acked(
        &self,
        data: SignalData,
        bound: Duration,
    ) -> Result<DeliveryWait, TrySendError> {
        let (delivery, wait) = Delivery::tracked();
        let n = data.item_count() as u64;
        if n == 0 {
            delivery.release();
            return Ok(wait);
        }
        let signal = data.signal();
        match self.downstream[signal].try_send_within(Arc::new(data), delivery, bound).await {
            Ok(()) => {
                self.accepted[signal].add(n);
                Ok(wait)
            }
            Err(e) => {
                self.refused[signal].add(n);
                Err(e)
            }
        }
    }

    /// Counts `n` items of `signal` the receiver refused itself (e.g. an OTLP point of a kind the
    /// data model lacks, answered as partial success) in `otelcol_receiver_refused_*`.
    pub fn count_refused(&self, signal: Signal, n: u64) {
        self.refused[signal].add(n);
    }

    /// An output for tests and tools: sends into the given channels.
    pub fn from_channels(
        metrics: Option<mpsc::Sender<SignalData>>,
        logs: Option<mpsc::Sender<SignalData>>,
    ) -> Self {
        let drops = Drops::new(&Registry::new(), "receiver", "test", Place::ReceiverSends, &Arc::default());
        let mut senders = PerSignal::default();
        senders[Signal::Metrics] = metrics;
        senders[Signal::Logs] = logs;
        ReceiverOutput {
            downstream: PerSignal::from_fn(|signal| Downstream {
                targets: senders[signal]
                    .take()
                    .into_iter()
                    .map(|sender| Target {
                        sink: Sink::Owned(sender),
                        queue_size: Gauge::default(),
                        overload: None,
                    })
                    .collect(),
                drops: drops.clone(),
            }),
            accepted: PerSignal::default(),
            refused: PerSignal::default(),
            gate: ScrapeGate::new(&ComponentId::new("test", None), Admission::default(), &Registry::new()),
        }
    }

    /// As [`ReceiverOutput::from_channels`], with a channel for spans too.
    pub fn from_channels_with_traces(
        metrics: Option<mpsc::Sender<SignalData>>,
        logs: Option<mpsc::Sender<SignalData>>,
        traces: mpsc::Sender<SignalData>,
    ) -> Self {
        let mut out = Self::from_channels(metrics, logs);
        let drops = out.downstream[Signal::Traces].drops.clone();
        out.downstream[Signal::Traces] = Downstream {
            targets: vec![Target { sink: Sink::Owned(traces), queue_size: Gauge::default(), overload: None }],
            drops,
        };
        out
    }
}

pub struct ReceiverNode {
    pub id: ComponentId,
    pub receiver: Box<dyn Receiver>,
    /// Pipelines this receiver feeds (each receives every item of its signal).
    pub pipelines: Vec<PipelineId>,
}

/// A processor in a pipeline's chain: the synchronous kind runs inside the pipeline's task; the task
/// kind runs in its own task between two bounded queues.
pub enum PipelineProcessor {
    Sync(Box<dyn Processor>),
    Task(Box<dyn TaskProcessor>),
}

impl<P: Processor + 'static> From<Box<P>> for PipelineProcessor {
    fn from(p: Box<P>) -> Self {
        PipelineProcessor::Sync(p)
    }
}

impl From<Box<dyn Processor>> for PipelineProcessor {
    fn from(p: Box<dyn Processor>) -> Self {
        PipelineProcessor::Sync(p)
    }
}

impl From<Box<dyn TaskProcessor>> for PipelineProcessor {
    fn from(p: Box<dyn TaskProcessor>) -> Self {
        PipelineProcessor::Task(p)
    }
}

/// A part of a pipeline's chain with its own task.
enum Segment {
    /// Synchronous processors, with their status handles (marked failed if the task panics).
    Sync(Vec<Stage>, Vec<crate::health::HealthHandle>),
    Task {
        id: ComponentId,
        processor: Box<dyn TaskProcessor>,
        handle: crate::health::HealthHandle,
        incoming: Counter,
        outgoing: Counter,
    },
}

/// What a [`TaskProcessor`] runs with: its identity, the host, its status handle, and its bounded
/// input and output inside the pipeline chain.
pub struct TaskContext {
    pub id: ComponentId,
    pub pipeline: PipelineId,
    pub host: Host,
    pub health: crate::health::HealthHandle,
    pub telemetry: Registry,
    input: Inbox,
    output: Downstream,
    incoming: Counter,
    outgoing: Counter,
    buffer_drops: Drops,
}

impl TaskContext {
    /// The next batch; `None` once everything upstream has drained (shutdown, or the upstream part
    /// of the pipeline stopped): hand over what you hold, then return.
    ///
    /// A task processor does not carry delivery tokens: a batch's token is released here, so a
    /// push receiver before it answers its sender once the batch reached this processor (the
    /// behaviour before tokens existed), never later.
    pub async fn recv(&mut self) -> Option<Arc<SignalData>> {
        let item = self.input.recv().await?;
        self.incoming.add(item.data.item_count() as u64);
        item.delivery.release();
        Some(item.data)
    }

    /// Hands a batch to the rest of the chain; awaiting it is backpressure. A batch that cannot be
    /// handed on (the rest of the pipeline stopped) is counted as dropped.
    pub async fn send(&self, data: Arc<SignalData>) -> Result<(), RefusedError> {
        let n = data.item_count() as u64;
        if n == 0 {
            return Ok(());
        }
        self.outgoing.add(n);
        self.output.send(data).await
    }

    /// A buffer for what the processor holds across awaits: anything still in it when it is
    /// dropped (the task was aborted at the shutdown deadline, or panicked) is counted as dropped.
    pub fn buffer(&self) -> TaskBuffer {
        TaskBuffer { held: Held { items: VecDeque::new(), drops: self.buffer_drops.clone() } }
    }
}

/// Batches a task processor holds; see [`TaskContext::buffer`].
pub struct TaskBuffer {
    held: Held,
}

impl TaskBuffer {
    pub fn push_back(&mut self, data: Arc<SignalData>) {
        self.held.items.push_back(Item::untracked(data));
    }
    pub fn pop_front(&mut self) -> Option<Arc<SignalData>> {
        self.held.items.pop_front().map(|i| i.data)
    }
    pub fn front(&self) -> Option<&Arc<SignalData>> {
        self.held.items.front().map(|i| &i.data)
    }
    pub fn len(&self) -> usize {
        self.held.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.held.items.is_empty()
    }
}

pub struct PipelineNode {
    pub id: PipelineId,
    /// In configured order; build entries with `.into()` from a boxed processor of either kind.
    pub processors: Vec<(ComponentId, PipelineProcessor)>,
    pub exporters: Vec<ComponentId>,
}

pub struct ExporterNode {
    pub id: ComponentId,
    pub exporter: Box<dyn Exporter>,
}

pub struct ExtensionNode {
    pub id: ComponentId,
    pub extension: Box<dyn Extension>,
}

/// Everything to run, built from a validated config.
#[derive(Default)]
pub struct ServiceGraph {
    pub receivers: Vec<ReceiverNode>,
    pub pipelines: Vec<PipelineNode>,
    pub exporters: Vec<ExporterNode>,
    pub extensions: Vec<ExtensionNode>,
}

#[derive(Debug, Clone)]
pub struct RuntimeSettings {
    /// Batches queued at a pipeline's input.
    pub pipeline_queue_capacity: usize,
    /// Batches queued at an exporter's input.
    pub exporter_queue_capacity: usize,
    /// Upper bound for the whole shutdown; what is still running then is aborted.
    pub shutdown_timeout: Duration,
}

impl Default for RuntimeSettings {
    fn default() -> Self {
        Self {
            pipeline_queue_capacity: 64,
            exporter_queue_capacity: 64,
            shutdown_timeout: Duration::from_secs(4),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("pipeline `{pipeline}` references exporter `{exporter}`, which was not built")]
    MissingExporter { pipeline: String, exporter: String },
    #[error("receiver `{receiver}` references pipeline `{pipeline}`, which was not built")]
    MissingPipeline { receiver: String, pipeline: String },
    #[error("pipeline `{pipeline}` has no receiver")]
    PipelineWithoutReceiver { pipeline: String },
    #[error("extension `{id}` failed to start: {reason}")]
    Extension { id: String, reason: String },
    #[error("exporter `{id}` failed to start: {reason}")]
    Exporter { id: String, reason: String },
    #[error("processor `{id}` failed to start: {reason}")]
    Processor { id: String, reason: String },
}

struct Task {
    kind: ComponentKind,
    name: String,
    handle: JoinHandle<()>,
}

/// A started service. Call [`RunningService::shutdown`] to stop it in order.
pub struct RunningService {
    receivers_token: CancellationToken,
    extensions_token: CancellationToken,
    receivers: Vec<Task>,
    pipelines: Vec<Task>,
    exporters: Vec<Task>,
    extensions: Vec<Task>,
    health: HealthRegistry,
    settings: RuntimeSettings,
    ledger: Arc<Ledger>,
}

/// Items (metric points and log records) the runtime dropped, by where they were held.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DroppedItems {
    /// In a receiver's `send` that never completed (it returned or was aborted while blocked).
    pub receiver_sends: u64,
    /// Waiting in a pipeline's input queue.
    pub pipeline_queues: u64,
    /// Buffered in a processor (e.g. batch).
    pub processors: u64,
    /// Processed, on the way from a pipeline to its exporters.
    pub pipeline_sends: u64,
    /// Waiting in an exporter's input queue.
    pub exporter_queues: u64,
    /// Inside an `export` call that never returned.
    pub exporter_calls: u64,
}

impl DroppedItems {
    pub fn total(&self) -> u64 {
        self.receiver_sends
            + self.pipeline_queues
            + self.processors
            + self.pipeline_sends
            + self.exporter_queues
            + self.exporter_calls
    }

    fn of(ledger: &Ledger) -> Self {
        DroppedItems {
            receiver_sends: ledger.get(Place::ReceiverSends),
            pipeline_queues: ledger.get(Place::PipelineQueues),
            processors: ledger.get(Place::Processors),
            pipeline_sends: ledger.get(Place::PipelineSends),
            exporter_queues: ledger.get(Place::ExporterQueues),
            exporter_calls: ledger.get(Place::ExporterCalls),
        }
    }

    fn minus(self, o: DroppedItems) -> Self {
        DroppedItems {
            receiver_sends: self.receiver_sends.saturating_sub(o.receiver_sends),
            pipeline_queues: self.pipeline_queues.saturating_sub(o.pipeline_queues),
            processors: self.processors.saturating_sub(o.processors),
            pipeline_sends: self.pipeline_sends.saturating_sub(o.pipeline_sends),
            exporter_queues: self.exporter_queues.saturating_sub(o.exporter_queues),
            exporter_calls: self.exporter_calls.saturating_sub(o.exporter_calls),
        }
    }
}

/// What happened during shutdown.
#[derive(Debug, Default, Clone)]
pub struct ShutdownReport {
    /// Components that did not finish within the deadline and were aborted.
    pub aborted: Vec<String>,
    pub elapsed: Duration,
    /// Items the runtime dropped during shutdown (also counted with reason `shutdown` in
    /// `dbintel_{receiver,pipeline,exporter}_dropped_*_total`). What an exporter drops from its own
    /// sending queue is counted by the exporter.
    pub dropped: DroppedItems,
}

impl ShutdownReport {
    pub fn clean(&self) -> bool {
        self.aborted.is_empty()
    }
}

/// Starts every component: extensions, exporters, pipelines, then receivers, with a fresh [`Host`].
pub async fn start(
    graph: ServiceGraph,
    settings: RuntimeSettings,
    telemetry: Registry,
    health: HealthRegistry,
) -> Result<RunningService, StartError> {
    start_with_host(graph, settings, telemetry, health, Host::new()).await
}

/// Starts every component: extensions, exporters, pipelines, then receivers. `host` is the one the
/// components were built with.
pub async fn start_with_host(
    graph: ServiceGraph,
    settings: RuntimeSettings,
    telemetry: Registry,
    health: HealthRegistry,
    host: Host,
) -> Result<RunningService, StartError> {
    let receivers_token = CancellationToken::new();
    let extensions_token = CancellationToken::new();
    let ledger = Arc::new(Ledger::default());
    let mut running = RunningService {
        receivers_token: receivers_token.clone(),
        extensions_token: extensions_token.clone(),
        receivers: Vec::new(),
        pipelines: Vec::new(),
        exporters: Vec::new(),
        extensions: Vec::new(),
        health: health.clone(),
        settings: settings.clone(),
        ledger: ledger.clone(),
    };

    // Validate the wiring before starting anything.
    let exporter_ids: Vec<ComponentId> = graph.exporters.iter().map(|e| e.id.clone()).collect();
    for p in &graph.pipelines {
        for e in &p.exporters {
            if !exporter_ids.contains(e) {
                return Err(StartError::MissingExporter {
                    pipeline: p.id.to_string(),
                    exporter: e.to_string(),
                });
            }
        }
        if !graph.receivers.iter().any(|r| r.pipelines.contains(&p.id)) {
            return Err(StartError::PipelineWithoutReceiver { pipeline: p.id.to_string() });
        }
    }
    for r in &graph.receivers {
        for p in &r.pipelines {
            if !graph.pipelines.iter().any(|n| &n.id == p) {
                return Err(StartError::MissingPipeline {
                    receiver: r.id.to_string(),
                    pipeline: p.to_string(),
                });
            }
        }
    }

    let receivers_of: Vec<(ComponentId, Vec<PipelineId>)> =
        graph.receivers.iter().map(|r| (r.id.clone(), r.pipelines.clone())).collect();

    // The wiring, for extensions that show it (zpages).
    health.set_topology(
        graph
            .pipelines
            .iter()
            .map(|p| crate::health::PipelineTopology {
                id: p.id.clone(),
                receivers: receivers_of
                    .iter()
                    .filter(|(_, ps)| ps.contains(&p.id))
                    .map(|(r, _)| r.clone())
                    .collect(),
                processors: p
                    .processors
                    .iter()
                    .map(|(id, proc)| {
                        let mutates = match proc {
                            PipelineProcessor::Sync(p) => p.mutates_data(),
                            PipelineProcessor::Task(p) => p.mutates_data(),
                        };
                        (id.clone(), mutates)
                    })
                    .collect(),
                exporters: p.exporters.clone(),
            })
            .collect(),
    );

    // 1. Extensions, each confirming it is ready (e.g. bound its port).
    for node in graph.extensions {
        let handle = health.register(ComponentKind::Extension, node.id.clone());
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let ctx = ExtensionContext {
            id: node.id.clone(),
            shutdown: extensions_token.clone(),
            health: handle.clone(),
            health_registry: health.clone(),
            telemetry: telemetry.clone(),
            ready: Some(ready_tx),
        };
        let name = node.id.to_string();
        let task_handle = handle.clone();
        let join = tokio::spawn(async move {
            let _watch = PanicWatch(vec![task_handle.clone()]);
            let result = node.extension.run(ctx).await;
            finish(ComponentKind::Extension, &task_handle, result);
        });
        running.extensions.push(Task { kind: ComponentKind::Extension, name: name.clone(), handle: join });
        match ready_rx.await {
            Ok(Ok(())) => handle.ok(),
            Ok(Err(reason)) => {
                let _ = running.shutdown().await;
                return Err(StartError::Extension { id: name, reason });
            }
            // The extension dropped the sender without reporting: treat it as ready.
            Err(_) => handle.ok(),
        }
    }

    // 2. Exporters.
    let mut exporter_targets: BTreeMap<ComponentId, Target> = BTreeMap::new();
    let mut exporter_starts = Vec::new();
    for node in graph.exporters {
        let (tx, rx) = mpsc::channel::<Item>(settings.exporter_queue_capacity.max(1));
        let label = node.id.to_string();
        let queue_size = telemetry.gauge(
            "dbintel_exporter_input_queue_size",
            "Batches waiting in the exporter's input channel (before any sending queue).",
            &[("exporter", &label)],
        );
        telemetry
            .gauge(
                "dbintel_exporter_input_queue_capacity",
                "Capacity of the exporter's input channel, in batches.",
                &[("exporter", &label)],
            )
            .set(settings.exporter_queue_capacity as i64);
        exporter_targets.insert(node.id.clone(), Target::shared(tx, queue_size.clone()));
        let handle = health.register(ComponentKind::Exporter, node.id.clone());
        let (started_tx, started_rx) = tokio::sync::oneshot::channel::<Result<(), String>>();
        exporter_starts.push((label.clone(), started_rx));
        let tel = telemetry.clone();
        let inbox = Inbox {
            rx,
            queue_size,
            drops: Drops::new(&telemetry, "exporter", &label, Place::ExporterQueues, &ledger),
            overload: None,
        };
        let join = tokio::spawn(async move {
            let _watch = PanicWatch(vec![handle.clone()]);
            let mut exporter = node.exporter;
            let own_health = exporter.attach_health(handle.clone());
            if let Err(e) = exporter.start().await {
                let _ = started_tx.send(Err(e.to_string()));
                handle.permanent(e.to_string());
                return;
            }
            let _ = started_tx.send(Ok(()));
            handle.ok();
            run_exporter(&label, exporter, inbox, &tel, &handle, own_health).await;
        });
        running.exporters.push(Task {
            kind: ComponentKind::Exporter,
            name: node.id.to_string(),
            handle: join,
        });
    }
    for (name, rx) in exporter_starts {
        if let Ok(Err(reason)) = rx.await {
            drop(exporter_targets);
            let _ = running.shutdown().await;
            return Err(StartError::Exporter { id: name, reason });
        }
    }

    // 3. Pipelines. A processor whose `start` fails stops the service from starting.
    let mut pipeline_targets: BTreeMap<PipelineId, Target> = BTreeMap::new();
    let mut failed = None;
    for node in graph.pipelines {
        let (tx, rx) = mpsc::channel::<Item>(settings.pipeline_queue_capacity.max(1));
        let label = node.id.to_string();
        let queue_size = telemetry.gauge(
            "dbintel_pipeline_queue_size",
            "Batches waiting at the pipeline's input.",
            &[("pipeline", &label)],
        );
        telemetry
            .gauge(
                "dbintel_pipeline_queue_capacity",
                "Capacity of the pipeline's input queue, in batches.",
                &[("pipeline", &label)],
            )
            .set(settings.pipeline_queue_capacity as i64);
        let feeding: Vec<ComponentId> =
            receivers_of.iter().filter(|(_, ps)| ps.contains(&node.id)).map(|(r, _)| r.clone()).collect();
        let overload = Arc::new(Overload::new(
            &node.id,
            settings.pipeline_queue_capacity.max(1),
            feeding,
            host.admission().clone(),
            queue_size.clone(),
        ));
        pipeline_targets.insert(
            node.id.clone(),
            Target { overload: Some(overload.clone()), ..Target::shared(tx, queue_size.clone()) },
        );
        let drops = Drops::new(&telemetry, "pipeline", &label, Place::PipelineQueues, &ledger);
        let mut exporters_out = Some(Downstream {
            targets: node.exporters.iter().filter_map(|e| exporter_targets.get(e).cloned()).collect(),
            drops: drops.at(Place::PipelineSends),
        });
        let mut inbox =
            Inbox { rx, queue_size: queue_size.clone(), drops: drops.clone(), overload: Some(overload) };
        // The chain, split at each task processor: a run of synchronous processors shares one task.
        let mut segments = vec![Segment::Sync(Vec::new(), Vec::new())];
        for (pid, processor) in node.processors {
            let handle = health.register(ComponentKind::Processor, pid.clone());
            let plabel = pid.to_string();
            let items = node.id.signal().item_name();
            let labels = [("processor", plabel.as_str()), ("pipeline", label.as_str())];
            let counter = |verdict: &str, help: &str| {
                telemetry.counter(&format!("otelcol_processor_{verdict}_{items}"), help, &labels)
            };
            let incoming = counter("incoming", "Items that entered the processor.");
            let outgoing = counter("outgoing", "Items the processor passed on.");
            match processor {
                PipelineProcessor::Sync(mut processor) => {
                    let ctx = ProcessorContext {
                        id: pid.clone(),
                        pipeline: node.id.clone(),
                        host: host.clone(),
                        health: handle.clone(),
                        telemetry: telemetry.clone(),
                    };
                    if let Err(e) = processor.start(&ctx) {
                        handle.permanent(e.to_string());
                        failed = Some(StartError::Processor { id: plabel, reason: e.to_string() });
                        break;
                    }
                    handle.ok();
                    let stage = Stage {
                        id: pid,
                        processor,
                        incoming,
                        outgoing,
                        dropped: counter("dropped", "Items dropped because the processor failed on them."),
                        failing: false,
                        parked: Delivery::none(),
                    };
                    match segments.last_mut() {
                        Some(Segment::Sync(stages, handles)) => {
                            stages.push(stage);
                            handles.push(handle);
                        }
                        _ => segments.push(Segment::Sync(vec![stage], vec![handle])),
                    }
                }
                PipelineProcessor::Task(processor) => {
                    handle.ok();
                    segments.push(Segment::Task { id: pid, processor, handle, incoming, outgoing });
                }
            }
        }
        if failed.is_some() {
            break;
        }
        let last = segments.len() - 1;
        for (i, segment) in segments.into_iter().enumerate() {
            // Between segments: a bounded internal queue; what it holds at an abort is counted as
            // dropped in the processors.
            let (out, next) = if i == last {
                (
                    exporters_out.take().unwrap_or_else(|| Downstream::new(drops.at(Place::PipelineSends))),
                    None,
                )
            } else {
                let (tx, rx) = mpsc::channel::<Item>(settings.pipeline_queue_capacity.max(1));
                let out = Downstream {
                    targets: vec![Target::shared(tx, Gauge::default())],
                    drops: drops.at(Place::Processors),
                };
                let next = Inbox {
                    rx,
                    queue_size: Gauge::default(),
                    drops: drops.at(Place::Processors),
                    overload: None,
                };
                (out, Some(next))
            };
            let input = std::mem::replace(&mut inbox, next.unwrap_or_else(Inbox::closed));
            let (name, join) = match segment {
                Segment::Sync(stages, handles) => {
                    let stages = Stages { stages, drops: drops.at(Place::Processors), finished: false };
                    let watch = PanicWatch(handles);
                    let label = label.clone();
                    let name =
                        if i == 0 { format!("pipeline {label}") } else { format!("pipeline {label} #{i}") };
                    (
                        name,
                        tokio::spawn(async move {
                            let _watch = watch;
                            run_pipeline(label, input, stages, out).await
                        }),
                    )
                }
                Segment::Task { id, processor, handle, incoming, outgoing } => {
                    let name = format!("{id} in pipeline {label}");
                    let ctx = TaskContext {
                        id,
                        pipeline: node.id.clone(),
                        host: host.clone(),
                        health: handle.clone(),
                        telemetry: telemetry.clone(),
                        input,
                        output: out,
                        incoming,
                        outgoing,
                        buffer_drops: drops.at(Place::Processors),
                    };
                    (
                        name,
                        tokio::spawn(async move {
                            let _watch = PanicWatch(vec![handle.clone()]);
                            let result = processor.run(ctx).await;
                            finish(ComponentKind::Processor, &handle, result);
                        }),
                    )
                }
            };
            running.pipelines.push(Task { kind: ComponentKind::Processor, name, handle: join });
        }
    }
    if let Some(e) = failed {
        drop(pipeline_targets);
        drop(exporter_targets);
        let _ = running.shutdown().await;
        return Err(e);
    }
    drop(exporter_targets);

    // 4. Receivers.
    for node in graph.receivers {
        let label = node.id.to_string();
        let drops = Drops::new(&telemetry, "receiver", &label, Place::ReceiverSends, &ledger);
        let mut downstream = PerSignal::from_fn(|_| Downstream::new(drops.clone()));
        for p in &node.pipelines {
            if let Some(t) = pipeline_targets.get(p) {
                downstream[p.signal()].targets.push(t.clone());
            }
        }
        let counter = |verdict: &str, help: &str| {
            PerSignal::from_fn(|signal| {
                telemetry.counter(
                    &format!("otelcol_receiver_{verdict}_{}", signal.item_name()),
                    help,
                    &[("receiver", &label)],
                )
            })
        };
        let output = ReceiverOutput {
            downstream,
            accepted: counter("accepted", "Items the receiver pushed into its pipelines."),
            refused: counter("refused", "Items the pipelines refused."),
            gate: ScrapeGate::new(&node.id, host.admission().handle(&node.id), &telemetry),
        };
        let handle = health.register(ComponentKind::Receiver, node.id.clone());
        let ctx = ReceiverContext {
            id: node.id.clone(),
            output,
            shutdown: receivers_token.child_token(),
            health: handle.clone(),
            telemetry: telemetry.clone(),
        };
        let receiver = node.receiver;
        let join = tokio::spawn(async move {
            let _watch = PanicWatch(vec![handle.clone()]);
            handle.ok();
            let result = receiver.run(ctx).await;
            finish(ComponentKind::Receiver, &handle, result);
        });
        running.receivers.push(Task { kind: ComponentKind::Receiver, name: label, handle: join });
    }
    drop(pipeline_targets);
    info!(
        receivers = running.receivers.len(),
        pipelines = running.pipelines.len(),
        exporters = running.exporters.len(),
        extensions = running.extensions.len(),
        "Everything is ready. Begin running and processing data."
    );
    Ok(running)
}

fn finish(kind: ComponentKind, handle: &crate::health::HealthHandle, result: Result<(), ComponentError>) {
    match result {
        Ok(()) => handle.set(Status::Stopped),
        Err(e) => {
            error!(kind = kind.as_str(), id = %handle.id(), error = %e, "Component failed; the rest of the service keeps running.");
            handle.permanent(e.to_string());
        }
    }
}

struct Stage {
    id: ComponentId,
    processor: Box<dyn Processor>,
    incoming: Counter,
    outgoing: Counter,
    dropped: Counter,
    /// The last batch failed (its failure was logged; the next ones are only counted).
    failing: bool,
    /// The tokens of the inputs whose data the processor still holds (`holds_data`): they ride on
    /// its next outputs, and are settled only once it holds nothing more.
    parked: Delivery,
}

impl Stage {
    /// Settles the token of what the processor just took in (`delivery`) against what it passed
    /// on (`produced`), pushing the outputs, each with its token, into `next`. While the processor
    /// still holds data, the tokens of everything it took since it last held nothing stay parked
    /// and a clone rides on each output (conservative: a request resolves only once no part of it
    /// can still be in the buffer); once it holds nothing, they go with the outputs. Nothing passed
    /// on and nothing held: the data was dropped on purpose (a filter, a sampler), a success.
    fn carry(&mut self, delivery: Delivery, produced: &mut Vec<Arc<SignalData>>, next: &mut VecDeque<Item>) {
        self.parked.merge(delivery);
        let carried =
            if self.processor.holds_data() { self.parked.clone() } else { std::mem::take(&mut self.parked) };
        let n = produced.len();
        if n == 0 {
            carried.release();
            return;
        }
        let mut carried = carried;
        for (i, data) in produced.drain(..).enumerate() {
            // A split: every part carries the token; the last takes the original.
            let delivery = if i + 1 == n { std::mem::take(&mut carried) } else { carried.clone() };
            next.push_back(Item { data, delivery });
        }
    }
}

/// A pipeline's processors. If the pipeline task is aborted, what they still buffer is flushed out
/// of them and counted as dropped.
struct Stages {
    stages: Vec<Stage>,
    drops: Drops,
    /// Flushed and shut down normally: nothing left to count.
    finished: bool,
}

impl Drop for Stages {
    fn drop(&mut self) {
        // A processor that panicked may panic again in flush; a panic while unwinding aborts the
        // process, so what it holds then stays uncounted (the panic itself is reported).
        if std::thread::panicking() || self.finished {
            return;
        }
        let mut produced = Vec::new();
        for stage in &mut self.stages {
            stage.processor.flush(&mut produced);
        }
        self.drops.count_all(produced.iter());
        // The stages' parked tokens fail as the stages are dropped.
    }
}

/// Runs `data` through stages `from..` and sends the results downstream. Processor failures are
/// counted per stage and logged once per streak.
async fn run_chain(stages: &mut [Stage], from: usize, items: Vec<Item>, out: &Downstream, pipeline: &str) {
    // Counts what is still held if the task is aborted mid-way (processing is synchronous, so only
    // while waiting for room downstream).
    let mut held = Held { items: items.into(), drops: out.drops.clone() };
    for stage in stages.iter_mut().skip(from) {
        let mut next = VecDeque::with_capacity(held.items.len());
        let mut produced = Vec::new();
        while let Some(Item { data, delivery }) = held.items.pop_front() {
            let n = data.item_count() as u64;
            stage.incoming.add(n);
            produced.clear();
            let refused = match stage.processor.process(data, &mut produced) {
                Ok(()) => {
                    if stage.failing {
                        stage.failing = false;
                        info!(pipeline, processor = %stage.id, "Processor works again.");
                    }
                    stage.processor.refused_last()
                }
                Err(e) => {
                    stage.dropped.add(n);
                    if !stage.failing {
                        stage.failing = true;
                        warn!(pipeline, processor = %stage.id, error = %e, items = n,
                            "Processor failed; the batch was dropped (counted in otelcol_processor_dropped_*, reported once until it works again).");
                    }
                    true
                }
            };
            let passed: usize = produced.iter().map(|d| d.item_count()).sum();
            stage.outgoing.add(passed as u64);
            if refused {
                // Refused (memory_limiter) or failed: the sender must resend the whole request.
                delivery.fail();
                next.extend(produced.drain(..).map(Item::untracked));
            } else {
                stage.carry(delivery, &mut produced, &mut next);
            }
        }
        held.items = next;
        if held.items.is_empty() {
            return;
        }
    }
    while let Some(item) = held.items.pop_front() {
        if item.data.is_empty() {
            // Nothing left to deliver of it.
            item.delivery.release();
            continue;
        }
        // A copy that does not reach an exporter is counted by `out` (reason component_stopped or
        // shutdown) and fails its token; nothing more to do here.
        let _ = out.send_item(item).await;
    }
}

/// What stage `i` handed over from its timer or its final flush, each output with its token.
fn timer_outputs(stage: &mut Stage, mut produced: Vec<Arc<SignalData>>) -> Vec<Item> {
    let n: usize = produced.iter().map(|d| d.item_count()).sum();
    stage.outgoing.add(n as u64);
    let mut next = VecDeque::with_capacity(produced.len());
    stage.carry(Delivery::none(), &mut produced, &mut next);
    next.into()
}

async fn run_pipeline(label: String, mut inbox: Inbox, mut stages: Stages, out: Downstream) {
    loop {
        let deadline: Option<Instant> =
            stages.stages.iter().filter_map(|s| s.processor.next_deadline()).min();
        tokio::select! {
            msg = inbox.recv() => match msg {
                Some(item) => {
                    run_chain(&mut stages.stages, 0, vec![item], &out, &label).await;
                }
                None => break,
            },
            _ = sleep_until_opt(deadline), if deadline.is_some() => {
                let now = Instant::now();
                for i in 0..stages.stages.len() {
                    if stages.stages[i].processor.next_deadline().is_some_and(|d| d <= now) {
                        let mut produced = Vec::new();
                        stages.stages[i].processor.on_timer(&mut produced);
                        let items = timer_outputs(&mut stages.stages[i], produced);
                        run_chain(&mut stages.stages, i + 1, items, &out, &label).await;
                    }
                }
            }
        }
    }
    // Input closed: flush every stage in order so buffered data reaches the exporters.
    for i in 0..stages.stages.len() {
        let mut produced = Vec::new();
        stages.stages[i].processor.flush(&mut produced);
        let items = timer_outputs(&mut stages.stages[i], produced);
        run_chain(&mut stages.stages, i + 1, items, &out, &label).await;
    }
    for stage in &mut stages.stages {
        stage.processor.shutdown();
    }
    stages.finished = true;
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

async fn run_exporter(
    label: &str,
    mut exporter: Box<dyn Exporter>,
    mut inbox: Inbox,
    telemetry: &Registry,
    handle: &crate::health::HealthHandle,
    // The exporter reports its running status itself (`Exporter::attach_health`).
    own_health: bool,
) {
    let health = (!own_health).then_some(handle);
    let counter = |verdict: &str, help: &str| {
        PerSignal::from_fn(|signal| {
            telemetry.counter(
                &format!("otelcol_exporter_{verdict}_{}", signal.item_name()),
                help,
                &[("exporter", label)],
            )
        })
    };
    let sent_items = counter("sent", "Items the exporter delivered.");
    let failed_items = counter("send_failed", "Items the exporter failed to deliver.");
    // An exporter without a sending queue (file, debug, prometheus) does not retry: a failed export
    // is data dropped, counted with its reason like every other drop.
    let export_failed = |signal: Signal| {
        telemetry.counter(
            &format!("dbintel_exporter_dropped_{}_total", signal.item_name()),
            "Items the runtime dropped, by reason.",
            &[("exporter", label), ("reason", "export_failed")],
        )
    };
    let mut failing = false;
    // A queued exporter counts delivery itself (its `export` only enqueues); the counters above are
    // the same handles it gets from the registry, so only one side may add to them.
    let own_counts = exporter.counts_delivery();
    let call_drops = inbox.drops.at(Place::ExporterCalls);
    while let Some(Item { data, delivery }) = inbox.recv().await {
        let n = data.item_count() as u64;
        let signal = data.signal();
        let (sent, failed) = (&sent_items[signal], &failed_items[signal]);
        // If the task is aborted inside `export`, the batch is counted as dropped here.
        let mut call = Pending { signal, items: n, drops: &call_drops };
        // On an abort inside `export`, `delivery` is dropped with the task: its requests fail.
        let result = exporter.export(data).await;
        call.items = 0;
        match result {
            Ok(()) => {
                // In the sending queue (written, for a persistent one), or delivered: safe.
                delivery.release();
                if !own_counts {
                    sent.add(n);
                }
                if failing {
                    info!(exporter = label, "Exporter recovered.");
                    failing = false;
                    if let Some(h) = health {
                        h.ok();
                    }
                }
            }
            Err(e) => {
                // Refused (queue full, storage error, shutting down) or failed to deliver: the
                // requests behind it are answered as refused, so their senders keep the data.
                delivery.fail();
                if !own_counts {
                    failed.add(n);
                    export_failed(signal).add(n);
                }
                // Log the first failure of a streak; the counter tracks the rest. An exporter that
                // reports its own status also logs its own refusals.
                if !failing && !own_health {
                    error!(exporter = label, error = %e, items = n, "Exporting failed; the data was dropped.");
                    failing = true;
                }
                if let Some(h) = health {
                    h.recoverable(e.to_string());
                }
            }
        }
    }
    if let Err(e) = exporter.shutdown().await {
        error!(exporter = label, error = %e, "Exporter failed to flush at shutdown.");
        handle.permanent(e.to_string());
    } else {
        handle.set(Status::Stopped);
    }
}

impl RunningService {
    pub fn health(&self) -> &HealthRegistry {
        &self.health
    }

    /// Stops receivers, drains pipelines and exporters, then stops extensions, all within the
    /// configured deadline. Whatever is still running at the deadline is aborted and reported.
    pub async fn shutdown(mut self) -> ShutdownReport {
        let started = Instant::now();
        // Saturating: a timeout past validation must not panic the shutdown.
        let deadline = crate::duration::deadline_after(started, self.settings.shutdown_timeout);
        let mut report = ShutdownReport::default();
        let before = DroppedItems::of(&self.ledger);
        self.ledger.shutting_down.store(true, Ordering::Relaxed);
        for s in self.health.snapshot() {
            if s.kind == ComponentKind::Receiver && s.status.is_running() {
                self.health.register(s.kind, s.id).set(Status::Stopping);
            }
        }
        self.receivers_token.cancel();
        join_all(std::mem::take(&mut self.receivers), deadline, &mut report).await;
        join_all(std::mem::take(&mut self.pipelines), deadline, &mut report).await;
        join_all(std::mem::take(&mut self.exporters), deadline, &mut report).await;
        report.dropped = DroppedItems::of(&self.ledger).minus(before);
        let d = report.dropped;
        if d.total() > 0 {
            warn!(
                items = d.total(),
                receiver_sends = d.receiver_sends,
                pipeline_queues = d.pipeline_queues,
                processors = d.processors,
                pipeline_sends = d.pipeline_sends,
                exporter_queues = d.exporter_queues,
                exporter_calls = d.exporter_calls,
                "Shutdown dropped data still in flight (counted with reason=shutdown in dbintel_{{receiver,pipeline,exporter}}_dropped_*_total)."
            );
        }
        self.extensions_token.cancel();
        // Extensions get a little time even if the deadline is spent: they hold no data.
        let ext_deadline = deadline.max(Instant::now() + Duration::from_millis(500));
        join_all(std::mem::take(&mut self.extensions), ext_deadline, &mut report).await;
        report.elapsed = started.elapsed();
        report
    }
}

/// Marks components failed the moment their task panics, so health_check turns 503 naming them while
/// the service still runs (not only when shutdown joins the task). A pipeline's task runs all its
/// processors: a panic there marks each of them.
struct PanicWatch(Vec<crate::health::HealthHandle>);

impl Drop for PanicWatch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            for h in &self.0 {
                error!(kind = h.kind().as_str(), id = %h.id(), "Component panicked (a bug); it was contained and has stopped.");
                h.permanent("panicked (a bug) and stopped; the log has the panic message");
            }
        }
    }
}

/// How long an aborted task may take to be dropped (its guards count what it held).
const ABORT_GRACE: Duration = Duration::from_millis(500);

async fn join_all(tasks: Vec<Task>, deadline: Instant, report: &mut ShutdownReport) {
    for mut task in tasks {
        match tokio::time::timeout_at(deadline, &mut task.handle).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) if e.is_panic() => {
                error!(kind = task.kind.as_str(), id = %task.name, "Component panicked; it was contained.");
            }
            Ok(Err(_)) => {}
            Err(_) => {
                warn!(kind = task.kind.as_str(), id = %task.name, "Component did not stop before the shutdown deadline; aborting it.");
                task.handle.abort();
                // Wait (briefly) for the abort to take effect, so what the task held is counted.
                let _ = tokio::time::timeout(ABORT_GRACE, &mut task.handle).await;
                report.aborted.push(format!("{} {}", task.kind, task.name));
            }
        }
    }
}
