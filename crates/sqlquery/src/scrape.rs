//! Turns one query's result set into metrics and log records. Pure: no I/O, so every rule (one point
//! per row, NULL and non-numeric handling, attribute rendering, tracking value) is unit-tested here.

use dbintel_core::pdata::{
    Attributes, LogRecord, Metric, MetricData, NumberDataPoint, SeverityNumber, Temporality, Value,
};

use crate::cell::InvalidValue;
use crate::config::{MetricKind, QueryPlan};
use crate::db::ResultSet;

/// Distinct problems kept per query and scrape (the total is always counted).
const MAX_PROBLEMS: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    Invalid(InvalidValue),
    /// A configured column is not in the result.
    MissingColumn {
        available: Vec<String>,
    },
    NullBody,
    NullTracking,
    /// A `ts_column`/`start_ts_column` value that is not a whole number of nanoseconds since the
    /// epoch (or is NULL).
    InvalidTimestamp,
}

/// A problem with the data of one metric/log column; `count` rows were affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The metric name, or `logs` for log records and tracking.
    pub target: String,
    pub column: String,
    pub kind: ProblemKind,
    pub count: u64,
}

impl Problem {
    pub fn describe(&self) -> String {
        match &self.kind {
            ProblemKind::Invalid(i) => i.describe().to_string(),
            ProblemKind::MissingColumn { available } => {
                format!("the column is not in the query result (columns: {})", available.join(", "))
            }
            ProblemKind::NullBody => "the log body is NULL; the record is skipped".to_string(),
            ProblemKind::NullTracking => {
                "the tracking column of the last row is NULL; the tracking value is not advanced".to_string()
            }
            ProblemKind::InvalidTimestamp => "the timestamp column is NULL or not a whole number of \
                nanoseconds since the Unix epoch (e.g. `(extract(epoch from t) * 1e9)::bigint`)"
                .to_string(),
        }
    }
}

/// Timestamps for one scrape of one query.
#[derive(Debug, Clone, Copy)]
pub struct Times {
    pub now: u64,
    /// Start of cumulative sums: the receiver's start time.
    pub cumulative_start: u64,
    /// Start of delta sums: the previous scrape of this query (or the receiver start).
    pub delta_start: u64,
}

#[derive(Debug, Default)]
pub struct Output {
    pub metrics: Vec<Metric>,
    pub logs: Vec<LogRecord>,
    /// Data points produced.
    pub points: u64,
    /// Metric points skipped because of a problem with their value or column.
    pub invalid: u64,
    /// Log records skipped (NULL body, missing body column).
    pub invalid_records: u64,
    pub problems: Vec<Problem>,
    /// The tracking column's value in the last row, when there were rows.
    pub tracking: Option<String>,
}

impl Output {
    fn problem(&mut self, target: &str, column: &str, kind: ProblemKind, count: u64) {
        if let Some(p) =
            self.problems.iter_mut().find(|p| p.target == target && p.column == column && p.kind == kind)
        {
            p.count += count;
        } else if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                target: target.to_string(),
                column: column.to_string(),
                kind,
                count,
            });
        }
    }
}

fn attributes(
    rs: &ResultSet,
    row: &[crate::cell::Cell],
    columns: &[(String, Option<usize>)],
    static_attrs: &[(String, String)],
) -> Attributes {
    let mut attrs = Attributes::with_capacity(columns.len() + static_attrs.len());
    for (k, v) in static_attrs {
        attrs.insert(k.clone(), v.clone());
    }
    let _ = rs;
    for (name, idx) in columns {
        if let Some(i) = idx {
            // NULL renders as an empty string, as the contrib receiver does.
            let text = row.get(*i).and_then(|c| c.to_text()).unwrap_or_default();
            attrs.insert(name.clone(), text);
        }
    }
    attrs
}

fn resolve_columns(
    rs: &ResultSet,
    cols: &[String],
    target: &str,
    out: &mut Output,
) -> Vec<(String, Option<usize>)> {
    cols.iter()
        .map(|c| {
            let idx = rs.column_index(c);
            if idx.is_none() {
                out.problem(target, c, ProblemKind::MissingColumn { available: rs.columns.clone() }, 1);
            }
            (c.clone(), idx)
        })
        .collect()
}

