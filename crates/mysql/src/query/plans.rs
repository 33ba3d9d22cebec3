//! Plans: `EXPLAIN FORMAT=JSON` of statement texts, for query samples now and top queries next.
//!
//! Public API (shared by samples and top queries through one [`Plans`] per receiver):
//! `Plans::plan_for(&mut self, schema: Option<&str>, key: &str, text: &str) ->
//! Option<Arc<PlanAttrs>>`, where `key` identifies the statement shape (the digest; a
//! fingerprint when the server has none) and `text` is a full statement with its literals
//! (`QUERY_SAMPLE_TEXT`, `SQL_TEXT`). Then [`PlanAttrs::apply`] puts the attributes on an event.
//!
//! - Only plannable statements are explained: SELECT / INSERT / UPDATE / DELETE / REPLACE after
//!   comments ([`explainable`]), one statement, never a text that was cut (ends in `...` or has an
//!   unterminated string, identifier or comment) and never our own statements. Callers that know
//!   a text was truncated must not ask.
//! - EXPLAIN runs on a SEPARATE connection, opened lazily with [`MyConn::connect`] (the same
//!   session settings: statement time limit, lock wait timeouts, READ ONLY, `/* dbintel */`), so a
//!   slow EXPLAIN never holds the metrics connection. `USE <schema>` (backticks escaped) comes
//!   first when the schema changes. Under READ ONLY, MariaDB refuses to explain UPDATE/DELETE/
//!   INSERT (error 1792); that failure is cached like any other.
//! - At most `top_query_collection.max_explains_per_interval` EXPLAIN statements per
//!   `top_query_collection.collection_interval` (0 turns plans off and no connection is opened).
//! - Results, failures included, are cached per schema + key for `query_plan_cache_ttl`, at most
//!   `query_plan_cache_size` entries (core `BoundedCache`, evictions counted). A lost connection is
//!   not cached: the next request reconnects.
//! - The plan is analysed by `dbintel_sql::plan` (MySQL format 1 and 2, MariaDB): obfuscated
//!   JSON (`mysql.query_plan`), the STRUCTURAL hash (`mysql.query_plan.hash`; contrib puts the
//!   digest there, which never changes when the plan does) and a summary (`dbintel.plan.*`).

use std::sync::Arc;
use std::time::Duration;

use dbintel_core::cache::BoundedCache;
use dbintel_core::pdata::{Attributes, Value};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_dbclient::DbError;
use dbintel_sql::Dialect;
use dbintel_sql::lexer::{Lexer, TokenKind};
use tokio::time::Instant;

use crate::config::ConnectPlan;
use crate::conn::{MyConn, Source};
use crate::query::config::TopQueryCollectionConfig;

/// Largest obfuscated plan attached to an event; larger plans keep hash and summary only.
pub const MAX_PLAN_TEXT: usize = 256 * 1024;
/// Longest statement text sent to EXPLAIN.
pub const MAX_EXPLAIN_TEXT: usize = 64 * 1024;

/// What an event carries of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanAttrs {
    /// Obfuscated plan JSON, or None when larger than [`MAX_PLAN_TEXT`].
    pub plan_json: Option<String>,
    /// Structural hash (16 hex digits): access types, tables, indexes, join order.
    pub plan_hash: String,
    /// Compact JSON of the library's summary.
    pub summary_json: String,
    pub total_cost: Option<f64>,
    /// Tables read in full (`access_type: ALL`).
    pub full_scan_tables: Vec<String>,
    pub uses_filesort: bool,
    pub uses_temp_table: bool,
}

impl PlanAttrs {
    /// `mysql.query_plan`, `mysql.query_plan.hash` and the `dbintel.plan.*` summary.
    pub fn apply(&self, a: &mut Attributes) {
        if let Some(p) = &self.plan_json {
            a.insert("mysql.query_plan", p.clone());
        }
        a.insert("mysql.query_plan.hash", self.plan_hash.clone());
        a.insert("dbintel.plan.hash", self.plan_hash.clone());
        a.insert("dbintel.plan.summary", self.summary_json.clone());
        if let Some(c) = self.total_cost.filter(|c| c.is_finite()) {
            a.insert("dbintel.plan.total_cost", c);
        }
        a.insert(
            "dbintel.plan.full_scan_tables",
            Value::Array(self.full_scan_tables.iter().map(|t| Value::Str(t.as_str().into())).collect()),
        );
        a.insert("dbintel.plan.filesort", self.uses_filesort);
        a.insert("dbintel.plan.temp_table", self.uses_temp_table);
    }
}

