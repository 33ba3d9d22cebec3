//! `otlphttp` exporter: OTLP/HTTP with `http/protobuf` (default) or `http/json` bodies, gzip/zstd
//! compression, headers, TLS/mTLS, partial-success handling, behind the exporterhelper queue and
//! retries. `endpoint` is a base URL; `/v1/metrics`, `/v1/logs` and `/v1/traces` are appended
//! unless `metrics_endpoint` / `logs_endpoint` / `traces_endpoint` give full URLs.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use dbintel_core::{
    Built, ComponentId, ComponentInfo, ComponentKind, ConfigProblem, CreateContext, GoDuration, PerSignal,
    Signal, Stability, TypedFactory,
};
use dbintel_otlp::opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceResponse;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceResponse;
use dbintel_otlp::trace_proto::ExportTraceServiceResponse;
use http::{HeaderMap, HeaderValue, Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use prost::Message;
use serde::Deserialize;

use crate::exporterhelper::{Payload, QueueConfig, RetryConfig, SendError, SendReport, Transport};
use crate::otlp_common::connector::{WireConnector, tls_setup};
use crate::otlp_common::exporter::{Settings, build_exporter};
use crate::otlp_common::{
    Compression, DEFAULT_DELTA_MAX_SERIES, DEFAULT_MAX_REQUEST_SIZE, Headers, MAX_RESPONSE_BYTES,
    TemporalityPreference, TlsConfig, TransportTelemetry, UserInfo, error_text, is_new_relic,
    parse_retry_after, redact_endpoint, short_text, valid_port,
};

/// `encoding`: `proto` (http/protobuf, default) or `json` (http/json).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    #[default]
    Proto,
    Json,
}

fn default_timeout() -> GoDuration {
    GoDuration::from_secs(30)
}
fn default_max_request_size() -> u64 {
    DEFAULT_MAX_REQUEST_SIZE
}
fn default_delta_max_series() -> usize {
    DEFAULT_DELTA_MAX_SERIES
}

/// Config of the `otlphttp` exporter.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtlpHttpConfig {
    /// Base URL (`https://otlp.nr-data.net`); `/v1/metrics`, `/v1/logs` and `/v1/traces` are appended.
    #[serde(default)]
    pub endpoint: String,
    /// Full URL for metrics, overriding `endpoint`.
    #[serde(default)]
    pub metrics_endpoint: Option<String>,
    /// Full URL for logs, overriding `endpoint`.
    #[serde(default)]
    pub logs_endpoint: Option<String>,
    /// Full URL for traces, overriding `endpoint`.
    #[serde(default)]
    pub traces_endpoint: Option<String>,
    #[serde(default)]
    pub encoding: Encoding,
    /// Sent with every request (`api-key` for New Relic); values are never logged.
    #[serde(default)]
    pub headers: Headers,
    /// `gzip` (default), `zstd` or `none`.
    #[serde(default)]
    pub compression: Compression,
    /// Per attempt, connection and response included (30s).
    #[serde(default = "default_timeout")]
    pub timeout: GoDuration,
    #[serde(default)]
    pub tls: TlsConfig,
    /// Largest protobuf-encoded request, in bytes, before compression (1,000,000 = New Relic's limit;
    /// 0 = never split). Larger batches are split by resource, scope, metric and data point.
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

impl OtlpHttpConfig {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.endpoint.trim().is_empty()
            && self.metrics_endpoint.is_none()
            && self.logs_endpoint.is_none()
            && self.traces_endpoint.is_none()
        {
            p.push(ConfigProblem::new(
                "endpoint",
                "is required (a base URL such as https://otlp.nr-data.net), unless the signal endpoints \
                 (metrics_endpoint, logs_endpoint, traces_endpoint) of every pipeline that lists this \
                 exporter are set",
            ));
        }
        for (key, url) in [
            ("endpoint", Some(self.endpoint.as_str()).filter(|e| !e.trim().is_empty())),
            ("metrics_endpoint", self.metrics_endpoint.as_deref()),
            ("logs_endpoint", self.logs_endpoint.as_deref()),
            ("traces_endpoint", self.traces_endpoint.as_deref()),
        ] {
            if let Some(url) = url
                && let Err(m) = parse_url(url)
            {
                p.push(ConfigProblem::new(key, m));
            }
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

    /// The key of a signal's own URL (`traces_endpoint`).
    pub fn endpoint_key(signal: Signal) -> &'static str {
        match signal {
            Signal::Metrics => "metrics_endpoint",
            Signal::Logs => "logs_endpoint",
            Signal::Traces => "traces_endpoint",
        }
    }

