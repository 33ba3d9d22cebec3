//! The receiver's one long-lived connection (mysql_async through dbintel-dbclient's TLS), with the
//! session set up as invariant 3 asks: connect attribute `program_name=dbintel`, a statement time
//! limit (`max_statement_time` on MariaDB, `max_execution_time` on MySQL), `lock_wait_timeout`,
//! read-only transactions, and the `/* dbintel */` prefix on every statement.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use dbintel_dbclient::{APPLICATION_NAME, DbError, mysql_code_hint, prefixed};
use mysql_async::prelude::Queryable;

use crate::config::ConnectPlan;

/// Rows read from one result at most (`SHOW GLOBAL STATUS` has about 500 to 1000).
pub const MAX_ROWS: usize = 10_000;
/// Distinct statement texts a connection remembers having sent (see [`Source::sent_statements`]).
pub const MAX_SENT_TEXTS: usize = 256;
/// How long opening a connection (with its session setup) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What the server is, detected once per connection with `SELECT VERSION()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    /// As the server reports it (`10.11.6-MariaDB-0+deb12u1`, `8.0.36`).
    pub version: String,
    pub mariadb: bool,
}

impl ServerInfo {
    /// From `SELECT VERSION()`: MariaDB says so in the string (some releases behind the
    /// `5.5.5-` prefix that old clients needed).
    pub fn from_version(version: &str) -> Self {
        let version = version.trim();
        let mariadb = version.to_ascii_lowercase().contains("mariadb");
        let version = if mariadb { version.strip_prefix("5.5.5-").unwrap_or(version) } else { version };
        Self { version: version.to_string(), mariadb }
    }

    /// MySQL 5.x: past its end of life (5.7's ended in October 2023).
    pub fn end_of_life(&self) -> bool {
        !self.mariadb && self.version.starts_with("5.")
    }

    /// `mariadb` or `mysql`.
    pub fn flavor(&self) -> &'static str {
        if self.mariadb { "mariadb" } else { "mysql" }
    }

    /// The leading `major.minor.patch` numbers (missing parts are 0; `(0, 0, 0)` when unknown).
    pub fn numbers(&self) -> (u32, u32, u32) {
        let mut parts =
            self.version.split(|c: char| !c.is_ascii_digit()).take(3).map(|p| p.parse::<u32>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }

    /// MySQL (not MariaDB) at this version or later.
    pub fn mysql_at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        !self.mariadb && self.numbers() >= (major, minor, patch)
    }

    /// MariaDB at this version or later.
    pub fn mariadb_at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.mariadb && self.numbers() >= (major, minor, patch)
    }

    /// `events_statements_summary_by_digest.QUERY_SAMPLE_TEXT` exists (MySQL >= 8.0.3).
    pub fn has_query_sample_text(&self) -> bool {
        self.mysql_at_least(8, 0, 3)
    }

    /// `SHOW REPLICA STATUS` (MySQL >= 8.0.22); older MySQL and MariaDB: `SHOW SLAVE STATUS`, as
    /// contrib does.
    pub fn replica_status_sql(&self) -> &'static str {
        if self.mysql_at_least(8, 0, 22) { "SHOW REPLICA STATUS" } else { "SHOW SLAVE STATUS" }
    }

    /// `performance_schema.processlist` exists (MySQL >= 8.0.22): host:port of clients without
    /// the global mutex of information_schema.PROCESSLIST.
    pub fn has_ps_processlist(&self) -> bool {
        self.mysql_at_least(8, 0, 22)
    }

    /// Lock waits in `performance_schema.data_lock_waits` (MySQL >= 8.0.1); before that and on
    /// MariaDB, `information_schema.INNODB_LOCK_WAITS`.
    pub fn has_data_lock_waits(&self) -> bool {
        self.mysql_at_least(8, 0, 1)
    }

    /// Redo-log LSNs in `SHOW GLOBAL STATUS` (MySQL >= 8.0.30; `Innodb_redo_log_*`).
    pub fn redo_log_in_status(&self) -> bool {
        self.mysql_at_least(8, 0, 30)
    }
}

/// One result row as the text protocol sends it (NULL as `None`).
pub type TextRow = Vec<Option<String>>;

/// Where the collectors read rows from: the live connection ([`MyConn`]) or recorded result sets
/// ([`crate::replay::Replay`], the golden tests of versions that cannot run here). Collectors take
/// `&mut dyn Source`, so every SQL text a version gets is the same in both.
#[async_trait]
pub trait Source: Send {
    /// The server, detected once per connection.
    fn info(&self) -> &ServerInfo;

    /// Rows of one statement (the `/* dbintel */` prefix is added by the live connection), at
    /// most [`MAX_ROWS`]. `DbError::Lost` means the connection cannot be used any more.
    async fn rows(&mut self, sql: &str) -> Result<Vec<TextRow>, DbError>;

