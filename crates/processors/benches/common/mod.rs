//! Records shaped like our `db.server.top_query` events, shared by the processor benches: about 15
//! attributes, obfuscated text, 10% carrying a PostgreSQL plan from a set of 50 plan shapes.
#![allow(dead_code)] // each bench uses a part

use std::sync::Arc;

use dbintel_core::pdata::{Attributes, LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData, Value};

/// Distinct queries across a batch.
pub const QUERIES: usize = 200;

/// One of 50 plan shapes: a sort over a join of two tables, scan kinds and join strategy varying.
pub fn plan(shape: usize) -> String {
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

/// The 50 plan shapes.
pub fn plans() -> Vec<String> {
    (0..50).map(plan).collect()
}

/// Record `i` of a batch; query `i % QUERIES`, a plan on every tenth record (a query keeps its plan).
pub fn top_query(i: usize, plans: &[String]) -> LogRecord {
    let q = i % QUERIES;
    let text = format!(
        "SELECT o.id, o.total FROM orders_{q} o JOIN customers c ON c.id = o.customer_id WHERE o.status = ? AND o.created_at > ? ORDER BY o.created_at DESC LIMIT ?"
    );
    // The receivers' fingerprint of the text, as our events carry it.
    let fingerprint = dbintel_sql::fingerprint(dbintel_sql::Dialect::Postgresql, &text)
        .map(|f| f.to_hex())
        .unwrap_or_default();
    let mut a = Attributes::with_capacity(32);
    for (k, v) in [
        ("db.system.name", Value::from("postgresql")),
        ("db.namespace", Value::from(format!("shop{}", q % 4))),
        ("db.query.text", Value::from(text)),
        ("db.query.summary", Value::from(format!("SELECT orders_{q} customers"))),
        ("db.operation.name", Value::from("SELECT")),
        ("dbintel.query.fingerprint", Value::from(fingerprint)),
        ("postgresql.queryid", Value::from(format!("{}", 1_000_000 + q))),
        ("postgresql.rolname", Value::from("app")),
        ("postgresql.calls", Value::Int(i as i64)),
        ("postgresql.rows", Value::Int(120)),
        ("postgresql.shared_blks_hit", Value::Int(4000)),
        ("postgresql.shared_blks_read", Value::Int(12)),
        ("postgresql.total_exec_time", Value::Double(0.5)),
        ("dbintel.exec_time.mean", Value::Double(0.004 + (i % 7) as f64 * 0.001)),
        ("dbintel.toplevel", Value::Bool(true)),
    ] {
        a.insert(k, v);
    }
    if i.is_multiple_of(10) {
        a.insert("postgresql.query_plan", plans[q % plans.len()].clone());
    }
    LogRecord {
        time_unix_nano: 1,
        event_name: "db.server.top_query".into(),
        attributes: a,
        ..Default::default()
    }
}

/// One logs batch of `records` top-query events.
pub fn top_query_batch(records: usize) -> SignalData {
    let plans = plans();
    SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: (0..records).map(|i| top_query(i, &plans)).collect(),
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

/// This thread's time on a CPU (ns, Linux schedstat): on a shared machine wall time counts other
/// processes' turns, CPU time does not. `None` elsewhere.
pub fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Runs `step` on `batches` owned copies of `input` (copies made outside the timed part) and
/// returns records per CPU second of this thread. `step` hands back what it emitted, dropped
/// outside the timed part. 50 copies are queued before they run, so each batch comes from RAM (as
/// after a backlog).
pub fn records_per_cpu_second(
    input: &SignalData,
    batches: usize,
    step: impl FnMut(Arc<SignalData>) -> Vec<Arc<SignalData>>,
) -> Option<f64> {
    cpu_rate(input, batches, 50, step)
}

/// As [`records_per_cpu_second`], but each copy is made just before `step` runs on it, so the batch
/// is in the CPU's caches as one a receiver has just built and handed over is.
pub fn warm_records_per_cpu_second(
    input: &SignalData,
    batches: usize,
    step: impl FnMut(Arc<SignalData>) -> Vec<Arc<SignalData>>,
) -> Option<f64> {
    cpu_rate(input, batches, 1, step)
}

/// `batches` rounded up to whole rounds of `queued` copies, made before each round runs.
fn cpu_rate(
    input: &SignalData,
    batches: usize,
    queued: usize,
    mut step: impl FnMut(Arc<SignalData>) -> Vec<Arc<SignalData>>,
) -> Option<f64> {
    let per = input_records(input);
    let rounds = batches.div_ceil(queued);
    let mut cpu = 0u64;
    for _ in 0..rounds {
        let copies: Vec<Arc<SignalData>> = (0..queued).map(|_| Arc::new(input.clone())).collect();
        let mut outputs = Vec::with_capacity(copies.len());
        let t0 = thread_cpu_ns()?;
        for d in copies {
            outputs.push(step(d));
        }
        cpu += thread_cpu_ns()?.saturating_sub(t0);
        // Dropping the output is the exporter's cost, not the processors'.
        drop(outputs);
    }
    let records = (rounds * queued * per) as f64;
    (cpu > 0).then(|| records / (cpu as f64 / 1e9))
}

fn input_records(d: &SignalData) -> usize {
    d.item_count()
}

/// The measurement most processor benches make: `p` on owned copies of `input` (made outside the
/// timed part), first as records per CPU second of this thread (printed as `<group> <name>: ...`),
/// then as criterion's per-batch wall time in `group`.
pub fn bench_processor(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    p: &mut dyn dbintel_core::Processor,
    input: &SignalData,
) {
    let step = |p: &mut dyn dbintel_core::Processor, d: Arc<SignalData>| {
        let mut out = Vec::with_capacity(1);
        p.process(d, &mut out).expect("process");
        out
    };
    if let Some(r) = records_per_cpu_second(input, 500, |d| step(&mut *p, d)) {
        println!("{name}: {r:.0} records per CPU second");
    }
    g.bench_function(name, |b| {
        // The output is returned, so criterion drops it outside the measurement.
        b.iter_batched(|| Arc::new(input.clone()), |d| step(&mut *p, d), criterion::BatchSize::LargeInput)
    });
}

/// A metrics batch of one gauge (`postgresql.tup_fetched`) with `points` points over 4 databases and
/// 50 tables, at `now` (ns), on a resource with `service.name`, `server.address` and `server.port`.
pub fn gauge_batch(points: usize, now: u64) -> SignalData {
    use dbintel_core::pdata::{
        Metric, MetricData, Metrics, NumberDataPoint, NumberValue, Resource, ResourceMetrics, ScopeMetrics,
    };
    let pts = (0..points)
        .map(|i| {
            let mut a = Attributes::with_capacity(4);
            a.insert("db.namespace", format!("shop{}", i % 4));
            a.insert("db.collection.name", format!("orders_{}", i % 50));
            a.insert("db.operation.name", "SELECT");
            NumberDataPoint {
                attributes: a,
                start_time_unix_nano: now - 60_000_000_000,
                time_unix_nano: now,
                value: NumberValue::Int(i as i64),
                flags: 0,
            }
        })
        .collect();
    let mut resource = Attributes::new();
    resource.insert("service.name", "orders-db");
    resource.insert("server.address", "db1");
    resource.insert("server.port", 5432i64);
    SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Resource { attributes: resource },
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: "postgresql.tup_fetched".into(),
                    description: String::new(),
                    unit: "1".into(),
                    data: MetricData::Gauge(pts),
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    })
}

