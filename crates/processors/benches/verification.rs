//! `verification` throughput on records shaped like our top-query events: ~15 attributes, obfuscated
//! text, 10% carrying a plan from 50 plan shapes; one variant with 1% of records carrying literal PII
//! and auto_sanitize on. Reports log records per second (the prototype claimed 115k/s).

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::component::{Built, CreateContext};
use dbintel_core::pdata::{Attributes, LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData, Value};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Factory, Processor};
use dbintel_processors::verification::VerificationFactory;

// The binary's allocator, so the figures are the shipped collector's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RECORDS: usize = 1000;

fn plan(shape: usize) -> String {
    let node = ["Seq Scan", "Index Scan", "Bitmap Heap Scan", "Hash Join", "Nested Loop"][shape % 5];
    format!(
        r#"[{{"Plan": {{"Node Type": "{node}", "Parallel Aware": false, "Startup Cost": 0.{shape}, "Total Cost": {}.5, "Plan Rows": {}, "Plan Width": 44, "Filter": "(customer_id = $1)", "Plans": [{{"Node Type": "Index Scan", "Relation Name": "orders_{shape}", "Index Name": "orders_{shape}_pkey", "Total Cost": 8.44, "Plan Rows": 1, "Index Cond": "(id = $2)"}}]}}}}]"#,
        100 + shape * 37,
        1000 * (shape + 1)
    )
}

fn batch(pii_every: usize) -> Arc<SignalData> {
    let records = (0..RECORDS)
        .map(|i| {
            let mut text = format!(
                "SELECT o.id, o.total, c.name FROM orders_{} o JOIN customers c ON c.id = o.customer_id WHERE o.status = $1 AND o.created_at > $2 ORDER BY o.created_at DESC LIMIT $3",
                i % 200
            );
            if pii_every > 0 && i % pii_every == 0 {
                text = format!("SELECT * FROM users WHERE email = 'user{i}@example.com'");
            }
            let mut a = Attributes::with_capacity(16);
            a.insert("db.system.name", "postgresql");
            a.insert("db.namespace", "shop");
            a.insert("db.query.text", text);
            a.insert("db.query.summary", format!("SELECT orders_{} customers", i % 200));
            a.insert("db.operation.name", "SELECT");
            a.insert("postgresql.queryid", format!("{}", -4_567_891_234_567_891_234_i64 + i as i64));
            a.insert("dbintel.query.fingerprint", format!("{:016x}", i * 7919));
            a.insert("postgresql.rolname", "app");
            a.insert("postgresql.calls", Value::Int(i as i64));
            a.insert("postgresql.rows", Value::Int(10 * i as i64));
            a.insert("postgresql.shared_blks_hit", Value::Int(123));
            a.insert("postgresql.shared_blks_read", Value::Int(4));
            a.insert("postgresql.total_exec_time", Value::Double(0.25));
            a.insert("postgresql.total_plan_time", Value::Double(0.01));
            a.insert("dbintel.exec_time.mean", Value::Double(0.002));
            if i % 10 == 0 {
                a.insert("postgresql.query_plan", plan(i / 10 % 50));
            }
            LogRecord { event_name: "db.server.top_query".into(), attributes: a, ..Default::default() }
        })
        .collect();
    Arc::new(SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    }))
}

fn processor(config: serde_json::Value) -> Box<dyn Processor> {
    let ctx = CreateContext::new("verification".parse().expect("id"), Registry::new());
    match VerificationFactory.create(&ctx, &config) {
        Ok(Built::Processor(p)) => p,
        _ => panic!("verification builds"),
    }
}

/// This thread's time on a CPU (ns), from /proc: on a shared machine wall time counts other
/// processes' turns, CPU time does not.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Records per second of CPU time over 1000 batches (after 50 to warm up), printed beside criterion's wall-time numbers.
fn cpu_time_throughput(name: &str, p: &mut dyn Processor, data: &Arc<SignalData>) {
    let mut out = Vec::with_capacity(2);
    for _ in 0..50 {
        out.clear();
        p.process(data.clone(), &mut out).expect("process");
    }
    let Some(start) = thread_cpu_ns() else { return };
    let batches = 1000;
    for _ in 0..batches {
        out.clear();
        p.process(data.clone(), &mut out).expect("process");
        std::hint::black_box(&out);
    }
    let Some(end) = thread_cpu_ns() else { return };
    let secs = (end.saturating_sub(start)) as f64 / 1e9;
    if secs > 0.0 {
        println!("{name}: {:.0} records/s of CPU time", (batches * RECORDS) as f64 / secs);
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("verification");
    g.throughput(Throughput::Elements(RECORDS as u64));
    let cases = [
        ("top_query_default", serde_json::json!({}), 0),
        ("top_query_high", serde_json::json!({"pii_detection": {"sensitivity_level": "high"}}), 0),
        (
            "top_query_1pct_pii_sanitize",
            serde_json::json!({"pii_detection": {"auto_sanitize": true, "sensitivity_level": "high"}}),
            100,
        ),
    ];
    for (name, config, pii_every) in cases {
        let mut p = processor(config);
        let data = batch(pii_every);
        let mut out = Vec::with_capacity(2);
        cpu_time_throughput(name, p.as_mut(), &data);
        g.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                // A shared Arc, as a fan-out would hand over: redaction copies the batch.
                p.process(data.clone(), &mut out).expect("process");
                std::hint::black_box(&out);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
