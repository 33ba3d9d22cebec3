//! End to end: OTel-shaped metrics exported to the `prometheus` exporter, scraped over HTTP, and checked
//! by real peers:
//! - `promtool check metrics` (Debian package `prometheus`) on the text format;
//! - the official Python client's parsers (`pip install prometheus-client`:
//!   `prometheus_client.parser` for text 0.0.4, `prometheus_client.openmetrics.parser` for OpenMetrics)
//!   through `tests/prometheus_parse.py`, comparing every family, sample name, label and value with what
//!   the data should become.
//!
//! A missing tool fails the test when `CI=true` and skips it (with a message on stderr) otherwise.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, QuantileValue,
    Resource, ResourceMetrics, Scope, ScopeMetrics, SummaryDataPoint, Temporality, Value,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Exporter, SignalData};
use dbintel_exporters::prometheus::{PrometheusConfig, PrometheusExporter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const S: u64 = 1_000_000_000;
const T0: u64 = 1_767_225_600 * S;

const TRICKY: &str = "SELECT * FROM \"orders\" WHERE note = 'a\\b'\n  AND name = 'naïve ✓'";
const HELP_WITH_ESCAPES: &str = "Calls per query, \"delta\" made cumulative.\nSecond line \\ backslash.";

// ---------------------------------------------------------------------------------------------
// Tools

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// `true` when `program --version`-style probing works; otherwise fails under CI, skips elsewhere.
fn require_tool(program: &str, probe: &[&str], install_hint: &str) -> bool {
    let ok = Command::new(program)
        .args(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return true;
    }
    let msg = format!("`{program}` is not available: {install_hint}");
    if in_ci() {
        panic!("{msg} (required because CI=true)");
    }
    eprintln!("SKIPPED: {msg}");
    false
}

fn promtool_available() -> bool {
    require_tool(
        "promtool",
        &["--version"],
        "install the Debian package `prometheus` (apt-get install prometheus)",
    )
}

fn python_client_available() -> bool {
    require_tool(
        "python3",
        &["-c", "import prometheus_client.parser, prometheus_client.openmetrics.parser"],
        "install Python 3 and the PyPI package `prometheus-client` (pip install prometheus-client)",
    )
}

/// Runs `program args` with `input` on stdin; returns (exit code, stdout, stderr).
fn run_with_stdin(program: &str, args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{program} did not finish: {e}"));
    writer.join().expect("writer thread").expect("writing stdin");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn promtool_check(body: &str) -> (i32, String) {
    let (code, stdout, stderr) = run_with_stdin("promtool", &["check", "metrics"], body);
    (code, format!("{stdout}{stderr}"))
}

fn python_parse(format: &str, body: &str) -> serde_json::Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/prometheus_parse.py");
    let script = script.to_string_lossy().into_owned();
    let (code, stdout, stderr) = run_with_stdin("python3", &[&script, format], body);
    assert_eq!(code, 0, "prometheus_client ({format}) rejected the exposition: {stderr}\n---\n{body}");
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("bad JSON from prometheus_parse.py: {e}: {stdout}"))
}

// ---------------------------------------------------------------------------------------------
// Data

