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

/// A CA, a server certificate for 127.0.0.1 and a client certificate, written into `dir`:
/// (ca, server cert, server key, client cert, client key).
fn pki(dir: &std::path::Path) -> [std::path::PathBuf; 5] {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::from_params(&ca, &ca_key);
    let leaf = |names: Vec<String>| {
        let params = CertificateParams::new(names).unwrap();
        let key = KeyPair::generate().unwrap();
        (params.signed_by(&key, &issuer).unwrap().pem(), key.serialize_pem())
    };
    let (server, server_key) = leaf(vec!["127.0.0.1".into()]);
    let (client, client_key) = leaf(Vec::new());
    let files = [
        ("ca.pem", ca_pem),
        ("s.pem", server),
        ("s.key", server_key),
        ("c.pem", client),
        ("c.key", client_key),
    ];
    files.map(|(name, text)| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    })
}

/// GET over TLS (trusting `ca`, presenting `client` if given): status and body, or the error.
async fn https_get(
    addr: &str,
    path: &str,
    ca: &std::path::Path,
    client: Option<(&std::path::Path, &std::path::Path)>,
) -> Result<(u16, String), String> {
    let mut roots = rustls::RootCertStore::empty();
    for c in dbintel_tls::read_certs("ca_file", ca).unwrap() {
        roots.add(c).unwrap();
    }
    let builder = rustls::ClientConfig::builder_with_provider(dbintel_tls::provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = match client {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => builder
            .with_client_auth_cert(
                dbintel_tls::read_certs("cert_file", cert).unwrap(),
                dbintel_tls::read_private_key("key_file", key).unwrap(),
            )
            .unwrap(),
    };
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let mut tls = connector.connect(name, tcp).await.map_err(|e| e.to_string())?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    tls.write_all(req.as_bytes()).await.map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    tls.read_to_end(&mut buf).await.map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&buf).to_string();
    let code = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((code, body))
}

async fn start_with(
    config: serde_json::Value,
) -> (CancellationToken, tokio::task::JoinHandle<Result<(), ComponentError>>, Result<(), String>) {
    let config: HealthCheckConfig = parse_component_config(&config).unwrap();
    let registry = HealthRegistry::new();
    registry.register(ComponentKind::Receiver, "sqlquery".parse().unwrap()).ok();
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
    registry.register(ComponentKind::Extension, "health_check".parse().unwrap()).ok();
    let task = tokio::spawn(Box::new(HealthCheck { config }).run(ctx));
    let ready = ready_rx.await.unwrap();
    (shutdown, task, ready)
}

#[tokio::test]
async fn serves_https_and_requires_client_certificates_with_client_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    let [ca, cert, key, ccert, ckey] = pki(dir.path());
    let endpoint = format!("127.0.0.1:{}", free_port());
    let (shutdown, task, ready) = start_with(serde_json::json!({
        "endpoint": endpoint, "tls": {"cert_file": cert, "key_file": key, "reload_interval": "1m"},
    }))
    .await;
    ready.unwrap();
    let (code, body) = https_get(&endpoint, "/", &ca, None).await.unwrap();
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("Server available"), "{body}");
    // Plain HTTP on the TLS port gets no status.
    let plain = tokio::time::timeout(std::time::Duration::from_secs(5), http_get(&endpoint, "/")).await;
    assert!(!matches!(plain, Ok((200, _))), "plain HTTP must not be answered");
    shutdown.cancel();
    task.await.unwrap().unwrap();

    // Mutual TLS: without a client certificate the handshake (or the first read) fails.
    let endpoint = format!("127.0.0.1:{}", free_port());
    let (shutdown, task, ready) = start_with(serde_json::json!({
        "endpoint": endpoint, "tls": {"cert_file": cert, "key_file": key, "client_ca_file": ca},
    }))
    .await;
    ready.unwrap();
    assert!(https_get(&endpoint, "/", &ca, None).await.is_err());
    let (code, _) = https_get(&endpoint, "/", &ca, Some((&ccert, &ckey))).await.unwrap();
    assert_eq!(code, 200);
    shutdown.cancel();
    task.await.unwrap().unwrap();

    // A missing key file stops the start with the key named.
    let endpoint = format!("127.0.0.1:{}", free_port());
    let (_shutdown, task, ready) = start_with(serde_json::json!({
        "endpoint": endpoint, "tls": {"cert_file": cert, "key_file": dir.path().join("nope.key")},
    }))
    .await;
    let msg = ready.unwrap_err();
    assert!(msg.contains("extensions.health_check.tls.key_file"), "{msg}");
    assert!(task.await.unwrap().is_err());
}

