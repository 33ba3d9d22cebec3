//! `file` exporter: OTLP-JSON lines (one `MetricsData`/`LogsData` object per line, as the collector's
//! contrib file exporter writes them), with optional size-based rotation like lumberjack. With
//! `format: proto` or `compression: zstd` every object is written as the contrib exporter does: a
//! 4-byte big-endian length, then the object (protobuf `MetricsData`/`LogsData` or OTLP-JSON),
//! zstd-compressed (one frame per object) with `compression: zstd`.

mod rotation;
#[cfg(test)]
mod tests;

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use dbintel_core::{
    Built, ComponentInfo, ComponentKind, ConfigProblem, CreateContext, ExportError, Exporter, Signal,
    SignalData, Stability, TypedFactory,
};
use schemars::JsonSchema;
use serde::Deserialize;

pub use rotation::RotationPolicy;

/// Output encoding: `json` (OTLP-JSON) or `proto` (protobuf `MetricsData`/`LogsData`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    #[default]
    Json,
    Proto,
}

/// `rotation` block; its presence turns rotation on.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RotationConfig {
    /// The prototype's switch (not a Collector key): `false` turns rotation off although the
    /// block is present. Default `true`.
    #[serde(default = "default_rotation_enabled")]
    pub enabled: bool,
    /// Maximum size of the file in megabytes (MiB) before it is rotated. Default 100.
    #[serde(default = "default_max_megabytes")]
    pub max_megabytes: u64,
    /// Delete backups older than this many days. Absent or 0: no age limit.
    #[serde(default)]
    pub max_days: Option<u64>,
    /// Keep at most this many backups. Default 100; 0 keeps all.
    #[serde(default = "default_max_backups")]
    pub max_backups: usize,
    /// Name backups with local time instead of UTC.
    #[serde(default)]
    pub localtime: bool,
}

fn default_rotation_enabled() -> bool {
    true
}
fn default_max_megabytes() -> u64 {
    100
}
fn default_max_backups() -> usize {
    100
}

impl Default for RotationConfig {
    fn default() -> Self {
        Self { enabled: true, max_megabytes: 100, max_days: None, max_backups: 100, localtime: false }
    }
}

impl RotationConfig {
    pub fn policy(&self) -> RotationPolicy {
        RotationPolicy {
            max_bytes: self.max_megabytes.saturating_mul(1024 * 1024),
            max_age: self.max_days.filter(|d| *d > 0).map(|d| Duration::from_secs(d.saturating_mul(86_400))),
            max_backups: self.max_backups,
            localtime: self.localtime,
        }
    }
}

/// Config of the `file` exporter.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// The file to write; parent directories are created.
    #[serde(default)]
    pub path: String,
    /// `json` (default: OTLP-JSON lines) or `proto` (length-prefixed protobuf objects).
    #[serde(default)]
    pub format: FileFormat,
    /// Append to an existing file. The default, `false`, truncates it at start, as the contrib
    /// file exporter does; set `append: true` to keep data across restarts.
    #[serde(default)]
    pub append: bool,
    /// Size-based rotation; absent means none.
    #[serde(default)]
    pub rotation: Option<RotationConfig>,
    /// Contrib key: how often buffered data is flushed. dbintel flushes after every batch, which
    /// meets any interval, so the value only has to be a valid duration.
    #[serde(default)]
    pub flush_interval: Option<dbintel_core::GoDuration>,
    /// `zstd`: each object is zstd-compressed and length-prefixed (contrib framing). Absent or
    /// `none`: no compression.
    #[serde(default)]
    pub compression: Option<String>,
    /// Contrib: one file per resource-attribute value; only `enabled: false` is accepted.
    #[serde(default)]
    pub group_by: Option<GroupByConfig>,
}

/// Contrib `group_by`: one file per value of a resource attribute, the `*` in `path` replaced by it.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GroupByConfig {
    /// Write one file per value of `resource_attribute`; `path` must hold one `*`. Resources
    /// without the attribute (or with a value that is not a plain file name) are dropped.
    pub enabled: bool,
    /// The resource attribute whose value names the file (`fileexporter.path_segment`).
    pub resource_attribute: String,
    /// Files kept open at once (100); the least recently written one is closed beyond it.
    pub max_open_files: usize,
}

