//! The filter processor's legacy matching (`include`/`exclude` with `match_type`), compiled once.
//! Within one block every property given must match; within a list (names, bodies, severity
//! texts) any entry may; every listed attribute must match. `regexp` patterns match anywhere in
//! the value (unanchored, as the Collector's).

use dbintel_core::component::ConfigProblem;
use dbintel_core::pdata::{Attributes, LogRecord, Metric, Resource, Value};
use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MatchType {
    #[default]
    Strict,
    Regexp,
    /// The Collector's expr language; not supported (use OTTL conditions).
    Expr,
}

/// An attribute to match: the key, and the value (strict: equal, same type; regexp: a pattern on
/// the value's string form). Without a value the key's presence matches.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    pub key: String,
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

/// `severity_number`: records at or above `min` match; unset severities only with `match_undefined`.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeverityMatch {
    /// A name (`INFO`, `warn2`, case-insensitive) or number (1-24).
    pub min: SeverityMin,
    #[serde(default)]
    pub match_undefined: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum SeverityMin {
    Number(i32),
    Name(String),
}

/// The Collector's regexp cache settings; accepted, not needed (patterns are compiled once).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RegexpConfig {
    pub cacheenabled: bool,
    pub cachemaxnumentries: usize,
}

/// `logs.include`/`logs.exclude`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogMatch {
    /// `strict` or `regexp`.
    pub match_type: MatchType,
    pub resource_attributes: Vec<Attribute>,
    pub record_attributes: Vec<Attribute>,
    pub severity_texts: Vec<String>,
    pub severity_number: Option<SeverityMatch>,
    pub bodies: Vec<String>,
}

/// `metrics.include`/`metrics.exclude`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricMatch {
    /// `strict` or `regexp` (`expr` is not supported).
    pub match_type: MatchType,
    pub metric_names: Vec<String>,
    pub resource_attributes: Vec<Attribute>,
    /// Accepted and ignored: patterns are compiled once.
    pub regexp: Option<RegexpConfig>,
    /// The `expr` match type's expressions: not supported.
    pub expressions: Vec<String>,
}

/// A string matcher: equality or an unanchored regex.
#[derive(Debug)]
enum Str {
    Eq(String),
    Re(Regex),
}

impl Str {
    fn new(mt: MatchType, s: &str, key: String) -> Result<Self, ConfigProblem> {
        match mt {
            MatchType::Regexp => regex::RegexBuilder::new(s)
                .size_limit(1 << 20)
                .build()
                .map(Str::Re)
                .map_err(|e| ConfigProblem::new(key, format!("invalid regexp {s:?}: {e}"))),
            _ => Ok(Str::Eq(s.to_string())),
        }
    }
    fn matches(&self, s: &str) -> bool {
        match self {
            Str::Eq(w) => w == s,
            Str::Re(r) => r.is_match(s),
        }
    }
}

#[derive(Debug)]
enum AttrTest {
    Exists,
    Eq(Value),
    Re(Regex),
}

#[derive(Debug)]
struct AttrMatcher {
    key: String,
    test: AttrTest,
}

fn json_value(v: &serde_json::Value) -> Option<Value> {
    Some(match v {
        serde_json::Value::String(s) => Value::Str(s.as_str().into()),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Double(n.as_f64()?),
        },
        _ => return None,
    })
}

fn attrs(mt: MatchType, list: &[Attribute], key: &str, p: &mut Vec<ConfigProblem>) -> Vec<AttrMatcher> {
    let mut out = Vec::new();
    for (i, a) in list.iter().enumerate() {
        let at = format!("{key}[{i}]");
        if a.key.is_empty() {
            p.push(ConfigProblem::new(format!("{at}.key"), "must not be empty"));
            continue;
        }
        let test = match (&a.value, mt) {
            (None | Some(serde_json::Value::Null), _) => AttrTest::Exists,
            (Some(serde_json::Value::String(s)), MatchType::Regexp) => {
                match Str::new(mt, s, format!("{at}.value")) {
                    Ok(Str::Re(r)) => AttrTest::Re(r),
                    Ok(Str::Eq(_)) => continue,
                    Err(e) => {
                        p.push(e);
                        continue;
                    }
                }
            }
            (Some(v), MatchType::Regexp) => {
                p.push(ConfigProblem::new(
                    format!("{at}.value"),
                    format!("match_type regexp needs a string pattern; it is {v}"),
                ));
                continue;
            }
            (Some(v), _) => match json_value(v) {
                Some(v) => AttrTest::Eq(v),
                None => {
                    p.push(ConfigProblem::new(format!("{at}.value"), "must be a string, number or bool"));
                    continue;
                }
            },
        };
        out.push(AttrMatcher { key: a.key.clone(), test });
    }
    out
}

fn all_attrs(ms: &[AttrMatcher], a: &Attributes) -> bool {
    ms.iter().all(|m| match (a.get(&m.key), &m.test) {
        (None, _) => false,
        (Some(_), AttrTest::Exists) => true,
        (Some(v), AttrTest::Eq(w)) => v == w,
        (Some(Value::Str(s)), AttrTest::Re(r)) => r.is_match(s),
        (Some(v), AttrTest::Re(r)) => r.is_match(&v.to_display_string()),
    })
}

fn strs(mt: MatchType, list: &[String], key: &str, p: &mut Vec<ConfigProblem>) -> Vec<Str> {
    list.iter()
        .enumerate()
        .filter_map(|(i, s)| Str::new(mt, s, format!("{key}[{i}]")).map_err(|e| p.push(e)).ok())
        .collect()
}

