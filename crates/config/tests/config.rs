//! Loading, substitution, merging and validation, end to end through the public API.
//!
//! The registry holds small test factories: they stand in for the real component crates, which this
//! crate must not depend on; each validates its section with serde like the real ones do.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dbintel_config::{
    ConfigErrors, ConfigSource, ErrorKind, LogEncoding, LogLevel, MetricsLevel, RawConfig, ServiceConfig,
    load, load_and_validate, validate,
};
use dbintel_core::{
    Built, ComponentId, ComponentInfo, ComponentKind, ComponentRegistry, ConfigProblem, CreateContext,
    Factory, GoDuration, PipelineId, Signal, Stability, parse_component_config,
};
use serde::Deserialize;

// ---------------------------------------------------------------------------------------------
// Test factories.

type Check = fn(&serde_json::Value) -> Result<(), ConfigProblem>;

struct TestFactory {
    kind: ComponentKind,
    type_name: &'static str,
    aliases: &'static [&'static str],
    signals: &'static [Signal],
    check: Check,
}

impl Factory for TestFactory {
    fn info(&self) -> ComponentInfo {
        ComponentInfo {
            kind: self.kind,
            type_name: self.type_name,
            aliases: self.aliases,
            signals: self.signals,
            stability: Stability::Development,
            description: "test factory",
        }
    }
    fn validate(&self, config: &serde_json::Value) -> Result<(), Vec<ConfigProblem>> {
        (self.check)(config).map_err(|p| vec![p])
    }
    fn create(&self, _ctx: &CreateContext, _config: &serde_json::Value) -> Result<Built, Vec<ConfigProblem>> {
        Err(vec![ConfigProblem::new("", "test factories build nothing")])
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct SqlQueryConfig {
    datasource: String,
    #[serde(default)]
    collection_interval: Option<GoDuration>,
    queries: Vec<Query>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Query {
    sql: String,
    #[serde(default)]
    metrics: Vec<Metric>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Metric {
    metric_name: String,
    value_column: String,
    #[serde(default)]
    data_type: Option<DataType>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum DataType {
    Gauge,
    Sum,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PostgresConfig {
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    collection_interval: Option<GoDuration>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct BatchConfig {
    #[serde(default)]
    timeout: Option<GoDuration>,
    #[serde(default)]
    send_batch_size: Option<u32>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct OtlpConfig {
    endpoint: String,
}

fn check<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Result<(), ConfigProblem> {
    parse_component_config::<T>(v).map(|_| ())
}

fn accept(_: &serde_json::Value) -> Result<(), ConfigProblem> {
    Ok(())
}

const BOTH: &[Signal] = &[Signal::Metrics, Signal::Logs];
const ALL: &[Signal] = &Signal::ALL;

fn registry() -> ComponentRegistry {
    let mut r = ComponentRegistry::new();
    let mut add = |kind, type_name, aliases, signals, check: Check| {
        r.register(Arc::new(TestFactory { kind, type_name, aliases, signals, check }));
    };
    add(ComponentKind::Receiver, "sqlquery", &[], BOTH, check::<SqlQueryConfig>);
    add(ComponentKind::Receiver, "postgresql", &[], BOTH, check::<PostgresConfig>);
    add(ComponentKind::Receiver, "spansource", &[], ALL, accept);
    add(ComponentKind::Processor, "batch", &[], ALL, check::<BatchConfig>);
    add(ComponentKind::Processor, "circuit_breaker", &["circuitbreaker"], &[Signal::Logs], accept);
    add(ComponentKind::Processor, "memory_limiter", &[], ALL, accept);
    add(ComponentKind::Exporter, "debug", &[], ALL, accept);
    add(ComponentKind::Exporter, "otlp", &[], ALL, check::<OtlpConfig>);
    add(ComponentKind::Exporter, "prometheus", &[], &[Signal::Metrics], accept);
    add(ComponentKind::Extension, "health_check", &["healthcheck"], &[], accept);
    r
}

// ---------------------------------------------------------------------------------------------
// Helpers.

fn no_env(_: &str) -> Option<String> {
    None
}

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> =
        pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
    move |k| map.get(k).cloned()
}

fn embedded(text: &str) -> Vec<ConfigSource> {
    vec![ConfigSource::embedded("config.yaml", text)]
}

fn load_one(text: &str) -> Result<RawConfig, ConfigErrors> {
    load(&embedded(text), &no_env)
}

fn check_config(text: &str) -> Result<ServiceConfig, ConfigErrors> {
    load_and_validate(&embedded(text), &no_env, &registry())
}

fn errors_of(text: &str) -> ConfigErrors {
    match check_config(text) {
        Ok(c) => panic!("expected errors, got a valid config: {c:?}"),
        Err(e) => e,
    }
}

/// Asserts exactly one error, and returns its line.
fn one_error(text: &str) -> String {
    let e = errors_of(text);
    assert_eq!(e.len(), 1, "expected one error, got:\n{e}");
    e.to_string()
}

fn id(s: &str) -> ComponentId {
    s.parse().unwrap()
}

fn pid(s: &str) -> PipelineId {
    s.parse().unwrap()
}

struct TempConfigs {
    dir: tempfile::TempDir,
}

impl TempConfigs {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

const GOOD: &str = r#"
receivers:
  postgresql/primary:
    endpoint: db:5432
    username: dbintel
    password: "12345"
    collection_interval: 10s
  sqlquery:
    datasource: "host=db"
    queries:
      - sql: select 1 as one
        metrics:
          - metric_name: one
            value_column: one
            data_type: gauge
processors:
  batch:
  circuitbreaker:
exporters:
  debug:
  otlp/newrelic:
    endpoint: https://otlp.nr-data.net
  prometheus:
extensions:
  healthcheck:
service:
  extensions: [healthcheck]
  pipelines:
    metrics:
      receivers: [postgresql/primary, sqlquery]
      processors: [batch]
      exporters: [otlp/newrelic, prometheus]
    logs/queries:
      receivers: [postgresql/primary]
      processors: [circuitbreaker, batch]
      exporters: [otlp/newrelic, debug]
"#;

// ---------------------------------------------------------------------------------------------
// A good config.

#[test]
fn good_config_round_trips_with_defaults() {
    let c = check_config(GOOD).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.receivers.len(), 2);
    assert_eq!(c.receivers[&id("postgresql/primary")]["password"], "12345");
    assert_eq!(c.processors.len(), 2);
    assert_eq!(c.exporters.len(), 3);
    assert_eq!(c.service.extensions, vec![id("healthcheck")]);
    let m = &c.service.pipelines[&pid("metrics")];
    assert_eq!(m.receivers, vec![id("postgresql/primary"), id("sqlquery")]);
    assert_eq!(m.processors, vec![id("batch")]);
    assert_eq!(m.exporters, vec![id("otlp/newrelic"), id("prometheus")]);
    let l = &c.service.pipelines[&pid("logs/queries")];
    assert_eq!(l.processors, vec![id("circuitbreaker"), id("batch")]);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert_eq!(c.service.telemetry.logs.level, LogLevel::Info);
    assert_eq!(c.service.telemetry.logs.encoding, LogEncoding::Console);
    assert_eq!(c.service.telemetry.metrics.level, MetricsLevel::Normal);
    assert_eq!(c.service.telemetry.metrics.address, "127.0.0.1:8888");
    assert_eq!(c.service.shutdown_timeout, Duration::from_secs(4));
    assert_eq!(c.source_of(ComponentKind::Receiver, &id("sqlquery")), Some("config.yaml"));

    let used = c.used_components();
    assert_eq!(used.receivers[&id("postgresql/primary")], vec![pid("metrics"), pid("logs/queries")]);
    assert_eq!(used.receivers[&id("sqlquery")], vec![pid("metrics")]);
    assert_eq!(used.exporters[&id("otlp/newrelic")].len(), 2);
    assert_eq!(used.exporters[&id("debug")], vec![pid("logs/queries")]);
    assert_eq!(used.processors[&pid("logs/queries")], vec![id("circuitbreaker"), id("batch")]);
    assert_eq!(c.pipelines_fed_by(&id("sqlquery")), vec![&pid("metrics")]);
}

#[test]
fn telemetry_and_shutdown_timeout_are_read() {
    let text = format!(
        "{GOOD}  telemetry:\n    logs: {{level: DEBUG, encoding: text}}\n    metrics: {{level: detailed, address: ':9999'}}\n  shutdown_timeout: 1m30s\n"
    );
    let c = check_config(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.service.telemetry.logs.level, LogLevel::Debug);
    assert_eq!(c.service.telemetry.logs.encoding, LogEncoding::Console);
    assert_eq!(c.service.telemetry.metrics.level, MetricsLevel::Detailed);
    assert_eq!(c.service.telemetry.metrics.address, "0.0.0.0:9999");
    assert_eq!(c.service.shutdown_timeout, Duration::from_secs(90));

    let text = format!(
        "{GOOD}  telemetry:\n    logs: {{encoding: json}}\n    metrics:\n      readers:\n        - pull: {{exporter: {{prometheus: {{host: 0.0.0.0, port: 9464}}}}}}\n"
    );
    let c = check_config(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.service.telemetry.logs.encoding, LogEncoding::Json);
    assert_eq!(c.service.telemetry.metrics.address, "0.0.0.0:9464");
}

#[test]
fn bad_telemetry_values_are_all_reported() {
    let text = format!(
        "{GOOD}  telemetry:\n    logs: {{level: loud, encoding: xml, colour: true}}\n    metrics: {{level: all, address: nowhere}}\n  shutdown_timeout: \"10\"\n"
    );
    let e = errors_of(&text);
    let s = e.to_string();
    assert_eq!(e.len(), 6, "{s}");
    assert!(s.contains("config.yaml: service.telemetry.logs.level: unknown value `loud`"), "{s}");
    assert!(s.contains("config.yaml: service.telemetry.logs.encoding: unknown value `xml`"), "{s}");
    assert!(s.contains("service.telemetry.logs.colour: unknown key `colour`"), "{s}");
    assert!(s.contains("service.telemetry.metrics.level: unknown value `all`"), "{s}");
    assert!(s.contains("service.telemetry.metrics.address: `nowhere` is not `host:port`"), "{s}");
    assert!(s.contains("service.shutdown_timeout: invalid duration `10`"), "{s}");
}

// ---------------------------------------------------------------------------------------------
// Loading.

#[test]
fn yaml_syntax_error_names_file_and_line() {
    let dir = TempConfigs::new();
    let p = dir.write("config.yaml", "receivers:\n  sqlquery:\n    queries: [a, b\nexporters:\n");
    let e = load(&[ConfigSource::file(&p)], &no_env).unwrap_err();
    assert_eq!(e.len(), 1);
    let err = &e.errors[0];
    assert_eq!(err.kind, ErrorKind::Syntax);
    let line = err.to_string();
    assert!(line.starts_with(&format!("{}: invalid YAML: ", p.display())), "{line}");
    assert!(err.location.is_some_and(|(l, _)| l >= 3), "{line}");
    assert!(line.contains("(line "), "{line}");
    assert!(!line.contains('\n'));

    let e = load_one("a:\n  b: 1\n c: 2\n").unwrap_err();
    assert_eq!(e.errors[0].location, Some((3, 2)), "{e}");
    assert!(e.to_string().ends_with("(line 3, column 2)"), "{e}");
}

#[test]
fn duplicate_keys_are_errors_with_a_line() {
    let e = load_one("receivers:\n  sqlquery: {}\n  sqlquery: {}\n").unwrap_err();
    let line = e.to_string();
    assert!(line.contains("config.yaml: invalid YAML: duplicate mapping key: sqlquery"), "{line}");
    assert!(line.contains("(line 3"), "{line}");
}

#[test]
fn empty_file_is_an_empty_map() {
    let dir = TempConfigs::new();
    let p = dir.write("empty.yaml", "");
    let q = dir.write("comments.yaml", "# nothing here\n");
    let raw = load(&[ConfigSource::file(&p), ConfigSource::file(&q)], &no_env).unwrap();
    assert!(raw.root().is_empty());
    // Valid YAML, but a config needs pipelines.
    let e = validate(&raw, &registry()).unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(e.to_string().contains("service.pipelines: no pipelines"), "{e}");
}

#[test]
fn missing_file_and_non_map_top_level_are_errors() {
    let e = load(&[ConfigSource::file("/no/such/dir/config.yaml")], &no_env).unwrap_err();
    assert_eq!(e.errors[0].kind, ErrorKind::Io);
    assert!(e.to_string().starts_with("/no/such/dir/config.yaml: cannot open config file"), "{e}");
    let e = load_one("- a\n- b\n").unwrap_err();
    assert!(e.to_string().contains("the top level must be a map"), "{e}");
    // Several documents: the first is used, as the Collector does, with a warning (tests/telemetry.rs).
    let raw = load_one("a: 1\n---\nb: 2\n").unwrap_or_else(|e| panic!("{e}"));
    assert!(raw.root().contains_key("a") && !raw.root().contains_key("b"));
    assert_eq!(raw.warnings().len(), 1);
}

#[test]
fn budgets_stop_yaml_bombs_and_deep_nesting() {
    let deep = format!("a: {}{}\n", "[".repeat(500), "]".repeat(500));
    let e = load_one(&deep).unwrap_err();
    assert_eq!(e.errors[0].kind, ErrorKind::Syntax, "{e}");
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
        bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    assert!(load_one(&bomb).is_err());
}

#[test]
fn oversized_sources_are_refused() {
    let big = format!("a: \"{}\"\n", "x".repeat(9 << 20));
    let e = load_one(&big).unwrap_err();
    assert_eq!(e.errors[0].kind, ErrorKind::Io);
    assert!(e.to_string().starts_with("config.yaml: config is larger than 8 MiB"), "{e}");
}

#[test]
fn yaml_types_are_yaml_1_2() {
    let raw = load_one("a: no\nb: 007\nc: 5432\nd: true\ne: 1_000\n").unwrap();
    let r = raw.root();
    assert_eq!(r["a"], "no");
    assert_eq!(r["b"], "007");
    assert_eq!(r["c"], 5432);
    assert_eq!(r["d"], true);
    assert_eq!(r["e"], "1_000");
}

// ---------------------------------------------------------------------------------------------
// Env substitution.

#[test]
fn env_substitution_forms() {
    let text = r#"
receivers:
  postgresql:
    endpoint: ${env:PG_HOST}:${PG_PORT}
    username: ${env:PG_USER:-dbintel}
    password: ${env:PG_PASSWORD}
    collection_interval: ${INTERVAL:-10s}
exporters:
  otlp:
    endpoint: "https://$${literal}/$HOME/${OTLP_HOST}"
service:
  pipelines:
    metrics: {receivers: [postgresql], exporters: [otlp]}
"#;
    let env = env_of(&[
        ("PG_HOST", "db"),
        ("PG_PORT", "5432"),
        ("PG_PASSWORD", "12345"),
        ("OTLP_HOST", "otlp.nr-data.net"),
        ("INTERVAL", ""),
    ]);
    let raw = load(&embedded(text), &env).unwrap_or_else(|e| panic!("{e}"));
    let pg = &raw.root()["receivers"]["postgresql"];
    assert_eq!(pg["endpoint"], "db:5432");
    assert_eq!(pg["username"], "dbintel");
    // One placeholder alone is typed like YAML: a number here...
    assert_eq!(pg["password"], 12345);
    assert_eq!(pg["collection_interval"], "10s");
    assert_eq!(raw.root()["exporters"]["otlp"]["endpoint"], "https://${literal}/$HOME/otlp.nr-data.net");
    // ...which the lenient deserializer still accepts for a string field.
    let c = validate(&raw, &registry()).unwrap_or_else(|e| panic!("{e}"));
    let pg: PostgresConfig = parse_component_config(&c.receivers[&id("postgresql")]).unwrap();
    assert_eq!(pg.password.as_deref(), Some("12345"));
}

#[test]
fn env_values_cannot_inject_structure() {
    let env = env_of(&[("EVIL", "x\nexporters:\n  debug: {}"), ("MAP", "{a: 1}")]);
    let raw =
        load(&embedded("receivers:\n  sqlquery:\n    datasource: ${EVIL}\n    x: ${MAP}\n"), &env).unwrap();
    assert_eq!(raw.root().len(), 1);
    assert_eq!(raw.root()["receivers"]["sqlquery"]["datasource"], "x\nexporters:\n  debug: {}");
    assert_eq!(raw.root()["receivers"]["sqlquery"]["x"], "{a: 1}");
}

#[test]
fn unset_variable_names_variable_file_and_key_path() {
    let env = env_of(&[("PG_PASSWORD", "hunter2-secret")]);
    let text = "receivers:\n  postgresql:\n    password: ${env:PG_PASSWORD}\n    username: ${env:PG_USER}\n";
    let e = load(&embedded(text), &env).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e.errors[0].kind, ErrorKind::Substitution);
    let line = e.to_string();
    assert!(
        line.starts_with(
            "config.yaml: receivers.postgresql.username: environment variable `PG_USER` is not set"
        ),
        "{line}"
    );
    assert!(!line.contains("hunter2"), "{line}");
}

#[test]
fn substituted_values_stay_out_of_validation_messages() {
    let env = env_of(&[("SECRET", "hunter2-secret"), ("LEVEL", "Verbose-Secret")]);
    let text = GOOD
        .replace("collection_interval: 10s", "collection_interval: ${SECRET}")
        .replace("data_type: gauge", "data_type: \"x${SECRET}\"")
        .replace("  pipelines:\n", "  telemetry: {logs: {level: '${LEVEL}'}}\n  pipelines:\n");
    let e = load_and_validate(&embedded(&text), &env, &registry()).unwrap_err();
    let s = e.to_string();
    assert_eq!(e.len(), 3, "{s}");
    assert!(!s.contains("hunter2") && !s.to_lowercase().contains("verbose"), "{s}");
    assert!(s.contains("receivers.postgresql/primary.collection_interval: "), "{s}");
    assert!(
        s.contains("`<hidden>`") && s.contains("is not shown; check the environment variable `SECRET`"),
        "{s}"
    );
}

#[test]
fn unknown_provider_is_named() {
    let e = load_one("exporters:\n  otlp:\n    headers: {api-key: '${vault:nr/key}'}\n").unwrap_err();
    let line = e.to_string();
    assert!(
        line.starts_with("config.yaml: exporters.otlp.headers.api-key: unknown config provider `vault`"),
        "{line}"
    );
}

// ---------------------------------------------------------------------------------------------
// Merging.

#[test]
fn several_files_deep_merge_and_keep_provenance() {
    let dir = TempConfigs::new();
    let a = dir.write(
        "a.yaml",
        r#"
receivers:
  postgresql:
    endpoint: db:5432
    username: a
  sqlquery:
    datasource: from-a
    queries: [{sql: select 1}, {sql: select 2}]
exporters:
  debug:
service:
  pipelines:
    metrics: {receivers: [postgresql], exporters: [debug]}
"#,
    );
    let b = dir.write(
        "b.yaml",
        r#"
receivers:
  postgresql:
    username: b
  sqlquery:
    queries: [{sql: select 3}]
service:
  pipelines:
    metrics: {receivers: [postgresql, sqlquery]}
"#,
    );
    let sources = [ConfigSource::file(&a), ConfigSource::file(&b)];
    let raw = load(&sources, &no_env).unwrap();
    let r = raw.root();
    assert_eq!(r["receivers"]["postgresql"]["endpoint"], "db:5432");
    assert_eq!(r["receivers"]["postgresql"]["username"], "b");
    assert_eq!(r["receivers"]["sqlquery"]["datasource"], "from-a");
    assert_eq!(r["receivers"]["sqlquery"]["queries"].as_array().map(Vec::len), Some(1), "lists are replaced");
    let (a_name, b_name) = (a.display().to_string(), b.display().to_string());
    assert_eq!(raw.source_of(&["receivers", "sqlquery"]), Some(b_name.as_str()));
    assert_eq!(raw.source_of(&["receivers", "sqlquery", "datasource"]), Some(a_name.as_str()));
    assert_eq!(raw.source_of(&["exporters", "debug"]), Some(a_name.as_str()));
    assert_eq!(raw.sources(), &[a_name.clone(), b_name.clone()]);

    let c = validate(&raw, &registry()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.service.pipelines[&pid("metrics")].receivers, vec![id("postgresql"), id("sqlquery")]);
    assert_eq!(c.source_of(ComponentKind::Exporter, &id("debug")), Some(a_name.as_str()));
    assert_eq!(c.source_of(ComponentKind::Receiver, &id("sqlquery")), Some(b_name.as_str()));

    // A problem is reported against the file that set the offending key.
    let c2 = dir
        .write("c.yaml", "receivers:\n  sqlquery:\n    queries: [{sql: 1, metrics: [{metric_name: x}]}]\n");
    let raw = load(&[ConfigSource::file(&a), ConfigSource::file(&c2)], &no_env).unwrap();
    let e = validate(&raw, &registry()).unwrap_err();
    let line = e.to_string();
    assert!(
        line.starts_with(&format!(
            "{}: receivers.sqlquery.queries[0].metrics[0]: missing field `value_column`",
            c2.display()
        )),
        "{line}"
    );
}

#[test]
fn errors_from_several_files_are_all_reported() {
    let dir = TempConfigs::new();
    let a = dir.write("a.yaml", "receivers: [\n");
    let b = dir.write("b.yaml", "receivers:\n  sqlquery:\n    datasource: ${DSN}\n");
    let e = load(&[ConfigSource::file(&a), ConfigSource::file(&b)], &no_env).unwrap_err();
    assert_eq!(e.len(), 2, "{e}");
    assert!(e.errors[0].to_string().starts_with(&a.display().to_string()));
    assert!(e.errors[1].to_string().contains("`DSN`"));
    assert!(e.errors[1].to_string().starts_with(&b.display().to_string()));
}

#[test]
fn embedded_default_then_user_file() {
    let dir = TempConfigs::new();
    let user = dir.write("user.yaml", "exporters:\n  otlp:\n    endpoint: https://example\nservice:\n  pipelines:\n    metrics: {exporters: [otlp]}\n");
    let default = ConfigSource::embedded(
        "<built-in default>",
        "receivers:\n  postgresql:\nexporters:\n  debug:\nservice:\n  pipelines:\n    metrics: {receivers: [postgresql], exporters: [debug]}\n",
    );
    let c = load_and_validate(&[default, ConfigSource::file(&user)], &no_env, &registry()).unwrap();
    assert_eq!(c.service.pipelines[&pid("metrics")].exporters, vec![id("otlp")]);
    assert_eq!(c.source_of(ComponentKind::Receiver, &id("postgresql")), Some("<built-in default>"));
    assert_eq!(c.warnings.len(), 1, "debug is unused: {:?}", c.warnings);
    assert!(
        c.warnings[0]
            .contains("<built-in default>: exporters.debug: exporter `debug` is defined but not used")
    );
}

// ---------------------------------------------------------------------------------------------
// Validation: each class of error.

#[test]
fn unknown_top_level_keys_and_connectors() {
    let text = format!("{GOOD}connectors:\n  forward:\nrecievers:\n  x:\n");
    let e = errors_of(&text);
    let s = e.to_string();
    assert_eq!(e.len(), 2, "{s}");
    assert!(s.contains("config.yaml: connectors: connectors are not supported by dbintel"), "{s}");
    assert!(
        s.contains("config.yaml: recievers: unknown top-level key `recievers`; did you mean `receivers`?"),
        "{s}"
    );
}

#[test]
fn unknown_component_type_suggests_the_closest() {
    let text =
        GOOD.replace("  sqlquery:\n    datasource", "  sqlqury:\n    datasource").replace(", sqlquery]", "]");
    let line = one_error(&text);
    assert_eq!(
        line,
        "config.yaml: receivers.sqlqury: unknown receiver type `sqlqury`; did you mean `sqlquery`?"
    );
    let line = one_error(&GOOD.replace("  prometheus:\n", "  prometheus:\n  kafka:\n"));
    assert!(line.contains("unknown exporter type `kafka`; known types: debug, otlp, prometheus"), "{line}");
}

#[test]
fn invalid_component_ids() {
    let line = one_error(&GOOD.replace("  debug:\n", "  debug:\n  otlp-http/x:\n"));
    assert!(line.starts_with("config.yaml: exporters.otlp-http/x: invalid exporter ID: "), "{line}");
}

#[test]
fn factory_problems_are_prefixed_with_the_component_path() {
    let line = one_error(&GOOD.replace("data_type: gauge", "data_type: gauges"));
    assert_eq!(
        line,
        "config.yaml: receivers.sqlquery.queries[0].metrics[0].data_type: unknown variant `gauges`, expected `gauge` or `sum`"
    );
    let line = one_error(&GOOD.replace("username: dbintel", "usernme: dbintel"));
    assert!(
        line.starts_with("config.yaml: receivers.postgresql/primary.usernme: unknown field `usernme`"),
        "{line}"
    );
}

#[test]
fn service_and_pipeline_unknown_keys() {
    let text = GOOD
        .replace("service:\n  extensions", "service:\n  pipeline: {}\n  extensions")
        .replace("      processors: [batch]\n", "      processors: [batch]\n      connectors: [x]\n");
    let e = errors_of(&text);
    let s = e.to_string();
    assert_eq!(e.len(), 2, "{s}");
    assert!(
        s.contains(
            "config.yaml: service.pipeline: unknown key `pipeline` in `service`; did you mean `pipelines`?"
        ),
        "{s}"
    );
    assert!(s.contains("config.yaml: service.pipelines.metrics.connectors: unknown key `connectors` in pipeline `metrics`"), "{s}");
}

#[test]
fn traces_pipelines_are_accepted_and_components_without_traces_named() {
    let good = GOOD.replace("receivers:\n", "receivers:\n  spansource:\n");
    let traces = "    traces/gateway:\n      receivers: [spansource]\n      processors: [batch]\n      \
                  exporters: [otlp/newrelic, debug]\n";
    let c = check_config(&format!("{good}{traces}")).unwrap_or_else(|e| panic!("{e}"));
    let t = &c.service.pipelines[&pid("traces/gateway")];
    assert_eq!(pid("traces/gateway").signal(), Signal::Traces);
    assert_eq!(t.exporters, vec![id("otlp/newrelic"), id("debug")]);
    // A receiver, processor and exporter without traces: each named, all at once.
    let text = format!(
        "{good}    traces:\n      receivers: [sqlquery]\n      processors: [circuitbreaker]\n      \
         exporters: [prometheus]\n"
    );
    let s = errors_of(&text).to_string();
    for want in [
        "service.pipelines.traces.receivers[0]: receiver `sqlquery` does not support traces (type `sqlquery` supports: metrics, logs)",
        "service.pipelines.traces.processors[0]: processor `circuitbreaker` does not support traces",
        "service.pipelines.traces.exporters[0]: exporter `prometheus` does not support traces (type `prometheus` supports: metrics)",
    ] {
        assert!(s.contains(want), "{want}\n in:\n{s}");
    }
    let line =
        one_error(&format!("{GOOD}    spans/x:\n      receivers: [sqlquery]\n      exporters: [debug]\n"));
    assert!(line.contains("service.pipelines.spans/x: invalid pipeline ID"), "{line}");
    assert!(line.contains("`traces`"), "{line}");
    let line =
        one_error(&format!("{GOOD}    profiles:\n      receivers: [sqlquery]\n      exporters: [debug]\n"));
    assert!(line.contains("dbintel has no profiles"), "{line}");
}

#[test]
fn pipelines_need_receivers_and_exporters() {
    let text = GOOD.replace("      receivers: [postgresql/primary]\n", "      receivers: []\n");
    let line = one_error(&text);
    assert_eq!(
        line,
        "config.yaml: service.pipelines.logs/queries.receivers: pipeline `logs/queries` needs at least one receiver"
    );
    let text = GOOD.replace("      exporters: [otlp/newrelic, debug]\n", "");
    let e = errors_of(&text);
    let s = e.to_string();
    assert!(
        s.contains(
            "service.pipelines.logs/queries.exporters: pipeline `logs/queries` needs at least one exporter"
        ),
        "{s}"
    );
    let e = errors_of(&GOOD.replace("  pipelines:\n", "  pipelines_:\n")).to_string();
    assert!(
        e.contains("service.pipelines_: unknown key `pipelines_` in `service`; did you mean `pipelines`?"),
        "{e}"
    );
    assert!(e.contains("config.yaml: service.pipelines: no pipelines"), "{e}");
}

#[test]
fn references_must_be_defined() {
    let line = one_error(
        &GOOD.replace("exporters: [otlp/newrelic, prometheus]", "exporters: [otlp/nr, prometheus]"),
    );
    assert_eq!(
        line,
        "config.yaml: service.pipelines.metrics.exporters[0]: exporter `otlp/nr` is not defined in `exporters`; did you mean `otlp/newrelic`?"
    );
    let line =
        one_error(&GOOD.replace("extensions: [healthcheck]", "extensions: [healthcheck, file_storage]"));
    assert_eq!(
        line,
        "config.yaml: service.extensions[1]: extension `file_storage` is not defined in `extensions`"
    );
}

#[test]
fn signals_a_component_does_not_support_are_rejected() {
    let line = one_error(
        &GOOD.replace("exporters: [otlp/newrelic, debug]", "exporters: [otlp/newrelic, prometheus]"),
    );
    assert_eq!(
        line,
        "config.yaml: service.pipelines.logs/queries.exporters[1]: exporter `prometheus` does not support logs (type `prometheus` supports: metrics)"
    );
    let line = one_error(&GOOD.replace("processors: [batch]\n", "processors: [batch, circuitbreaker]\n"));
    assert!(line.contains("processor `circuitbreaker` does not support metrics"), "{line}");
}

#[test]
fn a_processor_listed_twice_is_rejected() {
    let line = one_error(
        &GOOD.replace("processors: [circuitbreaker, batch]", "processors: [batch, circuitbreaker, batch]"),
    );
    assert_eq!(
        line,
        "config.yaml: service.pipelines.logs/queries.processors[2]: processor `batch` is listed more than once"
    );
}

#[test]
fn unused_components_are_warnings() {
    let text = GOOD
        .replace("  batch:\n", "  batch:\n  batch/unused:\n")
        .replace("  healthcheck:\n", "  healthcheck:\n  health_check/2:\n");
    let c = check_config(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("processors.batch/unused: processor `batch/unused` is defined but not used"))
    );
    assert!(c.warnings.iter().any(|w| w.contains("health_check/2") && w.contains("service.extensions")));
}

#[test]
fn a_memory_limiter_after_other_processors_is_a_warning() {
    let text = GOOD.replace("  batch:\n", "  batch:\n  memory_limiter:\n").replace(
        "processors: [circuitbreaker, batch]",
        "processors: [circuitbreaker, memory_limiter, batch]",
    );
    let c = check_config(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(
        c.warnings[0].contains(
            "service.pipelines.logs/queries.processors[1]: `memory_limiter` is not the first processor"
        ),
        "{:?}",
        c.warnings
    );
    let first = GOOD.replace("  batch:\n", "  batch:\n  memory_limiter:\n").replace(
        "processors: [circuitbreaker, batch]",
        "processors: [memory_limiter, circuitbreaker, batch]",
    );
    let c = check_config(&first).unwrap_or_else(|e| panic!("{e}"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = GOOD
        .replace("data_type: gauge", "data_type: gauges")
        .replace("exporters: [otlp/newrelic, prometheus]", "exporters: [otlp/nr, prometheus]")
        .replace("processors: [circuitbreaker, batch]", "processors: [batch, batch]");
    let e = errors_of(&text);
    assert_eq!(e.len(), 3, "{e}");
    let kinds: Vec<ErrorKind> = e.iter().map(|e| e.kind).collect();
    // Sections in order, pipelines in key order (`logs/queries` before `metrics`).
    assert_eq!(kinds, vec![ErrorKind::Component, ErrorKind::Pipeline, ErrorKind::UndefinedReference]);
    assert_eq!(e.to_string().lines().count(), 3);
}

#[test]
fn wrong_shapes_are_errors_not_panics() {
    for text in [
        "receivers: [a]\nservice: {pipelines: {metrics: {receivers: [a], exporters: [b]}}}",
        "service: 5",
        "service: {pipelines: [metrics]}",
        "service: {pipelines: {metrics: 5}}",
        "service: {pipelines: {metrics: {receivers: sqlquery, exporters: [{a: 1}]}}}",
        "service: {extensions: {a: 1}, pipelines: {logs: {receivers: [''], exporters: ['x/']}}}",
        "service: {telemetry: [1], pipelines: {logs: null}}",
        "service: {telemetry: {metrics: {readers: [{periodic: {}}]}}, pipelines: {}}",
    ] {
        let e = errors_of(text);
        assert!(!e.is_empty());
        for err in &e {
            assert!(err.to_string().starts_with("config.yaml: "), "{err}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// No input panics.

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        if let Ok(raw) = load(&embedded(&text), &no_env) {
            let _ = validate(&raw, &registry());
        }
    }

    #[test]
    fn yaml_shaped_text_never_panics(
        text in "([a-z_/]{0,8}|[ \\n:\\-\\[\\]{},&*!$#|>'\"?%@`]|\\$\\{[a-z:_-]{0,8}\\}|receivers|service|pipelines|metrics){0,80}",
    ) {
        let env = |_: &str| Some("1".to_string());
        if let Ok(raw) = load(&embedded(&text), &env) {
            let _ = validate(&raw, &registry());
        }
    }
}

#[test]
fn an_unset_variable_does_not_hide_the_other_problems() {
    let text = GOOD
        .replace("data_type: gauge", "data_type: gauges")
        .replace("exporters: [otlp/newrelic, prometheus]", "exporters: [otlp/nr, prometheus]");
    let text =
        text.replace("  healthcheck:\n", "  healthcheck:\n    endpoint: ${env:DBINTEL_UNSET_FOR_TEST}\n");
    let e = dbintel_config::load_and_validate(&embedded(&text), &no_env, &registry()).unwrap_err();
    let all = e.to_string();
    assert!(all.contains("DBINTEL_UNSET_FOR_TEST"), "{all}");
    assert!(all.contains("gauges"), "{all}");
    assert!(all.contains("otlp/nr"), "{all}");
    // The failed placeholder is reported once, not again as a bad endpoint.
    assert_eq!(all.matches("extensions.healthcheck.endpoint").count(), 1, "{all}");
}

/// An exporter whose `sending_queue.storage` names an extension, like otlp/otlphttp.
struct QueueExporterFactory;

impl Factory for QueueExporterFactory {
    fn info(&self) -> ComponentInfo {
        ComponentInfo {
            kind: ComponentKind::Exporter,
            type_name: "queued",
            aliases: &[],
            signals: BOTH,
            stability: Stability::Development,
            description: "test factory with a storage reference",
        }
    }
    fn validate(&self, _config: &serde_json::Value) -> Result<(), Vec<ConfigProblem>> {
        Ok(())
    }
    fn create(&self, _ctx: &CreateContext, _config: &serde_json::Value) -> Result<Built, Vec<ConfigProblem>> {
        Err(vec![ConfigProblem::new("", "test factories build nothing")])
    }
    fn references(&self, config: &serde_json::Value) -> Vec<(ComponentKind, ComponentId, String)> {
        config
            .pointer("/sending_queue/storage")
            .and_then(|s| s.as_str())
            .and_then(|s| s.parse().ok())
            .map(|id| vec![(ComponentKind::Extension, id, "sending_queue.storage".to_string())])
            .unwrap_or_default()
    }
}

#[test]
fn references_to_undefined_or_unlisted_extensions_are_rejected() {
    let mut reg = registry();
    reg.register(Arc::new(QueueExporterFactory));
    reg.register(Arc::new(TestFactory {
        kind: ComponentKind::Extension,
        type_name: "file_storage",
        aliases: &[],
        signals: &[],
        check: accept,
    }));
    let config = |storage: &str, listed: &str| {
        format!(
            "receivers:\n  postgresql:\nextensions:\n  file_storage/queue:\n    directory: /tmp/q\n\
             exporters:\n  queued:\n    sending_queue:\n      storage: {storage}\n\
             service:\n  extensions: [{listed}]\n  pipelines:\n    metrics:\n      receivers: [postgresql]\n      exporters: [queued]\n"
        )
    };
    let run = |text: String| load_and_validate(&embedded(&text), &no_env, &reg);
    assert!(run(config("file_storage/queue", "file_storage/queue")).is_ok());

    let e = run(config("file_storage/qeue", "file_storage/queue")).unwrap_err();
    assert_eq!(e.len(), 1, "{e}");
    let text = e.to_string();
    assert!(text.contains("exporters.queued.sending_queue.storage"), "{text}");
    assert!(text.contains("not defined under `extensions`"), "{text}");
    assert!(text.contains("did you mean `file_storage/queue`"), "{text}");
    assert!(e.iter().all(|x| x.kind == ErrorKind::UndefinedReference), "{text}");

    let e = run(config("file_storage/queue", "")).unwrap_err();
    assert!(e.to_string().contains("not listed in `service.extensions`"), "{e}");
}

#[test]
fn shutdown_timeout_has_a_sane_range() {
    for (value, want) in [
        ("18446744073709551615s", "at most 2562047h47m16.854775807s"),
        ("18446744073709551615", "at most 2562047h47m16.854775807s"),
        ("9999999999h", "at most 2562047h47m16.854775807s"),
        ("2562047h", "too long: use 1s to 5m"),
        ("5m1s", "too long: use 1s to 5m"),
        ("999ms", "too short: use 1s to 5m"),
        ("0s", "too short: use 1s to 5m"),
    ] {
        let line = one_error(&format!("{GOOD}  shutdown_timeout: {value}\n"));
        assert!(line.starts_with("config.yaml: service.shutdown_timeout: "), "{value}: {line}");
        assert!(line.contains(want), "{value}: {line}");
    }
    for (value, secs) in [("1s", 1), ("5m", 300)] {
        let c = check_config(&format!("{GOOD}  shutdown_timeout: {value}\n")).unwrap();
        assert_eq!(c.service.shutdown_timeout, Duration::from_secs(secs));
    }
}

/// A processor whose `include.log_bodies` applies to logs only: a metrics pipeline that lists it is a
/// config error naming the key, found by validation (the factory's `validate_for_signal` hook).
struct LogsOnlyKey;

impl Factory for LogsOnlyKey {
    fn info(&self) -> ComponentInfo {
        ComponentInfo {
            kind: ComponentKind::Processor,
            type_name: "logsonlykey",
            aliases: &[],
            signals: BOTH,
            stability: Stability::Development,
            description: "test factory",
        }
    }
    fn validate(&self, _config: &serde_json::Value) -> Result<(), Vec<ConfigProblem>> {
        Ok(())
    }
    fn validate_for_signal(&self, config: &serde_json::Value, signal: Signal) -> Vec<ConfigProblem> {
        match (signal, config.pointer("/include/log_bodies")) {
            (Signal::Metrics, Some(_)) => {
                vec![ConfigProblem::new("include.log_bodies", "is not valid in a metrics pipeline")]
            }
            _ => Vec::new(),
        }
    }
    fn create(&self, _ctx: &CreateContext, _config: &serde_json::Value) -> Result<Built, Vec<ConfigProblem>> {
        Err(vec![ConfigProblem::new("", "test factories build nothing")])
    }
}

#[test]
fn signal_specific_problems_are_reported_per_pipeline_by_validation() {
    let mut reg = registry();
    reg.register(Arc::new(LogsOnlyKey));
    let text = |pipeline: &str| {
        format!(
            "receivers: {{postgresql: {{}}}}\nprocessors: {{logsonlykey: {{include: {{log_bodies: [x]}}}}}}\n\
             exporters: {{debug: {{}}}}\nservice: {{pipelines: {{{pipeline}: {{receivers: [postgresql], \
             processors: [logsonlykey], exporters: [debug]}}}}}}\n"
        )
    };
    assert!(load_and_validate(&embedded(&text("logs")), &no_env, &reg).is_ok());
    let Err(e) = load_and_validate(&embedded(&text("metrics")), &no_env, &reg) else {
        panic!("a logs-only key in a metrics pipeline must fail validation")
    };
    assert_eq!(e.len(), 1, "{e}");
    let line = e.to_string();
    assert!(line.contains("processors.logsonlykey.include.log_bodies"), "{line}");
    assert!(line.contains("is not valid in a metrics pipeline"), "{line}");
    assert!(line.contains("service.pipelines.metrics.processors[0]"), "{line}");
}

// ---------------------------------------------------------------------------------------------
// service.sharding.

#[test]
fn sharding_is_read_from_numbers_and_placeholders() {
    let c = check_config(&format!("{GOOD}  sharding: {{replicas: 3, ordinal: 2}}\n"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.service.sharding, Some(dbintel_config::ShardingConfig { replicas: 3, ordinal: Some(2) }));
    let c = check_config(GOOD).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.service.sharding, None);
    let env = |k: &str| (k == "DBINTEL_SHARD_REPLICAS").then(|| "4".to_string());
    let text = format!("{GOOD}  sharding:\n    replicas: ${{env:DBINTEL_SHARD_REPLICAS}}\n");
    let c = load_and_validate(&embedded(&text), &env, &registry()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.service.sharding, Some(dbintel_config::ShardingConfig { replicas: 4, ordinal: None }));
}

#[test]
fn bad_sharding_values_are_all_reported() {
    let e = errors_of(&format!("{GOOD}  sharding: {{replicas: 0, ordinal: x, shards: 2}}\n"));
    let s = e.to_string();
    assert_eq!(e.len(), 3, "{s}");
    assert!(s.contains("service.sharding.replicas: expected a whole number from 1 to 1024, found 0"), "{s}");
    assert!(s.contains("service.sharding.ordinal: expected a whole number"), "{s}");
    assert!(s.contains("service.sharding.shards: unknown key `shards`"), "{s}");
    let line = one_error(&format!("{GOOD}  sharding: {{replicas: 3, ordinal: 3}}\n"));
    assert!(
        line.contains("service.sharding.ordinal: 3 is not below replicas (3): ordinals run from 0 to 2"),
        "{line}"
    );
    let line = one_error(&format!("{GOOD}  sharding: {{ordinal: 1}}\n"));
    assert!(line.contains("service.sharding.replicas: required"), "{line}");
}

#[test]
fn the_ordinal_comes_from_config_env_pod_name_or_host_name() {
    use dbintel_config::{OrdinalSource, ShardingConfig, trailing_ordinal};
    let s = ShardingConfig { replicas: 3, ordinal: None };
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    };
    assert_eq!(
        ShardingConfig { replicas: 3, ordinal: Some(1) }
            .resolve_ordinal(&vars(&[("DBINTEL_SHARD_ORDINAL", "2")]), None),
        Ok((1, OrdinalSource::Config))
    );
    assert_eq!(
        s.resolve_ordinal(&vars(&[("DBINTEL_SHARD_ORDINAL", " 2 "), ("POD_NAME", "dbintel-0")]), None),
        Ok((2, OrdinalSource::Env))
    );
    assert_eq!(
        s.resolve_ordinal(
            &vars(&[("DBINTEL_SHARD_ORDINAL", ""), ("POD_NAME", "dbintel-1")]),
            Some("dbintel-2")
        ),
        Ok((1, OrdinalSource::PodName("dbintel-1".into())))
    );
    assert_eq!(
        s.resolve_ordinal(&vars(&[("POD_NAME", "web")]), Some("dbintel-shard-2")),
        Ok((2, OrdinalSource::Hostname("dbintel-shard-2".into())))
    );
    let e = s.resolve_ordinal(&vars(&[]), Some("laptop")).unwrap_err();
    assert!(e.contains("set `service.sharding.ordinal`, or $DBINTEL_SHARD_ORDINAL"), "{e}");
    let e = s.resolve_ordinal(&vars(&[("POD_NAME", "dbintel-7")]), None).unwrap_err();
    assert_eq!(
        e,
        "service.sharding.ordinal: 7 (from $POD_NAME `dbintel-7`) is not below replicas (3): ordinals run from 0 to 2"
    );
    let e = s.resolve_ordinal(&vars(&[("DBINTEL_SHARD_ORDINAL", "two")]), None).unwrap_err();
    assert!(e.contains("$DBINTEL_SHARD_ORDINAL is `two`, not a replica number (0 to 2)"), "{e}");
    assert_eq!(trailing_ordinal("dbintel-12"), Some(12));
    for name in ["dbintel", "dbintel-", "dbintel-x1", "-", "a-99999999999"] {
        assert_eq!(trailing_ordinal(name), None, "{name}");
    }
}
