//! Cleaning server texts before they reach a log line or an error: a server message about a
//! statement may quote it (a syntax error's token, a value that failed to parse, a statement in
//! CONTEXT), and query text leaves the process only obfuscated (invariant 7).

use dbintel_sql::Dialect;

/// Longest server message kept, in characters.
pub const MAX_SERVER_TEXT: usize = 300;

/// A server message safe to print: capped, URL user info hidden, then obfuscated with dbintel-sql
/// (string and numeric literals become `?`, comments are removed) and every double-quoted part that
/// is not a plain identifier (`"'hunter2'"`, `"a b"`) masked; plain identifiers (`relation "orders"
/// does not exist`) stay readable.
pub fn server_text(message: &str) -> String {
    let capped: String = message.chars().take(MAX_SERVER_TEXT).collect();
    let capped = dbintel_core::redact::redact_url_userinfo(&capped).into_owned();
    let obfuscated = match dbintel_sql::obfuscate(Dialect::Postgresql, &capped) {
        Ok(o) => o,
        Err(_) => return "<message hidden: it could not be obfuscated>".to_string(),
    };
    mask_quoted(&obfuscated)
}

/// What is shown instead of a message raised inside a function.
pub const FUNCTION_MESSAGE_HIDDEN: &str =
    "<message raised inside a function: not shown, it may carry data; see the server log>";

/// A server error or notice safe to print. A message raised inside a function (PL/pgSQL `RAISE`,
/// or anything with a CONTEXT: a function the collector's EXPLAIN folded at plan time, a trigger,
/// an inlined SQL function) is free text written by the application and may carry data as bare or
/// double-quoted words that no obfuscation can tell from identifiers: it is replaced whole. Other
/// messages go through [`server_text`].
pub fn db_text(db: &tokio_postgres::error::DbError) -> String {
    if raised_inside_a_function(db) {
        return FUNCTION_MESSAGE_HIDDEN.to_string();
    }
    server_text(db.message())
}

fn raised_inside_a_function(db: &tokio_postgres::error::DbError) -> bool {
    db.where_().is_some_and(|w| !w.trim().is_empty())
        || db.routine() == Some("exec_stmt_raise")
        || db.code().code().starts_with("P0")
}

/// Replaces the content of each `"..."` that is not a plain identifier with `?`.
fn mask_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else {
            // Unterminated: mask to the end.
            out.push('?');
            return out;
        };
        let inner = &after[..close];
        if is_plain_identifier(inner) {
            out.push_str(inner);
        } else {
            out.push('?');
        }
        out.push('"');
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn is_plain_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && s.len() <= 63
        && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_statements_and_literals_are_hidden() {
        for (raw, secret) in [
            ("syntax error at or near \"'hunter2'\"", "hunter2"),
            ("invalid input syntax for type integer: \"hunter 2\"", "hunter 2"),
            ("SQL statement \"SELECT * FROM t WHERE pw = 'hunter2'\"", "hunter2"),
            ("value 'hunter2' /* password=hunter3 */ 4111111111111111", "hunter"),
            ("4111111111111111 is too long", "4111111111111111"),
            ("could not connect to postgres://u:hunter2@db/x", "hunter2"),
            ("unterminated \"quoted hunter2", "hunter2"),
        ] {
            let clean = server_text(raw);
            assert!(!clean.contains(secret), "{raw} -> {clean}");
        }
        assert_eq!(server_text("relation \"orders\" does not exist"), "relation \"orders\" does not exist");
    }

    #[test]
    fn long_messages_are_capped() {
        assert!(server_text(&"x ".repeat(10_000)).len() <= 2 * MAX_SERVER_TEXT);
    }
}
