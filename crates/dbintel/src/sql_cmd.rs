//! `dbintel sql analyze|plan`: the query-intelligence library on stdin, JSON on stdout.

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

use dbintel_sql::Dialect;

/// Largest plan document read from stdin.
const MAX_PLAN_BYTES: u64 = 64 * 1024 * 1024;
/// Longest statement line read from stdin; longer lines get an error object.
const MAX_LINE_BYTES: usize = dbintel_sql::MAX_STATEMENT_BYTES;

/// One JSON object per input line, in order; a line that cannot be analysed gets `{"error": ...}`.
pub fn analyze(dialect: Dialect) -> ExitCode {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("dbintel sql analyze: cannot read stdin: {e}");
                return ExitCode::from(1);
            }
        }
        let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let value = if line.len() > MAX_LINE_BYTES {
            serde_json::json!({ "error": format!("statement longer than {MAX_LINE_BYTES} bytes") })
        } else {
            match std::str::from_utf8(line) {
                Ok(text) => dbintel_sql::analyze_statement_json(dialect, text),
                Err(_) => serde_json::json!({ "error": "line is not valid UTF-8" }),
            }
        };
        if writeln!(out, "{value}").is_err() {
            // stdout closed (e.g. piped into `head`): stop quietly.
            return ExitCode::SUCCESS;
        }
    }
    let _ = out.flush();
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
