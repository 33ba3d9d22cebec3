//! planattributeextractor throughput on records shaped like `db.server.top_query` events (`common`):
//! ~15 attributes, obfuscated text, 10% carrying a PostgreSQL plan from a set of 50 plan shapes.
//! Prints records per CPU second of the bench thread, then criterion's per-batch wall time.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_processors::planattributeextractor::{PlanAttrConfig, PlanAttributeExtractor};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RECORDS: usize = 1000;

fn bench(c: &mut Criterion) {
    let input = common::top_query_batch(RECORDS);
    let mut g = c.benchmark_group("planattributeextractor");
    g.throughput(Throughput::Elements(RECORDS as u64));
    let mut p = PlanAttributeExtractor::new(PlanAttrConfig::default(), None);
    common::bench_processor(&mut g, "top_query_10pct_plans", &mut p, &input);
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
