//! `querycorrelator` throughput on records shaped like our top-query events (about 15 attributes,
//! obfuscated text, 10% carrying a plan from 50 plan shapes), with the tables' metrics indexed
//! first; and on a query-sample round with blocking. Reports records per CPU second of the thread
//! (the machine is shared). The batch is cloned outside the measurement, so the processor owns it
//! (as in a pipeline with one consumer).

use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use dbintel_core::component::{Built, CreateContext};
use dbintel_core::pdata::{
    Attributes, LogRecord, Logs, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, ResourceLogs,
    ResourceMetrics, ScopeLogs, ScopeMetrics, SignalData, Temporality, Value,
};
use dbintel_core::telemetry::Registry;
use dbintel_core::{Factory, Processor};
use dbintel_processors::querycorrelator::QueryCorrelatorFactory;

// The binary's allocator, so the figures are the shipped collector's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RECORDS: usize = 1000;
const QUERIES: usize = 500;
const TABLES: usize = 40;
const DATABASES: usize = 4;

fn table(i: usize) -> String {
    format!("table_{}", i % TABLES)
}

fn plan(shape: usize) -> String {
    format!(
        r#"[{{"Plan":{{"Node Type":"Hash Join","Total Cost":{shape}.5,"Plans":[{{"Node Type":"Seq Scan","Relation Name":"table_{shape}"}},{{"Node Type":"Index Scan","Relation Name":"table_{}"}}]}}}}]"#,
        shape + 1
    )
}

fn top_query(i: usize) -> LogRecord {
    let q = i % QUERIES;
    let text = format!(
        "SELECT a.id, b.name FROM {} a JOIN {} b ON a.id = b.a_id WHERE a.status = $1 AND b.created > $2",
        table(q),
        table(q + 7)
    );
    let mut attributes = Attributes::from_iter([
        ("db.system.name", Value::from("postgresql")),
        ("db.namespace", Value::from(format!("db{}", q % DATABASES))),
        ("db.query.text", Value::from(text)),
        ("db.query.summary", Value::from(format!("SELECT {} {}", table(q), table(q + 7)))),
        ("db.operation.name", Value::from("SELECT")),
        ("postgresql.queryid", Value::from(format!("{}", 1_000_000_007u64 * q as u64))),
        ("dbintel.query.fingerprint", Value::from(format!("{:016x}", q * 7919))),
        ("postgresql.rolname", Value::from("app")),
        ("postgresql.calls", Value::Int(10 + q as i64)),
        ("postgresql.rows", Value::Int(100)),
        ("postgresql.total_exec_time", Value::Double(0.01 * (q + 1) as f64)),
        ("postgresql.total_plan_time", Value::Double(0.001)),
        ("postgresql.shared_blks_hit", Value::Int(1000)),
        ("postgresql.shared_blks_read", Value::Int(10)),
        ("dbintel.exec_time.mean", Value::Double(0.001 * (q + 1) as f64)),
    ]);
    if i.is_multiple_of(10) {
        attributes.insert("postgresql.query_plan", plan(q % 50));
    }
    LogRecord {
        event_name: "db.server.top_query".into(),
        time_unix_nano: 1,
        attributes,
        ..Default::default()
    }
}

fn sample(i: usize) -> LogRecord {
    let q = i % QUERIES;
    let mut attributes = Attributes::from_iter([
        ("db.system.name", Value::from("postgresql")),
        ("db.namespace", Value::from(format!("db{}", q % DATABASES))),
        ("db.query.text", Value::from(format!("UPDATE {} SET x = ? WHERE id = ?", table(q)))),
        ("postgresql.pid", Value::Int(1000 + i as i64)),
        ("postgresql.query_id", Value::Int(1_000_000_007i64 * q as i64)),
        ("postgresql.state", Value::from("active")),
        ("postgresql.wait_event", Value::from(if i.is_multiple_of(3) { "transactionid" } else { "" })),
        ("user.name", Value::from("app")),
        ("dbintel.query.fingerprint", Value::from(format!("{:016x}", q * 7919))),
    ]);
    if i.is_multiple_of(3) && i > 0 {
        attributes.insert("postgresql.blocking.pids", format!("{{{}}}", 1000 + i - 1));
    }
    LogRecord {
        event_name: "db.server.query_sample".into(),
        time_unix_nano: 1,
        attributes,
        ..Default::default()
    }
}

