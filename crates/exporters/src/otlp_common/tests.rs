use std::time::{Duration, SystemTime};

use dbintel_core::pdata::{
    Attributes, Metric, MetricData, Metrics, NumberDataPoint, NumberValue, ResourceMetrics, ScopeMetrics,
    Temporality,
};
use dbintel_core::telemetry::Counter;

use super::*;

fn sum(v: i64, start: u64, t: u64) -> Metrics {
    let mut attrs = Attributes::new();
    attrs.insert("db.namespace", "orders");
    Metrics {
        resource_metrics: vec![ResourceMetrics {
            scope_metrics: vec![ScopeMetrics {
                metrics: vec![Metric {
                    name: "c".into(),
                    description: String::new(),
                    unit: String::new(),
                    data: MetricData::Sum {
                        points: vec![NumberDataPoint {
                            attributes: attrs,
                            start_time_unix_nano: start,
                            time_unix_nano: t,
                            value: NumberValue::Int(v),
                            flags: 0,
                        }],
                        temporality: Temporality::Cumulative,
                        monotonic: true,
                    },
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn first_point(m: &Metrics) -> Option<(NumberValue, u64, u64, Temporality)> {
    let metric = m.resource_metrics.first()?.scope_metrics.first()?.metrics.first()?;
    let MetricData::Sum { points, temporality, .. } = &metric.data else { return None };
    let p = points.first()?;
    Some((p.value, p.start_time_unix_nano, p.time_unix_nano, *temporality))
}

#[test]
fn delta_first_point_yields_nothing_then_differences_and_resets() {
    let mut d = DeltaConverter::new(10, Counter::default());
    let mut m = sum(10, 100, 200);
    d.convert(&mut m);
    assert!(m.resource_metrics.is_empty());
    let mut m = sum(15, 100, 300);
    d.convert(&mut m);
    assert_eq!(first_point(&m), Some((NumberValue::Int(5), 200, 300, Temporality::Delta)));
    // A decrease is a reset: the new value counts from 0 since its own start.
    let mut m = sum(3, 350, 400);
    d.convert(&mut m);
    assert_eq!(first_point(&m), Some((NumberValue::Int(3), 350, 400, Temporality::Delta)));
    // A duplicate timestamp is dropped.
    let mut m = sum(9, 350, 400);
    d.convert(&mut m);
    assert!(m.resource_metrics.is_empty());
}

#[test]
fn delta_map_is_bounded_and_counts_evictions() {
    let evicted = Counter::default();
    let mut d = DeltaConverter::new(5, evicted.clone());
    for i in 0..50 {
        let mut m = sum(1, 1, 10);
        if let MetricData::Sum { points, .. } = &mut m.resource_metrics[0].scope_metrics[0].metrics[0].data {
            points[0].attributes.insert("i", i64::from(i));
        }
        d.convert(&mut m);
    }
    assert!(d.len() <= 5);
    assert!(evicted.get() >= 45);
}

#[test]
fn retry_after_seconds_and_http_date() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
    let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
    assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(30)));
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("999999", now), Some(Duration::from_secs(3600)));
}

#[test]
fn headers_debug_is_redacted() {
    let h = Headers([("api-key".to_string(), "secret-license".to_string())].into_iter().collect());
    let text = format!("{h:?}");
    assert!(!text.contains("secret-license"), "{text}");
    assert!(text.contains("api-key"));
}

#[test]
fn grpc_status_classification_with_retry_info() {
    use prost::Message;
    let info = rpc::RetryInfo { retry_delay: Some(rpc::ProtoDuration { seconds: 3, nanos: 0 }) };
    let status = rpc::RpcStatus {
        code: 8,
        message: "slow down".into(),
        details: vec![rpc::Any { type_url: rpc::RETRY_INFO_TYPE.into(), value: info.encode_to_vec() }],
    };
    let s = tonic::Status::with_details(
        tonic::Code::ResourceExhausted,
        "slow down",
        status.encode_to_vec().into(),
    );
    match crate::otlp::classify_status(&s, Some(s.code())) {
        crate::exporterhelper::SendError::Retryable { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(3)))
        }
        other => panic!("{other:?}"),
    }
    let s = tonic::Status::resource_exhausted("quota");
    assert!(matches!(
        crate::otlp::classify_status(&s, Some(s.code())),
        crate::exporterhelper::SendError::Permanent { .. }
    ));
    let s = tonic::Status::unavailable("down");
    assert!(matches!(
        crate::otlp::classify_status(&s, Some(s.code())),
        crate::exporterhelper::SendError::Retryable { .. }
    ));
}

#[test]
fn grpc_statuses_the_peer_did_not_send_are_transport_failures() {
    use crate::exporterhelper::SendError;
    // Codes that are permanent when the peer sends them are retryable when tonic made them up.
    for code in [
        tonic::Code::Unknown,
        tonic::Code::Internal,
        tonic::Code::InvalidArgument,
        tonic::Code::Unauthenticated,
        tonic::Code::Unimplemented,
    ] {
        let s = tonic::Status::new(code, "grpc-status header missing, mapped from HTTP status code 500");
        assert!(matches!(crate::otlp::classify_status(&s, None), SendError::Retryable { .. }), "{code:?}");
        // The peer said OK (or something else) but decoding failed.
        assert!(
            matches!(crate::otlp::classify_status(&s, Some(tonic::Code::Ok)), SendError::Retryable { .. }),
            "{code:?}"
        );
        assert!(
            matches!(crate::otlp::classify_status(&s, Some(code)), SendError::Permanent { .. }),
            "{code:?}"
        );
    }
    // A status with a transport error as its source.
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by http://u:secret@h:1");
    let s = tonic::Status::from_error(Box::new(io));
    match crate::otlp::classify_status(&s, None) {
        SendError::Retryable { message, .. } => assert!(!message.contains("secret"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn http_status_classification() {
    use crate::exporterhelper::SendError;
    let now = SystemTime::now();
    let mut h = http::HeaderMap::new();
    h.insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("2"));
    let r = crate::otlphttp::classify_response(
        Signal::Metrics,
        http::StatusCode::TOO_MANY_REQUESTS,
        &h,
        b"",
        now,
    );
    assert!(
        matches!(r, Err(SendError::Retryable { retry_after: Some(d), .. }) if d == Duration::from_secs(2))
    );
    let r = crate::otlphttp::classify_response(Signal::Metrics, http::StatusCode::FORBIDDEN, &h, b"", now);
    assert!(matches!(r, Err(SendError::Permanent { .. })));
    let r = crate::otlphttp::classify_response(Signal::Metrics, http::StatusCode::BAD_GATEWAY, &h, b"", now);
    assert!(matches!(r, Err(SendError::Retryable { .. })));
}

#[test]
fn split_keeps_every_point_under_the_limit() {
    let req = dbintel_otlp::to_proto_metrics(&dbintel_otlp::fixtures::large_metrics(2000));
    let total = crate::exporterhelper::Payload::Metrics(req.clone()).items();
    let parts = split_to_size(crate::exporterhelper::Payload::Metrics(req), 16 * 1024);
    assert!(parts.len() > 1);
    assert!(parts.iter().all(|p| p.encoded_len() <= 16 * 1024));
    assert_eq!(parts.iter().map(|p| p.items()).sum::<u64>(), total);
}

#[test]
fn split_keeps_every_span_whole_and_in_order() {
    use dbintel_core::pdata::{Span, Traces};
    let mut t: Traces = dbintel_otlp::fixtures::sample_traces();
    let template = t.resource_spans[0].scope_spans[0].spans[1].clone();
    t.resource_spans[0].scope_spans[0].spans =
        (0..500u32).map(|i| Span { span_id: i.to_be_bytes().repeat(2), ..template.clone() }).collect();
    let req = dbintel_otlp::to_proto_traces(&t);
    let payload = crate::exporterhelper::Payload::Traces(req);
    let total = payload.items();
    assert_eq!(total, 501);
    let parts = split_to_size(payload, 16 * 1024);
    assert!(parts.len() > 1);
    assert!(parts.iter().all(|p| p.encoded_len() <= 16 * 1024));
    assert_eq!(parts.iter().map(|p| p.items()).sum::<u64>(), total);
    // Every span arrives once, whole, in order, under its own resource.
    let mut ids = Vec::new();
    for p in &parts {
        let crate::exporterhelper::Payload::Traces(r) = p else { panic!("not traces") };
        for rs in &r.resource_spans {
            for ss in &rs.scope_spans {
                for s in ss.spans.iter().filter(|s| !s.span_id.is_empty()) {
                    assert_eq!(s.events.len(), template.events.len());
                    assert_eq!(s.links.len(), template.links.len());
                    ids.push(s.span_id.clone());
                }
            }
        }
    }
    let want: Vec<Vec<u8>> = (0..500u32).map(|i| i.to_be_bytes().repeat(2)).collect();
    assert_eq!(ids, want);
}

/// Not a CI test: prints request bytes per compression and encode+compress throughput.
/// `cargo test -p dbintel-exporters --release --lib bench_compression -- --ignored --nocapture`
#[test]
#[ignore]
fn bench_compression() {
    let metrics = dbintel_otlp::fixtures::large_metrics(10_000);
    let points = metrics.data_point_count() as f64;
    for c in [Compression::None, Compression::Gzip, Compression::Zstd] {
        let start = std::time::Instant::now();
        let mut bytes = 0;
        let rounds = 20;
        for _ in 0..rounds {
            let req = crate::exporterhelper::Payload::Metrics(dbintel_otlp::to_proto_metrics(&metrics));
            bytes = c.compress(req.encode_to_vec()).map(|b| b.len()).unwrap_or(0);
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{}: {points} points -> {bytes} bytes ({:.1} B/point), {:.0} points/s (convert+encode+compress)",
            c.as_str(),
            bytes as f64 / points,
            points * rounds as f64 / secs
        );
    }
}

#[test]
fn http_success_with_an_undecodable_otlp_response_is_retryable() {
    use crate::exporterhelper::SendError;
    let now = SystemTime::now();
    let with_type = |ct: &'static str| {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(ct));
        h
    };
    for (ct, body) in
        [("application/x-protobuf", &b"\xff\xff\xff"[..]), ("application/json", &b"{not json"[..])]
    {
        for signal in [Signal::Metrics, Signal::Logs] {
            let r =
                crate::otlphttp::classify_response(signal, http::StatusCode::OK, &with_type(ct), body, now);
            assert!(matches!(r, Err(SendError::Retryable { .. })), "{ct}: {r:?}");
        }
    }
    // Another content type (a proxy's page) or an empty body: delivered.
    for (ct, body) in [("text/html", &b"<html>ok</html>"[..]), ("application/x-protobuf", &b""[..])] {
        let r = crate::otlphttp::classify_response(
            Signal::Metrics,
            http::StatusCode::OK,
            &with_type(ct),
            body,
            now,
        );
        assert!(matches!(r, Ok((0, None))), "{ct}: {r:?}");
    }
    // Other 4xx/5xx are permanent, as in the Collector; an HTML 500 included.
    for code in [400u16, 404, 405, 409, 500, 501, 505] {
        let status = http::StatusCode::from_u16(code).unwrap();
        let r = crate::otlphttp::classify_response(
            Signal::Metrics,
            status,
            &with_type("text/html"),
            b"<html/>",
            now,
        );
        assert!(matches!(r, Err(SendError::Permanent { .. })), "{code}");
    }
}

#[test]
fn tls_to_a_plaintext_peer_says_so() {
    let tls = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
    let e = std::io::Error::other(tls);
    let text = super::error_text(&e);
    assert!(text.contains("InvalidContentType"), "{text}");
    assert!(text.contains("does not answer with TLS") && text.contains("http://"), "{text}");
    // Other errors get no such hint.
    let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
    assert!(!super::error_text(&refused).contains("TLS"));
}

#[test]
fn collector_endpoint_forms_and_tls_insecure_warnings() {
    use crate::{OtlpGrpcExporterFactory, OtlpHttpExporterFactory};
    use dbintel_core::Factory;
    let grpc = OtlpGrpcExporterFactory;
    let http = OtlpHttpExporterFactory;
    let target = |endpoint: &str, insecure: bool| {
        let cfg: crate::otlp::OtlpGrpcConfig = dbintel_core::parse_component_config(
            &serde_json::json!({"endpoint": endpoint, "tls": {"insecure": insecure}}),
        )
        .unwrap();
        cfg.target()
    };
    let t = target("dns:///collector.example:4317", false).unwrap();
    assert_eq!((t.authority.as_str(), t.tls, t.unix.is_none()), ("collector.example:4317", true, true));
    let t = target("dns://8.8.8.8/collector.example:4317", true).unwrap();
    assert_eq!((t.authority.as_str(), t.tls), ("collector.example:4317", false));
    let t = target("unix:///run/otel/otlp.sock", true).unwrap();
    assert_eq!(t.unix.as_deref(), Some(std::path::Path::new("/run/otel/otlp.sock")));
    assert!(!t.tls);
    assert!(target("unix://", true).is_err());
    assert!(target("ftp://x:1", true).unwrap_err().contains("unix:///path"));

    // tls.insecure with an https:// endpoint loads, with a warning.
    let section = serde_json::json!({"endpoint": "https://otlp.nr-data.net:4317", "tls": {"insecure": true}});
    grpc.validate(&section).unwrap();
    assert!(grpc.ignored_keys(&section).iter().any(|p| p.path == "tls.insecure"));
    let plain = serde_json::json!({"endpoint": "collector:4317", "tls": {"insecure": true}});
    assert!(grpc.ignored_keys(&plain).is_empty(), "meaningful there: plaintext h2c");
    let section = serde_json::json!({"endpoint": "https://otlp.nr-data.net", "tls": {"insecure": true},
                                     "profiles_endpoint": "https://otlp.nr-data.net/v1development/profiles"});
    http.validate(&section).unwrap();
    let warned: Vec<String> = http.ignored_keys(&section).into_iter().map(|p| p.path).collect();
    assert!(
        warned.contains(&"tls.insecure".to_string()) && warned.contains(&"profiles_endpoint".to_string()),
        "{warned:?}"
    );
}
