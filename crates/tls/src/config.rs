//! The `tls` section every dbintel client component accepts: the OpenTelemetry Collector's
//! `configtls.ClientConfig` keys, built into a rustls `ClientConfig`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore, SupportedProtocolVersion};
use serde::Deserialize;

use crate::pem::{PemError, parse_certs, parse_private_key, read_certs, read_private_key};
use crate::roots::default_roots;
use crate::verify::{chain_only, no_verify};

/// The `tls` section (the Collector's `configtls.ClientConfig` keys).
///
/// What `insecure` means is the component's to say (plaintext gRPC for `otlp`, no TLS at all for
/// the `postgresql` receiver), and so is the default of `insecure_skip_verify` (absent = `None`).
#[derive(Clone, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsClientConfig {
    /// No certificate-protected connection: plaintext HTTP/2 for `otlp`, no TLS at all for the
    /// database receivers (what it means is the component's to say).
    #[serde(default)]
    pub insecure: bool,
    /// Do not verify the server certificate (anyone can impersonate the server).
    #[serde(default)]
    pub insecure_skip_verify: Option<bool>,
    /// PEM file with the CA certificates to trust instead of the default roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// The same as inline PEM text.
    #[serde(default)]
    pub ca_pem: Option<String>,
    /// Trust the default roots as well as `ca_file`/`ca_pem`.
    #[serde(default)]
    pub include_system_ca_certs_pool: bool,
    /// PEM client certificate chain for mutual TLS (with `key_file` or `key_pem`).
    #[serde(default)]
    pub cert_file: Option<PathBuf>,
    /// Inline PEM client certificate chain, instead of `cert_file`.
    #[serde(default)]
    pub cert_pem: Option<String>,
    /// PEM private key of the client certificate.
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// Inline PEM private key (a secret: never shown by `Debug` or in messages).
    #[serde(default)]
    pub key_pem: Option<String>,
    /// The name to check the server certificate against (and send as SNI) instead of the host.
    /// `server_name` (Go's `tls.Config.ServerName`) is the prototype's spelling.
    #[serde(default, alias = "server_name")]
    #[schemars(extend("x-aliases" = ["server_name"]))]
    pub server_name_override: Option<String>,
    /// Lowest TLS version: `"1.2"` (default) or `"1.3"`.
    #[serde(default)]
    pub min_version: Option<String>,
    /// Highest TLS version: `"1.2"` or `"1.3"` (default).
    #[serde(default)]
    pub max_version: Option<String>,
}

impl fmt::Debug for TlsClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsClientConfig")
            .field("insecure", &self.insecure)
            .field("insecure_skip_verify", &self.insecure_skip_verify)
            .field("ca_file", &self.ca_file)
            .field("ca_pem", &self.ca_pem.as_ref().map(|_| "<pem>"))
            .field("include_system_ca_certs_pool", &self.include_system_ca_certs_pool)
            .field("cert_file", &self.cert_file)
            .field("cert_pem", &self.cert_pem.as_ref().map(|_| "<pem>"))
            .field("key_file", &self.key_file)
            .field("key_pem", &self.key_pem.as_ref().map(|_| "***"))
            .field("server_name_override", &self.server_name_override)
            .field("min_version", &self.min_version)
            .field("max_version", &self.max_version)
            .finish()
    }
}

/// How much of the server certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// Chain to a trusted root and the host name (libpq `verify-full`, MySQL `VERIFY_IDENTITY`).
    Full,
    /// Chain to a trusted root, any host name (libpq `verify-ca`, MySQL `VERIFY_CA`).
    CaOnly,
    /// Nothing but the handshake signatures (`insecure_skip_verify`, libpq `require`).
    None,
}

/// A problem found in a `tls` section: the key under `tls` and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsProblem {
    /// The key path, starting with `tls`.
    pub path: String,
    pub message: String,
}

