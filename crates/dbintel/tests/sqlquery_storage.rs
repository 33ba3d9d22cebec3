//! The `sqlquery` receiver's tracking value kept in a `file_storage` extension, end to end with the
//! binary: a logs query over a throwaway PostgreSQL table writes to a `file` exporter (appending);
//! the collector is killed with SIGKILL once the rows it read were written, rows are added while it
//! is down, it is restarted, more rows arrive and it is stopped with SIGTERM. Every row must be in
//! the output exactly once. Also: the receiver sections of contrib's own testdata and README
//! validate with the binary.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use dbintel_test_support::shared_postgres;
use support::{Running, dbintel, free_port};

fn config(out: &Path, state: &Path) -> String {
    format!(
        r#"
receivers:
  sqlquery/audit:
    driver: postgres
    datasource: ${{env:E2E_DATASOURCE}}
    collection_interval: 200ms
    initial_delay: 0s
    storage: file_storage/state
    queries:
      - sql: "SELECT id, msg FROM audit WHERE id > $$1::int ORDER BY id"
        tracking_column: id
        tracking_start_value: "0"
        logs:
          - body_column: msg
exporters:
  file:
    path: {out}
    append: true
extensions:
  file_storage/state:
    directory: {state}
service:
  extensions: [file_storage/state]
  telemetry:
    metrics:
      address: 127.0.0.1:0
  pipelines:
    logs:
      receivers: [sqlquery/audit]
      exporters: [file]
"#,
        out = out.display(),
        state = state.display(),
    )
}

/// How many times each log body is in the OTLP-JSON lines file.
fn bodies(file: &Path) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let text = std::fs::read_to_string(file).unwrap_or_default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        for rl in v["resourceLogs"].as_array().into_iter().flatten() {
            for sl in rl["scopeLogs"].as_array().into_iter().flatten() {
                for r in sl["logRecords"].as_array().into_iter().flatten() {
                    if let Some(b) = r["body"]["stringValue"].as_str() {
                        *out.entry(b.to_string()).or_insert(0) += 1;
                    }
                }
            }
        }
    }
    out
}

fn want(ids: std::ops::RangeInclusive<u32>) -> BTreeMap<String, usize> {
    ids.map(|i| (format!("m{i}"), 1)).collect()
}

#[test]
fn tracking_survives_kill_9_and_sigterm_without_rereading_or_skipping_rows() {
    let pg = shared_postgres();
    let db = pg.create_database("e2e_track");
    let insert = |ids: std::ops::RangeInclusive<u32>| {
        let values: Vec<String> = ids.map(|i| format!("({i}, 'm{i}')")).collect();
        pg.psql(&db, &format!("INSERT INTO audit VALUES {}", values.join(","))).unwrap();
    };
    pg.psql(&db, "CREATE TABLE audit (id int PRIMARY KEY, msg text)").unwrap();
    let datasource = pg.url(&db);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let state = dir.path().join("state");
    let cfg_path = dir.path().join("config.yaml");
    std::fs::write(&cfg_path, config(&out, &state)).unwrap();
    let cfg = cfg_path.display().to_string();
    let env = [("E2E_DATASOURCE", datasource.as_str())];
    let tracking_file = state.join("receiver_sqlquery_audit").join("tracking.json");

    insert(1..=5);
    let run_dir = dir.path().join("run1");
    std::fs::create_dir_all(&run_dir).unwrap();
    let mut run = Running::start(&["run", "--config", &cfg], &env, &run_dir);
    run.wait_for("the first rows written and their tracking value stored", Duration::from_secs(60), || {
        bodies(&out) == want(1..=5)
            && std::fs::read_to_string(&tracking_file).is_ok_and(|t| t.contains("\"value\":\"5\""))
    });
    run.signal("KILL");
    let status = run.wait_exit(Duration::from_secs(10));
    assert_eq!(status.code(), None, "killed by a signal");

    // Rows added while the collector is down are read after the restart, and only those.
    insert(6..=8);
    let run_dir = dir.path().join("run2");
    std::fs::create_dir_all(&run_dir).unwrap();
    let mut run = Running::start(&["run", "--config", &cfg], &env, &run_dir);
    run.wait_for("the rows added while down", Duration::from_secs(60), || bodies(&out) == want(1..=8));
    insert(9..=9);
    run.wait_for("a row added while running", Duration::from_secs(60), || bodies(&out) == want(1..=9));
    // A few more collection intervals: nothing is read again.
    std::thread::sleep(Duration::from_millis(800));
    run.signal("TERM");
    let status = run.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "{status:?}: {}", run.stderr());
    assert_eq!(bodies(&out), want(1..=9), "every row exactly once");
    assert!(run.stderr().contains("tracking values loaded from storage"), "{}", run.stderr());

    // After a clean stop, a third run starts after row 9 as well.
    insert(10..=10);
    let run_dir = dir.path().join("run3");
    std::fs::create_dir_all(&run_dir).unwrap();
    let mut run = Running::start(&["run", "--config", &cfg], &env, &run_dir);
    run.wait_for("the row added after the clean stop", Duration::from_secs(60), || {
        bodies(&out) == want(1..=10)
    });
    run.signal("TERM");
    run.wait_exit(Duration::from_secs(10));
    assert_eq!(bodies(&out), want(1..=10));
}

