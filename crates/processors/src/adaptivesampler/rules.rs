//! Rule conditions, compiled once: the configured value is parsed at build time so a record costs an
//! attribute lookup and a comparison (no string formatting for numbers).

use dbintel_core::pdata::Value;

use schemars::JsonSchema;
use serde::Deserialize;

use super::RuleConfig;

/// A condition's operator (the prototype's set).
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Operator {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    Contains,
    Exists,
}

/// The configured value of `eq`/`ne`, whose type chooses how the attribute is compared.
#[derive(Debug, Clone, PartialEq)]
enum Typed {
    Bool(bool),
    Num(f64),
    Str(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Test {
    Eq(Typed),
    Ne(Typed),
    Gt(f64),
    Gte(f64),
    Lt(f64),
    Lte(f64),
    Contains(String),
    Exists(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub attribute: super::index::Name,
    test: Test,
}

/// An attribute as a number: ints, doubles and strings that parse (trimmed).
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Double(d) => Some(*d),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An attribute as a bool, as Go's strconv.ParseBool reads its string form.
fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Int(1) => Some(true),
        Value::Int(0) => Some(false),
        Value::Str(s) => match s.as_str() {
            "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
            "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn str_eq(v: &Value, want: &str) -> bool {
    match v {
        Value::Str(s) => s == want,
        other => other.to_display_string() == want,
    }
}

fn str_contains(v: &Value, want: &str) -> bool {
    match v {
        Value::Str(s) => s.contains(want),
        other => other.to_display_string().contains(want),
    }
}

/// `Some(equal)` when the attribute reads as the configured type, `None` when it does not.
fn equal(v: &Value, want: &Typed) -> Option<bool> {
    match want {
        Typed::Bool(b) => boolean(v).map(|x| x == *b),
        Typed::Num(n) => number(v).map(|x| x == *n),
        Typed::Str(s) => Some(str_eq(v, s)),
    }
}

fn config_number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite())
}

impl Condition {
    /// Compiles a configured condition, or says what is wrong with it.
    pub fn compile(c: &super::ConditionConfig) -> Result<Condition, String> {
        if c.attribute.is_empty() {
            return Err("attribute must not be empty".into());
        }
        let value = c.value.as_ref().filter(|v| !v.is_null());
        let need = || value.ok_or_else(|| format!("operator {:?} needs a value", c.operator).to_lowercase());
        let num = |op: &str| -> Result<f64, String> {
            let v = need()?;
            config_number(v).ok_or_else(|| format!("operator {op} needs a number; the value is {v}"))
        };
        let typed = || -> Result<Typed, String> {
            Ok(match need()? {
                serde_json::Value::Bool(b) => Typed::Bool(*b),
                serde_json::Value::Number(n) => Typed::Num(n.as_f64().unwrap_or(f64::NAN)),
                serde_json::Value::String(s) => Typed::Str(s.clone()),
                other => return Err(format!("the value must be a bool, number or string; it is {other}")),
            })
        };
        let test = match c.operator {
            Operator::Eq => Test::Eq(typed()?),
            Operator::Ne => Test::Ne(typed()?),
            Operator::Gt => Test::Gt(num("gt")?),
            Operator::Gte => Test::Gte(num("gte")?),
            Operator::Lt => Test::Lt(num("lt")?),
            Operator::Lte => Test::Lte(num("lte")?),
            Operator::Contains => match need()? {
                serde_json::Value::String(s) => Test::Contains(s.clone()),
                other => return Err(format!("operator contains needs a string; the value is {other}")),
            },
            Operator::Exists => match value {
                None => Test::Exists(true),
                Some(serde_json::Value::Bool(b)) => Test::Exists(*b),
                Some(other) => {
                    return Err(format!("operator exists takes true or false; the value is {other}"));
                }
            },
        };
        Ok(Condition { attribute: super::index::Name::new(&c.attribute, None), test })
    }

    /// Whether the condition holds for these attributes. A missing attribute fails every operator
    /// except `exists`; a value that does not read as the needed type fails too.
    #[cfg(test)]
    pub fn holds(&self, attrs: &dbintel_core::pdata::Attributes) -> bool {
        self.holds_value(attrs.get(&self.attribute.name))
    }

