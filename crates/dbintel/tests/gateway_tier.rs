//! The gateway tier end to end (issue 15, point 1), with the configs of `examples/gateway/` as
//! they are documented: two AGENTS (`agent.yaml`), each scraping its own throwaway PostgreSQL with
//! the `postgresql` receiver and forwarding over OTLP/gRPC with a persistent sending queue, and one
//! GATEWAY (`gateway.yaml`: `otlp` receiver -> `memory_limiter` -> `batch` -> `otlp` exporter with
//! the `api-key` header from `NEW_RELIC_LICENSE_KEY`) in front of an OTLP sink built on the official
//! `opentelemetry-proto` Python package (crates/exporters/tests/otlp_receiver.py), which records
//! every request with its metadata. Ports, directories and the sink's address come in through the
//! environment variables the examples read.
//!
//! The ground truth: each agent gets a second config source (merged after `agent.yaml`, as
//! `--config` does) that adds a `file` exporter to its pipelines, so every data point and log record
//! the agent produced is also written locally. A point is identified by its resource attributes
//! (the agents differ by `server.port`), scope, metric name, point attributes and timestamp; a log
//! record by the same with its event name, times and attributes. The agents convert monotonic sums
//! to deltas (`temporality_preference: delta`), which yields nothing for the first point of a
//! series; that point is not expected at the sink.
//!
//! Mid-run the gateway is stopped twice and restarted after a pause that lasts until both agents
//! produced at least two more scrapes:
//! 1. SIGTERM (graceful): exit code 0; then every point and log record produced before the restart,
//!    the outage included, reaches the sink. Nothing may be lost.
//! 2. SIGKILL: every point and record produced before the kill, in the outage window and after
//!    reaches the sink. The gateway answers an agent's request only once its persistent queue has
//!    written the data (delivery tokens, `dbintel_core::delivery`), so what it held only in memory
//!    at the kill (the batch processor, the pipeline channels) was not yet acknowledged: the agent
//!    still has it on its disk and resends it. To make the kill land while the gateway holds data,
//!    the gateway's `batch.timeout` is raised to 1 s by a second config source (before delivery
//!    tokens, that lost about a tenth of the points at the kill); `lost_in_kill` is printed and
//!    must be zero.
//!
//! Delivery is at least once; duplicates (resent after a restart) are counted and printed. At the
//! end every request at the sink carries the gateway's `api-key`, the agents' config holds no key,
//! and no process logged it. All waits are polls with deadlines; nothing asserts a duration.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dbintel_otlp::opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use dbintel_otlp::opentelemetry_proto::tonic::common::v1::{InstrumentationScope, KeyValue};
use dbintel_otlp::opentelemetry_proto::tonic::metrics::v1::metric::Data;
use dbintel_test_support::PgServer;
use prost::Message;
use support::{Running, free_port};

/// Stands in for a New Relic license key; only the gateway's environment has it.
const LICENSE_KEY: &str = "gateway-tier-test-key-6f1e2d";
/// Liveness bound of each wait (the agents retry at most every 10 s).
const LIMIT: Duration = Duration::from_secs(120);

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/gateway")
}

fn now_nanos() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// The sink

struct Sink {
    child: Child,
    grpc_port: u16,
    out: PathBuf,
}

impl Drop for Sink {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sink(dir: &Path) -> Option<Sink> {
    let ok = Command::new("python3")
        .args(["-c", "import opentelemetry.proto, grpc, zstandard"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "the OTLP sink needs python3 with opentelemetry-proto, grpcio, zstandard (.ci/test installs them)"
        );
        eprintln!("SKIPPED: python3 with opentelemetry-proto, grpcio and zstandard is missing");
        return None;
    }
    let out = dir.join("sink.jsonl");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../exporters/tests/otlp_receiver.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the OTLP sink");
    let mut line = String::new();
    let _ = BufReader::new(child.stdout.take().expect("sink stdout")).read_line(&mut line);
    let grpc_port = line
        .strip_prefix("READY ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the sink did not start: {line:?}"));
    Some(Sink { child, grpc_port, out })
}

// ---------------------------------------------------------------------------------------------
// Identities of points and records

fn attrs(kvs: &[KeyValue]) -> String {
    let mut v: Vec<String> = kvs.iter().map(|kv| format!("{}={:?}", kv.key, kv.value)).collect();
    v.sort();
    v.join(",")
}

fn scope(s: &Option<InstrumentationScope>) -> String {
    s.as_ref().map(|s| format!("{}@{}", s.name, s.version)).unwrap_or_default()
}

