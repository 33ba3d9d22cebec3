//! From the untyped AST to a typed program for one context: paths become record fields, functions
//! become enum variants with their arguments checked, regexes are compiled once.

use dbintel_core::pdata::Value;
use regex::Regex;

use super::parser::{BoolExpr, Call, Expr, Key, Lit, MathOp};
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
    "SHA1",
    "SHA256",
    "SHA512",
    "MD5",
    "Split",
    "Substring",
    "ParseJSON",
    "HasAttrKeyOnDatapoint",
    "HasAttrOnDatapoint",
];

/// Each function's parameters, in order, by the Collector's names (its `Arguments` struct's fields,
/// snake-cased); `?` marks an optional one. Named arguments bind by these names.
pub fn signature(name: &str) -> Option<&'static [&'static str]> {
    const FN_FORMAT: [&str; 2] = ["function?", "replacement_format?"];
    Some(match name {
        "set" => &["target", "value"],
        "delete_key" => &["target", "key"],
        "delete_matching_keys" | "keep_matching_keys" => &["target", "pattern"],
        "keep_keys" => &["target", "keys"],
        "truncate_all" => &["target", "limit"],
        "limit" => &["target", "limit", "priority_keys"],
        "replace_pattern" => &["target", "regex_pattern", "replacement", FN_FORMAT[0], FN_FORMAT[1]],
        "replace_all_patterns" => {
            &["target", "mode", "regex_pattern", "replacement", FN_FORMAT[0], FN_FORMAT[1]]
        }
        "replace_match" | "replace_all_matches" => {
            &["target", "pattern", "replacement", FN_FORMAT[0], FN_FORMAT[1]]
        }
        "merge_maps" => &["target", "source", "strategy"],
        "Concat" => &["vals", "delimiter"],
        "IsMatch" => &["target", "pattern"],
        "Split" => &["target", "delimiter"],
        "Substring" => &["target", "start", "length"],
        "HasAttrKeyOnDatapoint" => &["key"],
        "HasAttrOnDatapoint" => &["key", "expected_val"],
        n if CONVERTERS.contains(&n) => &["target"],
        _ => return None,
    })
}

/// A converter from one string to another: what `function = ...` of the replace editors may
/// name (the Collector takes any converter of one string parameter returning a string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrFn {
    Sha1,
    Sha256,
    Sha512,
    Md5,
    Lower,
    Upper,
}

impl StrFn {
    fn by_name(name: &str) -> Option<Self> {
        Some(match name {
            "SHA1" => StrFn::Sha1,
            "SHA256" => StrFn::Sha256,
            "SHA512" => StrFn::Sha512,
            "MD5" => StrFn::Md5,
            "ToLowerCase" => StrFn::Lower,
            "ToUpperCase" => StrFn::Upper,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            StrFn::Sha1 => "SHA1",
            StrFn::Sha256 => "SHA256",
            StrFn::Sha512 => "SHA512",
            StrFn::Md5 => "MD5",
            StrFn::Lower => "ToLowerCase",
            StrFn::Upper => "ToUpperCase",
        }
    }
}

/// The optional `function` and `replacement_format` of the replace editors. As in the
/// Collector, the format applies only to what the function returns.
#[derive(Debug, Default)]
pub struct Transform {
    pub function: Option<StrFn>,
    pub format: Option<Getter>,
}

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
    SpanAttributes,
    SpanName,
    SpanKind,
    /// `kind.string`: `Server`, `Client`, ... (OTTL's names).
    SpanKindString,
    /// `events`: the span's events as a list of maps (read-only).
    SpanEvents,
    /// `links`: the span's links as a list of maps (read-only).
    SpanLinks,
    SpanTraceId,
    SpanTraceIdString,
    SpanId,
    SpanIdString,
    SpanParentId,
    SpanParentIdString,
    SpanTraceState,
    SpanStart,
    SpanEnd,
    SpanFlags,
    SpanStatusCode,
    SpanStatusMessage,
    SpanDroppedAttributes,
    SpanDroppedEvents,
    SpanDroppedLinks,
    SpanEventName,
    EventTime,
    EventAttributes,
    EventDroppedAttributes,
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
                | Field::SpanAttributes
                | Field::EventAttributes
        )
    }
    /// Fields no editor changes: the metric's kind, and a span's identity (ids, flags), counts and
    /// its events and links as lists (the `spanevent` context changes events one by one).
    fn read_only(self) -> bool {
        matches!(
            self,
            Field::MetricType
                | Field::MetricTemporality
                | Field::MetricMonotonic
                | Field::SpanTraceId
                | Field::SpanTraceIdString
                | Field::SpanId
                | Field::SpanIdString
                | Field::SpanParentId
                | Field::SpanParentIdString
                | Field::SpanFlags
                | Field::SpanDroppedAttributes
                | Field::SpanDroppedEvents
                | Field::SpanDroppedLinks
                | Field::SpanEvents
                | Field::SpanLinks
                | Field::EventDroppedAttributes
        )
    }
    /// Fields that take `[key]`s.
    fn keyed(self) -> bool {
        self.is_map() || matches!(self, Field::Body | Field::SpanEvents | Field::SpanLinks)
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
    Str(StrFn, Getter),
    Split(Getter, Getter),
    Substring(Getter, Getter, Getter),
    ParseJson(Getter),
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
    ReplacePattern(Path, Regex, Getter, Transform),
    ReplaceAllPatterns(Path, Mode, Regex, Getter, Transform),
    ReplaceMatch(Path, Regex, Getter, Transform),
    ReplaceAllMatches(Path, Regex, Getter, Transform),
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
        Ctx::Span => SPAN_PATHS,
        Ctx::SpanEvent => {
            "name, time_unix_nano, attributes, dropped_attributes_count (each also spanevent.*), span.<any span path>, instrumentation_scope.*, resource.attributes"
        }
    }
}