    /// The URL for a signal: its own endpoint, else `endpoint` with `/v1/<signal>` appended (as the
    /// Collector composes it); `None` when neither is set.
    pub fn url(&self, signal: Signal) -> Option<String> {
        let explicit = match signal {
            Signal::Metrics => self.metrics_endpoint.as_deref(),
            Signal::Logs => self.logs_endpoint.as_deref(),
            Signal::Traces => self.traces_endpoint.as_deref(),
        };
        if let Some(u) = explicit {
            return Some(u.to_string());
        }
        let base = self.endpoint.trim().trim_end_matches('/');
        if base.is_empty() {
            return None;
        }
        Some(format!("{base}/v1/{}", signal.as_str()))
    }

    /// A pipeline of `signal` lists this exporter: that signal needs a URL.
    pub fn problems_for_signal(&self, signal: Signal) -> Vec<ConfigProblem> {
        if self.url(signal).is_some() || self.problems().iter().any(|p| p.path == "endpoint") {
            return Vec::new();
        }
        let key = Self::endpoint_key(signal);
        vec![ConfigProblem::new(
            key,
            format!("is required for a {signal} pipeline when `endpoint` is not set (the Collector's rule)"),
        )]
    }
}

/// Parses an endpoint URL; its user info, if any, is taken out of the URL (it would otherwise go
/// into the `Host` header and every error text) and returned for Basic authentication.
fn parse_url(url: &str) -> Result<(Uri, Option<UserInfo>), String> {
    // Problems echo the URL without its user info.
    let shown = redact_endpoint(url);
    parse_url_inner(url, &shown).map_err(|problem| {
        if raw_reserved_in_userinfo(url) {
            format!(
                "`{shown}`: the user info holds a raw `/`, `?` or `#`, which ends the host part early: \
                 percent-encode it (`%2F`, `%3F`, `%23`; `@` as `%40`), or give the credentials in `headers`"
            )
        } else {
            problem
        }
    })
}

/// `http://u:pa/ss@host`: an `@` after the first `/`, `?` or `#` of the authority, in the same word.
fn raw_reserved_in_userinfo(url: &str) -> bool {
    let rest = url.trim();
    let rest = rest.find("://").map_or(rest, |i| &rest[i + 3..]);
    let word = rest.split(char::is_whitespace).next().unwrap_or("");
    match word.find(['/', '?', '#']) {
        Some(end) => word[end..].contains('@') && word[..end].contains(':'),
        None => false,
    }
}

fn parse_url_inner(url: &str, shown: &str) -> Result<(Uri, Option<UserInfo>), String> {
    let uri: Uri = url.trim().parse().map_err(|e| format!("`{shown}` is not a URL: {e}"))?;
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        _ => return Err(format!("`{shown}`: use an http:// or https:// URL")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(format!("`{shown}` has no host"));
    }
    if !uri.authority().is_some_and(|a| valid_port(a.as_str())) {
        return Err(format!("`{shown}` has an invalid port: use 1-65535"));
    }
    let Some(authority) = uri.authority().filter(|a| a.as_str().contains('@')) else {
        return Ok((uri, None));
    };
    let (userinfo, host_port) = UserInfo::split_authority(authority.as_str());
    let mut parts = uri.clone().into_parts();
    parts.authority = Some(host_port.parse().map_err(|e| format!("`{shown}` has an invalid host: {e}"))?);
    let uri = Uri::from_parts(parts).map_err(|e| format!("`{shown}` is not a URL: {e}"))?;
    Ok((uri, userinfo))
}

fn new_client(connector: WireConnector) -> Client<WireConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(32)
        .build(connector)
}

/// Where one signal goes: the URL (without user info) and its Basic authentication, if any.
#[derive(Clone)]
struct Target {
    url: Uri,
    authorization: Option<HeaderValue>,
}

impl Target {
    fn new(url: &str, headers: &HeaderMap, key: &str) -> Result<Self, Vec<ConfigProblem>> {
        let (url, userinfo) = parse_url(url).map_err(|m| vec![ConfigProblem::new(key, m)])?;
        // An explicit `authorization` header wins, as in Go's net/http.
        let authorization =
            userinfo.filter(|_| !headers.contains_key(header::AUTHORIZATION)).and_then(|u| u.basic_auth());
        Ok(Self { url, authorization })
    }
}

