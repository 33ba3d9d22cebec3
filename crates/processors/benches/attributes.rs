//! `attributes` throughput on 1000 records shaped like our `db.server.top_query` events (about 15
//! attributes, 10% carrying a plan), with a typical config: an include on `db.system.name`, then
//! upsert, delete, hash, convert and extract. Reports records per CPU second of the thread (the
//! machine is shared). The batch is cloned outside the measurement, so the processor owns it.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use dbintel_core::Signal;
use dbintel_core::telemetry::Registry;
use dbintel_processors::attributes::{AttributesConfig, AttributesProcessor};

const RECORDS: usize = 1000;

fn config_of(v: serde_json::Value) -> AttributesConfig {
    dbintel_core::parse_component_config(&v).expect("config")
}

/// One action per variant, to see what each costs.
fn single(action: serde_json::Value) -> AttributesConfig {
    config_of(serde_json::json!({"actions": [action]}))
}

fn config() -> AttributesConfig {
    config_of(serde_json::json!({
        "include": {"match_type": "strict", "attributes": [{"key": "db.system.name", "value": "postgresql"}]},
        "actions": [
            {"key": "deployment.environment", "value": "production", "action": "upsert"},
            {"key": "postgresql.rolname", "action": "hash"},
            {"key": "dbintel.toplevel", "action": "delete"},
            {"key": "postgresql.calls", "action": "convert", "converted_type": "string"},
            {"key": "db.query.summary", "pattern": "^(?P<db.operation.kind>[A-Z]+) ", "action": "extract"},
        ]
    }))
}

fn bench(c: &mut Criterion) {
    let input = common::top_query_batch(RECORDS);
    let variants = [
        ("top_query_1000_typical_actions", config()),
        (
            "top_query_1000_upsert",
            single(serde_json::json!({"key": "deployment.environment", "value": "prod", "action": "upsert"})),
        ),
        ("top_query_1000_delete", single(serde_json::json!({"key": "dbintel.toplevel", "action": "delete"}))),
        ("top_query_1000_hash", single(serde_json::json!({"key": "postgresql.rolname", "action": "hash"}))),
        (
            "top_query_1000_convert",
            single(
                serde_json::json!({"key": "postgresql.calls", "action": "convert", "converted_type": "string"}),
            ),
        ),
        (
            "top_query_1000_extract",
            single(
                serde_json::json!({"key": "db.query.summary", "pattern": "^(?P<db.operation.kind>[A-Z]+) ", "action": "extract"}),
            ),
        ),
    ];
    let mut g = c.benchmark_group("attributes");
    g.throughput(Throughput::Elements(RECORDS as u64));
    for (name, cfg) in variants {
        let mut p = AttributesProcessor::new(&cfg, Some(Signal::Logs), &Registry::new(), "attributes")
            .expect("valid");
        common::bench_processor(&mut g, name, &mut p, &input);
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
