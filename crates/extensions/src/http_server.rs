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

/// What an HTTP extension's server applies to every connection and response.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    pub tls: Option<ServerTlsConfig>,
    pub cors: Option<CorsConfig>,
    /// Headers added to every response (`response_headers`).
    pub response_headers: BTreeMap<String, String>,
    /// Timeouts, keep-alives, request body size and accepted encodings.
    pub limits: ServerLimits,
}

// ---------------------------------------------------------------------------------------------
// The rest of confighttp's server keys: `auth`, `transport`, the four timeouts, keep-alives,
// `max_request_body_size`, `compression_algorithms`, `middlewares`.

/// `auth` of an HTTP server, as the Collector writes it: the ID of an authenticator extension.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ServerAuthConfig {
    /// ID of an authenticator extension (`basicauth`, `bearertokenauth`, `oidc`, ...).
    pub authenticator: Option<String>,
    /// Request parameters handed to the authenticator.
    pub request_params: Vec<String>,
}

/// The Collector's default `max_request_body_size`: 20 MiB.
pub const DEFAULT_MAX_REQUEST_BODY_SIZE: u64 = 20 * 1024 * 1024;

/// The `Content-Encoding`s confighttp accepts by default (`""` is a body without one).
pub const DEFAULT_COMPRESSION_ALGORITHMS: [&str; 8] =
    ["", "gzip", "zstd", "zlib", "snappy", "deflate", "lz4", "x-snappy-framed"];

/// What an HTTP server does per connection and request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLimits {
    /// Longest time for a whole request; also the header and idle timeout when those are unset.
    pub read_timeout: Option<Duration>,
    /// Longest time to receive a request's headers (and to wait for the first request).
    pub read_header_timeout: Option<Duration>,
    /// Longest time from a request's headers to the end of its response.
    pub write_timeout: Option<Duration>,
    /// Longest a kept-alive connection waits for its next request.
    pub idle_timeout: Option<Duration>,
    /// Keep connections open between requests.
    pub keep_alives: bool,
    /// Largest request body accepted (413 above it); `None`: no limit.
    pub max_request_body_size: Option<u64>,
    /// `Content-Encoding`s accepted (400 otherwise); empty: any.
    pub compression_algorithms: Vec<String>,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self::confighttp()
    }
}

