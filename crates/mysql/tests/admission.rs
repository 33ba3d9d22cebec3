//! Admission reaching a real `mysql` receiver: told to skip, it sends nothing and counts the skipped
//! scrapes; when the vote is withdrawn it collects again.

use std::time::Duration;

use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::SignalData;
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{
    AdmissionRegistry, Admit, Built, ComponentId, ComponentKind, CreateContext, Factory, ReceiverContext,
    Scope,
};
use dbintel_mysql::MysqlFactory;
use dbintel_test_support::shared_mariadb;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn throttled(telemetry: &Registry) -> u64 {
    telemetry.counter_total("dbintel_receiver_throttled_scrapes_total", &[("reason", "breaker open")])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_receiver_sends_nothing_and_resumes() {
    let my = shared_mariadb();
    let config = json!({
        "endpoint": format!("{}:{}", my.host, my.port),
        "username": "root",
        "collection_interval": "1s",
        "initial_delay": "0s",
    });
    let id: ComponentId = "mysql/throttled".parse().unwrap();
    let telemetry = Registry::new();
    let Ok(Built::Receiver(receiver)) =
        MysqlFactory.create(&CreateContext::new(id.clone(), telemetry.clone()), &config)
    else {
        panic!("create failed");
    };
    let admission = AdmissionRegistry::new();
    admission.set(
        "circuit_breaker",
        Scope::Receiver(id.clone()),
        Admit::Skip { reason: "breaker open".into() },
    );
    let (mtx, mut metrics) = mpsc::channel::<SignalData>(16);
    let health = HealthRegistry::new();
    let shutdown = CancellationToken::new();
    let ctx = ReceiverContext {
        id: id.clone(),
        output: ReceiverOutput::from_channels(Some(mtx), None).with_admission(
            &id,
            admission.handle(&id),
            &telemetry,
        ),
        shutdown: shutdown.clone(),
        health: health.register(ComponentKind::Receiver, id.clone()),
        telemetry: telemetry.clone(),
    };
    let handle = tokio::spawn(async move { receiver.run(ctx).await.unwrap() });

    for _ in 0..500 {
        if throttled(&telemetry) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(throttled(&telemetry) >= 2, "scrapes were skipped and counted");
    assert!(metrics.try_recv().is_err(), "a throttled receiver sends nothing");

    admission.set("circuit_breaker", Scope::Receiver(id.clone()), Admit::Full);
    let got = tokio::time::timeout(Duration::from_secs(20), metrics.recv()).await;
    assert!(matches!(got, Ok(Some(SignalData::Metrics(_)))), "collects again: {got:?}");

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(3), handle).await.expect("stops promptly").unwrap();
}
