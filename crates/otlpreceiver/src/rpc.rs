//! `google.rpc.Status` with `RetryInfo`: the shared messages of `dbintel_otlp::rpc`.

pub use dbintel_otlp::rpc::*;