    /// Rows with the result's column names, for results whose columns differ by version
    /// (`SHOW REPLICA STATUS`). The default knows no names.
    async fn named_rows(&mut self, sql: &str) -> Result<(Vec<String>, Vec<TextRow>), DbError> {
        Ok((Vec::new(), self.rows(sql).await?))
    }

    /// A two-column result (`SHOW GLOBAL STATUS`, `SHOW GLOBAL VARIABLES`) by its first column.
    async fn name_values(&mut self, sql: &str) -> Result<HashMap<String, Option<String>>, DbError> {
        let rows = self.rows(sql).await?;
        Ok(rows
            .into_iter()
            .filter_map(|mut r| {
                let value = if r.len() > 1 { r.swap_remove(1) } else { None };
                Some((r.into_iter().next()??, value))
            })
            .collect())
    }

    /// Distinct statement texts sent so far (without the prefix): the top-query collector never
    /// reports a digest of one of them (MariaDB strips the `/* dbintel */` comment from digests).
    fn sent_statements(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Remembers a statement text for [`Source::sent_statements`]: bounded, the first ones kept (the
/// fixed statements come first). Texts that exclude themselves (a `dbintel_` alias) and EXPLAINs
/// (excluded by the digest filter, and one per application statement) are not kept.
fn note_sent(sent: &mut BTreeSet<String>, sql: &str) {
    let t = sql.trim();
    if sent.len() >= MAX_SENT_TEXTS
        || t.len() > 4096
        || t.contains("dbintel_")
        || t.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("EXPLAIN"))
    {
        return;
    }
    if !sent.contains(t) {
        sent.insert(t.to_string());
    }
}

/// An open, set-up connection.
pub struct MyConn {
    conn: mysql_async::Conn,
    pub info: ServerInfo,
    /// Client-side deadline of one statement.
    deadline: Duration,
    /// The session's statement time limit now (the plan's unless [`MyConn::set_statement_limit`]
    /// changed it).
    limit: Duration,
    secret: Option<String>,
    sent: BTreeSet<String>,
    /// Set once a statement was abandoned or the connection failed: mysql_async cannot reuse such a
    /// connection (the abandoned result would be read as the next one's), so every later statement
    /// fails at once and the caller reconnects instead of waiting out a deadline per statement.
    broken: Option<String>,
}

fn scrub(text: &str, secret: Option<&str>) -> String {
    match secret {
        Some(s) if s.len() >= 3 => text.replace(s, "***"),
        _ => text.to_string(),
    }
}

/// The driver error as a [`DbError`]: `Lost` when the connection cannot be used any more.
fn my_error(e: &mysql_async::Error, secret: Option<&str>) -> DbError {
    let message = scrub(&e.to_string(), secret);
    match e {
        mysql_async::Error::Server(s) => {
            // 1927 connection killed, 1053 server shutdown, 4031 idle disconnect, 2006/2013 gone away.
            if matches!(s.code, 1927 | 1053 | 4031 | 2006 | 2013) {
                DbError::Lost(message)
            } else {
                let hint = mysql_code_hint(s.code).unwrap_or(
                    "run the statement with the mysql client as the monitoring user to see why it fails",
                );
                DbError::Query { message, code: Some(s.code.to_string()), hint }
            }
        }
        mysql_async::Error::Io(_) | mysql_async::Error::Driver(_) => {
            let hint = dbintel_dbclient::tls::tls_failure_hint(&message);
            DbError::Lost(match hint {
                Some(h) => format!("{message} (to fix: {h})"),
                None => message,
            })
        }
        _ => DbError::Query { message, code: None, hint: "check the receiver's settings" },
    }
}

async fn read_password(plan: &ConnectPlan) -> Result<Option<String>, DbError> {
    match (&plan.password, &plan.password_file) {
        (Some(p), _) => Ok(Some(p.clone())),
        (None, Some(path)) => dbintel_dbclient::credentials::read_password_file_async(path)
            .await
            .map(Some)
            .map_err(|cause| DbError::Lost(format!("password_file: {cause}"))),
        (None, None) => Ok(None),
    }
}

impl MyConn {
    /// Connects and sets the session up, within [`CONNECT_TIMEOUT`].
    pub async fn connect(plan: &ConnectPlan) -> Result<MyConn, DbError> {
        match tokio::time::timeout(CONNECT_TIMEOUT, Self::connect_unbounded(plan)).await {
            Ok(r) => r,
            Err(_) => Err(DbError::Lost(format!(
                "no connection to {} within {}s",
                plan.endpoint(),
                CONNECT_TIMEOUT.as_secs()
            ))),
        }
    }

    async fn connect_unbounded(plan: &ConnectPlan) -> Result<MyConn, DbError> {
        let password = read_password(plan).await?;
        let secret = password.clone();
        let mut opts = mysql_async::OptsBuilder::default()
            .user(Some(plan.user.clone()))
            .pass(password)
            .db_name((!plan.database.is_empty()).then(|| plan.database.clone()))
            .prefer_socket(false)
            .connect_attribute("program_name", APPLICATION_NAME);
        opts = if plan.unix {
            opts.socket(Some(plan.host.clone()))
        } else {
            opts.ip_or_hostname(plan.host.clone()).tcp_port(plan.port)
        };
        let ssl = plan.tls.mysql_ssl_opts().map_err(|e| DbError::Lost(e.to_string()))?;
        let opts: mysql_async::Opts = opts.ssl_opts(ssl).into();
        let conn = mysql_async::Conn::new(opts).await.map_err(|e| my_error(&e, secret.as_deref()))?;
        let deadline = plan.statement_timeout + Duration::from_secs(1);
        let mut c = MyConn {
            conn,
            info: ServerInfo::from_version(""),
            deadline,
            limit: plan.statement_timeout,
            secret,
            sent: BTreeSet::new(),
            broken: None,
        };
        let version = c.first_text("SELECT VERSION()").await?.unwrap_or_default();
        c.info = ServerInfo::from_version(&version);
        c.set_up_session(plan.statement_timeout).await?;
        Ok(c)
    }

    /// The statement limit as this server's session variable takes it: MariaDB's
    /// `max_statement_time` in seconds (every statement, microsecond precision), MySQL's
    /// `max_execution_time` in milliseconds (SELECT). Never 0, which would mean "no limit".
    fn limit_sql(&self, timeout: Duration) -> (Duration, String) {
        if self.info.mariadb {
            let t = Duration::from_micros(timeout.as_micros().clamp(1, u128::from(u64::MAX)) as u64);
            (t, format!("SET SESSION max_statement_time = {}", t.as_secs_f64()))
        } else {
            let ms = timeout.as_millis().clamp(1, u128::from(u32::MAX));
            (Duration::from_millis(ms as u64), format!("SET SESSION max_execution_time = {ms}"))
        }
    }

    /// The session's statement time limit now.
    pub fn statement_limit(&self) -> Duration {
        self.limit
    }

    /// Sets the session's statement time limit when it differs from the current one (one `SET`;
    /// nothing when it is already in force). The receiver lowers it to the circuit breaker's
    /// adaptive timeout around its query-intelligence statements and puts the plan's back after.
    /// The client-side deadline stays the plan's (it only guards against a server that never
    /// answers).
    pub async fn set_statement_limit(&mut self, timeout: Duration) -> Result<(), DbError> {
        let (t, sql) = self.limit_sql(timeout);
        if t == self.limit {
            return Ok(());
        }
        self.exec(&sql).await?;
        self.limit = t;
        Ok(())
    }

    async fn set_up_session(&mut self, timeout: Duration) -> Result<(), DbError> {
        let lock_secs = timeout.as_secs().clamp(1, 5);
        let (t, limit) = self.limit_sql(timeout);
        self.limit = t;
        for stmt in [
            limit,
            format!("SET SESSION lock_wait_timeout = {lock_secs}"),
            format!("SET SESSION innodb_lock_wait_timeout = {lock_secs}"),
            "SET SESSION TRANSACTION READ ONLY".to_string(),
        ] {
            if let Err(e) = self.exec(&stmt).await {
                if matches!(e, DbError::Lost(_)) {
                    return Err(e);
                }
                tracing::debug!(error = %e, statement = %stmt, "mysql: session setting not applied");
            }
        }
        Ok(())
    }

    async fn exec(&mut self, sql: &str) -> Result<(), DbError> {
        note_sent(&mut self.sent, sql);
        let text = prefixed(sql);
        self.usable()?;
        let r = match tokio::time::timeout(self.deadline, self.conn.query_drop(text)).await {
            Ok(r) => r.map_err(|e| my_error(&e, self.secret.as_deref())),
            // mysql_async cannot use a connection whose statement was abandoned.
            Err(_) => Err(DbError::Lost(format!("no answer within {}s", self.deadline.as_secs()))),
        };
        self.note_failure(r)
    }

    async fn first_text(&mut self, sql: &str) -> Result<Option<String>, DbError> {
        Ok(self.rows(sql).await?.into_iter().next().and_then(|r| r.into_iter().next()).flatten())
    }

    /// `Lost` at once when an earlier statement left the connection unusable.
    fn usable(&self) -> Result<(), DbError> {
        match &self.broken {
            Some(why) => Err(DbError::Lost(format!("connection unusable after an earlier failure ({why})"))),
            None => Ok(()),
        }
    }

    /// Remembers a lost connection, so later statements do not wait on it.
    fn note_failure<T>(&mut self, r: Result<T, DbError>) -> Result<T, DbError> {
        if let Err(DbError::Lost(why)) = &r {
            self.broken.get_or_insert_with(|| why.clone());
        }
        r
    }

    /// Closes the connection politely (bounded in time).
    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.conn.disconnect()).await;
    }
}

