//! A server started without pg_stat_statements in shared_preload_libraries: the top-query collector
//! reports once, with the exact fix, and keeps going; samples are unaffected.

mod query_common;

use dbintel_core::telemetry::Registry;
use dbintel_postgresql::query::{CollectError, TopQueryCollectionConfig};
use dbintel_test_support::{PgServer, postgres_available};
use query_common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_server_without_pg_stat_statements() {
    if !postgres_available() {
        eprintln!("skipping: PostgreSQL binaries not found");
        return;
    }
    let pg =
        tokio::task::spawn_blocking(|| PgServer::builder().setting("shared_preload_libraries", "").start())
            .await
            .expect("server start");
    let url = pg.url("postgres");
    let app = app_client(&url, "app").await;
    app.batch_execute("SELECT 1").await.unwrap();
    let client = collector_client(&url).await;
    let server = server_info(&client, "postgres", pg.port).await;
    let registry = Registry::new();
    let mut qi = intelligence(&registry, TopQueryCollectionConfig::default());

    let first = qi.collect(&client, &server).await;
    assert_eq!(first.problems.len(), 1, "{:?}", first.problems);
    let p = &first.problems[0];
    assert_eq!(p.collector, "top_query");
    assert_eq!(p.error, CollectError::NotPreloaded);
    assert!(p.hint.contains("shared_preload_libraries") && p.hint.contains("restart"), "{}", p.hint);
    assert!(!of_event(&first.records, "db.server.query_sample").is_empty(), "samples still work");

    // Still failing: counted, not reported again; samples keep coming.
    app.batch_execute("SELECT 2").await.unwrap(); // idle sessions are sampled once per statement
    qi.due_now();
    let second = qi.collect(&client, &server).await;
    assert!(second.problems.is_empty(), "{:?}", second.problems);
    assert!(!of_event(&second.records, "db.server.query_sample").is_empty());
    assert_eq!(
        counter(&registry, "dbintel_postgresql_query_collection_errors_total", &[("collector", "top_query")]),
        2
    );
    assert_eq!(
        counter(
            &registry,
            "dbintel_postgresql_query_collection_errors_total",
            &[("collector", "query_sample")]
        ),
        0
    );
    // Backoff: the failing collector is not due again right away, the sample collector is.
    assert!(qi.next_due() <= tokio::time::Instant::now() + std::time::Duration::from_secs(10));
}
