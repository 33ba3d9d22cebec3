use std::path::Path;

use dbintel_core::{Exporter, Factory, SignalData};
use dbintel_otlp::fixtures;
use serde_json::json;

use super::*;

fn lines(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).expect("read output");
    text.lines().map(|l| serde_json::from_str(l).expect("each line is one JSON object")).collect()
}

fn backups(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("out-") && n.ends_with(".json"))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn writes_one_otlp_json_object_per_line_and_appends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested/deeper/out.json");
    let mut exp = FileExporter::new(&path, true, None);
    exp.start().await.expect("start creates parent directories");
    exp.export(SignalData::Metrics(fixtures::sample_metrics()).into()).await.expect("export metrics");
    exp.export(SignalData::Logs(fixtures::sample_logs()).into()).await.expect("export logs");
    // Flushed per export: readable before shutdown (what `tail -f` sees).
    let got = lines(&path);
    assert_eq!(got.len(), 2);
    assert!(got[0]["resourceMetrics"].is_array());
    assert!(got[1]["resourceLogs"].is_array());
    assert_eq!(got[0]["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]["name"], "postgresql.backends");
    exp.export(SignalData::Logs(Default::default()).into()).await.expect("empty batch is a no-op");
    exp.shutdown().await.expect("shutdown");

    // A second run appends.
    let mut exp = FileExporter::new(&path, true, None);
    exp.start().await.expect("start");
    exp.export(SignalData::Metrics(fixtures::sample_metrics()).into()).await.expect("export");
    exp.shutdown().await.expect("shutdown");
    assert_eq!(lines(&path).len(), 3);
    // `append: false` truncates at start.
    let mut exp = FileExporter::new(&path, false, None);
    exp.start().await.expect("start");
    exp.export(SignalData::Logs(fixtures::sample_logs()).into()).await.expect("export");
    exp.shutdown().await.expect("shutdown");
    assert_eq!(lines(&path).len(), 1);
}

#[tokio::test]
async fn a_partial_last_line_is_not_glued_to_the_next_batch() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("out.json");
    std::fs::write(&path, "{\"resourceLogs\":[]}\n{\"truncated").expect("seed");
    let mut exp = FileExporter::new(&path, true, None);
    exp.start().await.expect("start");
    exp.export(SignalData::Logs(fixtures::sample_logs()).into()).await.expect("export");
    exp.shutdown().await.expect("shutdown");
    let text = std::fs::read_to_string(&path).expect("read");
    let last = text.lines().last().expect("a line");
    assert!(serde_json::from_str::<serde_json::Value>(last).is_ok());
}

#[tokio::test]
async fn rotates_by_size_and_prunes_to_max_backups() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("out.json");
    let line_len = dbintel_otlp::logs_to_json(&fixtures::sample_logs()).len() as u64 + 1;
    // Two lines fit, the third rotates.
    let policy = RotationPolicy { max_bytes: line_len * 2, max_age: None, max_backups: 3, localtime: false };
    let mut exp = FileExporter::new(&path, true, Some(policy));
    exp.start().await.expect("start");
    for _ in 0..12 {
        exp.export(SignalData::Logs(fixtures::sample_logs()).into()).await.expect("export");
    }
    exp.shutdown().await.expect("shutdown");
    // 12 lines = 6 files of 2: 5 rotations, pruned to 3 backups.
    let names = backups(dir.path());
    assert_eq!(names.len(), 3, "{names:?}");
    for n in &names {
        let got = lines(&dir.path().join(n));
        assert_eq!(got.len(), 2, "{n}");
        assert!(got.iter().all(|v| v["resourceLogs"].is_array()));
    }
    assert_eq!(lines(&path).len(), 2);
    // Backup names carry the rotation time like lumberjack: out-2026-11-26T20-00-00.123.json
    let stamp = &names[0]["out-".len()..names[0].len() - ".json".len()];
    assert!(chrono::NaiveDateTime::parse_from_str(stamp, "%Y-%m-%dT%H-%M-%S%.3f").is_ok(), "{stamp}");
}

#[tokio::test]
async fn a_batch_larger_than_the_limit_is_written_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("out.json");
    let policy = RotationPolicy { max_bytes: 10, max_age: None, max_backups: 0, localtime: false };
    let mut exp = FileExporter::new(&path, true, Some(policy));
    exp.start().await.expect("start");
    for _ in 0..3 {
        exp.export(SignalData::Metrics(fixtures::sample_metrics()).into()).await.expect("export");
    }
    exp.shutdown().await.expect("shutdown");
    assert_eq!(lines(&path).len(), 1);
    assert_eq!(backups(dir.path()).len(), 2, "max_backups 0 keeps all");
}

