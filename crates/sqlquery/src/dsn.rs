//! Data source names: parsing (URL, libpq key=value, Go MySQL DSN) and redaction of passwords.
//!
//! Nothing here ever puts a password into an error message: errors name the part that is wrong, and
//! [`redact`] replaces the password in any DSN form with `***`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use dbintel_dbclient::SslMode;

/// The database family a receiver talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    Postgres,
    /// MySQL or MariaDB (the server flavour is detected at connect time).
    Mysql,
}

impl Driver {
    /// Accepts the contrib receiver's names (`postgres`, `mysql`) plus `postgresql` and `mariadb`.
    pub fn parse(name: &str) -> Option<Driver> {
        match name.trim().to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pgx" => Some(Driver::Postgres),
            "mysql" | "mariadb" => Some(Driver::Mysql),
            _ => None,
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Driver::Postgres => 5432,
            Driver::Mysql => 3306,
        }
    }
}

/// Why a datasource could not be parsed. Never contains the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DsnError {
    #[error("the datasource is empty")]
    Empty,
    #[error("invalid datasource: {0}")]
    Invalid(String),
    /// A TLS option of the datasource with a value that means nothing; says which values work.
    #[error("{0}")]
    Tls(String),
}

/// The TLS options a datasource carries: the mode and the files (libpq `sslrootcert`, `sslcert`,
/// `sslkey`; MySQL `ssl-ca`, `ssl-cert`, `ssl-key`). `None` = not said in the datasource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DsnTls {
    pub mode: Option<SslMode>,
    pub ca_file: Option<PathBuf>,
    /// libpq `sslrootcert=system`: the default trust roots, `verify-full` unless a mode is given.
    pub system_roots: bool,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
}

