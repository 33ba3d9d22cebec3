//! The month's state as it is kept on disk, in the processor's subdirectory of a `file_storage`
//! directory: the spend in one small JSON file, `state.json`, and the series seen per metric (the
//! cardinality limit's memory) in a binary file, `series.bin`. Both are replaced atomically (written
//! to a temporary file, optionally flushed, renamed), so a kill at any moment leaves the old or the
//! new file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::clock::Month;
use super::series::mix;

/// The on-disk state (version 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersistedState {
    pub version: u32,
    /// The billing month the bytes belong to.
    pub month: Month,
    /// Encoded OTLP bytes that passed in that month.
    pub bytes: u64,
    /// When counting began in that month (ns since the epoch): the start of the projection window.
    pub since_unix_nanos: u64,
}

/// Why the state could not be read or written. Paths are ours; no data from the file is quoted.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot create `{path}`: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot read `{path}`: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("`{path}` is not a valid costcontrol state ({reason}); starting the month from zero")]
    Invalid { path: PathBuf, reason: String },
    #[error("cannot write `{path}`: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// Largest state file read (a valid one is about 120 bytes).
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// Where the state lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateFile {
    dir: PathBuf,
    fsync: bool,
}

impl StateFile {
    pub fn new(dir: PathBuf, fsync: bool) -> Self {
        Self { dir, fsync }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stored state; `Ok(None)` when there is none yet.
    pub fn load(&self) -> Result<Option<PersistedState>, StateError> {
        let path = self.path();
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StateError::Read { path, source }),
        };
        if meta.len() > MAX_FILE_BYTES {
            return Err(StateError::Invalid { path, reason: format!("{} bytes", meta.len()) });
        }
        let text = std::fs::read(&path).map_err(|source| StateError::Read { path: path.clone(), source })?;
        let state: PersistedState = serde_json::from_slice(&text).map_err(|e| StateError::Invalid {
            path: path.clone(),
            // serde_json's message names the line and column, not the content.
            reason: format!("line {} column {}", e.line(), e.column()),
        })?;
        if state.version != 1 || !(1..=12).contains(&state.month.month) {
            return Err(StateError::Invalid { path, reason: format!("version {}", state.version) });
        }
        Ok(Some(state))
    }

    /// Replaces the stored state atomically.
    pub fn save(&self, state: &PersistedState) -> Result<(), StateError> {
        let body = serde_json::to_vec(state)
            .map_err(|e| StateError::Write { path: self.path(), source: std::io::Error::other(e) })?;
        self.write_atomic("state.json", &body)
    }

    /// Where the series sets live.
    pub fn series_path(&self) -> PathBuf {
        self.dir.join(SERIES_FILE)
    }

    /// Replaces the stored series sets atomically. `metrics` are (metric key, its series), least
    /// recently used first, so that a load rebuilds the same recency order.
    pub fn save_series(&self, month: Month, metrics: &[(u64, &HashSet<u64>)]) -> Result<(), StateError> {
        self.write_atomic(SERIES_FILE, &encode_series(month, metrics))
    }

    /// The stored series sets; `Ok(None)` when there are none yet. At most `max_metrics` metrics of
    /// at most `max_series` series each are read: a file larger than those bounds allow is invalid.
    pub fn load_series(
        &self,
        max_metrics: usize,
        max_series: usize,
    ) -> Result<Option<StoredSeries>, StateError> {
        let path = self.series_path();
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StateError::Read { path, source }),
        };
        let bound = series_file_bound(max_metrics, max_series);
        if meta.len() > bound {
            return Err(StateError::Invalid {
                path,
                reason: format!(
                    "{} bytes, more than cardinality_max_metrics x metric_cardinality_limit allow ({bound})",
                    meta.len()
                ),
            });
        }
        let bytes = std::fs::read(&path).map_err(|source| StateError::Read { path: path.clone(), source })?;
        decode_series(&bytes, max_metrics, max_series)
            .map(Some)
            .map_err(|reason| StateError::Invalid { path, reason })
    }

    /// Writes `body` to `name` in the directory through `file_storage::write_atomic` (a temporary
    /// sibling, fsynced if the extension says so, renamed over the old one).
    fn write_atomic(&self, name: &str, body: &[u8]) -> Result<(), StateError> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|source| StateError::CreateDir { path: self.dir.clone(), source })?;
        dbintel_extensions::file_storage::write_atomic(&self.dir, name, body, self.fsync)
            .map_err(|source| StateError::Write { path: self.dir.join(name), source })
    }
}

const SERIES_FILE: &str = "series.bin";
const SERIES_MAGIC: &[u8; 8] = b"dbiccser";
const SERIES_VERSION: u32 = 1;
/// Magic, version, year, month, metric count.
const SERIES_HEADER: usize = 8 + 4 + 4 + 4 + 4;
/// A metric's key and series count.
const METRIC_HEADER: usize = 8 + 4;
const CHECKSUM: usize = 8;

/// The series sets read back: the month they belong to and, per metric, its series (least recently
/// used metric first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSeries {
    pub month: Month,
    pub metrics: Vec<(u64, Vec<u64>)>,
}

/// The largest valid file for these bounds.
fn series_file_bound(max_metrics: usize, max_series: usize) -> u64 {
    let per_metric = (METRIC_HEADER as u64).saturating_add((max_series as u64).saturating_mul(8));
    (SERIES_HEADER as u64 + CHECKSUM as u64).saturating_add(per_metric.saturating_mul(max_metrics as u64))
}

