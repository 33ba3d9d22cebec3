//! The receiver's config: the Collector's `otlpreceiver` keys and defaults (`protocols.grpc` from
//! `configgrpc.ServerConfig`, `protocols.http` from `confighttp.ServerConfig`).

use std::path::PathBuf;

use dbintel_core::{ConfigProblem, GoDuration};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

/// The `otlp` receiver's section.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtlpReceiverConfig {
    /// The protocols to serve; at least one. A protocol listed with no body (`grpc:`) is served
    /// with its defaults, as in the Collector.
    #[serde(default)]
    pub protocols: Protocols,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Protocols {
    /// OTLP/gRPC (`opentelemetry.proto.collector.{metrics,logs,trace}.v1` services).
    #[serde(default, deserialize_with = "present_means_enabled")]
    #[schemars(with = "Option<GrpcConfig>")]
    pub grpc: Option<GrpcConfig>,
    /// OTLP/HTTP (protobuf and JSON bodies).
    #[serde(default, deserialize_with = "present_means_enabled")]
    #[schemars(with = "Option<HttpConfig>")]
    pub http: Option<HttpConfig>,
}

/// A key that is present, even with no value (`grpc:` is YAML null), enables the protocol with its
/// defaults; a missing key leaves it off.
fn present_means_enabled<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Some(Option::<T>::deserialize(d)?.unwrap_or_default()))
}

/// `transport` (`confignet.TransportType`): the network a server listens on. The Collector takes
/// every network Go's `net.Listen` knows; gRPC and HTTP need a stream, so the datagram and packet
/// ones are refused with that reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum Transport {
    /// IPv4 or IPv6, whichever `endpoint` resolves to (default).
    #[default]
    Tcp,
    /// IPv4 addresses of `endpoint` only.
    Tcp4,
    /// IPv6 addresses of `endpoint` only.
    Tcp6,
    /// A Unix domain socket: `endpoint` is its path (`/run/otel/otlp.sock`).
    Unix,
}

impl<'de> Deserialize<'de> for Transport {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "tcp" | "" => Ok(Transport::Tcp),
            "tcp4" => Ok(Transport::Tcp4),
            "tcp6" => Ok(Transport::Tcp6),
            "unix" => Ok(Transport::Unix),
            "udp" | "udp4" | "udp6" | "unixgram" | "unixpacket" | "ip" | "ip4" | "ip6" => {
                Err(serde::de::Error::custom(format!(
                    "`{s}` is not a stream transport: gRPC and HTTP are served over `tcp`, `tcp4`, `tcp6` or `unix`"
                )))
            }
            other => Err(serde::de::Error::custom(format!(
                "unknown transport `{other}`: use `tcp` (default), `tcp4`, `tcp6` or `unix`"
            ))),
        }
    }
}

/// The gRPC server (`configgrpc.ServerConfig`).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrpcConfig {
    /// `host:port` to listen on; with `transport: unix`, the socket's path.
    #[serde(default = "default_grpc_endpoint")]
    pub endpoint: String,
    /// `tcp` (default), `tcp4`, `tcp6` or `unix` (a Unix domain socket at `endpoint`).
    #[serde(default)]
    pub transport: Transport,
    /// Server TLS; with `client_ca_file`, mutual TLS.
    #[serde(default)]
    pub tls: Option<TlsServerConfig>,
    /// Largest request accepted, in MiB, after decompression (`0`: 4 MiB, grpc-go's default). Larger
    /// requests get `RESOURCE_EXHAUSTED` (not retryable), as from grpc-go.
    #[serde(default)]
    pub max_recv_msg_size_mib: u64,
    /// Concurrent HTTP/2 streams per connection (`0`: no limit).
    #[serde(default)]
    pub max_concurrent_streams: u32,
    /// Accepted for Collector configs; HTTP/2 here has no read buffer of that kind (ignored, warns).
    #[serde(default = "default_read_buffer_size")]
    pub read_buffer_size: usize,
    /// Bytes of a response the connection buffers before it writes (`0`: hyper's default).
    #[serde(default)]
    pub write_buffer_size: usize,
    /// Keepalive pings and connection ages.
    #[serde(default)]
    pub keepalive: KeepaliveConfig,
    /// The Collector copies request headers into the client context for processors that read it;
    /// dbintel's pipelines carry no client context, so this has no effect (warns when set).
    #[serde(default)]
    pub include_metadata: bool,
    /// Not supported: authenticator extensions do not exist in dbintel (refused with a reason).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub auth: Option<serde_json::Value>,
}