fn logs(records: Vec<LogRecord>) -> SignalData {
    SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            resource: dbintel_core::pdata::Resource {
                attributes: Attributes::from_iter([("service.instance.id", "db1:5432")]),
            },
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    })
}

fn table_metrics() -> SignalData {
    let point = |db: usize, t: usize, extra: Option<(&'static str, &str)>, v: i64| {
        let mut attributes = Attributes::from_iter([
            ("db.namespace", format!("db{db}|public")),
            ("db.collection.name", table(t)),
        ]);
        if let Some((k, val)) = extra {
            attributes.insert(k, val);
        }
        NumberDataPoint {
            attributes,
            start_time_unix_nano: 0,
            time_unix_nano: 1,
            value: NumberValue::Int(v),
            flags: 0,
        }
    };
    let metric = |name: &str, extra: Option<(&'static str, &str)>| Metric {
        name: name.into(),
        description: String::new(),
        unit: "1".into(),
        data: MetricData::Sum {
            points: (0..DATABASES)
                .flat_map(|d| (0..TABLES).map(move |t| (d, t)))
                .map(|(d, t)| point(d, t, extra, (t * 100) as i64))
                .collect(),
            temporality: Temporality::Cumulative,
            monotonic: false,
        },
    };
    SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![
                    metric("postgresql.table.size", None),
                    metric("postgresql.rows", Some(("state", "dead"))),
                    metric("postgresql.sequential_scans", None),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

fn processor() -> Box<dyn Processor> {
    let ctx = CreateContext::new("querycorrelator".parse().expect("id"), Registry::new());
    match QueryCorrelatorFactory.create(&ctx, &serde_json::Value::Null) {
        Ok(Built::Processor(p)) => p,
        _ => panic!("querycorrelator builds a processor"),
    }
}

/// This thread's CPU time (Linux `schedstat`, nanoseconds; updated at scheduler ticks, so only
/// long spans are measured with it). The machine is shared: wall time also measures the neighbours.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

/// Records per CPU second: 7 rounds of 40 batches (copied before the clock starts), median and
/// range printed.
fn cpu_report(name: &str, p: &mut Box<dyn Processor>, batch: &SignalData) {
    const ROUNDS: usize = 7;
    const BATCHES: usize = 40;
    let mut rates = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let inputs: Vec<Arc<SignalData>> = (0..BATCHES).map(|_| Arc::new(batch.clone())).collect();
        let mut outs = Vec::with_capacity(BATCHES);
        let start = thread_cpu();
        for data in inputs {
            p.process(data, &mut outs).expect("process");
        }
        let cpu = thread_cpu().saturating_sub(start).as_secs_f64();
        drop(outs);
        if cpu > 0.0 {
            rates.push((BATCHES * RECORDS) as f64 / cpu);
        }
    }
    // For scale on this machine: copying the same records (what a fan-out to a mutating processor costs).
    let start = thread_cpu();
    let copies: Vec<SignalData> = (0..BATCHES).map(|_| batch.clone()).collect();
    let copy_cpu = thread_cpu().saturating_sub(start).as_secs_f64();
    drop(copies);
    if copy_cpu > 0.0 {
        println!(
            "querycorrelator/{name}: copying the records: {:.0} per CPU second",
            (BATCHES * RECORDS) as f64 / copy_cpu
        );
    }
    rates.sort_by(f64::total_cmp);
    if let (Some(lo), Some(mid), Some(hi)) = (rates.first(), rates.get(rates.len() / 2), rates.last()) {
        println!(
            "querycorrelator/{name}: {mid:.0} records per CPU second (median of {}; {lo:.0} to {hi:.0})",
            rates.len()
        );
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("querycorrelator");
    group.throughput(Throughput::Elements(RECORDS as u64));
    let top = logs((0..RECORDS).map(top_query).collect());
    let samples = logs((0..RECORDS).map(sample).collect());
    let mut p = processor();
    let mut out = Vec::new();
    p.process(Arc::new(table_metrics()), &mut out).expect("metrics");
    // Warm: every query known (facts computed once per query, as in steady state).
    p.process(Arc::new(top.clone()), &mut out).expect("warm");
    cpu_report("top_query_events", &mut p, &top);
    cpu_report("query_samples", &mut p, &samples);
    for (name, batch) in [("top_query_events", &top), ("query_samples", &samples)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || Arc::new(batch.clone()),
                |data| {
                    let mut out = Vec::with_capacity(1);
                    p.process(data, &mut out).expect("process");
                    out
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