impl Default for GroupByConfig {
    fn default() -> Self {
        Self { enabled: false, resource_attribute: "fileexporter.path_segment".into(), max_open_files: 100 }
    }
}

/// The 4-byte big-endian length prefix of the contrib file exporter's binary framing.
pub const LENGTH_PREFIX: usize = 4;

impl FileConfig {
    /// Every problem in the config.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut problems = Vec::new();
        if let Some(d) = self.flush_interval {
            problems.extend(dbintel_core::duration::ranges::IGNORED.check("flush_interval", d.get()));
        }
        if let Some(c) = self.compression.as_deref().filter(|c| !c.is_empty() && *c != "none" && *c != "zstd")
        {
            problems.push(ConfigProblem::new(
                "compression",
                format!(
                    "`{c}` is not supported: use `zstd` (as the Collector's file exporter) or leave it out"
                ),
            ));
        }
        if self.path.trim().is_empty() {
            problems.push(ConfigProblem::new("path", "is required: the file to write to"));
        } else if self.path.ends_with('/') || self.path.ends_with(std::path::MAIN_SEPARATOR) {
            problems
                .push(ConfigProblem::new("path", format!("`{}` names a directory, not a file", self.path)));
        }
        if let Some(g) = self.group_by.as_ref().filter(|g| g.enabled) {
            if self.path.matches('*').count() != 1 {
                problems.push(ConfigProblem::new(
                    "path",
                    "with `group_by.enabled`, must hold exactly one `*` (replaced by the attribute's value)",
                ));
            }
            if g.resource_attribute.trim().is_empty() {
                problems.push(ConfigProblem::new("group_by.resource_attribute", "must not be empty"));
            }
            if g.max_open_files == 0 {
                problems.push(ConfigProblem::new("group_by.max_open_files", "must be at least 1"));
            }
        }
        if let Some(r) = &self.rotation
            && r.max_megabytes == 0
        {
            problems.push(ConfigProblem::new("rotation.max_megabytes", "must be at least 1"));
        }
        problems
    }

    /// Whether objects are written length-prefixed (anything but plain JSON lines).
    pub fn framed(&self) -> bool {
        self.format == FileFormat::Proto || self.zstd()
    }

    pub fn zstd(&self) -> bool {
        self.compression.as_deref() == Some("zstd")
    }
}

/// The `file` exporter. The file is written on tokio's blocking pool (`spawn_blocking`), never on a
/// runtime worker thread, so a slow disk (or a FIFO whose reader lags) stalls only this exporter.
/// Each export waits for its own write, so batches stay in order, each is flushed before `export`
/// returns, and `shutdown` fsyncs.
pub struct FileExporter {
    path: PathBuf,
    writer: Arc<Mutex<Writer>>,
    /// With `group_by`: one writer per attribute value.
    groups: Option<Arc<Mutex<Groups>>>,
}

/// The writers of `group_by`, most recently written last, at most `max_open` of them.
struct Groups {
    config: GroupByConfig,
    /// The writer settings every group copies (its path is the template with the `*`).
    template: Writer,
    open: Vec<(String, Writer)>,
}

impl Groups {
    /// The writer for `value`, opened (and the least recently used closed) as needed.
    fn writer(&mut self, value: &str) -> Result<&mut Writer, ExportError> {
        if let Some(i) = self.open.iter().position(|(v, _)| v == value) {
            let entry = self.open.remove(i);
            self.open.push(entry);
        } else {
            if self.open.len() >= self.config.max_open_files.max(1) {
                let (_, mut oldest) = self.open.remove(0);
                oldest.shutdown()?;
            }
            let template = self.template.path.to_string_lossy().into_owned();
            let mut w = self.template.sibling(PathBuf::from(template.replacen('*', value, 1)));
            // Always appended to: a file closed at `max_open_files` and reopened keeps what it had.
            w.open(false)?;
            self.open.push((value.to_string(), w));
        }
        match self.open.last_mut() {
            Some((_, w)) => Ok(w),
            None => Err(ExportError::Failed("file exporter: no writer".into())),
        }
    }

