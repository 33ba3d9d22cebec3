//! A failed connection names its cause (the OS error, the resolver), not only the driver's
//! "error connecting to server", and never the password.

use std::time::Duration;

use dbintel_sqlquery::db::Connection;
use dbintel_sqlquery::dsn::{DataSource, Driver};

/// A port on 127.0.0.1 where nothing listens (bound, then released).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

async fn connect_error(dsn: &str) -> String {
    let ds = DataSource::parse(Driver::Postgres, dsn).unwrap();
    match Connection::connect(&ds, Duration::from_secs(5)).await {
        Ok(_) => panic!("connected to {dsn}"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn refused_and_unresolvable_hosts_name_their_cause_without_the_password() {
    let port = closed_port();
    for dsn in [
        format!("postgres://mon:Refused%2FSecret1@127.0.0.1:{port}/db?sslmode=disable"),
        format!("host=127.0.0.1 port={port} user=mon password='Refused/Secret1' dbname=db sslmode=disable"),
    ] {
        let text = connect_error(&dsn).await;
        assert!(text.to_ascii_lowercase().contains("connection refused"), "{dsn}: {text}");
        assert!(!text.contains("Secret1"), "{text}");
    }
    let text =
        connect_error("postgres://mon:Resolve%2FSecret2@no-such-host.invalid:5432/db?sslmode=disable").await;
    assert!(
        text.contains("lookup") || text.contains("resolve") || text.contains("not known"),
        "the resolver's cause is missing: {text}"
    );
    assert!(!text.contains("Secret2"), "{text}");
}
