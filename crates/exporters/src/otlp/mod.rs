//! `otlp` exporter: OTLP/gRPC through tonic's generated clients, over our counting (and TLS) connector,
//! with gzip/zstd, headers as metadata, per-attempt deadline, partial-success handling and
//! `google.rpc.RetryInfo`, behind the exporterhelper queue and retries.

pub mod verdict;

use std::time::Duration;

use async_trait::async_trait;
use dbintel_core::{
    Built, ComponentId, ComponentInfo, ComponentKind, ConfigProblem, CreateContext, GoDuration, Signal,
    Stability, TypedFactory,
};
use dbintel_otlp::opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
use dbintel_otlp::trace_proto::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use serde::Deserialize;
use tonic::codec::CompressionEncoding;
use tonic::metadata::MetadataMap;
use tonic::transport::Endpoint;
use tonic::{Code, Status};

use crate::exporterhelper::{Payload, QueueConfig, RetryConfig, SendError, SendReport, Transport};
use crate::otlp_common::connector::{WireConnector, tls_setup};
use crate::otlp_common::exporter::{Settings, build_exporter};
use crate::otlp_common::{
    Compression, DEFAULT_DELTA_MAX_SERIES, DEFAULT_MAX_REQUEST_SIZE, Headers, TemporalityPreference,
    TlsConfig, TransportTelemetry, UserInfo, error_text, is_new_relic, redact, redact_endpoint, rpc,
    short_text, valid_port,
};
use verdict::{VerdictChannel, VerdictSlot};

fn default_timeout() -> GoDuration {
    GoDuration::from_secs(5)
}
fn default_max_request_size() -> u64 {
    DEFAULT_MAX_REQUEST_SIZE
}
fn default_delta_max_series() -> usize {
    DEFAULT_DELTA_MAX_SERIES
}

/// Largest response message accepted from the server.
const MAX_DECODE: usize = 4 * 1024 * 1024;

/// Config of the `otlp` (gRPC) exporter.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtlpGrpcConfig {
    /// `host:port` (TLS unless `tls.insecure`), `https://host:port` (TLS) or `http://host:port` (plaintext).
    #[serde(default)]
    pub endpoint: String,
    /// Sent as gRPC metadata (`api-key` for New Relic).
    #[serde(default)]
    pub headers: Headers,
    /// `gzip` (default), `zstd` or `none`.
    #[serde(default)]
    pub compression: Compression,
    /// Deadline of one attempt (5s).
    #[serde(default = "default_timeout")]
    pub timeout: GoDuration,
    #[serde(default)]
    pub tls: TlsConfig,
    /// Largest protobuf-encoded request, in bytes, before compression (1,000,000; 0 = never split).
    #[serde(default = "default_max_request_size")]
    pub max_request_size: u64,
    /// `cumulative` (default) or `delta`: monotonic cumulative sums sent as deltas.
    #[serde(default)]
    pub temporality_preference: TemporalityPreference,
    /// Bound of the series map kept for `temporality_preference: delta`.
    #[serde(default = "default_delta_max_series")]
    pub delta_max_series: usize,
    #[serde(default)]
    pub retry_on_failure: RetryConfig,
    #[serde(default)]
    pub sending_queue: QueueConfig,
    /// Not supported: dbintel has no authenticator extensions (refused with the alternatives).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub auth: Option<serde_json::Value>,
}

/// Where and how to connect, from `endpoint` and `tls.insecure`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `host:port`.
    pub authority: String,
    pub tls: bool,
    /// `user:password@` of the endpoint, sent as `authorization: Basic ...` metadata.
    pub userinfo: Option<UserInfo>,
    /// A `unix://` endpoint: the socket to connect to (`authority` is then `localhost`).
    pub unix: Option<std::path::PathBuf>,
}

