//! `dbintel run` end to end against a throwaway PostgreSQL: sqlquery -> batch -> file + debug, with
//! the health endpoint and self-telemetry; the file is parsed by the official OTLP proto package
//! and compared with what the database holds; SIGTERM drains and exits 0.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use dbintel_test_support::shared_postgres;
use support::{Running, free_port, http_get, otlp_summary, wait_for};

const FIXTURE: &str = r#"
CREATE TABLE sales (region text PRIMARY KEY, units bigint NOT NULL, revenue numeric(12,2) NOT NULL);
INSERT INTO sales VALUES ('emea', 120, 1234.50), ('apac', 75, 999.99), ('amer', 310, 45000.25);
CREATE TABLE events (id serial PRIMARY KEY, level text NOT NULL, message text NOT NULL);
INSERT INTO events (level, message) VALUES ('info', 'backup finished'), ('warn', 'replica lagging');
"#;

fn config(file: &str, health_port: u16, telemetry_port: u16, batch_timeout: &str) -> String {
    format!(
        r#"
receivers:
  sqlquery/sales:
    driver: postgres
    datasource: ${{env:E2E_DATASOURCE}}
    collection_interval: 300ms
    initial_delay: 0s
    queries:
      - sql: "SELECT region, units, revenue FROM sales ORDER BY region"
        metrics:
          - metric_name: e2e.sales.units
            value_column: units
            attribute_columns: [region]
            data_type: sum
            monotonic: true
            unit: "{{unit}}"
          - metric_name: e2e.sales.revenue
            value_column: revenue
            value_type: double
            attribute_columns: [region]
            static_attributes:
              currency: EUR
      - sql: "SELECT id, level, message FROM events WHERE id > $$1 ORDER BY id"
        tracking_column: id
        tracking_start_value: "0"
        logs:
          - body_column: message
            attribute_columns: [level]
processors:
  batch:
    timeout: {batch_timeout}
    send_batch_size: 100000
exporters:
  file:
    path: {file}
  debug:
    verbosity: basic
extensions:
  health_check:
    endpoint: 127.0.0.1:{health_port}
service:
  extensions: [health_check]
  telemetry:
    logs:
      level: info
    metrics:
      address: 127.0.0.1:{telemetry_port}
  pipelines:
    metrics:
      receivers: [sqlquery/sales]
      processors: [batch]
      exporters: [file, debug]
    logs:
      receivers: [sqlquery/sales]
      processors: [batch]
      exporters: [file, debug]
"#
    )
}

/// A running collector on a fresh config, with its output file and endpoints.
struct Launch {
    _dir: tempfile::TempDir,
    run: Running,
    out_file: std::path::PathBuf,
    health: String,
    telemetry: String,
}

fn launch(datasource: &str, batch_timeout: &str, tweak: impl Fn(String) -> String) -> Launch {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.jsonl");
    let (hp, tp) = (free_port(), free_port());
    let cfg_path = dir.path().join("config.yaml");
    std::fs::write(&cfg_path, tweak(config(&out_file.display().to_string(), hp, tp, batch_timeout))).unwrap();
    let cfg = cfg_path.display().to_string();
    let run = Running::start(&["run", "--config", &cfg], &[("E2E_DATASOURCE", datasource)], dir.path());
    Launch {
        _dir: dir,
        run,
        out_file,
        health: format!("127.0.0.1:{hp}"),
        telemetry: format!("127.0.0.1:{tp}"),
    }
}

fn fixture_db() -> String {
    let pg = shared_postgres();
    let db = pg.create_database("e2e_run");
    pg.psql(&db, FIXTURE).expect("fixture");
    pg.url(&db)
}

