//! Process logging through tracing, configured by `service.telemetry.logs` as the Collector's is:
//! level, `console`/`json` encoding, `output_paths` (stderr, stdout, files), `error_output_paths`,
//! `initial_fields`, the caller, and zap's per-message sampling.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use dbintel_config::{LogSampling, LogsTelemetry, Redactor};
use tracing::field::{Field, Visit};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Installs the global subscriber. `DBINTEL_LOG` (an EnvFilter directive) overrides the level.
/// Every line goes through `redactor`, so no value from a `${env:...}`/`${file:...}` placeholder
/// reaches the log in any shape, whichever component prints it. Fails when an output file cannot be
/// opened (the Collector does not start either).
pub fn init(logs: &LogsTelemetry, redactor: &Redactor) -> Result<(), String> {
    let filter = std::env::var("DBINTEL_LOG")
        .ok()
        .and_then(|d| EnvFilter::try_new(d).ok())
        .unwrap_or_else(|| EnvFilter::new(logs.level.as_str()));
    let outputs = Outputs::open(logs)?;
    let json = logs.encoding == dbintel_config::LogEncoding::Json;
    // Colours only when every output is a terminal: files and log shippers get plain text.
    let ansi = !json && outputs.all_terminals();
    let caller = !logs.disable_caller;
    let writer = Writer {
        outputs: Arc::new(outputs),
        redactor: redactor.clone(),
        fields: fields_text(logs, json),
        json,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi)
        .with_target(false)
        .with_file(caller)
        .with_line_number(caller);
    let sampler = logs.sampling.map(Sampler::new);
    if json {
        install(builder.json().flatten_event(true).finish().with(sampler));
    } else {
        install(builder.finish().with(sampler));
    }
    Ok(())
}

/// Crates whose `log` lines are never bridged into our logs: tokio-postgres logs every statement it
/// sends (and its parameters) at DEBUG, raw, and server notices at INFO without a component; the
/// postgresql receiver logs what matters itself, obfuscated and under its component id.
pub const UNBRIDGED_LOG_CRATES: &[&str] = &["tokio_postgres", "postgres_protocol"];

fn install<S>(subscriber: S)
where
    S: tracing::Subscriber + Send + Sync + 'static,
{
    // An error means a subscriber is already installed; keeping it is right.
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        return;
    }
    use tracing_log::AsLog;
    let mut bridge = tracing_log::LogTracer::builder()
        .with_max_level(tracing::level_filters::LevelFilter::current().as_log());
    for krate in UNBRIDGED_LOG_CRATES {
        bridge = bridge.ignore_crate(*krate);
    }
    let _ = bridge.init();
}

/// `initial_fields` as written on each line: JSON members (`"k":"v",`) spliced after the opening
/// brace, or, for the console, one JSON object at the end of the line as zap's console encoder does.
fn fields_text(logs: &LogsTelemetry, json: bool) -> String {
    if logs.initial_fields.is_empty() {
        return String::new();
    }
    let members: Vec<String> = logs
        .initial_fields
        .iter()
        .map(|(k, v)| {
            format!("{}:{}", serde_json::Value::from(k.as_str()), serde_json::Value::from(v.as_str()))
        })
        .collect();
    if json { format!("{},", members.join(",")) } else { format!("\t{{{}}}", members.join(",")) }
}

/// One destination of log lines.
enum Sink {
    Stderr,
    Stdout,
    File { path: String, file: Mutex<File>, failing: std::sync::atomic::AtomicBool },
}