#[async_trait]
impl Source for MyConn {
    fn info(&self) -> &ServerInfo {
        &self.info
    }

    fn sent_statements(&self) -> Vec<String> {
        self.sent.iter().cloned().collect()
    }

    async fn rows(&mut self, sql: &str) -> Result<Vec<TextRow>, DbError> {
        Ok(self.named_rows(sql).await?.1)
    }

    async fn named_rows(&mut self, sql: &str) -> Result<(Vec<String>, Vec<TextRow>), DbError> {
        self.usable()?;
        note_sent(&mut self.sent, sql);
        let text = prefixed(sql);
        let secret = self.secret.clone();
        let read = async {
            let mut result = self.conn.query_iter(text).await?;
            let mut rows = Vec::new();
            let mut names = Vec::new();
            while let Some(row) = result.next().await? {
                if names.is_empty() {
                    names = row.columns_ref().iter().map(|c| c.name_str().into_owned()).collect();
                }
                if rows.len() >= MAX_ROWS {
                    continue;
                }
                let cells = (0..row.len())
                    .map(|i| match row.as_ref(i) {
                        Some(mysql_async::Value::Bytes(b)) => Some(String::from_utf8_lossy(b).into_owned()),
                        Some(mysql_async::Value::NULL) | None => None,
                        Some(other) => Some(other.as_sql(true).trim_matches('\'').to_string()),
                    })
                    .collect();
                rows.push(cells);
            }
            result.drop_result().await?;
            Ok::<_, mysql_async::Error>((names, rows))
        };
        let deadline = self.deadline;
        let r = match tokio::time::timeout(deadline, read).await {
            Ok(r) => r.map_err(|e| my_error(&e, secret.as_deref())),
            Err(_) => Err(DbError::Lost(format!("no answer within {}s", deadline.as_secs()))),
        };
        self.note_failure(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_mariadb_from_mysql() {
        let m = ServerInfo::from_version("5.5.5-10.11.6-MariaDB-0+deb12u1");
        assert_eq!(
            (m.version.as_str(), m.mariadb, m.flavor()),
            ("10.11.6-MariaDB-0+deb12u1", true, "mariadb")
        );
        let m = ServerInfo::from_version("8.0.36");
        assert_eq!((m.version.as_str(), m.mariadb, m.flavor()), ("8.0.36", false, "mysql"));
        assert!(!m.end_of_life());
        assert!(ServerInfo::from_version("5.7.44-log").end_of_life());
        assert!(!ServerInfo::from_version("5.5.5-10.5.23-MariaDB").end_of_life());
    }

    #[test]
    fn version_predicates_pick_the_right_sql() {
        let m = ServerInfo::from_version("8.0.36");
        assert_eq!(m.numbers(), (8, 0, 36));
        assert!(m.has_query_sample_text() && m.has_ps_processlist() && m.has_data_lock_waits());
        assert_eq!(m.replica_status_sql(), "SHOW REPLICA STATUS");
        assert!(m.redo_log_in_status());
        let old = ServerInfo::from_version("8.0.21");
        assert_eq!(old.replica_status_sql(), "SHOW SLAVE STATUS");
        assert!(!old.has_ps_processlist() && !old.redo_log_in_status());
        let five = ServerInfo::from_version("5.7.44-log");
        assert!(!five.has_query_sample_text() && !five.has_data_lock_waits());
        let maria = ServerInfo::from_version("5.5.5-10.11.6-MariaDB-0+deb12u1");
        assert_eq!(maria.numbers(), (10, 11, 6));
        assert!(maria.mariadb_at_least(10, 5, 0) && !maria.mysql_at_least(5, 0, 0));
        assert!(!maria.has_query_sample_text() && !maria.has_data_lock_waits());
        assert_eq!(maria.replica_status_sql(), "SHOW SLAVE STATUS");
        assert_eq!(ServerInfo::from_version("").numbers(), (0, 0, 0));
        assert_eq!(ServerInfo::from_version("9.1.0").numbers(), (9, 1, 0));
    }

    #[test]
    fn scrub_hides_the_password() {
        assert_eq!(
            scrub("Access denied (using password hunter2)", Some("hunter2")),
            "Access denied (using password ***)"
        );
        assert_eq!(scrub("x", None), "x");
    }
}
