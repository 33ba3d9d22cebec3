//! [`QueuedExporter`]: a [`Transport`] behind `retry_on_failure` and `sending_queue`.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::health::HealthHandle;
use dbintel_core::telemetry::{Counter, Gauge, Registry};
use dbintel_core::{
    ComponentId, ConfigProblem, CreateContext, ExportError, Exporter, Host, HostError, PerSignal, Signal,
    SignalData,
};
use dbintel_extensions::file_storage::Storage;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::{CancellationToken, DropGuard};
use tracing::{debug, info, warn};

use super::persistent::{FileQueueStore, StorageSettings};
use super::queue::{Entry, Queue};
use super::streak::{Failure, Streak, shown_error};
use super::{Backoff, Encoded, Payload, QueueConfig, RetryConfig, SendError, Transport};

/// Turns one converted request into the requests to send (split by size, convert temporality...).
pub type PrepareFn = Box<dyn FnMut(Payload) -> Vec<Payload> + Send>;

/// Share of `service.shutdown_timeout` the exporter spends draining; the rest is margin for the
/// runtime (receivers and pipelines stop first).
const DRAIN_SHARE: f64 = 0.75;

/// Self-telemetry of one exporter. Per-signal counters come from one table, named with
/// [`Signal::item_name`] (`otelcol_exporter_sent_spans`, ...).
struct Metrics {
    registry: Registry,
    label: String,
    sent: PerSignal<Counter>,
    failed: PerSignal<Counter>,
    enqueue_failed: PerSignal<Counter>,
    retries: Counter,
    sent_bytes: Counter,
}

impl Metrics {
    fn new(registry: &Registry, label: &str) -> Self {
        let c = |name: &str, help: &str| registry.counter(name, help, &[("exporter", label)]);
        let per = |prefix: &str, help: &str| {
            PerSignal::from_fn(|s| c(&format!("otelcol_exporter_{prefix}_{}", s.item_name()), help))
        };
        Self {
            registry: registry.clone(),
            label: label.to_string(),
            sent: per("sent", "Items the exporter delivered."),
            failed: per("send_failed", "Items the exporter failed to deliver."),
            enqueue_failed: per("enqueue_failed", "Items refused by a full (or failing) sending queue."),
            retries: c("dbintel_exporter_retries_total", "Retries of requests after retryable failures."),
            sent_bytes: c(
                "dbintel_exporter_sent_request_bytes_total",
                "Bytes of request bodies delivered (after compression; socket bytes are dbintel_exporter_bytes_sent_total).",
            ),
        }
    }

    fn sent(&self, signal: Signal) -> &Counter {
        &self.sent[signal]
    }

    fn failed(&self, signal: Signal) -> &Counter {
        &self.failed[signal]
    }

    fn enqueue_failed(&self, signal: Signal) -> &Counter {
        &self.enqueue_failed[signal]
    }

    /// Counts a dropped request: `dbintel_exporter_dropped_requests_total{reason}` and, when the
    /// signal is known, `dbintel_exporter_dropped_{metric_points,log_records}_total{reason}`.
    fn dropped(&self, signal: Option<Signal>, items: u64, reason: &str) {
        let labels = [("exporter", self.label.as_str()), ("reason", reason)];
        self.registry
            .counter(
                "dbintel_exporter_dropped_requests_total",
                "Requests the exporter gave up on, by reason.",
                &labels,
            )
            .inc();
        if let Some(signal) = signal {
            let name = format!("dbintel_exporter_dropped_{}_total", signal.item_name());
            self.registry.counter(&name, "Items the exporter gave up on, by reason.", &labels).add(items);
        }
    }
}

/// How one request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Delivered (possibly partly rejected).
    Delivered,
    /// Given up for good and counted.
    Dropped,
    /// Shutdown interrupted it: a persistent request stays on disk; a memory one is lost.
    Abandoned,
}

/// Sends one request with retries.
struct Sender<T: Transport> {
    transport: Arc<T>,
    retry: RetryConfig,
    metrics: Arc<Metrics>,
    /// Shutdown started: no more waiting for backoff; a retryable failure abandons the request.
    drain: CancellationToken,
    /// Hard stop: the in-flight attempt is dropped.
    cancel: CancellationToken,
    /// Failing deliveries: logged once per streak; health.
    streak: Streak,
    /// Partial successes with rejected items: logged once per streak (no health change).
    partial: Streak,
}