#[test]
fn collects_exports_serves_health_and_stops_cleanly_on_sigterm() {
    let Launch { _dir, mut run, out_file, health, telemetry } = launch(&fixture_db(), "200ms", |c| c);
    wait_for("a healthy status", Duration::from_secs(30), || http_get(&health, "/").0 == 200);
    let (_, body) = http_get(&health, "/");
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    let ids: Vec<&str> =
        doc["components"].as_array().unwrap().iter().filter_map(|c| c["id"].as_str()).collect();
    for id in ["sqlquery/sales", "batch", "file", "debug", "health_check"] {
        assert!(ids.contains(&id), "{id} missing from health: {doc}");
    }

    let content = || std::fs::read_to_string(&out_file).unwrap_or_default();
    wait_for("metrics and logs in the file", Duration::from_secs(30), || {
        let c = content();
        c.matches("resourceMetrics").count() >= 2 && c.contains("resourceLogs")
    });

    let (code, metrics) = http_get(&telemetry, "/metrics");
    assert_eq!(code, 200);
    let accepted = metrics
        .lines()
        .find(|l| l.starts_with("otelcol_receiver_accepted_metric_points_total{receiver=\"sqlquery/sales\"}"))
        .unwrap_or_else(|| panic!("no accepted counter:\n{metrics}"));
    let n: f64 = accepted.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 6.0, "{accepted}");
    assert!(metrics.contains("otelcol_exporter_sent_metric_points_total{exporter=\"file\"}"), "{metrics}");

    run.signal("TERM");
    let status = run.wait_exit(Duration::from_secs(20));
    assert_eq!(status.code(), Some(0), "stderr:\n{}", run.stderr());
    assert_eq!(http_get(&health, "/").0, 0, "health endpoint still up after exit");

    // The console shows a readable summary.
    let stdout = run.stdout();
    assert!(stdout.contains("e2e.sales.units"), "debug output:\n{stdout}");

    // Compare the file, as the official OTLP parser reads it, with the database.
    let summary = otlp_summary(&out_file);
    let mut units: BTreeMap<String, i64> = BTreeMap::new();
    let mut revenue: BTreeMap<String, f64> = BTreeMap::new();
    for p in summary["metrics"].as_array().unwrap() {
        let region = p["attributes"]["region"].as_str().unwrap_or_default().to_string();
        match p["name"].as_str() {
            Some("e2e.sales.units") => {
                assert_eq!(p["kind"], "sum");
                assert_eq!(p["monotonic"], true);
                assert_eq!(p["temporality"], 2, "cumulative");
                assert_eq!(p["unit"], "{unit}");
                units.insert(region, p["value"].as_i64().unwrap());
            }
            Some("e2e.sales.revenue") => {
                assert_eq!(p["kind"], "gauge");
                assert_eq!(p["attributes"]["currency"], "EUR");
                revenue.insert(region, p["value"].as_f64().unwrap());
            }
            other => panic!("unexpected metric {other:?}"),
        }
    }
    assert_eq!(units, BTreeMap::from([("amer".into(), 310), ("apac".into(), 75), ("emea".into(), 120)]));
    assert_eq!(revenue.len(), 3);
    assert!((revenue["amer"] - 45000.25).abs() < 1e-9 && (revenue["apac"] - 999.99).abs() < 1e-9);
    let logs = summary["logs"].as_array().unwrap();
    let bodies: Vec<&str> = logs.iter().filter_map(|l| l["body"].as_str()).collect();
    // The tracking column makes each event appear once, however many scrapes ran.
    assert_eq!(bodies, ["backup finished", "replica lagging"], "{logs:?}");
    assert_eq!(logs[1]["attributes"]["level"], "warn");
}

