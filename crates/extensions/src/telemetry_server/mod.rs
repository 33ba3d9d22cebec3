//! Serves self-telemetry as Prometheus text (format 0.0.4) at `service.telemetry.metrics.address`,
//! rendered by `dbintel_otlp::prometheus` (the `prometheus` exporter's renderer) from a snapshot of the
//! registry's instruments.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;

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

/// `service.telemetry.metrics.level` (without `none`, which starts no reader): which instruments a
/// reader shows. As the Collector's views do by level, `basic` keeps the Collector's own
/// instruments (`otelcol_*`: process, receiver, scraper, processor and exporter counts, queues);
/// `normal` (the default) adds every component's `dbintel_*` instruments; `detailed` adds the
/// per-component detail the Collector keeps for that level too: byte sizes on the wire and in
/// queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    Basic,
    #[default]
    Normal,
    Detailed,
}

/// Instruments shown at `detailed` only (sizes in bytes), as the Collector drops its
/// `*_size_bytes` and wire-size instruments below `detailed`.
pub const DETAILED_ONLY: [&str; 3] = [
    "dbintel_exporter_sent_request_bytes_total",
    "dbintel_exporter_bytes_sent_total",
    "dbintel_exporter_queue_bytes",
];

impl Level {
    /// Whether an instrument named `name` is shown at this level.
    pub fn keeps(self, name: &str) -> bool {
        let detailed_only = DETAILED_ONLY.contains(&name)
            || DETAILED_ONLY.iter().any(|d| d.strip_suffix("_total").is_some_and(|base| base == name));
        match self {
            Level::Basic => name.starts_with("otelcol_"),
            Level::Normal => !detailed_only,
            Level::Detailed => true,
        }
    }

    /// The families of `snapshot` this level shows.
    pub fn filter(self, snapshot: Vec<Family>) -> Vec<Family> {
        snapshot.into_iter().filter(|f| self.keeps(&f.name)).collect()
    }
}

/// What a pull reader shows besides the instruments: the resource as `target_info` (the OTel
/// Prometheus exporter's default, off with `without_target_info`), and resource attributes chosen
/// by `with_resource_constant_labels` as labels on every series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exposition {
    pub level: Level,
    /// Resource attributes for `target_info`; `None`: no `target_info`.
    pub target_info: Option<Vec<(String, String)>>,
    /// Resource attributes added to every series.
    pub constant_labels: Vec<(String, String)>,
}

/// An attribute name as a Prometheus label name (what is not `[a-zA-Z0-9_]` becomes `_`; a leading
/// digit gets a `_` before it), as the OTel Prometheus exporter writes `service.name`.
pub fn label_name(name: &str) -> String {
    let mut out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Renders `snapshot` as `exposition` says: filtered by level, constant labels on every series,
/// `target_info` last.
pub fn render_with(snapshot: Vec<Family>, exposition: &Exposition) -> String {
    let mut families = exposition.level.filter(snapshot);
    if !exposition.constant_labels.is_empty() {
        let extra: Vec<(String, String)> =
            exposition.constant_labels.iter().map(|(k, v)| (label_name(k), v.clone())).collect();
        for f in &mut families {
            for s in &mut f.samples {
                for (k, v) in &extra {
                    if !s.labels.iter().any(|(sk, _)| sk == k) {
                        s.labels.push((k.clone(), v.clone()));
                    }
                }
            }
        }
    }
    if let Some(resource) = &exposition.target_info {
        let mut labels: Vec<(String, String)> = Vec::with_capacity(resource.len());
        for (k, v) in resource {
            let name = label_name(k);
            // Two attributes that map to one label name: the first wins.
            if !labels.iter().any(|(l, _)| *l == name) {
                labels.push((name, v.clone()));
            }
        }
        families.push(Family {
            name: "target_info".into(),
            help: "Target metadata".into(),
            unit: String::new(),
            kind: InstrumentKind::Gauge,
            samples: vec![dbintel_core::telemetry::Sample { labels, value: SampleValue::Gauge(1.0) }],
        });
    }
    render(&families)
}

/// Binds `address` and serves `/metrics` until `shutdown` is cancelled, every instrument shown.
pub async fn serve(
    address: &str,
    registry: Registry,
    shutdown: CancellationToken,
) -> Result<(SocketAddr, JoinHandle<()>), TelemetryServerError> {
    serve_with(address, registry, Exposition::default(), shutdown).await
}

/// Binds `address` and serves `/metrics` as `exposition` says until `shutdown` is cancelled.
pub async fn serve_with(
    address: &str,
    registry: Registry,
    exposition: Exposition,
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
    let app = Router::new().route("/metrics", get(metrics)).with_state((registry, Arc::new(exposition)));
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

async fn metrics(State((registry, exposition)): State<(Registry, Arc<Exposition>)>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, Format::Text.content_type())], render_with(registry.snapshot(), &exposition))
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
