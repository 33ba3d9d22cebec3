//! What the `otlp` (gRPC) and `otlphttp` exporters share: compression, headers (redacted), the `tls`
//! block, the counting connector, splitting requests under a size limit, delta temporality, error
//! classification and the transport self-telemetry.

pub mod connector;
pub mod delta;
pub mod exporter;
pub mod rpc;
pub mod split;
#[cfg(test)]
mod tests;
pub mod tls;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::time::{Duration, SystemTime};

use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{ConfigProblem, Signal};
use serde::Deserialize;

pub use delta::{DeltaConverter, TemporalityPreference};
pub use split::split_to_size;
pub use tls::{TlsConfig, TlsError};

/// New Relic's limit for one request (10^6 bytes), our default `max_request_size`.
pub const DEFAULT_MAX_REQUEST_SIZE: u64 = 1_000_000;
/// The largest response body read (partial-success messages, error texts).
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// Default bound of the delta-temporality series map.
pub const DEFAULT_DELTA_MAX_SERIES: usize = 100_000;

/// `compression`: `gzip` (default), `zstd` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    #[default]
    Gzip,
    Zstd,
    None,
}

impl Compression {
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::None => "none",
        }
    }

    /// Compresses a body (gzip level 6 like Go's default, zstd level 3 like the collector's default).
    pub fn compress(self, body: Vec<u8>) -> std::io::Result<Vec<u8>> {
        match self {
            Compression::None => Ok(body),
            Compression::Gzip => {
                let mut enc = flate2::write::GzEncoder::new(
                    Vec::with_capacity(body.len() / 4 + 64),
                    flate2::Compression::new(6),
                );
                enc.write_all(&body)?;
                enc.finish()
            }
            Compression::Zstd => zstd::bulk::compress(&body, 3),
        }
    }
}

/// Documented as the three names accepted (matching ignores case; `""` also means `none`).
impl schemars::JsonSchema for Compression {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Compression".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "enum": ["gzip", "zstd", "none"] })
    }
}

impl<'de> Deserialize<'de> for Compression {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.trim().to_ascii_lowercase().as_str() {
            "gzip" => Ok(Compression::Gzip),
            "zstd" => Ok(Compression::Zstd),
            "none" | "" => Ok(Compression::None),
            "snappy" | "zlib" | "deflate" | "lz4" => Err(serde::de::Error::custom(format!(
                "`{s}` is not supported by dbintel; use gzip, zstd or none"
            ))),
            _ => Err(serde::de::Error::custom(format!("unknown compression `{s}`; use gzip, zstd or none"))),
        }
    }
}

/// `headers`: sent with every request. Values are never printed (they carry license keys).
#[derive(Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Headers(pub BTreeMap<String, String>);

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.keys().map(|k| (k, "<redacted>"))).finish()
    }
}

impl Headers {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        for (k, v) in &self.0 {
            // An invalid name is a warning (see `warnings`); a value is checked whatever its name.
            if http::HeaderValue::from_str(v).is_err() {
                // The value is a secret: never echo it.
                p.push(ConfigProblem::new(
                    format!("headers.{k}"),
                    "the value is not a valid HTTP header value (control characters or non-ASCII)",
                ));
            }
        }
        p
    }

    /// Names that are not HTTP header names (the Collector's own otlphttp testdata has
    /// `"can you have a . here?"`). The Collector loads them, and then every request fails in Go's
    /// HTTP or gRPC client; dbintel loads them too and leaves that header out of its requests.
    pub fn warnings(&self) -> Vec<ConfigProblem> {
        self.0
            .keys()
            .filter(|k| http::HeaderName::from_bytes(k.as_bytes()).is_err())
            .map(|k| {
                ConfigProblem::new(
                    format!("headers.{k}"),
                    "is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only): it is not sent \
                     (the Collector loads it too, and then fails every request)",
                )
            })
            .collect()
    }

    /// The headers as HTTP header pairs (names lower-cased), skipping invalid ones (validated before).
    pub fn to_header_map(&self) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (k, v) in &self.0 {
            if let (Ok(name), Ok(mut value)) = (
                http::HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes()),
                http::HeaderValue::from_str(v),
            ) {
                value.set_sensitive(true);
                map.insert(name, value);
            }
        }
        map
    }
}

