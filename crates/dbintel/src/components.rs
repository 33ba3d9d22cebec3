//! The registry of every built-in component type.

use dbintel_core::{ComponentKind, ComponentRegistry};

pub fn registry() -> ComponentRegistry {
    let mut r = ComponentRegistry::new();
    r.register(std::sync::Arc::new(dbintel_sqlquery::SqlQueryFactory));
    r.register(std::sync::Arc::new(dbintel_enhancedsql::EnhancedSqlFactory));
    r.register(std::sync::Arc::new(dbintel_postgresql::PostgresqlFactory));
    r.register(std::sync::Arc::new(dbintel_postgresql::AshFactory));
    r.register(std::sync::Arc::new(dbintel_postgresql::AutoExplainFactory));
    r.register(std::sync::Arc::new(dbintel_mysql::MysqlFactory));
    r.register(std::sync::Arc::new(dbintel_otlpreceiver::OtlpReceiverFactory));
    for f in dbintel_processors::factories() {
        r.register(f);
    }
    for f in dbintel_exporters::factories() {
        r.register(f);
    }
    for f in dbintel_extensions::factories() {
        r.register(f);
    }
    r
}

/// The JSON schema of `kind/type` (`exporter/otlp`, `exporters/otlp`, aliases too), or of every
/// type for `all` (one object keyed by `kind/type`).
pub fn schema(which: &str) -> Result<serde_json::Value, String> {
    let registry = registry();
    if which == "all" {
        let mut all = serde_json::Map::new();
        for kind in ComponentKind::ALL {
            for info in registry.infos(kind) {
                if let Some(schema) = registry.get(kind, info.type_name).and_then(|f| f.config_schema()) {
                    all.insert(format!("{}/{}", kind.as_str(), info.type_name), schema);
                }
            }
        }
        return Ok(serde_json::Value::Object(all));
    }
    let usage =
        || format!("`{which}`: give KIND/TYPE, e.g. `receiver/postgresql` or `exporter/otlp`, or `all`");
    let (kind, type_name) = which.split_once('/').ok_or_else(usage)?;
    let kind = ComponentKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind || k.section() == kind)
        .ok_or_else(usage)?;
    let factory = registry.get(kind, type_name).ok_or_else(|| {
        let known: Vec<&str> = registry.infos(kind).iter().map(|i| i.type_name).collect();
        format!("no {kind} type `{type_name}`; known: {}", known.join(", "))
    })?;
    factory.config_schema().ok_or_else(|| format!("{kind} `{type_name}` has no config schema"))
}
