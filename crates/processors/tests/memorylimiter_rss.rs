//! memory_limiter against real memory: the real pipeline runtime, two receivers producing about
//! 150 MiB/s of log records (one scrapes and honours admission, one pushes and ignores it) and an
//! exporter that keeps everything it gets (a backend that never lets go), so without the limiter the
//! process would grow by several hundred MiB. The limiter (hard limit = this process's RSS at the
//! start + 128 MiB) must keep resident memory, sampled from /proc/self/statm every 2 ms, under the
//! hard limit, with refusals counted at the processor and skipped scrapes counted at the receiver.
//!
//! One test in this binary, so no other test's allocations move the RSS it measures.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::admission::Admit;
use dbintel_core::component::{ComponentError, ExportError, Exporter, Receiver, ReceiverContext};
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData, Value};
use dbintel_core::pipeline::{
    ExporterNode, PipelineNode, ReceiverNode, RuntimeSettings, ServiceGraph, start_with_host,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, CreateContext, Factory, Host};
use dbintel_processors::memorylimiter::{MemoryLimiterFactory, MemorySource, ProcessMemory};

const MIB: u64 = 1 << 20;
/// Records per batch and body bytes per record: a batch is about 512 KiB.
const RECORDS: usize = 128;
const BODY: usize = 4096;

fn batch(seq: u64) -> SignalData {
    let records = (0..RECORDS)
        .map(|i| LogRecord {
            event_name: "db.server.query_sample".into(),
            // Distinct text per record: real allocations, not one shared string.
            body: Some(Value::from(format!("{seq}:{i}:{}", "x".repeat(BODY)))),
            ..Default::default()
        })
        .collect();
    SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    })
}

/// Bytes the producers tried to send (including the scrapes admission made them skip).
static ATTEMPTED: AtomicU64 = AtomicU64::new(0);
const BATCH_BYTES: u64 = (RECORDS * BODY) as u64;

/// Scrapes every 5 ms (about 100 MiB/s) while admitted.
struct Scraper;

#[async_trait]
impl Receiver for Scraper {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        let mut seq = 0;
        while !ctx.shutdown.is_cancelled() {
            ATTEMPTED.fetch_add(BATCH_BYTES, Ordering::Relaxed);
            if !matches!(ctx.output.admit(None), Admit::Skip { .. }) {
                seq += 1;
                if ctx.output.send(batch(seq)).await.is_err() {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Ok(())
    }
}

/// Pushes every 10 ms (about 50 MiB/s) whatever admission says, as a push receiver would.
struct Pusher;

#[async_trait]
impl Receiver for Pusher {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        let mut seq = 1 << 32;
        while !ctx.shutdown.is_cancelled() {
            ATTEMPTED.fetch_add(BATCH_BYTES, Ordering::Relaxed);
            seq += 1;
            if ctx.output.send(batch(seq)).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(())
    }
}

/// Keeps every batch it is given.
struct Hoard {
    kept: Vec<Arc<SignalData>>,
    records: Arc<AtomicU64>,
}

#[async_trait]
impl Exporter for Hoard {
    async fn export(&mut self, data: Arc<SignalData>) -> Result<(), ExportError> {
        self.records.fetch_add(data.item_count() as u64, Ordering::Relaxed);
        self.kept.push(data);
        Ok(())
    }
}

#[test]
fn a_load_that_would_exceed_the_limit_keeps_rss_under_it_with_refusals_counted() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let memory = ProcessMemory::new();
    let baseline = memory.used_bytes().expect("reads /proc/self/statm");
    let hard_mib = baseline / MIB + 128;
    let hard = hard_mib * MIB;

    // The sampler: the highest RSS seen, every 2 ms, on its own thread.
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(baseline));
    let sampler = {
        let (stop, peak) = (stop.clone(), peak.clone());
        std::thread::spawn(move || {
            let memory = ProcessMemory::new();
            while !stop.load(Ordering::Relaxed) {
                if let Ok(rss) = memory.used_bytes() {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };

    let telemetry = Registry::new();
    let host = Host::new();
    let records = Arc::new(AtomicU64::new(0));
    let mut cc = CreateContext::new("memory_limiter".parse().unwrap(), telemetry.clone());
    cc.host = host.clone();
    cc.pipeline = Some("logs".parse().unwrap());
    let config = serde_json::json!({
        "check_interval": "20ms",
        "limit_mib": hard_mib,
        "spike_limit_mib": 64,
    });
    let Ok(Built::Processor(limiter)) = MemoryLimiterFactory.create(&cc, &config) else {
        panic!("memory_limiter builds");
    };
    let graph = ServiceGraph {
        receivers: vec![
            ReceiverNode {
                id: "sqlquery/scraper".parse().unwrap(),
                receiver: Box::new(Scraper),
                pipelines: vec!["logs".parse().unwrap()],
            },
            ReceiverNode {
                id: "otlp/pusher".parse().unwrap(),
                receiver: Box::new(Pusher),
                pipelines: vec!["logs".parse().unwrap()],
            },
        ],
        pipelines: vec![PipelineNode {
            id: "logs".parse().unwrap(),
            processors: vec![("memory_limiter".parse().unwrap(), limiter.into())],
            exporters: vec!["file/hoard".parse().unwrap()],
        }],
        exporters: vec![ExporterNode {
            id: "file/hoard".parse().unwrap(),
            exporter: Box::new(Hoard { kept: Vec::new(), records: records.clone() }),
        }],
        extensions: vec![],
    };
    rt.block_on(async {
        let svc = start_with_host(
            graph,
            RuntimeSettings::default(),
            telemetry.clone(),
            HealthRegistry::new(),
            host,
        )
        .await
        .expect("starts");
        // Until the producers have tried to send twice what the limit leaves (at least 2 s; a slow
        // machine takes longer, never more than 60 s).
        let started = tokio::time::Instant::now();
        while started.elapsed() < Duration::from_secs(60)
            && (started.elapsed() < Duration::from_secs(2)
                || ATTEMPTED.load(Ordering::Relaxed) <= 2 * (hard - baseline))
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        svc.shutdown().await;
    });
    stop.store(true, Ordering::Relaxed);
    sampler.join().unwrap();

    let peak = peak.load(Ordering::Relaxed);
    let attempted = ATTEMPTED.load(Ordering::Relaxed);
    let kept_bytes = records.load(Ordering::Relaxed) * BODY as u64;
    let refused = telemetry.counter_total("otelcol_processor_refused_log_records_total", &[]);
    let throttled = telemetry.counter_total(
        "dbintel_receiver_throttled_scrapes_total",
        &[("receiver", "sqlquery/scraper"), ("reason", "memory above the soft limit")],
    );
    eprintln!(
        "baseline {} MiB, hard limit {hard_mib} MiB, peak RSS {} MiB; producers attempted {} MiB, \
         the exporter kept {} MiB; refused {refused} records, skipped {throttled} scrapes",
        baseline / MIB,
        peak / MIB,
        attempted / MIB,
        kept_bytes / MIB,
    );
    assert!(attempted > 2 * (hard - baseline), "the load would have exceeded the limit");
    assert!(kept_bytes > 32 * MIB, "data flowed until the soft limit");
    assert!(peak < hard, "peak RSS {} MiB reached the hard limit {hard_mib} MiB", peak / MIB);
    assert!(refused > 0, "the pushing receiver's batches were refused at the processor");
    assert!(throttled > 0, "the scraping receiver was held through admission");
}
