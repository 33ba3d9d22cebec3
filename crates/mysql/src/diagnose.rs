//! Diagnosis of a monitored MySQL/MariaDB server for `dbintel doctor`: version and end of life,
//! performance_schema, its consumers and instruments, digest and SQL-text lengths, and the grants
//! of the monitoring user, each with the exact fix (the SQL that fixes it now, and the `my.cnf`
//! lines that keep it after a restart). Every read goes through [`Source`], so the checks of the
//! versions that cannot run here are golden-tested over [`crate::replay::Replay`].
//!
//! What is required follows the enabled features: top queries (`db.server.top_query`) need the
//! statement digests, query samples (`db.server.query_sample`) the current and recent statements.
//! What no enabled feature needs is a recommendation (advisory), so doctor exits 0 without it.

use serde::Serialize;

use crate::config::{MysqlConfig, Plan};
use crate::conn::{MyConn, ServerInfo, Source, TextRow};
use dbintel_dbclient::DbError;
use dbintel_dbclient::features::mysql::parse_grants;

/// Digest and SQL-text length below which statements are cut short (bytes).
pub const MIN_TEXT_LENGTH: u64 = 4096;

/// The SQL doctor reads, in order (golden fixtures record their rows).
pub const SQL_CURRENT_USER: &str = "SELECT CURRENT_USER()";
pub const SQL_GRANTS: &str = "SHOW GRANTS";
pub const SQL_VARIABLES: &str = "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('performance_schema', \
     'max_digest_length', 'performance_schema_max_digest_length', 'performance_schema_max_sql_text_length')";
pub const SQL_DIGEST_LOST: &str = "SHOW GLOBAL STATUS LIKE 'Performance_schema_digest_lost'";
pub const SQL_DIGESTS_SIZE: &str = "SHOW GLOBAL VARIABLES LIKE 'performance_schema_digests_size'";
pub const SQL_CONSUMERS: &str = "SELECT NAME, ENABLED FROM performance_schema.setup_consumers";
pub const SQL_INSTRUMENTS: &str = "SELECT NAME, ENABLED, TIMED FROM performance_schema.setup_instruments \
     WHERE NAME = 'wait/lock/metadata/sql/mdl'";
pub const SQL_STATEMENT_INSTRUMENTS: &str = "SELECT COUNT(*), SUM(ENABLED = 'YES' AND TIMED = 'YES') \
     FROM performance_schema.setup_instruments WHERE NAME LIKE 'statement/%'";

/// One result of `dbintel doctor` for a mysql target (the same fields as the postgresql doctor's,
/// plus the fix split into what runs now and what persists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `host:port` or the socket path of the checked server.
    pub target: String,
    /// A stable check name, e.g. `consumer.statements_digest`.
    pub check: String,
    pub ok: bool,
    pub message: String,
    /// What to run or set when not ok (the statements and the my.cnf lines, in words).
    pub fix: Option<String>,
    /// The statements that fix it on the running server (as an administrator), when there are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix_sql: Option<String>,
    /// The `[mysqld]` lines of my.cnf that make the fix survive a restart (one per line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix_cnf: Option<String>,
    /// A recommendation rather than a requirement: when not ok, the enabled features still work.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub advisory: bool,
    /// The check could not be decided (the user may not read what it needs): `fix` says which grant
    /// reveals it. Never set together with `ok`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unknown: bool,
}

/// A fix: the words, the SQL for now, the my.cnf lines for later.
#[derive(Debug, Clone, Default)]
struct Fix {
    sql: Vec<String>,
    cnf: Vec<String>,
    note: Option<String>,
}

impl Fix {
    fn sql(sql: impl Into<String>) -> Self {
        Self { sql: vec![sql.into()], ..Self::default() }
    }
    fn cnf(mut self, line: impl Into<String>) -> Self {
        self.cnf.push(line.into());
        self
    }
    fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
    fn text(&self) -> String {
        let mut parts = Vec::new();
        if !self.sql.is_empty() {
            parts.push(self.sql.join(" ").trim_end_matches(';').to_string());
        }
        if !self.cnf.is_empty() {
            let verb =
                if self.sql.is_empty() { "in my.cnf" } else { "and, to keep it after a restart, in my.cnf" };
            parts.push(format!("{verb}: [mysqld] {}", self.cnf.join(", ")));
        }
        if let Some(n) = &self.note {
            parts.push(n.clone());
        }
        parts.join("; ")
    }
}

struct Checker {
    target: String,
    out: Vec<Finding>,
}

