//! The mysql receiver over TLS to a throwaway MariaDB whose certificate names `localhost` only:
//! verified against the right CA it scrapes; against another CA, or by a name the certificate does
//! not carry, it reports `mysql.up = 0` and says what to fix.

mod common;

use std::collections::HashMap;

use common::{points, start};
use dbintel_core::health::Status;
use dbintel_test_support::shared_mariadb_tls;
use serde_json::json;

fn config(host: &str, tls: serde_json::Value) -> serde_json::Value {
    json!({
        "endpoint": format!("{host}:{}", shared_mariadb_tls().port),
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
        "tls": tls,
    })
}

async fn up_and_status(config: serde_json::Value) -> (i64, Status) {
    let mut r = start(config);
    let m = r.next_metrics().await;
    let up = points(&m, "mysql.up", "")[""];
    let status = r.status();
    r.stop().await;
    (up, status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verified_tls_scrapes_and_a_wrong_ca_or_name_says_what_to_fix() {
    let certs = shared_mariadb_tls().tls().expect("a TLS server");
    let ca = certs.ca_file.display().to_string();
    let other = certs.other_ca_file.display().to_string();

    let mut r = start(config("localhost", json!({"insecure": false, "ca_file": ca})));
    let m = r.next_metrics().await;
    assert_eq!(points(&m, "mysql.up", ""), HashMap::from([(String::new(), 1)]));
    assert!(!points(&m, "mysql.handlers", "kind").is_empty());
    r.stop().await;

    // By IP, with the certificate's name given.
    let (up, _) =
        up_and_status(config("127.0.0.1", json!({"ca_file": ca, "server_name_override": "localhost"}))).await;
    assert_eq!(up, 1, "server_name_override");

    let (up, status) = up_and_status(config("localhost", json!({"ca_file": other}))).await;
    assert_eq!(up, 0, "a CA that did not sign the server certificate");
    let Status::RecoverableError(text) = status else { panic!("{status:?}") };
    assert!(text.contains("not signed by a CA"), "{text}");

    let (up, status) = up_and_status(config("127.0.0.1", json!({"ca_file": ca}))).await;
    assert_eq!(up, 0, "a host the certificate does not name");
    let Status::RecoverableError(text) = status else { panic!("{status:?}") };
    assert!(text.contains("does not name the host"), "{text}");

    // Without verification, TLS still works against the same server.
    let (up, _) = up_and_status(config("127.0.0.1", json!({"insecure_skip_verify": true}))).await;
    assert_eq!(up, 1, "insecure_skip_verify");
}
