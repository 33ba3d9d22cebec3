//! Literal obfuscation: every literal becomes `?`, comments are removed, identifiers are kept.

use serde::{Deserialize, Serialize};

use crate::lexer::{Lexer, Token, TokenKind};
use crate::{Dialect, SqlError, check_len, keywords};

/// Options for [`obfuscate_with`]. The default masks booleans and NULL and removes every comment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ObfuscateOptions {
    /// Keep `TRUE` / `FALSE` as written instead of `?`.
    pub keep_booleans: bool,
    /// Keep `NULL` as written instead of `?` (`IS [NOT] NULL` and `NOT NULL` are always kept).
    pub keep_null: bool,
    /// sqlcommenter keys whose `key='value'` pairs survive in a block comment
    /// (for example `["application", "controller", "route"]`). Empty: remove all comments.
    pub keep_comment_keys: Vec<String>,
}

/// Obfuscate `sql` with the default options.
pub fn obfuscate(dialect: Dialect, sql: &str) -> Result<String, SqlError> {
    obfuscate_with(dialect, sql, &ObfuscateOptions::default())
}

/// Obfuscate `sql`: literals of every syntax and bind markers become `?`, `IN (...)` lists of literals
/// and multi-row `VALUES` collapse to one element, comments are removed (except allow-listed
/// sqlcommenter pairs), runs of whitespace become one space. Unterminated strings, quoted identifiers
/// and comments are masked or dropped up to the end of the text.
pub fn obfuscate_with(dialect: Dialect, sql: &str, opts: &ObfuscateOptions) -> Result<String, SqlError> {
    check_len(sql)?;
    let mut out = String::with_capacity(sql.len());
    obfuscate_into(dialect, sql, opts, &mut out);
    Ok(out)
}

/// What the previous emitted significant token was.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    None,
    /// A value-ending token: identifier, literal, `)`, `]`.
    Value,
    /// A bare word (keyword or identifier), by its byte range.
    Word(usize, usize),
    /// An operator, `(`, `,`, ...
    Other,
}

struct Out<'o> {
    buf: &'o mut String,
    space: bool,
}

impl Out<'_> {
    #[inline]
    fn push(&mut self, s: &str) {
        if self.space && !self.buf.is_empty() {
            self.buf.push(' ');
        }
        self.space = false;
        self.buf.push_str(s);
    }
}

fn word_is(sql: &str, prev: Prev, upper: &str) -> bool {
    match prev {
        Prev::Word(s, e) => sql.get(s..e).is_some_and(|w| keywords::is(w, upper)),
        _ => false,
    }
}

/// Is `prev` the end of a value (so a following `-` is binary)?
fn prev_is_value(sql: &str, prev: Prev) -> bool {
    match prev {
        Prev::Value => true,
        Prev::None | Prev::Other => false,
        Prev::Word(s, e) => match keywords::keyword(sql.get(s..e).unwrap_or("")) {
            Some(kw) => keywords::is_value_keyword(kw),
            None => true,
        },
    }
}

fn is_bool_or_null(w: &str) -> bool {
    keywords::is(w, "NULL") || keywords::is(w, "TRUE") || keywords::is(w, "FALSE")
}

/// If the lexer sits just after `IN (` and the list holds only literals, return the lexer positioned
/// after the closing `)`.
fn literal_list_end<'a>(lx: &Lexer<'a>) -> Option<Lexer<'a>> {
    let mut la = lx.clone();
    let mut expect_item = true;
    let mut items = 0usize;
    loop {
        let t = la.next_significant()?;
        let text = la.text(t);
        match t.kind {
            k if k.is_literal() && expect_item => {
                expect_item = false;
                items += 1;
            }
            TokenKind::Operator if expect_item && (text == "-" || text == "+") => {}
            TokenKind::Word if expect_item && is_bool_or_null(text) => {
                expect_item = false;
                items += 1;
            }
            TokenKind::Comma if !expect_item => expect_item = true,
            TokenKind::RParen if !expect_item && items > 0 => return Some(la),
            _ => return None,
        }
    }
}

/// After the first row of `VALUES (...)`, skip every following `, ( ... )` row.
fn skip_extra_rows(lx: &mut Lexer<'_>) {
    loop {
        let mut la = lx.clone();
        if !matches!(la.next_significant(), Some(Token { kind: TokenKind::Comma, .. })) {
            return;
        }
        if !matches!(la.next_significant(), Some(Token { kind: TokenKind::LParen, .. })) {
            return;
        }
        let mut depth = 1u32;
        while depth > 0 {
            match la.next_token() {
                None => break,
                Some(t) => match t.kind {
                    TokenKind::LParen => depth += 1,
                    TokenKind::RParen => depth -= 1,
                    _ => {}
                },
            }
        }
        *lx = la;
    }
}

/// Keep only allow-listed sqlcommenter pairs of a block comment, or None.
fn filter_sqlcommenter(comment: &str, keys: &[String]) -> Option<String> {
    let body = comment.strip_prefix("/*")?.strip_suffix("*/")?.trim();
    let mut kept = String::new();
    for pair in body.split(',') {
        let (k, v) = pair.trim().split_once('=')?;
        let k = k.trim();
        let v = v.trim();
        let inner = v.strip_prefix('\'')?.strip_suffix('\'')?;
        // sqlcommenter values are URL-encoded: refuse anything that could break out of the comment.
        if inner.contains(['\'', '*', '/', '\\'])
            || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
        {
            return None;
        }
        if keys.iter().any(|a| a == k) {
            if !kept.is_empty() {
                kept.push(',');
            }
            kept.push_str(k);
            kept.push('=');
            kept.push_str(v);
        }
    }
    if kept.is_empty() { None } else { Some(format!("/*{kept}*/")) }
}

