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
          - 'merge_maps(cache, ParseJSON(body), "upsert") where IsMatch(body, "^\\{")'
          - 'replace_pattern(attributes["user"], "^(.*)$$", "$$1", function = SHA256, replacement_format = "user-%s")'
          - limit(attributes, 64, priority_keys = ["db.query.text"])
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
        "flatten(attributes, \"k8s\")",
    );
    let out = validate(&bad);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ottl.yaml"), "{err}");
    assert!(err.contains("log_statements[0].statements[2]"), "{err}");
    assert!(err.contains("flatten(attributes, \"k8s\")"), "{err}");
    assert!(err.contains("unsupported function `flatten`"), "{err}");
}

/// A matcher the attributes processor has for logs only, in a metrics pipeline: `dbintel validate`
/// (not only `run`) fails, naming the key and the pipeline.
#[test]
fn an_attributes_matcher_of_the_other_signal_fails_validate_naming_the_key() {
    let with_attributes = |pipeline_processors: &str| {
        CONFIG
            .replace(
                "  filter:\n",
                "  attributes:\n    include:\n      match_type: strict\n      log_bodies: [\"x\"]\n    actions:\n      - {key: password, action: delete}\n  filter:\n",
            )
            .replacen("processors: [transform, filter]", pipeline_processors, 1)
    };
    // In the logs pipeline only: valid.
    let ok = with_attributes("processors: [transform, filter]").replacen(
        "processors: [transform, filter]\n      exporters: [debug]\n    logs:\n      receivers: [sqlquery]\n      processors: [transform, filter]",
        "processors: [transform, filter]\n      exporters: [debug]\n    logs:\n      receivers: [sqlquery]\n      processors: [transform, attributes, filter]",
        1,
    );
    assert!(ok.contains("processors: [transform, attributes, filter]"), "{ok}");
    let out = validate(&ok);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // In the metrics pipeline: an error naming the key.
    let out = validate(&with_attributes("processors: [attributes, transform, filter]"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("processors.attributes.include.log_bodies"), "{err}");
    assert!(err.contains("metrics pipeline"), "{err}");
    assert!(err.contains("service.pipelines.metrics.processors[0]"), "{err}");
}
