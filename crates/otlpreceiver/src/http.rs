//! OTLP/HTTP: `POST` of protobuf (`application/x-protobuf`) or OTLP-JSON (`application/json`) bodies
//! to the signals' URL paths, `Content-Encoding` gzip, zstd or deflate, bounded by
//! `max_request_body_size` before and after decompression, CORS for browsers, answers in the
//! request's encoding (partial success in the body), refusals as 429/503 with `Retry-After`.

use std::convert::Infallible;
use std::io::Read;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use prost::Message;

use crate::config::{CorsConfig, HttpConfig, url_path};
use crate::rpc;
use crate::signal::{Ingest, Logs, Metrics, OtlpSignal, Refusal, Traces};

const PROTOBUF: &str = "application/x-protobuf";
const JSON: &str = "application/json";

/// The HTTP side: one route per signal.
pub struct Routes {
    ingest: Arc<Ingest>,
    metrics_path: String,
    logs_path: String,
    traces_path: String,
    max_body: u64,
    cors: Option<CorsConfig>,
}

#[derive(Clone, Copy)]
enum Route {
    Metrics,
    Logs,
    Traces,
}

#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Protobuf,
    Json,
}

impl Encoding {
    fn content_type(self) -> &'static str {
        match self {
            Encoding::Protobuf => PROTOBUF,
            Encoding::Json => JSON,
        }
    }
}

type Body = Full<Bytes>;

impl Routes {
    pub fn new(ingest: Arc<Ingest>, cfg: &HttpConfig) -> Self {
        Routes {
            ingest,
            metrics_path: url_path(&cfg.metrics_url_path),
            logs_path: url_path(&cfg.logs_url_path),
            traces_path: url_path(&cfg.traces_url_path),
            max_body: cfg.max_request_body_size,
            cors: cfg.cors.clone(),
        }
    }

    /// Handles one request; every outcome is an HTTP answer.
    pub async fn handle(self: Arc<Self>, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
        let origin = req.headers().get(header::ORIGIN).cloned();
        let mut resp = self.route(req).await;
        if let (Some(cors), Some(origin)) = (&self.cors, origin)
            && origin_allowed(cors, &origin)
        {
            let h = resp.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        Ok(resp)
    }

    async fn route(&self, req: Request<Incoming>) -> Response<Body> {
        let route = match req.uri().path() {
            p if p == self.metrics_path => Route::Metrics,
            p if p == self.logs_path => Route::Logs,
            p if p == self.traces_path => Route::Traces,
            _ => return plain(StatusCode::NOT_FOUND, "404 page not found"),
        };
        if req.method() == Method::OPTIONS {
            return self.preflight(req.headers());
        }
        if req.method() != Method::POST {
            let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "405 method not allowed, supported: [POST]");
            r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
            return r;
        }
        let encoding = match content_type(req.headers()) {
            Some(e) => e,
            None => {
                let got = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
                return plain(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    &format!("415 unsupported media type `{got}`, supported: [{JSON}, {PROTOBUF}]"),
                );
            }
        };
        let body = match self.read_body(req).await {
            Ok(b) => b,
            Err((code, msg)) => return error(encoding, code, &msg),
        };
        match route {
            Route::Metrics => self.export::<Metrics>(encoding, &body).await,
            Route::Logs => self.export::<Logs>(encoding, &body).await,
            Route::Traces => self.export::<Traces>(encoding, &body).await,
        }
    }

    async fn export<S: OtlpSignal>(&self, encoding: Encoding, body: &[u8]) -> Response<Body> {
        let request = match encoding {
            Encoding::Protobuf => S::Request::decode(body).map_err(|e| e.to_string()),
            Encoding::Json => {
                dbintel_otlp::json_doubles::request_from_json::<S::Request>(body).map_err(|e| e.to_string())
            }
        };
        let request = match request {
            Ok(r) => r,
            Err(e) => {
                return error(
                    encoding,
                    StatusCode::BAD_REQUEST,
                    &format!("the request body is not OTLP: {e}"),
                );
            }
        };
        match self.ingest.consume::<S>(request).await {
            Ok(answer) => {
                let bytes = match encoding {
                    Encoding::Protobuf => answer.encode_to_vec(),
                    Encoding::Json => serde_json::to_vec(&answer).unwrap_or_else(|_| b"{}".to_vec()),
                };
                respond(StatusCode::OK, encoding.content_type(), bytes)
            }
            Err(refusal) => {
                let message = refusal.message(S::SIGNAL);
                let code = match refusal {
                    Refusal::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
                    Refusal::Busy | Refusal::ShuttingDown | Refusal::NotDelivered => {
                        StatusCode::SERVICE_UNAVAILABLE
                    }
                    Refusal::NotWired => return error(encoding, StatusCode::NOT_FOUND, &message),
                };
                let mut r = error(encoding, code, &message);
                let secs = self.ingest.retry_after.as_secs().max(1);
                r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
                r
            }
        }
    }

