//! The plan-change mark kept across restarts (`querylens.storage: file_storage[/name]`): the key of
//! the last `querylens.plan_changes` row delivered, in the receiver's subdirectory of the
//! `file_storage` directory (`receiver_postgresql[_<name>]/querylens.json`), with the server it
//! belongs to. The file is replaced atomically (a temporary file, flushed when the extension says
//! `fsync: true`, renamed over the old one), as sqlquery's tracking values are.
//!
//! The mark is stored only after the events it covers were accepted by the pipeline, so a restart
//! resumes after the last delivered change: the changes made while the collector was down are
//! reported, none twice (a crash between the delivery and the write repeats at most that scrape's
//! events).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::changes::Mark;

/// The name of the file in the receiver's directory.
pub const FILE_NAME: &str = "querylens.json";
/// Largest file read (it holds one mark and one server name).
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// Why the stored mark could not be read or written. Only paths are named.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read `{path}`: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("`{path}` is not a pg_querylens mark file ({reason}); plan changes start from the newest")]
    Invalid { path: PathBuf, reason: String },
    #[error("cannot write `{path}`: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredFile {
    version: u32,
    /// The server and primary database the mark is for ([`server_key`]).
    server: String,
    mark: StoredMark,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredMark {
    changed_at_us: i64,
    dbid: i64,
    userid: i64,
    queryid: i64,
    old_planid: i64,
    new_planid: i64,
}

/// What a mark belongs to: the endpoint as configured and the primary database (the one the
/// extension is read in). Another server or database never resumes from it.
pub fn server_key(host: &str, port: u16, database: &str) -> String {
    format!("{host}:{port}/{database}")
}

/// Where one receiver keeps its plan-change mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkStore {
    dir: PathBuf,
    fsync: bool,
}

impl MarkStore {
    pub fn new(dir: PathBuf, fsync: bool) -> Self {
        Self { dir, fsync }
    }

    /// The receiver's subdirectory of a storage directory: `receiver_<type>[_<name>]`, characters
    /// other than ASCII letters, digits, `-`, `_` and `.` replaced by `_` (sqlquery's layout).
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

    /// The stored mark when it belongs to `server`; `None` when nothing was stored yet or it is
    /// another server's.
    pub fn load(&self, server: &str) -> Result<Option<Mark>, StoreError> {
        let path = self.path();
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StoreError::Read { path, source }),
        };
        if meta.len() > MAX_FILE_BYTES {
            return Err(StoreError::Invalid { path, reason: format!("{} bytes", meta.len()) });
        }
        let bytes = std::fs::read(&path).map_err(|source| StoreError::Read { path: path.clone(), source })?;
        let file: StoredFile = serde_json::from_slice(&bytes).map_err(|e| StoreError::Invalid {
            path: path.clone(),
            reason: format!("line {} column {}", e.line(), e.column()),
        })?;
        if file.version != 1 {
            return Err(StoreError::Invalid { path, reason: format!("version {}", file.version) });
        }
        if file.server != server {
            return Ok(None);
        }
        let m = file.mark;
        Ok(Some(Mark {
            changed_at_us: m.changed_at_us,
            dbid: m.dbid,
            userid: m.userid,
            queryid: m.queryid,
            old_planid: m.old_planid,
            new_planid: m.new_planid,
        }))
    }

    /// Replaces the stored mark atomically.
    pub fn save(&self, server: &str, mark: &Mark) -> Result<(), StoreError> {
        let file = StoredFile {
            version: 1,
            server: server.to_string(),
            mark: StoredMark {
                changed_at_us: mark.changed_at_us,
                dbid: mark.dbid,
                userid: mark.userid,
                queryid: mark.queryid,
                old_planid: mark.old_planid,
                new_planid: mark.new_planid,
            },
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

    fn mark(t: i64) -> Mark {
        Mark {
            changed_at_us: t,
            dbid: 5,
            userid: 10,
            queryid: -7,
            old_planid: i64::MIN,
            new_planid: i64::MAX,
        }
    }

    #[test]
    fn the_mark_survives_a_new_store_on_the_same_directory_for_its_server_only() {
        let dir = tempfile::tempdir().unwrap();
        let id: dbintel_core::ComponentId = "postgresql/main db".parse().unwrap();
        let store = MarkStore::for_component(dir.path(), &id, true);
        assert!(store.path().starts_with(dir.path().join("receiver_postgresql_main_db")));
        let server = server_key("db", 5432, "postgres");
        assert_eq!(store.load(&server).unwrap(), None, "nothing stored yet");
        store.save(&server, &mark(1)).unwrap();
        store.save(&server, &mark(2)).unwrap();
        let again = MarkStore::for_component(dir.path(), &id, false);
        assert_eq!(again.load(&server).unwrap(), Some(mark(2)));
        assert_eq!(again.load(&server_key("db", 5433, "postgres")).unwrap(), None, "another server");
        assert_eq!(again.load(&server_key("db", 5432, "app")).unwrap(), None, "another database");
        let files: Vec<_> = std::fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(files, vec![std::ffi::OsString::from(FILE_NAME)], "no temporary file left");
    }

    #[test]
    fn a_damaged_or_foreign_file_is_an_error_without_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let store = MarkStore::new(dir.path().to_path_buf(), false);
        std::fs::write(store.path(), b"{\"version\": 1, \"server\": \"hunter2").unwrap();
        let e = store.load("x").unwrap_err().to_string();
        assert!(e.contains("not a pg_querylens mark file") && !e.contains("hunter2"), "{e}");
        std::fs::write(store.path(), br#"{"version": 2, "server": "x", "mark": {}}"#).unwrap();
        assert!(store.load("x").unwrap_err().to_string().contains("line"), "unknown shape");
        std::fs::write(store.path(), vec![b' '; 70_000]).unwrap();
        assert!(store.load("x").unwrap_err().to_string().contains("70000 bytes"));
        // A file where the directory should be: the write fails with the path, nothing panics.
        let blocked = MarkStore::new(store.path().join("sub"), false);
        assert!(matches!(blocked.save("x", &mark(1)), Err(StoreError::Write { .. })));
    }
}
