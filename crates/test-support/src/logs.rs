//! Capturing the log lines a test's own thread emits.
//!
//! One `tracing` subscriber serves the whole test binary: set once, never replaced, it writes each
//! line into the capture of the thread that emitted it (none: dropped). A scoped subscriber per test
//! (`tracing::subscriber::set_default`) races with parallel tests over tracing's global interest
//! cache: under load a callsite can be cached as disabled while a capture is live, and a line the
//! test waits for goes missing. Tests whose component logs from another thread see nothing either
//! way; run them on a current-thread runtime.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, Once};

thread_local! {
    static CAPTURE: RefCell<Option<CapturedLogs>> = const { RefCell::new(None) };
}

/// The lines (INFO and above, no colours) captured on one thread.
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// Everything captured so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }

    /// Everything captured so far, line by line.
    pub fn lines(&self) -> Vec<String> {
        self.text().lines().map(str::to_string).collect()
    }
}

/// Ends the capture of the thread that started it.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|c| c.borrow_mut().take());
    }
}

/// The binary's subscriber writes here: the current thread's capture, or nowhere.
struct ThreadCapture;

impl std::io::Write for ThreadCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|c| {
            if let Some(logs) = c.borrow().as_ref() {
                logs.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Starts capturing this thread's log lines (INFO and above) until the guard drops.
///
/// # Panics
/// When another global subscriber was set in this test binary.
pub fn capture_logs() -> (CapturedLogs, CaptureGuard) {
    static GLOBAL: Once = Once::new();
    GLOBAL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| ThreadCapture)
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("capture_logs owns this test binary's global subscriber");
    });
    let logs = CapturedLogs::default();
    CAPTURE.with(|c| *c.borrow_mut() = Some(logs.clone()));
    (logs, CaptureGuard(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_thread_sees_only_its_own_lines_while_capturing() {
        let (logs, guard) = capture_logs();
        tracing::info!("mine");
        let other = std::thread::spawn(|| {
            let (logs, _guard) = capture_logs();
            tracing::warn!("theirs");
            logs.text()
        })
        .join()
        .unwrap();
        tracing::debug!("below INFO");
        drop(guard);
        tracing::info!("after the guard");
        assert_eq!(logs.lines().len(), 1, "{}", logs.text());
        assert!(logs.text().contains("INFO") && logs.text().contains("mine"), "{}", logs.text());
        assert!(other.contains("WARN") && other.contains("theirs") && !other.contains("mine"), "{other}");
    }
}
