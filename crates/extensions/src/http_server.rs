//! What the HTTP extensions (`health_check`, `zpages`, `pprof`) share: binding the endpoint,
//! reporting readiness (or the bind error) to the runtime, and the Collector's confighttp server
//! keys (`tls`, `cors`, `response_headers`) applied to every response.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dbintel_core::component::{ComponentError, ConfigProblem, ExtensionContext};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use crate::health_check::resolve_endpoint;

/// Binds `endpoint` (`host:port`, `localhost:port`, `:port`) and reports a failure through
/// `ctx.ready`, so the service does not start with the extension's port taken. Readiness itself is
/// reported by the caller once it serves.
pub async fn bind(endpoint: &str, ctx: &mut ExtensionContext) -> Result<TcpListener, ComponentError> {
    let fail = |ctx: &mut ExtensionContext, msg: String| {
        if let Some(ready) = ctx.ready.take() {
            let _ = ready.send(Err(msg.clone()));
        }
        ComponentError::Failed(msg)
    };
    let addr = match resolve_endpoint(endpoint) {
        Ok(a) => a,
        Err(e) => return Err(fail(ctx, format!("`extensions.{}.endpoint`: {e}", ctx.id))),
    };
    match TcpListener::bind(addr).await {
        Ok(l) => Ok(l),
        Err(e) => {
            let msg = format!(
                "cannot listen on {} (`extensions.{}.endpoint`): {e}; choose a free port",
                crate::health_check::shown_address(endpoint),
                ctx.id
            );
            Err(fail(ctx, msg))
        }
    }
}

/// Reads the certificates of `options.tls` before readiness, so a bad file stops the service from
/// starting with an error naming the key.
pub fn check_tls(options: &ServerOptions, ctx: &mut ExtensionContext) -> Result<(), ComponentError> {
    let Some(tls) = &options.tls else { return Ok(()) };
    match tls.server_config() {
        Ok(_) => Ok(()),
        Err(e) => {
            let msg = format!("extensions.{}.{e}", ctx.id);
            if let Some(ready) = ctx.ready.take() {
                let _ = ready.send(Err(msg.clone()));
            }
            Err(ComponentError::Failed(msg))
        }
    }
}

