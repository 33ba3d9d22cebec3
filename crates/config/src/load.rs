//! Reading sources, parsing YAML with budgets, expanding placeholders and deep-merging.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{ConfigError, ConfigErrors, ErrorKind, one_line};
use crate::expand::Expander;
use crate::path::{KeyPath, Provenance};
use crate::redact::{Redactor, Substitution};

/// The largest config file accepted, in bytes.
pub const MAX_CONFIG_BYTES: u64 = 8 << 20;
/// The deepest nesting of maps and lists accepted.
pub const MAX_DEPTH: usize = 64;
/// The most YAML nodes (scalars, maps, lists) accepted per source.
pub const MAX_NODES: usize = 200_000;
/// The most YAML documents (`---`) accepted per source; only the first is used, as in the Collector.
pub const MAX_DOCUMENTS: usize = 64;

/// Where a config comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A YAML file; its path as given is its name in messages.
    File(PathBuf),
    /// YAML text compiled into the binary or built in memory, with a name for messages.
    Embedded { name: String, text: String },
    /// `env:NAME`: the YAML text held by an environment variable (looked up with the loader's `env`).
    Env(String),
    /// `yaml:TEXT` and `--set`: YAML text whose keys may nest with `::` (`processors::batch::timeout: 2s`).
    Yaml { name: String, text: String },
}

/// The URI schemes `--config` takes besides a plain path.
pub const CONFIG_URI_SCHEMES: [&str; 3] = ["file", "env", "yaml"];

impl ConfigSource {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        ConfigSource::File(path.into())
    }
    pub fn embedded(name: impl Into<String>, text: impl Into<String>) -> Self {
        ConfigSource::Embedded { name: name.into(), text: text.into() }
    }
    /// A `--config` value as the Collector reads it: `file:PATH`, `env:NAME`, `yaml:TEXT` (keys may
    /// nest with `::`, e.g. `yaml:exporters::debug::verbosity: detailed`) or a plain path. Other
    /// schemes (`http:`, `https:`, `s3:`) are refused with a reason.
    pub fn from_uri(uri: &str) -> Result<Self, String> {
        let scheme_end = uri.find(':').filter(|&i| {
            i > 1 && uri[..i].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
        let Some(i) = scheme_end else {
            return Ok(ConfigSource::File(uri.into()));
        };
        let (scheme, rest) = (&uri[..i], &uri[i + 1..]);
        match scheme {
            "file" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                if path.is_empty() {
                    return Err(format!("`{uri}`: give a path after `file:`"));
                }
                Ok(ConfigSource::File(path.into()))
            }
            "env" => {
                let valid = !rest.is_empty()
                    && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !rest.starts_with(|c: char| c.is_ascii_digit());
                if !valid {
                    return Err(format!("`{uri}`: give an environment variable name after `env:`"));
                }
                Ok(ConfigSource::Env(rest.to_string()))
            }
            "yaml" => Ok(ConfigSource::Yaml {
                name: format!("--config yaml:{}", short(rest)),
                text: rest.to_string(),
            }),
            "http" | "https" | "s3" => Err(format!(
                "`{scheme}:` config URIs are not supported: download the file and pass its path (supported: file:, env:, yaml:)"
            )),
            _ => Err(format!(
                "unknown config URI scheme `{scheme}:` (supported: file:, env:, yaml:, or a plain path)"
            )),
        }
    }
    /// A `--set KEY=VALUE` (`processors::batch::timeout=2s`): the Collector's form, applied after every
    /// `--config` source, VALUE read as YAML (`[a, b]` is a list).
    pub fn set(arg: &str) -> Result<Self, String> {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(format!(
                "`--set {arg}`: expected KEY=VALUE, keys nested with `::` (processors::batch::timeout=2s)"
            ));
        };
        let key = key.trim();
        if key.is_empty() || key.split("::").any(|k| k.trim().is_empty()) {
            return Err(format!("`--set {arg}`: the key is empty or has an empty part"));
        }
        // The key as a YAML key (quoted, so `:` and `#` in it stay text), the value as YAML.
        let quoted = serde_json::Value::String(key.to_string()).to_string();
        let value = if value.trim().is_empty() { "null" } else { value };
        Ok(ConfigSource::Yaml { name: format!("--set {key}"), text: format!("{quoted}: {value}") })
    }
    /// The name used in messages.
    pub fn name(&self) -> String {
        match self {
            ConfigSource::File(p) => p.display().to_string(),
            ConfigSource::Embedded { name, .. } | ConfigSource::Yaml { name, .. } => name.clone(),
            ConfigSource::Env(var) => format!("env:{var}"),
        }
    }
}

/// At most 40 characters of `s`, on one line, for a source's name.
fn short(s: &str) -> String {
    let line: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if line.chars().count() > 40 { format!("{}…", line.chars().take(40).collect::<String>()) } else { line }
}

