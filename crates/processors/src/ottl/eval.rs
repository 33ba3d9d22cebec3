//! Running a compiled program on a [`Record`]. Values read from the record are borrowed where
//! they can be; comparisons follow OTTL's rules (numbers compare across int and double, values of
//! different types are never equal and never ordered, `nil` equals only `nil`).

use std::borrow::Cow;
use std::cmp::Ordering;

use dbintel_core::pdata::{Attributes, MetricData, NumberValue, SeverityNumber, Value};
use sha2::{Digest, Sha256, Sha512};

use super::compile::{
    Cond, Conv, Editor, Field, Getter, Mode, Path, Statement, StrFn, Strategy, Transform, TypeKind,
    valid_format,
};
use super::lexer::CmpOp;
use super::parser::{Key, MathOp};
use super::{PointRef, Record, Source};

/// A statement or condition that failed on one record (a type the function cannot use, an
/// arithmetic error). Messages name types, never the values (which may be secrets).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(pub String);

fn fail<T>(msg: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError(msg.into()))
}

/// A value read during evaluation.
#[derive(Debug)]
enum V<'r> {
    Nil,
    Ref(&'r Value),
    Attrs(&'r Attributes),
    Str(&'r str),
    Own(Value),
}

/// A value's type and content, for dispatch.
#[derive(Debug, Clone, Copy)]
enum T<'x> {
    Nil,
    Str(&'x str),
    Int(i64),
    Double(f64),
    Bool(bool),
    Bytes(&'x [u8]),
    List(&'x [Value]),
    Map(&'x Attributes),
}

fn t_of(v: &Value) -> T<'_> {
    match v {
        Value::Str(s) => T::Str(s),
        Value::Int(i) => T::Int(*i),
        Value::Double(d) => T::Double(*d),
        Value::Bool(b) => T::Bool(*b),
        Value::Bytes(b) => T::Bytes(b),
        Value::Array(a) => T::List(a),
        Value::Map(m) => T::Map(m),
    }
}

fn type_name(t: T<'_>) -> &'static str {
    match t {
        T::Nil => "nil",
        T::Str(_) => "string",
        T::Int(_) => "int",
        T::Double(_) => "double",
        T::Bool(_) => "bool",
        T::Bytes(_) => "bytes",
        T::List(_) => "list",
        T::Map(_) => "map",
    }
}

impl<'r> V<'r> {
    fn t(&self) -> T<'_> {
        match self {
            V::Nil => T::Nil,
            V::Ref(v) => t_of(v),
            V::Attrs(a) => T::Map(a),
            V::Str(s) => T::Str(s),
            V::Own(v) => t_of(v),
        }
    }
    fn into_owned(self) -> Option<Value> {
        match self {
            V::Nil => None,
            V::Ref(v) => Some(v.clone()),
            V::Attrs(a) => Some(Value::Map(a.clone())),
            V::Str(s) => Some(Value::Str(s.into())),
            V::Own(v) => Some(v),
        }
    }
}

fn json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Str(s) => J::String(s.to_string()),
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Double(d) => serde_json::Number::from_f64(*d).map_or(J::Null, J::Number),
        Value::Bytes(b) => J::String(hex::encode(b)),
        Value::Array(a) => J::Array(a.iter().map(json).collect()),
        Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.to_string(), json(v))).collect()),
    }
}

fn map_json(m: &Attributes) -> String {
    serde_json::Value::Object(m.iter().map(|(k, v)| (k.to_string(), json(v))).collect()).to_string()
}

/// OTTL's string form of a value (StringLikeGetter); `None` for nil.
fn string_like<'x>(t: T<'x>) -> Option<Cow<'x, str>> {
    Some(match t {
        T::Nil => return None,
        T::Str(s) => Cow::Borrowed(s),
        T::Int(i) => Cow::Owned(i.to_string()),
        T::Double(d) => Cow::Owned(d.to_string()),
        T::Bool(b) => Cow::Owned(b.to_string()),
        T::Bytes(b) => Cow::Owned(hex::encode(b)),
        T::List(a) => Cow::Owned(serde_json::Value::Array(a.iter().map(json).collect()).to_string()),
        T::Map(m) => Cow::Owned(map_json(m)),
    })
}

fn index<'x>(mut cur: T<'x>, keys: &[Key]) -> Result<T<'x>, EvalError> {
    for k in keys {
        cur = match (cur, k) {
            (T::Nil, _) => return Ok(T::Nil),
            (T::Map(m), Key::Str(s)) => m.get(s).map_or(T::Nil, t_of),
            (T::List(a), Key::Int(i)) => match usize::try_from(*i).ok().and_then(|i| a.get(i)) {
                Some(v) => t_of(v),
                None => return fail(format!("index {i} is out of range for a list of {}", a.len())),
            },
            (t, Key::Str(_)) => return fail(format!("a string key needs a map, not a {}", type_name(t))),
            (t, Key::Int(_)) => {
                return fail(format!("an integer index needs a list, not a {}", type_name(t)));
            }
        };
    }
    Ok(cur)
}

