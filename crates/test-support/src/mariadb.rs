//! Throwaway MariaDB servers: `mariadb-install-db` into a temp dir, `mariadbd` on a free port.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use rustix::process::Signal;
use tempfile::TempDir;

use crate::HarnessError;
use crate::process::{
    ManagedProcess, POLL_INTERVAL, first_existing, free_port, hand_over, log_tail, path_dirs, run,
    service_account, succeeds, unique_database_name,
};
use crate::tls::TestCertificates;

/// Environment variable naming a directory searched first for the MariaDB binaries.
pub const MARIADB_BINDIR_ENV: &str = "DBINTEL_MARIADB_BINDIR";

const READY_POLLS: u32 = 600;
const START_ATTEMPTS: u32 = 3;
const LOG_TAIL_LINES: usize = 40;

/// Paths of the MariaDB programs the harness uses.
#[derive(Debug, Clone)]
pub struct MariaDbBinaries {
    pub server: PathBuf,
    pub install_db: PathBuf,
    pub client: PathBuf,
    pub admin: PathBuf,
}

/// A MariaDB server in a temp dir with `performance_schema` and its statement consumers on; `root`
/// with an empty password over TCP at 127.0.0.1 and over the socket.
///
/// Dropping it stops the server (SIGTERM, SIGKILL after 10 s) and removes the temp dir. A watchdog
/// does the same if the test process ends without dropping it.
#[derive(Debug)]
pub struct MariaDbServer {
    /// Always `127.0.0.1`.
    pub host: String,
    pub port: u16,
    pub socket_path: PathBuf,
    /// Always `root` (empty password).
    pub user: String,
    pub data_dir: PathBuf,
    /// The server's stderr, which is its error log.
    pub log_path: PathBuf,
    binaries: MariaDbBinaries,
    tls: Option<TestCertificates>,
    // Field order matters: the process stops before the directory it runs in is removed.
    process: ManagedProcess,
    _temp_dir: TempDir,
}

/// Options for [`MariaDbServer`]; start with [`MariaDbServer::builder`].
#[derive(Debug, Clone, Default)]
pub struct MariaDbServerBuilder {
    options: Vec<String>,
    tls_names: Option<Vec<String>>,
}

impl MariaDbServerBuilder {
    /// Adds a server option, passed as `--name=value` after the harness defaults (the last one wins).
    #[must_use]
    pub fn option(mut self, name: &str, value: &str) -> Self {
        self.options.push(format!("--{}={value}", name.trim_start_matches('-')));
        self
    }

    /// Serves TLS with a certificate for `names` (DNS names or IP addresses) signed by a generated
    /// test CA; see [`MariaDbServer::tls`]. Plaintext connections stay allowed.
    #[must_use]
    pub fn tls(mut self, names: &[&str]) -> Self {
        self.tls_names = Some(names.iter().map(|n| (*n).to_owned()).collect());
        self
    }

    /// Starts the server; panics with the reason and the server log tail when it cannot start.
    pub fn start(self) -> MariaDbServer {
        self.try_start().unwrap_or_else(|error| panic!("throwaway MariaDB: {error}"))
    }

