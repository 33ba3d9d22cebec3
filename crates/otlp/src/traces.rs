//! Traces on the wire: our span model to the OTLP protobuf messages ([`to_proto_traces`]) and back
//! ([`from_proto_traces`], for the `otlp` receiver). dbintel passes spans through, so the round trip
//! keeps every field the data model has: ids as the exact bytes received (a `traceparent` that a
//! query sample carries keeps naming the span), trace state, flags, kind, status, events, links and
//! the dropped counts.
//!
//! What the data model does not hold is dropped on the way in and named here: resource and scope
//! `dropped_attributes_count`, resource `entity_refs`, and the profiles-only `key_strindex` /
//! `string_value_strindex` references (which OTLP traces never set).

use dbintel_core::pdata::{
    Attributes, Resource, ResourceSpans, Scope, ScopeSpans, Span, SpanEvent, SpanKind, SpanLink, SpanStatus,
    StatusCode, Traces, Value,
};
use opentelemetry_proto::tonic::common::v1 as pc;
use opentelemetry_proto::tonic::resource::v1 as pr;

use crate::trace_proto as pt;
use crate::trace_proto::ExportTraceServiceRequest;

use crate::proto::key_values;

/// Deepest nesting of array/map values converted from a peer; deeper values become strings
/// naming the cut, so a hostile request cannot exhaust the stack.
pub const MAX_VALUE_DEPTH: usize = 32;

/// Converts a traces batch to the OTLP export request (the body of OTLP/gRPC and OTLP/HTTP).
pub fn to_proto_traces(traces: &Traces) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: traces
            .resource_spans
            .iter()
            .map(|rs| pt::ResourceSpans {
                resource: Some(pr::Resource {
                    attributes: key_values(&rs.resource.attributes),
                    ..Default::default()
                }),
                scope_spans: rs
                    .scope_spans
                    .iter()
                    .map(|ss| pt::ScopeSpans {
                        scope: Some(scope_to_proto(&ss.scope)),
                        spans: ss.spans.iter().map(span_to_proto).collect(),
                        schema_url: ss.schema_url.clone(),
                    })
                    .collect(),
                schema_url: rs.schema_url.clone(),
            })
            .collect(),
    }
}

fn scope_to_proto(s: &Scope) -> pc::InstrumentationScope {
    pc::InstrumentationScope {
        name: s.name.clone(),
        version: s.version.clone(),
        attributes: key_values(&s.attributes),
        dropped_attributes_count: 0,
    }
}

fn span_to_proto(s: &Span) -> pt::Span {
    pt::Span {
        trace_id: s.trace_id.clone(),
        span_id: s.span_id.clone(),
        trace_state: s.trace_state.clone(),
        parent_span_id: s.parent_span_id.clone(),
        flags: s.flags,
        name: s.name.clone(),
        kind: s.kind.0,
        start_time_unix_nano: s.start_time_unix_nano,
        end_time_unix_nano: s.end_time_unix_nano,
        attributes: key_values(&s.attributes),
        dropped_attributes_count: s.dropped_attributes_count,
        events: s
            .events
            .iter()
            .map(|e| pt::span::Event {
                time_unix_nano: e.time_unix_nano,
                name: e.name.clone(),
                attributes: key_values(&e.attributes),
                dropped_attributes_count: e.dropped_attributes_count,
            })
            .collect(),
        dropped_events_count: s.dropped_events_count,
        links: s
            .links
            .iter()
            .map(|l| pt::span::Link {
                trace_id: l.trace_id.clone(),
                span_id: l.span_id.clone(),
                trace_state: l.trace_state.clone(),
                attributes: key_values(&l.attributes),
                dropped_attributes_count: l.dropped_attributes_count,
                flags: l.flags,
            })
            .collect(),
        dropped_links_count: s.dropped_links_count,
        status: s.status.as_ref().map(|st| pt::Status { message: st.message.clone(), code: st.code.0 }),
    }
}

