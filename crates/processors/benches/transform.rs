//! transform throughput: 5 OTTL statements (a regex replace, a conditional set, a delete, a
//! converter, a truncate) over 1000 records shaped like our `db.server.top_query` events (about 15
//! attributes). Each batch is owned by the processor, as in a pipeline, so it changes in place.
//! Prints log records per second of thread CPU time, then criterion's per-batch time.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::component::{Built, CreateContext};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, Factory, Processor};
use dbintel_processors::transform::TransformFactory;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RECORDS: usize = 1000;

fn processor() -> Box<dyn Processor> {
    let cfg = serde_json::json!({
        "error_mode": "ignore",
        "log_statements": [{"context": "log", "statements": [
            "replace_pattern(attributes[\"db.query.text\"], \"orders_\\\\d+\", \"orders_?\")",
            "set(attributes[\"query.slow\"], true) where attributes[\"dbintel.exec_time.mean\"] > 0.008",
            "delete_key(attributes, \"postgresql.rolname\")",
            "set(attributes[\"db.operation.lower\"], ToLowerCase(attributes[\"db.operation.name\"]))",
            "truncate_all(attributes, 4096)"
        ]}]
    });
    let ctx = CreateContext::new(ComponentId::new("transform", None), Registry::new());
    match TransformFactory.create(&ctx, &cfg) {
        Ok(Built::Processor(p)) => p,
        _ => panic!("transform config must load"),
    }
}

fn bench(c: &mut Criterion) {
    let input = common::top_query_batch(RECORDS);
    let mut p = processor();
    let mut g = c.benchmark_group("transform");
    g.throughput(Throughput::Elements(RECORDS as u64));
    common::bench_processor(&mut g, "5_statements_1000_top_queries", p.as_mut(), &input);
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
