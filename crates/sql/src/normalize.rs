//! Normal form and fingerprint.
//!
//! The normal form is the significant token stream with keywords uppercased, bare identifiers
//! lowercased, literals and bind markers replaced by `?`, comments and whitespace dropped, lists of
//! literals collapsed to one `?`, repeated identical groups (`VALUES (?), (?)`) deduplicated, and
//! aliases removed in DML (`AS alias`, and an implicit alias after a table, a column or a call).
//! The fingerprint is FNV-1a 64 over the normal form, prefixed by [`FINGERPRINT_VERSION`].

use std::borrow::Cow;

use crate::lexer::{Lexer, TokenKind};
use crate::{Dialect, SqlError, check_len, keywords};

/// Version of the normalisation + fingerprint algorithm. Store it next to every fingerprint; a change
/// of version re-keys all fingerprints.
pub const FINGERPRINT_VERSION: u32 = 1;

/// Token classes of the normal form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Keyword,
    Ident,
    Placeholder,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Semicolon,
    Op,
    Other,
}

/// A significant token: its class, its normal text and its raw text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NTok<'a> {
    pub class: Class,
    pub text: Cow<'a, str>,
    pub raw: &'a str,
}

impl NTok<'_> {
    pub fn kw(&self, upper: &str) -> bool {
        self.class == Class::Keyword && self.text == upper
    }
    fn same(&self, o: &NTok<'_>) -> bool {
        self.class == o.class && self.text == o.text
    }
}

fn is_plain_ident(s: &str, lower_only: bool) -> bool {
    let mut b = s.bytes();
    let first_ok = b
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == b'_' || (!lower_only && c.is_ascii_uppercase()));
    first_ok
        && b.all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == b'_'
                || (!lower_only && c.is_ascii_uppercase())
        })
}

fn lower<'a>(s: &'a str) -> Cow<'a, str> {
    if s.bytes().any(|c| c.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Strip the quotes of a quoted identifier (undoubling inner quotes).
pub(crate) fn unquote(raw: &str) -> Cow<'_, str> {
    let (q, body) = if let Some(b) = raw.strip_prefix('"') {
        ('"', b.strip_suffix('"').unwrap_or(b))
    } else if let Some(b) = raw.strip_prefix('`') {
        ('`', b.strip_suffix('`').unwrap_or(b))
    } else if let Some(b) = raw.strip_prefix("U&\"").or_else(|| raw.strip_prefix("u&\"")) {
        ('"', b.strip_suffix('"').unwrap_or(b))
    } else {
        return Cow::Borrowed(raw);
    };
    let mut dbl = [0u8; 8];
    let dq: &str = q.encode_utf8(&mut dbl);
    let doubled = format!("{dq}{dq}");
    if body.contains(&doubled) { Cow::Owned(body.replace(&doubled, dq)) } else { Cow::Borrowed(body) }
}

fn is_value_tok(t: &NTok<'_>) -> bool {
    match t.class {
        Class::Ident | Class::Placeholder | Class::RParen | Class::RBracket => true,
        Class::Keyword => keywords::is_value_keyword(&t.text),
        _ => false,
    }
}

/// Most significant tokens (after literal lists are collapsed) that the normal form, the fingerprint
/// and the statement facts look at. The analysis holds a few small structs per token, so this bounds
/// its memory whatever the text (4 MiB of `(` would otherwise be 4 M tokens, ~160 bytes each). A
/// longer statement is analysed on its first tokens and its normal form ends with `...`; the
/// obfuscated text always covers the whole statement.
pub const MAX_ANALYZED_TOKENS: usize = 1 << 16;

/// Marks a normal form cut at [`MAX_ANALYZED_TOKENS`].
const TRUNCATION_MARK: &str = "...";