/// Analyses an `EXPLAIN FORMAT=JSON` document (pure).
pub fn plan_attrs(doc: &str) -> Result<PlanAttrs, String> {
    let a = dbintel_sql::plan::analyze_plan(Dialect::Mysql, doc).map_err(|e| e.to_string())?;
    let plan_json = serde_json::to_string(&a.obfuscated_plan).ok().filter(|s| s.len() <= MAX_PLAN_TEXT);
    let s = &a.summary;
    Ok(PlanAttrs {
        plan_json,
        plan_hash: s.plan_hash.clone(),
        summary_json: serde_json::to_string(s).unwrap_or_default(),
        total_cost: s.total_cost,
        full_scan_tables: s.seq_scan_tables.iter().map(|t| t.table.clone()).collect(),
        uses_filesort: s.uses_filesort,
        uses_temp_table: s.uses_temp_table,
    })
}

/// Why a text is not explained (not failures; not cached).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Not SELECT/INSERT/UPDATE/DELETE/REPLACE (WITH resolves to its main verb).
    StatementKind,
    /// More than one statement.
    NotSingle,
    /// Cut by the server (`...`) or by us, or unbalanced.
    Truncated,
    /// One of the collector's own statements.
    OwnStatement,
    /// A MySQL executable comment (`/*! ... */`, MariaDB `/*M! ... */`): the server runs its
    /// content, which the lexer treats as a comment, so the single-statement check cannot vouch
    /// for it (the connection allows multi-statements).
    ExecutableComment,
}

/// Decides whether `text` may be explained.
pub fn explainable(text: &str) -> Result<(), Skip> {
    let t = text.trim();
    if t.contains(dbintel_dbclient::STATEMENT_PREFIX.trim_end()) {
        return Err(Skip::OwnStatement);
    }
    if t.ends_with("...") || t.len() > MAX_EXPLAIN_TEXT {
        return Err(Skip::Truncated);
    }
    let facts = dbintel_sql::statement_facts(Dialect::Mysql, t).map_err(|_| Skip::StatementKind)?;
    if !matches!(facts.operation.as_str(), "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "REPLACE") {
        return Err(Skip::StatementKind);
    }
    let mut after_semicolon = false;
    let mut depth = 0i64;
    let lexer = Lexer::new(Dialect::Mysql, t);
    let src = lexer.source();
    for tok in lexer {
        if matches!(tok.kind, TokenKind::BlockComment { .. })
            && src.get(tok.start..).is_some_and(|c| c.starts_with("/*!") || c.starts_with("/*M!"))
        {
            return Err(Skip::ExecutableComment);
        }
        match tok.kind {
            TokenKind::String { terminated: false }
            | TokenKind::QuotedIdent { terminated: false }
            | TokenKind::BlockComment { terminated: false } => return Err(Skip::Truncated),
            k if k.is_trivia() => {}
            TokenKind::Semicolon => after_semicolon = true,
            _ if after_semicolon => return Err(Skip::NotSingle),
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth -= 1,
            _ => {}
        }
    }
    if depth != 0 {
        return Err(Skip::Truncated);
    }
    Ok(())
}

/// `` `name` `` with embedded backticks doubled.
pub fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

enum Explainer {
    /// The receiver's extra connection, opened on first use.
    Live { connect: Box<ConnectPlan>, conn: Option<MyConn> },
    /// Recorded result sets (golden tests).
    Source(Box<dyn Source + Sync>),
}

/// Counters for self-telemetry and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PlanStats {
    /// EXPLAIN statements sent.
    pub explains: u64,
    /// EXPLAIN statements that failed (server error or unreadable output).
    pub failures: u64,
    /// Requests refused because the interval's budget was spent.
    pub over_budget: u64,
    pub cache_hits: u64,
}

/// Self-telemetry of plans (unregistered until [`Plans::with_telemetry`]).
#[derive(Debug, Default, Clone)]
struct PlanCounters {
    ok: Counter,
    error: Counter,
    over_budget: Counter,
    evictions: Counter,
}