impl<T: Transport> Sender<T> {
    /// Sends one encoded request. It is decoded for each attempt and the decoded form is freed
    /// between attempts, so a request waiting out a backoff holds only its encoding.
    async fn send(&self, request: &Encoded) -> Outcome {
        let signal = request.signal;
        let items = request.items;
        let label = self.metrics.label.as_str();
        let started = Instant::now();
        let mut backoff = Backoff::new(&self.retry);
        let mut attempt: u32 = 0;
        loop {
            let payload = match request.decode() {
                Ok(p) => p,
                Err(e) => {
                    // Cannot happen for a request this process encoded; never panic on it.
                    self.metrics.failed(signal).add(items);
                    self.metrics.dropped(Some(signal), items, "corrupt");
                    let error = format!("cannot decode the queued request: {e}");
                    self.streak.failure(Failure::Dropped { reason: "corrupt", error: &error, items });
                    return Outcome::Dropped;
                }
            };
            let result = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Outcome::Abandoned,
                r = self.transport.send(&payload) => r,
            };
            drop(payload);
            match result {
                Ok(report) => {
                    let rejected = report.rejected_items.min(items);
                    self.metrics.sent(signal).add(items - rejected);
                    self.metrics.sent_bytes.add(report.bytes_on_wire);
                    if rejected > 0 {
                        self.metrics.failed(signal).add(rejected);
                        self.metrics.dropped(Some(signal), rejected, "rejected");
                        let message = report.message.as_deref().unwrap_or("");
                        self.partial.failure(Failure::Dropped {
                            reason: "rejected",
                            error: message,
                            items: rejected,
                        });
                    } else if let Some(message) = &report.message {
                        debug!(exporter = label, message = %shown_error(message), "Partial success message from the backend.");
                    }
                    if attempt > 0 {
                        debug!(exporter = label, attempts = attempt + 1, "Request delivered after retries.");
                    }
                    self.streak.success();
                    return Outcome::Delivered;
                }
                Err(SendError::Permanent { message }) => {
                    self.metrics.failed(signal).add(items);
                    self.metrics.dropped(Some(signal), items, "permanent");
                    self.streak.failure(Failure::Dropped { reason: "permanent", error: &message, items });
                    return Outcome::Dropped;
                }
                Err(SendError::Retryable { message, retry_after }) => {
                    if self.drain.is_cancelled() {
                        debug!(exporter = label, error = %shown_error(&message), "Retryable failure during shutdown; not retrying now.");
                        return Outcome::Abandoned;
                    }
                    if !self.retry.enabled {
                        self.metrics.failed(signal).add(items);
                        self.metrics.dropped(Some(signal), items, "retries_exhausted");
                        let error = format!("{message} (retry_on_failure is disabled)");
                        self.streak.failure(Failure::Dropped {
                            reason: "retries_exhausted",
                            error: &error,
                            items,
                        });
                        return Outcome::Dropped;
                    }
                    let max_elapsed = self.retry.max_elapsed_time.get();
                    let Some(delay) = retry_delay(&mut backoff, retry_after, started.elapsed(), max_elapsed)
                    else {
                        self.metrics.failed(signal).add(items);
                        self.metrics.dropped(Some(signal), items, "retries_exhausted");
                        let error = format!(
                            "{message} (no more retries within max_elapsed_time after {} attempts)",
                            attempt + 1
                        );
                        self.streak.failure(Failure::Dropped {
                            reason: "retries_exhausted",
                            error: &error,
                            items,
                        });
                        return Outcome::Dropped;
                    };
                    self.metrics.retries.inc();
                    self.streak.failure(Failure::Retrying { error: &message, retry_in: delay });
                    attempt = attempt.saturating_add(1);
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = self.drain.cancelled() => return Outcome::Abandoned,
                        _ = self.cancel.cancelled() => return Outcome::Abandoned,
                    }
                }
            }
        }
    }
}