/// Lex `sql` into significant tokens with literals already replaced by placeholders, at most
/// [`MAX_ANALYZED_TOKENS`] of them (then a final `...` token).
pub(crate) fn significant_tokens(dialect: Dialect, sql: &str) -> Vec<NTok<'_>> {
    let mut out: Vec<NTok<'_>> = Vec::with_capacity((sql.len() / 4 + 1).min(MAX_ANALYZED_TOKENS + 1));
    let mut lx = Lexer::new(dialect, sql);
    let placeholder = |raw| NTok { class: Class::Placeholder, text: Cow::Borrowed("?"), raw };
    while let Some(t) = lx.next_token() {
        if out.len() >= MAX_ANALYZED_TOKENS {
            if lx.next_significant().is_some() || !t.kind.is_trivia() {
                out.push(NTok {
                    class: Class::Other,
                    text: Cow::Borrowed(TRUNCATION_MARK),
                    raw: TRUNCATION_MARK,
                });
            }
            break;
        }
        let raw = lx.text(t);
        let tok = match t.kind {
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment { .. } => continue,
            TokenKind::String { .. } | TokenKind::Param => {
                // MySQL charset introducer separated by spaces: `_utf8mb4 'x'`.
                if dialect == Dialect::Mysql
                    && out.last().is_some_and(|p| p.class == Class::Ident && p.raw.starts_with('_'))
                {
                    out.pop();
                }
                placeholder(raw)
            }
            TokenKind::Number => {
                // Fold a sign into the number when the `-`/`+` is unary.
                let n = out.len();
                let is_sign =
                    out.last().is_some_and(|p| p.class == Class::Op && (p.raw == "-" || p.raw == "+"));
                if is_sign && !(n >= 2 && out.get(n - 2).is_some_and(is_value_tok)) {
                    out.pop();
                }
                placeholder(raw)
            }
            TokenKind::QuotedIdent { terminated: false } => placeholder(raw),
            TokenKind::QuotedIdent { terminated: true } => {
                let inner = unquote(raw);
                let mysql = dialect == Dialect::Mysql;
                let text = if is_plain_ident(&inner, !mysql) && keywords::keyword(&inner).is_none() {
                    if mysql { Cow::Owned(inner.to_ascii_lowercase()) } else { inner }
                } else {
                    Cow::Borrowed(raw)
                };
                NTok { class: Class::Ident, text, raw }
            }
            TokenKind::Word => match keywords::keyword(raw) {
                Some(kw @ ("NULL" | "TRUE" | "FALSE")) => {
                    if out.last().is_some_and(|p| p.kw("IS") || p.kw("NOT")) {
                        NTok { class: Class::Keyword, text: Cow::Borrowed(kw), raw }
                    } else {
                        placeholder(raw)
                    }
                }
                Some(kw) => NTok { class: Class::Keyword, text: Cow::Borrowed(kw), raw },
                None => NTok { class: Class::Ident, text: lower(raw), raw },
            },
            TokenKind::Operator => NTok { class: Class::Op, text: Cow::Borrowed(raw), raw },
            TokenKind::LParen => NTok { class: Class::LParen, text: Cow::Borrowed("("), raw },
            TokenKind::RParen => NTok { class: Class::RParen, text: Cow::Borrowed(")"), raw },
            TokenKind::LBracket => NTok { class: Class::LBracket, text: Cow::Borrowed("["), raw },
            TokenKind::RBracket => NTok { class: Class::RBracket, text: Cow::Borrowed("]"), raw },
            TokenKind::Comma => NTok { class: Class::Comma, text: Cow::Borrowed(","), raw },
            TokenKind::Semicolon => NTok { class: Class::Semicolon, text: Cow::Borrowed(";"), raw },
            TokenKind::Dot => NTok { class: Class::Dot, text: Cow::Borrowed("."), raw },
            TokenKind::Other => NTok { class: Class::Other, text: Cow::Borrowed(raw), raw },
        };
        // `?, ?` -> `?` already here (the normal form does the same later), so long literal lists
        // (`IN (1, 2, ...)`, `VALUES (1, 2, ...)`) take two tokens, not two per item.
        let n = out.len();
        if tok.class == Class::Placeholder
            && n >= 2
            && out.get(n - 1).is_some_and(|c| c.class == Class::Comma)
            && out.get(n - 2).is_some_and(|p| p.class == Class::Placeholder)
        {
            out.pop();
            continue;
        }
        out.push(tok);
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum GroupKind {
    Func,
    Cast,
    Subquery,
    Other,
}

struct Group {
    start: usize,
    kind: GroupKind,
}

/// True when the statement is DML (alias rules apply).
pub(crate) fn is_dml(toks: &[NTok<'_>]) -> bool {
    toks.iter().find(|t| t.class != Class::LParen).is_some_and(|t| {
        ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "MERGE", "REPLACE", "VALUES", "TABLE"]
            .iter()
            .any(|k| t.kw(k))
    })
}

/// Keywords after which a preceding bare word is an alias.
fn ends_alias(t: Option<&NTok<'_>>) -> bool {
    match t {
        None => true,
        Some(t) => match t.class {
            Class::Comma | Class::RParen | Class::Semicolon => true,
            Class::Keyword => matches!(
                &*t.text,
                "FROM"
                    | "WHERE"
                    | "JOIN"
                    | "INNER"
                    | "LEFT"
                    | "RIGHT"
                    | "FULL"
                    | "CROSS"
                    | "NATURAL"
                    | "STRAIGHT_JOIN"
                    | "ON"
                    | "USING"
                    | "GROUP"
                    | "ORDER"
                    | "LIMIT"
                    | "HAVING"
                    | "WINDOW"
                    | "UNION"
                    | "EXCEPT"
                    | "INTERSECT"
                    | "SET"
                    | "OFFSET"
                    | "FETCH"
                    | "FOR"
                    | "RETURNING"
                    | "WHEN"
                    | "USE"
                    | "FORCE"
                    | "IGNORE"
                    | "TABLESAMPLE"
            ),
            _ => false,
        },
    }
}

/// True when the next identifier names a relation: right after FROM / JOIN / INTO / UPDATE / TABLE /
/// ONLY, or after `schema.` there.
fn in_table_position(out: &[NTok<'_>]) -> bool {
    let rel_kw = |t: Option<&NTok<'_>>| {
        t.is_some_and(|t| ["FROM", "JOIN", "INTO", "UPDATE", "TABLE", "ONLY"].iter().any(|k| t.kw(k)))
    };
    let n = out.len();
    match out.last().map(|t| t.class) {
        Some(Class::Keyword) => rel_kw(out.last()),
        Some(Class::Dot) => {
            n >= 3 && out.get(n - 2).is_some_and(|t| t.class == Class::Ident) && rel_kw(out.get(n - 3))
        }
        _ => false,
    }
}

/// Like libpg_query's fingerprint, runs of two or more digits in a relation name are not significant
/// (numbered partitions and shards such as `events_2024_01` group together): each run becomes `?`.
fn mask_digit_runs<'a>(s: &Cow<'a, str>) -> Cow<'a, str> {
    let b = s.as_bytes();
    if !b.windows(2).any(|w| w.iter().all(u8::is_ascii_digit)) {
        return s.clone();
    }
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        out.push_str(if run.len() >= 2 { "?" } else { &run });
        run.clear();
        out.push(c);
    }
    out.push_str(if run.len() >= 2 { "?" } else { &run });
    Cow::Owned(out)
}