#[tokio::test]
async fn cors_and_response_headers() {
    let endpoint = format!("127.0.0.1:{}", free_port());
    let (shutdown, task, ready) = start_with(serde_json::json!({
        "endpoint": endpoint,
        "cors": {"allowed_origins": ["https://*.example.com"], "allowed_headers": ["X-Custom"], "max_age": 600},
        "response_headers": {"X-Served-By": "dbintel"},
        "include_metadata": true, "max_request_body_size": 1024,
    }))
    .await;
    ready.unwrap();
    let raw = |req: String| {
        let endpoint = endpoint.clone();
        async move {
            let mut s = tokio::net::TcpStream::connect(&endpoint).await.unwrap();
            s.write_all(req.as_bytes()).await.unwrap();
            let mut buf = Vec::new();
            s.read_to_end(&mut buf).await.unwrap();
            String::from_utf8_lossy(&buf).to_ascii_lowercase()
        }
    };
    let allowed = raw(format!(
        "GET / HTTP/1.1\r\nHost: {endpoint}\r\nOrigin: https://grafana.example.com\r\nConnection: close\r\n\r\n"
    ))
    .await;
    assert!(allowed.starts_with("http/1.1 200"), "{allowed}");
    assert!(allowed.contains("access-control-allow-origin: https://grafana.example.com"), "{allowed}");
    assert!(allowed.contains("x-served-by: dbintel"), "{allowed}");
    let other = raw(format!(
        "GET / HTTP/1.1\r\nHost: {endpoint}\r\nOrigin: https://evil.org\r\nConnection: close\r\n\r\n"
    ))
    .await;
    assert!(!other.contains("access-control-allow-origin"), "{other}");
    let preflight = raw(format!(
        "OPTIONS / HTTP/1.1\r\nHost: {endpoint}\r\nOrigin: https://a.example.com\r\n\
         Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n"
    ))
    .await;
    assert!(preflight.starts_with("http/1.1 204"), "{preflight}");
    assert!(preflight.contains("access-control-allow-headers: x-custom"), "{preflight}");
    assert!(preflight.contains("access-control-max-age: 600"), "{preflight}");
    shutdown.cancel();
    task.await.unwrap().unwrap();
}

#[test]
fn collector_http_server_keys_validate_and_ignored_ones_are_named() {
    let f = HealthCheckFactory;
    let section = serde_json::json!({
        "endpoint": "0.0.0.0:13133", "path": "/health/status",
        "tls": {"cert_file": "/c.pem", "key_file": "/k.pem", "ca_file": "/ca.pem", "min_version": "1.3"},
        "cors": {"allowed_origins": ["*"]}, "include_metadata": true, "max_request_body_size": 20971520,
        "check_collector_pipeline": {"enabled": true, "interval": "5m", "exporter_failure_threshold": 5},
        "response_body": {"healthy": "ok"},
    });
    f.validate(&section).unwrap();
    let ignored = f.ignored_keys(&section);
    for key in ["check_collector_pipeline", "include_metadata", "tls.ca_file"] {
        assert!(ignored.iter().any(|p| p.path == key), "{key} not warned: {ignored:?}");
    }
    let errs = f
        .validate(&serde_json::json!({"tls": {"min_version": "1.1"}, "response_headers": {"bad name": "x"}}))
        .unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"tls.cert_file") && paths.contains(&"tls.key_file"), "{paths:?}");
    assert!(paths.contains(&"tls.min_version") && paths.contains(&"response_headers.bad name"), "{paths:?}");
}

