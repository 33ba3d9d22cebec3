//! TLS for PostgreSQL connections with rustls (ring provider): `prefer`/`require` without
//! certificate checks, `verify-full` against `ca_file` or the web PKI roots, optional client
//! certificates.

use rustls::{ClientConfig, RootCertStore};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::config::TlsMode;
use dbintel_tls::{no_verify, provider, read_certs, read_private_key};

/// Builds the connector for a TLS mode (`None` for `Disable`). Errors name the file, never its content.
pub fn connector(mode: &TlsMode) -> Result<Option<MakeRustlsConnect>, String> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?;
    let (builder, client_cert) = match mode {
        TlsMode::Disable => return Ok(None),
        TlsMode::Prefer => {
            (builder.dangerous().with_custom_certificate_verifier(no_verify(&provider())), None)
        }
        TlsMode::Require { client_cert } => (
            builder.dangerous().with_custom_certificate_verifier(no_verify(&provider())),
            client_cert.as_ref(),
        ),
        TlsMode::VerifyFull { ca_file, client_cert } => {
            let mut roots = RootCertStore::empty();
            match ca_file {
                Some(path) => {
                    for cert in read_certs("ca_file", path).map_err(|e| e.to_string())? {
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
            let certs = read_certs("cert_file", cert).map_err(|e| e.to_string())?;
            let key = read_private_key("key_file", key).map_err(|e| e.to_string())?;
            builder.with_client_auth_cert(certs, key).map_err(|e| format!("tls.cert_file/key_file: {e}"))?
        }
    };
    Ok(Some(MakeRustlsConnect::new(config)))
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
