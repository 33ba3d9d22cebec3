//! Rows to telemetry (pure). By default each row becomes one log record with the event name
//! `db.enhancedsql.<category>` and every column as a typed attribute; columns that our other
//! receivers also report take their names (`datname`/`db` -> `db.namespace`, `query` ->
//! `db.query.text`, obfuscated, with `dbintel.query.fingerprint`; PostgreSQL `pid`, `queryid`,
//! `wait_event*`, `blocking_pids` -> `postgresql.*`; MySQL `pid`, `digest`, `wait_event` ->
//! `mysql.*`). Configured `metrics[]` and `logs[]` replace the default.

use dbintel_core::pdata::{
    Attributes, LogRecord, Metric, MetricData, NumberDataPoint, SeverityNumber, Temporality, Value,
};
use dbintel_sql::Dialect;
use dbintel_sqlquery::cell::{Cell, ValueType};
use dbintel_sqlquery::db::ResultSet;
use dbintel_sqlquery::dsn::Driver;

use crate::config::CategoryPlan;
use crate::selector::Candidate;

/// Query text kept (bytes, after obfuscation) in an attribute or body.
pub const MAX_TEXT: usize = 4096;

/// What one query's rows became.
#[derive(Debug, Default)]
pub struct Built {
    pub metrics: Vec<Metric>,
    pub logs: Vec<LogRecord>,
    /// Values skipped (NULL or not numeric for a metric).
    pub invalid: u64,
    /// Rows beyond `max_rows`, dropped.
    pub dropped_rows: u64,
}

/// The attribute a column is reported as.
pub fn attribute_name(driver: Driver, column: &str) -> String {
    let c = column.to_ascii_lowercase();
    let mapped = match (driver, c.as_str()) {
        (_, "datname" | "db") => "db.namespace",
        (_, "query") => "db.query.text",
        (Driver::Postgres, "pid") => "postgresql.pid",
        (Driver::Postgres, "queryid") => "postgresql.queryid",
        (Driver::Postgres, "wait_event") => "postgresql.wait_event",
        (Driver::Postgres, "wait_event_type") => "postgresql.wait_event_type",
        (Driver::Postgres, "blocking_pids") => "postgresql.blocking.pids",
        (Driver::Postgres, "usename") => "postgresql.rolname",
        (Driver::Mysql, "pid") => "mysql.session.id",
        (Driver::Mysql, "digest") => "mysql.events_statements_summary_by_digest.digest",
        (Driver::Mysql, "wait_event") => "mysql.wait_type",
        _ => return c,
    };
    mapped.to_string()
}

fn dialect(driver: Driver) -> Dialect {
    match driver {
        Driver::Postgres => Dialect::Postgresql,
        Driver::Mysql => Dialect::Mysql,
    }
}

