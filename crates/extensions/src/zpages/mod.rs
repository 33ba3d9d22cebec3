//! `zpages`: live debug pages of the running service, at the Collector's paths: `/debug/servicez`
//! (build, uptime, component status summary), `/debug/pipelinez` (every pipeline with its receivers,
//! processors and exporters, each with its live status and item counts), `/debug/extensionz`,
//! `/debug/featurez` and `/debug/tracez`. Status comes from the core's health registry, counts from
//! the self-telemetry registry, the wiring from the topology the runtime records before extensions
//! start. Off unless configured; bound to localhost by default.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use dbintel_core::component::{
    Built, ComponentError, ComponentInfo, ConfigProblem, CreateContext, Extension, ExtensionContext,
    Stability,
};
use dbintel_core::health::{ComponentStatus, HealthRegistry};
use dbintel_core::pdata::now_unix_nanos;
use dbintel_core::telemetry::{Family, Registry, SampleValue};
use dbintel_core::time_fmt::rfc3339_millis;
use dbintel_core::{ComponentId, ComponentKind, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::health_check::resolve_endpoint;
use dbintel_core::GoDuration;

use crate::http_server::{
    self, CorsConfig, ServerAuthConfig, ServerKeys, ServerLimits, ServerOptions, ServerTlsConfig,
    html_escape, response_header_problems,
};

/// The Collector's default: loopback only.
pub const DEFAULT_ENDPOINT: &str = "localhost:55679";

/// Config of `zpages` (the Collector's keys).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ZPagesConfig {
    /// `host:port` to listen on (default `localhost:55679`, loopback only; `:55679` is every
    /// interface).
    pub endpoint: String,
    /// The Collector's Go `expvar` page; accepted and ignored (there is no Go runtime to show).
    pub expvar: Option<serde_json::Value>,
    /// Serve HTTPS with this certificate (and require client certificates with `client_ca_file`).
    pub tls: Option<ServerTlsConfig>,
    /// Let browsers on these origins read the pages (CORS headers, preflight answered).
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
    /// the pages pass no data on.
    pub include_metadata: Option<bool>,
    /// Collector HTTP-server key: middleware extensions. Refused with a reason: dbintel has none.
    pub middlewares: Option<serde_json::Value>,
}

impl ZPagesConfig {
    /// confighttp's connection keys of this config.
    pub fn server_keys(&self) -> ServerKeys<'_> {
        crate::server_keys_of!(self)
    }
}

impl Default for ZPagesConfig {
    fn default() -> Self {
        Self {
            endpoint: DEFAULT_ENDPOINT.to_string(),
            expvar: None,
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

pub struct ZPages {
    config: ZPagesConfig,
}

#[derive(Clone)]
struct PageState {
    health: HealthRegistry,
    telemetry: Registry,
    started: u64,
}

const PAGES: [(&str, &str); 5] = [
    ("/debug/servicez", "Service"),
    ("/debug/pipelinez", "Pipelines"),
    ("/debug/extensionz", "Extensions"),
    ("/debug/featurez", "Feature gates"),
    ("/debug/tracez", "Traces"),
];

fn page(title: &str, body: &str) -> Html<String> {
    let mut out = String::with_capacity(body.len() + 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}}</style></head>\
         <body><p>",
        t = html_escape(title)
    );
    for (i, (path, name)) in PAGES.iter().enumerate() {
        if i > 0 {
            out.push_str(" | ");
        }
        let _ = write!(out, "<a href=\"{path}\">{name}</a>");
    }
    let _ = write!(out, "</p><h1>{}</h1>\n{body}\n</body></html>\n", html_escape(title));
    Html(out)
}

/// Counters summed by name over samples whose labels include every pair given.
struct Counts(Vec<Family>);

impl Counts {
    fn total(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        self.0
            .iter()
            .filter(|f| f.name == name)
            .flat_map(|f| f.samples.iter())
            .filter(|s| labels.iter().all(|(k, v)| s.labels.iter().any(|(sk, sv)| sk == k && sv == v)))
            .map(|s| match s.value {
                SampleValue::Counter(c) => c,
                _ => 0,
            })
            .sum()
    }
}

fn status_of<'a>(
    statuses: &'a [ComponentStatus],
    kind: ComponentKind,
    id: &ComponentId,
) -> Option<&'a ComponentStatus> {
    statuses.iter().find(|c| c.kind == kind && &c.id == id)
}

/// `id`, its status (and error) and the given counts, as one table cell's content.
fn component_cell(
    statuses: &[ComponentStatus],
    kind: ComponentKind,
    id: &ComponentId,
    counts: &[(&str, u64)],
) -> String {
    let mut out = format!("<b>{}</b>", html_escape(&id.to_string()));
    match status_of(statuses, kind, id) {
        Some(s) => {
            let _ = write!(out, " <span class=\"status\">{}</span>", s.status.name());
            if let Some(e) = s.status.error() {
                let _ = write!(out, " <i>{}</i>", html_escape(e));
            }
        }
        None => out.push_str(" <span class=\"status\">unknown</span>"),
    }
    for (name, n) in counts {
        let _ = write!(out, "<br>{name}: {n}");
    }
    out
}

