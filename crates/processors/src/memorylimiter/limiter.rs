//! The limiter one `memory_limiter` component shares across its pipelines: the memory reading, the
//! refuse flag the processors read, the admission vote, the release backoff and the checker thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use dbintel_core::admission::{AdmissionRegistry, Admit, Scope};
use dbintel_core::health::HealthHandle;
use dbintel_core::telemetry::{Counter, Gauge, Registry};
use tracing::{debug, info, warn};

use super::{Limits, MIB, MemoryLimiterConfig};

/// A release that gives back less than this share (percent) of memory is ineffective and backs off.
const EFFECTIVE_PERCENT: u64 = 5;

/// The admission skip reason (also the `reason` label of `dbintel_receiver_throttled_scrapes_total`).
pub const SKIP_REASON: &str = "memory above the soft limit";

/// Where the limiter reads memory use and asks for memory back; injected in tests.
pub trait MemorySource: Send + Sync {
    /// Bytes the process uses now.
    fn used_bytes(&self) -> std::io::Result<u64>;
    /// Asks the allocator to return free memory to the system; `false` when it cannot.
    fn release(&self) -> bool;
}

/// The process itself: resident set size from `/proc/self/statm`; release through the function the
/// binary registered for its allocator (none registered: nothing to ask, `release` says `false`).
#[derive(Debug, Clone)]
pub struct ProcessMemory {
    page_size: u64,
}

impl Default for ProcessMemory {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessMemory {
    pub fn new() -> Self {
        ProcessMemory { page_size: rustix::param::page_size() as u64 }
    }
}

/// Resident pages (second field of `/proc/self/statm`) times the page size.
pub fn statm_resident_bytes(statm: &str, page_size: u64) -> Option<u64> {
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    pages.checked_mul(page_size)
}

impl MemorySource for ProcessMemory {
    fn used_bytes(&self) -> std::io::Result<u64> {
        let statm = std::fs::read_to_string("/proc/self/statm")?;
        statm_resident_bytes(&statm, self.page_size).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "unexpected /proc/self/statm format")
        })
    }

    fn release(&self) -> bool {
        trim_allocator()
    }
}

/// The allocator keeps freed memory for reuse; the binary registers how to make it hand free pages
/// back to the system (`dbintel_core::host::set_allocator_release`: mimalloc's collect), which is
/// what lowers RSS after refused data is dropped.
fn trim_allocator() -> bool {
    dbintel_core::host::release_allocator_memory()
}

/// What a check decides, for callers that want it (tests, logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckOutcome {
    pub used: u64,
    pub refusing: bool,
    pub released: bool,
}

struct CheckState {
    last_release: Instant,
    /// The previous reading (to judge whether a release was effective).
    last_used: u64,
    /// Current backoff of the release interval per path (0: none).
    soft_backoff: Duration,
    hard_backoff: Duration,
    read_failing: bool,
}

struct Runner {
    /// Processors started and not yet shut down (one per pipeline the component is in).
    refs: usize,
    thread: Option<JoinHandle<()>>,
}

struct Telemetry {
    used: Gauge,
    refusing: Gauge,
    releases: Counter,
    ineffective_releases: Counter,
    read_errors: Counter,
}

/// One per `memory_limiter` component ID (shared through `Host::shared`).
pub struct Limiter {
    id: String,
    limits: Limits,
    check_interval: Duration,
    min_soft: Duration,
    min_hard: Duration,
    max_soft: Duration,
    max_hard: Duration,
    source: Arc<dyn MemorySource>,
    admission: AdmissionRegistry,
    refusing: AtomicBool,
    state: Mutex<CheckState>,
    health: Mutex<Vec<HealthHandle>>,
    runner: Mutex<Runner>,
    /// Set to stop the checker; paired with `wake`.
    stop: Mutex<bool>,
    wake: Condvar,
    telemetry: Telemetry,
}

