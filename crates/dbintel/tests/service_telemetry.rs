//! `service.telemetry` and config loading end to end, on the real binary: `--config` URIs (`yaml:`,
//! `env:`, `file:`) and `--set`, the several-documents warning, logs to a file as JSON with initial
//! fields, self-metrics from `pull` readers, and `periodic` readers pushing them to an OTLP receiver
//! built on the official opentelemetry-proto package (crates/exporters/tests/otlp_receiver.py), over
//! HTTP/protobuf and gRPC with headers. No database is needed: the receiver points at a closed port.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::{Running, dbintel, free_port, http_get};

/// A receiver that only retries (nothing listens on port 1), and a console exporter.
const PIPELINE: &str = r#"
receivers:
  sqlquery:
    driver: postgres
    datasource: "host=127.0.0.1 port=1 user=x dbname=x sslmode=disable connect_timeout=1"
    collection_interval: 1h
    queries:
      - sql: select 1 as one
        metrics: [{metric_name: one, value_column: one}]
exporters:
  debug:
service:
  pipelines:
    metrics: {receivers: [sqlquery], exporters: [debug]}
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write config");
    p
}

fn text(out: &std::process::Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn config_uris_set_and_several_documents() {
    let dir = tempfile::tempdir().unwrap();
    let base = write(dir.path(), "base.yaml", &format!("{PIPELINE}---\nnot: used\n"));
    let file_uri = format!("file:{}", base.display());
    let out = Command::new(support::bin())
        .args(["validate", "--config", &file_uri, "--config", "env:DBINTEL_TEST_EXTRA"])
        .args(["--config", "yaml:processors::batch::timeout: 2s"])
        .args(["--set", "service::pipelines::metrics::processors=[batch]"])
        .args(["--set", "service::telemetry::metrics::readers=[]"])
        .env("DBINTEL_TEST_EXTRA", "exporters:\n  debug: {verbosity: detailed}\n")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("is valid: 1 pipelines, 1 receivers, 1 processors, 1 exporters"), "{stdout}");
    assert!(stderr.contains("has 2 YAML documents; only the first is used"), "{stderr}");

    // A `--set` that breaks the config is named as the source of the problem; an unset `env:`
    // variable and an unsupported scheme are named too.
    let out = dbintel(&["validate", "--config", &file_uri, "--set", "service::telemetry::logs::level=loud"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(
            "--set service::telemetry::logs::level: service.telemetry.logs.level: unknown value `loud`"
        ),
        "{stderr}"
    );
    let out = dbintel(&["validate", "--config", "env:DBINTEL_TEST_SURELY_UNSET"]);
    assert!(text(&out).1.contains("environment variable `DBINTEL_TEST_SURELY_UNSET`"), "{:?}", text(&out));
    let out = dbintel(&["validate", "--config", "https://example.com/c.yaml"]);
    assert!(text(&out).1.contains("`https:` config URIs are not supported"), "{:?}", text(&out));
}

#[test]
fn run_takes_its_config_from_env_and_yaml_uris_and_set() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let reader = format!("[{{pull: {{exporter: {{prometheus: {{host: 127.0.0.1, port: {port}}}}}}}}}]");
    let set = format!("service::telemetry::metrics::readers={reader}");
    let mut run = Running::start(
        &[
            "run",
            "--config",
            "env:DBINTEL_TEST_CONFIG",
            "--config",
            "yaml:exporters::debug::verbosity: normal",
            "--set",
            &set,
        ],
        &[("DBINTEL_TEST_CONFIG", PIPELINE)],
        dir.path(),
    );
    let addr = format!("127.0.0.1:{port}");
    run.wait_for("the reader set by --set", Duration::from_secs(30), || http_get(&addr, "/metrics").0 == 200);
    run.signal("INT");
    assert!(run.wait_exit(Duration::from_secs(30)).success(), "{}", run.stderr());
}

