//! MySQL/MariaDB feature probes: version and flavour, variables, grants (`SHOW GRANTS`, parsed and
//! never printed: a line may carry a password hash), performance_schema consumers and instrument
//! classes, and which tables the user can actually read.

use super::postgres::probe;
use super::{Cloud, Features, ProbeSource, System, truthy, version_numbers};
use crate::DbError;

/// Consumers and instrument classes kept at most (setup_consumers has about 15 rows).
pub const MAX_CONSUMERS: usize = 64;

/// Every capability a MySQL/MariaDB detection can report.
pub const CAPABILITIES: &[&str] = &[
    "performance_schema",
    "privilege.process",
    "privilege.select_performance_schema",
    "privilege.select_mysql",
    "performance_schema.consumer.statements_digest",
    "performance_schema.consumer.events_statements_current",
    "performance_schema.consumer.events_statements_history",
    "performance_schema.consumer.events_waits_current",
    "performance_schema.instrument.statement",
    "performance_schema.instrument.wait",
    "performance_schema.digest.readable",
    "performance_schema.waits_summary.readable",
    "performance_schema.waits_current.readable",
    "performance_schema.threads.readable",
    "processlist.readable",
    "slow_log.table",
    "innodb_buffer_pool_stats.readable",
    "innodb_metrics.readable",
    "sys_schema.readable",
];

pub const SQL_VERSION: &str = "SELECT VERSION(), @@version_comment, @@basedir";
pub const SQL_VARIABLES: &str = "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('performance_schema', \
     'slow_query_log', 'general_log', 'log_output', 'query_cache_type', 'long_query_time', 'max_connections', \
     'aurora_version', 'innodb_version') OR Variable_name LIKE 'azure%' OR Variable_name LIKE 'aurora%' \
     OR Variable_name LIKE 'cloudsql%'";
pub const SQL_GRANTS: &str = "SHOW GRANTS";
pub const SQL_CONSUMERS: &str = "SELECT NAME, ENABLED FROM performance_schema.setup_consumers";
pub const SQL_INSTRUMENTS: &str = "SELECT SUBSTRING_INDEX(NAME, '/', 1), SUM(ENABLED = 'YES' AND TIMED = 'YES'), \
     COUNT(*) FROM performance_schema.setup_instruments GROUP BY SUBSTRING_INDEX(NAME, '/', 1)";
pub const SQL_READ_DIGEST: &str =
    "SELECT 1 FROM performance_schema.events_statements_summary_by_digest LIMIT 1";
pub const SQL_READ_WAITS_SUMMARY: &str =
    "SELECT 1 FROM performance_schema.events_waits_summary_global_by_event_name LIMIT 1";
pub const SQL_READ_WAITS_CURRENT: &str = "SELECT 1 FROM performance_schema.events_waits_current LIMIT 1";
pub const SQL_READ_THREADS: &str = "SELECT 1 FROM performance_schema.threads LIMIT 1";
/// Counts other users' sessions: without PROCESS only one's own are visible, so this proves nothing
/// alone; the grant decides `processlist.readable` together with it being readable at all.
pub const SQL_READ_PROCESSLIST: &str = "SELECT 1 FROM information_schema.PROCESSLIST LIMIT 1";
pub const SQL_READ_SLOW_LOG: &str = "SELECT 1 FROM mysql.slow_log LIMIT 1";
pub const SQL_READ_BUFFER_POOL: &str = "SELECT 1 FROM information_schema.INNODB_BUFFER_POOL_STATS LIMIT 1";
pub const SQL_READ_INNODB_METRICS: &str = "SELECT 1 FROM information_schema.INNODB_METRICS LIMIT 1";
/// The `sys` schema (MySQL 5.7+, MariaDB 10.6+): its views read performance_schema as the caller
/// (SQL SECURITY INVOKER), so the queries using them also require the performance_schema reads.
pub const SQL_READ_SYS: &str = "SELECT 1 FROM sys.version LIMIT 1";

/// Privileges the account holds globally (`*.*`) and on `performance_schema.*` / `mysql.*`, from
/// `SHOW GRANTS` (the parser `dbintel doctor` and the feature probe share; lines are parsed, never
/// kept).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Held {
    pub global: Vec<String>,
    pub performance_schema: Vec<String>,
    pub mysql: Vec<String>,
    /// Roles are granted to the account: SHOW GRANTS does not list what they grant.
    pub roles: bool,
}

