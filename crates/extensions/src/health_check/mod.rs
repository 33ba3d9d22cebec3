//! `health_check` (alias `healthcheck`): an HTTP endpoint that answers 200 with a JSON status of every
//! component while all of them run, and 503 otherwise.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dbintel_core::component::{
    Built, ComponentError, ComponentInfo, ConfigProblem, CreateContext, Extension, ExtensionContext,
    Stability,
};
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::now_unix_nanos;
use dbintel_core::time_fmt::rfc3339_millis;
use dbintel_core::{ComponentKind, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

use dbintel_core::GoDuration;

use crate::http_server::{
    self, CorsConfig, ServerAuthConfig, ServerKeys, ServerLimits, ServerOptions, ServerTlsConfig,
    response_header_problems,
};

/// Config of `health_check` (contrib keys).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct HealthCheckConfig {
    /// `host:port` to listen on. Defaults to loopback, as the Collector does since v0.110.
    pub endpoint: String,
    /// URL path of the status document.
    pub path: String,
    /// Contrib key: fixed bodies instead of the JSON status document.
    pub response_body: Option<ResponseBody>,
    /// Contrib's deprecated pipeline check; accepted for compatibility. dbintel's status already
    /// reflects exporter failures (`recoverable_error`).
    pub check_collector_pipeline: Option<serde_json::Value>,
    /// Serve HTTPS with this certificate (and require client certificates with `client_ca_file`).
    pub tls: Option<ServerTlsConfig>,
    /// Let browsers on these origins read the status (CORS headers, preflight answered).
    pub cors: Option<CorsConfig>,
    /// Headers added to every response.
    pub response_headers: BTreeMap<String, String>,
    /// Collector HTTP-server key: an authenticator extension. Refused with a reason: dbintel has no
    /// authenticator extensions (use `tls.client_ca_file`).
    pub auth: Option<ServerAuthConfig>,
    /// Collector HTTP-server key: `tcp` (default), `tcp4`, `tcp6`; `unix` is refused.
    pub transport: Option<String>,
    /// Longest time for a whole request (none by default); also the header and idle timeout when
    /// those are `0s`.
    pub read_timeout: Option<GoDuration>,
    /// Longest time to receive a request's headers, also while a connection waits for its next
    /// request (default `1m`; `0s`: `read_timeout`).
    pub read_header_timeout: Option<GoDuration>,
    /// Longest time from a request's headers to the end of its response; past it the connection is
    /// closed (default `30s`; `0s`: none).
    pub write_timeout: Option<GoDuration>,
    /// Longest a kept-alive connection waits for its next request (default `1m`; `0s`:
    /// `read_timeout`).
    pub idle_timeout: Option<GoDuration>,
    /// Keep connections open between requests (default `true`; `false` answers `Connection: close`).
    pub keep_alives_enabled: Option<bool>,
    /// `Content-Encoding`s a request may carry (default `""`, `gzip`, `zstd`, `zlib`, `snappy`,
    /// `deflate`, `lz4`, `x-snappy-framed`); others are answered 400. `[]`: any.
    pub compression_algorithms: Option<Vec<String>>,
    /// Largest request body in bytes (default 20 MiB); a longer declared `Content-Length` is
    /// answered 413.
    pub max_request_body_size: Option<i64>,
    /// Collector HTTP-server key: pass request headers on as client metadata. Accepted and ignored:
    /// the status endpoint pass no data on.
    pub include_metadata: Option<bool>,
    /// Collector HTTP-server key: middleware extensions. Refused with a reason: dbintel has none.
    pub middlewares: Option<serde_json::Value>,
}

/// Fixed response bodies (contrib `response_body`).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ResponseBody {
    /// Body answered with 200 instead of the status document.
    pub healthy: Option<String>,
    /// Body answered with 503 instead of the status document.
    pub unhealthy: Option<String>,
}