impl Checker {
    /// `required`: a failure makes doctor exit 1; otherwise it is a recommendation.
    fn push(&mut self, check: &str, ok: bool, required: bool, message: String, fix: Fix) {
        self.out.push(Finding {
            target: self.target.clone(),
            check: check.to_string(),
            ok,
            message,
            fix: (!ok).then(|| fix.text()),
            fix_sql: (!ok && !fix.sql.is_empty()).then(|| fix.sql.join("\n")),
            fix_cnf: (!ok && !fix.cnf.is_empty()).then(|| fix.cnf.join("\n")),
            advisory: !required,
            unknown: false,
        });
    }

    fn unknown(&mut self, check: &str, message: String, fix: Fix) {
        self.out.push(Finding {
            target: self.target.clone(),
            check: check.to_string(),
            ok: false,
            message,
            fix: Some(fix.text()),
            fix_sql: (!fix.sql.is_empty()).then(|| fix.sql.join("\n")),
            fix_cnf: None,
            advisory: false,
            unknown: true,
        });
    }
}

/// Checks a config section of the receiver against its server. Never panics and never returns the
/// password (nor the password hash `SHOW GRANTS` may show: grant lines are parsed, never printed).
pub async fn doctor(config: &serde_json::Value) -> Vec<Finding> {
    let plan = match MysqlConfig::parse(config).and_then(MysqlConfig::resolve) {
        Ok(p) => p,
        Err(problems) => {
            return problems
                .into_iter()
                .map(|p| Finding {
                    target: String::new(),
                    check: "config".into(),
                    ok: false,
                    message: p.to_string(),
                    fix: Some("fix the receiver's configuration".into()),
                    fix_sql: None,
                    fix_cnf: None,
                    advisory: false,
                    unknown: false,
                })
                .collect();
        }
    };
    let target = plan.connect.endpoint();
    match MyConn::connect(&plan.connect).await {
        Ok(mut conn) => {
            let mut out = vec![Finding {
                target: target.clone(),
                check: "connect".into(),
                ok: true,
                message: format!("connected as {}", plan.connect.user),
                fix: None,
                fix_sql: None,
                fix_cnf: None,
                advisory: false,
                unknown: false,
            }];
            out.extend(run_checks(&mut conn, &plan, &target, today()).await);
            conn.close().await;
            out
        }
        Err(e) => vec![Finding {
            target,
            check: "connect".into(),
            ok: false,
            message: e.to_string(),
            fix: Some(e.hint().to_string()),
            fix_sql: None,
            fix_cnf: None,
            advisory: false,
            unknown: false,
        }],
    }
}

/// Today as `yyyymmdd` (UTC), for the end-of-life check.
pub fn today() -> u32 {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (y, m, d) = dbintel_core::time_fmt::civil_from_days((secs / 86_400) as i64);
    (y as u32) * 10_000 + m * 100 + d
}

/// The end of (community) support of a release series, `yyyymmdd`, from the vendors' published
/// lifecycles; `None` when this dbintel does not know it.
fn end_of_life(info: &ServerInfo) -> Option<(u32, &'static str)> {
    let (major, minor, _) = info.numbers();
    Some(if info.mariadb {
        match (major, minor) {
            (10, 3) => (ymd(2023, 5, 25), "MariaDB 10.3"),
            (10, 4) => (ymd(2024, 6, 18), "MariaDB 10.4"),
            (10, 5) => (ymd(2025, 6, 24), "MariaDB 10.5"),
            (10, 6) => (ymd(2026, 7, 6), "MariaDB 10.6"),
            (10, 11) => (ymd(2028, 2, 16), "MariaDB 10.11"),
            (11, 4) => (ymd(2029, 5, 29), "MariaDB 11.4"),
            _ => return None,
        }
    } else {
        match (major, minor) {
            (5, 6) => (ymd(2021, 2, 28), "MySQL 5.6"),
            (5, 7) => (ymd(2023, 10, 31), "MySQL 5.7"),
            (8, 0) => (ymd(2026, 4, 30), "MySQL 8.0"),
            (8, 4) => (ymd(2032, 4, 30), "MySQL 8.4 LTS"),
            _ => return None,
        }
    })
}

/// `yyyymmdd` as one number, comparable with [`today`].
const fn ymd(y: u32, m: u32, d: u32) -> u32 {
    y * 10_000 + m * 100 + d
}

