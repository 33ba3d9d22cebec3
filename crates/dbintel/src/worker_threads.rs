//! How many worker threads the async runtime of `run` gets: `--worker-threads N`, else
//! `DBINTEL_WORKER_THREADS`, else the CPU limit of the process's cgroup rounded up (1.5 CPUs -> 2),
//! bounded by the CPUs the process may run on; without a limit, those CPUs.
//!
//! `std::thread::available_parallelism` also reads cgroup quotas, but it rounds them down
//! (1.5 CPUs -> 1), so the cgroup files are read here: cgroup v2 `cpu.max`, v1
//! `cpu.cfs_quota_us`/`cpu.cfs_period_us`, on the process's own cgroup and each ancestor up to the
//! mount point (the tightest wins), found through `/proc/self/cgroup` and `/proc/self/mountinfo`.

use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable that sets the worker threads when the flag is not given.
pub const ENV: &str = "DBINTEL_WORKER_THREADS";

/// Upper bound of an explicit value: far above any useful thread count, low enough to refuse typos.
pub const MAX: usize = 1024;

/// Where the number came from, as the startup log line names it.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Flag,
    Env,
    /// The cgroup CPU limit, in CPUs (quota / period), rounded up.
    CgroupLimit {
        cpus: f64,
    },
    /// No cgroup limit: the CPUs the process may run on.
    AvailableCpus,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("--worker-threads"),
            Source::Env => f.write_str(ENV),
            Source::CgroupLimit { cpus } => write!(f, "cgroup CPU limit ({cpus} CPUs, rounded up)"),
            Source::AvailableCpus => f.write_str("available CPUs (no cgroup CPU limit)"),
        }
    }
}

/// The chosen number of worker threads and its source.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerThreads {
    pub count: usize,
    pub source: Source,
}

/// Parses an explicit count: a whole number from 1 to [`MAX`]. The error says what is allowed;
/// the caller names the flag or variable.
pub fn parse_count(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a number of threads: use a whole number from 1 to {MAX}")),
    }
}

/// Picks the count: the flag, else the environment variable, else the cgroup limit or the CPUs.
/// `env` is the variable's value, if set; an invalid value is an error naming the variable.
pub fn choose(flag: Option<usize>, env: Option<&str>) -> Result<WorkerThreads, String> {
    if let Some(count) = flag {
        return Ok(WorkerThreads { count, source: Source::Flag });
    }
    if let Some(text) = env {
        let count = parse_count(text).map_err(|e| format!("{ENV}: {e}"))?;
        return Ok(WorkerThreads { count, source: Source::Env });
    }
    Ok(from_limit(cgroup_cpu_limit(&read_file), available_cpus()))
}

/// The default from a cgroup limit (quota, period) and the CPUs available.
pub fn from_limit(limit: Option<Quota>, available: usize) -> WorkerThreads {
    let available = available.max(1);
    match limit {
        Some(q) => WorkerThreads {
            count: q.cpus_rounded_up().min(available),
            source: Source::CgroupLimit { cpus: q.cpus() },
        },
        None => WorkerThreads { count: available, source: Source::AvailableCpus },
    }
}

/// A CFS bandwidth limit: `quota` microseconds of CPU time per `period` microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub quota: u64,
    pub period: u64,
}

impl Quota {
    fn new(quota: u64, period: u64) -> Option<Self> {
        (quota > 0 && period > 0).then_some(Self { quota, period })
    }

    pub fn cpus(self) -> f64 {
        self.quota as f64 / self.period as f64
    }

    /// Whole CPUs, rounded up, at least 1.
    pub fn cpus_rounded_up(self) -> usize {
        let whole = self.quota.div_ceil(self.period).max(1);
        usize::try_from(whole).unwrap_or(usize::MAX)
    }

    fn tighter(self, other: Quota) -> Quota {
        // quota/period < other.quota/other.period, compared without division.
        if u128::from(self.quota) * u128::from(other.period)
            <= u128::from(other.quota) * u128::from(self.period)
        {
            self
        } else {
            other
        }
    }
}

/// cgroup v2 `cpu.max`: `"$MAX $PERIOD"`, where `$MAX` is `max` for no limit.
pub fn parse_cpu_max(content: &str) -> Option<Quota> {
    let mut fields = content.split_whitespace();
    let quota = fields.next()?.parse::<u64>().ok()?;
    let period = fields.next()?.parse::<u64>().ok()?;
    Quota::new(quota, period)
}

/// cgroup v1 `cpu.cfs_quota_us` (`-1` for no limit) and `cpu.cfs_period_us`.
pub fn parse_cfs(quota: &str, period: &str) -> Option<Quota> {
    let quota = quota.trim().parse::<i64>().ok()?;
    let period = period.trim().parse::<u64>().ok()?;
    Quota::new(u64::try_from(quota).ok()?, period)
}

