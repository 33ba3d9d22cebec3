use std::io::Write;
use std::sync::{Arc, Mutex};

use dbintel_core::{Exporter, Factory, SignalData};
use dbintel_otlp::fixtures;
use serde_json::json;

use super::*;

/// A writer that tests can read back.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().map(|b| b.clone()).unwrap_or_default()).unwrap_or_default()
    }
}

async fn render(verbosity: Verbosity, data: SignalData) -> String {
    let cap = Capture::default();
    let mut exp = DebugExporter::with_writer(verbosity, Box::new(cap.clone()));
    exp.export(data.into()).await.expect("export");
    exp.shutdown().await.expect("shutdown");
    cap.text()
}

#[tokio::test]
async fn basic_is_one_bounded_line_per_batch() {
    let out = render(Verbosity::Basic, SignalData::Metrics(fixtures::sample_metrics())).await;
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains(" metrics dbintel/postgresql,- 16 points in 7 metrics: "), "{out}");
    assert!(out.contains("postgresql.backends{db.namespace=orders}=7"), "{out}");
    assert!(out.contains("postgresql.commits{db.namespace=orders}=9223372036854775807 (+1 more)"), "{out}");
    assert!(out.trim_end().chars().count() <= format::BASIC_MAX_WIDTH + 40, "too wide: {out}");
    // A huge batch stays one bounded line.
    let big =
        render(Verbosity::Basic, SignalData::Metrics(dbintel_otlp::fixtures::large_metrics(5000))).await;
    assert_eq!(big.lines().count(), 1);
    assert!(
        big.contains("5000 points in 500 metrics") && big.contains("… +") && big.contains("more metrics"),
        "{big}"
    );
    assert!(big.trim_end().chars().count() <= format::BASIC_MAX_WIDTH + 40, "too wide: {big}");

    let logs = render(Verbosity::Basic, SignalData::Logs(fixtures::sample_logs())).await;
    assert_eq!(logs.lines().count(), 1, "{logs}");
    assert!(logs.contains("3 records: db.server.top_query ×1, log ×2 | ERROR ×1"), "{logs}");
}

#[tokio::test]
async fn normal_is_one_line_per_point_or_record() {
    let out = render(Verbosity::Normal, SignalData::Metrics(fixtures::sample_metrics())).await;
    assert!(out.contains("postgresql.backends{db.namespace=orders} 7\n"), "{out}");
    assert!(out.contains("postgresql.temp.delta -2.5\n"), "{out}");
    assert!(out.contains("special.doubles{i=0} NaN\n"), "{out}");
    assert!(
        out.contains("db.query.duration{db.operation.name=SELECT} count=6 sum=4.25 min=0.1 max=2\n"),
        "{out}"
    );
    assert!(
        out.contains("db.query.latency{db.namespace=orders} count=10 sum=42 q0.5=3 q0.99=9.5\n"),
        "{out}"
    );
    let points = out.lines().filter(|l| !l.starts_with("Resource") && !l.starts_with("Scope")).count();
    assert_eq!(points, fixtures::sample_metrics().data_point_count());

    let logs = render(Verbosity::Normal, SignalData::Logs(fixtures::sample_logs())).await;
    assert!(
        logs.contains("db.server.top_query INFO top query {db.query.text=SELECT * FROM t WHERE id = ?,"),
        "{logs}"
    );
    // Newlines inside data never break a line.
    assert!(logs.contains("text\"with\\quotes\\n=ünïcødé"), "{logs}");
    assert!(logs.contains("ERROR {message=deadlock detected,pid=4242}"), "{logs}");
    assert_eq!(logs.lines().filter(|l| !l.starts_with("Resource") && !l.starts_with("Scope")).count(), 3);
}

#[tokio::test]
async fn detailed_dumps_everything() {
    let out = render(Verbosity::Detailed, SignalData::Metrics(fixtures::sample_metrics())).await;
    for want in [
        "ResourceMetrics #0",
        "     -> service.name: Str(dbintel)",
        "     -> server.port: Int(5432)",
        "InstrumentationScope dbintel/postgresql 0.1.0",
        "     -> Name: postgresql.commits",
        "     -> IsMonotonic: true",
        "     -> AggregationTemporality: Cumulative",
        "StartTimestamp: 2026-11-26 20:00:00 +0000 UTC",
        "Timestamp: 2026-11-26 20:00:10 +0000 UTC",
        "Value: 9223372036854775807",
        "ExplicitBounds #1: 1",
        "Buckets #2, Count: 3",
        "QuantileValue #1: Quantile 0.99, Value 9.5",
        "     -> DataType: Summary",
    ] {
        assert!(out.contains(want), "missing `{want}` in:\n{out}");
    }
    let logs = render(Verbosity::Detailed, SignalData::Logs(fixtures::sample_logs())).await;
    for want in [
        "LogRecord #0",
        "SeverityNumber: INFO(9)",
        "EventName: db.server.top_query",
        "Body: Str(top query)",
        "     -> fingerprint: Bytes(0x00ff10)",
        "     -> tags: Slice([a,2])",
        "Trace ID: 0102030405060708090a0b0c0d0e0f10",
        "Span ID: a1b2c3d4e5f60718",
        "Body: Map({message=deadlock detected,pid=4242})",
        "Body: Empty()",
    ] {
        assert!(logs.contains(want), "missing `{want}` in:\n{logs}");
    }
}

