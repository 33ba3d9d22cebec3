//! Collects metric points during a scrape and turns them into the data model, in the order of the
//! metric table: a thin layer over dbclient's [`MetricBuilder`] that records by [`MetricId`]. Only
//! enabled metrics take points; the number of points per scrape is bounded.

use dbintel_core::pdata::{
    Attributes, Metric, MetricData, NumberDataPoint, NumberValue, Resource, ResourceMetrics, Scope,
    ScopeMetrics, Value,
};
use dbintel_dbclient::metrics::MetricBuilder;

use crate::config::{EnabledMetrics, ResourceAttrs};
use crate::metadata::MetricId;

/// Points per scrape at most (a server with huge numbers of tables and indexes); the rest is
/// dropped and counted.
pub const MAX_POINTS_PER_SCRAPE: usize = 500_000;

pub struct Builder<'a> {
    points: MetricBuilder<'a>,
}

impl<'a> Builder<'a> {
    pub fn new(enabled: &'a EnabledMetrics, start: u64, now: u64) -> Self {
        Self { points: enabled.table().builder(start, now, MAX_POINTS_PER_SCRAPE) }
    }

    pub fn on(&self, id: MetricId) -> bool {
        self.points.table().is_enabled_at(id.index())
    }

    pub fn int(&mut self, id: MetricId, v: i64, attributes: Attributes) {
        self.points.record_at(id.index(), NumberValue::Int(v), attributes);
    }

    /// A non-finite value gives no point.
    pub fn double(&mut self, id: MetricId, v: f64, attributes: Attributes) {
        self.points.record_at(id.index(), NumberValue::Double(v), attributes);
    }

    /// An integer value if present (NULL columns give no point).
    pub fn opt_int(&mut self, id: MetricId, v: Option<i64>, attributes: impl FnOnce() -> Attributes) {
        if let Some(v) = v
            && self.on(id)
        {
            self.int(id, v, attributes());
        }
    }

    pub fn point_count(&self) -> usize {
        self.points.point_count()
    }

    /// Points dropped past [`MAX_POINTS_PER_SCRAPE`].
    pub fn dropped(&self) -> u64 {
        self.points.dropped()
    }

    pub fn finish(self) -> Vec<Metric> {
        self.points.finish()
    }
}

/// Builds attributes from string pairs.
pub fn attrs<const N: usize>(pairs: [(&'static str, String); N]) -> Attributes {
    let mut a = Attributes::with_capacity(N);
    for (k, v) in pairs {
        a.insert(k, v);
    }
    a
}

/// `db.namespace` for objects inside a schema: `{database}|{schema}` (semantic conventions).
pub fn namespace(db: &str, schema: &str) -> String {
    if schema.is_empty() { db.to_string() } else { format!("{db}|{schema}") }
}

/// Renders metrics as sorted text lines `name{k=v,...} kind value` (golden files, tests).
pub fn render(metrics: &[Metric]) -> String {
    let mut lines = Vec::new();
    for m in metrics {
        let (points, kind) = match &m.data {
            MetricData::Gauge(p) => (p, "gauge".to_string()),
            MetricData::Sum { points, monotonic, .. } => {
                (points, if *monotonic { "sum".to_string() } else { "sum(nm)".to_string() })
            }
            _ => continue,
        };
        for p in points {
            let mut a: Vec<String> =
                p.attributes.iter().map(|(k, v)| format!("{k}={}", v.to_display_string())).collect();
            a.sort();
            let v = match p.value {
                NumberValue::Int(i) => i.to_string(),
                NumberValue::Double(d) => format!("{d:?}"),
            };
            lines.push(format!("{}{{{}}} [{}] {kind} {v}", m.name, a.join(","), m.unit));
        }
    }
    lines.sort();
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// Regroups metrics built in the semconv shape (entity on the points) into contrib's legacy shape:
/// one resource per database, table and index, carrying `postgresql.database.name`,
/// `postgresql.table.name` (`schema.table`) and `postgresql.index.name`, with those entity
/// attributes removed from the points. Server-level points stay on the base resource.
pub fn legacy_resources(
    base: &Resource,
    scope: &Scope,
    metrics: Vec<Metric>,
    ra: &ResourceAttrs,
) -> Vec<ResourceMetrics> {
    // Entity key: (database, table, index); empty strings for levels that do not apply.
    let mut groups: Vec<((String, String, String), Vec<Metric>)> = Vec::new();
    for metric in metrics {
        let Metric { name, description, unit, data } = metric;
        let mut split: Vec<((String, String, String), MetricData)> = Vec::new();
        let mut place =
            |key: (String, String, String), point: NumberDataPoint, empty: &dyn Fn() -> MetricData| {
                let slot = match split.iter().position(|(k, _)| *k == key) {
                    Some(i) => i,
                    None => {
                        split.push((key, empty()));
                        split.len() - 1
                    }
                };
                if let MetricData::Gauge(p) | MetricData::Sum { points: p, .. } = &mut split[slot].1 {
                    p.push(point);
                }
            };
        match data {
            MetricData::Gauge(points) => {
                for p in points {
                    let (key, p) = entity_of(p);
                    place(key, p, &|| MetricData::Gauge(Vec::new()));
                }
            }
            MetricData::Sum { points, temporality, monotonic } => {
                for p in points {
                    let (key, p) = entity_of(p);
                    place(key, p, &|| MetricData::Sum { points: Vec::new(), temporality, monotonic });
                }
            }
            other => split.push(((String::new(), String::new(), String::new()), other)),
        }
        for (key, data) in split {
            let m = Metric { name: name.clone(), description: description.clone(), unit: unit.clone(), data };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, ms)) => ms.push(m),
                None => groups.push((key, vec![m])),
            }
        }
    }
    groups
        .into_iter()
        .map(|((db, table, index), metrics)| {
            let mut resource = base.clone();
            if !db.is_empty() && ra.database_name {
                resource.attributes.insert("postgresql.database.name", db);
            }
            if !table.is_empty() && ra.table_name {
                resource.attributes.insert("postgresql.table.name", table);
            }
            if !index.is_empty() && ra.index_name {
                resource.attributes.insert("postgresql.index.name", index);
            }
            ResourceMetrics {
                resource,
                scope_metrics: vec![ScopeMetrics {
                    scope: scope.clone(),
                    metrics,
                    schema_url: String::new(),
                }],
                schema_url: String::new(),
            }
        })
        .collect()
}

