//! The database-client layer shared by dbintel's SQL receivers (`postgresql`, `sqlquery`, and the
//! coming `mysql` and `enhancedsql`): what every statement carries ([`session`]: the `/* dbintel */`
//! prefix, application name, timeouts), TLS for both drivers from one config type ([`tls`]), and
//! reconnect backoff ([`backoff`]). Only receiver crates and this one know SQL drivers; the core
//! stays driver-free.

pub mod backoff;
pub mod session;
pub mod tls;

pub use backoff::Backoff;
pub use session::{APPLICATION_NAME, STATEMENT_PREFIX, prefixed};
pub use tls::{DbTls, SslMode};