/// Nests keys written with `::` (`a::b: 1` is `a: {b: 1}`) at every level, merging with siblings.
fn nest_delimited_keys(map: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in map {
        let v = match v {
            Value::Object(m) => Value::Object(nest_delimited_keys(m)),
            other => other,
        };
        let parts: Vec<&str> = k.split("::").collect();
        let mut value = v;
        for part in parts[1..].iter().rev() {
            let mut m = Map::new();
            m.insert((*part).to_string(), value);
            value = Value::Object(m);
        }
        merge_values(&mut out, parts[0].to_string(), value);
    }
    out
}

fn merge_values(dst: &mut Map<String, Value>, key: String, value: Value) {
    match (dst.get_mut(&key), value) {
        (Some(Value::Object(d)), Value::Object(s)) => {
            for (k, v) in s {
                merge_values(d, k, v);
            }
        }
        (_, v) => {
            dst.insert(key, v);
        }
    }
}

/// The merged config tree of every source, before validation, with provenance.
#[derive(Debug, Clone, Default)]
pub struct RawConfig {
    root: Map<String, Value>,
    provenance: Provenance,
    /// Keeps the values of placeholders (they may be secrets) out of every message.
    redactor: Redactor,
    /// Findings of loading that are not errors (a file with several YAML documents), one line each.
    warnings: Vec<String>,
}

impl RawConfig {
    /// The merged top-level map.
    pub fn root(&self) -> &Map<String, Value> {
        &self.root
    }
    /// The name of the source that last set `keys` (or its nearest ancestor), e.g.
    /// `source_of(&["receivers", "sqlquery"])`.
    pub fn source_of(&self, keys: &[&str]) -> Option<&str> {
        self.provenance.source_of(keys)
    }
    /// Every source name, in load order.
    pub fn sources(&self) -> &[String] {
        self.provenance.sources()
    }
    /// Whether the scalar at a rendered key path (`receivers.x.password`) came from a placeholder.
    pub fn is_substituted(&self, path: &str) -> bool {
        self.redactor.is_substituted(path)
    }
    /// Findings of loading that are not errors, one line each (validation passes them on).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
    /// What keeps placeholder values out of messages about this config.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }
    /// Like [`Self::source_of`], falling back to the last source (or empty) so messages always name one.
    pub(crate) fn source_or_last(&self, keys: &[&str]) -> String {
        self.source_of(keys).or_else(|| self.sources().last().map(String::as_str)).unwrap_or("").to_string()
    }
}

