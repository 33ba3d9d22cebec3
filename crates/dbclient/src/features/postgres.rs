//! PostgreSQL feature probes. Every statement is a constant (golden tests record their answers) and
//! reads catalogs any role may read; what a role may not read shows as an absent capability, never as
//! a failed detection.

use super::{Cloud, Extension, Features, ProbeSource, System, first_cell, truthy, version_numbers};
use crate::DbError;

/// The extensions whose presence changes what can be collected.
pub const EXTENSIONS: &[&str] = &[
    "pg_stat_statements",
    "pg_stat_monitor",
    "pg_wait_sampling",
    "pg_stat_kcache",
    "pg_qualstats",
    "hypopg",
    "pg_querylens",
];

/// Every capability a PostgreSQL detection can report.
pub const CAPABILITIES: &[&str] = &[
    "superuser",
    "privilege.pg_monitor",
    "privilege.pg_read_all_stats",
    "privilege.pg_read_all_settings",
    "setting.track_io_timing",
    "setting.compute_query_id",
    "setting.track_activity_query_size",
    "setting.track_functions",
    "preload.pg_stat_statements",
    "preload.auto_explain",
    "pg_stat_activity.readable",
    "pg_stat_statements.readable",
    "pg_stat_monitor.readable",
    "pg_wait_sampling.readable",
    "pg_stat_kcache.readable",
    "pg_qualstats.readable",
    "hypopg.usable",
    "preload.pg_querylens",
    "pg_querylens.readable",
    "preload.pg_wait_sampling",
];

pub const SQL_VERSION: &str =
    "SELECT current_setting('server_version_num'), current_setting('server_version')";
/// The fourth column is the schema an installed extension's objects live in (NULL when only
/// available): queries name or search them there, never on the role's own `search_path`.
pub const SQL_EXTENSIONS: &str = "SELECT a.name, a.default_version, a.installed_version, n.nspname \
     FROM pg_catalog.pg_available_extensions a LEFT JOIN pg_catalog.pg_extension e ON e.extname = a.name \
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace \
     WHERE a.name IN ('pg_stat_statements', 'pg_stat_monitor', 'pg_wait_sampling', 'pg_stat_kcache', \
     'pg_qualstats', 'hypopg', 'pg_querylens') ORDER BY a.name";
/// Settings hidden from the role (`shared_preload_libraries` without pg_read_all_settings) are
/// simply absent from pg_settings.
pub const SQL_SETTINGS: &str = "SELECT name, setting FROM pg_settings WHERE name IN ('track_io_timing', \
     'compute_query_id', 'track_activity_query_size', 'track_functions', 'statement_timeout', \
     'shared_preload_libraries', 'session_preload_libraries', 'rds.superuser_reserved_connections', \
     'cloudsql.iam_authentication', 'cloudsql.enable_pgaudit') OR name LIKE 'azure.%' OR name LIKE 'rds.%' \
     OR name LIKE 'aurora.%' OR name LIKE 'auto_explain.%' OR name LIKE 'pg_wait_sampling.%' \
     ORDER BY name LIMIT 200";
pub const SQL_PRIVILEGES: &str = "SELECT r.rolsuper, pg_has_role(current_user, 'pg_monitor', 'MEMBER'), \
     pg_has_role(current_user, 'pg_read_all_stats', 'USAGE'), pg_has_role(current_user, 'pg_read_all_settings', \
     'USAGE') FROM pg_roles r WHERE r.rolname = current_user";
