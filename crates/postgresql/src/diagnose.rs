//! Diagnosis of a monitored server: what is missing (extension, preload, settings, grants) and the
//! exact fix. Used by the receiver (reported once at the first connection) and by `dbintel doctor`.

use serde::Serialize;

use dbintel_dbclient::features::FeatureDetectionConfig;

use crate::config::{Plan, PostgresqlConfig};
use crate::conn::{self, PgConn};

/// The one-line fix for pg_stat_statements, used in query error hints. It never names a whole
/// `shared_preload_libraries` value: that would drop the libraries already there.
pub const PG_STAT_STATEMENTS_FIX: &str = "add pg_stat_statements to the libraries already in \
     shared_preload_libraries (SHOW shared_preload_libraries; then ALTER SYSTEM SET shared_preload_libraries = \
     <every library listed>, 'pg_stat_statements'; and restart PostgreSQL; `dbintel doctor` prints the exact \
     command), run CREATE EXTENSION pg_stat_statements; in the monitored database, and GRANT pg_monitor TO \
     <username>;";

/// One result of `dbintel doctor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `host:port/database` of the checked server.
    pub target: String,
    /// A stable check name, e.g. `pg_stat_statements.preload`.
    pub check: String,
    pub ok: bool,
    pub message: String,
    /// What to run or set when not ok.
    pub fix: Option<String>,
    /// A recommendation rather than a requirement: when not ok, dbintel still works fully.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub advisory: bool,
    /// The check could not be decided (a setting the role may not read): `message` says what is
    /// unknown and `fix` which grant reveals it. Never set together with `ok`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unknown: bool,
}

struct Checker {
    target: String,
    out: Vec<Finding>,
}

impl Checker {
    fn push(&mut self, check: &str, ok: bool, message: String, fix: Option<String>) {
        self.out.push(Finding {
            target: self.target.clone(),
            check: check.to_string(),
            ok,
            message,
            fix: if ok { None } else { fix },
            advisory: false,
            unknown: false,
        });
    }

    /// A check that could not be decided: what is unknown, and the grant that reveals it.
    fn unknown(&mut self, check: &str, message: String, fix: String) {
        self.out.push(Finding {
            target: self.target.clone(),
            check: check.to_string(),
            ok: false,
            message,
            fix: Some(fix),
            advisory: false,
            unknown: true,
        });
    }

    fn advise(&mut self, check: &str, ok: bool, message: String, fix: Option<String>) {
        self.push(check, ok, message, fix);
        if let Some(last) = self.out.last_mut() {
            last.advisory = true;
        }
    }
}

/// Checks a config section of the receiver against its server: every problem gets a finding with
/// the fix. Never panics and never returns the password.
pub async fn doctor(config: &serde_json::Value) -> Vec<Finding> {
    let plan: Plan = match PostgresqlConfig::parse(config).and_then(PostgresqlConfig::resolve) {
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
                    advisory: false,
                    unknown: false,
                })
                .collect();
        }
    };
    let tls = match crate::tls::connector(&plan.connect.tls) {
        Ok(t) => t,
        Err(e) => {
            return vec![Finding {
                target: plan.connect.endpoint(),
                check: "tls".into(),
                ok: false,
                message: e,
                fix: Some("fix the `tls` files".into()),
                advisory: false,
                unknown: false,
            }];
        }
    };
    let mut dbs: Vec<String> =
        plan.databases.iter().filter(|d| !plan.exclude_databases.contains(d)).cloned().collect();
    if let Some(d) = &plan.connect_database {
        dbs.retain(|x| x != d);
        dbs.insert(0, d.clone());
    }
    if dbs.is_empty() {
        dbs.push("postgres".to_string());
    }
    dbs.truncate(crate::config::MAX_DATABASES);
    let owner = conn::ConnOwner { component: "doctor".into(), live: None };
    let mut out = Vec::new();
    for (i, db) in dbs.iter().enumerate() {
        let target = format!("{}/{db}", plan.connect.endpoint());
        match conn::connect(&plan.connect, db, tls.as_ref(), &owner).await {
            Ok(mut c) => {
                let mut f = Vec::new();
                f.push(Finding {
                    target: target.clone(),
                    check: "connect".into(),
                    ok: true,
                    message: format!(
                        "connected as {} (server_version_num {})",
                        plan.connect.user, c.info.version_num
                    ),
                    fix: None,
                    advisory: false,
                    unknown: false,
                });
                if i == 0 {
                    f.extend(run_checks(&mut c, &plan.connect.user).await);
                } else {
                    f.extend(run_checks(&mut c, &plan.connect.user).await.into_iter().filter(|x| {
                        x.check.ends_with(".extension") && !x.check.starts_with("pg_querylens.")
                    }));
                }
                out.extend(f);
            }
            Err(e) => out.push(Finding {
                target,
                check: "connect".into(),
                ok: false,
                message: e.to_string(),
                fix: Some(e.hint().to_string()),
                advisory: false,
                unknown: false,
            }),
        }
    }
    out
}

