use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::health_check::tests::http_get;
use dbintel_core::component::{ExportError, Exporter, Processor, ProcessorError, Receiver, ReceiverContext};
use dbintel_core::health::Status;
use dbintel_core::pdata::{Attributes, LogRecord, Logs, ResourceLogs, ScopeLogs, SignalData};
use dbintel_core::pipeline::{
    ExporterNode, ExtensionNode, PipelineNode, ReceiverNode, RuntimeSettings, ServiceGraph, start,
};
use dbintel_core::{Factory, PipelineId};

fn logs(n: usize) -> SignalData {
    let records = (0..n)
        .map(|i| LogRecord { attributes: Attributes::from_iter([("i", i as i64)]), ..Default::default() })
        .collect();
    SignalData::Logs(Logs {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs { log_records: records, ..Default::default() }],
            ..Default::default()
        }],
    })
}

/// Sends `batches` batches of 3 log records, then waits for shutdown.
struct Sender {
    batches: usize,
}

#[async_trait]
impl Receiver for Sender {
    async fn run(self: Box<Self>, ctx: ReceiverContext) -> Result<(), ComponentError> {
        ctx.health.ok();
        for _ in 0..self.batches {
            if ctx.output.send(logs(3)).await.is_err() {
                break;
            }
        }
        ctx.shutdown.cancelled().await;
        Ok(())
    }
}

/// Passes every other batch on.
struct EveryOther(bool);

impl Processor for EveryOther {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        self.0 = !self.0;
        if self.0 {
            out.push(data);
        }
        Ok(())
    }
    fn mutates_data(&self) -> bool {
        false
    }
}

struct Discard;

#[async_trait]
impl Exporter for Discard {
    async fn export(&mut self, _data: Arc<SignalData>) -> Result<(), ExportError> {
        Ok(())
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// The number after `<br>{name}: ` in the cell that starts with `<b>{id}</b>`.
fn count_in(page: &str, id: &str, name: &str) -> Option<u64> {
    let cell = &page[page.find(&format!("<b>{id}</b>"))?..];
    let cell = &cell[..cell.find("</td>")?];
    let at = cell.find(&format!("<br>{name}: "))? + name.len() + 6;
    cell[at..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

#[tokio::test]
async fn pages_show_the_running_pipelines_with_live_status_and_counts() {
    let endpoint = format!("127.0.0.1:{}", free_port());
    let config: ZPagesConfig =
        dbintel_core::parse_component_config(&serde_json::json!({ "endpoint": endpoint })).unwrap();
    let logs_pipeline: PipelineId = "logs/q".parse().unwrap();
    let graph = ServiceGraph {
        receivers: vec![ReceiverNode {
            id: "sqlquery/orders".parse().unwrap(),
            receiver: Box::new(Sender { batches: 10 }),
            pipelines: vec![logs_pipeline.clone()],
        }],
        pipelines: vec![PipelineNode {
            id: logs_pipeline,
            processors: vec![("filter/half".parse().unwrap(), Box::new(EveryOther(false)).into())],
            exporters: vec!["debug".parse().unwrap()],
        }],
        exporters: vec![ExporterNode { id: "debug".parse().unwrap(), exporter: Box::new(Discard) }],
        extensions: vec![ExtensionNode {
            id: "zpages".parse().unwrap(),
            extension: Box::new(ZPages { config }),
        }],
    };
    let telemetry = Registry::new();
    let health = HealthRegistry::new();
    let service = start(graph, RuntimeSettings::default(), telemetry.clone(), health.clone()).await.unwrap();

    // 10 batches of 3 records in, half of them through the processor, all of those exported.
    let mut page = String::new();
    for _ in 0..200 {
        let (code, body) = http_get(&endpoint, "/debug/pipelinez").await;
        assert_eq!(code, 200, "{body}");
        page = body;
        if count_in(&page, "debug", "sent") == Some(15) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(page.contains("<td>logs/q</td><td>logs</td><td>false</td>"), "{page}");
    assert_eq!(count_in(&page, "sqlquery/orders", "accepted"), Some(30), "{page}");
    assert_eq!(count_in(&page, "filter/half", "incoming"), Some(30), "{page}");
    assert_eq!(count_in(&page, "filter/half", "outgoing"), Some(15), "{page}");
    assert_eq!(count_in(&page, "debug", "sent"), Some(15), "{page}");
    assert!(page.contains("<b>sqlquery/orders</b> <span class=\"status\">ok</span>"), "{page}");

    // Live status: a receiver that starts failing shows it, with its (escaped) error.
    let handle = health.register(ComponentKind::Receiver, "sqlquery/orders".parse().unwrap());
    handle.set(Status::RecoverableError("connection <refused>".into()));
    let (_, page) = http_get(&endpoint, "/debug/pipelinez").await;
    assert!(page.contains("recoverable_error</span> <i>connection &lt;refused&gt;</i>"), "{page}");

    let (code, page) = http_get(&endpoint, "/debug/servicez").await;
    assert_eq!(code, 200);
    assert!(page.contains(env!("CARGO_PKG_VERSION")) && page.contains("sqlquery/orders"), "{page}");
    assert!(page.contains("<tr><th>Healthy</th><td>true</td></tr>"), "{page}");
    let (code, page) = http_get(&endpoint, "/debug/extensionz").await;
    assert_eq!(code, 200);
    assert!(page.contains("<tr><td>zpages</td><td class=\"status\">ok</td>"), "{page}");
    for path in ["/debug/featurez", "/debug/tracez"] {
        let (code, page) = http_get(&endpoint, path).await;
        assert_eq!(code, 200, "{path}");
        assert!(page.contains("<table>"), "{path}: {page}");
    }
    let (code, _) = http_get(&endpoint, "/debug/nonsense").await;
    assert_eq!(code, 404);

    let report = service.shutdown().await;
    assert!(report.clean());
}

#[test]
fn config_defaults_to_loopback_and_names_bad_keys() {
    let f = ZPagesFactory;
    let config: ZPagesConfig = dbintel_core::parse_component_config(&serde_json::Value::Null).unwrap();
    assert_eq!(resolve_endpoint(&config.endpoint).unwrap().to_string(), "127.0.0.1:55679");
    f.validate(&serde_json::json!({"endpoint": "0.0.0.0:55679", "expvar": {"enabled": true}})).unwrap();
    let errs = f.validate(&serde_json::json!({"endpoint": "nohost"})).unwrap_err();
    assert_eq!(errs[0].path, "endpoint");
    let errs = f.validate(&serde_json::json!({"endpont": "x"})).unwrap_err();
    assert!(errs[0].message.contains("endpont"), "{errs:?}");
}
