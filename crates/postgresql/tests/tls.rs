//! The postgresql receiver over TLS to a throwaway server serving a generated certificate for
//! `localhost` only: verify-full with `tls.ca_file` works; a wrong CA or a host the certificate
//! does not name fails with a fix that names the key to change.

use dbintel_test_support::{postgres_available, shared_postgres_tls};
use serde_json::json;

fn config(host: &str, tls: serde_json::Value) -> serde_json::Value {
    let pg = shared_postgres_tls();
    json!({
        "endpoint": format!("{host}:{}", pg.port),
        "username": "postgres",
        "databases": ["postgres"],
        "tls": tls,
        "collection_interval": "1s",
        "initial_delay": "0s",
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_full_works_and_certificate_problems_name_their_fix() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let certs = shared_postgres_tls().tls().expect("tls").clone();
    let verify = |ca: &std::path::Path| json!({"insecure_skip_verify": false, "ca_file": ca});

    let findings = dbintel_postgresql::doctor(&config("localhost", verify(&certs.ca_file))).await;
    let connect = findings.iter().find(|f| f.check == "connect").expect("a connect finding");
    assert!(connect.ok, "{connect:?}");

    let findings = dbintel_postgresql::doctor(&config("localhost", verify(&certs.other_ca_file))).await;
    let connect = findings.iter().find(|f| f.check == "connect").expect("a connect finding");
    assert!(!connect.ok, "{connect:?}");
    assert!(connect.fix.as_deref().unwrap_or("").contains("tls.ca_file"), "{connect:?}");

    let findings = dbintel_postgresql::doctor(&config("127.0.0.1", verify(&certs.ca_file))).await;
    let connect = findings.iter().find(|f| f.check == "connect").expect("a connect finding");
    assert!(!connect.ok, "{connect:?}");
    assert!(connect.fix.as_deref().unwrap_or("").contains("does not name the host"), "{connect:?}");
}