/// Longest wait a server's hint (Retry-After, RetryInfo) can impose when `max_elapsed_time` is 0.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// The wait before the next attempt, or `None` when the request is to be dropped
/// (`retries_exhausted`): the backoff's next wait would pass `max_elapsed_time`.
/// A server hint (Retry-After, RetryInfo) longer than the backoff is honoured, but never past
/// `max_elapsed_time`: the last attempt then happens at `max_elapsed_time` (with `max_elapsed_time`
/// 0, a hint is capped at [`MAX_RETRY_AFTER`]). So an hour-long Retry-After neither drops the
/// request at once nor parks it beyond what the config allows.
pub(crate) fn retry_delay(
    backoff: &mut Backoff,
    retry_after: Option<Duration>,
    elapsed: Duration,
    max_elapsed: Duration,
) -> Option<Duration> {
    let delay = backoff.next_delay();
    let remaining = if max_elapsed.is_zero() {
        None
    } else {
        Some(max_elapsed.checked_sub(elapsed).filter(|r| *r >= delay)?)
    };
    let hint_cap = remaining.unwrap_or(MAX_RETRY_AFTER);
    Some(match retry_after {
        Some(hint) => delay.max(hint.min(hint_cap)),
        None => delay,
    })
}

/// A request a consumer has taken from the queue and not yet settled.
#[derive(Debug, Clone, Copy)]
struct Held {
    signal: Signal,
    items: u64,
    /// A persistent request: its file stays on disk until settled.
    on_disk: bool,
}

/// What each consumer holds, so that shutdown can account for requests in flight in a consumer it
/// had to cancel or abort: a consumer records its request here before sending and clears it once
/// delivered or dropped (and counted). Whatever is left when shutdown ends was abandoned.
#[derive(Default)]
struct InFlight {
    slots: std::sync::Mutex<Vec<Option<Held>>>,
}

