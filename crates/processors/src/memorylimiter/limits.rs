//! The limits in bytes, and the memory `limit_percentage` is a percentage of: the cgroup's memory
//! limit (v2 `memory.max`, v1 `memory.limit_in_bytes`, the smallest along the process's cgroup and
//! its ancestors), else the host's total memory (`MemTotal` in `/proc/meminfo`).

use std::path::{Path, PathBuf};

use dbintel_core::component::ConfigProblem;

use super::{MIB, MemoryLimiterConfig};

/// A cgroup v1 limit at or above this is "no limit" (v1 writes `i64::MAX` rounded down to a page).
const V1_UNLIMITED: u64 = 1 << 62;

/// The hard limit and the spike in bytes; the soft limit is their difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub hard: u64,
    pub spike: u64,
}

impl Limits {
    /// `hard` with `spike`, where a spike of 0 means 20% of `hard` (the Collector's default).
    pub fn new(hard: u64, spike: u64) -> Limits {
        let spike = if spike == 0 { hard / 5 } else { spike };
        Limits { hard, spike: spike.min(hard) }
    }

    pub fn soft(&self) -> u64 {
        self.hard - self.spike
    }

    /// The limits of a checked config; `total` gives the memory `limit_percentage` is taken of.
    pub fn resolve(
        config: &MemoryLimiterConfig,
        total: &dyn Fn() -> Option<TotalMemory>,
    ) -> Result<Limits, ConfigProblem> {
        if config.limit_mib > 0 {
            return Ok(Limits::new(
                u64::from(config.limit_mib) * MIB,
                u64::from(config.spike_limit_mib) * MIB,
            ));
        }
        let Some(total) = total() else {
            return Err(ConfigProblem::new(
                "limit_percentage",
                "the memory available to the process could not be read (no cgroup limit, no /proc/meminfo): set `limit_mib` instead",
            ));
        };
        let pct = |p: u32| (u128::from(total.bytes) * u128::from(p) / 100) as u64;
        let limits = Limits::new(pct(config.limit_percentage), pct(config.spike_limit_percentage));
        if limits.soft() == 0 {
            return Err(ConfigProblem::new(
                "limit_percentage",
                "gives a soft limit of 0 bytes of the memory available: raise it or set `limit_mib`",
            ));
        }
        Ok(limits)
    }
}

/// The memory `limit_percentage` applies to, and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalMemory {
    pub bytes: u64,
    /// The file it came from (for the startup log line).
    pub source: PathBuf,
}

/// The memory available to this process: the cgroup limit when there is one below the host's
/// memory, else the host's memory.
pub fn total_memory() -> Option<TotalMemory> {
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    let host = read(Path::new("/proc/meminfo"))
        .and_then(|m| meminfo_total(&m))
        .map(|bytes| TotalMemory { bytes, source: PathBuf::from("/proc/meminfo") });
    let cgroup = match (read(Path::new("/proc/self/cgroup")), read(Path::new("/proc/self/mountinfo"))) {
        (Some(cg), Some(mounts)) => cgroup_limit(&cg, &mounts, &read),
        _ => None,
    };
    match (cgroup, host) {
        (Some(c), Some(h)) if c.bytes < h.bytes => Some(c),
        (_, Some(h)) => Some(h),
        (c, None) => c,
    }
}

/// `MemTotal` of `/proc/meminfo`, in bytes.
pub fn meminfo_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let mut fields = line.split_whitespace().skip(1);
    let value: u64 = fields.next()?.parse().ok()?;
    match fields.next() {
        Some("kB") => value.checked_mul(1024),
        None => Some(value),
        Some(_) => None,
    }
}

/// A cgroup mount from `/proc/self/mountinfo`.
struct Mount {
    root: String,
    point: String,
    v2: bool,
    memory: bool,
}

fn mounts(mountinfo: &str) -> Vec<Mount> {
    mountinfo
        .lines()
        .filter_map(|line| {
            let (before, after) = line.split_once(" - ")?;
            let fields: Vec<&str> = before.split_whitespace().collect();
            let mut after = after.split_whitespace();
            let fstype = after.next()?;
            let _source = after.next()?;
            let options = after.next().unwrap_or("");
            let (root, point) = (fields.get(3)?, fields.get(4)?);
            let v2 = fstype == "cgroup2";
            if !v2 && fstype != "cgroup" {
                return None;
            }
            Some(Mount {
                root: root.to_string(),
                point: point.to_string(),
                v2,
                memory: options.split(',').any(|o| o == "memory"),
            })
        })
        .collect()
}

/// The smallest memory limit of the process's cgroup and its ancestors (v1 memory controller, or
/// v2), given `/proc/self/cgroup`, `/proc/self/mountinfo` and a file reader. `None` when no
/// limit is set.
pub fn cgroup_limit(
    proc_cgroup: &str,
    mountinfo: &str,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Option<TotalMemory> {
    let mounts = mounts(mountinfo);
    let mut best: Option<TotalMemory> = None;
    for line in proc_cgroup.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let v2 = id == "0" && controllers.is_empty();
        let file = if v2 { "memory.max" } else { "memory.limit_in_bytes" };
        if !v2 && !controllers.split(',').any(|c| c == "memory") {
            continue;
        }
        let Some(mount) = mounts.iter().find(|m| m.v2 == v2 && (v2 || m.memory)) else {
            continue;
        };
        // The cgroup path as seen inside the mount (a container sees its own cgroup as the root).
        let rel =
            if mount.root == "/" { path } else { path.strip_prefix(mount.root.as_str()).unwrap_or("/") };
        let mut dir = PathBuf::from(&mount.point);
        let mut dirs = vec![dir.clone()];
        for part in rel.split('/').filter(|p| !p.is_empty() && *p != "..") {
            dir.push(part);
            dirs.push(dir.clone());
        }
        for dir in dirs {
            let at = dir.join(file);
            let Some(text) = read(&at) else { continue };
            let text = text.trim();
            if text == "max" {
                continue;
            }
            let Ok(bytes) = text.parse::<u64>() else { continue };
            if bytes == 0 || bytes >= V1_UNLIMITED {
                continue;
            }
            if best.as_ref().is_none_or(|b| bytes < b.bytes) {
                best = Some(TotalMemory { bytes, source: at });
            }
        }
    }
    best
}