/// One attempt of an OTLP/HTTP export.
pub struct HttpTransport {
    /// The pooled client; replaced by a fresh one (a new pool, so new connections) after an
    /// attempt that got no response in time: an HTTP/2 connection a peer keeps open without
    /// answering would otherwise carry every later attempt too.
    client: std::sync::Mutex<Client<WireConnector, Full<Bytes>>>,
    connector: WireConnector,
    /// One target per signal; `None` for a signal without a URL (validation refuses a pipeline of
    /// that signal, so none is sent).
    targets: PerSignal<Option<Target>>,
    headers: HeaderMap,
    compression: Compression,
    encoding: Encoding,
    timeout: Duration,
    telemetry: TransportTelemetry,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport")
            .field(
                "urls",
                &self.targets.iter().filter_map(|(_, t)| t.as_ref().map(|t| &t.url)).collect::<Vec<_>>(),
            )
            .field("compression", &self.compression)
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

impl HttpTransport {
    /// Builds the transport (reads the TLS files). Needs no runtime.
    pub fn new(config: &OtlpHttpConfig, telemetry: TransportTelemetry) -> Result<Self, Vec<ConfigProblem>> {
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(problems);
        }
        let headers = config.headers.to_header_map();
        let mut targets = PerSignal::default();
        for signal in Signal::ALL {
            if let Some(url) = config.url(signal) {
                targets[signal] = Some(Target::new(&url, &headers, OtlpHttpConfig::endpoint_key(signal))?);
            }
        }
        let urls: Vec<&Uri> = targets.iter().filter_map(|(_, t)| t.as_ref().map(|t| &t.url)).collect();
        let any_tls = urls.iter().any(|u| u.scheme_str() == Some("https"));
        let tls = tls_setup(&config.tls, any_tls, &[b"h2", b"http/1.1"])
            .map_err(|e| vec![ConfigProblem::new("tls", e.to_string())])?;
        let plain_and_tls = any_tls && urls.iter().any(|u| u.scheme_str() == Some("http"));
        if plain_and_tls {
            return Err(vec![ConfigProblem::new(
                "metrics_endpoint",
                "the metrics, logs and traces URLs must all use http:// or all https://",
            )]);
        }
        let connector = WireConnector::new(tls, telemetry.bytes_on_wire.clone(), Duration::from_secs(10));
        let client = std::sync::Mutex::new(new_client(connector.clone()));
        Ok(Self {
            client,
            connector,
            targets,
            headers,
            compression: config.compression,
            encoding: config.encoding,
            timeout: config.timeout.get(),
            telemetry,
        })
    }

    fn encode(&self, payload: &Payload) -> Result<Vec<u8>, SendError> {
        let body = match (self.encoding, payload) {
            (Encoding::Proto, p) => p.encode_to_vec(),
            (Encoding::Json, p) => json_body(p),
        };
        self.compression.compress(body).map_err(|e| {
            SendError::permanent(format!("cannot compress the request ({}): {e}", self.compression.as_str()))
        })
    }

    async fn attempt(
        &self,
        payload: &Payload,
        body: Bytes,
    ) -> Result<(StatusCode, HeaderMap, Bytes), SendError> {
        let signal = payload.signal();
        let Some(target) = self.targets[signal].as_ref() else {
            return Err(SendError::permanent(format!(
                "no URL for {signal}: set `endpoint` or `{}`",
                OtlpHttpConfig::endpoint_key(signal)
            )));
        };
        let url = &target.url;
        let content_type = match self.encoding {
            Encoding::Proto => "application/x-protobuf",
            Encoding::Json => "application/json",
        };
        let mut req = Request::post(url.clone())
            .header(header::CONTENT_TYPE, content_type)
            .header(header::USER_AGENT, concat!("dbintel/", env!("CARGO_PKG_VERSION")))
            .body(Full::new(body))
            .map_err(|e| SendError::permanent(format!("cannot build the request: {e}")))?;
        if self.compression != Compression::None {
            req.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(self.compression.as_str()));
        }
        for (k, v) in &self.headers {
            req.headers_mut().insert(k.clone(), v.clone());
        }
        if let Some(auth) = &target.authorization {
            req.headers_mut().insert(header::AUTHORIZATION, auth.clone());
        }
        let client = self.client.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let resp = client
            .request(req)
            .await
            .map_err(|e| SendError::retryable(format!("POST {url}: {}", error_text(&e))))?;
        let (parts, body) = resp.into_parts();
        let bytes = match Limited::new(body, MAX_RESPONSE_BYTES).collect().await {
            Ok(c) => c.to_bytes(),
            // Larger than any OTLP response: delivered; the response is not read.
            Err(e) if e.is::<http_body_util::LengthLimitError>() => Bytes::new(),
            // The body of a success was cut (reset, truncated): as the Collector, the request is
            // not known to be delivered, so it is retried.
            Err(e) if parts.status.is_success() => {
                return Err(SendError::retryable(format!(
                    "POST {url}: HTTP {}, but reading the response failed: {}",
                    parts.status,
                    error_text(&*e)
                )));
            }
            // An error status decides on its own; its body only adds detail.
            Err(_) => Bytes::new(),
        };
        Ok((parts.status, parts.headers, bytes))
    }
}