impl Default for HealthCheckConfig {
    fn default() -> Self {
        Self {
            endpoint: "127.0.0.1:13133".to_string(),
            path: "/".to_string(),
            response_body: None,
            check_collector_pipeline: None,
            tls: None,
            cors: None,
            response_headers: BTreeMap::new(),
            auth: None,
            transport: None,
            read_timeout: None,
            read_header_timeout: None,
            write_timeout: None,
            idle_timeout: None,
            keep_alives_enabled: None,
            compression_algorithms: None,
            max_request_body_size: None,
            include_metadata: None,
            middlewares: None,
        }
    }
}

impl HealthCheckConfig {
    /// confighttp's connection keys of this config.
    pub fn server_keys(&self) -> ServerKeys<'_> {
        crate::server_keys_of!(self)
    }

    fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = self.server_keys().problems();
        if let Err(e) = resolve_endpoint(&self.endpoint) {
            p.push(ConfigProblem::new("endpoint", e));
        }
        if !self.path.starts_with('/') {
            p.push(ConfigProblem::new("path", format!("`{}` must start with `/`", self.path)));
        }
        if let Some(tls) = &self.tls {
            p.extend(tls.problems());
        }
        p.extend(response_header_problems(&self.response_headers));
        // Not acted on (warns), but a value the Collector refuses is refused here too (contrib's
        // testdata `health_check/invalidthreshold`).
        let threshold =
            self.check_collector_pipeline.as_ref().and_then(|c| c.get("exporter_failure_threshold"));
        if let Some(t) = threshold
            && t.as_i64().is_none_or(|n| n <= 0)
        {
            p.push(ConfigProblem::new(
                "check_collector_pipeline.exporter_failure_threshold",
                "must be a whole number greater than 0",
            ));
        }
        p
    }
}

/// Parses `host:port`, accepting `localhost` and an empty host (`:13133`, meaning all interfaces).
pub fn resolve_endpoint(endpoint: &str) -> Result<SocketAddr, String> {
    let e = endpoint.trim();
    let normalized = if let Some(rest) = e.strip_prefix("localhost:") {
        format!("127.0.0.1:{rest}")
    } else if let Some(rest) = e.strip_prefix(':') {
        format!("0.0.0.0:{rest}")
    } else {
        e.to_string()
    };
    normalized.parse::<SocketAddr>().map_err(|_| {
        format!(
            "`{}` is not a valid `host:port` address (for example `127.0.0.1:13133` or `localhost:13133`)",
            shown_address(endpoint)
        )
    })
}

/// A `host:port` setting as errors echo it: `@` is never part of one, so everything before the last
/// `@` (after a scheme) is hidden, whatever characters a password holds.
pub(crate) fn shown_address(address: &str) -> String {
    let start = address.find("://").map_or(0, |i| i + 3);
    match address[start..].rfind('@') {
        Some(at) => format!("{}{}{}", &address[..start], dbintel_core::redact::MASK, &address[start + at..]),
        None => dbintel_core::redact::redact_url_userinfo(address).into_owned(),
    }
}

#[cfg(test)]
#[test]
fn shown_address_hides_any_user_info() {
    for a in ["http://u:pw/x@127.0.0.1:1", "u:pw@h:1", "http://u:pw@h:1"] {
        assert!(!shown_address(a).contains("pw"), "{a}");
    }
    assert_eq!(shown_address("127.0.0.1:13133"), "127.0.0.1:13133");
}

pub struct HealthCheck {
    config: HealthCheckConfig,
}

#[derive(Clone)]
struct AppState {
    registry: HealthRegistry,
    started: u64,
    bodies: Option<ResponseBody>,
}

