//! The Go prototype's pipeline configs (github.com/deepaucksharma/psql-next,
//! `database-intelligence-mvp/`), as excerpts: what loads (its processors in pipelines of every
//! signal, a pipeline listing `circuitbreaker` for a section defined as `circuit_breaker`, rules
//! written as free text) and what is refused, all at once, each problem with its file and key.

mod support;

use support::dbintel;

fn validate(text: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("collector.yaml");
    std::fs::write(&path, text).unwrap();
    let out = dbintel(&["validate", "--config", &path.display().to_string()]);
    let raw = String::from_utf8_lossy(&out.stderr).to_string();
    (out.status.success(), raw.replace(&format!("{}: ", path.display()), ""), raw)
}

/// An excerpt of `tests/e2e/archive/cleanup-20250703/configs/working-processor-config.yaml`: every
/// custom processor in one metrics pipeline, the breaker listed as `circuitbreaker` while its section
/// is `circuit_breaker`; plus a traces pipeline as the prototype's `environments/development.yaml`
/// writes one (`planattributeextractor` on spans).
const WORKING_PROCESSOR_CONFIG: &str = r#"
receivers:
  postgresql:
    endpoint: localhost:5432
    username: postgres
    password: postgres
    databases: [testdb]
    collection_interval: 10s
    tls:
      insecure: true
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:4317
processors:
  verification:
    enable_periodic_verification: true
    verification_interval: 30s
    export_feedback_as_logs: true
  adaptivesampler:
    max_sampling_rate: 100
    min_sampling_rate: 1
  circuit_breaker:
    enabled: true
    failure_threshold: 5
    recovery_timeout: 30s
  querycorrelator:
    retention_period: 1h
  costcontrol:
    monthly_budget_usd: 1000.0
    price_per_gb: 0.35
  nrerrormonitor:
    enabled: true
  planattributeextractor:
    safe_mode: true
exporters:
  debug:
    verbosity: detailed
service:
  pipelines:
    metrics:
      receivers: [postgresql]
      processors: [
        verification,
        adaptivesampler,
        circuitbreaker,
        querycorrelator,
        costcontrol,
        nrerrormonitor,
        planattributeextractor
      ]
      exporters: [debug]
    traces:
      receivers: [otlp]
      processors: [planattributeextractor, verification, costcontrol, adaptivesampler]
      exporters: [debug]
"#;

#[test]
fn the_prototypes_processors_load_in_pipelines_of_every_signal() {
    let (ok, err, _) = validate(WORKING_PROCESSOR_CONFIG);
    assert!(ok, "{err}");
    // The alias names the defined component, with a warning saying how to write it.
    assert!(
        err.contains(
            "service.pipelines.metrics.processors[2]: `circuitbreaker` is read as `circuit_breaker` \
             (`circuitbreaker` and `circuit_breaker` are the same processor type); write `circuit_breaker`"
        ),
        "{err}"
    );
    // A pass-through says so, per pipeline; real behaviour does not warn.
    for (at, id, signal) in [
        ("metrics.processors[1]", "adaptivesampler", "metrics"),
        ("metrics.processors[6]", "planattributeextractor", "metrics"),
        ("traces.processors[0]", "planattributeextractor", "traces"),
        ("traces.processors[3]", "adaptivesampler", "traces"),
    ] {
        let want = format!(
            "service.pipelines.{at}: processor `{id}` is accepted in a {signal} pipeline but does nothing on {signal}: "
        );
        assert!(err.contains(&want), "{want}\n{err}");
    }
    for quiet in
        ["metrics.processors[0]", "traces.processors[1]", "traces.processors[2]", "metrics.processors[4]"]
    {
        assert!(!err.contains(&format!("service.pipelines.{quiet}: ")), "{quiet}: {err}");
    }
    assert_eq!(err.matches("does nothing on").count(), 4, "{err}");
}

/// Excerpts of `config/collector-feature-aware.yaml` (rules with `expression`) and
/// `tests/e2e/archive/cleanup-20250703/testdata/custom-processors-e2e.yaml` (`condition` with
/// `double()`/`int()`): loaded, and `validate` says what each rule reads as.
#[test]
fn free_text_rules_load_and_say_what_they_match() {
    let (ok, err, _) = validate(
        r#"
receivers:
  otlp:
    protocols: {grpc: {endpoint: 127.0.0.1:4317}}
processors:
  adaptivesampler:
    in_memory_only: true
    rules:
      - name: "slow_queries"
        expression: 'attributes["duration_ms"] > 1000'
        sampling_rate: 1.0
      - name: "high_frequency"
        condition: 'int(attributes["calls"]) > 1000'
        sample_rate: 0.1
        priority: 90
    default_sampling_rate: 0.05
exporters:
  debug: {}
service:
  pipelines:
    logs:
      receivers: [otlp]
      processors: [adaptivesampler]
      exporters: [debug]
"#,
    );
    assert!(ok, "{err}");
    assert!(
        err.contains(
            "processors.adaptivesampler.rules[0].expression: `attributes[\"duration_ms\"] > 1000` is read as the conditions `duration_ms` > 1000.0"
        ),
        "{err}"
    );
    assert!(err.contains("processors.adaptivesampler.rules[1].expression: `int(attributes[\"calls\"]) > 1000` is read as the conditions `calls` > 1000.0"), "{err}");
}

