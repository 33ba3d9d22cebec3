//! `dbintel doctor` for mysql targets against throwaway MariaDB servers: a fully set-up server
//! passes; performance_schema off, a consumer off and a user without PROCESS each fail with the
//! exact fix; and the fixes it prints work: the SQL run as an administrator, the my.cnf lines given
//! to a new server, after which doctor passes.

mod support;

use dbintel_test_support::MariaDbServer;
use serde_json::Value;

/// A config with one mysql receiver (both events on: top queries and samples are required).
fn config(dir: &std::path::Path, server: &MariaDbServer, user: &str, password: &str) -> String {
    let cfg = dir.join(format!("doctor-{user}-{}.yaml", server.port));
    std::fs::write(
        &cfg,
        format!(
            "receivers:\n  mysql/t:\n    endpoint: 127.0.0.1:{}\n    username: {user}\n    password: \"{password}\"\n    events:\n      db.server.top_query: {{enabled: true}}\n      db.server.query_sample: {{enabled: true}}\nexporters:\n  debug: {{}}\nservice:\n  pipelines:\n    metrics:\n      receivers: [mysql/t]\n      exporters: [debug]\n",
            server.port
        ),
    )
    .unwrap();
    cfg.display().to_string()
}

/// Runs doctor in text and JSON form: (exit code, text, findings).
fn doctor(cfg: &str) -> (Option<i32>, String, Vec<Value>) {
    let out = support::dbintel(&["doctor", "--config", cfg]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let json = support::dbintel(&["doctor", "--json", "--config", cfg]);
    assert_eq!(json.status.code(), out.status.code(), "text and --json disagree:\n{text}");
    let findings = String::from_utf8_lossy(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out.status.code(), text, findings)
}

fn find<'a>(findings: &'a [Value], check: &str) -> &'a Value {
    findings.iter().find(|f| f["check"] == check).unwrap_or_else(|| panic!("no {check} in {findings:#?}"))
}

/// The required checks that failed (not advisory, not unknown).
fn failed(findings: &[Value]) -> Vec<&Value> {
    findings.iter().filter(|f| f["ok"] == false && f.get("advisory").is_none()).collect()
}

/// Every option the harness needs for a server with nothing to recommend.
fn complete(
    builder: dbintel_test_support::MariaDbServerBuilder,
) -> dbintel_test_support::MariaDbServerBuilder {
    builder
        .option("performance-schema-consumer-events-statements-history-long", "ON")
        .option("performance-schema-consumer-events-waits-current", "ON")
        .option("performance-schema-instrument", "wait/lock/metadata/sql/mdl=ON")
        .option("max_digest_length", "4096")
        .option("performance_schema_max_digest_length", "4096")
        .option("performance_schema_max_sql_text_length", "4096")
}

#[test]
fn a_fully_set_up_server_passes_without_a_recommendation() {
    let server = complete(MariaDbServer::builder()).start();
    let dir = tempfile::tempdir().unwrap();
    let (code, text, findings) = doctor(&config(dir.path(), &server, "root", ""));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Everything dbintel needs is in place."), "{text}");
    assert!(!text.contains("[FAIL]") && !text.contains("[WARN]") && !text.contains("[??? ]"), "{text}");
    assert!(text.contains("receivers.mysql/t (127.0.0.1:"), "{text}");
    assert!(text.contains("[ok  ] server_version: MariaDB 10."), "{text}");
    for check in [
        "performance_schema",
        "consumer.statements_digest",
        "consumer.events_statements_current",
        "consumer.events_statements_history",
        "consumer.events_waits_current",
        "instruments.statement",
        "instruments.mdl",
        "grants.process",
        "grants.performance_schema",
        "performance_schema_max_sql_text_length",
        "performance_schema_digests_size",
    ] {
        assert_eq!(find(&findings, check)["ok"], true, "{check}: {text}");
    }
    assert!(findings.iter().all(|f| f["receiver"] == "mysql/t"), "{findings:#?}");
}

#[test]
fn performance_schema_off_fails_and_the_printed_mycnf_lines_fix_it() {
    let off = MariaDbServer::builder().option("performance-schema", "OFF").start();
    let dir = tempfile::tempdir().unwrap();
    let (code, text, findings) = doctor(&config(dir.path(), &off, "root", ""));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("[FAIL] performance_schema: performance_schema is OFF"), "{text}");
    assert!(text.contains("fix: in my.cnf: [mysqld] performance_schema=ON"), "{text}");
    let ps = find(&findings, "performance_schema");
    assert!(ps.get("fix_sql").is_none(), "it cannot be switched on at runtime: {ps}");
    // Consumers are not checked while performance_schema is off: it is the one thing to fix.
    assert!(findings.iter().all(|f| !f["check"].as_str().unwrap_or("").starts_with("consumer.")), "{text}");
    drop(off);

    // A new server with the my.cnf lines of every failed check (the harness turns some consumers
    // on; start from all off so the lines alone must do it).
    let mut builder = MariaDbServer::builder()
        .option("performance-schema-consumer-events-statements-current", "OFF")
        .option("performance-schema-consumer-events-statements-history", "OFF");
    for f in failed(&findings) {
        for line in f["fix_cnf"].as_str().unwrap_or("").lines() {
            let (name, value) = line.split_once('=').unwrap_or_else(|| panic!("not name=value: {line}"));
            builder = builder.option(name, value.trim_matches('\''));
        }
    }
    let fixed = builder.start();
    let (code, text, _) = doctor(&config(dir.path(), &fixed, "root", ""));
    assert_eq!(code, Some(0), "the printed my.cnf lines did not fix it:\n{text}");
}