impl OtlpGrpcConfig {
    pub fn target(&self) -> Result<Target, String> {
        let e = self.endpoint.trim();
        if e.is_empty() {
            return Err(
                "is required: host:port of the OTLP/gRPC receiver (e.g. otlp.nr-data.net:4317)".into()
            );
        }
        // Echoed in problems without its user info.
        let shown = redact_endpoint(e);
        // gRPC name syntax: `unix:///path`, `unix:path` (relative), `dns:///host:port`,
        // `dns://resolver/host:port` (the system resolver is used either way).
        if let Some(path) = e.strip_prefix("unix://").or_else(|| e.strip_prefix("unix:")) {
            if path.is_empty() {
                return Err(format!("`{shown}`: give the socket path, e.g. unix:///run/otel/otlp.sock"));
            }
            return Ok(Target {
                authority: "localhost".to_string(),
                tls: !self.tls.insecure,
                userinfo: None,
                unix: Some(std::path::PathBuf::from(path)),
            });
        }
        let e = match e.strip_prefix("dns:") {
            Some(rest) => match rest.strip_prefix("//") {
                Some(with_resolver) => match with_resolver.split_once('/') {
                    Some((_resolver, name)) => name,
                    None => return Err(format!("`{shown}`: use dns:///host:port")),
                },
                None => rest,
            },
            None => e,
        };
        let (rest, tls) = if let Some(r) = e.strip_prefix("https://") {
            (r, true)
        } else if let Some(r) = e.strip_prefix("http://") {
            (r, false)
        } else if e.contains("://") {
            return Err(format!(
                "`{shown}`: use host:port, http://host:port, https://host:port, dns:///host:port or unix:///path"
            ));
        } else {
            (e, !self.tls.insecure)
        };
        let (userinfo, authority) = UserInfo::split_authority(rest.trim_end_matches('/'));
        let uri: http::Uri = format!("http://{authority}")
            .parse()
            .map_err(|err| format!("`{shown}` is not host:port: {err}"))?;
        if uri.host().is_none_or(str::is_empty) || uri.path() != "/" {
            return Err(format!("`{shown}` is not host:port"));
        }
        if !valid_port(authority) {
            return Err(format!("`{shown}` has an invalid port: use 1-65535"));
        }
        let authority =
            if uri.port().is_some() { authority.to_string() } else { format!("{authority}:4317") };
        Ok(Target { authority, tls, userinfo, unix: None })
    }

    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if let Err(m) = self.target() {
            p.push(ConfigProblem::new("endpoint", m));
        }
        p.extend(self.headers.problems());
        p.extend(crate::otlp_common::tls::problems(&self.tls));
        p.extend(crate::otlp_common::client_auth_problem(&self.auth));
        p.extend(dbintel_core::duration::ranges::EXPORT_TIMEOUT.check("timeout", self.timeout.get()));
        if self.max_request_size != 0 && self.max_request_size < 1024 {
            p.push(ConfigProblem::new("max_request_size", "must be 0 (no limit) or at least 1024 bytes"));
        }
        if self.delta_max_series == 0 {
            p.push(ConfigProblem::new("delta_max_series", "must be at least 1"));
        }
        p.extend(crate::exporterhelper::helper_problems(&self.retry_on_failure, &self.sending_queue));
        p
    }
}

#[derive(Clone)]
struct Clients {
    metrics: MetricsServiceClient<VerdictChannel>,
    logs: LogsServiceClient<VerdictChannel>,
    traces: TraceClient,
}

/// The `opentelemetry.proto.collector.trace.v1.TraceService` client: the one call of the client
/// tonic generates (`dbintel_otlp::trace_proto` carries the messages without
/// `opentelemetry-proto`'s `trace` feature), over the same channel as the other two.
#[derive(Clone)]
struct TraceClient {
    inner: tonic::client::Grpc<VerdictChannel>,
}

impl TraceClient {
    const SERVICE: &'static str = "opentelemetry.proto.collector.trace.v1.TraceService";

    async fn export(
        &mut self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, Status> {
        self.inner.ready().await.map_err(|e| {
            let e: tonic::codegen::StdError = e.into();
            Status::unknown(format!("Service was not ready: {}", error_text(&*e)))
        })?;
        let codec = tonic_prost::ProstCodec::default();
        let path = http::uri::PathAndQuery::from_static(
            "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        );
        let mut req = request;
        req.extensions_mut().insert(tonic::GrpcMethod::new(Self::SERVICE, "Export"));
        self.inner.unary(req, path, codec).await
    }
}

/// One attempt of an OTLP/gRPC export.
pub struct GrpcTransport {
    endpoint: Endpoint,
    connector: WireConnector,
    /// The channel's clients, built on the first send; dropped after a transport failure so the
    /// next attempt connects afresh instead of queueing on a connection that may be wedged (an
    /// HTTP/2 connection a peer keeps open without answering is only dropped by keepalive, 40 s).
    clients: std::sync::Mutex<Option<Clients>>,
    metadata: MetadataMap,
    compression: Compression,
    timeout: Duration,
    telemetry: TransportTelemetry,
}

impl std::fmt::Debug for GrpcTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcTransport")
            .field("endpoint", &self.endpoint.uri())
            .field("tls", &self.connector.tls_enabled())
            .field("compression", &self.compression)
            .finish_non_exhaustive()
    }
}

