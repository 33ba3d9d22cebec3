//! Throwaway PostgreSQL servers: `initdb` into a temp dir, `postgres` on a free port.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use rustix::process::Signal;
use tempfile::TempDir;

use crate::HarnessError;
use crate::process::{
    Account, ManagedProcess, POLL_INTERVAL, first_existing, free_port, hand_over, log_tail, path_dirs, run,
    run_as, service_account, succeeds, unique_database_name,
};
use crate::tls::TestCertificates;

/// Environment variable naming the directory with `initdb`, `postgres`, `pg_isready` and `psql`.
pub const PG_BINDIR_ENV: &str = "DBINTEL_PG_BINDIR";

/// Readiness probes before giving up (60 s at 100 ms: the build machines are busy).
const READY_POLLS: u32 = 600;
/// Start attempts; a retry only happens when another process took the port first.
const START_ATTEMPTS: u32 = 3;
const LOG_TAIL_LINES: usize = 40;

/// Settings every harness server gets; a builder `setting` with the same name replaces one.
const DEFAULT_SETTINGS: &[(&str, &str)] = &[
    ("listen_addresses", "127.0.0.1"),
    ("shared_preload_libraries", "pg_stat_statements,auto_explain"),
    ("compute_query_id", "on"),
    ("track_io_timing", "on"),
    ("pg_stat_statements.track", "all"),
    // Throwaway data: durability only costs test time.
    ("fsync", "off"),
    ("synchronous_commit", "off"),
    ("full_page_writes", "off"),
];

/// A PostgreSQL server in a temp dir, trust authentication, superuser `postgres`.
///
/// Dropping it stops the server (SIGINT = fast shutdown, SIGKILL after 10 s) and removes the temp
/// dir. A watchdog does the same if the test process ends without dropping it.
#[derive(Debug)]
pub struct PgServer {
    /// Always `127.0.0.1`.
    pub host: String,
    pub port: u16,
    /// Directory holding the Unix socket `.s.PGSQL.<port>`.
    pub socket_dir: PathBuf,
    /// Always `postgres` (no password: trust authentication).
    pub superuser: String,
    pub data_dir: PathBuf,
    /// The server's stderr, including its log.
    pub log_path: PathBuf,
    bin_dir: PathBuf,
    /// The certificates it serves when started with [`PgServerBuilder::tls`].
    tls: Option<TestCertificates>,
    /// How it was started, to start it again on the same port ([`PgServer::restart`]).
    options: PgServerBuilder,
    // Field order matters: the process stops before the directory it runs in is removed.
    process: ManagedProcess,
    _temp_dir: TempDir,
}

/// Options for [`PgServer`]; start with [`PgServer::builder`].
#[derive(Debug, Clone, Default)]
pub struct PgServerBuilder {
    settings: Vec<(String, String)>,
    tls_names: Option<Vec<String>>,
}

impl PgServerBuilder {
    /// Adds or replaces a server setting, passed as `-c name=value`.
    #[must_use]
    pub fn setting(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.settings.retain(|(existing, _)| *existing != name);
        self.settings.push((name, value.into()));
        self
    }

    /// Serves TLS (`ssl = on`) with a certificate for `names` (DNS names or IP addresses) signed by
    /// a generated test CA; see [`PgServer::tls`]. Plaintext connections stay allowed.
    #[must_use]
    pub fn tls(mut self, names: &[&str]) -> Self {
        self.tls_names = Some(names.iter().map(|n| (*n).to_owned()).collect());
        self
    }

    /// Starts the server; panics with the reason and the server log tail when it cannot start.
    pub fn start(self) -> PgServer {
        self.try_start().unwrap_or_else(|error| panic!("throwaway PostgreSQL: {error}"))
    }

