//! `service.telemetry` as the Collector has it, config loading as the Collector does it (several YAML
//! documents, `--config` URIs, `--set`), and the deprecated component types.

use std::sync::Arc;
use std::time::Duration;

use dbintel_config::{
    AttributeFilter, ConfigErrors, ConfigSource, LogEncoding, LogLevel, LogSampling, MetricReader,
    MetricsLevel, OtlpProtocol, ServiceConfig, load_and_validate,
};
use dbintel_core::{
    Built, ComponentInfo, ComponentKind, ComponentRegistry, ConfigProblem, CreateContext, Factory, Signal,
    Stability,
};
use serde_json::{Value, json};

/// A test factory: `check` stands in for the real component's validation.
struct TestFactory {
    kind: ComponentKind,
    type_name: &'static str,
    aliases: &'static [&'static str],
    check: fn(&Value) -> Vec<ConfigProblem>,
}

impl Factory for TestFactory {
    fn info(&self) -> ComponentInfo {
        ComponentInfo {
            kind: self.kind,
            type_name: self.type_name,
            aliases: self.aliases,
            signals: &[Signal::Metrics, Signal::Logs],
            stability: Stability::Development,
            description: "test factory",
        }
    }
    fn validate(&self, config: &Value) -> Result<(), Vec<ConfigProblem>> {
        let p = (self.check)(config);
        if p.is_empty() { Ok(()) } else { Err(p) }
    }
    fn create(&self, _ctx: &CreateContext, _config: &Value) -> Result<Built, Vec<ConfigProblem>> {
        Err(vec![ConfigProblem::new("", "test factories build nothing")])
    }
}

fn accept(_: &Value) -> Vec<ConfigProblem> {
    Vec::new()
}

/// Like the real `otlphttp`: `metrics_endpoint` must be an http(s) URL.
fn otlphttp(v: &Value) -> Vec<ConfigProblem> {
    match v["metrics_endpoint"].as_str() {
        Some(u) if u.starts_with("http://") || u.starts_with("https://") => Vec::new(),
        _ => vec![ConfigProblem::new("metrics_endpoint", "use an http:// or https:// URL")],
    }
}

fn registry() -> ComponentRegistry {
    let mut r = ComponentRegistry::new();
    let mut add = |kind, type_name, aliases, check| {
        r.register(Arc::new(TestFactory { kind, type_name, aliases, check }));
    };
    add(ComponentKind::Receiver, "postgresql", &[], accept);
    add(ComponentKind::Processor, "batch", &[], accept);
    add(ComponentKind::Exporter, "debug", &["logging"], accept);
    add(ComponentKind::Exporter, "otlp", &[], accept);
    add(ComponentKind::Exporter, "otlphttp", &[], otlphttp);
    add(ComponentKind::Extension, "memory_ballast", &[], accept);
    r
}

const PIPELINE: &str = "receivers:\n  postgresql:\nexporters:\n  debug:\nservice:\n  pipelines:\n    metrics:\n      receivers: [postgresql]\n      exporters: [debug]\n";

fn with_telemetry(telemetry: &str) -> String {
    format!("{PIPELINE}  telemetry:\n{telemetry}")
}

fn check(sources: &[ConfigSource], env: &[(&str, &str)]) -> Result<ServiceConfig, ConfigErrors> {
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let lookup = move |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    load_and_validate(sources, &lookup, &registry())
}

