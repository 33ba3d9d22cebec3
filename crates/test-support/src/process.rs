//! Process plumbing shared by the PostgreSQL and MariaDB harnesses: privilege drop, running client
//! binaries, and a server process that is stopped on drop and, through a watchdog, also when the
//! test process dies without dropping it (shared servers live in statics, which never drop).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rustix::process::{Pid, Signal};

use crate::HarnessError;

/// Interval between readiness probes and between checks that a stopping server has exited.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// How many polls a server gets to exit after the polite stop signal before it is killed (10 s).
const STOP_POLLS: u32 = 100;

/// The unprivileged account a server runs as when the tests run as root.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Account {
    pub uid: u32,
    pub gid: u32,
}

/// `Some(account of user)` when running as root (servers refuse to run as root), `None` otherwise.
pub(crate) fn service_account(user: &'static str) -> Result<Option<Account>, HarnessError> {
    if !rustix::process::geteuid().is_root() {
        return Ok(None);
    }
    // `id` goes through NSS, so it also finds users that are not in /etc/passwd.
    let lookup = |flag: &str| -> Result<u32, HarnessError> {
        let output = Command::new("id")
            .arg(flag)
            .arg(user)
            .output()
            .map_err(|source| HarnessError::io("running `id` to look up the server user", source))?;
        if !output.status.success() {
            return Err(HarnessError::UserNotFound { user });
        }
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .map_err(|_| HarnessError::UserNotFound { user })
    };
    Ok(Some(Account { uid: lookup("-u")?, gid: lookup("-g")? }))
}

/// Gives `path` to `account` so a server running as that account can write into it.
pub(crate) fn hand_over(path: &Path, account: Option<Account>) -> Result<(), HarnessError> {
    match account {
        Some(account) => std::os::unix::fs::chown(path, Some(account.uid), Some(account.gid))
            .map_err(|source| HarnessError::io(format!("chown {}", path.display()), source)),
        None => Ok(()),
    }
}

pub(crate) fn run_as(command: &mut Command, account: Option<Account>) -> &mut Command {
    if let Some(account) = account {
        command.uid(account.uid).gid(account.gid);
    }
    command
}

/// Renders a command for error messages. Arguments never carry secrets here: SQL goes through stdin.
pub(crate) fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        let _ = write!(text, " {}", arg.to_string_lossy());
    }
    text
}

/// Runs `command` to completion, feeding `stdin`, and returns its stdout; a non-zero exit is an error
/// that carries stderr.
pub(crate) fn run(command: &mut Command, stdin: Option<&str>) -> Result<String, HarnessError> {
    let description = describe(command);
    command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child =
        command.spawn().map_err(|source| HarnessError::io(format!("starting `{description}`"), source))?;
    // Write from another thread: a large script could otherwise fill the pipes in both directions.
    let writer = match (stdin, child.stdin.take()) {
        (Some(input), Some(mut pipe)) => {
            let input = input.to_owned();
            Some(std::thread::spawn(move || pipe.write_all(input.as_bytes())))
        }
        _ => None,
    };
    let output = child
        .wait_with_output()
        .map_err(|source| HarnessError::io(format!("waiting for `{description}`"), source))?;
    if let Some(writer) = writer {
        // A client that exits early closes its stdin; its exit status explains why, not the write.
        let _ = writer.join();
    }
    if !output.status.success() {
        return Err(HarnessError::CommandFailed {
            command: description,
            status: output.status,
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs `command` and tells only whether it succeeded (readiness probes).
pub(crate) fn succeeds(command: &mut Command) -> bool {
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    command.status().is_ok_and(|status| status.success())
}

/// The last `lines` lines of a log file, or a note saying why it cannot be read.
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(error) => format!("(log unreadable: {error})"),
    }
}

/// First of `candidates` that is an existing file.
pub(crate) fn first_existing(candidates: impl IntoIterator<Item = PathBuf>) -> Option<PathBuf> {
    candidates.into_iter().find(|candidate| candidate.is_file())
}

/// Directories on `PATH`, in order.
pub(crate) fn path_dirs() -> Vec<PathBuf> {
    std::env::var_os("PATH").map(|path| std::env::split_paths(&path).collect()).unwrap_or_default()
}

/// A free TCP port on 127.0.0.1.
///
/// Never returns the same port twice within one process, so servers started in parallel by one test
/// binary do not race for a port. Another process can still take it before the server binds; the
/// server harnesses retry with a fresh port when that happens.
pub fn free_port() -> Result<u16, HarnessError> {
    static HANDED_OUT: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    for _ in 0..64 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|source| HarnessError::io("binding 127.0.0.1:0 to find a free port", source))?;
        let port = listener
            .local_addr()
            .map_err(|source| HarnessError::io("reading the address of a bound socket", source))?
            .port();
        let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if handed_out.get_or_insert_with(HashSet::new).insert(port) {
            return Ok(port);
        }
    }
    Err(HarnessError::io(
        "finding a free port",
        std::io::Error::new(std::io::ErrorKind::AddrNotAvailable, "the kernel kept returning used ports"),
    ))
}

/// A database name that is unique within this process and valid unquoted in both PostgreSQL and
/// MariaDB: the prefix reduced to `[a-z0-9_]`, then the pid and a counter.
pub(crate) fn unique_database_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut name: String = prefix
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .take(32)
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
        name.insert_str(0, "db_");
    }
    let sequence = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{name}_{}_{sequence}", std::process::id())
}

/// A server process in its own process group, stopped with `stop_signal` to its leader (then SIGKILL
/// to the whole group after a bounded wait) on drop, plus a watchdog that does the same and removes `cleanup_dir` if this test
/// process dies first.
pub(crate) struct ManagedProcess {
    server: Child,
    stop_signal: Signal,
    watchdog: Option<Watchdog>,
    stopped: bool,
}

