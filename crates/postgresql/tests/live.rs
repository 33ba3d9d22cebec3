//! Live tests against a throwaway PostgreSQL 15 (one shared server for the binary, one database per
//! test), with pgbench load: values against the catalog, the session settings, a killed connection,
//! a lost server, a pg_monitor-only role, a server without pg_stat_statements, and doctor.

mod receiver_harness;
use receiver_harness::{Running, start};
use std::process::Command;
use std::time::Duration;

use dbintel_core::health::Status;
use dbintel_core::pdata::{Metric, MetricData, Metrics, NumberValue, Value};
use dbintel_core::telemetry::SampleValue;
use dbintel_postgresql::PostgresqlFactory;
use dbintel_postgresql::catalog::Query;
use dbintel_test_support::{PgServer, shared_postgres};
use serde_json::json;

impl Running {
    fn counter(&self, name: &str) -> u64 {
        self.telemetry
            .snapshot()
            .iter()
            .filter(|f| f.name == name)
            .flat_map(|f| &f.samples)
            .map(|s| match s.value {
                SampleValue::Counter(c) => c,
                _ => 0,
            })
            .sum()
    }
    fn status(&self) -> Status {
        self.health.snapshot().first().map(|c| c.status.clone()).unwrap_or(Status::Starting)
    }
    async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(5), self.handle).await.expect("prompt shutdown").unwrap();
    }
}

fn metric<'a>(m: &'a Metrics, name: &str) -> Option<&'a Metric> {
    m.resource_metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| &s.metrics).find(|x| x.name == name)
}

/// The value of the point of `name` whose attributes include all of `want`.
fn value(m: &Metrics, name: &str, want: &[(&str, &str)]) -> Option<f64> {
    let metric = metric(m, name)?;
    let points = match &metric.data {
        MetricData::Gauge(p) => p,
        MetricData::Sum { points, .. } => points,
        _ => return None,
    };
    points
        .iter()
        .find(|p| {
            want.iter().all(|(k, v)| p.attributes.get(k).map(Value::to_display_string).as_deref() == Some(*v))
        })
        .map(|p| match p.value {
            NumberValue::Int(i) => i as f64,
            NumberValue::Double(d) => d,
        })
}

fn scalar(server: &PgServer, db: &str, sql: &str) -> f64 {
    let out = server.psql(db, sql).unwrap();
    out.trim().parse().unwrap_or_else(|_| panic!("{sql}: {out}"))
}

fn base_config(server: &PgServer, db: &str) -> serde_json::Value {
    json!({
        "endpoint": format!("{}:{}", server.host, server.port),
        "username": "postgres",
        "password": "unused-by-trust",
        "databases": [db],
        "tls": {"insecure": true},
        "collection_interval": "1s",
        "initial_delay": "0s",
        // These tests find points by `db.namespace`; the legacy shape has its own test.
        "resource_model": "semconv",
    })
}