/// `auth` (`configauth.Config` of the Collector's gRPC and HTTP clients): it names an authenticator
/// extension (`oauth2client`, `bearertokenauth`, `sigv4auth`, ...), and dbintel has none, so a
/// config with it is refused with the ways to send credentials that work here.
pub fn client_auth_problem(auth: &Option<serde_json::Value>) -> Option<ConfigProblem> {
    let auth = auth.as_ref().filter(|v| !v.is_null())?;
    let name = auth.get("authenticator").and_then(|a| a.as_str()).unwrap_or("?");
    Some(ConfigProblem::new(
        "auth",
        format!(
            "not supported: it names the authenticator extension `{name}`, and dbintel has no authenticator \
             extensions; send the credentials in `headers` (e.g. `authorization: Bearer ${{env:TOKEN}}` or \
             New Relic's `api-key`) or use a client certificate (`tls.cert_file`/`tls.key_file`)"
        ),
    ))
}

/// Accepted for compatibility with collector configs and ignored (`validate` and `run` warn).
pub const IGNORED_KEYS: &[(&str, &str)] = &[
    ("balancer_name", TRANSPORT_IGNORED),
    ("keepalive", TRANSPORT_IGNORED),
    ("write_buffer_size", TRANSPORT_IGNORED),
    ("read_buffer_size", TRANSPORT_IGNORED),
    ("max_idle_conns", TRANSPORT_IGNORED),
    ("max_idle_conns_per_host", TRANSPORT_IGNORED),
    ("max_conns_per_host", TRANSPORT_IGNORED),
    ("idle_conn_timeout", TRANSPORT_IGNORED),
    ("http2_read_idle_timeout", TRANSPORT_IGNORED),
    ("http2_ping_timeout", TRANSPORT_IGNORED),
    ("wait_for_ready", TRANSPORT_IGNORED),
    ("authority", TRANSPORT_IGNORED),
    ("profiles_endpoint", "dbintel sends no profiles"),
];

const TRANSPORT_IGNORED: &str = "a Collector transport setting with no effect in dbintel";

/// The transport's own self-telemetry (the helper counts sent/failed/retried/dropped and the queue).
#[derive(Clone, Debug, Default)]
pub struct TransportTelemetry {
    /// Bytes written to sockets (after compression and TLS): `dbintel_exporter_bytes_sent_total`.
    pub bytes_on_wire: Counter,
    /// Items refused in partial-success responses: `dbintel_exporter_partial_success_rejected_total`.
    pub partial_metrics: Counter,
    pub partial_logs: Counter,
    pub partial_spans: Counter,
}

impl TransportTelemetry {
    pub fn register(registry: &Registry, exporter: &str, compression: Compression) -> Self {
        let bytes_on_wire = registry.counter(
            "dbintel_exporter_bytes_sent_total",
            "Bytes written to the network by the exporter (after compression and TLS).",
            &[("exporter", exporter), ("compression", compression.as_str())],
        );
        let help = "Items the backend refused in OTLP partial-success responses.";
        let name = "dbintel_exporter_partial_success_rejected_total";
        Self {
            bytes_on_wire,
            partial_metrics: registry.counter(
                name,
                help,
                &[("exporter", exporter), ("data_type", "metrics")],
            ),
            partial_logs: registry.counter(name, help, &[("exporter", exporter), ("data_type", "logs")]),
            partial_spans: registry.counter(name, help, &[("exporter", exporter), ("data_type", "traces")]),
        }
    }

