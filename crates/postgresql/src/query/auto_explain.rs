//! Actual plans of slow statements from auto_explain output in the server log
//! (`top_query_collection.log_path`). Needs `auto_explain.log_format = json` and the default
//! `stderr` log format: the message `duration: 12.345 ms  plan:` is followed by the JSON document,
//! one line per line of JSON, each continuation line starting with a tab.
//!
//! The log is read incrementally (at most [`MAX_READ_PER_RUN`] bytes per run, from where the
//! previous run stopped; a shorter file means rotation or truncation and reading restarts at 0).
//! Each plan is keyed by the fingerprint of its `Query Text` (literals and `$n` fingerprint alike,
//! so it matches the pg_stat_statements text), obfuscated, and the raw text and parameters are
//! dropped before anything is kept.

use std::io::SeekFrom;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dbintel_sql::Dialect;
use dbintel_sql::plan::analyze_plan_value;
use serde_json::Value as Json;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::time::Instant;

use super::plans::MAX_PLAN_TEXT;
use dbintel_core::cache::BoundedCache;

/// Most bytes read from the log per run.
pub const MAX_READ_PER_RUN: u64 = 8 * 1024 * 1024;
/// Largest single auto_explain entry kept while waiting for its end.
const MAX_ENTRY: usize = 1024 * 1024;

/// An actual plan from auto_explain.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualPlan {
    pub plan_json: Option<String>,
    pub plan_hash: String,
    pub summary_json: String,
    pub duration_ms: f64,
}

/// One entry found in the log text: the fingerprint of its statement and its plan.
pub fn parse_entries(text: &str) -> (Vec<(String, ActualPlan)>, usize) {
    let mut out = Vec::new();
    let mut consumed = 0usize;
    let mut lines = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        lines.push((offset, line));
        offset += line.len();
    }
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        if !line.ends_with('\n') {
            break; // incomplete line: wait for the rest
        }
        let Some(duration_ms) = header_duration(line) else {
            i += 1;
            consumed = start + line.len();
            continue;
        };
        let mut j = i + 1;
        let mut doc = String::new();
        let mut complete = false;
        while j < lines.len() {
            let (_, l) = lines[j];
            if !l.ends_with('\n') {
                break;
            }
            match l.strip_prefix('\t') {
                Some(rest) => {
                    doc.push_str(rest);
                    j += 1;
                }
                None => {
                    complete = true;
                    break;
                }
            }
        }
        if !complete {
            if doc.len() > MAX_ENTRY {
                consumed = lines.get(j).map(|(s, _)| *s).unwrap_or(text.len()); // drop the oversized entry
            }
            break;
        }
        if let Some(found) = entry(&doc, duration_ms) {
            out.push(found);
        }
        consumed = lines[j].0;
        i = j;
    }
    (out, consumed)
}

fn header_duration(line: &str) -> Option<f64> {
    let at = line.find("duration: ")?;
    let rest = &line[at + "duration: ".len()..];
    let (num, tail) = rest.split_once(" ms")?;
    if !tail.trim_start().starts_with("plan:") {
        return None;
    }
    num.trim().parse().ok().filter(|d: &f64| d.is_finite())
}

fn entry(doc: &str, duration_ms: f64) -> Option<(String, ActualPlan)> {
    if doc.len() > dbintel_sql::plan::MAX_PLAN_BYTES {
        return None;
    }
    let mut v: Json = serde_json::from_str(doc).ok()?;
    let Json::Object(m) = &mut v else { return None };
    let text = match m.remove("Query Text") {
        Some(Json::String(s)) => s,
        _ => return None,
    };
    m.remove("Query Parameters");
    let fp = dbintel_sql::fingerprint(Dialect::Postgresql, &text).ok()?.to_hex();
    let analysis = analyze_plan_value(Dialect::Postgresql, v).ok()?;
    let plan_json =
        serde_json::to_string(&analysis.obfuscated_plan).ok().filter(|s| s.len() <= MAX_PLAN_TEXT);
    Some((
        fp,
        ActualPlan {
            plan_json,
            plan_hash: analysis.summary.plan_hash.clone(),
            summary_json: serde_json::to_string(&analysis.summary).unwrap_or_default(),
            duration_ms,
        },
    ))
}

