//! From the untyped AST to a typed program for one context: paths become record fields, functions
//! become enum variants with their arguments checked, regexes are compiled once.

use dbintel_core::pdata::Value;
use regex::Regex;

use super::parser::{Arg, BoolExpr, Call, Expr, Key, Lit, MathOp};
use super::{Ctx, OttlError};
use crate::ottl::lexer::CmpOp;

/// Editors this subset has.
pub const EDITORS: &[&str] = &[
    "set",
    "delete_key",
    "delete_matching_keys",
    "keep_keys",
    "keep_matching_keys",
    "truncate_all",
    "limit",
    "replace_pattern",
    "replace_all_patterns",
    "replace_match",
    "replace_all_matches",
    "merge_maps",
];

/// Converters this subset has.
pub const CONVERTERS: &[&str] = &[
    "Concat",
    "Int",
    "Double",
    "String",
    "IsMatch",
    "IsString",
    "IsInt",
    "IsDouble",
    "IsBool",
    "IsMap",
    "IsList",
    "Len",
    "ToLowerCase",
    "ToUpperCase",
    "SHA256",
    "Split",
    "HasAttrKeyOnDatapoint",
    "HasAttrOnDatapoint",
];

/// Largest compiled regex (bytes of program), so a config cannot ask for unbounded memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    LogAttributes,
    PointAttributes,
    ResourceAttributes,
    ScopeAttributes,
    ScopeName,
    ScopeVersion,
    Body,
    SeverityNumber,
    SeverityText,
    Time,
    ObservedTime,
    EventName,
    Flags,
    MetricName,
    MetricDescription,
    MetricUnit,
    MetricType,
    MetricTemporality,
    MetricMonotonic,
    PointValue,
    PointTime,
    PointStartTime,
    PointFlags,
    Cache,
}

impl Field {
    /// Fields holding a map (attributes, the cache); the body may hold one too.
    pub fn is_map(self) -> bool {
        matches!(
            self,
            Field::LogAttributes
                | Field::PointAttributes
                | Field::ResourceAttributes
                | Field::ScopeAttributes
                | Field::Cache
        )
    }
    fn read_only(self) -> bool {
        matches!(self, Field::MetricType | Field::MetricTemporality | Field::MetricMonotonic)
    }
}

#[derive(Debug, Clone)]
pub struct Path {
    pub field: Field,
    pub keys: Vec<Key>,
}

