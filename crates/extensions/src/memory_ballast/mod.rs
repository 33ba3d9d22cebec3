//! `memory_ballast`: the Collector's deprecated extension (removed in v0.98.0), accepted so old configs
//! load; it does nothing. A Go heap ballast only steered Go's garbage collector; dbintel has none, and
//! the `memory_limiter` processor bounds memory. `validate` warns with the migration advice.

use async_trait::async_trait;
use dbintel_core::{
    Built, ComponentError, ComponentInfo, ComponentKind, ConfigProblem, CreateContext, Extension,
    ExtensionContext, Stability, TypedFactory,
};
use schemars::JsonSchema;
use serde::Deserialize;

/// Config of the `memory_ballast` extension: every key is accepted and ignored.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoryBallastConfig {
    /// Ballast size in MiB (contrib key); accepted and ignored.
    #[serde(default)]
    pub size_mib: Option<u64>,
    /// Ballast size as a percentage of the memory limit (contrib key); accepted and ignored.
    #[serde(default)]
    pub size_in_percentage: Option<u64>,
}

/// The no-op extension: ready at once, stops with the service.
struct MemoryBallast;

#[async_trait]
impl Extension for MemoryBallast {
    async fn run(self: Box<Self>, mut ctx: ExtensionContext) -> Result<(), ComponentError> {
        if let Some(ready) = ctx.ready.take() {
            let _ = ready.send(Ok(()));
        }
        ctx.shutdown.cancelled().await;
        Ok(())
    }
}

/// Factory of the `memory_ballast` extension.
pub struct MemoryBallastFactory;

impl TypedFactory for MemoryBallastFactory {
    type Config = MemoryBallastConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Extension,
        type_name: "memory_ballast",
        aliases: &[],
        signals: &[],
        stability: Stability::Development,
        description: "Deprecated in the Collector; accepted so old configs load, does nothing (use memory_limiter).",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "size_mib",
            "dbintel has no garbage-collected heap to ballast; the memory_limiter processor bounds memory",
        ),
        (
            "size_in_percentage",
            "dbintel has no garbage-collected heap to ballast; the memory_limiter processor bounds memory",
        ),
    ];

    fn check(&self, config: &MemoryBallastConfig) -> Vec<ConfigProblem> {
        match config.size_in_percentage {
            Some(p) if p > 100 => vec![ConfigProblem::new("size_in_percentage", "must be 0-100")],
            _ => Vec::new(),
        }
    }

    fn build(&self, _ctx: &CreateContext, _config: MemoryBallastConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Extension(Box::new(MemoryBallast)))
    }
}

#[cfg(test)]
mod tests {
    use dbintel_core::Factory;
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_are_accepted_and_reported_as_ignored() {
        let f = MemoryBallastFactory;
        assert!(Factory::validate(&f, &json!({"size_mib": 683})).is_ok());
        let ignored = Factory::ignored_keys(&f, &json!({"size_mib": 683}));
        assert_eq!(ignored.len(), 1);
        assert_eq!(ignored[0].path, "size_mib");
        assert!(Factory::validate(&f, &json!({"size_in_percentage": 150})).is_err());
        assert!(Factory::validate(&f, &json!({"size_gib": 1})).is_err());
    }
}