/// Reads the log incrementally and keeps the latest plan per fingerprint.
#[derive(Debug)]
pub struct AutoExplainReader {
    path: PathBuf,
    offset: u64,
    plans: BoundedCache<String, Arc<ActualPlan>>,
    pub(crate) last_error: Option<String>,
}

impl AutoExplainReader {
    pub fn new(path: PathBuf, cap: usize, ttl: Duration) -> Self {
        Self { path, offset: 0, plans: BoundedCache::new(cap.max(1), Some(ttl)), last_error: None }
    }

    /// Reads what was appended since the last call. Errors (missing file, permissions) are returned
    /// as a message for the caller to report once.
    pub async fn poll(&mut self) -> Result<usize, String> {
        let path = self.path.display().to_string();
        let mut f =
            tokio::fs::File::open(&self.path).await.map_err(|e| format!("cannot open {path}: {e}"))?;
        let len = f.metadata().await.map_err(|e| format!("cannot stat {path}: {e}"))?.len();
        if len < self.offset {
            self.offset = 0; // rotated or truncated
        }
        if len == self.offset {
            return Ok(0);
        }
        f.seek(SeekFrom::Start(self.offset)).await.map_err(|e| format!("cannot seek {path}: {e}"))?;
        let want = (len - self.offset).min(MAX_READ_PER_RUN);
        let mut buf = Vec::with_capacity(usize::try_from(want).unwrap_or(0));
        (&mut f).take(want).read_to_end(&mut buf).await.map_err(|e| format!("cannot read {path}: {e}"))?;
        let text = String::from_utf8_lossy(&buf);
        let (entries, consumed) = parse_entries(&text);
        // Lossy decoding may change lengths; fall back to what was read when it did.
        let consumed = if text.len() == buf.len() { consumed } else { buf.len() };
        let consumed =
            if consumed == 0 && buf.len() as u64 == MAX_READ_PER_RUN { buf.len() } else { consumed };
        self.offset += consumed as u64;
        let now = Instant::now();
        let n = entries.len();
        for (fp, plan) in entries {
            self.plans.insert_at(fp, Arc::new(plan), now);
        }
        Ok(n)
    }

    pub fn get(&mut self, fingerprint: &str) -> Option<Arc<ActualPlan>> {
        self.plans.get(&fingerprint.to_string()).cloned()
    }

    pub fn take_evictions(&mut self) -> u64 {
        self.plans.take_evictions()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "2024-05-01 10:00:00.000 UTC [42] LOG:  database system is ready\n\
2024-05-01 10:00:01.000 UTC [43] LOG:  duration: 12.500 ms  plan:\n\
\t{\n\
\t  \"Query Text\": \"SELECT * FROM items WHERE name = 'secret-literal'\",\n\
\t  \"Plan\": {\n\
\t    \"Node Type\": \"Seq Scan\",\n\
\t    \"Relation Name\": \"items\",\n\
\t    \"Alias\": \"items\",\n\
\t    \"Total Cost\": 20.5,\n\
\t    \"Plan Rows\": 1,\n\
\t    \"Plan Width\": 8,\n\
\t    \"Filter\": \"(name = 'secret-literal'::text)\"\n\
\t  }\n\
\t}\n\
2024-05-01 10:00:02.000 UTC [43] LOG:  duration: 3.000 ms  plan:\n\
\t{\n\
\t  \"Query Text\": \"SELECT 1\",\n";

    #[test]
    fn parses_complete_entries_and_keeps_the_partial_one() {
        let (entries, consumed) = parse_entries(LOG);
        assert_eq!(entries.len(), 1);
        let (fp, plan) = &entries[0];
        let want =
            dbintel_sql::fingerprint(Dialect::Postgresql, "SELECT * FROM items WHERE name = $1").unwrap();
        assert_eq!(fp, &want.to_hex());
        assert_eq!(plan.duration_ms, 12.5);
        let json = plan.plan_json.as_deref().unwrap();
        assert!(!json.contains("secret-literal") && !json.contains("Query Text"), "{json}");
        assert_eq!(&LOG[consumed..consumed + 10], "2024-05-01");
        assert!(LOG[consumed..].contains("3.000 ms"));
        // Garbage never panics.
        for cut in 0..LOG.len() {
            if LOG.is_char_boundary(cut) {
                let _ = parse_entries(&LOG[..cut]);
            }
        }
        assert!(parse_entries("LOG:  duration: x ms  plan:\n\tnot json\nnext\n").0.is_empty());
    }
}