#[derive(Debug)]
pub enum Getter {
    /// `None` is `nil`.
    Lit(Option<Value>),
    Path(Path),
    Conv(Box<Conv>, Vec<Key>),
    List(Vec<Getter>),
    Map(Vec<(String, Getter)>),
    Math(Box<Getter>, MathOp, Box<Getter>),
    Neg(Box<Getter>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    String,
    Int,
    Double,
    Bool,
    Map,
    List,
}

#[derive(Debug)]
pub enum Conv {
    Concat(Vec<Getter>, Getter),
    Int(Getter),
    Double(Getter),
    String(Getter),
    IsMatch(Getter, Regex),
    Is(Getter, TypeKind),
    Len(Getter),
    Lower(Getter),
    Upper(Getter),
    Sha256(Getter),
    Split(Getter, Getter),
    HasAttrKeyOnDatapoint(String),
    HasAttrOnDatapoint(String, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Key,
    Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Insert,
    Update,
    Upsert,
}

#[derive(Debug)]
pub enum Editor {
    Set(Path, Getter),
    DeleteKey(Path, Getter),
    DeleteMatchingKeys(Path, Regex),
    KeepKeys(Path, Vec<String>),
    KeepMatchingKeys(Path, Regex),
    TruncateAll(Path, usize),
    Limit(Path, usize, Vec<String>),
    ReplacePattern(Path, Regex, Getter),
    ReplaceAllPatterns(Path, Mode, Regex, Getter),
    ReplaceMatch(Path, Regex, Getter),
    ReplaceAllMatches(Path, Regex, Getter),
    MergeMaps(Path, Getter, Strategy),
}

#[derive(Debug)]
pub enum Cond {
    Const(bool),
    Cmp(Getter, CmpOp, Getter),
    Value(Getter),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

#[derive(Debug)]
pub struct Statement {
    pub editor: Editor,
    pub cond: Option<Cond>,
}

fn invalid<T>(msg: impl Into<String>) -> Result<T, OttlError> {
    Err(OttlError::Invalid(msg.into()))
}

fn paths_of(ctx: Ctx) -> &'static str {
    match ctx {
        Ctx::Resource => "resource.attributes (or attributes), cache",
        Ctx::Scope => {
            "scope.name, scope.version, scope.attributes (also instrumentation_scope.*), resource.attributes, cache"
        }
        Ctx::Log => {
            "attributes, body, severity_number, severity_text, time_unix_nano, observed_time_unix_nano, event_name, flags (each also log.*), instrumentation_scope.name/version/attributes, resource.attributes, cache"
        }
        Ctx::Metric => {
            "name, description, unit, type, aggregation_temporality, is_monotonic (each also metric.*), instrumentation_scope.*, resource.attributes, cache"
        }
        Ctx::Datapoint => {
            "attributes, value, time_unix_nano, start_time_unix_nano, flags (each also datapoint.*), metric.name, metric.description, metric.unit, metric.type, metric.aggregation_temporality, metric.is_monotonic, instrumentation_scope.*, resource.attributes, cache"
        }
    }
}

fn local(ctx: Ctx, name: &str) -> Option<Field> {
    Some(match (ctx, name) {
        (Ctx::Resource, "attributes") => Field::ResourceAttributes,
        (Ctx::Scope, "name") => Field::ScopeName,
        (Ctx::Scope, "version") => Field::ScopeVersion,
        (Ctx::Scope, "attributes") => Field::ScopeAttributes,
        (Ctx::Log, "attributes") => Field::LogAttributes,
        (Ctx::Log, "body") => Field::Body,
        (Ctx::Log, "severity_number") => Field::SeverityNumber,
        (Ctx::Log, "severity_text") => Field::SeverityText,
        (Ctx::Log, "time_unix_nano") => Field::Time,
        (Ctx::Log, "observed_time_unix_nano") => Field::ObservedTime,
        (Ctx::Log, "event_name") => Field::EventName,
        (Ctx::Log, "flags") => Field::Flags,
        (Ctx::Metric, _) => return metric_field(name),
        (Ctx::Datapoint, "attributes") => Field::PointAttributes,
        (Ctx::Datapoint, "value" | "value_int" | "value_double") => Field::PointValue,
        (Ctx::Datapoint, "time_unix_nano") => Field::PointTime,
        (Ctx::Datapoint, "start_time_unix_nano") => Field::PointStartTime,
        (Ctx::Datapoint, "flags") => Field::PointFlags,
        _ => return None,
    })
}

fn metric_field(name: &str) -> Option<Field> {
    Some(match name {
        "name" => Field::MetricName,
        "description" => Field::MetricDescription,
        "unit" => Field::MetricUnit,
        "type" => Field::MetricType,
        "aggregation_temporality" => Field::MetricTemporality,
        "is_monotonic" => Field::MetricMonotonic,
        _ => return None,
    })
}

fn scope_field(name: &str) -> Option<Field> {
    Some(match name {
        "name" => Field::ScopeName,
        "version" => Field::ScopeVersion,
        "attributes" => Field::ScopeAttributes,
        _ => return None,
    })
}

/// Resolves a dotted path in `ctx`.
fn path(ctx: Ctx, parts: &[String], keys: &[Key]) -> Result<Path, OttlError> {
    let field = match parts {
        [one] if one == "cache" => Some(Field::Cache),
        [one] => local(ctx, one),
        [p, rest] => match p.as_str() {
            "resource" if rest == "attributes" => Some(Field::ResourceAttributes),
            "scope" | "instrumentation_scope" if ctx != Ctx::Resource => scope_field(rest),
            "metric" if matches!(ctx, Ctx::Metric | Ctx::Datapoint) => metric_field(rest),
            p if p == ctx.name() => local(ctx, rest),
            _ => None,
        },
        _ => None,
    };
    let Some(field) = field else {
        let text = parts.join(".");
        let hint = match (ctx, text.as_str()) {
            (Ctx::Datapoint, "name" | "unit" | "description") => format!(" (write metric.{text})"),
            (Ctx::Metric, "attributes" | "value") => {
                " (data point fields: use the datapoint context)".to_string()
            }
            _ => String::new(),
        };
        return invalid(format!(
            "`{text}` is not a path of the `{}` context{hint}; its paths are: {}",
            ctx.name(),
            paths_of(ctx)
        ));
    };
    if !(keys.is_empty() || field.is_map() || field == Field::Body) {
        return invalid(format!("`{}` is not a map and takes no [key]", parts.join(".")));
    }
    Ok(Path { field, keys: keys.to_vec() })
}

fn enum_value(name: &str) -> Option<i64> {
    const SEV: [&str; 6] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
    if let Some(s) = name.strip_prefix("SEVERITY_NUMBER_") {
        if s == "UNSPECIFIED" {
            return Some(0);
        }
        for (i, base) in SEV.iter().enumerate() {
            if let Some(n) = s.strip_prefix(base) {
                let step = match n {
                    "" => 0,
                    "2" => 1,
                    "3" => 2,
                    "4" => 3,
                    _ => return None,
                };
                return Some(i as i64 * 4 + 1 + step);
            }
        }
        return None;
    }
    Some(match name {
        "METRIC_DATA_TYPE_NONE" => 0,
        "METRIC_DATA_TYPE_GAUGE" => 1,
        "METRIC_DATA_TYPE_SUM" => 2,
        "METRIC_DATA_TYPE_HISTOGRAM" => 3,
        "METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM" => 4,
        "METRIC_DATA_TYPE_SUMMARY" => 5,
        "AGGREGATION_TEMPORALITY_UNSPECIFIED" => 0,
        "AGGREGATION_TEMPORALITY_DELTA" => 1,
        "AGGREGATION_TEMPORALITY_CUMULATIVE" => 2,
        _ => return None,
    })
}

fn getter(ctx: Ctx, e: &Expr) -> Result<Getter, OttlError> {
    Ok(match e {
        Expr::Lit(l) => Getter::Lit(match l {
            Lit::Str(s) => Some(Value::Str(s.clone())),
            Lit::Int(i) => Some(Value::Int(*i)),
            Lit::Float(f) => Some(Value::Double(*f)),
            Lit::Bool(b) => Some(Value::Bool(*b)),
            Lit::Bytes(b) => Some(Value::Bytes(b.clone())),
            Lit::Nil => None,
        }),
        Expr::Path { parts, keys, .. } => Getter::Path(path(ctx, parts, keys)?),
        Expr::Enum { name, .. } => match enum_value(name) {
            Some(v) => Getter::Lit(Some(Value::Int(v))),
            None => {
                return invalid(format!(
                    "unknown enum `{name}` (known: SEVERITY_NUMBER_*, METRIC_DATA_TYPE_*, AGGREGATION_TEMPORALITY_*)"
                ));
            }
        },
        Expr::Call { call, keys } => {
            if call.name.starts_with(|c: char| c.is_ascii_lowercase()) {
                return invalid(format!(
                    "`{}` is an editor; a value needs a converter (capitalised, e.g. Concat)",
                    call.name
                ));
            }
            Getter::Conv(Box::new(converter(ctx, call)?), keys.clone())
        }
        Expr::List(items) => Getter::List(items.iter().map(|i| getter(ctx, i)).collect::<Result<_, _>>()?),
        Expr::Map(items) => Getter::Map(
            items.iter().map(|(k, v)| Ok((k.clone(), getter(ctx, v)?))).collect::<Result<_, _>>()?,
        ),
        Expr::Math(a, op, b) => Getter::Math(Box::new(getter(ctx, a)?), *op, Box::new(getter(ctx, b)?)),
        Expr::Neg(a) => Getter::Neg(Box::new(getter(ctx, a)?)),
    })
}

/// Positional arguments of `call`, exactly `min..=max` of them.
fn args<'c>(call: &'c Call, min: usize, max: usize, sig: &str) -> Result<Vec<&'c Expr>, OttlError> {
    if let Some(Arg { name: Some(n), .. }) = call.args.iter().find(|a| a.name.is_some()) {
        return invalid(format!(
            "`{}`: named arguments (`{n} = ...`) are not supported; pass them by position",
            call.name
        ));
    }
    let n = call.args.len();
    if n < min || n > max {
        let want = if min == max { format!("{min}") } else { format!("{min} to {max}") };
        return invalid(format!("`{}` takes {want} arguments ({sig}); it has {n}", call.name));
    }
    Ok(call.args.iter().map(|a| &a.value).collect())
}

