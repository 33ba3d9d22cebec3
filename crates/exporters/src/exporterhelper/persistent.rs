//! The persistent sending queue: one file per queued request under
//! `<file_storage.directory>/exporter_<type>_<name>/`.
//!
//! Design, chosen so it can be reasoned about after a kill -9:
//! - Enqueue writes `<seq>.tmp` (header + protobuf), optionally fsyncs it, renames it to `<seq>.req`
//!   (atomic on POSIX), and with fsync also fsyncs the directory. Only then does `export` return Ok.
//!   A kill -9 before the rename leaves a `.tmp` (a request whose `export` never returned), removed at
//!   the next start.
//! - `seq` is a 20-digit, zero-padded, strictly increasing number: the name order is the queue order.
//!   At start the next `seq` is one past the largest found.
//! - A consumer reads the file when it takes the request, and deletes it only after the request is
//!   delivered, or dropped for good (permanent error, retries exhausted, unreadable file).
//!   A kill -9 between delivery and deletion sends that request again after restart: delivery is
//!   **at least once**; duplicates after a crash are possible, losses are not.
//! - Each file starts with a 20-byte header: magic `DBIQ`, format version 1, signal tag
//!   (1 metrics, 2 logs), two reserved bytes, the payload length (u64 LE) and its CRC-32 (u32 LE).
//!   A file that fails any check (truncated by a machine crash without fsync, edited, foreign) is
//!   skipped, counted as dropped (`corrupt`), logged and deleted; it can never panic the process.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use dbintel_core::ComponentId;
use dbintel_otlp::opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use dbintel_otlp::opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use dbintel_otlp::trace_proto::ExportTraceServiceRequest;
use prost::Message;

use super::Payload;

const MAGIC: &[u8; 4] = b"DBIQ";
const VERSION: u8 = 1;
const HEADER_LEN: usize = 20;
const TAG_METRICS: u8 = 1;
const TAG_LOGS: u8 = 2;
const TAG_TRACES: u8 = 3;
const SUFFIX: &str = ".req";
const TMP_SUFFIX: &str = ".tmp";

/// Where and how to persist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageSettings {
    /// The `file_storage` extension's directory.
    pub directory: PathBuf,
    pub create_directory: bool,
    pub fsync: bool,
}

/// Why a queued file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read `{path}`: {source}")]
    Io { path: String, source: io::Error },
    #[error("`{path}` is corrupt: {reason}")]
    Corrupt { path: String, reason: String },
}

/// A request found on disk at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredRequest {
    pub seq: u64,
    pub bytes: u64,
}

/// The files of one exporter's queue.
#[derive(Debug)]
pub struct FileQueueStore {
    dir: PathBuf,
    fsync: bool,
    /// Files larger than this are not read (corrupt).
    max_file_bytes: u64,
}

/// The subdirectory name of an exporter: `exporter_<type>[_<name>]`, with characters other than
/// ASCII letters, digits, `-`, `_` and `.` replaced by `_`.
pub fn exporter_dir_name(id: &ComponentId) -> String {
    let raw = match id.name() {
        Some(n) => format!("exporter_{}_{}", id.type_name(), n),
        None => format!("exporter_{}", id.type_name()),
    };
    raw.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect()
}

