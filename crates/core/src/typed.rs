//! Typed factories: a component parses its section once into its own config type, checks the typed
//! value and builds from it. [`TypedFactory`] is what a component implements; every `TypedFactory`
//! is a [`Factory`] (the object-safe contract the registry and runtime use), so nothing else changes.
//!
//! The config type also derives a JSON schema (`schemars`), which `dbintel components --schema`
//! prints, the README drift test compares with each component's key table, and [`all_problems`]
//! uses to put a neutral value where a key it set aside cannot simply be left out.
//!
//! [`all_problems`]: crate::all_problems::all_problems_with

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::component::{
    Built, ComponentInfo, ConfigProblem, CreateContext, Factory, ignored_keys_present, parse_component_config,
};
use crate::ids::{ComponentId, ComponentKind, Signal};

/// A component factory with a typed config. Implement this, not [`Factory`]: the blanket impl
/// parses the section once (after taking out [`IGNORED_KEYS`](Self::IGNORED_KEYS)), runs
/// [`check`](Self::check) and only then [`build`](Self::build).
///
/// The method names differ from [`Factory`]'s so that calls stay unambiguous with both in scope.
pub trait TypedFactory: Send + Sync {
    /// The section's type: serde gives the keys, defaults and aliases; `JsonSchema` documents them.
    type Config: DeserializeOwned + JsonSchema;
    /// What `dbintel components` shows.
    const INFO: ComponentInfo;
    /// Keys accepted (so a config written for the Collector loads) and ignored, as `(key path,
    /// why)`. Those the config type does not have are taken out before the typed parse; `validate`
    /// warns about each one set, and the schema lists them.
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[];

    /// Signals among `INFO.signals` on which the component passes data on untouched, each with why
    /// (see [`Factory::signal_note`]); `validate` warns about each pipeline of such a signal.
    const SIGNAL_NOTES: &'static [(Signal, &'static str)] = &[];

    /// Semantic checks of a parsed section; every problem, each with its key path.
    fn check(&self, config: &Self::Config) -> Vec<ConfigProblem>;
    /// Builds an instance from a section that passed [`check`](Self::check).
    fn build(&self, ctx: &CreateContext, config: Self::Config) -> Result<Built, Vec<ConfigProblem>>;
    /// Problems only in a pipeline of `signal` (see [`Factory::validate_for_signal`]).
    fn check_for_signal(&self, _config: &Self::Config, _signal: Signal) -> Vec<ConfigProblem> {
        Vec::new()
    }
    /// Settings that load but deserve a word (a key whose value has no effect in this combination,
    /// e.g. `tls.insecure` with an `https://` endpoint): `validate` and `run` show them with the
    /// ignored keys, as `accepted and ignored: <message>`.
    fn config_warnings(&self, _config: &Self::Config) -> Vec<ConfigProblem> {
        Vec::new()
    }
    /// Settings that take effect but probably not as meant: see [`Factory::warnings`].
    fn config_notes(&self, _config: &Self::Config) -> Vec<ConfigProblem> {
        Vec::new()
    }
    /// Other components the section names (see [`Factory::references`]).
    fn config_references(&self, _config: &Self::Config) -> Vec<(ComponentKind, ComponentId, String)> {
        Vec::new()
    }
}

/// Parses a section into `F::Config`, the ignored keys the type does not have taken out first.
pub fn parse_typed<F: TypedFactory + ?Sized>(config: &Value) -> Result<F::Config, Vec<ConfigProblem>> {
    if F::IGNORED_KEYS.is_empty() {
        return parse_component_config(config).map_err(|p| vec![p]);
    }
    // A key the config type has is parsed (and type-checked) as usual; the others are taken out.
    let schema = schemars::schema_for!(F::Config).to_value();
    let mut value = config.clone();
    for (path, _) in F::IGNORED_KEYS {
        if schema_at(&schema, &schema, path).is_none() {
            remove_dotted(&mut value, path);
        }
    }
    parse_component_config(&value).map_err(|p| vec![p])
}

/// Removes `a.b.c` (plain map keys, no list indices) from `value`, if there.
fn remove_dotted(value: &mut Value, path: &str) {
    let mut cur = value;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let Value::Object(map) = cur else { return };
        if keys.peek().is_none() {
            map.remove(key);
            return;
        }
        let Some(next) = map.get_mut(key) else { return };
        cur = next;
    }
}

