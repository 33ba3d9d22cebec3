//! The embedded default config (`dbintel run` without --config) with a local MySQL/MariaDB: a
//! throwaway MariaDB named by the mysql client's variables (TCP or socket) is found, said at
//! startup and its metrics reach the console; when none answers it says so and PostgreSQL-only
//! still works; `dbintel doctor` without --config checks the MariaDB it finds.

mod support;

use std::time::Duration;

use dbintel_test_support::{shared_mariadb, shared_postgres};
use support::{Running, wait_for};

fn pg_env(port: &str) -> Vec<(&'static str, String)> {
    vec![
        ("PGHOST", "127.0.0.1".into()),
        ("PGPORT", port.into()),
        ("PGUSER", "postgres".into()),
        ("PGDATABASE", "postgres".into()),
    ]
}

/// The embedded default serves its own telemetry on the fixed 127.0.0.1:8888: one run at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run_default(env: &[(&str, String)], wait_for_text: &str) -> (String, String) {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut run = Running::start(&["run"], &env, dir.path());
    let shown = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_for(wait_for_text, Duration::from_secs(60), || run.stdout().contains(wait_for_text))
    }));
    if shown.is_err() {
        run.signal("TERM");
        panic!("no {wait_for_text} on the console:\n{}\nstderr:\n{}", run.stdout(), run.stderr());
    }
    run.signal("TERM");
    let status = run.wait_exit(Duration::from_secs(20));
    assert_eq!(status.code(), Some(0), "{}", run.stderr());
    (run.stdout(), run.stderr())
}

#[test]
fn the_default_finds_mariadb_from_the_mysql_variables_and_its_metrics_flow() {
    let my = shared_mariadb();
    let pg = shared_postgres();
    let pg_port = pg.port.to_string();
    // Over TCP (MYSQL_HOST/MYSQL_TCP_PORT), as MYSQL_USER.
    let mut env = pg_env(&pg_port);
    env.extend([
        ("MYSQL_HOST", my.host.clone()),
        ("MYSQL_TCP_PORT", my.port.to_string()),
        ("MYSQL_USER", "root".to_string()),
    ]);
    let (stdout, stderr) = run_default(&env, "dbintel/mysql");
    let endpoint = format!("{}:{}", my.host, my.port);
    assert!(
        stderr.contains(&format!("a local MySQL/MariaDB answers at {endpoint}; watching it as user root")),
        "{stderr}"
    );
    // Basic verbosity: one compact line per batch, naming the scopes and the first metrics. The
    // batch may hold PostgreSQL's metrics too, listed first, so the mysql scope is the evidence.
    let line = stdout.lines().find(|l| l.contains("dbintel/mysql")).unwrap_or_default();
    assert!(line.contains(" metrics ") && line.contains(" points in "), "{stdout}");
    assert!(stderr.contains("mysql: connected receiver=mysql/local"), "{stderr}");

    // Over the socket (MYSQL_UNIX_PORT): the first candidate that answers.
    let mut env = pg_env(&pg_port);
    env.extend([
        ("MYSQL_UNIX_PORT", my.socket_path.display().to_string()),
        ("MYSQL_USER", "root".to_string()),
    ]);
    let (_, stderr) = run_default(&env, "dbintel/mysql");
    assert!(stderr.contains(&format!("answers at {}", my.socket_path.display())), "{stderr}");

    // doctor without --config checks the same server.
    let out = std::process::Command::new(support::bin())
        .args(["doctor"])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("receivers.mysql/local ({})", my.socket_path.display())), "{text}");
    assert!(text.contains("[ok  ] performance_schema: performance_schema is ON"), "{text}");
}

#[test]
fn no_local_mysql_is_said_and_postgresql_only_still_works() {
    let pg = shared_postgres();
    let closed = support::free_port();
    let mut env = pg_env(&pg.port.to_string());
    env.extend([
        ("MYSQL_UNIX_PORT", "/nonexistent/mysqld.sock".to_string()),
        ("MYSQL_TCP_PORT", closed.to_string()),
    ]);
    let (stdout, stderr) = run_default(&env, "postgresql.backends");
    assert!(
        stderr.contains(&format!(
            "no local MySQL/MariaDB answered (tried /nonexistent/mysqld.sock, 127.0.0.1:{closed}); watching PostgreSQL only"
        )),
        "{stderr}"
    );
    assert!(!stdout.contains("dbintel/mysql"), "{stdout}");
    assert!(!stderr.contains("ERROR"), "{stderr}");
}
