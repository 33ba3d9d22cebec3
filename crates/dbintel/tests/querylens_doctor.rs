//! `dbintel doctor` and pg_querylens: on a server without it, advice (WARN, exit 0) with the exact
//! statements that enable it, the libraries already preloaded kept; on a server that preloads it
//! (the real extension, installed by `.ci/querylens`; without it the second test FAILS), every
//! pg_querylens check passes and the version is shown.

mod support;

use dbintel_test_support::{PgServer, shared_postgres};

fn doctor(server: &PgServer, db: &str) -> (std::process::ExitStatus, String, Vec<serde_json::Value>) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("doctor.yaml");
    std::fs::write(
        &cfg,
        format!(
            "receivers:\n  postgresql:\n    endpoint: {}:{}\n    username: postgres\n    databases: [{db}]\n    tls: {{insecure: true}}\n\
             exporters:\n  debug: {{}}\nservice:\n  pipelines:\n    metrics:\n      receivers: [postgresql]\n      exporters: [debug]\n",
            server.host, server.port
        ),
    )
    .unwrap();
    let cfg_arg = cfg.display().to_string();
    let out = support::dbintel(&["doctor", "--config", &cfg_arg]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let json = support::dbintel(&["doctor", "--json", "--config", &cfg_arg]);
    let findings = String::from_utf8_lossy(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out.status, text, findings)
}

fn find<'a>(findings: &'a [serde_json::Value], check: &str) -> Option<&'a serde_json::Value> {
    findings.iter().find(|f| f["check"] == check)
}

#[test]
fn doctor_prints_the_lines_that_enable_pg_querylens() {
    let server = shared_postgres();
    let db = server.create_database("ql_doctor");
    let (status, text, findings) = doctor(server, &db);
    // Optional: advice, never a failure.
    assert!(status.success(), "{text}");
    let first = find(&findings, "pg_querylens.available")
        .or_else(|| find(&findings, "pg_querylens.preload"))
        .unwrap_or_else(|| panic!("no pg_querylens finding: {text}"));
    assert_eq!(first["ok"], false, "{first}");
    assert_eq!(first["advisory"], true, "{first}");
    let fix = first["fix"].as_str().unwrap_or_default();
    // The harness preloads pg_stat_statements and auto_explain: both kept, pg_querylens added.
    assert!(
        fix.contains(
            "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', 'auto_explain', 'pg_querylens';"
        ),
        "{fix}"
    );
    assert!(fix.contains("restart PostgreSQL"), "{fix}");
    assert!(fix.contains("CREATE EXTENSION pg_querylens;"), "{fix}");
    assert!(fix.contains("GRANT pg_monitor TO \"postgres\";"), "{fix}");
    assert!(text.contains("[WARN] pg_querylens."), "{text}");
    assert!(
        text.contains("fix: ALTER SYSTEM SET shared_preload_libraries")
            || text.contains("then: ALTER SYSTEM"),
        "{text}"
    );
    assert!(find(&findings, "pg_querylens.readable").is_none(), "not readable when not loaded: {text}");
}

#[test]
fn doctor_passes_pg_querylens_when_preloaded_and_installed() {
    let server = PgServer::builder()
        .setting("shared_preload_libraries", "pg_stat_statements,auto_explain,pg_querylens")
        .try_start()
        .unwrap_or_else(|e| {
            panic!(
                "a PostgreSQL that preloads pg_querylens did not start: the extension must be installed into \
                 this PostgreSQL (`.ci/querylens` builds and installs it): {e}"
            )
        });
    let db = server.create_database("ql_doctor_on");
    server.psql(&db, "CREATE EXTENSION pg_querylens").expect("CREATE EXTENSION pg_querylens");
    let (status, text, findings) = doctor(&server, &db);
    assert!(status.success(), "{text}");
    for check in ["pg_querylens.preload", "pg_querylens.extension", "pg_querylens.readable"] {
        let f = find(&findings, check).unwrap_or_else(|| panic!("{check} missing: {text}"));
        assert_eq!(f["ok"], true, "{f}");
    }
    assert!(text.contains("[ok  ] pg_querylens.readable: querylens.info() answers:"), "{text}");
    assert!(find(&findings, "pg_querylens.available").is_none(), "{text}");
}

/// Without pg_stat_statements preloaded, doctor prints two preload fixes: pg_stat_statements' (the
/// libraries as they are, plus it) and pg_querylens' (plus both). The second says to apply it instead
/// of the first: applied after it, the first would unload pg_querylens again.
#[test]
fn doctor_says_which_preload_line_to_apply_when_both_libraries_are_missing() {
    let server = PgServer::builder().setting("shared_preload_libraries", "auto_explain").start();
    let db = server.create_database("ql_doctor_both");
    let (status, text, findings) = doctor(&server, &db);
    assert!(!status.success(), "pg_stat_statements missing is a failure: {text}");
    let pgss = find(&findings, "pg_stat_statements.preload").unwrap_or_else(|| panic!("{text}"));
    assert_eq!(pgss["ok"], false, "{pgss}");
    let pgss_fix = pgss["fix"].as_str().unwrap_or_default();
    assert!(
        pgss_fix
            .contains("ALTER SYSTEM SET shared_preload_libraries = 'auto_explain', 'pg_stat_statements';"),
        "{pgss_fix}"
    );
    let ql = find(&findings, "pg_querylens.preload")
        .or_else(|| find(&findings, "pg_querylens.available"))
        .unwrap_or_else(|| panic!("{text}"));
    let ql_fix = ql["fix"].as_str().unwrap_or_default();
    assert!(
        ql_fix.contains(
            "ALTER SYSTEM SET shared_preload_libraries = 'auto_explain', 'pg_stat_statements', 'pg_querylens';"
        ),
        "{ql_fix}"
    );
    assert!(ql_fix.contains("instead of the pg_stat_statements.preload fix"), "{ql_fix}");
}