/// Re-borrows a `T` taken from `v` as a `V` of the same lifetime.
fn v_of(t: T<'_>) -> V<'_> {
    match t {
        T::Nil => V::Nil,
        T::Str(s) => V::Str(s),
        T::Int(i) => V::Own(Value::Int(i)),
        T::Double(d) => V::Own(Value::Double(d)),
        T::Bool(b) => V::Own(Value::Bool(b)),
        T::Bytes(b) => V::Own(Value::Bytes(b.to_vec())),
        T::List(a) => V::Own(Value::Array(a.to_vec())),
        T::Map(m) => V::Attrs(m),
    }
}

fn missing(what: &str) -> EvalError {
    EvalError(format!("this record has no {what}"))
}

fn field<'r, S: Source + ?Sized>(f: Field, rec: &'r S) -> Result<V<'r>, EvalError> {
    let log = || rec.log().ok_or_else(|| missing("log record"));
    let metric = || rec.metric().ok_or_else(|| missing("metric"));
    let scope = || rec.scope().ok_or_else(|| missing("scope"));
    let point = || rec.point().ok_or_else(|| missing("data point"));
    let span = || rec.span().ok_or_else(|| missing("span"));
    let event = || rec.span_event().ok_or_else(|| missing("span event"));
    let bytes = |b: &[u8]| V::Own(Value::Bytes(b.to_vec()));
    let hex_of = |b: &[u8]| V::Own(Value::Str(hex::encode(b).into()));
    let int = |n: u64| V::Own(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)));
    Ok(match f {
        Field::LogAttributes => V::Attrs(&log()?.attributes),
        Field::PointAttributes => V::Attrs(point()?.attributes()),
        Field::ResourceAttributes => V::Attrs(&rec.resource().attributes),
        Field::ScopeAttributes => V::Attrs(&scope()?.attributes),
        Field::ScopeName => V::Str(&scope()?.name),
        Field::ScopeVersion => V::Str(&scope()?.version),
        Field::Body => log()?.body.as_ref().map_or(V::Nil, V::Ref),
        Field::SeverityNumber => V::Own(Value::Int(i64::from(log()?.severity_number.0))),
        Field::SeverityText => V::Str(&log()?.severity_text),
        Field::Time => int(log()?.time_unix_nano),
        Field::ObservedTime => int(log()?.observed_time_unix_nano),
        Field::EventName => V::Str(&log()?.event_name),
        Field::Flags => V::Own(Value::Int(i64::from(log()?.flags))),
        Field::MetricName => V::Str(metric()?.name),
        Field::MetricDescription => V::Str(metric()?.description),
        Field::MetricUnit => V::Str(metric()?.unit),
        Field::MetricType => V::Own(Value::Int(metric()?.data_type)),
        Field::MetricTemporality => V::Own(Value::Int(metric()?.temporality)),
        Field::MetricMonotonic => V::Own(Value::Bool(metric()?.monotonic)),
        Field::PointValue => match point()? {
            PointRef::Number(p) => match p.value {
                NumberValue::Int(i) => V::Own(Value::Int(i)),
                NumberValue::Double(d) => V::Own(Value::Double(d)),
            },
            _ => V::Nil,
        },
        Field::PointTime => int(match point()? {
            PointRef::Number(p) => p.time_unix_nano,
            PointRef::Histogram(p) => p.time_unix_nano,
            PointRef::Summary(p) => p.time_unix_nano,
        }),
        Field::PointStartTime => int(match point()? {
            PointRef::Number(p) => p.start_time_unix_nano,
            PointRef::Histogram(p) => p.start_time_unix_nano,
            PointRef::Summary(p) => p.start_time_unix_nano,
        }),
        Field::PointFlags => V::Own(Value::Int(i64::from(match point()? {
            PointRef::Number(p) => p.flags,
            PointRef::Histogram(p) => p.flags,
            PointRef::Summary(p) => p.flags,
        }))),
        Field::Cache => match rec.cache() {
            Some(c) => V::Attrs(c),
            None => return fail("no cache in this component"),
        },
        Field::SpanAttributes => V::Attrs(&span()?.attributes),
        Field::SpanName => V::Str(&span()?.name),
        Field::SpanKind => V::Own(Value::Int(i64::from(span()?.kind.0))),
        Field::SpanKindString => V::Str(kind_name(span()?.kind)),
        Field::SpanEvents => V::Own(Value::Array(span()?.events.iter().map(event_map).collect())),
        Field::SpanLinks => V::Own(Value::Array(span()?.links.iter().map(link_map).collect())),
        Field::SpanTraceId => bytes(&span()?.trace_id),
        Field::SpanTraceIdString => hex_of(&span()?.trace_id),
        Field::SpanId => bytes(&span()?.span_id),
        Field::SpanIdString => hex_of(&span()?.span_id),
        Field::SpanParentId => bytes(&span()?.parent_span_id),
        Field::SpanParentIdString => hex_of(&span()?.parent_span_id),
        Field::SpanTraceState => V::Str(&span()?.trace_state),
        Field::SpanStart => int(span()?.start_time_unix_nano),
        Field::SpanEnd => int(span()?.end_time_unix_nano),
        Field::SpanFlags => V::Own(Value::Int(i64::from(span()?.flags))),
        Field::SpanStatusCode => {
            V::Own(Value::Int(span()?.status.as_ref().map_or(0, |s| i64::from(s.code.0))))
        }
        Field::SpanStatusMessage => V::Str(span()?.status.as_ref().map_or("", |s| s.message.as_str())),
        Field::SpanDroppedAttributes => V::Own(Value::Int(i64::from(span()?.dropped_attributes_count))),
        Field::SpanDroppedEvents => V::Own(Value::Int(i64::from(span()?.dropped_events_count))),
        Field::SpanDroppedLinks => V::Own(Value::Int(i64::from(span()?.dropped_links_count))),
        Field::SpanEventName => V::Str(&event()?.name),
        Field::EventTime => int(event()?.time_unix_nano),
        Field::EventAttributes => V::Attrs(&event()?.attributes),
        Field::EventDroppedAttributes => V::Own(Value::Int(i64::from(event()?.dropped_attributes_count))),
    })
}

/// OTTL's `kind.string` names.
const KIND_NAMES: [&str; 6] = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"];

fn kind_name(kind: dbintel_core::pdata::SpanKind) -> &'static str {
    usize::try_from(kind.0).ok().and_then(|i| KIND_NAMES.get(i)).copied().unwrap_or("")
}

