//! One long-lived connection per receiver, for PostgreSQL (tokio-postgres) or MySQL/MariaDB
//! (mysql_async), with the session set up as invariant 3 asks: application name `dbintel`, a
//! statement timeout, a lock timeout, read-only transactions, and a `/* dbintel */` prefix on every
//! statement.

use std::time::Duration;

use futures::StreamExt;
use tokio::task::JoinHandle;

use crate::cell::{Cell, PgCell, TextParam, from_mysql};
use crate::dsn::{DataSource, scrub};

use dbintel_dbclient::prefixed;
pub use dbintel_dbclient::{APPLICATION_NAME, STATEMENT_PREFIX};
use tokio_postgres_rustls::MakeRustlsConnect;
/// Rows read from one query result at most; the rest is discarded with a warning.
pub const MAX_ROWS_PER_QUERY: usize = 100_000;

/// A query result, read by column name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultSet {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// True when the result had more than [`MAX_ROWS_PER_QUERY`] rows.
    pub truncated: bool,
    /// Rows read past [`MAX_ROWS_PER_QUERY`] and dropped.
    pub dropped_rows: u64,
}

impl ResultSet {
    /// Index of a column: exact name first, then case-insensitively.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c == name)
            .or_else(|| self.columns.iter().position(|c| c.eq_ignore_ascii_case(name)))
    }
}

/// What went wrong with a query or connection (the shared type). Messages never contain the password.
pub use dbintel_dbclient::DbError;

pub struct ServerInfo {
    /// `db.system.name`: `postgresql`, `mysql` or `mariadb`.
    pub system_name: &'static str,
    pub version: String,
}

pub enum Connection {
    /// `tls`: the connector the connection was opened with; a cancel request goes the same way.
    Pg { client: tokio_postgres::Client, task: JoinHandle<()>, tls: Option<MakeRustlsConnect> },
    /// `opts`: what the connection was opened with (TLS included), for the `KILL QUERY` connection.
    My { conn: Box<mysql_async::Conn>, opts: Box<mysql_async::Opts> },
}

/// What cancels a running statement from outside, over the same TLS as its connection.
pub enum Cancel {
    /// PostgreSQL's cancel request.
    Pg { token: tokio_postgres::CancelToken, tls: Option<MakeRustlsConnect> },
    /// `KILL QUERY <id>` from a second short-lived connection.
    My { opts: Box<mysql_async::Opts>, id: u32 },
}

/// How long a cancel request may take.
const CANCEL_LIMIT: Duration = Duration::from_secs(2);

impl Cancel {
    /// Sends the cancel request in the background, bounded in time.
    pub fn spawn(self) {
        match self {
            Cancel::Pg { token, tls } => dbintel_dbclient::tls::spawn_pg_cancel(token, tls, CANCEL_LIMIT),
            Cancel::My { opts, id } => {
                tokio::spawn(async move {
                    use mysql_async::prelude::Queryable;
                    let kill = async {
                        let mut conn = mysql_async::Conn::new(*opts).await?;
                        conn.query_drop(prefixed(&format!("KILL QUERY {id}"))).await?;
                        conn.disconnect().await
                    };
                    match tokio::time::timeout(CANCEL_LIMIT, kill).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => {
                            tracing::debug!(error = %scrub(&e.to_string(), None), "sqlquery: KILL QUERY failed")
                        }
                        Err(_) => tracing::debug!("sqlquery: KILL QUERY timed out"),
                    }
                });
            }
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Connection::Pg { task, .. } = self {
            task.abort();
        }
    }
}

fn pg_hint(code: &str) -> &'static str {
    match code {
        "42601" => "fix the SQL syntax (in YAML write `$$1` for the `$1` placeholder)",
        "42P01" => "the table or view does not exist or is not on the search_path of the monitoring user",
        "42703" => "a column in the query does not exist; check the column names",
        "42883" => "a function or operator does not exist: install the extension or add a cast",
        "42501" => "grant the monitoring user the privilege it needs (e.g. GRANT pg_monitor TO <user>)",
        "57014" => "the query hit the statement timeout: make it cheaper or raise `query_timeout`",
        "55P03" => "the query waited for a lock too long (lock_timeout); it will be retried",
        "25006" => "the receiver runs read-only; queries must not write",
        "22P02" | "42804" => "a value or parameter has the wrong type; check tracking_start_value and casts",
        "08P01" => "protocol error: a tracking query needs exactly one `$1` placeholder",
        other => dbintel_dbclient::sqlstate_hint(other)
            .unwrap_or("run the query with psql as the monitoring user to see why it fails"),
    }
}

