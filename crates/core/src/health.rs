//! Component status, reported by components and read by the health_check extension.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::ids::{ComponentId, ComponentKind};
use crate::pdata::now_unix_nanos;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Starting,
    /// Running normally.
    Ok,
    /// Running, but the last operation failed (e.g. the database is unreachable); it will retry.
    RecoverableError(String),
    /// Stopped working because of an error it cannot recover from.
    PermanentError(String),
    Stopping,
    Stopped,
}

impl Status {
    pub fn name(&self) -> &'static str {
        match self {
            Status::Starting => "starting",
            Status::Ok => "ok",
            Status::RecoverableError(_) => "recoverable_error",
            Status::PermanentError(_) => "permanent_error",
            Status::Stopping => "stopping",
            Status::Stopped => "stopped",
        }
    }
    /// Whether the component is up and doing its job (possibly retrying).
    pub fn is_running(&self) -> bool {
        matches!(self, Status::Ok | Status::RecoverableError(_))
    }
    pub fn error(&self) -> Option<&str> {
        match self {
            Status::RecoverableError(e) | Status::PermanentError(e) => Some(e),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ComponentStatus {
    pub kind: ComponentKind,
    pub id: ComponentId,
    pub status: Status,
    /// When the status last changed, in Unix nanoseconds.
    pub since_unix_nano: u64,
}

type Key = (ComponentKind, ComponentId);

/// Rewrites an error message before it is stored (the binary hides placeholder values with it).
pub type Scrubber = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// Shared table of every component's status.
#[derive(Clone, Default)]
pub struct HealthRegistry {
    inner: Arc<Mutex<BTreeMap<Key, ComponentStatus>>>,
    scrub: Option<Scrubber>,
    topology: Arc<Mutex<Vec<PipelineTopology>>>,
    sharding: Arc<Mutex<Option<ShardingStatus>>>,
}

/// This replica's share of the targets when `service.sharding` is configured, for health pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardingStatus {
    pub replicas: u32,
    pub ordinal: u32,
    /// The targets this replica owns (`sqlquery/orders`, `postgresql/fleet[app]`), sorted.
    pub owned: Vec<String>,
}

/// One pipeline as configured: what feeds it, its processors in order and where it sends. The
/// runtime records the wiring here before it starts the extensions, for pages that show it (zpages).
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineTopology {
    pub id: crate::ids::PipelineId,
    pub receivers: Vec<ComponentId>,
    /// In configured order, each with whether it mutates data.
    pub processors: Vec<(ComponentId, bool)>,
    pub exporters: Vec<ComponentId>,
}

impl HealthRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// A registry whose error messages go through `scrub` before anyone (health endpoints) sees them.
    pub fn with_scrubber(scrub: Scrubber) -> Self {
        Self { inner: Arc::default(), scrub: Some(scrub), topology: Arc::default(), sharding: Arc::default() }
    }

    /// Registers a component as starting and returns the handle it reports through.
    pub fn register(&self, kind: ComponentKind, id: ComponentId) -> HealthHandle {
        let handle = HealthHandle { registry: self.clone(), key: (kind, id) };
        handle.set(Status::Starting);
        handle
    }

    pub fn snapshot(&self) -> Vec<ComponentStatus> {
        match self.inner.lock() {
            Ok(map) => map.values().cloned().collect(),
            Err(poisoned) => poisoned.into_inner().values().cloned().collect(),
        }
    }

    /// Records the service's pipelines (the runtime does, before extensions start).
    pub fn set_topology(&self, pipelines: Vec<PipelineTopology>) {
        match self.topology.lock() {
            Ok(mut t) => *t = pipelines,
            Err(poisoned) => *poisoned.into_inner() = pipelines,
        }
    }

    /// The pipelines recorded by [`HealthRegistry::set_topology`] (empty before the service starts).
    pub fn topology(&self) -> Vec<PipelineTopology> {
        match self.topology.lock() {
            Ok(t) => t.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Records this replica's share of the targets (the binary does, when sharding is configured).
    pub fn set_sharding(&self, status: ShardingStatus) {
        match self.sharding.lock() {
            Ok(mut s) => *s = Some(status),
            Err(poisoned) => *poisoned.into_inner() = Some(status),
        }
    }

    /// What [`HealthRegistry::set_sharding`] recorded; `None` when the service is not sharded.
    pub fn sharding(&self) -> Option<ShardingStatus> {
        match self.sharding.lock() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// True when every registered component is running.
    pub fn all_running(&self) -> bool {
        let snap = self.snapshot();
        !snap.is_empty() && snap.iter().all(|c| c.status.is_running())
    }

    fn set(&self, key: &Key, status: Status) {
        let status = match (&self.scrub, status) {
            (Some(f), Status::RecoverableError(e)) => Status::RecoverableError(f(&e)),
            (Some(f), Status::PermanentError(e)) => Status::PermanentError(f(&e)),
            (_, s) => s,
        };
        let mut map = match self.inner.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let entry = map.entry(key.clone()).or_insert_with(|| ComponentStatus {
            kind: key.0,
            id: key.1.clone(),
            status: Status::Starting,
            since_unix_nano: now_unix_nanos(),
        });
        if entry.status != status {
            entry.status = status;
            entry.since_unix_nano = now_unix_nanos();
        }
    }
}

/// A component's handle to report its own status.
#[derive(Clone)]
pub struct HealthHandle {
    registry: HealthRegistry,
    key: Key,
}

impl HealthHandle {
    pub fn set(&self, status: Status) {
        self.registry.set(&self.key, status);
    }
    pub fn ok(&self) {
        self.set(Status::Ok);
    }
    pub fn recoverable(&self, error: impl Into<String>) {
        self.set(Status::RecoverableError(error.into()));
    }
    pub fn permanent(&self, error: impl Into<String>) {
        self.set(Status::PermanentError(error.into()));
    }
    pub fn id(&self) -> &ComponentId {
        &self.key.1
    }
    pub fn kind(&self) -> ComponentKind {
        self.key.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_are_scrubbed() {
        let reg = HealthRegistry::with_scrubber(Arc::new(|m: &str| m.replace("s3cret", "<hidden>")));
        let h = reg.register(ComponentKind::Receiver, "postgresql".parse().unwrap());
        h.recoverable("cannot connect to s3cret:5432");
        assert_eq!(reg.snapshot()[0].status.error(), Some("cannot connect to <hidden>:5432"));
        h.permanent("s3cret");
        assert_eq!(reg.snapshot()[0].status.error(), Some("<hidden>"));
    }

    #[test]
    fn all_running_needs_every_component_up() {
        let reg = HealthRegistry::new();
        let a = reg.register(ComponentKind::Receiver, "sqlquery".parse().unwrap());
        let b = reg.register(ComponentKind::Exporter, "file".parse().unwrap());
        assert!(!reg.all_running());
        a.ok();
        b.recoverable("disk full");
        assert!(reg.all_running());
        b.permanent("gone");
        assert!(!reg.all_running());
        assert_eq!(reg.snapshot().len(), 2);
    }
}