/// A span event as `span.events` lists it.
fn event_map(e: &dbintel_core::pdata::SpanEvent) -> Value {
    let mut m = Attributes::with_capacity(4);
    m.insert("name", e.name.as_str());
    m.insert("time_unix_nano", Value::Int(i64::try_from(e.time_unix_nano).unwrap_or(i64::MAX)));
    m.insert("attributes", Value::Map(e.attributes.clone()));
    m.insert("dropped_attributes_count", Value::Int(i64::from(e.dropped_attributes_count)));
    Value::Map(m)
}

/// A span link as `span.links` lists it.
fn link_map(l: &dbintel_core::pdata::SpanLink) -> Value {
    let mut m = Attributes::with_capacity(5);
    m.insert("trace_id", hex::encode(&l.trace_id).as_str());
    m.insert("span_id", hex::encode(&l.span_id).as_str());
    m.insert("trace_state", l.trace_state.as_str());
    m.insert("attributes", Value::Map(l.attributes.clone()));
    m.insert("dropped_attributes_count", Value::Int(i64::from(l.dropped_attributes_count)));
    Value::Map(m)
}

fn get<'r, S: Source + ?Sized>(g: &'r Getter, rec: &'r S) -> Result<V<'r>, EvalError> {
    Ok(match g {
        Getter::Lit(None) => V::Nil,
        Getter::Lit(Some(v)) => V::Ref(v),
        Getter::Path(p) => {
            let v = field(p.field, rec)?;
            if p.keys.is_empty() {
                v
            } else {
                match v {
                    V::Ref(x) => v_of(index(t_of(x), &p.keys)?),
                    V::Attrs(a) => v_of(index(T::Map(a), &p.keys)?),
                    V::Nil => V::Nil,
                    other => match index(other.t(), &p.keys)? {
                        T::Nil => V::Nil,
                        _ => return fail("only maps and lists take keys"),
                    },
                }
            }
        }
        Getter::Conv(c, keys) => {
            let v = converter(c, rec)?;
            if keys.is_empty() {
                v
            } else {
                match index(v.t(), keys)? {
                    T::Nil => V::Nil,
                    // Owned: the converter's result is temporary.
                    t => V::Own(owned(t)),
                }
            }
        }
        Getter::List(items) => V::Own(Value::Array(
            items
                .iter()
                .map(|i| Ok(get(i, rec)?.into_owned()))
                .filter_map(|r| r.transpose())
                .collect::<Result<_, _>>()?,
        )),
        Getter::Map(items) => {
            let mut m = Attributes::with_capacity(items.len());
            for (k, g) in items {
                if let Some(v) = get(g, rec)?.into_owned() {
                    m.insert(k.clone(), v);
                }
            }
            V::Own(Value::Map(m))
        }
        Getter::Math(a, op, b) => {
            let (a, b) = (get(a, rec)?, get(b, rec)?);
            V::Own(math(a.t(), *op, b.t())?)
        }
        Getter::Neg(a) => match get(a, rec)?.t() {
            T::Int(i) => {
                V::Own(Value::Int(i.checked_neg().ok_or_else(|| EvalError("integer overflow".into()))?))
            }
            T::Double(d) => V::Own(Value::Double(-d)),
            t => return fail(format!("cannot negate a {}", type_name(t))),
        },
    })
}

fn owned(t: T<'_>) -> Value {
    match t {
        T::Nil => Value::Str(Default::default()),
        T::Str(s) => Value::Str(s.into()),
        T::Int(i) => Value::Int(i),
        T::Double(d) => Value::Double(d),
        T::Bool(b) => Value::Bool(b),
        T::Bytes(b) => Value::Bytes(b.to_vec()),
        T::List(a) => Value::Array(a.to_vec()),
        T::Map(m) => Value::Map(m.clone()),
    }
}

fn math(a: T<'_>, op: MathOp, b: T<'_>) -> Result<Value, EvalError> {
    let sym = match op {
        MathOp::Add => "+",
        MathOp::Sub => "-",
        MathOp::Mul => "*",
        MathOp::Div => "/",
    };
    match (a, b) {
        (T::Int(x), T::Int(y)) => {
            let r = match op {
                MathOp::Add => x.checked_add(y),
                MathOp::Sub => x.checked_sub(y),
                MathOp::Mul => x.checked_mul(y),
                MathOp::Div if y == 0 => return fail("division by zero"),
                MathOp::Div => x.checked_div(y),
            };
            r.map(Value::Int).ok_or_else(|| EvalError(format!("integer overflow in {sym}")))
        }
        (T::Int(_) | T::Double(_), T::Int(_) | T::Double(_)) => {
            let f = |t: T<'_>| match t {
                T::Int(i) => i as f64,
                T::Double(d) => d,
                _ => 0.0,
            };
            let (x, y) = (f(a), f(b));
            Ok(Value::Double(match op {
                MathOp::Add => x + y,
                MathOp::Sub => x - y,
                MathOp::Mul => x * y,
                MathOp::Div if y == 0.0 => return fail("division by zero"),
                MathOp::Div => x / y,
            }))
        }
        _ => fail(format!("cannot apply {sym} to {} and {}", type_name(a), type_name(b))),
    }
}

/// OTTL comparison: numbers across int/double, strings and bytes lexically, bools and containers
/// by equality only; different types (and nil against a value) are unequal and unordered.
fn compare(a: T<'_>, op: CmpOp, b: T<'_>) -> bool {
    let ord: Option<Ordering> = match (a, b) {
        (T::Nil, T::Nil) => Some(Ordering::Equal),
        (T::Int(x), T::Int(y)) => Some(x.cmp(&y)),
        (T::Int(_) | T::Double(_), T::Int(_) | T::Double(_)) => {
            let f = |t: T<'_>| match t {
                T::Int(i) => i as f64,
                T::Double(d) => d,
                _ => f64::NAN,
            };
            f(a).partial_cmp(&f(b))
        }
        (T::Str(x), T::Str(y)) => Some(x.cmp(y)),
        (T::Bytes(x), T::Bytes(y)) => Some(x.cmp(y)),
        (T::Bool(x), T::Bool(y)) => {
            return match op {
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                _ => false,
            };
        }
        (T::List(x), T::List(y)) => return eq_only(op, x == y),
        (T::Map(x), T::Map(y)) => {
            return eq_only(op, x.len() == y.len() && x.iter().all(|(k, v)| y.get(k) == Some(v)));
        }
        _ => None,
    };
    match ord {
        None => op == CmpOp::Ne,
        Some(o) => match op {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::Ne => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Ge => o != Ordering::Less,
        },
    }
}