impl Default for GrpcConfig {
    fn default() -> Self {
        GrpcConfig {
            endpoint: default_grpc_endpoint(),
            transport: Transport::Tcp,
            tls: None,
            max_recv_msg_size_mib: 0,
            max_concurrent_streams: 0,
            read_buffer_size: default_read_buffer_size(),
            write_buffer_size: 0,
            keepalive: KeepaliveConfig::default(),
            include_metadata: false,
            auth: None,
        }
    }
}

fn default_grpc_endpoint() -> String {
    "localhost:4317".into()
}
fn default_http_endpoint() -> String {
    "localhost:4318".into()
}
fn default_read_buffer_size() -> usize {
    512 * 1024
}

/// `keepalive` (`configgrpc.KeepaliveServerConfig`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeepaliveConfig {
    #[serde(default)]
    pub server_parameters: KeepaliveServerParameters,
    /// Accepted for Collector configs; HTTP/2 here does not police client pings (ignored, warns).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub enforcement_policy: Option<serde_json::Value>,
}

/// `keepalive.server_parameters`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeepaliveServerParameters {
    /// Accepted for Collector configs; idle connections are not closed here (ignored, warns).
    #[serde(default)]
    pub max_connection_idle: Option<GoDuration>,
    /// A connection older than this is asked to go away (HTTP/2 GOAWAY) once its streams finish.
    #[serde(default)]
    pub max_connection_age: Option<GoDuration>,
    /// After `max_connection_age`, how long its streams get before the connection is closed.
    #[serde(default)]
    pub max_connection_age_grace: Option<GoDuration>,
    /// Ping a connection that was quiet this long (HTTP/2 PING).
    #[serde(default)]
    pub time: Option<GoDuration>,
    /// Close a connection whose ping is not answered within this (default 20s, as grpc-go).
    #[serde(default)]
    pub timeout: Option<GoDuration>,
}

/// The HTTP server (`confighttp.ServerConfig` plus the receiver's URL paths).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// `host:port` to listen on; with `transport: unix`, the socket's path.
    #[serde(default = "default_http_endpoint")]
    pub endpoint: String,
    /// `tcp` (default), `tcp4`, `tcp6` or `unix` (a Unix domain socket at `endpoint`).
    #[serde(default)]
    pub transport: Transport,
    /// Server TLS; with `client_ca_file`, mutual TLS.
    #[serde(default)]
    pub tls: Option<TlsServerConfig>,
    /// Cross-origin requests from browsers (none allowed unless configured).
    #[serde(default)]
    pub cors: Option<CorsConfig>,
    /// Largest request body, in bytes, before and after decompression (larger: 413).
    #[serde(default = "default_max_request_body_size")]
    pub max_request_body_size: u64,
    /// See `protocols.grpc.include_metadata` (no effect here, warns when set).
    #[serde(default)]
    pub include_metadata: bool,
    /// Path of trace requests.
    #[serde(default = "default_traces_path")]
    pub traces_url_path: String,
    /// Path of metrics requests.
    #[serde(default = "default_metrics_path")]
    pub metrics_url_path: String,
    /// Path of logs requests.
    #[serde(default = "default_logs_path")]
    pub logs_url_path: String,
    /// Path of profiles requests: dbintel has no profiles pipelines, so nothing is served there
    /// (warns); the value is still checked as the Collector checks it.
    #[serde(default)]
    pub profiles_url_path: Option<String>,
    /// Not supported: authenticator extensions do not exist in dbintel (refused with a reason).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub auth: Option<serde_json::Value>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            endpoint: default_http_endpoint(),
            transport: Transport::Tcp,
            tls: None,
            cors: None,
            max_request_body_size: default_max_request_body_size(),
            include_metadata: false,
            traces_url_path: default_traces_path(),
            metrics_url_path: default_metrics_path(),
            logs_url_path: default_logs_path(),
            profiles_url_path: None,
            auth: None,
        }
    }
}

fn default_max_request_body_size() -> u64 {
    20 * 1024 * 1024
}
fn default_traces_path() -> String {
    "/v1/traces".into()
}
fn default_metrics_path() -> String {
    "/v1/metrics".into()
}
fn default_logs_path() -> String {
    "/v1/logs".into()
}

/// `cors` (`confighttp.CORSConfig`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorsConfig {
    /// Origins allowed to send requests (`https://*.example.com` wildcards, `*` for any).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Request headers allowed besides the CORS-safelisted ones and `Content-Type`, `Content-Encoding`.
    #[serde(default)]
    pub allowed_headers: Vec<String>,
    /// Seconds a browser may cache the preflight answer (`0`: not sent).
    #[serde(default)]
    pub max_age: u64,
}

