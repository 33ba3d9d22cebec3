//! Connections to the monitored server: one small capped pool per database, reused across scrapes.
//! Every connection handed out already has its session set up (invariant 3): `application_name`
//! `dbintel`, `statement_timeout`, `lock_timeout`, `default_transaction_read_only = on`; every
//! statement sent from here starts with `/* dbintel */`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_postgres::SimpleQueryMessage;
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use dbintel_core::telemetry::Gauge;

use crate::config::{ConnectPlan, TlsMode, read_password_file_async};
use crate::server::ServerInfo;

pub use dbintel_dbclient::{APPLICATION_NAME, STATEMENT_PREFIX, prefixed};
/// Rows read from one catalog query at most; the rest is discarded and counted.
pub const MAX_ROWS: usize = 100_000;
/// Extra time the client waits beyond the statement timeout, so the server-side timeout fires first.
const CLIENT_GRACE: Duration = Duration::from_secs(1);
const BACKOFF_START: Duration = dbintel_dbclient::backoff::BACKOFF_START;
const BACKOFF_MAX: Duration = Duration::from_secs(60);

/// What went wrong. Messages never contain the password or URL user info.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// No connection could be made (refused, timed out, DNS, TLS, ...): `cause` is the OS or driver
    /// reason. Retried with backoff.
    #[error("cannot connect to {endpoint}: {cause}")]
    Connect { endpoint: String, cause: String, kind: ConnectFailure },
    /// The server refused the credentials.
    #[error("authentication failed for user \"{user}\" at {endpoint}: {message}")]
    Auth { user: String, endpoint: String, message: String },
    /// An established connection is gone; reconnect with backoff.
    #[error("connection lost: {0}")]
    Lost(String),
    /// The statement failed; the connection is still usable.
    #[error("{message}")]
    Query { message: String, code: Option<String> },
    #[error("timed out after {0:?}")]
    Timeout(Duration),
}

/// Why a connection could not be made, for the hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectFailure {
    Refused,
    TimedOut,
    Resolve,
    Tls,
    /// The server's certificate is not signed by a trusted CA.
    TlsUnknownCa,
    /// The server's certificate does not name the host of `endpoint`.
    TlsWrongName,
    /// TLS was required and the server offers none (`ssl = off`).
    TlsUnsupported,
    /// The server answered with an error (database missing, too many connections, ...).
    Server,
    /// A password file could not be read, or another local problem.
    Local,
    Other,
}