    /// The body, decompressed, at most `max_request_body_size` bytes before and after.
    async fn read_body(&self, req: Request<Incoming>) -> Result<Vec<u8>, (StatusCode, String)> {
        let too_large = || {
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than {} bytes", self.max_body),
            )
        };
        let coding = req
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase())
            .unwrap_or_default();
        let limit = usize::try_from(self.max_body).unwrap_or(usize::MAX);
        let raw = match Limited::new(req.into_body(), limit).collect().await {
            Ok(c) => c.to_bytes(),
            Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
                return Err(too_large());
            }
            Err(e) => return Err((StatusCode::BAD_REQUEST, format!("reading the request body: {e}"))),
        };
        let reader: Box<dyn Read + '_> = match coding.as_str() {
            "" | "identity" => return Ok(raw.to_vec()),
            "gzip" | "x-gzip" => Box::new(flate2::read::GzDecoder::new(raw.as_ref())),
            "deflate" => Box::new(flate2::read::ZlibDecoder::new(raw.as_ref())),
            "zstd" => Box::new(
                zstd::stream::read::Decoder::new(raw.as_ref())
                    .map_err(|e| (StatusCode::BAD_REQUEST, format!("zstd: {e}")))?,
            ),
            other => {
                return Err((
                    StatusCode::BAD_REQUEST,
                    format!("unsupported Content-Encoding `{other}`, supported: [gzip, zstd, deflate]"),
                ));
            }
        };
        let mut out = Vec::with_capacity(raw.len().saturating_mul(4).min(limit));
        reader
            .take(self.max_body.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| (StatusCode::BAD_REQUEST, format!("decompressing the {coding} body: {e}")))?;
        if out.len() as u64 > self.max_body {
            return Err(too_large());
        }
        Ok(out)
    }

    /// A CORS preflight: 204, with the CORS answer when the origin is allowed.
    fn preflight(&self, headers: &HeaderMap) -> Response<Body> {
        let mut r = respond(StatusCode::NO_CONTENT, "text/plain", Vec::new());
        let (Some(cors), Some(origin)) = (&self.cors, headers.get(header::ORIGIN)) else {
            return r;
        };
        if !origin_allowed(cors, origin) {
            return r;
        }
        let h = r.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST"));
        if let Some(requested) =
            headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS).and_then(|v| v.to_str().ok())
        {
            let allowed: Vec<&str> =
                requested.split(',').map(str::trim).filter(|name| header_allowed(cors, name)).collect();
            if let Ok(v) = HeaderValue::from_str(&allowed.join(", "))
                && !allowed.is_empty()
            {
                h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, v);
            }
        }
        if cors.max_age > 0 {
            h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(cors.max_age));
        }
        r
    }
}

/// Whether `origin` is allowed: `*`, an exact match, or one `*` wildcard (`https://*.example.com`).
fn origin_allowed(cors: &CorsConfig, origin: &HeaderValue) -> bool {
    let Ok(origin) = origin.to_str() else { return false };
    let origin = origin.to_ascii_lowercase();
    cors.allowed_origins.iter().any(|allowed| {
        let allowed = allowed.to_ascii_lowercase();
        match allowed.split_once('*') {
            None => allowed == origin,
            Some(("", "")) => true,
            Some((prefix, suffix)) => {
                origin.len() >= prefix.len() + suffix.len()
                    && origin.starts_with(prefix)
                    && origin.ends_with(suffix)
            }
        }
    })
}

/// Headers always allowed (CORS-safelisted and what OTLP senders set), plus the configured ones.
fn header_allowed(cors: &CorsConfig, name: &str) -> bool {
    const ALWAYS: [&str; 6] = [
        "accept",
        "accept-language",
        "content-language",
        "content-type",
        "content-encoding",
        "x-requested-with",
    ];
    let name = name.to_ascii_lowercase();
    ALWAYS.contains(&name.as_str())
        || cors.allowed_headers.iter().any(|h| h == "*" || h.eq_ignore_ascii_case(&name))
}

fn content_type(headers: &HeaderMap) -> Option<Encoding> {
    let v = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mime = v.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match mime.as_str() {
        PROTOBUF => Some(Encoding::Protobuf),
        JSON => Some(Encoding::Json),
        _ => None,
    }
}

fn respond(code: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = code;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn plain(code: StatusCode, text: &str) -> Response<Body> {
    respond(code, "text/plain; charset=utf-8", text.as_bytes().to_vec())
}

/// An error answer: a `google.rpc.Status` in the request's encoding, as OTLP/HTTP specifies.
fn error(encoding: Encoding, code: StatusCode, message: &str) -> Response<Body> {
    let grpc_code = match code {
        StatusCode::TOO_MANY_REQUESTS => tonic::Code::ResourceExhausted,
        StatusCode::SERVICE_UNAVAILABLE => tonic::Code::Unavailable,
        StatusCode::NOT_FOUND => tonic::Code::Unimplemented,
        StatusCode::PAYLOAD_TOO_LARGE => tonic::Code::InvalidArgument,
        _ => tonic::Code::InvalidArgument,
    };
    let status = rpc::status(grpc_code as i32, message);
    let body = match encoding {
        Encoding::Protobuf => status.encode_to_vec(),
        Encoding::Json => serde_json::to_vec(&status).unwrap_or_default(),
    };
    respond(code, encoding.content_type(), body)
}
