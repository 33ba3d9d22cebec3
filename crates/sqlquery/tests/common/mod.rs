//! Drives a real `sqlquery` receiver: builds it through the factory, runs it with channel outputs, and
//! reads what it sends.
#![allow(dead_code)]

use std::time::Duration;

use dbintel_core::health::{HealthRegistry, Status};
use dbintel_core::pdata::{Logs, MetricData, Metrics, NumberValue, SignalData, Value};
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::{Registry, SampleValue};
use dbintel_core::{Built, ComponentId, ComponentKind, CreateContext, Factory, ReceiverContext};
use dbintel_sqlquery::SqlQueryFactory;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub struct Running {
    pub metrics: mpsc::Receiver<SignalData>,
    pub logs: mpsc::Receiver<SignalData>,
    pub shutdown: CancellationToken,
    pub handle: JoinHandle<()>,
    pub health: HealthRegistry,
    pub telemetry: Registry,
}

pub fn start(config: serde_json::Value) -> Running {
    start_with_storage(config, None)
}

/// Like [`start`], with a `file_storage/test` extension on `directory` in the host (for `storage`).
pub fn start_with_storage(config: serde_json::Value, directory: Option<&std::path::Path>) -> Running {
    let id: ComponentId = "sqlquery/test".parse().unwrap();
    let telemetry = Registry::new();
    let cctx = CreateContext::new(id.clone(), telemetry.clone());
    if let Some(dir) = directory {
        let fs: dbintel_extensions::file_storage::FileStorageConfig =
            dbintel_core::parse_component_config(&serde_json::json!({"directory": dir, "fsync": true}))
                .unwrap();
        cctx.host.add_extension(
            "file_storage/test".parse().unwrap(),
            std::sync::Arc::new(dbintel_extensions::file_storage::Storage::from(&fs)),
        );
    }
    let Ok(Built::Receiver(receiver)) = SqlQueryFactory.create(&cctx, &config) else {
        panic!("create failed: {:?}", SqlQueryFactory.validate(&config));
    };
    let (mtx, metrics) = mpsc::channel(16);
    let (ltx, logs) = mpsc::channel(16);
    let health = HealthRegistry::new();
    let shutdown = CancellationToken::new();
    let ctx = ReceiverContext {
        id: id.clone(),
        output: ReceiverOutput::from_channels(Some(mtx), Some(ltx)),
        shutdown: shutdown.clone(),
        health: health.register(ComponentKind::Receiver, id),
        telemetry: telemetry.clone(),
    };
    let handle = tokio::spawn(async move {
        receiver.run(ctx).await.unwrap();
    });
    Running { metrics, logs, shutdown, handle, health, telemetry }
}

impl Running {
    pub async fn next_metrics(&mut self) -> Metrics {
        match tokio::time::timeout(Duration::from_secs(20), self.metrics.recv()).await {
            Ok(Some(SignalData::Metrics(m))) => m,
            other => panic!("no metrics: {other:?}"),
        }
    }

    pub async fn next_logs(&mut self) -> Logs {
        match tokio::time::timeout(Duration::from_secs(20), self.logs.recv()).await {
            Ok(Some(SignalData::Logs(l))) => l,
            other => panic!("no logs: {other:?}"),
        }
    }

    pub fn counter(&self, name: &str, label: Option<(&str, &str)>) -> u64 {
        self.telemetry
            .snapshot()
            .iter()
            .filter(|f| f.name == name)
            .flat_map(|f| &f.samples)
            .filter(|s| label.is_none_or(|(k, v)| s.labels.iter().any(|(a, b)| a == k && b == v)))
            .map(|s| match s.value {
                SampleValue::Counter(c) => c,
                _ => 0,
            })
            .sum()
    }

    pub fn status(&self) -> Status {
        self.health.snapshot().first().map(|c| c.status.clone()).unwrap_or(Status::Starting)
    }

    /// Cancels and waits; panics if the receiver does not return within 3 seconds.
    pub async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(3), self.handle)
            .await
            .expect("the receiver did not return promptly after shutdown")
            .unwrap();
    }
}

/// `(attribute value of `key`, value)` of every point of metric `name`, sorted by the attribute.
pub fn points(m: &Metrics, name: &str, key: &str) -> Vec<(String, NumberValue)> {
    let mut out = Vec::new();
    for metric in m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        if metric.name != name {
            continue;
        }
        let pts = match &metric.data {
            MetricData::Gauge(p) => p,
            MetricData::Sum { points, .. } => points,
            _ => continue,
        };
        for p in pts {
            let k = p.attributes.get(key).map(Value::to_display_string).unwrap_or_default();
            out.push((k, p.value));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

pub fn metric<'a>(m: &'a Metrics, name: &str) -> Option<&'a dbintel_core::pdata::Metric> {
    m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics).find(|x| x.name == name)
}

pub fn bodies(l: &Logs) -> Vec<String> {
    l.resource_logs
        .iter()
        .flat_map(|r| &r.scope_logs)
        .flat_map(|s| &s.log_records)
        .map(|r| r.body.as_ref().map(Value::to_display_string).unwrap_or_default())
        .collect()
}

pub fn resource_attr(m: &Metrics, key: &str) -> Option<String> {
    m.resource_metrics.first()?.resource.attributes.get(key).map(Value::to_display_string)
}
