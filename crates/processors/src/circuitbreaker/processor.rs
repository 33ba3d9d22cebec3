//! The `circuit_breaker` processor: `cb.state` on records, open databases' records passed or dropped,
//! the global breaker's guards (batches per second, resident memory, CPU) and health.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dbintel_core::breaker::{BreakerRegistry, BreakerState, FailureKind, Outcome};
use dbintel_core::health::HealthHandle;
use dbintel_core::pdata::{Attributes, SignalData, Value};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{Processor, ProcessorContext, ProcessorError};

use super::{CircuitBreakerConfig, OpenRecords};

/// The attribute stamped on every record (verification reads it).
pub const STATE_ATTRIBUTE: &str = "cb.state";

/// What the guards read: resident bytes and CPU seconds of the process (`None`: unreadable).
pub type Readings = Box<dyn FnMut() -> (Option<u64>, Option<f64>) + Send>;

fn proc_readings() -> Readings {
    Box::new(|| {
        (dbintel_extensions::process_metrics::rss_bytes(), dbintel_extensions::process_metrics::cpu_seconds())
    })
}

#[cfg(test)]
pub(super) fn proc_readings_for_test() -> Readings {
    proc_readings()
}

struct Counters {
    dropped: Counter,
    trip_throughput: Counter,
    trip_memory: Counter,
    trip_cpu: Counter,
}

pub struct CircuitBreaker {
    config: CircuitBreakerConfig,
    registry: BreakerRegistry,
    counters: Counters,
    health: Option<HealthHandle>,
    readings: Readings,
    cpus: f64,
    /// The throughput guard's 1-second window: its start and the batches in it.
    window_start: Instant,
    window_batches: u64,
    next_health: tokio::time::Instant,
    last_cpu: Option<(Instant, f64)>,
    /// The troubled-database view last published to health (pointer compare).
    last_published: Option<Arc<BTreeMap<String, BreakerState>>>,
    last_global: BreakerState,
}

impl CircuitBreaker {
    pub fn new(
        config: CircuitBreakerConfig,
        registry: BreakerRegistry,
        telemetry: &Registry,
        id: &str,
    ) -> Self {
        Self::with_readings(config, registry, telemetry, id, proc_readings())
    }

    /// With the guards' readings injected (tests).
    pub fn with_readings(
        config: CircuitBreakerConfig,
        registry: BreakerRegistry,
        telemetry: &Registry,
        id: &str,
        readings: Readings,
    ) -> Self {
        let trip = |guard: &str| {
            telemetry.counter(
                "dbintel_circuit_breaker_guard_trips_total",
                "Health checks or seconds in which a guard of the global breaker found the collector over its limit.",
                &[("processor", id), ("guard", guard)],
            )
        };
        let counters = Counters {
            dropped: telemetry.counter(
                "dbintel_circuit_breaker_records_dropped_total",
                "Records of databases whose breaker is open, dropped (open_records: drop).",
                &[("processor", id)],
            ),
            trip_throughput: trip("throughput"),
            trip_memory: trip("memory"),
            trip_cpu: trip("cpu"),
        };
        let interval = config.health_check_interval.get();
        CircuitBreaker {
            config,
            registry,
            counters,
            health: None,
            readings,
            cpus: std::thread::available_parallelism().map(|n| n.get() as f64).unwrap_or(1.0),
            window_start: Instant::now(),
            window_batches: 0,
            next_health: dbintel_core::duration::deadline_after(tokio::time::Instant::now(), interval),
            last_cpu: None,
            last_published: None,
            last_global: BreakerState::Closed,
        }
    }