fn ok(text: &str) -> ServiceConfig {
    check(&[ConfigSource::embedded("c.yaml", text)], &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn errors(text: &str) -> String {
    match check(&[ConfigSource::embedded("c.yaml", text)], &[]) {
        Ok(c) => panic!("expected errors, got {c:?}"),
        Err(e) => e.to_string(),
    }
}

fn warned(c: &ServiceConfig, needle: &str) -> bool {
    c.warnings.iter().any(|w| w.contains(needle))
}

#[test]
fn defaults_are_the_collectors() {
    let c = ok(PIPELINE);
    let t = &c.service.telemetry;
    assert_eq!(t.logs.level, LogLevel::Info);
    assert_eq!(t.logs.encoding, LogEncoding::Console);
    assert_eq!(t.logs.output_paths, vec!["stderr"]);
    assert_eq!(t.logs.error_output_paths, vec!["stderr"]);
    assert_eq!(
        t.logs.sampling,
        Some(LogSampling { tick: Duration::from_secs(10), initial: 10, thereafter: 100 })
    );
    assert!(!t.logs.disable_caller);
    assert_eq!(t.metrics.level, MetricsLevel::Normal);
    assert_eq!(
        t.metrics.readers,
        vec![MetricReader::Pull { address: "127.0.0.1:8888".into(), resource_constant_labels: None }]
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn every_logs_key_is_read() {
    let c = ok(&with_telemetry(
        "    logs:\n      level: WARN\n      encoding: json\n      development: false\n      disable_caller: true\n      \
         disable_stacktrace: true\n      output_paths: [stdout, /tmp/dbintel.log, 'file:///tmp/x.log']\n      \
         error_output_paths: [stderr]\n      initial_fields: {service: db-collector, shard: 3}\n      \
         sampling: {enabled: true, tick: 1s, initial: 5, thereafter: 0}\n",
    ));
    let l = &c.service.telemetry.logs;
    assert_eq!(l.level, LogLevel::Warn);
    assert_eq!(l.encoding, LogEncoding::Json);
    assert!(l.disable_caller && l.disable_stacktrace && !l.development);
    assert_eq!(l.output_paths, vec!["stdout", "/tmp/dbintel.log", "file:///tmp/x.log"]);
    assert_eq!(
        l.initial_fields,
        vec![("service".into(), "db-collector".into()), ("shard".into(), "3".into())]
    );
    assert_eq!(l.sampling, Some(LogSampling { tick: Duration::from_secs(1), initial: 5, thereafter: 0 }));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);

    let c = ok(&with_telemetry("    logs: {sampling: {enabled: false}, level: fatal}\n"));
    assert_eq!(c.service.telemetry.logs.sampling, None);
    assert_eq!(c.service.telemetry.logs.level, LogLevel::Error);
}

#[test]
fn logs_keys_without_effect_are_warnings() {
    let c = ok(&with_telemetry(
        "    logs: {development: true, disable_stacktrace: false, processors: [{batch: {exporter: {otlp: {}}}}]}\n",
    ));
    assert!(warned(&c, "service.telemetry.logs.development: accepted and ignored"), "{:?}", c.warnings);
    assert!(
        warned(&c, "service.telemetry.logs.disable_stacktrace: accepted and ignored"),
        "{:?}",
        c.warnings
    );
    assert!(warned(&c, "service.telemetry.logs.processors: accepted and ignored"), "{:?}", c.warnings);
}

#[test]
fn bad_logs_values_are_all_reported() {
    let e = errors(&with_telemetry(
        "    logs:\n      output_paths: ['http://x/y', 3]\n      error_output_paths: []\n      initial_fields: {a: [1]}\n      \
         sampling: {tick: 0s, initial: -1, rate: 2}\n      disable_caller: maybe\n",
    ));
    for needle in [
        "c.yaml: service.telemetry.logs.output_paths[0]: `http://x/y`: only `stderr`, `stdout`",
        "service.telemetry.logs.output_paths[1]: expected a path, found a number",
        "service.telemetry.logs.error_output_paths: must name at least one output",
        "service.telemetry.logs.initial_fields.a: expected a string, number or boolean",
        "service.telemetry.logs.sampling.tick: use 1ms to 1h",
        "service.telemetry.logs.sampling.initial: expected a whole number",
        "service.telemetry.logs.sampling.rate: unknown key `rate`",
        "service.telemetry.logs.disable_caller: expected true or false",
    ] {
        assert!(e.contains(needle), "{needle}\n{e}");
    }
    assert_eq!(e.lines().count(), 8, "{e}");
}

#[test]
fn deprecated_address_works_with_a_warning() {
    let c = ok(&with_telemetry("    metrics: {address: ':9999', level: detailed}\n"));
    assert_eq!(
        c.service.telemetry.metrics.readers,
        vec![MetricReader::Pull { address: "0.0.0.0:9999".into(), resource_constant_labels: None }]
    );
    assert_eq!(c.service.telemetry.metrics.address, "0.0.0.0:9999");
    assert!(
        warned(&c, "c.yaml: service.telemetry.metrics.address: deprecated in the Collector"),
        "{:?}",
        c.warnings
    );
}

#[test]
fn pull_and_periodic_readers() {
    let c = ok(&with_telemetry(
        r#"    resource: {service.name: db-collector, service.instance.id: null}
    metrics:
      readers:
        - pull: {exporter: {prometheus: {host: 0.0.0.0, port: 9464, without_units: true}}}
        - periodic:
            interval: 5000
            timeout: 2s
            exporter:
              otlp:
                protocol: http/protobuf
                endpoint: https://otlp.nr-data.net
                headers: [{name: api-key, value: secret}]
                compression: gzip
                temporality_preference: delta
        - periodic:
            exporter:
              otlp: {protocol: grpc, endpoint: 'http://localhost:4317', insecure: true, headers: {x-a: b}, timeout: 500}
        - periodic:
            exporter:
              otlp_http: {endpoint: 'http://localhost:4318/custom/path', encoding: json, headers_list: 'a=1,b=2'}
"#,
    ));
    let m = &c.service.telemetry.metrics;
    assert_eq!(m.readers.len(), 4);
    assert_eq!(m.pull_addresses().collect::<Vec<_>>(), vec!["0.0.0.0:9464"]);
    let p: Vec<_> = m.periodic().collect();
    assert_eq!(p[0].interval, Duration::from_secs(5));
    assert_eq!(p[0].timeout, Duration::from_secs(2));
    assert_eq!(p[0].protocol, OtlpProtocol::HttpProtobuf);
    assert_eq!(p[0].exporter_type, "otlphttp");
    assert_eq!(
        p[0].exporter_config,
        json!({"endpoint": "https://otlp.nr-data.net", "metrics_endpoint": "https://otlp.nr-data.net/v1/metrics", "encoding": "proto",
               "headers": {"api-key": "secret"}, "compression": "gzip", "timeout": "10000ms",
               "temporality_preference": "delta"})
    );
    assert_eq!(p[1].interval, Duration::from_secs(60));
    assert_eq!(p[1].exporter_type, "otlp");
    assert_eq!(
        p[1].exporter_config,
        json!({"endpoint": "http://localhost:4317", "headers": {"x-a": "b"}, "compression": "none",
               "timeout": "500ms", "tls": {"insecure": true}})
    );
    assert_eq!(p[2].protocol, OtlpProtocol::HttpJson);
    assert_eq!(p[2].exporter_config["metrics_endpoint"], "http://localhost:4318/custom/path");
    assert_eq!(p[2].exporter_config["headers"], json!({"a": "1", "b": "2"}));
    assert_eq!(
        c.service.telemetry.resource,
        vec![("service.instance.id".into(), None), ("service.name".into(), Some("db-collector".into()))]
    );
    // `true` is what dbintel does anyway: no warning.
    assert!(!warned(&c, "without_units"), "{:?}", c.warnings);
}

#[test]
fn bad_readers_are_all_reported_and_checked_by_the_exporter() {
    let e = errors(&with_telemetry(
        r#"    metrics:
      views: [{selector: {instrument_name: x}}]
      readers:
        - pull: {exporter: {prometheus: {port: 99999}}}
        - periodic: {interval: 10, exporter: {otlp: {protocol: thrift, endpoint: x}}}
        - periodic: {exporter: {otlp: {endpoint: 'ftp://x'}}}
        - periodic: {exporter: {console: {}}}
        - {pull: {}, periodic: {}}
"#,
    ));
    for needle in [
        "service.telemetry.metrics.views: not supported",
        "readers[0].pull.exporter.prometheus.port: expected a port",
        "readers[1].periodic.interval: use 1s to 24h",
        "readers[1].periodic.exporter.otlp.protocol: unknown value `thrift`",
        "readers[2].periodic.exporter.otlp.endpoint: use an http:// or https:// URL",
        "readers[3].periodic.exporter.console: not supported",
        "readers[4]: a reader is either `pull` or `periodic`",
    ] {
        assert!(e.contains(needle), "{needle}\n{e}");
    }
    // Both, as the Collector does: the address is one more pull reader; an empty one adds none.
    let c = ok(&with_telemetry(
        "    metrics: {address: ':1', readers: [{pull: {exporter: {prometheus: {port: 2}}}}]}\n",
    ));
    assert_eq!(
        c.service.telemetry.metrics.pull_addresses().collect::<Vec<_>>(),
        vec!["127.0.0.1:2", "0.0.0.0:1"]
    );
    let c = ok(&with_telemetry("    metrics: {address: '', level: none}\n"));
    assert!(c.service.telemetry.metrics.readers.is_empty());
}

#[test]
fn traces_are_accepted_with_a_warning() {
    let c = ok(&with_telemetry(
        "    traces: {level: basic, processors: [{batch: {exporter: {otlp: {endpoint: x}}}}]}\n",
    ));
    assert!(
        warned(&c, "service.telemetry.traces: accepted and ignored: dbintel produces no traces"),
        "{:?}",
        c.warnings
    );
    let c = ok(&with_telemetry("    traces: {level: none}\n"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert!(errors(&with_telemetry("    traces: {sampler: x}\n")).contains("traces.sampler: unknown key"));
}

#[test]
fn header_values_never_appear_in_messages() {
    let text = with_telemetry(
        "    metrics:\n      readers:\n        - periodic: {exporter: {otlp: {endpoint: '${env:EP}', headers: [{name: api-key, value: '${env:KEY}'}]}}}\n",
    );
    let e = check(
        &[ConfigSource::embedded("c.yaml", &text)],
        &[("EP", "ftp://topsecret-endpoint"), ("KEY", "sekrit-license-key")],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("readers[0].periodic.exporter.otlp.endpoint"), "{e}");
    assert!(!e.contains("topsecret-endpoint") && !e.contains("sekrit"), "{e}");
}

#[test]
fn several_yaml_documents_use_the_first_with_a_warning() {
    let text = format!("{PIPELINE}---\nreceivers: {{nothing: {{}}}}\n");
    let c = ok(&text);
    assert_eq!(c.receivers.len(), 1);
    assert!(warned(&c, "c.yaml: has 2 YAML documents; only the first is used"), "{:?}", c.warnings);
}

#[test]
fn config_uris_and_set() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("base.yaml");
    std::fs::write(&path, PIPELINE).unwrap();
    let sources = vec![
        ConfigSource::from_uri(&format!("file:{}", path.display())).unwrap(),
        ConfigSource::from_uri("env:EXTRA_CONFIG").unwrap(),
        ConfigSource::from_uri("yaml:processors::batch::timeout: 2s").unwrap(),
        ConfigSource::set("service::pipelines::metrics::processors=[batch]").unwrap(),
        ConfigSource::set("service::telemetry::logs::level=debug").unwrap(),
    ];
    let c = check(&sources, &[("EXTRA_CONFIG", "exporters:\n  otlp: {endpoint: 'localhost:4317'}\n")])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.processors.len(), 1);
    assert_eq!(c.processors.values().next().unwrap()["timeout"], "2s");
    assert_eq!(c.service.pipelines.values().next().unwrap().processors.len(), 1);
    assert_eq!(c.service.telemetry.logs.level, LogLevel::Debug);
    assert!(c.exporters.keys().any(|k| k.to_string() == "otlp"));
    assert!(
        warned(&c, "env:EXTRA_CONFIG: exporters.otlp: exporter `otlp` is defined but not used"),
        "{:?}",
        c.warnings
    );

    // A plain path is a file; unset variables and unknown schemes are named.
    assert_eq!(ConfigSource::from_uri("conf/a.yaml").unwrap(), ConfigSource::file("conf/a.yaml"));
    assert!(ConfigSource::from_uri("https://x/c.yaml").unwrap_err().contains("not supported"));
    assert!(ConfigSource::from_uri("vault:x").unwrap_err().contains("unknown config URI scheme `vault:`"));
    assert!(ConfigSource::from_uri("env:1BAD").is_err());
    assert!(ConfigSource::set("novalue").is_err());
    assert!(ConfigSource::set("a::::b=1").is_err());
    let e = check(&[ConfigSource::from_uri("env:NOT_SET").unwrap()], &[]).unwrap_err().to_string();
    assert!(
        e.contains(
            "env:NOT_SET: environment variable `NOT_SET` (named by `--config env:NOT_SET`) is not set"
        ),
        "{e}"
    );
    // A `--set` error names the flag.
    let e = check(
        &[
            ConfigSource::embedded("c.yaml", PIPELINE),
            ConfigSource::set("service::telemetry::logs::level=loud").unwrap(),
        ],
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains(
            "--set service::telemetry::logs::level: service.telemetry.logs.level: unknown value `loud`"
        ),
        "{e}"
    );
}

#[test]
fn deprecated_components_load_with_migration_advice() {
    let text = "receivers:\n  postgresql:\nexporters:\n  logging: {loglevel: debug}\nextensions:\n  memory_ballast: {size_mib: 683}\n\
                service:\n  extensions: [memory_ballast]\n  pipelines:\n    metrics:\n      receivers: [postgresql]\n      exporters: [logging]\n";
    let c = ok(text);
    assert!(
        warned(&c, "c.yaml: exporters.logging: the `logging` exporter is deprecated"),
        "{:?}",
        c.warnings
    );
    assert!(warned(&c, "rename it to `debug`"), "{:?}", c.warnings);
    assert!(
        warned(&c, "c.yaml: extensions.memory_ballast: the `memory_ballast` extension is deprecated"),
        "{:?}",
        c.warnings
    );
}

#[test]
fn resource_constant_labels_choose_resource_attributes() {
    let c = ok(&with_telemetry(
        r#"    metrics:
      level: basic
      readers:
        - pull:
            exporter:
              prometheus:
                host: localhost
                port: 8888
                with_resource_constant_labels: {included: ["service.*", k8s.pod.name], excluded: [service.instance.id]}
        - pull: {exporter: {prometheus: {port: 8889}}}
"#,
    ));
    let m = &c.service.telemetry.metrics;
    assert_eq!(m.level, MetricsLevel::Basic);
    let MetricReader::Pull { resource_constant_labels: Some(filter), .. } = &m.readers[0] else {
        panic!("{:?}", m.readers)
    };
    assert!(
        filter.matches("service.name") && filter.matches("service.version") && filter.matches("k8s.pod.name")
    );
    assert!(!filter.matches("service.instance.id") && !filter.matches("host.name"));
    assert!(matches!(&m.readers[1], MetricReader::Pull { resource_constant_labels: None, .. }));
    assert!(!warned(&c, "with_resource_constant_labels"), "{:?}", c.warnings);
    // `{}` chooses every attribute; a list of non-strings is refused.
    assert!(AttributeFilter::default().matches("anything"));
    let e = errors(&with_telemetry(
        "    metrics:\n      readers:\n        - pull: {exporter: {prometheus: {with_resource_constant_labels: {included: [1]}}}}\n",
    ));
    assert!(e.contains("with_resource_constant_labels.included"), "{e}");
}
