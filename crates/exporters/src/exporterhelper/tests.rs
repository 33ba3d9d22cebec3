//! Retry and queue logic against a scripted in-process transport, in paused time.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::pdata::{
    Metric, MetricData, Metrics, NumberDataPoint, NumberValue, ResourceMetrics, ScopeMetrics,
};
use dbintel_core::telemetry::{Registry, SampleValue};
use dbintel_core::{ComponentId, CreateContext, Exporter, GoDuration, SignalData};
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::metric::Data;
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::number_data_point::Value as ProtoValue;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::persistent::{self, FileQueueStore, StorageSettings};
use super::*;

// ---------------------------------------------------------------------------------------------
// Helpers.

/// One metrics batch with one gauge point whose value identifies it.
fn batch(n: i64) -> SignalData {
    let point = NumberDataPoint {
        attributes: Default::default(),
        start_time_unix_nano: 0,
        time_unix_nano: 1,
        value: NumberValue::Int(n),
        flags: 0,
    };
    SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Default::default(),
            scope_metrics: vec![ScopeMetrics {
                scope: Default::default(),
                metrics: vec![Metric {
                    name: "seq".into(),
                    description: String::new(),
                    unit: "1".into(),
                    data: MetricData::Gauge(vec![point]),
                }],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    })
}

/// The identifying values in a payload.
fn values(p: &Payload) -> Vec<i64> {
    let Payload::Metrics(req) = p else { return Vec::new() };
    let mut out = Vec::new();
    for m in req.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        if let Some(Data::Gauge(g)) = &m.data {
            for dp in &g.data_points {
                if let Some(ProtoValue::AsInt(v)) = dp.value {
                    out.push(v);
                }
            }
        }
    }
    out
}

/// A transport that answers from a script (then `fallback`), records attempts, and can be held.
struct Scripted {
    script: Mutex<VecDeque<Result<SendReport, SendError>>>,
    fallback: Mutex<Result<SendReport, SendError>>,
    attempts: Mutex<Vec<(Instant, Vec<i64>)>>,
    delivered: Mutex<Vec<i64>>,
    hold: Mutex<bool>,
    released: Notify,
}

impl Scripted {
    fn new(script: Vec<Result<SendReport, SendError>>) -> Arc<Self> {
        Arc::new(Self {
            script: Mutex::new(script.into()),
            fallback: Mutex::new(Ok(SendReport::default())),
            attempts: Mutex::new(Vec::new()),
            delivered: Mutex::new(Vec::new()),
            hold: Mutex::new(false),
            released: Notify::new(),
        })
    }
    fn failing() -> Arc<Self> {
        let t = Self::new(Vec::new());
        t.set_fallback(Err(SendError::retryable("503 Service Unavailable")));
        t
    }
    fn set_fallback(&self, r: Result<SendReport, SendError>) {
        *self.fallback.lock().unwrap() = r;
    }
    fn hold(&self, on: bool) {
        *self.hold.lock().unwrap() = on;
        if !on {
            self.released.notify_waiters();
        }
    }
    fn attempts(&self) -> Vec<(Instant, Vec<i64>)> {
        self.attempts.lock().unwrap().clone()
    }
    fn delivered(&self) -> Vec<i64> {
        self.delivered.lock().unwrap().clone()
    }
}

/// The transport handed to the exporter: shares the script with the test.
struct Handle(Arc<Scripted>);

#[async_trait]
impl Transport for Handle {
    async fn send(&self, payload: &Payload) -> Result<SendReport, SendError> {
        loop {
            let released = self.0.released.notified();
            if !*self.0.hold.lock().unwrap() {
                break;
            }
            released.await;
        }
        self.0.attempts.lock().unwrap().push((Instant::now(), values(payload)));
        let next = self.0.script.lock().unwrap().pop_front();
        let r = next.unwrap_or_else(|| self.0.fallback.lock().unwrap().clone());
        if r.is_ok() {
            self.0.delivered.lock().unwrap().extend(values(payload));
        }
        r
    }
}

fn retry(initial: u64, max: u64, elapsed: u64) -> RetryConfig {
    RetryConfig {
        enabled: true,
        initial_interval: GoDuration::from_secs(initial),
        max_interval: GoDuration::from_secs(max),
        max_elapsed_time: GoDuration::from_secs(elapsed),
        multiplier: 2.0,
        randomization_factor: 0.0,
    }
}

fn queue(size: usize, consumers: usize) -> QueueConfig {
    QueueConfig { queue_size: size, num_consumers: consumers, ..QueueConfig::default() }
}

fn exporter(
    t: &Arc<Scripted>,
    r: RetryConfig,
    q: QueueConfig,
    storage: Option<StorageSettings>,
    tel: &Registry,
) -> QueuedExporter<Handle> {
    let id: ComponentId = "otlphttp/test".parse().unwrap();
    QueuedExporter::with_storage(id, tel, Handle(t.clone()), r, q, storage, Duration::from_secs(4))
}

fn counter(tel: &Registry, name: &str, reason: Option<&str>) -> u64 {
    for f in tel.snapshot() {
        if f.name != name {
            continue;
        }
        for s in f.samples {
            let matches = reason.is_none_or(|r| s.labels.iter().any(|(k, v)| k == "reason" && v == r));
            if let (true, SampleValue::Counter(c)) = (matches, &s.value) {
                return *c;
            }
        }
    }
    0
}

fn gauge(tel: &Registry, name: &str) -> f64 {
    tel.snapshot()
        .into_iter()
        .filter(|f| f.name == name)
        .flat_map(|f| f.samples)
        .find_map(|s| if let SampleValue::Gauge(g) = s.value { Some(g) } else { None })
        .unwrap_or(-1.0)
}

/// Lets the paused clock run until `cond` holds (or a simulated hour passes).
async fn until(mut cond: impl FnMut() -> bool) {
    for _ in 0..36_000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("condition not reached within a simulated hour");
}

fn storage(dir: &std::path::Path) -> StorageSettings {
    StorageSettings { directory: dir.to_path_buf(), create_directory: true, fsync: false }
}

fn queued_files(dir: &std::path::Path) -> usize {
    let sub = dir.join("exporter_otlphttp_test");
    std::fs::read_dir(sub)
        .map(|d| {
            d.filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().ends_with(".req")).count()
        })
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Backoff and retry.