/// The series of each metric point and its timestamp; `first_is_dropped` marks monotonic
/// cumulative sums (the agent's delta conversion emits nothing for their first point).
#[derive(Default)]
struct Seen {
    /// series -> timestamps (a list: duplicates are kept and counted).
    points: HashMap<String, Vec<u64>>,
    monotonic_cumulative: BTreeSet<String>,
    /// log record identity -> (time, copies).
    records: HashMap<String, (u64, usize)>,
}

impl Seen {
    fn add_metrics(&mut self, req: &ExportMetricsServiceRequest) {
        for rm in &req.resource_metrics {
            let res = rm.resource.as_ref().map(|r| attrs(&r.attributes)).unwrap_or_default();
            for sm in &rm.scope_metrics {
                let sc = scope(&sm.scope);
                for m in &sm.metrics {
                    let mut add = |a: &[KeyValue], t: u64| {
                        let series = format!("{res}|{sc}|{}|{}", m.name, attrs(a));
                        self.points.entry(series).or_default().push(t);
                    };
                    match &m.data {
                        Some(Data::Gauge(g)) => {
                            g.data_points.iter().for_each(|p| add(&p.attributes, p.time_unix_nano))
                        }
                        Some(Data::Sum(s)) => {
                            s.data_points.iter().for_each(|p| add(&p.attributes, p.time_unix_nano));
                            if s.is_monotonic && s.aggregation_temporality == 2 {
                                for p in &s.data_points {
                                    self.monotonic_cumulative.insert(format!(
                                        "{res}|{sc}|{}|{}",
                                        m.name,
                                        attrs(&p.attributes)
                                    ));
                                }
                            }
                        }
                        Some(Data::Histogram(h)) => {
                            h.data_points.iter().for_each(|p| add(&p.attributes, p.time_unix_nano))
                        }
                        Some(Data::Summary(s)) => {
                            s.data_points.iter().for_each(|p| add(&p.attributes, p.time_unix_nano))
                        }
                        Some(Data::ExponentialHistogram(h)) => {
                            h.data_points.iter().for_each(|p| add(&p.attributes, p.time_unix_nano))
                        }
                        None => {}
                    }
                }
            }
        }
    }

    fn add_logs(&mut self, req: &ExportLogsServiceRequest) {
        for rl in &req.resource_logs {
            let res = rl.resource.as_ref().map(|r| attrs(&r.attributes)).unwrap_or_default();
            for sl in &rl.scope_logs {
                let sc = scope(&sl.scope);
                for r in &sl.log_records {
                    let id = format!(
                        "{res}|{sc}|{}|{}|{}|{:?}|{}",
                        r.event_name,
                        r.time_unix_nano,
                        r.observed_time_unix_nano,
                        r.body,
                        attrs(&r.attributes)
                    );
                    let t = if r.time_unix_nano > 0 { r.time_unix_nano } else { r.observed_time_unix_nano };
                    self.records.entry(id).or_insert((t, 0)).1 += 1;
                }
            }
        }
    }

    /// The (series, time) pairs the sink must have: every produced point, except the first point
    /// of each monotonic cumulative series (see the module docs).
    fn expected_points(&self) -> BTreeSet<(String, u64)> {
        let mut out = BTreeSet::new();
        for (series, times) in &self.points {
            let mut times: Vec<u64> = times.clone();
            times.sort_unstable();
            times.dedup();
            let skip = usize::from(self.monotonic_cumulative.contains(series));
            out.extend(times.into_iter().skip(skip).map(|t| (series.clone(), t)));
        }
        out
    }

    fn has_point(&self, series: &str, t: u64) -> bool {
        self.points.get(series).is_some_and(|ts| ts.contains(&t))
    }
}

/// Everything the agent wrote to its `file` exporter (OTLP-JSON lines).
fn produced(files: &[PathBuf]) -> Seen {
    let mut seen = Seen::default();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        // A line still being written has no newline yet: only complete lines count.
        let complete = text.rfind('\n').map(|i| &text[..i]).unwrap_or("");
        for line in complete.lines() {
            if line.contains("\"resourceMetrics\"") {
                let req: ExportMetricsServiceRequest =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("{}: {e}: {line}", f.display()));
                seen.add_metrics(&req);
            } else if line.contains("\"resourceLogs\"") {
                let req: ExportLogsServiceRequest =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("{}: {e}: {line}", f.display()));
                seen.add_logs(&req);
            }
        }
    }
    seen
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| s.get(2 * i..2 * i + 2))
        .filter_map(|b| u8::from_str_radix(b, 16).ok())
        .collect()
}

