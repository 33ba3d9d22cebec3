//! `file_storage`: a directory where components keep state across restarts. Exporters name it in
//! `sending_queue.storage` for a persistent queue; each exporter gets its own subdirectory
//! (`exporter_<type>_<name>`), see `dbintel_exporters::exporterhelper::persistent`.
//!
//! Durability: every queued request is written to a temporary file and renamed into place, so a
//! kill -9 of the *process* never loses an acknowledged write (the page cache survives the process)
//! nor leaves a torn file. `fsync: true` also flushes each file and the directory before the
//! rename counts, which is what survives a crash or power loss of the *machine*, at the cost of one
//! or two disk flushes per request.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use dbintel_core::component::{
    Built, ComponentError, ComponentInfo, ConfigProblem, CreateContext, Extension, ExtensionContext,
    Stability,
};
use dbintel_core::{ComponentKind, GoDuration, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

/// Default `directory`, as the contrib extension uses on Linux.
pub const DEFAULT_DIRECTORY: &str = "/var/lib/otelcol/file_storage";

/// Config of `file_storage`, with the contrib keys.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FileStorageConfig {
    /// Where the data lives (default `/var/lib/otelcol/file_storage`).
    pub directory: String,
    /// Create `directory` (and parents) if missing. dbintel defaults to `true`; contrib to `false`.
    pub create_directory: bool,
    /// Flush every write (file and directory) to disk before it counts. `false` (contrib default)
    /// survives a kill -9 of the process; `true` is needed to survive a crash of the machine.
    pub fsync: bool,
    /// Accepted for compatibility (contrib: bbolt lock timeout, 1s); local file operations here take
    /// no lock.
    pub timeout: GoDuration,
    /// Accepted for compatibility and ignored: one file per request needs no compaction (deleting a
    /// sent request frees its space at once).
    pub compaction: Option<serde_json::Value>,
}

impl Default for FileStorageConfig {
    fn default() -> Self {
        Self {
            directory: DEFAULT_DIRECTORY.to_string(),
            create_directory: true,
            fsync: false,
            timeout: GoDuration::from_secs(1),
            compaction: None,
        }
    }
}

impl FileStorageConfig {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.directory.trim().is_empty() {
            p.push(ConfigProblem::new("directory", "must not be empty"));
        }
        p.extend(dbintel_core::duration::ranges::IGNORED.check("timeout", self.timeout.get()));
        p
    }

    pub fn directory(&self) -> PathBuf {
        PathBuf::from(&self.directory)
    }

    /// Makes sure the directory exists (creating it if allowed) and is writable.
    pub fn prepare_directory(&self) -> Result<(), String> {
        let dir = self.directory();
        if self.create_directory {
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create directory `{}`: {e}", dir.display()))?;
        }
        match std::fs::metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(format!("`{}` is not a directory", dir.display())),
            Err(e) => {
                return Err(format!(
                    "directory `{}` is not usable: {e}{}",
                    dir.display(),
                    if self.create_directory { "" } else { " (set `create_directory: true` to create it)" }
                ));
            }
        }
        let probe = dir.join(format!(".dbintel-probe-{}", std::process::id()));
        std::fs::write(&probe, b"probe")
            .map_err(|e| format!("directory `{}` is not writable: {e}", dir.display()))?;
        let _ = std::fs::remove_file(&probe);
        Ok(())
    }
}

/// What `file_storage` provides to other components through the `Host`
/// (`host.extension::<Storage>(&id)`): where to keep files and how durably.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Storage {
    pub directory: PathBuf,
    pub create_directory: bool,
    pub fsync: bool,
}

impl From<&FileStorageConfig> for Storage {
    fn from(c: &FileStorageConfig) -> Self {
        Storage { directory: c.directory(), create_directory: c.create_directory, fsync: c.fsync }
    }
}

/// The running extension: checks the directory at start, then idles until shutdown. The exporters
/// do their own file I/O under it.
pub struct FileStorage {
    config: FileStorageConfig,
}

#[async_trait]
impl Extension for FileStorage {
    fn provides(&self) -> Option<dbintel_core::host::ExtensionObject> {
        Some(Arc::new(Storage::from(&self.config)))
    }

    async fn run(self: Box<Self>, mut ctx: ExtensionContext) -> Result<(), ComponentError> {
        let config = self.config.clone();
        let checked = tokio::task::spawn_blocking(move || config.prepare_directory())
            .await
            .unwrap_or_else(|e| Err(format!("directory check failed: {e}")));
        if let Some(ready) = ctx.ready.take() {
            let _ = ready.send(checked.clone());
        }
        if let Err(e) = checked {
            return Err(ComponentError::Failed(format!("file_storage {}: {e}", ctx.id)));
        }
        ctx.shutdown.cancelled().await;
        Ok(())
    }
}

pub struct FileStorageFactory;

impl TypedFactory for FileStorageFactory {
    type Config = FileStorageConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Extension,
        type_name: "file_storage",
        // `filestorage`: the name the prototype's configs use.
        aliases: &["filestorage"],
        signals: &[],
        stability: Stability::Alpha,
        description: "A directory for persistent sending queues (sending_queue.storage).",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        ("timeout", "local file operations here take no lock"),
        ("compaction", "one file per request needs no compaction"),
    ];

    fn check(&self, config: &FileStorageConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, _ctx: &CreateContext, config: FileStorageConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Extension(Box::new(FileStorage { config })))
    }
}

/// Replaces `dir/file_name` with `body` atomically: written to a temporary sibling, optionally
/// fsynced, renamed over the old file, and the directory fsynced, so a reader (or a restart after a
/// crash) sees the old file or the new one, never a torn one. The temporary file is removed on error.
/// Used by the components that keep small state files in a `file_storage` directory.
pub fn write_atomic(dir: &std::path::Path, file_name: &str, body: &[u8], fsync: bool) -> std::io::Result<()> {
    use std::io::Write;
    let path = dir.join(file_name);
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(body)?;
        if fsync {
            f.sync_all()?;
        }
        drop(f);
        std::fs::rename(&tmp, &path)?;
        if fsync {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    };
    write().inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests;
