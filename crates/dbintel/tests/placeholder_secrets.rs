//! Values from `${file:...}` and `${env:...}` placeholders never reach stdout or stderr, from
//! `validate`, from `run` refusing a config, or from `run` failing later (component creation, log
//! lines), whatever the shape of the value.

mod support;

use std::process::Command;
use std::time::Duration;

use support::{Running, bin, free_port};

const FILE_SECRET: &str = "root:$6$rounds=5000$saltsalt$hashhashhashhash:19000:0:99999:7:::\n\
                           daemon:*:19000:0:99999:7:::\n  another secret line here  \n";
const ENV_SECRET: &str = "first-secret-line\nSecond Secret Line\n\n  third:line:9999  ";

fn assert_hidden(out: &str, secret: &str) {
    for line in secret.lines().map(str::trim).filter(|l| l.len() >= 3) {
        assert!(!out.contains(line), "line {line:?} leaked:\n{out}");
        let chars: Vec<char> = line.chars().collect();
        for w in chars.windows(8) {
            let frag: String = w.iter().collect();
            assert!(!out.contains(&frag), "fragment {frag:?} leaked:\n{out}");
        }
    }
}

/// A config where every listed key takes a placeholder.
fn bad_config(secret_file: &str) -> String {
    format!(
        r#"
receivers:
  sqlquery:
    driver: "${{env:MULTI}}"
    datasource: "host=localhost"
    collection_interval: "${{file:{secret_file}}}"
    queries:
      - sql: "SELECT 1 AS one"
        metrics:
          - metric_name: one
            value_column: one
  postgresql:
    endpoint: "${{env:MULTI}}"
    collection_interval: "${{file:{secret_file}}}"
exporters:
  debug:
  otlp:
    endpoint: "${{file:{secret_file}}}"
    compression: "${{env:MULTI}}"
  otlphttp:
    endpoint: "${{env:MULTI}}"
    sending_queue:
      queue_size: "${{env:BIG}}"
service:
  shutdown_timeout: "${{env:MULTI}}"
  telemetry:
    logs:
      level: "${{file:{secret_file}}}"
    metrics:
      address: "${{env:MULTI}}"
  pipelines:
    metrics:
      receivers: [sqlquery, postgresql]
      exporters: [debug, otlp, otlphttp]
"#
    )
}

fn run_with_env(args: &[&str], big: &str) -> (i32, String) {
    let out = Command::new(bin())
        .args(args)
        .env("MULTI", ENV_SECRET)
        .env("BIG", big)
        .output()
        .expect("run dbintel");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn validate_and_run_never_print_placeholder_values() {
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("shadow");
    std::fs::write(&secret_file, FILE_SECRET).unwrap();
    let config = dir.path().join("c.yaml");
    std::fs::write(&config, bad_config(&secret_file.display().to_string())).unwrap();
    let config = config.display().to_string();
    for big in ["100000000000000000000", "1000.0"] {
        for args in [["validate", "--config", &config], ["run", "--config", &config]] {
            let (code, out) = run_with_env(&args, big);
            assert_eq!(code, 1, "{out}");
            assert_hidden(&out, FILE_SECRET);
            assert_hidden(&out, ENV_SECRET);
            assert!(!out.contains("1e20") && !out.contains("1e+20") && !out.contains("1000.0"), "{out}");
            // Still useful: names the file, the key, the placeholder and the fix.
            assert!(out.contains(&format!("{config}: service.shutdown_timeout: ")), "{out}");
            assert!(out.contains("${env:MULTI}") && out.contains("environment variable `MULTI`"), "{out}");
            assert!(out.contains(&format!("${{file:{}}}", secret_file.display())), "{out}");
        }
    }
}

/// A config that passes validation and then fails at run time: the receiver cannot connect to an
/// endpoint that came from the environment and logs it; the log lines must not show that value, nor the
/// multi-line user name.
#[test]
fn run_time_log_lines_never_print_placeholder_values() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.yaml");
    std::fs::write(
        &config,
        r#"
receivers:
  postgresql:
    endpoint: "${env:ENDPOINT}"
    username: "${env:MULTI}"
    password: "${env:MULTI}"
    collection_interval: 1s
    initial_delay: 0s
exporters:
  debug:
extensions:
  health_check:
    endpoint: "${env:HEALTH}"
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    metrics:
      receivers: [postgresql]
      exporters: [debug]
"#,
    )
    .unwrap();
    let config = config.display().to_string();
    let endpoint = format!("127.0.0.1:{}", free_port());
    let health = format!("127.0.0.1:{}", free_port());
    let env = [
        ("MULTI", ENV_SECRET),
        ("ENDPOINT", endpoint.as_str()),
        ("HEALTH", health.as_str()),
        ("DBINTEL_LOG", "debug"),
    ];
    let mut running = Running::start(&["run", "--config", &config], &env, dir.path());
    support::wait_for("the connection warning", Duration::from_secs(60), || {
        running.stderr().contains("cannot connect")
    });
    // The health endpoint shows the receiver's error, without the endpoint's value.
    let mut body = String::new();
    support::wait_for("the receiver's error in health_check", Duration::from_secs(60), || {
        body = support::http_get(&health, "/").1;
        body.contains("postgresql") && body.contains("error")
    });
    assert!(!body.contains(&endpoint), "{body}");
    running.signal("TERM");
    let status = running.wait_exit(Duration::from_secs(60));
    let out = format!("{}{}", running.stdout(), running.stderr());
    assert!(status.success(), "{out}");
    assert_hidden(&out, ENV_SECRET);
    assert!(!out.contains(&endpoint), "{out}");
    assert!(out.contains("<hidden>"), "{out}");
}

/// A config that passes validation and fails when the pipelines are built (the CA file named by a
/// placeholder does not exist): the error names the key, not the value.
#[test]
fn component_creation_errors_never_print_placeholder_values() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.yaml");
    std::fs::write(
        &config,
        r#"
receivers:
  sqlquery:
    driver: postgres
    datasource: "host=127.0.0.1 port=1"
    queries:
      - sql: "SELECT 1 AS one"
        metrics:
          - metric_name: one
            value_column: one
exporters:
  otlp:
    endpoint: https://127.0.0.1:4317
    tls:
      ca_file: "/nonexistent/${env:MULTI}"
service:
  telemetry: {metrics: {level: none}}
  pipelines:
    metrics:
      receivers: [sqlquery]
      exporters: [otlp]
"#,
    )
    .unwrap();
    let config = config.display().to_string();
    let (code, out) = run_with_env(&["run", "--config", &config], "1");
    assert_eq!(code, 1, "{out}");
    assert_hidden(&out, ENV_SECRET);
    assert!(out.contains("exporters.otlp.tls") && out.contains("not shown"), "{out}");
}