const SPAN_PATHS: &str = "trace_id, trace_id.string, span_id, span_id.string, parent_span_id, parent_span_id.string, trace_state, name, kind, kind.string, events, links, start_time_unix_nano, end_time_unix_nano, flags, attributes, status.code, status.message, dropped_attributes_count, dropped_events_count, dropped_links_count (each also span.*), instrumentation_scope.*, resource.attributes";

/// A span path (`name`, `trace_id.string`, `status.code`, ...), without its `span.` prefix.
fn span_field(parts: &[String]) -> Option<Field> {
    let (first, sub) = match parts {
        [f] => (f.as_str(), None),
        [f, s] => (f.as_str(), Some(s.as_str())),
        _ => return None,
    };
    Some(match (first, sub) {
        ("attributes", None) => Field::SpanAttributes,
        ("name", None) => Field::SpanName,
        ("kind", None) => Field::SpanKind,
        ("kind", Some("string")) => Field::SpanKindString,
        ("events", None) => Field::SpanEvents,
        ("links", None) => Field::SpanLinks,
        ("trace_id", None) => Field::SpanTraceId,
        ("trace_id", Some("string")) => Field::SpanTraceIdString,
        ("span_id", None) => Field::SpanId,
        ("span_id", Some("string")) => Field::SpanIdString,
        ("parent_span_id", None) => Field::SpanParentId,
        ("parent_span_id", Some("string")) => Field::SpanParentIdString,
        ("trace_state", None) => Field::SpanTraceState,
        ("start_time_unix_nano", None) => Field::SpanStart,
        ("end_time_unix_nano", None) => Field::SpanEnd,
        ("flags", None) => Field::SpanFlags,
        ("status", Some("code")) => Field::SpanStatusCode,
        ("status", Some("message")) => Field::SpanStatusMessage,
        ("dropped_attributes_count", None) => Field::SpanDroppedAttributes,
        ("dropped_events_count", None) => Field::SpanDroppedEvents,
        ("dropped_links_count", None) => Field::SpanDroppedLinks,
        _ => return None,
    })
}

/// The paths of the span contexts the generic resolution does not know: `trace_id.string`,
/// `span.status.code`, `span.name` in the `spanevent` context, ...
fn span_path(ctx: Ctx, parts: &[String]) -> Option<Field> {
    let prefixed = parts.first().is_some_and(|p| p == "span");
    match ctx {
        Ctx::Span if prefixed => span_field(&parts[1..]),
        Ctx::Span => span_field(parts),
        // The span's event list is not readable beside one of its events (the transform
        // processor holds that event apart while it runs).
        Ctx::SpanEvent if prefixed => span_field(&parts[1..]).filter(|f| *f != Field::SpanEvents),
        _ => None,
    }
}

