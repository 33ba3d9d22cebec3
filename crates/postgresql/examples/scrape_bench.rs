//! Runs the `postgresql` receiver against a server for a number of scrapes and prints the
//! collector's CPU time and memory per scrape (used by `bench/compare_exporter.sh`).
//!
//! `cargo run --release -p dbintel-postgresql --example scrape_bench -- HOST:PORT USER SCRAPES [events]`

use std::time::Duration;

use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::SignalData;
use dbintel_core::pipeline::ReceiverOutput;
use dbintel_core::telemetry::Registry;
use dbintel_core::{Built, ComponentId, ComponentKind, CreateContext, Factory, ReceiverContext};
use dbintel_postgresql::PostgresqlFactory;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn cpu_seconds() -> f64 {
    // utime + stime of the whole process, in clock ticks (USER_HZ = 100 on Linux).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn status_kb(key: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: scrape_bench HOST:PORT USER SCRAPES [events]");
        std::process::exit(2);
    }
    let scrapes: usize = args[3].parse().unwrap_or(10);
    let events = args.get(4).is_some_and(|a| a == "events");
    let config = serde_json::json!({
        "endpoint": args[1], "username": args[2], "tls": {"insecure": true},
        "collection_interval": "1s", "initial_delay": "0s",
        "events": {"db.server.top_query": {"enabled": events}, "db.server.query_sample": {"enabled": events}},
        "top_query_collection": {"collection_interval": "1s", "max_rows_per_query": 10000, "top_n_query": 1000,
                                 "max_explain_each_interval": 0},
    });
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async move {
        let id: ComponentId = "postgresql/bench".parse().expect("id");
        let telemetry = Registry::new();
        let Ok(Built::Receiver(receiver)) = PostgresqlFactory.create(&CreateContext::new(id.clone(), telemetry), &config)
        else {
            panic!("bad config: {:?}", PostgresqlFactory.validate(&config));
        };
        let (mtx, mut mrx) = mpsc::channel(64);
        let (ltx, mut lrx) = mpsc::channel(64);
        let shutdown = CancellationToken::new();
        let ctx = ReceiverContext {
            id: id.clone(),
            output: ReceiverOutput::from_channels(Some(mtx), Some(ltx)),
            shutdown: shutdown.clone(),
            health: HealthRegistry::new().register(ComponentKind::Receiver, id),
            telemetry: Registry::new(),
        };
        let handle = tokio::spawn(async move { receiver.run(ctx).await });
        let drain = tokio::spawn(async move {
            let mut n = 0usize;
            while let Some(SignalData::Logs(l)) = lrx.recv().await {
                n += l.log_record_count();
            }
            n
        });
        // Warm-up scrape (first connection, first top-query baseline).
        let _ = tokio::time::timeout(Duration::from_secs(30), mrx.recv()).await;
        let (cpu0, t0) = (cpu_seconds(), std::time::Instant::now());
        let mut points = 0usize;
        for _ in 0..scrapes {
            if let Ok(Some(SignalData::Metrics(m))) = tokio::time::timeout(Duration::from_secs(30), mrx.recv()).await {
                points += m.data_point_count();
            }
        }
        let cpu = cpu_seconds() - cpu0;
        let wall = t0.elapsed().as_secs_f64();
        shutdown.cancel();
        let _ = handle.await;
        let events = drain.await.unwrap_or(0);
        println!(
            "dbintel scrapes={scrapes} wall_s={wall:.1} cpu_ms_per_scrape={:.2} points_per_scrape={} events={events} rss_kb={} hwm_kb={}",
            cpu * 1000.0 / scrapes as f64,
            points / scrapes.max(1),
            status_kb("VmRSS:"),
            status_kb("VmHWM:")
        );
    });
}
