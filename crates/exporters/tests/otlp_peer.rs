//! `otlp` and `otlphttp` against an independent OTLP receiver: tests/otlp_receiver.py, built on the
//! official `opentelemetry-proto` Python package + grpcio + http.server (pip: opentelemetry-proto
//! grpcio zstandard). The receiver re-encodes what it decoded; the test decodes that with prost and
//! compares it with what was exported. Without Python or those packages the tests are skipped,
//! unless CI=true, where they fail with the reason.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, CreateContext, Exporter, Factory, SignalData};
use dbintel_exporters::{OtlpGrpcExporterFactory, OtlpHttpExporterFactory};
use dbintel_otlp::fixtures::{large_metrics, sample_logs, sample_metrics};
use dbintel_otlp::opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use dbintel_otlp::{to_proto_logs, to_proto_metrics};
use prost::Message;
use serde_json::{Value, json};

struct Peer {
    child: Child,
    grpc_port: u16,
    http_port: u16,
    out: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Peer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Default)]
struct PeerOpts<'a> {
    tls: Option<&'a Certs>,
    mtls: bool,
    partial: u32,
    /// Also serve gRPC on this Unix domain socket.
    grpc_unix: Option<&'a Path>,
}

fn skip_or_fail(reason: &str) -> Option<Peer> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "the OTLP test receiver is unavailable: {reason}. Install python3 and `pip install opentelemetry-proto \
             grpcio zstandard`."
        );
    }
    eprintln!("SKIPPED: the OTLP test receiver is unavailable: {reason}");
    None
}

fn start_peer(opts: &PeerOpts<'_>) -> Option<Peer> {
    let dir = tempfile::tempdir().ok()?;
    let out = dir.path().join("received.jsonl");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/otlp_receiver.py");
    let mut cmd = Command::new("python3");
    cmd.arg(&script).arg("--out").arg(&out).arg("--partial").arg(opts.partial.to_string());
    if let Some(path) = opts.grpc_unix {
        cmd.arg("--grpc-unix").arg(path);
    }
    if let Some(c) = &opts.tls {
        cmd.arg("--cert").arg(&c.server_cert).arg("--key").arg(&c.server_key);
        if opts.mtls {
            cmd.arg("--client-ca").arg(&c.ca);
        }
    }
    let mut child = match cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => return skip_or_fail(&format!("cannot run python3: {e}")),
    };
    let stdout = child.stdout.take()?;
    let mut line = String::new();
    let _ = BufReader::new(stdout).read_line(&mut line);
    let parts: Vec<&str> = line.split_whitespace().collect();
    if parts.first() != Some(&"READY") {
        let _ = child.kill();
        let mut err = String::new();
        if let Some(e) = child.stderr.take() {
            let _ = BufReader::new(e).read_line(&mut err);
            let _ = std::io::Read::read_to_string(&mut BufReader::new(std::io::empty()), &mut String::new());
        }
        let _ = child.wait();
        return skip_or_fail(&format!("the receiver did not start: {}", err.trim()));
    }
    let grpc_port = parts.get(1)?.parse().ok()?;
    let http_port = parts.get(2)?.parse().ok()?;
    Some(Peer { child, grpc_port, http_port, out, _dir: dir })
}

fn received(peer: &Peer) -> Vec<Value> {
    let text = std::fs::read_to_string(&peer.out).unwrap_or_default();
    text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

fn raw(v: &Value) -> Vec<u8> {
    hex_decode(v["raw"].as_str().unwrap_or_default())
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len() / 2).filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()).collect()
}

async fn exporter(factory: &dyn Factory, config: Value, registry: &Registry) -> Box<dyn Exporter> {
    let id: ComponentId = "otlp/test".parse().expect("id");
    let ctx = CreateContext::new(id, registry.clone());
    if let Err(p) = factory.validate(&config) {
        panic!("invalid config {config}: {p:?}");
    }
    let Built::Exporter(mut e) = factory.create(&ctx, &config).expect("create") else {
        panic!("not an exporter")
    };
    e.start().await.expect("start");
    e
}