fn local(ctx: Ctx, name: &str) -> Option<Field> {
    Some(match (ctx, name) {
        (Ctx::Span, _) => return span_field(&[name.to_string()]),
        (Ctx::SpanEvent, "name") => Field::SpanEventName,
        (Ctx::SpanEvent, "time_unix_nano") => Field::EventTime,
        (Ctx::SpanEvent, "attributes") => Field::EventAttributes,
        (Ctx::SpanEvent, "dropped_attributes_count") => Field::EventDroppedAttributes,
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
            p if p == ctx.name() && rest == "cache" => Some(Field::Cache),
            p if p == ctx.name() => local(ctx, rest),
            _ => None,
        },
        _ => None,
    }
    .or_else(|| span_path(ctx, parts));
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
    if !(keys.is_empty() || field.keyed()) {
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
        "SPAN_KIND_UNSPECIFIED" => 0,
        "SPAN_KIND_INTERNAL" => 1,
        "SPAN_KIND_SERVER" => 2,
        "SPAN_KIND_CLIENT" => 3,
        "SPAN_KIND_PRODUCER" => 4,
        "SPAN_KIND_CONSUMER" => 5,
        "STATUS_CODE_UNSET" => 0,
        "STATUS_CODE_OK" => 1,
        "STATUS_CODE_ERROR" => 2,
        _ => return None,
    })
}