async fn scalar(conn: &mut PgConn, sql: &str) -> Result<Option<String>, conn::DbError> {
    let rows = conn.query(sql).await?;
    Ok(rows.rows.first().and_then(|r| r.get("v").map(str::to_string)))
}

fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The checks on one connection (its database), each with the fix.
pub async fn run_checks(conn: &mut PgConn, user: &str) -> Vec<Finding> {
    let target = format!("{}:{}/{}", conn.info.host, conn.info.port, conn.info.database);
    let mut c = Checker { target, out: Vec::new() };
    let major = conn.info.major();
    c.push(
        "server_version",
        (12..=17).contains(&major),
        format!("PostgreSQL {major} (server_version_num {})", conn.info.version_num),
        Some("dbintel supports PostgreSQL 12 to 17; other versions may miss metrics".into()),
    );
    let role = quote_ident(user);
    // What the server offers this role, from the shared feature detection (the same probes every
    // receiver uses): settings from pg_settings, grants, extensions and which views answer.
    let f = match crate::features::detect(conn, &FeatureDetectionConfig::default()).await {
        Ok(f) => f,
        Err(e) => {
            c.push(
                "features",
                false,
                format!("the server's settings and grants could not be read: {e}"),
                Some("check the connection and run `dbintel doctor` again".into()),
            );
            return c.out;
        }
    };
    let problem = |what: &str| {
        f.problems
            .iter()
            .find_map(|p| p.strip_prefix(what).and_then(|r| r.strip_prefix(": ")).map(str::to_string))
    };
    match problem("privileges") {
        None => {
            let ok = f.has("privilege.pg_monitor");
            c.push(
                "grants.pg_monitor",
                ok,
                if ok {
                    "the role can read every statistics view (pg_monitor)".into()
                } else {
                    "the role is not a member of pg_monitor: other sessions' queries, sizes and replication stats are hidden".into()
                },
                Some(format!("GRANT pg_monitor TO {role};")),
            )
        }
        Some(e) => c.push("grants.pg_monitor", false, e, Some(format!("GRANT pg_monitor TO {role};"))),
    }
    let read_all_settings = f.has("privilege.pg_read_all_settings");
    let reveal = format!(
        "GRANT pg_read_all_settings TO {role}; (or GRANT pg_monitor TO {role};) and run `dbintel doctor` again"
    );
    let settings_problem = problem("settings");
    let setting = |name: &str| -> Setting {
        if let Some(e) = &settings_problem {
            return Setting::Unreadable(e.clone());
        }
        match f.setting(name) {
            Some(v) if v.trim().is_empty() && !read_all_settings && SUPERUSER_ONLY.contains(&name) => {
                Setting::Unreadable("it reads as empty to a role without pg_read_all_settings".into())
            }
            Some(v) => Setting::Value(v.to_string()),
            None if !read_all_settings && SUPERUSER_ONLY.contains(&name) => {
                Setting::Unreadable("pg_settings hides it from a role without pg_read_all_settings".into())
            }
            None => Setting::Absent,
        }
    };
    let ext = f.extensions.get("pg_stat_statements").and_then(|e| e.installed.clone());
    // Whether pg_stat_statements answers, when installed: proof that it is preloaded even when the
    // setting itself is hidden (`55000` says it is not).
    let probe: Option<Result<(), String>> = ext.as_ref().map(|_| {
        if f.has("pg_stat_statements.readable") {
            Ok(())
        } else {
            Err(problem("pg_stat_statements").unwrap_or_else(|| "not readable".into()))
        }
    });
    let answers = matches!(probe, Some(Ok(())));
    let not_loaded = f.failed.get("pg_stat_statements").is_some_and(|c| c == "55000");
    let preload = setting("shared_preload_libraries");
    let preloaded: Option<bool> = match &preload {
        Setting::Value(list) => {
            let libs = parse_list(list);
            let has = libs.iter().any(|l| library_name(l) == "pg_stat_statements");
            let mut wanted = libs.clone();
            wanted.push("pg_stat_statements".to_string());
            let fix = format!(
                "ALTER SYSTEM SET shared_preload_libraries = {}; then restart PostgreSQL (keeps the libraries already loaded)",
                wanted.iter().map(|l| sql_literal(l)).collect::<Vec<_>>().join(", ")
            );
            c.push(
                "pg_stat_statements.preload",
                has,
                format!("shared_preload_libraries = {}", sql_literal(list)),
                Some(fix),
            );
            Some(has)
        }
        Setting::Unreadable(why) if answers => {
            c.push(
                "pg_stat_statements.preload",
                true,
                format!(
                    "pg_stat_statements answers, so it is preloaded (the role cannot read shared_preload_libraries itself: {why})"
                ),
                None,
            );
            Some(true)
        }
        Setting::Unreadable(why) if not_loaded => {
            c.push(
                "pg_stat_statements.preload",
                false,
                format!(
                    "pg_stat_statements is not loaded, and the role cannot read shared_preload_libraries ({why}): \
                     the libraries already there are unknown"
                ),
                Some(format!(
                    "{reveal} for the exact ALTER SYSTEM command, or as a superuser: SHOW shared_preload_libraries; \
                     then ALTER SYSTEM SET shared_preload_libraries = <every library listed>, 'pg_stat_statements'; \
                     and restart PostgreSQL"
                )),
            );
            Some(false)
        }
        Setting::Unreadable(why) => {
            c.unknown(
                "pg_stat_statements.preload",
                format!(
                    "unknown whether pg_stat_statements is preloaded: the role cannot read shared_preload_libraries ({why})"
                ),
                reveal.clone(),
            );
            None
        }
        Setting::Absent => None,
    };
    c.push(
        "pg_stat_statements.extension",
        ext.is_some(),
        match &ext {
            Some(v) => format!("pg_stat_statements {v} is installed in {}", conn.info.database),
            None => format!("pg_stat_statements is not installed in database {}", conn.info.database),
        },
        Some(format!(
            "CREATE EXTENSION pg_stat_statements; (as a superuser, in database {})",
            quote_ident(&conn.info.database)
        )),
    );
    if ext.is_some() && preloaded != Some(false) {
        let stats = f.has("privilege.pg_read_all_stats");
        let view = match f.schemas.get("pg_stat_statements") {
            Some(schema) => format!("{}.pg_stat_statements", quote_ident(schema)),
            None => "pg_stat_statements".to_string(),
        };
        let hidden = match &probe {
            Some(Ok(_)) => scalar(
                conn,
                &format!(
                    "SELECT count(*) FILTER (WHERE queryid IS NULL)::text || '/' || count(*)::text AS v \
                     FROM {view}"
                ),
            )
            .await
            .ok()
            .flatten(),
            _ => None,
        };
        let (ok, message) = match (&probe, stats) {
            (Some(Ok(_)), true) => {
                (true, "pg_stat_statements is readable with every query's text".to_string())
            }
            (Some(Ok(_)), _) => (
                false,
                format!(
                    "pg_stat_statements is readable but other roles' statements are hidden (NULL queryid, \
                     <insufficient privilege>){}",
                    hidden.map(|h| format!(": {h} rows hidden now")).unwrap_or_default()
                ),
            ),
            (Some(Err(e)), _) => (false, format!("pg_stat_statements cannot be read: {e}")),
            (None, _) => (false, "pg_stat_statements is not installed".to_string()),
        };
        c.push(
            "pg_stat_statements.readable",
            ok,
            message,
            Some(format!("GRANT pg_read_all_stats TO {role}; (or pg_monitor)")),
        );
    }
    querylens_checks(conn, &mut c, &preload, user, major).await;
    if major >= 14 {
        match setting("compute_query_id") {
            Setting::Value(v) => {
                let ok = matches!(v.as_str(), "on" | "auto" | "regress")
                    && (preloaded != Some(false) || v == "on");
                c.push(
                    "compute_query_id",
                    ok,
                    format!("compute_query_id = {v}"),
                    Some("ALTER SYSTEM SET compute_query_id = on; SELECT pg_reload_conf();".into()),
                );
            }
            Setting::Unreadable(why) => c.unknown(
                "compute_query_id",
                format!("compute_query_id cannot be read by the role ({why})"),
                reveal.clone(),
            ),
            Setting::Absent => {}
        }
    }
    match setting("track_io_timing") {
        Setting::Value(v) => c.push(
            "track_io_timing",
            v == "on",
            format!("track_io_timing = {v} (block read/write times per query)"),
            Some("ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();".into()),
        ),
        Setting::Unreadable(why) => c.unknown(
            "track_io_timing",
            format!("track_io_timing cannot be read by the role ({why})"),
            reveal.clone(),
        ),
        Setting::Absent => {}
    }
    match setting("track_activity_query_size") {
        Setting::Value(v) => {
            // pg_settings shows it in bytes.
            let size_bytes: i64 = v.trim().parse().unwrap_or(0);
            c.advise(
                "track_activity_query_size",
                size_bytes >= 4096,
                format!("track_activity_query_size = {v} bytes (longer query samples are cut)"),
                Some("ALTER SYSTEM SET track_activity_query_size = 4096; then restart PostgreSQL".into()),
            );
        }
        Setting::Unreadable(why) => c.unknown(
            "track_activity_query_size",
            format!("track_activity_query_size cannot be read by the role ({why})"),
            reveal.clone(),
        ),
        Setting::Absent => {}
    }
    c.out
}