impl<T: TypedFactory> Factory for T {
    fn info(&self) -> ComponentInfo {
        T::INFO
    }

    fn validate(&self, config: &Value) -> Result<(), Vec<ConfigProblem>> {
        let cfg = parse_typed::<T>(config)?;
        let problems = self.check(&cfg);
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    fn create(&self, ctx: &CreateContext, config: &Value) -> Result<Built, Vec<ConfigProblem>> {
        let cfg = parse_typed::<T>(config)?;
        let problems = self.check(&cfg);
        if !problems.is_empty() {
            return Err(problems);
        }
        self.build(ctx, cfg)
    }

    fn validate_for_signal(&self, config: &Value, signal: Signal) -> Vec<ConfigProblem> {
        // An unparsable section's problems are reported by `validate`.
        parse_typed::<T>(config).map(|cfg| self.check_for_signal(&cfg, signal)).unwrap_or_default()
    }

    fn signal_note(&self, signal: Signal) -> Option<&'static str> {
        T::SIGNAL_NOTES.iter().find(|(s, _)| *s == signal).map(|(_, why)| *why)
    }

    fn references(&self, config: &Value) -> Vec<(ComponentKind, ComponentId, String)> {
        // An unparsable section has no references to check; its problems are reported anyway.
        parse_typed::<T>(config).map(|cfg| self.config_references(&cfg)).unwrap_or_default()
    }

    fn ignored_keys(&self, config: &Value) -> Vec<ConfigProblem> {
        let mut out = ignored_keys_present(config, T::IGNORED_KEYS);
        if let Ok(cfg) = parse_typed::<T>(config) {
            out.extend(self.config_warnings(&cfg));
        }
        out
    }

    fn warnings(&self, config: &Value) -> Vec<ConfigProblem> {
        parse_typed::<T>(config).map(|cfg| self.config_notes(&cfg)).unwrap_or_default()
    }

    fn config_schema(&self) -> Option<Value> {
        Some(config_schema::<T>())
    }
}

/// The JSON schema of `F`'s section, the ignored keys included (marked `"x-ignored": true`, their
/// reason as the description) where the config type does not have them already.
/// An alias in `x-aliases` that the config type does not accept is taken out, so documenting it
/// fails the README drift test instead of passing on the attribute's word.
pub fn config_schema<F: TypedFactory + ?Sized>() -> Value {
    let mut schema = schemars::schema_for!(F::Config).to_value();
    drop_false_aliases::<F>(&mut schema);
    for (path, why) in F::IGNORED_KEYS {
        add_ignored_key(&mut schema, path, why);
    }
    schema
}

/// Checks each `x-aliases` entry of a top-level key by parsing a section that sets only the alias
/// (to the key's stand-in value): serde's "unknown field" means it is no alias.
fn drop_false_aliases<F: TypedFactory + ?Sized>(schema: &mut Value) {
    let Some(Value::Object(props)) = schema.get("properties").cloned() else { return };
    for (name, prop) in props {
        let Some(Value::Array(aliases)) = prop.get("x-aliases") else { continue };
        let value = placeholder(schema, &name).unwrap_or(Value::Null);
        let kept: Vec<Value> = aliases
            .iter()
            .filter(|alias| {
                let Some(alias) = alias.as_str() else { return false };
                let section = Value::Object(Map::from_iter([(alias.to_string(), value.clone())]));
                match parse_component_config::<F::Config>(&section) {
                    Ok(_) => true,
                    Err(p) => !(p.path == alias && p.message.starts_with("unknown field")),
                }
            })
            .cloned()
            .collect();
        if let Some(slot) = schema.pointer_mut(&format!("/properties/{}/x-aliases", escape_pointer(&name))) {
            *slot = Value::Array(kept);
        }
    }
}