fn eq_only(op: CmpOp, eq: bool) -> bool {
    match op {
        CmpOp::Eq => eq,
        CmpOp::Ne => !eq,
        _ => false,
    }
}

fn need_str<'x>(t: T<'x>, what: &str) -> Result<&'x str, EvalError> {
    match t {
        T::Str(s) => Ok(s),
        t => fail(format!("{what} needs a string, not a {}", type_name(t))),
    }
}

fn converter<'r, S: Source + ?Sized>(c: &'r Conv, rec: &'r S) -> Result<V<'r>, EvalError> {
    let own = |v: Value| Ok(V::Own(v));
    match c {
        Conv::Concat(items, delim) => {
            let d = get(delim, rec)?;
            let d = need_str(d.t(), "Concat's delimiter")?;
            let mut out = String::new();
            for (i, g) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(d);
                }
                match string_like(get(g, rec)?.t()) {
                    Some(s) => out.push_str(&s),
                    None => out.push_str("<nil>"),
                }
            }
            own(Value::Str(out.into()))
        }
        Conv::Int(g) => Ok(match get(g, rec)?.t() {
            T::Int(i) => V::Own(Value::Int(i)),
            T::Double(d) if d.is_finite() => V::Own(Value::Int(d.trunc() as i64)),
            T::Str(s) => s.parse::<i64>().map_or(V::Nil, |i| V::Own(Value::Int(i))),
            T::Bool(b) => V::Own(Value::Int(i64::from(b))),
            _ => V::Nil,
        }),
        Conv::Double(g) => Ok(match get(g, rec)?.t() {
            T::Int(i) => V::Own(Value::Double(i as f64)),
            T::Double(d) => V::Own(Value::Double(d)),
            T::Str(s) => s.parse::<f64>().map_or(V::Nil, |d| V::Own(Value::Double(d))),
            T::Bool(b) => V::Own(Value::Double(if b { 1.0 } else { 0.0 })),
            _ => V::Nil,
        }),
        Conv::String(g) => {
            let v = get(g, rec)?;
            Ok(match string_like(v.t()) {
                None => V::Nil,
                Some(s) => V::Own(Value::Str(s.into_owned().into())),
            })
        }
        Conv::IsMatch(g, re) => {
            let v = get(g, rec)?;
            own(Value::Bool(string_like(v.t()).is_some_and(|s| re.is_match(&s))))
        }
        Conv::Is(g, kind) => {
            let v = get(g, rec)?;
            let t = v.t();
            own(Value::Bool(matches!(
                (kind, t),
                (TypeKind::String, T::Str(_))
                    | (TypeKind::Int, T::Int(_))
                    | (TypeKind::Double, T::Double(_))
                    | (TypeKind::Bool, T::Bool(_))
                    | (TypeKind::Map, T::Map(_))
                    | (TypeKind::List, T::List(_))
            )))
        }
        Conv::Len(g) => {
            let v = get(g, rec)?;
            let n = match v.t() {
                T::Str(s) => s.len(),
                T::Bytes(b) => b.len(),
                T::List(a) => a.len(),
                T::Map(m) => m.len(),
                t => return fail(format!("Len needs a string, bytes, list or map, not a {}", type_name(t))),
            };
            own(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
        }
        Conv::Str(f, g) => {
            let v = get(g, rec)?;
            own(Value::from(f.apply(need_str(v.t(), f.name())?)))
        }
        Conv::Split(g, d) => {
            let (v, d) = (get(g, rec)?, get(d, rec)?);
            let (s, d) = (need_str(v.t(), "Split")?, need_str(d.t(), "Split's delimiter")?);
            let parts: Vec<Value> = if d.is_empty() {
                s.chars().map(|c| Value::from(&*c.encode_utf8(&mut [0; 4]))).collect()
            } else {
                s.split(d).map(|p| Value::Str(p.into())).collect()
            };
            own(Value::Array(parts))
        }
        Conv::Substring(g, start, length) => {
            let (v, start, length) = (get(g, rec)?, get(start, rec)?, get(length, rec)?);
            let s = need_str(v.t(), "Substring")?;
            let (T::Int(start), T::Int(length)) = (start.t(), length.t()) else {
                return fail("Substring's start and length must be integers");
            };
            if start < 0 {
                return fail(format!("Substring's start {start} cannot be negative"));
            }
            if length <= 0 {
                return fail(format!("Substring's length {length} cannot be negative or zero"));
            }
            let end = start.saturating_add(length);
            let cut =
                usize::try_from(start).ok().zip(usize::try_from(end).ok()).and_then(|(a, b)| s.get(a..b));
            match cut {
                Some(sub) => own(Value::Str(sub.into())),
                None => fail(format!(
                    "Substring's range {start}..{end} is beyond the target's {} bytes or splits a character",
                    s.len()
                )),
            }
        }
        Conv::ParseJson(g) => {
            let v = get(g, rec)?;
            let s = need_str(v.t(), "ParseJSON")?;
            match serde_json::from_str::<serde_json::Value>(s) {
                Ok(j @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
                    own(from_json(j).unwrap_or(Value::Map(Attributes::new())))
                }
                Ok(_) => fail("ParseJSON needs a JSON object or array"),
                // serde_json's message gives line and column, never the input.
                Err(e) => fail(format!("ParseJSON: not JSON: {e}")),
            }
        }
        Conv::HasAttrKeyOnDatapoint(key) | Conv::HasAttrOnDatapoint(key, _) => {
            let want = match c {
                Conv::HasAttrOnDatapoint(_, v) => Some(v.as_str()),
                _ => None,
            };
            let data = rec.metric().and_then(|m| m.data).ok_or_else(|| missing("metric data"))?;
            let hit = |a: &Attributes| match (a.get(key), want) {
                (Some(_), None) => true,
                (Some(Value::Str(s)), Some(w)) => s == w,
                _ => false,
            };
            let any = match data {
                MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => {
                    p.iter().any(|p| hit(&p.attributes))
                }
                MetricData::Histogram { points, .. } => points.iter().any(|p| hit(&p.attributes)),
                MetricData::Summary(p) => p.iter().any(|p| hit(&p.attributes)),
            };
            own(Value::Bool(any))
        }
    }
}