fn match_type(mt: MatchType, p: &mut Vec<ConfigProblem>) {
    if mt == MatchType::Expr {
        p.push(ConfigProblem::new(
            "match_type",
            "`expr` is not supported; write OTTL conditions (metrics.metric / metrics.datapoint / logs.log_record) instead",
        ));
    }
}

/// A severity name (`INFO`, `Warn3`) as its number.
pub fn severity_number(name: &str) -> Option<i32> {
    const NAMES: [&str; 6] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
    let up = name.trim().to_ascii_uppercase();
    if up == "UNSPECIFIED" || up == "UNDEFINED" {
        return Some(0);
    }
    for (i, n) in NAMES.iter().enumerate() {
        if let Some(rest) = up.strip_prefix(n) {
            let step = match rest {
                "" | "1" => 0,
                "2" => 1,
                "3" => 2,
                "4" => 3,
                _ => return None,
            };
            return Some(i as i32 * 4 + 1 + step);
        }
    }
    None
}

#[derive(Debug)]
pub struct LogMatcher {
    resource: Vec<AttrMatcher>,
    record: Vec<AttrMatcher>,
    severity_texts: Vec<Str>,
    severity: Option<(i32, bool)>,
    bodies: Vec<Str>,
}

impl LogMatch {
    /// No property set: the block matches every record.
    pub fn names_nothing(&self) -> bool {
        self.resource_attributes.is_empty()
            && self.record_attributes.is_empty()
            && self.severity_texts.is_empty()
            && self.severity_number.is_none()
            && self.bodies.is_empty()
    }
}

impl LogMatcher {
    pub fn new(m: &LogMatch) -> Result<Self, Vec<ConfigProblem>> {
        let mut p = Vec::new();
        match_type(m.match_type, &mut p);
        let severity = match &m.severity_number {
            None => None,
            Some(s) => {
                let n = match &s.min {
                    SeverityMin::Number(n) if (0..=24).contains(n) => Some(*n),
                    SeverityMin::Number(_) => None,
                    SeverityMin::Name(n) => severity_number(n),
                };
                match n {
                    Some(n) => Some((n, s.match_undefined)),
                    None => {
                        p.push(ConfigProblem::new(
                            "severity_number.min",
                            "must be a severity name (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, optionally 2-4) or 0-24",
                        ));
                        None
                    }
                }
            }
        };
        let out = LogMatcher {
            resource: attrs(m.match_type, &m.resource_attributes, "resource_attributes", &mut p),
            record: attrs(m.match_type, &m.record_attributes, "record_attributes", &mut p),
            severity_texts: strs(m.match_type, &m.severity_texts, "severity_texts", &mut p),
            severity,
            bodies: strs(m.match_type, &m.bodies, "bodies", &mut p),
        };
        // A block that names nothing matches every record, as contrib's filterlog (so an empty
        // `include` keeps all and an empty `exclude` drops all; `validate` warns about the latter).
        if p.is_empty() { Ok(out) } else { Err(p) }
    }

    pub fn matches(&self, resource: &Resource, r: &LogRecord) -> bool {
        all_attrs(&self.resource, &resource.attributes)
            && all_attrs(&self.record, &r.attributes)
            && (self.severity_texts.is_empty()
                || self.severity_texts.iter().any(|m| m.matches(&r.severity_text)))
            && self.severity.is_none_or(|(min, undefined)| {
                let n = r.severity_number.0;
                if n == 0 { undefined } else { n >= min }
            })
            && (self.bodies.is_empty()
                || r.body.as_ref().is_some_and(|b| {
                    let s = match b {
                        Value::Str(s) => std::borrow::Cow::Borrowed(s.as_str()),
                        other => std::borrow::Cow::Owned(other.to_display_string()),
                    };
                    self.bodies.iter().any(|m| m.matches(&s))
                }))
    }
}

#[derive(Debug)]
pub struct MetricMatcher {
    names: Vec<Str>,
    resource: Vec<AttrMatcher>,
}

impl MetricMatcher {
    /// `None` for a block that names nothing (no names, resource attributes or expressions): it
    /// filters nothing, as contrib's filtermetric (which skips an empty name or expr matcher).
    pub fn new(m: &MetricMatch) -> Result<Option<Self>, Vec<ConfigProblem>> {
        let mut p = Vec::new();
        if m.match_type == MatchType::Expr && !m.expressions.is_empty() {
            p.push(ConfigProblem::new(
                "expressions",
                "the `expr` language (Label(), HasLabel(), MetricName, ...) is not supported; write OTTL \
                 conditions instead (metrics.metric: `name == \"x\"`, metrics.datapoint: \
                 `attributes[\"foo\"] == \"bar\"`)",
            ));
        }
        if !m.expressions.is_empty() && m.match_type != MatchType::Expr {
            p.push(ConfigProblem::new("expressions", "belongs to match_type expr, which is not supported"));
        }
        if m.match_type == MatchType::Expr && !(m.metric_names.is_empty() && m.resource_attributes.is_empty())
        {
            p.push(ConfigProblem::new("match_type", "`expr` takes only `expressions`"));
        }
        let out = MetricMatcher {
            names: strs(m.match_type, &m.metric_names, "metric_names", &mut p),
            resource: attrs(m.match_type, &m.resource_attributes, "resource_attributes", &mut p),
        };
        let noop = m.metric_names.is_empty() && m.resource_attributes.is_empty() && m.expressions.is_empty();
        if p.is_empty() { Ok((!noop).then_some(out)) } else { Err(p) }
    }

    pub fn matches(&self, resource: &Resource, m: &Metric) -> bool {
        (self.names.is_empty() || self.names.iter().any(|n| n.matches(&m.name)))
            && all_attrs(&self.resource, &resource.attributes)
    }
}