/// Converts an OTLP export request (as a receiver decoded it) to a traces batch. Takes the request
/// by value: strings and id bytes move, nothing is copied. Never fails: every OTLP message has a
/// pdata form (see the module docs for what is dropped).
pub fn from_proto_traces(request: ExportTraceServiceRequest) -> Traces {
    Traces {
        resource_spans: request
            .resource_spans
            .into_iter()
            .map(|rs| ResourceSpans {
                resource: Resource {
                    attributes: rs.resource.map(|r| attributes_from_proto(r.attributes)).unwrap_or_default(),
                },
                scope_spans: rs
                    .scope_spans
                    .into_iter()
                    .map(|ss| ScopeSpans {
                        scope: ss.scope.map(scope_from_proto).unwrap_or_default(),
                        spans: ss.spans.into_iter().map(span_from_proto).collect(),
                        schema_url: ss.schema_url,
                    })
                    .collect(),
                schema_url: rs.schema_url,
            })
            .collect(),
    }
}

fn scope_from_proto(s: pc::InstrumentationScope) -> Scope {
    Scope { name: s.name, version: s.version, attributes: attributes_from_proto(s.attributes) }
}

fn span_from_proto(s: pt::Span) -> Span {
    Span {
        trace_id: s.trace_id,
        span_id: s.span_id,
        trace_state: s.trace_state,
        parent_span_id: s.parent_span_id,
        flags: s.flags,
        name: s.name,
        kind: SpanKind(s.kind),
        start_time_unix_nano: s.start_time_unix_nano,
        end_time_unix_nano: s.end_time_unix_nano,
        attributes: attributes_from_proto(s.attributes),
        dropped_attributes_count: s.dropped_attributes_count,
        events: s
            .events
            .into_iter()
            .map(|e| SpanEvent {
                time_unix_nano: e.time_unix_nano,
                name: e.name,
                attributes: attributes_from_proto(e.attributes),
                dropped_attributes_count: e.dropped_attributes_count,
            })
            .collect(),
        dropped_events_count: s.dropped_events_count,
        links: s
            .links
            .into_iter()
            .map(|l| SpanLink {
                trace_id: l.trace_id,
                span_id: l.span_id,
                trace_state: l.trace_state,
                attributes: attributes_from_proto(l.attributes),
                dropped_attributes_count: l.dropped_attributes_count,
                flags: l.flags,
            })
            .collect(),
        dropped_links_count: s.dropped_links_count,
        status: s.status.map(|st| SpanStatus { message: st.message, code: StatusCode(st.code) }),
    }
}

/// OTLP key/value pairs to attributes. A repeated key keeps its last value (our attributes have
/// unique keys; OTLP says duplicates are undefined behaviour).
pub fn attributes_from_proto(kvs: Vec<pc::KeyValue>) -> Attributes {
    attributes_at_depth(kvs, 0)
}

fn attributes_at_depth(kvs: Vec<pc::KeyValue>, depth: usize) -> Attributes {
    let mut a = Attributes::with_capacity(kvs.len());
    for kv in kvs {
        let v = kv.value.map(|v| value_at_depth(v, depth)).unwrap_or(Value::Str(Default::default()));
        a.insert(kv.key, v);
    }
    a
}

/// An OTLP `AnyValue` as a [`Value`]. An empty `AnyValue` (no member set) becomes an empty string.
pub fn value_from_proto(v: pc::AnyValue) -> Value {
    value_at_depth(v, 0)
}

