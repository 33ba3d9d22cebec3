use super::*;
use dbintel_core::health::Status;
use dbintel_core::{Factory, parse_component_config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

/// A minimal HTTP/1.1 GET, enough to check status codes and bodies.
pub(crate) async fn http_get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await.expect("read");
    let text = String::from_utf8_lossy(&buf).to_string();
    let code = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (code, body)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

#[tokio::test]
async fn answers_200_while_all_run_and_503_otherwise() {
    let port = free_port();
    let endpoint = format!("127.0.0.1:{port}");
    let registry = HealthRegistry::new();
    let receiver = registry.register(ComponentKind::Receiver, "sqlquery/orders".parse().unwrap());
    let ext_handle = registry.register(ComponentKind::Extension, "health_check".parse().unwrap());
    let shutdown = CancellationToken::new();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let ctx = ExtensionContext {
        id: "health_check".parse().unwrap(),
        shutdown: shutdown.clone(),
        health: ext_handle.clone(),
        health_registry: registry.clone(),
        telemetry: Default::default(),
        ready: Some(ready_tx),
    };
    let ext = HealthCheck { config: HealthCheckConfig { endpoint: endpoint.clone(), ..Default::default() } };
    let task = tokio::spawn(Box::new(ext).run(ctx));
    ready_rx.await.unwrap().unwrap();
    ext_handle.ok();

    // The receiver is still starting: not healthy.
    let (code, body) = http_get(&endpoint, "/").await;
    assert_eq!(code, 503, "{body}");

    receiver.ok();
    let (code, body) = http_get(&endpoint, "/").await;
    assert_eq!(code, 200, "{body}");
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["status"], "Server available");
    let comps = doc["components"].as_array().unwrap();
    assert!(comps.iter().any(|c| c["id"] == "sqlquery/orders" && c["status"] == "ok"), "{doc}");

    receiver.recoverable("connection refused");
    let (code, body) = http_get(&endpoint, "/").await;
    assert_eq!(code, 200, "a retrying component is still running: {body}");
    assert!(body.contains("connection refused"));

    receiver.set(Status::PermanentError("boom".into()));
    let (code, body) = http_get(&endpoint, "/").await;
    assert_eq!(code, 503);
    assert!(body.contains("boom"));

    shutdown.cancel();
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_busy_port_is_reported_with_the_key_to_fix() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = holder.local_addr().unwrap().to_string();
    let registry = HealthRegistry::new();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let ctx = ExtensionContext {
        id: "health_check".parse().unwrap(),
        shutdown: CancellationToken::new(),
        health: registry.register(ComponentKind::Extension, "health_check".parse().unwrap()),
        health_registry: registry,
        telemetry: Default::default(),
        ready: Some(ready_tx),
    };
    let ext = HealthCheck { config: HealthCheckConfig { endpoint, ..Default::default() } };
    let result = Box::new(ext).run(ctx).await;
    assert!(result.is_err());
    let msg = ready_rx.await.unwrap().unwrap_err();
    assert!(msg.contains("extensions.health_check.endpoint"), "{msg}");
}

#[test]
fn config_validation_names_keys() {
    let f = HealthCheckFactory;
    f.validate(&serde_json::Value::Null).unwrap();
    let errs = f.validate(&serde_json::json!({"endpoint": "nohost"})).unwrap_err();
    assert_eq!(errs[0].path, "endpoint");
    let errs = f.validate(&serde_json::json!({"path": "health"})).unwrap_err();
    assert_eq!(errs[0].path, "path");
    let errs = f.validate(&serde_json::json!({"endpont": "x"})).unwrap_err();
    assert!(errs[0].message.contains("endpont"));
    assert_eq!(resolve_endpoint("localhost:13133").unwrap().to_string(), "127.0.0.1:13133");
}

#[tokio::test]
async fn contrib_response_bodies_replace_the_document() {
    let port = free_port();
    let endpoint = format!("127.0.0.1:{port}");
    let registry = HealthRegistry::new();
    let receiver = registry.register(ComponentKind::Receiver, "sqlquery".parse().unwrap());
    let shutdown = CancellationToken::new();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let ctx = ExtensionContext {
        id: "health_check".parse().unwrap(),
        shutdown: shutdown.clone(),
        health: registry.register(ComponentKind::Extension, "health_check".parse().unwrap()),
        health_registry: registry.clone(),
        telemetry: Default::default(),
        ready: Some(ready_tx),
    };
    let config: HealthCheckConfig = parse_component_config(&serde_json::json!({
        "endpoint": endpoint, "path": "/health",
        "response_body": {"healthy": "I'm OK", "unhealthy": "I'm not well"},
        "check_collector_pipeline": {"enabled": false},
    }))
    .unwrap();
    let task = tokio::spawn(Box::new(HealthCheck { config }).run(ctx));
    ready_rx.await.unwrap().unwrap();
    let (code, body) = http_get(&endpoint, "/health").await;
    assert_eq!((code, body.as_str()), (503, "I'm not well"));
    registry.register(ComponentKind::Extension, "health_check".parse().unwrap()).ok();
    receiver.ok();
    let (code, body) = http_get(&endpoint, "/health").await;
    assert_eq!((code, body.as_str()), (200, "I'm OK"));
    shutdown.cancel();
    task.await.unwrap().unwrap();
}