impl TlsProblem {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

/// Why a TLS client config cannot be built. Names keys and paths, never PEM content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsError {
    #[error("{0}")]
    Pem(#[from] PemError),
    #[error("tls: {0}")]
    Rustls(String),
    #[error("tls.server_name_override: `{0}` is not a valid DNS name or IP address")]
    ServerName(String),
    #[error("tls.{key}: `{value}`: use \"1.2\" or \"1.3\"")]
    Version { key: &'static str, value: String },
}

static BOTH: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13, &rustls::version::TLS12];
static ONLY_13: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13];
static ONLY_12: &[&SupportedProtocolVersion] = &[&rustls::version::TLS12];

impl TlsClientConfig {
    /// Problems found without touching the file system, each with its key path under `tls`.
    pub fn problems(&self) -> Vec<TlsProblem> {
        let mut p = Vec::new();
        let has_cert = self.cert_file.is_some() || self.cert_pem.is_some();
        let has_key = self.key_file.is_some() || self.key_pem.is_some();
        if has_cert != has_key {
            p.push(TlsProblem::new(
                "tls",
                "`cert_file` and `key_file` (or `cert_pem` and `key_pem`) go together (client certificate for mTLS)",
            ));
        }
        for (key, file, pem) in [
            ("ca", self.ca_file.is_some(), self.ca_pem.is_some()),
            ("cert", self.cert_file.is_some(), self.cert_pem.is_some()),
            ("key", self.key_file.is_some(), self.key_pem.is_some()),
        ] {
            if file && pem {
                p.push(TlsProblem::new(
                    format!("tls.{key}_pem"),
                    format!("set either `{key}_file` or `{key}_pem`, not both"),
                ));
            }
        }
        if let Err(e) = self.protocol_versions() {
            let key = match &e {
                TlsError::Version { key, .. } => *key,
                _ => "min_version",
            };
            let message = match &e {
                TlsError::Version { value, .. } => format!("`{value}`: use \"1.2\" or \"1.3\""),
                other => other.to_string(),
            };
            p.push(TlsProblem::new(format!("tls.{key}"), message));
        }
        if let Some(name) = &self.server_name_override
            && ServerName::try_from(name.clone()).is_err()
        {
            p.push(TlsProblem::new("tls.server_name_override", format!("`{name}` is not a DNS name or IP")));
        }
        p
    }

    /// Files that cannot be read (checked at config time, so `validate` reports them).
    pub fn file_problems(&self) -> Vec<TlsProblem> {
        let mut p = Vec::new();
        for (key, path) in
            [("ca_file", &self.ca_file), ("cert_file", &self.cert_file), ("key_file", &self.key_file)]
        {
            if let Some(path) = path
                && let Err(e) = std::fs::metadata(path)
            {
                p.push(TlsProblem::new(format!("tls.{key}"), format!("cannot read {}: {e}", path.display())));
            }
        }
        p
    }

    /// The verification this section asks for; `skip_verify_default` applies when
    /// `insecure_skip_verify` is absent (the contrib postgresql receiver defaults to true).
    pub fn verification(&self, skip_verify_default: bool) -> Verification {
        if self.insecure_skip_verify.unwrap_or(skip_verify_default) {
            Verification::None
        } else {
            Verification::Full
        }
    }

    /// Whether a client certificate is configured.
    pub fn has_client_cert(&self) -> bool {
        self.cert_file.is_some() || self.cert_pem.is_some()
    }