    /// [`Condition::holds`] on the attribute's value, found already.
    pub fn holds_value(&self, v: Option<&Value>) -> bool {
        let Some(v) = v else { return matches!(self.test, Test::Exists(false)) };
        match &self.test {
            Test::Exists(want) => *want,
            Test::Eq(t) => equal(v, t) == Some(true),
            Test::Ne(t) => equal(v, t) == Some(false),
            Test::Gt(n) => number(v).is_some_and(|x| x > *n),
            Test::Gte(n) => number(v).is_some_and(|x| x >= *n),
            Test::Lt(n) => number(v).is_some_and(|x| x < *n),
            Test::Lte(n) => number(v).is_some_and(|x| x <= *n),
            Test::Contains(s) => str_contains(v, s),
        }
    }
}

/// A rule ready to match (its per-minute window lives in the sampler).
#[derive(Debug)]
pub struct Rule {
    pub rate: f64,
    pub max_per_minute: u64,
    pub conditions: Vec<Condition>,
    /// Rate 1: kept whatever the budget says (the budget still counts it).
    pub critical: bool,
}

impl Rule {
    /// Rules in match order: higher priority first, config order among equals.
    pub fn compile_all(rules: &[RuleConfig]) -> Result<Vec<Rule>, String> {
        let mut order: Vec<&RuleConfig> = rules.iter().collect();
        order.sort_by_key(|r| std::cmp::Reverse(r.priority));
        order
            .into_iter()
            .map(|r| {
                let conditions =
                    r.all_conditions()?.iter().map(Condition::compile).collect::<Result<Vec<_>, _>>()?;
                Ok(Rule {
                    rate: r.sample_rate,
                    max_per_minute: r.max_per_minute,
                    conditions,
                    critical: r.sample_rate >= 1.0,
                })
            })
            .collect()
    }

