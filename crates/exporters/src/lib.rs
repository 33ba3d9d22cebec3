//! dbintel-exporters: the `file` exporter (OTLP-JSON lines with size-based rotation) and the `debug`
//! exporter (console). One module per exporter with its config, logic and tests.

use std::sync::Arc;

use dbintel_core::Factory;

pub mod debug;
pub mod exporterhelper;
pub mod file;
pub mod otlp;
pub mod otlp_common;
pub mod otlphttp;
pub mod prometheus;

pub use debug::{DebugConfig, DebugExporter, DebugExporterFactory, Verbosity};
pub use file::{FileConfig, FileExporter, FileExporterFactory, RotationConfig, RotationPolicy};
pub use otlp::{OtlpGrpcConfig, OtlpGrpcExporterFactory};
pub use otlphttp::{OtlpHttpConfig, OtlpHttpExporterFactory};

/// Factories of every exporter in this crate, for the component registry.
pub fn factories() -> Vec<Arc<dyn Factory>> {
    vec![
        Arc::new(FileExporterFactory),
        Arc::new(DebugExporterFactory),
        Arc::new(OtlpGrpcExporterFactory),
        Arc::new(OtlpHttpExporterFactory),
        Arc::new(prometheus::PrometheusExporterFactory),
    ]
}