fn lit_str(call: &Call, e: &Expr, what: &str) -> Result<String, OttlError> {
    match e {
        Expr::Lit(Lit::Str(s)) => Ok(s.clone()),
        _ => invalid(format!("`{}`: {what} must be a string literal", call.name)),
    }
}

fn lit_int(call: &Call, e: &Expr, what: &str) -> Result<usize, OttlError> {
    match e {
        Expr::Lit(Lit::Int(i)) if *i >= 0 => Ok(usize::try_from(*i).unwrap_or(usize::MAX)),
        _ => invalid(format!("`{}`: {what} must be a non-negative integer literal", call.name)),
    }
}

fn lit_strs(call: &Call, e: &Expr, what: &str) -> Result<Vec<String>, OttlError> {
    match e {
        Expr::List(items) => items.iter().map(|i| lit_str(call, i, what)).collect(),
        _ => {
            invalid(format!("`{}`: {what} must be a list of string literals, e.g. [\"a\", \"b\"]", call.name))
        }
    }
}

pub fn regex(call: &Call, pattern: &str) -> Result<Regex, OttlError> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .or_else(|e| invalid(format!("`{}`: invalid regex {pattern:?}: {e}", call.name)))
}

/// A glob (`*`, `?`, `[...]`, `{a,b}`, `\` escapes) as an anchored regex.
pub fn glob(call: &Call, pattern: &str) -> Result<Regex, OttlError> {
    let mut re = String::from("^(?s:");
    let mut chars = pattern.chars();
    let mut braces = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            '\\' => match chars.next() {
                Some(n) => re.push_str(&regex::escape(&n.to_string())),
                None => re.push_str(r"\\"),
            },
            '[' => {
                re.push('[');
                let mut first = true;
                loop {
                    match chars.next() {
                        Some('!') if first => re.push('^'),
                        Some(']') => break,
                        Some('\\') => re.push_str(r"\\"),
                        Some('[') => re.push_str(r"\["),
                        Some(c) => re.push(c),
                        None => {
                            return invalid(format!("`{}`: unclosed `[` in pattern {pattern:?}", call.name));
                        }
                    }
                    first = false;
                }
                re.push(']');
            }
            '{' => {
                braces += 1;
                re.push_str("(?:");
            }
            ',' if braces > 0 => re.push('|'),
            '}' if braces > 0 => {
                braces -= 1;
                re.push(')');
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    if braces > 0 {
        return invalid(format!("`{}`: unclosed `{{` in pattern {pattern:?}", call.name));
    }
    re.push_str(")$");
    regex(call, &re)
}

fn converter(ctx: Ctx, call: &Call) -> Result<Conv, OttlError> {
    let one = |sig: &str| -> Result<Getter, OttlError> { getter(ctx, args(call, 1, 1, sig)?[0]) };
    Ok(match call.name.as_str() {
        "Concat" => {
            let a = args(call, 2, 2, "values, delimiter")?;
            let Expr::List(items) = a[0] else {
                return invalid(
                    "`Concat`: the first argument is a list of values, e.g. [attributes[\"a\"], \"b\"]",
                );
            };
            Conv::Concat(items.iter().map(|i| getter(ctx, i)).collect::<Result<_, _>>()?, getter(ctx, a[1])?)
        }
        "Int" => Conv::Int(one("value")?),
        "Double" => Conv::Double(one("value")?),
        "String" => Conv::String(one("value")?),
        "IsMatch" => {
            let a = args(call, 2, 2, "target, pattern")?;
            Conv::IsMatch(getter(ctx, a[0])?, regex(call, &lit_str(call, a[1], "the pattern")?)?)
        }
        "IsString" => Conv::Is(one("value")?, TypeKind::String),
        "IsInt" => Conv::Is(one("value")?, TypeKind::Int),
        "IsDouble" => Conv::Is(one("value")?, TypeKind::Double),
        "IsBool" => Conv::Is(one("value")?, TypeKind::Bool),
        "IsMap" => Conv::Is(one("value")?, TypeKind::Map),
        "IsList" => Conv::Is(one("value")?, TypeKind::List),
        "Len" => Conv::Len(one("target")?),
        "ToLowerCase" => Conv::Lower(one("target")?),
        "ToUpperCase" => Conv::Upper(one("target")?),
        "SHA256" => Conv::Sha256(one("value")?),
        "Split" => {
            let a = args(call, 2, 2, "target, delimiter")?;
            Conv::Split(getter(ctx, a[0])?, getter(ctx, a[1])?)
        }
        "HasAttrKeyOnDatapoint" | "HasAttrOnDatapoint" if ctx != Ctx::Metric => {
            return invalid(format!("`{}` is available in the metric context only", call.name));
        }
        "HasAttrKeyOnDatapoint" => {
            let a = args(call, 1, 1, "key")?;
            Conv::HasAttrKeyOnDatapoint(lit_str(call, a[0], "the key")?)
        }
        "HasAttrOnDatapoint" => {
            let a = args(call, 2, 2, "key, value")?;
            Conv::HasAttrOnDatapoint(lit_str(call, a[0], "the key")?, lit_str(call, a[1], "the value")?)
        }
        other => return Err(OttlError::unsupported(other)),
    })
}

/// The target of an editor: a path (a converter or literal cannot be changed).
fn target(ctx: Ctx, call: &Call, e: &Expr) -> Result<Path, OttlError> {
    match e {
        Expr::Path { parts, keys, .. } => {
            let p = path(ctx, parts, keys)?;
            if p.field.read_only() {
                return invalid(format!("`{}`: `{}` is read-only", call.name, parts.join(".")));
            }
            Ok(p)
        }
        _ => {
            invalid(format!("`{}`: the first argument must be a path such as attributes[\"key\"]", call.name))
        }
    }
}

/// A target that must hold a map (attributes, a nested map, the cache, a map body).
fn map_target(ctx: Ctx, call: &Call, e: &Expr) -> Result<Path, OttlError> {
    let p = target(ctx, call, e)?;
    if !(p.field.is_map() || p.field == Field::Body) {
        return invalid(format!("`{}`: the target must be a map such as attributes", call.name));
    }
    Ok(p)
}

fn editor(ctx: Ctx, call: &Call) -> Result<Editor, OttlError> {
    let name = call.name.as_str();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return if CONVERTERS.contains(&name) {
            invalid(format!("`{name}` is a converter; a statement starts with an editor such as set(...)"))
        } else {
            Err(OttlError::unsupported(name))
        };
    }
    Ok(match name {
        "set" => {
            let a = args(call, 2, 2, "target, value")?;
            Editor::Set(target(ctx, call, a[0])?, getter(ctx, a[1])?)
        }
        "delete_key" => {
            let a = args(call, 2, 2, "target, key")?;
            Editor::DeleteKey(map_target(ctx, call, a[0])?, getter(ctx, a[1])?)
        }
        "delete_matching_keys" | "keep_matching_keys" => {
            let a = args(call, 2, 2, "target, pattern")?;
            let t = map_target(ctx, call, a[0])?;
            let re = regex(call, &lit_str(call, a[1], "the pattern")?)?;
            if name == "delete_matching_keys" {
                Editor::DeleteMatchingKeys(t, re)
            } else {
                Editor::KeepMatchingKeys(t, re)
            }
        }
        "keep_keys" => {
            let a = args(call, 2, 2, "target, keys")?;
            Editor::KeepKeys(map_target(ctx, call, a[0])?, lit_strs(call, a[1], "the keys")?)
        }
        "truncate_all" => {
            let a = args(call, 2, 2, "target, limit")?;
            Editor::TruncateAll(map_target(ctx, call, a[0])?, lit_int(call, a[1], "the limit")?)
        }
        "limit" => {
            let a = args(call, 2, 3, "target, limit, [priority_keys]")?;
            let t = map_target(ctx, call, a[0])?;
            let n = lit_int(call, a[1], "the limit")?;
            let keys = match a.get(2) {
                Some(e) => lit_strs(call, e, "the priority keys")?,
                None => Vec::new(),
            };
            if n < keys.len() {
                return invalid(format!(
                    "`limit`: the limit {n} is less than the {} priority keys",
                    keys.len()
                ));
            }
            Editor::Limit(t, n, keys)
        }
        "replace_pattern" => {
            let a = args(call, 3, 3, "target, regex, replacement")?;
            Editor::ReplacePattern(
                target(ctx, call, a[0])?,
                regex(call, &lit_str(call, a[1], "the regex")?)?,
                getter(ctx, a[2])?,
            )
        }
        "replace_all_patterns" => {
            let a = args(call, 4, 4, "target, mode, regex, replacement")?;
            let t = map_target(ctx, call, a[0])?;
            let mode = match lit_str(call, a[1], "the mode (\"key\" or \"value\")")?.as_str() {
                "key" => Mode::Key,
                "value" => Mode::Value,
                other => {
                    return invalid(format!(
                        "`replace_all_patterns`: mode is \"key\" or \"value\", not {other:?}"
                    ));
                }
            };
            Editor::ReplaceAllPatterns(
                t,
                mode,
                regex(call, &lit_str(call, a[2], "the regex")?)?,
                getter(ctx, a[3])?,
            )
        }
        "replace_match" => {
            let a = args(call, 3, 3, "target, pattern, replacement")?;
            Editor::ReplaceMatch(
                target(ctx, call, a[0])?,
                glob(call, &lit_str(call, a[1], "the pattern")?)?,
                getter(ctx, a[2])?,
            )
        }
        "replace_all_matches" => {
            let a = args(call, 3, 3, "target, pattern, replacement")?;
            Editor::ReplaceAllMatches(
                map_target(ctx, call, a[0])?,
                glob(call, &lit_str(call, a[1], "the pattern")?)?,
                getter(ctx, a[2])?,
            )
        }
        "merge_maps" => {
            let a = args(call, 3, 3, "target, source, strategy")?;
            let strategy = match lit_str(call, a[2], "the strategy")?.as_str() {
                "insert" => Strategy::Insert,
                "update" => Strategy::Update,
                "upsert" => Strategy::Upsert,
                other => {
                    return invalid(format!(
                        "`merge_maps`: strategy is \"insert\", \"update\" or \"upsert\", not {other:?}"
                    ));
                }
            };
            Editor::MergeMaps(map_target(ctx, call, a[0])?, getter(ctx, a[1])?, strategy)
        }
        other => return Err(OttlError::unsupported(other)),
    })
}

