//! Traces as a pass-through signal, end to end through the runtime: a receiver standing in for the
//! coming `otlp` receiver sends spans (and a query sample whose trace context points at one of them)
//! through a `traces` pipeline of the real processors (`memory_limiter`, `resource`, `attributes`,
//! `filter`, `probabilistic_sampler`, `batch`) to the real `file` exporter and the `otlp` exporter,
//! which delivers to a receiver built on the official `opentelemetry-proto` Python package
//! (crates/exporters/tests/otlp_receiver.py). Checked: trace ids, span ids, parent span ids and links
//! arrive byte-exact in both places; the query sample's trace id, span id and `traceparent` attribute
//! are untouched; the processors did what they were configured to do. Without python3 and the
//! packages the test is skipped, unless CI=true.
//!
//! Also: `dbintel validate` accepts `traces` pipelines and names every component without traces.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::component::{ComponentError, Receiver, ReceiverContext};
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{
    LogRecord, Logs, Resource, ResourceLogs, ScopeLogs, SeverityNumber, Span, SpanKind, Value,
};
use dbintel_core::pipeline::{ExporterNode, PipelineNode, ReceiverNode, RuntimeSettings, ServiceGraph};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, CreateContext, Factory, Host, PipelineId, SignalData};
use dbintel_otlp::fixtures::{CHILD_SPAN_ID, OTHER_TRACE_ID, ROOT_SPAN_ID, TRACE_ID, sample_traces};
use dbintel_otlp::trace_proto::ExportTraceServiceRequest;
use prost::Message;
use serde_json::{Value as Json, json};

struct Peer {
    child: Child,
    grpc_port: u16,
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

fn start_peer() -> Option<Peer> {
    let skip = |why: String| -> Option<Peer> {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "the OTLP test receiver is unavailable: {why} (pip install opentelemetry-proto grpcio zstandard)"
            );
        }
        eprintln!("SKIPPED: the OTLP test receiver is unavailable: {why}");
        None
    };
    let dir = tempfile::tempdir().ok()?;
    let out = dir.path().join("received.jsonl");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../exporters/tests/otlp_receiver.py");
    let mut child = match Command::new("python3")
        .arg(&script)
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return skip(format!("cannot run python3: {e}")),
    };
    let mut line = String::new();
    let _ = BufReader::new(child.stdout.take()?).read_line(&mut line);
    let parts: Vec<&str> = line.split_whitespace().collect();
    if parts.first() != Some(&"READY") {
        let _ = child.kill();
        let _ = child.wait();
        return skip("the receiver did not start".into());
    }
    let grpc_port = parts.get(1)?.parse().ok()?;
    Some(Peer { child, grpc_port, out, _dir: dir })
}

