use super::*;
use dbintel_core::pdata::{
    Attributes, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, Resource,
    ResourceLogs, ResourceMetrics, ScopeLogs, ScopeMetrics,
};
use dbintel_core::{Factory, parse_component_config};

fn gauge_batch(resource: &str, points: usize) -> Metrics {
    let pts = (0..points)
        .map(|i| NumberDataPoint {
            attributes: [("i", i as i64)].into_iter().collect(),
            start_time_unix_nano: 0,
            time_unix_nano: 1,
            value: NumberValue::Int(i as i64),
            flags: 0,
        })
        .collect();
    Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: [("server.address", resource)].into_iter().collect() },
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: "m".into(),
                    description: String::new(),
                    unit: "1".into(),
                    data: MetricData::Gauge(pts),
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn log_batch(n: usize) -> Logs {
    Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: (0..n)
                    .map(|i| LogRecord {
                        attributes: Attributes::from_iter([("i", i as i64)]),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn cfg(size: usize, max: usize, timeout_ms: u64) -> BatchConfig {
    BatchConfig {
        timeout: GoDuration::from_millis(timeout_ms),
        send_batch_size: size,
        send_batch_max_size: max,
        ..BatchConfig::default()
    }
}

#[test]
fn holds_small_batches_until_the_timer() {
    let mut p = BatchProcessor::new(cfg(10, 0, 200));
    let mut out = Vec::new();
    p.process(Arc::new(SignalData::Metrics(gauge_batch("a", 3))), &mut out).unwrap();
    p.process(Arc::new(SignalData::Metrics(gauge_batch("b", 3))), &mut out).unwrap();
    assert!(out.is_empty());
    assert!(p.next_deadline().is_some());
    p.on_timer(&mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].item_count(), 6);
    assert!(p.next_deadline().is_none());
}

#[test]
fn sends_when_size_is_reached() {
    let mut p = BatchProcessor::new(cfg(5, 0, 10_000));
    let mut out = Vec::new();
    p.process(Arc::new(SignalData::Metrics(gauge_batch("a", 3))), &mut out).unwrap();
    assert!(out.is_empty());
    p.process(Arc::new(SignalData::Metrics(gauge_batch("a", 3))), &mut out).unwrap();
    assert_eq!(out.iter().map(|d| d.item_count()).sum::<usize>(), 6);
}

#[test]
fn splits_to_max_size_keeping_every_point() {
    let mut p = BatchProcessor::new(cfg(4, 4, 10_000));
    let mut out = Vec::new();
    p.process(Arc::new(SignalData::Metrics(gauge_batch("a", 10))), &mut out).unwrap();
    let sizes: Vec<usize> = out.iter().map(|d| d.item_count()).collect();
    assert_eq!(sizes, [4, 4, 2]);
    // Every point survives, in order, with its resource.
    let mut seen = Vec::new();
    for d in &out {
        let SignalData::Metrics(m) = &**d else { panic!("metrics expected") };
        for rm in &m.resource_metrics {
            assert_eq!(rm.resource.attributes.get("server.address").and_then(|v| v.as_str()), Some("a"));
            for sm in &rm.scope_metrics {
                for metric in &sm.metrics {
                    if let MetricData::Gauge(pts) = &metric.data {
                        seen.extend(pts.iter().map(|p| p.value.as_f64() as i64));
                    }
                }
            }
        }
    }
    assert_eq!(seen, (0..10).collect::<Vec<_>>());
}

#[test]
fn splits_logs_to_max_size() {
    let mut p = BatchProcessor::new(cfg(3, 3, 0));
    let mut out = Vec::new();
    p.process(Arc::new(SignalData::Logs(log_batch(7))), &mut out).unwrap();
    let sizes: Vec<usize> = out.iter().map(|d| d.item_count()).collect();
    assert_eq!(sizes, [3, 3, 1]);
}

#[test]
fn flush_hands_over_everything() {
    let mut p = BatchProcessor::new(cfg(100, 0, 60_000));
    let mut out = Vec::new();
    p.process(Arc::new(SignalData::Logs(log_batch(2))), &mut out).unwrap();
    p.flush(&mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].item_count(), 2);
    p.flush(&mut out);
    assert_eq!(out.len(), 1, "a second flush has nothing left");
}

#[test]
fn zero_timeout_sends_immediately() {
    let mut p = BatchProcessor::new(cfg(100, 0, 0));
    let mut out = Vec::new();
    p.process(Arc::new(SignalData::Logs(log_batch(2))), &mut out).unwrap();
    assert_eq!(out.len(), 1);
}

#[test]
fn config_defaults_and_validation() {
    let f = BatchFactory;
    f.validate(&serde_json::Value::Null).unwrap();
    let c: BatchConfig = parse_component_config(&serde_json::json!({"timeout": "1s"})).unwrap();
    assert_eq!(c.timeout.get(), Duration::from_secs(1));
    assert_eq!(c.send_batch_size, 8192);
    let errs =
        f.validate(&serde_json::json!({"send_batch_size": 100, "send_batch_max_size": 10})).unwrap_err();
    assert_eq!(errs[0].path, "send_batch_max_size");
    let errs = f.validate(&serde_json::json!({"timout": "1s"})).unwrap_err();
    assert!(errs[0].message.contains("timout"), "{:?}", errs);
    let errs = f.validate(&serde_json::json!({"timeout": "soon"})).unwrap_err();
    assert_eq!(errs[0].path, "timeout");
}

proptest::proptest! {
    #[test]
    fn splitting_never_loses_or_exceeds(points in 1usize..200, max in 1usize..50) {
        let parts = split_metrics(gauge_batch("r", points), max);
        let total: usize = parts.iter().map(Metrics::data_point_count).sum();
        proptest::prop_assert_eq!(total, points);
        for part in &parts {
            proptest::prop_assert!(part.data_point_count() <= max);
            proptest::prop_assert!(part.data_point_count() > 0);
        }
    }
}

#[test]
fn contrib_metadata_keys_are_accepted() {
    let f = BatchFactory;
    f.validate(&serde_json::json!({"metadata_keys": ["tenant"], "metadata_cardinality_limit": 10})).unwrap();
}

#[test]
fn timeout_range_is_enforced() {
    let f = BatchFactory;
    for (value, want) in [
        ("18446744073709551615s", "at most 2562047h47m16.854775807s"),
        ("2562047h", "too long: use 0 (send immediately) or 1ms to 1h"),
        ("1h1ms", "too long"),
        ("500us", "too short: use 0 (send immediately) or 1ms to 1h"),
    ] {
        let errs = f.validate(&serde_json::json!({ "timeout": value })).unwrap_err();
        assert_eq!(errs[0].path, "timeout", "{value}");
        assert!(errs[0].message.contains(want), "{value}: {}", errs[0].message);
    }
    for ok in ["0", "1ms", "1h", "200ms"] {
        f.validate(&serde_json::json!({ "timeout": ok })).unwrap();
    }
}

#[tokio::test]
async fn a_timeout_past_validation_never_panics() {
    // The largest duration Go can hold; added to now it must not overflow the pipeline's clock.
    let mut config = cfg(100, 0, 0);
    config.timeout = GoDuration(dbintel_core::MAX_DURATION);
    let mut p = BatchProcessor::new(config);
    let mut out = Vec::new();
    p.process(Arc::new(SignalData::Logs(log_batch(2))), &mut out).unwrap();
    assert!(out.is_empty());
    assert!(p.next_deadline().is_some());
    config = cfg(100, 0, 0);
    config.timeout = GoDuration(std::time::Duration::MAX);
    let mut p = BatchProcessor::new(config);
    p.process(Arc::new(SignalData::Logs(log_batch(2))), &mut out).unwrap();
    p.flush(&mut out);
    assert_eq!(out.len(), 1);
}

#[test]
fn splits_traces_to_max_size_keeping_every_span_whole() {
    let spans: Vec<_> = (0..7u8).map(|i| crate::test_util::span(&format!("s{i}"), i, &[])).collect();
    let mut b = BatchProcessor::new(cfg(5, 3, 0));
    let mut out = Vec::new();
    b.process(crate::test_util::traces(spans), &mut out).unwrap();
    let sizes: Vec<usize> = out.iter().map(|d| d.item_count()).collect();
    assert_eq!(sizes, [3, 3, 1]);
    let names: Vec<String> = crate::test_util::kept_spans(&out).into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["s0", "s1", "s2", "s3", "s4", "s5", "s6"]);
    for d in &out {
        let SignalData::Traces(t) = &**d else { panic!("not traces") };
        assert_eq!(
            t.resource_spans[0].resource.attributes.get("service.name"),
            Some(&dbintel_core::pdata::Value::from("checkout"))
        );
    }
}
