//! `google.rpc.Status` and `google.rpc.RetryInfo`, decoded by hand (prost derive) from gRPC status
//! details and OTLP/HTTP error bodies, so no extra proto crate is needed.

use std::time::Duration;

use prost::Message;

#[derive(Clone, PartialEq, Message)]
pub struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub code: i32,
    #[prost(string, tag = "2")]
    pub message: String,
    #[prost(message, repeated, tag = "3")]
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
