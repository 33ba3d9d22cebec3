//! Diagnosis of a monitored server: what is missing (extension, preload, settings, grants) and the
//! exact fix. Used by the receiver (reported once at the first connection) and by `dbintel doctor`.

use serde::Serialize;

use crate::config::{Plan, PostgresqlConfig};
use crate::conn::{self, PgConn};

/// The one-line fix for pg_stat_statements, used in query error hints.
pub const PG_STAT_STATEMENTS_FIX: &str = "add pg_stat_statements to shared_preload_libraries (ALTER SYSTEM SET \
     shared_preload_libraries = 'pg_stat_statements'; then restart PostgreSQL), run CREATE EXTENSION \
     pg_stat_statements; in the monitored database, and GRANT pg_monitor TO <username>;";

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
            }];
        }
    };
    let mut dbs: Vec<String> =
        plan.databases.iter().filter(|d| !plan.exclude_databases.contains(d)).cloned().collect();
    if dbs.is_empty() {
        dbs.push("postgres".to_string());
    }
    dbs.truncate(crate::config::MAX_DATABASES);
    let mut out = Vec::new();
    for (i, db) in dbs.iter().enumerate() {
        let target = format!("{}/{db}", plan.connect.endpoint());
        match conn::connect(&plan.connect, db, tls.as_ref(), &conn::ConnOwner::default()).await {
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
                });
                if i == 0 {
                    f.extend(run_checks(&mut c, &plan.connect.user).await);
                } else {
                    f.extend(
                        run_checks(&mut c, &plan.connect.user)
                            .await
                            .into_iter()
                            .filter(|x| x.check.ends_with(".extension")),
                    );
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
    match scalar(
        conn,
        "SELECT (pg_has_role(current_user, 'pg_monitor', 'MEMBER') OR (SELECT rolsuper FROM pg_roles \
         WHERE rolname = current_user))::text AS v",
    )
    .await
    {
        Ok(v) => c.push(
            "grants.pg_monitor",
            v.as_deref() == Some("true"),
            if v.as_deref() == Some("true") {
                "the role can read every statistics view (pg_monitor)".into()
            } else {
                "the role is not a member of pg_monitor: other sessions' queries, sizes and replication stats are hidden".into()
            },
            Some(format!("GRANT pg_monitor TO {role};")),
        ),
        Err(e) => c.push("grants.pg_monitor", false, e.to_string(), Some(format!("GRANT pg_monitor TO {role};"))),
    }
    let preload =
        scalar(conn, "SELECT current_setting('shared_preload_libraries') AS v").await.ok().flatten();
    let preloaded = preload
        .as_deref()
        .is_some_and(|s| s.split(',').any(|l| l.trim().trim_matches('"') == "pg_stat_statements"));
    let new_list = match preload.as_deref().map(str::trim) {
        Some("") | None => "pg_stat_statements".to_string(),
        Some(list) if preloaded => list.to_string(),
        Some(list) => format!("{list},pg_stat_statements"),
    };
    c.push(
        "pg_stat_statements.preload",
        preloaded,
        format!("shared_preload_libraries = '{}'", preload.unwrap_or_default()),
        Some(format!("ALTER SYSTEM SET shared_preload_libraries = '{new_list}'; then restart PostgreSQL")),
    );
    let ext = scalar(conn, "SELECT extversion AS v FROM pg_extension WHERE extname = 'pg_stat_statements'")
        .await
        .ok()
        .flatten();
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
    if ext.is_some() && preloaded {
        let r = scalar(conn, "SELECT count(*)::text AS v FROM (SELECT 1 FROM pg_stat_statements LIMIT 1) s")
            .await;
        let stats = scalar(
            conn,
            "SELECT (pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') OR (SELECT rolsuper FROM pg_roles \
             WHERE rolname = current_user))::text AS v",
        )
        .await
        .ok()
        .flatten();
        let (ok, message) = match (&r, stats.as_deref()) {
            (Ok(_), Some("true")) => (true, "pg_stat_statements is readable with every query's text".to_string()),
            (Ok(_), _) => (false, "pg_stat_statements is readable but other roles' query text shows as <insufficient privilege>".to_string()),
            (Err(e), _) => (false, format!("pg_stat_statements cannot be read: {e}")),
        };
        c.push(
            "pg_stat_statements.readable",
            ok,
            message,
            Some(format!("GRANT pg_read_all_stats TO {role}; (or pg_monitor)")),
        );
    }
    if major >= 14 {
        let v = scalar(conn, "SELECT current_setting('compute_query_id') AS v").await.ok().flatten();
        let ok = matches!(v.as_deref(), Some("on") | Some("auto") | Some("regress"))
            && (preloaded || v.as_deref() == Some("on"));
        c.push(
            "compute_query_id",
            ok,
            format!("compute_query_id = {}", v.unwrap_or_default()),
            Some("ALTER SYSTEM SET compute_query_id = on; SELECT pg_reload_conf();".into()),
        );
    }
    let v = scalar(conn, "SELECT current_setting('track_io_timing') AS v").await.ok().flatten();
    c.push(
        "track_io_timing",
        v.as_deref() == Some("on"),
        format!("track_io_timing = {} (block read/write times per query)", v.unwrap_or_default()),
        Some("ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();".into()),
    );
    let v = scalar(conn, "SELECT current_setting('track_activity_query_size') AS v").await.ok().flatten();
    let size: i64 = v.as_deref().and_then(|s| s.trim_end_matches("kB").parse().ok()).unwrap_or(0);
    let size_bytes = if v.as_deref().is_some_and(|s| s.ends_with("kB")) { size * 1024 } else { size };
    c.advise(
        "track_activity_query_size",
        size_bytes >= 4096,
        format!("track_activity_query_size = {} (longer query samples are cut)", v.unwrap_or_default()),
        Some("ALTER SYSTEM SET track_activity_query_size = 4096; then restart PostgreSQL".into()),
    );
    c.out
}
