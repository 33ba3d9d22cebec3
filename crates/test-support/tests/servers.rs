//! The harness against the real servers installed on the machine.

use std::path::Path;

use dbintel_test_support::{
    MariaDbServer, PgServer, mariadb_available, postgres_available, shared_mariadb, shared_postgres,
};

fn skip_without_postgres(test: &str) -> bool {
    let missing = !postgres_available();
    if missing {
        eprintln!("skipping {test}: PostgreSQL binaries not found (set DBINTEL_PG_BINDIR)");
    }
    missing
}

fn skip_without_mariadb(test: &str) -> bool {
    let missing = !mariadb_available();
    if missing {
        eprintln!("skipping {test}: MariaDB binaries not found (set DBINTEL_MARIADB_BINDIR)");
    }
    missing
}

/// Whether any process still belongs to the group led by `pid` (servers lead their own group).
fn process_group_alive(pid: u32) -> bool {
    let group = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw).expect("valid pid");
    rustix::process::test_kill_process_group(group).is_ok()
}

fn psql(server: &PgServer, db: &str, sql: &str) -> String {
    server.psql(db, sql).unwrap_or_else(|error| panic!("{sql}: {error}")).trim().to_owned()
}

fn mariadb_sql(server: &MariaDbServer, db: &str, sql: &str) -> String {
    server.sql(db, sql).unwrap_or_else(|error| panic!("{sql}: {error}")).trim().to_owned()
}

#[test]
fn postgres_runs_sql_with_statement_statistics_configured() {
    if skip_without_postgres("postgres_runs_sql_with_statement_statistics_configured") {
        return;
    }
    let server = shared_postgres();
    assert_eq!(psql(server, "postgres", "SELECT 1"), "1");
    assert_eq!(
        psql(server, "postgres", "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'"),
        "1"
    );
    // Reading the view fails unless the library is preloaded, so this checks shared_preload_libraries.
    psql(server, "postgres", "SELECT count(*) FROM pg_stat_statements");
    assert_eq!(psql(server, "postgres", "SHOW compute_query_id"), "on");
    assert_eq!(psql(server, "postgres", "SHOW track_io_timing"), "on");
    assert_eq!(psql(server, "postgres", "SHOW pg_stat_statements.track"), "all");
    assert!(psql(server, "postgres", "SHOW shared_preload_libraries").contains("auto_explain"));
    assert_eq!(server.url("app"), format!("postgres://postgres@127.0.0.1:{}/app", server.port));
    assert_eq!(
        server.keyvalue_dsn("app"),
        format!("host=127.0.0.1 port={} user=postgres dbname=app", server.port)
    );
    assert!(server.socket_dir.join(format!(".s.PGSQL.{}", server.port)).exists());
    assert!(server.bin_dir().join("postgres").is_file());
}