    /// Splits `data` by the attribute's value and writes each part to its file. Resources without
    /// the attribute, or whose value is not a plain file name, are dropped (debug log).
    fn export(&mut self, data: &SignalData) -> Result<(), ExportError> {
        let key = self.config.resource_attribute.clone();
        let value_of = |r: &dbintel_core::pdata::Resource| -> Option<String> {
            let v = r.attributes.get(&key)?.as_str()?;
            let plain = !v.is_empty() && v != "." && v != ".." && !v.contains(['/', '\\', '\0']);
            plain.then(|| v.to_string())
        };
        let mut parts: Vec<(String, SignalData)> = Vec::new();
        let mut dropped = 0usize;
        match data {
            SignalData::Metrics(m) => {
                for rm in &m.resource_metrics {
                    let Some(v) = value_of(&rm.resource) else {
                        dropped += 1;
                        continue;
                    };
                    match parts.iter_mut().find(|(k, _)| *k == v) {
                        Some((_, SignalData::Metrics(acc))) => acc.resource_metrics.push(rm.clone()),
                        _ => parts.push((
                            v,
                            SignalData::Metrics(dbintel_core::pdata::Metrics {
                                resource_metrics: vec![rm.clone()],
                            }),
                        )),
                    }
                }
            }
            SignalData::Logs(l) => {
                for rl in &l.resource_logs {
                    let Some(v) = value_of(&rl.resource) else {
                        dropped += 1;
                        continue;
                    };
                    match parts.iter_mut().find(|(k, _)| *k == v) {
                        Some((_, SignalData::Logs(acc))) => acc.resource_logs.push(rl.clone()),
                        _ => parts.push((
                            v,
                            SignalData::Logs(dbintel_core::pdata::Logs { resource_logs: vec![rl.clone()] }),
                        )),
                    }
                }
            }
            SignalData::Traces(t) => {
                for rs in &t.resource_spans {
                    let Some(v) = value_of(&rs.resource) else {
                        dropped += 1;
                        continue;
                    };
                    match parts.iter_mut().find(|(k, _)| *k == v) {
                        Some((_, SignalData::Traces(acc))) => acc.resource_spans.push(rs.clone()),
                        _ => parts.push((
                            v,
                            SignalData::Traces(dbintel_core::pdata::Traces {
                                resource_spans: vec![rs.clone()],
                            }),
                        )),
                    }
                }
            }
        }
        if dropped > 0 {
            tracing::debug!(resources = dropped, attribute = %key, "file exporter: resources without a usable group_by attribute were dropped");
        }
        for (value, part) in parts {
            self.writer(&value)?.export(&part)?;
        }
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        let mut first = Ok(());
        for (_, w) in &mut self.open {
            if let Err(e) = w.shutdown()
                && first.is_ok()
            {
                first = Err(e);
            }
        }
        first
    }
}

/// The file and its state, used only from blocking threads.
struct Writer {
    path: PathBuf,
    append: bool,
    rotation: Option<RotationPolicy>,
    file: Option<File>,
    /// Bytes in the current file.
    size: u64,
    /// The encoded batch, reused between exports: one write (one syscall) per batch.
    buf: Vec<u8>,
    format: FileFormat,
    zstd: bool,
}

impl FileExporter {
    pub fn new(path: impl Into<PathBuf>, append: bool, rotation: Option<RotationPolicy>) -> Self {
        let path = path.into();
        let writer = Writer {
            path: path.clone(),
            append,
            rotation,
            file: None,
            size: 0,
            buf: Vec::new(),
            format: FileFormat::Json,
            zstd: false,
        };
        Self { path, writer: Arc::new(Mutex::new(writer)), groups: None }
    }

    pub fn from_config(config: &FileConfig) -> Self {
        let mut e = Self::new(
            &config.path,
            config.append,
            config.rotation.as_ref().filter(|r| r.enabled).map(RotationConfig::policy),
        );
        if let Ok(mut w) = e.writer.lock() {
            w.format = config.format;
            w.zstd = config.zstd();
            if let Some(g) = config.group_by.as_ref().filter(|g| g.enabled) {
                let template = w.sibling(w.path.clone());
                e.groups =
                    Some(Arc::new(Mutex::new(Groups { config: g.clone(), template, open: Vec::new() })));
            }
        }
        e
    }

