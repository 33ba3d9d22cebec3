//! pg_stat_monitor and pg_stat_kcache are not packaged here: their documented shapes (pg_stat_monitor
//! 2.x's view columns, pg_stat_kcache 2.2's `pg_stat_kcache()` function) are recreated in a throwaway
//! database with recorded rows, and the built-in queries for them run against those shapes on a real
//! PostgreSQL, so a column the query reads that the extension does not document fails here. The
//! rows then go through the receiver's output with fixed expectations.

use std::time::Duration;

use dbintel_core::pdata::Value;
use dbintel_enhancedsql::config::EnhancedSqlConfig;
use dbintel_enhancedsql::library::POSTGRES;
use dbintel_enhancedsql::{output, params};
use dbintel_sqlquery::db::Connection;
use dbintel_sqlquery::dsn::{DataSource, Driver};
use dbintel_test_support::shared_postgres;

/// pg_stat_monitor 2.x's documented columns (the ones the view has that matter here and around).
const PGSM_VIEW: &str = "CREATE TABLE pg_stat_monitor (bucket bigint, bucket_start_time timestamptz, userid oid, \
     username text, dbid oid, datname text, client_ip inet, pgsm_query_id bigint, queryid bigint, toplevel bool, \
     top_queryid bigint, query text, comments text, planid bigint, query_plan text, top_query text, \
     application_name text, relations text[], cmd_type int, cmd_type_text text, elevel int, sqlcode text, \
     message text, calls bigint, total_exec_time double precision, min_exec_time double precision, \
     max_exec_time double precision, mean_exec_time double precision, stddev_exec_time double precision, \
     rows bigint, shared_blks_hit bigint, shared_blks_read bigint, shared_blks_dirtied bigint, \
     shared_blks_written bigint, resp_calls text[], cpu_user_time double precision, cpu_sys_time double precision, \
     wal_records bigint, wal_fpi bigint, wal_bytes numeric, bucket_done bool, plans bigint, \
     total_plan_time double precision)";

/// Two buckets of one slow statement, one fast statement, and the collector's own.
const PGSM_ROWS: &str = "INSERT INTO pg_stat_monitor (bucket, datname, queryid, query, calls, total_exec_time, \
     min_exec_time, max_exec_time, rows, cpu_user_time, cpu_sys_time, wal_bytes) VALUES \
     (1, 'shop', 42, 'SELECT * FROM orders WHERE id = 7', 10, 1000, 20, 400, 10, 300, 100, 4096), \
     (2, 'shop', 42, 'SELECT * FROM orders WHERE id = 7', 30, 3000, 10, 500, 30, 900, 200, 8192), \
     (2, 'shop', 43, 'SELECT 1', 1000, 10, 0.001, 0.1, 1000, 1, 1, 0), \
     (2, 'shop', 44, '/* dbintel */ SELECT pg_sleep(1)', 1, 1000, 1000, 1000, 1, 0, 0, 0)";

/// pg_stat_kcache 2.2's function, answering fixed kernel figures for the statements pg_stat_statements
/// saw with `kcache_probe` in their text.
const KCACHE_FUNCTION: &str = "CREATE FUNCTION pg_stat_kcache(OUT queryid bigint, OUT top bool, OUT userid oid, \
     OUT dbid oid, OUT plan_reads bigint, OUT plan_writes bigint, OUT plan_user_time double precision, \
     OUT plan_system_time double precision, OUT plan_minflts bigint, OUT plan_majflts bigint, OUT plan_nswaps bigint, \
     OUT plan_msgsnds bigint, OUT plan_msgrcvs bigint, OUT plan_nsignals bigint, OUT plan_nvcsws bigint, \
     OUT plan_nivcsws bigint, OUT exec_reads bigint, OUT exec_writes bigint, OUT exec_user_time double precision, \
     OUT exec_system_time double precision, OUT exec_minflts bigint, OUT exec_majflts bigint, OUT exec_nswaps bigint, \
     OUT exec_msgsnds bigint, OUT exec_msgrcvs bigint, OUT exec_nsignals bigint, OUT exec_nvcsws bigint, \
     OUT exec_nivcsws bigint, OUT stats_since timestamptz) RETURNS SETOF record LANGUAGE sql AS \
     $$ SELECT s.queryid, s.toplevel, s.userid, s.dbid, 0::bigint, 0::bigint, 0::float8, 0::float8, 0::bigint, \
     0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 81920::bigint, 4096::bigint, \
     0.5::float8, 0.25::float8, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, \
     0::bigint, now() FROM pg_stat_statements s WHERE s.query LIKE '%kcache_probe%' $$";