/// The process's cgroup for the CPU controller, from `/proc/self/cgroup`: `(v2, path)`. A v1
/// hierarchy holding the `cpu` controller wins over the unified one (hybrid systems).
pub fn parse_proc_cgroup(content: &str) -> Option<(bool, String)> {
    let mut unified = None;
    for line in content.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if controllers.split(',').any(|c| c == "cpu") {
            return Some((false, path.to_string()));
        }
        if controllers.is_empty() {
            unified = Some((true, path.to_string()));
        }
    }
    unified
}

/// The mount of the hierarchy from `/proc/self/mountinfo`: `(root inside the hierarchy, mount point)`.
pub fn parse_mountinfo(content: &str, v2: bool) -> Option<(String, PathBuf)> {
    content.lines().find_map(|line| {
        let (mount, fs) = line.split_once(" - ")?;
        let mut fs_fields = fs.split_whitespace();
        let fs_type = fs_fields.next()?;
        let _source = fs_fields.next()?;
        let super_options = fs_fields.next().unwrap_or("");
        let wanted = if v2 {
            fs_type == "cgroup2"
        } else {
            fs_type == "cgroup" && super_options.split(',').any(|o| o == "cpu")
        };
        if !wanted {
            return None;
        }
        let mut fields = mount.split_whitespace();
        let root = fields.nth(3)?;
        let mount_point = fields.next()?;
        Some((unescape_mountinfo(root), PathBuf::from(unescape_mountinfo(mount_point))))
    })
}

/// mountinfo writes space, tab, newline and backslash as octal escapes (`\040`).
fn unescape_mountinfo(field: &str) -> String {
    field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")
}

