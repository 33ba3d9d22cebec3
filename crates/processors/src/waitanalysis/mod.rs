//! `waitanalysis` (metrics, logs): the prototype's wait analysis processor, decided as a classifier.
//! The wait profile itself is made by the receivers' active session history (`db.ash.wait_events`,
//! seconds per wait and interval; `db.ash.sample` events); this processor labels each wait with the
//! category, severity and pattern name of the first configured pattern it matches (the prototype's
//! `patterns` list or its `categories` map), on every data point and log record that carries a wait
//! (`wait_event_type`/`wait_event`, or the receivers' `postgresql.*` / `mysql.*` names). Its alert
//! rules are not built: alerting on `db.ash.*` belongs to the backend (keys ignored with a warning).

use std::collections::BTreeMap;
use std::sync::Arc;

use dbintel_core::component::{
    Built, ComponentInfo, ConfigProblem, CreateContext, ProcessorError, Stability,
};
use dbintel_core::pdata::{Attributes, SignalData, Value};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{ComponentKind, Processor, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

/// One pattern (the prototype's `patterns[]`).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    /// Written as `pattern_name`.
    pub name: String,
    /// Wait event types matched (`Lock`, `IO`, `CPU`, ...); empty: any type.
    #[serde(default)]
    pub event_types: Vec<String>,
    /// Wait events matched (`DataFileRead`, ...); empty: any event of the types.
    #[serde(default)]
    pub events: Vec<String>,
    /// Written as `category`.
    pub category: String,
    /// Written as `severity` (`info`, `warning`, `critical`).
    #[serde(default)]
    pub severity: Option<String>,
    /// For people reading the config.
    #[serde(default)]
    pub description: Option<String>,
}

fn default_true() -> bool {
    true
}

/// Config of the `waitanalysis` processor.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WaitAnalysisConfig {
    /// Off: data passes unchanged (default true).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Patterns tried in order; absent: the prototype's documented defaults (Lock: Concurrency,
    /// IO: Storage, CPU: Compute, Client and IPC: Network, BufferPin: Memory, Extension).
    #[serde(default)]
    pub patterns: Option<Vec<Pattern>>,
    /// The prototype's other form: category name to `Type:Event` or `Type` entries, tried after the
    /// patterns, categories in name order.
    #[serde(default)]
    pub categories: BTreeMap<String, Vec<String>>,
}

impl Default for WaitAnalysisConfig {
    fn default() -> Self {
        Self { enabled: true, patterns: None, categories: BTreeMap::new() }
    }
}

fn pattern(name: &str, types: &[&str], events: &[&str], category: &str, severity: &str) -> Pattern {
    Pattern {
        name: name.into(),
        event_types: types.iter().map(|s| s.to_string()).collect(),
        events: events.iter().map(|s| s.to_string()).collect(),
        category: category.into(),
        severity: Some(severity.into()),
        description: None,
    }
}

/// The prototype's documented default patterns.
pub fn default_patterns() -> Vec<Pattern> {
    vec![
        pattern("lock_waits", &["Lock"], &[], "Concurrency", "warning"),
        pattern("io_waits", &["IO"], &["DataFileRead", "DataFileWrite", "WALWrite"], "Storage", "info"),
        pattern("cpu_waits", &["CPU"], &[], "Compute", "info"),
        pattern("network_waits", &["Client", "IPC"], &[], "Network", "info"),
        pattern("buffer_waits", &["BufferPin"], &["BufferPin"], "Memory", "warning"),
        pattern("extension_waits", &["Extension"], &[], "Extension", "info"),
    ]
}

/// Where a record or point names its wait: (type key, event key), first present wins.
const WAIT_KEYS: &[(&str, &str)] = &[
    ("wait_event_type", "wait_event"),
    ("postgresql.wait_event_type", "postgresql.wait_event"),
    ("mysql.wait_event_type", "mysql.wait_type"),
];

struct Rule {
    types: Vec<String>,
    events: Vec<String>,
    category: String,
    severity: Option<String>,
    name: String,
}

/// The compiled classifier.
pub struct WaitAnalysis {
    enabled: bool,
    rules: Vec<Rule>,
    matched: Counter,
}