fn plan(dsn: &str) -> dbintel_enhancedsql::config::CategoryPlan {
    let c: EnhancedSqlConfig = serde_json::from_value(serde_json::json!({
        "datasource": dsn,
        "queries": [{"name": "slow_queries", "parameters": [
            {"name": "min_duration", "type": "duration", "default": "0ms"}]}],
    }))
    .unwrap();
    c.resolve().unwrap_or_else(|p| panic!("{p:?}")).categories.remove(0)
}

async fn run(dsn: &str, query: &str) -> (output::Built, dbintel_enhancedsql::config::CategoryPlan) {
    let ds = DataSource::parse(Driver::Postgres, dsn).unwrap();
    let (mut conn, _) = Connection::connect(&ds, Duration::from_secs(10)).await.unwrap();
    let cat = plan(dsn);
    let cand = cat.candidates.iter().find(|c| c.name == query).unwrap_or_else(|| panic!("{query}")).clone();
    // The library's statement, with the same parameters the receiver writes in.
    let lib = POSTGRES.iter().find(|q| q.name == query).unwrap();
    assert_eq!(cand.sql, params::render(lib.sql, &cat.builtin_params).unwrap());
    let rs = conn.query(&cand.sql, None, None).await.unwrap_or_else(|e| panic!("{query}: {e}"));
    (output::build(&cat, &cand, Driver::Postgres, &rs, 1, 0, true, true), cat)
}

fn get(r: &dbintel_core::pdata::LogRecord, k: &str) -> Value {
    r.attributes.get(k).cloned().unwrap_or_else(|| panic!("{k} missing: {r:?}"))
}

#[tokio::test]
async fn pg_stat_monitor_buckets_are_summed_per_statement() {
    let pg = shared_postgres();
    let db = pg.create_database("esql_pgsm");
    pg.psql(&db, &format!("{PGSM_VIEW}; {PGSM_ROWS}")).unwrap();
    let (built, _) = run(&pg.keyvalue_dsn(&db), "pg_stat_monitor").await;
    // min_duration is 0ms here: both user statements show, slowest first; the collector's own never.
    assert_eq!(built.logs.len(), 2, "{:?}", built.logs);
    let slow = &built.logs[0];
    assert_eq!(get(slow, "postgresql.queryid"), Value::Int(42));
    assert_eq!(get(slow, "db.query.text"), Value::from("SELECT * FROM orders WHERE id = ?"));
    assert_eq!(get(slow, "db.namespace"), Value::from("shop"));
    assert_eq!(get(slow, "calls"), Value::Int(40));
    assert_eq!(get(slow, "total_exec_time_ms"), Value::Int(4000));
    assert_eq!(get(slow, "mean_exec_time_ms"), Value::Int(100));
    assert_eq!(get(slow, "min_exec_time_ms"), Value::Int(10));
    assert_eq!(get(slow, "max_exec_time_ms"), Value::Int(500));
    assert_eq!(get(slow, "cpu_user_time_ms"), Value::Int(1200));
    assert_eq!(get(slow, "cpu_sys_time_ms"), Value::Int(300));
    assert_eq!(get(slow, "wal_bytes"), Value::Int(12288));
    assert_eq!(get(slow, "dbintel.enhancedsql.query"), Value::from("pg_stat_monitor"));
    assert_eq!(get(slow, "dbintel.enhancedsql.priority"), Value::Int(100));
    assert_eq!(slow.event_name, "db.enhancedsql.slow_queries");
}