impl Sink {
    fn open(path: &str) -> Result<Self, String> {
        match path {
            "stderr" => Ok(Sink::Stderr),
            "stdout" => Ok(Sink::Stdout),
            _ => {
                let p = path.strip_prefix("file://").unwrap_or(path);
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| format!("cannot open the log file `{p}`: {e}"))?;
                Ok(Sink::File { path: p.to_string(), file: Mutex::new(file), failing: false.into() })
            }
        }
    }

    fn write(&self, line: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Stderr => std::io::stderr().lock().write_all(line),
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(line).and_then(|()| out.flush())
            }
            Sink::File { file, .. } => file.lock().unwrap_or_else(PoisonError::into_inner).write_all(line),
        }
    }

    fn is_terminal(&self) -> bool {
        match self {
            Sink::Stderr => std::io::stderr().is_terminal(),
            Sink::Stdout => std::io::stdout().is_terminal(),
            Sink::File { .. } => false,
        }
    }
}

/// `output_paths` and `error_output_paths`, opened once.
struct Outputs {
    lines: Vec<Sink>,
    errors: Vec<Sink>,
}

impl Outputs {
    fn open(logs: &LogsTelemetry) -> Result<Self, String> {
        let open_all = |paths: &[String]| paths.iter().map(|p| Sink::open(p)).collect::<Result<Vec<_>, _>>();
        Ok(Self { lines: open_all(&logs.output_paths)?, errors: open_all(&logs.error_output_paths)? })
    }

    fn all_terminals(&self) -> bool {
        self.lines.iter().all(Sink::is_terminal)
    }

    /// Writes a line to every output. A file that fails is reported once per failing streak to the
    /// error outputs (zap's `error_output_paths`), without the line itself.
    fn write(&self, line: &[u8]) {
        for sink in &self.lines {
            let result = sink.write(line);
            if let Sink::File { path, failing, .. } = sink {
                match result {
                    Err(e) if !failing.swap(true, Ordering::Relaxed) => {
                        let msg = format!("dbintel: cannot write to the log file `{path}`: {e}\n");
                        for err in &self.errors {
                            let _ = err.write(msg.as_bytes());
                        }
                    }
                    Ok(()) => failing.store(false, Ordering::Relaxed),
                    Err(_) => {}
                }
            }
        }
    }
}

/// The fmt layer's writer: whole lines (the fmt layer writes each event with one `write_all`), with
/// placeholder values hidden and the initial fields added.
#[derive(Clone)]
struct Writer {
    outputs: Arc<Outputs>,
    redactor: Redactor,
    fields: String,
    json: bool,
}

impl<'a> MakeWriter<'a> for Writer {
    type Writer = LineWriter<'a>;
    fn make_writer(&'a self) -> Self::Writer {
        LineWriter(self)
    }
}

struct LineWriter<'a>(&'a Writer);