/// Exports the sample metrics and logs and checks the receiver got exactly them.
async fn roundtrip(
    factory: &dyn Factory,
    mut config: Value,
    peer: &Peer,
    expect_header: Option<(&str, &str)>,
) {
    config["sending_queue"] = json!({"enabled": false});
    config["retry_on_failure"] = json!({"enabled": false});
    let registry = Registry::new();
    let mut e = exporter(factory, config.clone(), &registry).await;
    let sample = sample_metrics();
    e.export(SignalData::Metrics(sample.clone()).into()).await.expect("export metrics");
    e.export(SignalData::Logs(sample_logs()).into()).await.expect("export logs");
    e.shutdown().await.expect("shutdown");
    let got = received(peer);
    assert_eq!(got.len(), 2, "config {config}: expected 2 requests, got {}", got.len());
    let m = ExportMetricsServiceRequest::decode(raw(&got[0]).as_slice()).expect("decode metrics");
    // Compared as encodings: the sample holds NaN, which is not equal to itself.
    if m.encode_to_vec() != to_proto_metrics(&sample).encode_to_vec() {
        let dir = std::env::temp_dir().join("dbintel-otlp-diff");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("got.txt"), format!("{m:#?}"));
        let _ = std::fs::write(dir.join("want.txt"), format!("{:#?}", to_proto_metrics(&sample)));
        panic!("config {config}: metrics differ (see {})", dir.display());
    }
    let l = ExportLogsServiceRequest::decode(raw(&got[1]).as_slice()).expect("decode logs");
    if l.encode_to_vec() != to_proto_logs(&sample_logs()).encode_to_vec() {
        let dir = std::env::temp_dir().join("dbintel-otlp-diff");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("got-logs.txt"), format!("{l:#?}"));
        let _ = std::fs::write(dir.join("want-logs.txt"), format!("{:#?}", to_proto_logs(&sample_logs())));
        panic!("config {config}: logs differ (see {})", dir.display());
    }
    if let Some((k, v)) = expect_header {
        assert_eq!(got[0]["headers"][k], v, "header {k} not received");
    }
    let compression = config["compression"].as_str().unwrap_or("gzip");
    let label_ok = |s: &str| s.contains("dbintel_exporter_bytes_sent_total");
    let bytes: u64 = registry
        .snapshot()
        .iter()
        .filter(|f| label_ok(&f.name))
        .flat_map(|f| &f.samples)
        .filter(|s| s.labels.iter().any(|(k, v)| k == "compression" && v == compression))
        .map(|s| match s.value {
            dbintel_core::telemetry::SampleValue::Counter(c) => c,
            _ => 0,
        })
        .sum();
    assert!(bytes > 0, "bytes on the wire not counted for {config}");
    for r in got.iter().filter(|r| r["transport"] == "http") {
        let expected_enc = match (r["transport"].as_str(), compression) {
            (_, "none") => "identity",
            (_, c) => c,
        };
        assert_eq!(r["compression"], expected_enc, "compression seen by the receiver");
    }
}

#[tokio::test]
async fn otlp_grpc_roundtrip_each_compression() {
    for compression in ["none", "gzip"] {
        let Some(peer) = start_peer(&PeerOpts::default()) else { return };
        let cfg = json!({"endpoint": format!("http://127.0.0.1:{}", peer.grpc_port), "compression": compression,
                         "headers": {"api-key": "secret-license"}});
        roundtrip(&OtlpGrpcExporterFactory, cfg, &peer, Some(("api-key", "secret-license"))).await;
    }
}

#[tokio::test]
async fn otlp_grpc_insecure_flag_with_bare_host_port() {
    let Some(peer) = start_peer(&PeerOpts::default()) else { return };
    let cfg = json!({"endpoint": format!("127.0.0.1:{}", peer.grpc_port), "tls": {"insecure": true}});
    roundtrip(&OtlpGrpcExporterFactory, cfg, &peer, None).await;
}

