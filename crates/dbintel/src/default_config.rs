//! The embedded default config and the local PostgreSQL it points at.

use dbintel_sqlquery::dsn::{DataSource, Driver};

pub const DEFAULT_CONFIG: &str = include_str!("default.yaml");
pub const DEFAULT_CONFIG_NAME: &str = "<embedded default config>";

/// The local server to watch, as the variables the embedded config reads.
pub fn default_variables(env: &dyn Fn(&str) -> Option<String>) -> Vec<(&'static str, String)> {
    let datasource = default_datasource(env);
    let fallback_user = env("USER").unwrap_or_else(|| "postgres".to_string());
    let target = DataSource::parse(Driver::Postgres, &datasource).ok().map(|d| d.target().clone());
    let (endpoint, transport, user, password) = match target.clone() {
        Some(t) => (
            format!("{}:{}", t.host, t.port),
            if t.socket { "unix" } else { "tcp" },
            t.user.unwrap_or(fallback_user),
            t.password.unwrap_or_default(),
        ),
        None => ("localhost:5432".to_string(), "tcp", fallback_user, String::new()),
    };
    // A database named by PGDATABASE or DATABASE_URL (other than the maintenance database) is the
    // one to watch: the role may not even be allowed into `postgres`. Otherwise every database.
    let database =
        target.as_ref().and_then(|t| t.database.clone()).filter(|d| !d.is_empty() && d != "postgres");
    let databases = serde_json::Value::from(database.into_iter().collect::<Vec<_>>()).to_string();
    vec![
        ("DBINTEL_DEFAULT_DATABASES", databases),
        ("DBINTEL_DEFAULT_ENDPOINT", endpoint),
        ("DBINTEL_DEFAULT_TRANSPORT", transport.to_string()),
        ("DBINTEL_DEFAULT_USER", user),
        ("DBINTEL_DEFAULT_PASSWORD", password),
    ]
}

/// The embedded config with the local server's address, transport and user written in as quoted
/// values: they are not secrets (libpq's PGHOST/PGPORT/PGUSER), so they must not be hidden from log
/// lines like values from placeholders are. Only the password stays a placeholder
/// (`DBINTEL_DEFAULT_PASSWORD`, looked up from [`default_variables`]).
pub fn render(vars: &[(&str, String)]) -> String {
    let mut text = DEFAULT_CONFIG.to_string();
    for (name, value) in vars.iter().filter(|(name, _)| *name != "DBINTEL_DEFAULT_PASSWORD") {
        // A JSON string is a YAML double-quoted scalar, a JSON list of strings a YAML flow sequence;
        // `$$` keeps a `$` from being expanded.
        let literal = if name.ends_with("_DATABASES") {
            value.replace('$', "$$")
        } else {
            serde_json::Value::String(value.replace('$', "$$")).to_string()
        };
        text = text.replace(&format!("${{env:{name}}}"), &literal);
    }
    text
}

/// The local PostgreSQL as a libpq datasource: the standard PG* variables when any is set, then
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

    fn var(vars: &[(&str, String)], name: &str) -> String {
        vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    #[test]
    fn pg_variables_come_first() {
        let env = env_of(&[("PGHOST", "db1"), ("PGPORT", "6543"), ("DATABASE_URL", "postgres://x@y/z")]);
        let ds = default_datasource(&env);
        assert!(ds.contains("host=db1") && ds.contains("port=6543"), "{ds}");
        let vars = default_variables(&env);
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_ENDPOINT"), "db1:6543");
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_TRANSPORT"), "tcp");
    }

    #[test]
    fn a_socket_directory_means_unix_transport() {
        let vars = default_variables(&env_of(&[("PGHOST", "/var/run/postgresql"), ("PGUSER", "mon")]));
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_TRANSPORT"), "unix");
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_ENDPOINT"), "/var/run/postgresql:5432");
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_USER"), "mon");
    }

    #[test]
    fn database_url_then_localhost() {
        let vars =
            default_variables(&env_of(&[("DATABASE_URL", "postgres://app:s3cret@db.internal:5433/shop")]));
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_ENDPOINT"), "db.internal:5433");
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_USER"), "app");
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_PASSWORD"), "s3cret");
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_DATABASES"), r#"["shop"]"#);
        let sources = [dbintel_config::ConfigSource::embedded("default", render(&vars))];
        let raw = dbintel_config::load(&sources, &|_| None).unwrap();
        assert_eq!(raw.root()["receivers"]["postgresql/local"]["databases"], serde_json::json!(["shop"]));
        let ds = default_datasource(&env_of(&[("USER", "alice")]));
        assert_eq!(ds, "host=localhost port=5432 user=alice dbname=postgres sslmode=disable");
        let vars = default_variables(&env_of(&[("USER", "alice")]));
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_ENDPOINT"), "localhost:5432");
        assert_eq!(var(&vars, "DBINTEL_DEFAULT_DATABASES"), "[]");
    }

    #[test]
    fn rendered_values_are_literal_yaml_strings() {
        let vars = vec![
            ("DBINTEL_DEFAULT_DATABASES", r#"["a: b", "$c"]"#.to_string()),
            ("DBINTEL_DEFAULT_ENDPOINT", "h\"ost: {x}\n- y:5432".to_string()),
            ("DBINTEL_DEFAULT_TRANSPORT", "tcp".to_string()),
            ("DBINTEL_DEFAULT_USER", "me${env:HOME}".to_string()),
            ("DBINTEL_DEFAULT_PASSWORD", "pw-value-4711".to_string()),
        ];
        let text = render(&vars);
        assert!(!text.contains("${env:DBINTEL_DEFAULT_ENDPOINT}") && !text.contains("pw-value-4711"));
        assert!(text.contains("${env:DBINTEL_DEFAULT_PASSWORD:-}"));
        let sources = [dbintel_config::ConfigSource::embedded("default", text)];
        let raw = dbintel_config::load(&sources, &|_| None).unwrap();
        let receiver = &raw.root()["receivers"]["postgresql/local"];
        assert_eq!(receiver["endpoint"], "h\"ost: {x}\n- y:5432");
        assert_eq!(receiver["databases"], serde_json::json!(["a: b", "$c"]));
        assert_eq!(receiver["username"], "me$${env:HOME}".replace("$$", "$"));
    }

    #[test]
    fn quotes_awkward_passwords() {
        let env = env_of(&[("PGPASSWORD", "it's a secret")]);
        assert!(default_datasource(&env).ends_with("password='it\\'s a secret'"));
        assert_eq!(var(&default_variables(&env), "DBINTEL_DEFAULT_PASSWORD"), "it's a secret");
    }
}
