//! Tokens of an OTTL statement or condition. Strings follow Go's escapes; an escape Go does not know
//! (`\d` in a regex written in a YAML block) keeps its backslash, so such patterns load.

use super::OttlError;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Str(String),
    Int(i64),
    Float(f64),
    Bytes(Vec<u8>),
    LParen,
    RParen,
    LBrack,
    RBrack,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Dot,
    Assign,
    Cmp(CmpOp),
    Plus,
    Minus,
    Star,
    Slash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub tok: Tok,
    pub at: usize,
}

/// Longest statement accepted (bytes); OTTL statements are one line of config.
pub const MAX_LEN: usize = 64 * 1024;

pub fn lex(src: &str) -> Result<Vec<Spanned>, OttlError> {
    if src.len() > MAX_LEN {
        return Err(OttlError::Syntax { at: MAX_LEN, msg: format!("longer than {MAX_LEN} bytes") });
    }
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let at = i;
        let single = match c {
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b'[' => Some(Tok::LBrack),
            b']' => Some(Tok::RBrack),
            b'{' => Some(Tok::LBrace),
            b'}' => Some(Tok::RBrace),
            b',' => Some(Tok::Comma),
            b':' => Some(Tok::Colon),
            b'+' => Some(Tok::Plus),
            b'-' => Some(Tok::Minus),
            b'*' => Some(Tok::Star),
            b'/' => Some(Tok::Slash),
            _ => None,
        };
        if let Some(t) = single {
            out.push(Spanned { tok: t, at });
            i += 1;
            continue;
        }
        let next = b.get(i + 1).copied();
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'=' if next == Some(b'=') => {
                out.push(Spanned { tok: Tok::Cmp(CmpOp::Eq), at });
                i += 2;
            }
            b'=' => {
                out.push(Spanned { tok: Tok::Assign, at });
                i += 1;
            }
            b'!' if next == Some(b'=') => {
                out.push(Spanned { tok: Tok::Cmp(CmpOp::Ne), at });
                i += 2;
            }
            b'<' | b'>' => {
                let eq = next == Some(b'=');
                let op = match (c, eq) {
                    (b'<', true) => CmpOp::Le,
                    (b'<', false) => CmpOp::Lt,
                    (_, true) => CmpOp::Ge,
                    _ => CmpOp::Gt,
                };
                out.push(Spanned { tok: Tok::Cmp(op), at });
                i += if eq { 2 } else { 1 };
            }
            b'"' => {
                let (s, end) = string(src, i)?;
                out.push(Spanned { tok: Tok::Str(s), at });
                i = end;
            }
            b'0' if matches!(next, Some(b'x' | b'X')) => {
                let start = i + 2;
                let mut j = start;
                while j < b.len() && b[j].is_ascii_hexdigit() {
                    j += 1;
                }
                let hex = &src[start..j];
                if hex.is_empty() || !hex.len().is_multiple_of(2) {
                    return Err(OttlError::Syntax {
                        at,
                        msg: "bytes literal needs an even number of hex digits".into(),
                    });
                }
                let bytes = (0..hex.len())
                    .step_by(2)
                    .map(|k| u8::from_str_radix(&hex[k..k + 2], 16))
                    .collect::<Result<Vec<u8>, _>>()
                    .map_err(|_| OttlError::Syntax { at, msg: "bad bytes literal".into() })?;
                out.push(Spanned { tok: Tok::Bytes(bytes), at });
                i = j;
            }
            c if c.is_ascii_digit() => {
                let mut j = i;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                let mut float = false;
                if j < b.len() && b[j] == b'.' && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
                    float = true;
                    j += 1;
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                if j < b.len() && matches!(b[j], b'e' | b'E') {
                    let mut k = j + 1;
                    if k < b.len() && matches!(b[k], b'+' | b'-') {
                        k += 1;
                    }
                    if k < b.len() && b[k].is_ascii_digit() {
                        float = true;
                        j = k;
                        while j < b.len() && b[j].is_ascii_digit() {
                            j += 1;
                        }
                    }
                }
                let text = &src[i..j];
                let tok = if float {
                    Tok::Float(
                        text.parse()
                            .map_err(|_| OttlError::Syntax { at, msg: format!("bad number {text}") })?,
                    )
                } else {
                    Tok::Int(text.parse().map_err(|_| OttlError::Syntax {
                        at,
                        msg: format!("integer {text} does not fit in 64 bits"),
                    })?)
                };
                out.push(Spanned { tok, at });
                i = j;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                out.push(Spanned { tok: Tok::Ident(src[i..j].to_string()), at });
                i = j;
            }
            b'.' => {
                out.push(Spanned { tok: Tok::Dot, at });
                i += 1;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                let hint = match ch {
                    '%' => " (OTTL has no modulo operator)",
                    '|' | '&' => " (OTTL writes `or` and `and`)",
                    '?' => " (OTTL has no ternary operator; use a `where` clause)",
                    '~' => " (use IsMatch(target, pattern))",
                    '\'' => " (OTTL strings are double-quoted)",
                    _ => "",
                };
                return Err(OttlError::Syntax { at, msg: format!("unexpected character `{ch}`{hint}") });
            }
        }
    }
    Ok(out)
}

/// Reads a double-quoted string starting at `start`; returns it unescaped and the offset after it.
fn string(src: &str, start: usize) -> Result<(String, usize), OttlError> {
    let mut out = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => return Ok((out, start + 1 + k + 1)),
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'a' => out.push('\x07'),
                    'b' => out.push('\x08'),
                    'f' => out.push('\x0c'),
                    'v' => out.push('\x0b'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let digits: String = chars.clone().take(n).map(|(_, c)| c).collect();
                        let code = (digits.len() == n && digits.chars().all(|c| c.is_ascii_hexdigit()))
                            .then(|| u32::from_str_radix(&digits, 16).ok())
                            .flatten()
                            .and_then(char::from_u32);
                        match code {
                            Some(ch) => {
                                out.push(ch);
                                for _ in 0..n {
                                    chars.next();
                                }
                            }
                            None => {
                                out.push('\\');
                                out.push(e);
                            }
                        }
                    }
                    other => {
                        // Not a Go escape: kept as written (a regex's `\d`, `\b`, `\s`).
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            c => out.push(c),
        }
    }
    Err(OttlError::Syntax { at: start, msg: "unterminated string".into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).map(|v| v.into_iter().map(|t| t.tok).collect()).unwrap_or_default()
    }

    #[test]
    fn lexes_operators_numbers_and_strings() {
        assert_eq!(
            toks(r#"a<=1.5 != "x\"y\\d" 0x0aff -3 2e3"#),
            vec![
                Tok::Ident("a".into()),
                Tok::Cmp(CmpOp::Le),
                Tok::Float(1.5),
                Tok::Cmp(CmpOp::Ne),
                Tok::Str("x\"y\\d".into()),
                Tok::Bytes(vec![0x0a, 0xff]),
                Tok::Minus,
                Tok::Int(3),
                Tok::Float(2000.0),
            ]
        );
        assert_eq!(toks(r#""\d+\u00e9""#), vec![Tok::Str("\\d+é".into())]);
    }

    #[test]
    fn reports_bad_input_with_offset() {
        assert!(matches!(lex("a % 2"), Err(OttlError::Syntax { at: 2, .. })));
        assert!(matches!(lex("\"open"), Err(OttlError::Syntax { at: 0, .. })));
        assert!(lex("99999999999999999999").is_err());
    }
}
