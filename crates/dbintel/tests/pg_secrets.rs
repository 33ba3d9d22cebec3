//! `dbintel run` at DEBUG against a throwaway PostgreSQL while an application runs a statement that
//! carries a secret in a comment and a literal, and calls a function that raises a WARNING when the
//! collector plans it (an IMMUTABLE function is folded at plan time: the notice reaches the
//! collector's own EXPLAIN). No log line may carry the comment, the literal or raw query text, and the
//! notice is logged under the receiver's id at its own severity. A message raised inside a function
//! (RAISE NOTICE/WARNING/EXCEPTION) is free text that may carry data (bare words, double-quoted
//! words that look like identifiers), so its text is never logged: only severity and SQLSTATE.

mod support;

use std::time::{Duration, Instant};

use dbintel_test_support::shared_postgres;
use support::Running;

const COMMENT_SECRET: &str = "hunter2";
const LITERAL_SECRET: &str = "literal-secret-4711";
/// Bare and double-quoted words in messages raised by functions the collector's EXPLAIN folds.
const RAISED_SECRETS: [&str; 4] =
    ["NoticeSecretWord", "WarnSecretWord", "RaiseSecretWord", "QuotedSecretWord"];

#[test]
fn debug_logs_never_carry_query_comments_literals_or_notices_without_the_receiver() {
    let server = shared_postgres();
    let db = server.create_database("logsecrets");
    server
        .psql(
            &db,
            "CREATE TABLE acct (id int, pw text); \
             CREATE FUNCTION dbintel_noisy() RETURNS int IMMUTABLE LANGUAGE plpgsql AS \
             $$BEGIN RAISE NOTICE 'quiet notice planned NoticeSecretWord'; \
             RAISE WARNING 'noisy function planned: token %', 'WarnSecretWord'; RETURN 1; END$$; \
             CREATE FUNCTION dbintel_failing() RETURNS int IMMUTABLE LANGUAGE plpgsql AS \
             $$BEGIN IF current_setting('application_name') = 'dbintel' THEN \
             RAISE EXCEPTION 'failing with RaiseSecretWord \"QuotedSecretWord\"'; END IF; RETURN 1; END$$;",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            r#"
receivers:
  postgresql/secrets:
    endpoint: {host}:{port}
    username: postgres
    password: unused-by-trust
    databases: [{db}]
    tls: {{insecure: true}}
    collection_interval: 1s
    initial_delay: 0s
    events:
      db.server.top_query: {{enabled: true}}
      db.server.query_sample: {{enabled: true}}
    top_query_collection:
      collection_interval: 1s
exporters:
  debug:
    verbosity: basic
service:
  telemetry:
    logs:
      level: debug
    metrics:
      address: 127.0.0.1:0
  pipelines:
    logs:
      receivers: [postgresql/secrets]
      exporters: [debug]
"#,
            host = server.host,
            port = server.port,
        ),
    )
    .unwrap();
    let cfg_arg = cfg.display().to_string();
    let mut run = Running::start(&["run", "--config", &cfg_arg], &[("DBINTEL_LOG", "debug")], dir.path());
    let statement = format!(
        "/* password={COMMENT_SECRET} */ SELECT dbintel_noisy(), count(*) FROM acct WHERE pw = '{LITERAL_SECRET}'"
    );
    let failing = "SELECT count(*) FROM acct WHERE id = dbintel_failing()";
    let warned =
        |logs: &str| logs.lines().any(|l| l.contains("server notice") && l.contains("severity=\"WARNING\""));
    let start = Instant::now();
    let mut noticed = false;
    while start.elapsed() < Duration::from_secs(90) {
        server.psql(&db, &statement).unwrap();
        server.psql(&db, failing).unwrap();
        let logs = run.stderr();
        if warned(&logs) && logs.contains("EXPLAIN failed") {
            noticed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    run.signal("TERM");
    run.wait_exit(Duration::from_secs(15));
    let logs = run.stderr();
    assert!(noticed, "the collector's EXPLAIN never raised the notice; logs:\n{logs}");
    for secret in [COMMENT_SECRET, LITERAL_SECRET].into_iter().chain(RAISED_SECRETS) {
        let leaks: Vec<&str> = logs.lines().filter(|l| l.contains(secret)).collect();
        assert!(leaks.is_empty(), "{secret} in the logs:\n{}", leaks.join("\n"));
    }
    // Query text appears in no log line, raw or normalized.
    assert!(!logs.contains("FROM acct WHERE pw"), "query text in the logs");
    let notice =
        logs.lines().find(|l| l.contains("server notice") && l.contains("severity=\"WARNING\"")).unwrap();
    assert!(notice.contains("WARN"), "{notice}");
    assert!(notice.contains("postgresql/secrets"), "notice without the receiver's id: {notice}");
    assert!(!logs.contains("INFO WARNING"), "notice logged by the driver:\n{logs}");
    // A NOTICE keeps its own, lower level.
    let quiet = logs
        .lines()
        .find(|l| l.contains("server notice") && l.contains("severity=\"NOTICE\""))
        .expect("the NOTICE is logged");
    assert!(quiet.contains("INFO") && !quiet.contains("WARN"), "{quiet}");
    assert!(quiet.contains("postgresql/secrets"), "{quiet}");
}
