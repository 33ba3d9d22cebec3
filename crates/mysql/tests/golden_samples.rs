//! Golden tests of `db.server.query_sample` for the versions that cannot run here (MariaDB 10.5,
//! 11.4; MySQL 5.7, 8.0, 8.4, 9.1) and for MariaDB 10.11: the SQL each version gets, and the
//! events made from result sets recorded in `tests/golden/samples/rows.json` (replayed through
//! the same collector and plan code the live server feeds).

use std::path::PathBuf;

use dbintel_core::pdata::LogRecord;
use dbintel_mysql::conn::{ServerInfo, TextRow};
use dbintel_mysql::query::blocking::{map_mdl, map_row_locks, mdl_sql, row_lock_sql};
use dbintel_mysql::query::plans::Plans;
use dbintel_mysql::query::samples::{QuerySamples, sample_sql};
use dbintel_mysql::query::{QuerySampleCollectionConfig, TopQueryCollectionConfig};
use dbintel_mysql::replay::Replay;
use dbintel_test_support::assert_golden;
use serde_json::Value as Json;

/// Version string, catalog family in rows.json, golden file stem.
const VERSIONS: &[(&str, &str, &str)] = &[
    ("5.5.5-10.5.23-MariaDB", "mariadb", "mariadb-10.5"),
    ("10.11.6-MariaDB-0+deb12u1", "mariadb", "mariadb-10.11"),
    ("11.4.3-MariaDB", "mariadb", "mariadb-11.4"),
    ("5.7.44-log", "mysql57", "mysql-5.7"),
    ("8.0.36", "mysql8", "mysql-8.0.36"),
    ("8.4.3", "mysql8", "mysql-8.4.3"),
    ("9.1.0", "mysql8", "mysql-9.1.0"),
];

const MAX_ROWS: usize = 100;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/samples")
}

fn fixture() -> Json {
    let text = std::fs::read_to_string(dir().join("rows.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn rows(family: &Json, key: &str) -> Vec<TextRow> {
    Replay::rows_from_json(&family[key])
}

/// Sessions in a lock wait, as the collector computes them before the sample statement.
fn forced(family: &Json) -> Vec<u64> {
    let mut waits = map_row_locks(&rows(family, "row_locks"));
    waits.extend(map_mdl(&rows(family, "mdl")));
    let mut pids: Vec<u64> = waits.iter().flat_map(|w| [w.waiting_pid, w.blocking_pid]).collect();
    pids.sort_unstable();
    pids.dedup();
    pids
}

fn render(records: &[LogRecord]) -> String {
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let mut out = String::new();
    for r in records {
        out.push_str(&format!(
            "{} trace_id={} span_id={} flags={}\n",
            r.event_name,
            r.trace_id.map(|t| hex(&t)).unwrap_or_else(|| "-".into()),
            r.span_id.map(|s| hex(&s)).unwrap_or_else(|| "-".into()),
            r.flags
        ));
        let mut attrs: Vec<(String, String)> =
            r.attributes.iter().map(|(k, v)| (k.to_string(), v.to_display_string())).collect();
        attrs.sort();
        for (k, v) in attrs {
            out.push_str(&format!("  {k} = {v}\n"));
        }
        out.push('\n');
    }
    out
}

#[test]
fn sql_per_version() {
    let fx = fixture();
    for &(version, family, stem) in VERSIONS {
        let info = ServerInfo::from_version(version);
        let out = format!(
            "-- row lock waits\n{};\n\n-- metadata lock waits\n{};\n\n-- query samples (sessions in lock waits: {:?})\n{};\n",
            row_lock_sql(&info),
            mdl_sql(),
            forced(&fx[family]),
            sample_sql(&info, MAX_ROWS, &forced(&fx[family])),
        );
        assert_golden(&dir().join(format!("{stem}.sql")), &out);
    }
}

#[tokio::test]
async fn events_per_version() {
    let fx = fixture();
    for &(version, family, stem) in VERSIONS {
        let f = &fx[family];
        let mut server = Replay::new(version);
        server.record(&row_lock_sql(&server.info), rows(f, "row_locks"));
        server.record(&mdl_sql(), rows(f, "mdl"));
        let info = server.info.clone();
        server.record(&sample_sql(&info, MAX_ROWS, &forced(f)), rows(f, "threads"));
        let mut explain = Replay::new(version);
        explain.record("USE `shop`", vec![]);
        for (text, doc) in f["explain"].as_object().unwrap() {
            let sql = format!("EXPLAIN FORMAT=JSON {text}");
            match doc.get("error") {
                Some(e) => {
                    explain.record_error(&sql, e[0].as_u64().unwrap() as u16, e[1].as_str().unwrap());
                }
                None => {
                    explain.record(&sql, vec![vec![Some(doc.to_string())]]);
                }
            }
        }
        let top = TopQueryCollectionConfig::default();
        let mut plans = Plans::with_source(Box::new(explain), &top);
        let cfg = QuerySampleCollectionConfig::default();
        let mut samples = QuerySamples::new(&cfg, std::time::Duration::from_secs(10));
        let outcome = samples.collect(&mut server, &mut plans, 1_700_000_005_000_000_000).await.unwrap();
        assert!(outcome.failures.is_empty(), "{version}: {:?}", outcome.failures);
        assert_eq!(server.asked.len(), 3, "{version}: {:?}", server.asked);
        let text = render(&outcome.records);
        assert!(!text.contains("secret"), "{version}: a literal left the process");
        assert_golden(&dir().join(format!("{stem}.events")), &text);
        // Five explainable texts (the UPDATE's refused under READ ONLY); the cut text and ALTER never.
        let explains = plans.stats.explains;
        assert_eq!(explains, 5, "{version}: {:?}", plans.stats);
    }
}