fn attrs(pairs: &[(&'static str, Value)]) -> Attributes {
    pairs.iter().map(|(k, v)| (*k, v.clone())).collect()
}

fn num(a: Attributes, start: u64, time: u64, value: NumberValue) -> NumberDataPoint {
    NumberDataPoint { attributes: a, start_time_unix_nano: start, time_unix_nano: time, value, flags: 0 }
}

fn metric(name: &str, description: &str, unit: &str, data: MetricData) -> Metric {
    Metric { name: name.into(), description: description.into(), unit: unit.into(), data }
}

fn scope_metrics(scope: &str, metrics: Vec<Metric>) -> ScopeMetrics {
    ScopeMetrics {
        scope: Scope { name: scope.into(), version: "0.1.0".into(), ..Default::default() },
        metrics,
        schema_url: String::new(),
    }
}

/// Batch `step` (0, 1, 2) of a PostgreSQL resource (instance from server.address:port) and a MySQL
/// resource (job/instance from service.*). Deltas are contiguous across steps.
fn batch(step: u64) -> Metrics {
    let t = T0 + (step + 1) * 10 * S;
    let prev = T0 + step * 10 * S;
    let pg = Resource {
        attributes: attrs(&[
            ("server.address", "db1.internal".into()),
            ("server.port", Value::Int(5432)),
            ("db.system.name", "postgresql".into()),
        ]),
    };
    let calls = [5i64, 7, 1][step as usize % 3];
    let pg_metrics = vec![
        metric(
            "postgresql.backends",
            "The number of backends.",
            "{connections}",
            MetricData::Gauge(vec![num(
                attrs(&[("db.namespace", "orders".into())]),
                0,
                t,
                NumberValue::Int(10 + step as i64),
            )]),
        ),
        metric(
            "postgresql.commits",
            "The number of commits.",
            "{commit}",
            MetricData::Sum {
                points: vec![num(
                    attrs(&[("db.namespace", "orders".into())]),
                    T0,
                    t,
                    NumberValue::Int(1000 * (step as i64 + 1)),
                )],
                temporality: Temporality::Cumulative,
                monotonic: true,
            },
        ),
        metric(
            "db.server.query.calls",
            HELP_WITH_ESCAPES,
            "{call}",
            MetricData::Sum {
                points: vec![num(
                    attrs(&[("db.query.text", TRICKY.into()), ("db.namespace", "orders".into())]),
                    prev,
                    t,
                    NumberValue::Int(calls),
                )],
                temporality: Temporality::Delta,
                monotonic: true,
            },
        ),
        metric(
            "postgresql.db_size",
            "",
            "By",
            MetricData::Sum {
                points: vec![num(
                    attrs(&[("db.namespace", "orders".into())]),
                    T0,
                    t,
                    NumberValue::Double(1234.5),
                )],
                temporality: Temporality::Cumulative,
                monotonic: false,
            },
        ),
        metric(
            "postgresql.cache.hit.ratio",
            "Buffer cache hit ratio.",
            "1",
            MetricData::Gauge(vec![num(Attributes::new(), 0, t, NumberValue::Double(0.875))]),
        ),
        metric(
            "postgresql.blocks_read.delta",
            "Delta up-down sums are dropped.",
            "{block}",
            MetricData::Sum {
                points: vec![num(Attributes::new(), prev, t, NumberValue::Int(3))],
                temporality: Temporality::Delta,
                monotonic: false,
            },
        ),
        metric(
            "db.client.operation.duration",
            "Duration of database client operations.",
            "s",
            MetricData::Histogram {
                points: vec![HistogramDataPoint {
                    attributes: attrs(&[
                        ("db.operation.name", "SELECT".into()),
                        ("0.weird key", Value::Bool(true)),
                    ]),
                    start_time_unix_nano: prev,
                    time_unix_nano: t,
                    count: 4,
                    sum: Some(0.75),
                    bucket_counts: vec![1, 2, 1, 0],
                    explicit_bounds: vec![0.01, 0.1, 1.0],
                    ..Default::default()
                }],
                temporality: Temporality::Delta,
            },
        ),
    ];
    let mysql = Resource {
        attributes: attrs(&[
            ("service.name", "dbintel".into()),
            ("service.namespace", "prod".into()),
            ("service.instance.id", "host-7".into()),
            ("db.system.name", "mysql".into()),
        ]),
    };
    let mysql_metrics = vec![
        metric(
            "mysql.threads",
            "The state of MySQL threads.",
            "{thread}",
            MetricData::Sum {
                points: vec![
                    num(attrs(&[("kind", "running".into())]), T0, t, NumberValue::Int(3)),
                    num(attrs(&[("kind", "connected".into())]), T0, t, NumberValue::Int(9)),
                ],
                temporality: Temporality::Cumulative,
                monotonic: false,
            },
        ),
        metric(
            "db.query.latency",
            "Query latency quantiles.",
            "s",
            MetricData::Summary(vec![SummaryDataPoint {
                attributes: Attributes::new(),
                start_time_unix_nano: T0,
                time_unix_nano: t,
                count: 20,
                sum: 5.5,
                quantile_values: vec![
                    QuantileValue { quantile: 0.5, value: 0.25 },
                    QuantileValue { quantile: 0.99, value: 2.0 },
                ],
                flags: 0,
            }]),
        ),
    ];
    Metrics {
        resource_metrics: vec![
            ResourceMetrics {
                resource: pg,
                scope_metrics: vec![scope_metrics("dbintel/postgresql", pg_metrics)],
                schema_url: String::new(),
            },
            ResourceMetrics {
                resource: mysql,
                scope_metrics: vec![scope_metrics("dbintel/mysql", mysql_metrics)],
                schema_url: String::new(),
            },
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// Expectations: what the three batches must become

type Sample = (String, Vec<(String, String)>, String);

fn labels(common: &[(&str, &str)], extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        common.iter().chain(extra).map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
    v.sort();
    v
}

fn s(name: &str, common: &[(&str, &str)], extra: &[(&str, &str)], value: f64) -> Sample {
    (name.to_string(), labels(common, extra), canonical(value))
}

fn canonical(v: f64) -> String {
    format!("{v:?}")
}

const PG: &[(&str, &str)] = &[
    ("instance", "db1.internal:5432"),
    ("otel_scope_name", "dbintel/postgresql"),
    ("otel_scope_version", "0.1.0"),
    ("region", "eu-1"),
];
const MY: &[(&str, &str)] = &[
    ("instance", "host-7"),
    ("job", "prod/dbintel"),
    ("otel_scope_name", "dbintel/mysql"),
    ("otel_scope_version", "0.1.0"),
    ("region", "eu-1"),
];

/// (family name as the Python client reports it, type, help)
fn expected_families() -> BTreeSet<(String, String, String)> {
    [
        ("db_client_operation_duration_seconds", "histogram", "Duration of database client operations."),
        ("db_query_latency_seconds", "summary", "Query latency quantiles."),
        ("db_server_query_calls", "counter", HELP_WITH_ESCAPES),
        ("mysql_threads", "gauge", "The state of MySQL threads."),
        ("postgresql_backends", "gauge", "The number of backends."),
        ("postgresql_cache_hit_ratio", "gauge", "Buffer cache hit ratio."),
        ("postgresql_commits", "counter", "The number of commits."),
        ("postgresql_db_size_bytes", "gauge", "postgresql.db_size"),
        ("target_info", "gauge", "Target metadata"),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect()
}

fn expected_samples() -> BTreeSet<Sample> {
    let hist = "db_client_operation_duration_seconds";
    let h = &[("db_operation_name", "SELECT"), ("key_0_weird_key", "true")];
    let with = |extra: (&'static str, &'static str)| {
        let mut v = h.to_vec();
        v.push(extra);
        v
    };
    let calls_labels = [("db_namespace", "orders"), ("db_query_text", TRICKY)];
    vec![
        s("postgresql_backends", PG, &[("db_namespace", "orders")], 12.0),
        s("postgresql_commits_total", PG, &[("db_namespace", "orders")], 3000.0),
        // Deltas 5 + 7 + 1, contiguous.
        s("db_server_query_calls_total", PG, &calls_labels, 13.0),
        s("postgresql_db_size_bytes", PG, &[("db_namespace", "orders")], 1234.5),
        s("postgresql_cache_hit_ratio", PG, &[], 0.875),
        // Three contiguous delta histograms merged: buckets [3, 6, 3, 0], count 12, sum 2.25.
        s(&format!("{hist}_bucket"), PG, &with(("le", "0.01")), 3.0),
        s(&format!("{hist}_bucket"), PG, &with(("le", "0.1")), 9.0),
        s(&format!("{hist}_bucket"), PG, &with(("le", "1")), 12.0),
        s(&format!("{hist}_bucket"), PG, &with(("le", "inf")), 12.0),
        s(&format!("{hist}_sum"), PG, h, 2.25),
        s(&format!("{hist}_count"), PG, h, 12.0),
        s("mysql_threads", MY, &[("kind", "running")], 3.0),
        s("mysql_threads", MY, &[("kind", "connected")], 9.0),
        s("db_query_latency_seconds", MY, &[("quantile", "0.5")], 0.25),
        s("db_query_latency_seconds", MY, &[("quantile", "0.99")], 2.0),
        s("db_query_latency_seconds_sum", MY, &[], 5.5),
        s("db_query_latency_seconds_count", MY, &[], 20.0),
        s(
            "target_info",
            &[
                ("db_system_name", "postgresql"),
                ("instance", "db1.internal:5432"),
                ("server_address", "db1.internal"),
                ("server_port", "5432"),
                ("region", "eu-1"),
            ],
            &[],
            1.0,
        ),
        s(
            "target_info",
            &[
                ("db_system_name", "mysql"),
                ("instance", "host-7"),
                ("job", "prod/dbintel"),
                ("region", "eu-1"),
            ],
            &[],
            1.0,
        ),
    ]
    .into_iter()
    .collect()
}

/// Families and samples from the parser's JSON, with `le`/`quantile` values and sample values in one
/// canonical float form so the text (`le="1"`) and OpenMetrics (`le="1.0"`) spellings compare equal.
fn parsed(json: &serde_json::Value) -> (BTreeSet<(String, String, String)>, BTreeSet<Sample>) {
    let mut families = BTreeSet::new();
    let mut samples = BTreeSet::new();
    let fams = json["families"].as_array().expect("families array");
    for f in fams {
        let fname = f["name"].as_str().unwrap_or_default().to_string();
        families.insert((
            fname,
            f["type"].as_str().unwrap_or_default().into(),
            f["help"].as_str().unwrap_or_default().into(),
        ));
        for smp in f["samples"].as_array().expect("samples array") {
            let mut labels: Vec<(String, String)> = smp["labels"]
                .as_object()
                .expect("labels object")
                .iter()
                .map(|(k, v)| {
                    let v = v.as_str().unwrap_or_default();
                    let v = if k == "le" || k == "quantile" {
                        match v {
                            "+Inf" => "inf".to_string(),
                            other => canonical(other.parse::<f64>().expect("numeric le/quantile")),
                        }
                    } else {
                        v.to_string()
                    };
                    (k.clone(), v)
                })
                .collect();
            labels.sort();
            let value = match &smp["value"] {
                serde_json::Value::Number(n) => canonical(n.as_f64().expect("number")),
                other => other.as_str().unwrap_or_default().to_string(),
            };
            samples.insert((smp["name"].as_str().unwrap_or_default().to_string(), labels, value));
        }
    }
    (families, samples)
}

fn normalize_expected(samples: BTreeSet<Sample>) -> BTreeSet<Sample> {
    samples
        .into_iter()
        .map(|(n, labels, v)| {
            let labels = labels
                .into_iter()
                .map(|(k, v)| {
                    if (k == "le" || k == "quantile") && v != "inf" {
                        let f = v.parse::<f64>().expect("numeric");
                        (k, canonical(f))
                    } else {
                        (k, v)
                    }
                })
                .collect();
            (n, labels, v)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// HTTP

async fn scrape(addr: SocketAddr, accept: &str) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect to the exporter");
    let req =
        format!("GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: {accept}\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.expect("send request");
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.expect("read response");
    let text = String::from_utf8(buf).expect("UTF-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("HTTP response with a body");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let content_type = head
        .lines()
        .find_map(|l| {
            l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.trim())
        })
        .unwrap_or_default()
        .to_string();
    (content_type, body.to_string())
}

async fn started(config: PrometheusConfig) -> PrometheusExporter {
    let mut exp = PrometheusExporter::new("prometheus/e2e", config, &Registry::new());
    exp.start().await.expect("start the prometheus exporter");
    exp
}

fn e2e_config() -> PrometheusConfig {
    PrometheusConfig {
        endpoint: "127.0.0.1:0".into(),
        enable_open_metrics: true,
        const_labels: [("region".to_string(), "eu-1".to_string())].into_iter().collect(),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn text_exposition_passes_promtool_and_python_client() {
    let mut exp = started(e2e_config()).await;
    for step in 0..3 {
        exp.export(SignalData::Metrics(batch(step)).into()).await.expect("export");
    }
    let addr = exp.local_addr().expect("bound");
    let (content_type, body) = scrape(addr, "text/plain;version=0.0.4;q=0.5,*/*;q=0.1").await;
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");

    if promtool_available() {
        let (code, report) = promtool_check(&body);
        assert_eq!(code, 0, "promtool check metrics found problems:\n{report}\n---\n{body}");
    }
    if python_client_available() {
        let (families, samples) = parsed(&python_parse("text", &body));
        assert_eq!(families, expected_families(), "\n---\n{body}");
        assert_eq!(samples, normalize_expected(expected_samples()), "\n---\n{body}");
    }
    exp.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn openmetrics_exposition_passes_python_client() {
    let mut exp = started(e2e_config()).await;
    for step in 0..3 {
        exp.export(SignalData::Metrics(batch(step)).into()).await.expect("export");
    }
    let addr = exp.local_addr().expect("bound");
    let (content_type, body) =
        scrape(addr, "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1").await;
    assert_eq!(content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assert!(body.ends_with("# EOF\n"));
    if python_client_available() {
        let (families, samples) = parsed(&python_parse("openmetrics", &body));
        assert_eq!(families, expected_families(), "\n---\n{body}");
        assert_eq!(samples, normalize_expected(expected_samples()), "\n---\n{body}");
    }
    exp.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn options_keep_the_exposition_valid() {
    // Namespace, timestamps, resource attributes on every series, no scope labels, no suffixes.
    let mut cfg = e2e_config();
    cfg.namespace = "dbintel".into();
    cfg.send_timestamps = true;
    cfg.without_scope_info = true;
    cfg.resource_to_telemetry_conversion.enabled = true;
    let mut exp = started(cfg).await;
    for step in 0..3 {
        exp.export(SignalData::Metrics(batch(step)).into()).await.expect("export");
    }
    let addr = exp.local_addr().expect("bound");
    let (_, text) = scrape(addr, "text/plain").await;
    let (_, om) = scrape(addr, "application/openmetrics-text").await;
    assert!(
        text.contains(
            "dbintel_postgresql_commits_total{db_namespace=\"orders\",db_system_name=\"postgresql\","
        )
    );
    if promtool_available() {
        let (code, report) = promtool_check(&text);
        assert_eq!(code, 0, "promtool check metrics found problems:\n{report}\n---\n{text}");
    }
    if python_client_available() {
        let (_, samples) = parsed(&python_parse("text", &text));
        assert!(samples.iter().any(|(n, l, _)| n == "dbintel_postgresql_commits_total"
            && l.contains(&("server_port".to_string(), "5432".to_string()))));
        let (families, _) = parsed(&python_parse("openmetrics", &om));
        assert!(families.iter().any(|(n, t, _)| n == "dbintel_postgresql_commits" && t == "counter"));
    }
    exp.shutdown().await.expect("shutdown");

    let mut cfg = e2e_config();
    cfg.add_metric_suffixes = Some(false);
    let mut exp = started(cfg).await;
    exp.export(SignalData::Metrics(batch(0)).into()).await.expect("export");
    let addr = exp.local_addr().expect("bound");
    let (_, om) = scrape(addr, "application/openmetrics-text").await;
    if python_client_available() {
        let (families, _) = parsed(&python_parse("openmetrics", &om));
        assert!(families.iter().any(|(n, t, _)| n == "postgresql_db_size" && t == "gauge"), "{om}");
    }
    exp.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn milliseconds_only_trigger_promtools_base_unit_lint() {
    // Contrib names `ms` metrics `_milliseconds`; promtool's linter prefers base units and says so
    // (exit code 3, lint) but the exposition parses (exit code 1 would be a parse error).
    let mut exp = started(e2e_config()).await;
    let m = Metrics {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![scope_metrics(
                "dbintel/postgresql",
                vec![metric(
                    "postgresql.query.total_exec_time",
                    "Total execution time.",
                    "ms",
                    MetricData::Sum {
                        points: vec![num(Attributes::new(), T0, T0 + S, NumberValue::Double(12.5))],
                        temporality: Temporality::Cumulative,
                        monotonic: true,
                    },
                )],
            )],
            ..Default::default()
        }],
    };
    exp.export(SignalData::Metrics(m).into()).await.expect("export");
    let (_, body) = scrape(exp.local_addr().expect("bound"), "text/plain").await;
    assert!(body.contains("postgresql_query_exec_time_milliseconds_total{"), "{body}");
    if promtool_available() {
        let (code, report) = promtool_check(&body);
        assert_eq!(code, 3, "expected only lint findings:\n{report}");
        for line in report.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                line.contains("use base unit \"seconds\" instead of \"milliseconds\""),
                "unexpected: {line}"
            );
        }
    }
    exp.shutdown().await.expect("shutdown");
}

/// Self-telemetry goes through the exporter's renderer (`dbintel_otlp::prometheus`): the same
/// checks hold for it. Counters gain `_total`, histograms keep their cumulative buckets, help and
/// label values with quotes, backslashes and newlines are escaped.
#[tokio::test]
async fn self_telemetry_exposition_passes_promtool_and_python_client() {
    use dbintel_core::telemetry::DURATION_BUCKETS;

    let registry = Registry::new();
    dbintel_extensions::process_metrics::register(&registry);
    // The prometheus exporter's own instruments, as they register in a real run.
    let mut exp = PrometheusExporter::new("prometheus/self", e2e_config(), &registry);
    exp.start().await.expect("start the prometheus exporter");
    exp.export(SignalData::Metrics(batch(0)).into()).await.expect("export");
    let tricky_id = "sqlquery/\"a\\b\"\nnaïve ✓";
    registry
        .counter("otelcol_receiver_accepted_metric_points", HELP_WITH_ESCAPES, &[("receiver", tricky_id)])
        .add(7);
    registry.counter("dbintel_exporter_retries_total", "Retries.", &[("exporter", "otlp")]).add(2);
    registry.gauge("otelcol_exporter_queue_size", "Queue size.", &[("exporter", "otlp")]).set(-3);
    let h = registry.histogram(
        "dbintel_scrape_duration_seconds",
        "Scrape time.",
        "s",
        &[("receiver", "postgresql")],
        DURATION_BUCKETS,
    );
    for v in [0.0005, 0.02, 0.7, 90.0] {
        h.record(v);
    }

    let body = dbintel_extensions::telemetry_server::render(&registry.snapshot());
    exp.shutdown().await.expect("shutdown");
    if promtool_available() {
        let (code, report) = promtool_check(&body);
        assert_eq!(code, 0, "promtool check metrics found problems:\n{report}\n---\n{body}");
    }
    if !python_client_available() {
        return;
    }
    let (families, samples) = parsed(&python_parse("text", &body));
    let family = |name: &str, kind: &str, help: &str| (name.to_string(), kind.to_string(), help.to_string());
    for f in [
        family("otelcol_receiver_accepted_metric_points", "counter", HELP_WITH_ESCAPES),
        family("dbintel_exporter_retries", "counter", "Retries."),
        family("otelcol_exporter_queue_size", "gauge", "Queue size."),
        family("dbintel_scrape_duration_seconds", "histogram", "Scrape time."),
        family(
            "dbintel_prometheus_series",
            "gauge",
            "Series held by the prometheus exporter (target_info included).",
        ),
    ] {
        assert!(families.contains(&f), "{f:?} missing from {families:?}\n---\n{body}");
    }
    let sample = |name: &str, labels: &[(&str, &str)], value: f64| {
        let mut labels: Vec<(String, String)> =
            labels.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        labels.sort();
        (name.to_string(), labels, canonical(value))
    };
    let hist = "dbintel_scrape_duration_seconds";
    let pg = ("receiver", "postgresql");
    for s in [
        sample("otelcol_receiver_accepted_metric_points_total", &[("receiver", tricky_id)], 7.0),
        sample("dbintel_exporter_retries_total", &[("exporter", "otlp")], 2.0),
        sample("otelcol_exporter_queue_size", &[("exporter", "otlp")], -3.0),
        sample(&format!("{hist}_bucket"), &[pg, ("le", &canonical(0.001))], 1.0),
        sample(&format!("{hist}_bucket"), &[pg, ("le", &canonical(0.025))], 2.0),
        sample(&format!("{hist}_bucket"), &[pg, ("le", &canonical(60.0))], 3.0),
        sample(&format!("{hist}_bucket"), &[pg, ("le", "inf")], 4.0),
        sample(&format!("{hist}_count"), &[pg], 4.0),
    ] {
        assert!(samples.contains(&s), "{s:?} missing\n---\n{body}");
    }
    let buckets = samples.iter().filter(|(n, _, _)| n == &format!("{hist}_bucket")).count();
    assert_eq!(buckets, DURATION_BUCKETS.len() + 1, "{body}");
    assert!(samples.iter().any(|(n, _, _)| n == "otelcol_process_memory_rss_bytes"), "{body}");
}