/// Plans with their cache, budget and connection.
pub struct Plans {
    counters: PlanCounters,
    explainer: Explainer,
    cache: BoundedCache<String, Result<Arc<PlanAttrs>, String>>,
    budget: usize,
    window: Duration,
    window_start: Option<Instant>,
    used: usize,
    /// Schema the connection is in (`USE` only when it changes).
    current_schema: Option<String>,
    /// No new EXPLAIN after this (cached plans are still served).
    deadline: Option<Instant>,
    pub stats: PlanStats,
}

impl Plans {
    /// Plans over a lazily opened connection with `connect`'s settings.
    pub fn new(connect: ConnectPlan, top: &TopQueryCollectionConfig) -> Self {
        Self::with(Explainer::Live { connect: Box::new(connect), conn: None }, top)
    }

    /// Plans read from `src` (a [`crate::replay::Replay`] in golden tests).
    pub fn with_source(src: Box<dyn Source + Sync>, top: &TopQueryCollectionConfig) -> Self {
        Self::with(Explainer::Source(src), top)
    }

    fn with(explainer: Explainer, top: &TopQueryCollectionConfig) -> Self {
        Self {
            counters: PlanCounters::default(),
            explainer,
            cache: BoundedCache::new(top.plan_cache_size(), Some(top.query_plan_cache_ttl.get())),
            budget: top.explain_budget(),
            window: top.interval(),
            window_start: None,
            used: 0,
            current_schema: None,
            deadline: None,
            stats: PlanStats::default(),
        }
    }

    /// Registers `dbintel_mysql_query_explains_total{outcome=ok|error|over_budget}` and
    /// `dbintel_mysql_query_cache_evictions_total{cache=query_plans}` for `receiver`.
    pub fn with_telemetry(mut self, t: &Registry, receiver: &str) -> Self {
        let explains = |outcome: &str| {
            t.counter(
                "dbintel_mysql_query_explains_total",
                "EXPLAIN requests of the mysql receiver, by outcome (over_budget: not sent)",
                &[("receiver", receiver), ("outcome", outcome)],
            )
        };
        self.counters = PlanCounters {
            ok: explains("ok"),
            error: explains("error"),
            over_budget: explains("over_budget"),
            evictions: t.counter(
                "dbintel_mysql_query_cache_evictions_total",
                "Entries dropped from the bounded query-intelligence maps of the mysql receiver",
                &[("receiver", receiver), ("cache", "query_plans")],
            ),
        };
        self
    }

    /// Sends no new EXPLAIN after `until` (None: no limit); a caller's time box.
    pub fn set_deadline(&mut self, until: Option<Instant>) {
        self.deadline = until;
    }

    fn cache_result(&mut self, key: String, result: Result<Arc<PlanAttrs>, String>) {
        if result.is_ok() {
            self.counters.ok.inc();
        } else {
            self.stats.failures += 1;
            self.counters.error.inc();
        }
        self.cache.insert(key, result);
        self.counters.evictions.add(self.cache.take_evictions());
    }

    /// The plan of `text` in `schema`, from the cache or one EXPLAIN within the budget; None when
    /// the text is not explainable, the budget is spent, or EXPLAIN failed (now or cached).
    pub async fn plan_for(&mut self, schema: Option<&str>, key: &str, text: &str) -> Option<Arc<PlanAttrs>> {
        if self.budget == 0 || key.is_empty() || explainable(text).is_err() {
            return None;
        }
        let schema = schema.filter(|s| !s.is_empty());
        let cache_key = format!("{}\u{1f}{key}", schema.unwrap_or(""));
        if let Some(hit) = self.cache.get(&cache_key) {
            self.stats.cache_hits += 1;
            return hit.as_ref().ok().cloned();
        }
        let now = Instant::now();
        if self.deadline.is_some_and(|d| now >= d) {
            return None;
        }
        if self.window_start.is_none_or(|s| now.duration_since(s) >= self.window) {
            self.window_start = Some(now);
            self.used = 0;
        }
        if self.used >= self.budget {
            self.stats.over_budget += 1;
            self.counters.over_budget.inc();
            return None;
        }
        self.used += 1;
        self.stats.explains += 1;
        match self.explain(schema, text).await {
            Ok(doc) => {
                let result = plan_attrs(&doc).map(Arc::new);
                self.cache_result(cache_key, result.clone());
                result.ok()
            }
            Err(DbError::Lost(m)) => {
                self.stats.failures += 1;
                self.counters.error.inc();
                tracing::debug!(error = %m, "mysql: the plan connection was lost; reopened on the next plan");
                if let Explainer::Live { conn, .. } = &mut self.explainer
                    && let Some(c) = conn.take()
                {
                    c.close().await;
                }
                self.current_schema = None;
                None
            }
            Err(e) => {
                // Only the code: server messages about a statement can quote it.
                let code = match &e {
                    DbError::Query { code: Some(c), .. } => c.clone(),
                    _ => "unknown".to_string(),
                };
                self.cache_result(cache_key, Err(format!("EXPLAIN failed (server error {code})")));
                None
            }
        }
    }

