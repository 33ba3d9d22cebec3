//! `google.rpc.Status` and `google.rpc.RetryInfo` from gRPC status details and OTLP/HTTP error
//! bodies: the shared messages of `dbintel_otlp::rpc`.

pub use dbintel_otlp::rpc::*;
