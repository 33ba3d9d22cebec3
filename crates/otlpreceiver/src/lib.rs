//! The `otlp` receiver: OTLP/gRPC and OTLP/HTTP (protobuf and JSON) into dbintel's pipelines, with
//! the Collector's keys and defaults, TLS and mutual TLS (rustls), gzip/zstd, partial success for
//! items the data model cannot hold, and backpressure answered as retryable refusals
//! (`RESOURCE_EXHAUSTED`/`UNAVAILABLE` with `RetryInfo`, HTTP 429/503 with `Retry-After`) so
//! senders slow down and resend instead of losing data.
//!
//! - `config.rs`: the section (`protocols.grpc`, `protocols.http`).
//! - `signal.rs`: the per-signal table ([`signal::OtlpSignal`]) and the one ingest path.
//! - `grpc.rs`, `http.rs`: the two protocols; `server.rs`: the shared accept loop with TLS.

pub mod config;
mod grpc;
mod http;
mod rpc;
mod server;
pub mod signal;
mod tls;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::{
    Built, ComponentError, ComponentInfo, ComponentKind, ConfigProblem, CreateContext, Receiver,
    ReceiverContext, Signal, Stability, TypedFactory,
};
use tokio_rustls::TlsAcceptor;
use tracing::info;

pub use config::OtlpReceiverConfig;
use config::{GrpcConfig, HttpConfig};
use signal::Ingest;

pub const TYPE_NAME: &str = "otlp";

/// How long a request waits for room in the pipeline queue before it is refused (`UNAVAILABLE` /
/// 503, retry later): short, so a full pipeline answers quickly instead of holding connections.
/// Not a config key: the Collector's receiver has no equivalent (its pipelines have no queue to
/// wait on); see "Why the admission bound and the retry hint are not config keys" in the README.
const SEND_BOUND: Duration = Duration::from_millis(500);
/// The retry hint sent with refusals; senders wait the longer of it and their own backoff. Not a
/// config key either: the Collector sends no hint at all.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How long a request the pipelines took waits until every exporter has its data (in its sending
/// queue: written, for a persistent one) before it is answered OK anyway. Below the 5 s request
/// timeout OTLP senders use by default (the Collector's exporters, dbintel's), minus `SEND_BOUND`,
/// so an answer normally arrives before the sender gives up. Far above what a `batch` processor
/// with the Collector's 200 ms timeout and a persistent queue write take. Not a config key: see the
/// README ("When a request is answered").
const ACK_BOUND: Duration = Duration::from_secs(4);

pub struct OtlpReceiverFactory;

impl TypedFactory for OtlpReceiverFactory {
    type Config = OtlpReceiverConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Receiver,
        type_name: TYPE_NAME,
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "OTLP over gRPC and HTTP (protobuf and JSON) from other collectors and SDKs",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        ("protocols.grpc.include_metadata", "dbintel's pipelines carry no client metadata"),
        ("protocols.http.include_metadata", "dbintel's pipelines carry no client metadata"),
        ("protocols.grpc.read_buffer_size", "HTTP/2 here has no read buffer of that kind"),
        ("protocols.grpc.keepalive.enforcement_policy", "HTTP/2 here does not police client pings"),
        ("protocols.grpc.keepalive.server_parameters.max_connection_idle", "idle connections are not closed"),
        ("protocols.grpc.tls.reload_interval", "certificates are read once at start"),
        ("protocols.grpc.tls.client_ca_file_reload", "certificates are read once at start"),
        ("protocols.http.tls.reload_interval", "certificates are read once at start"),
        ("protocols.http.tls.client_ca_file_reload", "certificates are read once at start"),
        ("protocols.http.response_headers", "answers carry only the OTLP headers"),
        ("protocols.http.profiles_url_path", "dbintel has no profiles pipelines; nothing is served there"),
        ("protocols.http.compression_algorithms", "gzip, zstd and deflate are always accepted"),
        (
            "protocols.grpc.tls.ca_file",
            "a server's `ca_file` verifies nothing (as in the Collector); `client_ca_file` verifies clients",
        ),
        (
            "protocols.grpc.tls.client_auth_type",
            "Go's setting, not a Collector key: with `client_ca_file` a client must present a certificate it verifies \
             (RequireAndVerifyClientCert)",
        ),
        (
            "protocols.grpc.tls.cipher_suites",
            "rustls's suites are used (TLS 1.3, and TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305)",
        ),
        (
            "protocols.http.tls.ca_file",
            "a server's `ca_file` verifies nothing (as in the Collector); `client_ca_file` verifies clients",
        ),
        (
            "protocols.http.tls.client_auth_type",
            "Go's setting, not a Collector key: with `client_ca_file` a client must present a certificate it verifies \
             (RequireAndVerifyClientCert)",
        ),
        (
            "protocols.http.tls.cipher_suites",
            "rustls's suites are used (TLS 1.3, and TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305)",
        ),
        (
            "protocols.grpc.max_recv_msg_size",
            "the prototype's byte count, not a Collector key: set `max_recv_msg_size_mib`",
        ),
    ];

    fn check(&self, config: &OtlpReceiverConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, _ctx: &CreateContext, config: OtlpReceiverConfig) -> Result<Built, Vec<ConfigProblem>> {
        let mut problems = Vec::new();
        let mut tls_for = |at: &str, t: &Option<config::TlsServerConfig>, alpn: &[&[u8]]| {
            let t = t.as_ref()?;
            match tls::server_config(t, alpn) {
                Ok(c) => Some(TlsAcceptor::from(c)),
                Err(e) => {
                    problems.push(ConfigProblem::new(at, e.to_string()));
                    None
                }
            }
        };
        let grpc = config.protocols.grpc.clone().map(|g| {
            let tls = tls_for("protocols.grpc.tls", &g.tls, &[b"h2"]);
            (g, tls)
        });
        let http = config.protocols.http.clone().map(|h| {
            let tls = tls_for("protocols.http.tls", &h.tls, &[b"h2", b"http/1.1"]);
            (h, tls)
        });
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Built::Receiver(Box::new(OtlpReceiver { grpc, http })))
    }
}

