//! Database values as the receiver sees them ([`Cell`]), decoded from either driver, and their
//! conversion to metric values and attribute text. Every decoder checks lengths: no input panics.

use dbintel_core::pdata::NumberValue;

/// One value of a result row, independent of the driver.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// Text, and every type the drivers hand over as text (NUMERIC/DECIMAL, dates, ...).
    Text(String),
    /// A type this receiver cannot decode (Postgres binary results only); holds the type name.
    Unsupported(String),
}

/// Whether a metric wants integer or floating-point values (`value_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Int,
    Double,
}

/// Why a cell cannot become a metric value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvalidValue {
    Null,
    NotNumeric,
    NotInteger,
    OutOfRange,
    UnsupportedType,
}

impl InvalidValue {
    pub fn describe(self) -> &'static str {
        match self {
            InvalidValue::Null => "the value is NULL (use COALESCE in the query to pick a default)",
            InvalidValue::NotNumeric => "the value is not numeric",
            InvalidValue::NotInteger => {
                "the value is not an integer (set `value_type: double` or round/cast it in the query)"
            }
            InvalidValue::OutOfRange => "the value does not fit a 64-bit integer (set `value_type: double`)",
            InvalidValue::UnsupportedType => "the column type cannot be decoded (cast it to text or numeric)",
        }
    }
}

const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63

fn f64_to_i64(f: f64) -> Result<i64, InvalidValue> {
    if !f.is_finite() {
        return Err(InvalidValue::NotNumeric);
    }
    if f.fract() != 0.0 {
        return Err(InvalidValue::NotInteger);
    }
    if !(-I64_LIMIT..I64_LIMIT).contains(&f) {
        return Err(InvalidValue::OutOfRange);
    }
    Ok(f as i64)
}

/// Parses the text of a number as an exact integer: `42`, `-7`, `42.000`, `1e3`.
fn text_to_i64(s: &str) -> Result<i64, InvalidValue> {
    if let Ok(i) = s.parse::<i64>() {
        return Ok(i);
    }
    // A decimal with an all-zero fraction (NUMERIC(10,2) 42.00) is an exact integer.
    if let Some((int, frac)) = s.split_once('.')
        && !frac.is_empty()
        && frac.bytes().all(|b| b == b'0')
        && !int.trim_start_matches(['-', '+']).is_empty()
        && int.trim_start_matches(['-', '+']).bytes().all(|b| b.is_ascii_digit())
    {
        return int.parse::<i64>().map_err(|_| InvalidValue::OutOfRange);
    }
    match parse_f64(s) {
        Some(f) => f64_to_i64(f),
        None if s.trim_start_matches(['-', '+']).bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() => {
            Err(InvalidValue::OutOfRange)
        }
        None => Err(InvalidValue::NotNumeric),
    }
}

fn parse_f64(s: &str) -> Option<f64> {
    // Rust accepts "inf"/"nan"; databases print "Infinity"/"NaN". Both are not useful as metric values.
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn text_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "t" | "true" | "on" | "yes" => Some(true),
        "f" | "false" | "off" | "no" => Some(false),
        _ => None,
    }
}

