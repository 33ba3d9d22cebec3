//! Admission reaching a real `mysql` receiver: told to skip, it sends nothing and counts the skipped
//! scrapes; when the vote is withdrawn it collects again.

mod common;

use std::time::Duration;

use common::{receiver_id, start_with_admission};
use dbintel_core::pdata::SignalData;
use dbintel_core::telemetry::Registry;
use dbintel_core::{AdmissionRegistry, Admit, Scope};
use dbintel_test_support::shared_mariadb;
use serde_json::json;

fn throttled(telemetry: &Registry) -> u64 {
    telemetry.counter_total("dbintel_receiver_throttled_scrapes_total", &[("reason", "breaker open")])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_receiver_sends_nothing_and_resumes() {
    let my = shared_mariadb();
    let admission = AdmissionRegistry::new();
    let scope = Scope::Receiver(receiver_id());
    admission.set("circuit_breaker", scope.clone(), Admit::Skip { reason: "breaker open".into() });
    let mut r = start_with_admission(
        json!({
            "endpoint": format!("{}:{}", my.host, my.port),
            "username": "root",
            "collection_interval": "1s",
            "initial_delay": "0s",
        }),
        Some(&admission),
    );

    for _ in 0..500 {
        if throttled(&r.telemetry) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(throttled(&r.telemetry) >= 2, "scrapes were skipped and counted");
    assert!(r.metrics.try_recv().is_err(), "a throttled receiver sends nothing");

    admission.set("circuit_breaker", scope, Admit::Full);
    let got = tokio::time::timeout(Duration::from_secs(20), r.metrics.recv()).await;
    assert!(matches!(got, Ok(Some(SignalData::Metrics(_)))), "collects again: {got:?}");
    r.shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(3), r.handle).await.expect("stops promptly").unwrap();
}
