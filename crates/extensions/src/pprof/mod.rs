//! `pprof`: CPU profiles of the running process in pprof format over HTTP, at the paths Go's
//! `net/http/pprof` uses (`go tool pprof http://localhost:1777/debug/pprof/profile?seconds=30`
//! works against it), and a heap summary. Off unless configured; bound to localhost by default.
//!
//! The CPU profile is sampled by the `pprof` crate (SIGPROF at 100 Hz, every thread, stacks
//! symbolized in process) and served as a gzip-compressed `perftools.profiles.Profile`, as Go serves
//! it. The heap page is what can honestly be told with mimalloc, which keeps no per-site allocation
//! samples: the kernel's account of the process memory (`/proc/self/status`, `/proc/self/smaps_rollup`).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::http::Uri;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dbintel_core::component::{
    Built, ComponentError, ComponentInfo, ConfigProblem, CreateContext, Extension, ExtensionContext,
    Stability,
};
use dbintel_core::{ComponentKind, GoDuration, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use crate::health_check::resolve_endpoint;
use crate::http_server::{
    self, CorsConfig, ServerAuthConfig, ServerKeys, ServerLimits, ServerOptions, ServerTlsConfig,
    response_header_problems,
};

/// The Collector's default: loopback only.
pub const DEFAULT_ENDPOINT: &str = "localhost:1777";
/// Samples per second of a CPU profile (Go's rate).
pub const SAMPLE_HZ: i32 = 100;
/// Longest CPU profile one request may ask for.
pub const MAX_PROFILE_SECONDS: u64 = 3600;

/// Config of `pprof` (the Collector's keys).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PprofConfig {
    /// `host:port` to listen on (default `localhost:1777`, loopback only).
    pub endpoint: String,
    /// Go's blocking-event sampling rate; accepted and ignored (there are no goroutines to block).
    pub block_profile_fraction: Option<i64>,
    /// Go's mutex-contention sampling rate; accepted and ignored.
    pub mutex_profile_fraction: Option<i64>,
    /// A file that receives a CPU profile of the whole run (pprof protobuf, gzip-compressed),
    /// written at shutdown. While it records, `/debug/pprof/profile` answers 409 (one profiler per
    /// process).
    pub save_to_file: Option<String>,
    /// Serve HTTPS with this certificate (and require client certificates with `client_ca_file`).
    pub tls: Option<ServerTlsConfig>,
    /// Let browsers on these origins read the pages (CORS headers, preflight answered).
    pub cors: Option<CorsConfig>,
    /// Headers added to every response.
    pub response_headers: BTreeMap<String, String>,
    /// The Collector's HTTP-server keys, shared with `health_check` and `zpages` (the Collector's
    /// pprof has only `endpoint`). An authenticator extension. Refused with a reason: dbintel has no
    /// authenticator extensions (use `tls.client_ca_file`).
    pub auth: Option<ServerAuthConfig>,
    /// Collector HTTP-server key: `tcp` (default), `tcp4`, `tcp6`; `unix` is refused.
    pub transport: Option<String>,
    /// Longest time for a whole request (none by default); also the header and idle timeout when
    /// those are `0s`.
    pub read_timeout: Option<GoDuration>,
    /// Longest time to receive a request's headers, also while a connection waits for its next
    /// request (none by default, as the Collector's pprof server has none; `0s`: `read_timeout`).
    pub read_header_timeout: Option<GoDuration>,
    /// Longest time from a request's headers to the end of its response; past it the connection is
    /// closed (none by default: a profile takes `seconds`).
    pub write_timeout: Option<GoDuration>,
    /// Longest a kept-alive connection waits for its next request (none by default; `0s`:
    /// `read_timeout`).
    pub idle_timeout: Option<GoDuration>,
    /// Keep connections open between requests (default `true`; `false` answers `Connection: close`).
    pub keep_alives_enabled: Option<bool>,
    /// `Content-Encoding`s a request may carry (default `""`, `gzip`, `zstd`, `zlib`, `snappy`,
    /// `deflate`, `lz4`, `x-snappy-framed`); others are answered 400. `[]`: any.
    pub compression_algorithms: Option<Vec<String>>,
    /// Largest request body in bytes (default 20 MiB); a longer declared `Content-Length` is
    /// answered 413.
    pub max_request_body_size: Option<i64>,
    /// Collector HTTP-server key: pass request headers on as client metadata. Accepted and ignored:
    /// the profile pages pass no data on.
    pub include_metadata: Option<bool>,
    /// Collector HTTP-server key: middleware extensions. Refused with a reason: dbintel has none.
    pub middlewares: Option<serde_json::Value>,
}