impl Cell {
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }

    /// The value as a metric number of the requested type.
    pub fn to_number(&self, ty: ValueType) -> Result<NumberValue, InvalidValue> {
        match (self, ty) {
            (Cell::Null, _) => Err(InvalidValue::Null),
            (Cell::Unsupported(_), _) => Err(InvalidValue::UnsupportedType),
            (Cell::Bool(b), ValueType::Int) => Ok(NumberValue::Int(i64::from(*b))),
            (Cell::Bool(b), ValueType::Double) => Ok(NumberValue::Double(if *b { 1.0 } else { 0.0 })),
            (Cell::Int(i), ValueType::Int) => Ok(NumberValue::Int(*i)),
            (Cell::Int(i), ValueType::Double) => Ok(NumberValue::Double(*i as f64)),
            (Cell::UInt(u), ValueType::Int) => {
                i64::try_from(*u).map(NumberValue::Int).map_err(|_| InvalidValue::OutOfRange)
            }
            (Cell::UInt(u), ValueType::Double) => Ok(NumberValue::Double(*u as f64)),
            (Cell::Float(f), ValueType::Int) => f64_to_i64(*f).map(NumberValue::Int),
            (Cell::Float(f), ValueType::Double) => {
                if f.is_finite() {
                    Ok(NumberValue::Double(*f))
                } else {
                    Err(InvalidValue::NotNumeric)
                }
            }
            (Cell::Text(s), ty) => {
                let s = s.trim();
                if let Some(b) = text_bool(s) {
                    return Cell::Bool(b).to_number(ty);
                }
                match ty {
                    ValueType::Int => text_to_i64(s).map(NumberValue::Int),
                    ValueType::Double => {
                        parse_f64(s).map(NumberValue::Double).ok_or(InvalidValue::NotNumeric)
                    }
                }
            }
        }
    }

    /// The value rendered as text (attributes, log bodies, tracking values); `None` for NULL.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Cell::Null => None,
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Int(i) => Some(i.to_string()),
            Cell::UInt(u) => Some(u.to_string()),
            Cell::Float(f) => Some(f.to_string()),
            Cell::Text(s) => Some(s.clone()),
            Cell::Unsupported(ty) => Some(format!("<{ty}>")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

use dbintel_core::time_fmt::civil_from_days;

/// Days between 1970-01-01 and 2000-01-01, the Postgres epoch.
const PG_EPOCH_DAYS: i64 = 10_957;

fn format_pg_timestamp(micros: i64, with_tz: bool) -> String {
    if micros == i64::MAX {
        return "infinity".to_string();
    }
    if micros == i64::MIN {
        return "-infinity".to_string();
    }
    let days = micros.div_euclid(86_400_000_000);
    let rem = micros.rem_euclid(86_400_000_000);
    let (y, m, d) = civil_from_days(days + PG_EPOCH_DAYS);
    let secs = rem / 1_000_000;
    let us = rem % 1_000_000;
    let mut s = format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60);
    if us != 0 {
        s.push_str(&format!(".{us:06}"));
    }
    if with_tz {
        s.push_str("+00");
    }
    s
}

fn format_pg_date(days: i32) -> String {
    match days {
        i32::MAX => "infinity".to_string(),
        i32::MIN => "-infinity".to_string(),
        _ => {
            let (y, m, d) = civil_from_days(i64::from(days) + PG_EPOCH_DAYS);
            format!("{y:04}-{m:02}-{d:02}")
        }
    }
}

/// Decodes a Postgres binary NUMERIC into its decimal text.
fn decode_pg_numeric(raw: &[u8]) -> Option<String> {
    let word = |i: usize| raw.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let ndigits = usize::from(word(0)?);
    let weight = i32::from(word(2)? as i16);
    let sign = word(4)?;
    let dscale = usize::from(word(6)?).min(1000);
    match sign {
        0x0000 | 0x4000 => {}
        0xC000 => return Some("NaN".to_string()),
        0xD000 => return Some("Infinity".to_string()),
        0xF000 => return Some("-Infinity".to_string()),
        _ => return None,
    }
    if raw.len() != 8 + 2 * ndigits {
        return None;
    }
    let digit = |i: i32| -> u16 {
        if i < 0 || i as usize >= ndigits { 0 } else { word(8 + 2 * i as usize).unwrap_or(0) }
    };
    let mut s = String::new();
    if sign == 0x4000 {
        s.push('-');
    }
    if weight < 0 {
        s.push('0');
    } else {
        for i in 0..=weight {
            if i == 0 {
                s.push_str(&digit(i).to_string());
            } else {
                s.push_str(&format!("{:04}", digit(i)));
            }
        }
    }
    if dscale > 0 {
        s.push('.');
        let mut frac = String::with_capacity(dscale + 4);
        let mut i = weight + 1;
        while frac.len() < dscale {
            frac.push_str(&format!("{:04}", digit(i)));
            i += 1;
        }
        frac.truncate(dscale);
        s.push_str(&frac);
    }
    Some(s)
}