/// Records of `benches/adaptivesampler` (also run by `examples/query_instructions sampler`): 5000
/// queries, so most records of a 20-batch run are new to the sampler's dedup.
pub mod sampler {
    use dbintel_core::pdata::{Attributes, LogRecord};

    pub const RECORDS_PER_BATCH: usize = 500;
    pub const QUERIES: usize = 5000;

    pub fn plan(shape: usize) -> String {
        format!(
            r#"[{{"Plan":{{"Node Type":"Hash Join","Total Cost":{shape}.5,"Plan Rows":{},"Plans":[{{"Node Type":"Seq Scan","Relation Name":"t{shape}"}},{{"Node Type":"Index Scan","Relation Name":"u{shape}","Index Name":"u_pkey"}}]}}}}]"#,
            shape * 100
        )
    }

    pub fn record(i: usize) -> LogRecord {
        let q = (i * 7919) % QUERIES;
        let mut a = Attributes::with_capacity(17);
        a.insert("db.system.name", "postgresql");
        a.insert("db.namespace", format!("db{}", q % 4));
        a.insert(
            "db.query.text",
            format!(
                "SELECT a, b FROM orders_{q} o JOIN users u ON u.id = o.user_id WHERE o.id = ? AND o.state IN (?)"
            ),
        );
        a.insert("postgresql.calls", (i % 3000) as i64);
        a.insert("postgresql.rows", (i % 500) as i64);
        a.insert("postgresql.shared_blks_hit", (i * 3) as i64);
        a.insert("postgresql.shared_blks_read", (i % 17) as i64);
        a.insert("postgresql.temp_blks_written", 0i64);
        a.insert("postgresql.queryid", format!("{}", 1_000_000 + q));
        a.insert("postgresql.rolname", "app");
        a.insert("postgresql.total_exec_time", (i % 100) as f64 * 0.01);
        a.insert("db.query.summary", format!("SELECT orders_{q} users"));
        a.insert("db.operation.name", "SELECT");
        a.insert(
            "dbintel.query.fingerprint",
            format!("{:016x}", (q as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        );
        a.insert("dbintel.exec_time.mean", (i % 1300) as f64 * 0.001);
        a.insert("dbintel.exec_time.stddev", (i % 50) as f64 * 0.001);
        if i.is_multiple_of(10) {
            a.insert("postgresql.query_plan", plan(i % 50));
            a.insert("dbintel.plan.hash", format!("{:016x}", i % 50));
        }
        LogRecord {
            time_unix_nano: 1_700_000_000_000_000_000 + (i / RECORDS_PER_BATCH) as u64 * 60_000_000_000,
            event_name: "db.server.top_query".into(),
            attributes: a,
            ..Default::default()
        }
    }
}