impl GrpcTransport {
    /// Builds the transport (reads the TLS files). The channel is created on the first send (it
    /// needs a runtime) and connects lazily.
    pub fn new(config: &OtlpGrpcConfig, telemetry: TransportTelemetry) -> Result<Self, Vec<ConfigProblem>> {
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(problems);
        }
        let target = config.target().map_err(|m| vec![ConfigProblem::new("endpoint", m)])?;
        let timeout = config.timeout.get();
        // The connector does TLS itself, so tonic always sees an http:// URI.
        let endpoint = Endpoint::from_shared(format!("http://{}", target.authority))
            .map_err(|e| vec![ConfigProblem::new("endpoint", redact(&e.to_string()))])?
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .tcp_nodelay(true)
            .http2_keep_alive_interval(Duration::from_secs(30))
            .keep_alive_timeout(Duration::from_secs(10));
        let tls = tls_setup(&config.tls, target.tls, &[b"h2"])
            .map_err(|e| vec![ConfigProblem::new("tls", e.to_string())])?;
        let mut connector =
            WireConnector::new(tls, telemetry.bytes_on_wire.clone(), timeout.min(Duration::from_secs(10)));
        if let Some(path) = &target.unix {
            connector = connector.with_unix_socket(path.clone());
        }
        let mut headers = config.headers.to_header_map();
        if let Some(auth) = target.userinfo.as_ref().and_then(UserInfo::basic_auth)
            && !headers.contains_key(http::header::AUTHORIZATION)
        {
            headers.insert(http::header::AUTHORIZATION, auth);
        }
        Ok(Self {
            endpoint,
            connector,
            clients: std::sync::Mutex::new(None),
            metadata: MetadataMap::from_headers(headers),
            compression: config.compression,
            timeout,
            telemetry,
        })
    }

    fn clients(&self) -> Clients {
        let channel = VerdictChannel::new(self.endpoint.connect_with_connector_lazy(self.connector.clone()));
        let enc = match self.compression {
            Compression::Gzip => Some(CompressionEncoding::Gzip),
            Compression::Zstd => Some(CompressionEncoding::Zstd),
            Compression::None => None,
        };
        let mut metrics = MetricsServiceClient::new(channel.clone())
            .accept_compressed(CompressionEncoding::Gzip)
            .accept_compressed(CompressionEncoding::Zstd)
            .max_decoding_message_size(MAX_DECODE);
        let mut logs = LogsServiceClient::new(channel.clone())
            .accept_compressed(CompressionEncoding::Gzip)
            .accept_compressed(CompressionEncoding::Zstd)
            .max_decoding_message_size(MAX_DECODE);
        let mut traces = tonic::client::Grpc::new(channel)
            .accept_compressed(CompressionEncoding::Gzip)
            .accept_compressed(CompressionEncoding::Zstd)
            .max_decoding_message_size(MAX_DECODE);
        if let Some(enc) = enc {
            metrics = metrics.send_compressed(enc);
            logs = logs.send_compressed(enc);
            traces = traces.send_compressed(enc);
        }
        Clients { metrics, logs, traces: TraceClient { inner: traces } }
    }

    fn request<T>(&self, message: T, slot: &VerdictSlot) -> tonic::Request<T> {
        let mut req = tonic::Request::new(message);
        *req.metadata_mut() = self.metadata.clone();
        req.extensions_mut().insert(slot.clone());
        req.set_timeout(self.timeout);
        req
    }

    async fn call(&self, payload: &Payload, slot: &VerdictSlot) -> Result<(u64, Option<String>), Status> {
        let clients = {
            let mut slot = self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            slot.get_or_insert_with(|| self.clients()).clone()
        };
        match payload {
            Payload::Metrics(r) => {
                let mut c = clients.metrics;
                let resp = c.export(self.request(r.clone(), slot)).await?.into_inner();
                Ok(resp.partial_success.map_or((0, None), |ps| {
                    (ps.rejected_data_points.max(0) as u64, non_empty(ps.error_message))
                }))
            }
            Payload::Logs(r) => {
                let mut c = clients.logs;
                let resp = c.export(self.request(r.clone(), slot)).await?.into_inner();
                Ok(resp.partial_success.map_or((0, None), |ps| {
                    (ps.rejected_log_records.max(0) as u64, non_empty(ps.error_message))
                }))
            }
            Payload::Traces(r) => {
                let mut c = clients.traces;
                let resp = c.export(self.request(r.clone(), slot)).await?.into_inner();
                Ok(resp
                    .partial_success
                    .map_or((0, None), |ps| (ps.rejected_spans.max(0) as u64, non_empty(ps.error_message))))
            }
        }
    }
}

fn non_empty(m: String) -> Option<String> {
    (!m.is_empty()).then(|| short_text(m.as_bytes()))
}

