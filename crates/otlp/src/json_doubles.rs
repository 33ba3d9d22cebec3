//! OTLP/JSON requests whose doubles are spelled as the protobuf JSON mapping allows for the values
//! JSON has no number for: `"NaN"`, `"Infinity"` and `"-Infinity"`.
//!
//! opentelemetry-proto's serde reads these strings in a few places only (a summary's quantile
//! values, a histogram's `min`/`max`); a number point's `asDouble` sits in a flattened `oneof`, and
//! an `AnyValue`'s `doubleValue` is read as a plain number, so a wrapping deserializer cannot reach
//! them. Instead, a body that holds one of the three strings is parsed to a JSON tree first; each
//! such string at a key that holds a double (`asDouble`, `doubleValue`, `sum`, `min`, `max`,
//! `zeroThreshold`, `quantile`, `value`, the items of `explicitBounds`) is replaced by a marker
//! number, three subnormal doubles chosen so that none of them occurs in the body; after the typed
//! parse every double of the request that holds a marker gets its special value. A string in any
//! other place (a `stringValue` of `"NaN"`) is left alone. A body without the three strings takes
//! the direct path.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1 as pc;
use opentelemetry_proto::tonic::metrics::v1 as pm;
use opentelemetry_proto::tonic::resource::v1 as pr;
use serde_json::Value;

use crate::trace_proto::ExportTraceServiceRequest;

/// The protobuf JSON spellings of the special doubles.
const SPECIALS: [&str; 3] = ["NaN", "Infinity", "-Infinity"];

/// Keys whose value is a double in OTLP/JSON (every signal).
const DOUBLE_KEYS: [&str; 8] =
    ["asDouble", "doubleValue", "sum", "min", "max", "zeroThreshold", "quantile", "value"];

/// Candidate markers for NaN, +Infinity and -Infinity: subnormal doubles no telemetry writes by
/// accident. The first set none of whose members occurs in the body is used.
const MARKER_SETS: [[u64; 3]; 4] = [
    [0x0000_0D1B_1E7E_0001, 0x0000_0D1B_1E7E_0002, 0x0000_0D1B_1E7E_0003],
    [0x0000_0A5C_0FFE_0011, 0x0000_0A5C_0FFE_0012, 0x0000_0A5C_0FFE_0013],
    [0x0000_0BAD_F00D_0021, 0x0000_0BAD_F00D_0022, 0x0000_0BAD_F00D_0023],
    [0x0000_0C0D_ECAF_0031, 0x0000_0C0D_ECAF_0032, 0x0000_0C0D_ECAF_0033],
];

/// An OTLP export request read from OTLP/JSON with the special doubles (see the module docs).
pub trait JsonRequest: serde::de::DeserializeOwned {
    /// Calls `f` on every double the request holds (values, sums, bounds, `AnyValue`s).
    fn for_each_double(&mut self, f: &mut dyn FnMut(&mut f64));
}

/// Reads an OTLP/JSON export request, `"NaN"`, `"Infinity"` and `"-Infinity"` included wherever a
/// double is.
pub fn request_from_json<R: JsonRequest>(body: &[u8]) -> Result<R, serde_json::Error> {
    let quoted = |s: &str| {
        let needle = format!("\"{s}\"");
        body.windows(needle.len()).any(|w| w == needle.as_bytes())
    };
    if !SPECIALS.iter().any(|s| quoted(s)) {
        return serde_json::from_slice(body);
    }
    from_tree(serde_json::from_slice(body)?)
}

/// The typed request of a parsed body, the special doubles read (see the module docs).
fn from_tree<R: JsonRequest>(mut tree: Value) -> Result<R, serde_json::Error> {
    let mut numbers = Vec::new();
    collect_numbers(&tree, &mut numbers);
    let Some(markers) = MARKER_SETS.iter().find(|set| !set.iter().any(|m| numbers.contains(m))) else {
        // Every marker occurs in the body (never in practice): the library's own reading.
        return serde_json::from_value(tree);
    };
    let markers: [f64; 3] = (*markers).map(f64::from_bits);
    if replace(&mut tree, &markers) == 0 {
        return serde_json::from_value(tree);
    }
    let mut request: R = serde_json::from_value(tree)?;
    request.for_each_double(&mut |d| {
        let bits = d.to_bits();
        if bits == markers[0].to_bits() {
            *d = f64::NAN;
        } else if bits == markers[1].to_bits() {
            *d = f64::INFINITY;
        } else if bits == markers[2].to_bits() {
            *d = f64::NEG_INFINITY;
        }
    });
    Ok(request)
}

/// The bit patterns of every number in `v` read as a double.
fn collect_numbers(v: &Value, out: &mut Vec<u64>) {
    match v {
        Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                out.push(f.to_bits());
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_numbers(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_numbers(i, out)),
        _ => {}
    }
}

/// The marker for a special spelling, if `v` is one.
fn marker(v: &Value, markers: &[f64; 3]) -> Option<Value> {
    let i = SPECIALS.iter().position(|s| v.as_str() == Some(s))?;
    serde_json::Number::from_f64(markers[i]).map(Value::Number)
}

