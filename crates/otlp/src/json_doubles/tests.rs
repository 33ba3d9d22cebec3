use super::*;
use prost::Message;

const METRICS: &str = r#"{"resourceMetrics":[{
  "resource":{"attributes":[
    {"key":"ratio","value":{"doubleValue":"NaN"}},
    {"key":"label","value":{"stringValue":"NaN"}},
    {"key":"nested","value":{"kvlistValue":{"values":[{"key":"x","value":{"arrayValue":{"values":[{"doubleValue":"-Infinity"}]}}}]}}}]},
  "scopeMetrics":[{"metrics":[
    {"name":"g","gauge":{"dataPoints":[
      {"asDouble":"NaN","timeUnixNano":"1"},
      {"asDouble":"Infinity","timeUnixNano":"2","exemplars":[{"asDouble":"-Infinity","timeUnixNano":"2"}]},
      {"asDouble":1.5,"timeUnixNano":"3"}]}},
    {"name":"h","histogram":{"aggregationTemporality":2,"dataPoints":[
      {"count":"2","sum":"Infinity","min":"-Infinity","max":"Infinity","bucketCounts":["1","1"],"explicitBounds":["-Infinity"]}]}},
    {"name":"s","summary":{"dataPoints":[
      {"count":"1","sum":"NaN","quantileValues":[{"quantile":0.5,"value":"Infinity"}]}]}},
    {"name":"e","exponentialHistogram":{"aggregationTemporality":2,"dataPoints":[
      {"count":"1","sum":"-Infinity","zeroThreshold":"Infinity"}]}}]}]}]}"#;

fn gauge_values(req: &ExportMetricsServiceRequest) -> Vec<f64> {
    let m = &req.resource_metrics[0].scope_metrics[0].metrics[0];
    let Some(pm::metric::Data::Gauge(g)) = &m.data else { panic!("gauge") };
    g.data_points
        .iter()
        .map(|p| match p.value {
            Some(pm::number_data_point::Value::AsDouble(d)) => d,
            ref other => panic!("{other:?}"),
        })
        .collect()
}

fn double(v: &pc::AnyValue) -> f64 {
    match v.value {
        Some(pc::any_value::Value::DoubleValue(d)) => d,
        ref other => panic!("{other:?}"),
    }
}

#[test]
fn special_doubles_are_read_wherever_a_double_is() {
    let req: ExportMetricsServiceRequest = request_from_json(METRICS.as_bytes()).expect("decodes");
    let g = gauge_values(&req);
    assert!(g[0].is_nan());
    assert_eq!(g[1], f64::INFINITY);
    assert_eq!(g[2], 1.5);
    let metrics = &req.resource_metrics[0].scope_metrics[0].metrics;
    let Some(pm::metric::Data::Gauge(gauge)) = &metrics[0].data else { panic!() };
    assert_eq!(
        gauge.data_points[1].exemplars[0].value,
        Some(pm::exemplar::Value::AsDouble(f64::NEG_INFINITY))
    );
    let Some(pm::metric::Data::Histogram(h)) = &metrics[1].data else { panic!() };
    let p = &h.data_points[0];
    assert_eq!((p.sum, p.min, p.max), (Some(f64::INFINITY), Some(f64::NEG_INFINITY), Some(f64::INFINITY)));
    assert_eq!(p.explicit_bounds, vec![f64::NEG_INFINITY]);
    let Some(pm::metric::Data::Summary(s)) = &metrics[2].data else { panic!() };
    assert!(s.data_points[0].sum.is_nan());
    assert_eq!(s.data_points[0].quantile_values[0].value, f64::INFINITY);
    let Some(pm::metric::Data::ExponentialHistogram(e)) = &metrics[3].data else { panic!() };
    assert_eq!(e.data_points[0].sum, Some(f64::NEG_INFINITY));
    assert_eq!(e.data_points[0].zero_threshold, f64::INFINITY);
    let attrs = &req.resource_metrics[0].resource.as_ref().expect("resource").attributes;
    assert!(double(attrs[0].value.as_ref().unwrap()).is_nan());
    // A string that reads "NaN" stays a string.
    assert_eq!(attrs[1].value.as_ref().unwrap().value, Some(pc::any_value::Value::StringValue("NaN".into())));
    let Some(pc::any_value::Value::KvlistValue(kv)) = &attrs[2].value.as_ref().unwrap().value else {
        panic!()
    };
    let Some(pc::any_value::Value::ArrayValue(a)) = &kv.values[0].value.as_ref().unwrap().value else {
        panic!()
    };
    assert_eq!(double(&a.values[0]), f64::NEG_INFINITY);
}