#[async_trait]
impl Transport for HttpTransport {
    async fn send(&self, payload: &Payload) -> Result<SendReport, SendError> {
        let body = Bytes::from(self.encode(payload)?);
        let body_len = body.len() as u64;
        let (status, headers, resp) =
            tokio::time::timeout(self.timeout, self.attempt(payload, body)).await.map_err(|_| {
                // The next attempt opens a new connection: this one may be wedged.
                *self.client.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                    new_client(self.connector.clone());
                SendError::retryable(format!("no response within the timeout ({:?})", self.timeout))
            })??;
        classify_response(payload.signal(), status, &headers, &resp, SystemTime::now()).map(
            |(rejected, message)| {
                if rejected > 0 {
                    self.telemetry.partial(payload.signal()).add(rejected);
                }
                SendReport { rejected_items: rejected, message, bytes_on_wire: body_len }
            },
        )
    }
}

/// The `http/json` body of a request: OTLP-JSON from the same encoder as the file exporter's lines.
fn json_body(payload: &Payload) -> Vec<u8> {
    // About what a point or a record takes in OTLP-JSON, so that most bodies never reallocate.
    let per_item = match payload {
        Payload::Metrics(_) => 160,
        Payload::Logs(_) => 320,
        Payload::Traces(_) => 400,
    };
    let items = usize::try_from(payload.items()).unwrap_or(usize::MAX);
    let mut body = Vec::with_capacity(items.saturating_mul(per_item).saturating_add(256));
    match payload {
        Payload::Metrics(r) => dbintel_otlp::write_metrics_request_json(r, &mut body),
        Payload::Logs(r) => dbintel_otlp::write_logs_request_json(r, &mut body),
        Payload::Traces(r) => dbintel_otlp::write_traces_request_json(r, &mut body),
    }
    body
}

/// Maps an OTLP/HTTP response to (rejected items, partial-success message) or an error.
pub fn classify_response(
    signal: Signal,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Result<(u64, Option<String>), SendError> {
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let is_json = content_type.contains("json");
    if status.is_success() {
        // A success whose OTLP response cannot be decoded is not known to be delivered: retried, as
        // the Collector does. A body of another content type (or none) is ignored.
        let declared = is_json || content_type.contains("protobuf");
        return partial_success(signal, body, is_json).or_else(|e| {
            if declared {
                Err(SendError::retryable(format!("HTTP {status}, but the response is not OTLP: {e}")))
            } else {
                Ok((0, None))
            }
        });
    }
    let detail = error_detail(body, is_json);
    let message =
        if detail.is_empty() { format!("HTTP {status}") } else { format!("HTTP {status}: {detail}") };
    match status.as_u16() {
        429 | 502 | 503 | 504 => {
            let retry_after = headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, now));
            Err(SendError::Retryable { message, retry_after })
        }
        401 | 403 => {
            Err(SendError::permanent(format!("{message} (check the api-key / authorization header)")))
        }
        413 => Err(SendError::permanent(format!("{message} (lower max_request_size)"))),
        _ => Err(SendError::permanent(message)),
    }
}

