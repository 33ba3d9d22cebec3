//! `nrerrormonitor` (metrics, logs): checks what passes against New Relic's ingest limits, the ones
//! that turn into `NrIntegrationError` events or silent loss after New Relic has accepted the
//! request, and reports each as `otelcol_nrerror_potential_total{check}` plus a rate-limited log
//! line. With `enable_proactive_validation` it fixes what can be fixed without changing what the
//! data means: over-long values are truncated with a marker, arrays cut to the limit, attributes with
//! over-long names and attributes beyond the per-record count dropped; each fix is counted.

mod monitor;

use std::time::Duration;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::{ComponentKind, DurationRange, GoDuration, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

pub use monitor::{Check, Fix, NrErrorMonitor};

/// Largest `cardinality_max_metrics`.
pub const MAX_TRACKED_METRICS: usize = 100_000;
/// Largest `cardinality_warning_threshold`.
pub const MAX_CARDINALITY: usize = 1_000_000;
/// Metric points older than this are dropped by New Relic (Metric API limits: 48 hours).
pub const MAX_POINT_AGE: Duration = Duration::from_secs(48 * 3600);
/// Metric points newer than this are dropped by New Relic (Metric API limits: 24 hours).
pub const MAX_POINT_FUTURE: Duration = Duration::from_secs(24 * 3600);
/// The marker a truncated value ends with (it counts toward the limit).
pub const TRUNCATION_MARKER: &str = "...[truncated]";
/// The attribute that makes New Relic store a log record as a custom event of that type.
pub const EVENT_TYPE_ATTRIBUTE: &str = "newrelic.event.type";

const SUPPRESSION_RANGE: DurationRange =
    DurationRange::new(Duration::from_secs(1), Duration::from_secs(86_400));

/// Config of the `nrerrormonitor` processor: the prototype's keys (New Relic's published limits as
/// defaults), plus ours.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct NrErrorMonitorConfig {
    /// Longest attribute value in characters (New Relic OTLP attribute limits: 4095).
    pub max_attribute_length: usize,
    /// Ours: longest attribute name in characters (New Relic: 255).
    pub max_attribute_name_length: usize,
    /// Ours: most entries of an array value (New Relic OTLP attribute limits: 64).
    pub max_array_length: usize,
    /// Ours: most attributes of one metric point, resource and scope attributes included (New Relic
    /// Metric API limits: 150).
    pub max_metric_attributes: usize,
    /// Ours: most attributes of one log record, resource and scope attributes included (New Relic
    /// Log event data: 255).
    pub max_log_attributes: usize,
    /// Ours: most attributes of a log record that New Relic stores as a custom event (one carrying
    /// `newrelic.event.type`), resource and scope attributes included (New Relic custom event data
    /// requirements: 254).
    pub max_event_attributes: usize,
    /// Ours: longest log body (New Relic's `message`) in bytes. New Relic keeps a value beyond 4094
    /// characters in a blob of at most 128 KB and truncates the rest; 128 KB read as 128000 bytes
    /// (New Relic's other sizes are decimal), so nothing is cut without a report.
    pub max_log_message_bytes: usize,
    /// Longest metric name in characters (New Relic: 255).
    pub max_metric_name_length: usize,
    /// Ours: largest batch as an encoded OTLP request, in bytes (New Relic: 1 MB = 10^6 per request,
    /// compressed). Checked before compression: a batch above it relies on compression to fit.
    pub max_payload_bytes: usize,
    /// Series (resource + point attributes) of one metric name in a UTC day beyond which points are
    /// reported. New Relic's limit is 100000 per metric name per day; the prototype warned at 10000.
    pub cardinality_warning_threshold: usize,
    /// Ours: metric names whose series are tracked at most (least recently used forgotten, counted).
    pub cardinality_max_metrics: usize,
    /// Ours: resource attributes every resource needs (`service.name`: New Relic's service entity).
    pub required_resource_attributes: Vec<String>,
    /// Ours: resource attributes New Relic synthesizes a database entity from; a resource missing
    /// any of them is reported (`missing_entity_attributes`). Empty turns the check off.
    pub entity_attributes: Vec<String>,
    /// Ours: attributes that say a resource describes a database (on the resource, or for logs on
    /// one of its records); `entity_attributes` are checked only on those, so the collector's own
    /// records (verification feedback) are not reported. Empty checks every resource.
    pub entity_identity_attributes: Vec<String>,
    /// Occurrences of one check after which an error is logged once.
    #[serde(alias = "error_threshold")]
    #[schemars(extend("x-aliases" = ["error_threshold"]))]
    pub alert_threshold: u64,
    /// One log line per check at most this often (the first occurrence is logged at once).
    pub error_suppression_duration: GoDuration,
    /// Fix what can be fixed safely (truncate values, cut arrays, drop attributes) and count it;
    /// `false` only reports.
    #[serde(alias = "enable_validation")]
    #[schemars(extend("x-aliases" = ["enable_validation"]))]
    pub enable_proactive_validation: bool,
}

