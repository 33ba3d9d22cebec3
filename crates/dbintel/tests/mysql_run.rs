//! `dbintel run` end to end with the `mysql` receiver against a throwaway MariaDB: mysql -> file;
//! the file, as the official OTLP parser reads it, carries contrib's metric names, units and kinds
//! and the `mysql.instance.endpoint` resource attribute; SIGTERM exits 0.

mod support;

use std::time::Duration;

use dbintel_test_support::shared_mariadb;
use support::{Running, otlp_summary};

/// A config with the mysql receiver on `my` (plus `receiver_extra` lines) to a file exporter,
/// metrics only or metrics and logs; returns the temp dir, the config path and the output file.
fn write_config(
    my: &dbintel_test_support::MariaDbServer,
    receiver_extra: &str,
    with_logs: bool,
) -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.jsonl");
    let cfg = dir.path().join("config.yaml");
    let logs = if with_logs { "    logs:\n      receivers: [mysql]\n      exporters: [file]\n" } else { "" };
    std::fs::write(
        &cfg,
        format!(
            "receivers:\n  mysql:\n    endpoint: {}:{}\n    username: root\n    collection_interval: 1s\n    \
             initial_delay: 0s\n{receiver_extra}exporters:\n  file:\n    path: {}\nservice:\n  telemetry:\n    \
             metrics:\n      address: 127.0.0.1:0\n  pipelines:\n    metrics:\n      receivers: [mysql]\n      \
             exporters: [file]\n{logs}",
            my.host,
            my.port,
            out_file.display()
        ),
    )
    .unwrap();
    (dir, cfg, out_file)
}

#[test]
fn run_scrapes_mariadb_into_an_otlp_file() {
    let my = shared_mariadb();
    let endpoint = format!("{}:{}", my.host, my.port);
    let (dir, cfg, out_file) = write_config(my, "", false);
    let mut run = Running::start(&["run", "--config", &cfg.display().to_string()], &[], dir.path());
    run.wait_for("mysql metrics in the file", Duration::from_secs(40), || {
        std::fs::read_to_string(&out_file).is_ok_and(|t| t.contains("mysql.handlers") && t.ends_with('\n'))
    });
    run.signal("TERM");
    let status = run.wait_exit(Duration::from_secs(20));
    assert!(status.success(), "exit {status:?}; stderr:\n{}", run.stderr());
    assert!(run.stderr().contains("mysql: connected"), "{}", run.stderr());

    let summary = otlp_summary(&out_file);
    let points = summary["metrics"].as_array().unwrap();
    let find = |name: &str, key: &str, value: &str| {
        points
            .iter()
            .find(|p| p["name"] == name && (key.is_empty() || p["attributes"][key] == value))
            .unwrap_or_else(|| panic!("no {name} {key}={value} in {points:?}"))
    };
    let up = find("mysql.up", "", "");
    assert_eq!((up["kind"].as_str(), up["value"].as_i64()), (Some("gauge"), Some(1)));
    assert_eq!(up["resource"]["mysql.instance.endpoint"], endpoint.as_str());
    assert_eq!(up["scope"], "dbintel/mysql");
    let handlers = find("mysql.handlers", "kind", "read_rnd_next");
    assert_eq!((handlers["kind"].as_str(), handlers["monotonic"].as_bool()), (Some("sum"), Some(true)));
    assert_eq!(handlers["temporality"], 2, "cumulative");
    assert_eq!(handlers["unit"], "1");
    let threads = find("mysql.threads", "kind", "connected");
    assert_eq!(threads["monotonic"], false);
    assert!(threads["value"].as_i64().unwrap() >= 1);
    let limit = find("mysql.buffer_pool.limit", "", "");
    assert_eq!(limit["unit"], "By");
    assert!(limit["value"].as_i64().unwrap() > 0);
    find("mysql.buffer_pool.usage", "status", "dirty");
    find("mysql.uptime", "", "");
}

#[test]
fn the_receiver_says_once_what_the_server_lacks_and_keeps_running() {
    let my = dbintel_test_support::MariaDbServer::builder().option("performance-schema", "OFF").start();
    let (dir, cfg, out_file) =
        write_config(&my, "    events:\n      db.server.top_query: {enabled: true}\n", true);
    let mut run = Running::start(&["run", "--config", &cfg.display().to_string()], &[], dir.path());
    run.wait_for("two scrapes of mysql metrics", Duration::from_secs(40), || {
        std::fs::read_to_string(&out_file).is_ok_and(|t| t.matches("mysql.handlers").count() >= 2)
    });
    run.signal("TERM");
    let status = run.wait_exit(Duration::from_secs(20));
    let err = run.stderr();
    assert!(status.success(), "exit {status:?}; stderr:\n{err}");
    let lacks: Vec<&str> =
        err.lines().filter(|l| l.contains("the monitored server is missing something")).collect();
    assert!(
        lacks.iter().any(|l| l.contains("performance_schema") && l.contains("performance_schema=ON")),
        "the missing performance_schema is named with its my.cnf fix:\n{err}"
    );
    assert_eq!(
        lacks.iter().filter(|l| l.contains("check=performance_schema ")).count(),
        1,
        "said once, not every scrape:\n{err}"
    );
}
