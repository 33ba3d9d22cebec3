//! The CLI as a new user meets it: --version, components, validate on good and broken configs.

mod support;

use support::dbintel;

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const GOOD: &str = r#"
receivers:
  sqlquery:
    driver: postgres
    datasource: "host=localhost port=5432 user=postgres dbname=postgres"
    collection_interval: 10s
    queries:
      - sql: "SELECT 1 AS one"
        metrics:
          - metric_name: one
            value_column: one
processors:
  batch:
    timeout: 500ms
exporters:
  debug:
  file:
    path: /tmp/dbintel-cli-test.jsonl
extensions:
  health_check:
service:
  extensions: [health_check]
  pipelines:
    metrics:
      receivers: [sqlquery]
      processors: [batch]
      exporters: [debug, file]
"#;

#[test]
fn version_and_help() {
    let out = dbintel(&["--version"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("dbintel "));
    let out = dbintel(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in ["run", "validate", "components"] {
        assert!(help.contains(cmd), "{help}");
    }
}

#[test]
fn components_lists_every_type_with_signals() {
    let out = dbintel(&["components"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for section in ["receivers:", "processors:", "exporters:", "extensions:"] {
        assert!(text.contains(section), "{text}");
    }
    let line = |name: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} missing:\n{text}"))
            .to_string()
    };
    assert!(line("sqlquery").contains("metrics,logs"));
    assert!(line("batch").contains("metrics,logs,traces"));
    assert!(line("file").contains("metrics,logs"));
    assert!(line("debug").contains("metrics,logs"));
    assert!(line("health_check").contains("healthcheck"));
}

#[test]
fn validate_accepts_a_good_config() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "good.yaml", GOOD);
    let out = dbintel(&["validate", "--config", &path]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is valid"));
}

#[test]
fn validate_reports_every_problem_with_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let bad = GOOD
        .replace("collection_interval: 10s", "collection_interval: 10 seconds")
        .replace("timeout: 500ms", "timeout: 500ms\n    send_batch_sise: 10")
        .replace("exporters: [debug, file]", "exporters: [debug, file, otlp/missing]")
        .replace("dbname=postgres\"", "dbname=${env:DBINTEL_TEST_SURELY_UNSET}\"");
    let path = write(dir.path(), "broken.yaml", &bad);
    let out = dbintel(&["validate", "--config", &path]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.yaml"), "{err}");
    assert!(err.contains("DBINTEL_TEST_SURELY_UNSET"), "unset variable not named: {err}");
    assert!(err.contains("send_batch_sise"), "unknown key not named: {err}");
    assert!(err.contains("otlp/missing"), "undefined component not named: {err}");
    // The env error may stop the datasource from being checked, but the duration is elsewhere.
    assert!(err.contains("collection_interval"), "bad duration not named: {err}");
}

#[test]
fn validate_names_the_line_of_a_yaml_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    let path =
        write(dir.path(), "syntax.yaml", "receivers:\n  sqlquery:\n    driver: [postgres\nexporters: {}\n");
    let out = dbintel(&["validate", "--config", &path]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("syntax.yaml"), "{err}");
    assert!(err.contains("line"), "{err}");
}

#[test]
fn validate_rejects_unknown_types_and_signal_mismatches() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = r#"
receivers:
  sqlqeury:
    driver: postgres
  postgresql:
    endpoint: localhost:5432
    username: dbintel
    password: x
exporters:
  debug:
service:
  pipelines:
    metrics:
      receivers: [sqlqeury]
      exporters: [debug]
    traces:
      receivers: [postgresql]
      exporters: [debug]
"#;
    let path = write(dir.path(), "types.yaml", cfg);
    let out = dbintel(&["validate", "--config", &path]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sqlqeury"), "{err}");
    assert!(err.contains("receiver `postgresql` does not support traces"), "{err}");
}

