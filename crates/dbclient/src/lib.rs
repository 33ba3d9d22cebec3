//! The database-client layer shared by dbintel's SQL receivers (`postgresql`, `sqlquery`, and the
//! coming `mysql` and `enhancedsql`): what every statement carries ([`session`]: the `/* dbintel */`
//! prefix, application name), one error type with SQLSTATE / MySQL-code hints ([`error`]), TLS for both drivers from one config type ([`tls`]), reconnect
//! backoff ([`backoff`]), and the scrape loop's pieces ([`scrape`]: `otelcol_scraper_*` telemetry,
//! the interval ticker, once-per-streak reporting), and the metric table and builder ([`metrics`]), and active session history ([`ash`]: the
//! `active_session_history` block, adaptive rate, bounded ring and `db.ash.*` aggregation). Only receiver crates and this one know SQL drivers; the core
//! stays driver-free.

pub mod ash;
pub mod backoff;
pub mod blocking;
pub mod credentials;
pub mod error;
pub mod events;
pub mod features;
pub mod metrics;
pub mod scrape;
pub mod session;
pub mod tls;
pub mod trace;

pub use backoff::Backoff;
pub use error::{DbError, mysql_code_hint, sqlstate_hint};
pub use metrics::{MetricBuilder, MetricKind, MetricSpec, MetricTable, UnknownMetric};
pub use scrape::{ScraperTelemetry, Streak, Ticker};
pub use session::{APPLICATION_NAME, STATEMENT_PREFIX, prefixed};
pub use tls::{DbTls, SslMode};
