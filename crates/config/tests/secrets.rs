//! Values from `${env:...}` and `${file:...}` placeholders never appear in any message, whatever
//! their shape (multi-line, numbers re-rendered by serde), whatever the key and whether the problem is
//! reported at the key or at the section above it.

use std::sync::Arc;

use dbintel_config::{ConfigSource, load_and_validate};
use dbintel_core::{
    Built, ComponentInfo, ComponentKind, ComponentRegistry, ConfigProblem, CreateContext, Factory,
    GoDuration, Signal, Stability, parse_component_config,
};
use serde::Deserialize;

/// A component whose validation reports problems the way the real ones do: serde messages that
/// quote the value, its own messages that quote it, and a whole-section complaint that embeds it.
struct Leaky(ComponentKind);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct LeakyConfig {
    #[serde(default)]
    collection_interval: Option<GoDuration>,
    #[serde(default)]
    driver: Option<String>,
    #[serde(default)]
    compression: Option<String>,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    datasource: Option<String>,
    #[serde(default)]
    queue_size: Option<u32>,
}

impl Factory for Leaky {
    fn info(&self) -> ComponentInfo {
        ComponentInfo {
            kind: self.0,
            type_name: "leaky",
            aliases: &[],
            signals: &[Signal::Metrics],
            stability: Stability::Development,
            description: "test",
        }
    }
    fn validate(&self, config: &serde_json::Value) -> Result<(), Vec<ConfigProblem>> {
        let c: LeakyConfig = parse_component_config(config).map_err(|p| vec![p])?;
        let mut problems = Vec::new();
        if let Some(d) = c.driver.filter(|d| d != "postgres") {
            problems.push(ConfigProblem::new(
                "driver",
                format!("unknown driver `{d}`; use `postgres` or `mysql`"),
            ));
        }
        if let Some(x) = c.compression.filter(|x| x != "gzip") {
            problems.push(ConfigProblem::new(
                "compression",
                format!("unknown compression `{x}`; use gzip or none"),
            ));
        }
        if let Some(e) = c.endpoint.filter(|e| !e.starts_with("http")) {
            problems.push(ConfigProblem::new(
                "endpoint",
                format!("{e:?} is not a URL: write `https://host:port`"),
            ));
        }
        if let Some(ds) = c.datasource {
            // A complaint about the whole section, quoting a fragment of a value.
            let head: String = ds.chars().skip(3).take(20).collect();
            problems
                .push(ConfigProblem::new("", format!("the datasource {head}... does not match the driver")));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
    fn create(&self, _: &CreateContext, _: &serde_json::Value) -> Result<Built, Vec<ConfigProblem>> {
        Err(Vec::new())
    }
}

fn registry() -> ComponentRegistry {
    let mut r = ComponentRegistry::new();
    r.register(Arc::new(Leaky(ComponentKind::Receiver)));
    r.register(Arc::new(Leaky(ComponentKind::Exporter)));
    r
}

const SHADOW: &str = "root:$6$rounds=5000$saltsalt$hashhashhashhash:19000:0:99999:7:::\n\
                      daemon:*:19000:0:99999:7:::\n  indented secret line  \nab\n";

/// A config with `receivers.leaky` and `exporters.leaky` and the given extra lines.
fn config(receiver: &str, exporter: &str, service: &str) -> String {
    format!(
        "receivers:\n  leaky:\n{receiver}\nexporters:\n  leaky:\n{exporter}\nservice:\n{service}\n  pipelines:\n    \
         metrics: {{receivers: [leaky], exporters: [leaky]}}\n"
    )
}

/// Every way a secret could show: its lines, and every 8-character run of them.
fn assert_hidden(out: &str, secret: &str) {
    for line in secret.lines().map(str::trim).filter(|l| l.len() >= 3) {
        assert!(!out.contains(line), "line {line:?} leaked:\n{out}");
        let chars: Vec<char> = line.chars().collect();
        for w in chars.windows(8) {
            let frag: String = w.iter().collect();
            assert!(!out.contains(&frag), "fragment {frag:?} leaked:\n{out}");
        }
    }
    let t = secret.trim();
    if let Ok(f) = t.parse::<f64>() {
        for shape in [format!("{f}"), format!("{f:?}"), format!("{f:e}"), "1e+20".to_string(), t.to_string()]
        {
            assert!(!out.contains(&shape), "number {shape} leaked:\n{out}");
        }
    }
}

/// Runs one config through load and validation and returns the error text.
fn errors(text: &str, env: &[(&str, &str)]) -> String {
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
    let lookup = move |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    match load_and_validate(&[ConfigSource::embedded("conf.yaml", text)], &lookup, &registry()) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// (receiver lines, exporter lines, service lines, key path of the error) with `VALUE` for the
/// placeholder.
const CASES: &[(&str, &str, &str, &str)] = &[
    ("    collection_interval: \"VALUE\"", "", "", "receivers.leaky.collection_interval"),
    ("    driver: \"VALUE\"", "", "", "receivers.leaky.driver"),
    ("", "    compression: \"VALUE\"", "", "exporters.leaky.compression"),
    ("", "    endpoint: \"VALUE\"", "", "exporters.leaky.endpoint"),
    ("", "    queue_size: \"VALUE\"", "", "exporters.leaky.queue_size"),
    ("", "", "  telemetry: {logs: {level: \"VALUE\"}}", "service.telemetry.logs.level"),
    ("", "", "  telemetry: {logs: {encoding: \"VALUE\"}}", "service.telemetry.logs.encoding"),
    ("", "", "  telemetry: {metrics: {address: \"VALUE\"}}", "service.telemetry.metrics.address"),
    ("", "", "  telemetry: {metrics: {level: \"VALUE\"}}", "service.telemetry.metrics.level"),
    ("", "", "  shutdown_timeout: \"VALUE\"", "service.shutdown_timeout"),
];

#[test]
fn multi_line_file_and_env_values_never_appear_at_any_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shadow");
    std::fs::write(&file, SHADOW).unwrap();
    let file_placeholder = format!("${{file:{}}}", file.display());
    let env_secret = "first-secret-line\nSecond Secret Line\n\n  third:line:9999  ";
    for (r, e, s, key) in CASES {
        for (placeholder, secret, fix) in [
            (file_placeholder.as_str(), SHADOW, format!("the file `{}`", file.display())),
            ("${env:SECRET}", env_secret, "environment variable `SECRET`".to_string()),
        ] {
            let text = config(
                &r.replace("VALUE", placeholder),
                &e.replace("VALUE", placeholder),
                &s.replace("VALUE", placeholder),
            );
            let out = errors(&text, &[("SECRET", env_secret)]);
            assert_hidden(&out, secret);
            let line =
                out.lines().find(|l| l.contains(key)).unwrap_or_else(|| panic!("no error at {key}:\n{out}"));
            assert!(line.starts_with(&format!("conf.yaml: {key}: ")), "{line}");
            assert!(
                line.contains(placeholder) && line.contains("not shown") && line.contains(&fix),
                "{line}"
            );
        }
    }
}

#[test]
fn numbers_in_integer_fields_are_hidden_however_rendered() {
    for value in ["100000000000000000000", "1000.0", "-7", "4294967296", "1e3"] {
        let text = config("", "    queue_size: ${env:N}", "");
        let out = errors(&text, &[("N", value)]);
        assert_hidden(&out, value);
        assert!(out.starts_with("conf.yaml: exporters.leaky.queue_size: "), "{out}");
        assert!(
            out.contains("expected u32") && out.contains("${env:N}") && out.contains("variable `N`"),
            "{out}"
        );
    }
    // The same numbers in a duration field and in a string field checked by the factory.
    for value in ["100000000000000000000", "1000.0"] {
        let out = errors(&config("    collection_interval: ${env:N}\n", "", ""), &[("N", value)]);
        assert_hidden(&out, value);
        let out = errors(&config("    driver: ${env:N}\n", "", ""), &[("N", value)]);
        assert_hidden(&out, value);
    }
}

#[test]
fn values_used_in_a_section_level_complaint_are_hidden() {
    let secret = "host=db.internal password=Tr0ub4dor&3\nsslmode=require";
    let out = errors(&config("    datasource: \"${env:DSN}\"", "", ""), &[("DSN", secret)]);
    assert_hidden(&out, secret);
    assert!(out.starts_with("conf.yaml: receivers.leaky: the datasource "), "{out}");
    assert!(out.contains("not shown"), "{out}");
    // Partial placeholders: only the value is hidden, not the literal text around it.
    let out = errors(&config("    driver: \"pg-${env:PART}-x\"", "", ""), &[("PART", "s3cr3t-part")]);
    assert!(!out.contains("s3cr3t"), "{out}");
}

#[test]
fn values_elsewhere_in_a_message_are_hidden_too() {
    // A message about another key that happens to repeat a value (e.g. a factory cross-check).
    let text = config("    driver: \"${env:D}\"\n    datasource: \"${env:D}\"", "", "");
    let out = errors(&text, &[("D", "a-long-secret-value")]);
    assert!(!out.contains("a-long-secret-value") && !out.contains("secret-v"), "{out}");
}

#[test]
fn defaults_written_in_the_config_are_not_hidden() {
    let out = errors(&config("    driver: \"${env:UNSET_DRIVER:-oracle}\"", "", ""), &[]);
    assert!(out.contains("unknown driver `oracle`"), "{out}");
}

#[test]
fn expansion_errors_never_print_file_content() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    let mut text = String::from("top-secret-first-line\n");
    while text.len() <= (1 << 20) {
        text.push_str("more secret padding line\n");
    }
    std::fs::write(&big, &text).unwrap();
    let binary = dir.path().join("binary");
    std::fs::write(&binary, b"top-secret-first-line\n\xff\xfe not utf-8").unwrap();
    for file in [&big, &binary] {
        let placeholder = format!("${{file:{}}}", file.display());
        let out = errors(&config(&format!("    driver: \"{placeholder}\""), "", ""), &[]);
        assert!(!out.contains("top-secret") && !out.contains("padding"), "{out}");
        assert!(
            out.starts_with("conf.yaml: receivers.leaky.driver: ")
                && out.contains(&file.display().to_string()),
            "{out}"
        );
    }
}