/// gRPC name syntax: `dns:///host:port` (system resolver) and `unix:///path` (Unix domain socket).
#[tokio::test]
async fn otlp_grpc_dns_and_unix_endpoints() {
    let Some(peer) = start_peer(&PeerOpts::default()) else { return };
    let cfg = json!({"endpoint": format!("dns:///127.0.0.1:{}", peer.grpc_port), "tls": {"insecure": true}});
    roundtrip(&OtlpGrpcExporterFactory, cfg, &peer, None).await;
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("otlp.sock");
    let Some(peer) = start_peer(&PeerOpts { grpc_unix: Some(&socket), ..Default::default() }) else { return };
    let cfg = json!({"endpoint": format!("unix://{}", socket.display()), "tls": {"insecure": true}});
    roundtrip(&OtlpGrpcExporterFactory, cfg, &peer, None).await;
}

#[tokio::test]
async fn otlphttp_roundtrip_each_compression_and_encoding() {
    for (compression, encoding) in [("none", "proto"), ("gzip", "proto"), ("zstd", "proto"), ("gzip", "json")]
    {
        let Some(peer) = start_peer(&PeerOpts::default()) else { return };
        let cfg = json!({"endpoint": format!("http://127.0.0.1:{}", peer.http_port), "compression": compression,
                         "encoding": encoding, "headers": {"api-key": "secret-license"}});
        roundtrip(&OtlpHttpExporterFactory, cfg, &peer, Some(("api-key", "secret-license"))).await;
        let got = received(&peer);
        assert_eq!(got[0]["encoding"], encoding);
    }
}

/// User info in the endpoint reaches the independent receiver as HTTP Basic authentication.
#[tokio::test]
async fn endpoint_user_info_is_sent_as_basic_auth() {
    for grpc in [true, false] {
        let Some(peer) = start_peer(&PeerOpts::default()) else { return };
        let port = if grpc { peer.grpc_port } else { peer.http_port };
        let cfg = json!({"endpoint": format!("http://user:s%40cret@127.0.0.1:{port}")});
        let factory: &dyn Factory = if grpc { &OtlpGrpcExporterFactory } else { &OtlpHttpExporterFactory };
        // base64("user:s@cret")
        roundtrip(factory, cfg, &peer, Some(("authorization", "Basic dXNlcjpzQGNyZXQ="))).await;
    }
}

#[tokio::test]
async fn otlphttp_signal_endpoints_override_the_base() {
    let Some(peer) = start_peer(&PeerOpts::default()) else { return };
    let base = format!("http://127.0.0.1:{}", peer.http_port);
    let cfg = json!({"endpoint": "http://127.0.0.1:9/unused", "metrics_endpoint": format!("{base}/v1/metrics"),
                     "logs_endpoint": format!("{base}/v1/logs")});
    roundtrip(&OtlpHttpExporterFactory, cfg, &peer, None).await;
}

// ---------------------------------------------------------------------------------------------
// TLS and mTLS with generated certificates

struct Certs {
    _dir: tempfile::TempDir,
    ca: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client_cert: PathBuf,
    client_key: PathBuf,
}

fn certs() -> Certs {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "dbintel test CA");
    let ca_key = KeyPair::generate().expect("key");
    let ca_cert = ca_params.self_signed(&ca_key).expect("ca");
    let issuer = Issuer::from_params(&ca_params, &ca_key);
    let leaf = |names: Vec<String>| {
        let params = CertificateParams::new(names).expect("params");
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &issuer).expect("sign");
        (cert.pem(), key.serialize_pem())
    };
    let (server_cert, server_key) = leaf(vec!["otlp.test.invalid".into(), "localhost".into()]);
    let (client_cert, client_key) = leaf(vec!["dbintel-client".into()]);
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    };
    Certs {
        ca: write("ca.pem", &ca_cert.pem()),
        server_cert: write("server.pem", &server_cert),
        server_key: write("server.key", &server_key),
        client_cert: write("client.pem", &client_cert),
        client_key: write("client.key", &client_key),
        _dir: dir,
    }
}

#[tokio::test]
async fn tls_with_ca_file_and_server_name_override() {
    let c = certs();
    let tls = json!({"ca_file": c.ca, "server_name_override": "otlp.test.invalid"});
    let Some(peer) = start_peer(&PeerOpts { tls: Some(&c), ..Default::default() }) else { return };
    // gRPC: bare host:port means TLS.
    let cfg = json!({"endpoint": format!("127.0.0.1:{}", peer.grpc_port), "tls": tls});
    roundtrip(&OtlpGrpcExporterFactory, cfg, &peer, None).await;
    std::fs::remove_file(&peer.out).ok();
    let cfg = json!({"endpoint": format!("https://127.0.0.1:{}", peer.http_port), "tls": tls});
    roundtrip(&OtlpHttpExporterFactory, cfg, &peer, None).await;
}

