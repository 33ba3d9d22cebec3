//! Validation reports every problem of a component section, not only the first: for each kind of
//! component, a section with several independent problems (serde ones, which stop a typed parse,
//! and the factory's own checks, which run only after it) lists each with its own key path, and a
//! value from a placeholder stays hidden in each of them.

use std::sync::Arc;

use dbintel_config::{ConfigSource, ErrorKind, load_and_validate};
use dbintel_core::{
    Built, ComponentInfo, ComponentKind, ComponentRegistry, ConfigProblem, CreateContext, Factory,
    GoDuration, Signal, Stability, parse_component_config,
};
use serde::Deserialize;

/// Validates like the real factories: a typed parse (which stops at the first bad field), then its
/// own checks of the parsed values.
struct Typed(ComponentKind);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Section {
    #[serde(default)]
    compression: Compression,
    #[serde(default)]
    timeout: Option<GoDuration>,
    #[serde(default)]
    sending_queue: Queue,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    queries: Vec<Query>,
    /// Accepted and ignored (see `ignored_keys`).
    #[serde(default)]
    keepalive: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "lowercase")]
enum Compression {
    #[default]
    Gzip,
    None,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Queue {
    #[serde(default)]
    enabled: bool,
    #[serde(default = "default_size")]
    queue_size: u64,
}

fn default_size() -> u64 {
    1000
}

impl Default for Queue {
    fn default() -> Self {
        Self { enabled: false, queue_size: default_size() }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Query {
    sql: String,
    #[serde(default)]
    limit: u16,
}

impl Factory for Typed {
    fn info(&self) -> ComponentInfo {
        ComponentInfo {
            kind: self.0,
            type_name: "typed",
            aliases: &[],
            signals: &[Signal::Metrics],
            stability: Stability::Development,
            description: "test",
        }
    }
    fn validate(&self, config: &serde_json::Value) -> Result<(), Vec<ConfigProblem>> {
        let c: Section = parse_component_config(config).map_err(|p| vec![p])?;
        let mut problems = Vec::new();
        if c.timeout.is_some_and(|t| t.get().as_secs() > 60) {
            problems.push(ConfigProblem::new("timeout", "must be at most 1m"));
        }
        if c.sending_queue.queue_size == 0 || c.sending_queue.queue_size > 100_000 {
            problems.push(ConfigProblem::new("sending_queue.queue_size", "must be between 1 and 100000"));
        }
        if let Some(e) = c.endpoint.filter(|e| !e.starts_with("http")) {
            problems.push(ConfigProblem::new("endpoint", format!("{e:?} is not a URL")));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
    fn ignored_keys(&self, config: &serde_json::Value) -> Vec<ConfigProblem> {
        dbintel_core::ignored_keys_present(
            config,
            &[("keepalive", "no effect here"), ("sending_queue.enabled", "always on here")],
        )
    }
    fn create(&self, _: &CreateContext, _: &serde_json::Value) -> Result<Built, Vec<ConfigProblem>> {
        Err(Vec::new())
    }
}

fn registry() -> ComponentRegistry {
    let mut r = ComponentRegistry::new();
    for kind in ComponentKind::ALL {
        r.register(Arc::new(Typed(kind)));
    }
    r
}

/// One section of each kind, each with its own body, in a config that is otherwise valid.
fn config(receiver: &str, processor: &str, exporter: &str, extension: &str) -> String {
    format!(
        "receivers:\n  typed:\n{receiver}\nprocessors:\n  typed:\n{processor}\nexporters:\n  typed:\n{exporter}\n\
         extensions:\n  typed:\n{extension}\nservice:\n  extensions: [typed]\n  pipelines:\n    \
         metrics: {{receivers: [typed], processors: [typed], exporters: [typed]}}\n"
    )
}

fn problems(text: &str, env: &[(&str, &str)]) -> Vec<(String, String)> {
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
    let lookup = move |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    match load_and_validate(&[ConfigSource::embedded("conf.yaml", text)], &lookup, &registry()) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(e) => e
            .iter()
            .inspect(|e| assert_eq!(e.kind, ErrorKind::Component, "{e}"))
            .map(|e| (e.path.clone(), e.message.clone()))
            .collect(),
    }
}

#[test]
fn every_problem_of_every_kind_of_section_is_reported_with_its_path() {
    let text = config(
        // Two serde problems (each alone stops a typed parse) and one semantic.
        "    compression: zstd\n    sending_queue: {queue_sise: 5}\n    timeout: 2h",
        // Semantic problems after a serde one.
        "    timeout: soon\n    sending_queue: {queue_size: 0}\n    endpoint: db:5432",
        // The brief's example: bad compression, bad queue size, out-of-range timeout.
        "    compression: brotli\n    sending_queue: {enabled: true, queue_size: -1}\n    timeout: 5m",
        // Problems inside list elements keep their indices.
        "    queries: [{sql: a, limit: 70000}, {sql: b}, {sql: c, limt: 1}]\n    timeout: 10m",
    );
    let got = problems(&text, &[]);
    let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    let expected = [
        "receivers.typed.compression",
        "receivers.typed.sending_queue.queue_sise",
        "receivers.typed.timeout",
        "processors.typed.timeout",
        "processors.typed.sending_queue.queue_size",
        "processors.typed.endpoint",
        "exporters.typed.compression",
        "exporters.typed.sending_queue.queue_size",
        "exporters.typed.timeout",
        "extensions.typed.queries[0].limit",
        "extensions.typed.queries[2].limt",
        "extensions.typed.timeout",
    ];
    for path in expected {
        assert_eq!(paths.iter().filter(|p| **p == path).count(), 1, "{path} once in {got:#?}");
    }
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    // The messages are the ones each check gives on its own.
    let message = |path: &str| got.iter().find(|(p, _)| p == path).map(|(_, m)| m.as_str()).unwrap_or("");
    assert_eq!(message("exporters.typed.compression"), "unknown variant `brotli`, expected `gzip` or `none`");
    assert_eq!(message("exporters.typed.timeout"), "must be at most 1m");
    assert!(message("exporters.typed.sending_queue.queue_size").contains("-1"), "{got:#?}");
    assert_eq!(message("processors.typed.sending_queue.queue_size"), "must be between 1 and 100000");
    assert_eq!(message("processors.typed.endpoint"), "\"db:5432\" is not a URL");
    assert!(message("receivers.typed.sending_queue.queue_sise").starts_with("unknown field `queue_sise`"));
}

#[test]
fn a_single_problem_is_reported_once_and_a_good_section_not_at_all() {
    let good = "    timeout: 5s";
    let text = config(good, good, "    compression: zstd", good);
    let got = problems(&text, &[]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].0, "exporters.typed.compression");
}

#[test]
fn placeholder_values_stay_hidden_in_every_problem() {
    let text = config(
        "    timeout: 5s",
        "    timeout: 5s",
        "    compression: ${env:SECRET_A}\n    endpoint: ${env:SECRET_B}\n    timeout: ${env:SECRET_C}",
        "    timeout: 5s",
    );
    let env =
        [("SECRET_A", "hunter2-compress"), ("SECRET_B", "hunter2-endpoint"), ("SECRET_C", "hunter2-time")];
    let got = problems(&text, &env);
    let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        ["exporters.typed.compression", "exporters.typed.timeout", "exporters.typed.endpoint"],
        "{got:#?}"
    );
    for (_, message) in &got {
        assert!(!message.contains("hunter2"), "{got:#?}");
    }
}

#[test]
fn keys_accepted_and_ignored_are_warnings_with_their_path() {
    let text = config(
        "    keepalive: {time: 10s}",
        "    keepalive: ~",
        "    sending_queue: {enabled: true}\n    keepalive: ${env:KA}",
        "    timeout: 5s",
    );
    let env = [("KA".to_string(), "hunter2-secret".to_string())];
    let lookup = move |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let cfg = load_and_validate(&[ConfigSource::embedded("conf.yaml", &text)], &lookup, &registry())
        .expect("valid config");
    assert_eq!(
        cfg.warnings,
        [
            "conf.yaml: receivers.typed.keepalive: accepted and ignored: no effect here",
            "conf.yaml: exporters.typed.keepalive: accepted and ignored: no effect here",
            "conf.yaml: exporters.typed.sending_queue.enabled: accepted and ignored: always on here",
        ]
    );
}

/// A typed factory (with a schema) whose section has a list of strings and a semantic check.
struct WithSchema;

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Listed {
    #[serde(default)]
    databases: Vec<String>,
    #[serde(default)]
    compression: Compression,
    #[serde(default)]
    timeout: Option<GoDuration>,
}

impl schemars::JsonSchema for Compression {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Compression".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "enum": ["gzip", "none"]})
    }
}

impl dbintel_core::TypedFactory for WithSchema {
    type Config = Listed;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Receiver,
        type_name: "listed",
        aliases: &[],
        signals: &[Signal::Metrics],
        stability: Stability::Development,
        description: "test",
    };
    fn check(&self, c: &Listed) -> Vec<ConfigProblem> {
        match c.timeout {
            Some(t) if t.get().as_secs() > 60 => vec![ConfigProblem::new("timeout", "must be at most 1m")],
            _ => Vec::new(),
        }
    }
    fn build(&self, _: &CreateContext, _: Listed) -> Result<Built, Vec<ConfigProblem>> {
        Err(Vec::new())
    }
}

#[test]
fn a_bad_list_element_does_not_hide_later_or_semantic_problems_of_a_typed_section() {
    let mut r = ComponentRegistry::new();
    r.register(Arc::new(WithSchema));
    r.register(Arc::new(Typed(ComponentKind::Exporter)));
    let text = "receivers:\n  listed:\n    databases: [a, {x: 1}, b]\n    compression: zstd\n    timeout: 5m\n\
                exporters:\n  typed:\nservice:\n  pipelines:\n    metrics: {receivers: [listed], exporters: [typed]}\n";
    let env = |_: &str| None;
    let Err(e) = load_and_validate(&[ConfigSource::embedded("conf.yaml", text)], &env, &r) else {
        panic!("expected errors")
    };
    let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
    // The `null` left for `databases[1]` is refused by a list of strings; the schema's stand-in
    // (an empty string) lets the parse go on to `timeout`'s semantic check.
    assert_eq!(
        paths,
        ["receivers.listed.compression", "receivers.listed.databases[1]", "receivers.listed.timeout"],
        "{e}"
    );
}
