//! Golden tests of the doctor checks for the versions that cannot run here (MySQL 5.7, 8.0, 8.4,
//! 9.1; MariaDB 10.5, 10.11, 11.4), over recorded result sets that follow each version's catalog:
//! `setup_consumers` rows and defaults from the MySQL 5.7/8.0/8.4 and MariaDB manuals (MariaDB
//! 10.5+ as a live 10.11 returns them), `SHOW GRANTS` as each prints it (MySQL 5.7 quotes accounts
//! with `'`, MariaDB 10.5+ shows REPLICATION CLIENT as BINLOG MONITOR). Regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p dbintel-mysql --test doctor_golden`.

use std::path::PathBuf;

use dbintel_mysql::diagnose::{self, Finding};
use dbintel_mysql::replay::Replay;
use dbintel_mysql::{MysqlConfig, Plan};
use serde_json::json;

/// Doctor's date in these tests (so end-of-life findings do not change with the calendar).
const TODAY: u32 = 20261130;

fn plan(top: bool, samples: bool) -> Plan {
    let cfg = json!({
        "username": "mon",
        "events": {"db.server.top_query": {"enabled": top}, "db.server.query_sample": {"enabled": samples}},
    });
    MysqlConfig::parse(&cfg).and_then(MysqlConfig::resolve).expect("a valid config")
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// MySQL 5.7 (8.0 adds events_statements_cpu in 8.0.28 and turns the transaction consumers on).
fn consumers(version: &str, on: &[&str]) -> Vec<Vec<Option<String>>> {
    let mysql8 = !version.contains("MariaDB") && !version.starts_with("5.");
    let mut names = vec!["events_stages_current", "events_stages_history", "events_stages_history_long"];
    if mysql8 {
        names.push("events_statements_cpu");
    }
    names.extend([
        "events_statements_current",
        "events_statements_history",
        "events_statements_history_long",
        "events_transactions_current",
        "events_transactions_history",
        "events_transactions_history_long",
        "events_waits_current",
        "events_waits_history",
        "events_waits_history_long",
        "global_instrumentation",
        "thread_instrumentation",
        "statements_digest",
    ]);
    names.into_iter().map(|n| vec![s(n), s(if on.contains(&n) { "YES" } else { "NO" })]).collect()
}

struct Server<'a> {
    version: &'a str,
    user: &'a str,
    grants: &'a [&'a str],
    ps: &'a str,
    text_length: &'a str,
    on: &'a [&'a str],
    mdl: &'a str,
    ps_readable: bool,
}

fn replay(srv: &Server) -> Replay {
    let mut r = Replay::new(srv.version);
    r.record(diagnose::SQL_CURRENT_USER, vec![vec![s(srv.user)]]);
    r.record(diagnose::SQL_GRANTS, srv.grants.iter().map(|g| vec![s(g)]).collect());
    // SHOW GLOBAL VARIABLES sorts by name.
    r.record(
        diagnose::SQL_VARIABLES,
        vec![
            vec![s("max_digest_length"), s(srv.text_length)],
            vec![s("performance_schema"), s(srv.ps)],
            vec![s("performance_schema_max_digest_length"), s(srv.text_length)],
            vec![s("performance_schema_max_sql_text_length"), s(srv.text_length)],
        ],
    );
    if srv.ps == "ON" {
        // The digest table of a busy server with the default size fills up.
        let lost = if srv.version.starts_with("8.0") { "1412" } else { "0" };
        r.record(diagnose::SQL_DIGEST_LOST, vec![vec![s("Performance_schema_digest_lost"), s(lost)]]);
        r.record(diagnose::SQL_DIGESTS_SIZE, vec![vec![s("performance_schema_digests_size"), s("10000")]]);
    }
    if srv.ps_readable {
        r.record(diagnose::SQL_CONSUMERS, consumers(srv.version, srv.on));
        r.record(diagnose::SQL_STATEMENT_INSTRUMENTS, vec![vec![s("213"), s("213")]]);
        r.record(
            diagnose::SQL_INSTRUMENTS,
            vec![vec![s("wait/lock/metadata/sql/mdl"), s(srv.mdl), s(srv.mdl)]],
        );
    } else {
        let denied =
            "SELECT command denied to user 'mon'@'%' for table `performance_schema`.`setup_consumers`";
        r.record_error(diagnose::SQL_CONSUMERS, 1142, denied);
        r.record_error(diagnose::SQL_STATEMENT_INSTRUMENTS, 1142, denied);
        r.record_error(diagnose::SQL_INSTRUMENTS, 1142, denied);
    }
    r
}

