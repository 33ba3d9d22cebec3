//! Cumulative-to-delta conversion (`temporality_preference: delta`): a scrape of 10,000 monotonic
//! sum series converted against the previous one, with the map holding every series (steady state)
//! and with a map a tenth that size (every series evicts another: the worst case).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::pdata::{
    Attributes, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, ResourceMetrics, ScopeMetrics,
    Temporality, Value,
};
use dbintel_core::telemetry::Counter;
use dbintel_exporters::otlp_common::DeltaConverter;

const SERIES: usize = 10_000;

fn scrape(round: u64) -> Metrics {
    let points = (0..SERIES)
        .map(|i| NumberDataPoint {
            attributes: Attributes::from_iter([
                ("db.query.id", Value::Int(i as i64)),
                ("postgresql.database.name", Value::from("orders")),
            ]),
            start_time_unix_nano: 1,
            time_unix_nano: 1_000 + round,
            value: NumberValue::Int((round * i as u64) as i64),
            flags: 0,
        })
        .collect();
    Metrics {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: "postgresql.query.calls".into(),
                    description: String::new(),
                    unit: "{call}".into(),
                    data: MetricData::Sum { points, temporality: Temporality::Cumulative, monotonic: true },
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn delta(c: &mut Criterion) {
    let mut group = c.benchmark_group("delta");
    group.throughput(Throughput::Elements(SERIES as u64));
    for (name, cap) in [("steady_10k_series", SERIES), ("evicting_10k_series_cap_1k", SERIES / 10)] {
        let mut converter = DeltaConverter::new(cap, Counter::default());
        converter.convert(&mut scrape(0));
        let mut round = 1;
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    round += 1;
                    scrape(round)
                },
                |mut m| converter.convert(&mut m),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, delta);
criterion_main!(benches);