    /// Starts the server and waits until root can log in over TCP.
    pub fn try_start(mut self) -> Result<MariaDbServer, HarnessError> {
        let binaries = mariadb_binaries()?;
        let account = service_account("mysql")?;
        let temp_dir = tempfile::Builder::new()
            .prefix("dbintel-mariadb-")
            .tempdir()
            .map_err(|source| HarnessError::io("creating a temp dir for MariaDB", source))?;
        hand_over(temp_dir.path(), account)?;
        let root = temp_dir.path();
        let data_dir = root.join("data");
        let socket_path = root.join("mysqld.sock");
        let log_path = root.join("server.log");
        // A private tmpdir: servers bootstrapping in parallel collide on temp table names in /tmp.
        let tmp_dir = root.join("tmp");
        std::fs::create_dir(&tmp_dir)
            .map_err(|source| HarnessError::io(format!("creating {}", tmp_dir.display()), source))?;
        hand_over(&tmp_dir, account)?;

        let mut install = Command::new(&binaries.install_db);
        // --no-defaults must come first; it keeps /etc/mysql out of the picture.
        install
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data_dir.display()))
            .arg(format!("--tmpdir={}", tmp_dir.display()))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"])
            .current_dir(root);
        if account.is_some() {
            install.arg("--user=mysql");
        }
        run(&mut install, None)?;
        let tls = match &self.tls_names {
            Some(names) => {
                let certs = TestCertificates::generate(&root.join("tls"), names, account)?;
                self = self
                    .option("ssl-ca", &certs.ca_file.display().to_string())
                    .option("ssl-cert", &certs.server_cert.display().to_string())
                    .option("ssl-key", &certs.server_key.display().to_string());
                Some(certs)
            }
            None => None,
        };

        let mut attempt = 1;
        loop {
            let port = free_port()?;
            let server_files =
                ServerFiles { root, data_dir: &data_dir, socket: &socket_path, log: &log_path };
            match self.spawn_and_wait(&binaries, &server_files, port, account.is_some()) {
                Ok(process) => {
                    return Ok(MariaDbServer {
                        host: "127.0.0.1".to_owned(),
                        port,
                        socket_path,
                        user: "root".to_owned(),
                        data_dir,
                        log_path,
                        binaries,
                        tls,
                        process,
                        _temp_dir: temp_dir,
                    });
                }
                Err(error) if attempt < START_ATTEMPTS && lost_port_race(&error) => attempt += 1,
                Err(error) => return Err(error),
            }
        }
    }

    fn spawn_and_wait(
        &self,
        binaries: &MariaDbBinaries,
        files: &ServerFiles<'_>,
        port: u16,
        as_root: bool,
    ) -> Result<ManagedProcess, HarnessError> {
        let log = File::create(files.log)
            .map_err(|source| HarnessError::io(format!("creating {}", files.log.display()), source))?;
        let log_for_stderr =
            log.try_clone().map_err(|source| HarnessError::io("duplicating the log file handle", source))?;
        let mut command = Command::new(&binaries.server);
        command
            .arg("--no-defaults")
            .arg(format!("--datadir={}", files.data_dir.display()))
            .arg(format!("--tmpdir={}", files.root.join("tmp").display()))
            .arg(format!("--socket={}", files.socket.display()))
            .arg(format!("--pid-file={}", files.root.join("mysqld.pid").display()))
            .arg(format!("--port={port}"))
            .args([
                "--bind-address=127.0.0.1",
                "--performance-schema=ON",
                "--performance-schema-consumer-events-statements-current=ON",
                "--performance-schema-consumer-events-statements-history=ON",
                "--skip-log-bin",
                // No DNS lookups per connection; root@127.0.0.1 exists, so TCP logins still work.
                "--skip-name-resolve",
                // Throwaway data: durability only costs test time.
                "--innodb-flush-log-at-trx-commit=0",
            ]);
        if as_root {
            // mariadbd drops to this user itself (and refuses to run as root without it).
            command.arg("--user=mysql");
        }
        command.args(&self.options);
        command.current_dir(files.root).stdout(Stdio::from(log)).stderr(Stdio::from(log_for_stderr));
        let mut process = ManagedProcess::spawn(command, Signal::TERM, files.root)?;

        let start_failed = |reason: String| HarnessError::StartFailed {
            server: "MariaDB",
            reason,
            log: files.log.to_owned(),
            log_tail: log_tail(files.log, LOG_TAIL_LINES),
        };
        for _ in 0..READY_POLLS {
            if let Some(status) = process.exit_status() {
                return Err(start_failed(format!("mariadbd exited ({status})")));
            }
            // Over TCP as root: readiness also proves the login the tests will use.
            let mut probe = Command::new(&binaries.admin);
            probe
                .args(["--no-defaults", "--protocol=tcp", "--host=127.0.0.1", "--user=root"])
                .arg(format!("--port={port}"))
                .args(["--connect-timeout=2", "ping"]);
            if succeeds(&mut probe) {
                return Ok(process);
            }
            std::thread::sleep(POLL_INTERVAL);
        }
        Err(start_failed(format!("root could not log in on 127.0.0.1:{port} after {READY_POLLS} probes")))
    }
}

struct ServerFiles<'a> {
    root: &'a Path,
    data_dir: &'a Path,
    socket: &'a Path,
    log: &'a Path,
}

fn lost_port_race(error: &HarnessError) -> bool {
    matches!(error, HarnessError::StartFailed { log_tail, .. }
        if log_tail.contains("Address already in use") || log_tail.contains("Do you already have another"))
}

impl MariaDbServer {
    /// Starts a server with the default options; panics with the log tail when it cannot start.
    pub fn start() -> Self {
        Self::builder().start()
    }

    /// Starts a server with the default options.
    pub fn try_start() -> Result<Self, HarnessError> {
        Self::builder().try_start()
    }

    pub fn builder() -> MariaDbServerBuilder {
        MariaDbServerBuilder::default()
    }

    /// `mysql://root@127.0.0.1:PORT/db`.
    pub fn url(&self, db: &str) -> String {
        format!("mysql://{}@{}:{}/{db}", self.user, self.host, self.port)
    }

    /// The certificates this server presents (started with [`MariaDbServerBuilder::tls`]).
    pub fn tls(&self) -> Option<&TestCertificates> {
        self.tls.as_ref()
    }

