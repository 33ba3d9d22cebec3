//! The Collector's attribute actions (`insert`, `update`, `upsert`, `delete`, `hash`, `extract`,
//! `convert`) on one attribute map, shared by the `attributes` and `resource` processors. Keys,
//! validation and semantics follow contrib's `internal/coreinternal/attraction`.

use std::borrow::Cow;

use dbintel_core::component::ConfigProblem;
use dbintel_core::pdata::{Attributes, Key, Value};
use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;
use sha1::{Digest, Sha1};

/// Most actions in one processor.
pub const MAX_ACTIONS: usize = 1000;
/// Largest regular expression (bytes of compiled program) a pattern may build.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One entry of `actions` (contrib's `ActionKeyValue`).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ActionConfig {
    /// The attribute acted upon (for `extract`, the source of the values; not altered).
    #[serde(default)]
    pub key: String,
    /// `insert`/`update`/`upsert`: the value set; its type follows the config (string, int, double,
    /// bool, list, map).
    #[serde(default)]
    pub value: Option<serde_json::Value>,
    /// `delete`/`hash`: a regular expression on attribute names; `extract`: a regular expression
    /// with named groups whose matches become attributes.
    #[serde(default)]
    pub pattern: String,
    /// `insert`/`update`/`upsert`: the attribute whose value is copied; nothing happens when it is
    /// absent (unless `default_value` is set).
    #[serde(default)]
    pub from_attribute: String,
    /// Contrib: copy from the request's client metadata or auth (`metadata.<key>`, `auth.<attr>`,
    /// `client.address`). dbintel's pipelines carry no client metadata, so this never finds a
    /// value, as in the Collector when the receiver does not include metadata: the action then
    /// does nothing, or sets `default_value` (`validate` warns).
    #[serde(default)]
    pub from_context: String,
    /// `insert`/`update`/`upsert`: the value used when the source gives none: `from_attribute`
    /// absent, `from_context` (always), `value` empty (an unset environment variable), or alone.
    #[serde(default)]
    pub default_value: Option<serde_json::Value>,
    /// `convert`: `int`, `double` or `string`.
    #[serde(default)]
    pub converted_type: String,
    /// One of insert, update, upsert, delete, hash, extract, convert (any case).
    pub action: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvertTo {
    Int,
    Double,
    Str,
}

#[derive(Debug, Clone)]
struct Source {
    value: Option<Value>,
    from_attribute: Option<String>,
    default: Option<Value>,
}

impl Source {
    fn get(&self, attrs: &Attributes) -> Option<Value> {
        if let Some(v) = &self.value {
            // `value: ${env:X}` with X unset or empty: the default, as contrib's DefaultValue.
            let empty = matches!(v, Value::Str(s) if s.is_empty());
            return if empty && self.default.is_some() { self.default.clone() } else { Some(v.clone()) };
        }
        if let Some(from) = &self.from_attribute
            && let Some(v) = attrs.get(from)
        {
            return Some(v.clone());
        }
        self.default.clone()
    }
}

#[derive(Debug, Clone)]
enum Op {
    Insert(Source),
    Update(Source),
    Upsert(Source),
    Delete(Option<Regex>),
    Hash(Option<Regex>),
    Extract { regex: Regex, names: Vec<String> },
    Convert(ConvertTo),
}

/// One compiled action.
#[derive(Debug, Clone)]
pub struct Action {
    key: Key,
    op: Op,
}

/// Actions compiled from config, applied in order.
#[derive(Debug, Clone, Default)]
pub struct Actions(Vec<Action>);

