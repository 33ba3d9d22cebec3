//! filter throughput over 1000 records shaped like our `db.server.top_query` events: three OTTL
//! conditions (a numeric comparison, a regex, a resource attribute) that drop a few records.
//! Prints log records per second of thread CPU time, then criterion's per-batch time.

mod common;

use std::sync::Arc;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::component::{Built, CreateContext};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, Factory, Processor};
use dbintel_processors::filter::FilterFactory;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RECORDS: usize = 1000;

fn processor() -> Box<dyn Processor> {
    let cfg = serde_json::json!({
        "error_mode": "ignore",
        "logs": {"log_record": [
            "attributes[\"postgresql.calls\"] < 10",
            "IsMatch(attributes[\"db.query.text\"], \"pg_catalog|information_schema\")",
            "resource.attributes[\"deployment.environment\"] == \"test\""
        ]}
    });
    let ctx = CreateContext::new(ComponentId::new("filter", None), Registry::new());
    match FilterFactory.create(&ctx, &cfg) {
        Ok(Built::Processor(p)) => p,
        _ => panic!("filter config must load"),
    }
}

fn bench(c: &mut Criterion) {
    let input = common::top_query_batch(RECORDS);
    let mut p = processor();
    if let Some(rate) = common::records_per_cpu_second(&input, 200, |d| {
        let mut out = Vec::new();
        p.process(d, &mut out).expect("filter");
        out
    }) {
        println!("filter (3 conditions, {RECORDS} records/batch): {:.0} records per CPU second", rate);
    }
    let mut g = c.benchmark_group("filter");
    g.throughput(Throughput::Elements(RECORDS as u64));
    g.bench_function("3_conditions_1000_top_queries", |b| {
        b.iter_batched(
            || Arc::new(input.clone()),
            |d| {
                let mut out = Vec::new();
                p.process(d, &mut out).expect("filter");
                out
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