impl PprofConfig {
    /// confighttp's connection keys of this config.
    pub fn server_keys(&self) -> ServerKeys<'_> {
        crate::server_keys_of!(self)
    }
}

impl Default for PprofConfig {
    fn default() -> Self {
        Self {
            endpoint: DEFAULT_ENDPOINT.to_string(),
            block_profile_fraction: None,
            mutex_profile_fraction: None,
            save_to_file: None,
            tls: None,
            cors: None,
            response_headers: BTreeMap::new(),
            auth: None,
            transport: None,
            read_timeout: None,
            read_header_timeout: None,
            write_timeout: None,
            idle_timeout: None,
            keep_alives_enabled: None,
            compression_algorithms: None,
            max_request_body_size: None,
            include_metadata: None,
            middlewares: None,
        }
    }
}

/// Why a CPU profile could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("a CPU profile is already being recorded in this process; try again when it ends")]
    Busy,
    #[error("the profiler failed: {0}")]
    Profiler(String),
}

/// Only one CPU profiler can run per process (SIGPROF is process-wide).
static PROFILING: AtomicBool = AtomicBool::new(false);

struct ProfilingSlot;

impl ProfilingSlot {
    fn take() -> Result<Self, ProfileError> {
        PROFILING
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .map_err(|_| ProfileError::Busy)?;
        Ok(ProfilingSlot)
    }
}

impl Drop for ProfilingSlot {
    fn drop(&mut self) {
        PROFILING.store(false, Ordering::Release);
    }
}

/// A CPU profile being recorded (sampling runs on signals, in every thread).
pub struct RunningProfile {
    stop: tokio::sync::oneshot::Sender<()>,
    join: tokio::task::JoinHandle<Result<Vec<u8>, ProfileError>>,
}

impl RunningProfile {
    /// Starts the profiler and returns once it samples (setting it up reads the process's
    /// executable mappings, which takes a moment). The work runs in a blocking thread.
    pub async fn start() -> Result<Self, ProfileError> {
        let slot = ProfilingSlot::take()?;
        let (started_tx, started_rx) = tokio::sync::oneshot::channel::<Result<(), ProfileError>>();
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let join = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let guard = match ::pprof::ProfilerGuardBuilder::default()
                .frequency(SAMPLE_HZ)
                .blocklist(&["libc", "libgcc", "pthread", "vdso"])
                .build()
            {
                Ok(g) => g,
                Err(e) => {
                    let _ = started_tx.send(Err(ProfileError::Profiler(e.to_string())));
                    return Err(ProfileError::Profiler(e.to_string()));
                }
            };
            let _ = started_tx.send(Ok(()));
            // Ends when `finish` sends, or when the profile is dropped (the sender with it).
            let _ = stop_rx.blocking_recv();
            let report = guard.report().build().map_err(|e| ProfileError::Profiler(e.to_string()))?;
            drop(guard);
            encode(&report)
        });
        match started_rx.await {
            Ok(Ok(())) => Ok(Self { stop, join }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(ProfileError::Profiler("the profiling thread ended before it started".into())),
        }
    }

    /// Stops sampling and returns the profile, gzip-compressed.
    pub async fn finish(self) -> Result<Vec<u8>, ProfileError> {
        let _ = self.stop.send(());
        self.join.await.map_err(|e| ProfileError::Profiler(format!("profiling task: {e}")))?
    }
}

