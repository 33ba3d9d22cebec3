//! Identifiers: component kinds, component IDs (`type[/name]`), signals and pipeline IDs (`signal[/name]`).

use std::fmt;
use std::str::FromStr;

/// The four kinds of component a config can declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentKind {
    Receiver,
    Processor,
    Exporter,
    Extension,
}

impl ComponentKind {
    /// The singular name used in messages and self-telemetry labels (`receiver`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Receiver => "receiver",
            ComponentKind::Processor => "processor",
            ComponentKind::Exporter => "exporter",
            ComponentKind::Extension => "extension",
        }
    }

    /// The top-level config section that declares components of this kind (`receivers`, ...).
    pub fn section(self) -> &'static str {
        match self {
            ComponentKind::Receiver => "receivers",
            ComponentKind::Processor => "processors",
            ComponentKind::Exporter => "exporters",
            ComponentKind::Extension => "extensions",
        }
    }

    pub const ALL: [ComponentKind; 4] = [
        ComponentKind::Receiver,
        ComponentKind::Processor,
        ComponentKind::Exporter,
        ComponentKind::Extension,
    ];
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Telemetry signals. There are no traces in dbintel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    Metrics,
    Logs,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("empty component type in `{0}`")]
    EmptyType(String),
    #[error("empty name after `/` in `{0}`")]
    EmptyName(String),
    #[error(
        "`{0}` is not a valid ID: use `type` or `type/name`, where type has only letters, digits and `_`"
    )]
    InvalidType(String),
    #[error("unknown signal `{signal}` in pipeline `{id}`: use `metrics` or `logs` (dbintel has no traces)")]
    UnknownSignal { id: String, signal: String },
}

/// A component ID, `type[/name]`, e.g. `sqlquery/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ComponentId {
    type_name: String,
    name: Option<String>,
}

impl ComponentId {
    pub fn new(type_name: impl Into<String>, name: Option<String>) -> Self {
        Self { type_name: type_name.into(), name }
    }
    pub fn type_name(&self) -> &str {
        &self.type_name
    }
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

fn valid_type(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl FromStr for ComponentId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let (type_name, name) = match s.split_once('/') {
            Some((t, n)) => (t, Some(n)),
            None => (s, None),
        };
        if type_name.is_empty() {
            return Err(IdError::EmptyType(s.to_string()));
        }
        if !valid_type(type_name) {
            return Err(IdError::InvalidType(s.to_string()));
        }
        if let Some(n) = name
            && n.is_empty()
        {
            return Err(IdError::EmptyName(s.to_string()));
        }
        Ok(ComponentId::new(type_name, name.map(str::to_string)))
    }
}

impl fmt::Display for ComponentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, "{}/{}", self.type_name, n),
            None => f.write_str(&self.type_name),
        }
    }
}

/// A pipeline ID, `signal[/name]`, e.g. `metrics/queries`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PipelineId {
    signal: Signal,
    name: Option<String>,
}

impl PipelineId {
    pub fn new(signal: Signal, name: Option<String>) -> Self {
        Self { signal, name }
    }
    pub fn signal(&self) -> Signal {
        self.signal
    }
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl FromStr for PipelineId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let (sig, name) = match s.split_once('/') {
            Some((t, n)) => (t, Some(n)),
            None => (s, None),
        };
        let signal = match sig {
            "metrics" => Signal::Metrics,
            "logs" => Signal::Logs,
            other => {
                return Err(IdError::UnknownSignal { id: s.to_string(), signal: other.to_string() });
            }
        };
        if let Some(n) = name
            && n.is_empty()
        {
            return Err(IdError::EmptyName(s.to_string()));
        }
        Ok(PipelineId::new(signal, name.map(str::to_string)))
    }
}

impl fmt::Display for PipelineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, "{}/{}", self.signal, n),
            None => f.write_str(self.signal.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_ids_parse_and_print() {
        let id: ComponentId = "sqlquery/orders".parse().unwrap();
        assert_eq!(id.type_name(), "sqlquery");
        assert_eq!(id.name(), Some("orders"));
        assert_eq!(id.to_string(), "sqlquery/orders");
        let id: ComponentId = "batch".parse().unwrap();
        assert_eq!(id.name(), None);
        assert!("".parse::<ComponentId>().is_err());
        assert!("/x".parse::<ComponentId>().is_err());
        assert!("batch/".parse::<ComponentId>().is_err());
        assert!("ba-tch".parse::<ComponentId>().is_err());
    }

    #[test]
    fn pipeline_ids_parse_and_reject_traces() {
        let id: PipelineId = "metrics/queries".parse().unwrap();
        assert_eq!(id.signal(), Signal::Metrics);
        assert_eq!(id.to_string(), "metrics/queries");
        let err = "traces".parse::<PipelineId>().unwrap_err();
        assert!(err.to_string().contains("no traces"), "{err}");
    }
}