    /// The override as a rustls server name.
    pub fn server_name(&self) -> Result<Option<ServerName<'static>>, TlsError> {
        match &self.server_name_override {
            None => Ok(None),
            Some(n) => ServerName::try_from(n.clone()).map(Some).map_err(|_| TlsError::ServerName(n.clone())),
        }
    }

    /// The TLS versions allowed by `min_version` and `max_version`.
    pub fn protocol_versions(&self) -> Result<&'static [&'static SupportedProtocolVersion], TlsError> {
        let parse = |key: &'static str, v: &Option<String>| match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some("1.2") => Ok(Some(12)),
            Some("1.3") => Ok(Some(13)),
            Some(other) => Err(TlsError::Version { key, value: other.to_string() }),
        };
        let min = parse("min_version", &self.min_version)?.unwrap_or(12);
        let max = parse("max_version", &self.max_version)?.unwrap_or(13);
        match (min, max) {
            (12, 13) => Ok(BOTH),
            (13, 13) => Ok(ONLY_13),
            (12, 12) => Ok(ONLY_12),
            _ => Err(TlsError::Version {
                key: "max_version",
                value: self.max_version.clone().unwrap_or_default(),
            }),
        }
    }

    /// The roots a verifying connection trusts: `ca_file`/`ca_pem` (plus the defaults with
    /// `include_system_ca_certs_pool`), else the defaults ([`crate::default_roots`]).
    pub fn trust_roots(&self) -> Result<RootCertStore, TlsError> {
        let own = self.own_ca_certs()?;
        let mut roots = if own.is_empty() || self.include_system_ca_certs_pool {
            default_roots().0
        } else {
            RootCertStore::empty()
        };
        for cert in own {
            roots.add(cert).map_err(|e| TlsError::Rustls(format!("{}: {e}", self.ca_label())))?;
        }
        Ok(roots)
    }

    /// The certificates of `ca_file` or `ca_pem` (empty when neither is set).
    pub fn own_ca_certs(&self) -> Result<Vec<CertificateDer<'static>>, TlsError> {
        Ok(match (&self.ca_file, &self.ca_pem) {
            (Some(path), _) => read_certs("ca_file", path)?,
            (None, Some(pem)) => parse_certs("ca_pem", pem)?,
            (None, None) => Vec::new(),
        })
    }

    fn ca_label(&self) -> String {
        match &self.ca_file {
            Some(path) => format!("ca_file `{}`", path.display()),
            None => "ca_pem".to_string(),
        }
    }

    /// The client certificate chain and key, when configured.
    pub fn client_identity(
        &self,
    ) -> Result<Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>, TlsError> {
        let chain = match (&self.cert_file, &self.cert_pem) {
            (Some(path), _) => read_certs("cert_file", path)?,
            (None, Some(pem)) => parse_certs("cert_pem", pem)?,
            (None, None) => return Ok(None),
        };
        let key = match (&self.key_file, &self.key_pem) {
            (Some(path), _) => read_private_key("key_file", path)?,
            (None, Some(pem)) => parse_private_key("key_pem", pem)?,
            (None, None) => {
                return Err(TlsError::Rustls("a client certificate needs `key_file` or `key_pem`".into()));
            }
        };
        Ok(Some((chain, key)))
    }

    /// Builds the rustls config with the ring provider; `alpn` lists the protocols to offer
    /// (`h2` for gRPC, none for databases).
    pub fn client_config(
        &self,
        verification: Verification,
        alpn: &[&[u8]],
    ) -> Result<ClientConfig, TlsError> {
        let provider = crate::provider();
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(self.protocol_versions()?)
            .map_err(|e| TlsError::Rustls(e.to_string()))?;
        let builder = match verification {
            Verification::Full => builder.with_root_certificates(self.trust_roots()?),
            Verification::CaOnly => builder.dangerous().with_custom_certificate_verifier(
                chain_only(self.trust_roots()?, provider.clone())
                    .map_err(|e| TlsError::Rustls(e.to_string()))?,
            ),
            Verification::None => builder.dangerous().with_custom_certificate_verifier(no_verify(&provider)),
        };
        let mut config = match self.client_identity()? {
            Some((chain, key)) => builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| TlsError::Rustls(format!("cert_file/key_file: {e}")))?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok(config)
    }

    /// [`Self::client_config`] in an `Arc`, as connectors take it.
    pub fn client_config_arc(
        &self,
        verification: Verification,
        alpn: &[&[u8]],
    ) -> Result<Arc<ClientConfig>, TlsError> {
        self.client_config(verification, alpn).map(Arc::new)
    }

    /// A section with only a CA file set (libpq's `sslrootcert`), verifying fully by default.
    pub fn with_ca_file(path: &Path) -> Self {
        Self { ca_file: Some(path.to_path_buf()), ..Self::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: &str) -> TlsClientConfig {
        serde_json::from_str(v).unwrap()
    }

    #[test]
    fn collector_keys_deserialize_and_unknown_keys_are_refused() {
        let c = parse(
            r#"{"insecure": false, "insecure_skip_verify": true, "ca_file": "/ca.pem", "cert_file": "/c.pem",
                "key_file": "/k.pem", "server_name_override": "db.example", "min_version": "1.3",
                "max_version": "1.3", "include_system_ca_certs_pool": true}"#,
        );
        assert_eq!(c.insecure_skip_verify, Some(true));
        assert_eq!(c.verification(false), Verification::None);
        assert!(c.problems().is_empty(), "{:?}", c.problems());
        assert!(serde_json::from_str::<TlsClientConfig>(r#"{"ca_fil": "/x"}"#).is_err());
        assert_eq!(TlsClientConfig::default().verification(false), Verification::Full);
        assert_eq!(TlsClientConfig::default().verification(true), Verification::None);
    }

    #[test]
    fn problems_name_their_keys() {
        let c = parse(
            r#"{"cert_file": "/c.pem", "ca_file": "/a", "ca_pem": "x", "min_version": "1.1",
                "server_name_override": "not a name"}"#,
        );
        let paths: Vec<String> = c.problems().into_iter().map(|p| p.path).collect();
        for want in ["tls", "tls.ca_pem", "tls.min_version", "tls.server_name_override"] {
            assert!(paths.iter().any(|p| p == want), "{want} missing in {paths:?}");
        }
        let c = parse(r#"{"min_version": "1.3", "max_version": "1.2"}"#);
        assert_eq!(c.problems()[0].path, "tls.max_version");
        let c = parse(r#"{"ca_file": "/nonexistent/ca.pem"}"#);
        let p = c.file_problems();
        assert_eq!(p[0].path, "tls.ca_file");
        assert!(p[0].message.contains("/nonexistent/ca.pem"), "{p:?}");
    }

    #[test]
    fn builds_every_verification_and_names_missing_files() {
        let c = TlsClientConfig::default();
        for v in [Verification::Full, Verification::CaOnly, Verification::None] {
            c.client_config(v, &[]).unwrap();
        }
        let e = TlsClientConfig::with_ca_file(Path::new("/nonexistent/ca.pem"))
            .client_config(Verification::Full, &[])
            .unwrap_err();
        assert!(
            e.to_string().contains("tls.ca_file") && e.to_string().contains("/nonexistent/ca.pem"),
            "{e}"
        );
        let c = parse(r#"{"ca_pem": "not pem", "key_pem": "secret-key-text", "cert_pem": "x"}"#);
        let e = c.client_config(Verification::Full, &[]).unwrap_err();
        assert!(e.to_string().starts_with("tls.ca_pem"), "{e}");
        assert!(!format!("{c:?}").contains("secret-key-text"));
    }

    #[test]
    fn inline_ca_and_system_pool_combine() {
        let ca = rcgen::generate_simple_self_signed(vec!["ca.test".to_string()]).unwrap();
        let c = TlsClientConfig { ca_pem: Some(ca.cert.pem()), ..Default::default() };
        assert_eq!(c.trust_roots().unwrap().len(), 1);
        let c = TlsClientConfig { include_system_ca_certs_pool: true, ..c };
        assert!(c.trust_roots().unwrap().len() > 1);
    }
}
