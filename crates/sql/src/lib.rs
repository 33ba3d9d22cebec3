//! `dbintel-sql`: pure SQL analysis for dbintel (no I/O, no async).
//!
//! * [`obfuscate`] / [`obfuscate_with`]: every literal becomes `?` (PostgreSQL and MySQL/MariaDB
//!   syntaxes), comments are removed, identifiers are kept; truncated text is masked to its end.
//! * [`normalize`] / [`fingerprint`]: a normal form and a stable 64-bit fingerprint
//!   ([`FINGERPRINT_VERSION`]) that group statements differing only in literals, whitespace, keyword
//!   case, comments, IN-list length or aliases.
//! * [`analyze_statement`]: obfuscated text, normal form, fingerprint, operation, tables and a
//!   `db.query.summary`-style summary in one pass.
//! * [`plan::analyze_plan`] and [`plan::compare_plans`]: EXPLAIN JSON summaries, structural plan
//!   hashes, obfuscated plans, and plan-regression detection.
//! * [`analyze_statement_json`] / [`analyze_plan_json`]: the JSON shapes printed by the
//!   `dbintel sql analyze` and `dbintel sql plan` commands.
//!
//! Nothing in this crate panics on any input: sizes are bounded ([`MAX_STATEMENT_BYTES`],
//! [`plan::MAX_PLAN_BYTES`]), recursion is bounded ([`plan::MAX_PLAN_DEPTH`]), the lexer is
//! iterative and total.

mod facts;
mod keywords;
pub mod lexer;
mod normalize;
mod obfuscate;
pub mod plan;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use facts::{MAX_SUMMARY_LEN, MAX_TABLES, OperationKind, StatementFacts};
pub use normalize::{FINGERPRINT_VERSION, Fingerprint, MAX_ANALYZED_TOKENS, fingerprint, fnv1a64, normalize};
pub use obfuscate::{ObfuscateOptions, obfuscate, obfuscate_with};
pub use plan::{PlanAnalysis, PlanError, PlanSummary, analyze_plan, compare_plans};

/// Largest statement accepted (4 MiB). Larger text is refused rather than partially processed.
pub const MAX_STATEMENT_BYTES: usize = 4 * 1024 * 1024;

/// SQL dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// PostgreSQL: standard strings, `E''`, `U&''`, dollar quotes, `"identifiers"`, nested comments.
    Postgresql,
    /// MySQL and MariaDB: backslash escapes, `"strings"` (ANSI_QUOTES off), `` `identifiers` ``,
    /// `#` comments, charset introducers.
    Mysql,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Postgresql => "postgresql",
            Dialect::Mysql => "mysql",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown dialect name.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown SQL dialect {0:?}: expected postgresql, postgres, mysql or mariadb")]
pub struct UnknownDialect(pub String);

impl FromStr for Dialect {
    type Err = UnknownDialect;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "postgresql" | "postgres" | "pg" => Ok(Dialect::Postgresql),
            "mysql" | "mariadb" => Ok(Dialect::Mysql),
            _ => Err(UnknownDialect(s.chars().take(32).collect())),
        }
    }
}

/// Why a statement could not be analysed. Messages never contain statement text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SqlError {
    #[error("statement is {len} bytes, more than the limit of {max}")]
    TooLarge { len: usize, max: usize },
    #[error("statement is empty")]
    Empty,
}

pub(crate) fn check_len(sql: &str) -> Result<(), SqlError> {
    if sql.len() > MAX_STATEMENT_BYTES {
        return Err(SqlError::TooLarge { len: sql.len(), max: MAX_STATEMENT_BYTES });
    }
    Ok(())
}

/// Everything we derive from one statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementAnalysis {
    pub obfuscated: String,
    pub normalized: String,
    /// 16 hex digits.
    pub fingerprint: String,
    pub fingerprint_version: u32,
    pub operation: String,
    pub operation_kind: OperationKind,
    pub tables: Vec<String>,
    pub summary: String,
}

/// Obfuscate, normalise, fingerprint and extract facts in one call (default obfuscation options).
pub fn analyze_statement(dialect: Dialect, sql: &str) -> Result<StatementAnalysis, SqlError> {
    analyze_statement_with(dialect, sql, &ObfuscateOptions::default())
}

/// [`analyze_statement`] with obfuscation options.
pub fn analyze_statement_with(
    dialect: Dialect,
    sql: &str,
    opts: &ObfuscateOptions,
) -> Result<StatementAnalysis, SqlError> {
    check_len(sql)?;
    let toks = normalize::significant_tokens(dialect, sql);
    if toks.is_empty() {
        return Err(SqlError::Empty);
    }
    let mut obfuscated = String::with_capacity(sql.len());
    obfuscate::obfuscate_into(dialect, sql, opts, &mut obfuscated);
    let mut normalized = String::with_capacity(sql.len());
    normalize::render(&normalize::normal_tokens(&toks), &mut normalized);
    let fp = Fingerprint(normalize::fingerprint_of_normal(&normalized));
    let f = facts::facts(&toks);
    Ok(StatementAnalysis {
        obfuscated,
        normalized,
        fingerprint: fp.to_hex(),
        fingerprint_version: FINGERPRINT_VERSION,
        operation: f.operation,
        operation_kind: f.operation_kind,
        tables: f.tables,
        summary: f.summary,
    })
}

/// Facts (operation, tables, summary) of a statement.
pub fn statement_facts(dialect: Dialect, sql: &str) -> Result<StatementFacts, SqlError> {
    check_len(sql)?;
    Ok(facts::facts(&normalize::significant_tokens(dialect, sql)))
}

/// The JSON object printed for one input line by `dbintel sql analyze`. Never fails: a line that
/// cannot be analysed yields `{"error": "..."}`.
pub fn analyze_statement_json(dialect: Dialect, line: &str) -> Value {
    match analyze_statement(dialect, line) {
        Ok(a) => serde_json::to_value(&a).unwrap_or_else(|e| json!({ "error": e.to_string() })),
        Err(e) => json!({ "error": e.to_string() }),
    }
}

/// The JSON object printed by `dbintel sql plan`: the summary fields, `dialect`, and
/// `obfuscated_plan`.
pub fn analyze_plan_json(dialect: Dialect, doc: &str) -> Result<Value, PlanError> {
    let a = analyze_plan(dialect, doc)?;
    let mut v = serde_json::to_value(&a.summary).unwrap_or_else(|_| json!({}));
    if let Value::Object(m) = &mut v {
        m.insert("dialect".into(), Value::String(dialect.as_str().into()));
        m.insert("obfuscated_plan".into(), a.obfuscated_plan);
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialect_from_str() {
        assert_eq!("postgres".parse(), Ok(Dialect::Postgresql));
        assert_eq!("MariaDB".parse(), Ok(Dialect::Mysql));
        assert!("oracle".parse::<Dialect>().is_err());
    }

    #[test]
    fn json_shapes() {
        let v = analyze_statement_json(
            Dialect::Postgresql,
            "SELECT * FROM orders o JOIN users u ON u.id = o.uid",
        );
        assert_eq!(v["summary"], "SELECT orders users");
        assert_eq!(v["operation"], "SELECT");
        assert!(v["fingerprint"].as_str().is_some_and(|f| f.len() == 16));
        let e = analyze_statement_json(Dialect::Postgresql, "  -- nothing");
        assert!(e["error"].is_string());
    }
}