fn fmt_date(d: u32) -> String {
    format!("{:04}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100)
}

/// The checks on one connection, each with its fix. `today` is `yyyymmdd` (see [`today`]).
pub async fn run_checks(src: &mut dyn Source, plan: &Plan, target: &str, today: u32) -> Vec<Finding> {
    let mut c = Checker { target: target.to_string(), out: Vec::new() };
    let info = src.info().clone();
    let top = plan.events.top_query.enabled;
    let samples = plan.events.query_sample.enabled;
    let ps_needed = top || samples;
    check_version(&mut c, &info, today);

    // The account as the server matched it (`mon@%`), for the GRANT statements.
    let account = match first_cell(src.rows(SQL_CURRENT_USER).await) {
        Some(a) => quote_account(&a),
        None => format!("{}@'%'", sql_literal(&plan.connect.user)),
    };
    let grants = src.rows(SQL_GRANTS).await;
    check_grants(&mut c, &info, &account, grants, ps_needed);

    let vars = src.name_values(SQL_VARIABLES).await;
    let vars = match vars {
        Ok(v) => v,
        Err(e) => {
            c.unknown(
                "performance_schema",
                format!("the server variables cannot be read: {e}"),
                Fix::default().note(e.hint()),
            );
            return c.out;
        }
    };
    let var = |name: &str| vars.get(name).cloned().flatten();
    let ps_on = var("performance_schema").is_some_and(|v| v.eq_ignore_ascii_case("ON") || v == "1");
    let wanted_consumers: Vec<&str> = needed_consumers(top, samples).iter().map(|(n, _)| *n).collect();
    let mut ps_fix = Fix::default().cnf("performance_schema=ON");
    for name in &wanted_consumers {
        ps_fix = ps_fix.cnf(format!("{}=ON", consumer_option(name)));
    }
    c.push(
        "performance_schema",
        ps_on,
        ps_needed,
        if ps_on {
            "performance_schema is ON".to_string()
        } else {
            format!(
                "performance_schema is {}: {}",
                var("performance_schema").unwrap_or_else(|| "OFF".into()),
                if ps_needed {
                    "top queries and query samples need it"
                } else {
                    "top queries and query samples (events) would need it"
                }
            )
        },
        ps_fix.note("then restart the server (performance_schema cannot be switched on at runtime)"),
    );
    for (name, label) in [
        ("max_digest_length", "statement text to digest"),
        ("performance_schema_max_digest_length", "digest text"),
        ("performance_schema_max_sql_text_length", "query sample text"),
    ] {
        let Some(v) = var(name) else { continue };
        let n: u64 = v.trim().parse().unwrap_or(0);
        c.push(
            name,
            n >= MIN_TEXT_LENGTH,
            false,
            format!(
                "{name} = {v} ({label} beyond this many bytes is cut; at least {MIN_TEXT_LENGTH} recommended)"
            ),
            Fix::default()
                .cnf(format!("{name}={MIN_TEXT_LENGTH}"))
                .note("then restart the server (a read-only variable)"),
        );
    }
    if !ps_on {
        return c.out;
    }
    // A full digest table folds every new statement shape into one NULL-digest row: top queries
    // lose them.
    if let Ok(status) = src.name_values(SQL_DIGEST_LOST).await
        && let Some(lost) = status.get("Performance_schema_digest_lost").cloned().flatten()
    {
        let lost: u64 = lost.trim().parse().unwrap_or(0);
        let size = match src.name_values(SQL_DIGESTS_SIZE).await {
            Ok(v) => v.get("performance_schema_digests_size").cloned().flatten(),
            Err(_) => None,
        };
        let size_n: i64 = size.as_deref().and_then(|v| v.trim().parse().ok()).unwrap_or(-1);
        let wanted = if size_n > 0 { (size_n.saturating_mul(2)).max(10_000) } else { 10_000 };
        c.push(
            "performance_schema_digests_size",
            lost == 0,
            false,
            if lost == 0 {
                format!(
                    "performance_schema_digests_size = {}; no statement digest lost since startup",
                    size.unwrap_or_else(|| "?".into())
                )
            } else {
                format!(
                    "performance_schema_digests_size = {}; {lost} statement digest(s) lost since startup \
                     (the table was full): top queries miss those statement shapes",
                    size.unwrap_or_else(|| "?".into())
                )
            },
            Fix::default()
                .cnf(format!("performance_schema_digests_size={wanted}"))
                .note("then restart the server (a read-only variable); TRUNCATE performance_schema.events_statements_summary_by_digest frees the table until then"),
        );
    }

    match src.rows(SQL_CONSUMERS).await {
        Ok(rows) => check_consumers(&mut c, &rows, top, samples),
        Err(e) => c.unknown(
            "consumers",
            format!("performance_schema.setup_consumers cannot be read: {e}"),
            Fix::sql(format!("GRANT SELECT ON performance_schema.* TO {account};")),
        ),
    }
    match src.rows(SQL_STATEMENT_INSTRUMENTS).await {
        Ok(rows) => {
            let row = rows.first();
            let cell = |i: usize| {
                row.and_then(|r| r.get(i)).cloned().flatten().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
            };
            let (all, on) = (cell(0), cell(1));
            c.push(
                "instruments.statement",
                all > 0 && on == all,
                ps_needed,
                format!("{on} of {all} statement/% instruments are enabled and timed"),
                Fix::sql(
                    "UPDATE performance_schema.setup_instruments SET ENABLED = 'YES', TIMED = 'YES' \
                     WHERE NAME LIKE 'statement/%';",
                )
                .cnf("performance-schema-instrument='statement/%=ON'"),
            );
        }
        Err(e) => c.unknown(
            "instruments.statement",
            format!("performance_schema.setup_instruments cannot be read: {e}"),
            Fix::sql(format!("GRANT SELECT ON performance_schema.* TO {account};")),
        ),
    }
    if let Ok(rows) = src.rows(SQL_INSTRUMENTS).await {
        for r in rows {
            let name = cell(&r, 0);
            let enabled = cell(&r, 1) == "YES" && cell(&r, 2) == "YES";
            c.push(
                "instruments.mdl",
                enabled,
                false,
                format!(
                    "instrument {name} is {} (metadata-lock waits and blockers in query samples)",
                    if enabled { "enabled and timed" } else { "off" }
                ),
                Fix::sql(format!(
                    "UPDATE performance_schema.setup_instruments SET ENABLED = 'YES', TIMED = 'YES' WHERE NAME = {};",
                    sql_literal(&name)
                ))
                .cnf(format!("performance-schema-instrument='{name}=ON'")),
            );
        }
    }
    c.out
}

fn check_version(c: &mut Checker, info: &ServerInfo, today: u32) {
    let (major, minor, _) = info.numbers();
    let flavor = if info.mariadb { "MariaDB" } else { "MySQL" };
    let supported = if info.mariadb { (major, minor) >= (10, 3) } else { (major, minor) >= (5, 7) };
    c.push(
        "server_version",
        supported,
        true,
        format!("{flavor} {}", info.version),
        Fix::default().note(
            "dbintel supports MySQL 5.7 and later and MariaDB 10.3 and later; older servers miss \
             performance_schema tables it reads",
        ),
    );
    if !supported {
        return;
    }
    let upgrade = if info.mariadb {
        "upgrade to a maintained LTS series (10.11, 11.4)"
    } else {
        "upgrade to MySQL 8.4 LTS"
    };
    match end_of_life(info) {
        Some((eol, series)) => c.push(
            "server_version.end_of_life",
            today < eol,
            false,
            if today < eol {
                format!("{series} is supported until {}", fmt_date(eol))
            } else {
                format!("{series} reached its end of life on {}: no more security fixes", fmt_date(eol))
            },
            Fix::default().note(upgrade),
        ),
        None => {
            // Innovation (MySQL 8.1-8.3, 9.x) and short-term (MariaDB rolling) series are supported
            // only until the next release.
            let short = if info.mariadb {
                !matches!((major, minor), (11, 8))
            } else {
                (8, 1) <= (major, minor) && (major, minor) < (8, 4) || major == 9
            };
            c.push(
                "server_version.end_of_life",
                !short,
                false,
                if short {
                    format!(
                        "{flavor} {major}.{minor} is a short-term (innovation) series, supported only until the next release"
                    )
                } else {
                    format!("{flavor} {major}.{minor}: its end of life is not known to this dbintel")
                },
                Fix::default().note(format!("for production, {upgrade}")),
            );
        }
    }
}

/// One grant check: (name, held, required, message when held, message when not, the GRANT).
type GrantCheck = (&'static str, bool, bool, String, String, String);

fn check_grants(
    c: &mut Checker,
    info: &ServerInfo,
    account: &str,
    grants: Result<Vec<TextRow>, DbError>,
    ps_needed: bool,
) {
    let lines: Vec<String> = match grants {
        Ok(rows) => rows.into_iter().filter_map(|r| r.into_iter().next().flatten()).collect(),
        Err(e) => {
            c.unknown(
                "grants",
                format!("SHOW GRANTS failed: {e}"),
                Fix::default().note("run SHOW GRANTS as the monitoring user to see why"),
            );
            return;
        }
    };
    let held = parse_grants(&lines);
    // MariaDB 10.5.9 split replica status off REPLICATION CLIENT into SLAVE MONITOR (alias
    // REPLICA MONITOR).
    let (replica, any_of): (&str, &[&str]) = if info.mariadb_at_least(10, 5, 9) {
        ("REPLICA MONITOR", &["SLAVE MONITOR", "REPLICA MONITOR", "SUPER"])
    } else {
        ("REPLICATION CLIENT", &["REPLICATION CLIENT", "SUPER", "BINLOG MONITOR"])
    };
    let checks: [GrantCheck; 3] = [
        (
            "grants.process",
            held.global(&["PROCESS"]),
            true,
            "the user has PROCESS (other sessions' threads, InnoDB status)".into(),
            "the user lacks PROCESS: other sessions' threads and InnoDB metrics are hidden".into(),
            format!("GRANT PROCESS ON *.* TO {account};"),
        ),
        (
            "grants.replication_client",
            held.global(any_of),
            false,
            format!("the user may read replica status ({replica})"),
            format!("the user lacks {replica}: replica status (replication lag) cannot be read"),
            format!("GRANT {replica} ON *.* TO {account};"),
        ),
        (
            "grants.performance_schema",
            held.select_performance_schema(),
            ps_needed,
            "the user may read performance_schema".into(),
            "the user may not read performance_schema (statement digests, samples, waits)".into(),
            format!("GRANT SELECT ON performance_schema.* TO {account};"),
        ),
    ];
    for (check, has, required, yes, no, grant) in checks {
        if !has && held.roles {
            c.unknown(
                check,
                format!("{no}, unless one of the user's roles grants it (SHOW GRANTS does not list what roles grant)"),
                Fix::sql(grant),
            );
        } else {
            c.push(check, has, required, if has { yes } else { no }, Fix::sql(grant));
        }
    }
}

/// The consumers each enabled feature needs (required) and the ones recommended, in the order
/// doctor reports them: (name, required).
fn needed_consumers(top: bool, samples: bool) -> Vec<(&'static str, bool)> {
    vec![
        ("global_instrumentation", top || samples),
        ("thread_instrumentation", samples),
        ("statements_digest", top),
        ("events_statements_current", samples),
        ("events_statements_history", samples),
        ("events_statements_history_long", false),
        ("events_waits_current", false),
    ]
}

/// The server option of a consumer (`performance-schema-consumer-events-statements-current`).
fn consumer_option(name: &str) -> String {
    format!("performance-schema-consumer-{}", name.replace('_', "-"))
}

fn check_consumers(c: &mut Checker, rows: &[TextRow], top: bool, samples: bool) {
    for (name, required) in needed_consumers(top, samples) {
        let state = rows.iter().find(|r| cell(r, 0) == name).map(|r| cell(r, 1));
        let Some(state) = state else { continue };
        let on = state == "YES";
        let why = match name {
            "global_instrumentation" => "every consumer depends on it",
            "thread_instrumentation" => "per-thread consumers depend on it",
            "statements_digest" => "top queries read the statement digests",
            "events_statements_current" => "query samples read the statements running now",
            "events_statements_history" => "query samples read each thread's recent statements",
            "events_statements_history_long" => "recent statements of ended threads",
            _ => "wait events of running statements in query samples",
        };
        c.push(
            &format!("consumer.{name}"),
            on,
            required,
            format!("consumer {name} is {} ({why})", if on { "ON" } else { "OFF" }),
            Fix::sql(format!(
                "UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = '{name}';"
            ))
            .cnf(format!("{}=ON", consumer_option(name))),
        );
    }
}

fn cell(row: &TextRow, i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

fn first_cell(rows: Result<Vec<TextRow>, DbError>) -> Option<String> {
    rows.ok()?.into_iter().next()?.into_iter().next().flatten()
}

/// `mon@%` (CURRENT_USER()) as `'mon'@'%'`; the host part is after the last `@`.
fn quote_account(account: &str) -> String {
    match account.rsplit_once('@') {
        Some((user, host)) => format!("{}@{}", sql_literal(user), sql_literal(host)),
        None => format!("{}@'%'", sql_literal(account)),
    }
}

fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_dates_and_options() {
        assert_eq!(quote_account("mon@%"), "'mon'@'%'");
        assert_eq!(quote_account("a@b@localhost"), "'a@b'@'localhost'");
        assert_eq!(quote_account("o'k@h"), "'o\\'k'@'h'");
        assert_eq!(fmt_date(ymd(2023, 10, 31)), "2023-10-31");
        assert_eq!(
            consumer_option("events_statements_current"),
            "performance-schema-consumer-events-statements-current"
        );
    }
}