/// What the sink received, and the `api-key` metadata of every request.
fn received(sink: &Sink) -> (Seen, Vec<Option<String>>) {
    let mut seen = Seen::default();
    let mut keys = Vec::new();
    let text = std::fs::read_to_string(&sink.out).unwrap_or_default();
    for line in text.lines() {
        let Ok(entry) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        keys.push(entry["headers"]["api-key"].as_str().map(str::to_string));
        let raw = unhex(entry["raw"].as_str().unwrap_or_default());
        match entry["signal"].as_str() {
            Some("metrics") => {
                seen.add_metrics(&ExportMetricsServiceRequest::decode(raw.as_slice()).expect("decode"))
            }
            Some("logs") => seen.add_logs(&ExportLogsServiceRequest::decode(raw.as_slice()).expect("decode")),
            _ => {}
        }
    }
    (seen, keys)
}

/// Expected items (points and records) not at the sink, among those `within` accepts by time.
fn missing(produced: &Seen, sink: &Seen, within: impl Fn(u64) -> bool) -> Vec<String> {
    let mut out: Vec<String> = produced
        .expected_points()
        .into_iter()
        .filter(|(_, t)| within(*t))
        .filter(|(s, t)| !sink.has_point(s, *t))
        .map(|(s, t)| format!("point {s} @{t}"))
        .collect();
    out.extend(
        produced
            .records
            .iter()
            .filter(|(_, (t, _))| within(*t))
            .filter(|(id, _)| !sink.records.contains_key(*id))
            .map(|(id, (t, _))| format!("record {id} @{t}")),
    );
    out
}

/// Timestamps of points each agent (by `server.port`) produced after `after`.
fn scrapes_after(seen: &Seen, port: u16, after: u64) -> usize {
    let tag = format!("server.port=Some(AnyValue {{ value: Some(IntValue({port})) }})");
    let tag_str = format!("server.port=Some(AnyValue {{ value: Some(StringValue(\"{port}\")) }})");
    seen.points
        .iter()
        .filter(|(s, _)| s.contains(&tag) || s.contains(&tag_str))
        .flat_map(|(_, ts)| ts.iter().copied())
        .filter(|t| *t > after)
        .collect::<BTreeSet<u64>>()
        .len()
}

