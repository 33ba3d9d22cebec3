//! Golden OTLP-JSON for a metrics batch with every kind and a logs batch with every value kind.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p dbintel-otlp --test golden` and review the diff.

use std::path::PathBuf;

use dbintel_otlp::{fixtures, logs_to_json, metrics_to_json};

fn check(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, format!("{actual}\n")).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display()));
    assert_eq!(actual, expected.trim_end_matches('\n'), "{} differs from the golden file", path.display());
}

#[test]
fn metrics_json_matches_golden() {
    let json = metrics_to_json(&fixtures::sample_metrics());
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert!(parsed["resourceMetrics"].is_array());
    check("metrics.json", &json);
}

#[test]
fn logs_json_matches_golden() {
    let json = logs_to_json(&fixtures::sample_logs());
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert!(parsed["resourceLogs"].is_array());
    check("logs.json", &json);
}
