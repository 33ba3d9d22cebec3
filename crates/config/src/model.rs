//! The validated config: component sections by ID, pipelines and service settings.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use dbintel_core::{ComponentId, ComponentKind, PipelineId};

use crate::redact::Redactor;

/// Default for `service.shutdown_timeout`.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(4);
/// Accepted `service.shutdown_timeout`: 1s to 5m (a longer wait only delays a restart; SIGKILL
/// usually comes sooner).
pub const SHUTDOWN_TIMEOUT_RANGE: dbintel_core::DurationRange =
    dbintel_core::DurationRange::new(Duration::from_secs(1), Duration::from_secs(300));
/// Default for `service.telemetry.metrics.address`.
pub const DEFAULT_METRICS_ADDRESS: &str = "127.0.0.1:8888";

/// A config that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceConfig {
    pub receivers: BTreeMap<ComponentId, serde_json::Value>,
    pub processors: BTreeMap<ComponentId, serde_json::Value>,
    pub exporters: BTreeMap<ComponentId, serde_json::Value>,
    pub extensions: BTreeMap<ComponentId, serde_json::Value>,
    pub service: Service,
    /// Non-fatal findings (components defined but unused), one line each.
    pub warnings: Vec<String>,
    /// The source (file name) that last set each component's section.
    pub sources: BTreeMap<(ComponentKind, ComponentId), String>,
    /// Keeps values from `${env:...}`/`${file:...}` placeholders out of every message printed about
    /// this config, also at run time (component creation errors, log lines).
    pub redactor: Redactor,
}

/// The `service` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Extensions to run, in order.
    pub extensions: Vec<ComponentId>,
    pub pipelines: BTreeMap<PipelineId, Pipeline>,
    pub telemetry: Telemetry,
    /// How long shutdown may take before remaining work is abandoned (`service.shutdown_timeout`, a
    /// dbintel extension of the collector schema; default 4s).
    pub shutdown_timeout: Duration,
    /// `service.sharding` (a dbintel extension): the database targets are shared among replicas.
    pub sharding: Option<ShardingConfig>,
}

/// `service.sharding`: how many replicas share the database targets and, when given, which one
/// this process is. See the `sharding` section of the crate README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardingConfig {
    /// 1 to [`dbintel_core::sharding::MAX_REPLICAS`].
    pub replicas: u32,
    /// Below `replicas`; `None`: found at run time ([`ShardingConfig::resolve_ordinal`]).
    pub ordinal: Option<u32>,
}

/// Variable that gives this replica's ordinal when `service.sharding.ordinal` is not set.
pub const SHARD_ORDINAL_ENV: &str = "DBINTEL_SHARD_ORDINAL";
/// Variable with the pod's name (set from the downward API); its trailing `-N` is the ordinal.
pub const POD_NAME_ENV: &str = "POD_NAME";

/// Where a replica's ordinal came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrdinalSource {
    Config,
    Env,
    PodName(String),
    Hostname(String),
}

impl fmt::Display for OrdinalSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrdinalSource::Config => f.write_str("service.sharding.ordinal"),
            OrdinalSource::Env => write!(f, "${SHARD_ORDINAL_ENV}"),
            OrdinalSource::PodName(n) => write!(f, "${POD_NAME_ENV} `{n}`"),
            OrdinalSource::Hostname(n) => write!(f, "the host name `{n}`"),
        }
    }
}