#[tokio::test]
async fn mtls_client_certificate() {
    let c = certs();
    let tls = json!({"ca_file": c.ca, "cert_file": c.client_cert, "key_file": c.client_key,
                     "server_name_override": "localhost"});
    let Some(peer) = start_peer(&PeerOpts { tls: Some(&c), mtls: true, ..Default::default() }) else {
        return;
    };
    let cfg = json!({"endpoint": format!("https://127.0.0.1:{}", peer.grpc_port), "tls": tls});
    roundtrip(&OtlpGrpcExporterFactory, cfg, &peer, None).await;
    std::fs::remove_file(&peer.out).ok();
    let cfg = json!({"endpoint": format!("https://127.0.0.1:{}", peer.http_port), "tls": tls});
    roundtrip(&OtlpHttpExporterFactory, cfg, &peer, None).await;
}

#[tokio::test]
async fn mtls_without_client_certificate_fails() {
    let c = certs();
    let tls = json!({"ca_file": c.ca, "server_name_override": "localhost"});
    let Some(peer) = start_peer(&PeerOpts { tls: Some(&c), mtls: true, ..Default::default() }) else {
        return;
    };
    for (factory, port, scheme) in [
        (&OtlpHttpExporterFactory as &dyn Factory, peer.http_port, "https"),
        (&OtlpGrpcExporterFactory as &dyn Factory, peer.grpc_port, "https"),
    ] {
        let cfg = json!({"endpoint": format!("{scheme}://127.0.0.1:{port}"), "tls": tls, "timeout": "3s",
                         "sending_queue": {"enabled": false}, "retry_on_failure": {"enabled": false}});
        let mut e = exporter(factory, cfg, &Registry::new()).await;
        assert!(e.export(SignalData::Metrics(sample_metrics()).into()).await.is_err());
        let _ = e.shutdown().await;
    }
    assert!(received(&peer).is_empty());
}

#[tokio::test]
async fn insecure_skip_verify_accepts_an_unknown_ca() {
    let c = certs();
    let Some(peer) = start_peer(&PeerOpts { tls: Some(&c), ..Default::default() }) else { return };
    let cfg = json!({"endpoint": format!("https://127.0.0.1:{}", peer.http_port), "tls": {"insecure_skip_verify": true}});
    roundtrip(&OtlpHttpExporterFactory, cfg, &peer, None).await;
}

// ---------------------------------------------------------------------------------------------
// Splitting, partial success, New Relic presets

#[tokio::test]
async fn large_batches_are_split_under_max_request_size() {
    let Some(peer) = start_peer(&PeerOpts::default()) else { return };
    let metrics = large_metrics(3000);
    let expected_points = metrics.data_point_count();
    for (factory, port, scheme) in [
        (&OtlpHttpExporterFactory as &dyn Factory, peer.http_port, "http"),
        (&OtlpGrpcExporterFactory as &dyn Factory, peer.grpc_port, "http"),
    ] {
        std::fs::remove_file(&peer.out).ok();
        let cfg = json!({"endpoint": format!("{scheme}://127.0.0.1:{port}"), "max_request_size": 65536,
                         "sending_queue": {"enabled": false}});
        let mut e = exporter(factory, cfg, &Registry::new()).await;
        e.export(SignalData::Metrics(metrics.clone()).into()).await.expect("export");
        e.shutdown().await.expect("shutdown");
        let got = received(&peer);
        assert!(got.len() > 1, "expected several requests, got {}", got.len());
        let mut points = 0;
        for r in &got {
            let bytes = raw(r);
            assert!(bytes.len() <= 65536, "a request of {} bytes exceeds the limit", bytes.len());
            let req = ExportMetricsServiceRequest::decode(bytes.as_slice()).expect("decode");
            points += dbintel_exporters::exporterhelper::Payload::Metrics(req).items() as usize;
        }
        assert_eq!(points, expected_points);
    }
}

