//! Label sets: attribute values as strings (as pdata's `AsString` renders them), attribute maps to
//! sanitized, sorted, de-duplicated Prometheus labels, and the job/instance mapping of resources.

use std::collections::BTreeMap;

use dbintel_core::pdata::{Attributes, Value};

use super::naming::label_name;

/// Labels of one series: sorted by name, names unique and valid, values non-empty.
pub type LabelSet = Vec<(String, String)>;

const SERVICE_NAME: &str = "service.name";
const SERVICE_NAMESPACE: &str = "service.namespace";
const SERVICE_INSTANCE_ID: &str = "service.instance.id";
const SERVER_ADDRESS: &str = "server.address";
const SERVER_PORT: &str = "server.port";

/// Whether a resource attribute is consumed by the job/instance mapping when it comes from `service.*`.
pub fn is_service_attribute(key: &str) -> bool {
    matches!(key, SERVICE_NAME | SERVICE_NAMESPACE | SERVICE_INSTANCE_ID)
}

/// Formats a float as Go's `strconv.FormatFloat(v, 'f', -1, 64)` does (pdata `AsString`).
fn float_string(d: f64) -> String {
    if d.is_nan() {
        "NaN".to_string()
    } else if d == f64::INFINITY {
        "+Inf".to_string()
    } else if d == f64::NEG_INFINITY {
        "-Inf".to_string()
    } else {
        format!("{d}")
    }
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Double(d) => serde_json::Number::from_f64(*d)
            .map(serde_json::Value::Number)
            .unwrap_or_else(|| serde_json::Value::String(float_string(*d))),
        Value::Bytes(b) => serde_json::Value::String(base64(b)),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Map(m) => {
            serde_json::Value::Object(m.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect())
        }
    }
}

/// An attribute value as a label value: strings as they are, numbers and booleans in their usual
/// text form, bytes in base64, arrays and maps as JSON (the rules of pdata's `Value.AsString`).
pub fn value_string(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Double(d) => float_string(*d),
        Value::Bytes(b) => base64(b),
        Value::Array(_) | Value::Map(_) => to_json(v).to_string(),
    }
}

/// Builds labels from attributes: keys sorted, sanitized with [`label_name`]; keys that collide after
/// sanitizing are merged with their values joined by `;` in key order (as the contrib translator does).
/// `overlay` (resource attributes copied to telemetry) wins over `base` for the same attribute key.
/// Labels named in `reserved` (`le` for histograms, `quantile` for summaries) are renamed
/// `exported_<name>`, the prefix Prometheus itself uses for conflicting labels.
pub fn attribute_labels(
    base: &Attributes,
    overlay: &[(&str, &Value)],
    reserved: &str,
) -> BTreeMap<String, String> {
    let mut pairs: Vec<(&str, &Value)> = Vec::with_capacity(base.len() + overlay.len());
    pairs.extend_from_slice(overlay);
    for (k, v) in base.iter() {
        if !overlay.iter().any(|(ok, _)| *ok == k) {
            pairs.push((k, v));
        }
    }
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in pairs {
        let Some(mut name) = label_name(k) else { continue };
        if !reserved.is_empty() && name == reserved {
            name = format!("exported_{name}");
        }
        let value = value_string(v);
        match out.get_mut(&name) {
            Some(existing) => {
                existing.push(';');
                existing.push_str(&value);
            }
            None => {
                out.insert(name, value);
            }
        }
    }
    out
}