#[test]
fn a_body_holding_a_marker_value_keeps_it() {
    // The first marker set's NaN marker as an ordinary number beside a real "NaN" (built as a tree:
    // the number is exact there, whatever text parsing would round).
    let marker = f64::from_bits(MARKER_SETS[0][0]);
    let point = |v: Value| serde_json::json!({"asDouble": v});
    let tree = serde_json::json!({"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "g", "gauge": {"dataPoints": [
        point(Value::Number(serde_json::Number::from_f64(marker).unwrap())),
        point(Value::String("NaN".into())),
    ]}}]}]}]});
    let req: ExportMetricsServiceRequest = from_tree(tree).expect("decodes");
    let g = gauge_values(&req);
    assert_eq!(g[0].to_bits(), marker.to_bits(), "the ordinary number is kept");
    assert!(g[1].is_nan());
}

#[test]
fn logs_and_spans_take_special_doubles_in_any_value() {
    let logs = br#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[
        {"body":{"doubleValue":"Infinity"},"attributes":[{"key":"r","value":{"doubleValue":"NaN"}}]}]}]}]}"#;
    let req: ExportLogsServiceRequest = request_from_json(logs).expect("decodes");
    let r = &req.resource_logs[0].scope_logs[0].log_records[0];
    assert_eq!(double(r.body.as_ref().unwrap()), f64::INFINITY);
    assert!(double(r.attributes[0].value.as_ref().unwrap()).is_nan());

    let spans = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[
        {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"q",
         "attributes":[{"key":"a","value":{"doubleValue":"-Infinity"}}],
         "events":[{"name":"e","attributes":[{"key":"b","value":{"doubleValue":"NaN"}}]}]}]}]}]}"#;
    let req: ExportTraceServiceRequest = request_from_json(spans).expect("decodes");
    let s = &req.resource_spans[0].scope_spans[0].spans[0];
    assert_eq!(double(s.attributes[0].value.as_ref().unwrap()), f64::NEG_INFINITY);
    assert!(double(s.events[0].attributes[0].value.as_ref().unwrap()).is_nan());
    assert_eq!(hex::encode(&s.trace_id), "5b8efff798038103d269b633813fc60c");
}

#[test]
fn other_spellings_and_bad_bodies_are_still_refused() {
    // Protobuf JSON names are case-sensitive: `nan` is not a double.
    let body = br#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"asDouble":"nan"}]}}]}]}]}"#;
    // The library reads an unknown spelling of a flattened `oneof` as no value (the receiver then
    // refuses the point through partial success); it never becomes a number.
    let req: ExportMetricsServiceRequest = request_from_json(body).expect("decodes");
    assert_eq!(gauge_values_opt(&req), vec![None]);
    // Truncated JSON with a special value in it is an error, not a panic.
    let cut = &METRICS.as_bytes()[..METRICS.len() / 2];
    assert!(request_from_json::<ExportMetricsServiceRequest>(cut).is_err());
    // The same request without special values takes the direct path and encodes the same.
    let plain = br#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"asDouble":2.5}]}}]}]}]}"#;
    let a: ExportMetricsServiceRequest = request_from_json(plain).unwrap();
    let b: ExportMetricsServiceRequest = serde_json::from_slice(plain).unwrap();
    assert_eq!(a.encode_to_vec(), b.encode_to_vec());
}

fn gauge_values_opt(req: &ExportMetricsServiceRequest) -> Vec<Option<f64>> {
    let m = &req.resource_metrics[0].scope_metrics[0].metrics[0];
    let Some(pm::metric::Data::Gauge(g)) = &m.data else { panic!("gauge") };
    g.data_points
        .iter()
        .map(|p| match p.value {
            Some(pm::number_data_point::Value::AsDouble(d)) => Some(d),
            _ => None,
        })
        .collect()
}