impl ServerLimits {
    /// confighttp's `NewDefaultServerConfig`: write 30s, read header 1m, idle 1m, keep-alives on,
    /// 20 MiB bodies, the default encodings.
    pub fn confighttp() -> Self {
        Self {
            read_timeout: None,
            read_header_timeout: Some(Duration::from_secs(60)),
            write_timeout: Some(Duration::from_secs(30)),
            idle_timeout: Some(Duration::from_secs(60)),
            keep_alives: true,
            max_request_body_size: Some(DEFAULT_MAX_REQUEST_BODY_SIZE),
            compression_algorithms: DEFAULT_COMPRESSION_ALGORITHMS.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A plain Go `http.Server` (the Collector's `pprof`): no timeouts.
    pub fn unbounded() -> Self {
        Self { read_header_timeout: None, write_timeout: None, idle_timeout: None, ..Self::confighttp() }
    }

    /// Go's rule: a zero header timeout falls back to `read_timeout`.
    fn header_timeout(&self) -> Option<Duration> {
        self.read_header_timeout.or(self.read_timeout)
    }

    /// Go's rule: a zero idle timeout falls back to `read_timeout`.
    fn idle(&self) -> Option<Duration> {
        self.idle_timeout.or(self.read_timeout)
    }
}

/// The [`ServerKeys`] of an extension config that has the confighttp server fields (`health_check`,
/// `zpages`, `pprof`). The fields are declared in each config rather than in one flattened struct
/// because serde cannot combine `#[serde(flatten)]` with `deny_unknown_fields`, and a misspelt key
/// must stay an error.
#[macro_export]
macro_rules! server_keys_of {
    ($config:expr) => {
        $crate::http_server::ServerKeys {
            auth: $config.auth.as_ref(),
            transport: $config.transport.as_deref(),
            read_timeout: $config.read_timeout,
            read_header_timeout: $config.read_header_timeout,
            write_timeout: $config.write_timeout,
            idle_timeout: $config.idle_timeout,
            keep_alives_enabled: $config.keep_alives_enabled,
            max_request_body_size: $config.max_request_body_size,
            compression_algorithms: $config.compression_algorithms.as_deref(),
            middlewares: $config.middlewares.as_ref(),
        }
    };
}

/// confighttp's connection keys as a config holds them (each HTTP extension's config has these
/// fields at its top level, as the Collector squashes `confighttp.ServerConfig` into it).
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerKeys<'a> {
    pub auth: Option<&'a ServerAuthConfig>,
    pub transport: Option<&'a str>,
    pub read_timeout: Option<dbintel_core::GoDuration>,
    pub read_header_timeout: Option<dbintel_core::GoDuration>,
    pub write_timeout: Option<dbintel_core::GoDuration>,
    pub idle_timeout: Option<dbintel_core::GoDuration>,
    pub keep_alives_enabled: Option<bool>,
    pub max_request_body_size: Option<i64>,
    pub compression_algorithms: Option<&'a [String]>,
    pub middlewares: Option<&'a serde_json::Value>,
}

impl ServerKeys<'_> {
    /// Problems of the keys (paths relative to the extension).
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.auth.is_some() {
            p.push(ConfigProblem::new(
                "auth",
                "dbintel has no authenticator extensions (`basicauth`, `bearertokenauth`, `oidc`, ...) \
                 for an `auth` block to name; require client certificates with `tls.client_ca_file` \
                 (mutual TLS), or keep the endpoint on localhost",
            ));
        }
        if let Some(t) = self.transport {
            match t {
                "tcp" | "tcp4" | "tcp6" => {}
                "unix" => p.push(ConfigProblem::new(
                    "transport",
                    "the HTTP extensions listen on TCP only; remove `transport: unix`",
                )),
                other => p.push(ConfigProblem::new(
                    "transport",
                    format!("`{other}` is not a transport for an HTTP server: use `tcp`, `tcp4` or `tcp6`"),
                )),
            }
        }
        if let Some(m) = self.middlewares
            && !m.is_null()
            && m.as_array().is_none_or(|a| !a.is_empty())
        {
            p.push(ConfigProblem::new(
                "middlewares",
                "dbintel has no middleware extensions for `middlewares` to name; remove the key",
            ));
        }
        for alg in self.compression_algorithms.unwrap_or_default() {
            if !DEFAULT_COMPRESSION_ALGORITHMS.contains(&alg.as_str()) {
                p.push(ConfigProblem::new(
                    "compression_algorithms",
                    format!(
                        "`{alg}` is not a compression the Collector knows: use {}",
                        DEFAULT_COMPRESSION_ALGORITHMS
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        p
    }

    /// The limits the server applies: given keys over `defaults`; a zero timeout is none (Go's
    /// rule), as is a `max_request_body_size` of zero or less (then the 20 MiB default applies, as
    /// in confighttp).
    pub fn limits(&self, defaults: ServerLimits) -> ServerLimits {
        let timeout = |key: Option<dbintel_core::GoDuration>, default: Option<Duration>| match key {
            Some(d) if d.get().is_zero() => None,
            Some(d) => Some(d.get()),
            None => default,
        };
        ServerLimits {
            read_timeout: timeout(self.read_timeout, defaults.read_timeout),
            read_header_timeout: timeout(self.read_header_timeout, defaults.read_header_timeout),
            write_timeout: timeout(self.write_timeout, defaults.write_timeout),
            idle_timeout: timeout(self.idle_timeout, defaults.idle_timeout),
            keep_alives: self.keep_alives_enabled.unwrap_or(defaults.keep_alives),
            max_request_body_size: match self.max_request_body_size {
                Some(n) if n > 0 => Some(n as u64),
                _ => defaults.max_request_body_size,
            },
            compression_algorithms: match self.compression_algorithms {
                Some(list) => list.to_vec(),
                None => defaults.compression_algorithms,
            },
        }
    }
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

/// confighttp's request checks: an encoding outside `compression_algorithms` is answered 400 (as
/// its decompressor does), a declared body above `max_request_body_size` 413.
fn refuse_request(limits: &ServerLimits, request: &Request) -> Option<Response> {
    if !limits.compression_algorithms.is_empty() {
        let encoding = match request.headers().get(header::CONTENT_ENCODING) {
            None => "",
            Some(v) => v.to_str().unwrap_or("\u{fffd}"),
        };
        if !limits.compression_algorithms.iter().any(|a| a == encoding) {
            let shown: String = encoding.chars().take(64).collect();
            return Some(
                (StatusCode::BAD_REQUEST, format!("unsupported Content-Encoding: {shown}\n")).into_response(),
            );
        }
    }
    if let Some(max) = limits.max_request_body_size {
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > max) {
            return Some(
                (StatusCode::PAYLOAD_TOO_LARGE, format!("request body larger than {max} bytes\n"))
                    .into_response(),
            );
        }
    }
    None
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
    } else if let Some(refused) = refuse_request(&options.limits, &request) {
        refused
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
/// slow or broken client never holds up the others; failures are logged at debug level. Also
/// serves the `prometheus` exporter's `tls`.
pub struct TlsListener {
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
    /// Accepts on `listener`, handing on the connections whose handshake with `config` completed.
    pub fn new(listener: TcpListener, config: Arc<rustls::ServerConfig>) -> std::io::Result<Self> {
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

/// Serves `app` on `listener` with `options` (TLS, CORS, response headers, timeouts, keep-alives,
/// request checks) until `shutdown`; then closes idle connections and lets busy ones finish.
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
    let limits = options.limits.clone();
    let options = Arc::new(options);
    let app = app.layer(axum::middleware::from_fn_with_state(options, apply_options));
    match tls {
        None => serve_connections(listener, app, limits, shutdown).await,
        Some(config) => {
            let listener = TlsListener::new(listener, config).map_err(|e| e.to_string())?;
            serve_connections(listener, app, limits, shutdown).await
        }
    }
}

/// Accepts connections until `shutdown` and serves each with hyper's HTTP/1.1 connection under
/// `limits`: the header timeout is hyper's (it also runs while a connection waits for its next
/// request); the read, write and idle deadlines are [`DeadlineIo`]'s.
async fn serve_connections<L>(
    mut listener: L,
    app: Router,
    limits: ServerLimits,
    shutdown: CancellationToken,
) -> Result<(), String>
where
    L: axum::serve::Listener,
    L::Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let mut connections = tokio::task::JoinSet::new();
    let limits = Arc::new(limits);
    loop {
        let (io, _peer) = tokio::select! {
            c = listener.accept() => c,
            // Finished connections are reaped as they end, so the set holds live ones only.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            () = shutdown.cancelled() => break,
        };
        let deadlines = Arc::new(std::sync::Mutex::new(Deadlines::default()));
        let io = hyper_util::rt::TokioIo::new(DeadlineIo::new(io, deadlines.clone(), limits.idle()));
        let (app, limits, stop) = (app.clone(), limits.clone(), shutdown.clone());
        connections.spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(hyper_util::rt::TokioTimer::new())
                .keep_alive(limits.keep_alives)
                .header_read_timeout(limits.header_timeout());
            let service =
                hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    handle(app.clone(), limits.clone(), deadlines.clone(), request)
                });
            let conn = http.serve_connection(io, service);
            tokio::pin!(conn);
            let result = tokio::select! {
                r = conn.as_mut() => r,
                () = stop.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, "HTTP connection ended with an error");
            }
        });
    }
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// A request's handling: the read and write deadlines start when its headers are in; a handler
/// still working at the write deadline ends the connection (the client sees it close, as a Go
/// server's write timeout does); the idle clock starts when the response body has been sent.
async fn handle(
    mut app: Router,
    limits: Arc<ServerLimits>,
    deadlines: Arc<std::sync::Mutex<Deadlines>>,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<Response, TimedOut> {
    let now = tokio::time::Instant::now();
    if let Ok(mut d) = deadlines.lock() {
        d.read = limits.read_timeout.map(|t| now + t);
        d.write = limits.write_timeout.map(|t| now + t);
        d.idle_since = None;
    }
    let request = request.map(axum::body::Body::new);
    let response = tower_service::Service::call(&mut app, request);
    let response = match limits.write_timeout {
        Some(t) => match tokio::time::timeout(t, response).await {
            Ok(r) => r,
            Err(_) => return Err(TimedOut),
        },
        None => response.await,
    };
    let response = match response {
        Ok(r) => r,
        Err(never) => match never {},
    };
    Ok(response.map(|body| axum::body::Body::new(IdleWhenSent { inner: body, deadlines })))
}

/// A handler outlived `write_timeout`: hyper closes the connection.
#[derive(Debug)]
struct TimedOut;

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the response was not ready within write_timeout")
    }
}

impl std::error::Error for TimedOut {}

/// The deadlines of one connection, set per request.
#[derive(Debug, Default)]
struct Deadlines {
    /// Reads of the current request end here (`read_timeout`).
    read: Option<tokio::time::Instant>,
    /// Writes of the current response end here (`write_timeout`).
    write: Option<tokio::time::Instant>,
    /// The last response was sent at this instant and no request has come since.
    idle_since: Option<tokio::time::Instant>,
}

/// A response body that, once sent (dropped by hyper), starts the connection's idle clock and
/// ends the request's read deadline.
struct IdleWhenSent {
    inner: axum::body::Body,
    deadlines: Arc<std::sync::Mutex<Deadlines>>,
}

impl Drop for IdleWhenSent {
    fn drop(&mut self) {
        if let Ok(mut d) = self.deadlines.lock() {
            d.read = None;
            d.idle_since = Some(tokio::time::Instant::now());
        }
    }
}

impl http_body::Body for IdleWhenSent {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// A connection's socket under its [`Deadlines`]: a read past the request's read deadline or a
/// write past the response's write deadline fails with `TimedOut`; a read that waits for the next
/// request longer than `idle` ends the connection as if the client had closed it.
struct DeadlineIo<T> {
    inner: T,
    deadlines: Arc<std::sync::Mutex<Deadlines>>,
    idle: Option<Duration>,
    read_timer: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
    write_timer: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

enum Expiry {
    /// The request's read deadline: an error.
    Read(tokio::time::Instant),
    /// The idle timeout: the end of the connection.
    Idle(tokio::time::Instant),
}

impl<T> DeadlineIo<T> {
    fn new(inner: T, deadlines: Arc<std::sync::Mutex<Deadlines>>, idle: Option<Duration>) -> Self {
        Self { inner, deadlines, idle, read_timer: None, write_timer: None }
    }

