//! `dbintel sql analyze` reads stdin with a cap: a line far over the statement limit is not held in
//! memory; it gets an error object and the next lines are analysed as usual.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Peak resident set of a live process, in bytes (`VmHWM` in /proc).
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    kb * 1024
}

#[test]
fn an_over_long_line_is_skipped_in_bounded_memory() {
    let mut child = Command::new(support::bin())
        .args(["sql", "analyze"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run dbintel");
    let mut stdin = child.stdin.take().expect("stdin");
    let pid = child.id();
    let line_len = 200 * 1024 * 1024;
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 1024 * 1024];
        for _ in 0..line_len / chunk.len() {
            stdin.write_all(&chunk).expect("write");
        }
        stdin.write_all(b"\nSELECT * FROM t WHERE id = 42\n").expect("write");
        // Keep stdin open until the test has read the peak memory.
        stdin
    });
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    let mut second = String::new();
    out.read_line(&mut first).expect("read");
    out.read_line(&mut second).expect("read");
    let rss = peak_rss(pid);
    drop(writer.join().expect("writer"));
    assert!(child.wait().expect("wait").success());
    let first: serde_json::Value = serde_json::from_str(&first).expect("json");
    assert!(first["error"].as_str().is_some_and(|e| e.contains("longer than")), "{first}");
    let second: serde_json::Value = serde_json::from_str(&second).expect("json");
    assert_eq!(second["summary"], "SELECT t", "{second}");
    // The line is 200 MiB; the reader keeps at most the 4 MiB limit of it.
    assert!(rss < 64 * 1024 * 1024, "peak RSS {} MiB for a {} MiB line", rss >> 20, line_len >> 20);
}

/// A plan over the library's 16 MiB limit is refused as soon as the limit is read, with the same
/// limit named, and the rest of stdin is never held.
#[test]
fn sql_plan_refuses_a_plan_over_the_library_limit_without_reading_it_all() {
    let mut child = Command::new(support::bin())
        .args(["sql", "plan"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dbintel");
    let mut input = child.stdin.take().expect("stdin");
    let chunk = vec![b' '; 1 << 20];
    let mut written = 0usize;
    // 40 MiB offered; the command stops reading after 16 MiB + 1 byte, so writes fail early.
    for _ in 0..40 {
        if input.write_all(&chunk).is_err() {
            break;
        }
        written += chunk.len();
    }
    drop(input);
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("plan larger than 16 MiB"), "{stderr}");
    assert!(written < 40 << 20, "the command read the whole 40 MiB");
}
