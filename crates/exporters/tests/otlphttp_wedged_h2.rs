//! `otlphttp` over TLS negotiates HTTP/2 when the peer offers it (ALPN). A peer that completes the
//! HTTP/2 handshake and then never answers on that connection (a wedged proxy or load balancer)
//! must not hold the exporter: the attempt times out, and a later attempt opens a new connection,
//! which here reaches a healthy HTTP/1.1 endpoint. Everything arrives, nothing is dropped.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use dbintel_core::pdata::{
    Metric, MetricData, Metrics, NumberDataPoint, NumberValue, ResourceMetrics, ScopeMetrics,
};
use dbintel_core::telemetry::{Registry, SampleValue};
use dbintel_core::{Built, ComponentId, CreateContext, Factory, SignalData};
use dbintel_exporters::OtlpHttpExporterFactory;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

fn server_config(alpn: &[&[u8]]) -> Arc<ServerConfig> {
    let key = rcgen::KeyPair::generate().expect("key");
    let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    let cert = params.self_signed(&key).expect("cert");
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("cert");
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Arc::new(config)
}

/// The first connection: HTTP/2 chosen, SETTINGS exchanged, then silence. Later connections:
/// HTTP/1.1, every request answered `200` with an empty OTLP response. Returns the address, the
/// connection count and the count of answered requests.
async fn start_peer() -> (SocketAddr, Arc<AtomicU32>, Arc<AtomicU32>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let wedged = TlsAcceptor::from(server_config(&[b"h2"]));
    let healthy = TlsAcceptor::from(server_config(&[b"http/1.1"]));
    let (connections, answered) = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
    let (c, a) = (connections.clone(), answered.clone());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let first = c.fetch_add(1, Ordering::SeqCst) == 0;
            let (wedged, healthy, answered) = (wedged.clone(), healthy.clone(), a.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                if first {
                    let Ok(mut tls) = wedged.accept(tcp).await else { return };
                    let _ = tls.read(&mut buf).await;
                    let _ = tls.write_all(b"\0\0\0\x04\0\0\0\0\0\0\0\0\x04\x01\0\0\0\0").await;
                    let _ = tls.flush().await;
                    let _ = tokio::time::timeout(Duration::from_secs(120), async {
                        while matches!(tls.read(&mut buf).await, Ok(n) if n > 0) {}
                    })
                    .await;
                    return;
                }
                let Ok(mut tls) = healthy.accept(tcp).await else { return };
                let mut pending: Vec<u8> = Vec::new();
                loop {
                    // One request: headers, then content-length bytes of body.
                    let head_end = loop {
                        if let Some(i) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match tls.read(&mut buf).await {
                            Ok(n) if n > 0 => pending.extend_from_slice(&buf[..n]),
                            _ => return,
                        }
                    };
                    let head = String::from_utf8_lossy(&pending[..head_end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    while pending.len() < head_end + len {
                        match tls.read(&mut buf).await {
                            Ok(n) if n > 0 => pending.extend_from_slice(&buf[..n]),
                            _ => return,
                        }
                    }
                    pending.drain(..head_end + len);
                    let reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
                    if tls.write_all(reply).await.is_err() {
                        return;
                    }
                    answered.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    (addr, connections, answered)
}

fn batch(value: i64) -> SignalData {
    let point = NumberDataPoint {
        attributes: Default::default(),
        start_time_unix_nano: 0,
        time_unix_nano: 1,
        value: NumberValue::Int(value),
        flags: 0,
    };
    SignalData::Metrics(Metrics {
        resource_metrics: vec![ResourceMetrics {
            resource: Default::default(),
            scope_metrics: vec![ScopeMetrics {
                scope: Default::default(),
                metrics: vec![Metric {
                    name: "seq".into(),
                    description: String::new(),
                    unit: "1".into(),
                    data: MetricData::Gauge(vec![point]),
                }],
                schema_url: String::new(),
            }],
            schema_url: String::new(),
        }],
    })
}

fn counter(tel: &Registry, name: &str) -> u64 {
    tel.snapshot()
        .into_iter()
        .filter(|f| f.name == name)
        .flat_map(|f| f.samples)
        .map(|s| if let SampleValue::Counter(c) = s.value { c } else { 0 })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wedged_http2_connection_is_replaced_after_a_timeout() {
    let (addr, connections, answered) = start_peer().await;
    let tel = Registry::new();
    let ctx = CreateContext::new("otlphttp/wedged".parse::<ComponentId>().unwrap(), tel.clone());
    let config = json!({
        "endpoint": format!("https://localhost:{}", addr.port()),
        "tls": {"insecure_skip_verify": true},
        "compression": "none",
        "timeout": "400ms",
        "retry_on_failure": {"initial_interval": "50ms", "max_interval": "200ms", "max_elapsed_time": "60s",
                             "randomization_factor": 0.0},
        "sending_queue": {"num_consumers": 1, "queue_size": 100},
    });
    let Ok(Built::Exporter(mut e)) = OtlpHttpExporterFactory.create(&ctx, &config) else {
        panic!("create failed: {:?}", OtlpHttpExporterFactory.validate(&config));
    };
    e.start().await.unwrap();
    for v in 1..=5 {
        e.export(batch(v).into()).await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while counter(&tel, "otelcol_exporter_sent_metric_points") < 5 {
        assert!(
            Instant::now() < deadline,
            "not delivered: {} connection(s), {} answered, sent {}",
            connections.load(Ordering::SeqCst),
            answered.load(Ordering::SeqCst),
            counter(&tel, "otelcol_exporter_sent_metric_points")
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(connections.load(Ordering::SeqCst) >= 2, "never reconnected");
    assert_eq!(counter(&tel, "dbintel_exporter_dropped_metric_points_total"), 0);
    e.shutdown().await.unwrap();
}
