//! PEM certificates and keys, from files or inline text, with errors that name the config key and
//! the path (never the content).

use std::path::Path;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A TLS file that cannot be used. Names the config key and the path, never the file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemError {
    #[error("tls.{key} `{path}`: {message}")]
    File { key: &'static str, path: String, message: String },
    #[error("tls.{key} `{path}`: no {what} found")]
    Empty { key: &'static str, path: String, what: &'static str },
    /// Inline PEM text (`ca_pem`, `cert_pem`, `key_pem`) that cannot be used.
    #[error("tls.{key}: {message}")]
    Inline { key: &'static str, message: String },
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

/// Parses every PEM certificate of inline text (`ca_pem`, `cert_pem`).
pub fn parse_certs(key: &'static str, pem: &str) -> Result<Vec<CertificateDer<'static>>, PemError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| PemError::Inline { key, message: format!("not PEM certificates ({e})") })?;
    if certs.is_empty() {
        return Err(PemError::Inline {
            key,
            message: "no PEM certificate found (expected -----BEGIN CERTIFICATE-----)".into(),
        });
    }
    Ok(certs)
}

/// Parses the first private key of inline PEM text (`key_pem`).
pub fn parse_private_key(key: &'static str, pem: &str) -> Result<PrivateKeyDer<'static>, PemError> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| PemError::Inline { key, message: format!("no usable private key ({e})") })
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
    fn inline_pem_errors_never_echo_the_text() {
        let e = parse_certs("ca_pem", "super-secret-not-a-certificate").unwrap_err();
        assert!(e.to_string().starts_with("tls.ca_pem: "), "{e}");
        assert!(!e.to_string().contains("super-secret"), "{e}");
        let e = parse_private_key("key_pem", "super-secret-not-a-key").unwrap_err();
        assert!(!e.to_string().contains("super-secret"), "{e}");
    }
}