impl Limiter {
    pub fn new(
        id: String,
        limits: Limits,
        config: &MemoryLimiterConfig,
        source: Arc<dyn MemorySource>,
        admission: AdmissionRegistry,
        registry: &Registry,
    ) -> Limiter {
        let labels = [("processor", id.as_str())];
        for (which, bytes) in [("hard", limits.hard), ("soft", limits.soft())] {
            registry
                .gauge(
                    "dbintel_memory_limiter_limit_bytes",
                    "The memory limiter's limits in bytes of resident memory (hard, and soft = hard - spike).",
                    &[("processor", id.as_str()), ("limit", which)],
                )
                .set(i64::try_from(bytes).unwrap_or(i64::MAX));
        }
        let telemetry = Telemetry {
            used: registry.gauge(
                "dbintel_memory_limiter_memory_used_bytes",
                "Resident memory at the memory limiter's last check.",
                &labels,
            ),
            refusing: registry.gauge(
                "dbintel_memory_limiter_refusing",
                "1 while the memory limiter refuses data (memory at or above the soft limit).",
                &labels,
            ),
            releases: registry.counter(
                "dbintel_memory_limiter_releases_total",
                "Times the memory limiter asked the allocator to return free memory (the Collector's forced GC).",
                &labels,
            ),
            ineffective_releases: registry.counter(
                "dbintel_memory_limiter_ineffective_releases_total",
                "Releases that gave back less than 5% while still above the soft limit (the next one backs off).",
                &labels,
            ),
            read_errors: registry.counter(
                "dbintel_memory_limiter_read_errors_total",
                "Checks where the process's memory could not be read (the previous verdict stays).",
                &labels,
            ),
        };
        Limiter {
            id,
            limits,
            check_interval: config.check_interval.get(),
            min_soft: config.min_gc_interval_when_soft_limited.get(),
            min_hard: config.min_gc_interval_when_hard_limited.get(),
            max_soft: config.max_gc_interval_when_soft_limited.get(),
            max_hard: config.max_gc_interval_when_hard_limited.get(),
            source,
            admission,
            refusing: AtomicBool::new(false),
            state: Mutex::new(CheckState {
                last_release: Instant::now(),
                last_used: 0,
                soft_backoff: Duration::ZERO,
                hard_backoff: Duration::ZERO,
                read_failing: false,
            }),
            health: Mutex::new(Vec::new()),
            runner: Mutex::new(Runner { refs: 0, thread: None }),
            stop: Mutex::new(false),
            wake: Condvar::new(),
            telemetry,
        }
    }

    /// The component ID (also the admission setter and the `processor` label).
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Whether data must be refused now (one atomic load; set by the checks).
    #[inline]
    pub fn must_refuse(&self) -> bool {
        self.refusing.load(Ordering::Acquire)
    }

    /// One check at `now`: read memory, release at the soft/hard limit when the intervals allow,
    /// and set the refuse flag, the admission vote and health on a change.
    pub fn check_at(&self, now: Instant) -> Option<CheckOutcome> {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut used = match self.source.used_bytes() {
            Ok(v) => {
                if st.read_failing {
                    st.read_failing = false;
                    info!(processor = %self.id, "Memory limiter reads the process's memory again.");
                }
                v
            }
            Err(e) => {
                self.telemetry.read_errors.inc();
                if !st.read_failing {
                    st.read_failing = true;
                    warn!(processor = %self.id, error = %e,
                        "Memory limiter cannot read the process's memory; it keeps its last verdict (logged once until it can; counted in dbintel_memory_limiter_read_errors_total).");
                }
                return None;
            }
        };
        let mut above_soft = self.classify(&mut st, used, false);
        let mut released = false;
        if above_soft {
            let hard = used >= self.limits.hard;
            let gate =
                if hard { self.min_hard.max(st.hard_backoff) } else { self.min_soft.max(st.soft_backoff) };
            if now.saturating_duration_since(st.last_release) > gate && self.source.release() {
                released = true;
                st.last_release = now;
                self.telemetry.releases.inc();
                if let Ok(after) = self.source.used_bytes() {
                    debug!(processor = %self.id, before_mib = used / MIB, after_mib = after / MIB,
                        hard, "Memory limiter asked the allocator to release free memory.");
                    used = after;
                    above_soft = self.classify(&mut st, used, true);
                }
            }
        }
        self.telemetry.used.set(i64::try_from(used).unwrap_or(i64::MAX));
        let was = self.refusing.swap(above_soft, Ordering::AcqRel);
        drop(st);
        if above_soft != was {
            self.transition(above_soft, used);
        }
        Some(CheckOutcome { used, refusing: above_soft, released })
    }

    /// Whether `used` is at or above the soft limit; updates the release backoff (a reading 5% or
    /// more below the previous one, or below the soft limit, resets it; an ineffective release
    /// doubles it).
    fn classify(&self, st: &mut CheckState, used: u64, after_release: bool) -> bool {
        let above = used >= self.limits.soft();
        let effective = !above || used <= st.last_used / 100 * (100 - EFFECTIVE_PERCENT);
        st.last_used = used;
        if effective {
            st.soft_backoff = Duration::ZERO;
            st.hard_backoff = Duration::ZERO;
        } else if after_release {
            self.telemetry.ineffective_releases.inc();
            st.soft_backoff = self.next_backoff(st.soft_backoff, self.min_soft, self.max_soft);
            st.hard_backoff = self.next_backoff(st.hard_backoff, self.min_hard, self.max_hard);
            debug!(processor = %self.id, soft = ?st.soft_backoff, hard = ?st.hard_backoff,
                "Release gave back little memory; the next one backs off.");
        }
        above
    }

