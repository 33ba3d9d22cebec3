//! TLS for every dbintel client component (database receivers, OTLP exporters, later the OTLP
//! receiver's peers): one `tls` config section with the Collector's `configtls` keys
//! ([`TlsClientConfig`]), built into a rustls `ClientConfig` with the ring provider (no C/cmake
//! build), one choice of trust roots ([`default_roots`]: the system store, else the bundled Mozilla
//! roots), PEM files and inline PEM with errors that name the key and path (never the content), and
//! the verifiers behind `insecure_skip_verify` and libpq's `verify-ca`.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;

mod config;
mod pem;
mod roots;
mod verify;

pub use config::{TlsClientConfig, TlsError, TlsProblem, Verification};
pub use pem::{PemError, parse_certs, parse_private_key, read_certs, read_private_key};
pub use roots::{RootsSource, default_root_certs, default_roots};
pub use verify::{chain_only, no_verify};

/// The crypto provider every dbintel TLS connection uses.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Installs ring as the process-wide rustls provider, for drivers that build their own rustls
/// config with `ClientConfig::builder()` (mysql_async). Idempotent; another provider installed
/// first stays.
pub fn install_process_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