fn servicez(state: &PageState) -> Html<String> {
    let statuses = state.health.snapshot();
    let now = now_unix_nanos();
    let uptime = dbintel_core::duration::format_duration(std::time::Duration::from_millis(
        now.saturating_sub(state.started) / 1_000_000,
    ));
    let mut body = String::new();
    let _ = write!(
        body,
        "<h2>Build info</h2><table><tr><th>Command</th><td>dbintel</td></tr>\
         <tr><th>Version</th><td>{}</td></tr></table>\
         <h2>Runtime info</h2><table><tr><th>Start time</th><td>{}</td></tr>\
         <tr><th>Uptime</th><td>{}</td></tr><tr><th>Process ID</th><td>{}</td></tr>\
         <tr><th>Healthy</th><td>{}</td></tr></table>\
         <h2>Components</h2><table><tr><th>Kind</th><th>ID</th><th>Status</th><th>Since</th><th>Error</th></tr>",
        env!("CARGO_PKG_VERSION"),
        rfc3339_millis(state.started),
        uptime,
        std::process::id(),
        state.health.all_running(),
    );
    for c in &statuses {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td class=\"status\">{}</td><td>{}</td><td>{}</td></tr>",
            c.kind.as_str(),
            html_escape(&c.id.to_string()),
            c.status.name(),
            rfc3339_millis(c.since_unix_nano),
            html_escape(c.status.error().unwrap_or("")),
        );
    }
    body.push_str("</table>");
    if let Some(s) = state.health.sharding() {
        let owned: Vec<String> = s.owned.iter().map(|t| html_escape(t)).collect();
        let _ = write!(
            body,
            "<h2>Sharding</h2><table><tr><th>Replicas</th><td>{}</td></tr>\
             <tr><th>Ordinal</th><td>{}</td></tr><tr><th>Owned targets ({})</th><td>{}</td></tr></table>",
            s.replicas,
            s.ordinal,
            owned.len(),
            owned.join("<br>"),
        );
    }
    page("Service", &body)
}

fn pipelinez(state: &PageState) -> Html<String> {
    let statuses = state.health.snapshot();
    let counts = Counts(state.telemetry.snapshot());
    let topology = state.health.topology();
    let mut body = String::from(
        "<table><tr><th>Pipeline</th><th>Input type</th><th>Mutates data</th><th>Receivers</th>\
         <th>Processors</th><th>Exporters</th></tr>",
    );
    for p in &topology {
        let signal: Signal = p.id.signal();
        let items = signal.item_name();
        let pipeline = p.id.to_string();
        let cells = |ids: Vec<String>| ids.join("<hr>");
        let receivers = cells(
            p.receivers
                .iter()
                .map(|r| {
                    let label = r.to_string();
                    let l = [("receiver", label.as_str())];
                    component_cell(
                        &statuses,
                        ComponentKind::Receiver,
                        r,
                        &[
                            ("accepted", counts.total(&format!("otelcol_receiver_accepted_{items}"), &l)),
                            ("refused", counts.total(&format!("otelcol_receiver_refused_{items}"), &l)),
                        ],
                    )
                })
                .collect(),
        );
        let processors = cells(
            p.processors
                .iter()
                .map(|(id, _)| {
                    let label = id.to_string();
                    let l = [("processor", label.as_str()), ("pipeline", pipeline.as_str())];
                    component_cell(
                        &statuses,
                        ComponentKind::Processor,
                        id,
                        &[
                            ("incoming", counts.total(&format!("otelcol_processor_incoming_{items}"), &l)),
                            ("outgoing", counts.total(&format!("otelcol_processor_outgoing_{items}"), &l)),
                        ],
                    )
                })
                .collect(),
        );
        let exporters = cells(
            p.exporters
                .iter()
                .map(|e| {
                    let label = e.to_string();
                    let l = [("exporter", label.as_str())];
                    component_cell(
                        &statuses,
                        ComponentKind::Exporter,
                        e,
                        &[
                            ("sent", counts.total(&format!("otelcol_exporter_sent_{items}"), &l)),
                            (
                                "send_failed",
                                counts.total(&format!("otelcol_exporter_send_failed_{items}"), &l),
                            ),
                        ],
                    )
                })
                .collect(),
        );
        let mutates = p.processors.iter().any(|(_, m)| *m);
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{mutates}</td><td>{receivers}</td><td>{processors}</td><td>{exporters}</td></tr>",
            html_escape(&pipeline),
            signal.as_str(),
        );
    }
    body.push_str("</table>");
    if topology.is_empty() {
        body.push_str("<p>No pipelines are running.</p>");
    }
    page("Pipelines", &body)
}