impl InFlight {
    fn with_consumers(n: usize) -> Self {
        Self { slots: std::sync::Mutex::new(vec![None; n]) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Option<Held>>> {
        match self.slots.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn hold(&self, consumer: usize, held: Held) {
        if let Some(slot) = self.lock().get_mut(consumer) {
            *slot = Some(held);
        }
    }

    /// Clears the consumer's slot: the request was delivered or dropped, and counted.
    fn settle(&self, consumer: usize) {
        if let Some(slot) = self.lock().get_mut(consumer) {
            *slot = None;
        }
    }

    /// Takes every unsettled request (at the end of shutdown).
    fn take_all(&self) -> Vec<Held> {
        self.lock().iter_mut().filter_map(Option::take).collect()
    }
}

/// State built at `start`. Dropping it (at the end of `shutdown`, or when the runtime aborts the
/// exporter mid-way) stops the consumers and accounts for every request not yet settled: in-memory
/// ones are counted as dropped (`shutdown`), persistent ones stay on disk; one log line reports it.
struct Running {
    queue: Arc<Queue>,
    store: Option<Arc<FileQueueStore>>,
    consumers: JoinSet<()>,
    in_flight: Arc<InFlight>,
    next_seq: u64,
    metrics: Arc<Metrics>,
    cancel: CancellationToken,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.cancel.cancel();
        self.consumers.abort_all();
        self.queue.close();
        let label = self.metrics.label.as_str();
        let left = self.queue.take_all();
        let held = self.in_flight.take_all();
        if self.store.is_some() {
            let requests = left.len() + held.len();
            if requests > 0 {
                info!(
                    exporter = label,
                    requests,
                    in_flight = held.len(),
                    "Unsent requests stay in the persistent queue for the next start."
                );
            }
            return;
        }
        let mut requests = 0u64;
        let mut items = 0u64;
        let mut count = |signal: Signal, n: u64| {
            requests += 1;
            items += n;
            self.metrics.failed(signal).add(n);
            self.metrics.dropped(Some(signal), n, "shutdown");
        };
        for e in &left {
            if let Entry::Memory(e, _) = e {
                count(e.signal, e.items);
            }
        }
        let in_flight = held.len();
        for h in held.into_iter().filter(|h| !h.on_disk) {
            count(h.signal, h.items);
        }
        if requests > 0 {
            warn!(
                exporter = label,
                requests,
                items,
                queued = left.len(),
                in_flight,
                "Shutdown ended before the in-memory sending queue drained; the rest was dropped (use a persistent queue to keep it)."
            );
        }
    }
}

/// An exporter made of a [`Transport`], a retry policy and a sending queue.
pub struct QueuedExporter<T: Transport> {
    id: ComponentId,
    label: String,
    retry: RetryConfig,
    queue_cfg: QueueConfig,
    storage: Option<StorageSettings>,
    prepare: Option<PrepareFn>,
    /// A batch (`sending_queue.batch`) never grows past this many encoded bytes (0: no cap); the
    /// exporters set it to their `max_request_size`, so combining never undoes splitting.
    max_batch_bytes: u64,
    sender: Arc<Sender<T>>,
    metrics: Arc<Metrics>,
    queue_size: Gauge,
    queue_bytes: Gauge,
    shutdown_timeout: Duration,
    running: Option<Running>,
    /// Cancels the consumers if the exporter is dropped (e.g. aborted at the shutdown deadline).
    _guard: DropGuard,
    /// Refusals of the sending queue (full, storage errors): logged once per streak.
    refusals: Streak,
}

/// Prefixes the paths of block problems.
fn prefixed(prefix: &str, problems: Vec<ConfigProblem>) -> impl Iterator<Item = ConfigProblem> + '_ {
    problems.into_iter().map(move |p| ConfigProblem::new(format!("{prefix}.{}", p.path), p.message))
}

/// Problems of both helper blocks, with `retry_on_failure.` / `sending_queue.` paths.
pub fn helper_problems(retry: &RetryConfig, queue: &QueueConfig) -> Vec<ConfigProblem> {
    prefixed("retry_on_failure", retry.problems())
        .chain(prefixed("sending_queue", queue.problems()))
        .collect()
}

/// Resolves `sending_queue.storage` to the storage its `file_storage` extension provides.
pub fn resolve_storage(queue: &QueueConfig, host: &Host) -> Result<Option<StorageSettings>, ConfigProblem> {
    let Some(storage) = queue.storage.as_deref().filter(|_| queue.enabled) else {
        return Ok(None);
    };
    let problem = |m: String| ConfigProblem::new("sending_queue.storage", m);
    let id: ComponentId = storage.parse().map_err(|e| problem(format!("`{storage}`: {e}")))?;
    if id.type_name() != "file_storage" {
        return Err(problem(format!("`{storage}` is not a file_storage extension")));
    }
    let fs = host.extension::<Storage>(&id).map_err(|e| match e {
        HostError::NotFound(_) => problem(format!("`{storage}` is not defined under `extensions`")),
        other => problem(other.to_string()),
    })?;
    Ok(Some(StorageSettings {
        directory: fs.directory.clone(),
        create_directory: fs.create_directory,
        fsync: fs.fsync,
    }))
}

impl<T: Transport> QueuedExporter<T> {
    /// Builds the exporter for `ctx.id`, resolving `sending_queue.storage` through `ctx.host`. Problems carry `retry_on_failure.`/`sending_queue.` paths.
    pub fn new(
        ctx: &CreateContext,
        transport: T,
        retry: RetryConfig,
        queue: QueueConfig,
    ) -> Result<Self, Vec<ConfigProblem>> {
        let mut problems = helper_problems(&retry, &queue);
        let storage = match resolve_storage(&queue, &ctx.host) {
            Ok(s) => s,
            Err(p) => {
                problems.push(p);
                None
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self::with_storage(
            ctx.id.clone(),
            &ctx.telemetry,
            transport,
            retry,
            queue,
            storage,
            ctx.shutdown_timeout,
        ))
    }

    /// Builds the exporter with an already resolved storage (tests, tools). Does not validate.
    pub fn with_storage(
        id: ComponentId,
        telemetry: &Registry,
        transport: T,
        retry: RetryConfig,
        queue: QueueConfig,
        storage: Option<StorageSettings>,
        shutdown_timeout: Duration,
    ) -> Self {
        let label = id.to_string();
        let refusals = Streak::new(&label, "Enqueueing into the sending queue");
        let metrics = Arc::new(Metrics::new(telemetry, &label));
        let cancel = CancellationToken::new();
        let sender = Arc::new(Sender {
            transport: Arc::new(transport),
            retry: retry.clone(),
            metrics: metrics.clone(),
            drain: CancellationToken::new(),
            cancel: cancel.clone(),
            streak: Streak::new(&label, "Exporting"),
            partial: Streak::new(&label, "Partial success (the backend rejected part of a request)"),
        });
        let labels = [("exporter", label.as_str())];
        let queue_size = telemetry.gauge(
            "otelcol_exporter_queue_size",
            "Requests in the sending queue (on disk for a persistent queue).",
            &labels,
        );
        let queue_bytes = telemetry.gauge(
            "dbintel_exporter_queue_bytes",
            "Encoded bytes of the requests in the sending queue.",
            &labels,
        );
        telemetry
            .gauge("otelcol_exporter_queue_capacity", "Capacity of the sending queue, in requests.", &labels)
            .set(if queue.enabled { queue.queue_size as i64 } else { 0 });
        let storage = storage.filter(|_| queue.enabled);
        Self {
            id,
            label,
            retry,
            queue_cfg: queue,
            storage,
            prepare: None,
            max_batch_bytes: 0,
            sender,
            metrics,
            queue_size,
            queue_bytes,
            shutdown_timeout,
            running: None,
            _guard: cancel.drop_guard(),
            refusals,
        }
    }

    /// Caps a combined batch at `bytes` encoded bytes (0: no cap).
    pub fn with_max_batch_bytes(mut self, bytes: u64) -> Self {
        self.max_batch_bytes = bytes;
        self
    }

    /// Installs the hook every converted request passes through before it is queued.
    pub fn with_prepare(mut self, prepare: PrepareFn) -> Self {
        self.prepare = Some(prepare);
        self
    }

    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    /// Bytes the queue holds now, summed over its entries (tests check it against the gauge).
    #[cfg(test)]
    pub(crate) fn queued_bytes_held(&self) -> u64 {
        self.running.as_ref().map_or(0, |r| r.queue.held_bytes())
    }

    /// Requests waiting in the queue (not counting those in flight).
    pub fn queue_len(&self) -> usize {
        self.running.as_ref().map_or(0, |r| r.queue.len())
    }

    fn convert(&mut self, data: &SignalData) -> Vec<Payload> {
        let payload = match data {
            SignalData::Metrics(m) => Payload::Metrics(dbintel_otlp::to_proto_metrics(m)),
            SignalData::Logs(l) => Payload::Logs(dbintel_otlp::to_proto_logs(l)),
            SignalData::Traces(t) => Payload::Traces(dbintel_otlp::to_proto_traces(t)),
        };
        let out = match self.prepare.as_mut() {
            Some(prepare) => prepare(payload),
            None => vec![payload],
        };
        out.into_iter().filter(|p| !p.is_empty()).collect()
    }

    fn reject(&mut self, signal: Signal, items: u64, reason: &'static str, why: &str) -> ExportError {
        self.metrics.enqueue_failed(signal).add(items);
        self.metrics.dropped(Some(signal), items, reason);
        self.sender.streak.unhealthy(why);
        self.refusals.failure(Failure::Dropped { reason, error: why, items });
        ExportError::Failed(format!("{why}; {items} items dropped"))
    }

    pub(crate) async fn enqueue(&mut self, payload: Payload) -> Result<(), ExportError> {
        let Some(running) = self.running.as_mut() else {
            return Err(ExportError::Failed("exporter not started".to_string()));
        };
        let queue = running.queue.clone();
        let store = running.store.clone();
        // Size for the room check (the encoding's length; the file adds a 20-byte header).
        let estimate = payload.encoded_len() as u64;
        let (signal, items) = (payload.signal(), payload.items());
        let size = super::queue::size_of(queue.sizer(), items, estimate);
        if !queue.can_ever_fit(size) {
            return Err(self.reject(
                signal,
                items,
                "queue_full",
                "The request is larger than the sending queue's capacity (queue_size in sizer units)",
            ));
        }
        if !queue.has_room(size, estimate) {
            let room = self.queue_cfg.block_on_overflow && queue.wait_for_room(size, estimate).await;
            if !room {
                return Err(self.reject(signal, items, "queue_full", "The sending queue is full"));
            }
        }
        // With `wait_for_result`, `export` waits for the consumer's verdict.
        let (waiters, outcome) = if self.queue_cfg.wait_for_result {
            let (tx, rx) = tokio::sync::oneshot::channel();
            (vec![tx], Some(rx))
        } else {
            (Vec::new(), None)
        };
        match store {
            None => {
                // The queue holds the encoding, not the decoded request (several times larger).
                let encoded = Encoded::new(&payload);
                drop(payload);
                if queue.try_push(Entry::Memory(encoded, waiters)).is_err() {
                    return Err(self.reject(signal, items, "queue_full", "The sending queue is full"));
                }
            }
            Some(store) => {
                let Some(running) = self.running.as_mut() else {
                    return Err(ExportError::Failed("exporter not started".to_string()));
                };
                let seq = running.next_seq;
                running.next_seq = seq.saturating_add(1);
                let written = tokio::task::spawn_blocking(move || store.write(seq, &payload)).await;
                match written {
                    Ok(Ok(bytes)) => queue.push(Entry::Disk { seq, bytes, items, waiters }),
                    Ok(Err(e)) => {
                        let why = format!("Cannot write to the persistent queue: {e}");
                        return Err(self.reject(signal, items, "storage_error", &why));
                    }
                    Err(e) => return Err(ExportError::Failed(format!("persistent queue write failed: {e}"))),
                }
            }
        }
        self.refusals.success();
        if let Some(outcome) = outcome {
            return match outcome.await {
                Ok(true) => Ok(()),
                Ok(false) => Err(ExportError::Failed(format!("{items} items were not delivered"))),
                Err(_) => Err(ExportError::Failed(format!(
                    "{items} items were not delivered before the exporter stopped"
                ))),
            };
        }
        Ok(())
    }
}

/// One consumer: takes requests until the queue is closed and empty, or it is told to stop.
async fn consume<T: Transport>(
    index: usize,
    queue: Arc<Queue>,
    store: Option<Arc<FileQueueStore>>,
    sender: Arc<Sender<T>>,
    in_flight: Arc<InFlight>,
    batch: Option<super::config::QueueBatchConfig>,
    max_batch_bytes: u64,
) {
    let metrics = sender.metrics.clone();
    loop {
        let entry = tokio::select! {
            biased;
            _ = sender.cancel.cancelled() => return,
            e = queue.pop() => match e { Some(e) => e, None => return },
        };
        let (request, seq, waiters) = match entry {
            Entry::Memory(request, waiters) => match &batch {
                Some(b) => {
                    // Counted as in flight while the batch fills (updated with the merged request below).
                    in_flight
                        .hold(index, Held { signal: request.signal, items: request.items, on_disk: false });
                    let (request, waiters) =
                        fill_batch(&queue, request, waiters, b, max_batch_bytes, &sender.cancel).await;
                    (request, None, waiters)
                }
                None => (request, None, waiters),
            },
            Entry::Disk { seq, waiters, .. } => {
                let Some(store) = store.clone() else { continue };
                let reader = store.clone();
                let read = tokio::task::spawn_blocking(move || reader.read(seq)).await;
                match read {
                    Ok(Ok(p)) => (Encoded::new(&p), Some(seq), waiters),
                    Ok(Err(e)) => {
                        Entry::notify(waiters, false);
                        metrics.dropped(None, 0, "corrupt");
                        warn!(exporter = %metrics.label, error = %e, "Skipping an unreadable request in the persistent queue; it was deleted.");
                        remove(&store, seq, &metrics.label).await;
                        continue;
                    }
                    Err(e) => {
                        // The blocking task panicked or was cancelled: keep the file for the next start.
                        warn!(exporter = %metrics.label, error = %e, "Reading the persistent queue failed.");
                        continue;
                    }
                }
            }
        };
        in_flight.hold(index, Held { signal: request.signal, items: request.items, on_disk: seq.is_some() });
        let outcome = sender.send(&request).await;
        drop(request);
        match outcome {
            Outcome::Delivered => Entry::notify(waiters, true),
            Outcome::Dropped => Entry::notify(waiters, false),
            // Dropping the waiters tells them it ended unsent.
            Outcome::Abandoned => drop(waiters),
        }
        match (outcome, seq) {
            (Outcome::Delivered | Outcome::Dropped, Some(seq)) => {
                in_flight.settle(index);
                if let Some(store) = &store {
                    remove(store, seq, &metrics.label).await;
                }
            }
            (Outcome::Delivered | Outcome::Dropped, None) => {
                in_flight.settle(index);
            }
            // Left in the slot: the end of shutdown counts it (memory) or keeps it on disk.
            (Outcome::Abandoned, _) => return,
        }
    }
}

/// Combines `first` with the requests queued behind it (same signal, within `max_size`) until the
/// batch reaches `min_size` or `flush_timeout` has passed since `first` was taken. Encoded requests
/// concatenate: an Export*ServiceRequest is one repeated field, and protobuf merges concatenated
/// messages by appending repeated fields.
async fn fill_batch(
    queue: &Queue,
    first: Encoded,
    mut waiters: Vec<super::queue::Waiter>,
    batch: &super::config::QueueBatchConfig,
    max_bytes: u64,
    cancel: &CancellationToken,
) -> (Encoded, Vec<super::queue::Waiter>) {
    let sizer = batch.sizer;
    let size = |e: &Encoded| super::queue::size_of(sizer, e.items, e.body.len() as u64);
    let mut total = size(&first);
    let mut merged = first;
    let deadline = dbintel_core::duration::deadline_after(Instant::now(), batch.flush_timeout.get());
    while total < batch.min_size && !cancel.is_cancelled() {
        let signal = merged.signal;
        let max = batch.max_size;
        let held = merged.body.len() as u64;
        let taken = queue.pop_front_if(|e| match e {
            Entry::Memory(next, _) => {
                next.signal == signal
                    && (max == 0 || total.saturating_add(size(next)) <= max)
                    && (max_bytes == 0 || held.saturating_add(next.body.len() as u64) <= max_bytes)
            }
            Entry::Disk { .. } => false,
        });
        match taken {
            super::queue::PopIf::Taken(Entry::Memory(next, more)) => {
                total = total.saturating_add(size(&next));
                merged.items = merged.items.saturating_add(next.items);
                merged.body.extend_from_slice(&next.body);
                waiters.extend(more);
            }
            // Not in this batch (another signal, too big, on disk): send what we have.
            super::queue::PopIf::Taken(other) => {
                queue.push(other);
                break;
            }
            super::queue::PopIf::Refused => break,
            super::queue::PopIf::Empty => {
                if Instant::now() >= deadline {
                    break;
                }
                // Closed and empty (shutdown): send what the batch holds now.
                if !queue.wait_for_entry(deadline).await {
                    break;
                }
            }
        }
    }
    merged.body.shrink_to_fit();
    (merged, waiters)
}

async fn remove(store: &Arc<FileQueueStore>, seq: u64, label: &str) {
    let store = store.clone();
    match tokio::task::spawn_blocking(move || store.remove(seq)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            warn!(exporter = label, error = %e, seq, "Cannot delete a finished request from the persistent queue; it may be sent again after a restart.")
        }
        Err(e) => warn!(exporter = label, error = %e, "Deleting from the persistent queue failed."),
    }
}

#[async_trait]
impl<T: Transport> Exporter for QueuedExporter<T> {
    async fn start(&mut self) -> Result<(), ExportError> {
        if !self.queue_cfg.enabled || self.running.is_some() {
            return Ok(());
        }
        let queue = Arc::new(Queue::with_sizer(
            self.queue_cfg.queue_size as u64,
            self.queue_cfg.sizer,
            self.queue_cfg.max_bytes(),
            self.queue_size.clone(),
            self.queue_bytes.clone(),
        ));
        let mut next_seq = 1;
        let store = match &self.storage {
            None => None,
            Some(settings) => {
                let settings = settings.clone();
                let id = self.id.clone();
                let max = self.queue_cfg.max_bytes().saturating_add(1024);
                let opened = tokio::task::spawn_blocking(move || FileQueueStore::open(&settings, &id, max))
                    .await
                    .map_err(|e| ExportError::Failed(format!("opening the persistent queue failed: {e}")))?;
                let (store, found, next) = opened.map_err(|e| {
                    ExportError::Failed(format!(
                        "cannot open the persistent queue under `{}`: {e}",
                        self.storage.as_ref().map(|s| s.directory.display().to_string()).unwrap_or_default()
                    ))
                })?;
                next_seq = next;
                if !found.is_empty() {
                    info!(
                        exporter = %self.label,
                        requests = found.len(),
                        directory = %store.dir().display(),
                        "Persistent queue holds requests from an earlier run; sending them first."
                    );
                    if found.len() > self.queue_cfg.queue_size {
                        warn!(exporter = %self.label, requests = found.len(), queue_size = self.queue_cfg.queue_size,
                            "The persistent queue holds more than queue_size; new data is refused until it drains.");
                    }
                }
                for r in found {
                    queue.push(Entry::Disk { seq: r.seq, bytes: r.bytes, items: 0, waiters: Vec::new() });
                }
                Some(Arc::new(store))
            }
        };
        let n = self.queue_cfg.num_consumers.max(1);
        let in_flight = Arc::new(InFlight::with_consumers(n));
        let mut consumers = JoinSet::new();
        for index in 0..n {
            consumers.spawn(consume(
                index,
                queue.clone(),
                store.clone(),
                self.sender.clone(),
                in_flight.clone(),
                self.queue_cfg.batch.clone(),
                self.max_batch_bytes,
            ));
        }
        self.running = Some(Running {
            queue,
            store,
            consumers,
            in_flight,
            next_seq,
            metrics: self.metrics.clone(),
            cancel: self.sender.cancel.clone(),
        });
        Ok(())
    }

