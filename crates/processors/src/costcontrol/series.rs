//! Series identity of metric points for the cardinality limits (costcontrol, nrerrormonitor): a
//! hash of the resource attributes and the point attributes that does not depend on their order
//! (New Relic flattens both into one attribute set; a series is a metric name plus that set).

use dbintel_core::pdata::{Attributes, Value};
use dbintel_sql::fnv1a64;

/// SplitMix64's finalizer.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn value_hash(v: &Value) -> u64 {
    match v {
        Value::Str(s) => fnv1a64(s.as_bytes()),
        Value::Bool(b) => mix(u64::from(*b) ^ 0x11),
        Value::Int(i) => mix(*i as u64 ^ 0x22),
        Value::Double(d) => mix(d.to_bits() ^ 0x33),
        Value::Bytes(b) => mix(fnv1a64(b) ^ 0x44),
        Value::Array(a) => a.iter().fold(0x55u64, |h, v| mix(h ^ value_hash(v))),
        Value::Map(m) => mix(attributes_hash(m, |_| false) ^ 0x66),
    }
}

/// An order-independent hash of `attrs`, leaving out the keys `skip` names.
pub fn attributes_hash(attrs: &Attributes, skip: impl Fn(&str) -> bool) -> u64 {
    let mut h = 0u64;
    for (k, v) in attrs.iter() {
        if skip(k) {
            continue;
        }
        h = h.wrapping_add(mix(fnv1a64(k.as_bytes()) ^ value_hash(v).rotate_left(17)));
    }
    h
}

/// The series of a point: its resource's attribute hash combined with the point's.
#[inline]
pub fn series(resource_hash: u64, point_hash: u64) -> u64 {
    mix(resource_hash ^ mix(point_hash))
}
