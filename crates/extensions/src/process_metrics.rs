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

/// The system's page size in bytes, as the kernel reports it (auxv `AT_PAGESZ`; not assumed 4 KiB:
/// arm64 and ppc64 kernels often use 16 or 64 KiB pages).
pub fn page_size() -> u64 {
    rustix::param::page_size() as u64
}

/// Clock ticks per second (`sysconf(_SC_CLK_TCK)`, auxv `AT_CLKTCK`) that /proc/*/stat times count in.
pub fn clock_ticks_per_second() -> u64 {
    rustix::param::clock_ticks_per_second()
}

/// Resident set size from /proc/self/statm (resident pages * the system's page size).
pub fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    pages.checked_mul(page_size())
}

/// utime + stime from /proc/self/stat, in seconds (clock ticks at the system's rate).
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let ticks = clock_ticks_per_second();
    if ticks == 0 {
        return None;
    }
    Some((utime + stime) / ticks as f64)
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

    fn getconf(name: &str) -> Option<u64> {
        let out = std::process::Command::new("getconf").arg(name).output().ok()?;
        String::from_utf8(out.stdout).ok()?.trim().parse().ok()
    }

    fn ps(field: &str) -> Option<String> {
        let out = std::process::Command::new("ps")
            .args(["-o", field, "-p", &std::process::id().to_string()])
            .output()
            .ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    #[test]
    fn page_size_and_clock_ticks_are_the_systems() {
        let Some(page) = getconf("PAGESIZE") else {
            eprintln!("getconf not available; skipped");
            return;
        };
        assert_eq!(super::page_size(), page);
        assert_eq!(super::clock_ticks_per_second(), getconf("CLK_TCK").unwrap());
    }

    #[test]
    fn rss_and_cpu_agree_with_ps() {
        // Touch some memory and burn some CPU so both numbers are well above rounding.
        let buf = vec![1u8; 32 << 20];
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_millis(300) {
            for i in 0..100_000u64 {
                x = x.wrapping_add(i * i);
            }
        }
        std::hint::black_box((&buf, x));
        let Some(rss_kib) = ps("rss=") else {
            eprintln!("ps not available; skipped");
            return;
        };
        let ours = super::rss_bytes().unwrap() as f64 / 1024.0;
        let theirs: f64 = rss_kib.parse().unwrap();
        // Other test threads may allocate in between: 25% (and at least 4 MiB) of slack.
        let slack = (theirs * 0.25).max(4096.0);
        assert!((ours - theirs).abs() <= slack, "rss ours {ours} KiB, ps {theirs} KiB");

        // ps prints cumulative CPU time as [DD-]HH:MM:SS, whole seconds.
        let cpu = super::cpu_seconds().unwrap();
        let time = ps("time=").unwrap();
        let (days, hms) = time.split_once('-').unwrap_or(("0", &time));
        let ps_secs =
            hms.split(':').try_fold(0u64, |acc, f| f.parse::<u64>().ok().map(|v| acc * 60 + v)).unwrap()
                + days.parse::<u64>().unwrap() * 86_400;
        assert!(cpu > 0.0, "cpu {cpu}s after 300 ms of busy work");
        assert!((cpu - ps_secs as f64).abs() <= 2.0, "cpu ours {cpu}s, ps {ps_secs}s");
    }
}