#[test]
fn backoff_grows_by_the_multiplier_up_to_the_cap() {
    let mut b = Backoff::new(&retry(1, 5, 0));
    let d: Vec<u64> = (0..6).map(|_| b.next_delay().as_secs()).collect();
    assert_eq!(d, [1, 2, 4, 5, 5, 5]);
}

#[test]
fn backoff_jitter_stays_within_the_randomization_factor() {
    let cfg = RetryConfig { randomization_factor: 0.5, multiplier: 1.0, ..retry(10, 10, 0) };
    let mut b = Backoff::new(&cfg);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..200 {
        let d = b.next_delay().as_secs_f64();
        assert!((5.0..=15.0).contains(&d), "{d}");
        seen.insert((d * 10.0) as u64);
    }
    assert!(seen.len() > 10, "jitter should vary: {seen:?}");
}

#[tokio::test(start_paused = true)]
async fn retryable_failures_are_retried_with_backoff_then_delivered() {
    let t = Scripted::new(vec![Err(SendError::retryable("503")), Err(SendError::retryable("reset"))]);
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 300), queue(10, 1), None, &tel);
    e.start().await.unwrap();
    let t0 = Instant::now();
    e.export(batch(7).into()).await.unwrap();
    until(|| t.delivered() == [7]).await;
    let at: Vec<u64> = t.attempts().iter().map(|(i, _)| (*i - t0).as_millis() as u64 / 100).collect();
    assert_eq!(at, [0, 10, 30], "attempts at 0s, 1s, 3s (in tenths)");
    assert_eq!(counter(&tel, "dbintel_exporter_retries_total", None), 2);
    assert_eq!(counter(&tel, "otelcol_exporter_sent_metric_points", None), 1);
    assert_eq!(counter(&tel, "otelcol_exporter_send_failed_metric_points", None), 0);
    e.shutdown().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_when_longer_than_the_backoff() {
    let hint = SendError::Retryable { message: "429".into(), retry_after: Some(Duration::from_secs(20)) };
    let t = Scripted::new(vec![Err(hint)]);
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 300), queue(10, 1), None, &tel);
    e.start().await.unwrap();
    let t0 = Instant::now();
    e.export(batch(1).into()).await.unwrap();
    until(|| t.delivered() == [1]).await;
    let second = t.attempts()[1].0 - t0;
    assert!(second >= Duration::from_secs(20) && second < Duration::from_secs(21), "{second:?}");
}

#[tokio::test(start_paused = true)]
async fn permanent_failures_are_dropped_at_once_and_counted() {
    let t = Scripted::new(vec![Err(SendError::permanent("400 Bad Request"))]);
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 300), queue(10, 1), None, &tel);
    e.start().await.unwrap();
    e.export(batch(1).into()).await.unwrap();
    e.export(batch(2).into()).await.unwrap();
    until(|| t.delivered() == [2]).await;
    assert_eq!(t.attempts().len(), 2, "the permanent failure is not retried");
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("permanent")), 1);
    assert_eq!(counter(&tel, "otelcol_exporter_send_failed_metric_points", None), 1);
    assert_eq!(counter(&tel, "dbintel_exporter_retries_total", None), 0);
}

#[tokio::test(start_paused = true)]
async fn retries_stop_after_max_elapsed_time() {
    let t = Scripted::failing();
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 4, 20), queue(10, 1), None, &tel);
    e.start().await.unwrap();
    e.export(batch(1).into()).await.unwrap();
    until(|| counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("retries_exhausted")) == 1)
        .await;
    // Attempts at 0, 1, 3, 7, 11, 15 and 19s; the next wait (4s) would pass 20s.
    assert_eq!(t.attempts().len(), 7);
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(t.attempts().len(), 7, "never retried after giving up");
}

#[tokio::test(start_paused = true)]
async fn zero_max_elapsed_time_retries_until_the_backend_returns() {
    let t = Scripted::failing();
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 0), queue(10, 1), None, &tel);
    e.start().await.unwrap();
    e.export(batch(5).into()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3 * 3600)).await;
    assert!(t.attempts().len() > 300, "{}", t.attempts().len());
    t.set_fallback(Ok(SendReport::default()));
    until(|| t.delivered() == [5]).await;
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_requests_total", None), 0);
}

#[tokio::test(start_paused = true)]
async fn disabled_retry_drops_a_retryable_failure() {
    let t = Scripted::failing();
    let tel = Registry::new();
    let r = RetryConfig { enabled: false, ..RetryConfig::default() };
    let mut e = exporter(&t, r, queue(10, 1), None, &tel);
    e.start().await.unwrap();
    e.export(batch(1).into()).await.unwrap();
    until(|| counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("retries_exhausted")) == 1)
        .await;
    assert_eq!(t.attempts().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn partial_success_counts_rejected_items_and_is_not_retried() {
    let report = SendReport { rejected_items: 1, message: Some("bad point".into()), bytes_on_wire: 42 };
    let t = Scripted::new(vec![Ok(report)]);
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 300), queue(10, 1), None, &tel);
    e.start().await.unwrap();
    e.export(batch(1).into()).await.unwrap();
    until(|| t.attempts().len() == 1).await;
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(t.attempts().len(), 1);
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("rejected")), 1);
    assert_eq!(counter(&tel, "otelcol_exporter_sent_metric_points", None), 0);
    assert_eq!(counter(&tel, "dbintel_exporter_sent_request_bytes_total", None), 42);
}

// ---------------------------------------------------------------------------------------------
// The queue.

#[tokio::test(start_paused = true)]
async fn a_full_queue_rejects_new_requests_and_counts_them() {
    let t = Scripted::new(Vec::new());
    t.hold(true);
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 300), queue(2, 1), None, &tel);
    e.start().await.unwrap();
    assert_eq!(gauge(&tel, "otelcol_exporter_queue_capacity"), 2.0);
    e.export(batch(1).into()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await; // the consumer takes #1 and holds it
    e.export(batch(2).into()).await.unwrap();
    e.export(batch(3).into()).await.unwrap();
    assert_eq!(gauge(&tel, "otelcol_exporter_queue_size"), 2.0);
    let err = e.export(batch(4).into()).await.unwrap_err();
    assert!(err.to_string().contains("full"), "{err}");
    assert_eq!(counter(&tel, "otelcol_exporter_enqueue_failed_metric_points", None), 1);
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("queue_full")), 1);
    t.hold(false);
    until(|| t.delivered().len() == 3).await;
    assert_eq!(t.delivered(), [1, 2, 3]);
    e.export(batch(5).into()).await.unwrap();
    until(|| t.delivered().len() == 4).await;
}

