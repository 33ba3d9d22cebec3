//! Every command that prints ends quietly when its reader has gone (`dbintel ... | head -c 10`):
//! stdout is a pipe whose read end is closed before the command starts, so its first write gets
//! EPIPE. No panic message, no exit 101; the exit code is 0 (or the command's own failure code
//! when it failed before printing).

mod support;

use std::io::Write;
use std::process::{Command, ExitStatus, Stdio};

/// A pipe whose read end is already closed.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    writer
}

struct Outcome {
    status: ExitStatus,
    stderr: String,
}

/// Runs dbintel with `stdin` as input and stdout a closed pipe; stderr is captured unless
/// `stderr_too`, where it is the same closed pipe (`2>&1 | head`).
fn run_closed(args: &[&str], stdin: &[u8], stderr_too: bool) -> Outcome {
    let out = closed_pipe();
    let err = if stderr_too { Stdio::from(out.try_clone().expect("dup")) } else { Stdio::piped() };
    let mut child = Command::new(support::bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::from(out))
        .stderr(err)
        .spawn()
        .expect("run dbintel");
    let mut input = child.stdin.take().expect("stdin");
    // The command may stop reading early; a failed write here is fine.
    let _ = input.write_all(stdin);
    drop(input);
    let output = child.wait_with_output().expect("wait");
    Outcome { status: output.status, stderr: String::from_utf8_lossy(&output.stderr).into_owned() }
}

fn assert_quiet(what: &str, o: &Outcome, allowed: &[i32]) {
    assert!(!o.stderr.contains("panicked"), "{what}: panic on a closed stdout:\n{}", o.stderr);
    assert!(!o.stderr.contains("Broken pipe"), "{what}: noise on a closed stdout:\n{}", o.stderr);
    assert_ne!(o.status.code(), Some(101), "{what}: exit 101");
    match o.status.code() {
        Some(c) => {
            assert!(allowed.contains(&c), "{what}: exit {c}, expected one of {allowed:?}\n{}", o.stderr)
        }
        None => panic!("{what}: killed by a signal: {:?}", o.status),
    }
}

fn plan_json() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../sql/testdata/plans/pg/bitmap_scan.json");
    std::fs::read(path).expect("plan fixture")
}

fn config(dir: &std::path::Path) -> String {
    // A postgresql receiver on a port nothing listens on: doctor prints its FAIL findings.
    let port = support::free_port();
    let path = dir.join("c.yaml");
    std::fs::write(
        &path,
        format!(
            "receivers:\n  postgresql:\n    endpoint: 127.0.0.1:{port}\n    username: postgres\n    tls: {{insecure: true}}\n\
             exporters:\n  debug:\nservice:\n  pipelines:\n    metrics:\n      receivers: [postgresql]\n      exporters: [debug]\n"
        ),
    )
    .expect("write config");
    path.display().to_string()
}

#[test]
fn every_printing_command_ends_quietly_when_stdout_is_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path());
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "receivers: [not, a, map]\n").expect("write");
    let broken = broken.display().to_string();
    let statements = "SELECT * FROM t WHERE id = 1;\n".repeat(20_000);
    type Case<'a> = (&'a str, Vec<&'a str>, Vec<u8>, &'a [i32]);
    let cases: Vec<Case> = vec![
        ("sql plan", vec!["sql", "plan"], plan_json(), &[0]),
        ("sql plan (error)", vec!["sql", "plan"], b"{not json".to_vec(), &[0, 1]),
        ("sql plan --dialect mysql", vec!["sql", "plan", "--dialect", "mysql"], plan_json(), &[0, 1]),
        ("sql analyze", vec!["sql", "analyze"], statements.into_bytes(), &[0]),
        ("components", vec!["components"], vec![], &[0]),
        ("validate", vec!["validate", "--config", &cfg], vec![], &[0]),
        ("validate (invalid)", vec!["validate", "--config", &broken], vec![], &[1]),
        ("doctor", vec!["doctor", "--config", &cfg], vec![], &[0, 1]),
        ("doctor --json", vec!["doctor", "--json", "--config", &cfg], vec![], &[0, 1]),
        ("--version", vec!["--version"], vec![], &[0]),
        ("--help", vec!["--help"], vec![], &[0]),
        ("sql --help", vec!["sql", "--help"], vec![], &[0]),
    ];
    for (what, args, stdin, allowed) in &cases {
        let o = run_closed(args, stdin, false);
        assert_quiet(what, &o, allowed);
        // `2>&1 | head`: stderr is the same closed pipe.
        let o = run_closed(args, stdin, true);
        assert_quiet(&format!("{what} 2>&1"), &o, allowed);
    }
}

/// A full disk is not a closed pipe: the output was lost, so every printing command says so on
/// stderr and exits 1 (never 0 as if it had printed, never a panic).
#[test]
fn every_printing_command_fails_when_stdout_is_full() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path());
    let statements = "SELECT * FROM t WHERE id = 1;\n".repeat(20_000);
    let cases: Vec<(&str, Vec<&str>, Vec<u8>)> = vec![
        ("sql plan", vec!["sql", "plan"], plan_json()),
        ("sql analyze (short)", vec!["sql", "analyze"], b"SELECT 1\n".to_vec()),
        ("sql analyze", vec!["sql", "analyze"], statements.into_bytes()),
        ("components", vec!["components"], vec![]),
        ("validate", vec!["validate", "--config", &cfg], vec![]),
        ("doctor", vec!["doctor", "--config", &cfg], vec![]),
        ("doctor --json", vec!["doctor", "--json", "--config", &cfg], vec![]),
        ("--version", vec!["--version"], vec![]),
        ("--help", vec!["--help"], vec![]),
        ("sql --help", vec!["sql", "--help"], vec![]),
    ];
    for (what, args, stdin) in &cases {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let mut child = Command::new(support::bin())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::from(full))
            .stderr(Stdio::piped())
            .spawn()
            .expect("run dbintel");
        let mut input = child.stdin.take().expect("stdin");
        let _ = input.write_all(stdin);
        drop(input);
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{what}: panic on a full stdout:\n{stderr}");
        assert_eq!(output.status.code(), Some(1), "{what}: exit code on a full stdout\n{stderr}");
        assert!(
            stderr.contains("cannot write to stdout"),
            "{what}: the lost output is not reported:\n{stderr}"
        );
    }
}
