//! `probabilistic_sampler` throughput on 1000 records shaped like our `db.server.top_query` events:
//! hash_seed mode on the query fingerprint at 25% (sampling by query), owned and shared (fan-out)
//! batches; and proportional mode on trace ids. Reports records per CPU second of the thread.

mod common;

use std::sync::Arc;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::Processor;
use dbintel_core::pdata::SignalData;
use dbintel_core::telemetry::Registry;
use dbintel_processors::probabilisticsampler::{
    AttributeSource, Mode, ProbabilisticSampler, ProbabilisticSamplerConfig,
};

const RECORDS: usize = 1000;

fn bench(c: &mut Criterion) {
    let input = common::top_query_batch(RECORDS);
    let mut traced = input.clone();
    if let SignalData::Logs(l) = &mut traced {
        for (i, r) in l
            .resource_logs
            .iter_mut()
            .flat_map(|r| &mut r.scope_logs)
            .flat_map(|s| &mut s.log_records)
            .enumerate()
        {
            let x = (i as u128 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834);
            r.trace_id = Some(x.to_be_bytes());
        }
    }
    let by_query = ProbabilisticSamplerConfig {
        sampling_percentage: 25.0,
        hash_seed: 22,
        attribute_source: AttributeSource::Record,
        from_attribute: "dbintel.query.fingerprint".into(),
        ..Default::default()
    };
    let proportional = ProbabilisticSamplerConfig {
        sampling_percentage: 25.0,
        mode: Some(Mode::Proportional),
        ..Default::default()
    };
    let mut g = c.benchmark_group("probabilistic_sampler");
    g.throughput(Throughput::Elements(RECORDS as u64));
    for (name, cfg, data) in [
        ("hash_seed_fingerprint_25pct", &by_query, &input),
        ("proportional_trace_id_25pct", &proportional, &traced),
    ] {
        let mut p = ProbabilisticSampler::new(cfg, &Registry::new(), "probabilistic_sampler").expect("valid");
        if let Some(r) = common::records_per_cpu_second(data, 500, |d| {
            let mut out = Vec::new();
            p.process(d, &mut out).expect("process");
            out
        }) {
            println!("probabilistic_sampler {name}: {r:.0} records per CPU second (owned batch)");
        }
        g.bench_function(name, |b| {
            // The output is returned, so criterion drops it outside the measurement.
            b.iter_batched(
                || Arc::new(data.clone()),
                |d| {
                    let mut out = Vec::with_capacity(1);
                    p.process(d, &mut out).expect("process");
                    out
                },
                BatchSize::LargeInput,
            )
        });
        let shared = Arc::new(data.clone());
        g.bench_function(format!("{name}_shared_batch"), |b| {
            b.iter_with_large_drop(|| {
                let mut out = Vec::with_capacity(1);
                p.process(Arc::clone(&shared), &mut out).expect("process");
                out
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
