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

/// Where a config comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A YAML file; its path as given is its name in messages.
    File(PathBuf),
    /// YAML text compiled into the binary or built in memory, with a name for messages.
    Embedded { name: String, text: String },
}

impl ConfigSource {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        ConfigSource::File(path.into())
    }
    pub fn embedded(name: impl Into<String>, text: impl Into<String>) -> Self {
        ConfigSource::Embedded { name: name.into(), text: text.into() }
    }
    /// The name used in messages.
    pub fn name(&self) -> String {
        match self {
            ConfigSource::File(p) => p.display().to_string(),
            ConfigSource::Embedded { name, .. } => name.clone(),
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
            ConfigSource::Embedded { text, .. } => text.clone(),
        };
        let mut tree = match parse_yaml(&text, &name) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
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

/// Parses one YAML document into a map. Empty text (or only comments) is an empty map.
pub(crate) fn parse_yaml(text: &str, name: &str) -> Result<Map<String, Value>, ConfigError> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_total_scalar_bytes: MAX_CONFIG_BYTES as usize,
            max_documents: 1,
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
        serde_saphyr::from_str_with_options::<Value>(text, options)
    }));
    let value = match parsed {
        Ok(Ok(v)) => v,
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
        Value::Null => Ok(Map::new()),
        Value::Object(m) => Ok(m),
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
