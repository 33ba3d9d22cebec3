//! `transform` and `filter` configs written as for the Collector (YAML quoting of OTTL strings
//! included) validate; an unsupported OTTL function is reported with the file, key, statement and
//! function name.

mod support;

use support::dbintel;

const CONFIG: &str = r#"
receivers:
  sqlquery:
    driver: postgres
    datasource: "host=localhost port=5432 user=postgres dbname=postgres"
    queries:
      - sql: "SELECT 1 AS one, 'x' AS q"
        metrics:
          - metric_name: one
            value_column: one
        logs:
          - body_column: q
processors:
  transform:
    error_mode: ignore
    log_statements:
      - context: log
        statements:
          - replace_pattern(attributes["db.query.text"], "'[^']*'", "'?'")
          - 'set(attributes["query.type"], "SELECT") where IsMatch(body, "(?i)^\\s*SELECT")'
          - delete_key(attributes, "password") where attributes["password"] != nil
    metric_statements:
      - context: datapoint
        statements:
          - set(attributes["bucket"], "high") where metric.name == "one" and value > 0
      - 'set(metric.unit, "1") where metric.name == "one"'
  filter:
    error_mode: ignore
    logs:
      log_record:
        - 'severity_number < SEVERITY_NUMBER_INFO and severity_number != SEVERITY_NUMBER_UNSPECIFIED'
    metrics:
      exclude:
        match_type: regexp
        metric_names: ['^pg_catalog\.']
exporters:
  debug:
service:
  pipelines:
    metrics:
      receivers: [sqlquery]
      processors: [transform, filter]
      exporters: [debug]
    logs:
      receivers: [sqlquery]
      processors: [transform, filter]
      exporters: [debug]
"#;

fn validate(text: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ottl.yaml");
    std::fs::write(&path, text).expect("write config");
    dbintel(&["validate", "--config", &path.display().to_string()])
}

#[test]
fn collector_style_transform_and_filter_validate() {
    let out = validate(CONFIG);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_unsupported_function_is_named_with_its_statement() {
    let bad = CONFIG.replace(
        "delete_key(attributes, \"password\") where attributes[\"password\"] != nil",
        "merge_maps(cache, ParseJSON(body), \"upsert\")",
    );
    let out = validate(&bad);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ottl.yaml"), "{err}");
    assert!(err.contains("log_statements[0].statements[2]"), "{err}");
    assert!(err.contains("merge_maps(cache, ParseJSON(body), \"upsert\")"), "{err}");
    assert!(err.contains("unsupported function `ParseJSON`"), "{err}");
}
