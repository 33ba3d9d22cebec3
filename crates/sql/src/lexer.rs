//! A byte-level, zero-copy SQL lexer for the PostgreSQL and MySQL/MariaDB dialects.
//!
//! The lexer never fails and never panics: every byte of the input belongs to exactly one token, and
//! anything it does not understand becomes a one-byte [`TokenKind::Other`] token. Unterminated strings,
//! quoted identifiers and comments extend to the end of the input and are flagged as such, so text cut
//! off by `track_activity_query_size` is still masked to its end.
//!
//! Token boundaries always fall on ASCII bytes (or the end of input), so slicing the `&str` input with a
//! token's range is always on a UTF-8 character boundary; we still use `str::get` everywhere.

use crate::Dialect;

/// The class of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Spaces, tabs, newlines.
    Whitespace,
    /// `-- ...` (and `# ...` in MySQL), up to but excluding the newline.
    LineComment,
    /// `/* ... */` (nested in PostgreSQL). `terminated` is false when the input ends inside it.
    BlockComment {
        terminated: bool,
    },
    /// A bare word: keyword or identifier (also MySQL `@var` / `@@var`).
    Word,
    /// `"ident"` in PostgreSQL, `` `ident` `` in MySQL (also PostgreSQL `U&"ident"`).
    QuotedIdent {
        terminated: bool,
    },
    /// Any string literal, with its prefix: `'..'`, `E'..'`, `U&'..'`, `B'..'`, `X'..'`, `N'..'`,
    /// `$tag$..$tag$`, MySQL `".."` and `_charset'..'`.
    String {
        terminated: bool,
    },
    /// A numeric literal (decimal, exponent, hex, octal, binary; without sign).
    Number,
    /// A bind marker: `$1` (PostgreSQL), `?` (MySQL).
    Param,
    /// An operator (`=`, `<>`, `::`, `->>`, ...).
    Operator,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Semicolon,
    Dot,
    /// Anything else (one byte).
    Other,
}

impl TokenKind {
    /// True for whitespace and comments.
    pub fn is_trivia(self) -> bool {
        matches!(self, TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment { .. })
    }

    /// True for literal tokens that obfuscation replaces with `?`.
    pub fn is_literal(self) -> bool {
        matches!(self, TokenKind::String { .. } | TokenKind::Number | TokenKind::Param)
    }
}

/// A token: its kind and its byte range in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

/// The lexer: an iterator over tokens. Cheap to clone (for lookahead).
#[derive(Clone, Debug)]
pub struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    mysql: bool,
}

#[inline]
fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

#[inline]
fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

#[inline]
fn is_pg_op_char(b: u8) -> bool {
    matches!(
        b,
        b'+' | b'-'
            | b'*'
            | b'/'
            | b'<'
            | b'>'
            | b'='
            | b'~'
            | b'!'
            | b'@'
            | b'#'
            | b'%'
            | b'^'
            | b'&'
            | b'|'
            | b'`'
            | b'?'
    )
}

impl<'a> Lexer<'a> {
    pub fn new(dialect: Dialect, src: &'a str) -> Self {
        Lexer { src, bytes: src.as_bytes(), pos: 0, mysql: dialect == Dialect::Mysql }
    }