fn getter(ctx: Ctx, e: &Expr) -> Result<Getter, OttlError> {
    Ok(match e {
        Expr::Lit(l) => Getter::Lit(match l {
            Lit::Str(s) => Some(Value::Str(s.as_str().into())),
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
                    "unknown enum `{name}` (known: SEVERITY_NUMBER_*, METRIC_DATA_TYPE_*, AGGREGATION_TEMPORALITY_*, SPAN_KIND_*, STATUS_CODE_*)"
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

/// `call`'s arguments bound to its parameters by OTTL's rules: positional ones first, in order,
/// then named ones in any order (a name matches a parameter as the Collector's `strcase.ToCamel`
/// does, so `priority_keys` and `priorityKeys` both work).
struct Bound<'c> {
    call: &'c Call,
    vals: Vec<Option<&'c Expr>>,
}

impl<'c> Bound<'c> {
    /// A required argument (present once [`bind`] succeeded).
    fn req(&self, i: usize) -> Result<&'c Expr, OttlError> {
        match self.opt(i) {
            Some(e) => Ok(e),
            None => invalid(format!("`{}`: argument {} is missing", self.call.name, i + 1)),
        }
    }
    fn opt(&self, i: usize) -> Option<&'c Expr> {
        self.vals.get(i).copied().flatten()
    }
}

/// `strcase.ToCamel` for parameter names: words split at `_`, `-`, `.` or space, each capitalised.
fn camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = true;
    for c in s.chars() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn bind(call: &Call) -> Result<Bound<'_>, OttlError> {
    let Some(params) = signature(&call.name) else { return Err(OttlError::unsupported(&call.name)) };
    let sig = params
        .iter()
        .map(|p| match p.strip_suffix('?') {
            Some(n) => format!("[{n}]"),
            None => (*p).to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let name = &call.name;
    let mut vals: Vec<Option<&Expr>> = vec![None; params.len()];
    let mut named = false;
    for (i, a) in call.args.iter().enumerate() {
        match &a.name {
            None if named => {
                return invalid(format!(
                    "`{name}`: argument {} has no name but follows a named argument; named arguments go after all positional ones",
                    i + 1
                ));
            }
            None => match vals.get_mut(i) {
                Some(slot) => *slot = Some(&a.value),
                None => {
                    return invalid(format!(
                        "`{name}` takes at most {} arguments ({sig}); it has {}",
                        params.len(),
                        call.args.len()
                    ));
                }
            },
            Some(n) => {
                named = true;
                let want = camel(n);
                let Some(j) = params.iter().position(|p| camel(p.trim_end_matches('?')) == want) else {
                    return invalid(format!("`{name}` has no parameter `{n}` (its parameters: {sig})"));
                };
                if vals[j].is_some() {
                    return invalid(format!("`{name}`: parameter `{n}` is given twice"));
                }
                vals[j] = Some(&a.value);
            }
        }
    }
    let missing: Vec<&str> =
        params.iter().zip(&vals).filter(|(p, v)| !p.ends_with('?') && v.is_none()).map(|(p, _)| *p).collect();
    if !missing.is_empty() {
        let required = params.iter().filter(|p| !p.ends_with('?')).count();
        let want = if required == params.len() {
            required.to_string()
        } else {
            format!("{required} to {}", params.len())
        };
        // The prototype's configs call `replace_all_patterns(attributes["x"], regex, replacement)`:
        // one value, no mode. That is `replace_pattern`'s form; say so.
        let hint = if name == "replace_all_patterns" && call.args.len() == 3 {
            "; for one value write replace_pattern(target, regex_pattern, replacement), for a map add the mode (\"key\" or \"value\") second"
        } else {
            ""
        };
        return invalid(format!(
            "`{name}` takes {want} arguments ({sig}); it has {}: `{}` is missing{hint}",
            call.args.len(),
            missing.join("`, `")
        ));
    }
    Ok(Bound { call, vals })
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
    let a = bind(call)?;
    let g = |i: usize| -> Result<Getter, OttlError> { getter(ctx, a.req(i)?) };
    Ok(match call.name.as_str() {
        "Concat" => {
            let Expr::List(items) = a.req(0)? else {
                return invalid(
                    "`Concat`: the first argument (vals) is a list of values, e.g. [attributes[\"a\"], \"b\"]",
                );
            };
            Conv::Concat(items.iter().map(|i| getter(ctx, i)).collect::<Result<_, _>>()?, g(1)?)
        }
        "Int" => Conv::Int(g(0)?),
        "Double" => Conv::Double(g(0)?),
        "String" => Conv::String(g(0)?),
        "IsMatch" => Conv::IsMatch(g(0)?, regex(call, &lit_str(call, a.req(1)?, "the pattern")?)?),
        "IsString" => Conv::Is(g(0)?, TypeKind::String),
        "IsInt" => Conv::Is(g(0)?, TypeKind::Int),
        "IsDouble" => Conv::Is(g(0)?, TypeKind::Double),
        "IsBool" => Conv::Is(g(0)?, TypeKind::Bool),
        "IsMap" => Conv::Is(g(0)?, TypeKind::Map),
        "IsList" => Conv::Is(g(0)?, TypeKind::List),
        "Len" => Conv::Len(g(0)?),
        "Split" => Conv::Split(g(0)?, g(1)?),
        "Substring" => Conv::Substring(g(0)?, g(1)?, g(2)?),
        "ParseJSON" => Conv::ParseJson(g(0)?),
        "HasAttrKeyOnDatapoint" | "HasAttrOnDatapoint" if ctx != Ctx::Metric => {
            return invalid(format!("`{}` is available in the metric context only", call.name));
        }
        "HasAttrKeyOnDatapoint" => Conv::HasAttrKeyOnDatapoint(lit_str(call, a.req(0)?, "the key")?),
        "HasAttrOnDatapoint" => Conv::HasAttrOnDatapoint(
            lit_str(call, a.req(0)?, "the key")?,
            lit_str(call, a.req(1)?, "the value")?,
        ),
        other => match StrFn::by_name(other) {
            Some(f) => Conv::Str(f, g(0)?),
            None => return Err(OttlError::unsupported(other)),
        },
    })
}

/// The `function` and `replacement_format` arguments (at `at` and `at + 1`) of a replace editor.
fn transform(ctx: Ctx, a: &Bound<'_>, at: usize) -> Result<Transform, OttlError> {
    let call = a.call;
    let function = match a.opt(at) {
        None => None,
        Some(Expr::Enum { name, .. }) => match StrFn::by_name(name) {
            Some(f) => Some(f),
            None => {
                let known =
                    [StrFn::Sha1, StrFn::Sha256, StrFn::Sha512, StrFn::Md5, StrFn::Lower, StrFn::Upper]
                        .map(StrFn::name)
                        .join(", ");
                return invalid(format!(
                    "`{}`: function `{name}` is not a converter from one string to a string that this subset has ({known})",
                    call.name
                ));
            }
        },
        Some(_) => {
            return invalid(format!(
                "`{}`: function is the bare name of a converter, e.g. SHA256 (no parentheses, no quotes)",
                call.name
            ));
        }
    };
    let format = match a.opt(at + 1) {
        None => None,
        Some(e) => {
            if let Expr::Lit(Lit::Str(f)) = e
                && !valid_format(f)
            {
                return invalid(format!(
                    "`{}`: replacement_format {f:?} must contain exactly one %s and no other % directive",
                    call.name
                ));
            }
            Some(getter(ctx, e)?)
        }
    };
    Ok(Transform { function, format })
}

/// A `replacement_format`: exactly one `%s`, no other `%` directive (the Collector's rule).
pub fn valid_format(f: &str) -> bool {
    f.matches("%s").count() == 1 && f.matches('%').count() == 1
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
    let a = bind(call)?;
    Ok(match name {
        "set" => Editor::Set(target(ctx, call, a.req(0)?)?, getter(ctx, a.req(1)?)?),
        "delete_key" => Editor::DeleteKey(map_target(ctx, call, a.req(0)?)?, getter(ctx, a.req(1)?)?),
        "delete_matching_keys" | "keep_matching_keys" => {
            let t = map_target(ctx, call, a.req(0)?)?;
            let re = regex(call, &lit_str(call, a.req(1)?, "the pattern")?)?;
            if name == "delete_matching_keys" {
                Editor::DeleteMatchingKeys(t, re)
            } else {
                Editor::KeepMatchingKeys(t, re)
            }
        }
        "keep_keys" => {
            Editor::KeepKeys(map_target(ctx, call, a.req(0)?)?, lit_strs(call, a.req(1)?, "the keys")?)
        }
        "truncate_all" => {
            Editor::TruncateAll(map_target(ctx, call, a.req(0)?)?, lit_int(call, a.req(1)?, "the limit")?)
        }
        "limit" => {
            let t = map_target(ctx, call, a.req(0)?)?;
            let n = lit_int(call, a.req(1)?, "the limit")?;
            let keys = lit_strs(call, a.req(2)?, "the priority keys")?;
            if n < keys.len() {
                return invalid(format!(
                    "`limit`: the limit {n} is less than the {} priority keys",
                    keys.len()
                ));
            }
            Editor::Limit(t, n, keys)
        }
        "replace_pattern" => Editor::ReplacePattern(
            target(ctx, call, a.req(0)?)?,
            regex(call, &lit_str(call, a.req(1)?, "the regex")?)?,
            getter(ctx, a.req(2)?)?,
            transform(ctx, &a, 3)?,
        ),
        "replace_all_patterns" => {
            let t = map_target(ctx, call, a.req(0)?)?;
            let mode = match lit_str(call, a.req(1)?, "the mode (\"key\" or \"value\")")?.as_str() {
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
                regex(call, &lit_str(call, a.req(2)?, "the regex")?)?,
                getter(ctx, a.req(3)?)?,
                transform(ctx, &a, 4)?,
            )
        }
        "replace_match" => Editor::ReplaceMatch(
            target(ctx, call, a.req(0)?)?,
            glob(call, &lit_str(call, a.req(1)?, "the pattern")?)?,
            getter(ctx, a.req(2)?)?,
            transform(ctx, &a, 3)?,
        ),
        "replace_all_matches" => Editor::ReplaceAllMatches(
            map_target(ctx, call, a.req(0)?)?,
            glob(call, &lit_str(call, a.req(1)?, "the pattern")?)?,
            getter(ctx, a.req(2)?)?,
            transform(ctx, &a, 3)?,
        ),
        "merge_maps" => {
            let strategy = match lit_str(call, a.req(2)?, "the strategy")?.as_str() {
                "insert" => Strategy::Insert,
                "update" => Strategy::Update,
                "upsert" => Strategy::Upsert,
                other => {
                    return invalid(format!(
                        "`merge_maps`: strategy is \"insert\", \"update\" or \"upsert\", not {other:?}"
                    ));
                }
            };
            Editor::MergeMaps(map_target(ctx, call, a.req(0)?)?, getter(ctx, a.req(1)?)?, strategy)
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