    /// Runs `f` on the writer on the blocking pool and waits for it. If the calling future is
    /// dropped, the write still completes, and the next call waits for it on the writer's lock.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Writer) -> Result<T, ExportError> + Send + 'static,
    ) -> Result<T, ExportError> {
        let writer = Arc::clone(&self.writer);
        tokio::task::spawn_blocking(move || {
            // A panic in a previous write leaves the state consistent enough: the file is reopened
            // after a failed write anyway.
            let mut w = writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut w)
        })
        .await
        .map_err(|e| ExportError::Failed(format!("file exporter: the write task failed: {e}")))?
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Writer {
    /// A closed writer with the same settings for another path.
    fn sibling(&self, path: PathBuf) -> Writer {
        Writer {
            path,
            append: self.append,
            rotation: self.rotation.clone(),
            file: None,
            size: 0,
            buf: Vec::new(),
            format: self.format,
            zstd: self.zstd,
        }
    }

    fn err(&self, what: &str, e: std::io::Error) -> ExportError {
        ExportError::Failed(format!("file exporter: {what} `{}`: {e}", self.path.display()))
    }

    fn open(&mut self, truncate: bool) -> Result<(), ExportError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| self.err("cannot create the directory of", e))?;
        }
        let mut opts = OpenOptions::new();
        opts.read(true).create(true);
        if truncate {
            opts.write(true).truncate(true);
        } else {
            opts.append(true);
        }
        let mut file = opts.open(&self.path).map_err(|e| self.err("cannot open", e))?;
        let mut size = file.metadata().map_err(|e| self.err("cannot stat", e))?.len();
        // A previous run (or a failed write) may have left a partial line: start on a fresh line.
        // (Length-prefixed objects have no line to finish.)
        if !self.framed() && size > 0 && !ends_with_newline(&mut file) {
            file.write_all(b"\n").map_err(|e| self.err("cannot write to", e))?;
            size += 1;
        }
        self.file = Some(file);
        self.size = size;
        Ok(())
    }

    fn rotate(&mut self) -> Result<(), ExportError> {
        let Some(policy) = self.rotation.clone() else { return Ok(()) };
        if let Some(f) = self.file.take() {
            f.sync_all().map_err(|e| self.err("cannot sync", e))?;
        }
        let now = SystemTime::now();
        let backup = rotation::backup_path(&self.path, now, policy.localtime);
        fs::rename(&self.path, &backup).map_err(|e| self.err("cannot rotate", e))?;
        if let Err(e) = rotation::prune(&self.path, &policy, now) {
            tracing::warn!(path = %self.path.display(), error = %e, "file exporter: cannot prune old backups");
        }
        self.open(false)
    }

    fn framed(&self) -> bool {
        self.format == FileFormat::Proto || self.zstd
    }

    /// Encodes one batch as one OTLP-JSON line, or one length-prefixed object, and writes it.
    fn export(&mut self, data: &SignalData) -> Result<(), ExportError> {
        self.buf.clear();
        if !self.framed() {
            match data {
                SignalData::Metrics(m) => dbintel_otlp::write_metrics_json(m, &mut self.buf),
                SignalData::Logs(l) => dbintel_otlp::write_logs_json(l, &mut self.buf),
                SignalData::Traces(t) => dbintel_otlp::write_traces_json(t, &mut self.buf),
            }
            self.buf.push(b'\n');
            return self.write_line();
        }
        // Contrib framing: [u32 big-endian length][object], the object compressed if asked.
        let mut object = Vec::new();
        match (self.format, data) {
            (FileFormat::Json, SignalData::Metrics(m)) => dbintel_otlp::write_metrics_json(m, &mut object),
            (FileFormat::Json, SignalData::Logs(l)) => dbintel_otlp::write_logs_json(l, &mut object),
            (FileFormat::Json, SignalData::Traces(t)) => dbintel_otlp::write_traces_json(t, &mut object),
            // `MetricsData`/`LogsData` have the wire form of the export requests (field 1, repeated).
            (FileFormat::Proto, SignalData::Metrics(m)) => {
                object = prost::Message::encode_to_vec(&dbintel_otlp::to_proto_metrics(m))
            }
            (FileFormat::Proto, SignalData::Logs(l)) => {
                object = prost::Message::encode_to_vec(&dbintel_otlp::to_proto_logs(l))
            }
            (FileFormat::Proto, SignalData::Traces(t)) => {
                object = prost::Message::encode_to_vec(&dbintel_otlp::to_proto_traces(t))
            }
        }
        if self.zstd {
            object = zstd::bulk::compress(&object, zstd::DEFAULT_COMPRESSION_LEVEL)
                .map_err(|e| ExportError::Failed(format!("file exporter: zstd: {e}")))?;
        }
        let len = u32::try_from(object.len()).map_err(|_| {
            ExportError::Failed(format!(
                "file exporter: an object of {} bytes does not fit the 4-byte length prefix",
                object.len()
            ))
        })?;
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(&object);
        self.write_line()
    }

    /// Writes one encoded line (with its newline), rotating first if it would overflow the file.
    fn write_line(&mut self) -> Result<(), ExportError> {
        if self.file.is_none() {
            self.open(false)?;
        }
        let len = self.buf.len() as u64;
        if let Some(policy) = &self.rotation
            && self.size > 0
            && self.size.saturating_add(len) > policy.max_bytes
        {
            self.rotate()?;
        }
        let Some(file) = self.file.as_mut() else {
            return Err(ExportError::Failed("file exporter: the file is not open".into()));
        };
        match file.write_all(&self.buf).and_then(|()| file.flush()) {
            Ok(()) => {
                self.size += len;
                Ok(())
            }
            Err(e) => {
                // Reopen on the next export; `open` starts a fresh line after a partial write.
                self.file = None;
                Err(self.err("cannot write to", e))
            }
        }
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        if let Some(mut f) = self.file.take() {
            f.flush().map_err(|e| self.err("cannot flush", e))?;
            f.sync_all().map_err(|e| self.err("cannot sync", e))?;
        }
        Ok(())
    }
}

