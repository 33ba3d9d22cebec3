//! Golden tests for the PostgreSQL versions that cannot run here (12, 13, 14, 16, 17) and for 15:
//! the SQL chosen for each version, and the metrics made from rows recorded from the documented
//! catalog definitions of that version.

use std::path::PathBuf;

use dbintel_postgresql::catalog::{EmitCtx, Query};
use dbintel_postgresql::config::EnabledMetrics;
use dbintel_postgresql::conn::Row;
use dbintel_postgresql::emit::{Builder, render};
use dbintel_test_support::assert_golden;

const VERSIONS: &[(u32, u32)] =
    &[(12, 120018), (13, 130014), (14, 140011), (15, 150006), (16, 160002), (17, 170000)];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn rows_for(fixture: &serde_json::Value, major: u32, q: Query) -> Vec<Row> {
    let own = fixture.get(major.to_string()).and_then(|v| v.get(q.name()));
    let rows = own.or_else(|| fixture["common"].get(q.name()));
    rows.and_then(|r| r.as_array())
        .map(|a| a.iter().filter_map(|o| o.as_object()).map(Row::from_json).collect())
        .unwrap_or_default()
}

#[test]
fn sql_per_version() {
    for &(major, num) in VERSIONS {
        let mut out = String::new();
        for q in Query::SERVER.iter().chain(Query::PER_DATABASE) {
            let sql = q.sql(num).unwrap_or_else(|| "-- not available on this version".to_string());
            out.push_str(&format!("-- {}\n{sql};\n\n", q.name()));
        }
        assert_golden(&dir().join(format!("pg{major}.sql")), &out);
    }
}

#[test]
fn metrics_per_version() {
    let text = std::fs::read_to_string(dir().join("catalog_rows.json")).unwrap();
    let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
    let monitored = vec!["app".to_string(), "postgres".to_string()];
    let all = EnabledMetrics::all();
    for &(major, num) in VERSIONS {
        let mut b = Builder::new(&all, 1_000, 2_000);
        for q in Query::SERVER.iter().chain(Query::PER_DATABASE) {
            if q.sql(num).is_none() {
                continue;
            }
            let ctx = EmitCtx { database: "app", monitored: &monitored };
            q.emit(&rows_for(&fixture, major, *q), &ctx, &mut b);
        }
        assert_golden(&dir().join(format!("pg{major}.metrics")), &render(&b.finish()));
    }
}

#[test]
fn pg17_has_no_backend_writes_and_pg12_no_vector() {
    let m17 = std::fs::read_to_string(dir().join("pg17.metrics")).unwrap();
    assert!(!m17.contains("source=backend"), "PG17 moved backend writes to pg_stat_io");
    assert!(m17.contains("source=checkpoints"));
    let m16 = std::fs::read_to_string(dir().join("pg16.metrics")).unwrap();
    assert!(m16.contains("source=backend_fsync"));
    let m12 = std::fs::read_to_string(dir().join("pg12.metrics")).unwrap();
    assert!(!m12.contains("postgresql.vector."));
    let sql12 = std::fs::read_to_string(dir().join("pg12.sql")).unwrap();
    assert!(sql12.contains("sum(s.total_time)"));
}