/// Takes the entity attributes off a point: `db.namespace` (`db` or `db|schema`),
/// `db.collection.name` and `postgresql.index.name`.
fn entity_of(mut p: NumberDataPoint) -> ((String, String, String), NumberDataPoint) {
    let text = |v: Option<Value>| match v {
        Some(Value::Str(s)) => s.into_string(),
        Some(other) => other.to_display_string(),
        None => String::new(),
    };
    let namespace = text(p.attributes.remove("db.namespace"));
    let collection = text(p.attributes.remove("db.collection.name"));
    let index = text(p.attributes.remove("postgresql.index.name"));
    let (db, schema) = match namespace.split_once('|') {
        Some((db, schema)) => (db.to_string(), schema.to_string()),
        None => (namespace, String::new()),
    };
    let table = match (schema.is_empty(), collection.is_empty()) {
        (_, true) => String::new(),
        (true, false) => collection,
        (false, false) => format!("{schema}.{collection}"),
    };
    ((db, table, index), p)
}

#[cfg(test)]
mod legacy_tests {
    use dbintel_core::pdata::Temporality;

    use super::*;

    fn point(attrs: &[(&'static str, &str)], v: i64) -> NumberDataPoint {
        NumberDataPoint {
            attributes: attrs.iter().map(|(k, v)| (*k, *v)).collect(),
            start_time_unix_nano: 1,
            time_unix_nano: 2,
            value: NumberValue::Int(v),
            flags: 0,
        }
    }

    #[test]
    fn regroups_points_into_database_table_and_index_resources() {
        let base = Resource { attributes: [("server.address", "db1")].into_iter().collect() };
        let metrics = vec![
            Metric {
                name: "postgresql.database.count".into(),
                description: String::new(),
                unit: "{databases}".into(),
                data: MetricData::Sum {
                    points: vec![point(&[], 3)],
                    temporality: Temporality::Cumulative,
                    monotonic: false,
                },
            },
            Metric {
                name: "postgresql.backends".into(),
                description: String::new(),
                unit: "1".into(),
                data: MetricData::Sum {
                    points: vec![point(&[("db.namespace", "shop")], 4), point(&[("db.namespace", "crm")], 1)],
                    temporality: Temporality::Cumulative,
                    monotonic: false,
                },
            },
            Metric {
                name: "postgresql.rows".into(),
                description: String::new(),
                unit: "1".into(),
                data: MetricData::Sum {
                    points: vec![point(
                        &[
                            ("db.namespace", "shop|public"),
                            ("db.collection.name", "orders"),
                            ("state", "live"),
                        ],
                        42,
                    )],
                    temporality: Temporality::Cumulative,
                    monotonic: false,
                },
            },
            Metric {
                name: "postgresql.index.scans".into(),
                description: String::new(),
                unit: "{scans}".into(),
                data: MetricData::Sum {
                    points: vec![point(
                        &[
                            ("db.namespace", "shop|public"),
                            ("db.collection.name", "orders"),
                            ("postgresql.index.name", "orders_pkey"),
                        ],
                        7,
                    )],
                    temporality: Temporality::Cumulative,
                    monotonic: true,
                },
            },
        ];
        let out = legacy_resources(&base, &Scope::default(), metrics, &ResourceAttrs::default());
        let find = |attrs: &[(&str, &str)]| {
            out.iter()
                .find(|rm| {
                    rm.resource.attributes.len() == attrs.len() + 1
                        && attrs
                            .iter()
                            .all(|(k, v)| rm.resource.attributes.get(k).and_then(Value::as_str) == Some(*v))
                })
                .unwrap_or_else(|| panic!("no resource {attrs:?} in {out:#?}"))
        };
        let server = find(&[]);
        assert_eq!(server.scope_metrics[0].metrics[0].name, "postgresql.database.count");
        let shop = find(&[("postgresql.database.name", "shop")]);
        let backends = &shop.scope_metrics[0].metrics[0];
        assert_eq!(backends.data.point_count(), 1);
        let MetricData::Sum { points, .. } = &backends.data else { panic!() };
        assert!(points[0].attributes.is_empty(), "entity attributes move to the resource");
        find(&[("postgresql.database.name", "crm")]);
        let table = find(&[("postgresql.database.name", "shop"), ("postgresql.table.name", "public.orders")]);
        let MetricData::Sum { points, .. } = &table.scope_metrics[0].metrics[0].data else { panic!() };
        assert_eq!(points[0].attributes.get("state").and_then(Value::as_str), Some("live"));
        find(&[
            ("postgresql.database.name", "shop"),
            ("postgresql.table.name", "public.orders"),
            ("postgresql.index.name", "orders_pkey"),
        ]);
        assert_eq!(out.len(), 5);
    }
}