/// Polls `cond` every 250 ms (reading the files is not free); panics with `what` and the logs of
/// `proc` after [`LIMIT`]: a liveness bound, not a timing check.
fn until(what: &str, proc: Option<&Running>, mut cond: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while start.elapsed() < LIMIT {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!(
        "timed out waiting for {what}; log:\n{}",
        proc.map(|p| p.stderr() + &p.stdout()).unwrap_or_default()
    );
}

// ---------------------------------------------------------------------------------------------
// The processes

struct Gateway {
    grpc: u16,
    http: u16,
    queue: PathBuf,
    sink_port: u16,
    runs: usize,
    dir: PathBuf,
}

impl Gateway {
    fn start(&mut self) -> Running {
        self.runs += 1;
        let dir = self.dir.join(format!("gateway-run{}", self.runs));
        std::fs::create_dir_all(&dir).expect("run dir");
        let config = examples().join("gateway.yaml");
        // A longer batch timeout than the file's 200 ms: the gateway holds more requests in memory
        // at any moment, so the kill is sure to catch some.
        let overlay = dir.join("batch-1s.yaml");
        std::fs::write(&overlay, "processors:\n  batch:\n    timeout: 1s\n").expect("overlay");
        let (grpc, http, health, telemetry) = (
            format!("127.0.0.1:{}", self.grpc),
            format!("127.0.0.1:{}", self.http),
            format!("127.0.0.1:{}", free_port()),
            free_port().to_string(),
        );
        let sink = format!("http://127.0.0.1:{}", self.sink_port);
        let queue = self.queue.display().to_string();
        let env = [
            ("NEW_RELIC_LICENSE_KEY", LICENSE_KEY),
            ("NEW_RELIC_OTLP_ENDPOINT", sink.as_str()),
            ("DBINTEL_OTLP_GRPC_ENDPOINT", grpc.as_str()),
            ("DBINTEL_OTLP_HTTP_ENDPOINT", http.as_str()),
            ("DBINTEL_HEALTH_ENDPOINT", health.as_str()),
            ("DBINTEL_TELEMETRY_PORT", telemetry.as_str()),
            ("DBINTEL_QUEUE_DIR", queue.as_str()),
        ];
        let run = Running::start(
            &["run", "--config", &config.display().to_string(), "--config", &overlay.display().to_string()],
            &env,
            &dir,
        );
        let port = self.grpc;
        run.wait_for("the gateway to listen", LIMIT, || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        run
    }
}

struct Agent {
    run: Running,
    port: u16,
    produced: PathBuf,
    _pg: PgServer,
}

fn start_agent(name: &str, dir: &Path, gateway_grpc: u16) -> Agent {
    let pg = PgServer::start();
    let dir = dir.join(name);
    std::fs::create_dir_all(&dir).expect("agent dir");
    let produced = dir.join("produced.jsonl");
    // The ground truth: the same pipelines also write to a local file. Faster scrapes than the
    // example's 15 s, so the test sees many in a short run.
    let overlay = dir.join("overlay.yaml");
    std::fs::write(
        &overlay,
        format!(
            r#"
receivers:
  postgresql:
    collection_interval: 1s
    initial_delay: 0s
    databases: [postgres]
exporters:
  file/produced:
    path: {}
service:
  pipelines:
    metrics:
      exporters: [otlp/gateway, file/produced]
    logs:
      exporters: [otlp/gateway, file/produced]
"#,
            produced.display()
        ),
    )
    .expect("overlay");
    let (endpoint, gateway, health, telemetry, queue) = (
        format!("{}:{}", pg.host, pg.port),
        format!("127.0.0.1:{gateway_grpc}"),
        format!("127.0.0.1:{}", free_port()),
        free_port().to_string(),
        dir.join("queue").display().to_string(),
    );
    let env = [
        ("DBINTEL_PG_ENDPOINT", endpoint.as_str()),
        ("DBINTEL_PG_USER", pg.superuser.as_str()),
        ("DBINTEL_PG_PASSWORD", ""),
        ("DBINTEL_GATEWAY_ENDPOINT", gateway.as_str()),
        ("DBINTEL_HEALTH_ENDPOINT", health.as_str()),
        ("DBINTEL_TELEMETRY_PORT", telemetry.as_str()),
        ("DBINTEL_QUEUE_DIR", queue.as_str()),
    ];
    let agent_yaml = examples().join("agent.yaml").display().to_string();
    let overlay = overlay.display().to_string();
    let run = Running::start(&["run", "--config", &agent_yaml, "--config", &overlay], &env, &dir);
    // A query that is active at every scrape, so query samples (log records) are produced.
    let sleeper_host = (pg.host.clone(), pg.port, pg.superuser.clone(), pg.bin_dir().join("psql"));
    std::thread::spawn(move || {
        let (host, port, user, psql) = sleeper_host;
        let _ = Command::new(psql)
            .args(["-X", "-q", "-h", &host, "-p", &port.to_string(), "-U", &user, "-d", "postgres"])
            .args(["-c", "SELECT pg_sleep(600)"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    });
    Agent { run, port: pg.port, produced, _pg: pg }
}

#[test]
fn two_agents_through_a_gateway_that_is_stopped_and_killed_lose_nothing() {
    let agent_yaml = std::fs::read_to_string(examples().join("agent.yaml")).expect("agent.yaml");
    assert!(
        !agent_yaml.contains("api-key") && !agent_yaml.contains("NEW_RELIC_LICENSE_KEY"),
        "the agents' config must not hold the key"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(sink) = start_sink(dir.path()) else { return };
    let mut gw = Gateway {
        grpc: free_port(),
        http: free_port(),
        queue: dir.path().join("gateway-queue"),
        sink_port: sink.grpc_port,
        runs: 0,
        dir: dir.path().to_path_buf(),
    };
    let mut gateway = gw.start();
    let mut agents =
        [start_agent("agent-a", dir.path(), gw.grpc), start_agent("agent-b", dir.path(), gw.grpc)];
    let files: Vec<PathBuf> = agents.iter().map(|a| a.produced.clone()).collect();
    let ports: Vec<u16> = agents.iter().map(|a| a.port).collect();
    let both_after =
        |seen: &Seen, after: u64, n: usize| ports.iter().all(|p| scrapes_after(seen, *p, after) >= n);

    until("points of both agents at the sink", Some(&gateway), || both_after(&received(&sink).0, 0, 2));

    // --- 1. SIGTERM, a pause of two scrapes per agent, restart: nothing may be lost.
    let t_term = now_nanos();
    gateway.signal("TERM");
    assert_eq!(gateway.wait_exit(Duration::from_secs(30)).code(), Some(0), "{}", gateway.stderr());
    let gateway_log_1 = gateway.stderr() + &gateway.stdout();
    until("two scrapes per agent while the gateway is stopped", None, || {
        both_after(&produced(&files), t_term, 2)
    });
    let mut gateway = gw.start();
    let t_restart1 = now_nanos();
    until("everything produced up to the first restart at the sink", Some(&gateway), || {
        let (got, _) = received(&sink);
        missing(&produced(&files), &got, |t| t < t_restart1).is_empty()
    });

    // --- 2. SIGKILL, a pause, restart: no gap from the kill on.
    until("points produced after the restart at the sink", Some(&gateway), || {
        both_after(&received(&sink).0, t_restart1, 1)
    });
    let t_kill = now_nanos();
    gateway.signal("KILL");
    assert_eq!(gateway.wait_exit(Duration::from_secs(30)).code(), None, "killed by a signal");
    let gateway_log_2 = gateway.stderr() + &gateway.stdout();
    until("two scrapes per agent while the gateway is down", None, || {
        both_after(&produced(&files), t_kill, 2)
    });
    let mut gateway = gw.start();
    let t_restart2 = now_nanos();
    let t_end = {
        until("points produced after the second restart at the sink", Some(&gateway), || {
            both_after(&received(&sink).0, t_restart2, 1)
        });
        now_nanos()
    };
    until("everything produced from the kill on at the sink", Some(&gateway), || {
        let (got, _) = received(&sink);
        missing(&produced(&files), &got, |t| t >= t_kill && t < t_end).is_empty()
    });
    // What was produced before the kill too (the agents resend what the gateway never answered);
    // if some never comes, the assertions below name it (`lost_in_kill`).
    let start = std::time::Instant::now();
    while start.elapsed() < LIMIT / 2
        && !missing(&produced(&files), &received(&sink).0, |t| t < t_end).is_empty()
    {
        std::thread::sleep(Duration::from_millis(250));
    }

    // --- Stop: the agents first (exit 0), then the gateway.
    for a in &mut agents {
        a.run.signal("TERM");
        assert_eq!(a.run.wait_exit(Duration::from_secs(30)).code(), Some(0), "{}", a.run.stderr());
    }
    gateway.signal("TERM");
    assert_eq!(gateway.wait_exit(Duration::from_secs(30)).code(), Some(0), "{}", gateway.stderr());

    let truth = produced(&files);
    let (got, keys) = received(&sink);
    assert!(truth.records.len() + truth.points.len() > 0);
    let lost_before_restart = missing(&truth, &got, |t| t < t_restart1);
    assert!(lost_before_restart.is_empty(), "lost across the graceful stop: {lost_before_restart:#?}");
    let gap = missing(&truth, &got, |t| t >= t_kill && t < t_end);
    assert!(gap.is_empty(), "a gap in the outage window after the kill: {gap:#?}");
    let lost_in_kill = missing(&truth, &got, |t| t >= t_restart1 && t < t_kill);

    // At least once: copies beyond the first.
    let expected = truth.expected_points();
    let point_dups: usize = expected
        .iter()
        .map(|(s, t)| got.points.get(s).map(|ts| ts.iter().filter(|x| *x == t).count()).unwrap_or(0))
        .map(|n| n.saturating_sub(1))
        .sum();
    let record_dups: usize = got.records.values().map(|(_, n)| n.saturating_sub(1)).sum();
    eprintln!(
        "gateway tier: produced {} points in {} series and {} log records; at the sink {} points, {} records; \
         duplicates {point_dups} points, {record_dups} records; lost_in_kill {} ({:?})",
        expected.len(),
        truth.points.len(),
        truth.records.len(),
        got.points.values().map(Vec::len).sum::<usize>(),
        got.records.values().map(|(_, n)| n).sum::<usize>(),
        lost_in_kill.len(),
        lost_in_kill.iter().take(3).collect::<Vec<_>>(),
    );
    assert!(lost_in_kill.is_empty(), "lost at the kill (acknowledged but only in memory): {lost_in_kill:#?}");
    assert!(truth.records.len() >= 2, "the agents produced query samples: {}", truth.records.len());
    let nonzero_after: BTreeMap<u16, usize> =
        ports.iter().map(|p| (*p, scrapes_after(&got, *p, t_kill))).collect();
    assert!(nonzero_after.values().all(|n| *n >= 2), "{nonzero_after:?}");

    // The key: on every request the gateway sent, and nowhere in any log.
    assert!(!keys.is_empty());
    assert!(keys.iter().all(|k| k.as_deref() == Some(LICENSE_KEY)), "api-key metadata: {keys:?}");
    let logs = [gateway_log_1, gateway_log_2, gateway.stderr() + &gateway.stdout()]
        .into_iter()
        .chain(agents.iter().map(|a| a.run.stderr() + &a.run.stdout()))
        .collect::<Vec<_>>();
    for log in &logs {
        assert!(!log.contains(LICENSE_KEY), "the key was logged:\n{log}");
    }
}