struct OtlpReceiver {
    grpc: Option<(GrpcConfig, Option<TlsAcceptor>)>,
    http: Option<(HttpConfig, Option<TlsAcceptor>)>,
}

async fn bind(
    what: &str,
    transport: config::Transport,
    endpoint: &str,
) -> Result<server::Listener, ComponentError> {
    server::Listener::bind(transport, endpoint)
        .await
        .map_err(|e| ComponentError::Failed(format!("{what} endpoint {endpoint}: cannot listen: {e}")))
}

#[async_trait]
impl Receiver for OtlpReceiver {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        let ingest = Arc::new(Ingest {
            output: Arc::new(ctx.output),
            send_bound: SEND_BOUND,
            retry_after: RETRY_AFTER,
            ack_bound: Some(ACK_BOUND),
            early_acks: signal::EarlyAcks::new(&ctx.id.to_string(), &ctx.telemetry),
        });
        let mut tasks = tokio::task::JoinSet::new();
        if let Some((g, tls)) = self.grpc {
            let listener = bind("grpc", g.transport, &g.endpoint).await?;
            let addr = listener.local_addr();
            info!(receiver = %ctx.id, endpoint = %addr, tls = tls.is_some(), "OTLP/gRPC receiver listening");
            let max_msg = match g.max_recv_msg_size_mib {
                0 => 4 << 20,
                mib => usize::try_from(mib << 20).unwrap_or(usize::MAX),
            };
            let sp = &g.keepalive.server_parameters;
            let options = server::ConnOptions {
                http2_only: true,
                max_concurrent_streams: (g.max_concurrent_streams > 0).then_some(g.max_concurrent_streams),
                keepalive_time: sp.time.map(|d| d.get()),
                keepalive_timeout: sp.timeout.map(|d| d.get()),
                write_buffer_size: (g.write_buffer_size > 0).then_some(g.write_buffer_size),
                max_age: sp.max_connection_age.map(|a| {
                    (a.get(), sp.max_connection_age_grace.map(|g| g.get()).unwrap_or(Duration::from_secs(5)))
                }),
            };
            let routes = hyper_util::service::TowerToHyperService::new(grpc::routes(ingest.clone(), max_msg));
            let service = hyper::service::service_fn(move |req| {
                let answer = hyper::service::Service::call(&routes, req);
                async move {
                    answer.await.map(|resp| {
                        let (mut parts, body) = resp.into_parts();
                        grpc::fix_status(&mut parts.headers);
                        ::http::Response::from_parts(parts, grpc::OversizeAsResourceExhausted(body))
                    })
                }
            });
            tasks.spawn(server::serve(listener, tls, options, service, ctx.shutdown.clone()));
        }
        if let Some((h, tls)) = self.http {
            let listener = bind("http", h.transport, &h.endpoint).await?;
            let addr = listener.local_addr();
            info!(receiver = %ctx.id, endpoint = %addr, tls = tls.is_some(), "OTLP/HTTP receiver listening");
            let routes = Arc::new(http::Routes::new(ingest.clone(), &h));
            let service = hyper::service::service_fn(move |req| routes.clone().handle(req));
            tasks.spawn(server::serve(
                listener,
                tls,
                server::ConnOptions::default(),
                service,
                ctx.shutdown.clone(),
            ));
        }
        ctx.health.ok();
        while tasks.join_next().await.is_some() {}
        // The last reference to the output goes here, which lets the pipelines drain and end.
        drop(ingest);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collector_keys_without_an_effect_load_with_a_warning_and_auth_is_refused() {
        use dbintel_core::Factory;
        let config = serde_json::json!({"protocols": {
            "grpc": {"include_metadata": true, "read_buffer_size": 1024},
            "http": {"include_metadata": true, "response_headers": {"x": "y"}}
        }});
        Factory::validate(&OtlpReceiverFactory, &config).expect("loads");
        let warned: Vec<String> =
            Factory::ignored_keys(&OtlpReceiverFactory, &config).into_iter().map(|p| p.path).collect();
        for key in [
            "protocols.grpc.include_metadata",
            "protocols.grpc.read_buffer_size",
            "protocols.http.include_metadata",
            "protocols.http.response_headers",
        ] {
            assert!(warned.iter().any(|w| w == key), "{key} not in {warned:?}");
        }
        let auth = serde_json::json!({"protocols": {"http": {"auth": {"authenticator": "bearertokenauth"}}}});
        let problems = Factory::validate(&OtlpReceiverFactory, &auth).expect_err("auth is refused");
        assert!(problems.iter().any(|p| p.path == "protocols.http.auth" && p.message.contains("mutual TLS")));
    }

