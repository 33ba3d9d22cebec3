//! The gjson subset the prototype's rules use: dot-separated keys, numeric segments index arrays.

use serde_json::Value;

/// The value at `path` (`0.Plan`, `query_block.cost_info.query_cost`); `""` is the root.
pub fn get<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(root);
    }
    let mut cur = root;
    for seg in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let v: Value =
            serde_json::json!([{"Plan": {"Total Cost": 1.5, "Plans": [{"Node Type": "Seq Scan"}]}}]);
        assert_eq!(get(&v, "0.Plan.Total Cost"), Some(&serde_json::json!(1.5)));
        assert_eq!(get(&v, "0.Plan.Plans.0.Node Type"), Some(&serde_json::json!("Seq Scan")));
        assert_eq!(get(&v, "1.Plan"), None);
        assert_eq!(get(&v, "x"), None);
        assert_eq!(get(&v, "0.Plan.Total Cost.deeper"), None);
        assert!(get(&v, "").is_some());
    }
}
