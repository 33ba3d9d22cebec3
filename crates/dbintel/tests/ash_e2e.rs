//! The prototype's `ash` receiver and `waitanalysis` processor, loaded with the prototype's keys,
//! end to end: `dbintel run` against a throwaway PostgreSQL with a session in pg_sleep that holds a
//! row lock and an UPDATE waiting for it, into a file checked by the official OTLP proto parser.
//! The prototype's keys without meaning are warnings of `validate`, not errors.

mod support;

use std::time::Duration;

use dbintel_test_support::shared_postgres;
use serde_json::Value;
use support::{Running, dbintel, otlp_summary};

fn config(out: &str, port: u16, db: &str) -> String {
    format!(
        r#"receivers:
  ash:
    endpoint: 127.0.0.1:{port}
    username: postgres
    database: {db}
    collection_interval: 250ms
    report_interval: 2s
    initial_delay: 0s
    retention_duration: 30m
    sampling:
      enabled: true
      sample_rate: 1.0
      adaptive_sampling: true
    analysis:
      wait_event_analysis: true
      blocking_analysis: true
processors:
  waitanalysis:
    enabled: true
    alert_rules:
      - name: excessive_lock_waits
        condition: "wait_time > 5s AND event_type = 'Lock'"
        threshold: 10
        window: 1m
        action: alert
exporters:
  file:
    path: {out}
service:
  telemetry:
    metrics:
      address: 127.0.0.1:0
  pipelines:
    metrics/ash: {{receivers: [ash], processors: [waitanalysis], exporters: [file]}}
    logs/ash: {{receivers: [ash], processors: [waitanalysis], exporters: [file]}}
"#
    )
}

#[test]
fn ash_receiver_and_waitanalysis_from_the_prototype_config() {
    let pg = shared_postgres();
    let db = pg.create_database("e2e_ash");
    pg.psql(&db, "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.jsonl");
    let cfg_path = dir.path().join("config.yaml");
    std::fs::write(&cfg_path, config(&out_file.display().to_string(), pg.port, &db)).unwrap();
    let cfg = cfg_path.display().to_string();

    let checked = dbintel(&["validate", "--config", &cfg]);
    let text =
        format!("{}{}", String::from_utf8_lossy(&checked.stdout), String::from_utf8_lossy(&checked.stderr));
    assert!(checked.status.success(), "{text}");
    for key in ["sampling.sample_rate", "analysis", "alert_rules"] {
        assert!(text.contains(key), "`{key}` is warned about: {text}");
    }

    // The holder sleeps inside its transaction (active, Timeout/PgSleep); the UPDATE waits for it.
    let holder = {
        let db = db.clone();
        std::thread::spawn(move || {
            let _ = shared_postgres()
                .psql(&db, "BEGIN; UPDATE t SET v = 1 WHERE id = 1; SELECT pg_sleep(20); ROLLBACK;");
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    let waiter = {
        let db = db.clone();
        std::thread::spawn(move || {
            let _ = shared_postgres().psql(&db, "UPDATE t SET v = 2 WHERE id = 1");
        })
    };

    let run = Running::start(&["run", "--config", &cfg], &[], dir.path());
    let labelled_lock = |s: &Value| {
        s["metrics"].as_array().into_iter().flatten().any(|p| {
            p["name"] == "db.ash.wait_events"
                && p["attributes"]["wait_event_type"] == "Lock"
                && p["attributes"]["category"] == "Concurrency"
        })
    };
    run.wait_for("a labelled lock wait in the file", Duration::from_secs(60), || {
        std::fs::read_to_string(&out_file)
            .is_ok_and(|t| t.contains("db.ash.wait_events") && t.contains("Concurrency"))
    });
    std::thread::sleep(Duration::from_millis(300));
    let summary = otlp_summary(&out_file);
    assert!(labelled_lock(&summary), "{summary:#}");
    let metrics = summary["metrics"].as_array().unwrap();
    let sleep = metrics
        .iter()
        .find(|p| p["name"] == "db.ash.wait_events" && p["attributes"]["wait_event"] == "PgSleep")
        .expect("the holder's sleep");
    assert_eq!(sleep["temporality"], 1, "delta");
    assert_eq!(sleep["attributes"]["dbintel.ash.source"], "sampling");
    assert!(sleep["attributes"]["category"].is_null(), "Timeout is not one of the default patterns");
    assert!(metrics.iter().any(|p| p["name"] == "db.ash.blocked_sessions" && p["value"] == 1));
    assert!(
        !metrics.iter().any(|p| p["name"].as_str().is_some_and(|n| n.starts_with("postgresql."))),
        "the ash receiver emits ASH only"
    );
    let logs = summary["logs"].as_array().unwrap();
    let blocked = logs
        .iter()
        .find(|l| {
            l["attributes"]["dbintel.ash.reason"] == "blocked"
                && l["attributes"]["postgresql.wait_event_type"] == "Lock"
        })
        .expect("the blocked UPDATE as a db.ash.sample event");
    assert_eq!(blocked["attributes"]["db.query.text"], "UPDATE t SET v = ? WHERE id = ?");
    assert_eq!(blocked["attributes"]["category"], "Concurrency");
    assert_eq!(blocked["attributes"]["pattern_name"], "lock_waits");
    drop(run);
    let _ = pg.psql(
        "postgres",
        &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'"),
    );
    let _ = holder.join();
    let _ = waiter.join();
}
