//! Statement facts: operation, tables touched, and a `db.query.summary`-style summary.

use serde::{Deserialize, Serialize};

use crate::normalize::{Class, NTok, unquote};

/// Broad class of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// SELECT, INSERT, UPDATE, DELETE, MERGE, REPLACE.
    Dml,
    /// CREATE / ALTER / DROP / TRUNCATE / RENAME / COMMENT.
    Ddl,
    /// Everything else (SET, SHOW, BEGIN, VACUUM, COPY, EXPLAIN, ...).
    Utility,
    /// Empty or unrecognised.
    Unknown,
}

/// Facts about one statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementFacts {
    /// `SELECT`, `INSERT`, ..., `CREATE TABLE`, `ALTER INDEX`, `SET`, `VACUUM`, ... or `UNKNOWN`.
    pub operation: String,
    pub operation_kind: OperationKind,
    /// Tables touched, as written (quotes removed, schema kept), in order of first appearance, CTE
    /// names excluded.
    pub tables: Vec<String>,
    /// Low-cardinality summary such as `SELECT orders users` (at most [`MAX_SUMMARY_LEN`] bytes).
    pub summary: String,
}

/// Longest summary, as recommended for `db.query.summary`.
pub const MAX_SUMMARY_LEN: usize = 255;
/// At most this many tables are reported.
pub const MAX_TABLES: usize = 64;

const DDL_OBJECTS: &[&str] = &[
    "TABLE",
    "INDEX",
    "VIEW",
    "SEQUENCE",
    "SCHEMA",
    "DATABASE",
    "FUNCTION",
    "PROCEDURE",
    "TRIGGER",
    "TYPE",
    "EXTENSION",
    "ROLE",
    "USER",
    "DOMAIN",
    "POLICY",
    "PUBLICATION",
    "SUBSCRIPTION",
    "TABLESPACE",
    "COLLATION",
    "AGGREGATE",
    "OPERATOR",
    "RULE",
    "SERVER",
    "STATISTICS",
    "EVENT",
];