impl DbError {
    pub fn code(&self) -> Option<&str> {
        match self {
            DbError::Query { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// True when the connection is gone or could not be made.
    pub fn is_connection(&self) -> bool {
        matches!(self, DbError::Connect { .. } | DbError::Auth { .. } | DbError::Lost(_))
    }

    /// A remediation hint for the operator.
    pub fn hint(&self) -> &'static str {
        match self {
            DbError::Connect { kind, .. } => match kind {
                ConnectFailure::Refused => {
                    "nothing accepts connections there: check that PostgreSQL runs, `listen_addresses` and `port` in postgresql.conf, and `endpoint`; dbintel retries with backoff"
                }
                ConnectFailure::TimedOut => {
                    "no answer in time: check the host, firewalls and security groups between dbintel and the server; dbintel retries with backoff"
                }
                ConnectFailure::Resolve => "the host name does not resolve: fix `endpoint` or DNS",
                ConnectFailure::Tls => {
                    "the TLS handshake failed: check `tls` (ca_file, insecure_skip_verify) and the server's ssl settings"
                }
                ConnectFailure::TlsUnknownCa => {
                    "the server's certificate is not signed by a CA dbintel trusts: set `tls.ca_file` to the CA certificate that signed it (or add that CA to the system store)"
                }
                ConnectFailure::TlsWrongName => {
                    "the server's certificate does not name the host in `endpoint`: use a host name the certificate lists in `endpoint`, or reissue the certificate for this name"
                }
                ConnectFailure::TlsUnsupported => {
                    "the server offers no TLS (ssl = off) but `tls` requires it: turn TLS on at the server (ssl = on with a certificate), or connect without TLS with `tls: {insecure: true}` (or leave `tls` out: TLS only when the server offers it)"
                }
                ConnectFailure::Server => {
                    "the server refused the session: see the message (database name in `databases`, max_connections, pg_hba.conf)"
                }
                ConnectFailure::Local => "fix the local setting named in the message",
                ConnectFailure::Other => {
                    "check that the server is up and reachable; dbintel retries with backoff"
                }
            },
            DbError::Auth { .. } => {
                "check `username` and `password` (or `password_file`), that the role exists with LOGIN (CREATE ROLE <username> LOGIN PASSWORD '...' IN ROLE pg_monitor;), and that pg_hba.conf allows it from this host"
            }
            DbError::Lost(_) => {
                "the server closed the connection or went away; dbintel reconnects with backoff"
            }
            DbError::Timeout(_) => {
                "the server did not answer in time; raise `timeout` or check the server load"
            }
            DbError::Query { code, .. } => match code.as_deref() {
                Some("42501") => "grant the monitoring role pg_monitor: GRANT pg_monitor TO <username>;",
                Some("42P01") | Some("42883") => {
                    "a view or function is missing: for pg_stat_statements run CREATE EXTENSION pg_stat_statements; in this database and add it to shared_preload_libraries"
                }
                Some("55000") => {
                    "pg_stat_statements must be loaded via shared_preload_libraries (restart needed)"
                }
                Some("57014") => {
                    "the query hit statement_timeout; raise `timeout` or disable the metrics it feeds"
                }
                Some("55P03") => "a lock wait hit lock_timeout; it is retried next interval",
                Some("28000") | Some("28P01") => {
                    "authentication failed: check username/password and pg_hba.conf"
                }
                Some("3D000") => "the database does not exist; fix `databases`",
                _ => "run the statement with psql as the monitoring role to see why it fails",
            },
        }
    }
}

/// Hides `secret` (the password) and URL user info in a text bound for a message.
pub(crate) fn scrub(text: &str, secret: Option<&str>) -> String {
    let text = match secret {
        Some(s) if s.len() >= 3 => text.replace(s, "***"),
        _ => text.to_string(),
    };
    dbintel_core::redact::redact_url_userinfo(&text).into_owned()
}

/// The driver error with every cause in its chain (`error connecting to server: Connection refused
/// (os error 111)`): the driver's own Display leaves the OS cause out.
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    // A server error's own Display carries DETAIL, HINT and CONTEXT, which may quote statements.
    if let Some(db) = e.as_db_error() {
        return format!("{}: {} (SQLSTATE {})", db.severity(), crate::redact::db_text(db), db.code().code());
    }
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    let mut depth = 0;
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
        depth += 1;
        if depth >= 8 {
            break;
        }
    }
    out
}

/// The kind of a failed connection attempt, from the driver error and its causes.
fn connect_failure(e: &tokio_postgres::Error) -> ConnectFailure {
    let mut source = std::error::Error::source(e);
    let mut depth = 0;
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            // rustls reports a failed handshake as an io::Error wrapping its own error.
            if io.get_ref().is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some()) {
                return ConnectFailure::Tls;
            }
            let text = io.to_string();
            return match io.kind() {
                K::ConnectionRefused | K::NotFound => ConnectFailure::Refused,
                K::TimedOut => ConnectFailure::TimedOut,
                _ if text.contains("lookup address") || text.contains("Name or service not known") => {
                    ConnectFailure::Resolve
                }
                _ if text.contains("timed out") => ConnectFailure::TimedOut,
                _ => ConnectFailure::Other,
            };
        }
        if cause.downcast_ref::<rustls::Error>().is_some() {
            return ConnectFailure::Tls;
        }
        source = cause.source();
        depth += 1;
        if depth >= 8 {
            break;
        }
    }
    if e.to_string().contains("TLS") { ConnectFailure::Tls } else { ConnectFailure::Other }
}

