//! Component contracts (receiver, processor, exporter, extension), their factories and the registry
//! of built-in types. The core knows no SQL driver and no wire format: components bring those.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::health::{HealthHandle, HealthRegistry};
use crate::host::{ExtensionObject, Host};
use crate::ids::{ComponentId, ComponentKind, PipelineId, Signal};
use crate::pdata::SignalData;
use crate::pipeline::ReceiverOutput;
use crate::telemetry::Registry;

/// A problem in one component's configuration. `path` is relative to the component's own config
/// (e.g. `queries[0].metrics[1].data_type`); the config loader prefixes file and section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub path: String,
    pub message: String,
}

impl ConfigProblem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Deserializes a component's config section, naming the key path of the first problem.
/// `null` (a component declared with no body, e.g. `batch:`) deserializes as an empty map.
pub fn parse_component_config<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, ConfigProblem> {
    let empty = serde_json::Value::Object(serde_json::Map::new());
    let value = if value.is_null() { &empty } else { value };
    crate::config_value::from_value(value)
}

/// Errors a running component reports; they are contained to that component.
#[derive(Debug, thiserror::Error)]
pub enum ComponentError {
    #[error("{0}")]
    Failed(String),
    #[error("invalid configuration: {0}")]
    Config(ConfigProblem),
}

/// Why data could not be handed downstream. Refusal for load (memory, overload, a breaker) does not
/// travel this way: it reaches receivers before they collect, through admission
/// (`ReceiverOutput::admission`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefusedError {
    #[error("the pipeline is shutting down")]
    ShuttingDown,
}

/// Context given to a receiver for its whole life.
pub struct ReceiverContext {
    pub id: ComponentId,
    pub output: ReceiverOutput,
    /// Cancelled when the service shuts down; the receiver must return promptly.
    pub shutdown: CancellationToken,
    pub health: HealthHandle,
    pub telemetry: Registry,
}

/// A source of data. `run` loops until `ctx.shutdown` is cancelled.
#[async_trait]
pub trait Receiver: Send {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError>;
}

/// Error from a processor. The batch it was processing is dropped and counted.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProcessorError(pub String);

/// What a processor gets when the pipeline starts: its identity, the host (shared state, extensions,
/// admission) and its status handle, which it may keep to report its own health.
#[derive(Clone)]
pub struct ProcessorContext {
    pub id: ComponentId,
    pub pipeline: PipelineId,
    pub host: Host,
    pub health: HealthHandle,
    pub telemetry: Registry,
}

/// A step in a pipeline (the synchronous kind). Processors are built per pipeline and run in
/// configured order inside the pipeline's task, so they are plain synchronous code: no locks, no
/// channel hops between them. A processor that needs its own timers, lookups or periodic output is a
/// [`TaskProcessor`].
///
/// Data is shared (`Arc`): the same allocation may also be on its way to other pipelines. A processor
/// that changes data copies on write (`Arc::make_mut`, `Arc::unwrap_or_clone`), which copies nothing
/// when it holds the only reference.
pub trait Processor: Send {
    /// Handles one unit of data, pushing zero or more results into `out`.
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError>;
    /// The next instant at which `on_timer` must run (e.g. a batch timeout), if any.
    fn next_deadline(&self) -> Option<tokio::time::Instant> {
        None
    }
    /// Whether the processor holds data it was given and has not passed on yet (the `batch`
    /// buffer). While it does, the runtime keeps the delivery tokens of its inputs (see
    /// [`crate::delivery`]) and settles them with its later outputs. The default says so whenever a
    /// deadline is set; a processor whose timer is periodic work, not held data (a health check,
    /// a cleanup), returns `false`, or the push receivers before it would answer only at their
    /// bound.
    fn holds_data(&self) -> bool {
        self.next_deadline().is_some()
    }
    /// Whether the last `process` call refused its input for load instead of dropping it on
    /// purpose (`memory_limiter` above its soft limit): the runtime then answers the requests
    /// behind it as refused, so their senders keep the data and retry. Dropping on purpose
    /// (filter, sampler) is `false`, a success.
    fn refused_last(&self) -> bool {
        false
    }
    /// Called once the deadline from `next_deadline` has passed.
    fn on_timer(&mut self, _out: &mut Vec<Arc<SignalData>>) {}
    /// Called at shutdown after the input is drained: hand over everything buffered.
    fn flush(&mut self, _out: &mut Vec<Arc<SignalData>>) {}
    /// Called once before the first `process`; an error stops the service from starting.
    fn start(&mut self, _ctx: &ProcessorContext) -> Result<(), ProcessorError> {
        Ok(())
    }
    /// Called once after the final `flush`, when the pipeline ends.
    fn shutdown(&mut self) {}
    /// Whether the processor changes the data it is given (the Collector's `MutatesData`
    /// capability). A declaration: the runtime shares batches either way and a mutating processor
    /// copies on write (`Arc::make_mut`), which copies nothing when it holds the only reference; one
    /// that only reads, counts or routes returns `false`.
    fn mutates_data(&self) -> bool {
        true
    }
}