    fn read_expiry(&self) -> Option<Expiry> {
        let d = self.deadlines.lock().ok()?;
        if let Some(at) = d.read {
            return Some(Expiry::Read(at));
        }
        match (d.idle_since, self.idle) {
            (Some(since), Some(idle)) => Some(Expiry::Idle(since + idle)),
            _ => None,
        }
    }

    fn write_deadline(&self) -> Option<tokio::time::Instant> {
        self.deadlines.lock().ok()?.write
    }
}

/// Polls `timer` (set to `at`) after the socket answered pending; ready once `at` has passed.
fn expired(
    timer: &mut Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
    at: tokio::time::Instant,
    cx: &mut std::task::Context<'_>,
) -> bool {
    use std::future::Future as _;
    let t = timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
    if t.deadline() != at {
        t.as_mut().reset(at);
    }
    t.as_mut().poll(cx).is_ready()
}

fn timed_out(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, format!("{what} deadline passed"))
}

impl<T: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for DeadlineIo<T> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::task::Poll;
        let expiry = self.read_expiry();
        let now = tokio::time::Instant::now();
        match expiry {
            Some(Expiry::Read(at)) if now >= at => return Poll::Ready(Err(timed_out("read"))),
            Some(Expiry::Idle(at)) if now >= at => return Poll::Ready(Ok(())),
            _ => {}
        }
        let this = &mut *self;
        match std::pin::Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(r) => Poll::Ready(r),
            Poll::Pending => match expiry {
                Some(Expiry::Read(at)) if expired(&mut this.read_timer, at, cx) => {
                    Poll::Ready(Err(timed_out("read")))
                }
                // Nothing read: hyper takes it as the client closing an idle connection.
                Some(Expiry::Idle(at)) if expired(&mut this.read_timer, at, cx) => Poll::Ready(Ok(())),
                _ => Poll::Pending,
            },
        }
    }
}