impl Write for LineWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let w = self.0;
        if w.redactor.is_empty() && w.fields.is_empty() {
            w.outputs.write(buf);
            return Ok(buf.len());
        }
        let text = String::from_utf8_lossy(buf);
        let mut text =
            if w.redactor.is_empty() { text.into_owned() } else { w.redactor.redact_values(&text) };
        if !w.fields.is_empty() {
            if w.json {
                if text.starts_with('{') && text.len() > 2 {
                    text.insert_str(1, &w.fields);
                }
            } else {
                let end = text.trim_end_matches('\n').len();
                text.insert_str(end, &w.fields);
            }
        }
        w.outputs.write(text.as_bytes());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The number of counters of the sampler (zap's): lines are counted per hash of level and message
/// in a fixed table, so memory stays bounded whatever the messages.
const SAMPLER_SLOTS: usize = 4096;

/// zap's sampler as a layer: per `tick`, the first `initial` lines with the same level and message
/// pass, then every `thereafter`-th (none when 0).
struct Sampler {
    config: LogSampling,
    started: Instant,
    /// Per slot: the tick number (high 32 bits) and the count in that tick (low 32 bits).
    slots: Box<[AtomicU64]>,
}

impl Sampler {
    fn new(config: LogSampling) -> Self {
        Self {
            config,
            started: Instant::now(),
            slots: (0..SAMPLER_SLOTS).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Whether the `n`-th line of a tick passes.
    fn admits(&self, n: u64) -> bool {
        let initial = u64::from(self.config.initial);
        if n <= initial {
            return true;
        }
        let thereafter = u64::from(self.config.thereafter);
        thereafter > 0 && (n - initial).is_multiple_of(thereafter)
    }

    fn count(&self, slot: usize) -> u64 {
        let tick_nanos = self.config.tick.as_nanos().max(1);
        let tick = ((self.started.elapsed().as_nanos() / tick_nanos) as u64) & 0xffff_ffff;
        let cell = &self.slots[slot];
        let mut current = cell.load(Ordering::Relaxed);
        loop {
            let next = if current >> 32 == tick { current.saturating_add(1) } else { (tick << 32) | 1 };
            match cell.compare_exchange_weak(current, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return next & 0xffff_ffff,
                Err(actual) => current = actual,
            }
        }
    }
}

/// Hashes the `message` field of an event.
struct MessageHash<'h>(&'h mut std::collections::hash_map::DefaultHasher);

impl Visit for MessageHash<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            value.hash(self.0);
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            struct HashWrite<'h>(&'h mut std::collections::hash_map::DefaultHasher);
            impl std::fmt::Write for HashWrite<'_> {
                fn write_str(&mut self, s: &str) -> std::fmt::Result {
                    self.0.write(s.as_bytes());
                    Ok(())
                }
            }
            let _ = std::fmt::write(&mut HashWrite(self.0), format_args!("{value:?}"));
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for Sampler {
    fn event_enabled(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) -> bool {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        event.metadata().level().hash(&mut hasher);
        event.record(&mut MessageHash(&mut hasher));
        let slot = (hasher.finish() as usize) % SAMPLER_SLOTS;
        self.admits(self.count(slot))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn sampler_passes_initial_then_every_thereafter() {
        let s = Sampler::new(LogSampling { tick: Duration::from_secs(3600), initial: 2, thereafter: 3 });
        let passed: Vec<bool> = (0..8).map(|_| s.admits(s.count(7))).collect();
        assert_eq!(passed, vec![true, true, false, false, true, false, false, true]);
        // Another slot counts on its own.
        assert!(s.admits(s.count(8)));
        let none_after =
            Sampler::new(LogSampling { tick: Duration::from_secs(3600), initial: 1, thereafter: 0 });
        assert!(none_after.admits(none_after.count(0)));
        assert!(!none_after.admits(none_after.count(0)));
    }

    #[test]
    fn a_failing_log_file_is_reported_once_per_streak_to_the_error_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let errors = dir.path().join("errors.log");
        let logs = LogsTelemetry {
            // /dev/full refuses every write (ENOSPC).
            output_paths: vec!["/dev/full".into()],
            error_output_paths: vec![errors.display().to_string()],
            ..LogsTelemetry::default()
        };
        let outputs = Outputs::open(&logs).unwrap();
        outputs.write(b"line one with a secret-ish payload\n");
        outputs.write(b"line two\n");
        let text = std::fs::read_to_string(&errors).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("cannot write to the log file `/dev/full`"), "{text}");
        assert!(!text.contains("payload"), "{text}");
        // A file that cannot be opened stops the start, naming it.
        let bad =
            LogsTelemetry { output_paths: vec!["/no/such/dir/x.log".into()], ..LogsTelemetry::default() };
        assert!(Outputs::open(&bad).err().unwrap_or_default().contains("/no/such/dir/x.log"));
    }

    #[test]
    fn initial_fields_are_spliced_into_json_and_appended_to_console_lines() {
        let logs = LogsTelemetry {
            initial_fields: vec![("service".into(), "db \"one\"".into()), ("n".into(), "1".into())],
            ..LogsTelemetry::default()
        };
        assert_eq!(fields_text(&logs, true), r#""service":"db \"one\"","n":"1","#);
        assert_eq!(fields_text(&logs, false), "\t{\"service\":\"db \\\"one\\\"\",\"n\":\"1\"}");
    }
}