/// A Postgres value read from a binary-format result (typed queries with a bound parameter).
#[derive(Debug)]
pub struct PgCell(pub Cell);

impl<'a> tokio_postgres::types::FromSql<'a> for PgCell {
    fn from_sql(
        ty: &tokio_postgres::types::Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgCell(decode_pg(ty, raw)))
    }

    fn from_sql_null(
        _ty: &tokio_postgres::types::Type,
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgCell(Cell::Null))
    }

    fn accepts(_ty: &tokio_postgres::types::Type) -> bool {
        true
    }
}

fn be<const N: usize>(raw: &[u8]) -> Option<[u8; N]> {
    if raw.len() == N { raw.try_into().ok() } else { None }
}

/// Decodes one binary value; malformed input becomes `Unsupported`, never a panic.
pub fn decode_pg(ty: &tokio_postgres::types::Type, raw: &[u8]) -> Cell {
    use tokio_postgres::types::{Kind, Type};
    let bad = || Cell::Unsupported(ty.name().to_string());
    let text = || String::from_utf8(raw.to_vec()).map(Cell::Text).unwrap_or_else(|_| bad());
    match *ty {
        Type::BOOL => raw.first().map(|b| Cell::Bool(*b != 0)).unwrap_or_else(bad),
        Type::INT2 => be::<2>(raw).map(|b| Cell::Int(i64::from(i16::from_be_bytes(b)))).unwrap_or_else(bad),
        Type::INT4 => be::<4>(raw).map(|b| Cell::Int(i64::from(i32::from_be_bytes(b)))).unwrap_or_else(bad),
        Type::INT8 => be::<8>(raw).map(|b| Cell::Int(i64::from_be_bytes(b))).unwrap_or_else(bad),
        Type::OID | Type::XID | Type::CID => {
            be::<4>(raw).map(|b| Cell::Int(i64::from(u32::from_be_bytes(b)))).unwrap_or_else(bad)
        }
        Type::FLOAT4 => {
            be::<4>(raw).map(|b| Cell::Float(f64::from(f32::from_be_bytes(b)))).unwrap_or_else(bad)
        }
        Type::FLOAT8 => be::<8>(raw).map(|b| Cell::Float(f64::from_be_bytes(b))).unwrap_or_else(bad),
        Type::NUMERIC => decode_pg_numeric(raw).map(Cell::Text).unwrap_or_else(bad),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON | Type::XML => {
            text()
        }
        Type::JSONB => match raw.split_first() {
            Some((1, rest)) => String::from_utf8(rest.to_vec()).map(Cell::Text).unwrap_or_else(|_| bad()),
            _ => bad(),
        },
        Type::TIMESTAMP => be::<8>(raw)
            .map(|b| Cell::Text(format_pg_timestamp(i64::from_be_bytes(b), false)))
            .unwrap_or_else(bad),
        Type::TIMESTAMPTZ => be::<8>(raw)
            .map(|b| Cell::Text(format_pg_timestamp(i64::from_be_bytes(b), true)))
            .unwrap_or_else(bad),
        Type::DATE => {
            be::<4>(raw).map(|b| Cell::Text(format_pg_date(i32::from_be_bytes(b)))).unwrap_or_else(bad)
        }
        Type::UUID => be::<16>(raw)
            .map(|b| {
                let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
                Cell::Text(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]))
            })
            .unwrap_or_else(bad),
        _ => match ty.kind() {
            // Enums and text-like extension types (citext) are sent as their text.
            Kind::Enum(_) => text(),
            _ if ty.name() == "citext" => text(),
            _ => bad(),
        },
    }
}

