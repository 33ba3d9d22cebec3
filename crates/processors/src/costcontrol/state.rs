//! The month's spend as it is kept on disk: one small JSON file, `state.json`, in the processor's
//! subdirectory of a `file_storage` directory, replaced atomically (written to a temporary file,
//! optionally flushed, renamed), so a kill at any moment leaves the old or the new state.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::clock::Month;

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
        std::fs::create_dir_all(&self.dir)
            .map_err(|source| StateError::CreateDir { path: self.dir.clone(), source })?;
        let path = self.path();
        let tmp = self.dir.join(format!(".state.json.{}.tmp", std::process::id()));
        let write = || -> std::io::Result<()> {
            let body = serde_json::to_vec(state).map_err(std::io::Error::other)?;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&body)?;
            if self.fsync {
                f.sync_all()?;
            }
            drop(f);
            std::fs::rename(&tmp, &path)?;
            if self.fsync {
                std::fs::File::open(&self.dir)?.sync_all()?;
            }
            Ok(())
        };
        write().map_err(|source| {
            let _ = std::fs::remove_file(&tmp);
            StateError::Write { path: path.clone(), source }
        })
    }
}