/// Parses `GRANT <privileges> ON <object> TO ...` lines; role grants (`GRANT role TO ...`, no ON)
/// are only noted; column privileges (`SELECT (a, b)`) count as the privilege on the object.
pub fn parse_grants<S: AsRef<str>>(lines: &[S]) -> Held {
    let mut held = Held::default();
    for line in lines {
        let upper = line.as_ref().to_ascii_uppercase();
        let Some(rest) = upper.strip_prefix("GRANT ") else { continue };
        let Some((privs, tail)) = rest.split_once(" ON ") else {
            held.roles |= rest.contains(" TO ");
            continue;
        };
        let object = tail.split(" TO ").next().unwrap_or("").trim().replace(['`', '"'], "");
        let privs: Vec<String> = privs
            .split(',')
            .map(|p| p.split('(').next().unwrap_or("").trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        match object.as_str() {
            "*.*" => held.global.extend(privs),
            "PERFORMANCE_SCHEMA.*" => held.performance_schema.extend(privs),
            "MYSQL.*" => held.mysql.extend(privs),
            _ => {}
        }
    }
    held
}

fn any_of(privs: &[String], names: &[&str]) -> bool {
    privs.iter().any(|p| p == "ALL PRIVILEGES" || p == "ALL" || names.contains(&p.as_str()))
}

impl Held {
    /// One of `any_of` (or ALL) is held on `*.*`.
    pub fn global(&self, names: &[&str]) -> bool {
        any_of(&self.global, names)
    }
    /// SELECT on `*.*` or on `performance_schema.*`.
    pub fn select_performance_schema(&self) -> bool {
        self.global(&["SELECT"]) || any_of(&self.performance_schema, &["SELECT"])
    }
    /// SELECT on `*.*` or on `mysql.*`.
    pub fn select_mysql(&self) -> bool {
        self.global(&["SELECT"]) || any_of(&self.mysql, &["SELECT"])
    }
}

/// Detects a MySQL/MariaDB server's features (see [`super::postgres::detect`] for the failure rule).
pub async fn detect(src: &mut dyn ProbeSource, skip_cloud: bool) -> Result<Features, DbError> {
    let rows = src.probe_rows(SQL_VERSION).await?;
    let row = rows.first().cloned().unwrap_or_default();
    let cell = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
    let raw = cell(0);
    let comment = cell(1);
    let basedir = cell(2);
    let mariadb =
        raw.to_ascii_lowercase().contains("mariadb") || comment.to_ascii_lowercase().contains("mariadb");
    let mut f = Features::new(if mariadb { System::Mariadb } else { System::Mysql });
    f.version = raw.strip_prefix("5.5.5-").unwrap_or(&raw).to_string();
    f.version_numbers = version_numbers(&f.version);
    if !comment.is_empty() {
        f.settings.insert("version_comment".into(), comment.clone());
    }

    if let Some(rows) = probe(src, &mut f, SQL_VARIABLES, "variables").await? {
        for r in rows.into_iter().take(200) {
            if let (Some(Some(name)), Some(value)) = (r.first(), r.get(1)) {
                f.settings.insert(name.to_ascii_lowercase(), value.clone().unwrap_or_default());
            }
        }
    }
    let ps = truthy(f.settings.get("performance_schema").map(String::as_str));
    f.grant("performance_schema", ps);

    let grants = match probe(src, &mut f, SQL_GRANTS, "grants").await? {
        Some(rows) => {
            let lines: Vec<&str> = rows.iter().filter_map(|r| r.first().and_then(|c| c.as_deref())).collect();
            parse_grants(&lines)
        }
        None => Held::default(),
    };
    let process = grants.global(&["PROCESS"]);
    f.grant("privilege.process", process);
    f.grant("privilege.select_performance_schema", grants.select_performance_schema());
    f.grant("privilege.select_mysql", grants.select_mysql());

    if ps {
        if let Some(rows) = probe(src, &mut f, SQL_CONSUMERS, "setup_consumers").await? {
            for r in rows.into_iter().take(MAX_CONSUMERS) {
                if let Some(Some(name)) = r.first() {
                    f.consumers.insert(name.clone(), truthy(r.get(1).cloned().flatten().as_deref()));
                }
            }
        }
        if let Some(rows) = probe(src, &mut f, SQL_INSTRUMENTS, "setup_instruments").await? {
            for r in rows.into_iter().take(MAX_CONSUMERS) {
                let n = |i: usize| {
                    r.get(i).cloned().flatten().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(0)
                };
                if let Some(Some(class)) = r.first() {
                    f.instruments.insert(class.clone(), (n(1), n(2)));
                }
            }
        }
    }
    let consumer = |f: &Features, name: &str| f.consumers.get(name).copied().unwrap_or(false);
    // The digest table fills only while both global_instrumentation and statements_digest are on.
    let global = consumer(&f, "global_instrumentation");
    let thread = global && consumer(&f, "thread_instrumentation");
    f.grant("performance_schema.consumer.statements_digest", global && consumer(&f, "statements_digest"));
    f.grant(
        "performance_schema.consumer.events_statements_current",
        thread && consumer(&f, "events_statements_current"),
    );
    f.grant(
        "performance_schema.consumer.events_statements_history",
        thread && consumer(&f, "events_statements_history"),
    );
    f.grant(
        "performance_schema.consumer.events_waits_current",
        thread && consumer(&f, "events_waits_current"),
    );
    let class_on = |f: &Features, c: &str| f.instruments.get(c).is_some_and(|(on, _)| *on > 0);
    f.grant("performance_schema.instrument.statement", class_on(&f, "statement"));
    f.grant("performance_schema.instrument.wait", class_on(&f, "wait"));

    let reads: [(&str, &'static str, bool); 9] = [
        (SQL_READ_DIGEST, "performance_schema.digest.readable", ps),
        (SQL_READ_WAITS_SUMMARY, "performance_schema.waits_summary.readable", ps),
        (SQL_READ_WAITS_CURRENT, "performance_schema.waits_current.readable", ps),
        (SQL_READ_THREADS, "performance_schema.threads.readable", ps),
        (SQL_READ_PROCESSLIST, "processlist.readable", true),
        (SQL_READ_SLOW_LOG, "slow_log.table", true),
        (SQL_READ_BUFFER_POOL, "innodb_buffer_pool_stats.readable", true),
        (SQL_READ_INNODB_METRICS, "innodb_metrics.readable", true),
        (SQL_READ_SYS, "sys_schema.readable", ps),
    ];
    for (sql, cap, wanted) in reads {
        if !wanted {
            continue;
        }
        let ok = probe(src, &mut f, sql, cap).await?.is_some();
        let ok = match cap {
            // Without PROCESS only the user's own sessions show: not a view of the server.
            "processlist.readable" => ok && process,
            // The table exists everywhere; it fills only with the slow log on and written to TABLE.
            "slow_log.table" => {
                ok && truthy(f.settings.get("slow_query_log").map(String::as_str))
                    && f.settings.get("log_output").is_some_and(|v| v.to_ascii_uppercase().contains("TABLE"))
            }
            _ => ok,
        };
        f.grant(cap, ok);
    }

    if !skip_cloud {
        let has = |prefix: &str| f.settings.keys().any(|k| k.starts_with(prefix));
        f.cloud = if has("aurora") {
            Some(Cloud::AwsAurora)
        } else if basedir.contains("/rdsdbbin/") {
            Some(Cloud::AwsRds)
        } else if has("cloudsql") {
            Some(Cloud::GcpCloudSql)
        } else if has("azure") {
            Some(Cloud::Azure)
        } else {
            None
        };
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::super::{Recorded, feature_metrics};
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap_or_else(|e| panic!("runtime: {e}"))
    }

    /// MySQL 8.0.36 on Amazon RDS, recorded: a monitoring user with PROCESS and SELECT on
    /// performance_schema, the 8.0 default consumers (waits and stages off, statements_cpu present
    /// since 8.0.28), the slow log to FILE, and `mysql.slow_log` not readable.
    fn rds_mysql_80() -> Recorded {
        let yes = Some("YES");
        let no = Some("NO");
        Recorded::new(true)
            .rows(
                SQL_VERSION,
                &[&[Some("8.0.36"), Some("Source distribution"), Some("/rdsdbbin/mysql-8.0.36.R2/")]],
            )
            .rows(
                SQL_VARIABLES,
                &[
                    &[Some("general_log"), Some("OFF")],
                    &[Some("innodb_version"), Some("8.0.36")],
                    &[Some("log_output"), Some("FILE")],
                    &[Some("long_query_time"), Some("10.000000")],
                    &[Some("max_connections"), Some("624")],
                    &[Some("performance_schema"), Some("ON")],
                    &[Some("slow_query_log"), Some("ON")],
                ],
            )
            .rows(
                SQL_GRANTS,
                &[
                    &[Some("GRANT PROCESS, REPLICATION CLIENT ON *.* TO `mon`@`%`")],
                    &[Some("GRANT SELECT ON `performance_schema`.* TO `mon`@`%`")],
                ],
            )
            .rows(
                SQL_CONSUMERS,
                &[
                    &[Some("events_stages_current"), no],
                    &[Some("events_stages_history"), no],
                    &[Some("events_stages_history_long"), no],
                    &[Some("events_statements_cpu"), no],
                    &[Some("events_statements_current"), yes],
                    &[Some("events_statements_history"), yes],
                    &[Some("events_statements_history_long"), no],
                    &[Some("events_transactions_current"), yes],
                    &[Some("events_transactions_history"), yes],
                    &[Some("events_transactions_history_long"), no],
                    &[Some("events_waits_current"), no],
                    &[Some("events_waits_history"), no],
                    &[Some("events_waits_history_long"), no],
                    &[Some("global_instrumentation"), yes],
                    &[Some("thread_instrumentation"), yes],
                    &[Some("statements_digest"), yes],
                ],
            )
            .rows(
                SQL_INSTRUMENTS,
                &[
                    &[Some("idle"), Some("1"), Some("1")],
                    &[Some("memory"), Some("0"), Some("493")],
                    &[Some("stage"), Some("8"), Some("134")],
                    &[Some("statement"), Some("216"), Some("218")],
                    &[Some("transaction"), Some("1"), Some("1")],
                    &[Some("wait"), Some("14"), Some("406")],
                ],
            )
            .rows(SQL_READ_DIGEST, &[&[Some("1")]])
            .rows(SQL_READ_WAITS_SUMMARY, &[&[Some("1")]])
            .rows(SQL_READ_WAITS_CURRENT, &[])
            .rows(SQL_READ_THREADS, &[&[Some("1")]])
            .rows(SQL_READ_PROCESSLIST, &[&[Some("1")]])
            .error(
                SQL_READ_SLOW_LOG,
                DbError::Query {
                    message: "SELECT command denied to user 'mon'@'%' for table 'slow_log'".into(),
                    code: Some("1142".into()),
                    hint: "",
                },
            )
            .rows(SQL_READ_BUFFER_POOL, &[&[Some("1")]])
            .rows(SQL_READ_INNODB_METRICS, &[&[Some("1")]])
            .rows(SQL_READ_SYS, &[&[Some("1")]])
    }

    #[test]
    fn a_recorded_mysql_80_on_rds_is_detected() {
        let mut src = rds_mysql_80();
        let f = block_on(detect(&mut src, false)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.system, System::Mysql);
        assert_eq!(f.version_numbers, (8, 0, 36));
        assert_eq!(f.cloud, Some(Cloud::AwsRds));
        let caps: Vec<&str> = f.capabilities.iter().map(String::as_str).collect();
        assert_eq!(
            caps,
            [
                "innodb_buffer_pool_stats.readable",
                "innodb_metrics.readable",
                "performance_schema",
                "performance_schema.consumer.events_statements_current",
                "performance_schema.consumer.events_statements_history",
                "performance_schema.consumer.statements_digest",
                "performance_schema.digest.readable",
                "performance_schema.instrument.statement",
                "performance_schema.instrument.wait",
                "performance_schema.threads.readable",
                "performance_schema.waits_current.readable",
                "performance_schema.waits_summary.readable",
                "privilege.process",
                "privilege.select_performance_schema",
                "processlist.readable",
                "sys_schema.readable",
            ]
        );
        assert_eq!(f.instruments["statement"], (216, 218));
        assert_eq!(f.problems.len(), 1, "the denied slow_log read: {:?}", f.problems);
        // Capabilities that do not hold are emitted as 0; the grant lines are never kept.
        let m = feature_metrics(&f, 1);
        assert!(!format!("{m:?}{f:?}").contains("GRANT"));
    }

    #[test]
    fn performance_schema_off_skips_its_probes() {
        let mut src = rds_mysql_80().rows(SQL_VARIABLES, &[&[Some("performance_schema"), Some("OFF")]]);
        let f = block_on(detect(&mut src, true)).unwrap_or_else(|e| panic!("{e}"));
        assert!(!f.has("performance_schema") && !f.has("performance_schema.digest.readable"));
        assert!(!src.asked.iter().any(|s| s == SQL_CONSUMERS || s == SQL_READ_DIGEST || s == SQL_READ_SYS));
        assert_eq!(f.cloud, None, "cloud detection skipped");
    }

    #[test]
    fn grants_are_parsed_by_object() {
        let held = parse_grants(&[
            "GRANT PROCESS, BINLOG MONITOR, SLAVE MONITOR ON *.* TO `mon`@`%` IDENTIFIED BY PASSWORD '*B6'",
            "GRANT SELECT ON `performance_schema`.* TO `mon`@`%`",
            "GRANT `monitoring` TO `mon`@`%`",
            "GRANT SELECT (a, b) ON `shop`.`t` TO `mon`@`%`",
        ]);
        assert!(held.global(&["PROCESS"]) && held.global(&["SLAVE MONITOR"]));
        assert!(!held.global(&["SELECT"]) && held.select_performance_schema() && !held.select_mysql());
        let all = parse_grants(&["GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"]);
        assert!(
            all.global(&["PROCESS"]) && all.select_performance_schema() && all.select_mysql() && !all.roles
        );
        assert!(held.roles, "a role grant is noted");
        assert!(!parse_grants(&["GRANT USAGE ON *.* TO `x`@`%`", "garbage", ""]).global(&["PROCESS"]));
        assert!(parse_grants(&["GRANT SELECT ON `mysql`.* TO `x`@`%`"]).select_mysql());
    }
}
