use super::*;
use crate::health_check::tests::http_get;

#[test]
fn renders_counters_gauges_and_histograms() {
    let r = Registry::new();
    r.counter("otelcol_receiver_accepted_metric_points", "Accepted.", &[("receiver", "sqlquery/\"x\"")])
        .add(7);
    r.gauge("otelcol_exporter_queue_size", "Queue.", &[("exporter", "file")]).set(3);
    let h = r.histogram(
        "dbintel_scrape_duration_seconds",
        "Scrape time.",
        "s",
        &[("receiver", "a")],
        &[0.1, 1.0],
    );
    h.record(0.05);
    h.record(2.0);
    let text = render(&r.snapshot());
    assert!(text.contains("# TYPE otelcol_receiver_accepted_metric_points_total counter"), "{text}");
    assert!(
        text.contains("otelcol_receiver_accepted_metric_points_total{receiver=\"sqlquery/\\\"x\\\"\"} 7")
    );
    assert!(text.contains("otelcol_exporter_queue_size{exporter=\"file\"} 3"));
    assert!(text.contains("dbintel_scrape_duration_seconds_bucket{receiver=\"a\",le=\"0.1\"} 1"));
    assert!(text.contains("dbintel_scrape_duration_seconds_bucket{receiver=\"a\",le=\"+Inf\"} 2"));
    assert!(text.contains("dbintel_scrape_duration_seconds_count{receiver=\"a\"} 2"));
}

#[tokio::test]
async fn serves_metrics_over_http() {
    let r = Registry::new();
    crate::process_metrics::register(&r);
    r.counter("dbintel_test_events", "Test.", &[]).inc();
    let token = CancellationToken::new();
    let (addr, handle) = serve("127.0.0.1:0", r, token.clone()).await.unwrap();
    let (code, body) = http_get(&addr.to_string(), "/metrics").await;
    assert_eq!(code, 200);
    assert!(body.contains("dbintel_test_events_total 1"), "{body}");
    assert!(body.contains("otelcol_process_memory_rss_bytes"), "{body}");
    token.cancel();
    handle.await.unwrap();
}

#[tokio::test]
async fn a_busy_address_names_the_config_key() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = holder.local_addr().unwrap().to_string();
    let err = serve(&addr, Registry::new(), CancellationToken::new()).await.unwrap_err();
    assert!(err.to_string().contains("service.telemetry.metrics.address"), "{err}");
}
