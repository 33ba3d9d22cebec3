//! Tracking values kept across restarts (`storage: file_storage[/name]`): each tracking query's
//! last value, in the receiver's subdirectory of the `file_storage` directory
//! (`receiver_sqlquery[_<name>]/tracking.json`). The file is replaced atomically (a temporary file,
//! flushed when the extension says `fsync: true`, renamed over the old one), so a kill at any
//! moment leaves the previous or the new values, never a torn file.
//!
//! A value is stored only after the rows it covers were accepted by the pipeline, so a restart
//! resumes after the last delivered row: nothing is read twice and nothing is skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The name of the file in the receiver's directory.
pub const FILE_NAME: &str = "tracking.json";
/// Largest file read: the queries' SQL and their values (a config has at most 256 queries).
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Longest tracking value stored (a key column's text; longer values are kept in memory only).
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

/// Why the stored values could not be read or written. Only paths are named: no stored value, no
/// SQL text is quoted.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read `{path}`: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("`{path}` is not a sqlquery tracking file ({reason}); starting from tracking_start_value")]
    Invalid { path: PathBuf, reason: String },
    #[error("cannot write `{path}`: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredFile {
    version: u32,
    queries: Vec<StoredValue>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredValue {
    /// The query's identity ([`crate::config::QueryPlan::tracking_key`]).
    key: String,
    value: String,
}

/// Where one receiver keeps its tracking values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingStore {
    dir: PathBuf,
    fsync: bool,
}

impl TrackingStore {
    pub fn new(dir: PathBuf, fsync: bool) -> Self {
        Self { dir, fsync }
    }

    /// The receiver's subdirectory of a storage directory: `receiver_<type>[_<name>]`, characters
    /// other than ASCII letters, digits, `-`, `_` and `.` replaced by `_`.
    pub fn for_component(storage_dir: &Path, id: &dbintel_core::ComponentId, fsync: bool) -> Self {
        let raw = match id.name() {
            Some(n) => format!("receiver_{}_{}", id.type_name(), n),
            None => format!("receiver_{}", id.type_name()),
        };
        let name: String = raw
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' })
            .collect();
        Self::new(storage_dir.join(name), fsync)
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The stored values by query key; empty when nothing was stored yet.
    pub fn load(&self) -> Result<BTreeMap<String, String>, StoreError> {
        let path = self.path();
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(source) => return Err(StoreError::Read { path, source }),
        };
        if meta.len() > MAX_FILE_BYTES {
            return Err(StoreError::Invalid { path, reason: format!("{} bytes", meta.len()) });
        }
        let bytes = std::fs::read(&path).map_err(|source| StoreError::Read { path: path.clone(), source })?;
        let file: StoredFile = serde_json::from_slice(&bytes).map_err(|e| StoreError::Invalid {
            path: path.clone(),
            // serde_json names the line and column, not the content.
            reason: format!("line {} column {}", e.line(), e.column()),
        })?;
        if file.version != 1 {
            return Err(StoreError::Invalid { path, reason: format!("version {}", file.version) });
        }
        Ok(file
            .queries
            .into_iter()
            .take(crate::config::MAX_QUERIES)
            .filter(|q| q.value.len() <= MAX_VALUE_BYTES)
            .map(|q| (q.key, q.value))
            .collect())
    }

    /// Replaces the stored values atomically.
    pub fn save(&self, values: &BTreeMap<String, String>) -> Result<(), StoreError> {
        let file = StoredFile {
            version: 1,
            queries: values
                .iter()
                .filter(|(_, v)| v.len() <= MAX_VALUE_BYTES)
                .map(|(k, v)| StoredValue { key: k.clone(), value: v.clone() })
                .collect(),
        };
        let path = self.path();
        let body = serde_json::to_vec(&file)
            .map_err(|e| StoreError::Write { path: path.clone(), source: std::io::Error::other(e) })?;
        dbintel_extensions::file_storage::write_atomic(&self.dir, FILE_NAME, &body, self.fsync)
            .map_err(|source| StoreError::Write { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_survive_a_new_store_on_the_same_directory() {
        let dir = tempfile::tempdir().unwrap();
        let id: dbintel_core::ComponentId = "sqlquery/audit log".parse().unwrap();
        let store = TrackingStore::for_component(dir.path(), &id, true);
        assert!(store.path().starts_with(dir.path().join("receiver_sqlquery_audit_log")));
        assert!(store.load().unwrap().is_empty(), "nothing stored yet");
        let mut values = BTreeMap::new();
        values.insert("id\0select 1".to_string(), "42".to_string());
        values.insert("ts\0select 2".to_string(), "2026-11-30 10:00:00".to_string());
        store.save(&values).unwrap();
        values.insert("id\0select 1".to_string(), "43".to_string());
        store.save(&values).unwrap();
        let again = TrackingStore::for_component(dir.path(), &id, false);
        assert_eq!(again.load().unwrap(), values);
        let leftovers: Vec<_> = std::fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from(FILE_NAME)], "no temporary file left");
    }

    #[test]
    fn a_damaged_file_is_reported_without_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let store = TrackingStore::new(dir.path().to_path_buf(), false);
        std::fs::write(store.path(), b"{\"version\": 1, \"queries\": [{\"key\": \"hunter2\"").unwrap();
        let e = store.load().unwrap_err().to_string();
        assert!(e.contains("not a sqlquery tracking file") && !e.contains("hunter2"), "{e}");
        std::fs::write(store.path(), br#"{"version": 7, "queries": []}"#).unwrap();
        assert!(store.load().unwrap_err().to_string().contains("version 7"));
    }
}
