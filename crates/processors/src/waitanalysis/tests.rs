use super::*;
use dbintel_core::Factory;
use dbintel_core::pdata::{
    LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, ResourceLogs,
    ResourceMetrics, ScopeLogs, ScopeMetrics, Temporality,
};

fn waits(pairs: &[(&str, &str)]) -> SignalData {
    let points = pairs
        .iter()
        .map(|(t, e)| {
            let mut a = Attributes::new();
            a.insert("wait_event_type", *t);
            a.insert("wait_event", *e);
            NumberDataPoint {
                attributes: a,
                start_time_unix_nano: 0,
                time_unix_nano: 1,
                value: NumberValue::Double(1.0),
                flags: 0,
            }
        })
        .collect();
    SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: "db.ash.wait_events".into(),
                    description: String::new(),
                    unit: "s".into(),
                    data: MetricData::Sum { points, temporality: Temporality::Delta, monotonic: true },
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

fn point_attrs(d: &SignalData) -> Vec<Attributes> {
    let SignalData::Metrics(m) = d else { panic!() };
    let MetricData::Sum { points, .. } = &m.resource_metrics[0].scope_metrics[0].metrics[0].data else {
        panic!()
    };
    points.iter().map(|p| p.attributes.clone()).collect()
}

fn get<'a>(a: &'a Attributes, k: &str) -> Option<&'a str> {
    a.get(k).and_then(Value::as_str)
}

#[test]
fn default_patterns_label_the_wait_profile() {
    let w = WaitAnalysis::new(&WaitAnalysisConfig::default(), &Registry::new(), "waitanalysis");
    let mut d = waits(&[
        ("Lock", "transactionid"),
        ("IO", "DataFileRead"),
        ("IO", "BufFileRead"),
        ("CPU", "CPU"),
        ("Timeout", "PgSleep"),
    ]);
    w.apply(&mut d);
    let a = point_attrs(&d);
    assert_eq!(
        (get(&a[0], "category"), get(&a[0], "severity"), get(&a[0], "pattern_name")),
        (Some("Concurrency"), Some("warning"), Some("lock_waits"))
    );
    assert_eq!(get(&a[1], "category"), Some("Storage"));
    assert_eq!(get(&a[2], "category"), None, "not one of io_waits' events");
    assert_eq!(get(&a[3], "category"), Some("Compute"));
    assert_eq!(get(&a[4], "category"), None);
}

#[test]
fn categories_map_and_log_records() {
    let f = WaitAnalysisFactory;
    let v = serde_json::json!({
        "categories": {"cpu": ["CPU"], "io": ["IO:DataFileRead"], "lock": ["Lock:tuple", "Lock:transactionid"]},
        "patterns": [],
        "thresholds": {"lock_wait_threshold_ms": 1000},
        "alert_rules": [{"name": "x", "condition": "wait_time > 5s", "threshold": 10, "window": "1m", "action": "alert"}]
    });
    assert!(f.validate(&v).is_ok(), "{:?}", f.validate(&v));
    let warned: Vec<String> = f.ignored_keys(&v).into_iter().map(|p| p.path).collect();
    assert!(warned.contains(&"alert_rules".to_string()) && warned.contains(&"thresholds".to_string()));
    let cfg: WaitAnalysisConfig = dbintel_core::typed::parse_typed::<WaitAnalysisFactory>(&v).unwrap();
    let w = WaitAnalysis::new(&cfg, &Registry::new(), "waitanalysis");
    let mut a = Attributes::new();
    a.insert("postgresql.wait_event_type", "Lock");
    a.insert("postgresql.wait_event", "transactionid");
    let mut d = SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    event_name: "db.ash.sample".into(),
                    attributes: a,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    });
    w.apply(&mut d);
    let SignalData::Logs(l) = &d else { panic!() };
    let r = &l.resource_logs[0].scope_logs[0].log_records[0].attributes;
    assert_eq!(
        (get(r, "category"), get(r, "pattern_name"), get(r, "severity")),
        (Some("lock"), Some("lock"), None)
    );
    let mut d = waits(&[("IO", "WALWrite")]);
    w.apply(&mut d);
    assert_eq!(get(&point_attrs(&d)[0], "category"), None);
}

#[test]
fn disabled_passes_data_unchanged() {
    let mut w = WaitAnalysis::new(
        &WaitAnalysisConfig { enabled: false, ..Default::default() },
        &Registry::new(),
        "w",
    );
    let d = Arc::new(waits(&[("Lock", "tuple")]));
    let mut out = Vec::new();
    w.process(d.clone(), &mut out).unwrap();
    assert!(Arc::ptr_eq(&d, &out[0]));
    assert!(
        WaitAnalysisFactory
            .validate(&serde_json::json!({"patterns": [{"name": "", "category": "x"}]}))
            .is_err()
    );
}
