//! `dbintel sql analyze|plan`: the query-intelligence library on stdin, JSON on stdout.

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use dbintel_sql::Dialect;

/// Largest plan document read from stdin: the library's own limit (reading more would only hold a
/// document it refuses).
const MAX_PLAN_BYTES: u64 = dbintel_sql::plan::MAX_PLAN_BYTES as u64;
/// Longest statement line read from stdin; longer lines get an error object.
const MAX_LINE_BYTES: usize = dbintel_sql::MAX_STATEMENT_BYTES;

/// Reads one line (up to and including `\n`) into `buf`, keeping at most `max + 2` bytes (the line, `\r\n`):
/// the rest of a longer line is read and discarded, so memory stays bounded whatever the input.
/// Returns `None` at the end of input, `Some(true)` for a line that was too long (`buf` is then empty).
fn read_line_capped(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut any = false;
    let mut too_long = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take <= max.saturating_add(2) {
                buf.extend_from_slice(&chunk[..take]);
            } else {
                too_long = true;
                buf.clear();
                buf.shrink_to(max.saturating_add(2));
            }
        }
        input.consume(take);
        if done {
            return Ok(Some(too_long));
        }
    }
}

/// One JSON object per input line, in order; a line that cannot be analysed gets `{"error": ...}`.
/// Lines longer than the statement limit are skipped without being held in memory.
pub fn analyze(dialect: Dialect) -> ExitCode {
    let mut input = std::io::BufReader::with_capacity(64 * 1024, std::io::stdin().lock());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut buf = Vec::new();
    loop {
        // Nothing more buffered: show what is done before waiting for input (interactive use).
        if input.buffer().is_empty()
            && let Err(e) = out.flush()
        {
            crate::stdio::stdout_failed(&e);
        }
        let too_long = match read_line_capped(&mut input, &mut buf, MAX_LINE_BYTES) {
            Ok(None) => break,
            Ok(Some(too_long)) => too_long,
            Err(e) => {
                eprintln!("dbintel sql analyze: cannot read stdin: {e}");
                return ExitCode::from(1);
            }
        };
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let value = if too_long || line.len() > MAX_LINE_BYTES {
            serde_json::json!({ "error": format!("statement longer than {MAX_LINE_BYTES} bytes") })
        } else {
            match std::str::from_utf8(line) {
                Ok(text) => dbintel_sql::analyze_statement_json(dialect, text),
                Err(_) => serde_json::json!({ "error": "line is not valid UTF-8" }),
            }
        };
        if let Err(e) = writeln!(out, "{value}") {
            // Reader gone (piped into `head`): quietly, exit 0; a full disk: said, exit 1.
            crate::stdio::stdout_failed(&e);
        }
    }
    if let Err(e) = out.flush() {
        crate::stdio::stdout_failed(&e);
    }
    ExitCode::SUCCESS
}

/// Reads one EXPLAIN (FORMAT JSON) document and prints its summary.
pub fn plan(dialect: Dialect) -> ExitCode {
    let mut doc = String::new();
    let read = std::io::stdin().lock().take(MAX_PLAN_BYTES + 1).read_to_string(&mut doc);
    let result = match read {
        Err(e) => Err(format!("cannot read the plan from stdin: {e}")),
        Ok(n) if n as u64 > MAX_PLAN_BYTES => Err(format!("plan larger than {} MiB", MAX_PLAN_BYTES >> 20)),
        Ok(_) => dbintel_sql::analyze_plan_json(dialect, &doc).map_err(|e| e.to_string()),
    };
    match result {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{}", serde_json::json!({ "error": e }));
            eprintln!("dbintel sql plan: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read_line_capped;

    #[test]
    fn over_long_lines_are_discarded_and_reading_continues() {
        let long = "x".repeat(100);
        let text = format!("a\n{long}\nb\r\n{}\nc", "y".repeat(10));
        // A tiny buffer, so lines span several fill_buf calls.
        let mut input = std::io::BufReader::with_capacity(7, text.as_bytes());
        let mut buf = Vec::new();
        let mut got = Vec::new();
        while let Some(too_long) = read_line_capped(&mut input, &mut buf, 10).unwrap() {
            assert!(buf.capacity() <= 64, "the buffer stays bounded: {}", buf.capacity());
            got.push(if too_long {
                "TOO LONG".to_string()
            } else {
                String::from_utf8_lossy(&buf).into_owned()
            });
        }
        assert_eq!(got, ["a\n", "TOO LONG", "b\r\n", "yyyyyyyyyy\n", "c"]);
    }
}
