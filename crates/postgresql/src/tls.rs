//! TLS for PostgreSQL connections: the receiver's [`TlsMode`] built through dbintel's one TLS
//! config type (rustls, ring provider, [`dbintel_tls::default_roots`] unless `ca_file`/`ca_pem`).

use tokio_postgres_rustls::MakeRustlsConnect;

use crate::config::{TlsConfig, TlsMode};
use dbintel_dbclient::{DbTls, SslMode};

/// The shared database-client TLS setting of a mode.
pub fn db_tls(mode: &TlsMode) -> DbTls {
    match mode {
        TlsMode::Disable => DbTls::disabled(),
        TlsMode::Prefer => DbTls::new(SslMode::Prefer, TlsConfig::default()),
        TlsMode::Require { tls } => DbTls::new(SslMode::Require, (**tls).clone()),
        TlsMode::VerifyFull { tls } => DbTls::new(SslMode::VerifyFull, (**tls).clone()),
    }
}

/// Builds the connector for a TLS mode (`None` for `Disable`). Errors name the key and file, never
/// its content.
pub fn connector(mode: &TlsMode) -> Result<Option<MakeRustlsConnect>, String> {
    db_tls(mode).pg_connector().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_every_mode_and_names_missing_files() {
        let tls = Box::<TlsConfig>::default;
        assert!(connector(&TlsMode::Disable).unwrap().is_none());
        assert!(connector(&TlsMode::Prefer).unwrap().is_some());
        assert!(connector(&TlsMode::Require { tls: tls() }).unwrap().is_some());
        assert!(connector(&TlsMode::VerifyFull { tls: tls() }).unwrap().is_some());
        let e = connector(&TlsMode::VerifyFull {
            tls: Box::new(TlsConfig::with_ca_file("/nonexistent/ca.pem".as_ref())),
        })
        .err()
        .unwrap();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }
}