#[test]
fn postgres_databases_from_create_database_are_isolated() {
    if skip_without_postgres("postgres_databases_from_create_database_are_isolated") {
        return;
    }
    let server = shared_postgres();
    let first = server.create_database("isolation");
    let second = server.create_database("isolation");
    assert_ne!(first, second);
    psql(server, &first, "CREATE TABLE only_here (id int); INSERT INTO only_here VALUES (1), (2);");
    assert_eq!(psql(server, &first, "SELECT count(*) FROM only_here"), "2");
    assert_eq!(psql(server, &second, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'"), "0");
    // Copied from template1, so every test database can read statement statistics.
    psql(server, &second, "SELECT count(*) FROM pg_stat_statements");
}

#[test]
fn postgres_reports_sql_errors_with_the_server_message() {
    if skip_without_postgres("postgres_reports_sql_errors_with_the_server_message") {
        return;
    }
    let error = shared_postgres().psql("postgres", "SELECT * FROM no_such_table").expect_err("must fail");
    assert!(error.to_string().contains("no_such_table"), "{error}");
}

#[test]
fn postgres_builder_settings_apply_and_drop_stops_the_server() {
    if skip_without_postgres("postgres_builder_settings_apply_and_drop_stops_the_server") {
        return;
    }
    let server = PgServer::builder().setting("work_mem", "7MB").setting("track_io_timing", "off").start();
    assert_eq!(psql(&server, "postgres", "SHOW work_mem"), "7MB");
    assert_eq!(psql(&server, "postgres", "SHOW track_io_timing"), "off");
    let (pid, data_dir) = (server.pid(), server.data_dir.clone());
    assert!(process_group_alive(pid));
    drop(server);
    assert!(!process_group_alive(pid), "postgres processes survived drop");
    assert!(!data_dir.exists(), "{} survived drop", data_dir.display());
}

#[test]
fn postgres_standby_streams_from_its_primary_read_only_and_drop_stops_it() {
    if skip_without_postgres("postgres_standby_streams_from_its_primary_read_only_and_drop_stops_it") {
        return;
    }
    let primary = PgServer::builder().setting("work_mem", "7MB").start();
    let standby = primary.start_standby();
    assert_ne!(standby.port, primary.port);
    assert_eq!(psql(&standby, "postgres", "SELECT pg_is_in_recovery()"), "t");
    assert_eq!(psql(&standby, "postgres", "SHOW work_mem"), "7MB", "the primary's options");
    // Streaming: a row committed on the primary after the base backup shows up (bounded wait).
    psql(&primary, "postgres", "CREATE TABLE streamed (v int); INSERT INTO streamed VALUES (42)");
    let mut seen = String::new();
    for _ in 0..300 {
        seen = standby.psql("postgres", "SELECT v FROM streamed").unwrap_or_default().trim().to_owned();
        if seen == "42" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(seen, "42", "the standby replayed the primary's commit");
    assert_eq!(psql(&primary, "postgres", "SELECT count(*) FROM pg_stat_replication"), "1", "one walsender");
    let refused = standby.psql("postgres", "INSERT INTO streamed VALUES (1)").expect_err("read-only");
    assert!(refused.to_string().contains("read-only transaction"), "{refused}");
    let (pid, data_dir) = (standby.pid(), standby.data_dir.clone());
    drop(standby);
    assert!(!process_group_alive(pid), "standby processes survived drop");
    assert!(!data_dir.exists(), "{} survived drop", data_dir.display());
}

#[test]
fn mariadb_runs_sql_with_performance_schema_on() {
    if skip_without_mariadb("mariadb_runs_sql_with_performance_schema_on") {
        return;
    }
    let server = shared_mariadb();
    assert_eq!(mariadb_sql(server, "", "SELECT @@performance_schema"), "1");
    let consumers = mariadb_sql(
        server,
        "performance_schema",
        "SELECT name, enabled FROM setup_consumers WHERE name LIKE 'events_statements_%' ORDER BY name",
    );
    assert!(consumers.contains("events_statements_current\tYES"), "{consumers}");
    assert!(consumers.contains("events_statements_history\tYES"), "{consumers}");
    assert_eq!(mariadb_sql(server, "", "SELECT @@log_bin"), "0");
    assert_eq!(server.url("app"), format!("mysql://root@127.0.0.1:{}/app", server.port));
    assert!(server.socket_path.exists());
}

#[test]
fn mariadb_databases_from_create_database_are_isolated() {
    if skip_without_mariadb("mariadb_databases_from_create_database_are_isolated") {
        return;
    }
    let server = shared_mariadb();
    let first = server.create_database("isolation");
    let second = server.create_database("isolation");
    assert_ne!(first, second);
    mariadb_sql(server, &first, "CREATE TABLE only_here (id int); INSERT INTO only_here VALUES (1), (2);");
    assert_eq!(mariadb_sql(server, &first, "SELECT count(*) FROM only_here"), "2");
    let error = server.sql(&second, "SELECT count(*) FROM only_here").expect_err("table is in the other db");
    assert!(error.to_string().contains("only_here"), "{error}");
}

#[test]
fn mariadb_builder_options_apply_and_drop_stops_the_server() {
    if skip_without_mariadb("mariadb_builder_options_apply_and_drop_stops_the_server") {
        return;
    }
    let server = MariaDbServer::builder().option("max_connections", "42").start();
    assert_eq!(mariadb_sql(&server, "", "SELECT @@max_connections"), "42");
    let (pid, data_dir) = (server.pid(), server.data_dir.clone());
    assert!(process_group_alive(pid));
    drop(server);
    assert!(!process_group_alive(pid), "mariadbd survived drop");
    assert!(!Path::new(&data_dir).exists(), "{} survived drop", data_dir.display());
}

/// Set for the child process of `shared_servers_do_not_outlive_the_test_process`.
const ABANDON_ENV: &str = "DBINTEL_TEST_SUPPORT_ABANDON_SHARED_SERVERS";

/// Only does something in the child run: starts the shared servers, reports them and exits without
/// running any destructor, as a test binary does with its statics.
#[test]
fn abandon_shared_servers_in_child_process() {
    if std::env::var_os(ABANDON_ENV).is_none() {
        return;
    }
    let postgres = shared_postgres();
    let mariadb = shared_mariadb();
    // libtest prints "test <name> ... " without a newline first, so lines are matched by the marker.
    println!("SERVER {} {}", postgres.pid(), postgres.socket_dir.display());
    let mariadb_root = mariadb.socket_path.parent().expect("socket lives in the temp dir");
    println!("SERVER {} {}", mariadb.pid(), mariadb_root.display());
    std::process::exit(0);
}

#[test]
fn shared_servers_do_not_outlive_the_test_process() {
    if skip_without_postgres("shared_servers_do_not_outlive_the_test_process")
        || skip_without_mariadb("shared_servers_do_not_outlive_the_test_process")
    {
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().expect("test binary path"))
        .args(["--exact", "abandon_shared_servers_in_child_process", "--nocapture", "--test-threads=1"])
        .env(ABANDON_ENV, "1")
        .output()
        .expect("child test process runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let servers: Vec<(u32, std::path::PathBuf)> = stdout
        .lines()
        .filter_map(|line| line.split_once("SERVER ").map(|(_, rest)| rest))
        .filter_map(|rest| {
            let (pid, dir) = rest.split_once(' ')?;
            Some((pid.parse().ok()?, dir.into()))
        })
        .collect();
    assert_eq!(servers.len(), 2, "child output:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    for (pid, dir) in servers {
        // Bounded polling, not a timing assertion: the watchdog needs a moment to notice and clean up.
        let mut polls = 0;
        while (process_group_alive_ignoring_zombies(pid) || dir.exists()) && polls < 600 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            polls += 1;
        }
        assert!(!process_group_alive_ignoring_zombies(pid), "server {pid} outlived its test process");
        assert!(!dir.exists(), "{} outlived its test process", dir.display());
    }
}

/// Like [`process_group_alive`], but an orphaned, exited leader nobody reaped yet counts as gone.
fn process_group_alive_ignoring_zombies(pid: u32) -> bool {
    let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit_once(") ").map(|(_, rest)| rest.starts_with('Z')))
        .unwrap_or(false);
    process_group_alive(pid) && !zombie
}

/// Callers elsewhere are `#[tokio::test]`s on the default current-thread runtime.
#[tokio::test]
async fn shared_servers_can_be_used_from_a_tokio_test() {
    if skip_without_postgres("shared_servers_can_be_used_from_a_tokio_test")
        || skip_without_mariadb("shared_servers_can_be_used_from_a_tokio_test")
    {
        return;
    }
    assert_eq!(psql(shared_postgres(), "postgres", "SELECT 40 + 2"), "42");
    let port = tokio::task::spawn_blocking(|| shared_mariadb().port).await.expect("blocking task");
    assert_eq!(port, shared_mariadb().port);
}

#[test]
fn postgres_start_failure_reports_the_server_log() {
    if skip_without_postgres("postgres_start_failure_reports_the_server_log") {
        return;
    }
    let error = PgServer::builder()
        .setting("no_such_setting", "1")
        .try_start()
        .expect_err("an unknown setting must stop the server from starting");
    let message = error.to_string();
    assert!(message.contains("did not start") && message.contains("no_such_setting"), "{message}");
}

/// The generated certificates satisfy the servers' own clients (libpq's `verify-full`, the mariadb
/// client's `--ssl-verify-server-cert`), not only rustls.
#[test]
fn tls_servers_verify_with_the_standard_clients() {
    if !skip_without_postgres("tls_servers_verify_with_the_standard_clients") {
        let pg = dbintel_test_support::shared_postgres_tls();
        let certs = pg.tls().expect("started with tls");
        let run = |ca: &Path| {
            std::process::Command::new(pg.bin_dir().join("psql"))
                .args(["-X", "-A", "-t", "-c", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"])
                .arg(format!(
                    "host=localhost port={} user=postgres dbname=postgres sslmode=verify-full sslrootcert={}",
                    pg.port,
                    ca.display()
                ))
                .output()
                .expect("psql")
        };
        let ok = run(&certs.ca_file);
        assert_eq!(
            String::from_utf8_lossy(&ok.stdout).trim(),
            "t",
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        assert!(!run(&certs.other_ca_file).status.success(), "a CA that signed nothing must fail");
    }
    if !skip_without_mariadb("tls_servers_verify_with_the_standard_clients") {
        let my = dbintel_test_support::shared_mariadb_tls();
        let certs = my.tls().expect("started with tls");
        let out = std::process::Command::new(&my.binaries().client)
            .args(["--no-defaults", "--batch", "--skip-column-names", "--protocol=tcp", "--host=localhost"])
            .arg(format!("--port={}", my.port))
            .args(["--user=root", "--ssl-verify-server-cert"])
            .arg(format!("--ssl-ca={}", certs.ca_file.display()))
            .args(["-e", "SHOW SESSION STATUS LIKE 'Ssl_version'"])
            .output()
            .expect("mariadb client");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("TLS"), "{text} {}", String::from_utf8_lossy(&out.stderr));
    }
}
