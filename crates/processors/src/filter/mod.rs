//! `filter` (metrics, logs, traces): drops what matches, as the Collector's filter processor. OTTL
//! conditions (`logs.log_record`, `metrics.metric`, `metrics.datapoint`, `traces.span`,
//! `traces.spanevent`): a record for which any holds is dropped. The legacy form (`include`/`exclude` with `match_type` strict or regexp) keeps
//! only what `include` matches and drops what `exclude` matches.

mod legacy;
mod processor;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::{ComponentKind, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::attributes::matcher::{self, MatchProperties, SpanMatcher};
use crate::ottl::{Condition, Ctx, ErrorMode};
pub use legacy::{Attribute, LogMatch, MatchType, MetricMatch, SeverityMatch};
pub use processor::Filter;

/// Most conditions in one processor.
pub const MAX_CONDITIONS: usize = 10_000;

/// Config of the `filter` processor (the Collector's keys).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FilterConfig {
    /// What a condition that fails on a record does: `ignore` and `silent` treat it as not
    /// matching (the record stays; `ignore` logs), `propagate` drops the batch.
    pub error_mode: ErrorMode,
    pub logs: LogsFilter,
    pub metrics: MetricsFilter,
    pub traces: TracesFilter,
    /// The Collector's deprecated legacy span matching (`filterconfig.MatchConfig`): spans that
    /// `include` does not match, and spans that `exclude` matches, are dropped.
    pub spans: Option<SpansFilter>,
}

/// `spans`: legacy include/exclude for spans, with the attributes processor's span matching
/// (services, span_names, span_kinds, attributes, resources, libraries; `strict` or `regexp`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SpansFilter {
    /// Legacy: only spans matching this are kept.
    pub include: Option<MatchProperties>,
    /// Legacy: spans matching this are dropped.
    pub exclude: Option<MatchProperties>,
}

/// `traces`: OTTL conditions.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TracesFilter {
    /// OTTL conditions in the span context; a span for which any holds is dropped (with its events
    /// and links).
    pub span: Vec<String>,
    /// OTTL conditions in the span event context; an event for which any holds is dropped from its
    /// span (the span stays).
    pub spanevent: Vec<String>,
}

/// `logs`: OTTL conditions or the legacy include/exclude.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogsFilter {
    /// OTTL conditions in the log context; a record for which any holds is dropped.
    pub log_record: Vec<String>,
    /// Legacy: only records matching this are kept.
    pub include: Option<LogMatch>,
    /// Legacy: records matching this are dropped.
    pub exclude: Option<LogMatch>,
}

/// `metrics`: OTTL conditions or the legacy include/exclude.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsFilter {
    /// OTTL conditions in the metric context; a metric for which any holds is dropped whole.
    pub metric: Vec<String>,
    /// OTTL conditions in the datapoint context; a point for which any holds is dropped (and a
    /// metric left without points with it).
    pub datapoint: Vec<String>,
    /// Legacy: only metrics matching this are kept.
    pub include: Option<MetricMatch>,
    /// Legacy: metrics matching this are dropped.
    pub exclude: Option<MetricMatch>,
}

/// The compiled filter.
pub struct Compiled {
    pub log_record: Vec<Condition>,
    pub metric: Vec<Condition>,
    pub datapoint: Vec<Condition>,
    pub span: Vec<Condition>,
    pub spanevent: Vec<Condition>,
    pub logs_include: Option<legacy::LogMatcher>,
    pub logs_exclude: Option<legacy::LogMatcher>,
    pub metrics_include: Option<legacy::MetricMatcher>,
    pub metrics_exclude: Option<legacy::MetricMatcher>,
    /// Legacy `spans` include/exclude.
    pub spans: Option<matcher::Filter<SpanMatcher>>,
}

fn conditions(key: &str, list: &[String], ctx: Ctx, p: &mut Vec<ConfigProblem>) -> Vec<Condition> {
    let mut out = Vec::new();
    for (i, c) in list.iter().enumerate() {
        match Condition::compile(c, ctx) {
            Ok(mut c) => {
                c.label = format!("{key}[{i}]");
                out.push(c)
            }
            Err(e) => p.push(ConfigProblem::new(
                format!("{key}[{i}]"),
                format!("condition {i} `{c}` (context {}): {e}", ctx.name()),
            )),
        }
    }
    out
}

/// A legacy block compiled, its problems prefixed with its key.
fn legacy<T>(p: &mut Vec<ConfigProblem>, key: &str, r: Option<Result<T, Vec<ConfigProblem>>>) -> Option<T> {
    match r? {
        Ok(v) => Some(v),
        Err(e) => {
            p.extend(e.into_iter().map(|e| {
                let path = if e.path.is_empty() { key.to_string() } else { format!("{key}.{}", e.path) };
                ConfigProblem::new(path, e.message)
            }));
            None
        }
    }
}

