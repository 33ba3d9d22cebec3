//! The `postgresql` receiver: server, database and table metrics at parity with the OpenTelemetry
//! contrib receiver, plus query intelligence (top queries, samples, waits, blocking, plans).
//!
//! Layout: `server.rs` holds what every part needs to know about the monitored server; the
//! connection, scrape loop and metrics live beside it; `query/` holds the query-intelligence
//! collectors that turn pg_stat_statements and pg_stat_activity into log events.

pub mod query;
pub mod server;