/// The first function anywhere in `e` that this subset does not have (reported before arity or
/// type problems, so `Concat(Str(x), "-")` names `Str`).
fn unknown_in_expr(e: &Expr) -> Option<&str> {
    match e {
        Expr::Call { call, .. } => unknown_in_call(call),
        Expr::List(v) => v.iter().find_map(unknown_in_expr),
        Expr::Map(v) => v.iter().find_map(|(_, e)| unknown_in_expr(e)),
        Expr::Math(a, _, b) => unknown_in_expr(a).or_else(|| unknown_in_expr(b)),
        Expr::Neg(a) => unknown_in_expr(a),
        Expr::Lit(_) | Expr::Path { .. } | Expr::Enum { .. } => None,
    }
}

fn unknown_in_call(c: &Call) -> Option<&str> {
    let known = EDITORS.contains(&c.name.as_str()) || CONVERTERS.contains(&c.name.as_str());
    if !known {
        return Some(&c.name);
    }
    c.args.iter().find_map(|a| unknown_in_expr(&a.value))
}

fn unknown_in_bool(b: &BoolExpr) -> Option<&str> {
    match b {
        BoolExpr::Const(_) => None,
        BoolExpr::Cmp(l, _, r) => unknown_in_expr(l).or_else(|| unknown_in_expr(r)),
        BoolExpr::Value(e) => unknown_in_expr(e),
        BoolExpr::Not(x) => unknown_in_bool(x),
        BoolExpr::And(v) | BoolExpr::Or(v) => v.iter().find_map(unknown_in_bool),
    }
}