impl Default for NrErrorMonitorConfig {
    fn default() -> Self {
        Self {
            max_attribute_length: 4095,
            max_attribute_name_length: 255,
            max_array_length: 64,
            max_metric_attributes: 150,
            max_log_attributes: 255,
            max_event_attributes: 254,
            max_log_message_bytes: 128_000,
            max_metric_name_length: 255,
            max_payload_bytes: 1_000_000,
            cardinality_warning_threshold: 10_000,
            cardinality_max_metrics: 1000,
            required_resource_attributes: vec!["service.name".into()],
            entity_attributes: vec!["server.address".into(), "server.port".into()],
            entity_identity_attributes: vec![
                "db.system.name".into(),
                "db.system".into(),
                "mysql.instance.endpoint".into(),
            ],
            alert_threshold: 100,
            error_suppression_duration: GoDuration::from_secs(300),
            enable_proactive_validation: true,
        }
    }
}

impl NrErrorMonitorConfig {
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        let marker = TRUNCATION_MARKER.chars().count();
        if self.max_log_message_bytes <= TRUNCATION_MARKER.len() {
            p.push(ConfigProblem::new(
                "max_log_message_bytes",
                format!("must be greater than {marker} (the truncation marker); default 128000"),
            ));
        }
        if self.max_attribute_length <= marker {
            p.push(ConfigProblem::new(
                "max_attribute_length",
                format!("must be greater than {marker} (the truncation marker); New Relic's limit is 4095"),
            ));
        }
        for (key, v, default) in [
            ("max_attribute_name_length", self.max_attribute_name_length, 255),
            ("max_array_length", self.max_array_length, 64),
            ("max_metric_attributes", self.max_metric_attributes, 150),
            ("max_log_attributes", self.max_log_attributes, 255),
            ("max_event_attributes", self.max_event_attributes, 254),
            ("max_metric_name_length", self.max_metric_name_length, 255),
            ("max_payload_bytes", self.max_payload_bytes, 1_000_000),
            ("alert_threshold", self.alert_threshold as usize, 100),
        ] {
            if v == 0 {
                p.push(ConfigProblem::new(key, format!("must be greater than 0 (default {default})")));
            }
        }
        if self.cardinality_warning_threshold == 0 || self.cardinality_warning_threshold > MAX_CARDINALITY {
            p.push(ConfigProblem::new(
                "cardinality_warning_threshold",
                format!("must be 1 to {MAX_CARDINALITY} (default 10000)"),
            ));
        }
        if self.cardinality_max_metrics == 0 || self.cardinality_max_metrics > MAX_TRACKED_METRICS {
            p.push(ConfigProblem::new(
                "cardinality_max_metrics",
                format!("must be 1 to {MAX_TRACKED_METRICS} (default 1000)"),
            ));
        }
        for (key, list) in [
            ("required_resource_attributes", &self.required_resource_attributes),
            ("entity_attributes", &self.entity_attributes),
            ("entity_identity_attributes", &self.entity_identity_attributes),
        ] {
            if list.len() > 64 || list.iter().any(String::is_empty) {
                p.push(ConfigProblem::new(key, "at most 64 non-empty attribute names"));
            }
        }
        p.extend(
            SUPPRESSION_RANGE.check("error_suppression_duration", self.error_suppression_duration.get()),
        );
        p
    }
}

pub struct NrErrorMonitorFactory;

impl TypedFactory for NrErrorMonitorFactory {
    type Config = NrErrorMonitorConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "nrerrormonitor",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "Reports (and safely fixes) data New Relic would drop or flag as NrIntegrationError.",
    };
    const SIGNAL_NOTES: &'static [(Signal, &'static str)] = &[(
        Signal::Traces,
        "its checks are New Relic's limits on metrics and logs (the prototype's monitor was metrics-only); spans pass untouched",
    )];
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "reporting_interval",
            "checks are counted as they happen (otelcol_nrerror_potential_total); log lines are rate-limited by error_suppression_duration",
        ),
        (
            "enabled",
            "a component runs when a pipeline lists it; leave it out of the pipelines to turn it off",
        ),
        ("alert_on_error", "an error is always logged once a check reaches alert_threshold"),
        ("batch_size", "batching is the batch processor's"),
        ("batch_timeout", "batching is the batch processor's"),
        ("validation_interval", "every batch is checked as it passes"),
        ("error_patterns", "the checks are New Relic's documented limits, not configured patterns"),
    ];

    fn check(&self, config: &NrErrorMonitorConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn build(&self, ctx: &CreateContext, config: NrErrorMonitorConfig) -> Result<Built, Vec<ConfigProblem>> {
        let p = config.problems();
        if !p.is_empty() {
            return Err(p);
        }
        let clock = std::sync::Arc::new(crate::costcontrol::SystemClock);
        Ok(Built::Processor(Box::new(NrErrorMonitor::new(config, ctx, clock))))
    }
}

#[cfg(test)]
mod tests;
