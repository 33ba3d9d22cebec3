//! Load generator and counting sink for `bench/gateway_throughput.sh` (not a test).
//!
//! `otlp_bench sink ADDR`: an OTLP/gRPC metrics service (tonic, gzip and zstd accepted) that decodes
//! every request fully, as a backend would, and prints `<unix_ms> <points> <requests>` once a
//! second (cumulative).
//!
//! `otlp_bench load URL SECONDS CONNECTIONS INFLIGHT POINTS_PER_REQUEST`: sends one OTLP metrics
//! request, encoded once before the run (a database-like shape: one resource, 50 metrics, points
//! with three attributes), as fast as the target takes it: CONNECTIONS HTTP/2 connections with
//! INFLIGHT concurrent calls each. The bytes go out as they are (a pass-through codec), so the
//! generator spends no time encoding. Prints the points sent and refused and the rate.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, Bytes};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{
    Gauge, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, metric, number_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;
use tonic::codec::{Codec, CompressionEncoding, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::{Request, Response, Status};

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match args.get(1).map(String::as_str) {
        Some("sink") => rt.block_on(sink(args.get(2).ok_or("sink ADDR")?)),
        Some("load") => {
            let n = |i: usize, what: &str| -> Result<u64, Error> {
                Ok(args.get(i).ok_or(format!("missing {what}"))?.parse::<u64>()?)
            };
            let url = args.get(2).ok_or("load URL")?.clone();
            let (secs, conns, inflight, points) =
                (n(3, "SECONDS")?, n(4, "CONNECTIONS")?, n(5, "INFLIGHT")?, n(6, "POINTS_PER_REQUEST")?);
            rt.block_on(load(url, secs, conns, inflight, points))
        }
        _ => {
            Err("usage: otlp_bench sink ADDR | otlp_bench load URL SECONDS CONNECTIONS INFLIGHT POINTS"
                .into())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The sink

#[derive(Default)]
struct Counts {
    points: AtomicU64,
    requests: AtomicU64,
}

struct Sink(Arc<Counts>);

#[tonic::async_trait]
impl MetricsService for Sink {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        let req = request.into_inner();
        self.0.points.fetch_add(points_in(&req), Ordering::Relaxed);
        self.0.requests.fetch_add(1, Ordering::Relaxed);
        Ok(Response::new(ExportMetricsServiceResponse::default()))
    }
}

fn points_in(req: &ExportMetricsServiceRequest) -> u64 {
    let mut n = 0usize;
    for m in req.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        n += match &m.data {
            Some(metric::Data::Gauge(g)) => g.data_points.len(),
            Some(metric::Data::Sum(s)) => s.data_points.len(),
            Some(metric::Data::Histogram(h)) => h.data_points.len(),
            Some(metric::Data::ExponentialHistogram(h)) => h.data_points.len(),
            Some(metric::Data::Summary(s)) => s.data_points.len(),
            None => 0,
        };
    }
    n as u64
}

async fn sink(addr: &str) -> Result<(), Error> {
    let counts = Arc::new(Counts::default());
    let service = MetricsServiceServer::new(Sink(counts.clone()))
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .max_decoding_message_size(64 << 20);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            println!(
                "{} {} {}",
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis())
                    .unwrap_or(0),
                counts.points.load(Ordering::Relaxed),
                counts.requests.load(Ordering::Relaxed)
            );
        }
    });
    tonic::transport::Server::builder().add_service(service).serve(addr.parse()?).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The load

/// Sends already-encoded protobuf as it is; reads and discards the answer.
#[derive(Clone, Copy)]
struct Raw;