pub(crate) fn obfuscate_into(dialect: Dialect, sql: &str, opts: &ObfuscateOptions, buf: &mut String) {
    let mut out = Out { buf, space: false };
    let mut lx = Lexer::new(dialect, sql);
    let mut prev = Prev::None;
    let mut depth: u32 = 0;
    let mut values_depth: Option<u32> = None;
    while let Some(t) = lx.next_token() {
        let text = lx.text(t);
        match t.kind {
            TokenKind::Whitespace | TokenKind::LineComment => out.space = true,
            TokenKind::BlockComment { terminated } => {
                if terminated
                    && !opts.keep_comment_keys.is_empty()
                    && let Some(kept) = filter_sqlcommenter(text, &opts.keep_comment_keys)
                {
                    out.push(&kept);
                }
                out.space = true;
            }
            TokenKind::String { .. } | TokenKind::Number | TokenKind::Param => {
                out.push("?");
                prev = Prev::Value;
            }
            TokenKind::QuotedIdent { terminated } => {
                out.push(if terminated { text } else { "?" });
                prev = Prev::Value;
            }
            TokenKind::Word => {
                let keep = if keywords::is(text, "NULL") {
                    opts.keep_null || word_is(sql, prev, "IS") || word_is(sql, prev, "NOT")
                } else if keywords::is(text, "TRUE") || keywords::is(text, "FALSE") {
                    opts.keep_booleans || word_is(sql, prev, "IS") || word_is(sql, prev, "NOT")
                } else {
                    true
                };
                if keep {
                    out.push(text);
                    prev = Prev::Word(t.start, t.end);
                    if keywords::is(text, "VALUES") {
                        values_depth = Some(depth);
                    }
                } else {
                    out.push("?");
                    prev = Prev::Value;
                }
            }
            TokenKind::Operator if (text == "-" || text == "+") && !prev_is_value(sql, prev) => {
                let mut la = lx.clone();
                match la.next_significant() {
                    Some(n) if n.kind == TokenKind::Number => {
                        lx = la;
                        out.push("?");
                        prev = Prev::Value;
                    }
                    _ => {
                        out.push(text);
                        prev = Prev::Other;
                    }
                }
            }
            TokenKind::LParen => {
                if word_is(sql, prev, "IN")
                    && let Some(la) = literal_list_end(&lx)
                {
                    lx = la;
                    out.push("(?)");
                    prev = Prev::Value;
                    continue;
                }
                depth = depth.saturating_add(1);
                out.push("(");
                prev = Prev::Other;
            }
            TokenKind::RParen => {
                depth = depth.saturating_sub(1);
                out.push(")");
                prev = Prev::Value;
                if values_depth == Some(depth) {
                    skip_extra_rows(&mut lx);
                    values_depth = None;
                }
            }
            TokenKind::RBracket => {
                out.push(text);
                prev = Prev::Value;
            }
            _ => {
                out.push(text);
                prev = Prev::Other;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(s: &str) -> String {
        obfuscate(Dialect::Postgresql, s).unwrap_or_default()
    }
    fn my(s: &str) -> String {
        obfuscate(Dialect::Mysql, s).unwrap_or_default()
    }

    #[test]
    fn basic_pg() {
        assert_eq!(
            pg("SELECT * FROM t WHERE a = 'x''y' AND b = -1.5e3"),
            "SELECT * FROM t WHERE a = ? AND b = ?"
        );
        assert_eq!(pg("select a-1 from t"), "select a-? from t");
        assert_eq!(pg("x IN (1, 2, 'a', $1)"), "x IN (?)");
        assert_eq!(
            pg("INSERT INTO t VALUES (1, 'a'), (2, 'b'),(3,'c') RETURNING id"),
            "INSERT INTO t VALUES (?, ?) RETURNING id"
        );
        assert_eq!(
            pg("SELECT $a$ secret $a$, $$x$$, E'\\'s', U&'d\\0061t', B'101', X'1F'"),
            "SELECT ?, ?, ?, ?, ?, ?"
        );
        assert_eq!(
            pg("SELECT 1 /* a /* nested */ secret */ -- c\n FROM \"T\"\"x\""),
            "SELECT ? FROM \"T\"\"x\""
        );
        assert_eq!(pg("SELECT * FROM t WHERE a = 'unterminated secret"), "SELECT * FROM t WHERE a = ?");
        assert_eq!(
            pg("WHERE a IS NULL AND b = NULL AND c = true AND d IS NOT TRUE"),
            "WHERE a IS NULL AND b = ? AND c = ? AND d IS NOT TRUE"
        );
    }

    #[test]
    fn basic_mysql() {
        assert_eq!(
            my("SELECT * FROM `t` WHERE a = \"secret\" AND b = 'it\\'s' # c"),
            "SELECT * FROM `t` WHERE a = ? AND b = ?"
        );
        assert_eq!(my("SELECT _utf8mb4'x', N'y', 0x1F, 0b11, x'AB', ?"), "SELECT ?, ?, ?, ?, ?, ?");
        assert_eq!(my("SELECT 1--1"), "SELECT ?-?");
    }

    #[test]
    fn sqlcommenter_allowlist() {
        let opts = ObfuscateOptions { keep_comment_keys: vec!["route".into()], ..Default::default() };
        let s = obfuscate_with(Dialect::Postgresql, "SELECT 1 /*route='%2Fa',user='bob'*/", &opts)
            .unwrap_or_default();
        assert_eq!(s, "SELECT ? /*route='%2Fa'*/");
    }
}