/// A config value (YAML scalar, list or map) as an attribute value, as pdata's `FromRaw`.
pub fn value_from_config(v: &serde_json::Value) -> Result<Value, String> {
    Ok(match v {
        serde_json::Value::Null => return Err("null is not an attribute value".into()),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                // pdata stores integers as int64, as Go's FromRaw does with uint64.
                Value::Int(u as i64)
            } else {
                Value::Double(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => Value::Str(s.as_str().into()),
        serde_json::Value::Array(a) => {
            Value::Array(a.iter().map(value_from_config).collect::<Result<Vec<_>, _>>()?)
        }
        serde_json::Value::Object(m) => {
            let mut out = Attributes::with_capacity(m.len());
            for (k, v) in m {
                out.insert(k.clone(), value_from_config(v)?);
            }
            Value::Map(out)
        }
    })
}

/// Settings that load but cannot act here, each with its key path under `at`: `from_context`
/// (dbintel's pipelines carry no client metadata or auth).
pub fn action_warnings(at: &str, configs: &[ActionConfig]) -> Vec<ConfigProblem> {
    configs
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.from_context.is_empty())
        .map(|(i, c)| {
            let then = if c.default_value.is_some() { "sets `default_value`" } else { "does nothing" };
            ConfigProblem::new(
                format!("{at}[{i}].from_context"),
                format!(
                    "`{}` never finds a value here: dbintel's pipelines carry no client metadata or auth (as \
                     the Collector's when its receiver does not include metadata), so this action {then}",
                    c.from_context
                ),
            )
        })
        .collect()
}

/// Compiles a regular expression from config with a size limit.
pub fn compile_regex(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("invalid regular expression `{pattern}`: {e}"))
}

impl Actions {
    /// Compiles `configs`; every problem is named by `actions[i].<key>` under `at` (`actions` or
    /// `attributes`, the key the list lives under).
    pub fn compile(at: &str, configs: &[ActionConfig]) -> Result<Actions, Vec<ConfigProblem>> {
        let mut problems = Vec::new();
        let mut out = Vec::with_capacity(configs.len());
        if configs.len() > MAX_ACTIONS {
            problems.push(ConfigProblem::new(at, format!("at most {MAX_ACTIONS} actions")));
        }
        for (i, c) in configs.iter().enumerate() {
            let here = format!("{at}[{i}]");
            match compile_one(&here, c) {
                Ok(a) => out.push(a),
                Err(mut p) => problems.append(&mut p),
            }
        }
        if problems.is_empty() { Ok(Actions(out)) } else { Err(problems) }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Applies every action in order to `attrs`.
    pub fn apply(&self, attrs: &mut Attributes) {
        for a in &self.0 {
            a.apply(attrs);
        }
    }
}

fn compile_one(at: &str, c: &ActionConfig) -> Result<Action, Vec<ConfigProblem>> {
    let p = |key: &str, msg: String| ConfigProblem::new(format!("{at}.{key}"), msg);
    let action = c.action.to_ascii_lowercase();
    let mut problems = Vec::new();
    let has_value = c.value.is_some();
    let has_from = !c.from_attribute.is_empty();
    let has_context = !c.from_context.is_empty();
    let has_default = c.default_value.is_some();
    let has_pattern = !c.pattern.is_empty();
    let has_converted = !c.converted_type.is_empty();
    let known = ["insert", "update", "upsert", "delete", "hash", "extract", "convert"];
    if !known.contains(&action.as_str()) {
        return Err(vec![p(
            "action",
            format!("`{}` is not an action; use one of {}", c.action, known.join(", ")),
        )]);
    }
    let unused = |problems: &mut Vec<ConfigProblem>, key: &str, set: bool| {
        if set {
            problems.push(p(key, format!("is not used by action `{action}`; remove it")));
        }
    };
    let op = match action.as_str() {
        "insert" | "update" | "upsert" => {
            if c.key.is_empty() {
                problems.push(p("key", "is required".into()));
            }
            let sources = usize::from(has_value) + usize::from(has_from) + usize::from(has_context);
            if sources == 0 && !has_default {
                problems.push(p(
                    "value",
                    format!("action `{action}` needs one of `value`, `from_attribute` or `default_value`"),
                ));
            }
            if sources > 1 {
                problems
                    .push(p("value", "set only one of `value`, `from_attribute` and `from_context`".into()));
            }
            unused(&mut problems, "pattern", has_pattern);
            unused(&mut problems, "converted_type", has_converted);
            let conv = |key: &str, v: &Option<serde_json::Value>, problems: &mut Vec<ConfigProblem>| {
                v.as_ref().and_then(|v| match value_from_config(v) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        problems.push(p(key, e));
                        None
                    }
                })
            };
            let source = Source {
                value: conv("value", &c.value, &mut problems),
                from_attribute: has_from.then(|| c.from_attribute.clone()),
                default: conv("default_value", &c.default_value, &mut problems),
            };
            match action.as_str() {
                "insert" => Op::Insert(source),
                "update" => Op::Update(source),
                _ => Op::Upsert(source),
            }
        }
        "delete" | "hash" => {
            if c.key.is_empty() && !has_pattern {
                problems.push(p("key", format!("action `{action}` needs `key` and/or `pattern`")));
            }
            unused(&mut problems, "value", has_value);
            unused(&mut problems, "from_attribute", has_from);
            unused(&mut problems, "default_value", has_default);
            unused(&mut problems, "converted_type", has_converted);
            let regex = if has_pattern {
                match compile_regex(&c.pattern) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        problems.push(p("pattern", e));
                        None
                    }
                }
            } else {
                None
            };
            if action == "delete" { Op::Delete(regex) } else { Op::Hash(regex) }
        }
        "extract" => {
            if c.key.is_empty() {
                problems.push(p("key", "is required".into()));
            }
            unused(&mut problems, "value", has_value);
            unused(&mut problems, "from_attribute", has_from);
            unused(&mut problems, "default_value", has_default);
            unused(&mut problems, "converted_type", has_converted);
            let mut names = Vec::new();
            let mut regex = None;
            if !has_pattern {
                problems.push(p("pattern", "is required for action `extract`".into()));
            } else {
                match compile_regex(&c.pattern) {
                    Ok(r) => {
                        let groups: Vec<Option<&str>> = r.capture_names().skip(1).collect();
                        if groups.is_empty() {
                            problems.push(p(
                                "pattern",
                                "has no named groups (`(?P<name>...)`); each becomes an attribute".into(),
                            ));
                        } else if groups.iter().any(Option::is_none) {
                            problems.push(p(
                                "pattern",
                                "has an unnamed group; name every group (`(?P<name>...)`) or make it \
                                 non-capturing (`(?:...)`)"
                                    .into(),
                            ));
                        } else {
                            names = groups.into_iter().flatten().map(str::to_string).collect();
                            regex = Some(r);
                        }
                    }
                    Err(e) => problems.push(p("pattern", e)),
                }
            }
            match regex {
                Some(regex) => Op::Extract { regex, names },
                None => Op::Delete(None),
            }
        }
        _ => {
            // convert
            if c.key.is_empty() {
                problems.push(p("key", "is required".into()));
            }
            unused(&mut problems, "value", has_value);
            unused(&mut problems, "from_attribute", has_from);
            unused(&mut problems, "default_value", has_default);
            unused(&mut problems, "pattern", has_pattern);
            let to = match c.converted_type.as_str() {
                "int" => ConvertTo::Int,
                "double" => ConvertTo::Double,
                "string" => ConvertTo::Str,
                "" => {
                    problems.push(p(
                        "converted_type",
                        "is required for action `convert`: int, double or string".into(),
                    ));
                    ConvertTo::Str
                }
                other => {
                    problems.push(p(
                        "converted_type",
                        format!("`{other}` is not a type; use int, double or string"),
                    ));
                    ConvertTo::Str
                }
            };
            Op::Convert(to)
        }
    };
    if problems.is_empty() { Ok(Action { key: Key::from(&c.key), op }) } else { Err(problems) }
}