#[tokio::test(start_paused = true)]
async fn block_on_overflow_waits_for_room_instead_of_dropping() {
    let t = Scripted::new(Vec::new());
    t.hold(true);
    let tel = Registry::new();
    let q = QueueConfig { block_on_overflow: true, ..queue(1, 1) };
    let mut e = exporter(&t, retry(1, 30, 300), q, None, &tel);
    e.start().await.unwrap();
    e.export(batch(1).into()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    e.export(batch(2).into()).await.unwrap();
    let t2 = t.clone();
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        t2.hold(false);
    });
    let started = Instant::now();
    e.export(batch(3).into()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(5), "export waited for room");
    release.await.unwrap();
    until(|| t.delivered().len() == 3).await;
    assert_eq!(counter(&tel, "otelcol_exporter_enqueue_failed_metric_points", None), 0);
}

#[tokio::test(start_paused = true)]
async fn disabled_queue_sends_before_export_returns() {
    let t = Scripted::new(vec![Err(SendError::retryable("503"))]);
    let tel = Registry::new();
    let q = QueueConfig { enabled: false, ..QueueConfig::default() };
    let mut e = exporter(&t, retry(1, 30, 300), q, None, &tel);
    e.start().await.unwrap();
    e.export(batch(9).into()).await.unwrap();
    assert_eq!(t.delivered(), [9]);
    assert_eq!(gauge(&tel, "otelcol_exporter_queue_capacity"), 0.0);
}

#[tokio::test(start_paused = true)]
async fn prepare_hook_splits_requests() {
    let t = Scripted::new(Vec::new());
    let tel = Registry::new();
    let e = exporter(&t, retry(1, 30, 300), queue(10, 1), None, &tel);
    let mut e = e.with_prepare(Box::new(|p: Payload| vec![p.clone(), p]));
    e.start().await.unwrap();
    e.export(batch(3).into()).await.unwrap();
    until(|| t.delivered().len() == 2).await;
    assert_eq!(counter(&tel, "otelcol_exporter_sent_metric_points", None), 2);
}

#[tokio::test(start_paused = true)]
async fn shutdown_drains_the_memory_queue() {
    let t = Scripted::new(Vec::new());
    t.hold(true);
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 300), queue(100, 2), None, &tel);
    e.start().await.unwrap();
    for i in 0..20 {
        e.export(batch(i).into()).await.unwrap();
    }
    t.hold(false);
    e.shutdown().await.unwrap();
    let mut got = t.delivered();
    got.sort_unstable();
    assert_eq!(got, (0..20).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn shutdown_with_the_backend_down_ends_in_time_and_counts_the_loss() {
    let t = Scripted::failing();
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 0), queue(100, 2), None, &tel);
    e.start().await.unwrap();
    for i in 0..5 {
        e.export(batch(i).into()).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(10)).await;
    let started = Instant::now();
    e.shutdown().await.unwrap();
    assert!(started.elapsed() <= Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("shutdown")), 5);
}

#[tokio::test(start_paused = true)]
async fn a_hung_backend_cannot_hold_shutdown_past_the_deadline() {
    let t = Scripted::new(Vec::new());
    t.hold(true);
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 0), queue(100, 1), None, &tel);
    e.start().await.unwrap();
    e.export(batch(1).into()).await.unwrap();
    let started = Instant::now();
    e.shutdown().await.unwrap();
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(3) && took < Duration::from_secs(4), "{took:?}");
}

// ---------------------------------------------------------------------------------------------
// The persistent queue.