#[test]
fn consumers_off_and_a_user_without_process_fail_and_the_printed_sql_fixes_them() {
    let server = MariaDbServer::builder()
        .option("performance-schema-consumer-events-statements-current", "OFF")
        .option("performance-schema-consumer-statements-digest", "OFF")
        .start();
    let password = "Mon-Secret-9";
    server
        .sql(
            "",
            &format!(
                "CREATE USER 'dbintel_mon'@'%' IDENTIFIED BY '{password}'; \
                 GRANT SELECT ON performance_schema.* TO 'dbintel_mon'@'%';"
            ),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server, "dbintel_mon", password);
    let (code, text, findings) = doctor(&cfg);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        !text.contains(password) && !text.contains("IDENTIFIED BY PASSWORD"),
        "a secret was printed:\n{text}"
    );
    assert!(text.contains("[FAIL] grants.process"), "{text}");
    assert!(text.contains("fix: GRANT PROCESS ON *.* TO 'dbintel_mon'@'%'"), "{text}");
    assert!(text.contains("[FAIL] consumer.statements_digest"), "{text}");
    assert!(
        text.contains(
            "fix: UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = 'events_statements_current'; \
             and, to keep it after a restart, in my.cnf: [mysqld] performance-schema-consumer-events-statements-current=ON"
        ),
        "{text}"
    );
    // Recommendations do not fail: REPLICA MONITOR is missing too, but only advised.
    assert_eq!(find(&findings, "grants.replication_client")["advisory"], true);
    let mut names: Vec<&str> = failed(&findings).iter().filter_map(|f| f["check"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["consumer.events_statements_current", "consumer.statements_digest", "grants.process"]);

    // Run what doctor printed, as an administrator.
    for f in failed(&findings) {
        let sql = f["fix_sql"].as_str().unwrap_or_else(|| panic!("no SQL fix: {f}"));
        server.sql("", sql).unwrap_or_else(|e| panic!("the printed fix `{sql}` failed: {e}"));
    }
    let (code, text, _) = doctor(&cfg);
    assert_eq!(code, Some(0), "the printed SQL did not fix it:\n{text}");
    assert!(
        text.contains("[ok  ] grants.process") && text.contains("[ok  ] consumer.statements_digest"),
        "{text}"
    );
}

#[test]
fn a_user_who_may_not_read_performance_schema_gets_unknowns_and_the_grant() {
    let server = dbintel_test_support::shared_mariadb();
    server
        .sql("", "CREATE USER IF NOT EXISTS 'dbintel_bare'@'%' IDENTIFIED BY 'bare-pw'; GRANT PROCESS ON *.* TO 'dbintel_bare'@'%';")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (code, text, findings) = doctor(&config(dir.path(), server, "dbintel_bare", "bare-pw"));
    assert_eq!(code, Some(1), "{text}");
    let grant = find(&findings, "grants.performance_schema");
    assert_eq!(grant["ok"], false);
    assert_eq!(grant["fix_sql"], "GRANT SELECT ON performance_schema.* TO 'dbintel_bare'@'%';");
    let consumers = find(&findings, "consumers");
    assert_eq!(consumers["unknown"], true, "{consumers}");
    assert!(text.contains("could not be decided"), "{text}");
}

#[test]
fn an_unreachable_server_fails_connect_with_the_hint_and_never_prints_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let closed = support::free_port();
    let cfg = dir.path().join("closed.yaml");
    std::fs::write(
        &cfg,
        format!(
            "receivers:\n  mysql:\n    endpoint: 127.0.0.1:{closed}\n    username: mon\n    password: My-Secret-7\nexporters:\n  debug: {{}}\nservice:\n  pipelines:\n    metrics:\n      receivers: [mysql]\n      exporters: [debug]\n"
        ),
    )
    .unwrap();
    let (code, text, findings) = doctor(&cfg.display().to_string());
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("[FAIL] connect:") && text.contains("fix: check that the server is up"), "{text}");
    assert!(!text.contains("My-Secret-7"), "{text}");
    assert_eq!(findings.len(), 1, "{findings:#?}");
}
