//! `google.rpc.Status` with `google.rpc.RetryInfo` (prost derive, no extra proto crate): what the
//! `otlp` receiver sends as the details of a retryable gRPC refusal and as the body of an OTLP/HTTP
//! error answer, and what the `otlp`/`otlphttp` exporters read back from their peers.

use std::time::Duration;

use prost::Message;

#[derive(Clone, PartialEq, Message, serde::Serialize)]
pub struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub code: i32,
    #[prost(string, tag = "2")]
    pub message: String,
    #[prost(message, repeated, tag = "3")]
    #[serde(skip)]
    pub details: Vec<Any>,
}

#[derive(Clone, PartialEq, Message)]
pub struct Any {
    #[prost(string, tag = "1")]
    pub type_url: String,
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
}

#[derive(Clone, PartialEq, Message)]
pub struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    pub retry_delay: Option<ProtoDuration>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ProtoDuration {
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

pub const RETRY_INFO_TYPE: &str = "type.googleapis.com/google.rpc.RetryInfo";

/// A status with no details (OTLP/HTTP error bodies of non-retryable answers).
pub fn status(code: i32, message: &str) -> RpcStatus {
    RpcStatus { code, message: message.to_string(), details: Vec::new() }
}

/// A status whose details hold `RetryInfo { retry_delay }`.
pub fn status_with_retry(code: i32, message: &str, retry_delay: Duration) -> RpcStatus {
    let info = RetryInfo {
        retry_delay: Some(ProtoDuration {
            seconds: i64::try_from(retry_delay.as_secs()).unwrap_or(i64::MAX),
            nanos: retry_delay.subsec_nanos() as i32,
        }),
    };
    RpcStatus {
        code,
        message: message.to_string(),
        details: vec![Any { type_url: RETRY_INFO_TYPE.into(), value: info.encode_to_vec() }],
    }
}

/// The `RetryInfo.retry_delay` in encoded `google.rpc.Status` details, if any (capped at one hour).
pub fn retry_delay(status_details: &[u8]) -> Option<Duration> {
    let status = RpcStatus::decode(status_details).ok()?;
    status.details.iter().filter(|d| d.type_url.ends_with("google.rpc.RetryInfo")).find_map(|d| {
        let info = RetryInfo::decode(d.value.as_slice()).ok()?;
        let delay = info.retry_delay?;
        let secs = u64::try_from(delay.seconds).ok()?;
        let nanos = u32::try_from(delay.nanos).unwrap_or(0).min(999_999_999);
        Some(Duration::new(secs.min(3600), nanos))
    })
}
