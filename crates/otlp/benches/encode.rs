//! Encoding cost of a 1000-point metrics batch: OTLP-JSON (our encoder, which encodes the prost
//! request: from a batch it includes the conversion, as in the file exporter; from a request it does
//! not, as in otlphttp) and protobuf (conversion to prost types plus `encode_to_vec`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbintel_otlp::{
    fixtures, metrics_to_json, to_proto_metrics, write_metrics_json, write_metrics_request_json,
};
use prost::Message;

fn encode(c: &mut Criterion) {
    let batch = fixtures::large_metrics(1000);
    let mut group = c.benchmark_group("encode_1000_points");
    group.throughput(Throughput::Elements(1000));
    group.bench_function("json_string", |b| b.iter(|| metrics_to_json(std::hint::black_box(&batch))));
    let mut buf = Vec::new();
    group.bench_function("json_reused_buffer", |b| {
        b.iter(|| {
            buf.clear();
            write_metrics_json(std::hint::black_box(&batch), &mut buf);
            buf.len()
        })
    });
    let req = to_proto_metrics(&batch);
    group.bench_function("json_request_only", |b| {
        b.iter(|| {
            buf.clear();
            write_metrics_request_json(std::hint::black_box(&req), &mut buf);
            buf.len()
        })
    });
    group.bench_function("proto_convert_and_encode", |b| {
        b.iter(|| to_proto_metrics(std::hint::black_box(&batch)).encode_to_vec())
    });
    group.bench_function("proto_encode_only", |b| b.iter(|| std::hint::black_box(&req).encode_to_vec()));
    group.finish();
}

criterion_group!(benches, encode);
criterion_main!(benches);