    /// The throughput guard: each 1-second window above `max_batches_per_second` is a global failure.
    pub fn count_batch(&mut self, now: Instant) {
        if self.config.max_batches_per_second == 0 {
            return;
        }
        if now.saturating_duration_since(self.window_start) >= Duration::from_secs(1) {
            self.window_start = now;
            self.window_batches = 0;
        }
        self.window_batches += 1;
        // Once per window, at the batch that crosses the limit.
        if self.window_batches == self.config.max_batches_per_second + 1 {
            self.counters.trip_throughput.inc();
            self.registry.record_global_at(Outcome::Failure(FailureKind::Overload), now);
        }
    }

    /// The memory and CPU guards, run every `health_check_interval`: a reading over its limit is a
    /// global failure, a check with every guard under its limit a success.
    pub fn health_check(&mut self, now: Instant) {
        let (rss, cpu) = (self.readings)();
        let mut over = false;
        if self.config.memory_threshold_mb > 0
            && let Some(rss) = rss
        {
            let limit = self.config.memory_threshold_mb.saturating_mul(1 << 20) as f64 * 0.8;
            if rss as f64 > limit {
                over = true;
                self.counters.trip_memory.inc();
            }
        }
        if let Some(cpu) = cpu {
            if self.config.cpu_threshold_percent > 0.0
                && let Some((then, before)) = self.last_cpu
            {
                let wall = now.saturating_duration_since(then).as_secs_f64();
                if wall > 0.0 {
                    let percent = (cpu - before).max(0.0) / wall / self.cpus * 100.0;
                    if percent > self.config.cpu_threshold_percent {
                        over = true;
                        self.counters.trip_cpu.inc();
                    }
                }
            }
            self.last_cpu = Some((now, cpu));
        }
        let outcome = if over {
            Outcome::Failure(FailureKind::Overload)
        } else {
            Outcome::Success { elapsed: Duration::ZERO }
        };
        self.registry.record_global_at(outcome, now);
        self.registry.poll_at(now);
        self.publish_health(true);
    }

    /// Health: recoverable while any breaker is open (naming the databases), ok otherwise.
    fn publish_health(&mut self, force: bool) {
        let troubled = self.registry.troubled_databases();
        let global = self.registry.global_state();
        let same = self.last_published.as_ref().is_some_and(|p| Arc::ptr_eq(p, &troubled))
            && global == self.last_global;
        if same && !force {
            return;
        }
        self.last_published = Some(troubled.clone());
        self.last_global = global;
        let Some(health) = &self.health else { return };
        let open: Vec<&str> =
            troubled.iter().filter(|(_, s)| **s == BreakerState::Open).map(|(d, _)| d.as_str()).collect();
        if global == BreakerState::Open {
            health.recoverable("circuit breaker: the global breaker is open (the collector is over its throughput, memory or CPU limits); receivers pause");
        } else if !open.is_empty() {
            health.recoverable(format!(
                "circuit breaker open for database(s) {}: the collector leaves them alone until they answer again",
                open.join(", ")
            ));
        } else {
            health.ok();
        }
    }
}

/// The worst breaker state named by `attrs`: each configured attribute present is looked up
/// (PostgreSQL's breakers are keyed by database name, the mysql receiver's by its endpoint,
/// `mysql.instance.endpoint` on the resource). One keyed lookup per configured name (a summary-bit
/// test when absent), and a run of records naming the same database reuses the last answer instead
/// of searching the troubled map again.
fn state_of(
    names: &[String],
    troubled: &BTreeMap<String, BreakerState>,
    last: &mut Option<(String, BreakerState)>,
    attrs: &Attributes,
) -> BreakerState {
    let mut state = BreakerState::Closed;
    for name in names {
        let Some(db) = attrs.get(name).and_then(|v| v.as_str()) else { continue };
        let s = match last {
            Some((d, s)) if d == db => *s,
            _ => {
                let s = troubled.get(db).copied().unwrap_or(BreakerState::Closed);
                match last {
                    // Reuses the cached name's buffer: no allocation per run once it is big enough.
                    Some((d, cached)) => {
                        d.clear();
                        d.push_str(db);
                        *cached = s;
                    }
                    None => *last = Some((db.to_string(), s)),
                }
                s
            }
        };
        state = state.max(s);
    }
    state
}

