use std::path::PathBuf;
use std::time::{Duration, Instant};

use dbintel_core::pdata::{
    Attributes, HistogramDataPoint, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, QuantileValue,
    Resource, ResourceMetrics, Scope, ScopeMetrics, SummaryDataPoint, Temporality,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Exporter, Factory, SignalData};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;

const S: u64 = 1_000_000_000;
const T0: u64 = 1_767_225_600 * S; // 2026-01-01T00:00:00Z

fn num(attrs: &[(&'static str, &str)], start: u64, time: u64, value: NumberValue) -> NumberDataPoint {
    NumberDataPoint {
        attributes: attrs.iter().map(|(k, v)| (*k, *v)).collect(),
        start_time_unix_nano: start,
        time_unix_nano: time,
        value,
        flags: 0,
    }
}

fn metric(name: &str, description: &str, unit: &str, data: MetricData) -> Metric {
    Metric { name: name.into(), description: description.into(), unit: unit.into(), data }
}

/// A batch covering every kind, suffix rule and escaping case.
fn sample(step: u64) -> Metrics {
    let t = T0 + step * 10 * S;
    let resource: Attributes = [
        ("service.name", "postgresql"),
        ("service.instance.id", "db1.example:5432"),
        ("db.system.name", "postgresql"),
        ("host.name", "db1"),
    ]
    .into_iter()
    .collect();
    let metrics = vec![
        metric(
            "postgresql.backends",
            "The number of backends.",
            "1",
            MetricData::Gauge(vec![num(&[("db.namespace", "orders")], 0, t, NumberValue::Int(7))]),
        ),
        metric(
            "postgresql.commits",
            "The number of commits.",
            "{commit}",
            MetricData::Sum {
                points: vec![
                    num(&[("db.namespace", "orders")], T0, t, NumberValue::Int(100 + step as i64)),
                    num(&[("db.namespace", "users")], T0, t, NumberValue::Int(5)),
                ],
                temporality: Temporality::Cumulative,
                monotonic: true,
            },
        ),
        metric(
            "db.server.query.calls",
            "Calls per query, \"delta\" made cumulative.\nSecond line \\ backslash.",
            "{call}",
            MetricData::Sum {
                points: vec![num(
                    &[("db.query.summary", "SELECT \"orders\" WHERE a = '\\n'"), ("2nd.key", "x")],
                    T0 + step * 10 * S,
                    t + 10 * S,
                    NumberValue::Int(3),
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
                points: vec![num(&[("db.namespace", "orders")], T0, t, NumberValue::Double(1.5e9))],
                temporality: Temporality::Cumulative,
                monotonic: false,
            },
        ),
        metric(
            "postgresql.cache.hit",
            "Cache hit ratio.",
            "1",
            MetricData::Gauge(vec![num(&[], 0, t, NumberValue::Double(0.25))]),
        ),
        metric(
            "db.delta.updown",
            "Dropped: delta non-monotonic.",
            "1",
            MetricData::Sum {
                points: vec![num(&[], T0, t, NumberValue::Int(1))],
                temporality: Temporality::Delta,
                monotonic: false,
            },
        ),
        metric(
            "db.client.operation.duration",
            "Duration of operations.",
            "s",
            MetricData::Histogram {
                points: vec![HistogramDataPoint {
                    attributes: [("db.operation.name", "SELECT")].into_iter().collect(),
                    start_time_unix_nano: T0 + step * 10 * S,
                    time_unix_nano: t + 10 * S,
                    count: 6,
                    sum: Some(2.5),
                    bucket_counts: vec![1, 2, 3, 0],
                    explicit_bounds: vec![0.005, 0.1, 1.0],
                    ..Default::default()
                }],
                temporality: Temporality::Delta,
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
                count: 10,
                sum: 4.0,
                quantile_values: vec![
                    QuantileValue { quantile: 0.99, value: 1.2 },
                    QuantileValue { quantile: 0.5, value: 0.3 },
                ],
                flags: 0,
            }]),
        ),
    ];
    Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: resource },
            scope_metrics: vec![ScopeMetrics {
                scope: Scope {
                    name: "dbintel/postgresql".into(),
                    version: "0.1.0".into(),
                    ..Default::default()
                },
                metrics,
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    }
}

fn config() -> PrometheusConfig {
    PrometheusConfig {
        endpoint: "127.0.0.1:0".into(),
        const_labels: [("env".to_string(), "test".to_string())].into_iter().collect(),
        enable_open_metrics: true,
        ..Default::default()
    }
}

fn accumulated(cfg: &PrometheusConfig) -> Accumulator {
    let stats = Stats::new(&Registry::new(), "prometheus");
    let mut acc =
        Accumulator::new(cfg.translate_options(), cfg.max_series, cfg.metric_expiration.get(), stats);
    let now = Instant::now();
    acc.accumulate(&sample(0), now);
    acc.accumulate(&sample(1), now);
    acc
}

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/prometheus/testdata").join(name)
}

#[test]
fn renders_text_format_golden() {
    let acc = accumulated(&config());
    let out = render::render(&acc, Format::Text, RenderOptions::default());
    dbintel_test_support::assert_golden(&golden("sample.prom"), &out);
    assert_eq!(acc.stats().dropped(DropReason::DeltaNonMonotonic), 2);
}

#[test]
fn renders_openmetrics_golden() {
    let acc = accumulated(&config());
    let out = render::render(&acc, Format::OpenMetrics, RenderOptions::default());
    dbintel_test_support::assert_golden(&golden("sample.openmetrics"), &out);
    assert!(out.ends_with("# EOF\n"));
}

#[test]
fn renders_timestamps_and_options_golden() {
    let cfg = PrometheusConfig {
        namespace: "dbi".into(),
        without_scope_info: true,
        send_timestamps: true,
        resource_to_telemetry_conversion: ResourceToTelemetryConfig {
            enabled: true,
            exclude_service_attributes: true,
        },
        ..config()
    };
    let acc = accumulated(&cfg);
    let text = render::render(&acc, Format::Text, RenderOptions { send_timestamps: true });
    dbintel_test_support::assert_golden(&golden("options.prom"), &text);
    let om = render::render(&acc, Format::OpenMetrics, RenderOptions { send_timestamps: true });
    dbintel_test_support::assert_golden(&golden("options.openmetrics"), &om);
}

#[test]
fn without_suffixes_strategy() {
    let cfg = PrometheusConfig { add_metric_suffixes: Some(false), without_scope_info: true, ..config() };
    let acc = accumulated(&cfg);
    let out = render::render(&acc, Format::Text, RenderOptions::default());
    assert!(out.contains("# TYPE postgresql_commits counter\n"), "{out}");
    assert!(out.contains("# TYPE postgresql_db_size gauge\n"), "{out}");
    let om = render::render(&acc, Format::OpenMetrics, RenderOptions::default());
    assert!(om.contains("postgresql_commits_total{"), "{om}");
}

fn single(name: &str, data: MetricData) -> Metrics {
    Metrics {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![metric(name, "h", "", data)],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

#[test]
fn clashing_and_conflicting_families_are_skipped() {
    let stats = Stats::new(&Registry::new(), "prometheus");
    let opts = accumulator::TranslateOptions { without_scope_info: true, ..Default::default() };
    let mut acc = Accumulator::new(opts, 100, Duration::from_secs(60), stats);
    let now = Instant::now();
    let h = HistogramDataPoint { count: 1, sum: Some(1.0), time_unix_nano: 1, ..Default::default() };
    acc.accumulate(
        &single("foo", MetricData::Histogram { points: vec![h], temporality: Temporality::Cumulative }),
        now,
    );
    acc.accumulate(&single("foo.count", MetricData::Gauge(vec![num(&[], 0, 1, NumberValue::Int(1))])), now);
    // Same name `bar`, other type: the gauge comes first in label order, the histogram is skipped.
    acc.accumulate(
        &single("bar", MetricData::Gauge(vec![num(&[("a", "1")], 0, 1, NumberValue::Int(1))])),
        now,
    );
    let h2 = HistogramDataPoint {
        count: 1,
        sum: Some(1.0),
        time_unix_nano: 1,
        attributes: [("b", "2")].into_iter().collect(),
        ..Default::default()
    };
    acc.accumulate(
        &single("bar", MetricData::Histogram { points: vec![h2], temporality: Temporality::Cumulative }),
        now,
    );
    let out = render::render(&acc, Format::Text, RenderOptions::default());
    assert!(!out.contains("# TYPE foo_count"), "{out}");
    assert!(out.contains("foo_count 1\n"), "the histogram's own _count stays: {out}");
    assert!(!out.contains("bar_bucket"), "{out}");
    assert_eq!(acc.stats().dropped(DropReason::NameConflict), 1);
    assert_eq!(acc.stats().dropped(DropReason::TypeConflict), 1);
}

#[test]
fn openmetrics_skips_what_it_cannot_carry() {
    let stats = Stats::new(&Registry::new(), "prometheus");
    let opts = accumulator::TranslateOptions { without_scope_info: true, ..Default::default() };
    let mut acc = Accumulator::new(opts, 100, Duration::from_secs(60), stats);
    let now = Instant::now();
    acc.accumulate(
        &single(
            "neg",
            MetricData::Sum {
                points: vec![num(&[], 0, 1, NumberValue::Int(-1))],
                temporality: Temporality::Cumulative,
                monotonic: true,
            },
        ),
        now,
    );
    let h = HistogramDataPoint {
        count: 1,
        sum: Some(-3.0),
        bucket_counts: vec![1, 0],
        explicit_bounds: vec![-1.0],
        time_unix_nano: 1,
        ..Default::default()
    };
    acc.accumulate(
        &single("hneg", MetricData::Histogram { points: vec![h], temporality: Temporality::Cumulative }),
        now,
    );
    let om = render::render(&acc, Format::OpenMetrics, RenderOptions::default());
    assert!(!om.contains("neg_total"), "{om}");
    assert!(om.contains("hneg_bucket{le=\"-1.0\"} 1\n"), "{om}");
    assert!(!om.contains("hneg_sum"), "{om}");
    assert_eq!(acc.stats().dropped(DropReason::InvalidForOpenMetrics), 1);
    let text = render::render(&acc, Format::Text, RenderOptions::default());
    assert!(text.contains("neg_total -1\n"), "{text}");
    assert!(text.contains("hneg_sum -3\n"), "{text}");
}

#[test]
fn config_defaults_and_problems() {
    let f = PrometheusExporterFactory;
    assert!(f.validate(&serde_json::json!({"endpoint": "localhost:8889"})).is_ok());
    assert!(f.validate(&serde_json::json!({"endpoint": ":8889"})).is_ok());
    assert!(f.validate(&serde_json::json!({"endpoint": "[::1]:8889"})).is_ok());
    let cfg: PrometheusConfig =
        dbintel_core::parse_component_config(&serde_json::json!({"endpoint": "0.0.0.0:8889"})).unwrap();
    assert_eq!(cfg.metric_expiration.get(), Duration::from_secs(300));
    assert_eq!(cfg.max_series, 100_000);
    assert!(!cfg.enable_open_metrics);
    assert_eq!(cfg.strategy(), naming::TranslationStrategy::UnderscoreEscapingWithSuffixes);

    // No endpoint: the conventional port on loopback.
    f.validate(&serde_json::Value::Null).unwrap();
    let cfg: PrometheusConfig = dbintel_core::parse_component_config(&serde_json::Value::Null).unwrap();
    assert_eq!(config::bind_address(&cfg.endpoint).unwrap(), "127.0.0.1:8889");
    let problems = f.validate(&serde_json::json!({"endpoint": " "})).unwrap_err();
    assert_eq!(problems[0].path, "endpoint");
    let problems = f
        .validate(&serde_json::json!({
            "endpoint": "nope",
            "const_labels": {"bad.key": "x", "__x": "y", "ok": "z"},
            "metric_expiration": "0s",
            "translation_strategy": "NoTranslation",
        }))
        .unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["endpoint", "const_labels.__x", "metric_expiration", "translation_strategy"]);
    // The contrib exporter's testdata has `"another label"`: it loads, written escaped, with a warning.
    let spaced =
        serde_json::json!({"const_labels": {"another label": "spaced value", "bad.key": "x", "ok": "z"}});
    f.validate(&spaced).unwrap();
    let warned: Vec<String> =
        f.warnings(&spaced).into_iter().map(|p| format!("{}: {}", p.path, p.message)).collect();
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert!(
        warned[0].starts_with("const_labels.another label") && warned[0].contains("`another_label`"),
        "{warned:?}"
    );
    assert!(warned[1].contains("`bad_key`"), "{warned:?}");
    let cfg: PrometheusConfig = dbintel_core::parse_component_config(&spaced).unwrap();
    let names: Vec<String> = cfg.translate_options().const_labels.into_iter().map(|(k, _)| k).collect();
    assert_eq!(names, ["another_label", "bad_key", "ok"]);
    let unknown = f.validate(&serde_json::json!({"endpoint": ":1", "tls_settings": {}})).unwrap_err();
    assert!(unknown[0].to_string().contains("tls_settings"), "{}", unknown[0]);
    // `tls` without a certificate or key names both.
    let tls = f.validate(&serde_json::json!({"endpoint": ":1", "tls": {"ca_file": "/x"}})).unwrap_err();
    let paths: Vec<&str> = tls.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["tls.cert_file", "tls.key_file"]);
    let expiration =
        f.validate(&serde_json::json!({"endpoint": ":1", "metric_expiration": "soon"})).unwrap_err();
    assert!(expiration[0].path.contains("metric_expiration"), "{}", expiration[0]);
}

#[test]
fn factory_declares_metrics_only() {
    let info = PrometheusExporterFactory.info();
    assert_eq!(info.type_name, "prometheus");
    assert_eq!(info.signals, &[dbintel_core::Signal::Metrics]);
}

async fn http_get(addr: std::net::SocketAddr, path: &str, accept: &str) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8(buf).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.to_string(), body.to_string())
}