fn matching_keys(regex: &Regex, attrs: &Attributes, skip: &str) -> Vec<Key> {
    attrs
        .iter_keys()
        .filter(|(k, _)| k.as_str() != skip && regex.is_match(k))
        .map(|(k, _)| k.clone())
        .collect()
}

impl Action {
    fn apply(&self, attrs: &mut Attributes) {
        let key = &self.key;
        match &self.op {
            Op::Delete(regex) => {
                if !key.is_empty() {
                    attrs.remove(key);
                }
                if let Some(re) = regex {
                    for k in matching_keys(re, attrs, "") {
                        attrs.remove(&k);
                    }
                }
            }
            Op::Insert(src) => {
                if attrs.get(key).is_none()
                    && let Some(v) = src.get(attrs)
                {
                    attrs.insert(key, v);
                }
            }
            Op::Update(src) => {
                if attrs.get(key).is_some()
                    && let Some(v) = src.get(attrs)
                {
                    attrs.insert(key, v);
                }
            }
            Op::Upsert(src) => {
                if let Some(v) = src.get(attrs) {
                    attrs.insert(key, v);
                }
            }
            Op::Hash(regex) => {
                if !key.is_empty() {
                    hash_attribute(attrs, key);
                }
                if let Some(re) = regex {
                    // The key was hashed above; contrib would hash it twice when the pattern also
                    // matches it, a quirk not kept.
                    for k in matching_keys(re, attrs, key) {
                        hash_attribute(attrs, &k);
                    }
                }
            }
            Op::Extract { regex, names } => {
                let Some(Value::Str(s)) = attrs.get(key) else { return };
                let Some(caps) = regex.captures(s) else { return };
                let found: Vec<(String, String)> = names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.clone(), caps.get(i + 1).map_or("", |m| m.as_str()).to_string()))
                    .collect();
                for (n, v) in found {
                    attrs.insert(n, v);
                }
            }
            Op::Convert(to) => {
                if let Some(v) = attrs.get(key)
                    && let Some(new) = convert(v, *to)
                {
                    attrs.insert(key, new);
                }
            }
        }
    }
}