/// Server TLS (`configtls.ServerConfig`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsServerConfig {
    /// The server certificate chain (PEM file).
    #[serde(default)]
    pub cert_file: Option<PathBuf>,
    /// The server certificate chain, inline PEM.
    #[serde(default)]
    pub cert_pem: Option<String>,
    /// The server's private key (PEM file).
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// The server's private key, inline PEM.
    #[serde(default)]
    pub key_pem: Option<String>,
    /// CA certificates (PEM file) that client certificates must chain to: set, it requires and
    /// verifies a client certificate (mutual TLS).
    #[serde(default)]
    pub client_ca_file: Option<PathBuf>,
    /// Lowest TLS version accepted: `1.2` (default) or `1.3`.
    #[serde(default)]
    pub min_version: Option<String>,
    /// Highest TLS version accepted: `1.2` or `1.3` (default).
    #[serde(default)]
    pub max_version: Option<String>,
}

impl OtlpReceiverConfig {
    /// Every problem the section has, each with its key path.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        let p = &self.protocols;
        if p.grpc.is_none() && p.http.is_none() {
            out.push(ConfigProblem::new(
                "protocols",
                "must specify at least one protocol (`grpc` or `http`) when using the otlp receiver",
            ));
        }
        if let Some(g) = &p.grpc {
            endpoint_problems("protocols.grpc.endpoint", g.transport, &g.endpoint, &mut out);
            auth_problem("protocols.grpc.auth", &g.auth, &mut out);
            if let Some(t) = &g.tls {
                t.problems("protocols.grpc.tls", &mut out);
            }
            if g.max_recv_msg_size_mib > 4096 {
                out.push(ConfigProblem::new("protocols.grpc.max_recv_msg_size_mib", "at most 4096 (4 GiB)"));
            }
        }
        if let Some(h) = &p.http {
            endpoint_problems("protocols.http.endpoint", h.transport, &h.endpoint, &mut out);
            auth_problem("protocols.http.auth", &h.auth, &mut out);
            if let Some(t) = &h.tls {
                t.problems("protocols.http.tls", &mut out);
            }
            if h.max_request_body_size == 0 {
                out.push(ConfigProblem::new(
                    "protocols.http.max_request_body_size",
                    "must be greater than 0",
                ));
            }
            let paths = [
                ("protocols.http.traces_url_path", &h.traces_url_path),
                ("protocols.http.metrics_url_path", &h.metrics_url_path),
                ("protocols.http.logs_url_path", &h.logs_url_path),
            ];
            let profiles = h.profiles_url_path.as_ref().map(|p| ("protocols.http.profiles_url_path", p));
            for (key, path) in paths.into_iter().chain(profiles) {
                // Go's url.Parse, which the Collector runs on these, refuses a leading `:` ("missing
                // protocol scheme"), bad `%` escapes and control characters.
                if path.is_empty()
                    || path.contains(['?', '#', ' '])
                    || path.starts_with(':')
                    || path.chars().any(char::is_control)
                    || !valid_escapes(path)
                {
                    out.push(ConfigProblem::new(key, format!("`{path}` is not a URL path")));
                }
            }
            let (m, l) = (url_path(&h.metrics_url_path), url_path(&h.logs_url_path));
            if m == l || m == url_path(&h.traces_url_path) || l == url_path(&h.traces_url_path) {
                out.push(ConfigProblem::new("protocols.http", "the signals' URL paths must differ"));
            }
        }
        out
    }
}

