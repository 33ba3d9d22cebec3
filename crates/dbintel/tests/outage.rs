//! A backend outage with a persistent sending queue, end to end: the `dbintel` binary scrapes a
//! throwaway PostgreSQL (one uniquely numbered point per scrape) into `otlphttp` with
//! `sending_queue.storage: file_storage`, while nothing listens at the endpoint. The collector is
//! killed with SIGKILL mid-outage, restarted, and only then does the backend come up: every point
//! that was queued on disk before the kill must arrive.
//!
//! Delivery is at least once: a point may arrive twice (sent, then killed before its file was
//! deleted), never zero times once queued. Points still inside the batch processor at the kill were
//! never queued and are not claimed.

mod support;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::metric::Data;
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::number_data_point::Value as ProtoValue;
use dbintel_test_support::shared_postgres;
use prost::Message;
use support::{Running, free_port, wait_for};

fn config(backend_port: u16, queue_dir: &Path, telemetry_port: u16) -> String {
    format!(
        r#"
receivers:
  sqlquery/outage:
    driver: postgres
    datasource: ${{env:E2E_DATASOURCE}}
    collection_interval: 200ms
    initial_delay: 0s
    queries:
      - sql: "SELECT (extract(epoch from clock_timestamp()) * 1000000)::bigint AS n"
        metrics:
          - metric_name: outage.scrape
            value_column: n
processors:
  batch:
    timeout: 50ms
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:{backend_port}
    compression: none
    timeout: 2s
    retry_on_failure:
      initial_interval: 100ms
      max_interval: 500ms
      max_elapsed_time: 0
    sending_queue:
      num_consumers: 2
      queue_size: 1000
      storage: file_storage/queue
extensions:
  file_storage/queue:
    directory: {queue}
service:
  extensions: [file_storage/queue]
  telemetry:
    metrics:
      address: 127.0.0.1:{telemetry_port}
  pipelines:
    metrics:
      receivers: [sqlquery/outage]
      processors: [batch]
      exporters: [otlphttp]
"#,
        queue = queue_dir.display()
    )
}

/// Values of the `outage.scrape` points in an OTLP metrics request.
fn values(req: &ExportMetricsServiceRequest) -> Vec<i64> {
    let mut out = Vec::new();
    for m in req.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        if m.name != "outage.scrape" {
            continue;
        }
        let points = match &m.data {
            Some(Data::Gauge(g)) => &g.data_points,
            Some(Data::Sum(s)) => &s.data_points,
            _ => continue,
        };
        out.extend(points.iter().filter_map(|p| match p.value {
            Some(ProtoValue::AsInt(v)) => Some(v),
            Some(ProtoValue::AsDouble(v)) => Some(v as i64),
            None => None,
        }));
    }
    out
}

/// The values in the persistent queue's files (format: 20-byte header, then the protobuf request).
fn queued_values(queue_dir: &Path) -> BTreeSet<i64> {
    let sub = queue_dir.join("exporter_otlphttp");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(sub).into_iter().flatten().flatten() {
        if !entry.file_name().to_string_lossy().ends_with(".req") {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else { continue };
        let Some(body) = bytes.get(20..) else { continue };
        if let Ok(req) = ExportMetricsServiceRequest::decode(body) {
            out.extend(values(&req));
        }
    }
    out
}

/// A minimal OTLP/HTTP metrics receiver on a fixed port: records every value it accepts.
fn start_backend(port: u16, received: Arc<Mutex<Vec<i64>>>) {
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("backend port still free");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let received = received.clone();
            std::thread::spawn(move || serve(stream, received));
        }
    });
}

fn serve(mut s: TcpStream, received: Arc<Mutex<Vec<i64>>>) {
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match s.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().to_string()))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < end + len {
            match s.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body: Vec<u8> = buf.drain(..end + len).skip(end).collect();
        if head.starts_with("post /v1/metrics ")
            && let Ok(req) = ExportMetricsServiceRequest::decode(body.as_slice())
        {
            received.lock().unwrap().extend(values(&req));
        }
        let reply = "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
        if s.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

#[test]
fn every_point_queued_before_a_kill_9_during_an_outage_arrives_after_restart() {
    let pg = shared_postgres();
    let db = pg.create_database("e2e_outage");
    let datasource = pg.url(&db);
    let dir = tempfile::tempdir().unwrap();
    let queue_dir = dir.path().join("queue");
    let backend_port = free_port(); // nothing listens: the backend is down
    let cfg_path = dir.path().join("config.yaml");
    std::fs::write(&cfg_path, config(backend_port, &queue_dir, free_port())).unwrap();
    let cfg = cfg_path.display().to_string();
    let env = [("E2E_DATASOURCE", datasource.as_str())];

    // First run: the backend is down; scrapes pile up in the persistent queue.
    let run1_dir = dir.path().join("run1");
    std::fs::create_dir_all(&run1_dir).unwrap();
    let mut run = Running::start(&["run", "--config", &cfg], &env, &run1_dir);
    wait_for("ten scrapes queued on disk", Duration::from_secs(60), || {
        assert!(run.child.try_wait().ok().flatten().is_none(), "dbintel exited:\n{}", run.stderr());
        queued_values(&queue_dir).len() >= 10
    });
    run.signal("KILL");
    let status = run.wait_exit(Duration::from_secs(10));
    assert_eq!(status.code(), None, "killed by a signal");
    let queued = queued_values(&queue_dir);
    assert!(queued.len() >= 10, "{queued:?}");

    // Second run: still down at first; the backend comes up once the collector runs.
    let run2_dir = dir.path().join("run2");
    std::fs::create_dir_all(&run2_dir).unwrap();
    let mut run = Running::start(&["run", "--config", &cfg], &env, &run2_dir);
    wait_for("the restarted collector to load its queue", Duration::from_secs(30), || {
        run.stderr().contains("Persistent queue holds requests")
            || run.stdout().contains("Persistent queue holds requests")
    });
    std::thread::sleep(Duration::from_millis(500));
    let received = Arc::new(Mutex::new(Vec::new()));
    start_backend(backend_port, received.clone());

    let max_queued = *queued.last().unwrap();
    wait_for("every queued point, then fresh ones", Duration::from_secs(60), || {
        let got: BTreeSet<i64> = received.lock().unwrap().iter().copied().collect();
        queued.is_subset(&got) && got.iter().any(|v| *v > max_queued)
    });
    run.signal("TERM");
    let status = run.wait_exit(Duration::from_secs(20));
    assert_eq!(status.code(), Some(0), "stderr:\n{}", run.stderr());
    let got: BTreeSet<i64> = received.lock().unwrap().iter().copied().collect();
    let missing: Vec<&i64> = queued.difference(&got).collect();
    assert!(missing.is_empty(), "lost after kill -9: {missing:?}");
}
