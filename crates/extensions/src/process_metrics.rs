//! Process self-telemetry (uptime, resident memory, CPU time), read from /proc at scrape time.

use std::time::Instant;

use dbintel_core::telemetry::Registry;

/// Registers `otelcol_process_*` gauges that read the process state when scraped.
pub fn register(registry: &Registry) {
    let started = Instant::now();
    registry.gauge_fn(
        "otelcol_process_uptime_seconds",
        "Seconds since the collector started.",
        &[],
        move || started.elapsed().as_secs_f64(),
    );
    registry.gauge_fn(
        "otelcol_process_memory_rss_bytes",
        "Resident memory of the collector process.",
        &[],
        || rss_bytes().unwrap_or(0) as f64,
    );
    registry.gauge_fn(
        "otelcol_process_cpu_seconds",
        "CPU time (user + system) the collector has used.",
        &[],
        || cpu_seconds().unwrap_or(0.0),
    );
}

/// Resident set size from /proc/self/statm (pages * page size; Linux pages are 4 KiB here).
pub fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// utime + stime from /proc/self/stat, in seconds (clock ticks at the usual 100 Hz).
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_this_process() {
        assert!(super::rss_bytes().unwrap() > 0);
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = x.wrapping_add(i * i);
        }
        assert!(x > 0);
        assert!(super::cpu_seconds().is_some());
    }
}