/// A processor of the task kind (Vector's "task transform"): an async component with its own tokio
/// task inside the pipeline chain, a bounded input and a bounded output ([`TaskContext`]), for
/// processors that need timers, lookups or periodic output (correlation, cost reports, feedback
/// records). Its input ends (`recv` gives `None`) when everything before it has drained: it hands
/// over what it holds and returns. What it keeps across awaits belongs in a
/// [`crate::pipeline::TaskBuffer`], so an abort at the shutdown deadline counts it as dropped.
#[async_trait]
pub trait TaskProcessor: Send {
    /// See [`Processor::mutates_data`].
    fn mutates_data(&self) -> bool {
        true
    }
    async fn run(self: Box<Self>, ctx: crate::pipeline::TaskContext) -> Result<(), ComponentError>;
}

/// Error from an exporter. The data is counted as failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Failed(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A destination. One instance serves every pipeline it is listed in.
#[async_trait]
pub trait Exporter: Send {
    /// Called once before the first `export`.
    async fn start(&mut self) -> Result<(), ExportError> {
        Ok(())
    }
    /// Delivers one batch. The batch is shared with the other exporters of the pipeline (fan-out
    /// copies nothing); an exporter that must change it copies on write (`Arc::make_mut`).
    async fn export(&mut self, data: Arc<SignalData>) -> Result<(), ExportError>;
    /// Flush and close; called after the last `export`, also at shutdown.
    async fn shutdown(&mut self) -> Result<(), ExportError> {
        Ok(())
    }
    /// `true` when the exporter counts `otelcol_exporter_sent_*`/`send_failed_*` itself (a queued
    /// exporter, whose `export` only enqueues); the runtime then leaves those counters to it.
    fn counts_delivery(&self) -> bool {
        false
    }
    /// Hands the exporter its status handle, before `start`. An exporter whose `export` result says
    /// nothing about delivery (a queued exporter: `export` only enqueues) keeps the handle, reports
    /// failing and recovered deliveries through it, and returns `true`; the runtime then leaves the
    /// running status to it. The default keeps the runtime's reporting from `export` results.
    fn attach_health(&mut self, _health: HealthHandle) -> bool {
        false
    }
}

/// Context given to an extension.
pub struct ExtensionContext {
    pub id: ComponentId,
    pub shutdown: CancellationToken,
    pub health: HealthHandle,
    /// Every component's status, for health endpoints.
    pub health_registry: HealthRegistry,
    pub telemetry: Registry,
    /// Called once the extension is ready to serve (e.g. its port is bound).
    pub ready: Option<tokio::sync::oneshot::Sender<Result<(), String>>>,
}

/// A service beside the pipelines (health endpoint, storage). Starts first, stops last.
#[async_trait]
pub trait Extension: Send {
    /// The object this extension hands to other components through the [`Host`] (e.g. the storage
    /// of `file_storage`), taken once when the service is built, before any other component.
    fn provides(&self) -> Option<ExtensionObject> {
        None
    }
    async fn run(self: Box<Self>, ctx: ExtensionContext) -> Result<(), ComponentError>;
}

/// How mature a component is, shown by `dbintel components`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stability {
    Development,
    Alpha,
    Beta,
    Stable,
}

impl Stability {
    pub fn as_str(self) -> &'static str {
        match self {
            Stability::Development => "development",
            Stability::Alpha => "alpha",
            Stability::Beta => "beta",
            Stability::Stable => "stable",
        }
    }
}

/// What `dbintel components` shows and what config validation checks against.
#[derive(Debug, Clone)]
pub struct ComponentInfo {
    pub kind: ComponentKind,
    pub type_name: &'static str,
    pub aliases: &'static [&'static str],
    /// Signals the component can take part in (empty for extensions).
    pub signals: &'static [Signal],
    pub stability: Stability,
    pub description: &'static str,
}

/// What a factory gets when building an instance.
#[derive(Clone)]
pub struct CreateContext {
    pub id: ComponentId,
    /// The pipeline the instance is built for (processors only; they are built per pipeline).
    pub pipeline: Option<PipelineId>,
    pub telemetry: Registry,
    /// Live handles: the objects extensions provide (e.g. `sending_queue.storage: file_storage/queue`
    /// resolves to the storage) and per-component-ID shared state. Validation has checked references.
    pub host: Host,
    /// `service.shutdown_timeout`: the runtime aborts what is still running after it.
    pub shutdown_timeout: Duration,
}

impl CreateContext {
    /// A context with a fresh host (no extensions) and the default shutdown timeout (4s), for tests
    /// and tools.
    pub fn new(id: ComponentId, telemetry: Registry) -> Self {
        Self { id, pipeline: None, telemetry, host: Host::new(), shutdown_timeout: Duration::from_secs(4) }
    }
}