/// Longest group (in tokens) compared with its predecessor for `(g), (g)` de-duplication.
const MAX_DEDUP_GROUP: usize = 256;

/// Apply alias removal and list collapsing.
pub(crate) fn normal_tokens<'a>(toks: &[NTok<'a>]) -> Vec<NTok<'a>> {
    let folded = fold_constant_casts(toks);
    let toks: &[NTok<'a>] = &folded;
    let dml = is_dml(toks);
    let mut out: Vec<NTok<'a>> = Vec::with_capacity(toks.len());
    let mut stack: Vec<Group> = Vec::new();
    let mut last_closed = GroupKind::Other;
    let mut i = 0usize;
    while let Some(t) = toks.get(i) {
        let in_cast = stack.last().is_some_and(|g| g.kind == GroupKind::Cast);
        let next = toks.get(i + 1);
        if dml && !in_cast {
            // `AS alias`
            if t.kw("AS") && next.is_some_and(|n| n.class == Class::Ident) {
                i += 2;
                continue;
            }
            // implicit alias
            if t.class == Class::Ident && ends_alias(next) {
                let n = out.len();
                let prev = out.last();
                let prev_ok = match prev.map(|p| p.class) {
                    Some(Class::Ident) => true,
                    Some(Class::Placeholder) => !(n >= 2 && out.get(n - 2).is_some_and(|p| p.kw("INTERVAL"))),
                    Some(Class::RParen) => matches!(last_closed, GroupKind::Func | GroupKind::Subquery),
                    Some(Class::Keyword) => prev.is_some_and(|p| p.kw("END")),
                    _ => false,
                };
                if prev_ok {
                    i += 1;
                    continue;
                }
            }
        }
        match t.class {
            Class::LParen | Class::LBracket => {
                let kind = match out.last() {
                    Some(p) if p.class == Class::Ident => GroupKind::Func,
                    Some(p) if p.kw("CAST") || p.kw("CONVERT") => GroupKind::Cast,
                    _ => {
                        if next.is_some_and(|n| n.kw("SELECT") || n.kw("WITH") || n.kw("VALUES")) {
                            GroupKind::Subquery
                        } else {
                            GroupKind::Other
                        }
                    }
                };
                stack.push(Group { start: out.len(), kind });
                out.push(t.clone());
            }
            Class::RParen | Class::RBracket => {
                if let Some(g) = stack.pop() {
                    let inner = out.get(g.start + 1..).unwrap_or(&[]);
                    if !inner.is_empty()
                        && inner.iter().all(|x| matches!(x.class, Class::Placeholder | Class::Comma))
                        && inner.iter().any(|x| x.class == Class::Placeholder)
                    {
                        out.truncate(g.start + 1);
                        out.push(NTok { class: Class::Placeholder, text: Cow::Borrowed("?"), raw: "?" });
                    }
                    out.push(t.clone());
                    last_closed = g.kind;
                    // Deduplicate `(group), (group)`.
                    let s = g.start;
                    let len = out.len().saturating_sub(s);
                    // Bounded: comparing is O(len); never O(n^2) on nested input.
                    if s > len
                        && len <= MAX_DEDUP_GROUP
                        && g.kind != GroupKind::Func
                        && out.get(s - 1).is_some_and(|c| c.class == Class::Comma)
                    {
                        let (a, b) = (out.get(s - 1 - len..s - 1), out.get(s..));
                        if let (Some(a), Some(b)) = (a, b)
                            && a.len() == b.len()
                            && a.iter().zip(b).all(|(x, y)| x.same(y))
                        {
                            out.truncate(s - 1);
                        }
                    }
                } else {
                    out.push(t.clone());
                    last_closed = GroupKind::Other;
                }
            }
            // `?, ?` -> `?`: list items that are both constants are one item (libpg_query
            // de-duplicates list items: `SELECT 1, 2` = `SELECT 1`, `LIMIT ?, ?` = `LIMIT ?`).
            Class::Placeholder
                if out.last().is_some_and(|c| c.class == Class::Comma)
                    && out.len() >= 2
                    && out.get(out.len() - 2).is_some_and(|p| p.class == Class::Placeholder) =>
            {
                out.pop();
            }
            Class::Ident if in_table_position(&out) => {
                let text = mask_digit_runs(&t.text);
                out.push(NTok { class: t.class, text, raw: t.raw });
            }
            _ => out.push(t.clone()),
        }
        i += 1;
    }
    while out.last().is_some_and(|t| t.class == Class::Semicolon) {
        out.pop();
    }
    fold_set_values(out)
}