impl DsnTls {
    /// Reads one datasource option if it is a TLS option of `driver`; false for any other key.
    fn take(&mut self, driver: Driver, key: &str, value: &str) -> Result<bool, DsnError> {
        let k = key.trim().to_ascii_lowercase().replace('_', "-");
        let path = || Some(PathBuf::from(value.trim()));
        match (driver, k.as_str()) {
            (Driver::Postgres, "sslmode") => {
                self.mode = Some(SslMode::parse_libpq(value).ok_or_else(|| {
                    DsnError::Tls(format!(
                        "sslmode `{value}`: use disable, allow, prefer, require, verify-ca or verify-full"
                    ))
                })?);
            }
            (Driver::Postgres, "sslrootcert") if value.trim() == "system" => self.system_roots = true,
            (Driver::Postgres, "sslrootcert") | (Driver::Mysql, "ssl-ca" | "sslca" | "sslrootcert") => {
                self.ca_file = path()
            }
            (Driver::Postgres, "sslcert") | (Driver::Mysql, "ssl-cert" | "sslcert") => {
                self.cert_file = path()
            }
            (Driver::Postgres, "sslkey") | (Driver::Mysql, "ssl-key" | "sslkey") => self.key_file = path(),
            (Driver::Mysql, "ssl-mode" | "sslmode") => {
                self.mode = Some(SslMode::parse_mysql(value).ok_or_else(|| {
                    DsnError::Tls(format!(
                        "{key} `{value}`: use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY"
                    ))
                })?);
            }
            (Driver::Mysql, "tls") => {
                self.mode = Some(SslMode::parse_go_mysql_tls(value).ok_or_else(|| {
                    DsnError::Tls(format!(
                        "tls `{value}`: use true, false, skip-verify or preferred (a named TLS config \
                         does not exist here: set ssl-ca=... in the datasource or the receiver's `tls` section)"
                    ))
                })?);
            }
            (Driver::Mysql, "require-ssl") => {
                if matches!(value.trim().to_ascii_lowercase().as_str(), "true" | "1") {
                    self.mode = Some(SslMode::Require);
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// What the datasource says, over the receiver's `tls` section: the mode (given, or from the
    /// section, or the driver's default) and the files. libpq's rule applies: `require` with a
    /// root certificate verifies the chain (`verify-ca`).
    pub fn resolve(
        &self,
        driver: Driver,
        section: Option<&dbintel_tls::TlsClientConfig>,
    ) -> Result<dbintel_dbclient::DbTls, String> {
        let mut config = section.cloned().unwrap_or_default();
        for (key, dsn, slot) in [
            ("ca_file", &self.ca_file, &mut config.ca_file),
            ("cert_file", &self.cert_file, &mut config.cert_file),
            ("key_file", &self.key_file, &mut config.key_file),
        ] {
            if let Some(path) = dsn {
                if slot.is_some() {
                    return Err(format!(
                        "tls.{key} is set in both the datasource and the `tls` section: keep one"
                    ));
                }
                *slot = Some(path.clone());
            }
        }
        let has_ca = config.ca_file.is_some() || config.ca_pem.is_some();
        let mode = match (self.mode, section) {
            (Some(mode), _) => mode,
            (None, Some(t)) if t.insecure => SslMode::Disable,
            (None, Some(t)) if t.insecure_skip_verify == Some(true) => SslMode::Require,
            (None, Some(_)) => SslMode::VerifyFull,
            (None, None) if self.system_roots || (driver == Driver::Postgres && has_ca) => {
                // libpq: a root certificate given means it is to be used.
                SslMode::VerifyFull
            }
            (None, None) => match driver {
                Driver::Postgres => SslMode::Prefer,
                Driver::Mysql => SslMode::Disable,
            },
        };
        let mode = if mode == SslMode::Require && has_ca { SslMode::VerifyCa } else { mode };
        Ok(dbintel_dbclient::DbTls::new(mode, config))
    }
}

/// Where the receiver connects: the parts that are also reported as resource attributes.
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name, IP address, or Unix socket path.
    pub host: String,
    pub port: u16,
    pub socket: bool,
    pub user: Option<String>,
    pub password: Option<String>,
    pub database: Option<String>,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("socket", &self.socket)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("database", &self.database)
            .finish()
    }
}

/// A parsed datasource, ready to connect. `tls` starts as what the datasource says (see
/// [`DsnTls::resolve`]) and is completed with the receiver's `tls` section.
#[derive(Clone)]
pub enum DataSource {
    Postgres { config: Box<tokio_postgres::Config>, target: Target, tls: dbintel_dbclient::DbTls },
    Mysql { target: Target, tls: dbintel_dbclient::DbTls },
}

impl fmt::Debug for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataSource::Postgres { target, tls, .. } => {
                f.debug_tuple("Postgres").field(target).field(&tls.mode).finish()
            }
            DataSource::Mysql { target, tls } => {
                f.debug_tuple("Mysql").field(target).field(&tls.mode).finish()
            }
        }
    }
}

impl DataSource {
    /// Parses a datasource with the TLS options it carries and no `tls` section.
    pub fn parse(driver: Driver, dsn: &str) -> Result<DataSource, DsnError> {
        Self::parse_with_tls(driver, dsn, None)
    }

    /// Parses a datasource; its TLS options are combined with the receiver's `tls` section.
    pub fn parse_with_tls(
        driver: Driver,
        dsn: &str,
        section: Option<&dbintel_tls::TlsClientConfig>,
    ) -> Result<DataSource, DsnError> {
        let dsn = dsn.trim();
        if dsn.is_empty() {
            return Err(DsnError::Empty);
        }
        let (ds, dsn_tls) = match driver {
            Driver::Postgres => parse_postgres(dsn)?,
            Driver::Mysql => {
                let (target, dsn_tls) = parse_mysql(dsn)?;
                (DataSource::Mysql { target, tls: dbintel_dbclient::DbTls::disabled() }, dsn_tls)
            }
        };
        let resolved = dsn_tls.resolve(driver, section).map_err(DsnError::Tls)?;
        Ok(match ds {
            DataSource::Postgres { mut config, target, .. } => {
                config.ssl_mode(resolved.pg_ssl_mode());
                DataSource::Postgres { config, target, tls: resolved }
            }
            DataSource::Mysql { target, .. } => DataSource::Mysql { target, tls: resolved },
        })
    }