#[test]
fn sigterm_flushes_data_still_held_by_the_batch_processor() {
    // A one-hour batch timeout: nothing reaches the file until shutdown drains the batch.
    let Launch { _dir, mut run, out_file, telemetry, .. } = launch(&fixture_db(), "1h", |c| c);
    let accepted = || {
        let (_, m) = http_get(&telemetry, "/metrics");
        m.lines()
            .find(|l| l.starts_with("otelcol_processor_incoming_metric_points_total{processor=\"batch\""))
            .and_then(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
            .unwrap_or(0.0)
    };
    wait_for("data to enter the batch processor", Duration::from_secs(30), || accepted() >= 12.0);
    let before = std::fs::read_to_string(&out_file).unwrap_or_default();
    assert!(!before.contains("e2e.sales.units"), "batch should still hold the data");
    run.signal("TERM");
    let status = run.wait_exit(Duration::from_secs(20));
    assert_eq!(status.code(), Some(0), "stderr:\n{}", run.stderr());
    let summary = otlp_summary(&out_file);
    let points = summary["metrics"].as_array().unwrap().len();
    assert!(points >= 12, "only {points} points were flushed");
    assert_eq!(points % 6, 0, "every scrape yields 6 points; a partial scrape was written");
}

#[test]
fn sigint_also_stops_cleanly() {
    let Launch { _dir, mut run, health, .. } = launch(&fixture_db(), "200ms", |c| c);
    wait_for("a healthy status", Duration::from_secs(30), || http_get(&health, "/").0 == 200);
    run.signal("INT");
    assert_eq!(run.wait_exit(Duration::from_secs(20)).code(), Some(0), "{}", run.stderr());
}

#[test]
fn the_embedded_default_watches_local_postgres_on_the_console() {
    let pg = shared_postgres();
    let dir = tempfile::tempdir().unwrap();
    let port = pg.port.to_string();
    let mut run = Running::start(
        &["run"],
        &[
            ("PGHOST", "127.0.0.1"),
            ("PGPORT", &port),
            ("PGUSER", "postgres"),
            ("PGDATABASE", "postgres"),
            // Not the machine's own MySQL, if it has one: PostgreSQL only.
            ("MYSQL_UNIX_PORT", "/nonexistent/mysqld.sock"),
        ],
        dir.path(),
    );
    wait_for("console output", Duration::from_secs(40), || run.stdout().contains("postgresql.backends"));
    run.signal("TERM");
    assert_eq!(run.wait_exit(Duration::from_secs(20)).code(), Some(0), "{}", run.stderr());
    // Basic verbosity: one compact line per batch, from the postgresql receiver's scope.
    let out = run.stdout();
    let line = out.lines().find(|l| l.contains("postgresql.backends")).unwrap_or_default();
    assert!(line.contains(" metrics ") && line.contains("dbintel/postgresql"), "{out}");
    let stderr = run.stderr();
    assert!(!stderr.contains("ERROR"), "{stderr}");
}

#[test]
fn doctor_checks_the_configured_postgres_and_prints_fixes() {
    let pg = shared_postgres();
    let port = pg.port.to_string();
    let env = [
        ("PGHOST", "127.0.0.1"),
        ("PGPORT", port.as_str()),
        ("PGUSER", "postgres"),
        // Not the machine's own MySQL, if it has one: PostgreSQL only.
        ("MYSQL_UNIX_PORT", "/nonexistent/mysqld.sock"),
    ];
    let out = std::process::Command::new(support::bin()).args(["doctor"]).envs(env).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // The harness server has everything dbintel needs.
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains("pg_stat_statements.preload") && text.contains("Everything dbintel needs"),
        "{text}"
    );

    // A server without pg_stat_statements: the fix is named and the exit code says so.
    let bare = dbintel_test_support::PgServer::builder()
        .setting("shared_preload_libraries", "")
        .setting("compute_query_id", "auto")
        .start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("doctor.yaml");
    std::fs::write(
        &cfg,
        format!(
            "receivers:\n  postgresql/bare:\n    endpoint: 127.0.0.1:{}\n    username: postgres\n    tls: {{insecure: true}}\n\
             exporters:\n  debug:\nservice:\n  pipelines:\n    metrics:\n      receivers: [postgresql/bare]\n      exporters: [debug]\n",
            bare.port
        ),
    )
    .unwrap();
    let out = std::process::Command::new(support::bin())
        .args(["doctor", "--json", "--config", &cfg.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let findings: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let preload =
        findings.iter().find(|f| f["check"] == "pg_stat_statements.preload").expect("preload check");
    assert_eq!(preload["ok"], false);
    assert_eq!(preload["receiver"], "postgresql/bare");
    assert!(preload["fix"].as_str().unwrap().contains("shared_preload_libraries"), "{preload}");
}

#[test]
fn json_logs_when_configured() {
    let Launch { _dir, mut run, health, .. } = launch(&fixture_db(), "200ms", |c| {
        c.replace("    logs:\n      level: info\n", "    logs:\n      level: info\n      encoding: json\n")
    });
    wait_for("a healthy status", Duration::from_secs(30), || http_get(&health, "/").0 == 200);
    run.signal("TERM");
    assert_eq!(run.wait_exit(Duration::from_secs(20)).code(), Some(0));
    let stderr = run.stderr();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() >= 3, "{stderr}");
    for line in lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v["level"].is_string() && v["message"].is_string(), "{line}");
        assert!(!line.contains('\u{1b}'), "ANSI escape in a log line: {line}");
    }
    assert!(stderr.contains("Shutdown complete"), "{stderr}");
}

#[test]
fn an_unreachable_database_is_a_recoverable_status_and_the_password_never_leaks() {
    let secret = "Sup3rS3cretPassw0rd";
    let url = format!("postgres://monitor:{secret}@127.0.0.1:{}/nowhere", free_port());
    let Launch { _dir, mut run, health, telemetry, .. } = launch(&url, "200ms", |c| c);
    let mut body = String::new();
    wait_for("the receiver to report the outage", Duration::from_secs(30), || {
        let (code, b) = http_get(&health, "/");
        body = b;
        code == 200 && body.contains("recoverable_error")
    });
    let (_, metrics) = http_get(&telemetry, "/metrics");
    run.signal("TERM");
    assert_eq!(run.wait_exit(Duration::from_secs(20)).code(), Some(0), "{}", run.stderr());
    let stderr = run.stderr();
    for (what, text) in
        [("logs", &stderr), ("health", &body), ("self-telemetry", &metrics), ("console", &run.stdout())]
    {
        assert!(!text.contains(secret), "the password leaked into {what}:\n{text}");
    }
    assert!(stderr.contains("127.0.0.1"), "the error should say which server: {stderr}");
}
