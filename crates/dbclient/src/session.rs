//! What identifies dbintel's sessions and statements on a monitored server (invariant 3).

/// The comment every statement starts with, so dbintel can recognise (and skip) its own statements.
pub const STATEMENT_PREFIX: &str = "/* dbintel */ ";
/// `application_name` (PostgreSQL) and the `program_name` connect attribute (MySQL).
pub const APPLICATION_NAME: &str = "dbintel";

/// Prefixes a statement with [`STATEMENT_PREFIX`].
pub fn prefixed(sql: &str) -> String {
    format!("{STATEMENT_PREFIX}{sql}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_start_with_the_dbintel_comment() {
        assert_eq!(prefixed("SELECT 1"), "/* dbintel */ SELECT 1");
    }
}
