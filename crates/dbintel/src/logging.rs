//! Process logging through tracing, configured by `service.telemetry.logs`.

use std::io::{IsTerminal, Write};

use dbintel_config::Redactor;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Installs the global subscriber. `DBINTEL_LOG` (an EnvFilter directive) overrides the level.
/// Every line goes through `redactor`, so no value from a `${env:...}`/`${file:...}` placeholder
/// reaches the log in any shape, whichever component prints it.
pub fn init(level: &str, json: bool, redactor: &Redactor) {
    let filter = std::env::var("DBINTEL_LOG")
        .ok()
        .and_then(|d| EnvFilter::try_new(d).ok())
        .unwrap_or_else(|| EnvFilter::new(level));
    // Logs go to stderr so the console exporter owns stdout.
    // Colours only on a terminal: files and log shippers get plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(RedactingStderr(redactor.clone()))
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    if json { install(builder.json().flatten_event(true).finish()) } else { install(builder.finish()) }
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

/// Stderr, with placeholder values hidden. The fmt layer writes each event with one `write_all`, so
/// each write is one whole line.
struct RedactingStderr(Redactor);

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingWriter<'a>;
    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(&self.0)
    }
}

struct RedactingWriter<'a>(&'a Redactor);

impl Write for RedactingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut err = std::io::stderr().lock();
        if self.0.is_empty() {
            return err.write(buf);
        }
        let text = String::from_utf8_lossy(buf);
        err.write_all(self.0.redact_values(&text).as_bytes())?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