fn is_type_word(t: Option<&NTok<'_>>) -> bool {
    t.is_some_and(|t| matches!(t.class, Class::Ident | Class::Keyword))
}

/// A cast of a constant is a constant (as in libpg_query): `?::type`, `CAST(? AS type)` and typed
/// literals `DATE ?` / `TIMESTAMP ?` / `INTERVAL ?` become `?`.
fn fold_constant_casts<'t, 'a>(toks: &'t [NTok<'a>]) -> Cow<'t, [NTok<'a>]> {
    // Nothing to fold (the common case): no copy of the token vector.
    let foldable = |t: &NTok<'_>| {
        (t.class == Class::Op && t.text == "::")
            || ["CAST", "DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ", "INTERVAL"].iter().any(|k| t.kw(k))
    };
    if !toks.iter().any(foldable) {
        return Cow::Borrowed(toks);
    }
    let mut out: Vec<NTok<'a>> = Vec::with_capacity(toks.len());
    let mut i = 0usize;
    while let Some(t) = toks.get(i) {
        // ?::type[(..)][[]] (repeated)
        if t.class == Class::Op
            && t.text == "::"
            && out.last().is_some_and(|p| p.class == Class::Placeholder)
            && is_type_word(toks.get(i + 1))
        {
            i += 2;
            // multi-word types: double precision, character varying, timestamp with time zone
            while toks.get(i).is_some_and(|t| {
                t.class == Class::Keyword
                    && ["PRECISION", "VARYING", "WITH", "WITHOUT", "TIME", "ZONE"].iter().any(|k| t.kw(k))
            }) {
                i += 1;
            }
            if toks.get(i).is_some_and(|t| t.class == Class::LParen) {
                let mut depth = 0i64;
                while let Some(t) = toks.get(i) {
                    match t.class {
                        Class::LParen => depth += 1,
                        Class::RParen => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                    if depth <= 0 {
                        break;
                    }
                }
            }
            while toks.get(i).is_some_and(|t| t.class == Class::LBracket)
                && toks.get(i + 1).is_some_and(|t| t.class == Class::RBracket)
            {
                i += 2;
            }
            continue;
        }
        // CAST(? AS type ...)
        if t.kw("CAST")
            && toks.get(i + 1).is_some_and(|t| t.class == Class::LParen)
            && toks.get(i + 2).is_some_and(|t| t.class == Class::Placeholder)
            && toks.get(i + 3).is_some_and(|t| t.kw("AS"))
        {
            let mut j = i + 1;
            let mut depth = 0i64;
            while let Some(t) = toks.get(j) {
                match t.class {
                    Class::LParen => depth += 1,
                    Class::RParen => depth -= 1,
                    _ => {}
                }
                j += 1;
                if depth <= 0 {
                    break;
                }
            }
            out.push(NTok { class: Class::Placeholder, text: Cow::Borrowed("?"), raw: "?" });
            i = j;
            continue;
        }
        // DATE ? / TIMESTAMP ? / INTERVAL ? (not MySQL's INTERVAL ? DAY)
        if ["DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ", "INTERVAL"].iter().any(|k| t.kw(k))
            && toks.get(i + 1).is_some_and(|n| n.class == Class::Placeholder)
            && !toks.get(i + 2).is_some_and(|n| {
                n.class == Class::Keyword
                    && [
                        "YEAR",
                        "MONTH",
                        "WEEK",
                        "DAY",
                        "HOUR",
                        "MINUTE",
                        "SECOND",
                        "MICROSECOND",
                        "QUARTER",
                        "TO",
                    ]
                    .iter()
                    .any(|k| n.kw(k))
            })
            && !out.last().is_some_and(|p| p.class == Class::Op && p.text == "::")
        {
            i += 1;
            continue;
        }
        out.push(t.clone());
        i += 1;
    }
    Cow::Owned(out)
}

