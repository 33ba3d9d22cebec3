//! `dbintel healthcheck`, the probe the container image's HEALTHCHECK runs: exit 0 while the
//! running service's health_check answers 2xx (a retrying exporter included), 1 when it answers
//! anything else (404 here) or nothing at all, against a real `dbintel run` on a throwaway PostgreSQL.

mod support;

use std::process::{Command, Output};
use std::time::Duration;

use dbintel_test_support::shared_postgres;
use support::{Running, bin, free_port, http_get};

fn config(health_port: u16, exporter: &str) -> String {
    format!(
        r#"
receivers:
  sqlquery:
    driver: postgres
    datasource: ${{env:HC_DATASOURCE}}
    collection_interval: 200ms
    initial_delay: 0s
    queries:
      - sql: "SELECT 1 AS one"
        metrics:
          - metric_name: hc.one
            value_column: one
exporters:
  debug:
    verbosity: basic
  otlphttp/down:
    endpoint: http://127.0.0.1:{down}
    retry_on_failure:
      initial_interval: 100ms
      max_interval: 200ms
extensions:
  health_check:
    endpoint: 127.0.0.1:{health_port}
service:
  extensions: [health_check]
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: {telemetry}
  pipelines:
    metrics:
      receivers: [sqlquery]
      exporters: [{exporter}]
"#,
        down = free_port(),
        telemetry = free_port(),
    )
}

fn healthcheck(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.arg("healthcheck").args(args).env_remove("DBINTEL_HEALTHCHECK_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run dbintel healthcheck")
}

fn start(exporter: &str) -> (tempfile::TempDir, Running, u16) {
    let pg = shared_postgres();
    let db = pg.create_database("healthcheck");
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(&cfg, config(port, exporter)).unwrap();
    let url = pg.url(&db);
    let run = Running::start(
        &["run", "--config", &cfg.display().to_string()],
        &[("HC_DATASOURCE", url.as_str())],
        dir.path(),
    );
    (dir, run, port)
}

#[test]
fn healthy_service_exits_0_and_a_missing_path_or_closed_port_exits_1() {
    let (_dir, mut run, port) = start("debug");
    let addr = format!("127.0.0.1:{port}");
    run.wait_for("a healthy status", Duration::from_secs(30), || http_get(&addr, "/").0 == 200);

    let out = healthcheck(&["--url", &format!("http://{addr}/")], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("200"), "{out:?}");
    // The image sets the URL through the environment.
    let out = healthcheck(&[], &[("DBINTEL_HEALTHCHECK_URL", &format!("http://{addr}/"))]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    let out = healthcheck(&["--url", &format!("http://{addr}/no-such-path")], &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("404"), "{out:?}");

    let out = healthcheck(&["--url", &format!("https://{addr}/")], &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("only http://"), "{out:?}");

    run.signal("TERM");
    assert_eq!(run.wait_exit(Duration::from_secs(20)).code(), Some(0), "{}", run.stderr());
    // Nothing listens any more.
    let out = healthcheck(&["--url", &format!("http://{addr}/"), "--timeout-ms", "2000"], &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot connect"), "{out:?}");
}

#[test]
fn an_exporter_retrying_against_a_down_backend_keeps_the_probe_healthy() {
    // A retrying exporter is `recoverable_error`: still running, so health_check answers 200 and the
    // container stays healthy through a backend outage (the data waits in the sending queue).
    let (_dir, mut run, port) = start("otlphttp/down");
    let addr = format!("127.0.0.1:{port}");
    run.wait_for("the exporter to report its failures", Duration::from_secs(30), || {
        let (code, body) = http_get(&addr, "/");
        code == 200 && body.contains("recoverable_error") && body.contains("otlphttp/down")
    });
    let out = healthcheck(&["--url", &format!("http://{addr}/")], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    run.signal("TERM");
    assert_eq!(run.wait_exit(Duration::from_secs(20)).code(), Some(0), "{}", run.stderr());
}

#[test]
fn bad_arguments_are_usage_errors() {
    let out = healthcheck(&["--timeout-ms", "5"], &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = healthcheck(&["--url", "127.0.0.1:13133"], &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no scheme"), "{out:?}");
}
