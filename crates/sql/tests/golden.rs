//! Golden tests: every line of `testdata/golden/{pg,mysql}.sql` is analysed with
//! `analyze_statement_json`; the output must match `*.golden.jsonl` line by line. Plans under
//! `testdata/plans/` are summarised and compared with `testdata/golden/plans.golden.jsonl`.
//!
//! Regenerate after an intended change with `UPDATE_GOLDEN=1 cargo test -p dbintel-sql --test golden`
//! and review the diff.

use std::path::{Path, PathBuf};

use dbintel_sql::{Dialect, analyze_plan_json, analyze_statement_json};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

fn check(actual: &str, golden: &Path) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(golden, actual).unwrap_or_else(|e| panic!("write {}: {e}", golden.display()));
        return;
    }
    let expected =
        std::fs::read_to_string(golden).unwrap_or_else(|e| panic!("read {}: {e}", golden.display()));
    for (i, (a, e)) in actual.lines().zip(expected.lines()).enumerate() {
        assert_eq!(a, e, "{} line {} differs", golden.display(), i + 1);
    }
    assert_eq!(actual.lines().count(), expected.lines().count(), "{} line count", golden.display());
}

fn statements(dialect: Dialect, input: &str, golden: &str) {
    let dir = testdata().join("golden");
    let text = std::fs::read_to_string(dir.join(input)).expect("read input");
    let mut out = String::new();
    for line in text.lines() {
        let v = analyze_statement_json(dialect, line);
        out.push_str(&serde_json::to_string(&v).expect("json"));
        out.push('\n');
    }
    check(&out, &dir.join(golden));
}

#[test]
fn golden_postgresql_statements() {
    statements(Dialect::Postgresql, "pg.sql", "pg.golden.jsonl");
}

#[test]
fn golden_mysql_statements() {
    statements(Dialect::Mysql, "mysql.sql", "mysql.golden.jsonl");
}

#[test]
fn golden_plans() {
    let mut out = String::new();
    for (sub, dialect) in [("pg", Dialect::Postgresql), ("mysql", Dialect::Mysql)] {
        let mut files: Vec<_> = std::fs::read_dir(testdata().join("plans").join(sub))
            .expect("plans dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for f in files {
            let doc = std::fs::read_to_string(&f).expect("read plan");
            let mut v = analyze_plan_json(dialect, &doc).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            if let Some(m) = v.as_object_mut() {
                m.remove("obfuscated_plan");
                m.insert(
                    "file".into(),
                    format!("{sub}/{}", f.file_name().unwrap_or_default().to_string_lossy()).into(),
                );
            }
            out.push_str(&serde_json::to_string(&v).expect("json"));
            out.push('\n');
        }
    }
    check(&out, &testdata().join("golden").join("plans.golden.jsonl"));
}