    pub fn target(&self) -> &Target {
        match self {
            DataSource::Postgres { target, .. } | DataSource::Mysql { target, .. } => target,
        }
    }

    /// How connections are secured.
    pub fn tls(&self) -> &dbintel_dbclient::DbTls {
        match self {
            DataSource::Postgres { tls, .. } | DataSource::Mysql { tls, .. } => tls,
        }
    }
}

/// Takes the TLS options out of a libpq datasource (URL query or key=value), since tokio-postgres
/// knows only `sslmode=disable|prefer|require`, and returns the rest unchanged.
fn take_postgres_tls(dsn: &str) -> Result<(String, DsnTls), DsnError> {
    let mut tls = DsnTls::default();
    if dsn.contains("://") {
        let Some((main, query)) = dsn.split_once('?') else { return Ok((dsn.to_string(), tls)) };
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if !tls.take(Driver::Postgres, &percent_decode(k)?, &percent_decode(v)?)? {
                kept.push(pair);
            }
        }
        let rest = if kept.is_empty() { main.to_string() } else { format!("{main}?{}", kept.join("&")) };
        return Ok((rest, tls));
    }
    let mut kept = Vec::new();
    for (key, raw, value) in keyvalue_pairs(dsn) {
        if !tls.take(Driver::Postgres, &key, &value)? {
            kept.push(format!("{key}={raw}"));
        }
    }
    Ok((kept.join(" "), tls))
}

/// The `key=value` pairs of a libpq connection string: key, the value as written (quotes kept),
/// and the value unquoted. Text that is not `key=value` is kept as a pair with an empty key, so
/// tokio-postgres still reports it.
fn keyvalue_pairs(s: &str) -> Vec<(String, String, String)> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= chars.len() {
            break;
        }
        let key_start = i;
        while i < chars.len() && chars[i] != '=' && !chars[i].is_whitespace() {
            i += 1;
        }
        let key: String = chars[key_start..i].iter().collect();
        skip_ws(&mut i);
        if i >= chars.len() || chars[i] != '=' {
            // Not a pair: handed on as written, for tokio-postgres to reject.
            out.push((key, String::new(), String::new()));
            continue;
        }
        i += 1;
        skip_ws(&mut i);
        let val_start = i;
        let mut value = String::new();
        if i < chars.len() && chars[i] == '\'' {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                value.push(chars[i]);
                i += 1;
            }
            i = (i + 1).min(chars.len());
        } else {
            while i < chars.len() && !chars[i].is_whitespace() {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                value.push(chars[i]);
                i += 1;
            }
        }
        let raw: String = chars[val_start..i].iter().collect();
        out.push((key, raw, value));
    }
    out
}

fn parse_postgres(dsn: &str) -> Result<(DataSource, DsnTls), DsnError> {
    let (dsn, dsn_tls) = take_postgres_tls(dsn)?;
    let dsn = dsn.as_str();
    let config = tokio_postgres::Config::from_str(dsn).map_err(|e| {
        // tokio-postgres names the option or position, never the value.
        DsnError::Invalid(format!(
            "{e} (use `postgres://user:pass@host:5432/db?sslmode=disable` or `host=... port=... user=... \
             dbname=...`)"
        ))
    })?;
    let (host, socket) = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => (h.clone(), false),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => (p.display().to_string(), true),
        None => {
            return Err(DsnError::Invalid(
                "no host given (add `host=...` or `postgres://user@host/db`)".to_string(),
            ));
        }
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().map(str::to_string);
    let database = config.get_dbname().map(str::to_string).or_else(|| user.clone());
    let password = config.get_password().map(|p| String::from_utf8_lossy(p).into_owned());
    let target = Target { host, port, socket, user, password, database };
    let tls = dbintel_dbclient::DbTls::disabled();
    Ok((DataSource::Postgres { config: Box::new(config), target, tls }, dsn_tls))
}

