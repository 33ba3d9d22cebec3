//! Typed deserialization of config values with the key path of the first problem.
//!
//! Deserialization is weakly typed, like the Go collector's `mapstructure` decoding with
//! `WeaklyTypedInput`: a config value that came from an environment variable (`${env:PORT}`) or was
//! quoted in YAML still fits the field it is meant for.
//!
//! - a string field accepts a number or a boolean, rendered as text (`password: 12345`);
//! - an integer, float or boolean field accepts a string that parses (`port: "5432"`, `enabled: "true"`);
//! - a struct or map field accepts `null` as "no keys set" (`tls:` with no body means all defaults);
//! - an enum accepts its variant name as a string (and a number or boolean rendered as text).
//!
//! Everything else (unknown fields under `deny_unknown_fields`, wrong shapes, unknown enum variants) is
//! reported with serde's message and the key path where it happened.

use std::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use serde_json::Value;

use crate::component::ConfigProblem;

type Error = serde_json::Error;

/// Deserializes `value` into `T`, naming the key path (`queries[0].sql`) where it fails.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, ConfigProblem> {
    serde_path_to_error::deserialize(Lenient(value)).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        ConfigProblem::new(path, e.into_inner().to_string())
    })
}

/// A weakly typed deserializer over a borrowed JSON value. Maps and sequences are walked with the
/// same leniency at every depth.
#[derive(Clone, Copy)]
pub struct Lenient<'a>(pub &'a Value);

impl fmt::Debug for Lenient<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Lenient").field(self.0).finish()
    }
}

/// Parses the boolean spellings a Go config would accept from text.
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Renders a scalar as the text a string field gets.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl<'a> Lenient<'a> {
    fn any<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_str(s),
            Value::Array(items) => {
                let mut seq = SeqAccess { iter: items.iter(), len: items.len() };
                let out = visitor.visit_seq(&mut seq)?;
                if seq.iter.len() == 0 {
                    Ok(out)
                } else {
                    Err(de::Error::invalid_length(seq.len, &"fewer elements in sequence"))
                }
            }
            Value::Object(map) => visitor.visit_map(MapAccess { iter: map.iter(), value: None }),
        }
    }

    /// Integers: a number as is, or a string that parses as an integer (or float, which the
    /// visitor then judges).
    fn integer<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Value::String(s) = self.0 {
            let t = s.trim();
            if let Ok(u) = t.parse::<u64>() {
                return visitor.visit_u64(u);
            }
            if let Ok(i) = t.parse::<i64>() {
                return visitor.visit_i64(i);
            }
            if looks_numeric(t)
                && let Ok(f) = t.parse::<f64>()
            {
                return visitor.visit_f64(f);
            }
        }
        self.any(visitor)
    }

    fn float<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Value::String(s) = self.0 {
            let t = s.trim();
            if looks_numeric(t)
                && let Ok(f) = t.parse::<f64>()
            {
                return visitor.visit_f64(f);
            }
        }
        self.any(visitor)
    }

    fn text<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Number(_) | Value::Bool(_) => match scalar_text(self.0) {
                Some(s) => visitor.visit_string(s),
                None => self.any(visitor),
            },
            _ => self.any(visitor),
        }
    }

    fn map_like<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_map(MapAccess { iter: EMPTY.iter(), value: None }),
            _ => self.any(visitor),
        }
    }
}

static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
    std::sync::LazyLock::new(serde_json::Map::new);

/// Only plain decimal spellings count as numbers (Rust's float parser also takes `inf` and `NaN`).
fn looks_numeric(s: &str) -> bool {
    !s.is_empty()
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
}

macro_rules! forward_integer {
    ($($m:ident)*) => {$(
        fn $m<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.integer(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Lenient<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Value::String(s) = self.0
            && let Some(b) = parse_bool(s)
        {
            return visitor.visit_bool(b);
        }
        self.any(visitor)
    }

    forward_integer!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.float(visitor)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.float(visitor)
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(visitor)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(visitor)
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(visitor)
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor)
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor)
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.any(visitor)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.any(visitor)
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.map_like(visitor)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.map_like(visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(StrDeserializer::<Error>::new(s)),
            Value::Number(_) | Value::Bool(_) => match scalar_text(self.0) {
                Some(s) => visitor.visit_enum(s.as_str().into_deserializer()),
                None => self.any(visitor),
            },
            Value::Object(map) if map.len() == 1 => match map.iter().next() {
                Some((variant, value)) => visitor.visit_enum(EnumAccess { variant, value }),
                None => self.any(visitor),
            },
            Value::Object(_) => Err(de::Error::invalid_value(
                de::Unexpected::Map,
                &"a string, or a map with a single key naming the variant",
            )),
            _ => self.any(visitor),
        }
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.text(visitor)
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct SeqAccess<'a> {
    iter: std::slice::Iter<'a, Value>,
    len: usize,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        match self.iter.next() {
            Some(v) => seed.deserialize(Lenient(v)).map(Some),
            None => Ok(None),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct MapAccess<'a> {
    iter: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'_> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some(v);
                // Keys go through the same lenient rules, so `HashMap<u16, _>` takes `"5432": ...`.
                let key = Value::String(k.clone());
                seed.deserialize(Lenient(&key)).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(v) => seed.deserialize(Lenient(v)),
            None => Err(de::Error::custom("value requested before key")),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct EnumAccess<'a> {
    variant: &'a str,
    value: &'a Value,
}

impl<'de, 'a> de::EnumAccess<'de> for EnumAccess<'a> {
    type Error = Error;
    type Variant = VariantAccess<'a>;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, VariantAccess<'a>), Error> {
        let v = seed.deserialize(StrDeserializer::<Error>::new(self.variant))?;
        Ok((v, VariantAccess(self.value)))
    }
}

