//! The OTLP trace messages (`opentelemetry.proto.trace.v1`) and the `TraceService` export request and
//! response (`opentelemetry.proto.collector.trace.v1`): opentelemetry-proto's, under one path so the
//! conversion, the exporters and the receiver name them the same way.

pub use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
pub use opentelemetry_proto::tonic::trace::v1::*;