/// Every `%` starts a two-digit hex escape.
fn valid_escapes(path: &str) -> bool {
    let b = path.as_bytes();
    b.iter().enumerate().all(|(i, c)| {
        *c != b'%'
            || (b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// A URL path as the Collector reads the `*_url_path` keys: a missing leading `/` is added.
pub fn url_path(path: &str) -> String {
    if path.starts_with('/') { path.to_string() } else { format!("/{path}") }
}

fn endpoint_problems(key: &str, transport: Transport, endpoint: &str, out: &mut Vec<ConfigProblem>) {
    if transport == Transport::Unix {
        // Linux takes at most 107 bytes of path in `sockaddr_un`.
        if endpoint.trim().is_empty() {
            out.push(ConfigProblem::new(key, "with `transport: unix`, give the socket's path"));
        } else if endpoint.len() > 107 || endpoint.contains('\0') {
            out.push(ConfigProblem::new(
                key,
                format!("`{endpoint}` is not a Unix socket path (at most 107 bytes, no NUL)"),
            ));
        }
        return;
    }
    match endpoint.rsplit_once(':') {
        Some((_, port)) if port.parse::<u16>().is_ok() => {}
        _ => out.push(ConfigProblem::new(key, format!("`{endpoint}` is not host:port"))),
    }
}

fn auth_problem(key: &str, auth: &Option<serde_json::Value>, out: &mut Vec<ConfigProblem>) {
    if auth.as_ref().is_some_and(|v| !v.is_null()) {
        out.push(ConfigProblem::new(
            key,
            "not supported: dbintel has no authenticator extensions; use `tls.client_ca_file` (mutual TLS) \
             to admit only known senders",
        ));
    }
}

impl TlsServerConfig {
    fn problems(&self, at: &str, out: &mut Vec<ConfigProblem>) {
        let both = |a: bool, b: bool| a && b;
        if both(self.cert_file.is_some(), self.cert_pem.is_some()) {
            out.push(ConfigProblem::new(format!("{at}.cert_pem"), "set `cert_file` or `cert_pem`, not both"));
        }
        if both(self.key_file.is_some(), self.key_pem.is_some()) {
            out.push(ConfigProblem::new(format!("{at}.key_pem"), "set `key_file` or `key_pem`, not both"));
        }
        if self.cert_file.is_none() && self.cert_pem.is_none() {
            out.push(ConfigProblem::new(format!("{at}.cert_file"), "a TLS server needs a certificate"));
        }
        if self.key_file.is_none() && self.key_pem.is_none() {
            out.push(ConfigProblem::new(format!("{at}.key_file"), "a TLS server needs a private key"));
        }
        for (key, v) in [("min_version", &self.min_version), ("max_version", &self.max_version)] {
            if let Some(v) = v
                && !matches!(v.as_str(), "1.2" | "1.3")
            {
                out.push(ConfigProblem::new(
                    format!("{at}.{key}"),
                    format!("`{v}`: rustls supports `1.2` and `1.3`"),
                ));
            }
        }
        if self.min_version.as_deref() == Some("1.3") && self.max_version.as_deref() == Some("1.2") {
            out.push(ConfigProblem::new(format!("{at}.min_version"), "higher than max_version"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: serde_json::Value) -> OtlpReceiverConfig {
        dbintel_core::parse_component_config(&yaml).expect("parses")
    }

    #[test]
    fn a_protocol_with_no_body_is_enabled_with_the_collector_defaults() {
        let c = parse(serde_json::json!({"protocols": {"grpc": null}}));
        let g = c.protocols.grpc.clone().expect("grpc enabled");
        assert_eq!(g.endpoint, "localhost:4317");
        assert_eq!(g.read_buffer_size, 512 * 1024);
        assert!(c.protocols.http.is_none());
        assert!(c.problems().is_empty());
        let c = parse(serde_json::json!({"protocols": {"http": {}}}));
        let h = c.protocols.http.expect("http enabled");
        assert_eq!((h.endpoint.as_str(), h.max_request_body_size), ("localhost:4318", 20 * 1024 * 1024));
        assert_eq!((h.metrics_url_path.as_str(), h.logs_url_path.as_str()), ("/v1/metrics", "/v1/logs"));
    }

    /// The Collector's otlpreceiver testdata `invalid_*_path.yaml` (`":invalid"`) are refused,
    /// as its `url.Parse` refuses them; `profiles_url_path` loads (and warns, see lib.rs).
    #[test]
    fn url_paths_are_checked_as_go_parses_them() {
        for key in ["traces_url_path", "metrics_url_path", "logs_url_path", "profiles_url_path"] {
            let c = parse(serde_json::json!({"protocols": {"http": {key: ":invalid"}}}));
            let p = c.problems();
            assert_eq!(p.len(), 1, "{key}: {p:?}");
            assert_eq!(p[0].path, format!("protocols.http.{key}"));
        }
        let c = parse(serde_json::json!({"protocols": {"http": {"logs_url_path": "/a%zz"}}}));
        assert_eq!(c.problems().len(), 1);
        let c = parse(serde_json::json!({"protocols": {"http": {
            "logs_url_path": "v2/logs%20x", "profiles_url_path": "/v1development/profiles"}}}));
        assert!(c.problems().is_empty(), "{:?}", c.problems());
    }

    #[test]
    fn problems_name_their_keys() {
        let c = parse(serde_json::json!({}));
        assert_eq!(c.problems()[0].path, "protocols");
        let c = parse(serde_json::json!({"protocols": {
            "grpc": {"endpoint": "nowhere", "auth": {"authenticator": "basicauth"}, "tls": {"min_version": "1.0"}},
            "http": {"metrics_url_path": "/v1/logs"}
        }}));
        let paths: Vec<String> = c.problems().into_iter().map(|p| p.path).collect();
        for want in [
            "protocols.grpc.endpoint",
            "protocols.grpc.auth",
            "protocols.grpc.tls.cert_file",
            "protocols.grpc.tls.key_file",
            "protocols.grpc.tls.min_version",
            "protocols.http",
        ] {
            assert!(paths.iter().any(|p| p == want), "{want} missing from {paths:?}");
        }
    }
}
