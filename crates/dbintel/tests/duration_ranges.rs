//! Every duration key of every component and of `service` has a sane range that `validate` enforces
//! (Go's own limit first, then the key's range), and the largest allowed values run and stop cleanly
//! on SIGTERM (no overflow panic).

mod support;

use std::time::Duration;

use dbintel_test_support::shared_postgres;
use support::{Running, dbintel, wait_for};

/// A config using every component with duration keys; `{key}` lines are replaced per case.
fn config(dir: &str, overrides: &[(&str, &str)]) -> String {
    let mut text = format!(
        r#"
receivers:
  postgresql:
    endpoint: 127.0.0.1:1
    username: u
    password: p
    collection_interval: 10s
    initial_delay: 1s
    timeout: 10s
    connection_pool:
      max_idle_time: 0
      max_lifetime: 1h
    top_query_collection:
      collection_interval: 60s
      query_plan_cache_ttl: 1h
    query_sample_collection:
      collection_interval: 10s
  sqlquery:
    driver: postgres
    datasource: "host=127.0.0.1 port=1 user=u dbname=d"
    collection_interval: 10s
    initial_delay: 1s
    query_timeout: 10s
    queries:
      - sql: "SELECT 1 AS one"
        metrics:
          - metric_name: one
            value_column: one
processors:
  batch:
    timeout: 200ms
exporters:
  otlp:
    endpoint: 127.0.0.1:4317
    timeout: 5s
    retry_on_failure:
      initial_interval: 5s
      max_interval: 30s
      max_elapsed_time: 300s
  otlphttp:
    endpoint: http://127.0.0.1:4318
    timeout: 30s
    retry_on_failure:
      initial_interval: 5s
      max_interval: 30s
      max_elapsed_time: 300s
  prometheus:
    endpoint: 127.0.0.1:0
    metric_expiration: 5m
  file:
    path: {dir}/out.jsonl
    flush_interval: 1s
extensions:
  file_storage:
    directory: {dir}/queue
    timeout: 1s
service:
  extensions: [file_storage]
  shutdown_timeout: 4s
  pipelines:
    metrics:
      receivers: [postgresql, sqlquery]
      processors: [batch]
      exporters: [otlp, otlphttp, prometheus, file]
"#
    );
    for (path, value) in overrides {
        text = set(&text, path, value);
    }
    text
}

/// Replaces the value of the key at dotted `path` (first occurrence under each parent, in order).
fn set(text: &str, path: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut from = 0;
    let keys: Vec<&str> = path.split('.').collect();
    for (depth, key) in keys.iter().enumerate() {
        let prefix = format!("{}{key}:", "  ".repeat(depth));
        let i =
            (from..lines.len()).find(|&i| lines[i].starts_with(&prefix)).unwrap_or_else(|| panic!("{path}"));
        if depth == keys.len() - 1 {
            lines[i] = format!("{prefix} {value}");
        }
        from = i + 1;
    }
    lines.join("\n") + "\n"
}

/// (key path, range as printed, a value below the range or None when 0 is the lowest value).
const KEYS: &[(&str, &str, Option<&str>)] = &[
    ("receivers.postgresql.collection_interval", "1s to 24h", Some("999ms")),
    ("receivers.postgresql.initial_delay", "0s to 1h", None),
    ("receivers.postgresql.timeout", "100ms to 1h", Some("1ms")),
    ("receivers.postgresql.connection_pool.max_idle_time", "0 (never) or 1s to 24h", Some("500ms")),
    ("receivers.postgresql.connection_pool.max_lifetime", "0 (never) or 1s to 24h", Some("500ms")),
    ("receivers.postgresql.top_query_collection.collection_interval", "1s to 24h", Some("999ms")),
    ("receivers.postgresql.top_query_collection.query_plan_cache_ttl", "1s to 168h", Some("0s")),
    ("receivers.postgresql.query_sample_collection.collection_interval", "1s to 24h", Some("999ms")),
    ("receivers.sqlquery.collection_interval", "100ms to 24h", Some("50ms")),
    ("receivers.sqlquery.initial_delay", "0s to 1h", None),
    ("receivers.sqlquery.query_timeout", "100ms to 1h", Some("1ms")),
    ("processors.batch.timeout", "0 (send immediately) or 1ms to 1h", Some("500us")),
    ("exporters.otlp.timeout", "100ms to 10m", Some("1ms")),
    ("exporters.otlp.retry_on_failure.initial_interval", "10ms to 1h", Some("1ms")),
    ("exporters.otlp.retry_on_failure.max_interval", "10ms to 1h", Some("1ms")),
    ("exporters.otlp.retry_on_failure.max_elapsed_time", "0 (retry forever) or 10ms to 24h", Some("5ms")),
    ("exporters.otlphttp.timeout", "100ms to 10m", Some("1ms")),
    ("exporters.otlphttp.retry_on_failure.initial_interval", "10ms to 1h", Some("1ms")),
    ("exporters.otlphttp.retry_on_failure.max_interval", "10ms to 1h", Some("1ms")),
    ("exporters.otlphttp.retry_on_failure.max_elapsed_time", "0 (retry forever) or 10ms to 24h", Some("5ms")),
    ("exporters.prometheus.metric_expiration", "1s to 24h", Some("500ms")),
    ("exporters.file.flush_interval", "0s to 1h", None),
    ("extensions.file_storage.timeout", "0s to 1h", None),
    ("service.shutdown_timeout", "1s to 5m", Some("999ms")),
];

