//! Runtime throughput: a generator receiver -> batch -> one or three blackhole exporters, through the real
//! pipeline runtime (bounded channels, fan-out, telemetry counters). Reports log records per second.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::component::{ComponentError, ExportError, Exporter, Receiver, ReceiverContext};
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{Attributes, LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData, Value};
use dbintel_core::pipeline::{
    ExporterNode, PipelineNode, ReceiverNode, RuntimeSettings, ServiceGraph, start,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{GoDuration, Processor};
use dbintel_processors::batch::{BatchConfig, BatchProcessor};

// The binary's allocator, so the figures are the shipped collector's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BATCHES: usize = 200;
const RECORDS_PER_BATCH: usize = 500;

fn batch_of_events() -> SignalData {
    let records = (0..RECORDS_PER_BATCH)
        .map(|i| LogRecord {
            time_unix_nano: 1,
            event_name: "db.server.top_query".into(),
            body: Some(Value::Str("SELECT * FROM orders WHERE id = ?".into())),
            attributes: Attributes::from_iter([
                ("db.system.name", Value::from("postgresql")),
                ("db.query.text", Value::from("SELECT * FROM orders WHERE id = ?")),
                ("postgresql.calls", Value::Int(i as i64)),
                ("postgresql.total_exec_time", Value::Double(i as f64 * 0.5)),
            ]),
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

struct Generator(SignalData);

#[async_trait]
impl Receiver for Generator {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        for _ in 0..BATCHES {
            if ctx.output.send(self.0.clone()).await.is_err() {
                break;
            }
        }
        ctx.shutdown.cancelled().await;
        Ok(())
    }
}

struct Blackhole(Arc<AtomicU64>);

#[async_trait]
impl Exporter for Blackhole {
    async fn export(&mut self, data: Arc<SignalData>) -> Result<(), ExportError> {
        self.0.fetch_add(data.item_count() as u64, Ordering::Relaxed);
        Ok(())
    }
}

fn run_once(rt: &tokio::runtime::Runtime, template: &SignalData, exporters: usize) {
    rt.block_on(async {
        let seen = Arc::new(AtomicU64::new(0));
        let batch: Box<dyn Processor> = Box::new(BatchProcessor::new(BatchConfig {
            timeout: GoDuration(Duration::from_millis(200)),
            send_batch_size: 8192,
            send_batch_max_size: 0,
            ..BatchConfig::default()
        }));
        let graph = ServiceGraph {
            receivers: vec![ReceiverNode {
                id: "gen".parse().unwrap(),
                receiver: Box::new(Generator(template.clone())),
                pipelines: vec!["logs".parse().unwrap()],
            }],
            pipelines: vec![PipelineNode {
                id: "logs".parse().unwrap(),
                processors: vec![("batch".parse().unwrap(), batch.into())],
                exporters: (0..exporters).map(|i| format!("blackhole/{i}").parse().unwrap()).collect(),
            }],
            exporters: (0..exporters)
                .map(|i| ExporterNode {
                    id: format!("blackhole/{i}").parse().unwrap(),
                    exporter: Box::new(Blackhole(seen.clone())),
                })
                .collect(),
            extensions: vec![],
        };
        let svc =
            start(graph, RuntimeSettings::default(), Registry::new(), HealthRegistry::new()).await.unwrap();
        let expected = (BATCHES * RECORDS_PER_BATCH * exporters) as u64;
        // Wait until every full batch went through; shutdown flushes the rest.
        while seen.load(Ordering::Relaxed) + 8192 * (exporters as u64) < expected {
            tokio::task::yield_now().await;
        }
        svc.shutdown().await;
        assert_eq!(seen.load(Ordering::Relaxed), expected);
    });
}

fn pipeline(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let template = batch_of_events();
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements((BATCHES * RECORDS_PER_BATCH) as u64));
    group.sample_size(20);
    group.bench_function("receiver_batch_blackhole_100k_log_records", |b| {
        b.iter(|| run_once(&rt, &template, 1))
    });
    // The fan-out case: every batch goes to three exporters.
    group.bench_function("receiver_batch_3_blackholes_100k_log_records", |b| {
        b.iter(|| run_once(&rt, &template, 3))
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