/// pg_querylens (optional, so every finding is advice): available on the server, preloaded,
/// installed in this database, readable; each with the exact statements that enable it.
async fn querylens_checks(conn: &mut PgConn, c: &mut Checker, preload: &Setting, user: &str, major: u32) {
    let role = quote_ident(user);
    let libs = match preload {
        Setting::Value(list) => Some(parse_list(list)),
        _ => None,
    };
    let mut enable = crate::querylens::enable_lines(&role, libs.as_deref());
    // The pg_stat_statements.preload fix above lists the libraries as they are now: applied after
    // this line it would unload pg_querylens again. Say which one to apply.
    if libs.as_ref().is_some_and(|l| !l.iter().any(|l| library_name(l) == "pg_stat_statements")) {
        enable = enable.replacen(
            "; then restart PostgreSQL",
            "; (it adds pg_stat_statements too: apply it instead of the pg_stat_statements.preload fix, not as \
             well) then restart PostgreSQL",
            1,
        );
    }
    let available = scalar(
        conn,
        "SELECT COALESCE(installed_version, default_version) AS v FROM pg_available_extensions \
         WHERE name = 'pg_querylens'",
    )
    .await
    .ok()
    .flatten();
    if available.is_none() {
        c.advise(
            "pg_querylens.available",
            false,
            "pg_querylens (optional: per-plan statistics and db.server.plan_change events) is not available on \
             this server"
                .into(),
            Some(format!(
                "build and install the pg_querylens extension into this PostgreSQL (see extensions/pg_querylens), \
                 then: {enable}"
            )),
        );
        return;
    }
    let preloaded = match preload {
        Setting::Value(list) => Some(parse_list(list).iter().any(|l| library_name(l) == "pg_querylens")),
        _ => None,
    };
    match preloaded {
        Some(has) => c.advise(
            "pg_querylens.preload",
            has,
            if has {
                "pg_querylens is in shared_preload_libraries".into()
            } else {
                "pg_querylens is available but not in shared_preload_libraries".into()
            },
            Some(enable.clone()),
        ),
        None => c.unknown(
            "pg_querylens.preload",
            "unknown whether pg_querylens is preloaded: the role cannot read shared_preload_libraries".into(),
            format!("GRANT pg_read_all_settings TO {role}; (or GRANT pg_monitor TO {role};) and run `dbintel doctor` again"),
        ),
    }
    let installed = scalar(conn, "SELECT extversion AS v FROM pg_extension WHERE extname = 'pg_querylens'")
        .await
        .ok()
        .flatten();
    c.advise(
        "pg_querylens.extension",
        installed.is_some(),
        match &installed {
            Some(v) => format!("pg_querylens {v} is installed in {}", conn.info.database),
            None => format!(
                "pg_querylens {} is available but not installed in database {}",
                available.as_deref().unwrap_or("?"),
                conn.info.database
            ),
        },
        Some(format!(
            "CREATE EXTENSION pg_querylens; (as a superuser, in database {}){}",
            quote_ident(&conn.info.database),
            if preloaded == Some(false) { format!("; and {enable}") } else { String::new() }
        )),
    );
    if installed.is_none() || preloaded == Some(false) {
        return;
    }
    if let Setting::Value(list) = preload
        && let Some((ok, message, fix)) = query_ids_before_14(major, &parse_list(list))
    {
        c.advise("pg_querylens.query_ids", ok, message, fix);
    }
    match scalar(
        conn,
        "SELECT version::text || ', ' || entries::text || '/' || max_entries::text || ' entries, track ' || track::text \
         || CASE WHEN enabled THEN '' ELSE ' (pg_querylens.enabled is off)' END AS v FROM querylens.info()",
    )
    .await
    {
        Ok(v) => c.advise(
            "pg_querylens.readable",
            true,
            format!("querylens.info() answers: {}", v.unwrap_or_default()),
            None,
        ),
        Err(e) => c.advise(
            "pg_querylens.readable",
            false,
            format!("pg_querylens cannot be read: {e}"),
            Some(if e.code() == Some("42501") {
                format!("GRANT pg_monitor TO {role};")
            } else {
                enable.clone()
            }),
        ),
    }
}

