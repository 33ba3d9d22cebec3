//! Runs an `enhancedsql` receiver against a real server and collects what it sends and logs.
#![allow(dead_code)]

use std::time::Duration;

use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{LogRecord, Metric, MetricData, NumberValue, SignalData, Value};
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, ComponentKind, CreateContext, Factory, ReceiverContext};
use dbintel_enhancedsql::EnhancedSqlFactory;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A running receiver.
pub struct Running {
    pub telemetry: Registry,
    pub metrics: mpsc::Receiver<SignalData>,
    pub logs: mpsc::Receiver<SignalData>,
    pub shutdown: CancellationToken,
    pub handle: JoinHandle<()>,
}

/// Starts the receiver (on the calling runtime: use a current_thread runtime so a thread-local
/// subscriber sees its log lines).
pub fn start(name: &str, config: serde_json::Value) -> Running {
    let id: ComponentId = format!("enhancedsql/{name}").parse().unwrap();
    let telemetry = Registry::new();
    let built = EnhancedSqlFactory.create(&CreateContext::new(id.clone(), telemetry.clone()), &config);
    let receiver = match built {
        Ok(Built::Receiver(r)) => r,
        Ok(_) => panic!("not a receiver"),
        Err(e) => panic!("config refused: {e:?}"),
    };
    let (mtx, metrics) = mpsc::channel::<SignalData>(256);
    let (ltx, logs) = mpsc::channel::<SignalData>(256);
    let health = HealthRegistry::new();
    let shutdown = CancellationToken::new();
    let ctx = ReceiverContext {
        id: id.clone(),
        output: ReceiverOutput::from_channels(Some(mtx), Some(ltx)),
        shutdown: shutdown.clone(),
        health: health.register(ComponentKind::Receiver, id.clone()),
        telemetry: telemetry.clone(),
    };
    let handle = tokio::spawn(async move { receiver.run(ctx).await.unwrap() });
    Running { telemetry, metrics, logs, shutdown, handle }
}

impl Running {
    /// Log records received until `done` holds for the latest batch (or the time is up).
    pub async fn logs_until(
        &mut self,
        limit: Duration,
        done: impl Fn(&[LogRecord]) -> bool,
    ) -> Vec<LogRecord> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.logs.recv()).await {
                Ok(Some(SignalData::Logs(l))) => {
                    let records: Vec<LogRecord> = l
                        .resource_logs
                        .into_iter()
                        .flat_map(|r| r.scope_logs)
                        .flat_map(|s| s.log_records)
                        .collect();
                    if done(&records) {
                        return records;
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return Vec::new(),
            }
        }
    }

    /// The next metrics batch that has `name` (or none in time).
    pub async fn metrics_with(&mut self, limit: Duration, name: &str) -> Vec<Metric> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.metrics.recv()).await {
                Ok(Some(SignalData::Metrics(m))) => {
                    let all: Vec<Metric> = m
                        .resource_metrics
                        .into_iter()
                        .flat_map(|r| r.scope_metrics)
                        .flat_map(|s| s.metrics)
                        .collect();
                    if all.iter().any(|x| x.name == name) {
                        return all;
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return Vec::new(),
            }
        }
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(5), self.handle).await.expect("stops promptly").unwrap();
    }
}

pub fn attr<'a>(r: &'a LogRecord, key: &str) -> Option<&'a Value> {
    r.attributes.get(key)
}

pub fn attr_str(r: &LogRecord, key: &str) -> Option<String> {
    r.attributes.get(key).map(|v| v.to_display_string())
}

/// Records of `name` (the `queries[].name`) served by `query`.
pub fn served_by<'a>(records: &'a [LogRecord], name: &str, query: &str) -> Vec<&'a LogRecord> {
    records
        .iter()
        .filter(|r| {
            attr_str(r, "dbintel.enhancedsql.name").as_deref() == Some(name)
                && attr_str(r, "dbintel.enhancedsql.query").as_deref() == Some(query)
        })
        .collect()
}

/// The gauge points of `metric` as (attribute value of `key`, other attribute `key2`, value).
pub fn gauge_points(metrics: &[Metric], metric: &str, key: &str) -> Vec<(String, i64)> {
    metrics
        .iter()
        .filter(|m| m.name == metric)
        .flat_map(|m| match &m.data {
            MetricData::Gauge(p) => p.clone(),
            _ => Vec::new(),
        })
        .map(|p| {
            let k = p.attributes.get(key).map(|v| v.to_display_string()).unwrap_or_default();
            let v = match p.value {
                NumberValue::Int(i) => i,
                NumberValue::Double(d) => d as i64,
            };
            (k, v)
        })
        .collect()
}

/// Waits until `f` holds (polling every 50ms) or panics after `limit` with `what`.
pub async fn wait_for(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}
