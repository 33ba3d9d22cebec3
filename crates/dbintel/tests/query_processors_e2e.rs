//! Issue 11 end to end: `dbintel run` with the postgresql receiver's top-query events through
//! planattributeextractor -> verification -> adaptivesampler -> querycorrelator into a file, against a
//! throwaway PostgreSQL under a load that carries literal PII and whose index is dropped mid-run.
//! Checks on the file: the plan change of the regressed query (cause `new_seq_scan`), no PII, the
//! sampler's per-second budget, and the correlator's table attributes. Every wait is a liveness bound.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use dbintel_test_support::shared_postgres;
use serde_json::Value;
use support::{Running, http_get};

const EMAIL: &str = "alice.pii@example.com";
// Luhn-valid test card number.
const CARD: &str = "4111111111111111";
const BUDGET: u64 = 6;
const OTHER_TABLES: usize = 16;

fn fixture() -> String {
    let mut sql = String::from(
        "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, email text, card text, \
         amount numeric(10,2) NOT NULL, pad text NOT NULL);\n\
         INSERT INTO orders (customer_id, amount, pad) \
         SELECT g % 50000, (g % 997)::numeric, repeat('x', 60) FROM generate_series(1, 200000) g;\n\
         CREATE INDEX orders_customer_idx ON orders (customer_id);\n\
         ANALYZE orders;\n",
    );
    // Other query shapes, so that a collection has more top queries than the sampler's budget.
    for i in 0..OTHER_TABLES {
        sql.push_str(&format!(
            "CREATE TABLE side{i} (id int PRIMARY KEY, v text); INSERT INTO side{i} VALUES (1, 'a');\n"
        ));
    }
    sql
}

fn load_batch() -> String {
    // The session's application_name carries PII too: query samples report it as is, so only the
    // verification processor stands between it and the file.
    let mut sql = format!("SET application_name = '{EMAIL} {CARD}';\n");
    for n in 0..10 {
        sql.push_str(&format!("SELECT id, amount FROM orders WHERE customer_id = {};\n", 4242 + n));
    }
    sql.push_str(&format!(
        "INSERT INTO orders (customer_id, email, card, amount, pad) VALUES (60001, '{EMAIL}', '{CARD}', 9.99, 'y');\n\
         SELECT count(*), pg_sleep(0.4) FROM orders WHERE card = '{CARD}' AND email = '{EMAIL}' AND customer_id = 60001;\n"
    ));
    for i in 0..OTHER_TABLES {
        sql.push_str(&format!("SELECT v FROM side{i} WHERE id = 1;\n"));
    }
    sql
}

fn config(file: &str, port: u16, db: &str) -> String {
    format!(
        r#"
receivers:
  postgresql:
    endpoint: 127.0.0.1:{port}
    username: postgres
    databases: [{db}]
    tls: {{insecure: true}}
    collection_interval: 1s
    initial_delay: 0s
    events:
      db.server.top_query: {{enabled: true}}
      db.server.query_sample: {{enabled: true}}
    top_query_collection:
      collection_interval: 2s
      query_plan_cache_ttl: 1s
processors:
  planattributeextractor:
  verification:
    verification_interval: 2s
    pii_detection:
      auto_sanitize: true
  adaptivesampler:
    default_sample_rate: 1.0
    max_records_per_second: {BUDGET}
    deduplication: {{enabled: false}}
    rules:
      - name: plan_changes
        priority: 10
        sample_rate: 1.0
        conditions:
          - attribute: db.plan.changed
            operator: exists
  querycorrelator:
exporters:
  file:
    path: {file}
service:
  telemetry:
    metrics:
      address: 127.0.0.1:0
  pipelines:
    logs:
      receivers: [postgresql]
      processors: [planattributeextractor, verification, adaptivesampler, querycorrelator]
      exporters: [file]
    metrics:
      receivers: [postgresql]
      processors: [querycorrelator]
      exporters: [file]
"#
    )
}