fn value_at_depth(v: pc::AnyValue, depth: usize) -> Value {
    use pc::any_value::Value as V;
    if depth >= MAX_VALUE_DEPTH && matches!(v.value, Some(V::ArrayValue(_) | V::KvlistValue(_))) {
        return Value::from(format!("<nested deeper than {MAX_VALUE_DEPTH} levels: cut>"));
    }
    match v.value {
        None => Value::Str(Default::default()),
        Some(V::StringValue(s)) => Value::from(s),
        Some(V::BoolValue(b)) => Value::Bool(b),
        Some(V::IntValue(i)) => Value::Int(i),
        Some(V::DoubleValue(d)) => Value::Double(d),
        Some(V::BytesValue(b)) => Value::Bytes(b),
        Some(V::ArrayValue(a)) => {
            Value::Array(a.values.into_iter().map(|v| value_at_depth(v, depth + 1)).collect())
        }
        Some(V::KvlistValue(m)) => Value::Map(attributes_at_depth(m.values, depth + 1)),
        // A profiles-only dictionary reference: no dictionary in a traces request.
        Some(V::StringValueStrindex(i)) => Value::from(format!("<string table index {i}>")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use prost::Message;

    #[test]
    fn a_round_trip_keeps_every_field_byte_exact() {
        let traces = fixtures::sample_traces();
        let req = to_proto_traces(&traces);
        let bytes = req.encode_to_vec();
        let decoded = ExportTraceServiceRequest::decode(bytes.as_slice()).unwrap();
        assert_eq!(decoded, req);
        let back = from_proto_traces(decoded);
        assert_eq!(back, traces);
        // And once more through the wire: the same bytes.
        assert_eq!(to_proto_traces(&back).encode_to_vec(), bytes);
    }

    #[test]
    fn ids_kinds_status_events_and_links_reach_the_proto() {
        let req = to_proto_traces(&fixtures::sample_traces());
        let spans = &req.resource_spans[0].scope_spans[0].spans;
        let (root, child) = (&spans[0], &spans[1]);
        assert_eq!(root.trace_id, fixtures::TRACE_ID.to_vec());
        assert!(root.parent_span_id.is_empty());
        assert_eq!(child.parent_span_id, root.span_id);
        assert_eq!(child.kind, pt::span::SpanKind::Client as i32);
        assert_eq!(child.status.as_ref().map(|s| s.code), Some(pt::status::StatusCode::Error as i32));
        assert_eq!(child.events[0].name, "exception");
        assert_eq!(child.links[0].trace_id, fixtures::OTHER_TRACE_ID.to_vec());
        assert_eq!(child.links[0].trace_state, "vendor=1");
        assert_eq!((child.dropped_attributes_count, child.dropped_events_count), (2, 3));
        assert_eq!(child.dropped_links_count, 4);
        assert_eq!(child.flags, 0x301);
        assert_eq!(root.status, None);
    }

    #[test]
    fn hostile_nesting_is_cut_not_recursed() {
        let mut v = pc::AnyValue { value: Some(pc::any_value::Value::StringValue("leaf".into())) };
        // prost refuses messages nested deeper than 100 levels, so this is about the worst a
        // decoded request can hold.
        for _ in 0..90 {
            v = pc::AnyValue {
                value: Some(pc::any_value::Value::ArrayValue(pc::ArrayValue { values: vec![v] })),
            };
        }
        let mut depth = 0;
        let mut cur = &value_from_proto(v);
        while let Value::Array(a) = cur {
            depth += 1;
            cur = &a[0];
        }
        assert_eq!(depth, MAX_VALUE_DEPTH);
        assert!(cur.as_str().is_some_and(|s| s.contains("cut")), "{cur:?}");
    }

    #[test]
    fn missing_messages_become_defaults_and_duplicate_keys_keep_the_last() {
        let kv = |k: &str, v: i64| pc::KeyValue {
            key: k.into(),
            value: Some(pc::AnyValue { value: Some(pc::any_value::Value::IntValue(v)) }),
            ..Default::default()
        };
        let req = ExportTraceServiceRequest {
            resource_spans: vec![pt::ResourceSpans {
                resource: None,
                scope_spans: vec![pt::ScopeSpans {
                    scope: None,
                    spans: vec![pt::Span { attributes: vec![kv("a", 1), kv("a", 2)], ..Default::default() }],
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            }],
        };
        let t = from_proto_traces(req);
        assert_eq!(t.span_count(), 1);
        let span = &t.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(span.attributes.get("a"), Some(&Value::Int(2)));
        assert_eq!(span.attributes.len(), 1);
        assert!(t.resource_spans[0].resource.attributes.is_empty());
    }
}
