//! Golden tests of the metrics pass for the versions that cannot run here (MariaDB 10.5, 10.11,
//! 11.4; MySQL 5.7, 8.0.36, 8.4.3, 9.1.0): every SQL text the pass sends to each version
//! (`<version>.sql`) and the metrics it makes (`<version>.metrics`) from result sets recorded in
//! `fixtures.json` after each version's documented catalog (column names and order), replayed
//! through `collect_metrics` with every metric on.
//!
//! A fixture entry is keyed by a fragment of the SQL (the longest fragment contained in a
//! statement wins; a version's own entries first, then `mariadb` or `mysql`, then `common`). A statement no entry matches fails
//! the test, so a new statement needs its documented rows here.

use std::fmt::Write as _;
use std::path::PathBuf;

use dbintel_core::pdata::{MetricData, NumberValue};
use dbintel_dbclient::MetricTable;
use dbintel_mysql::collect::{MetricsOutcome, MetricsSettings, collect_metrics};
use dbintel_mysql::conn::TextRow;
use dbintel_mysql::metadata::METRICS;
use dbintel_mysql::replay::Replay;
use dbintel_test_support::assert_golden;
use serde_json::Value;

const VERSIONS: &[&str] =
    &["10.5.27-MariaDB", "10.11.10-MariaDB", "11.4.4-MariaDB", "5.7.44", "8.0.36", "8.4.3", "9.1.0"];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/metrics")
}

fn fixtures() -> Value {
    let text = std::fs::read_to_string(dir().join("fixtures.json")).expect("fixtures.json");
    serde_json::from_str(&text).expect("fixtures.json is JSON")
}

/// The fixture entry for `sql` on `version`.
fn entry<'a>(fx: &'a Value, version: &str, sql: &str) -> Option<&'a Value> {
    let flavor = if version.contains("MariaDB") { "mariadb" } else { "mysql" };
    for section in [version, flavor, "common"] {
        let Some(map) = fx.get(section).and_then(Value::as_object) else { continue };
        let best = map.iter().filter(|(k, _)| sql.contains(k.as_str())).max_by_key(|(k, _)| k.len());
        if let Some((_, v)) = best {
            return Some(v);
        }
    }
    None
}

/// Rows of an entry: `rows` (arrays in column order) or `row` (a column -> value object over
/// `columns`, the other columns NULL).
fn rows_of(e: &Value, columns: &[String]) -> Vec<TextRow> {
    if let Some(obj) = e.get("row").and_then(Value::as_object) {
        let row: TextRow = columns
            .iter()
            .map(|c| match obj.get(c) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => Some(other.to_string()),
            })
            .collect();
        return vec![row];
    }
    Replay::rows_from_json(e.get("rows").unwrap_or(&Value::Null))
}

fn record(r: &mut Replay, fx: &Value, version: &str, sql: &str) {
    let e = entry(fx, version, sql).unwrap_or_else(|| {
        panic!("{version}: no fixture for `{sql}`; add its documented rows to fixtures.json")
    });
    if let Some(err) = e.get("error") {
        let code = err[0].as_u64().and_then(|c| u16::try_from(c).ok()).expect("error code");
        r.record_error(sql, code, err[1].as_str().unwrap_or(""));
        return;
    }
    let columns: Vec<String> = e
        .get("columns")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let rows = rows_of(e, &columns);
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    r.record_named(sql, &names, rows);
}

fn render(metrics: &[dbintel_core::pdata::Metric], out: &MetricsOutcome) -> String {
    let mut s = String::new();
    for m in metrics {
        let (points, kind) = match &m.data {
            MetricData::Gauge(p) => (p, "gauge".to_string()),
            MetricData::Sum { points, monotonic, .. } => (points, format!("sum monotonic={monotonic}")),
            other => panic!("{other:?}"),
        };
        let _ = writeln!(s, "# {} ({}, {kind})", m.name, m.unit);
        let mut lines: Vec<String> = points
            .iter()
            .map(|p| {
                let mut attrs: Vec<String> =
                    p.attributes.iter().map(|(k, v)| format!("{k}={:?}", v.to_display_string())).collect();
                attrs.sort();
                let v = match p.value {
                    NumberValue::Int(i) => i.to_string(),
                    NumberValue::Double(d) => format!("{d:.6}"),
                };
                format!("{}{{{}}} {v}", m.name, attrs.join(","))
            })
            .collect();
        lines.sort();
        for l in lines {
            let _ = writeln!(s, "{l}");
        }
    }
    for b in &out.bad {
        let _ = writeln!(s, "! bad value {}: {}", b.variable, b.problem);
    }
    for (sql, e) in &out.unavailable {
        let _ = writeln!(s, "! unavailable ({}): {sql}", e.code().unwrap_or("-"));
    }
    for (sql, e) in &out.failures {
        let _ = writeln!(s, "! failed ({}): {sql}", e.code().unwrap_or("-"));
    }
    for (family, n) in &out.dropped {
        let _ = writeln!(s, "! dropped {family}: {n}");
    }
    s
}

#[tokio::test]
async fn sql_and_metrics_per_version() {
    let fx = fixtures();
    let table = MetricTable::all_enabled(METRICS);
    // A small cap, so that the fixtures reach it and the COUNT(*) of the left-out rows is covered.
    let settings = MetricsSettings { max_tables: 2, ..MetricsSettings::default() };
    for version in VERSIONS {
        let mut r = Replay::new(version);
        // Record what each pass asks for until the pass asks nothing new (the COUNT(*) of a cap
        // is asked only once the capped rows are there).
        for _ in 0..5 {
            r.asked.clear();
            let mut b = table.builder(1, 2, 100_000);
            collect_metrics(&mut r, &mut b, &settings).await.expect("a replay is never lost");
            let new: Vec<String> = r.asked.iter().filter(|s| !r.is_recorded(s)).cloned().collect();
            if new.is_empty() {
                break;
            }
            for sql in new {
                record(&mut r, &fx, version, &sql);
            }
        }
        r.asked.clear();
        let mut b = table.builder(1, 2, 100_000);
        let outcome = collect_metrics(&mut r, &mut b, &settings).await.expect("a replay is never lost");
        assert!(outcome.failures.is_empty(), "{version}: {:?}", outcome.failures);
        let sql: String = r.asked.iter().map(|s| format!("{s};\n")).collect();
        assert_golden(&dir().join(format!("{version}.sql")), &sql);
        assert_golden(&dir().join(format!("{version}.metrics")), &render(&b.finish(), &outcome));
    }
}
