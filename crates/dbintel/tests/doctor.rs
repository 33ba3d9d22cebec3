//! `dbintel doctor` (text and `--json`) for an unprivileged role on a server that preloads
//! `pg_stat_statements,auto_explain`: the role cannot read shared_preload_libraries, so doctor must
//! never suggest an ALTER SYSTEM that would overwrite it, must say what is unknown and which grant
//! reveals it, and must count the pg_stat_statements rows hidden from the role.

mod support;

use dbintel_test_support::shared_postgres;

#[test]
fn doctor_never_overwrites_a_setting_it_cannot_read_and_names_the_grant() {
    let server = shared_postgres();
    let with_ext = server.create_database("doc_ext");
    let no_ext = server.create_database("doc_noext");
    server.psql(&no_ext, "DROP EXTENSION pg_stat_statements").unwrap();
    server
        .psql(
            "postgres",
            "DO $$ BEGIN CREATE ROLE dbintel_plain LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$; \
             SELECT count(*) FROM pg_class; SELECT count(*) FROM pg_namespace;",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("doctor.yaml");
    let receiver = |db: &str| {
        format!(
            "    endpoint: {}:{}\n    username: dbintel_plain\n    password: unused-by-trust\n    databases: [{db}]\n    tls: {{insecure: true}}\n",
            server.host, server.port
        )
    };
    std::fs::write(
        &cfg,
        format!(
            "receivers:\n  postgresql/ext:\n{}  postgresql/noext:\n{}exporters:\n  debug: {{}}\nservice:\n  pipelines:\n    metrics:\n      receivers: [postgresql/ext, postgresql/noext]\n      exporters: [debug]\n",
            receiver(&with_ext),
            receiver(&no_ext)
        ),
    )
    .unwrap();
    let cfg_arg = cfg.display().to_string();

    let out = support::dbintel(&["doctor", "--config", &cfg_arg]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!text.contains("ALTER SYSTEM SET shared_preload_libraries"), "harmful advice:\n{text}");
    assert!(!text.contains("shared_preload_libraries = ''"), "unreadable shown as empty:\n{text}");
    assert!(text.contains("GRANT pg_read_all_settings TO \"dbintel_plain\""), "{text}");
    assert!(text.contains("[??? ] pg_stat_statements.preload: unknown"), "{text}");
    assert!(text.contains("pg_stat_statements answers, so it is preloaded"), "{text}");
    assert!(text.contains("rows hidden now"), "{text}");
    assert!(text.contains("could not be decided"), "{text}");

    let out = support::dbintel(&["doctor", "--json", "--config", &cfg_arg]);
    let findings: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let find = |receiver: &str, check: &str| {
        findings
            .iter()
            .find(|f| f["receiver"] == receiver && f["check"] == check)
            .unwrap_or_else(|| panic!("{receiver} {check} missing: {findings:#?}"))
    };
    for f in &findings {
        let fix = f["fix"].as_str().unwrap_or("");
        assert!(!fix.contains("ALTER SYSTEM SET shared_preload_libraries"), "{f}");
    }
    let unknown = find("postgresql/noext", "pg_stat_statements.preload");
    assert_eq!(unknown["unknown"], true, "{unknown}");
    assert_eq!(unknown["ok"], false, "{unknown}");
    assert!(unknown["fix"].as_str().unwrap().contains("pg_read_all_settings"), "{unknown}");
    let proven = find("postgresql/ext", "pg_stat_statements.preload");
    assert_eq!(proven["ok"], true, "{proven}");
    let readable = find("postgresql/ext", "pg_stat_statements.readable");
    assert_eq!(readable["ok"], false, "{readable}");
    assert!(readable["fix"].as_str().unwrap().contains("pg_read_all_stats"), "{readable}");
    // The other settings are readable by any role: read, not unknown.
    for check in ["compute_query_id", "track_io_timing"] {
        let f = find("postgresql/ext", check);
        assert_eq!(f["ok"], true, "{f}");
        assert!(f.get("unknown").is_none(), "{f}");
    }
}

/// An endpoint pasted as a URL with a password, or as user info, is refused by `validate`, `run` and
/// `doctor` without printing the password; a failing connection never prints the `password` value.
#[test]
fn validate_run_and_doctor_never_print_endpoint_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let closed = support::free_port();
    for (i, endpoint) in [
        format!("postgres://mon:Url-Secret-1@127.0.0.1:{closed}/app"),
        format!("postgresql://mon:Url-Secret-1@127.0.0.1:{closed}"),
        format!("mon:Url-Secret-1@127.0.0.1:{closed}"),
    ]
    .iter()
    .enumerate()
    {
        let cfg = dir.path().join(format!("url{i}.yaml"));
        std::fs::write(
            &cfg,
            format!(
                "receivers:\n  postgresql:\n    endpoint: \"{endpoint}\"\n    username: mon\nexporters:\n  debug: {{}}\nservice:\n  pipelines:\n    metrics:\n      receivers: [postgresql]\n      exporters: [debug]\n"
            ),
        )
        .unwrap();
        let cfg_arg = cfg.display().to_string();
        for args in [
            vec!["validate", "--config", &cfg_arg],
            vec!["doctor", "--config", &cfg_arg],
            vec!["run", "--config", &cfg_arg],
        ] {
            let out = support::dbintel(&args);
            let all =
                format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert!(!out.status.success(), "{args:?} accepted {endpoint}");
            assert!(all.contains("endpoint"), "{args:?}: {all}");
            assert!(!all.contains("Url-Secret-1"), "{args:?} printed the password: {all}");
        }
    }
    // A valid config whose connection fails: the `password` value appears nowhere.
    let cfg = dir.path().join("refused.yaml");
    std::fs::write(
        &cfg,
        format!(
            "receivers:\n  postgresql:\n    endpoint: 127.0.0.1:{closed}\n    username: mon\n    password: Key-Secret-2\n    tls: {{insecure: true}}\nexporters:\n  debug: {{}}\nservice:\n  pipelines:\n    metrics:\n      receivers: [postgresql]\n      exporters: [debug]\n"
        ),
    )
    .unwrap();
    let out = support::dbintel(&["doctor", "--config", &cfg.display().to_string()]);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(all.to_lowercase().contains("connection refused"), "{all}");
    assert!(!all.contains("Key-Secret-2"), "{all}");
}

