//! circuit_breaker throughput on 1000 records shaped like our `db.server.top_query` events (records
//! from `common`, four databases), owned batches (the usual case; copies made outside the timing).
//! Variants: every breaker closed (`cb.state` stamped on each record, the common case); one of the
//! four databases open with `open_records: drop` (a quarter dropped, the rest stamped); the state
//! attribute off and nothing open (pass-through). Prints records per CPU second of this thread over
//! batches copied ahead (cold: each record comes from RAM), then criterion's wall-clock numbers on a
//! batch copied just before each run (warm, as one a receiver has just built). The `_with_room`
//! variants give each record room for one more attribute first (see [`with_room`]). The prototype
//! claimed 550k/s.

mod common;

use std::sync::Arc;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::breaker::{BreakerRegistry, FailureKind, Outcome};
use dbintel_core::pdata::SignalData;
use dbintel_core::telemetry::Registry;
use dbintel_core::{AdmissionRegistry, Processor};
use dbintel_processors::circuitbreaker::{CircuitBreaker, CircuitBreakerConfig, OpenRecords};

const RECORDS: usize = 1000;

fn processor(config: CircuitBreakerConfig, open: bool) -> CircuitBreaker {
    let telemetry = Registry::new();
    let registry = BreakerRegistry::new(AdmissionRegistry::new());
    registry.configure(config.settings(), &telemetry);
    if open {
        let pg = "postgresql".parse().expect("id");
        for _ in 0..config.failure_threshold {
            registry.record_at(&pg, "shop1", Outcome::Failure(FailureKind::Timeout), Instant::now());
        }
    }
    CircuitBreaker::new(config, registry, &telemetry, "circuit_breaker")
}

fn variants() -> Vec<(&'static str, CircuitBreakerConfig, bool)> {
    // The throughput guard would count the bench's batches: off here (its cost is one comparison).
    let base = CircuitBreakerConfig { max_batches_per_second: 0, ..Default::default() };
    vec![
        ("all_closed_stamped", base.clone(), false),
        (
            "one_of_four_open_dropped",
            CircuitBreakerConfig { open_records: OpenRecords::Drop, ..base.clone() },
            true,
        ),
        ("pass_through", CircuitBreakerConfig { add_state_attribute: false, ..base }, false),
    ]
}

/// A copy of `input` whose records have room for one more attribute. A clone's attribute lists are
/// exactly full, so stamping `cb.state` on them grows (reallocates and copies) every record's list:
/// that growth is pdata's cost, most of the time in the variants above. This one measures the
/// processor's own per-record work, as on a batch whose builder left room.
fn with_room(input: &SignalData) -> SignalData {
    let mut d = input.clone();
    if let SignalData::Logs(l) = &mut d {
        for r in l.resource_logs.iter_mut().flat_map(|r| &mut r.scope_logs).flat_map(|s| &mut s.log_records) {
            r.attributes.reserve(1);
        }
    }
    d
}

/// Records per CPU second of this thread on `batches` owned batches made by `make` (outside the
/// timing), as `common::records_per_cpu_second` measures.
fn per_cpu_second(make: impl Fn() -> SignalData, batches: usize, p: &mut CircuitBreaker) -> Option<f64> {
    let mut cpu = 0u64;
    let mut records = 0usize;
    for _ in 0..batches.div_ceil(50) {
        let copies: Vec<Arc<SignalData>> = (0..50).map(|_| Arc::new(make())).collect();
        records += copies.iter().map(|c| c.item_count()).sum::<usize>();
        let mut outputs = Vec::with_capacity(copies.len());
        let t0 = common::thread_cpu_ns()?;
        for d in copies {
            let mut out = Vec::with_capacity(1);
            p.process(d, &mut out).expect("process");
            outputs.push(out);
        }
        cpu += common::thread_cpu_ns()?.saturating_sub(t0);
        drop(outputs);
    }
    (cpu > 0).then(|| records as f64 / (cpu as f64 / 1e9))
}

fn bench(c: &mut Criterion) {
    let input = common::top_query_batch(RECORDS);
    for (name, config, open) in variants() {
        let mut p = processor(config, open);
        if let Some(r) = common::records_per_cpu_second(&input, 2000, |d| {
            let mut out = Vec::with_capacity(1);
            p.process(d, &mut out).expect("process");
            out
        }) {
            println!("circuit_breaker/{name}: {r:.0} records per CPU second");
        }
    }
    for (name, config, open) in variants().into_iter().take(2) {
        let mut p = processor(config, open);
        if let Some(r) = per_cpu_second(|| with_room(&input), 2000, &mut p) {
            println!("circuit_breaker/{name}_with_room: {r:.0} records per CPU second");
        }
    }
    // Wall clock (criterion): a fresh copy of the batch before each run, so it is in cache as a batch
    // the receiver has just built; the output is dropped outside the timing.
    let mut g = c.benchmark_group("circuit_breaker");
    g.throughput(Throughput::Elements(RECORDS as u64));
    for (name, config, open) in variants() {
        let mut p = processor(config, open);
        g.bench_function(name, |b| {
            b.iter_batched(
                || Arc::new(input.clone()),
                |d: Arc<SignalData>| {
                    let mut out = Vec::with_capacity(1);
                    p.process(d, &mut out).expect("process");
                    out
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }
    let roomy = with_room(&input);
    for (name, config, open) in variants().into_iter().take(2) {
        let mut p = processor(config, open);
        g.bench_function(format!("{name}_with_room"), |b| {
            b.iter_batched(
                || Arc::new(with_room(&roomy)),
                |d: Arc<SignalData>| {
                    let mut out = Vec::with_capacity(1);
                    p.process(d, &mut out).expect("process");
                    out
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