#[test]
fn deprecated_logging_exporter_and_memory_ballast_load_and_run_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let config = PIPELINE
        .replace("  debug:\n", "  logging: {loglevel: debug}\n")
        .replace("exporters: [debug]", "exporters: [logging]")
        + "  extensions: [memory_ballast]\n  telemetry: {metrics: {level: none}}\nextensions:\n  memory_ballast: {size_mib: 683}\n";
    let cfg = write(dir.path(), "c.yaml", &config);
    let out = dbintel(&["validate", "--config", cfg.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("exporters.logging: the `logging` exporter is deprecated"), "{stderr}");
    assert!(
        stderr.contains("extensions.memory_ballast: the `memory_ballast` extension is deprecated"),
        "{stderr}"
    );
    assert!(stderr.contains("exporters.logging.loglevel: accepted and ignored"), "{stderr}");
    assert!(stderr.contains("extensions.memory_ballast.size_mib: accepted and ignored"), "{stderr}");
    let mut run = Running::start(&["run", "--config", cfg.to_str().unwrap()], &[], dir.path());
    run.wait_for("the service to start", Duration::from_secs(30), || {
        run.stderr().contains("Everything is ready")
    });
    run.signal("TERM");
    assert!(run.wait_exit(Duration::from_secs(30)).success(), "{}", run.stderr());
}

#[test]
fn logs_go_to_an_output_file_as_json_with_initial_fields() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("dbintel.log");
    let config = format!(
        "{PIPELINE}  telemetry:\n    logs:\n      encoding: json\n      output_paths: ['{}']\n      \
         initial_fields: {{deployment: e2e-test, shard: 7}}\n    metrics: {{readers: []}}\n",
        log.display()
    );
    let cfg = write(dir.path(), "c.yaml", &config);
    let mut run = Running::start(&["run", "--config", cfg.to_str().unwrap()], &[], dir.path());
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    run.wait_for("the ready line in the log file", Duration::from_secs(30), || {
        read().contains("Everything is ready")
    });
    run.signal("TERM");
    assert!(run.wait_exit(Duration::from_secs(30)).success(), "{}", run.stderr());
    let lines: Vec<Value> = read().lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert!(lines.len() >= 2, "{lines:?}");
    for l in &lines {
        assert_eq!(l["deployment"], "e2e-test", "{l}");
        assert_eq!(l["shard"], "7", "{l}");
        assert!(l["level"].is_string() && l["message"].is_string(), "{l}");
        // The caller, as the Collector writes it by default.
        assert!(l["filename"].as_str().is_some_and(|f| f.ends_with(".rs")), "{l}");
    }
    assert!(lines.iter().any(|l| l["message"] == "Shutdown complete."), "{lines:?}");
    // Only the file gets the lines: stderr stays empty.
    assert!(!run.stderr().contains("Everything is ready"), "{}", run.stderr());
}

#[test]
fn pull_readers_serve_the_self_metrics_and_address_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (free_port(), free_port());
    let config = format!(
        "{PIPELINE}  telemetry:\n    metrics:\n      readers:\n        - pull: {{exporter: {{prometheus: {{host: 127.0.0.1, port: {a}}}}}}}\n        \
         - pull: {{exporter: {{prometheus: {{host: 127.0.0.1, port: {b}}}}}}}\n"
    );
    let cfg = write(dir.path(), "c.yaml", &config);
    let mut run = Running::start(&["run", "--config", cfg.to_str().unwrap()], &[], dir.path());
    for port in [a, b] {
        let addr = format!("127.0.0.1:{port}");
        run.wait_for("the pull reader", Duration::from_secs(30), || http_get(&addr, "/metrics").0 == 200);
        let (_, body) = http_get(&addr, "/metrics");
        assert!(body.contains("otelcol_process_uptime_seconds"), "{body}");
        assert!(
            body.contains("otelcol_receiver_accepted_metric_points_total") || body.contains("# TYPE"),
            "{body}"
        );
    }
    run.signal("TERM");
    assert!(run.wait_exit(Duration::from_secs(30)).success());

    // The deprecated `address`: served, with a warning.
    let c = free_port();
    let config = format!("{PIPELINE}  telemetry:\n    metrics: {{address: '127.0.0.1:{c}'}}\n");
    let cfg = write(dir.path(), "d.yaml", &config);
    let mut run = Running::start(&["run", "--config", cfg.to_str().unwrap()], &[], dir.path());
    let addr = format!("127.0.0.1:{c}");
    run.wait_for("the address endpoint", Duration::from_secs(30), || http_get(&addr, "/metrics").0 == 200);
    assert!(
        run.stderr().contains("service.telemetry.metrics.address: deprecated in the Collector"),
        "{}",
        run.stderr()
    );
    run.signal("TERM");
    assert!(run.wait_exit(Duration::from_secs(30)).success());
}

