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

fn registry_with_every_kind() -> Registry {
    let r = Registry::new();
    r.counter("otelcol_exporter_sent_metric_points", "Sent.", &[("exporter", "otlp")]).add(5);
    r.counter("dbintel_sqlquery_query_errors_total", "Errors.", &[("receiver", "sqlquery")]).add(1);
    r.counter("dbintel_exporter_sent_request_bytes_total", "Bytes.", &[("exporter", "otlp")]).add(900);
    r
}

#[test]
fn levels_choose_the_instruments_as_the_collector_does() {
    let r = registry_with_every_kind();
    let basic = render_with(r.snapshot(), &Exposition { level: Level::Basic, ..Default::default() });
    assert!(basic.contains("otelcol_exporter_sent_metric_points_total{exporter=\"otlp\"} 5"), "{basic}");
    assert!(!basic.contains("dbintel_"), "basic: the Collector's own instruments only\n{basic}");
    let normal = render_with(r.snapshot(), &Exposition::default());
    assert!(normal.contains("dbintel_sqlquery_query_errors_total"), "{normal}");
    assert!(
        !normal.contains("dbintel_exporter_sent_request_bytes_total"),
        "sizes are detailed-only\n{normal}"
    );
    let detailed = render_with(r.snapshot(), &Exposition { level: Level::Detailed, ..Default::default() });
    assert!(
        detailed.contains("dbintel_exporter_sent_request_bytes_total{exporter=\"otlp\"} 900"),
        "{detailed}"
    );
    // The pushed snapshot is filtered the same way.
    let pushed = push::to_metrics(&Level::Basic.filter(r.snapshot()), &[], 1, 2);
    let names: Vec<&str> =
        pushed.resource_metrics[0].scope_metrics[0].metrics.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["otelcol_exporter_sent_metric_points"]);
}

#[test]
fn the_resource_is_target_info_and_chosen_attributes_label_every_series() {
    let r = registry_with_every_kind();
    let resource = vec![
        ("service.name".to_string(), "db-collector".to_string()),
        ("service.instance.id".to_string(), "6f1c".to_string()),
        ("k8s.pod.name".to_string(), "dbintel-0".to_string()),
    ];
    let text = render_with(
        r.snapshot(),
        &Exposition {
            level: Level::Basic,
            target_info: Some(resource.clone()),
            constant_labels: vec![resource[0].clone()],
        },
    );
    assert!(text.contains("# TYPE target_info gauge"), "{text}");
    assert!(
        text.contains(
            "target_info{service_name=\"db-collector\",service_instance_id=\"6f1c\",k8s_pod_name=\"dbintel-0\"} 1"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "otelcol_exporter_sent_metric_points_total{exporter=\"otlp\",service_name=\"db-collector\"} 5"
        ),
        "{text}"
    );
    assert_eq!(label_name("1st.attr-x"), "_1st_attr_x");
}

#[tokio::test]
async fn serve_with_applies_the_exposition() {
    let r = registry_with_every_kind();
    let token = CancellationToken::new();
    let exposition = Exposition {
        level: Level::Detailed,
        target_info: Some(vec![("service.name".into(), "x".into())]),
        constant_labels: Vec::new(),
    };
    let (addr, handle) = serve_with("127.0.0.1:0", r, exposition, token.clone()).await.unwrap();
    let (code, body) = http_get(&addr.to_string(), "/metrics").await;
    assert_eq!(code, 200);
    assert!(body.contains("target_info{service_name=\"x\"} 1"), "{body}");
    assert!(body.contains("dbintel_exporter_sent_request_bytes_total"), "{body}");
    token.cancel();
    handle.await.unwrap();
}
