//! The embedded default config and the local PostgreSQL (and MySQL/MariaDB, when one answers) it
//! points at.

use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

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

/// The overlay merged over [`DEFAULT_CONFIG`] when a local MySQL/MariaDB answers.
pub const DEFAULT_MYSQL_CONFIG: &str = include_str!("default_mysql.yaml");

/// The mysql client's standard sockets, tried in order when MYSQL_UNIX_PORT is not set.
pub const MYSQL_SOCKETS: &[&str] =
    &["/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock", "/tmp/mysql.sock"];
/// How long one probe may take (connect plus the server's greeting).
const PROBE_TIMEOUT: Duration = Duration::from_millis(1500);

/// Where a local MySQL/MariaDB may answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MysqlTarget {
    Socket(PathBuf),
    Tcp(String, u16),
}

impl std::fmt::Display for MysqlTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MysqlTarget::Socket(p) => write!(f, "{}", p.display()),
            MysqlTarget::Tcp(h, p) if h.contains(':') => write!(f, "[{h}]:{p}"),
            MysqlTarget::Tcp(h, p) => write!(f, "{h}:{p}"),
        }
    }
}

/// The outcome of looking for a local MySQL/MariaDB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMysql {
    /// The first candidate that answered with a MySQL greeting.
    pub found: Option<MysqlTarget>,
    /// Every candidate, in the order tried.
    pub tried: Vec<MysqlTarget>,
    pub user: String,
    pub password: Option<String>,
}

impl LocalMysql {
    /// The startup line: which server is watched, or that none answered.
    pub fn describe(&self) -> String {
        let tried = self.tried.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        match &self.found {
            Some(t) => format!(
                "Embedded default: a local MySQL/MariaDB answers at {t}; watching it as user {}.",
                self.user
            ),
            None => format!(
                "Embedded default: no local MySQL/MariaDB answered (tried {tried}); watching PostgreSQL only. \
                 Set MYSQL_HOST/MYSQL_TCP_PORT or MYSQL_UNIX_PORT (and MYSQL_USER/MYSQL_PWD) to point at one."
            ),
        }
    }
}

/// Where to look, from the mysql client's variables: MYSQL_HOST other than `localhost` means TCP
/// to it (MYSQL_TCP_PORT, else 3306); otherwise MYSQL_UNIX_PORT's socket and/or 127.0.0.1 at
/// MYSQL_TCP_PORT when either is set, else the standard sockets and 127.0.0.1:3306.
pub fn mysql_candidates(env: &dyn Fn(&str) -> Option<String>) -> Vec<MysqlTarget> {
    let get = |k: &str| env(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let port: Option<u16> = get("MYSQL_TCP_PORT").and_then(|p| p.parse().ok()).filter(|p| *p != 0);
    let socket = get("MYSQL_UNIX_PORT");
    match get("MYSQL_HOST") {
        Some(h) if h != "localhost" => return vec![MysqlTarget::Tcp(h, port.unwrap_or(3306))],
        _ => {}
    }
    if socket.is_some() || port.is_some() {
        let mut out: Vec<MysqlTarget> = socket.into_iter().map(|s| MysqlTarget::Socket(s.into())).collect();
        out.extend(port.map(|p| MysqlTarget::Tcp("127.0.0.1".into(), p)));
        return out;
    }
    let mut out: Vec<MysqlTarget> = MYSQL_SOCKETS.iter().map(|s| MysqlTarget::Socket(s.into())).collect();
    out.push(MysqlTarget::Tcp("127.0.0.1".into(), 3306));
    out
}

/// Whether a MySQL/MariaDB server answers there: the first packet it sends is its handshake
/// (protocol version 10) or an error packet (0xff, e.g. a host it does not allow). Bounded by
/// [`PROBE_TIMEOUT`]; anything else listening there does not count.
pub fn probe(target: &MysqlTarget) -> bool {
    fn greeting(mut r: impl Read) -> bool {
        let mut head = [0u8; 5];
        r.read_exact(&mut head).is_ok() && matches!(head[4], 10 | 0xff)
    }
    match target {
        MysqlTarget::Socket(path) => {
            let Ok(s) = std::os::unix::net::UnixStream::connect(path) else { return false };
            s.set_read_timeout(Some(PROBE_TIMEOUT)).is_ok() && greeting(s)
        }
        MysqlTarget::Tcp(host, port) => {
            use std::net::ToSocketAddrs;
            let Ok(addrs) = (host.as_str(), *port).to_socket_addrs() else { return false };
            addrs.take(4).any(|a| {
                std::net::TcpStream::connect_timeout(&a, PROBE_TIMEOUT)
                    .is_ok_and(|s| s.set_read_timeout(Some(PROBE_TIMEOUT)).is_ok() && greeting(s))
            })
        }
    }
}

/// Looks for a local MySQL/MariaDB (see [`mysql_candidates`]); `probe` tells whether one answers.
pub fn find_mysql(env: &dyn Fn(&str) -> Option<String>, probe: &dyn Fn(&MysqlTarget) -> bool) -> LocalMysql {
    let tried = mysql_candidates(env);
    let found = tried.iter().find(|t| probe(t)).cloned();
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    LocalMysql {
        found,
        tried,
        user: get("MYSQL_USER").or_else(|| get("USER")).unwrap_or_else(|| "root".to_string()),
        password: get("MYSQL_PWD"),
    }
}

/// The process's local MySQL/MariaDB, looked for once (`run` and its startup line agree).
pub fn local_mysql() -> &'static LocalMysql {
    static FOUND: OnceLock<LocalMysql> = OnceLock::new();
    FOUND.get_or_init(|| find_mysql(&|k| std::env::var(k).ok(), &probe))
}

