//! TLS for PostgreSQL connections with rustls (ring provider): `prefer`/`require` without
//! certificate checks, `verify-full` against `ca_file` or the web PKI roots, optional client
//! certificates.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::config::TlsMode;

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds the connector for a TLS mode (`None` for `Disable`). Errors name the file, never its content.
pub fn connector(mode: &TlsMode) -> Result<Option<MakeRustlsConnect>, String> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?;
    let (builder, client_cert) = match mode {
        TlsMode::Disable => return Ok(None),
        TlsMode::Prefer => (builder.dangerous().with_custom_certificate_verifier(no_verify()), None),
        TlsMode::Require { client_cert } => {
            (builder.dangerous().with_custom_certificate_verifier(no_verify()), client_cert.as_ref())
        }
        TlsMode::VerifyFull { ca_file, client_cert } => {
            let mut roots = RootCertStore::empty();
            match ca_file {
                Some(path) => {
                    for cert in read_certs(path)? {
                        roots.add(cert).map_err(|e| format!("tls.ca_file {}: {e}", path.display()))?;
                    }
                }
                None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
            }
            (builder.with_root_certificates(roots), client_cert.as_ref())
        }
    };
    let config = match client_cert {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let certs = read_certs(cert)?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("tls.key_file {}: no usable private key ({e})", key.display()))?;
            builder.with_client_auth_cert(certs, key).map_err(|e| format!("tls.cert_file/key_file: {e}"))?
        }
    };
    Ok(Some(MakeRustlsConnect::new(config)))
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: not a PEM certificate file ({e})", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate found", path.display()));
    }
    Ok(certs)
}

fn no_verify() -> Arc<NoVerify> {
    Arc::new(NoVerify(provider().signature_verification_algorithms))
}

/// Accepts any server certificate (libpq `sslmode=require`) but still checks handshake signatures.
#[derive(Debug)]
struct NoVerify(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_every_mode_and_names_missing_files() {
        assert!(connector(&TlsMode::Disable).unwrap().is_none());
        assert!(connector(&TlsMode::Prefer).unwrap().is_some());
        assert!(connector(&TlsMode::Require { client_cert: None }).unwrap().is_some());
        assert!(connector(&TlsMode::VerifyFull { ca_file: None, client_cert: None }).unwrap().is_some());
        let e = connector(&TlsMode::VerifyFull {
            ca_file: Some("/nonexistent/ca.pem".into()),
            client_cert: None,
        })
        .err()
        .unwrap();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }
}