    async fn explain(&mut self, schema: Option<&str>, text: &str) -> Result<String, DbError> {
        let src: &mut dyn Source = match &mut self.explainer {
            Explainer::Source(s) => s.as_mut(),
            Explainer::Live { connect, conn } => {
                if conn.is_none() {
                    *conn = Some(MyConn::connect(connect).await?);
                    self.current_schema = None;
                }
                match conn.as_mut() {
                    Some(c) => c,
                    None => return Err(DbError::Lost("no plan connection".into())),
                }
            }
        };
        if let Some(s) = schema
            && self.current_schema.as_deref() != Some(s)
        {
            src.rows(&format!("USE {}", quote_ident(s))).await?;
            self.current_schema = Some(s.to_string());
        }
        let text = text.trim().trim_end_matches(';');
        let rows = src.rows(&format!("EXPLAIN FORMAT=JSON {text}")).await?;
        rows.into_iter().next().and_then(|r| r.into_iter().next()).flatten().ok_or_else(|| DbError::Query {
            message: "EXPLAIN returned no rows".into(),
            code: None,
            hint: "",
        })
    }

    /// Closes the plan connection (bounded in time).
    pub async fn close(self) {
        if let Explainer::Live { conn: Some(c), .. } = self.explainer {
            c.close().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::Replay;

    /// MariaDB 10.11's `EXPLAIN FORMAT=JSON` (nested_loop arrays, read_sorted_file, filesort).
    const MARIADB_SORT: &str = r#"{"query_block": {"select_id": 1, "nested_loop": [{"read_sorted_file":
        {"filesort": {"sort_key": "t.b", "table": {"table_name": "t", "access_type": "ALL", "rows": 1000,
        "filtered": 100, "attached_condition": "t.a = 'secret'"}}}}]}}"#;
    const MARIADB_JOIN: &str = r#"{"query_block": {"select_id": 1, "filesort": {"sort_key": "count(0) desc",
        "temporary_table": {"nested_loop": [{"table": {"table_name": "t1", "access_type": "ALL",
        "possible_keys": ["kb"], "rows": 1000, "filtered": 60, "attached_condition": "t1.b > 3 and t1.b is not null"}},
        {"table": {"table_name": "t2", "access_type": "eq_ref", "possible_keys": ["PRIMARY"], "key": "PRIMARY",
        "key_length": "4", "used_key_parts": ["id"], "ref": ["shop.t1.b"], "rows": 1, "filtered": 100,
        "attached_condition": "t2.a like 'x%'"}}]}}}}"#;

    #[test]
    fn mariadb_plans_are_analysed_and_obfuscated() {
        let p = plan_attrs(MARIADB_SORT).unwrap();
        assert_eq!(p.full_scan_tables, vec!["t".to_string()]);
        assert!(p.uses_filesort && !p.uses_temp_table);
        let json = p.plan_json.clone().unwrap();
        assert!(!json.contains("secret"), "{json}");
        assert_eq!(p.plan_hash.len(), 16);
        let j = plan_attrs(MARIADB_JOIN).unwrap();
        assert!(j.uses_filesort && j.uses_temp_table);
        assert_eq!(j.full_scan_tables, vec!["t1".to_string()]);
        assert_ne!(j.plan_hash, p.plan_hash);
        assert!(!j.plan_json.unwrap().contains("x%"));
        // Same structure, other literals: the same hash.
        let other = plan_attrs(&MARIADB_SORT.replace("secret", "other")).unwrap();
        assert_eq!(other.plan_hash, p.plan_hash);
        assert!(plan_attrs("not json").is_err() && plan_attrs("{\"x\": 1}").is_err());
    }

    #[test]
    fn explainable_kinds() {
        for ok in [
            "SELECT * FROM t WHERE a = 'x'",
            "/* app */ select 1",
            "UPDATE t SET a = 1 WHERE id = 2;",
            "REPLACE INTO t VALUES (1)",
            "DELETE FROM t",
            "INSERT INTO t VALUES (1)",
        ] {
            assert_eq!(explainable(ok), Ok(()), "{ok}");
        }
        assert_eq!(explainable("SHOW TABLES"), Err(Skip::StatementKind));
        assert_eq!(explainable("CALL p()"), Err(Skip::StatementKind));
        assert_eq!(explainable("ALTER TABLE t ADD c INT"), Err(Skip::StatementKind));
        assert_eq!(explainable("SELECT * FROM t WHERE a = 'cut"), Err(Skip::Truncated));
        assert_eq!(explainable("SELECT * FROM t WHERE a IN (1, 2"), Err(Skip::Truncated));
        assert_eq!(explainable("SELECT * FROM t WHERE a IN (1, 2..."), Err(Skip::Truncated));
        assert_eq!(explainable("SELECT 1; DROP TABLE t"), Err(Skip::NotSingle));
        assert_eq!(explainable("/* dbintel */ SELECT 1"), Err(Skip::OwnStatement));
        assert_eq!(explainable("SELECT 1 /*!50000 ; DROP TABLE t */"), Err(Skip::ExecutableComment));
        assert_eq!(explainable("SELECT 1 /*M! ; DROP TABLE t */"), Err(Skip::ExecutableComment));
        assert_eq!(explainable("SELECT /*+ NO_ICP(t) */ a FROM t"), Ok(()), "optimizer hints are fine");
        assert_eq!(explainable(""), Err(Skip::StatementKind));
        assert_eq!(quote_ident("a`b"), "`a``b`");
    }

    fn top(budget: u64) -> TopQueryCollectionConfig {
        serde_json::from_value(
            serde_json::json!({"max_explains_per_interval": budget, "collection_interval": "1h"}),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn budget_cache_and_failures() {
        let mut r = Replay::new("8.0.36");
        r.record("USE `shop`", vec![]);
        r.record("EXPLAIN FORMAT=JSON SELECT * FROM t WHERE a = 'x'", vec![vec![Some(MARIADB_SORT.into())]]);
        r.record_error("EXPLAIN FORMAT=JSON SELECT * FROM nope", 1146, "Table 'shop.nope' doesn't exist");
        let mut p = Plans::with_source(Box::new(r), &top(2));
        let a = p.plan_for(Some("shop"), "d1", "SELECT * FROM t WHERE a = 'x'").await.unwrap();
        let again = p.plan_for(Some("shop"), "d1", "SELECT * FROM t WHERE a = 'y'").await.unwrap();
        assert!(Arc::ptr_eq(&a, &again), "served from the cache");
        assert!(p.plan_for(Some("shop"), "d2", "SELECT * FROM nope").await.is_none());
        assert!(p.plan_for(Some("shop"), "d2", "SELECT * FROM nope").await.is_none(), "failure cached");
        // Past the caller's deadline: cached plans only.
        p.set_deadline(Some(Instant::now()));
        assert!(p.plan_for(Some("shop"), "d1", "SELECT 1").await.is_some());
        assert!(p.plan_for(Some("shop"), "d9", "SELECT * FROM t WHERE a = 'x'").await.is_none());
        p.set_deadline(None);
        // Budget of 2 spent: a third shape is not explained.
        assert!(p.plan_for(Some("shop"), "d3", "SELECT * FROM t WHERE a = 'x'").await.is_none());
        assert_eq!(p.stats, PlanStats { explains: 2, failures: 1, over_budget: 1, cache_hits: 3 });
        // Not explainable: no EXPLAIN, no budget.
        assert!(p.plan_for(Some("shop"), "d4", "SHOW TABLES").await.is_none());
        let mut off = Plans::with_source(Box::new(Replay::new("8.0.36")), &top(0));
        assert!(off.plan_for(None, "d1", "SELECT 1").await.is_none());
        assert_eq!(off.stats.explains, 0);
    }
}