#[tokio::test]
async fn serves_negotiated_formats_and_stops() {
    let registry = Registry::new();
    let mut exp = PrometheusExporter::new("prometheus/test", config(), &registry);
    exp.start().await.unwrap();
    let addr = exp.local_addr().unwrap();
    exp.export(SignalData::Metrics(sample(0)).into()).await.unwrap();

    let (head, body) = http_get(addr, "/metrics", "text/plain").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: text/plain; version=0.0.4"), "{head}");
    assert!(body.contains("# TYPE postgresql_commits_total counter\n"), "{body}");

    let (head, body) =
        http_get(addr, "/metrics", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5").await;
    assert!(head.to_ascii_lowercase().contains("content-type: application/openmetrics-text"), "{head}");
    assert!(body.contains("# TYPE postgresql_commits counter\n"), "{body}");
    assert!(body.ends_with("# EOF\n"));

    let (head, _) = http_get(addr, "/other", "*/*").await;
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");

    // Self-telemetry.
    let snap = registry.snapshot();
    let series = snap.iter().find(|f| f.name == "dbintel_prometheus_series").unwrap();
    assert!(matches!(series.samples[0].value, dbintel_core::telemetry::SampleValue::Gauge(v) if v > 5.0));

    exp.shutdown().await.unwrap();
    assert_released(addr).await;
}

/// The exporter's port is closed after shutdown. Other tests of this binary bind port 0 in parallel and
/// may be handed the freed port at once, so a connection that succeeds must at least not be answered
/// by this exporter.
async fn assert_released(addr: std::net::SocketAddr) {
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        return;
    };
    let req = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let mut answer = Vec::new();
    let read = async {
        stream.write_all(req.as_bytes()).await?;
        stream.read_to_end(&mut answer).await
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), read).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(!answer.contains("postgresql_commits"), "the port is still served after shutdown: {answer}");
}