/// A built component.
pub enum Built {
    Receiver(Box<dyn Receiver>),
    Processor(Box<dyn Processor>),
    /// A processor of the task kind (its own task in the pipeline chain).
    TaskProcessor(Box<dyn TaskProcessor>),
    Exporter(Box<dyn Exporter>),
    Extension(Box<dyn Extension>),
}

/// Builds components of one type from their config section.
pub trait Factory: Send + Sync {
    fn info(&self) -> ComponentInfo;
    /// Checks a config section without building anything; reports every problem it can find.
    fn validate(&self, config: &serde_json::Value) -> Result<(), Vec<ConfigProblem>>;
    fn create(&self, ctx: &CreateContext, config: &serde_json::Value) -> Result<Built, Vec<ConfigProblem>>;
    /// Problems this config has only in a pipeline of `signal` (e.g. a matcher that only logs
    /// have, in a metrics pipeline), each with its key path. Validation calls it for each pipeline
    /// that lists the component and supports `signal`; `create` must refuse the same.
    fn validate_for_signal(&self, _config: &serde_json::Value, _signal: Signal) -> Vec<ConfigProblem> {
        Vec::new()
    }
    /// Why this component does nothing on `signal`, if it accepts that signal only so that configs
    /// written for the prototype load (it passes the data on untouched). Validation warns about each
    /// pipeline of that signal that lists it.
    fn signal_note(&self, _signal: Signal) -> Option<&'static str> {
        None
    }
    /// Other components this config names, as (kind, id, key path), e.g.
    /// `(Extension, file_storage/queue, "sending_queue.storage")`. Validation checks that each is
    /// defined, has the expected type (the id's type name) and, for extensions, is enabled.
    fn references(&self, _config: &serde_json::Value) -> Vec<(ComponentKind, ComponentId, String)> {
        Vec::new()
    }
    /// Keys set in this section that are accepted (so a config written for the Collector loads) but
    /// have no effect here, each with its key path and why; validation warns about each one. Build
    /// it with [`ignored_keys_present`].
    fn ignored_keys(&self, _config: &serde_json::Value) -> Vec<ConfigProblem> {
        Vec::new()
    }
    /// Settings that load and act, but probably not as the user meant (a tracking query without its
    /// placeholder): `validate` and `run` print each as a warning with its key path.
    fn warnings(&self, _config: &serde_json::Value) -> Vec<ConfigProblem> {
        Vec::new()
    }
    /// The JSON schema of the section (every [`crate::TypedFactory`] has one): printed by
    /// `dbintel components --schema`, checked against the README key tables, and used by
    /// [`crate::all_problems::all_problems_with`] for stand-in values.
    fn config_schema(&self) -> Option<serde_json::Value> {
        None
    }
}

/// The keys of `ignored` (`(key path, why)`, e.g. `("connection_pool.max_idle", "...")`) that are
/// set in `config`, as problems for [`Factory::ignored_keys`]. A key set to `null` counts as not set.
pub fn ignored_keys_present(config: &serde_json::Value, ignored: &[(&str, &str)]) -> Vec<ConfigProblem> {
    ignored
        .iter()
        .filter(|(path, _)| {
            let mut cur = Some(config);
            for key in path.split('.') {
                cur = cur.and_then(|v| v.get(key));
            }
            cur.is_some_and(|v| !v.is_null())
        })
        .map(|(path, why)| ConfigProblem::new(*path, *why))
        .collect()
}

/// Every built-in component type, looked up by kind and type name (aliases included).
#[derive(Clone, Default)]
pub struct ComponentRegistry {
    factories: Vec<Arc<dyn Factory>>,
}

impl ComponentRegistry {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn register(&mut self, factory: Arc<dyn Factory>) {
        self.factories.push(factory);
    }
    pub fn get(&self, kind: ComponentKind, type_name: &str) -> Option<Arc<dyn Factory>> {
        self.factories
            .iter()
            .find(|f| {
                let info = f.info();
                info.kind == kind && (info.type_name == type_name || info.aliases.contains(&type_name))
            })
            .cloned()
    }
    /// All registered types of a kind, sorted by name.
    pub fn infos(&self, kind: ComponentKind) -> Vec<ComponentInfo> {
        let mut v: Vec<ComponentInfo> =
            self.factories.iter().map(|f| f.info()).filter(|i| i.kind == kind).collect();
        v.sort_by_key(|i| i.type_name);
        v
    }
    /// The known type names of a kind (with aliases), for "did you mean" messages.
    pub fn type_names(&self, kind: ComponentKind) -> Vec<&'static str> {
        let mut names = Vec::new();
        for i in self.infos(kind) {
            names.push(i.type_name);
            names.extend_from_slice(i.aliases);
        }
        names
    }
}

/// A config section of one component, with its origin for messages.
#[derive(Debug, Clone)]
pub struct ComponentSection {
    pub id: ComponentId,
    pub kind: ComponentKind,
    pub config: serde_json::Value,
}