/// `job` and `instance` of a resource.
///
/// - `job`: `service.namespace/service.name`, or `service.name` alone (contrib rule);
/// - `instance`: `service.instance.id` (contrib rule); for dbintel's database resources without it,
///   `server.address:server.port` (or `server.address` alone when there is no port).
pub fn job_instance(resource: &Attributes) -> (Option<String>, Option<String>) {
    let job =
        resource.get(SERVICE_NAME).map(value_string).filter(|s| !s.is_empty()).map(|name| {
            match resource.get(SERVICE_NAMESPACE).map(value_string).filter(|s| !s.is_empty()) {
                Some(ns) => format!("{ns}/{name}"),
                None => name,
            }
        });
    let instance =
        match resource.get(SERVICE_INSTANCE_ID).map(value_string).filter(|s| !s.is_empty()) {
            Some(id) => Some(id),
            None => resource.get(SERVER_ADDRESS).map(value_string).filter(|s| !s.is_empty()).map(|addr| {
                match resource.get(SERVER_PORT).map(value_string).filter(|s| !s.is_empty()) {
                    Some(port) => format!("{addr}:{port}"),
                    None => addr,
                }
            }),
        };
    (job, instance)
}

/// Turns a label map into a [`LabelSet`], dropping empty values (Prometheus treats an empty value as
/// an absent label, so keeping them would make distinct keys for one series).
pub fn finish(map: BTreeMap<String, String>) -> LabelSet {
    map.into_iter().filter(|(_, v)| !v.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_strings_follow_pdata_as_string() {
        assert_eq!(value_string(&Value::from("x")), "x");
        assert_eq!(value_string(&Value::Int(-3)), "-3");
        assert_eq!(value_string(&Value::Double(1.5)), "1.5");
        assert_eq!(value_string(&Value::Double(1e21)), "1000000000000000000000");
        assert_eq!(value_string(&Value::Double(f64::INFINITY)), "+Inf");
        assert_eq!(value_string(&Value::Bool(true)), "true");
        assert_eq!(value_string(&Value::Bytes(b"hello".to_vec())), "aGVsbG8=");
        assert_eq!(value_string(&Value::Bytes(b"hi".to_vec())), "aGk=");
        assert_eq!(value_string(&Value::Bytes(b"abc".to_vec())), "YWJj");
        assert_eq!(value_string(&Value::Array(vec![Value::Int(1), Value::from("a")])), r#"[1,"a"]"#);
        let m: Attributes = [("k", 1i64)].into_iter().collect();
        assert_eq!(value_string(&Value::Map(m)), r#"{"k":1}"#);
    }

    #[test]
    fn colliding_keys_are_merged_in_key_order() {
        let attrs: Attributes = [("db.name", "b"), ("db_name", "c"), ("db-name", "a")].into_iter().collect();
        let labels = attribute_labels(&attrs, &[], "");
        // Key order: "db-name" < "db.name" < "db_name".
        assert_eq!(labels.get("db_name").map(String::as_str), Some("a;b;c"));
        assert_eq!(labels.len(), 1);
    }

    #[test]
    fn overlay_wins_and_reserved_names_are_renamed() {
        let attrs: Attributes = [("le", "x"), ("host", "point")].into_iter().collect();
        let host = Value::from("resource");
        let labels = attribute_labels(&attrs, &[("host", &host)], "le");
        assert_eq!(labels.get("exported_le").map(String::as_str), Some("x"));
        assert_eq!(labels.get("host").map(String::as_str), Some("resource"));
        assert!(!labels.contains_key("le"));
    }

    #[test]
    fn job_and_instance_mapping() {
        let r: Attributes =
            [("service.name", "api"), ("service.namespace", "shop"), ("service.instance.id", "i-1")]
                .into_iter()
                .collect();
        assert_eq!(job_instance(&r), (Some("shop/api".into()), Some("i-1".into())));
        let mut db = Attributes::new();
        db.insert("server.address", "db1.example");
        db.insert("server.port", 5432i64);
        assert_eq!(job_instance(&db), (None, Some("db1.example:5432".into())));
        let mut addr_only = Attributes::new();
        addr_only.insert("server.address", "db2");
        assert_eq!(job_instance(&addr_only), (None, Some("db2".into())));
        assert_eq!(job_instance(&Attributes::new()), (None, None));
    }

    #[test]
    fn finish_drops_empty_values() {
        let mut m = BTreeMap::new();
        m.insert("a".to_string(), String::new());
        m.insert("b".to_string(), "1".to_string());
        assert_eq!(finish(m), vec![("b".to_string(), "1".to_string())]);
    }
}