    /// The next release interval after an ineffective one: from max(min, 95% of check_interval),
    /// doubling, capped at max(max, min); `max == 0` pins it to `min`.
    fn next_backoff(&self, current: Duration, min: Duration, max: Duration) -> Duration {
        if max.is_zero() {
            return min;
        }
        let floor = min.max(self.check_interval.mul_f64(0.95));
        current.max(floor).saturating_mul(2).min(max.max(min))
    }

    fn transition(&self, refusing: bool, used: u64) {
        let (used_mib, soft_mib) = (used / MIB, self.limits.soft() / MIB);
        let health = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        if refusing {
            warn!(processor = %self.id, used_mib, soft_limit_mib = soft_mib, hard_limit_mib = self.limits.hard / MIB,
                "Memory usage is above the soft limit: refusing data and holding every receiver until it is back below (refusals counted in otelcol_processor_refused_*).");
            self.admission.set(&self.id, Scope::AllReceivers, Admit::Skip { reason: SKIP_REASON.into() });
            self.telemetry.refusing.set(1);
            for h in health.iter() {
                h.recoverable(format!(
                    "data refused: memory {used_mib} MiB is above the soft limit {soft_mib} MiB"
                ));
            }
        } else {
            info!(processor = %self.id, used_mib, soft_limit_mib = soft_mib,
                "Memory usage is back below the soft limit: accepting data again.");
            self.admission.set(&self.id, Scope::AllReceivers, Admit::Full);
            self.telemetry.refusing.set(0);
            for h in health.iter() {
                h.ok();
            }
        }
    }

    /// A processor instance started: keeps its health handle and starts the checker with the
    /// first one (the first check runs at once).
    pub fn attach(self: &Arc<Self>, health: Option<HealthHandle>) -> std::io::Result<()> {
        if let Some(h) = health {
            let mut handles = self.health.lock().unwrap_or_else(PoisonError::into_inner);
            // One per pipeline the component is in; bounded all the same.
            if handles.len() < 256 {
                handles.push(h);
            }
        }
        let mut runner = self.runner.lock().unwrap_or_else(PoisonError::into_inner);
        runner.refs += 1;
        if runner.refs == 1 {
            *self.stop.lock().unwrap_or_else(PoisonError::into_inner) = false;
            let weak = Arc::downgrade(self);
            let spawned =
                std::thread::Builder::new().name("memory_limiter".into()).spawn(move || check_loop(weak));
            match spawned {
                Ok(thread) => runner.thread = Some(thread),
                Err(e) => {
                    runner.refs -= 1;
                    return Err(e);
                }
            }
            info!(processor = %self.id, hard_limit_mib = self.limits.hard / MIB,
                soft_limit_mib = self.limits.soft() / MIB, check_interval = ?self.check_interval,
                "Memory limiter started (resident memory).");
        }
        Ok(())
    }

    /// A processor instance shut down: the last one stops the checker and withdraws the vote.
    pub fn detach(&self) {
        let thread = {
            let mut runner = self.runner.lock().unwrap_or_else(PoisonError::into_inner);
            if runner.refs == 0 {
                return;
            }
            runner.refs -= 1;
            if runner.refs > 0 {
                return;
            }
            runner.thread.take()
        };
        *self.stop.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.wake.notify_all();
        if let Some(thread) = thread
            && thread.thread().id() != std::thread::current().id()
        {
            let _ = thread.join();
        }
        self.refusing.store(false, Ordering::Release);
        self.telemetry.refusing.set(0);
        self.admission.set(&self.id, Scope::AllReceivers, Admit::Full);
    }

    /// Sleeps until the next check is due; `false` when stopped.
    fn wait_next(&self) -> bool {
        let stop = self.stop.lock().unwrap_or_else(PoisonError::into_inner);
        if *stop {
            return false;
        }
        let (stop, _) = self
            .wake
            .wait_timeout_while(stop, self.check_interval, |s| !*s)
            .unwrap_or_else(PoisonError::into_inner);
        !*stop
    }
}

fn check_loop(limiter: Weak<Limiter>) {
    loop {
        let Some(l) = limiter.upgrade() else { return };
        l.check_at(Instant::now());
        if !l.wait_next() {
            return;
        }
    }
}