    pub fn matches(&self, view: &super::index::View<'_>) -> bool {
        self.conditions.iter().all(|c| c.holds_value(view.get(&c.attribute)))
    }
}

/// Longest `expression` accepted (characters).
pub const MAX_EXPRESSION_LEN: usize = 1024;

/// Compiles the prototype's free-text rule `expression` (alias `condition`) into conditions. The
/// prototype's Go had no such field (its collector refused the key), so nothing defines a wider
/// language; this subset is the comparisons its configs write, joined by `and`:
/// `OPERAND OP LITERAL`, where OPERAND is `attributes["name"]` (or `'name'`), a bare attribute name
/// (`mean_exec_time`), or either inside `double(...)`/`int(...)` (both read the attribute as a
/// number; `int` does not truncate), OP is `==` `!=` `>` `>=` `<` `<=`, and LITERAL is a number,
/// `true`/`false` or a quoted string. Anything else (`or`, functions such as `IsMatch`, `metrics[...]`)
/// is an error naming what is not supported, so a rule never silently matches more than it says.
pub fn parse_expression(text: &str) -> Result<Vec<super::ConditionConfig>, String> {
    if text.chars().count() > MAX_EXPRESSION_LEN {
        return Err(format!("at most {MAX_EXPRESSION_LEN} characters"));
    }
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Err("the expression is empty".into());
    }
    let mut out = Vec::new();
    for part in tokens.split(|t| *t == Tok::And) {
        out.push(comparison(part, text)?);
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Op(&'static str),
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    And,
    Or,
}

fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '[' => out.push(Tok::LBracket),
            ']' => out.push(Tok::RBracket),
            '(' => out.push(Tok::LParen),
            ')' => out.push(Tok::RParen),
            // Only in function calls, which the parser then refuses by name.
            ',' => out.push(Tok::Comma),
            '"' | '\'' => {
                let mut s = String::new();
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    match d {
                        '\\' => match chars.next() {
                            Some((_, e)) => s.push(e),
                            None => break,
                        },
                        d if d == c => {
                            closed = true;
                            break;
                        }
                        d => s.push(d),
                    }
                }
                if !closed {
                    return Err(format!("unterminated string starting at character {i}"));
                }
                out.push(Tok::Str(s));
            }
            '=' | '!' | '<' | '>' | '&' | '|' => {
                let next = chars.peek().map(|(_, d)| *d);
                let (tok, two) = match (c, next) {
                    ('=', Some('=')) => (Tok::Op("=="), true),
                    ('!', Some('=')) => (Tok::Op("!="), true),
                    ('>', Some('=')) => (Tok::Op(">="), true),
                    ('<', Some('=')) => (Tok::Op("<="), true),
                    ('>', _) => (Tok::Op(">"), false),
                    ('<', _) => (Tok::Op("<"), false),
                    ('&', Some('&')) => (Tok::And, true),
                    ('|', Some('|')) => (Tok::Or, true),
                    _ => {
                        return Err(format!(
                            "`{c}` at character {i} is not an operator of this subset (==, !=, >, >=, <, <=, and)"
                        ));
                    }
                };
                if two {
                    chars.next();
                }
                out.push(tok);
            }
            c if c.is_ascii_digit() || c == '-' || c == '.' => {
                let mut s = String::from(c);
                while let Some((_, d)) = chars.peek().copied() {
                    if d.is_ascii_alphanumeric() || d == '.' || d == '_' {
                        s.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                let n: f64 = s.replace('_', "").parse().map_err(|_| format!("`{s}` is not a number"))?;
                if !n.is_finite() {
                    return Err(format!("`{s}` is not a finite number"));
                }
                out.push(Tok::Num(n));
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut s = String::from(c);
                while let Some((_, d)) = chars.peek().copied() {
                    if d.is_alphanumeric() || d == '_' || d == '.' {
                        s.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(match s.to_ascii_lowercase().as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    _ => Tok::Ident(s),
                });
            }
            other => return Err(format!("`{other}` at character {i} is not part of this subset")),
        }
    }
    Ok(out)
}

/// `attributes["x"]`, `x`, `double(...)`, `int(...)`: the attribute name and the tokens consumed.
fn operand(t: &[Tok]) -> Result<(String, usize), String> {
    match t {
        [Tok::Ident(f), Tok::LParen, rest @ ..] if f == "double" || f == "int" => {
            let (name, n) = operand(rest)?;
            match rest.get(n) {
                Some(Tok::RParen) => Ok((name, n + 3)),
                _ => Err(format!("`{f}(` is not closed")),
            }
        }
        [Tok::Ident(a), Tok::LBracket, Tok::Str(name), Tok::RBracket, ..] if a == "attributes" => {
            Ok((name.clone(), 4))
        }
        [Tok::Ident(m), Tok::LBracket, ..] if m == "metrics" || m == "resource" => Err(format!(
            "`{m}[...]` is not supported: a rule reads the record's attributes; write attributes[\"name\"]"
        )),
        [Tok::Ident(f), Tok::LParen, ..] => Err(format!(
            "the function `{f}` is not supported (only double() and int()); write the rule as `conditions`"
        )),
        [Tok::Ident(name), ..] if name != "true" && name != "false" => Ok((name.clone(), 1)),
        _ => {
            Err("expected an attribute (attributes[\"name\"] or a name) on the left of the comparison".into())
        }
    }
}

fn comparison(t: &[Tok], text: &str) -> Result<super::ConditionConfig, String> {
    if t.contains(&Tok::Or) {
        return Err(format!(
            "`or` is not supported (a rule's conditions must all hold): split `{text}` into one rule per alternative"
        ));
    }
    if t.is_empty() {
        return Err("an empty comparison (`and` with nothing on one side)".into());
    }
    let (attribute, n) = operand(t)?;
    let (op, lit) = match &t[n..] {
        [Tok::Op(op), lit] => (*op, lit),
        [Tok::Ident(w), ..] => {
            return Err(format!("`{w}` is not an operator of this subset (==, !=, >, >=, <, <=)"));
        }
        _ => return Err("expected `OPERAND OP LITERAL` (e.g. attributes[\"duration_ms\"] > 1000)".into()),
    };
    let value = match lit {
        Tok::Num(n) => serde_json::Number::from_f64(*n).map(serde_json::Value::Number),
        Tok::Str(s) => Some(serde_json::Value::String(s.clone())),
        Tok::Ident(b) if b == "true" => Some(serde_json::Value::Bool(true)),
        Tok::Ident(b) if b == "false" => Some(serde_json::Value::Bool(false)),
        Tok::Ident(n) if n == "nil" || n == "null" => {
            // `x != nil` is presence, `x == nil` absence.
            let want = op == "!=";
            if op != "==" && op != "!=" {
                return Err(format!("`{op} nil` is not a comparison"));
            }
            return Ok(super::ConditionConfig {
                attribute,
                operator: Operator::Exists,
                value: Some(want.into()),
            });
        }
        _ => {
            return Err(
                "the right of the comparison must be a number, true/false, nil or a quoted string".into()
            );
        }
    };
    let Some(value) = value else { return Err("the number is not finite".into()) };
    let operator = match op {
        "==" => Operator::Eq,
        "!=" => Operator::Ne,
        ">" => Operator::Gt,
        ">=" => Operator::Gte,
        "<" => Operator::Lt,
        _ => Operator::Lte,
    };
    if !matches!(operator, Operator::Eq | Operator::Ne) && !value.is_number() {
        return Err(format!("`{op}` needs a number on its right"));
    }
    Ok(super::ConditionConfig { attribute, operator, value: Some(value) })
}

/// How a compiled condition reads, for `validate`'s note on an expression.
pub fn describe(c: &super::ConditionConfig) -> String {
    let op = match c.operator {
        Operator::Eq => "==",
        Operator::Ne => "!=",
        Operator::Gt => ">",
        Operator::Gte => ">=",
        Operator::Lt => "<",
        Operator::Lte => "<=",
        Operator::Contains => "contains",
        Operator::Exists => "exists",
    };
    match (&c.operator, &c.value) {
        (Operator::Exists, Some(serde_json::Value::Bool(false))) => format!("`{}` absent", c.attribute),
        (Operator::Exists, _) => format!("`{}` present", c.attribute),
        (_, Some(v)) => format!("`{}` {op} {v}", c.attribute),
        (_, None) => format!("`{}` {op}", c.attribute),
    }
}