/// Builds the status document and the HTTP status code for the current component states.
pub fn status_document(registry: &HealthRegistry, started_unix_nano: u64) -> (StatusCode, serde_json::Value) {
    let healthy = registry.all_running();
    let now = now_unix_nanos();
    let components: Vec<serde_json::Value> = registry
        .snapshot()
        .into_iter()
        .map(|c| {
            serde_json::json!({
                "kind": c.kind.as_str(),
                "id": c.id.to_string(),
                "status": c.status.name(),
                "error": c.status.error(),
                "since": rfc3339_millis(c.since_unix_nano),
            })
        })
        .collect();
    let uptime = dbintel_core::duration::format_duration(std::time::Duration::from_millis(
        now.saturating_sub(started_unix_nano) / 1_000_000,
    ));
    let mut body = serde_json::json!({
        "status": if healthy { "Server available" } else { "Server not available" },
        "healthy": healthy,
        "upSince": rfc3339_millis(started_unix_nano),
        "uptime": uptime,
        "components": components,
    });
    // `service.sharding`: which replica this is and the targets it owns.
    if let (Some(s), Some(map)) = (registry.sharding(), body.as_object_mut()) {
        map.insert(
            "sharding".to_string(),
            serde_json::json!({"replicas": s.replicas, "ordinal": s.ordinal, "owned": s.owned}),
        );
    }
    let code = if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, body)
}

async fn status(State(state): State<AppState>) -> Response {
    let (code, body) = status_document(&state.registry, state.started);
    let fixed = state
        .bodies
        .as_ref()
        .and_then(|b| if code == StatusCode::OK { b.healthy.clone() } else { b.unhealthy.clone() });
    match fixed {
        Some(text) => (code, text).into_response(),
        None => (code, axum::Json(body)).into_response(),
    }
}

#[async_trait]
impl Extension for HealthCheck {
    async fn run(self: Box<Self>, mut ctx: ExtensionContext) -> Result<(), ComponentError> {
        let listener = http_server::bind(&self.config.endpoint, &mut ctx).await?;
        let addr = listener.local_addr().map_err(|e| ComponentError::Failed(format!("health_check: {e}")))?;
        let state = AppState {
            registry: ctx.health_registry.clone(),
            started: now_unix_nanos(),
            bodies: self.config.response_body.clone(),
        };
        let app = Router::new().route(&self.config.path, get(status)).with_state(state);
        let options = ServerOptions {
            tls: self.config.tls.clone(),
            cors: self.config.cors.clone(),
            response_headers: self.config.response_headers.clone(),
            limits: self.config.server_keys().limits(ServerLimits::confighttp()),
        };
        http_server::check_tls(&options, &mut ctx)?;
        http_server::ready(&mut ctx);
        let scheme = if options.tls.is_some() { "https" } else { "http" };
        tracing::info!(endpoint = %addr, path = %self.config.path, scheme, "Health check endpoint is listening.");
        http_server::serve(listener, app, options, ctx.shutdown.clone())
            .await
            .map_err(|e| ComponentError::Failed(format!("health_check server failed: {e}")))
    }
}

pub struct HealthCheckFactory;

impl TypedFactory for HealthCheckFactory {
    type Config = HealthCheckConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Extension,
        type_name: "health_check",
        aliases: &["healthcheck"],
        signals: &[],
        stability: Stability::Beta,
        description: "HTTP status of every component: 200 while all run, 503 otherwise.",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "check_collector_pipeline",
            "the document already shows each exporter's recoverable_error (and answers 503 on a permanent failure)",
        ),
        ("include_metadata", "the status endpoint passes no data on"),
        ("tls.ca_file", "a server verifies clients with `client_ca_file`"),
        ("tls.reload_interval", "certificates are read once, at start"),
        ("tls.cipher_suites", "rustls chooses among its secure suites"),
        ("tls.include_system_ca_certs_pool", "a client-side key"),
    ];

    fn check(&self, config: &HealthCheckConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, _ctx: &CreateContext, config: HealthCheckConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Extension(Box::new(HealthCheck { config })))
    }
}

#[cfg(test)]
pub(crate) mod tests;