/// Builds metrics (if `want_metrics`) and logs (if `want_logs`) from a result set.
pub fn build(plan: &QueryPlan, rs: &ResultSet, times: Times, want_metrics: bool, want_logs: bool) -> Output {
    let mut out = Output::default();
    if want_metrics {
        for m in &plan.metrics {
            let Some(value_idx) = rs.column_index(&m.value_column) else {
                out.problem(
                    &m.name,
                    &m.value_column,
                    ProblemKind::MissingColumn { available: rs.columns.clone() },
                    rs.rows.len() as u64,
                );
                out.invalid += rs.rows.len() as u64;
                continue;
            };
            let attr_cols = resolve_columns(rs, &m.attribute_columns, &m.name, &mut out);
            // A timestamp column missing from the result is reported; the scrape's times apply.
            let ts_idx = m
                .ts_column
                .as_deref()
                .and_then(|c| resolve_columns(rs, &[c.to_string()], &m.name, &mut out)[0].1);
            let start_idx = m
                .start_ts_column
                .as_deref()
                .and_then(|c| resolve_columns(rs, &[c.to_string()], &m.name, &mut out)[0].1);
            let start = match m.kind {
                MetricKind::Gauge => 0,
                MetricKind::Sum { temporality: Temporality::Cumulative, .. } => times.cumulative_start,
                MetricKind::Sum { temporality: Temporality::Delta, .. } => times.delta_start,
            };
            let mut points = Vec::with_capacity(rs.rows.len());
            for row in &rs.rows {
                let cell = row.get(value_idx).unwrap_or(&crate::cell::Cell::Null);
                let value = match cell.to_number(m.value_type) {
                    Ok(value) => value,
                    Err(InvalidValue::Null) if plan.ignore_nulls => continue,
                    Err(e) => {
                        out.invalid += 1;
                        out.problem(&m.name, &m.value_column, ProblemKind::Invalid(e), 1);
                        continue;
                    }
                };
                let mut stamps = [times.now, start];
                let mut bad = None;
                for (slot, idx, column) in
                    [(0, ts_idx, m.ts_column.as_deref()), (1, start_idx, m.start_ts_column.as_deref())]
                {
                    let (Some(i), Some(column)) = (idx, column) else { continue };
                    let cell = row.get(i).unwrap_or(&crate::cell::Cell::Null);
                    match timestamp(cell) {
                        Some(ns) => stamps[slot] = ns,
                        None => {
                            bad = Some((column, matches!(cell, crate::cell::Cell::Null)));
                            break;
                        }
                    }
                }
                if let Some((column, null)) = bad {
                    if !(null && plan.ignore_nulls) {
                        out.invalid += 1;
                        out.problem(&m.name, column, ProblemKind::InvalidTimestamp, 1);
                    }
                    continue;
                }
                points.push(NumberDataPoint {
                    attributes: attributes(rs, row, &attr_cols, &m.static_attributes),
                    start_time_unix_nano: stamps[1],
                    time_unix_nano: stamps[0],
                    value,
                    flags: 0,
                });
            }
            if points.is_empty() {
                continue;
            }
            out.points += points.len() as u64;
            // Points of the same metric from one query go into one Metric.
            if let Some(existing) =
                out.metrics.iter_mut().find(|x| x.name == m.name && same_kind(&x.data, m.kind))
            {
                match &mut existing.data {
                    MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => p.extend(points),
                    _ => {}
                }
                continue;
            }
            let data = match m.kind {
                MetricKind::Gauge => MetricData::Gauge(points),
                MetricKind::Sum { temporality, monotonic } => {
                    MetricData::Sum { points, temporality, monotonic }
                }
            };
            out.metrics.push(Metric {
                name: m.name.clone(),
                description: m.description.clone(),
                unit: m.unit.clone(),
                data,
            });
        }
    }
    if want_logs {
        for l in &plan.logs {
            let Some(body_idx) = rs.column_index(&l.body_column) else {
                out.problem(
                    "logs",
                    &l.body_column,
                    ProblemKind::MissingColumn { available: rs.columns.clone() },
                    rs.rows.len() as u64,
                );
                out.invalid_records += rs.rows.len() as u64;
                continue;
            };
            let mut attr_cols = resolve_columns(rs, &l.attribute_columns, "logs", &mut out);
            for (name, column) in &l.renamed_attributes {
                let resolved = resolve_columns(rs, std::slice::from_ref(column), "logs", &mut out);
                attr_cols.extend(resolved.into_iter().map(|(_, idx)| (name.clone(), idx)));
            }
            for row in &rs.rows {
                let Some(body) = row.get(body_idx).and_then(|c| c.to_text()) else {
                    if !plan.ignore_nulls {
                        out.invalid_records += 1;
                        out.problem("logs", &l.body_column, ProblemKind::NullBody, 1);
                    }
                    continue;
                };
                out.logs.push(LogRecord {
                    time_unix_nano: times.now,
                    observed_time_unix_nano: times.now,
                    severity_number: SeverityNumber::UNSPECIFIED,
                    body: Some(Value::Str(body.into())),
                    attributes: attributes(rs, row, &attr_cols, &[]),
                    ..Default::default()
                });
            }
        }
    }
    if let Some(t) = &plan.tracking
        && let Some(last) = rs.rows.last()
    {
        match rs.column_index(&t.column) {
            None => out.problem(
                "logs",
                &t.column,
                ProblemKind::MissingColumn { available: rs.columns.clone() },
                1,
            ),
            Some(i) => match last.get(i).and_then(|c| c.to_text()) {
                Some(v) => out.tracking = Some(v),
                None if plan.ignore_nulls => {}
                None => out.problem("logs", &t.column, ProblemKind::NullTracking, 1),
            },
        }
    }
    out
}