/// Loads, expands and merges `sources` in order (later sources win; maps merge recursively, lists
/// and scalars are replaced). `env` looks up environment variables (pass `|k| std::env::var(k).ok()`).
/// Every problem of every source is reported.
pub fn load(
    sources: &[ConfigSource],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<RawConfig, ConfigErrors> {
    let (raw, errors) = load_keep_going(sources, env);
    if errors.is_empty() { Ok(raw) } else { Err(ConfigErrors::new(errors)) }
}

/// Like [`load`], but returns the merged tree even when placeholders failed to expand (the failing
/// scalars keep their unexpanded text), so that validation can still report every other problem.
/// Sources that cannot be read or parsed are left out of the tree.
pub fn load_keep_going(
    sources: &[ConfigSource],
    env: &dyn Fn(&str) -> Option<String>,
) -> (RawConfig, Vec<ConfigError>) {
    let mut errors = Vec::new();
    let mut raw = RawConfig::default();
    let mut substituted: BTreeMap<String, Substitution> = BTreeMap::new();
    for source in sources {
        let name = source.name();
        let text = match source {
            ConfigSource::File(path) => match read_file(path, &name) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            ConfigSource::Embedded { text, .. } if text.len() as u64 > MAX_CONFIG_BYTES => {
                let msg = format!("config is larger than {} MiB", MAX_CONFIG_BYTES >> 20);
                errors.push(ConfigError::new(ErrorKind::Io, &name, "", msg));
                continue;
            }
            ConfigSource::Embedded { text, .. } | ConfigSource::Yaml { text, .. } => text.clone(),
            ConfigSource::Env(var) => match env(var) {
                Some(t) if t.len() as u64 > MAX_CONFIG_BYTES => {
                    let msg = format!("config is larger than {} MiB", MAX_CONFIG_BYTES >> 20);
                    errors.push(ConfigError::new(ErrorKind::Io, &name, "", msg));
                    continue;
                }
                Some(t) => t,
                None => {
                    let msg =
                        format!("environment variable `{var}` (named by `--config env:{var}`) is not set");
                    errors.push(ConfigError::new(ErrorKind::Io, &name, "", msg));
                    continue;
                }
            },
        };
        let (mut tree, documents) = match parse_yaml(&text, &name) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if documents > 1 {
            raw.warnings.push(format!(
                "{name}: has {documents} YAML documents; only the first is used, as the Collector does (merge \
                 several files with repeated --config instead)"
            ));
        }
        if matches!(source, ConfigSource::Yaml { .. }) {
            tree = nest_delimited_keys(tree);
        }
        let expander = Expander { env, source: &name };
        for (k, v) in tree.iter_mut() {
            expander.expand_tree(v, &KeyPath::root().key(k), &mut errors, &mut substituted);
        }
        let idx = raw.provenance.add_source(&name);
        merge_map(&mut raw.root, tree, &mut Vec::new(), &mut raw.provenance, idx);
    }
    raw.redactor = Redactor::new(substituted);
    // Expansion errors name variables and files, never values; scrub them anyway.
    for e in &mut errors {
        e.message = raw.redactor.message_at(&e.path, &e.message);
    }
    (raw, errors)
}

fn read_file(path: &Path, name: &str) -> Result<String, ConfigError> {
    let io = |msg: String| ConfigError::new(ErrorKind::Io, name, "", msg);
    let file = std::fs::File::open(path).map_err(|e| io(format!("cannot open config file: {e}")))?;
    let mut buf = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| io(format!("cannot read config file: {e}")))?;
    if buf.len() as u64 > MAX_CONFIG_BYTES {
        return Err(io(format!("config file is larger than {} MiB", MAX_CONFIG_BYTES >> 20)));
    }
    String::from_utf8(buf).map_err(|e| {
        io(format!("config file is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
    })
}

/// Parses YAML text into a map: its first document, and how many non-empty documents it has (the
/// Collector reads only the first). Empty text (or only comments) is an empty map.
pub(crate) fn parse_yaml(text: &str, name: &str) -> Result<(Map<String, Value>, usize), ConfigError> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_total_scalar_bytes: MAX_CONFIG_BYTES as usize,
            max_documents: MAX_DOCUMENTS,
            max_anchors: 10_000,
            max_aliases: 10_000,
        },
        // YAML 1.2 booleans only (`no` stays the string "no"), and spellings that a number would not
        // print back the same way stay text; typed fields still parse them (lenient deserializer).
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
        null_as_string: true,
        with_snippet: false,
    };
    // The parser is not ours: contain any panic it might have on hostile input.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        serde_saphyr::from_multiple_with_options::<Value>(text, options)
    }));
    let (value, documents) = match parsed {
        Ok(Ok(docs)) => {
            let n = docs.len();
            (docs.into_iter().next().unwrap_or(Value::Null), n)
        }
        Ok(Err(e)) => {
            let e = e.without_snippet();
            let location = e.location().map(|l| (l.line(), l.column())).filter(|(l, _)| *l > 0);
            let mut message = one_line(&e.to_string());
            if let Some((line, column)) = location {
                let suffix = format!(" at line {line}, column {column}");
                if let Some(stripped) = message.strip_suffix(&suffix) {
                    message = stripped.to_string();
                }
            }
            if let Some(stripped) = message.strip_suffix(", set DuplicateKeyPolicy in Options if acceptable")
            {
                message = stripped.to_string();
            }
            let mut err = ConfigError::new(ErrorKind::Syntax, name, "", format!("invalid YAML: {message}"));
            err.location = location;
            return Err(err);
        }
        Err(_) => {
            return Err(ConfigError::new(ErrorKind::Syntax, name, "", "invalid YAML: the parser failed"));
        }
    };
    match value {
        Value::Null => Ok((Map::new(), documents)),
        Value::Object(m) => Ok((m, documents)),
        other => Err(ConfigError::new(
            ErrorKind::InvalidValue,
            name,
            "",
            format!(
                "the top level must be a map of sections (receivers, exporters, service, ...), not {}",
                kind_of(&other)
            ),
        )),
    }
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Deep-merges `src` into `dst`, recording which source set each map key.
fn merge_map(
    dst: &mut Map<String, Value>,
    src: Map<String, Value>,
    path: &mut Vec<String>,
    prov: &mut Provenance,
    source: usize,
) {
    for (k, v) in src {
        path.push(k.clone());
        match (dst.get_mut(&k), v) {
            (Some(Value::Object(d)), Value::Object(s)) => {
                prov.set(path.clone(), source);
                merge_map(d, s, path, prov, source);
            }
            (_, v) => {
                prov.clear_under(path);
                record(&v, path, prov, source);
                dst.insert(k, v);
            }
        }
        path.pop();
    }
}

fn record(v: &Value, path: &mut Vec<String>, prov: &mut Provenance, source: usize) {
    prov.set(path.clone(), source);
    if let Value::Object(m) = v {
        for (k, child) in m {
            path.push(k.clone());
            record(child, path, prov, source);
            path.pop();
        }
    }
}