fn my_hint(code: u16) -> &'static str {
    match code {
        1064 => "fix the SQL syntax of the query",
        1146 => "the table or view does not exist or is not visible to the monitoring user",
        1054 => "a column in the query does not exist; check the column names",
        1142 | 1143 | 1044 | 1227 => {
            "grant the monitoring user the privilege it needs (e.g. GRANT SELECT ...)"
        }
        3024 | 1969 => "the query hit the statement timeout: make it cheaper or raise `query_timeout`",
        1205 => "the query waited for a lock too long; it will be retried",
        1792 => "the receiver runs read-only; queries must not write",
        1210 => "wrong number of placeholders: a tracking query needs exactly one `?`",
        other => dbintel_dbclient::mysql_code_hint(other)
            .unwrap_or("run the query with the mysql client as the monitoring user to see why it fails"),
    }
}

fn pg_error(e: &tokio_postgres::Error, client_closed: bool, secret: Option<&str>) -> DbError {
    let (message, code) = match e.as_db_error() {
        Some(db) => (format!("{}: {}", db.severity(), db.message()), Some(db.code().code().to_string())),
        None => (with_causes(e), e.code().map(|c| c.code().to_string())),
    };
    let message = scrub(&message, secret);
    let lost = client_closed
        || e.is_closed()
        || code.as_deref().is_some_and(|c| c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03"));
    if lost {
        return DbError::Lost(message);
    }
    let hint = code.as_deref().map(pg_hint).unwrap_or("run the query with psql to see why it fails");
    DbError::Query { message, code, hint }
}

/// The driver error with its causes (`error connecting to server: Connection refused (os error
/// 111)`): the driver's own Display leaves the OS or resolver cause out.
fn with_causes(e: &tokio_postgres::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    for _ in 0..8 {
        let Some(cause) = source else { break };
        let text = cause.to_string();
        if !text.is_empty() && !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

fn my_error(e: &mysql_async::Error, secret: Option<&str>) -> DbError {
    let message = scrub(&e.to_string(), secret);
    match e {
        mysql_async::Error::Server(s) => {
            // 1927 connection killed, 1053 server shutdown, 4031 idle disconnect, 2006/2013 gone away.
            if matches!(s.code, 1927 | 1053 | 4031 | 2006 | 2013) {
                DbError::Lost(message)
            } else {
                DbError::Query { message, code: Some(s.code.to_string()), hint: my_hint(s.code) }
            }
        }
        mysql_async::Error::Io(_) | mysql_async::Error::Driver(_) => DbError::Lost(message),
        _ => DbError::Query { message, code: None, hint: "check the query and the datasource" },
    }
}

/// A connection failure's message with what to fix when it was about TLS.
fn with_tls_hint(e: DbError) -> DbError {
    match e {
        DbError::Lost(message) => match dbintel_dbclient::tls::tls_failure_hint(&message) {
            Some(hint) => DbError::Lost(format!("{message} (to fix: {hint})")),
            None => DbError::Lost(message),
        },
        other => other,
    }
}

fn is_no_tls_at_server(e: &mysql_async::Error) -> bool {
    matches!(e, mysql_async::Error::Driver(mysql_async::DriverError::NoClientSslFlagFromServer))
}

impl Connection {
    /// Connects and sets the session up. The caller bounds the time this takes.
    pub async fn connect(
        ds: &DataSource,
        query_timeout: Duration,
    ) -> Result<(Connection, ServerInfo), DbError> {
        let secret = ds.target().password.as_deref();
        let ms = query_timeout.as_millis().max(1);
        let lock_ms = ms.min(5_000);
        match ds {
            DataSource::Postgres { config, tls, .. } => {
                let mut config = (**config).clone();
                config.application_name(APPLICATION_NAME);
                if config.get_connect_timeout().is_none() {
                    config.connect_timeout(query_timeout.max(Duration::from_secs(2)));
                }
                let connector = tls.pg_connector().map_err(|e| DbError::Lost(e.to_string()))?;
                let ended = |e: tokio_postgres::Error| {
                    tracing::debug!(error = %e, "sqlquery: postgres connection ended");
                };
                let (client, task) = match &connector {
                    Some(c) => {
                        let (client, connection) = config
                            .connect(c.clone())
                            .await
                            .map_err(|e| with_tls_hint(pg_error(&e, true, secret)))?;
                        (client, tokio::spawn(async move { connection.await.unwrap_or_else(ended) }))
                    }
                    None => {
                        let (client, connection) = config
                            .connect(tokio_postgres::NoTls)
                            .await
                            .map_err(|e| pg_error(&e, true, secret))?;
                        (client, tokio::spawn(async move { connection.await.unwrap_or_else(ended) }))
                    }
                };
                let setup = prefixed(&format!(
                    "SET statement_timeout = {ms}; SET lock_timeout = {lock_ms}; \
                     SET default_transaction_read_only = on"
                ));
                client.simple_query(&setup).await.map_err(|e| pg_error(&e, client.is_closed(), secret))?;
                let version = match client.simple_query(&prefixed("SHOW server_version")).await {
                    Ok(msgs) => msgs
                        .iter()
                        .find_map(|m| match m {
                            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                            _ => None,
                        })
                        .unwrap_or_default(),
                    Err(_) => String::new(),
                };
                let conn = Connection::Pg { client, task, tls: connector };
                Ok((conn, ServerInfo { system_name: "postgresql", version }))
            }
            DataSource::Mysql { target, tls } => {
                let mut opts = mysql_async::OptsBuilder::default()
                    .user(target.user.clone())
                    .pass(target.password.clone())
                    .db_name(target.database.clone())
                    .prefer_socket(false)
                    .connect_attribute("program_name", APPLICATION_NAME);
                opts = if target.socket {
                    opts.socket(Some(target.host.clone()))
                } else {
                    opts.ip_or_hostname(target.host.clone()).tcp_port(target.port)
                };
                let ssl = tls.mysql_ssl_opts().map_err(|e| DbError::Lost(e.to_string()))?;
                let with_tls: mysql_async::Opts = opts.clone().ssl_opts(ssl).into();
                let (mut conn, used) = match mysql_async::Conn::new(with_tls.clone()).await {
                    Ok(conn) => (conn, with_tls),
                    // PREFERRED / tls=preferred: plaintext when the server offers no TLS.
                    Err(e) if is_no_tls_at_server(&e) && tls.mode.allows_plaintext() => {
                        let plain: mysql_async::Opts = opts.into();
                        (
                            mysql_async::Conn::new(plain.clone()).await.map_err(|e| my_error(&e, secret))?,
                            plain,
                        )
                    }
                    Err(e) => return Err(with_tls_hint(my_error(&e, secret))),
                };
                let version: String =
                    query_first_text(&mut conn, "SELECT VERSION()").await.unwrap_or_default();
                let mariadb = version.to_ascii_lowercase().contains("mariadb");
                let secs = query_timeout.as_secs_f64();
                let lock_secs = query_timeout.as_secs().clamp(1, 5);
                // MariaDB: max_statement_time (seconds, all statements); MySQL: max_execution_time (ms, SELECT).
                let (first, second) = (
                    format!("SET SESSION max_statement_time = {secs}"),
                    format!("SET SESSION max_execution_time = {ms}"),
                );
                let order = if mariadb { [first, second] } else { [second, first] };
                let mut timeout_set = false;
                for stmt in order {
                    if exec_drop(&mut conn, &stmt).await.is_ok() {
                        timeout_set = true;
                        break;
                    }
                }
                if !timeout_set {
                    tracing::warn!(
                        "sqlquery: the server supports neither max_statement_time nor max_execution_time; \
                         only the client-side timeout applies"
                    );
                }
                for stmt in [
                    format!("SET SESSION lock_wait_timeout = {lock_secs}"),
                    format!("SET SESSION innodb_lock_wait_timeout = {lock_secs}"),
                    "SET SESSION TRANSACTION READ ONLY".to_string(),
                ] {
                    if let Err(e) = exec_drop(&mut conn, &stmt).await {
                        let e = my_error(&e, secret);
                        if matches!(e, DbError::Lost(_)) {
                            return Err(e);
                        }
                        tracing::debug!(error = %e, "sqlquery: session setting not applied");
                    }
                }
                let system_name = if mariadb { "mariadb" } else { "mysql" };
                let conn = Connection::My { conn: Box::new(conn), opts: Box::new(used) };
                Ok((conn, ServerInfo { system_name, version }))
            }
        }
    }

    /// A handle to cancel the running statement from outside, over the connection's TLS.
    pub fn cancel_token(&self) -> Option<Cancel> {
        match self {
            Connection::Pg { client, tls, .. } => {
                Some(Cancel::Pg { token: client.cancel_token(), tls: tls.clone() })
            }
            Connection::My { conn, opts } => Some(Cancel::My { opts: opts.clone(), id: conn.id() }),
        }
    }

    /// Whether the connection can survive an abandoned (timed-out) query. mysql_async cannot.
    pub fn survives_abandoned_query(&self) -> bool {
        matches!(self, Connection::Pg { .. })
    }

    /// Runs one statement (with the `/* dbintel */` prefix), binding `param` as the only parameter if
    /// given, and reads at most [`MAX_ROWS_PER_QUERY`] rows.
    pub async fn query(
        &mut self,
        sql: &str,
        param: Option<&str>,
        secret: Option<&str>,
    ) -> Result<ResultSet, DbError> {
        let text = prefixed(sql);
        match self {
            Connection::Pg { client, .. } => {
                let r = match param {
                    None => pg_simple(client, &text).await,
                    Some(p) => pg_typed(client, &text, p).await,
                };
                r.map_err(|e| pg_error(&e, client.is_closed(), secret))
            }
            Connection::My { conn, .. } => match param {
                None => my_query(conn, &text, None).await,
                Some(p) => my_query(conn, &text, Some(p)).await,
            }
            .map_err(|e| my_error(&e, secret)),
        }
    }
}

async fn pg_simple(client: &tokio_postgres::Client, text: &str) -> Result<ResultSet, tokio_postgres::Error> {
    use tokio_postgres::SimpleQueryMessage as M;
    let stream = client.simple_query_raw(text).await?;
    futures::pin_mut!(stream);
    let mut rs = ResultSet::default();
    let mut have_columns = false;
    let mut done_first = false;
    while let Some(msg) = stream.next().await {
        match msg? {
            M::RowDescription(cols) if !have_columns => {
                rs.columns = cols.iter().map(|c| c.name().to_string()).collect();
                have_columns = true;
            }
            M::Row(row) if !done_first => {
                if !have_columns {
                    rs.columns = row.columns().iter().map(|c| c.name().to_string()).collect();
                    have_columns = true;
                }
                if rs.rows.len() >= MAX_ROWS_PER_QUERY {
                    rs.truncated = true;
                    rs.dropped_rows += 1;
                    continue;
                }
                let cells = (0..row.len())
                    .map(|i| match row.try_get(i) {
                        Ok(Some(s)) => Cell::Text(s.to_string()),
                        _ => Cell::Null,
                    })
                    .collect();
                rs.rows.push(cells);
            }
            // Only the first statement that returns rows is used.
            M::CommandComplete(_) if have_columns => done_first = true,
            _ => {}
        }
    }
    Ok(rs)
}

async fn pg_typed(
    client: &tokio_postgres::Client,
    text: &str,
    param: &str,
) -> Result<ResultSet, tokio_postgres::Error> {
    let p = TextParam(param.to_string());
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 1] = [&p];
    let stream = client.query_raw(text, params).await?;
    futures::pin_mut!(stream);
    let mut rs = ResultSet::default();
    while let Some(row) = stream.next().await {
        let row = row?;
        if rs.columns.is_empty() {
            rs.columns = row.columns().iter().map(|c| c.name().to_string()).collect();
        }
        if rs.rows.len() >= MAX_ROWS_PER_QUERY {
            rs.truncated = true;
            rs.dropped_rows += 1;
            continue;
        }
        let cells =
            (0..row.len()).map(|i| row.try_get::<_, PgCell>(i).map(|c| c.0).unwrap_or(Cell::Null)).collect();
        rs.rows.push(cells);
    }
    if rs.columns.is_empty()
        && let Ok(stmt) = client.prepare(text).await
    {
        rs.columns = stmt.columns().iter().map(|c| c.name().to_string()).collect();
    }
    Ok(rs)
}

async fn my_query(
    conn: &mut mysql_async::Conn,
    text: &str,
    param: Option<&str>,
) -> Result<ResultSet, mysql_async::Error> {
    use mysql_async::prelude::Queryable;
    let mut rs = ResultSet::default();
    macro_rules! read {
        ($result:expr) => {{
            let mut result = $result;
            rs.columns = result.columns_ref().iter().map(|c| c.name_str().into_owned()).collect();
            while let Some(row) = result.next().await? {
                if rs.rows.len() >= MAX_ROWS_PER_QUERY {
                    rs.truncated = true;
                    rs.dropped_rows += 1;
                    continue;
                }
                let cells =
                    (0..row.len()).map(|i| row.as_ref(i).map(from_mysql).unwrap_or(Cell::Null)).collect();
                rs.rows.push(cells);
            }
            result.drop_result().await?;
        }};
    }
    match param {
        None => read!(conn.query_iter(text).await?),
        Some(p) => read!(conn.exec_iter(text, vec![mysql_async::Value::from(p)]).await?),
    }
    Ok(rs)
}

async fn exec_drop(conn: &mut mysql_async::Conn, stmt: &str) -> Result<(), mysql_async::Error> {
    use mysql_async::prelude::Queryable;
    conn.query_drop(prefixed(stmt)).await
}

async fn query_first_text(conn: &mut mysql_async::Conn, stmt: &str) -> Option<String> {
    my_query(conn, &prefixed(stmt), None)
        .await
        .ok()
        .and_then(|rs| rs.rows.into_iter().next())
        .and_then(|r| r.into_iter().next())
        .and_then(|c| c.to_text())
}