#[tokio::test(start_paused = true)]
async fn persistent_queue_survives_a_crash_and_replays_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let down = Scripted::failing();
    let tel = Registry::new();
    let mut e = exporter(&down, retry(1, 30, 0), queue(100, 3), Some(storage(dir.path())), &tel);
    e.start().await.unwrap();
    for i in 0..10 {
        e.export(batch(i).into()).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(queued_files(dir.path()), 10, "every request is on disk, including those in flight");
    // A crash: the exporter vanishes without shutdown.
    drop(e);
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(queued_files(dir.path()), 10);

    let up = Scripted::new(Vec::new());
    let tel2 = Registry::new();
    let mut e = exporter(&up, retry(1, 30, 0), queue(100, 1), Some(storage(dir.path())), &tel2);
    e.start().await.unwrap();
    e.export(batch(10).into()).await.unwrap();
    until(|| up.delivered().len() == 11).await;
    assert_eq!(up.delivered(), (0..11).collect::<Vec<_>>(), "replayed in order, new data after");
    until(|| queued_files(dir.path()) == 0).await;
    e.shutdown().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn shutdown_keeps_unsent_requests_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let down = Scripted::failing();
    let tel = Registry::new();
    let mut e = exporter(&down, retry(1, 30, 0), queue(100, 2), Some(storage(dir.path())), &tel);
    e.start().await.unwrap();
    for i in 0..4 {
        e.export(batch(i).into()).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let started = Instant::now();
    e.shutdown().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(queued_files(dir.path()), 4);
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_requests_total", None), 0);
}

#[tokio::test(start_paused = true)]
async fn persistent_queue_is_bounded_by_queue_size() {
    let dir = tempfile::tempdir().unwrap();
    let down = Scripted::failing();
    down.hold(true);
    let tel = Registry::new();
    let mut e = exporter(&down, retry(1, 30, 0), queue(3, 1), Some(storage(dir.path())), &tel);
    e.start().await.unwrap();
    e.export(batch(0).into()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await; // in flight
    for i in 1..4 {
        e.export(batch(i).into()).await.unwrap();
    }
    assert!(e.export(batch(4).into()).await.is_err());
    assert_eq!(queued_files(dir.path()), 4, "queue_size + one in flight per consumer");
    assert_eq!(counter(&tel, "otelcol_exporter_enqueue_failed_metric_points", None), 1);
}

#[tokio::test(start_paused = true)]
async fn corrupt_and_partial_files_are_skipped_counted_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("exporter_otlphttp_test");
    std::fs::create_dir_all(&sub).unwrap();
    let good = persistent::encode(&Payload::Metrics(dbintel_otlp::to_proto_metrics(match &batch(1) {
        SignalData::Metrics(m) => m,
        _ => unreachable!(),
    })));
    std::fs::write(sub.join("00000000000000000001.req"), &good).unwrap();
    std::fs::write(sub.join("00000000000000000002.req"), &good[..good.len() - 3]).unwrap(); // truncated
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0xff;
    std::fs::write(sub.join("00000000000000000003.req"), &flipped).unwrap(); // bit rot
    std::fs::write(sub.join("00000000000000000004.req"), b"").unwrap(); // empty
    std::fs::write(sub.join("00000000000000000005.tmp"), b"half a write").unwrap();
    std::fs::write(sub.join("notes.txt"), b"not ours").unwrap();
    let up = Scripted::new(Vec::new());
    let tel = Registry::new();
    let mut e = exporter(&up, retry(1, 30, 0), queue(100, 1), Some(storage(dir.path())), &tel);
    e.start().await.unwrap();
    e.export(batch(2).into()).await.unwrap();
    until(|| up.delivered().len() == 2).await;
    assert_eq!(up.delivered(), [1, 2]);
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_requests_total", Some("corrupt")), 3);
    until(|| queued_files(dir.path()) == 0).await;
    assert!(!sub.join("00000000000000000005.tmp").exists());
    assert!(sub.join("notes.txt").exists(), "foreign files are left alone");
    // Sequence numbers continue after the largest found, so new files sort after old ones.
    e.shutdown().await.unwrap();
}

#[test]
fn queue_files_round_trip_and_reject_damage() {
    let Payload::Metrics(req) = (match batch(42) {
        SignalData::Metrics(m) => Payload::Metrics(dbintel_otlp::to_proto_metrics(&m)),
        _ => unreachable!(),
    }) else {
        unreachable!()
    };
    let p = Payload::Metrics(req);
    let bytes = persistent::encode(&p);
    assert_eq!(persistent::decode(&bytes).unwrap(), p);
    for cut in 0..bytes.len() {
        assert!(persistent::decode(&bytes[..cut]).is_err(), "a cut at {cut} must not decode");
    }
    let mut bad = bytes.clone();
    bad[5] = 9;
    assert!(persistent::decode(&bad).unwrap_err().contains("signal tag"));
    let logs = Payload::Logs(dbintel_otlp::to_proto_logs(&dbintel_otlp::fixtures::sample_logs()));
    assert_eq!(persistent::decode(&persistent::encode(&logs)).unwrap(), logs);
    assert!(logs.items() > 0);
    // Spans too: a persistent queue survives a restart with a traces request intact.
    let traces = Payload::Traces(dbintel_otlp::to_proto_traces(&dbintel_otlp::fixtures::sample_traces()));
    assert_eq!(persistent::decode(&persistent::encode(&traces)).unwrap(), traces);
    assert_eq!(traces.items(), 3);
    assert_eq!(traces.signal(), dbintel_core::Signal::Traces);
}

#[test]
fn store_continues_the_sequence_and_cleans_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let id: ComponentId = "otlp/a b".parse().unwrap_or_else(|_| "otlp/ab".parse().unwrap());
    let s = storage(dir.path());
    let (store, found, next) = FileQueueStore::open(&s, &id, 1 << 20).unwrap();
    assert!(found.is_empty());
    assert_eq!(next, 1);
    let p = Payload::Logs(dbintel_otlp::to_proto_logs(&dbintel_otlp::fixtures::sample_logs()));
    store.write(7, &p).unwrap();
    store.write(3, &p).unwrap();
    std::fs::write(store.dir().join("00000000000000000009.tmp"), b"x").unwrap();
    let (store, found, next) = FileQueueStore::open(&s, &id, 1 << 20).unwrap();
    assert_eq!(found.iter().map(|f| f.seq).collect::<Vec<_>>(), [3, 7]);
    assert_eq!(next, 8);
    assert!(!store.dir().join("00000000000000000009.tmp").exists());
    assert_eq!(store.read(7).unwrap(), p);
    store.remove(7).unwrap();
    store.remove(7).unwrap();
    assert!(matches!(store.read(7), Err(persistent::ReadError::Io { .. })));
    // Oversized files are not read into memory.
    let (small, _, _) = FileQueueStore::open(&s, &id, 10).unwrap();
    assert!(matches!(small.read(3), Err(persistent::ReadError::Corrupt { .. })));
}

// ---------------------------------------------------------------------------------------------
// Config.

#[test]
fn defaults_match_the_collector() {
    let r = RetryConfig::default();
    assert!(r.enabled);
    assert_eq!(r.initial_interval, GoDuration::from_secs(5));
    assert_eq!(r.max_interval, GoDuration::from_secs(30));
    assert_eq!(r.max_elapsed_time, GoDuration::from_secs(300));
    assert_eq!(r.multiplier, 1.5);
    assert_eq!(r.randomization_factor, 0.5);
    let q = QueueConfig::default();
    assert!(q.enabled && !q.block_on_overflow && q.storage.is_none());
    assert_eq!((q.num_consumers, q.queue_size), (10, 1000));
}

#[test]
fn config_problems_are_named_by_path() {
    let r: RetryConfig = dbintel_core::parse_component_config(
        &serde_json::json!({"multiplier": 0.5, "initial_interval": "0s"}),
    )
    .unwrap();
    let q: QueueConfig = dbintel_core::parse_component_config(
        &serde_json::json!({"queue_size": 0, "num_consumers": 0, "storage": "health_check"}),
    )
    .unwrap();
    let paths: Vec<String> = helper_problems(&r, &q).into_iter().map(|p| p.path).collect();
    for want in [
        "retry_on_failure.initial_interval",
        "retry_on_failure.multiplier",
        "sending_queue.queue_size",
        "sending_queue.num_consumers",
        "sending_queue.storage",
    ] {
        assert!(paths.iter().any(|p| p == want), "{want} missing in {paths:?}");
    }
    assert!(
        dbintel_core::parse_component_config::<QueueConfig>(&serde_json::json!({"queue_sise": 1})).is_err()
    );
}