/// The partial success of a 2xx response, or why its body is not an OTLP response.
fn partial_success(signal: Signal, body: &[u8], is_json: bool) -> Result<(u64, Option<String>), String> {
    if body.is_empty() {
        return Ok((0, None));
    }
    if is_json {
        let v = serde_json::from_slice::<serde_json::Value>(body).map_err(|e| e.to_string())?;
        let Some(ps) = v.get("partialSuccess").or_else(|| v.get("partial_success")) else {
            return Ok((0, None));
        };
        let field = match signal {
            Signal::Metrics => ["rejectedDataPoints", "rejected_data_points"],
            Signal::Logs => ["rejectedLogRecords", "rejected_log_records"],
            Signal::Traces => ["rejectedSpans", "rejected_spans"],
        };
        let rejected = field
            .iter()
            .filter_map(|f| ps.get(*f))
            .find_map(|n| n.as_u64().or_else(|| n.as_str().and_then(|s| s.parse().ok())))
            .unwrap_or(0);
        let message = ps
            .get("errorMessage")
            .or_else(|| ps.get("error_message"))
            .and_then(|m| m.as_str())
            .filter(|m| !m.is_empty())
            .map(|m| short_text(m.as_bytes()));
        return Ok((rejected, message));
    }
    let text = |m: String| Some(m).filter(|m| !m.is_empty()).map(|m| short_text(m.as_bytes()));
    Ok(match signal {
        Signal::Logs => match ExportLogsServiceResponse::decode(body).map_err(|e| e.to_string())? {
            ExportLogsServiceResponse { partial_success: Some(ps) } => {
                (ps.rejected_log_records.max(0) as u64, text(ps.error_message))
            }
            _ => (0, None),
        },
        Signal::Metrics => match ExportMetricsServiceResponse::decode(body).map_err(|e| e.to_string())? {
            ExportMetricsServiceResponse { partial_success: Some(ps) } => {
                (ps.rejected_data_points.max(0) as u64, text(ps.error_message))
            }
            _ => (0, None),
        },
        Signal::Traces => match ExportTraceServiceResponse::decode(body).map_err(|e| e.to_string())? {
            ExportTraceServiceResponse { partial_success: Some(ps) } => {
                (ps.rejected_spans.max(0) as u64, text(ps.error_message))
            }
            _ => (0, None),
        },
    })
}

/// The message of an error body: a `google.rpc.Status` (protobuf or JSON) or plain text.
fn error_detail(body: &[u8], is_json: bool) -> String {
    if body.is_empty() {
        return String::new();
    }
    if is_json {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
            && let Some(m) = v.get("message").and_then(|m| m.as_str())
        {
            return short_text(m.as_bytes());
        }
        return short_text(body);
    }
    if let Ok(status) = crate::otlp_common::rpc::RpcStatus::decode(body)
        && !status.message.is_empty()
    {
        return short_text(status.message.as_bytes());
    }
    short_text(body)
}

/// The `otlphttp` factory.
pub struct OtlpHttpExporterFactory;

impl TypedFactory for OtlpHttpExporterFactory {
    type Config = OtlpHttpConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Exporter,
        type_name: "otlphttp",
        aliases: &["otlp_http"],
        signals: &Signal::ALL,
        stability: Stability::Beta,
        description: "OTLP/HTTP (protobuf or JSON) with compression, TLS, queue and retries; New Relic ready",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = crate::otlp_common::IGNORED_KEYS;

    fn config_warnings(&self, config: &OtlpHttpConfig) -> Vec<ConfigProblem> {
        let mut w = config.headers.warnings();
        if config.tls.insecure {
            w.push(ConfigProblem::new(
                "tls.insecure",
                "the URL scheme decides: https:// endpoints always use TLS, http:// ones never do",
            ));
        }
        w
    }

    fn check(&self, config: &OtlpHttpConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn check_for_signal(&self, config: &OtlpHttpConfig, signal: Signal) -> Vec<ConfigProblem> {
        config.problems_for_signal(signal)
    }

    fn build(&self, ctx: &CreateContext, cfg: OtlpHttpConfig) -> Result<Built, Vec<ConfigProblem>> {
        let label = ctx.id.to_string();
        let telemetry = TransportTelemetry::register(&ctx.telemetry, &label, cfg.compression);
        let transport = HttpTransport::new(&cfg, telemetry)?;
        let exporter = build_exporter(
            ctx,
            transport,
            &cfg.retry_on_failure,
            &cfg.sending_queue,
            Settings {
                max_request_size: cfg.max_request_size,
                temporality: cfg.temporality_preference,
                delta_max_series: cfg.delta_max_series,
                new_relic: is_new_relic(&cfg.endpoint)
                    || cfg.metrics_endpoint.as_deref().is_some_and(is_new_relic)
                    || cfg.logs_endpoint.as_deref().is_some_and(is_new_relic)
                    || cfg.traces_endpoint.as_deref().is_some_and(is_new_relic),
            },
        )?;
        Ok(Built::Exporter(Box::new(exporter)))
    }

    fn config_references(&self, cfg: &OtlpHttpConfig) -> Vec<(ComponentKind, ComponentId, String)> {
        crate::exporterhelper::storage_references(&cfg.sending_queue)
    }
}