fn add_ignored_key(root: &mut Value, path: &str, why: &str) {
    let (parent, key) = match path.rsplit_once('.') {
        Some((parent, key)) => (Some(parent), key),
        None => (None, path),
    };
    let entry =
        serde_json::json!({ "description": format!("Accepted and ignored: {why}."), "x-ignored": true });
    // A JSON pointer to the parent's object schema, through `$ref`s into `$defs` and `Option`s.
    let mut ptr = follow(root, String::new());
    for name in parent.into_iter().flat_map(|p| p.split('.')) {
        ptr = follow(root, format!("{ptr}/properties/{}", escape_pointer(name)));
        if root.pointer(&ptr).is_none() {
            return;
        }
    }
    if let Some(Value::Object(props)) = root.pointer_mut(&format!("{ptr}/properties")) {
        props.entry(key.to_string()).or_insert(entry);
    }
}

/// The pointer `ptr` after following `$ref`s and the non-null branch of an `Option`.
fn follow(root: &Value, mut ptr: String) -> String {
    for _ in 0..8 {
        let Some(node) = root.pointer(&ptr) else { break };
        if let Some(name) = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/"))
        {
            ptr = format!("/$defs/{}", escape_pointer(name));
            continue;
        }
        let branch = ["anyOf", "oneOf"].into_iter().find_map(|k| {
            let branches = node.get(k)?.as_array()?;
            let rest: Vec<usize> = (0..branches.len()).filter(|i| !is_null_type(&branches[*i])).collect();
            (branches.len() == 2 && rest.len() == 1).then(|| format!("{ptr}/{k}/{}", rest[0]))
        });
        match branch {
            Some(b) => ptr = b,
            None => break,
        }
    }
    ptr
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Follows a local `$ref` (`#/$defs/Name`), once per hop, at most a few hops.
pub fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..8 {
        let Some(r) = node.get("$ref").and_then(Value::as_str) else { break };
        let Some(name) = r.strip_prefix("#/$defs/") else { break };
        match root.get("$defs").and_then(|d| d.get(name)) {
            Some(next) => node = next,
            None => break,
        }
    }
    node
}

/// The schema without its `null` alternative (`Option<T>` is `anyOf: [T, null]`), resolved.
pub fn non_null<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let node = resolve(root, node);
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = node.get(key) {
            let rest: Vec<&Value> = branches.iter().filter(|b| !is_null_type(b)).collect();
            if rest.len() == 1 && branches.len() == 2 {
                return resolve(root, rest[0]);
            }
        }
    }
    node
}

fn is_null_type(node: &Value) -> bool {
    node.get("type").and_then(Value::as_str) == Some("null")
}

/// The schema of the value at `path` (`a.b[2].c` or `a.b[].c`; map keys may contain dots).
pub fn schema_at_path<'a>(schema: &'a Value, path: &str) -> Option<&'a Value> {
    schema_at(schema, schema, path)
}

/// The schema of the value at `path` (`a.b[2].c`; map keys may contain dots) below `node`.
fn schema_at<'a>(root: &'a Value, node: &'a Value, path: &str) -> Option<&'a Value> {
    let node = non_null(root, node);
    if path.is_empty() {
        return Some(node);
    }
    if let Some(open) = path.strip_prefix('[') {
        let (_, after) = open.split_once(']')?;
        let items = node.get("items")?;
        return schema_at(root, items, after.strip_prefix('.').unwrap_or(after));
    }
    // Named properties first (the longest that fits), then the map's value schema.
    if let Some(Value::Object(props)) = node.get("properties") {
        let mut names: Vec<&String> = props.keys().filter(|k| key_fits(path, k)).collect();
        names.sort_by_key(|k| std::cmp::Reverse(k.len()));
        for name in names {
            if let Some(found) =
                props.get(name.as_str()).and_then(|p| schema_at(root, p, after_key(path, name)))
            {
                return Some(found);
            }
        }
    }
    let values = node.get("additionalProperties").filter(|v| v.is_object())?;
    // The map key is a prefix of the path ending where a segment ends; try the longest first.
    let ends: Vec<usize> =
        path.char_indices().filter(|(_, c)| matches!(c, '.' | '[')).map(|(i, _)| i).collect();
    for end in ends.into_iter().rev().chain(std::iter::once(path.len())) {
        if let Some(found) = schema_at(root, values, after_key(path, &path[..end])) {
            return Some(found);
        }
    }
    None
}