fn encode(report: &::pprof::Report) -> Result<Vec<u8>, ProfileError> {
    use ::pprof::protos::Message;
    let profile = report.pprof().map_err(|e| ProfileError::Profiler(e.to_string()))?;
    let raw = profile.encode_to_vec();
    let mut gz =
        flate2::write::GzEncoder::new(Vec::with_capacity(raw.len() / 2), flate2::Compression::default());
    gz.write_all(&raw).map_err(|e| ProfileError::Profiler(e.to_string()))?;
    gz.finish().map_err(|e| ProfileError::Profiler(e.to_string()))
}

#[derive(Clone)]
struct PprofState {
    shutdown: CancellationToken,
}

/// The value of `name` in a query string (no percent-decoding: the values read here are numbers).
fn query_param<'a>(uri: &'a Uri, name: &str) -> Option<&'a str> {
    uri.query()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then_some(v)
    })
}

async fn profile(State(state): State<PprofState>, uri: Uri) -> Response {
    let seconds = match query_param(&uri, "seconds").map(str::trim) {
        None | Some("") => 30,
        Some(s) => match s.parse::<u64>() {
            Ok(n) if (1..=MAX_PROFILE_SECONDS).contains(&n) => n,
            _ => {
                return (
                    StatusCode::BAD_REQUEST,
                    format!("`seconds` must be a whole number from 1 to {MAX_PROFILE_SECONDS}\n"),
                )
                    .into_response();
            }
        },
    };
    let result = match RunningProfile::start().await {
        Ok(running) => {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(seconds)) => {}
                _ = state.shutdown.cancelled() => {}
            }
            running.finish().await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"profile\""),
            ],
            bytes,
        )
            .into_response(),
        Err(e @ ProfileError::Busy) => (StatusCode::CONFLICT, format!("{e}\n")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

/// The heap summary: the process memory as the kernel accounts it.
pub fn heap_summary() -> String {
    let mut out = String::from(
        "# dbintel heap summary\n\
         # The allocator (mimalloc) keeps no per-allocation-site samples, so there is no heap profile\n\
         # in pprof format; these are the process memory figures the kernel reports.\n",
    );
    let wanted = ["VmPeak", "VmSize", "VmHWM", "VmRSS", "RssAnon", "RssFile", "VmData", "VmSwap"];
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status.lines() {
            if wanted.iter().any(|w| line.starts_with(&format!("{w}:"))) {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if let Ok(rollup) = std::fs::read_to_string("/proc/self/smaps_rollup") {
        out.push_str("# /proc/self/smaps_rollup\n");
        for line in rollup.lines().skip(1) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

async fn heap() -> Response {
    match tokio::task::spawn_blocking(heap_summary).await {
        Ok(text) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("heap summary: {e}\n")).into_response(),
    }
}

async fn index() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html>\n<html><head><title>/debug/pprof/</title></head><body>\
         <h1>/debug/pprof/</h1><ul>\
         <li><a href=\"profile?seconds=30\">profile</a>: CPU profile (pprof protobuf, gzip), <code>?seconds=N</code> (default 30)</li>\
         <li><a href=\"heap\">heap</a>: process memory summary (text)</li>\
         </ul></body></html>\n",
    )
        .into_response()
}

async fn not_available() -> Response {
    (
        StatusCode::NOT_IMPLEMENTED,
        "dbintel serves `profile` (CPU) and `heap` (memory summary); Go runtime profiles (goroutine, \
         block, mutex, allocs, threadcreate) have no equivalent in a Rust process\n",
    )
        .into_response()
}

pub struct Pprof {
    config: PprofConfig,
}

#[async_trait]
impl Extension for Pprof {
    async fn run(self: Box<Self>, mut ctx: ExtensionContext) -> Result<(), ComponentError> {
        let listener = http_server::bind(&self.config.endpoint, &mut ctx).await?;
        let addr = listener.local_addr().map_err(|e| ComponentError::Failed(format!("pprof: {e}")))?;
        // A whole-run profile for `save_to_file`, stopped at shutdown.
        // Started beside the server (setting the profiler up takes a moment), finished at shutdown.
        let whole_run =
            self.config.save_to_file.clone().map(|path| (path, tokio::spawn(RunningProfile::start())));
        let app = Router::new()
            .route("/debug/pprof", get(index))
            .route("/debug/pprof/", get(index))
            .route("/debug/pprof/profile", get(profile))
            .route("/debug/pprof/heap", get(heap))
            .route("/debug/pprof/{name}", get(not_available))
            .with_state(PprofState { shutdown: ctx.shutdown.clone() });
        let options = ServerOptions {
            tls: self.config.tls.clone(),
            cors: self.config.cors.clone(),
            response_headers: self.config.response_headers.clone(),
            limits: self.config.server_keys().limits(ServerLimits::unbounded()),
        };
        http_server::check_tls(&options, &mut ctx)?;
        http_server::ready(&mut ctx);
        let scheme = if options.tls.is_some() { "https" } else { "http" };
        tracing::info!(endpoint = %addr, scheme, "pprof is serving at /debug/pprof/.");
        let served = http_server::serve(listener, app, options, ctx.shutdown.clone())
            .await
            .map_err(|e| ComponentError::Failed(format!("pprof server failed: {e}")));
        if let Some((path, starting)) = whole_run {
            let profile = match starting.await {
                Ok(Ok(p)) => p.finish().await,
                Ok(Err(e)) => Err(e),
                Err(e) => Err(ProfileError::Profiler(e.to_string())),
            };
            match profile {
                Ok(bytes) => match tokio::fs::write(&path, &bytes).await {
                    Ok(()) => {
                        tracing::info!(file = %path, bytes = bytes.len(), "CPU profile of the run saved.")
                    }
                    Err(e) => {
                        tracing::error!(file = %path, error = %e, "Cannot write the CPU profile (`save_to_file`).")
                    }
                },
                Err(e) => tracing::error!(error = %e, "No CPU profile of the run (`save_to_file`)."),
            }
        }
        served
    }
}

pub struct PprofFactory;

impl TypedFactory for PprofFactory {
    type Config = PprofConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Extension,
        type_name: "pprof",
        aliases: &[],
        signals: &[],
        stability: Stability::Beta,
        description: "CPU profiles in pprof format and a memory summary over HTTP.",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        ("block_profile_fraction", "Go's blocking profile has no equivalent in a Rust process"),
        ("mutex_profile_fraction", "Go's mutex profile has no equivalent in a Rust process"),
        ("include_metadata", "the profile pages pass no data on"),
        ("tls.ca_file", "a server verifies clients with `client_ca_file`"),
        ("tls.reload_interval", "certificates are read once, at start"),
        ("tls.cipher_suites", "rustls chooses among its secure suites"),
        ("tls.include_system_ca_certs_pool", "a client-side key"),
    ];

    fn check(&self, config: &PprofConfig) -> Vec<ConfigProblem> {
        let mut p = config.server_keys().problems();
        if let Some(tls) = &config.tls {
            p.extend(tls.problems());
        }
        p.extend(response_header_problems(&config.response_headers));
        if let Err(e) = resolve_endpoint(&config.endpoint) {
            p.push(ConfigProblem::new("endpoint", e));
        }
        if let Some(f) = &config.save_to_file
            && f.trim().is_empty()
        {
            p.push(ConfigProblem::new("save_to_file", "must be a file path when set"));
        }
        p
    }

    fn build(&self, _ctx: &CreateContext, config: PprofConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Extension(Box::new(Pprof { config })))
    }
}

#[cfg(test)]
mod tests;
