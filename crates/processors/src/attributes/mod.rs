//! `attributes` (metrics, logs, traces): the Collector's attributes processor. Actions (`insert`,
//! `update`, `upsert`, `delete`, `hash`, `extract`, `convert`) on log record attributes, on every
//! metric data point's attributes and on span attributes, for the items `include`/`exclude` select.
//!
//! Keys, defaults and semantics follow contrib's `processor/attributesprocessor` (its actions come
//! from `internal/coreinternal/attraction`, its matching from `internal/filter`). What differs is
//! listed in the README.

pub mod actions;
pub mod matcher;

use std::sync::Arc;

use dbintel_core::component::{
    Built, ComponentInfo, ConfigProblem, CreateContext, ProcessorError, Stability,
};
use dbintel_core::pdata::{MetricData, SignalData};
use dbintel_core::telemetry::{Counter, Registry};
use dbintel_core::{ComponentKind, Processor, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

pub use actions::{ActionConfig, Actions};
use matcher::{Filter, compile_for, problems_for};
pub use matcher::{LogMatcher, MatchProperties, MetricMatcher, SpanMatcher};

/// Config of the `attributes` processor.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct AttributesConfig {
    /// The actions, applied in order to each selected item; at least one.
    #[serde(default)]
    pub actions: Vec<ActionConfig>,
    /// Only items matching these properties are processed.
    #[serde(default)]
    pub include: Option<MatchProperties>,
    /// Items matching these properties are not processed (checked after `include`).
    #[serde(default)]
    pub exclude: Option<MatchProperties>,
}

impl AttributesConfig {
    /// Problems whatever the pipeline: the actions, and `include`/`exclude` valid for no signal.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.actions.is_empty() {
            p.push(ConfigProblem::new("actions", "at least one action is required"));
        }
        if let Err(mut e) = Actions::compile("actions", &self.actions) {
            p.append(&mut e);
        }
        let (inc, exc) = (self.include.as_ref(), self.exclude.as_ref());
        let per_signal: Vec<Vec<ConfigProblem>> =
            Signal::ALL.into_iter().map(|s| problems_for(inc, exc, s)).collect();
        if per_signal.iter().all(|q| !q.is_empty()) {
            // Valid for no signal: every problem of each, once each.
            for q in per_signal.into_iter().flatten() {
                if !p.contains(&q) {
                    p.push(q);
                }
            }
        }
        p
    }
}

/// The processor, built for one pipeline (so for one signal's matching rules).
pub struct AttributesProcessor {
    actions: Actions,
    logs: Filter<LogMatcher>,
    metrics: Filter<MetricMatcher>,
    spans: Filter<SpanMatcher>,
    processed: Counter,
    skipped: Counter,
}

impl AttributesProcessor {
    /// Builds the processor for a pipeline of `signal` (`None`: both signals' rules must hold).
    pub fn new(
        config: &AttributesConfig,
        signal: Option<Signal>,
        telemetry: &Registry,
        id: &str,
    ) -> Result<Self, Vec<ConfigProblem>> {
        let mut p = config.problems();
        if !p.is_empty() {
            return Err(p);
        }
        let actions = Actions::compile("actions", &config.actions)?;
        let (inc, exc) = (config.include.as_ref(), config.exclude.as_ref());
        let logs = if signal.is_none_or(|s| s == Signal::Logs) {
            compile_for(inc, exc, LogMatcher::compile).unwrap_or_else(|mut e| {
                p.append(&mut e);
                Filter::none()
            })
        } else {
            Filter::none()
        };
        let metrics = if signal.is_none_or(|s| s == Signal::Metrics) {
            compile_for(inc, exc, MetricMatcher::compile).unwrap_or_else(|mut e| {
                p.append(&mut e);
                Filter::none()
            })
        } else {
            Filter::none()
        };
        let spans = if signal.is_none_or(|s| s == Signal::Traces) {
            compile_for(inc, exc, SpanMatcher::compile).unwrap_or_else(|mut e| {
                p.append(&mut e);
                Filter::none()
            })
        } else {
            Filter::none()
        };
        if !p.is_empty() {
            return Err(p);
        }
        let labels = [("processor", id)];
        Ok(Self {
            actions,
            logs,
            metrics,
            spans,
            processed: telemetry.counter(
                "dbintel_attributes_items_processed_total",
                "Log records, metric data points and spans the attributes processor applied its actions to.",
                &labels,
            ),
            skipped: telemetry.counter(
                "dbintel_attributes_items_skipped_total",
                "Log records, metric data points and spans include/exclude left untouched.",
                &labels,
            ),
        })
    }