fn extensionz(state: &PageState) -> Html<String> {
    let statuses = state.health.snapshot();
    let mut body =
        String::from("<table><tr><th>Extension</th><th>Status</th><th>Since</th><th>Error</th></tr>");
    for c in statuses.iter().filter(|c| c.kind == ComponentKind::Extension) {
        let _ = write!(
            body,
            "<tr><td>{}</td><td class=\"status\">{}</td><td>{}</td><td>{}</td></tr>",
            html_escape(&c.id.to_string()),
            c.status.name(),
            rfc3339_millis(c.since_unix_nano),
            html_escape(c.status.error().unwrap_or("")),
        );
    }
    body.push_str("</table>");
    page("Extensions", &body)
}

fn featurez() -> Html<String> {
    page(
        "Feature gates",
        "<table><tr><th>ID</th><th>Enabled</th><th>Stage</th><th>Description</th></tr></table>\
         <p>dbintel has no feature gates: behaviour is set by configuration keys.</p>",
    )
}

fn tracez() -> Html<String> {
    page(
        "Traces",
        "<table><tr><th>Span name</th><th>Running</th><th>Latency samples</th><th>Error samples</th></tr></table>\
         <p>No spans: dbintel does not trace its own work (its self-telemetry is metrics, at \
         <code>service.telemetry.metrics.address</code>).</p>",
    )
}

async fn servicez_page(State(s): State<PageState>) -> Response {
    servicez(&s).into_response()
}
async fn pipelinez_page(State(s): State<PageState>) -> Response {
    pipelinez(&s).into_response()
}
async fn extensionz_page(State(s): State<PageState>) -> Response {
    extensionz(&s).into_response()
}

#[async_trait]
impl Extension for ZPages {
    async fn run(self: Box<Self>, mut ctx: ExtensionContext) -> Result<(), ComponentError> {
        let listener = http_server::bind(&self.config.endpoint, &mut ctx).await?;
        let addr = listener.local_addr().map_err(|e| ComponentError::Failed(format!("zpages: {e}")))?;
        let state = PageState {
            health: ctx.health_registry.clone(),
            telemetry: ctx.telemetry.clone(),
            started: now_unix_nanos(),
        };
        let app = Router::new()
            .route("/", get(|| async { Redirect::temporary("/debug/servicez") }))
            .route("/debug", get(|| async { Redirect::temporary("/debug/servicez") }))
            .route("/debug/servicez", get(servicez_page))
            .route("/debug/pipelinez", get(pipelinez_page))
            .route("/debug/extensionz", get(extensionz_page))
            .route("/debug/featurez", get(|| async { featurez() }))
            .route("/debug/tracez", get(|| async { tracez() }))
            .with_state(state);
        let options = ServerOptions {
            tls: self.config.tls.clone(),
            cors: self.config.cors.clone(),
            response_headers: self.config.response_headers.clone(),
            limits: self.config.server_keys().limits(ServerLimits::confighttp()),
        };
        http_server::check_tls(&options, &mut ctx)?;
        http_server::ready(&mut ctx);
        tracing::info!(endpoint = %addr, "zpages are serving at /debug/servicez.");
        http_server::serve(listener, app, options, ctx.shutdown.clone())
            .await
            .map_err(|e| ComponentError::Failed(format!("zpages server failed: {e}")))
    }
}

pub struct ZPagesFactory;

impl TypedFactory for ZPagesFactory {
    type Config = ZPagesConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Extension,
        type_name: "zpages",
        aliases: &[],
        signals: &[],
        stability: Stability::Beta,
        description: "Live debug pages: service, pipelines, extensions with status and counts.",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        ("expvar", "there is no Go runtime whose variables it would show"),
        ("include_metadata", "the pages pass no data on"),
        ("tls.ca_file", "a server verifies clients with `client_ca_file`"),
        ("tls.reload_interval", "certificates are read once, at start"),
        ("tls.cipher_suites", "rustls chooses among its secure suites"),
        ("tls.include_system_ca_certs_pool", "a client-side key"),
    ];

    fn check(&self, config: &ZPagesConfig) -> Vec<ConfigProblem> {
        let mut p = config.server_keys().problems();
        if let Err(e) = resolve_endpoint(&config.endpoint) {
            p.push(ConfigProblem::new("endpoint", e));
        }
        if let Some(tls) = &config.tls {
            p.extend(tls.problems());
        }
        p.extend(response_header_problems(&config.response_headers));
        p
    }

    fn build(&self, _ctx: &CreateContext, config: ZPagesConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Extension(Box::new(ZPages { config })))
    }
}

#[cfg(test)]
mod tests;
