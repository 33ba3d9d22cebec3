//! `dbintel run` with the `circuit_breaker` processor in the logs pipeline of a postgresql receiver,
//! against a throwaway PostgreSQL that is stopped and restarted: records carry `cb.state`, the
//! breaker of the database opens (self-telemetry `dbintel_circuit_breaker_state` = 2, health_check
//! names it, the receiver skips the scrapes and says so once), and closes after the restart. Every
//! wait is a liveness bound.

mod support;

use std::time::Duration;

use dbintel_test_support::{PgServer, postgres_available};
use support::{Running, free_port, http_get};

fn config(file: &str, port: u16, health: u16, telemetry: u16) -> String {
    format!(
        r#"
receivers:
  postgresql:
    endpoint: 127.0.0.1:{port}
    username: postgres
    databases: [postgres]
    tls: {{insecure: true}}
    collection_interval: 1s
    initial_delay: 0s
    events:
      db.server.top_query: {{enabled: true}}
    top_query_collection:
      collection_interval: 1s
processors:
  circuitbreaker:
    failure_threshold: 2
    success_threshold: 1
    open_state_timeout: 3s
    health_check_interval: 1s
exporters:
  file:
    path: {file}
extensions:
  health_check:
    endpoint: 127.0.0.1:{health}
service:
  extensions: [health_check]
  telemetry:
    metrics:
      address: 127.0.0.1:{telemetry}
  pipelines:
    logs:
      receivers: [postgresql]
      processors: [circuitbreaker]
      exporters: [file]
"#
    )
}

/// The value of `dbintel_circuit_breaker_state` for database `postgres`, if exposed.
fn state(metrics: &str) -> Option<f64> {
    metrics
        .lines()
        .filter(|l| l.starts_with("dbintel_circuit_breaker_state{") && l.contains("database=\"postgres\""))
        .find_map(|l| l.rsplit(' ').next()?.parse().ok())
}

#[test]
fn a_stopped_server_opens_the_breaker_seen_in_telemetry_health_and_records() {
    if !postgres_available() {
        eprintln!("skipped: no PostgreSQL binaries");
        return;
    }
    let mut pg = PgServer::start();
    // Some statements, so that top queries have something to report.
    pg.psql("postgres", "CREATE TABLE t (id int); SELECT count(*) FROM t; SELECT count(*) FROM t;").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let cfg = dir.path().join("config.yaml");
    let (health, telemetry) = (free_port(), free_port());
    std::fs::write(&cfg, config(&out.display().to_string(), pg.port, health, telemetry)).unwrap();
    let run = Running::start(&["run", "--config", &cfg.display().to_string()], &[], dir.path());
    let telemetry = format!("127.0.0.1:{telemetry}");
    let health = format!("127.0.0.1:{health}");

    // Load between collections, so top queries have deltas to report.
    run.wait_for("records stamped cb.state closed", Duration::from_secs(60), || {
        let _ = pg.psql("postgres", "SELECT count(*) FROM t; INSERT INTO t VALUES (1);");
        std::fs::read_to_string(&out).unwrap_or_default().lines().any(|l| {
            let Ok(doc) = serde_json::from_str::<serde_json::Value>(l) else { return false };
            doc["resourceLogs"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|rl| rl["scopeLogs"].as_array().into_iter().flatten())
                .flat_map(|sl| sl["logRecords"].as_array().into_iter().flatten())
                .flat_map(|lr| lr["attributes"].as_array().into_iter().flatten())
                .any(|kv| kv["key"] == "cb.state" && kv["value"]["stringValue"] == "closed")
        })
    });
    run.wait_for("the breaker's gauge at 0", Duration::from_secs(30), || {
        state(&http_get(&telemetry, "/metrics").1) == Some(0.0)
    });

    pg.stop();
    run.wait_for("the breaker open in self-telemetry", Duration::from_secs(60), || {
        state(&http_get(&telemetry, "/metrics").1) == Some(2.0)
    });
    // The processor publishes its health on its next batch or health check.
    run.wait_for("health_check naming the open database", Duration::from_secs(10), || {
        http_get(&health, "/").1.contains("circuit breaker open for database(s) postgres")
    });
    let (code, body) = http_get(&health, "/");
    assert_eq!(code, 200, "an open breaker is a recoverable state, the collector runs: {body}");
    run.wait_for("skips logged once", Duration::from_secs(10), || {
        run.stderr().contains("circuit breaker open")
    });

    pg.restart().expect("restart");
    run.wait_for("the breaker closed again", Duration::from_secs(60), || {
        state(&http_get(&telemetry, "/metrics").1) == Some(0.0)
    });
    let (_, m) = http_get(&telemetry, "/metrics");
    assert!(
        m.lines().any(|l| l.starts_with("dbintel_circuit_breaker_transitions_total{")
            && l.contains("from=\"half_open\"")
            && l.contains("to=\"closed\"")),
        "{m}"
    );
    run.wait_for("health ok again", Duration::from_secs(30), || {
        !http_get(&health, "/").1.contains("circuit breaker open")
    });
    run.signal("TERM");
}
