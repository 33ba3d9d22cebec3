//! dbintel-core: the data model, component contracts, pipeline runtime, self-telemetry registry and
//! health registry. It knows no SQL driver and no wire format.

pub mod admission;
pub mod all_problems;
pub mod breaker;
pub mod cache;
pub mod component;
pub mod config_value;
pub mod delivery;
pub mod duration;
pub mod health;
pub mod host;
pub mod ids;
pub mod pdata;
pub mod pipeline;
pub mod redact;
pub mod sharding;
pub mod telemetry;
pub mod time_fmt;
pub mod typed;

pub use admission::{Admission, AdmissionRegistry, Admit, Scope, ScrapeGate};
pub use all_problems::{all_problems, all_problems_with};
pub use component::{
    Built, ComponentError, ComponentInfo, ComponentRegistry, ConfigProblem, CreateContext, ExportError,
    Exporter, Extension, ExtensionContext, Factory, Processor, ProcessorContext, ProcessorError, Receiver,
    ReceiverContext, RefusedError, Stability, TaskProcessor, ignored_keys_present, parse_component_config,
};
pub use delivery::{Delivery, DeliveryWait, Outcome};
pub use duration::{DurationRange, GoDuration, MAX_DURATION, check_durations, parse_duration};
pub use host::{Host, HostError};
pub use ids::{ComponentId, ComponentKind, PerSignal, PipelineId, Signal};
pub use pdata::SignalData;
/// The schema derive, re-exported so components need no direct dependency.
pub use schemars::{self, JsonSchema};
pub use typed::TypedFactory;
