//! Query intelligence of the mysql receiver: `db.server.top_query` events (per-interval deltas of
//! `events_statements_summary_by_digest`), `db.server.query_sample` events (threads with their
//! current statement, wait and blocking) and plans (`EXPLAIN FORMAT=JSON`).

pub mod blocking;
pub mod config;
pub mod deltas;
pub mod plans;
pub mod samples;
pub mod top;

pub use config::{
    EventSwitch, EventsConfig, QuerySampleCollectionConfig, Seconds, StatementEventsConfig,
    TopQueryCollectionConfig,
};