/// Query text as it may leave the process: obfuscated (literals replaced), cut at [`MAX_TEXT`].
/// Text that cannot be obfuscated is not emitted (`None`).
pub fn safe_query_text(driver: Driver, text: &str) -> Option<String> {
    let mut out = dbintel_sql::obfuscate(dialect(driver), text).ok()?;
    if out.len() > MAX_TEXT {
        let mut cut = MAX_TEXT;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    Some(out)
}

/// A cell as a typed attribute value: integers and floats stay numbers, `t`/`f` booleans; NULL is
/// absent.
fn typed(cell: &Cell) -> Option<Value> {
    Some(match cell {
        Cell::Null => return None,
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Int(i) => Value::Int(*i),
        Cell::UInt(u) => i64::try_from(*u).map(Value::Int).unwrap_or(Value::Double(*u as f64)),
        Cell::Float(f) => Value::Double(*f),
        Cell::Text(s) => {
            let t = s.trim();
            if let Ok(i) = t.parse::<i64>() {
                Value::Int(i)
            } else if let Ok(f) = t.parse::<f64>()
                && f.is_finite()
                && t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
            {
                Value::Double(f)
            } else {
                Value::from(s.as_str())
            }
        }
        Cell::Unsupported(ty) => Value::from(format!("<{ty}>")),
    })
}

fn text_of(cell: &Cell) -> Option<String> {
    cell.to_text()
}

/// The attributes of one row: every column under its reported name.
fn row_attributes(driver: Driver, rs: &ResultSet, row: &[Cell], attrs: &mut Attributes) {
    for (i, col) in rs.columns.iter().enumerate() {
        let Some(cell) = row.get(i) else { continue };
        let name = attribute_name(driver, col);
        if name == "db.query.text" {
            if let Some(t) = text_of(cell).and_then(|t| safe_query_text(driver, &t)) {
                if let Ok(fp) = dbintel_sql::fingerprint(dialect(driver), &t) {
                    attrs.insert("dbintel.query.fingerprint", fp.to_hex());
                }
                attrs.insert("db.query.text", t);
            }
            continue;
        }
        if let Some(v) = typed(cell) {
            attrs.insert(name, v);
        }
    }
}

/// `Query: <name> | col: val | ...` (the prototype's body), with query text obfuscated.
fn default_body(driver: Driver, name: &str, rs: &ResultSet, row: &[Cell]) -> String {
    let mut body = format!("Query: {name}");
    for (i, col) in rs.columns.iter().enumerate() {
        let Some(cell) = row.get(i) else { continue };
        let Some(mut text) = text_of(cell) else { continue };
        if attribute_name(driver, col) == "db.query.text" {
            text = safe_query_text(driver, &text).unwrap_or_default();
        }
        body.push_str(" | ");
        body.push_str(col);
        body.push_str(": ");
        body.push_str(&text);
        if body.len() > 2 * MAX_TEXT {
            break;
        }
    }
    body
}

fn severity(text: &str) -> SeverityNumber {
    match text.trim().to_ascii_uppercase().as_str() {
        "TRACE" => SeverityNumber::TRACE,
        "DEBUG" | "DEBUG1" | "DEBUG2" | "DEBUG3" | "DEBUG4" | "DEBUG5" => SeverityNumber::DEBUG,
        "INFO" | "LOG" | "NOTICE" | "NOTE" => SeverityNumber::INFO,
        "WARN" | "WARNING" => SeverityNumber::WARN,
        "ERROR" => SeverityNumber::ERROR,
        "FATAL" | "PANIC" => SeverityNumber::FATAL,
        _ => SeverityNumber::UNSPECIFIED,
    }
}

/// The serving query's identity on every record and point.
fn identity(plan: &CategoryPlan, cand: &Candidate, attrs: &mut Attributes) {
    attrs.insert("dbintel.enhancedsql.name", plan.name.clone());
    attrs.insert("dbintel.enhancedsql.category", plan.category.clone());
    attrs.insert("dbintel.enhancedsql.query", cand.name.clone());
    attrs.insert("dbintel.enhancedsql.priority", i64::from(cand.priority));
}

/// Builds the telemetry of one query result. `start` is the receiver's start (sums' start time).
#[allow(clippy::too_many_arguments)]
pub fn build(
    plan: &CategoryPlan,
    cand: &Candidate,
    driver: Driver,
    rs: &ResultSet,
    now: u64,
    start: u64,
    want_metrics: bool,
    want_logs: bool,
) -> Built {
    let mut out = Built::default();
    let rows = &rs.rows[..rs.rows.len().min(plan.max_rows)];
    out.dropped_rows = (rs.rows.len() - rows.len()) as u64 + rs.dropped_rows;
    let event = format!("db.enhancedsql.{}", plan.category);
    if want_metrics {
        for m in &plan.metrics {
            let Some(vi) = rs.column_index(&m.value_column) else {
                out.invalid += rows.len() as u64;
                continue;
            };
            let sum = m.value_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("sum"));
            let mut points = Vec::with_capacity(rows.len());
            for row in rows {
                let Some(cell) = row.get(vi) else { continue };
                let ty = match cell {
                    Cell::Int(_) | Cell::UInt(_) | Cell::Bool(_) => ValueType::Int,
                    Cell::Text(t) if t.trim().parse::<i64>().is_ok() => ValueType::Int,
                    _ => ValueType::Double,
                };
                let Ok(value) = cell.to_number(ty) else {
                    out.invalid += 1;
                    continue;
                };
                let mut attrs = Attributes::with_capacity(m.attribute_columns.len() + 4);
                for col in &m.attribute_columns {
                    if let Some(ci) = rs.column_index(col)
                        && let Some(t) = row.get(ci).and_then(text_of)
                    {
                        let name = attribute_name(driver, col);
                        let t = if name == "db.query.text" {
                            safe_query_text(driver, &t).unwrap_or_default()
                        } else {
                            t
                        };
                        attrs.insert(name, t);
                    }
                }
                identity(plan, cand, &mut attrs);
                points.push(NumberDataPoint {
                    attributes: attrs,
                    start_time_unix_nano: if sum { start } else { 0 },
                    time_unix_nano: now,
                    value,
                    flags: 0,
                });
            }
            if points.is_empty() {
                continue;
            }
            out.metrics.push(Metric {
                name: m.metric_name.clone(),
                description: m.description.clone(),
                unit: m.unit.clone(),
                data: if sum {
                    MetricData::Sum { points, temporality: Temporality::Cumulative, monotonic: true }
                } else {
                    MetricData::Gauge(points)
                },
            });
        }
    }
    if !want_logs {
        return out;
    }
    let default_logs = plan.logs.is_empty() && plan.metrics.is_empty();
    if default_logs {
        for row in rows {
            let mut attrs = Attributes::with_capacity(rs.columns.len() + 5);
            row_attributes(driver, rs, row, &mut attrs);
            identity(plan, cand, &mut attrs);
            out.logs.push(LogRecord {
                time_unix_nano: now,
                observed_time_unix_nano: now,
                severity_number: SeverityNumber::INFO,
                severity_text: "INFO".into(),
                body: Some(Value::from(default_body(driver, &cand.name, rs, row))),
                attributes: attrs,
                event_name: event.as_str().into(),
                ..LogRecord::default()
            });
        }
        return out;
    }
    for l in &plan.logs {
        for row in rows {
            let mut attrs = Attributes::new();
            if l.attributes.is_empty() {
                row_attributes(driver, rs, row, &mut attrs);
            } else {
                for (name, col) in &l.attributes {
                    if let Some(ci) = rs.column_index(col)
                        && let Some(cell) = row.get(ci)
                    {
                        if attribute_name(driver, col) == "db.query.text" {
                            if let Some(t) = text_of(cell).and_then(|t| safe_query_text(driver, &t)) {
                                attrs.insert(name.clone(), t);
                            }
                        } else if let Some(v) = typed(cell) {
                            attrs.insert(name.clone(), v);
                        }
                    }
                }
            }
            identity(plan, cand, &mut attrs);
            let body = match &l.body_column {
                Some(col) => {
                    let t = rs.column_index(col).and_then(|ci| row.get(ci)).and_then(text_of);
                    match t {
                        Some(t) if attribute_name(driver, col) == "db.query.text" => {
                            safe_query_text(driver, &t)
                        }
                        other => other,
                    }
                }
                None => Some(default_body(driver, &cand.name, rs, row)),
            };
            let sev = l
                .severity_column
                .as_ref()
                .and_then(|c| rs.column_index(c))
                .and_then(|ci| row.get(ci))
                .and_then(text_of);
            out.logs.push(LogRecord {
                time_unix_nano: now,
                observed_time_unix_nano: now,
                severity_number: sev.as_deref().map(severity).unwrap_or(SeverityNumber::INFO),
                severity_text: sev.map_or_else(|| "INFO".into(), Into::into),
                body: body.map(Value::from),
                attributes: attrs,
                event_name: event.as_str().into(),
                ..LogRecord::default()
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_text_is_obfuscated_and_cut() {
        let t = safe_query_text(Driver::Postgres, "SELECT * FROM users WHERE email = 'a@b.c' AND id = 42");
        assert_eq!(t.as_deref(), Some("SELECT * FROM users WHERE email = ? AND id = ?"));
        let long = format!("SELECT '{}'", "x".repeat(10_000)) + &" , 1".repeat(3000);
        assert!(safe_query_text(Driver::Mysql, &long).is_some_and(|t| t.len() <= MAX_TEXT));
    }

    #[test]
    fn cells_become_typed_attributes() {
        assert_eq!(typed(&Cell::Text("42".into())), Some(Value::Int(42)));
        assert_eq!(typed(&Cell::Text("1.5".into())), Some(Value::Double(1.5)));
        assert_eq!(typed(&Cell::Text("inf".into())), Some(Value::from("inf")));
        assert_eq!(typed(&Cell::Text("active".into())), Some(Value::from("active")));
        assert_eq!(typed(&Cell::Null), None);
        assert_eq!(attribute_name(Driver::Postgres, "datname"), "db.namespace");
        assert_eq!(
            attribute_name(Driver::Mysql, "digest"),
            "mysql.events_statements_summary_by_digest.digest"
        );
        assert_eq!(attribute_name(Driver::Mysql, "calls"), "calls");
    }
}