/// contrib's `sha1Hasher`: SHA-1 of the value's bytes (string bytes; bool as one byte; int and
/// double as 8 little-endian bytes), hex encoded; other types become the empty string.
pub fn sha1_hex(v: &Value) -> String {
    let mut h = Sha1::new();
    match v {
        Value::Str(s) => h.update(s.as_bytes()),
        Value::Bool(b) => h.update([u8::from(*b)]),
        Value::Int(i) => h.update(i.to_le_bytes()),
        Value::Double(d) => h.update(d.to_bits().to_le_bytes()),
        Value::Bytes(_) | Value::Array(_) | Value::Map(_) => return String::new(),
    }
    // An empty string hashes to the empty string too (contrib hashes only non-empty input).
    if matches!(v, Value::Str(s) if s.is_empty()) {
        return String::new();
    }
    hex::encode(h.finalize())
}

fn hash_attribute(attrs: &mut Attributes, key: &Key) {
    if let Some(v) = attrs.get(key) {
        let hashed = sha1_hex(v);
        attrs.insert(key, hashed);
    }
}

/// contrib's `convertValue`: the converted value, or `None` to leave it as it is (same type
/// already, or not convertible).
pub fn convert(v: &Value, to: ConvertTo) -> Option<Value> {
    match (to, v) {
        (ConvertTo::Str, Value::Str(_)) => None,
        (ConvertTo::Str, other) => Some(Value::from(as_string(other).into_owned())),
        (ConvertTo::Int, Value::Double(d)) => Some(Value::Int(*d as i64)),
        (ConvertTo::Int, Value::Bool(b)) => Some(Value::Int(i64::from(*b))),
        (ConvertTo::Int, Value::Str(s)) => s.parse::<i64>().ok().map(Value::Int),
        (ConvertTo::Double, Value::Int(i)) => Some(Value::Double(*i as f64)),
        (ConvertTo::Double, Value::Bool(b)) => Some(Value::Double(if *b { 1.0 } else { 0.0 })),
        (ConvertTo::Double, Value::Str(s)) => s.parse::<f64>().ok().map(Value::Double),
        _ => None,
    }
}

/// pdata's `Value.AsString`: strings as they are, numbers and bools as text, doubles as JSON
/// (ES6) numbers, bytes as base64, lists and maps as JSON.
pub fn as_string(v: &Value) -> Cow<'_, str> {
    match v {
        Value::Str(s) => Cow::Borrowed(s),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Value::Int(i) => Cow::Owned(i.to_string()),
        Value::Double(d) => Cow::Owned(double_as_string(*d)),
        Value::Bytes(b) => Cow::Owned(base64_std(b)),
        Value::Array(_) | Value::Map(_) => Cow::Owned(to_json(v).to_string()),
    }
}

fn double_as_string(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let abs = d.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{d:e}");
        // Go writes `1e+21`, Rust `1e21`.
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    } else {
        d.to_string()
    }
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Double(d) => serde_json::Number::from_f64(*d)
            .map(serde_json::Value::Number)
            .unwrap_or_else(|| serde_json::Value::String(double_as_string(*d))),
        Value::Bytes(b) => serde_json::Value::String(base64_std(b)),
        Value::Array(a) => serde_json::Value::Array(a.iter().map(to_json).collect()),
        Value::Map(m) => {
            serde_json::Value::Object(m.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect())
        }
    }
}

fn base64_std(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}