/// A checksum of `bytes` (a word at a time, so a large file costs little).
fn checksum(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    let mut h = mix(bytes.len() as u64);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h ^ u64::from_le_bytes(w));
    }
    for &b in chunks.remainder() {
        h = mix(h ^ u64::from(b));
    }
    h
}

/// Version 1, little-endian: magic `dbiccser`, version u32, year i32, month u32, metric count u32;
/// per metric its key u64, series count u32 and the series u64s; a checksum u64 of all before it.
fn encode_series(month: Month, metrics: &[(u64, &HashSet<u64>)]) -> Vec<u8> {
    let series: usize = metrics.iter().map(|(_, s)| s.len()).sum();
    let mut b = Vec::with_capacity(SERIES_HEADER + metrics.len() * METRIC_HEADER + series * 8 + CHECKSUM);
    b.extend_from_slice(SERIES_MAGIC);
    b.extend_from_slice(&SERIES_VERSION.to_le_bytes());
    b.extend_from_slice(&month.year.to_le_bytes());
    b.extend_from_slice(&month.month.to_le_bytes());
    b.extend_from_slice(&(metrics.len() as u32).to_le_bytes());
    for (key, set) in metrics {
        b.extend_from_slice(&key.to_le_bytes());
        b.extend_from_slice(&(set.len() as u32).to_le_bytes());
        for s in set.iter() {
            b.extend_from_slice(&s.to_le_bytes());
        }
    }
    let sum = checksum(&b);
    b.extend_from_slice(&sum.to_le_bytes());
    b
}

/// Reads what [`encode_series`] wrote; the reason names what is wrong, never the content.
fn decode_series(bytes: &[u8], max_metrics: usize, max_series: usize) -> Result<StoredSeries, String> {
    if bytes.len() < SERIES_HEADER + CHECKSUM || &bytes[..8] != SERIES_MAGIC {
        return Err("not a series file".into());
    }
    let (body, sum) = bytes.split_at(bytes.len() - CHECKSUM);
    let mut r = Reader { bytes: body, at: 8 };
    let version = r.u32()?;
    if version != SERIES_VERSION {
        return Err(format!("version {version}, this build reads {SERIES_VERSION}"));
    }
    let mut stored = [0u8; 8];
    stored.copy_from_slice(sum);
    if u64::from_le_bytes(stored) != checksum(body) {
        return Err("checksum mismatch".into());
    }
    let year = r.u32()? as i32;
    let month = r.u32()?;
    if !(1..=12).contains(&month) {
        return Err(format!("month {month}"));
    }
    let count = r.u32()? as usize;
    if count > max_metrics {
        return Err(format!("{count} metrics, more than cardinality_max_metrics ({max_metrics})"));
    }
    let mut metrics = Vec::with_capacity(count);
    for _ in 0..count {
        let key = r.u64()?;
        let n = r.u32()? as usize;
        if n > max_series {
            return Err(format!(
                "{n} series of one metric, more than metric_cardinality_limit ({max_series})"
            ));
        }
        let mut series = Vec::with_capacity(n.min(r.remaining() / 8));
        for _ in 0..n {
            series.push(r.u64()?);
        }
        metrics.push((key, series));
    }
    if r.remaining() != 0 {
        return Err(format!("{} bytes after the last metric", r.remaining()));
    }
    Ok(StoredSeries { month: Month { year, month }, metrics })
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let end = self.at.checked_add(N).filter(|e| *e <= self.bytes.len());
        let Some(end) = end else { return Err(format!("truncated at byte {}", self.at)) };
        let mut out = [0u8; N];
        out.copy_from_slice(&self.bytes[self.at..end]);
        self.at = end;
        Ok(out)
    }
    fn u32(&mut self) -> Result<u32, String> {
        self.take::<4>().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Result<u64, String> {
        self.take::<8>().map(u64::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_files_round_trip_and_damage_is_reported() {
        let month = Month { year: 2026, month: 11 };
        let a: HashSet<u64> = [1, 2, 3].into();
        let b: HashSet<u64> = [u64::MAX].into();
        let bytes = encode_series(month, &[(10, &a), (20, &b)]);
        let back = decode_series(&bytes, 2, 3).unwrap();
        assert_eq!(back.month, month);
        assert_eq!(back.metrics.len(), 2);
        assert_eq!((back.metrics[0].0, back.metrics[0].1.iter().copied().collect::<HashSet<_>>()), (10, a));
        assert_eq!(back.metrics[1], (20, vec![u64::MAX]));
        assert!(bytes.len() as u64 <= series_file_bound(2, 3));
        // Bounds of the current config.
        assert!(decode_series(&bytes, 1, 3).unwrap_err().contains("cardinality_max_metrics"));
        assert!(decode_series(&bytes, 2, 2).unwrap_err().contains("metric_cardinality_limit"));
        // Every flipped byte and every truncation is caught (checksum, magic, version or length).
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x40;
            assert!(decode_series(&bad, 2, 3).is_err(), "flipped byte {i}");
            assert!(decode_series(&bytes[..i], 2, 3).is_err(), "truncated to {i}");
        }
        // An older or newer format is named.
        let mut v2 = bytes.clone();
        v2[8..12].copy_from_slice(&2u32.to_le_bytes());
        assert!(decode_series(&v2, 2, 3).unwrap_err().contains("version 2"));
    }
}
