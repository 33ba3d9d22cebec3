//! `transform` (metrics, logs, traces): the Collector's transform processor on the OTTL subset of
//! [`crate::ottl`]. Statement groups run in config order; each group's statements run in order on
//! every record of its context, gated by the group's `conditions` (any may hold).

mod processor;

use dbintel_core::component::{Built, ComponentInfo, ConfigProblem, CreateContext, Stability};
use dbintel_core::{ComponentKind, Signal, TypedFactory};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::ottl::{self, Condition, Ctx, ErrorMode, Statement};
pub use processor::Transform;

/// Most statements (and conditions) in one processor.
pub const MAX_STATEMENTS: usize = 10_000;

/// Config of the `transform` processor (the Collector's keys).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TransformConfig {
    /// What a statement that fails on a record does: `ignore` (log, go on), `silent` (go on),
    /// `propagate` (drop the batch).
    pub error_mode: ErrorMode,
    /// Statements on logs: groups with a `context`, or plain statements whose context is read from
    /// their path prefixes (`log.`, `resource.`, `scope.`).
    pub log_statements: Vec<StatementsEntry>,
    /// Statements on metrics: groups with a `context`, or plain statements whose context is read
    /// from their path prefixes (`datapoint.`, `metric.`, `resource.`, `scope.`).
    pub metric_statements: Vec<StatementsEntry>,
    /// Statements on spans: groups with a `context` (`span`, `spanevent`, `scope`, `resource`), or
    /// plain statements whose context is read from their path prefixes (`span.`, `spanevent.`,
    /// `resource.`, `scope.`).
    pub trace_statements: Vec<StatementsEntry>,
}

/// One entry of `log_statements`/`metric_statements`: a statement (string) or a group (map). Parsed
/// by hand so that a group's error names its key (`statements: invalid type ...`) instead of
/// serde's "did not match any variant".
#[derive(Debug, Clone, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum StatementsEntry {
    /// A statement whose context comes from its path prefixes.
    Flat(String),
    Group(StatementGroup),
}

impl<'de> Deserialize<'de> for StatementsEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> serde::de::Visitor<'de> for EntryVisitor {
            type Value = StatementsEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a statement (a string) or a group (a map with `statements` and optional `context`, \
                     `conditions`, `error_mode`)",
                )
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<StatementsEntry, E> {
                Ok(StatementsEntry::Flat(s.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<StatementsEntry, E> {
                Ok(StatementsEntry::Flat(s))
            }
            // The group is read from the same map access, so an error keeps its key path
            // (`log_statements[0].statements[1]`).
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<StatementsEntry, A::Error> {
                StatementGroup::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(StatementsEntry::Group)
            }
        }
        d.deserialize_any(EntryVisitor)
    }
}

/// A group: statements run on every record of `context` for which any of `conditions` holds.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StatementGroup {
    /// `resource`, `scope`, `log` (logs), `metric`, `datapoint` (metrics) or `span`, `spanevent`
    /// (traces); read from the path prefixes when absent.
    #[serde(default)]
    pub context: Option<Ctx>,
    /// The group runs on a record when any holds (none: always).
    #[serde(default)]
    pub conditions: Vec<String>,
    pub statements: Vec<String>,
    /// This group's own `error_mode` (default: the processor's).
    #[serde(default)]
    pub error_mode: Option<ErrorMode>,
    /// contrib's cache shared by the groups that set it. Accepted; `true` is ignored with a
    /// warning: each group's statements have a cache of their own per record.
    #[serde(default)]
    pub shared_cache: Option<bool>,
}

/// A group compiled.
#[derive(Debug)]
pub struct Group {
    pub ctx: Ctx,
    pub conditions: Vec<Condition>,
    pub statements: Vec<Statement>,
    pub error_mode: ErrorMode,
}

/// The signal a statement list is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Logs,
    Metrics,
    Traces,
}

impl Kind {
    /// Contexts from the most to the least specific.
    pub fn contexts(self) -> &'static [Ctx] {
        match self {
            Kind::Logs => &[Ctx::Log, Ctx::Scope, Ctx::Resource],
            Kind::Metrics => &[Ctx::Datapoint, Ctx::Metric, Ctx::Scope, Ctx::Resource],
            Kind::Traces => &[Ctx::SpanEvent, Ctx::Span, Ctx::Scope, Ctx::Resource],
        }
    }
    fn key(self) -> &'static str {
        match self {
            Kind::Logs => "log_statements",
            Kind::Metrics => "metric_statements",
            Kind::Traces => "trace_statements",
        }
    }
}

/// The context of statements written without one: the most specific context their path prefixes
/// name (`set(log.attributes["a"], resource.attributes["b"])` runs per log record).
pub fn infer(kind: Kind, texts: &[&String]) -> Result<Ctx, String> {
    let mut named = Vec::new();
    for t in texts {
        named.extend(ottl::prefixed_contexts(t).map_err(|e| format!("`{t}`: {e}"))?);
    }
    if let Some(bad) = named.iter().find(|c| !kind.contexts().contains(c)) {
        return Err(format!("context `{}` does not exist for {}", bad.name(), kind.key()));
    }
    kind.contexts().iter().copied().find(|c| named.contains(c)).ok_or_else(|| {
        let eg = match kind {
            Kind::Logs => "log.attributes[\"k\"]",
            Kind::Metrics => "datapoint.attributes[\"k\"] or metric.name",
            Kind::Traces => "span.attributes[\"k\"] or spanevent.name",
        };
        format!(
            "no context: prefix the paths (e.g. {eg}) or write the group form with `context` and `statements`"
        )
    })
}

