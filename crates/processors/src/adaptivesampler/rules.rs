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
        Ok(Condition { attribute: super::index::Name { name: c.attribute.clone(), slot: None }, test })
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
                    r.conditions.iter().map(Condition::compile).collect::<Result<Vec<_>, _>>()?;
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