/// One log record of the file: event name, time, attributes (OTLP-JSON values unwrapped).
#[derive(Debug)]
struct Rec {
    event: String,
    time: String,
    attrs: BTreeMap<String, Value>,
}

fn any_value(v: &Value) -> Value {
    for k in ["stringValue", "boolValue", "doubleValue"] {
        if let Some(x) = v.get(k) {
            return x.clone();
        }
    }
    if let Some(i) = v.get("intValue") {
        // Protobuf JSON writes int64 as a string.
        return i.as_str().and_then(|s| s.parse::<i64>().ok()).map(Value::from).unwrap_or_else(|| i.clone());
    }
    v.clone()
}

fn records(file: &std::path::Path) -> Vec<Rec> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut out = Vec::new();
    // The last line may be half written while the collector runs.
    for doc in text.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()) {
        let empty = Vec::new();
        for rl in doc["resourceLogs"].as_array().unwrap_or(&empty) {
            for sl in rl["scopeLogs"].as_array().unwrap_or(&empty) {
                for lr in sl["logRecords"].as_array().unwrap_or(&empty) {
                    let attrs = lr["attributes"]
                        .as_array()
                        .unwrap_or(&empty)
                        .iter()
                        .filter_map(|kv| Some((kv["key"].as_str()?.to_string(), any_value(&kv["value"]))))
                        .collect();
                    out.push(Rec {
                        event: lr["eventName"].as_str().unwrap_or_default().to_string(),
                        time: lr["timeUnixNano"].as_str().unwrap_or_default().to_string(),
                        attrs,
                    });
                }
            }
        }
    }
    out
}

fn is_orders_lookup(r: &Rec) -> bool {
    r.event == "db.server.top_query"
        && r.attrs
            .get("db.query.text")
            .and_then(Value::as_str)
            .is_some_and(|t| t.contains("FROM orders WHERE customer_id =") && !t.contains("card"))
}