    pub fn partial(&self, signal: Signal) -> &Counter {
        match signal {
            Signal::Metrics => &self.partial_metrics,
            Signal::Logs => &self.partial_logs,
            Signal::Traces => &self.partial_spans,
        }
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP date. Capped at one hour.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    let d = if let Ok(secs) = v.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let at = httpdate::parse_http_date(v).ok()?;
        at.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(d.min(Duration::from_secs(3600)))
}

/// Trims a server message for logs and errors: bounded, one line, printable, URL credentials hidden.
pub fn short_text(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
    let mut out: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if bytes.len() > 512 {
        out.push('…');
    }
    redact(out.trim())
}

/// `text` with the user info of every URL in it hidden: every text these exporters print (errors,
/// config problems, labels) goes through here or [`error_text`].
pub fn redact(text: &str) -> String {
    dbintel_core::redact::redact_url_userinfo(text).into_owned()
}

/// A configured endpoint as problems echo it: everything before its last `@` (after the scheme) is
/// hidden (`http://***@host:port`, `***@host:port`), so a password is hidden even when it holds an
/// unescaped `/`, `?` or `#` that ends the URL's authority early.
pub fn redact_endpoint(endpoint: &str) -> String {
    let e = endpoint.trim();
    let start = e.find("://").map_or(0, |i| i + 3);
    match e[start..].rfind('@') {
        Some(at) => format!("{}{}{}", &e[..start], dbintel_core::redact::MASK, &e[start + at..]),
        None => redact(e),
    }
}

/// An error and its sources, joined (hyper's own message is only "client error (Connect)"), with URL
/// credentials hidden: the one place where transport errors of `otlp`/`otlphttp` become text.
pub fn error_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    let mut depth = 0;
    while let Some(c) = src {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = c.source();
        depth += 1;
        if depth > 6 {
            break;
        }
    }
    // rustls's words for a peer that answered a ClientHello with something that is not TLS.
    // First, so that the cap of `short_text` never cuts it off.
    if s.contains("InvalidContentType") {
        s.insert_str(
            0,
            "the peer does not answer with TLS (for a plaintext endpoint use http://, or for otlp \
             tls.insecure: true): ",
        );
    }
    short_text(s.as_bytes())
}

/// Whether the port of `host:port` (`[v6]:port`, or a bare host) is absent or a number 0-65535 (the
/// `http` crate accepts any text there and fails only when connecting).
pub fn valid_port(authority: &str) -> bool {
    let after_host = &authority[authority.rfind(']').map_or(0, |i| i + 1)..];
    after_host.rsplit_once(':').is_none_or(|(_, port)| port.parse::<u16>().is_ok())
}

/// User info of an endpoint URL (`scheme://user:password@host`), percent-decoded. Sent as HTTP Basic
/// authentication (`authorization: Basic ...`), as the Collector's Go HTTP client does, unless
/// `headers` sets `authorization` itself. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct UserInfo {
    user: String,
    password: String,
}

impl fmt::Debug for UserInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UserInfo(<redacted>)")
    }
}

impl UserInfo {
    /// Splits `user:password@` off an authority (`user:password@host:port`).
    pub fn split_authority(authority: &str) -> (Option<UserInfo>, &str) {
        match authority.rfind('@') {
            Some(at) => {
                let (user, password) = authority[..at].split_once(':').unwrap_or((&authority[..at], ""));
                let decode =
                    |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
                (Some(UserInfo { user: decode(user), password: decode(password) }), &authority[at + 1..])
            }
            None => (None, authority),
        }
    }

    /// The `authorization` header value (marked sensitive).
    pub fn basic_auth(&self) -> Option<http::HeaderValue> {
        use base64::Engine;
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", self.user, self.password));
        let mut v = http::HeaderValue::from_str(&format!("Basic {token}")).ok()?;
        v.set_sensitive(true);
        Some(v)
    }
}

/// Resource attributes New Relic needs to synthesise a database entity.
pub const NR_ENTITY_ATTRIBUTES: &[&str] = &["server.address", "server.port", "db.system.name"];

/// Whether an endpoint points at New Relic's OTLP ingest.
pub fn is_new_relic(endpoint: &str) -> bool {
    let lower = endpoint.to_ascii_lowercase();
    lower.contains("nr-data.net")
}

/// The entity attributes a metrics/logs resource lacks (for a one-time warning with New Relic).
pub fn missing_entity_attributes(data: &dbintel_core::SignalData) -> Vec<&'static str> {
    use dbintel_core::SignalData;
    let resources: Vec<&dbintel_core::pdata::Resource> = match data {
        SignalData::Metrics(m) => m.resource_metrics.iter().map(|r| &r.resource).collect(),
        SignalData::Logs(l) => l.resource_logs.iter().map(|r| &r.resource).collect(),
        // Spans belong to the applications' own entities (service.name), not to a database.
        SignalData::Traces(_) => Vec::new(),
    };
    let mut missing = Vec::new();
    for r in resources {
        for a in NR_ENTITY_ATTRIBUTES {
            if r.attributes.get(a).is_none() && !missing.contains(a) {
                missing.push(*a);
            }
        }
    }
    missing
}