pub const SQL_AURORA: &str = "SELECT count(*) FROM pg_proc WHERE proname = 'aurora_version'";
pub const SQL_ACTIVITY: &str = "SELECT 1 FROM pg_stat_activity LIMIT 1";
pub const SQL_READ_STATEMENTS: &str = "SELECT 1 FROM pg_stat_statements LIMIT 1";
pub const SQL_READ_MONITOR: &str = "SELECT 1 FROM pg_stat_monitor LIMIT 1";
pub const SQL_READ_WAIT_SAMPLING: &str = "SELECT 1 FROM pg_wait_sampling_profile LIMIT 1";
pub const SQL_READ_KCACHE: &str = "SELECT 1 FROM pg_stat_kcache LIMIT 1";
pub const SQL_READ_QUALSTATS: &str = "SELECT 1 FROM pg_qualstats LIMIT 1";
pub const SQL_READ_HYPOPG: &str = "SELECT 1 FROM hypopg_list_indexes LIMIT 1";
/// Answers only when the library is loaded (its shared memory exists).
pub const SQL_READ_QUERYLENS: &str = "SELECT entries FROM querylens.info()";

/// Detects a PostgreSQL server's features. Fails only when the connection is lost or the version
/// cannot be read (then nothing else could be); every other probe's failure is kept in `problems`.
pub async fn detect(src: &mut dyn ProbeSource, skip_cloud: bool) -> Result<Features, DbError> {
    let mut f = Features::new(System::Postgresql);
    let rows = src.probe_rows(SQL_VERSION).await?;
    let row = rows.first().cloned().unwrap_or_default();
    let num: u32 = row.first().cloned().flatten().and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    f.version = row.get(1).cloned().flatten().unwrap_or_default();
    // server_version_num is exact (150020 = 15.20; 90624 = 9.6.24); the text may say "15devel".
    f.version_numbers = if num >= 100_000 {
        (num / 10_000, num % 10_000, 0)
    } else if num > 0 {
        (num / 10_000, num / 100 % 100, num % 100)
    } else {
        version_numbers(&f.version)
    };

    if let Some(rows) = probe(src, &mut f, SQL_EXTENSIONS, "extensions").await? {
        for r in rows {
            let Some(name) = r.first().cloned().flatten() else { continue };
            if !EXTENSIONS.contains(&name.as_str()) {
                continue;
            }
            let ext =
                Extension { available: r.get(1).cloned().flatten(), installed: r.get(2).cloned().flatten() };
            if let Some(schema) = r.get(3).cloned().flatten().filter(|_| ext.installed.is_some()) {
                f.schemas.insert(name.clone(), schema);
            }
            f.extensions.insert(name, ext);
        }
    }

    if let Some(rows) = probe(src, &mut f, SQL_SETTINGS, "settings").await? {
        for r in rows {
            if let (Some(Some(name)), Some(value)) = (r.first(), r.get(1)) {
                f.settings.insert(name.clone(), value.clone().unwrap_or_default());
            }
        }
    }
    fn setting<'a>(f: &'a Features, name: &str) -> Option<&'a str> {
        f.settings.get(name).map(String::as_str)
    }
    let io = truthy(setting(&f, "track_io_timing"));
    f.grant("setting.track_io_timing", io);
    let qid = setting(&f, "compute_query_id").is_some_and(|v| matches!(v, "on" | "auto" | "regress"));
    f.grant("setting.compute_query_id", qid);
    // In bytes (the unit of pg_settings.setting for this one).
    let size = setting(&f, "track_activity_query_size").and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    f.grant("setting.track_activity_query_size", size >= 4096);
    f.grant("setting.track_functions", setting(&f, "track_functions").is_some_and(|v| v != "none"));
    let preload: Vec<String> = ["shared_preload_libraries", "session_preload_libraries"]
        .iter()
        .filter_map(|n| setting(&f, n))
        .flat_map(|v| v.split(','))
        .map(|l| {
            let l = l.trim().trim_matches('"');
            let base = l.rsplit('/').next().unwrap_or(l);
            base.strip_suffix(".so").unwrap_or(base).to_string()
        })
        .collect();
    f.grant("preload.pg_stat_statements", preload.iter().any(|l| l == "pg_stat_statements"));
    // auto_explain's settings exist once it is loaded (preloaded, or LOADed in this session).
    let auto_explain = preload.iter().any(|l| l == "auto_explain")
        || f.settings.keys().any(|k| k.starts_with("auto_explain."));
    f.grant("preload.auto_explain", auto_explain);
    f.grant("preload.pg_querylens", preload.iter().any(|l| l == "pg_querylens"));

    if let Some(rows) = probe(src, &mut f, SQL_PRIVILEGES, "privileges").await? {
        let r = rows.first().cloned().unwrap_or_default();
        let cell = |i: usize| truthy(r.get(i).cloned().flatten().as_deref());
        let superuser = cell(0);
        f.grant("superuser", superuser);
        f.grant("privilege.pg_monitor", superuser || cell(1));
        f.grant("privilege.pg_read_all_stats", superuser || cell(2));
        f.grant("privilege.pg_read_all_settings", superuser || cell(3));
    }

    let readable: [(&str, &str, &'static str); 7] = [
        ("pg_stat_statements", SQL_READ_STATEMENTS, "pg_stat_statements.readable"),
        ("pg_stat_monitor", SQL_READ_MONITOR, "pg_stat_monitor.readable"),
        ("pg_wait_sampling", SQL_READ_WAIT_SAMPLING, "pg_wait_sampling.readable"),
        ("pg_stat_kcache", SQL_READ_KCACHE, "pg_stat_kcache.readable"),
        ("pg_qualstats", SQL_READ_QUALSTATS, "pg_qualstats.readable"),
        ("hypopg", SQL_READ_HYPOPG, "hypopg.usable"),
        ("pg_querylens", SQL_READ_QUERYLENS, "pg_querylens.readable"),
    ];
    let activity = probe(src, &mut f, SQL_ACTIVITY, "pg_stat_activity").await?.is_some();
    f.grant("pg_stat_activity.readable", activity);
    for (ext, sql, cap) in readable {
        if f.has_extension(ext) {
            let sql = qualified(sql, ext, f.schemas.get(ext).map(String::as_str));
            let ok = probe(src, &mut f, &sql, ext).await?.is_some();
            f.grant(cap, ok);
        }
    }
    // pg_wait_sampling's settings exist only while its library is loaded (it must be preloaded to
    // sample); `profile_period` is what its counts are worth.
    let loaded = f.settings.contains_key("pg_wait_sampling.profile_period");
    f.grant("preload.pg_wait_sampling", loaded);
    // auto_explain is a library, not an extension: listed as installed when loaded.
    if auto_explain {
        let v = format!("{}", f.version_numbers.0);
        f.extensions
            .insert("auto_explain".into(), Extension { installed: Some(v.clone()), available: Some(v) });
    }

    if !skip_cloud {
        let has = |f: &Features, prefix: &str| f.settings.keys().any(|k| k.starts_with(prefix));
        let aurora = match probe(src, &mut f, SQL_AURORA, "aurora").await? {
            Some(rows) => first_cell(&rows).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) > 0,
            None => false,
        } || has(&f, "aurora.");
        f.cloud = if aurora {
            Some(Cloud::AwsAurora)
        } else if has(&f, "rds.") {
            Some(Cloud::AwsRds)
        } else if has(&f, "cloudsql.") {
            Some(Cloud::GcpCloudSql)
        } else if has(&f, "azure.") {
            Some(Cloud::Azure)
        } else {
            None
        };
    }
    Ok(f)
}