fn render(findings: &[Finding], asked: &[String]) -> String {
    let mut out = String::new();
    for f in findings {
        let mark = match (f.ok, f.advisory, f.unknown) {
            (_, _, true) => "??? ",
            (true, _, _) => "ok  ",
            (false, true, _) => "WARN",
            (false, false, _) => "FAIL",
        };
        out.push_str(&format!("[{mark}] {}: {}\n", f.check, f.message));
        if let Some(fix) = &f.fix {
            out.push_str(&format!("       fix: {fix}\n"));
        }
        for sql in f.fix_sql.iter().flat_map(|s| s.lines()) {
            out.push_str(&format!("       sql: {sql}\n"));
        }
        for line in f.fix_cnf.iter().flat_map(|s| s.lines()) {
            out.push_str(&format!("       cnf: {line}\n"));
        }
    }
    let failed = findings.iter().filter(|f| !f.ok && !f.advisory && !f.unknown).count();
    out.push_str(&format!("exit: {}\n-- statements\n", if failed > 0 { 1 } else { 0 }));
    for a in asked {
        out.push_str(&format!("{a}\n"));
    }
    out
}

async fn check(name: &str, srv: Server<'_>, plan: Plan) {
    let mut r = replay(&srv);
    let findings = diagnose::run_checks(&mut r, &plan, "db:3306", TODAY).await;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/doctor/{name}.txt"));
    dbintel_test_support::assert_golden(&path, &render(&findings, &r.asked));
}

const MON_GRANTS_8: &[&str] = &[
    "GRANT PROCESS, REPLICATION CLIENT ON *.* TO `mon`@`%`",
    "GRANT SELECT ON `performance_schema`.* TO `mon`@`%`",
];
const MYSQL8_DEFAULT_ON: &[&str] = &[
    "events_statements_current",
    "events_statements_history",
    "events_transactions_current",
    "events_transactions_history",
    "global_instrumentation",
    "thread_instrumentation",
    "statements_digest",
];
const MARIADB_DEFAULT_ON: &[&str] =
    &["global_instrumentation", "thread_instrumentation", "statements_digest"];

#[tokio::test]
async fn mysql_8_0_defaults_pass_with_end_of_life_and_length_advice() {
    let srv = Server {
        version: "8.0.36",
        user: "mon@%",
        grants: MON_GRANTS_8,
        ps: "ON",
        text_length: "1024",
        on: MYSQL8_DEFAULT_ON,
        mdl: "YES",
        ps_readable: true,
    };
    check("mysql-8.0.36", srv, plan(true, true)).await;
}

#[tokio::test]
async fn mysql_8_4_user_without_process_fails_with_the_grant() {
    let srv = Server {
        version: "8.4.3",
        user: "mon@10.0.%",
        grants: &[
            "GRANT USAGE ON *.* TO `mon`@`10.0.%`",
            "GRANT SELECT ON `performance_schema`.* TO `mon`@`10.0.%`",
        ],
        ps: "ON",
        text_length: "4096",
        on: MYSQL8_DEFAULT_ON,
        mdl: "YES",
        ps_readable: true,
    };
    check("mysql-8.4.3", srv, plan(true, true)).await;
}

#[tokio::test]
async fn mysql_5_7_is_past_its_end_of_life_and_lacks_the_mdl_instrument() {
    let srv = Server {
        version: "5.7.44-log",
        user: "mon@%",
        grants: &[
            "GRANT PROCESS, REPLICATION CLIENT ON *.* TO 'mon'@'%'",
            "GRANT SELECT ON `performance_schema`.* TO 'mon'@'%'",
        ],
        ps: "ON",
        text_length: "1024",
        on: &[
            "events_statements_current",
            "events_statements_history",
            "global_instrumentation",
            "thread_instrumentation",
            "statements_digest",
        ],
        mdl: "NO",
        ps_readable: true,
    };
    check("mysql-5.7.44", srv, plan(true, true)).await;
}

