//! Console output that never panics.
//!
//! `std::println!` panics when stdout is a pipe whose reader has gone (`dbintel sql plan | head -c 10`:
//! Rust ignores SIGPIPE, so the write fails with EPIPE) and exits 101. This module's `println!` and
//! `eprintln!` shadow the std macros for the whole binary crate (`#[macro_use] mod stdio;` comes
//! first in main.rs), so every command's output goes through [`stdout`] and [`stderr`]:
//! - stdout closed by the reader (EPIPE): the process ends at once, quietly, with exit 0, as
//!   `head` and friends expect;
//! - any other stdout failure (a full disk): one message on stderr, exit 1;
//! - stderr failures are ignored: diagnostics must not kill the command.
//!
//! clap's `--help`/`--version` output goes through [`stdout`] too (`clap_exit` in main.rs).

use std::io::Write;

/// Writes to stdout and flushes, ending the process as described above when that fails.
pub fn stdout(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        stdout_failed(&e)
    }
}

/// Ends the process after a failed write to stdout: quietly with exit 0 when the reader has gone.
pub fn stdout_failed(e: &std::io::Error) -> ! {
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        let _ = writeln!(std::io::stderr().lock(), "dbintel: cannot write to stdout: {e}");
        std::process::exit(1);
    }
    std::process::exit(0)
}

/// Writes to stderr; errors are ignored.
pub fn stderr(args: std::fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// `std::println!` without the panic: see the module docs.
macro_rules! println {
    () => {
        $crate::stdio::stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::stdio::stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `std::eprintln!` without the panic: see the module docs.
macro_rules! eprintln {
    () => {
        $crate::stdio::stderr(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::stdio::stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}