/// Parses `mysql://user:pass@host:port/db?params` (also `mariadb://`) or the Go driver's
/// `user:pass@tcp(host:port)/db?params`.
fn parse_mysql(dsn: &str) -> Result<(Target, DsnTls), DsnError> {
    let (target, params) = if let Some(rest) = strip_scheme(dsn, &["mysql", "mariadb"]) {
        parse_mysql_url(rest)?
    } else if dsn.contains("://") {
        return Err(DsnError::Invalid(
            "unknown URL scheme (use `mysql://user:pass@host:3306/db` or `user:pass@tcp(host:3306)/db`)"
                .to_string(),
        ));
    } else {
        parse_go_mysql(dsn)?
    };
    let mut tls = DsnTls::default();
    for (k, v) in params {
        tls.take(Driver::Mysql, &k, &v)?;
    }
    if target.socket && tls.mode.is_some_and(|m| !m.allows_plaintext()) {
        return Err(DsnError::Tls(
            "TLS does not apply to a unix socket: connect over tcp(host:port) or drop the TLS option".into(),
        ));
    }
    Ok((target, tls))
}

fn strip_scheme<'a>(dsn: &'a str, schemes: &[&str]) -> Option<&'a str> {
    let (scheme, rest) = dsn.split_once("://")?;
    schemes.iter().any(|s| s.eq_ignore_ascii_case(scheme)).then_some(rest)
}

type Params = Vec<(String, String)>;

fn parse_query_params(q: &str) -> Result<Params, DsnError> {
    let mut out = Vec::new();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((percent_decode(k)?, percent_decode(v)?));
    }
    Ok(out)
}

fn parse_mysql_url(rest: &str) -> Result<(Target, Params), DsnError> {
    let (main, query) = match rest.split_once('?') {
        Some((m, q)) => (m, q),
        None => (rest, ""),
    };
    // userinfo ends at the last `@` (unescaped `@` in passwords is common).
    let (userinfo, hostpath) = match main.rfind('@') {
        Some(i) => (Some(&main[..i]), &main[i + 1..]),
        None => (None, main),
    };
    let (hostport, db) = match hostpath.split_once('/') {
        Some((h, d)) => (h, d),
        None => (hostpath, ""),
    };
    let (user, password) = split_userinfo(userinfo, true)?;
    let (host, port) = split_host_port(hostport, 3306)?;
    let database = if db.is_empty() { None } else { Some(percent_decode(db)?) };
    let target = Target { host, port, socket: false, user, password, database };
    Ok((target, parse_query_params(query)?))
}

fn split_userinfo(
    userinfo: Option<&str>,
    decode: bool,
) -> Result<(Option<String>, Option<String>), DsnError> {
    let Some(ui) = userinfo else { return Ok((None, None)) };
    let dec = |s: &str| if decode { percent_decode(s) } else { Ok(s.to_string()) };
    match ui.split_once(':') {
        Some((u, p)) => Ok((Some(dec(u)?).filter(|s| !s.is_empty()), Some(dec(p)?))),
        None => Ok((Some(dec(ui)?).filter(|s| !s.is_empty()), None)),
    }
}

fn split_host_port(hostport: &str, default_port: u16) -> Result<(String, u16), DsnError> {
    if hostport.is_empty() {
        return Ok(("localhost".to_string(), default_port));
    }
    // [v6]:port
    if let Some(rest) = hostport.strip_prefix('[') {
        let (h, after) = rest
            .split_once(']')
            .ok_or_else(|| DsnError::Invalid("unterminated `[` in an IPv6 host".to_string()))?;
        let port = match after.strip_prefix(':') {
            Some(p) => parse_port(p)?,
            None if after.is_empty() => default_port,
            None => return Err(DsnError::Invalid("unexpected text after the IPv6 host".to_string())),
        };
        return Ok((h.to_string(), port));
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) => {
            Ok((if h.is_empty() { "localhost".to_string() } else { h.to_string() }, parse_port(p)?))
        }
        None => Ok((hostport.to_string(), default_port)),
    }
}

fn parse_port(p: &str) -> Result<u16, DsnError> {
    p.parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| DsnError::Invalid(format!("invalid port `{p}` (expected 1-65535)")))
}