/// `SET name TO|= value[, ...]`: the value is a constant (as in libpg_query).
fn fold_set_values(mut toks: Vec<NTok<'_>>) -> Vec<NTok<'_>> {
    if !toks.first().is_some_and(|t| t.kw("SET")) {
        return toks;
    }
    let Some(pos) = toks.iter().position(|t| t.kw("TO") || (t.class == Class::Op && t.text == "=")) else {
        return toks;
    };
    if toks.len() > pos + 1 {
        toks.truncate(pos + 1);
        toks.push(NTok { class: Class::Placeholder, text: Cow::Borrowed("?"), raw: "?" });
    }
    toks
}

/// Render normal tokens as text.
pub(crate) fn render(toks: &[NTok<'_>], buf: &mut String) {
    let mut prev: Option<&NTok<'_>> = None;
    for t in toks {
        if let Some(p) = prev {
            let no_space_before = matches!(
                t.class,
                Class::Comma | Class::RParen | Class::RBracket | Class::Dot | Class::Semicolon
            ) || (t.class == Class::Op && t.text == "::")
                || (matches!(t.class, Class::LParen | Class::LBracket) && p.class == Class::Ident)
                || (t.class == Class::LBracket
                    && matches!(p.class, Class::RBracket | Class::RParen | Class::Keyword | Class::Ident));
            let no_space_after = matches!(p.class, Class::LParen | Class::LBracket | Class::Dot)
                || (p.class == Class::Op && p.text == "::");
            if !no_space_before && !no_space_after {
                buf.push(' ');
            }
        }
        buf.push_str(&t.text);
        prev = Some(t);
    }
}

/// FNV-1a 64 (pinned: offset basis 0xcbf29ce484222325, prime 0x100000001b3).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The fingerprint of a normal form.
pub(crate) fn fingerprint_of_normal(normal: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in FINGERPRINT_VERSION.to_le_bytes().iter().chain(normal.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The normal form of `sql`.
pub fn normalize(dialect: Dialect, sql: &str) -> Result<String, SqlError> {
    check_len(sql)?;
    let toks = significant_tokens(dialect, sql);
    let mut s = String::with_capacity(sql.len());
    render(&normal_tokens(&toks), &mut s);
    Ok(s)
}

/// A 64-bit fingerprint (version [`FINGERPRINT_VERSION`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    /// 16 lowercase hex digits.
    pub fn to_hex(self) -> String {
        format!("{:016x}", self.0)
    }

    /// The fingerprint written as exactly 16 hex digits (either case), as [`Fingerprint::to_hex`]
    /// writes it; `None` for anything else. A straight loop: processors parse one per record, and
    /// `u64::from_str_radix` (sign, radix and overflow checks per digit) cost five times as much.
    #[inline]
    pub fn from_hex(s: &str) -> Option<Fingerprint> {
        let b: &[u8; 16] = s.as_bytes().try_into().ok()?;
        let mut v = 0u64;
        let mut bad = 0u8;
        for &c in b {
            let digit = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => {
                    bad = 1;
                    0
                }
            };
            v = (v << 4) | u64::from(digit);
        }
        (bad == 0).then_some(Fingerprint(v))
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Fingerprint of `sql`: equal for statements that differ only in literals, whitespace, keyword case,
/// comments, IN-list length or aliases.
pub fn fingerprint(dialect: Dialect, sql: &str) -> Result<Fingerprint, SqlError> {
    let n = normalize(dialect, sql)?;
    Ok(Fingerprint(fingerprint_of_normal(&n)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_round_trip_through_hex_and_nothing_else_parses() {
        for v in [0u64, 1, 0xdead_beef, u64::MAX, 0x0123_4567_89ab_cdef] {
            let f = Fingerprint(v);
            assert_eq!(Fingerprint::from_hex(&f.to_hex()), Some(f));
            assert_eq!(Fingerprint::from_hex(&f.to_hex().to_uppercase()), Some(f));
        }
        for bad in [
            "",
            "0",
            "0123456789abcdef0",
            "0123456789abcdeg",
            "+123456789abcdef",
            " 123456789abcdef",
            "ü23456789abcde",
        ] {
            assert_eq!(Fingerprint::from_hex(bad), None, "{bad:?}");
        }
    }

    use super::*;

    fn n(s: &str) -> String {
        normalize(Dialect::Postgresql, s).unwrap_or_default()
    }

    #[test]
    fn normal_form() {
        assert_eq!(
            n("select a as x, count(*) total from Users u where u.id in (1,2,3) -- c"),
            "SELECT a, count(*) FROM users WHERE u.id IN (?)"
        );
        assert_eq!(n("INSERT INTO t (a,b) VALUES (1,2),(3,4);"), "INSERT INTO t(a, b) VALUES (?)");
        assert_eq!(n("SELECT CAST(a AS integer) FROM t"), "SELECT CAST (a AS INTEGER) FROM t");
        assert_eq!(
            n("SELECT CAST('1' AS integer), '2024-01-01'::timestamp with time zone, DATE '2024-01-02'"),
            "SELECT ?"
        );
        assert_eq!(n("SELECT x::varchar(10)[], '{1}'::int[]"), "SELECT x::VARCHAR (?)[], ?");
        assert_eq!(n("SET search_path TO app, public"), "SET search_path TO ?");
        assert_eq!(n("SELECT a - 1, -1"), "SELECT a - ?");
        assert_eq!(n("SELECT 1, a, 2, 3"), "SELECT ?, a, ?");
    }

    #[test]
    fn fingerprint_groups() {
        let f = |s: &str| fingerprint(Dialect::Postgresql, s).map(|f| f.0).unwrap_or(0);
        assert_eq!(f("SELECT * FROM t WHERE id = 1"), f("select *  from T where ID = $1 /* x */"));
        assert_eq!(f("SELECT * FROM t WHERE id IN (1)"), f("SELECT * FROM t WHERE id IN (1, 2, 3)"));
        assert_ne!(f("SELECT * FROM t WHERE id = 1"), f("SELECT * FROM u WHERE id = 1"));
        assert_ne!(f("SELECT * FROM t WHERE id = 1"), f("SELECT * FROM t WHERE id > 1"));
        assert_ne!(f("SELECT a FROM t"), f("SELECT b FROM t"));
        assert_ne!(f("SELECT a FROM t1"), f("SELECT a FROM t2"));
        assert_eq!(f("SELECT a FROM events_2024_01"), f("SELECT a FROM events_2025_12"));
    }
}