#[test]
fn plan_regression_pii_budget_and_correlation_through_the_query_processors() {
    let pg = shared_postgres();
    let db = pg.create_database("e2e_qproc");
    pg.psql(&db, &fixture()).expect("fixture");

    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.jsonl");
    let cfg_path = dir.path().join("config.yaml");
    std::fs::write(&cfg_path, config(&out_file.display().to_string(), pg.port, &db)).unwrap();
    let cfg = cfg_path.display().to_string();

    // The load runs in its own thread until the test is done with the database.
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let (stop, db) = (stop.clone(), db.clone());
        std::thread::spawn(move || {
            let pg = shared_postgres();
            while !stop.load(Ordering::Relaxed) {
                pg.psql(&db, &load_batch()).expect("load batch");
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    let mut run = Running::start(&["run", "--config", &cfg], &[], dir.path());

    // Phase 1: the lookup is exported with its plan served by the index.
    run.wait_for("the indexed lookup with a plan in the file", Duration::from_secs(90), || {
        records(&out_file).iter().any(|r| {
            is_orders_lookup(r)
                && r.attrs.contains_key("db.query.plan.hash")
                && r.attrs
                    .get("postgresql.query_plan")
                    .and_then(Value::as_str)
                    .is_some_and(|p| p.contains("Index"))
        })
    });

    // Phase 2: without the index the same query (same queryid) becomes a Seq Scan.
    pg.psql(&db, "DROP INDEX orders_customer_idx;").expect("drop index");
    run.wait_for("the plan change of the lookup", Duration::from_secs(90), || {
        records(&out_file).iter().any(|r| is_orders_lookup(r) && r.attrs.contains_key("db.plan.changed"))
    });
    // The slow PII statement is seen running by a query sample, so its literal text went through the
    // pipeline (pg_stat_activity is not normalized).
    run.wait_for("a query sample of the PII statement", Duration::from_secs(60), || {
        records(&out_file).iter().any(|r| {
            r.event == "db.server.query_sample"
                && r.attrs
                    .get("db.query.text")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.contains("pg_sleep"))
        })
    });
    // Table metrics reach the correlator on the metrics pipeline; wait until a top query is joined.
    run.wait_for("a correlated top query", Duration::from_secs(60), || {
        records(&out_file).iter().any(|r| is_orders_lookup(r) && r.attrs.contains_key("table.live_tuples"))
    });

    // The budget did drop records (else the bound below says nothing): the sampler's own counter.
    let stderr = run.stderr();
    let telemetry = stderr
        .lines()
        .filter(|l| l.contains("Self-telemetry is served"))
        .find_map(|l| l.split("address=").nth(1))
        .and_then(|t| t.split_whitespace().next())
        .unwrap_or_else(|| panic!("no telemetry address in stderr:\n{stderr}"))
        .to_string();
    let (code, metrics) = http_get(&telemetry, "/metrics");
    assert_eq!(code, 200);
    let budget_drops: f64 = metrics
        .lines()
        .filter(|l| {
            l.starts_with("dbintel_adaptivesampler_records_dropped_total{")
                && l.contains("reason=\"rate_limit\"")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert!(budget_drops > 0.0, "the budget never dropped a record:\n{metrics}");

    stop.store(true, Ordering::Relaxed);
    load.join().expect("load thread");
    run.signal("TERM");
    let status = run.wait_exit(Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "stderr:\n{}", run.stderr());

    let text = std::fs::read_to_string(&out_file).unwrap();
    let recs = records(&out_file);

    // 1. The regressed query: changed plan, cause naming the new sequential scan.
    let changed: Vec<&Rec> = recs
        .iter()
        .filter(|r| is_orders_lookup(r) && r.attrs.get("db.plan.changed") == Some(&Value::Bool(true)))
        .collect();
    assert!(!changed.is_empty(), "no plan change");
    assert!(
        changed.iter().any(|r| r
            .attrs
            .get("db.plan.change_cause")
            .and_then(Value::as_str)
            .is_some_and(|c| c.split(',').any(|c| c == "new_seq_scan"))),
        "no new_seq_scan cause: {changed:?}"
    );

    // 2. No PII anywhere in the output (receiver normalization, extractor obfuscation, verification).
    assert!(!text.contains(EMAIL) && !text.contains("alice.pii"), "e-mail leaked");
    assert!(!text.contains(CARD), "card number leaked");

    // 3. Sampled volume: each collection (one timestamp, one batch through the sampler) keeps at most
    //    the budget (the telemetry above shows that it dropped records).
    let mut per_collection: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for r in recs.iter().filter(|r| r.event == "db.server.top_query") {
        let e = per_collection.entry(&r.time).or_default();
        if r.attrs.contains_key("db.plan.changed") {
            e.1 += 1;
        } else {
            e.0 += 1;
        }
    }
    assert!(!per_collection.is_empty());
    for (time, (normal, critical)) in &per_collection {
        // Critical records pass the budget but count in it, so the others never exceed it.
        assert!(*normal <= BUDGET, "{time}: {normal} (+ {critical} critical) > {BUDGET}");
    }
    // 4. Correlation: the load's table is named, with its statistics.
    let correlated = recs
        .iter()
        .find(|r| is_orders_lookup(r) && r.attrs.contains_key("table.live_tuples"))
        .expect("correlated record");
    let table = correlated.attrs.get("correlation.table").and_then(Value::as_str).unwrap_or_default();
    assert!(table == "orders" || table.ends_with(".orders"), "{:?}", correlated.attrs);
    let live = correlated.attrs.get("table.live_tuples").and_then(Value::as_i64).unwrap_or_default();
    assert!(live >= 200_000, "{:?}", correlated.attrs);
    assert!(correlated.attrs.get("correlation.database").and_then(Value::as_str) == Some(db.as_str()));
}