#[test]
fn the_document_shows_this_replicas_share_when_sharded() {
    let registry = HealthRegistry::new();
    registry.register(ComponentKind::Extension, "health_check".parse().unwrap()).ok();
    let (_, doc) = status_document(&registry, now_unix_nanos());
    assert!(doc.get("sharding").is_none(), "{doc}");
    registry.set_sharding(dbintel_core::health::ShardingStatus {
        replicas: 3,
        ordinal: 1,
        owned: vec!["postgresql/fleet[app]".into(), "sqlquery/orders".into()],
    });
    let (code, doc) = status_document(&registry, now_unix_nanos());
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        doc["sharding"],
        serde_json::json!({"replicas": 3, "ordinal": 1, "owned": ["postgresql/fleet[app]", "sqlquery/orders"]})
    );
}

#[test]
fn every_confighttp_server_key_loads_and_auth_is_refused_with_the_way_out() {
    let f = HealthCheckFactory;
    let section = serde_json::json!({
        "endpoint": "localhost:13133", "transport": "tcp",
        "read_timeout": "10s", "read_header_timeout": "5s", "write_timeout": "30s", "idle_timeout": "2m",
        "keep_alives_enabled": true, "compression_algorithms": ["", "gzip", "zstd"],
        "max_request_body_size": 1048576, "include_metadata": false,
    });
    f.validate(&section).unwrap();
    let errs = f.validate(&serde_json::json!({"auth": {"authenticator": "basicauth/server"}})).unwrap_err();
    assert_eq!(errs[0].path, "auth");
    assert!(errs[0].message.contains("client_ca_file"), "{}", errs[0].message);
    let errs = f.validate(&serde_json::json!({"compression_algorithms": ["brotli"]})).unwrap_err();
    assert_eq!(errs[0].path, "compression_algorithms");
    let errs = f.validate(&serde_json::json!({"transport": "unix"})).unwrap_err();
    assert_eq!(errs[0].path, "transport");
}

#[tokio::test]
async fn keep_alives_and_idle_timeout_keys_reach_the_server() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let endpoint = format!("127.0.0.1:{}", free_port());
    let (shutdown, task, ready) =
        start_with(serde_json::json!({"endpoint": endpoint, "keep_alives_enabled": false})).await;
    ready.unwrap();
    let mut s = tokio::net::TcpStream::connect(&endpoint).await.unwrap();
    // HTTP/1.1 keeps the connection by default; the key makes the server close it.
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut buf))
        .await
        .expect("the server closes the connection")
        .unwrap();
    let text = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 200") && text.contains("connection: close"), "{text}");
    shutdown.cancel();
    task.await.unwrap().unwrap();

    let endpoint = format!("127.0.0.1:{}", free_port());
    let (shutdown, task, ready) =
        start_with(serde_json::json!({"endpoint": endpoint, "idle_timeout": "200ms"})).await;
    ready.unwrap();
    let mut s = tokio::net::TcpStream::connect(&endpoint).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    // Kept alive, then closed once idle for 200 ms: read_to_end ends.
    tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut buf))
        .await
        .expect("the idle connection is closed")
        .unwrap();
    let text = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 200") && !text.contains("connection: close"), "{text}");
    shutdown.cancel();
    task.await.unwrap().unwrap();
}

/// contrib's healthcheckextension testdata `health_check/invalidthreshold`: refused, as the
/// Collector refuses it, although `check_collector_pipeline` is otherwise only warned about.
#[test]
fn a_non_positive_exporter_failure_threshold_is_refused() {
    let f = HealthCheckFactory;
    let section = serde_json::json!({"endpoint": "localhost:13",
        "check_collector_pipeline": {"enabled": false, "interval": "5m", "exporter_failure_threshold": -1}});
    let p = f.validate(&section).unwrap_err();
    assert_eq!(p[0].path, "check_collector_pipeline.exporter_failure_threshold");
    let ok = serde_json::json!({"check_collector_pipeline": {"exporter_failure_threshold": 5}});
    f.validate(&ok).unwrap();
}