#[tokio::test]
async fn openmetrics_is_off_unless_enabled() {
    let cfg = PrometheusConfig { enable_open_metrics: false, ..config() };
    let mut exp = PrometheusExporter::new("prometheus", cfg, &Registry::new());
    exp.start().await.unwrap();
    let addr = exp.local_addr().unwrap();
    let (head, body) = http_get(addr, "/metrics", "application/openmetrics-text;version=1.0.0").await;
    assert!(head.to_ascii_lowercase().contains("content-type: text/plain; version=0.0.4"), "{head}");
    assert!(!body.contains("# EOF"));
    exp.shutdown().await.unwrap();
}

#[tokio::test]
async fn busy_port_is_a_startup_error_naming_the_key() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = taken.local_addr().unwrap().port();
    let cfg = PrometheusConfig { endpoint: format!("localhost:{port}"), ..config() };
    let mut exp = PrometheusExporter::new("prometheus/dba", cfg, &Registry::new());
    let err = exp.start().await.unwrap_err().to_string();
    assert!(err.contains("exporters.prometheus/dba.endpoint"), "{err}");
    assert!(err.contains(&format!("localhost:{port}")), "{err}");
    // Shutdown without a server is fine.
    exp.shutdown().await.unwrap();
}

/// `tls` (the contrib exporter's testdata `prometheus/2` has one): `/metrics` over HTTPS, scraped
/// by curl trusting the test CA; with `client_ca_file`, a scraper without a certificate is turned
/// away and one with a certificate of that CA is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_and_mutual_tls_to_curl() {
    let dir = tempfile::tempdir().unwrap();
    let certs = dbintel_test_support::TestCertificates::for_server(dir.path(), &["127.0.0.1"]).unwrap();
    let tls = |client_ca: bool| dbintel_extensions::http_server::ServerTlsConfig {
        cert_file: Some(certs.server_cert.clone()),
        key_file: Some(certs.server_key.clone()),
        client_ca_file: client_ca.then(|| certs.ca_file.clone()),
        ..Default::default()
    };
    let curl = |addr: std::net::SocketAddr, client: bool| {
        let mut cmd = std::process::Command::new("curl");
        cmd.args(["-sS", "--max-time", "10", "--cacert"]).arg(&certs.ca_file);
        if client {
            cmd.arg("--cert").arg(&certs.client_cert).arg("--key").arg(&certs.client_key);
        }
        cmd.arg(format!("https://127.0.0.1:{}/metrics", addr.port()));
        async move { tokio::task::spawn_blocking(move || cmd.output().expect("curl runs")).await.unwrap() }
    };
    for client_ca in [false, true] {
        let cfg = PrometheusConfig { tls: Some(tls(client_ca)), ..config() };
        let mut exp = PrometheusExporter::new("prometheus/tls", cfg, &Registry::new());
        exp.start().await.unwrap();
        let addr = exp.local_addr().unwrap();
        exp.export(SignalData::Metrics(sample(0)).into()).await.unwrap();
        let out = curl(addr, client_ca).await;
        let body = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "curl: {}", String::from_utf8_lossy(&out.stderr));
        assert!(body.contains("# TYPE postgresql_commits_total counter\n"), "{body}");
        // Plain HTTP on the TLS port gets no exposition.
        let plain = tokio::time::timeout(Duration::from_secs(5), async {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf).await;
            buf
        })
        .await
        .expect("the server ends a plain-text connection");
        assert!(
            !String::from_utf8_lossy(&plain).contains("postgresql_commits"),
            "no exposition over plain HTTP"
        );
        if client_ca {
            let out = curl(addr, false).await;
            assert!(!out.status.success(), "a scraper without a client certificate is refused");
        }
        exp.shutdown().await.unwrap();
    }
    // A certificate file that cannot be read is a startup error naming the key.
    let cfg = PrometheusConfig {
        tls: Some(dbintel_extensions::http_server::ServerTlsConfig {
            cert_file: Some(dir.path().join("missing.pem")),
            key_file: Some(certs.server_key.clone()),
            ..Default::default()
        }),
        ..config()
    };
    let mut exp = PrometheusExporter::new("prometheus/badtls", cfg, &Registry::new());
    let err = exp.start().await.unwrap_err().to_string();
    assert!(err.contains("exporters.prometheus/badtls.tls") && err.contains("missing.pem"), "{err}");
}