/// A timestamp column's value: a whole, non-negative number of nanoseconds since the Unix epoch
/// (contrib's rule), given as an integer, a numeric or a float without a fraction.
fn timestamp(cell: &crate::cell::Cell) -> Option<u64> {
    cell.to_number(crate::cell::ValueType::Int).ok().and_then(|v| match v {
        dbintel_core::pdata::NumberValue::Int(i) => u64::try_from(i).ok(),
        dbintel_core::pdata::NumberValue::Double(_) => None,
    })
}

fn same_kind(data: &MetricData, kind: MetricKind) -> bool {
    match (data, kind) {
        (MetricData::Gauge(_), MetricKind::Gauge) => true,
        (
            MetricData::Sum { temporality, monotonic, .. },
            MetricKind::Sum { temporality: t, monotonic: m },
        ) => *temporality == t && *monotonic == m,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::{Cell, ValueType};
    use crate::config::{LogPlan, MetricPlan, Tracking};
    use dbintel_core::pdata::NumberValue;

    fn metric(name: &str, col: &str, kind: MetricKind, vt: ValueType) -> MetricPlan {
        MetricPlan {
            name: name.into(),
            value_column: col.into(),
            attribute_columns: vec!["Kind".into()],
            kind,
            value_type: vt,
            unit: "1".into(),
            description: String::new(),
            static_attributes: vec![("env".into(), "test".into())],
            ts_column: None,
            start_ts_column: None,
        }
    }

    fn rs() -> ResultSet {
        ResultSet {
            columns: vec!["kind".into(), "n".into(), "ratio".into(), "id".into()],
            rows: vec![
                vec![Cell::Text("a".into()), Cell::Text("3".into()), Cell::Text("0.5".into()), Cell::Int(1)],
                vec![Cell::Null, Cell::Null, Cell::Text("x".into()), Cell::Int(2)],
                vec![Cell::Text("c".into()), Cell::Int(5), Cell::Float(1.25), Cell::Int(3)],
            ],
            truncated: false,
            dropped_rows: 0,
        }
    }

    const TIMES: Times = Times { now: 300, cumulative_start: 100, delta_start: 200 };

    #[test]
    fn one_point_per_row_skipping_invalid_values() {
        let plan = QueryPlan {
            sql: String::new(),
            metrics: vec![
                metric("n", "N", MetricKind::Gauge, ValueType::Int),
                metric(
                    "ratio",
                    "ratio",
                    MetricKind::Sum { temporality: Temporality::Cumulative, monotonic: true },
                    ValueType::Double,
                ),
                metric(
                    "ratio_delta",
                    "ratio",
                    MetricKind::Sum { temporality: Temporality::Delta, monotonic: false },
                    ValueType::Double,
                ),
            ],
            logs: vec![],
            tracking: None,
            ignore_nulls: false,
        };
        let out = build(&plan, &rs(), TIMES, true, true);
        assert_eq!(out.metrics.len(), 3);
        assert_eq!(out.points, 6);
        assert_eq!(out.invalid, 3);
        let MetricData::Gauge(points) = &out.metrics[0].data else { panic!() };
        assert_eq!(
            points.iter().map(|p| p.value).collect::<Vec<_>>(),
            [NumberValue::Int(3), NumberValue::Int(5)]
        );
        assert_eq!(points[0].attributes.get("Kind"), Some(&Value::Str("a".into())));
        assert_eq!(points[0].attributes.get("env"), Some(&Value::Str("test".into())));
        assert_eq!(points[0].start_time_unix_nano, 0);
        let MetricData::Sum { points, monotonic: true, temporality: Temporality::Cumulative } =
            &out.metrics[1].data
        else {
            panic!()
        };
        assert_eq!(points[0].start_time_unix_nano, 100);
        assert_eq!(points[1].value, NumberValue::Double(1.25));
        let MetricData::Sum { points, .. } = &out.metrics[2].data else { panic!() };
        assert_eq!(points[0].start_time_unix_nano, 200);
        let kinds: Vec<&ProblemKind> = out.problems.iter().map(|p| &p.kind).collect();
        assert!(kinds.contains(&&ProblemKind::Invalid(InvalidValue::Null)));
        assert!(kinds.contains(&&ProblemKind::Invalid(InvalidValue::NotNumeric)));
    }

    #[test]
    fn null_attribute_is_empty_string_and_missing_column_is_reported() {
        let mut m = metric("n", "id", MetricKind::Gauge, ValueType::Int);
        m.attribute_columns.push("nope".into());
        let plan = QueryPlan {
            sql: String::new(),
            metrics: vec![m],
            logs: vec![],
            tracking: None,
            ignore_nulls: false,
        };
        let out = build(&plan, &rs(), TIMES, true, true);
        let MetricData::Gauge(points) = &out.metrics[0].data else { panic!() };
        assert_eq!(points[1].attributes.get("Kind"), Some(&Value::Str(Default::default())));
        assert!(points[0].attributes.get("nope").is_none());
        assert!(matches!(out.problems[0].kind, ProblemKind::MissingColumn { .. }));

        let plan = QueryPlan {
            sql: String::new(),
            metrics: vec![metric("gone", "missing", MetricKind::Gauge, ValueType::Int)],
            logs: vec![],
            tracking: None,
            ignore_nulls: false,
        };
        let out = build(&plan, &rs(), TIMES, true, true);
        assert!(out.metrics.is_empty());
        assert_eq!(out.invalid, 3);
    }

    #[test]
    fn logs_and_tracking_value_of_last_row() {
        let plan = QueryPlan {
            sql: String::new(),
            metrics: vec![],
            logs: vec![LogPlan {
                body_column: "kind".into(),
                attribute_columns: vec!["id".into()],
                renamed_attributes: vec![],
            }],
            tracking: Some(Tracking { column: "ID".into(), start_value: "0".into() }),
            ignore_nulls: false,
        };
        let out = build(&plan, &rs(), TIMES, false, true);
        assert_eq!(out.logs.len(), 2, "the NULL body is skipped");
        assert_eq!(out.logs[1].body, Some(Value::Str("c".into())));
        assert_eq!(out.logs[1].attributes.get("id"), Some(&Value::Str("3".into())));
        assert_eq!(out.logs[0].time_unix_nano, 300);
        assert_eq!(out.tracking.as_deref(), Some("3"));
        assert_eq!(out.invalid_records, 1);

        let empty = ResultSet { columns: rs().columns, rows: vec![], truncated: false, dropped_rows: 0 };
        assert_eq!(build(&plan, &empty, TIMES, false, true).tracking, None);
    }

    #[test]
    fn the_prototypes_log_attributes_rename_columns() {
        let plan = QueryPlan {
            sql: String::new(),
            metrics: vec![],
            logs: vec![LogPlan {
                body_column: "kind".into(),
                attribute_columns: vec![],
                renamed_attributes: vec![("query_id".into(), "id".into()), ("gone".into(), "nope".into())],
            }],
            tracking: None,
            ignore_nulls: false,
        };
        let out = build(&plan, &rs(), TIMES, false, true);
        assert_eq!(out.logs.len(), 2);
        assert_eq!(out.logs[0].attributes.get("query_id"), Some(&Value::Str("1".into())));
        assert_eq!(out.logs[0].attributes.get("id"), None);
        assert_eq!(out.logs[0].attributes.get("gone"), None, "a missing column is reported, not invented");
        assert!(
            out.problems
                .iter()
                .any(|p| p.column == "nope" && matches!(p.kind, ProblemKind::MissingColumn { .. })),
            "{:?}",
            out.problems
        );
    }

    #[test]
    fn timestamps_come_from_their_columns_and_bad_ones_skip_the_point() {
        let mut m = metric(
            "n",
            "n",
            MetricKind::Sum { temporality: Temporality::Cumulative, monotonic: true },
            ValueType::Int,
        );
        m.attribute_columns = vec![];
        m.ts_column = Some("ts".into());
        m.start_ts_column = Some("start".into());
        let rs = ResultSet {
            columns: vec!["n".into(), "ts".into(), "start".into()],
            rows: vec![
                vec![
                    Cell::Int(1),
                    Cell::Int(1_700_000_000_000_000_000),
                    Cell::Text("1600000000000000000".into()),
                ],
                vec![Cell::Int(2), Cell::Text("not a time".into()), Cell::Int(5)],
                vec![Cell::Int(3), Cell::Null, Cell::Int(5)],
                vec![Cell::Int(4), Cell::Float(1.5e18), Cell::Int(-1)],
            ],
            truncated: false,
            dropped_rows: 0,
        };
        let mut plan = QueryPlan {
            sql: String::new(),
            metrics: vec![m],
            logs: vec![],
            tracking: None,
            ignore_nulls: false,
        };
        let out = build(&plan, &rs, TIMES, true, false);
        let MetricData::Sum { points, .. } = &out.metrics[0].data else { panic!() };
        assert_eq!(points.len(), 1, "{points:?}");
        assert_eq!(points[0].time_unix_nano, 1_700_000_000_000_000_000);
        assert_eq!(points[0].start_time_unix_nano, 1_600_000_000_000_000_000);
        assert_eq!(out.invalid, 3);
        assert!(out.problems.iter().all(|p| p.kind == ProblemKind::InvalidTimestamp), "{:?}", out.problems);

        // ignore_null_values: the NULL timestamp is skipped silently; the bad ones are still reported.
        plan.ignore_nulls = true;
        let out = build(&plan, &rs, TIMES, true, false);
        assert_eq!(out.invalid, 2);

        // A timestamp column missing from the result: reported, the scrape's times apply.
        plan.metrics[0].ts_column = Some("nope".into());
        plan.metrics[0].start_ts_column = None;
        let out = build(&plan, &rs, TIMES, true, false);
        let MetricData::Sum { points, .. } = &out.metrics[0].data else { panic!() };
        assert_eq!(points.len(), 4);
        assert!(points.iter().all(|p| p.time_unix_nano == TIMES.now && p.start_time_unix_nano == 100));
        assert!(matches!(out.problems[0].kind, ProblemKind::MissingColumn { .. }));
    }

    #[test]
    fn ignore_null_values_skips_nulls_silently() {
        let logs = vec![LogPlan {
            body_column: "kind".into(),
            attribute_columns: vec![],
            renamed_attributes: vec![],
        }];
        let metrics = vec![metric("n", "n", MetricKind::Gauge, ValueType::Int)];
        let plan = |ignore_nulls| QueryPlan {
            sql: String::new(),
            metrics: metrics.clone(),
            logs: logs.clone(),
            tracking: None,
            ignore_nulls,
        };
        let noisy = build(&plan(false), &rs(), TIMES, true, true);
        assert_eq!((noisy.invalid, noisy.invalid_records), (1, 1));
        assert_eq!(noisy.problems.len(), 2, "{:?}", noisy.problems);
        let quiet = build(&plan(true), &rs(), TIMES, true, true);
        assert_eq!((quiet.invalid, quiet.invalid_records), (0, 0));
        assert!(quiet.problems.is_empty(), "{:?}", quiet.problems);
        assert_eq!((quiet.points, quiet.logs.len()), (2, 2), "the other rows are kept");
        // Values that are not NULL but wrong are still reported.
        let mut bad = plan(true);
        bad.metrics[0].value_column = "ratio".into();
        let out = build(&bad, &rs(), TIMES, true, false);
        assert_eq!(out.invalid, 3, "0.5, x and 1.25 are not integers");
    }
}
