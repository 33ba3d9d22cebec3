//! A Collector config using the keys of issue 14 (point 5 and the exporter/extension keys of point
//! 6) validates: accepted keys load, keys without effect here are warned about by name.

mod support;

#[test]
fn a_collector_config_with_these_keys_validates_and_warns_about_the_ignored_ones() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"
receivers:
  sqlquery:
    driver: postgres
    datasource: "host=127.0.0.1 port=1 user=x dbname=x"
    queries:
      - sql: "SELECT 1 AS one"
        metrics:
          - metric_name: one
            value_column: one
exporters:
  otlp:
    endpoint: dns:///otlp.nr-data.net:4317
    sending_queue:
      sizer: items
      queue_size: 100000
      wait_for_result: true
      batch:
        flush_timeout: 200ms
        min_size: 8192
        max_size: 16384
  otlp/unix:
    endpoint: unix:///run/otel/otlp.sock
    tls:
      insecure: true
  otlp/https:
    endpoint: https://otlp.nr-data.net:4317
    tls:
      insecure: true
  otlphttp:
    endpoint: https://otlp.nr-data.net
    profiles_endpoint: https://otlp.nr-data.net/v1development/profiles
    sending_queue:
      sizer: bytes
      queue_size: 50000000
  debug:
    verbosity: detailed
    output_paths: [stdout, {out}/debug.log]
  file:
    path: {out}/out.pb
    format: proto
    compression: zstd
    group_by:
      enabled: false
      resource_attribute: fileexporter.path_segment
      max_open_files: 10
  prometheus: {{}}
extensions:
  health_check:
    endpoint: 0.0.0.0:13133
    path: /health/status
    check_collector_pipeline:
      enabled: true
      interval: 5m
      exporter_failure_threshold: 5
    response_body:
      healthy: OK
    include_metadata: true
    max_request_body_size: 20971520
    cors:
      allowed_origins: ["https://*.example.com"]
      max_age: 7200
    response_headers:
      X-Served-By: dbintel
  zpages:
    endpoint: localhost:55679
  pprof:
    endpoint: localhost:1777
    block_profile_fraction: 3
    mutex_profile_fraction: 5
    save_to_file: {out}/cpu.pprof
service:
  extensions: [health_check, zpages, pprof]
  telemetry:
    metrics:
      address: 127.0.0.1:0
  pipelines:
    metrics:
      receivers: [sqlquery]
      exporters: [otlp, otlp/unix, otlp/https, otlphttp, debug, file, prometheus]
"#,
        out = dir.path().display()
    );
    let cfg = dir.path().join("collector.yaml");
    std::fs::write(&cfg, config).unwrap();
    let out = support::dbintel(&["validate", "--config", &cfg.display().to_string()]);
    let said = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    for warned in [
        "extensions.health_check.check_collector_pipeline",
        "extensions.health_check.include_metadata",
        "extensions.pprof.block_profile_fraction",
        "extensions.pprof.mutex_profile_fraction",
        "exporters.otlp/https.tls.insecure",
        "exporters.otlphttp.profiles_endpoint",
    ] {
        assert!(said.contains(warned), "no warning about {warned}: {said}");
    }
    assert!(!said.contains("exporters.otlp/unix.tls.insecure"), "meaningful there, not warned: {said}");
}
