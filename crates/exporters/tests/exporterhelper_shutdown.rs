//! Shutdown of the real `otlp` and `otlphttp` exporters against a peer that accepts TCP and never
//! answers (issue 8, finding 4): shutdown must never panic, and every item handed to the exporter is
//! either delivered or counted as dropped with a reason, including requests that were in flight in a
//! consumer when shutdown gave up on it. The race (some consumers finished, one still stuck) depends
//! on which consumer holds the request, so each test repeats the shutdown several times.

mod common;
use common::counter;
use std::time::Duration;

use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, CreateContext, Exporter, Factory, SignalData};
use dbintel_exporters::{OtlpGrpcExporterFactory, OtlpHttpExporterFactory};
use serde_json::json;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// Accepts every connection and reads (and discards) what arrives, never writing a byte.
async fn never_answering_peer() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
            });
        }
    });
    addr
}

fn batch(points: usize, base: i64) -> SignalData {
    common::batch(&(base..base + points as i64).collect::<Vec<_>>())
}

fn build(factory: &dyn Factory, endpoint: &str, tel: &Registry, queue_size: usize) -> Box<dyn Exporter> {
    let id: ComponentId = format!("{}/shutdown", factory.info().type_name).parse().unwrap();
    let mut ctx = CreateContext::new(id, tel.clone());
    // Short, so each of the repeated shutdowns is quick; the exporter keeps within it.
    ctx.shutdown_timeout = Duration::from_millis(600);
    let config = json!({
        "endpoint": endpoint,
        "compression": "none",
        // Each attempt on the silent peer ends after 1s; the consumer then sleeps out its backoff.
        "timeout": "1s",
        "retry_on_failure": {"initial_interval": "5s", "max_interval": "5s", "max_elapsed_time": "0s"},
        "sending_queue": {"num_consumers": 4, "queue_size": queue_size},
    });
    match factory.create(&ctx, &config) {
        Ok(Built::Exporter(e)) => e,
        Ok(_) => panic!("not an exporter"),
        Err(p) => panic!("config problems: {p:?}"),
    }
}

/// Every item handed to `export` is delivered or counted dropped (by reason) once shutdown returns.
fn assert_accounted(tel: &Registry, exported: u64, run: usize) {
    let sent = counter(tel, "otelcol_exporter_sent_metric_points", None);
    let dropped = counter(tel, "dbintel_exporter_dropped_metric_points_total", None);
    assert_eq!(sent, 0, "run {run}: the peer never answers");
    assert_eq!(
        dropped,
        exported,
        "run {run}: every item is counted (queue_full {}, shutdown {})",
        counter(tel, "dbintel_exporter_dropped_metric_points_total", Some("queue_full")),
        counter(tel, "dbintel_exporter_dropped_metric_points_total", Some("shutdown")),
    );
}

async fn shutdown_runs(factory: &dyn Factory, scheme: &str) {
    let peer = never_answering_peer().await;
    let endpoint = format!("{scheme}{peer}");
    for run in 0..5 {
        // The first consumer's attempt times out and it sleeps out its backoff; the second is in
        // the middle of an attempt; two are idle. At shutdown the sleeping and idle ones end at once,
        // the one in flight runs into the deadline (the panic of finding 4: the grace loop polled
        // the finished handles again).
        let tel = Registry::new();
        let mut e = build(factory, &endpoint, &tel, 2);
        e.start().await.unwrap();
        e.export(batch(3, 0).into()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(900)).await;
        e.export(batch(3, 3).into()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        tokio::time::timeout(Duration::from_secs(5), e.shutdown()).await.expect("shutdown ends").unwrap();
        assert_accounted(&tel, 6, run);
        assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("shutdown")), 6);

        // The queue full: four requests in flight, two waiting, the rest refused.
        let tel = Registry::new();
        let mut e = build(factory, &endpoint, &tel, 2);
        e.start().await.unwrap();
        let mut exported = 0;
        for i in 0..10 {
            let _ = e.export(batch(2, i * 2).into()).await;
            exported += 2;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::timeout(Duration::from_secs(5), e.shutdown()).await.expect("shutdown ends").unwrap();
        assert_accounted(&tel, exported, run);
        assert!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("queue_full")) > 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otlphttp_shutdown_against_a_silent_peer_counts_everything_and_never_panics() {
    shutdown_runs(&OtlpHttpExporterFactory, "http://").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otlp_grpc_shutdown_against_a_silent_peer_counts_everything_and_never_panics() {
    shutdown_runs(&OtlpGrpcExporterFactory, "http://").await;
}