/// Sets `cb.state` to `state` without allocating when the record already carries it (a replayed or
/// re-processed record, a second breaker in the chain): equal, nothing; another state, the
/// string's buffer is reused.
#[inline]
fn stamp(attrs: &mut Attributes, state: &'static str) {
    match attrs.get_mut(STATE_ATTRIBUTE) {
        Some(Value::Str(s)) => {
            if s != state {
                s.clear();
                s.push_str(state);
            }
        }
        Some(v) => *v = Value::from(state),
        None => attrs.insert(STATE_ATTRIBUTE, state),
    }
}

impl Processor for CircuitBreaker {
    fn process(
        &mut self,
        data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        let now = Instant::now();
        self.count_batch(now);
        self.registry.poll_at(now);
        self.publish_health(false);
        if !matches!(&*data, SignalData::Logs(_)) {
            out.push(data);
            return Ok(());
        }
        let troubled = self.registry.troubled_databases();
        let global = self.registry.global_state();
        let dropping = self.config.open_records == OpenRecords::Drop
            && troubled.values().any(|s| *s == BreakerState::Open);
        if !self.config.add_state_attribute && !dropping {
            out.push(data);
            return Ok(());
        }
        let mut data = data;
        let mut dropped = 0u64;
        let stamping = self.config.add_state_attribute;
        let names = &self.config.database_attributes;
        // The last database name looked up and its state: records come in runs of one database.
        let mut last: Option<(String, BreakerState)> = None;
        if let SignalData::Logs(logs) = Arc::make_mut(&mut data) {
            for rl in &mut logs.resource_logs {
                if troubled.is_empty() {
                    // Every database closed: one state for the whole batch, no lookups.
                    let state = global.as_str();
                    for sl in &mut rl.scope_logs {
                        for r in &mut sl.log_records {
                            stamp(&mut r.attributes, state);
                        }
                    }
                    continue;
                }
                let resource_state = state_of(names, &troubled, &mut last, &rl.resource.attributes);
                for sl in &mut rl.scope_logs {
                    let before = sl.log_records.len();
                    sl.log_records.retain_mut(|r| {
                        let db_state =
                            state_of(names, &troubled, &mut last, &r.attributes).max(resource_state);
                        if dropping && db_state == BreakerState::Open {
                            return false;
                        }
                        if stamping {
                            stamp(&mut r.attributes, db_state.max(global).as_str());
                        }
                        true
                    });
                    dropped += (before - sl.log_records.len()) as u64;
                }
                if dropping {
                    rl.scope_logs.retain(|s| !s.log_records.is_empty());
                }
            }
            if dropping {
                logs.resource_logs.retain(|r| !r.scope_logs.is_empty());
            }
        }
        if dropped > 0 {
            self.counters.dropped.add(dropped);
        }
        if data.item_count() > 0 {
            out.push(data);
        }
        Ok(())
    }

    /// Not held data: its timer is the health check; it holds no data.
    fn holds_data(&self) -> bool {
        false
    }

    fn next_deadline(&self) -> Option<tokio::time::Instant> {
        Some(self.next_health)
    }

    fn on_timer(&mut self, _out: &mut Vec<Arc<SignalData>>) {
        self.health_check(Instant::now());
        self.next_health = dbintel_core::duration::deadline_after(
            tokio::time::Instant::now(),
            self.config.health_check_interval.get(),
        );
    }

    fn start(&mut self, ctx: &ProcessorContext) -> Result<(), ProcessorError> {
        self.health = Some(ctx.health.clone());
        // A first CPU reading, so the first check has a baseline.
        let (_, cpu) = (self.readings)();
        self.last_cpu = cpu.map(|c| (Instant::now(), c));
        self.publish_health(true);
        Ok(())
    }

    fn mutates_data(&self) -> bool {
        true
    }
}