/// A text-format parameter of any type: the server parses it as it would a literal, like Go's
/// lib/pq does, so `tracking_start_value: "0"` binds to an integer, timestamp or text column alike.
#[derive(Debug)]
pub struct TextParam(pub String);

impl tokio_postgres::types::ToSql for TextParam {
    fn to_sql(
        &self,
        _ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        out.extend_from_slice(self.0.as_bytes());
        Ok(tokio_postgres::types::IsNull::No)
    }

    fn accepts(_ty: &tokio_postgres::types::Type) -> bool {
        true
    }

    fn encode_format(&self, _ty: &tokio_postgres::types::Type) -> tokio_postgres::types::Format {
        tokio_postgres::types::Format::Text
    }

    tokio_postgres::types::to_sql_checked!();
}

/// Converts a MySQL/MariaDB value (text or binary protocol) into a cell.
pub fn from_mysql(v: &mysql_async::Value) -> Cell {
    use mysql_async::Value as V;
    match v {
        V::NULL => Cell::Null,
        V::Bytes(b) => Cell::Text(String::from_utf8_lossy(b).into_owned()),
        V::Int(i) => Cell::Int(*i),
        V::UInt(u) => Cell::UInt(*u),
        // Through the shortest decimal text, so FLOAT 1.1 stays 1.1 rather than 1.100000023841858.
        V::Float(f) => Cell::Float(f.to_string().parse::<f64>().unwrap_or(f64::from(*f))),
        V::Double(d) => Cell::Float(*d),
        V::Date(y, mo, d, h, mi, s, us) => {
            let mut t = format!("{y:04}-{mo:02}-{d:02}");
            if (*h, *mi, *s, *us) != (0, 0, 0, 0) {
                t.push_str(&format!(" {h:02}:{mi:02}:{s:02}"));
                if *us != 0 {
                    t.push_str(&format!(".{us:06}"));
                }
            }
            Cell::Text(t)
        }
        V::Time(neg, days, h, mi, s, us) => {
            let hours = u64::from(*days) * 24 + u64::from(*h);
            let mut t = format!("{}{hours:02}:{mi:02}:{s:02}", if *neg { "-" } else { "" });
            if *us != 0 {
                t.push_str(&format!(".{us:06}"));
            }
            Cell::Text(t)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_every_cell_kind() {
        use NumberValue::{Double, Int};
        let cases: Vec<(Cell, ValueType, Result<NumberValue, InvalidValue>)> = vec![
            (Cell::Int(7), ValueType::Int, Ok(Int(7))),
            (Cell::Int(7), ValueType::Double, Ok(Double(7.0))),
            (Cell::UInt(u64::MAX), ValueType::Int, Err(InvalidValue::OutOfRange)),
            (Cell::Float(2.0), ValueType::Int, Ok(Int(2))),
            (Cell::Float(2.5), ValueType::Int, Err(InvalidValue::NotInteger)),
            (Cell::Float(f64::NAN), ValueType::Double, Err(InvalidValue::NotNumeric)),
            (Cell::Bool(true), ValueType::Int, Ok(Int(1))),
            (Cell::Text("9223372036854775807".into()), ValueType::Int, Ok(Int(i64::MAX))),
            (Cell::Text("99999999999999999999".into()), ValueType::Int, Err(InvalidValue::OutOfRange)),
            (Cell::Text("42.000".into()), ValueType::Int, Ok(Int(42))),
            (Cell::Text("42.5".into()), ValueType::Int, Err(InvalidValue::NotInteger)),
            (Cell::Text("1e3".into()), ValueType::Int, Ok(Int(1000))),
            (Cell::Text(" 3.25 ".into()), ValueType::Double, Ok(Double(3.25))),
            (Cell::Text("t".into()), ValueType::Int, Ok(Int(1))),
            (Cell::Text("abc".into()), ValueType::Int, Err(InvalidValue::NotNumeric)),
            (Cell::Text("abc".into()), ValueType::Double, Err(InvalidValue::NotNumeric)),
            (Cell::Text("NaN".into()), ValueType::Double, Err(InvalidValue::NotNumeric)),
            (Cell::Text("".into()), ValueType::Int, Err(InvalidValue::NotNumeric)),
            (Cell::Text("-.0".into()), ValueType::Int, Ok(Int(0))),
            (Cell::Null, ValueType::Double, Err(InvalidValue::Null)),
            (Cell::Unsupported("inet".into()), ValueType::Double, Err(InvalidValue::UnsupportedType)),
        ];
        for (cell, ty, want) in cases {
            assert_eq!(cell.to_number(ty), want, "{cell:?} as {ty:?}");
        }
    }

    fn numeric(ndigits: u16, weight: i16, sign: u16, dscale: u16, digits: &[u16]) -> Vec<u8> {
        let mut v = Vec::new();
        for w in [ndigits, weight as u16, sign, dscale] {
            v.extend_from_slice(&w.to_be_bytes());
        }
        for d in digits {
            v.extend_from_slice(&d.to_be_bytes());
        }
        v
    }

    #[test]
    fn decodes_binary_numeric() {
        assert_eq!(decode_pg_numeric(&numeric(2, 0, 0, 2, &[12, 3400])).as_deref(), Some("12.34"));
        assert_eq!(decode_pg_numeric(&numeric(2, 1, 0x4000, 0, &[1, 2345])).as_deref(), Some("-12345"));
        assert_eq!(decode_pg_numeric(&numeric(1, -1, 0, 4, &[5])).as_deref(), Some("0.0005"));
        assert_eq!(decode_pg_numeric(&numeric(1, -2, 0, 6, &[500])).as_deref(), Some("0.000005"));
        assert_eq!(decode_pg_numeric(&numeric(0, 0, 0, 0, &[])).as_deref(), Some("0"));
        assert_eq!(decode_pg_numeric(&numeric(1, 2, 0, 0, &[7])).as_deref(), Some("700000000"));
        assert_eq!(decode_pg_numeric(&numeric(3, 0, 0, 0, &[1])), None, "length mismatch");
        assert_eq!(decode_pg_numeric(&[0, 1]), None);
    }

    #[test]
    fn formats_pg_dates_and_timestamps() {
        assert_eq!(format_pg_date(0), "2000-01-01");
        assert_eq!(format_pg_date(-1), "1999-12-31");
        assert_eq!(format_pg_timestamp(86_400_000_000 + 3_723_000_001, false), "2000-01-02 01:02:03.000001");
        assert_eq!(format_pg_timestamp(0, true), "2000-01-01 00:00:00+00");
    }

    #[test]
    fn mysql_values() {
        use mysql_async::Value as V;
        assert_eq!(from_mysql(&V::Float(1.1)), Cell::Float(1.1));
        assert_eq!(from_mysql(&V::Date(2024, 2, 29, 0, 0, 0, 0)), Cell::Text("2024-02-29".into()));
        assert_eq!(from_mysql(&V::Time(true, 1, 2, 3, 4, 0)), Cell::Text("-26:03:04".into()));
        assert_eq!(from_mysql(&V::Bytes(b"12.50".to_vec())), Cell::Text("12.50".into()));
    }

    proptest::proptest! {
        #[test]
        fn decoders_never_panic(raw in proptest::collection::vec(proptest::num::u8::ANY, 0..40), s in "\\PC{0,30}") {
            use tokio_postgres::types::Type;
            for ty in [Type::NUMERIC, Type::INT4, Type::INT8, Type::TIMESTAMPTZ, Type::DATE, Type::UUID, Type::JSONB,
                       Type::TEXT, Type::BOOL, Type::FLOAT8, Type::INET] {
                let _ = decode_pg(&ty, &raw);
            }
            let _ = Cell::Text(s.clone()).to_number(ValueType::Int);
            let _ = Cell::Text(s).to_number(ValueType::Double);
        }
    }
}