    /// The MariaDB programs this instance uses.
    pub fn binaries(&self) -> &MariaDbBinaries {
        &self.binaries
    }

    /// Process id of `mariadbd`.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Creates a fresh database named `<prefix>_<pid>_<n>` (prefix reduced to `[a-z0-9_]`) and returns
    /// the name. Panics when the server refuses.
    pub fn create_database(&self, prefix: &str) -> String {
        let name = unique_database_name(prefix);
        if let Err(error) = self.sql("", &format!("CREATE DATABASE {name}")) {
            panic!("creating database {name} on the throwaway MariaDB: {error}");
        }
        name
    }

    /// Runs SQL (several statements allowed) through the `mariadb` client in batch mode over TCP,
    /// in `db` (or no default database when `db` is empty), stopping at the first error. Returns
    /// stdout: rows only, no headers, columns separated by tabs.
    pub fn sql(&self, db: &str, sql: &str) -> Result<String, HarnessError> {
        let mut command = Command::new(&self.binaries.client);
        command
            .args(["--no-defaults", "--batch", "--skip-column-names", "--protocol=tcp"])
            .arg(format!("--host={}", self.host))
            .arg(format!("--port={}", self.port))
            .arg(format!("--user={}", self.user));
        if !db.is_empty() {
            command.arg(format!("--database={db}"));
        }
        run(&mut command, Some(sql))
    }
}

/// The one server shared by every test of this test binary, started on first use.
///
/// Blocking, like [`crate::shared_postgres`]: from async code call it before building the runtime or
/// through `spawn_blocking`; inside `#[tokio::test]` a direct call is fine. Isolate tests with
/// [`MariaDbServer::create_database`]. Panics when the server cannot start.
pub fn shared_mariadb() -> &'static MariaDbServer {
    static SHARED: OnceLock<Result<MariaDbServer, String>> = OnceLock::new();
    match SHARED.get_or_init(|| MariaDbServer::try_start().map_err(|error| error.to_string())) {
        Ok(server) => server,
        Err(message) => panic!("shared throwaway MariaDB: {message}"),
    }
}

/// A second shared server of this test binary that also serves TLS, with a certificate for
/// `localhost` only (so connecting to `127.0.0.1` is a host-name mismatch). See [`shared_mariadb`].
pub fn shared_mariadb_tls() -> &'static MariaDbServer {
    static SHARED: OnceLock<Result<MariaDbServer, String>> = OnceLock::new();
    match SHARED
        .get_or_init(|| MariaDbServer::builder().tls(&["localhost"]).try_start().map_err(|e| e.to_string()))
    {
        Ok(server) => server,
        Err(message) => panic!("shared throwaway MariaDB with TLS: {message}"),
    }
}

/// Whether all MariaDB binaries the harness needs were found (see [`mariadb_binaries`]).
pub fn mariadb_available() -> bool {
    mariadb_binaries().is_ok()
}

/// Finds `mariadbd`, `mariadb-install-db`, `mariadb` and `mariadb-admin`, each in
/// `$DBINTEL_MARIADB_BINDIR` first, then `PATH`, then the usual system directories (`mariadbd` lives
/// in `/usr/sbin`, which is often not on a user's `PATH`).
pub fn mariadb_binaries() -> Result<MariaDbBinaries, HarnessError> {
    static FOUND: OnceLock<Result<MariaDbBinaries, String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let mut dirs: Vec<PathBuf> =
            std::env::var_os(MARIADB_BINDIR_ENV).map(PathBuf::from).into_iter().collect();
        dirs.extend(path_dirs());
        dirs.extend(
            [
                "/usr/sbin",
                "/usr/bin",
                "/usr/local/sbin",
                "/usr/local/bin",
                "/usr/libexec",
                "/usr/local/mysql/bin",
            ]
            .map(PathBuf::from),
        );
        let find =
            |name: &str| first_existing(dirs.iter().map(|dir| dir.join(name))).ok_or_else(|| name.to_owned());
        Ok(MariaDbBinaries {
            server: find("mariadbd")?,
            install_db: find("mariadb-install-db")?,
            client: find("mariadb")?,
            admin: find("mariadb-admin")?,
        })
    });
    found.clone().map_err(|missing| HarnessError::BinaryNotFound {
        program: "MariaDB binaries (mariadbd, mariadb-install-db, mariadb, mariadb-admin)",
        searched: format!("{missing} not in ${MARIADB_BINDIR_ENV}, PATH, /usr/sbin, /usr/bin, /usr/local/*"),
        hint: "install the mariadb-server and mariadb-client packages or set DBINTEL_MARIADB_BINDIR",
    })
}
