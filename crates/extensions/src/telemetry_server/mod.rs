//! Serves self-telemetry as Prometheus text (format 0.0.4) at `service.telemetry.metrics.address`.

use std::fmt::Write;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use dbintel_core::telemetry::{Family, InstrumentKind, Registry, SampleValue};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
pub enum TelemetryServerError {
    #[error("cannot listen on {address} (`service.telemetry.metrics.address`): {source}; choose a free port")]
    Bind { address: String, source: std::io::Error },
    #[error("`{0}` is not a valid `host:port` address for `service.telemetry.metrics.address`")]
    Address(String),
}

/// Binds `address` and serves `/metrics` until `shutdown` is cancelled.
pub async fn serve(
    address: &str,
    registry: Registry,
    shutdown: CancellationToken,
) -> Result<(SocketAddr, JoinHandle<()>), TelemetryServerError> {
    // Printed without URL credentials.
    let shown = || crate::health_check::shown_address(address);
    let addr =
        crate::health_check::resolve_endpoint(address).map_err(|_| TelemetryServerError::Address(shown()))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| TelemetryServerError::Bind { address: shown(), source })?;
    let local = listener.local_addr().unwrap_or(addr);
    let app = Router::new().route("/metrics", get(metrics)).with_state(registry);
    let handle = tokio::spawn(async move {
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "Self-telemetry server failed.");
        }
    });
    tracing::info!(address = %local, "Self-telemetry is served at /metrics.");
    Ok((local, handle))
}

async fn metrics(State(registry): State<Registry>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], render(&registry.snapshot()))
}

fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n").replace('"', "\\\"")
}

fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

fn label_set(labels: &[(String, String)], extra: Option<(&str, String)>) -> String {
    let mut parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape_label(v))).collect();
    if let Some((k, v)) = extra {
        parts.push(format!("{k}=\"{v}\""));
    }
    if parts.is_empty() { String::new() } else { format!("{{{}}}", parts.join(",")) }
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{v}")
    }
}

/// Renders families in the Prometheus text format. Counters get the `_total` suffix.
pub fn render(families: &[Family]) -> String {
    let mut out = String::with_capacity(4096);
    for f in families {
        let (name, kind) = match f.kind {
            InstrumentKind::Counter if !f.name.ends_with("_total") => {
                (format!("{}_total", f.name), "counter")
            }
            InstrumentKind::Counter => (f.name.clone(), "counter"),
            InstrumentKind::Gauge => (f.name.clone(), "gauge"),
            InstrumentKind::Histogram => (f.name.clone(), "histogram"),
        };
        let _ = writeln!(out, "# HELP {name} {}", escape_help(&f.help));
        let _ = writeln!(out, "# TYPE {name} {kind}");
        for s in &f.samples {
            match &s.value {
                SampleValue::Counter(v) => {
                    let _ = writeln!(out, "{name}{} {v}", label_set(&s.labels, None));
                }
                SampleValue::Gauge(v) => {
                    let _ = writeln!(out, "{name}{} {}", label_set(&s.labels, None), number(*v));
                }
                SampleValue::Histogram { cumulative_buckets, count, sum } => {
                    for (bound, c) in cumulative_buckets {
                        let le = number(*bound);
                        let _ = writeln!(out, "{name}_bucket{} {c}", label_set(&s.labels, Some(("le", le))));
                    }
                    let _ = writeln!(out, "{name}_sum{} {}", label_set(&s.labels, None), number(*sum));
                    let _ = writeln!(out, "{name}_count{} {count}", label_set(&s.labels, None));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