/// A server setting as this role sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Setting {
    Value(String),
    /// The role may not read it (or reads an empty value where a hidden one is likely): why.
    Unreadable(String),
    /// The server has no such setting (an older version).
    Absent,
}

/// Settings only superusers and pg_read_all_settings members may read.
const SUPERUSER_ONLY: &[&str] =
    &["shared_preload_libraries", "session_preload_libraries", "local_preload_libraries"];

/// Splits a list setting as PostgreSQL shows it (`a, "b c", d`) into its elements, unquoted.
/// PostgreSQL 13 has no core query ids: pg_querylens sees one only when pg_stat_statements, preloaded,
/// computed it (for the statements its own `track` covers). `None` from 14 on.
fn query_ids_before_14(major: u32, libs: &[String]) -> Option<(bool, String, Option<String>)> {
    if major >= 14 {
        return None;
    }
    if libs.iter().any(|l| library_name(l) == "pg_stat_statements") {
        return Some((
            true,
            format!(
                "PostgreSQL {major}: pg_stat_statements is preloaded and computes the query ids pg_querylens keys on \
                 (for pg_querylens.track = all, set pg_stat_statements.track = all too)"
            ),
            None,
        ));
    }
    let mut with = vec!["pg_stat_statements".to_string()];
    with.extend(libs.iter().cloned());
    Some((
        false,
        format!(
            "PostgreSQL {major} has no core query ids and pg_stat_statements, which computes them, is not preloaded: \
             pg_querylens records nothing"
        ),
        Some(format!(
            "ALTER SYSTEM SET shared_preload_libraries = {}; then restart PostgreSQL",
            with.iter().map(|l| sql_literal(l)).collect::<Vec<_>>().join(", ")
        )),
    ))
}

