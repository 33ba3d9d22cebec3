//! The `tls` block shared by `otlp` and `otlphttp`, turned into a rustls client config (ring provider).

use std::path::PathBuf;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, RootCertStore};
use serde::Deserialize;

use dbintel_core::ConfigProblem;

/// `tls` block, as in the collector's `configtls.ClientConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
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
    #[error("{0}")]
    Pem(#[from] dbintel_tls::PemError),
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
        let provider = dbintel_tls::provider();
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
            builder.dangerous().with_custom_certificate_verifier(dbintel_tls::no_verify(&provider))
        } else {
            builder.with_root_certificates(self.roots()?)
        };
        let mut config = match (&self.cert_file, &self.key_file) {
            (Some(cert), Some(key)) => {
                let chain = dbintel_tls::read_certs("cert_file", cert)?;
                let key = dbintel_tls::read_private_key("key_file", key)?;
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
            for cert in dbintel_tls::read_certs("ca_file", ca)? {
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