/// What is genuinely wrong is named at once, each with its key and what to do: a component type
/// dbintel lacks (`filelog`, from `config/collector-simple-alternate.yaml`), a pipeline naming an
/// undefined processor (the overlays), a `sqlquery` without driver and datasource
/// (`config/environments/development.yaml`), a rule dbintel cannot read
/// (`deploy/examples/configs/collector-production.yaml`), percentages as rates, and a placeholder
/// with a shell-style default (`config/collector-end-to-end-test.yaml`).
#[test]
fn the_remaining_faults_are_all_named_at_once() {
    let (ok, err, raw) = validate(
        r#"
receivers:
  filelog/auto_explain:
    include: [/var/log/postgresql/*.log]
  sqlquery/postgresql:
    collection_interval: 60s
  postgresql:
    endpoint: ${POSTGRES_HOST:localhost}:5432
    username: monitor
processors:
  adaptive_sampler/intelligent:
    rules:
      - name: "critical_errors"
        condition: "severity == 'ERROR' or severity == 'FATAL'"
        sampling_rate: 100
exporters:
  debug: {}
service:
  pipelines:
    logs:
      receivers: [filelog/auto_explain, sqlquery/postgresql]
      processors: [memory_limiter, adaptive_sampler/intelligent]
      exporters: [debug]
    metrics:
      receivers: [postgresql]
      exporters: [debug]
"#,
    );
    assert!(!ok, "{err}");
    for want in [
        "receivers.filelog/auto_explain: unknown receiver type `filelog`",
        "receivers.sqlquery/postgresql.driver: required",
        "receivers.sqlquery/postgresql.datasource: required",
        "receivers.sqlquery/postgresql.queries: at least one query is required",
        "service.pipelines.logs.processors[0]: processor `memory_limiter` is not defined in `processors`",
        "processors.adaptive_sampler/intelligent.rules[0].sample_rate: must be within [0, 1]; it is 100; a rate is a fraction: 100% is 1",
        "processors.adaptive_sampler/intelligent.rules[0].expression: `severity == 'ERROR' or severity == 'FATAL'`: `or` is not supported",
        "for the environment variable with a default write `${env:POSTGRES_HOST:-...}`",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    // Each problem names the file (the stripped prefix): 8 lines, 8 problems.
    let problems = raw.lines().filter(|l| l.starts_with('/') && l.contains("collector.yaml: ")).count();
    assert_eq!(problems, 8, "{raw}");
}

/// POSTs `body` as OTLP/JSON to `http://addr{path}`; the status code.
fn post_json(addr: &str, path: &str, body: &str) -> u16 {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else { return 0 };
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if s.write_all(req.as_bytes()).is_err() {
        return 0;
    }
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

/// The running collector builds the prototype's processors in traces and metrics pipelines (the
/// breaker listed by its alias): `verification` redacts a span's and a data point's PII, the rest
/// pass the data on.
#[test]
fn a_running_collector_redacts_pii_in_spans_and_points() {
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let port = support::free_port();
    let out = dir.path().join("out.jsonl");
    let config = dir.path().join("collector.yaml");
    std::fs::write(
        &config,
        format!(
            r#"
receivers:
  otlp:
    protocols:
      http: {{endpoint: "127.0.0.1:{port}"}}
processors:
  circuit_breaker: {{}}
  verification: {{pii_detection: {{auto_sanitize: true}}}}
  costcontrol: {{}}
  adaptivesampler: {{}}
  planattributeextractor: {{}}
exporters:
  file: {{path: "{}"}}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [circuitbreaker, verification, costcontrol, adaptivesampler, planattributeextractor]
      exporters: [file]
    metrics:
      receivers: [otlp]
      processors: [verification, adaptivesampler, planattributeextractor, costcontrol]
      exporters: [file]
"#,
            out.display()
        ),
    )
    .unwrap();
    let mut run =
        support::Running::start(&["run", "--config", &config.display().to_string()], &[], dir.path());
    let addr = format!("127.0.0.1:{port}");
    let span = r#"{"resourceSpans":[{"resource":{},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"SELECT users","kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"db.query.text","value":{"stringValue":"SELECT 1 WHERE email = 'jane@shop.io'"}}]}]}]}]}"#;
    let point = r#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"db.query.count","gauge":{"dataPoints":[{"asDouble":1,"timeUnixNano":"5","attributes":[{"key":"user.email","value":{"stringValue":"bob@shop.io"}},{"key":"db.namespace","value":{"stringValue":"shop"}}]}]}}]}]}]}"#;
    run.wait_for("the OTLP/HTTP receiver", Duration::from_secs(30), || {
        post_json(&addr, "/v1/traces", span) == 200
    });
    assert_eq!(post_json(&addr, "/v1/metrics", point), 200);
    let read = || std::fs::read_to_string(&out).unwrap_or_default();
    run.wait_for("both batches in the file", Duration::from_secs(30), || read().lines().count() >= 2);
    run.signal("TERM");
    assert!(run.wait_exit(Duration::from_secs(30)).success(), "{}", run.stderr());
    let text = read();
    assert!(text.contains(r#""stringValue":"SELECT 1 WHERE email = '[REDACTED]'""#), "{text}");
    assert!(text.contains(r#""key":"user.email","value":{"stringValue":"[REDACTED]"}"#), "{text}");
    assert!(text.contains(r#""key":"db.namespace","value":{"stringValue":"shop"}"#), "{text}");
    assert!(!text.contains("shop.io"), "{text}");
    assert!(!text.contains("dbintel.pii"), "no marks on points or spans: {text}");
}
