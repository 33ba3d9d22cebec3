//! Process logging through tracing, configured by `service.telemetry.logs`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `DBINTEL_LOG` (an EnvFilter directive) overrides the level.
pub fn init(level: &str, json: bool) {
    let filter = std::env::var("DBINTEL_LOG")
        .ok()
        .and_then(|d| EnvFilter::try_new(d).ok())
        .unwrap_or_else(|| EnvFilter::new(level));
    // Logs go to stderr so the console exporter owns stdout.
    // Colours only on a terminal: files and log shippers get plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    // An error means a subscriber is already installed; keeping it is right.
    let _ = if json { builder.json().flatten_event(true).try_init() } else { builder.try_init() };
}