#[test]
fn storage_is_resolved_through_the_host() {
    let id: ComponentId = "otlphttp/x".parse().unwrap();
    let ctx = CreateContext::new(id, Registry::new());
    let q = QueueConfig { storage: Some("file_storage/q".into()), ..QueueConfig::default() };
    let t = Scripted::new(Vec::new());
    let err = QueuedExporter::new(&ctx, Handle(t.clone()), RetryConfig::default(), q.clone()).err().unwrap();
    assert_eq!(err[0].path, "sending_queue.storage");
    assert!(err[0].message.contains("not defined"), "{}", err[0].message);
    let fs: dbintel_extensions::file_storage::FileStorageConfig = dbintel_core::parse_component_config(
        &serde_json::json!({"directory": "/tmp/dbintel-q", "fsync": true}),
    )
    .unwrap();
    ctx.host.add_extension(
        "file_storage/q".parse().unwrap(),
        std::sync::Arc::new(dbintel_extensions::file_storage::Storage::from(&fs)),
    );
    let s = resolve_storage(&q, &ctx.host).unwrap().unwrap();
    assert_eq!(s.directory, std::path::PathBuf::from("/tmp/dbintel-q"));
    assert!(s.fsync && s.create_directory);
    assert!(QueuedExporter::new(&ctx, Handle(t), RetryConfig::default(), q).is_ok());
    let refs =
        storage_references(&QueueConfig { storage: Some("file_storage/q".into()), ..QueueConfig::default() });
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].2, "sending_queue.storage");
}

// ---------------------------------------------------------------------------------------------
// Logging once per streak (issue 8, finding 10) and health (finding 13).

/// `n` requests dropped for good (HTTP 500 forever is permanent for otlphttp), then one delivery.
async fn permanent_streak(n: i64) -> (Vec<String>, Registry) {
    let (logs, _guard) = dbintel_test_support::capture_logs();
    let t = Scripted::new(Vec::new());
    t.set_fallback(Err(SendError::permanent(
        "HTTP 500 Internal Server Error from http://user:s3cret@backend:4318",
    )));
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 300), queue(1000, 4), None, &tel);
    e.start().await.unwrap();
    for i in 0..n {
        e.export(batch(i).into()).await.unwrap();
    }
    until(|| counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("permanent")) == n as u64)
        .await;
    t.set_fallback(Ok(SendReport::default()));
    e.export(batch(n).into()).await.unwrap();
    until(|| t.delivered() == [n]).await;
    e.shutdown().await.unwrap();
    (logs.lines(), tel)
}

#[tokio::test(start_paused = true)]
async fn permanent_drops_are_logged_once_per_streak_with_counts() {
    let (few, _) = permanent_streak(3).await;
    let (many, tel) = permanent_streak(300).await;
    assert_eq!(
        few.len(),
        many.len(),
        "lines do not grow with failures:\n{}\n---\n{}",
        few.join("\n"),
        many.join("\n")
    );
    assert!(many.len() <= 2, "{}", many.join("\n"));
    assert_eq!(many.iter().filter(|l| l.contains("ERROR")).count(), 1, "{}", many.join("\n"));
    let end = many.iter().find(|l| l.contains("recovered")).expect("a line closes the streak");
    assert!(end.contains("dropped_requests=300") && end.contains("dropped_items=300"), "{end}");
    assert!(end.contains("failed_attempts=300"), "{end}");
    assert!(many.iter().all(|l| !l.contains("s3cret")), "{}", many.join("\n"));
    assert_eq!(counter(&tel, "otelcol_exporter_send_failed_metric_points", None), 300);
}

/// 429 with `Retry-After: 3600` forever, `n` requests, 2 consumers, until every request is dropped.
async fn retry_after_streak(n: i64) -> (Vec<String>, Vec<(Instant, Vec<i64>)>, Registry) {
    let (logs, _guard) = dbintel_test_support::capture_logs();
    let t = Scripted::new(Vec::new());
    let hint =
        SendError::Retryable { message: "HTTP 429".into(), retry_after: Some(Duration::from_secs(3600)) };
    t.set_fallback(Err(hint));
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 300), queue(1000, 2), None, &tel);
    e.start().await.unwrap();
    for i in 0..n {
        e.export(batch(i).into()).await.unwrap();
    }
    until(|| {
        counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("retries_exhausted")) == n as u64
    })
    .await;
    e.shutdown().await.unwrap();
    (logs.lines(), t.attempts(), tel)
}

#[tokio::test(start_paused = true)]
async fn an_hour_long_retry_after_is_capped_by_max_elapsed_time_and_logged_once_per_streak() {
    let (lines, attempts, tel) = retry_after_streak(4).await;
    // The first request: the hint (1h) is honoured up to max_elapsed_time (300s): a last attempt
    // then, and the request is dropped; not dropped at once, not parked for an hour.
    let first: Vec<Instant> = attempts.iter().filter(|(_, v)| v == &[0]).map(|(t, _)| *t).collect();
    assert_eq!(first.len(), 2, "attempts at 0 and 300s");
    assert_eq!(first[1] - first[0], Duration::from_secs(300));
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("retries_exhausted")), 4);
    // Lines: the streak's first failure, its first drop and its end, whatever the number of
    // requests; between them a summary at most once a minute (4 requests / 2 consumers x 300s).
    let (many_lines, many_attempts, _) = retry_after_streak(16).await;
    let summaries = |l: &[String]| l.iter().filter(|l| l.contains("still failing")).count();
    let others = |l: &[String]| l.len() - summaries(l);
    assert_eq!(others(&lines), 3, "{}", lines.join("\n"));
    assert_eq!(others(&many_lines), 3, "{}", many_lines.join("\n"));
    assert!(summaries(&lines) <= 600 / 60, "{}", lines.join("\n"));
    assert!(summaries(&many_lines) <= 16 / 2 * 300 / 60, "{}", many_lines.join("\n"));
    assert_eq!(many_attempts.len(), 16 * 2, "every request was retried once, at max_elapsed_time");
    let end = many_lines.iter().find(|l| l.contains("ended at shutdown")).expect("the streak's totals");
    assert!(end.contains("dropped_requests=16") && end.contains("dropped_items=16"), "{end}");
}