impl<T: tokio::io::AsyncWrite + Unpin> DeadlineIo<T> {
    fn poll_bounded<R>(
        &mut self,
        cx: &mut std::task::Context<'_>,
        op: impl FnOnce(std::pin::Pin<&mut T>, &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<R>>,
    ) -> std::task::Poll<std::io::Result<R>> {
        use std::task::Poll;
        let deadline = self.write_deadline();
        if deadline.is_some_and(|at| tokio::time::Instant::now() >= at) {
            return Poll::Ready(Err(timed_out("write")));
        }
        match op(std::pin::Pin::new(&mut self.inner), cx) {
            Poll::Ready(r) => Poll::Ready(r),
            Poll::Pending => match deadline {
                Some(at) if expired(&mut self.write_timer, at, cx) => Poll::Ready(Err(timed_out("write"))),
                _ => Poll::Pending,
            },
        }
    }
}

impl<T: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for DeadlineIo<T> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.poll_bounded(cx, |io, cx| io.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.poll_bounded(cx, |io, cx| io.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.poll_bounded(cx, |io, cx| io.poll_flush(cx))
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
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

#[cfg(test)]
mod limit_tests {
    //! The confighttp connection keys against a real server and raw sockets.

    use super::*;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Serves a fast `/` and a `/slow` that answers after 3 s, under `limits`.
    async fn start(limits: ServerLimits) -> (String, CancellationToken, tokio::task::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let app = Router::new().route("/", get(|| async { "ok" })).route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "late"
            }),
        );
        let stop = CancellationToken::new();
        let options = ServerOptions { limits, ..Default::default() };
        let token = stop.clone();
        let task = tokio::spawn(async move {
            serve(listener, app, options, token).await.expect("serve");
        });
        (addr, stop, task)
    }

