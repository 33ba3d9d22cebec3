//! Golden tests of `db.server.top_query` for the versions that cannot run here: the statements
//! each version gets, and the events two runs make from result sets recorded after each version's
//! documented `events_statements_summary_by_digest` (MySQL 8.0+: SHA-256 digests, `FIRST_SEEN`
//! with microseconds, `QUERY_SAMPLE_TEXT`; MySQL 5.7 and MariaDB: MD5 digests, whole seconds, no
//! sample text, so the text to EXPLAIN comes from the statement history).

use std::path::PathBuf;
use std::time::Duration;

use dbintel_core::pdata::Value;
use dbintel_mysql::conn::{ServerInfo, TextRow};
use dbintel_mysql::query::top::{self, TopQueries};
use dbintel_mysql::replay::Replay;
use dbintel_test_support::assert_golden;

/// (file label, `SELECT VERSION()`).
const VERSIONS: &[(&str, &str)] = &[
    ("mariadb-10.5", "5.5.5-10.5.27-MariaDB-log"),
    ("mariadb-10.11", "10.11.10-MariaDB-0+deb12u1"),
    ("mariadb-11.4", "11.4.4-MariaDB"),
    ("mysql-5.7", "5.7.44-log"),
    ("mysql-8.0.36", "8.0.36"),
    ("mysql-8.4.3", "8.4.3"),
    ("mysql-9.1.0", "9.1.0"),
];

const LOOKBACK: Duration = Duration::from_secs(120);
const MAX_ROWS: usize = 50;
const TOP_N: usize = 4;
/// Server time of the first run (seconds); the second is 60 s later.
const T0: i64 = 1_767_225_600;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/top")
}

/// A digest of the right length for the version (MD5 before MySQL 8.0, SHA-256 from 8.0).
fn digest(info: &ServerInfo, n: u8) -> String {
    let len = if info.mariadb || !info.mysql_at_least(8, 0, 0) { 32 } else { 64 };
    std::iter::repeat_n(format!("{n:x}"), len).collect()
}

/// `UNIX_TIMESTAMP(FIRST_SEEN)`: microseconds from MySQL 8.0 (TIMESTAMP(6)), whole seconds before.
fn seen(info: &ServerInfo, secs: i64) -> String {
    if info.mariadb || !info.mysql_at_least(8, 0, 0) { secs.to_string() } else { format!("{secs}.250000") }
}

struct Stmt {
    n: u8,
    schema: Option<&'static str>,
    /// `DIGEST_TEXT` as MySQL 8 writes it (MariaDB and 5.7 the same for these shapes).
    digest_text: Option<&'static str>,
    sample: &'static str,
}

const STMTS: &[Stmt] = &[
    Stmt {
        n: 1,
        schema: Some("shop"),
        digest_text: Some(
            "SELECT `id` , `total` FROM `orders` WHERE `customer_id` = ? ORDER BY `created_at` DESC LIMIT ?",
        ),
        sample: "SELECT id, total FROM orders WHERE customer_id = 4711 ORDER BY created_at DESC LIMIT 10",
    },
    Stmt {
        n: 2,
        schema: Some("shop"),
        digest_text: Some("UPDATE `stock` SET `qty` = `qty` - ? WHERE `sku` IN (...)"),
        sample: "UPDATE stock SET qty = qty - 1 WHERE sku IN ('A-1', 'B-2')",
    },
    Stmt {
        n: 3,
        schema: None,
        digest_text: Some("SELECT @@`version_comment` LIMIT ?"),
        sample: "SELECT @@version_comment LIMIT 1",
    },
    Stmt {
        n: 4,
        schema: Some("shop"),
        digest_text: Some("INSERT INTO `audit` ( `who` , `what` ) VALUES (...)"),
        sample: "INSERT INTO audit (who, what) VALUES ('alice', 'login')",
    },
    // The receiver's own SHOW GLOBAL STATUS (its digest text has lost the comment).
    Stmt {
        n: 5,
        schema: None,
        digest_text: Some("SHOW GLOBAL STATUS"),
        sample: "/* dbintel */ SHOW GLOBAL STATUS",
    },
    // The "other" row: the digest table is full.
    Stmt { n: 0, schema: None, digest_text: None, sample: "" },
];

/// One row in the column order of [`top::digest_sql`]: counts scale with `k`.
fn row(info: &ServerInfo, s: &Stmt, count: u64, first_seen: i64) -> TextRow {
    let mut r: TextRow = vec![
        s.schema.map(str::to_string),
        (s.n != 0).then(|| digest(info, s.n)),
        s.digest_text.map(str::to_string),
    ];
    let per = u64::from(s.n) + 1;
    // COUNT_STAR, SUM_TIMER_WAIT (ps), SUM_LOCK_TIME (ps), errors, warnings, rows affected, sent,
    // examined, tmp tables, tmp disk tables, sort merge passes, sort rows, no index, no good index.
    let counters = [
        count,
        count * per * 1_500_000_000,
        count * 2_000_000,
        count / 50,
        count / 20,
        if s.n == 2 || s.n == 4 { count } else { 0 },
        if s.n == 1 { count * 10 } else { count },
        count * per * 100,
        count / 10,
        count / 100,
        0,
        if s.n == 1 { count * 10 } else { 0 },
        if s.n == 3 { count } else { 0 },
        0,
    ];
    r.extend(counters.iter().map(|c| Some(c.to_string())));
    r.push(Some(seen(info, first_seen)));
    r.push((info.has_query_sample_text() && s.n != 0).then(|| s.sample.to_string()));
    r
}

