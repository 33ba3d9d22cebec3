//! Telling the peer's verdict from a transport failure.
//!
//! tonic turns every failure into a [`tonic::Status`]: a refused or reset connection, an HTTP/2
//! protocol error (a peer that answers garbage or HTTP/1.1), an HTTP status without `grpc-status`
//! (mapped by the gRPC spec's HTTP table, e.g. 401 -> UNAUTHENTICATED), an undecodable response.
//! Only a `grpc-status` the peer actually sent is its verdict on the request; everything else is a
//! transport failure and worth another attempt. [`VerdictChannel`] wraps the channel and records,
//! per call, the `grpc-status` seen in the response headers (trailers-only response) or trailers.
//!
//! It also drops a `grpc-status-details-bin` that is not valid base64: tonic decodes it with
//! `expect`, so a hostile peer could otherwise panic the exporter.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::task::{Context, Poll};

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use bytes::Bytes;
use http::HeaderMap;
use http_body::{Body, Frame, SizeHint};
use tonic::Code;
use tonic::transport::Channel;
use tower_service::Service;

const GRPC_STATUS: &str = "grpc-status";
const GRPC_STATUS_DETAILS: &str = "grpc-status-details-bin";
const NONE: i32 = -1;

/// Decodes like tonic's own (standard alphabet, padding optional).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The `grpc-status` the peer sent for one call, if any. Put into the request's extensions.
#[derive(Clone, Debug)]
pub struct VerdictSlot(Arc<AtomicI32>);

impl Default for VerdictSlot {
    fn default() -> Self {
        Self(Arc::new(AtomicI32::new(NONE)))
    }
}

impl VerdictSlot {
    /// The code the peer sent (the last one seen), or `None` if it sent no `grpc-status`.
    pub fn code(&self) -> Option<Code> {
        let v = self.0.load(Ordering::Acquire);
        (v != NONE).then(|| Code::from_i32(v))
    }

    /// Records the `grpc-status` of a header block and removes an undecodable status-details header.
    fn observe(&self, headers: &mut HeaderMap) {
        sanitize(headers);
        if let Some(v) = headers.get(GRPC_STATUS) {
            self.0.store(Code::from_bytes(v.as_bytes()) as i32, Ordering::Release);
        }
    }
}

/// Removes a `grpc-status-details-bin` that tonic could not decode (it would panic).
fn sanitize(headers: &mut HeaderMap) {
    let bad = headers.get_all(GRPC_STATUS_DETAILS).iter().any(|v| BASE64.decode(v.as_bytes()).is_err());
    if bad {
        headers.remove(GRPC_STATUS_DETAILS);
    }
}

/// A tonic [`Channel`] that records the peer's `grpc-status` in the call's [`VerdictSlot`].
#[derive(Clone, Debug)]
pub struct VerdictChannel {
    inner: Channel,
}

impl VerdictChannel {
    pub fn new(inner: Channel) -> Self {
        Self { inner }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl Service<http::Request<tonic::body::Body>> for VerdictChannel {
    type Response = http::Response<VerdictBody>;
    type Error = <Channel as Service<http::Request<tonic::body::Body>>>::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Service::poll_ready(&mut self.inner, cx)
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let slot = request.extensions().get::<VerdictSlot>().cloned().unwrap_or_default();
        let fut = Service::call(&mut self.inner, request);
        Box::pin(async move {
            let response = fut.await?;
            let (mut parts, body) = response.into_parts();
            slot.observe(&mut parts.headers);
            Ok(http::Response::from_parts(parts, VerdictBody { inner: body, slot }))
        })
    }
}

/// The response body: records `grpc-status` from the trailers.
#[derive(Debug)]
pub struct VerdictBody {
    inner: tonic::body::Body,
    slot: VerdictSlot,
}

impl Body for VerdictBody {
    type Data = Bytes;
    type Error = <tonic::body::Body as Body>::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = polled {
            let mut frame = frame;
            if let Some(trailers) = frame.trailers_mut() {
                this.slot.observe(trailers);
            }
            return Poll::Ready(Some(Ok(frame)));
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_the_status_and_drops_undecodable_details() {
        let slot = VerdictSlot::default();
        assert_eq!(slot.code(), None);
        let mut h = HeaderMap::new();
        h.insert(GRPC_STATUS, "3".parse().unwrap());
        h.insert(GRPC_STATUS_DETAILS, "!!not base64!!".parse().unwrap());
        slot.observe(&mut h);
        assert_eq!(slot.code(), Some(Code::InvalidArgument));
        assert!(h.get(GRPC_STATUS_DETAILS).is_none());
        // Valid details (with or without padding) are kept.
        for ok in ["CAM=", "CAM"] {
            let mut h = HeaderMap::new();
            h.insert(GRPC_STATUS_DETAILS, ok.parse().unwrap());
            sanitize(&mut h);
            assert!(h.get(GRPC_STATUS_DETAILS).is_some(), "{ok}");
        }
    }
}
