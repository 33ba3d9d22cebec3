//! Errors of the query collectors, classified so that each carries an exact remediation hint.

use std::fmt;

/// Why a collector run failed. Messages never contain query text or credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CollectError {
    #[error("pg_stat_statements is not installed in database {database:?}")]
    ExtensionMissing { database: String },
    #[error("pg_stat_statements is not loaded by the server (it is missing from shared_preload_libraries)")]
    NotPreloaded,
    #[error("the installed pg_stat_statements extension is older than the server's ({message})")]
    ExtensionOutdated { message: String },
    #[error("permission denied ({message})")]
    Permission { message: String },
    #[error("query failed with SQLSTATE {code}: {message}")]
    Query { code: String, message: String },
    #[error("connection problem: {0}")]
    Connection(String),
    #[error("unexpected row shape: {0}")]
    Decode(String),
}

impl CollectError {
    /// Classifies a driver error from a statement that reads pg_stat_statements (or the activity
    /// views) in `database`.
    pub fn from_pg(e: &tokio_postgres::Error, database: &str) -> Self {
        let Some(db) = e.as_db_error() else {
            return if e.is_closed() {
                CollectError::Connection("the connection is closed".into())
            } else {
                CollectError::Connection(crate::conn::describe(e))
            };
        };
        let code = db.code().code();
        // A message about a statement may quote it: obfuscated like any query text.
        let message = crate::redact::db_text(db);
        let mentions_pgss = message.contains("pg_stat_statements");
        match code {
            "55000" if message.contains("shared_preload_libraries") => CollectError::NotPreloaded,
            "42P01" | "42883" if mentions_pgss => {
                CollectError::ExtensionMissing { database: database.to_string() }
            }
            "42703" if mentions_pgss || message.contains("toplevel") || message.contains("stats_since") => {
                CollectError::ExtensionOutdated { message }
            }
            "42501" => CollectError::Permission { message },
            _ => CollectError::Query { code: code.to_string(), message },
        }
    }

    /// A short stable name for logs and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            CollectError::ExtensionMissing { .. } => "extension_missing",
            CollectError::NotPreloaded => "not_preloaded",
            CollectError::ExtensionOutdated { .. } => "extension_outdated",
            CollectError::Permission { .. } => "permission",
            CollectError::Query { .. } => "query",
            CollectError::Connection(_) => "connection",
            CollectError::Decode(_) => "decode",
        }
    }

    /// The exact fix, for a user named `user` (the monitoring role).
    pub fn hint(&self, user: &str) -> String {
        let user = if user.is_empty() { "<monitoring user>" } else { user };
        match self {
            CollectError::ExtensionMissing { database } => format!(
                "run CREATE EXTENSION pg_stat_statements; in database {database:?} (as a superuser or the \
                 database owner); pg_stat_statements must also be in shared_preload_libraries"
            ),
            CollectError::NotPreloaded => "add pg_stat_statements to the libraries already in \
                shared_preload_libraries (SHOW shared_preload_libraries; then ALTER SYSTEM SET \
                shared_preload_libraries = <every library listed>, 'pg_stat_statements';), set compute_query_id \
                = on, and restart PostgreSQL; `dbintel doctor` prints the exact command"
                .to_string(),
            CollectError::ExtensionOutdated { .. } => {
                "run ALTER EXTENSION pg_stat_statements UPDATE; in the monitored database".to_string()
            }
            CollectError::Permission { .. } => {
                format!("run GRANT pg_monitor TO {user}; (or at least GRANT pg_read_all_stats TO {user};)")
            }
            CollectError::Query { .. } => {
                "check the server log for the failing dbintel statement".to_string()
            }
            CollectError::Connection(_) => "the receiver reconnects on its next scrape".to_string(),
            CollectError::Decode(_) => "report this as a dbintel bug with the server version".to_string(),
        }
    }
}

/// A problem reported to the caller once per streak (the first failure, or a failure of a different
/// kind than the previous run's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryProblem {
    /// `top_query`, `query_sample` or `query_plan`.
    pub collector: &'static str,
    pub error: CollectError,
    pub hint: String,
}

impl fmt::Display for QueryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}; fix: {}", self.collector, self.error, self.hint)
    }
}
