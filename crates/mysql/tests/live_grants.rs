//! The receiver with every feature on (default metrics, top queries, samples, plans) as a user with
//! exactly the grants the README documents: everything arrives and no statement fails.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use dbintel_core::health::Status;
use dbintel_core::pdata::{MetricData, SignalData, Value};
use dbintel_test_support::MariaDbServer;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_grants_are_enough_for_every_feature() {
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let my = MariaDbServer::builder()
        .option("performance-schema-consumer-events-statements-history-long", "ON")
        .option("performance-schema-consumer-events-waits-current", "ON")
        .start();
    let db = my.create_database("grants");
    my.sql(&db, "CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 10), (2, 20)").unwrap();
    // The README's "Required grants" (MariaDB >= 10.5.9), for every way the test connects.
    for host in ["%", "localhost", "127.0.0.1"] {
        my.sql(
            "",
            &format!(
                "CREATE USER 'dbintel'@'{host}' IDENTIFIED BY 'pw-documented'; \
                 GRANT PROCESS, REPLICATION CLIENT ON *.* TO 'dbintel'@'{host}'; \
                 GRANT SLAVE MONITOR ON *.* TO 'dbintel'@'{host}'; \
                 GRANT SELECT ON performance_schema.* TO 'dbintel'@'{host}'; \
                 GRANT SELECT ON *.* TO 'dbintel'@'{host}';"
            ),
        )
        .unwrap();
    }
    // A statement running while the receiver samples.
    let (host, port, url) = (my.host.clone(), my.port, my.url(&db));
    let sleeper = std::thread::spawn(move || {
        let _ = (host, port);
        let opts = mysql_async::Opts::from_url(&format!("{url}?prefer_socket=false")).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            use mysql_async::prelude::Queryable;
            let mut c = mysql_async::Conn::new(opts).await.unwrap();
            let _: Vec<i64> = c.query("SELECT SLEEP(6)").await.unwrap();
            c.disconnect().await.unwrap();
        });
    });
    let mut r = common::start(json!({
        "endpoint": format!("{}:{}", my.host, my.port),
        "username": "dbintel",
        "password": "pw-documented",
        "collection_interval": "1s",
        "initial_delay": "0s",
        "events": {"db.server.top_query": {"enabled": true}, "db.server.query_sample": {"enabled": true}},
        "top_query_collection": {"collection_interval": "1s"},
    }));
    let mut metric_names = BTreeSet::new();
    let mut events = BTreeSet::new();
    let mut top_plan = false;
    for _ in 0..40 {
        my.sql(&db, "SELECT v FROM t WHERE id = 1; SELECT v FROM t WHERE id = 2;").unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
        while let Ok(sig) = r.metrics.try_recv() {
            if let SignalData::Metrics(m) = sig {
                for metric in
                    m.resource_metrics.iter().flat_map(|x| &x.scope_metrics).flat_map(|s| &s.metrics)
                {
                    let has_points = match &metric.data {
                        MetricData::Gauge(p) | MetricData::Sum { points: p, .. } => !p.is_empty(),
                        _ => true,
                    };
                    if has_points {
                        metric_names.insert(metric.name.clone());
                    }
                }
            }
        }
        while let Ok(sig) = r.logs.try_recv() {
            if let SignalData::Logs(l) = sig {
                for rec in l.resource_logs.iter().flat_map(|x| &x.scope_logs).flat_map(|s| &s.log_records) {
                    events.insert(rec.event_name.clone());
                    if rec.event_name == "db.server.top_query"
                        && rec.attributes.get("db.namespace") == Some(&Value::Str(db.as_str().into()))
                        && rec.attributes.get("mysql.query_plan.hash").is_some()
                    {
                        top_plan = true;
                    }
                }
            }
        }
        if events.len() == 2 && top_plan && metric_names.contains("mysql.table.io.wait.count") {
            break;
        }
    }
    let errors = r.telemetry.counter_total("dbintel_mysql_query_errors_total", &[]);
    let status = r.status();
    r.stop().await;
    sleeper.join().unwrap();
    for name in [
        "mysql.up",
        "mysql.uptime",
        "mysql.buffer_pool.limit",
        "mysql.table.io.wait.count",
        "mysql.session.count",
    ] {
        assert!(metric_names.contains(name), "{name} missing: {metric_names:?}");
    }
    assert_eq!(events.len(), 2, "both events: {events:?}");
    assert!(top_plan, "top queries of the application schema carry plans");
    assert_eq!(errors, 0, "no statement fails with the documented grants");
    assert_eq!(status, Status::Ok);
}
