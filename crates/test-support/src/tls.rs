//! Generated certificates for servers started with TLS: a test CA, a server certificate it signed
//! for the given names, a client certificate, and a second CA that signed nothing here (to test a
//! wrong `ca_file`).

use std::path::{Path, PathBuf};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

use crate::HarnessError;
use crate::process::{Account, hand_over};

/// PEM files of a test PKI, written into a server's temp dir.
#[derive(Debug, Clone)]
pub struct TestCertificates {
    /// The CA that signed the server and client certificates.
    pub ca_file: PathBuf,
    /// A CA that signed nothing the server presents: verification against it must fail.
    pub other_ca_file: PathBuf,
    pub server_cert: PathBuf,
    /// Readable only by the server's account (PostgreSQL refuses a key others can read).
    pub server_key: PathBuf,
    /// A client certificate (CN `dbintel`) signed by [`Self::ca_file`], for mutual TLS.
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// The subject alternative names of the server certificate (DNS names or IP addresses).
    pub names: Vec<String>,
}

fn generate_ca(name: &str) -> Result<(CertificateParams, KeyPair, String), rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let key = KeyPair::generate()?;
    let pem = params.self_signed(&key)?.pem();
    Ok((params, key, pem))
}

impl TestCertificates {
    /// Generates the PKI into `dir` for a server of this process (no account hand-over), e.g. an
    /// OTLP receiver under test; `names` are the server certificate's DNS names or IP addresses.
    pub fn for_server(dir: &Path, names: &[&str]) -> Result<Self, HarnessError> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        Self::generate(dir, &names, None)
    }

    /// Generates the PKI into `dir` (created if missing); the server key goes to `account`.
    pub(crate) fn generate(
        dir: &Path,
        names: &[String],
        account: Option<Account>,
    ) -> Result<Self, HarnessError> {
        let rcgen_err =
            |e: rcgen::Error| HarnessError::io("generating test certificates", std::io::Error::other(e));
        std::fs::create_dir_all(dir)
            .map_err(|source| HarnessError::io(format!("creating {}", dir.display()), source))?;
        hand_over(dir, account)?;
        let (ca_params, ca_key, ca_pem) = generate_ca("dbintel test CA").map_err(rcgen_err)?;
        let (_, _, other_ca_pem) = generate_ca("dbintel unrelated CA").map_err(rcgen_err)?;
        let issuer = Issuer::from_params(&ca_params, &ca_key);
        let leaf = |names: Vec<String>, common_name: &str| -> Result<(String, String), rcgen::Error> {
            let mut params = CertificateParams::new(names)?;
            params.distinguished_name.push(DnType::CommonName, common_name);
            let key = KeyPair::generate()?;
            let cert = params.signed_by(&key, &issuer)?;
            Ok((cert.pem(), key.serialize_pem()))
        };
        let first_name = names.first().map(String::as_str).unwrap_or("localhost");
        let (server_pem, server_key_pem) = leaf(names.to_vec(), first_name).map_err(rcgen_err)?;
        let (client_pem, client_key_pem) = leaf(Vec::new(), "dbintel").map_err(rcgen_err)?;
        let write = |name: &str, text: &str, mode: u32| -> Result<PathBuf, HarnessError> {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.join(name);
            std::fs::write(&path, text)
                .map_err(|source| HarnessError::io(format!("writing {}", path.display()), source))?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
                .map_err(|source| HarnessError::io(format!("chmod {}", path.display()), source))?;
            hand_over(&path, account)?;
            Ok(path)
        };
        Ok(Self {
            ca_file: write("ca.pem", &ca_pem, 0o644)?,
            other_ca_file: write("other-ca.pem", &other_ca_pem, 0o644)?,
            server_cert: write("server.pem", &server_pem, 0o644)?,
            server_key: write("server.key", &server_key_pem, 0o600)?,
            client_cert: write("client.pem", &client_pem, 0o644)?,
            client_key: write("client.key", &client_key_pem, 0o644)?,
            names: names.to_vec(),
        })
    }
}