struct VariantAccess<'a>(&'a Value);

impl<'de> de::VariantAccess<'de> for VariantAccess<'_> {
    type Error = Error;
    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(unexpected(other), &"unit variant")),
        }
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(Lenient(self.0))
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        Lenient(self.0).deserialize_seq(visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        Lenient(self.0).map_like(visitor)
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::GoDuration;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Conn {
        host: String,
        port: u16,
        password: String,
        #[serde(default)]
        tls: Tls,
        #[serde(default)]
        ratio: f64,
        #[serde(default)]
        timeout: Option<GoDuration>,
    }

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(deny_unknown_fields)]
    struct Tls {
        #[serde(default)]
        insecure: bool,
        #[serde(default)]
        ca_file: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum DataType {
        Gauge,
        Sum,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Metric {
        name: String,
        data_type: DataType,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Query {
        sql: String,
        metrics: Vec<Metric>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Queries {
        queries: Vec<Query>,
    }

    #[test]
    fn strings_accept_numbers_and_bools_and_numbers_accept_strings() {
        let v = json!({
            "host": "db", "port": "5432", "password": 12345,
            "tls": {"insecure": "true", "ca_file": false}, "ratio": "0.5", "timeout": "10s"
        });
        let c: Conn = from_value(&v).unwrap();
        assert_eq!(c.port, 5432);
        assert_eq!(c.password, "12345");
        assert!(c.tls.insecure);
        assert_eq!(c.tls.ca_file.as_deref(), Some("false"));
        assert_eq!(c.ratio, 0.5);
        assert_eq!(c.timeout, Some(GoDuration::from_secs(10)));
    }

    #[test]
    fn null_struct_means_defaults() {
        let v = json!({"host": "db", "port": 1, "password": "x", "tls": null});
        let c: Conn = from_value(&v).unwrap();
        assert_eq!(c.tls, Tls::default());
    }

    #[test]
    fn unparsable_strings_still_fail_with_path() {
        let v = json!({"host": "db", "port": "fifty", "password": "x"});
        let e = from_value::<Conn>(&v).unwrap_err();
        assert_eq!(e.path, "port");
        assert!(e.message.contains("fifty"), "{e}");
        let v = json!({"host": "db", "port": 70000, "password": "x"});
        let e = from_value::<Conn>(&v).unwrap_err();
        assert_eq!(e.path, "port");
        let v = json!({"host": "db", "port": 1, "password": "x", "tls": {"insecure": "yes please"}});
        let e = from_value::<Conn>(&v).unwrap_err();
        assert_eq!(e.path, "tls.insecure");
        // Structure is not made up: a map is not a string.
        let v = json!({"host": {"a": 1}, "port": 1, "password": "x"});
        assert_eq!(from_value::<Conn>(&v).unwrap_err().path, "host");
    }

    #[test]
    fn unknown_fields_name_the_key_and_the_path() {
        let v = json!({"host": "db", "port": 1, "password": "x", "tls": {"insecur": true}});
        let e = from_value::<Conn>(&v).unwrap_err();
        assert_eq!(e.path, "tls.insecur");
        assert!(e.message.contains("unknown field `insecur`"), "{e}");
    }

    #[test]
    fn enum_errors_carry_the_full_path() {
        let v = json!({"queries": [{"sql": "select 1", "metrics": [
            {"name": "a", "data_type": "gauge"}, {"name": "b", "data_type": "gauges"}]}]});
        let e = from_value::<Queries>(&v).unwrap_err();
        assert_eq!(e.path, "queries[0].metrics[1].data_type");
        assert_eq!(e.message, "unknown variant `gauges`, expected `gauge` or `sum`");
        let v = json!({"queries": [{"sql": 1, "metrics": [{"name": true, "data_type": "sum"}]}]});
        let q: Queries = from_value(&v).unwrap();
        assert_eq!(q.queries[0].sql, "1");
        assert_eq!(q.queries[0].metrics[0].name, "true");
        assert_eq!(q.queries[0].metrics[0].data_type, DataType::Sum);
    }

    #[test]
    fn map_keys_and_untyped_values_are_kept() {
        let v = json!({"5432": "pg", "3306": "my"});
        let m: HashMap<u16, String> = from_value(&v).unwrap();
        assert_eq!(m[&5432], "pg");
        let v = json!({"a": [1, "x", null, {"b": 2.5}]});
        let back: serde_json::Value = from_value(&v).unwrap();
        assert_eq!(back, v);
        let n: i64 = from_value(&json!("-12")).unwrap();
        assert_eq!(n, -12);
        let f: f32 = from_value(&json!(" 1e3 ")).unwrap();
        assert_eq!(f, 1000.0);
        assert!(from_value::<f64>(&json!("NaN")).is_err());
        assert!(from_value::<u8>(&json!("1.5")).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_scalar(s in "\\PC{0,16}", n in proptest::num::f64::ANY, i in proptest::num::i64::ANY) {
            for v in [json!(s), json!(n), json!(i), json!({"host": s, "port": s, "password": i, "tls": s})] {
                let _ = from_value::<Conn>(&v);
                let _ = from_value::<u16>(&v);
                let _ = from_value::<bool>(&v);
                let _ = from_value::<DataType>(&v);
            }
        }
    }
}