fn kw_at(toks: &[NTok<'_>], i: usize, k: &str) -> bool {
    toks.get(i).is_some_and(|t| t.kw(k))
}

fn class_at(toks: &[NTok<'_>], i: usize) -> Option<Class> {
    toks.get(i).map(|t| t.class)
}

/// Index of the main verb: skips leading parens and a WITH clause.
fn main_verb(toks: &[NTok<'_>]) -> Option<usize> {
    let first = toks.iter().position(|t| t.class != Class::LParen)?;
    if !kw_at(toks, first, "WITH") {
        return Some(first);
    }
    let mut depth = 0i64;
    for (i, t) in toks.iter().enumerate().skip(first + 1) {
        match t.class {
            Class::LParen => depth += 1,
            Class::RParen => depth -= 1,
            Class::Keyword
                if depth <= 0
                    && ["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE"]
                        .iter()
                        .any(|k| t.kw(k)) =>
            {
                return Some(i);
            }
            _ => {}
        }
    }
    Some(first)
}

fn operation(toks: &[NTok<'_>], verb: Option<usize>) -> (String, OperationKind) {
    let Some(v) = verb else {
        return ("UNKNOWN".into(), OperationKind::Unknown);
    };
    let Some(t) = toks.get(v) else {
        return ("UNKNOWN".into(), OperationKind::Unknown);
    };
    let word = match t.class {
        Class::Keyword => t.text.to_string(),
        Class::Ident => t.raw.to_ascii_uppercase(),
        _ => return ("UNKNOWN".into(), OperationKind::Unknown),
    };
    match word.as_str() {
        "SELECT" | "VALUES" | "TABLE" => ("SELECT".into(), OperationKind::Dml),
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "REPLACE" => (word, OperationKind::Dml),
        "CREATE" | "ALTER" | "DROP" => {
            for j in v + 1..(v + 16).min(toks.len()) {
                let Some(tj) = toks.get(j) else { break };
                if let Some(obj) = DDL_OBJECTS.iter().find(|o| tj.kw(o)) {
                    let mat = kw_at(toks, j.wrapping_sub(1), "MATERIALIZED") && *obj == "VIEW";
                    let obj = if mat { "MATERIALIZED VIEW" } else { obj };
                    return (format!("{word} {obj}"), OperationKind::Ddl);
                }
                if tj.class == Class::LParen {
                    break;
                }
            }
            (word, OperationKind::Ddl)
        }
        "TRUNCATE" | "RENAME" | "COMMENT" => (word, OperationKind::Ddl),
        "START" if kw_at(toks, v + 1, "TRANSACTION") => ("START TRANSACTION".into(), OperationKind::Utility),
        _ => (word, OperationKind::Utility),
    }
}

/// Read a possibly qualified name at `i`. Returns (name, index after it).
fn read_name(toks: &[NTok<'_>], mut i: usize) -> Option<(String, usize)> {
    let mut name = String::new();
    loop {
        let t = toks.get(i)?;
        let qualified_keyword = t.class == Class::Keyword && !name.is_empty();
        if t.class != Class::Ident && !qualified_keyword {
            return None;
        }
        name.push_str(&unquote(t.raw));
        i += 1;
        if class_at(toks, i) == Some(Class::Dot) {
            name.push('.');
            i += 1;
        } else {
            return Some((name, i));
        }
    }
}

/// Matching brackets, computed in one pass so that skipping a group is O(1) (no quadratic rescans on
/// deeply nested input). `after[i]`: for an opening bracket, the index just after its closing one (or
/// the end); otherwise `i + 1`. `open[i]`: for a closing bracket, the index of its opening one.
struct Brackets {
    after: Vec<usize>,
    open: Vec<Option<usize>>,
}

fn brackets(toks: &[NTok<'_>]) -> Brackets {
    let n = toks.len();
    let mut after: Vec<usize> = (1..=n).collect();
    let mut open = vec![None; n];
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t.class {
            Class::LParen | Class::LBracket => stack.push(i),
            Class::RParen | Class::RBracket => {
                if let Some(o) = stack.pop() {
                    if let Some(a) = after.get_mut(o) {
                        *a = i + 1;
                    }
                    if let Some(x) = open.get_mut(i) {
                        *x = Some(o);
                    }
                }
            }
            _ => {}
        }
    }
    for o in stack {
        if let Some(a) = after.get_mut(o) {
            *a = n;
        }
    }
    Brackets { after, open }
}

struct Ctx<'t, 'a> {
    toks: &'t [NTok<'a>],
    br: &'t Brackets,
    /// (token index, name): sorted by position at the end.
    tables: Vec<(usize, String)>,
}

impl Ctx<'_, '_> {
    fn skip_group(&self, i: usize) -> usize {
        self.br.after.get(i).copied().unwrap_or(i + 1).max(i + 1)
    }

    fn add(&mut self, pos: usize, name: String) {
        if self.tables.len() < MAX_TABLES * 4 && !self.tables.iter().any(|(_, n)| *n == name) {
            self.tables.push((pos, name));
        }
    }

    /// Parse a table reference at `i`; `func_ok`: a name followed by `(` is a function, not a table.
    /// `list`: continue after `,`. Returns the index after what was read.
    fn table_refs(&mut self, mut i: usize, func_ok: bool, list: bool) -> usize {
        let toks = self.toks;
        loop {
            // modifiers
            loop {
                if kw_at(toks, i, "ONLY") || kw_at(toks, i, "LATERAL") {
                    i += 1;
                } else if kw_at(toks, i, "IF") && kw_at(toks, i + 1, "NOT") && kw_at(toks, i + 2, "EXISTS") {
                    i += 3;
                } else if kw_at(toks, i, "IF") && kw_at(toks, i + 1, "EXISTS") {
                    i += 2;
                } else {
                    break;
                }
            }
            if class_at(toks, i) == Some(Class::LParen) {
                i = self.skip_group(i);
            } else if let Some((name, j)) = read_name(toks, i) {
                let pos = i;
                i = j;
                if class_at(toks, i) == Some(Class::LParen) && func_ok {
                    i = self.skip_group(i);
                } else {
                    self.add(pos, name);
                }
            } else {
                return i;
            }
            if !list {
                return i;
            }
            // alias, column aliases, MySQL index hints
            if kw_at(toks, i, "AS") {
                i += 1;
            }
            if class_at(toks, i) == Some(Class::Ident) {
                i += 1;
            }
            if func_ok && class_at(toks, i) == Some(Class::LParen) {
                i = self.skip_group(i);
            }
            while (kw_at(toks, i, "USE") || kw_at(toks, i, "FORCE") || kw_at(toks, i, "IGNORE"))
                && (kw_at(toks, i + 1, "INDEX") || kw_at(toks, i + 1, "KEY"))
            {
                i += 2;
                if kw_at(toks, i, "FOR") {
                    i += 2;
                    if kw_at(toks, i, "BY") {
                        i += 1;
                    }
                }
                if class_at(toks, i) == Some(Class::LParen) {
                    i = self.skip_group(i);
                }
            }
            if class_at(toks, i) == Some(Class::Comma) {
                i += 1;
            } else {
                return i;
            }
        }
    }
}

fn cte_names(toks: &[NTok<'_>], br: &Brackets) -> Vec<String> {
    let mut names = Vec::new();
    let Some(first) = toks.iter().position(|t| t.class != Class::LParen) else { return names };
    if !kw_at(toks, first, "WITH") {
        return names;
    }
    for (i, t) in toks.iter().enumerate() {
        if t.kw("AS")
            && (class_at(toks, i + 1) == Some(Class::LParen)
                || kw_at(toks, i + 1, "MATERIALIZED")
                || kw_at(toks, i + 1, "NOT"))
        {
            // name [ (cols) ] AS (
            let mut j = i.wrapping_sub(1);
            if class_at(toks, j) == Some(Class::RParen) {
                j = br.open.get(j).copied().flatten().unwrap_or(0).wrapping_sub(1);
            }
            if let Some(n) = toks.get(j).filter(|n| n.class == Class::Ident) {
                names.push(unquote(n.raw).into_owned());
            }
        }
    }
    names
}

/// Compute the facts of a statement from its significant tokens.
pub(crate) fn facts(toks: &[NTok<'_>]) -> StatementFacts {
    let verb = main_verb(toks);
    let (operation, operation_kind) = operation(toks, verb);
    let br = brackets(toks);
    let mut cx = Ctx { toks, br: &br, tables: Vec::new() };
    let verb_i = verb.unwrap_or(usize::MAX);
    // Parens opened by EXTRACT/SUBSTRING/TRIM/... contain a FROM that is not a table source.
    let mut special: Vec<bool> = Vec::new();
    let mut i = 0usize;
    while let Some(t) = toks.get(i) {
        let in_special = special.last().copied().unwrap_or(false);
        let prev = i.checked_sub(1).and_then(|p| toks.get(p));
        match t.class {
            Class::LParen => {
                let sp = prev.is_some_and(|p| {
                    ["EXTRACT", "SUBSTRING", "TRIM", "OVERLAY", "POSITION"].iter().any(|k| p.kw(k))
                        || (p.class == Class::Ident
                            && ["extract", "substring", "trim", "overlay", "position"]
                                .iter()
                                .any(|k| p.raw.eq_ignore_ascii_case(k)))
                });
                special.push(sp);
            }
            Class::RParen => {
                special.pop();
            }
            Class::Keyword => {
                let next = match &*t.text {
                    "FROM" if !in_special && !prev.is_some_and(|p| p.kw("DISTINCT")) => {
                        Some(cx.table_refs(i + 1, true, true))
                    }
                    "JOIN" | "STRAIGHT_JOIN" => Some(cx.table_refs(i + 1, true, true)),
                    "INTO"
                        if prev.is_some_and(|p| {
                            p.kw("INSERT") || p.kw("REPLACE") || p.kw("MERGE") || p.kw("IGNORE")
                        }) =>
                    {
                        Some(cx.table_refs(i + 1, false, false))
                    }
                    "UPDATE" if i == verb_i => {
                        let mut j = i + 1;
                        while kw_at(toks, j, "LOW_PRIORITY") || kw_at(toks, j, "IGNORE") {
                            j += 1;
                        }
                        Some(cx.table_refs(j, false, true))
                    }
                    "TABLE" | "TABLES" if !prev.is_some_and(|p| p.kw("RETURNS")) => {
                        Some(cx.table_refs(i + 1, false, true))
                    }
                    "TRUNCATE" | "VACUUM" | "ANALYZE" | "DESCRIBE" | "COPY" | "DESC"
                        if i == verb_i && !kw_at(toks, i + 1, "TABLE") =>
                    {
                        let mut j = i + 1;
                        while let Some(tj) = toks.get(j) {
                            if tj.class == Class::LParen {
                                j = cx.skip_group(j);
                            } else if tj.class == Class::Keyword
                                && ["VERBOSE", "FULL", "FREEZE", "ANALYZE", "ONLY"].iter().any(|k| tj.kw(k))
                            {
                                j += 1;
                            } else {
                                break;
                            }
                        }
                        Some(cx.table_refs(j, false, true))
                    }
                    "USING" if class_at(toks, i + 1) != Some(Class::LParen) => {
                        Some(cx.table_refs(i + 1, true, false))
                    }
                    "REFERENCES" => Some(cx.table_refs(i + 1, false, false)),
                    "ON" if operation == "CREATE INDEX" && cx.tables.is_empty() => {
                        Some(cx.table_refs(i + 1, false, false))
                    }
                    _ => None,
                };
                // Keep scanning from the next token (not from `next`): tables inside subqueries and
                // function arguments that the list parser skipped are found by their own FROM/JOIN.
                let _ = next;
            }
            _ => {}
        }
        i += 1;
    }
    let ctes = cte_names(toks, &br);
    let mut found = cx.tables;
    found.sort_by_key(|(pos, _)| *pos);
    let tables: Vec<String> =
        found.into_iter().map(|(_, t)| t).filter(|t| !ctes.iter().any(|c| c == t)).take(MAX_TABLES).collect();
    let mut summary = operation.clone();
    for t in &tables {
        if summary.len() + 1 + t.len() > MAX_SUMMARY_LEN {
            break;
        }
        summary.push(' ');
        summary.push_str(t);
    }
    StatementFacts { operation, operation_kind, tables, summary }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dialect;
    use crate::normalize::significant_tokens;

    fn f(d: Dialect, s: &str) -> StatementFacts {
        facts(&significant_tokens(d, s))
    }

    #[test]
    fn select_join() {
        let x = f(
            Dialect::Postgresql,
            "SELECT o.id FROM orders o JOIN public.users u ON u.id = o.user_id WHERE EXTRACT(year FROM o.ts) = 1",
        );
        assert_eq!(x.operation, "SELECT");
        assert_eq!(x.tables, vec!["orders", "public.users"]);
        assert_eq!(x.summary, "SELECT orders public.users");
    }

    #[test]
    fn cte_and_ddl() {
        let x =
            f(Dialect::Postgresql, "WITH r AS (SELECT * FROM a) UPDATE b SET x = 1 FROM r WHERE b.id = r.id");
        assert_eq!(x.operation, "UPDATE");
        assert_eq!(x.tables, vec!["a", "b"]);
        let x = f(Dialect::Postgresql, "CREATE UNIQUE INDEX CONCURRENTLY i ON s.t (a)");
        assert_eq!((x.operation.as_str(), x.tables.clone()), ("CREATE INDEX", vec!["s.t".to_string()]));
        let x =
            f(Dialect::Mysql, "INSERT INTO `db`.`t` (a) VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a)");
        assert_eq!(x.tables, vec!["db.t"]);
        let x = f(Dialect::Postgresql, "SELECT * FROM (SELECT id FROM inner_t) s, other o WHERE s.id = o.id");
        assert_eq!(x.tables, vec!["inner_t", "other"]);
        let x = f(Dialect::Postgresql, "DROP TABLE IF EXISTS a, b CASCADE");
        assert_eq!((x.operation.as_str(), x.tables.len()), ("DROP TABLE", 2));
    }
}
