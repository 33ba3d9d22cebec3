//! Recursive-descent parser from tokens to the untyped AST: an editor invocation with an optional
//! `where` clause, or a bare boolean condition. Precedence: `or` < `and` < `not` < comparison <
//! `+ -` < `* /` < unary minus.

use super::OttlError;
use super::lexer::{CmpOp, Spanned, Tok, lex};

/// Deepest nesting of parentheses, lists and calls (keeps recursion bounded on hostile input).
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Nil,
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Str(String),
    Int(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MathOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Lit),
    /// `a.b.c["k"][0]`: dotted names and keys.
    Path {
        parts: Vec<String>,
        keys: Vec<Key>,
        at: usize,
    },
    /// An upper-case name without parentheses (`SEVERITY_NUMBER_INFO`).
    Enum {
        name: String,
        at: usize,
    },
    /// A converter call, optionally indexed (`Split(x, ".")[0]`).
    Call {
        call: Call,
        keys: Vec<Key>,
    },
    List(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    Math(Box<Expr>, MathOp, Box<Expr>),
    Neg(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Vec<Arg>,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// `name = value` arguments (OTTL's named arguments).
    pub name: Option<String>,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BoolExpr {
    Const(bool),
    Cmp(Expr, CmpOp, Expr),
    /// A converter (or path) used as a boolean (`IsMatch(body, "x")`).
    Value(Expr),
    Not(Box<BoolExpr>),
    And(Vec<BoolExpr>),
    Or(Vec<BoolExpr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub editor: Call,
    pub condition: Option<BoolExpr>,
}

struct P {
    toks: Vec<Spanned>,
    pos: usize,
    end: usize,
    depth: usize,
}

fn is_kw(t: Option<&Tok>, kw: &str) -> bool {
    matches!(t, Some(Tok::Ident(s)) if s == kw)
}

impl P {
    fn new(src: &str) -> Result<Self, OttlError> {
        Ok(P { toks: lex(src)?, pos: 0, end: src.len(), depth: 0 })
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }
    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|t| &t.tok)
    }
    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.at)
    }
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, OttlError> {
        Err(OttlError::Syntax { at: self.at(), msg: msg.into() })
    }
    fn bump(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|t| t.tok.clone());
        self.pos += 1;
        t
    }
    fn expect(&mut self, t: Tok, what: &str) -> Result<(), OttlError> {
        if self.peek() == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(format!("expected {what}{}", self.found()))
        }
    }
    fn found(&self) -> String {
        match self.peek() {
            None => ", found the end".into(),
            Some(t) => format!(", found {}", describe(t)),
        }
    }
    fn enter(&mut self) -> Result<(), OttlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!("nested deeper than {MAX_DEPTH}"));
        }
        Ok(())
    }
    fn leave(&mut self) {
        self.depth -= 1;
    }
    fn finish(&self) -> Result<(), OttlError> {
        match self.peek() {
            None => Ok(()),
            Some(t) => self.err(format!("unexpected {} after the end of the expression", describe(t))),
        }
    }

    fn statement(&mut self) -> Result<Statement, OttlError> {
        let at = self.at();
        let name = match self.bump() {
            Some(Tok::Ident(n)) if self.peek() == Some(&Tok::LParen) => n,
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return self
                    .err(format!("a statement starts with an editor call such as set(...){}", self.found()));
            }
        };
        let args = self.args()?;
        let editor = Call { name, args, at };
        let condition = if is_kw(self.peek(), "where") {
            self.pos += 1;
            Some(self.bool_or()?)
        } else {
            None
        };
        self.finish()?;
        Ok(Statement { editor, condition })
    }

    fn args(&mut self) -> Result<Vec<Arg>, OttlError> {
        self.enter()?;
        self.expect(Tok::LParen, "`(`")?;
        let mut args = Vec::new();
        if self.peek() != Some(&Tok::RParen) {
            loop {
                let name = match (self.peek(), self.peek_at(1)) {
                    (Some(Tok::Ident(n)), Some(Tok::Assign)) => {
                        let n = n.clone();
                        self.pos += 2;
                        Some(n)
                    }
                    _ => None,
                };
                args.push(Arg { name, value: self.expr()? });
                if self.peek() == Some(&Tok::Comma) {
                    self.pos += 1;
                } else {
                    break;
                }
            }
        }
        self.expect(Tok::RParen, "`,` or `)`")?;
        self.leave();
        Ok(args)
    }

    fn bool_or(&mut self) -> Result<BoolExpr, OttlError> {
        let mut v = vec![self.bool_and()?];
        while is_kw(self.peek(), "or") {
            self.pos += 1;
            v.push(self.bool_and()?);
        }
        Ok(if v.len() == 1 { v.remove(0) } else { BoolExpr::Or(v) })
    }

    fn bool_and(&mut self) -> Result<BoolExpr, OttlError> {
        let mut v = vec![self.bool_term()?];
        while is_kw(self.peek(), "and") {
            self.pos += 1;
            v.push(self.bool_term()?);
        }
        Ok(if v.len() == 1 { v.remove(0) } else { BoolExpr::And(v) })
    }

    fn bool_term(&mut self) -> Result<BoolExpr, OttlError> {
        self.enter()?;
        let r = self.bool_term_inner();
        self.leave();
        r
    }

    fn bool_term_inner(&mut self) -> Result<BoolExpr, OttlError> {
        if is_kw(self.peek(), "not") {
            self.pos += 1;
            return Ok(BoolExpr::Not(Box::new(self.bool_term()?)));
        }
        if self.peek() == Some(&Tok::LParen) {
            // A parenthesised boolean, unless what follows the `)` continues a value
            // (`(a + 1) > 2`): then it was a math expression.
            let save = (self.pos, self.depth);
            self.pos += 1;
            if let Ok(b) = self.bool_or()
                && self.peek() == Some(&Tok::RParen)
            {
                self.pos += 1;
                if !matches!(self.peek(), Some(Tok::Cmp(_) | Tok::Plus | Tok::Minus | Tok::Star | Tok::Slash))
                {
                    return Ok(b);
                }
            }
            (self.pos, self.depth) = save;
        }
        let left = self.expr()?;
        if let Some(Tok::Cmp(op)) = self.peek() {
            let op = *op;
            self.pos += 1;
            let right = self.expr()?;
            return Ok(BoolExpr::Cmp(left, op, right));
        }
        match left {
            Expr::Lit(Lit::Bool(b)) => Ok(BoolExpr::Const(b)),
            e @ (Expr::Call { .. } | Expr::Path { .. }) => Ok(BoolExpr::Value(e)),
            _ => self.err(format!("expected a comparison operator{}", self.found())),
        }
    }

    fn expr(&mut self) -> Result<Expr, OttlError> {
        self.enter()?;
        let mut e = self.term()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Plus) => MathOp::Add,
                Some(Tok::Minus) => MathOp::Sub,
                _ => break,
            };
            self.pos += 1;
            e = Expr::Math(Box::new(e), op, Box::new(self.term()?));
        }
        self.leave();
        Ok(e)
    }

    fn term(&mut self) -> Result<Expr, OttlError> {
        let mut e = self.factor()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Star) => MathOp::Mul,
                Some(Tok::Slash) => MathOp::Div,
                _ => break,
            };
            self.pos += 1;
            e = Expr::Math(Box::new(e), op, Box::new(self.factor()?));
        }
        Ok(e)
    }

    fn factor(&mut self) -> Result<Expr, OttlError> {
        self.enter()?;
        let r = self.factor_inner();
        self.leave();
        r
    }

    fn factor_inner(&mut self) -> Result<Expr, OttlError> {
        let at = self.at();
        match self.bump() {
            Some(Tok::Minus) => Ok(match self.factor()? {
                Expr::Lit(Lit::Int(i)) => Expr::Lit(Lit::Int(i.wrapping_neg())),
                Expr::Lit(Lit::Float(f)) => Expr::Lit(Lit::Float(-f)),
                e => Expr::Neg(Box::new(e)),
            }),
            Some(Tok::LParen) => {
                let e = self.expr()?;
                self.expect(Tok::RParen, "`)`")?;
                Ok(e)
            }
            Some(Tok::Str(s)) => Ok(Expr::Lit(Lit::Str(s))),
            Some(Tok::Int(i)) => Ok(Expr::Lit(Lit::Int(i))),
            Some(Tok::Float(f)) => Ok(Expr::Lit(Lit::Float(f))),
            Some(Tok::Bytes(b)) => Ok(Expr::Lit(Lit::Bytes(b))),
            Some(Tok::LBrack) => {
                let mut items = Vec::new();
                if self.peek() != Some(&Tok::RBrack) {
                    loop {
                        items.push(self.expr()?);
                        if self.peek() == Some(&Tok::Comma) {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                self.expect(Tok::RBrack, "`,` or `]`")?;
                Ok(Expr::List(items))
            }
            Some(Tok::LBrace) => {
                let mut items = Vec::new();
                if self.peek() != Some(&Tok::RBrace) {
                    loop {
                        let Some(Tok::Str(k)) = self.bump() else {
                            self.pos -= 1;
                            return self.err(format!("a map key is a string{}", self.found()));
                        };
                        self.expect(Tok::Colon, "`:`")?;
                        items.push((k, self.expr()?));
                        if self.peek() == Some(&Tok::Comma) {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                self.expect(Tok::RBrace, "`,` or `}`")?;
                Ok(Expr::Map(items))
            }
            Some(Tok::Ident(name)) => match name.as_str() {
                "true" => Ok(Expr::Lit(Lit::Bool(true))),
                "false" => Ok(Expr::Lit(Lit::Bool(false))),
                "nil" => Ok(Expr::Lit(Lit::Nil)),
                _ if self.peek() == Some(&Tok::LParen) => {
                    let args = self.args()?;
                    let keys = self.keys()?;
                    Ok(Expr::Call { call: Call { name, args, at }, keys })
                }
                _ if name.starts_with(|c: char| c.is_ascii_uppercase()) && self.peek() != Some(&Tok::Dot) => {
                    Ok(Expr::Enum { name, at })
                }
                _ => {
                    let mut parts = vec![name];
                    while self.peek() == Some(&Tok::Dot) {
                        self.pos += 1;
                        match self.bump() {
                            Some(Tok::Ident(n)) => parts.push(n),
                            _ => {
                                self.pos -= 1;
                                return self.err(format!("expected a name after `.`{}", self.found()));
                            }
                        }
                    }
                    let keys = self.keys()?;
                    Ok(Expr::Path { parts, keys, at })
                }
            },
            other => {
                self.pos = self.pos.saturating_sub(1);
                let _ = other;
                self.err(format!("expected a value{}", self.found()))
            }
        }
    }

    fn keys(&mut self) -> Result<Vec<Key>, OttlError> {
        let mut keys = Vec::new();
        while self.peek() == Some(&Tok::LBrack) {
            self.pos += 1;
            match self.bump() {
                Some(Tok::Str(s)) => keys.push(Key::Str(s)),
                Some(Tok::Int(i)) => keys.push(Key::Int(i)),
                _ => {
                    self.pos -= 1;
                    return self.err(format!("a key is a string or an integer{}", self.found()));
                }
            }
            self.expect(Tok::RBrack, "`]`")?;
        }
        Ok(keys)
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Str(_) => "a string".into(),
        Tok::Int(i) => format!("`{i}`"),
        Tok::Float(f) => format!("`{f}`"),
        Tok::Bytes(_) => "a bytes literal".into(),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::LBrack => "`[`".into(),
        Tok::RBrack => "`]`".into(),
        Tok::LBrace => "`{`".into(),
        Tok::RBrace => "`}`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Colon => "`:`".into(),
        Tok::Dot => "`.`".into(),
        Tok::Assign => "`=`".into(),
        Tok::Cmp(op) => format!("`{}`", op.as_str()),
        Tok::Plus => "`+`".into(),
        Tok::Minus => "`-`".into(),
        Tok::Star => "`*`".into(),
        Tok::Slash => "`/`".into(),
    }
}

/// Parses an editor statement (`set(x, 1) where y == 2`).
pub fn parse_statement(src: &str) -> Result<Statement, OttlError> {
    P::new(src)?.statement()
}

/// Parses a boolean condition (`attributes["k"] == "v" and not IsMatch(body, "x")`).
pub fn parse_condition(src: &str) -> Result<BoolExpr, OttlError> {
    let mut p = P::new(src)?;
    if p.peek().is_none() {
        return p.err("empty condition");
    }
    let b = p.bool_or()?;
    p.finish()?;
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(parts: &[&str], keys: Vec<Key>) -> Expr {
        Expr::Path { parts: parts.iter().map(|s| s.to_string()).collect(), keys, at: 0 }
    }

    fn strip(e: &mut Expr) {
        match e {
            Expr::Path { at, .. } | Expr::Enum { at, .. } => *at = 0,
            Expr::Call { call, .. } => {
                call.at = 0;
                call.args.iter_mut().for_each(|a| strip(&mut a.value));
            }
            Expr::List(v) => v.iter_mut().for_each(strip),
            Expr::Map(v) => v.iter_mut().for_each(|(_, e)| strip(e)),
            Expr::Math(a, _, b) => {
                strip(a);
                strip(b)
            }
            Expr::Neg(a) => strip(a),
            Expr::Lit(_) => {}
        }
    }

    #[test]
    fn parses_a_statement_with_where() {
        let s = parse_statement(
            r#"set(attributes["a"], 1 + 2 * 3) where name == "x" or not severity_number < 9"#,
        );
        let Ok(mut s) = s else { panic!("{s:?}") };
        assert_eq!(s.editor.name, "set");
        s.editor.args.iter_mut().for_each(|a| strip(&mut a.value));
        assert_eq!(s.editor.args[0].value, path(&["attributes"], vec![Key::Str("a".into())]));
        assert_eq!(
            s.editor.args[1].value,
            Expr::Math(
                Box::new(Expr::Lit(Lit::Int(1))),
                MathOp::Add,
                Box::new(Expr::Math(
                    Box::new(Expr::Lit(Lit::Int(2))),
                    MathOp::Mul,
                    Box::new(Expr::Lit(Lit::Int(3)))
                ))
            )
        );
        assert!(
            matches!(s.condition, Some(BoolExpr::Or(ref v)) if v.len() == 2 && matches!(v[1], BoolExpr::Not(_)))
        );
    }

    #[test]
    fn and_binds_tighter_than_or_and_parentheses_regroup() {
        let Ok(BoolExpr::Or(v)) = parse_condition("a == 1 or b == 2 and c == 3") else { panic!() };
        assert!(matches!(v[1], BoolExpr::And(_)));
        let Ok(BoolExpr::And(v)) = parse_condition("(a == 1 or b == 2) and c == 3") else { panic!() };
        assert!(matches!(v[0], BoolExpr::Or(_)));
        // A parenthesised value, not a boolean.
        assert!(matches!(parse_condition("(a + 1) * 2 > 3"), Ok(BoolExpr::Cmp(..))));
    }

    #[test]
    fn converters_as_booleans_enums_and_indexed_calls() {
        assert!(matches!(parse_condition(r#"IsMatch(body, "x")"#), Ok(BoolExpr::Value(Expr::Call { .. }))));
        assert!(matches!(
            parse_condition("severity_number >= SEVERITY_NUMBER_WARN"),
            Ok(BoolExpr::Cmp(_, CmpOp::Ge, Expr::Enum { .. }))
        ));
        let Ok(s) = parse_statement(r#"set(x, Split("a.b", ".")[0])"#) else { panic!() };
        assert!(matches!(&s.editor.args[1].value, Expr::Call { keys, .. } if keys == &[Key::Int(0)]));
    }

    #[test]
    fn syntax_errors_say_where() {
        for bad in [
            "set(attributes[\"a\"], 1",
            "set(a, 1) where",
            "set(a, 1) extra",
            "a ==",
            "",
            "set(a, b) where x in [1]",
            "name matches \"x\"",
        ] {
            let r = if bad.starts_with("set") {
                parse_statement(bad).map(|_| ())
            } else {
                parse_condition(bad).map(|_| ())
            };
            assert!(matches!(r, Err(OttlError::Syntax { .. })), "{bad}: {r:?}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse_condition(&format!("{deep} == 1")).is_err());
        let nots = format!("{}true", "not ".repeat(10_000));
        assert!(parse_condition(&nots).is_err());
    }
}