impl FileQueueStore {
    /// Opens (creating if allowed) the exporter's directory, removes incomplete writes, and lists
    /// the queued requests in order. Returns the store, the requests and the next sequence number.
    pub fn open(
        settings: &StorageSettings,
        exporter: &ComponentId,
        max_file_bytes: u64,
    ) -> io::Result<(Self, Vec<StoredRequest>, u64)> {
        if settings.create_directory {
            fs::create_dir_all(&settings.directory)?;
        }
        let dir = settings.directory.join(exporter_dir_name(exporter));
        match fs::create_dir(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io::Error::new(e.kind(), format!("`{}`: {e}", dir.display()))),
        }
        let mut found = Vec::new();
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.ends_with(TMP_SUFFIX) {
                // An incomplete write from a process that died before the rename.
                let _ = fs::remove_file(entry.path());
                continue;
            }
            let Some(seq) = name.strip_suffix(SUFFIX).and_then(|s| s.parse::<u64>().ok()) else {
                continue;
            };
            let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
            found.push(StoredRequest { seq, bytes });
        }
        found.sort_by_key(|r| r.seq);
        let next_seq = found.last().map_or(1, |r| r.seq.saturating_add(1));
        Ok((Self { dir, fsync: settings.fsync, max_file_bytes }, found, next_seq))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, seq: u64, suffix: &str) -> PathBuf {
        self.dir.join(format!("{seq:020}{suffix}"))
    }

    /// Writes one request durably (per the fsync policy); returns the file size.
    pub fn write(&self, seq: u64, payload: &Payload) -> io::Result<u64> {
        let bytes = encode(payload);
        let tmp = self.path(seq, TMP_SUFFIX);
        let result = (|| {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            if self.fsync {
                f.sync_all()?;
            }
            drop(f);
            fs::rename(&tmp, self.path(seq, SUFFIX))?;
            if self.fsync {
                fs::File::open(&self.dir)?.sync_all()?;
            }
            Ok(bytes.len() as u64)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Reads and checks one request.
    pub fn read(&self, seq: u64) -> Result<Payload, ReadError> {
        let path = self.path(seq, SUFFIX);
        let name = path.display().to_string();
        let len = fs::metadata(&path).map_err(|source| ReadError::Io { path: name.clone(), source })?.len();
        if len > self.max_file_bytes {
            return Err(ReadError::Corrupt {
                path: name,
                reason: format!("{len} bytes is more than the queue's byte cap"),
            });
        }
        let data = fs::read(&path).map_err(|source| ReadError::Io { path: name.clone(), source })?;
        decode(&data).map_err(|reason| ReadError::Corrupt { path: name, reason })
    }

    /// Deletes a request that is done with.
    pub fn remove(&self, seq: u64) -> io::Result<()> {
        match fs::remove_file(self.path(seq, SUFFIX)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

/// Header + protobuf.
pub fn encode(payload: &Payload) -> Vec<u8> {
    let body = payload.encode_to_vec();
    let tag = match payload {
        Payload::Metrics(_) => TAG_METRICS,
        Payload::Logs(_) => TAG_LOGS,
        Payload::Traces(_) => TAG_TRACES,
    };
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.push(tag);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// Checks and decodes a file's content.
pub fn decode(data: &[u8]) -> Result<Payload, String> {
    let Some((header, body)) = data.split_at_checked(HEADER_LEN) else {
        return Err(format!("{} bytes is shorter than the header", data.len()));
    };
    if &header[0..4] != MAGIC {
        return Err("not a dbintel queue file (bad magic)".to_string());
    }
    if header[4] != VERSION {
        return Err(format!("unsupported format version {}", header[4]));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&header[8..16]);
    let len = u64::from_le_bytes(len);
    if len != body.len() as u64 {
        return Err(format!("truncated: header says {len} bytes, file has {}", body.len()));
    }
    let mut crc = [0u8; 4];
    crc.copy_from_slice(&header[16..20]);
    if u32::from_le_bytes(crc) != crc32fast::hash(body) {
        return Err("checksum mismatch".to_string());
    }
    match header[5] {
        TAG_METRICS => ExportMetricsServiceRequest::decode(body)
            .map(Payload::Metrics)
            .map_err(|e| format!("bad protobuf: {e}")),
        TAG_LOGS => ExportLogsServiceRequest::decode(body)
            .map(Payload::Logs)
            .map_err(|e| format!("bad protobuf: {e}")),
        TAG_TRACES => ExportTraceServiceRequest::decode(body)
            .map(Payload::Traces)
            .map_err(|e| format!("bad protobuf: {e}")),
        t => Err(format!("unknown signal tag {t}")),
    }
}
