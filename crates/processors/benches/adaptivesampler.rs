//! adaptivesampler throughput on records shaped like our `db.server.top_query` events (about 15
//! attributes, obfuscated text, 10% carrying a plan from 50 shapes), 500 per batch, the batch shared
//! (as with a fan-out) so the processor decides on it and copies only what it keeps.
//! Reports log records per second of thread CPU time. The prototype claimed 450k/s.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::Processor;
use dbintel_core::pdata::{Logs, ResourceLogs, ScopeLogs, SignalData};
use dbintel_core::telemetry::Registry;
use dbintel_processors::adaptivesampler::{AdaptiveSampler, AdaptiveSamplerConfig};

// The binary's allocator, so the figures are the shipped collector's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/mod.rs"]
mod common;

use common::sampler::{RECORDS_PER_BATCH, record};

const BATCHES: usize = 20;

fn batches(n: usize) -> Vec<Arc<SignalData>> {
    (0..n)
        .map(|b| {
            let records = (0..RECORDS_PER_BATCH).map(|i| record(b * RECORDS_PER_BATCH + i)).collect();
            Arc::new(SignalData::Logs(Logs {
                resource_logs: vec![ResourceLogs {
                    scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
                    ..Default::default()
                }],
            }))
        })
        .collect()
}

/// CPU time of this thread (Linux `/proc/thread-self/schedstat`), so a machine shared with other
/// work still measures the processor and not the scheduler; wall-clock time elsewhere.
fn clock() -> impl Fn() -> Duration {
    let cpu = || {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse::<u64>().ok()))
            .map(Duration::from_nanos)
    };
    let start = Instant::now();
    let use_cpu = cpu().is_some();
    move || if use_cpu { cpu().unwrap_or_default() } else { start.elapsed() }
}

/// `shared`: the batch is also on its way elsewhere (fan-out), so the kept records are copied;
/// otherwise the processor owns it (the usual case) and drops records in place. The copies for the
/// owned case are made outside the measurement; dropping what is not kept is measured.
/// Not `warm`: the 20 batches (~20 MB) cycle through memory, so every record comes cold from RAM.
/// `warm` and shared: one batch 20 times, in cache as a batch the receiver has just built is; `warm`
/// and owned: each of the 20 batches copied just before it runs (the copy brings it into cache).
fn bench_config(c: &mut Criterion, name: &str, cfg: AdaptiveSamplerConfig, shared: bool, warm: bool) {
    let data = if warm && shared { vec![batches(1).remove(0); BATCHES] } else { batches(BATCHES) };
    let mut p = AdaptiveSampler::new(cfg, &Registry::new(), "adaptivesampler").expect("valid config");
    let mut group = c.benchmark_group("adaptivesampler");
    group.throughput(Throughput::Elements((BATCHES * RECORDS_PER_BATCH) as u64));
    let now = clock();
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut out = Vec::with_capacity(BATCHES);
            for _ in 0..iters {
                if warm && !shared {
                    // Each batch copied just before it runs: in cache, as a receiver's batch is when
                    // it is handed over.
                    for d in &data {
                        let d = Arc::new((**d).clone());
                        let t0 = now();
                        p.process(d, &mut out).expect("process");
                        total += now().saturating_sub(t0);
                        out.clear();
                    }
                    continue;
                }
                let input: Vec<Arc<SignalData>> = if shared {
                    data.iter().map(Arc::clone).collect()
                } else {
                    data.iter().map(|d| Arc::new((**d).clone())).collect()
                };
                let t0 = now();
                for d in input {
                    p.process(d, &mut out).expect("process");
                }
                total += now().saturating_sub(t0);
                out.clear();
            }
            total
        })
    });
    group.finish();
}

fn sampler(c: &mut Criterion) {
    // The prototype's defaults: dedup on (so repeats are duplicates), default rules, 1000 records/s.
    bench_config(c, "defaults", AdaptiveSamplerConfig::default(), false, false);
    bench_config(c, "defaults_warm", AdaptiveSamplerConfig::default(), false, true);
    // Every record through the rules and the draw: no dedup, a budget that never binds.
    let mut rules = AdaptiveSamplerConfig { max_records_per_second: u64::MAX, ..Default::default() };
    rules.deduplication.enabled = false;
    bench_config(c, "rules_no_dedup", rules.clone(), false, false);
    bench_config(c, "rules_no_dedup_warm", rules.clone(), false, true);
    bench_config(c, "rules_no_dedup_shared_batch", rules.clone(), true, false);
    bench_config(c, "rules_no_dedup_shared_batch_warm", rules.clone(), true, true);
    // The decision alone: every record dropped from a shared batch, so nothing is copied or freed.
    let mut decide = rules.clone();
    decide.rules.clear();
    decide.default_sample_rate = 0.0;
    bench_config(c, "decisions_only", decide.clone(), true, false);
    bench_config(c, "decisions_only_warm", decide.clone(), true, true);
    let mut adaptive = rules;
    adaptive.adaptive.enabled = true;
    bench_config(c, "adaptive_no_dedup", adaptive.clone(), false, false);
}

criterion_group!(benches, sampler);
criterion_main!(benches);
