//! Admission per monitored database against a throwaway PostgreSQL: a database told to skip gets no
//! queries (its per-database metrics vanish, the other database's stay), the skip is counted with its
//! reason, and collection of that database resumes when the vote is withdrawn.

mod receiver_harness;
use receiver_harness::{receiver_id, start_with_admission};
use std::time::Duration;

use dbintel_core::pdata::{MetricData, Metrics};
use dbintel_core::{AdmissionRegistry, Admit, Scope};
use dbintel_test_support::shared_postgres;
use serde_json::json;

/// The databases that have a point of the per-database metric `postgresql.table.count`.
fn databases_with_tables(m: &Metrics) -> Vec<String> {
    let mut dbs: Vec<String> = m
        .resource_metrics
        .iter()
        .flat_map(|r| &r.scope_metrics)
        .flat_map(|s| &s.metrics)
        .filter(|x| x.name == "postgresql.table.count")
        .flat_map(|x| match &x.data {
            MetricData::Gauge(p) => p.clone(),
            MetricData::Sum { points, .. } => points.clone(),
            _ => Vec::new(),
        })
        .filter_map(|p| p.attributes.get("db.namespace").map(|v| v.to_display_string()))
        .collect();
    dbs.sort();
    dbs
}

fn throttled(telemetry: &dbintel_core::telemetry::Registry, reason: &str) -> u64 {
    telemetry.counter_total("dbintel_receiver_throttled_scrapes_total", &[("reason", reason)])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_told_to_skip_is_not_queried_and_resumes_when_cleared() {
    let pg = shared_postgres();
    let open = pg.create_database("adm_open");
    let held = pg.create_database("adm_held");
    let mut expected = vec![open.clone(), held.clone()];
    expected.sort();
    let admission = AdmissionRegistry::new();
    let scope = Scope::Database { receiver: receiver_id(), database: held.clone() };
    admission.set("breaker", scope.clone(), Admit::Skip { reason: "database overloaded".into() });
    let mut r = start_with_admission(
        json!({
            "endpoint": format!("{}:{}", pg.host, pg.port),
            "username": "postgres",
            "password": "unused-by-trust",
            "databases": [open.clone(), held.clone()],
            "tls": {"insecure": true},
            "collection_interval": "1s",
            "initial_delay": "0s",
            "resource_model": "semconv",
        }),
        Some(&admission),
    );

    for _ in 0..2 {
        let m = r.next().await;
        assert_eq!(databases_with_tables(&m), vec![open.clone()], "the held database is not queried");
    }
    assert!(throttled(&r.telemetry, "database overloaded") >= 2);

    admission.set("breaker", scope, Admit::Full);
    let mut seen_both = false;
    for _ in 0..10 {
        if databases_with_tables(&r.next().await) == expected {
            seen_both = true;
            break;
        }
    }
    assert!(seen_both, "the held database is collected again once the vote is withdrawn");
    r.shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(5), r.handle).await.expect("prompt shutdown").unwrap();
}