/// Reports readiness to the runtime (the port is bound and the server is about to serve).
pub fn ready(ctx: &mut ExtensionContext) {
    if let Some(ready) = ctx.ready.take() {
        let _ = ready.send(Ok(()));
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[test]
fn html_escape_escapes_markup() {
    assert_eq!(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

// ---------------------------------------------------------------------------------------------
// The Collector's confighttp server keys: `tls`, `cors`, `response_headers`.

/// `tls` of an HTTP server (the Collector's `configtls.ServerConfig` keys): the server presents
/// `cert_file`/`key_file`; with `client_ca_file` it also requires client certificates signed by it.
#[derive(Clone, PartialEq, Eq, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ServerTlsConfig {
    /// PEM certificate chain the server presents (with `key_file` or `key_pem`).
    pub cert_file: Option<PathBuf>,
    /// Inline PEM certificate chain, instead of `cert_file`.
    pub cert_pem: Option<String>,
    /// PEM private key of the certificate.
    pub key_file: Option<PathBuf>,
    /// Inline PEM private key (a secret: never shown by `Debug` or in messages).
    pub key_pem: Option<String>,
    /// PEM CA certificates: clients must present a certificate signed by one (mutual TLS).
    pub client_ca_file: Option<PathBuf>,
    /// Lowest TLS version: `"1.2"` (default) or `"1.3"`.
    pub min_version: Option<String>,
    /// Highest TLS version: `"1.2"` or `"1.3"` (default).
    pub max_version: Option<String>,
    /// Client-side key in the Collector's shared TLS block; a server has nothing to verify with it
    /// (use `client_ca_file`). Accepted and ignored.
    pub ca_file: Option<PathBuf>,
    /// Accepted and ignored: certificates are read once, at start.
    pub reload_interval: Option<dbintel_core::GoDuration>,
    /// Accepted and ignored: rustls' own cipher suite selection (secure ones only) is used.
    pub cipher_suites: Option<Vec<String>>,
    /// Accepted and ignored (client-side key of the shared TLS block).
    pub include_system_ca_certs_pool: Option<bool>,
}

impl std::fmt::Debug for ServerTlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTlsConfig")
            .field("cert_file", &self.cert_file)
            .field("key_file", &self.key_file)
            .field("key_pem", &self.key_pem.as_ref().map(|_| "***"))
            .field("client_ca_file", &self.client_ca_file)
            .finish_non_exhaustive()
    }
}

impl ServerTlsConfig {
    /// Problems found without reading files, with paths under `tls`.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.cert_file.is_none() && self.cert_pem.is_none() {
            p.push(ConfigProblem::new(
                "tls.cert_file",
                "a TLS server needs a certificate (`cert_file` or `cert_pem`)",
            ));
        }
        if self.key_file.is_none() && self.key_pem.is_none() {
            p.push(ConfigProblem::new(
                "tls.key_file",
                "a TLS server needs a private key (`key_file` or `key_pem`)",
            ));
        }
        if let Err(e) = self.protocol_versions() {
            p.push(ConfigProblem::new("tls.min_version", e));
        }
        p
    }

    fn protocol_versions(&self) -> Result<&'static [&'static rustls::SupportedProtocolVersion], String> {
        let client = dbintel_tls::TlsClientConfig {
            min_version: self.min_version.clone(),
            max_version: self.max_version.clone(),
            ..Default::default()
        };
        client.protocol_versions().map_err(|e| e.to_string())
    }

    /// The rustls server config (reads the files).
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, String> {
        use dbintel_tls::{parse_certs, parse_private_key, read_certs, read_private_key};
        let certs = match (&self.cert_file, &self.cert_pem) {
            (Some(f), _) => read_certs("cert_file", f),
            (None, Some(pem)) => parse_certs("cert_pem", pem),
            (None, None) => return Err("tls.cert_file: a TLS server needs a certificate".into()),
        }
        .map_err(|e| e.to_string())?;
        let key = match (&self.key_file, &self.key_pem) {
            (Some(f), _) => read_private_key("key_file", f),
            (None, Some(pem)) => parse_private_key("key_pem", pem),
            (None, None) => return Err("tls.key_file: a TLS server needs a private key".into()),
        }
        .map_err(|e| e.to_string())?;
        let provider = dbintel_tls::provider();
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(self.protocol_versions()?)
            .map_err(|e| format!("tls: {e}"))?;
        let builder = match &self.client_ca_file {
            None => builder.with_no_client_auth(),
            Some(f) => {
                let mut roots = rustls::RootCertStore::empty();
                for c in read_certs("client_ca_file", f).map_err(|e| e.to_string())? {
                    roots.add(c).map_err(|e| format!("tls.client_ca_file `{}`: {e}", f.display()))?;
                }
                let verifier =
                    rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                        .build()
                        .map_err(|e| format!("tls.client_ca_file `{}`: {e}", f.display()))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder
            .with_single_cert(certs, key)
            .map_err(|e| format!("tls: certificate and key do not fit: {e}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// `cors` of an HTTP server (the Collector's keys): browsers on `allowed_origins` may read the
/// responses.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CorsConfig {
    /// Origins allowed to read responses (`https://example.com`, `https://*.example.com`, or `*`).
    pub allowed_origins: Vec<String>,
    /// Request headers a preflight may ask for, besides the CORS-safelisted ones.
    pub allowed_headers: Vec<String>,
    /// Seconds a browser may cache a preflight answer (none: the browser's default).
    pub max_age: Option<u32>,
}

impl CorsConfig {
    /// Whether `origin` matches one of `allowed_origins` (a `*` in a pattern matches any text).
    pub fn allows(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|p| wildcard_match(p, origin))
    }
}

fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// What an HTTP extension's server applies to every response.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    pub tls: Option<ServerTlsConfig>,
    pub cors: Option<CorsConfig>,
    /// Headers added to every response (`response_headers`).
    pub response_headers: BTreeMap<String, String>,
}

/// Problems of `response_headers` (names and values must be valid HTTP).
pub fn response_header_problems(headers: &BTreeMap<String, String>) -> Vec<ConfigProblem> {
    headers
        .iter()
        .filter(|(k, v)| {
            axum::http::HeaderName::from_bytes(k.as_bytes()).is_err()
                || axum::http::HeaderValue::from_str(v).is_err()
        })
        .map(|(k, _)| {
            ConfigProblem::new(format!("response_headers.{k}"), "not a valid HTTP header name and value")
        })
        .collect()
}

async fn apply_options(State(options): State<Arc<ServerOptions>>, request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_string);
    let allowed = match (&options.cors, &origin) {
        (Some(cors), Some(o)) if cors.allows(o) => Some((cors, o.clone())),
        _ => None,
    };
    let preflight = request.method() == Method::OPTIONS
        && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight && options.cors.is_some() {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    for (k, v) in &options.response_headers {
        if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(v)) {
            h.insert(k, v);
        }
    }
    if let Some((cors, origin)) = allowed
        && let Ok(v) = HeaderValue::from_str(&origin)
    {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        h.append(header::VARY, HeaderValue::from_static("Origin"));
        if preflight {
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, HEAD, OPTIONS"));
            if !cors.allowed_headers.is_empty()
                && let Ok(v) = HeaderValue::from_str(&cors.allowed_headers.join(", "))
            {
                h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, v);
            }
            if let Some(age) = cors.max_age {
                h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(age));
            }
        }
    }
    response
}