#[tokio::test]
async fn shutdown_flushes_and_syncs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("out.json");
    let mut exp = FileExporter::new(&path, true, None);
    exp.start().await.expect("start");
    exp.export(SignalData::Metrics(fixtures::sample_metrics()).into()).await.expect("export");
    exp.shutdown().await.expect("shutdown");
    exp.shutdown().await.expect("a second shutdown is harmless");
    assert_eq!(lines(&path).len(), 1);
    assert!(std::fs::read_to_string(&path).expect("read").ends_with('\n'));
}

#[tokio::test]
async fn an_unwritable_path_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").expect("seed");
    // A regular file where a directory should be: fails even when the tests run as root.
    let mut exp = FileExporter::new(blocker.join("sub/out.json"), true, None);
    let err = exp.start().await.expect_err("start must fail");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
    let err =
        exp.export(SignalData::Logs(fixtures::sample_logs()).into()).await.expect_err("export must fail");
    assert!(err.to_string().contains("file exporter"), "{err}");
    // The path is a directory.
    let mut exp = FileExporter::new(dir.path(), true, None);
    assert!(exp.start().await.is_err());
    assert!(exp.shutdown().await.is_ok());
}

#[test]
fn factory_reports_every_problem() {
    let f = FileExporterFactory;
    let info = f.info();
    assert_eq!((info.type_name, info.kind), ("file", dbintel_core::ComponentKind::Exporter));
    assert!(f.validate(&json!({"path": "/tmp/x.json"})).is_ok());
    assert!(f.validate(&json!({"path": "/tmp/x.json", "rotation": {}})).is_ok());
    let problems = f
        .validate(&json!({"path": "", "compression": "gzip", "rotation": {"max_megabytes": 0}}))
        .expect_err("three problems");
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["compression", "path", "rotation.max_megabytes"], "{problems:?}");
    assert!(f.validate(&json!({"path": "/tmp/x", "format": "proto", "compression": "zstd"})).is_ok());
    assert!(
        f.validate(&json!({"path": "/tmp/x-*", "group_by": {"enabled": false, "max_open_files": 10}}))
            .is_ok()
    );
    let problems = f
        .validate(&json!({"path": "/tmp/x", "group_by": {"enabled": true, "max_open_files": 0}}))
        .unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["path", "group_by.max_open_files"]);
    assert!(f.validate(&serde_json::Value::Null).is_err(), "path is required");
    let unknown = f.validate(&json!({"path": "x", "rotation": {"max_size": 1}})).expect_err("unknown key");
    assert!(unknown[0].to_string().contains("max_size"), "{unknown:?}");
    let bad_format = f.validate(&json!({"path": "x", "format": "xml"})).expect_err("unknown format");
    assert!(bad_format[0].to_string().contains("format"), "{bad_format:?}");
}

#[test]
fn rotation_defaults_follow_the_collector() {
    let cfg: FileConfig =
        dbintel_core::parse_component_config(&json!({"path": "p", "rotation": {}})).expect("parse");
    let r = cfg.rotation.expect("rotation on");
    assert_eq!(r, RotationConfig::default());
    let p = r.policy();
    assert_eq!((p.max_bytes, p.max_backups, p.max_age), (100 * 1024 * 1024, 100, None));
    let cfg: FileConfig = dbintel_core::parse_component_config(&json!({"path": "p"})).expect("parse");
    assert!(cfg.rotation.is_none() && !cfg.append && cfg.format == FileFormat::Json);
}

#[test]
fn prunes_backups_older_than_max_days() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("out.json");
    for name in ["out-2020-01-01T00-00-00.000.json", "out-2099-01-01T00-00-00.000.json", "out-garbage.json"] {
        std::fs::write(dir.path().join(name), "{}\n").expect("seed");
    }
    let policy = RotationPolicy {
        max_bytes: 1,
        max_age: Some(Duration::from_secs(86_400)),
        max_backups: 0,
        localtime: false,
    };
    let deleted = rotation::prune(&path, &policy, SystemTime::now()).expect("prune");
    assert_eq!(deleted, 1);
    assert!(!dir.path().join("out-2020-01-01T00-00-00.000.json").exists());
    assert!(dir.path().join("out-garbage.json").exists(), "files that are not backups are left alone");
}

#[test]
fn contrib_flush_interval_is_accepted_and_compression_refused_clearly() {
    let f = FileExporterFactory;
    f.validate(&json!({"path": "/tmp/x.json", "flush_interval": "1s"})).expect("flush_interval accepted");
    let problems =
        f.validate(&json!({"path": "/tmp/x.json", "compression": "lz4"})).expect_err("lz4 refused");
    assert_eq!(problems[0].path, "compression");
    let problems =
        f.validate(&json!({"path": "/tmp/x.json", "flush_interval": "soon"})).expect_err("bad duration");
    assert_eq!(problems[0].path, "flush_interval");
}

