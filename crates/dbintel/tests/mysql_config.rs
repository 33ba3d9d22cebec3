//! `dbintel validate` with a contrib-style `mysql` receiver section: every contrib key loads without
//! a warning, and PostgreSQL keys are refused as such.

mod support;

use support::dbintel;

fn config(receiver: &str, out_file: &std::path::Path) -> String {
    format!(
        r#"
receivers:
  mysql:
{receiver}
exporters:
  file:
    path: {}
service:
  pipelines:
    metrics:
      receivers: [mysql]
      exporters: [file]
"#,
        out_file.display()
    )
}

#[test]
fn a_contrib_mysql_section_loads_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mysql.yaml");
    let receiver = r#"    endpoint: localhost:3306
    username: otel
    password: ${env:MYSQL_PASSWORD:-x}
    database: shop
    allow_native_passwords: true
    collection_interval: 10s
    statement_events:
      digest_text_limit: 120
      time_limit: 24h
      limit: 250
    events:
      db.server.top_query:
        enabled: true
    top_query_collection:
      top_query_count: 10
    query_sample_collection:
      max_rows_per_query: 100
    metrics:
      mysql.commands:
        enabled: true
    resource_attributes:
      mysql.instance.endpoint:
        enabled: true"#;
    std::fs::write(&path, config(receiver, &dir.path().join("out.jsonl"))).unwrap();
    let out = dbintel(&["validate", "--config", &path.display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("warning:"), "{err}");
}

#[test]
fn postgresql_keys_in_a_mysql_section_are_refused_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mysql.yaml");
    let receiver = "    endpoint: localhost:3306\n    databases: [shop]\n    metrics:\n      mysql.handler:\n        enabled: true";
    std::fs::write(&path, config(receiver, &dir.path().join("out.jsonl"))).unwrap();
    let out = dbintel(&["validate", "--config", &path.display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    let receiver = "    endpoint: localhost:3306\n    top_query_collection:\n      max_rows_per_query: 10";
    std::fs::write(&path, config(receiver, &dir.path().join("out.jsonl"))).unwrap();
    let out = dbintel(&["validate", "--config", &path.display().to_string()]);
    let err2 = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err2}");
    assert!(
        err2.contains("receivers.mysql.top_query_collection.max_rows_per_query")
            && err2.contains("max_query_sample_count"),
        "{err2}"
    );
    assert!(err.contains("receivers.mysql.databases") && err.contains("is a PostgreSQL key"), "{err}");
    assert!(err.contains("receivers.mysql.metrics.mysql.handler") && err.contains("did you mean"), "{err}");
}
