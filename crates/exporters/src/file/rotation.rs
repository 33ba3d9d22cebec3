//! Size-based rotation like lumberjack (what the collector's file exporter uses): when the next write
//! would make the file exceed `max_bytes`, the file is renamed to `<stem>-<timestamp>.<ext>` and a new
//! one is started; old backups beyond `max_backups` or older than `max_age` are deleted.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};

/// lumberjack's backup time format (`2006-01-02T15-04-05.000`), with `-` instead of `:` so the name is
/// valid on every file system.
const BACKUP_TIME_FORMAT: &str = "%Y-%m-%dT%H-%M-%S%.3f";

/// Rotation settings in the units the writer needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationPolicy {
    /// Rotate before a write would make the file larger than this. A batch larger than the limit is
    /// still written, alone in a fresh file.
    pub max_bytes: u64,
    /// Delete backups older than this (by the time in their name). `None`: no age limit.
    pub max_age: Option<Duration>,
    /// Keep at most this many backups (the newest). 0: no count limit.
    pub max_backups: usize,
    /// Name backups with local time instead of UTC.
    pub localtime: bool,
}

/// The `<stem>-` prefix and `.<ext>` suffix of backups of `path`.
fn name_parts(path: &Path) -> (String, String) {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    (format!("{stem}-"), ext)
}

fn format_time(t: SystemTime, localtime: bool) -> String {
    let utc: DateTime<Utc> = t.into();
    if localtime {
        utc.with_timezone(&Local).format(BACKUP_TIME_FORMAT).to_string()
    } else {
        utc.format(BACKUP_TIME_FORMAT).to_string()
    }
}

fn parse_time(s: &str, localtime: bool) -> Option<SystemTime> {
    let naive = NaiveDateTime::parse_from_str(s, BACKUP_TIME_FORMAT).ok()?;
    let dt: DateTime<Utc> = if localtime {
        Local.from_local_datetime(&naive).earliest()?.with_timezone(&Utc)
    } else {
        Utc.from_utc_datetime(&naive)
    };
    Some(dt.into())
}

/// Picks a backup name for a rotation at `now` that no file has yet (two rotations in the same
/// millisecond would otherwise overwrite each other).
pub(crate) fn backup_path(path: &Path, now: SystemTime, localtime: bool) -> PathBuf {
    let (prefix, ext) = name_parts(path);
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut t = now;
    let mut candidate = dir.join(format!("{prefix}{}{ext}", format_time(t, localtime)));
    for _ in 0..10_000 {
        if !candidate.exists() {
            break;
        }
        t += Duration::from_millis(1);
        candidate = dir.join(format!("{prefix}{}{ext}", format_time(t, localtime)));
    }
    candidate
}

/// Backups of `path` with the time in their names, oldest first.
pub(crate) fn list_backups(path: &Path, localtime: bool) -> std::io::Result<Vec<(SystemTime, PathBuf)>> {
    let (prefix, ext) = name_parts(path);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut backups = Vec::new();
    for entry in fs::read_dir(&dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(middle) = name.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(ext.as_str())) else {
            continue;
        };
        if let Some(t) = parse_time(middle, localtime) {
            backups.push((t, dir.join(name)));
        }
    }
    backups.sort();
    Ok(backups)
}

/// Deletes backups beyond the policy's count and age limits. Returns how many were deleted.
pub(crate) fn prune(path: &Path, policy: &RotationPolicy, now: SystemTime) -> std::io::Result<usize> {
    let backups = list_backups(path, policy.localtime)?;
    let mut doomed: Vec<&PathBuf> = Vec::new();
    let keep_from = if policy.max_backups > 0 { backups.len().saturating_sub(policy.max_backups) } else { 0 };
    for (i, (t, p)) in backups.iter().enumerate() {
        let too_many = i < keep_from;
        let too_old = policy.max_age.is_some_and(|age| now.duration_since(*t).is_ok_and(|d| d > age));
        if too_many || too_old {
            doomed.push(p);
        }
    }
    let mut deleted = 0;
    for p in doomed {
        match fs::remove_file(p) {
            Ok(()) => deleted += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_round_trip_and_sort() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_795_723_200_123);
        let name = format_time(t, false);
        assert_eq!(name, "2026-11-26T20-00-00.123");
        assert_eq!(parse_time(&name, false), Some(t));
        let p = backup_path(Path::new("/var/log/dbintel/out.json"), t, false);
        assert_eq!(p, Path::new("/var/log/dbintel/out-2026-11-26T20-00-00.123.json"));
        let p = backup_path(Path::new("noext"), t, false);
        assert_eq!(p, Path::new("noext-2026-11-26T20-00-00.123"));
    }
}