impl WaitAnalysis {
    pub fn new(cfg: &WaitAnalysisConfig, telemetry: &Registry, id: &str) -> Self {
        let mut rules: Vec<Rule> = cfg
            .patterns
            .clone()
            .unwrap_or_else(default_patterns)
            .into_iter()
            .map(|p| Rule {
                types: p.event_types,
                events: p.events,
                category: p.category,
                severity: p.severity,
                name: p.name,
            })
            .collect();
        for (category, entries) in &cfg.categories {
            for e in entries {
                let (t, ev) = match e.split_once(':') {
                    Some((t, ev)) => (t.to_string(), vec![ev.to_string()]),
                    None => (e.clone(), Vec::new()),
                };
                rules.push(Rule {
                    types: vec![t],
                    events: ev,
                    category: category.clone(),
                    severity: None,
                    name: category.clone(),
                });
            }
        }
        Self {
            enabled: cfg.enabled,
            rules,
            matched: telemetry.counter(
                "dbintel_waitanalysis_patterns_matched_total",
                "Data points and log records labelled with a wait category",
                &[("processor", id)],
            ),
        }
    }

    /// Labels one attribute set; true when a pattern matched.
    pub fn label(&self, a: &mut Attributes) -> bool {
        let Some((t, e)) = WAIT_KEYS.iter().find_map(|(tk, ek)| {
            let t = a.get(tk).and_then(Value::as_str)?;
            Some((t.to_string(), a.get(ek).and_then(Value::as_str).unwrap_or("").to_string()))
        }) else {
            return false;
        };
        if t.is_empty() {
            return false;
        }
        let Some(rule) = self.rules.iter().find(|r| {
            (r.types.is_empty() || r.types.contains(&t)) && (r.events.is_empty() || r.events.contains(&e))
        }) else {
            return false;
        };
        a.insert("category", rule.category.clone());
        if let Some(s) = &rule.severity {
            a.insert("severity", s.clone());
        }
        a.insert("pattern_name", rule.name.clone());
        true
    }

    pub fn apply(&self, data: &mut SignalData) {
        let mut n = 0u64;
        match data {
            SignalData::Metrics(m) => {
                for rm in &mut m.resource_metrics {
                    for sm in &mut rm.scope_metrics {
                        for metric in &mut sm.metrics {
                            use dbintel_core::pdata::MetricData;
                            let points = match &mut metric.data {
                                MetricData::Gauge(p) => p,
                                MetricData::Sum { points, .. } => points,
                                _ => continue,
                            };
                            for p in points {
                                n += u64::from(self.label(&mut p.attributes));
                            }
                        }
                    }
                }
            }
            SignalData::Logs(l) => {
                for rl in &mut l.resource_logs {
                    for sl in &mut rl.scope_logs {
                        for r in &mut sl.log_records {
                            n += u64::from(self.label(&mut r.attributes));
                        }
                    }
                }
            }
            // Logs and metrics only (the factory declares it).
            SignalData::Traces(_) => {}
        }
        self.matched.add(n);
    }
}

impl Processor for WaitAnalysis {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        if self.enabled {
            self.apply(Arc::make_mut(&mut data));
        }
        out.push(data);
        Ok(())
    }

    fn mutates_data(&self) -> bool {
        self.enabled
    }
}

/// Builds `waitanalysis` processors.
pub struct WaitAnalysisFactory;

impl TypedFactory for WaitAnalysisFactory {
    type Config = WaitAnalysisConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "waitanalysis",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "The prototype's wait analysis: labels waits (db.ash.wait_events, db.ash.sample) with category, severity and pattern",
    };
    const SIGNAL_NOTES: &'static [(Signal, &'static str)] = &[(
        Signal::Traces,
        "it classifies the wait events of the database receivers' metrics and records; spans pass untouched",
    )];
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] = &[
        ("alert_rules", "alerting is the backend's: alert on db.ash.wait_events by category"),
        ("thresholds", "alerting is the backend's: alert on db.ash.wait_events by category"),
        ("wait_event_grouping", "db.ash.wait_events is already one series per wait"),
        (
            "contention_detection",
            "blocking is measured by db.ash.blocked_sessions and db.ash.blocking_chain_depth",
        ),
    ];

    fn check(&self, config: &WaitAnalysisConfig) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        for (i, pat) in config.patterns.iter().flatten().enumerate() {
            if pat.name.trim().is_empty() {
                p.push(ConfigProblem::new(format!("patterns[{i}].name"), "must not be empty"));
            }
            if pat.category.trim().is_empty() {
                p.push(ConfigProblem::new(format!("patterns[{i}].category"), "must not be empty"));
            }
        }
        for (c, entries) in &config.categories {
            if entries.iter().any(|e| e.trim().is_empty()) {
                p.push(ConfigProblem::new(format!("categories.{c}"), "entries are `Type:Event` or `Type`"));
            }
        }
        p
    }

    fn build(&self, ctx: &CreateContext, config: WaitAnalysisConfig) -> Result<Built, Vec<ConfigProblem>> {
        Ok(Built::Processor(Box::new(WaitAnalysis::new(&config, &ctx.telemetry, &ctx.id.to_string()))))
    }
}

#[cfg(test)]
mod tests;