impl FilterConfig {
    pub fn compile(&self) -> (Compiled, Vec<ConfigProblem>) {
        let mut p = Vec::new();
        let l = &self.logs;
        let m = &self.metrics;
        if !l.log_record.is_empty() && (l.include.is_some() || l.exclude.is_some()) {
            p.push(ConfigProblem::new(
                "logs",
                "use either log_record (OTTL) or include/exclude, not both (as the Collector)",
            ));
        }
        if !(m.metric.is_empty() && m.datapoint.is_empty()) && (m.include.is_some() || m.exclude.is_some()) {
            p.push(ConfigProblem::new(
                "metrics",
                "use either metric/datapoint (OTTL) or include/exclude, not both (as the Collector)",
            ));
        }
        let t = &self.traces;
        let legacy_spans = self.spans.as_ref().filter(|s| s.include.is_some() || s.exclude.is_some());
        if legacy_spans.is_some() && !(t.span.is_empty() && t.spanevent.is_empty()) {
            p.push(ConfigProblem::new(
                "spans",
                "use either traces.span/spanevent (OTTL) or spans include/exclude, not both (as the Collector)",
            ));
        }
        let spans = legacy_spans.and_then(|s| {
            match matcher::compile_for(s.include.as_ref(), s.exclude.as_ref(), SpanMatcher::compile) {
                Ok(f) => Some(f),
                Err(e) => {
                    p.extend(
                        e.into_iter().map(|e| ConfigProblem::new(format!("spans.{}", e.path), e.message)),
                    );
                    None
                }
            }
        });
        let total =
            l.log_record.len() + m.metric.len() + m.datapoint.len() + t.span.len() + t.spanevent.len();
        if total > MAX_CONDITIONS {
            p.push(ConfigProblem::new("", format!("at most {MAX_CONDITIONS} conditions in all")));
        }
        let logs_include = legacy(&mut p, "logs.include", l.include.as_ref().map(legacy::LogMatcher::new));
        let logs_exclude = legacy(&mut p, "logs.exclude", l.exclude.as_ref().map(legacy::LogMatcher::new));
        let metrics_include =
            legacy(&mut p, "metrics.include", m.include.as_ref().map(legacy::MetricMatcher::new)).flatten();
        let metrics_exclude =
            legacy(&mut p, "metrics.exclude", m.exclude.as_ref().map(legacy::MetricMatcher::new)).flatten();
        let c = Compiled {
            log_record: conditions("logs.log_record", &l.log_record, Ctx::Log, &mut p),
            metric: conditions("metrics.metric", &m.metric, Ctx::Metric, &mut p),
            datapoint: conditions("metrics.datapoint", &m.datapoint, Ctx::Datapoint, &mut p),
            span: conditions("traces.span", &t.span, Ctx::Span, &mut p),
            spanevent: conditions("traces.spanevent", &t.spanevent, Ctx::SpanEvent, &mut p),
            logs_include,
            logs_exclude,
            metrics_include,
            metrics_exclude,
            spans,
        };
        (c, p)
    }
}

pub struct FilterFactory;

impl TypedFactory for FilterFactory {
    type Config = FilterConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "filter",
        aliases: &[],
        signals: &Signal::ALL,
        stability: Stability::Alpha,
        description: "Drops log records, metrics, data points, spans or span events matching OTTL conditions (or legacy include/exclude rules for logs, metrics and spans).",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] =
        &[("profiles", "dbintel has no profile pipelines")];

    fn check(&self, config: &FilterConfig) -> Vec<ConfigProblem> {
        config.compile().1
    }

    /// Legacy blocks that name nothing: an empty `logs.exclude` drops every record and an empty
    /// `metrics` block filters nothing, as in the Collector; either is likely not what was meant.
    fn config_notes(&self, config: &FilterConfig) -> Vec<ConfigProblem> {
        let mut w = Vec::new();
        if config.logs.exclude.as_ref().is_some_and(legacy::LogMatch::names_nothing) {
            w.push(ConfigProblem::new(
                "logs.exclude",
                "names nothing, so it matches every record: all logs are dropped (as in the Collector)",
            ));
        }
        for (key, m) in
            [("metrics.include", &config.metrics.include), ("metrics.exclude", &config.metrics.exclude)]
        {
            if m.as_ref().is_some_and(|m| {
                m.metric_names.is_empty() && m.resource_attributes.is_empty() && m.expressions.is_empty()
            }) {
                w.push(ConfigProblem::new(key, "names nothing, so it filters nothing (as in the Collector)"));
            }
        }
        w
    }

    fn build(&self, ctx: &CreateContext, config: FilterConfig) -> Result<Built, Vec<ConfigProblem>> {
        let (c, p) = config.compile();
        if !p.is_empty() {
            return Err(p);
        }
        Ok(Built::Processor(Box::new(Filter::new(c, config.error_mode, &ctx.telemetry, &ctx.id.to_string()))))
    }
}

#[cfg(test)]
mod tests;
