//! What a role without the monitoring grants sees: settings it cannot read are never reported as
//! empty nor overwritten by a suggested fix; readable list settings are extended, not replaced; the
//! pg_stat_statements rows hidden from it are counted.

use std::time::{Duration, Instant};

use dbintel_core::health::HealthRegistry;
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::{Registry, SampleValue};
use dbintel_core::{Built, ComponentId, ComponentKind, CreateContext, Factory, ReceiverContext};
use dbintel_postgresql::PostgresqlFactory;
use dbintel_test_support::{PgServer, postgres_available, shared_postgres};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn config(server: &PgServer, user: &str, db: &str) -> serde_json::Value {
    json!({
        "endpoint": format!("{}:{}", server.host, server.port),
        "username": user,
        "password": "unused-by-trust",
        "databases": [db],
        "tls": {"insecure": true},
        "collection_interval": "1s",
        "initial_delay": "0s",
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_readable_preload_list_is_extended_and_the_suggested_command_works() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let server = PgServer::builder().setting("shared_preload_libraries", "auto_explain").start();
    let findings = dbintel_postgresql::doctor(&config(&server, "postgres", "postgres")).await;
    let preload = findings.iter().find(|f| f.check == "pg_stat_statements.preload").unwrap();
    assert!(!preload.ok, "{preload:?}");
    assert_eq!(preload.message, "shared_preload_libraries = 'auto_explain'");
    let fix = preload.fix.as_deref().unwrap();
    assert!(
        fix.starts_with("ALTER SYSTEM SET shared_preload_libraries = 'auto_explain', 'pg_stat_statements';"),
        "{fix}"
    );
    // The command, run as given, keeps auto_explain and adds pg_stat_statements as two libraries.
    let command = fix.split_once(';').unwrap().0;
    server.psql("postgres", command).unwrap();
    let auto_conf = std::fs::read_to_string(server.data_dir.join("postgresql.auto.conf")).unwrap();
    assert!(
        auto_conf.contains("shared_preload_libraries = 'auto_explain, pg_stat_statements'"),
        "{auto_conf}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_hidden_from_an_unprivileged_role_are_counted() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let server = shared_postgres();
    let db = server.create_database("hidden");
    server
        .psql(
            &db,
            "DO $$ BEGIN CREATE ROLE dbintel_unpriv LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$; \
             SELECT count(*) FROM pg_class; SELECT count(*) FROM pg_attribute;",
        )
        .unwrap();
    let hidden_now: i64 = server
        .psql(&db, "SET ROLE dbintel_unpriv; SELECT count(*) FILTER (WHERE queryid IS NULL) FROM pg_stat_statements;")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(hidden_now > 0, "the fixture must hide rows from the role");

    let mut cfg = config(server, "dbintel_unpriv", &db);
    cfg["events"] = json!({"db.server.top_query": {"enabled": true}});
    cfg["top_query_collection"] = json!({"collection_interval": "1s"});
    let id: ComponentId = "postgresql/unpriv".parse().unwrap();
    let telemetry = Registry::new();
    let cctx = CreateContext::new(id.clone(), telemetry.clone());
    let Ok(Built::Receiver(receiver)) = PostgresqlFactory.create(&cctx, &cfg) else { panic!("create") };
    let (mtx, mut metrics) = mpsc::channel(64);
    let (ltx, mut logs) = mpsc::channel(64);
    let health = HealthRegistry::new();
    let shutdown = CancellationToken::new();
    let ctx = ReceiverContext {
        id: id.clone(),
        output: ReceiverOutput::from_channels(Some(mtx), Some(ltx)),
        shutdown: shutdown.clone(),
        health: health.register(ComponentKind::Receiver, id),
        telemetry: telemetry.clone(),
    };
    let handle = tokio::spawn(async move { receiver.run(ctx).await.unwrap() });
    let hidden = || -> u64 {
        telemetry
            .snapshot()
            .iter()
            .filter(|f| f.name == "dbintel_postgresql_query_hidden_total")
            .flat_map(|f| &f.samples)
            .map(|s| match s.value {
                SampleValue::Counter(c) => c,
                _ => 0,
            })
            .sum()
    };
    let start = Instant::now();
    while hidden() == 0 && start.elapsed() < Duration::from_secs(30) {
        tokio::select! {
            _ = metrics.recv() => {}
            _ = logs.recv() => {}
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
    }
    let counted = hidden();
    shutdown.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(5), handle).await;
    assert!(counted >= 1, "hidden pg_stat_statements rows not counted ({hidden_now} hidden now)");
}