/// Doctor's targets, messages and fixes go through the placeholder redactor like every other output:
/// a role name that came from `${env:..}` appears nowhere in its text or `--json` output.
#[test]
fn doctor_never_prints_placeholder_values() {
    let server = shared_postgres();
    let db = server.create_database("doc_placeholder");
    let role = "dbintel_doc_secret_role";
    server
        .psql(
            "postgres",
            &format!(
                "DO $$ BEGIN CREATE ROLE {role} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
            ),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("doctor.yaml");
    std::fs::write(
        &cfg,
        format!(
            "receivers:\n  postgresql:\n    endpoint: {}:{}\n    username: ${{env:DOC_ROLE}}\n    databases: [{db}]\n    tls: {{insecure: true}}\nexporters:\n  debug: {{}}\nservice:\n  pipelines:\n    metrics:\n      receivers: [postgresql]\n      exporters: [debug]\n",
            server.host, server.port
        ),
    )
    .unwrap();
    let cfg_arg = cfg.display().to_string();
    for json in [false, true] {
        let mut args = vec!["doctor", "--config", &cfg_arg];
        if json {
            args.insert(1, "--json");
        }
        let out =
            std::process::Command::new(support::bin()).args(&args).env("DOC_ROLE", role).output().unwrap();
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!all.contains(role), "json={json}: the role from the placeholder was printed:\n{all}");
        // It still ran its checks (the grant advice names the role, hidden).
        assert!(all.contains("pg_read_all_settings"), "json={json}:\n{all}");
        if json {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            }
        }
    }
}

/// Without --config, a database named by DATABASE_URL is the one checked and watched (the role may
/// not be allowed into `postgres`), not the maintenance database.
#[test]
fn the_embedded_default_checks_the_database_named_by_database_url() {
    let server = shared_postgres();
    let db = server.create_database("doc_url_db");
    server.psql(&db, "DROP EXTENSION IF EXISTS pg_stat_statements").unwrap();
    let url = format!("postgres://postgres@{}:{}/{db}?sslmode=disable", server.host, server.port);
    let out = std::process::Command::new(support::bin())
        .args(["doctor"])
        .env("DATABASE_URL", &url)
        // Not the machine's own MySQL, if it has one.
        .env("MYSQL_UNIX_PORT", "/nonexistent/mysqld.sock")
        .env_remove("PGHOST")
        .env_remove("PGPORT")
        .env_remove("PGUSER")
        .env_remove("PGDATABASE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("database \"{db}\"")), "the named database was not checked:\n{text}");
}