fn ends_with_newline(file: &mut File) -> bool {
    let mut last = [0u8; 1];
    file.seek(SeekFrom::End(-1)).is_ok() && file.read_exact(&mut last).is_ok() && last[0] == b'\n'
}

#[async_trait]
impl Exporter for FileExporter {
    async fn start(&mut self) -> Result<(), ExportError> {
        if self.groups.is_some() {
            // Files are opened per attribute value, on first use.
            return Ok(());
        }
        self.blocking(|w| w.open(!w.append)).await
    }

    async fn export(&mut self, data: std::sync::Arc<SignalData>) -> Result<(), ExportError> {
        if data.is_empty() {
            return Ok(());
        }
        if let Some(groups) = self.groups.clone() {
            return tokio::task::spawn_blocking(move || {
                groups.lock().unwrap_or_else(std::sync::PoisonError::into_inner).export(&data)
            })
            .await
            .map_err(|e| ExportError::Failed(format!("file exporter: the write task failed: {e}")))?;
        }
        self.blocking(move |w| w.export(&data)).await
    }

    async fn shutdown(&mut self) -> Result<(), ExportError> {
        if let Some(groups) = self.groups.clone() {
            return tokio::task::spawn_blocking(move || {
                groups.lock().unwrap_or_else(std::sync::PoisonError::into_inner).shutdown()
            })
            .await
            .map_err(|e| ExportError::Failed(format!("file exporter: the write task failed: {e}")))?;
        }
        self.blocking(Writer::shutdown).await
    }
}

/// Factory of the `file` exporter.
pub struct FileExporterFactory;

impl TypedFactory for FileExporterFactory {
    type Config = FileConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Exporter,
        type_name: "file",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "Writes OTLP-JSON lines or length-prefixed protobuf (optionally zstd) to a file, with rotation",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] =
        &[("flush_interval", "every batch is flushed when written")];

    fn check(&self, config: &FileConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, _ctx: &CreateContext, cfg: FileConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Exporter(Box::new(FileExporter::from_config(&cfg))))
    }
}
