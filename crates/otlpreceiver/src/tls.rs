//! Server TLS: a rustls `ServerConfig` (ring provider) from a `tls` section; `client_ca_file` makes
//! it mutual TLS (a client certificate chaining to that CA is required).

use std::sync::Arc;

use dbintel_tls::{PemError, parse_certs, parse_private_key, provider, read_certs, read_private_key};
use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;

use crate::config::TlsServerConfig;

#[derive(Debug, thiserror::Error)]
pub enum ServerTlsError {
    #[error(transparent)]
    Pem(#[from] PemError),
    #[error("tls: {0}")]
    Rustls(String),
    #[error("tls.client_ca_file: {0}")]
    ClientCa(String),
}

/// ALPN protocols offered: HTTP/2 first (gRPC needs it), then HTTP/1.1.
pub fn server_config(cfg: &TlsServerConfig, alpn: &[&[u8]]) -> Result<Arc<ServerConfig>, ServerTlsError> {
    let certs = match (&cfg.cert_file, &cfg.cert_pem) {
        (Some(path), _) => read_certs("cert_file", path)?,
        (None, Some(pem)) => parse_certs("cert_pem", pem)?,
        (None, None) => {
            return Err(ServerTlsError::Rustls("no certificate (`cert_file` or `cert_pem`)".into()));
        }
    };
    let key = match (&cfg.key_file, &cfg.key_pem) {
        (Some(path), _) => read_private_key("key_file", path)?,
        (None, Some(pem)) => parse_private_key("key_pem", pem)?,
        (None, None) => {
            return Err(ServerTlsError::Rustls("no private key (`key_file` or `key_pem`)".into()));
        }
    };
    let mut versions: Vec<&'static rustls::SupportedProtocolVersion> = Vec::new();
    let min13 = cfg.min_version.as_deref() == Some("1.3");
    let max12 = cfg.max_version.as_deref() == Some("1.2");
    if !min13 {
        versions.push(&rustls::version::TLS12);
    }
    if !max12 {
        versions.push(&rustls::version::TLS13);
    }
    let builder = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&versions)
        .map_err(|e| ServerTlsError::Rustls(e.to_string()))?;
    let builder = match &cfg.client_ca_file {
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in read_certs("client_ca_file", path)? {
                roots.add(cert).map_err(|e| ServerTlsError::ClientCa(e.to_string()))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|e| ServerTlsError::ClientCa(e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(certs, key)
        .map_err(|e| ServerTlsError::Rustls(format!("certificate and key: {e}")))?;
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(Arc::new(config))
}