/// Writes into a FIFO whose reader starts late and reads slowly: the writes block, but only the
/// blocking pool, so the (single-threaded) runtime keeps running other tasks meanwhile, and every
/// batch arrives whole and in order once the reader drains the pipe.
#[tokio::test]
async fn a_slow_fifo_blocks_the_blocking_pool_not_the_runtime() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.fifo");
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo not available; skipped");
        return;
    }
    let mut line = Vec::new();
    dbintel_otlp::write_logs_json(&fixtures::sample_logs(), &mut line);
    // Well past a pipe buffer (64 KiB unless a program enlarges it).
    let batches = (512 << 10) / (line.len() + 1) + 1;

    let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<Vec<usize>>();
    let reader_path = path.clone();
    std::thread::spawn(move || {
        // Start reading when told, or after 20 s at the latest, so a regression fails instead of
        // hanging the test.
        let _ = gate_rx.recv_timeout(Duration::from_secs(20));
        let file = File::open(&reader_path).expect("open fifo for reading");
        let mut reader = BufReader::with_capacity(4096, file);
        let mut seen = Vec::new();
        let mut buf = String::new();
        while seen.len() < batches {
            buf.clear();
            if reader.read_line(&mut buf).expect("read fifo") == 0 {
                break;
            }
            let v: serde_json::Value = serde_json::from_str(&buf).expect("each line is one JSON object");
            assert!(v["resourceLogs"].is_array());
            seen.push(buf.len());
            if seen.len() % 64 == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let _ = done_tx.send(seen);
    });

    let mut exp = FileExporter::new(&path, true, None);
    exp.start().await.expect("start opens the fifo without waiting for a reader");
    let writer = tokio::spawn(async move {
        for _ in 0..batches {
            exp.export(SignalData::Logs(fixtures::sample_logs()).into()).await?;
        }
        Ok::<_, ExportError>(exp)
    });
    // The runtime (one thread) keeps serving other tasks while the exporter is stuck on the pipe.
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert!(!writer.is_finished(), "the exporter cannot have written 512 KiB into a pipe nobody reads");

    gate_tx.send(()).expect("reader waiting");
    let exp = tokio::time::timeout(Duration::from_secs(60), writer)
        .await
        .expect("all batches written once the reader drains the fifo")
        .expect("export task")
        .expect("every export succeeds");
    drop(exp);
    let seen = tokio::task::spawn_blocking(move || done_rx.recv_timeout(Duration::from_secs(60)))
        .await
        .expect("join")
        .expect("the reader saw every line");
    assert_eq!(seen.len(), batches);
    assert!(seen.iter().all(|&n| n == line.len() + 1), "every line arrives whole");
}

/// `format: proto` and `compression: zstd` as the Collector writes them, read back by the official
/// Python opentelemetry-proto package: [u32 big-endian length][object], zstd-compressed per object.
#[tokio::test]
async fn proto_and_zstd_framing_is_read_by_the_official_proto_package() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = r#"
import json, struct, sys, zstandard
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.logs.v1 import logs_pb2
data = open(sys.argv[1], "rb").read()
compressed = sys.argv[2] == "zstd"
fmt = sys.argv[3]
out, i = [], 0
while i < len(data):
    (n,) = struct.unpack(">I", data[i:i + 4])
    obj = data[i + 4:i + 4 + n]
    assert len(obj) == n, "truncated object"
    i += 4 + n
    if compressed:
        obj = zstandard.ZstdDecompressor().decompress(obj)
    if fmt == "json":
        d = json.loads(obj)
        kind = "metrics" if "resourceMetrics" in d else "logs"
        out.append([kind, len(d.get("resourceMetrics", d.get("resourceLogs", [])))])
        continue
    if len(out) % 2 == 0:
        m = metrics_pb2.MetricsData()
        m.ParseFromString(obj)
        points = sum(len(getattr(x, x.WhichOneof("data")).data_points) for r in m.resource_metrics
                     for s in r.scope_metrics for x in s.metrics)
        out.append(["metrics", points])
    else:
        l = logs_pb2.LogsData()
        l.ParseFromString(obj)
        out.append(["logs", sum(len(s.log_records) for r in l.resource_logs for s in r.scope_logs)])
