//! The one choice of trust roots for every dbintel component: the operating system's store (what
//! `ca-certificates` or the container image installs, so private CAs added there work everywhere),
//! and Mozilla's roots compiled in (webpki-roots) when the system store is empty or missing
//! (distroless or scratch images), so public endpoints such as New Relic's still verify.

use std::sync::OnceLock;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;

/// Where the default trust roots came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootsSource {
    /// The operating system's certificate store (rustls-native-certs).
    System,
    /// The system store was empty; Mozilla's roots compiled into dbintel (webpki-roots).
    Bundled,
}

impl RootsSource {
    pub fn describe(self) -> &'static str {
        match self {
            RootsSource::System => "the system certificate store",
            RootsSource::Bundled => "the Mozilla roots built into dbintel (the system store is empty)",
        }
    }
}

struct DefaultRoots {
    certs: Vec<CertificateDer<'static>>,
    source: RootsSource,
}

/// The default trust roots (system store, else the bundled Mozilla roots), loaded once per process.
pub fn default_roots() -> (RootCertStore, RootsSource) {
    let loaded = load();
    let mut store = RootCertStore::empty();
    match loaded.source {
        RootsSource::System => {
            store.add_parsable_certificates(loaded.certs.iter().cloned());
        }
        RootsSource::Bundled => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    (store, loaded.source)
}

/// The default trust roots as DER certificates, for drivers that take certificates rather than a
/// rustls store (mysql_async). Empty with [`RootsSource::Bundled`]: the driver's own copy of the
/// same Mozilla roots applies then.
pub fn default_root_certs() -> (Vec<CertificateDer<'static>>, RootsSource) {
    let loaded = load();
    (loaded.certs.clone(), loaded.source)
}

fn load() -> &'static DefaultRoots {
    static ROOTS: OnceLock<DefaultRoots> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let native = rustls_native_certs::load_native_certs();
        // Keep only what rustls can use, so "empty" means empty to the verifier too.
        let mut probe = RootCertStore::empty();
        let (added, _ignored) = probe.add_parsable_certificates(native.certs.iter().cloned());
        if added > 0 {
            DefaultRoots { certs: native.certs, source: RootsSource::System }
        } else {
            tracing::info!(
                "no usable system CA certificates (install ca-certificates, or set tls.ca_file); \
                 using the Mozilla roots built into dbintel"
            );
            DefaultRoots { certs: Vec::new(), source: RootsSource::Bundled }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_roots_are_never_empty() {
        let (store, source) = default_roots();
        assert!(!store.is_empty(), "{source:?}");
        let (certs, source2) = default_root_certs();
        assert_eq!(source, source2);
        assert_eq!(certs.is_empty(), source == RootsSource::Bundled);
    }
}
