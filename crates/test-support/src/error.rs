use std::path::PathBuf;
use std::process::ExitStatus;

/// Everything that can go wrong while preparing, starting or talking to a throwaway server.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("{program} not found (searched: {searched}); {hint}")]
    BinaryNotFound { program: &'static str, searched: String, hint: &'static str },

    #[error(
        "system user `{user}` not found: as root the harness runs the server as that user \
         (install the server package or run the tests as an unprivileged user)"
    )]
    UserNotFound { user: &'static str },

    #[error("{action}: {source}")]
    Io {
        action: String,
        #[source]
        source: std::io::Error,
    },

    #[error("`{command}` failed ({status}): {stderr}")]
    CommandFailed { command: String, status: ExitStatus, stderr: String },

    #[error("{server} did not start: {reason}\n--- last lines of {} ---\n{log_tail}", .log.display())]
    StartFailed { server: &'static str, reason: String, log: PathBuf, log_tail: String },
}

impl HarnessError {
    pub(crate) fn io(action: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { action: action.into(), source }
    }
}
