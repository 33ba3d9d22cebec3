//! `feature_detection` on a real MariaDB: off by default (no `db.feature.*` metrics); on: the
//! performance_schema consumers, the grants and the readable tables as capabilities.

mod common;

use common::{points, start};
use dbintel_test_support::shared_mariadb;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn features_are_emitted_only_when_asked() {
    let my = shared_mariadb();
    let base = json!({
        "endpoint": format!("{}:{}", my.host, my.port),
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
    });
    let mut on = base.clone();
    on["feature_detection"] = json!({"enabled": true});
    let mut r = start(on);
    let m = r.next_metrics().await;
    let caps = points(&m, "db.feature.capability.available", "capability");
    for c in [
        "performance_schema",
        "performance_schema.consumer.statements_digest",
        "performance_schema.consumer.events_statements_current",
        "performance_schema.digest.readable",
        "privilege.process",
        "innodb_buffer_pool_stats.readable",
    ] {
        assert_eq!(caps.get(c), Some(&1), "{c}: {caps:?}");
    }
    assert_eq!(caps.get("slow_log.table"), Some(&0), "{caps:?}");
    r.stop().await;

    let mut r = start(base);
    let m = r.next_metrics().await;
    assert!(points(&m, "db.feature.capability.available", "capability").is_empty(), "off by default");
    r.stop().await;
}