fn parse_list(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = value.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => {
                let item = cur.trim().to_string();
                if !item.is_empty() {
                    out.push(item);
                }
                cur.clear();
            }
            c if !quoted && c.is_whitespace() && cur.is_empty() => {}
            c => cur.push(c),
        }
    }
    let item = cur.trim().to_string();
    if !item.is_empty() {
        out.push(item);
    }
    out
}

/// The library a list element names (`$libdir/pg_stat_statements.so` -> `pg_stat_statements`).
fn library_name(element: &str) -> &str {
    let base = element.rsplit('/').next().unwrap_or(element);
    base.strip_suffix(".so").unwrap_or(base)
}

/// A SQL string literal.
fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_settings_are_parsed_and_quoted_back_element_by_element() {
        assert_eq!(parse_list("pg_stat_statements,auto_explain"), ["pg_stat_statements", "auto_explain"]);
        assert_eq!(parse_list(" a , \"b, c\" ,\"d\"\"e\""), ["a", "b, c", "d\"e"]);
        assert!(parse_list("").is_empty());
        assert_eq!(library_name("$libdir/pg_stat_statements.so"), "pg_stat_statements");
        assert_eq!(sql_literal("it's"), "'it''s'");
    }

    #[test]
    fn on_13_pg_querylens_needs_pg_stat_statements_for_query_ids() {
        assert!(query_ids_before_14(14, &[]).is_none());
        let (ok, message, fix) = query_ids_before_14(13, &["pg_querylens".into()]).unwrap();
        assert!(!ok && message.contains("no core query ids"), "{message}");
        assert_eq!(
            fix.as_deref(),
            Some(
                "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', 'pg_querylens'; then restart PostgreSQL"
            )
        );
        let libs = ["$libdir/pg_stat_statements".to_string(), "pg_querylens".into()];
        let (ok, message, fix) = query_ids_before_14(13, &libs).unwrap();
        assert!(ok && message.contains("pg_stat_statements.track = all") && fix.is_none(), "{message}");
    }
}