impl Codec for Raw {
    type Encode = Bytes;
    type Decode = ();
    type Encoder = Raw;
    type Decoder = Raw;
    fn encoder(&mut self) -> Raw {
        Raw
    }
    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl Encoder for Raw {
    type Item = Bytes;
    type Error = Status;
    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = ();
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<()>, Status> {
        let n = src.remaining();
        src.advance(n);
        Ok(Some(()))
    }
}

fn kv(k: &str, v: any_value::Value) -> KeyValue {
    KeyValue { key: k.into(), value: Some(AnyValue { value: Some(v) }), ..Default::default() }
}

fn s(v: &str) -> any_value::Value {
    any_value::Value::StringValue(v.into())
}

/// One request of `points` points: 50 metrics (gauges and monotonic cumulative sums), each point
/// with `db.namespace`, `state` and `table` attributes, on a resource like a database's.
fn request(points: u64) -> ExportMetricsServiceRequest {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let metrics_n = 50u64.min(points.max(1));
    let per = points.div_ceil(metrics_n);
    let mut left = points;
    let mut metrics = Vec::new();
    for m in 0..metrics_n {
        let mut data_points = Vec::new();
        for p in 0..per.min(left) {
            data_points.push(NumberDataPoint {
                attributes: vec![
                    kv("db.namespace", s(&format!("db{}", p % 7))),
                    kv("state", s(["active", "idle", "idle in transaction"][(p % 3) as usize])),
                    kv("table", s(&format!("public.table_{p}"))),
                ],
                start_time_unix_nano: now - 60_000_000_000,
                time_unix_nano: now,
                value: Some(if m % 2 == 0 {
                    number_data_point::Value::AsInt((m * 1000 + p) as i64)
                } else {
                    number_data_point::Value::AsDouble((m * 1000 + p) as f64 * 0.5)
                }),
                ..Default::default()
            });
        }
        left -= data_points.len() as u64;
        let data = if m % 2 == 0 {
            metric::Data::Sum(Sum { data_points, aggregation_temporality: 2, is_monotonic: true })
        } else {
            metric::Data::Gauge(Gauge { data_points })
        };
        metrics.push(Metric {
            name: format!("bench.metric_{m}"),
            description: "a benchmark metric".into(),
            unit: "1".into(),
            data: Some(data),
            ..Default::default()
        });
    }
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(Resource {
                attributes: vec![
                    kv("service.name", s("bench")),
                    kv("db.system.name", s("postgresql")),
                    kv("server.address", s("db.example")),
                    kv("server.port", any_value::Value::IntValue(5432)),
                    kv("host.name", s("bench-host")),
                ],
                ..Default::default()
            }),
            scope_metrics: vec![ScopeMetrics {
                scope: Some(InstrumentationScope {
                    name: "otlp_bench".into(),
                    version: "1".into(),
                    ..Default::default()
                }),
                metrics,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

async fn load(url: String, secs: u64, conns: u64, inflight: u64, points: u64) -> Result<(), Error> {
    let req = request(points);
    let per_request = points_in(&req);
    let body = Bytes::from(req.encode_to_vec());
    let sent = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let path = http::uri::PathAndQuery::from_static(
        "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
    );
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..conns {
        let channel = tonic::transport::Endpoint::from_shared(url.clone())?.connect().await?;
        for _ in 0..inflight {
            let mut client = tonic::client::Grpc::new(channel.clone());
            let (body, sent, refused, path) = (body.clone(), sent.clone(), refused.clone(), path.clone());
            tasks.spawn(async move {
                while Instant::now() < deadline {
                    if client.ready().await.is_err() {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                    match client.unary::<Bytes, (), Raw>(Request::new(body.clone()), path.clone(), Raw).await
                    {
                        Ok(_) => sent.fetch_add(per_request, Ordering::Relaxed),
                        Err(_) => {
                            // Refused (backpressure) or failed: back off a little, as a sender would.
                            tokio::time::sleep(Duration::from_millis(5)).await;
                            refused.fetch_add(per_request, Ordering::Relaxed)
                        }
                    };
                }
            });
        }
    }
    let start = Instant::now();
    while tasks.join_next().await.is_some() {}
    let elapsed = start.elapsed().as_secs_f64();
    let sent = sent.load(Ordering::Relaxed);
    println!(
        "sent {sent} points ({:.0}/s) in {elapsed:.1}s; refused {} points; {} bytes per request of {per_request} points",
        sent as f64 / elapsed,
        refused.load(Ordering::Relaxed),
        body.len()
    );
    Ok(())
}
