//! The `tls` block shared by `otlp` and `otlphttp`, turned into a rustls client config (ring provider).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::Deserialize;

use dbintel_core::ConfigProblem;

/// `tls` block, as in the collector's `configtls.ClientConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// gRPC only: plaintext HTTP/2 (h2c) instead of TLS. For `otlphttp` the URL scheme decides.
    #[serde(default)]
    pub insecure: bool,
    /// Do not verify the server certificate (testing only: anyone can impersonate the server).
    #[serde(default)]
    pub insecure_skip_verify: bool,
    /// PEM file with the CA certificates to trust instead of the system roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate chain for mTLS (with `key_file`).
    #[serde(default)]
    pub cert_file: Option<PathBuf>,
    /// PEM private key of `cert_file`.
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// The name to check the server certificate against (and send as SNI) instead of the host.
    #[serde(default)]
    pub server_name_override: Option<String>,
    /// Lowest TLS version: `"1.2"` (default) or `"1.3"`.
    #[serde(default)]
    pub min_version: Option<String>,
    /// Accepted for compatibility with collector configs; only `"1.3"` or absent are meaningful.
    #[serde(default)]
    pub max_version: Option<String>,
}

/// Why a TLS client config cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("tls.{key}: cannot read `{path}`: {message}")]
    File { key: &'static str, path: String, message: String },
    #[error("tls.{key}: `{path}` holds no {what}")]
    Empty { key: &'static str, path: String, what: &'static str },
    #[error("tls: {0}")]
    Rustls(String),
    #[error("tls.server_name_override: `{0}` is not a valid DNS name or IP address")]
    ServerName(String),
}

impl TlsConfig {
    /// Problems found without touching the file system.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.cert_file.is_some() != self.key_file.is_some() {
            p.push(ConfigProblem::new(
                "tls",
                "`cert_file` and `key_file` go together (client certificate for mTLS)",
            ));
        }
        if let Some(v) = &self.min_version
            && !matches!(v.as_str(), "1.2" | "1.3")
        {
            p.push(ConfigProblem::new("tls.min_version", format!("`{v}`: use \"1.2\" or \"1.3\"")));
        }
        if let Some(v) = &self.max_version
            && !matches!(v.as_str(), "1.2" | "1.3")
        {
            p.push(ConfigProblem::new("tls.max_version", format!("`{v}`: use \"1.2\" or \"1.3\"")));
        }
        if let Some(name) = &self.server_name_override
            && ServerName::try_from(name.clone()).is_err()
        {
            p.push(ConfigProblem::new(
                "tls.server_name_override",
                format!("`{name}` is not a DNS name or IP"),
            ));
        }
        p
    }

    /// The override as a rustls server name.
    pub fn server_name(&self) -> Result<Option<ServerName<'static>>, TlsError> {
        match &self.server_name_override {
            None => Ok(None),
            Some(n) => ServerName::try_from(n.clone()).map(Some).map_err(|_| TlsError::ServerName(n.clone())),
        }
    }

    /// Builds the rustls config; `alpn` lists the protocols to offer (`h2` for gRPC).
    pub fn client_config(&self, alpn: &[&[u8]]) -> Result<ClientConfig, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let versions: &[&'static rustls::SupportedProtocolVersion] =
            match (self.min_version.as_deref(), self.max_version.as_deref()) {
                (Some("1.3"), _) => &[&rustls::version::TLS13],
                (_, Some("1.2")) => &[&rustls::version::TLS12],
                _ => &[&rustls::version::TLS13, &rustls::version::TLS12],
            };
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(versions)
            .map_err(|e| TlsError::Rustls(e.to_string()))?;
        let builder = if self.insecure_skip_verify {
            builder.dangerous().with_custom_certificate_verifier(Arc::new(NoVerify(
                provider.signature_verification_algorithms,
            )))
        } else {
            builder.with_root_certificates(self.roots()?)
        };
        let mut config = match (&self.cert_file, &self.key_file) {
            (Some(cert), Some(key)) => {
                let chain = read_certs("cert_file", cert)?;
                let key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::File {
                    key: "key_file",
                    path: key.display().to_string(),
                    message: e.to_string(),
                })?;
                builder.with_client_auth_cert(chain, key).map_err(|e| TlsError::Rustls(e.to_string()))?
            }
            _ => builder.with_no_client_auth(),
        };
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok(config)
    }

    fn roots(&self) -> Result<RootCertStore, TlsError> {
        let mut roots = RootCertStore::empty();
        if let Some(ca) = &self.ca_file {
            for cert in read_certs("ca_file", ca)? {
                roots.add(cert).map_err(|e| TlsError::Rustls(format!("ca_file `{}`: {e}", ca.display())))?;
            }
        } else {
            let native = rustls_native_certs::load_native_certs();
            let (added, _ignored) = roots.add_parsable_certificates(native.certs);
            if added == 0 {
                tracing::warn!(
                    "no system CA certificates found (install ca-certificates or set tls.ca_file): \
                     TLS connections will fail"
                );
            }
        }
        Ok(roots)
    }
}

fn read_certs(key: &'static str, path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let file_err = |message: String| TlsError::File { key, path: path.display().to_string(), message };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| file_err(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| file_err(e.to_string()))?;
    if certs.is_empty() {
        return Err(TlsError::Empty { key, path: path.display().to_string(), what: "PEM certificate" });
    }
    Ok(certs)
}

/// `insecure_skip_verify`: accepts any server certificate, still checks handshake signatures.
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
