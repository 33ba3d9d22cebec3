//! rustls pieces shared by the postgresql receiver and the OTLP exporters: the ring crypto provider
//! (no C/cmake build), PEM certificate and key files with errors that name the config key and the
//! path (never the content), and the verifier behind `insecure_skip_verify`.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// A TLS file that cannot be used. Names the config key and the path, never the file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemError {
    #[error("tls.{key} `{path}`: {message}")]
    File { key: &'static str, path: String, message: String },
    #[error("tls.{key} `{path}`: no {what} found")]
    Empty { key: &'static str, path: String, what: &'static str },
}

/// The crypto provider every dbintel TLS connection uses.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Reads every PEM certificate of `path`; `key` is the config key it came from (`ca_file`, ...).
pub fn read_certs(key: &'static str, path: &Path) -> Result<Vec<CertificateDer<'static>>, PemError> {
    let file_err = |message: String| PemError::File { key, path: path.display().to_string(), message };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| file_err(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| file_err(e.to_string()))?;
    if certs.is_empty() {
        return Err(PemError::Empty { key, path: path.display().to_string(), what: "PEM certificate" });
    }
    Ok(certs)
}

/// Reads the first private key (PKCS#8, PKCS#1 or SEC1) of a PEM file.
pub fn read_private_key(key: &'static str, path: &Path) -> Result<PrivateKeyDer<'static>, PemError> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| PemError::File {
        key,
        path: path.display().to_string(),
        message: format!("no usable private key ({e})"),
    })
}

/// The verifier for `insecure_skip_verify` (and libpq's `require`): accepts any server
/// certificate but still checks the handshake signatures.
pub fn no_verify(provider: &CryptoProvider) -> Arc<dyn ServerCertVerifier> {
    Arc::new(NoVerify(provider.signature_verification_algorithms))
}

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
    fn errors_name_the_key_and_path_but_not_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let e = read_certs("ca_file", &missing).unwrap_err();
        assert!(e.to_string().starts_with("tls.ca_file `") && e.to_string().contains("missing.pem"), "{e}");
        let garbage = dir.path().join("garbage.pem");
        std::fs::write(&garbage, "super-secret-not-a-certificate").unwrap();
        let e = read_certs("cert_file", &garbage).unwrap_err();
        assert!(matches!(e, PemError::Empty { key: "cert_file", .. }), "{e}");
        let e = read_private_key("key_file", &garbage).unwrap_err();
        assert!(!e.to_string().contains("super-secret"), "{e}");
    }

    #[test]
    fn the_provider_has_signature_algorithms_for_the_verifier() {
        let p = provider();
        assert!(!no_verify(&p).supported_verify_schemes().is_empty());
    }
}
