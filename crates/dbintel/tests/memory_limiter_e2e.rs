//! memory_limiter end to end: the real `dbintel` binary with `memory_limiter` first in a logs
//! pipeline, fed by the sqlquery receiver from a throwaway PostgreSQL (about 16 MB of log bodies per
//! scrape, 10 scrapes a second) into an `otlphttp` exporter whose backend accepts connections and
//! never answers, with a sending queue allowed 2 GiB: without the limiter the process grows until the
//! queue's cap. The test samples the child's resident memory from `/proc/<pid>/status` (VmRSS) and
//! scrapes its self-telemetry: RSS stays under `limit_mib`, refusals are counted at the processor and
//! skipped scrapes at the receiver. Every wait is a liveness bound, not a timing check.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use dbintel_test_support::shared_postgres;
use support::{Running, free_port, http_get};

const LIMIT_MIB: u64 = 160;
const SPIKE_MIB: u64 = 60;
const MIB: u64 = 1 << 20;
/// Rows (log records of 4 KiB) per scrape.
const ROWS: f64 = 4000.0;

fn config(dsn: &str, backend_port: u16, metrics_port: u16) -> String {
    format!(
        r#"
receivers:
  sqlquery:
    driver: postgres
    datasource: "{dsn}"
    collection_interval: 100ms
    initial_delay: 0s
    query_timeout: 20s
    queries:
      - sql: "SELECT g AS id, repeat(md5(g::text), 128) AS body FROM generate_series(1, {ROWS}) g"
        logs:
          - body_column: body
processors:
  memory_limiter:
    check_interval: 20ms
    limit_mib: {LIMIT_MIB}
    spike_limit_mib: {SPIKE_MIB}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:{backend_port}
    compression: none
    timeout: 120s
    retry_on_failure:
      enabled: false
    sending_queue:
      num_consumers: 1
      queue_size: 100000
      max_size_mib: 2048
service:
  telemetry:
    metrics:
      address: 127.0.0.1:{metrics_port}
  pipelines:
    logs:
      receivers: [sqlquery]
      processors: [memory_limiter]
      exporters: [otlphttp]
"#
    )
}

/// VmRSS of `pid` in bytes, from /proc/<pid>/status.
fn rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The sum of the samples of `name` (any labels) in a Prometheus text exposition.
fn metric_sum(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with(name) && matches!(l.as_bytes().get(name.len()), Some(b' ' | b'{')))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[test]
fn the_binary_keeps_rss_under_limit_mib_with_refusals_counted() {
    let pg = shared_postgres();
    let db = pg.create_database("e2e_memlimit");
    // A backend that accepts connections (the kernel's backlog) and never reads or answers.
    let backend = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let backend_port = backend.local_addr().unwrap().port();
    let metrics_port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(&cfg, config(&pg.keyvalue_dsn(&db), backend_port, metrics_port)).unwrap();
    let cfg = cfg.display().to_string();
    let run = Running::start(&["run", "--config", &cfg], &[], dir.path());
    let pid = run.child.id();
    let addr = format!("127.0.0.1:{metrics_port}");

    // The sampler: the highest RSS of the child, every 2 ms.
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (stop, peak) = (stop.clone(), peak.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some(r) = rss(pid) {
                    peak.fetch_max(r, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };

    let scrape = || {
        // A child that exited (config error, crash) has no VmRSS: say so with its stderr.
        assert!(rss(pid).is_some(), "dbintel exited; stderr:\n{}", run.stderr());
        http_get(&addr, "/metrics").1
    };
    let refused = |t: &str| metric_sum(t, "otelcol_processor_refused_log_records_total");
    // Load turned away either way: records refused at the processor, or scrapes the receiver skipped
    // while held (4000 records each). Once the exporter's queue holds the memory, admission holds the
    // receiver and nothing reaches the processor to refuse, so refusals alone may stop growing.
    let turned_away = |t: &str| refused(t) + metric_sum(t, "dbintel_receiver_throttled_scrapes_total") * ROWS;
    // The limiter must have refused for a while: a load above the soft limit, held there.
    run.wait_for("records refused by memory_limiter", Duration::from_secs(120), || refused(&scrape()) > 0.0);
    let first = turned_away(&scrape());
    // The snapshot asserted below: the load still turned away, and the limiter refusing at that
    // moment (between two cycles it may read below the soft limit for one scrape).
    // Held for longer than it takes to offer twice the limit after the first refusal.
    const TWO_LIMITS_OF_RECORDS: f64 = (2 * LIMIT_MIB * MIB / 4096) as f64;
    let mut text = String::new();
    run.wait_for(
        "the load to keep being turned away, with the limiter refusing",
        Duration::from_secs(120),
        || {
            text = scrape();
            turned_away(&text) >= first + TWO_LIMITS_OF_RECORDS
                && metric_sum(&text, "dbintel_memory_limiter_refusing") == 1.0
        },
    );
    stop.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    drop(backend);

    let peak = peak.load(Ordering::Relaxed);
    let accepted = metric_sum(&text, "otelcol_processor_memory_limiter_accepted_log_records_total");
    let refused_total = refused(&text);
    let throttled = metric_sum(&text, "dbintel_receiver_throttled_scrapes_total");
    let used = metric_sum(&text, "dbintel_memory_limiter_memory_used_bytes");
    eprintln!(
        "peak RSS {:.1} MiB (limit {LIMIT_MIB}), last reading {:.1} MiB, accepted {accepted}, refused {refused_total}, skipped scrapes {throttled}",
        peak as f64 / MIB as f64,
        used / MIB as f64
    );
    // The load would have exceeded the limit: what passed, what was refused and what the skipped
    // scrapes would have read (4000 records of 4 KiB each per scrape) is more than the limit.
    let offered = (accepted + refused_total + throttled * ROWS) * 4096.0;
    assert!(offered > (2 * LIMIT_MIB * MIB) as f64, "the load ({offered} bytes) was too small to test");
    assert!(accepted > 0.0, "data passed before the limit was reached");
    assert!(peak > (LIMIT_MIB - SPIKE_MIB) * MIB / 2, "the sampler saw the child grow ({peak} bytes)");
    assert!(peak < LIMIT_MIB * MIB, "peak RSS {peak} bytes over limit_mib {LIMIT_MIB} MiB");
    assert!(
        metric_sum(&text, "otelcol_processor_memory_limiter_refused_log_records_total") > 0.0,
        "the Collector's refusal counter too"
    );
    assert!(throttled > 0.0, "the receiver skipped scrapes (admission)");
    drop(run);
}