/// Where a key that serde reported unknown at `path` (`tls.insecur`, `auto_sanitize`) is a known key
/// elsewhere in the section: the shortest such path (`pii_detection.auto_sanitize`), for a
/// "did you mean" on a key put at the wrong level. Looks through named properties only, at most
/// [`MISPLACED_DEPTH`] levels deep; `None` when the key is known nowhere else.
pub fn misplaced_key(schema: &Value, path: &str) -> Option<String> {
    let key = path.rsplit('.').next().filter(|k| !k.is_empty() && !k.contains('['))?;
    let mut level: Vec<(String, &Value)> = vec![(String::new(), schema)];
    for _ in 0..MISPLACED_DEPTH {
        let mut next = Vec::new();
        for (at, node) in level {
            let node = non_null(schema, node);
            let (at, node) = match node.get("items") {
                Some(items) if node.get("properties").is_none() => {
                    (format!("{at}[]"), non_null(schema, items))
                }
                _ => (at, node),
            };
            let Some(Value::Object(props)) = node.get("properties") else { continue };
            for (name, sub) in props {
                let full = if at.is_empty() { name.clone() } else { format!("{at}.{name}") };
                if name == key && full != path {
                    return Some(full);
                }
                next.push((full, sub));
            }
        }
        if next.is_empty() {
            break;
        }
        level = next;
    }
    None
}

/// How deep [`misplaced_key`] looks.
const MISPLACED_DEPTH: usize = 4;

fn key_fits(path: &str, key: &str) -> bool {
    path.strip_prefix(key).is_some_and(|r| r.is_empty() || r.starts_with('.') || r.starts_with('['))
}

fn after_key<'p>(path: &'p str, key: &str) -> &'p str {
    let rest = &path[key.len().min(path.len())..];
    rest.strip_prefix('.').unwrap_or(rest)
}

/// A value that `path`'s type accepts, to stand in for a value set aside where leaving it out is
/// not possible (a list element, a key without a default): the schema's default, else the first
/// allowed value, else the type's empty value. `None` when the schema does not know the path.
pub fn placeholder(schema: &Value, path: &str) -> Option<Value> {
    let node = schema_at(schema, schema, path)?;
    Some(neutral(schema, node, 0))
}

fn neutral(root: &Value, node: &Value, depth: usize) -> Value {
    let node = non_null(root, node);
    if depth > 16 {
        return Value::Null;
    }
    if let Some(d) = node.get("default") {
        return d.clone();
    }
    if let Some(Value::Array(examples)) = node.get("examples")
        && let Some(first) = examples.first()
    {
        return first.clone();
    }
    if let Some(c) = node.get("const") {
        return c.clone();
    }
    if let Some(Value::Array(values)) = node.get("enum")
        && let Some(first) = values.iter().find(|v| !v.is_null())
    {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = node.get(key)
            && let Some(first) = branches.iter().find(|b| !is_null_type(b))
        {
            return neutral(root, first, depth + 1);
        }
    }
    let ty = match node.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(types)) => {
            types.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null")
        }
        _ => "object",
    };
    match ty {
        "string" => Value::String(String::new()),
        "integer" | "number" => node.get("minimum").cloned().unwrap_or_else(|| Value::from(0)),
        "boolean" => Value::Bool(false),
        "array" => Value::Array(Vec::new()),
        "null" => Value::Null,
        _ => {
            let mut out = Map::new();
            if let (Some(Value::Array(required)), Some(props)) =
                (node.get("required"), node.get("properties"))
            {
                for name in required.iter().filter_map(Value::as_str) {
                    if let Some(p) = props.get(name) {
                        out.insert(name.to_string(), neutral(root, p, depth + 1));
                    }
                }
            }
            Value::Object(out)
        }
    }
}

/// One key of a config section, as the schema defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaKey {
    /// Dotted path; lists of structs add `[]` (`queries[].sql`), maps of structs `<name>`
    /// (`metrics.<name>.enabled`).
    pub path: String,
    /// Its value is not a struct of named keys (a scalar, a list or map of scalars, anything).
    pub leaf: bool,
    /// Other names serde accepts for it, from the field's `x-aliases` extension (set with
    /// `#[schemars(extend("x-aliases" = [...]))]` next to `#[serde(alias = ...)]`).
    pub aliases: Vec<String>,
}

/// Every key a schema defines, structs' own keys included, ignored keys too.
pub fn schema_keys(schema: &Value) -> Vec<SchemaKey> {
    let mut out = Vec::new();
    walk_keys(schema, schema, "", &mut out, 0);
    out
}

