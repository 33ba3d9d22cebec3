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

/// Telemetry signals. Metrics and logs come from the database receivers; traces pass through
/// (dbintel as the gateway of the applications whose queries it watches).
///
/// The runtime treats signals as data: it keeps per-signal tables ([`PerSignal`]) indexed by
/// [`Signal::index`] and names from [`Signal::as_str`]/[`Signal::item_name`], so adding a signal
/// touches this enum, the data model (`pdata`) and the edges (receivers, exporters), not the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    Metrics,
    Logs,
    Traces,
}

impl Signal {
    /// How many signals there are: the size of every per-signal table.
    pub const COUNT: usize = 3;
    /// Every signal, in index order.
    pub const ALL: [Signal; Signal::COUNT] = [Signal::Metrics, Signal::Logs, Signal::Traces];

    /// The position of this signal in [`Signal::ALL`] and in every [`PerSignal`] table.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name used in pipeline IDs and messages (`metrics`, `logs`, `traces`).
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
            Signal::Traces => "traces",
        }
    }

    /// The item unit in self-telemetry names, as the Collector spells it (`metric_points`,
    /// `log_records`, `spans`): `otelcol_exporter_sent_<item_name>`.
    pub fn item_name(self) -> &'static str {
        match self {
            Signal::Metrics => "metric_points",
            Signal::Logs => "log_records",
            Signal::Traces => "spans",
        }
    }

    /// Parses a signal name (`metrics`, `logs`, `traces`).
    pub fn from_name(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value per signal, indexed by [`Signal`]: the runtime's tables (downstream queues, counters).
#[derive(Debug, Clone, Default)]
pub struct PerSignal<T>([T; Signal::COUNT]);

impl<T> PerSignal<T> {
    /// A table with `f(signal)` for every signal.
    pub fn from_fn(mut f: impl FnMut(Signal) -> T) -> Self {
        PerSignal(std::array::from_fn(|i| f(Signal::ALL[i])))
    }

    /// `(signal, value)` for every signal, in index order.
    pub fn iter(&self) -> impl Iterator<Item = (Signal, &T)> {
        Signal::ALL.into_iter().zip(self.0.iter())
    }
}

impl<T> std::ops::Index<Signal> for PerSignal<T> {
    type Output = T;
    fn index(&self, signal: Signal) -> &T {
        &self.0[signal.index()]
    }
}

impl<T> std::ops::IndexMut<Signal> for PerSignal<T> {
    fn index_mut(&mut self, signal: Signal) -> &mut T {
        &mut self.0[signal.index()]
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
    #[error("unknown signal `{signal}` in pipeline `{id}`: use `metrics`, `logs` or `traces`")]
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
        let Some(signal) = Signal::from_name(sig) else {
            return Err(IdError::UnknownSignal { id: s.to_string(), signal: sig.to_string() });
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
    fn pipeline_ids_parse_traces_and_reject_unknown_signals() {
        let id: PipelineId = "metrics/queries".parse().unwrap();
        assert_eq!(id.signal(), Signal::Metrics);
        assert_eq!(id.to_string(), "metrics/queries");
        let id: PipelineId = "traces".parse().unwrap();
        assert_eq!(id.signal(), Signal::Traces);
        let id: PipelineId = "traces/gateway".parse().unwrap();
        assert_eq!((id.signal(), id.name()), (Signal::Traces, Some("gateway")));
        assert_eq!(Signal::Traces.item_name(), "spans");
        let err = "profiles".parse::<PipelineId>().unwrap_err();
        assert!(err.to_string().contains("`traces`"), "{err}");
    }

    /// Every signal has its entries: a position in `ALL` equal to its index, unique names, a pipeline
    /// ID that round-trips, and an empty batch of its own kind in the data model. A new variant that
    /// is missing from `ALL` shows up as a count mismatch with the data model's variants.
    #[test]
    fn every_signal_has_its_per_signal_entries() {
        let mut names = std::collections::BTreeSet::new();
        let mut items = std::collections::BTreeSet::new();
        for (i, s) in Signal::ALL.into_iter().enumerate() {
            assert_eq!(s.index(), i, "{s}: ALL must be in index order");
            assert!(names.insert(s.as_str()) && !s.as_str().is_empty(), "{s}: name");
            assert!(items.insert(s.item_name()) && !s.item_name().is_empty(), "{s}: item name");
            assert_eq!(Signal::from_name(s.as_str()), Some(s));
            let id: PipelineId = format!("{s}/x").parse().unwrap();
            assert_eq!(id.signal(), s);
            assert_eq!(crate::pdata::SignalData::empty(s).signal(), s, "{s}: data model");
        }
        assert_eq!(
            Signal::ALL.len(),
            crate::pdata::SignalData::VARIANTS,
            "a signal is missing from Signal::ALL"
        );
        let table = PerSignal::from_fn(Signal::item_name);
        for s in Signal::ALL {
            assert_eq!(table[s], s.item_name());
        }
    }
}