fn validate(dir: &std::path::Path, text: &str) -> (bool, String) {
    let path = dir.join("c.yaml");
    std::fs::write(&path, text).unwrap();
    let out = dbintel(&["validate", "--config", &path.display().to_string()]);
    (out.status.success(), String::from_utf8_lossy(&out.stderr).to_string())
}

#[test]
fn the_base_config_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let (ok, err) = validate(dir.path(), &config(&d, &[]));
    assert!(ok, "{err}");
}

#[test]
fn validate_rejects_out_of_range_durations_at_every_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let file = dir.path().join("c.yaml").display().to_string();
    for (key, range, small) in KEYS {
        let line_of = |err: &str| -> String {
            err.lines()
                .find(|l| l.starts_with(&format!("{file}: {key}: ")))
                .unwrap_or_else(|| panic!("no error at {key}:\n{err}"))
                .to_string()
        };
        // Go's limit: the max u64 as seconds and as nanoseconds, and hours beyond it.
        for huge in ["18446744073709551615s", "18446744073709551615", "9999999999h"] {
            let (ok, err) = validate(dir.path(), &config(&d, &[(key, huge)]));
            assert!(!ok, "{key}: {huge} accepted");
            assert!(line_of(&err).contains("at most 2562047h47m16.854775807s"), "{key}: {err}");
        }
        // Parses, but beyond the key's range.
        let (ok, err) = validate(dir.path(), &config(&d, &[(key, "2562047h")]));
        assert!(!ok, "{key}: 2562047h accepted");
        assert!(
            line_of(&err).ends_with(&format!("too long: use {range}"))
                || line_of(&err).contains(&format!("too long: use {range};")),
            "{key}: {err}"
        );
        if let Some(small) = small {
            let (ok, err) = validate(dir.path(), &config(&d, &[(key, small)]));
            assert!(!ok, "{key}: {small} accepted");
            assert!(line_of(&err).contains(&format!("too short: use {range}")), "{key}: {err}");
        }
    }
}

#[test]
fn the_largest_allowed_durations_run_and_stop_cleanly_on_sigterm() {
    let pg = shared_postgres();
    let db = pg.create_database("e2e_durations");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let datasource = pg.url(&db);
    let (host, port) = (&pg.host, pg.port);
    let tport = support::free_port();
    // One scrape of each receiver at once, then the next ones a day later; every key at its maximum.
    let text = format!(
        r#"
receivers:
  postgresql:
    endpoint: {host}:{port}
    username: postgres
    databases: [{db}]
    collection_interval: 24h
    initial_delay: 0s
    timeout: 1h
    connection_pool:
      max_idle_time: 24h
      max_lifetime: 24h
    top_query_collection:
      collection_interval: 24h
      query_plan_cache_ttl: 168h
    query_sample_collection:
      collection_interval: 24h
  sqlquery:
    driver: postgres
    datasource: "{datasource}"
    collection_interval: 24h
    initial_delay: 0s
    query_timeout: 1h
    queries:
      - sql: "SELECT 1 AS one"
        metrics:
          - metric_name: one
            value_column: one
processors:
  batch:
    timeout: 1h
exporters:
  file:
    path: {d}/out.jsonl
    flush_interval: 1h
service:
  shutdown_timeout: 5m
  telemetry:
    metrics:
      address: 127.0.0.1:{tport}
  pipelines:
    metrics:
      receivers: [sqlquery, postgresql]
      processors: [batch]
      exporters: [file]
"#
    );
    let cfg = dir.path().join("c.yaml");
    std::fs::write(&cfg, text).unwrap();
    let cfg = cfg.display().to_string();
    let mut run = Running::start(&["run", "--config", &cfg], &[("DBINTEL_LOG", "debug")], dir.path());
    let accepted = |receiver: &str| {
        let (_, m) = support::http_get(&format!("127.0.0.1:{tport}"), "/metrics");
        m.lines()
            .filter(|l| l.starts_with("otelcol_receiver_accepted_metric_points_total{"))
            .filter(|l| l.contains(&format!("receiver=\"{receiver}\"")))
            .filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
            .sum::<f64>()
    };
    wait_for("the first scrape of both receivers", Duration::from_secs(60), || {
        accepted("sqlquery") > 0.0 && accepted("postgresql") > 0.0
    });
    // The scrape's data now waits in the batch processor (its timeout is 1h).
    run.signal("TERM");
    let status = run.wait_exit(Duration::from_secs(400));
    let err = run.stderr();
    assert!(status.success(), "exit {status:?}:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The batch was flushed at shutdown: the scrape reached the file.
    let out = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap_or_default();
    assert!(out.contains("\"one\""), "{out}\n{err}");
    assert!(out.contains("\"postgresql.up\""), "{out}\n{err}");
}