    /// The input text.
    pub fn source(&self) -> &'a str {
        self.src
    }

    /// The text of a token (empty if the range were ever invalid; it never is).
    #[inline]
    pub fn text(&self, t: Token) -> &'a str {
        self.src.get(t.start..t.end).unwrap_or("")
    }

    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    /// Next token that is not whitespace or a comment.
    pub fn next_significant(&mut self) -> Option<Token> {
        loop {
            let t = self.next_token()?;
            if !t.kind.is_trivia() {
                return Some(t);
            }
        }
    }

    /// Scan a quoted body starting at `from` (just after the opening quote). A doubled quote is an
    /// escaped quote; with `backslash`, `\x` escapes any byte. Returns whether it was terminated.
    fn scan_quoted(&mut self, from: usize, quote: u8, backslash: bool) -> bool {
        let len = self.bytes.len();
        let mut i = from;
        while i < len {
            let c = self.at(i);
            if backslash && c == b'\\' {
                i += 2;
                continue;
            }
            if c == quote {
                if self.at(i + 1) == quote && i + 1 < len {
                    i += 2;
                    continue;
                }
                self.pos = i + 1;
                return true;
            }
            i += 1;
        }
        self.pos = len;
        false
    }

    fn scan_block_comment(&mut self, from: usize) -> bool {
        let len = self.bytes.len();
        let mut depth: u32 = 1;
        let mut i = from;
        while i < len {
            let c = self.at(i);
            if c == b'*' && self.at(i + 1) == b'/' {
                depth -= 1;
                i += 2;
                if depth == 0 || self.mysql {
                    self.pos = i;
                    return true;
                }
                continue;
            }
            if !self.mysql && c == b'/' && self.at(i + 1) == b'*' {
                depth = depth.saturating_add(1);
                i += 2;
                continue;
            }
            i += 1;
        }
        self.pos = len;
        false
    }

    fn scan_line_comment(&mut self, from: usize) {
        let len = self.bytes.len();
        let mut i = from;
        while i < len && self.at(i) != b'\n' && self.at(i) != b'\r' {
            i += 1;
        }
        self.pos = i;
    }

    fn scan_digits(&self, mut i: usize, radix_ok: fn(u8) -> bool) -> usize {
        while i < self.bytes.len() && (radix_ok(self.at(i)) || self.at(i) == b'_') {
            i += 1;
        }
        i
    }

    fn scan_number(&mut self, start: usize) {
        let b0 = self.at(start);
        let b1 = self.at(start + 1) | 0x20;
        if b0 == b'0' && (b1 == b'x' || b1 == b'b' || b1 == b'o') {
            let ok: fn(u8) -> bool = match b1 {
                b'x' => |c: u8| c.is_ascii_hexdigit(),
                b'b' => |c: u8| c == b'0' || c == b'1',
                _ => |c: u8| (b'0'..=b'7').contains(&c),
            };
            let end = self.scan_digits(start + 2, ok);
            if end > start + 2 {
                self.pos = end;
                return;
            }
        }
        let digit: fn(u8) -> bool = |c: u8| c.is_ascii_digit();
        let mut i = self.scan_digits(start, digit);
        if self.at(i) == b'.' && self.at(i + 1) != b'.' {
            i = self.scan_digits(i + 1, digit);
        }
        if self.at(i) | 0x20 == b'e' {
            let mut j = i + 1;
            if self.at(j) == b'+' || self.at(j) == b'-' {
                j += 1;
            }
            if self.at(j).is_ascii_digit() {
                i = self.scan_digits(j, digit);
            }
        }
        self.pos = i.min(self.bytes.len());
    }

    /// `$tag$ ... $tag$` starting at `start` (which holds `$`). Returns None if this is not a dollar
    /// quote opener.
    fn scan_dollar(&mut self, start: usize) -> Option<TokenKind> {
        let len = self.bytes.len();
        let mut i = start + 1;
        if i < len && is_ident_start(self.at(i)) {
            while i < len && is_ident_char(self.at(i)) && self.at(i) != b'$' {
                i += 1;
            }
        }
        if self.at(i) != b'$' || i >= len {
            return None;
        }
        let tag = self.bytes.get(start..=i)?;
        let mut j = i + 1;
        while j < len {
            if self.at(j) == b'$' && self.bytes.get(j..).is_some_and(|rest| rest.starts_with(tag)) {
                self.pos = j + tag.len();
                return Some(TokenKind::String { terminated: true });
            }
            j += 1;
        }
        self.pos = len;
        Some(TokenKind::String { terminated: false })
    }

    fn scan_word(&mut self, start: usize) {
        let len = self.bytes.len();
        let mut i = start + 1;
        while i < len && is_ident_char(self.at(i)) {
            i += 1;
        }
        self.pos = i;
    }

    fn scan_pg_operator(&mut self, start: usize) {
        let len = self.bytes.len();
        let mut i = start;
        while i < len && is_pg_op_char(self.at(i)) {
            if i > start {
                let c = self.at(i);
                let n = self.at(i + 1);
                if (c == b'-' && n == b'-') || (c == b'/' && n == b'*') {
                    break;
                }
            }
            i += 1;
        }
        // PostgreSQL rule: a multi-char operator cannot end in + or - unless it contains one of ~!@#%^&|`?
        let op = self.bytes.get(start..i).unwrap_or(&[]);
        if op.len() > 1 && !op.iter().any(|c| b"~!@#%^&|`?".contains(c)) {
            while i > start + 1 && matches!(self.at(i - 1), b'+' | b'-') {
                i -= 1;
            }
        }
        self.pos = i.max(start + 1);
    }

    fn scan_mysql_operator(&mut self, start: usize) {
        const OPS3: [&[u8]; 2] = [b"<=>", b"->>"];
        const OPS2: [&[u8]; 10] = [b"<=", b">=", b"<>", b"!=", b":=", b"||", b"&&", b"<<", b">>", b"->"];
        let rest = self.bytes.get(start..).unwrap_or(&[]);
        let n = if OPS3.iter().any(|o| rest.starts_with(o)) {
            3
        } else if OPS2.iter().any(|o| rest.starts_with(o)) {
            2
        } else {
            1
        };
        self.pos = start + n;
    }

    /// The next token, including whitespace and comments.
    pub fn next_token(&mut self) -> Option<Token> {
        let start = self.pos;
        let b = *self.bytes.get(start)?;
        let n1 = self.at(start + 1);
        let kind = match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                let mut i = start + 1;
                while matches!(self.at(i), b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) && i < self.bytes.len()
                {
                    i += 1;
                }
                self.pos = i;
                TokenKind::Whitespace
            }
            b'-' if n1 == b'-'
                && (!self.mysql
                    || start + 2 >= self.bytes.len()
                    || self.at(start + 2).is_ascii_whitespace()
                    || self.at(start + 2).is_ascii_control()) =>
            {
                self.scan_line_comment(start + 2);
                TokenKind::LineComment
            }
            b'#' if self.mysql => {
                self.scan_line_comment(start + 1);
                TokenKind::LineComment
            }
            b'/' if n1 == b'*' => {
                let terminated = self.scan_block_comment(start + 2);
                TokenKind::BlockComment { terminated }
            }
            b'\'' => {
                let terminated = self.scan_quoted(start + 1, b'\'', self.mysql);
                TokenKind::String { terminated }
            }
            b'"' => {
                if self.mysql {
                    let terminated = self.scan_quoted(start + 1, b'"', true);
                    TokenKind::String { terminated }
                } else {
                    let terminated = self.scan_quoted(start + 1, b'"', false);
                    TokenKind::QuotedIdent { terminated }
                }
            }
            b'`' if self.mysql => {
                let terminated = self.scan_quoted(start + 1, b'`', false);
                TokenKind::QuotedIdent { terminated }
            }
            b'$' if !self.mysql => {
                if n1.is_ascii_digit() {
                    let digit: fn(u8) -> bool = |c: u8| c.is_ascii_digit();
                    self.pos = self.scan_digits(start + 1, digit);
                    TokenKind::Param
                } else if let Some(k) = self.scan_dollar(start) {
                    k
                } else {
                    self.pos = start + 1;
                    TokenKind::Other
                }
            }
            b'?' if self.mysql => {
                self.pos = start + 1;
                TokenKind::Param
            }
            b'0'..=b'9' => {
                self.scan_number(start);
                TokenKind::Number
            }
            b'.' if n1.is_ascii_digit() => {
                self.scan_number(start);
                TokenKind::Number
            }
            b'(' | b')' | b'[' | b']' | b',' | b';' | b'.' => {
                self.pos = start + 1;
                match b {
                    b'(' => TokenKind::LParen,
                    b')' => TokenKind::RParen,
                    b'[' => TokenKind::LBracket,
                    b']' => TokenKind::RBracket,
                    b',' => TokenKind::Comma,
                    b';' => TokenKind::Semicolon,
                    _ => TokenKind::Dot,
                }
            }
            b':' if !self.mysql => {
                self.pos = if n1 == b':' || n1 == b'=' { start + 2 } else { start + 1 };
                TokenKind::Operator
            }
            b'@' if self.mysql && (is_ident_char(n1) || n1 == b'@') => {
                let from = if n1 == b'@' { start + 1 } else { start };
                self.scan_word(from);
                TokenKind::Word
            }
            // PostgreSQL U&'...' and U&"..."
            b'u' | b'U' if !self.mysql && n1 == b'&' && matches!(self.at(start + 2), b'\'' | b'"') => {
                if self.at(start + 2) == b'\'' {
                    let terminated = self.scan_quoted(start + 3, b'\'', false);
                    TokenKind::String { terminated }
                } else {
                    let terminated = self.scan_quoted(start + 3, b'"', false);
                    TokenKind::QuotedIdent { terminated }
                }
            }
            // One-letter string prefixes: E'' (PG), N'' B'' X'' (both).
            b'e' | b'E' if !self.mysql && n1 == b'\'' => {
                let terminated = self.scan_quoted(start + 2, b'\'', true);
                TokenKind::String { terminated }
            }
            b'n' | b'N' | b'b' | b'B' | b'x' | b'X' if n1 == b'\'' => {
                let terminated = self.scan_quoted(start + 2, b'\'', self.mysql);
                TokenKind::String { terminated }
            }
            _ if is_ident_start(b) => {
                self.scan_word(start);
                // MySQL charset introducer glued to a string: _utf8mb4'..', _binary"..".
                if self.mysql && b == b'_' && matches!(self.at(self.pos), b'\'' | b'"') {
                    let q = self.at(self.pos);
                    let terminated = self.scan_quoted(self.pos + 1, q, true);
                    TokenKind::String { terminated }
                } else {
                    TokenKind::Word
                }
            }
            _ if !self.mysql && is_pg_op_char(b) => {
                self.scan_pg_operator(start);
                TokenKind::Operator
            }
            b'+' | b'-' | b'*' | b'/' | b'<' | b'>' | b'=' | b'~' | b'!' | b'%' | b'^' | b'&' | b'|'
            | b':' => {
                self.scan_mysql_operator(start);
                TokenKind::Operator
            }
            _ => {
                self.pos = start + 1;
                TokenKind::Other
            }
        };
        // Defensive: always make progress and stay in bounds.
        if self.pos <= start {
            self.pos = start + 1;
        }
        if self.pos > self.bytes.len() {
            self.pos = self.bytes.len();
        }
        Some(Token { kind, start, end: self.pos })
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;
    fn next(&mut self) -> Option<Token> {
        self.next_token()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(d: Dialect, s: &str) -> Vec<(TokenKind, String)> {
        let lx = Lexer::new(d, s);
        let src = lx.source();
        lx.filter(|t| t.kind != TokenKind::Whitespace)
            .map(|t| (t.kind, src.get(t.start..t.end).unwrap_or("").to_string()))
            .collect()
    }

    #[test]
    fn pg_literals() {
        let k = kinds(Dialect::Postgresql, "E'a\\'b' U&'x' $$a$b$$ $t$x$t$ $1 1.5e-3 0x1F b'01' \"Q\"\"x\"");
        let strs: Vec<_> = k.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            strs,
            vec![
                TokenKind::String { terminated: true },
                TokenKind::String { terminated: true },
                TokenKind::String { terminated: true },
                TokenKind::String { terminated: true },
                TokenKind::Param,
                TokenKind::Number,
                TokenKind::Number,
                TokenKind::String { terminated: true },
                TokenKind::QuotedIdent { terminated: true },
            ]
        );
    }

    #[test]
    fn nested_comments_pg_not_mysql() {
        let k = kinds(Dialect::Postgresql, "/* a /* b */ c */ x");
        assert_eq!(k.len(), 2);
        let k = kinds(Dialect::Mysql, "/* a /* b */ c */ x");
        assert!(k.len() > 2);
    }

    #[test]
    fn pg_operator_rule() {
        let k = kinds(Dialect::Postgresql, "a=-1");
        assert_eq!(k[1].1, "=");
        assert_eq!(k[2].1, "-");
    }
}
