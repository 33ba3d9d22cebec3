//! The `events:` block shared by the database receivers (`db.server.top_query`,
//! `db.server.query_sample`), with the contrib receivers' keys and defaults.

use dbintel_core::ConfigProblem;
use serde::Deserialize;

/// One `events:` switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EventSwitch {
    pub enabled: bool,
}

impl EventSwitch {
    pub const ON: Self = Self { enabled: true };
    pub const OFF: Self = Self { enabled: false };
}

/// The receiver's `events:` block. Both events are off by default, as in contrib (metadata.yaml);
/// dbintel's embedded default config turns them on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EventsConfig {
    #[serde(rename = "db.server.top_query")]
    pub top_query: EventSwitch,
    #[serde(rename = "db.server.query_sample")]
    pub query_sample: EventSwitch,
}

impl EventsConfig {
    /// Both events on.
    pub const ALL: Self = Self { top_query: EventSwitch::ON, query_sample: EventSwitch::ON };

    /// Validation problems (none today; kept for symmetry with the other sections).
    pub fn problems(&self) -> Vec<ConfigProblem> {
        Vec::new()
    }
}
