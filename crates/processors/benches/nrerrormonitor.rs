//! nrerrormonitor throughput on 1000 records shaped like our `db.server.top_query` events
//! (benches/common; every check runs, nothing to fix), the same with 1% of records carrying an
//! over-long query text (fixed: a copy of the batch with the values truncated), and 1000 metric
//! points. Reports records per second of thread CPU time beside criterion's wall-time numbers.

mod common;

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use dbintel_core::component::CreateContext;
use dbintel_core::pdata::{SignalData, Value};
use dbintel_core::telemetry::Registry;
use dbintel_processors::costcontrol::ManualClock;
use dbintel_processors::nrerrormonitor::{NrErrorMonitor, NrErrorMonitorConfig};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RECORDS: usize = 1000;
const NOW: u64 = 1_794_787_200_000_000_000;

fn processor() -> NrErrorMonitor {
    let ctx = CreateContext::new("nrerrormonitor".parse().expect("id"), Registry::new());
    NrErrorMonitor::new(NrErrorMonitorConfig::default(), &ctx, Arc::new(ManualClock::new(NOW)))
}

fn with_resource(mut d: SignalData) -> SignalData {
    if let SignalData::Logs(l) = &mut d {
        for rl in &mut l.resource_logs {
            rl.resource.attributes.insert("service.name", "orders-db");
            rl.resource.attributes.insert("server.address", "db1");
            rl.resource.attributes.insert("server.port", 5432i64);
        }
    }
    d
}

fn long_texts(mut d: SignalData) -> SignalData {
    if let SignalData::Logs(l) = &mut d {
        for (i, r) in l.resource_logs[0].scope_logs[0].log_records.iter_mut().enumerate() {
            if i % 100 == 0 {
                r.attributes
                    .insert("db.query.text", Value::from(format!("SELECT {} FROM t", "c, ".repeat(1500))));
            }
        }
    }
    d
}

fn metrics(points: usize) -> SignalData {
    common::gauge_batch(points, NOW)
}

fn bench(c: &mut Criterion) {
    let clean = with_resource(common::top_query_batch(RECORDS));
    let fixing = long_texts(clean.clone());
    let points = metrics(RECORDS);
    let mut g = c.benchmark_group("nrerrormonitor");
    g.throughput(Throughput::Elements(RECORDS as u64));
    for (name, input) in [("logs_clean", &clean), ("logs_1pct_fixed", &fixing), ("metrics", &points)] {
        let mut p = processor();
        common::bench_processor(&mut g, name, &mut p, input);
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