    async fn export(&mut self, data: std::sync::Arc<SignalData>) -> Result<(), ExportError> {
        let payloads = self.convert(&data);
        let mut first_err = None;
        for payload in payloads {
            let result = if self.queue_cfg.enabled {
                self.enqueue(payload).await
            } else {
                match self.sender.send(&Encoded::new(&payload)).await {
                    Outcome::Delivered => Ok(()),
                    Outcome::Dropped | Outcome::Abandoned => {
                        Err(ExportError::Failed(format!("{} items were not delivered", payload.items())))
                    }
                }
            };
            if let Err(e) = result {
                first_err.get_or_insert(e);
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    async fn shutdown(&mut self) -> Result<(), ExportError> {
        let Some(mut running) = self.running.take() else {
            return Ok(());
        };
        // Within `shutdown_timeout`: drain (DRAIN_SHARE), then cancel and wait a little, then abort.
        let budget = self.shutdown_timeout;
        let deadline = dbintel_core::duration::deadline_after(Instant::now(), budget.mul_f64(DRAIN_SHARE));
        running.queue.close();
        // Send what is queued, but do not wait out backoffs: a retryable failure now ends draining.
        self.sender.drain.cancel();
        let consumers = &mut running.consumers;
        // `join_next` never polls a finished task again (awaiting `&mut JoinHandle`s twice did).
        let drained =
            tokio::time::timeout_at(deadline, async { while consumers.join_next().await.is_some() {} })
                .await
                .is_ok();
        if !drained {
            // Attempts in flight are dropped; each consumer leaves its request in the in-flight table.
            self.sender.cancel.cancel();
            let grace = budget.mul_f64(0.1).min(Duration::from_millis(200));
            let stopped =
                tokio::time::timeout(grace, async { while consumers.join_next().await.is_some() {} })
                    .await
                    .is_ok();
            if !stopped {
                consumers.abort_all();
                // Aborted tasks end at their next poll; what they held stays in the in-flight table.
                let wait = budget.mul_f64(0.05).min(Duration::from_millis(100));
                let _ = tokio::time::timeout(wait, async { while consumers.join_next().await.is_some() {} })
                    .await;
            }
        }
        // Counts and reports what was not delivered (see `Drop for Running`).
        drop(running);
        self.sender.streak.finish();
        self.refusals.finish();
        self.sender.partial.finish();
        Ok(())
    }

    fn counts_delivery(&self) -> bool {
        true
    }

    /// `export` only enqueues: the consumers report failing and recovered deliveries.
    fn attach_health(&mut self, health: HealthHandle) -> bool {
        self.sender.streak.attach_health(health);
        true
    }
}