pub(crate) fn pg_error(e: &tokio_postgres::Error, client_closed: bool, secret: Option<&str>) -> DbError {
    let (message, code) = match e.as_db_error() {
        Some(db) => {
            (format!("{}: {}", db.severity(), crate::redact::db_text(db)), Some(db.code().code().to_string()))
        }
        None => (describe(e), e.code().map(|c| c.code().to_string())),
    };
    let message = scrub(&message, secret);
    let lost = client_closed
        || e.is_closed()
        || code.as_deref().is_some_and(|c| c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03"));
    if lost { DbError::Lost(message) } else { DbError::Query { message, code } }
}

/// Classifies an error of a connection attempt (nothing was connected yet).
fn connect_error(e: &tokio_postgres::Error, plan: &ConnectPlan, secret: Option<&str>) -> DbError {
    let endpoint = plan.endpoint();
    if let Some(db) = e.as_db_error() {
        let message = scrub(&crate::redact::db_text(db), secret);
        return match db.code().code() {
            "28P01" | "28000" => DbError::Auth { user: plan.user.clone(), endpoint, message },
            code => DbError::Connect {
                endpoint,
                cause: format!("{}: {message} (SQLSTATE {code})", db.severity()),
                kind: ConnectFailure::Server,
            },
        };
    }
    let cause = scrub(&describe(e), secret);
    // A server that asks for a password we do not have is an authentication problem too.
    if cause.contains("password missing") {
        return DbError::Auth {
            user: plan.user.clone(),
            endpoint,
            message: "the server asks for a password and none is configured".into(),
        };
    }
    let kind = if cause.contains("server does not support TLS") {
        ConnectFailure::TlsUnsupported
    } else {
        match connect_failure(e) {
            ConnectFailure::Tls if cause.contains("UnknownIssuer") => ConnectFailure::TlsUnknownCa,
            ConnectFailure::Tls
                if cause.contains("not valid for name") || cause.contains("NotValidForName") =>
            {
                ConnectFailure::TlsWrongName
            }
            other => other,
        }
    };
    DbError::Connect { endpoint, cause, kind }
}

/// A row of a catalog query in text form (NULL = `None`), read by column name.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Option<String>>,
}

impl Row {
    pub fn new(columns: Arc<[String]>, values: Vec<Option<String>>) -> Self {
        Self { columns, values }
    }
    /// A row from a JSON object (golden tests): strings and numbers as text, null as NULL.
    pub fn from_json(obj: &serde_json::Map<String, serde_json::Value>) -> Self {
        let columns: Arc<[String]> = obj.keys().cloned().collect::<Vec<_>>().into();
        let values = obj
            .values()
            .map(|v| match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            })
            .collect();
        Self { columns, values }
    }
    /// The cells in column order.
    pub fn into_values(self) -> Vec<Option<String>> {
        self.values
    }
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = self.columns.iter().position(|c| c == name)?;
        self.values.get(i).and_then(|v| v.as_deref())
    }
    pub fn str(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_string()
    }
    /// An integer column; text like `12.0` from numeric columns is accepted when it is whole.
    pub fn i64(&self, name: &str) -> Option<i64> {
        let s = self.get(name)?.trim();
        s.parse::<i64>().ok().or_else(|| {
            let f = s.parse::<f64>().ok()?;
            (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
        })
    }
    pub fn f64(&self, name: &str) -> Option<f64> {
        self.get(name)?.trim().parse::<f64>().ok().filter(|f| f.is_finite())
    }
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            "t" | "true" | "on" => Some(true),
            "f" | "false" | "off" => Some(false),
            _ => None,
        }
    }
}

/// A query result: rows plus whether it was cut at [`MAX_ROWS`].
#[derive(Debug, Default)]
pub struct Rows {
    pub rows: Vec<Row>,
    pub truncated: bool,
}

/// One open connection with its server facts.
pub struct PgConn {
    client: tokio_postgres::Client,
    task: JoinHandle<()>,
    pub info: ServerInfo,
    opened: Instant,
    idle_since: Instant,
    statement_timeout: Duration,
    secret: Option<String>,
    /// The connector the connection was opened with: a cancel request goes the same way (a server
    /// that requires TLS refuses a plaintext cancel, and `sslmode=require` refuses to send one).
    cancel_tls: Option<MakeRustlsConnect>,
    /// Set when a statement was abandoned on the client side: the connection is not reused.
    broken: bool,
}

impl Drop for PgConn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PgConn {
    pub fn client(&self) -> &tokio_postgres::Client {
        &self.client
    }

    pub fn is_usable(&self) -> bool {
        !self.broken && !self.client.is_closed()
    }

    /// The backend pid of this connection (for tests and self-exclusion).
    pub async fn backend_pid(&mut self) -> Result<i32, DbError> {
        let rows = self.query("SELECT pg_backend_pid() AS pid").await?;
        rows.rows
            .first()
            .and_then(|r| r.i64("pid"))
            .and_then(|p| i32::try_from(p).ok())
            .ok_or_else(|| DbError::Query { message: "no pid".into(), code: None })
    }

