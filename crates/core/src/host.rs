//! The host: what components get besides their config. It resolves extensions to the objects they
//! provide (e.g. `file_storage` -> its storage settings) and keeps one shared value per component
//! ID for the whole service, so a processor listed in several pipelines (built once per pipeline)
//! shares one state: one `memory_limiter` budget, one breaker registry, as in the Collector.
//!
//! One `Host` serves one service: the builder registers what extensions provide before it builds
//! the other components, and every `CreateContext` carries a clone (clones share everything).

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::admission::AdmissionRegistry;
use crate::breaker::BreakerRegistry;
use crate::ids::ComponentId;

/// An object an extension provides to other components, type-erased.
pub type ExtensionObject = Arc<dyn Any + Send + Sync>;

/// Why [`Host::extension`] could not hand out an extension.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error("extension `{0}` is not defined, not enabled under service.extensions, or provides nothing")]
    NotFound(ComponentId),
    #[error("extension `{id}` does not provide {expected}")]
    WrongType { id: ComponentId, expected: &'static str },
}

#[derive(Default)]
struct Inner {
    extensions: Mutex<BTreeMap<ComponentId, ExtensionObject>>,
    /// One value per (component ID, type): keyed by type too, so two types asking for the same ID
    /// cannot see each other's value (and nothing has to fail on a type mismatch).
    shared: Mutex<HashMap<(ComponentId, TypeId), ExtensionObject>>,
    admission: AdmissionRegistry,
    breakers: OnceLock<BreakerRegistry>,
    sharding: OnceLock<crate::sharding::Sharding>,
}

/// Handles shared by every component of one service. Cheap to clone.
#[derive(Clone, Default)]
pub struct Host {
    inner: Arc<Inner>,
}

impl Host {
    pub fn new() -> Self {
        Self::default()
    }

    /// Where processors, exporters and the runtime tell receivers whether they may collect
    /// (`admission().set(setter, scope, admit)`); receivers read it through their `ReceiverOutput`.
    pub fn admission(&self) -> &AdmissionRegistry {
        &self.inner.admission
    }

    /// The circuit breakers of the monitored databases: receivers report outcomes and read what to
    /// shed, the `circuit_breaker` processor configures them; they vote through [`Host::admission`].
    pub fn breakers(&self) -> &BreakerRegistry {
        self.inner.breakers.get_or_init(|| BreakerRegistry::new(self.inner.admission.clone()))
    }

    /// Registers what extension `id` provides (done by the service builder, and by tests).
    pub fn add_extension(&self, id: ComponentId, object: ExtensionObject) {
        self.inner.extensions.lock().unwrap_or_else(PoisonError::into_inner).insert(id, object);
    }

    /// The object extension `id` provides, as `T`.
    pub fn extension<T: Any + Send + Sync>(&self, id: &ComponentId) -> Result<Arc<T>, HostError> {
        let object = self
            .inner
            .extensions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
            .ok_or_else(|| HostError::NotFound(id.clone()))?;
        object
            .downcast::<T>()
            .map_err(|_| HostError::WrongType { id: id.clone(), expected: std::any::type_name::<T>() })
    }

    /// Sets this replica's place when `service.sharding` is configured (the service builder does,
    /// before it builds receivers); the first call wins.
    pub fn set_sharding(&self, sharding: crate::sharding::Sharding) {
        let _ = self.inner.sharding.set(sharding);
    }

    /// This replica's place among the replicas sharing the targets; `None`: not sharded (this
    /// process owns every target). A receiver that lists databases asks it which of them it owns.
    pub fn sharding(&self) -> Option<crate::sharding::Sharding> {
        self.inner.sharding.get().copied()
    }

    /// The one value of type `T` for component `id` in this service, created by `init` on first use.
    /// Every pipeline's instance of a processor gets the same `Arc`.
    pub fn shared<T: Any + Send + Sync>(&self, id: &ComponentId, init: impl FnOnce() -> T) -> Arc<T> {
        let mut shared = self.inner.shared.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (id.clone(), TypeId::of::<T>());
        // The key holds T's TypeId, so the downcast succeeds whenever the entry exists.
        if let Some(value) = shared.get(&key).and_then(|v| v.clone().downcast::<T>().ok()) {
            return value;
        }
        let value = Arc::new(init());
        shared.insert(key, value.clone());
        value
    }
}

/// How the process asks its allocator to hand free memory back to the system (the memory limiter
/// calls it above its limits). The binary sets it once for the allocator it installs; a library or
/// test process without one gets `false` ("nothing to ask").
static ALLOCATOR_RELEASE: std::sync::OnceLock<fn() -> bool> = std::sync::OnceLock::new();

/// Sets the allocator's release function; the first call wins.
pub fn set_allocator_release(release: fn() -> bool) {
    let _ = ALLOCATOR_RELEASE.set(release);
}

/// Asks the allocator to return free memory; `false` when no release function is set.
pub fn release_allocator_memory() -> bool {
    ALLOCATOR_RELEASE.get().is_some_and(|release| release())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn id(s: &str) -> ComponentId {
        s.parse().unwrap()
    }

    #[test]
    fn shared_state_is_one_value_per_component_id() {
        let host = Host::new();
        let a = host.shared(&id("memory_limiter"), || AtomicU64::new(0));
        let b = host.clone().shared(&id("memory_limiter"), || AtomicU64::new(99));
        assert!(Arc::ptr_eq(&a, &b));
        a.fetch_add(5, Ordering::Relaxed);
        assert_eq!(b.load(Ordering::Relaxed), 5);
        let other = host.shared(&id("memory_limiter/other"), || AtomicU64::new(7));
        assert_eq!(other.load(Ordering::Relaxed), 7);
        // Another type under the same ID is another value, not a failure.
        let s = host.shared(&id("memory_limiter"), || String::from("x"));
        assert_eq!(*s, "x");
    }

    #[test]
    fn extensions_resolve_to_their_typed_object() {
        let host = Host::new();
        host.add_extension(id("file_storage/q"), Arc::new(String::from("/var/lib/q")));
        assert_eq!(*host.extension::<String>(&id("file_storage/q")).unwrap(), "/var/lib/q");
        assert_eq!(
            host.extension::<String>(&id("file_storage/x")),
            Err(HostError::NotFound(id("file_storage/x")))
        );
        assert!(matches!(host.extension::<u32>(&id("file_storage/q")), Err(HostError::WrongType { .. })));
    }
}
