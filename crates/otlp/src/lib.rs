//! dbintel-otlp: the wire formats of dbintel, used at the edge of the process (exporters and the
//! self-telemetry endpoint; the core knows none of them).
//!
//! - [`to_proto_traces`] / [`from_proto_traces`] (`traces.rs`): spans to and from the prost messages,
//!   every field kept (dbintel passes traces through).
//! - [`to_proto_metrics`] / [`to_proto_logs`]: prost messages from `opentelemetry-proto`, ready for
//!   OTLP/gRPC or OTLP/HTTP protobuf.
//! - [`write_metrics_request_json`] / [`write_logs_request_json`]: OTLP-JSON (the protobuf JSON
//!   mapping with OTLP's hex trace and span ids) of those prost messages, one object per batch, as the
//!   collector's file exporter writes it and OTLP/HTTP `http/json` sends it. The one OTLP-JSON encoder
//!   of dbintel; [`metrics_to_json`] / [`logs_to_json`] convert a batch and use it.
//! - [`decode`]: the way back, OTLP requests (protobuf or OTLP-JSON) to the data model, for the
//!   `otlp` receiver; what the data model cannot hold is refused per item, for partial success.
//! - [`prometheus`]: the Prometheus text format and OpenMetrics, rendered from a neutral family/sample
//!   model; the one Prometheus renderer (the `prometheus` exporter and self-telemetry).

pub mod decode;
#[doc(hidden)]
pub mod fixtures;
pub mod json;
pub mod json_doubles;
pub mod prometheus;
pub mod proto;
pub mod rpc;
pub mod trace_proto;
pub mod traces;

pub use json::{
    logs_to_json, metrics_to_json, traces_to_json, write_logs_json, write_logs_request_json,
    write_metrics_json, write_metrics_request_json, write_traces_json, write_traces_request_json,
};
pub use opentelemetry_proto;
pub use proto::{any_value, key_values, to_proto_logs, to_proto_metrics};
pub use traces::{from_proto_traces, to_proto_traces};