/// The number after the last `-` of a StatefulSet pod name (`dbintel-2` is 2).
pub fn trailing_ordinal(name: &str) -> Option<u32> {
    let (_, n) = name.trim().rsplit_once('-')?;
    if n.is_empty() || n.len() > 9 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

impl ShardingConfig {
    /// This replica's ordinal: `ordinal` when set, else `$DBINTEL_SHARD_ORDINAL`, else the trailing
    /// `-N` of `$POD_NAME`, else of the host name. An error (one line, naming the fix) when none
    /// gives one, or when the one found is not below `replicas`.
    pub fn resolve_ordinal(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
        hostname: Option<&str>,
    ) -> Result<(u32, OrdinalSource), String> {
        let (ordinal, source) = if let Some(o) = self.ordinal {
            (o, OrdinalSource::Config)
        } else if let Some(v) = env(SHARD_ORDINAL_ENV).filter(|v| !v.trim().is_empty()) {
            match v.trim().parse::<u32>() {
                Ok(o) => (o, OrdinalSource::Env),
                Err(_) => {
                    return Err(format!(
                        "service.sharding.ordinal: ${SHARD_ORDINAL_ENV} is `{}`, not a replica number (0 to {})",
                        v.trim().chars().take(32).collect::<String>(),
                        self.replicas.saturating_sub(1)
                    ));
                }
            }
        } else if let Some((o, pod)) =
            env(POD_NAME_ENV).and_then(|p| trailing_ordinal(&p).map(|o| (o, p.trim().to_string())))
        {
            (o, OrdinalSource::PodName(pod))
        } else if let Some((o, host)) =
            hostname.and_then(|h| trailing_ordinal(h).map(|o| (o, h.trim().to_string())))
        {
            (o, OrdinalSource::Hostname(host))
        } else {
            return Err(format!(
                "service.sharding.ordinal: which of the {} replicas this is is not known: set `service.sharding.ordinal`, or ${SHARD_ORDINAL_ENV}, or run as a StatefulSet pod whose name ends in -N (${POD_NAME_ENV} or the host name, e.g. `dbintel-2` is replica 2)",
                self.replicas
            ));
        };
        if ordinal >= self.replicas {
            return Err(format!(
                "service.sharding.ordinal: {ordinal} (from {source}) is not below replicas ({}): ordinals run from 0 to {}",
                self.replicas,
                self.replicas.saturating_sub(1)
            ));
        }
        Ok((ordinal, source))
    }
}

/// One pipeline: receivers fan in, processors run in order, exporters fan out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pipeline {
    pub receivers: Vec<ComponentId>,
    pub processors: Vec<ComponentId>,
    pub exporters: Vec<ComponentId>,
}

/// `service.telemetry`: the collector's own logs and metrics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Telemetry {
    pub logs: LogsTelemetry,
    pub metrics: MetricsTelemetry,
    /// `service.telemetry.resource`: attributes of the resource the OTLP readers send (`None` removes
    /// a default attribute: `service.name`, `service.version`, `service.instance.id`).
    pub resource: Vec<(String, Option<String>)>,
}

/// `service.telemetry.logs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsTelemetry {
    pub level: LogLevel,
    pub encoding: LogEncoding,
    /// zap's development mode; accepted, no effect (`validate` warns when true).
    pub development: bool,
    /// Leave out the source location (file and line) of each line.
    pub disable_caller: bool,
    /// Accepted; dbintel writes no stack traces.
    pub disable_stacktrace: bool,
    /// Where log lines go: `stderr`, `stdout`, file paths (appended to) or `file://` URLs.
    pub output_paths: Vec<String>,
    /// Where the logger's own failures (a log file that cannot be written) go.
    pub error_output_paths: Vec<String>,
    /// Fields written on every line, in order.
    pub initial_fields: Vec<(String, String)>,
    /// Per-message sampling (zap's); `None` logs every line.
    pub sampling: Option<LogSampling>,
}

impl Default for LogsTelemetry {
    fn default() -> Self {
        Self {
            level: LogLevel::default(),
            encoding: LogEncoding::default(),
            development: false,
            disable_caller: false,
            disable_stacktrace: false,
            output_paths: vec!["stderr".to_string()],
            error_output_paths: vec!["stderr".to_string()],
            initial_fields: Vec::new(),
            sampling: Some(LogSampling::default()),
        }
    }
}

/// zap's sampler: per `tick`, the first `initial` lines with the same level and message, then every
/// `thereafter`-th (0: none after the first `initial`). The Collector's defaults: 10s, 10, 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogSampling {
    pub tick: Duration,
    pub initial: u32,
    pub thereafter: u32,
}

impl Default for LogSampling {
    fn default() -> Self {
        Self { tick: Duration::from_secs(10), initial: 10, thereafter: 100 }
    }
}

/// `service.telemetry.metrics`.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsTelemetry {
    pub level: MetricsLevel,
    /// `host:port` of the first pull reader (the self-metrics Prometheus endpoint); the default
    /// reader's when no readers are configured. Only served when `readers` has a `Pull`.
    pub address: String,
    /// The readers: the default is one pull reader at `127.0.0.1:8888`.
    pub readers: Vec<MetricReader>,
}

impl Default for MetricsTelemetry {
    fn default() -> Self {
        Self {
            level: MetricsLevel::default(),
            address: DEFAULT_METRICS_ADDRESS.to_string(),
            readers: vec![MetricReader::Pull {
                address: DEFAULT_METRICS_ADDRESS.to_string(),
                resource_constant_labels: None,
            }],
        }
    }
}

impl MetricsTelemetry {
    /// The addresses of the pull readers (Prometheus endpoints), in order.
    pub fn pull_addresses(&self) -> impl Iterator<Item = &str> {
        self.readers.iter().filter_map(|r| match r {
            MetricReader::Pull { address, .. } => Some(address.as_str()),
            MetricReader::Periodic(_) => None,
        })
    }
    /// The periodic (OTLP push) readers, in order.
    pub fn periodic(&self) -> impl Iterator<Item = &PeriodicReader> {
        self.readers.iter().filter_map(|r| match r {
            MetricReader::Periodic(p) => Some(p),
            MetricReader::Pull { .. } => None,
        })
    }
}

