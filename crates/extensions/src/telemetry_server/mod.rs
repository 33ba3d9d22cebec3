//! Serves self-telemetry as Prometheus text (format 0.0.4) at `service.telemetry.metrics.address`,
//! rendered by `dbintel_otlp::prometheus` (the `prometheus` exporter's renderer) from a snapshot of the
//! registry's instruments.

use std::borrow::Cow;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use dbintel_core::pdata::NumberValue;
use dbintel_core::telemetry::{Family, InstrumentKind, Registry, SampleValue};
use dbintel_otlp::prometheus::{self as prom, Buckets, Format, MetricType};
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
    ([(header::CONTENT_TYPE, Format::Text.content_type())], render(&registry.snapshot()))
}

/// The registry's snapshot as the shared renderer's model: counters named with `_total` (added when
/// the instrument's name lacks it), gauges as floats, histograms with their cumulative buckets.
pub fn families(snapshot: &[Family]) -> Vec<prom::Family<'_>> {
    snapshot
        .iter()
        .map(|f| {
            let (name, kind) = match f.kind {
                InstrumentKind::Counter if !f.name.ends_with("_total") => {
                    (Cow::Owned(format!("{}_total", f.name)), MetricType::Counter)
                }
                InstrumentKind::Counter => (Cow::Borrowed(f.name.as_str()), MetricType::Counter),
                InstrumentKind::Gauge => (Cow::Borrowed(f.name.as_str()), MetricType::Gauge),
                InstrumentKind::Histogram => (Cow::Borrowed(f.name.as_str()), MetricType::Histogram),
            };
            let samples = f
                .samples
                .iter()
                .map(|s| prom::Sample {
                    labels: &s.labels,
                    value: sample_value(&s.value),
                    timestamp_unix_nano: None,
                })
                .collect();
            prom::Family { name, help: &f.help, kind, samples }
        })
        .collect()
}

fn sample_value(v: &SampleValue) -> prom::SampleValue<'_> {
    match v {
        SampleValue::Counter(c) => prom::SampleValue::Number(
            i64::try_from(*c).map_or(NumberValue::Double(*c as f64), NumberValue::Int),
        ),
        SampleValue::Gauge(g) => prom::SampleValue::Number(NumberValue::Double(*g)),
        SampleValue::Histogram { cumulative_buckets, count, sum } => prom::SampleValue::Histogram {
            count: *count,
            sum: *sum,
            buckets: Buckets::Cumulative(cumulative_buckets),
        },
    }
}

/// Renders a registry snapshot in the Prometheus text format, with the renderer the `prometheus`
/// exporter uses. A family whose names clash with an earlier one's is left out (and logged).
pub fn render(snapshot: &[Family]) -> String {
    let (text, skipped) = prom::render(&families(snapshot), Format::Text);
    if skipped.name_conflict > 0 {
        tracing::debug!(
            series = skipped.name_conflict,
            "self-telemetry: series left out because their names clash with another family's"
        );
    }
    text
}

pub mod push;
#[cfg(test)]
mod tests;
