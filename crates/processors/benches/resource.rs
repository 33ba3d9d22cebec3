//! `resource` throughput on 1000 records shaped like our `db.server.top_query` events: once as one
//! resource holding them all (the usual receiver batch: the cost is per resource), once with every
//! record under its own resource (the worst case). Reports records per CPU second of the thread.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use dbintel_core::pdata::{Attributes, Logs, Resource, ResourceLogs, ScopeLogs, SignalData};
use dbintel_core::telemetry::Registry;
use dbintel_processors::resource::{ResourceConfig, ResourceProcessor};

const RECORDS: usize = 1000;

fn config() -> ResourceConfig {
    let v = serde_json::json!({"attributes": [
        {"key": "deployment.environment", "value": "production", "action": "upsert"},
        {"key": "service.name", "value": "dbintel", "action": "insert"},
        {"key": "host.id", "action": "hash"},
        {"key": "tmp", "action": "delete"},
    ]});
    dbintel_core::parse_component_config(&v).expect("config")
}

fn resource() -> Resource {
    Resource {
        attributes: Attributes::from_iter([
            ("host.id", "i-0123456789abcdef"),
            ("db.system.name", "postgresql"),
            ("server.address", "db1.internal"),
            ("tmp", "x"),
        ]),
    }
}

fn per_record_resources() -> SignalData {
    let SignalData::Logs(l) = common::top_query_batch(RECORDS) else { unreachable!() };
    let records = l.resource_logs.into_iter().flat_map(|r| r.scope_logs).flat_map(|s| s.log_records);
    SignalData::Logs(Logs {
        resource_logs: records
            .map(|r| ResourceLogs {
                resource: resource(),
                scope_logs: vec![ScopeLogs { log_records: vec![r], ..Default::default() }],
                ..Default::default()
            })
            .collect(),
    })
}

fn bench(c: &mut Criterion) {
    let mut one = common::top_query_batch(RECORDS);
    if let SignalData::Logs(l) = &mut one {
        l.resource_logs[0].resource = resource();
    }
    let many = per_record_resources();
    let mut p = ResourceProcessor::new(&config(), &Registry::new(), "resource").expect("valid");
    let mut g = c.benchmark_group("resource");
    g.throughput(Throughput::Elements(RECORDS as u64));
    for (name, input) in [("top_query_1000_one_resource", &one), ("top_query_1000_resource_each", &many)] {
        common::bench_processor(&mut g, name, &mut p, input);
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