    fn skip<M>(f: &Filter<M>, matches: impl Fn(&M) -> bool) -> bool {
        f.include.as_ref().is_some_and(|m| !matches(m)) || f.exclude.as_ref().is_some_and(matches)
    }

    /// Applies the actions to `data` in place.
    pub fn apply(&self, data: &mut SignalData) {
        let (mut done, mut skipped) = (0u64, 0u64);
        match data {
            SignalData::Logs(logs) => {
                for rl in &mut logs.resource_logs {
                    for sl in &mut rl.scope_logs {
                        for r in &mut sl.log_records {
                            if Self::skip(&self.logs, |m| m.matches(r, &rl.resource, &sl.scope)) {
                                skipped += 1;
                                continue;
                            }
                            self.actions.apply(&mut r.attributes);
                            done += 1;
                        }
                    }
                }
            }
            SignalData::Metrics(metrics) => {
                for rm in &mut metrics.resource_metrics {
                    for sm in &mut rm.scope_metrics {
                        for m in &mut sm.metrics {
                            let n = m.data.point_count() as u64;
                            if Self::skip(&self.metrics, |f| f.matches(&m.name, &rm.resource)) {
                                skipped += n;
                                continue;
                            }
                            done += n;
                            match &mut m.data {
                                MetricData::Gauge(points) | MetricData::Sum { points, .. } => {
                                    points.iter_mut().for_each(|p| self.actions.apply(&mut p.attributes))
                                }
                                MetricData::Histogram { points, .. } => {
                                    points.iter_mut().for_each(|p| self.actions.apply(&mut p.attributes))
                                }
                                MetricData::Summary(points) => {
                                    points.iter_mut().for_each(|p| self.actions.apply(&mut p.attributes))
                                }
                            }
                        }
                    }
                }
            }
            SignalData::Traces(traces) => {
                for rs in &mut traces.resource_spans {
                    for ss in &mut rs.scope_spans {
                        for span in &mut ss.spans {
                            if Self::skip(&self.spans, |m| m.matches(span, &rs.resource, &ss.scope)) {
                                skipped += 1;
                                continue;
                            }
                            self.actions.apply(&mut span.attributes);
                            done += 1;
                        }
                    }
                }
            }
        }
        self.processed.add(done);
        self.skipped.add(skipped);
    }
}

impl Processor for AttributesProcessor {
    fn process(
        &mut self,
        mut data: Arc<SignalData>,
        out: &mut Vec<Arc<SignalData>>,
    ) -> Result<(), ProcessorError> {
        self.apply(Arc::make_mut(&mut data));
        out.push(data);
        Ok(())
    }
}

pub struct AttributesFactory;

impl TypedFactory for AttributesFactory {
    type Config = AttributesConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "attributes",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Beta,
        description: "The Collector's attributes processor: insert, update, upsert, delete, hash, extract, convert on record, data point and span attributes, with include/exclude.",
    };

    fn check(&self, config: &AttributesConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn config_warnings(&self, config: &AttributesConfig) -> Vec<ConfigProblem> {
        actions::action_warnings("actions", &config.actions)
    }

    /// `include`/`exclude` properties another signal has (e.g. `log_bodies` in a metrics pipeline):
    /// `dbintel validate` reports them per pipeline, as building would.
    fn check_for_signal(&self, config: &AttributesConfig, signal: Signal) -> Vec<ConfigProblem> {
        problems_for(config.include.as_ref(), config.exclude.as_ref(), signal)
    }

    fn build(&self, ctx: &CreateContext, config: AttributesConfig) -> Result<Built, Vec<ConfigProblem>> {
        let signal = ctx.pipeline.as_ref().map(|p| p.signal());
        let p = AttributesProcessor::new(&config, signal, &ctx.telemetry, &ctx.id.to_string())?;
        Ok(Built::Processor(Box::new(p)))
    }
}

#[cfg(test)]
mod tests;
