//! The four query-intelligence processors together (and the prototype's seven-processor logs
//! pipeline), in one pipeline task, on records shaped like our
//! top-query events (`common`): planattributeextractor -> verification -> querycorrelator ->
//! adaptivesampler (the correlator before the sampler, so load contribution sees every record; the
//! most work the four can do on a batch).
//!
//! - Throughput: criterion (wall time) and records per CPU second of the bench thread, twice: each
//!   batch copied just before it runs (in cache, as a receiver's batch is when it is handed over),
//!   and 50 batches queued first (each comes from RAM, as after a backlog).
//! - Added latency: the real pipeline runtime at 10,000 records/s (100-record batches every 10 ms,
//!   and 1,000-record batches every 100 ms), from the receiver's send to the exporter's receipt:
//!   p50/p99/max printed. `QUERY_PIPELINE_LATENCY_SECS` sets the run length (default 5).

#[path = "common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::component::{
    Built, ComponentError, CreateContext, ExportError, Exporter, Receiver, ReceiverContext,
};
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{SignalData, now_unix_nanos};
use dbintel_core::pipeline::{
    ExporterNode, PipelineNode, ReceiverNode, RuntimeSettings, ServiceGraph, start,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Factory, Processor};
use dbintel_processors::adaptivesampler::AdaptiveSamplerFactory;
use dbintel_processors::batch::BatchFactory;
use dbintel_processors::circuitbreaker::CircuitBreakerFactory;
use dbintel_processors::costcontrol::CostControlFactory;
use dbintel_processors::memorylimiter::MemoryLimiterFactory;
use dbintel_processors::planattributeextractor::PlanAttributeExtractorFactory;
use dbintel_processors::querycorrelator::QueryCorrelatorFactory;
use dbintel_processors::verification::VerificationFactory;
use serde_json::json;

/// The binary's allocator, so the figures are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RECORDS: usize = 1000;

fn build(factory: &dyn Factory, name: &str, config: serde_json::Value, reg: &Registry) -> Box<dyn Processor> {
    let ctx = CreateContext::new(name.parse().expect("id"), reg.clone());
    match factory.create(&ctx, &config) {
        Ok(Built::Processor(p)) => p,
        Ok(_) => panic!("{name} is a processor"),
        Err(e) => panic!("{name}: {e:?}"),
    }
}

/// The four, in order. `sampler`: the sampler's config (the defaults keep ~1 in 10 ordinary records
/// under a 1000 records/s budget; `sampler_keeps_all` turns dedup, rules and the budget off, so every
/// record is kept and reaches whatever follows).
fn four(sampler: serde_json::Value) -> Vec<(&'static str, Box<dyn Processor>)> {
    let reg = Registry::new();
    vec![
        (
            "planattributeextractor",
            build(&PlanAttributeExtractorFactory, "planattributeextractor", json!({}), &reg),
        ),
        ("verification", build(&VerificationFactory, "verification", json!({}), &reg)),
        ("querycorrelator", build(&QueryCorrelatorFactory, "querycorrelator", json!({}), &reg)),
        ("adaptivesampler", build(&AdaptiveSamplerFactory, "adaptivesampler", sampler, &reg)),
    ]
}

/// The four in the port's recommended logs order (planattributeextractor -> verification ->
/// adaptivesampler, issue 12's order), the correlator after the sampler: it then correlates the
/// records that are kept, and load contribution is over those.
fn four_sampler_first() -> Vec<(&'static str, Box<dyn Processor>)> {
    let mut chain = four(json!({}));
    let correlator = chain.remove(2);
    chain.push(correlator);
    chain
}