    /// The session's `statement_timeout` now (the plan's, unless [`PgConn::set_statement_timeout`]
    /// changed it).
    pub fn statement_timeout(&self) -> Duration {
        self.statement_timeout
    }

    /// Sets the session's `statement_timeout` (whole milliseconds, at least 1) when it differs from
    /// the current one: one `SET`, no statement when it is already in force. The client deadline
    /// of [`PgConn::query`] follows it. The receiver lowers it to the circuit breaker's adaptive
    /// timeout around its query-intelligence statements and puts the plan's back after them.
    pub async fn set_statement_timeout(&mut self, timeout: Duration) -> Result<(), DbError> {
        let ms = timeout.as_millis().clamp(1, u128::from(u32::MAX >> 1));
        let timeout = Duration::from_millis(ms as u64);
        if timeout == self.statement_timeout {
            return Ok(());
        }
        self.query(&format!("SET statement_timeout = {ms}")).await?;
        self.statement_timeout = timeout;
        Ok(())
    }

    /// When this connection was opened (a different value means a reconnect).
    pub fn opened_at(&self) -> Instant {
        self.opened
    }

    /// Runs one catalog statement (prefixed with `/* dbintel */`) in the simple protocol, reading
    /// at most [`MAX_ROWS`] rows as text. Bounded by the statement timeout plus a grace period; on
    /// a client-side timeout the statement is cancelled and the connection is not reused.
    pub async fn query(&mut self, sql: &str) -> Result<Rows, DbError> {
        let text = prefixed(sql);
        let limit = self.statement_timeout + CLIENT_GRACE;
        match tokio::time::timeout(limit, simple_rows(&self.client, &text)).await {
            Ok(Ok(rows)) => Ok(rows),
            Ok(Err(e)) => {
                let e = pg_error(&e, self.client.is_closed(), self.secret.as_deref());
                if matches!(e, DbError::Lost(_)) {
                    self.broken = true;
                }
                Err(e)
            }
            Err(_) => {
                self.broken = true;
                dbintel_dbclient::tls::spawn_pg_cancel(
                    self.client.cancel_token(),
                    self.cancel_tls.clone(),
                    Duration::from_secs(5),
                );
                Err(DbError::Timeout(limit))
            }
        }
    }
}