#[tokio::test]
async fn partial_success_is_counted() {
    let Some(peer) = start_peer(&PeerOpts { partial: 2, ..Default::default() }) else { return };
    for (factory, port, enc) in [
        (&OtlpHttpExporterFactory as &dyn Factory, peer.http_port, Some("proto")),
        (&OtlpHttpExporterFactory as &dyn Factory, peer.http_port, Some("json")),
        (&OtlpGrpcExporterFactory as &dyn Factory, peer.grpc_port, None),
    ] {
        let mut cfg =
            json!({"endpoint": format!("http://127.0.0.1:{port}"), "sending_queue": {"enabled": false}});
        if let Some(enc) = enc {
            cfg["encoding"] = json!(enc);
        }
        let registry = Registry::new();
        let mut e = exporter(factory, cfg.clone(), &registry).await;
        e.export(SignalData::Metrics(sample_metrics()).into()).await.expect("export");
        e.shutdown().await.expect("shutdown");
        let rejected: u64 = registry
            .snapshot()
            .iter()
            .filter(|f| f.name == "dbintel_exporter_partial_success_rejected_total")
            .flat_map(|f| &f.samples)
            .map(|s| match s.value {
                dbintel_core::telemetry::SampleValue::Counter(c) => c,
                _ => 0,
            })
            .sum();
        assert_eq!(rejected, 2, "partial success not counted for {cfg}");
    }
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name)
}

/// The exporter section of an example file with `${env:NAME:-default}` expanded from `vars`.
fn example_exporter(name: &str, exporter: &str, vars: &[(&str, &str)]) -> Value {
    let text = std::fs::read_to_string(example(name)).expect("example file");
    let mut expanded = text.clone();
    while let Some(start) = expanded.find("${env:") {
        let Some(end) = expanded[start..].find('}') else { break };
        let inner = &expanded[start + 6..start + end];
        let (var, default) = inner.split_once(":-").unwrap_or((inner, ""));
        let value = vars.iter().find(|(k, _)| *k == var).map_or(default.to_string(), |(_, v)| v.to_string());
        expanded.replace_range(start..start + end + 1, &value);
    }
    let doc: Value = serde_saphyr::from_str(&expanded).expect("yaml");
    doc["exporters"][exporter].clone()
}

#[tokio::test]
async fn newrelic_presets_send_the_api_key() {
    let Some(peer) = start_peer(&PeerOpts::default()) else { return };
    for file in ["newrelic-us.yaml", "newrelic-eu.yaml"] {
        std::fs::remove_file(&peer.out).ok();
        let http = format!("http://127.0.0.1:{}", peer.http_port);
        let cfg = example_exporter(
            file,
            "otlphttp/newrelic",
            &[("NEW_RELIC_LICENSE_KEY", "nr-license-123"), ("NEW_RELIC_OTLP_ENDPOINT", &http)],
        );
        assert_eq!(cfg["temporality_preference"], "delta");
        let mut cfg = cfg;
        cfg["sending_queue"] = json!({"enabled": false});
        let mut e = exporter(&OtlpHttpExporterFactory, cfg, &Registry::new()).await;
        // Delta: the first cumulative point of a series yields nothing; the second yields the increase.
        let m1 = sample_metrics();
        let mut m2 = sample_metrics();
        bump_cumulative(&mut m2);
        e.export(SignalData::Metrics(m1).into()).await.expect("export 1");
        e.export(SignalData::Metrics(m2).into()).await.expect("export 2");
        e.shutdown().await.expect("shutdown");
        let got = received(&peer);
        assert!(!got.is_empty(), "{file}: nothing received");
        for r in &got {
            assert_eq!(r["headers"]["api-key"], "nr-license-123", "{file}: api-key header");
            assert_eq!(r["compression"], "gzip");
        }
        let req = ExportMetricsServiceRequest::decode(raw(&got[got.len() - 1]).as_slice()).expect("decode");
        let sums: Vec<_> = req
            .resource_metrics
            .iter()
            .flat_map(|r| &r.scope_metrics)
            .flat_map(|s| &s.metrics)
            .filter_map(|m| match &m.data {
                Some(dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::metric::Data::Sum(s)) => Some(s),
                _ => None,
            })
            .filter(|s| s.is_monotonic)
            .collect();
        assert!(!sums.is_empty(), "{file}: no monotonic sums");
        assert!(sums.iter().all(|s| s.aggregation_temporality == 1), "{file}: monotonic sums are not delta");
    }
}

