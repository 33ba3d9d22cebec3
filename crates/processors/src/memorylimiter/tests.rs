use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dbintel_core::admission::{AdmissionRegistry, Admit};
use dbintel_core::component::ProcessorContext;
use dbintel_core::health::HealthRegistry;
use dbintel_core::pdata::{LogRecord, Value};
use dbintel_core::telemetry::Registry;
use dbintel_core::{ComponentId, ComponentKind, Factory, Host, Processor, parse_component_config};
use serde_json::json;

use super::limiter::{SKIP_REASON, statm_resident_bytes};
use super::limits::{cgroup_limit, meminfo_total};
use super::*;
use crate::test_util::logs;

fn problems(v: serde_json::Value) -> Vec<(String, String)> {
    let cfg: MemoryLimiterConfig = parse_component_config(&v).expect("parses");
    cfg.problems().into_iter().map(|p| (p.path, p.message)).collect()
}

fn keys(v: serde_json::Value) -> Vec<String> {
    problems(v).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn config_defaults_are_the_collectors_and_the_limits_are_required() {
    let cfg: MemoryLimiterConfig = parse_component_config(&serde_json::Value::Null).unwrap();
    assert_eq!(cfg, MemoryLimiterConfig::default());
    assert_eq!(cfg.min_gc_interval_when_soft_limited.get(), Duration::from_secs(10));
    assert_eq!(cfg.max_gc_interval_when_hard_limited.get(), Duration::from_secs(30));
    // An empty section: both required things are named.
    assert_eq!(keys(json!({})), ["check_interval", "limit_mib"]);
    assert!(problems(json!({"check_interval": "1s", "limit_mib": 512, "spike_limit_mib": 128})).is_empty());
    assert!(
        problems(json!({"check_interval": "2s", "limit_percentage": 80, "spike_limit_percentage": 25}))
            .is_empty()
    );
    // The prototype's pipelines: 1024/256 MiB every 2s.
    assert!(problems(json!({"check_interval": "2s", "limit_mib": 1024, "spike_limit_mib": 256})).is_empty());
    // Unknown keys and negative numbers are refused by name.
    let e = parse_component_config::<MemoryLimiterConfig>(&json!({"limit_mb": 5})).unwrap_err();
    assert!(e.to_string().contains("limit_mb"), "{e}");
    let e = parse_component_config::<MemoryLimiterConfig>(&json!({"limit_mib": -5})).unwrap_err();
    assert!(e.to_string().contains("limit_mib"), "{e}");
}

#[test]
fn bad_configs_name_the_key() {
    let base = |extra: serde_json::Value| {
        let mut v = json!({"check_interval": "1s"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    assert_eq!(keys(json!({"check_interval": "0s", "limit_mib": 100})), ["check_interval"]);
    assert_eq!(keys(json!({"check_interval": "2h", "limit_mib": 100})), ["check_interval"]);
    assert_eq!(keys(base(json!({"limit_mib": 100, "limit_percentage": 50}))), ["limit_percentage"]);
    let both = problems(base(json!({"limit_mib": 100, "limit_percentage": 50})));
    assert!(both[0].1.contains("keep one"), "{both:?}");
    assert_eq!(keys(base(json!({"limit_mib": 100, "spike_limit_mib": 100}))), ["spike_limit_mib"]);
    assert_eq!(keys(base(json!({"limit_mib": 100, "spike_limit_mib": 200}))), ["spike_limit_mib"]);
    assert_eq!(
        keys(base(json!({"limit_percentage": 50, "spike_limit_percentage": 50}))),
        ["spike_limit_percentage"]
    );
    assert_eq!(keys(base(json!({"limit_percentage": 150}))), ["limit_percentage"]);
    assert_eq!(
        keys(base(json!({"limit_percentage": 50, "spike_limit_percentage": 101}))),
        ["spike_limit_percentage", "spike_limit_percentage"]
    );
    assert_eq!(keys(base(json!({"limit_percentage": 50, "spike_limit_mib": 10}))), ["spike_limit_mib"]);
    assert_eq!(
        keys(base(json!({"limit_mib": 50, "spike_limit_percentage": 10}))),
        ["spike_limit_percentage"]
    );
    assert_eq!(
        keys(base(json!({"limit_mib": 50, "min_gc_interval_when_hard_limited": "20s"}))),
        ["min_gc_interval_when_soft_limited"]
    );
    assert_eq!(
        keys(base(json!({"limit_mib": 50, "max_gc_interval_when_soft_limited": "5s"}))),
        ["max_gc_interval_when_soft_limited", "max_gc_interval_when_soft_limited"]
    );
    assert!(
        problems(base(json!({"limit_mib": 50, "max_gc_interval_when_soft_limited": "0s",
        "max_gc_interval_when_hard_limited": "0s"})))
        .is_empty()
    );
}

#[test]
fn limits_resolve_from_mib_or_a_percentage_of_the_available_memory() {
    let mib = |m: u64| m * MIB;
    let cfg = |v: serde_json::Value| parse_component_config::<MemoryLimiterConfig>(&v).unwrap();
    let none = || None;
    let l = Limits::resolve(&cfg(json!({"limit_mib": 1000})), &none).unwrap();
    assert_eq!((l.hard, l.spike, l.soft()), (mib(1000), mib(200), mib(800)), "spike defaults to 20%");
    let l = Limits::resolve(&cfg(json!({"limit_mib": 1024, "spike_limit_mib": 256})), &none).unwrap();
    assert_eq!(l.soft(), mib(768));
    let two_gib = || Some(TotalMemory { bytes: mib(2048), source: "/sys/fs/cgroup/memory.max".into() });
    let l = Limits::resolve(&cfg(json!({"limit_percentage": 75, "spike_limit_percentage": 25})), &two_gib)
        .unwrap();
    assert_eq!((l.hard, l.spike), (mib(1536), mib(512)));
    let l = Limits::resolve(&cfg(json!({"limit_percentage": 50})), &two_gib).unwrap();
    assert_eq!((l.hard, l.spike), (mib(1024), mib(1024) / 5));
    let e = Limits::resolve(&cfg(json!({"limit_percentage": 50})), &none).unwrap_err();
    assert_eq!(e.path, "limit_percentage");
    assert!(e.message.contains("limit_mib"), "{e}");
}

fn reader(files: &'static [(&'static str, &'static str)]) -> impl Fn(&Path) -> Option<String> {
    move |p: &Path| files.iter().find(|(f, _)| Path::new(f) == p).map(|(_, c)| c.to_string())
}

#[test]
fn cgroup_v2_limit_is_the_smallest_along_the_path() {
    let mountinfo = "24 1 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n\
                     25 1 8:1 / / rw - ext4 /dev/sda1 rw\n";
    let proc_cgroup = "0::/system.slice/dbintel.service\n";
    let read = reader(&[
        ("/sys/fs/cgroup/memory.max", "max\n"),
        ("/sys/fs/cgroup/system.slice/memory.max", "4294967296\n"),
        ("/sys/fs/cgroup/system.slice/dbintel.service/memory.max", "536870912\n"),
    ]);
    let t = cgroup_limit(proc_cgroup, mountinfo, &read).unwrap();
    assert_eq!(t.bytes, 512 * MIB);
    assert_eq!(t.source, Path::new("/sys/fs/cgroup/system.slice/dbintel.service/memory.max"));
    // Its own cgroup unlimited, the parent limited: the parent's limit holds.
    let read = reader(&[
        ("/sys/fs/cgroup/system.slice/memory.max", "1073741824"),
        ("/sys/fs/cgroup/system.slice/dbintel.service/memory.max", "max"),
    ]);
    assert_eq!(cgroup_limit(proc_cgroup, mountinfo, &read).unwrap().bytes, 1024 * MIB);
    // No limit anywhere.
    let read = reader(&[("/sys/fs/cgroup/system.slice/dbintel.service/memory.max", "max")]);
    assert_eq!(cgroup_limit(proc_cgroup, mountinfo, &read), None);
}

#[test]
fn cgroup_v1_and_containers_and_garbage() {
    // A container: its cgroup is the mount's root, so the limit is at the mount point.
    let mountinfo = "35 31 0:32 /kubepods/pod1/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n\
                     41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
    let proc_cgroup = "4:memory:/kubepods/pod1/abc\n0::/\n";
    let read = reader(&[("/sys/fs/cgroup/memory/memory.limit_in_bytes", "268435456\n")]);
    assert_eq!(cgroup_limit(proc_cgroup, mountinfo, &read).unwrap().bytes, 256 * MIB);
    // v1's "unlimited" (i64::MAX rounded to a page) is no limit.
    let read = reader(&[("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712")]);
    assert_eq!(cgroup_limit(proc_cgroup, mountinfo, &read), None);
    // Garbage in any file or line is skipped, never a panic.
    let read = reader(&[("/sys/fs/cgroup/memory/memory.limit_in_bytes", "lots")]);
    assert_eq!(cgroup_limit(proc_cgroup, mountinfo, &read), None);
    assert_eq!(cgroup_limit("::::\n\n", "x - y\n - \n", &read), None);
    assert_eq!(cgroup_limit("4:memory:/../../x\n", mountinfo, &read), None);
}

#[test]
fn meminfo_and_statm_parse() {
    assert_eq!(meminfo_total("MemTotal:       24684092 kB\nMemFree: 1 kB\n"), Some(24_684_092 * 1024));
    assert_eq!(meminfo_total("MemFree: 1 kB\n"), None);
    assert_eq!(meminfo_total("MemTotal: x kB\n"), None);
    assert_eq!(statm_resident_bytes("1000 250 30 1 0 300 0\n", 4096), Some(250 * 4096));
    assert_eq!(statm_resident_bytes("1000\n", 4096), None);
    assert_eq!(statm_resident_bytes("1 99999999999999999999", 4096), None);
    // This machine's own files read (the test runs on Linux).
    let here = total_memory().expect("/proc/meminfo is readable");
    assert!(here.bytes > 64 * MIB, "{here:?}");
    assert!(ProcessMemory::new().used_bytes().unwrap() > MIB);
}

/// Scripted memory: `used` until a release, which (when `after_release` is set) sets it.
#[derive(Default)]
struct Fake {
    used: Mutex<u64>,
    after_release: Mutex<Option<u64>>,
    releases: AtomicUsize,
    failing: AtomicBool,
}

impl Fake {
    fn set(&self, v: u64) {
        *self.used.lock().unwrap() = v;
    }
}

impl MemorySource for Fake {
    fn used_bytes(&self) -> std::io::Result<u64> {
        if self.failing.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("no /proc"));
        }
        Ok(*self.used.lock().unwrap())
    }
    fn release(&self) -> bool {
        self.releases.fetch_add(1, Ordering::Relaxed);
        if let Some(v) = *self.after_release.lock().unwrap() {
            self.set(v);
        }
        true
    }
}

struct Rig {
    fake: Arc<Fake>,
    limiter: Arc<Limiter>,
    admission: AdmissionRegistry,
    telemetry: Registry,
}

/// Hard 1000 MiB, soft 800 MiB.
fn rig(config: serde_json::Value) -> Rig {
    let mut v = json!({"check_interval": "1s", "limit_mib": 1000});
    for (k, x) in config.as_object().unwrap() {
        v[k] = x.clone();
    }
    let config: MemoryLimiterConfig = parse_component_config(&v).unwrap();
    assert!(config.problems().is_empty());
    let fake = Arc::new(Fake::default());
    let admission = AdmissionRegistry::new();
    let telemetry = Registry::new();
    let limits = Limits::resolve(&config, &|| None).unwrap();
    let limiter = Arc::new(Limiter::new(
        "memory_limiter".into(),
        limits,
        &config,
        fake.clone(),
        admission.clone(),
        &telemetry,
    ));
    Rig { fake, limiter, admission, telemetry }
}

fn rec(i: i64) -> LogRecord {
    LogRecord {
        event_name: "db.server.top_query".into(),
        body: Some(Value::from("SELECT 1")),
        attributes: [("postgresql.calls", Value::Int(i))].into_iter().collect(),
        ..Default::default()
    }
}

#[test]
fn above_the_soft_limit_refuses_whole_batches_and_holds_receivers_until_below() {
    let r = rig(json!({}));
    let receiver = r.admission.handle(&"postgresql".parse().unwrap());
    let mut p = MemoryLimiterProcessor::new(r.limiter.clone(), Some("logs".parse().unwrap()), &r.telemetry);
    let t0 = Instant::now();
    let batch = logs((0..10).map(rec).collect());

    r.fake.set(500 * MIB);
    assert!(!r.limiter.check_at(t0).unwrap().refusing);
    let mut out = Vec::new();
    p.process(batch.clone(), &mut out).unwrap();
    assert_eq!(out.len(), 1);
    assert!(Arc::ptr_eq(&out[0], &batch), "passed on untouched, not copied");
    assert_eq!(receiver.check(None), Admit::Full);

    // At the soft limit (800 MiB): refuse, and every receiver is told to skip.
    r.fake.set(800 * MIB);
    let o = r.limiter.check_at(t0 + Duration::from_secs(1)).unwrap();
    assert!(o.refusing && !o.released, "soft: no release before min_gc_interval_when_soft_limited (10s)");
    out.clear();
    p.process(batch.clone(), &mut out).unwrap();
    p.process(logs((0..5).map(rec).collect()), &mut out).unwrap();
    assert!(out.is_empty(), "refused whole");
    assert_eq!(receiver.check(None), Admit::Skip { reason: SKIP_REASON.into() });
    assert_eq!(receiver.check(Some("orders")), Admit::Skip { reason: SKIP_REASON.into() });
    let refused = |name: &str| r.telemetry.counter_total(name, &[("processor", "memory_limiter")]);
    assert_eq!(refused("otelcol_processor_refused_log_records_total"), 15);
    assert_eq!(refused("otelcol_processor_memory_limiter_refused_log_records_total"), 15);
    assert_eq!(refused("otelcol_processor_memory_limiter_accepted_log_records_total"), 10);

    // Back below: accept, and the vote is withdrawn.
    r.fake.set(799 * MIB);
    assert!(!r.limiter.check_at(t0 + Duration::from_secs(2)).unwrap().refusing);
    out.clear();
    p.process(batch, &mut out).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(receiver.check(None), Admit::Full);
    assert_eq!(r.fake.releases.load(Ordering::Relaxed), 0);
}

#[test]
fn above_the_hard_limit_the_allocator_is_asked_and_an_effective_release_lifts_the_refusal() {
    let r = rig(json!({}));
    let t0 = Instant::now();
    r.fake.set(1000 * MIB);
    *r.fake.after_release.lock().unwrap() = Some(600 * MIB);
    let o = r.limiter.check_at(t0 + Duration::from_millis(1)).unwrap();
    assert_eq!(o, super::limiter::CheckOutcome { used: 600 * MIB, refusing: false, released: true });
    assert_eq!(r.fake.releases.load(Ordering::Relaxed), 1);
    assert!(!r.limiter.must_refuse());
    assert_eq!(r.telemetry.counter_total("dbintel_memory_limiter_releases_total", &[]), 1);
}

#[test]
fn ineffective_releases_back_off_up_to_the_cap() {
    // Hard limit path: min 0, max 30s; check_interval 1s, so the first backoff is 2 x 0.95s.
    let r = rig(json!({}));
    let t0 = Instant::now();
    r.fake.set(1100 * MIB);
    let at = |ms: u64| t0 + Duration::from_millis(ms);
    assert!(r.limiter.check_at(at(1)).unwrap().released);
    assert!(r.limiter.must_refuse(), "memory did not go down: still refusing");
    // Next tick, 1s later: within the 1.9s backoff, no release.
    assert!(!r.limiter.check_at(at(1001)).unwrap().released);
    assert!(r.limiter.check_at(at(2001)).unwrap().released, "after 1.9s");
    // The backoff doubled to 3.8s.
    assert!(!r.limiter.check_at(at(5001)).unwrap().released);
    assert!(r.limiter.check_at(at(6001)).unwrap().released);
    let mut t = 6001;
    for _ in 0..20 {
        t += 31_000;
        assert!(r.limiter.check_at(at(t)).unwrap().released, "capped at 30s");
    }
    assert_eq!(r.telemetry.counter_total("dbintel_memory_limiter_ineffective_releases_total", &[]), 23);
    // Memory drops by itself (5% or more): the backoff resets, the next release is at once.
    r.fake.set(1040 * MIB);
    assert!(
        r.limiter.check_at(at(t + 10)).unwrap().released,
        "the drop reset the backoff and min_gc_interval_when_hard_limited is 0"
    );
    assert!(
        !r.limiter.check_at(at(t + 1010)).unwrap().released,
        "that release was ineffective: backoff again"
    );

    // Soft path: a release only after min_gc_interval_when_soft_limited (10s) since the last.
    let r = rig(json!({"max_gc_interval_when_soft_limited": "0s"}));
    r.fake.set(900 * MIB);
    assert!(!r.limiter.check_at(t0 + Duration::from_secs(5)).unwrap().released);
    assert!(r.limiter.check_at(t0 + Duration::from_secs(11)).unwrap().released);
    assert!(!r.limiter.check_at(t0 + Duration::from_secs(15)).unwrap().released);
    assert!(r.limiter.check_at(t0 + Duration::from_secs(22)).unwrap().released, "no backoff: every 10s");
}

#[test]
fn a_failed_reading_keeps_the_verdict_and_is_counted() {
    let r = rig(json!({}));
    r.fake.set(900 * MIB);
    assert!(r.limiter.check_at(Instant::now()).unwrap().refusing);
    r.fake.failing.store(true, Ordering::Relaxed);
    assert_eq!(r.limiter.check_at(Instant::now()), None);
    assert!(r.limiter.must_refuse());
    assert_eq!(r.telemetry.counter_total("dbintel_memory_limiter_read_errors_total", &[]), 1);
    r.fake.failing.store(false, Ordering::Relaxed);
    r.fake.set(100 * MIB);
    assert!(!r.limiter.check_at(Instant::now()).unwrap().refusing);
}

fn ctx(host: &Host, health: &HealthRegistry, pipeline: &str) -> ProcessorContext {
    let id: ComponentId = "memory_limiter".parse().unwrap();
    ProcessorContext {
        id: id.clone(),
        pipeline: pipeline.parse().unwrap(),
        host: host.clone(),
        health: health.register(ComponentKind::Processor, id),
        telemetry: Registry::new(),
    }
}

#[test]
fn one_limiter_per_component_its_checker_runs_while_any_pipeline_does() {
    let host = Host::new();
    let health = HealthRegistry::new();
    let telemetry = Registry::new();
    let id: ComponentId = "memory_limiter".parse().unwrap();
    let mut cc = dbintel_core::CreateContext::new(id.clone(), telemetry.clone());
    cc.host = host.clone();
    // A limit far above this process: nothing is refused, but the checker reads real memory.
    let config = json!({"check_interval": "10ms", "limit_mib": 1_000_000});
    let build = |pipeline: &str| {
        let mut cc = cc.clone();
        cc.pipeline = Some(pipeline.parse().unwrap());
        match MemoryLimiterFactory.create(&cc, &config) {
            Ok(dbintel_core::Built::Processor(p)) => p,
            _ => panic!("builds"),
        }
    };
    let (mut logs_p, mut metrics_p) = (build("logs"), build("metrics"));
    let shared = host.shared(&id, || -> Limiter { unreachable!("built already") });
    assert_eq!(Arc::strong_count(&shared), 4, "the host's, ours and each processor's: built once, shared");
    logs_p.start(&ctx(&host, &health, "logs")).unwrap();
    metrics_p.start(&ctx(&host, &health, "metrics")).unwrap();
    let used = || telemetry.snapshot().iter().any(|f| f.name == "dbintel_memory_limiter_memory_used_bytes");
    assert!(used());
    let deadline = Instant::now() + Duration::from_secs(10);
    let gauge =
        telemetry.gauge("dbintel_memory_limiter_memory_used_bytes", "", &[("processor", "memory_limiter")]);
    while gauge.get() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(gauge.get() > MIB as i64, "the checker read this process's RSS");
    // Force a refusal and see the last shutdown withdraw the vote.
    host.admission().set(
        "memory_limiter",
        dbintel_core::Scope::AllReceivers,
        Admit::Skip { reason: "x".into() },
    );
    logs_p.shutdown();
    let probe = host.admission().handle(&"postgresql".parse().unwrap());
    assert!(matches!(probe.check(None), Admit::Skip { .. }), "still one pipeline running");
    metrics_p.shutdown();
    assert_eq!(probe.check(None), Admit::Full, "the last one out withdraws the vote");
    // Dropping after shutdown does nothing more; dropping a started processor detaches it.
    drop(logs_p);
    let mut again = build("logs");
    again.start(&ctx(&host, &health, "logs")).unwrap();
    drop(again);
    assert_eq!(probe.check(None), Admit::Full);
}

#[test]
fn the_checker_thread_drives_health_and_admission() {
    let r = rig(json!({"check_interval": "5ms"}));
    let health = HealthRegistry::new();
    let handle = health.register(ComponentKind::Processor, "memory_limiter".parse().unwrap());
    handle.ok();
    let receiver = r.admission.handle(&"mysql".parse().unwrap());
    let status = || health.snapshot()[0].status.clone();
    let wait = |what: &str, done: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(2));
        }
    };
    r.fake.set(850 * MIB);
    r.limiter.attach(Some(handle)).unwrap();
    wait("refusal", &|| r.limiter.must_refuse());
    wait("health", &|| status().name() == "recoverable_error");
    let Some(message) = status().error().map(str::to_string) else { panic!("an error message") };
    assert_eq!(message, "data refused: memory 850 MiB is above the soft limit 800 MiB");
    assert!(status().is_running(), "still running: health_check keeps answering 200 and shows it");
    assert!(matches!(receiver.check(None), Admit::Skip { .. }));
    r.fake.set(100 * MIB);
    wait("resume", &|| !r.limiter.must_refuse());
    wait("health ok", &|| status().name() == "ok");
    assert_eq!(receiver.check(None), Admit::Full);
    r.limiter.detach();
    r.limiter.detach(); // a second detach is harmless
}