#[tokio::test(start_paused = true)]
async fn health_is_recoverable_while_deliveries_fail_and_ok_after_a_success() {
    let t = Scripted::failing();
    t.set_fallback(Err(SendError::retryable(
        "connection refused (http://ingest:p4ss@127.0.0.1:9/v1/metrics)",
    )));
    let tel = Registry::new();
    let health = dbintel_core::health::HealthRegistry::new();
    let handle = health.register(dbintel_core::ComponentKind::Exporter, "otlphttp/test".parse().unwrap());
    let mut e = exporter(&t, retry(1, 30, 0), queue(10, 1), None, &tel);
    assert!(Exporter::attach_health(&mut e, handle.clone()), "the queued exporter reports its own status");
    e.start().await.unwrap();
    handle.ok();
    e.export(batch(1).into()).await.unwrap();
    until(|| t.attempts().len() >= 2).await;
    let status = health.snapshot()[0].status.clone();
    assert_eq!(status.name(), "recoverable_error");
    let error = status.error().unwrap_or_default().to_string();
    assert!(error.contains("connection refused") && !error.contains("p4ss"), "{error}");
    t.set_fallback(Ok(SendReport::default()));
    until(|| t.delivered() == [1]).await;
    assert_eq!(health.snapshot()[0].status.name(), "ok");
    e.shutdown().await.unwrap();
}

#[test]
fn server_hints_are_honoured_up_to_max_elapsed_time() {
    let s = Duration::from_secs;
    let mut b = Backoff::new(&retry(5, 30, 300));
    // Within the budget: the hint wins over a shorter backoff.
    assert_eq!(exporter::retry_delay(&mut b, Some(s(60)), s(0), s(300)), Some(s(60)));
    // An hour: capped at what is left of max_elapsed_time.
    assert_eq!(exporter::retry_delay(&mut b, Some(s(3600)), s(100), s(300)), Some(s(200)));
    // The backoff itself would pass max_elapsed_time: dropped, whatever the hint.
    assert_eq!(exporter::retry_delay(&mut b, Some(s(3600)), s(299), s(300)), None);
    // Retry forever: a hint is capped at one hour.
    let mut b = Backoff::new(&retry(5, 30, 0));
    assert_eq!(exporter::retry_delay(&mut b, Some(s(86_400)), s(0), s(0)), Some(s(3600)));
}

// ---------------------------------------------------------------------------------------------
// Memory: what the queue counts is what it holds (issue 8, finding 8).

/// A metrics batch of `n` points with a few attributes each (a realistic encoded size).
fn wide_batch(n: usize, base: i64) -> Payload {
    let points = (0..n)
        .map(|i| {
            let mut attributes = dbintel_core::pdata::Attributes::default();
            attributes.insert("series", format!("series-{}", i % 1000));
            attributes.insert("host", format!("host-{}", i % 7));
            NumberDataPoint {
                attributes,
                start_time_unix_nano: 0,
                time_unix_nano: 1,
                value: NumberValue::Int(base + i as i64),
                flags: 0,
            }
        })
        .collect();
    let m = Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Default::default(),
            scope_metrics: vec![ScopeMetrics {
                scope: Default::default(),
                metrics: vec![Metric {
                    name: "wide".into(),
                    description: String::new(),
                    unit: "1".into(),
                    data: MetricData::Gauge(points),
                }],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    };
    Payload::Metrics(dbintel_otlp::to_proto_metrics(&m))
}

#[tokio::test]
async fn the_queue_counts_exactly_the_bytes_it_holds_and_refuses_beyond_the_cap() {
    use super::queue::{Entry, Queue};
    use dbintel_core::telemetry::Gauge;
    let cap = 200_000;
    let q = Queue::new(10_000, cap, Gauge::default(), Gauge::default());
    let (mut accepted, mut refused) = (0, 0);
    for i in 0..300usize {
        let p = wide_batch(1 + (i * 37) % 400, i as i64);
        let e = Encoded::new(&p);
        // The entry holds the encoding only: its allocation is the encoded length.
        assert_eq!(e.held_bytes(), p.encoded_len() as u64);
        assert_eq!(e.decode().unwrap(), p, "the encoding round-trips");
        let size = e.held_bytes();
        let before = q.counted_bytes();
        match q.try_push(Entry::Memory(e, Vec::new())) {
            Ok(()) => {
                accepted += 1;
                assert!(before + size <= cap || before == 0, "accepted past the cap");
            }
            Err(_) => {
                refused += 1;
                assert!(before + size > cap, "refused although it fits");
            }
        }
        assert_eq!(q.counted_bytes(), q.held_bytes(), "counted == held after push {i}");
        assert!(q.counted_bytes() <= cap);
        if i % 4 == 0 {
            let _ = q.pop().await;
            assert_eq!(q.counted_bytes(), q.held_bytes(), "counted == held after pop {i}");
        }
    }
    assert!(accepted > 10 && refused > 10, "{accepted} accepted, {refused} refused");
    q.close();
    let left = q.take_all();
    assert_eq!(q.counted_bytes(), 0);
    assert_eq!(q.held_bytes(), 0);
    assert!(!left.is_empty());
}

#[tokio::test(start_paused = true)]
async fn the_exporter_keeps_queued_bytes_within_max_size_mib() {
    let t = Scripted::new(Vec::new());
    t.hold(true);
    let tel = Registry::new();
    let q = QueueConfig { max_size_mib: 1, ..queue(100_000, 1) };
    let mut e = exporter(&t, retry(1, 30, 300), q, None, &tel);
    e.start().await.unwrap();
    let one = wide_batch(2000, 0).encoded_len() as f64;
    let mut refused = 0u64;
    for i in 0..100 {
        if e.enqueue(wide_batch(2000, i)).await.is_err() {
            refused += 1;
        }
    }
    let queued = gauge(&tel, "dbintel_exporter_queue_bytes");
    assert!(queued <= 1024.0 * 1024.0, "{queued}");
    assert!(queued > 1024.0 * 1024.0 - 2.0 * one, "filled up to the cap: {queued}");
    assert_eq!(queued as u64, e.queued_bytes_held(), "the gauge is what the queue holds");
    assert!(refused > 50, "{refused}");
    assert_eq!(
        counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("queue_full")),
        refused * 2000
    );
    t.hold(false);
    e.shutdown().await.unwrap();
}