    /// The prototype's collector-gateway-mtls.yaml and collector-gateway-enterprise.yaml: Go's
    /// TLS keys and the byte-count message limit load, each named by a warning.
    #[test]
    fn the_prototypes_server_tls_keys_load_with_a_warning() {
        use dbintel_core::Factory;
        let tls = serde_json::json!({
            "cert_file": "/etc/otel/certs/gateway-cert.pem", "key_file": "/etc/otel/certs/gateway-key.pem",
            "ca_file": "/etc/otel/certs/ca-cert.pem", "client_ca_file": "/etc/otel/certs/ca-cert.pem",
            "client_auth_type": "RequireAndVerifyClientCert", "min_version": "1.2",
            "cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
        });
        let config = serde_json::json!({"protocols": {
            "grpc": {"endpoint": "0.0.0.0:4317", "max_recv_msg_size": 4194304, "tls": tls.clone()},
            "http": {"endpoint": "0.0.0.0:4318", "tls": tls}
        }});
        Factory::validate(&OtlpReceiverFactory, &config).expect("loads");
        let warned: Vec<String> =
            Factory::ignored_keys(&OtlpReceiverFactory, &config).into_iter().map(|p| p.path).collect();
        for proto in ["grpc", "http"] {
            for key in ["ca_file", "client_auth_type", "cipher_suites"] {
                let key = format!("protocols.{proto}.tls.{key}");
                assert!(warned.contains(&key), "{key} not in {warned:?}");
            }
        }
        assert!(warned.iter().any(|w| w == "protocols.grpc.max_recv_msg_size"), "{warned:?}");
    }

    #[test]
    fn tls_files_that_cannot_be_read_are_build_problems_naming_the_key() {
        let cfg: OtlpReceiverConfig = dbintel_core::parse_component_config(&serde_json::json!({
            "protocols": {"grpc": {"tls": {"cert_file": "/nonexistent/cert.pem", "key_file": "/nonexistent/key.pem"}}}
        }))
        .unwrap();
        assert!(cfg.problems().is_empty());
        let ctx = CreateContext::new(dbintel_core::ComponentId::new("otlp", None), Default::default());
        let Err(problems) = OtlpReceiverFactory.build(&ctx, cfg) else { panic!("built with missing files") };
        assert_eq!(problems[0].path, "protocols.grpc.tls");
        assert!(problems[0].message.contains("/nonexistent/cert.pem"), "{}", problems[0].message);
    }
}