/// The hex `traceparent` of the child (database client) span of the sample trace.
fn traceparent() -> String {
    format!("00-{}-{}-01", hex(&TRACE_ID), hex(&CHILD_SPAN_ID))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Sends the sample trace plus a health check span (for the filter), and a query sample joined to
/// the trace's database span, then waits for shutdown. Stands in for the `otlp` receiver.
struct SpanSource;

#[async_trait]
impl Receiver for SpanSource {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        let mut traces = sample_traces();
        let health = Span {
            trace_id: vec![7; 16],
            span_id: vec![7; 8],
            name: "healthcheck".into(),
            kind: SpanKind::SERVER,
            ..Default::default()
        };
        traces.resource_spans[0].scope_spans[0].spans.push(health);
        let sample = LogRecord {
            event_name: "db.server.query_sample".into(),
            severity_number: SeverityNumber::INFO,
            trace_id: Some(TRACE_ID),
            span_id: <[u8; 8]>::try_from(CHILD_SPAN_ID.as_slice()).ok(),
            flags: 1,
            attributes: [
                ("traceparent", Value::from(traceparent())),
                ("db.query.text", Value::from("SELECT * FROM orders WHERE id = ?")),
            ]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        let logs = Logs {
            resource_logs: vec![ResourceLogs {
                resource: Resource {
                    attributes: [("db.system.name", Value::from("postgresql"))].into_iter().collect(),
                },
                scope_logs: vec![ScopeLogs { log_records: vec![sample], ..Default::default() }],
                ..Default::default()
            }],
        };
        ctx.output
            .send(SignalData::Traces(traces))
            .await
            .map_err(|e| ComponentError::Failed(e.to_string()))?;
        ctx.output.send(SignalData::Logs(logs)).await.map_err(|e| ComponentError::Failed(e.to_string()))?;
        ctx.shutdown.cancelled().await;
        Ok(())
    }
}

fn factory(all: &[Arc<dyn Factory>], type_name: &str) -> Arc<dyn Factory> {
    all.iter().find(|f| f.info().type_name == type_name).cloned().unwrap_or_else(|| panic!("no {type_name}"))
}

fn build(f: &dyn Factory, ctx: &CreateContext, cfg: &Json) -> Built {
    if let Err(p) = f.validate(cfg) {
        panic!("{}: {p:?}", ctx.id);
    }
    if let Some(pipeline) = &ctx.pipeline {
        let p = f.validate_for_signal(cfg, pipeline.signal());
        assert!(p.is_empty(), "{} in {pipeline}: {p:?}", ctx.id);
    }
    f.create(ctx, cfg).unwrap_or_else(|p| panic!("{}: {p:?}", ctx.id))
}

fn lines(path: &Path) -> Vec<Json> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_pass_through_processors_to_file_and_otlp_byte_exact() {
    let Some(peer) = start_peer() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("out.jsonl");
    let telemetry = Registry::new();
    let host = Host::new();
    let ctx = |id: &str, pipeline: Option<&str>| CreateContext {
        id: id.parse().expect("id"),
        pipeline: pipeline.map(|p| p.parse::<PipelineId>().expect("pipeline")),
        telemetry: telemetry.clone(),
        host: host.clone(),
        shutdown_timeout: Duration::from_secs(4),
    };
    let processors = dbintel_processors::factories();
    let exporters = dbintel_exporters::factories();

    let chain: Vec<(&str, Json)> = vec![
        (
            "memory_limiter",
            json!({"check_interval": "1s", "limit_percentage": 95, "spike_limit_percentage": 5}),
        ),
        (
            "resource",
            json!({"attributes": [{"key": "dbintel.gateway", "value": "dbintel-1", "action": "upsert"}]}),
        ),
        (
            "attributes",
            json!({"include": {"match_type": "strict", "span_kinds": ["SPAN_KIND_CLIENT"]},
                   "actions": [{"key": "db.query.text", "action": "hash"}]}),
        ),
        ("filter", json!({"error_mode": "propagate", "traces": {"span": ["name == \"healthcheck\""]}})),
        ("probabilistic_sampler", json!({"sampling_percentage": 100, "hash_seed": 7})),
        ("batch", json!({"timeout": "50ms"})),
    ];
    let mut traces_chain = Vec::new();
    for (name, cfg) in &chain {
        let Built::Processor(p) =
            build(&*factory(&processors, name), &ctx(name, Some("traces/gateway")), cfg)
        else {
            panic!("{name} is not a synchronous processor")
        };
        traces_chain.push((name.parse::<ComponentId>().expect("id"), p.into()));
    }
    let Built::Processor(logs_batch) =
        build(&*factory(&processors, "batch"), &ctx("batch", Some("logs")), &json!({"timeout": "50ms"}))
    else {
        panic!("batch")
    };
    let mut exporter_nodes = Vec::new();
    for (name, type_name, cfg) in [
        ("file", "file", json!({"path": file.to_string_lossy()})),
        (
            "otlp/sink",
            "otlp",
            json!({"endpoint": format!("http://127.0.0.1:{}", peer.grpc_port), "compression": "gzip"}),
        ),
    ] {
        let Built::Exporter(e) = build(&*factory(&exporters, type_name), &ctx(name, None), &cfg) else {
            panic!("{name}")
        };
        exporter_nodes.push(ExporterNode { id: name.parse().expect("id"), exporter: e });
    }
    let both: Vec<ComponentId> = vec!["file".parse().expect("id"), "otlp/sink".parse().expect("id")];
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: "spans".parse().expect("id"),
            receiver: Box::new(SpanSource),
            pipelines: vec!["traces/gateway".parse().expect("p"), "logs".parse().expect("p")],
        }],
        pipelines: vec![
            PipelineNode {
                id: "traces/gateway".parse().expect("p"),
                processors: traces_chain,
                exporters: both.clone(),
            },
            PipelineNode {
                id: "logs".parse().expect("p"),
                processors: vec![("batch".parse().expect("id"), logs_batch.into())],
                exporters: both,
            },
        ],
        exporters: exporter_nodes,
        extensions: Vec::new(),
    };
    let svc = dbintel_core::pipeline::start_with_host(
        graph,
        RuntimeSettings::default(),
        telemetry.clone(),
        HealthRegistry::default(),
        host.clone(),
    )
    .await
    .expect("start");
    // Both requests delivered to the sink (bounded wait, no timing asserted).
    let received = |p: &Peer| lines(&p.out);
    for _ in 0..200 {
        if received(&peer).len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report = svc.shutdown().await;
    assert_eq!(report.dropped.total(), 0, "nothing dropped: {:?}", report.dropped);

    // --- the OTLP sink (official proto package) ---
    let got = received(&peer);
    let traces_req = got.iter().find(|r| r["signal"] == "traces").expect("a traces request");
    let raw: Vec<u8> = (0..traces_req["raw"].as_str().unwrap_or("").len() / 2)
        .filter_map(|i| {
            u8::from_str_radix(&traces_req["raw"].as_str().unwrap_or("")[2 * i..2 * i + 2], 16).ok()
        })
        .collect();
    let decoded = ExportTraceServiceRequest::decode(raw.as_slice()).expect("decode");
    let t = dbintel_otlp::from_proto_traces(decoded);
    let spans: Vec<&Span> =
        t.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| &s.spans).collect();
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    // The health check span went at the filter; the span without a trace id at the sampler (no
    // randomness: `fail_closed`, as the Collector); the order of the rest is kept.
    assert_eq!(names, ["GET /orders", "SELECT orders"]);
    let want = sample_traces();
    let want_spans: Vec<&Span> =
        want.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| &s.spans).collect();
    for (got, want) in spans.iter().zip(&want_spans) {
        assert_eq!(got.trace_id, want.trace_id, "{}", want.name);
        assert_eq!(got.span_id, want.span_id, "{}", want.name);
        assert_eq!(got.parent_span_id, want.parent_span_id, "{}", want.name);
        assert_eq!(got.links, want.links, "{}", want.name);
        assert_eq!(got.events, want.events, "{}", want.name);
        assert_eq!(
            (got.kind, &got.status, got.flags),
            (want.kind, &want.status, want.flags),
            "{}",
            want.name
        );
        // The sampler kept every span (100%) and recorded its decision in the tracestate, other
        // members kept.
        let ts = &got.trace_state;
        assert!(ts.starts_with("ot=th:0;rv:"), "{ts}");
        if !want.trace_state.is_empty() {
            assert!(ts.ends_with(&format!(",{}", want.trace_state)), "{ts}");
        }
    }
    let child = spans[1];
    assert_eq!(child.parent_span_id, ROOT_SPAN_ID.to_vec());
    assert_eq!(child.links[0].trace_id, OTHER_TRACE_ID.to_vec());
    // attributes hashed the client span's query text only; resource got the gateway attribute.
    let hashed = child.attributes.get("db.query.text").and_then(Value::as_str).unwrap_or_default();
    assert_eq!(hashed.len(), 40, "SHA-1 hex of the query text: {hashed}");
    assert!(spans[0].attributes.get("http.request.method").is_some());
    assert_eq!(
        t.resource_spans[0].resource.attributes.get("dbintel.gateway").and_then(Value::as_str),
        Some("dbintel-1")
    );
    // What the official package decoded: the ids as bytes (base64 in protobuf's JSON).
    let b64 = |b: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    let py_spans = &traces_req["request"]["resourceSpans"][0]["scopeSpans"][0]["spans"];
    assert_eq!(py_spans[1]["traceId"], b64(&TRACE_ID));
    assert_eq!(py_spans[1]["parentSpanId"], b64(&ROOT_SPAN_ID));
    // The query sample still names the span: trace and span ids, and the traceparent attribute.
    let logs_req = got.iter().find(|r| r["signal"] == "logs").expect("a logs request");
    let rec = &logs_req["request"]["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
    assert_eq!(rec["traceId"], b64(&TRACE_ID));
    assert_eq!(rec["spanId"], b64(&CHILD_SPAN_ID));
    let tp = rec["attributes"].as_array().and_then(|a| a.iter().find(|kv| kv["key"] == "traceparent"));
    assert_eq!(tp.map(|kv| kv["value"]["stringValue"].clone()), Some(json!(traceparent())));

    // --- the file exporter (OTLP-JSON lines: ids in hex) ---
    let file_lines = lines(&file);
    let t_line = file_lines.iter().find(|l| l.get("resourceSpans").is_some()).expect("a traces line");
    let f_spans = &t_line["resourceSpans"][0]["scopeSpans"][0]["spans"];
    assert_eq!(f_spans[1]["traceId"], hex(&TRACE_ID));
    assert_eq!(f_spans[1]["spanId"], hex(&CHILD_SPAN_ID));
    assert_eq!(f_spans[1]["parentSpanId"], hex(&ROOT_SPAN_ID));
    assert_eq!(f_spans[1]["links"][0]["traceId"], hex(&OTHER_TRACE_ID));
    assert_eq!(f_spans.as_array().map(Vec::len), Some(2));
    let l_line = file_lines.iter().find(|l| l.get("resourceLogs").is_some()).expect("a logs line");
    let f_rec = &l_line["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
    assert_eq!(f_rec["traceId"], hex(&TRACE_ID));
    assert_eq!(f_rec["spanId"], hex(&CHILD_SPAN_ID));
    assert_eq!(f_rec["flags"], 1);
    assert!(f_rec.to_string().contains(&traceparent()));

    // --- self-telemetry in spans ---
    let total = |name: &str, labels: &[(&str, &str)]| telemetry.counter_total(name, labels);
    assert_eq!(total("otelcol_receiver_accepted_spans", &[]), 4);
    assert_eq!(total("otelcol_exporter_sent_spans", &[("exporter", "otlp/sink")]), 2);
    assert_eq!(total("otelcol_exporter_sent_spans", &[("exporter", "file")]), 2);
    assert_eq!(total("otelcol_exporter_sent_log_records", &[("exporter", "otlp/sink")]), 1);
    assert_eq!(total("dbintel_filter_dropped_total", &[("signal", "traces")]), 1);
    assert_eq!(total("dbintel_probabilistic_sampler_problems_total", &[("reason", "missing_randomness")]), 1);
}

/// `dbintel validate`: a `traces` pipeline is a pipeline; every component in it without traces is
/// named at once (today no receiver produces spans; the `otlp` receiver will).
#[test]
fn validate_names_every_component_without_traces() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("c.yaml");
    std::fs::write(
        &cfg,
        r#"
receivers:
  postgresql:
    endpoint: localhost:5432
    username: dbintel
    password: x
processors:
  batch:
  transform:
    log_statements: ['set(attributes["x"], 1)']
  filter:
    traces:
      span: ['name == "healthcheck"']
exporters:
  prometheus:
    endpoint: 127.0.0.1:0
  otlphttp:
    traces_endpoint: http://127.0.0.1:4318/v1/traces
  otlphttp/nobase:
    logs_endpoint: http://127.0.0.1:4318/v1/logs
service:
  telemetry:
    metrics:
      address: 127.0.0.1:0
  pipelines:
    traces:
      receivers: [postgresql]
      processors: [transform, filter, batch]
      exporters: [prometheus, otlphttp, otlphttp/nobase]
"#,
    )
    .expect("write");
    let out = support::dbintel(&["validate", "--config", &cfg.to_string_lossy()]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "{text}");
    for want in [
        "receiver `postgresql` does not support traces",
        "exporter `prometheus` does not support traces",
        "traces_endpoint: is required for a traces pipeline",
    ] {
        assert!(text.contains(want), "missing `{want}` in:\n{text}");
    }
    // `transform` runs on spans too (`trace_statements`).
    for unwanted in ["filter", "`batch`", "`transform`", "exporters.otlphttp:", "`otlphttp` does not"] {
        assert!(!text.contains(unwanted), "`{unwanted}` must not be reported:\n{text}");
    }
}