/// The prototype's full logs pipeline in the order the port recommends (issue 12): memory_limiter ->
/// planattributeextractor -> verification -> adaptivesampler -> circuit_breaker -> costcontrol ->
/// batch, each with its defaults (the limiter's limit far above this process).
fn seven() -> Vec<(&'static str, Box<dyn Processor>)> {
    let reg = Registry::new();
    vec![
        (
            "memory_limiter",
            build(
                &MemoryLimiterFactory,
                "memory_limiter",
                json!({"check_interval": "1s", "limit_mib": 16384}),
                &reg,
            ),
        ),
        (
            "planattributeextractor",
            build(&PlanAttributeExtractorFactory, "planattributeextractor", json!({}), &reg),
        ),
        ("verification", build(&VerificationFactory, "verification", json!({}), &reg)),
        ("adaptivesampler", build(&AdaptiveSamplerFactory, "adaptivesampler", json!({}), &reg)),
        ("circuit_breaker", build(&CircuitBreakerFactory, "circuit_breaker", json!({}), &reg)),
        ("costcontrol", build(&CostControlFactory, "costcontrol", json!({}), &reg)),
        ("batch", build(&BatchFactory, "batch", json!({}), &reg)),
    ]
}

fn sampler_keeps_all() -> serde_json::Value {
    json!({"deduplication": {"enabled": false}, "max_records_per_second": 100_000_000u64, "default_sample_rate": 1.0, "rules": []})
}

