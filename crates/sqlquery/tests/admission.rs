//! Admission reaching a real receiver: a `sqlquery` receiver against a throwaway PostgreSQL server,
//! told to skip, sends nothing, logs the skip once, counts every skipped scrape, and collects again
//! when the vote is withdrawn.

use std::time::Duration;

use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::SignalData;
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{
    AdmissionRegistry, Admit, Built, ComponentId, ComponentKind, CreateContext, Factory, ReceiverContext,
    Scope,
};
use dbintel_sqlquery::SqlQueryFactory;
use dbintel_test_support::{capture_logs, shared_postgres};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn throttled(telemetry: &Registry) -> u64 {
    telemetry.counter_total("dbintel_receiver_throttled_scrapes_total", &[("reason", "breaker open")])
}

// current_thread: the receiver runs on this thread, so the thread-local subscriber sees its logs.
#[tokio::test]
async fn a_throttled_receiver_sends_nothing_logs_once_and_resumes() {
    let (logs, _guard) = capture_logs();

    let pg = shared_postgres();
    let db = pg.create_database("sq_admission");
    let config = json!({
        "driver": "postgres",
        "datasource": pg.keyvalue_dsn(&db),
        "collection_interval": "100ms",
        "initial_delay": "0s",
        "query_timeout": "5s",
        "queries": [{"sql": "SELECT 1 AS v", "metrics": [{"metric_name": "one", "value_column": "v"}]}],
    });
    let id: ComponentId = "sqlquery/throttled".parse().unwrap();
    let telemetry = Registry::new();
    let Ok(Built::Receiver(receiver)) =
        SqlQueryFactory.create(&CreateContext::new(id.clone(), telemetry.clone()), &config)
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

    // Five skipped scrapes: nothing was sent.
    for _ in 0..500 {
        if throttled(&telemetry) >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(throttled(&telemetry) >= 5, "scrapes were skipped and counted");
    assert!(metrics.try_recv().is_err(), "a throttled receiver sends nothing");
    let text = logs.text();
    assert_eq!(text.matches("Receiver skipped: breaker open").count(), 1, "logged once per streak:\n{text}");

    // Withdrawn: the next scrape collects and says it resumed.
    admission.set("circuit_breaker", Scope::Receiver(id.clone()), Admit::Full);
    let got = tokio::time::timeout(Duration::from_secs(20), metrics.recv()).await;
    assert!(matches!(got, Ok(Some(SignalData::Metrics(_)))), "collects again: {got:?}");
    let text = logs.text();
    assert_eq!(text.matches("Receiver resumed collecting").count(), 1, "{text}");

    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(3), handle).await.expect("stops promptly").unwrap();
}
