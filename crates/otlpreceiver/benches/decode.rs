//! The `otlp` receiver's decode path, per 1,000-point metrics request: protobuf bytes to the
//! request message (prost, what tonic does before the service runs), the message to the data model
//! (`OtlpSignal::convert`: what the receiver does per request), and OTLP-JSON bytes to the data
//! model (the HTTP JSON path). Criterion reports points/s. Run:
//! `cargo bench -p dbintel-otlpreceiver --bench decode`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use dbintel_otlp::fixtures::large_metrics;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use dbintel_otlpreceiver::signal::{Metrics, OtlpSignal};
use prost::Message;

const POINTS: usize = 1000;

fn decode(c: &mut Criterion) {
    let request = dbintel_otlp::to_proto_metrics(&large_metrics(POINTS));
    let proto = request.encode_to_vec();
    let json = serde_json::to_vec(&request).expect("json");
    let mut g = c.benchmark_group("otlp_receiver_decode");
    g.throughput(Throughput::Elements(POINTS as u64));
    g.bench_function("protobuf_to_message", |b| {
        b.iter(|| ExportMetricsServiceRequest::decode(proto.as_slice()).expect("decode"))
    });
    g.bench_function("message_to_data_model", |b| {
        b.iter_batched(|| request.clone(), Metrics::convert, BatchSize::SmallInput)
    });
    g.bench_function("protobuf_to_data_model", |b| {
        b.iter(|| Metrics::convert(ExportMetricsServiceRequest::decode(proto.as_slice()).expect("decode")))
    });
    g.bench_function("json_to_data_model", |b| {
        b.iter(|| {
            Metrics::convert(serde_json::from_slice::<ExportMetricsServiceRequest>(&json).expect("json"))
        })
    });
    g.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