async fn simple_rows(client: &tokio_postgres::Client, text: &str) -> Result<Rows, tokio_postgres::Error> {
    let stream = client.simple_query_raw(text).await?;
    futures::pin_mut!(stream);
    let mut out = Rows::default();
    let mut columns: Option<Arc<[String]>> = None;
    while let Some(msg) = stream.next().await {
        match msg? {
            SimpleQueryMessage::RowDescription(cols) => {
                columns = Some(cols.iter().map(|c| c.name().to_string()).collect::<Vec<_>>().into());
            }
            SimpleQueryMessage::Row(row) => {
                if out.rows.len() >= MAX_ROWS {
                    out.truncated = true;
                    continue;
                }
                let cols = columns
                    .get_or_insert_with(|| {
                        row.columns().iter().map(|c| c.name().to_string()).collect::<Vec<_>>().into()
                    })
                    .clone();
                let values =
                    (0..row.len()).map(|i| row.try_get(i).ok().flatten().map(str::to_string)).collect();
                out.rows.push(Row::new(cols, values));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Who a connection works for: the component id its server notices are logged under, and the gauge
/// of live connections (up while the connection's task runs, down when it ends, errors or is dropped).
#[derive(Debug, Clone, Default)]
pub struct ConnOwner {
    pub component: String,
    pub live: Option<Gauge>,
}

/// Holds one unit of the live-connection gauge for as long as it exists.
struct LiveGuard(Option<Gauge>);

impl LiveGuard {
    fn new(gauge: Option<Gauge>) -> Self {
        if let Some(g) = &gauge {
            g.add(1);
        }
        Self(gauge)
    }
}

impl Drop for LiveGuard {
    fn drop(&mut self) {
        if let Some(g) = &self.0 {
            g.add(-1);
        }
    }
}

/// Opens one connection to `database` and sets the session up; also detects the server version.
pub async fn connect(
    plan: &ConnectPlan,
    database: &str,
    tls: Option<&MakeRustlsConnect>,
    owner: &ConnOwner,
) -> Result<PgConn, DbError> {
    let password = match (&plan.password, &plan.password_file) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(f)) => Some(read_password_file_async(f).await.map_err(|cause| DbError::Connect {
            endpoint: plan.endpoint(),
            cause: format!("password_file: {cause}"),
            kind: ConnectFailure::Local,
        })?),
        (None, None) => None,
    };
    let secret = password.clone();
    let mut config = tokio_postgres::Config::new();
    config.user(&plan.user).dbname(database).port(plan.port).application_name(APPLICATION_NAME);
    #[cfg(unix)]
    if plan.unix {
        config.host_path(&plan.host);
    } else {
        config.host(&plan.host);
    }
    #[cfg(not(unix))]
    config.host(&plan.host);
    if let Some(p) = &password {
        config.password(p.as_bytes());
    }
    // The session settings travel in the startup packet: they apply before the first statement and
    // leave no SET statements in pg_stat_statements.
    let st = plan.statement_timeout.as_millis().max(1);
    let lt = plan.lock_timeout.as_millis().max(1);
    config.options(format!(
        "-c statement_timeout={st} -c lock_timeout={lt} -c default_transaction_read_only=on \
         -c idle_in_transaction_session_timeout={st}"
    ));
    let connect_timeout = plan.statement_timeout.clamp(Duration::from_secs(2), Duration::from_secs(30));
    config.connect_timeout(connect_timeout);
    config.ssl_mode(match plan.tls {
        TlsMode::Disable => SslMode::Disable,
        TlsMode::Prefer => SslMode::Prefer,
        TlsMode::Require { .. } | TlsMode::VerifyFull { .. } => SslMode::Require,
    });
    let limit = plan.statement_timeout.max(Duration::from_secs(2)) + CLIENT_GRACE;
    let notices = NoticeSink { component: owner.component.clone(), database: database.to_string() };
    let attempt = async {
        let (client, task) = match tls {
            Some(tls) if plan.tls != TlsMode::Disable => {
                let (client, connection) = config.connect(tls.clone()).await?;
                let guard = LiveGuard::new(owner.live.clone());
                (client, tokio::spawn(drive(connection, notices, guard)))
            }
            _ => {
                let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
                let guard = LiveGuard::new(owner.live.clone());
                (client, tokio::spawn(drive(connection, notices, guard)))
            }
        };
        Ok::<_, tokio_postgres::Error>((client, task))
    };
    let (client, task) = match tokio::time::timeout(limit, attempt).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return Err(connect_error(&e, plan, secret.as_deref())),
        Err(_) => {
            return Err(DbError::Connect {
                endpoint: plan.endpoint(),
                cause: format!("no connection within {limit:?} (connect timeout {connect_timeout:?})"),
                kind: ConnectFailure::TimedOut,
            });
        }
    };
    let now = Instant::now();
    let mut conn = PgConn {
        client,
        task,
        info: ServerInfo {
            version_num: 0,
            host: plan.host.clone(),
            port: plan.port,
            database: database.to_string(),
        },
        opened: now,
        idle_since: now,
        statement_timeout: plan.statement_timeout,
        secret,
        cancel_tls: tls.filter(|_| plan.tls != TlsMode::Disable).cloned(),
        broken: false,
    };
    let rows =
        conn.query("SELECT current_setting('server_version_num') AS v").await.map_err(|e| match e {
            DbError::Query { message, .. } => DbError::Lost(format!("session setup failed: {message}")),
            other => other,
        })?;
    conn.info.version_num = rows
        .rows
        .first()
        .and_then(|r| r.i64("v"))
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| DbError::Lost("could not read server_version_num".into()))?;
    Ok(conn)
}

/// Where a connection's server notices go: the log, under the component that owns the connection.
struct NoticeSink {
    component: String,
    database: String,
}

