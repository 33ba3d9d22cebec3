//! dbintel-sql vs libpg_query (pg_query crate) on the same PostgreSQL corpus, in the same run:
//! obfuscate vs `pg_query::normalize`, fingerprint vs `pg_query::fingerprint`. Throughput is
//! reported in bytes (MB/s) and in statements (elements/s).
//!
//!     cd crates/sql/compare-pg-query && nice -n 19 cargo bench

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_sql::{Dialect, fingerprint, obfuscate};
use std::hint::black_box;

fn corpus() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/corpus_pg.sql"))
        .expect("corpus");
    // Only statements libpg_query parses, so both sides do the same work.
    text.lines().filter(|l| pg_query::fingerprint(l).is_ok()).map(str::to_string).collect()
}

fn bench(c: &mut Criterion) {
    let stmts = corpus();
    let bytes: u64 = stmts.iter().map(|s| s.len() as u64).sum();
    for (unit, tp) in
        [("bytes", Throughput::Bytes(bytes)), ("stmts", Throughput::Elements(stmts.len() as u64))]
    {
        let mut g = c.benchmark_group(format!("normalize_{unit}"));
        g.throughput(tp.clone());
        g.bench_function("dbintel_obfuscate", |b| {
            b.iter(|| {
                stmts.iter().for_each(|s| drop(black_box(obfuscate(Dialect::Postgresql, black_box(s)))))
            })
        });
        g.bench_function("pg_query_normalize", |b| {
            b.iter(|| stmts.iter().for_each(|s| drop(black_box(pg_query::normalize(black_box(s))))))
        });
        g.finish();
        let mut g = c.benchmark_group(format!("fingerprint_{unit}"));
        g.throughput(tp);
        g.bench_function("dbintel_fingerprint", |b| {
            b.iter(|| {
                stmts.iter().for_each(|s| drop(black_box(fingerprint(Dialect::Postgresql, black_box(s)))))
            })
        });
        g.bench_function("pg_query_fingerprint", |b| {
            b.iter(|| stmts.iter().for_each(|s| drop(black_box(pg_query::fingerprint(black_box(s))))))
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