fn snapshot(info: &ServerInfo, counts: &[u64]) -> Vec<TextRow> {
    let mut rows: Vec<(u64, TextRow)> = STMTS
        .iter()
        .zip(counts)
        .filter(|(_, c)| **c > 0)
        .map(|(s, c)| (*c, row(info, s, *c, T0 - 3600)))
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    rows.into_iter().map(|(_, r)| r).collect()
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Str(s) => s.to_string().into(),
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => (*i).into(),
        Value::Double(d) => serde_json::json!((d * 1e9).round() / 1e9),
        other => other.to_display_string().into(),
    }
}

#[tokio::test]
async fn statements_and_events_per_version() {
    for &(label, version) in VERSIONS {
        let mut r = Replay::new(version);
        let info = r.info.clone();
        let mut top = TopQueries::new(MAX_ROWS, TOP_N, LOOKBACK);
        let digest_sql = top::digest_sql(&info, LOOKBACK, MAX_ROWS);
        let meta_sql = top::meta_sql(&info);
        let own_sql = top::own_digests_sql();
        // The connection sent SHOW GLOBAL STATUS before (the metrics pass).
        r.record("SHOW GLOBAL STATUS", vec![]);
        let _ = dbintel_mysql::conn::Source::rows(&mut r, "SHOW GLOBAL STATUS").await;
        r.asked.clear();
        r.asked.push("SHOW GLOBAL STATUS".into());

        // Run 1: baselines only.
        r.record(&digest_sql, snapshot(&info, &[100, 40, 500, 10, 300, 7]));
        r.record(meta_sql, vec![vec![Some(format!("{T0}.000000")), Some("86400".into()), Some("1".into())]]);
        r.record(&own_sql, vec![]);
        let first = top.collect(&mut r).await.unwrap();
        assert!(first.queries.is_empty(), "{label}: the first run only takes baselines");

        // Run 2, 60 s later: new executions of every statement.
        r.record(&digest_sql, snapshot(&info, &[160, 52, 530, 10, 306, 9]));
        r.record(
            meta_sql,
            vec![vec![Some(format!("{}.000000", T0 + 60)), Some("86460".into()), Some("1".into())]],
        );
        let texts = if info.has_query_sample_text() {
            None
        } else {
            // Ranked by time delta: 1 and 3 (180 ms each; more executions first), 2 (54 ms), then the
            // other row (no digest); statement 4 had no new executions.
            let ds = [digest(&info, 1), digest(&info, 3), digest(&info, 2)];
            let refs: Vec<&str> = ds.iter().map(String::as_str).collect();
            let sql = top::recent_texts_sql(&refs);
            r.record(
                &sql,
                vec![
                    vec![Some(ds[0].clone()), Some("shop".into()), Some(STMTS[0].sample.into())],
                    vec![Some(ds[0].clone()), Some("shop".into()), Some("SELECT id, total FROM orders WHERE customer_id = 1 ORDER BY created_at DESC LIMIT 10".into())],
                    vec![Some(ds[2].clone()), Some("shop".into()), Some("UPDATE stock SET qty = qty - 1 WHERE sku IN ('A-1', ...".into())],
                ],
            );
            Some(sql)
        };
        let second = top.collect(&mut r).await.unwrap();
        let mut sql_out = String::new();
        for (name, sql) in [
            ("digest rows", digest_sql.as_str()),
            ("server time and Uptime", meta_sql),
            ("own digests", own_sql.as_str()),
        ] {
            sql_out.push_str(&format!("-- {name}\n{sql};\n\n"));
        }
        match &texts {
            Some(sql) => {
                sql_out.push_str(&format!("-- recent statement texts (no QUERY_SAMPLE_TEXT)\n{sql};\n"))
            }
            None => sql_out.push_str("-- recent statement texts: not read (QUERY_SAMPLE_TEXT)\n"),
        }
        assert_golden(&dir().join(format!("{label}.sql")), &sql_out);

        let mut events = format!(
            "# run 2 | lineage {:?} | rows {} own {} | emitted {} unchanged {}\n",
            second.lineage.unwrap(),
            second.stats.rows,
            second.stats.own_rows,
            second.stats.deltas.emitted,
            second.stats.deltas.unchanged
        );
        for q in &second.queries {
            let rec = top::record(q, &info, 0);
            let mut m = serde_json::Map::new();
            for (k, v) in rec.attributes.iter() {
                m.insert(k.to_string(), to_json(v));
            }
            m.insert("(explain_text)".into(), q.explain_text.clone().into());
            events.push_str(&serde_json::to_string(&m).unwrap());
            events.push('\n');
        }
        assert_golden(&dir().join(format!("{label}.events")), &events);
        assert_eq!(second.stats.own_rows, 1, "{label}: SHOW GLOBAL STATUS is ours");
        assert!(second.queries.iter().all(|q| q.explain_text.as_deref().is_none_or(|t| !t.ends_with("..."))));
    }
}
