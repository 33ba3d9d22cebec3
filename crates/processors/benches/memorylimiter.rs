//! memory_limiter overhead per batch: 1000 records shaped like our `db.server.top_query` events in
//! one shared batch (as a receiver sends it), passed on (the common case) or refused (above the soft
//! limit). The processor reads one atomic and counts; it never touches the records. Also the cost
//! of one memory check (read /proc/self/statm, decide), which runs on the checker thread once per
//! `check_interval`, not per batch. Reports log records per second.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::Processor;
use dbintel_core::admission::AdmissionRegistry;
use dbintel_core::telemetry::Registry;
use dbintel_core::{GoDuration, SignalData};
use dbintel_processors::memorylimiter::{
    Limiter, Limits, MemoryLimiterConfig, MemoryLimiterProcessor, MemorySource, ProcessMemory,
};

const RECORDS: usize = 1000;

fn limiter(limit_mib: u64) -> Arc<Limiter> {
    let config = MemoryLimiterConfig {
        check_interval: GoDuration::from_secs(1),
        limit_mib: limit_mib as u32,
        ..Default::default()
    };
    Arc::new(Limiter::new(
        "memory_limiter".into(),
        Limits::new(limit_mib << 20, 0),
        &config,
        Arc::new(ProcessMemory::new()),
        AdmissionRegistry::new(),
        &Registry::new(),
    ))
}

fn bench(c: &mut Criterion) {
    let batch: Arc<SignalData> = Arc::new(common::top_query_batch(RECORDS));
    let mut group = c.benchmark_group("memory_limiter");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.measurement_time(Duration::from_secs(3));

    for (name, limit_mib) in [("pass_1000", 1_000_000u64), ("refuse_1000", 1)] {
        let l = limiter(limit_mib);
        l.check_at(Instant::now());
        let telemetry = Registry::new();
        let mut p = MemoryLimiterProcessor::new(l, Some("logs".parse().unwrap()), &telemetry);
        let mut out = Vec::with_capacity(1);
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                p.process(batch.clone(), &mut out).unwrap();
                std::hint::black_box(out.len())
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("memory_limiter_check");
    let l = limiter(1_000_000);
    group.bench_function("check_at (statm read + decide)", |b| b.iter(|| l.check_at(Instant::now())));
    let source = ProcessMemory::new();
    group.bench_function("release (malloc_trim)", |b| b.iter(|| source.release()));
    group.finish();

    // Per CPU second of this thread, as the other processor benches report.
    let l = limiter(1_000_000);
    l.check_at(Instant::now());
    let mut p = MemoryLimiterProcessor::new(l, None, &Registry::new());
    if let Some(r) = common::records_per_cpu_second(&batch, 2000, |d| {
        let mut out = Vec::with_capacity(1);
        p.process(d, &mut out).unwrap();
        out
    }) {
        println!("memory_limiter pass: {:.0} records per CPU second (1000-record batches)", r);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
