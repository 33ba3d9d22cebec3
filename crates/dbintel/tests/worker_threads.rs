//! `--worker-threads` and `DBINTEL_WORKER_THREADS`: the runtime size the binary logs at startup, the
//! flag winning over the variable, and invalid values refused with exit code 2 before anything runs.

mod support;

use std::path::Path;
use std::time::Duration;

use support::{Running, wait_for};

/// A pipeline that needs no database to start: the receiver's server is unreachable (a recoverable
/// state), and self-telemetry is off so no port is taken.
const CONFIG: &str = r#"
receivers:
  sqlquery:
    driver: postgres
    datasource: "host=127.0.0.1 port=1 user=nobody dbname=none connect_timeout=1"
    collection_interval: 60s
    queries:
      - sql: "SELECT 1 AS one"
        metrics:
          - metric_name: one
            value_column: one
exporters:
  debug:
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    metrics:
      receivers: [sqlquery]
      exporters: [debug]
"#;

fn config(dir: &Path) -> String {
    let path = dir.join("config.yaml");
    std::fs::write(&path, CONFIG).expect("write config");
    path.display().to_string()
}

/// Starts `run`, waits for the runtime line, stops it with SIGTERM and returns that line.
fn startup_line(extra_args: &[&str], env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg = config(dir.path());
    let mut args = vec!["run", "--config", cfg.as_str()];
    args.extend_from_slice(extra_args);
    let mut run = Running::start(&args, env, dir.path());
    // Signals are handled from before this line on.
    wait_for("startup", Duration::from_secs(30), || run.stderr().contains("Everything is ready."));
    run.signal("TERM");
    let status = run.wait_exit(Duration::from_secs(30));
    assert!(status.success(), "exit {status}; stderr:\n{}", run.stderr());
    let stderr = run.stderr();
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("Starting the async runtime.")).collect();
    assert_eq!(lines.len(), 1, "logged once:\n{stderr}");
    lines[0].to_string()
}

#[test]
fn the_flag_and_the_variable_set_the_worker_threads() {
    let line = startup_line(&["--worker-threads", "3"], &[]);
    assert!(line.contains("worker_threads=3 source=--worker-threads"), "{line}");

    let line = startup_line(&[], &[("DBINTEL_WORKER_THREADS", "4")]);
    assert!(line.contains("worker_threads=4 source=DBINTEL_WORKER_THREADS"), "{line}");

    // The flag wins over the variable.
    let line = startup_line(&["--worker-threads", "2"], &[("DBINTEL_WORKER_THREADS", "5")]);
    assert!(line.contains("worker_threads=2 source=--worker-threads"), "{line}");
}

#[test]
fn without_either_the_cgroup_limit_or_the_cpus_decide() {
    let line = startup_line(&[], &[("DBINTEL_WORKER_THREADS", "")]);
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let count: usize = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("worker_threads="))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line}"));
    assert!(count >= 1, "{line}");
    assert!(line.contains("source=cgroup CPU limit (") || line.contains("source=available CPUs"), "{line}");
    if line.contains("available CPUs") {
        // No quota: std's count is the affinity mask too.
        assert_eq!(count, cpus, "{line}");
    }
}

#[test]
fn invalid_values_exit_2_naming_the_flag_or_the_variable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg = config(dir.path());
    for (args, env, named) in [
        (vec!["--worker-threads", "0"], vec![], "--worker-threads"),
        (vec!["--worker-threads", "many"], vec![], "--worker-threads"),
        (vec!["--worker-threads", "1025"], vec![], "--worker-threads"),
        (vec![], vec![("DBINTEL_WORKER_THREADS", "many")], "DBINTEL_WORKER_THREADS"),
        (vec![], vec![("DBINTEL_WORKER_THREADS", "-2")], "DBINTEL_WORKER_THREADS"),
    ] {
        let mut all = vec!["run", "--config", cfg.as_str()];
        all.extend(args.iter().copied());
        let mut run = Running::start(&all, &env, dir.path());
        let status = run.wait_exit(Duration::from_secs(30));
        let stderr = run.stderr();
        assert_eq!(status.code(), Some(2), "{all:?} {env:?}: {stderr}");
        assert!(stderr.contains(named), "{all:?} {env:?}: {stderr}");
        assert!(stderr.contains("use a whole number from 1 to 1024"), "{stderr}");
        assert!(!stderr.contains("Starting the async runtime."), "{stderr}");
    }
}
