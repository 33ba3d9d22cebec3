//! Generic plans of top queries: which statements may be explained, how, and what is kept.
//!
//! pg_stat_statements text is normalized (`$1`, `$2`, ...), so it is planned as a generic plan:
//! on PostgreSQL 16+ with `EXPLAIN (GENERIC_PLAN, FORMAT JSON) <text>`; before that with
//! `PREPARE p AS <text>` (untyped parameters) and `EXPLAIN (FORMAT JSON) EXECUTE p(NULL, ...)` under
//! `SET LOCAL plan_cache_mode = force_generic_plan` inside a read-only transaction, then
//! `DEALLOCATE p`. Never EXPLAIN ANALYZE. Every statement carries the `/* dbintel */` prefix.

use dbintel_sql::Dialect;
use dbintel_sql::lexer::{Lexer, TokenKind};
use dbintel_sql::plan::analyze_plan_value;
use serde_json::Value as Json;
use tokio_postgres::{Client, SimpleQueryMessage};

use super::PREFIX;

/// Largest obfuscated plan attached to an event; larger plans keep hash and summary only.
pub const MAX_PLAN_TEXT: usize = 256 * 1024;
/// Statements with more parameters than this are not explained.
const MAX_PARAMS: usize = 1000;

/// What we keep of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInfo {
    /// Obfuscated plan JSON (`postgresql.query_plan`), or None when larger than [`MAX_PLAN_TEXT`].
    pub plan_json: Option<String>,
    pub plan_hash: String,
    /// Compact JSON of the library's plan summary (`dbintel.plan.summary`).
    pub summary_json: String,
    pub total_cost: Option<f64>,
}

/// Why a statement is not explained (skips are not failures and are not cached as such).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Not SELECT/INSERT/UPDATE/DELETE/MERGE/VALUES/TABLE (WITH ... resolves to its main verb).
    StatementKind,
    /// More than one statement, or `SELECT ... INTO`.
    NotSingleQuery,
    /// Unterminated string, identifier or comment: the text was cut.
    Truncated,
    /// References the collector itself.
    OwnStatement,
    TooManyParams,
}

/// Decides whether `text` may be explained; returns the number of `$n` parameters if so.
pub fn explainable(text: &str) -> Result<usize, Skip> {
    if text.contains(PREFIX.trim_end()) || text.contains("dbintel_plan_") {
        return Err(Skip::OwnStatement);
    }
    let facts = dbintel_sql::statement_facts(Dialect::Postgresql, text).map_err(|_| Skip::StatementKind)?;
    if !matches!(
        facts.operation.as_str(),
        "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "VALUES" | "TABLE"
    ) {
        return Err(Skip::StatementKind);
    }
    let mut max_param = 0usize;
    let mut after_semicolon = false;
    let mut depth = 0i64;
    let lexer = Lexer::new(Dialect::Postgresql, text);
    let src = lexer.source();
    for t in lexer {
        match t.kind {
            TokenKind::String { terminated: false }
            | TokenKind::QuotedIdent { terminated: false }
            | TokenKind::BlockComment { terminated: false } => return Err(Skip::Truncated),
            k if k.is_trivia() => continue,
            TokenKind::Semicolon => {
                after_semicolon = true;
                continue;
            }
            _ if after_semicolon => return Err(Skip::NotSingleQuery),
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth -= 1,
            TokenKind::Param => {
                let n: usize = src.get(t.start + 1..t.end).and_then(|s| s.parse().ok()).unwrap_or(0);
                if n > MAX_PARAMS {
                    return Err(Skip::TooManyParams);
                }
                max_param = max_param.max(n);
            }
            TokenKind::Word
                if depth == 0
                    && facts.operation == "SELECT"
                    && src.get(t.start..t.end).is_some_and(|w| w.eq_ignore_ascii_case("INTO")) =>
            {
                return Err(Skip::NotSingleQuery);
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(Skip::Truncated);
    }
    Ok(max_param)
}

/// Why EXPLAIN failed; kept short and free of query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainFailure {
    pub code: String,
    pub message: String,
}

impl ExplainFailure {
    fn from_pg(e: &tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            // Server messages about a statement may quote it (a syntax error's token): obfuscated.
            Some(db) => Self { code: db.code().code().to_string(), message: crate::redact::db_text(db) },
            None => Self { code: "connection".into(), message: "connection problem during EXPLAIN".into() },
        }
    }

    fn other(message: &str) -> Self {
        Self { code: "dbintel".into(), message: message.into() }
    }
}

