use std::sync::Arc;

use dbintel_core::pdata::{
    Attributes, LogRecord, Logs, Metrics, Resource, ResourceLogs, ResourceMetrics, ScopeLogs, SignalData,
    Value,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Processor, parse_component_config};
use proptest::prelude::*;

use super::*;

/// contrib `processor/resourceprocessor` README example.
const README_EXAMPLE: &str = r#"
attributes:
- key: cloud.availability_zone
  value: "zone-1"
  action: upsert
- key: k8s.cluster.name
  from_attribute: k8s-cluster
  action: insert
- key: redundant-attribute
  action: delete
"#;

fn config(yaml: &str) -> ResourceConfig {
    let v: serde_json::Value = serde_saphyr::from_str(yaml).expect("yaml");
    parse_component_config(&v).expect("config")
}

fn attrs(pairs: &[(&'static str, Value)]) -> Attributes {
    pairs.iter().map(|(k, v)| (*k, v.clone())).collect()
}

fn sorted(a: &Attributes) -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = a.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn logs_with(resources: Vec<Attributes>) -> SignalData {
    SignalData::Logs(Logs {
        resource_logs: resources
            .into_iter()
            .map(|a| ResourceLogs {
                resource: Resource { attributes: a },
                scope_logs: vec![ScopeLogs {
                    log_records: vec![LogRecord {
                        attributes: attrs(&[("k8s-cluster", "record-level".into())]),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            })
            .collect(),
    })
}

#[test]
fn golden_readme_example_on_logs_and_metrics() {
    let reg = Registry::new();
    let p = ResourceProcessor::new(&config(README_EXAMPLE), &reg, "resource").expect("valid");
    let mut d = logs_with(vec![
        attrs(&[
            ("k8s-cluster", "prod-1".into()),
            ("redundant-attribute", "x".into()),
            ("cloud.availability_zone", "zone-9".into()),
        ]),
        attrs(&[("k8s.cluster.name", "kept".into()), ("k8s-cluster", "prod-2".into())]),
        Attributes::new(),
    ]);
    p.apply(&mut d);
    let SignalData::Logs(l) = &d else { unreachable!() };
    let got: Vec<_> = l.resource_logs.iter().map(|r| sorted(&r.resource.attributes)).collect();
    let exp = |pairs: &[(&'static str, Value)]| sorted(&attrs(pairs));
    assert_eq!(
        got,
        vec![
            exp(&[
                ("k8s-cluster", "prod-1".into()),
                ("cloud.availability_zone", "zone-1".into()),
                ("k8s.cluster.name", "prod-1".into())
            ]),
            exp(&[
                ("k8s.cluster.name", "kept".into()),
                ("k8s-cluster", "prod-2".into()),
                ("cloud.availability_zone", "zone-1".into())
            ]),
            exp(&[("cloud.availability_zone", "zone-1".into())]),
        ]
    );
    // Record attributes are not resource attributes: untouched, and not a source.
    assert_eq!(
        l.resource_logs[2].scope_logs[0].log_records[0].attributes.get("k8s-cluster"),
        Some(&Value::from("record-level"))
    );
    let mut m = SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: attrs(&[("redundant-attribute", Value::Int(1))]) },
            ..Default::default()
        }],
    });
    p.apply(&mut m);
    let SignalData::Metrics(m) = &m else { unreachable!() };
    assert_eq!(
        sorted(&m.resource_metrics[0].resource.attributes),
        exp(&[("cloud.availability_zone", "zone-1".into())])
    );
    assert_eq!(reg.counter_total("dbintel_resource_resources_processed_total", &[]), 4);
}

#[test]
fn every_action_works_on_resources() {
    let c = config(
        r#"
attributes:
- {key: host.name, action: hash}
- {key: service.instance.id, pattern: '^(?P<db.namespace>[a-z]+)@(?P<server.address>[^:]+):(?P<server.port>\d+)$', action: extract}
- {key: server.port, action: convert, converted_type: int}
- {key: deployment.environment, value: prod, action: update}
- {pattern: '^tmp\.', action: delete}
"#,
    );
    let p = ResourceProcessor::new(&c, &Registry::new(), "resource").expect("valid");
    let mut d = logs_with(vec![attrs(&[
        ("host.name", "user@example.com".into()),
        ("service.instance.id", "shop@db1.internal:5432".into()),
        ("tmp.a", Value::Bool(true)),
    ])]);
    p.apply(&mut d);
    let SignalData::Logs(l) = &d else { unreachable!() };
    assert_eq!(
        sorted(&l.resource_logs[0].resource.attributes),
        sorted(&attrs(&[
            ("host.name", "63a710569261a24b3766275b7000ce8d7b32e2f7".into()),
            ("service.instance.id", "shop@db1.internal:5432".into()),
            ("db.namespace", "shop".into()),
            ("server.address", "db1.internal".into()),
            ("server.port", Value::Int(5432)),
        ]))
    );
}

#[test]
fn bad_configs_name_the_key() {
    assert_eq!(ResourceFactory.check(&ResourceConfig::default())[0].path, "attributes");
    let c = config("attributes:\n- {key: a, action: frobnicate}\n- {key: b, action: upsert}\n");
    let paths: Vec<String> = ResourceFactory.check(&c).into_iter().map(|p| p.path).collect();
    assert_eq!(paths, ["attributes[0].action", "attributes[1].value"]);
    let e = parse_component_config::<ResourceConfig>(&serde_json::json!({"actions": []}))
        .expect_err("unknown key");
    assert!(e.to_string().contains("actions"), "{e}");
}

#[test]
fn shared_batches_are_copied_not_changed() {
    let mut p = ResourceProcessor::new(&config(README_EXAMPLE), &Registry::new(), "resource").expect("valid");
    let input = Arc::new(logs_with(vec![attrs(&[("redundant-attribute", "x".into())])]));
    let keep = Arc::clone(&input);
    let mut out = Vec::new();
    p.process(input, &mut out).expect("process");
    let SignalData::Logs(before) = &*keep else { panic!("logs") };
    assert!(before.resource_logs[0].resource.attributes.get("redundant-attribute").is_some());
    let SignalData::Logs(after) = &*out[0] else { panic!("logs") };
    assert!(after.resource_logs[0].resource.attributes.get("redundant-attribute").is_none());
}

proptest! {
    #[test]
    fn no_input_panics(kv in proptest::collection::vec(("[a-z.-]{1,20}", prop_oneof![
        ".{0,10}".prop_map(Value::from), any::<i64>().prop_map(Value::Int), any::<f64>().prop_map(Value::Double)]), 0..10)) {
        let p = ResourceProcessor::new(&config(README_EXAMPLE), &Registry::new(), "resource").expect("valid");
        let mut d = logs_with(vec![kv.into_iter().collect()]);
        p.apply(&mut d);
        let SignalData::Logs(l) = &d else { unreachable!() };
        prop_assert!(l.resource_logs[0].resource.attributes.get("redundant-attribute").is_none());
        prop_assert_eq!(l.resource_logs[0].resource.attributes.get("cloud.availability_zone"), Some(&Value::from("zone-1")));
    }
}

#[test]
fn traces_resources_get_the_actions() {
    let c: ResourceConfig = dbintel_core::parse_component_config(&serde_json::json!({
        "attributes": [{"key": "deployment.environment.name", "value": "prod", "action": "upsert"}],
    }))
    .expect("parses");
    let p = ResourceProcessor::new(&c, &dbintel_core::telemetry::Registry::new(), "resource").expect("valid");
    let mut data = crate::test_util::traces(vec![crate::test_util::span("a", 1, &[])]);
    p.apply(std::sync::Arc::make_mut(&mut data));
    let dbintel_core::pdata::SignalData::Traces(t) = &*data else { panic!("not traces") };
    let attrs = &t.resource_spans[0].resource.attributes;
    assert_eq!(attrs.get("deployment.environment.name").and_then(|v| v.as_str()), Some("prod"));
    assert_eq!(attrs.get("service.name").and_then(|v| v.as_str()), Some("checkout"));
}

/// contrib `processor/resourceprocessor/testdata/config.yaml` `resource/with_defaults`: a `value`
/// from an unset environment variable (empty), a missing `from_attribute` and a `from_context`
/// (never found here) each fall back to `default_value`; `from_context` is named by a warning.
#[test]
fn default_values_fill_in_for_an_empty_value_a_missing_attribute_and_from_context() {
    let yaml = r#"
attributes:
- key: deployment.environment
  value: ""
  default_value: "development"
  action: upsert
- key: service.namespace
  from_attribute: namespace
  default_value: "default"
  action: insert
- key: cloud.region
  from_context: "metadata.region"
  default_value: "us-east-1"
  action: upsert
- key: origin
  from_context: "metadata.origin"
  action: insert
"#;
    let c = config(yaml);
    assert!(c.problems().is_empty(), "{:?}", c.problems());
    let p = ResourceProcessor::new(&c, &Registry::new(), "resource/with_defaults").expect("builds");
    let mut data = logs_with(vec![attrs(&[("host.name", "db1".into())])]);
    p.apply(&mut data);
    let SignalData::Logs(l) = &data else { unreachable!() };
    assert_eq!(
        sorted(&l.resource_logs[0].resource.attributes),
        vec![
            ("cloud.region".to_string(), Value::from("us-east-1")),
            ("deployment.environment".to_string(), Value::from("development")),
            ("host.name".to_string(), Value::from("db1")),
            ("service.namespace".to_string(), Value::from("default")),
        ]
    );
    // A set value wins over the default.
    let c = config("attributes:\n- {key: env, value: prod, default_value: dev, action: upsert}\n");
    let p = ResourceProcessor::new(&c, &Registry::new(), "resource").unwrap();
    let mut data = logs_with(vec![Attributes::default()]);
    p.apply(&mut data);
    let SignalData::Logs(l) = &data else { unreachable!() };
    assert_eq!(l.resource_logs[0].resource.attributes.get("env"), Some(&Value::from("prod")));
    let warned: Vec<String> =
        ResourceFactory.config_warnings(&config(yaml)).into_iter().map(|w| w.path).collect();
    assert_eq!(warned, ["attributes[2].from_context", "attributes[3].from_context"]);
}