fn bump_cumulative(m: &mut dbintel_core::pdata::Metrics) {
    use dbintel_core::pdata::{MetricData, NumberValue};
    for rm in &mut m.resource_metrics {
        for sm in &mut rm.scope_metrics {
            for metric in &mut sm.metrics {
                if let MetricData::Sum { points, .. } = &mut metric.data {
                    for p in points {
                        p.time_unix_nano += 10_000_000_000;
                        p.value = match p.value {
                            NumberValue::Int(i) => NumberValue::Int(i.saturating_add(5)),
                            NumberValue::Double(d) => NumberValue::Double(d + 5.0),
                        };
                    }
                }
            }
        }
    }
}

#[test]
fn peer_script_is_present() {
    assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/otlp_receiver.py").exists());
    let _ = std::io::stdout().flush();
}

/// One OTLP-JSON encoder: the `http/json` body otlphttp sends and the line the file exporter writes
/// are the same bytes for the same batch, and the independent receiver decodes that body to exactly
/// the exported data (NaN, infinities, bytes values and hex trace/span ids included).
#[tokio::test]
async fn otlphttp_json_body_is_the_file_exporter_line() {
    use dbintel_exporters::FileExporter;

    let Some(peer) = start_peer(&PeerOpts::default()) else { return };
    let cfg = json!({"endpoint": format!("http://127.0.0.1:{}", peer.http_port), "compression": "none",
                     "encoding": "json", "sending_queue": {"enabled": false},
                     "retry_on_failure": {"enabled": false}});
    let registry = Registry::new();
    let mut http = exporter(&OtlpHttpExporterFactory, cfg, &registry).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("out.jsonl");
    let mut file = FileExporter::new(&path, false, None);
    file.start().await.expect("start file exporter");
    let batches = [
        SignalData::Metrics(sample_metrics()),
        SignalData::Logs(sample_logs()),
        SignalData::Metrics(large_metrics(50)),
    ];
    for batch in batches {
        http.export(batch.clone().into()).await.expect("otlphttp export");
        file.export(batch.into()).await.expect("file export");
    }
    http.shutdown().await.expect("shutdown otlphttp");
    file.shutdown().await.expect("shutdown file");

    let got = received(&peer);
    assert_eq!(got.len(), 3, "one request per batch");
    let text = std::fs::read_to_string(&path).expect("read file output");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "one line per batch");
    for (request, line) in got.iter().zip(&lines) {
        assert_eq!(request["encoding"], "json");
        let body = hex_decode(request["body"].as_str().expect("the receiver records JSON bodies"));
        assert!(
            body.as_slice() == line.as_bytes(),
            "body and line differ:\n{}\n{line}",
            String::from_utf8_lossy(&body)
        );
    }
    let m = ExportMetricsServiceRequest::decode(raw(&got[0]).as_slice()).expect("decode metrics");
    assert_eq!(m.encode_to_vec(), to_proto_metrics(&sample_metrics()).encode_to_vec());
    let l = ExportLogsServiceRequest::decode(raw(&got[1]).as_slice()).expect("decode logs");
    assert_eq!(l, to_proto_logs(&sample_logs()));
}

// ---------------------------------------------------------------------------------------------
// Traces