    /// Starts the server and waits until it accepts connections.
    pub fn try_start(mut self) -> Result<PgServer, HarnessError> {
        let bin_dir = postgres_bin_dir()?;
        let account = service_account("postgres")?;
        let temp_dir = tempfile::Builder::new()
            .prefix("dbintel-pg-")
            .tempdir()
            .map_err(|source| HarnessError::io("creating a temp dir for PostgreSQL", source))?;
        hand_over(temp_dir.path(), account)?;
        let data_dir = temp_dir.path().join("data");
        initdb(&bin_dir, &data_dir, temp_dir.path(), account)?;
        let tls = match &self.tls_names {
            Some(names) => {
                let certs = TestCertificates::generate(&temp_dir.path().join("tls"), names, account)?;
                self = self
                    .setting("ssl", "on")
                    .setting("ssl_cert_file", certs.server_cert.display().to_string())
                    .setting("ssl_key_file", certs.server_key.display().to_string());
                Some(certs)
            }
            None => None,
        };

        let server = self.start_in(bin_dir, temp_dir, data_dir, tls, account)?;
        // In template1 too, so databases from `create_database` have the view.
        for database in ["postgres", "template1"] {
            server.psql(database, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")?;
        }
        Ok(server)
    }

    /// Runs `postgres` on `data_dir` (inside `temp_dir`) on a free port, retrying when another
    /// process took the port first.
    fn start_in(
        self,
        bin_dir: PathBuf,
        temp_dir: TempDir,
        data_dir: PathBuf,
        tls: Option<TestCertificates>,
        account: Option<Account>,
    ) -> Result<PgServer, HarnessError> {
        let log_path = temp_dir.path().join("server.log");
        let mut attempt = 1;
        loop {
            let port = free_port()?;
            match self.spawn_and_wait(&bin_dir, temp_dir.path(), &data_dir, &log_path, port, account) {
                Ok(process) => {
                    return Ok(PgServer {
                        host: "127.0.0.1".to_owned(),
                        port,
                        socket_dir: temp_dir.path().to_owned(),
                        superuser: "postgres".to_owned(),
                        data_dir,
                        log_path,
                        bin_dir,
                        tls,
                        options: self,
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
        bin_dir: &Path,
        root: &Path,
        data_dir: &Path,
        log_path: &Path,
        port: u16,
        account: Option<Account>,
    ) -> Result<ManagedProcess, HarnessError> {
        let log = File::create(log_path)
            .map_err(|source| HarnessError::io(format!("creating {}", log_path.display()), source))?;
        let log_for_stderr =
            log.try_clone().map_err(|source| HarnessError::io("duplicating the log file handle", source))?;
        let mut command = Command::new(bin_dir.join("postgres"));
        command.arg("-D").arg(data_dir).arg("-k").arg(root).arg("-p").arg(port.to_string());
        let mut settings: Vec<(String, String)> =
            DEFAULT_SETTINGS.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect();
        settings.retain(|(name, _)| !self.settings.iter().any(|(own, _)| own == name));
        settings.extend(self.settings.iter().cloned());
        for (name, value) in &settings {
            command.arg("-c").arg(format!("{name}={value}"));
        }
        command.current_dir(root).stdout(Stdio::from(log)).stderr(Stdio::from(log_for_stderr));
        run_as(&mut command, account);
        // Signals the postmaster with SIGINT: fast shutdown, which does not wait for clients.
        let mut process = ManagedProcess::spawn(command, Signal::INT, root)?;

        let start_failed = |reason: String| HarnessError::StartFailed {
            server: "PostgreSQL",
            reason,
            log: log_path.to_owned(),
            log_tail: log_tail(log_path, LOG_TAIL_LINES),
        };
        for _ in 0..READY_POLLS {
            if let Some(status) = process.exit_status() {
                return Err(start_failed(format!("postgres exited ({status})")));
            }
            let mut probe = Command::new(bin_dir.join("pg_isready"));
            probe.args(["-q", "-t", "2", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-p"]);
            probe.arg(port.to_string());
            if succeeds(&mut probe) {
                return Ok(process);
            }
            std::thread::sleep(POLL_INTERVAL);
        }
        Err(start_failed(format!("not accepting connections on 127.0.0.1:{port} after {READY_POLLS} probes")))
    }
}

fn initdb(
    bin_dir: &Path,
    data_dir: &Path,
    root: &Path,
    account: Option<Account>,
) -> Result<(), HarnessError> {
    let mut command = Command::new(bin_dir.join("initdb"));
    command
        .arg("-D")
        .arg(data_dir)
        .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        .args(["--no-instructions"])
        // The server user may not be allowed into the caller's working directory.
        .current_dir(root);
    run_as(&mut command, account);
    run(&mut command, None).map(drop)
}

fn lost_port_race(error: &HarnessError) -> bool {
    matches!(error, HarnessError::StartFailed { log_tail, .. }
        if log_tail.contains("Address already in use") || log_tail.contains("could not create any TCP/IP sockets"))
}

impl PgServer {
    /// Starts a server with the default settings; panics with the log tail when it cannot start.
    pub fn start() -> Self {
        Self::builder().start()
    }

    /// Starts a server with the default settings.
    pub fn try_start() -> Result<Self, HarnessError> {
        Self::builder().try_start()
    }

    pub fn builder() -> PgServerBuilder {
        PgServerBuilder::default()
    }

    /// `postgres://postgres@127.0.0.1:PORT/db`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{}@{}:{}/{db}", self.superuser, self.host, self.port)
    }

    /// libpq key/value form: `host=127.0.0.1 port=PORT user=postgres dbname=db`.
    pub fn keyvalue_dsn(&self, db: &str) -> String {
        format!("host={} port={} user={} dbname={db}", self.host, self.port, self.superuser)
    }

    /// The certificates this server presents (started with [`PgServerBuilder::tls`]).
    pub fn tls(&self) -> Option<&TestCertificates> {
        self.tls.as_ref()
    }

    /// Directory of the server binaries this instance uses.
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// Stops the server (fast shutdown; its data stays). Idempotent.
    pub fn stop(&mut self) {
        self.process.stop();
    }

    /// Starts the server again on the same port and data directory, after [`PgServer::stop`]
    /// (stops it first if it still runs), and waits until it accepts connections.
    pub fn restart(&mut self) -> Result<(), HarnessError> {
        self.process.stop();
        let account = service_account("postgres")?;
        let root = self._temp_dir.path().to_owned();
        self.process = self.options.spawn_and_wait(
            &self.bin_dir,
            &root,
            &self.data_dir,
            &self.log_path,
            self.port,
            account,
        )?;
        Ok(())
    }

    /// Starts a streaming standby of this server, with the same options: `pg_basebackup -R` (which
    /// writes `standby.signal` and `primary_conninfo`) into a new temp dir, then `postgres` on a free
    /// port. A hot standby: it takes read-only connections. Dropping it stops it like any server.
    pub fn start_standby(&self) -> PgServer {
        self.try_start_standby().unwrap_or_else(|error| panic!("throwaway PostgreSQL standby: {error}"))
    }

    /// See [`PgServer::start_standby`].
    pub fn try_start_standby(&self) -> Result<PgServer, HarnessError> {
        let account = service_account("postgres")?;
        let temp_dir = tempfile::Builder::new()
            .prefix("dbintel-pg-standby-")
            .tempdir()
            .map_err(|source| HarnessError::io("creating a temp dir for a PostgreSQL standby", source))?;
        hand_over(temp_dir.path(), account)?;
        let data_dir = temp_dir.path().join("data");
        let mut command = Command::new(self.bin_dir.join("pg_basebackup"));
        command
            .arg("-D")
            .arg(&data_dir)
            // -R: standby.signal and primary_conninfo; -X stream: the WAL of the backup itself;
            // an immediate checkpoint rather than a spread one; throwaway data needs no fsync.
            .args(["-R", "-X", "stream", "-c", "fast", "--no-sync", "-h"])
            .arg(&self.host)
            .arg("-p")
            .arg(self.port.to_string())
            .args(["-U", &self.superuser])
            .env_remove("PGOPTIONS")
            .env_remove("PGSERVICE")
            .env_remove("PGSSLMODE")
            .env("PGCONNECT_TIMEOUT", "10")
            .current_dir(temp_dir.path());
        run_as(&mut command, account);
        run(&mut command, None)?;
        self.options.clone().start_in(self.bin_dir.clone(), temp_dir, data_dir, self.tls.clone(), account)
    }

    /// Process id of the postmaster.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Creates a fresh database named `<prefix>_<pid>_<n>` (prefix reduced to `[a-z0-9_]`) and returns
    /// the name. It has `pg_stat_statements` installed. Panics when the server refuses.
    pub fn create_database(&self, prefix: &str) -> String {
        let name = unique_database_name(prefix);
        if let Err(error) = self.psql("postgres", &format!("CREATE DATABASE {name}")) {
            panic!("creating database {name} on the throwaway PostgreSQL: {error}");
        }
        name
    }

    /// Runs SQL (several statements and psql meta-commands allowed) in `db` through `psql`, stopping
    /// at the first error. Returns stdout: rows only, no headers, columns separated by tabs.
    pub fn psql(&self, db: &str, sql: &str) -> Result<String, HarnessError> {
        let psql = first_existing([self.bin_dir.join("psql")]).unwrap_or_else(|| PathBuf::from("psql"));
        let mut command = Command::new(psql);
        command
            .args(["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.host)
            .arg("-p")
            .arg(self.port.to_string())
            .args(["-U", &self.superuser, "-d", db, "-f", "-"])
            // Settings from the caller's environment must not change what the fixtures do.
            .env_remove("PGOPTIONS")
            .env_remove("PGSERVICE")
            .env_remove("PGSSLMODE")
            .env("PGCONNECT_TIMEOUT", "10");
        run(&mut command, Some(sql))
    }
}

/// The one server shared by every test of this test binary, started on first use.
///
/// Blocking: from async code call it before building the runtime, or through `spawn_blocking`; from
/// inside `#[tokio::test]` a direct call is fine (it only blocks the test's own runtime while the
/// server starts). Isolate tests with [`PgServer::create_database`]. Panics when the server cannot
/// start (every later call panics with the same message).
pub fn shared_postgres() -> &'static PgServer {
    static SHARED: OnceLock<Result<PgServer, String>> = OnceLock::new();
    match SHARED.get_or_init(|| PgServer::try_start().map_err(|error| error.to_string())) {
        Ok(server) => server,
        Err(message) => panic!("shared throwaway PostgreSQL: {message}"),
    }
}

/// A second shared server of this test binary that also serves TLS, with a certificate for
/// `localhost` only (so connecting to `127.0.0.1` is a host-name mismatch). See [`shared_postgres`].
pub fn shared_postgres_tls() -> &'static PgServer {
    static SHARED: OnceLock<Result<PgServer, String>> = OnceLock::new();
    match SHARED
        .get_or_init(|| PgServer::builder().tls(&["localhost"]).try_start().map_err(|e| e.to_string()))
    {
        Ok(server) => server,
        Err(message) => panic!("shared throwaway PostgreSQL with TLS: {message}"),
    }
}

/// Whether PostgreSQL server binaries were found (see [`postgres_bin_dir`]).
pub fn postgres_available() -> bool {
    postgres_bin_dir().is_ok()
}

/// The directory with `initdb`, `postgres` and `pg_isready`: `$DBINTEL_PG_BINDIR` if set, else
/// `pg_config --bindir`, else the newest `/usr/lib/postgresql/<version>/bin`, else `PATH`.
pub fn postgres_bin_dir() -> Result<PathBuf, HarnessError> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let mut searched = Vec::new();
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(dir) = std::env::var_os(PG_BINDIR_ENV) {
            // An explicit choice is the only candidate: silently using another version would mislead.
            searched.push(format!("${PG_BINDIR_ENV}"));
            candidates.push(PathBuf::from(dir));
        } else {
            searched.push("pg_config --bindir".to_owned());
            if let Ok(output) = Command::new("pg_config").arg("--bindir").stderr(Stdio::null()).output()
                && output.status.success()
            {
                candidates.push(PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
            }
            searched.push("/usr/lib/postgresql/*/bin".to_owned());
            candidates.extend(debian_bin_dirs_newest_first());
            searched.push("PATH".to_owned());
            candidates.extend(path_dirs());
        }
        candidates
            .into_iter()
            .find(|dir| ["initdb", "postgres", "pg_isready"].iter().all(|name| dir.join(name).is_file()))
            .ok_or_else(|| searched.join(", "))
    });
    found.clone().map_err(|searched| HarnessError::BinaryNotFound {
        program: "PostgreSQL server binaries (initdb, postgres, pg_isready)",
        searched,
        hint: "install the postgresql package or set DBINTEL_PG_BINDIR",
    })
}

fn debian_bin_dirs_newest_first() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") else {
        return Vec::new();
    };
    let mut versions: Vec<(u32, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    versions.into_iter().map(|(_, dir)| dir).collect()
}