/// The official-proto OTLP receiver (gRPC and HTTP), writing one JSON line per request.
struct Sink {
    child: Child,
    grpc_port: u16,
    http_port: u16,
    out: PathBuf,
}

impl Sink {
    fn start(dir: &Path) -> Sink {
        let out = dir.join("received.jsonl");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../exporters/tests/otlp_receiver.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg("--out")
            .arg(&out)
            // The receiver exits when its stdin closes: keep it open for the test's life.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 (pip install opentelemetry-proto grpcio zstandard)");
        let mut line = String::new();
        let _ = BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line);
        let parts: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(parts.first(), Some(&"READY"), "the OTLP receiver did not start: {line}");
        Sink { grpc_port: parts[1].parse().unwrap(), http_port: parts[2].parse().unwrap(), child, out }
    }

    fn received(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.out).unwrap_or_default();
        text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Metric names of a decoded ExportMetricsServiceRequest (MessageToDict form).
fn metric_names(request: &Value) -> Vec<String> {
    let mut names = Vec::new();
    for rm in request["resourceMetrics"].as_array().into_iter().flatten() {
        for sm in rm["scopeMetrics"].as_array().into_iter().flatten() {
            for m in sm["metrics"].as_array().into_iter().flatten() {
                names.push(m["name"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    names
}

fn resource_attr(request: &Value, key: &str) -> Option<String> {
    request["resourceMetrics"][0]["resource"]["attributes"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)
        .and_then(|a| a["value"]["stringValue"].as_str().map(str::to_string))
}

#[test]
fn periodic_readers_push_self_metrics_over_otlp_http_and_grpc() {
    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::start(dir.path());
    let config = format!(
        r#"{PIPELINE}  telemetry:
    resource: {{service.name: db-collector-e2e, service.instance.id: null}}
    metrics:
      readers:
        - periodic:
            interval: 1000
            exporter:
              otlp:
                protocol: http/protobuf
                endpoint: http://127.0.0.1:{http}
                headers: [{{name: api-key, value: "${{env:TEST_LICENSE_KEY}}"}}]
                compression: gzip
        - periodic:
            interval: 1000
            exporter:
              otlp: {{protocol: grpc, endpoint: "127.0.0.1:{grpc}", insecure: true, headers: {{x-source: grpc-reader}}}}
"#,
        http = sink.http_port,
        grpc = sink.grpc_port
    );
    let cfg = write(dir.path(), "c.yaml", &config);
    let mut run = Running::start(
        &["run", "--config", cfg.to_str().unwrap()],
        &[("TEST_LICENSE_KEY", "nr-license-e2e-1234")],
        dir.path(),
    );
    let has = |transport: &str| {
        sink.received().iter().any(|r| {
            r["transport"] == transport
                && r["signal"] == "metrics"
                && metric_names(&r["request"]).iter().any(|n| n == "otelcol_process_uptime_seconds")
        })
    };
    run.wait_for("pushes over HTTP and gRPC", Duration::from_secs(60), || has("http") && has("grpc"));
    run.signal("TERM");
    assert!(run.wait_exit(Duration::from_secs(30)).success(), "{}", run.stderr());

    let received = sink.received();
    let http = received.iter().find(|r| r["transport"] == "http").expect("an HTTP push");
    assert_eq!(http["encoding"], "proto", "{http}");
    assert_eq!(http["compression"], "gzip", "{http}");
    assert_eq!(http["headers"]["api-key"], "nr-license-e2e-1234", "{http}");
    assert_eq!(resource_attr(&http["request"], "service.name").as_deref(), Some("db-collector-e2e"));
    assert_eq!(resource_attr(&http["request"], "service.instance.id"), None);
    assert!(resource_attr(&http["request"], "service.version").is_some());
    // Counters are cumulative monotonic sums named as the Collector pushes them (no `_total`).
    let names = metric_names(&http["request"]);
    assert!(names.iter().all(|n| !n.ends_with("_total")), "{names:?}");
    let grpc = received.iter().find(|r| r["transport"] == "grpc").expect("a gRPC push");
    assert_eq!(grpc["headers"]["x-source"], "grpc-reader", "{grpc}");
    // The license key never reaches the logs.
    assert!(!run.stderr().contains("nr-license-e2e-1234"), "{}", run.stderr());
}

/// The value of the first sample line of `name` whose labels contain every `want` pair.
fn sample(body: &str, name: &str, want: &[&str]) -> Option<f64> {
    body.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .find(|l| want.iter().all(|w| l.contains(w)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[test]
fn level_resource_and_the_pushing_exporters_own_counts() {
    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::start(dir.path());
    let port = free_port();
    let config = |level: &str| {
        format!(
            r#"{PIPELINE}  telemetry:
    resource: {{service.name: db-collector-e2e, deployment.environment: staging}}
    metrics:
      level: {level}
      readers:
        - pull:
            exporter:
              prometheus: {{host: 127.0.0.1, port: {port}, with_resource_constant_labels: {{included: [service.name]}}}}
        - periodic:
            interval: 1000
            exporter:
              otlp: {{protocol: http/protobuf, endpoint: "http://127.0.0.1:{http}"}}
"#,
            http = sink.http_port
        )
    };
    let addr = format!("127.0.0.1:{port}");
    let sent = "otelcol_exporter_sent_metric_points_total";
    let pusher = "exporter=\"otlphttp/self_telemetry_0\"";

    // basic: the Collector's instruments, the resource as target_info and as the chosen label.
    let cfg = write(dir.path(), "basic.yaml", &config("basic"));
    let mut run = Running::start(&["run", "--config", cfg.to_str().unwrap()], &[], dir.path());
    run.wait_for("two pushes counted", Duration::from_secs(60), || {
        let (code, body) = http_get(&addr, "/metrics");
        code == 200 && sample(&body, sent, &[pusher]).is_some_and(|n| n > 0.0)
    });
    let (_, body) = http_get(&addr, "/metrics");
    assert!(
        body.lines().any(|l| l.starts_with("target_info{")
            && l.contains("service_name=\"db-collector-e2e\"")
            && l.contains("deployment_environment=\"staging\"")
            && l.contains("service_instance_id=")),
        "{body}"
    );
    assert!(
        sample(&body, "otelcol_process_uptime_seconds", &["service_name=\"db-collector-e2e\""]).is_some(),
        "{body}"
    );
    for line in body.lines().filter(|l| l.starts_with("otelcol_")) {
        assert!(line.contains("service_name=\"db-collector-e2e\""), "{line}");
        assert!(!line.contains("deployment_environment"), "only the chosen attribute labels series: {line}");
    }
    assert!(!body.contains("\ndbintel_"), "basic shows no dbintel_ instruments:\n{body}");
    run.signal("TERM");
    assert!(run.wait_exit(Duration::from_secs(30)).success(), "{}", run.stderr());
    // The pushes themselves carry the resource, filtered by level as well.
    let pushed = sink.received();
    let last = pushed.iter().rev().find(|r| r["signal"] == "metrics").expect("a push");
    assert_eq!(resource_attr(&last["request"], "deployment.environment").as_deref(), Some("staging"));
    assert!(metric_names(&last["request"]).iter().all(|n| n.starts_with("otelcol_")), "{last}");

    // detailed: the per-component sizes show too, the pushing exporter's among them.
    let cfg = write(dir.path(), "detailed.yaml", &config("detailed"));
    let mut run = Running::start(&["run", "--config", cfg.to_str().unwrap()], &[], dir.path());
    run.wait_for("a push counted", Duration::from_secs(60), || {
        let (code, body) = http_get(&addr, "/metrics");
        code == 200
            && sample(&body, "dbintel_exporter_sent_request_bytes_total", &[pusher]).is_some_and(|n| n > 0.0)
    });
    run.signal("TERM");
    assert!(run.wait_exit(Duration::from_secs(30)).success(), "{}", run.stderr());
}