#[test]
fn several_configs_merge_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let base = write(dir.path(), "base.yaml", GOOD);
    let overlay = write(dir.path(), "overlay.yaml", "processors:\n  batch:\n    timeout: nonsense\n");
    let out = dbintel(&["validate", "--config", &base, "--config", &overlay]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("processors.batch.timeout"), "{err}");
    assert!(err.contains("overlay.yaml"), "{err}");
}

#[test]
fn run_refuses_an_invalid_config_without_starting() {
    let dir = tempfile::tempdir().unwrap();
    let path =
        write(dir.path(), "bad.yaml", "receivers: {}\nexporters: {}\nservice: {pipelines: {}}\nbogus: 1\n");
    let out = dbintel(&["run", "--config", &path]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bogus"));
}

fn dbintel_stdin(args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(support::bin())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn sql_analyze_prints_one_object_per_line_and_hides_literals() {
    let input = b"SELECT * FROM public.users WHERE email = 'alice@example.com' AND id IN (1, 2, 3)\n\
        \xff\xfe not utf8\n\
        INSERT INTO `orders` (id, note) VALUES (42, \"secret-note\"), (43, 'x')\n";
    let out = dbintel_stdin(&["sql", "analyze", "--dialect", "mysql"], input);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0]["operation"], "SELECT");
    assert_eq!(lines[0]["tables"][0], "public.users");
    for key in ["obfuscated", "normalized", "fingerprint", "summary"] {
        assert!(lines[0][key].is_string(), "{key} missing: {}", lines[0]);
    }
    assert!(lines[1]["error"].is_string(), "{}", lines[1]);
    assert_eq!(lines[2]["operation"], "INSERT");
    for secret in ["alice@example.com", "secret-note", "42"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[test]
fn sql_plan_summarises_and_rejects_garbage() {
    let plan = br#"[{"Plan":{"Node Type":"Sort","Sort Method":"external merge","Sort Space Type":"Disk","Total Cost":99.5,"Plan Rows":10,"Plans":[{"Node Type":"Seq Scan","Relation Name":"accounts","Total Cost":50.0,"Plan Rows":1000,"Filter":"(owner = 'mallory'::text)"}]}}]"#;
    let out = dbintel_stdin(&["sql", "plan", "--dialect", "postgresql"], plan);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["node_count"], 2);
    assert_eq!(v["depth"], 2);
    assert_eq!(v["has_disk_sort"], true);
    assert!(v["plan_hash"].is_string());
    assert!(v["seq_scan_tables"].to_string().contains("accounts"));
    assert!(!v.to_string().contains("mallory"), "literal leaked: {v}");
    let out = dbintel_stdin(&["sql", "plan"], b"{not json");
    assert!(!out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["error"].is_string());
}

#[test]
fn the_shipped_examples_validate() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&examples).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let out = std::process::Command::new(support::bin())
                .args(["validate", "--config", &path.display().to_string()])
                .env("NEW_RELIC_LICENSE_KEY", "dummy-license-key")
                .output()
                .unwrap();
            assert!(out.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
            checked += 1;
        }
    }
    assert!(checked >= 2, "no examples found in {}", examples.display());
}

#[test]
fn the_readme_configs_validate() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (i, block) in readme.split("```yaml\n").skip(1).enumerate() {
        let Some((yaml, _)) = block.split_once("```") else { continue };
        // Only complete configs (fragments show single components).
        if !yaml.contains("pipelines:") {
            continue;
        }
        let path = write(dir.path(), &format!("readme-{i}.yaml"), yaml);
        let out = std::process::Command::new(support::bin())
            .args(["validate", "--config", &path])
            .env("PGPASSWORD", "secret")
            .env("NEW_RELIC_LICENSE_KEY", "dummy")
            .output()
            .unwrap();
        assert!(out.status.success(), "README block {i}:\n{yaml}\n{}", String::from_utf8_lossy(&out.stderr));
        checked += 1;
    }
    assert!(checked >= 1);
}