/// Longest a client may take for its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshakes in progress at once; further connections wait to be accepted.
const MAX_HANDSHAKES: usize = 128;

/// A listener whose connections completed a TLS handshake. Handshakes run in their own tasks, so a
/// slow or broken client never holds up the others; failures are logged at debug level.
struct TlsListener {
    rx: tokio::sync::mpsc::Receiver<(tokio_rustls::server::TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    _acceptor_task: AbortOnDrop,
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl TlsListener {
    fn new(listener: TcpListener, config: Arc<rustls::ServerConfig>) -> std::io::Result<Self> {
        let local = listener.local_addr()?;
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        let (tx, rx) = tokio::sync::mpsc::channel(64);
        let handshakes = Arc::new(tokio::sync::Semaphore::new(MAX_HANDSHAKES));
        let task = tokio::spawn(async move {
            loop {
                let Ok(permit) = handshakes.clone().acquire_owned().await else { return };
                let (tcp, peer) = match listener.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::debug!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let result = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await;
                    drop(permit);
                    match result {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(Self { rx, local, _acceptor_task: AbortOnDrop(task) })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.rx.recv().await {
            Some(c) => c,
            // The acceptor task never ends on its own; if it did, serve nothing more.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// Serves `app` on `listener` with `options` (TLS, CORS, response headers) until `shutdown`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServerOptions,
    shutdown: CancellationToken,
) -> Result<(), String> {
    let tls = match &options.tls {
        Some(t) => Some(t.server_config()?),
        None => None,
    };
    let options = Arc::new(options);
    let app = app.layer(axum::middleware::from_fn_with_state(options, apply_options));
    let stop = async move { shutdown.cancelled().await };
    match tls {
        None => axum::serve(listener, app).with_graceful_shutdown(stop).await.map_err(|e| e.to_string()),
        Some(config) => {
            let listener = TlsListener::new(listener, config).map_err(|e| e.to_string())?;
            axum::serve(listener, app).with_graceful_shutdown(stop).await.map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
#[test]
fn cors_origin_patterns() {
    let cors = CorsConfig {
        allowed_origins: vec!["https://*.example.com".into(), "http://localhost:3000".into()],
        ..Default::default()
    };
    assert!(cors.allows("https://grafana.example.com"));
    assert!(cors.allows("http://localhost:3000"));
    assert!(!cors.allows("https://example.org"));
    assert!(!cors.allows("http://grafana.example.com"));
    assert!(CorsConfig { allowed_origins: vec!["*".into()], ..Default::default() }.allows("http://x"));
}