/// Compiles one statement list, each problem with its key path; `texts` of statements name them.
pub fn compile(
    kind: Kind,
    entries: &[StatementsEntry],
    default_mode: ErrorMode,
) -> (Vec<Group>, Vec<ConfigProblem>) {
    let key = kind.key();
    let mut groups = Vec::new();
    let mut problems = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let (at, context, conditions, statements, mode) = match e {
            StatementsEntry::Flat(s) => (format!("{key}[{i}]"), None, &[][..], std::slice::from_ref(s), None),
            StatementsEntry::Group(g) => {
                (format!("{key}[{i}]"), g.context, &g.conditions[..], &g.statements[..], g.error_mode)
            }
        };
        let ctx = match context {
            Some(c) if kind.contexts().contains(&c) => c,
            Some(c) => {
                let names: Vec<&str> = kind.contexts().iter().map(|c| c.name()).collect();
                problems.push(ConfigProblem::new(
                    format!("{at}.context"),
                    format!("`{}` is not a context of {key}; use one of: {}", c.name(), names.join(", ")),
                ));
                continue;
            }
            None => {
                let texts: Vec<&String> = conditions.iter().chain(statements).collect();
                match infer(kind, &texts) {
                    Ok(c) => c,
                    Err(m) => {
                        problems.push(ConfigProblem::new(at, m));
                        continue;
                    }
                }
            }
        };
        let flat = matches!(e, StatementsEntry::Flat(_));
        let mut group = Group {
            ctx,
            conditions: Vec::new(),
            statements: Vec::new(),
            error_mode: mode.unwrap_or(default_mode),
        };
        for (j, c) in conditions.iter().enumerate() {
            match Condition::compile(c, ctx) {
                Ok(mut c) => {
                    c.label = format!("{at}.conditions[{j}]");
                    group.conditions.push(c)
                }
                Err(err) => problems.push(ConfigProblem::new(
                    format!("{at}.conditions[{j}]"),
                    format!("condition {j} `{c}` (context {}): {err}", ctx.name()),
                )),
            }
        }
        for (j, s) in statements.iter().enumerate() {
            let path = if flat { at.clone() } else { format!("{at}.statements[{j}]") };
            match Statement::compile(s, ctx) {
                Ok(mut s) => {
                    s.label = path;
                    group.statements.push(s)
                }
                Err(err) => problems.push(ConfigProblem::new(
                    path,
                    format!("statement {j} `{s}` (context {}): {err}", ctx.name()),
                )),
            }
        }
        groups.push(group);
    }
    (groups, problems)
}

impl TransformConfig {
    fn total(&self) -> usize {
        self.log_statements
            .iter()
            .chain(&self.metric_statements)
            .chain(&self.trace_statements)
            .map(|e| match e {
                StatementsEntry::Flat(_) => 1,
                StatementsEntry::Group(g) => g.statements.len() + g.conditions.len(),
            })
            .sum()
    }

    /// Every problem of the section, each with its key path.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = compile(Kind::Logs, &self.log_statements, self.error_mode).1;
        p.extend(compile(Kind::Metrics, &self.metric_statements, self.error_mode).1);
        p.extend(compile(Kind::Traces, &self.trace_statements, self.error_mode).1);
        if self.total() > MAX_STATEMENTS {
            p.push(ConfigProblem::new(
                "",
                format!("at most {MAX_STATEMENTS} statements and conditions in all"),
            ));
        }
        p
    }
}

pub struct TransformFactory;

impl TypedFactory for TransformFactory {
    type Config = TransformConfig;
    const INFO: ComponentInfo = ComponentInfo {
        kind: ComponentKind::Processor,
        type_name: "transform",
        aliases: &[],
        signals: &[Signal::Metrics, Signal::Logs, Signal::Traces],
        stability: Stability::Alpha,
        description: "Changes logs, metrics and spans with OTTL statements (the Collector's transform processor, an OTTL subset).",
    };
    const IGNORED_KEYS: &'static [(&'static str, &'static str)] =
        &[("flatten_data", "dbintel's log records are transformed in place; there is nothing to flatten")];

    fn check(&self, config: &TransformConfig) -> Vec<ConfigProblem> {
        config.problems()
    }

    fn config_warnings(&self, config: &TransformConfig) -> Vec<ConfigProblem> {
        let lists = [
            ("log_statements", &config.log_statements),
            ("metric_statements", &config.metric_statements),
            ("trace_statements", &config.trace_statements),
        ];
        let mut w = Vec::new();
        for (key, entries) in lists {
            for (i, e) in entries.iter().enumerate() {
                if let StatementsEntry::Group(g) = e
                    && g.shared_cache == Some(true)
                {
                    w.push(ConfigProblem::new(
                        format!("{key}[{i}].shared_cache"),
                        "each group's statements keep a cache of their own per record; share values through attributes instead",
                    ));
                }
            }
        }
        w
    }

    fn build(&self, ctx: &CreateContext, config: TransformConfig) -> Result<Built, Vec<ConfigProblem>> {
        let (logs, mut p) = compile(Kind::Logs, &config.log_statements, config.error_mode);
        let (metrics, p2) = compile(Kind::Metrics, &config.metric_statements, config.error_mode);
        p.extend(p2);
        let (traces, p3) = compile(Kind::Traces, &config.trace_statements, config.error_mode);
        p.extend(p3);
        if !p.is_empty() {
            return Err(p);
        }
        Ok(Built::Processor(Box::new(Transform::new(
            logs,
            metrics,
            traces,
            &ctx.telemetry,
            &ctx.id.to_string(),
        ))))
    }
}

#[cfg(test)]
mod tests;
