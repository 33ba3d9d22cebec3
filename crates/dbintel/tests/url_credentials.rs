//! Credentials in URLs never leave the process: the real binary with `otlphttp` and `otlp` exporters
//! whose endpoints carry `user:password@`, against a refused port and an HTTP peer answering 503,
//! fed by sqlquery from a throwaway PostgreSQL. stderr (the retry warnings quote the failing request),
//! the health endpoint and self-telemetry never contain the password; `validate` refuses endpoints
//! with credentials in every component without echoing them.

mod support;

use std::io::{Read, Write};
use std::time::Duration;

use dbintel_test_support::shared_postgres;
use support::{Running, dbintel, free_port, http_get, wait_for};

const SECRET: &str = "Pw4UrlEndp0int";

/// An HTTP/1.1 peer answering 503 to every request, on a thread.
fn busy_peer() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let mut buf = [0u8; 65536];
                let _ = s.read(&mut buf);
                let _ = s.write_all(
                    b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\nconnection: close\r\n\r\nbusy",
                );
            });
        }
    });
    port
}

#[test]
fn exporter_endpoint_passwords_never_reach_logs_health_or_telemetry() {
    let pg = shared_postgres();
    let db = pg.create_database("e2e_url_credentials");
    let (hp, tp, refused, busy) = (free_port(), free_port(), free_port(), busy_peer());
    let config = format!(
        r#"
receivers:
  sqlquery/one:
    driver: postgres
    datasource: ${{env:E2E_DATASOURCE}}
    collection_interval: 200ms
    initial_delay: 0s
    queries:
      - sql: "SELECT 1 AS v"
        metrics:
          - metric_name: e2e.one
            value_column: v
exporters:
  otlphttp/refused:
    endpoint: http://user:{SECRET}@127.0.0.1:{refused}
    timeout: 1s
  otlphttp/busy:
    endpoint: http://user:{SECRET}@127.0.0.1:{busy}
    timeout: 1s
  otlp/refused:
    endpoint: http://user:{SECRET}@127.0.0.1:{refused}
    timeout: 1s
extensions:
  health_check:
    endpoint: 127.0.0.1:{hp}
service:
  extensions: [health_check]
  telemetry:
    logs:
      level: debug
    metrics:
      address: 127.0.0.1:{tp}
  pipelines:
    metrics:
      receivers: [sqlquery/one]
      exporters: [otlphttp/refused, otlphttp/busy, otlp/refused]
"#
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, config).unwrap();
    let path = path.display().to_string();
    let mut run =
        Running::start(&["run", "--config", &path], &[("E2E_DATASOURCE", &pg.url(&db))], dir.path());
    let health = format!("127.0.0.1:{hp}");
    let telemetry = format!("127.0.0.1:{tp}");
    wait_for("every exporter to fail and retry", Duration::from_secs(60), || {
        let err = run.stderr();
        ["otlphttp/refused", "otlphttp/busy", "otlp/refused"]
            .iter()
            .all(|id| err.lines().any(|l| l.contains("Exporting failed") && l.contains(id)))
    });
    let (_, body) = http_get(&health, "/");
    let (_, metrics) = http_get(&telemetry, "/metrics");
    run.signal("TERM");
    let _ = run.wait_exit(Duration::from_secs(30));
    let stderr = run.stderr();
    assert!(stderr.contains("127.0.0.1"), "the errors should name the peer: {stderr}");
    for (what, text) in
        [("logs", &stderr), ("health", &body), ("self-telemetry", &metrics), ("console", &run.stdout())]
    {
        assert!(!text.contains(SECRET), "the password leaked into {what}:\n{text}");
    }
}

#[test]
fn validate_refuses_urls_with_credentials_without_echoing_them() {
    let config = format!(
        r#"
receivers:
  sqlquery/one:
    driver: postgres
    datasource: "postgres://mon:{SECRET}@127.0.0.1:5432/db"
    queries:
      - sql: "SELECT 1 AS v"
        metrics:
          - metric_name: e2e.one
            value_column: v
exporters:
  otlphttp/a:
    endpoint: ftp://user:{SECRET}@127.0.0.1:4318
  otlphttp/b:
    endpoint: user:{SECRET}@127.0.0.1:4318
  otlp/c:
    endpoint: http://user:{SECRET}@127.0.0.1:notaport
  prometheus:
    endpoint: http://user:pa/{SECRET}@0.0.0.0:8889
extensions:
  health_check:
    endpoint: http://user:{SECRET}@127.0.0.1:13133
service:
  extensions: [health_check]
  telemetry:
    metrics:
      address: http://user:pa/{SECRET}@127.0.0.1:8888
  pipelines:
    metrics:
      receivers: [sqlquery/one]
      exporters: [otlphttp/a, otlphttp/b, otlp/c, prometheus]
"#
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, config).unwrap();
    let out = dbintel(&["validate", "--config", &path.display().to_string()]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "{text}");
    for key in ["otlphttp/a", "otlphttp/b", "otlp/c", "prometheus", "health_check", "metrics.address"] {
        assert!(text.contains(key), "no problem reported for {key}:\n{text}");
    }
    assert!(!text.contains(SECRET), "the password leaked into validate:\n{text}");
}
