//! Throughput of obfuscation, normalisation/fingerprinting, full statement analysis and plan analysis
//! on the shipped corpora (`testdata/corpus_{pg,mysql}.sql`, `testdata/plans/`). Reported both as
//! bytes/s and as statements/s. The side-by-side comparison with libpg_query lives in
//! `compare-pg-query/` (it needs libclang, so it is kept out of the workspace).
//!
//!     CARGO_TARGET_DIR=target-sql-extra nice -n 19 cargo bench -p dbintel-sql

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_sql::{Dialect, analyze_plan, analyze_statement, fingerprint, obfuscate};

fn load(name: &str) -> Vec<String> {
    let p = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(p).expect("corpus").lines().map(str::to_string).collect()
}

fn statements(c: &mut Criterion) {
    for (d, file) in [(Dialect::Postgresql, "corpus_pg.sql"), (Dialect::Mysql, "corpus_mysql.sql")] {
        let stmts = load(file);
        let bytes: u64 = stmts.iter().map(|s| s.len() as u64).sum();
        for (unit, tp) in
            [("bytes", Throughput::Bytes(bytes)), ("stmts", Throughput::Elements(stmts.len() as u64))]
        {
            let mut g = c.benchmark_group(format!("{d}_{unit}"));
            g.throughput(tp);
            g.bench_function("obfuscate", |b| {
                b.iter(|| stmts.iter().for_each(|s| drop(black_box(obfuscate(d, black_box(s))))))
            });
            g.bench_function("fingerprint", |b| {
                b.iter(|| stmts.iter().for_each(|s| drop(black_box(fingerprint(d, black_box(s))))))
            });
            g.bench_function("analyze_statement", |b| {
                b.iter(|| stmts.iter().for_each(|s| drop(black_box(analyze_statement(d, black_box(s))))))
            });
            g.finish();
        }
    }
}

fn plans(c: &mut Criterion) {
    let dir = format!("{}/testdata/plans/pg", env!("CARGO_MANIFEST_DIR"));
    let docs: Vec<String> = std::fs::read_dir(dir)
        .expect("plans")
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    let bytes: u64 = docs.iter().map(|s| s.len() as u64).sum();
    let mut g = c.benchmark_group("plan_pg");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("analyze_plan", |b| {
        b.iter(|| docs.iter().for_each(|s| drop(black_box(analyze_plan(Dialect::Postgresql, black_box(s))))))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = statements, plans
}
criterion_main!(benches);