    /// Reads one response (headers and a `content-length` body) from a kept-alive connection.
    async fn read_response(s: &mut tokio::net::TcpStream) -> String {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut chunk))
                .await
                .expect("a response within 10 s")
                .expect("read");
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                    })
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= len {
                    return text;
                }
            }
        }
        String::from_utf8_lossy(&buf).to_string()
    }

    /// Whether the server closed the connection: a read returns end of stream (or a reset) within
    /// `within`; `false` when the read is still waiting then.
    async fn closed_within(s: &mut tokio::net::TcpStream, within: Duration) -> bool {
        let mut chunk = [0u8; 64];
        match tokio::time::timeout(within, s.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => true,
            Ok(Ok(n)) => panic!("unexpected bytes: {:?}", String::from_utf8_lossy(&chunk[..n])),
            Err(_) => false,
        }
    }

    const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n";

    #[tokio::test]
    async fn idle_timeout_closes_a_kept_alive_connection_and_only_then() {
        let limits =
            ServerLimits { idle_timeout: Some(Duration::from_millis(300)), ..ServerLimits::confighttp() };
        let (addr, stop, task) = start(limits).await;
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(GET).await.unwrap();
        assert!(read_response(&mut s).await.starts_with("HTTP/1.1 200"));
        assert!(closed_within(&mut s, Duration::from_secs(10)).await, "idle connection closed");

        // The default (1 minute) keeps it open.
        let (addr2, stop2, task2) = start(ServerLimits::confighttp()).await;
        let mut s = tokio::net::TcpStream::connect(&addr2).await.unwrap();
        s.write_all(GET).await.unwrap();
        assert!(read_response(&mut s).await.starts_with("HTTP/1.1 200"));
        assert!(!closed_within(&mut s, Duration::from_secs(1)).await, "kept alive under the default");
        // ... and serves the next request on it.
        s.write_all(GET).await.unwrap();
        assert!(read_response(&mut s).await.starts_with("HTTP/1.1 200"));
        stop.cancel();
        stop2.cancel();
        task.await.unwrap();
        task2.await.unwrap();
    }

    #[tokio::test]
    async fn read_header_timeout_closes_a_client_that_stalls_in_its_headers() {
        let limits = ServerLimits {
            read_header_timeout: Some(Duration::from_millis(300)),
            ..ServerLimits::confighttp()
        };
        let (addr, stop, task) = start(limits).await;
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n").await.unwrap();
        let mut buf = Vec::new();
        let r = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
        assert!(r.is_ok(), "the server ended the connection");
        let text = String::from_utf8_lossy(&buf);
        // hyper closes the connection, or answers 408 first.
        assert!(text.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");
        // `read_timeout` stands in when `read_header_timeout` is unset (Go's rule).
        let limits = ServerLimits {
            read_header_timeout: None,
            read_timeout: Some(Duration::from_millis(300)),
            ..ServerLimits::confighttp()
        };
        let (addr2, stop2, task2) = start(limits).await;
        let mut s = tokio::net::TcpStream::connect(&addr2).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        let mut buf = Vec::new();
        let r = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
        assert!(r.is_ok(), "read_timeout also bounds the headers");
        stop.cancel();
        stop2.cancel();
        task.await.unwrap();
        task2.await.unwrap();
    }

    #[tokio::test]
    async fn write_timeout_ends_a_response_that_is_late() {
        let limits =
            ServerLimits { write_timeout: Some(Duration::from_millis(300)), ..ServerLimits::confighttp() };
        let (addr, stop, task) = start(limits).await;
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n").await.unwrap();
        let mut buf = Vec::new();
        let r = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
        assert!(r.is_ok(), "the connection ended");
        assert!(!String::from_utf8_lossy(&buf).contains("late"), "no response past write_timeout");
        // Without a write timeout the slow answer arrives.
        let (addr2, stop2, task2) = start(ServerLimits::unbounded()).await;
        let mut s = tokio::net::TcpStream::connect(&addr2).await.unwrap();
        s.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n").await.unwrap();
        assert!(read_response(&mut s).await.ends_with("late"));
        stop.cancel();
        stop2.cancel();
        task.await.unwrap();
        task2.await.unwrap();
    }

    #[tokio::test]
    async fn keep_alives_off_closes_after_each_response() {
        let limits = ServerLimits { keep_alives: false, ..ServerLimits::confighttp() };
        let (addr, stop, task) = start(limits).await;
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(GET).await.unwrap();
        let response = read_response(&mut s).await;
        assert!(response.to_ascii_lowercase().contains("connection: close"), "{response}");
        assert!(closed_within(&mut s, Duration::from_secs(10)).await);
        stop.cancel();
        task.await.unwrap();
    }

    async fn status_of(addr: &str, request: &str) -> String {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(request.as_bytes()).await.unwrap();
        let r = read_response(&mut s).await;
        r.lines().next().unwrap_or_default().to_string()
    }

    #[tokio::test]
    async fn encodings_and_body_size_are_checked_as_confighttp_does() {
        let limits = ServerLimits { max_request_body_size: Some(16), ..ServerLimits::confighttp() };
        let (addr, stop, task) = start(limits).await;
        let with = |headers: &str, body: &str| {
            format!("POST / HTTP/1.1\r\nHost: t\r\n{headers}Content-Length: {}\r\n\r\n{body}", body.len())
        };
        // POST is not routed: 405 shows the request got through the checks.
        assert!(status_of(&addr, &with("Content-Encoding: gzip\r\n", "")).await.contains("405"));
        assert!(status_of(&addr, &with("Content-Encoding: br\r\n", "")).await.contains("400"));
        assert!(status_of(&addr, &with("", "0123456789abcdef")).await.contains("405"));
        assert!(status_of(&addr, &with("", "0123456789abcdefg")).await.contains("413"));
        stop.cancel();
        task.await.unwrap();
        // An empty list accepts any encoding (confighttp skips its decompressor).
        let limits = ServerLimits { compression_algorithms: Vec::new(), ..ServerLimits::confighttp() };
        let (addr, stop, task) = start(limits).await;
        assert!(status_of(&addr, &with("Content-Encoding: br\r\n", "")).await.contains("405"));
        stop.cancel();
        task.await.unwrap();
    }

    #[test]
    fn keys_over_defaults() {
        let keys = ServerKeys {
            read_timeout: Some(dbintel_core::GoDuration::from_secs(5)),
            write_timeout: Some(dbintel_core::GoDuration::from_secs(0)),
            keep_alives_enabled: Some(false),
            max_request_body_size: Some(-1),
            ..Default::default()
        };
        let l = keys.limits(ServerLimits::confighttp());
        assert_eq!(l.read_timeout, Some(Duration::from_secs(5)));
        assert_eq!(l.write_timeout, None, "0s: no write timeout");
        assert_eq!(l.read_header_timeout, Some(Duration::from_secs(60)));
        assert!(!l.keep_alives);
        assert_eq!(l.max_request_body_size, Some(DEFAULT_MAX_REQUEST_BODY_SIZE));
        let auth = ServerAuthConfig { authenticator: Some("basicauth".into()), ..Default::default() };
        let middlewares = serde_json::json!([{"id": "x"}]);
        let algs = vec!["gzip".to_string(), "brotli".to_string()];
        let keys = ServerKeys {
            auth: Some(&auth),
            transport: Some("unix"),
            middlewares: Some(&middlewares),
            compression_algorithms: Some(&algs),
            ..Default::default()
        };
        let p: Vec<String> = keys.problems().iter().map(|p| p.path.to_string()).collect();
        assert_eq!(p, ["auth", "transport", "middlewares", "compression_algorithms"]);
    }
}
