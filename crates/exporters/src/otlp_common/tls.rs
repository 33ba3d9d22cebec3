//! The `tls` block of `otlp` and `otlphttp`: dbintel's one TLS config type ([`dbintel_tls`]), with
//! the Collector's defaults for exporters (certificates verified unless `insecure_skip_verify`).

use dbintel_core::ConfigProblem;

pub use dbintel_tls::{TlsClientConfig as TlsConfig, TlsError, Verification};

/// Problems of a `tls` block found without touching the file system, as config problems.
pub fn problems(tls: &TlsConfig) -> Vec<ConfigProblem> {
    tls.problems().into_iter().map(|p| ConfigProblem::new(p.path, p.message)).collect()
}

/// Builds the rustls config; `alpn` lists the protocols to offer (`h2` for gRPC).
pub fn client_config(tls: &TlsConfig, alpn: &[&[u8]]) -> Result<rustls::ClientConfig, TlsError> {
    tls.client_config(tls.verification(false), alpn)
}
