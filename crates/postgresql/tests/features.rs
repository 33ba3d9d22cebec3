//! `feature_detection` on a real server: off by default (no `db.feature.*` metrics), on: the
//! extensions of the primary database with their versions and the role's capabilities.

mod receiver_harness;

use dbintel_core::pdata::{MetricData, Metrics, NumberValue};
use dbintel_test_support::shared_postgres;
use receiver_harness::start;
use serde_json::json;

fn points(m: &Metrics, name: &str, key: &str) -> Vec<(String, i64)> {
    m.resource_metrics
        .iter()
        .flat_map(|r| &r.scope_metrics)
        .flat_map(|s| &s.metrics)
        .filter(|x| x.name == name)
        .flat_map(|x| match &x.data {
            MetricData::Gauge(p) => p.clone(),
            _ => Vec::new(),
        })
        .map(|p| {
            let k = p.attributes.get(key).map(|v| v.to_display_string()).unwrap_or_default();
            (k, if let NumberValue::Int(i) = p.value { i } else { -1 })
        })
        .collect()
}

fn config(db: &str, extra: serde_json::Value) -> serde_json::Value {
    let pg = shared_postgres();
    let mut c = json!({
        "endpoint": format!("{}:{}", pg.host, pg.port),
        "username": "postgres",
        "password": "unused-by-trust",
        "databases": [db],
        "tls": {"insecure": true},
        "collection_interval": "1s",
        "initial_delay": "0s",
    });
    if let (Some(c), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn features_are_emitted_only_when_asked() {
    let pg = shared_postgres();
    let db = pg.create_database("feat_on");
    pg.psql(&db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").unwrap();
    let mut r = start(config(&db, json!({"feature_detection": {"enabled": true}})));
    let m = r.next().await;
    let ext = points(&m, "db.feature.extension.available", "extension");
    assert!(ext.contains(&("pg_stat_statements".to_string(), 1)), "{ext:?}");
    assert!(ext.contains(&("auto_explain".to_string(), 1)), "preloaded by the harness: {ext:?}");
    let caps = points(&m, "db.feature.capability.available", "capability");
    for c in
        ["pg_stat_statements.readable", "setting.track_io_timing", "setting.compute_query_id", "superuser"]
    {
        assert!(caps.contains(&(c.to_string(), 1)), "{c}: {caps:?}");
    }
    assert!(caps.contains(&("pg_wait_sampling.readable".to_string(), 0)), "{caps:?}");
    r.shutdown.cancel();
    let _ = r.handle.await;

    let mut r = start(config(&db, json!({})));
    let m = r.next().await;
    assert!(points(&m, "db.feature.capability.available", "capability").is_empty(), "off by default");
    r.shutdown.cancel();
    let _ = r.handle.await;
}
