//! Drives a real `mysql` receiver: builds it through the factory, runs it with channel outputs,
//! and reads what it sends.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use dbintel_core::health::{HealthRegistry, Status};
use dbintel_core::pdata::{MetricData, Metrics, NumberValue, SignalData, Value};
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{
    AdmissionRegistry, Built, ComponentId, ComponentKind, CreateContext, Factory, ReceiverContext,
};
use dbintel_mysql::MysqlFactory;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub struct Running {
    pub metrics: mpsc::Receiver<SignalData>,
    /// Query events (`db.server.top_query`, `db.server.query_sample`).
    pub logs: mpsc::Receiver<SignalData>,
    pub shutdown: CancellationToken,
    pub handle: JoinHandle<()>,
    pub health: HealthRegistry,
    pub telemetry: Registry,
}

/// The receiver's component ID in these tests.
pub fn receiver_id() -> ComponentId {
    "mysql/test".parse().unwrap()
}

pub fn start(config: serde_json::Value) -> Running {
    start_with_admission(config, None)
}

/// Like [`start`], reading its admission from `admission` (votes set there reach the receiver).
pub fn start_with_admission(config: serde_json::Value, admission: Option<&AdmissionRegistry>) -> Running {
    let id = receiver_id();
    let telemetry = Registry::new();
    let cctx = CreateContext::new(id.clone(), telemetry.clone());
    let Ok(Built::Receiver(receiver)) = MysqlFactory.create(&cctx, &config) else {
        panic!("create failed: {:?}", MysqlFactory.validate(&config));
    };
    let (mtx, metrics) = mpsc::channel(16);
    let (ltx, logs) = mpsc::channel(64);
    let health = HealthRegistry::new();
    let shutdown = CancellationToken::new();
    let ctx = ReceiverContext {
        id: id.clone(),
        output: match admission {
            Some(a) => ReceiverOutput::from_channels(Some(mtx), Some(ltx)).with_admission(
                &id,
                a.handle(&id),
                &telemetry,
            ),
            None => ReceiverOutput::from_channels(Some(mtx), Some(ltx)),
        },
        shutdown: shutdown.clone(),
        health: health.register(ComponentKind::Receiver, id),
        telemetry: telemetry.clone(),
    };
    let handle = tokio::spawn(async move { receiver.run(ctx).await.unwrap() });
    Running { metrics, logs, shutdown, handle, health, telemetry }
}

impl Running {
    pub async fn next_metrics(&mut self) -> Metrics {
        match tokio::time::timeout(Duration::from_secs(30), self.metrics.recv()).await {
            Ok(Some(SignalData::Metrics(m))) => m,
            other => panic!("no metrics: {other:?}"),
        }
    }

    /// The next logs batch within `wait`, or `None`.
    pub async fn next_logs(&mut self, wait: Duration) -> Option<dbintel_core::pdata::Logs> {
        match tokio::time::timeout(wait, self.logs.recv()).await {
            Ok(Some(SignalData::Logs(l))) => Some(l),
            _ => None,
        }
    }

    pub fn status(&self) -> Status {
        self.health.snapshot().first().map(|c| c.status.clone()).unwrap_or(Status::Starting)
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(5), self.handle)
            .await
            .expect("the receiver did not return promptly after shutdown")
            .unwrap();
    }
}

/// `attribute value -> value` of every point of `name` (attribute `key`; "" without it).
pub fn points(m: &Metrics, name: &str, key: &str) -> HashMap<String, i64> {
    let mut out = HashMap::new();
    for metric in m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics) {
        if metric.name != name {
            continue;
        }
        let (MetricData::Gauge(pts) | MetricData::Sum { points: pts, .. }) = &metric.data else { continue };
        for p in pts {
            let k = p.attributes.get(key).map(Value::to_display_string).unwrap_or_default();
            let NumberValue::Int(v) = p.value else { panic!("{name}: int points") };
            out.insert(k, v);
        }
    }
    out
}

pub fn monotonic(m: &Metrics, name: &str) -> Option<bool> {
    m.resource_metrics
        .iter()
        .flat_map(|r| &r.scope_metrics)
        .flat_map(|s| &s.metrics)
        .find(|x| x.name == name)
        .and_then(|x| match x.data {
            MetricData::Sum { monotonic, .. } => Some(monotonic),
            _ => None,
        })
}