#[tokio::test]
async fn mysql_9_1_with_performance_schema_off_fails_with_the_mycnf_lines() {
    let srv = Server {
        version: "9.1.0",
        user: "mon@%",
        grants: MON_GRANTS_8,
        ps: "OFF",
        text_length: "1024",
        on: &[],
        mdl: "NO",
        ps_readable: true,
    };
    check("mysql-9.1.0", srv, plan(true, true)).await;
}

#[tokio::test]
async fn mariadb_10_5_defaults_fail_the_sample_consumers() {
    let srv = Server {
        version: "5.5.5-10.5.23-MariaDB",
        user: "mon@%",
        grants: &[
            "GRANT PROCESS, BINLOG MONITOR ON *.* TO `mon`@`%` IDENTIFIED BY PASSWORD '*B69027D44F6E5EDC07F1AEAD1477967B16F28227'",
            "GRANT SELECT ON `performance_schema`.* TO `mon`@`%`",
        ],
        ps: "ON",
        text_length: "1024",
        on: MARIADB_DEFAULT_ON,
        mdl: "NO",
        ps_readable: true,
    };
    check("mariadb-10.5.23", srv, plan(true, true)).await;
}

#[tokio::test]
async fn mariadb_10_11_top_queries_only_need_the_digests() {
    let srv = Server {
        version: "10.11.6-MariaDB-0+deb12u1",
        user: "mon@%",
        grants: &[
            "GRANT PROCESS, BINLOG MONITOR, SLAVE MONITOR ON *.* TO `mon`@`%`",
            "GRANT SELECT ON `performance_schema`.* TO `mon`@`%`",
        ],
        ps: "ON",
        text_length: "1024",
        on: MARIADB_DEFAULT_ON,
        mdl: "NO",
        ps_readable: true,
    };
    check("mariadb-10.11.6", srv, plan(true, false)).await;
}

#[tokio::test]
async fn mariadb_11_4_user_who_may_not_read_performance_schema_gets_unknowns() {
    let srv = Server {
        version: "11.4.4-MariaDB",
        user: "mon@%",
        grants: &["GRANT PROCESS, SLAVE MONITOR ON *.* TO `mon`@`%`"],
        ps: "ON",
        text_length: "4096",
        on: MARIADB_DEFAULT_ON,
        mdl: "NO",
        ps_readable: false,
    };
    check("mariadb-11.4.4", srv, plan(true, true)).await;
}

#[tokio::test]
async fn nothing_is_required_when_no_event_is_on() {
    let srv = Server {
        version: "10.11.6-MariaDB-0+deb12u1",
        user: "mon@%",
        grants: &["GRANT USAGE ON *.* TO `mon`@`%`"],
        ps: "OFF",
        text_length: "1024",
        on: &[],
        mdl: "NO",
        ps_readable: true,
    };
    let mut r = replay(&srv);
    let findings = diagnose::run_checks(&mut r, &plan(false, false), "db:3306", TODAY).await;
    let failed: Vec<&str> =
        findings.iter().filter(|f| !f.ok && !f.advisory).map(|f| f.check.as_str()).collect();
    // PROCESS is always required (threads and InnoDB metrics); performance_schema is not.
    assert_eq!(failed, ["grants.process"], "{findings:#?}");
    assert!(findings.iter().any(|f| f.check == "performance_schema" && !f.ok && f.advisory));
}

#[tokio::test]
async fn privileges_that_roles_may_grant_are_unknown_not_failed() {
    let srv = Server {
        version: "8.0.36",
        user: "mon@%",
        grants: &["GRANT USAGE ON *.* TO `mon`@`%`", "GRANT `monitoring`@`%` TO `mon`@`%`"],
        ps: "ON",
        text_length: "4096",
        on: MYSQL8_DEFAULT_ON,
        mdl: "YES",
        ps_readable: true,
    };
    let mut r = replay(&srv);
    let findings = diagnose::run_checks(&mut r, &plan(true, true), "db:3306", TODAY).await;
    let process = findings.iter().find(|f| f.check == "grants.process").expect("grants.process");
    assert!(process.unknown && !process.ok, "{process:?}");
    assert!(process.message.contains("roles"), "{process:?}");
    assert_eq!(process.fix_sql.as_deref(), Some("GRANT PROCESS ON *.* TO 'mon'@'%';"));
}
