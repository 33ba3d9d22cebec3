//! The postgresql receiver run alone in a test: created through its factory, its metrics on a
//! channel, its health and self-telemetry at hand. Test files add their own `impl Running` helpers.
#![allow(dead_code)] // each test binary uses its own subset

use std::time::Duration;

use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{Metrics, SignalData};
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{
    AdmissionRegistry, Built, ComponentId, ComponentKind, CreateContext, Factory, ReceiverContext,
};
use dbintel_postgresql::PostgresqlFactory;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub struct Running {
    pub metrics: mpsc::Receiver<SignalData>,
    pub shutdown: CancellationToken,
    pub handle: tokio::task::JoinHandle<()>,
    pub health: HealthRegistry,
    pub telemetry: Registry,
}

/// Starts the receiver with `config` (panics with the validation problems if it cannot be built).
pub fn start(config: serde_json::Value) -> Running {
    start_with_admission(config, None)
}

/// The receiver's component ID in these tests.
pub fn receiver_id() -> ComponentId {
    "postgresql/test".parse().unwrap()
}

/// Like [`start`], reading its admission from `admission` (votes set there reach the receiver).
pub fn start_with_admission(config: serde_json::Value, admission: Option<&AdmissionRegistry>) -> Running {
    let id = receiver_id();
    let telemetry = Registry::new();
    let cctx = CreateContext::new(id.clone(), telemetry.clone());
    let Ok(Built::Receiver(receiver)) = PostgresqlFactory.create(&cctx, &config) else {
        panic!("create failed: {:?}", PostgresqlFactory.validate(&config));
    };
    let (mtx, metrics) = mpsc::channel(64);
    let health = HealthRegistry::new();
    let shutdown = CancellationToken::new();
    let ctx = ReceiverContext {
        id: id.clone(),
        output: match admission {
            Some(a) => {
                ReceiverOutput::from_channels(Some(mtx), None).with_admission(&id, a.handle(&id), &telemetry)
            }
            None => ReceiverOutput::from_channels(Some(mtx), None),
        },
        shutdown: shutdown.clone(),
        health: health.register(ComponentKind::Receiver, id),
        telemetry: telemetry.clone(),
    };
    let handle = tokio::spawn(async move {
        receiver.run(ctx).await.unwrap();
    });
    Running { metrics, shutdown, handle, health, telemetry }
}

impl Running {
    /// The next batch of metrics (bounded wait).
    pub async fn next(&mut self) -> Metrics {
        match tokio::time::timeout(Duration::from_secs(30), self.metrics.recv()).await {
            Ok(Some(SignalData::Metrics(m))) => m,
            other => panic!("no metrics: {other:?}"),
        }
    }
}
