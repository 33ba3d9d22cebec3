//! dbintel extensions and the self-telemetry endpoint. Each lives in its own folder.

use std::sync::Arc;

use dbintel_core::Factory;

pub mod file_storage;
pub mod health_check;
pub mod http_server;
pub mod memory_ballast;
pub mod pprof;
pub mod process_metrics;
pub mod telemetry_server;
pub mod zpages;

/// Factories of every extension in this crate.
pub fn factories() -> Vec<Arc<dyn Factory>> {
    vec![
        Arc::new(health_check::HealthCheckFactory),
        Arc::new(file_storage::FileStorageFactory),
        Arc::new(memory_ballast::MemoryBallastFactory),
        Arc::new(zpages::ZPagesFactory),
        Arc::new(pprof::PprofFactory),
    ]
}