impl NoticeSink {
    /// Logs a notice at the level its own severity maps to. Only the SQLSTATE and the message,
    /// cleaned by [`crate::redact::db_text`] (hidden whole when a function raised it); DETAIL, HINT
    /// and CONTEXT may quote statements and are left out.
    fn log(&self, n: &tokio_postgres::error::DbError) {
        use tokio_postgres::error::Severity as S;
        let message = crate::redact::db_text(n);
        let code = n.code().code();
        let (receiver, database, severity) = (&self.component, &self.database, n.severity());
        match n.parsed_severity() {
            Some(S::Warning) => tracing::warn!(
                receiver = %receiver, database = %database, severity, code, "postgresql: server notice: {message}"
            ),
            Some(S::Debug) => tracing::debug!(
                receiver = %receiver, database = %database, severity, code, "postgresql: server notice: {message}"
            ),
            Some(S::Error | S::Fatal | S::Panic) => tracing::error!(
                receiver = %receiver, database = %database, severity, code, "postgresql: server notice: {message}"
            ),
            _ => tracing::info!(
                receiver = %receiver, database = %database, severity, code, "postgresql: server notice: {message}"
            ),
        }
    }
}

/// Runs a connection until it ends, logging its notices; the guard keeps the live gauge counted.
async fn drive<S, T>(mut connection: tokio_postgres::Connection<S, T>, notices: NoticeSink, _live: LiveGuard)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    loop {
        match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
            Some(Ok(tokio_postgres::AsyncMessage::Notice(n))) => notices.log(&n),
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                tracing::debug!(
                    receiver = %notices.component, database = %notices.database, error = %describe(&e),
                    "postgresql: connection ended"
                );
                break;
            }
            None => break,
        }
    }
}

/// Backoff between connection attempts to one database: [`dbintel_dbclient::Backoff`] (1s, 2s, 4s,
/// ... with jitter that only shortens a step) capped at `max` (the receiver passes its collection
/// interval, so a server that comes back is reached within about one interval, while a server that
/// stays down sees at most one attempt per interval and database), plus when the next attempt is due.
#[derive(Debug, Clone)]
pub struct Backoff {
    steps: dbintel_dbclient::Backoff,
    pub retry_at: Option<Instant>,
    pub failures: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new(BACKOFF_MAX)
    }
}

impl Backoff {
    /// A backoff whose steps never exceed `max` (itself kept within 1s..60s).
    pub fn new(max: Duration) -> Self {
        let max = max.clamp(BACKOFF_START, BACKOFF_MAX);
        Self { steps: dbintel_dbclient::Backoff::new(max), retry_at: None, failures: 0 }
    }
    pub fn reset(&mut self) {
        *self = Self::new(self.steps.cap());
    }
    pub fn ready(&self, now: Instant) -> bool {
        self.retry_at.is_none_or(|t| now >= t)
    }
    pub fn failed(&mut self, now: Instant) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let d = self.steps.next_delay();
        self.retry_at = Some(now + d);
        d
    }
}

/// A capped pool of connections to one database.
pub struct DbPool {
    pub database: String,
    idle: Vec<PgConn>,
    checked_out: u32,
    max_open: u32,
    max_idle_time: Option<Duration>,
    max_lifetime: Option<Duration>,
    pub backoff: Backoff,
    /// Connections opened over the pool's life (to show reuse in tests).
    pub opened_total: u64,
    owner: ConnOwner,
}

impl DbPool {
    pub fn new(
        database: &str,
        max_open: u32,
        max_idle_time: Option<Duration>,
        max_lifetime: Option<Duration>,
    ) -> Self {
        Self {
            database: database.to_string(),
            idle: Vec::new(),
            checked_out: 0,
            max_open: max_open.max(1),
            max_idle_time,
            max_lifetime,
            backoff: Backoff::default(),
            opened_total: 0,
            owner: ConnOwner::default(),
        }
    }

    /// Sets who the pool's connections work for and the longest backoff step.
    pub fn with_owner(mut self, owner: ConnOwner, backoff_max: Duration) -> Self {
        self.owner = owner;
        self.backoff = Backoff::new(backoff_max);
        self
    }

    pub fn open_count(&self) -> usize {
        self.idle.len() + self.checked_out as usize
    }

    /// An idle connection or a new one. `Ok(None)` when the pool is at its cap or backing off.
    pub async fn get(
        &mut self,
        plan: &ConnectPlan,
        tls: Option<&MakeRustlsConnect>,
    ) -> Result<Option<PgConn>, DbError> {
        let now = Instant::now();
        self.idle.retain(|c| {
            c.is_usable()
                && self.max_idle_time.is_none_or(|t| now.duration_since(c.idle_since) < t)
                && self.max_lifetime.is_none_or(|t| now.duration_since(c.opened) < t)
        });
        if let Some(c) = self.idle.pop() {
            self.checked_out += 1;
            return Ok(Some(c));
        }
        if self.checked_out >= self.max_open || !self.backoff.ready(now) {
            return Ok(None);
        }
        match connect(plan, &self.database, tls, &self.owner).await {
            Ok(c) => {
                self.backoff.reset();
                self.checked_out += 1;
                self.opened_total += 1;
                Ok(Some(c))
            }
            Err(e) => {
                self.backoff.failed(Instant::now());
                Err(e)
            }
        }
    }