print(json.dumps(out))
"#;
    let metrics = fixtures::sample_metrics();
    let logs = fixtures::sample_logs();
    for (format, compression) in [("proto", "none"), ("proto", "zstd"), ("json", "zstd")] {
        let path = dir.path().join(format!("out-{format}-{compression}"));
        let cfg: FileConfig = dbintel_core::parse_component_config(
            &json!({"path": path, "format": format, "compression": compression}),
        )
        .expect("config");
        let mut e = FileExporter::from_config(&cfg);
        e.start().await.expect("start");
        for _ in 0..2 {
            e.export(SignalData::Metrics(metrics.clone()).into()).await.expect("metrics");
            e.export(SignalData::Logs(logs.clone()).into()).await.expect("logs");
        }
        e.shutdown().await.expect("shutdown");
        let out = std::process::Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&path)
            .arg(compression)
            .arg(format)
            .output()
            .expect("python3");
        assert!(out.status.success(), "{format}/{compression}: {}", String::from_utf8_lossy(&out.stderr));
        let got: serde_json::Value = serde_json::from_slice(&out.stdout).expect("summary");
        let got = got.as_array().expect("list");
        assert_eq!(got.len(), 4, "{format}/{compression}: {got:?}");
        if format == "proto" {
            for pair in got.chunks(2) {
                assert_eq!(pair[0], json!(["metrics", metrics.data_point_count()]), "{format}/{compression}");
                assert_eq!(pair[1], json!(["logs", logs.log_record_count()]), "{format}/{compression}");
            }
        } else {
            assert_eq!(got[0][0], "metrics");
            assert_eq!(got[1][0], "logs");
        }
    }
}

/// `group_by`: one file per value of the resource attribute, at most `max_open_files` open, resources
/// without the attribute (or with a value that would leave the directory) dropped.
#[tokio::test]
async fn group_by_writes_one_file_per_attribute_value() {
    use dbintel_core::pdata::{Attributes, Resource, ResourceMetrics};
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg: FileConfig = dbintel_core::parse_component_config(&json!({
        "path": dir.path().join("db-*.jsonl"),
        "group_by": {"enabled": true, "resource_attribute": "db.namespace", "max_open_files": 2},
    }))
    .expect("config");
    let template = fixtures::sample_metrics().resource_metrics[0].clone();
    let with = |value: Option<&str>| ResourceMetrics {
        resource: Resource {
            attributes: match value {
                Some(v) => Attributes::from_iter([("db.namespace", v)]),
                None => Attributes::default(),
            },
        },
        ..template.clone()
    };
    let mut e = FileExporter::from_config(&cfg);
    e.start().await.expect("start");
    for values in [
        vec![Some("orders"), Some("users"), None],
        vec![Some("billing"), Some("../etc")],
        vec![Some("orders")],
    ] {
        let m = dbintel_core::pdata::Metrics { resource_metrics: values.iter().map(|v| with(*v)).collect() };
        e.export(SignalData::Metrics(m).into()).await.expect("export");
    }
    e.shutdown().await.expect("shutdown");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["db-billing.jsonl", "db-orders.jsonl", "db-users.jsonl"]);
    // `orders` was closed (3 values, 2 open) and reopened: both of its batches are there.
    let orders = lines(&dir.path().join("db-orders.jsonl"));
    assert_eq!(orders.len(), 2, "{orders:?}");
    for line in &orders {
        assert_eq!(line["resourceMetrics"].as_array().unwrap().len(), 1);
    }
    assert_eq!(lines(&dir.path().join("db-users.jsonl")).len(), 1);
}

/// The prototype's collector-e2e-test.yaml writes `rotation: {enabled: false}`: the block is there
/// but rotation stays off; `enabled: true` (or absent) with the block turns it on.
#[test]
fn the_prototypes_rotation_enabled_switch_is_honoured() {
    let parse =
        |v: serde_json::Value| -> FileConfig { dbintel_core::parse_component_config(&v).expect("parses") };
    let off = parse(json!({"path": "/tmp/e2e-metrics.json", "rotation": {"enabled": false}}));
    assert!(
        FileExporterFactory.validate(&json!({"path": "/tmp/x.json", "rotation": {"enabled": false}})).is_ok()
    );
    assert!(FileExporter::from_config(&off).writer.lock().expect("lock").rotation.is_none());
    let on = parse(
        json!({"path": "/tmp/x.json", "rotation": {"enabled": true, "max_megabytes": 100, "max_days": 1}}),
    );
    let policy = FileExporter::from_config(&on).writer.lock().expect("lock").rotation.clone();
    assert_eq!(policy.map(|p| p.max_bytes), Some(100 * 1024 * 1024));
    let default_on = parse(json!({"path": "/tmp/x.json", "rotation": {}}));
    assert!(FileExporter::from_config(&default_on).writer.lock().expect("lock").rotation.is_some());
}