/// One of `service.telemetry.metrics.readers`.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricReader {
    /// `pull.exporter.prometheus`: served as Prometheus text at `host:port`/metrics.
    Pull {
        address: String,
        /// `with_resource_constant_labels`: the resource attributes added to every series (none
        /// when unset, as the Collector's default).
        resource_constant_labels: Option<AttributeFilter>,
    },
    /// `periodic.exporter.otlp`: pushed over OTLP.
    Periodic(PeriodicReader),
}

/// otelconf's `IncludeExclude` over attribute names: a name is chosen when `included` names it
/// (or is empty) and `excluded` does not; `*` in a pattern matches any text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttributeFilter {
    pub included: Vec<String>,
    pub excluded: Vec<String>,
}

impl AttributeFilter {
    /// Whether attribute `name` is chosen.
    pub fn matches(&self, name: &str) -> bool {
        let any = |patterns: &[String]| patterns.iter().any(|p| glob(p, name));
        (self.included.is_empty() || any(&self.included)) && !any(&self.excluded)
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(mut tail) = text.strip_prefix(head) else { return false };
            if rest.is_empty() {
                return true;
            }
            loop {
                if glob(rest, tail) {
                    return true;
                }
                let mut chars = tail.chars();
                if chars.next().is_none() {
                    return false;
                }
                tail = chars.as_str();
            }
        }
    }
}

/// The OTLP protocol of a periodic reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtlpProtocol {
    HttpProtobuf,
    HttpJson,
    Grpc,
}

/// `periodic`: every `interval`, a snapshot of the self-metrics is pushed by an exporter built from
/// `exporter_config` (the reader's OTLP keys as the section of dbintel's `otlp` or `otlphttp`
/// exporter, already validated by that exporter's factory).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodicReader {
    pub interval: Duration,
    /// How long one push may take (its retries included).
    pub timeout: Duration,
    pub protocol: OtlpProtocol,
    /// `otlp` (gRPC) or `otlphttp`.
    pub exporter_type: &'static str,
    pub exporter_config: serde_json::Value,
    /// The config key path of the reader's exporter, for messages.
    pub path: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum LogLevel {
    Debug,
    #[default]
    Info,
    Warn,
    Error,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogEncoding {
    /// Human-readable lines (`console`, also spelled `text`).
    #[default]
    Console,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum MetricsLevel {
    None,
    Basic,
    #[default]
    Normal,
    Detailed,
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which pipelines use which components: what the runtime needs to build the graph.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UsedComponents {
    /// Each used receiver and the pipelines it feeds (one instance fans out to all of them).
    pub receivers: BTreeMap<ComponentId, Vec<PipelineId>>,
    /// Each pipeline's processors in order (processors are built per pipeline).
    pub processors: BTreeMap<PipelineId, Vec<ComponentId>>,
    /// Each used exporter and the pipelines that feed it (one instance for all of them).
    pub exporters: BTreeMap<ComponentId, Vec<PipelineId>>,
}

impl ServiceConfig {
    /// Receivers, processors and exporters as the pipelines use them.
    pub fn used_components(&self) -> UsedComponents {
        let mut used = UsedComponents::default();
        for (pid, p) in &self.service.pipelines {
            for r in &p.receivers {
                used.receivers.entry(r.clone()).or_default().push(pid.clone());
            }
            used.processors.insert(pid.clone(), p.processors.clone());
            for e in &p.exporters {
                used.exporters.entry(e.clone()).or_default().push(pid.clone());
            }
        }
        used
    }

    /// The pipelines a receiver feeds (empty if unused).
    pub fn pipelines_fed_by(&self, receiver: &ComponentId) -> Vec<&PipelineId> {
        self.service
            .pipelines
            .iter()
            .filter(|(_, p)| p.receivers.contains(receiver))
            .map(|(id, _)| id)
            .collect()
    }

    /// The config section of a component.
    pub fn component(&self, kind: ComponentKind, id: &ComponentId) -> Option<&serde_json::Value> {
        match kind {
            ComponentKind::Receiver => self.receivers.get(id),
            ComponentKind::Processor => self.processors.get(id),
            ComponentKind::Exporter => self.exporters.get(id),
            ComponentKind::Extension => self.extensions.get(id),
        }
    }

    /// The source (file name) that defined a component, for runtime messages.
    pub fn source_of(&self, kind: ComponentKind, id: &ComponentId) -> Option<&str> {
        self.sources.get(&(kind, id.clone())).map(String::as_str)
    }
}