/// `[user[:password]@][net[(addr)]]/dbname[?param1=value1&paramN=valueN]`, split as the Go driver does:
/// the last `/` starts the database name, the last `@` before it ends the user info.
fn parse_go_mysql(dsn: &str) -> Result<(Target, Params), DsnError> {
    let slash = dsn.rfind('/').ok_or_else(|| {
        DsnError::Invalid(
            "missing `/` before the database name (use `user:pass@tcp(host:3306)/db` or `mysql://...`)"
                .to_string(),
        )
    })?;
    let (head, tail) = (&dsn[..slash], &dsn[slash + 1..]);
    let (db, query) = match tail.split_once('?') {
        Some((d, q)) => (d, q),
        None => (tail, ""),
    };
    let (userinfo, netaddr) = match head.rfind('@') {
        Some(i) => (Some(&head[..i]), &head[i + 1..]),
        None => (None, head),
    };
    let (user, password) = split_userinfo(userinfo, false)?;
    let (net, addr) = match netaddr.split_once('(') {
        Some((n, a)) => {
            let a = a.strip_suffix(')').ok_or_else(|| {
                DsnError::Invalid(
                    "the address must be written `tcp(host:port)` with a closing `)`".to_string(),
                )
            })?;
            (n, a)
        }
        None => (netaddr, ""),
    };
    let (host, port, socket) = match net {
        "" | "tcp" | "tcp4" | "tcp6" => {
            let (h, p) = split_host_port(addr, 3306)?;
            (h, p, false)
        }
        "unix" => (if addr.is_empty() { "/tmp/mysql.sock".to_string() } else { addr.to_string() }, 0, true),
        other => {
            return Err(DsnError::Invalid(format!(
                "unknown network `{other}` (use `tcp(host:port)` or `unix(/path)`)"
            )));
        }
    };
    let database = if db.is_empty() { None } else { Some(db.to_string()) };
    Ok((Target { host, port, socket, user, password, database }, parse_query_params(query)?))
}

fn percent_decode(s: &str) -> Result<String, DsnError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        DsnError::Invalid("malformed percent-encoding (`%` + two hex digits)".into())
                    })?;
                out.push(hex);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| DsnError::Invalid("percent-encoding does not decode to UTF-8".into()))
}

/// What is escaped in a URL part: everything but ASCII letters, digits and `-._~`.
const URL_PART: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn enc(s: &str) -> percent_encoding::PercentEncode<'_> {
    percent_encoding::utf8_percent_encode(s, URL_PART)
}

/// A datasource URL built from the structured keys (contrib's `host`, `port`, `database`,
/// `username`, `password`, `additional_params`): `postgresql://` or `mysql://`, every part
/// percent-escaped, so any character of a password or name reaches the server as written. A
/// PostgreSQL host starting with `/` is a socket directory; an IPv6 address is bracketed.
pub fn build_url(
    driver: Driver,
    host: &str,
    port: u16,
    database: &str,
    username: Option<&str>,
    password: Option<&str>,
    params: &[(&str, String)],
) -> String {
    let scheme = match driver {
        Driver::Postgres => "postgresql",
        Driver::Mysql => "mysql",
    };
    let mut url = format!("{scheme}://");
    if username.is_some() || password.is_some() {
        url.push_str(&enc(username.unwrap_or_default()).to_string());
        if let Some(pw) = password {
            url.push(':');
            url.push_str(&enc(pw).to_string());
        }
        url.push('@');
    }
    if host.starts_with('/') {
        url.push_str(&enc(host).to_string());
    } else if host.contains(':') {
        url.push_str(&format!("[{host}]"));
    } else {
        url.push_str(host);
    }
    url.push_str(&format!(":{port}/{}", enc(database)));
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    url
}

const MASK: &str = "***";