/// A backend that fails every other request (`n` failures), one consumer.
async fn flapping(n: usize) -> (Vec<String>, Registry) {
    let (logs, _guard) = dbintel_test_support::capture_logs();
    let mut script = Vec::new();
    for _ in 0..n {
        script.push(Err(SendError::permanent("HTTP 500")));
        script.push(Ok(SendReport::default()));
    }
    let t = Scripted::new(script);
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 300), queue(10_000, 1), None, &tel);
    e.start().await.unwrap();
    for i in 0..(2 * n) as i64 {
        e.export(batch(i).into()).await.unwrap();
    }
    until(|| t.attempts().len() == 2 * n).await;
    e.shutdown().await.unwrap();
    (logs.lines(), tel)
}

#[tokio::test(start_paused = true)]
async fn a_flapping_backend_does_not_log_a_line_per_streak() {
    let (few, _) = flapping(2).await;
    let (many, tel) = flapping(200).await;
    assert_eq!(few.len(), many.len(), "{}\n---\n{}", few.join("\n"), many.join("\n"));
    assert!(many.len() <= 3, "{}", many.join("\n"));
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("permanent")), 200);
    // The counts of the silent streaks are carried into the last line.
    let last = many.last().unwrap();
    assert!(last.contains("ended at shutdown") && last.contains("dropped_requests=199"), "{last}");
}

#[tokio::test(start_paused = true)]
async fn shutdown_counts_and_reports_in_flight_and_queued_requests_once() {
    let (logs, _guard) = dbintel_test_support::capture_logs();
    let t = Scripted::new(Vec::new());
    t.hold(true); // a backend that never answers: the consumer's attempt hangs
    let tel = Registry::new();
    let mut e = exporter(&t, retry(1, 30, 0), queue(100, 1), None, &tel);
    e.start().await.unwrap();
    for i in 0..3 {
        e.export(batch(i).into()).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    e.shutdown().await.unwrap();
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("shutdown")), 3);
    assert_eq!(counter(&tel, "otelcol_exporter_send_failed_metric_points", None), 3);
    let lines = logs.lines();
    let reports: Vec<&String> = lines.iter().filter(|l| l.contains("the rest was dropped")).collect();
    assert_eq!(reports.len(), 1, "{}", lines.join("\n"));
    assert!(
        reports[0].contains("items=3")
            && reports[0].contains("in_flight=1")
            && reports[0].contains("queued=2"),
        "{}",
        reports[0]
    );
}

// ---------------------------------------------------------------------------------------------
// sizer, wait_for_result, batch.

/// One metrics batch with `n` gauge points valued `first..first+n`.
fn batch_of(first: i64, n: i64) -> SignalData {
    let SignalData::Metrics(mut m) = batch(first) else { unreachable!() };
    if let MetricData::Gauge(points) = &mut m.resource_metrics[0].scope_metrics[0].metrics[0].data {
        let template = points[0].clone();
        points.clear();
        for v in first..first + n {
            points.push(NumberDataPoint { value: NumberValue::Int(v), ..template.clone() });
        }
    }
    SignalData::Metrics(m)
}