fn walk_keys(root: &Value, node: &Value, prefix: &str, out: &mut Vec<SchemaKey>, depth: usize) {
    if depth > 16 {
        return;
    }
    let node = non_null(root, node);
    let join = |name: &str| if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
    if let Some(Value::Object(props)) = node.get("properties") {
        for (name, p) in props {
            let path = join(name);
            let inner = container_inner(root, p);
            let aliases = p
                .get("x-aliases")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            out.push(SchemaKey { path: path.clone(), leaf: inner.is_none(), aliases });
            if let Some((suffix, inner)) = inner {
                walk_keys(root, inner, &format!("{path}{suffix}"), out, depth + 1);
            }
        }
    }
}

/// For a value that holds named keys below it: the path suffix to them and their schema. A struct
/// adds nothing, a list of structs `[]`, a map of structs `.<name>`.
fn container_inner<'a>(root: &'a Value, node: &'a Value) -> Option<(&'static str, &'a Value)> {
    let node = non_null(root, node);
    if node.get("properties").is_some_and(|p| p.as_object().is_some_and(|m| !m.is_empty())) {
        return Some(("", node));
    }
    if let Some(items) = node.get("items")
        && has_properties(root, items)
    {
        return Some(("[]", non_null(root, items)));
    }
    if let Some(values) = node.get("additionalProperties").filter(|v| v.is_object())
        && has_properties(root, values)
    {
        return Some((".<name>", non_null(root, values)));
    }
    None
}

