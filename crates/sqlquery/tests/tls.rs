//! sqlquery over TLS to a throwaway PostgreSQL and MariaDB serving a generated certificate for
//! `localhost` only (so `127.0.0.1` is a host-name mismatch): full verification succeeds, a wrong CA
//! or host fails with a message that says what to fix, `require` works without verification, and a
//! client-side timeout cancels the statement over TLS.

mod common;

use std::time::Duration;

use common::{points, start};
use dbintel_core::pdata::NumberValue;
use dbintel_sqlquery::db::Connection;
use dbintel_sqlquery::dsn::{DataSource, Driver};
use dbintel_test_support::{shared_mariadb_tls, shared_postgres_tls};
use serde_json::json;

async fn connect(driver: Driver, dsn: &str) -> Result<Connection, String> {
    let ds = DataSource::parse(driver, dsn).map_err(|e| e.to_string())?;
    Connection::connect(&ds, Duration::from_secs(60)).await.map(|(c, _)| c).map_err(|e| e.to_string())
}

async fn first_text(conn: &mut Connection, sql: &str) -> String {
    let rs = conn.query(sql, None, None).await.expect("query");
    rs.rows.first().and_then(|r| r.first()).and_then(|c| c.to_text()).unwrap_or_default()
}

/// Whether this connection's session runs over TLS, as the server sees it.
async fn pg_session_uses_tls(conn: &mut Connection) -> bool {
    first_text(conn, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()").await == "true"
}

async fn my_session_uses_tls(conn: &mut Connection) -> bool {
    let rs = conn.query("SHOW SESSION STATUS LIKE 'Ssl_version'", None, None).await.expect("query");
    let version = rs.rows.first().and_then(|r| r.get(1)).and_then(|c| c.to_text()).unwrap_or_default();
    version.starts_with("TLS")
}

fn pg_dsn(host: &str, extra: &str) -> String {
    let pg = shared_postgres_tls();
    format!("host={host} port={} user=postgres dbname=postgres {extra}", pg.port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_verify_full_succeeds_and_a_wrong_ca_or_host_says_what_to_fix() {
    let pg = shared_postgres_tls();
    let certs = pg.tls().expect("tls");
    let ca = certs.ca_file.display().to_string();

    let mut conn =
        connect(Driver::Postgres, &pg_dsn("localhost", &format!("sslmode=verify-full sslrootcert={ca}")))
            .await
            .expect("verify-full to localhost");
    assert!(pg_session_uses_tls(&mut conn).await);

    // The same in URL form.
    let url =
        format!("postgres://postgres@localhost:{}/postgres?sslmode=verify-full&sslrootcert={ca}", pg.port);
    let mut conn = connect(Driver::Postgres, &url).await.expect("verify-full URL");
    assert!(pg_session_uses_tls(&mut conn).await);

    let other = certs.other_ca_file.display().to_string();
    let e =
        connect(Driver::Postgres, &pg_dsn("localhost", &format!("sslmode=verify-full sslrootcert={other}")))
            .await
            .err()
            .expect("a CA that did not sign the server certificate");
    assert!(e.contains("not signed by a CA") && e.contains("sslrootcert"), "{e}");

    let e = connect(Driver::Postgres, &pg_dsn("127.0.0.1", &format!("sslmode=verify-full sslrootcert={ca}")))
        .await
        .err()
        .expect("a host the certificate does not name");
    assert!(e.contains("does not name the host") && e.contains("verify-ca"), "{e}");

    // verify-ca checks the chain only, so the same host works.
    let mut conn =
        connect(Driver::Postgres, &pg_dsn("127.0.0.1", &format!("sslmode=verify-ca sslrootcert={ca}")))
            .await
            .expect("verify-ca");
    assert!(pg_session_uses_tls(&mut conn).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_require_encrypts_without_verification() {
    let mut conn = connect(Driver::Postgres, &pg_dsn("127.0.0.1", "sslmode=require")).await.expect("require");
    assert!(pg_session_uses_tls(&mut conn).await);
    // No sslmode: libpq's default `prefer` uses TLS when the server offers it.
    let mut conn = connect(Driver::Postgres, &pg_dsn("127.0.0.1", "")).await.expect("prefer");
    assert!(pg_session_uses_tls(&mut conn).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_client_timeout_cancels_the_statement_over_tls() {
    let pg = shared_postgres_tls();
    let mut conn = connect(Driver::Postgres, &pg_dsn("127.0.0.1", "sslmode=require")).await.expect("require");
    // A statement far longer than the server-side timeout allows in this test: only the cancel
    // request can end it in time.
    let sleeping = "SELECT pg_sleep(45) AS tls_cancel_probe";
    let r = tokio::time::timeout(Duration::from_millis(500), conn.query(sleeping, None, None)).await;
    assert!(r.is_err(), "the sleep ended early: {r:?}");
    conn.cancel_token().expect("postgres connections can be cancelled").spawn();
    let probe = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%tls_cancel_probe%' \
                 AND pid <> pg_backend_pid()";
    let mut active = String::new();
    for _ in 0..100 {
        active = pg.psql("postgres", probe).expect("psql").trim().to_string();
        if active == "0" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(active, "0", "the statement still runs: the cancel request did not reach the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_receiver_scrapes_over_verified_tls() {
    let pg = shared_postgres_tls();
    let ca = pg.tls().expect("tls").ca_file.display().to_string();
    let mut running = start(json!({
        "driver": "postgres",
        "datasource": format!("postgres://postgres@localhost:{}/postgres?sslmode=verify-full", pg.port),
        "tls": {"ca_file": ca},
        "collection_interval": "200ms",
        "initial_delay": "0s",
        "queries": [{
            "sql": "SELECT 'tls' AS k, count(*) AS n FROM pg_stat_ssl WHERE ssl AND pid = pg_backend_pid()",
            "metrics": [{"metric_name": "tls.sessions", "value_column": "n", "attribute_columns": ["k"]}],
        }],
    }));
    let m = running.next_metrics().await;
    assert_eq!(points(&m, "tls.sessions", "k"), vec![("tls".to_string(), NumberValue::Int(1))]);
    running.stop().await;
}

fn my_url(host: &str, params: &str) -> String {
    let my = shared_mariadb_tls();
    format!("mysql://root@{host}:{}/?{params}", my.port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_verify_identity_succeeds_and_a_wrong_ca_or_host_says_what_to_fix() {
    let my = shared_mariadb_tls();
    let certs = my.tls().expect("tls");
    let ca = certs.ca_file.display().to_string();

    let mut conn =
        connect(Driver::Mysql, &my_url("localhost", &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}")))
            .await
            .expect("VERIFY_IDENTITY to localhost");
    assert!(my_session_uses_tls(&mut conn).await);

    // go-sql-driver's form, with the CA from the receiver's `tls` section.
    let section = dbintel_tls::TlsClientConfig::with_ca_file(&certs.ca_file);
    let go = format!("root@tcp(localhost:{})/?tls=true", my.port);
    let ds = DataSource::parse_with_tls(Driver::Mysql, &go, Some(&section)).expect("dsn");
    let (mut conn, _) = Connection::connect(&ds, Duration::from_secs(30)).await.expect("tls=true");
    assert!(my_session_uses_tls(&mut conn).await);

    let other = certs.other_ca_file.display().to_string();
    let e = connect(Driver::Mysql, &my_url("localhost", &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={other}")))
        .await
        .err()
        .expect("a CA that did not sign the server certificate");
    assert!(e.contains("not signed by a CA") && e.contains("ssl-ca"), "{e}");

    let e = connect(Driver::Mysql, &my_url("127.0.0.1", &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}")))
        .await
        .err()
        .expect("a host the certificate does not name");
    assert!(e.contains("does not name the host") && e.contains("server_name_override"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_required_encrypts_without_verification() {
    for params in ["ssl-mode=REQUIRED", "tls=skip-verify", "tls=preferred"] {
        let mut conn = connect(Driver::Mysql, &my_url("127.0.0.1", params)).await.expect(params);
        assert!(my_session_uses_tls(&mut conn).await, "{params}");
    }
    // Without a TLS option the MySQL datasource stays plaintext, as go-sql-driver does.
    let mut conn = connect(Driver::Mysql, &my_url("127.0.0.1", "")).await.expect("plaintext");
    assert!(!my_session_uses_tls(&mut conn).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_client_timeout_kills_the_statement_over_tls() {
    let my = shared_mariadb_tls();
    let mut conn = connect(Driver::Mysql, &my_url("127.0.0.1", "ssl-mode=REQUIRED")).await.expect("required");
    assert!(my_session_uses_tls(&mut conn).await);
    // Far longer than the test waits: only KILL QUERY can end it in time. The connection stays
    // open, so the server is not told by a closed socket.
    let sleeping = "SELECT SLEEP(45) AS tls_kill_probe";
    let r = tokio::time::timeout(Duration::from_millis(500), conn.query(sleeping, None, None)).await;
    assert!(r.is_err(), "the sleep ended early: {r:?}");
    conn.cancel_token().expect("mysql statements can be cancelled").spawn();
    let probe = "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE '%tls_kill_probe%' \
                 AND id <> CONNECTION_ID()";
    let mut running = String::new();
    for _ in 0..100 {
        running = my.sql("", probe).expect("sql").trim().to_string();
        if running == "0" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(running, "0", "the statement still runs: KILL QUERY did not reach the server");
    drop(conn);
}
