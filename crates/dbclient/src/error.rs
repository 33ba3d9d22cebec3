//! One error type for statements and connections of both drivers, with a remediation hint from the
//! PostgreSQL SQLSTATE or the MySQL/MariaDB error code. Messages never contain the password: the
//! caller scrubs driver text before it gets here.

/// What went wrong with a query or a connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// The connection is gone (or could not be made); reconnect with backoff.
    #[error("connection lost: {0}")]
    Lost(String),
    /// The statement failed; the connection is still usable.
    #[error("{message}")]
    Query { message: String, code: Option<String>, hint: &'static str },
}

impl DbError {
    /// What the operator can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            DbError::Lost(_) => "check that the server is up and reachable; dbintel reconnects with backoff",
            DbError::Query { hint, .. } => hint,
        }
    }

    /// The SQLSTATE or MySQL error code, when the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            DbError::Query { code, .. } => code.as_deref(),
            DbError::Lost(_) => None,
        }
    }
}

/// The hint for a PostgreSQL SQLSTATE, when there is a specific one.
pub fn sqlstate_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "28P01" | "28000" => {
            "authentication failed: check the user name and password, that the role exists with LOGIN, \
             and that pg_hba.conf allows it from this host"
        }
        "3D000" => "the database does not exist: fix the database name",
        "42501" => "grant the monitoring role what it needs (e.g. GRANT pg_monitor TO <user>;)",
        "42601" => "fix the SQL syntax of the query",
        "42P01" => "the table or view does not exist or is not on the search_path of the monitoring user",
        "42703" => "a column in the query does not exist; check the column names",
        "42883" => "a function or operator does not exist: install the extension or add a cast",
        "55000" => {
            "an extension must be loaded first (e.g. pg_stat_statements in shared_preload_libraries; restart)"
        }
        "57014" => "the query hit the statement timeout: make it cheaper or raise the timeout",
        "55P03" => "the query waited for a lock too long (lock_timeout); it is retried next interval",
        "25006" => "the session is read-only; monitoring queries must not write",
        "22P02" | "42804" => "a value or parameter has the wrong type; check casts",
        "53300" => "too many connections: raise max_connections or lower the pool size",
        _ => return None,
    })
}

/// The hint for a MySQL/MariaDB error code, when there is a specific one.
pub fn mysql_code_hint(code: u16) -> Option<&'static str> {
    Some(match code {
        1045 => {
            "access denied: check the user name and password, and that the user may connect from this \
             host (CREATE USER 'dbintel'@'<host>' ...)"
        }
        // MariaDB: no such user for this host, or one that authenticates by unix_socket.
        1698 => {
            "access denied: the user does not exist for this host or authenticates another way \
             (unix_socket); create it with a password (CREATE USER 'dbintel'@'<host>' IDENTIFIED BY \
             '...') and the grants the receiver's README lists"
        }
        1044 | 1142 | 1143 | 1227 => {
            "grant the monitoring user the privilege it needs (e.g. GRANT SELECT, PROCESS ON *.* TO ...)"
        }
        1049 => "the database does not exist: fix the database name",
        1064 => "fix the SQL syntax of the query",
        1146 => "the table or view does not exist or is not visible to the monitoring user",
        1054 => "a column in the query does not exist; check the column names",
        3024 | 1969 => "the query hit the statement timeout: make it cheaper or raise the timeout",
        1205 => "the query waited for a lock too long; it is retried next interval",
        1792 => "the session is read-only; monitoring queries must not write",
        1040 => "too many connections: raise max_connections or lower the pool size",
        1130 => "this host may not connect: create the user for this host or check skip-name-resolve",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_say_what_to_fix() {
        assert!(sqlstate_hint("28P01").unwrap().contains("password"));
        assert!(sqlstate_hint("42501").unwrap().contains("pg_monitor"));
        assert!(mysql_code_hint(1045).unwrap().contains("access denied"));
        assert!(mysql_code_hint(1698).unwrap().contains("CREATE USER"));
        assert_eq!(sqlstate_hint("XX000"), None);
        assert_eq!(mysql_code_hint(1), None);
        let e = DbError::Query { message: "m".into(), code: Some("57014".into()), hint: "h" };
        assert_eq!((e.hint(), e.code()), ("h", Some("57014")));
        assert!(DbError::Lost("x".into()).hint().contains("reconnects"));
    }
}