/// JSON as OTTL's ParseJSON maps it: numbers become doubles, `null` has no value (a null map
/// entry or list item is left out, as pdata has no typed null here).
fn from_json(j: serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    Some(match j {
        J::Null => return None,
        J::Bool(b) => Value::Bool(b),
        J::Number(n) => Value::Double(n.as_f64().unwrap_or(f64::NAN)),
        J::String(s) => Value::Str(s.into()),
        J::Array(a) => Value::Array(a.into_iter().filter_map(from_json).collect()),
        J::Object(o) => {
            let mut m = Attributes::with_capacity(o.len());
            for (k, v) in o {
                if let Some(v) = from_json(v) {
                    m.insert(k, v);
                }
            }
            Value::Map(m)
        }
    })
}

impl StrFn {
    pub fn apply(self, s: &str) -> String {
        match self {
            StrFn::Sha1 => hex::encode(sha1::Sha1::digest(s.as_bytes())),
            StrFn::Sha256 => hex::encode(Sha256::digest(s.as_bytes())),
            StrFn::Sha512 => hex::encode(Sha512::digest(s.as_bytes())),
            StrFn::Md5 => hex::encode(<md5::Md5 as md5::Digest>::digest(s.as_bytes())),
            StrFn::Lower => s.to_lowercase(),
            StrFn::Upper => s.to_uppercase(),
        }
    }
}

/// The `function` and format of a replace editor, evaluated for one record; `None` when there is
/// no function (the format alone does nothing, as in the Collector).
fn prepared(t: &Transform, rec: &Record<'_>) -> Result<Option<(StrFn, Option<String>)>, EvalError> {
    let Some(f) = t.function else { return Ok(None) };
    let format = match &t.format {
        None => None,
        Some(g) => {
            let v = get(g, rec)?;
            let s = need_str(v.t(), "replacement_format")?;
            if !valid_format(s) {
                return fail("replacement_format must contain exactly one %s and no other % directive");
            }
            Some(s.to_string())
        }
    };
    Ok(Some((f, format)))
}

/// What replaces one match: the function's result, inside the format if there is one.
fn through(f: StrFn, format: Option<&str>, s: &str) -> String {
    let h = f.apply(s);
    match format {
        Some(fmt) => fmt.replacen("%s", &h, 1),
        None => h,
    }
}

/// `s` with every match of `re` replaced by the expanded replacement passed through the
/// function, at the match's position; `None` when nothing matched.
fn replace_through(re: &regex::Regex, s: &str, r: &str, f: StrFn, format: Option<&str>) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut hit = false;
    for caps in re.captures_iter(s) {
        let Some(m) = caps.get(0) else { continue };
        hit = true;
        out.push_str(&s[last..m.start()]);
        let mut expanded = String::new();
        caps.expand(r, &mut expanded);
        out.push_str(&through(f, format, &expanded));
        last = m.end();
    }
    if !hit {
        return None;
    }
    out.push_str(&s[last..]);
    Some(out)
}

/// One string after a regex replacement, with or without a function; `None` when unchanged.
fn replaced(re: &regex::Regex, s: &str, r: &str, with: Option<&(StrFn, Option<String>)>) -> Option<String> {
    match with {
        Some((f, format)) => replace_through(re, s, r, *f, format.as_deref()),
        None => match re.replace_all(s, r) {
            Cow::Owned(new) => Some(new),
            Cow::Borrowed(_) => None,
        },
    }
}

