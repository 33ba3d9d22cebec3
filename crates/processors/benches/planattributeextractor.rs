//! planattributeextractor throughput on records shaped like `db.server.top_query` events: ~15
//! attributes, obfuscated text, 10% carrying a PostgreSQL plan from a set of 50 plan shapes.
//! Reports log records per second.

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::Processor;
use dbintel_core::pdata::{Attributes, LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData, Value};
use dbintel_processors::planattributeextractor::{PlanAttrConfig, PlanAttributeExtractor};

const RECORDS: usize = 1000;
const QUERIES: usize = 200;

/// One of 50 plan shapes: a join of two tables, scan kinds and join strategy varying.
fn plan(shape: usize) -> String {
    let joins = ["Hash Join", "Nested Loop", "Merge Join"];
    let scan = |i: usize, t: usize| {
        if i.is_multiple_of(2) {
            format!(
                r#"{{"Node Type": "Seq Scan", "Relation Name": "t{t}", "Alias": "t{t}", "Startup Cost": 0.0, "Total Cost": 431.0, "Plan Rows": 10000, "Plan Width": 40, "Filter": "(status = ?)"}}"#
            )
        } else {
            format!(
                r#"{{"Node Type": "Index Scan", "Index Name": "t{t}_pkey", "Relation Name": "t{t}", "Alias": "t{t}", "Startup Cost": 0.29, "Total Cost": 8.3, "Plan Rows": 1, "Plan Width": 40, "Index Cond": "(id = ?)"}}"#
            )
        }
    };
    format!(
        r#"[{{"Plan": {{"Node Type": "Sort", "Startup Cost": 500.1, "Total Cost": 512.3, "Plan Rows": 120, "Plan Width": 80, "Sort Key": ["a.created_at"], "Plans": [{{"Node Type": "{}", "Startup Cost": 10.0, "Total Cost": 480.5, "Plan Rows": 120, "Plan Width": 80, "Plans": [{}, {}]}}]}}}}]"#,
        joins[shape % 3],
        scan(shape / 3, shape),
        scan(shape / 6 + 1, shape + 100),
    )
}

fn record(i: usize, plans: &[String]) -> LogRecord {
    let q = i % QUERIES;
    let mut a = Attributes::from_iter([
        ("db.system.name", Value::from("postgresql")),
        ("db.namespace", Value::from("shop")),
        (
            "db.query.text",
            Value::from(format!(
                "SELECT o.id, o.total FROM orders_{q} o JOIN customers c ON c.id = o.customer_id WHERE o.status = ? AND o.created_at > ? ORDER BY o.created_at DESC LIMIT ?"
            )),
        ),
        ("db.query.summary", Value::from(format!("SELECT orders_{q} customers"))),
        ("db.operation.name", Value::from("SELECT")),
        ("dbintel.query.fingerprint", Value::from(format!("{:016x}", q * 7919))),
        ("postgresql.queryid", Value::from(format!("{}", 1_000_000 + q))),
        ("postgresql.rolname", Value::from("app")),
        ("postgresql.calls", Value::Int(i as i64)),
        ("postgresql.rows", Value::Int(120)),
        ("postgresql.shared_blks_hit", Value::Int(4000)),
        ("postgresql.shared_blks_read", Value::Int(12)),
        ("postgresql.total_exec_time", Value::Double(0.5)),
        ("dbintel.exec_time.mean", Value::Double(0.004 + (i % 7) as f64 * 0.001)),
        ("dbintel.toplevel", Value::Bool(true)),
    ]);
    if i.is_multiple_of(10) {
        // A query keeps its plan (plans change rarely); 50 shapes across the queries.
        a.insert("postgresql.query_plan", plans[q % plans.len()].clone());
    }
    LogRecord {
        time_unix_nano: 1,
        event_name: "db.server.top_query".into(),
        attributes: a,
        ..Default::default()
    }
}

fn batch() -> SignalData {
    let plans: Vec<String> = (0..50).map(plan).collect();
    SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: (0..RECORDS).map(|i| record(i, &plans)).collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

fn bench(c: &mut Criterion) {
    let input = batch();
    let mut g = c.benchmark_group("planattributeextractor");
    g.throughput(Throughput::Elements(RECORDS as u64));
    let mut p = PlanAttributeExtractor::new(PlanAttrConfig::default(), None);
    // The input copy is made and the output dropped outside the measurement (criterion's
    // iter_batched): what is timed is the processor's own work.
    g.bench_function("top_query_10pct_plans", |b| {
        b.iter_batched(
            || Arc::new(input.clone()),
            |data| {
                let mut out = Vec::with_capacity(1);
                p.process(data, &mut out).expect("process");
                out
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// This thread's CPU time in clock ticks (Linux `/proc/thread-self/stat`: utime + stime), `None`
/// elsewhere. On a shared machine wall time counts other processes' work; CPU time does not.
fn thread_cpu_ticks() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// `PLANATTR_CPU_ROUNDS=n`: records per CPU second of this thread over n rounds of 50 batches
/// (copies made outside the timed part). Ticks are 10ms: use enough rounds (e.g. 40).
fn cpu_time_report(rounds: usize) {
    let input = batch();
    let mut p = PlanAttributeExtractor::new(PlanAttrConfig::default(), None);
    let (mut ticks, mut records) = (0u64, 0u64);
    for _ in 0..rounds {
        let copies: Vec<Arc<SignalData>> = (0..50).map(|_| Arc::new(input.clone())).collect();
        let mut outs = Vec::with_capacity(copies.len());
        let Some(t0) = thread_cpu_ticks() else { return };
        for d in copies {
            let mut out = Vec::with_capacity(1);
            p.process(d, &mut out).expect("process");
            outs.push(out);
        }
        let Some(t1) = thread_cpu_ticks() else { return };
        ticks += t1 - t0;
        records += (50 * RECORDS) as u64;
        drop(outs);
    }
    // Linux USER_HZ is 100.
    let secs = ticks as f64 / 100.0;
    if secs > 0.0 {
        println!(
            "planattributeextractor: {records} records in {secs:.2} CPU s = {:.0} records per CPU second",
            records as f64 / secs
        );
    }
}

fn entry(c: &mut Criterion) {
    match std::env::var("PLANATTR_CPU_ROUNDS").ok().and_then(|v| v.parse().ok()) {
        Some(n) => cpu_time_report(n),
        None => bench(c),
    }
}

criterion_group!(benches, entry);
criterion_main!(benches);