/// Spans through OTLP/gRPC and OTLP/HTTP (protobuf and JSON) reach the official proto's receiver
/// byte-exact: the request it decoded re-encodes to ours, ids, parent ids, links, trace state,
/// status, kinds and dropped counts included; the JSON body, parsed by protobuf's own JSON parser
/// (ids read as hex as OTLP asks), gives the same message.
#[tokio::test]
async fn traces_reach_the_official_receiver_byte_exact() {
    use dbintel_otlp::fixtures::{CHILD_SPAN_ID, OTHER_TRACE_ID, ROOT_SPAN_ID, TRACE_ID, sample_traces};
    use dbintel_otlp::trace_proto::ExportTraceServiceRequest;
    use dbintel_otlp::{from_proto_traces, to_proto_traces};
    let Some(peer) = start_peer(&PeerOpts { partial: 1, ..Default::default() }) else { return };
    let cases = [
        (&OtlpGrpcExporterFactory as &dyn Factory, peer.grpc_port, None, "gzip", "grpc"),
        (&OtlpHttpExporterFactory as &dyn Factory, peer.http_port, Some("proto"), "zstd", "http"),
        (&OtlpHttpExporterFactory as &dyn Factory, peer.http_port, Some("json"), "gzip", "http"),
    ];
    let want = to_proto_traces(&sample_traces()).encode_to_vec();
    for (i, (factory, port, encoding, compression, transport)) in cases.into_iter().enumerate() {
        let mut cfg = json!({"endpoint": format!("http://127.0.0.1:{port}"), "compression": compression,
                             "sending_queue": {"enabled": false}, "retry_on_failure": {"enabled": false}});
        if let Some(enc) = encoding {
            cfg["encoding"] = json!(enc);
        }
        let registry = Registry::new();
        let mut e = exporter(factory, cfg.clone(), &registry).await;
        e.export(SignalData::Traces(sample_traces()).into()).await.expect("export traces");
        e.shutdown().await.expect("shutdown");
        let got = received(&peer);
        assert_eq!(got.len(), i + 1, "{cfg}");
        let r = &got[i];
        assert_eq!(
            (r["signal"].as_str(), r["transport"].as_str()),
            (Some("traces"), Some(transport)),
            "{cfg}"
        );
        let raw = raw(r);
        assert_eq!(raw, want, "{cfg}: the receiver's re-encoding differs from what was sent");
        let back = from_proto_traces(ExportTraceServiceRequest::decode(raw.as_slice()).expect("decode"));
        assert_eq!(back, sample_traces(), "{cfg}");
        // What the official package itself decoded (protobuf's JSON of bytes is base64).
        let b64 = |b: &[u8]| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(b)
        };
        let spans = &r["request"]["resourceSpans"][0]["scopeSpans"][0]["spans"];
        assert_eq!(spans[0]["traceId"], b64(&TRACE_ID), "{cfg}");
        assert_eq!(spans[1]["spanId"], b64(&CHILD_SPAN_ID), "{cfg}");
        assert_eq!(spans[1]["parentSpanId"], b64(&ROOT_SPAN_ID), "{cfg}");
        assert_eq!(spans[1]["links"][0]["traceId"], b64(&OTHER_TRACE_ID), "{cfg}");
        assert_eq!(spans[1]["kind"], "SPAN_KIND_CLIENT", "{cfg}");
        assert_eq!(spans[1]["status"]["code"], "STATUS_CODE_ERROR", "{cfg}");
        let rejected = registry
            .counter_total("dbintel_exporter_partial_success_rejected_total", &[("data_type", "traces")]);
        assert_eq!(rejected, 1, "partial success of spans not counted for {cfg}");
        // Three spans sent, one of them refused by the peer's partial success.
        assert_eq!(registry.counter_total("otelcol_exporter_sent_spans", &[]), 2, "{cfg}");
    }
}

/// `traces_endpoint` overrides the base URL for spans only; without `endpoint`, a traces pipeline
/// needs it (validation names it).
#[tokio::test]
async fn otlphttp_traces_endpoint() {
    let Some(peer) = start_peer(&PeerOpts::default()) else { return };
    let base = format!("http://127.0.0.1:{}", peer.http_port);
    let cfg = json!({"traces_endpoint": format!("{base}/v1/traces"), "sending_queue": {"enabled": false}});
    let registry = Registry::new();
    let mut e = exporter(&OtlpHttpExporterFactory, cfg.clone(), &registry).await;
    e.export(SignalData::Traces(dbintel_otlp::fixtures::sample_traces()).into()).await.expect("export");
    e.shutdown().await.expect("shutdown");
    assert_eq!(received(&peer)[0]["signal"], "traces");
    let p = OtlpHttpExporterFactory.validate_for_signal(&cfg, dbintel_core::Signal::Metrics);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "metrics_endpoint");
    assert!(OtlpHttpExporterFactory.validate_for_signal(&cfg, dbintel_core::Signal::Traces).is_empty());
}