/// The variables of the mysql overlay; empty when no server answered.
pub fn mysql_variables(local: &LocalMysql) -> Vec<(&'static str, String)> {
    let Some(found) = &local.found else { return Vec::new() };
    let (endpoint, transport) = match found {
        MysqlTarget::Socket(p) => (p.display().to_string(), "unix"),
        t @ MysqlTarget::Tcp(..) => (t.to_string(), "tcp"),
    };
    vec![
        ("DBINTEL_DEFAULT_MYSQL_ENDPOINT", endpoint),
        ("DBINTEL_DEFAULT_MYSQL_TRANSPORT", transport.to_string()),
        ("DBINTEL_DEFAULT_MYSQL_USER", local.user.clone()),
        ("DBINTEL_DEFAULT_MYSQL_PASSWORD", local.password.clone().unwrap_or_default()),
    ]
}

/// The mysql overlay with the server's address, transport and user written in (quoted, `$`
/// escaped); the password stays a placeholder. `None` when no server answered.
pub fn render_mysql(local: &LocalMysql) -> Option<String> {
    local.found.as_ref()?;
    let mut text = DEFAULT_MYSQL_CONFIG.to_string();
    for (name, value) in mysql_variables(local).iter().filter(|(n, _)| *n != "DBINTEL_DEFAULT_MYSQL_PASSWORD")
    {
        let literal = serde_json::Value::String(value.replace('$', "$$")).to_string();
        text = text.replace(&format!("${{env:{name}}}"), &literal);
    }
    Some(text)
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
    fn mysql_candidates_follow_the_mysql_client_variables() {
        let sockets = mysql_candidates(&env_of(&[]));
        assert_eq!(sockets.len(), 4);
        assert_eq!(sockets[0], MysqlTarget::Socket("/run/mysqld/mysqld.sock".into()));
        assert_eq!(sockets[3], MysqlTarget::Tcp("127.0.0.1".into(), 3306));
        assert_eq!(
            mysql_candidates(&env_of(&[("MYSQL_HOST", "db1"), ("MYSQL_TCP_PORT", "3307")])),
            [MysqlTarget::Tcp("db1".into(), 3307)]
        );
        assert_eq!(
            mysql_candidates(&env_of(&[("MYSQL_UNIX_PORT", "/x.sock"), ("MYSQL_HOST", "localhost")])),
            [MysqlTarget::Socket("/x.sock".into())]
        );
        assert_eq!(
            mysql_candidates(&env_of(&[("MYSQL_TCP_PORT", "3310")])),
            [MysqlTarget::Tcp("127.0.0.1".into(), 3310)]
        );
        assert_eq!(MysqlTarget::Tcp("::1".into(), 3306).to_string(), "[::1]:3306");
    }

    #[test]
    fn the_mysql_overlay_is_added_only_when_a_server_answers() {
        let env = env_of(&[("MYSQL_TCP_PORT", "3310"), ("MYSQL_USER", "mon"), ("MYSQL_PWD", "pw-4712")]);
        let none = find_mysql(&env, &|_| false);
        assert!(none.found.is_none() && render_mysql(&none).is_none() && mysql_variables(&none).is_empty());
        assert!(
            none.describe().contains("no local MySQL/MariaDB answered (tried 127.0.0.1:3310)"),
            "{}",
            none.describe()
        );
        let found = find_mysql(&env, &|_| true);
        assert!(
            found.describe().contains("answers at 127.0.0.1:3310") && !found.describe().contains("pw-4712")
        );
        let text = render_mysql(&found).unwrap();
        assert!(!text.contains("pw-4712"));
        let pg = render(&default_variables(&env_of(&[("USER", "alice")])));
        let sources = [
            dbintel_config::ConfigSource::embedded("default", pg),
            dbintel_config::ConfigSource::embedded("default", text),
        ];
        let vars = mysql_variables(&found);
        let raw =
            dbintel_config::load(&sources, &|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
                .unwrap();
        let r = &raw.root()["receivers"]["mysql/local"];
        assert_eq!(
            (r["endpoint"].as_str(), r["transport"].as_str(), r["username"].as_str()),
            (Some("127.0.0.1:3310"), Some("tcp"), Some("mon"))
        );
        assert_eq!(r["password"], "pw-4712");
        assert_eq!(r["events"]["db.server.query_sample"]["enabled"], true);
        let pipes = &raw.root()["service"]["pipelines"];
        assert_eq!(pipes["metrics"]["receivers"], serde_json::json!(["postgresql/local", "mysql/local"]));
        assert_eq!(pipes["logs"]["exporters"], serde_json::json!(["debug"]), "the overlay keeps the rest");
    }

    #[test]
    fn the_probe_wants_a_mysql_greeting() {
        // Something that accepts and says nothing (or not MySQL) is not a server.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let t = std::thread::spawn(move || {
            use std::io::Write;
            if let Ok((mut s, _)) = l.accept() {
                let _ = s.write_all(b"SSH-2.0-OpenSSH\r\n");
            }
        });
        assert!(!probe(&MysqlTarget::Tcp("127.0.0.1".into(), port)));
        t.join().unwrap();
        assert!(!probe(&MysqlTarget::Socket("/nonexistent/mysqld.sock".into())));
    }

    #[test]
    fn quotes_awkward_passwords() {
        let env = env_of(&[("PGPASSWORD", "it's a secret")]);
        assert!(default_datasource(&env).ends_with("password='it\\'s a secret'"));
        assert_eq!(var(&default_variables(&env), "DBINTEL_DEFAULT_PASSWORD"), "it's a secret");
    }
}