/// A readability probe of an extension's object, schema-qualified when the detection knows the
/// extension's schema (`SELECT 1 FROM "public".pg_stat_statements ...`), else as written (recorded
/// golden answers carry no schema).
fn qualified(sql: &str, ext: &str, schema: Option<&str>) -> String {
    let object = match ext {
        "hypopg" => "hypopg_list_indexes",
        "pg_wait_sampling" => "pg_wait_sampling_profile",
        other => other,
    };
    match schema {
        Some(s) => sql.replacen(&format!("FROM {object} "), &format!("FROM {}.{object} ", quote_ident(s)), 1),
        None => sql.to_string(),
    }
}

/// A PostgreSQL identifier, quoted.
pub fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// One probe statement: `Ok(None)` when it failed (kept as a problem), `Err` only when the
/// connection is gone.
pub(crate) async fn probe(
    src: &mut dyn ProbeSource,
    f: &mut Features,
    sql: &str,
    what: &str,
) -> Result<Option<Vec<Vec<Option<String>>>>, DbError> {
    match src.probe_rows(sql).await {
        Ok(rows) => Ok(Some(rows)),
        Err(e @ DbError::Lost(_)) => Err(e),
        Err(e) => {
            f.problem(what, &e);
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Recorded;
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap_or_else(|e| panic!("runtime: {e}"))
    }

    /// An RDS PostgreSQL 16 with pg_stat_statements installed, pg_stat_monitor only available, a
    /// role that is pg_monitor but not superuser, and shared_preload_libraries hidden.
    fn rds_16() -> Recorded {
        Recorded::new(false)
            .rows(SQL_VERSION, &[&[Some("160004"), Some("16.4")]])
            .rows(
                SQL_EXTENSIONS,
                &[
                    &[Some("pg_stat_monitor"), Some("2.1"), None],
                    &[Some("pg_stat_statements"), Some("1.10"), Some("1.10")],
                ],
            )
            .rows(
                SQL_SETTINGS,
                &[
                    &[Some("compute_query_id"), Some("auto")],
                    &[Some("rds.superuser_reserved_connections"), Some("2")],
                    &[Some("track_activity_query_size"), Some("4096")],
                    &[Some("track_functions"), Some("none")],
                    &[Some("track_io_timing"), Some("on")],
                ],
            )
            .rows(SQL_PRIVILEGES, &[&[Some("f"), Some("t"), Some("t"), Some("t")]])
            .rows(SQL_ACTIVITY, &[&[Some("1")]])
            .rows(SQL_READ_STATEMENTS, &[&[Some("1")]])
            .rows(SQL_AURORA, &[&[Some("0")]])
    }

    #[test]
    fn an_rds_server_is_detected_from_recorded_catalog_answers() {
        let mut src = rds_16();
        let f = block_on(detect(&mut src, false)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.version_numbers, (16, 4, 0));
        assert_eq!(f.cloud, Some(Cloud::AwsRds));
        assert!(f.has_extension("pg_stat_statements"));
        assert!(!f.has_extension("pg_stat_monitor"));
        assert_eq!(f.extensions["pg_stat_monitor"].available.as_deref(), Some("2.1"));
        let caps: Vec<&str> = f.capabilities.iter().map(String::as_str).collect();
        assert_eq!(
            caps,
            [
                "pg_stat_activity.readable",
                "pg_stat_statements.readable",
                "privilege.pg_monitor",
                "privilege.pg_read_all_settings",
                "privilege.pg_read_all_stats",
                "setting.compute_query_id",
                "setting.track_activity_query_size",
                "setting.track_io_timing",
            ]
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        // Only installed extensions' views are probed.
        assert!(!src.asked.iter().any(|s| s == SQL_READ_MONITOR));
    }

    #[test]
    fn pg_querylens_is_preloaded_and_readable_or_not() {
        let with = |preload: &'static str| {
            rds_16()
                .rows(
                    SQL_EXTENSIONS,
                    &[
                        &[Some("pg_querylens"), Some("0.1.0"), Some("0.1.0")],
                        &[Some("pg_stat_statements"), Some("1.10"), Some("1.10")],
                    ],
                )
                .rows(SQL_SETTINGS, &[&[Some("shared_preload_libraries"), Some(preload)]])
        };
        let mut src = with("pg_stat_statements, pg_querylens").rows(SQL_READ_QUERYLENS, &[&[Some("3")]]);
        let f = block_on(detect(&mut src, true)).unwrap_or_else(|e| panic!("{e}"));
        assert!(f.has_extension("pg_querylens"));
        assert!(f.has("preload.pg_querylens") && f.has("pg_querylens.readable"));
        let failed = DbError::Query {
            message: "pg_querylens must be loaded via shared_preload_libraries".into(),
            code: Some("55000".into()),
            hint: "",
        };
        let mut src = with("pg_stat_statements").error(SQL_READ_QUERYLENS, failed);
        let f = block_on(detect(&mut src, true)).unwrap_or_else(|e| panic!("{e}"));
        assert!(!f.has("preload.pg_querylens") && !f.has("pg_querylens.readable"));
        assert!(CAPABILITIES.contains(&"pg_querylens.readable"));
    }

    #[test]
    fn aurora_is_told_from_its_function_and_cloud_detection_can_be_skipped() {
        let mut src = rds_16().rows(SQL_AURORA, &[&[Some("1")]]);
        let f = block_on(detect(&mut src, false)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.cloud, Some(Cloud::AwsAurora));
        let mut src = rds_16();
        let f = block_on(detect(&mut src, true)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.cloud, None);
        assert!(!src.asked.iter().any(|s| s == SQL_AURORA));
    }

    #[test]
    fn a_failed_probe_is_a_missing_capability_and_a_lost_connection_ends_the_detection() {
        let denied = DbError::Query {
            message: "permission denied for view pg_stat_statements".into(),
            code: Some("42501".into()),
            hint: "",
        };
        let mut src = rds_16().error(SQL_READ_STATEMENTS, denied);
        let f = block_on(detect(&mut src, false)).unwrap_or_else(|e| panic!("{e}"));
        assert!(!f.has("pg_stat_statements.readable"));
        assert_eq!(f.problems.len(), 1);
        let mut src = rds_16().error(SQL_SETTINGS, DbError::Lost("reset by peer".into()));
        assert!(block_on(detect(&mut src, false)).is_err());
    }

    #[test]
    fn probes_name_the_extension_schema_and_pg_wait_sampling_needs_its_settings() {
        let denied =
            DbError::Query { message: "permission denied".into(), code: Some("42501".into()), hint: "" };
        let mut src = rds_16()
            .rows(
                SQL_EXTENSIONS,
                &[
                    &[Some("pg_stat_statements"), Some("1.10"), Some("1.10"), Some("mon itoring")],
                    &[Some("pg_wait_sampling"), Some("1.1"), Some("1.1"), Some("public")],
                ],
            )
            .rows(
                SQL_SETTINGS,
                &[
                    &[Some("pg_wait_sampling.profile_period"), Some("10")],
                    &[Some("track_io_timing"), Some("on")],
                ],
            )
            .rows("SELECT 1 FROM \"mon itoring\".pg_stat_statements LIMIT 1", &[&[Some("1")]])
            .error("SELECT 1 FROM \"public\".pg_wait_sampling_profile LIMIT 1", denied);
        let f = block_on(detect(&mut src, true)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.schemas.get("pg_stat_statements").map(String::as_str), Some("mon itoring"));
        assert!(f.has("pg_stat_statements.readable"), "{:?}", f.problems);
        assert!(!f.has("pg_wait_sampling.readable"));
        assert_eq!(f.failed.get("pg_wait_sampling").map(String::as_str), Some("42501"));
        assert!(f.has("preload.pg_wait_sampling"));
        assert_eq!(f.pg_wait_sampling_period(), Some(std::time::Duration::from_millis(10)));
        // Installed but not loaded: no settings, no profile.
        let mut src = rds_16()
            .rows(SQL_EXTENSIONS, &[&[Some("pg_wait_sampling"), Some("1.1"), Some("1.1"), Some("public")]]);
        let f = block_on(detect(&mut src, true)).unwrap_or_else(|e| panic!("{e}"));
        assert!(f.has_extension("pg_wait_sampling") && !f.has("preload.pg_wait_sampling"));
        assert_eq!(f.pg_wait_sampling_period(), None);
    }
}