/// One batch through the chain, as the pipeline task does it.
fn run_chain(
    chain: &mut [(&'static str, Box<dyn Processor>)],
    data: Arc<SignalData>,
) -> Vec<Arc<SignalData>> {
    let mut cur = vec![data];
    let mut next = Vec::with_capacity(1);
    for (name, p) in chain.iter_mut() {
        for d in cur.drain(..) {
            p.process(d, &mut next).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        std::mem::swap(&mut cur, &mut next);
    }
    cur
}

fn throughput(c: &mut Criterion) {
    let input = common::top_query_batch(RECORDS);
    type Chain = Vec<(&'static str, Box<dyn Processor>)>;
    type Variant = (&'static str, fn() -> Chain);
    let variants: [Variant; 4] = [
        ("defaults", || four(json!({}))),
        ("correlator_after_sampler", four_sampler_first),
        ("sampler_keeps_all", || four(sampler_keeps_all())),
        ("prototype_logs_seven", seven),
    ];
    // QUERY_PIPELINE_CPU=0 skips the CPU-time figures (e.g. under a profiler).
    let cpu = std::env::var("QUERY_PIPELINE_CPU").map_or(true, |v| v != "0");
    for (name, make) in variants.iter().filter(|_| cpu) {
        let mut chain = make();
        let n = chain.len();
        if let Some(r) = common::warm_records_per_cpu_second(&input, 1000, |d| run_chain(&mut chain, d)) {
            println!(
                "query_pipeline/{name}: {r:.0} records per CPU second ({n} processors, one thread; each batch just built)"
            );
        }
        if let Some(r) = common::records_per_cpu_second(&input, 1000, |d| run_chain(&mut chain, d)) {
            println!(
                "query_pipeline/{name}: {r:.0} records per CPU second ({n} processors, one thread; 50 batches queued, from RAM)"
            );
        }
        // Each processor alone, on the records as they reach it in the chain.
        let mut chain = make();
        let mut stage_input = Arc::new(input.clone());
        for (pname, p) in chain.iter_mut() {
            let data = (*stage_input).clone();
            if let Some(r) = common::records_per_cpu_second(&data, 500, |d| {
                let mut out = Vec::with_capacity(1);
                p.process(d, &mut out).expect("process");
                out
            }) {
                println!("query_pipeline/{name}/{pname}: {r:.0} records per CPU second");
            }
            let mut out = Vec::new();
            p.process(stage_input.clone(), &mut out).expect("process");
            stage_input =
                out.pop().unwrap_or_else(|| Arc::new(SignalData::empty(dbintel_core::Signal::Logs)));
        }
    }
    let mut g = c.benchmark_group("query_pipeline");
    g.throughput(Throughput::Elements(RECORDS as u64));
    for (name, make) in variants {
        let mut chain = make();
        g.bench_function(name, |b| {
            b.iter_batched(|| Arc::new(input.clone()), |d| run_chain(&mut chain, d), BatchSize::PerIteration)
        });
    }
    g.finish();
}

/// Sends `batch` records every `every` until stopped, stamping each record with the send time.
struct Paced {
    template: SignalData,
    every: Duration,
    stop: Arc<AtomicBool>,
}

#[async_trait]
impl Receiver for Paced {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        let mut tick = tokio::time::interval(self.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !self.stop.load(Ordering::Relaxed) {
            tick.tick().await;
            let mut d = self.template.clone();
            let sent = now_unix_nanos();
            if let SignalData::Logs(l) = &mut d {
                for r in l
                    .resource_logs
                    .iter_mut()
                    .flat_map(|rl| &mut rl.scope_logs)
                    .flat_map(|sl| &mut sl.log_records)
                {
                    r.observed_time_unix_nano = sent;
                }
            }
            if ctx.output.send(d).await.is_err() {
                break;
            }
        }
        ctx.shutdown.cancelled().await;
        Ok(())
    }
}

/// Records, per record that reaches it, the time since the receiver sent it.
struct LatencySink(Arc<Mutex<Vec<u64>>>);

#[async_trait]
impl Exporter for LatencySink {
    async fn export(&mut self, data: Arc<SignalData>) -> Result<(), ExportError> {
        let now = now_unix_nanos();
        if let SignalData::Logs(l) = &*data {
            for r in l.resource_logs.iter().flat_map(|rl| &rl.scope_logs).flat_map(|sl| &sl.log_records) {
                if r.observed_time_unix_nano > 0 {
                    self.0.lock().expect("lock").push(now.saturating_sub(r.observed_time_unix_nano));
                }
            }
        }
        Ok(())
    }
}

fn latency_run(batch: usize, every: Duration, secs: u64) {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let seen = Arc::new(Mutex::new(Vec::new()));
    rt.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let processors =
            four(sampler_keeps_all()).into_iter().map(|(n, p)| (n.parse().expect("id"), p.into())).collect();
        let graph = ServiceGraph {
            receivers: vec![ReceiverNode {
                id: "paced".parse().expect("id"),
                receiver: Box::new(Paced {
                    template: common::top_query_batch(batch),
                    every,
                    stop: stop.clone(),
                }),
                pipelines: vec!["logs".parse().expect("id")],
            }],
            pipelines: vec![PipelineNode {
                id: "logs".parse().expect("id"),
                processors,
                exporters: vec!["sink".parse().expect("id")],
            }],
            exporters: vec![ExporterNode {
                id: "sink".parse().expect("id"),
                exporter: Box::new(LatencySink(seen.clone())),
            }],
            extensions: vec![],
        };
        let svc = start(graph, RuntimeSettings::default(), Registry::new(), HealthRegistry::new())
            .await
            .expect("start");
        tokio::time::sleep(Duration::from_secs(secs)).await;
        stop.store(true, Ordering::Relaxed);
        svc.shutdown().await;
    });
    let mut v = std::mem::take(&mut *seen.lock().expect("lock"));
    // The first second warms the caches (plans parsed once); report the steady state.
    let warm = batch * (1000 / every.as_millis().max(1)) as usize;
    if v.len() > warm {
        v.drain(..warm);
    }
    v.sort_unstable();
    if v.is_empty() {
        println!("query_pipeline latency: no batches arrived");
        return;
    }
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize] as f64 / 1e6;
    println!(
        "query_pipeline latency, {batch} records every {every:?} ({} records/s), {} records: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        batch as u128 * 1000 / every.as_millis().max(1),
        v.len(),
        q(0.5),
        q(0.99),
        q(1.0)
    );
}

fn latency(_c: &mut Criterion) {
    let secs = std::env::var("QUERY_PIPELINE_LATENCY_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    latency_run(100, Duration::from_millis(10), secs);
    latency_run(1000, Duration::from_millis(100), secs);
}

criterion_group!(benches, throughput, latency);
criterion_main!(benches);
