//! Delivery to rotel, an independent OTLP collector (Rust, from PyPI), over gRPC and HTTP: the
//! dbintel binary scrapes a throwaway PostgreSQL and exports with `otlp` (gRPC, gzip) and
//! `otlphttp` (protobuf and JSON bodies); rotel's debug log must show every metric and log record.
//! rotel accepts gzip and no compression; zstd is covered by the Python receiver built on the
//! official opentelemetry-proto package (crates/exporters/tests/otlp_peer.rs).

mod support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use dbintel_test_support::shared_postgres;
use support::{Running, free_port, wait_for};

/// The rotel-agent binary shipped in the `rotel` PyPI package.
fn rotel_agent() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args(["-c", "import rotel, os; print(os.path.join(os.path.dirname(rotel.__file__), 'rotel-agent'))"])
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    path.is_file().then_some(path)
}

struct Rotel {
    child: Child,
    log: PathBuf,
}

impl Drop for Rotel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_rotel(dir: &std::path::Path, grpc: u16, http: u16) -> Option<Rotel> {
    let Some(agent) = rotel_agent() else {
        assert!(std::env::var("CI").is_err(), "rotel is missing: pip install rotel (.ci/test installs it)");
        eprintln!("skipping: rotel is not installed (pip install rotel)");
        return None;
    };
    let log = dir.join("rotel.out");
    let child = Command::new(agent)
        .args(["start", "--otlp-grpc-endpoint", &format!("127.0.0.1:{grpc}")])
        .args(["--otlp-http-endpoint", &format!("127.0.0.1:{http}")])
        .args(["--exporter", "blackhole", "--debug-log", "metrics", "--debug-log", "logs"])
        .args(["--debug-log-verbosity", "detailed"])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).ok()?)
        .stderr(Stdio::null())
        .spawn()
        .expect("start rotel-agent");
    Some(Rotel { child, log })
}

#[test]
fn rotel_receives_metrics_and_logs_over_grpc_and_http() {
    let dir = tempfile::tempdir().unwrap();
    let (grpc, http) = (free_port(), free_port());
    let Some(rotel) = start_rotel(dir.path(), grpc, http) else { return };
    wait_for("rotel to listen", Duration::from_secs(20), || {
        std::net::TcpStream::connect(("127.0.0.1", grpc)).is_ok()
    });

    let pg = shared_postgres();
    let db = pg.create_database("rotel");
    pg.psql(
        &db,
        "CREATE TABLE readings (sensor text, v bigint); INSERT INTO readings VALUES ('alpha', 31337);",
    )
    .unwrap();
    let config = format!(
        r#"
receivers:
  sqlquery/grpc:
    driver: postgres
    datasource: {url}
    collection_interval: 300ms
    initial_delay: 0s
    queries:
      - sql: "SELECT sensor, v FROM readings"
        metrics:
          - {{metric_name: e2e.rotel.grpc, value_column: v, attribute_columns: [sensor]}}
        logs:
          - {{body_column: sensor}}
  sqlquery/http:
    driver: postgres
    datasource: {url}
    collection_interval: 300ms
    initial_delay: 0s
    queries:
      - sql: "SELECT sensor, v FROM readings"
        metrics:
          - {{metric_name: e2e.rotel.http_proto, value_column: v, attribute_columns: [sensor]}}
  sqlquery/json:
    driver: postgres
    datasource: {url}
    collection_interval: 300ms
    initial_delay: 0s
    queries:
      - sql: "SELECT sensor, v FROM readings"
        metrics:
          - {{metric_name: e2e.rotel.http_json, value_column: v, attribute_columns: [sensor]}}
exporters:
  otlp:
    endpoint: 127.0.0.1:{grpc}
    tls: {{insecure: true}}
    compression: gzip
  otlphttp:
    endpoint: http://127.0.0.1:{http}
    compression: gzip
  otlphttp/json:
    endpoint: http://127.0.0.1:{http}
    encoding: json
    compression: none
service:
  telemetry: {{metrics: {{level: none}}}}
  pipelines:
    metrics/grpc: {{receivers: [sqlquery/grpc], exporters: [otlp]}}
    logs/grpc: {{receivers: [sqlquery/grpc], exporters: [otlp]}}
    metrics/http: {{receivers: [sqlquery/http], exporters: [otlphttp]}}
    metrics/json: {{receivers: [sqlquery/json], exporters: [otlphttp/json]}}
"#,
        url = pg.url(&db)
    );
    let cfg = dir.path().join("rotel.yaml");
    std::fs::write(&cfg, config).unwrap();
    let mut run = Running::start(&["run", "--config", &cfg.display().to_string()], &[], dir.path());
    let seen = || std::fs::read_to_string(&rotel.log).unwrap_or_default();
    wait_for("rotel to receive every signal", Duration::from_secs(30), || {
        let s = seen();
        ["e2e.rotel.grpc", "e2e.rotel.http_proto", "e2e.rotel.http_json", "alpha"]
            .iter()
            .all(|m| s.contains(m))
            && s.contains("Body")
    });
    run.signal("TERM");
    assert_eq!(run.wait_exit(Duration::from_secs(20)).code(), Some(0), "{}", run.stderr());
    assert!(!run.stderr().contains("ERROR"), "{}", run.stderr());
    let s = seen();
    assert!(s.contains("Value: 31337"), "the value did not arrive intact:\n{s}");
    assert!(s.contains("db.system.name: Str(postgresql)"), "resource attributes missing:\n{s}");
}
