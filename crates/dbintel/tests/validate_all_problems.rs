//! `dbintel validate` reports every problem of a component section, each with its file and key
//! path, for every built-in component type: not only the first one that stops the typed parse.

mod support;

use support::dbintel;

/// Writes `text` to `name` in a temporary directory, runs `dbintel validate` on it, expects a
/// refusal and returns what it printed.
fn validate_failing(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = dbintel(&["validate", "--config", &path.display().to_string()]);
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every built-in type, each section with two or three independent problems.
const BROKEN: &str = r#"
receivers:
  postgresql:
    endpoint: localhost:5432
    username: dbintel
    collection_interval: 10 seconds
    tls: {insecure: maybe}
    databses: [a]
  sqlquery:
    driver: oracle
    datasource: "host=localhost"
    collection_interval: 1h1
    queries:
      - sql: "SELECT 1 AS one"
        metrics:
          - metric_name: one
            value_column: one
            data_type: gauges
processors:
  batch:
    timeout: soon
    send_batch_size: -5
    send_batch_max_sise: 10
exporters:
  debug:
    verbosity: loud
    sampling_initial: many
  file:
    path: /tmp/dbintel-validate-all.jsonl
    rotation: {max_megabytes: lots}
    format: xml
  otlp:
    endpoint: localhost:4317
    compression: brotli
    sending_queue: {queue_size: 0}
    timeout: 100h
  otlphttp:
    endpoint: http://localhost:4318
    compression: brotli
    sending_queue: {queue_size: -1}
    timeout: 100h
  prometheus:
    endpoint: "nohost"
    metric_expiration: never
extensions:
  file_storage:
    directory: /tmp
    timeout: whenever
    fsync: often
  health_check:
    endpoint: "0.0.0.0:13133"
    path: noslash
    response_body: 5
    helth: {}
service:
  extensions: [file_storage, health_check]
  pipelines:
    metrics:
      receivers: [postgresql, sqlquery]
      processors: [batch]
      exporters: [debug, file, otlp, otlphttp, prometheus]
"#;

const EXPECTED: &[&str] = &[
    "receivers.postgresql.collection_interval",
    "receivers.postgresql.tls.insecure",
    "receivers.postgresql.databses",
    "receivers.sqlquery.driver",
    "receivers.sqlquery.collection_interval",
    "receivers.sqlquery.queries[0].metrics[0].data_type",
    "processors.batch.timeout",
    "processors.batch.send_batch_size",
    "processors.batch.send_batch_max_sise",
    "exporters.debug.verbosity",
    "exporters.debug.sampling_initial",
    "exporters.file.rotation.max_megabytes",
    "exporters.file.format",
    "exporters.otlp.compression",
    "exporters.otlp.sending_queue.queue_size",
    "exporters.otlp.timeout",
    "exporters.otlphttp.compression",
    "exporters.otlphttp.sending_queue.queue_size",
    "exporters.otlphttp.timeout",
    "exporters.prometheus.endpoint",
    "exporters.prometheus.metric_expiration",
    "extensions.file_storage.timeout",
    "extensions.file_storage.fsync",
    "extensions.health_check.path",
    "extensions.health_check.response_body",
    "extensions.health_check.helth",
];

#[test]
fn validate_lists_every_problem_of_every_component_type() {
    let err = validate_failing("broken.yaml", BROKEN);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("broken.yaml: ")).collect();
    for key in EXPECTED {
        let n = lines.iter().filter(|l| l.contains(&format!("broken.yaml: {key}: "))).count();
        assert_eq!(n, 1, "`{key}` reported {n} times:\n{err}");
    }
    assert_eq!(lines.len(), EXPECTED.len(), "{err}");
    // The messages are the ones each problem gets on its own.
    assert!(
        err.contains("exporters.otlp.compression: unknown compression `brotli`; use gzip, zstd or none"),
        "{err}"
    );
    assert!(err.contains("exporters.otlp.sending_queue.queue_size: must be between 1 and"), "{err}");
    assert!(err.contains("exporters.otlp.timeout: too long: use 100ms to 10m"), "{err}");
}

#[test]
fn validate_warns_about_keys_accepted_and_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compat.yaml");
    let out_file = dir.path().join("out.jsonl");
    let text = format!(
        r#"
receivers:
  postgresql:
    endpoint: localhost:5432
    username: dbintel
    connection_pool: {{max_idle: 2}}
processors:
  batch:
    metadata_keys: [tenant]
exporters:
  file:
    path: {}
    flush_interval: 1s
  otlp:
    endpoint: localhost:4317
    keepalive: {{time: 10s}}
extensions:
  health_check:
    check_collector_pipeline: {{enabled: false}}
  file_storage:
    directory: {}
    compaction: {{on_start: true}}
service:
  extensions: [health_check, file_storage]
  pipelines:
    metrics:
      receivers: [postgresql]
      processors: [batch]
      exporters: [file, otlp]
"#,
        out_file.display(),
        dir.path().display()
    );
    std::fs::write(&path, text).unwrap();
    let out = dbintel(&["validate", "--config", &path.display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    for key in [
        "receivers.postgresql.connection_pool.max_idle",
        "processors.batch.metadata_keys",
        "exporters.file.flush_interval",
        "exporters.otlp.keepalive",
        "extensions.health_check.check_collector_pipeline",
        "extensions.file_storage.compaction",
    ] {
        assert!(
            err.contains(&format!("warning: {}: {key}: accepted and ignored: ", path.display())),
            "{key}:\n{err}"
        );
    }
    assert_eq!(err.matches("accepted and ignored").count(), 6, "{err}");
}

/// A list element of the wrong type is set aside as `null`, which its type refuses too; and a
/// semantic problem needs the typed parse to succeed. Neither may hide the problems after it.
#[test]
fn a_bad_list_element_does_not_hide_later_problems() {
    let text = r#"
receivers:
  postgresql:
    username: mon
    databases: [a, {x: 1}]
    collection_interval: 0s
  sqlquery:
    driver: postgres
    datasource: "host=localhost"
    queries:
      - sql: "SELECT 1"
        metrics:
          - metric_name: one
            value_column: one
            attribute_columns: [a, [b]]
            data_type: gauges
exporters:
  debug:
service:
  pipelines:
    metrics:
      receivers: [postgresql, sqlquery]
      exporters: [debug]
"#;
    let err = validate_failing("elements.yaml", text);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("elements.yaml: ")).collect();
    let expected = [
        "receivers.postgresql.databases[1]",
        "receivers.postgresql.collection_interval",
        "receivers.sqlquery.queries[0].metrics[0].attribute_columns[1]",
        "receivers.sqlquery.queries[0].metrics[0].data_type",
    ];
    for key in expected {
        let n = lines.iter().filter(|l| l.contains(&format!("elements.yaml: {key}: "))).count();
        assert_eq!(n, 1, "`{key}` reported {n} times:\n{err}");
    }
    assert_eq!(lines.len(), expected.len(), "{err}");
}

#[test]
fn a_key_at_the_wrong_level_is_pointed_to_where_it_belongs() {
    let text = r#"
receivers:
  postgresql:
    username: mon
    insecure_skip_verify: true
processors:
  verification:
    auto_sanitize: true
exporters:
  debug:
service:
  pipelines:
    logs:
      receivers: [postgresql]
      processors: [verification]
      exporters: [debug]
"#;
    let err = validate_failing("levels.yaml", text);
    assert!(err.contains("did you mean `processors.verification.pii_detection.auto_sanitize`?"), "{err}");
    assert!(err.contains("did you mean `receivers.postgresql.tls.insecure_skip_verify`?"), "{err}");
}