/// Replaces the password of any DSN form with `***`: URL user info (`postgres://user:***@host/db`),
/// Go MySQL DSNs (`user:***@tcp(host)/db`), `password=` in key=value strings and URL query parameters.
pub fn redact(dsn: &str) -> String {
    let dsn = dsn.trim();
    if let Some((scheme, rest)) = dsn.split_once("://") {
        let (main, query) = match rest.split_once('?') {
            Some((m, q)) => (m, Some(q)),
            None => (rest, None),
        };
        let mut out = format!("{scheme}://{}", redact_userinfo(main));
        if let Some(q) = query {
            out.push('?');
            let parts: Vec<String> = q
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if is_password_key(k) => format!("{k}={MASK}"),
                    _ => p.to_string(),
                })
                .collect();
            out.push_str(&parts.join("&"));
        }
        return out;
    }
    if looks_like_keyvalue(dsn) {
        return redact_keyvalue(dsn);
    }
    // Go MySQL DSN: user info ends at the last `@` before the last `/`.
    let slash = dsn.rfind('/').unwrap_or(dsn.len());
    let (head, tail) = dsn.split_at(slash);
    let head = redact_userinfo(head);
    let tail = match tail.split_once('?') {
        Some((d, q)) => {
            let parts: Vec<String> = q
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if is_password_key(k) => format!("{k}={MASK}"),
                    _ => p.to_string(),
                })
                .collect();
            format!("{d}?{}", parts.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{head}{tail}")
}

fn redact_userinfo(s: &str) -> String {
    match s.rfind('@') {
        Some(at) => {
            let (ui, rest) = s.split_at(at);
            match ui.split_once(':') {
                Some((user, _)) => format!("{user}:{MASK}{rest}"),
                None => s.to_string(),
            }
        }
        None => s.to_string(),
    }
}

/// Whether a datasource option names a password (`password`, `pass`, `passwd`, `pwd`).
pub fn is_password_key(k: &str) -> bool {
    let k = k.trim().to_ascii_lowercase();
    k == "password" || k == "pass" || k == "passwd" || k == "pwd"
}

fn looks_like_keyvalue(s: &str) -> bool {
    let first = s.split_whitespace().next().unwrap_or("");
    match first.split_once('=') {
        Some((k, _)) => !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        None => s.contains(" = ") || s.contains(" =") || s.contains("= "),
    }
}

/// Redacts `password=value` in a libpq key=value string, honouring quoted values with escapes.
fn redact_keyvalue(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        // whitespace
        if chars[i].is_whitespace() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // key
        let key_start = i;
        while i < chars.len() && chars[i] != '=' && !chars[i].is_whitespace() {
            i += 1;
        }
        let key: String = chars[key_start..i].iter().collect();
        out.push_str(&key);
        // spaces and '='
        while i < chars.len() && chars[i].is_whitespace() {
            out.push(chars[i]);
            i += 1;
        }
        if i < chars.len() && chars[i] == '=' {
            out.push('=');
            i += 1;
        } else {
            continue;
        }
        while i < chars.len() && chars[i].is_whitespace() {
            out.push(chars[i]);
            i += 1;
        }
        // value
        let val_start = i;
        if i < chars.len() && chars[i] == '\'' {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
        } else {
            while i < chars.len() && !chars[i].is_whitespace() {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = i.min(chars.len());
        }
        if is_password_key(&key) {
            out.push_str(MASK);
        } else {
            out.extend(&chars[val_start..i]);
        }
    }
    out
}

