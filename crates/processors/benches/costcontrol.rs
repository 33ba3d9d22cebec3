//! costcontrol throughput on 1000 records shaped like our `db.server.top_query` events (benches/common)
//! and on 1000 metric points of 200 series: under budget (byte accounting only), over budget (all
//! four reductions active), and the cardinality limit. Also the exact size function against building
//! the prost request and asking its `encoded_len` (what it replaces). Reports records (points) per
//! second of thread CPU time beside criterion's wall-time numbers. The prototype claimed nothing for
//! costcontrol; the sampler's claim was 450k/s.

mod common;

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use dbintel_core::component::CreateContext;
use dbintel_core::pdata::SignalData;
use dbintel_core::telemetry::Registry;
use dbintel_processors::costcontrol::{CostControl, CostControlConfig, ManualClock, size};
use prost::Message;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RECORDS: usize = 1000;
/// 2026-11-16T00:00:00Z.
const NOW: u64 = 1_794_787_200_000_000_000;

fn processor(cfg: CostControlConfig) -> CostControl {
    let ctx = CreateContext::new("costcontrol".parse().expect("id"), Registry::new());
    CostControl::new(cfg, &ctx, None, Arc::new(ManualClock::new(NOW)))
}

fn metrics(points: usize) -> SignalData {
    common::gauge_batch(points, NOW)
}

fn bench(c: &mut Criterion) {
    let logs = common::top_query_batch(RECORDS);
    let points = metrics(RECORDS);
    let over = CostControlConfig { monthly_budget_usd: 1e-9, ..Default::default() };
    let cases: [(&str, CostControlConfig, &SignalData); 4] = [
        ("logs_under_budget", CostControlConfig::default(), &logs),
        ("logs_over_budget_all_reductions", over.clone(), &logs),
        ("metrics_under_budget", CostControlConfig::default(), &points),
        (
            "metrics_cardinality_limit_50_of_100_series",
            CostControlConfig { metric_cardinality_limit: 50, ..Default::default() },
            &points,
        ),
    ];
    let mut g = c.benchmark_group("costcontrol");
    g.throughput(Throughput::Elements(RECORDS as u64));
    for (name, cfg, input) in cases {
        let mut p = processor(cfg.clone());
        common::bench_processor(&mut g, name, &mut p, input);
    }
    let SignalData::Logs(l) = &logs else { return };
    g.bench_function("size_exact_function", |b| b.iter(|| size::logs_request_len(std::hint::black_box(l))));
    g.bench_function("size_via_prost_request", |b| {
        b.iter(|| dbintel_otlp::proto::to_proto_logs(std::hint::black_box(l)).encoded_len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