#[tokio::test]
async fn pg_stat_kcache_adds_kernel_io_and_cpu_to_pg_stat_statements() {
    let pg = shared_postgres();
    let db = pg.create_database("esql_kcache");
    pg.psql(
        &db,
        &format!(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; {KCACHE_FUNCTION}; \
             SELECT count(*) AS kcache_probe FROM generate_series(1, 20000); \
             SELECT count(*) AS kcache_probe FROM generate_series(1, 20000)"
        ),
    )
    .unwrap();
    let (built, _) = run(&pg.keyvalue_dsn(&db), "pg_stat_statements_kcache").await;
    let probe = built
        .logs
        .iter()
        .find(|r| {
            r.attributes.get("db.query.text").is_some_and(|t| t.to_display_string().contains("kcache_probe"))
        })
        .unwrap_or_else(|| panic!("the probe statement: {:?}", built.logs));
    assert_eq!(get(probe, "cpu_user_time_ms"), Value::Int(500));
    assert_eq!(get(probe, "cpu_sys_time_ms"), Value::Int(250));
    assert_eq!(get(probe, "physical_read_bytes"), Value::Int(81920));
    assert_eq!(get(probe, "physical_write_bytes"), Value::Int(4096));
    assert!(matches!(get(probe, "calls"), Value::Int(n) if n >= 2));
    assert_eq!(get(probe, "db.namespace"), Value::from(db.as_str()));
}

/// pg_stat_statements 1.7 (PostgreSQL 12), as documented: `total_time`, `mean_time`, ... (renamed
/// `*_exec_time` in 13), no `toplevel`, `wal_*` or plan columns.
const PGSS_12_VIEW: &str = "CREATE SCHEMA pgss12; CREATE TABLE pgss12.pg_stat_statements (userid oid, dbid oid, \
     queryid bigint, query text, calls bigint, total_time double precision, min_time double precision, \
     max_time double precision, mean_time double precision, stddev_time double precision, rows bigint, \
     shared_blks_hit bigint, shared_blks_read bigint, shared_blks_dirtied bigint, shared_blks_written bigint, \
     local_blks_hit bigint, local_blks_read bigint, local_blks_dirtied bigint, local_blks_written bigint, \
     temp_blks_read bigint, temp_blks_written bigint, blk_read_time double precision, \
     blk_write_time double precision)";

/// A slow statement, a fast one and the collector's own, in the current database.
const PGSS_12_ROWS: &str = "INSERT INTO pgss12.pg_stat_statements (userid, dbid, queryid, query, calls, total_time, \
     min_time, max_time, mean_time, stddev_time, rows, shared_blks_hit, shared_blks_read, blk_read_time, blk_write_time) \
     SELECT 10, d.oid, v.* FROM pg_database d, (VALUES \
     (42::bigint, 'SELECT * FROM orders WHERE id = 7', 40::bigint, 4000::float8, 10::float8, 500::float8, 100::float8, \
      5::float8, 40::bigint, 300::bigint, 100::bigint, 1000::float8, 500::float8), \
     (43, 'SELECT 1', 1000, 10, 0.001, 0.1, 0.01, 0, 1000, 10, 0, 0, 0), \
     (44, '/* dbintel */ SELECT pg_sleep(1)', 1, 1000, 1000, 1000, 1000, 0, 1, 0, 0, 0, 0)) v \
     WHERE d.datname = current_database()";

/// A detection of PostgreSQL `major.minor` with pg_stat_statements installed in `schema`, readable,
/// and `track_io_timing` on (and pg_stat_kcache, for the versions it needs).
fn detected(major: u32, minor: u32, schema: &str) -> dbintel_dbclient::features::Features {
    use dbintel_dbclient::features::{Extension, Features, System};
    let mut f = Features::new(System::Postgresql);
    f.version_numbers = (major, minor, 0);
    for e in ["pg_stat_statements", "pg_stat_kcache"] {
        f.extensions.insert(e.into(), Extension { installed: Some("1".into()), available: Some("1".into()) });
        f.schemas.insert(e.into(), schema.into());
    }
    for c in ["pg_stat_statements.readable", "pg_stat_kcache.readable", "setting.track_io_timing"] {
        f.capabilities.insert(c.into());
    }
    f
}