    /// Returns a connection; a broken one is closed.
    pub fn put(&mut self, mut conn: PgConn) {
        self.checked_out = self.checked_out.saturating_sub(1);
        if conn.is_usable() && self.idle.len() < self.max_open as usize {
            conn.idle_since = Instant::now();
            self.idle.push(conn);
        }
    }
}

/// The pools of every monitored database, bounded by the number of databases.
#[derive(Default)]
pub struct Pools {
    pub by_db: BTreeMap<String, DbPool>,
    owner: ConnOwner,
    backoff_max: Option<Duration>,
}

impl Pools {
    /// Pools whose connections work for `owner`, with backoff steps of at most `backoff_max`.
    pub fn new(owner: ConnOwner, backoff_max: Duration) -> Self {
        Self { by_db: BTreeMap::new(), owner, backoff_max: Some(backoff_max) }
    }

    pub fn pool(
        &mut self,
        database: &str,
        max_open: u32,
        max_idle_time: Option<Duration>,
        max_lifetime: Option<Duration>,
    ) -> &mut DbPool {
        let (owner, backoff_max) = (&self.owner, self.backoff_max.unwrap_or(BACKOFF_MAX));
        self.by_db.entry(database.to_string()).or_insert_with(|| {
            DbPool::new(database, max_open, max_idle_time, max_lifetime)
                .with_owner(owner.clone(), backoff_max)
        })
    }

    /// Closes the pools of databases that are no longer monitored.
    pub fn retain(&mut self, keep: &[String]) {
        self.by_db.retain(|db, _| keep.iter().any(|k| k == db));
    }

    pub fn open_connections(&self) -> usize {
        self.by_db.values().map(DbPool::open_count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_typed_values_and_never_panic() {
        let obj = serde_json::json!({"a": "12", "b": "12.0", "c": null, "d": "x", "e": "t", "f": 3.5});
        let r = Row::from_json(obj.as_object().unwrap());
        assert_eq!(r.i64("a"), Some(12));
        assert_eq!(r.i64("b"), Some(12));
        assert_eq!(r.i64("c"), None);
        assert_eq!(r.i64("d"), None);
        assert_eq!(r.i64("zz"), None);
        assert_eq!(r.bool("e"), Some(true));
        assert_eq!(r.f64("f"), Some(3.5));
        assert_eq!(r.i64("f"), None);
    }

    #[test]
    fn backoff_grows_and_caps() {
        let mut b = Backoff::default();
        let now = Instant::now();
        let mut last = Duration::ZERO;
        for _ in 0..10 {
            last = b.failed(now);
        }
        assert!(last <= BACKOFF_MAX);
        assert!(!b.ready(now));
        b.reset();
        assert!(b.ready(now));
    }

    #[test]
    fn backoff_never_waits_longer_than_its_cap() {
        for cap in [Duration::from_secs(1), Duration::from_secs(10), Duration::from_secs(3600)] {
            let mut b = Backoff::new(cap);
            let now = Instant::now();
            let steps: Vec<Duration> = (0..12).map(|_| b.failed(now)).collect();
            let cap = cap.min(BACKOFF_MAX);
            assert!(steps.iter().all(|d| *d <= cap), "{cap:?}: {steps:?}");
            // Bounded attempt rate: once grown, a step is at least half the cap.
            assert!(steps[11] >= cap / 2, "{cap:?}: {steps:?}");
            b.reset();
            assert!(b.ready(now));
            assert!(b.failed(now) <= BACKOFF_START);
        }
    }

    #[test]
    fn connect_messages_keep_the_cause_and_hide_secrets() {
        assert_eq!(
            scrub("for postgres://u:hunter22@h/db password hunter22", Some("hunter22")),
            "for postgres://u:***@h/db password ***"
        );
    }

    #[test]
    fn scrub_hides_secret() {
        assert_eq!(scrub("password hunter2 wrong", Some("hunter2")), "password *** wrong");
    }
}
