//! Helpers shared by the `query_*` integration tests.
#![allow(dead_code)]

use std::time::Duration;

use dbintel_core::pdata::{LogRecord, Value};
use dbintel_core::telemetry::{Registry, SampleValue};
use dbintel_postgresql::query::{
    EventsConfig, QueryIntelligence, QuerySampleCollectionConfig, TopQueryCollectionConfig,
};
use dbintel_postgresql::server::ServerInfo;
use tokio_postgres::{Client, NoTls};

/// Connects like the receiver does: application_name, timeouts, read-only.
pub async fn collector_client(url: &str) -> Client {
    let mut config: tokio_postgres::Config = url.parse().expect("test url");
    config.application_name("dbintel");
    let (client, conn) = config.connect(NoTls).await.expect("connect");
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
        .batch_execute(
            "/* dbintel */ SET statement_timeout = 5000; SET lock_timeout = 1000; \
             SET default_transaction_read_only = on",
        )
        .await
        .expect("session settings");
    client
}

/// A plain application session.
pub async fn app_client(url: &str, application_name: &str) -> Client {
    let mut config: tokio_postgres::Config = url.parse().expect("test url");
    config.application_name(application_name);
    let (client, conn) = config.connect(NoTls).await.expect("connect");
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

pub async fn server_info(client: &Client, database: &str, port: u16) -> ServerInfo {
    let row = client
        .query_one("/* dbintel */ SELECT current_setting('server_version_num')::int4", &[])
        .await
        .unwrap();
    let v: i32 = row.get(0);
    ServerInfo {
        version_num: u32::try_from(v).unwrap(),
        host: "127.0.0.1".into(),
        port,
        database: database.into(),
    }
}

pub fn intelligence(registry: &Registry, top: TopQueryCollectionConfig) -> QueryIntelligence {
    QueryIntelligence::new(
        &top,
        &QuerySampleCollectionConfig::default(),
        &EventsConfig::ALL,
        registry,
        "postgresql/test",
    )
    .with_receiver_interval(Duration::from_secs(10))
}

pub fn attr<'a>(r: &'a LogRecord, key: &str) -> Option<&'a Value> {
    r.attributes.get(key)
}

pub fn str_attr<'a>(r: &'a LogRecord, key: &str) -> &'a str {
    r.attributes.get(key).and_then(Value::as_str).unwrap_or("")
}

pub fn int_attr(r: &LogRecord, key: &str) -> i64 {
    match r.attributes.get(key) {
        Some(Value::Int(i)) => *i,
        _ => i64::MIN,
    }
}

pub fn of_event<'a>(records: &'a [LogRecord], event: &str) -> Vec<&'a LogRecord> {
    records.iter().filter(|r| r.event_name == event).collect()
}

/// The value of a counter series with these labels.
pub fn counter(registry: &Registry, name: &str, labels: &[(&str, &str)]) -> u64 {
    for f in registry.snapshot() {
        if f.name != name {
            continue;
        }
        for s in f.samples {
            let matches = labels.iter().all(|(k, v)| s.labels.iter().any(|(lk, lv)| lk == k && lv == v));
            if matches && let SampleValue::Counter(c) = s.value {
                return c;
            }
        }
    }
    0
}
