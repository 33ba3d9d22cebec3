//! TLS for database connections: the libpq/MySQL modes (`sslmode`, `ssl-mode`, go-sql-driver's
//! `tls`) over dbintel's one TLS config type, turned into a tokio-postgres connector or mysql_async
//! `SslOpts`.

use dbintel_tls::{RootsSource, TlsClientConfig, TlsError, Verification};
use mysql_async::{ClientIdentity, SslOpts};
use tokio_postgres_rustls::MakeRustlsConnect;

/// How a database connection is secured (libpq's names; MySQL's map onto them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Plaintext only.
    Disable,
    /// libpq `allow`: treated as `prefer` (TLS when offered, no verification, else plaintext).
    Allow,
    /// TLS when the server offers it (no verification), else plaintext.
    Prefer,
    /// TLS required, certificate not verified.
    Require,
    /// TLS required, certificate chain verified, any host name.
    VerifyCa,
    /// TLS required, chain and host name verified.
    VerifyFull,
}

impl SslMode {
    /// libpq's `sslmode` values.
    pub fn parse_libpq(value: &str) -> Option<SslMode> {
        Some(match value.trim().to_ascii_lowercase().as_str() {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    /// MySQL's `ssl-mode` (`DISABLED`, `PREFERRED`, `REQUIRED`, `VERIFY_CA`, `VERIFY_IDENTITY`).
    pub fn parse_mysql(value: &str) -> Option<SslMode> {
        Some(match value.trim().to_ascii_uppercase().replace('-', "_").as_str() {
            "DISABLED" | "DISABLE" | "FALSE" | "0" | "OFF" => SslMode::Disable,
            "PREFERRED" | "PREFER" => SslMode::Prefer,
            "REQUIRED" | "REQUIRE" => SslMode::Require,
            "VERIFY_CA" => SslMode::VerifyCa,
            "VERIFY_IDENTITY" | "VERIFY_FULL" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    /// go-sql-driver/mysql's `tls` values (`true`, `false`, `skip-verify`, `preferred`).
    pub fn parse_go_mysql_tls(value: &str) -> Option<SslMode> {
        Some(match value.trim().to_ascii_lowercase().as_str() {
            "" | "false" | "0" => SslMode::Disable,
            "true" | "1" => SslMode::VerifyFull,
            "skip-verify" => SslMode::Require,
            "preferred" => SslMode::Prefer,
            _ => return None,
        })
    }

    /// Whether a connection may go without TLS when the server offers none.
    pub fn allows_plaintext(self) -> bool {
        matches!(self, SslMode::Disable | SslMode::Allow | SslMode::Prefer)
    }

    pub fn verification(self) -> Verification {
        match self {
            SslMode::VerifyFull => Verification::Full,
            SslMode::VerifyCa => Verification::CaOnly,
            _ => Verification::None,
        }
    }

    /// The libpq spelling, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// A TLS mode with the certificates and names it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbTls {
    pub mode: SslMode,
    pub config: TlsClientConfig,
}

impl DbTls {
    /// Plaintext.
    pub fn disabled() -> Self {
        Self { mode: SslMode::Disable, config: TlsClientConfig::default() }
    }

    pub fn new(mode: SslMode, config: TlsClientConfig) -> Self {
        Self { mode, config }
    }

    /// The connector for tokio-postgres (`None` with `disable`). Build it once per receiver.
    pub fn pg_connector(&self) -> Result<Option<MakeRustlsConnect>, TlsError> {
        if self.mode == SslMode::Disable {
            return Ok(None);
        }
        let config = self.config.client_config(self.mode.verification(), &[])?;
        Ok(Some(MakeRustlsConnect::new(config)))
    }

    /// tokio-postgres's own mode: it only knows whether TLS is optional or required; the connector
    /// does the verifying.
    pub fn pg_ssl_mode(&self) -> tokio_postgres::config::SslMode {
        use tokio_postgres::config::SslMode as Pg;
        match self.mode {
            SslMode::Disable => Pg::Disable,
            SslMode::Allow | SslMode::Prefer => Pg::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => Pg::Require,
        }
    }

    /// mysql_async's TLS options (`None` with `disable`). The certificates and keys are read and
    /// checked here, so a bad file is reported with its key and path.
    ///
    /// mysql_async builds its own rustls config; it gets the same trust roots as everything else
    /// (see `dbintel_tls::default_roots`). Its `VERIFY_CA` switch does not recognise recent rustls
    /// errors, so `VERIFY_CA` also checks the host name there (it fails closed, never open): set
    /// `server_name_override` to the certificate's name when connecting by another one.
    pub fn mysql_ssl_opts(&self) -> Result<Option<SslOpts>, TlsError> {
        if self.mode == SslMode::Disable {
            return Ok(None);
        }
        dbintel_tls::install_process_provider();
        let mut opts = SslOpts::default();
        match self.mode.verification() {
            Verification::None => opts = opts.with_danger_accept_invalid_certs(true),
            Verification::CaOnly => opts = opts.with_danger_skip_domain_validation(true),
            Verification::Full => {}
        }
        let own = self.config.own_ca_certs()?;
        let with_defaults = own.is_empty() || self.config.include_system_ca_certs_pool;
        let (defaults, source) = dbintel_tls::default_root_certs();
        let mut roots: Vec<Vec<u8>> = own.iter().map(|c| c.as_ref().to_vec()).collect();
        if with_defaults && source == RootsSource::System {
            roots.extend(defaults.iter().map(|c| c.as_ref().to_vec()));
        }
        // mysql_async's built-in roots are the bundled Mozilla roots: only the fallback uses them.
        let built_in = with_defaults && source == RootsSource::Bundled;
        opts = opts
            .with_root_certs(roots.into_iter().map(Into::into).collect())
            .with_disable_built_in_roots(!built_in);
        // Read and checked here first, so a bad file is reported with its key and path; handed
        // over as PEM text, which mysql_async parses itself.
        if self.config.client_identity()?.is_some() {
            let cert_pem = match (&self.config.cert_file, &self.config.cert_pem) {
                (Some(path), _) => std::fs::read(path)
                    .map_err(|e| TlsError::Rustls(format!("cert_file `{}`: {e}", path.display())))?,
                (None, Some(pem)) => pem.as_bytes().to_vec(),
                (None, None) => Vec::new(),
            };
            let key_pem = match (&self.config.key_file, &self.config.key_pem) {
                (Some(path), _) => std::fs::read(path)
                    .map_err(|e| TlsError::Rustls(format!("key_file `{}`: {e}", path.display())))?,
                (None, Some(pem)) => pem.as_bytes().to_vec(),
                (None, None) => Vec::new(),
            };
            opts = opts.with_client_identity(Some(ClientIdentity::new(cert_pem.into(), key_pem.into())));
        }
        if let Some(name) = &self.config.server_name_override {
            opts = opts.with_danger_tls_hostname_override(Some(name.clone()));
        }
        Ok(Some(opts))
    }
}

/// What to fix when a connection failed in TLS, from the driver's error text (with its causes):
/// `None` when the failure was not about TLS.
pub fn tls_failure_hint(error_text: &str) -> Option<&'static str> {
    let t = error_text.to_ascii_lowercase();
    if t.contains("unknownissuer") || t.contains("unknown issuer") || t.contains("unknownca") {
        Some(
            "the server's certificate is not signed by a CA dbintel trusts: point `sslrootcert` (PostgreSQL), \
             `ssl-ca` (MySQL) or `tls.ca_file` at the CA certificate that signed it",
        )
    } else if t.contains("not valid for name") || t.contains("notvalidforname") {
        Some(
            "the server's certificate does not name the host in the datasource: connect by a name the \
             certificate lists, or set `tls.server_name_override` to it (MySQL), or check the chain only \
             with `sslmode=verify-ca` (PostgreSQL)",
        )
    } else if t.contains("expired") && t.contains("certificate") {
        Some("the server's certificate has expired (or the clock is wrong): renew the certificate")
    } else if t.contains("server does not support tls")
        || t.contains("does not support ssl")
        || t.contains("noclientsslflagfromserver")
        || t.contains("client requested ssl")
    {
        Some(
            "the server offers no TLS but the datasource requires it: turn TLS on at the server, or use \
             `sslmode=prefer` / `ssl-mode=PREFERRED` to fall back to plaintext",
        )
    } else if t.contains("tls") || t.contains("certificate") || t.contains("handshake") {
        Some(
            "the TLS handshake failed: check the TLS options of the datasource and the server's TLS settings",
        )
    } else {
        None
    }
}

/// Asks PostgreSQL to cancel the running statement (after a client-side timeout), in the
/// background and bounded by `limit`, over TLS when the connection used TLS: a server that only
/// accepts TLS refuses a plaintext cancel, and `sslmode=require` refuses to send one.
pub fn spawn_pg_cancel(
    token: tokio_postgres::CancelToken,
    tls: Option<MakeRustlsConnect>,
    limit: std::time::Duration,
) {
    tokio::spawn(async move {
        let result = match tls {
            Some(tls) => tokio::time::timeout(limit, token.cancel_query(tls)).await,
            None => tokio::time::timeout(limit, token.cancel_query(tokio_postgres::NoTls)).await,
        };
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!(error = %e, "cancel request failed"),
            Err(_) => tracing::debug!("cancel request timed out"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_maps_to_one_mode() {
        for (v, m) in [
            ("disable", SslMode::Disable),
            ("allow", SslMode::Allow),
            ("prefer", SslMode::Prefer),
            ("require", SslMode::Require),
            ("verify-ca", SslMode::VerifyCa),
            ("VERIFY-FULL", SslMode::VerifyFull),
        ] {
            assert_eq!(SslMode::parse_libpq(v), Some(m), "{v}");
        }
        for (v, m) in [
            ("DISABLED", SslMode::Disable),
            ("preferred", SslMode::Prefer),
            ("REQUIRED", SslMode::Require),
            ("VERIFY_CA", SslMode::VerifyCa),
            ("verify_identity", SslMode::VerifyFull),
        ] {
            assert_eq!(SslMode::parse_mysql(v), Some(m), "{v}");
        }
        for (v, m) in [
            ("true", SslMode::VerifyFull),
            ("false", SslMode::Disable),
            ("skip-verify", SslMode::Require),
            ("preferred", SslMode::Prefer),
        ] {
            assert_eq!(SslMode::parse_go_mysql_tls(v), Some(m), "{v}");
        }
        assert_eq!(SslMode::parse_libpq("verify_full"), None);
        assert_eq!(SslMode::parse_mysql("maybe"), None);
    }

    #[test]
    fn connectors_and_options_build_for_every_mode() {
        for mode in
            [SslMode::Allow, SslMode::Prefer, SslMode::Require, SslMode::VerifyCa, SslMode::VerifyFull]
        {
            let tls = DbTls::new(mode, TlsClientConfig::default());
            assert!(tls.pg_connector().unwrap().is_some(), "{mode:?}");
            assert!(tls.mysql_ssl_opts().unwrap().is_some(), "{mode:?}");
        }
        assert!(DbTls::disabled().pg_connector().unwrap().is_none());
        assert!(DbTls::disabled().mysql_ssl_opts().unwrap().is_none());
        let bad =
            DbTls::new(SslMode::VerifyFull, TlsClientConfig::with_ca_file("/nonexistent/root.crt".as_ref()));
        let e = bad.mysql_ssl_opts().unwrap_err().to_string();
        assert!(e.contains("tls.ca_file") && e.contains("/nonexistent/root.crt"), "{e}");
        assert!(bad.pg_connector().is_err());
    }

    #[test]
    fn tls_failures_say_what_to_fix() {
        let unknown = "error performing TLS handshake: invalid peer certificate: UnknownIssuer";
        assert!(tls_failure_hint(unknown).unwrap().contains("sslrootcert"));
        let name = "invalid peer certificate: certificate not valid for name \"127.0.0.1\"; certificate is only valid for DnsName(\"localhost\")";
        assert!(tls_failure_hint(name).unwrap().contains("name"));
        assert!(
            tls_failure_hint("error performing TLS handshake: server does not support TLS")
                .unwrap()
                .contains("prefer")
        );
        assert_eq!(tls_failure_hint("Connection refused (os error 111)"), None);
    }
}