/// Replaces the special spellings at double keys by markers; returns how many.
fn replace(v: &mut Value, markers: &[f64; 3]) -> usize {
    let mut n = 0;
    match v {
        Value::Array(items) => {
            for i in items {
                n += replace(i, markers);
            }
        }
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if DOUBLE_KEYS.contains(&key.as_str())
                    && let Some(m) = marker(value, markers)
                {
                    *value = m;
                    n += 1;
                } else if key == "explicitBounds"
                    && let Value::Array(bounds) = value
                {
                    for b in bounds {
                        if let Some(m) = marker(b, markers) {
                            *b = m;
                            n += 1;
                        }
                    }
                } else {
                    n += replace(value, markers);
                }
            }
        }
        _ => {}
    }
    n
}

fn any_value(v: &mut pc::AnyValue, f: &mut dyn FnMut(&mut f64)) {
    use pc::any_value::Value as V;
    match &mut v.value {
        Some(V::DoubleValue(d)) => f(d),
        Some(V::ArrayValue(a)) => a.values.iter_mut().for_each(|x| any_value(x, f)),
        Some(V::KvlistValue(kv)) => key_values(&mut kv.values, f),
        _ => {}
    }
}

fn key_values(list: &mut [pc::KeyValue], f: &mut dyn FnMut(&mut f64)) {
    for kv in list {
        if let Some(v) = &mut kv.value {
            any_value(v, f);
        }
    }
}

fn resource(r: &mut Option<pr::Resource>, f: &mut dyn FnMut(&mut f64)) {
    if let Some(r) = r {
        key_values(&mut r.attributes, f);
    }
}

fn scope(s: &mut Option<pc::InstrumentationScope>, f: &mut dyn FnMut(&mut f64)) {
    if let Some(s) = s {
        key_values(&mut s.attributes, f);
    }
}

fn exemplars(list: &mut [pm::Exemplar], f: &mut dyn FnMut(&mut f64)) {
    for e in list {
        key_values(&mut e.filtered_attributes, f);
        if let Some(pm::exemplar::Value::AsDouble(d)) = &mut e.value {
            f(d);
        }
    }
}

fn number_points(points: &mut [pm::NumberDataPoint], f: &mut dyn FnMut(&mut f64)) {
    for p in points {
        key_values(&mut p.attributes, f);
        if let Some(pm::number_data_point::Value::AsDouble(d)) = &mut p.value {
            f(d);
        }
        exemplars(&mut p.exemplars, f);
    }
}

fn metric(m: &mut pm::Metric, f: &mut dyn FnMut(&mut f64)) {
    use pm::metric::Data;
    key_values(&mut m.metadata, f);
    match &mut m.data {
        Some(Data::Gauge(g)) => number_points(&mut g.data_points, f),
        Some(Data::Sum(s)) => number_points(&mut s.data_points, f),
        Some(Data::Histogram(h)) => {
            for p in &mut h.data_points {
                key_values(&mut p.attributes, f);
                for d in [&mut p.sum, &mut p.min, &mut p.max].into_iter().flatten() {
                    f(d);
                }
                p.explicit_bounds.iter_mut().for_each(&mut *f);
                exemplars(&mut p.exemplars, f);
            }
        }
        Some(Data::ExponentialHistogram(h)) => {
            for p in &mut h.data_points {
                key_values(&mut p.attributes, f);
                for d in [&mut p.sum, &mut p.min, &mut p.max].into_iter().flatten() {
                    f(d);
                }
                f(&mut p.zero_threshold);
                exemplars(&mut p.exemplars, f);
            }
        }
        Some(Data::Summary(s)) => {
            for p in &mut s.data_points {
                key_values(&mut p.attributes, f);
                f(&mut p.sum);
                for q in &mut p.quantile_values {
                    f(&mut q.quantile);
                    f(&mut q.value);
                }
            }
        }
        None => {}
    }
}

impl JsonRequest for ExportMetricsServiceRequest {
    fn for_each_double(&mut self, f: &mut dyn FnMut(&mut f64)) {
        for rm in &mut self.resource_metrics {
            resource(&mut rm.resource, f);
            for sm in &mut rm.scope_metrics {
                scope(&mut sm.scope, f);
                sm.metrics.iter_mut().for_each(|m| metric(m, f));
            }
        }
    }
}

impl JsonRequest for ExportLogsServiceRequest {
    fn for_each_double(&mut self, f: &mut dyn FnMut(&mut f64)) {
        for rl in &mut self.resource_logs {
            resource(&mut rl.resource, f);
            for sl in &mut rl.scope_logs {
                scope(&mut sl.scope, f);
                for r in &mut sl.log_records {
                    if let Some(b) = &mut r.body {
                        any_value(b, f);
                    }
                    key_values(&mut r.attributes, f);
                }
            }
        }
    }
}

impl JsonRequest for ExportTraceServiceRequest {
    fn for_each_double(&mut self, f: &mut dyn FnMut(&mut f64)) {
        for rs in &mut self.resource_spans {
            resource(&mut rs.resource, f);
            for ss in &mut rs.scope_spans {
                scope(&mut ss.scope, f);
                for s in &mut ss.spans {
                    key_values(&mut s.attributes, f);
                    s.events.iter_mut().for_each(|e| key_values(&mut e.attributes, f));
                    s.links.iter_mut().for_each(|l| key_values(&mut l.attributes, f));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