#[tokio::test(start_paused = true)]
async fn sizer_items_bounds_the_queue_by_points() {
    let t = Scripted::new(Vec::new());
    t.hold(true);
    let tel = Registry::new();
    let q = QueueConfig { sizer: QueueSizer::Items, ..queue(10, 1) };
    let mut e = exporter(&t, retry(1, 30, 300), q, None, &tel);
    e.start().await.unwrap();
    e.export(batch_of(0, 4).into()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await; // the consumer takes it and holds it
    e.export(batch_of(10, 6).into()).await.unwrap();
    e.export(batch_of(20, 4).into()).await.unwrap();
    assert_eq!(gauge(&tel, "otelcol_exporter_queue_size"), 10.0, "the size counts points");
    // 10 points queued: one more point does not fit; a request larger than the queue never fits.
    let err = e.export(batch_of(30, 1).into()).await.unwrap_err();
    assert!(err.to_string().contains("full"), "{err}");
    t.hold(false);
    until(|| t.delivered().len() == 14).await;
    let err = e.export(batch_of(40, 11).into()).await.unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", Some("queue_full")), 12);
}

#[tokio::test(start_paused = true)]
async fn sizer_bytes_bounds_the_queue_by_encoded_bytes() {
    let t = Scripted::new(Vec::new());
    t.hold(true);
    let tel = Registry::new();
    let one = Encoded::new(&Payload::Metrics(dbintel_otlp::to_proto_metrics(match &batch_of(0, 5) {
        SignalData::Metrics(m) => m,
        _ => unreachable!(),
    })))
    .body
    .len();
    // Room for two requests of 5 points and a bit, not three.
    let q = QueueConfig { sizer: QueueSizer::Bytes, ..queue(one * 2 + one / 2, 1) };
    let mut e = exporter(&t, retry(1, 30, 300), q, None, &tel);
    e.start().await.unwrap();
    e.export(batch_of(0, 5).into()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    e.export(batch_of(0, 5).into()).await.unwrap();
    e.export(batch_of(0, 5).into()).await.unwrap();
    assert_eq!(gauge(&tel, "otelcol_exporter_queue_size"), (one * 2) as f64);
    assert!(e.export(batch_of(0, 5).into()).await.is_err());
    t.hold(false);
    until(|| t.delivered().len() == 15).await;
}

#[tokio::test(start_paused = true)]
async fn wait_for_result_returns_the_delivery_outcome() {
    let t = Scripted::new(vec![Ok(SendReport::default())]);
    let tel = Registry::new();
    let q = QueueConfig { wait_for_result: true, ..queue(10, 2) };
    let mut e = exporter(&t, RetryConfig { enabled: false, ..retry(1, 1, 0) }, q, None, &tel);
    e.start().await.unwrap();
    // Delivered: export returns once the transport has accepted it.
    e.export(batch(1).into()).await.unwrap();
    assert_eq!(t.delivered(), [1], "export returned before delivery");
    // A permanent failure reaches the caller.
    t.set_fallback(Err(SendError::permanent("400 Bad Request")));
    let err = e.export(batch(2).into()).await.unwrap_err();
    assert!(err.to_string().contains("not delivered"), "{err}");
    e.shutdown().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn batch_combines_queued_requests_up_to_min_size_or_the_flush_timeout() {
    let t = Scripted::new(Vec::new());
    t.hold(true);
    let tel = Registry::new();
    let b = QueueBatchConfig {
        enabled: true,
        flush_timeout: GoDuration::from_secs(1),
        min_size: 6,
        max_size: 8,
        sizer: QueueSizer::Items,
    };
    let q = QueueConfig { batch: Some(b), ..queue(100, 1) };
    let mut e = exporter(&t, retry(1, 30, 300), q, None, &tel);
    e.start().await.unwrap();
    for i in 0..5 {
        e.export(batch_of(i * 10, 2).into()).await.unwrap();
    }
    t.hold(false);
    // The consumer combines 2+2+2 (min_size 6) into one request; then 2+2 wait for the timeout.
    until(|| t.delivered().len() == 10).await;
    let sizes: Vec<usize> = t.attempts().iter().map(|(_, v)| v.len()).collect();
    assert_eq!(sizes, [6, 4], "{:?}", t.attempts());
    let (first, second) = (t.attempts()[0].0, t.attempts()[1].0);
    assert!(
        second.duration_since(first) >= Duration::from_secs(1),
        "the partial batch waited for flush_timeout"
    );
    assert_eq!(t.delivered(), [0, 1, 10, 11, 20, 21, 30, 31, 40, 41]);
    assert_eq!(counter(&tel, "otelcol_exporter_sent_metric_points", None), 10);

    // max_size: 5 points then 5 more cannot combine past 8.
    let t = Scripted::new(Vec::new());
    t.hold(true);
    let b = QueueBatchConfig {
        enabled: true,
        flush_timeout: GoDuration::from_millis(100),
        min_size: 8,
        max_size: 8,
        sizer: QueueSizer::Items,
    };
    let mut e = exporter(
        &t,
        retry(1, 30, 300),
        QueueConfig { batch: Some(b), ..queue(100, 1) },
        None,
        &Registry::new(),
    );
    e.start().await.unwrap();
    e.export(batch_of(0, 5).into()).await.unwrap();
    e.export(batch_of(100, 5).into()).await.unwrap();
    t.hold(false);
    until(|| t.delivered().len() == 10).await;
    let sizes: Vec<usize> = t.attempts().iter().map(|(_, v)| v.len()).collect();
    assert_eq!(sizes, [5, 5]);
}

#[test]
fn queue_keys_that_cannot_work_together_are_refused_with_a_reason() {
    let q: QueueConfig = dbintel_core::parse_component_config(&serde_json::json!({
        "sizer": "items", "storage": "file_storage", "batch": {"min_size": 10, "max_size": 5}
    }))
    .unwrap();
    let paths: Vec<String> = q.problems().into_iter().map(|p| p.path).collect();
    assert_eq!(paths, ["sizer", "batch", "batch.max_size"]);
    let q: QueueConfig = dbintel_core::parse_component_config(&serde_json::json!({
        "sizer": "bytes", "queue_size": 100_000_000, "wait_for_result": true,
        "batch": {"flush_timeout": "200ms", "min_size": 1000, "max_size": 5000, "sizer": "items"}
    }))
    .unwrap();
    assert!(q.problems().is_empty(), "{:?}", q.problems());
}

#[tokio::test(start_paused = true)]
async fn shutdown_sends_a_partial_batch_at_once() {
    let t = Scripted::new(Vec::new());
    let tel = Registry::new();
    let b = QueueBatchConfig {
        enabled: true,
        flush_timeout: GoDuration::from_secs(3600),
        min_size: 1000,
        max_size: 0,
        sizer: QueueSizer::Items,
    };
    let mut e = exporter(&t, retry(1, 30, 300), QueueConfig { batch: Some(b), ..queue(100, 1) }, None, &tel);
    e.start().await.unwrap();
    e.export(batch_of(0, 3).into()).await.unwrap();
    e.export(batch_of(10, 3).into()).await.unwrap();
    let started = Instant::now();
    e.shutdown().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "shutdown did not wait out the hour-long flush_timeout"
    );
    assert_eq!(t.delivered(), [0, 1, 2, 10, 11, 12]);
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total", None), 0);
}

#[tokio::test(start_paused = true)]
async fn a_batch_never_grows_past_max_batch_bytes() {
    let t = Scripted::new(Vec::new());
    t.hold(true);
    let one = Encoded::new(&Payload::Metrics(dbintel_otlp::to_proto_metrics(match &batch_of(0, 5) {
        SignalData::Metrics(m) => m,
        _ => unreachable!(),
    })))
    .body
    .len() as u64;
    let b = QueueBatchConfig {
        enabled: true,
        flush_timeout: GoDuration::from_millis(100),
        min_size: 1000,
        max_size: 0,
        sizer: QueueSizer::Items,
    };
    let mut e = exporter(
        &t,
        retry(1, 30, 300),
        QueueConfig { batch: Some(b), ..queue(100, 1) },
        None,
        &Registry::new(),
    )
    .with_max_batch_bytes(one * 2 + one / 2);
    e.start().await.unwrap();
    for i in 0..3 {
        e.export(batch_of(i * 10, 5).into()).await.unwrap();
    }
    t.hold(false);
    until(|| t.delivered().len() == 15).await;
    let sizes: Vec<usize> = t.attempts().iter().map(|(_, v)| v.len()).collect();
    assert_eq!(sizes, [10, 5], "two requests fit the byte cap, the third goes alone");
}

/// The Collector's `exporterhelper/internal/queuebatch/testdata`: `batch:` empty or set batches,
/// `batch: {enabled: false}` (its `configoptional` form) does not.
#[test]
fn batch_enabled_false_means_no_batching() {
    let q: QueueConfig = dbintel_core::parse_component_config(&serde_json::json!(
        {"enabled": true, "sizer": "requests", "batch": {"enabled": false}}
    ))
    .unwrap();
    assert!(q.batch.is_none());
    assert!(q.problems().is_empty());
    let q: QueueConfig = dbintel_core::parse_component_config(&serde_json::json!({"batch": null})).unwrap();
    assert_eq!(q.batch, Some(QueueBatchConfig::default()));
    let q: QueueConfig =
        dbintel_core::parse_component_config(&serde_json::json!({"batch": {"enabled": true, "min_size": 5}}))
            .unwrap();
    assert_eq!(q.batch.map(|b| b.min_size), Some(5));
}