struct Watchdog {
    child: Child,
    disarm: ChildStdin,
}

/// Runs as `sh -c SCRIPT watchdog <server pgid> <signal name> <dir>`.
///
/// Its stdin is a pipe whose only writer is the test process (std opens pipes close-on-exec, so no
/// other child inherits it): end-of-file means the test process is gone, however it ended. The word
/// `disarm` means the test process stopped the server itself. The server counts as running while its
/// leader is not a zombie: once orphaned, nobody may reap it (PID 1 in some containers does not), and
/// PostgreSQL's postmaster exits only after its children.
const WATCHDOG_SCRIPT: &str = r#"
if read -r word && [ "$word" = disarm ]; then exit 0; fi
kill -s "$2" "$1" 2>/dev/null
running() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
polls=0
while running "$1" && [ "$polls" -lt 100 ]; do sleep 0.1; polls=$((polls + 1)); done
kill -s KILL -- "-$1" 2>/dev/null
rm -rf -- "$3"
"#;

impl ManagedProcess {
    pub(crate) fn spawn(
        mut command: Command,
        stop_signal: Signal,
        cleanup_dir: &Path,
    ) -> Result<Self, HarnessError> {
        let description = describe(&command);
        // Own process group: a terminal's Ctrl-C does not reach it half-way, and we can signal all
        // of a server's processes at once.
        command.process_group(0).stdin(Stdio::null());
        let server = command
            .spawn()
            .map_err(|source| HarnessError::io(format!("starting `{description}`"), source))?;
        let mut process = Self { server, stop_signal, watchdog: None, stopped: false };
        let mut watchdog = Command::new("sh");
        watchdog
            .arg("-c")
            .arg(WATCHDOG_SCRIPT)
            .arg("dbintel-test-watchdog")
            .arg(process.server.id().to_string())
            .arg(signal_name(stop_signal))
            .arg(cleanup_dir)
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // On error `process` drops here, which stops the server.
        let mut child =
            watchdog.spawn().map_err(|source| HarnessError::io("starting the watchdog shell", source))?;
        match child.stdin.take() {
            Some(disarm) => process.watchdog = Some(Watchdog { child, disarm }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(HarnessError::io(
                    "starting the watchdog shell",
                    std::io::Error::other("no stdin pipe"),
                ));
            }
        }
        Ok(process)
    }

    pub(crate) fn pid(&self) -> u32 {
        self.server.id()
    }

    /// `Some(status)` once the server has exited.
    pub(crate) fn exit_status(&mut self) -> Option<ExitStatus> {
        self.server.try_wait().ok().flatten()
    }

    /// Stops the server and disarms the watchdog. Idempotent.
    pub(crate) fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let group = i32::try_from(self.server.id()).ok().and_then(Pid::from_raw);
        if self.exit_status().is_none() {
            // The polite signal goes to the leader only: PostgreSQL's children read SIGINT differently
            // (cancel, checkpoint); the postmaster shuts them down itself.
            if let Some(leader) = group {
                let _ = rustix::process::kill_process(leader, self.stop_signal);
            }
            let mut polls = 0;
            while self.exit_status().is_none() && polls < STOP_POLLS {
                std::thread::sleep(POLL_INTERVAL);
                polls += 1;
            }
            if self.exit_status().is_none() {
                match group {
                    Some(group) => {
                        let _ = rustix::process::kill_process_group(group, Signal::KILL);
                    }
                    None => {
                        let _ = self.server.kill();
                    }
                }
                let _ = self.server.wait();
            }
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            let _ = writeln!(watchdog.disarm, "disarm");
            drop(watchdog.disarm);
            let _ = watchdog.child.wait();
        }
    }
}

impl std::fmt::Debug for ManagedProcess {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("ManagedProcess").field("pid", &self.pid()).finish()
    }
}

impl Drop for ManagedProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

fn signal_name(signal: Signal) -> &'static str {
    if signal == Signal::INT {
        "INT"
    } else if signal == Signal::KILL {
        "KILL"
    } else {
        "TERM"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_port_never_repeats_within_a_process() {
        let ports: HashSet<u16> = (0..20).map(|_| free_port().expect("loopback must be bindable")).collect();
        assert_eq!(ports.len(), 20);
    }

    #[test]
    fn unique_database_names_are_sanitised_and_distinct() {
        let first = unique_database_name("My Test-DB; DROP");
        let second = unique_database_name("My Test-DB; DROP");
        assert_ne!(first, second);
        assert!(first.starts_with("my_test_db__drop_"), "{first}");
        assert!(first.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
        assert!(unique_database_name("9lives").starts_with("db_9lives_"));
        assert!(unique_database_name("").starts_with("db__"));
        assert!(unique_database_name(&"x".repeat(500)).len() < 64);
    }

    #[test]
    fn log_tail_keeps_the_last_lines() {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("server.log");
        std::fs::write(&log, "one\ntwo\nthree\n").expect("write log");
        assert_eq!(log_tail(&log, 2), "two\nthree");
        assert!(log_tail(&dir.path().join("missing.log"), 2).starts_with("(log unreadable"));
    }

    #[test]
    fn failing_command_reports_its_stderr() {
        let error = run(Command::new("sh").args(["-c", "echo boom >&2; exit 3"]), None)
            .expect_err("exit 3 must be an error");
        let message = error.to_string();
        assert!(message.contains("boom") && message.contains("sh -c"), "{message}");
    }

    #[test]
    fn run_feeds_stdin_and_returns_stdout() {
        let output = run(&mut Command::new("cat"), Some("hello\n")).expect("cat runs");
        assert_eq!(output, "hello\n");
    }
}