/// Reads a file; `None` if it is missing or unreadable (no limit known there).
fn read_file(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// The tightest CPU limit on the process's cgroup and its ancestors, reading files through `read`
/// (so tests can feed sample contents).
pub fn cgroup_cpu_limit(read: &dyn Fn(&Path) -> Option<String>) -> Option<Quota> {
    let (v2, cgroup) = parse_proc_cgroup(&read(Path::new("/proc/self/cgroup"))?)?;
    let (root, mount_point) = parse_mountinfo(&read(Path::new("/proc/self/mountinfo"))?, v2)?;
    // Inside a cgroup namespace or a bind mount, the mount's root is a prefix of the path.
    let relative = Path::new(&cgroup).strip_prefix(&root).unwrap_or(Path::new(""));
    let mut dir = mount_point.join(relative);
    let mut limit: Option<Quota> = None;
    loop {
        let here = if v2 {
            read(&dir.join("cpu.max")).and_then(|c| parse_cpu_max(&c))
        } else {
            match (read(&dir.join("cpu.cfs_quota_us")), read(&dir.join("cpu.cfs_period_us"))) {
                (Some(q), Some(p)) => parse_cfs(&q, &p),
                _ => None,
            }
        };
        limit = match (limit, here) {
            (Some(a), Some(b)) => Some(a.tighter(b)),
            (a, b) => a.or(b),
        };
        if dir == mount_point || !dir.pop() || !dir.starts_with(&mount_point) {
            break;
        }
    }
    limit
}

/// The CPUs this process may run on (its affinity mask), at least 1.
fn available_cpus() -> usize {
    #[cfg(target_os = "linux")]
    if let Ok(set) = rustix::thread::sched_getaffinity(None) {
        return usize::try_from(set.count()).unwrap_or(1).max(1);
    }
    // Elsewhere (or if the call fails), std's count; it may already include a rounded-down quota.
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn cpu_max_and_cfs_files() {
        assert_eq!(parse_cpu_max("max 100000\n"), None);
        assert_eq!(parse_cpu_max("150000 100000\n"), Some(Quota { quota: 150000, period: 100000 }));
        assert_eq!(parse_cpu_max("50000 100000"), Some(Quota { quota: 50000, period: 100000 }));
        assert_eq!(parse_cpu_max(""), None);
        assert_eq!(parse_cpu_max("100000 0"), None);
        assert_eq!(parse_cpu_max("garbage"), None);
        assert_eq!(parse_cfs("-1\n", "100000\n"), None);
        assert_eq!(parse_cfs("250000\n", "100000\n"), Some(Quota { quota: 250000, period: 100000 }));
        assert_eq!(parse_cfs("x", "100000"), None);
    }

    #[test]
    fn quotas_round_up_to_whole_cpus() {
        let q = |quota, period| Quota { quota, period };
        assert_eq!(q(150000, 100000).cpus_rounded_up(), 2);
        assert_eq!(q(200000, 100000).cpus_rounded_up(), 2);
        assert_eq!(q(200001, 100000).cpus_rounded_up(), 3);
        assert_eq!(q(10000, 100000).cpus_rounded_up(), 1);
        assert_eq!(q(u64::MAX, 1).cpus_rounded_up(), usize::try_from(u64::MAX).unwrap_or(usize::MAX));
        // Bounded by the CPUs the process may use; at least one.
        assert_eq!(from_limit(Some(q(150000, 100000)), 8).count, 2);
        assert_eq!(from_limit(Some(q(1600000, 100000)), 4).count, 4);
        assert_eq!(from_limit(Some(q(1000, 100000)), 4).count, 1);
        assert_eq!(from_limit(None, 6), WorkerThreads { count: 6, source: Source::AvailableCpus });
        assert_eq!(from_limit(None, 0).count, 1);
    }

    #[test]
    fn explicit_counts_are_bounded_and_errors_name_the_variable() {
        assert_eq!(parse_count("3"), Ok(3));
        assert_eq!(parse_count(" 1024 "), Ok(1024));
        for bad in ["0", "1025", "-1", "two", "", "1.5"] {
            assert!(parse_count(bad).is_err(), "{bad}");
        }
        assert_eq!(choose(Some(5), Some("nonsense")), Ok(WorkerThreads { count: 5, source: Source::Flag }));
        assert_eq!(choose(None, Some("7")), Ok(WorkerThreads { count: 7, source: Source::Env }));
        let err = choose(None, Some("0")).expect_err("0 threads");
        assert!(err.starts_with("DBINTEL_WORKER_THREADS: `0` is not a number of threads"), "{err}");
    }

    fn files(entries: &[(&str, &str)]) -> impl Fn(&Path) -> Option<String> {
        let map: HashMap<PathBuf, String> =
            entries.iter().map(|(p, c)| (PathBuf::from(p), (*c).to_string())).collect();
        move |p: &Path| map.get(p).cloned()
    }

    const MOUNTINFO_V2: &str = "\
24 30 0:22 / /sys rw,nosuid - sysfs sysfs rw
35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate
";

    #[test]
    fn cgroup_v2_takes_the_tightest_limit_up_the_tree() {
        let read = files(&[
            ("/proc/self/cgroup", "0::/kubepods/pod1/ctr\n"),
            ("/proc/self/mountinfo", MOUNTINFO_V2),
            ("/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "max 100000\n"),
            ("/sys/fs/cgroup/kubepods/pod1/cpu.max", "250000 100000\n"),
            ("/sys/fs/cgroup/kubepods/cpu.max", "400000 100000\n"),
        ]);
        let limit = cgroup_cpu_limit(&read);
        assert_eq!(limit, Some(Quota { quota: 250000, period: 100000 }));
        assert_eq!(from_limit(limit, 16).count, 3);
        // No limit anywhere: none.
        let read = files(&[
            ("/proc/self/cgroup", "0::/user.slice\n"),
            ("/proc/self/mountinfo", MOUNTINFO_V2),
            ("/sys/fs/cgroup/user.slice/cpu.max", "max 100000\n"),
        ]);
        assert_eq!(cgroup_cpu_limit(&read), None);
    }

    #[test]
    fn cgroup_v2_in_a_namespace_reads_the_mount_point() {
        // In a container with its own cgroup namespace the path is `/` and the mount is the cgroup.
        let read = files(&[
            ("/proc/self/cgroup", "0::/\n"),
            ("/proc/self/mountinfo", MOUNTINFO_V2),
            ("/sys/fs/cgroup/cpu.max", "150000 100000\n"),
        ]);
        assert_eq!(cgroup_cpu_limit(&read), Some(Quota { quota: 150000, period: 100000 }));
    }

    #[test]
    fn cgroup_v1_reads_cfs_files_of_the_cpu_hierarchy() {
        // Docker without a cgroup namespace: the hierarchy is bind-mounted at the container's cgroup.
        let read = files(&[
            (
                "/proc/self/cgroup",
                "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n0::/\n",
            ),
            (
                "/proc/self/mountinfo",
                "40 35 0:35 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n\
                 41 35 0:36 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n",
            ),
            ("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "50000\n"),
            ("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n"),
        ]);
        let limit = cgroup_cpu_limit(&read);
        assert_eq!(limit, Some(Quota { quota: 50000, period: 100000 }));
        assert_eq!(
            from_limit(limit, 8),
            WorkerThreads { count: 1, source: Source::CgroupLimit { cpus: 0.5 } }
        );
        // `cpuacct` alone is not the cpu controller; -1 is no limit.
        let read = files(&[
            ("/proc/self/cgroup", "3:cpuacct:/\n2:cpu:/a\n"),
            ("/proc/self/mountinfo", "40 35 0:35 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"),
            ("/sys/fs/cgroup/cpu/a/cpu.cfs_quota_us", "-1\n"),
            ("/sys/fs/cgroup/cpu/a/cpu.cfs_period_us", "100000\n"),
            ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n"),
            ("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n"),
        ]);
        assert_eq!(cgroup_cpu_limit(&read), None);
    }

    #[test]
    fn missing_or_garbled_proc_files_mean_no_limit() {
        assert_eq!(cgroup_cpu_limit(&files(&[])), None);
        assert_eq!(cgroup_cpu_limit(&files(&[("/proc/self/cgroup", "garbage")])), None);
        let read = files(&[("/proc/self/cgroup", "0::/x\n"), ("/proc/self/mountinfo", "garbage\n")]);
        assert_eq!(cgroup_cpu_limit(&read), None);
    }
}
