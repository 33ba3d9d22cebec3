//! `prometheus` exporter: a pull endpoint (`GET /metrics`) exposing the latest value of every series,
//! like the contrib `prometheus` exporter.
//!
//! - [`accumulator`]: temporality rules (delta sums and histograms made cumulative, stale series
//!   expired, a bound on the number of series);
//! - [`naming`] and [`labels`]: OTel -> Prometheus names and labels, `job`/`instance`, `target_info`;
//! - [`render`]: text format 0.0.4, or OpenMetrics 1.0 when enabled and asked for.
//!
//! The HTTP server is bound in [`Exporter::start`], so a busy port is a startup error naming
//! `exporters.<id>.endpoint`, and stopped gracefully in [`Exporter::shutdown`].

pub mod accumulator;
pub mod config;
pub mod labels;
pub mod naming;
pub mod render;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use axum::routing::get;
use dbintel_core::telemetry::Registry;
use dbintel_core::{
    Built, ComponentInfo, ComponentKind, ConfigProblem, CreateContext, ExportError, Exporter, Signal,
    SignalData, Stability, TypedFactory,
};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use accumulator::{Accumulator, DropReason, Stats};
pub use config::{PrometheusConfig, ResourceToTelemetryConfig};
pub use render::{Format, RenderOptions};

/// Shared between the pipeline side (`export`) and the HTTP side (scrapes).
struct Shared {
    accumulator: Mutex<Accumulator>,
    render: RenderOptions,
    open_metrics: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Accumulator> {
        match self.accumulator.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Expires stale series, then renders in the format the `Accept` header asks for.
    fn scrape(&self, accept: &str, now: Instant) -> (Format, String) {
        let format = if self.open_metrics && accept.contains("application/openmetrics-text") {
            Format::OpenMetrics
        } else {
            Format::Text
        };
        // Copy under the lock, format after releasing it: `export` is not held up by a scrape's
        // rendering, only by the copy.
        let snapshot = {
            let mut acc = self.lock();
            acc.expire(now);
            acc.snapshot()
        };
        let body = render::render_snapshot(&snapshot, format, self.render);
        (format, body)
    }
}

struct Server {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    local: SocketAddr,
}

/// The `prometheus` exporter.
pub struct PrometheusExporter {
    id: String,
    config: PrometheusConfig,
    shared: Arc<Shared>,
    server: Option<Server>,
}

impl PrometheusExporter {
    /// `id` is the component id (`prometheus`, `prometheus/dba`), used in messages and telemetry.
    pub fn new(id: impl Into<String>, config: PrometheusConfig, telemetry: &Registry) -> Self {
        let id = id.into();
        let stats = Stats::new(telemetry, &id);
        let accumulator = Accumulator::new(
            config.translate_options(),
            config.max_series,
            config.metric_expiration.get(),
            stats,
        );
        let shared = Arc::new(Shared {
            accumulator: Mutex::new(accumulator),
            render: RenderOptions { send_timestamps: config.send_timestamps },
            open_metrics: config.enable_open_metrics,
        });
        Self { id, config, shared, server: None }
    }

    /// The address the server listens on, once started (useful with port 0).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.server.as_ref().map(|s| s.local)
    }

    /// The exposition a scrape with this `Accept` header would get now (tests, debugging).
    pub fn scrape(&self, accept: &str) -> (Format, String) {
        self.shared.scrape(accept, Instant::now())
    }

    /// Self-telemetry handles of this instance.
    pub fn stats(&self) -> Stats {
        self.shared.lock().stats().clone()
    }
}

async fn metrics_handler(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> impl IntoResponse {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    // Rendering a large map takes a while: keep it off the async workers.
    let result = tokio::task::spawn_blocking(move || shared.scrape(&accept, Instant::now())).await;
    match result {
        Ok((format, body)) => ([(header::CONTENT_TYPE, format.content_type())], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "prometheus exporter: rendering a scrape failed");
            (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "rendering failed\n").into_response()
        }
    }
}

#[async_trait]
impl Exporter for PrometheusExporter {
    async fn start(&mut self) -> Result<(), ExportError> {
        if self.server.is_some() {
            return Ok(());
        }
        let addr = config::bind_address(&self.config.endpoint)
            .map_err(|e| ExportError::Failed(format!("exporters.{}.endpoint: {e}", self.id)))?;
        let listener = tokio::net::TcpListener::bind(addr.as_str()).await.map_err(|e| {
            ExportError::Failed(format!(
                "cannot listen on {} (`exporters.{}.endpoint`): {e}; choose a free port",
                self.config.endpoint, self.id
            ))
        })?;
        let local = listener.local_addr().map_err(ExportError::Io)?;
        // The certificate files are read here, so a missing or bad one is a startup error.
        let tls = match &self.config.tls {
            None => None,
            Some(t) => Some(
                t.server_config()
                    .map_err(|e| ExportError::Failed(format!("exporters.{}.tls: {e}", self.id)))?,
            ),
        };
        let app = Router::new().route("/metrics", get(metrics_handler)).with_state(self.shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let id = self.id.clone();
        let https = tls.is_some();
        let task = tokio::spawn(async move {
            let stopped = async move {
                let _ = stopped.await;
            };
            let result = match tls {
                None => axum::serve(listener, app).with_graceful_shutdown(stopped).await,
                Some(config) => match dbintel_extensions::http_server::TlsListener::new(listener, config) {
                    Ok(l) => axum::serve(l, app).with_graceful_shutdown(stopped).await,
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = result {
                tracing::error!(exporter = %id, error = %e, "prometheus exporter: the HTTP server failed");
            }
        });
        tracing::info!(exporter = %self.id, address = %local, https, "prometheus exporter serves /metrics");
        self.server = Some(Server { stop, task, local });
        Ok(())
    }

    async fn export(&mut self, data: std::sync::Arc<SignalData>) -> Result<(), ExportError> {
        if let SignalData::Metrics(metrics) = &*data {
            self.shared.lock().accumulate(metrics, Instant::now());
        }
        Ok(())
    }

    async fn shutdown(&mut self) -> Result<(), ExportError> {
        if let Some(server) = self.server.take() {
            let _ = server.stop.send(());
            // Scrapes in flight finish; a stuck client cannot hold shutdown for long.
            let mut task = server.task;
            if tokio::time::timeout(std::time::Duration::from_secs(2), &mut task).await.is_err() {
                task.abort();
                // Wait for the abort to land: the listener is dropped with the task, so the port is
                // free when shutdown returns (a restart on the same port must not find it taken).
                let _ = task.await;
            }
        }
        Ok(())
    }
}

/// Factory of the `prometheus` exporter.
pub struct PrometheusExporterFactory;

impl TypedFactory for PrometheusExporterFactory {
    type Config = PrometheusConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Exporter,
        type_name: "prometheus",
        aliases: &[],
        signals: &[Signal::Metrics],
        stability: Stability::Beta,
        description: "Serves the latest value of every series at /metrics (Prometheus text or OpenMetrics)",
    };

    fn check(&self, config: &PrometheusConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn config_notes(&self, config: &PrometheusConfig) -> Vec<ConfigProblem> {
        config.const_label_warnings()
    }

    fn build(&self, ctx: &CreateContext, cfg: PrometheusConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Exporter(Box::new(PrometheusExporter::new(ctx.id.to_string(), cfg, &ctx.telemetry))))
    }
}