fn pgbench(server: &PgServer, args: &[&str]) {
    let bin = server.bin_dir().join("pgbench");
    let out = Command::new(bin)
        .args(["-h", &server.host, "-p", &server.port.to_string(), "-U", "postgres"])
        .args(args)
        .output()
        .expect("pgbench runs");
    assert!(out.status.success(), "pgbench {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

const CONTRIB_DEFAULT_ALWAYS: &[&str] = &[
    "postgresql.backends",
    "postgresql.bgwriter.buffers.allocated",
    "postgresql.bgwriter.buffers.writes",
    "postgresql.bgwriter.checkpoint.count",
    "postgresql.bgwriter.duration",
    "postgresql.bgwriter.maxwritten",
    "postgresql.blocks_read",
    "postgresql.commits",
    "postgresql.rollbacks",
    "postgresql.connection.max",
    "postgresql.database.count",
    "postgresql.db_size",
    "postgresql.index.scans",
    "postgresql.index.size",
    "postgresql.operations",
    "postgresql.rows",
    "postgresql.table.count",
    "postgresql.table.size",
    "postgresql.table.vacuum.count",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pgbench_load_matches_the_catalog() {
    let server = shared_postgres();
    let db = server.create_database("pgbench_live");
    pgbench(server, &["-i", "-s", "1", "-q", &db]);
    server.psql(&db, "VACUUM ANALYZE").unwrap();
    let mut config = base_config(server, &db);
    config["metrics"] = json!({"postgresql.tup_inserted": {"enabled": true}, "postgresql.sequential_scans": {"enabled": true}});
    let mut r = start(config);
    let load = {
        let (bin, host, port, db) =
            (server.bin_dir().join("pgbench"), server.host.clone(), server.port, db.clone());
        std::thread::spawn(move || {
            Command::new(bin)
                .args([
                    "-h",
                    &host,
                    "-p",
                    &port.to_string(),
                    "-U",
                    "postgres",
                    "-c",
                    "2",
                    "-T",
                    "3",
                    "-n",
                    &db,
                ])
                .output()
        })
    };
    let _first = r.next().await;
    load.join().unwrap().unwrap();
    // Stats become visible after the backends flush them; one more scrape after the load ends.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let commits_before =
        scalar(server, &db, &format!("SELECT xact_commit FROM pg_stat_database WHERE datname = '{db}'"));
    let m = loop {
        let m = r.next().await;
        if value(&m, "postgresql.commits", &[("db.namespace", &db)]).unwrap_or(0.0) >= commits_before {
            break m;
        }
    };
    for name in CONTRIB_DEFAULT_ALWAYS {
        assert!(metric(&m, name).is_some(), "{name} missing");
    }
    let ns = [("db.namespace", db.as_str())];
    let commits = value(&m, "postgresql.commits", &ns).unwrap();
    let commits_after =
        scalar(server, &db, &format!("SELECT xact_commit FROM pg_stat_database WHERE datname = '{db}'"));
    assert!(
        commits >= commits_before && commits <= commits_after,
        "{commits_before} <= {commits} <= {commits_after}"
    );
    assert!(commits > 100.0, "pgbench ran transactions: {commits}");
    let size = value(&m, "postgresql.db_size", &ns).unwrap();
    let real = scalar(server, &db, &format!("SELECT pg_database_size('{db}')"));
    assert!((size - real).abs() / real < 0.2, "db_size {size} vs {real}");
    assert_eq!(
        value(&m, "postgresql.connection.max", &[]),
        Some(scalar(server, &db, "SHOW max_connections"))
    );
    assert_eq!(
        value(&m, "postgresql.table.count", &ns),
        Some(scalar(server, &db, "SELECT count(*) FROM pg_stat_user_tables"))
    );
    let tns = format!("{db}|public");
    let accounts = [("db.namespace", tns.as_str()), ("db.collection.name", "pgbench_accounts")];
    assert_eq!(
        value(&m, "postgresql.table.size", &accounts),
        Some(scalar(server, &db, "SELECT pg_relation_size('pgbench_accounts')"))
    );
    let live = value(&m, "postgresql.rows", &[accounts[0], accounts[1], ("state", "live")]).unwrap();
    assert!((live - 100_000.0).abs() < 1_000.0, "live rows {live}");
    let pkey = [accounts[0], accounts[1], ("postgresql.index.name", "pgbench_accounts_pkey")];
    assert_eq!(
        value(&m, "postgresql.index.size", &pkey),
        Some(scalar(server, &db, "SELECT pg_relation_size('pgbench_accounts_pkey')"))
    );
    assert!(value(&m, "postgresql.index.scans", &pkey).unwrap() > 0.0);
    let ins = value(
        &m,
        "postgresql.operations",
        &[accounts[0], ("db.collection.name", "pgbench_history"), ("operation", "ins")],
    );
    assert!(ins.unwrap() > 0.0, "history inserts");
    assert!(value(&m, "postgresql.tup_inserted", &ns).unwrap() >= 100_000.0);
    assert!(value(&m, "postgresql.backends", &ns).is_some());
    assert_eq!(value(&m, "postgresql.up", &[]), Some(1.0));
    assert_eq!(value(&m, "postgresql.database.count", &[]), Some(1.0));
    let res = &m.resource_metrics[0].resource.attributes;
    assert_eq!(res.get("server.port"), Some(&Value::Int(i64::from(server.port))));
    assert_eq!(res.get("db.system.name").and_then(Value::as_str), Some("postgresql"));
    assert_eq!(r.counter("dbintel_postgresql_query_errors_total"), 0);

    // Every statement the receiver sent carries the prefix, ran under application_name dbintel, and
    // the connections were reused (no connect per scrape).
    let ours = server
        .psql(
            &db,
            "SELECT count(*) FILTER (WHERE query NOT LIKE '/* dbintel */%'), count(*) FROM pg_stat_statements \
             WHERE query LIKE '%pg_stat_user_tables s%' OR query LIKE '%FROM pg_stat_bgwriter%'",
        )
        .unwrap();
    assert!(ours.trim().starts_with("0\t"), "unprefixed statements: {ours}");
    let conns =
        scalar(server, &db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dbintel'");
    assert!((1.0..=2.0).contains(&conns), "pooled connections: {conns}");
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_read_only_with_timeouts_and_the_pool_reuses_them() {
    use dbintel_postgresql::conn::DbPool;
    let server = shared_postgres();
    let db = server.create_database("session");
    let plan = PostgresqlFactory::resolve(&base_config(server, &db)).unwrap();
    let mut pool = DbPool::new(&db, 2, None, None);
    let mut c = pool.get(&plan.connect, None).await.unwrap().unwrap();
    let rows = c
        .query(
            "SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, \
             current_setting('default_transaction_read_only') AS ro, current_setting('application_name') AS app",
        )
        .await
        .unwrap();
    let row = &rows.rows[0];
    assert_eq!(row.get("st"), Some("10s"));
    assert_eq!(row.get("lt"), Some("5s"));
    assert_eq!(row.get("ro"), Some("on"));
    assert_eq!(row.get("app"), Some("dbintel"));
    let write = c.query("CREATE TABLE nope (x int)").await.unwrap_err();
    assert_eq!(write.code(), Some("25006"), "{write}");
    assert_eq!(c.info.major(), 15);
    pool.put(c);
    let c = pool.get(&plan.connect, None).await.unwrap().unwrap();
    pool.put(c);
    assert_eq!(pool.opened_total, 1, "the idle connection is reused");
    // Every catalog query's SQL for this version runs.
    let mut c = pool.get(&plan.connect, None).await.unwrap().unwrap();
    for q in Query::SERVER.iter().chain(Query::PER_DATABASE) {
        if let Some(sql) = q.sql(150000) {
            c.query(&sql).await.unwrap_or_else(|e| panic!("{}: {e}", q.name()));
        }
    }
}

/// PostgreSQL 17 and 12 catalog shapes emulated on 15 (views in a schema searched before
/// pg_catalog), so the SQL chosen for those versions is run for real.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_versions_sql_runs_against_emulated_catalogs() {
    use dbintel_postgresql::conn::DbPool;
    let server = shared_postgres();
    let db = server.create_database("emulated");
    server
        .psql(
            &db,
            "CREATE SCHEMA pg17; \
             CREATE VIEW pg17.pg_stat_checkpointer AS SELECT checkpoints_timed AS num_timed, checkpoints_req AS \
             num_requested, 0::bigint AS restartpoints_timed, 0::bigint AS restartpoints_req, 0::bigint AS \
             restartpoints_done, checkpoint_write_time AS write_time, checkpoint_sync_time AS sync_time, \
             buffers_checkpoint AS buffers_written, stats_reset FROM pg_catalog.pg_stat_bgwriter; \
             CREATE VIEW pg17.pg_stat_bgwriter AS SELECT buffers_clean, maxwritten_clean, buffers_alloc, stats_reset \
             FROM pg_catalog.pg_stat_bgwriter; \
             CREATE SCHEMA pg12; \
             CREATE VIEW pg12.pg_stat_statements AS SELECT userid, dbid, queryid, query, calls, total_exec_time AS \
             total_time, rows FROM public.pg_stat_statements;",
        )
        .unwrap();
    let plan = PostgresqlFactory::resolve(&base_config(server, &db)).unwrap();
    let mut pool = DbPool::new(&db, 1, None, None);
    let mut c = pool.get(&plan.connect, None).await.unwrap().unwrap();
    c.query("SET search_path = pg17, pg_catalog").await.unwrap();
    let rows = c.query(&Query::Bgwriter.sql(170000).unwrap()).await.unwrap();
    assert_eq!(rows.rows.len(), 1);
    assert!(
        rows.rows[0].get("buffers_backend").is_none() && rows.rows[0].get("buffers_checkpoint").is_some()
    );
    c.query("SET search_path = pg12, pg_catalog").await.unwrap();
    c.query(&Query::StatementsExecTime.sql(120000).unwrap()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_connection_is_replaced_and_scrapes_go_on() {
    let server = shared_postgres();
    let db = server.create_database("killed");
    let mut r = start(base_config(server, &db));
    let m = r.next().await;
    assert_eq!(value(&m, "postgresql.up", &[]), Some(1.0));
    let killed = server
        // Only this test's connections: other tests share the server.
        .psql(
            &db,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE application_name = 'dbintel' AND datname = current_database()",
        )
        .unwrap();
    assert!(killed.trim().parse::<u32>().unwrap() >= 1);
    // The next scrapes reconnect (at most one partial scrape) and report complete data again.
    let mut recovered = false;
    for _ in 0..5 {
        let m = r.next().await;
        if value(&m, "postgresql.up", &[]) == Some(1.0)
            && metric(&m, "postgresql.table.count").is_some()
            && metric(&m, "postgresql.commits").is_some()
        {
            recovered = true;
            break;
        }
    }
    assert!(recovered, "scrapes recover after pg_terminate_backend");
    assert!(r.status().is_running());
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_monitor_only_role_gets_every_default_metric() {
    let server = shared_postgres();
    let db = server.create_database("monitor");
    server
        .psql(&db, "DO $$ BEGIN CREATE ROLE dbintel_mon LOGIN IN ROLE pg_monitor; EXCEPTION WHEN duplicate_object THEN NULL; END $$; CREATE TABLE t (id int primary key); INSERT INTO t VALUES (1);")
        .unwrap();
    let mut config = base_config(server, &db);
    config["username"] = json!("dbintel_mon");
    let mut r = start(config.clone());
    let _ = r.next().await;
    let m = r.next().await;
    for name in CONTRIB_DEFAULT_ALWAYS {
        assert!(metric(&m, name).is_some(), "{name} missing for a pg_monitor role");
    }
    assert!(value(&m, "postgresql.db_size", &[("db.namespace", &db)]).unwrap() > 0.0);
    assert_eq!(r.counter("dbintel_postgresql_query_errors_total"), 0);
    r.stop().await;
    let findings = dbintel_postgresql::doctor(&config).await;
    let grant = findings.iter().find(|f| f.check == "grants.pg_monitor").unwrap();
    assert!(grant.ok, "{grant:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_pg_stat_statements_the_rest_runs_doctor_says_why_and_a_lost_server_is_up_zero() {
    let server = PgServer::builder().setting("shared_preload_libraries", "").start();
    let mut config = base_config(&server, "postgres");
    config["metrics"] = json!({"postgresql.query.execution.time": {"enabled": true}});
    config["password"] = json!("s3cr3t-never-logged");
    let findings = dbintel_postgresql::doctor(&config).await;
    let preload = findings.iter().find(|f| f.check == "pg_stat_statements.preload").unwrap();
    assert!(!preload.ok);
    assert!(
        preload.fix.as_deref().unwrap().contains("shared_preload_libraries = 'pg_stat_statements'"),
        "{preload:?}"
    );
    assert!(findings.iter().any(|f| f.check == "track_io_timing" && f.ok));
    assert!(findings.iter().all(|f| !format!("{f:?}").contains("s3cr3t")));

    let mut r = start(config);
    let _ = r.next().await;
    let m = r.next().await;
    assert!(metric(&m, "postgresql.commits").is_some());
    assert!(metric(&m, "postgresql.query.execution.time").is_none());
    assert!(r.counter("dbintel_postgresql_query_errors_total") >= 1);
    assert!(r.status().is_running());

    drop(server);
    let mut down = false;
    for _ in 0..10 {
        let m = r.next().await;
        if value(&m, "postgresql.up", &[]) == Some(0.0) {
            assert_eq!(m.data_point_count(), 1, "only `up` while the server is gone");
            down = true;
            break;
        }
    }
    assert!(down, "a lost server gives postgresql.up = 0");
    assert!(matches!(r.status(), Status::RecoverableError(_)), "{:?}", r.status());
    r.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_is_happy_with_the_harness_server() {
    let server = shared_postgres();
    let findings = dbintel_postgresql::doctor(&base_config(server, "postgres")).await;
    // The harness keeps the default track_activity_query_size (1kB) and does not preload pg_querylens
    // (installed on the machine by .ci/querylens): advisory, reported with their fixes.
    let bad: Vec<_> = findings
        .iter()
        .filter(|f| !f.ok && f.check != "track_activity_query_size")
        .filter(|f| !(f.advisory && f.check.starts_with("pg_querylens.")))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    assert!(findings.iter().any(|f| f.check == "pg_stat_statements.readable"));
    let broken = dbintel_postgresql::doctor(
        &json!({"username": "x", "endpoint": "127.0.0.1:1", "tls": {"insecure": true}}),
    )
    .await;
    assert_eq!(broken.len(), 1);
    assert!(!broken[0].ok && broken[0].fix.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_legacy_model_has_a_resource_per_database_table_and_index() {
    let server = shared_postgres();
    let db = server.create_database("legacy");
    server.psql(&db, "CREATE TABLE orders (id int PRIMARY KEY, total int); INSERT INTO orders SELECT g, g FROM generate_series(1, 50) g; ANALYZE orders;").unwrap();
    let mut config = base_config(server, &db);
    config.as_object_mut().unwrap().remove("resource_model");
    let mut r = start(config);
    let _ = r.next().await;
    let m = r.next().await;
    let resource_with = |pairs: &[(&str, &str)]| {
        m.resource_metrics.iter().find(|rm| {
            pairs.iter().all(|(k, v)| rm.resource.attributes.get(k).and_then(|x| x.as_str()) == Some(*v))
                && ["postgresql.database.name", "postgresql.table.name", "postgresql.index.name"]
                    .iter()
                    .filter(|k| rm.resource.attributes.get(k).is_some())
                    .count()
                    == pairs.len()
        })
    };
    let names = |rm: &dbintel_core::pdata::ResourceMetrics| -> Vec<String> {
        rm.scope_metrics.iter().flat_map(|s| &s.metrics).map(|x| x.name.clone()).collect()
    };
    let database = resource_with(&[("postgresql.database.name", &db)]).expect("a resource for the database");
    for name in ["postgresql.backends", "postgresql.commits", "postgresql.db_size"] {
        assert!(names(database).iter().any(|n| n == name), "{name} not on the database resource");
    }
    let table =
        resource_with(&[("postgresql.database.name", &db), ("postgresql.table.name", "public.orders")])
            .expect("a resource for the table");
    assert!(names(table).iter().any(|n| n == "postgresql.rows"), "{:?}", names(table));
    let index = resource_with(&[
        ("postgresql.database.name", &db),
        ("postgresql.table.name", "public.orders"),
        ("postgresql.index.name", "orders_pkey"),
    ])
    .expect("a resource for the index");
    assert!(names(index).iter().any(|n| n == "postgresql.index.size"), "{:?}", names(index));
    let server_level = resource_with(&[]).expect("the server resource");
    assert!(names(server_level).iter().any(|n| n == "postgresql.database.count"));
    // No entity attribute is left on the points.
    for rm in &m.resource_metrics {
        for metric in rm.scope_metrics.iter().flat_map(|s| &s.metrics) {
            if let dbintel_core::pdata::MetricData::Sum { points, .. }
            | dbintel_core::pdata::MetricData::Gauge(points) = &metric.data
            {
                assert!(points.iter().all(|p| p.attributes.get("db.namespace").is_none()), "{}", metric.name);
            }
        }
    }
    r.stop().await;
}
