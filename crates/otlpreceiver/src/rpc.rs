//! `google.rpc.Status` with `google.rpc.RetryInfo` (prost derive, no extra proto crate): the details
//! of a retryable gRPC refusal and the body of an OTLP/HTTP error answer.

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