/// Evaluates a condition.
pub fn test<S: Source + ?Sized>(c: &Cond, rec: &S) -> Result<bool, EvalError> {
    Ok(match c {
        Cond::Const(b) => *b,
        Cond::Cmp(a, op, b) => {
            let (a, b) = (get(a, rec)?, get(b, rec)?);
            compare(a.t(), *op, b.t())
        }
        Cond::Value(g) => match get(g, rec)?.t() {
            T::Bool(b) => b,
            t => return fail(format!("a condition needs a bool, not a {}", type_name(t))),
        },
        Cond::Not(x) => !test(x, rec)?,
        Cond::And(v) => {
            for x in v {
                if !test(x, rec)? {
                    return Ok(false);
                }
            }
            true
        }
        Cond::Or(v) => {
            for x in v {
                if test(x, rec)? {
                    return Ok(true);
                }
            }
            false
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Changing the record

enum Slot<'r> {
    Map(&'r mut Attributes),
    List(&'r mut Vec<Value>),
}

fn entry<'r>(m: &'r mut Attributes, key: &str) -> Option<&'r mut Value> {
    m.iter_mut().find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// The map or list at a path's root, or `None` when the record has none there (a missing body
/// is created as a map when `create`).
fn root<'r>(f: Field, rec: &'r mut Record<'_>, create: bool) -> Result<Option<Slot<'r>>, EvalError> {
    Ok(Some(match f {
        Field::LogAttributes => {
            Slot::Map(&mut rec.log.as_deref_mut().ok_or_else(|| missing("log record"))?.attributes)
        }
        Field::PointAttributes => {
            Slot::Map(rec.point.as_mut().ok_or_else(|| missing("data point"))?.attributes_mut())
        }
        Field::ResourceAttributes => Slot::Map(&mut rec.resource.attributes),
        Field::ScopeAttributes => {
            Slot::Map(&mut rec.scope.as_deref_mut().ok_or_else(|| missing("scope"))?.attributes)
        }
        Field::Cache => Slot::Map(rec.cache.as_deref_mut().ok_or_else(|| EvalError("no cache here".into()))?),
        Field::SpanAttributes => {
            Slot::Map(&mut rec.span.as_mut().ok_or_else(|| missing("span"))?.span.attributes)
        }
        Field::EventAttributes => Slot::Map(
            &mut rec
                .span
                .as_mut()
                .and_then(|s| s.event.as_deref_mut())
                .ok_or_else(|| missing("span event"))?
                .attributes,
        ),
        Field::Body => {
            let body = &mut rec.log.as_deref_mut().ok_or_else(|| missing("log record"))?.body;
            if body.is_none() && create {
                *body = Some(Value::Map(Attributes::new()));
            }
            match body {
                Some(Value::Map(m)) => Slot::Map(m),
                Some(Value::Array(a)) => Slot::List(a),
                None => return Ok(None),
                Some(v) => return fail(format!("the body is a {}, not a map", type_name(t_of(v)))),
            }
        }
        _ => return fail("not a map"),
    }))
}

/// The value at `keys` under `slot`; with `create`, missing maps on the way are made.
fn descend<'r>(slot: Slot<'r>, keys: &[Key], create: bool) -> Result<Option<&'r mut Value>, EvalError> {
    let Some((first, rest)) = keys.split_first() else { return fail("no key") };
    let v: &'r mut Value = match (slot, first) {
        (Slot::Map(m), Key::Str(k)) => {
            if m.get(k).is_none() {
                if !create {
                    return Ok(None);
                }
                m.insert(k.clone(), Value::Map(Attributes::new()));
            }
            match entry(m, k) {
                Some(v) => v,
                None => return Ok(None),
            }
        }
        (Slot::List(a), Key::Int(i)) => {
            let len = a.len();
            match usize::try_from(*i).ok().and_then(|i| a.get_mut(i)) {
                Some(v) => v,
                None => return fail(format!("index {i} is out of range for a list of {len}")),
            }
        }
        (Slot::Map(_), Key::Int(_)) => return fail("an integer index needs a list, not a map"),
        (Slot::List(_), Key::Str(_)) => return fail("a string key needs a map, not a list"),
    };
    if rest.is_empty() {
        return Ok(Some(v));
    }
    match v {
        Value::Map(m) => descend(Slot::Map(m), rest, create),
        Value::Array(a) => descend(Slot::List(a), rest, create),
        other => {
            if create {
                *other = Value::Map(Attributes::new());
                if let Value::Map(m) = other {
                    return descend(Slot::Map(m), rest, create);
                }
            }
            Ok(None)
        }
    }
}

/// The map a map-target editor works on; `None` when the path holds nothing.
fn map_mut<'r>(p: &Path, rec: &'r mut Record<'_>) -> Result<Option<&'r mut Attributes>, EvalError> {
    let Some(slot) = root(p.field, rec, false)? else { return Ok(None) };
    if p.keys.is_empty() {
        return match slot {
            Slot::Map(m) => Ok(Some(m)),
            Slot::List(_) => fail("the target is a list, not a map"),
        };
    }
    match descend(slot, &p.keys, false)? {
        None => Ok(None),
        Some(Value::Map(m)) => Ok(Some(m)),
        Some(v) => fail(format!("the target is a {}, not a map", type_name(t_of(v)))),
    }
}

/// The string a string-target editor works on; `None` when the path holds no string (the editor
/// then does nothing, as the Collector's).
/// A string field or string value to change in place: record fields are `String`s, values
/// `CompactString`s.
enum StrSlot<'r> {
    Field(&'r mut String),
    Value(&'r mut dbintel_core::pdata::CompactString),
}

impl StrSlot<'_> {
    fn as_str(&self) -> &str {
        match self {
            StrSlot::Field(s) => s,
            StrSlot::Value(s) => s,
        }
    }
    fn set(&mut self, to: &str) {
        match self {
            StrSlot::Field(s) => to.clone_into(s),
            StrSlot::Value(s) => **s = to.into(),
        }
    }
}

fn str_mut<'r>(p: &Path, rec: &'r mut Record<'_>) -> Result<Option<StrSlot<'r>>, EvalError> {
    let scalar = |s: &'r mut String| Ok(Some(StrSlot::Field(s)));
    match p.field {
        Field::SeverityText => Ok(Some(StrSlot::Value(
            &mut rec.log.as_deref_mut().ok_or_else(|| missing("log record"))?.severity_text,
        ))),
        Field::EventName => Ok(Some(StrSlot::Value(
            &mut rec.log.as_deref_mut().ok_or_else(|| missing("log record"))?.event_name,
        ))),
        Field::ScopeName => scalar(&mut rec.scope.as_deref_mut().ok_or_else(|| missing("scope"))?.name),
        Field::ScopeVersion => scalar(&mut rec.scope.as_deref_mut().ok_or_else(|| missing("scope"))?.version),
        Field::MetricName | Field::MetricDescription | Field::MetricUnit => {
            let m = rec.metric.as_mut().ok_or_else(|| missing("metric"))?;
            scalar(match p.field {
                Field::MetricName => m.name,
                Field::MetricDescription => m.description,
                _ => m.unit,
            })
        }
        Field::SpanName => scalar(&mut rec.span.as_mut().ok_or_else(|| missing("span"))?.span.name),
        Field::SpanTraceState => {
            scalar(&mut rec.span.as_mut().ok_or_else(|| missing("span"))?.span.trace_state)
        }
        Field::SpanStatusMessage => scalar(
            &mut rec
                .span
                .as_mut()
                .ok_or_else(|| missing("span"))?
                .span
                .status
                .get_or_insert_with(Default::default)
                .message,
        ),
        Field::SpanEventName => scalar(
            &mut rec
                .span
                .as_mut()
                .and_then(|s| s.event.as_deref_mut())
                .ok_or_else(|| missing("span event"))?
                .name,
        ),
        Field::Body if p.keys.is_empty() => {
            match &mut rec.log.as_deref_mut().ok_or_else(|| missing("log record"))?.body {
                Some(Value::Str(s)) => Ok(Some(StrSlot::Value(s))),
                _ => Ok(None),
            }
        }
        _ if p.keys.is_empty() => Ok(None),
        f => {
            let Some(slot) = root(f, rec, false)? else { return Ok(None) };
            match descend(slot, &p.keys, false)? {
                Some(Value::Str(s)) => Ok(Some(StrSlot::Value(s))),
                _ => Ok(None),
            }
        }
    }
}

fn set(p: &Path, rec: &mut Record<'_>, v: Value) -> Result<(), EvalError> {
    if !p.keys.is_empty() {
        let Some(slot) = root(p.field, rec, true)? else { return Ok(()) };
        if let Some(dst) = descend(slot, &p.keys, true)? {
            *dst = v;
        }
        return Ok(());
    }
    let u64_of = |v: &Value| match v {
        Value::Int(i) => u64::try_from(*i).ok(),
        _ => None,
    };
    // Scalars of the wrong type are left alone, as the Collector's setters do.
    match p.field {
        f if f.is_map() => match v {
            Value::Map(m) => {
                if let Some(Slot::Map(dst)) = root(f, rec, false)? {
                    *dst = m;
                }
            }
            other => return fail(format!("cannot set a map to a {}", type_name(t_of(&other)))),
        },
        Field::Body => rec.log.as_deref_mut().ok_or_else(|| missing("log record"))?.body = Some(v),
        Field::SeverityNumber => {
            if let Value::Int(i) = v {
                let n = i32::try_from(i).map_err(|_| EvalError("severity_number out of range".into()))?;
                rec.log.as_deref_mut().ok_or_else(|| missing("log record"))?.severity_number =
                    SeverityNumber(n);
            }
        }
        Field::Time | Field::ObservedTime => {
            if let Some(n) = u64_of(&v) {
                let log = rec.log.as_deref_mut().ok_or_else(|| missing("log record"))?;
                if p.field == Field::Time { log.time_unix_nano = n } else { log.observed_time_unix_nano = n }
            }
        }
        Field::Flags => {
            if let Some(n) = u64_of(&v).and_then(|n| u32::try_from(n).ok()) {
                rec.log.as_deref_mut().ok_or_else(|| missing("log record"))?.flags = n;
            }
        }
        Field::PointValue => {
            if let Some(super::Point::Number(pt)) = rec.point.as_mut() {
                match v {
                    Value::Int(i) => pt.value = NumberValue::Int(i),
                    Value::Double(d) => pt.value = NumberValue::Double(d),
                    _ => {}
                }
            }
        }
        Field::SpanKind | Field::SpanKindString => {
            let kind = match &v {
                Value::Int(i) if (0..=5).contains(i) => Some(*i as i32),
                Value::Str(s) => KIND_NAMES.iter().position(|n| *n == s.as_str()).map(|i| i as i32),
                _ => None,
            };
            match kind {
                Some(k) => {
                    rec.span.as_mut().ok_or_else(|| missing("span"))?.span.kind =
                        dbintel_core::pdata::SpanKind(k)
                }
                None if matches!(v, Value::Int(_) | Value::Str(_)) => {
                    return fail(format!(
                        "not a span kind (use 0-5, SPAN_KIND_*, or for kind.string {})",
                        KIND_NAMES.join(", ")
                    ));
                }
                None => {}
            }
        }
        Field::SpanStatusCode => {
            if let Value::Int(i) = v {
                if !(0..=2).contains(&i) {
                    return fail(format!("not a status code: {i} (use STATUS_CODE_UNSET, _OK or _ERROR)"));
                }
                rec.span
                    .as_mut()
                    .ok_or_else(|| missing("span"))?
                    .span
                    .status
                    .get_or_insert_with(Default::default)
                    .code = dbintel_core::pdata::StatusCode(i as i32);
            }
        }
        Field::SpanStart | Field::SpanEnd | Field::EventTime => {
            if let Some(n) = u64_of(&v) {
                let s = rec.span.as_mut().ok_or_else(|| missing("span"))?;
                match p.field {
                    Field::SpanStart => s.span.start_time_unix_nano = n,
                    Field::SpanEnd => s.span.end_time_unix_nano = n,
                    _ => s.event.as_deref_mut().ok_or_else(|| missing("span event"))?.time_unix_nano = n,
                }
            }
        }
        Field::PointTime | Field::PointStartTime | Field::PointFlags => {
            if let (Some(n), Some(pt)) = (u64_of(&v), rec.point.as_mut()) {
                let (time, start, flags) = match pt {
                    super::Point::Number(p) => {
                        (&mut p.time_unix_nano, &mut p.start_time_unix_nano, &mut p.flags)
                    }
                    super::Point::Histogram(p) => {
                        (&mut p.time_unix_nano, &mut p.start_time_unix_nano, &mut p.flags)
                    }
                    super::Point::Summary(p) => {
                        (&mut p.time_unix_nano, &mut p.start_time_unix_nano, &mut p.flags)
                    }
                };
                match p.field {
                    Field::PointTime => *time = n,
                    Field::PointStartTime => *start = n,
                    _ => *flags = u32::try_from(n).unwrap_or(*flags),
                }
            }
        }
        _ => {
            if let Value::Str(s) = v
                && let Some(mut dst) = str_mut(p, rec)?
            {
                dst.set(&s);
            }
        }
    }
    Ok(())
}

/// Cuts `s` to at most `limit` bytes, at a character boundary.
fn truncate(s: &mut dbintel_core::pdata::CompactString, limit: usize) {
    if s.len() > limit {
        let mut cut = limit;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
}

fn replacement(g: &Getter, rec: &Record<'_>) -> Result<String, EvalError> {
    let v = get(g, rec)?;
    Ok(need_str(v.t(), "the replacement")?.to_string())
}

/// The replacement of `replace_match`/`replace_all_matches`: through the function when there is one.
fn whole_replacement(g: &Getter, t: &Transform, rec: &Record<'_>) -> Result<String, EvalError> {
    let r = replacement(g, rec)?;
    Ok(match prepared(t, rec)? {
        Some((f, format)) => through(f, format.as_deref(), &r),
        None => r,
    })
}

fn run(e: &Editor, rec: &mut Record<'_>) -> Result<(), EvalError> {
    match e {
        Editor::Set(p, g) => {
            // `set` with a nil value does nothing.
            if let Some(v) = get(g, rec)?.into_owned() {
                set(p, rec, v)?;
            }
        }
        Editor::DeleteKey(p, k) => {
            let key = {
                let v = get(k, rec)?;
                need_str(v.t(), "delete_key's key")?.to_string()
            };
            if let Some(m) = map_mut(p, rec)? {
                m.remove(&key);
            }
        }
        Editor::DeleteMatchingKeys(p, re) => {
            if let Some(m) = map_mut(p, rec)? {
                m.retain_mut(|k, _| !re.is_match(k));
            }
        }
        Editor::KeepMatchingKeys(p, re) => {
            if let Some(m) = map_mut(p, rec)? {
                m.retain_mut(|k, _| re.is_match(k));
            }
        }
        Editor::KeepKeys(p, keys) => {
            if let Some(m) = map_mut(p, rec)? {
                m.retain_mut(|k, _| keys.iter().any(|w| w == k));
            }
        }
        Editor::TruncateAll(p, limit) => {
            if let Some(m) = map_mut(p, rec)? {
                for (_, v) in m.iter_mut() {
                    if let Value::Str(s) = v {
                        truncate(s, *limit);
                    }
                }
            }
        }
        Editor::Limit(p, limit, priority) => {
            if let Some(m) = map_mut(p, rec)?
                && m.len() > *limit
            {
                let mut count = priority.iter().filter(|k| m.get(k).is_some()).count();
                m.retain_mut(|k, _| {
                    if priority.iter().any(|w| w == k) {
                        return true;
                    }
                    if count < *limit {
                        count += 1;
                        return true;
                    }
                    false
                });
            }
        }
        Editor::ReplacePattern(p, re, r, t) => {
            let r = replacement(r, rec)?;
            let with = prepared(t, rec)?;
            if let Some(mut s) = str_mut(p, rec)?
                && let Some(new) = replaced(re, s.as_str(), &r, with.as_ref())
            {
                s.set(&new);
            }
        }
        Editor::ReplaceMatch(p, glob, r, t) => {
            let r = whole_replacement(r, t, rec)?;
            if let Some(mut s) = str_mut(p, rec)?
                && glob.is_match(s.as_str())
            {
                s.set(&r);
            }
        }
        Editor::ReplaceAllMatches(p, glob, r, t) => {
            let r = whole_replacement(r, t, rec)?;
            if let Some(m) = map_mut(p, rec)? {
                for (_, v) in m.iter_mut() {
                    if let Value::Str(s) = v
                        && glob.is_match(s)
                    {
                        *s = r.as_str().into();
                    }
                }
            }
        }
        Editor::ReplaceAllPatterns(p, mode, re, r, t) => {
            let r = replacement(r, rec)?;
            let with = prepared(t, rec)?;
            if let Some(m) = map_mut(p, rec)? {
                match mode {
                    Mode::Value => {
                        for (_, v) in m.iter_mut() {
                            if let Value::Str(s) = v
                                && let Some(new) = replaced(re, s, &r, with.as_ref())
                            {
                                *s = new.into();
                            }
                        }
                    }
                    Mode::Key => {
                        let renames: Vec<(String, String)> = m
                            .iter()
                            .filter_map(|(k, _)| match replaced(re, k, &r, with.as_ref()) {
                                Some(new) if new != k => Some((k.to_string(), new)),
                                _ => None,
                            })
                            .collect();
                        for (old, new) in renames {
                            // A renamed key replaces an existing one of that name (the later wins).
                            if let Some(v) = m.remove(&old) {
                                m.insert(new, v);
                            }
                        }
                    }
                }
            }
        }
        Editor::MergeMaps(p, src, strategy) => {
            let src = match get(src, rec)?.into_owned() {
                Some(Value::Map(m)) => m,
                None => return Ok(()),
                Some(v) => {
                    return fail(format!("merge_maps' source must be a map, not a {}", type_name(t_of(&v))));
                }
            };
            let Some(slot) = root(p.field, rec, true)? else { return Ok(()) };
            let dst = if p.keys.is_empty() {
                match slot {
                    Slot::Map(m) => m,
                    Slot::List(_) => return fail("merge_maps' target is a list"),
                }
            } else {
                match descend(slot, &p.keys, true)? {
                    Some(Value::Map(m)) => m,
                    _ => return fail("merge_maps' target is not a map"),
                }
            };
            for (k, v) in src.iter_keys() {
                let present = dst.get(k).is_some();
                let write = match strategy {
                    Strategy::Insert => !present,
                    Strategy::Update => present,
                    Strategy::Upsert => true,
                };
                if write {
                    dst.insert(k, v.clone());
                }
            }
        }
    }
    Ok(())
}

pub fn execute(s: &Statement, rec: &mut Record<'_>) -> Result<bool, EvalError> {
    if let Some(c) = &s.cond
        && !test(c, rec)?
    {
        return Ok(false);
    }
    run(&s.editor, rec)?;
    Ok(true)
}
