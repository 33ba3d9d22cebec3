//! The embedded default config and the datasource it points at.

pub const DEFAULT_CONFIG: &str = include_str!("default.yaml");
pub const DEFAULT_CONFIG_NAME: &str = "<embedded default config>";

/// The variable through which the embedded config receives its datasource.
pub const DATASOURCE_VAR: &str = "DBINTEL_DEFAULT_DATASOURCE";

/// The local PostgreSQL to watch by default: the standard PG* variables when any is set, then
/// DATABASE_URL, then localhost:5432 as the current OS user (libpq's own defaults).
pub fn default_datasource(env: &dyn Fn(&str) -> Option<String>) -> String {
    let pg_keys = [
        ("PGHOST", "host"),
        ("PGPORT", "port"),
        ("PGUSER", "user"),
        ("PGPASSWORD", "password"),
        ("PGDATABASE", "dbname"),
        ("PGSSLMODE", "sslmode"),
    ];
    let set: Vec<(&str, String)> = pg_keys
        .iter()
        .filter_map(|(var, key)| env(var).filter(|v| !v.is_empty()).map(|v| (*key, v)))
        .collect();
    if set.is_empty()
        && let Some(url) = env("DATABASE_URL").filter(|v| !v.is_empty())
    {
        return url;
    }
    let get = |key: &str| set.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone());
    let user = get("user").or_else(|| env("USER")).unwrap_or_else(|| "postgres".to_string());
    let mut parts = vec![
        ("host", get("host").unwrap_or_else(|| "localhost".to_string())),
        ("port", get("port").unwrap_or_else(|| "5432".to_string())),
        ("user", user),
        ("dbname", get("dbname").unwrap_or_else(|| "postgres".to_string())),
        ("sslmode", get("sslmode").unwrap_or_else(|| "disable".to_string())),
    ];
    if let Some(pw) = get("password") {
        parts.push(("password", pw));
    }
    parts.iter().map(|(k, v)| format!("{k}={}", quote_libpq(v))).collect::<Vec<_>>().join(" ")
}

/// Quotes a libpq key=value value when it needs it.
fn quote_libpq(v: &str) -> String {
    if !v.is_empty() && !v.contains([' ', '\'', '\\', '\t', '\n']) {
        return v.to_string();
    }
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k: &str| map.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn pg_variables_come_first() {
        let env = env_of(&[("PGHOST", "/run/pg"), ("PGPORT", "6543"), ("DATABASE_URL", "postgres://x@y/z")]);
        let ds = default_datasource(&env);
        assert!(ds.contains("host=/run/pg") && ds.contains("port=6543"), "{ds}");
    }

    #[test]
    fn database_url_then_localhost() {
        assert_eq!(default_datasource(&env_of(&[("DATABASE_URL", "postgres://a@b/c")])), "postgres://a@b/c");
        let ds = default_datasource(&env_of(&[("USER", "alice")]));
        assert_eq!(ds, "host=localhost port=5432 user=alice dbname=postgres sslmode=disable");
    }

    #[test]
    fn quotes_awkward_passwords() {
        let ds = default_datasource(&env_of(&[("PGPASSWORD", "it's a secret")]));
        assert!(ds.ends_with("password='it\\'s a secret'"), "{ds}");
    }
}