/// Runs EXPLAIN of the generic plan of `text` (already checked with [`explainable`]).
pub async fn explain_generic(
    client: &Client,
    major: u32,
    text: &str,
    params: usize,
    name_seq: u64,
) -> Result<PlanInfo, ExplainFailure> {
    let text = text.trim().trim_end_matches(';');
    let doc = if major >= 16 {
        let sql = format!("{PREFIX}EXPLAIN (GENERIC_PLAN, FORMAT JSON) {text}");
        first_cell(client.simple_query(&sql).await.map_err(|e| ExplainFailure::from_pg(&e))?)?
    } else {
        let name = format!("dbintel_plan_{name_seq}");
        client
            .batch_execute(&format!(
                "{PREFIX}BEGIN READ ONLY; {PREFIX}SET LOCAL plan_cache_mode = force_generic_plan"
            ))
            .await
            .map_err(|e| ExplainFailure::from_pg(&e))?;
        // The extended protocol refuses more than one statement: a second guard after `explainable`.
        let prepared = client.execute(&format!("{PREFIX}PREPARE {name} AS {text}"), &[]).await;
        let prepared_ok = prepared.is_ok();
        let result = match prepared {
            Err(e) => Err(ExplainFailure::from_pg(&e)),
            Ok(_) => {
                let args = vec!["NULL"; params].join(", ");
                let call = if params == 0 { name.clone() } else { format!("{name}({args})") };
                let r = client.simple_query(&format!("{PREFIX}EXPLAIN (FORMAT JSON) EXECUTE {call}")).await;
                r.map_err(|e| ExplainFailure::from_pg(&e)).and_then(first_cell)
            }
        };
        // Prepared statements outlive the transaction: always deallocate after the rollback.
        let _ = client.batch_execute(&format!("{PREFIX}ROLLBACK")).await;
        if prepared_ok {
            let _ = client.batch_execute(&format!("{PREFIX}DEALLOCATE {name}")).await;
        }
        result?
    };
    plan_info(&doc).ok_or_else(|| ExplainFailure::other("EXPLAIN output could not be analysed"))
}

fn first_cell(msgs: Vec<SimpleQueryMessage>) -> Result<String, ExplainFailure> {
    msgs.into_iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        })
        .ok_or_else(|| ExplainFailure::other("EXPLAIN returned no rows"))
}

/// Analyses an EXPLAIN (FORMAT JSON) document: obfuscated plan, hash and summary.
pub fn plan_info(doc: &str) -> Option<PlanInfo> {
    if doc.len() > dbintel_sql::plan::MAX_PLAN_BYTES {
        return None;
    }
    let mut v: Json = serde_json::from_str(doc).ok()?;
    strip_query_text(&mut v);
    let analysis = analyze_plan_value(Dialect::Postgresql, v).ok()?;
    let plan_json =
        serde_json::to_string(&analysis.obfuscated_plan).ok().filter(|s| s.len() <= MAX_PLAN_TEXT);
    Some(PlanInfo {
        plan_json,
        plan_hash: analysis.summary.plan_hash.clone(),
        summary_json: serde_json::to_string(&analysis.summary).unwrap_or_default(),
        total_cost: analysis.summary.total_cost,
    })
}

/// Removes `Query Text` / `Query Parameters` (auto_explain output carries the raw statement and,
/// from PG16, its bind values).
fn strip_query_text(v: &mut Json) {
    let items: Vec<&mut Json> = match v {
        Json::Array(a) => a.iter_mut().collect(),
        other => vec![other],
    };
    for item in items {
        if let Json::Object(m) = item {
            m.remove("Query Text");
            m.remove("Query Parameters");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explainable_kinds() {
        assert_eq!(explainable("SELECT * FROM t WHERE id = $1 AND b = $2"), Ok(2));
        assert_eq!(explainable("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2"), Ok(2));
        assert_eq!(explainable("WITH x AS (SELECT 1) SELECT * FROM x"), Ok(0));
        assert_eq!(explainable("INSERT INTO t VALUES ($1, $2, $3);"), Ok(3));
        assert_eq!(explainable("VACUUM t"), Err(Skip::StatementKind));
        assert_eq!(explainable("CREATE TABLE t (a int)"), Err(Skip::StatementKind));
        assert_eq!(explainable("BEGIN"), Err(Skip::StatementKind));
        assert_eq!(explainable("SET work_mem = $1"), Err(Skip::StatementKind));
        assert_eq!(explainable("SELECT 1; DROP TABLE t"), Err(Skip::NotSingleQuery));
        assert_eq!(explainable("SELECT a INTO newt FROM t"), Err(Skip::NotSingleQuery));
        assert_eq!(explainable("SELECT * FROM t WHERE a = 'cut"), Err(Skip::Truncated));
        assert_eq!(explainable("SELECT * FROM t WHERE a IN (1, 2"), Err(Skip::Truncated));
        assert_eq!(explainable("/* dbintel */ SELECT 1"), Err(Skip::OwnStatement));
        assert_eq!(explainable("EXPLAIN SELECT 1"), Err(Skip::StatementKind));
        assert_eq!(explainable("SELECT $100000"), Err(Skip::TooManyParams));
    }

    #[test]
    fn plan_info_obfuscates_and_drops_query_text() {
        let doc = r#"[{"Query Text": "select * from t where secret = 'hunter2'",
            "Plan": {"Node Type": "Seq Scan", "Relation Name": "t", "Alias": "t", "Total Cost": 1.5,
            "Plan Rows": 1, "Plan Width": 4, "Filter": "(secret = 'hunter2'::text)"}}]"#;
        let p = plan_info(doc).unwrap();
        let text = p.plan_json.unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!text.contains("Query Text"), "{text}");
        assert_eq!(p.plan_hash.len(), 16);
        assert!(plan_info("not json").is_none());
        assert!(plan_info("[{\"Plan\": 3}]").is_none() || plan_info("[{\"Plan\": 3}]").is_some());
    }
}
