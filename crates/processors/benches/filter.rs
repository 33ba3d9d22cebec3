//! filter throughput over 1000 records shaped like our `db.server.top_query` events: three OTTL
//! conditions (a numeric comparison, a regex, a resource attribute) that drop a few records.
//! Prints log records per second of thread CPU time, then criterion's per-batch time.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
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
    let mut g = c.benchmark_group("filter");
    g.throughput(Throughput::Elements(RECORDS as u64));
    common::bench_processor(&mut g, "3_conditions_1000_top_queries", p.as_mut(), &input);
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
