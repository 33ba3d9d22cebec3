//! The registry of every built-in component type.

use dbintel_core::ComponentRegistry;

pub fn registry() -> ComponentRegistry {
    let mut r = ComponentRegistry::new();
    r.register(std::sync::Arc::new(dbintel_sqlquery::SqlQueryFactory));
    r.register(std::sync::Arc::new(dbintel_postgresql::PostgresqlFactory));
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