/// What serves `slow_queries` on each release, from the library's requirements alone.
#[test]
fn each_release_gets_the_pg_stat_statements_query_its_columns_fit() {
    let cat = plan("host=127.0.0.1 user=x dbname=x");
    let serving = |f: &dbintel_dbclient::features::Features| {
        let sel =
            dbintel_enhancedsql::selector::Selector::new(cat.candidates.clone(), Duration::from_secs(60));
        let order = sel.plan(Some(f), tokio::time::Instant::now());
        order.iter().map(|&i| cat.candidates[i].name.clone()).collect::<Vec<_>>()
    };
    // 12: the 1.7 names (total_time, ...); pg_stat_kcache's join needs `toplevel` (14+).
    assert_eq!(
        serving(&detected(12, 22, "public")),
        ["pg_stat_statements_io_timing_12", "pg_stat_statements_12", "pg_stat_activity_running"]
    );
    assert_eq!(
        serving(&detected(13, 16, "public")),
        ["pg_stat_statements_io_timing", "pg_stat_statements", "pg_stat_activity_running"]
    );
    assert_eq!(
        serving(&detected(14, 13, "public")),
        [
            "pg_stat_statements_io_timing",
            "pg_stat_statements_kcache",
            "pg_stat_statements",
            "pg_stat_activity_running"
        ]
    );
    assert_eq!(serving(&detected(17, 2, "public"))[0], "pg_stat_statements_io_timing_17");
}

#[tokio::test]
async fn the_postgresql_12_queries_read_the_documented_12_columns() {
    let pg = shared_postgres();
    let db = pg.create_database("esql_pg12");
    pg.psql(&db, &format!("{PGSS_12_VIEW}; {PGSS_12_ROWS}")).unwrap();
    let dsn = pg.keyvalue_dsn(&db);
    let ds = DataSource::parse(Driver::Postgres, &dsn).unwrap();
    let (mut conn, _) = Connection::connect(&ds, Duration::from_secs(10)).await.unwrap();
    let cat = plan(&dsn);
    // As the receiver sends them: under the safe search_path with the extension's (here the
    // recreated view's) schema, so the 12 shape is read and not the server's own 1.10 view.
    let f = detected(12, 22, "pgss12");
    for name in ["pg_stat_statements_io_timing_12", "pg_stat_statements_12"] {
        let cand = cat.candidates.iter().find(|c| c.name == name).unwrap();
        let sql = dbintel_enhancedsql::receiver::guarded_sql(Driver::Postgres, cand, Some(&f));
        assert!(sql.starts_with("SET LOCAL search_path = pg_catalog, \"pgss12\", pg_temp; "), "{sql}");
        let rs = conn.query(&sql, None, None).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        let built = output::build(&cat, cand, Driver::Postgres, &rs, 1, 0, true, true);
        assert_eq!(
            built.logs.len(),
            2,
            "{name}: both user statements, never the collector's: {:?}",
            built.logs
        );
        let slow = &built.logs[0];
        assert_eq!(get(slow, "postgresql.queryid"), Value::Int(42), "{name}");
        assert_eq!(get(slow, "total_exec_time_ms"), Value::Int(4000), "{name}");
        assert_eq!(get(slow, "mean_exec_time_ms"), Value::Int(100), "{name}");
        assert_eq!(get(slow, "calls"), Value::Int(40), "{name}");
        if name == "pg_stat_statements_io_timing_12" {
            assert_eq!(get(slow, "io_read_time_ms"), Value::Int(1000));
            assert_eq!(get(slow, "cpu_time_ms"), Value::Int(2500));
            assert_eq!(get(slow, "stddev_exec_time_ms"), Value::Int(5));
        } else {
            assert_eq!(get(slow, "cache_hit_ratio"), Value::Int(75));
        }
    }
}