#[async_trait]
impl Transport for GrpcTransport {
    async fn send(&self, payload: &Payload) -> Result<SendReport, SendError> {
        let before = self.telemetry.bytes_on_wire.get();
        let slot = VerdictSlot::default();
        // tonic enforces the deadline too; this also bounds connecting.
        let result =
            match tokio::time::timeout(self.timeout + Duration::from_millis(250), self.call(payload, &slot))
                .await
            {
                Ok(result) => result,
                Err(_) => {
                    self.drop_connection();
                    return Err(SendError::retryable(format!(
                        "no response within the timeout ({:?})",
                        self.timeout
                    )));
                }
            };
        // Approximate under concurrent senders: the connection is shared.
        let bytes_on_wire = self.telemetry.bytes_on_wire.get().saturating_sub(before);
        match result {
            Ok((rejected, message)) => {
                if rejected > 0 {
                    self.telemetry.partial(payload.signal()).add(rejected);
                }
                Ok(SendReport { rejected_items: rejected, message, bytes_on_wire })
            }
            Err(status) => {
                if slot.code().is_none() {
                    // No verdict from the peer: a transport failure or a timeout.
                    self.drop_connection();
                }
                Err(classify_status(&status, slot.code()))
            }
        }
    }
}

impl GrpcTransport {
    /// Forgets the channel: the next attempt builds a new one with a new connection. Requests in
    /// flight keep their clone of the old channel until they end.
    fn drop_connection(&self) {
        self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    }
}

/// Maps a failed call to a retryable or permanent error. `peer_code` is the `grpc-status` the peer
/// sent ([`VerdictSlot`]). Only a status the peer sent is its verdict, classified as the Collector's
/// exporterhelper does (retryable: CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE,
/// DATA_LOSS, and RESOURCE_EXHAUSTED with RetryInfo; the rest permanent). A status tonic made up
/// from a transport failure (connection refused or reset, TLS or HTTP/2 errors, a peer that is not
/// a gRPC server, an HTTP status without `grpc-status`, a timeout, an undecodable response) is
/// retryable whatever its code.
pub fn classify_status(status: &Status, peer_code: Option<Code>) -> SendError {
    let from_peer = peer_code == Some(status.code()) && std::error::Error::source(status).is_none();
    if !from_peer {
        return SendError::retryable(format!(
            "transport error (not a gRPC status from the peer): {}",
            error_text(status)
        ));
    }
    let retry_after = rpc::retry_delay(status.details());
    let message = format!("gRPC {:?}: {}", status.code(), short_text(status.message().as_bytes()));
    match status.code() {
        Code::Cancelled
        | Code::DeadlineExceeded
        | Code::Aborted
        | Code::OutOfRange
        | Code::Unavailable
        | Code::DataLoss => SendError::Retryable { message, retry_after },
        // Only with RetryInfo: without it the server says the quota will not come back soon.
        Code::ResourceExhausted if retry_after.is_some() => SendError::Retryable { message, retry_after },
        Code::Unauthenticated | Code::PermissionDenied => {
            SendError::permanent(format!("{message} (check the api-key / authorization header)"))
        }
        _ => SendError::permanent(message),
    }
}

/// The `otlp` (gRPC) factory.
pub struct OtlpGrpcExporterFactory;

impl TypedFactory for OtlpGrpcExporterFactory {
    type Config = OtlpGrpcConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Exporter,
        type_name: "otlp",
        aliases: &["otlp_grpc"],
        signals: &Signal::ALL,
        stability: Stability::Beta,
        description: "OTLP/gRPC with compression, TLS/mTLS, queue and retries; New Relic ready",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = crate::otlp_common::IGNORED_KEYS;

    fn check(&self, config: &OtlpGrpcConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn config_warnings(&self, config: &OtlpGrpcConfig) -> Vec<ConfigProblem> {
        let mut w = config.headers.warnings();
        if config.tls.insecure && config.endpoint.trim().starts_with("https://") {
            w.push(ConfigProblem::new("tls.insecure", "an https:// endpoint always uses TLS"));
        }
        w
    }

    fn build(&self, ctx: &CreateContext, cfg: OtlpGrpcConfig) -> Result<Built, Vec<ConfigProblem>> {
        let label = ctx.id.to_string();
        let telemetry = TransportTelemetry::register(&ctx.telemetry, &label, cfg.compression);
        let transport = GrpcTransport::new(&cfg, telemetry)?;
        let exporter = build_exporter(
            ctx,
            transport,
            &cfg.retry_on_failure,
            &cfg.sending_queue,
            Settings {
                max_request_size: cfg.max_request_size,
                temporality: cfg.temporality_preference,
                delta_max_series: cfg.delta_max_series,
                new_relic: is_new_relic(&cfg.endpoint),
            },
        )?;
        Ok(Built::Exporter(Box::new(exporter)))
    }

    fn config_references(&self, cfg: &OtlpGrpcConfig) -> Vec<(ComponentKind, ComponentId, String)> {
        crate::exporterhelper::storage_references(&cfg.sending_queue)
    }
}