#[tokio::test]
async fn spans_at_every_verbosity() {
    let traces = || SignalData::Traces(fixtures::sample_traces());
    let basic = render(Verbosity::Basic, traces()).await;
    assert_eq!(basic.lines().count(), 1, "{basic}");
    for want in ["traces", "3 spans", "GET /orders ×1", "SELECT orders ×1", "ERROR ×1"] {
        assert!(basic.contains(want), "missing `{want}` in:\n{basic}");
    }
    let normal = render(Verbosity::Normal, traces()).await;
    for want in [
        "ResourceTraces #0 {service.name=checkout,deployment.environment.name=prod}",
        "ScopeTraces #0 io.opentelemetry.jdbc@2.9.0",
        "SELECT orders 4bf92f3577b34da6a3ce929d0e0e4736 ff00102030405060 {db.system.name=postgresql,",
    ] {
        assert!(normal.contains(want), "missing `{want}` in:\n{normal}");
    }
    let detailed = render(Verbosity::Detailed, traces()).await;
    for want in [
        "ResourceSpans #0",
        "Span #1",
        "    Trace ID       : 4bf92f3577b34da6a3ce929d0e0e4736",
        "    Parent ID      : 00f067aa0ba902b7",
        "    ID             : ff00102030405060",
        "    Kind           : Client",
        "    Status code    : Error",
        "    Status message : canceling statement due to user request",
        "     -> db.namespace: Str(orders)",
        "SpanEvent #0",
        "     -> Name: exception",
        "SpanLink #0",
        "     -> Trace ID: fffe0001807f00000908070605040302",
        "     -> TraceState: vendor=1",
    ] {
        assert!(detailed.contains(want), "missing `{want}` in:\n{detailed}");
    }
}

#[test]
fn factory_validates_verbosity() {
    let f = DebugExporterFactory;
    assert_eq!(f.info().type_name, "debug");
    assert!(f.validate(&serde_json::Value::Null).is_ok());
    assert!(f.validate(&json!({"verbosity": "detailed"})).is_ok());
    let problems = f.validate(&json!({"verbosity": "loud"})).expect_err("unknown verbosity");
    assert!(problems[0].to_string().contains("verbosity"), "{problems:?}");
    assert!(problems[0].to_string().contains("loud"), "{problems:?}");
    assert!(f.validate(&json!({"verbose": "basic"})).is_err());
}

#[test]
fn contrib_sampling_keys_are_accepted_and_checked() {
    let f = DebugExporterFactory;
    assert!(
        f.validate(&json!({"verbosity": "detailed", "sampling_initial": 5, "sampling_thereafter": 200, "use_internal_logger": false}))
            .is_ok()
    );
    let problems = f.validate(&json!({"sampling_thereafter": 0})).expect_err("zero");
    assert_eq!(problems[0].path, "sampling_thereafter");
}

#[test]
fn sampling_prints_the_first_batches_of_a_second_then_every_nth() {
    let mut s = Sampler { initial: 2, thereafter: 3, second: 0, seen: 0 };
    let t = 5_000_000_000u64;
    let admitted: Vec<bool> = (0..8).map(|i| s.admit(t + i)).collect();
    assert_eq!(admitted, [true, true, false, false, true, false, false, true]);
    // A new second starts over.
    assert!(s.admit(t + 1_000_000_000));
    assert!(s.admit(t + 1_000_000_001));
    assert!(!s.admit(t + 1_000_000_002));
}

/// `output_paths`: every batch goes to each file listed (appended, created if missing).
#[tokio::test]
async fn output_paths_write_every_batch_to_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    std::fs::write(&a, "kept\n").unwrap();
    let f = DebugExporterFactory;
    let section = json!({"verbosity": "basic", "output_paths": [a, b]});
    let ctx = dbintel_core::CreateContext::new("debug".parse().unwrap(), Default::default());
    let dbintel_core::Built::Exporter(mut e) = f.create(&ctx, &section).unwrap() else {
        panic!("not an exporter")
    };
    e.export(SignalData::Metrics(fixtures::sample_metrics()).into()).await.unwrap();
    e.export(SignalData::Logs(fixtures::sample_logs()).into()).await.unwrap();
    e.shutdown().await.unwrap();
    for path in [&a, &b] {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(" metrics ") && text.contains(" logs "), "{}: {text}", path.display());
    }
    assert!(std::fs::read_to_string(&a).unwrap().starts_with("kept\n"), "appended, not truncated");

    let bad = json!({"output_paths": [dir.path().join("missing-dir/x.log")]});
    let Err(problems) = f.create(&ctx, &bad) else { panic!("an unopenable path must fail") };
    assert_eq!(problems[0].path, "output_paths[0]");
    assert!(f.validate(&json!({"output_paths": []})).is_err());
    let warned = f.ignored_keys(&json!({"use_internal_logger": true, "output_paths": ["stdout"]}));
    assert_eq!(warned[0].path, "output_paths");
}