pub fn condition(b: &BoolExpr, ctx: Ctx) -> Result<Cond, OttlError> {
    if let Some(name) = unknown_in_bool(b) {
        return Err(OttlError::unsupported(name));
    }
    condition_inner(b, ctx)
}

fn condition_inner(b: &BoolExpr, ctx: Ctx) -> Result<Cond, OttlError> {
    Ok(match b {
        BoolExpr::Const(v) => Cond::Const(*v),
        BoolExpr::Cmp(l, op, r) => Cond::Cmp(getter(ctx, l)?, *op, getter(ctx, r)?),
        BoolExpr::Value(e) => Cond::Value(getter(ctx, e)?),
        BoolExpr::Not(x) => Cond::Not(Box::new(condition_inner(x, ctx)?)),
        BoolExpr::And(v) => Cond::And(v.iter().map(|x| condition_inner(x, ctx)).collect::<Result<_, _>>()?),
        BoolExpr::Or(v) => Cond::Or(v.iter().map(|x| condition_inner(x, ctx)).collect::<Result<_, _>>()?),
    })
}

pub fn statement(s: &super::parser::Statement, ctx: Ctx) -> Result<Statement, OttlError> {
    if let Some(name) = unknown_in_call(&s.editor).or_else(|| s.condition.as_ref().and_then(unknown_in_bool))
    {
        return Err(OttlError::unsupported(name));
    }
    Ok(Statement {
        editor: editor(ctx, &s.editor)?,
        cond: s.condition.as_ref().map(|c| condition(c, ctx)).transpose()?,
    })
}