/// Removes a known secret and the user info of any URL from arbitrary text (e.g. a driver error
/// message that echoes a URL), as a last line of defence on top of structured redaction. Every
/// driver error becomes text through here.
pub fn scrub(text: &str, secret: Option<&str>) -> String {
    let text = dbintel_core::redact::redact_url_userinfo(text);
    match secret {
        Some(s) if s.len() >= 3 => text.replace(s, MASK),
        _ => text.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(driver: Driver, dsn: &str) -> Target {
        DataSource::parse(driver, dsn).unwrap().target().clone()
    }

    #[test]
    fn parses_postgres_url_and_keyvalue() {
        let t = target(Driver::Postgres, "postgres://mon:s3cret@db.example:6543/shop?sslmode=disable");
        assert_eq!((t.host.as_str(), t.port), ("db.example", 6543));
        assert_eq!(t.user.as_deref(), Some("mon"));
        assert_eq!(t.password.as_deref(), Some("s3cret"));
        assert_eq!(t.database.as_deref(), Some("shop"));

        let t = target(
            Driver::Postgres,
            "host=127.0.0.1 port=5433 user=mon password='a b\\'c' dbname=shop sslmode=disable",
        );
        assert_eq!((t.host.as_str(), t.port), ("127.0.0.1", 5433));
        assert_eq!(t.password.as_deref(), Some("a b'c"));
        assert_eq!(t.database.as_deref(), Some("shop"));

        // database defaults to the user name as in libpq
        let t = target(Driver::Postgres, "postgresql://mon@localhost");
        assert_eq!((t.port, t.database.as_deref()), (5432, Some("mon")));
    }

    #[test]
    fn parses_mysql_url_and_go_dsn() {
        let t = target(Driver::Mysql, "mysql://mon:p%40ss@10.0.0.5:3307/shop?parseTime=true");
        assert_eq!((t.host.as_str(), t.port), ("10.0.0.5", 3307));
        assert_eq!(t.password.as_deref(), Some("p@ss"));
        assert_eq!(t.database.as_deref(), Some("shop"));

        let t = target(Driver::Mysql, "mon:p@ss/x@tcp(db:3308)/shop?charset=utf8mb4");
        assert_eq!((t.host.as_str(), t.port), ("db", 3308));
        assert_eq!(t.user.as_deref(), Some("mon"));
        assert_eq!(t.password.as_deref(), Some("p@ss/x"));
        assert_eq!(t.database.as_deref(), Some("shop"));

        let t = target(Driver::Mysql, "mariadb://root@[::1]/");
        assert_eq!((t.host.as_str(), t.port, t.database), ("::1", 3306, None));

        let t = target(Driver::Mysql, "mon@unix(/run/mysqld.sock)/shop");
        assert!(t.socket);
        assert_eq!(t.host, "/run/mysqld.sock");
    }

    #[test]
    fn rejects_bad_datasources_without_echoing_secrets() {
        for (driver, dsn) in [
            (Driver::Mysql, "mon:topsecret@tcp(db:99999)/shop"),
            (Driver::Mysql, "mon:topsecret@tcp(db:3306"),
            (Driver::Mysql, "mon:topsecret@udp(db)/x"),
            (Driver::Mysql, "postgres://mon:topsecret@db/x"),
            (Driver::Mysql, "mysql://mon:topsecret@db/x?tls=sometimes"),
            (Driver::Postgres, "postgres://mon:topsecret@db:notaport/x"),
            (Driver::Postgres, "host=db password=topsecret sslmode=sometimes"),
            (Driver::Postgres, "host=db password=topsecret bogus=1"),
            (Driver::Postgres, ""),
        ] {
            let e = DataSource::parse(driver, dsn).unwrap_err().to_string();
            assert!(!e.contains("topsecret"), "{dsn}: {e}");
        }
    }

    #[test]
    fn redacts_every_dsn_form() {
        let cases = [
            (
                "postgres://user:pa:ss@host:5432/db?sslmode=disable",
                "postgres://user:***@host:5432/db?sslmode=disable",
            ),
            ("postgres://user@host/db", "postgres://user@host/db"),
            ("postgres://host/db?user=u&password=pw", "postgres://host/db?user=u&password=***"),
            ("host=h port=1 user=u password=pw dbname=d", "host=h port=1 user=u password=*** dbname=d"),
            ("host=h password = 'p w\\'x' dbname=d", "host=h password = *** dbname=d"),
            ("user:p@ss@tcp(h:3306)/db?x=1", "user:***@tcp(h:3306)/db?x=1"),
            ("mysql://u:pw@h/db", "mysql://u:***@h/db"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    #[test]
    fn scrub_hides_url_credentials_in_driver_errors() {
        let msg = "Url error: cannot connect to mysql://mon:Zq9@db:3306/app (and postgres://x:Zq9@h)";
        let out = scrub(msg, None);
        assert!(!out.contains("Zq9"), "{out}");
        assert!(out.contains("mysql://mon:***@db:3306/app"), "{out}");
    }

    #[test]
    fn scrub_removes_known_secret() {
        assert_eq!(scrub("auth failed for hunter2", Some("hunter2")), "auth failed for ***");
        assert_eq!(scrub("x", None), "x");
    }

    #[test]
    fn tls_options_of_every_dsn_form() {
        use dbintel_dbclient::SslMode;
        let tls = |driver, dsn: &str| DataSource::parse(driver, dsn).unwrap().tls().clone();
        let t =
            tls(Driver::Postgres, "host=db user=u sslmode=verify-full sslrootcert='/etc/my ca.pem' dbname=d");
        assert_eq!(t.mode, SslMode::VerifyFull);
        assert_eq!(t.config.ca_file.as_deref(), Some(std::path::Path::new("/etc/my ca.pem")));
        let t = tls(
            Driver::Postgres,
            "postgres://u@db/d?sslrootcert=%2Fca.pem&sslmode=require&connect_timeout=3",
        );
        assert_eq!(t.mode, SslMode::VerifyCa, "libpq: require with a root certificate checks the chain");
        assert_eq!(tls(Driver::Postgres, "postgres://u@db/d").mode, SslMode::Prefer);
        assert_eq!(tls(Driver::Postgres, "host=db sslrootcert=system").mode, SslMode::VerifyFull);
        let t = tls(Driver::Postgres, "host=db sslmode=require sslcert=/c.pem sslkey=/k.pem");
        assert_eq!(
            (t.mode, t.config.cert_file.is_some(), t.config.key_file.is_some()),
            (SslMode::Require, true, true)
        );
        assert_eq!(tls(Driver::Mysql, "u@tcp(db:3306)/d?tls=true").mode, SslMode::VerifyFull);
        assert_eq!(tls(Driver::Mysql, "u@tcp(db:3306)/d?tls=skip-verify").mode, SslMode::Require);
        assert_eq!(
            tls(Driver::Mysql, "mysql://u@db/d?ssl-mode=VERIFY_CA&ssl-ca=/ca.pem").mode,
            SslMode::VerifyCa
        );
        assert_eq!(tls(Driver::Mysql, "mysql://u@db/d").mode, SslMode::Disable);
        // A `tls` section decides the mode when the datasource does not.
        let section: dbintel_tls::TlsClientConfig =
            serde_json::from_str(r#"{"ca_file": "/ca.pem"}"#).unwrap();
        let ds = DataSource::parse_with_tls(Driver::Mysql, "u@tcp(db)/d", Some(&section)).unwrap();
        assert_eq!(ds.tls().mode, SslMode::VerifyFull);
        let e =
            DataSource::parse_with_tls(Driver::Postgres, "host=db sslrootcert=/other.pem", Some(&section))
                .unwrap_err();
        assert!(e.to_string().contains("both"), "{e}");
        let e = DataSource::parse(Driver::Mysql, "u@unix(/s.sock)/d?ssl-mode=REQUIRED").unwrap_err();
        assert!(e.to_string().contains("unix socket"), "{e}");
    }

    #[test]
    fn driver_names() {
        for n in ["postgres", "postgresql", "PostgreSQL"] {
            assert_eq!(Driver::parse(n), Some(Driver::Postgres));
        }
        for n in ["mysql", "mariadb"] {
            assert_eq!(Driver::parse(n), Some(Driver::Mysql));
        }
        assert_eq!(Driver::parse("oracle"), None);
    }

    proptest::proptest! {
        #[test]
        fn parsing_and_redaction_never_panic(s in "\\PC{0,60}") {
            let _ = DataSource::parse(Driver::Postgres, &s);
            let _ = DataSource::parse(Driver::Mysql, &s);
            let _ = redact(&s);
        }

        #[test]
        fn redaction_hides_url_passwords(pw in "[a-zA-Z0-9]{6,20}") {
            let r = redact(&format!("postgres://mon:{pw}@h/db"));
            proptest::prop_assert!(!r.contains(&pw));
            let r = redact(&format!("host=h user=mon password={pw} dbname=d"));
            proptest::prop_assert!(!r.contains(&pw));
            let r = redact(&format!("mon:{pw}@tcp(h:3306)/d"));
            proptest::prop_assert!(!r.contains(&pw));
        }
    }
}