fn has_properties(root: &Value, node: &Value) -> bool {
    non_null(root, node).get("properties").and_then(Value::as_object).is_some_and(|m| !m.is_empty())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::{GoDuration, Signal, Stability};

    #[allow(dead_code)] // only parsed
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Section {
        /// Where to connect.
        #[serde(default)]
        endpoint: String,
        #[serde(default, alias = "query_timeout")]
        #[schemars(extend("x-aliases" = ["query_timeout"]))]
        timeout: Option<GoDuration>,
        #[serde(default)]
        #[schemars(extend("x-aliases" = ["dbs"]))]
        databases: Vec<String>,
        #[serde(default)]
        queries: Vec<Query>,
        #[serde(default)]
        metrics: std::collections::BTreeMap<String, Toggle>,
        #[serde(default)]
        labels: std::collections::BTreeMap<String, String>,
        #[serde(default)]
        pool: Pool,
        #[serde(default)]
        mode: Mode,
    }

    #[derive(Debug, Deserialize, JsonSchema, Default)]
    #[serde(rename_all = "lowercase")]
    enum Mode {
        #[default]
        Fast,
        Slow,
    }

    #[allow(dead_code)] // only parsed
    #[derive(Debug, Deserialize, JsonSchema, Default)]
    #[serde(deny_unknown_fields)]
    struct Pool {
        #[serde(default)]
        max_open: Option<u32>,
    }

    #[allow(dead_code)] // only parsed
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Query {
        sql: String,
        #[serde(default)]
        limit: u16,
    }

    #[allow(dead_code)] // only parsed
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Toggle {
        enabled: bool,
    }

    struct Demo;

    impl TypedFactory for Demo {
        type Config = Section;
        const INFO: ComponentInfo = ComponentInfo {
            kind: ComponentKind::Receiver,
            type_name: "demo",
            aliases: &[],
            signals: &[Signal::Metrics],
            stability: Stability::Development,
            description: "test",
        };
        const IGNORED_KEYS: &'static [(&'static str, &'static str)] =
            &[("keepalive", "no effect here"), ("pool.max_idle", "idle connections are not kept")];

        fn check(&self, config: &Section) -> Vec<ConfigProblem> {
            let mut p = Vec::new();
            if config.endpoint.is_empty() {
                p.push(ConfigProblem::new("endpoint", "is required"));
            }
            for (i, q) in config.queries.iter().enumerate() {
                if q.limit > 100 {
                    p.push(ConfigProblem::new(format!("queries[{i}].limit"), "at most 100"));
                }
            }
            p
        }

        fn build(&self, _ctx: &CreateContext, _config: Section) -> Result<Built, Vec<ConfigProblem>> {
            Err(vec![ConfigProblem::new("", "built")])
        }
    }

    #[test]
    fn the_adapter_parses_once_checks_and_only_then_builds() {
        let f: &dyn Factory = &Demo;
        assert_eq!(f.info().type_name, "demo");
        assert!(f.validate(&json!({"endpoint": "x", "keepalive": {"time": "10s"}})).is_ok());
        let e = f.validate(&json!({"endpoint": "", "queries": [{"sql": "a", "limit": 500}]})).unwrap_err();
        let paths: Vec<&str> = e.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["endpoint", "queries[0].limit"]);
        assert_eq!(f.validate(&json!({"endpont": "x"})).unwrap_err()[0].path, "endpont");
        let ctx = CreateContext::new("demo".parse().unwrap(), crate::telemetry::Registry::new());
        let Err(e) = f.create(&ctx, &json!({"endpoint": ""})) else { panic!("created") };
        assert_eq!(e[0].message, "is required");
        let Err(e) = f.create(&ctx, &json!({"endpoint": "x", "pool": {"max_idle": 3}})) else { panic!() };
        assert_eq!(e[0].message, "built");
        let warned = f.ignored_keys(&json!({"keepalive": 1, "pool": {"max_idle": 2}}));
        assert_eq!(
            warned.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(),
            ["keepalive", "pool.max_idle"]
        );
    }

    #[test]
    fn schema_keys_name_every_key_with_lists_and_maps_marked() {
        let schema = Demo.config_schema().unwrap();
        let keys = schema_keys(&schema);
        let leaves: Vec<&str> = keys.iter().filter(|k| k.leaf).map(|k| k.path.as_str()).collect();
        let mut want = vec![
            "endpoint",
            "timeout",
            "databases",
            "queries[].sql",
            "queries[].limit",
            "metrics.<name>.enabled",
            "labels",
            "pool.max_open",
            "pool.max_idle",
            "mode",
            "keepalive",
        ];
        let mut got = leaves.clone();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{schema:#}");
        assert!(keys.iter().any(|k| k.path == "queries" && !k.leaf));
        let timeout = keys.iter().find(|k| k.path == "timeout").unwrap();
        assert_eq!(timeout.aliases, ["query_timeout"]);
        // `dbs` is claimed in the schema attribute, but serde does not take it.
        let databases = keys.iter().find(|k| k.path == "databases").unwrap();
        assert!(databases.aliases.is_empty(), "{databases:?}");
        let endpoint = &schema["properties"]["endpoint"];
        assert_eq!(endpoint["description"], "Where to connect.");
        assert_eq!(schema["properties"]["keepalive"]["x-ignored"], true);
    }

    #[test]
    fn misplaced_keys_are_found_where_they_belong() {
        let schema = Demo.config_schema().unwrap();
        assert_eq!(misplaced_key(&schema, "max_idle").as_deref(), Some("pool.max_idle"));
        assert_eq!(misplaced_key(&schema, "pool.endpoint").as_deref(), Some("endpoint"));
        assert_eq!(misplaced_key(&schema, "sql").as_deref(), Some("queries[].sql"));
        assert_eq!(misplaced_key(&schema, "pool.nonsense"), None);
        assert_eq!(misplaced_key(&schema, "queries[0]"), None);
    }

    #[test]
    fn placeholders_fit_the_type_at_the_path() {
        let schema = Demo.config_schema().unwrap();
        assert_eq!(placeholder(&schema, "databases[3]"), Some(json!("")));
        assert_eq!(placeholder(&schema, "queries[0]"), Some(json!({"sql": ""})));
        assert_eq!(placeholder(&schema, "queries[0].sql"), Some(json!("")));
        assert_eq!(placeholder(&schema, "metrics.postgresql.commits"), Some(json!({"enabled": false})));
        assert_eq!(placeholder(&schema, "metrics.postgresql.commits.enabled"), Some(json!(false)));
        assert_eq!(placeholder(&schema, "mode"), Some(json!("fast")));
        // An `Option` defaults to null; a duration's stand-in is one that parses.
        assert_eq!(placeholder(&schema, "timeout"), Some(Value::Null));
        let duration = schemars::schema_for!(GoDuration).to_value();
        assert_eq!(placeholder(&duration, ""), Some(json!("10s")));
        assert_eq!(placeholder(&schema, "nope"), None);
        assert!(placeholder(&schema, "pool.max_open").is_some());
    }
}