/// Receiver sections from contrib's sqlqueryreceiver and postgresqlreceiver testdata and READMEs,
/// as written (placeholders for the environment variables, `mydriver` (a stand-in of the contrib
/// unit tests that contrib itself refuses) replaced by `postgres`), in a pipeline.
#[test]
fn contrib_receiver_testdata_validates() {
    let receivers = [
        // sqlqueryreceiver/testdata/config.yaml
        r#"
  sqlquery:
    collection_interval: 10s
    driver: postgres
    datasource: "host=localhost port=5432 user=me password=s3cr3t sslmode=disable"
    queries:
      - sql: "select count(*) as count, type from mytable group by type"
        metrics:
          - metric_name: val.count
            value_column: "count"
            attribute_columns: ["type"]
            data_type: sum
            value_type: int
            monotonic: false
            aggregation: cumulative
            static_attributes:
              foo: bar
"#,
        // sqlqueryreceiver/testdata/config-datasource-config.yaml
        r#"
  sqlquery:
    collection_interval: 10s
    driver: postgres
    host: localhost
    port: 5432
    database: mydb
    username: me
    password: s3cr3t
    queries:
      - sql: "select count(*) as count, type from mytable group by type"
        metrics:
          - metric_name: val.count
            value_column: "count"
            attribute_columns: ["type"]
            data_type: sum
            value_type: int
            monotonic: false
            aggregation: cumulative
            static_attributes:
              foo: bar
"#,
        // sqlqueryreceiver/testdata/config-logs-datasource-config.yaml (`?` with postgres: a warning)
        r#"
  sqlquery:
    collection_interval: 10s
    driver: postgres
    host: localhost
    port: 5432
    database: mydb
    username: me
    password: s3cr3t
    queries:
      - sql: "select * from test_logs where log_id > ?"
        tracking_start_value: "10"
        tracking_column: log_id
        logs:
          - body_column: log_body
            attribute_columns: ["log_attribute_1", "log_attribute_2"]
"#,
        // sqlqueryreceiver README, with storage
        r#"
  sqlquery:
    driver: postgres
    datasource: "host=localhost port=5432 user=postgres password=s3cr3t sslmode=disable"
    storage: file_storage
    queries:
      - sql: "select * from my_logs where log_id > $$1"
        tracking_start_value: "10000"
        tracking_column: log_id
        logs:
          - body_column: log_body
      - sql: "select count(*) as count, genre from movie group by genre"
        metrics:
          - metric_name: movie.genres
            value_column: "count"
            attribute_columns: ["genre"]
            static_attributes:
              dbinstance: mydbinstance
"#,
        // postgresqlreceiver/testdata/config.yaml
        r#"
  postgresql:
    endpoint: localhost:5432
    username: otel
    password: ${env:POSTGRESQL_PASSWORD}
  postgresql/all:
    endpoint: localhost:5432
    transport: tcp
    username: otel
    password: ${env:POSTGRESQL_PASSWORD}
    databases:
      - otel
    collection_interval: 10s
    tls:
      insecure: false
      insecure_skip_verify: false
      ca_file: /home/otel/authorities.crt
      cert_file: /home/otel/mypostgrescert.crt
      key_file: /home/otel/mypostgreskey.key
"#,
        // contrib PR #50921's example and mdatagen's per-metric attributes
        r#"
  postgresql:
    endpoint: "host:5432"
    username: "monitoring_user"
    password: ${env:POSTGRESQL_PASSWORD}
    connect_database: "mon"
    databases: [app]
    metrics:
      postgresql.blocks_read:
        enabled: true
        attributes: [source]
      postgresql.wal.lag:
        aggregation_strategy: max
"#,
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, section) in receivers.iter().enumerate() {
        let ids: Vec<&str> = section
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.trim_end().ends_with(':'))
            .map(|l| l.trim().trim_end_matches(':'))
            .collect();
        let storage = if section.contains("storage: file_storage") {
            format!("extensions:\n  file_storage:\n    directory: {}\n", dir.path().display())
        } else {
            String::new()
        };
        let service_ext = if storage.is_empty() { "" } else { "  extensions: [file_storage]\n" };
        let signal =
            if section.contains("logs:") && !section.contains("metrics:") { "logs" } else { "metrics" };
        let mut pipelines =
            format!("    {signal}:\n      receivers: [{}]\n      exporters: [debug]\n", ids.join(", "));
        if section.contains("logs:") && section.contains("metrics:") {
            pipelines.push_str(&format!(
                "    logs:\n      receivers: [{}]\n      exporters: [debug]\n",
                ids.join(", ")
            ));
        }
        let yaml = format!(
            "receivers:{section}exporters:\n  debug: {{}}\n{storage}service:\n{service_ext}  telemetry:\n    metrics:\n      address: 127.0.0.1:{}\n  pipelines:\n{pipelines}",
            free_port()
        );
        let path = dir.path().join(format!("contrib{i}.yaml"));
        std::fs::write(&path, &yaml).unwrap();
        let out = std::process::Command::new(support::bin())
            .args(["validate", "--config", &path.display().to_string()])
            .env("POSTGRESQL_PASSWORD", "dummy")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "contrib config {i} does not validate:\n{yaml}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // The `?` placeholder with the postgres driver is named by validate, not only at start.
        if section.contains("log_id > ?") {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("receivers.sqlquery.queries[0]") && stderr.contains("placeholder"),
                "{stderr}"
            );
        }
    }
    // contrib's invalid testdata stays invalid: aggregation with an explicit gauge.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        r#"
receivers:
  sqlquery:
    collection_interval: 10s
    driver: postgres
    datasource: "host=localhost port=5432 user=me password=s3cr3t sslmode=disable"
    queries:
      - sql: "select count(*) as count, type from mytable group by type"
        metrics:
          - metric_name: val.count
            value_column: "count"
            attribute_columns: ["type"]
            data_type: gauge
            value_type: int
            monotonic: false
            aggregation: cumulative
exporters:
  debug: {}
service:
  telemetry: {metrics: {address: "127.0.0.1:0"}}
  pipelines:
    metrics: {receivers: [sqlquery], exporters: [debug]}
"#,
    )
    .unwrap();
    let out = dbintel(&["validate", "--config", &bad.display().to_string()]);
    assert!(!out.status.success());
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("aggregation") && !text.contains("s3cr3t"), "{text}");
}
