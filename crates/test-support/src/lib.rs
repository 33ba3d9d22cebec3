//! Dev-only test harness for dbintel: throwaway PostgreSQL and MariaDB servers started by the tests
//! themselves (no Docker), one shared instance per test binary, golden-file helpers and log capture.
//!
//! Servers run in a temp dir on a free port on 127.0.0.1, as the `postgres`/`mysql` user when the
//! tests run as root. Dropping a server stops it and removes its dir; a watchdog shell does the same
//! for shared servers (which live in statics and never drop) once the test process is gone.
//!
//! Everything here blocks (std processes and `std::thread::sleep`) and needs no async runtime.

mod error;
mod golden;
mod logs;
mod mariadb;
mod postgres;
mod process;
mod tls;

pub use error::HarnessError;
pub use golden::{UPDATE_GOLDEN_ENV, assert_golden, check_golden};
pub use logs::{CaptureGuard, CapturedLogs, capture_logs};
pub use mariadb::{
    MARIADB_BINDIR_ENV, MariaDbBinaries, MariaDbServer, MariaDbServerBuilder, mariadb_available,
    mariadb_binaries, shared_mariadb, shared_mariadb_tls,
};
pub use postgres::{
    PG_BINDIR_ENV, PgServer, PgServerBuilder, postgres_available, postgres_bin_dir, shared_postgres,
    shared_postgres_tls,
};
pub use process::free_port;
pub use tls::TestCertificates;
