//! Rows past the per-query row cap are counted (`dbintel_sqlquery_rows_dropped_total{reason="max_rows"}`)
//! on every scrape, and the warning is logged once per streak, against a throwaway PostgreSQL.

mod common;

use common::{points, start};
use dbintel_sqlquery::db::MAX_ROWS_PER_QUERY;
use dbintel_test_support::{capture_logs, shared_postgres};
use serde_json::json;

// current_thread: the receiver runs on this thread, so the thread-local subscriber sees its logs.
#[tokio::test]
async fn rows_over_the_cap_are_counted_every_scrape_and_warned_once() {
    let (logs, _guard) = capture_logs();

    let pg = shared_postgres();
    let db = pg.create_database("sq_rowcap");
    let over = 7u64;
    let total = MAX_ROWS_PER_QUERY as u64 + over;
    let config = json!({
        "driver": "postgres",
        "datasource": pg.keyvalue_dsn(&db),
        "collection_interval": "1s",
        "initial_delay": "0s",
        "query_timeout": "20s",
        "queries": [{
            "sql": format!("SELECT g AS v FROM generate_series(1, {total}) g"),
            "metrics": [{"metric_name": "rows.v", "value_column": "v"}]
        }],
    });
    let mut r = start(config);
    let scrapes = 3u64;
    for scrape in 1..=scrapes {
        let m = r.next_metrics().await;
        assert_eq!(points(&m, "rows.v", "none").len(), MAX_ROWS_PER_QUERY);
        // Counted before the data is sent; the next scrape is an interval away.
        assert_eq!(
            r.counter("dbintel_sqlquery_rows_dropped_total", Some(("reason", "max_rows"))),
            over * scrape,
            "after scrape {scrape}"
        );
    }
    r.stop().await;
    let text = logs.text();
    assert_eq!(text.matches("too many rows").count(), 1, "one warning per streak:\n{text}");
    assert!(text.contains("dropped_rows=7"), "{text}");
}
